//! The wizard's screens and the actions keys ask for.

/// The screens, in the order the wizard walks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Diagnosis,
    Create,
    Paste,
    Verify,
    Remote,
    Credentials,
    Apply,
    Done,
}

impl Screen {
    /// Every screen, in the order the wizard walks them.
    pub const ALL: [Screen; 8] = [
        Screen::Diagnosis,
        Screen::Create,
        Screen::Paste,
        Screen::Verify,
        Screen::Remote,
        Screen::Credentials,
        Screen::Apply,
        Screen::Done,
    ];

    /// The screen's place in the walk, from 1.
    pub fn step(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).map_or(0, |i| i + 1)
    }

    pub fn title(self) -> &'static str {
        match self {
            Screen::Diagnosis => "Diagnosis",
            Screen::Create => "Create a token",
            Screen::Paste => "Paste the token",
            Screen::Verify => "Verify the token",
            Screen::Remote => "Remote",
            Screen::Credentials => "Credentials",
            Screen::Apply => "Apply",
            Screen::Done => "Done",
        }
    }
}

/// What a key asks for; `keys.rs` decides which key means what on which screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Enter: the highlighted, forward action.
    Forward,
    /// Esc: one screen back.
    Back,
    /// `q`: quit (exit 1 before Done).
    Quit,
    /// Ctrl-C: stop what is in flight and quit (exit 130).
    Interrupt,
    Open,
    Copy,
    /// Toggle the classic / fine-grained creation URL.
    FineGrained,
    /// Check the same token again (after authorizing SSO, or a network error).
    Recheck,
    /// Back to Create, with the kind of token the failure asks for.
    NewToken,
    /// Check again, binding the repository to the token's account (a local
    /// `credential.<host>.username`, or the user name in the remote URL).
    Bind(crate::model::account::Bind),
    Up,
    Down,
    Backspace,
    /// Scroll a screen whose lines do not fit.
    Scroll(Scroll),
    ClearField,
    /// The demo only: put its token in the field.
    PasteDemo,
}

/// Which way to scroll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scroll {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}
