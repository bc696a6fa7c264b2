//! Repositories and remotes: git2 for discovery and the raw configured URLs, the git
//! binary for the effective URLs (after `insteadOf`), exactly as git push sees them,
//! and for where each URL value is set (`--show-origin`).

use std::path::{Path, PathBuf};

use super::{Git, GitError};

pub use crate::model::repo::{RemoteInfo, RepoInfo, ValueOrigin};

/// Find the repository containing the Env's working directory, as git finds it:
/// `GIT_DIR` (and `GIT_WORK_TREE`) when set, else the search upwards. Its config file
/// is the common git dir's (a linked worktree's own git dir holds only
/// `config.worktree`), the submodule's `.git/modules/NAME/config` for a submodule.
pub fn discover(git: &Git) -> Option<RepoInfo> {
    let cwd = &git.env.cwd;
    let git_dir = git.env.var("GIT_DIR").filter(|d| !d.is_empty()).map(|d| cwd.join(d));
    let repo = match &git_dir {
        Some(dir) => git2::Repository::open(dir).ok()?,
        None => git2::Repository::discover(cwd).ok()?,
    };
    let work_tree = git.env.var("GIT_WORK_TREE").filter(|d| !d.is_empty()).map(|d| cwd.join(d));
    let workdir = match (work_tree, repo.workdir(), &git_dir) {
        (Some(w), _, _) => w,
        (None, Some(w), _) => w.to_path_buf(),
        // GIT_DIR alone: git takes the folder it runs in as the top of the work tree.
        (None, None, Some(_)) if !repo.is_bare() => cwd.clone(),
        (None, None, _) => repo.path().to_path_buf(),
    };
    let config_file = repo.commondir().join("config");
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
    let (url_from, pushurl_from) = remote_origins(git, repo, name).await?;
    // As git reads them (includes and `config.worktree` too), not only the one file.
    let url = url_from.first().map(|o| o.value.clone());
    let pushurl = pushurl_from.first().map(|o| o.value.clone());
    // Where the user runs git (a relative GIT_DIR is taken from there).
    let fetch_args = ["remote", "get-url", name];
    let push_args = ["remote", "get-url", "--push", name];
    let (fetch, push) = tokio::join!(git.run_ok(&fetch_args), git.run_ok(&push_args));
    Ok(RemoteInfo {
        name: name.into(),
        url,
        pushurl,
        effective_fetch: fetch?,
        effective_push: push?,
        url_from,
        pushurl_from,
    })
}

/// Every value of `remote.NAME.url` and `remote.NAME.pushurl` with where git reads it,
/// asked where the user runs git (with their `GIT_DIR`, includes, `includeIf`).
pub async fn remote_origins(
    git: &Git,
    repo: &RepoInfo,
    name: &str,
) -> Result<(Vec<ValueOrigin>, Vec<ValueOrigin>), GitError> {
    let url = format!("remote.{name}.url");
    let pushurl = format!("remote.{name}.pushurl");
    // git names a file relative to the folder it reads the repository from: the one it
    // runs in with GIT_DIR, else the top of the work tree (it moves there).
    let base = if git.env.var("GIT_DIR").is_some_and(|d| !d.is_empty()) { &git.env.cwd } else { &repo.workdir };
    let (u, p) = tokio::join!(origins(git, base, &url), origins(git, base, &pushurl));
    Ok((u?, p?))
}

/// `git config -z --show-scope --show-origin --get-all KEY`: records of
/// `scope NUL origin NUL value NUL`, relative file names taken from `base`.
async fn origins(git: &Git, base: &Path, key: &str) -> Result<Vec<ValueOrigin>, GitError> {
    let out = git.run(&["config", "-z", "--show-scope", "--show-origin", "--get-all", key], None, &[]).await?;
    // rc 1: the key is not set.
    if !out.ok && out.code != Some(1) {
        return Err(GitError::Failed {
            args: format!("config --get-all {key}"),
            stderr: super::first_line(&out.stderr),
        });
    }
    Ok(parse_origins(&out.stdout, base))
}

fn parse_origins(out: &[u8], top: &Path) -> Vec<ValueOrigin> {
    let text = String::from_utf8_lossy(out);
    let fields: Vec<&str> = text.split('\0').collect();
    fields
        .chunks_exact(3)
        .map(|r| ValueOrigin {
            scope: r[0].to_string(),
            file: r[1].strip_prefix("file:").map(|f| top.join(f)).map(|f| normal(&f)),
            origin: r[1].to_string(),
            value: r[2].to_string(),
        })
        .collect()
}

/// `a/.git/../../inc` as `inc` beside `a`: git's relative names go through `..`, and a
/// path compared or shown should not (symlinks are not resolved: git does not either).
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_files_beside_the_work_tree_or_named_as_git_names_them() {
        let out = b"local\0file:.git/../../inc\0git@h:o/r.git\0command\0command line:\0x\0local\0file:/abs/config\0y\0";
        let got = parse_origins(out, Path::new("/w/repo"));
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].file.as_deref(), Some(Path::new("/w/inc")));
        assert_eq!(got[0].value, "git@h:o/r.git");
        assert_eq!(
            (got[1].file.as_deref(), got[1].scope.as_str(), got[1].origin.as_str()),
            (None, "command", "command line:")
        );
        assert_eq!(got[2].file.as_deref(), Some(Path::new("/abs/config")));
        assert!(parse_origins(b"", Path::new("/")).is_empty());
    }
}
