//! Every bad input gets one clear line on stderr, the right exit code, and leaves
//! the user's setup byte-identical.

use std::path::PathBuf;

use git_reauth::sandbox::Access;
use git_reauth::sandbox::workstation::HelperKind;

use crate::support::*;

/// Run setup, expect failure with `code` and `needle` in stderr, and no change.
fn refused(w: &World, token: &str, args: &[&str], code: i32, needle: &str) -> String {
    let snap = w.snapshot();
    let mut all = vec!["setup", "--token-stdin"];
    all.extend_from_slice(args);
    let a = w.cmd(&all).write_stdin(token.to_string()).assert().code(code);
    let err = stderr(&a);
    assert!(err.to_lowercase().contains(&needle.to_lowercase()), "expected {needle:?} in:\n{err}");
    assert!(err.lines().next().is_some_and(|l| l.starts_with("error: ")), "{err}");
    assert!(
        !err.contains(token.trim()) || token.trim().is_empty() || token.trim().len() < 8,
        "stderr leaks the input:\n{err}"
    );
    assert_eq!(w.snapshot(), snap, "setup changed something although it failed");
    err
}

/// The `kind` of check `id` in a `doctor --json` report ("" when it has none).
fn kind_of(json: &str, id: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let c = v["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).cloned().unwrap_or_default();
    c["kind"].as_str().unwrap_or_default().to_string()
}

#[test]
fn malformed_tokens_are_refused_offline() {
    let w = World::broken();
    let before = w.sandbox.requests().len();
    refused(&w, "\n", &[], 2, "empty");
    refused(&w, "ghp_abcdefghijklmnopqrst uvwxyz0123456789AB\n", &[], 2, "space");
    refused(&w, &format!("{}\nprotocol=https\n", w.good_token()), &[], 2, "more than one line");
    refused(&w, &format!("{PASSWORD}\n"), &[], 2, "looks like a password");
    refused(&w, &format!("ghp_{}\n", "a".repeat(300)), &[], 2, "255");
    // None of these reached the network.
    assert_eq!(w.sandbox.requests().len(), before);
}

#[test]
fn tokens_github_refuses_are_explained() {
    let w = World::broken();
    let revoked = w.good_token();
    w.sandbox.revoke(&revoked);
    refused(&w, &format!("{revoked}\n"), &["--switch-remote"], 1, "revoked");
    let err =
        refused(&w, &format!("{}\n", w.classic(&["read:user"])), &["--switch-remote"], 1, "lacks the `repo` scope");
    assert!(err.contains("settings/tokens/new?scopes=repo,workflow"), "hint has the creation URL:\n{err}");
    let err = refused(&w, &format!("{}\n", w.fine_grained(Access::Read)), &["--switch-remote"], 1, "cannot push");
    assert!(err.contains("personal-access-tokens/new"), "{err}");
}

#[test]
fn sso_is_explained_with_the_link_and_works_after_authorizing() {
    let w = World::with(Setup { owner: "acme-sso", ..Setup::default() });
    let token = w.good_token();
    let err = refused(&w, &format!("{token}\n"), &["--switch-remote"], 1, "requires SSO authorization");
    let link = w.sandbox.sso_authorize_url(&token, "acme-sso");
    assert!(!link.is_empty() && err.contains(&link), "the hint carries the authorization link {link}:\n{err}");
    // doctor says the same.
    let a = w.cmd(&["doctor", "--json"]).assert().code(1);
    assert!(stdout(&a).contains("\"sso\""));
    // Authorize (as the user's browser would), then setup works.
    http_get(&link);
    w.setup(&token, &["--switch-remote"]).success();
    w.git_ok(&["push", "origin", "HEAD:main"]);
}

fn http_get(url: &str) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (authority, path) = rest.split_at(rest.find('/').unwrap());
    let mut s = std::net::TcpStream::connect(authority).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
}

#[test]
fn repository_and_remote_problems_are_usage_errors() {
    let w = World::broken();
    let token = format!("{}\n", w.good_token());
    // Not in a repository, but asked to switch a remote.
    let snap = w.snapshot();
    let a = w
        .cmd_in(&w.ws.home, &["setup", "--token-stdin", "--switch-remote"])
        .write_stdin(token.clone())
        .assert()
        .code(2);
    assert!(stderr(&a).contains("not inside a git repository"), "{}", stderr(&a));
    assert_eq!(w.snapshot(), snap);
    refused(&w, &token, &["--remote", "upstream"], 2, "no remote named `upstream`");
    w.git_ok(&["remote", "set-url", "origin", "https://gitlab.com/octo/hello.git"]);
    refused(&w, &token, &[], 2, "is not a repository on 127.0.0.1");
    let a = w.cmd(&["doctor", "--json"]).assert().code(1);
    assert!(stdout(&a).contains("gitlab.com"), "{}", stdout(&a));
    assert_eq!(kind_of(&stdout(&a), "repository"), "not_github_remote", "{}", stdout(&a));
}

