//! The OS keyring edge: git credentials kept in the Secret Service (Linux, FreeBSD),
//! the macOS Keychain or the Windows Credential Manager through the `keyring` crate.
//!
//! One keyring entry per (protocol, host): service `git-reauth` (or
//! `$GIT_REAUTH_KEYRING_SERVICE`), account `protocol://host`, secret a small JSON
//! document listing the host's credentials, by path and user name (see [`doc`]; the
//! previous layout's `protocol://host/path` entries are read and folded in). Every write is read
//! back. All calls block (D-Bus or OS calls): from async code use [`blocking`].
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod backend;
pub mod doc;
mod error;

use std::path::PathBuf;
use std::time::Duration;

use crate::model::credential::Credential;
use crate::model::helper_protocol::Request;
pub use crate::model::keyring::{KeyringUnavailable, Reason};
use doc::{Bytes, Doc, DocError, Record, Want};
pub use error::{Kind, classify};

/// The keyring service name entries are filed under.
pub const DEFAULT_SERVICE: &str = "git-reauth";
/// Overrides [`DEFAULT_SERVICE`] (tests use it to stay apart from each other).
pub const SERVICE_ENV: &str = "GIT_REAUTH_KEYRING_SERVICE";

/// git credentials in the OS keyring.
#[derive(Clone, Debug)]
pub struct KeyringStore {
    service: String,
    /// The file whose lock serializes read-modify-write of entries between processes.
    lock_file: Option<PathBuf>,
}

/// How long `store`/`erase` wait for another process changing the keyring.
const LOCK_WAIT: Duration = Duration::from_secs(10);

impl Default for KeyringStore {
    fn default() -> KeyringStore {
        KeyringStore::new()
    }
}

impl KeyringStore {
    /// The store under `$GIT_REAUTH_KEYRING_SERVICE`, or `git-reauth` when unset or
    /// empty, locking beside this process's state directory (see [`KeyringStore::lock`]).
    pub fn new() -> KeyringStore {
        let service = std::env::var(SERVICE_ENV).ok().filter(|s| !s.is_empty());
        // Beside the state directory (which holds only journal entries), like the journal's lock.
        let lock_file = crate::env::process_state_dir().map(|d| d.with_file_name("git-reauth-keyring.lock"));
        KeyringStore { lock_file, ..KeyringStore::with_service(service.as_deref().unwrap_or(DEFAULT_SERVICE)) }
    }

    /// The store under an explicit service name (empty means [`DEFAULT_SERVICE`]),
    /// without a lock file (in-process use, as the tests do).
    pub fn with_service(service: &str) -> KeyringStore {
        let service = if service.is_empty() { DEFAULT_SERVICE } else { service };
        KeyringStore { service: service.to_string(), lock_file: None }
    }

    /// The keyring service name in use.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Where a credential for `c` lives, for messages: `service protocol://host`.
    pub fn location(&self, c: &Credential) -> Option<String> {
        host_account(&Request::from(c)).map(|account| format!("{} {account}", self.service))
    }

    /// [`KeyringStore::get_raw`] for text: `None` also when the answer is not UTF-8.
    pub fn get(&self, query: &Credential) -> Result<Option<Credential>, KeyringUnavailable> {
        Ok(self.get_raw(&Request::from(query))?.and_then(|found| found.to_credential()))
    }

    /// [`KeyringStore::store_raw`] for text.
    pub fn store(&self, c: &Credential) -> Result<(), KeyringUnavailable> {
        self.store_raw(&Request::from(c))
    }

    /// [`KeyringStore::erase_raw`] for text.
    pub fn erase(&self, query: &Credential) -> Result<(), KeyringUnavailable> {
        self.erase_raw(&Request::from(query))
    }

    /// What git's `get` should answer: user name, password, and the expiry and refresh
    /// token when stored, byte for byte. The most recently stored unexpired record that
    /// matches as git's `credential_match` does (a path or user name the query leaves
    /// out matches any). `None` when nothing matches, including for a query without
    /// protocol or host.
    pub fn get_raw(&self, query: &Request) -> Result<Option<Request>, KeyringUnavailable> {
        let Some(account) = host_account(query) else { return Ok(None) };
        let mut doc = self.load(&account, None)?.unwrap_or_default();
        if let Some((_, Ok(legacy))) = self.load_legacy(query)? {
            doc.absorb(legacy);
        }
        Ok(doc.lookup(&want(query), now()).map(|r| Request {
            username: Some(r.username.0.to_vec()),
            password: Some(r.password.0.clone()),
            password_expiry_utc: r.password_expiry_utc.as_ref().map(|e| e.0.to_vec()),
            oauth_refresh_token: r.oauth_refresh_token.as_ref().map(|t| t.0.clone()),
            ..Request::default()
        }))
    }

