//! Which credential helpers git runs for a URL, in order, and where each was
//! configured: git's `credential.helper` / `credential.<url>.helper` rules.

/// One entry of `git config -z --show-scope --show-origin --get-regexp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigEntry {
    pub scope: String,
    pub origin: String,
    pub key: String,
    pub value: String,
    /// The key was written without `=` (git reads it as a boolean true).
    pub bare: bool,
}

/// A helper git will run, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HelperEntry {
    /// The configured value, e.g. `store`, `osxkeychain`, `!gh auth git-credential`.
    /// Reports (`status --json`) show it masked ([`mask_command`]).
    #[serde(serialize_with = "serialize_masked")]
    pub value: String,
    /// `global`, `system`, `local`, `command`…
    pub scope: String,
    /// `file:/home/me/.gitconfig`, `command line:`…
    pub origin: String,
}

impl HelperEntry {
    /// A short name for messages: `store`, `cache`, `osxkeychain`, `manager`,
    /// `libsecret`, or the command's first word for `!` helpers, after any `NAME=VALUE`
    /// assignments (which may hold a token: `!GH_TOKEN=… gh auth git-credential`). Never
    /// a secret: a token-shaped word is `***`.
    pub fn name(&self) -> String {
        let v = self.value.trim();
        let first = v.trim_start_matches('!').split_whitespace().find(|w| !is_assignment(w)).unwrap_or("");
        let first = first.trim_matches(['\'', '"']);
        let base = first.rsplit(['/', '\\']).next().unwrap_or(first);
        let base = base.strip_prefix("git-credential-").unwrap_or(base);
        if base.is_empty() {
            "(empty)".into()
        } else if is_token_shaped(base) {
            "***".into()
        } else {
            base.into()
        }
    }

    /// The config file the helper came from, without git's `file:` prefix.
    pub fn file(&self) -> Option<&str> {
        self.origin.strip_prefix("file:")
    }
}

/// `NAME=VALUE`, as a shell reads an assignment before a command.
fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else { return false };
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A GitHub token (by prefix) or anything longer than a plausible name.
fn is_token_shaped(word: &str) -> bool {
    crate::model::remote::is_token_shaped_user(word.trim_matches(['\'', '"']))
}

/// A helper command safe to show (reports, `status --json`): [`scrub`](crate::model::scrub::scrub)
/// masks every `NAME=VALUE` value and token-shaped word; the command and its flags stay.
pub fn mask_command(cmd: &str) -> String {
    crate::model::scrub::scrub(cmd)
}

fn serialize_masked<S: serde::Serializer>(value: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&mask_command(value))
}

/// Parse `git config -z --show-scope --show-origin --get-regexp …` output:
/// records of `scope NUL origin NUL key [NL value] NUL`.
pub fn parse_config_z(out: &[u8]) -> Vec<ConfigEntry> {
    let text = String::from_utf8_lossy(out);
    let mut fields = text.split('\0');
    let mut entries = Vec::new();
    while let (Some(scope), Some(origin), Some(kv)) = (fields.next(), fields.next(), fields.next()) {
        if scope.is_empty() && origin.is_empty() && kv.is_empty() {
            break;
        }
        let (key, value, bare) = match kv.split_once('\n') {
            Some((k, v)) => (k, v, false),
            None => (kv, "", true),
        };
        entries.push(ConfigEntry {
            scope: scope.into(),
            origin: origin.into(),
            key: key.into(),
            value: value.into(),
            bare,
        });
    }
    entries
}

/// The target of a credential lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target<'a> {
    pub protocol: &'a str,
    /// Host name, lower-case, without port.
    pub host: &'a str,
    pub port: Option<u16>,
}

/// The helpers git runs for `target`, in order: matching `credential.helper` and
/// `credential.<url>.helper` entries in config order, an empty value clearing the
/// list so far (git's rule).
pub fn helper_chain(entries: &[ConfigEntry], target: &Target<'_>) -> Vec<HelperEntry> {
    let mut chain = Vec::new();
    for e in entries {
        let key = e.key.as_str();
        let Some(rest) = strip_prefix_ignore_case(key, "credential.") else {
            continue;
        };
        let pattern = if rest.eq_ignore_ascii_case("helper") {
            None
        } else if let Some(url) = strip_suffix_ignore_case(rest, ".helper").filter(|u| !u.is_empty()) {
            Some(url)
        } else {
            continue;
        };
        if pattern.is_some_and(|p| !pattern_matches(p, target)) {
            continue;
        }
        if e.value.trim().is_empty() {
            chain.clear();
        } else {
            chain.push(HelperEntry { value: e.value.clone(), scope: e.scope.clone(), origin: e.origin.clone() });
        }
    }
    chain
}

