//! `git-reauth demo` in a real terminal: every scenario walked to Done with a real push,
//! a HOME that stays byte-identical, and nothing left behind after Ctrl-C.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::*;
use crate::tmux::Tmux;

/// A user's HOME and TMPDIR the demo must not touch (HOME) or must leave empty (TMPDIR).
struct Outside {
    home: tempfile::TempDir,
    tmp: tempfile::TempDir,
}

impl Outside {
    fn new() -> Outside {
        let home = tempfile::tempdir().unwrap();
        // A real-looking setup: a global helper and a stored credential for github.com.
        std::fs::write(home.path().join(".gitconfig"), "[credential]\n\thelper = store\n[user]\n\tname = Me\n")
            .unwrap();
        std::fs::write(home.path().join(".git-credentials"), "https://me:hunter2@github.com\n").unwrap();
        Outside { home, tmp: tempfile::tempdir().unwrap() }
    }

    fn vars(&self) -> Vec<(String, String)> {
        vec![
            ("HOME".into(), self.home.path().display().to_string()),
            ("TMPDIR".into(), self.tmp.path().display().to_string()),
            ("NO_COLOR".into(), "1".into()),
        ]
    }

    /// Every file under HOME with its content.
    fn home_files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        walk(self.home.path(), &mut files);
        files
    }

    fn tmp_entries(&self) -> Vec<String> {
        std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    /// Processes whose command line mentions our TMPDIR (sandbox git, cache daemons).
    fn leftover_processes(&self) -> String {
        let out =
            std::process::Command::new("pgrep").args(["-af", &self.tmp.path().display().to_string()]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn walk(dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files.insert(format!("{}/", p.display()), Vec::new());
            walk(&p, files);
        } else {
            files.insert(p.display().to_string(), std::fs::read(&p).unwrap());
        }
    }
}

fn title(screen: &str) -> String {
    screen.lines().next().unwrap_or("").trim().to_string()
}

/// Walk a scenario: diagnosis line → Create → Paste (p) → Verify (authorize SSO when
/// asked) → Enter through the remaining screens → Done with the demo's push.
fn walk_scenario(name: &str, diagnosis_says: &str) {
    let o = Outside::new();
    let before = o.home_files();
    let mut t = Tmux::run(o.home.path(), &o.vars(), &["demo", "--scenario", name], 100, 36);
    let s = t.wait("the diagnosis", |s| s.contains("What is wrong") || s.contains("healthy"));
    assert!(s.contains(diagnosis_says), "{name}: expected {diagnosis_says:?} on:\n{s}");
    t.keys(&["Enter"]);
    let demo_token = |s: &str| -> Option<String> {
        s.lines().map(str::trim).find(|l| l.starts_with("ghp_") && l.len() == 40).map(str::to_owned)
    };
    let s = t.wait("the demo token on Create", |s| demo_token(s).is_some());
    let token = demo_token(&s).unwrap();
    t.keys(&["Enter"]);
    t.wait_for("p paste the demo token");
    t.keys(&["p"]);
    t.wait_for("classic token, looks right");
    t.keys(&["Enter"]);
    let s = t.wait("the verification", |s| s.contains("The token works") || s.contains("What it means"));
    if s.contains("SSO") && s.contains("What it means") {
        t.keys(&["o"]);
        t.wait_for("opened");
        t.keys(&["r"]);
        t.wait_for("The token works");
    }
    for _ in 0..4 {
        let s = t.screen();
        if s.contains("· Done") {
            break;
        }
        let was = title(&s);
        t.keys(&["Enter"]);
        t.wait("the next screen", |s| title(s) != was);
    }
    let s = t.wait("the demo's push", |s| s.contains("$ git push") && s.contains("main -> main"));
    assert!(s.contains("Done: git now uses the new token"), "{s}");
    t.keys(&["Enter"]);
    assert_eq!(t.exit_code(), 0);
    // The demo token is fake and may be shown on screen, but it must not reach the user's files.
    assert!(o.home_files().values().all(|b| !String::from_utf8_lossy(b).contains(&token)));
    assert_eq!(o.home_files(), before, "{name}: the user's HOME changed");
    assert!(o.tmp_entries().is_empty(), "{name}: left behind {:?}", o.tmp_entries());
    assert_eq!(o.leftover_processes(), "", "{name}: processes left running");
}

#[test]
fn demo_after_2fa() {
    walk_scenario("after-2fa", "returns a password GitHub rejects");
}

#[test]
fn demo_expired_token() {
    walk_scenario("expired-token", "revoked or expired");
}

#[test]
fn demo_missing_scope() {
    walk_scenario("missing-scope", "lacks the `repo` scope");
}

#[test]
fn demo_sso() {
    walk_scenario("sso", "returns a password GitHub rejects");
}

#[test]
fn demo_read_only() {
    walk_scenario("read-only", "cannot push");
}

#[test]
fn demo_no_helper() {
    walk_scenario("no-helper", "no credential helper");
}

#[test]
fn demo_insteadof() {
    walk_scenario("insteadof", "insteadOf");
}

#[test]
fn ctrl_c_midway_leaves_no_folder_and_no_process() {
    let o = Outside::new();
    let before = o.home_files();
    let mut t = Tmux::run(o.home.path(), &o.vars(), &["demo"], 100, 36);
    t.wait_for("What is wrong");
    t.keys(&["Enter"]);
    t.wait_for("Demo: that page is the sandbox's");
    t.keys(&["Enter"]);
    t.wait_for("p paste the demo token");
    t.keys(&["C-c"]);
    assert_eq!(t.exit_code(), 130);
    assert_eq!(o.home_files(), before);
    assert!(o.tmp_entries().is_empty(), "left behind {:?}", o.tmp_entries());
    assert_eq!(o.leftover_processes(), "");
}

#[test]
fn demo_lists_its_scenarios_and_refuses_unknown_ones() {
    let a = assert_cmd::Command::cargo_bin("git-reauth").unwrap().args(["demo", "--list"]).assert().success();
    let out = stdout(&a);
    for name in ["after-2fa", "expired-token", "missing-scope", "sso", "read-only", "no-helper", "insteadof"] {
        assert!(out.contains(name), "{out}");
    }
    let a = assert_cmd::Command::cargo_bin("git-reauth").unwrap().args(["demo", "--scenario", "nope"]).assert().code(2);
    assert!(stderr(&a).contains("after-2fa"), "lists the possible values: {}", stderr(&a));
}

#[test]
fn completions_generate_for_every_shell_and_version_names_the_commit() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let a = assert_cmd::Command::cargo_bin("git-reauth").unwrap().args(["completions", shell]).assert().success();
        let out = stdout(&a);
        assert!(out.contains("git-reauth") && out.contains("doctor") && out.contains("demo"), "{shell}: {out}");
    }
    let a = assert_cmd::Command::cargo_bin("git-reauth").unwrap().arg("--version").assert().success();
    let v = stdout(&a);
    assert!(v.starts_with(&format!("git-reauth {} (", env!("CARGO_PKG_VERSION"))), "{v}");
    let commit = v.split('(').nth(1).unwrap().trim_end().trim_end_matches(')');
    assert!(commit == "unknown commit" || commit.chars().all(|c| c.is_ascii_hexdigit()), "{v}");
}
