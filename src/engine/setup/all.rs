//! `setup --all`: the host's credential fixed once, then every chosen repository's
//! remote switched to HTTPS, in one plan that is shown first, one journal entry and one
//! transaction: one `git-reauth undo` reverts all of it, and a failure anywhere rolls all
//! of it back. A repository the token cannot push to, or that has nothing to switch, is
//! left out and named before anything changes.

use std::path::PathBuf;

use futures::StreamExt as _;
use tokio_util::sync::CancellationToken;

use super::{Prepared, RepoTarget, SetupOpts, ask_repo, check_repo, exclusive, look, plan, prepare};
use crate::engine::apply::{NewSecret, Transaction};
use crate::engine::journal::{Entry, EntryState};
use crate::engine::{Deps, Error};
use crate::model::plan::{Change, Plan};
use crate::model::token::Token;

/// At most this many repositories are asked about (or proved) at once.
const AT_ONCE: usize = 8;

/// One repository's part of the plan.
#[derive(Clone, Debug)]
pub struct RepoPart {
    pub dir: PathBuf,
    pub remote: String,
    /// `OWNER/REPO`.
    pub repo: String,
}

/// The whole plan: the host's part, each repository's, and what was left out.
#[derive(Clone, Debug)]
pub struct AllPrepared {
    /// The host's credential (its plan: forget, store).
    pub host: Prepared,
    pub repos: Vec<RepoPart>,
    /// Every change, repositories first, then the host's credential.
    pub plan: Plan,
    /// Repositories left out, and why.
    pub skipped: Vec<(PathBuf, String)>,
    pub notes: Vec<String>,
}

/// How a [`fix_all`] ended.
#[derive(Debug)]
pub enum FixedAll {
    Previewed(Box<AllPrepared>),
    Applied { prepared: Box<AllPrepared>, journal: PathBuf, verified: Vec<String> },
}

/// Plan (under the journal lock), let `confirm` see it, apply, prove every repository
/// through git, record one journal entry.
pub async fn fix_all(
    deps: &Deps,
    token: &Token,
    dirs: &[PathBuf],
    opts: &SetupOpts,
    cancel: &CancellationToken,
    confirm: impl FnOnce(&AllPrepared) -> bool,
) -> Result<FixedAll, Error> {
    let _lock = exclusive(deps).await?;
    let prepared = super::run::or_cancelled(cancel, prepare_all(deps, token, dirs, opts)).await?;
    if !confirm(&prepared) {
        return Ok(FixedAll::Previewed(Box::new(prepared)));
    }
    // A repository whose remote was changed since the plan (by another program) is left
    // out and named, never overwritten; the others go ahead.
    let prepared = without_changed(prepared)?;
    let entry = Entry::new(&deps.host().host_port(), None, prepared.plan.clone());
    let mut tx = Transaction::fix(deps, entry, cancel)?;
    let new = NewSecret { secret: token.secret(), expiry_utc: prepared.host.account.expires.map(|t| t.timestamp()) };
    for change in &prepared.plan.changes {
        if let Err(e) = tx.step(change, Some(&new)).await {
            return Err(tx.abort(e).await);
        }
    }
    let verified = match prove(deps, &prepared, token).await {
        Ok(v) => v,
        Err(e) => return Err(tx.abort(e).await),
    };
    let (_, journal) = tx.commit(EntryState::Applied).await?;
    Ok(FixedAll::Applied { prepared: Box::new(prepared), journal, verified })
}

/// The plan without the repositories whose remote no longer holds what it was planned
/// from (their switch would be refused mid-way and roll everything back).
fn without_changed(mut p: AllPrepared) -> Result<AllPrepared, Error> {
    let mut changed = Vec::new();
    for c in &p.plan.changes {
        if let Change::RemoteUrl { config, .. } = c
            && !crate::engine::apply::still_as_planned(c)?
            && !changed.contains(config)
        {
            changed.push(config.clone());
        }
    }
    if changed.is_empty() {
        return Ok(p);
    }
    p.plan.changes.retain(|c| !matches!(c, Change::RemoteUrl { config, .. } if changed.contains(config)));
    let (kept, gone): (Vec<RepoPart>, Vec<RepoPart>) =
        p.repos.into_iter().partition(|r| !changed.iter().any(|f| f.starts_with(&r.dir)));
    p.repos = kept;
    for r in gone {
        p.skipped.push((r.dir, "its remote was changed since the plan was made: left as it is".into()));
    }
    Ok(p)
}

