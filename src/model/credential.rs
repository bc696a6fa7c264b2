//! git's credential protocol: `key=value` lines ended by a blank line or EOF.

use secrecy::{ExposeSecret, SecretString};

/// Largest input we accept on stdin (git never sends more than a few KiB).
pub const MAX_INPUT: usize = 64 * 1024;

/// One credential description, as git sends to and reads from helpers.
#[derive(Clone, Debug, Default)]
pub struct Credential {
    pub protocol: Option<String>,
    /// Host with `:port` when there is one.
    pub host: Option<String>,
    pub path: Option<String>,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub password_expiry_utc: Option<String>,
    pub oauth_refresh_token: Option<SecretString>,
}

/// Why protocol input or output was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("credential input is larger than {MAX_INPUT} bytes")]
    TooLarge,
    #[error("credential input is not UTF-8")]
    NotUtf8,
    #[error("credential value for `{0}` contains a line break or NUL")]
    BadValue(String),
    #[error("invalid url= value in credential input")]
    BadUrl,
}

/// Parse what git writes to a helper (or what `git credential fill` prints). Stops at
/// the first blank line; ignores lines without `=` and keys it does not know; a `url=`
/// line sets protocol/host/path (and username) as git does.
pub fn parse(input: &[u8]) -> Result<Credential, CredentialError> {
    if input.len() > MAX_INPUT {
        return Err(CredentialError::TooLarge);
    }
    let text = std::str::from_utf8(input).map_err(|_| CredentialError::NotUtf8)?;
    let mut c = Credential::default();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if value.contains('\0') {
            return Err(CredentialError::BadValue(key.to_string()));
        }
        let v = || Some(value.to_string());
        match key {
            "protocol" => c.protocol = v(),
            "host" => c.host = v(),
            "path" => c.path = v(),
            "username" => c.username = v(),
            "password" => c.password = Some(SecretString::from(value)),
            "password_expiry_utc" => c.password_expiry_utc = v(),
            "oauth_refresh_token" => c.oauth_refresh_token = Some(SecretString::from(value)),
            "url" => c.set_url(value)?,
            _ => {}
        }
    }
    Ok(c)
}

impl Credential {
    /// protocol + host, the shape used to look up or erase a host's credential.
    pub fn for_host(protocol: &str, host: &str) -> Credential {
        Credential { protocol: Some(protocol.into()), host: Some(host.into()), ..Default::default() }
    }
    /// The block git expects: known keys in git's order, then the terminating blank line.
    /// Refuses any value containing `\n`, `\r` or NUL (protocol injection).
    pub fn render(&self) -> Result<String, CredentialError> {
        let fields: [(&str, Option<&str>); 7] = [
            ("protocol", self.protocol.as_deref()),
            ("host", self.host.as_deref()),
            ("path", self.path.as_deref()),
            ("username", self.username.as_deref()),
            ("password", self.password.as_ref().map(ExposeSecret::expose_secret)),
            ("password_expiry_utc", self.password_expiry_utc.as_deref()),
            ("oauth_refresh_token", self.oauth_refresh_token.as_ref().map(ExposeSecret::expose_secret)),
        ];
        let mut out = String::new();
        for (key, value) in fields {
            let Some(value) = value else { continue };
            if value.contains(['\n', '\r', '\0']) {
                return Err(CredentialError::BadValue(key.to_string()));
            }
            out.push_str(key);
            out.push('=');
            out.push_str(value);
            out.push('\n');
        }
        out.push('\n');
        Ok(out)
    }

    /// Apply a `url=` line as git does: it replaces protocol, host, path and user name
    /// (and sets the password when the URL has one). Parts are percent-decoded; a part
    /// that decodes to a line break or NUL is refused.
    fn set_url(&mut self, value: &str) -> Result<(), CredentialError> {
        let u = url::Url::parse(value).map_err(|_| CredentialError::BadUrl)?;
        let host = match u.host_str() {
            Some(h) if !h.is_empty() => {
                let h = decode(h)?;
                Some(match explicit_port(value) {
                    true => format!("{h}:{}", u.port_or_known_default().ok_or(CredentialError::BadUrl)?),
                    false => h,
                })
            }
            _ => None,
        };
        let path = decode(u.path().trim_matches('/'))?;
        let username = decode(u.username())?;
        let password = u.password().map(decode).transpose()?;
        self.protocol = Some(u.scheme().to_string());
        self.host = host;
        self.path = Some(path).filter(|p| !p.is_empty());
        self.username = Some(username).filter(|n| !n.is_empty());
        if let Some(pw) = password {
            self.password = Some(SecretString::from(pw));
        }
        Ok(())
    }
}

