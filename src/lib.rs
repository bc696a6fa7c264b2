//! git-reauth: get from `fatal: Authentication failed` back to a working `git push`.
//!
//! Layers (see STYLE.md): `model` is pure; `git`, `github`, `store` (the OS keyring) are the edges; `helper` is
//! the git credential helper on top of `store`; `engine`
//! runs observe → diagnose → plan → apply → verify on them; `commands` renders.

pub mod cli;
pub mod commands;
pub mod engine;
pub mod env;
pub mod exit;
pub mod git;
pub mod github;
pub mod harden;
pub mod helper;
pub mod model;
pub mod sandbox;
pub mod store;
pub mod tui;
