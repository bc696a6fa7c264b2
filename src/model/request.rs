//! The credential request git makes for a remote URL, computed as git's `credential.c`
//! computes it: `credential_from_url` (protocol, host with the port as written, the
//! path, the user name from the URL's userinfo), then `credential_apply_config` — every
//! `credential.<url>.*` entry that matches (urlmatch, or git's partial-URL fallback for
//! keys without a scheme) is applied in config order, the last `username` winning unless
//! the URL named one, and the path is dropped for http(s) unless `useHttpPath` is on.
//!
//! Every fill, reject, approve and message of a fix uses this one request, so what we
//! store is what git will ask for. `src/git/request_oracle_tests.rs` checks it against
//! git itself (a recording helper shows what git sends).

use serde::Serialize;

use crate::model::helpers::{ConfigEntry, HelperEntry, strip_prefix_ignore_case};

/// Where the user name of a request comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "kebab-case")]
pub enum UserSource {
    /// The remote URL's userinfo (`https://me@github.com/…`).
    Url,
    /// A `credential.<url>.username` (or `credential.username`) entry.
    Config {
        /// The key as git prints it (`credential.https://github.com.username`).
        key: String,
        /// `global`, `local`, `system`, `worktree`, `command`.
        scope: String,
        /// git's origin (`file:/home/me/.gitconfig`, `command line:`).
        origin: String,
    },
}

impl UserSource {
    /// The config file the user name comes from, if it is a file.
    pub fn file(&self) -> Option<&str> {
        match self {
            UserSource::Url => None,
            UserSource::Config { origin, .. } => origin.strip_prefix("file:"),
        }
    }

    /// `url` or `config`, as `doctor --json` names it.
    pub fn kind(&self) -> &'static str {
        match self {
            UserSource::Url => "url",
            UserSource::Config { .. } => "config",
        }
    }

    /// For messages: "the remote URL" or "credential.https://github.com.username in FILE".
    pub fn describe(&self) -> String {
        match self {
            UserSource::Url => "the remote URL".into(),
            UserSource::Config { key, scope, origin } => match origin.strip_prefix("file:") {
                Some(file) => format!("{key} in {file}"),
                None => format!("{key} ({scope} config, {origin})"),
            },
        }
    }
}

/// The account git sends for a repository and where it comes from (`doctor --json`'s
/// `account`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sends {
    /// The user name git sends (the helper's, when nothing pins one).
    pub login: String,
    /// `url`, `config` or `helper`.
    pub source: String,
    /// The config file that pins it, or the helper's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl Sends {
    /// From the request, the user name the helpers answered with, and the config file
    /// of the helper that answered.
    pub fn of(request: &Request, answered: Option<&str>, helper_file: Option<&str>) -> Option<Sends> {
        match (&request.username, &request.user_source) {
            (Some(u), Some(src)) if !u.is_empty() => {
                Some(Sends { login: u.clone(), source: src.kind().into(), file: src.file().map(str::to_owned) })
            }
            _ => Some(Sends {
                login: answered.filter(|u| !u.is_empty())?.to_owned(),
                source: "helper".into(),
                file: helper_file.map(str::to_owned),
            }),
        }
    }

    /// For messages: "octo (from the remote URL)".
    pub fn describe(&self) -> String {
        let from = match (self.source.as_str(), &self.file) {
            ("url", _) => "the remote URL".to_string(),
            ("helper", Some(f)) => format!("the credential helper configured in {f}"),
            ("helper", None) => "a credential helper".to_string(),
            (_, Some(f)) => format!("credential.*.username in {f}"),
            (s, None) => s.to_string(),
        };
        format!("{} (from {from})", self.login)
    }
}

/// What git sends to its credential helpers for one URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub protocol: String,
    /// The host as the URL writes it, with `:port` when it names one (git does not
    /// drop a default port here, nor lower the case).
    pub host: String,
    /// Sent only when `credential.useHttpPath` applies (or the protocol is not http(s)).
    pub path: Option<String>,
    /// The user name git sends, if any.
    pub username: Option<String>,
    /// Where `username` comes from.
    pub user_source: Option<UserSource>,
}

