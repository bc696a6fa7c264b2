//! `setup`: lint the token offline, ask the API about it, check the repository,
//! plan, and (unless dry-run) apply with rollback, verify, and record for undo.
//! [`fix`] is the one entry point both faces use: it takes the journal lock around
//! planning and applying.

use crate::engine::identity;
use crate::engine::observe::{ObserveGitError, RemoteProblem, observe};
use crate::engine::{Deps, Error};
use crate::github::{Probe, Service};
use crate::model::account::{Account, Bind, RepoVisibility, is_plausible_login};
use crate::model::diagnosis::{GitFailure, classify_git_error};
use crate::model::helpers::ConfigEntry;
use crate::model::helpers::HelperEntry;
use crate::model::plan::{Change, Plan};
use crate::model::repo::{RemoteView, RepoInfo};
use crate::model::request::Request;
use crate::model::storage::StoreChoice;
use crate::model::token::{Token, TokenKind, lint};

mod all;
mod plan;
mod run;

pub use all::{AllPrepared, FixedAll, RepoPart, fix_all};
pub(crate) use run::unwritable_store_dir;
pub use run::{Applied, ApplyProgress, Basis, Fixed, exclusive, fix};

/// Options for `setup`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetupOpts {
    pub remote: Option<String>,
    pub switch_remote: bool,
    pub store: StoreChoice,
    /// How to tie the repository to the token's account when git sends another login.
    pub bind: Bind,
    /// The host's credential only, whatever repository the working folder is in
    /// (`setup --all` plans each repository itself).
    pub host_only: bool,
}

/// The login the helpers hand out now for the fix's request, found before the plan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stale {
    /// Its user name (the one the forget step names).
    pub user: Option<String>,
    /// It still works, as this other GitHub account: it is kept, never forgotten.
    pub works_as: Option<String>,
}

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
    /// What the plan was made for (the remote, the switch, where the token goes).
    pub opts: SetupOpts,
    /// The request git makes for the remote after the fix (before any binding).
    pub request: Request,
    /// The login the helpers handed out for it.
    pub stale: Stale,
}

