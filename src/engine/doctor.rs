//! `doctor`: every check, concurrently where independent; changes nothing and never
//! prompts. Local checks first (no network), then one round trip to learn whether
//! the API is reachable while git's helpers are asked for the credential, then one
//! round of concurrent requests with that credential.

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc::UnboundedSender;

use crate::engine::Deps;
use crate::engine::observe::{Observation, ObserveGitError, RemoteProblem, RemoteView, observe};
use crate::git::FillOutcome;
use crate::github::{Account, ApiError, Probe, RepoVisibility, Service};
use crate::model::diagnosis::{Check, CheckId, Diagnosis, GitFailure, classify_git_error};
use crate::model::remote::{self, RepoRef, Transport};
use crate::model::token::{TokenKind, mask};

/// Days before expiry at which the doctor warns.
pub const EXPIRY_WARN_DAYS: i64 = 7;

/// Options for `doctor`.
#[derive(Clone, Debug, Default)]
pub struct DoctorOpts {
    pub remote: Option<String>,
}

/// Collects checks and reports each as soon as it is decided (the wizard shows
/// them filling in).
struct Checks<'a> {
    list: Vec<Check>,
    progress: Option<&'a UnboundedSender<Check>>,
}

impl Checks<'_> {
    fn push(&mut self, c: Check) {
        if let Some(tx) = self.progress {
            let _ = tx.send(c.clone());
        }
        self.list.push(c);
    }
    fn skip_rest(&mut self, reason: &str) {
        for id in CheckId::ALL {
            if !self.list.iter().any(|c| c.id == id) {
                self.push(Check::skip(id, reason));
            }
        }
    }
}

/// Run every check. `progress` receives each check as it completes.
pub async fn doctor(deps: &Deps, opts: &DoctorOpts, progress: Option<&UnboundedSender<Check>>) -> Diagnosis {
    let mut checks = Checks { list: Vec::new(), progress };
    let cred = deps.credential();
    // Helpers and the API are independent of the repository: start them now.
    let fill = tokio::spawn({
        let cred = cred.clone();
        async move { cred.fill().await }
    });
    let reach = tokio::spawn({
        let gh = deps.github.clone();
        async move { gh.reachable().await }
    });
    let keyring = tokio::spawn({
        let deps = deps.clone();
        async move { deps.probe_keyring(false).await }
    });
    let obs = observe(deps, opts.remote.as_deref()).await;
    let (repo_name, remote_name) = local_checks(deps, &obs, &mut checks);
    let diagnosis =
        |checks: Checks| Diagnosis::new(deps.host.host_port(), repo_name.clone(), remote_name.clone(), checks.list);
    if obs.git_version.is_err() {
        fill.abort();
        reach.abort();
        keyring.abort();
        checks.skip_rest("needs a working git");
        return diagnosis(checks);
    }

    let fill = match fill.await {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => {
            checks.push(Check::fail(
                CheckId::CredentialHelper,
                format!("cannot ask git for credentials: {e}"),
                "check that `git credential fill` works",
            ));
            checks.skip_rest("needs the credential");
            return diagnosis(checks);
        }
        Err(_) => {
            checks.skip_rest("interrupted");
            return diagnosis(checks);
        }
    };
    checks.push(helper_check(deps, &fill));
    let keyring = keyring.await.unwrap_or_else(|e| {
        Err(crate::store::KeyringUnavailable::new(crate::store::Reason::Other, format!("keyring check failed: {e}")))
    });
    checks.push(if deps.keyring {
        keyring_check(&fill, keyring)
    } else {
        Check::skip(CheckId::Keyring, "not used here (the demo never touches your OS keyring)")
    });
    let reach = reach
        .await
        .unwrap_or_else(|_| Err(ApiError::Network { host: deps.host.host_port(), message: "interrupted".into() }));
    match &reach {
        Ok(()) => checks.push(Check::ok(CheckId::Network, format!("{} answers", deps.host.api_base()))),
        Err(e) => checks.push(Check::fail(CheckId::Network, e.to_string(), network_fix(e))),
    }

    let Some(credential) = fill.credential.as_ref() else {
        let why = fill.error.as_deref().unwrap_or("no helper returned one");
        let fix = if fill.chain.is_empty() {
            "run `git-reauth` to create a token and choose where git keeps it"
        } else {
            "run `git-reauth` to create a token and store it in your helper"
        };
        checks.push(Check::fail(
            CheckId::CachedCredential,
            format!("git has no saved credential for {} ({why})", deps.host.host_port()),
            fix,
        ));
        checks.skip_rest("no credential to check");
        return diagnosis(checks);
    };
    if let Err(e) = &reach {
        checks.push(Check::fail(
            CheckId::CachedCredential,
            format!("cannot check the saved credential: {e}"),
            network_fix(e),
        ));
        checks.skip_rest("the API is unreachable");
        return diagnosis(checks);
    }
    let secret = credential.password.clone().unwrap_or_else(|| SecretString::from(String::new()));
    let username = credential.username.clone().filter(|u| !u.is_empty()).unwrap_or_else(|| "git".into());
    let helper = fill.helper().map(|h| h.name()).unwrap_or_else(|| "credential".into());
    let repo = obs.remote_view().map(|v| v.repo.clone());
    network_checks(deps, &mut checks, &secret, &username, &helper, repo.as_ref()).await;
    diagnosis(checks)
}

