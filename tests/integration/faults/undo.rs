//! Faults while `undo` runs. Undo is all or nothing: when a step fails (or Ctrl-C
//! comes) the steps already reverted are put back, the change set stays undoable, and
//! every file is byte-identical to before.

use std::process::{Command, Stdio};
use std::time::Duration;

use git_reauth::sandbox::workstation::HelperKind;

use super::{kill_sleepers, one_clear_line, sleepers, with_read_only};
use crate::support::*;

/// A world fixed by `setup --store file --switch-remote`, so that undo has two steps:
/// the host's helper in ~/.gitconfig first, then the remote in .git/config. Also the
/// remote's URL before the fix.
fn fixed() -> (World, String) {
    let w = World::broken();
    let ssh_url = w.git_ok(&["remote", "get-url", "origin"]);
    w.setup(&w.good_token(), &["--switch-remote", "--store", "file"]).success();
    let plan = stdout(&w.cmd(&["undo", "--dry-run"]).assert().success());
    let helper = plan.find("credential.").unwrap_or_else(|| panic!("undo reverts the helper: {plan}"));
    let remote = plan.find("origin").unwrap_or_else(|| panic!("undo reverts the remote: {plan}"));
    assert!(helper < remote, "the helper step comes first: {plan}");
    (w, ssh_url)
}

/// `undo` fails with `code` and `needle`; everything is as before; a later undo works.
fn undo_fails_unchanged(w: &World, cmd: &mut assert_cmd::Command, code: i32, needle: &str) -> String {
    let snap = w.snapshot();
    let a = cmd.assert().code(code);
    let err = stderr(&a);
    one_clear_line(&err, needle);
    assert_eq!(w.snapshot(), snap, "undo left something changed although it failed");
    err
}

/// The change set can still be undone, completely.
fn still_undoable(w: &World, ssh_url: &str) {
    w.cmd(&["undo"]).assert().success();
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), ssh_url);
    let global = String::from_utf8(w.git(&["config", "--global", "--list"]).stdout).unwrap();
    assert!(!global.contains(&w.sandbox.host_url()), "the host's helper is gone: {global}");
}

#[test]
fn undo_with_a_locked_repository_config_puts_back_the_step_it_took() {
    let (w, ssh_url) = fixed();
    // The helper step succeeds, then the remote's file is locked.
    let lock = w.ws.repo.join(".git/config.lock");
    std::fs::write(&lock, "").unwrap();
    let err = undo_fails_unchanged(&w, &mut w.cmd(&["undo"]), 1, "is locked by another git process");
    assert!(err.lines().next().unwrap().ends_with("; nothing was undone"), "{err}");
    std::fs::remove_file(&lock).unwrap();
    still_undoable(&w, &ssh_url);
}

#[test]
fn undo_with_a_read_only_state_dir_puts_back_what_it_reverted() {
    // Root ignores permissions: a read-only bind mount of the state directory, in a
    // mount namespace of its own. Both steps succeed, then the journal cannot record it.
    let (w, ssh_url) = fixed();
    let mut c = with_read_only(&w, &w.state_dir(), "undo");
    let err = undo_fails_unchanged(&w, &mut c, 1, "Read-only file system");
    assert!(err.starts_with("error: cannot write the undo journal in "), "{err}");
    still_undoable(&w, &ssh_url);
}

#[test]
fn undo_after_the_remote_was_changed_by_hand_refuses_and_changes_nothing() {
    let (w, _) = fixed();
    let mine = format!("https://example.com/{}/{REPO}.git", w.owner);
    w.git_ok(&["remote", "set-url", "origin", &mine]);
    let err = undo_fails_unchanged(&w, &mut w.cmd(&["undo"]), 1, "not undoing: changed since git-reauth set it");
    assert!(err.contains("origin"), "{err}");
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), mine, "the user's own change stays");
}

#[test]
fn undo_while_another_run_changes_the_setup_waits_then_refuses() {
    let (w, ssh_url) = fixed();
    let held = w.hold_journal_lock();
    undo_fails_unchanged(&w, &mut w.cmd(&["undo"]), 1, "another git-reauth run is changing this setup; refusing");
    drop(held);
    still_undoable(&w, &ssh_url);
}

#[test]
fn ctrl_c_while_undo_waits_for_another_run_exits_130_and_changes_nothing() {
    let (w, ssh_url) = fixed();
    let held = w.hold_journal_lock();
    let snap = w.snapshot();
    let child = Command::new(assert_cmd::cargo::cargo_bin("git-reauth"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .envs(w.vars())
        .current_dir(&w.ws.repo)
        .arg("undo")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once it catches SIGINT it handles Ctrl-C; from then on it only waits for the lock.
    // (Its /proc/PID/fd is closed to non-root users: the binary makes itself non-dumpable.)
    let status = std::path::PathBuf::from(format!("/proc/{}/status", child.id()));
    w.wait_for("undo to handle Ctrl-C", Duration::from_secs(10), || {
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        let caught = text.lines().find_map(|l| l.strip_prefix("SigCgt:")).map(str::trim).unwrap_or("0");
        u64::from_str_radix(caught, 16).is_ok_and(|mask| mask & (1 << (libc::SIGINT - 1)) != 0)
    });
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    one_clear_line(&err, "interrupted; nothing was undone");
    assert_eq!(w.snapshot(), snap);
    drop(held);
    still_undoable(&w, &ssh_url);
}

#[test]
fn undo_after_a_setup_killed_mid_way_reverts_only_the_steps_it_took() {
    // The user's helper hangs when asked to forget: setup switches the remote, then
    // waits in the forget step, and is killed there (SIGKILL: no rollback possible).
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    let secs = super::helper_that_hangs_on_erase(&w);
    let ssh_url = w.git_ok(&["remote", "get-url", "origin"]);
    let before = w.snapshot_files();
    let child = w.spawn_setup(&w.good_token(), &["--store", "file"], &[]);
    w.wait_for("setup to hang in the forget step", Duration::from_secs(30), || !sleepers(&secs).is_empty());
    assert!(Command::new("kill").args(["-KILL", &child.id().to_string()]).status().unwrap().success());
    let _ = child.wait_with_output();
    kill_sleepers(&secs);
    assert_ne!(w.git_ok(&["remote", "get-url", "origin"]), ssh_url, "the remote was switched before the kill");
    let journal = std::fs::read_dir(w.state_dir()).unwrap().flatten().next().expect("the entry written before apply");
    assert!(std::fs::read_to_string(journal.path()).unwrap().contains("\"applying\""), "the run never finished");
    // undo reverts the remote and skips the helper step the run never took.
    let out = stdout(&w.cmd(&["undo"]).assert().success());
    assert!(out.contains("origin") && !out.contains("credential."), "{out}");
    let after = w.snapshot_files();
    for file in [w.ws.repo.join(".git/config"), w.ws.home.join(".gitconfig")] {
        let key = file.display().to_string();
        assert_eq!(after[&key], before[&key], "{key} is as before the killed run");
    }
}