/// True when the URL's authority spells out a port (`https://host:443/`).
fn explicit_port(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let after_host = match host_port.rfind(']') {
        Some(i) => host_port.get(i + 1..).unwrap_or(""),
        None => host_port.find(':').and_then(|i| host_port.get(i..)).unwrap_or(""),
    };
    after_host.strip_prefix(':').is_some_and(|p| !p.is_empty())
}

/// Percent-decode; refuse anything that decodes to a line break, NUL or invalid UTF-8.
fn decode(s: &str) -> Result<String, CredentialError> {
    let s = String::from_utf8(crate::model::percent::decode(s)).map_err(|_| CredentialError::BadUrl)?;
    if s.contains(['\n', '\r', '\0']) {
        return Err(CredentialError::BadUrl);
    }
    Ok(s)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pw(c: &Credential) -> Option<&str> {
        c.password.as_ref().map(ExposeSecret::expose_secret)
    }

    #[test]
    fn parse_basic() {
        let c = parse(b"protocol=https\nhost=github.com\nusername=octo\npassword=ghp_x\n\n").unwrap();
        assert_eq!(c.protocol.as_deref(), Some("https"));
        assert_eq!(c.host.as_deref(), Some("github.com"));
        assert_eq!(c.username.as_deref(), Some("octo"));
        assert_eq!(pw(&c), Some("ghp_x"));
        assert_eq!(c.path, None);
    }

    #[test]
    fn parse_rules() {
        // CRLF, EOF without blank line, value with `=`, later duplicates win, unknown keys ignored.
        let c = parse(
            b"protocol=http\r\nhost=a\r\nhost=127.0.0.1:8080\r\ncapability[]=authtype\r\nwwwauth[]=Basic realm=\"x\"\r\n\
              garbage line\r\npath=o/r.git\r\npassword=a=b=c\r\npassword_expiry_utc=1700000000\r\noauth_refresh_token=ghr_x",
        )
        .unwrap();
        assert_eq!(c.protocol.as_deref(), Some("http"));
        assert_eq!(c.host.as_deref(), Some("127.0.0.1:8080"));
        assert_eq!(c.path.as_deref(), Some("o/r.git"));
        assert_eq!(pw(&c), Some("a=b=c"));
        assert_eq!(c.password_expiry_utc.as_deref(), Some("1700000000"));
        assert_eq!(c.oauth_refresh_token.as_ref().map(ExposeSecret::expose_secret), Some("ghr_x"));
        // Stops at the first blank line.
        let c = parse(b"host=a\n\nhost=b\n").unwrap();
        assert_eq!(c.host.as_deref(), Some("a"));
        let c = parse(b"host=a\r\n\r\nhost=b\n").unwrap();
        assert_eq!(c.host.as_deref(), Some("a"));
        let c = parse(b"").unwrap();
        assert!(c.host.is_none() && c.protocol.is_none());
        let c = parse(b"username=\n").unwrap();
        assert_eq!(c.username.as_deref(), Some(""));
    }

    #[test]
    fn parse_errors() {
        assert_eq!(parse(&vec![b'a'; MAX_INPUT + 1]).unwrap_err(), CredentialError::TooLarge);
        assert!(parse(&vec![b'a'; MAX_INPUT]).is_ok());
        assert_eq!(parse(b"host=\xff\n").unwrap_err(), CredentialError::NotUtf8);
        assert_eq!(parse(b"host=a\0b\n").unwrap_err(), CredentialError::BadValue("host".into()));
        assert_eq!(parse(b"password=a\0\n").unwrap_err(), CredentialError::BadValue("password".into()));
        for bad in [
            "url=not a url\n",
            "url=https://exa mple.com/\n",
            "url=https://github.com/%0Ahost=evil\n",
            "url=https://u%00@h/\n",
        ] {
            assert_eq!(parse(bad.as_bytes()).unwrap_err(), CredentialError::BadUrl, "{bad:?}");
        }
    }

    #[test]
    fn parse_url() {
        // (url, protocol, host, path, username, password)
        type Row<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<&'a str>);
        let table: [Row; 7] = [
            ("https://github.com/o/r.git", "https", Some("github.com"), Some("o/r.git"), None, None),
            ("https://github.com", "https", Some("github.com"), None, None, None),
            ("https://GitHub.com:443/o/r/", "https", Some("github.com:443"), Some("o/r"), None, None),
            (
                "http://127.0.0.1:8080/octo/hello.git",
                "http",
                Some("127.0.0.1:8080"),
                Some("octo/hello.git"),
                None,
                None,
            ),
            ("http://[::1]:8080/x", "http", Some("[::1]:8080"), Some("x"), None, None),
            ("https://octo@github.com/", "https", Some("github.com"), None, Some("octo"), None),
            (
                "https://oc%20to:p%40ss@github.com/a%20b",
                "https",
                Some("github.com"),
                Some("a b"),
                Some("oc to"),
                Some("p@ss"),
            ),
        ];
        for (url, protocol, host, path, user, pass) in table {
            let c = parse(format!("username=old\nurl={url}\n").as_bytes()).unwrap();
            assert_eq!(c.protocol.as_deref(), Some(protocol), "{url}");
            assert_eq!(c.host.as_deref(), host, "{url}");
            assert_eq!(c.path.as_deref(), path, "{url}");
            assert_eq!(c.username.as_deref(), user, "{url}");
            assert_eq!(pw(&c), pass, "{url}");
        }
        // Keys after url= override it.
        let c = parse(b"url=https://a.example/x\nhost=b.example\n").unwrap();
        assert_eq!(c.host.as_deref(), Some("b.example"));
        assert_eq!(c.path.as_deref(), Some("x"));
    }

    #[test]
    fn render_order_and_refusals() {
        let c = Credential {
            protocol: Some("https".into()),
            host: Some("github.com".into()),
            path: Some("o/r.git".into()),
            username: Some("octo".into()),
            password: Some(SecretString::from("ghp_x")),
            password_expiry_utc: Some("1700000000".into()),
            oauth_refresh_token: Some(SecretString::from("ghr_y")),
        };
        assert_eq!(
            c.render().unwrap(),
            "protocol=https\nhost=github.com\npath=o/r.git\nusername=octo\npassword=ghp_x\n\
             password_expiry_utc=1700000000\noauth_refresh_token=ghr_y\n\n"
        );
        assert_eq!(
            Credential::for_host("https", "github.com").render().unwrap(),
            "protocol=https\nhost=github.com\n\n"
        );
        assert_eq!(Credential::default().render().unwrap(), "\n");
        for bad in ["a\nhost=evil", "a\r", "a\0"] {
            let c = Credential { username: Some(bad.into()), ..Credential::for_host("https", "h") };
            assert_eq!(c.render().unwrap_err(), CredentialError::BadValue("username".into()));
            let c = Credential { password: Some(SecretString::from(bad)), ..Credential::for_host("https", "h") };
            assert_eq!(c.render().unwrap_err(), CredentialError::BadValue("password".into()));
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credential {
            password: Some(SecretString::from("hunter2secret")),
            oauth_refresh_token: Some(SecretString::from("ghr_refreshsecret")),
            ..Credential::for_host("https", "github.com")
        };
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("hunter2secret") && !dbg.contains("ghr_refreshsecret"), "{dbg}");
        assert!(dbg.contains("github.com"));
    }

    fn value() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("[^\n\r\0]{0,30}")
    }

    proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            // Whatever parses (git stops reading at the first blank line, so bytes after
            // it may be anything) holds no value that could inject protocol lines.
            if let Ok(c) = parse(&bytes) {
                let fields = [&c.protocol, &c.host, &c.path, &c.username, &c.password_expiry_utc];
                for v in fields.into_iter().flatten() {
                    prop_assert!(!v.contains(['\n', '\0']), "{v:?}");
                }
            }
        }

        #[test]
        fn parse_never_panics_text(s in "((protocol|host|path|url|username|password|x)=[^\n]{0,40}\r?\n){0,6}") {
            if let Ok(c) = parse(s.as_bytes()) {
                // Whatever was parsed from a url= renders without injection or is refused.
                if let Ok(out) = c.render() {
                    prop_assert!(out.ends_with('\n'));
                }
            }
        }

        #[test]
        fn render_parse_round_trip(
            protocol in value(), host in value(), path in value(), username in value(),
            password in value(), expiry in value(), refresh in value(),
        ) {
            let c = Credential {
                protocol, host, path, username,
                password: password.map(SecretString::from),
                password_expiry_utc: expiry,
                oauth_refresh_token: refresh.map(SecretString::from),
            };
            let out = c.render().unwrap();
            let back = parse(out.as_bytes()).unwrap();
            prop_assert_eq!(&back.protocol, &c.protocol);
            prop_assert_eq!(&back.host, &c.host);
            prop_assert_eq!(&back.path, &c.path);
            prop_assert_eq!(&back.username, &c.username);
            prop_assert_eq!(pw(&back), pw(&c));
            prop_assert_eq!(&back.password_expiry_utc, &c.password_expiry_utc);
            prop_assert_eq!(
                back.oauth_refresh_token.as_ref().map(ExposeSecret::expose_secret),
                c.oauth_refresh_token.as_ref().map(ExposeSecret::expose_secret)
            );
        }

        #[test]
        fn render_refuses_line_breaks(a in "[a-z]{0,5}", c in "[\n\r\0]", b in "[a-z]{0,5}") {
            let cred = Credential { host: Some(format!("{a}{c}{b}")), ..Default::default() };
            prop_assert_eq!(cred.render().unwrap_err(), CredentialError::BadValue("host".into()));
        }
    }
}
