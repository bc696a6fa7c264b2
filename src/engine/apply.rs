//! The one transaction that changes a user's setup, for `setup` and `undo` alike:
//! each change in turn, refused when its setting no longer holds the value the plan
//! was made from; the journal entry that records it; and, on a failure or an
//! interruption, the rollback of every step taken, with what could not be taken back.

use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use crate::engine::Deps;
use crate::engine::error::{Error, Leftover, Run};
use crate::engine::journal::{Entry, EntryState, Journal};
use crate::git::{apply_edit, read_values, write_values_edit};
use crate::model::credential::Credential;
use crate::model::line_edit::LineEdit;
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
    done: Vec<Taken>,
    /// How many steps were tried: a fix's step `n` is change `n` of its entry's plan.
    tried: usize,
    /// The config changes an undo wrote back by value, not byte for byte, and why.
    inexact: Vec<String>,
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
        Ok(Transaction {
            deps,
            cancel,
            journal,
            entry,
            run,
            done: Vec::new(),
            tried: 0,
            inexact: Vec::new(),
            forgotten: None,
            stored: None,
        })
    }

    /// How many steps are taken.
    pub fn taken(&self) -> usize {
        self.done.len()
    }

    /// Take one step. On an error nothing is rolled back yet: call [`abort`](Self::abort).
    /// A fix records the exact line edit a config step made in its entry (the journal
    /// keeps it when it holds no secret), so that `undo` can take it back byte for byte.
    pub async fn step(&mut self, change: &Change, new: Option<&NewSecret<'_>>) -> Result<(), Error> {
        self.take(change, new, None).await
    }

    /// An undo's step: `edit` is the exact reverse of the line edit the fix made (from
    /// its entry), applied when the file still holds at those places what the fix
    /// wrote; otherwise (or without one) the values are written back, and
    /// [`inexact`](Self::inexact) says so.
    pub async fn step_back(&mut self, change: &Change, edit: Option<&LineEdit>) -> Result<(), Error> {
        self.take(change, None, Some(edit)).await
    }

    /// The config changes an undo could not give back byte for byte, and why.
    pub fn inexact(&self) -> &[String] {
        &self.inexact
    }

    async fn take(
        &mut self,
        change: &Change,
        new: Option<&NewSecret<'_>>,
        exact: Option<Option<&LineEdit>>,
    ) -> Result<(), Error> {
        let index = self.tried;
        self.tried += 1;
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
        match apply_change_as(self.deps, change, new, exact.flatten(), self.forgotten.as_ref()).await {
            Ok(written) => {
                if exact.is_some() && before.is_some() && !written.exact {
                    let why = match exact.flatten() {
                        Some(_) => "the file was changed since where setup edited it",
                        // The journal never keeps a line with a secret (nor its edit).
                        None if change.sets_scrubbed_value() => "the line held a secret, which the journal never keeps",
                        None => "the journal holds no line edit for it (an entry of an older version)",
                    };
                    self.inexact
                        .push(format!("{}: its value was written back, not its bytes ({why})", change.describe()));
                }
                if self.run == Run::Fix && before.is_some() {
                    self.entry.record_edit(index, written.edit.clone());
                    // Recorded now, so that the undo of a run killed mid-way has it too;
                    // the commit writes the entry again (and a failure there rolls back).
                    let _ = self.journal.write(&self.entry);
                }
                self.done.push(Taken { change: change.clone(), before, edit: written.edit });
                Ok(())
            }
            Err(e) => {
                // A store or forget cut short (Ctrl-C reaches git and its helpers too)
                // may have taken effect: take it back as well. Both are harmless if not.
                if matches!(change, Change::StoreCredential { .. } | Change::ForgetCredential { .. }) {
                    self.done.push(Taken { change: change.clone(), before: None, edit: None });
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

/// A step taken: the change, what its setting held before (config-like changes), and
/// the exact line edit it made to the config file (in memory only: it may hold secrets).
struct Taken {
    change: Change,
    before: Option<Vec<String>>,
    edit: Option<LineEdit>,
}

/// What a config write did: the line edit it made, and whether it was the exact one asked for.
#[derive(Default)]
struct Written {
    edit: Option<LineEdit>,
    exact: bool,
}

/// Apply one change; a config-like one through `exact` (a line edit) when the file
/// still allows it, else by value (`forgotten`: what a `ForgetCredential` is about to
/// make the helpers forget).
async fn apply_change_as(
    deps: &Deps,
    change: &Change,
    new: Option<&NewSecret<'_>>,
    exact: Option<&LineEdit>,
    forgotten: Option<&Credential>,
) -> Result<Written, Error> {
    if !still_as_planned(change)? {
        return Err(Error::Conflict { change: change.describe() });
    }
    match change {
        Change::RemoteUrl { config, remote, push, to, .. } => {
            let values: Vec<String> = to.iter().cloned().collect();
            return write_config(config, &Change::remote_key(remote, *push), &values, exact);
        }
        Change::ConfigKey { file, key, to, .. } => return write_config(file, key, to, exact),
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
    Ok(Written::default())
}

/// Set `key` to `values` in `file`: by the line edit `exact` when the file still holds
/// at its places what it expects (git must then read `values` back), else through git.
fn write_config(
    file: &std::path::Path,
    key: &str,
    values: &[String],
    exact: Option<&LineEdit>,
) -> Result<Written, Error> {
    if let Some(edit) = exact
        && apply_edit(file, edit, key, values)?
    {
        return Ok(Written { edit: Some(edit.clone()), exact: true });
    }
    Ok(Written { edit: write_values_edit(file, key, values)?, exact: false })
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
    applied: &[Taken],
    forgotten: Option<&Credential>,
    new_secret: Option<&SecretString>,
) -> Vec<Leftover> {
    let mut leftovers = Vec::new();
    for Taken { change, before, edit } in applied.iter().rev() {
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
            // A config change: the exact reverse of the edit it made (byte for byte), or
            // the values it replaced when the file was changed since.
            other => match before.clone().map_or_else(|| other.inverse(), |values| other.back_to(values)) {
                Some(inv) => {
                    let reverse = edit.as_ref().map(LineEdit::reversed);
                    apply_change_as(deps, &inv, None, reverse.as_ref(), None).await.map(|_| ())
                }
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
        crate::git::write_values(&config, "remote.origin.url", std::slice::from_ref(&with_token)).unwrap();
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
        crate::git::write_values(&config, "remote.origin.url", &[plain.to_string()]).unwrap();
        assert!(still_as_planned(&undo).unwrap() && !already_done(&undo).unwrap());
    }
}
