//! The GitHub host we work against (`--host-url`): github.com, a GHES host, or the
//! sandbox on loopback.

use crate::model::remote::RepoRef;

/// A validated host URL: scheme + host + optional port, nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostUrl {
    scheme: String,
    host: String,
    port: Option<u16>,
}

/// Why a `--host-url` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostUrlError {
    #[error("`{0}` is not a URL (expected e.g. https://github.com)")]
    Garbage(String),
    #[error("`{0}`: only https:// (or http:// on loopback) is supported")]
    Scheme(String),
    #[error("`{0}`: plain http:// is only allowed for 127.0.0.1, ::1 or localhost")]
    InsecureHttp(String),
    #[error("`{0}`: the host URL must not have a path, query or user name (use e.g. https://github.example.com)")]
    HasPath(String),
}

impl HostUrl {
    /// Parse and validate a `--host-url` value.
    pub fn parse(s: &str) -> Result<HostUrl, HostUrlError> {
        let garbage = || HostUrlError::Garbage(s.to_string());
        let t = s.trim_matches(|c: char| c == ' ');
        if t.is_empty() || t.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(garbage());
        }
        let Some((scheme, rest)) = t.split_once("://") else {
            return Err(garbage());
        };
        let scheme = scheme.to_ascii_lowercase();
        let valid_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid_scheme {
            return Err(garbage());
        }
        if scheme != "https" && scheme != "http" {
            return Err(HostUrlError::Scheme(s.to_string()));
        }
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#', '@', '\\']) {
            return Err(HostUrlError::HasPath(s.to_string()));
        }
        if authority.is_empty() {
            return Err(garbage());
        }
        let parsed = url::Url::parse(&format!("{scheme}://{authority}/")).map_err(|_| garbage())?;
        let host = match parsed.host() {
            Some(url::Host::Domain(d)) if !d.is_empty() => d.to_ascii_lowercase(),
            Some(url::Host::Ipv4(a)) => a.to_string(),
            Some(url::Host::Ipv6(a)) => a.to_string(),
            _ => return Err(garbage()),
        };
        if scheme == "http" && !is_loopback(&host) {
            return Err(HostUrlError::InsecureHttp(s.to_string()));
        }
        // `Url::port` is `None` for the scheme's default port.
        Ok(HostUrl { scheme, host, port: parsed.port() })
    }
    /// `https://github.com`.
    pub fn github() -> HostUrl {
        HostUrl { scheme: "https".into(), host: "github.com".into(), port: None }
    }
    /// True for github.com (its API lives on api.github.com).
    pub fn is_dotcom(&self) -> bool {
        self.host == "github.com" && self.port.is_none()
    }
    /// `https` or `http`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
    /// Host name only, lower-case (IPv6 without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }
    /// Host as git's credential protocol names it: `github.com`, `127.0.0.1:8080`, `[::1]:8080`.
    pub fn host_port(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        match self.port {
            Some(p) if Some(p) != default_port(&self.scheme) => format!("{host}:{p}"),
            _ => host,
        }
    }
    /// `https://github.com` (no trailing slash).
    pub fn base(&self) -> String {
        format!("{}://{}", self.scheme, self.host_port())
    }
    /// `https://api.github.com` for github.com, `{base}/api/v3` otherwise.
    pub fn api_base(&self) -> String {
        if self.is_dotcom() { "https://api.github.com".to_string() } else { format!("{}/api/v3", self.base()) }
    }
    /// The HTTPS (or loopback HTTP) remote URL for a repository: `{base}/OWNER/REPO.git`.
    pub fn repo_url(&self, repo: &RepoRef) -> String {
        format!("{}/{}/{}.git", self.base(), repo.owner, repo.name)
    }
    /// True when a remote's host name belongs to this host: equal (ASCII case-insensitive)
    /// or `ssh.` + our host name (ssh.github.com). Ports are ignored.
    pub fn owns_remote_host(&self, remote_host: &str) -> bool {
        let h = strip_port(remote_host);
        let h = h.strip_suffix('.').unwrap_or(h);
        if h.eq_ignore_ascii_case(&self.host) {
            return true;
        }
        h.len() > 4
            && h.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("ssh."))
            && h.get(4..).is_some_and(|rest| rest.eq_ignore_ascii_case(&self.host))
    }
    /// Pre-filled page for a classic token with `repo,workflow` and the description
    /// `git-reauth on <machine>` (URL-encoded).
    pub fn classic_token_url(&self, machine: &str) -> String {
        format!(
            "{}/settings/tokens/new?scopes=repo,workflow&description={}",
            self.base(),
            percent_encode(&format!("git-reauth on {machine}"))
        )
    }
    /// Pre-filled page for a fine-grained token owned by `owner` (when known) with
    /// `contents=write`, 90 days.
    pub fn fine_grained_token_url(&self, machine: &str, owner: Option<&str>) -> String {
        let name: String = format!("git-reauth on {machine}").chars().take(FINE_GRAINED_NAME_MAX).collect();
        let mut url = format!("{}/settings/personal-access-tokens/new?name={}", self.base(), percent_encode(&name));
        if let Some(owner) = owner {
            url.push_str("&target_name=");
            url.push_str(&percent_encode(owner));
        }
        url.push_str("&contents=write&expires_in=90");
        url
    }
}

