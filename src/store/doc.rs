//! The pure part of the keyring store: which keyring entry a host's credentials live
//! in, the small JSON document inside it, and git's matching rules over its records.
//!
//! keyring v3 cannot enumerate entries, so each (protocol, host) has exactly one entry
//! whose secret is this document: a list of records (path, user name, password, …),
//! most recently stored first, as `git credential-store` keeps its file. Every
//! operation is read → change → write. Format 1 (one entry per protocol, host *and*
//! path, a map of user names) is still read: see [`Doc::parse`].
//!
//! The matching rule is git's `credential_match(want, have, match_password)`: every
//! field set in the request must equal the record's, a field the request leaves out
//! matches anything. So a request without a path finds records stored with one, a
//! request with a path finds only records with that same path.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use crate::model::helper_protocol::Secret;

/// Version of the document format written by this build.
const VERSION: u32 = 2;

/// The keyring account ("user") of a host's entry: `protocol://host`, or `None` when
/// the protocol or host is missing or empty (such a credential has no entry). Should
/// either not be UTF-8, `b64:PROTOCOL:HOST` in URL-safe base64 (never contains `//`,
/// so it cannot be the name of a text host).
pub fn account(protocol: Option<&[u8]>, host: Option<&[u8]>) -> Option<String> {
    let protocol = protocol.filter(|p| !p.is_empty())?;
    let host = host.filter(|h| !h.is_empty())?;
    Some(match (std::str::from_utf8(protocol), std::str::from_utf8(host)) {
        (Ok(protocol), Ok(host)) => format!("{protocol}://{host}"),
        _ => format!("b64:{}:{}", URL_SAFE_NO_PAD.encode(protocol), URL_SAFE_NO_PAD.encode(host)),
    })
}

/// The account format 1 used for a path-scoped entry, `protocol://host/path` (`None`
/// for a value that is not UTF-8, which format 1 never stored).
pub fn legacy_account(protocol: Option<&[u8]>, host: Option<&[u8]>, path: Option<&[u8]>) -> Option<String> {
    let path = std::str::from_utf8(path.filter(|p| !p.is_empty())?).ok()?;
    let host = account(protocol, host).filter(|a| a.contains("://"))?;
    Some(format!("{host}/{path}"))
}

/// True when `password_expiry_utc` (Unix seconds, as git sends it) is before `now`.
/// A value that is not a number never expires: git ignores it too.
pub fn expired(expiry: Option<&[u8]>, now: i64) -> bool {
    expiry.and_then(|e| std::str::from_utf8(e).ok()).and_then(|e| e.trim().parse::<i64>().ok()).is_some_and(|t| t < now)
}

/// A value of the document: bytes, written as a JSON string when they are UTF-8 and
/// as `{"b64": "…"}` otherwise, so every byte comes back as it was stored.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Secret);

impl Bytes {
    /// The value's bytes.
    pub fn from_slice(b: &[u8]) -> Bytes {
        Bytes(Zeroizing::new(b.to_vec()))
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(text) => s.serialize_str(text),
            Err(_) => {
                use serde::ser::SerializeMap;
                let encoded = Zeroizing::new(STANDARD.encode(self.0.as_slice()));
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("b64", encoded.as_str())?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Text(String),
            Raw { b64: String },
        }
        match Repr::deserialize(d)? {
            Repr::Text(s) => Ok(Bytes(Zeroizing::new(s.into_bytes()))),
            Repr::Raw { b64 } => {
                let b64 = Zeroizing::new(b64);
                STANDARD.decode(b64.as_bytes()).map(|b| Bytes(Zeroizing::new(b))).map_err(serde::de::Error::custom)
            }
        }
    }
}

/// One stored credential of a host.
#[derive(Clone, Serialize, Deserialize)]
pub struct Record {
    /// The path it was stored for (`credential.useHttpPath`), `None` for the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Bytes>,
    pub username: Bytes,
    /// The password or token.
    pub password: Bytes,
    /// Unix seconds after which the password is no longer handed out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_expiry_utc: Option<Bytes>,
    /// An OAuth refresh token git stored beside the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth_refresh_token: Option<Bytes>,
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = |b: &Bytes| String::from_utf8_lossy(&b.0).into_owned();
        f.debug_struct("Record")
            .field("path", &self.path.as_ref().map(text))
            .field("username", &text(&self.username))
            .field("password", &"[REDACTED]")
            .field("password_expiry_utc", &self.password_expiry_utc.as_ref().map(text))
            .field("oauth_refresh_token", &self.oauth_refresh_token.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

/// What a request asks for within a host: the fields it sets (`None`: any).
#[derive(Clone, Copy, Debug, Default)]
pub struct Want<'a> {
    pub path: Option<&'a [u8]>,
    pub username: Option<&'a [u8]>,
    pub password: Option<&'a [u8]>,
}

/// git's `credential_match(want, have, match_password)` within one host (protocol and
/// host already equal: they name the entry): each field `want` sets must equal the
/// record's; the password counts only with `match_password` (erase).
pub fn matches(want: &Want, have: &Record, match_password: bool) -> bool {
    fn check(want: Option<&[u8]>, have: Option<&[u8]>) -> bool {
        want.is_none_or(|w| have == Some(w))
    }
    check(want.path, have.path.as_ref().map(|p| p.0.as_slice()))
        && check(want.username, Some(&have.username.0))
        && (!match_password || check(want.password, Some(&have.password.0)))
}

/// The secret of one keyring entry: a host's records, most recent first.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    records: Vec<Record>,
}

