//! `git-reauth setup --token-stdin`.

use std::io::{IsTerminal, Read};

use tokio_util::sync::CancellationToken;
use zeroize::Zeroizing;

use crate::cli::SetupArgs;
use crate::engine::Deps;
use crate::engine::setup::{Basis, Fixed, Prepared, SetupOpts, fix};
use crate::exit;
use crate::model::account::Bind;
use crate::model::token::{LintIssue, Token, accept};

use super::{Problem, Style, out};

/// More than any token; stops a runaway pipe.
const MAX_STDIN: u64 = 4096;

/// Read exactly one token from stdin: what [`accept`] takes (the wizard takes the same),
/// a line break inside refused as more than one line.
pub fn read_token(mut input: impl Read, is_tty: bool) -> Result<Token, Problem> {
    if is_tty {
        return Err(Problem::StdinIsTty);
    }
    let mut raw = Zeroizing::new(Vec::new());
    (&mut input)
        .take(MAX_STDIN + 1)
        .read_to_end(&mut raw)
        .map_err(|e| Problem::Other(format!("cannot read stdin: {e}")))?;
    if raw.len() as u64 > MAX_STDIN {
        return Err(Problem::BadToken("stdin is far longer than any token; give exactly one token line".into()));
    }
    let text =
        std::str::from_utf8(&raw).map_err(|_| Problem::BadToken("the token is not valid text (UTF-8)".into()))?;
    match accept(text) {
        Ok(token) => Ok(token),
        Err(LintIssue::LineBreak) => Err(Problem::MultiLineInput),
        Err(issue) => Err(Problem::BadToken(issue.message())),
    }
}

pub async fn run(deps: &Deps, args: SetupArgs, cancel: &CancellationToken) -> Result<u8, Problem> {
    let stdin = std::io::stdin();
    let is_tty = stdin.is_terminal();
    let token = read_token(stdin.lock(), is_tty)?;
    if args.all {
        return run_all(deps, args, &token, cancel).await;
    }
    let opts = SetupOpts {
        remote: args.remote,
        switch_remote: args.switch_remote,
        store: args.store.into(),
        bind: args.bind.map_or(Bind::Ask, Into::into),
        host_only: false,
    };
    // The plan is printed before anything changes; `--dry-run` stops there.
    let mut shown = Ok(());
    let confirm = |p: &Prepared| {
        shown = out(&render_plan(p, deps, Style::stdout()));
        shown.is_ok() && !args.dry_run
    };
    let fixed = fix(deps, &token, Basis::Opts(&opts), cancel, None, confirm).await?;
    shown?;
    let (prepared, applied) = match fixed {
        Fixed::Previewed(_) => {
            out("Dry run: nothing was changed.\n")?;
            return Ok(exit::OK);
        }
        Fixed::Applied { prepared, applied } => (prepared, applied),
    };
    let s = Style::stdout();
    let mut text = String::new();
    for v in &applied.verified {
        text.push_str(&format!("{} {v}\n", s.ok("✓")));
    }
    text.push_str(&format!(
        "{} Undo the remote/config changes with `git-reauth undo` (journal: {}).\n",
        s.bold("Done."),
        applied.journal.display()
    ));
    if let Some(exp) = prepared.account.expires {
        text.push_str(&format!("The token expires on {}: run git-reauth again before then.\n", exp.format("%Y-%m-%d")));
    }
    if let Some(push) = prepared.push_command() {
        text.push_str(&format!("Now run `{push}`.\n"));
    }
    out(&text)?;
    Ok(exit::OK)
}

