//! The wizard's screens in fixed states, built without a network or a repository: the
//! broken workstation of the README (SSH origin, `store` helper holding a stale account
//! password) at every step. The snapshot tests draw these states as text; the
//! `screenshots` example and its staleness test draw [`states`] as SVG
//! (`assets/*.svg`). Not an API: hidden from the docs.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};

use crate::engine::Error;
use crate::engine::journal::Entry;
use crate::engine::setup::{Applied, Prepared, RepoTarget, SetupOpts};
use crate::model::account::Account;
use crate::model::diagnosis::{Check, CheckId, Diagnosis};
use crate::model::helpers::HelperEntry;
use crate::model::host::HostUrl;
use crate::model::plan::{Change, Plan};
use crate::model::remote::{RepoRef, Transport};
use crate::model::repo::{RemoteInfo, RemoteView, RepoInfo};
use crate::model::scopes::Scopes;
use crate::model::storage::StoreChoice;
use crate::model::token::{Token, TokenKind};
use crate::tui::app::{ApplyStage, Failure, Local, Msg, Screen, State, VerifyState, start, update};

/// A token of the real shape, built at run time so that no file holds one; no screen,
/// snapshot or screenshot may ever contain it. (The last four characters, `q4Zz`, are
/// the part the Paste screen shows.)
pub fn fake_token() -> String {
    ["ghp_", &"SECRETsecret".repeat(2), "SECRET", "12q4Zz"].concat()
}

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
            crate::model::kind::Kind::PasswordRejected,
            "the store helper returns a password GitHub rejects (GitHub needs a token since password authentication was removed)",
            "run `git-reauth` to replace it with a token",
        ),
        Check::skip(CheckId::TokenScopes, "the credential is not valid"),
        Check::skip(CheckId::TokenExpiry, "the credential is not valid"),
        Check::skip(CheckId::RepoAccess, "the credential is not valid"),
        Check::skip(CheckId::Sso, "the credential is not valid"),
        Check::fail(
            CheckId::LiveAuth,
            crate::model::kind::Kind::PasswordRejected,
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
            url_from: Vec::new(),
            pushurl_from: Vec::new(),
        },
        repo: RepoRef { owner: "octo".into(), name: "hello".into() },
        transport: Transport::Ssh,
        push_transport: Transport::Ssh,
        fetch_transport: Transport::Ssh,
        embeds_secret: false,
        alias: None,
        push_repo: None,
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
                Change::ForgetCredential {
                    protocol: "https".into(),
                    host: "github.com".into(),
                    path: None,
                    username: None,
                },
                Change::StoreCredential {
                    protocol: "https".into(),
                    host: "github.com".into(),
                    path: None,
                    username: "octo".into(),
                    via: "your credential helper (store)".into(),
                },
            ],
        },
        notes: vec![],
        opts: SetupOpts {
            remote: None,
            switch_remote: true,
            store: StoreChoice::Helper,
            bind: Default::default(),
            host_only: false,
        },
        request: crate::model::request::Request {
            protocol: "https".into(),
            host: "github.com".into(),
            path: None,
            username: None,
            user_source: None,
        },
        stale: Default::default(),
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
    let _ = start(&mut s);
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
    let token = fake_token();
    s.field = crate::tui::secret::SecretBuf::from_text(&token);
    s.verify = VerifyState::Passed { token: Token::new(token), prepared: Box::new(prepared()) };
    if screen == Screen::Done {
        s.apply.changed = 3;
        s.apply.stage = ApplyStage::Applied(Box::new(applied(&prepared())));
    }
    s
}

/// The diagnosis while the checks come in: five decided, the rest pending.
pub fn diagnosis_filling_in() -> State {
    let mut s = fresh();
    let _ = start(&mut s);
    s.local = Some(local());
    s.checks.extend(checks().into_iter().take(5));
    s.spinner = 3;
    s
}

/// The token field holding a pasted token (shown masked).
pub fn paste_token() -> State {
    let mut s = at(Screen::Paste);
    s.field = crate::tui::secret::SecretBuf::from_text(&fake_token());
    s
}

/// Verify, failed with `error`.
pub fn verify_failed(error: &Error) -> State {
    let mut s = at(Screen::Verify);
    let token = Token::new(fake_token());
    s.verify = VerifyState::Failed { token, failure: Failure::from(error) };
    s
}

/// The token works, but the organization wants SSO authorization for it.
pub fn verify_sso() -> State {
    verify_failed(&Error::SsoRequired {
        repo: "acme/hello".into(),
        url: Some("https://github.com/orgs/acme/sso?authorization_request=A1B2C3".into()),
    })
}

