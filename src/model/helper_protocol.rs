//! git's credential protocol as a helper sees it, byte for byte: `key=value` lines whose
//! values are any bytes but NUL and the line feed (git's `credential_read` takes them
//! as C strings split on `\n`; a value need not be UTF-8). [`crate::model::credential`]
//! is the text view other code uses; the keyring helper answers through this one so a
//! value that is not UTF-8 comes back exactly as it was stored.

use zeroize::Zeroizing;

use crate::model::credential::{self, Credential};

/// Longest line accepted, without its line ending. git's `credential_read` has no limit
/// of its own (`strbuf_getline` grows as needed); this one is ours, at the size of a
/// 16-bit length, far above any real credential (two 40,000-byte lines pass).
pub const MAX_LINE: usize = 65_535;

/// Largest request read in all, to bound memory (a request is a few lines of at most
/// [`MAX_LINE`]); what is beyond is drained, never left to break git's pipe.
pub const MAX_REQUEST: usize = 4 * 1024 * 1024;

/// A secret value: wiped from memory when dropped.
pub type Secret = Zeroizing<Vec<u8>>;

/// One request or answer of the helper protocol, every value as the bytes git sent.
/// A field is `None` when its line was absent (git's "any" in a match), `Some` of an
/// empty value when the line was `key=`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub protocol: Option<Vec<u8>>,
    /// Host with `:port` when there is one.
    pub host: Option<Vec<u8>>,
    pub path: Option<Vec<u8>>,
    pub username: Option<Vec<u8>>,
    pub password: Option<Secret>,
    pub password_expiry_utc: Option<Vec<u8>>,
    pub oauth_refresh_token: Option<Secret>,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("credential input is larger than {MAX_REQUEST} bytes")]
    TooLarge,
    #[error("a credential line is longer than {MAX_LINE} bytes")]
    LineTooLong,
    #[error("credential value for `{0}` contains NUL")]
    Nul(String),
    #[error("credential value for `{0}` contains a line break or NUL")]
    BadValue(String),
    #[error("invalid url= value in credential input")]
    BadUrl,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn text(v: &Option<Vec<u8>>) -> Option<std::borrow::Cow<'_, str>> {
            v.as_deref().map(String::from_utf8_lossy)
        }
        let hidden = |v: &Option<Secret>| v.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("Request")
            .field("protocol", &text(&self.protocol))
            .field("host", &text(&self.host))
            .field("path", &text(&self.path))
            .field("username", &text(&self.username))
            .field("password", &hidden(&self.password))
            .field("password_expiry_utc", &text(&self.password_expiry_utc))
            .field("oauth_refresh_token", &hidden(&self.oauth_refresh_token))
            .finish()
    }
}

/// Parse what git writes to a helper. Stops at the first blank line (a line ending may
/// be `\r\n`); ignores lines without `=` and keys it does not know; later lines win;
/// a `url=` line sets protocol/host/path (and username, password) as git does. Refuses
/// input over [`MAX_REQUEST`], a line (before the blank one) over [`MAX_LINE`], and a
/// NUL in a value.
pub fn parse(input: &[u8]) -> Result<Request, ProtocolError> {
    if input.len() > MAX_REQUEST {
        return Err(ProtocolError::TooLarge);
    }
    let mut r = Request::default();
    for line in input.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.len() > MAX_LINE {
            return Err(ProtocolError::LineTooLong);
        }
        let Some(eq) = line.iter().position(|b| *b == b'=') else { continue };
        let (key, value) = (&line[..eq], &line[eq + 1..]);
        let key_text = || String::from_utf8_lossy(key).into_owned();
        if value.contains(&0) {
            return Err(ProtocolError::Nul(key_text()));
        }
        let v = || Some(value.to_vec());
        match key {
            b"protocol" => r.protocol = v(),
            b"host" => r.host = v(),
            b"path" => r.path = v(),
            b"username" => r.username = v(),
            b"password" => r.password = Some(Zeroizing::new(value.to_vec())),
            b"password_expiry_utc" => r.password_expiry_utc = v(),
            b"oauth_refresh_token" => r.oauth_refresh_token = Some(Zeroizing::new(value.to_vec())),
            b"url" => r.set_url(value)?,
            _ => {}
        }
    }
    Ok(r)
}

