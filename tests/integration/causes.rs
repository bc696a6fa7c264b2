//! Every message names the real cause (docs/github-answers.md): for each of GitHub's
//! answers the sandbox serves as GitHub does, `setup` stops with exit 1 and a line that
//! names the cause, and `doctor --json` carries the stable `kind` and a fix. Tests match
//! on kinds and on the facts a message must carry (a login, an owner, a permission),
//! not on its wording.

use git_reauth::sandbox::{Access, Fault, TokenKindSpec, TokenSpec};
use serde_json::Value;

use crate::support::*;

/// Replace what git's helpers hand out for the sandbox host with `token` for `login`
/// (as if an earlier fix had stored it), through git itself.
fn store(w: &World, login: &str, token: &str) {
    let hostport = w.sandbox.host_url().trim_start_matches("http://").to_string();
    for (op, input) in [
        ("reject", format!("protocol=http\nhost={hostport}\n\n")),
        ("approve", format!("protocol=http\nhost={hostport}\nusername={login}\npassword={token}\n\n")),
    ] {
        use std::io::Write;
        let mut child = w.ws.git(&["credential", op]).stdin(std::process::Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success(), "git credential {op}");
    }
    assert!(w.filled().contains(&format!("password={token}")), "the helper hands out the token now");
}

/// `doctor --json`: exit 1 (a check failed) and the report.
fn doctor(w: &World) -> Value {
    let a = w.cmd(&["doctor", "--json"]).assert().code(1);
    serde_json::from_str(&stdout(&a)).unwrap()
}

/// The check `id` of a report.
fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no {id}: {report}"))
}

/// Every failing check has a kind and a fix (the contract).
fn every_failure_has_a_kind(report: &Value) {
    for c in report["checks"].as_array().unwrap() {
        if c["status"] == "fail" {
            assert!(c["kind"].as_str().is_some_and(|k| !k.is_empty()), "a failure without a kind: {c}");
            assert!(c["fix"].as_str().is_some_and(|f| !f.is_empty()), "a failure without a fix: {c}");
        } else {
            assert!(c.get("kind").is_none(), "only failures have a kind: {c}");
        }
    }
}

/// `setup` fails with exit 1, one error line and a hint, and changes nothing; returns
/// (line, hint).
fn setup_fails(w: &World, token: &str) -> (String, String) {
    let snap = w.snapshot();
    let a = w.setup(token, &["--switch-remote"]).code(1);
    let err = stderr(&a);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.len() == 2 && lines[0].starts_with("error: ") && lines[1].starts_with("hint: "), "{err}");
    assert!(!err.contains(token), "the token leaked: {err}");
    assert_eq!(w.snapshot(), snap, "setup changed something although it failed");
    (lines[0].to_string(), lines[1].to_string())
}

#[test]
fn a_token_of_another_login_names_that_login() {
    let w = World::broken();
    w.sandbox.add_user("mona", "mona-password");
    let token = w.sandbox.issue_token(TokenSpec {
        login: "mona".into(),
        kind: TokenKindSpec::Classic { scopes: vec!["repo".into()] },
        expires_at: None,
    });
    let (line, _) = setup_fails(&w, &token);
    assert!(line.contains("octo/hello") && line.contains("mona"), "names the repository and the token's login: {line}");

    store(&w, "mona", &token);
    let report = doctor(&w);
    every_failure_has_a_kind(&report);
    let access = check(&report, "repo-access");
    assert_eq!(access["kind"], "repo_not_visible", "{access}");
    assert!(access["summary"].as_str().unwrap().contains("mona"), "{access}");
}

#[test]
fn the_owners_read_only_fine_grained_token_is_told_to_grant_contents_write() {
    let w = World::broken();
    let token = w.fine_grained(Access::Read);
    let (line, hint) = setup_fails(&w, &token);
    assert!(line.contains("Contents: read"), "{line}");
    assert!(
        !line.contains("no write access") && !hint.contains("ask an owner"),
        "the owner need not ask anyone: {hint}"
    );
    assert!(
        hint.contains("Contents: read and write") && hint.contains("/settings/personal-access-tokens/new"),
        "{hint}"
    );
    assert!(hint.contains("target_name=octo"), "pre-filled for the owner: {hint}");

    store(&w, LOGIN, &token);
    let report = doctor(&w);
    every_failure_has_a_kind(&report);
    let access = check(&report, "repo-access");
    assert_eq!(access["kind"], "read_only_token", "{access}");
    assert!(access["fix"].as_str().unwrap().contains("Contents: read and write"), "{access}");
}