fn network_fix(e: &ApiError) -> String {
    crate::error::Problem::from(e.clone()).hint().unwrap_or_else(|| "try again later".into())
}

/// git-version, repository, remote-protocol, insteadof. Returns the repository and
/// remote names for the report header.
fn local_checks(deps: &Deps, obs: &Observation, checks: &mut Checks) -> (Option<String>, Option<String>) {
    match &obs.git_version {
        Ok((a, b, c)) => checks.push(Check::ok(CheckId::GitVersion, format!("git {a}.{b}.{c}"))),
        Err(ObserveGitError::Missing) => checks.push(Check::fail(
            CheckId::GitVersion,
            "git is not installed or not on PATH",
            "install git 2.30 or newer",
        )),
        Err(ObserveGitError::TooOld(v)) => checks.push(Check::fail(
            CheckId::GitVersion,
            format!("git {v} is older than 2.30"),
            "install git 2.30 or newer",
        )),
        Err(ObserveGitError::Broken(e)) => {
            checks.push(Check::fail(CheckId::GitVersion, format!("git does not run: {e}"), "reinstall git"))
        }
    }
    if obs.git_version.is_err() {
        return (None, None);
    }
    let Some(repo) = &obs.repo else {
        checks.push(Check::skip(
            CheckId::Repository,
            format!("not in a git repository ({}): checking the host only", deps.env.cwd.display()),
        ));
        checks.push(Check::skip(CheckId::RemoteProtocol, "no repository"));
        checks.push(insteadof_check(deps, obs, None));
        return (None, None);
    };
    let workdir = repo.workdir.display().to_string();
    let view = match obs.remote.as_ref() {
        Some(Ok(v)) => v,
        other => {
            let (summary, fix) = match other {
                Some(Err(RemoteProblem::NoRemotes)) => {
                    ("the repository has no remotes".to_string(), "add one: git remote add origin URL".to_string())
                }
                Some(Err(RemoteProblem::Missing(n))) => (
                    format!("no remote named `{n}`"),
                    "pick a remote with --remote NAME (see `git remote -v`)".to_string(),
                ),
                Some(Err(RemoteProblem::NotGitHub { remote, url })) => (
                    format!("remote `{remote}` ({url}) is not on {}", deps.host.host()),
                    "pick a GitHub remote with --remote NAME, or set --host-url for GitHub Enterprise".to_string(),
                ),
                _ => ("no remote".to_string(), "add a remote".to_string()),
            };
            checks.push(Check::fail(CheckId::Repository, summary, fix));
            checks.push(Check::skip(CheckId::RemoteProtocol, "no GitHub remote"));
            checks.push(insteadof_check(deps, obs, None));
            return (Some(workdir), None);
        }
    };
    checks.push(Check::ok(CheckId::Repository, format!("{} ({}) in {workdir}", view.repo, view.info.name)));
    checks.push(remote_check(deps, view));
    checks.push(insteadof_check(deps, obs, Some(view)));
    (Some(workdir), Some(view.info.name.clone()))
}

