//! Issue 13, item 3: every repository layout git accepts. `setup --switch-remote` run
//! where the user runs git changes the URL in the file git reads it from (git itself
//! says which: `--show-origin`), a real `git push` then works, and `undo` leaves every
//! config file byte for byte as it was. A URL set where git-reauth must not write is
//! refused before anything changes, naming where it is set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::*;

/// git with the world's environment in `dir`, `env` added; must succeed.
fn git_in(w: &World, dir: &Path, env: &[(&str, &str)], args: &[&str]) -> String {
    let out = w.ws.git(args).current_dir(dir).envs(env.iter().copied()).output().unwrap();
    assert!(out.status.success(), "git {args:?} in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The files' bytes (a missing one as missing).
fn bytes(files: &[PathBuf]) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    files.iter().map(|f| (f.clone(), std::fs::read(f).ok())).collect()
}

/// Where git reads `remote.origin.url` in `dir`.
fn origin_of_url(w: &World, dir: &Path, env: &[(&str, &str)]) -> String {
    git_in(w, dir, env, &["config", "--show-origin", "--get-all", "remote.origin.url"])
}

/// setup in `dir` (with `env`), a push from there, undo from there; `files` are byte
/// for byte as before, and the URL is back where it was.
fn fix_push_undo(w: &World, dir: &Path, env: &[(&str, &str)], files: &[PathBuf], changed: &Path) {
    let before = bytes(files);
    let url_before = git_in(w, dir, env, &["remote", "get-url", "--push", "origin"]);
    assert!(url_before.starts_with("git@"), "{url_before}");
    let token = w.good_token();
    let a = w
        .cmd_in(dir, &["setup", "--token-stdin", "--switch-remote", "--yes"])
        .envs(env.iter().copied())
        .write_stdin(format!("{token}\n"))
        .assert()
        .success();
    assert!(stdout(&a).contains("Done."), "{}", stdout(&a));
    // The plan says which file a URL from another file than a `config` is changed in.
    let name = changed.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if name != "config" {
        assert!(stdout(&a).contains(" (in ") && stdout(&a).contains(name), "{}", stdout(&a));
    }
    let https = format!("{}/{}/{REPO}.git", w.sandbox.host_url(), w.owner);
    assert_eq!(git_in(w, dir, env, &["remote", "get-url", "--push", "origin"]), https);
    let after = bytes(files);
    for f in files {
        assert_eq!(after[f] != before[f], f == changed, "{} changed: {}", f.display(), f == changed);
    }
    let local = git_in(w, dir, env, &["rev-parse", "HEAD"]);
    git_in(w, dir, env, &["push", "origin", "HEAD:main"]);
    assert_eq!(w.remote_head(), local, "the push arrived");

    let a = w.cmd_in(dir, &["undo"]).envs(env.iter().copied()).assert().success();
    assert!(!stdout(&a).contains("Not byte for byte"), "{}", stdout(&a));
    for (f, b) in bytes(files) {
        assert_eq!(b, before[&f], "{} is byte for byte as before", f.display());
    }
    assert_eq!(git_in(w, dir, env, &["remote", "get-url", "--push", "origin"]), url_before);
}

fn common_files(w: &World) -> Vec<PathBuf> {
    vec![w.ws.repo.join(".git/config"), w.ws.home.join(".gitconfig")]
}

#[test]
fn a_linked_worktree_changes_the_common_config() {
    let w = World::broken();
    let wt = w.ws.repo.parent().unwrap().join("linked");
    w.git_ok(&["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()]);
    assert!(origin_of_url(&w, &wt, &[]).contains(".git/config"));
    let files = common_files(&w);
    fix_push_undo(&w, &wt, &[], &files, &files[0]);
}

/// `extensions.worktreeConfig` with the URL in the worktree's `config.worktree`: that
/// file is the one changed.
#[test]
fn a_url_in_config_worktree_is_changed_there() {
    let w = World::broken();
    let wt = w.ws.repo.parent().unwrap().join("linked");
    w.git_ok(&["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()]);
    let url = w.git_ok(&["remote", "get-url", "origin"]);
    w.git_ok(&["config", "extensions.worktreeConfig", "true"]);
    git_in(&w, &wt, &[], &["config", "--worktree", "remote.origin.url", &url]);
    w.git_ok(&["config", "--unset", "remote.origin.url"]);
    let own = w.ws.repo.join(".git/worktrees/linked/config.worktree");
    assert!(origin_of_url(&w, &wt, &[]).contains("config.worktree"));
    let mut files = common_files(&w);
    files.push(own.clone());
    fix_push_undo(&w, &wt, &[], &files, &own);
}

/// A submodule: its config is the superproject's `.git/modules/NAME/config`.
#[test]
fn a_submodule_changes_its_config_in_the_superproject() {
    let w = World::broken();
    let url = w.git_ok(&["remote", "get-url", "origin"]);
    let sup = w.ws.repo.parent().unwrap().join("super");
    std::fs::create_dir(&sup).unwrap();
    git_in(&w, &sup, &[], &["init", "-q"]);
    let clone = w.ws.repo.to_str().unwrap();
    git_in(&w, &sup, &[], &["-c", "protocol.file.allow=always", "submodule", "add", "-q", clone, "hello"]);
    let sub = sup.join("hello");
    git_in(&w, &sub, &[], &["remote", "set-url", "origin", &url]);
    let config = sup.join(".git/modules/hello/config");
    assert!(origin_of_url(&w, &sub, &[]).contains("modules/hello/config"));
    let files =
        vec![config.clone(), sup.join(".git/config"), w.ws.repo.join(".git/config"), w.ws.home.join(".gitconfig")];
    fix_push_undo(&w, &sub, &[], &files, &config);
}

/// The URL in a file included with `includeIf "gitdir:…"`: that file is changed. Once
/// with the include's path absolute, run at the top; once relative (git names the file
/// `.git/../../work.inc`, from the top of the work tree), run in a subfolder.
#[test]
fn a_url_in_an_includeif_file_is_changed_there() {
    for relative in [false, true] {
        let w = World::broken();
        let url = w.git_ok(&["remote", "get-url", "origin"]);
        let inc = w.ws.repo.parent().unwrap().join("work.inc");
        std::fs::write(&inc, format!("# the work remote\n[remote \"origin\"]\n\turl = {url}\n")).unwrap();
        w.git_ok(&["config", "--unset", "remote.origin.url"]);
        let gitdir = format!("includeIf.gitdir:{}/.git.path", w.ws.repo.display());
        let path = if relative { "../../work.inc".to_string() } else { inc.display().to_string() };
        w.git_ok(&["config", &gitdir, &path]);
        let dir = if relative { w.ws.repo.join("src/deep") } else { w.ws.repo.clone() };
        std::fs::create_dir_all(&dir).unwrap();
        let origin = origin_of_url(&w, &dir, &[]);
        assert!(origin.contains("work.inc") && (relative == origin.starts_with("file:.git/")), "{origin}");
        let mut files = common_files(&w);
        files.push(inc.clone());
        fix_push_undo(&w, &dir, &[], &files, &inc);
    }
}

/// `GIT_DIR` and `GIT_WORK_TREE`, run from another folder: the repository they name.
#[test]
fn git_dir_and_git_work_tree_are_the_repository_git_uses() {
    let w = World::broken();
    let elsewhere = w.ws.home.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let git_dir = w.ws.repo.join(".git");
    let (d, t) = (git_dir.to_str().unwrap().to_string(), w.ws.repo.to_str().unwrap().to_string());
    let env = [("GIT_DIR", d.as_str()), ("GIT_WORK_TREE", t.as_str())];
    let files = common_files(&w);
    fix_push_undo(&w, &elsewhere, &env, &files, &files[0]);
}

/// The same with relative paths (git takes them from the folder it runs in): every git
/// git-reauth runs, the live check too, runs where the user runs git.
#[test]
fn a_relative_git_dir_is_taken_from_where_the_user_runs_git() {
    let w = World::broken();
    // Two levels down beside the clone: the same relative path from the clone's own
    // folder names another one.
    let elsewhere = w.ws.repo.parent().unwrap().join("elsewhere/deeper");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let name = w.ws.repo.file_name().unwrap().to_str().unwrap().to_string();
    let (d, t) = (format!("../../{name}/.git"), format!("../../{name}"));
    let env = [("GIT_DIR", d.as_str()), ("GIT_WORK_TREE", t.as_str())];
    let files = common_files(&w);
    fix_push_undo(&w, &elsewhere, &env, &files, &files[0]);
}

/// A git dir apart from its work tree (`.git` a file naming it, `core.worktree` in its
/// config, as `git init --separate-git-dir` and `git submodule` make them).
#[test]
fn a_separate_git_dir_with_core_worktree() {
    let w = World::broken();
    let store = w.ws.repo.parent().unwrap().join("store.git");
    std::fs::rename(w.ws.repo.join(".git"), &store).unwrap();
    std::fs::write(w.ws.repo.join(".git"), format!("gitdir: {}\n", store.display())).unwrap();
    git_in(&w, &w.ws.repo, &[], &["config", "core.worktree", w.ws.repo.to_str().unwrap()]);
    let config = store.join("config");
    assert!(origin_of_url(&w, &w.ws.repo, &[]).contains("store.git/config"));
    let sub = w.ws.repo.join("docs");
    std::fs::create_dir(&sub).unwrap();
    fix_push_undo(&w, &sub, &[], &[config.clone(), w.ws.home.join(".gitconfig")], &config);
}

/// A URL set on the command line (`GIT_CONFIG_*`): nothing is changed, and the error
/// says where it is set.
#[test]
fn a_url_set_in_the_environment_is_refused_before_anything_changes() {
    let w = World::broken();
    let url = w.git_ok(&["remote", "get-url", "origin"]);
    // The repository's file keeps the push URL (a remote git2 lists), the fetch URL
    // comes from the environment.
    w.git_ok(&["config", "remote.origin.pushurl", &url]);
    w.git_ok(&["config", "--unset", "remote.origin.url"]);
    let env =
        [("GIT_CONFIG_COUNT", "1"), ("GIT_CONFIG_KEY_0", "remote.origin.url"), ("GIT_CONFIG_VALUE_0", url.as_str())];
    assert!(origin_of_url(&w, &w.ws.repo, &env).contains("command line"));
    let snap = w.snapshot();
    let a = w
        .cmd(&["setup", "--token-stdin", "--switch-remote", "--yes"])
        .envs(env)
        .write_stdin(format!("{}\n", w.good_token()))
        .assert()
        .code(1);
    let err = stderr(&a);
    assert!(err.contains("remote.origin.url") && err.contains("command line"), "{err}");
    assert!(!err.contains("lock"), "no hint about lock files: {err}");
    assert_eq!(w.snapshot(), snap, "nothing changed");
}

/// An SSH `pushurl` beside an HTTPS url: the push URL is switched (in the file it is in),
/// the push works, and undo gives the file back.
#[test]
fn an_ssh_pushurl_is_switched_pushed_and_undone() {
    let w = World::with(Setup { ssh_remote: false, ..Setup::default() });
    let host = w.sandbox.host_url().replace("http://", "");
    let ip = host.split(':').next().unwrap().to_string();
    w.git_ok(&["config", "remote.origin.pushurl", &format!("git@{ip}:{}/{REPO}.git", w.owner)]);
    let files = common_files(&w);
    fix_push_undo(&w, &w.ws.repo.clone(), &[], &files, &files[0]);
}

/// The remote and the credential helper both come from a file the global config
/// includes for this repository only (`includeIf "gitdir:…"`): the helper there is the
/// one asked, the URL is changed there, and undo gives every file back.
#[test]
fn an_includeif_scoped_remote_and_helper() {
    let w = World::broken();
    let url = w.git_ok(&["remote", "get-url", "origin"]);
    let helper = w.git_ok(&["config", "--global", "credential.helper"]);
    let inc = w.ws.home.join("work.inc");
    std::fs::write(&inc, format!("[credential]\n\thelper = {helper}\n[remote \"origin\"]\n\turl = {url}\n")).unwrap();
    w.git_ok(&["config", "--global", "--unset", "credential.helper"]);
    w.git_ok(&["config", "--unset", "remote.origin.url"]);
    let key = format!("includeIf.gitdir:{}/.git.path", w.ws.repo.display());
    w.git_ok(&["config", "--global", &key, &inc.display().to_string()]);
    let shown = git_in(&w, &w.ws.repo, &[], &["config", "--show-origin", "--get-all", "credential.helper"]);
    assert!(shown.contains("work.inc"), "{shown}");
    let mut files = common_files(&w);
    files.push(inc.clone());
    files.push(w.ws.home.join(".git-credentials"));
    let before = std::fs::read_to_string(w.ws.home.join(".git-credentials")).unwrap();
    assert!(before.contains(PASSWORD), "the stale login is in the included helper's file");
    fix_push_undo_credentials(&w, &files, &inc);
}

/// [`fix_push_undo`] where the helper's file changes too (the token replaces the stale
/// login, which undo does not bring back): every config file is byte for byte as before.
fn fix_push_undo_credentials(w: &World, files: &[PathBuf], changed: &Path) {
    let configs: Vec<PathBuf> = files.iter().filter(|f| !f.ends_with(".git-credentials")).cloned().collect();
    fix_push_undo(w, &w.ws.repo.clone(), &[], &configs, changed);
    let store = std::fs::read_to_string(w.ws.home.join(".git-credentials")).unwrap();
    assert!(!store.contains(PASSWORD), "the included helper forgot the stale login: {store}");
}

/// A repository's own insteadOf rule forcing SSH, with setup run from a subfolder: git
/// names the file `.git/config` from the top of the work tree, and that is the file the
/// rule is dropped from.
#[test]
fn a_local_insteadof_rule_is_dropped_when_setup_runs_in_a_subfolder() {
    let w = World::with(Setup { ssh_remote: false, ..Setup::default() });
    let base = w.sandbox.host_url();
    let ip = base.trim_start_matches("http://").split(':').next().unwrap().to_string();
    w.git_ok(&["config", "--local", &format!("url.git@{ip}:.insteadOf"), &format!("{base}/")]);
    let dir = w.ws.repo.join("src/deep");
    std::fs::create_dir_all(&dir).unwrap();
    let files = common_files(&w);
    fix_push_undo(&w, &dir, &[], &files, &files[0]);
}