#[test]
fn an_organization_that_forbids_classic_tokens_gets_a_fine_grained_link_for_it() {
    let w = World::with(Setup { owner: "acme", ..Setup::default() });
    w.sandbox.forbid_classic_tokens("acme");
    let token = w.good_token();
    let (line, hint) = setup_fails(&w, &token);
    // GitHub's own words, and the owner.
    assert!(line.contains("forbids access via a personal access token (classic)") && line.contains("acme"), "{line}");
    assert!(hint.contains("/settings/personal-access-tokens/new") && hint.contains("target_name=acme"), "{hint}");

    store(&w, LOGIN, &token);
    let report = doctor(&w);
    every_failure_has_a_kind(&report);
    let access = check(&report, "repo-access");
    assert_eq!(access["kind"], "classic_token_forbidden", "{access}");
    assert!(access["fix"].as_str().unwrap().contains("target_name=acme"), "{access}");
    // git's endpoint says the same to git.
    assert_eq!(check(&report, "live-auth")["kind"], "classic_token_forbidden", "{report}");

    // A fine-grained token for acme works: the policy is about classic tokens only.
    let fine = w.fine_grained(Access::Write);
    w.setup(&fine, &["--switch-remote"]).success();
    w.git_ok(&["push", "origin", "HEAD:main"]);
}

#[test]
fn resource_not_accessible_by_personal_access_token_names_the_permission() {
    let w = World::broken();
    w.sandbox.set_fault(Some(Fault::NotAccessibleByToken { accepted: "contents=write".into() }));
    let token = w.fine_grained(Access::Write);
    let (line, hint) = setup_fails(&w, &token);
    assert!(line.contains("Resource not accessible by personal access token"), "GitHub's words: {line}");
    assert!(line.contains("Contents: write") && hint.contains("Contents: write"), "{line}\n{hint}");
    assert!(!line.contains("unexpected") && !hint.contains("try again in a minute"), "{line}\n{hint}");

    store(&w, LOGIN, &token);
    let report = doctor(&w);
    every_failure_has_a_kind(&report);
    let access = check(&report, "repo-access");
    assert_eq!(access["kind"], "permission_missing", "{access}");
    assert!(access["fix"].as_str().unwrap().contains("Contents: write"), "{access}");
}

#[test]
fn a_secondary_rate_limit_without_retry_after_is_a_wait_never_a_revoked_token() {
    let w = World::broken();
    let token = w.good_token();
    w.sandbox.set_fault(Some(Fault::SecondaryRateLimitNoRetryAfter));
    let (line, hint) = setup_fails(&w, &token);
    assert!(line.contains("secondary rate limit"), "{line}");
    assert!(hint.contains("wait") && !format!("{line}{hint}").contains("revoked"), "{line}\n{hint}");

    store(&w, LOGIN, &token);
    let report = doctor(&w);
    every_failure_has_a_kind(&report);
    for id in ["network", "cached-credential"] {
        assert_eq!(check(&report, id)["kind"], "secondary_rate_limit", "{report}");
    }
    assert!(!report.to_string().contains("revoked"), "{report}");
}

#[test]
fn a_secondary_rate_limit_with_retry_after_says_how_long_to_wait() {
    let w = World::broken();
    let token = w.good_token();
    w.sandbox.set_fault(Some(Fault::SecondaryRateLimit { retry_after: 60 }));
    let (line, hint) = setup_fails(&w, &token);
    assert!(line.contains("secondary rate limit") && hint.contains("60 seconds"), "{line}\n{hint}");

    let report = doctor(&w);
    every_failure_has_a_kind(&report);
    let cached = check(&report, "cached-credential");
    assert_eq!(cached["kind"], "secondary_rate_limit", "{cached}");
    assert!(cached["fix"].as_str().unwrap().contains("60 seconds"), "{cached}");
}

#[test]
fn the_stale_password_of_the_broken_workstation_is_password_rejected() {
    let w = World::broken();
    let report = doctor(&w);
    every_failure_has_a_kind(&report);
    assert_eq!(check(&report, "cached-credential")["kind"], "password_rejected", "{report}");
    assert_eq!(check(&report, "remote-protocol")["status"], "warn", "SSH is a warning, not a failure");
}
