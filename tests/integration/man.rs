//! `git-reauth man` and the completions a package installs, on the real binary: one page
//! per subcommand, the README's examples, CONTRACT.md's exit codes, every environment
//! variable the source reads, and `git reauth <TAB>` through git's own bash completion.
//! (scripts/test-package checks the same things installed from the .deb.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::CommandFactory;
use git_reauth::cli::Cli;

use crate::support::stdout;

fn git_reauth(args: &[&str]) -> assert_cmd::assert::Assert {
    assert_cmd::Command::cargo_bin("git-reauth").unwrap().args(args).assert().success()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The root page as the reader sees its literal text (roff's escapes undone).
fn root_page_text() -> String {
    let roff = stdout(&git_reauth(&["man"]));
    roff.replace("\\-", "-").replace("\\*(Aq", "'").replace("\\\\", "\\")
}

#[test]
fn man_dir_writes_one_page_per_subcommand_and_prints_their_paths() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("share/man/man1");
    let printed = stdout(&git_reauth(&["man", "--dir", target.to_str().unwrap()]));
    let mut want: BTreeSet<String> = Cli::command()
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| format!("git-reauth-{}.1", s.get_name()))
        .collect();
    want.insert("git-reauth.1".into());
    let written: BTreeSet<String> =
        std::fs::read_dir(&target).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(written, want);
    assert!(want.contains("git-reauth-doctor.1") && want.contains("git-reauth-man.1"), "{want:?}");
    let printed: BTreeSet<String> = printed.lines().map(|l| l.to_string()).collect();
    let expected: BTreeSet<String> = want.iter().map(|n| target.join(n).display().to_string()).collect();
    assert_eq!(printed, expected);
    let doctor = std::fs::read_to_string(target.join("git-reauth-doctor.1")).unwrap();
    assert!(doctor.contains(".SH NAME\ngit\\-reauth\\-doctor \\- Diagnose"), "{doctor}");
}

#[test]
fn man_without_dir_prints_git_reauth_1() {
    let roff = stdout(&git_reauth(&["man"]));
    assert!(roff.contains(&format!(".TH GIT-REAUTH 1 \"\" \"git-reauth {}\"", env!("CARGO_PKG_VERSION"))), "{roff}");
    for sub in Cli::command().get_subcommands().filter(|s| !s.is_hide_set()) {
        assert!(
            roff.contains(&format!("git\\-reauth\\-{}(1)", sub.get_name().replace('-', "\\-"))),
            "{}",
            sub.get_name()
        );
    }
}

#[test]
fn the_root_page_has_every_example_of_the_readme_commands_section() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let commands = readme.split("\n## Commands").nth(1).expect("README has a Commands section");
    let block = commands.split("Examples:\n\n```sh\n").nth(1).and_then(|b| b.split("```").next());
    let examples: Vec<&str> = block.expect("the Commands section has an Examples block").lines().collect();
    assert!(examples.len() >= 4, "{examples:?}");
    let page = root_page_text();
    for line in examples {
        assert!(page.contains(line.trim()), "git-reauth(1) lacks the README example `{line}`");
    }
}

#[test]
fn every_page_has_contract_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    git_reauth(&["man", "--dir", dir.path().to_str().unwrap()]);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let page = std::fs::read_to_string(&path).unwrap();
        for code in
            [git_reauth::exit::OK, git_reauth::exit::PROBLEM, git_reauth::exit::USAGE, git_reauth::exit::INTERRUPTED]
        {
            assert!(page.contains(&format!(".TP\n\\fB{code}\\fR\n")), "{} lacks exit code {code}", path.display());
        }
    }
}

#[test]
fn the_root_page_names_the_journal_and_its_lock() {
    let page = root_page_text();
    for file in ["$XDG_STATE_HOME/git-reauth/", "$XDG_STATE_HOME/git-reauth.lock", "~/.local/state/git-reauth/"] {
        assert!(page.contains(file), "git-reauth(1) lacks {file}");
    }
}

/// Every `var("NAME")`, `var_os("NAME")`, `lookup("NAME")`/`get("NAME")` (env.rs reads
/// through closures), `env = "NAME"` (clap) and `…_ENV: &str = "NAME"` in src/, outside
/// the sandbox (which sets variables for its own children); NAME in capitals.
fn variables_read(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "sandbox") {
                variables_read(&path, found);
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for opener in ["var(\"", "var_os(\"", "lookup(\"", "get(\"", "env = \"", "_ENV: &str = \""] {
            for rest in text.split(opener).skip(1) {
                let name: String = rest.chars().take_while(|c| c.is_ascii_uppercase() || *c == '_').collect();
                if !name.is_empty() && rest[name.len()..].starts_with('"') {
                    found.insert(name);
                }
            }
        }
    }
}

#[test]
fn the_root_page_documents_every_environment_variable_the_source_reads() {
    let mut found = BTreeSet::new();
    variables_read(&root().join("src"), &mut found);
    for known in ["GIT_REAUTH_HOST_URL", "GIT_REAUTH_GIT_TIMEOUT_SECS", "XDG_STATE_HOME", "NO_COLOR", "RUST_LOG"] {
        assert!(found.contains(known), "the scan missed {known}: {found:?}");
    }
    let page = root_page_text();
    let environment =
        page.split(".SH ENVIRONMENT").nth(1).and_then(|s| s.split(".SH FILES").next()).unwrap_or_default();
    // PATH is only handed on to children.
    let undocumented: Vec<&String> =
        found.iter().filter(|v| *v != "PATH" && !environment.contains(v.as_str())).collect();
    assert!(undocumented.is_empty(), "add {undocumented:?} to ENVIRONMENT in src/commands/man/text.rs");
}

/// What bash offers for `words` (the last one being typed) through git's completion
/// (Debian's git ships it) and `git-reauth completions bash`, as bash calls them.
fn bash_offers(script: &Path, words: &[&str]) -> Vec<String> {
    let git_completion = "/usr/share/bash-completion/completions/git";
    assert!(Path::new(git_completion).exists(), "{git_completion} is missing: install git (Debian's package ships it)");
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c"])
        .arg(
            r#"source "$1"; source "$2"; shift 2
            fn=$(complete -p "$1" | sed -n 's/.*-F \([^ ]*\).*/\1/p')
            COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .args(["_", git_completion, script.to_str().unwrap()])
        .args(words)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| l.trim_end().to_string()).filter(|l| !l.is_empty()).collect()
}

#[test]
fn bash_completes_git_reauth_and_git_reauth_through_gits_completion() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("git-reauth.bash");
    std::fs::write(&script, stdout(&git_reauth(&["completions", "bash"]))).unwrap();

    let offered = bash_offers(&script, &["git", "reauth", ""]);
    for sub in Cli::command().get_subcommands().filter(|s| !s.is_hide_set()) {
        assert!(offered.iter().any(|o| o == sub.get_name()), "git reauth <TAB> lacks {}: {offered:?}", sub.get_name());
    }
    let offered = bash_offers(&script, &["git", "-C", "/", "reauth", "doctor", "--"]);
    assert!(offered.contains(&"--json".to_string()) && offered.contains(&"--remote".to_string()), "{offered:?}");
    // Without git too: clap's own function, with its hyphenated-name labels respelled.
    let offered = bash_offers(&script, &["git-reauth", "setup", "--store", ""]);
    assert_eq!(offered, ["helper", "keyring", "cache", "file"]);
    let offered = bash_offers(&script, &["git-reauth", "doctor", "--j"]);
    assert_eq!(offered, ["--json"]);
}