fn remote_check(deps: &Deps, v: &RemoteView) -> Check {
    let name = &v.info.name;
    let https = deps.host.repo_url(&v.repo);
    if v.embeds_secret {
        return Check::fail(
            CheckId::RemoteProtocol,
            format!(
                "{name}'s URL contains a password or token ({}): it leaks into logs and shell history",
                remote::redact(v.info.url.as_deref().unwrap_or(""))
            ),
            format!(
                "run `git-reauth setup --token-stdin --switch-remote` or `git remote set-url {name} {https}`, then revoke that token"
            ),
        );
    }
    if v.forced_to_ssh() {
        return Check::warn(
            CheckId::RemoteProtocol,
            format!(
                "{name} is written as HTTPS but an insteadOf rule makes git use SSH ({})",
                remote::redact(&v.info.effective_push)
            ),
            "a token is only used over HTTPS: `git-reauth setup --token-stdin --switch-remote` removes the rule",
        );
    }
    if v.uses_ssh() {
        return Check::warn(
            CheckId::RemoteProtocol,
            format!("{name} uses SSH ({}): a token is not used for it", remote::redact(&v.info.effective_push)),
            format!(
                "switch to HTTPS with `git-reauth setup --token-stdin --switch-remote` (or `git remote set-url {name} {https}`)"
            ),
        );
    }
    let scheme = if v.push_transport == Transport::Http { "HTTP (loopback)" } else { "HTTPS" };
    Check::ok(CheckId::RemoteProtocol, format!("{name} uses {scheme}: {}", remote::redact(&v.info.effective_push)))
}

fn insteadof_check(deps: &Deps, obs: &Observation, view: Option<&RemoteView>) -> Check {
    let probe_url = match view {
        Some(v) => deps.host.repo_url(&v.repo),
        None => format!("{}/", deps.host.base()),
    };
    let rules: Vec<_> = obs.insteadof.iter().map(|r| r.rule.clone()).collect();
    for for_push in [false, true] {
        let rewritten = remote::rewrite(&probe_url, &rules, for_push);
        if rewritten != probe_url && remote::parse(&rewritten).is_ok_and(|r| r.transport == Transport::Ssh) {
            let rule = obs
                .insteadof
                .iter()
                .find(|r| r.rule.push_only == for_push && probe_url.starts_with(&r.rule.prefix))
                .or_else(|| obs.insteadof.iter().find(|r| probe_url.starts_with(&r.rule.prefix)));
            let origin =
                rule.map(|r| format!(" (from {})", r.entry.origin.trim_start_matches("file:"))).unwrap_or_default();
            let key = rule.map(|r| r.entry.key.clone()).unwrap_or_else(|| "url.*.insteadOf".into());
            return Check::warn(
                CheckId::Insteadof,
                format!("{key} rewrites {} URLs to SSH{origin}", deps.host.base()),
                "`git-reauth setup --token-stdin --switch-remote` removes the rule (undoable)",
            );
        }
    }
    Check::ok(CheckId::Insteadof, format!("no insteadOf rule forces {} to SSH", deps.host.host()))
}