impl Request {
    /// The request for a host alone (no repository): protocol and host, and whatever
    /// the config says for that URL.
    pub fn for_host(protocol: &str, host: &str, entries: &[ConfigEntry]) -> Result<Request, RequestError> {
        let parsed =
            Parsed { protocol: protocol.into(), username: None, host: host.into(), path: None, user_from_url: false };
        apply_config(parsed, entries)
    }

    /// The request with another user name (the token's login when nothing pins one).
    pub fn with_username(&self, username: &str) -> Request {
        Request { username: Some(username.into()), ..self.clone() }
    }

    /// True when git sends a user name it did not get from a helper: the URL or the
    /// config pins it, and helpers are asked only for that user's login.
    pub fn is_pinned(&self) -> bool {
        self.username.as_deref().is_some_and(|u| !u.is_empty())
    }

    /// `protocol://[user@]host[/path]` for messages (nothing secret is in a request).
    pub fn describe(&self) -> String {
        let user = self.username.as_deref().map(|u| format!("{u}@")).unwrap_or_default();
        let path = self.path.as_deref().map(|p| format!("/{p}")).unwrap_or_default();
        format!("{}://{user}{}{path}", self.protocol, self.host)
    }
}

/// Why git would not ask its helpers for a URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// No scheme, an empty host, a line break in a part.
    #[error("git cannot take a credential for this URL (no scheme or host, or a line break in it)")]
    Url,
    /// A matching `credential.*` key written without a value: git stops
    /// ("missing value for 'credential.usehttppath'").
    #[error("{key} has no value ({origin}); git stops at it: give it one (true or false) or remove it")]
    NoValue { key: String, origin: String },
}

/// The request git makes for `url` (as git uses it: after insteadOf; the push URL for
/// a push) under the `credential.*` entries in config order.
pub fn request_for(url: &str, entries: &[ConfigEntry]) -> Result<Request, RequestError> {
    let parsed = from_url(url, false).ok_or(RequestError::Url)?;
    if parsed.host.is_empty() || parsed.protocol.is_empty() {
        return Err(RequestError::Url);
    }
    apply_config(parsed, entries)
}

/// What `credential_from_url` takes from a URL.
#[derive(Clone, Debug, Default)]
struct Parsed {
    protocol: String,
    username: Option<String>,
    host: String,
    path: Option<String>,
    /// The URL named a (non-empty) user: config cannot change it.
    user_from_url: bool,
}

