//! The pieces of the wizard's state: what was learned, what the user chose, what is
//! in flight, and failures as they are shown.

use crate::engine::setup::{Applied, Prepared};
use crate::model::token::Token;

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
    /// A rollback could not take back every step (the message lists them).
    pub leftovers: bool,
    /// git sends another login for this repository: binding it to this login (the
    /// token's) would fix it (`b`, `u` on Verify).
    pub bind: Option<String>,
}

/// The Verify screen: what is known about the token at each stage. The token and
/// GitHub's answer travel together, so a passed check always has its plan.
#[derive(Debug)]
pub enum VerifyState {
    /// No token submitted yet.
    Idle,
    /// GitHub is being asked (request `req`).
    Running { req: Req, token: Token },
    /// The token works; this is the plan for it.
    Passed { token: Token, prepared: Box<Prepared> },
    /// The token (or the chosen storage) does not work; the token is kept for `r`.
    Failed { token: Token, failure: Failure },
}

impl VerifyState {
    /// The token submitted, in any stage but `Idle`.
    pub fn token(&self) -> Option<&Token> {
        match self {
            VerifyState::Idle => None,
            VerifyState::Running { token, .. }
            | VerifyState::Passed { token, .. }
            | VerifyState::Failed { token, .. } => Some(token),
        }
    }

    /// The plan, once the token passed.
    pub fn prepared(&self) -> Option<&Prepared> {
        match self {
            VerifyState::Passed { prepared, .. } => Some(prepared),
            _ => None,
        }
    }

    /// Why the token or the storage was refused.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            VerifyState::Failed { failure, .. } => Some(failure),
            _ => None,
        }
    }

    /// The request in flight.
    pub fn running(&self) -> Option<Req> {
        match self {
            VerifyState::Running { req, .. } => Some(*req),
            _ => None,
        }
    }
}

/// The Apply screen: the steps ticked off so far and where the run stands.
#[derive(Debug, Default)]
pub struct ApplyState {
    /// The plan's changes done so far.
    pub changed: usize,
    pub verified: Vec<String>,
    pub stage: ApplyStage,
}

/// Where an apply stands.
#[derive(Debug, Default)]
pub enum ApplyStage {
    #[default]
    NotStarted,
    /// Request `req` runs; quit with `quit_when_done` once it has finished or rolled back.
    Running {
        req: Req,
        quit_when_done: Option<u8>,
    },
    Applied(Box<Applied>),
    /// Stopped and rolled back.
    Failed(Failure),
}

impl ApplyState {
    /// The request in flight.
    pub fn running(&self) -> Option<Req> {
        match self.stage {
            ApplyStage::Running { req, .. } => Some(req),
            _ => None,
        }
    }

    pub fn applied(&self) -> Option<&Applied> {
        match &self.stage {
            ApplyStage::Applied(a) => Some(a),
            _ => None,
        }
    }

    pub fn failure(&self) -> Option<&Failure> {
        match &self.stage {
            ApplyStage::Failed(f) => Some(f),
            _ => None,
        }
    }

    /// A quit is waiting for the run to end.
    pub fn quitting(&self) -> bool {
        matches!(self.stage, ApplyStage::Running { quit_when_done: Some(_), .. })
    }
}

/// Requests in flight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InFlight {
    pub diagnose: Option<Req>,
    pub open: bool,
}
