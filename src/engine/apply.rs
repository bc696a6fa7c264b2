//! The one transaction that changes a user's setup, for `setup` and `undo` alike:
//! each change in turn, refused when its setting no longer holds the value the plan
//! was made from; the journal entry that records it; and, on a failure or an
//! interruption, the rollback of every step taken, with what could not be taken back.

use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use crate::engine::Deps;
use crate::engine::error::{Error, Leftover, Run};
use crate::engine::journal::{Entry, EntryState, Journal};
use crate::git::{read_values, write_values};
use crate::model::credential::Credential;
use crate::model::plan::Change;
use crate::model::scrub::scrub_all;

/// The new token, for `StoreCredential`.
pub struct NewSecret<'a> {
    pub secret: &'a SecretString,
    pub expiry_utc: Option<i64>,
}

/// Changes applied in order, recorded in one journal entry, all or nothing.
pub struct Transaction<'a> {
    deps: &'a Deps,
    cancel: &'a CancellationToken,
    journal: Journal,
    entry: Entry,
    run: Run,
    /// Steps taken, in order, each with what its setting held before (exactly: the
    /// plan records it scrubbed, a rollback puts back the real value).
    done: Vec<(Change, Option<Vec<String>>)>,
    /// What the helpers handed out before a `ForgetCredential` (a rollback stores it again).
    forgotten: Option<Credential>,
    /// The token a `StoreCredential` stored (a rollback erases that entry, and only it).
    stored: Option<SecretString>,
}

impl<'a> Transaction<'a> {
    /// A fix: the entry is written (`applying`) before the first change, so a run
    /// killed mid-way leaves something `undo` can finish.
    pub fn fix(deps: &'a Deps, entry: Entry, cancel: &'a CancellationToken) -> Result<Transaction<'a>, Error> {
        let t = Transaction::new(deps, entry, Run::Fix, cancel)?;
        t.journal.write(&t.entry).map_err(|e| t.journal.error(e))?;
        Ok(t)
    }

    /// An undo of `entry`: the entry stays as it is until the undo is complete.
    pub fn undo(deps: &'a Deps, entry: Entry, cancel: &'a CancellationToken) -> Result<Transaction<'a>, Error> {
        Transaction::new(deps, entry, Run::Undo, cancel)
    }

    fn new(deps: &'a Deps, entry: Entry, run: Run, cancel: &'a CancellationToken) -> Result<Transaction<'a>, Error> {
        let journal = Journal::of(&deps.env)?;
        Ok(Transaction { deps, cancel, journal, entry, run, done: Vec::new(), forgotten: None, stored: None })
    }

    /// How many steps are taken.
    pub fn taken(&self) -> usize {
        self.done.len()
    }

    /// Take one step. On an error nothing is rolled back yet: call [`abort`](Self::abort).
    pub async fn step(&mut self, change: &Change, new: Option<&NewSecret<'_>>) -> Result<(), Error> {
        if matches!(change, Change::ForgetCredential { .. }) {
            self.forgotten = about_to_forget(self.deps, change).await?;
        }
        if self.cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        if let (Change::StoreCredential { .. }, Some(new)) = (change, new) {
            self.stored = Some(new.secret.clone());
        }
        let before = current(change).transpose()?.map(|(now, _)| now);
        match apply_change(self.deps, change, new, self.forgotten.as_ref()).await {
            Ok(()) => {
                self.done.push((change.clone(), before));
                Ok(())
            }
            Err(e) => {
                // A store or forget cut short (Ctrl-C reaches git and its helpers too)
                // may have taken effect: take it back as well. Both are harmless if not.
                if matches!(change, Change::StoreCredential { .. } | Change::ForgetCredential { .. }) {
                    self.done.push((change.clone(), None));
                }
                Err(e)
            }
        }
    }

    /// Every step is taken: record the entry as `state`. If that fails, roll back.
    pub async fn commit(mut self, state: EntryState) -> Result<(Entry, std::path::PathBuf), Error> {
        if self.cancel.is_cancelled() {
            return Err(self.abort(Error::Interrupted).await);
        }
        self.entry.state = state;
        match self.journal.write(&self.entry) {
            Ok(path) => Ok((self.entry, path)),
            Err(e) => {
                let e = self.journal.error(e);
                Err(self.abort(e).await)
            }
        }
    }

    /// Stop: take back every step taken, last first, and say why it stopped. A fix that
    /// left nothing behind removes its entry; one with leftovers keeps it (`rolled-back`);
    /// an undo leaves its entry as it was, still undoable.
    pub async fn abort(self, cause: Error) -> Error {
        // Ctrl-C reaches git's children too; whatever step failed, the cause was the interruption.
        let cause = if self.cancel.is_cancelled() || cause.is_interrupted() { Error::Interrupted } else { cause };
        let leftovers = roll_back(self.deps, &self.done, self.forgotten.as_ref(), self.stored.as_ref()).await;
        if self.run == Run::Fix {
            let mut entry = self.entry;
            if leftovers.is_empty() {
                let _ = self.journal.remove(&entry);
            } else {
                entry.state = EntryState::RolledBack;
                let _ = self.journal.write(&entry);
            }
        }
        Error::Stopped { cause: Box::new(cause), run: self.run, changed: !self.done.is_empty(), leftovers }
    }
}

