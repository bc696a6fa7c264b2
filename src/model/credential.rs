//! git's credential protocol: `key=value` lines ended by a blank line or EOF.

use secrecy::SecretString;

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
    todo!("{}", input.len())
}

impl Credential {
    /// protocol + host, the shape used to look up or erase a host's credential.
    pub fn for_host(protocol: &str, host: &str) -> Credential {
        Credential {
            protocol: Some(protocol.into()),
            host: Some(host.into()),
            ..Default::default()
        }
    }
    /// The block git expects: known keys in git's order, then the terminating blank line.
    /// Refuses any value containing `\n`, `\r` or NUL (protocol injection).
    pub fn render(&self) -> Result<String, CredentialError> {
        todo!()
    }
}
