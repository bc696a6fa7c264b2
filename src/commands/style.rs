//! Terminal colour, only when the stream is a terminal and `NO_COLOR` is unset.

use std::io::IsTerminal;

/// Colours for one output stream.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn new(color: bool) -> Style {
        Style { color }
    }
    fn wants(is_tty: bool) -> bool {
        is_tty
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var("TERM").map_or(true, |t| t != "dumb")
    }
    pub fn stdout() -> Style {
        Style::new(Self::wants(std::io::stdout().is_terminal()))
    }
    pub fn stderr() -> Style {
        Style::new(Self::wants(std::io::stderr().is_terminal()))
    }
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
    pub fn ok(&self, t: &str) -> String {
        self.paint("32", t)
    }
    pub fn warn(&self, t: &str) -> String {
        self.paint("33", t)
    }
    pub fn fail(&self, t: &str) -> String {
        self.paint("31;1", t)
    }
    pub fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    pub fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
}
