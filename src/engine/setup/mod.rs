//! `setup`: lint the token offline, ask the API about it, check the repository,
//! plan, and (unless dry-run) apply with rollback, verify, and record for undo.

use crate::engine::Deps;
use crate::engine::doctor::machine_name;
use crate::engine::observe::{ObserveGitError, RemoteProblem, RemoteView, observe};
use crate::error::Problem;
use crate::git::{InsteadOfRule, RepoInfo, read_values};
use crate::github::{Account, Probe, RepoVisibility, Service};
use crate::model::diagnosis::{GitFailure, classify_git_error};
use crate::model::helpers::HelperEntry;
use crate::model::plan::{Change, Plan};
use crate::model::remote::{self, Transport};
use crate::model::token::{Token, TokenKind, lint};

/// Options for `setup`.
#[derive(Clone, Debug, Default)]
pub struct SetupOpts {
    pub remote: Option<String>,
    pub switch_remote: bool,
    pub store: StoreChoice,
}

/// Where git will keep the token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StoreChoice {
    /// The user's configured helper chain.
    #[default]
    Helper,
    /// The OS keyring, through `git-reauth credential`, configured for this host only.
    Keyring,
    /// git's own `cache` helper for this host: memory only, forgotten after a day.
    Cache,
    /// git's own `store` helper for this host: a plaintext file (`~/.git-credentials`, 0600).
    File,
}

impl StoreChoice {
    /// How the plan names the place.
    pub fn describe(self) -> &'static str {
        match self {
            StoreChoice::Helper => "your credential helper",
            StoreChoice::Keyring => "the OS keyring (git-reauth credential)",
            StoreChoice::Cache => "git's cache helper (memory only, forgotten after a day)",
            StoreChoice::File => "git's store helper (plaintext file ~/.git-credentials, mode 0600)",
        }
    }

    /// The helper command configured for the host, for the choices that configure one.
    fn helper_value(self) -> Option<String> {
        match self {
            StoreChoice::Helper => None,
            StoreChoice::Keyring => std::env::current_exe().ok().map(|exe| helper_command(&exe)),
            StoreChoice::Cache => Some(format!("cache --timeout={CACHE_SECONDS}")),
            StoreChoice::File => Some("store".into()),
        }
    }
}

/// How long git's cache keeps the token with `--store cache`.
pub const CACHE_SECONDS: u32 = 86_400;

/// The repository part of a fix.
#[derive(Clone, Debug)]
pub struct RepoTarget {
    pub repo: RepoInfo,
    pub view: RemoteView,
    /// The repository is private (a classic token then needs `repo`).
    pub private: bool,
}

/// Everything decided before any change: shown to the user, then applied.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub account: Account,
    pub kind: TokenKind,
    /// Lint warnings (not fatal).
    pub warnings: Vec<String>,
    pub target: Option<RepoTarget>,
    pub chain: Vec<HelperEntry>,
    pub plan: Plan,
    /// Things the user should know that are not changes (e.g. SSH kept).
    pub notes: Vec<String>,
    /// Where the plan keeps the token.
    pub store: StoreChoice,
}

/// A change that belongs to switching the remote to HTTPS: the URLs, and the removal
/// of `insteadOf` rules (not the keyring helper's config key).
fn is_remote_switch(c: &Change) -> bool {
    match c {
        Change::RemoteUrl { .. } => true,
        Change::ConfigKey { key, .. } => key.to_ascii_lowercase().ends_with("insteadof"),
        _ => false,
    }
}

impl Prepared {
    /// True when the plan switches the remote (or drops an insteadOf rule).
    pub fn switches_remote(&self) -> bool {
        self.plan.changes.iter().any(is_remote_switch)
    }

    /// The same fix without switching the remote: the user keeps SSH (the wizard's
    /// "Keep SSH" choice). The token is then not used for this remote.
    pub fn keep_ssh(&mut self) {
        if !self.switches_remote() {
            return;
        }
        self.plan.changes.retain(|c| !is_remote_switch(c));
        if let Some(t) = &self.target {
            self.notes.push(format!("{} keeps SSH, so git will not use the token for it", t.view.info.name));
        }
    }
}

