//! Remote URLs: parse every form git accepts for GitHub, classify them against a host,
//! convert to HTTPS, and apply git's `insteadOf` rewriting.

use crate::model::host::HostUrl;

/// How a remote URL reaches its server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Https,
    Http,
    /// `ssh://…` or scp-like `user@host:path`.
    Ssh,
    /// `git://…`
    Git,
    /// `file://…`
    File,
    /// A plain local path.
    Local,
    /// Any other `scheme://` (e.g. `ext::`, `hg::`); left alone.
    Other,
}

/// A parsed remote URL. Never holds a password: only whether one was there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteUrl {
    pub transport: Transport,
    /// The user name in the URL, if any (`git` in `git@github.com:o/r`).
    pub user: Option<String>,
    /// True when the URL carries a secret: a password (`user:pw@`) or a token-shaped user name.
    pub embeds_secret: bool,
    /// Host name, lower-case, IPv6 without brackets. `None` for local paths.
    pub host: Option<String>,
    pub port: Option<u16>,
    /// The path without a leading `/` (scp-like paths are relative), e.g. `o/r.git`.
    pub path: String,
}

/// `OWNER/REPO` of a GitHub repository.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct RepoRef {
    pub owner: String,
    pub name: String,
}

impl std::fmt::Display for RepoRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Why a remote URL could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteUrlError {
    #[error("the remote URL is empty")]
    Empty,
    #[error("the remote URL contains control characters")]
    ControlChars,
    #[error("the remote URL is not valid: {0}")]
    Invalid(String),
}

/// What a remote URL is, relative to our host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classified {
    /// A repository on our host.
    GitHub { repo: RepoRef, transport: Transport, embeds_secret: bool },
    /// A URL on some other host (gitlab.com, a mirror…), or our host but not OWNER/REPO.
    Foreign { host: String },
    /// A local path or file:// URL.
    Local,
}

/// Parse any remote URL form git accepts.
pub fn parse(s: &str) -> Result<RemoteUrl, RemoteUrlError> {
    if s.chars().any(char::is_control) {
        return Err(RemoteUrlError::ControlChars);
    }
    let s = s.trim_matches(' ');
    if s.is_empty() {
        return Err(RemoteUrlError::Empty);
    }
    if let Some((scheme, _)) = s.split_once("://")
        && is_scheme(scheme)
    {
        return parse_scheme_url(s, &scheme.to_ascii_lowercase());
    }
    // `<transport>::<address>`: a remote helper (ext::, hg::, …).
    if let Some((helper, address)) = s.split_once("::")
        && !helper.is_empty()
        && helper.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Ok(RemoteUrl {
            transport: Transport::Other,
            user: None,
            embeds_secret: false,
            host: None,
            port: None,
            path: address.to_string(),
        });
    }
    if is_local_path(s) {
        return Ok(local(Transport::Local, s));
    }
    parse_scp(s)
}

impl RemoteUrl {
    /// OWNER/REPO when the path is exactly two segments (trailing `.git` and `/` dropped).
    pub fn repo(&self) -> Option<RepoRef> {
        self.host.as_ref()?;
        let p = self.path.trim_end_matches('/');
        let p = p.strip_suffix(".git").unwrap_or(p);
        let (owner, name) = p.split_once('/')?;
        (valid_segment(owner) && valid_segment(name))
            .then(|| RepoRef { owner: owner.to_string(), name: name.to_string() })
    }
}

/// The URL with any password or token-shaped user name replaced by `***`: safe to print.
pub fn redact(url: &str) -> String {
    // The part that may hold `user[:password]@`, and where it starts.
    // Only a real `scheme://` starts an authority: in `TOKEN@host:p?x=https://…` the
    // user name comes first.
    let scheme_end = url.find("://").filter(|i| url.get(..*i).is_some_and(is_scheme));
    let (start, authority) = match scheme_end {
        Some(i) => {
            let rest = url.get(i + 3..).unwrap_or("");
            let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
            (i + 3, rest.get(..end).unwrap_or(rest))
        }
        None => {
            let end = url.find('/').unwrap_or(url.len());
            (0, url.get(..end).unwrap_or(url))
        }
    };
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let userinfo = authority.get(..at).unwrap_or("");
    let (user, password) = match userinfo.split_once(':') {
        Some((u, p)) => (u, Some(p)),
        None => (userinfo, None),
    };
    let mut out = String::with_capacity(url.len());
    out.push_str(url.get(..start).unwrap_or(""));
    out.push_str(if is_token_shaped_user(user) { "***" } else { user });
    if password.is_some() {
        out.push_str(":***");
    }
    out.push_str(url.get(start + at..).unwrap_or(""));
    out
}

