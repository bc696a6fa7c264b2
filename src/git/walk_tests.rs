//! The walk on a real tree, and the in-process config against git's own listing.

use std::path::Path;
use std::process::Command;

use super::*;

fn git(dir: &Path, home: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn init(dir: &Path, home: &Path, bare: bool) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, home, if bare { &["init", "-q", "--bare"] } else { &["init", "-q"] });
}

fn env_of(home: &Path) -> Env {
    Env::isolated(home, &[("HOME".into(), home.display().to_string()), ("GIT_CONFIG_NOSYSTEM".into(), "1".into())])
}

#[test]
fn every_kind_of_repository_is_found_and_stores_skipped() {
    let t = tempfile::tempdir().unwrap();
    let (home, root) = (t.path().join("home"), t.path().join("root"));
    std::fs::create_dir_all(&home).unwrap();
    init(&root.join("a"), &home, false);
    init(&root.join("a/sub/nested"), &home, false);
    init(&root.join("srv/b.git"), &home, true);
    init(&root.join("node_modules/dep"), &home, false);
    init(&root.join(".hidden/c"), &home, false);
    init(&root.join("Library/Caches/d"), &home, false);
    init(&root.join("1/2/3/4/5/6"), &home, false);
    init(&root.join("1/2/3/4/5/6/7"), &home, false);
    git(
        &root.join("a"),
        &home,
        &["-c", "user.name=a", "-c", "user.email=a@b", "commit", "-q", "--allow-empty", "-m", "x"],
    );
    git(&root.join("a"), &home, &["-c", "user.name=a", "-c", "user.email=a@b", "worktree", "add", "-q", "../wt"]);
    // A symlink loop and a link to a repository: neither is followed.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&root, root.join("a/sub/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("a"), root.join("link-to-a")).unwrap();
    }
    let count = std::sync::atomic::AtomicUsize::new(0);
    let found = find(std::slice::from_ref(&root), 6, &|| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    let rel: Vec<(String, RepoKind)> =
        found.iter().map(|f| (f.path.strip_prefix(&root).unwrap().display().to_string(), f.kind)).collect();
    assert_eq!(
        rel,
        [
            ("1/2/3/4/5/6".to_string(), RepoKind::WorkTree),
            ("a".into(), RepoKind::WorkTree),
            ("a/sub/nested".into(), RepoKind::WorkTree),
            ("srv/b.git".into(), RepoKind::Bare),
            ("wt".into(), RepoKind::LinkedWorktree),
        ]
    );
    assert_eq!(count.into_inner(), 5);
    let wt = &found[4];
    assert_eq!(wt.common_dir.canonicalize().unwrap(), root.join("a/.git").canonicalize().unwrap());
    // A hidden root named as such is walked.
    let hidden = find(&[root.join(".hidden")], 6, &|| {});
    assert_eq!(hidden.len(), 1);
    // --max-depth 0: the root itself only.
    assert_eq!(find(&[root.join("a")], 0, &|| {}).len(), 1);
    assert!(find(std::slice::from_ref(&root), 0, &|| {}).is_empty());
}

/// git is the oracle: the in-process entries are `git config --list`'s, in its
/// order, with its scopes, includes followed.
#[test]
fn the_in_process_config_is_git_s() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let repo = t.path().join("r");
    std::fs::create_dir_all(home.join(".config/git")).unwrap();
    init(&repo, &home, false);
    std::fs::write(home.join(".config/git/config"), "[credential]\n\thelper = xdg\n").unwrap();
    std::fs::write(home.join("inc"), "[credential \"https://github.com\"]\n\tusername = included\n").unwrap();
    std::fs::write(
        home.join(".gitconfig"),
        "[credential]\n\thelper = store\n[include]\n\tpath = inc\n[url \"git@github.com:\"]\n\tinsteadOf = https://github.com/\n[credential]\n\tuseHttpPath\n",
    )
    .unwrap();
    git(&repo, &home, &["config", "remote.origin.url", "https://github.com/o/r.git"]);
    git(&repo, &home, &["config", "credential.https://github.com.username", "local-user"]);
    let want = git(&repo, &home, &["config", "--list", "--show-scope"]);
    let env = env_of(&home);
    let shared = shared_config(&env).unwrap();
    assert!(!shared.conditional);
    let found = Found {
        path: repo.clone(),
        kind: RepoKind::WorkTree,
        git_dir: repo.join(".git"),
        common_dir: repo.join(".git"),
    };
    let (local, whole) = repo_config(&found, &env, &shared).unwrap();
    assert!(!whole);
    let got: String =
        shared
            .entries
            .iter()
            .chain(&local)
            .map(|e| {
                if e.bare {
                    format!("{}\t{}\n", e.scope, e.key)
                } else {
                    format!("{}\t{}={}\n", e.scope, e.key, e.value)
                }
            })
            .collect();
    assert_eq!(got, want);
    let inc = shared.entries.iter().find(|e| e.value == "included").unwrap();
    assert_eq!(inc.origin, format!("include:{}", home.join(".gitconfig").display()));
    let user = local.iter().find(|e| e.value == "local-user").unwrap();
    assert_eq!(user.origin, format!("file:{}", repo.join(".git/config").display()));
}

#[test]
fn a_broken_config_says_why() {
    let t = tempfile::tempdir().unwrap();
    let home = t.path().join("home");
    let repo = t.path().join("r");
    std::fs::create_dir_all(&home).unwrap();
    init(&repo, &home, false);
    std::fs::write(repo.join(".git/config"), "[remote \"origin\"\n\turl = x\n").unwrap();
    let env = env_of(&home);
    let found = Found {
        path: repo.clone(),
        kind: RepoKind::WorkTree,
        git_dir: repo.join(".git"),
        common_dir: repo.join(".git"),
    };
    let err = repo_config(&found, &env, &SharedConfig::default()).unwrap_err();
    assert!(err.contains("config"), "{err}");
}
