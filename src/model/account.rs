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

/// How to tie a repository to the token's account when git sends another login for it
/// (`setup --bind`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Bind {
    /// Not said: a mismatch stops and names the choices.
    #[default]
    Ask,
    /// A repository-local `credential.<host URL>.username` (the URL's user name, which
    /// would win over it, is taken out).
    Config,
    /// The user name in the remote URL.
    Url,
    /// Never bind: a mismatch stops.
    Never,
}

/// Could `name` be a GitHub login? Letters, digits and single hyphens inside, at most
/// 39 characters. An e-mail address, `x-access-token` (GitHub App installations),
/// `git` (SSH's user) or a token (it has `_`) are not: GitHub takes a token with any such user name.
pub fn is_plausible_login(name: &str) -> bool {
    let not_logins = ["x-access-token", "x-oauth-basic", "oauth2", "git", "token"];
    !name.is_empty()
        && name.len() <= 39
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !not_logins.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Whose login git sends for a repository, next to the token's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Who {
    /// Nothing pins a user name: the token is stored for its login.
    Free,
    /// A pinned user name that is the token's login (GitHub logins ignore case): the
    /// token is stored under the name as git sends it.
    Same(String),
    /// A pinned user name that cannot be a GitHub login (an e-mail address,
    /// `x-access-token`): it carries the token as it is.
    Carrier(String),
    /// Another GitHub login than the token's: the repository must be bound to the
    /// token's account, or nothing is changed.
    Other(String),
}

impl Who {
    /// Place the pinned user name `pinned` (if any) against the token's `login`.
    pub fn of(pinned: Option<&str>, login: &str) -> Who {
        match pinned.filter(|p| !p.is_empty()) {
            None => Who::Free,
            Some(p) if p.eq_ignore_ascii_case(login) => Who::Same(p.into()),
            Some(p) if !is_plausible_login(p) => Who::Carrier(p.into()),
            Some(p) => Who::Other(p.into()),
        }
    }
}

#[cfg(test)]
mod who_tests {
    use super::*;

    #[test]
    fn pinned_names_against_the_token_login() {
        assert_eq!(Who::of(None, "octo"), Who::Free);
        assert_eq!(Who::of(Some(""), "octo"), Who::Free);
        assert_eq!(Who::of(Some("Octo"), "octo"), Who::Same("Octo".into()));
        assert_eq!(Who::of(Some("me@example.com"), "octo"), Who::Carrier("me@example.com".into()));
        assert_eq!(Who::of(Some("x-access-token"), "octo"), Who::Carrier("x-access-token".into()));
        assert_eq!(Who::of(Some("work-bot"), "octo"), Who::Other("work-bot".into()));
        let token = format!("ghp_{}", "k3".repeat(18));
        assert!(matches!(Who::of(Some(&token), "octo"), Who::Carrier(_)));
    }

    #[test]
    fn github_login_shapes() {
        for ok in ["octo", "work-bot", "a", "A1-b2", &"x".repeat(39)] {
            assert!(is_plausible_login(ok), "{ok}");
        }
        for no in ["", "-a", "a-", "a--b", "me@example.com", "a_b", "git", &"x".repeat(40), "a b"] {
            assert!(!is_plausible_login(no), "{no}");
        }
    }
}
