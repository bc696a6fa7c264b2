//! The GitHub edge: who a token belongs to, its scopes and expiry, whether it can see
//! a repository (and SSO), rate limits, and a live probe of git's smart-HTTP endpoint.
//! One octocrab client per base (the API; the web pages and git's endpoint); the
//! credential goes in a per-request sensitive header (`headers.rs`). A request that fails
//! in transport is explained from its error's types (`net.rs`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use http_body_util::BodyExt;
use secrecy::SecretString;

pub use crate::model::account::{Account, RepoVisibility};
use crate::model::host::HostUrl;
use crate::model::remote::RepoRef;
use crate::model::scopes::{Sso, parse_expiry, parse_scopes, parse_sso};

mod headers;
mod net;

use headers::{basic, bearer, forbidden, header_str, rate_limited};
use net::Failure;
pub use net::scrub;

/// Why an API call did not give an answer about the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("GitHub rejected the credential (Bad credentials): it is revoked, expired, or not a token")]
    BadCredentials,
    #[error("GitHub's API rate limit is exhausted{}", reset_text(.reset))]
    RateLimited { reset: Option<DateTime<Utc>> },
    /// A secondary rate limit: GitHub's "You have exceeded a secondary rate limit", with
    /// or without `retry-after` (seconds). Never a sign of a bad token.
    #[error("GitHub asked to slow down (secondary rate limit); {}", retry_text(.retry_after))]
    SecondaryRateLimit { retry_after: Option<u64> },
    /// 403 "`ORG` forbids access via a personal access token (classic)": the owner's
    /// policy; a fine-grained token for that owner works.
    #[error("GitHub refuses this classic token for {owner}: {message}")]
    ClassicTokenForbidden { owner: String, message: String },
    /// 403 "Resource not accessible by personal access token": the fine-grained token
    /// lacks a permission; `needs` is GitHub's `x-accepted-github-permissions` (e.g.
    /// `contents=read`), when it sent one.
    #[error("GitHub says \"Resource not accessible by personal access token\"{}", needs_text(.needs))]
    PermissionMissing { needs: Option<String> },
    #[error("cannot reach {host}: {message}")]
    Network { host: String, message: String },
    #[error("{host} answered with a server error ({status}) several times; try again later")]
    Server { host: String, status: u16 },
    #[error("unexpected answer from {host}: {message}")]
    Unexpected { host: String, message: String },
    /// [`GitHub::visit`] was given a URL it will not fetch; nothing was sent.
    #[error("refusing to visit {why}")]
    PageRefused { why: String },
}

impl ApiError {
    /// The stable kind of this failure (what `--json` and the tests match on).
    pub fn kind(&self) -> crate::model::kind::Kind {
        use crate::model::kind::Kind;
        match self {
            ApiError::BadCredentials => Kind::TokenRejected,
            ApiError::RateLimited { .. } => Kind::RateLimited,
            ApiError::SecondaryRateLimit { .. } => Kind::SecondaryRateLimit,
            ApiError::ClassicTokenForbidden { .. } => Kind::ClassicTokenForbidden,
            ApiError::PermissionMissing { .. } => Kind::PermissionMissing,
            ApiError::Network { .. } => Kind::Network,
            ApiError::Server { .. } => Kind::ServerError,
            ApiError::Unexpected { .. } | ApiError::PageRefused { .. } => Kind::UnexpectedAnswer,
        }
    }
}

fn retry_text(retry_after: &Option<u64>) -> String {
    match retry_after {
        Some(s) => format!("retry in {s} s"),
        None => "wait a few minutes, then retry".into(),
    }
}

fn needs_text(needs: &Option<String>) -> String {
    match needs {
        Some(n) => format!(": the token needs {}", crate::model::kind::describe_permissions(n)),
        None => String::new(),
    }
}

fn reset_text(reset: &Option<DateTime<Utc>>) -> String {
    match reset {
        Some(t) => format!("; it resets at {} UTC", t.format("%H:%M")),
        None => String::new(),
    }
}

/// What git's smart-HTTP endpoint answered for a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Allowed,
    /// 401: the credential is not accepted (password, revoked token).
    Unauthorized {
        message: String,
    },
    /// 403: authenticated but not allowed (read-only token, no write role, SSO).
    Forbidden {
        message: String,
    },
    /// 404: repository not found for this credential.
    NotFound,
}

/// Which git service to probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Fetch (read).
    Upload,
    /// Push (write); GitHub checks write access already at `info/refs`.
    Receive,
}

/// The GitHub client for one host.
#[derive(Clone, Debug)]
pub struct GitHub {
    host: HostUrl,
    /// The REST API (base `api_base()`).
    api: Endpoint,
    /// git's smart-HTTP endpoint and the web pages (base `base()`): octocrab joins every
    /// request path onto its base path, so the API client cannot reach `/OWNER/REPO.git`.
    web: Endpoint,
}

/// One octocrab client and the base URL it joins paths onto.
#[derive(Clone, Debug)]
struct Endpoint {
    client: octocrab::Octocrab,
    base: String,
}