/// git's `credential_from_url_1`. With `partial`, a URL without a scheme is allowed and
/// a part that is absent stays empty (the protocol, the host).
fn from_url(url: &str, partial: bool) -> Option<Parsed> {
    let proto_end = url.find("://");
    if !partial && proto_end.is_none_or(|i| i == 0) {
        return None;
    }
    let cp = match proto_end {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let at = cp.find('@');
    let colon = cp.find(':');
    let slash = cp.find(['/', '?', '#']).unwrap_or(cp.len());
    let mut p = Parsed::default();
    let host = match at {
        Some(at) if at < slash => {
            let user_end = match colon {
                Some(c) if c < at => c,
                _ => at,
            };
            let user = decode(&cp[..user_end])?;
            p.user_from_url = !user.is_empty();
            p.username = Some(user);
            &cp[at + 1..slash]
        }
        _ => &cp[..slash],
    };
    if let Some(i) = proto_end {
        p.protocol = url[..i].to_string();
    }
    p.host = decode(host)?;
    let rest = cp[slash..].trim_start_matches('/');
    if !rest.is_empty() {
        let mut path = decode(rest)?;
        while path.len() > 1 && path.ends_with('/') {
            path.pop();
        }
        p.path = Some(path);
    }
    let parts = [Some(&p.protocol), Some(&p.host), p.path.as_ref(), p.username.as_ref()];
    if parts.into_iter().flatten().any(|v| v.contains('\n')) {
        return None;
    }
    Some(p)
}

/// What the config walk gathers for one request.
struct Applied {
    username: Option<String>,
    user_source: Option<UserSource>,
    use_http_path: bool,
    helpers: Vec<HelperEntry>,
    /// The first matching key without a value (git stops there).
    no_value: Option<RequestError>,
}

/// git's config walk for a request: every `credential.*` entry that matches, in order
/// (urlmatch with `select_all`, or the partial-URL rule).
fn walk(parsed: &Parsed, entries: &[ConfigEntry]) -> Applied {
    let lookup = Normal::of_request(parsed);
    let mut a = Applied {
        username: parsed.username.clone(),
        user_source: parsed.user_from_url.then_some(UserSource::Url),
        use_http_path: false,
        helpers: Vec::new(),
        no_value: None,
    };
    for e in entries {
        let Some(rest) = strip_prefix_ignore_case(&e.key, "credential.") else { continue };
        let (pattern, name) = match rest.rfind('.') {
            Some(dot) => (Some(&rest[..dot]), &rest[dot + 1..]),
            None => (None, rest),
        };
        if let Some(pattern) = pattern {
            let matches = match Normal::of_pattern(pattern) {
                Some(n) => lookup.as_ref().is_some_and(|l| n.matches(l)),
                None => partial_matches(pattern, parsed, a.username.as_deref()),
            };
            if !matches {
                continue;
            }
        }
        if e.bare {
            // git's callback refuses every valueless credential key it is given.
            if a.no_value.is_none() {
                a.no_value = Some(RequestError::NoValue { key: e.key.clone(), origin: e.origin.clone() });
            }
            continue;
        }
        match name.to_ascii_lowercase().as_str() {
            "username" if !parsed.user_from_url => {
                a.username = Some(e.value.clone());
                a.user_source =
                    Some(UserSource::Config { key: e.key.clone(), scope: e.scope.clone(), origin: e.origin.clone() });
            }
            "usehttppath" => a.use_http_path = config_bool(&e.value),
            "helper" if e.value.trim().is_empty() => a.helpers.clear(),
            "helper" => {
                a.helpers.push(HelperEntry { value: e.value.clone(), scope: e.scope.clone(), origin: e.origin.clone() })
            }
            _ => {}
        }
    }
    a
}

/// `credential_apply_config`: every matching entry in order, then the path rule.
fn apply_config(parsed: Parsed, entries: &[ConfigEntry]) -> Result<Request, RequestError> {
    let a = walk(&parsed, entries);
    if let Some(e) = a.no_value {
        return Err(e);
    }
    let is_http = parsed.protocol == "http" || parsed.protocol == "https";
    let path = if is_http && !a.use_http_path { None } else { parsed.path };
    // An empty user name in the URL pins nothing (git sends none).
    let username = a.username.filter(|u| !u.is_empty() || matches!(a.user_source, Some(UserSource::Config { .. })));
    Ok(Request { protocol: parsed.protocol, host: parsed.host, path, username, user_source: a.user_source })
}

/// The helpers git runs for a request with exactly these attributes (as `git credential
/// fill` gets them: a user name given pins it), in order; an empty value clears the
/// list so far.
pub fn helpers_for(
    protocol: &str,
    host: &str,
    path: Option<&str>,
    username: Option<&str>,
    entries: &[ConfigEntry],
) -> Vec<HelperEntry> {
    let parsed = Parsed {
        protocol: protocol.into(),
        username: username.map(str::to_owned),
        host: host.into(),
        path: path.map(str::to_owned),
        user_from_url: username.is_some_and(|u| !u.is_empty()),
    };
    walk(&parsed, entries).helpers
}

/// git's `git_config_bool` for a value that is present.
pub fn config_bool(value: &str) -> bool {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => true,
        "false" | "no" | "off" | "" => false,
        n => n.parse::<i64>().is_ok_and(|n| n != 0),
    }
}

/// git's `match_partial_url` (a key whose URL does not normalize, e.g. `github.com`):
/// each part the pattern names must equal the request's, as the request stands now.
fn partial_matches(pattern: &str, parsed: &Parsed, username: Option<&str>) -> bool {
    let Some(want) = from_url(pattern, true) else { return false };
    let want_user = want.username.as_deref();
    (want.protocol.is_empty() || want.protocol == parsed.protocol)
        && (want.host.is_empty() || want.host == parsed.host)
        && want.path.as_deref().is_none_or(|p| parsed.path.as_deref() == Some(p))
        && want_user.is_none_or(|u| username == Some(u))
}

