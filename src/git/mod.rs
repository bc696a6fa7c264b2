//! The git edge: the `git` binary for everything that must behave exactly like the
//! user's git (credential helpers, effective config, `ls-remote`, and every config
//! write), git2 for discovering repositories.

mod config;
mod config_file;
mod credential;
mod repo;
mod run;
mod ssh;
pub mod walk;

pub use config::{ConfigFileError, InsteadOfRule, entries as config_entries, global_config_file, insteadof_rules};
pub use config_file::{apply_edit, read_values, write_values, write_values_edit};
pub use credential::{FillOutcome, GitCredential};
pub use repo::{RemoteInfo, RepoInfo, ValueOrigin, discover, remote_info, remote_origins};

pub use run::{Limits, NO_PROMPT, Output, signal_running};
pub use ssh::SshLookup;

use crate::env::Env;
use crate::model::text;

/// What went wrong running git. Text from git is shown with its control characters
/// escaped ([`first_line`]).
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
    /// git died of Ctrl-C, SIGTERM or SIGHUP (git runs in a process group of its own:
    /// our handler passes them on with [`signal_running`]).
    #[error("`git {args}` was interrupted")]
    Interrupted { args: String },
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

    /// Run git and require success; stdout as text.
    pub async fn run_ok(&self, args: &[&str]) -> Result<String, GitError> {
        let out = self.run(args, None, &[]).await?;
        let failed = |stderr| GitError::Failed { args: text::printable(&args.join(" ")), stderr };
        if !out.ok {
            return Err(failed(first_line(&out.stderr)));
        }
        if out.stdout_cut {
            return Err(failed("it wrote more than 1 MB".into()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    }

    /// `git --version` as (major, minor, patch).
    pub async fn version(&self) -> Result<(u32, u32, u32), GitError> {
        let text = self.run_ok(&["--version"]).await?;
        parse_version(&text).ok_or_else(|| GitError::Failed { args: "--version".into(), stderr: first_line(&text) })
    }

    /// `git ls-remote REMOTE HEAD` (a remote's name or a URL) through the user's
    /// helpers; `Err(stderr)` (raw) on failure.
    pub async fn ls_remote(&self, remote: &str) -> Result<Result<(), String>, GitError> {
        let proactive = self.proactive_auth().await;
        // Protocol v0: the authenticated ref advertisement is the whole answer (v2 asks
        // again with an `ls-refs` POST), one round trip; the credential is the same.
        let v0 = ["-c", "protocol.version=0", "ls-remote", "--", remote, "HEAD"];
        let out = self.run(&[proactive.as_slice(), &v0].concat(), None, &[]).await?;
        Ok(if out.ok { Ok(()) } else { Err(out.stderr) })
    }

    /// `-c http.proactiveAuth=basic` where git has it (2.46 and later): git sends the
    /// credential with its first request instead of waiting for a 401, one round trip
    /// less for each live check.
    async fn proactive_auth(&self) -> Vec<&'static str> {
        match self.version().await {
            Ok(v) if v >= (2, 46, 0) => vec!["-c", "http.proactiveAuth=basic"],
            _ => Vec::new(),
        }
    }

    /// The branch name a [`push_dry_run`](Self::push_dry_run) names (nothing is sent).
    pub const DRY_RUN_REF: &'static str = "refs/heads/git-reauth-dry-run-check";

    /// `git push --dry-run --porcelain REMOTE HEAD:<a new branch>`: git authenticates
    /// to the remote's receive-pack (as a push does) and sends nothing. `None` when
    /// HEAD has no commit to name; `Err(stderr)` (raw) when the push side refuses.
    pub async fn push_dry_run(&self, remote: &str) -> Result<Option<Result<(), String>>, GitError> {
        let head = self.run(&["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], None, &[]).await?;
        if !head.ok {
            return Ok(None);
        }
        let refspec = format!("HEAD:{}", Self::DRY_RUN_REF);
        let proactive = self.proactive_auth().await;
        let args =
            [proactive.as_slice(), &["push", "--dry-run", "--porcelain", "--no-verify", remote, &refspec]].concat();
        let out = self.run(&args, None, &[]).await?;
        Ok(Some(if out.ok { Ok(()) } else { Err(out.stderr) }))
    }
}

/// The longest line of git's output a message shows.
pub const LINE_MAX: usize = 1000;

/// The first non-empty line of git's stderr, for one-line errors: control characters
/// escaped, at most [`LINE_MAX`] characters.
pub fn first_line(s: &str) -> String {
    let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    text::printable(&text::clip(line, LINE_MAX))
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
#[allow(clippy::unwrap_used)]
mod request_oracle_tests;

#[cfg(test)]
mod tests {
    use super::*;

    use std::time::Duration;

    #[tokio::test]
    async fn a_git_that_hangs_is_stopped_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let git = run::fake_git(dir.path(), Duration::from_millis(300));
        let err = git.run(&["sleep 30"], Some(b"protocol=https\n"), &[]).await.unwrap_err();
        assert!(matches!(&err, GitError::Timeout { args, .. } if args == "sleep 30"), "{err:?}");
        // A quick run under the same timeout is unaffected.
        assert!(git.run(&["true"], None, &[]).await.unwrap().ok);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn every_run_is_told_never_to_prompt() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // A "git" that prints its arguments and what a prompt would come from.
        let script = dir.path().join("argv-git");
        let body = "#!/bin/sh\nprintf '%s|' \"$@\"\nprintf '%s %s %s' \"${GIT_ASKPASS-unset}\" \"${SSH_ASKPASS-unset}\" \"$SSH_ASKPASS_REQUIRE\"\n";
        std::fs::write(&script, body).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut env = Env::isolated(dir.path(), &[("GIT_ASKPASS".into(), "/usr/bin/ksshaskpass".into())]);
        env.git = script;
        let out = Git::new(env).run(&["credential", "fill"], None, &[]).await.unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        let args: Vec<&str> = NO_PROMPT.iter().flat_map(|c| ["-c", *c]).chain(["credential", "fill"]).collect();
        assert_eq!(shown, format!("{}|  never", args.join("|")));
    }

    #[tokio::test]
    async fn output_beyond_the_caps_is_dropped_and_said_so() {
        let dir = tempfile::tempdir().unwrap();
        let git = run::fake_git(dir.path(), Duration::from_secs(60));
        let flood = "head -c 3000000 /dev/zero | tr '\\0' x >&2; head -c 100000 /dev/zero | tr '\\0' y";
        let out = git.run_limited(&[flood], None, &[], Limits::CREDENTIAL).await.unwrap();
        assert!(out.ok);
        assert_eq!((out.stdout.len(), out.stdout_cut), (64 << 10, true));
        assert!(out.stderr.ends_with("x\n(output cut at 1 MB)"), "{}", &out.stderr[out.stderr.len() - 40..]);
        assert_eq!(out.stderr.len(), (1 << 20) + "\n(output cut at 1 MB)".len());
        let small = git.run(&["printf ok; printf err >&2"], None, &[]).await.unwrap();
        assert_eq!((small.stdout.as_slice(), small.stdout_cut, small.stderr.as_str()), (&b"ok"[..], false, "err"));
    }

    /// The pid a script wrote to `file`, once it is there.
    #[cfg(target_os = "linux")]
    async fn pid_in(file: &std::path::Path) -> String {
        let start = std::time::Instant::now();
        loop {
            if let Ok(pid) = std::fs::read_to_string(file)
                && pid.ends_with('\n')
            {
                return pid.trim().to_string();
            }
            assert!(start.elapsed() < Duration::from_secs(20), "the script never started");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// True once `pid` has exited (a zombie waiting for its parent counts as gone).
    #[cfg(target_os = "linux")]
    async fn gone(pid: &str) -> bool {
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            match std::fs::read_to_string(format!("/proc/{pid}/status")) {
                Err(_) => return true,
                Ok(s) if s.lines().any(|l| l.starts_with("State:") && l.contains('Z')) => return true,
                Ok(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
        false
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_timeout_and_a_dropped_run_end_the_whole_process_group() {
        let dir = tempfile::tempdir().unwrap();
        // A grandchild that keeps the pipes open, in the group git leads.
        let script = |file: &std::path::Path| format!("sleep 3600 & echo $! > {}; exec sleep 3600", file.display());
        let timed_out = dir.path().join("timed-out");
        let git = run::fake_git(dir.path(), Duration::from_millis(500));
        let err = git.run(&[&script(&timed_out)], None, &[]).await.unwrap_err();
        assert!(matches!(err, GitError::Timeout { .. }), "{err:?}");
        let pid = pid_in(&timed_out).await;
        assert!(gone(&pid).await, "the grandchild {pid} outlived the timeout");

        // A run that is dropped (doctor ended by Ctrl-C, a wizard task cancelled).
        let dropped = dir.path().join("dropped");
        let git = run::fake_git(dir.path(), Duration::from_secs(60));
        let args = [script(&dropped)];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut run = Box::pin(git.run(&args, None, &[]));
        tokio::select! {
            _ = &mut run => panic!("the script ended by itself"),
            pid = pid_in(&dropped) => {
                drop(run);
                assert!(gone(&pid).await, "the grandchild {pid} outlived the dropped run");
            }
        }
    }

    #[test]
    fn a_line_of_git_output_is_shown_escaped_and_bounded() {
        assert_eq!(first_line("\n  \nremote: \x1b[2Jhi\x07\nmore"), "remote: \\e[2Jhi\\x07");
        let long = first_line(&"x".repeat(1 << 20));
        assert!(long.len() < LINE_MAX + 40 && long.ends_with("… (cut at 1000 characters)"), "{}", long.len());
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
