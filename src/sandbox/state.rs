//! The sandbox's world: users, organizations, repositories, tokens, rate limits, the request log.
//! Pure data and decisions; no I/O.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};

use super::{Access, RequestRecord, TokenKindSpec, TokenSpec};

/// Requests per hour for a token (GitHub's primary limit for a user).
pub(crate) const AUTH_LIMIT: u32 = 5000;
/// Requests per hour without credentials.
pub(crate) const ANON_LIMIT: u32 = 60;

pub(crate) struct User {
    pub login: String,
    pub id: u64,
    pub password: String,
}

pub(crate) struct Org {
    pub login: String,
    pub sso: bool,
}

pub(crate) struct Repo {
    pub id: u64,
    pub owner: String,
    pub name: String,
    pub private: bool,
    pub writers: Vec<String>,
}

impl Repo {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

/// A one-hour rate-limit window.
#[derive(Default, Clone, Copy)]
pub(crate) struct RateWindow {
    pub used: u32,
    /// Epoch seconds when the window resets (0: not started).
    pub reset: i64,
}

impl RateWindow {
    pub fn roll(&mut self, now: i64) {
        if now >= self.reset {
            self.used = 0;
            self.reset = now + 3600;
        }
    }
}

pub(crate) struct TokenRec {
    pub value: String,
    pub login: String,
    pub kind: TokenKindSpec,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    /// Opaque id used in SSO authorization links (never the token itself).
    pub sso_request_id: String,
    pub sso_authorized: HashSet<String>,
    pub rate: RateWindow,
}

impl TokenRec {
    pub fn is_valid(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && self.expires_at.is_none_or(|e| e > now)
    }

    pub fn scopes(&self) -> Option<&[String]> {
        match &self.kind {
            TokenKindSpec::Classic { scopes } => Some(scopes),
            TokenKindSpec::FineGrained { .. } => None,
        }
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().is_some_and(|s| s.iter().any(|x| x == scope))
    }
}

/// What the `Authorization` header amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Credential {
    None,
    /// Index into `State::tokens` of a valid token.
    Token(usize),
    /// A user's account password (GitHub refuses these).
    Password,
    /// Unknown, revoked or expired token, or garbage.
    Bad,
}

/// The user's role on a repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Role {
    None,
    Read,
    Write,
    Admin,
}

/// Result of checking whether a request may read a repository.
pub(crate) enum ReadCheck {
    Ok {
        repo: usize,
        role: Role,
    },
    NotFound,
    SsoRequired {
        org: String,
        url: String,
    },
    /// The owner forbids personal access tokens (classic) and this is one.
    ClassicForbidden {
        org: String,
    },
}

/// Why a push is refused.
pub(crate) enum WriteDenied {
    /// Classic token (or user without rights): `Permission to O/R.git denied to LOGIN.`
    Permission { login: String },
    /// Fine-grained token without `contents: write` on this repo.
    NotGranted,
}

#[derive(Default)]
pub(crate) struct State {
    pub users: Vec<User>,
    pub orgs: Vec<Org>,
    pub repos: Vec<Repo>,
    pub tokens: Vec<TokenRec>,
    pub next_id: u64,
    pub rate_limited: Option<DateTime<Utc>>,
    /// Organizations (lowercase logins) that forbid personal access tokens (classic).
    pub classic_forbidden: HashSet<String>,
    /// Organizations (lowercase logins) whose owners must approve fine-grained tokens.
    pub approval_required: HashSet<String>,
    /// (token value, organization) pairs an owner approved.
    pub approved: HashSet<(String, String)>,
    pub anon_rate: RateWindow,
    pub latency: Duration,
    /// An injected fault (see [`super::Fault`]).
    pub fault: Option<super::Fault>,
    pub log: Vec<RequestRecord>,
}

impl State {
    pub fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn user(&self, login: &str) -> Option<&User> {
        self.users.iter().find(|u| u.login.eq_ignore_ascii_case(login))
    }

