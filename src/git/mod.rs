//! The git edge: the `git` binary for everything that must behave exactly like the
//! user's git (credential helpers, effective config, `ls-remote`, and every config
//! write), git2 for discovering repositories.

mod config;
mod config_file;
mod credential;
mod repo;

pub use config::{ConfigFileError, InsteadOfRule, entries as config_entries, global_config_file, insteadof_rules};
pub use config_file::{read_values, write_values};
pub use credential::{FillOutcome, GitCredential};
pub use repo::{RemoteInfo, RepoInfo, discover, remote_info};

use std::process::Stdio;
use tokio::io::AsyncWriteExt;

use crate::env::Env;

/// What went wrong running git.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("git is not installed or not on PATH")]
    Missing,
    #[error("could not run git: {0}")]
    Spawn(std::io::Error),
    #[error("git {args} failed: {stderr}")]
    Failed { args: String, stderr: String },
    #[error("{0}")]
    Repo(String),
    #[error("`git {args}` did not finish within {secs} s and was stopped (a credential helper waiting for input?)")]
    Timeout { args: String, secs: u64 },
    /// git died of Ctrl-C, SIGTERM or SIGHUP (sent to the whole process group, it can
    /// reach git before our own handler has run).
    #[error("`git {args}` was interrupted")]
    Interrupted { args: String },
}

/// The output of one git run.
#[derive(Debug)]
pub struct Output {
    pub ok: bool,
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// Runs git with the environment of an [`Env`].
#[derive(Clone, Debug)]
pub struct Git {
    pub env: Env,
}

impl Git {
    pub fn new(env: Env) -> Git {
        Git { env }
    }

    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.env.git);
        self.env.apply(&mut cmd);
        cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        cmd
    }

    /// Run git; `input` goes to stdin (the only way a secret ever reaches git).
    pub async fn run(
        &self,
        args: &[&str],
        input: Option<&[u8]>,
        extra_env: &[(&str, &str)],
    ) -> Result<Output, GitError> {
        let mut cmd = self.command(args);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        if input.is_some() {
            cmd.stdin(Stdio::piped());
        }
        let mut child = cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GitError::Missing,
            _ => GitError::Spawn(e),
        })?;
        if let (Some(data), Some(mut stdin)) = (input, child.stdin.take()) {
            // A helper that exits early closes the pipe; that is not our error.
            let _ = stdin.write_all(data).await;
            drop(stdin);
        }
        // On timeout the child is dropped, and `kill_on_drop` kills it.
        let timeout = self.env.git_timeout;
        let out = match tokio::time::timeout(timeout, child.wait_with_output()).await {
            Ok(out) => out.map_err(GitError::Spawn)?,
            Err(_) => return Err(GitError::Timeout { args: args.join(" "), secs: timeout.as_secs() }),
        };
        if killed_by_interrupt(&out.status) {
            return Err(GitError::Interrupted { args: args.join(" ") });
        }
        Ok(Output {
            ok: out.status.success(),
            code: out.status.code(),
            stdout: out.stdout,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// Run git and require success; stdout as text.
    pub async fn run_ok(&self, args: &[&str]) -> Result<String, GitError> {
        let out = self.run(args, None, &[]).await?;
        if !out.ok {
            return Err(GitError::Failed { args: args.join(" "), stderr: first_line(&out.stderr) });
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    }

    /// `git --version` as (major, minor, patch).
    pub async fn version(&self) -> Result<(u32, u32, u32), GitError> {
        let text = self.run_ok(&["--version"]).await?;
        parse_version(&text).ok_or_else(|| GitError::Failed { args: "--version".into(), stderr: text })
    }

    /// `git ls-remote URL HEAD` through the user's helpers; `Err(stderr)` on failure.
    pub async fn ls_remote(&self, url: &str) -> Result<Result<(), String>, GitError> {
        let out = self.run(&["ls-remote", "--", url, "HEAD"], None, &[]).await?;
        Ok(if out.ok { Ok(()) } else { Err(out.stderr) })
    }
}

/// True when the process died of SIGINT, SIGTERM or SIGHUP.
#[cfg(unix)]
fn killed_by_interrupt(status: &std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal().is_some_and(|s| [libc::SIGINT, libc::SIGTERM, libc::SIGHUP].contains(&s))
}

#[cfg(not(unix))]
fn killed_by_interrupt(_: &std::process::ExitStatus) -> bool {
    false
}

/// The first non-empty line of git's stderr, for one-line errors.
pub fn first_line(s: &str) -> String {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string()
}

/// Parse `git version 2.47.3` (also `2.39.5.windows.1`, `2.45.0 (Apple Git-154)`).
pub fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let v = text.trim().strip_prefix("git version ")?;
    let mut parts = v.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    Some((major, minor, patch))
}

/// The oldest git we support (credential `reject` without password, `--show-scope`).
pub const MIN_GIT: (u32, u32, u32) = (2, 30, 0);

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_git_that_hangs_is_stopped_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let mut env = Env::isolated(dir.path(), &[]);
        env.git = "sh".into();
        env.git_timeout = std::time::Duration::from_millis(300);
        let git = Git::new(env);
        let err = git.run(&["-c", "sleep 30"], Some(b"protocol=https\n"), &[]).await.unwrap_err();
        assert!(matches!(&err, GitError::Timeout { args, .. } if args == "-c sleep 30"), "{err:?}");
        // A quick run under the same timeout is unaffected.
        assert!(git.run(&["-c", "true"], None, &[]).await.unwrap().ok);
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("git version 2.47.3\n"), Some((2, 47, 3)));
        assert_eq!(parse_version("git version 2.39.5.windows.1"), Some((2, 39, 5)));
        assert_eq!(parse_version("git version 2.45.0 (Apple Git-154)"), Some((2, 45, 0)));
        assert_eq!(parse_version("git version 3.0"), Some((3, 0, 0)));
        assert_eq!(parse_version("hg 6"), None);
        assert!((2, 29, 9) < MIN_GIT && (2, 30, 0) >= MIN_GIT);
    }
}
