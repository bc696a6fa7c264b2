//! The GitHub host we work against (`--host-url`): github.com, a GHES host, or the
//! sandbox on loopback.

use crate::model::remote::RepoRef;

/// A validated host URL: scheme + host + optional port, nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostUrl {
    scheme: String,
    host: String,
    port: Option<u16>,
}

/// Why a `--host-url` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostUrlError {
    #[error("`{0}` is not a URL (expected e.g. https://github.com)")]
    Garbage(String),
    #[error("`{0}`: only https:// (or http:// on loopback) is supported")]
    Scheme(String),
    #[error("`{0}`: plain http:// is only allowed for 127.0.0.1, ::1 or localhost")]
    InsecureHttp(String),
    #[error("`{0}`: the host URL must not have a path, query or user name (use e.g. https://github.example.com)")]
    HasPath(String),
}

impl HostUrl {
    /// Parse and validate a `--host-url` value.
    pub fn parse(s: &str) -> Result<HostUrl, HostUrlError> {
        todo!("{s}")
    }
    /// `https://github.com`.
    pub fn github() -> HostUrl {
        HostUrl {
            scheme: "https".into(),
            host: "github.com".into(),
            port: None,
        }
    }
    /// True for github.com (its API lives on api.github.com).
    pub fn is_dotcom(&self) -> bool {
        self.host == "github.com" && self.port.is_none()
    }
    /// `https` or `http`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
    /// Host name only, lower-case (IPv6 without brackets).
    pub fn host(&self) -> &str {
        &self.host
    }
    /// Host as git's credential protocol names it: `github.com`, `127.0.0.1:8080`, `[::1]:8080`.
    pub fn host_port(&self) -> String {
        todo!()
    }
    /// `https://github.com` (no trailing slash).
    pub fn base(&self) -> String {
        todo!()
    }
    /// `https://api.github.com` for github.com, `{base}/api/v3` otherwise.
    pub fn api_base(&self) -> String {
        todo!()
    }
    /// The HTTPS (or loopback HTTP) remote URL for a repository: `{base}/OWNER/REPO.git`.
    pub fn repo_url(&self, repo: &RepoRef) -> String {
        todo!("{repo}")
    }
    /// True when a remote's host name belongs to this host: equal (ASCII case-insensitive)
    /// or `ssh.` + our host name (ssh.github.com). Ports are ignored.
    pub fn owns_remote_host(&self, remote_host: &str) -> bool {
        todo!("{remote_host}")
    }
    /// Pre-filled page for a classic token with `repo,workflow` and the description
    /// `git-reauth on <machine>` (URL-encoded).
    pub fn classic_token_url(&self, machine: &str) -> String {
        todo!("{machine}")
    }
    /// Pre-filled page for a fine-grained token owned by `owner` (when known) with
    /// `contents=write`, 90 days.
    pub fn fine_grained_token_url(&self, machine: &str, owner: Option<&str>) -> String {
        todo!("{machine}{owner:?}")
    }
}

impl std::fmt::Display for HostUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.host_port())
    }
}