/// What was found and what will change.
pub fn render_plan(p: &Prepared, deps: &Deps, s: Style) -> String {
    let mut text = String::new();
    let scopes = match &p.account.scopes {
        Some(sc) => format!("scopes: {}", sc.display()),
        None => "per-repository permissions".into(),
    };
    let expiry = match p.account.expires {
        Some(t) => format!("expires {}", t.format("%Y-%m-%d")),
        None => "no expiry".into(),
    };
    text.push_str(&format!(
        "{} {} for {} on {} ({scopes}; {expiry})\n",
        s.ok("✓"),
        p.kind.describe(),
        p.account.login,
        deps.host().host_port()
    ));
    for w in &p.warnings {
        text.push_str(&format!("{} {w}\n", s.warn("!")));
    }
    if let Some(t) = &p.target {
        text.push_str(&format!("{} can push to {} (remote {})\n", s.ok("✓"), t.view.repo, t.view.info.name));
    }
    text.push_str(&s.bold("Plan:"));
    text.push('\n');
    for (i, c) in p.plan.changes.iter().enumerate() {
        text.push_str(&format!("  {}. {}\n", i + 1, c.describe()));
    }
    for n in &p.notes {
        text.push_str(&format!("{} {n}\n", s.warn("note:")));
    }
    text
}

