//! Pure logic: no I/O, no async, no global state. Everything here is unit tested
//! beside the code and property tested where it parses untrusted text.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod account;
pub mod credential;
pub mod diagnosis;
pub mod helper_protocol;
pub mod helpers;
pub mod host;
pub mod keyring;
pub mod kind;
pub mod line_edit;
pub mod percent;
pub mod plan;
#[cfg(test)]
mod props;
pub mod remote;
pub mod repo;
pub mod request;
pub mod scan;
pub mod scan_report;
pub mod scopes;
pub mod scrub;
pub mod ssh;
pub mod storage;
pub mod text;
pub mod token;