/// Check the token and decide the plan. Changes nothing.
pub async fn prepare(deps: &Deps, token: &Token, opts: &SetupOpts) -> Result<Prepared, Problem> {
    let linted = lint(token.expose());
    if let Some(fatal) = linted.fatal() {
        return Err(Problem::BadToken(fatal.message()));
    }
    let warnings = linted.issues.iter().filter(|i| !i.is_fatal()).map(|i| i.message()).collect();

    let obs = observe(deps, opts.remote.as_deref()).await;
    match &obs.git_version {
        Err(ObserveGitError::Missing) => return Err(Problem::GitMissing),
        Err(ObserveGitError::TooOld(v)) => return Err(Problem::GitTooOld(v.clone())),
        Err(ObserveGitError::Broken(e)) => return Err(Problem::Other(format!("git does not run: {e}"))),
        Ok(_) => {}
    }
    let wants_repo = opts.switch_remote || opts.remote.is_some();
    let view = match (&obs.repo, obs.remote.clone()) {
        (None, _) if wants_repo => return Err(Problem::NotInRepo(deps.env.cwd.clone())),
        (None, _) => None,
        (Some(_), Some(Ok(v))) => Some(v),
        (Some(_), Some(Err(RemoteProblem::Missing(n)))) => return Err(Problem::RemoteMissing(n)),
        (Some(_), Some(Err(RemoteProblem::NotGitHub { remote, url }))) => {
            return Err(Problem::NotGitHubRemote { remote, url, host: deps.host.host().into() });
        }
        (Some(_), Some(Err(RemoteProblem::NoRemotes))) if wants_repo => return Err(Problem::NoRemotes),
        (Some(_), _) => None,
    };
    let cred = deps.credential();
    let chain = cred.chain().await?;
    match opts.store {
        StoreChoice::Helper if chain.is_empty() => return Err(Problem::NoHelper { host: deps.host.host_port() }),
        StoreChoice::Helper => {}
        // Never fall back silently: no keyring, no fix (the error explains the choices).
        StoreChoice::Keyring => deps.probe_keyring(true).await.map_err(Problem::Keyring)?,
        StoreChoice::Cache | StoreChoice::File => {}
    }

    let secret = token.secret();
    let account = deps.github.whoami(secret).await?;
    let kind = token.kind();
    let create_url = deps.host.classic_token_url(&machine_name());

    let target = match (view, &obs.repo) {
        (Some(view), Some(repo)) => {
            let r = &view.repo;
            let (vis, write) = tokio::join!(
                deps.github.repo(secret, r),
                deps.github.probe(r, &account.login, secret, Service::Receive)
            );
            let private = match vis? {
                RepoVisibility::SsoRequired { url } => {
                    return Err(Problem::SsoRequired { repo: r.to_string(), url });
                }
                RepoVisibility::NotFound => {
                    // A classic token without `repo` cannot see private repositories.
                    check_scopes(&account, false, &create_url)?;
                    return Err(Problem::RepoNotVisible { repo: r.to_string(), create_url });
                }
                RepoVisibility::Visible { private, push } => {
                    check_scopes(&account, !private, &create_url)?;
                    match write? {
                        Probe::Allowed => {}
                        Probe::Forbidden { message } if classify_git_error(&message) == GitFailure::WriteNotGranted => {
                            let create_url = deps.host.fine_grained_token_url(&machine_name(), Some(&r.owner));
                            return Err(Problem::ReadOnly { repo: r.to_string(), create_url });
                        }
                        Probe::Forbidden { .. } if !push => {
                            return Err(Problem::NoWriteRole { repo: r.to_string(), login: account.login.clone() });
                        }
                        Probe::Forbidden { message } => {
                            return Err(Problem::Other(format!(
                                "GitHub refuses pushes to {r}: {}",
                                message.lines().next().unwrap_or("")
                            )));
                        }
                        Probe::Unauthorized { .. } => return Err(Problem::TokenRejected),
                        Probe::NotFound => {
                            return Err(Problem::RepoNotVisible { repo: r.to_string(), create_url });
                        }
                    }
                    private
                }
            };
            Some(RepoTarget { repo: repo.clone(), view, private })
        }
        _ => {
            check_scopes(&account, false, &create_url)?;
            None
        }
    };

    let (plan, notes) = make_plan(deps, &account, target.as_ref(), &obs.insteadof, &chain, opts)?;
    Ok(Prepared { account, kind, warnings, target, chain, plan, notes, store: opts.store })
}

fn check_scopes(account: &Account, public: bool, create_url: &str) -> Result<(), Problem> {
    if let Some(scopes) = &account.scopes
        && let Some(needed) = scopes.missing_for_push(public)
    {
        return Err(Problem::MissingScope {
            needed: needed.into(),
            have: scopes.display(),
            create_url: create_url.into(),
        });
    }
    Ok(())
}