/// Verify: the remote URL names another login than the token's; `b` and `u` bind.
pub fn verify_account() -> State {
    verify_failed(&Error::AccountMismatch {
        pinned: "work-bot".into(),
        source_of: "the remote URL".into(),
        login: "octo".into(),
        target: "origin".into(),
        by_helper: false,
    })
}

/// Credentials for a remote that used the SSH alias `github-work`: switched to HTTPS
/// and bound to the token's account in the repository's own config.
pub fn credentials_alias() -> State {
    let mut s = at(Screen::Credentials);
    let mut p = prepared();
    let alias = "git@github-work:octo/hello.git".to_string();
    if let Some(t) = &mut p.target {
        t.view.info.url = Some(alias.clone());
        t.view.alias = Some(crate::model::ssh::SshAlias {
            name: "github-work".into(),
            hostname: "github.com".into(),
            user: Some("git".into()),
            identity_file: Some("~/.ssh/id_work".into()),
        });
    }
    let config = PathBuf::from("/home/me/hello/.git/config");
    for c in &mut p.plan.changes {
        if let Change::RemoteUrl { from, .. } = c {
            *from = Some(alias.clone());
        }
    }
    p.plan.changes.insert(
        1,
        Change::ConfigKey {
            file: config,
            key: "credential.https://github.com.username".into(),
            from: vec![],
            to: vec!["octo".into()],
        },
    );
    p.notes.push(
        "origin used the SSH alias github-work (for github.com); over HTTPS it is bound to octo, the token's account"
            .into(),
    );
    if let VerifyState::Passed { prepared, .. } = &mut s.verify {
        **prepared = p;
    }
    s
}

/// Credentials for a linked worktree whose remote URL git reads from a file the
/// repository's config includes (`includeIf "gitdir:…"`): that file is the one changed.
pub fn credentials_include() -> State {
    let mut s = at(Screen::Credentials);
    if let VerifyState::Passed { prepared, .. } = &mut s.verify {
        for c in &mut prepared.plan.changes {
            if let Change::RemoteUrl { config, .. } = c {
                *config = PathBuf::from("/home/me/work/work.inc");
            }
        }
    }
    s
}

/// Apply with the first change done and the rest in flight.
pub fn apply_running() -> State {
    let mut s = at(Screen::Apply);
    s.apply.stage = ApplyStage::Running { req: 9, quit_when_done: None };
    s.apply.changed = 1;
    s
}

/// Every screen in the wizard's order, in colour at 100×30: the file stem of its
/// screenshot, a caption, and the state.
pub fn states() -> Vec<(&'static str, &'static str, State)> {
    let mut all = vec![
        ("diagnosis", "Diagnosis: a stale password and an SSH remote", diagnosed()),
        ("diagnosis-filling-in", "Diagnosis: checks come in as they finish", diagnosis_filling_in()),
        ("create", "Create a token: the pre-filled page", at(Screen::Create)),
        ("paste", "Paste the token: masked, checked as you type", paste_token()),
        ("verify", "Verify: GitHub accepts the token", at(Screen::Verify)),
        ("verify-sso", "Verify: the organization wants SSO authorization", verify_sso()),
        ("verify-account", "Verify: git sends another login for this repository", verify_account()),
        ("remote", "Remote: switch SSH to HTTPS", at(Screen::Remote)),
        ("credentials", "Credentials: every change before it is made", at(Screen::Credentials)),
        (
            "credentials-alias",
            "Credentials: an SSH alias switched and bound to the token's account",
            credentials_alias(),
        ),
        ("apply", "Apply: one change at a time", apply_running()),
        ("done", "Done: verified, and how to undo", at(Screen::Done)),
    ];
    for (_, _, s) in &mut all {
        s.color = true;
    }
    all
}

/// The size the screenshots are drawn at.
pub const SHOT_SIZE: (u16, u16) = (100, 30);

/// Every state of [`states`] drawn by the wizard's own `draw` and turned into an SVG
/// terminal window: `(file name, svg)`, for `assets/`.
pub fn screenshots() -> Vec<(String, String)> {
    let (w, h) = SHOT_SIZE;
    states()
        .into_iter()
        .map(|(stem, caption, mut state)| {
            state.size = (w, h);
            // A TestBackend cannot fail (its error type is `Infallible`).
            let mut terminal =
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap_or_else(|e| match e {});
            terminal.draw(|f| crate::tui::screens::draw(&state, f)).unwrap_or_else(|e| match e {});
            let svg = crate::tui::svg::svg(terminal.backend().buffer(), &format!("git-reauth — {caption}"));
            (format!("{stem}.svg"), svg)
        })
        .collect()
}
