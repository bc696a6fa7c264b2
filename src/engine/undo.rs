//! `undo`: revert the last applied change set (remote URLs and config keys). A
//! forgotten stale password cannot come back, and the new token stays stored.

use crate::engine::Deps;
use crate::engine::apply::{apply_change, still_as_planned};
use crate::engine::journal::{Entry, EntryState, Journal};
use crate::error::Problem;
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

/// Revert the newest undoable change set.
pub async fn undo(deps: &Deps, dry_run: bool) -> Result<UndoReport, Problem> {
    let journal = Journal::new(&deps.env.state_dir);
    let mut entry = journal
        .latest_undoable()
        .map_err(|e| Problem::Journal { dir: journal.dir.clone(), message: e.to_string() })?
        .ok_or_else(|| Problem::NothingToUndo(journal.dir.clone()))?;
    let inverse = entry.plan.inverse();
    let kept: Vec<Change> = entry.plan.changes.iter().filter(|c| !c.is_reversible()).cloned().collect();
    // Refuse before touching anything if a setting was changed since.
    let mut conflicts = Vec::new();
    for c in &inverse.changes {
        if !still_as_planned(c)? {
            conflicts.push(c.describe());
        }
    }
    if !conflicts.is_empty() {
        return Err(Problem::UndoConflict(format!(
            "not undoing: changed since git-reauth set it: {}",
            conflicts.join("; ")
        )));
    }
    if !dry_run {
        for c in &inverse.changes {
            apply_change(deps, c, None).await?;
        }
        entry.state = EntryState::Undone;
        journal.write(&entry).map_err(|e| Problem::Journal { dir: journal.dir.clone(), message: e.to_string() })?;
    }
    Ok(UndoReport { entry, reverted: inverse.changes, kept, dry_run })
}
