//! `git-reauth man [--dir DIR]`: the man pages. clap_mangen renders what cli.rs defines
//! (name, synopsis, description, options, subcommands); the sections clap has no field
//! for (examples, exit status, environment, files, see also) are added here, so `--help`
//! and the pages cannot drift apart. `git reauth --help` makes git run `man git-reauth`.

use std::path::Path;

use clap::CommandFactory;
use roff::{Roff, bold, italic, roman};

mod text;

use super::{Problem, out};
use crate::cli::{Cli, ManArgs};
use crate::exit;
use text::{ENVIRONMENT, Entry, FILES, README_EXAMPLES};

/// One man page.
pub struct Page {
    /// `git-reauth.1`, `git-reauth-doctor.1`, …
    pub file_name: String,
    /// The roff source.
    pub text: String,
}

pub fn run(a: ManArgs) -> Result<u8, Problem> {
    let pages = pages();
    let Some(dir) = a.dir else {
        out(&pages[0].text)?;
        return Ok(exit::OK);
    };
    let written =
        write_all(&pages, &dir).map_err(|e| Problem::Other(format!("cannot write {}: {e}", dir.display())))?;
    out(&written)?;
    Ok(exit::OK)
}

fn write_all(pages: &[Page], dir: &Path) -> std::io::Result<String> {
    std::fs::create_dir_all(dir)?;
    let mut written = String::new();
    for page in pages {
        let path = dir.join(&page.file_name);
        std::fs::write(&path, &page.text)?;
        written.push_str(&format!("{}\n", path.display()));
    }
    Ok(written)
}

/// git-reauth(1) first, then one page per visible subcommand, in `--help` order.
pub fn pages() -> Vec<Page> {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    let subs: Vec<&clap::Command> = root.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    let mut pages = vec![page(&root, None, &subs)];
    pages.extend(subs.iter().map(|sub| page(sub, Some(sub.get_name()), &subs)));
    pages
}

fn page(cmd: &clap::Command, sub: Option<&str>, subs: &[&clap::Command]) -> Page {
    let name = cmd.get_display_name().unwrap_or_else(|| cmd.get_name()).to_string();
    let man = clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .source(format!("git-reauth {}", env!("CARGO_PKG_VERSION")))
        .manual("git-reauth Manual")
        // No date (clap_mangen drops an empty argument, shifting the others; `""` keeps its place).
        .date("\"\"");
    let (examples, notes) = split_after_help(&cmd.get_after_help().map(|h| h.to_string()).unwrap_or_default());
    let here = sub.unwrap_or("");

    let mut sections = vec![
        rendered(|w| man.render_title(w)),
        // No hyphenation, ragged right: names, paths and commands stay whole.
        Roff::new().control("nh", []).control("ad", ["l"]).render().into_bytes(),
        rendered(|w| man.render_name_section(w)),
        rendered(|w| man.render_synopsis_section(w)),
        rendered(|w| man.render_description_section(w)),
    ];
    let mut own = Roff::new();
    for note in &notes {
        own.control("PP", []).text([roman(note.as_str())]);
    }
    sections.push(own.render().into_bytes());
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        sections.push(rendered(|w| man.render_options_section(w)));
    }
    if cmd.has_subcommands() {
        sections.push(rendered(|w| man.render_subcommands_section(w)));
    }

    let mut own = Roff::new();
    examples_section(&mut own, &examples, sub.is_none());
    exit_status_section(&mut own, here);
    entries_section(&mut own, "ENVIRONMENT", ENVIRONMENT, here);
    entries_section(&mut own, "FILES", FILES, here);
    see_also_section(&mut own, sub, subs);
    own.control("SH", ["REPORTING BUGS"]).text([roman(format!("{}/issues", env!("CARGO_PKG_REPOSITORY")))]);
    sections.push(own.render().into_bytes());

    Page { file_name: format!("{name}.1"), text: join_sections(sections) }
}

/// One section as clap_mangen renders it.
fn rendered(render: impl Fn(&mut Vec<u8>) -> std::io::Result<()>) -> Vec<u8> {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = render(&mut buf);
    buf
}

/// Every rendered piece starts with roff's apostrophe preamble; keep the first only.
fn join_sections(sections: Vec<Vec<u8>>) -> String {
    let preamble = Roff::new().render();
    let mut text = String::new();
    for (i, s) in sections.into_iter().enumerate() {
        let s = String::from_utf8_lossy(&s).into_owned();
        match s.strip_prefix(&preamble) {
            Some(rest) if i > 0 => text.push_str(rest),
            _ => text.push_str(&s),
        }
    }
    text
}

/// An `after_help` text (cli.rs) split into the lines under `Examples:` and the other
/// paragraphs; `Exit codes:` paragraphs are left out (EXIT STATUS says it all).
fn split_after_help(text: &str) -> (Vec<String>, Vec<String>) {
    let (mut examples, mut notes) = (Vec::new(), Vec::new());
    for para in text.split("\n\n").map(str::trim_end).filter(|p| !p.trim().is_empty()) {
        let mut lines = para.lines();
        match lines.next().map(str::trim) {
            Some("Examples:") => examples.extend(lines.map(|l| l.trim().to_string())),
            Some(first) if first.starts_with("Exit codes:") => {}
            _ => notes.push(para.split_whitespace().collect::<Vec<_>>().join(" ")),
        }
    }
    (examples, notes)
}

/// Lines shown as typed (no filling), indented.
fn literal(roff: &mut Roff, lines: &[&str]) {
    roff.control("RS", ["4"]).control("nf", []);
    for line in lines {
        roff.text([roman(*line)]);
    }
    roff.control("fi", []).control("RE", []);
}

