//! A sealed test world: the sandbox (fake GitHub + real `git http-backend`) on its own
//! runtime, a throwaway workstation (HOME, git config, helper, clone), and the real
//! binary run with only that environment.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use git_reauth::sandbox::workstation::{HelperKind, Workstation, WorkstationSpec};
use git_reauth::sandbox::{Access, Sandbox, SandboxOptions, TokenKindSpec, TokenSpec};

pub const LOGIN: &str = "octo";
pub const PASSWORD: &str = "correct-horse-battery-staple";
pub const OWNER: &str = "octo";
pub const REPO: &str = "hello";

/// What a world looks like before the fix.
#[derive(Clone)]
pub struct Setup {
    pub helper: HelperKind,
    pub ssh_remote: bool,
    pub insteadof_ssh: bool,
    pub owner: &'static str,
    pub private: bool,
}

impl Default for Setup {
    fn default() -> Setup {
        Setup { helper: HelperKind::Store, ssh_remote: true, insteadof_ssh: false, owner: OWNER, private: true }
    }
}

pub struct World {
    pub rt: tokio::runtime::Runtime,
    pub sandbox: Sandbox,
    pub ws: Workstation,
    pub owner: String,
}

impl World {
    /// The broken workstation of the README: stale password in the store helper, SSH
    /// origin, one unpushed commit.
    pub fn broken() -> World {
        World::with(Setup::default())
    }

    pub fn with(setup: Setup) -> World {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let sandbox = rt.block_on(Sandbox::start(SandboxOptions::default())).unwrap();
        sandbox.add_user(LOGIN, PASSWORD);
        if setup.owner != LOGIN {
            sandbox.add_org(setup.owner, setup.owner.contains("sso"));
        }
        sandbox.add_repo(setup.owner, REPO, setup.private, &[LOGIN]).unwrap();
        let ws = Workstation::build(
            &sandbox,
            &WorkstationSpec {
                login: LOGIN.into(),
                password: PASSWORD.into(),
                owner: setup.owner.into(),
                repo: REPO.into(),
                ssh_remote: setup.ssh_remote,
                helper: setup.helper,
                insteadof_ssh: setup.insteadof_ssh,
            },
        )
        .unwrap();
        World { rt, sandbox, ws, owner: setup.owner.into() }
    }

    pub fn classic(&self, scopes: &[&str]) -> String {
        self.sandbox.issue_token(TokenSpec {
            login: LOGIN.into(),
            kind: TokenKindSpec::Classic { scopes: scopes.iter().map(|s| s.to_string()).collect() },
            expires_at: None,
        })
    }

    pub fn good_token(&self) -> String {
        self.classic(&["repo", "workflow"])
    }

    pub fn expiring_token(&self, days: i64) -> String {
        self.sandbox.issue_token(TokenSpec {
            login: LOGIN.into(),
            kind: TokenKindSpec::Classic { scopes: vec!["repo".into()] },
            expires_at: Some(chrono::Utc::now() + chrono::Duration::days(days)),
        })
    }

    pub fn fine_grained(&self, access: Access) -> String {
        self.sandbox.issue_token(TokenSpec {
            login: LOGIN.into(),
            kind: TokenKindSpec::FineGrained { repos: vec![(format!("{}/{REPO}", self.owner), access)] },
            expires_at: Some(chrono::Utc::now() + chrono::Duration::days(90)),
        })
    }

    /// The environment the binary and git see: sealed, plus the sandbox host.
    pub fn vars(&self) -> Vec<(String, String)> {
        let mut v = self.ws.env_vars();
        v.push(("GIT_REAUTH_HOST_URL".into(), self.sandbox.host_url()));
        v.push(("NO_COLOR".into(), "1".into()));
        v
    }

