//! The terminal: refuse without a tty, enter raw mode and the alternate screen with
//! bracketed paste, and restore everything on every way out (including a panic).

use std::io::IsTerminal;

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;

/// Why the wizard could not use the terminal.
#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    /// stdin or stdout is not a terminal.
    #[error("no terminal")]
    NotATerminal,
    #[error("cannot set up the terminal: {0}")]
    Setup(std::io::Error),
    #[error("cannot draw the wizard: {0}")]
    Draw(std::io::Error),
}

/// Owns the terminal while the wizard runs; dropping it restores the terminal.
pub struct Tui {
    pub terminal: DefaultTerminal,
}

/// Both ends must be a terminal: keys come from stdin, frames go to stdout.
pub fn has_tty() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Take over the terminal.
pub fn init() -> Result<Tui, TerminalError> {
    if !has_tty() {
        return Err(TerminalError::NotATerminal);
    }
    // Our hook runs after ratatui's (which restores the screen first): it turns
    // bracketed paste off again, then the previous hook prints the panic.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableBracketedPaste);
        previous(info);
    }));
    let terminal = ratatui::try_init().map_err(TerminalError::Setup)?;
    let tui = Tui { terminal };
    execute!(std::io::stdout(), EnableBracketedPaste).map_err(TerminalError::Setup)?;
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