fn helper_check(deps: &Deps, fill: &FillOutcome) -> Check {
    if fill.chain.is_empty() {
        return Check::fail(
            CheckId::CredentialHelper,
            format!(
                "no credential helper is configured for {}: git asks for a password every time",
                deps.host.host_port()
            ),
            "run `git-reauth` to choose where git keeps the token (OS keyring, memory cache, or a 0600 file)",
        );
    }
    let list: Vec<String> = fill.chain.iter().map(|h| format!("{} ({})", h.name(), h.scope)).collect();
    let answering = match fill.helper() {
        Some(h) => format!("; {} answers, from {}", h.name(), h.file().unwrap_or(&h.origin)),
        None => String::new(),
    };
    Check::ok(
        CheckId::CredentialHelper,
        format!("helpers for {}: {}{answering}", deps.host.host_port(), list.join(", ")),
    )
}

/// The OS keyring: required when git-reauth's own helper is in the chain, otherwise
/// only an option for `setup --store keyring`. The probe only looks up an entry that
/// does not exist: doctor writes nothing and never makes the keyring prompt (whether
/// our helper really hands out the token shows in cached-credential).
fn keyring_check(fill: &FillOutcome, probe: Result<(), crate::store::KeyringUnavailable>) -> Check {
    let ours = fill.chain.iter().any(|h| matches!(h.name().as_str(), "git-reauth" | "reauth"));
    match (probe, ours) {
        (Ok(()), true) => Check::ok(CheckId::Keyring, "the OS keyring works and git-reauth's helper uses it"),
        (Ok(()), false) => Check::ok(CheckId::Keyring, "the OS keyring works (available for `setup --store keyring`)"),
        (Err(e), true) => {
            Check::fail(CheckId::Keyring, format!("git-reauth's helper is configured but {e}"), e.explain())
        }
        (Err(e), false) => {
            Check::warn(CheckId::Keyring, format!("{e}; `setup --store keyring` is not available here"), e.explain())
        }
    }
}

async fn network_checks(
    deps: &Deps,
    checks: &mut Checks<'_>,
    secret: &SecretString,
    username: &str,
    helper: &str,
    repo: Option<&RepoRef>,
) {
    let gh = &deps.github;
    let kind = TokenKind::of(secret.expose_secret());
    let shown = mask(secret.expose_secret());
    let (who, vis, read, write) = tokio::join!(
        gh.whoami(secret),
        async {
            match repo {
                Some(r) => Some(gh.repo(secret, r).await),
                None => None,
            }
        },
        async {
            match repo {
                Some(r) => Some(gh.probe(r, username, secret, Service::Upload).await),
                None => None,
            }
        },
        async {
            match repo {
                Some(r) => Some(gh.probe(r, username, secret, Service::Receive).await),
                None => None,
            }
        },
    );
    let account = match who {
        Ok(a) => a,
        Err(ApiError::BadCredentials) => {
            let (summary, fix) = if kind == TokenKind::Unknown {
                (
                    format!(
                        "the {helper} helper returns a password GitHub rejects (GitHub needs a token since password authentication was removed)"
                    ),
                    "run `git-reauth` to replace it with a token".to_string(),
                )
            } else {
                (
                    format!(
                        "the {helper} helper returns a {} ({shown}) that GitHub rejects: revoked or expired",
                        kind.describe()
                    ),
                    "create a new token and run `git-reauth` to replace it".to_string(),
                )
            };
            checks.push(Check::fail(CheckId::CachedCredential, summary, fix));
            if let Some(Ok(p)) = &read {
                checks.push(live_check(p, None, repo));
            }
            checks.skip_rest("the credential is not valid");
            return;
        }
        Err(e) => {
            checks.push(Check::fail(
                CheckId::CachedCredential,
                format!("cannot check the saved credential: {e}"),
                network_fix(&e),
            ));
            checks.skip_rest("the API did not answer");
            return;
        }
    };
    checks.push(Check::ok(
        CheckId::CachedCredential,
        format!("the {helper} helper returns a {} ({shown}) for {}", kind.describe(), account.login),
    ));
    let public = matches!(vis, Some(Ok(RepoVisibility::Visible { private: false, .. })));
    checks.push(scopes_check(deps, &account, kind, public, repo));
    checks.push(expiry_check(&account));
    match repo {
        None => {
            checks.push(Check::skip(CheckId::RepoAccess, "not in a repository"));
            checks.push(Check::skip(CheckId::Sso, "not in a repository"));
            checks.push(Check::skip(CheckId::LiveAuth, "not in a repository"));
        }
        Some(r) => {
            checks.extend_access(deps, r, &account, vis, &write);
            match read {
                Some(Ok(p)) => {
                    let w = match write {
                        Some(Ok(w)) => Some(w),
                        _ => None,
                    };
                    checks.push(live_check(&p, w.as_ref(), Some(r)))
                }
                Some(Err(e)) => checks.push(Check::fail(
                    CheckId::LiveAuth,
                    format!("git's HTTPS endpoint did not answer: {e}"),
                    network_fix(&e),
                )),
                None => {}
            }
        }
    }
}