/// A URL as git's `url_normalize` sees it, for urlmatch: scheme and host lower-case,
/// the default port dropped, the path decoded with dot segments resolved.
#[derive(Debug, PartialEq, Eq)]
struct Normal {
    scheme: String,
    /// `Some` when the URL has an `@` (an empty user name included).
    user: Option<String>,
    host: String,
    port: Option<String>,
    path: String,
}

impl Normal {
    /// The URL `credential_format` builds from a request, normalized. `None` when it
    /// does not normalize (git then matches no URL pattern).
    fn of_request(p: &Parsed) -> Option<Normal> {
        let user = p.username.as_deref().filter(|u| !u.is_empty()).map(str::to_owned);
        let (host, port) = split_port(&p.host);
        Normal::build(&p.protocol, user, host, port, p.path.as_deref().unwrap_or(""), false)
    }

    /// A `credential.<pattern>.*` URL, normalized; `None` sends git to the partial-URL rule.
    fn of_pattern(pattern: &str) -> Option<Normal> {
        let (scheme, rest) = pattern.split_once("://")?;
        let slash = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (user, hostport) = match rest.find('@').filter(|&at| at < slash) {
            Some(at) => {
                let info = decode(&rest[..at])?;
                let user = info.split_once(':').map_or(info.as_str(), |(u, _)| u).to_string();
                (Some(user), &rest[at + 1..slash])
            }
            None => (None, &rest[..slash]),
        };
        let (host, port) = split_port(hostport);
        let path = rest[slash..].trim_start_matches('/');
        Normal::build(scheme, user, host, port, &decode(path)?, true)
    }

    fn build(
        scheme: &str,
        user: Option<String>,
        host: &str,
        port: Option<&str>,
        path: &str,
        globs: bool,
    ) -> Option<Normal> {
        let mut chars = scheme.chars();
        let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !scheme_ok {
            return None;
        }
        let scheme = scheme.to_ascii_lowercase();
        let host_ok = host.chars().all(|c| c.is_ascii_alphanumeric() || "-._~[]:".contains(c) || (globs && c == '*'));
        if !host_ok || (host.is_empty() && scheme != "file") {
            return None;
        }
        let port = match port {
            None => None,
            Some(p) => {
                let trimmed = p.trim_start_matches('0');
                let p = if trimmed.is_empty() && !p.is_empty() { "0" } else { trimmed };
                if p.is_empty() || (scheme == "http" && p == "80") || (scheme == "https" && p == "443") {
                    None
                } else {
                    let n: u32 = p.parse().ok().filter(|_| p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))?;
                    if n == 0 || n > 65535 {
                        return None;
                    }
                    Some(p.to_string())
                }
            }
        };
        Some(Normal { scheme, user, host: host.to_ascii_lowercase(), port, path: resolve_dots(path) })
    }

    /// git's `match_urls`: `self` is the pattern.
    fn matches(&self, url: &Normal) -> bool {
        self.scheme == url.scheme
            && self.user.as_ref().is_none_or(|u| url.user.as_ref() == Some(u))
            && host_matches(&self.host, &url.host)
            && self.port == url.port
            && path_prefix(&url.path, &self.path)
    }
}

/// `host` and the port text after its last `:` (an IPv6 literal's colons are inside `[]`).
fn split_port(hostport: &str) -> (&str, Option<&str>) {
    match hostport.rfind([':', ']']) {
        Some(i) if hostport.as_bytes()[i] == b':' => (&hostport[..i], Some(&hostport[i + 1..])),
        _ => (hostport, None),
    }
}

