//! Secrets and trust in what git-reauth keeps. The undo journal holds no secret: a token
//! in a remote URL or in a helper command is recorded scrubbed, and `undo` says it puts
//! the value back without it. The state folder is never inside a repository, and it is
//! private: created 0700, its files 0600 whatever the umask, never opened through a
//! symlink, and refused when another user owns it or may write to it (as ssh refuses a
//! ~/.ssh others can write to). The tests run as root; "another user" is `nobody`
//! (files handed over with chown, processes started with setpriv).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use git_reauth::engine::journal::{Entry, EntryState};
use git_reauth::model::plan::{Change, Plan};

use crate::secrets::assert_no_token_in_files;
use crate::support::*;

const NOBODY: u32 = 65534;

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o7777
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn give_to_nobody(p: &Path) {
    std::os::unix::fs::lchown(p, Some(NOBODY), Some(NOBODY)).unwrap();
}

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

/// A change set "undoing" which sets `core.pager` in the user's ~/.gitconfig: what
/// another user would plant.
fn planted(w: &World, id: &str) -> String {
    let change = Change::ConfigKey {
        file: w.ws.home.join(".gitconfig"),
        key: "core.pager".into(),
        from: vec!["planted-pager".into()],
        to: vec![],
    };
    let mut e = Entry::new("github.com", None, Plan { changes: vec![change] });
    e.id = id.into();
    e.state = EntryState::Applied;
    serde_json::to_string(&e).unwrap()
}

fn plant(w: &World, dir: &Path, id: &str) -> PathBuf {
    let path = dir.join(format!("{id}.json"));
    std::fs::write(&path, planted(w, id)).unwrap();
    give_to_nobody(&path);
    path
}

fn pager(w: &World) -> String {
    global_values(w, "core.pager")
}

#[test]
fn a_state_home_other_users_can_write_to_is_refused() {
    let w = World::broken();
    // A shared XDG_STATE_HOME (sticky and world-writable, like /tmp) where another user
    // has made the state folder, planted a change set and put a symlink in place of the lock.
    let shared = tempfile::tempdir().unwrap();
    chmod(shared.path(), 0o1777);
    let theirs = shared.path().join("git-reauth");
    std::fs::create_dir(&theirs).unwrap();
    give_to_nobody(&theirs);
    plant(&w, &theirs, "29990101T000000.000Z-1");
    let lock = shared.path().join("git-reauth.lock");
    std::os::unix::fs::symlink(w.ws.home.join(".gitconfig"), &lock).unwrap();
    give_to_nobody(&lock);
    let snap = w.snapshot();
    let token = w.good_token();
    let state_home = shared.path().display().to_string();
    for args in [&["undo"][..], &["undo", "--dry-run"], &["setup", "--token-stdin", "--switch-remote"]] {
        let a = w.cmd(args).env("XDG_STATE_HOME", &state_home).write_stdin(format!("{token}\n")).assert();
        let err = stderr(&a);
        assert_eq!(a.get_output().status.code(), Some(1), "{args:?}: {err}");
        one_line_and_hint(&err, &format!("{state_home}: other users can write to it"), "XDG_STATE_HOME");
        assert_eq!(pager(&w), "", "the planted change set was applied");
        assert_eq!(w.snapshot(), snap, "{args:?} changed something although it refused");
    }
    no_token_outside_the_store(&w, &[&token], &[shared.path()]);
}

#[test]
fn a_state_folder_of_another_user_is_refused_and_its_entries_never_applied() {
    let w = World::broken();
    let state = w.state_dir();
    std::fs::create_dir(&state).unwrap();
    give_to_nobody(&state);
    plant(&w, &state, "29990101T000000.000Z-1");
    let snap = w.snapshot();
    let token = w.good_token();
    for args in [&["undo"][..], &["undo", "--dry-run"], &["setup", "--token-stdin", "--switch-remote"]] {
        let a = w.cmd(args).write_stdin(format!("{token}\n")).assert();
        let err = stderr(&a);
        assert_eq!(a.get_output().status.code(), Some(1), "{args:?}: {err}");
        let needle = format!("{}: it belongs to another user (uid {NOBODY})", state.display());
        one_line_and_hint(&err, &needle, "XDG_STATE_HOME");
        assert_eq!(pager(&w), "", "the planted change set was applied");
        assert_eq!(w.snapshot(), snap);
    }
    no_token_outside_the_store(&w, &[&token], &[]);
}

#[test]
fn undo_reads_only_regular_entries_of_its_own() {
    let w = World::broken();
    let state = w.state_dir();
    std::fs::create_dir(&state).unwrap();
    chmod(&state, 0o700);
    // Newer than any real entry: a symlink to another user's file, and a file of theirs.
    let elsewhere = tempfile::tempdir().unwrap();
    let target = plant(&w, elsewhere.path(), "29990101T000000.000Z-1");
    std::os::unix::fs::symlink(&target, state.join("29990101T000000.000Z-1.json")).unwrap();
    plant(&w, &state, "29990102T000000.000Z-1");
    let a = w.cmd(&["undo"]).assert().code(1);
    assert!(stderr(&a).starts_with("error: nothing to undo"), "{}", stderr(&a));
    assert_eq!(pager(&w), "", "a planted change set was applied");
    // A real fix is undone past them.
    let ssh_url = w.git_ok(&["remote", "get-url", "origin"]);
    let token = w.good_token();
    w.setup(&token, &["--switch-remote"]).success();
    let out = stdout(&w.cmd(&["undo"]).assert().success());
    assert!(out.contains("origin"), "{out}");
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), ssh_url);
    assert_eq!(pager(&w), "");
    no_token_outside_the_store(&w, &[&token], &[]);
}

