//! A repository and its remote, as git reads them and as the faces show them: where
//! the repository is, what the remote says, and what that means for the host.

use std::path::PathBuf;

use crate::model::remote::{RepoRef, Transport};
use crate::model::ssh::SshAlias;

/// A discovered repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoInfo {
    /// The working tree (or the git dir for a bare repository).
    pub workdir: PathBuf,
    /// `.git/config`: where remote URLs live.
    pub config_file: PathBuf,
    /// All remote names.
    pub remotes: Vec<String>,
}

/// A remote as configured and as git uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteInfo {
    pub name: String,
    /// `remote.<name>.url` as written in the config.
    pub url: Option<String>,
    /// `remote.<name>.pushurl` as written, if any.
    pub pushurl: Option<String>,
    /// The fetch URL after `insteadOf` (`git remote get-url`).
    pub effective_fetch: String,
    /// The push URL after `pushInsteadOf`/`insteadOf` (`git remote get-url --push`).
    pub effective_push: String,
}

/// The remote we work on, classified against the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteView {
    pub info: RemoteInfo,
    /// The repository on the host.
    pub repo: RepoRef,
    /// How the configured URL reaches the server.
    pub transport: Transport,
    /// How git really pushes (after insteadOf).
    pub push_transport: Transport,
    /// How git really fetches (after insteadOf).
    pub fetch_transport: Transport,
    /// The configured URL carries a password or token.
    pub embeds_secret: bool,
    /// The remote's host is an SSH alias for the host (`git@github-work:o/r`), as
    /// `ssh -G` resolved it. The hook for binding the repository to the alias's account
    /// (which key, which user) when the remote is switched to HTTPS.
    pub alias: Option<SshAlias>,
}

impl RemoteView {
    /// True when fetches or pushes go over SSH (configured or forced by insteadOf).
    pub fn uses_ssh(&self) -> bool {
        self.push_transport == Transport::Ssh || self.fetch_transport == Transport::Ssh
    }

    /// True when the URL as written is HTTPS but a rewrite rule makes git use SSH.
    pub fn forced_to_ssh(&self) -> bool {
        matches!(self.transport, Transport::Https | Transport::Http) && self.uses_ssh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(transport: Transport, fetch: Transport, push: Transport) -> RemoteView {
        RemoteView {
            info: RemoteInfo {
                name: "origin".into(),
                url: Some("https://github.com/o/r.git".into()),
                pushurl: None,
                effective_fetch: String::new(),
                effective_push: String::new(),
            },
            repo: RepoRef { owner: "o".into(), name: "r".into() },
            transport,
            push_transport: push,
            fetch_transport: fetch,
            embeds_secret: false,
            alias: None,
        }
    }

    #[test]
    fn ssh_on_either_side_counts_and_a_rewrite_forces_it() {
        use Transport::{Https, Ssh};
        assert!(!view(Https, Https, Https).uses_ssh());
        assert!(view(Https, Https, Ssh).uses_ssh(), "pushes over SSH");
        assert!(view(Https, Ssh, Https).uses_ssh(), "fetches over SSH");
        assert!(view(Https, Ssh, Ssh).forced_to_ssh(), "written HTTPS, used SSH: a rewrite rule");
        assert!(!view(Ssh, Ssh, Ssh).forced_to_ssh(), "written SSH is not forced");
    }
}
