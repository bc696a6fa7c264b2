//! The effective config as git sees it (rewrite rules, every scope with its origin),
//! the global config file's path, and why a config file could not be read or written
//! (the writer itself is `config_file.rs`).

use std::path::PathBuf;

use super::{Git, GitError};
use crate::model::helpers::{ConfigEntry, parse_config_z};
use crate::model::remote::InsteadOf;

/// Why a config file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    #[error(
        "{path} is locked by another git process ({path}.lock exists); wait for it to finish or remove the stale lock"
    )]
    Locked { path: PathBuf },
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
}

/// Config entries whose key matches `regex`, with scope and origin, as git sees them
/// (system, global, includes, local).
pub async fn entries(git: &Git, regex: &str) -> Result<Vec<ConfigEntry>, GitError> {
    let out = git.run(&["config", "-z", "--show-scope", "--show-origin", "--get-regexp", regex], None, &[]).await?;
    // rc 1: no such key, not an error.
    if !out.ok && out.code != Some(1) {
        return Err(GitError::Failed { args: "config --get-regexp".into(), stderr: super::first_line(&out.stderr) });
    }
    Ok(parse_config_z(&out.stdout))
}

/// A rewrite rule with the file it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsteadOfRule {
    pub rule: InsteadOf,
    pub entry: ConfigEntry,
}

/// Every `url.<base>.insteadOf` / `pushInsteadOf` rule.
pub async fn insteadof_rules(git: &Git) -> Result<Vec<InsteadOfRule>, GitError> {
    let entries = entries(git, r"^url\..*\.(push)?insteadof$").await?;
    Ok(entries
        .into_iter()
        .filter_map(|e| {
            let lower = e.key.to_ascii_lowercase();
            let (suffix, push_only) =
                if lower.ends_with(".pushinsteadof") { (".pushinsteadof", true) } else { (".insteadof", false) };
            let base = e.key.get("url.".len()..e.key.len() - suffix.len())?.to_string();
            Some(InsteadOfRule { rule: InsteadOf { base, prefix: e.value.clone(), push_only }, entry: e })
        })
        .collect())
}

/// The file `git config --global` writes: `$GIT_CONFIG_GLOBAL`, else `~/.gitconfig`,
/// else `$XDG_CONFIG_HOME/git/config` when only that exists.
pub fn global_config_file(env: &crate::env::Env) -> Option<PathBuf> {
    if let Some(f) = env.var("GIT_CONFIG_GLOBAL").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(f));
    }
    let home = env.var("HOME").or_else(|| env.var("USERPROFILE")).map(PathBuf::from)?;
    let dot = home.join(".gitconfig");
    let xdg = env.var("XDG_CONFIG_HOME").map(PathBuf::from).unwrap_or_else(|| home.join(".config")).join("git/config");
    Some(if !dot.exists() && xdg.exists() { xdg } else { dot })
}