#[test]
fn a_symlink_in_place_of_the_lock_is_never_followed() {
    let w = World::broken();
    let lock = w.state_dir().with_file_name("git-reauth.lock");
    let gitconfig = w.ws.home.join(".gitconfig");
    std::os::unix::fs::symlink(&gitconfig, &lock).unwrap();
    let snap = w.snapshot();
    let token = w.good_token();
    for args in [&["setup", "--token-stdin", "--switch-remote"][..], &["undo"]] {
        let a = w.cmd(args).write_stdin(format!("{token}\n")).assert();
        let err = stderr(&a);
        assert_eq!(a.get_output().status.code(), Some(1), "{args:?}: {err}");
        one_line_and_hint(&err, &format!("{}: it is a symbolic link", lock.display()), "remove it");
        assert_eq!(w.snapshot(), snap, "{args:?} wrote through the symlink");
    }
    no_token_outside_the_store(&w, &[&token], &[]);
}

/// `git-reauth ARGS` under `umask 000`, in the clone, with the world's environment.
fn with_umask_000(w: &World, args: &[&str]) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new("sh");
    c.args(["-c", "umask 000 && exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_git-reauth")]).args(args);
    c.env_clear().env("PATH", std::env::var_os("PATH").unwrap()).envs(w.vars()).current_dir(&w.ws.repo);
    c
}

#[test]
fn the_state_folder_and_its_files_are_private_whatever_the_umask() {
    let w = World::broken();
    let token = w.good_token();
    // A state home that does not exist yet: every folder made for it is 0700.
    let fresh = w.ws.home.join(".local/fresh");
    let state_home = fresh.join("state");
    let a = with_umask_000(&w, &["setup", "--token-stdin", "--switch-remote"])
        .env("XDG_STATE_HOME", &state_home)
        .write_stdin(format!("{token}\n"))
        .assert();
    assert!(a.get_output().status.success(), "{}", stderr(&a));
    let journal = state_home.join("git-reauth");
    for dir in [&fresh, &state_home, &journal] {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
    assert_eq!(mode(&state_home.join("git-reauth.lock")), 0o600, "the lock");
    let entries: Vec<PathBuf> = std::fs::read_dir(&journal).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(mode(&entries[0]), 0o600, "the entry");
    // A lock an older version left 0644 is made private again when it is next taken.
    let lock = state_home.join("git-reauth.lock");
    chmod(&lock, 0o644);
    with_umask_000(&w, &["undo"]).env("XDG_STATE_HOME", &state_home).assert().success();
    assert_eq!(mode(&lock), 0o600, "the old lock");
    assert_eq!(mode(&entries[0]), 0o600, "the entry, rewritten by undo");
    no_token_outside_the_store(&w, &[&token], &[]);
}

/// Can `nobody` take the lock `path` (flock(1) opens it read-only, which is all a lock needs)?
fn nobody_can_lock(path: &Path) -> (bool, String) {
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--", "flock", "--nonblock"])
        .arg(path)
        .arg("true")
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn another_user_cannot_take_the_lock() {
    let w = World::broken();
    // A home others may enter, as most are (0755).
    chmod(w.ws.root.path(), 0o755);
    let token = w.good_token();
    w.setup(&token, &["--switch-remote"]).success();
    let lock = w.state_dir().with_file_name("git-reauth.lock");
    assert!(lock.exists());
    let (locked, err) = nobody_can_lock(&lock);
    assert!(!locked, "another user could hold the journal lock and block setup and undo");
    assert!(err.contains("Permission denied"), "{err}");
    no_token_outside_the_store(&w, &[&token], &[]);
}

#[test]
fn the_keyring_helpers_lock_is_private_and_never_followed() {
    let w = World::broken();
    chmod(w.ws.root.path(), 0o755);
    // No XDG_STATE_HOME and no ~/.local yet: the helper makes ~/.local/state itself.
    std::fs::remove_dir_all(w.ws.home.join(".local")).unwrap();
    let token = w.good_token();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let service = format!("git-reauth-test-trust-{nanos}");
    let helper = |op: &str| {
        let mut c = w.cmd_in(&w.ws.home, &["credential", op]);
        c.env_remove("XDG_STATE_HOME").envs(keyring_env()).env("GIT_REAUTH_KEYRING_SERVICE", &service);
        c.write_stdin(format!("protocol=https\nhost=example.invalid\nusername={LOGIN}\npassword={token}\n\n"));
        c.output().unwrap()
    };
    let out = helper("store");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let state_home = w.ws.home.join(".local/state");
    assert_eq!(mode(&w.ws.home.join(".local")), 0o700);
    assert_eq!(mode(&state_home), 0o700);
    let lock = state_home.join("git-reauth-keyring.lock");
    assert_eq!(mode(&lock), 0o600);
    let (locked, err) = nobody_can_lock(&lock);
    assert!(!locked, "another user could hold the keyring lock and block every store");
    assert!(err.contains("Permission denied"), "{err}");
    assert!(helper("erase").status.success());
    // A symlink in place of the lock is refused, and what it points to is untouched.
    std::fs::remove_file(&lock).unwrap();
    let gitconfig = w.ws.home.join(".gitconfig");
    std::os::unix::fs::symlink(&gitconfig, &lock).unwrap();
    let before = std::fs::read(&gitconfig).unwrap();
    let out = helper("store");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{}: it is a symbolic link", lock.display())), "{err}");
    assert_eq!(std::fs::read(&gitconfig).unwrap(), before);
    no_token_outside_the_store(&w, &[&token], &[]);
}
