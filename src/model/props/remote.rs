//! Remote URLs: parse, classify, to_https, redact, rewrite.

use proptest::prelude::*;

use super::{check, input, long, long_cases};
use crate::model::credential;
use crate::model::host::HostUrl;
use crate::model::remote::{Classified, InsteadOf, classify, parse, redact, rewrite, to_https};

const T: &str = "remote";

fn hosts() -> [HostUrl; 2] {
    [HostUrl::github(), HostUrl::parse("http://127.0.0.1:8080").unwrap_or_else(|_| HostUrl::github())]
}

/// Everything a remote URL goes through, with the invariants that must hold for any input.
fn remote_invariants(s: &str) -> Result<(), TestCaseError> {
    if let Ok(r) = parse(s) {
        prop_assert!(!s.chars().any(char::is_control), "parsed a URL with control characters");
        if let Some(h) = &r.host {
            prop_assert!(!h.chars().any(char::is_control));
            // The credential request git-reauth builds for this remote is exactly three
            // protocol lines and the blank line: a host or path can inject nothing.
            let c =
                credential::Credential { path: Some(r.path.clone()), ..credential::Credential::for_host("https", h) };
            if let Ok(text) = c.render() {
                prop_assert_eq!(text.matches('\n').count(), 4, "{:?}", text);
            }
        }
    }
    let red = redact(s);
    prop_assert!(red.matches('\n').count() <= s.matches('\n').count(), "redact added lines");
    for host in hosts() {
        if let Classified::GitHub { repo, .. } = classify(s, &host) {
            for seg in [&repo.owner, &repo.name] {
                prop_assert!(!seg.is_empty() && seg != "." && seg != "..", "{:?}", seg);
                prop_assert!(!seg.contains(['/', '\\']) && !seg.chars().any(|c| c.is_control() || c.is_whitespace()));
            }
        }
        let Some(url) = to_https(s, &host) else { continue };
        prop_assert!(url.chars().all(|c| c.is_ascii_graphic()), "{}", url);
        prop_assert!(url.starts_with(&format!("{}/", host.base())) && url.ends_with(".git"), "{}", url);
        prop_assert!(!url.contains("/../") && !url.contains("/./") && !url.contains('@'), "{}", url);
        prop_assert_eq!(to_https(&url, &host), Some(url.clone()), "not idempotent");
        // Handed to git as `url=`, it parses to protocol/host/path lines only.
        let c = credential::parse(format!("url={url}\n").as_bytes());
        prop_assert!(c.is_ok(), "{:?}", c.err());
        let text = c.map_err(|e| TestCaseError::fail(e.to_string()))?.render();
        prop_assert!(text.as_ref().is_ok_and(|t| t.matches('\n').count() == 4), "{:?}", text);
    }
    Ok(())
}

#[test]
fn remote_urls_hold_their_invariants() {
    check(T, "invariants", super::cases(), input(), |s| remote_invariants(&s));
}

#[test]
fn remote_urls_of_100_kb() {
    check(T, "long", long_cases(), long(), |s| remote_invariants(&s));
}

#[test]
fn tokens_in_userinfo_never_survive_redact() {
    let strategy = (
        prop_oneof![Just(""), Just("https://"), Just("http://"), Just("ssh://"), Just("git://"), Just("HTTPS://")],
        "(ghp_|gho_|github_pat_)[A-Za-z0-9_]{8,40}",
        prop_oneof![Just(String::new()), "[a-z-]{1,8}:".prop_map(String::from)],
        input(),
    );
    check(T, "redact-token", super::cases(), strategy, |(scheme, token, user, rest)| {
        // `user:TOKEN@rest` (password) or `TOKEN@rest` (token as the user name).
        let url = format!("{scheme}{user}{token}@{rest}");
        let red = redact(&url);
        prop_assert!(!red.contains(&token), "{:?} -> {:?}", url, red);
        Ok(())
    });
}

#[test]
fn ipv6_hosts_parse_with_brackets_removed() {
    let strategy = (any::<std::net::Ipv6Addr>(), proptest::option::of(1u16..), any::<bool>());
    check(T, "ipv6", super::cases(), strategy, |(addr, port, ssh)| {
        let port_part = port.map(|p| format!(":{p}")).unwrap_or_default();
        let url = if ssh {
            format!("ssh://git@[{addr}]{port_part}/o/r.git")
        } else {
            format!("https://[{addr}]{port_part}/o/r.git")
        };
        let r = parse(&url).map_err(|e| TestCaseError::fail(format!("{url}: {e}")))?;
        prop_assert_eq!(r.host, Some(addr.to_string()));
        // https's default port is the same as none (the URL standard drops it).
        let expected = if !ssh && port == Some(443) { None } else { port };
        prop_assert_eq!(r.port, expected);
        prop_assert_eq!(to_https(&url, &HostUrl::github()), None, "an IP host is not github.com");
        Ok(())
    });
}

