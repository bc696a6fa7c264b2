//! The engine: observe → diagnose → plan → apply → verify. Each command is
//! `(opts, &Deps) -> report`; nothing here prints.

pub mod apply;
pub mod doctor;
pub mod journal;
pub mod observe;
pub mod setup;
pub mod status;
pub mod undo;

use crate::env::Env;
use crate::git::{Git, GitCredential};
use crate::github::GitHub;
use crate::model::host::HostUrl;

/// What the engine needs from the outside world.
#[derive(Clone, Debug)]
pub struct Deps {
    pub env: Env,
    pub host: HostUrl,
    pub git: Git,
    pub github: GitHub,
    /// May the OS keyring be used? The demo says no: it never touches the user's keyring.
    pub keyring: bool,
}

impl Deps {
    /// Wire the real edges (inside a tokio runtime).
    pub fn new(env: Env, host: HostUrl) -> anyhow::Result<Deps> {
        let github = GitHub::new(&host)?;
        Ok(Deps { git: Git::new(env.clone()), env, host, github, keyring: true })
    }

    /// The same, with the OS keyring off limits (the demo).
    pub fn without_keyring(self) -> Deps {
        Deps { keyring: false, ..self }
    }

    /// Probe the OS keyring, unless it is off limits. `write`: store, read back and
    /// delete a throwaway entry (proves it is unlocked; may make the keyring ask for its
    /// password); otherwise a look-up of an entry that does not exist and whether the
    /// keyring is locked (never prompts).
    pub async fn probe_keyring(&self, write: bool) -> Result<(), crate::store::KeyringUnavailable> {
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
    pub fn credential(&self) -> GitCredential {
        GitCredential::new(self.git.clone(), self.host.scheme(), self.host.host(), self.host.port())
    }
}
