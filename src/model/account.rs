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

/// Whole days from `now` until `end`, rounded to the nearest day (a 90-day token shows
/// 90 days left, not 89, a few seconds after it was made). One rule for every face.
pub fn days_left(end: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    ((end - now).num_hours() + 12).div_euclid(24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_rounds_to_the_nearest_day() {
        let now = DateTime::parse_from_rfc3339("2026-12-04T18:00:00Z").unwrap().with_timezone(&Utc);
        let in_days = |d: i64, h: i64| now + chrono::Duration::days(d) + chrono::Duration::hours(h);
        assert_eq!(days_left(in_days(90, 0) - chrono::Duration::seconds(5), now), 90, "made a moment ago");
        assert_eq!(days_left(in_days(59, 13), now), 60);
        assert_eq!(days_left(in_days(59, 11), now), 59);
        assert_eq!(days_left(in_days(0, 2), now), 0, "expires today");
        assert_eq!(days_left(in_days(-1, 0), now), -1, "expired yesterday");
    }
}
