//! A remote on an SSH host alias (`git@github-work:octo/hello.git`, with `Host
//! github-work` / `HostName 127.0.0.1` in the fake HOME's `~/.ssh/config`): OpenSSH's own
//! answer (`ssh -G`) makes it the sandbox's repository; setup switches it to HTTPS and a
//! real `git push` works.

use crate::support::*;

fn check<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no check {id}: {json}"))
}

fn doctor_json(w: &World) -> serde_json::Value {
    let a = w.cmd(&["doctor", "--json"]).assert();
    serde_json::from_str(&stdout(&a)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&a)))
}

/// The fake HOME's `~/.ssh/config` with the alias; checks that ssh itself reads it so.
fn write_alias(w: &World) -> bool {
    let dir = w.ws.home.join(".ssh");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    std::fs::write(&config, "Host github-work\n  HostName 127.0.0.1\n  User git\n  IdentityFile ~/.ssh/id_work\n")
        .unwrap();
    // These tests need OpenSSH (`.ci/run` installs openssh-client): never a silent skip.
    let out = std::process::Command::new("ssh")
        .arg("-F")
        .arg(&config)
        .args(["-G", "github-work"])
        .output()
        .expect("ssh (OpenSSH's client) on PATH: install openssh-client");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.lines().any(|l| l == "hostname 127.0.0.1"), "ssh's own answer: {said}");
    true
}

/// doctor sees the alias's repository; setup --switch-remote makes origin the sandbox's
/// HTTPS URL (git says so) and a real push lands.
fn recognised_switched_and_pushed(w: &World) {
    let json = doctor_json(w);
    assert_eq!(check(&json, "repository")["status"], "ok", "{json}");
    assert!(check(&json, "remote-protocol")["summary"].as_str().unwrap().contains("SSH alias for 127.0.0.1"), "{json}");
    w.setup(&w.good_token(), &["--switch-remote", "--yes"]).success();
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), format!("{}/{OWNER}/{REPO}.git", w.sandbox.host_url()));
    let local = w.git_ok(&["rev-parse", "HEAD"]);
    assert_ne!(w.remote_head(), local);
    w.git_ok(&["push", "origin", "HEAD:main"]);
    assert_eq!(w.remote_head(), local);
}

#[test]
fn an_scp_like_alias_remote_is_recognised_switched_and_pushed() {
    let w = World::broken();
    w.git_ok(&["remote", "set-url", "origin", "git@github-work:octo/hello.git"]);
    // Without the alias in ~/.ssh/config, github-work is just another host.
    let before = doctor_json(&w);
    assert_eq!(check(&before, "repository")["status"], "fail", "{before}");
    assert_eq!(check(&before, "repository")["kind"], "not_github_remote", "{before}");
    assert!(check(&before, "repository")["summary"].as_str().unwrap().contains("github-work"), "{before}");

    if !write_alias(&w) {
        return;
    }
    let json = doctor_json(&w);
    assert_eq!(check(&json, "repository")["status"], "ok", "{json}");
    assert!(check(&json, "repository")["summary"].as_str().unwrap().contains("octo/hello"), "{json}");
    let remote = check(&json, "remote-protocol");
    assert_eq!(remote["status"], "warn", "{json}");
    assert!(
        remote["summary"]
            .as_str()
            .unwrap()
            .contains("github-work is an SSH alias for 127.0.0.1 (identity ~/.ssh/id_work)"),
        "{json}"
    );

    let token = w.good_token();
    let configs = [w.ws.repo.join(".git/config"), w.ws.home.join(".gitconfig")];
    let bytes = || configs.iter().map(|f| std::fs::read(f).unwrap_or_default()).collect::<Vec<_>>();
    let original = bytes();
    let a = w.setup(&token, &["--switch-remote", "--yes"]).success();
    assert!(stdout(&a).contains("Done."), "{}", stdout(&a));
    // The alias stood for one account: over HTTPS the repository is bound to the token's.
    assert!(stdout(&a).contains("used the SSH alias github-work"), "{}", stdout(&a));
    let key = format!("credential.{}.username", w.sandbox.host_url());
    assert_eq!(w.git_ok(&["config", "--local", &key]), "octo");
    // git itself says where origin now points.
    let https = format!("{}/{OWNER}/{REPO}.git", w.sandbox.host_url());
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), https);
    assert_eq!(w.git_ok(&["remote", "get-url", "--push", "origin"]), https);

    let local = w.git_ok(&["rev-parse", "HEAD"]);
    assert_ne!(w.remote_head(), local);
    w.git_ok(&["push", "origin", "HEAD:main"]);
    assert_eq!(w.remote_head(), local);
    // undo takes the switch and the binding back, byte for byte.
    let undo = w.cmd(&["undo"]).assert().success();
    assert!(!stdout(&undo).contains("Not byte for byte"), "{}", stdout(&undo));
    assert_eq!(bytes(), original);
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), "git@github-work:octo/hello.git");
}

