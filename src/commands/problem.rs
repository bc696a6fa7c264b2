//! Every way a command can fail, in the user's terms: one line saying what is wrong,
//! a hint saying what to do, and the exit code class. The engine says what happened
//! ([`engine::Error`](crate::engine::Error)); this is where it becomes words for the
//! command line, decided here and nowhere else.

use crate::engine::Error;
use crate::engine::advice::{COPY_AGAIN, token_fix};
use crate::engine::error::Run;
use crate::env::state::Untrusted;
use crate::exit;
use crate::github::ApiError;

/// A failure the user can act on.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// What stdin held cannot be a token line.
    #[error("{0}")]
    BadToken(String),
    #[error(
        "stdin holds more than one line; give exactly one token line (extra lines could inject credential-protocol input)"
    )]
    MultiLineInput,
    #[error("--token-stdin reads the token from a pipe, but stdin is a terminal")]
    StdinIsTty,
    #[error("invalid --host-url: {0}")]
    BadHostUrl(String),
    #[error("the wizard needs a terminal (stdin and stdout); without one, use `git-reauth setup --token-stdin`")]
    NotATerminal,
    /// The engine's failure, in its words for the command line.
    #[error("{}", message(.0))]
    Engine(#[from] Error),
    /// The command line's own failures (output, set-up): already one line.
    #[error("{0}")]
    Other(String),
}

impl From<crate::tui::TerminalError> for Problem {
    fn from(e: crate::tui::TerminalError) -> Problem {
        match e {
            crate::tui::TerminalError::NotATerminal => Problem::NotATerminal,
            e => Problem::Other(e.to_string()),
        }
    }
}

impl From<ApiError> for Problem {
    fn from(e: ApiError) -> Problem {
        Problem::Engine(e.into())
    }
}

/// The line for an engine failure: the engine's own words, except where a transaction
/// stopped (what it took back, what it could not).
fn message(e: &Error) -> String {
    match e {
        Error::Interrupted => "interrupted; nothing was changed".into(),
        Error::Stopped { cause, run, changed, leftovers } => {
            let interrupted = matches!(cause.as_ref(), Error::Interrupted);
            let list = leftovers.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
            match run {
                Run::Fix => {
                    let base = if interrupted && *changed {
                        "interrupted; the changes already made were rolled back".into()
                    } else {
                        message(cause)
                    };
                    if leftovers.is_empty() { base } else { format!("{base}; rolling back also failed for: {list}") }
                }
                Run::Undo if !leftovers.is_empty() => {
                    format!("{}; putting the reverted steps back also failed for: {list}", message(cause))
                }
                Run::Undo if interrupted => "interrupted; nothing was undone".into(),
                Run::Undo => format!("{}; nothing was undone", message(cause)),
            }
        }
        e => e.to_string(),
    }
}

impl Problem {
    /// The stable kind of the failure (the engine's, through a rollback); the command
    /// line's own input failures are `bad_token`; `None` for the rest.
    pub fn kind(&self) -> Option<crate::model::kind::Kind> {
        use crate::model::kind::Kind;
        match self {
            Problem::BadToken(_) | Problem::MultiLineInput | Problem::StdinIsTty => Some(Kind::BadToken),
            Problem::Engine(e) => Some(e.kind()),
            Problem::BadHostUrl(_) | Problem::NotATerminal | Problem::Other(_) => None,
        }
    }

    /// The exit code class.
    pub fn exit_code(&self) -> u8 {
        match self {
            Problem::BadToken(_)
            | Problem::MultiLineInput
            | Problem::StdinIsTty
            | Problem::BadHostUrl(_)
            | Problem::NotATerminal => exit::USAGE,
            Problem::Engine(e) if e.is_interrupted() => exit::INTERRUPTED,
            Problem::Engine(e) => match e.cause() {
                Error::BadToken(_)
                | Error::NotInRepo(_)
                | Error::RemoteMissing(_)
                | Error::NoRemotes
                | Error::NotGitHubRemote { .. } => exit::USAGE,
                _ => exit::PROBLEM,
            },
            Problem::Other(_) => exit::PROBLEM,
        }
    }

