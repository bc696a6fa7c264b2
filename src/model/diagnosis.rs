//! What the doctor finds: checks with a status, a one-line summary and a fix, and the
//! classification of git's own error text.

use serde::Serialize;

pub use crate::model::kind::Kind;

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Skip,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Skip => "skip",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// The checks `doctor` runs, in display order. Ids are part of the JSON contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckId {
    GitVersion,
    Repository,
    RemoteProtocol,
    Insteadof,
    CredentialHelper,
    Keyring,
    Network,
    CachedCredential,
    TokenScopes,
    TokenExpiry,
    RepoAccess,
    Sso,
    LiveAuth,
}

impl CheckId {
    /// Every check, in the order doctor reports them.
    pub const ALL: [CheckId; 13] = [
        CheckId::GitVersion,
        CheckId::Repository,
        CheckId::RemoteProtocol,
        CheckId::Insteadof,
        CheckId::CredentialHelper,
        CheckId::Keyring,
        CheckId::Network,
        CheckId::CachedCredential,
        CheckId::TokenScopes,
        CheckId::TokenExpiry,
        CheckId::RepoAccess,
        CheckId::Sso,
        CheckId::LiveAuth,
    ];

    /// The id as it appears in JSON and in human output.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::GitVersion => "git-version",
            CheckId::Repository => "repository",
            CheckId::RemoteProtocol => "remote-protocol",
            CheckId::Insteadof => "insteadof",
            CheckId::CredentialHelper => "credential-helper",
            CheckId::Keyring => "keyring",
            CheckId::Network => "network",
            CheckId::CachedCredential => "cached-credential",
            CheckId::TokenScopes => "token-scopes",
            CheckId::TokenExpiry => "token-expiry",
            CheckId::RepoAccess => "repo-access",
            CheckId::Sso => "sso",
            CheckId::LiveAuth => "live-auth",
        }
    }

    /// A short label for the wizard's check list.
    pub fn label(self) -> &'static str {
        match self {
            CheckId::GitVersion => "git version",
            CheckId::Repository => "repository",
            CheckId::RemoteProtocol => "remote protocol",
            CheckId::Insteadof => "insteadOf rules",
            CheckId::CredentialHelper => "credential helper",
            CheckId::Keyring => "OS keyring",
            CheckId::Network => "network",
            CheckId::CachedCredential => "cached credential",
            CheckId::TokenScopes => "token scopes",
            CheckId::TokenExpiry => "token expiry",
            CheckId::RepoAccess => "repository access",
            CheckId::Sso => "SSO",
            CheckId::LiveAuth => "live git auth",
        }
    }
}

/// One line of the diagnosis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: CheckId,
    pub status: Status,
    pub summary: String,
    /// The stable kind of a failure (every `fail` has one): what scripts match on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    /// What to do; every `fail` has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    pub fn ok(id: CheckId, summary: impl Into<String>) -> Check {
        Check { id, status: Status::Ok, summary: summary.into(), kind: None, fix: None }
    }
    pub fn skip(id: CheckId, summary: impl Into<String>) -> Check {
        Check { id, status: Status::Skip, summary: summary.into(), kind: None, fix: None }
    }
    pub fn warn(id: CheckId, summary: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { id, status: Status::Warn, summary: summary.into(), kind: None, fix: Some(fix.into()) }
    }
    /// A failure: its kind (stable, for scripts), its words and what to do.
    pub fn fail(id: CheckId, kind: Kind, summary: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { id, status: Status::Fail, summary: summary.into(), kind: Some(kind), fix: Some(fix.into()) }
    }
}

/// The doctor's whole answer (`doctor --json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub host: String,
    pub healthy: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote: Option<String>,
    /// The account git sends for this repository (or the host) and where it comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<crate::model::request::Sends>,
    pub checks: Vec<Check>,
}

impl Diagnosis {
    /// Assemble a diagnosis; checks are sorted into the contract's order and
    /// `healthy` is derived (no check failed).
    pub fn new(host: String, repository: Option<String>, remote: Option<String>, mut checks: Vec<Check>) -> Diagnosis {
        checks.sort_by_key(|c| c.id);
        let healthy = checks.iter().all(|c| c.status != Status::Fail);
        Diagnosis { host, healthy, repository, remote, account: None, checks }
    }

    pub fn get(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// The most important failure, in plain words, for a summary line.
    pub fn headline(&self) -> String {
        match self.checks.iter().find(|c| c.status == Status::Fail) {
            None => "everything needed for `git push` over HTTPS works".into(),
            Some(c) => c.summary.clone(),
        }
    }
}

/// What git's stderr says went wrong (git prints these words; GitHub sends the
/// `remote:` lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitFailure {
    /// The account password was sent (or a bad token): "Support for password authentication was removed".
    PasswordRemoved,
    /// "Authentication failed for": bad, revoked or expired credential.
    AuthFailed,
    /// "Permission to O/R.git denied to USER": the account has no write access.
    PermissionDenied {
        user: Option<String>,
    },
    /// "Write access to repository not granted": a read-only (fine-grained) token.
    WriteNotGranted,
    /// "Personal access tokens (classic) are forbidden from accessing this repository."
    ClassicForbidden,
    /// "Repository not found": private and not visible to this credential, or a typo.
    RepoNotFound,
    /// SAML SSO: the token must be authorized for the organization.
    Sso {
        url: Option<String>,
    },
    /// "could not read Username … terminal prompts disabled": no credential at all.
    NoCredential,
    /// "Could not resolve host" / connection refused / timeout.
    Network,
    Other,
}