/// (what the setting holds now, what the change expects it to hold).
type NowAndExpected = (Vec<String>, Vec<String>);

/// The values a config-like change expects to find, and where.
fn current(change: &Change) -> Option<Result<NowAndExpected, Error>> {
    match change {
        Change::RemoteUrl { config, remote, push, from, .. } => {
            let key = Change::remote_key(remote, *push);
            Some(read_values(config, &key).map(|v| (v, from.iter().cloned().collect())).map_err(Error::from))
        }
        Change::ConfigKey { file, key, from, .. } => {
            Some(read_values(file, key).map(|v| (v, from.clone())).map_err(Error::from))
        }
        _ => None,
    }
}

/// True when the setting already holds what the change would set (a config-like
/// change only). Compared scrubbed: an undo sets the scrubbed value it recorded, and a
/// setting that still holds the secret it was recorded without is as it was.
pub fn already_done(change: &Change) -> Result<bool, Error> {
    let target: Vec<String> = match change {
        Change::RemoteUrl { to, .. } => to.iter().cloned().collect(),
        Change::ConfigKey { to, .. } => to.clone(),
        _ => return Ok(false),
    };
    match current(change) {
        None => Ok(false),
        Some(r) => Ok(scrub_all(&r?.0) == scrub_all(&target)),
    }
}

/// True when the setting still holds what the change expects to replace, compared
/// scrubbed (the plan records the old value without its secrets).
pub fn still_as_planned(change: &Change) -> Result<bool, Error> {
    match current(change) {
        None => Ok(true),
        Some(r) => {
            let (now, expected) = r?;
            Ok(scrub_all(&now) == scrub_all(&expected))
        }
    }
}

/// Apply one change (`forgotten`: what a `ForgetCredential` is about to make the
/// helpers forget).
async fn apply_change(
    deps: &Deps,
    change: &Change,
    new: Option<&NewSecret<'_>>,
    forgotten: Option<&Credential>,
) -> Result<(), Error> {
    if !still_as_planned(change)? {
        return Err(Error::Conflict { change: change.describe() });
    }
    match change {
        Change::RemoteUrl { config, remote, push, to, .. } => {
            let values: Vec<String> = to.iter().cloned().collect();
            write_values(config, &Change::remote_key(remote, *push), &values)?;
        }
        Change::ConfigKey { file, key, to, .. } => write_values(file, key, to)?,
        Change::ForgetCredential { protocol, host, path, username } => {
            // Only the login being replaced: its user name, and its stale password when
            // the helpers handed one out (git ≥ 2.43 passes it on to them).
            let stale = forgotten.and_then(|f| f.password.as_ref());
            deps.credential_at(protocol, host, path.as_deref()).reject(username.as_deref(), stale).await?
        }
        Change::StoreCredential { protocol, host, path, username, .. } => match new {
            Some(new) => {
                deps.credential_at(protocol, host, path.as_deref())
                    .approve(username, new.secret, new.expiry_utc)
                    .await?
            }
            // An undo never stores a credential (it is not reversible); nothing to store.
            None => return Err(Error::Conflict { change: change.describe() }),
        },
    }
    Ok(())
}

