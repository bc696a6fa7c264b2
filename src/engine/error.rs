//! How the engine fails, in domain terms: what is wrong, never what to type next. No
//! flag names, hints or exit codes here; `commands/` turns an [`Error`] into one line,
//! a hint and an exit code, the wizard into its own words.

use std::path::PathBuf;

use crate::engine::journal::LockError;
use crate::env::state::Untrusted;
use crate::git::{ConfigFileError, GitError};
use crate::github::ApiError;
use crate::model::keyring::KeyringUnavailable;
use crate::model::kind::{Kind, describe_permissions};

/// Every way an engine entry point can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // --- the input ---
    /// The value cannot be a token (the lint's first fatal finding).
    #[error("{0}")]
    BadToken(String),
    #[error("not inside a git repository ({0})")]
    NotInRepo(PathBuf),
    #[error("this repository has no remote named `{0}`")]
    RemoteMissing(String),
    #[error("this repository has no remotes")]
    NoRemotes,
    #[error("remote `{remote}` ({url}) is not a repository on {host}")]
    NotGitHubRemote { remote: String, url: String, host: String },

    // --- which account ---
    /// git sends another GitHub login than the token's for this repository (pinned by
    /// the URL or the config, or the login a helper hands out that still works).
    #[error("git sends the login `{pinned}` for {target} (from {source_of}), but the token belongs to `{login}`")]
    AccountMismatch { pinned: String, source_of: String, login: String, target: String, by_helper: bool },
    /// The binding would not change what git sends (something later in git's config
    /// order pins another user name).
    #[error("binding {target} to `{login}` would not hold: git would still send `{sends}` (from {source_of})")]
    BindWouldNotHold { target: String, login: String, sends: String, source_of: String },
    /// git would not ask its helpers for the remote (a config key it stops at).
    #[error("{0}")]
    CredentialConfig(crate::model::request::RequestError),

    // --- git ---
    #[error("git is not installed or not on PATH")]
    GitMissing,
    #[error("git {0} is too old; git-reauth needs git 2.30 or newer")]
    GitTooOld(String),
    #[error("git does not run: {0}")]
    GitBroken(String),
    #[error("{0}")]
    Git(#[from] GitError),
    #[error("{0}")]
    Config(#[from] ConfigFileError),
    #[error("cannot find your global git config (HOME is not set)")]
    NoGlobalConfig,
    #[error("cannot find the git-reauth program")]
    NoProgram,

    // --- GitHub's answer about the token ---
    #[error("GitHub rejected this token (Bad credentials): it is revoked, expired or mistyped")]
    TokenRejected,
    #[error("the token lacks the `{needed}` scope (it has: {have})")]
    MissingScope { needed: String, have: String, create_url: String },
    /// A fine-grained token without Contents: write for the repository.
    #[error("this token grants Contents: read on {repo}, so git can fetch but cannot push")]
    ReadOnly { repo: String, create_url: String },
    #[error("{login} has no write access to {repo}")]
    NoWriteRole { repo: String, login: String },
    #[error("GitHub refuses pushes to {repo}: {message}")]
    PushRefused { repo: String, message: String },
    /// 404 for the token: private and not granted to it, or mistyped. `login`: whom the
    /// token belongs to (often the cause: a token of another account).
    #[error("{repo} is not visible with this token, which belongs to {login}")]
    /// `fine_grained`: the token is fine-grained (it sees only what it was granted, and an
    /// organization's private repositories only once approved, when the organization
    /// requires it; GitHub answers 404 either way).
    RepoNotVisible { repo: String, login: String, fine_grained: bool, create_url: String },
    /// The owner forbids personal access tokens (classic); `message` is GitHub's own.
    #[error("{}", classic_forbidden(.owner, .message))]
    ClassicTokenForbidden { owner: String, message: String, create_url: String },
    /// "Resource not accessible by personal access token": a fine-grained permission is
    /// missing (`needs`, in GitHub's `name=level` form, when it said which).
    #[error("GitHub says \"Resource not accessible by personal access token\" for {repo}{}", needs_text(.needs))]
    PermissionMissing { repo: String, needs: Option<String>, create_url: String },
    #[error("the organization that owns {repo} requires SSO authorization for this token")]
    SsoRequired { repo: String, url: Option<String> },
    /// The API gave no answer about the token (network, rate limit, server).
    #[error("{0}")]
    Api(ApiError),

    // --- where the token goes ---
    #[error("no credential helper is configured for {host}, so git cannot remember a token")]
    NoHelper { host: String },
    #[error("{0}")]
    Keyring(KeyringUnavailable),

    // --- the proof after applying ---
    /// Another helper hands out a different credential before the new token.
    #[error("the fix did not hold: {helper} still answers first with a different credential")]
    OtherCredentialFirst { helper: String },
    /// git's store helper could not write its file (its folder is read-only), so it
    /// still hands out the old credential.
    #[error("the fix did not hold: the {helper} helper cannot write to {}, so it still hands out the old credential", dir.display())]
    StoreNotWritable { helper: String, dir: PathBuf },
    /// After the store, a helper hands out another account's login first for the
    /// request (a cache answers the oldest entry first): the repository must be bound.
    #[error("the fix did not hold: {helper} answers first with the login `{login}`, not the token's")]
    OtherLoginFirst { helper: String, login: String },
    /// No helper hands out anything after the store.
    #[error(
        "the fix did not hold: no helper kept the token (a helper may have failed silently, e.g. a cache socket directory that is not 0700)"
    )]
    TokenNotKept,
    /// The helpers hand out the new token, but the live check through git failed
    /// (`command`: `git ls-remote origin`, `git push --dry-run origin …`).
    #[error("the fix did not hold: {command} failed: {message}")]
    LiveCheck { command: String, message: String },

    // --- the journal and the one-run-at-a-time lock ---
    /// No home to keep the journal in (it never goes into the working folder).
    #[error("nowhere to keep the undo journal: neither XDG_STATE_HOME nor {} is set", if cfg!(windows) { "LOCALAPPDATA" } else { "HOME" })]
    NoStateDir,
    /// The state folder, its home or a lock in it could be changed by someone else.
    #[error("refusing to use {}: {why}", path.display())]
    StateNotPrivate { path: PathBuf, why: Untrusted },
    #[error("cannot write the undo journal in {dir}: {message}")]
    Journal { dir: PathBuf, message: String },
    #[error("{0}; refusing to run at the same time")]
    Busy(LockError),
    #[error("nothing to undo: no applied change set in {0}")]
    NothingToUndo(PathBuf),
    /// A setting no longer holds the value a change expects to replace.
    #[error("cannot {change}: the current value is different from what was planned")]
    Conflict { change: String },
    /// `undo` refuses: these settings were changed after git-reauth set them.
    #[error("not undoing: changed since git-reauth set it: {}", .changes.join("; "))]
    ChangedSince { changes: Vec<String> },
    /// The setup changed between the plan the user saw and the moment to apply it.
    #[error("the setup changed since the plan was shown (another program changed the remote or the git config)")]
    PlanChanged,

    // --- stopped ---
    #[error("interrupted")]
    Interrupted,
    /// A transaction stopped (a step failed, or it was interrupted) and took back
    /// the steps it had taken; `leftovers` are those it could not take back.
    #[error("{cause}")]
    Stopped { cause: Box<Error>, run: Run, changed: bool, leftovers: Vec<Leftover> },
}