    /// The real binary, in the clone, with only the world's environment.
    pub fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        self.cmd_in(&self.ws.repo, args)
    }

    pub fn cmd_in(&self, dir: &Path, args: &[&str]) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("git-reauth").unwrap();
        c.env_clear().env("PATH", std::env::var_os("PATH").unwrap()).envs(self.vars()).current_dir(dir).args(args);
        c.timeout(Duration::from_secs(60));
        c
    }

    /// `setup --token-stdin …` with `token` on stdin.
    pub fn setup(&self, token: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
        let mut args = vec!["setup", "--token-stdin"];
        args.extend_from_slice(extra);
        self.cmd(&args).write_stdin(format!("{token}\n")).assert()
    }

    /// `setup --token-stdin --switch-remote EXTRA…` as a child in its own process group
    /// (as a terminal runs it), with `env` added and the token written to its stdin;
    /// stderr is captured.
    #[cfg(unix)]
    pub fn spawn_setup(&self, token: &str, extra: &[&str], env: &[(String, String)]) -> std::process::Child {
        use std::io::Write;
        use std::os::unix::process::CommandExt;
        use std::process::Stdio;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("git-reauth"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .envs(self.vars())
            .envs(env.iter().map(|(k, v)| (k, v)))
            .current_dir(&self.ws.repo)
            .args(["setup", "--token-stdin", "--switch-remote"])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{token}").unwrap();
        child
    }

    /// Hold the journal lock as a running `setup` would (the same lock, beside the state
    /// directory); released when the file is dropped.
    pub fn hold_journal_lock(&self) -> std::fs::File {
        let path = self.state_dir().with_file_name("git-reauth.lock");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let held = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).unwrap();
        held.try_lock().expect("the journal lock was free");
        held
    }

    /// git in the clone with the world's environment.
    pub fn git(&self, args: &[&str]) -> std::process::Output {
        self.ws.git(args).output().unwrap()
    }

    pub fn git_ok(&self, args: &[&str]) -> String {
        let out = self.git(args);
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    pub fn state_dir(&self) -> PathBuf {
        self.ws.home.join(".local/state/git-reauth")
    }

    /// Every file of the user's setup that a failed or dry run must leave alone.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = self.snapshot_files();
        files.insert("credential".into(), self.filled().into_bytes());
        files
    }

    /// [`World::snapshot`] without asking git's helpers (for a helper that hangs).
    pub fn snapshot_files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        for p in
            [self.ws.repo.join(".git/config"), self.ws.home.join(".gitconfig"), self.ws.home.join(".git-credentials")]
        {
            files.insert(p.display().to_string(), std::fs::read(&p).unwrap_or_default());
        }
        let state = self.state_dir();
        let entries = list(&state);
        for name in &entries {
            files.insert(format!("state-dir/{name}"), std::fs::read(state.join(name)).unwrap_or_default());
        }
        files.insert("state-dir-entries".into(), entries.join("\n").into_bytes());
        files
    }

    /// What git's helpers hand out for the sandbox host right now.
    pub fn filled(&self) -> String {
        let host = self.sandbox.host_url();
        let hostport = host.trim_start_matches("http://");
        let mut child = self
            .ws
            .git(&["credential", "fill"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(format!("protocol=http\nhost={hostport}\n\n").as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// The commit at `main` in the sandbox's bare repository.
    pub fn remote_head(&self) -> String {
        let bare = self.sandbox.repo_path(&self.owner, REPO);
        let out =
            std::process::Command::new("git").arg("--git-dir").arg(&bare).args(["rev-parse", "main"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Poll until `f` is true or the deadline passes.
    pub fn wait_for(&self, what: &str, deadline: Duration, mut f: impl FnMut() -> bool) {
        let start = Instant::now();
        while !f() {
            assert!(start.elapsed() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Set by `scripts/test` inside its private D-Bus session with an unlocked gnome-keyring.
pub const KEYRING_MARKER: &str = "GIT_REAUTH_TEST_KEYRING";

/// What a child process needs to reach the test keyring (the private session bus of
/// `scripts/test`). Fails the calling test, with what to run instead, when there is none:
/// keyring tests must never pass without a keyring, nor touch the user's own.
pub fn keyring_env() -> Vec<(String, String)> {
    if !cfg!(any(target_os = "linux", target_os = "freebsd")) {
        return Vec::new();
    }
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok().filter(|b| !b.is_empty());
    match (std::env::var_os(KEYRING_MARKER), bus) {
        (Some(_), Some(bus)) => {
            let mut v = vec![("DBUS_SESSION_BUS_ADDRESS".to_string(), bus)];
            if let Ok(dir) = std::env::var("XDG_RUNTIME_DIR") {
                v.push(("XDG_RUNTIME_DIR".into(), dir));
            }
            v
        }
        _ => panic!(
            "keyring tests need a private D-Bus session with an unlocked gnome-keyring (and must not use yours): \
             run them with `bash scripts/test` (e.g. `bash scripts/test --test integration keyring`)"
        ),
    }
}

impl World {
    /// [`World::vars`] plus the test keyring's session bus ([`keyring_env`]).
    pub fn keyring_vars(&self) -> Vec<(String, String)> {
        let mut v = self.vars();
        v.extend(keyring_env());
        v
    }
}

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

pub fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

pub fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}
