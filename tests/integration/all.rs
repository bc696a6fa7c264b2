//! `doctor --all --offline` on a generated tree of mixed repositories (SSH, HTTPS, an
//! SSH alias from the fake HOME's ~/.ssh/config, a linked worktree, a fork's pushurl,
//! a pushInsteadOf rule, another host, two accounts (one by `includeIf "gitdir:"`),
//! a broken config, a bare repository, a nested repository, one in node_modules): the
//! real binary in a sealed environment finds each one with the right verdict, and git
//! itself agrees on the URLs and the user name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

struct Tree {
    _dir: tempfile::TempDir,
    home: PathBuf,
    root: PathBuf,
    ssh: bool,
}

impl Tree {
    fn vars(&self) -> Vec<(String, String)> {
        let h = self.home.display().to_string();
        vec![
            ("HOME".into(), h.clone()),
            ("XDG_CONFIG_HOME".into(), format!("{h}/.config")),
            ("XDG_STATE_HOME".into(), format!("{h}/.local/state")),
            ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
            ("NO_COLOR".into(), "1".into()),
            ("GIT_AUTHOR_NAME".into(), "a".into()),
            ("GIT_AUTHOR_EMAIL".into(), "a@example.com".into()),
            ("GIT_COMMITTER_NAME".into(), "a".into()),
            ("GIT_COMMITTER_EMAIL".into(), "a@example.com".into()),
        ]
    }

    fn git(&self, dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .envs(self.vars())
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?} in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    fn repo(&self, rel: &str, url: Option<&str>) -> PathBuf {
        let dir = self.root.join(rel);
        std::fs::create_dir_all(&dir).unwrap();
        self.git(&dir, &["init", "-q"]);
        if let Some(url) = url {
            self.git(&dir, &["remote", "add", "origin", url]);
        }
        dir
    }

    fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("git-reauth").unwrap();
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .envs(self.vars())
            .current_dir(&self.home)
            .args(args);
        c.timeout(Duration::from_secs(60));
        c
    }
}

/// The fake HOME's ssh config names `github-work` for github.com with a key of its own;
/// false when there is no ssh to resolve it.
fn write_alias(home: &Path) -> bool {
    let dir = home.join(".ssh");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config"), "Host github-work\n  HostName github.com\n  IdentityFile ~/.ssh/id_work\n")
        .unwrap();
    std::process::Command::new("ssh").arg("-V").output().is_ok()
}

fn tree() -> Tree {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let root = dir.path().join("code");
    std::fs::create_dir_all(home.join(".config")).unwrap();
    let ssh = write_alias(&home);
    let t = Tree { _dir: dir, home, root, ssh };
    // Everything under code/work/ is the work account's, by a conditional include.
    std::fs::write(t.home.join(".gitconfig-work"), "[credential \"https://github.com\"]\n\tusername = octo-work\n")
        .unwrap();
    std::fs::write(
        t.home.join(".gitconfig"),
        format!("[includeIf \"gitdir:{}/work/\"]\n\tpath = ~/.gitconfig-work\n", t.root.display()),
    )
    .unwrap();
    t.repo("ssh", Some("git@github.com:octo/ssh.git"));
    let https = t.repo("https", Some("https://github.com/octo/https.git"));
    t.git(&https, &["commit", "-q", "--allow-empty", "-m", "first"]);
    t.git(&https, &["worktree", "add", "-q", "../https-wt"]);
    t.repo("https/sub/nested", Some("https://github.com/octo/nested.git"));
    t.repo("alias", Some("git@github-work:octo/alias.git"));
    let fork = t.repo("fork", Some("https://github.com/upstream/fork.git"));
    t.git(&fork, &["remote", "set-url", "--push", "origin", "https://github.com/octo/fork.git"]);
    let forced = t.repo("forced", Some("https://github.com/octo/forced.git"));
    t.git(&forced, &["config", "url.git@github.com:.pushInsteadOf", "https://github.com/"]);
    t.repo("gitlab", Some("https://gitlab.com/octo/other.git"));
    t.repo("work/one", Some("https://github.com/corp/one.git"));
    t.repo("personal", Some("https://octo@github.com/octo/personal.git"));
    let broken = t.repo("broken", Some("https://github.com/octo/broken.git"));
    std::fs::write(broken.join(".git/config"), "[remote \"origin\"\n\turl = https://github.com/octo/broken.git\n")
        .unwrap();
    std::fs::create_dir_all(t.root.join("srv")).unwrap();
    t.git(&t.root.join("srv"), &["init", "-q", "--bare", "bare.git"]);
    t.repo("node_modules/dep", Some("git@github.com:octo/dep.git"));
    t.repo("leak/token", Some(&format!("https://{}@github.com/octo/leak.git", token())));
    t.repo(".hidden/secret", Some("git@github.com:octo/hidden.git"));
    t
}