/// Classify a remote URL against our host.
///
/// An unparseable URL is `Foreign` with an empty host (use [`parse`] for the reason).
pub fn classify(url: &str, host: &HostUrl) -> Classified {
    let Ok(r) = parse(url) else {
        return Classified::Foreign { host: String::new() };
    };
    let remote_host = match (r.transport, &r.host) {
        (Transport::Local | Transport::File, _) => return Classified::Local,
        (_, None) => {
            return Classified::Foreign { host: String::new() };
        }
        (_, Some(h)) => h.clone(),
    };
    let ours = match r.transport {
        Transport::Https | Transport::Http => {
            // An explicit port must be the host's; SSH/git ports are ignored.
            host.owns_remote_host(&remote_host) && r.port.is_none_or(|p| p == host.effective_port())
        }
        Transport::Ssh | Transport::Git => host.owns_remote_host(&remote_host),
        _ => false,
    };
    match (ours, r.repo()) {
        (true, Some(repo)) => Classified::GitHub { repo, transport: r.transport, embeds_secret: r.embeds_secret },
        _ => Classified::Foreign { host: remote_host },
    }
}

/// The HTTPS form (`{host.base()}/OWNER/REPO.git`) of a remote on our host; `None` for
/// anything else. Converting the result again yields the same string.
pub fn to_https(url: &str, host: &HostUrl) -> Option<String> {
    match classify(url, host) {
        Classified::GitHub { repo, .. } => Some(host.repo_url(&repo)),
        _ => None,
    }
}

/// One `url.<base>.insteadOf = <prefix>` (or `pushInsteadOf`) rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsteadOf {
    /// The replacement (`<base>` in `url.<base>.insteadOf`).
    pub base: String,
    /// The prefix it replaces.
    pub prefix: String,
    /// True for `pushInsteadOf`.
    pub push_only: bool,
}

/// Apply git's rewriting to a URL: the longest matching prefix wins. For a push URL
/// (`for_push`), a matching `pushInsteadOf` rule is preferred, then `insteadOf`
/// (git applies `pushInsteadOf` only to remotes without an explicit `pushurl`; the
/// caller decides that by passing `for_push`).
pub fn rewrite(url: &str, rules: &[InsteadOf], for_push: bool) -> String {
    let longest = |push_only: bool| {
        let mut best: Option<&InsteadOf> = None;
        for r in rules.iter().filter(|r| r.push_only == push_only) {
            // Like git: an empty prefix never matches; on a tie the first rule wins.
            if !r.prefix.is_empty()
                && url.starts_with(&r.prefix)
                && best.is_none_or(|b| r.prefix.len() > b.prefix.len())
            {
                best = Some(r);
            }
        }
        best
    };
    let rule = if for_push { longest(true).or_else(|| longest(false)) } else { longest(false) };
    match rule {
        Some(r) => format!("{}{}", r.base, url.get(r.prefix.len()..).unwrap_or("")),
        None => url.to_string(),
    }
}

/// True for a user name that is really a secret: a GitHub token prefix, or longer
/// than any plausible user name (over 30 characters).
pub fn is_token_shaped_user(user: &str) -> bool {
    const PREFIXES: [&str; 6] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];
    let lower = user.to_ascii_lowercase();
    PREFIXES.iter().any(|p| lower.starts_with(p)) || user.chars().count() > 30
}

fn is_scheme(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// git's `url_is_local_not_ssh`: no `:`, a `/` before the first `:`, or a DOS drive.
fn is_local_path(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return true;
    };
    if s.find('/').is_some_and(|slash| slash < colon) {
        return true;
    }
    let b = s.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b.len() == 2 || matches!(b[2], b'/' | b'\\'))
}

fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && !s.contains("..")
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn local(transport: Transport, path: &str) -> RemoteUrl {
    RemoteUrl { transport, user: None, embeds_secret: false, host: None, port: None, path: path.to_string() }
}