/// A change that belongs to switching the remote to HTTPS: the URLs, and the removal
/// of `insteadOf` rules (not the keyring helper's config key).
fn is_remote_switch(c: &Change) -> bool {
    use crate::model::remote::{Transport, parse};
    match c {
        // An HTTP(S) URL that stays HTTP(S) (a binding's user name, a secret taken out)
        // is not a switch: "keep SSH" does not drop it.
        Change::RemoteUrl { from: Some(from), .. } => {
            !parse(from).is_ok_and(|u| matches!(u.transport, Transport::Https | Transport::Http))
        }
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

    /// The changes that make up the remote switch: its URLs and the insteadOf rules
    /// dropped with it (not where the token goes).
    pub fn remote_switch(&self) -> impl Iterator<Item = &Change> {
        self.plan.changes.iter().filter(|c| is_remote_switch(c))
    }

    /// The command that pushes to the remote this fix is for: `git push` goes to
    /// `origin` (unless the branch says otherwise), any other remote is named.
    pub fn push_command(&self) -> Option<String> {
        let name = &self.target.as_ref()?.view.info.name;
        Some(if name == "origin" { "git push".into() } else { format!("git push {name}") })
    }

    /// Where the plan keeps the token.
    pub fn store(&self) -> StoreChoice {
        self.opts.store
    }

    /// The same fix without switching the remote: the user keeps SSH (the wizard's
    /// "Keep SSH" choice). The token is then not used for this remote.
    pub fn keep_ssh(&mut self) {
        if !self.switches_remote() {
            return;
        }
        self.plan.changes.retain(|c| !is_remote_switch(c));
        self.opts.switch_remote = false;
        if let Some(t) = &self.target {
            self.notes.push(format!("{} keeps SSH, so git will not use the token for it", t.view.info.name));
        }
    }
}

/// Where the token goes when the user has not said: the user's helpers; without any,
/// the OS keyring when it answers (a look-up that never prompts), else git's memory
/// cache (the token is checked either way; the keyring's state is the storage's).
pub async fn default_store(deps: &Deps) -> StoreChoice {
    match deps.credential().chain().await {
        Ok(chain) if chain.is_empty() && deps.keyring && deps.probe_keyring(false).await.is_ok() => {
            StoreChoice::Keyring
        }
        Ok(chain) if chain.is_empty() => StoreChoice::Cache,
        _ => StoreChoice::Helper,
    }
}

/// The same fix with the token kept elsewhere: the plan made again for `store` from the
/// token facts already checked (no request to GitHub). Refused when that storage cannot
/// be used (no helper to replace in, the keyring unavailable).
pub async fn plan_for(deps: &Deps, base: &Prepared, store: StoreChoice) -> Result<Prepared, Error> {
    let opts = SetupOpts { store, ..base.opts.clone() };
    let local = look(deps, &opts).await?;
    usable(deps, store, &local.chain).await?;
    remake(deps, base, local, opts)
}

/// Can the token be kept there? No helper to replace in, or no keyring, is refused:
/// never a silent fallback (the error explains the choices).
async fn usable(deps: &Deps, store: StoreChoice, chain: &[HelperEntry]) -> Result<(), Error> {
    match store {
        StoreChoice::Helper if chain.is_empty() => Err(Error::NoHelper { host: deps.host.host_port() }),
        StoreChoice::Keyring => deps.probe_keyring(true).await.map_err(Error::Keyring),
        StoreChoice::Helper | StoreChoice::Cache | StoreChoice::File => Ok(()),
    }
}

/// The plan made again from `base`'s token facts and the local setup as it is now;
/// a repository that appeared or went away since is [`Error::PlanChanged`].
fn remake(deps: &Deps, base: &Prepared, local: Local, opts: SetupOpts) -> Result<Prepared, Error> {
    let target = match (local.repo, &base.target) {
        (Some((repo, view)), Some(t)) => Some(RepoTarget { repo, view, private: t.private }),
        (None, None) => None,
        _ => return Err(Error::PlanChanged),
    };
    let view = target.as_ref().map(|t| &t.view);
    let request = identity::request(deps, url_after(deps, view, &opts).as_deref(), &local.entries)?;
    let facts = plan::Facts { account: &base.account, request: &request, stale: &base.stale, entries: &local.entries };
    let (plan, notes) = plan::make(deps, &facts, target.as_ref(), &local.insteadof, &local.chain, &opts)?;
    Ok(Prepared { plan, notes, chain: local.chain, target, opts, request, ..base.clone() })
}

/// The URL git will authenticate to for the remote after the fix: its HTTPS form when
/// the fix switches it, else the push URL as git uses it when that is http(s); `None`
/// without a repository or for a remote that keeps SSH (the host's request then).
fn url_after(deps: &Deps, view: Option<&RemoteView>, opts: &SetupOpts) -> Option<String> {
    let v = view?;
    if opts.switch_remote {
        let written = v.info.pushurl.as_ref().or(v.info.url.as_ref());
        return Some(
            written
                .and_then(|w| crate::model::remote::to_https(w, &deps.host))
                .unwrap_or_else(|| deps.host.repo_url(&v.repo)),
        );
    }
    identity::push_url(v).map(str::to_owned)
}

/// What the helpers hand out now for `request` (local: no request to GitHub).
async fn handed_out(deps: &Deps, request: &Request) -> Result<Option<crate::model::credential::Credential>, Error> {
    match deps.credential_for(request).fill().await {
        Ok(fill) => Ok(fill.credential),
        // A helper that hangs now would hang the fix too: stop before any change.
        Err(e @ (crate::git::GitError::Interrupted { .. } | crate::git::GitError::Timeout { .. })) => Err(e.into()),
        Err(_) => Ok(None),
    }
}

/// The secret of a login the helpers hand out that may be another account's working
/// token: nothing pins a user name, the name could be a GitHub login, and the secret is
/// token-shaped (GitHub takes no password, so a password is nobody's working login).
fn maybe_other_account<'a>(
    request: &Request,
    found: Option<&'a crate::model::credential::Credential>,
) -> Option<&'a secrecy::SecretString> {
    let c = found?;
    let plausible = c.username.as_deref().is_some_and(is_plausible_login);
    let secret = c.password.as_ref()?;
    let token = crate::model::token::TokenKind::of(secrecy::ExposeSecret::expose_secret(secret))
        != crate::model::token::TokenKind::Unknown;
    (plausible && token && !request.is_pinned()).then_some(secret)
}

