//! The REST API (`/api/v3/...`), GraphQL (`/api/graphql`) and the web pages.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::state::{ANON_LIMIT, AUTH_LIMIT, Credential, RateWindow, ReadCheck, State, random_hex};
use super::{Resp, Shared, TokenKindSpec, TokenSpec, response};

const JSON: &str = "application/json; charset=utf-8";
const DOCS: &str = "https://docs.github.com/rest";
const RATE_DOCS: &str = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";

fn error_body(message: &str, docs: &str, status: u16) -> Value {
    json!({ "message": message, "documentation_url": docs, "status": status.to_string() })
}

/// `GitHub-Authentication-Token-Expiration` format.
pub(crate) fn expiration_header(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn request_id() -> String {
    let h = random_hex(28);
    format!("{}:{}:{}:{}:{}", &h[0..4], &h[4..8], &h[8..14], &h[14..20], &h[20..28])
}

pub(crate) fn handle(shared: &Shared, parts: &http::request::Parts, body: &Bytes) -> Resp {
    let now = Utc::now();
    let epoch = now.timestamp();
    let rid = request_id();
    let api = format!("{}/api/v3", shared.host_url);
    let mut st = shared.lock();
    let header = parts.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let (_, cred) = st.classify(header, now);

    let path = parts.uri.path();
    let graphql = path.trim_end_matches('/') == "/api/graphql";
    let route = path.strip_prefix("/api/v3").map(|r| r.trim_end_matches('/').to_owned());
    let resource = if graphql { "graphql" } else { "core" };
    let is_rate_limit = route.as_deref() == Some("/rate_limit");

    let mut headers: Vec<(&str, String)> = vec![
        ("content-type", JSON.to_owned()),
        ("x-github-request-id", rid.clone()),
        ("x-github-media-type", "github.v3; format=json".to_owned()),
        // GitHub Enterprise Server names its version on every API answer.
        ("x-github-enterprise-version", GHES_VERSION.to_owned()),
    ];
    let rate_headers = |headers: &mut Vec<(&str, String)>, limit: u32, w: RateWindow| {
        headers.push(("x-ratelimit-limit", limit.to_string()));
        headers.push(("x-ratelimit-remaining", limit.saturating_sub(w.used).to_string()));
        headers.push(("x-ratelimit-used", w.used.to_string()));
        headers.push(("x-ratelimit-reset", w.reset.to_string()));
        headers.push(("x-ratelimit-resource", resource.to_owned()));
    };

    // Authentication and rate limiting.
    let token = match cred {
        Credential::Bad | Credential::Password => {
            st.anon_rate.roll(epoch);
            rate_headers(&mut headers, ANON_LIMIT, st.anon_rate);
            let b = error_body("Bad credentials", DOCS, 401);
            return response(401, &headers, b.to_string());
        }
        Credential::Token(i) => {
            let login = st.tokens[i].login.clone();
            let user_id = st.user(&login).map_or(0, |u| u.id);
            let limited = st.rate_limited;
            let t = &mut st.tokens[i];
            t.rate.roll(epoch);
            let exceeded = !is_rate_limit && (limited.is_some() || t.rate.used >= AUTH_LIMIT);
            if exceeded {
                let w = RateWindow { used: AUTH_LIMIT, reset: limited.map_or(t.rate.reset, |r| r.timestamp()) };
                rate_headers(&mut headers, AUTH_LIMIT, w);
                let msg = format!(
                    "API rate limit exceeded for user ID {user_id}. If you reach out to GitHub \
                     Support for help, please include the request ID {rid} and timestamp {}.",
                    now.format("%Y-%m-%d %H:%M:%S UTC")
                );
                return response(403, &headers, error_body(&msg, RATE_DOCS, 403).to_string());
            }
            if !is_rate_limit {
                t.rate.used += 1;
            }
            let w = t.rate;
            rate_headers(&mut headers, AUTH_LIMIT, w);
            if let Some(scopes) = st.tokens[i].scopes() {
                headers.push(("x-oauth-scopes", scopes.join(", ")));
            }
            if let Some(exp) = st.tokens[i].expires_at {
                headers.push(("github-authentication-token-expiration", expiration_header(exp)));
            }
            Some(i)
        }
        Credential::None => {
            st.anon_rate.roll(epoch);
            if !is_rate_limit && st.anon_rate.used >= ANON_LIMIT {
                rate_headers(&mut headers, ANON_LIMIT, st.anon_rate);
                let msg = "API rate limit exceeded for 127.0.0.1. (But here's the good news: \
                           Authenticated requests get a higher rate limit. Check out the \
                           documentation for more details.)";
                return response(403, &headers, error_body(msg, RATE_DOCS, 403).to_string());
            }
            if !is_rate_limit {
                st.anon_rate.used += 1;
            }
            rate_headers(&mut headers, ANON_LIMIT, st.anon_rate);
            None
        }
    };

    let get = parts.method == http::Method::GET;
    let (status, body, accepted) = if graphql && parts.method == http::Method::POST {
        graphql_answer(&st, token, body)
    } else {
        match (get, route.as_deref()) {
            (true, Some("")) => (200, root(&api), ""),
            (true, Some("/user")) => match token {
                Some(i) => {
                    let login = st.tokens[i].login.clone();
                    (200, user_json(&st, &login, &api, &shared.host_url), "")
                }
                None => (401, error_body("Requires authentication", DOCS, 401), ""),
            },
            (true, Some("/rate_limit")) => (200, rate_limit_json(&st, token, epoch), ""),
            (true, Some("/meta")) => (200, meta_json(), ""),
            (true, Some(r)) if r.starts_with("/repos/") => {
                let segs: Vec<&str> = r.trim_start_matches("/repos/").split('/').collect();
                let fine_grained = token.is_some_and(|i| st.tokens[i].scopes().is_none());
                let not_accessible = match &st.fault {
                    Some(super::Fault::NotAccessibleByToken { accepted }) if fine_grained => Some(accepted.clone()),
                    _ => None,
                };
                if let Some(accepted) = not_accessible {
                    headers.push(("x-accepted-github-permissions", accepted));
                    let docs = "https://docs.github.com/rest/repos/repos#get-a-repository";
                    (403, error_body("Resource not accessible by personal access token", docs, 403), "repo")
                } else if let [owner, name] = segs[..] {
                    match st.check_read(token, owner, name, &shared.host_url) {
                        ReadCheck::Ok { repo, role } => {
                            (200, repo_json(&st, repo, role, &api, &shared.host_url), "repo")
                        }
                        ReadCheck::NotFound => (404, error_body("Not Found", DOCS, 404), "repo"),
                        ReadCheck::ClassicForbidden { org } => {
                            // GitHub's REST words, org in backticks (its GraphQL API says the same without them).
                            let msg = format!(
                                "`{org}` forbids access via a personal access token (classic). Please use a GitHub App, OAuth App, or a personal access token with fine-grained permissions."
                            );
                            let docs = "https://docs.github.com/rest/repos/repos#get-a-repository";
                            (403, error_body(&msg, docs, 403), "repo")
                        }
                        ReadCheck::SsoRequired { url, .. } => {
                            headers.push(("x-github-sso", format!("required; url={url}")));
                            let msg = "Resource protected by organization SAML enforcement. You \
                                       must grant your Personal Access token access to this \
                                       organization.";
                            (
                                403,
                                error_body(
                                    msg,
                                    "https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/",
                                    403,
                                ),
                                "repo",
                            )
                        }
                    }
                } else {
                    (404, error_body("Not Found", DOCS, 404), "")
                }
            }
            _ => (404, error_body("Not Found", DOCS, 404), ""),
        }
    };
    headers.push(("x-accepted-oauth-scopes", accepted.to_owned()));
    response(status, &headers, body.to_string())
}

/// The GitHub Enterprise Server release the sandbox answers as (`/meta`, and the
/// `X-GitHub-Enterprise-Version` header).
pub const GHES_VERSION: &str = "3.14.0";

/// `GET /api/v3/meta` as GitHub Enterprise Server answers it (with or without a token):
/// `installed_version` is what tells it from github.com, whose `api.github.com/meta`
/// has none. The address lists of a real server are left empty.
fn meta_json() -> Value {
    json!({
        "verifiable_password_authentication": false,
        "installed_version": GHES_VERSION,
        "ssh_key_fingerprints": {
            "SHA256_RSA": "uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
            "SHA256_ECDSA": "p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM",
            "SHA256_ED25519": "+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU"
        },
        "hooks": [],
        "git": [],
        "pages": [],
        "importer": [],
        "actions": [],
        "dependabot": []
    })
}

fn root(api: &str) -> Value {
    json!({
        "current_user_url": format!("{api}/user"),
        "authorizations_url": format!("{api}/authorizations"),
        "emojis_url": format!("{api}/emojis"),
        "organization_url": format!("{api}/orgs/{{org}}"),
        "rate_limit_url": format!("{api}/rate_limit"),
        "repository_url": format!("{api}/repos/{{owner}}/{{repo}}"),
        "user_url": format!("{api}/users/{{user}}"),
    })
}

fn user_json(st: &State, login: &str, api: &str, host: &str) -> Value {
    let id = st.user(login).map_or(0, |u| u.id);
    json!({
        "login": login,
        "id": id,
        "node_id": format!("U_sandbox{id}"),
        "type": "User",
        "site_admin": false,
        "name": login,
        "url": format!("{api}/users/{login}"),
        "html_url": format!("{host}/{login}"),
    })
}

fn repo_json(st: &State, ri: usize, role: super::state::Role, api: &str, host: &str) -> Value {
    use super::state::Role;
    let r = &st.repos[ri];
    let owner_type = if st.org(&r.owner).is_some() { "Organization" } else { "User" };
    let host_port = host.trim_start_matches("http://");
    let ip = host_port.split(':').next().unwrap_or(host_port);
    json!({
        "id": r.id,
        "name": r.name,
        "full_name": r.full_name(),
        "owner": { "login": r.owner, "type": owner_type },
        "private": r.private,
        "visibility": if r.private { "private" } else { "public" },
        "default_branch": "main",
        "url": format!("{api}/repos/{}", r.full_name()),
        "html_url": format!("{host}/{}", r.full_name()),
        "clone_url": format!("{host}/{}.git", r.full_name()),
        "ssh_url": format!("git@{ip}:{}.git", r.full_name()),
        "permissions": {
            "admin": role >= Role::Admin,
            "maintain": role >= Role::Admin,
            "push": role >= Role::Write,
            "triage": role >= Role::Write,
            "pull": role >= Role::Read,
        },
    })
}

fn rate_limit_json(st: &State, token: Option<usize>, epoch: i64) -> Value {
    let (limit, mut w) = match token {
        Some(i) => (AUTH_LIMIT, st.tokens[i].rate),
        None => (ANON_LIMIT, st.anon_rate),
    };
    if token.is_some()
        && let Some(reset) = st.rate_limited
    {
        w = RateWindow { used: AUTH_LIMIT, reset: reset.timestamp() };
    }
    if w.reset == 0 {
        w.reset = epoch + 3600;
    }
    let core = json!({
        "limit": limit,
        "used": w.used,
        "remaining": limit.saturating_sub(w.used),
        "reset": w.reset,
    });
    json!({
        "resources": { "core": core, "graphql": core, "search": core },
        "rate": core,
    })
}

fn graphql_answer(st: &State, token: Option<usize>, body: &Bytes) -> (u16, Value, &'static str) {
    let Some(i) = token else {
        let b = error_body(
            "This endpoint requires you to be authenticated.",
            "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
            401,
        );
        return (401, b, "");
    };
    let query = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("query").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();
    if query.contains("viewer") {
        let login = &st.tokens[i].login;
        (200, json!({ "data": { "viewer": { "login": login } } }), "")
    } else {
        let msg = "The sandbox only answers `query { viewer { login } }`.";
        (200, json!({ "errors": [ { "message": msg } ] }), "")
    }
}

fn query_param<'a>(query: Option<&'a str>, key: &str) -> Option<&'a str> {
    query?.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == key).map(|(_, v)| v)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn html(status: u16, title: &str, inner: &str) -> Resp {
    let page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body><h1>{title}</h1>\n{inner}\n</body></html>\n"
    );
    response(status, &[("content-type", "text/html; charset=utf-8".to_owned())], page)
}

