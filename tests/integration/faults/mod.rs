//! The fault matrix (docs/reliability.md): the sandbox misbehaves, or the machine does,
//! while `setup` runs. Every cell checks the one line the user sees, the exit code, and
//! that the setup is byte-identical afterwards or fully switched — never in between.
//! Unix only: signals, process groups, `sleep` and `kill`.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use git_reauth::sandbox::Fault;
use git_reauth::sandbox::workstation::HelperKind;

use crate::support::*;

// A private D-Bus session with gnome-keyring; mount namespaces, /proc and flock.
#[cfg(target_os = "linux")]
mod keyring;
#[cfg(target_os = "linux")]
mod undo;

/// The error line and (but for an interruption) the hint, nothing else; the line
/// names the fault.
pub(super) fn one_clear_line(err: &str, needle: &str) {
    let lines: Vec<&str> = err.lines().collect();
    let hint = lines.get(1).is_some_and(|l| l.starts_with("hint: "));
    let interrupted = lines.len() == 1 && err.contains("interrupted");
    assert!(lines[0].starts_with("error: ") && ((lines.len() == 2 && hint) || interrupted), "{err}");
    assert!(lines[0].contains(needle), "expected {needle:?} in:\n{err}");
}

/// Setup fails with `code` and `needle`, and nothing changed.
fn fails_unchanged(w: &World, env: &[(&str, &str)], code: i32, needle: &str) -> String {
    let token = w.good_token();
    let snap = w.snapshot();
    let mut c = w.cmd(&["setup", "--token-stdin", "--switch-remote"]);
    c.envs(env.iter().copied()).write_stdin(format!("{token}\n"));
    let a = c.assert().code(code);
    let err = stderr(&a);
    one_clear_line(&err, needle);
    assert!(!err.contains(&token));
    assert_eq!(w.snapshot(), snap, "setup changed something although it failed");
    err
}

/// The world is fully switched to `token`: HTTPS remote, the helper hands out the
/// token, an undo entry exists, and a real push works.
fn fully_switched(w: &World, token: &str) {
    let url = w.git_ok(&["remote", "get-url", "origin"]);
    assert_eq!(url, format!("{}/{}/{REPO}.git", w.sandbox.host_url(), w.owner));
    assert!(w.filled().contains(&format!("password={token}")), "the helper hands out the new token");
    assert_eq!(std::fs::read_dir(w.state_dir()).unwrap().count(), 1, "one undo entry");
    w.git_ok(&["push", "origin", "HEAD:main"]);
}

fn setup_ok(w: &World) {
    let token = w.good_token();
    w.setup(&token, &["--switch-remote"]).success();
    fully_switched(w, &token);
}

#[test]
fn a_burst_of_two_502s_is_retried_and_setup_completes() {
    let w = World::broken();
    w.sandbox.set_fault(Some(Fault::ServerErrors { status: 502, count: 2 }));
    setup_ok(&w);
}

#[test]
fn a_burst_of_500s_beyond_the_retries_changes_nothing() {
    let w = World::broken();
    w.sandbox.set_fault(Some(Fault::ServerErrors { status: 500, count: 100 }));
    fails_unchanged(&w, &[], 1, "server error (500)");
}

#[test]
fn slow_responses_still_complete() {
    let w = World::broken();
    w.sandbox.set_latency(Duration::from_millis(400));
    setup_ok(&w);
}

#[test]
fn a_connection_dropped_mid_response_changes_nothing() {
    let w = World::broken();
    w.sandbox.set_fault(Some(Fault::DropMidResponse { count: 1 }));
    fails_unchanged(&w, &[], 1, "the connection was dropped");
    // The next run, with the network back, completes.
    setup_ok(&w);
}

#[test]
fn the_primary_rate_limit_changes_nothing() {
    let w = World::broken();
    w.sandbox.set_rate_limited(Some(chrono::Utc::now() + chrono::Duration::minutes(17)));
    fails_unchanged(&w, &[], 1, "rate limit is exhausted; it resets at");
}