/// `setup --all`: find the repositories (offline), then the host's credential and every
/// chosen repository's switch in one plan, one journal, one undo.
async fn run_all(deps: &Deps, args: SetupArgs, token: &Token, cancel: &CancellationToken) -> Result<u8, Problem> {
    use crate::engine::scan::{ScanOpts, scan};
    use crate::engine::setup::{FixedAll, fix_all};
    use crate::model::scan::Need;
    let roots = super::all::roots(deps, &args.dirs).map_err(Problem::Other)?;
    let report =
        scan(deps, &ScanOpts { roots, max_depth: args.max_depth, offline: true }, std::sync::Arc::new(|_| {})).await;
    let switchable: Vec<std::path::PathBuf> = report
        .repos
        .iter()
        .filter(|r| r.needs.contains(&Need::Switch))
        .map(|r| std::path::PathBuf::from(&r.path))
        .collect();
    let dirs = if args.switch_remote { switchable.clone() } else { Vec::new() };
    let opts = SetupOpts {
        remote: None,
        switch_remote: args.switch_remote,
        store: args.store.into(),
        bind: args.bind.map_or(Bind::Ask, Into::into),
        host_only: false,
    };
    let s = Style::stdout();
    let mut shown = Ok(());
    let confirm = |p: &crate::engine::setup::AllPrepared| {
        let mut text = render_plan(&p.host, deps, s);
        // The host's plan lines are the last ones of the whole plan: show the whole.
        text = text.split(&s.bold("Plan:")).next().unwrap_or("").to_string();
        text.push_str(&format!(
            "{} {} repositories found; {} switched:\n",
            s.bold("Plan:"),
            report.repos.len(),
            p.repos.len()
        ));
        for r in &p.repos {
            text.push_str(&format!("  {} {} ({})\n", s.ok("→"), r.dir.display(), r.repo));
        }
        for (i, c) in p.plan.changes.iter().enumerate() {
            text.push_str(&format!("  {}. {}\n", i + 1, c.describe()));
        }
        for (dir, why) in &p.skipped {
            text.push_str(&format!("{} left out: {}: {why}\n", s.warn("note:"), dir.display()));
        }
        if !args.switch_remote && !switchable.is_empty() {
            text.push_str(&format!(
                "{} {} repositories use SSH on the host; add --switch-remote to switch them\n",
                s.warn("note:"),
                switchable.len()
            ));
        }
        for n in &p.notes {
            text.push_str(&format!("{} {n}\n", s.warn("note:")));
        }
        shown = out(&text);
        shown.is_ok() && !args.dry_run
    };
    let fixed = fix_all(deps, token, &dirs, &opts, cancel, confirm).await?;
    shown?;
    match fixed {
        FixedAll::Previewed(_) => out("Dry run: nothing was changed.\n")?,
        FixedAll::Applied { journal, verified, prepared } => {
            let mut text = String::new();
            for (dir, why) in prepared.skipped.iter().filter(|(_, why)| why.contains("changed since the plan")) {
                text.push_str(&format!("{} left out: {}: {why}\n", s.warn("note:"), dir.display()));
            }
            for v in &verified {
                text.push_str(&format!("{} {v}\n", s.ok("✓")));
            }
            text.push_str(&format!(
                "{} One `git-reauth undo` reverts every repository (journal: {}).\n",
                s.bold("Done."),
                journal.display()
            ));
            out(&text)?;
        }
    }
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the wizard's Paste screen does with `value` in the field and Enter: the
    /// token it asks GitHub about, or `None` (refused).
    fn wizard_accepts(value: &str) -> Option<String> {
        use crate::tui::app::{Action, Effect, Msg, Screen, update};
        let mut s = crate::tui::gallery::diagnosed();
        s.screen = Screen::Paste;
        s.field = crate::tui::secret::SecretBuf::from_text(value);
        match update(&mut s, Msg::Action(Action::Forward)).as_slice() {
            [Effect::Verify { token, .. }] => Some(token.expose().to_string()),
            _ => None,
        }
    }

    fn pasted() -> impl Strategy<Value = String> {
        let token = crate::tui::gallery::fake_token();
        let around = prop::sample::select(vec!["", " ", "\t", "\n", "\r\n", "\u{feff}", "\"", "'", "`", "\u{200b}"]);
        let inside = prop::sample::select(vec!["", " ", "\n", "\"", "-", "ghp_"]);
        (prop::collection::vec(around.clone(), 0..4), prop::collection::vec(around, 0..4), inside, 0..40usize).prop_map(
            move |(before, after, inner, at)| {
                let (a, b) = token.split_at(at.min(token.len()));
                format!("{}{a}{inner}{b}{}", before.concat(), after.concat())
            },
        )
    }

    proptest! {
        /// One function decides for both faces: the same values pass, as the same token.
        #[test]
        fn the_wizard_and_setup_accept_exactly_the_same_values(value in pasted()) {
            let setup = read_token(value.as_bytes(), false).ok().map(|t| t.expose().to_string());
            prop_assert_eq!(setup, wizard_accepts(&value), "{:?}", value);
        }
    }

    #[test]
    fn a_token_as_people_paste_it_is_accepted_by_both() {
        let t = crate::tui::gallery::fake_token();
        for value in [format!("{t}\n"), format!("\"{t}\"\r\n"), format!("\u{feff}{t} "), format!("'{t}'")] {
            assert_eq!(read_token(value.as_bytes(), false).unwrap().expose(), t, "{value:?}");
            assert_eq!(wizard_accepts(&value).as_deref(), Some(t.as_str()), "{value:?}");
        }
        assert!(
            matches!(read_token(format!("{t} {t}").as_bytes(), false), Err(Problem::BadToken(m)) if m.contains("twice"))
        );
        assert_eq!(wizard_accepts(&format!("{t}{t}")), None);
    }

    #[test]
    fn reads_one_line_and_refuses_more() {
        assert_eq!(read_token(&b"ghp_abc\n"[..], false).unwrap().expose(), "ghp_abc");
        assert_eq!(read_token(&b"ghp_abc\r\n"[..], false).unwrap().expose(), "ghp_abc");
        assert_eq!(read_token(&b"ghp_abc"[..], false).unwrap().expose(), "ghp_abc");
        assert!(matches!(read_token(&b"ghp_abc\nhost=evil\n"[..], false), Err(Problem::MultiLineInput)));
        assert!(matches!(read_token(&b"a\rb\n"[..], false), Err(Problem::MultiLineInput)));
        assert!(matches!(read_token(&b"ghp_abc\n"[..], true), Err(Problem::StdinIsTty)));
        assert!(matches!(read_token(&[b'a'; 5000][..], false), Err(Problem::BadToken(_))));
        assert!(matches!(read_token(&[0xff, 0xfe][..], false), Err(Problem::BadToken(_))));
    }
}
