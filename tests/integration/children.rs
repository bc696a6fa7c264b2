//! The programs git-reauth starts (git and the credential helpers git runs) are kept on
//! a leash: they never prompt, their output is read up to a cap and shown with its
//! control characters escaped, and one that hangs is stopped with its whole process
//! group. Linux only: process groups, `/proc` and `wait4`.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use git_reauth::sandbox::workstation::HelperKind;

use crate::faults::{outlived, sleepers, unique_sleep};
use crate::support::*;

/// A `core.askPass` program in the world's global config that notes each time it runs
/// (in the returned file) and answers `answer`, as a user typing into its window would.
fn recording_askpass(w: &World, answer: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let marker = w.ws.root.path().join("askpass-ran");
    let script = w.ws.root.path().join("askpass.sh");
    let body = format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\nprintf '%s\\n' '{answer}'\n", marker.display());
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    w.git_ok(&["config", "--global", "core.askPass", &script.display().to_string()]);
    marker
}

#[test]
fn core_askpass_is_never_run_by_doctor_status_or_a_setup_that_rolls_back() {
    let w = World::broken();
    // The store helper holds nothing for the host: git would ask the user.
    let credentials = w.ws.home.join(".git-credentials");
    std::fs::write(&credentials, "").unwrap();
    let answer = format!("typed-into-the-prompt-{}", std::process::id());
    let marker = recording_askpass(&w, &answer);
    // The world really prompts: plain git (prompts on the terminal disabled) runs it.
    assert!(w.filled().contains(&answer), "the test's askpass does not run");
    std::fs::remove_file(&marker).unwrap();

    let before = w.sandbox.requests().len();
    let doctor = w.cmd(&["doctor"]).assert();
    let status = w.cmd(&["status"]).assert();
    let ran = std::fs::read_to_string(&marker).unwrap_or_default();
    assert!(ran.is_empty(), "doctor or status ran core.askPass for: {ran}");
    for out in [stdout(&doctor), stdout(&status)] {
        assert!(out.contains("no saved credential"), "{out}");
        assert!(!out.contains(&answer), "{out}");
    }
    // With nothing saved, any request with credentials could only carry the answer.
    let sent: Vec<_> = w.sandbox.requests()[before..].iter().filter(|r| r.auth != "none").cloned().collect();
    assert!(sent.is_empty(), "credentials reached the API: {sent:?}");

    // A setup that fails after every change is made (git's HTTP goes to a proxy that is
    // not there, so the live check fails) and rolls back, putting back what it forgot.
    w.git_ok(&["config", "--global", "http.proxy", "http://127.0.0.1:9"]);
    let ssh_url = w.git_ok(&["remote", "get-url", "origin"]);
    let token = w.good_token();
    let a = w.setup(&token, &["--switch-remote"]).code(1);
    let err = stderr(&a);
    // The live check runs once every change is made; all of them were taken back.
    assert!(
        err.starts_with("error: the fix did not hold: git ls-remote") && !err.contains("rolling back also failed"),
        "{err}"
    );
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), ssh_url, "the remote switch was rolled back");
    let ran = std::fs::read_to_string(&marker).unwrap_or_default();
    assert!(ran.is_empty(), "setup ran core.askPass for: {ran}");
    let kept = std::fs::read_to_string(&credentials).unwrap();
    assert!(!kept.contains(&answer) && !kept.contains(&token), "~/.git-credentials holds: {kept}");
}

/// One run of the binary, measured: its output is counted (and the first 8 MB kept)
/// and its peak memory read from `wait4`.
struct Measured {
    code: Option<i32>,
    stdout: String,
    bytes: u64,
    max_rss_kb: i64,
    wall: Duration,
}

fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<(Vec<u8>, u64)> {
    std::thread::spawn(move || {
        let (mut kept, mut total, mut buf) = (Vec::new(), 0u64, vec![0u8; 64 * 1024]);
        while let Ok(n) = r.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n as u64;
            if kept.len() < 8 << 20 {
                kept.extend_from_slice(&buf[..n]);
            }
        }
        (kept, total)
    })
}

