//! Plans: the list of changes a fix makes, decided before anything is touched,
//! shown to the user, recorded for undo, and inverted by undo.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use crate::model::remote::redact;

/// One change to the user's setup. Tokens never appear here (plans are printed
/// and written to the undo journal); the token travels separately at apply time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// Set (`to: Some`) or unset (`to: None`) `remote.<remote>.url` (or `.pushurl`) in
    /// the repository's config file.
    RemoteUrl { config: PathBuf, remote: String, push: bool, from: Option<String>, to: Option<String> },
    /// Replace every value of `key` in one config file (`to` empty: unset it).
    ConfigKey { file: PathBuf, key: String, from: Vec<String>, to: Vec<String> },
    /// `git credential reject` for the host with no password: every helper forgets
    /// what it holds for the host. Cannot be undone (the old secret is gone).
    ForgetCredential { protocol: String, host: String, username: Option<String> },
    /// `git credential approve` of the new token under `username`, through the
    /// helper chain described by `via`.
    StoreCredential { protocol: String, host: String, username: String, via: String },
}

impl Change {
    /// The config key a `RemoteUrl` change writes.
    pub fn remote_key(remote: &str, push: bool) -> String {
        format!("remote.{remote}.{}", if push { "pushurl" } else { "url" })
    }

    /// One line for the user; URLs are redacted.
    pub fn describe(&self) -> String {
        fn show(v: &Option<String>) -> String {
            v.as_deref().map(redact).unwrap_or_else(|| "(unset)".into())
        }
        match self {
            Change::RemoteUrl { remote, push, from, to, .. } => {
                let which = if *push { "push URL" } else { "URL" };
                format!("set {remote} {which}: {} → {}", show(from), show(to))
            }
            Change::ConfigKey { file, key, from, to } => {
                let list = |v: &Vec<String>| {
                    if v.is_empty() {
                        "(unset)".to_string()
                    } else {
                        v.iter().map(|s| format!("{:?}", redact(s))).collect::<Vec<_>>().join(", ")
                    }
                };
                format!("in {}: {key}: {} → {}", file.display(), list(from), list(to))
            }
            Change::ForgetCredential { protocol, host, username } => match username {
                Some(u) => format!("make your credential helpers forget {u}@{protocol}://{host}"),
                None => format!("make your credential helpers forget the saved login for {protocol}://{host}"),
            },
            Change::StoreCredential { protocol, host, username, via } => {
                format!("store the token for {username}@{protocol}://{host} in {via}")
            }
        }
    }

    /// The change that undoes this one; `None` for credential changes, which cannot
    /// be undone (a forgotten secret is gone).
    pub fn inverse(&self) -> Option<Change> {
        match self {
            Change::RemoteUrl { config, remote, push, from, to } => Some(Change::RemoteUrl {
                config: config.clone(),
                remote: remote.clone(),
                push: *push,
                from: to.clone(),
                to: from.clone(),
            }),
            Change::ConfigKey { file, key, from, to } => {
                Some(Change::ConfigKey { file: file.clone(), key: key.clone(), from: to.clone(), to: from.clone() })
            }
            Change::ForgetCredential { .. } | Change::StoreCredential { .. } => None,
        }
    }

    /// True for changes `undo` can revert.
    pub fn is_reversible(&self) -> bool {
        self.inverse().is_some()
    }
}

/// An ordered list of changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub changes: Vec<Change>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The plan that reverts this one: inverses of the reversible changes, last first.
    pub fn inverse(&self) -> Plan {
        Plan { changes: self.changes.iter().rev().filter_map(Change::inverse).collect() }
    }

    /// How many changes cannot be undone.
    pub fn irreversible(&self) -> usize {
        self.changes.iter().filter(|c| !c.is_reversible()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(from: &str, to: &str, push: bool) -> Change {
        Change::RemoteUrl {
            config: "/r/.git/config".into(),
            remote: "origin".into(),
            push,
            from: Some(from.into()),
            to: Some(to.into()),
        }
    }

    #[test]
    fn inverse_reverses_order_and_swaps_values() {
        let plan = Plan {
            changes: vec![
                remote("git@github.com:o/r.git", "https://github.com/o/r.git", false),
                Change::ForgetCredential { protocol: "https".into(), host: "github.com".into(), username: None },
                Change::ConfigKey {
                    file: "/h/.gitconfig".into(),
                    key: "url.git@github.com:.insteadof".into(),
                    from: vec!["https://github.com/".into()],
                    to: vec![],
                },
            ],
        };
        let inv = plan.inverse();
        assert_eq!(inv.changes.len(), 2);
        assert!(
            matches!(&inv.changes[0], Change::ConfigKey { to, .. } if to == &vec!["https://github.com/".to_string()])
        );
        assert_eq!(inv.changes[1], remote("https://github.com/o/r.git", "git@github.com:o/r.git", false));
        assert_eq!(plan.irreversible(), 1);
        // Inverting twice gives back the reversible part.
        assert_eq!(inv.inverse().changes, vec![plan.changes[0].clone(), plan.changes[2].clone()]);
    }

    #[test]
    fn describe_redacts_secrets_in_urls() {
        let c = remote("https://user:hunter2@github.com/o/r.git", "https://github.com/o/r.git", true);
        let text = c.describe();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("push URL"), "{text}");
    }

    #[test]
    fn journal_round_trips_through_json() {
        let plan = Plan {
            changes: vec![
                remote("a", "b", false),
                Change::StoreCredential {
                    protocol: "https".into(),
                    host: "github.com".into(),
                    username: "octo".into(),
                    via: "store".into(),
                },
            ],
        };
        let text = serde_json::to_string(&plan).unwrap();
        assert!(text.contains("\"kind\":\"remote-url\""), "{text}");
        assert_eq!(serde_json::from_str::<Plan>(&text).unwrap(), plan);
    }
}