    pub fn org(&self, login: &str) -> Option<&Org> {
        self.orgs.iter().find(|o| o.login.eq_ignore_ascii_case(login))
    }

    pub fn repo_index(&self, owner: &str, name: &str) -> Option<usize> {
        self.repos.iter().position(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
    }

    pub fn token_index(&self, value: &str) -> Option<usize> {
        self.tokens.iter().position(|t| t.value == value)
    }

    /// Adds a token of a fresh random value (never one already issued) and returns it.
    pub fn issue(&mut self, spec: TokenSpec) -> String {
        let value = loop {
            let v = new_token_value(&spec.kind);
            if self.token_index(&v).is_none() {
                break v;
            }
        };
        self.tokens.push(TokenRec {
            value: value.clone(),
            login: spec.login,
            kind: spec.kind,
            expires_at: spec.expires_at,
            revoked: false,
            sso_request_id: random_hex(32).to_ascii_lowercase(),
            sso_authorized: HashSet::new(),
            rate: RateWindow::default(),
        });
        value
    }

    /// Classifies an `Authorization` header. Returns the scheme name for the log.
    pub fn classify(&self, header: Option<&str>, now: DateTime<Utc>) -> (&'static str, Credential) {
        let Some(header) = header.map(str::trim) else {
            return ("none", Credential::None);
        };
        let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
        let rest = rest.trim();
        let lookup = |secret: &str| match self.token_index(secret) {
            Some(i) if self.tokens[i].is_valid(now) => Credential::Token(i),
            _ => Credential::Bad,
        };
        match scheme.to_ascii_lowercase().as_str() {
            "bearer" => ("bearer", lookup(rest)),
            "token" => ("token", lookup(rest)),
            "basic" => {
                let decoded =
                    base64::engine::general_purpose::STANDARD.decode(rest).ok().and_then(|b| String::from_utf8(b).ok());
                let Some((user, secret)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
                    return ("basic", Credential::Bad);
                };
                if self.token_index(secret).is_some() {
                    return ("basic", lookup(secret));
                }
                let is_password = !secret.is_empty()
                    && (self.user(user).is_some_and(|u| u.password == secret)
                        || self.users.iter().any(|u| u.password == secret));
                if is_password { ("basic", Credential::Password) } else { ("basic", Credential::Bad) }
            }
            _ => ("other", Credential::Bad),
        }
    }

    pub fn role(&self, login: Option<&str>, repo: &Repo) -> Role {
        let public = if repo.private { Role::None } else { Role::Read };
        let Some(login) = login else { return public };
        if repo.owner.eq_ignore_ascii_case(login) && self.org(&repo.owner).is_none() {
            Role::Admin
        } else if repo.writers.iter().any(|w| w.eq_ignore_ascii_case(login)) {
            Role::Write
        } else {
            public
        }
    }

    /// May this credential read `owner/name`? `token` is an index of a valid token, if any.
    pub fn check_read(&self, token: Option<usize>, owner: &str, name: &str, host_url: &str) -> ReadCheck {
        let Some(ri) = self.repo_index(owner, name) else {
            return ReadCheck::NotFound;
        };
        let repo = &self.repos[ri];
        let tok = token.map(|i| &self.tokens[i]);
        let role = self.role(tok.map(|t| t.login.as_str()), repo);
        if role == Role::None {
            return ReadCheck::NotFound;
        }
        if let Some(t) = tok {
            if let Some(org) = self.org(&repo.owner)
                && t.scopes().is_some()
                && self.classic_forbidden.contains(&org.login.to_ascii_lowercase())
            {
                return ReadCheck::ClassicForbidden { org: org.login.clone() };
            }
            if let Some(org) = self.org(&repo.owner)
                && org.sso
                && t.scopes().is_some()
                && !t.sso_authorized.contains(&org.login.to_ascii_lowercase())
            {
                return ReadCheck::SsoRequired {
                    org: org.login.clone(),
                    url: sso_url(host_url, &org.login, &t.sso_request_id),
                };
            }
            let granted = match &t.kind {
                TokenKindSpec::Classic { .. } => !repo.private || t.has_scope("repo"),
                // A token pending the organization's approval reads only public resources.
                TokenKindSpec::FineGrained { repos } => {
                    !repo.private
                        || (!self.pending(t, &repo.owner)
                            && repos.iter().any(|(n, _)| n.eq_ignore_ascii_case(&repo.full_name())))
                }
            };
            if !granted {
                return ReadCheck::NotFound;
            }
        }
        ReadCheck::Ok { repo: ri, role }
    }

    /// Is this fine-grained token still waiting for `owner`'s approval (an organization
    /// that requires it, and no owner approved it yet)?
    pub fn pending(&self, t: &TokenRec, owner: &str) -> bool {
        let org = owner.to_ascii_lowercase();
        t.scopes().is_none()
            && self.approval_required.contains(&org)
            && !self.approved.contains(&(t.value.clone(), org))
    }

    /// May token `ti` push to repo `ri` (already known to be readable)?
    pub fn check_write(&self, ti: usize, ri: usize, role: Role) -> Result<(), WriteDenied> {
        let t = &self.tokens[ti];
        let repo = &self.repos[ri];
        let denied = || WriteDenied::Permission { login: t.login.clone() };
        match &t.kind {
            TokenKindSpec::Classic { .. } => {
                let scope_ok = t.has_scope("repo") || (!repo.private && t.has_scope("public_repo"));
                if !scope_ok || role < Role::Write {
                    return Err(denied());
                }
            }
            TokenKindSpec::FineGrained { repos } => {
                let write =
                    repos.iter().any(|(n, a)| n.eq_ignore_ascii_case(&repo.full_name()) && matches!(a, Access::Write));
                if !write || self.pending(t, &repo.owner) {
                    // GitHub answers the owner's own read-only token with the owner's
                    // login ("Permission to O/R.git denied to O."), others with "Write
                    // access to repository not granted." (docs/github-answers.md).
                    let own = repo.owner.eq_ignore_ascii_case(&t.login) && self.org(&repo.owner).is_none();
                    return Err(if own { denied() } else { WriteDenied::NotGranted });
                }
                if role < Role::Write {
                    return Err(denied());
                }
            }
        }
        Ok(())
    }
}

pub(crate) fn sso_url(host_url: &str, org: &str, request_id: &str) -> String {
    format!("{host_url}/orgs/{org}/sso?authorization_request={request_id}")
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const ALNUM_UNDERSCORE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

/// 64 unpredictable bits from std's randomly keyed SipHash, a counter and the clock.
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    h.write_u128(nanos);
    h.finish()
}

pub(crate) fn random_string(len: usize, alphabet: &[u8]) -> String {
    (0..len).map(|_| alphabet[(random_u64() % alphabet.len() as u64) as usize] as char).collect()
}

pub(crate) fn new_token_value(kind: &TokenKindSpec) -> String {
    match kind {
        TokenKindSpec::Classic { .. } => format!("ghp_{}", random_string(36, ALNUM)),
        TokenKindSpec::FineGrained { .. } => {
            format!("github_pat_{}", random_string(82, ALNUM_UNDERSCORE))
        }
    }
}

pub(crate) fn random_hex(len: usize) -> String {
    random_string(len, b"0123456789ABCDEF")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shapes() {
        let c = new_token_value(&TokenKindSpec::Classic { scopes: vec![] });
        assert!(c.starts_with("ghp_") && c.len() == 40, "{c}");
        assert!(c[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
        let f = new_token_value(&TokenKindSpec::FineGrained { repos: vec![] });
        assert!(f.starts_with("github_pat_") && f.len() == 93);
        assert!(f[11..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        assert_ne!(c, new_token_value(&TokenKindSpec::Classic { scopes: vec![] }));
    }
}