impl HostUrl {
    /// The port in use: the explicit one, or the scheme's default (443/80).
    /// The port when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port.filter(|p| Some(*p) != default_port(&self.scheme))
    }

    pub fn effective_port(&self) -> u16 {
        self.port.or_else(|| default_port(&self.scheme)).unwrap_or(443)
    }
}

impl std::fmt::Display for HostUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.host_port())
    }
}

/// GitHub's limit on a fine-grained token's name.
const FINE_GRAINED_NAME_MAX: usize = 40;

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    }
}

/// True for 127.0.0.0/8, ::1 and localhost (host as stored: lower-case, no brackets).
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match h.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) => a.is_loopback(),
        Ok(std::net::IpAddr::V6(a)) => a.is_loopback(),
        Err(_) => false,
    }
}

/// `host`, `host:22`, `[::1]`, `[::1]:22` or bare `::1` → host name without port/brackets.
fn strip_port(h: &str) -> &str {
    if let Some(inner) = h.strip_prefix('[') {
        return inner.split(']').next().unwrap_or(inner);
    }
    match h.matches(':').count() {
        1 => h.split(':').next().unwrap_or(h),
        _ => h,
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters (space → `%20`).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(s: &str) -> HostUrl {
        HostUrl::parse(s).unwrap()
    }

    #[test]
    fn parse_accepts() {
        // (input, scheme, host, host_port, base)
        let table = [
            ("https://github.com", "https", "github.com", "github.com", "https://github.com"),
            ("https://github.com/", "https", "github.com", "github.com", "https://github.com"),
            ("HTTPS://GitHub.COM", "https", "github.com", "github.com", "https://github.com"),
            ("https://github.com:443", "https", "github.com", "github.com", "https://github.com"),
            ("https://ghe.corp:8443/", "https", "ghe.corp", "ghe.corp:8443", "https://ghe.corp:8443"),
            ("http://127.0.0.1:8080", "http", "127.0.0.1", "127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.1.2.3:80", "http", "127.1.2.3", "127.1.2.3", "http://127.1.2.3"),
            ("http://[::1]:8080", "http", "::1", "[::1]:8080", "http://[::1]:8080"),
            ("http://localhost:9", "http", "localhost", "localhost:9", "http://localhost:9"),
            ("http://LOCALHOST", "http", "localhost", "localhost", "http://localhost"),
            ("https://[::1]", "https", "::1", "[::1]", "https://[::1]"),
        ];
        for (input, scheme, host, host_port, base) in table {
            let u = h(input);
            assert_eq!(u.scheme(), scheme, "{input}");
            assert_eq!(u.host(), host, "{input}");
            assert_eq!(u.host_port(), host_port, "{input}");
            assert_eq!(u.base(), base, "{input}");
            assert_eq!(u.to_string(), host_port, "{input}");
        }
    }

    #[test]
    fn parse_rejects() {
        use HostUrlError as E;
        type Case = (&'static str, fn(String) -> HostUrlError);
        let table: [Case; 21] = [
            ("", E::Garbage),
            ("   ", E::Garbage),
            ("github.com", E::Garbage),
            ("not a url", E::Garbage),
            ("https://", E::Garbage),
            ("https:///", E::Garbage),
            ("https://git hub.com", E::Garbage),
            ("https://github.com\n", E::Garbage),
            ("https://github.com:99999", E::Garbage),
            ("ftp://github.com", E::Scheme),
            ("ssh://github.com", E::Scheme),
            ("git@github.com:o/r", E::Garbage),
            ("http://github.com", E::InsecureHttp),
            ("http://10.0.0.1:8080", E::InsecureHttp),
            ("http://localhost.evil.com", E::InsecureHttp),
            ("https://github.com/o", E::HasPath),
            ("https://github.com//", E::HasPath),
            ("https://github.com?x=1", E::HasPath),
            ("https://github.com#frag", E::HasPath),
            ("https://user@github.com", E::HasPath),
            ("https://u:p@github.com", E::HasPath),
        ];
        for (input, err) in table {
            assert_eq!(HostUrl::parse(input), Err(err(input.to_string())), "{input:?}");
        }
    }

    #[test]
    fn dotcom_and_api() {
        assert!(HostUrl::github().is_dotcom());
        assert_eq!(h("https://GitHub.com/"), HostUrl::github());
        assert_eq!(HostUrl::github().api_base(), "https://api.github.com");
        assert!(!h("https://ghe.corp").is_dotcom());
        assert_eq!(h("https://ghe.corp").api_base(), "https://ghe.corp/api/v3");
        assert_eq!(h("http://127.0.0.1:8080").api_base(), "http://127.0.0.1:8080/api/v3");
        assert!(!h("https://github.com:8443").is_dotcom());
        assert_eq!(HostUrl::github().effective_port(), 443);
        assert_eq!(h("http://localhost").effective_port(), 80);
        assert_eq!(h("http://localhost:8080").effective_port(), 8080);
    }

    #[test]
    fn repo_url() {
        let r = RepoRef { owner: "octo".into(), name: "hello".into() };
        assert_eq!(HostUrl::github().repo_url(&r), "https://github.com/octo/hello.git");
        assert_eq!(h("http://[::1]:8080").repo_url(&r), "http://[::1]:8080/octo/hello.git");
    }

    #[test]
    fn owns_remote_host() {
        let gh = HostUrl::github();
        for yes in ["github.com", "GitHub.com", "ssh.github.com", "SSH.GitHub.com", "github.com:22", "github.com."] {
            assert!(gh.owns_remote_host(yes), "{yes}");
        }
        for no in ["gitlab.com", "evilgithub.com", "github.com.evil", "api.github.com", "ssh.", "", "ssh.gitlab.com"] {
            assert!(!gh.owns_remote_host(no), "{no}");
        }
        let v6 = h("http://[::1]:8080");
        assert!(v6.owns_remote_host("::1"));
        assert!(v6.owns_remote_host("[::1]:22"));
        assert!(!v6.owns_remote_host("127.0.0.1"));
    }

    #[test]
    fn token_urls() {
        let gh = HostUrl::github();
        assert_eq!(
            gh.classic_token_url("my laptop"),
            "https://github.com/settings/tokens/new?scopes=repo,workflow&description=git-reauth%20on%20my%20laptop"
        );
        assert_eq!(
            gh.classic_token_url("a&b=c/é"),
            "https://github.com/settings/tokens/new?scopes=repo,workflow&description=git-reauth%20on%20a%26b%3Dc%2F%C3%A9"
        );
        assert_eq!(
            gh.fine_grained_token_url("box", Some("octo")),
            "https://github.com/settings/personal-access-tokens/new?name=git-reauth%20on%20box&target_name=octo&contents=write&expires_in=90"
        );
        assert_eq!(
            h("https://ghe.corp").fine_grained_token_url("box", None),
            "https://ghe.corp/settings/personal-access-tokens/new?name=git-reauth%20on%20box&contents=write&expires_in=90"
        );
        let long = gh.fine_grained_token_url(&"x".repeat(100), None);
        let name = long.split("name=").nth(1).unwrap().split('&').next().unwrap();
        assert_eq!(name, format!("git-reauth%20on%20{}", "x".repeat(40 - 14)));
    }

    #[test]
    fn loopback() {
        for yes in ["127.0.0.1", "127.255.0.9", "::1", "[::1]", "localhost"] {
            assert!(is_loopback(yes), "{yes}");
        }
        for no in ["128.0.0.1", "::2", "localhost.com", "example.com", ""] {
            assert!(!is_loopback(no), "{no}");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in ".*") {
            if let Ok(u) = HostUrl::parse(&s) {
                prop_assert!(u.base().starts_with("http"));
                prop_assert!(!u.host().is_empty());
                prop_assert!(u.base().chars().all(|c| c.is_ascii_graphic()), "{}", u.base());
            }
        }

        #[test]
        fn base_reparses_to_itself(s in "(https|http)://[a-zA-Z0-9.:\\[\\]-]{1,30}/?") {
            if let Ok(u) = HostUrl::parse(&s) {
                let again = HostUrl::parse(&u.base()).unwrap();
                prop_assert_eq!(&again, &u);
                prop_assert_eq!(again.base(), u.base());
            }
        }

        #[test]
        fn token_urls_are_single_line_and_encoded(machine in ".*", owner in proptest::option::of(".*")) {
            let gh = HostUrl::github();
            for url in [gh.classic_token_url(&machine), gh.fine_grained_token_url(&machine, owner.as_deref())] {
                prop_assert!(url.chars().all(|c| c.is_ascii_graphic()), "{}", url);
            }
        }
    }
}
