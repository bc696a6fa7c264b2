//! `undo`: revert the last applied change set (remote URLs and config keys), all or
//! nothing. A forgotten stale password cannot come back, and the new token stays stored.

use tokio_util::sync::CancellationToken;

use crate::engine::apply::{Transaction, already_done, still_as_planned};
use crate::engine::error::Run;
use crate::engine::journal::{Entry, EntryState, Journal};
use crate::engine::{Deps, Error};
use crate::model::line_edit::LineEdit;
use crate::model::plan::{Change, Plan};

/// What `undo` did (or would do with `dry_run`).
#[derive(Clone, Debug)]
pub struct UndoReport {
    pub entry: Entry,
    pub reverted: Vec<Change>,
    /// Changes that are not reverted (credentials).
    pub kept: Vec<Change>,
    pub dry_run: bool,
    /// Config changes written back by value, not byte for byte, and why (the file was
    /// changed since where setup edited it, or the journal holds no edit for it).
    pub inexact: Vec<String>,
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
    // The inverse of each reversible change, last first, with the exact reverse of the
    // line edit the fix made to its file (when the entry recorded one).
    let steps: Vec<(Change, Option<LineEdit>)> = entry
        .plan
        .changes
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, c)| Some((c.inverse()?, entry.edit(i).map(LineEdit::reversed))))
        .collect();
    // Skip the steps whose setting already holds the old value: a setup killed mid-way
    // (SIGKILL, power cut; its entry stays `applying`) never took them, and an undo
    // killed between its steps already reverted them.
    let mut pending = Vec::new();
    for (c, edit) in steps {
        if !already_done(&c)? {
            pending.push((c, edit));
        }
    }
    let inverse = Plan { changes: pending.iter().map(|(c, _)| c.clone()).collect() };
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
        return Ok(UndoReport { entry, reverted: inverse.changes, kept, dry_run, inexact: Vec::new() });
    }
    let mut tx = Transaction::undo(deps, entry, cancel)?;
    for (c, edit) in &pending {
        if let Err(e) = tx.step_back(c, edit.as_ref()).await {
            return Err(tx.abort(e).await);
        }
    }
    let inexact = tx.inexact().to_vec();
    let (entry, _) = tx.commit(EntryState::Undone).await?;
    Ok(UndoReport { entry, reverted: inverse.changes, kept, dry_run, inexact })
}

/// An undo that stopped before its first step.
fn nothing_undone(cause: Error) -> Error {
    Error::Stopped { cause: Box::new(cause), run: Run::Undo, changed: false, leftovers: Vec::new() }
}