/// The login the helpers handed out, placed against the token's account: a working
/// login of another account (`works_as`) is kept.
fn stale_of(found: Option<&crate::model::credential::Credential>, other: Option<Account>, account: &Account) -> Stale {
    let user = found.and_then(|c| c.username.clone());
    let differs = user.as_deref().is_some_and(|u| !u.eq_ignore_ascii_case(&account.login));
    let works_as = other.map(|a| a.login).filter(|l| differs && !l.eq_ignore_ascii_case(&account.login));
    Stale { user, works_as }
}

/// What the local setup says, for a plan: the repository and remote (when the fix
/// includes one) and the helpers.
struct Local {
    repo: Option<(RepoInfo, RemoteView)>,
    insteadof: Vec<crate::git::InsteadOfRule>,
    chain: Vec<HelperEntry>,
    /// Every `credential.*` entry, in git's order (the request and the binding).
    entries: Vec<ConfigEntry>,
}

/// Look at the local setup (no network) and refuse what no fix can work with.
async fn look(deps: &Deps, opts: &SetupOpts) -> Result<Local, Error> {
    let mut obs = observe(deps, opts.remote.as_deref()).await;
    if opts.host_only {
        obs.repo = None;
        obs.remote = None;
    }
    match &obs.git_version {
        Err(ObserveGitError::Missing) => return Err(Error::GitMissing),
        Err(ObserveGitError::TooOld(v)) => return Err(Error::GitTooOld(v.clone())),
        Err(ObserveGitError::Broken(e)) => return Err(Error::GitBroken(e.clone())),
        Ok(_) => {}
    }
    let wants_repo = opts.switch_remote || opts.remote.is_some();
    let view = match (&obs.repo, obs.remote) {
        (None, _) if wants_repo => return Err(Error::NotInRepo(deps.env.cwd.clone())),
        (None, _) => None,
        (Some(_), Some(Ok(v))) => Some(v),
        (Some(_), Some(Err(RemoteProblem::Missing(n)))) => return Err(Error::RemoteMissing(n)),
        (Some(_), Some(Err(RemoteProblem::NotGitHub { remote, url }))) => {
            return Err(Error::NotGitHubRemote { remote, url, host: deps.host.host().into() });
        }
        (Some(_), Some(Err(RemoteProblem::NoRemotes))) if wants_repo => return Err(Error::NoRemotes),
        (Some(_), _) => None,
    };
    // One read of the `credential.*` config: the request, the binding and the helpers.
    let entries = identity::entries(deps).await?;
    let chain = deps.credential().chain_in(&entries);
    let repo = obs.repo.zip(view);
    Ok(Local { repo, insteadof: obs.insteadof, chain, entries })
}