/// `/` + the path with `.` and `..` segments resolved (a `..` with nothing before it
/// stays out: git refuses such a URL, and then nothing matches it either way).
fn resolve_dots(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i + 1 == segments.len() {
                    out.push("");
                }
            }
            ".." => {
                out.pop();
                if i + 1 == segments.len() {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

/// git's `match_host`: label by label, a `*` label matching any one label.
fn host_matches(pattern: &str, host: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    let h: Vec<&str> = host.split('.').collect();
    p.len() == h.len() && p.iter().zip(&h).all(|(p, h)| *p == "*" || p == h)
}

/// git's `url_match_prefix`: `prefix` is `url`'s path or a prefix ending at a `/`.
fn path_prefix(url: &str, prefix: &str) -> bool {
    if prefix.is_empty() || prefix == "/" {
        return url.is_empty() || url.starts_with('/');
    }
    let prefix = prefix.strip_suffix('/').unwrap_or(prefix);
    url.starts_with(prefix) && (url.len() == prefix.len() || url.as_bytes()[prefix.len()] == b'/')
}

/// Percent-decode as git's `url_decode_mem`; `None` when the bytes are not UTF-8.
fn decode(s: &str) -> Option<String> {
    String::from_utf8(crate::model::percent::decode(s)).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn entry(key: &str, value: &str) -> ConfigEntry {
        ConfigEntry {
            scope: "global".into(),
            origin: "file:/home/me/.gitconfig".into(),
            key: key.into(),
            value: value.into(),
            bare: false,
        }
    }

    fn req(url: &str, entries: &[ConfigEntry]) -> Request {
        request_for(url, entries).unwrap()
    }

    #[test]
    fn the_path_is_sent_only_with_use_http_path() {
        let r = req("https://github.com/o/r.git", &[]);
        assert_eq!((r.protocol.as_str(), r.host.as_str(), r.path), ("https", "github.com", None));
        let on = [entry("credential.usehttppath", "true")];
        assert_eq!(req("https://github.com/o/r.git/", &on).path.as_deref(), Some("o/r.git"));
        // Scoped to one owner: only that owner's repositories.
        let scoped = [entry("credential.https://github.com/o.usehttppath", "yes")];
        assert_eq!(req("https://github.com/o/r.git", &scoped).path.as_deref(), Some("o/r.git"));
        assert_eq!(req("https://github.com/other/r.git", &scoped).path, None);
        assert_eq!(req("https://github.com/ox/r.git", &scoped).path, None);
        // Turned off again later in the order.
        let off = [entry("credential.usehttppath", "true"), entry("credential.https://github.com.usehttppath", "0")];
        assert_eq!(req("https://github.com/o/r", &off).path, None);
        // A bare key stops git (it is not a boolean true here), when it matches.
        let bare = [ConfigEntry { bare: true, ..entry("credential.useHttpPath", "") }];
        assert!(matches!(request_for("https://github.com/o/r", &bare), Err(RequestError::NoValue { .. })));
        let elsewhere = [ConfigEntry { bare: true, ..entry("credential.https://example.com.useHttpPath", "") }];
        assert!(request_for("https://github.com/o/r", &elsewhere).is_ok());
    }

    #[test]
    fn the_url_user_wins_over_config() {
        let e = [entry("credential.https://github.com.username", "bot")];
        let r = req("https://me%40example.com@github.com/o/r.git", &e);
        assert_eq!(r.username.as_deref(), Some("me@example.com"));
        assert_eq!(r.user_source, Some(UserSource::Url));
        let r = req("https://github.com/o/r.git", &e);
        assert_eq!(r.username.as_deref(), Some("bot"));
        assert_eq!(r.user_source.as_ref().and_then(UserSource::file), Some("/home/me/.gitconfig"));
        assert!(r.is_pinned());
    }

    #[test]
    fn the_last_matching_username_wins_and_others_do_not_match() {
        let e = [
            entry("credential.username", "first"),
            entry("credential.https://github.com.username", "second"),
            entry("credential.https://example.com.username", "elsewhere"),
            entry("credential.http://github.com.username", "plain-http"),
            entry("credential.https://github.com:8443.username", "other-port"),
        ];
        assert_eq!(req("https://github.com/o/r", &e).username.as_deref(), Some("second"));
        // The default port is the same URL; another is not.
        assert_eq!(req("https://github.com:443/o/r", &e).username.as_deref(), Some("second"));
        assert_eq!(req("https://github.com:8443/o/r", &e).username.as_deref(), Some("other-port"));
        // Host case does not matter to urlmatch; the host is sent as written.
        let r = req("https://GitHub.com/o/r", &e);
        assert_eq!((r.host.as_str(), r.username.as_deref()), ("GitHub.com", Some("second")));
    }

    #[test]
    fn wildcards_paths_and_user_patterns() {
        let e = [entry("credential.https://*.example.com.username", "wild")];
        assert_eq!(req("https://git.example.com/o/r", &e).username.as_deref(), Some("wild"));
        assert_eq!(req("https://a.b.example.com/o/r", &e).username, None);
        // A pattern with a user matches only that user (from the URL).
        let e = [entry("credential.https://me@github.com.usehttppath", "true")];
        assert_eq!(req("https://me@github.com/o/r", &e).path.as_deref(), Some("o/r"));
        assert_eq!(req("https://you@github.com/o/r", &e).path, None);
        assert_eq!(req("https://github.com/o/r", &e).path, None);
        // Path patterns match at segment boundaries, after the path is normalized.
        let e = [entry("credential.https://github.com/o/./r.git.username", "exact")];
        assert_eq!(req("https://github.com/o/r.git", &e).username.as_deref(), Some("exact"));
        assert_eq!(req("https://github.com/o/r.gitx", &e).username, None);
    }

    #[test]
    fn a_pattern_without_a_scheme_matches_by_parts() {
        let e = [entry("credential.github.com.username", "partial")];
        assert_eq!(req("https://github.com/o/r", &e).username.as_deref(), Some("partial"));
        assert_eq!(req("https://github.com:443/o/r", &e).username, None);
        let e = [entry("credential.github.com/o/r.username", "by-path")];
        assert_eq!(req("https://github.com/o/r", &e).username.as_deref(), Some("by-path"));
        assert_eq!(req("https://github.com/o/s", &e).username, None);
    }

    #[test]
    fn urls_git_refuses() {
        assert_eq!(request_for("github.com:o/r.git", &[]), Err(RequestError::Url));
        assert_eq!(request_for("https:///o/r", &[]), Err(RequestError::Url));
        assert_eq!(request_for("https://github.com/o%0a/r", &[]), Err(RequestError::Url));
        let r = req("ssh://git@github.com/o/r.git", &[]);
        // Not http: the path stays.
        assert_eq!((r.path.as_deref(), r.username.as_deref()), (Some("o/r.git"), Some("git")));
        let r = req("https://user:pw@[::1]:8080/o/r", &[]);
        assert_eq!((r.host.as_str(), r.username.as_deref()), ("[::1]:8080", Some("user")));
        assert_eq!(r.describe(), "https://user@[::1]:8080");
    }

    #[test]
    fn the_account_sent_names_its_source() {
        let e = [entry("credential.https://github.com.username", "bot")];
        let pinned = Sends::of(&req("https://github.com/o/r", &e), Some("other"), None).unwrap();
        assert_eq!((pinned.login.as_str(), pinned.source.as_str()), ("bot", "config"));
        assert_eq!(pinned.file.as_deref(), Some("/home/me/.gitconfig"));
        let by_url = Sends::of(&req("https://me@github.com/o/r", &e), None, None).unwrap();
        assert_eq!((by_url.login.as_str(), by_url.source.as_str(), by_url.file), ("me", "url", None));
        let helper = Sends::of(&req("https://github.com/o/r", &[]), Some("octo"), Some("/h/.gitconfig")).unwrap();
        assert_eq!(helper.describe(), "octo (from the credential helper configured in /h/.gitconfig)");
        assert_eq!(Sends::of(&req("https://github.com/o/r", &[]), None, None), None);
    }

    #[test]
    fn a_host_request_takes_host_wide_config() {
        let e = [entry("credential.https://github.com.username", "octo")];
        let r = Request::for_host("https", "github.com", &e).unwrap();
        assert_eq!(r.username.as_deref(), Some("octo"));
        assert_eq!(r.path, None);
    }
}