#[test]
fn the_secondary_rate_limit_changes_nothing() {
    let w = World::broken();
    w.sandbox.set_fault(Some(Fault::SecondaryRateLimit { retry_after: 60 }));
    fails_unchanged(&w, &[], 1, "secondary rate limit); retry in 60 s");
}

#[test]
fn a_state_dir_that_cannot_be_created_changes_nothing() {
    // chmod does not stop root: make the state directory's path a regular file.
    let w = World::broken();
    std::fs::create_dir_all(w.state_dir().parent().unwrap()).unwrap();
    std::fs::write(w.state_dir(), "not a directory").unwrap();
    fails_unchanged(&w, &[], 1, "cannot write the undo journal");
}

/// Files of the setup (no `git credential fill`: with a hanging helper it would hang).
fn files(w: &World) -> BTreeMap<String, Vec<u8>> {
    w.snapshot_files()
}

#[test]
fn a_hanging_credential_helper_is_timed_out_and_changes_nothing() {
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    // A shell function, so git's operation argument does not reach sleep; a duration of
    // its own, so this test finds (and ends) exactly its sleepers afterwards.
    let secs = unique_sleep();
    let helper = format!("!f() {{ exec sleep {secs}; }}; f");
    w.git_ok(&["config", "--global", "credential.helper", &helper]);
    let token = w.good_token();
    let snap = files(&w);
    let a = w
        .cmd(&["setup", "--token-stdin", "--switch-remote"])
        .env("GIT_REAUTH_GIT_TIMEOUT_SECS", "2")
        .write_stdin(format!("{token}\n"))
        .assert()
        .code(1);
    // It stops at the first git call that hangs: reading the login it would forget.
    one_clear_line(&stderr(&a), "`git credential fill` did not finish within 2 s and was stopped");
    assert_eq!(files(&w), snap, "setup changed something although it failed");
    // doctor says the same in its report, and also exits.
    let d = w.cmd(&["doctor"]).env("GIT_REAUTH_GIT_TIMEOUT_SECS", "2").assert().code(1);
    assert!(stdout(&d).contains("did not finish within 2 s"), "{}", stdout(&d));
    assert_eq!(files(&w), snap);
    // git was stopped with its whole process group: none of the helpers it started is left.
    let left = outlived(&[&secs]);
    assert!(left.is_empty(), "the hanging helpers outlived git: {left:?}");
}

/// The process ids of every `sleep SECS`.
pub(crate) fn sleepers(secs: &str) -> Vec<String> {
    let wanted = format!("sleep\0{secs}\0").into_bytes();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| std::fs::read(e.path().join("cmdline")).is_ok_and(|c| c == wanted))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// A `sleep` duration no other test uses, so a test finds exactly its own sleepers.
/// A credential helper (`git credential-store` underneath) that hangs when asked to
/// erase, with a stale login for the sandbox host in its file: a run hangs in its forget
/// step. Returns the `sleep` argument that finds the hanging process.
pub(crate) fn helper_that_hangs_on_erase(w: &World) -> String {
    let secs = unique_sleep();
    let helper =
        format!("!f() {{ case \"$1\" in erase) exec sleep {secs};; *) exec git credential-store \"$@\";; esac; }}; f");
    w.git_ok(&["config", "--global", "credential.helper", &helper]);
    // The stale login it hands out (only a login that is there is forgotten).
    let host = w.sandbox.host_url().replace("http://", "");
    std::fs::write(w.ws.home.join(".git-credentials"), format!("http://octo:stale-password@{host}\n")).unwrap();
    secs
}

pub(crate) fn unique_sleep() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("3600.{:06}", nanos % 1_000_000)
}

/// Kill every `sleep SECS` process; returns how many there were.
fn kill_sleepers(secs: &str) -> usize {
    let pids = sleepers(secs);
    for pid in &pids {
        let _ = Command::new("kill").arg(pid).status();
    }
    pids.len()
}

