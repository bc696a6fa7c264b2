//! `git credential fill|approve|reject`: the user's real helper chain, driven through
//! git itself. Secrets go over stdin only.

use secrecy::ExposeSecret;

use super::{Git, GitError, Limits, first_line};
use crate::model::credential::{Credential, parse};
use crate::model::helpers::HelperEntry;
use crate::model::request::{Request, helpers_for};

/// What `git credential fill` found.
#[derive(Debug)]
pub struct FillOutcome {
    /// The credential git would use, if any helper had one.
    pub credential: Option<Credential>,
    /// Which helper of the chain answered (index into `chain`).
    pub answered_by: Option<usize>,
    /// The helpers git runs for this host, in order, with their origins.
    pub chain: Vec<HelperEntry>,
    /// git's complaint when nothing was found (e.g. "terminal prompts disabled"), one
    /// line with its control characters escaped.
    pub error: Option<String>,
}

impl FillOutcome {
    /// The helper that answered.
    pub fn helper(&self) -> Option<&HelperEntry> {
        self.answered_by.and_then(|i| self.chain.get(i))
    }
}

/// The credential operations for one request: protocol + host (+ path and user name,
/// as git computes them for a URL: [`Request`]).
#[derive(Clone, Debug)]
pub struct GitCredential {
    pub git: Git,
    pub protocol: String,
    /// host[:port] as git's protocol names it (an IPv6 address in brackets).
    pub host: String,
    /// Sent when git sends it (`credential.useHttpPath`).
    pub path: Option<String>,
    /// The user name git sends (the URL's or `credential.<url>.username`), if any.
    pub username: Option<String>,
}

impl GitCredential {
    /// The host's request (no path, no user name): what git asks for a URL of the host
    /// when nothing pins a user.
    pub fn new(git: Git, protocol: &str, host_name: &str, port: Option<u16>) -> GitCredential {
        let name = if host_name.contains(':') { format!("[{host_name}]") } else { host_name.to_string() };
        let host = match port {
            Some(p) => format!("{name}:{p}"),
            None => name,
        };
        GitCredential { git, protocol: protocol.into(), host, path: None, username: None }
    }

    /// Exactly `request`'s attributes.
    pub fn for_request(git: Git, request: &Request) -> GitCredential {
        GitCredential {
            git,
            protocol: request.protocol.clone(),
            host: request.host.clone(),
            path: request.path.clone(),
            username: request.username.clone(),
        }
    }

    /// The same request for another user name (`None`: any).
    pub fn with_username(&self, username: Option<&str>) -> GitCredential {
        GitCredential { username: username.map(str::to_owned), ..self.clone() }
    }

    fn base(&self) -> Credential {
        Credential {
            protocol: Some(self.protocol.clone()),
            host: Some(self.host.clone()),
            path: self.path.clone(),
            username: self.username.clone(),
            ..Default::default()
        }
    }

    /// The helpers git runs for this request, in order, with origins (urlmatch over
    /// the whole request: a `credential.<url>.helper` with a path or user name counts).
    pub async fn chain(&self) -> Result<Vec<HelperEntry>, GitError> {
        let entries = super::config_entries(&self.git, r"^credential\..*helper$").await?;
        Ok(self.chain_in(&entries))
    }

    /// [`chain`](Self::chain) from `credential.*` entries already read.
    pub fn chain_in(&self, entries: &[crate::model::helpers::ConfigEntry]) -> Vec<HelperEntry> {
        helpers_for(&self.protocol, &self.host, self.path.as_deref(), self.username.as_deref(), entries)
    }

    /// Ask the helpers for the host's credential without ever prompting. git's trace
    /// tells which helper answered (the last one it ran).
    pub async fn fill(&self) -> Result<FillOutcome, GitError> {
        let chain = self.chain().await?;
        let input = self.base().render().map_err(|e| GitError::Repo(e.to_string()))?;
        let trace = [("GIT_TRACE", "2")];
        let out =
            self.git.run_limited(&["credential", "fill"], Some(input.as_bytes()), &trace, Limits::CREDENTIAL).await?;
        let stdout = zeroize::Zeroizing::new(out.stdout);
        let helpers_run =
            out.stderr.lines().filter(|l| l.contains("trace: run_command:") && l.trim_end().ends_with(" get'")).count();
        if !out.ok {
            let error = out.stderr.lines().find(|l| !l.contains("trace: ") && !l.trim().is_empty()).map(first_line);
            return Ok(FillOutcome { credential: None, answered_by: None, chain, error });
        }
        if out.stdout_cut {
            // Half an answer is no answer (it could hold half a password).
            let error = Some(format!("its answer was longer than {} KB", Limits::CREDENTIAL.stdout >> 10));
            return Ok(FillOutcome { credential: None, answered_by: None, chain, error });
        }
        let credential = parse(&stdout).map_err(|e| GitError::Repo(crate::model::text::printable(&e.to_string())))?;
        let has_password = credential.password.as_ref().is_some_and(|p| !p.expose_secret().is_empty());
        let answered_by = (has_password && helpers_run > 0).then(|| helpers_run - 1);
        Ok(FillOutcome { credential: has_password.then_some(credential), answered_by, chain, error: None })
    }

    /// `git credential reject` for this request with `username` (`None`: every user's)
    /// and, when given, the password being replaced: git ≥ 2.43 passes it on, so helpers
    /// that can erase only the matching entry do, and every other login stays.
    pub async fn reject(
        &self,
        username: Option<&str>,
        password: Option<&secrecy::SecretString>,
    ) -> Result<(), GitError> {
        let mut c = self.base();
        c.username = username.map(str::to_owned);
        c.password = password.cloned();
        self.send("reject", &c).await
    }

    /// `git credential approve`: store `username` + `secret` in every helper.
    pub async fn approve(
        &self,
        username: &str,
        secret: &secrecy::SecretString,
        expiry_utc: Option<i64>,
    ) -> Result<(), GitError> {
        let mut c = self.base();
        c.username = Some(username.into());
        c.password = Some(secret.clone());
        c.password_expiry_utc = expiry_utc.map(|t| t.to_string());
        self.send("approve", &c).await
    }

    async fn send(&self, op: &str, c: &Credential) -> Result<(), GitError> {
        let input = zeroize::Zeroizing::new(c.render().map_err(|e| GitError::Repo(e.to_string()))?);
        let out = self.git.run_limited(&["credential", op], Some(input.as_bytes()), &[], Limits::CREDENTIAL).await?;
        if !out.ok {
            return Err(GitError::Failed { args: format!("credential {op}"), stderr: first_line(&out.stderr) });
        }
        Ok(())
    }
}