const RETRIES: u32 = 2;

impl GitHub {
    /// Build the client (must run inside a tokio runtime).
    pub fn new(host: &HostUrl) -> anyhow::Result<GitHub> {
        let build = |base: String, agent: String| -> anyhow::Result<Endpoint> {
            let client = octocrab::Octocrab::builder()
                .base_uri(base.as_str())?
                .set_connect_timeout(Some(Duration::from_secs(10)))
                .set_read_timeout(Some(Duration::from_secs(20)))
                .add_header(header::USER_AGENT, agent)
                .build()?;
            Ok(Endpoint { client, base })
        };
        let version = env!("CARGO_PKG_VERSION");
        Ok(GitHub {
            host: host.clone(),
            api: build(host.api_base(), format!("git-reauth/{version}"))?,
            // GitHub's git endpoint serves git clients; say we speak git's protocol.
            web: build(host.base(), format!("git/2.47 (git-reauth/{version})"))?,
        })
    }

    pub fn host(&self) -> &HostUrl {
        &self.host
    }

    /// A request to `to` failed in transport: say why, in people's words.
    async fn network(&self, to: &Endpoint, failure: Failure) -> ApiError {
        tracing::debug!(error = %failure.text(), "request failed");
        ApiError::Network { host: self.host.host_port(), message: failure.reason(&to.base).await }
    }

    /// GET with an optional Authorization value; retries 5xx with backoff, never 401s.
    async fn get(
        &self,
        uri: &str,
        auth: Option<HeaderValue>,
    ) -> Result<(StatusCode, HeaderMap, bytes::Bytes), ApiError> {
        self.get_with(&self.api, uri, auth).await
    }

