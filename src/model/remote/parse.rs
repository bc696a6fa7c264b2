//! Parsing every form of remote URL git accepts: `scheme://` URLs, scp-like
//! `[user@]host:path`, remote helpers (`ext::…`) and local paths.

use super::redact::{is_token_shaped_user, redact};
use super::{RemoteUrl, RemoteUrlError, Transport};

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

pub(super) fn is_scheme(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// git's `url_is_local_not_ssh`: no `:`, a `/` before the first `:`, or a DOS drive.
fn is_local_path(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return true;
    };
    if s[..colon].contains('/') {
        return true;
    }
    let b = s.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b.len() == 2 || matches!(b[2], b'/' | b'\\'))
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
    use crate::model::remote::tests::{gh, repo};
    use crate::model::remote::{Classified, classify, to_https};
    use proptest::prelude::*;

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

    /// git's `url_is_local_not_ssh`: a `:` before any `/` makes a URL scp-like, as
    /// `git fetch-pack --diag-url` shows (`1:/x` is host `1`, `./a:b` a path). A drive
    /// letter with nothing or a separator after it is a path, as in git for Windows
    /// (git elsewhere would ssh to a one-letter host, which no real remote is).
    #[test]
    fn a_colon_before_any_slash_is_scp_like_unless_a_local_path() {
        let ssh = |host: &str, path: &str| Some((Transport::Ssh, Some(host.to_string()), path.to_string()));
        let local = |path: &str| Some((Transport::Local, None, path.to_string()));
        let table = [
            ("host:path", ssh("host", "path")),
            ("a:b/c", ssh("a", "b/c")),
            ("1:/x", ssh("1", "x")),
            ("c:x", ssh("c", "x")),
            ("./a:b", local("./a:b")),
            ("/abs:x", local("/abs:x")),
            ("a/b:c", local("a/b:c")),
            ("../r", local("../r")),
            ("C:", local("C:")),
            ("C:/x", local("C:/x")),
            ("C:\\x", local("C:\\x")),
            (":x", None),
        ];
        for (url, expected) in table {
            let got = parse(url).ok().map(|r| (r.transport, r.host, r.path));
            assert_eq!(got, expected, "{url}");
        }
    }

    /// `file://` keeps its path as git's diag shows it; a `scheme://` git has no transport
    /// for (a remote helper's) is left alone even when it is no valid URL.
    #[test]
    fn file_and_unknown_scheme_urls() {
        let r = parse("file:///tmp/x").unwrap();
        assert_eq!((r.transport, r.host, r.path.as_str()), (Transport::File, None, "/tmp/x"));
        for url in ["foo://h:99999/x", "foo://[bad/x"] {
            let r = parse(url).unwrap();
            assert_eq!((r.transport, r.host, r.path.as_str()), (Transport::Other, None, url));
        }
        assert!(matches!(parse("ssh://h:99999/x"), Err(RemoteUrlError::Invalid(_))));
    }

    proptest! {
        #[test]
        fn control_chars_rejected(a in "[a-z:/@.]{0,10}", c in "[\\x00-\\x1f\\x7f]", b in "[a-z:/@.]{0,10}") {
            prop_assert_eq!(parse(&format!("{a}{c}{b}")), Err(RemoteUrlError::ControlChars));
        }
    }
}
