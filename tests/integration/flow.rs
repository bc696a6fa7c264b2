//! The broken workstation, fixed end to end, and the other happy paths.

use git_reauth::sandbox::workstation::HelperKind;

use crate::support::*;

fn check<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no check {id}: {json}"))
}

#[test]
fn broken_workstation_is_diagnosed_fixed_pushed_and_undone() {
    let w = World::broken();
    let ssh_url = w.git_ok(&["remote", "get-url", "origin"]);
    assert!(ssh_url.starts_with("git@127.0.0.1:"), "{ssh_url}");
    // Before: git push fails (SSH host is not reachable / password is stale).
    let before = w.remote_head();

    // doctor names the problems and exits 1.
    let a = w.cmd(&["doctor", "--json"]).assert().code(1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(json["healthy"], false);
    assert_eq!(check(&json, "cached-credential")["status"], "fail");
    assert_eq!(check(&json, "cached-credential")["kind"], "password_rejected", "{json}");
    assert!(check(&json, "cached-credential")["fix"].is_string());
    assert_eq!(check(&json, "remote-protocol")["status"], "warn");
    assert!(check(&json, "remote-protocol")["summary"].as_str().unwrap().contains("SSH"));
    assert_eq!(check(&json, "credential-helper")["status"], "ok");
    assert!(check(&json, "credential-helper")["summary"].as_str().unwrap().contains("store"), "{json}");
    assert_eq!(check(&json, "live-auth")["status"], "fail");
    // Human output: one line per check.
    let a = w.cmd(&["doctor"]).assert().code(1);
    let text = stdout(&a);
    for id in ["git-version", "repository", "remote-protocol", "cached-credential", "live-auth"] {
        assert!(text.lines().any(|l| l.contains(id)), "{id} missing in:\n{text}");
    }
    assert!(!text.contains('\x1b'), "no colour without a tty");

    // Dry run: plan printed, nothing changed.
    let token = w.good_token();
    let snap = w.snapshot();
    let a = w.setup(&token, &["--switch-remote", "--dry-run"]).success();
    let out = stdout(&a);
    assert!(out.contains("Plan:"), "{out}");
    assert!(out.contains("set origin URL"), "{out}");
    assert!(out.contains("Dry run: nothing was changed."), "{out}");
    assert_eq!(w.snapshot(), snap, "dry run changed something");

    // The fix.
    let a = w.setup(&token, &["--switch-remote"]).success();
    let out = stdout(&a);
    assert!(out.contains("Done."), "{out}");
    assert!(out.contains("git credential fill returns the new token"), "{out}");
    let https = format!("{}/{OWNER}/{REPO}.git", w.sandbox.host_url());
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), https);
    assert!(w.filled().contains(&format!("password={token}")));

    // A real git push now succeeds.
    let local = w.git_ok(&["rev-parse", "HEAD"]);
    assert_ne!(local, before);
    w.git_ok(&["push", "origin", "HEAD:main"]);
    assert_eq!(w.remote_head(), local);

    // doctor is happy.
    let a = w.cmd(&["doctor"]).assert().code(0);
    assert!(stdout(&a).contains("healthy"), "{}", stdout(&a));

    // undo restores the remote, keeps the token, says so.
    let a = w.cmd(&["undo", "--dry-run"]).assert().success();
    assert!(stdout(&a).contains("Would revert"));
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), https);
    let a = w.cmd(&["undo"]).assert().success();
    let out = stdout(&a);
    assert!(out.contains("cannot be restored"), "{out}");
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), ssh_url);
    // The command undo gives for removing the token works, for this host.
    let remove = out.split("Remove it with: ").nth(1).and_then(|r| r.lines().next()).expect("a command to remove it");
    assert!(w.filled().contains("password="), "the token is still stored before");
    let sh = std::process::Command::new("sh")
        .args(["-c", remove])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .envs(w.vars())
        .current_dir(&w.ws.repo)
        .output()
        .unwrap();
    assert!(sh.status.success(), "{remove}: {}", String::from_utf8_lossy(&sh.stderr));
    assert!(!w.filled().contains("password="), "`{remove}` removed the token");
    // Nothing left to undo.
    let a = w.cmd(&["undo"]).assert().code(1);
    assert!(stderr(&a).contains("nothing to undo"), "{}", stderr(&a));
}