/// What a transaction was doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    /// Applying a fix (`setup`, the wizard).
    Fix,
    /// Reverting a change set (`undo`).
    Undo,
}

/// A step a rollback could not take back, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leftover {
    /// The change, as the plan describes it.
    pub change: String,
    pub error: String,
}

impl std::fmt::Display for Leftover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.change, self.error)
    }
}

/// GitHub's words when they name the owner (its API's do), else the owner first (git's
/// "Personal access tokens (classic) are forbidden from accessing this repository." does not).
pub fn classic_forbidden(owner: &str, message: &str) -> String {
    if message.contains(owner) {
        format!("GitHub refuses this classic token: {message}")
    } else {
        format!("GitHub refuses this classic token for {owner}: {message}")
    }
}

fn needs_text(needs: &Option<String>) -> String {
    match needs {
        Some(n) => format!(": the token needs {}", describe_permissions(n)),
        None => String::new(),
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Error {
        match e {
            ApiError::BadCredentials => Error::TokenRejected,
            e => Error::Api(e),
        }
    }
}

impl Error {
    /// The failure itself, seen through a rollback.
    pub fn cause(&self) -> &Error {
        match self {
            Error::Stopped { cause, .. } => cause.cause(),
            e => e,
        }
    }

    /// The stable kind of the failure (of its cause, through a rollback): what scripts and
    /// tests match on instead of the words.
    pub fn kind(&self) -> Kind {
        match self.cause() {
            e if e.is_interrupted() => Kind::Interrupted,
            e if e.is_timeout() => Kind::HelperTimeout,
            Error::BadToken(_) => Kind::BadToken,
            Error::NotInRepo(_) => Kind::NotInRepo,
            Error::RemoteMissing(_) => Kind::RemoteMissing,
            Error::NoRemotes => Kind::NoRemotes,
            Error::NotGitHubRemote { .. } => Kind::NotGithubRemote,
            Error::AccountMismatch { .. } => Kind::AccountMismatch,
            Error::BindWouldNotHold { .. } => Kind::BindWouldNotHold,
            Error::CredentialConfig(_) => Kind::CredentialConfig,
            Error::GitMissing => Kind::GitMissing,
            Error::GitTooOld(_) => Kind::GitTooOld,
            Error::GitBroken(_) => Kind::GitBroken,
            Error::Git(_) | Error::Config(_) => Kind::GitFailed,
            Error::NoGlobalConfig => Kind::NoGlobalConfig,
            Error::NoProgram => Kind::NoProgram,
            Error::TokenRejected => Kind::TokenRejected,
            Error::MissingScope { .. } => Kind::MissingScope,
            Error::ReadOnly { .. } => Kind::ReadOnlyToken,
            Error::NoWriteRole { .. } => Kind::NoWriteRole,
            Error::PushRefused { .. } => Kind::PushRefused,
            Error::RepoNotVisible { .. } => Kind::RepoNotVisible,
            Error::ClassicTokenForbidden { .. } => Kind::ClassicTokenForbidden,
            Error::PermissionMissing { .. } => Kind::PermissionMissing,
            Error::SsoRequired { .. } => Kind::SsoRequired,
            Error::Api(e) => e.kind(),
            Error::NoHelper { .. } => Kind::NoHelper,
            Error::Keyring(_) => Kind::KeyringUnavailable,
            Error::OtherCredentialFirst { .. } => Kind::OtherCredentialFirst,
            Error::OtherLoginFirst { .. } => Kind::OtherLoginFirst,
            Error::TokenNotKept => Kind::TokenNotKept,
            Error::StoreNotWritable { .. } => Kind::StoreNotWritable,
            Error::LiveCheck { .. } => Kind::LiveCheckFailed,
            Error::NoStateDir => Kind::NoStateDir,
            Error::StateNotPrivate { .. } => Kind::StateNotPrivate,
            Error::Journal { .. } => Kind::StateNotWritable,
            Error::Busy(_) => Kind::Busy,
            Error::NothingToUndo(_) => Kind::NothingToUndo,
            Error::Conflict { .. } => Kind::Conflict,
            Error::ChangedSince { .. } => Kind::ChangedSince,
            Error::PlanChanged => Kind::PlanChanged,
            Error::Interrupted => Kind::Interrupted,
            // `cause()` never returns a stopped transaction.
            Error::Stopped { cause, .. } => cause.kind(),
        }
    }

    /// A git run (a credential helper waiting for input) was stopped by the timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self.cause(), Error::Git(GitError::Timeout { .. }))
    }

    /// The run was stopped by Ctrl-C or a signal (git's children count: the signal
    /// reaches the whole process group).
    pub fn is_interrupted(&self) -> bool {
        matches!(self.cause(), Error::Interrupted | Error::Git(GitError::Interrupted { .. }))
    }
}
