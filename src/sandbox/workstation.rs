//! A throwaway "broken workstation": a home directory with a git config and a credential
//! helper holding a stale account password, and a clone with one unpushed commit.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

use super::Sandbox;

/// Which credential helper the workstation's global config uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelperKind {
    /// `store --file=<home>/.git-credentials`
    Store,
    /// `cache --timeout=3600 --socket=<runtime dir>/git-credential-cache/socket`
    Cache,
    /// No helper at all.
    None,
}

#[derive(Debug, Clone)]
pub struct WorkstationSpec {
    pub login: String,
    /// The stale account password the helper remembers.
    pub password: String,
    pub owner: String,
    pub repo: String,
    /// `origin` is `git@127.0.0.1:owner/repo.git` instead of the HTTP URL.
    pub ssh_remote: bool,
    pub helper: HelperKind,
    /// Adds `url."git@127.0.0.1:".insteadOf = "http://127.0.0.1:PORT/"` globally.
    pub insteadof_ssh: bool,
}

/// Removed (and its cache daemon stopped) on drop.
#[derive(Debug)]
pub struct Workstation {
    pub root: tempfile::TempDir,
    pub home: PathBuf,
    /// The clone.
    pub repo: PathBuf,
    /// The HTTP URL of the repo on the sandbox.
    pub http_url: String,
    /// `Some` for [`HelperKind::Cache`].
    pub cache_socket: Option<PathBuf>,
    env: Vec<(String, String)>,
}

fn command(env: &[(String, String)], dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .current_dir(dir)
        .stdin(Stdio::null());
    c
}