/// A token-shaped user name, made at run time.
fn token() -> String {
    format!("ghp_{}", "q7".repeat(18))
}

fn run_json(t: &Tree, extra: &[&str]) -> (BTreeMap<String, Value>, i32, String) {
    let mut args = vec!["doctor", "--all", "--offline", "--json"];
    args.extend_from_slice(extra);
    let out = t.cmd(&args).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut by_path = BTreeMap::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let rel = Path::new(v["path"].as_str().unwrap()).strip_prefix(&t.root).unwrap().display().to_string();
        by_path.insert(rel, v);
    }
    (by_path, out.status.code().unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn every_repository_is_found_with_its_verdict() {
    let t = tree();
    let root = t.root.display().to_string();
    let (repos, code, stderr) = run_json(&t, &[&root]);
    assert_eq!(code, 1, "problems were found");
    assert_eq!(stderr, "", "piped: nothing but the result");
    let verdicts: Vec<(&str, &str)> = repos.iter().map(|(p, v)| (p.as_str(), v["verdict"].as_str().unwrap())).collect();
    let alias_verdict = if t.ssh { "needs-binding" } else { "other-host" };
    assert_eq!(
        verdicts,
        [
            ("alias", alias_verdict),
            ("broken", "broken"),
            ("forced", "needs-switch"),
            ("fork", "not-checked"),
            ("gitlab", "other-host"),
            ("https", "not-checked"),
            ("https-wt", "not-checked"),
            ("https/sub/nested", "not-checked"),
            ("leak/token", "not-checked"),
            ("personal", "needs-binding"),
            ("srv/bare.git", "not-checked"),
            ("ssh", "needs-switch"),
            ("work/one", "needs-binding"),
        ],
        "node_modules and hidden folders are skipped"
    );
    let r = |p: &str| &repos[p];
    assert_eq!(r("https-wt")["kind"], "linked-worktree");
    assert_eq!(r("srv/bare.git")["kind"], "bare");
    assert_eq!(r("srv/bare.git")["reason"], "no remote");
    assert_eq!(r("https")["reason"], "offline: no request made");
    assert_eq!(r("https")["account"]["source"], "helper");
    assert_eq!(r("https")["credential"], "https://github.com");
    assert_eq!(r("ssh")["needs"], serde_json::json!(["switch"]));
    assert_eq!(r("forced")["remote"]["push_source"], "push-insteadof");
    assert_eq!(r("forced")["remote"]["push_transport"], "ssh");
    assert_eq!(r("fork")["remote"]["push_repository"], "octo/fork");
    assert_eq!(r("fork")["remote"]["repository"], "upstream/fork");
    assert_eq!(r("gitlab")["reason"], "on gitlab.com");
    assert!(r("broken")["reason"].as_str().unwrap().contains("config"), "{}", r("broken"));
    // Two logins pinned on the host: by the URL, and by the conditional include.
    assert_eq!(r("personal")["account"]["login"], "octo");
    assert_eq!(r("personal")["account"]["source"], "url");
    assert_eq!(r("work/one")["account"]["login"], "octo-work");
    assert_eq!(r("work/one")["account"]["source"], "config");
    assert_eq!(r("work/one")["credential"], "https://octo-work@github.com");
    assert_eq!(r("work/one")["account"]["included_from"], t.home.join(".gitconfig").display().to_string());
    assert_eq!(r("work/one")["needs"], serde_json::json!(["binding"]));
    if t.ssh {
        assert_eq!(r("alias")["needs"], serde_json::json!(["switch", "binding"]));
        assert_eq!(r("alias")["remote"]["alias"]["identity_file"], "~/.ssh/id_work");
        assert_eq!(r("alias")["remote"]["repository"], "octo/alias");
    }
    // git is the oracle for what it uses and whom it sends.
    for (rel, v) in &repos {
        if v["verdict"] == "broken" || v["remote"].is_null() {
            continue;
        }
        let dir = t.root.join(rel);
        let git_says = |args: &[&str]| git_reauth::model::remote::redact(&t.git(&dir, args));
        assert_eq!(v["remote"]["fetch_url"], git_says(&["remote", "get-url", "origin"]), "{rel}");
        assert_eq!(v["remote"]["push_url"], git_says(&["remote", "get-url", "--push", "origin"]), "{rel}");
    }
    // A token used as the user name is never printed, in any field.
    assert_eq!(r("leak/token")["credential"], "https://***@github.com");
    assert_eq!(r("leak/token")["account"]["login"], "***");
    assert_eq!(r("leak/token")["remote"]["url"], "https://***@github.com/octo/leak.git");
    assert!(!repos.values().any(|v| v.to_string().contains(&token())));
    let work = t.git(&t.root.join("work/one"), &["config", "credential.https://github.com.username"]);
    assert_eq!(work, "octo-work", "git's own reading of the includeIf");
    // The field names are stable: every object has all of them.
    let keys: Vec<&str> = r("ssh").as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["account", "credential", "kind", "needs", "path", "reason", "remote", "verdict"]);
}