#[test]
fn an_ssh_url_alias_remote_is_recognised_and_switched() {
    let w = World::broken();
    w.git_ok(&["remote", "set-url", "origin", "ssh://git@github-work/octo/hello.git"]);
    if !write_alias(&w) {
        return;
    }
    recognised_switched_and_pushed(&w);
}

/// An alias ssh resolves to another host is not ours: resolving must not stand for
/// matching (the remote keeps its "not on" verdict and no alias is claimed).
#[test]
fn an_alias_for_another_host_stays_foreign() {
    let w = World::broken();
    w.git_ok(&["remote", "set-url", "origin", "git@gitlab-work:octo/hello.git"]);
    std::fs::create_dir_all(w.ws.home.join(".ssh")).unwrap();
    std::fs::write(w.ws.home.join(".ssh/config"), "Host gitlab-work\n  HostName gitlab.example\n").unwrap();
    let json = doctor_json(&w);
    assert_eq!(check(&json, "repository")["status"], "fail", "{json}");
    assert!(!check(&json, "repository")["summary"].as_str().unwrap().contains("alias"), "{json}");
}

#[cfg(unix)]
#[test]
fn without_ssh_the_literal_host_is_matched_and_doctor_says_so() {
    let w = World::broken();
    w.git_ok(&["remote", "set-url", "origin", "git@github-work:octo/hello.git"]);
    if !write_alias(&w) {
        return;
    }
    // A PATH with git and nothing else: no ssh to ask.
    let bin = w.ws.root.path().join("only-git");
    std::fs::create_dir_all(&bin).unwrap();
    let git =
        String::from_utf8(std::process::Command::new("sh").args(["-c", "command -v git"]).output().unwrap().stdout)
            .unwrap();
    std::os::unix::fs::symlink(git.trim(), bin.join("git")).unwrap();
    let mut c = assert_cmd::Command::cargo_bin("git-reauth").unwrap();
    c.env_clear().env("PATH", &bin).envs(w.vars()).current_dir(&w.ws.repo).args(["doctor", "--json"]);
    let a = c.timeout(std::time::Duration::from_secs(60)).assert().code(1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(check(&json, "repository")["status"], "fail", "{json}");
    assert!(stderr(&a).contains("ssh is not on PATH: `github-work` is taken as written"), "{}", stderr(&a));
}

/// A shorthand that only an insteadOf rule expands to the alias: the alias is found in
/// the URL git uses (`git remote get-url` says which).
#[test]
fn an_alias_behind_an_insteadof_shorthand_is_found() {
    let w = World::broken();
    w.git_ok(&["config", "--global", "url.git@github-work:.insteadOf", "work:"]);
    w.git_ok(&["remote", "set-url", "origin", "work:octo/hello.git"]);
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), "git@github-work:octo/hello.git");
    if !write_alias(&w) {
        return;
    }
    recognised_switched_and_pushed(&w);
}