/// Check the token and decide the plan. Changes nothing.
pub async fn prepare(deps: &Deps, token: &Token, opts: &SetupOpts) -> Result<Prepared, Error> {
    let linted = lint(token.expose());
    if let Some(fatal) = linted.fatal() {
        return Err(Error::BadToken(fatal.message()));
    }
    let warnings = linted.issues.iter().filter(|i| !i.is_fatal()).map(|i| i.message()).collect();
    let local = look(deps, opts).await?;
    usable(deps, opts.store, &local.chain).await?;

    let secret = token.secret();
    // Local first: the request git makes for the remote after the fix, and what the
    // helpers hand out for it now.
    let view = local.repo.as_ref().map(|(_, v)| v);
    let request = identity::request(deps, url_after(deps, view, opts).as_deref(), &local.entries)?;
    let found = handed_out(deps, &request).await?;
    // Then one wave: whose the token is, the repositories it must reach (the owner and
    // name come from the remote, not from the token), and whether the login the
    // helpers hand out still works as another account.
    let other = maybe_other_account(&request, found.as_ref());
    let repos = async {
        match view {
            None => None,
            Some(v) => Some(match &v.push_repo {
                None => (ask_repo(deps, &v.repo, true, secret).await, None),
                Some(pushed) => {
                    let (fetch, push) =
                        tokio::join!(ask_repo(deps, &v.repo, false, secret), ask_repo(deps, pushed, true, secret));
                    (fetch, Some(push))
                }
            }),
        }
    };
    let others = async {
        match other {
            Some(s) => deps.github.whoami(s).await.ok(),
            None => None,
        }
    };
    let (account, repos, other) = tokio::join!(deps.github.whoami(secret), repos, others);
    let account = account?;
    let create_url = deps.host.classic_token_url(&deps.env.machine);
    let target = match (local.repo.clone(), repos) {
        (Some((repo, view)), Some((first, pushed))) => {
            // A fork-style push URL: git fetches from one repository and pushes to
            // another; the token must read the first and push to the second.
            let private = match (&view.push_repo, pushed) {
                (Some(p), Some(answers)) => {
                    check_repo(deps, &account, &view.repo, false, first, &create_url)?
                        | check_repo(deps, &account, p, true, answers, &create_url)?
                }
                _ => check_repo(deps, &account, &view.repo, true, first, &create_url)?,
            };
            Some(RepoTarget { repo, view, private })
        }
        _ => {
            check_scopes(&account, false, &create_url)?;
            None
        }
    };
    let stale = stale_of(found.as_ref(), other, &account);
    let facts = plan::Facts { account: &account, request: &request, stale: &stale, entries: &local.entries };
    let (plan, notes) = plan::make(deps, &facts, target.as_ref(), &local.insteadof, &local.chain, opts)?;
    Ok(Prepared {
        account,
        kind: token.kind(),
        warnings,
        target,
        chain: local.chain,
        plan,
        notes,
        opts: opts.clone(),
        request,
        stale,
    })
}

/// What GitHub answers about a repository for the token: its visibility, and git's own
/// `info/refs` for the service the user needs.
struct RepoAnswers {
    vis: Result<RepoVisibility, crate::github::ApiError>,
    write: Result<Probe, crate::github::ApiError>,
}

/// Ask both at once. GitHub takes a token with any user name: the probe does not wait
/// for the token's login.
async fn ask_repo(
    deps: &Deps,
    r: &crate::model::remote::RepoRef,
    push: bool,
    secret: &secrecy::SecretString,
) -> RepoAnswers {
    let service = if push { Service::Receive } else { Service::Upload };
    let (vis, write) =
        tokio::join!(deps.github.repo(secret, r), deps.github.probe(r, "x-access-token", secret, service));
    RepoAnswers { vis, write }
}