#[test]
fn status_reports_login_kind_scopes_and_where_it_is_stored() {
    let w = World::broken();
    let a = w.cmd(&["status", "--json"]).assert().code(1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["kind"], "unknown");
    assert!(json["problem"].as_str().unwrap().contains("password"));

    let token = w.expiring_token(30);
    w.setup(&token, &[]).success();
    let a = w.cmd(&["status", "--json"]).assert().success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["login"], LOGIN);
    assert_eq!(json["kind"], "classic");
    assert_eq!(json["scopes"], serde_json::json!(["repo"]));
    assert_eq!(json["stored_in"]["value"].as_str().unwrap().split_whitespace().next(), Some("store"));
    assert!((28..=30).contains(&json["days_left"].as_i64().unwrap()), "{json}");
    let a = w.cmd(&["status"]).assert().success();
    let text = stdout(&a);
    assert!(text.contains(&format!("logged in as {LOGIN}")), "{text}");
    assert!(text.contains(&format!("ghp_…{}", &token[token.len() - 4..])), "{text}");
}

#[test]
fn setup_without_switch_keeps_ssh_and_says_so() {
    let w = World::broken();
    let token = w.good_token();
    let ssh_url = w.git_ok(&["remote", "get-url", "origin"]);
    let a = w.setup(&token, &[]).success();
    assert!(stdout(&a).contains("uses SSH"), "{}", stdout(&a));
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), ssh_url);
    assert!(w.filled().contains(&format!("password={token}")));
}

#[test]
fn credential_cache_helper_is_replaced_too() {
    let w = World::with(Setup { helper: HelperKind::Cache, ..Setup::default() });
    assert!(w.filled().contains(&format!("password={PASSWORD}")), "the cache starts with the stale password");
    let token = w.good_token();
    w.setup(&token, &["--switch-remote"]).success();
    assert!(w.filled().contains(&format!("password={token}")));
    w.git_ok(&["push", "origin", "HEAD:main"]);
    assert_eq!(w.remote_head(), w.git_ok(&["rev-parse", "HEAD"]));
}

