//! Plans: the list of changes a fix makes, decided before anything is touched,
//! shown to the user, recorded for undo, and inverted by undo.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use crate::model::scrub::{is_scrubbed, scrub, scrub_all};

/// One change to the user's setup. Tokens never appear here (plans are printed
/// and written to the undo journal); the token travels separately at apply time.
/// The values a change replaces (`from`) are recorded scrubbed ([`scrub`]): a token in a
/// remote URL or a helper command is masked, and the change is applied when the current
/// value, scrubbed, is the recorded one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// Set (`to: Some`) or unset (`to: None`) `remote.<remote>.url` (or `.pushurl`) in
    /// the repository's config file.
    RemoteUrl { config: PathBuf, remote: String, push: bool, from: Option<String>, to: Option<String> },
    /// Replace every value of `key` in one config file (`to` empty: unset it).
    ConfigKey { file: PathBuf, key: String, from: Vec<String>, to: Vec<String> },
    /// `git credential reject` of the login git hands out for this request (protocol,
    /// host, path when git sends one) under `username`, with its stale password, so
    /// helpers forget that login and no other. Cannot be undone (the old secret is gone).
    ForgetCredential {
        protocol: String,
        host: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        username: Option<String>,
    },
    /// `git credential approve` of the new token under `username` (and the path git
    /// sends), through the helper chain described by `via`.
    StoreCredential {
        protocol: String,
        host: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<String>,
        username: String,
        via: String,
    },
}

impl Change {
    /// The config key a `RemoteUrl` change writes.
    pub fn remote_key(remote: &str, push: bool) -> String {
        format!("remote.{remote}.{}", if push { "pushurl" } else { "url" })
    }

