//! Parsing every form of remote URL git accepts: `scheme://` URLs, scp-like
//! `[user@]host:path`, remote helpers (`ext::…`) and local paths.
//!
//! Written after git's own code, not a URL library's idea of a URL: `transport_get`
//! (the order of the forms), `parse_connect_url` and `get_host_and_port` in connect.c
//! (`ssh://`, `git://`, `file://`, scp-like: the whole URL percent-decoded first, the
//! bracketed `[user@host:port]` forms) and `credential_from_url` in credential.c
//! (`http(s)://`, `ftp(s)://`: user name and path decoded). `git fetch-pack --diag-url`
//! and `git credential fill` are the oracle (see `tests` and props/remote.rs).
//!
//! Why not `gix-url` (gitoxide): version 0.41, run on the `--diag-url` matrix, errs on
//! `[git@github.com:22]:o/r`, `[user@host:2]:p`, `git@[::1]:o/r` and
//! `ssh://[git@github.com:22]/o/r`, and reads `[git@github.com]:o/r` and
//! `ssh://[git@github.com]:22/o/r` as user `[git`, host `github.com]`; git reads all six
//! as user `git`, host `github.com`. The `url` crate (WHATWG) differs from git too: it
//! turns `\` into `/`, drops `..` segments and decodes `%` in hosts.

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
    // git's transport_get: `<transport>::<address>` is a remote helper (ext::, hg::, …).
    if let Some((helper, address)) = s.split_once("::")
        && !helper.is_empty()
        && helper.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Ok(RemoteUrl { path: address.to_string(), ..local(Transport::Other, "") });
    }
    if let Some((scheme, _)) = s.split_once("://")
        && is_scheme(scheme)
    {
        let scheme = scheme.to_ascii_lowercase();
        return match scheme.as_str() {
            "https" | "http" | "ftp" | "ftps" => parse_curl_url(s, &scheme),
            "ssh" | "git+ssh" | "ssh+git" | "git" | "file" => parse_connect_url(s, &scheme),
            // git hands any other `scheme://` to `git-remote-<scheme>`: left alone.
            _ => Ok(local(Transport::Other, s)),
        };
    }
    if is_local_path(s) {
        return Ok(local(Transport::Local, s));
    }
    parse_connect_url(s, "")
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

/// git's `url_decode_internal`: every `%XX` but `%00` becomes its byte, anything else
/// stays. The result must be UTF-8 without control characters (a decoded newline
/// would end a credential request line).
fn percent_decode(s: &str, whole: &str) -> Result<String, RemoteUrlError> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let out = crate::model::percent::decode_but_nul(s);
    let out = String::from_utf8(out).map_err(|_| invalid(whole))?;
    if out.chars().any(char::is_control) {
        return Err(RemoteUrlError::ControlChars);
    }
    Ok(out)
}

/// The user and the secret flag from a user name as written (split at the first `:`,
/// then each part decoded by `decode`): a password or a token as the user name is a
/// secret, and only the fact is kept.
fn user_part(
    user: Option<&str>,
    decode: impl Fn(&str) -> Result<String, RemoteUrlError>,
) -> Result<(Option<String>, bool), RemoteUrlError> {
    let Some(user) = user.filter(|u| !u.is_empty()) else {
        return Ok((None, false));
    };
    let (name, password) = match user.split_once(':') {
        Some((n, p)) => (decode(n)?, !p.is_empty()),
        None => (decode(user)?, false),
    };
    let token = is_token_shaped_user(&name);
    Ok((Some(name).filter(|n| !n.is_empty() && !token), password || token))
}

/// A host as git connects to it: a name (lower-cased) or an IPv6 address (no brackets).
fn host_part(host: &str, whole: &str) -> Result<String, RemoteUrlError> {
    let host = host.to_ascii_lowercase();
    if valid_host_name(&host) || host.parse::<std::net::Ipv6Addr>().is_ok() { Ok(host) } else { Err(invalid(whole)) }
}

/// git's `get_port`: the digits after the first `:`, when they are all of the rest and
/// below 65536 (else the `:` stays in the host). An empty port is dropped.
fn split_port(host: &str) -> (&str, Option<u16>) {
    match host.split_once(':') {
        Some((h, "")) => (h, None),
        Some((h, p)) if !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()) => match p.parse::<u16>() {
            Ok(port) => (h, Some(port)),
            Err(_) => (host, None),
        },
        _ => (host, None),
    }
}

/// git's `host_end`: the `[` and `]` of a bracketed host (`[…]` at the start or after
/// the first `@[`), if any.
fn brackets(s: &str) -> Option<(usize, usize)> {
    let open = s.find("@[").map_or(0, |i| i + 1);
    if !s.get(open..).is_some_and(|r| r.starts_with('[')) {
        return None;
    }
    let close = s.get(open + 1..)?.find(']')?;
    Some((open, open + 1 + close))
}

