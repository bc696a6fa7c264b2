//! Look at the local setup (git, repository, remote, rewrite rules) without changing
//! anything or touching the network.

use crate::engine::Deps;
use crate::git::SshLookup;
use crate::git::{self, GitError, InsteadOfRule, MIN_GIT};
use crate::model::remote::{self, Classified, Transport};
pub use crate::model::repo::{RemoteView, RepoInfo};
use crate::model::ssh::SshAlias;

/// Why there is no usable remote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemoteProblem {
    NoRemotes,
    Missing(String),
    NotGitHub { remote: String, url: String },
}

/// What `observe` found.
#[derive(Debug)]
pub struct Observation {
    pub git_version: Result<(u32, u32, u32), ObserveGitError>,
    pub repo: Option<RepoInfo>,
    pub remote: Option<Result<RemoteView, RemoteProblem>>,
    pub insteadof: Vec<InsteadOfRule>,
}

/// git itself is unusable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObserveGitError {
    Missing,
    TooOld(String),
    Broken(String),
}

impl Observation {
    /// The usable remote, if any.
    pub fn remote_view(&self) -> Option<&RemoteView> {
        self.remote.as_ref().and_then(|r| r.as_ref().ok())
    }
}

/// Which remote to use: the one asked for, else `origin`, else the only one.
pub fn pick_remote(repo: &RepoInfo, wanted: Option<&str>) -> Result<String, RemoteProblem> {
    if let Some(w) = wanted {
        return if repo.remotes.iter().any(|r| r == w) {
            Ok(w.to_string())
        } else {
            Err(RemoteProblem::Missing(w.into()))
        };
    }
    if repo.remotes.iter().any(|r| r == "origin") {
        return Ok("origin".into());
    }
    match repo.remotes.as_slice() {
        [] => Err(RemoteProblem::NoRemotes),
        [only] => Ok(only.clone()),
        _ => Err(RemoteProblem::Missing("origin".into())),
    }
}

/// Look at git, the repository and the chosen remote.
pub async fn observe(deps: &Deps, wanted_remote: Option<&str>) -> Observation {
    let git_version = match deps.git.version().await {
        Ok(v) if v < MIN_GIT => Err(ObserveGitError::TooOld(format!("{}.{}.{}", v.0, v.1, v.2))),
        Ok(v) => Ok(v),
        Err(GitError::Missing) => Err(ObserveGitError::Missing),
        Err(e) => Err(ObserveGitError::Broken(e.to_string())),
    };
    if git_version.is_err() {
        return Observation { git_version, repo: None, remote: None, insteadof: Vec::new() };
    }
    let repo = git::discover(&deps.git);
    let insteadof = git::insteadof_rules(&deps.git).await.unwrap_or_default();
    let remote = match &repo {
        None => None,
        Some(repo) => Some(match pick_remote(repo, wanted_remote) {
            Err(p) => Err(p),
            Ok(name) => view(deps, repo, &name).await,
        }),
    };
    Observation { git_version, repo, remote, insteadof }
}

async fn view(deps: &Deps, repo: &RepoInfo, name: &str) -> Result<RemoteView, RemoteProblem> {
    let info = git::remote_info(&deps.git, repo, name).await.map_err(|_| RemoteProblem::Missing(name.into()))?;
    let written = info.url.clone().unwrap_or_else(|| info.effective_fetch.clone());
    // The URL as written decides the repository; if it is a shorthand that only an
    // insteadOf rule expands, the effective URL does.
    let classified = match remote::classify(&written, &deps.host) {
        c @ Classified::GitHub { .. } => c,
        _ => remote::classify(&info.effective_fetch, &deps.host),
    };
    let (classified, alias) = through_alias(deps, classified, [&written, &info.effective_fetch]).await;
    RemoteView::placed(info, classified, alias, &deps.host)
        .map_err(|_| RemoteProblem::NotGitHub { remote: name.into(), url: remote::redact(&written) })
}

/// A remote that is not on the host but reached over SSH may name an SSH alias
/// (`git@github-work:o/r` with `Host github-work` / `HostName github.com`): ask ssh
/// (`ssh -G`) where the alias connects, and classify the URL again with that host. The
/// URL as written first, then the one an insteadOf rule makes of it. Without ssh, or
/// when ssh names another host, the literal host stands.
async fn through_alias(deps: &Deps, classified: Classified, urls: [&str; 2]) -> (Classified, Option<SshAlias>) {
    if matches!(classified, Classified::GitHub { .. }) {
        return (classified, None);
    }
    for (i, url) in urls.into_iter().enumerate() {
        if i > 0 && url == urls[0] {
            continue;
        }
        if let Some(found) = alias_of(deps, url).await {
            return found;
        }
    }
    (classified, None)
}

/// One URL through its SSH alias, when it has one for the host.
async fn alias_of(deps: &Deps, url: &str) -> Option<(Classified, Option<SshAlias>)> {
    let parsed = remote::parse(url).ok()?;
    let name = parsed.host.as_deref().filter(|_| parsed.transport == Transport::Ssh)?;
    let target = match deps.git.ssh_resolve(name).await {
        SshLookup::Resolved(t) if t.is_host(&deps.host) => t,
        other => {
            tracing::debug!(host = name, answer = ?other, "not an SSH alias for the host");
            return None;
        }
    };
    match remote::classify(&crate::model::ssh::through(&parsed, &target), &deps.host) {
        c @ Classified::GitHub { .. } => Some((c, Some(target.alias(name)))),
        _ => None,
    }
}