/// `s` without `suffix` (ASCII case-insensitive); `None` when it does not end so.
/// Never slices inside a character (a key may end in any UTF-8).
fn strip_suffix_ignore_case<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &s[..cut])
}

/// `s` without `prefix` (ASCII case-insensitive), as git compares config key names.
pub(crate) fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

fn default_port(protocol: &str) -> Option<u16> {
    match protocol {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    }
}

/// git's urlmatch for `credential.<pattern>.*`, for a lookup that carries no user name
/// and no path (as ours never do), so a pattern with either never matches (a `user@`
/// stays part of the host). With a `scheme://`, host labels may be `*` and a missing or
/// empty port is the scheme's default; without one, git (`match_partial_url`) compares
/// host[:port] exactly as the lookup names it.
fn pattern_matches(pattern: &str, t: &Target<'_>) -> bool {
    let (scheme, rest) = match pattern.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, pattern),
    };
    if let Some(s) = scheme
        && !s.eq_ignore_ascii_case(t.protocol)
    {
        return false;
    }
    let authority = rest.split('/').next().unwrap_or("");
    let path = &rest[authority.len()..];
    if !path.trim_matches('/').is_empty() {
        return false;
    }
    if scheme.is_none() {
        return authority == lookup_host(t);
    }
    let Some((host, port)) = split_host_port(authority) else {
        return false;
    };
    let default = default_port(t.protocol);
    port.or(default) == t.port.or(default) && host_matches(host, t.host)
}

/// host[:port] as git names it in a credential lookup: an IPv6 address in brackets.
fn lookup_host(t: &Target<'_>) -> String {
    let host = if t.host.contains(':') { format!("[{}]", t.host) } else { t.host.to_string() };
    match t.port {
        Some(p) => format!("{host}:{p}"),
        None => host,
    }
}

/// `host[:port]` or `[v6][:port]`. An empty port is none, as git's url_normalize drops
/// it; `None` when the port is no number in 1..=65535 (such a pattern never matches).
fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(inner) => {
            let (h, after) = inner.split_once(']')?;
            (h, if after.is_empty() { "" } else { after.strip_prefix(':')? })
        }
        None => authority.rsplit_once(':').unwrap_or((authority, "")),
    };
    if port.is_empty() {
        return Some((host, None));
    }
    // Digits only: `u16::from_str` would take `+443`, git does not.
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    port.parse().ok().filter(|p| *p != 0).map(|p| (host, Some(p)))
}