    /// One line for the user; values are scrubbed of secrets.
    pub fn describe(&self) -> String {
        fn show(v: &Option<String>) -> String {
            v.as_deref().map(scrub).unwrap_or_else(|| "(unset)".into())
        }
        match self {
            Change::RemoteUrl { config, remote, push, from, to } => {
                let which = if *push { "push URL" } else { "URL" };
                // A URL git reads from an included file or `config.worktree`: say where.
                let in_file = match config.file_name().and_then(|n| n.to_str()) {
                    Some("config") | None => String::new(),
                    Some(_) => format!(" (in {})", config.display()),
                };
                format!("set {remote} {which}{in_file}: {} → {}", show(from), show(to))
            }
            Change::ConfigKey { file, key, from, to } => {
                let list = |v: &Vec<String>| {
                    if v.is_empty() {
                        "(unset)".to_string()
                    } else {
                        v.iter().map(|s| format!("{:?}", scrub(s))).collect::<Vec<_>>().join(", ")
                    }
                };
                format!("in {}: {key}: {} → {}", file.display(), list(from), list(to))
            }
            Change::ForgetCredential { protocol, host, path, username } => {
                let path = path.as_deref().map(|p| format!("/{p}")).unwrap_or_default();
                match username {
                    Some(u) => format!("make your credential helpers forget {u}@{protocol}://{host}{path}"),
                    None => {
                        format!("make your credential helpers forget the saved login for {protocol}://{host}{path}")
                    }
                }
            }
            Change::StoreCredential { protocol, host, path, username, via, .. } => {
                let path = path.as_deref().map(|p| format!("/{p}")).unwrap_or_default();
                format!("store the token for {username}@{protocol}://{host}{path} in {via}")
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

    /// The change as it may be recorded: every URL, config value and helper command
    /// it holds scrubbed of secrets.
    pub fn scrubbed(&self) -> Change {
        match self {
            Change::RemoteUrl { config, remote, push, from, to } => Change::RemoteUrl {
                config: config.clone(),
                remote: remote.clone(),
                push: *push,
                from: from.as_deref().map(scrub),
                to: to.as_deref().map(scrub),
            },
            Change::ConfigKey { file, key, from, to } => {
                Change::ConfigKey { file: file.clone(), key: key.clone(), from: scrub_all(from), to: scrub_all(to) }
            }
            other => other.clone(),
        }
    }

    /// True when the value this change sets had a secret masked out of it: `undo`
    /// restores the setting without the secret it held.
    pub fn sets_scrubbed_value(&self) -> bool {
        match self {
            Change::RemoteUrl { to, .. } => to.as_deref().is_some_and(is_scrubbed),
            Change::ConfigKey { to, .. } => to.iter().any(|v| is_scrubbed(v)),
            _ => false,
        }
    }

    /// The change that takes this one back to `values`, what its setting held before
    /// (exactly, secrets included: a rollback in the same run); `None` for credential
    /// changes.
    pub fn back_to(&self, values: Vec<String>) -> Option<Change> {
        match self.inverse()? {
            Change::RemoteUrl { config, remote, push, from, .. } => {
                Some(Change::RemoteUrl { config, remote, push, from, to: values.into_iter().next() })
            }
            Change::ConfigKey { file, key, from, .. } => Some(Change::ConfigKey { file, key, from, to: values }),
            other => Some(other),
        }
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

    /// The plan as it may be recorded ([`Change::scrubbed`]).
    pub fn scrubbed(&self) -> Plan {
        Plan { changes: self.changes.iter().map(Change::scrubbed).collect() }
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
                Change::ForgetCredential {
                    protocol: "https".into(),
                    host: "github.com".into(),
                    path: None,
                    username: None,
                },
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
    fn a_url_in_another_file_names_it() {
        let mut c = remote("git@github.com:o/r.git", "https://github.com/o/r.git", false);
        assert!(!c.describe().contains(" (in "), "{}", c.describe());
        if let Change::RemoteUrl { config, .. } = &mut c {
            *config = "/home/me/work.inc".into();
        }
        assert!(c.describe().starts_with("set origin URL (in /home/me/work.inc): "), "{}", c.describe());
    }

    #[test]
    fn describe_redacts_secrets_in_urls() {
        let c = remote("https://user:hunter2@github.com/o/r.git", "https://github.com/o/r.git", true);
        let text = c.describe();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("push URL"), "{text}");
    }

    #[test]
    fn a_scrubbed_plan_holds_no_secret_and_its_inverse_says_so() {
        let token = format!("ghp_{}", "x1".repeat(18));
        let plan = Plan {
            changes: vec![
                remote(&format!("http://octo:{token}@h/o/r.git"), "http://h/o/r.git", false),
                Change::ConfigKey {
                    file: "/h/.gitconfig".into(),
                    key: "credential.https://h.helper".into(),
                    from: vec![format!("!GH_TOKEN={token} gh auth git-credential")],
                    to: vec![String::new(), "store".into()],
                },
                Change::ForgetCredential { protocol: "https".into(), host: "h".into(), path: None, username: None },
            ],
        };
        let scrubbed = plan.scrubbed();
        let text = serde_json::to_string(&scrubbed).unwrap();
        assert!(!text.contains(&token), "{text}");
        assert!(text.contains("http://octo:***@h/o/r.git") && text.contains("!GH_TOKEN=*** gh"), "{text}");
        assert_eq!(scrubbed.scrubbed(), scrubbed, "scrubbing twice changes nothing");
        assert_eq!(scrubbed.changes[2], plan.changes[2]);
        let undo = scrubbed.inverse();
        assert!(undo.changes.iter().all(Change::sets_scrubbed_value), "{undo:?}");
        assert!(!plan.changes.iter().any(Change::sets_scrubbed_value));
        // A rollback in the same run puts back exactly what was there.
        let back = plan.changes[0].back_to(vec![format!("http://octo:{token}@h/o/r.git")]).unwrap();
        assert_eq!(back, plan.changes[0].inverse().unwrap());
        let back = scrubbed.changes[1].back_to(vec!["a".into(), "b".into()]).unwrap();
        assert!(matches!(back, Change::ConfigKey { to, from, .. } if to == ["a", "b"] && from == ["", "store"]));
        assert_eq!(plan.changes[2].back_to(vec![]), None);
    }

    #[test]
    fn journal_round_trips_through_json() {
        let plan = Plan {
            changes: vec![
                remote("a", "b", false),
                Change::StoreCredential {
                    protocol: "https".into(),
                    host: "github.com".into(),
                    path: Some("o/r.git".into()),
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
