//! `git-reauth setup --token-stdin`.

use std::io::{IsTerminal, Read};

use tokio_util::sync::CancellationToken;
use zeroize::Zeroizing;

use crate::cli::SetupArgs;
use crate::engine::Deps;
use crate::engine::setup::{Basis, Fixed, Prepared, SetupOpts, fix};
use crate::exit;
use crate::model::token::Token;

use super::{Problem, Style, out};

/// More than any token; stops a runaway pipe.
const MAX_STDIN: u64 = 4096;

/// Read exactly one token line from stdin.
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
    let line = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(text);
    if line.contains(['\n', '\r']) {
        return Err(Problem::MultiLineInput);
    }
    Ok(Token::new(line.to_string()))
}

pub async fn run(deps: &Deps, args: SetupArgs, cancel: &CancellationToken) -> Result<u8, Problem> {
    let stdin = std::io::stdin();
    let is_tty = stdin.is_terminal();
    let token = read_token(stdin.lock(), is_tty)?;
    let opts = SetupOpts { remote: args.remote, switch_remote: args.switch_remote, store: args.store.into() };
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
    if prepared.target.is_some() {
        text.push_str("Now run `git push`.\n");
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

#[cfg(test)]
mod tests {
    use super::*;

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