fn invalid(s: &str) -> RemoteUrlError {
    RemoteUrlError::Invalid(redact(s))
}

fn valid_host_name(h: &str) -> bool {
    !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// `[user@]host:path`, `[host]:path`, `user@[::1]:path`, `[user@host:port]:path`.
fn parse_scp(s: &str) -> Result<RemoteUrl, RemoteUrlError> {
    let colon = s.find(':').ok_or_else(|| invalid(s))?;
    let head = s.get(..colon).unwrap_or("");
    let (user, host_start) = match head.rfind('@') {
        Some(at) if !s.starts_with('[') => (Some(head.get(..at).unwrap_or("")), at + 1),
        _ => (None, 0),
    };
    let from_host = s.get(host_start..).unwrap_or("");
    let (mut user, host, port, path) = if let Some(bracketed) = from_host.strip_prefix('[') {
        let (inner, after) = bracketed.split_once(']').ok_or_else(|| invalid(s))?;
        let path = after.strip_prefix(':').ok_or_else(|| invalid(s))?;
        let (inner_user, inner) = match inner.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, inner),
        };
        let (host, port) = if inner.parse::<std::net::Ipv6Addr>().is_ok() {
            (inner.to_ascii_lowercase(), None)
        } else {
            match inner.rsplit_once(':') {
                Some((h, p)) => {
                    let h = h.trim_start_matches('[').trim_end_matches(']');
                    (h.to_ascii_lowercase(), Some(p.parse::<u16>().map_err(|_| invalid(s))?))
                }
                None => (inner.to_ascii_lowercase(), None),
            }
        };
        if !(valid_host_name(&host) || host.parse::<std::net::Ipv6Addr>().is_ok()) {
            return Err(invalid(s));
        }
        (user.or(inner_user), host, port, path)
    } else {
        let host = head.get(host_start..).unwrap_or("").to_ascii_lowercase();
        if !valid_host_name(&host) {
            return Err(invalid(s));
        }
        (user, host, None, s.get(colon + 1..).unwrap_or(""))
    };
    if user.is_some_and(str::is_empty) {
        user = None;
    }
    let embeds_secret = user.is_some_and(is_token_shaped_user);
    Ok(RemoteUrl {
        transport: Transport::Ssh,
        // A token used as the user name is a secret: keep only the fact.
        user: user.filter(|u| !is_token_shaped_user(u)).map(str::to_string),
        embeds_secret,
        host: Some(host),
        port,
        path: path.trim_start_matches('/').to_string(),
    })
}