impl Checks<'_> {
    fn extend_access(
        &mut self,
        deps: &Deps,
        r: &RepoRef,
        account: &Account,
        vis: Option<Result<RepoVisibility, ApiError>>,
        write: &Option<Result<Probe, ApiError>>,
    ) {
        let create = deps.host.classic_token_url(&machine_name());
        match vis {
            Some(Ok(RepoVisibility::SsoRequired { url })) => {
                self.push(Check::skip(CheckId::RepoAccess, "blocked by SSO (see sso)"));
                let fix = match &url {
                    Some(u) => format!(
                        "authorize the token for the organization: open {u} (valid for an hour), then run doctor again"
                    ),
                    None => {
                        "authorize the token for the organization (GitHub → Settings → Tokens → Configure SSO)".into()
                    }
                };
                self.push(Check::fail(
                    CheckId::Sso,
                    format!("{} requires SSO authorization for this token", r.owner),
                    fix,
                ));
            }
            Some(Ok(RepoVisibility::NotFound)) => {
                self.push(Check::fail(
                    CheckId::RepoAccess,
                    format!("{r} is not visible with this token (private, or the token lacks access to it)"),
                    format!("use a token with the repo scope ({create}) or grant a fine-grained token this repository"),
                ));
                self.push(Check::ok(CheckId::Sso, "no SSO authorization asked for"));
            }
            Some(Ok(RepoVisibility::Visible { push, .. })) => {
                self.push(access_check(deps, r, account, push, write));
                self.push(Check::ok(CheckId::Sso, "no SSO authorization needed"));
            }
            Some(Err(e)) => {
                self.push(Check::fail(
                    CheckId::RepoAccess,
                    format!("cannot check access to {r}: {e}"),
                    network_fix(&e),
                ));
                self.push(Check::skip(CheckId::Sso, "the API did not answer"));
            }
            None => {}
        }
    }
}

fn access_check(
    deps: &Deps,
    r: &RepoRef,
    account: &Account,
    role_push: bool,
    write: &Option<Result<Probe, ApiError>>,
) -> Check {
    match write {
        Some(Ok(Probe::Allowed)) => Check::ok(CheckId::RepoAccess, format!("{} can read and push {r}", account.login)),
        Some(Ok(Probe::Forbidden { message })) => match classify_git_error(message) {
            GitFailure::WriteNotGranted => Check::fail(
                CheckId::RepoAccess,
                format!("the token can read {r} but cannot push (write access not granted)"),
                format!(
                    "give the token \"Contents: Read and write\" for {r}, or create one: {}",
                    deps.host.fine_grained_token_url(&machine_name(), Some(&r.owner))
                ),
            ),
            _ if !role_push => Check::fail(
                CheckId::RepoAccess,
                format!("{} can read {r} but has no write access to it", account.login),
                "ask an owner for write access, or push to your fork",
            ),
            _ => Check::fail(
                CheckId::RepoAccess,
                format!("pushing to {r} is refused: {}", first_remote_line(message)),
                "see the message; run `git-reauth` to fix the token",
            ),
        },
        Some(Ok(Probe::NotFound)) => Check::fail(
            CheckId::RepoAccess,
            format!("git cannot find {r} with this token"),
            "check the token's repository access",
        ),
        Some(Ok(Probe::Unauthorized { .. })) => Check::fail(
            CheckId::RepoAccess,
            format!("git's endpoint rejects the token for {r}"),
            "create a new token and run `git-reauth`",
        ),
        Some(Err(e)) => {
            Check::fail(CheckId::RepoAccess, format!("cannot check push access to {r}: {e}"), network_fix(e))
        }
        None => Check::skip(CheckId::RepoAccess, "not checked"),
    }
}