/// The subcommand's examples from cli.rs; git-reauth(1) also has the README's.
fn examples_section(roff: &mut Roff, examples: &[String], root: bool) {
    if examples.is_empty() && !root {
        return;
    }
    roff.control("SH", ["EXAMPLES"]);
    if !examples.is_empty() {
        roff.control("PP", []);
        literal(roff, &examples.iter().map(String::as_str).collect::<Vec<_>>());
    }
    if !root {
        return;
    }
    for (what, lines) in README_EXAMPLES {
        roff.control("PP", []).text([roman(*what)]);
        literal(roff, lines);
    }
}

/// CONTRACT.md's exit codes.
fn exit_status_section(roff: &mut Roff, here: &str) {
    roff.control("SH", ["EXIT STATUS"]);
    if here == "credential" {
        roff.text([roman(
            "As a credential helper: 0, also for an operation it does not know (it prints nothing then, \
             git's rule). Other codes as for every command:",
        )]);
    }
    let codes: [(&str, &str); 4] = [
        ("0", "Success; doctor: healthy (no check failed)."),
        (
            "1",
            "A problem was found that could not be fixed (doctor: at least one check failed; \
             the wizard: quit before Done).",
        ),
        ("2", "Usage error or bad input (malformed token, multi-line stdin, not a GitHub remote, bad --host-url)."),
        ("130", "Interrupted (Ctrl-C, SIGINT, SIGTERM, SIGHUP)."),
    ];
    for (code, what) in codes {
        roff.control("TP", []).text([bold(code)]).text([roman(what)]);
    }
    roff.control("PP", [])
        .text([roman("Every non-zero exit prints one error: line on stderr and a hint: line saying what to do.")]);
}

fn entries_section(roff: &mut Roff, heading: &str, entries: &[Entry], here: &str) {
    let shown: Vec<&Entry> = entries.iter().filter(|e| e.on.contains(&here)).collect();
    if shown.is_empty() {
        return;
    }
    roff.control("SH", [heading]);
    for e in shown {
        roff.control("TP", []).text([bold(e.name)]).text([roman(e.text)]);
    }
}

fn see_also_section(roff: &mut Roff, sub: Option<&str>, subs: &[&clap::Command]) {
    let mut refs: Vec<String> = Vec::new();
    if sub.is_some() {
        refs.push("git-reauth(1)".into());
    }
    refs.extend(subs.iter().map(|s| s.get_name()).filter(|s| Some(*s) != sub).map(|s| format!("git-reauth-{s}(1)")));
    refs.extend(["git-credential(1)", "gitcredentials(7)", "git-config(1)"].map(String::from));
    roff.control("SH", ["SEE ALSO"]);
    let mut line = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        if i > 0 {
            line.push(roman(", "));
        }
        let (page, section) = r.split_once('(').unwrap_or((r, ""));
        line.push(bold(page));
        line.push(roman(format!("({section}")));
    }
    roff.text(line);
    if sub.is_none() {
        roff.control("PP", [])
            .text([roman("The README: "), italic(format!("{}#readme", env!("CARGO_PKG_REPOSITORY")))]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_help_splits_into_examples_and_notes() {
        let (ex, notes) = split_after_help("Examples:\n  a --b\n  c\n\nOrder: one,\ntwo.\n\nExit codes: 0 ok.");
        assert_eq!(ex, ["a --b", "c"]);
        assert_eq!(notes, ["Order: one, two."]);
    }

    #[test]
    fn one_page_per_visible_subcommand_and_the_root_first() {
        let pages = pages();
        assert_eq!(pages[0].file_name, "git-reauth.1");
        let names: Vec<&str> = pages.iter().map(|p| p.file_name.as_str()).collect();
        for sub in Cli::command().get_subcommands().filter(|s| !s.is_hide_set()) {
            let want = format!("git-reauth-{}.1", sub.get_name());
            assert!(names.contains(&want.as_str()), "{want} missing from {names:?}");
        }
        assert_eq!(names.len(), Cli::command().get_subcommands().filter(|s| !s.is_hide_set()).count() + 1);
    }

    #[test]
    fn pages_carry_one_preamble_and_the_sections_clap_lacks() {
        let preamble = Roff::new().render();
        for page in pages() {
            assert_eq!(page.text.matches(&preamble).count(), 1, "{}", page.file_name);
            assert!(page.text.starts_with(&preamble), "{}", page.file_name);
            for heading in [".SH NAME", ".SH SYNOPSIS", ".SH \"EXIT STATUS\"", ".SH \"SEE ALSO\""] {
                assert!(page.text.contains(heading), "{} lacks {heading}", page.file_name);
            }
        }
    }

    #[test]
    fn subcommand_pages_name_themselves_and_the_synopsis_says_git_reauth_sub() {
        let pages = pages();
        let doctor = pages.iter().find(|p| p.file_name == "git-reauth-doctor.1").map(|p| p.text.as_str());
        let doctor = doctor.unwrap_or_default();
        let version = env!("CARGO_PKG_VERSION");
        let th = format!(".TH GIT-REAUTH-DOCTOR 1 \"\" \"git-reauth {version}\" \"git-reauth Manual\"\n");
        assert!(doctor.contains(&th), "{doctor}");
        assert!(doctor.contains("git\\-reauth\\-doctor \\- Diagnose"), "{doctor}");
        assert!(doctor.contains("\\fBgit\\-reauth doctor\\fR"), "{doctor}");
        // The global options are on every page.
        assert!(doctor.contains("\\-\\-host\\-url"), "{doctor}");
    }
}
