//! Carry out one change of a plan, refusing when the setting no longer holds the
//! value the plan was made from (someone else changed it in between).

use secrecy::SecretString;

use crate::engine::Deps;
use crate::error::Problem;
use crate::git::{read_values, write_values};
use crate::model::credential::Credential;
use crate::model::plan::Change;

/// The new token, for `StoreCredential`.
pub struct NewSecret<'a> {
    pub secret: &'a SecretString,
    pub expiry_utc: Option<i64>,
}

/// (what the setting holds now, what the change expects it to hold).
type NowAndExpected = (Vec<String>, Vec<String>);

/// The values a config-like change expects to find, and where.
fn current(change: &Change) -> Option<Result<NowAndExpected, Problem>> {
    match change {
        Change::RemoteUrl { config, remote, push, from, .. } => {
            let key = Change::remote_key(remote, *push);
            Some(read_values(config, &key).map(|v| (v, from.iter().cloned().collect())).map_err(Problem::from))
        }
        Change::ConfigKey { file, key, from, .. } => {
            Some(read_values(file, key).map(|v| (v, from.clone())).map_err(Problem::from))
        }
        _ => None,
    }
}

/// True when the setting already holds what the change would set (a config-like
/// change only).
pub fn already_done(change: &Change) -> Result<bool, Problem> {
    let target: Vec<String> = match change {
        Change::RemoteUrl { to, .. } => to.iter().cloned().collect(),
        Change::ConfigKey { to, .. } => to.clone(),
        _ => return Ok(false),
    };
    match current(change) {
        None => Ok(false),
        Some(r) => Ok(r?.0 == target),
    }
}

/// True when the setting still holds what the change expects to replace.
pub fn still_as_planned(change: &Change) -> Result<bool, Problem> {
    match current(change) {
        None => Ok(true),
        Some(r) => {
            let (now, expected) = r?;
            Ok(now == expected)
        }
    }
}

/// Apply one change.
pub async fn apply_change(deps: &Deps, change: &Change, new: Option<&NewSecret<'_>>) -> Result<(), Problem> {
    if !still_as_planned(change)? {
        return Err(Problem::UndoConflict(format!(
            "cannot {}: the current value is different from what was planned",
            change.describe()
        )));
    }
    match change {
        Change::RemoteUrl { config, remote, push, to, .. } => {
            let values: Vec<String> = to.iter().cloned().collect();
            write_values(config, &Change::remote_key(remote, *push), &values)?;
        }
        Change::ConfigKey { file, key, to, .. } => write_values(file, key, to)?,
        Change::ForgetCredential { username, .. } => deps.credential().reject(username.as_deref()).await?,
        Change::StoreCredential { username, .. } => {
            let new = new.ok_or_else(|| Problem::Other("internal: no token to store".into()))?;
            deps.credential().approve(username, new.secret, new.expiry_utc).await?;
        }
    }
    Ok(())
}

/// What the helpers handed out before a `ForgetCredential` made them forget it, so a
/// rollback can give it back (`undo` does not: the old password no longer works).
/// An error only when git was interrupted or timed out (the forget would not get
/// further); a helper that cannot answer means there is nothing to give back.
pub async fn about_to_forget(deps: &Deps, change: &Change) -> Result<Option<Credential>, Problem> {
    let Change::ForgetCredential { username, .. } = change else { return Ok(None) };
    let fill = match deps.credential().fill().await {
        Ok(fill) => fill,
        // A helper that hangs now would hang the forget too: stop here.
        Err(e @ (crate::git::GitError::Interrupted { .. } | crate::git::GitError::Timeout { .. })) => {
            return Err(e.into());
        }
        Err(_) => return Ok(None),
    };
    let Some(found) = fill.credential else { return Ok(None) };
    let wanted = username.as_deref().is_none_or(|u| found.username.as_deref() == Some(u));
    Ok((wanted && found.username.is_some()).then_some(found))
}

/// Undo already-applied changes, last first; `forgotten` is what [`about_to_forget`]
/// saw. Returns what could not be reverted.
pub async fn roll_back(deps: &Deps, applied: &[Change], forgotten: Option<&Credential>) -> Vec<String> {
    let mut failures = Vec::new();
    for change in applied.iter().rev() {
        let result = match change {
            // A token we stored is removed again.
            Change::StoreCredential { username, .. } => {
                deps.credential().reject(Some(username)).await.map_err(Problem::from)
            }
            // The login the helpers held is stored again, as it was.
            Change::ForgetCredential { .. } => match forgotten {
                Some(Credential { username: Some(user), password: Some(secret), password_expiry_utc, .. }) => {
                    let expiry = password_expiry_utc.as_deref().and_then(|t| t.parse().ok());
                    deps.credential().approve(user, secret, expiry).await.map_err(Problem::from)
                }
                _ => Ok(()),
            },
            other => match other.inverse() {
                Some(inv) => apply_change(deps, &inv, None).await,
                None => Ok(()),
            },
        };
        if let Err(e) = result {
            failures.push(format!("{}: {e}", change.describe()));
        }
    }
    failures
}
