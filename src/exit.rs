//! Exit codes (CONTRACT.md), the same for both faces: the command line and the wizard.

/// Success, or healthy.
pub const OK: u8 = 0;
/// A check or fix found a problem it could not fix (or the wizard quit before Done).
pub const PROBLEM: u8 = 1;
/// Usage error or bad input.
pub const USAGE: u8 = 2;
/// Interrupted (Ctrl-C, SIGINT, SIGTERM, SIGHUP).
pub const INTERRUPTED: u8 = 130;
