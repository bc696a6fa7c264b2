//! Remote URLs: parse every form git accepts for GitHub, classify them against a host,
//! convert to HTTPS, and apply git's `insteadOf` rewriting.
//!
//! One module a job: [`parse()`] reads the URL forms, [`classify()`] places a URL against
//! our host (and [`to_https()`] converts it), [`redact()`] hides what must not be printed,
//! [`rewrite()`] applies `insteadOf` rules. The types they share live here.

mod classify;
mod parse;
mod redact;
mod rewrite;

pub use classify::{Classified, classify, mismatch, to_https};
pub use parse::parse;
pub use redact::{is_token_shaped_user, redact};
pub use rewrite::{InsteadOf, applied_rule, rewrite};

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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::host::HostUrl;
    use proptest::prelude::*;
    use proptest::test_runner::TestCaseError;

    /// github.com, the host most tables here classify against.
    pub(super) fn gh() -> HostUrl {
        HostUrl::github()
    }

    pub(super) fn repo(o: &str, n: &str) -> RepoRef {
        RepoRef { owner: o.into(), name: n.into() }
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

    /// What holds for any input: nothing panics, a parsed URL had no control character
    /// and has a lower-case host, and redacting keeps something of a non-empty URL.
    fn any_input(s: &str) -> Result<(), TestCaseError> {
        let _ = parse(s);
        let _ = redact(s);
        let _ = classify(s, &gh());
        let _ = to_https(s, &gh());
        if let Ok(r) = parse(s) {
            prop_assert!(!s.chars().any(char::is_control));
            if let Some(h) = &r.host {
                prop_assert_eq!(h.to_ascii_lowercase(), h.clone());
            }
        }
        prop_assert!(!redact(s).is_empty() || s.is_empty());
        Ok(())
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,200}") {
            any_input(&s)?;
        }

        #[test]
        fn never_panics_urlish(s in "(https?://|ssh://|git://|file://|git@|\\[)?[a-zA-Z0-9@:/\\[\\]._~%?#-]{0,40}") {
            any_input(&s)?;
        }
    }
}
