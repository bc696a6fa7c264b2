//! The states the tests start from: the gallery's (also drawn as the README's
//! screenshots), without colour, so snapshots hold text.

pub use crate::tui::gallery::*;
