//! The terminal: refuse without a tty, enter raw mode and the alternate screen with
//! bracketed paste, and restore everything on every way out (including a panic).

use std::io::IsTerminal;

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;

use crate::error::Problem;

/// Owns the terminal while the wizard runs; dropping it restores the terminal.
pub struct Tui {
    pub terminal: DefaultTerminal,
}

/// Both ends must be a terminal: keys come from stdin, frames go to stdout.
pub fn has_tty() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Take over the terminal.
pub fn init() -> Result<Tui, Problem> {
    if !has_tty() {
        return Err(Problem::NotATerminal);
    }
    // Our hook runs after ratatui's (which restores the screen first): it turns
    // bracketed paste off again, then the previous hook prints the panic.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        previous(info);
    }));
    let terminal = ratatui::try_init().map_err(|e| Problem::Other(format!("cannot set up the terminal: {e}")))?;
    let tui = Tui { terminal };
    execute!(std::io::stdout(), EnableBracketedPaste)
        .map_err(|e| Problem::Other(format!("cannot set up the terminal: {e}")))?;
    Ok(tui)
}

impl Drop for Tui {
    fn drop(&mut self) {
        // Never panic here: report nothing, restore what can be restored.
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        let _ = self.terminal.show_cursor();
        let _ = ratatui::try_restore();
    }
}
