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
    /// The account git sends for this repository (or the host) and where it comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<crate::model::request::Sends>,
    /// Every login the `store` files of the helpers keep for the host (other accounts'
    /// included), in their order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logins: Vec<String>,
}

/// The request git makes here: for the repository's remote when the working folder is
/// in one (its push URL, when it is HTTP(S)), else for the host. In-process discovery
/// and two git runs at once.
async fn request_here(deps: &Deps) -> Result<crate::model::request::Request, Error> {
    let remote = crate::git::discover(&deps.git).and_then(|repo| crate::engine::observe::pick_remote(&repo, None).ok());
    let push_url = async {
        match &remote {
            Some(name) => deps.git.run_ok(&["remote", "get-url", "--push", name]).await.ok(),
            None => None,
        }
    };
    let (entries, url) = tokio::join!(crate::engine::identity::entries(deps), push_url);
    let url = url.filter(|u| {
        crate::model::remote::parse(u).is_ok_and(|p| {
            matches!(p.transport, crate::model::remote::Transport::Https | crate::model::remote::Transport::Http)
        }) && crate::model::remote::to_https(u, &deps.host).is_some()
    });
    crate::engine::identity::request(deps, url.as_deref(), &entries?)
}

/// The logins the `store` helpers' files keep for the request's host.
fn store_logins(deps: &Deps, chain: &[HelperEntry], request: &crate::model::request::Request) -> Vec<String> {
    let defaults = || {
        let home = deps.env.var("HOME").map(std::path::PathBuf::from);
        let xdg = deps
            .env
            .var("XDG_CONFIG_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        [home.map(|h| h.join(".git-credentials")), xdg.map(|x| x.join("git/credentials"))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
    };
    let mut files = Vec::new();
    for h in chain {
        match crate::model::helpers::store_file(&h.value) {
            Some(Some(f)) => files.push(std::path::PathBuf::from(f)),
            Some(None) => files.extend(defaults()),
            None => {}
        }
    }
    let mut logins: Vec<String> = Vec::new();
    for f in files {
        let text = zeroize::Zeroizing::new(std::fs::read_to_string(&f).unwrap_or_default());
        for l in crate::model::helpers::store_logins(&text, &request.protocol, &request.host) {
            let l = crate::model::text::printable(&l);
            if !logins.contains(&l) {
                logins.push(l);
            }
        }
    }
    logins
}

/// Ask git for the credential it sends here and GitHub about it.
pub async fn status(deps: &Deps) -> Result<StatusReport, Error> {
    let request = request_here(deps).await?;
    let fill = deps.credential_for(&request).fill().await?;
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
        account: crate::engine::identity::sends(&request, &fill),
        logins: store_logins(deps, &fill.chain, &request),
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
