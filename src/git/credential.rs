//! `git credential fill|approve|reject`: the user's real helper chain, driven through
//! git itself. Secrets go over stdin only.

use secrecy::ExposeSecret;

use super::{Git, GitError, Limits, first_line};
use crate::model::credential::{Credential, parse};
use crate::model::helpers::{HelperEntry, Target, helper_chain};

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

/// The credential operations for one protocol + host.
#[derive(Clone, Debug)]
pub struct GitCredential {
    pub git: Git,
    pub protocol: String,
    /// host[:port] as git's protocol names it.
    pub host: String,
    pub host_name: String,
    pub port: Option<u16>,
}

impl GitCredential {
    pub fn new(git: Git, protocol: &str, host_name: &str, port: Option<u16>) -> GitCredential {
        let host = match port {
            Some(p) if host_name.contains(':') => format!("[{host_name}]:{p}"),
            Some(p) => format!("{host_name}:{p}"),
            None => host_name.to_string(),
        };
        GitCredential { git, protocol: protocol.into(), host, host_name: host_name.into(), port }
    }

    fn base(&self) -> Credential {
        Credential::for_host(&self.protocol, &self.host)
    }

    /// The helper chain for this host, in order, with origins.
    pub async fn chain(&self) -> Result<Vec<HelperEntry>, GitError> {
        let entries = super::config_entries(&self.git, r"^credential\..*helper$").await?;
        Ok(helper_chain(&entries, &Target { protocol: &self.protocol, host: &self.host_name, port: self.port }))
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

    /// `git credential reject` with protocol + host (+ username) and no password, so
    /// every helper forgets what it holds for the host whatever the stored secret.
    pub async fn reject(&self, username: Option<&str>) -> Result<(), GitError> {
        let mut c = self.base();
        c.username = username.map(str::to_owned);
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
