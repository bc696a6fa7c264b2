//! The doctor's individual checks: each turns what was observed or answered into one
//! `Check` with a status, a one-line summary and a fix. No I/O.

use super::EXPIRY_WARN_DAYS;
use crate::engine::Deps;
use crate::engine::advice::api_fix;
use crate::engine::observe::{Observation, RemoteView};
use crate::git::FillOutcome;
use crate::github::{ApiError, Probe};
use crate::model::account::Account;
use crate::model::diagnosis::{Check, CheckId, GitFailure, Kind, classify_git_error};
use crate::model::remote::{self, RepoRef, Transport};
use crate::model::repo::PushSource;
use crate::model::token::TokenKind;

pub(super) fn remote_check(deps: &Deps, v: &RemoteView) -> Check {
    let name = &v.info.name;
    let https = deps.host.repo_url(&v.repo);
    if v.embeds_secret {
        return Check::fail(
            CheckId::RemoteProtocol,
            Kind::SecretInUrl,
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
        let (source, fix) = match v.info.push_source() {
            PushSource::PushUrl => (
                format!("remote.{name}.pushurl"),
                format!("`git remote set-url --push {name} {https}` (or `git config --unset remote.{name}.pushurl`)"),
            ),
            PushSource::PushInsteadOf => (
                "a pushInsteadOf rule".into(),
                "`git-reauth setup --token-stdin --switch-remote` removes the rule".into(),
            ),
            _ => {
                ("an insteadOf rule".into(), "`git-reauth setup --token-stdin --switch-remote` removes the rule".into())
            }
        };
        return Check::warn(
            CheckId::RemoteProtocol,
            format!(
                "{name} is written as HTTPS but {source} makes git push over SSH ({})",
                remote::redact(&v.info.effective_push)
            ),
            format!("a token is only used over HTTPS: {fix}"),
        );
    }
    if [v.push_transport, v.fetch_transport].contains(&Transport::Git) {
        return Check::warn(
            CheckId::RemoteProtocol,
            format!(
                "{name} uses the unauthenticated git:// protocol ({}): git can not push over it and no token is used",
                remote::redact(&v.info.effective_fetch)
            ),
            format!(
                "switch to HTTPS with `git-reauth setup --token-stdin --switch-remote` (or `git remote set-url {name} {https}`)"
            ),
        );
    }
    if v.uses_ssh() {
        return Check::warn(
            CheckId::RemoteProtocol,
            format!(
                "{name} uses SSH ({}{}): a token is not used for it",
                remote::redact(&v.info.effective_push),
                v.alias.as_ref().map(|a| format!("; {}", a.describe())).unwrap_or_default()
            ),
            format!(
                "switch to HTTPS with `git-reauth setup --token-stdin --switch-remote` (or `git remote set-url {name} {https}`)"
            ),
        );
    }
    if v.push_transport == Transport::Http {
        let host = remote::parse(&v.info.effective_push).ok().and_then(|r| r.host).unwrap_or_default();
        if !crate::model::host::is_loopback(&host) {
            return Check::warn(
                CheckId::RemoteProtocol,
                format!(
                    "{name} uses plain HTTP to {host}, which is not loopback ({}): the token would cross the network unencrypted",
                    remote::redact(&v.info.effective_push)
                ),
                format!("use HTTPS: `git remote set-url {name} {https}`"),
            );
        }
    }
    let scheme = if v.push_transport == Transport::Http { "HTTP (loopback)" } else { "HTTPS" };
    Check::ok(CheckId::RemoteProtocol, format!("{name} uses {scheme}: {}", remote::redact(&v.info.effective_push)))
}

pub(super) fn insteadof_check(deps: &Deps, obs: &Observation, view: Option<&RemoteView>) -> Check {
    let probe_url = match view {
        Some(v) => deps.host.repo_url(&v.repo),
        None => format!("{}/", deps.host.base()),
    };
    let rules: Vec<_> = obs.insteadof.iter().map(|r| r.rule.clone()).collect();
    for for_push in [false, true] {
        let rewritten = remote::rewrite(&probe_url, &rules, for_push);
        if rewritten != probe_url && remote::parse(&rewritten).is_ok_and(|r| r.transport == Transport::Ssh) {
            // The rule git applies (the longest prefix), named with its secret masked.
            let rule = remote::applied_rule(&probe_url, &rules, for_push).and_then(|i| obs.insteadof.get(i));
            let origin =
                rule.map(|r| format!(" (from {})", r.entry.origin.trim_start_matches("file:"))).unwrap_or_default();
            let key = rule.map(rule_key).unwrap_or_else(|| "url.*.insteadOf".into());
            return Check::warn(
                CheckId::Insteadof,
                format!("{key} rewrites {} URLs to SSH{origin}", deps.host.base()),
                "`git-reauth setup --token-stdin --switch-remote` removes the rule (undoable)",
            );
        }
    }
    Check::ok(CheckId::Insteadof, format!("no insteadOf rule forces {} to SSH", deps.host.host()))
}

/// `url.<base>.insteadOf` with any secret in `<base>` masked (the key as written).
fn rule_key(r: &crate::git::InsteadOfRule) -> String {
    let key = &r.entry.key;
    let suffix_at = key.rfind('.').unwrap_or(key.len());
    format!("url.{}{}", remote::redact(&r.rule.base), &key[suffix_at..])
}

pub(super) fn helper_check(deps: &Deps, fill: &FillOutcome) -> Check {
    if fill.chain.is_empty() {
        return Check::fail(
            CheckId::CredentialHelper,
            Kind::NoHelper,
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
    // git's store helper fails silently when it cannot write: a new token would not be kept.
    if let Some(h) = fill.helper()
        && let Some(dir) = crate::engine::setup::unwritable_store_dir(deps, &h.value)
    {
        return Check::fail(
            CheckId::CredentialHelper,
            Kind::StoreNotWritable,
            format!(
                "the {} helper answers but cannot write to {}: a new token would not be kept (git ignores the failure)",
                h.name(),
                dir.display()
            ),
            format!(
                "make {} writable, or keep the token elsewhere: `git-reauth setup --token-stdin --store keyring` (or `--store cache`)",
                dir.display()
            ),
        );
    }
    Check::ok(
        CheckId::CredentialHelper,
        format!("helpers for {}: {}{answering}", deps.host.host_port(), list.join(", ")),
    )
}

/// The OS keyring: required when git-reauth's own helper is in the chain, otherwise
/// only an option for `setup --store keyring`. The probe only looks up an entry that
/// does not exist: doctor writes nothing and never makes the keyring prompt (whether
/// our helper really hands out the token shows in cached-credential).
pub(super) fn keyring_check(fill: &FillOutcome, probe: Result<(), crate::store::KeyringUnavailable>) -> Check {
    let ours = fill.chain.iter().any(|h| matches!(h.name().as_str(), "git-reauth" | "reauth"));
    match (probe, ours) {
        (Ok(()), true) => Check::ok(CheckId::Keyring, "the OS keyring works and git-reauth's helper uses it"),
        (Ok(()), false) => Check::ok(CheckId::Keyring, "the OS keyring works (available for `setup --store keyring`)"),
        (Err(e), true) => Check::fail(
            CheckId::Keyring,
            Kind::KeyringUnavailable,
            format!("git-reauth's helper is configured but {e}"),
            e.explain(),
        ),
        (Err(e), false) if e.reason == crate::store::Reason::Locked => {
            Check::warn(CheckId::Keyring, format!("{e}; unlock it before `setup --store keyring`"), e.explain())
        }
        (Err(e), false) => {
            Check::warn(CheckId::Keyring, format!("{e}; `setup --store keyring` is not available here"), e.explain())
        }
    }
}

pub(super) fn access_check(
    deps: &Deps,
    r: &RepoRef,
    account: &Account,
    role_push: bool,
    write: &Option<Result<Probe, ApiError>>,
) -> Check {
    let fine_grained_url = || deps.host.fine_grained_token_url(&deps.env.machine, Some(&r.owner));
    // A fine-grained token of the repository's own (user) owner, or of an account whose
    // role may push: a refusal can only be the token's grant (Contents: read).
    let own_fine_grained = account.scopes.is_none() && (role_push || account.login.eq_ignore_ascii_case(&r.owner));
    match write {
        Some(Ok(Probe::Allowed)) => Check::ok(CheckId::RepoAccess, format!("{} can read and push {r}", account.login)),
        Some(Ok(Probe::Forbidden { message })) => match classify_git_error(message) {
            GitFailure::ClassicForbidden => Check::fail(
                CheckId::RepoAccess,
                Kind::ClassicTokenForbidden,
                crate::engine::error::classic_forbidden(&r.owner, &first_remote_line(message)),
                format!("create a fine-grained token for {}: {}", r.owner, fine_grained_url()),
            ),
            GitFailure::WriteNotGranted => read_only(r, fine_grained_url()),
            _ if own_fine_grained => read_only(r, fine_grained_url()),
            _ if !role_push => Check::fail(
                CheckId::RepoAccess,
                Kind::NoWriteRole,
                format!("{} can read {r} but has no write access to it", account.login),
                "ask an owner for write access, or push to your fork",
            ),
            _ => Check::fail(
                CheckId::RepoAccess,
                Kind::PushRefused,
                format!("pushing to {r} is refused: {}", first_remote_line(message)),
                "see the message; run `git-reauth` to fix the token",
            ),
        },
        Some(Ok(Probe::NotFound)) => Check::fail(
            CheckId::RepoAccess,
            Kind::RepoNotVisible,
            format!("git cannot find {r} with this token, which belongs to {}", account.login),
            "check the token's repository access",
        ),
        Some(Ok(Probe::Unauthorized { .. })) => Check::fail(
            CheckId::RepoAccess,
            Kind::TokenRejected,
            format!("git's endpoint rejects the token for {r}"),
            "create a new token and run `git-reauth`",
        ),
        Some(Err(e)) => refused_check(deps, r, e),
        None => Check::skip(CheckId::RepoAccess, "not checked"),
    }
}

fn read_only(r: &RepoRef, create_url: String) -> Check {
    Check::fail(
        CheckId::RepoAccess,
        Kind::ReadOnlyToken,
        format!("this token grants Contents: read on {r}, so git can fetch but cannot push"),
        format!("create one with Contents: read and write (or edit this one's permissions): {create_url}"),
    )
}

/// The API refused (or did not answer) about the token and `r`: GitHub's own reason
/// when it gave one (a classic token its owner forbids, a missing permission).
pub(super) fn refused_check(deps: &Deps, r: &RepoRef, e: &ApiError) -> Check {
    let fine_grained_url = || deps.host.fine_grained_token_url(&deps.env.machine, Some(&r.owner));
    match e {
        ApiError::ClassicTokenForbidden { owner, message } => Check::fail(
            CheckId::RepoAccess,
            e.kind(),
            crate::engine::error::classic_forbidden(owner, message),
            format!("create a fine-grained token for {owner}: {}", fine_grained_url()),
        ),
        ApiError::PermissionMissing { needs } => Check::fail(
            CheckId::RepoAccess,
            e.kind(),
            format!("cannot check access to {r}: {e}"),
            match needs {
                Some(n) => format!(
                    "give the token {} on its settings page, or create one: {}",
                    crate::model::kind::describe_permissions(n),
                    fine_grained_url()
                ),
                None => {
                    format!("give the token Contents: read and write for {r}, or create one: {}", fine_grained_url())
                }
            },
        ),
        e => Check::fail(CheckId::RepoAccess, e.kind(), format!("cannot check access to {r}: {e}"), api_fix(e)),
    }
}

pub(super) fn scopes_check(
    deps: &Deps,
    account: &Account,
    kind: TokenKind,
    public: bool,
    repo: Option<&RepoRef>,
) -> Check {
    match &account.scopes {
        None => Check::ok(
            CheckId::TokenScopes,
            format!("{}: no scopes; access is granted per repository (see repo-access)", kind.describe()),
        ),
        Some(scopes) => match scopes.missing_for_push(public && repo.is_some()) {
            None => Check::ok(CheckId::TokenScopes, format!("scopes: {}", scopes.display())),
            Some(needed) => Check::fail(
                CheckId::TokenScopes,
                Kind::MissingScope,
                format!("the token lacks the `{needed}` scope needed to push (it has: {})", scopes.display()),
                format!("create a token with repo: {}", deps.host.classic_token_url(&deps.env.machine)),
            ),
        },
    }
}

pub(super) fn expiry_check(account: &Account) -> Check {
    match account.expires {
        None => Check::ok(CheckId::TokenExpiry, "the token does not expire"),
        Some(t) => {
            let days = crate::model::account::days_left(t, chrono::Utc::now());
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

pub(super) fn plural_days(d: i64) -> String {
    match d {
        ..=0 => "less than a day".into(),
        1 => "1 day".into(),
        d => format!("{d} days"),
    }
}

pub(super) fn live_check(read: &Probe, write: Option<&Probe>, repo: Option<&RepoRef>) -> Check {
    let r = repo.map(|r| r.to_string()).unwrap_or_default();
    match read {
        Probe::Allowed => match write {
            Some(Probe::Allowed) => {
                Check::ok(CheckId::LiveAuth, format!("git can fetch and push {r} over HTTPS with this credential"))
            }
            _ => Check::warn(CheckId::LiveAuth, format!("git can fetch {r} but not push"), "see repo-access"),
        },
        Probe::Unauthorized { message } => {
            let (kind, why) = match classify_git_error(message) {
                GitFailure::PasswordRemoved => (
                    Kind::PasswordRejected,
                    "GitHub refuses the account password (password authentication was removed)".to_string(),
                ),
                _ => (Kind::TokenRejected, "GitHub refuses the saved credential".to_string()),
            };
            Check::fail(
                CheckId::LiveAuth,
                kind,
                format!("`git fetch`/`git push` of {r} would fail: {why}"),
                "run `git-reauth` to store a working token",
            )
        }
        Probe::Forbidden { message } => Check::fail(
            CheckId::LiveAuth,
            match classify_git_error(message) {
                GitFailure::ClassicForbidden => Kind::ClassicTokenForbidden,
                GitFailure::Sso { .. } => Kind::SsoRequired,
                GitFailure::WriteNotGranted => Kind::ReadOnlyToken,
                _ => Kind::PushRefused,
            },
            format!("git is refused for {r}: {}", first_remote_line(message)),
            "see the checks above",
        ),
        Probe::NotFound => Check::fail(
            CheckId::LiveAuth,
            Kind::RepoNotVisible,
            format!("git says {r} does not exist for this credential"),
            "check the repository name and the token's access",
        ),
    }
}

/// The first line of what git's endpoint answered, cut if it goes on and on.
pub(super) fn first_remote_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or("").trim_start_matches("remote:").trim();
    crate::model::text::clip(line, crate::git::LINE_MAX)
}