    /// What to do next; one line.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Problem::BadToken(_) => COPY_AGAIN.into(),
            Problem::MultiLineInput => "e.g. `printf '%s\\n' \"$TOKEN\" | git-reauth setup --token-stdin`".into(),
            Problem::StdinIsTty => "pipe the token in (`… | git-reauth setup --token-stdin`), or run `git-reauth` for the interactive wizard".into(),
            Problem::BadHostUrl(_) => "use e.g. --host-url https://github.example.com".into(),
            Problem::NotATerminal => "e.g. `printf '%s\\n' \"$TOKEN\" | git-reauth setup --token-stdin --switch-remote`".into(),
            Problem::Engine(Error::Stopped { leftovers, .. }) if !leftovers.is_empty() => {
                "put the settings listed back by hand (`git config`, `git remote set-url`); `git-reauth doctor` shows the state".into()
            }
            Problem::Engine(e) => return engine_hint(e.cause()),
            Problem::Other(_) => return None,
        })
    }
}

fn engine_hint(e: &Error) -> Option<String> {
    Some(match e {
        Error::NotInRepo(_) => "cd into the repository, or drop --remote/--switch-remote to fix the host's credential only".into(),
        Error::RemoteMissing(_) | Error::NoRemotes => "list remotes with `git remote -v` and pick one with --remote NAME".into(),
        Error::AccountMismatch { login, by_helper: false, .. } => format!("bind this repository to {login}'s account: `--bind config` (a repository-local credential.<host>.username) or `--bind url` (the user name in the remote URL); or use a token of that login"),
        Error::AccountMismatch { login, by_helper: true, .. } => format!("that login still works, so it is kept: bind this repository to {login} with `--bind config` (or `--bind url`), or use a token of that login"),
        Error::BindWouldNotHold { .. } => "remove or change the setting named, or bind with `--bind url` (the URL's user name wins over any config)".into(),
        Error::CredentialConfig(_) => "fix the config key named (`git config --show-origin --get-regexp '^credential\\.'` lists them), then run setup again".into(),
        Error::NotGitHubRemote { .. } => "pick a GitHub remote with --remote NAME, or point --host-url at your GitHub Enterprise host".into(),
        Error::GitMissing | Error::GitTooOld(_) => "install git 2.30 or newer (https://git-scm.com/downloads)".into(),
        Error::TokenRejected => format!("{} and run setup again", token_fix(e)?),
        Error::SsoRequired { url: Some(_), .. } => format!("{}, then run setup again", token_fix(e)?),
        Error::NoHelper { .. } => "choose where git keeps the token: `--store keyring` (the OS keyring, through git-reauth's own helper), `--store cache` (git's memory cache, forgotten after a day) or `--store file` (plaintext file ~/.git-credentials, 0600)".into(),
        Error::Keyring(e) => e.explain(),
        Error::Config(_) => "close other git processes (or remove a stale .lock file) and try again".into(),
        Error::StoreNotWritable { dir, .. } => format!("make {} writable (a read-only mount, or its permissions), or keep the token elsewhere with `--store keyring` or `--store cache`; then run setup again", dir.display()),
        Error::OtherLoginFirst { login, .. } => format!("another account's login ({login}) answers first for this host: bind this repository to the token's account with `--bind config` (or `--bind url`)"),
        Error::OtherCredentialFirst { .. } | Error::TokenNotKept => "run `git-reauth doctor` to see which helper answers for the host".into(),
        Error::LiveCheck { .. } => "git could not use the repository with the new token: `git-reauth doctor` checks the network and GitHub's answer; then run setup again".into(),
        Error::Journal { .. } => "make the state directory writable (or set XDG_STATE_HOME) and try again".into(),
        Error::NoStateDir => "set XDG_STATE_HOME to a folder of your own (e.g. `XDG_STATE_HOME=/path/you/own git-reauth …`); git-reauth never keeps its journal inside a repository".into(),
        Error::StateNotPrivate { path, why } => state_hint(path, *why),
        e if e.is_timeout() => "`git-reauth doctor` lists the credential helpers (`git config --show-origin --get-all credential.helper`); fix or remove the one that hangs, or set GIT_REAUTH_GIT_TIMEOUT_SECS to wait longer".into(),
        Error::Busy(_) => "wait for the other run to finish (or end it), then try again".into(),
        Error::Conflict { .. } | Error::ChangedSince { .. } => "the settings were changed after git-reauth changed them; fix them by hand with `git config`".into(),
        Error::PlanChanged => "run git-reauth again to see the new plan".into(),
        e => return token_fix(e),
    })
}

