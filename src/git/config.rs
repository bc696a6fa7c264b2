//! Config files: read and write keys of one file with git2 (libgit2 locks the file
//! and writes it atomically), and read the effective config through git.

use std::path::{Path, PathBuf};

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

/// A regex that matches no value git2 could hold, used to append values.
const NEVER: &str = "^git-reauth-never-matches\\x01$";

/// Every value of `key` in `file` (empty when unset or the file is missing).
pub fn read_values(file: &Path, key: &str) -> Result<Vec<String>, ConfigFileError> {
    if !file.exists() {
        return Ok(Vec::new());
    }
    let read_err =
        |e: git2::Error| ConfigFileError::Read { path: file.to_path_buf(), message: e.message().to_string() };
    let cfg = git2::Config::open(file).map_err(read_err)?;
    let mut values = Vec::new();
    if let Ok(entries) = cfg.multivar(key, None) {
        let mut entries = entries;
        while let Some(entry) = entries.next() {
            let entry = entry.map_err(read_err)?;
            values.push(entry.value().unwrap_or("").to_string());
        }
    }
    Ok(values)
}

/// Replace every value of `key` in `file` by `values` (none: unset the key).
pub fn write_values(file: &Path, key: &str, values: &[String]) -> Result<(), ConfigFileError> {
    let lock = PathBuf::from(format!("{}.lock", file.display()));
    if lock.exists() {
        return Err(ConfigFileError::Locked { path: file.to_path_buf() });
    }
    let write_err = |e: git2::Error| {
        if e.code() == git2::ErrorCode::Locked {
            ConfigFileError::Locked { path: file.to_path_buf() }
        } else {
            ConfigFileError::Write { path: file.to_path_buf(), message: e.message().to_string() }
        }
    };
    let mut cfg = git2::Config::open(file).map_err(write_err)?;
    // One value for one value: replace it where it stands, so that a change and its
    // rollback leave the file byte-identical (remove + add would move it to the end).
    if let [value] = values
        && count_values(&cfg, key) == 1
    {
        return cfg.set_str(key, value).map_err(write_err);
    }
    match cfg.remove_multivar(key, ".*") {
        Ok(()) => {}
        Err(e) if e.code() == git2::ErrorCode::NotFound => {}
        Err(e) => return Err(write_err(e)),
    }
    for v in values {
        cfg.set_multivar(key, NEVER, v).map_err(write_err)?;
    }
    Ok(())
}

/// How many values `key` has in this file.
fn count_values(cfg: &git2::Config, key: &str) -> usize {
    let Ok(mut entries) = cfg.multivar(key, None) else { return 0 };
    let mut n = 0;
    while let Some(Ok(_)) = entries.next() {
        n += 1;
    }
    n
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