fn scopes_check(deps: &Deps, account: &Account, kind: TokenKind, public: bool, repo: Option<&RepoRef>) -> Check {
    match &account.scopes {
        None => Check::ok(
            CheckId::TokenScopes,
            format!("{}: no scopes; access is granted per repository (see repo-access)", kind.describe()),
        ),
        Some(scopes) => match scopes.missing_for_push(public && repo.is_some()) {
            None => Check::ok(CheckId::TokenScopes, format!("scopes: {}", scopes.display())),
            Some(needed) => Check::fail(
                CheckId::TokenScopes,
                format!("the token lacks the `{needed}` scope needed to push (it has: {})", scopes.display()),
                format!("create a token with repo: {}", deps.host.classic_token_url(&machine_name())),
            ),
        },
    }
}

fn expiry_check(account: &Account) -> Check {
    match account.expires {
        None => Check::ok(CheckId::TokenExpiry, "the token does not expire"),
        Some(t) => {
            let days = (t - chrono::Utc::now()).num_days();
            let date = t.format("%Y-%m-%d");
            if days < EXPIRY_WARN_DAYS {
                Check::warn(
                    CheckId::TokenExpiry,
                    format!("the token expires on {date} ({} left)", plural_days(days)),
                    "create a new token soon and run `git-reauth` to replace it",
                )
            } else {
                Check::ok(CheckId::TokenExpiry, format!("expires on {date} ({} left)", plural_days(days)))
            }
        }
    }
}

fn plural_days(d: i64) -> String {
    match d {
        ..=0 => "less than a day".into(),
        1 => "1 day".into(),
        d => format!("{d} days"),
    }
}

fn live_check(read: &Probe, write: Option<&Probe>, repo: Option<&RepoRef>) -> Check {
    let r = repo.map(|r| r.to_string()).unwrap_or_default();
    match read {
        Probe::Allowed => match write {
            Some(Probe::Allowed) => {
                Check::ok(CheckId::LiveAuth, format!("git can fetch and push {r} over HTTPS with this credential"))
            }
            _ => Check::warn(CheckId::LiveAuth, format!("git can fetch {r} but not push"), "see repo-access"),
        },
        Probe::Unauthorized { message } => {
            let why = match classify_git_error(message) {
                GitFailure::PasswordRemoved => {
                    "GitHub refuses the account password (password authentication was removed)".to_string()
                }
                _ => "GitHub refuses the saved credential".to_string(),
            };
            Check::fail(
                CheckId::LiveAuth,
                format!("`git fetch`/`git push` of {r} would fail: {why}"),
                "run `git-reauth` to store a working token",
            )
        }
        Probe::Forbidden { message } => Check::fail(
            CheckId::LiveAuth,
            format!("git is refused for {r}: {}", first_remote_line(message)),
            "see the checks above",
        ),
        Probe::NotFound => Check::fail(
            CheckId::LiveAuth,
            format!("git says {r} does not exist for this credential"),
            "check the repository name and the token's access",
        ),
    }
}

fn first_remote_line(message: &str) -> String {
    message.lines().next().unwrap_or("").trim_start_matches("remote:").trim().to_string()
}

/// This machine's name, for token descriptions.
pub fn machine_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname").ok().map(|s| s.trim().to_string()).filter(|h| !h.is_empty())
        })
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_else(|| "this computer".into())
}
