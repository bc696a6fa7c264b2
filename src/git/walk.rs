//! `doctor --all`'s I/O: find the repositories under some folders (the rules are
//! `model::scan`'s), and read each one's config in-process with libgit2 (no git
//! process per repository).
//!
//! The walk reads folders only (`read_dir`, whose entry types need no `stat`), never
//! follows a symlink to a folder (no loop can hold it), never enters a `.git` folder or
//! a bare repository, and enters a work tree only for what can be found below it (a
//! nested repository), within the depth limit. Sub-folders are read in parallel.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::env::Env;
use crate::model::helpers::ConfigEntry;
use crate::model::scan::{RepoKind, enters, gitdir_of_file, looks_bare, within};

/// A repository the walk found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The work tree, or a bare repository's folder.
    pub path: PathBuf,
    pub kind: RepoKind,
    /// Its git dir (a linked worktree's own, under the main one's `worktrees/`).
    pub git_dir: PathBuf,
    /// The git dir whose `config` holds the remotes (a linked worktree's main one).
    pub common_dir: PathBuf,
}

/// Every repository under `roots`, sorted by path. `on_found` is called once per find
/// (from any thread).
pub fn find(roots: &[PathBuf], max_depth: usize, on_found: &(dyn Fn() + Sync)) -> Vec<Found> {
    let out = Mutex::new(Vec::new());
    rayon::scope(|s| {
        for root in roots {
            let out = &out;
            s.spawn(move |s| visit(s, root.clone(), 0, max_depth, out, on_found));
        }
    });
    let mut found = out.into_inner().unwrap_or_else(|p| p.into_inner());
    found.sort_by(|a: &Found, b: &Found| a.path.cmp(&b.path));
    found.dedup_by(|a, b| a.path == b.path);
    found
}

fn visit<'s>(
    s: &rayon::Scope<'s>,
    dir: PathBuf,
    depth: usize,
    max_depth: usize,
    out: &'s Mutex<Vec<Found>>,
    on_found: &'s (dyn Fn() + Sync),
) {
    let Ok(read) = std::fs::read_dir(&dir) else { return };
    let mut subdirs: Vec<(PathBuf, String)> = Vec::new();
    let (mut dot_git, mut head, mut objects, mut refs) = (None, false, false, false);
    for entry in read.flatten() {
        let Ok(kind) = entry.file_type() else { continue };
        let name = entry.file_name();
        match name.to_str() {
            Some(".git") => dot_git = Some(kind.is_dir()),
            Some("HEAD") => head = kind.is_file(),
            Some("objects") => objects = kind.is_dir(),
            Some("refs") => refs = kind.is_dir(),
            _ => {}
        }
        // `is_dir` is false for a symlink: a link to a folder is never followed.
        if kind.is_dir() {
            subdirs.push((entry.path(), name.to_string_lossy().into_owned()));
        }
    }
    let push = |f: Found| {
        if let Ok(mut v) = out.lock() {
            v.push(f);
        }
        on_found();
    };
    match dot_git {
        Some(true) => {
            let git_dir = dir.join(".git");
            push(Found { path: dir.clone(), kind: RepoKind::WorkTree, common_dir: git_dir.clone(), git_dir });
        }
        Some(false) => {
            if let Some(f) = linked(&dir) {
                push(f);
            }
        }
        None if looks_bare(head, objects, refs) => {
            push(Found { path: dir.clone(), kind: RepoKind::Bare, git_dir: dir.clone(), common_dir: dir });
            return;
        }
        None => {}
    }
    if !within(depth + 1, max_depth) {
        return;
    }
    let parent = dir.file_name().and_then(OsStr::to_str).unwrap_or("").to_string();
    for (sub, name) in subdirs {
        if enters(&parent, &name) {
            s.spawn(move |s| visit(s, sub, depth + 1, max_depth, out, on_found));
        }
    }
}

/// A work tree whose `.git` is a file: a linked worktree (its git dir has a
/// `commondir`) or a git dir elsewhere (a submodule's).
fn linked(dir: &Path) -> Option<Found> {
    let text = std::fs::read_to_string(dir.join(".git")).ok()?;
    let git_dir = dir.join(gitdir_of_file(&text)?);
    match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(common) => {
            let common_dir = git_dir.join(common.trim_end_matches(['\n', '\r']));
            Some(Found { path: dir.to_path_buf(), kind: RepoKind::LinkedWorktree, git_dir, common_dir })
        }
        Err(_) => {
            Some(Found { path: dir.to_path_buf(), kind: RepoKind::WorkTree, common_dir: git_dir.clone(), git_dir })
        }
    }
}

/// The config every repository shares (system, XDG, global), read once, and whether
/// it has conditional includes (`includeIf`), which depend on the repository.
#[derive(Clone, Debug, Default)]
pub struct SharedConfig {
    /// System, then XDG and global entries, in git's order.
    pub entries: Vec<ConfigEntry>,
    /// An `includeIf` is among them.
    pub conditional: bool,
}

