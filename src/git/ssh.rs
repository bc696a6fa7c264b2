//! OpenSSH's own answer for a remote's host: `ssh -G ALIAS` (the configuration ssh would
//! use, after its `Host` and `Match` blocks), run on the same leash as git.
//!
//! Which `~/.ssh/config`: ssh finds it from the password database (`getpwuid`), never
//! from `$HOME`. When the Env's HOME is the user's own home (a normal run) ssh is run as
//! git would run it, no `-F`: the user's and the system's files, exactly. When it is
//! another folder (the tests' fake HOME, the demo, `sudo -E`), the files git's ssh would
//! read are not the ones this Env describes, so ssh gets `-F $HOME/.ssh/config` (or
//! `-F /dev/null` when that file is missing): the Env's own file only; the system file
//! (`/etc/ssh/ssh_config`) is then not read (`-F` drops it).

use std::path::{Path, PathBuf};

use super::{Git, GitError, Limits};
use crate::model::ssh::{SshTarget, is_alias_name, parse_ssh_g};
use crate::model::text;

/// What `ssh -G` said about a host name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SshLookup {
    /// ssh's configuration for it.
    Resolved(SshTarget),
    /// No `ssh` on PATH: the literal host is all there is.
    NoSsh,
    /// ssh ran and failed, or the name cannot be given to ssh; why, printable.
    Failed(String),
}

/// `ssh -G` prints some 60 lines; a config with many identities a few more.
const SSH_G_LIMITS: Limits = Limits { stdout: 64 << 10, stderr: 16 << 10 };

impl Git {
    /// Ask OpenSSH where `ssh ALIAS` connects (see the module's note on which config).
    pub async fn ssh_resolve(&self, alias: &str) -> SshLookup {
        if !is_alias_name(alias) {
            return SshLookup::Failed(format!(
                "`{}` is not a host name ssh can be asked about",
                text::printable(alias)
            ));
        }
        let config = ssh_config_arg(self.env.var("HOME").map(PathBuf::from).as_deref(), own_home().as_deref());
        let config = config.map(|p| p.to_string_lossy().into_owned());
        let mut args: Vec<&str> = Vec::new();
        if let Some(c) = &config {
            args.extend(["-F", c.as_str()]);
        }
        args.extend(["-G", "--", alias]);
        match self.run_program(Path::new("ssh"), &args, SSH_G_LIMITS).await {
            Err(GitError::Missing) => SshLookup::NoSsh,
            Err(e) => SshLookup::Failed(e.to_string()),
            Ok(out) if !out.ok => SshLookup::Failed(super::first_line(&out.stderr)),
            Ok(out) => match parse_ssh_g(&String::from_utf8_lossy(&out.stdout)) {
                Some(t) => SshLookup::Resolved(t),
                None => SshLookup::Failed("ssh -G printed no hostname".into()),
            },
        }
    }
}

/// The `-F` file for ssh, if one is needed: `None` when the Env's HOME is the user's own
/// home (or unknown), else `HOME/.ssh/config`, or `/dev/null` when there is none.
fn ssh_config_arg(env_home: Option<&Path>, own_home: Option<&Path>) -> Option<PathBuf> {
    let home = env_home?;
    if own_home.is_some_and(|own| same_dir(own, home)) {
        return None;
    }
    let file = home.join(".ssh").join("config");
    Some(if file.is_file() { file } else { PathBuf::from(if cfg!(windows) { "NUL" } else { "/dev/null" }) })
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// The home folder of this process's user in the password database: where ssh looks.
#[cfg(unix)]
fn own_home() -> Option<PathBuf> {
    use std::ffi::CStr;
    use std::os::unix::ffi::OsStrExt;
    let mut buf = vec![0 as libc::c_char; 16 << 10];
    // SAFETY: all-zero is a valid `passwd` (null pointers, zero ids); getpwuid_r only
    // writes into it and into `buf`, whose length it is told.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: as above; `found` is set to `&mut pwd` or null.
    let rc = unsafe { libc::getpwuid_r(libc::getuid(), &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() || pwd.pw_dir.is_null() {
        return None;
    }
    // SAFETY: getpwuid_r succeeded: pw_dir points to a NUL-terminated string in `buf`.
    let dir = unsafe { CStr::from_ptr(pwd.pw_dir) };
    Some(PathBuf::from(std::ffi::OsStr::from_bytes(dir.to_bytes())))
}

#[cfg(not(unix))]
fn own_home() -> Option<PathBuf> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;

    fn git_with_home(home: &Path) -> Git {
        Git::new(Env::isolated(home, &[("HOME".into(), home.display().to_string())]))
    }

    #[test]
    fn the_config_file_is_the_envs_own() {
        let dir = tempfile::tempdir().unwrap();
        let (home, own) = (dir.path().join("fake"), dir.path().join("own"));
        std::fs::create_dir_all(home.join(".ssh")).unwrap();
        std::fs::create_dir_all(&own).unwrap();
        assert_eq!(ssh_config_arg(None, Some(&own)), None, "no HOME: ssh decides");
        assert_eq!(ssh_config_arg(Some(&own), Some(&own)), None, "the user's own home: as git's ssh");
        assert_eq!(ssh_config_arg(Some(&home), Some(&own)), Some(PathBuf::from("/dev/null")), "no config there");
        std::fs::write(home.join(".ssh/config"), "").unwrap();
        assert_eq!(ssh_config_arg(Some(&home), Some(&own)), Some(home.join(".ssh/config")));
        #[cfg(unix)]
        assert!(own_home().is_some_and(|h| h.is_absolute()));
    }

    #[tokio::test]
    async fn a_fake_homes_alias_is_resolved_by_ssh() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".ssh")).unwrap();
        std::fs::write(
            dir.path().join(".ssh/config"),
            "Host github-work\n  HostName github.com\n  IdentityFile ~/.ssh/id_work\n",
        )
        .unwrap();
        let git = git_with_home(dir.path());
        match git.ssh_resolve("github-work").await {
            SshLookup::Resolved(t) => {
                assert_eq!(t.hostname, "github.com");
                assert_eq!(t.identity_files, ["~/.ssh/id_work"]);
            }
            SshLookup::NoSsh => eprintln!("no ssh on PATH: skipped"),
            other => panic!("{other:?}"),
        }
        // Another name is not the alias: ssh answers with the name itself.
        if let SshLookup::Resolved(t) = git.ssh_resolve("gitlab-work").await {
            assert_eq!(t.hostname, "gitlab-work");
        }
    }

    #[tokio::test]
    async fn an_option_is_never_handed_to_ssh() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let evil = format!("-oProxyCommand=touch {}", marker.display());
        let got = git_with_home(dir.path()).ssh_resolve(&evil).await;
        assert!(matches!(got, SshLookup::Failed(_)), "{got:?}");
        assert!(!marker.exists());
    }

    #[tokio::test]
    async fn without_ssh_it_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let got =
            git_with_home(dir.path()).run_program(Path::new("no-such-ssh-here"), &["-G", "x"], SSH_G_LIMITS).await;
        assert!(matches!(got, Err(GitError::Missing)), "{got:?}");
    }
}
