//! The engine: observe → diagnose → plan → apply → verify. Each command is
//! `(opts, &Deps) -> report`; nothing here prints, and every failure is an [`Error`]
//! in domain terms (the faces choose the words).

pub mod advice;
pub mod apply;
pub mod detect;
pub mod doctor;
pub mod error;
pub mod identity;
pub mod journal;
pub mod observe;
pub mod scan;
pub mod setup;
pub mod status;
pub mod undo;

pub use error::Error;

use crate::env::Env;
use crate::git::{Git, GitCredential};
use crate::github::GitHub;
use crate::model::host::HostUrl;

/// What the engine needs from the outside world. The faces build it and hand it to
/// the engine's entry points; they never reach the edges through it.
#[derive(Clone, Debug)]
pub struct Deps {
    env: Env,
    host: HostUrl,
    git: Git,
    github: GitHub,
    /// May the OS keyring be used? The demo says no: it never touches the user's keyring.
    keyring: bool,
}

impl Deps {
    /// Wire the real edges (inside a tokio runtime).
    pub fn new(env: Env, host: HostUrl) -> anyhow::Result<Deps> {
        let github = GitHub::new(&host)?;
        Ok(Deps { git: Git::new(env.clone()), env, host, github, keyring: true })
    }

    /// The same world, working in `cwd` (each repository of `setup --all`).
    pub fn at(&self, cwd: &std::path::Path) -> Deps {
        let env = self.env.with_cwd(cwd);
        Deps { git: Git::new(env.clone()), env, ..self.clone() }
    }

    /// The same, with the OS keyring off limits (the demo).
    pub fn without_keyring(self) -> Deps {
        Deps { keyring: false, ..self }
    }

    /// The GitHub host everything is about.
    pub fn host(&self) -> &HostUrl {
        &self.host
    }

    /// The world the engine acts on (working folder, state folder, machine name).
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// May the OS keyring be offered?
    pub fn keyring_allowed(&self) -> bool {
        self.keyring
    }

    /// Probe the OS keyring, unless it is off limits. `write`: store, read back and
    /// delete a throwaway entry (proves it is unlocked; may make the keyring ask for its
    /// password); otherwise a look-up of an entry that does not exist and whether the
    /// keyring is locked (never prompts).
    async fn probe_keyring(&self, write: bool) -> Result<(), crate::store::KeyringUnavailable> {
        if !self.keyring {
            return Err(crate::store::KeyringUnavailable::new(
                crate::store::Reason::Other,
                "the demo never uses your OS keyring",
            ));
        }
        if write {
            return crate::store::probe_async().await;
        }
        crate::store::blocking(|| crate::store::KeyringStore::new().check()).await
    }

    /// Credential operations for the host (`git credential …`).
    /// The host's request (no path, no user name).
    fn credential(&self) -> GitCredential {
        GitCredential::new(self.git.clone(), self.host.scheme(), self.host.host(), self.host.port())
    }

    /// Exactly the request a plan recorded (protocol, host, path; the user name is
    /// given per operation).
    fn credential_at(&self, protocol: &str, host: &str, path: Option<&str>) -> GitCredential {
        GitCredential {
            git: self.git.clone(),
            protocol: protocol.into(),
            host: host.into(),
            path: path.map(str::to_owned),
            username: None,
        }
    }

    /// The request git makes for this request, as a [`GitCredential`].
    fn credential_for(&self, request: &crate::model::request::Request) -> GitCredential {
        GitCredential::for_request(self.git.clone(), request)
    }
}

/// Visit a page on the host as a browser would (the demo's SSO authorization link,
/// where no browser opens): only pages under the host's web address.
pub async fn visit(deps: &Deps, url: &str) -> Result<(), Error> {
    Ok(deps.github.visit(url).await?)
}

/// `git push` in the working folder (the demo's proof at Done): did it work, and what
/// git printed (its control characters escaped: the wizard puts it on the screen).
pub async fn push(deps: &Deps) -> (bool, String) {
    match deps.git.run(&["push"], None, &[]).await {
        Ok(out) => (out.ok, push_output(&out.stdout, &out.stderr)),
        Err(e) => (false, e.to_string()),
    }
}

fn push_output(stdout: &[u8], stderr: &str) -> String {
    crate::model::text::printable_lines(&format!("{}{stderr}", String::from_utf8_lossy(stdout)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn push_output_keeps_its_lines_and_loses_its_escapes() {
        let shown = super::push_output(b"", "To http://h/o/r.git\n\x1b]0;pwned\x07   abc..def  main -> main\n");
        assert_eq!(shown, "To http://h/o/r.git\n\\e]0;pwned\\x07   abc..def  main -> main\n");
    }
}
