//! `status`: who git authenticates as for the host, with which kind of token, its
//! scopes and expiry, and where it is stored.

use secrecy::ExposeSecret;
use serde::Serialize;

use crate::engine::Deps;
use crate::engine::Error;
use crate::github::ApiError;
use crate::model::helpers::HelperEntry;
use crate::model::token::{TokenKind, mask};

/// The `status --json` shape.
#[derive(Clone, Debug, Serialize)]
pub struct StatusReport {
    pub host: String,
    /// True when git has a credential GitHub accepts.
    pub ok: bool,
    /// The helpers git runs for the host.
    pub helpers: Vec<HelperEntry>,
    /// The helper that answered.
    pub stored_in: Option<HelperEntry>,
    pub username: Option<String>,
    pub kind: Option<TokenKind>,
    /// Masked (`ghp_…abcd`).
    pub token: Option<String>,
    pub login: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub expires: Option<String>,
    pub days_left: Option<i64>,
    /// Why `ok` is false.
    pub problem: Option<String>,
}

/// Ask git for the host's credential and GitHub about it.
pub async fn status(deps: &Deps) -> Result<StatusReport, Error> {
    let fill = deps.credential().fill().await?;
    let mut r = StatusReport {
        host: deps.host.host_port(),
        ok: false,
        helpers: fill.chain.clone(),
        stored_in: fill.helper().cloned(),
        username: None,
        kind: None,
        token: None,
        login: None,
        scopes: None,
        expires: None,
        days_left: None,
        problem: None,
    };
    let Some(c) = fill.credential.as_ref() else {
        r.problem = Some(if fill.chain.is_empty() {
            "no credential helper is configured; git asks for a password every time".into()
        } else {
            format!("git has no saved credential for {}", r.host)
        });
        return Ok(r);
    };
    let secret = c.password.clone().unwrap_or_else(|| secrecy::SecretString::from(String::new()));
    // What a helper answered is shown: never raw control characters.
    r.username = c.username.as_deref().map(crate::model::text::printable);
    r.kind = Some(TokenKind::of(secret.expose_secret()));
    r.token = Some(mask(secret.expose_secret()));
    match deps.github.whoami(&secret).await {
        Ok(a) => {
            r.ok = true;
            r.login = Some(a.login);
            r.scopes = a.scopes.map(|s| s.0.into_iter().collect());
            r.expires = a.expires.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string());
            r.days_left = a.expires.map(|t| crate::model::account::days_left(t, chrono::Utc::now()));
        }
        Err(ApiError::BadCredentials) => {
            r.problem = Some(if r.kind == Some(TokenKind::Unknown) {
                "the saved credential is a password; GitHub needs a token".into()
            } else {
                "GitHub rejects the saved token: revoked or expired".into()
            });
        }
        Err(e) => return Err(e.into()),
    }
    Ok(r)
}
