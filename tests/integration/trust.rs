//! Secrets and trust in what git-reauth keeps. The undo journal holds no secret: a token
//! in a remote URL or in a helper command is recorded scrubbed, and `undo` says it puts
//! the value back without it. The state folder is never inside a repository.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::secrets::assert_no_token_in_files;
use crate::support::*;

/// The error line names `needle` and the hint follows; nothing else is printed.
fn one_line_and_hint(err: &str, needle: &str, hint: &str) {
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("error: ") && lines[0].contains(needle), "expected {needle:?} in:\n{err}");
    assert!(lines[1].starts_with("hint: ") && lines[1].contains(hint), "expected {hint:?} in the hint:\n{err}");
}

/// The remote's URL with `token` as the password, as some guides tell people to set it.
fn url_with_token(w: &World, token: &str) -> String {
    let host = w.sandbox.host_url();
    format!("http://{LOGIN}:{token}@{}/{}/{REPO}.git", host.trim_start_matches("http://"), w.owner)
}

/// The one journal entry in `dir`, as text.
fn only_entry(dir: &Path) -> String {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    std::fs::read_to_string(&entries[0]).unwrap()
}

/// No file of the workstation (nor of `extra`) holds one of `tokens`, but the store
/// the user chose (`~/.git-credentials`).
fn no_token_outside_the_store(w: &World, tokens: &[&str], extra: &[&Path]) {
    let mut dirs = vec![w.ws.root.path()];
    dirs.extend_from_slice(extra);
    let scanned = assert_no_token_in_files(&dirs, tokens, &[w.ws.home.join(".git-credentials")]);
    assert!(scanned > 3, "the workstation was scanned ({scanned} files)");
}

fn global_values(w: &World, key: &str) -> String {
    String::from_utf8(w.git(&["config", "--global", "--get-all", key]).stdout).unwrap().trim().to_string()
}

#[test]
fn a_token_in_the_remote_url_stays_out_of_the_journal_and_undo_restores_the_url_without_it() {
    let w = World::broken();
    let old = w.classic(&["repo"]);
    let with_token = url_with_token(&w, &old);
    w.git_ok(&["remote", "set-url", "origin", &with_token]);
    let new = w.good_token();
    let a = w.setup(&new, &["--switch-remote"]).success();
    let printed = format!("{}{}", stdout(&a), stderr(&a));
    let scrubbed = with_token.replace(&old, "***");
    let entry = only_entry(&w.state_dir());
    assert!(!entry.contains(&old), "the journal holds the token of the remote URL:\n{entry}");
    assert!(entry.contains(&scrubbed), "the entry records the URL without its secret:\n{entry}");
    assert!(!printed.contains(&old), "{printed}");
    let plain = format!("{}/{}/{REPO}.git", w.sandbox.host_url(), w.owner);
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), plain);
    no_token_outside_the_store(&w, &[&old, &new], &[]);
    // The fix works: a real push with the new token.
    w.git_ok(&["push", "origin", "HEAD:main"]);

    let preview = stdout(&w.cmd(&["undo", "--dry-run"]).assert().success());
    assert!(preview.contains("without the secret it held"), "{preview}");
    let out = stdout(&w.cmd(&["undo"]).assert().success());
    assert!(out.contains("restored without the secret it held"), "{out}");
    assert!(!out.contains(&old), "{out}");
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), scrubbed, "put back, without the token");
    no_token_outside_the_store(&w, &[&old, &new], &[]);
}

#[test]
fn a_token_in_a_credential_helper_command_stays_out_of_the_journal() {
    let w = World::broken();
    let old = w.classic(&["repo"]);
    // The host's own helper passes a token in its environment (it answers nothing).
    let key = format!("credential.{}.helper", w.sandbox.host_url());
    let helper = format!("!GH_TOKEN={old} true");
    w.git_ok(&["config", "--global", &key, &helper]);
    let new = w.good_token();
    let a = w.setup(&new, &["--switch-remote", "--store", "file"]).success();
    let entry = only_entry(&w.state_dir());
    assert!(!entry.contains(&old), "the journal holds the helper's token:\n{entry}");
    assert!(entry.contains("!GH_TOKEN=*** true"), "{entry}");
    let printed = format!("{}{}", stdout(&a), stderr(&a));
    assert!(!printed.contains(&old), "the plan shows the helper's token:\n{printed}");
    w.git_ok(&["push", "origin", "HEAD:main"]);
    no_token_outside_the_store(&w, &[&old, &new], &[]);

    let out = stdout(&w.cmd(&["undo"]).assert().success());
    assert!(out.contains("restored without the secret it held"), "{out}");
    assert_eq!(global_values(&w, &key), "!GH_TOKEN=*** true");
    no_token_outside_the_store(&w, &[&old, &new], &[]);
}