/// The binary with only the world's environment (and `env`), in the clone.
fn binary(w: &World, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("git-reauth"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .envs(w.vars())
        .envs(env.iter().copied())
        .current_dir(&w.ws.repo)
        .args(args);
    c
}

#[allow(clippy::zombie_processes, reason = "reaped with wait4, which also gives its peak memory")]
fn measured(w: &World, args: &[&str], env: &[(&str, &str)], deadline: Duration) -> Measured {
    let mut child =
        binary(w, args, env).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (out, err) = (drain(child.stdout.take().unwrap()), drain(child.stderr.take().unwrap()));
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: `rusage` is plain data; wait4 fills it in for our own child.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break (status, usage);
        }
        assert_eq!(r, 0, "wait4 failed");
        if start.elapsed() > deadline {
            let _ = child.kill();
            panic!("git-reauth {args:?} still runs after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall = start.elapsed();
    let ((out, out_bytes), (_, err_bytes)) = (out.join().unwrap(), err.join().unwrap());
    Measured {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout: String::from_utf8_lossy(&out).into_owned(),
        bytes: out_bytes + err_bytes,
        max_rss_kb: usage.ru_maxrss,
        wall,
    }
}

#[test]
fn a_helper_that_floods_stderr_is_cut_and_doctor_stays_small() {
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    // 200 MB on one line, and no answer.
    let helper = "!f() { head -c 200000000 /dev/zero | tr '\\0' x >&2; }; f";
    w.git_ok(&["config", "--global", "credential.helper", helper]);
    let m = measured(&w, &["doctor"], &[], Duration::from_secs(300));
    eprintln!(
        "doctor with a 200 MB stderr helper: exit {:?}, {} bytes printed, peak RSS {} KB, {:?}",
        m.code, m.bytes, m.max_rss_kb, m.wall
    );
    assert_eq!(m.code, Some(1), "{}", m.stdout);
    assert!(m.stdout.contains("no saved credential"), "{}", &m.stdout[..m.stdout.len().min(2000)]);
    assert!(m.stdout.contains("cut at"), "the report says the helper's words were cut");
    assert!(m.bytes < 4 << 20, "doctor printed {} bytes", m.bytes);
    assert!(m.max_rss_kb < 100 << 10, "doctor's peak RSS was {} KB", m.max_rss_kb);
}

#[test]
fn a_helper_that_hangs_with_a_grandchild_is_stopped_with_its_whole_group() {
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    // The grandchild holds git's pipes open; its parent never answers.
    let forked = unique_sleep();
    let execed = format!("{forked}1");
    let helper = format!("!f() {{ sh -c 'sleep {forked} & exec sleep {execed}'; }}; f");
    w.git_ok(&["config", "--global", "credential.helper", &helper]);
    let d = w.cmd(&["doctor"]).env("GIT_REAUTH_GIT_TIMEOUT_SECS", "2").assert().code(1);
    assert!(stdout(&d).contains("did not finish within 2 s"), "{}", stdout(&d));
    let left = outlived(&[&forked, &execed]);
    assert!(left.is_empty(), "the helper's processes outlived git: {left:?}");
}

#[test]
fn escape_sequences_from_a_helper_reach_the_report_escaped() {
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    // Retitle the window, clear the screen, and a C1 CSI (U+009B) for good measure.
    let helper = r"!f() { printf '\033]0;pwned\007\033[2J\302\233' >&2; }; f";
    w.git_ok(&["config", "--global", "credential.helper", helper]);
    // As text, and as JSON (which escapes C0 controls by itself, but not C1).
    for (args, shown) in [(&["doctor"][..], r"\e]0;pwned\x07\e[2J\u{9b}"), (&["doctor", "--json"], r"\\e]0;pwned")] {
        let out = stdout(&w.cmd(args).assert().code(1));
        assert!(!out.contains(['\x1b', '\x07', '\u{9b}']), "raw control characters in {args:?}: {out:?}");
        assert!(out.contains(shown), "the helper's words are shown escaped: {out}");
    }
}

/// `git-reauth doctor` in its own process group, as a terminal runs it.
fn spawn_doctor(w: &World, env: &[(&str, &str)]) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let mut c = binary(w, &["doctor"], env);
    c.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).process_group(0).spawn().unwrap()
}

#[test]
fn ctrl_c_reaches_git_and_its_helpers_in_their_own_process_group() {
    // git runs in a process group of its own, so a terminal's Ctrl-C (SIGINT to the
    // foreground group) reaches only git-reauth, which passes it on. The helper hangs
    // when asked for the credential, far longer than the git timeout would allow.
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    let secs = unique_sleep();
    let helper = format!("!f() {{ case \"$1\" in get) exec sleep {secs};; esac; }}; f");
    w.git_ok(&["config", "--global", "credential.helper", &helper]);
    let slow = [("GIT_REAUTH_GIT_TIMEOUT_SECS", "300")];
    let ctrl_c = |mut child: std::process::Child| {
        w.wait_for("the helper to hang", Duration::from_secs(30), || !sleepers(&secs).is_empty());
        let group = format!("-{}", child.id());
        assert!(Command::new("kill").args(["-INT", "--", &group]).status().unwrap().success());
        // Well before the git timeout (which would end it too, as an interruption).
        let ended = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if ended.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                panic!("the Ctrl-C did not reach git: git-reauth still waits for it");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };

    // doctor stops at once (dropping the run ends git's group).
    let (code, err) = ctrl_c(spawn_doctor(&w, &slow));
    assert_eq!((code, err.as_str()), (Some(130), "error: interrupted; nothing was changed\n"));
    assert_eq!(outlived(&[&secs]), Vec::<String>::new(), "doctor's helper outlived the Ctrl-C");

    // setup reads the login the helpers hand out (before any change): git gets the
    // Ctrl-C too, and nothing is changed, whichever sees it first.
    let ssh_url = w.git_ok(&["remote", "get-url", "origin"]);
    let snap = w.snapshot_files();
    let slow = [("GIT_REAUTH_GIT_TIMEOUT_SECS".to_string(), "300".to_string())];
    let (code, err) = ctrl_c(w.spawn_setup(&w.good_token(), &[], &slow));
    assert_eq!(code, Some(130), "{err}");
    assert!(err.starts_with("error: interrupted;") && !err.contains("did not finish"), "{err}");
    assert_eq!(outlived(&[&secs]), Vec::<String>::new(), "setup's helper outlived the Ctrl-C");
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), ssh_url);
    assert_eq!(w.snapshot_files(), snap, "setup left something changed");
}
