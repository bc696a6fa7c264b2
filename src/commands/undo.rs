//! `git-reauth undo`.

use tokio_util::sync::CancellationToken;

use crate::cli::UndoArgs;
use crate::engine::Deps;
use crate::engine::undo::undo;
use crate::exit;
use crate::model::plan::Change;

use super::{Problem, Style, out};

pub async fn run(deps: &Deps, args: UndoArgs, cancel: &CancellationToken) -> Result<u8, Problem> {
    let r = undo(deps, args.dry_run, cancel).await?;
    let s = Style::stdout();
    let mut text = format!(
        "{} change set {} ({})\n",
        if r.dry_run { "Would revert" } else { "Reverted" },
        r.entry.id,
        r.entry.host
    );
    if r.reverted.is_empty() {
        text.push_str("  (no remote or config changes to revert)\n");
    }
    for c in &r.reverted {
        // The journal never held the secret: the setting comes back without it.
        let without = match (c.sets_scrubbed_value(), r.dry_run) {
            (false, _) => "",
            (true, true) => " (would be restored without the secret it held)",
            (true, false) => " (restored without the secret it held)",
        };
        text.push_str(&format!("  {} {}{without}\n", s.ok(if r.dry_run { "-" } else { "✓" }), c.describe()));
    }
    for why in &r.inexact {
        text.push_str(&format!("  Not byte for byte: {why}\n"));
    }
    if !r.kept.is_empty() {
        text.push_str("Not reverted (credentials):\n");
        for c in &r.kept {
            text.push_str(&format!("  - {}\n", c.describe()));
        }
        text.push_str(
            "  The stale password that was forgotten cannot be restored (it no longer worked); the new token stays\n  stored.",
        );
        let stored = r.kept.iter().find_map(|c| match c {
            Change::StoreCredential { protocol, host, .. } => Some((protocol, host)),
            _ => None,
        });
        if let Some((protocol, host)) = stored {
            text.push_str(&format!(
                " Remove it with: printf 'protocol={protocol}\\nhost={host}\\n\\n' | git credential reject"
            ));
        }
        text.push('\n');
    }
    if r.dry_run {
        text.push_str("Dry run: nothing was changed.\n");
    }
    out(&text)?;
    Ok(exit::OK)
}
