//! `undo`: revert the last applied change set (remote URLs and config keys), all or
//! nothing. A forgotten stale password cannot come back, and the new token stays stored.

use tokio_util::sync::CancellationToken;

use crate::engine::apply::{Transaction, already_done, still_as_planned};
use crate::engine::error::Run;
use crate::engine::journal::{Entry, EntryState, Journal};
use crate::engine::{Deps, Error};
use crate::model::plan::Change;

/// What `undo` did (or would do with `dry_run`).
#[derive(Clone, Debug)]
pub struct UndoReport {
    pub entry: Entry,
    pub reverted: Vec<Change>,
    /// Changes that are not reverted (credentials).
    pub kept: Vec<Change>,
    pub dry_run: bool,
}

/// Revert the newest undoable change set, all or nothing: when a step fails, or
/// `cancel` fires, the steps already taken are put back and the set stays undoable.
pub async fn undo(deps: &Deps, dry_run: bool, cancel: &CancellationToken) -> Result<UndoReport, Error> {
    let journal = Journal::of(&deps.env)?;
    // Not while another run changes the setup (nor two undos at once).
    let _lock = if dry_run {
        None
    } else {
        tokio::select! {
            l = crate::engine::setup::exclusive(deps) => Some(l?),
            _ = cancel.cancelled() => return Err(nothing_undone(Error::Interrupted)),
        }
    };
    let entry = journal
        .latest_undoable()
        .map_err(|e| journal.error(e))?
        .ok_or_else(|| Error::NothingToUndo(journal.dir.clone()))?;
    let mut inverse = entry.plan.inverse();
    // Skip the steps whose setting already holds the old value: a setup killed mid-way
    // (SIGKILL, power cut; its entry stays `applying`) never took them, and an undo
    // killed between its steps already reverted them.
    let mut pending = Vec::new();
    for c in inverse.changes {
        if !already_done(&c)? {
            pending.push(c);
        }
    }
    inverse.changes = pending;
    let kept: Vec<Change> = entry.plan.changes.iter().filter(|c| !c.is_reversible()).cloned().collect();
    // Refuse before touching anything if a setting was changed since.
    let mut changes = Vec::new();
    for c in &inverse.changes {
        if !still_as_planned(c)? {
            changes.push(c.describe());
        }
    }
    if !changes.is_empty() {
        return Err(Error::ChangedSince { changes });
    }
    if dry_run {
        return Ok(UndoReport { entry, reverted: inverse.changes, kept, dry_run });
    }
    let mut tx = Transaction::undo(deps, entry, cancel)?;
    for c in &inverse.changes {
        if let Err(e) = tx.step(c, None).await {
            return Err(tx.abort(e).await);
        }
    }
    let (entry, _) = tx.commit(EntryState::Undone).await?;
    Ok(UndoReport { entry, reverted: inverse.changes, kept, dry_run })
}

/// An undo that stopped before its first step.
fn nothing_undone(cause: Error) -> Error {
    Error::Stopped { cause: Box::new(cause), run: Run::Undo, changed: false, leftovers: Vec::new() }
}
