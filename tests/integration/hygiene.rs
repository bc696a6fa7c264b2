//! Secret hygiene, proved from outside the process: every program the binary (and git)
//! starts is traced with `strace -f -e trace=execve -v -s 65536`, which records each
//! argv and environment in full. The token is in none of them, in no output even at
//! `RUST_LOG=trace`, and in no file but the store the user chose; and a running
//! git-reauth cannot dump core.

use std::path::{Path, PathBuf};
use std::time::Duration;

use git_reauth::sandbox::workstation::HelperKind;

use crate::support::*;

/// strace could read every traced argv and environment. git-reauth makes itself
/// non-dumpable while it may hold a token, and then only root (CAP_SYS_PTRACE) may read
/// its memory: strace prints the bare pointers (`execve(0x…`) instead.
fn assert_fully_traced(trace: &str) {
    assert!(
        !trace.contains("execve(0x"),
        "strace could not read the arguments of a non-dumpable process: the hygiene proof needs \
         root or CAP_SYS_PTRACE (run the suite as root, as CI does)"
    );
}

/// Everything the traced runs left: strace logs and what the programs printed.
#[derive(Default)]
struct Traces {
    execve: String,
    output: String,
}

impl Traces {
    /// Run `program args` in `dir` with exactly `env` (plus `RUST_LOG=trace`) under strace;
    /// returns the exit code and stdout.
    fn run(
        &mut self,
        env: &[(String, String)],
        dir: &Path,
        program: &str,
        args: &[&str],
        input: &str,
    ) -> (i32, String) {
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut c = assert_cmd::Command::new("strace");
        c.args(["-f", "-e", "trace=execve", "-v", "-s", "65536", "-o"]).arg(log.path()).arg("--").arg(program);
        c.args(args).env_clear().envs(env.iter().map(|(k, v)| (k, v))).env("RUST_LOG", "trace");
        c.current_dir(dir).write_stdin(input.to_string()).timeout(Duration::from_secs(90));
        let out = c.output().unwrap();
        let trace = std::fs::read_to_string(log.path()).unwrap();
        // The trace is real: our program's own execve, with its environment in full.
        assert!(trace.contains("execve(") && trace.contains("\"HOME="), "strace recorded nothing:\n{trace}");
        assert_fully_traced(&trace);
        self.execve.push_str(&trace);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        self.output.push_str(&String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), stdout)
    }

    /// The programs these runs started (argv[0] of every execve).
    fn programs(&self) -> Vec<String> {
        self.execve
            .lines()
            .filter_map(|l| l.split_once("execve(\"").map(|(_, rest)| rest.split('"').next().unwrap_or("").to_string()))
            .collect()
    }

    fn assert_clean(&self, token: &str) {
        assert!(!self.execve.contains(token), "a process got the token in argv or environment");
        assert!(!self.output.contains(token), "an output or log holds the token");
        assert!(self.output.contains("TRACE") || self.output.contains("DEBUG"), "tracing was really on");
    }
}

fn files_holding(dirs: &[&Path], needle: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for d in dirs {
        walk(d, &mut files);
    }
    files.retain(|p| std::fs::read(p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes())));
    files
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&p, out),
            Ok(t) if t.is_file() => out.push(p),
            _ => {}
        }
    }
}

fn bin() -> String {
    env!("CARGO_BIN_EXE_git-reauth").to_string()
}

fn world_env(w: &World) -> Vec<(String, String)> {
    let mut env = w.vars();
    env.push(("PATH".into(), std::env::var("PATH").unwrap()));
    env
}