#[test]
fn bad_host_urls_are_refused() {
    let w = World::broken();
    let token = format!("{}\n", w.good_token());
    refused(&w, &token, &["--host-url", "http://127.0.0.1:1/api/v3"], 2, "must not have a path");
    refused(&w, &token, &["--host-url", "http://example.com"], 2, "only allowed for 127.0.0.1");
    refused(&w, &token, &["--host-url", "not a url"], 2, "invalid --host-url");
    refused(&w, &token, &["--host-url", "ftp://github.com"], 2, "invalid --host-url");
}

#[test]
fn network_down_and_rate_limits_are_explained() {
    let w = World::broken();
    let token = format!("{}\n", w.good_token());
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    refused(&w, &token, &["--host-url", &format!("http://127.0.0.1:{closed}")], 1, "cannot reach");
    // A working setup first, so that doctor has a valid token to be limited on.
    w.setup(token.trim(), &["--switch-remote"]).success();
    w.sandbox.set_rate_limited(Some(chrono::Utc::now() + chrono::Duration::minutes(42)));
    let err = refused(&w, &format!("{}\n", w.good_token()), &[], 1, "rate limit");
    assert!(err.contains("resets at"), "{err}");
    let a = w.cmd(&["doctor", "--json"]).assert().code(1);
    assert_eq!(kind_of(&stdout(&a), "cached-credential"), "rate_limited", "{}", stdout(&a));
}

fn shim_dir(script: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let git = dir.path().join("git");
    std::fs::write(&git, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let p = dir.path().to_path_buf();
    (dir, p)
}

#[test]
fn missing_or_old_git_is_explained() {
    let w = World::broken();
    let token = format!("{}\n", w.good_token());
    let empty = tempfile::tempdir().unwrap();
    let a = w.cmd(&["setup", "--token-stdin"]).env("PATH", empty.path()).write_stdin(token.clone()).assert().code(1);
    assert!(stderr(&a).contains("git is not installed"), "{}", stderr(&a));
    let (_keep, old) = shim_dir("#!/bin/sh\necho 'git version 2.20.1'\n");
    let a = w.cmd(&["setup", "--token-stdin"]).env("PATH", &old).write_stdin(token.clone()).assert().code(1);
    assert!(stderr(&a).contains("too old"), "{}", stderr(&a));
    let a = w.cmd(&["doctor"]).env("PATH", &old).assert().code(1);
    assert!(stdout(&a).contains("older than 2.30"), "{}", stdout(&a));
}

#[test]
fn a_locked_git_config_stops_the_fix_before_anything_changes() {
    let w = World::broken();
    let token = format!("{}\n", w.good_token());
    let lock = w.ws.repo.join(".git/config.lock");
    std::fs::write(&lock, "").unwrap();
    refused(&w, &token, &["--switch-remote"], 1, "locked");
    std::fs::remove_file(&lock).unwrap();
    w.setup(token.trim(), &["--switch-remote"]).success();
}

#[test]
fn no_credential_helper_stops_with_the_choices() {
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    let token = format!("{}\n", w.good_token());
    let err = refused(&w, &token, &["--switch-remote"], 1, "no credential helper");
    for choice in ["--store keyring", "--store cache", "--store file"] {
        assert!(err.contains(choice), "names the choice {choice}:\n{err}");
    }
    assert!(!w.ws.home.join(".git-credentials").exists(), "never a silent plaintext store");
}

#[cfg(unix)]
#[test]
fn ctrl_c_before_apply_changes_nothing_and_exits_130() {
    let w = World::broken();
    let token = w.good_token();
    w.sandbox.set_latency(std::time::Duration::from_secs(3));
    let snap = w.snapshot();
    let before = w.sandbox.arrivals();
    let child = w.spawn_setup(&token, &[], &[]);
    // Wait until setup is talking to GitHub, then interrupt it.
    w.wait_for("setup to reach the API", std::time::Duration::from_secs(20), || w.sandbox.arrivals() > before);
    unsafe_kill(child.id(), 2);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    w.sandbox.set_latency(std::time::Duration::ZERO);
    assert_eq!(w.snapshot(), snap);
    assert!(w.filled().contains(PASSWORD), "the stale credential is still there: nothing was applied");
}

#[cfg(unix)]
fn unsafe_kill(pid: u32, sig: i32) {
    let status = std::process::Command::new("kill").arg(format!("-{sig}")).arg(pid.to_string()).status().unwrap();
    assert!(status.success());
}

/// A server that answers every request with `status`, counting requests.
fn failing_server(status: u16) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let body = r#"{"message":"Server Error"}"#;
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 {status} Oops\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, count)
}