/// git's `parse_connect_url` and `get_host_and_port`: `ssh://`, `git://`, `file://`
/// (`scheme`) or scp-like `[user@]host:path` (`scheme` empty).
fn parse_connect_url(s: &str, scheme: &str) -> Result<RemoteUrl, RemoteUrlError> {
    let transport = match scheme {
        "git" => Transport::Git,
        "file" => Transport::File,
        _ => Transport::Ssh,
    };
    // A `scheme://` URL is percent-decoded as a whole before anything else is read.
    let (decoded, start) =
        if scheme.is_empty() { (s.to_string(), 0) } else { (percent_decode(s, s)?, scheme.len() + 3) };
    let rest = decoded.get(start..).unwrap_or("");
    let end = brackets(rest).map_or(0, |(_, close)| close);
    let separator = if scheme.is_empty() { ':' } else { '/' };
    // git: "no path specified" without the separator after the host.
    let path_at = end + rest.get(end..).and_then(|r| r.find(separator)).ok_or_else(|| invalid(s))?;
    let (host_and_port, path) = rest.split_at(path_at);
    if transport == Transport::File {
        // The host of `file://host/p` is ignored, as git does off Windows.
        return Ok(local(Transport::File, path));
    }
    // scp-like paths start after the `:`. Then git drops the first character when the
    // second is `~` (meant for `/~user/repo`, it also makes `host:x~r` read `~r`). Here
    // no path keeps a leading `/`.
    let path = if scheme.is_empty() { path.get(1..).unwrap_or("") } else { path };
    let mut chars = path.chars();
    let first = chars.next();
    let path = if chars.next() == Some('~') { path.get(first.map_or(0, char::len_utf8)..).unwrap_or("") } else { path };
    // git: "strange pathname blocked" (and "strange hostname" when it connects): an
    // argument of ssh that starts with `-` would be read as an option.
    if path.starts_with('-') || host_and_port.starts_with('-') {
        return Err(invalid(s));
    }
    let path = path.trim_start_matches('/');
    // `[user@host:port]`, `user@[host]:port`: the brackets off, then the port.
    let (userandhost, mut port) = match brackets(host_and_port) {
        Some((open, close)) => {
            let inner = format!("{}{}", &host_and_port[..open], &host_and_port[open + 1..close]);
            match &host_and_port[close + 1..] {
                "" | ":" => (inner, None),
                after => match after.strip_prefix(':').filter(|p| p.bytes().all(|c| c.is_ascii_digit())) {
                    Some(p) => (inner, Some(p.parse::<u16>().map_err(|_| invalid(s))?)),
                    None => return Err(invalid(s)),
                },
            }
        }
        None => (host_and_port.to_string(), None),
    };
    // ssh splits `user@host` at the last `@`.
    let (user, mut host) = match userandhost.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, userandhost.as_str()),
    };
    if port.is_none() && host.parse::<std::net::Ipv6Addr>().is_err() {
        (host, port) = split_port(host);
    }
    if host.contains(':') && host.parse::<std::net::Ipv6Addr>().is_err() {
        return Err(invalid(s));
    }
    let (user, embeds_secret) = user_part(user, |u| Ok(u.to_string()))?;
    Ok(RemoteUrl { transport, user, embeds_secret, host: Some(host_part(host, s)?), port, path: path.to_string() })
}