fn host_matches(pattern: &str, host: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    let h: Vec<&str> = host.split('.').collect();
    p.len() == h.len() && p.iter().zip(&h).all(|(p, h)| *p == "*" || p.eq_ignore_ascii_case(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helper_command_is_shown_by_name_with_its_secrets_masked() {
        let token = format!("ghp_{}", "A1b2".repeat(9));
        let entry = |value: &str| HelperEntry { value: value.into(), scope: "global".into(), origin: "file:/h".into() };
        let cmd = format!("!GH_TOKEN={token} sh -c 'echo password=$GH_TOKEN'");
        assert_eq!(entry(&cmd).name(), "sh", "assignments before the command are skipped");
        let masked = mask_command(&cmd);
        assert!(!masked.contains(&token), "{masked}");
        assert_eq!(masked, "!GH_TOKEN=*** sh -c 'echo password=$GH_TOKEN'", "a variable is not a secret");
        assert_eq!(entry(&format!("!{token}")).name(), "***");
        assert_eq!(mask_command(&format!("!f() {{ echo {token}; }}; f")), "!f() { echo ***; }; f");
        assert_eq!(mask_command(&format!("store --token={token}")), "store --token=***");
        // Nothing secret: as written.
        assert_eq!(mask_command("cache --timeout=86400"), "cache --timeout=86400");
        assert_eq!(
            mask_command("!'/opt/o'\\''brien/git-reauth' credential"),
            "!'/opt/o'\\''brien/git-reauth' credential"
        );
        assert_eq!(entry("!/usr/bin/gh auth git-credential").name(), "gh");
        let json = serde_json::to_string(&entry(&cmd)).unwrap();
        assert!(!json.contains(&token), "reports serialize the masked value: {json}");
    }

    fn e(key: &str, value: &str) -> ConfigEntry {
        ConfigEntry {
            scope: "global".into(),
            origin: "file:/h/.gitconfig".into(),
            key: key.into(),
            value: value.into(),
            bare: false,
        }
    }

    const GH: Target<'static> = Target { protocol: "https", host: "github.com", port: None };

    #[test]
    fn parses_git_config_z_output() {
        let raw = b"global\0file:/h/.gitconfig\0credential.helper\nstore --file=/h/a\0system\0file:/etc/gitconfig\0credential.https://github.com.helper\n\0local\0file:.git/config\0credential.helper\0";
        let got = parse_config_z(raw);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].value, "store --file=/h/a");
        assert_eq!(got[1].key, "credential.https://github.com.helper");
        assert_eq!(got[1].value, "");
        assert_eq!(got[2].scope, "local");
        // `credential.helper` with no `=`: a bare key, not an empty value.
        assert!(got[2].bare && !got[1].bare);
    }

    #[test]
    fn only_an_all_empty_record_ends_the_output() {
        let raw = b"\0\0credential.helper\nstore\0\0\0\0global\0file:/h/.gitconfig\0credential.helper\0";
        let got = parse_config_z(raw);
        assert_eq!(
            got,
            vec![ConfigEntry {
                scope: "".into(),
                origin: "".into(),
                key: "credential.helper".into(),
                value: "store".into(),
                bare: false,
            }]
        );
    }

    #[test]
    fn a_helper_names_its_file_only_when_git_read_it_from_one() {
        let h = |origin: &str| HelperEntry { value: "store".into(), scope: "global".into(), origin: origin.into() };
        assert_eq!(h("file:/h/.gitconfig").file(), Some("/h/.gitconfig"));
        assert_eq!(h("command line:").file(), None);
    }

    #[test]
    fn empty_value_resets_and_url_scoped_entries_apply_in_order() {
        let entries = vec![
            e("credential.helper", "osxkeychain"),
            e("credential.helper", "cache"),
            e("credential.https://github.com.helper", ""),
            e("credential.https://github.com.helper", "!gh auth git-credential"),
            e("credential.https://gitlab.com.helper", "x"),
        ];
        let chain = helper_chain(&entries, &GH);
        assert_eq!(chain.iter().map(|h| h.value.as_str()).collect::<Vec<_>>(), vec!["!gh auth git-credential"]);
        assert_eq!(chain[0].name(), "gh");
        let gl = helper_chain(&entries, &Target { protocol: "https", host: "gitlab.com", port: None });
        assert_eq!(gl.len(), 3);
    }

    /// Each row agrees with git 2.47: `credential.<pattern>.helper` set to a helper that
    /// answers, then `git credential fill` given `protocol=` and `host=` as
    /// [`lookup_host`] names them (`[::1]:8080`).
    #[test]
    fn url_patterns_follow_git_urlmatch() {
        const HTTP_GH: Target<'static> = Target { protocol: "http", host: "github.com", port: None };
        const LOCAL: Target<'static> = Target { protocol: "http", host: "127.0.0.1", port: Some(8080) };
        const V6: Target<'static> = Target { protocol: "https", host: "::1", port: Some(8080) };
        const V6_NO_PORT: Target<'static> = Target { protocol: "https", host: "::1", port: None };
        let table = [
            ("https://github.com", GH, true),
            ("https://github.com/", GH, true),
            ("https://github.com:443", GH, true),
            ("https://github.com:", GH, true),
            ("https://github.com:0443", GH, true),
            ("https://github.com:+443", GH, false),
            ("https://github.com:99999", GH, false),
            ("https://github.com:0", GH, false),
            ("https://github.com:x", GH, false),
            ("https://github.com:8080", GH, false),
            ("https://github.com/org", GH, false),
            ("https://user@github.com", GH, false),
            ("https://@github.com", GH, false),
            ("https://*.com", GH, true),
            ("https://gist.github.com", GH, false),
            ("https://GitHub.COM", GH, true),
            ("HTTPS://github.com", GH, true),
            ("http://github.com", GH, false),
            ("github.com", GH, true),
            ("github.com/", GH, true),
            ("github.com:443", GH, false),
            ("GitHub.com", GH, false),
            ("*.com", GH, false),
            ("user@github.com", GH, false),
            ("@github.com", GH, false),
            ("github.com/org", GH, false),
            ("http://github.com:80", HTTP_GH, true),
            ("http://github.com", HTTP_GH, true),
            ("http://github.com:443", HTTP_GH, false),
            ("http://127.0.0.1:8080", LOCAL, true),
            ("http://127.0.0.1", LOCAL, false),
            ("https://127.0.0.1:8080", LOCAL, false),
            ("127.0.0.1:8080", LOCAL, true),
            ("127.0.0.1", LOCAL, false),
            ("https://[::1]:8080", V6, true),
            ("https://[::1]", V6, false),
            ("https://[::1]x:8080", V6, false),
            ("[::1]:8080", V6, true),
            ("::1", V6, false),
            ("https://[::1]", V6_NO_PORT, true),
            ("https://[::1]:443", V6_NO_PORT, true),
            ("https://[::1]:", V6_NO_PORT, true),
            ("[::1]", V6_NO_PORT, true),
            ("::1", V6_NO_PORT, false),
        ];
        for (pattern, target, matches) in table {
            assert_eq!(pattern_matches(pattern, &target), matches, "{pattern} for {target:?}");
        }
    }

    #[test]
    fn keys_ending_in_multibyte_characters_do_not_panic() {
        // Found by the property suite: slicing `.helper` off cut inside a character.
        let entries = vec![e("credential.\u{10000}\u{10000}", "store"), e("credential.é.helper", "x")];
        let t = Target { protocol: "https", host: "github.com", port: None };
        assert!(helper_chain(&entries, &t).is_empty());
    }

    #[test]
    fn helper_names() {
        let h = |v: &str| HelperEntry { value: v.into(), scope: "global".into(), origin: "file:/x".into() }.name();
        assert_eq!(h("store --file=/x"), "store");
        assert_eq!(h("/usr/lib/git-core/git-credential-libsecret"), "libsecret");
        assert_eq!(h("!'/opt/bin/git-reauth' credential"), "git-reauth");
        assert_eq!(h("manager"), "manager");
    }
}