/// Classify git's stderr.
pub fn classify_git_error(stderr: &str) -> GitFailure {
    let lower = stderr.to_ascii_lowercase();
    if lower.contains("saml sso") || lower.contains("/sso?") {
        let url = stderr.split_whitespace().find(|w| w.starts_with("http") && w.contains("/sso")).map(str::to_owned);
        return GitFailure::Sso { url };
    }
    if lower.contains("support for password authentication was removed") {
        return GitFailure::PasswordRemoved;
    }
    if lower.contains("personal access tokens (classic) are forbidden") {
        return GitFailure::ClassicForbidden;
    }
    if lower.contains("write access to repository not granted") {
        return GitFailure::WriteNotGranted;
    }
    if let Some(pos) = lower.find("denied to ") {
        let user = stderr[pos + "denied to ".len()..]
            .split(|c: char| c.is_whitespace() || c == '.')
            .next()
            .filter(|u| !u.is_empty())
            .map(str::to_owned);
        if lower.contains("permission to") {
            return GitFailure::PermissionDenied { user };
        }
    }
    if lower.contains("repository not found") {
        return GitFailure::RepoNotFound;
    }
    if lower.contains("authentication failed for")
        || lower.contains("invalid username or password")
        || lower.contains("invalid username or token")
    {
        return GitFailure::AuthFailed;
    }
    if lower.contains("terminal prompts disabled") || lower.contains("could not read username") {
        return GitFailure::NoCredential;
    }
    if lower.contains("could not resolve host")
        || lower.contains("failed to connect")
        || lower.contains("connection refused")
        || lower.contains("timed out")
    {
        return GitFailure::Network;
    }
    GitFailure::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_githubs_words() {
        let cases = [
            (
                "remote: Support for password authentication was removed on August 13, 2021.\nfatal: Authentication failed for 'https://github.com/o/r.git/'",
                GitFailure::PasswordRemoved,
            ),
            ("fatal: Authentication failed for 'https://github.com/o/r.git/'", GitFailure::AuthFailed),
            (
                "remote: Permission to o/r.git denied to octo.\nfatal: unable to access 'x': The requested URL returned error: 403",
                GitFailure::PermissionDenied { user: Some("octo".into()) },
            ),
            ("remote: Write access to repository not granted.\nfatal: …403", GitFailure::WriteNotGranted),
            (
                "remote: Personal access tokens (classic) are forbidden from accessing this repository.\nfatal: unable to access 'x': The requested URL returned error: 403",
                GitFailure::ClassicForbidden,
            ),
            ("remote: Repository not found.\nfatal: repository 'x' not found", GitFailure::RepoNotFound),
            (
                "remote: The 'acme' organization has enabled or enforced SAML SSO.\nremote: To access this repository, visit https://github.com/orgs/acme/sso?authorization_request=AB and try your request again.",
                GitFailure::Sso { url: Some("https://github.com/orgs/acme/sso?authorization_request=AB".into()) },
            ),
            (
                "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
                GitFailure::NoCredential,
            ),
            ("fatal: unable to access 'https://x/': Could not resolve host: x", GitFailure::Network),
            ("fatal: something else", GitFailure::Other),
        ];
        for (text, want) in cases {
            assert_eq!(classify_git_error(text), want, "{text}");
        }
    }

    #[test]
    fn healthy_is_derived_and_checks_are_ordered() {
        let d = Diagnosis::new(
            "github.com".into(),
            None,
            None,
            vec![Check::ok(CheckId::LiveAuth, "x"), Check::warn(CheckId::GitVersion, "old", "upgrade")],
        );
        assert!(d.healthy);
        assert_eq!(d.checks[0].id, CheckId::GitVersion);
        let d = Diagnosis::new(
            "h".into(),
            None,
            None,
            vec![Check::fail(CheckId::Sso, Kind::SsoRequired, "no", "authorize")],
        );
        assert!(!d.healthy);
        assert_eq!(d.headline(), "no");
    }

    #[test]
    fn json_shape_matches_the_contract() {
        let d = Diagnosis::new(
            "github.com".into(),
            None,
            None,
            vec![Check::fail(CheckId::CachedCredential, Kind::PasswordRejected, "stale", "run git-reauth")],
        );
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(v["host"], "github.com");
        assert_eq!(v["healthy"], false);
        assert_eq!(v["checks"][0]["id"], "cached-credential");
        assert_eq!(v["checks"][0]["status"], "fail");
        assert_eq!(v["checks"][0]["fix"], "run git-reauth");
        assert_eq!(v["checks"][0]["kind"], "password_rejected");
        let ok = serde_json::to_value(Check::ok(CheckId::Sso, "fine")).unwrap();
        assert!(ok.get("kind").is_none(), "only a failure has a kind: {ok}");
    }

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for id in CheckId::ALL {
            assert!(seen.insert(id.as_str()));
            assert_eq!(serde_json::to_value(id).unwrap(), id.as_str());
        }
    }
}