    async fn get_with(
        &self,
        to: &Endpoint,
        uri: &str,
        auth: Option<HeaderValue>,
    ) -> Result<(StatusCode, HeaderMap, bytes::Bytes), ApiError> {
        let mut attempt = 0;
        loop {
            let mut headers = HeaderMap::new();
            if let Some(a) = &auth {
                headers.insert(header::AUTHORIZATION, a.clone());
            }
            // The error is read at once (`Failure::of`): no error borrow lives across an await.
            let resp = match to.client._get_with_headers(uri, Some(headers)).await.map_err(|e| Failure::of(&e)) {
                Ok(resp) => resp,
                Err(failure) => return Err(self.network(to, failure).await),
            };
            let status = resp.status();
            let (parts, body) = resp.into_parts();
            let body = match body.collect().await.map_err(|e| Failure::of(&e)) {
                Ok(body) => body.to_bytes(),
                Err(failure) => return Err(self.network(to, failure).await),
            };
            if status.is_server_error() && attempt < RETRIES {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(250 * 3u64.pow(attempt - 1))).await;
                continue;
            }
            if status.is_server_error() {
                return Err(ApiError::Server { host: self.host.host_port(), status: status.as_u16() });
            }
            if let Some(limit) = rate_limited(status, &parts.headers, &body) {
                return Err(limit);
            }
            if let Some(refused) = forbidden(status, &parts.headers, &body) {
                return Err(refused);
            }
            return Ok((status, parts.headers, body));
        }
    }

    /// `GET /user`: login, scopes, expiry.
    pub async fn whoami(&self, secret: &SecretString) -> Result<Account, ApiError> {
        let (status, headers, body) = self.get("/user", Some(bearer(secret)?)).await?;
        match status {
            StatusCode::OK => {
                let v = self.json("/user", &headers, &body)?;
                let login = v
                    .get("login")
                    .and_then(|l| l.as_str())
                    .filter(|l| valid_login(l))
                    .ok_or_else(|| self.unexpected("/user has no valid login".into()))?;
                Ok(Account {
                    login: login.to_string(),
                    scopes: parse_scopes(header_str(&headers, "x-oauth-scopes")),
                    expires: header_str(&headers, "github-authentication-token-expiration").and_then(parse_expiry),
                })
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(ApiError::BadCredentials),
            s => Err(self.unexpected(format!("GET /user answered {s}"))),
        }
    }

    /// `GET /repos/O/R` with the token.
    pub async fn repo(&self, secret: &SecretString, repo: &RepoRef) -> Result<RepoVisibility, ApiError> {
        let path = format!("/repos/{}/{}", repo.owner, repo.name);
        let (status, headers, body) = self.get(&path, Some(bearer(secret)?)).await?;
        if let Some(Sso::Required { url }) = header_str(&headers, "x-github-sso").and_then(parse_sso) {
            return Ok(RepoVisibility::SsoRequired { url });
        }
        match status {
            StatusCode::OK => {
                let v = self.json(&path, &headers, &body)?;
                let private = v.get("private").and_then(|p| p.as_bool()).unwrap_or(true);
                let push = v.pointer("/permissions/push").and_then(|p| p.as_bool()).unwrap_or(false);
                Ok(RepoVisibility::Visible { private, push })
            }
            StatusCode::NOT_FOUND => Ok(RepoVisibility::NotFound),
            StatusCode::UNAUTHORIZED => Err(ApiError::BadCredentials),
            s => Err(self.unexpected(format!("GET {path} answered {s}"))),
        }
    }

    /// `GET /rate_limit` without credentials: is the API reachable, and not limited?
    pub async fn reachable(&self) -> Result<(), ApiError> {
        let (status, _, _) = self.get("/rate_limit", None).await?;
        if status.is_success() || status == StatusCode::UNAUTHORIZED || status == StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(self.unexpected(format!("GET /rate_limit answered {status}")))
        }
    }

    /// `GET /meta` without credentials: the release when the host answers as GitHub
    /// Enterprise Server (`installed_version`, which github.com's `/meta` lacks);
    /// `None` when it answers but not so (a 404 page, JSON without it).
    pub async fn enterprise_version(&self) -> Result<Option<String>, ApiError> {
        let (status, _, body) = self.get("/meta", None).await?;
        if !status.is_success() {
            return Ok(None);
        }
        let v: serde_json::Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return Ok(None),
        };
        let version = v.get("installed_version").and_then(|v| v.as_str());
        // A version is digits and dots; anything else is not shown.
        Ok(version
            .filter(|v| !v.is_empty() && v.len() <= 32 && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
            .map(str::to_string))
    }

    /// Ask git's smart-HTTP endpoint for `info/refs` of `repo` with Basic auth: the
    /// same check git makes before a fetch or push, without git's side effect of
    /// erasing a rejected credential from the user's helpers.
    pub async fn probe(
        &self,
        repo: &RepoRef,
        username: &str,
        secret: &SecretString,
        service: Service,
    ) -> Result<Probe, ApiError> {
        let svc = match service {
            Service::Upload => "git-upload-pack",
            Service::Receive => "git-receive-pack",
        };
        let path = format!("/{}/{}.git/info/refs?service={svc}", repo.owner, repo.name);
        let (status, _, body) = self.get_with(&self.web, &path, Some(basic(username, secret)?)).await?;
        // git's message for the user: printable text only (a body may hold anything).
        let message: String = String::from_utf8_lossy(&body[..body.len().min(2048)])
            .chars()
            .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
            .collect::<String>()
            .trim()
            .to_string();
        Ok(match status {
            s if s.is_success() => Probe::Allowed,
            StatusCode::UNAUTHORIZED => Probe::Unauthorized { message },
            StatusCode::FORBIDDEN => Probe::Forbidden { message },
            StatusCode::NOT_FOUND => Probe::NotFound,
            s => return Err(self.unexpected(format!("{svc} answered {s}"))),
        })
    }

    /// Visit a page on the host's web base like a browser would, without credentials:
    /// `Ok` on a 2xx answer. The demo's stand-in for a browser (the sandbox's SSO
    /// authorization page). Only URLs under [`HostUrl::base`] are fetched.
    pub async fn visit(&self, url: &str) -> Result<(), ApiError> {
        let base = &self.web.base;
        let rest = url.get(..base.len()).filter(|b| b.eq_ignore_ascii_case(base)).and_then(|_| url.get(base.len()..));
        let rest = match rest {
            Some("") => "/",
            Some(r) if r.starts_with('/') => r,
            _ => return Err(ApiError::PageRefused { why: format!("a page that is not on {base}") }),
        };
        // A browser keeps the fragment to itself.
        let rest = rest.split('#').next().unwrap_or(rest);
        let target: http::uri::PathAndQuery =
            rest.parse().map_err(|_| ApiError::PageRefused { why: "a URL whose path is not valid".into() })?;
        let (status, _, _) = self.get_with(&self.web, target.as_str(), None).await?;
        if status.is_success() {
            Ok(())
        } else {
            // The path, not the query: it may carry a one-time authorization id.
            Err(self.unexpected(format!("{} answered {status}", target.path())))
        }
    }

    /// The JSON body of a 200. A proxy or captive portal answers HTML or text: say so,
    /// without quoting its page.
    fn json(&self, path: &str, headers: &HeaderMap, body: &[u8]) -> Result<serde_json::Value, ApiError> {
        let ctype = header_str(headers, "content-type").unwrap_or("");
        let mime = ctype.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if !mime.is_empty() && mime != "application/json" && !mime.ends_with("+json") {
            let shown: String = mime.chars().filter(|c| c.is_ascii_graphic()).take(60).collect();
            return Err(
                self.unexpected(format!("{path} answered {shown}, not JSON (a proxy or captive portal in the way?)"))
            );
        }
        serde_json::from_slice(body).map_err(|e| self.unexpected(format!("{path} is not valid JSON ({e})")))
    }

    fn unexpected(&self, message: String) -> ApiError {
        ApiError::Unexpected { host: self.host.host_port(), message }
    }
}

/// A GitHub login: letters, digits, `-` (and `_` on Enterprise managed users), at most
/// 100 characters. Anything else is not an answer from GitHub.
fn valid_login(login: &str) -> bool {
    (1..=100).contains(&login.len()) && login.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests;