    /// git's `store`, as credential-store does it: forget the records the new one
    /// matches (its user's, on its path or, without a path, on every path), then keep
    /// it as the one `get` answers first. A credential without protocol, host, user
    /// name or password is ignored, as git's helpers do.
    pub fn store_raw(&self, c: &Request) -> Result<(), KeyringUnavailable> {
        let (Some(account), Some(username), Some(password)) = (host_account(c), &c.username, &c.password) else {
            return Ok(());
        };
        let record = Record {
            path: normal_path(c).map(Bytes::from_slice),
            username: Bytes::from_slice(username),
            password: Bytes(password.clone()),
            password_expiry_utc: c.password_expiry_utc.as_deref().map(Bytes::from_slice),
            oauth_refresh_token: c.oauth_refresh_token.as_ref().map(|t| Bytes(t.clone())),
        };
        let _lock = self.lock()?;
        let (mut doc, legacy) = self.load_for_change(&account, c)?;
        doc.store(record);
        self.save(&account, &doc)?;
        legacy.map_or(Ok(()), |legacy| self.delete_verified(&legacy))
    }

    /// git's `erase`: forget every record that matches — a path or user name the query
    /// leaves out matches any; with a password (git ≥ 2.43), only records holding it.
    pub fn erase_raw(&self, query: &Request) -> Result<(), KeyringUnavailable> {
        let Some(account) = host_account(query) else { return Ok(()) };
        let _lock = self.lock()?;
        let (mut doc, legacy) = self.load_for_change(&account, query)?;
        if doc.erase(&want(query)) == 0 && legacy.is_none() {
            return Ok(());
        }
        self.save(&account, &doc)?;
        legacy.map_or(Ok(()), |legacy| self.delete_verified(&legacy))
    }

    /// The host's document to change, with the records of the format 1 entry for the
    /// request's path taken in (and that entry's name, to delete once the document is
    /// saved). A foreign host entry is replaced; a newer one is left alone.
    fn load_for_change(&self, account: &str, c: &Request) -> Result<(Doc, Option<String>), KeyringUnavailable> {
        let mut doc = match self.load(account, None)? {
            Ok(doc) => doc,
            Err(DocError::NotJson) => Doc::default(),
            Err(e @ DocError::NewerVersion(_)) => return Err(KeyringUnavailable::new(Reason::Other, e.to_string())),
        };
        let legacy = match self.load_legacy(c)? {
            Some((name, Ok(old))) => {
                doc.absorb(old);
                Some(name)
            }
            // Not ours to read: leave it as it is.
            Some((_, Err(_))) | None => None,
        };
        Ok((doc, legacy))
    }

    /// The format 1 entry of the request's path (`protocol://host/path`), when there is one.
    fn load_legacy(&self, c: &Request) -> Result<Option<Legacy>, KeyringUnavailable> {
        let path = normal_path(c);
        let Some(name) = doc::legacy_account(c.protocol.as_deref(), c.host.as_deref(), path) else { return Ok(None) };
        Ok(backend::read(&self.service, &name)?.map(|secret| (name, Doc::parse(&secret, path))))
    }

    /// Check the keyring answers without writing or prompting: a look-up of an entry
    /// that does not exist, and whether the keyring is locked (a look-up alone succeeds
    /// on a locked keyring, but storing would then need its password).
    pub fn check(&self) -> Result<(), KeyringUnavailable> {
        backend::read(&self.service, "probe://git-reauth-probe.invalid")?;
        if backend::locked()? {
            return Err(KeyringUnavailable::new(Reason::Locked, "the default collection is locked"));
        }
        Ok(())
    }