impl Request {
    /// The answer git reads: the fields that are set, in git's order, then the blank
    /// line. Refuses a value holding a line feed or NUL (it would inject protocol lines).
    pub fn render(&self) -> Result<Secret, ProtocolError> {
        let fields: [(&str, Option<&[u8]>); 7] = [
            ("protocol", self.protocol.as_deref()),
            ("host", self.host.as_deref()),
            ("path", self.path.as_deref()),
            ("username", self.username.as_deref()),
            ("password", self.password.as_ref().map(|p| p.as_slice())),
            ("password_expiry_utc", self.password_expiry_utc.as_deref()),
            ("oauth_refresh_token", self.oauth_refresh_token.as_ref().map(|t| t.as_slice())),
        ];
        let mut out = Zeroizing::new(Vec::new());
        for (key, value) in fields {
            let Some(value) = value else { continue };
            if value.contains(&b'\n') || value.contains(&0) {
                return Err(ProtocolError::BadValue(key.to_string()));
            }
            out.extend_from_slice(key.as_bytes());
            out.push(b'=');
            out.extend_from_slice(value);
            out.push(b'\n');
        }
        out.push(b'\n');
        Ok(out)
    }

    /// The text view, `None` when a value is not UTF-8 (it has no `String` form).
    pub fn to_credential(&self) -> Option<Credential> {
        fn text(v: &Option<Vec<u8>>) -> Result<Option<String>, ()> {
            v.as_ref().map(|b| String::from_utf8(b.clone()).map_err(|_| ())).transpose()
        }
        fn secret(v: &Option<Secret>) -> Result<Option<secrecy::SecretString>, ()> {
            v.as_ref().map(|b| std::str::from_utf8(b).map(secrecy::SecretString::from).map_err(|_| ())).transpose()
        }
        Some(Credential {
            protocol: text(&self.protocol).ok()?,
            host: text(&self.host).ok()?,
            path: text(&self.path).ok()?,
            username: text(&self.username).ok()?,
            password: secret(&self.password).ok()?,
            password_expiry_utc: text(&self.password_expiry_utc).ok()?,
            oauth_refresh_token: secret(&self.oauth_refresh_token).ok()?,
        })
    }

    /// Apply a `url=` line as git does, with [`credential::parse`]'s URL rules (a URL
    /// is text, and its percent-decoded parts must be too).
    fn set_url(&mut self, value: &[u8]) -> Result<(), ProtocolError> {
        let line = [b"url=", value].concat();
        let c = credential::parse(&line).map_err(|_| ProtocolError::BadUrl)?;
        let bytes = |s: Option<String>| s.map(String::into_bytes);
        self.protocol = bytes(c.protocol);
        self.host = bytes(c.host);
        self.path = bytes(c.path);
        self.username = bytes(c.username);
        if let Some(pw) = c.password {
            use secrecy::ExposeSecret;
            self.password = Some(Zeroizing::new(pw.expose_secret().as_bytes().to_vec()));
        }
        Ok(())
    }
}