/// Why an entry's secret is not a document this build understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    #[error("the keyring entry is not a git-reauth document")]
    NotJson,
    #[error("the keyring entry was written by a newer git-reauth (format {0})")]
    NewerVersion(u32),
}

/// Format 2, as written.
#[derive(Serialize, Deserialize)]
struct V2 {
    v: u32,
    records: Vec<Record>,
}

/// Format 1: user name → secrets, for one (protocol, host, path).
#[derive(Deserialize)]
struct V1 {
    users: BTreeMap<String, V1User>,
}

#[derive(Deserialize)]
struct V1User {
    password: Zeroizing<String>,
    #[serde(default)]
    password_expiry_utc: Option<String>,
    #[serde(default)]
    oauth_refresh_token: Option<Zeroizing<String>>,
    /// Larger is more recent.
    #[serde(default)]
    seq: u64,
}

impl Doc {
    /// Read a document from an entry's secret. A format 1 document becomes records for
    /// `path` (the path its entry was named for, `None` for the host's entry), the most
    /// recently stored user first, as format 1 answered.
    pub fn parse(secret: &str, path: Option<&[u8]>) -> Result<Doc, DocError> {
        #[derive(Deserialize)]
        struct Version {
            v: u32,
        }
        let version: Version = serde_json::from_str(secret).map_err(|_| DocError::NotJson)?;
        match version.v {
            1 => {
                let v1: V1 = serde_json::from_str(secret).map_err(|_| DocError::NotJson)?;
                let mut users: Vec<(String, V1User)> = v1.users.into_iter().collect();
                users.sort_by_key(|(_, u)| std::cmp::Reverse(u.seq));
                let records = users
                    .into_iter()
                    .map(|(name, u)| Record {
                        path: path.map(Bytes::from_slice),
                        username: Bytes(Zeroizing::new(name.into_bytes())),
                        password: Bytes::from_slice(u.password.as_bytes()),
                        password_expiry_utc: u.password_expiry_utc.map(|e| Bytes(Zeroizing::new(e.into_bytes()))),
                        oauth_refresh_token: u.oauth_refresh_token.map(|t| Bytes::from_slice(t.as_bytes())),
                    })
                    .collect();
                Ok(Doc { records })
            }
            VERSION => {
                let v2: V2 = serde_json::from_str(secret).map_err(|_| DocError::NotJson)?;
                Ok(Doc { records: v2.records })
            }
            newer => Err(DocError::NewerVersion(newer)),
        }
    }

    /// The secret to write to the entry.
    pub fn to_secret(&self) -> Zeroizing<String> {
        let doc = V2 { v: VERSION, records: self.records.clone() };
        // Serializing strings and maps of strings into a String cannot fail.
        Zeroizing::new(serde_json::to_string(&doc).unwrap_or_default())
    }

    /// True when no record is left (the entry should be deleted).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Number of records kept.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The records, most recent first.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// git's `store` (credential-store's rewrite): drop every record the new one
    /// matches (its path if it has one, else any path; its user name), then keep it
    /// as the most recent.
    pub fn store(&mut self, record: Record) {
        let want = Want {
            path: record.path.as_ref().map(|p| p.0.as_slice()),
            username: Some(&record.username.0),
            password: None,
        };
        self.records.retain(|have| !matches(&want, have, false));
        self.records.insert(0, record);
    }

    /// What `get` answers: the most recently stored unexpired record that matches.
    pub fn lookup(&self, want: &Want, now: i64) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| matches(want, r, false) && !expired(r.password_expiry_utc.as_ref().map(|e| e.0.as_slice()), now))
    }

    /// git's `erase`: forget every record that matches, the password included when
    /// the request has one (git ≥ 2.43 sends it). Returns how many.
    pub fn erase(&mut self, want: &Want) -> usize {
        let before = self.records.len();
        self.records.retain(|have| !matches(want, have, true));
        before - self.records.len()
    }

    /// Take in the records of an older entry (format 1's path-scoped one), as older
    /// than every record already here.
    pub fn absorb(&mut self, older: Doc) {
        self.records.extend(older.records);
    }
}

#[cfg(test)]
#[path = "doc_tests.rs"]
mod tests;