fn run(mut c: Command, input: Option<&str>) -> anyhow::Result<String> {
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    if input.is_some() {
        c.stdin(Stdio::piped());
    }
    let mut child = c.spawn().context("running git")?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(input.as_bytes())?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("git {:?} failed: {}", c.get_args().collect::<Vec<_>>(), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(unix)]
fn mkdir_private(p: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::create_dir_all(p)?;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}

#[cfg(not(unix))]
fn mkdir_private(p: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(p)?;
    Ok(())
}

impl Workstation {
    /// [`Workstation::build`] from async code, on tokio's blocking pool.
    pub async fn build_async(sandbox: &Sandbox, spec: WorkstationSpec) -> anyhow::Result<Workstation> {
        let sb = sandbox.clone();
        tokio::task::spawn_blocking(move || Workstation::build(&sb, &spec)).await?
    }

    /// Builds the workstation (blocking: runs a handful of `git` processes, no network).
    pub fn build(sandbox: &Sandbox, spec: &WorkstationSpec) -> anyhow::Result<Workstation> {
        let root = tempfile::Builder::new().prefix("git-reauth-ws-").tempdir()?;
        let home = root.path().join("home");
        let config = home.join(".config");
        let state = home.join(".local/state");
        let cache = home.join(".cache");
        let runtime = root.path().join("run");
        for d in [&home, &config, &state, &cache] {
            std::fs::create_dir_all(d)?;
        }
        mkdir_private(&runtime)?;
        let host_url = sandbox.host_url();
        let host = host_url.trim_start_matches("http://").to_owned();
        let ip = host.split(':').next().unwrap_or("127.0.0.1").to_owned();
        let name = spec.login.clone();
        let email = format!("{}@users.noreply.github.com", spec.login);
        let s = |p: &Path| p.to_string_lossy().into_owned();
        let env: Vec<(String, String)> = vec![
            ("HOME".into(), s(&home)),
            ("XDG_CONFIG_HOME".into(), s(&config)),
            ("XDG_STATE_HOME".into(), s(&state)),
            ("XDG_CACHE_HOME".into(), s(&cache)),
            ("XDG_RUNTIME_DIR".into(), s(&runtime)),
            ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
            ("GIT_TERMINAL_PROMPT".into(), "0".into()),
            // SSH remotes must fail fast, never prompt for a host key or a passphrase.
            (
                "GIT_SSH_COMMAND".into(),
                "ssh -o BatchMode=yes -o ConnectTimeout=5 -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null"
                    .into(),
            ),
            ("GIT_AUTHOR_NAME".into(), name.clone()),
            ("GIT_AUTHOR_EMAIL".into(), email.clone()),
            ("GIT_COMMITTER_NAME".into(), name.clone()),
            ("GIT_COMMITTER_EMAIL".into(), email.clone()),
        ];
        let git = |dir: &Path, args: &[&str]| {
            let mut c = command(&env, dir);
            c.args(args);
            c
        };
        let global = |args: &[&str]| {
            let mut all = vec!["config", "--global"];
            all.extend_from_slice(args);
            run(git(&home, &all), None)
        };
        global(&["user.name", &name])?;
        global(&["user.email", &email])?;
        global(&["init.defaultBranch", "main"])?;

        let cache_socket = match spec.helper {
            HelperKind::Store => {
                let file = home.join(".git-credentials");
                global(&["credential.helper", &format!("store --file={}", file.display())])?;
                None
            }
            HelperKind::Cache => {
                let dir = runtime.join("git-credential-cache");
                mkdir_private(&dir)?;
                let socket = dir.join("socket");
                global(&["credential.helper", &format!("cache --timeout=3600 --socket={}", socket.display())])?;
                Some(socket)
            }
            HelperKind::None => None,
        };

        let ws = Workstation {
            home: home.clone(),
            repo: root.path().join("work").join(&spec.repo),
            http_url: format!("{host_url}/{}/{}.git", spec.owner, spec.repo),
            cache_socket,
            env: env.clone(),
            root,
        };

        if spec.helper != HelperKind::None {
            let cred = format!("protocol=http\nhost={host}\nusername={}\npassword={}\n\n", spec.login, spec.password);
            // stdout/stderr go nowhere: a cache daemon spawned here inherits them and
            // would keep a pipe open for an hour.
            let mut approve = git(&home, &["credential", "approve"]);
            approve.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null());
            let mut child = approve.spawn()?;
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(cred.as_bytes())?;
            }
            child.wait()?;
            // approve exits 0 even when the helper failed: read it back.
            let filled = run(
                git(&home, &["credential", "fill"]),
                Some(&format!("protocol=http\nhost={host}\nusername={}\n\n", spec.login)),
            )?;
            if !filled.lines().any(|l| l.strip_prefix("password=") == Some(&spec.password)) {
                bail!("the {:?} helper did not keep the stale password", spec.helper);
            }
        }

        let bare = sandbox.repo_path(&spec.owner, &spec.repo);
        if !bare.exists() {
            bail!("the sandbox has no repo {}/{}", spec.owner, spec.repo);
        }
        let work = ws.repo.parent().unwrap_or(ws.root.path()).to_path_buf();
        std::fs::create_dir_all(&work)?;
        let mut clone = git(&work, &["clone", "-q"]);
        clone.arg(&bare).arg(&ws.repo);
        run(clone, None)?;
        let origin =
            if spec.ssh_remote { format!("git@{ip}:{}/{}.git", spec.owner, spec.repo) } else { ws.http_url.clone() };
        run(git(&ws.repo, &["remote", "set-url", "origin", &origin]), None)?;
        std::fs::write(ws.repo.join("NOTES.md"), "Work that has not reached GitHub yet.\n")?;
        run(git(&ws.repo, &["add", "NOTES.md"]), None)?;
        run(git(&ws.repo, &["commit", "-q", "-m", "Add notes"]), None)?;
        if spec.insteadof_ssh {
            global(&[&format!("url.git@{ip}:.insteadOf"), &format!("{host_url}/")])?;
        }
        Ok(ws)
    }

    /// Environment for child processes (apply after `env_clear` + `PATH`).
    pub fn env_vars(&self) -> Vec<(String, String)> {
        self.env.clone()
    }

    /// `git ARGS` in the clone, with a cleared environment plus `PATH` and [`Self::env_vars`].
    pub fn git(&self, args: &[&str]) -> Command {
        let mut c = command(&self.env, &self.repo);
        c.args(args);
        c
    }
}

impl Drop for Workstation {
    fn drop(&mut self) {
        // A cache daemon on git's default socket (e.g. after `setup --store cache`).
        let home = self.home.clone();
        for socket in [home.join(".cache/git/credential/socket"), home.join(".git-credential-cache/socket")] {
            if socket.exists() {
                let mut c = command(&self.env, self.root.path());
                c.arg("credential-cache").arg(format!("--socket={}", socket.display())).arg("exit");
                let _ = c.stdout(Stdio::null()).stderr(Stdio::null()).status();
            }
        }
        if let Some(socket) = &self.cache_socket
            && socket.exists()
        {
            let mut c = command(&self.env, self.root.path());
            c.arg("credential-cache")
                .arg(format!("--socket={}", socket.display()))
                .arg("exit")
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let _ = c.status();
        }
    }
}
