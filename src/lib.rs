//! git-reauth: get from `fatal: Authentication failed` back to a working `git push`.
//!
//! Layers (see STYLE.md): `model` is pure; `git`, `github` are the edges; `engine`
//! runs observe → diagnose → plan → apply → verify on them; `commands` renders.

pub mod cli;
pub mod commands;
pub mod engine;
pub mod env;
pub mod error;
pub mod git;
pub mod github;
pub mod model;
pub mod sandbox;
pub mod tui;