/// The `sleep SECS` processes (of any of `secs`) still there once killed ones are gone
/// (a SIGKILL is delivered at once, but a process is gone only when it is reaped): it
/// kills them, so a failing test leaves none behind.
pub(crate) fn outlived(secs: &[&str]) -> Vec<String> {
    let all = || secs.iter().flat_map(|s| sleepers(s)).collect::<Vec<_>>();
    let start = std::time::Instant::now();
    while !all().is_empty() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let left = all();
    for pid in &left {
        let _ = Command::new("kill").arg(pid).status();
    }
    left
}

#[test]
fn two_setups_at_once_the_second_waits_then_refuses() {
    let w = World::broken();
    let first_token = w.good_token();
    // Slow enough that the first run holds the lock longer than the second waits.
    w.sandbox.set_latency(Duration::from_secs(3));
    let before = w.sandbox.arrivals();
    let first = w.spawn_setup(&first_token, &[], &[]);
    w.wait_for("the first setup to reach the API", Duration::from_secs(30), || w.sandbox.arrivals() > before);
    let second_token = w.good_token();
    let a = w.cmd(&["setup", "--token-stdin", "--switch-remote"]).write_stdin(format!("{second_token}\n")).assert();
    let err = stderr(&a);
    assert_eq!(a.get_output().status.code(), Some(1), "{err}");
    one_clear_line(&err, &format!("another git-reauth run (pid {}) is changing this setup", first.id()));
    w.sandbox.set_latency(Duration::ZERO);
    let out = first.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    fully_switched(&w, &first_token);
    assert!(!w.filled().contains(&second_token));
}

/// Send `signal` while the fix is being applied: it is rolled back, exit 130.
fn signal_during_apply(signal: &str, whole_group: bool) {
    let w = World::broken();
    let token = w.good_token();
    let config = w.ws.repo.join(".git/config");
    let before = std::fs::read(&config).unwrap();
    let snap = w.snapshot();
    // Slow enough that verification (a live ls-remote) is still running when it comes.
    w.sandbox.set_latency(Duration::from_millis(1500));
    let child = w.spawn_setup(&token, &[], &[]);
    w.wait_for("the remote switch", Duration::from_secs(30), || {
        std::fs::read_to_string(w.ws.repo.join(".git/config")).is_ok_and(|c| c.contains("url = http://"))
    });
    let target = if whole_group { format!("-{}", child.id()) } else { child.id().to_string() };
    assert!(Command::new("kill").args([signal, "--", &target]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    one_clear_line(&err, "interrupted; the changes already made were rolled back");
    w.sandbox.set_latency(Duration::ZERO);
    assert_eq!(std::fs::read(&config).unwrap(), before, "the remote switch was rolled back, byte for byte");
    // The new token is gone again and the old login is back, byte for byte.
    let filled = w.filled();
    assert!(!filled.contains(&token), "the new token was removed again: {filled}");
    assert_eq!(std::fs::read_dir(w.state_dir()).map(|d| d.count()).unwrap_or(0), 0, "no undo entry is left");
    assert_eq!(w.snapshot(), snap, "everything is as it was");
}

// Process groups and signals: Unix only.
#[test]
fn sigterm_during_apply_rolls_back_and_exits_130() {
    // `kill PID` (a shutdown, a supervisor): to our process only.
    signal_during_apply("-TERM", false);
}

// Process groups and signals: Unix only.
#[test]
fn sighup_during_apply_rolls_back_and_exits_130() {
    // The terminal closes: the whole foreground group gets SIGHUP.
    signal_during_apply("-HUP", true);
}

/// The source of the test module `path` (`faults::keyring`, `bad_input`…).
fn module_source(root: &std::path::Path, path: &str) -> Option<String> {
    let base = root.join("tests/integration").join(path.replace("::", "/"));
    std::fs::read_to_string(base.with_extension("rs")).or_else(|_| std::fs::read_to_string(base.join("mod.rs"))).ok()
}

/// The tests of a module's source.
fn test_names(source: &str) -> Vec<&str> {
    source.split("#[test]\nfn ").skip(1).filter_map(|rest| rest.split('(').next()).collect()
}

/// docs/reliability.md names only tests that exist, and names every test of `faults/`.
#[test]
fn the_reliability_table_names_real_tests() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/reliability.md")).unwrap();
    let mut named = Vec::new();
    for row in doc.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| Cell")) {
        let cell = row.trim_end_matches('|').rsplit('|').next().unwrap().trim().trim_matches('`');
        let (module, name) = cell.rsplit_once("::").unwrap_or_else(|| panic!("no test named in row: {row}"));
        let source = module_source(root, module).unwrap_or_else(|| panic!("no test module {module}: {row}"));
        assert!(test_names(&source).contains(&name), "docs/reliability.md names a missing test: {cell}");
        named.push(cell.to_string());
    }
    assert!(named.len() >= 29, "{named:?}");
    for module in ["faults", "faults::keyring", "faults::undo"] {
        let source = module_source(root, module).unwrap();
        for name in test_names(&source).into_iter().filter(|n| *n != "the_reliability_table_names_real_tests") {
            let cell = format!("{module}::{name}");
            assert!(named.contains(&cell), "{cell} is missing from docs/reliability.md");
        }
    }
    let dir = std::fs::read_dir(root.join("tests/integration/faults")).unwrap();
    assert_eq!(dir.count(), 3, "a new file in faults/ must be added to the list above");
}