#[test]
fn insteadof_rule_forcing_ssh_is_reported_removed_and_restored_by_undo() {
    let w = World::with(Setup { ssh_remote: false, insteadof_ssh: true, ..Setup::default() });
    let gitconfig = std::fs::read_to_string(w.ws.home.join(".gitconfig")).unwrap();
    assert!(gitconfig.contains("insteadOf") || gitconfig.contains("insteadof"), "{gitconfig}");
    assert!(w.git_ok(&["remote", "get-url", "--push", "origin"]).starts_with("git@"));
    let a = w.cmd(&["doctor", "--json"]).assert().code(1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(check(&json, "insteadof")["status"], "warn", "{json}");
    assert!(check(&json, "remote-protocol")["summary"].as_str().unwrap().contains("insteadOf"), "{json}");

    let token = w.good_token();
    w.setup(&token, &["--switch-remote"]).success();
    let push_url = w.git_ok(&["remote", "get-url", "--push", "origin"]);
    assert!(push_url.starts_with("http://"), "{push_url}");
    w.git_ok(&["push", "origin", "HEAD:main"]);

    w.cmd(&["undo"]).assert().success();
    let after = std::fs::read_to_string(w.ws.home.join(".gitconfig")).unwrap();
    assert!(after.to_lowercase().contains("insteadof"), "undo restores the rule: {after}");
    assert!(w.git_ok(&["remote", "get-url", "--push", "origin"]).starts_with("git@"));
}

#[test]
fn fine_grained_write_token_works_and_doctor_says_so() {
    let w = World::broken();
    let token = w.fine_grained(git_reauth::sandbox::Access::Write);
    let a = w.setup(&token, &["--switch-remote"]).success();
    assert!(stdout(&a).contains("fine-grained token"), "{}", stdout(&a));
    w.git_ok(&["push", "origin", "HEAD:main"]);
    let a = w.cmd(&["doctor", "--json"]).assert().success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(check(&json, "repo-access")["status"], "ok");
    assert_eq!(check(&json, "token-scopes")["status"], "ok");
    assert!(check(&json, "token-expiry")["summary"].as_str().unwrap().contains("expires on"));
}

#[test]
fn doctor_warns_about_a_token_expiring_within_a_week() {
    let w = World::broken();
    let token = w.expiring_token(3);
    w.setup(&token, &["--switch-remote"]).success();
    let a = w.cmd(&["doctor", "--json"]).assert().success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(check(&json, "token-expiry")["status"], "warn", "{json}");
    assert_eq!(json["healthy"], true);
}

#[test]
fn doctor_outside_a_repository_checks_the_host_only() {
    let w = World::broken();
    let token = w.good_token();
    let outside = w.ws.home.clone();
    w.cmd_in(&outside, &["setup", "--token-stdin"]).write_stdin(format!("{token}\n")).assert().success();
    let a = w.cmd_in(&outside, &["doctor", "--json"]).assert().success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(check(&json, "repository")["status"], "skip");
    assert_eq!(check(&json, "cached-credential")["status"], "ok");
    assert_eq!(check(&json, "live-auth")["status"], "skip");
}

#[test]
fn every_contract_check_id_is_reported_and_every_fail_has_a_fix() {
    let w = World::broken();
    let a = w.cmd(&["doctor", "--json"]).assert().code(1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    for id in [
        "git-version",
        "repository",
        "remote-protocol",
        "insteadof",
        "credential-helper",
        "cached-credential",
        "token-scopes",
        "token-expiry",
        "repo-access",
        "sso",
        "live-auth",
    ] {
        let c = check(&json, id);
        assert!(["ok", "warn", "fail", "skip"].contains(&c["status"].as_str().unwrap()));
        if c["status"] == "fail" {
            assert!(c["fix"].as_str().is_some_and(|f| !f.is_empty()), "{id} fails without a fix");
        }
    }
}

#[test]
fn doctor_runs_network_checks_concurrently() {
    let w = World::broken();
    let token = w.good_token();
    w.setup(&token, &["--switch-remote"]).success();
    let before = w.sandbox.requests().len();
    w.cmd(&["doctor"]).assert().success();
    let reqs: Vec<_> = w.sandbox.requests().into_iter().skip(before).collect();
    // /user, /repos, and both info/refs probes start together: all within a short
    // window of each other, not one after another.
    let authed: Vec<_> = reqs.iter().filter(|r| r.auth != "none").collect();
    assert!(authed.len() >= 4, "{:?}", reqs.iter().map(|r| &r.path).collect::<Vec<_>>());
    assert!(authed.iter().any(|r| r.path.contains("git-receive-pack")));
    assert!(authed.iter().any(|r| r.path.ends_with("/user")));
    // Nothing was rejected by git: doctor never runs a failing git fetch.
    assert!(w.filled().contains(&format!("password={token}")));
}

/// The finding (issue 14): after `--remote upstream` the last line said "Now run `git
/// push`", which pushes to origin. It names the remote, and that push works.
#[test]
fn a_fix_of_another_remote_names_the_push_that_works() {
    let w = World::broken();
    let ssh = w.git_ok(&["remote", "get-url", "origin"]);
    w.git_ok(&["remote", "add", "upstream", &ssh]);
    let token = w.good_token();
    let a = w.setup(&token, &["--remote", "upstream", "--switch-remote"]).success();
    let out = stdout(&a);
    assert!(out.trim_end().ends_with("Now run `git push upstream`."), "{out}");
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), ssh, "origin was not asked for");
    w.git_ok(&["push", "upstream", "HEAD:main"]);
    assert_eq!(w.remote_head(), w.git_ok(&["rev-parse", "HEAD"]));
}
