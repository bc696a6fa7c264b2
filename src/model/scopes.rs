//! What GitHub's response headers say about a token: classic scopes (with GitHub's
//! implied scopes), expiry, SSO, rate limits.

use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::BTreeSet;

/// The scopes of a classic/OAuth token (`X-OAuth-Scopes`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(pub BTreeSet<String>);

/// Parse `X-OAuth-Scopes`. `None` when the header is absent (fine-grained and app
/// tokens have no scopes); `Some(empty)` when present but empty.
pub fn parse_scopes(header: Option<&str>) -> Option<Scopes> {
    let header = header?;
    Some(Scopes(header.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()))
}

impl Scopes {
    /// True when `scope` is granted directly or implied (`repo` ⇒ `public_repo`, …;
    /// `admin:X` ⇒ `write:X` ⇒ `read:X`).
    pub fn grants(&self, scope: &str) -> bool {
        self.effective().contains(scope)
    }
    /// The granted scopes plus everything they imply.
    pub fn effective(&self) -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        let mut todo: Vec<String> = self.0.iter().cloned().collect();
        while let Some(s) = todo.pop() {
            if all.insert(s.clone()) {
                todo.extend(implied(&s));
            }
        }
        all
    }
    /// What is missing to push over HTTPS: `None` when `repo` is granted (or
    /// `public_repo` and the repository is public).
    pub fn missing_for_push(&self, repo_is_public: bool) -> Option<&'static str> {
        let all = self.effective();
        if all.contains("repo") || (repo_is_public && all.contains("public_repo")) { None } else { Some("repo") }
    }
    /// "repo, workflow" (sorted), or "(none)".
    pub fn display(&self) -> String {
        if self.0.is_empty() {
            "(none)".into()
        } else {
            self.0.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
        }
    }
}

/// Parse `GitHub-Authentication-Token-Expiration`: `2027-02-01 00:00:00 UTC` or with
/// a numeric offset such as `+0200`.
///
/// Lenient: also accepts `GMT`, no zone at all (taken as UTC), and RFC 3339.
pub fn parse_expiry(header: &str) -> Option<DateTime<Utc>> {
    const NAIVE: &str = "%Y-%m-%d %H:%M:%S";
    let h = header.trim();
    let naive_utc = |s: &str| NaiveDateTime::parse_from_str(s.trim(), NAIVE).ok().map(|n| n.and_utc());
    for zone in [" UTC", " GMT", " Z"] {
        if let Some(rest) = h.strip_suffix(zone) {
            return naive_utc(rest);
        }
    }
    DateTime::parse_from_str(h, "%Y-%m-%d %H:%M:%S %z")
        .ok()
        .or_else(|| DateTime::parse_from_rfc3339(h).ok())
        .map(|d| d.with_timezone(&Utc))
        .or_else(|| naive_utc(h))
}

/// What `X-GitHub-SSO` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sso {
    /// `required; url=…`: the token must be authorized for an organization at `url`.
    Required { url: Option<String> },
    /// `partial-results; organizations=1,2`.
    Partial { organizations: Vec<u64> },
}

/// Parse `X-GitHub-SSO`; `None` when it says nothing we understand.
pub fn parse_sso(header: &str) -> Option<Sso> {
    let mut parts = header.split(';').map(str::trim);
    let head = parts.next()?.to_ascii_lowercase();
    let param = |name: &str| {
        header
            .split(';')
            .map(str::trim)
            .find_map(|p| p.split_once('=').filter(|(k, _)| k.trim().eq_ignore_ascii_case(name)))
            .map(|(_, v)| v.trim().to_string())
    };
    match head.as_str() {
        // The link goes into a hint on the terminal: refuse anything that is not one
        // clean token of text (no control characters, escapes or line breaks).
        "required" => Some(Sso::Required {
            url: param("url").filter(|u| !u.is_empty() && !u.chars().any(|c| c.is_control() || c.is_whitespace())),
        }),
        "partial-results" => Some(Sso::Partial {
            organizations: param("organizations")
                .map(|v| v.split(',').filter_map(|id| id.trim().parse().ok()).collect())
                .unwrap_or_default(),
        }),
        _ => None,
    }
}

/// Parse `x-ratelimit-reset` (epoch seconds).
pub fn parse_reset(header: &str) -> Option<DateTime<Utc>> {
    let secs: u64 = header.trim().parse().ok()?;
    DateTime::from_timestamp(i64::try_from(secs).ok()?, 0)
}

