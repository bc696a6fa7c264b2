//! Remote URLs: parse every form git accepts for GitHub, classify them against a host,
//! convert to HTTPS, and apply git's `insteadOf` rewriting.

use crate::model::host::HostUrl;

/// How a remote URL reaches its server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Https,
    Http,
    /// `ssh://…` or scp-like `user@host:path`.
    Ssh,
    /// `git://…`
    Git,
    /// `file://…`
    File,
    /// A plain local path.
    Local,
    /// Any other `scheme://` (e.g. `ext::`, `hg::`); left alone.
    Other,
}

/// A parsed remote URL. Never holds a password: only whether one was there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteUrl {
    pub transport: Transport,
    /// The user name in the URL, if any (`git` in `git@github.com:o/r`).
    pub user: Option<String>,
    /// True when the URL carries a secret: a password (`user:pw@`) or a token-shaped user name.
    pub embeds_secret: bool,
    /// Host name, lower-case, IPv6 without brackets. `None` for local paths.
    pub host: Option<String>,
    pub port: Option<u16>,
    /// The path without a leading `/` (scp-like paths are relative), e.g. `o/r.git`.
    pub path: String,
}

/// `OWNER/REPO` of a GitHub repository.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct RepoRef {
    pub owner: String,
    pub name: String,
}

impl std::fmt::Display for RepoRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Why a remote URL could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteUrlError {
    #[error("the remote URL is empty")]
    Empty,
    #[error("the remote URL contains control characters")]
    ControlChars,
    #[error("the remote URL is not valid: {0}")]
    Invalid(String),
}

/// What a remote URL is, relative to our host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classified {
    /// A repository on our host.
    GitHub {
        repo: RepoRef,
        transport: Transport,
        embeds_secret: bool,
    },
    /// A URL on some other host (gitlab.com, a mirror…), or our host but not OWNER/REPO.
    Foreign { host: String },
    /// A local path or file:// URL.
    Local,
}

/// Parse any remote URL form git accepts.
pub fn parse(s: &str) -> Result<RemoteUrl, RemoteUrlError> {
    todo!("{s}")
}

impl RemoteUrl {
    /// OWNER/REPO when the path is exactly two segments (trailing `.git` and `/` dropped).
    pub fn repo(&self) -> Option<RepoRef> {
        todo!()
    }
}

/// The URL with any password or token-shaped user name replaced by `***`: safe to print.
pub fn redact(url: &str) -> String {
    todo!("{url}")
}

/// Classify a remote URL against our host.
pub fn classify(url: &str, host: &HostUrl) -> Classified {
    todo!("{url}{host}")
}

/// The HTTPS form (`{host.base()}/OWNER/REPO.git`) of a remote on our host; `None` for
/// anything else. Converting the result again yields the same string.
pub fn to_https(url: &str, host: &HostUrl) -> Option<String> {
    todo!("{url}{host}")
}

/// One `url.<base>.insteadOf = <prefix>` (or `pushInsteadOf`) rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsteadOf {
    /// The replacement (`<base>` in `url.<base>.insteadOf`).
    pub base: String,
    /// The prefix it replaces.
    pub prefix: String,
    /// True for `pushInsteadOf`.
    pub push_only: bool,
}

/// Apply git's rewriting to a URL: the longest matching prefix wins. For a push URL
/// (`for_push`), a matching `pushInsteadOf` rule is preferred, then `insteadOf`
/// (git applies `pushInsteadOf` only to remotes without an explicit `pushurl`; the
/// caller decides that by passing `for_push`).
pub fn rewrite(url: &str, rules: &[InsteadOf], for_push: bool) -> String {
    todo!("{url}{rules:?}{for_push}")
}