/// The file a `store` helper keeps its logins in, from its configured value
/// (`store --file=PATH`, `store --file PATH`); `None` for another helper, or for `store`
/// with git's default files (the caller knows those).
pub fn store_file(value: &str) -> Option<Option<String>> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let name = words.first()?.trim_start_matches('!');
    if name != "store" && !name.ends_with("git-credential-store") {
        return None;
    }
    let mut it = words.iter().skip(1);
    while let Some(w) = it.next() {
        if let Some(f) = w.strip_prefix("--file=") {
            return Some(Some(f.trim_matches(['\'', '"']).to_string()));
        }
        if *w == "--file" {
            return Some(it.next().map(|f| f.trim_matches(['\'', '"']).to_string()));
        }
    }
    Some(None)
}

/// The user names `git credential-store` keeps for `protocol://host` in a file of its
/// (one `protocol://user:password@host[/path]` per line), in order, each once. Never
/// holds a password.
pub fn store_logins(text: &str, protocol: &str, host: &str) -> Vec<String> {
    let mut logins: Vec<String> = Vec::new();
    for line in text.lines() {
        // credential-store writes `protocol://user:password@host[/path]`, every part
        // percent-encoded (the host's `:` as `%3a`).
        let Some((scheme, rest)) = line.trim().split_once("://") else { continue };
        let authority = rest.split('/').next().unwrap_or("");
        let Some((userinfo, at_host)) = authority.rsplit_once('@') else { continue };
        let user = percent_decoded(userinfo.split(':').next().unwrap_or(""));
        let same = scheme == protocol && percent_decoded(at_host).eq_ignore_ascii_case(host);
        if same && !user.is_empty() && !logins.contains(&user) {
            logins.push(user);
        }
    }
    logins
}

/// `%XX` decoded (lossy for bytes that are not UTF-8).
fn percent_decoded(s: &str) -> String {
    String::from_utf8_lossy(&crate::model::percent::decode(s)).into_owned()
}

#[cfg(test)]
mod store_tests {
    use super::*;

    #[test]
    fn store_files_and_their_logins() {
        assert_eq!(store_file("store --file=/h/.work-credentials"), Some(Some("/h/.work-credentials".into())));
        assert_eq!(store_file("store --file '/h/x'"), Some(Some("/h/x".into())));
        assert_eq!(store_file("store"), Some(None));
        assert_eq!(store_file("cache --timeout=60"), None);
        let text = "https://octo:pw1@github.com\nhttps://work-bot:pw2@github.com/o/r.git\nhttp://other:pw@github.com\nhttps://octo:pw3@github.com%3a8443\nhttps://octo:pw4@GitHub.com\nhttps://me%40example.com:pw@github.com\n";
        assert_eq!(store_logins(text, "https", "github.com"), ["octo", "work-bot", "me@example.com"]);
        assert_eq!(store_logins(text, "https", "github.com:8443"), ["octo"]);
    }
}