/// What one scope directly implies (GitHub's documented scope hierarchy).
fn implied(scope: &str) -> Vec<String> {
    let fixed: &[&str] = match scope {
        "repo" => &["repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events"],
        "user" => &["read:user", "user:email", "user:follow"],
        "project" => &["read:project"],
        _ => &[],
    };
    let mut out: Vec<String> = fixed.iter().map(|s| (*s).to_string()).collect();
    if let Some(x) = scope.strip_prefix("admin:") {
        out.push(format!("write:{x}"));
    } else if let Some(x) = scope.strip_prefix("write:") {
        out.push(format!("read:{x}"));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn scopes(h: &str) -> Scopes {
        parse_scopes(Some(h)).unwrap()
    }

    #[test]
    fn parse_header() {
        assert_eq!(parse_scopes(None), None);
        assert_eq!(parse_scopes(Some("")), Some(Scopes::default()));
        let table: [(&str, &[&str]); 5] = [
            ("repo, workflow", &["repo", "workflow"]),
            ("repo,workflow", &["repo", "workflow"]),
            ("  workflow ,, repo ,", &["repo", "workflow"]),
            (" , ", &[]),
            ("admin:org", &["admin:org"]),
        ];
        for (h, expected) in table {
            let got: Vec<String> = scopes(h).0.into_iter().collect();
            assert_eq!(got, expected, "{h:?}");
        }
    }

    #[test]
    fn implications() {
        let table: [(&str, &str, bool); 22] = [
            ("repo", "repo", true),
            ("repo", "public_repo", true),
            ("repo", "repo:status", true),
            ("repo", "repo_deployment", true),
            ("repo", "repo:invite", true),
            ("repo", "security_events", true),
            ("repo", "workflow", false),
            ("public_repo", "repo", false),
            ("admin:org", "write:org", true),
            ("admin:org", "read:org", true),
            ("write:org", "read:org", true),
            ("write:org", "admin:org", false),
            ("read:org", "write:org", false),
            ("admin:public_key", "read:public_key", true),
            ("admin:repo_hook", "write:repo_hook", true),
            ("admin:gpg_key", "read:gpg_key", true),
            ("write:packages", "read:packages", true),
            ("user", "read:user", true),
            ("user", "user:email", true),
            ("user", "user:follow", true),
            ("project", "read:project", true),
            ("", "repo", false),
        ];
        for (granted, asked, expected) in table {
            assert_eq!(scopes(granted).grants(asked), expected, "{granted} ⇒ {asked}");
        }
    }

    #[test]
    fn push() {
        let table = [
            ("repo", false, None),
            ("repo", true, None),
            ("public_repo", true, None),
            ("public_repo", false, Some("repo")),
            ("workflow, read:org", true, Some("repo")),
            ("", true, Some("repo")),
        ];
        for (h, public, expected) in table {
            assert_eq!(scopes(h).missing_for_push(public), expected, "{h} {public}");
        }
    }

    #[test]
    fn display() {
        assert_eq!(scopes("workflow, repo").display(), "repo, workflow");
        assert_eq!(scopes("").display(), "(none)");
        assert_eq!(scopes("gist").display(), "gist");
    }

    #[test]
    fn expiry() {
        let utc = |y, mo, d, h, mi, s| Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap();
        let table = [
            ("2027-02-01 00:00:00 UTC", Some(utc(2027, 2, 1, 0, 0, 0))),
            ("  2027-02-01 00:00:00 UTC ", Some(utc(2027, 2, 1, 0, 0, 0))),
            ("2023-04-26 20:23:26 +0200", Some(utc(2023, 4, 26, 18, 23, 26))),
            ("2023-04-26 20:23:26 -0500", Some(utc(2023, 4, 27, 1, 23, 26))),
            ("2023-04-26 20:23:26", Some(utc(2023, 4, 26, 20, 23, 26))),
            ("2023-04-26 20:23:26 GMT", Some(utc(2023, 4, 26, 20, 23, 26))),
            ("2023-04-26T20:23:26Z", Some(utc(2023, 4, 26, 20, 23, 26))),
            ("2023-04-26T20:23:26+01:00", Some(utc(2023, 4, 26, 19, 23, 26))),
            ("", None),
            ("never", None),
            ("2023-13-26 20:23:26 UTC", None),
            ("2023-04-26 UTC", None),
        ];
        for (h, expected) in table {
            assert_eq!(parse_expiry(h), expected, "{h:?}");
        }
    }

    #[test]
    fn sso_links_with_control_characters_are_dropped() {
        // Found by the property suite: the link is printed in a hint.
        assert_eq!(parse_sso("required; url=\u{1b}[2Jhttps://x"), Some(Sso::Required { url: None }));
        assert_eq!(parse_sso("required; url=https://a b"), Some(Sso::Required { url: None }));
    }

    #[test]
    fn sso() {
        let url = "https://github.com/orgs/ORG/sso?authorization_request=ABC";
        let table = [
            (format!("required; url={url}"), Some(Sso::Required { url: Some(url.into()) })),
            (format!("required;url= {url} ;x=y"), Some(Sso::Required { url: Some(url.into()) })),
            ("required".into(), Some(Sso::Required { url: None })),
            ("required; url=".into(), Some(Sso::Required { url: None })),
            (
                "partial-results; organizations=21955855,20582480".into(),
                Some(Sso::Partial { organizations: vec![21955855, 20582480] }),
            ),
            ("partial-results".into(), Some(Sso::Partial { organizations: vec![] })),
            ("".into(), None),
            ("nonsense; url=x".into(), None),
        ];
        for (h, expected) in table {
            assert_eq!(parse_sso(&h), expected, "{h:?}");
        }
    }

    #[test]
    fn reset() {
        assert_eq!(parse_reset("1700000000"), Some(Utc.timestamp_opt(1_700_000_000, 0).unwrap()));
        assert_eq!(parse_reset(" 0 "), Some(DateTime::UNIX_EPOCH));
        for bad in ["", "soon", "-5", "1.5", "99999999999999999999999"] {
            assert_eq!(parse_reset(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in ".{0,100}") {
            let _ = parse_expiry(&s);
            let _ = parse_sso(&s);
            let _ = parse_reset(&s);
            let sc = parse_scopes(Some(&s)).unwrap();
            prop_assert!(sc.0.iter().all(|x| !x.is_empty() && x.trim() == x && !x.contains(',')));
            let _ = sc.display();
            let _ = sc.grants("repo");
        }

        #[test]
        fn granted_scopes_are_granted(list in proptest::collection::vec("[a-z_:]{1,12}", 0..6)) {
            let sc = parse_scopes(Some(&list.join(","))).unwrap();
            for s in &list {
                prop_assert!(sc.grants(s));
            }
        }

        #[test]
        fn reset_round_trips(secs in 0i64..4_000_000_000) {
            prop_assert_eq!(parse_reset(&secs.to_string()).map(|d| d.timestamp()), Some(secs));
        }
    }
}
