//! The pure part of the keyring store: which keyring entry a credential lives in, and
//! the small JSON document inside it that maps user names to secrets.
//!
//! keyring v3 cannot enumerate entries, so each (protocol, host, path) has exactly one
//! entry whose secret is this document; every operation is read → change → write.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Version of the document format written by this build.
const VERSION: u32 = 1;

/// The keyring account ("user") for a credential: `protocol://host[/path]`, or `None`
/// when the protocol or host is missing or empty (such a credential has no entry).
pub fn account(protocol: Option<&str>, host: Option<&str>, path: Option<&str>) -> Option<String> {
    let protocol = protocol.filter(|p| !p.is_empty())?;
    let host = host.filter(|h| !h.is_empty())?;
    Some(match path.filter(|p| !p.is_empty()) {
        Some(path) => format!("{protocol}://{host}/{path}"),
        None => format!("{protocol}://{host}"),
    })
}

/// True when `password_expiry_utc` (Unix seconds, as git sends it) is before `now`.
/// A value that is not a number never expires: git ignores it too.
pub fn expired(expiry: Option<&str>, now: i64) -> bool {
    expiry.and_then(|e| e.trim().parse::<i64>().ok()).is_some_and(|t| t < now)
}

/// One user's secrets for an entry.
#[derive(Clone, Serialize, Deserialize)]
pub struct User {
    /// The password or token.
    pub password: Zeroizing<String>,
    /// Unix seconds after which the password is no longer handed out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_expiry_utc: Option<String>,
    /// An OAuth refresh token git stored beside the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_refresh_token: Option<Zeroizing<String>>,
    /// Larger is more recent: a `get` without a user name answers the newest user.
    #[serde(default)]
    seq: u64,
}

impl User {
    /// A user's secrets; its recency is set when it is stored with [`Doc::upsert`].
    pub fn new(
        password: Zeroizing<String>,
        password_expiry_utc: Option<String>,
        oauth_refresh_token: Option<Zeroizing<String>>,
    ) -> User {
        User { password, password_expiry_utc, oauth_refresh_token, seq: 0 }
    }
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("password", &"[REDACTED]")
            .field("password_expiry_utc", &self.password_expiry_utc)
            .field("oauth_refresh_token", &self.oauth_refresh_token.as_ref().map(|_| "[REDACTED]"))
            .field("seq", &self.seq)
            .finish()
    }
}

/// The secret of one keyring entry: user name → secrets.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Doc {
    v: u32,
    users: BTreeMap<String, User>,
}

/// Why an entry's secret is not a document this build understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    #[error("the keyring entry is not a git-reauth document")]
    NotJson,
    #[error("the keyring entry was written by a newer git-reauth (format {0})")]
    NewerVersion(u32),
}

impl Doc {
    /// Read a document from an entry's secret.
    pub fn parse(secret: &str) -> Result<Doc, DocError> {
        let doc: Doc = serde_json::from_str(secret).map_err(|_| DocError::NotJson)?;
        if doc.v > VERSION {
            return Err(DocError::NewerVersion(doc.v));
        }
        Ok(doc)
    }

    /// The secret to write to the entry.
    pub fn to_secret(&self) -> Zeroizing<String> {
        let doc = Doc { v: VERSION, users: self.users.clone() };
        // Serializing strings into a String cannot fail.
        Zeroizing::new(serde_json::to_string(&doc).unwrap_or_default())
    }

    /// True when no user is left (the entry should be deleted).
    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// Number of users kept.
    pub fn len(&self) -> usize {
        self.users.len()
    }

    /// Store (or replace) `username`'s secrets and make it the most recent user.
    pub fn upsert(&mut self, username: &str, mut user: User) {
        user.seq = self.users.values().map(|u| u.seq).max().unwrap_or(0) + 1;
        self.users.insert(username.to_string(), user);
    }

    /// What `get` answers: `username`'s unexpired secrets, or without a user name the
    /// most recently stored unexpired user.
    pub fn lookup(&self, username: Option<&str>, now: i64) -> Option<(&str, &User)> {
        let live = |(_, u): &(&String, &User)| !expired(u.password_expiry_utc.as_deref(), now);
        match username {
            Some(name) => self.users.get_key_value(name).filter(live),
            None => self.users.iter().filter(live).max_by_key(|(_, u)| u.seq),
        }
        .map(|(name, user)| (name.as_str(), user))
    }

    /// What `erase` removes: every user matching `username` (all when `None`) whose
    /// password equals `password` (any when `None`, git ≥ 2.43 rule). Returns how many.
    pub fn erase(&mut self, username: Option<&str>, password: Option<&str>) -> usize {
        let before = self.users.len();
        self.users.retain(|name, user| {
            let name_matches = username.is_none_or(|n| n == name);
            let password_matches = password.is_none_or(|p| p == user.password.as_str());
            !(name_matches && password_matches)
        });
        before - self.users.len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn user(pw: &str) -> User {
        User::new(Zeroizing::new(pw.into()), None, None)
    }

    fn pw<'a>(found: Option<(&'a str, &'a User)>) -> Option<(&'a str, &'a str)> {
        found.map(|(n, u)| (n, u.password.as_str()))
    }

