//! What GitHub's response headers say about a token: classic scopes (with GitHub's
//! implied scopes), expiry, SSO, rate limits.

use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

/// The scopes of a classic/OAuth token (`X-OAuth-Scopes`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(pub BTreeSet<String>);

/// Parse `X-OAuth-Scopes`. `None` when the header is absent (fine-grained and app
/// tokens have no scopes); `Some(empty)` when present but empty.
pub fn parse_scopes(header: Option<&str>) -> Option<Scopes> {
    todo!("{header:?}")
}

impl Scopes {
    /// True when `scope` is granted directly or implied (`repo` ⇒ `public_repo`, …;
    /// `admin:X` ⇒ `write:X` ⇒ `read:X`).
    pub fn grants(&self, scope: &str) -> bool {
        todo!("{scope}")
    }
    /// What is missing to push over HTTPS: `None` when `repo` is granted (or
    /// `public_repo` and the repository is public).
    pub fn missing_for_push(&self, repo_is_public: bool) -> Option<&'static str> {
        todo!("{repo_is_public}")
    }
    /// "repo, workflow" (sorted), or "(none)".
    pub fn display(&self) -> String {
        todo!()
    }
}

/// Parse `GitHub-Authentication-Token-Expiration`: `2027-02-01 00:00:00 UTC` or with
/// a numeric offset such as `+0200`.
pub fn parse_expiry(header: &str) -> Option<DateTime<Utc>> {
    todo!("{header}")
}

/// What `X-GitHub-SSO` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sso {
    /// `required; url=…`: the token must be authorized for an organization at `url`.
    Required { url: Option<String> },
    /// `partial-results; organizations=1,2`.
    Partial { organizations: Vec<u64> },
}

/// Parse `X-GitHub-SSO`; `None` when it says nothing we understand.
pub fn parse_sso(header: &str) -> Option<Sso> {
    todo!("{header}")
}

/// Parse `x-ratelimit-reset` (epoch seconds).
pub fn parse_reset(header: &str) -> Option<DateTime<Utc>> {
    todo!("{header}")
}