/// git's `credential_from_url` (what git-remote-https and the credential helpers see):
/// `scheme://[user[:password]@]host[:port][/path][?query][#fragment]`.
fn parse_curl_url(s: &str, scheme: &str) -> Result<RemoteUrl, RemoteUrlError> {
    let transport = match scheme {
        "https" => Transport::Https,
        "http" => Transport::Http,
        _ => Transport::Other,
    };
    let rest = s.get(scheme.len() + 3..).unwrap_or("");
    let slash = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(slash);
    let (user, host_port) = match authority.find('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let (addr, after) = v6.split_once(']').ok_or_else(|| invalid(s))?;
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(invalid(s));
        }
        match after {
            "" | ":" => (addr, None),
            p => match p.strip_prefix(':').map(str::parse::<u16>) {
                Some(Ok(port)) => (addr, Some(port)),
                _ => return Err(invalid(s)),
            },
        }
    } else {
        match host_port.split_once(':') {
            None | Some((_, "")) => (host_port.split(':').next().unwrap_or(""), None),
            Some((h, p)) if p.bytes().all(|c| c.is_ascii_digit()) => {
                (h, Some(p.parse::<u16>().map_err(|_| invalid(s))?))
            }
            _ => return Err(invalid(s)),
        }
    };
    let host = host_part(host, s)?;
    let default_port = match scheme {
        "https" => 443,
        "http" => 80,
        "ftp" => 21,
        _ => 990,
    };
    let (user, embeds_secret) = user_part(user, |u| percent_decode(u, s))?;
    // git trims the path's leading and trailing `/`; a query or fragment stays in it
    // so that it never passes for OWNER/REPO.
    let path = percent_decode(tail.trim_start_matches('/'), s)?;
    let path = path.trim_end_matches('/').to_string();
    Ok(RemoteUrl { transport, user, embeds_secret, host: Some(host), port: port.filter(|p| *p != default_port), path })
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
            "github.com:-/A",
            "-oProxyCommand=x:o/r",
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

    /// git's t5500 `check_prot_host_port_path` matrix with the answers t5500 expects
    /// (host without brackets, `/~` to `~`; our paths carry no leading `/`), and t5601's
    /// bracketed scp-like forms. tests/integration/urls.rs asks git itself the same.
    #[test]
    fn the_t5500_matrix_as_t5500_expects_it() {
        let mut n = 0;
        for r in ["repo", "re:po", "re/po"] {
            for p in ["ssh+git", "git+ssh", "git", "ssh"] {
                let t = if p == "git" { Transport::Git } else { Transport::Ssh };
                for (h, user, host, port) in [
                    ("host", None, "host", None),
                    ("user@host", Some("user"), "host", None),
                    ("user@[::1]", Some("user"), "::1", None),
                    ("user@::1", Some("user"), "::1", None),
                    ("host:22", None, "host", Some(22)),
                    ("User@host:22", Some("User"), "host", Some(22)),
                    ("User@[::1]:22", Some("User"), "::1", Some(22)),
                ] {
                    for (path, expected) in [(r.to_string(), r.to_string()), (format!("~{r}"), format!("~{r}"))] {
                        let url = format!("{p}://{h}/{path}");
                        let got = parse(&url).unwrap();
                        assert_eq!(
                            (got.transport, got.user.as_deref(), got.host.as_deref(), got.port, got.path.as_str()),
                            (t, user, Some(host), port, expected.as_str()),
                            "{url}"
                        );
                        n += 1;
                    }
                }
            }
            for h in ["nohost", "nohost:12", "[::1]", "[::1]:23", "[", "[:aa"] {
                for url in [format!("./{h}:{r}"), format!("./file:{h}/~{r}")] {
                    assert_eq!(parse(&url).unwrap(), local(Transport::Local, &url), "{url}");
                    n += 1;
                }
            }
            for (h, host) in [("host", "host"), ("[::1]", "::1")] {
                for (url, path) in [(format!("{h}:{r}"), r.to_string()), (format!("{h}:/~{r}"), format!("~{r}"))] {
                    let got = parse(&url).unwrap();
                    assert_eq!(
                        (got.transport, got.host.as_deref(), got.port, got.path.as_str()),
                        (Transport::Ssh, Some(host), None, path.as_str()),
                        "{url}"
                    );
                    n += 1;
                }
            }
            let file = parse(&format!("file://host/~{r}")).unwrap();
            assert_eq!((file.transport, file.path), (Transport::File, format!("/~{r}")), "no `/~` rule for file://");
        }
        // t5601: `[host:port]:path`, `[user@host:port]:path`, `[user@::1]:path`.
        for (url, user, host, port, path) in [
            ("[myhost:123]:src", None, "myhost", Some(123), "src"),
            ("[user@myhost:123]:src", Some("user"), "myhost", Some(123), "src"),
            ("[myhost]:src", None, "myhost", None, "src"),
            ("[user@::1]:repo", Some("user"), "::1", None, "repo"),
            ("ssh://[user@host.xz]:22/home/user/repo", Some("user"), "host.xz", Some(22), "home/user/repo"),
            ("host:x~repo", None, "host", None, "~repo"),
        ] {
            let got = parse(url).unwrap();
            assert_eq!(
                (got.user.as_deref(), got.host.as_deref(), got.port, got.path.as_str()),
                (user, Some(host), port, path),
                "{url}"
            );
            n += 1;
        }
        assert_eq!(n, 3 * (4 * 7 * 2 + 6 * 2 + 2 * 2) + 6);
    }

    proptest! {
        #[test]
        fn control_chars_rejected(a in "[a-z:/@.]{0,10}", c in "[\\x00-\\x1f\\x7f]", b in "[a-z:/@.]{0,10}") {
            prop_assert_eq!(parse(&format!("{a}{c}{b}")), Err(RemoteUrlError::ControlChars));
        }
    }
}
