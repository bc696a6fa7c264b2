//! The world the program acts on: working directory, home, state directory and the
//! environment given to child processes. Built from the process for normal runs and
//! explicitly for the demo and tests, so nothing reaches the user's real setup by
//! accident.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub mod state;

/// Where we are and what child processes see.
#[derive(Clone, Debug)]
pub struct Env {
    /// Where to look for a repository.
    pub cwd: PathBuf,
    /// Where the undo journal lives (`$XDG_STATE_HOME/git-reauth` or the platform's
    /// equivalent); `None` without a home to put it in (never the working folder: a
    /// journal inside a repository would be committed with it).
    pub state_dir: Option<PathBuf>,
    /// Variables set on every child process.
    pub vars: Vec<(OsString, OsString)>,
    /// Start children from an empty environment (plus `PATH` and `vars`) instead of ours.
    pub clear: bool,
    /// The git program.
    pub git: PathBuf,
    /// How long one git run may take before it is killed (a credential helper waiting
    /// for input that never comes): `GIT_REAUTH_GIT_TIMEOUT_SECS`, else 20 s.
    pub git_timeout: std::time::Duration,
    /// This machine's name, for token descriptions ("git-reauth on NAME").
    pub machine: String,
    /// This program, for the credential helper it configures (`--store keyring`).
    pub program: Option<PathBuf>,
}

/// The default of [`Env::git_timeout`].
pub const GIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// `GIT_REAUTH_GIT_TIMEOUT_SECS` (whole seconds, at least 1), else [`GIT_TIMEOUT`].
fn git_timeout_from(lookup: impl Fn(&str) -> Option<OsString>) -> std::time::Duration {
    lookup("GIT_REAUTH_GIT_TIMEOUT_SECS")
        .and_then(|v| v.to_str().and_then(|v| v.trim().parse::<u64>().ok()))
        .filter(|s| *s > 0)
        .map_or(GIT_TIMEOUT, std::time::Duration::from_secs)
}

impl Env {
    /// The environment of this process.
    pub fn from_process() -> std::io::Result<Env> {
        let cwd = std::env::current_dir()?;
        let state_dir = state_dir_from(|k| std::env::var_os(k));
        let git_timeout = git_timeout_from(|k| std::env::var_os(k));
        Ok(Env {
            cwd,
            state_dir,
            vars: Vec::new(),
            clear: false,
            git: "git".into(),
            git_timeout,
            machine: machine_name(),
            program: std::env::current_exe().ok(),
        })
    }

    /// A sealed environment: children get only `PATH` and `vars` (HOME, XDG dirs,
    /// GIT_CONFIG_*…); the state dir is derived from those vars.
    pub fn isolated(cwd: &Path, vars: &[(String, String)]) -> Env {
        let lookup = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| OsString::from(v));
        let state_dir = state_dir_from(lookup);
        Env {
            cwd: cwd.to_path_buf(),
            state_dir,
            vars: vars.iter().map(|(k, v)| (k.into(), v.into())).collect(),
            clear: true,
            git: "git".into(),
            git_timeout: git_timeout_from(lookup),
            // The machine and the program are this process's, sealed or not.
            machine: machine_name(),
            program: std::env::current_exe().ok(),
        }
    }

    /// The same environment in another directory.
    pub fn with_cwd(&self, cwd: &Path) -> Env {
        Env { cwd: cwd.to_path_buf(), ..self.clone() }
    }

    /// A variable as children see it.
    pub fn var(&self, key: &str) -> Option<OsString> {
        if let Some((_, v)) = self.vars.iter().rev().find(|(k, _)| k == key) {
            return Some(v.clone());
        }
        if self.clear && key != "PATH" { None } else { std::env::var_os(key) }
    }

    /// Apply this environment to a child command: sealed or inherited, plus ours,
    /// and never anything that could make git prompt or show a GUI. `GIT_ASKPASS` is
    /// set to empty rather than removed: git takes an empty one over `core.askPass`
    /// and never runs it (the git edge also passes `-c core.askPass=`); `SSH_ASKPASS`
    /// likewise, and `SSH_ASKPASS_REQUIRE=never` (OpenSSH 8.4+) for ssh itself.
    pub fn apply(&self, cmd: &mut tokio::process::Command) {
        if self.clear {
            cmd.env_clear();
            if let Some(path) = std::env::var_os("PATH") {
                cmd.env("PATH", path);
            }
        }
        cmd.envs(self.vars.iter().map(|(k, v)| (k, v)));
        cmd.env("GIT_TERMINAL_PROMPT", "0")
            .env("GCM_INTERACTIVE", "never")
            .env("LC_ALL", "C")
            .env("LANGUAGE", "C")
            .env("GIT_ASKPASS", "")
            .env("SSH_ASKPASS", "")
            .env("SSH_ASKPASS_REQUIRE", "never")
            .env_remove("GIT_TRACE")
            .env_remove("GIT_TRACE_CURL")
            .env_remove("GIT_TRACE_PACKET")
            .current_dir(&self.cwd);
    }
}

/// The machine's name: `HOSTNAME`, else `/etc/hostname`, else `COMPUTERNAME` (Windows).
fn machine_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname").ok().map(|s| s.trim().to_string()).filter(|h| !h.is_empty())
        })
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "this computer".into())
}

/// This process's state directory (see [`Env::state_dir`]), `None` without a home.
pub fn process_state_dir() -> Option<PathBuf> {
    state_dir_from(|k| std::env::var_os(k))
}

/// `$XDG_STATE_HOME/git-reauth`, else the platform's per-user state directory.
fn state_dir_from(get: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if let Some(x) = get("XDG_STATE_HOME").filter(|v| Path::new(v).is_absolute()) {
        return Some(PathBuf::from(x).join("git-reauth"));
    }
    if cfg!(windows) {
        return get("LOCALAPPDATA").map(|d| PathBuf::from(d).join("git-reauth"));
    }
    let home = PathBuf::from(get("HOME")?);
    if cfg!(target_os = "macos") {
        Some(home.join("Library/Application Support/git-reauth"))
    } else {
        Some(home.join(".local/state/git-reauth"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolated_env_derives_state_dir_from_its_own_vars() {
        let vars = vec![("HOME".to_string(), "/tmp/h".to_string())];
        let env = Env::isolated(Path::new("/tmp/w"), &vars);
        if !cfg!(windows) && !cfg!(target_os = "macos") {
            assert_eq!(env.state_dir, Some(PathBuf::from("/tmp/h/.local/state/git-reauth")));
        }
        let vars = vec![("XDG_STATE_HOME".to_string(), "/tmp/s".to_string())];
        assert_eq!(Env::isolated(Path::new("/w"), &vars).state_dir, Some(PathBuf::from("/tmp/s/git-reauth")));
        // Sealed: the process's own HOME is invisible.
        assert_eq!(Env::isolated(Path::new("/w"), &vars).var("HOME"), None);
    }

    #[test]
    fn relative_xdg_state_home_is_ignored() {
        let vars = vec![("XDG_STATE_HOME".to_string(), "rel".to_string()), ("HOME".to_string(), "/h".to_string())];
        assert!(Env::isolated(Path::new("/w"), &vars).state_dir.is_some_and(|d| d.starts_with("/h")));
    }

    #[test]
    fn without_a_home_there_is_no_state_dir_and_never_one_in_the_working_folder() {
        let vars = vec![("XDG_STATE_HOME".to_string(), "relative".to_string())];
        assert_eq!(Env::isolated(Path::new("/w/repo"), &vars).state_dir, None);
        assert_eq!(Env::isolated(Path::new("/w/repo"), &[]).state_dir, None);
    }
}
