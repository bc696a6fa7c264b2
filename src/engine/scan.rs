//! `doctor --all`: every repository under some folders, found and classified from
//! local facts (`model::scan` decides, `git::walk` reads).
//!
//! Cost: one walk of the folders (sub-folders in parallel), the shared config (system,
//! global) read once, each repository's own config read in-process in parallel (no git
//! process per repository), one `ssh -G` per distinct SSH host name that could be an
//! alias, and pure work per repository. Nothing asks the network: the network checks
//! (one credential request per distinct `credential`, i.e. (host, account, path rule),
//! then access per repository) are the next stage, fed by [`RepoReport::credential`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use futures::StreamExt;
use rayon::prelude::*;

use crate::engine::Deps;
use crate::git::SshLookup;
use crate::git::walk::{self, Found, SharedConfig};
use crate::model::helpers::ConfigEntry;
use crate::model::remote::InsteadOf;
use crate::model::repo::RemoteInfo;
use crate::model::request::request_for;
use crate::model::scan::{Facts, NotAsked, RemotePlace, Verdict, needs_binding, verdict};
use crate::model::scan_report::{self as report, AccountReport, RemoteReport, RepoReport};
use crate::model::ssh::SshTarget;

/// What to scan.
#[derive(Clone, Debug)]
pub struct ScanOpts {
    pub roots: Vec<PathBuf>,
    pub max_depth: usize,
    pub offline: bool,
}

/// How far the scan is (for a progress bar).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Repositories found so far.
    Found(usize),
    /// Configs read, of how many.
    Read { done: usize, total: usize },
}

/// The scan's result: one report per repository, sorted by path.
#[derive(Clone, Debug)]
pub struct ScanReport {
    pub host: String,
    pub offline: bool,
    pub repos: Vec<RepoReport>,
}

impl ScanReport {
    /// No repository has a problem (exit 0).
    pub fn healthy(&self) -> bool {
        !self.repos.iter().any(|r| r.verdict.is_problem())
    }

