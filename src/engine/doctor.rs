//! `doctor`: every check, concurrently where independent; changes nothing and never
//! prompts. Local checks first (no network), then one round trip to learn whether
//! the API is reachable while git's helpers are asked for the credential, then one
//! round of concurrent requests with that credential.

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc::UnboundedSender;

use crate::engine::observe::{Observation, ObserveGitError, RemoteProblem, observe};
use crate::engine::{Deps, identity};
use crate::github::{ApiError, Probe, Service};
use crate::model::account::{Account, RepoVisibility};
use crate::model::diagnosis::{Check, CheckId, Diagnosis, Kind};
use crate::model::remote::RepoRef;
use crate::model::text::printable;
use crate::model::token::{TokenKind, mask};

/// Days before expiry at which the doctor warns.
mod checks;
use crate::engine::advice::api_fix;
use checks::*;

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
    /// Record a check. Its words may quote git, a helper, the user's config or a server:
    /// control characters are escaped here, once for every check (the wizard draws them).
    fn push(&mut self, mut c: Check) {
        c.summary = printable(&c.summary);
        c.fix = c.fix.as_deref().map(printable);
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
    // The API and the keyring are independent of the repository: start them now.
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
    let mut account = None;
    let diagnosis = |checks: Checks, account: Option<crate::model::request::Sends>| Diagnosis {
        account,
        ..Diagnosis::new(deps.host.host_port(), repo_name.clone(), remote_name.clone(), checks.list)
    };
    if obs.git_version.is_err() {
        reach.abort();
        keyring.abort();
        checks.skip_rest("needs a working git");
        return diagnosis(checks, None);
    }
    // What git asks the helpers for this remote (local: the config and the URL).
    let request = match identity::entries(deps)
        .await
        .and_then(|e| identity::request(deps, obs.remote_view().and_then(identity::push_url), &e))
    {
        Ok(r) => r,
        Err(e) => {
            checks.push(Check::fail(
                CheckId::CredentialHelper,
                e.kind(),
                format!("git would not ask its helpers: {e}"),
                "fix the config key named (`git config --show-origin --get-regexp '^credential\\.'` lists them)",
            ));
            checks.skip_rest("needs the credential");
            return diagnosis(checks, None);
        }
    };
    let cred = deps.credential_for(&request);
    let fill = tokio::spawn(async move { cred.fill().await });
    let fill = match fill.await {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => {
            checks.push(Check::fail(
                CheckId::CredentialHelper,
                if matches!(e, crate::git::GitError::Timeout { .. }) {
                    Kind::HelperTimeout
                } else {
                    Kind::HelperFailed
                },
                format!("cannot ask git for credentials: {e}"),
                "check that `git credential fill` works",
            ));
            checks.skip_rest("needs the credential");
            return diagnosis(checks, account.clone());
        }
        Err(_) => {
            checks.skip_rest("interrupted");
            return diagnosis(checks, account.clone());
        }
    };
    account = identity::sends(&request, &fill);
    checks.push(helper_check(deps, &fill));
    let keyring = keyring.await.unwrap_or_else(|e| {
        Err(crate::store::KeyringUnavailable::new(crate::store::Reason::Other, format!("keyring check failed: {e}")))
    });
    checks.push(if deps.keyring {
        keyring_check(&fill, keyring)
    } else {
        Check::skip(CheckId::Keyring, "not used here (the demo never touches your OS keyring)")
    });
    let reach = async move {
        reach
            .await
            .unwrap_or_else(|_| Err(ApiError::Network { host: deps.host.host_port(), message: "interrupted".into() }))
    };
    let Some(credential) = fill.credential.as_ref() else {
        let reach = reach.await;
        push_network(deps, &mut checks, &reach);
        let why = fill.error.as_deref().unwrap_or("no helper returned one");
        let fix = if fill.chain.is_empty() {
            "run `git-reauth` to create a token and choose where git keeps it"
        } else {
            "run `git-reauth` to create a token and store it in your helper"
        };
        checks.push(Check::fail(
            CheckId::CachedCredential,
            if fill.chain.is_empty() { Kind::NoHelper } else { Kind::NoCredential },
            format!("git has no saved credential for {} ({why})", deps.host.host_port()),
            fix,
        ));
        checks.skip_rest("no credential to check");
        return diagnosis(checks, account.clone());
    };
    let secret = credential.password.clone().unwrap_or_else(|| SecretString::from(String::new()));
    let username = credential.username.clone().filter(|u| !u.is_empty()).unwrap_or_else(|| "git".into());
    let helper = fill.helper().map(|h| h.name()).unwrap_or_else(|| "credential".into());
    let repo = obs.remote_view().map(|v| v.repo.clone());
    let who = Who { secret: &secret, username: &username, helper: &helper };
    network_checks(deps, &mut checks, reach, &who, repo.as_ref()).await;
    diagnosis(checks, account)
}