/// `git-reauth ARGS` in the clone with `dir` read-only for real (root ignores
/// permissions): a read-only bind mount in a mount namespace of its own.
pub(crate) fn with_read_only(w: &World, dir: &std::path::Path, args: &str) -> assert_cmd::Command {
    let dir = dir.display().to_string();
    let script = format!(
        "mount --bind '{dir}' '{dir}' && mount -o remount,ro,bind '{dir}' && exec '{}' {args}",
        env!("CARGO_BIN_EXE_git-reauth")
    );
    let mut c = assert_cmd::Command::new("unshare");
    // `-r`: a user namespace of its own too, so this needs no root.
    c.args(["-r", "-m", "sh", "-c", &script])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .envs(w.vars())
        .current_dir(&w.ws.repo);
    c
}

#[test]
fn a_read_only_home_changes_nothing() {
    // Root ignores permissions: make HOME read-only for real with a read-only bind
    // mount in a mount namespace of its own.
    let w = World::broken();
    let token = w.good_token();
    let snap = w.snapshot();
    let mut c = with_read_only(&w, &w.ws.home, "setup --token-stdin --switch-remote");
    let a = c.write_stdin(format!("{token}\n")).assert().code(1);
    let err = stderr(&a);
    one_clear_line(&err, "Read-only file system");
    assert!(err.starts_with("error: cannot write the undo journal in "), "{err}");
    assert!(!err.contains(&token));
    assert_eq!(w.snapshot(), snap, "setup changed something although HOME is read-only");
}

#[test]
fn a_host_name_that_does_not_resolve_changes_nothing() {
    // A network namespace of its own (no network at all; inside a user namespace, so
    // no root needed) and a name that never resolves (`.invalid`, RFC 6761): the lookup
    // fails at once, whatever this machine's resolver is.
    let w = World::broken();
    let token = w.good_token();
    let snap = w.snapshot();
    let offline = |args: &[&str]| {
        let mut c = assert_cmd::Command::new("unshare");
        c.args(["-r", "-n"])
            .arg(env!("CARGO_BIN_EXE_git-reauth"))
            .args(args)
            .args(["--host-url", "https://github.invalid"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .envs(w.vars())
            .current_dir(&w.ws.home)
            .timeout(Duration::from_secs(60));
        c
    };
    let a = offline(&["setup", "--token-stdin"]).write_stdin(format!("{token}\n")).assert().code(1);
    let err = stderr(&a);
    one_clear_line(&err, "cannot reach github.invalid: the host name does not resolve (DNS lookup failed)");
    assert!(!err.contains(&token));
    assert_eq!(w.snapshot(), snap, "setup changed something although the host does not resolve");
    // doctor names the same cause in its network check.
    let d = offline(&["doctor"]).assert();
    let report = stdout(&d);
    assert!(report.contains("cannot reach github.invalid: the host name does not resolve"), "{report}");
    assert_eq!(w.snapshot(), snap);
}