fn parse_scheme_url(s: &str, scheme: &str) -> Result<RemoteUrl, RemoteUrlError> {
    let transport = match scheme {
        "https" => Transport::Https,
        "http" => Transport::Http,
        "ssh" | "git+ssh" | "ssh+git" => Transport::Ssh,
        "git" => Transport::Git,
        "file" => Transport::File,
        _ => Transport::Other,
    };
    if transport == Transport::File {
        let rest = s.get(scheme.len() + 3..).unwrap_or("");
        return Ok(local(Transport::File, rest));
    }
    let after = s.get(scheme.len() + 3..).unwrap_or("");
    if after.starts_with(['/', '\\']) && transport != Transport::Other {
        return Err(invalid(s));
    }
    let parsed = match url::Url::parse(s) {
        Ok(u) => u,
        Err(_) if transport == Transport::Other => return Ok(local(Transport::Other, s)),
        Err(_) => return Err(invalid(s)),
    };
    let host = match parsed.host() {
        Some(url::Host::Domain(d)) if !d.is_empty() => Some(d.to_ascii_lowercase()),
        Some(url::Host::Ipv4(a)) => Some(a.to_string()),
        Some(url::Host::Ipv6(a)) => Some(a.to_string()),
        _ => None,
    };
    if host.is_none() && transport != Transport::Other {
        return Err(invalid(s));
    }
    let user = Some(parsed.username()).filter(|u| !u.is_empty());
    let embeds_secret = parsed.password().is_some() || user.is_some_and(is_token_shaped_user);
    let mut path = parsed.path().trim_start_matches('/').to_string();
    // Keep a query or fragment visible so that it never passes for OWNER/REPO.
    if let Some(q) = parsed.query() {
        path.push('?');
        path.push_str(q);
    }
    if let Some(f) = parsed.fragment() {
        path.push('#');
        path.push_str(f);
    }
    Ok(RemoteUrl {
        transport,
        // A token used as the user name is a secret: keep only the fact.
        user: user.filter(|u| !is_token_shaped_user(u)).map(str::to_string),
        embeds_secret,
        host,
        port: parsed.port(),
        path,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn gh() -> HostUrl {
        HostUrl::github()
    }
    fn repo(o: &str, n: &str) -> RepoRef {
        RepoRef { owner: o.into(), name: n.into() }
    }

    #[test]
    fn github_forms_convert_to_https() {
        // (url, transport, embeds_secret)
        let table = [
            ("git@github.com:o/r.git", Transport::Ssh, false),
            ("git@github.com:o/r", Transport::Ssh, false),
            ("git@github.com:/o/r.git", Transport::Ssh, false),
            ("github.com:o/r.git", Transport::Ssh, false),
            ("ssh://git@github.com/o/r.git", Transport::Ssh, false),
            ("ssh://git@ssh.github.com:443/o/r.git", Transport::Ssh, false),
            ("git+ssh://git@github.com/o/r.git", Transport::Ssh, false),
            ("git@ssh.github.com:o/r.git", Transport::Ssh, false),
            ("https://github.com/o/r", Transport::Https, false),
            ("https://github.com/o/r.git", Transport::Https, false),
            ("https://github.com/o/r.git/", Transport::Https, false),
            ("https://github.com:443/o/r.git", Transport::Https, false),
            ("https://user@github.com/o/r", Transport::Https, false),
            ("https://ghp_TOKEN@github.com/o/r", Transport::Https, true),
            ("https://github_pat_x@github.com/o/r", Transport::Https, true),
            ("https://user:pw@github.com/o/r.git", Transport::Https, true),
            ("https://user:@github.com/o/r.git", Transport::Https, false),
            ("https://x-access-token:ghs_abc@github.com/o/r.git", Transport::Https, true),
            ("https://abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r", Transport::Https, true),
            ("git://github.com/o/r", Transport::Git, false),
            ("HTTPS://GitHub.com/o/r.git", Transport::Https, false),
            ("http://github.com/o/r.git", Transport::Http, false),
            ("  https://github.com/o/r  ", Transport::Https, false),
        ];
        for (url, transport, secret) in table {
            assert_eq!(
                classify(url, &gh()),
                Classified::GitHub { repo: repo("o", "r"), transport, embeds_secret: secret },
                "{url}"
            );
            assert_eq!(to_https(url, &gh()).as_deref(), Some("https://github.com/o/r.git"), "{url}");
        }
    }

    #[test]
    fn loopback_host() {
        let host = HostUrl::parse("http://127.0.0.1:8080").unwrap();
        let ok = [
            "git@127.0.0.1:octo/hello.git",
            "ssh://git@127.0.0.1:2222/octo/hello.git",
            "http://127.0.0.1:8080/octo/hello",
            "http://127.0.0.1:8080/octo/hello.git",
        ];
        for url in ok {
            assert_eq!(to_https(url, &host).as_deref(), Some("http://127.0.0.1:8080/octo/hello.git"), "{url}");
        }
        // A different HTTP port is a different server.
        assert_eq!(
            classify("http://127.0.0.1:9090/octo/hello.git", &host),
            Classified::Foreign { host: "127.0.0.1".into() }
        );
        let v6 = HostUrl::parse("http://[::1]:8080").unwrap();
        for url in
            ["ssh://git@[::1]:22/o/r", "[::1]:o/r", "git@[::1]:o/r.git", "[git@::1]:o/r", "http://[::1]:8080/o/r"]
        {
            assert_eq!(to_https(url, &v6).as_deref(), Some("http://[::1]:8080/o/r.git"), "{url}");
        }
    }

    #[test]
    fn parse_fields() {
        let r = parse("ssh://git@[::1]:22/o/r").unwrap();
        assert_eq!(r.host.as_deref(), Some("::1"));
        assert_eq!(r.port, Some(22));
        assert_eq!(r.user.as_deref(), Some("git"));
        assert_eq!(r.path, "o/r");
        let r = parse("[git@host.example:2222]:o/r.git").unwrap();
        assert_eq!((r.host.as_deref(), r.port, r.user.as_deref()), (Some("host.example"), Some(2222), Some("git")));
        let r = parse("Git@GitHub.COM:Octo/Hello.git").unwrap();
        assert_eq!(r.host.as_deref(), Some("github.com"));
        assert_eq!(r.user.as_deref(), Some("Git"));
        assert_eq!(r.repo(), Some(repo("Octo", "Hello")));
        for url in ["https://ghp_SECRETTOKEN@github.com/o/r", "ghp_SECRETTOKEN@github.com:o/r"] {
            let r = parse(url).unwrap();
            assert!(r.embeds_secret, "{url}");
            assert_eq!(r.user, None, "{url}");
            assert!(!format!("{r:?}").contains("SECRETTOKEN"), "{url}");
        }
        let r = parse("https://user:pw@github.com/o/r").unwrap();
        assert!(r.embeds_secret);
        assert!(!format!("{r:?}").contains("pw"));
        assert_eq!(r.user.as_deref(), Some("user"));
    }

    #[test]
    fn local_and_other() {
        let table = [
            ("file:///x", Transport::File),
            ("/abs/path", Transport::Local),
            ("./foo:bar", Transport::Local),
            ("../repo", Transport::Local),
            ("repo", Transport::Local),
            ("C:\\x", Transport::Local),
            ("c:/x", Transport::Local),
            ("ext::ssh -i key host %S", Transport::Other),
            ("hg::https://example.com/repo", Transport::Other),
            ("svn://example.com/repo", Transport::Other),
        ];
        for (url, transport) in table {
            let r = parse(url).unwrap();
            assert_eq!(r.transport, transport, "{url}");
            let expected = match transport {
                Transport::File | Transport::Local => Classified::Local,
                _ => Classified::Foreign { host: r.host.clone().unwrap_or_default() },
            };
            assert_eq!(classify(url, &gh()), expected, "{url}");
            assert_eq!(to_https(url, &gh()), None, "{url}");
        }
    }

    #[test]
    fn foreign() {
        let table = [
            ("git@gitlab.com:o/r.git", "gitlab.com"),
            ("https://gitlab.com/o/r", "gitlab.com"),
            ("https://github.com.evil.com/o/r", "github.com.evil.com"),
            ("https://github.com/o", "github.com"),
            ("https://github.com/o/r/tree/main", "github.com"),
            ("https://github.com/o/r?x=1", "github.com"),
            ("https://github.com/o/r#frag", "github.com"),
            ("https://github.com/../r", "github.com"),
            ("https://github.com/o/..", "github.com"),
            ("https://github.com/o/r%20x", "github.com"),
            ("git@github.com:o/r$x", "github.com"),
            ("git@github.com:o/.git", "github.com"),
            ("git@github.com:./r", "github.com"),
            ("git@github.com:", "github.com"),
            ("https://api.github.com/o/r", "api.github.com"),
        ];
        for (url, host) in table {
            assert_eq!(classify(url, &gh()), Classified::Foreign { host: host.into() }, "{url}");
            assert_eq!(to_https(url, &gh()), None, "{url}");
        }
    }

    #[test]
    fn errors() {
        assert_eq!(parse(""), Err(RemoteUrlError::Empty));
        assert_eq!(parse("   "), Err(RemoteUrlError::Empty));
        for bad in [
            "https://github.com/o/r\n",
            "https://github.com/o/r\nhost=evil.com",
            "git@github.com:o/r\0",
            "https://github.com/o/\r",
            "https://github.com/o/r\t",
            "\u{7f}https://github.com/o/r",
        ] {
            assert_eq!(parse(bad), Err(RemoteUrlError::ControlChars), "{bad:?}");
            assert_eq!(classify(bad, &gh()), Classified::Foreign { host: String::new() });
            assert_eq!(to_https(bad, &gh()), None);
        }
        for bad in [
            "https://",
            "https:///o/r",
            "ssh://",
            "git@:o/r",
            "gi t@git hub:o/r",
            "[::1:o/r",
            "[::1]o/r",
            "https://ghp_x:pw@/o/r",
        ] {
            let err = parse(bad);
            assert!(matches!(err, Err(RemoteUrlError::Invalid(_))), "{bad}: {err:?}");
            if let Err(e) = err {
                assert!(!e.to_string().contains("pw"), "{e}");
            }
        }
    }

    #[test]
    fn long_input() {
        let long = format!("https://github.com/{}/r", "a".repeat(1_000_000));
        assert!(parse(&long).is_ok());
        assert_eq!(to_https(&long, &gh()), Some(format!("https://github.com/{}/r.git", "a".repeat(1_000_000))));
        let long_user = format!("{}@github.com:o/r", "u".repeat(1_000_000));
        assert!(parse(&long_user).unwrap().embeds_secret);
        assert!(!redact(&long_user).contains("uuuu"));
    }

    #[test]
    fn redact_finds_a_token_user_before_a_later_scheme() {
        // Found by the property suite: `find("://")` used to pick the query's URL.
        let url = concat!("ghp_", "0123456789abcdefghijABCDEFGHIJ012345", "@github.com:o/r?next=https://x");
        assert_eq!(redact(url), "***@github.com:o/r?next=https://x");
        assert_eq!(redact("ghp_aaaa0@https://"), "***@https://");
    }

    #[test]
    fn redact_table() {
        let table = [
            ("https://github.com/o/r", "https://github.com/o/r"),
            ("https://user@github.com/o/r", "https://user@github.com/o/r"),
            ("https://user:pw@github.com/o/r.git", "https://user:***@github.com/o/r.git"),
            ("https://ghp_abcdef@github.com/o/r", "https://***@github.com/o/r"),
            ("https://gho_abc:x-oauth-basic@github.com/o/r", "https://***:***@github.com/o/r"),
            ("https://x:p@ss@github.com/o/r", "https://x:***@github.com/o/r"),
            ("HTTPS://GITHUB_PAT_x@GitHub.com/o/r", "HTTPS://***@GitHub.com/o/r"),
            ("git@github.com:o/r.git", "git@github.com:o/r.git"),
            ("ghp_abc@github.com:o/r.git", "***@github.com:o/r.git"),
            ("https://github.com/o/r@v1", "https://github.com/o/r@v1"),
            ("/local/a@b", "/local/a@b"),
            ("not a url at all", "not a url at all"),
            ("https://u:secret@host with space/\n", "https://u:***@host with space/\n"),
            ("", ""),
        ];
        for (input, expected) in table {
            assert_eq!(redact(input), expected, "{input}");
        }
    }

    #[test]
    fn token_shaped_users() {
        for yes in ["ghp_x", "gho_", "ghu_a", "ghs_a", "ghr_a", "github_pat_a", "GHP_a", &"a".repeat(31)] {
            assert!(is_token_shaped_user(yes), "{yes}");
        }
        for no in ["git", "octocat", "x-access-token", "", &"a".repeat(30)] {
            assert!(!is_token_shaped_user(no), "{no}");
        }
    }

    fn rule(base: &str, prefix: &str, push_only: bool) -> InsteadOf {
        InsteadOf { base: base.into(), prefix: prefix.into(), push_only }
    }

    #[test]
    fn rewrite_rules() {
        let rules = vec![
            rule("https://github.com/", "gh:", false),
            rule("https://github.com/octo/", "gh:octo/", false),
            rule("git@github.com:", "gh:", true),
            rule("https://example.com/", "", false),
            rule("https://a.example/", "x:", false),
            rule("https://b.example/", "x:", false),
        ];
        let table = [
            ("gh:o/r", false, "https://github.com/o/r"),
            ("gh:octo/r", false, "https://github.com/octo/r"),
            ("gh:octo/r", true, "git@github.com:octo/r"),
            ("gh:o/r", true, "git@github.com:o/r"),
            ("x:r", false, "https://a.example/r"),
            ("x:r", true, "https://a.example/r"),
            ("https://github.com/o/r", false, "https://github.com/o/r"),
            ("", false, ""),
        ];
        for (url, push, expected) in table {
            assert_eq!(rewrite(url, &rules, push), expected, "{url} {push}");
        }
        // A pushInsteadOf that does not match falls back to insteadOf.
        let rules = vec![rule("ssh://push/", "p:", true), rule("https://fetch/", "gh:", false)];
        assert_eq!(rewrite("gh:o/r", &rules, true), "https://fetch/o/r");
        assert_eq!(rewrite("p:o/r", &rules, false), "p:o/r");
        assert_eq!(rewrite("p:o/r", &rules, true), "ssh://push/o/r");
        // A shorter pushInsteadOf beats a longer insteadOf on push.
        let rules = vec![rule("ssh://push/", "g", true), rule("https://fetch/", "gh:", false)];
        assert_eq!(rewrite("gh:o/r", &rules, true), "ssh://push/h:o/r");
        assert_eq!(rewrite("gh:o/r", &[], true), "gh:o/r");
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,200}") {
            let _ = parse(&s);
            let _ = redact(&s);
            let _ = classify(&s, &gh());
            let _ = to_https(&s, &gh());
            if let Ok(r) = parse(&s) {
                prop_assert!(!s.chars().any(char::is_control));
                if let Some(h) = &r.host {
                    prop_assert_eq!(h.to_ascii_lowercase(), h.clone());
                }
            }
            prop_assert!(!redact(&s).is_empty() || s.is_empty());
        }

        #[test]
        fn never_panics_urlish(s in "(https?://|ssh://|git://|file://|git@|\\[)?[a-zA-Z0-9@:/\\[\\]._~%?#-]{0,40}") {
            let _ = parse(&s);
            let _ = redact(&s);
            let _ = classify(&s, &gh());
            if let Ok(r) = parse(&s) {
                prop_assert!(!s.chars().any(char::is_control));
                if let Some(h) = &r.host {
                    prop_assert_eq!(h.to_ascii_lowercase(), h.clone());
                }
            }
            prop_assert!(!redact(&s).is_empty() || s.is_empty());
        }

        #[test]
        fn to_https_is_idempotent(
            s in "(https?://|ssh://|git://|git@|ssh://git@|https://[a-z]{1,5}(:[a-z]{1,5})?@)?(github\\.com|GitHub\\.com|ssh\\.github\\.com|127\\.0\\.0\\.1|gitlab\\.com)(:[0-9]{1,5})?[:/]/?[a-zA-Z0-9._-]{1,8}/[a-zA-Z0-9._-]{1,8}(\\.git)?/?",
            loopback in any::<bool>(),
        ) {
            let host = if loopback { HostUrl::parse("http://127.0.0.1:8080").unwrap() } else { gh() };
            if let Some(once) = to_https(&s, &host) {
                prop_assert_eq!(to_https(&once, &host), Some(once.clone()));
                prop_assert!(once.starts_with(&host.base()));
                prop_assert!(once.ends_with(".git"));
            }
        }

        #[test]
        fn to_https_idempotent_arbitrary(s in ".{0,80}") {
            if let Some(once) = to_https(&s, &gh()) {
                prop_assert_eq!(to_https(&once, &gh()), Some(once.clone()));
            }
        }

        #[test]
        fn redact_hides_password(
            scheme in "(https|http|ssh|git|foo)://",
            user in "[a-z]{0,8}",
            pw in "[A-Za-z0-9._~!$&'()*+,;=%:@-]{0,20}",
            rest in "[a-z.]{0,12}(:[0-9]{1,4})?(/[a-z/]{0,10})?",
        ) {
            let secret = format!("S3CR3T{pw}");
            let url = format!("{scheme}{user}:{secret}@{rest}");
            let red = redact(&url);
            prop_assert!(!red.contains(&secret), "{}", red);
            prop_assert!(!red.contains("S3CR3T"), "{}", red);
            if let Ok(r) = parse(&url) {
                prop_assert!(r.embeds_secret || r.transport == Transport::Other);
            }
        }

        #[test]
        fn redact_hides_token_user(
            prefix in "(ghp_|gho_|ghu_|ghs_|ghr_|github_pat_)",
            body in "[A-Za-z0-9_]{1,40}",
            scp in any::<bool>(),
        ) {
            let token = format!("{prefix}{body}");
            let url = if scp { format!("{token}@github.com:o/r") } else { format!("https://{token}@github.com/o/r") };
            let red = redact(&url);
            prop_assert!(!red.contains(&token));
            prop_assert!(red.contains("github.com"));
            prop_assert!(parse(&url).unwrap().embeds_secret);
        }

        #[test]
        fn control_chars_rejected(a in "[a-z:/@.]{0,10}", c in "[\\x00-\\x1f\\x7f]", b in "[a-z:/@.]{0,10}") {
            prop_assert_eq!(parse(&format!("{a}{c}{b}")), Err(RemoteUrlError::ControlChars));
        }
    }
}