    /// How many repositories have each verdict (those with none left out).
    pub fn counts(&self) -> Vec<(Verdict, usize)> {
        Verdict::ALL
            .into_iter()
            .map(|v| (v, self.repos.iter().filter(|r| r.verdict == v).count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// One repository's config, as far as doctor --all needs it.
struct Read {
    found: Found,
    /// Err: why git cannot read it.
    config: Result<Local, String>,
}

struct Local {
    remote: Option<RemoteInfo>,
    /// Its `credential.*` entries (every level's when `whole`).
    credential: Vec<ConfigEntry>,
    /// The entries stand alone (the shared ones are not to be put before them).
    whole: bool,
}

type Callback = Arc<dyn Fn(Progress) + Send + Sync>;

/// Find and classify every repository under `opts.roots`.
pub async fn scan(deps: &Deps, opts: &ScanOpts, progress: Callback) -> ScanReport {
    let env = deps.env().clone();
    let (roots, max_depth, tell) = (opts.roots.clone(), opts.max_depth, progress.clone());
    let read = tokio::task::spawn_blocking(move || read_all(&env, &roots, max_depth, &tell)).await;
    let (reads, shared) = match read {
        Ok(r) => r,
        Err(_) => (Vec::new(), Err("the scan stopped".to_string())),
    };
    let aliases = resolve_aliases(deps, &reads).await;
    let host = deps.host().clone();
    let not_asked = if opts.offline { NotAsked::Offline } else { NotAsked::NotImplemented };
    let repos = tokio::task::spawn_blocking(move || classify_all(reads, &shared, &host, &aliases, not_asked))
        .await
        .unwrap_or_default();
    ScanReport { host: deps.host().host_port(), offline: opts.offline, repos }
}

fn is_credential(e: &ConfigEntry) -> bool {
    e.key.get(..11).is_some_and(|p| p.eq_ignore_ascii_case("credential."))
}

/// The walk and every config read (blocking; rayon underneath).
fn read_all(
    env: &crate::env::Env,
    roots: &[PathBuf],
    max_depth: usize,
    tell: &Callback,
) -> (Vec<Read>, Result<SharedConfig, String>) {
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let found = walk::find(roots, max_depth, &|| {
        let n = seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        tell(Progress::Found(n));
    });
    let shared = walk::shared_config(env);
    let empty = SharedConfig::default();
    let base = shared.as_ref().unwrap_or(&empty);
    let shared_rules = report::rewrite_rules(&base.entries);
    let shared_remotes: Vec<ConfigEntry> =
        base.entries.iter().filter(|e| e.key.to_ascii_lowercase().starts_with("remote.")).cloned().collect();
    let total = found.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let reads = found
        .into_par_iter()
        .map(|found| {
            let config = walk::repo_config(&found, env, base)
                .map(|(entries, whole)| local(entries, whole, &shared_rules, &shared_remotes));
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            tell(Progress::Read { done: n, total });
            Read { found, config }
        })
        .collect();
    (reads, shared)
}

/// The remote git uses and the credential entries, from a repository's entries.
fn local(entries: Vec<ConfigEntry>, whole: bool, shared_rules: &[InsteadOf], shared_remotes: &[ConfigEntry]) -> Local {
    let (rules, remote_entries): (Vec<InsteadOf>, Vec<ConfigEntry>) = if whole {
        (report::rewrite_rules(&entries), entries.clone())
    } else {
        let mut rules = shared_rules.to_vec();
        rules.extend(report::rewrite_rules(&entries));
        (rules, shared_remotes.iter().chain(&entries).cloned().collect())
    };
    let names = report::remote_names(&remote_entries);
    let remote = report::pick_remote(&names).map(|name| report::remote_info(&remote_entries, name, &rules));
    Local { remote, credential: entries.into_iter().filter(is_credential).collect(), whole }
}

/// `ssh -G` once per distinct SSH host name that could be an alias (at most 8 at once).
async fn resolve_aliases(deps: &Deps, reads: &[Read]) -> HashMap<String, SshTarget> {
    let mut names: Vec<String> = reads
        .iter()
        .filter_map(|r| r.config.as_ref().ok()?.remote.as_ref())
        .flat_map(|info| report::alias_candidates(info, deps.host()))
        .collect();
    names.sort_unstable();
    names.dedup();
    futures::stream::iter(names)
        .map(|name| async move {
            match deps.git.ssh_resolve(&name).await {
                SshLookup::Resolved(t) => Some((name, t)),
                other => {
                    tracing::debug!(host = %name, answer = ?other, "not resolved");
                    None
                }
            }
        })
        .buffer_unordered(8)
        .filter_map(|x| async move { x })
        .collect()
        .await
}

/// One repository's facts before the cross-repository rule, and its report so far.
struct Partial {
    report: RepoReport,
    facts: Facts,
    pinned: Option<String>,
}

fn classify_all(
    reads: Vec<Read>,
    shared: &Result<SharedConfig, String>,
    host: &crate::model::host::HostUrl,
    aliases: &HashMap<String, SshTarget>,
    not_asked: NotAsked,
) -> Vec<RepoReport> {
    let shared_credential: Vec<ConfigEntry> =
        shared.as_ref().map(|s| s.entries.iter().filter(|e| is_credential(e)).cloned().collect()).unwrap_or_default();
    let lookup = |name: &str| aliases.get(name).cloned();
    let partial: Vec<Partial> =
        reads.into_par_iter().map(|r| classify(r, shared, &shared_credential, host, &lookup)).collect();
    let conflicts = needs_binding(partial.iter().map(|p| p.pinned.as_deref()));
    partial
        .into_iter()
        .zip(conflicts)
        .map(|(mut p, conflict)| {
            p.facts.login_conflict = conflict;
            let (v, needs, reason) = verdict(&p.facts, not_asked);
            RepoReport { verdict: v, needs, reason, ..p.report }
        })
        .collect()
}

fn classify(
    r: Read,
    shared: &Result<SharedConfig, String>,
    shared_credential: &[ConfigEntry],
    host: &crate::model::host::HostUrl,
    aliases: &(dyn Fn(&str) -> Option<SshTarget> + Sync),
) -> Partial {
    let mut report = RepoReport {
        path: r.found.path.display().to_string(),
        kind: r.found.kind,
        verdict: Verdict::NotChecked,
        needs: Vec::new(),
        reason: None,
        remote: None,
        account: None,
        credential: None,
    };
    let broken = |why: String, report: RepoReport| Partial {
        report,
        facts: Facts { broken: Some(why), ..Facts::default() },
        pinned: None,
    };
    if let Err(why) = shared {
        return broken(format!("the global config: {why}"), report);
    }
    let local = match r.config {
        Ok(l) => l,
        Err(why) => return broken(why, report),
    };
    let Some(info) = local.remote else {
        return Partial { report, facts: Facts::default(), pinned: None };
    };
    let view = report::view(info.clone(), host, aliases);
    report.remote = Some(RemoteReport::of(&info, view.as_ref().ok()));
    let view = match view {
        Ok(v) => v,
        Err(elsewhere) => {
            let facts = Facts { remote: Some(RemotePlace::Elsewhere(elsewhere)), ..Facts::default() };
            return Partial { report, facts, pinned: None };
        }
    };
    let entries: Vec<ConfigEntry> = if local.whole {
        local.credential
    } else {
        shared_credential.iter().cloned().chain(local.credential).collect()
    };
    // A valueless credential key stops git (RequestError::NoValue); a URL git takes no
    // credential for is as unusable.
    let request = match request_for(&report::request_url(&view, host), &entries) {
        Ok(r) => r,
        Err(e) => return broken(e.to_string(), report),
    };
    let account = AccountReport::of(&request);
    let pinned = request.username.clone().filter(|u| !u.is_empty());
    report.account = Some(account);
    report.credential = Some(report::credential_of(&request));
    let facts = Facts {
        broken: None,
        remote: Some(RemotePlace::Host),
        uses_ssh: view.uses_ssh(),
        alias_with_own_key: view.alias.as_ref().is_some_and(|a| a.identity_file.is_some()),
        login_conflict: false,
    };
    Partial { report, facts, pinned }
}
