//! The built-in sandbox: a fake GitHub API and a real `git http-backend` on loopback.
//!
//! [`Sandbox::start`] binds `127.0.0.1:0` and serves, on one port:
//! - the REST API under `/api/v3` and GraphQL at `/api/graphql` (like GitHub Enterprise Server),
//! - git smart HTTP at `/{owner}/{repo}.git/...`, served by the real `git http-backend`,
//! - a few web pages (`/orgs/{org}/sso`, `/settings/tokens/new`).
//!
//! Nothing here logs a token value.

mod api;
mod bare;
mod fault;
mod githttp;
mod handle;
pub mod scenario;
mod server;
mod state;
pub mod workstation;
pub mod world;

#[cfg(test)]
mod tests;

pub use fault::Fault;
pub use handle::Sandbox;
pub use workstation::{HelperKind, Workstation, WorkstationSpec};
pub use world::{World, WorldSpec};

pub(crate) use server::{Resp, Shared, response};

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// Options for [`Sandbox::start`].
#[derive(Debug, Clone, Default)]
pub struct SandboxOptions {
    /// Delay before answering every request (API and git).
    pub latency: Duration,
}

/// What a fake token may do.
#[derive(Debug, Clone)]
pub struct TokenSpec {
    pub login: String,
    pub kind: TokenKindSpec,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub enum TokenKindSpec {
    /// `ghp_…` with OAuth scopes such as `repo`, `workflow`, `public_repo`.
    Classic { scopes: Vec<String> },
    /// `github_pat_…` granted access to the listed repositories (`"owner/name"`).
    FineGrained { repos: Vec<(String, Access)> },
}

/// Repository contents permission of a fine-grained token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// One request as the sandbox saw it. Never contains a secret.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub method: String,
    /// Path and query.
    pub path: String,
    /// `"bearer"`, `"token"`, `"basic"`, `"none"` (or `"other"`).
    pub auth: &'static str,
    pub status: u16,
    /// When the request was received (before any latency).
    pub at: Instant,
}
