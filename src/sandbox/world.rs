//! The world the demo's scenarios and the benches start from: the sandbox with the user
//! `octo`, the private repository `hello` (owned by `octo` or by an organization), and a
//! workstation with a clone of it whose credential helper remembers octo's old password.

use chrono::{DateTime, Utc};

use super::workstation::{HelperKind, Workstation, WorkstationSpec};
use super::{Sandbox, SandboxOptions, TokenKindSpec, TokenSpec};

/// The user.
pub const LOGIN: &str = "octo";
/// The user's old account password, the stale secret the workstation's helper holds.
pub const PASSWORD: &str = "correct-horse-battery-staple";
/// The repository.
pub const REPO: &str = "hello";

/// How a world differs from the plain one ([`WorldSpec::default`]: the repository is
/// octo's, `origin` is HTTP, the store helper, no `insteadOf` rule).
#[derive(Clone, Debug)]
pub struct WorldSpec {
    /// The repository belongs to this organization, which enforces SAML SSO; `None`: to
    /// the user.
    pub sso_org: Option<String>,
    /// `origin` is `git@127.0.0.1:OWNER/hello.git` instead of the HTTP URL.
    pub ssh_remote: bool,
    pub helper: HelperKind,
    /// A global `url.insteadOf` rule turns the HTTP URL into SSH.
    pub insteadof_ssh: bool,
}

impl Default for WorldSpec {
    fn default() -> Self {
        WorldSpec { sso_org: None, ssh_remote: false, helper: HelperKind::Store, insteadof_ssh: false }
    }
}

/// A running sandbox and the workstation built on it: drop it to stop the sandbox and
/// remove every file.
#[derive(Debug)]
pub struct World {
    pub sandbox: Sandbox,
    pub ws: Workstation,
    /// The repository's owner: the user or the SSO organization.
    pub owner: String,
}

impl World {
    /// Start the sandbox and build the workstation (blocking git calls run on a
    /// blocking thread). Must be called inside a tokio runtime.
    pub async fn start(spec: WorldSpec) -> anyhow::Result<World> {
        let sandbox = Sandbox::start(SandboxOptions::default()).await?;
        sandbox.add_user(LOGIN, PASSWORD);
        if let Some(o) = &spec.sso_org {
            sandbox.add_org(o, true);
        }
        let owner = spec.sso_org.clone().unwrap_or_else(|| LOGIN.into());
        sandbox.add_repo(&owner, REPO, true, &[LOGIN])?;
        let ws_spec = WorkstationSpec {
            login: LOGIN.into(),
            password: PASSWORD.into(),
            owner: owner.clone(),
            repo: REPO.into(),
            ssh_remote: spec.ssh_remote,
            helper: spec.helper,
            insteadof_ssh: spec.insteadof_ssh,
        };
        let ws = Workstation::build_async(&sandbox, ws_spec).await?;
        Ok(World { sandbox, ws, owner })
    }

    /// A fresh classic token of the user's with these OAuth scopes.
    pub fn classic_token(&self, scopes: &[&str], expires_at: Option<DateTime<Utc>>) -> String {
        self.sandbox.issue_token(TokenSpec {
            login: LOGIN.into(),
            kind: TokenKindSpec::Classic { scopes: scopes.iter().map(|s| (*s).to_owned()).collect() },
            expires_at,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// `git ARGS` in the clone: success and what it printed.
    fn git(ws: &Workstation, args: &[&str]) -> (bool, String) {
        let out = tokio::task::block_in_place(|| ws.git(args).output()).unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_plain_world_is_octos_repo_over_http_and_a_token_pushes() {
        let world = World::start(WorldSpec::default()).await.unwrap();
        assert_eq!(world.owner, LOGIN);
        assert!(world.ws.http_url.ends_with("/octo/hello.git"), "{}", world.ws.http_url);
        let (_, origin) = git(&world.ws, &["remote", "get-url", "origin"]);
        assert_eq!(origin.trim(), world.ws.http_url);
        // The helper's old password no longer works.
        let (ok, out) = git(&world.ws, &["push", "origin", "HEAD:main"]);
        assert!(!ok, "{out}");
        let token = world.classic_token(&["repo"], None);
        let with_token = world.ws.http_url.replacen("http://", &format!("http://{LOGIN}:{token}@"), 1);
        let (ok, out) = git(&world.ws, &["push", &with_token, "HEAD:main"]);
        assert!(ok, "{out}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_sso_world_puts_the_repo_in_the_org_behind_ssh() {
        let spec = WorldSpec { sso_org: Some("acme".into()), ssh_remote: true, ..WorldSpec::default() };
        let world = World::start(spec).await.unwrap();
        assert_eq!(world.owner, "acme");
        let (_, origin) = git(&world.ws, &["remote", "get-url", "origin"]);
        assert_eq!(origin.trim(), "git@127.0.0.1:acme/hello.git");
        assert!(world.sandbox.repo_path("acme", REPO).exists());
    }
}
