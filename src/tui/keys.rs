//! Which key does what, one table per screen. The status bar is drawn from the same
//! tables, so it always shows exactly the keys that work.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{Action, Msg, Screen, Scroll, State, VerifyState};

/// A key as the tables name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Enter,
    Esc,
    Char(char),
    Ctrl(char),
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Backspace,
}

impl Key {
    pub fn name(self) -> String {
        match self {
            Key::Enter => "Enter".into(),
            Key::Esc => "Esc".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Up => "↑".into(),
            Key::Down => "↓".into(),
            Key::PageUp => "PgUp".into(),
            Key::PageDown => "PgDn".into(),
            Key::Home => "Home".into(),
            Key::End => "End".into(),
            Key::Backspace => "Backspace".into(),
        }
    }

    fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match (self, ev.code) {
            (Key::Enter, KeyCode::Enter) => true,
            (Key::Esc, KeyCode::Esc) => true,
            (Key::Up, KeyCode::Up | KeyCode::BackTab) => true,
            (Key::Down, KeyCode::Down | KeyCode::Tab) => true,
            (Key::Backspace, KeyCode::Backspace) => true,
            (Key::PageUp, KeyCode::PageUp) => true,
            (Key::PageDown, KeyCode::PageDown) => true,
            (Key::Home, KeyCode::Home) => true,
            (Key::End, KeyCode::End) => true,
            (Key::Ctrl(k), KeyCode::Char(c)) => ctrl && c.eq_ignore_ascii_case(&k),
            (Key::Char(k), KeyCode::Char(c)) => !ctrl && c == k,
            _ => false,
        }
    }
}

/// One row of a table: the key, what it does, and its hint in the status bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    pub key: Key,
    pub action: Action,
    pub label: &'static str,
    /// Works but is not listed (the status bar is short; `q` already says "quit").
    pub hidden: bool,
}

const fn b(key: Key, action: Action, label: &'static str) -> Binding {
    Binding { key, action, label, hidden: false }
}

const CTRL_C: Binding = Binding { key: Key::Ctrl('c'), action: Action::Interrupt, label: "quit", hidden: true };
const QUIT: Binding = b(Key::Char('q'), Action::Quit, "quit");

/// The keys of the current screen, in status-bar order.
pub fn bindings(s: &State) -> Vec<Binding> {
    let mut t = match s.screen {
        Screen::Diagnosis => {
            let label = if s.healthy() { "rotate the token" } else { "create a token" };
            vec![b(Key::Enter, Action::Forward, label), QUIT]
        }
        Screen::Create => vec![
            b(Key::Enter, Action::Forward, "I have my token"),
            b(Key::Char('o'), Action::Open, "open"),
            b(Key::Char('c'), Action::Copy, "copy"),
            b(Key::Char('f'), Action::FineGrained, if s.fine_grained { "classic" } else { "fine-grained" }),
            b(Key::Esc, Action::Back, "back"),
            QUIT,
        ],
        Screen::Paste if s.demo.is_some() && s.field.is_empty() => vec![
            b(Key::Char('p'), Action::PasteDemo, "paste the demo token"),
            b(Key::Esc, Action::Back, "back"),
            Binding { hidden: false, ..CTRL_C },
        ],
        Screen::Paste => vec![
            b(Key::Enter, Action::Forward, "verify"),
            b(Key::Esc, Action::Back, "back"),
            b(Key::Ctrl('u'), Action::ClearField, "clear"),
            Binding { key: Key::Backspace, action: Action::Backspace, label: "delete", hidden: true },
            // `q` is text here.
            Binding { hidden: false, ..CTRL_C },
        ],
        Screen::Verify => match &s.verify {
            VerifyState::Passed { .. } => {
                vec![b(Key::Enter, Action::Forward, "continue"), b(Key::Esc, Action::Back, "back"), QUIT]
            }
            VerifyState::Failed { failure: f, .. } => {
                let back = if f.storage { "choose another storage" } else { "paste another token" };
                let mut t = vec![b(Key::Esc, Action::Back, back)];
                if f.sso_url.is_some() {
                    t.push(b(Key::Char('o'), Action::Open, "open the SSO link"));
                }
                t.push(b(Key::Char('r'), Action::Recheck, "check again"));
                if f.bind.is_some() {
                    t.push(b(Key::Char('b'), Action::Bind(crate::model::account::Bind::Config), "bind"));
                    t.push(b(Key::Char('u'), Action::Bind(crate::model::account::Bind::Url), "bind in the URL"));
                }
                if f.new_token {
                    t.push(b(Key::Char('n'), Action::NewToken, "create a new token"));
                }
                t.push(QUIT);
                t
            }
            VerifyState::Running { .. } | VerifyState::Idle => vec![b(Key::Esc, Action::Back, "back"), QUIT],
        },
        Screen::Remote => vec![
            b(Key::Enter, Action::Forward, "choose"),
            b(Key::Up, Action::Up, "up"),
            b(Key::Down, Action::Down, "down"),
            b(Key::Esc, Action::Back, "back"),
            QUIT,
        ],
        Screen::Credentials => {
            let mut t = vec![b(Key::Enter, Action::Forward, "apply these changes")];
            if s.store_choices().len() > 1 {
                t.push(b(Key::Up, Action::Up, "up"));
                t.push(b(Key::Down, Action::Down, "down"));
            }
            t.extend([b(Key::Esc, Action::Back, "back"), QUIT]);
            t
        }
        Screen::Apply if s.apply.running().is_some() => vec![b(Key::Char('q'), Action::Quit, "stop and roll back")],
        Screen::Apply => vec![b(Key::Esc, Action::Back, "back"), QUIT],
        Screen::Done => vec![b(Key::Enter, Action::Forward, "exit"), QUIT],
    };
    if s.scroll_max.get() > 0 {
        // The lines do not fit: PgUp/PgDn, Home/End scroll; ↑/↓ too where they pick nothing.
        let hide = |b: Binding| Binding { hidden: true, ..b };
        t.insert(0, b(Key::PageDown, Action::Scroll(Scroll::PageDown), "scroll"));
        t.push(hide(b(Key::PageUp, Action::Scroll(Scroll::PageUp), "scroll up")));
        t.push(hide(b(Key::Home, Action::Scroll(Scroll::Top), "top")));
        t.push(hide(b(Key::End, Action::Scroll(Scroll::Bottom), "bottom")));
        if !t.iter().any(|b| matches!(b.key, Key::Up | Key::Down)) {
            t.push(hide(b(Key::Up, Action::Scroll(Scroll::Up), "scroll up")));
            t.push(hide(b(Key::Down, Action::Scroll(Scroll::Down), "scroll down")));
        }
    }
    if !t.iter().any(|b| b.key == CTRL_C.key) {
        t.push(CTRL_C);
    }
    t
}

/// Turn a key press into a message: the screen's table first, then typing into the
/// token field on the Paste screen.
pub fn to_msg(s: &State, ev: &KeyEvent) -> Option<Msg> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    if let Some(b) = bindings(s).iter().find(|b| b.key.matches(ev)) {
        return Some(Msg::Action(b.action));
    }
    let typing = !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match ev.code {
        KeyCode::Char(c) if s.screen == Screen::Paste && typing && !c.is_control() => Some(Msg::Input(c)),
        _ => None,
    }
}

/// The status bar: `Enter create a token · q quit`.
pub fn hints(s: &State) -> Vec<(String, &'static str)> {
    bindings(s).into_iter().filter(|b| !b.hidden).map(|b| (b.key.name(), b.label)).collect()
}