#[test]
fn with_the_store_helper_the_token_is_only_in_git_credentials() {
    let w = World::broken();
    let token = w.good_token();
    let env = world_env(&w);
    let mut t = Traces::default();
    let repo = &w.ws.repo;
    let setup = ["setup", "--token-stdin", "--switch-remote", "--verbose"];
    assert_eq!(t.run(&env, repo, &bin(), &setup, &format!("{token}\n")).0, 0, "{}", t.output);
    assert_eq!(t.run(&env, repo, &bin(), &["doctor", "--verbose"], "").0, 0, "{}", t.output);
    assert_eq!(t.run(&env, repo, &bin(), &["status", "--verbose"], "").0, 0, "{}", t.output);
    // git's own fill hands the token out on stdout (that is its job), never in argv/env.
    let host = w.sandbox.host_url().trim_start_matches("http://").to_string();
    let (code, filled) = t.run(&env, repo, "git", &["credential", "fill"], &format!("protocol=http\nhost={host}\n\n"));
    assert_eq!(code, 0);
    assert!(filled.contains(&format!("password={token}")), "the store answers with the new token");
    t.assert_clean(&token);
    let programs = t.programs();
    assert!(programs.iter().any(|p| p.ends_with("/git")), "git children were traced: {programs:?}");
    assert!(programs.iter().filter(|p| p.ends_with("/git-reauth")).count() >= 3, "{programs:?}");
    assert!(t.execve.contains("credential\", \"approve"), "the approve that received the token was traced");

    let sandbox_repos = w.sandbox.repo_path(OWNER, REPO).parent().unwrap().to_path_buf();
    let holders = files_holding(&[w.ws.root.path(), &sandbox_repos], &token);
    assert_eq!(holders, vec![w.ws.home.join(".git-credentials")], "files holding the token");
}

#[test]
fn with_the_keyring_the_token_is_in_no_file_and_no_process() {
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    let token = w.good_token();
    let mut env = world_env(&w);
    env.extend(keyring_env());
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    env.push(("GIT_REAUTH_KEYRING_SERVICE".into(), format!("git-reauth-test-hygiene-{nanos}")));
    let mut t = Traces::default();
    let repo = &w.ws.repo;
    let setup = ["setup", "--token-stdin", "--switch-remote", "--store", "keyring", "--verbose"];
    assert_eq!(t.run(&env, repo, &bin(), &setup, &format!("{token}\n")).0, 0, "{}", t.output);
    assert_eq!(t.run(&env, repo, &bin(), &["doctor", "--verbose"], "").0, 0, "{}", t.output);
    assert_eq!(t.run(&env, repo, &bin(), &["status", "--verbose"], "").0, 0, "{}", t.output);
    // Through git with our helper (setup configured `!'<bin>' credential` for the host):
    // `credential get` reads the keyring and answers on stdout only.
    let host = w.sandbox.host_url().trim_start_matches("http://").to_string();
    let (code, filled) = t.run(&env, repo, "git", &["credential", "fill"], &format!("protocol=http\nhost={host}\n\n"));
    assert_eq!(code, 0, "{}", t.output);
    assert!(filled.contains(&format!("password={token}")), "the keyring answers with the new token");
    assert!(t.execve.contains("\"credential\", \"get\"]"), "our helper ran under the trace");
    assert_eq!(t.run(&env, repo, "git", &["push", "origin", "HEAD:main"], "").0, 0, "{}", t.output);
    t.assert_clean(&token);

    let sandbox_repos = w.sandbox.repo_path(OWNER, REPO).parent().unwrap().to_path_buf();
    assert_eq!(files_holding(&[w.ws.root.path(), &sandbox_repos], &token), Vec::<PathBuf>::new());
    w.cmd(&["undo"]).envs(env.iter().map(|(k, v)| (k, v))).assert().success();
}

/// `Max core file size` (soft, hard) of a running process.
#[cfg(target_os = "linux")]
fn core_limit(pid: u32) -> Option<(String, String)> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max core file size"))?;
    let f: Vec<&str> = line.split_whitespace().collect();
    Some((f[f.len() - 3].to_string(), f[f.len() - 2].to_string()))
}