impl From<&Credential> for Request {
    fn from(c: &Credential) -> Request {
        use secrecy::ExposeSecret;
        let bytes = |s: &Option<String>| s.as_ref().map(|s| s.as_bytes().to_vec());
        let secret = |s: &Option<secrecy::SecretString>| {
            s.as_ref().map(|s| Zeroizing::new(s.expose_secret().as_bytes().to_vec()))
        };
        Request {
            protocol: bytes(&c.protocol),
            host: bytes(&c.host),
            path: bytes(&c.path),
            username: bytes(&c.username),
            password: secret(&c.password),
            password_expiry_utc: bytes(&c.password_expiry_utc),
            oauth_refresh_token: secret(&c.oauth_refresh_token),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pw(r: &Request) -> Option<&[u8]> {
        r.password.as_ref().map(|p| p.as_slice())
    }

    #[test]
    fn parse_keeps_bytes() {
        let r = parse(b"protocol=https\nhost=h\nusername=\xc3\x28u\npassword=p\xff\xfe=x\rq\n\n").unwrap();
        assert_eq!(r.protocol.as_deref(), Some(&b"https"[..]));
        assert_eq!(r.username.as_deref(), Some(&b"\xc3\x28u"[..]));
        assert_eq!(pw(&r), Some(&b"p\xff\xfe=x\rq"[..]), "everything after the first `=`, CR inside kept");
        assert_eq!(r.path, None);
        assert!(r.to_credential().is_none(), "no text view of a value that is not UTF-8");
        let r = parse(b"host=a\r\n\r\nhost=b\n").unwrap();
        assert_eq!(r.host.as_deref(), Some(&b"a"[..]));
        let r = parse(b"username=\ngarbage\nx[]=y\n").unwrap();
        assert_eq!(r.username.as_deref(), Some(&b""[..]));
    }

    #[test]
    fn line_and_request_limits() {
        // Two lines of 40,000 bytes: each under the line limit, together over 65,536.
        let big = |k: &str, c: u8| [k.as_bytes(), b"=", &vec![c; 40_000 - k.len() - 1]].concat();
        let input = [big("username", b'u'), b"\n".to_vec(), big("password", b'p'), b"\n\n".to_vec()].concat();
        let r = parse(&input).unwrap();
        assert_eq!(r.username.as_ref().map(Vec::len), Some(40_000 - 9));
        assert_eq!(pw(&r).map(<[u8]>::len), Some(40_000 - 9));
        let line = |n: usize| [b"password=".as_slice(), &vec![b'p'; n - 9]].concat();
        assert!(parse(&line(MAX_LINE)).is_ok());
        assert!(parse(&[line(MAX_LINE).as_slice(), b"\r\n"].concat()).is_ok(), "the CR is line ending");
        assert_eq!(parse(&line(MAX_LINE + 1)).unwrap_err(), ProtocolError::LineTooLong);
        // After the blank line nothing counts but the total.
        assert!(parse(&[b"host=h\n\n".as_slice(), &line(MAX_LINE * 2)].concat()).is_ok());
        assert_eq!(parse(&vec![b'\n'; MAX_REQUEST + 1]).unwrap_err(), ProtocolError::TooLarge);
    }

    #[test]
    fn refusals() {
        assert_eq!(parse(b"host=a\0b\n").unwrap_err(), ProtocolError::Nul("host".into()));
        assert_eq!(parse(b"url=not a url\n").unwrap_err(), ProtocolError::BadUrl);
        assert_eq!(parse(b"url=https://h/\xff\n").unwrap_err(), ProtocolError::BadUrl);
        let r = Request { username: Some(b"a\nhost=evil".to_vec()), ..Request::default() };
        assert_eq!(r.render().unwrap_err(), ProtocolError::BadValue("username".into()));
        let r = Request { password: Some(Zeroizing::new(b"a\0".to_vec())), ..Request::default() };
        assert_eq!(r.render().unwrap_err(), ProtocolError::BadValue("password".into()));
    }

    #[test]
    fn url_sets_the_parts() {
        let r = parse(b"username=old\nurl=https://octo@github.com/o/r.git\n").unwrap();
        assert_eq!(r.protocol.as_deref(), Some(&b"https"[..]));
        assert_eq!(r.host.as_deref(), Some(&b"github.com"[..]));
        assert_eq!(r.path.as_deref(), Some(&b"o/r.git"[..]));
        assert_eq!(r.username.as_deref(), Some(&b"octo"[..]));
        let r = parse(b"url=http://127.0.0.1:8080\npath=p\n").unwrap();
        assert_eq!(r.host.as_deref(), Some(&b"127.0.0.1:8080"[..]));
        assert_eq!(r.path.as_deref(), Some(&b"p"[..]));
    }

    #[test]
    fn render_order_and_text_view() {
        let r = Request {
            username: Some(b"octo".to_vec()),
            password: Some(Zeroizing::new(b"\xffpw".to_vec())),
            password_expiry_utc: Some(b"1700000000".to_vec()),
            ..Request::default()
        };
        assert_eq!(
            r.render().unwrap().as_slice(),
            b"username=octo\npassword=\xffpw\npassword_expiry_utc=1700000000\n\n"
        );
        assert_eq!(Request::default().render().unwrap().as_slice(), b"\n");
        let c = credential::parse(b"protocol=https\nhost=h\npath=p\nusername=u\npassword=pw\n").unwrap();
        let back = Request::from(&c).to_credential().unwrap();
        assert_eq!(back.render().unwrap(), c.render().unwrap());
    }

    #[test]
    fn debug_hides_secrets() {
        let r = parse(b"host=h\npassword=s3cret-pw\noauth_refresh_token=s3cret-rt\n").unwrap();
        let dbg = format!("{r:?}");
        assert!(!dbg.contains("s3cret") && dbg.contains("REDACTED") && dbg.contains('h'), "{dbg}");
    }

    proptest! {
        /// Any value but LF and NUL (and a trailing CR, which is line ending) survives
        /// render → parse byte for byte.
        #[test]
        fn render_parse_round_trip(
            user in proptest::collection::vec(any::<u8>().prop_filter("", |b| *b != b'\n' && *b != 0), 0..40),
            pass in proptest::collection::vec(any::<u8>().prop_filter("", |b| *b != b'\n' && *b != 0), 0..40),
        ) {
            prop_assume!(!user.ends_with(b"\r") && !pass.ends_with(b"\r"));
            let r = Request { username: Some(user), password: Some(Zeroizing::new(pass)), ..Request::default() };
            let back = parse(&r.render().unwrap()).unwrap();
            prop_assert_eq!(back, r);
        }

        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Ok(r) = parse(&bytes) {
                for v in [&r.protocol, &r.host, &r.path, &r.username].into_iter().flatten() {
                    prop_assert!(!v.contains(&b'\n') && !v.contains(&0));
                }
            }
        }
    }
}
