//! Every way a command can fail, in the user's terms: one line saying what is wrong,
//! a hint saying what to do, and the exit code class. Decided here and nowhere else.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::github::ApiError;

/// Exit codes (CONTRACT.md).
pub mod exit {
    pub const OK: u8 = 0;
    pub const PROBLEM: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INTERRUPTED: u8 = 130;
}

/// A failure the user can act on.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    // --- bad input (exit 2) ---
    #[error("{0}")]
    BadToken(String),
    #[error(
        "stdin holds more than one line; give exactly one token line (extra lines could inject credential-protocol input)"
    )]
    MultiLineInput,
    #[error("--token-stdin reads the token from a pipe, but stdin is a terminal")]
    StdinIsTty,
    #[error("not inside a git repository ({0})")]
    NotInRepo(PathBuf),
    #[error("this repository has no remote named `{0}`")]
    RemoteMissing(String),
    #[error("this repository has no remotes")]
    NoRemotes,
    #[error("remote `{remote}` ({url}) is not a repository on {host}")]
    NotGitHubRemote { remote: String, url: String, host: String },
    #[error("invalid --host-url: {0}")]
    BadHostUrl(String),
    #[error("the wizard needs a terminal (stdin and stdout); without one, use `git-reauth setup --token-stdin`")]
    NotATerminal,

    // --- found a problem it could not fix (exit 1) ---
    #[error("git is not installed or not on PATH")]
    GitMissing,
    #[error("git {0} is too old; git-reauth needs git 2.30 or newer")]
    GitTooOld(String),
    #[error("GitHub rejected this token (Bad credentials): it is revoked, expired or mistyped")]
    TokenRejected,
    #[error("the token lacks the `{needed}` scope (it has: {have})")]
    MissingScope { needed: String, have: String, create_url: String },
    #[error("the token can read {repo} but cannot push to it (write access not granted)")]
    ReadOnly { repo: String, create_url: String },
    #[error("{login} has no write access to {repo}")]
    NoWriteRole { repo: String, login: String },
    #[error("{repo} is not visible with this token")]
    RepoNotVisible { repo: String, create_url: String },
    #[error("the organization that owns {repo} requires SSO authorization for this token")]
    SsoRequired { repo: String, url: Option<String> },
    #[error("{0}")]
    Api(ApiError),
    #[error("no credential helper is configured for {host}, so git cannot remember a token")]
    NoHelper { host: String },
    #[error("{0}")]
    Keyring(crate::store::KeyringUnavailable),
    #[error("{0}")]
    Config(#[from] crate::git::ConfigFileError),
    #[error("{0}")]
    Git(#[from] crate::git::GitError),
    #[error("the fix did not hold: {message}")]
    Verify { message: String },
    /// The helpers hand out the new token, but the live `git ls-remote` failed.
    #[error("the fix did not hold: {message}")]
    LiveCheck { message: String },
    #[error("cannot write the undo journal in {dir}: {message}")]
    Journal { dir: PathBuf, message: String },
    #[error("{0}; refusing to run at the same time")]
    Busy(crate::engine::journal::LockError),
    #[error("nothing to undo: no applied change set in {0}")]
    NothingToUndo(PathBuf),
    #[error("{0}")]
    UndoConflict(String),
    /// `undo` stopped and put back the steps it had taken (the inner problem says why).
    #[error("{}", match .0.as_ref() { Problem::Interrupted => "interrupted; nothing was undone".to_string(), p => format!("{p}; nothing was undone") })]
    UndoFailed(Box<Problem>),
    #[error("{0}")]
    Other(String),

    // --- interrupted (exit 130) ---
    #[error("interrupted; nothing was changed")]
    Interrupted,
    #[error("interrupted; the changes already made were rolled back")]
    InterruptedRolledBack,
}

impl From<ApiError> for Problem {
    fn from(e: ApiError) -> Problem {
        match e {
            ApiError::BadCredentials => Problem::TokenRejected,
            e => Problem::Api(e),
        }
    }
}

impl Problem {
    /// The exit code class.
    pub fn exit_code(&self) -> u8 {
        match self {
            Problem::BadToken(_)
            | Problem::MultiLineInput
            | Problem::StdinIsTty
            | Problem::NotInRepo(_)
            | Problem::RemoteMissing(_)
            | Problem::NoRemotes
            | Problem::NotGitHubRemote { .. }
            | Problem::BadHostUrl(_)
            | Problem::NotATerminal => exit::USAGE,
            Problem::Interrupted | Problem::InterruptedRolledBack => exit::INTERRUPTED,
            Problem::UndoFailed(inner) => inner.exit_code(),
            _ => exit::PROBLEM,
        }
    }

    /// What to do next; one line.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Problem::BadToken(_) => "copy the token again from GitHub (it starts with ghp_ or github_pat_)".into(),
            Problem::MultiLineInput => "e.g. `printf '%s\\n' \"$TOKEN\" | git-reauth setup --token-stdin`".into(),
            Problem::StdinIsTty => "pipe the token in (`… | git-reauth setup --token-stdin`), or run `git-reauth` for the interactive wizard".into(),
            Problem::NotInRepo(_) => "cd into the repository, or drop --remote/--switch-remote to fix the host's credential only".into(),
            Problem::RemoteMissing(_) | Problem::NoRemotes => "list remotes with `git remote -v` and pick one with --remote NAME".into(),
            Problem::NotGitHubRemote { .. } => "pick a GitHub remote with --remote NAME, or point --host-url at your GitHub Enterprise host".into(),
            Problem::BadHostUrl(_) => "use e.g. --host-url https://github.example.com".into(),
            Problem::NotATerminal => "e.g. `printf '%s\\n' \"$TOKEN\" | git-reauth setup --token-stdin --switch-remote`".into(),
            Problem::GitMissing | Problem::GitTooOld(_) => "install git 2.30 or newer (https://git-scm.com/downloads)".into(),
            Problem::TokenRejected => "create a new token (the old one may have expired) and run setup again".into(),
            Problem::MissingScope { create_url, .. } => format!("create a classic token with the repo scope: {create_url}"),
            Problem::ReadOnly { create_url, .. } => {
                format!("give the token \"Contents: Read and write\" for this repository, or create one: {create_url}")
            }
            Problem::NoWriteRole { .. } => "ask an owner of the repository for write access, or push to your fork".into(),
            Problem::RepoNotVisible { create_url, .. } => format!(
                "check the owner/name; for a private repository the token needs the repo scope (classic) or access to this repository (fine-grained): {create_url}"
            ),
            Problem::SsoRequired { url, .. } => match url {
                Some(u) => format!("authorize the token for the organization at {u} (the link expires in an hour), then run setup again"),
                None => "on GitHub open Settings → Developer settings → Tokens, choose \"Configure SSO\" and authorize the organization".into(),
            },
            Problem::Api(ApiError::Network { .. }) => "check your network connection, proxy and --host-url, then try again".into(),
            Problem::Api(ApiError::RateLimited { .. }) | Problem::Api(ApiError::SecondaryRateLimit { .. }) => {
                "wait until the limit resets, then try again".into()
            }
            Problem::Api(_) => "try again in a minute; if it persists, check https://www.githubstatus.com".into(),
            Problem::NoHelper { .. } => "choose where git keeps the token: `--store keyring` (the OS keyring, through git-reauth's own helper), `--store cache` (git's memory cache, forgotten after a day) or `--store file` (plaintext file ~/.git-credentials, 0600)".into(),
            Problem::Keyring(e) => e.explain(),
            Problem::Config(_) => "close other git processes (or remove a stale .lock file) and try again".into(),
            Problem::Verify { .. } => "run `git-reauth doctor` to see which helper answers for the host".into(),
            Problem::LiveCheck { .. } => "git could not use the repository with the new token: `git-reauth doctor` checks the network and GitHub's answer; then run setup again".into(),
            Problem::Journal { .. } => "make the state directory writable (or set XDG_STATE_HOME) and try again".into(),
            Problem::Git(crate::git::GitError::Timeout { .. }) => "`git-reauth doctor` lists the credential helpers (`git config --show-origin --get-all credential.helper`); fix or remove the one that hangs, or set GIT_REAUTH_GIT_TIMEOUT_SECS to wait longer".into(),
            Problem::Busy(_) => "wait for the other run to finish (or end it), then try again".into(),
            Problem::UndoFailed(inner) => return inner.hint(),
            Problem::UndoConflict(_) => "the settings were changed after git-reauth changed them; fix them by hand with `git config`".into(),
            _ => return None,
        })
    }
}

/// A reset time for messages.
pub fn when(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
