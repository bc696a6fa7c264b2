//! What GitHub says about a token and a repository, in the words the faces show:
//! the account behind a working token and whether the token can see a repository.
//! Plain data: the GitHub edge fills it in, the engine and the wizard read it.

use chrono::{DateTime, Utc};

use crate::model::scopes::Scopes;

/// The account and properties behind a working token (`GET /user`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The GitHub login the token belongs to.
    pub login: String,
    /// The OAuth scopes of a classic or OAuth token; `None` for tokens without scopes
    /// (fine-grained, app tokens).
    pub scopes: Option<Scopes>,
    /// When the token expires; `None` for a token that does not expire.
    pub expires: Option<DateTime<Utc>>,
}

/// What `GET /repos/O/R` says about a token and a repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoVisibility {
    /// Visible. `push` is the *user's* role, not proof the token may push.
    Visible {
        /// The repository is private.
        private: bool,
        /// The user (not necessarily the token) may push.
        push: bool,
    },
    /// 404: private and invisible to this token, or does not exist.
    NotFound,
    /// 403 with `X-GitHub-SSO: required`: the token must be authorized for the org.
    SsoRequired {
        /// GitHub's authorization link, when it sent one (it expires within an hour).
        url: Option<String>,
    },
}