/// Web pages outside the API: SSO authorization and token creation.
pub(crate) fn pages(shared: &Shared, parts: &http::request::Parts) -> Resp {
    let path = parts.uri.path().trim_end_matches('/');
    let query = parts.uri.query();
    if parts.method != http::Method::GET {
        return html(404, "Not Found", "");
    }
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs[..] {
        ["orgs", org, "sso"] => {
            let mut st = shared.lock();
            let id = query_param(query, "authorization_request").unwrap_or("");
            let org_known = st.org(org).is_some();
            match st.tokens.iter_mut().find(|t| !id.is_empty() && t.sso_request_id == id) {
                Some(t) if org_known => {
                    t.sso_authorized.insert(org.to_ascii_lowercase());
                    let msg = format!(
                        "<p>Your personal access token is now authorized for the <b>{}</b> organization.</p>",
                        html_escape(org)
                    );
                    html(200, "Authorized", &msg)
                }
                _ => html(404, "Not Found", "<p>Unknown or expired authorization request.</p>"),
            }
        }
        ["settings", "tokens", "new"] | ["settings", "personal-access-tokens", "new"] => {
            let mut st = shared.lock();
            let Some(login) = st.users.first().map(|u| u.login.clone()) else {
                return html(404, "Not Found", "<p>The sandbox has no user.</p>");
            };
            let expires = Utc::now() + chrono::Duration::days(30);
            let token = st.issue(TokenSpec {
                login: login.clone(),
                kind: TokenKindSpec::Classic { scopes: vec!["repo".into(), "workflow".into()] },
                expires_at: Some(expires),
            });
            let inner = format!(
                "<p>Signed in as <b>{}</b>. Scopes: <code>repo, workflow</code>. Expires {}.</p>\n\
                 <p>Make sure to copy your personal access token now. You won't be able to see it again!</p>\n\
                 <p><input id=\"new-token\" readonly size=\"50\" value=\"{token}\"></p>",
                html_escape(&login),
                expiration_header(expires),
            );
            html(200, "New personal access token (classic)", &inner)
        }
        _ => html(404, "Not Found", "<p>Not Found</p>"),
    }
}