/// The credential the network checks are about.
struct Who<'a> {
    secret: &'a SecretString,
    username: &'a str,
    helper: &'a str,
}

/// The network check from the reachability answer.
fn push_network(deps: &Deps, checks: &mut Checks<'_>, reach: &Result<(), ApiError>) {
    match reach {
        Ok(()) => checks.push(Check::ok(CheckId::Network, format!("{} answers", deps.host.api_base()))),
        Err(e) => checks.push(Check::fail(CheckId::Network, e.kind(), e.to_string(), api_fix(e))),
    }
}

/// git-version, repository, remote-protocol, insteadof. Returns the repository and
/// remote names for the report header.
fn local_checks(deps: &Deps, obs: &Observation, checks: &mut Checks) -> (Option<String>, Option<String>) {
    match &obs.git_version {
        Ok((a, b, c)) => checks.push(Check::ok(CheckId::GitVersion, format!("git {a}.{b}.{c}"))),
        Err(ObserveGitError::Missing) => checks.push(Check::fail(
            CheckId::GitVersion,
            Kind::GitMissing,
            "git is not installed or not on PATH",
            "install git 2.30 or newer",
        )),
        Err(ObserveGitError::TooOld(v)) => checks.push(Check::fail(
            CheckId::GitVersion,
            Kind::GitTooOld,
            format!("git {v} is older than 2.30"),
            "install git 2.30 or newer",
        )),
        Err(ObserveGitError::Broken(e)) => checks.push(Check::fail(
            CheckId::GitVersion,
            Kind::GitBroken,
            format!("git does not run: {e}"),
            "reinstall git",
        )),
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
            let (kind, summary, fix) = match other {
                Some(Err(RemoteProblem::NoRemotes)) => (
                    Kind::NoRemotes,
                    "the repository has no remotes".to_string(),
                    "add one: git remote add origin URL".to_string(),
                ),
                Some(Err(RemoteProblem::Missing(n))) => (
                    Kind::RemoteMissing,
                    format!("no remote named `{n}`"),
                    "pick a remote with --remote NAME (see `git remote -v`)".to_string(),
                ),
                Some(Err(RemoteProblem::NotGitHub { remote, url })) => (
                    Kind::NotGithubRemote,
                    format!(
                        "remote `{remote}` ({url}) is not a repository on {}: {}",
                        deps.host.host(),
                        crate::model::remote::mismatch(url, &deps.host).unwrap_or_default()
                    ),
                    "pick a GitHub remote with --remote NAME, or set --host-url for GitHub Enterprise".to_string(),
                ),
                _ => (Kind::NoRemotes, "no remote".to_string(), "add a remote".to_string()),
            };
            checks.push(Check::fail(CheckId::Repository, kind, summary, fix));
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

async fn network_checks(
    deps: &Deps,
    checks: &mut Checks<'_>,
    reach: impl Future<Output = Result<(), ApiError>>,
    cred: &Who<'_>,
    repo: Option<&RepoRef>,
) {
    let Who { secret, username, helper } = *cred;
    let gh = &deps.github;
    let kind = TokenKind::of(secret.expose_secret());
    let shown = mask(secret.expose_secret());
    // One wave: reachability and every question about the credential at once.
    let (reach, (who, vis, read, write)) = tokio::join!(reach, async {
        tokio::join!(
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
        )
    });
    push_network(deps, checks, &reach);
    if let Err(e) = &reach {
        checks.push(Check::fail(
            CheckId::CachedCredential,
            e.kind(),
            format!("cannot check the saved credential: {e}"),
            api_fix(e),
        ));
        checks.skip_rest("the API is unreachable");
        return;
    }
    let account = match who {
        Ok(a) => a,
        Err(ApiError::BadCredentials) => {
            let (rejected, summary, fix) = if kind == TokenKind::Unknown {
                (
                    Kind::PasswordRejected,
                    format!(
                        "the {helper} helper returns a password GitHub rejects (GitHub needs a token since password authentication was removed)"
                    ),
                    "run `git-reauth` to replace it with a token".to_string(),
                )
            } else {
                (
                    Kind::TokenRejected,
                    format!(
                        "the {helper} helper returns a {} ({shown}) that GitHub rejects: revoked or expired",
                        kind.describe()
                    ),
                    "create a new token and run `git-reauth` to replace it".to_string(),
                )
            };
            checks.push(Check::fail(CheckId::CachedCredential, rejected, summary, fix));
            if let Some(Ok(p)) = &read {
                checks.push(live_check(p, None, repo));
            }
            checks.skip_rest("the credential is not valid");
            return;
        }
        Err(e) => {
            checks.push(Check::fail(
                CheckId::CachedCredential,
                e.kind(),
                format!("cannot check the saved credential: {e}"),
                api_fix(&e),
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
                    e.kind(),
                    format!("git's HTTPS endpoint did not answer: {e}"),
                    api_fix(&e),
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
        let create = deps.host.classic_token_url(&deps.env.machine);
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
                    Kind::SsoRequired,
                    format!("{} requires SSO authorization for this token", r.owner),
                    fix,
                ));
            }
            Some(Ok(RepoVisibility::NotFound)) => {
                self.push(Check::fail(
                    CheckId::RepoAccess,
                    Kind::RepoNotVisible,
                    format!(
                        "{r} is not visible with this token, which belongs to {} (private, or the token lacks access to it)",
                        account.login
                    ),
                    if account.scopes.is_none() && account.login.eq_ignore_ascii_case(&r.owner) {
                        format!("this fine-grained token sees only the repositories it was granted: add {r} to its Repository access")
                    } else if account.scopes.is_none() {
                        format!(
                            "check the token's Repository access; a fine-grained token sees an organization's private repositories only once an owner approved it: ask an owner of {} to approve its pending request",
                            r.owner
                        )
                    } else {
                        format!(
                            "use a token of an account that can see {r}: the repo scope ({create}), or a fine-grained token granted this repository"
                        )
                    },
                ));
                self.push(Check::ok(CheckId::Sso, "no SSO authorization asked for"));
            }
            Some(Ok(RepoVisibility::Visible { push, .. })) => {
                self.push(access_check(deps, r, account, push, write));
                self.push(Check::ok(CheckId::Sso, "no SSO authorization needed"));
            }
            Some(Err(e)) => {
                self.push(refused_check(deps, r, &e));
                self.push(Check::skip(CheckId::Sso, "the API did not answer"));
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_is_recorded_with_its_control_characters_escaped() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut checks = Checks { list: Vec::new(), progress: Some(&tx) };
        checks.push(Check::fail(
            CheckId::CredentialHelper,
            Kind::HelperFailed,
            "helper \x1b]0;pwned\x07 says",
            "run \u{9b}2J",
        ));
        let shown = (r"helper \e]0;pwned\x07 says", Some(r"run \u{9b}2J"));
        assert_eq!((checks.list[0].summary.as_str(), checks.list[0].fix.as_deref()), shown);
        let sent = rx.try_recv().unwrap();
        assert_eq!((sent.summary.as_str(), sent.fix.as_deref()), shown, "the wizard gets the same");
    }
}
