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

    // What git itself hears from the sandbox, as from GitHub: the owner's own login.
    w.git_ok(&["remote", "set-url", "origin", &format!("{}/{OWNER}/{REPO}.git", w.sandbox.host_url())]);
    let push = w.git(&["push", "origin", "HEAD:main"]);
    let said = String::from_utf8_lossy(&push.stderr);
    assert!(!push.status.success() && said.contains("Permission to octo/hello.git denied to octo."), "{said}");
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

#[cfg(target_os = "linux")]
use crate::faults::with_read_only;

#[cfg(target_os = "linux")]
#[test]
fn a_folder_the_store_helper_cannot_write_is_named() {
    // The undo journal elsewhere (writable), HOME read-only: git's store helper cannot
    // write ~/.git-credentials, and git says nothing (approve exits 0).
    let w = World::broken();
    let state = tempfile::tempdir().unwrap();
    let token = w.good_token();
    let snap = w.snapshot_files();
    let home = w.ws.home.display().to_string();
    let mut c = with_read_only(&w, &w.ws.home, "setup --token-stdin --switch-remote");
    let a = c.env("XDG_STATE_HOME", state.path()).write_stdin(format!("{token}\n")).assert().code(1);
    let err = stderr(&a);
    let line = err.lines().next().unwrap();
    assert!(line.contains(&home) && line.contains("store"), "names the helper and the folder: {err}");
    assert!(!line.contains("different credential"), "{err}");
    assert!(err.lines().nth(1).is_some_and(|h| h.contains(&home)), "{err}");
    assert!(!err.contains(&token));
    assert_eq!(w.snapshot_files(), snap, "rolled back");

    let mut c = with_read_only(&w, &w.ws.home, "doctor --json");
    let a = c.env("XDG_STATE_HOME", state.path()).assert().code(1);
    let report: Value = serde_json::from_str(&stdout(&a)).unwrap();
    every_failure_has_a_kind(&report);
    let helper = check(&report, "credential-helper");
    assert_eq!(helper["kind"], "store_not_writable", "{helper}");
    assert!(helper["summary"].as_str().unwrap().contains(&home), "{helper}");
    // Writable again: the same doctor has no such failure.
    let report = doctor(&w);
    assert_eq!(check(&report, "credential-helper")["status"], "ok", "{report}");
}

#[test]
fn the_readme_explains_every_kind_and_only_real_ones() {
    use git_reauth::model::kind::Kind;
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme.split("### Failure kinds").nth(1).unwrap().split("\n### ").next().unwrap();
    let listed: Vec<&str> =
        section.lines().filter_map(|l| l.strip_prefix("| `")).filter_map(|l| l.split('`').next()).collect();
    let known: Vec<String> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(listed, known, "the README's table lists every kind, in order, and no other");
    // docs/github-answers.md: the kind column of every answer names a real kind.
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/github-answers.md")).unwrap();
    let rows: Vec<&str> = docs.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| answer")).collect();
    assert!(rows.len() >= 8, "{rows:?}");
    for row in rows {
        let kind = row.split(" | ").nth(3).unwrap_or_else(|| panic!("no kind column: {row}"));
        assert!(known.iter().any(|k| format!("`{k}`") == kind.trim()), "not a kind: {kind} in {row}");
    }
}

#[test]
fn a_fine_grained_token_pending_the_organizations_approval_says_to_ask_for_it() {
    // GitHub's docs: until an owner approves it, the token reads only the organization's
    // public resources; a private repository answers 404, as for a token not granted it.
    let w = World::with(Setup { owner: "acme", ..Setup::default() });
    w.sandbox.require_token_approval("acme");
    let token = w.fine_grained(Access::Write);
    let (line, hint) = setup_fails(&w, &token);
    assert!(line.contains("acme/hello") && line.contains(LOGIN), "{line}");
    assert!(hint.contains("approve") && hint.contains("acme"), "names the approval and the organization: {hint}");

    store(&w, LOGIN, &token);
    let report = doctor(&w);
    every_failure_has_a_kind(&report);
    let access = check(&report, "repo-access");
    assert_eq!(access["kind"], "repo_not_visible", "{access}");
    assert!(access["fix"].as_str().unwrap().contains("approve"), "{access}");

    // Approved: the same token works.
    w.sandbox.approve_token(&token, "acme");
    w.setup(&token, &["--switch-remote"]).success();
    w.git_ok(&["push", "origin", "HEAD:main"]);
}