#[test]
fn server_errors_are_retried_with_backoff_then_explained() {
    let w = World::broken();
    let token = format!("{}\n", w.good_token());
    let (port, count) = failing_server(502);
    let err = refused(&w, &token, &["--host-url", &format!("http://127.0.0.1:{port}")], 1, "server error (502)");
    assert!(err.contains("try again"), "{err}");
    // setup's checks go out in one wave (the token's account, the repository, git's
    // info/refs): each is tried once and retried twice.
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 9, "three requests, each with two retries");
}

#[test]
fn bad_credentials_are_never_retried() {
    let w = World::broken();
    let revoked = w.good_token();
    w.sandbox.revoke(&revoked);
    let before = w.sandbox.requests().len();
    refused(&w, &format!("{revoked}\n"), &[], 1, "revoked");
    let user_calls = w.sandbox.requests().into_iter().skip(before).filter(|r| r.path.ends_with("/user")).count();
    assert_eq!(user_calls, 1, "a 401 is not retried (repeated bad credentials lock accounts out)");
}

// Process groups and signals: Unix only.
#[cfg(unix)]
#[test]
fn ctrl_c_during_apply_rolls_back_and_exits_130() {
    let w = World::broken();
    let token = w.good_token();
    let ssh_url = w.git_ok(&["remote", "get-url", "origin"]);
    // Slow enough that verification (a live ls-remote) is still running when Ctrl-C comes.
    w.sandbox.set_latency(std::time::Duration::from_millis(1500));
    let child = w.spawn_setup(&token, &[], &[]);
    // The remote switch is the first change: once it is on disk, apply is under way.
    w.wait_for("the remote switch", std::time::Duration::from_secs(30), || {
        std::fs::read_to_string(w.ws.repo.join(".git/config")).is_ok_and(|c| c.contains("url = http://"))
    });
    // Like a terminal's Ctrl-C: SIGINT to the whole process group, git children included.
    let status = std::process::Command::new("kill").args(["-INT", "--", &format!("-{}", child.id())]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("rolled back"), "{err}");
    w.sandbox.set_latency(std::time::Duration::ZERO);
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), ssh_url, "the remote switch was rolled back");
    let filled = w.filled();
    assert!(!filled.contains(&token), "the new token was removed again");
    assert!(filled.contains(PASSWORD), "the old login was stored again: {filled}");
    assert!(
        std::fs::read_dir(w.state_dir()).map(|d| d.count()).unwrap_or(0) == 0,
        "no undo entry is left for a rolled-back run"
    );
}

#[test]
fn without_a_helper_git_cache_or_a_0600_file_can_be_chosen() {
    for (store, file_holds_token) in [("cache", false), ("file", true)] {
        let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
        let token = w.good_token();
        let a = w.setup(&token, &["--switch-remote", "--store", store]).success();
        assert!(stdout(&a).contains(if store == "cache" { "memory only" } else { "plaintext" }), "{}", stdout(&a));
        w.git_ok(&["push", "origin", "HEAD:main"]);
        let creds = w.ws.home.join(".git-credentials");
        assert_eq!(creds.exists(), file_holds_token, "{store}");
        if file_holds_token {
            assert!(std::fs::read_to_string(&creds).unwrap().contains(&token));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                assert_eq!(std::fs::metadata(&creds).unwrap().permissions().mode() & 0o777, 0o600);
            }
        } else {
            // Stop the cache daemon git started for this world.
            let _ = w.git(&["credential-cache", "exit"]);
        }
        w.cmd(&["undo"]).assert().success();
        let helper =
            w.git(&["config", "--global", "--get-all", &format!("credential.{}.helper", w.sandbox.host_url())]);
        assert!(helper.stdout.is_empty(), "undo removed the host's helper ({store})");
    }
}