/// Can the token see (and, with `push`, push to) the repository `r`? Returns whether
/// it is private.
fn check_repo(
    deps: &Deps,
    account: &Account,
    r: &crate::model::remote::RepoRef,
    push: bool,
    answers: RepoAnswers,
    create_url: &str,
) -> Result<bool, Error> {
    let RepoAnswers { vis, write } = answers;
    let fine_grained_url = || deps.host.fine_grained_token_url(&deps.env.machine, Some(&r.owner));
    let not_visible = || Error::RepoNotVisible {
        repo: r.to_string(),
        login: account.login.clone(),
        fine_grained: account.scopes.is_none(),
        create_url: create_url.into(),
    };
    let vis = vis.map_err(|e| refused(r, e, fine_grained_url()))?;
    match vis {
        RepoVisibility::SsoRequired { url } => Err(Error::SsoRequired { repo: r.to_string(), url }),
        RepoVisibility::NotFound => {
            // A classic token without `repo` cannot see private repositories.
            check_scopes(account, false, create_url)?;
            Err(not_visible())
        }
        RepoVisibility::Visible { private, push: role_push } => {
            // Reading a public repository needs no scope at all.
            if push || private {
                check_scopes(account, !private, create_url)?;
            }
            let push = role_push || !push;
            // A fine-grained token of the repository's own (user) owner, or of an account
            // whose role may push: a refusal can only be the token's grant (Contents: read).
            let own_fine_grained =
                account.scopes.is_none() && (role_push || account.login.eq_ignore_ascii_case(&r.owner));
            match write.map_err(|e| refused(r, e, fine_grained_url()))? {
                Probe::Allowed => Ok(private),
                Probe::Forbidden { message } if classify_git_error(&message) == GitFailure::ClassicForbidden => {
                    Err(Error::ClassicTokenForbidden {
                        owner: r.owner.clone(),
                        message: message.lines().next().unwrap_or("").to_string(),
                        create_url: fine_grained_url(),
                    })
                }
                Probe::Forbidden { message }
                    if own_fine_grained || classify_git_error(&message) == GitFailure::WriteNotGranted =>
                {
                    Err(Error::ReadOnly { repo: r.to_string(), create_url: fine_grained_url() })
                }
                Probe::Forbidden { .. } if !push => {
                    Err(Error::NoWriteRole { repo: r.to_string(), login: account.login.clone() })
                }
                Probe::Forbidden { message } => Err(Error::PushRefused {
                    repo: r.to_string(),
                    message: message.lines().next().unwrap_or("").to_string(),
                }),
                Probe::Unauthorized { .. } => Err(Error::TokenRejected),
                Probe::NotFound => Err(not_visible()),
            }
        }
    }
}

/// GitHub's refusals of the token for `r`, in the engine's terms (a classic token its
/// owner forbids, a fine-grained permission missing); other API failures as they are.
fn refused(r: &crate::model::remote::RepoRef, e: crate::github::ApiError, fine_grained_url: String) -> Error {
    use crate::github::ApiError;
    match e {
        ApiError::ClassicTokenForbidden { owner, message } => {
            Error::ClassicTokenForbidden { owner, message, create_url: fine_grained_url }
        }
        ApiError::PermissionMissing { needs } => {
            Error::PermissionMissing { repo: r.to_string(), needs, create_url: fine_grained_url }
        }
        e => e.into(),
    }
}

fn check_scopes(account: &Account, public: bool, create_url: &str) -> Result<(), Error> {
    if let Some(scopes) = &account.scopes
        && let Some(needed) = scopes.missing_for_push(public)
    {
        return Err(Error::MissingScope {
            needed: needed.into(),
            have: scopes.display(),
            create_url: create_url.into(),
        });
    }
    Ok(())
}

/// The plan again, from the local setup as it is now and the token facts already
/// checked: the same plan, or [`Error::PlanChanged`]. Runs under the journal lock, so
/// what the user confirmed is what is applied.
async fn replan(deps: &Deps, shown: &Prepared) -> Result<(), Error> {
    let local = look(deps, &shown.opts).await?;
    // (A "keep SSH" choice is in the options: no switch is planned again.)
    let fresh = remake(deps, shown, local, shown.opts.clone())?;
    if fresh.plan == shown.plan { Ok(()) } else { Err(Error::PlanChanged) }
}

#[cfg(test)]
mod tests;