#[test]
fn text_output_one_line_each_and_a_summary() {
    let t = tree();
    let root = t.root.display().to_string();
    let out = t.cmd(&["doctor", "--all", "--offline", &root]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 14, "{text}");
    assert!(!text.contains(&token()), "a token in a remote URL is never printed: {text}");
    let line = |rel: &str| {
        let path = t.root.join(rel).display().to_string();
        *lines.iter().find(|l| l.contains(&format!(" {path}  "))).unwrap_or_else(|| panic!("{rel}: {text}"))
    };
    assert!(line("ssh").starts_with("needs-switch  "), "{text}");
    assert!(line("ssh").contains("origin octo/ssh over ssh"), "{text}");
    assert!(line("forced").contains("fetch https, push ssh (by push-insteadof)"), "{text}");
    assert!(line("fork").contains("(pushes to octo/fork)"), "{text}");
    let included = format!(
        "sends octo-work (credential.https://github.com.username, included from {}/.gitconfig)",
        t.home.display()
    );
    assert!(line("work/one").contains(&included), "{text}");
    assert!(line("personal").contains("sends octo (from the remote URL)"), "{text}");
    assert!(line("gitlab").starts_with("other-host"), "{text}");
    let summary = lines.last().unwrap();
    let binding = if t.ssh { 3 } else { 2 };
    let other = if t.ssh { 1 } else { 2 };
    assert_eq!(
        *summary,
        format!(
            "13 repositories: 1 broken, {binding} needs-binding, 2 needs-switch, 6 not-checked, {other} other-host (github.com, offline; 4 distinct credentials)"
        )
    );
}

#[test]
fn healthy_depth_and_bad_folders() {
    let t = tree();
    // Only HTTPS repositories on the host and nothing pinned: exit 0.
    let (repos, code, _) = run_json(&t, &[&t.root.join("https").display().to_string()]);
    assert_eq!((repos.len(), code), (2, 0), "{repos:?}");
    // --max-depth 0: the folder named, itself only.
    let (repos, _, _) = run_json(&t, &["--max-depth", "0", &t.root.join("https").display().to_string()]);
    assert_eq!(repos.keys().collect::<Vec<_>>(), ["https"]);
    let (repos, _, _) = run_json(&t, &["--max-depth", "1", &t.root.display().to_string()]);
    assert!(repos.contains_key("ssh") && !repos.contains_key("work/one"), "{:?}", repos.keys());
    // A hidden folder is walked when it is named; the default root is HOME.
    let (repos, _, _) = run_json(&t, &[&t.root.join(".hidden").display().to_string()]);
    assert_eq!(repos.keys().collect::<Vec<_>>(), [".hidden/secret"]);
    let out = t.cmd(&["doctor", "--all", "--offline", "--json"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).trim().is_empty(), "HOME holds no repository");
    assert_eq!(out.status.code(), Some(0));
    // A folder that is not there: exit 2 and a line saying so.
    let missing = t.root.join("nope").display().to_string();
    let out = t.cmd(&["doctor", "--all", "--offline", &missing]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a folder"));
    // --offline and DIR belong to --all.
    let out = t.cmd(&["doctor", "--offline"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// One `ssh -G` per distinct host name, however many repositories use it: a fake ssh
/// first on PATH logs each run.
#[cfg(unix)]
#[test]
fn ssh_is_asked_once_per_alias_host() {
    use std::os::unix::fs::PermissionsExt;
    let t = tree();
    let bin = t.home.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = t.home.join("ssh.log");
    let fake = bin.join("ssh");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nfor a; do last=$a; done\necho \"$last\" >> '{}'\n\
             if [ \"$last\" = github-work ]; then echo 'hostname github.com'; echo 'identityfile ~/.ssh/id_work';\n\
             else echo \"hostname $last\"; fi\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let many = t.root.join("many");
    for i in 0..5 {
        t.repo(&format!("many/alias{i}"), Some(&format!("git@github-work:octo/a{i}.git")));
    }
    t.repo("many/other", Some("git@gitlab-box:octo/b.git"));
    t.repo("many/other2", Some("ssh://git@gitlab-box/octo/c.git"));
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let out = t
        .cmd(&["doctor", "--all", "--offline", "--json", &many.display().to_string()])
        .env("PATH", path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let verdicts: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["verdict"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(verdicts, ["needs-binding"; 5].iter().chain(&["other-host"; 2]).copied().collect::<Vec<_>>(), "{text}");
    let mut asked: Vec<String> = std::fs::read_to_string(&log).unwrap().lines().map(str::to_owned).collect();
    asked.sort();
    assert_eq!(asked, ["github-work", "gitlab-box"], "one run per distinct host name");
}