#[test]
fn dot_segments_never_name_a_repository() {
    let seg = prop_oneof![Just(".."), Just("."), Just("%2e%2e"), Just("..git"), Just("o"), Just("a..b"), Just("")];
    let strategy = (
        prop_oneof![Just("https://github.com/"), Just("git@github.com:"), Just("ssh://git@github.com/")],
        proptest::collection::vec(seg, 1..5),
    );
    check(T, "dot-segments", super::cases(), strategy, |(base, segs)| {
        let url = format!("{base}{}.git", segs.join("/"));
        if let Some(https) = to_https(&url, &HostUrl::github()) {
            let path = https.trim_start_matches("https://github.com/").trim_end_matches(".git");
            prop_assert!(path.split('/').all(|s| s != ".." && s != "." && !s.is_empty()), "{} -> {}", url, https);
        }
        Ok(())
    });
}

#[test]
fn rewrite_with_hostile_rules_never_panics() {
    let rule =
        (input(), input(), any::<bool>()).prop_map(|(base, prefix, push_only)| InsteadOf { base, prefix, push_only });
    let strategy = (input(), proptest::collection::vec(rule, 0..4), any::<bool>());
    check(T, "rewrite", super::cases(), strategy, |(url, rules, push)| {
        let out = rewrite(&url, &rules, push);
        // No rule matches: the URL is unchanged; one does: it starts with that rule's base.
        prop_assert!(out == url || rules.iter().any(|r| out.starts_with(&r.base)));
        Ok(())
    });
}

#[test]
fn an_explicit_default_port_on_https_is_no_port() {
    // The case scripts/fuzz found: the property expected the port back as written.
    let r = parse("https://[::ffff:0.0.0.0]:443/o/r.git").unwrap();
    assert_eq!((r.host.as_deref(), r.port), (Some("::ffff:0.0.0.0"), None));
    let r = parse("ssh://git@[::1]:443/o/r.git").unwrap();
    assert_eq!(r.port, Some(443), "ssh keeps every port");
}

/// Every form git reads as github.com's OWNER/REPO (bracketed, percent-encoded, `/~`
/// aside) names that repository; the same path under `https://ssh.github.com` never does.
#[test]
fn every_git_form_of_a_github_repository_names_it() {
    // No `..` anywhere (never a repository name) and no leading `-` (git blocks it as
    // an ssh option) by construction.
    let seg = "[A-Za-z0-9_](\\.?[A-Za-z0-9_-]){0,6}";
    let strategy = (seg, seg, 0..8usize, proptest::collection::vec(any::<bool>(), 0..24), any::<bool>());
    check(T, "git-forms", super::cases(), strategy, |(owner, name, form, picks, dotgit)| {
        // A name ending in `.git` loses it (as git's own `.git` suffix).
        let name = if name.ends_with(".git") { format!("{name}x") } else { name };
        // Percent-encode some characters of the path (git decodes ssh:// and https:// paths).
        let mut picks = picks.into_iter().cycle();
        let mut enc = |s: &str| -> String {
            s.chars()
                .map(|c| if picks.next().unwrap_or(false) { format!("%{:02x}", c as u32) } else { c.to_string() })
                .collect()
        };
        let suffix = if dotgit { ".git" } else { "" };
        let path = format!("{owner}/{name}{suffix}");
        let url = match form {
            0 => format!("[git@github.com]:{path}"),
            1 => format!("[git@github.com:22]:{path}"),
            2 => format!("ssh://[git@github.com]:22/{}/{}{suffix}", enc(&owner), enc(&name)),
            3 => format!("ssh://git@github.com/{}/{}{suffix}", enc(&owner), enc(&name)),
            4 => format!("https://github.com/{}/{}{suffix}/", enc(&owner), enc(&name)),
            5 => format!("git://github.com/{path}"),
            6 => format!("git@ssh.github.com:{path}"),
            _ => format!("ssh://git@[github.com]:22/{path}"),
        };
        let gh = HostUrl::github();
        match classify(&url, &gh) {
            Classified::GitHub { repo, .. } => {
                prop_assert_eq!((repo.owner.as_str(), repo.name.as_str()), (owner.as_str(), name.as_str()), "{}", url);
            }
            other => prop_assert!(false, "{}: {:?} ({:?})", url, other, crate::model::remote::mismatch(&url, &gh)),
        }
        let ssh_only = format!("https://ssh.github.com/{path}");
        let refused = !matches!(classify(&ssh_only, &gh), Classified::GitHub { .. });
        prop_assert!(refused, "{}", ssh_only);
        prop_assert!(crate::model::remote::mismatch(&ssh_only, &gh).is_some_and(|m| m.contains("only SSH")));
        Ok(())
    });
}