    #[test]
    fn account_names() {
        let table = [
            ((Some("https"), Some("github.com"), None), Some("https://github.com")),
            ((Some("http"), Some("127.0.0.1:8080"), None), Some("http://127.0.0.1:8080")),
            ((Some("https"), Some("github.com"), Some("o/r.git")), Some("https://github.com/o/r.git")),
            ((Some("https"), Some("github.com"), Some("")), Some("https://github.com")),
            ((None, Some("github.com"), None), None),
            ((Some("https"), None, Some("o/r.git")), None),
            ((Some("https"), Some(""), None), None),
            ((Some(""), Some("h"), None), None),
        ];
        for ((protocol, host, path), want) in table {
            assert_eq!(account(protocol, host, path).as_deref(), want, "{protocol:?} {host:?} {path:?}");
        }
    }

    #[test]
    fn expiry_rule() {
        assert!(!expired(None, 100));
        assert!(expired(Some("99"), 100));
        assert!(!expired(Some("100"), 100));
        assert!(!expired(Some("9999999999"), 100));
        assert!(!expired(Some("soon"), 100));
        assert!(expired(Some(" 5 "), 100));
    }

    #[test]
    fn json_round_trip_keeps_every_field() {
        let mut doc = Doc::default();
        doc.upsert(
            "octo",
            User::new(Zeroizing::new("ghp_x".into()), Some("9999999999".into()), Some(Zeroizing::new("r".into()))),
        );
        doc.upsert("", user(""));
        let text = doc.to_secret();
        assert!(text.starts_with("{\"v\":1,"), "{}", text.as_str());
        let back = Doc::parse(&text).unwrap();
        assert_eq!(back.len(), 2);
        let (name, u) = back.lookup(Some("octo"), 0).unwrap();
        assert_eq!((name, u.password.as_str()), ("octo", "ghp_x"));
        assert_eq!(u.password_expiry_utc.as_deref(), Some("9999999999"));
        assert_eq!(u.oauth_refresh_token.as_ref().map(|t| t.as_str()), Some("r"));
        assert_eq!(pw(back.lookup(Some(""), 0)), Some(("", "")));
        // Without a user name: the most recently stored.
        assert_eq!(pw(back.lookup(None, 0)), Some(("", "")));
    }

    #[test]
    fn parse_refuses_foreign_and_newer() {
        assert_eq!(Doc::parse("hunter2").unwrap_err(), DocError::NotJson);
        assert_eq!(Doc::parse("{\"users\":3}").unwrap_err(), DocError::NotJson);
        assert_eq!(Doc::parse("{\"v\":2,\"users\":{}}").unwrap_err(), DocError::NewerVersion(2));
        assert!(Doc::parse("{\"v\":1,\"users\":{}}").unwrap().is_empty());
        // Unknown fields from a later minor change are ignored.
        let d = Doc::parse("{\"v\":1,\"users\":{\"a\":{\"password\":\"p\",\"x\":1}},\"y\":2}").unwrap();
        assert_eq!(pw(d.lookup(Some("a"), 0)), Some(("a", "p")));
    }

    #[test]
    fn lookup_picks_named_or_newest_unexpired() {
        let mut doc = Doc::default();
        doc.upsert("user1", user("pass1"));
        doc.upsert("user2", user("pass2"));
        assert_eq!(pw(doc.lookup(Some("user1"), 0)), Some(("user1", "pass1")));
        assert_eq!(pw(doc.lookup(Some("user2"), 0)), Some(("user2", "pass2")));
        assert_eq!(pw(doc.lookup(Some("other"), 0)), None);
        assert_eq!(pw(doc.lookup(None, 0)), Some(("user2", "pass2")));
        // Storing user1 again makes it the newest, with the new password.
        doc.upsert("user1", user("pass1b"));
        assert_eq!(pw(doc.lookup(None, 0)), Some(("user1", "pass1b")));
        assert_eq!(doc.len(), 2);
        // An expired newest user is skipped, and never returned by name.
        doc.upsert("old", User::new(Zeroizing::new("x".into()), Some("50".into()), None));
        assert_eq!(pw(doc.lookup(None, 100)), Some(("user1", "pass1b")));
        assert_eq!(pw(doc.lookup(Some("old"), 100)), None);
        assert_eq!(pw(doc.lookup(Some("old"), 10)), Some(("old", "x")));
    }

    #[test]
    fn erase_rules() {
        let fresh = || {
            let mut doc = Doc::default();
            doc.upsert("user1", user("pass1"));
            doc.upsert("user2", user("pass1"));
            doc.upsert("user3", user("pass3"));
            doc
        };
        // (username, password) -> users left
        type Row<'a> = ((Option<&'a str>, Option<&'a str>), &'a [&'a str]);
        let table: [Row; 7] = [
            ((None, None), &[]),
            ((Some("user1"), None), &["user2", "user3"]),
            ((Some("user1"), Some("pass1")), &["user2", "user3"]),
            ((Some("user1"), Some("other")), &["user1", "user2", "user3"]),
            ((None, Some("pass1")), &["user3"]),
            ((Some("nobody"), None), &["user1", "user2", "user3"]),
            ((Some(""), None), &["user1", "user2", "user3"]),
        ];
        for ((name, password), left) in table {
            let mut doc = fresh();
            let removed = doc.erase(name, password);
            let names: Vec<&str> = doc.users.keys().map(String::as_str).collect();
            assert_eq!(names, left, "{name:?} {password:?}");
            assert_eq!(removed, 3 - left.len());
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let mut doc = Doc::default();
        doc.upsert(
            "octo",
            User::new(Zeroizing::new("s3cret-pw".into()), None, Some(Zeroizing::new("s3cret-rt".into()))),
        );
        let dbg = format!("{doc:?}");
        assert!(!dbg.contains("s3cret"), "{dbg}");
        assert!(dbg.contains("octo"));
    }
}