/// What to do about a state folder (or lock) git-reauth does not trust.
fn state_hint(path: &std::path::Path, why: Untrusted) -> String {
    let elsewhere = "or set XDG_STATE_HOME to a folder only you can write to";
    match why {
        Untrusted::WritableByOthers { .. } => {
            format!(
                "git-reauth trusts its state only where no one else can write (as ssh for ~/.ssh): `chmod go-w {}`, {elsewhere}",
                path.display()
            )
        }
        Untrusted::NotOwned { .. } => format!("another user made it: check what it holds and remove it, {elsewhere}"),
        Untrusted::Symlink | Untrusted::NotAFile => format!("remove it (git-reauth makes a new one), {elsewhere}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::error::Leftover;

    fn stopped(cause: Error, run: Run, changed: bool, leftovers: usize) -> Problem {
        let leftovers =
            (0..leftovers).map(|i| Leftover { change: format!("step {i}"), error: "it failed".into() }).collect();
        Problem::Engine(Error::Stopped { cause: Box::new(cause), run, changed, leftovers })
    }

    #[test]
    fn an_interruption_exits_130_even_when_the_rollback_left_something() {
        for leftovers in [0, 2] {
            let p = stopped(Error::Interrupted, Run::Fix, true, leftovers);
            assert_eq!(p.exit_code(), exit::INTERRUPTED, "{p}");
            let p = stopped(Error::Interrupted, Run::Undo, true, leftovers);
            assert_eq!(p.exit_code(), exit::INTERRUPTED, "{p}");
        }
        let git = crate::git::GitError::Interrupted { args: "credential fill".into() };
        assert_eq!(Problem::Engine(Error::Git(git)).exit_code(), exit::INTERRUPTED);
        assert_eq!(stopped(Error::TokenNotKept, Run::Fix, true, 1).exit_code(), exit::PROBLEM);
        assert_eq!(stopped(Error::NoRemotes, Run::Fix, false, 0).exit_code(), exit::USAGE);
    }

    #[test]
    fn a_stopped_run_says_what_was_taken_back() {
        assert_eq!(
            stopped(Error::Interrupted, Run::Fix, true, 0).to_string(),
            "interrupted; the changes already made were rolled back"
        );
        assert_eq!(stopped(Error::Interrupted, Run::Fix, false, 0).to_string(), "interrupted; nothing was changed");
        assert_eq!(stopped(Error::Interrupted, Run::Undo, false, 0).to_string(), "interrupted; nothing was undone");
        assert_eq!(
            stopped(Error::NoRemotes, Run::Undo, true, 0).to_string(),
            "this repository has no remotes; nothing was undone"
        );
        let p = stopped(Error::TokenNotKept, Run::Fix, true, 2);
        assert!(p.to_string().ends_with("rolling back also failed for: step 0: it failed; step 1: it failed"), "{p}");
        assert!(p.hint().is_some_and(|h| h.contains("by hand")));
        let p = stopped(Error::NoRemotes, Run::Undo, true, 1);
        assert!(p.to_string().contains("putting the reverted steps back also failed for: step 0"), "{p}");
    }

    #[test]
    fn every_failure_of_the_engine_that_asks_something_of_the_user_has_a_hint() {
        let p = Problem::Engine(Error::SsoRequired { repo: "o/r".into(), url: Some("https://x/sso".into()) });
        assert!(p.hint().is_some_and(|h| h.contains("https://x/sso")));
        assert!(Problem::from(ApiError::BadCredentials).hint().is_some_and(|h| h.contains("new token")));
        let stopped_sso = stopped(Error::SsoRequired { repo: "o/r".into(), url: None }, Run::Fix, true, 0);
        assert_eq!(stopped_sso.hint(), Problem::Engine(Error::SsoRequired { repo: "o/r".into(), url: None }).hint());
    }
}
