//! Carry out a fix: one run at a time (the journal lock is held from the plan to the
//! last step), each change in turn through the transaction, then the proof that git
//! now authenticates; on any failure or interruption everything is rolled back.

use secrecy::ExposeSecret;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::{Prepared, SetupOpts, prepare, replan};
use crate::engine::apply::{NewSecret, Transaction};
use crate::engine::journal::{Entry, EntryState, Journal, JournalLock, LOCK_WAIT, LockError};
use crate::engine::{Deps, Error, identity};
use crate::model::storage::StoreChoice;
use crate::model::token::Token;

/// What `apply` did.
#[derive(Clone, Debug)]
pub struct Applied {
    pub entry: Entry,
    pub journal: std::path::PathBuf,
    /// What was checked after the change ("git credential fill returns the token", …).
    pub verified: Vec<String>,
}

/// Progress of a fix, for the wizard's ticking list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyProgress {
    /// Change number `n` of the plan is done.
    Changed(usize),
    /// Verification step passed (its description).
    Verified(String),
}

/// How a [`fix`] ended without an error.
#[derive(Debug)]
pub enum Fixed {
    /// The plan was made and shown, and not confirmed (`--dry-run`): nothing changed.
    Previewed(Box<Prepared>),
    /// The plan is applied and verified.
    Applied { prepared: Box<Prepared>, applied: Applied },
}