/// The host's plan, then each repository's switch, checked against GitHub (at most
/// [`AT_ONCE`] at a time).
async fn prepare_all(deps: &Deps, token: &Token, dirs: &[PathBuf], opts: &SetupOpts) -> Result<AllPrepared, Error> {
    let host_opts = SetupOpts { host_only: true, switch_remote: false, remote: None, ..opts.clone() };
    let host = prepare(deps, token, &host_opts).await?;
    let create_url = deps.host().classic_token_url(&deps.env().machine);
    let looked = futures::stream::iter(dirs.iter().cloned())
        .map(|dir| {
            let d = deps.at(&dir);
            let create_url = create_url.clone();
            let account = host.account.clone();
            async move {
                let local =
                    look(&d, &SetupOpts { switch_remote: true, host_only: false, ..SetupOpts::default() }).await;
                let result = async {
                    let local = local?;
                    let (repo, view) = local.repo.clone().ok_or(Error::NoRemotes)?;
                    let answers = ask_repo(&d, &view.repo, true, token.secret()).await;
                    let private = check_repo(&d, &account, &view.repo, true, answers, &create_url)?;
                    let t = RepoTarget { repo, view, private };
                    let mut notes = Vec::new();
                    let changes = plan::switch(&d, &t, &local.insteadof, &mut notes)?;
                    Ok::<_, Error>((t, changes, notes))
                }
                .await;
                (dir, result)
            }
        })
        .buffered(AT_ONCE)
        .collect::<Vec<_>>()
        .await;
    let mut changes: Vec<Change> = Vec::new();
    let (mut repos, mut skipped, mut notes) = (Vec::new(), Vec::new(), host.notes.clone());
    for (dir, result) in looked {
        match result {
            Ok((_, c, _)) if c.is_empty() => skipped.push((dir, "nothing to switch: it already uses HTTPS".into())),
            Ok((t, c, n)) => {
                for change in c {
                    // A global insteadOf rule is dropped once for every repository.
                    if !changes.contains(&change) {
                        changes.push(change);
                    }
                }
                notes.extend(n.into_iter().filter(|n| !notes.contains(n)).collect::<Vec<_>>());
                repos.push(RepoPart { dir, remote: t.view.info.name.clone(), repo: t.view.repo.to_string() });
            }
            Err(e) => skipped.push((dir, e.to_string())),
        }
    }
    changes.extend(host.plan.changes.iter().cloned());
    Ok(AllPrepared { plan: Plan { changes }, host, repos, skipped, notes })
}

/// git hands out the token for the host, and in every repository `git ls-remote` and
/// `git push --dry-run` work (at most [`AT_ONCE`] at a time).
async fn prove(deps: &Deps, p: &AllPrepared, token: &Token) -> Result<Vec<String>, Error> {
    use secrecy::ExposeSecret as _;
    let fill = deps.credential().fill().await?;
    if fill.credential.as_ref().and_then(|c| c.password.as_ref()).is_none_or(|s| s.expose_secret() != token.expose()) {
        return Err(Error::TokenNotKept);
    }
    let mut verified = vec![format!("git credential fill returns the new token for {}", deps.host().host_port())];
    let results = futures::stream::iter(p.repos.iter())
        .map(|r| async move {
            let git = crate::git::Git::new(deps.env().with_cwd(&r.dir));
            let (fetch, push) = tokio::join!(git.ls_remote(&r.remote), git.push_dry_run(&r.remote));
            (r, fetch, push)
        })
        .buffer_unordered(AT_ONCE)
        .collect::<Vec<_>>()
        .await;
    for (r, fetch, push) in results {
        let name = format!("{} ({})", r.dir.display(), r.remote);
        if let Err(stderr) = fetch? {
            let message = crate::git::first_line(&stderr);
            return Err(Error::LiveCheck { command: format!("git ls-remote in {name}"), message });
        }
        if let Some(Err(stderr)) = push? {
            let message = crate::git::first_line(&stderr);
            return Err(Error::LiveCheck { command: format!("git push --dry-run in {name}"), message });
        }
        verified.push(format!("{name}: git ls-remote and git push --dry-run work"));
    }
    Ok(verified)
}
