//! The engine's failures in the wizard's own words: what it means, what to do next on
//! this screen (never a command-line flag), and which step it points at.

use crate::engine::Error;
use crate::engine::advice::token_fix;

use super::parts::{Failure, Step};

impl From<&Error> for Failure {
    fn from(e: &Error) -> Failure {
        let cause = e.cause();
        let (step, new_token, fine_grained) = match cause {
            Error::TokenRejected | Error::BadToken(_) => (Some(Step::Account), true, false),
            Error::MissingScope { .. } => (Some(Step::Scopes), true, false),
            Error::RepoNotVisible { .. } => (Some(Step::RepoAccess), true, false),
            Error::ReadOnly { .. } | Error::ClassicTokenForbidden { .. } | Error::PermissionMissing { .. } => {
                (Some(Step::RepoAccess), true, true)
            }
            Error::NoWriteRole { .. } | Error::PushRefused { .. } => (Some(Step::RepoAccess), false, false),
            Error::SsoRequired { .. } => (Some(Step::Sso), false, false),
            _ => (None, false, false),
        };
        let sso_url = match cause {
            Error::SsoRequired { url, .. } => url.clone(),
            _ => None,
        };
        let (message, leftovers) = match e {
            Error::Stopped { leftovers, .. } if !leftovers.is_empty() => {
                let list = leftovers.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
                (format!("{}; rolling back also failed for: {list}", said(cause)), true)
            }
            _ => (said(cause), false),
        };
        Failure {
            message,
            hint: hint(cause),
            step,
            sso_url,
            new_token,
            fine_grained,
            storage: matches!(cause, Error::Keyring(_)),
            leftovers,
            bind: match cause {
                Error::AccountMismatch { login, .. } => Some(login.clone()),
                _ => None,
            },
        }
    }
}

/// What went wrong.
fn said(e: &Error) -> String {
    match e {
        Error::Interrupted => "stopped (q or Ctrl-C)".into(),
        e => e.to_string(),
    }
}

/// What to do next, here in the wizard.
fn hint(e: &Error) -> Option<String> {
    Some(match e {
        Error::NoHelper { .. } => {
            "no credential helper is set up: choose where git keeps the token (the OS keyring, git's memory cache or a plaintext file)".into()
        }
        Error::Keyring(e) => e.explain(),
        Error::AccountMismatch { login, .. } => format!(
            "press b to bind this repository to {login} (a credential.<host>.username in its own config), or u to put {login} in the remote URL; the other login stays as it is. Or paste a token of that login"
        ),
        Error::BindWouldNotHold { .. } => "remove or change the setting named, then check again".into(),
        Error::CredentialConfig(_) => "fix the config key named, then check again".into(),
        Error::Config(_) => "close other git processes (or remove a stale .lock file) and try again".into(),
        Error::StoreNotWritable { dir, .. } => {
            format!("make {} writable, or go back and keep the token elsewhere (the OS keyring or git's memory cache)", dir.display())
        }
        Error::OtherLoginFirst { login, .. } => format!(
            "another account's login ({login}) answers first for this host: quit and run `git-reauth setup --token-stdin --bind config` to bind this repository"
        ),
        Error::OtherCredentialFirst { .. } | Error::TokenNotKept => {
            "run `git-reauth doctor` to see which helper answers for the host".into()
        }
        Error::LiveCheck { .. } => "git could not use the repository with the new token: `git-reauth doctor` checks the network and GitHub's answer; then apply again".into(),
        Error::Journal { .. } => "make the state directory writable (or set XDG_STATE_HOME) and try again".into(),
        Error::NoStateDir => {
            "git-reauth needs a folder of your own for its undo journal: quit and start it with XDG_STATE_HOME (or HOME) set".into()
        }
        Error::StateNotPrivate { .. } => {
            "git-reauth trusts its state folder only if it is yours and no one else can write to it: fix or remove it, or quit and set XDG_STATE_HOME to a private folder".into()
        }
        e if e.is_timeout() => {
            "a credential helper does not answer: `git-reauth doctor` lists them; fix or remove the one that hangs".into()
        }
        Error::Busy(_) => "wait for the other run to finish (or end it), then apply again".into(),
        Error::Conflict { .. } | Error::PlanChanged => {
            "the setup changed while the wizard ran: go back to see the new plan".into()
        }
        e => return token_fix(e),
    })
}
