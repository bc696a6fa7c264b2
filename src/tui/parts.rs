//! The pieces of the wizard's state: what was learned, what the user chose, what is
//! in flight, and failures as they are shown.

use crate::engine::setup::Applied;
use crate::error::Problem;

/// The id of one request for async work.
pub type Req = u64;

/// What the local setup looks like, learned before the doctor's network checks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Local {
    /// `owner/name` of the remote's repository.
    pub repo: Option<String>,
    pub owner: Option<String>,
    pub remote: Option<String>,
    pub workdir: Option<String>,
    /// The remote is SSH (as written or forced by insteadOf).
    pub uses_ssh: bool,
}

/// The Remote screen's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteChoice {
    SwitchToHttps,
    KeepSsh,
}

/// Where the token goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreChoice {
    /// Replace the stale entry in the helper that answers now (by name).
    ReplaceInHelper(String),
    /// The OS keyring through git-reauth's own helper, for this host only.
    Keyring,
    /// git's memory cache for this host (forgotten after a day).
    Cache,
    /// git's plaintext store file for this host (0600).
    File,
}

impl StoreChoice {
    /// What `prepare` is asked for.
    pub fn engine(&self) -> crate::engine::setup::StoreChoice {
        match self {
            StoreChoice::ReplaceInHelper(_) => crate::engine::setup::StoreChoice::Helper,
            StoreChoice::Keyring => crate::engine::setup::StoreChoice::Keyring,
            StoreChoice::Cache => crate::engine::setup::StoreChoice::Cache,
            StoreChoice::File => crate::engine::setup::StoreChoice::File,
        }
    }
}

/// `git-reauth demo`: the token it offers (fake: showing it is fine) and the real
/// `git push` it runs at Done.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoState {
    pub token: String,
    pub push: Option<PushState>,
}

/// The demo's final `git push`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushState {
    Running,
    Done { ok: bool, output: String },
}

/// The Verify screen's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Account,
    Scopes,
    Expiry,
    RepoAccess,
    Sso,
}

impl Step {
    pub const ALL: [Step; 5] = [Step::Account, Step::Scopes, Step::Expiry, Step::RepoAccess, Step::Sso];
    pub fn label(self) -> &'static str {
        match self {
            Step::Account => "account",
            Step::Scopes => "scopes",
            Step::Expiry => "expiry",
            Step::RepoAccess => "repository access",
            Step::Sso => "SSO",
        }
    }
}

/// A failure, as shown: what it means, what to do, and where it points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub hint: Option<String>,
    /// The Verify step that failed (`None`: not one of the steps).
    pub step: Option<Step>,
    pub sso_url: Option<String>,
    /// A new token would fix it.
    pub new_token: bool,
    /// ... and it should be a fine-grained one.
    pub fine_grained: bool,
    /// The chosen storage (the OS keyring) is unavailable: the token itself is fine.
    pub storage: bool,
}

impl From<&Problem> for Failure {
    fn from(p: &Problem) -> Failure {
        let (step, new_token, fine_grained) = match p {
            Problem::TokenRejected | Problem::BadToken(_) => (Some(Step::Account), true, false),
            Problem::MissingScope { .. } => (Some(Step::Scopes), true, false),
            Problem::RepoNotVisible { .. } => (Some(Step::RepoAccess), true, false),
            Problem::ReadOnly { .. } => (Some(Step::RepoAccess), true, true),
            Problem::NoWriteRole { .. } => (Some(Step::RepoAccess), false, false),
            Problem::SsoRequired { .. } => (Some(Step::Sso), false, false),
            _ => (None, false, false),
        };
        let sso_url = match p {
            Problem::SsoRequired { url, .. } => url.clone(),
            _ => None,
        };
        // The hints are written for `setup`; here the next step is on screen.
        let hint = p.hint().map(|h| h.replace(" and run setup again", "").replace(", then run setup again", ""));
        let storage = matches!(p, Problem::Keyring(_));
        Failure { message: p.to_string(), hint, step, sso_url, new_token, fine_grained, storage }
    }
}

/// The Verify screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyState {
    Idle,
    Running,
    Passed,
    Failed(Failure),
}

/// The Apply screen.
#[derive(Debug, Default)]
pub struct ApplyState {
    /// The plan's changes done so far.
    pub changed: usize,
    pub verified: Vec<String>,
    pub applied: Option<Applied>,
    pub failure: Option<Failure>,
    /// Quit with this code once the apply has finished or rolled back.
    pub quit_when_done: Option<u8>,
}

/// Requests in flight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InFlight {
    pub diagnose: Option<Req>,
    pub verify: Option<Req>,
    pub apply: Option<Req>,
    pub open: bool,
}
