//! `undo`: revert the last applied change set (remote URLs and config keys), all or
//! nothing. A forgotten stale password cannot come back, and the new token stays stored.

use tokio_util::sync::CancellationToken;

use crate::engine::Deps;
use crate::engine::apply::{already_done, apply_change, roll_back, still_as_planned};
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

/// Revert the newest undoable change set, all or nothing: when a step fails, or
/// `cancel` fires, the steps already taken are put back and the set stays undoable.
pub async fn undo(deps: &Deps, dry_run: bool, cancel: &CancellationToken) -> Result<UndoReport, Problem> {
    // Not while another run changes the setup (nor two undos at once).
    let _lock = if dry_run {
        None
    } else {
        tokio::select! {
            l = crate::engine::setup::exclusive(deps) => Some(l?),
            _ = cancel.cancelled() => return Err(Problem::UndoFailed(Box::new(Problem::Interrupted))),
        }
    };
    let journal = Journal::new(&deps.env.state_dir);
    let journal_err = |e: std::io::Error| Problem::Journal { dir: journal.dir.clone(), message: e.to_string() };
    let mut entry =
        journal.latest_undoable().map_err(journal_err)?.ok_or_else(|| Problem::NothingToUndo(journal.dir.clone()))?;
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
        let mut reverted: Vec<Change> = Vec::new();
        let mut failure = None;
        for c in &inverse.changes {
            if cancel.is_cancelled() {
                failure = Some(Problem::Interrupted);
                break;
            }
            match apply_change(deps, c, None).await {
                Ok(()) => reverted.push(c.clone()),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        if failure.is_none() {
            entry.state = EntryState::Undone;
            if let Err(e) = journal.write(&entry) {
                failure = Some(journal_err(e));
            }
        }
        if let Some(problem) = failure {
            // Put back what was reverted, so the change set is whole and still undoable.
            let leftovers = roll_back(deps, &reverted, None).await;
            return Err(if leftovers.is_empty() {
                Problem::UndoFailed(Box::new(problem))
            } else {
                Problem::Other(format!(
                    "{problem}; putting the reverted steps back also failed for: {}",
                    leftovers.join("; ")
                ))
            });
        }
    }
    Ok(UndoReport { entry, reverted: inverse.changes, kept, dry_run })
}
