//! Carry out a prepared fix: one run at a time, each change in turn, then the proof that
//! git now authenticates; on any failure or interruption everything is rolled back.

use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;

use super::{Prepared, StoreChoice};
use crate::engine::Deps;
use crate::engine::apply::{NewSecret, about_to_forget, apply_change, roll_back};
use crate::engine::journal::{Entry, EntryState, Journal};
use crate::error::Problem;
use crate::model::credential::Credential;
use crate::model::plan::Change;
use crate::model::token::Token;

/// What `apply` did.
#[derive(Clone, Debug)]
pub struct Applied {
    pub entry: Entry,
    pub journal: std::path::PathBuf,
    /// What was checked after the change ("git credential fill returns the token", …).
    pub verified: Vec<String>,
}

/// Take the journal lock: one run at a time may change the setup. A second run waits
/// up to [`LOCK_WAIT`](crate::engine::journal::LOCK_WAIT), then refuses.
pub async fn exclusive(deps: &Deps) -> Result<crate::engine::journal::JournalLock, Problem> {
    use crate::engine::journal::{LOCK_WAIT, LockError};
    let journal = Journal::new(&deps.env.state_dir);
    journal.lock(LOCK_WAIT).await.map_err(|e| match e {
        LockError::Io(e) => Problem::Journal { dir: journal.dir.clone(), message: e.to_string() },
        busy => Problem::Busy(busy),
    })
}

/// Progress of `apply`, for the wizard's ticking list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyProgress {
    /// Change number `n` of the plan is done.
    Changed(usize),
    /// Verification step passed (its description).
    Verified(String),
}

/// Apply the plan; on any failure or cancellation roll back what was applied.
pub async fn apply(
    deps: &Deps,
    prepared: &Prepared,
    token: &Token,
    cancel: &CancellationToken,
) -> Result<Applied, Problem> {
    apply_with_progress(deps, prepared, token, cancel, None).await
}

/// [`apply`], reporting each finished step on `progress`.
pub async fn apply_with_progress(
    deps: &Deps,
    prepared: &Prepared,
    token: &Token,
    cancel: &CancellationToken,
    progress: Option<&tokio::sync::mpsc::UnboundedSender<ApplyProgress>>,
) -> Result<Applied, Problem> {
    let report = |p: ApplyProgress| {
        if let Some(tx) = progress {
            let _ = tx.send(p);
        }
    };
    if cancel.is_cancelled() {
        return Err(Problem::Interrupted);
    }
    let journal = Journal::new(&deps.env.state_dir);
    let mut entry = Entry::new(
        &deps.host.host_port(),
        prepared.target.as_ref().map(|t| t.repo.workdir.clone()),
        prepared.plan.clone(),
    );
    let journal = &journal;
    let journal_err = |e: std::io::Error| Problem::Journal { dir: journal.dir.clone(), message: e.to_string() };
    journal.write(&entry).map_err(journal_err)?;

    let new = NewSecret { secret: token.secret(), expiry_utc: prepared.account.expires.map(|t| t.timestamp()) };
    let mut done: Vec<Change> = Vec::new();
    let mut forgotten = None;
    let fail = |done: Vec<Change>, forgotten: Option<Credential>, entry: Entry, problem: Problem| async move {
        // Ctrl-C reaches git's children too; whatever step failed, the cause was the interruption.
        let interrupted =
            cancel.is_cancelled() || matches!(problem, Problem::Git(crate::git::GitError::Interrupted { .. }));
        let problem = if interrupted && !done.is_empty() {
            Problem::InterruptedRolledBack
        } else if interrupted {
            Problem::Interrupted
        } else {
            problem
        };
        let leftovers = roll_back(deps, &done, forgotten.as_ref()).await;
        let mut entry = entry;
        if leftovers.is_empty() {
            // Everything is as it was: nothing to undo, nothing to keep.
            let _ = journal.remove(&entry);
            problem
        } else {
            entry.state = EntryState::RolledBack;
            let _ = journal.write(&entry);
            Problem::Other(format!("{problem}; rolling back also failed for: {}", leftovers.join("; ")))
        }
    };
    for change in &prepared.plan.changes {
        if matches!(change, Change::ForgetCredential { .. }) {
            match about_to_forget(deps, change).await {
                Ok(found) => forgotten = found,
                Err(p) => return Err(fail(done, forgotten, entry, p).await),
            }
        }
        // `fail` tells "nothing was changed" from "rolled back" by what is done.
        if cancel.is_cancelled() {
            return Err(fail(done, forgotten, entry, Problem::Interrupted).await);
        }
        if let Err(e) = apply_change(deps, change, Some(&new)).await {
            // A store or forget cut short (Ctrl-C reaches git and its helpers too) may
            // have taken effect: take it back as well. Both are harmless if it did not.
            if matches!(change, Change::StoreCredential { .. } | Change::ForgetCredential { .. }) {
                done.push(change.clone());
            }
            return Err(fail(done, forgotten, entry, e).await);
        }
        done.push(change.clone());
        report(ApplyProgress::Changed(done.len() - 1));
    }

    let mut verified = Vec::new();
    match verify(deps, prepared, token).await {
        Ok(v) => {
            for line in &v {
                report(ApplyProgress::Verified(line.clone()));
            }
            verified.extend(v)
        }
        Err(p) => return Err(fail(done, forgotten, entry, p).await),
    }
    if cancel.is_cancelled() {
        return Err(fail(done, forgotten, entry, Problem::Interrupted).await);
    }
    entry.state = EntryState::Applied;
    let path = journal.write(&entry).map_err(journal_err)?;
    Ok(Applied { entry, journal: path, verified })
}

/// After applying: git must hand out the new token, and a live fetch must work.
async fn verify(deps: &Deps, prepared: &Prepared, token: &Token) -> Result<Vec<String>, Problem> {
    let mut verified = Vec::new();
    let fill = deps.credential().fill().await?;
    let got = fill.credential.as_ref().and_then(|c| c.password.as_ref()).map(|p| p.expose_secret() == token.expose());
    match got {
        Some(true) => verified.push(format!(
            "git credential fill returns the new token{}",
            fill.helper().map(|h| format!(" (from {})", h.name())).unwrap_or_default()
        )),
        Some(false) => {
            let who = fill
                .helper()
                .map(|h| format!("{} from {}", h.name(), h.file().unwrap_or(&h.origin)))
                .unwrap_or_else(|| "a helper".into());
            return Err(Problem::Verify { message: format!("{who} still answers first with a different credential") });
        }
        None => {
            // Our own helper says why on stderr, which git shows but we cannot tie to the
            // store; ask the keyring again (it may have been locked or gone since the probe).
            if prepared.store == StoreChoice::Keyring {
                deps.probe_keyring(false).await.map_err(Problem::Keyring)?;
            }
            return Err(Problem::Verify {
                message: "no helper kept the token (a helper may have failed silently, e.g. a cache socket directory that is not 0700)".into(),
            });
        }
    }
    if let Some(t) = &prepared.target {
        let url = deps.host.repo_url(&t.view.repo);
        let git = crate::git::Git::new(deps.env.with_cwd(&t.repo.workdir));
        match git.ls_remote(&url).await? {
            Ok(()) => verified.push(format!("git ls-remote {url} works with it")),
            Err(stderr) => {
                return Err(Problem::LiveCheck {
                    message: format!("git ls-remote {url} failed: {}", crate::git::first_line(&stderr)),
                });
            }
        }
    }
    Ok(verified)
}
