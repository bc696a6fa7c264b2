//! The demo's scenarios: a sandbox and a broken workstation for each way git's HTTPS
//! authentication to GitHub commonly breaks, plus a working token to fix it with.

use std::io::Write;
use std::process::Stdio;

use chrono::{Duration, Utc};

use super::workstation::{HelperKind, Workstation};
use super::world::{World, WorldSpec};
use super::{Access, Sandbox, TokenKindSpec, TokenSpec};

pub use super::world::{LOGIN, PASSWORD, REPO};

/// One broken setup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    After2fa,
    ExpiredToken,
    MissingScope,
    Sso,
    ReadOnly,
    NoHelper,
    Insteadof,
}

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Scenario::After2fa,
        Scenario::ExpiredToken,
        Scenario::MissingScope,
        Scenario::Sso,
        Scenario::ReadOnly,
        Scenario::NoHelper,
        Scenario::Insteadof,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::After2fa => "after-2fa",
            Scenario::ExpiredToken => "expired-token",
            Scenario::MissingScope => "missing-scope",
            Scenario::Sso => "sso",
            Scenario::ReadOnly => "read-only",
            Scenario::NoHelper => "no-helper",
            Scenario::Insteadof => "insteadof",
        }
    }

    /// One line for `demo --list`.
    pub fn about(self) -> &'static str {
        match self {
            Scenario::After2fa => "2FA was just enabled: the store helper keeps the old password, origin is SSH",
            Scenario::ExpiredToken => "the saved token expired: git says \"Authentication failed\"",
            Scenario::MissingScope => "the saved token lacks the repo scope",
            Scenario::Sso => "the repository's organization enforces SAML SSO; the new token must be authorized",
            Scenario::ReadOnly => "the saved fine-grained token may read but not push",
            Scenario::NoHelper => "no credential helper: git asks for a password every time",
            Scenario::Insteadof => "origin is HTTPS but a url.insteadOf rule forces SSH",
        }
    }

    pub fn parse(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// A running scenario: drop it to stop the sandbox and remove every file.
pub struct Demo {
    pub scenario: Scenario,
    pub sandbox: Sandbox,
    pub ws: Workstation,
    /// A working token the demo offers (it is fake: showing it is fine).
    pub token: String,
    /// The SSO organization, for the `sso` scenario.
    pub org: Option<String>,
}

impl Demo {
    /// Start the sandbox and build the workstation (blocking git calls run on a
    /// blocking thread).
    pub async fn start(scenario: Scenario) -> anyhow::Result<Demo> {
        let spec = WorldSpec {
            sso_org: (scenario == Scenario::Sso).then(|| "acme".to_string()),
            ssh_remote: matches!(scenario, Scenario::After2fa | Scenario::Sso | Scenario::NoHelper),
            helper: if scenario == Scenario::NoHelper { HelperKind::None } else { HelperKind::Store },
            insteadof_ssh: scenario == Scenario::Insteadof,
        };
        let org = spec.sso_org.clone();
        let world = World::start(spec).await?;
        let owner = &world.owner;
        // The saved credential some scenarios start from instead of the old password.
        let saved = match scenario {
            Scenario::ExpiredToken => Some(world.classic_token(&["repo"], Some(Utc::now() - Duration::days(2)))),
            Scenario::MissingScope => {
                Some(world.classic_token(&["read:user", "gist"], Some(Utc::now() + Duration::days(60))))
            }
            Scenario::ReadOnly => Some(world.sandbox.issue_token(TokenSpec {
                login: LOGIN.into(),
                kind: TokenKindSpec::FineGrained { repos: vec![(format!("{owner}/{REPO}"), Access::Read)] },
                expires_at: Some(Utc::now() + Duration::days(30)),
            })),
            _ => None,
        };
        if let Some(secret) = saved {
            let host = world.sandbox.host_url().trim_start_matches("http://").to_string();
            replace_saved(&world.ws, &host, &secret)?;
        }
        let token = world.classic_token(&["repo", "workflow"], Some(Utc::now() + Duration::days(90)));
        let World { sandbox, ws, .. } = world;
        Ok(Demo { scenario, sandbox, ws, token, org })
    }
}

/// Swap the stale password in the workstation's helper for another secret.
fn replace_saved(ws: &Workstation, host: &str, secret: &str) -> anyhow::Result<()> {
    for (op, input) in [
        ("reject", format!("protocol=http\nhost={host}\n\n")),
        ("approve", format!("protocol=http\nhost={host}\nusername={LOGIN}\npassword={secret}\n\n")),
    ] {
        let mut child = ws.git(&["credential", op]).stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input.as_bytes())?;
        }
        anyhow::ensure!(child.wait()?.success(), "git credential {op} failed");
    }
    Ok(())
}
