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
    let removed = match cfg.remove_multivar(key, ".*") {
        Ok(()) => true,
        Err(e) if e.code() == git2::ErrorCode::NotFound => false,
        Err(e) => return Err(write_err(e)),
    };
    for v in values {
        cfg.set_multivar(key, NEVER, v).map_err(write_err)?;
    }
    if removed && values.is_empty() {
        drop(cfg);
        drop_empty_section(file, key)?;
    }
    Ok(())
}

/// git drops a section's header when its last variable is unset; libgit2 keeps it.
/// Do as git does, so that adding a key to a new section and removing it again leaves
/// the file byte-identical: remove the header of `key`'s section when only blank lines
/// follow it up to the next section (a comment keeps it).
fn drop_empty_section(file: &Path, key: &str) -> Result<(), ConfigFileError> {
    let write_err = |e: std::io::Error| ConfigFileError::Write { path: file.to_path_buf(), message: e.to_string() };
    let text = std::fs::read_to_string(file).map_err(write_err)?;
    let Some(kept) = without_empty_section(&text, key) else { return Ok(()) };
    // Atomically, under git's lock file, keeping the file's permissions.
    let lock = PathBuf::from(format!("{}.lock", file.display()));
    let mut out = match std::fs::OpenOptions::new().write(true).create_new(true).open(&lock) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ConfigFileError::Locked { path: file.to_path_buf() });
        }
        Err(e) => return Err(write_err(e)),
    };
    let written = std::io::Write::write_all(&mut out, kept.as_bytes())
        .and_then(|()| out.sync_all())
        .and_then(|()| std::fs::metadata(file))
        .and_then(|m| std::fs::set_permissions(&lock, m.permissions()))
        .and_then(|()| std::fs::rename(&lock, file));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&lock);
        return Err(write_err(e));
    }
    Ok(())
}

/// `text` without the header of `key`'s section if that section is empty (pure).
fn without_empty_section(text: &str, key: &str) -> Option<String> {
    let (section, _) = key.rsplit_once('.')?;
    let header = match section.split_once('.') {
        Some((name, sub)) => format!("[{name} \"{}\"]", sub.replace('\\', "\\\\").replace('"', "\\\"")),
        None => format!("[{section}]"),
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let at = lines.iter().position(|l| l.trim().eq_ignore_ascii_case(&header))?;
    let rest = &lines[at + 1..];
    let body = rest.iter().take_while(|l| !l.trim_start().starts_with('['));
    if !body.clone().all(|l| l.trim().is_empty()) {
        return None;
    }
    let mut kept = lines[..at].concat();
    kept.push_str(&rest.concat());
    Some(kept)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emptied_section_loses_its_header_as_with_git() {
        let key = "credential.http://127.0.0.1:43319.helper";
        let before = "[user]\n\tname = octo\n";
        let after = format!("{before}[credential \"http://127.0.0.1:43319\"]\n");
        assert_eq!(without_empty_section(&after, key).as_deref(), Some(before));
        // A following section stays, and so do blank lines.
        let text = "[credential \"x\"]\n\n[user]\n\tname = octo\n";
        assert_eq!(without_empty_section(text, "credential.x.helper").as_deref(), Some("\n[user]\n\tname = octo\n"));
        assert_eq!(without_empty_section("[core]\n", "core.editor").as_deref(), Some(""));
    }

    #[test]
    fn a_section_with_anything_left_keeps_its_header() {
        let key = "credential.x.helper";
        assert_eq!(without_empty_section("[credential \"x\"]\n\tusername = octo\n", key), None);
        assert_eq!(without_empty_section("[credential \"x\"]\n# mine\n", key), None);
        assert_eq!(without_empty_section("[credential \"y\"]\n", key), None);
        assert_eq!(without_empty_section("[user]\n", "nodot"), None);
    }

    #[test]
    fn adding_then_removing_a_key_leaves_the_file_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        let original = "[user]\n\tname = octo\n# a comment\n[credential]\n\thelper = store\n";
        std::fs::write(&file, original).unwrap();
        let key = "credential.https://github.com.helper";
        write_values(&file, key, &["".into(), "!git-reauth credential".into()]).unwrap();
        assert_eq!(read_values(&file, key).unwrap().len(), 2);
        write_values(&file, key, &[]).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
        assert!(!dir.path().join("config.lock").exists());
    }
}