/// (owner of `/proc/PID/status`, real uid of the process). The kernel hands a
/// non-dumpable process's `/proc` files to root; a dumpable one's belong to its uid.
#[cfg(target_os = "linux")]
fn proc_owner_and_uid(pid: u32) -> (u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let path = format!("/proc/{pid}/status");
    let owner = std::fs::metadata(&path).unwrap().uid();
    let status = std::fs::read_to_string(&path).unwrap();
    let uid = status.lines().find_map(|l| l.strip_prefix("Uid:")).unwrap().split_whitespace().next().unwrap();
    (owner, uid.parse().unwrap())
}

/// A process as an unprivileged user (as root, through `setpriv` to `nobody`), so that
/// the kernel's root-owned `/proc` files of a non-dumpable process stand out.
#[cfg(target_os = "linux")]
fn unprivileged(program: &str, args: &[&str]) -> std::process::Child {
    // SAFETY: getuid has no preconditions.
    let root = unsafe { libc::getuid() } == 0;
    let mut c = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--", program]);
        c
    } else {
        std::process::Command::new(program)
    };
    let home = std::env::temp_dir();
    c.args(args).env_clear().env("PATH", std::env::var("PATH").unwrap()).env("HOME", home);
    c.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    c.spawn().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn a_running_git_reauth_cannot_dump_core() {
    // Control: an ordinary process of the same user is dumpable and keeps the core limit
    // it inherited, so the checks below can tell the difference.
    let mut control = unprivileged("sleep", &["30"]);
    // Wait for `sleep` itself: between setpriv's setuid and its exec the process is not
    // dumpable yet (the kernel clears the flag on a uid change until the next exec).
    let comm = |pid: u32| std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    let start = std::time::Instant::now();
    while comm(control.id()).trim() != "sleep" && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let (owner, uid) = proc_owner_and_uid(control.id());
    assert!(uid != 0 && owner == uid, "control: /proc owned by {owner}, uid {uid}");
    control.kill().unwrap();
    control.wait().unwrap();

    // The credential helper waiting for git's request on stdin: the moment it would
    // hold a token.
    let mut helper = unprivileged(&bin(), &["credential", "get"]);
    let pid = helper.id();
    let start = std::time::Instant::now();
    while core_limit(pid) != Some(("0".into(), "0".into())) {
        assert!(start.elapsed() < Duration::from_secs(20), "RLIMIT_CORE never became 0: {:?}", core_limit(pid));
        std::thread::sleep(Duration::from_millis(10));
    }
    // PR_SET_DUMPABLE comes before setrlimit, so it is in effect now.
    let (owner, uid) = proc_owner_and_uid(pid);
    assert!(uid != 0, "runs unprivileged");
    assert_eq!(owner, 0, "non-dumpable: the kernel gave its /proc files to root");
    drop(helper.stdin.take());
    assert!(helper.wait().unwrap().code().is_some(), "the helper exits normally");
}

#[test]
fn the_wizard_puts_the_token_in_no_child_process_and_never_on_screen() {
    let w = World::broken();
    let token = w.good_token();
    let trace_dir = tempfile::tempdir().unwrap();
    let trace = trace_dir.path().join("wizard.strace");
    let trace_s = trace.display().to_string();
    let strace = ["strace", "-f", "-e", "trace=execve", "-v", "-s", "65536", "-o", trace_s.as_str()];
    let mut t = crate::tmux::Tmux::run_wrapped(&w.ws.repo, &w.vars(), &strace, &[], 100, 30);
    crate::wizard::walk(&mut t, 5, &token);
    t.keys(&["Enter"]);
    t.wait_for("Done:");
    t.keys(&["Enter"]);
    assert_eq!(t.exit_code(), 0);
    t.assert_never_showed(&token);
    let log = std::fs::read_to_string(&trace).unwrap();
    assert_fully_traced(&log);
    // The trace really saw the wizard's children (git credential approve among them).
    assert!(
        log.contains("\"credential\", \"approve\""),
        "strace recorded no approve:\n{}",
        &log[..log.len().min(2000)]
    );
    assert!(log.contains("\"HOME="), "strace recorded no environments");
    assert!(!log.contains(&token), "a child of the wizard saw the token in argv or environment");
    assert!(w.filled().contains(&format!("password={token}")), "and the fix went through");
}
