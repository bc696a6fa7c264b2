//! The states the tests start from: the gallery's (also drawn as the README's
//! screenshots), without colour, so snapshots hold text.

pub use crate::tui::gallery::*;

use crate::tui::app::{Action, Effect, Msg, Screen, State, update};
use crate::tui::secret::SecretBuf;

pub fn act(s: &mut State, a: Action) -> Vec<Effect> {
    update(s, Msg::Action(a))
}

pub fn quit_code(fx: &[Effect]) -> Option<u8> {
    fx.iter().find_map(|e| match e {
        Effect::Quit(c) => Some(*c),
        _ => None,
    })
}

/// Paste → Enter: the Verify request id.
pub fn verify_req(s: &mut State) -> u64 {
    s.screen = Screen::Paste;
    s.field = SecretBuf::from_text(&fake_token());
    let fx = act(s, Action::Forward);
    match fx.as_slice() {
        [Effect::Verify { req, .. }] => *req,
        other => panic!("expected one Verify, got {other:?}"),
    }
}
