//! Secrets in the places git lets people put them (a helper command, a rewrite rule's
//! base, a password with odd characters in a remote URL) never reach doctor's, status'
//! or setup's output, text or JSON.

use crate::support::*;

fn all_output(w: &World, runs: &[&[&str]]) -> String {
    let mut text = String::new();
    for args in runs {
        let out = w.cmd(args).output().unwrap();
        text.push_str(&String::from_utf8_lossy(&out.stdout));
        text.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    text
}

/// The finding: `!GH_TOKEN=ghp_… sh -c …` was shown as the helper's name (its first
/// word) in doctor, status (text and JSON).
#[test]
fn a_token_inside_a_helper_command_is_never_shown() {
    let w = World::broken();
    let token = w.good_token();
    let helper = format!("!GH_TOKEN={token} sh -c 'echo username=octo; echo password=$GH_TOKEN'");
    w.git_ok(&["config", "--global", "--add", "credential.helper", &helper]);
    let text = all_output(&w, &[&["doctor"], &["doctor", "--json"], &["status"], &["status", "--json"]]);
    assert!(!text.contains(&token), "the token leaked: {text}");
    assert!(text.contains("GH_TOKEN=***") || text.contains(" sh "), "the helper is still named: {text}");
    let json = w.cmd(&["status", "--json"]).output().unwrap().stdout;
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let helpers = json["helpers"].as_array().unwrap();
    assert!(helpers.iter().any(|h| h["value"].as_str().is_some_and(|v| v.starts_with("!GH_TOKEN=*** sh"))), "{json}");
}

/// The finding: with two rules matching, the check named the first (git applies the
/// longest) and printed it with the token embedded in its base.
#[test]
fn the_insteadof_check_names_the_rule_git_applies_with_its_secret_masked() {
    let w = World::broken();
    let token = w.good_token();
    let host = w.sandbox.host_url().trim_start_matches("http://").to_string();
    let short = format!("url.git@{host}:.insteadOf");
    let long = format!("url.ssh://octo:{token}@{host}/.insteadOf");
    w.git_ok(&["config", "--global", "--add", &short, &format!("http://{host}/")]);
    w.git_ok(&["config", "--global", "--add", &long, &format!("http://{host}/{OWNER}/")]);
    let text = all_output(&w, &[&["doctor"], &["doctor", "--json"]]);
    assert!(!text.contains(&token), "the token leaked: {text}");
    let json = w.cmd(&["doctor", "--json"]).output().unwrap().stdout;
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let check = json["checks"].as_array().unwrap().iter().find(|c| c["id"] == "insteadof").unwrap().clone();
    let summary = check["summary"].as_str().unwrap();
    assert!(summary.starts_with(&format!("url.ssh://octo:***@{host}/.insteadof rewrites")), "{summary}");
}

/// The finding: a password holding `\`, `?` or `#` in a remote URL was not redacted.
#[test]
fn a_password_with_odd_characters_in_the_remote_url_is_masked() {
    let w = World::broken();
    let host = w.sandbox.host_url().trim_start_matches("http://").to_string();
    for secret in ["pa?ss-1a2b3c", "pa#ss-1a2b3c", "pa\\ss-1a2b3c"] {
        let url = format!("http://octo:{secret}@{host}/{OWNER}/{REPO}.git");
        w.git_ok(&["remote", "set-url", "origin", &url]);
        let text = all_output(&w, &[&["doctor"], &["doctor", "--json"], &["status"]]);
        assert!(!text.contains(secret), "{secret} leaked: {text}");
        assert!(!text.contains("1a2b3c"), "part of {secret} leaked: {text}");
    }
}
