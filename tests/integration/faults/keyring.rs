//! The OS keyring fails while `setup --store keyring` runs: it checked out fine, then
//! is locked or its session bus goes away before the token is stored. Each test has a
//! keyring of its own (a private session bus with an unlocked gnome-keyring), so the
//! shared test keyring stays usable for every other test.

use std::process::{Command, Stdio};
use std::time::Duration;

use super::one_clear_line;
use crate::support::*;

/// A private D-Bus session bus with an unlocked gnome-keyring on it.
struct OwnKeyring {
    _dir: tempfile::TempDir,
    bus_pid: u32,
    env: Vec<(String, String)>,
}

impl OwnKeyring {
    fn start() -> OwnKeyring {
        crate::support::keyring_env(); // only inside scripts/test, which checked the tools
        let dir = tempfile::tempdir().unwrap();
        let (data, runtime) = (dir.path().join("data"), dir.path().join("runtime"));
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&runtime).unwrap();
        std::fs::set_permissions(&runtime, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        let mut env = vec![
            ("XDG_DATA_HOME".to_string(), data.display().to_string()),
            ("XDG_RUNTIME_DIR".to_string(), runtime.display().to_string()),
        ];
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--nosyslog", "--print-address=1", "--print-pid=1"])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stderr(Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let address = lines.next().expect("dbus-daemon printed its address").to_string();
        let bus_pid = lines.next().expect("dbus-daemon printed its pid").trim().parse().unwrap();
        env.push(("DBUS_SESSION_BUS_ADDRESS".into(), address));
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        env.push(("GIT_REAUTH_KEYRING_SERVICE".into(), format!("git-reauth-test-midrun-{nanos}")));
        let keyring = OwnKeyring { _dir: dir, bus_pid, env };
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets"])
            .envs(keyring.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut daemon.stdin.take().unwrap(), b"test-keyring-password").unwrap();
        assert!(daemon.wait().unwrap().success(), "gnome-keyring-daemon started");
        keyring
    }

    /// Lock the keyring, as a screen lock or `secret-tool lock` does.
    fn lock(&self) {
        let out = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap();
        assert!(out.status.success(), "locking: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Take the session bus away (the desktop session ended); gnome-keyring goes with it.
    fn end_session(&self) {
        assert!(Command::new("kill").arg(self.bus_pid.to_string()).status().unwrap().success());
        let proc = std::path::PathBuf::from(format!("/proc/{}", self.bus_pid));
        let start = std::time::Instant::now();
        while proc.exists() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `git-reauth doctor --json`'s keyring check: (status, summary).
    fn doctor_says(&self, w: &World) -> (String, String) {
        let out = w.cmd(&["doctor", "--json"]).envs(self.env.iter().map(|(k, v)| (k, v))).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let check = report["checks"].as_array().unwrap().iter().find(|c| c["id"] == "keyring").unwrap().clone();
        (check["status"].as_str().unwrap().into(), check["summary"].as_str().unwrap().into())
    }
}

impl Drop for OwnKeyring {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.bus_pid.to_string()).stderr(Stdio::null()).status();
    }
}

/// Setup checks the keyring before it asks GitHub about the token: `fault` strikes
/// while that request is held up, so after the check and before anything is stored.
/// It must fail with `needle`, exit 1, and leave everything as it was.
fn keyring_fails_mid_run(fault: impl FnOnce(&OwnKeyring), needle: &str) -> (World, OwnKeyring) {
    let w = World::broken();
    let k = OwnKeyring::start();
    assert_eq!(k.doctor_says(&w).0, "ok", "the keyring works before the fault");
    let token = w.good_token();
    let snap = w.snapshot();
    w.sandbox.set_latency(Duration::from_millis(1500));
    let before = w.sandbox.arrivals();
    let child = w.spawn_setup(&token, &["--store", "keyring"], &k.env);
    w.wait_for("setup to check the token with GitHub", Duration::from_secs(30), || w.sandbox.arrivals() > before);
    fault(&k);
    let out = child.wait_with_output().unwrap();
    w.sandbox.set_latency(Duration::ZERO);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    one_clear_line(&err, needle);
    assert!(!err.contains(&token));
    assert_eq!(w.snapshot(), snap, "setup changed something although the keyring failed");
    assert!(w.filled().contains(PASSWORD), "git still has the old credential: nothing was half applied");
    (w, k)
}

#[test]
fn a_keyring_locked_mid_run_changes_nothing() {
    let (w, k) = keyring_fails_mid_run(OwnKeyring::lock, "the OS keyring is unavailable: the keyring is locked");
    // doctor now says so too (a look-up alone would still succeed on a locked keyring).
    let (status, summary) = k.doctor_says(&w);
    assert_eq!(status, "warn", "{summary}");
    assert!(summary.contains("the keyring is locked") && summary.contains("unlock it before `setup"), "{summary}");
}

#[test]
fn a_keyring_whose_session_ends_mid_run_changes_nothing() {
    let (w, k) = keyring_fails_mid_run(OwnKeyring::end_session, "the OS keyring is unavailable: no D-Bus session");
    let (status, summary) = k.doctor_says(&w);
    assert_eq!(status, "warn", "{summary}");
}

/// git's helper protocol with a locked keyring: `get` answers nothing at once (git
/// then tries the next helper), `store` fails with one line; neither waits for a
/// password prompt that cannot appear.
#[test]
fn the_helper_with_a_locked_keyring_answers_nothing_and_does_not_wait() {
    let w = World::broken();
    let k = OwnKeyring::start();
    let run = |op: &str, input: &str| {
        let mut c = w.cmd(&["credential", op]);
        c.envs(k.env.iter().map(|(key, v)| (key, v))).timeout(Duration::from_secs(20)).write_stdin(input.to_string());
        c.output().unwrap()
    };
    let stored = run("store", "protocol=https\nhost=example.com\nusername=octo\npassword=before-the-lock\n");
    assert!(stored.status.success() && stored.stderr.is_empty(), "{}", String::from_utf8_lossy(&stored.stderr));
    k.lock();
    let got = run("get", "protocol=https\nhost=example.com\n");
    let err = String::from_utf8_lossy(&got.stderr);
    assert_eq!(got.status.code(), Some(0), "{err}");
    assert!(got.stdout.is_empty(), "a locked keyring hands out nothing");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("git-credential-reauth: the OS keyring is unavailable: the keyring is locked"), "{err}");
    let stored = run("store", "protocol=https\nhost=example.com\nusername=octo\npassword=after-the-lock\n");
    let err = String::from_utf8_lossy(&stored.stderr);
    assert_eq!(stored.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("could not store the credential: the OS keyring is unavailable: the keyring is locked"));
}
