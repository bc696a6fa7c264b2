//! States built without a network or a repository: the broken workstation of the
//! README (SSH origin, store helper with a stale password) at every screen.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};

use crate::engine::journal::Entry;
use crate::engine::observe::RemoteView;
use crate::engine::setup::{Applied, Prepared, RepoTarget, StoreChoice};
use crate::git::{RemoteInfo, RepoInfo};
use crate::github::Account;
use crate::model::diagnosis::{Check, CheckId, Diagnosis};
use crate::model::helpers::HelperEntry;
use crate::model::host::HostUrl;
use crate::model::plan::{Change, Plan};
use crate::model::remote::{RepoRef, Transport};
use crate::model::scopes::Scopes;
use crate::model::token::{Token, TokenKind};
use crate::tui::app::{Local, Msg, Screen, State, update};

/// A token that looks real; no snapshot may ever contain it.
pub const TOKEN: &str = "ghp_SECRETsecretSECRETsecretSECRET12q4Zz";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).single().unwrap_or_default()
}

pub fn local() -> Local {
    Local {
        repo: Some("octo/hello".into()),
        owner: Some("octo".into()),
        remote: Some("origin".into()),
        workdir: Some("/home/me/hello".into()),
        uses_ssh: true,
    }
}

/// A fresh wizard for github.com, as `run` makes it (no colour: snapshots hold text).
pub fn fresh() -> State {
    let mut s = State::new(HostUrl::github(), "laptop".into(), now());
    s.color = false;
    s.size = (100, 30);
    s
}

pub fn checks() -> Vec<Check> {
    vec![
        Check::ok(CheckId::GitVersion, "git 2.47.3"),
        Check::ok(CheckId::Repository, "octo/hello (origin) in /home/me/hello"),
        Check::warn(
            CheckId::RemoteProtocol,
            "origin uses SSH (git@github.com:octo/hello.git): a token is not used for it",
            "switch to HTTPS",
        ),
        Check::ok(CheckId::Insteadof, "no insteadOf rule forces github.com to SSH"),
        Check::ok(
            CheckId::CredentialHelper,
            "helpers for github.com: store (global); store answers, from /home/me/.gitconfig",
        ),
        Check::ok(CheckId::Keyring, "the OS keyring works (available for `setup --store keyring`)"),
        Check::ok(CheckId::Network, "https://api.github.com answers"),
        Check::fail(
            CheckId::CachedCredential,
            "the store helper returns a password GitHub rejects (GitHub needs a token since password authentication was removed)",
            "run `git-reauth` to replace it with a token",
        ),
        Check::skip(CheckId::TokenScopes, "the credential is not valid"),
        Check::skip(CheckId::TokenExpiry, "the credential is not valid"),
        Check::skip(CheckId::RepoAccess, "the credential is not valid"),
        Check::skip(CheckId::Sso, "the credential is not valid"),
        Check::fail(
            CheckId::LiveAuth,
            "`git push` of octo/hello would fail: GitHub refuses the account password",
            "run `git-reauth`",
        ),
    ]
}

pub fn diagnosis() -> Diagnosis {
    Diagnosis::new("github.com".into(), Some("/home/me/hello".into()), Some("origin".into()), checks())
}

pub fn healthy() -> Diagnosis {
    let checks = CheckId::ALL.iter().map(|&id| Check::ok(id, format!("{} is fine", id.label()))).collect();
    Diagnosis::new("github.com".into(), Some("/home/me/hello".into()), Some("origin".into()), checks)
}

pub fn prepared() -> Prepared {
    let ssh = "git@github.com:octo/hello.git".to_string();
    let https = "https://github.com/octo/hello.git".to_string();
    let config = PathBuf::from("/home/me/hello/.git/config");
    let view = RemoteView {
        info: RemoteInfo {
            name: "origin".into(),
            url: Some(ssh.clone()),
            pushurl: None,
            effective_fetch: ssh.clone(),
            effective_push: ssh.clone(),
        },
        repo: RepoRef { owner: "octo".into(), name: "hello".into() },
        transport: Transport::Ssh,
        push_transport: Transport::Ssh,
        fetch_transport: Transport::Ssh,
        embeds_secret: false,
    };
    let target = RepoTarget {
        repo: RepoInfo {
            workdir: "/home/me/hello".into(),
            config_file: config.clone(),
            remotes: vec!["origin".into()],
        },
        view,
        private: true,
    };
    let scopes: BTreeSet<String> = ["repo", "workflow"].iter().map(|s| s.to_string()).collect();
    Prepared {
        account: Account {
            login: "octo".into(),
            scopes: Some(Scopes(scopes)),
            expires: Some(now() + chrono::Duration::days(90)),
        },
        kind: TokenKind::Classic,
        warnings: vec![],
        target: Some(target),
        chain: vec![HelperEntry {
            value: "store".into(),
            scope: "global".into(),
            origin: "file:/home/me/.gitconfig".into(),
        }],
        plan: Plan {
            changes: vec![
                Change::RemoteUrl { config, remote: "origin".into(), push: false, from: Some(ssh), to: Some(https) },
                Change::ForgetCredential { protocol: "https".into(), host: "github.com".into(), username: None },
                Change::StoreCredential {
                    protocol: "https".into(),
                    host: "github.com".into(),
                    username: "octo".into(),
                    via: "your credential helper (store)".into(),
                },
            ],
        },
        notes: vec![],
        store: StoreChoice::Helper,
    }
}

/// The same fix outside a repository: no remote, host-level only.
pub fn prepared_host_only() -> Prepared {
    let mut p = prepared();
    p.target = None;
    p.plan.changes.retain(|c| !matches!(c, Change::RemoteUrl { .. }));
    p
}

pub fn applied(p: &Prepared) -> Applied {
    Applied {
        entry: Entry::new("github.com", Some("/home/me/hello".into()), p.plan.clone()),
        journal: "/home/me/.local/state/git-reauth/20250301T120000Z-1.json".into(),
        verified: vec![
            "git credential fill returns the new token (from store)".into(),
            "git ls-remote https://github.com/octo/hello.git works with it".into(),
        ],
    }
}

/// Feed messages, collecting every effect.
pub fn feed(s: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<crate::tui::app::Effect> {
    msgs.into_iter().flat_map(|m| update(s, m)).collect()
}

/// A wizard whose diagnosis is complete (request 1).
pub fn diagnosed() -> State {
    let mut s = fresh();
    let _ = crate::tui::app::start(&mut s);
    feed(&mut s, [Msg::Observed { req: 1, local: local() }, Msg::Diagnosed { req: 1, diagnosis: diagnosis() }]);
    s
}

/// At `screen` along the happy path, with whatever that screen needs.
pub fn at(screen: Screen) -> State {
    let mut s = diagnosed();
    if screen == Screen::Diagnosis {
        return s;
    }
    s.screen = screen;
    if matches!(screen, Screen::Create | Screen::Paste) {
        return s;
    }
    s.field = crate::tui::secret::SecretBuf::from_text(TOKEN);
    s.token = Some(Token::new(TOKEN));
    s.verify = crate::tui::app::VerifyState::Passed;
    s.prepared = Some(prepared());
    if screen == Screen::Done {
        s.apply.changed = 3;
        s.apply.applied = Some(applied(&prepared()));
    }
    s
}