/// A config file, its libgit2 level and git's scope name.
type Level = (PathBuf, git2::ConfigLevel, &'static str);

/// The files git reads before a repository's own, as git finds them from the Env:
/// the system file (unless `GIT_CONFIG_NOSYSTEM`; `GIT_CONFIG_SYSTEM` names another),
/// then `GIT_CONFIG_GLOBAL`, or else `$XDG_CONFIG_HOME/git/config` and `~/.gitconfig`.
fn shared_files(env: &Env) -> Vec<Level> {
    let var = |k: &str| env.var(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let mut files = Vec::new();
    let no_system =
        env.var("GIT_CONFIG_NOSYSTEM").is_some_and(|v| crate::model::request::config_bool(&v.to_string_lossy()));
    if !no_system && let Some(sys) = var("GIT_CONFIG_SYSTEM").or_else(|| git2::Config::find_system().ok()) {
        files.push((sys, git2::ConfigLevel::System, "system"));
    }
    if let Some(global) = var("GIT_CONFIG_GLOBAL") {
        files.push((global, git2::ConfigLevel::Global, "global"));
    } else if let Some(home) = var("HOME") {
        let xdg = var("XDG_CONFIG_HOME").unwrap_or_else(|| home.join(".config")).join("git/config");
        files.push((xdg, git2::ConfigLevel::XDG, "global"));
        files.push((home.join(".gitconfig"), git2::ConfigLevel::Global, "global"));
    }
    files
}

/// Read the shared config once. Err: why git cannot read it (every repository is then
/// broken alike).
pub fn shared_config(env: &Env) -> Result<SharedConfig, String> {
    let files: Vec<Level> = shared_files(env).into_iter().filter(|(p, _, _)| p.is_file()).collect();
    let entries = read_levels(&files)?;
    let conditional = entries.iter().any(|e| e.key.to_ascii_lowercase().starts_with("includeif."));
    Ok(SharedConfig { entries, conditional })
}

/// One repository's own config entries (the common dir's `config`, and the worktree's
/// `config.worktree` when `extensions.worktreeConfig` is on), includes followed. With
/// `conditional` (the shared config has `includeIf`, or this one does), libgit2 reads
/// the repository's whole config, every level, so that `includeIf "gitdir:…"` is
/// decided for it: the result then stands alone (`true`).
pub fn repo_config(found: &Found, env: &Env, shared: &SharedConfig) -> Result<(Vec<ConfigEntry>, bool), String> {
    let mut files: Vec<Level> = vec![(found.common_dir.join("config"), git2::ConfigLevel::Local, "local")];
    let local = read_levels(&files)?;
    let lower = |e: &ConfigEntry| e.key.to_ascii_lowercase();
    if !shared.conditional && !local.iter().any(|e| lower(e).starts_with("includeif.")) {
        let wt_on = local.iter().any(|e| {
            lower(e) == "extensions.worktreeconfig" && (e.bare || crate::model::request::config_bool(&e.value))
        });
        let wt = found.git_dir.join("config.worktree");
        if wt_on && wt.is_file() {
            files = vec![(wt, git2::ConfigLevel::Worktree, "worktree")];
            let mut all = local;
            all.extend(read_levels(&files)?);
            return Ok((all, false));
        }
        return Ok((local, false));
    }
    let mut levels = shared_files(env);
    levels.push((found.common_dir.join("config"), git2::ConfigLevel::Local, "local"));
    let repo = git2::Repository::open_ext(
        &found.git_dir,
        git2::RepositoryOpenFlags::NO_SEARCH | git2::RepositoryOpenFlags::FROM_ENV,
        std::iter::empty::<&OsStr>(),
    )
    .map_err(|e| libgit2_message(&e))?;
    let config = repo.config().and_then(|mut c| c.snapshot()).map_err(|e| libgit2_message(&e))?;
    Ok((entries_of(&config, &levels)?, true))
}

fn libgit2_message(e: &git2::Error) -> String {
    crate::model::text::printable(e.message())
}

/// Read config files (lowest level first) into one libgit2 config and list it.
fn read_levels(files: &[Level]) -> Result<Vec<ConfigEntry>, String> {
    let mut config = git2::Config::new().map_err(|e| libgit2_message(&e))?;
    for (path, level, _) in files {
        if path.is_file() {
            config.add_file(path, *level, false).map_err(|e| libgit2_message(&e))?;
        }
    }
    entries_of(&config, files)
}

/// Every entry, lowest level first and in file order within a level, as git lists
/// them. The origin names the file for entries read from a level's own file; an
/// included file's entries say `include:` and the including level's file (libgit2
/// does not name the included file).
fn entries_of(config: &git2::Config, files: &[Level]) -> Result<Vec<ConfigEntry>, String> {
    let mut out = Vec::new();
    let mut iter = config.entries(None).map_err(|e| libgit2_message(&e))?;
    while let Some(entry) = iter.next() {
        let entry = entry.map_err(|e| libgit2_message(&e))?;
        let level = entry.level();
        let (path, scope) = files
            .iter()
            .find(|(_, l, _)| *l == level)
            .map(|(p, _, s)| (p.display().to_string(), *s))
            .unwrap_or_else(|| (String::new(), scope_of(level)));
        let origin = if entry.include_depth() == 0 { format!("file:{path}") } else { format!("include:{path}") };
        out.push(ConfigEntry {
            scope: scope.into(),
            origin,
            key: String::from_utf8_lossy(entry.name_bytes()).into_owned(),
            value: if entry.has_value() {
                String::from_utf8_lossy(entry.value_bytes()).into_owned()
            } else {
                String::new()
            },
            bare: !entry.has_value(),
        });
    }
    Ok(out)
}

fn scope_of(level: git2::ConfigLevel) -> &'static str {
    match level {
        git2::ConfigLevel::ProgramData | git2::ConfigLevel::System => "system",
        git2::ConfigLevel::XDG | git2::ConfigLevel::Global => "global",
        git2::ConfigLevel::Local => "local",
        git2::ConfigLevel::Worktree => "worktree",
        git2::ConfigLevel::App => "command",
        git2::ConfigLevel::Highest => "command",
    }
}

#[cfg(test)]
#[path = "walk_tests.rs"]
mod tests;