    /// Check the keyring works: store, read back and delete a throwaway entry.
    pub fn probe(&self) -> Result<(), KeyringUnavailable> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let account = format!("probe://git-reauth/{}-{nanos}", std::process::id());
        let result = self.write_verified(&account, "git-reauth keyring probe");
        // Remove the throwaway entry even when the read-back failed.
        let deleted = self.delete_verified(&account);
        result.and(deleted)
    }

    /// Serialize read-modify-write with other processes (two `git credential approve`
    /// at once would otherwise lose one user). Best effort: without a state directory
    /// to hold the lock file, or where it cannot be written, run unlocked; a lock held
    /// too long is an error, and so is a state home or lock that is not private (see
    /// [`crate::env::state`]: another user could hold it, or plant a symlink).
    fn lock(&self) -> Result<Option<std::fs::File>, KeyringUnavailable> {
        use crate::env::state::{self, StateError};
        let Some(path) = &self.lock_file else { return Ok(None) };
        let file = path.parent().map_or(Ok(()), state::ensure_dir).and_then(|()| {
            state::open_file(path, std::fs::OpenOptions::new().write(true).create(true).truncate(false))
        });
        let file = match file {
            Ok(file) => file,
            Err(e @ StateError::Untrusted { .. }) => {
                return Err(KeyringUnavailable::new(Reason::Other, format!("refusing to use {e}")));
            }
            Err(StateError::Io { .. }) => return Ok(None),
        };
        let start = std::time::Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(file)),
                Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(KeyringUnavailable::new(
                        Reason::Other,
                        format!(
                            "another process kept {} locked for {} s (a keyring password prompt still open?)",
                            path.display(),
                            LOCK_WAIT.as_secs()
                        ),
                    ));
                }
                // A file system without locks: run unlocked, as without a state directory.
                Err(std::fs::TryLockError::Error(_)) => return Ok(None),
            }
        }
    }

    /// The entry's document: `Ok(Err(_))` when the entry holds something we cannot read.
    fn load(&self, account: &str, path: Option<&[u8]>) -> Result<Result<Doc, DocError>, KeyringUnavailable> {
        Ok(match backend::read(&self.service, account)? {
            Some(secret) => Doc::parse(&secret, path),
            None => Ok(Doc::default()),
        })
    }

    /// Write the document (or delete the entry when no user is left), then check.
    fn save(&self, account: &str, doc: &Doc) -> Result<(), KeyringUnavailable> {
        if doc.is_empty() { self.delete_verified(account) } else { self.write_verified(account, &doc.to_secret()) }
    }

    fn write_verified(&self, account: &str, secret: &str) -> Result<(), KeyringUnavailable> {
        backend::write(&self.service, account, secret)?;
        match backend::read(&self.service, account)? {
            Some(back) if back.as_str() == secret => Ok(()),
            Some(_) => Err(not_kept("reading it back returned something else")),
            None => Err(not_kept("reading it back found nothing")),
        }
    }

    fn delete_verified(&self, account: &str) -> Result<(), KeyringUnavailable> {
        backend::delete(&self.service, account)?;
        match backend::read(&self.service, account)? {
            None => Ok(()),
            Some(_) => {
                Err(KeyringUnavailable::new(Reason::Other, "the keyring still holds an entry it was told to delete"))
            }
        }
    }
}

/// Check the keyring (under `$GIT_REAUTH_KEYRING_SERVICE` or `git-reauth`) works.
pub fn probe() -> Result<(), KeyringUnavailable> {
    KeyringStore::new().probe()
}

/// [`probe`] from async code, on tokio's blocking pool.
pub async fn probe_async() -> Result<(), KeyringUnavailable> {
    blocking(probe).await
}

/// Run a blocking keyring call from async code on tokio's blocking pool, e.g.
/// `store::blocking(move || store.store(&cred)).await`.
pub async fn blocking<T, F>(f: F) -> Result<T, KeyringUnavailable>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, KeyringUnavailable> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(KeyringUnavailable::new(Reason::Other, format!("keyring task failed: {e}"))))
}

/// A format 1 path-scoped entry: its name and what it holds.
type Legacy = (String, Result<Doc, DocError>);

/// The host's entry name.
fn host_account(c: &Request) -> Option<String> {
    doc::account(c.protocol.as_deref(), c.host.as_deref())
}

/// The request's path; an empty `path=` is no path (format 1's rule, kept).
fn normal_path(c: &Request) -> Option<&[u8]> {
    c.path.as_deref().filter(|p| !p.is_empty())
}

/// What the request asks for within its host.
fn want(c: &Request) -> Want<'_> {
    Want { path: normal_path(c), username: c.username.as_deref(), password: c.password.as_ref().map(|p| p.as_slice()) }
}

fn not_kept(what: &str) -> KeyringUnavailable {
    KeyringUnavailable::new(
        Reason::Other,
        format!("the keyring accepted a write but {what}; it may not keep secrets (memory-only or broken store)"),
    )
}

fn now() -> i64 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}
