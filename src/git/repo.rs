//! Repositories and remotes: git2 for discovery and the raw configured URLs, the git
//! binary for the effective URLs (after `insteadOf`), exactly as git push sees them.

use super::{Git, GitError};

pub use crate::model::repo::{RemoteInfo, RepoInfo};

/// Find the repository containing the Env's working directory.
pub fn discover(git: &Git) -> Option<RepoInfo> {
    let repo = git2::Repository::discover(&git.env.cwd).ok()?;
    let workdir = repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf();
    let config_file = repo.path().join("config");
    let remotes = repo
        .remotes()
        .map(|names| names.iter().flatten().flatten().map(|n| n.to_string()).collect())
        .unwrap_or_default();
    Some(RepoInfo { workdir, config_file, remotes })
}

/// Read one remote: raw values from the repository's config file, effective URLs from git.
///
/// Of several `url` (or `pushurl`) values the first is the one: git fetches from the
/// first url and `git remote get-url [--push]` shows the first of each (git pushes to
/// every one of them).
pub async fn remote_info(git: &Git, repo: &RepoInfo, name: &str) -> Result<RemoteInfo, GitError> {
    let first = |key: &str| {
        super::read_values(&repo.config_file, &format!("remote.{name}.{key}"))
            .map(|v| v.into_iter().next())
            .map_err(|e| GitError::Repo(e.to_string()))
    };
    let url = first("url")?;
    let pushurl = first("pushurl")?;
    let git = Git::new(git.env.with_cwd(&repo.workdir));
    let fetch_args = ["remote", "get-url", name];
    let push_args = ["remote", "get-url", "--push", name];
    let (fetch, push) = tokio::join!(git.run_ok(&fetch_args), git.run_ok(&push_args));
    Ok(RemoteInfo { name: name.into(), url, pushurl, effective_fetch: fetch?, effective_push: push? })
}