/// Decide the changes. Pure apart from reading the config files the rules live in.
fn make_plan(
    deps: &Deps,
    account: &Account,
    target: Option<&RepoTarget>,
    rules: &[InsteadOfRule],
    chain: &[HelperEntry],
    opts: &SetupOpts,
) -> Result<(Plan, Vec<String>), Problem> {
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    if let Some(t) = target {
        let v = &t.view;
        let https = deps.host.repo_url(&v.repo);
        if opts.switch_remote {
            let config = t.repo.config_file.clone();
            for (push, current) in [(false, &v.info.url), (true, &v.info.pushurl)] {
                let Some(cur) = current else { continue };
                let wanted = remote::to_https(cur, &deps.host).unwrap_or_else(|| https.clone());
                if &wanted != cur {
                    changes.push(Change::RemoteUrl {
                        config: config.clone(),
                        remote: v.info.name.clone(),
                        push,
                        from: Some(cur.clone()),
                        to: Some(wanted),
                    });
                }
            }
            changes.extend(drop_ssh_rules(&https, rules, &mut notes)?);
        } else if v.uses_ssh() {
            notes.push(format!(
                "{} uses SSH, so git will not use the token for it; add --switch-remote to switch it to {https}",
                v.info.name
            ));
        } else if v.embeds_secret {
            notes.push(format!("{}'s URL contains a secret; add --switch-remote to remove it", v.info.name));
        }
    }
    // Forget first, while the user's helpers still answer for the host.
    changes.push(Change::ForgetCredential {
        protocol: deps.host.scheme().into(),
        host: deps.host.host_port(),
        username: None,
    });
    let via = match opts.store {
        StoreChoice::Helper => {
            format!("your credential helper ({})", chain.iter().map(|h| h.name()).collect::<Vec<_>>().join(", "))
        }
        other => {
            changes.push(host_helper_change(deps, other)?);
            other.describe().to_string()
        }
    };
    changes.push(Change::StoreCredential {
        protocol: deps.host.scheme().into(),
        host: deps.host.host_port(),
        username: account.login.clone(),
        via,
    });
    Ok((Plan { changes }, notes))
}

/// Make the chosen helper the only one for this host, exactly as gh does for its own:
/// `credential.<base>.helper = ""` (reset the inherited list) then the helper. The
/// user's helpers for other hosts stay as they are.
fn host_helper_change(deps: &Deps, store: StoreChoice) -> Result<Change, Problem> {
    let file = crate::git::global_config_file(&deps.env)
        .ok_or_else(|| Problem::Other("cannot find your global git config (HOME is not set)".into()))?;
    let key = format!("credential.{}.helper", deps.host.base());
    let helper = store.helper_value().ok_or_else(|| Problem::Other("cannot find the git-reauth program".into()))?;
    let from = read_values(&file, &key)?;
    Ok(Change::ConfigKey { file, key, from, to: vec![String::new(), helper] })
}

/// `!'<path>' credential`, quoted for the shell git runs `!` helpers with.
pub fn helper_command(exe: &std::path::Path) -> String {
    let path = exe.to_string_lossy().replace('\'', r"'\''");
    format!("!'{path}' credential")
}

/// ConfigKey changes removing insteadOf rules that would turn `https` back into SSH.
fn drop_ssh_rules(https: &str, rules: &[InsteadOfRule], notes: &mut Vec<String>) -> Result<Vec<Change>, Problem> {
    let mut changes: Vec<Change> = Vec::new();
    for r in rules {
        if !https.starts_with(&r.rule.prefix) {
            continue;
        }
        let rewritten = format!("{}{}", r.rule.base, &https[r.rule.prefix.len()..]);
        if !remote::parse(&rewritten).is_ok_and(|u| u.transport == Transport::Ssh) {
            continue;
        }
        let Some(file) = r.entry.origin.strip_prefix("file:") else {
            notes.push(format!(
                "{} = {} is set on the command line or in the environment; remove it there",
                r.entry.key, r.rule.prefix
            ));
            continue;
        };
        let file = std::path::PathBuf::from(file);
        let file =
            if file.is_relative() { std::env::current_dir().map(|d| d.join(&file)).unwrap_or(file) } else { file };
        if changes
            .iter()
            .any(|c| matches!(c, Change::ConfigKey { file: f, key, .. } if f == &file && key == &r.entry.key))
        {
            continue;
        }
        let from = read_values(&file, &r.entry.key)?;
        let to: Vec<String> = from.iter().filter(|v| !https.starts_with(v.as_str())).cloned().collect();
        changes.push(Change::ConfigKey { file, key: r.entry.key.clone(), from, to });
    }
    Ok(changes)
}

mod run;

pub use run::{Applied, ApplyProgress, apply, apply_with_progress, exclusive};