/// What a fix starts from.
#[derive(Clone, Copy, Debug)]
pub enum Basis<'a> {
    /// Check the token and make the plan now (`setup`).
    Opts(&'a SetupOpts),
    /// The plan the user has seen and confirmed (the wizard): made again from the
    /// setup as it is now, it must be the same, or nothing is changed.
    Shown(&'a Prepared),
}

/// Take the journal lock: one run at a time may change the setup. A second run waits
/// up to [`LOCK_WAIT`], then refuses.
pub async fn exclusive(deps: &Deps) -> Result<JournalLock, Error> {
    let journal = Journal::of(&deps.env)?;
    journal.lock(LOCK_WAIT).await.map_err(|e| match e {
        LockError::State(e) => journal.error(e),
        busy => Error::Busy(busy),
    })
}

/// The fix, for both faces: under the journal lock, plan (or check the shown plan),
/// let `confirm` see it (`false`: stop here, nothing changed), apply, verify, record.
/// Any failure or interruption before the first change changes nothing; after it,
/// everything is rolled back.
pub async fn fix(
    deps: &Deps,
    token: &Token,
    basis: Basis<'_>,
    cancel: &CancellationToken,
    progress: Option<&UnboundedSender<ApplyProgress>>,
    confirm: impl FnOnce(&Prepared) -> bool,
) -> Result<Fixed, Error> {
    // A second run waits for the first, then refuses, before it looks at anything (it
    // would plan against a setup that is about to change).
    let _lock = or_cancelled(cancel, exclusive(deps)).await?;
    let prepared = match basis {
        Basis::Opts(opts) => or_cancelled(cancel, prepare(deps, token, opts)).await?,
        Basis::Shown(shown) => or_cancelled(cancel, replan(deps, shown)).await.map(|()| shown.clone())?,
    };
    if !confirm(&prepared) {
        return Ok(Fixed::Previewed(Box::new(prepared)));
    }
    let applied = apply(deps, &prepared, token, cancel, progress).await?;
    Ok(Fixed::Applied { prepared: Box::new(prepared), applied })
}

/// `f`, unless `cancel` fires first (nothing has changed yet: it is dropped).
/// Ctrl-C reaches git's children too: a git run that stopped for it is the same
/// interruption, whichever is seen first.
pub(super) async fn or_cancelled<T>(
    cancel: &CancellationToken,
    f: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::select! {
        r = f => r.map_err(|e| if e.is_interrupted() { Error::Interrupted } else { e }),
        _ = cancel.cancelled() => Err(Error::Interrupted),
    }
}

/// Apply the plan through one transaction; on any failure or cancellation it rolls back.
async fn apply(
    deps: &Deps,
    prepared: &Prepared,
    token: &Token,
    cancel: &CancellationToken,
    progress: Option<&UnboundedSender<ApplyProgress>>,
) -> Result<Applied, Error> {
    let report = |p: ApplyProgress| {
        if let Some(tx) = progress {
            let _ = tx.send(p);
        }
    };
    if cancel.is_cancelled() {
        return Err(Error::Interrupted);
    }
    let repository = prepared.target.as_ref().map(|t| t.repo.workdir.clone());
    let entry = Entry::new(&deps.host.host_port(), repository, prepared.plan.clone());
    let mut tx = Transaction::fix(deps, entry, cancel)?;
    let new = NewSecret { secret: token.secret(), expiry_utc: prepared.account.expires.map(|t| t.timestamp()) };
    for change in &prepared.plan.changes {
        if let Err(e) = tx.step(change, Some(&new)).await {
            return Err(tx.abort(e).await);
        }
        report(ApplyProgress::Changed(tx.taken() - 1));
    }
    let verified = match verify(deps, prepared, token).await {
        Ok(v) => v,
        Err(e) => return Err(tx.abort(e).await),
    };
    for line in &verified {
        report(ApplyProgress::Verified(line.clone()));
    }
    let (entry, journal) = tx.commit(EntryState::Applied).await?;
    Ok(Applied { entry, journal, verified })
}

/// After applying: for the request git makes now (the config as the fix left it), git
/// must hand out the new token; then what the user will run must work, through git
/// with everything it applies for the user: `git ls-remote REMOTE` and the push side
/// (`git push --dry-run`, which authenticates to receive-pack and sends nothing).
async fn verify(deps: &Deps, prepared: &Prepared, token: &Token) -> Result<Vec<String>, Error> {
    let mut verified = Vec::new();
    let entries = identity::entries(deps).await?;
    let url = match &prepared.target {
        Some(t) => {
            let info = crate::git::remote_info(&deps.git, &t.repo, &t.view.info.name).await?;
            let view = crate::model::repo::RemoteView { info, ..t.view.clone() };
            identity::push_url(&view).map(str::to_owned)
        }
        None => None,
    };
    let request = identity::request(deps, url.as_deref(), &entries)?;
    let fill = deps.credential_for(&request).fill().await?;
    let got = fill.credential.as_ref().and_then(|c| c.password.as_ref()).map(|p| p.expose_secret() == token.expose());
    match got {
        Some(true) => verified.push(format!(
            "git credential fill returns the new token{}{}",
            fill.helper().map(|h| format!(" (from {})", h.name())).unwrap_or_default(),
            // The request, when it is more than the host's.
            if request.path.is_some() || request.username.is_some() {
                format!(" for {}", request.describe())
            } else {
                String::new()
            }
        )),
        Some(false) => {
            // git's store helper fails silently (approve exits 0) when it cannot write
            // its file: the old credential is then still the one handed out.
            if let Some(h) = fill.helper()
                && let Some(dir) = unwritable_store_dir(deps, &h.value)
            {
                return Err(Error::StoreNotWritable { helper: h.name(), dir });
            }
            let answered = fill.credential.as_ref().and_then(|c| c.username.clone());
            if let Some(login) = answered.filter(|u| !u.eq_ignore_ascii_case(&prepared.account.login)) {
                let helper = fill.helper().map(|h| h.name()).unwrap_or_else(|| "a helper".into());
                return Err(Error::OtherLoginFirst { helper, login });
            }
            let helper = fill
                .helper()
                .map(|h| format!("{} from {}", h.name(), h.file().unwrap_or(&h.origin)))
                .unwrap_or_else(|| "a helper".into());
            return Err(Error::OtherCredentialFirst { helper });
        }
        None => {
            // Our own helper says why on stderr, which git shows but we cannot tie to the
            // store; ask the keyring again (it may have been locked or gone since the probe).
            if prepared.store() == StoreChoice::Keyring {
                deps.probe_keyring(false).await.map_err(Error::Keyring)?;
            }
            return Err(Error::TokenNotKept);
        }
    }
    let Some(t) = &prepared.target else { return Ok(verified) };
    // A remote that keeps SSH does not use the token: its check proves nothing about it.
    if url.is_none() {
        return Ok(verified);
    }
    let name = &t.view.info.name;
    // Where the user runs git (their GIT_DIR, includeIf, worktree), as their push will.
    let git = &deps.git;
    let (fetch, push) = tokio::join!(git.ls_remote(name), git.push_dry_run(name));
    if let Err(stderr) = fetch? {
        return Err(Error::LiveCheck {
            command: format!("git ls-remote {name}"),
            message: crate::git::first_line(&stderr),
        });
    }
    verified.push(format!("git ls-remote {name} works with it"));
    match push? {
        Some(Ok(())) => verified.push(format!("git push --dry-run {name} authenticates (nothing was sent)")),
        Some(Err(stderr)) => {
            return Err(Error::LiveCheck {
                command: format!("git push --dry-run {name}"),
                message: crate::git::first_line(&stderr),
            });
        }
        None => verified.push(format!("(no commit yet: the push side of {name} is checked by your first push)")),
    }
    Ok(verified)
}

/// The folder of git's store helper's file (`--file PATH`, else `~/.git-credentials`),
/// when `helper` is that helper and the folder cannot be written to (git-credential-store
/// writes `FILE.lock` beside it and renames it into place, and fails silently).
pub(crate) fn unwritable_store_dir(deps: &Deps, helper: &str) -> Option<std::path::PathBuf> {
    let mut words = helper.split_whitespace();
    if words.next() != Some("store") {
        return None;
    }
    let mut file = None;
    while let Some(w) = words.next() {
        if let Some(f) = w.strip_prefix("--file=") {
            file = Some(std::path::PathBuf::from(f));
        } else if w == "--file" {
            file = words.next().map(std::path::PathBuf::from);
        }
    }
    let file = file.or_else(|| deps.env.var("HOME").map(|h| std::path::PathBuf::from(h).join(".git-credentials")))?;
    let dir = file.parent().filter(|d| d.is_dir())?.to_path_buf();
    (!writable(&dir)).then_some(dir)
}

/// Can this process create files in `dir`? access(2) answers for permissions and for a
/// read-only mount (which stops root too) without writing anything.
#[cfg(unix)]
fn writable(dir: &std::path::Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return true };
    // SAFETY: `path` is a valid NUL-terminated string that outlives the call.
    unsafe { libc::access(path.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(not(unix))]
fn writable(dir: &std::path::Path) -> bool {
    tempfile::tempfile_in(dir).is_ok()
}