#[test]
fn a_setup_stopped_after_switching_a_remote_with_a_token_puts_the_url_back_byte_for_byte() {
    // The rollback restores what the file held, not the scrubbed record of it.
    let w = World::broken();
    let old = w.classic(&["repo"]);
    w.git_ok(&["remote", "set-url", "origin", &url_with_token(&w, &old)]);
    let config = w.ws.repo.join(".git/config");
    let before = std::fs::read(&config).unwrap();
    let new = w.good_token();
    // Slow enough that the live check is still running when SIGTERM comes.
    w.sandbox.set_latency(std::time::Duration::from_millis(1500));
    let child = w.spawn_setup(&new, &[], &[]);
    w.wait_for("the remote switch", std::time::Duration::from_secs(30), || {
        std::fs::read_to_string(&config).is_ok_and(|c| c.contains("url = http://") && !c.contains(&old))
    });
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    w.sandbox.set_latency(std::time::Duration::ZERO);
    assert_eq!(std::fs::read(&config).unwrap(), before, "the remote is as it was, byte for byte");
    assert_eq!(std::fs::read_dir(w.state_dir()).map(|d| d.count()).unwrap_or(0), 0, "no undo entry is left");
    assert!(!err.contains(&old) && !err.contains(&new), "{err}");
    assert_no_token_in_files(&[&w.state_dir()], &[&old, &new], &[]);
}

/// `git-reauth ARGS` with neither HOME nor XDG_STATE_HOME (git finds its global config
/// through GIT_CONFIG_GLOBAL).
fn homeless(w: &World, args: &[&str]) -> assert_cmd::Command {
    let mut c = w.cmd(args);
    c.env_remove("HOME").env_remove("XDG_STATE_HOME").env("GIT_CONFIG_GLOBAL", w.ws.home.join(".gitconfig"));
    c
}

#[test]
fn without_a_home_setup_and_undo_refuse_and_nothing_lands_in_the_repository() {
    let w = World::broken();
    let token = w.good_token();
    let snap = w.snapshot();
    let status = w.git_ok(&["status", "--porcelain", "--ignored"]);
    let a = homeless(&w, &["setup", "--token-stdin", "--switch-remote"]).write_stdin(format!("{token}\n")).assert();
    let err = stderr(&a);
    assert_eq!(a.get_output().status.code(), Some(1), "{err}");
    one_line_and_hint(&err, "neither XDG_STATE_HOME nor HOME is set", "XDG_STATE_HOME");
    assert!(!w.ws.repo.join(".git-reauth-state").exists(), "the journal went into the repository");
    assert_eq!(w.git_ok(&["status", "--porcelain", "--ignored"]), status, "nothing new in the work tree");
    assert_eq!(w.snapshot(), snap, "setup changed something although it refused");
    for args in [&["undo"][..], &["undo", "--dry-run"]] {
        let a = homeless(&w, args).assert().code(1);
        one_line_and_hint(&stderr(&a), "neither XDG_STATE_HOME nor HOME is set", "XDG_STATE_HOME");
    }
    // doctor and status keep working: they keep no state.
    let d = homeless(&w, &["doctor", "--json"]).assert().code(1);
    let report: serde_json::Value = serde_json::from_str(&stdout(&d)).unwrap();
    assert!(report["checks"].as_array().is_some_and(|c| c.len() > 5), "{report}");
    let s = homeless(&w, &["status"]).assert();
    assert!(stdout(&s).contains("stored in: store"), "{}", stdout(&s));
    assert_eq!(stdout(&s), stdout(&w.cmd(&["status"]).assert()), "the same report as with a home");
    assert!(!stderr(&s).contains("XDG_STATE_HOME"), "{}", stderr(&s));
    assert_eq!(w.snapshot(), snap);
    no_token_outside_the_store(&w, &[&token], &[]);
}