/// What the helpers handed out before a `ForgetCredential` made them forget it, so a
/// rollback can give it back (`undo` does not: the old password no longer works).
/// An error only when git was interrupted or timed out (the forget would not get
/// further); a helper that cannot answer means there is nothing to give back.
async fn about_to_forget(deps: &Deps, change: &Change) -> Result<Option<Credential>, Error> {
    let Change::ForgetCredential { protocol, host, path, username } = change else { return Ok(None) };
    let fill = match deps.credential_at(protocol, host, path.as_deref()).with_username(username.as_deref()).fill().await
    {
        Ok(fill) => fill,
        // A helper that hangs now would hang the forget too: stop here.
        Err(e @ (crate::git::GitError::Interrupted { .. } | crate::git::GitError::Timeout { .. })) => {
            return Err(e.into());
        }
        Err(_) => return Ok(None),
    };
    let Some(found) = fill.credential else { return Ok(None) };
    let wanted = username.as_deref().is_none_or(|u| found.username.as_deref() == Some(u));
    Ok((wanted && found.username.is_some()).then_some(found))
}

/// Undo already-applied changes, last first, each back to what its setting held;
/// `forgotten` is what [`about_to_forget`] saw, `new_secret` the token stored. Returns
/// what could not be reverted.
async fn roll_back(
    deps: &Deps,
    applied: &[(Change, Option<Vec<String>>)],
    forgotten: Option<&Credential>,
    new_secret: Option<&SecretString>,
) -> Vec<Leftover> {
    let mut leftovers = Vec::new();
    for (change, before) in applied.iter().rev() {
        let result = match change {
            // A token we stored is removed again: that user's entry with that token only.
            Change::StoreCredential { protocol, host, path, username, .. } => deps
                .credential_at(protocol, host, path.as_deref())
                .reject(Some(username), new_secret)
                .await
                .map_err(Error::from),
            // The login the helpers held is stored again, as it was, under its own user
            // name and path.
            Change::ForgetCredential { protocol, host, path, .. } => match forgotten {
                Some(Credential { username: Some(user), password: Some(secret), password_expiry_utc, .. }) => {
                    let expiry = password_expiry_utc.as_deref().and_then(|t| t.parse().ok());
                    deps.credential_at(protocol, host, path.as_deref())
                        .approve(user, secret, expiry)
                        .await
                        .map_err(Error::from)
                }
                _ => Ok(()),
            },
            other => match before.clone().map_or_else(|| other.inverse(), |values| other.back_to(values)) {
                Some(inv) => apply_change(deps, &inv, None, None).await,
                None => Ok(()),
            },
        };
        if let Err(e) = result {
            leftovers.push(Leftover { change: change.describe(), error: e.to_string() });
        }
    }
    leftovers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_compared_scrubbed() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let token = format!("ghp_{}", "q7".repeat(18));
        let with_token = format!("https://octo:{token}@github.com/o/r.git");
        write_values(&config, "remote.origin.url", std::slice::from_ref(&with_token)).unwrap();
        let change = |from: &str, to: &str| Change::RemoteUrl {
            config: config.clone(),
            remote: "origin".into(),
            push: false,
            from: Some(from.into()),
            to: Some(to.into()),
        };
        let plain = "https://github.com/o/r.git";
        // The plan recorded the URL scrubbed: it still holds what the plan expects.
        let fix = change("https://octo:***@github.com/o/r.git", plain);
        assert!(still_as_planned(&fix).unwrap());
        assert!(!already_done(&fix).unwrap());
        // Changed since (another user name): refused.
        assert!(!still_as_planned(&change("https://other:***@github.com/o/r.git", plain)).unwrap());
        // An undo of it, when the URL was never switched, has nothing to do: the setting
        // holds the secret it was recorded without (and keeps it).
        let undo = fix.inverse().unwrap();
        assert!(already_done(&undo).unwrap());
        assert!(!still_as_planned(&undo).unwrap());
        write_values(&config, "remote.origin.url", &[plain.to_string()]).unwrap();
        assert!(still_as_planned(&undo).unwrap() && !already_done(&undo).unwrap());
    }
}
