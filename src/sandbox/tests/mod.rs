//! End-to-end tests: a tiny HTTP client for the API here, real `git` for smart HTTP in
//! [`git`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use chrono::{TimeZone as _, Utc};
use http_body_util::{BodyExt as _, Full};

use super::*;

mod git;

struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn call(sb: &Sandbox, method: &str, path: &str, auth: Option<&str>, body: &str) -> Answer {
    let addr = sb.host_url().trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let mut req =
        http::Request::builder().method(method).uri(path).header("host", &addr).header("user-agent", "sandbox-test");
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let req = req.body(Full::new(Bytes::from(body.to_owned()))).unwrap();
    let resp = sender.send_request(req).await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body: String::from_utf8_lossy(&body).into_owned() }
}

async fn get(sb: &Sandbox, path: &str, auth: Option<&str>) -> Answer {
    call(sb, "GET", path, auth, "").await
}

fn basic(user: &str, secret: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}")))
}

fn classic(login: &str, scopes: &[&str]) -> TokenSpec {
    TokenSpec {
        login: login.into(),
        kind: TokenKindSpec::Classic { scopes: scopes.iter().map(|s| (*s).to_owned()).collect() },
        expires_at: None,
    }
}

fn fine(login: &str, repos: &[(&str, Access)]) -> TokenSpec {
    TokenSpec {
        login: login.into(),
        kind: TokenKindSpec::FineGrained { repos: repos.iter().map(|(r, a)| ((*r).to_owned(), *a)).collect() },
        expires_at: None,
    }
}

/// alice (password "hunter2") owns private alice/priv and public alice/pub; bob may push to
/// alice/priv; org acme (SSO) has private acme/secret writable by alice.
async fn world() -> Sandbox {
    let sb = Sandbox::start(SandboxOptions::default()).await.unwrap();
    sb.add_user("alice", "hunter2");
    sb.add_user("bob", "bobpass");
    sb.add_user("carol", "carolpass");
    sb.add_org("acme", true);
    sb.add_repo("alice", "priv", true, &["bob"]).unwrap();
    sb.add_repo("alice", "pub", false, &[]).unwrap();
    sb.add_repo("acme", "secret", true, &["alice"]).unwrap();
    sb
}

#[tokio::test]
async fn user_endpoint_accepts_bearer_token_and_basic() {
    let sb = world().await;
    let exp = Utc.with_ymd_and_hms(2027, 2, 1, 0, 0, 0).unwrap();
    let tok = sb.issue_token(TokenSpec { expires_at: Some(exp), ..classic("alice", &["repo", "workflow"]) });
    assert!(tok.starts_with("ghp_") && tok.len() == 40);
    let mut remaining = Vec::new();
    for auth in [format!("Bearer {tok}"), format!("token {tok}"), basic("whoever", &tok)] {
        let a = get(&sb, "/api/v3/user", Some(&auth)).await;
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(a.json()["login"], "alice");
        assert_eq!(a.json()["type"], "User");
        assert_eq!(a.header("x-oauth-scopes"), Some("repo, workflow"));
        assert_eq!(a.header("github-authentication-token-expiration"), Some("2027-02-01 00:00:00 UTC"));
        assert_eq!(a.header("content-type"), Some("application/json; charset=utf-8"));
        assert_eq!(a.header("x-ratelimit-limit"), Some("5000"));
        assert!(a.header("x-github-request-id").is_some());
        remaining.push(a.header("x-ratelimit-remaining").unwrap().to_owned());
    }
    assert_eq!(remaining, ["4999", "4998", "4997"]);

    let root = get(&sb, "/api/v3/", Some(&format!("token {tok}"))).await;
    assert_eq!(root.status, 200);
    assert_eq!(root.header("x-oauth-scopes"), Some("repo, workflow"));
    assert!(root.json()["current_user_url"].as_str().unwrap().ends_with("/api/v3/user"));

    let gql =
        call(&sb, "POST", "/api/graphql", Some(&format!("bearer {tok}")), r#"{"query":"query { viewer { login } }"}"#)
            .await;
    assert_eq!(gql.json()["data"]["viewer"]["login"], "alice");
    assert_eq!(call(&sb, "POST", "/api/graphql", None, "{}").await.status, 401);

    let log = sb.requests();
    let schemes: Vec<&str> = log.iter().map(|r| r.auth).collect();
    assert_eq!(schemes[..3], ["bearer", "token", "basic"]);
    assert_eq!(log[0].path, "/api/v3/user");
    assert_eq!(log[0].status, 200);
    assert!(log.iter().all(|r| !r.path.contains(&tok)));
}

#[tokio::test]
async fn bad_credentials_and_missing_auth() {
    let sb = world().await;
    let tok = sb.issue_token(classic("alice", &["repo"]));
    assert_eq!(get(&sb, "/api/v3/user", Some(&format!("token {tok}"))).await.status, 200);
    sb.revoke(&tok);
    let expired = sb.issue_token(TokenSpec {
        expires_at: Some(Utc::now() - chrono::Duration::hours(1)),
        ..classic("alice", &["repo"])
    });
    let unknown = format!("ghp_{}", "A".repeat(36));
    for auth in
        [format!("token {tok}"), format!("Bearer {unknown}"), format!("token {expired}"), basic("alice", "hunter2")]
    {
        let a = get(&sb, "/api/v3/user", Some(&auth)).await;
        assert_eq!(a.status, 401);
        assert_eq!(a.json()["message"], "Bad credentials");
        assert_eq!(a.json()["status"], "401");
        assert!(a.header("x-oauth-scopes").is_none());
    }
    let a = get(&sb, "/api/v3/user", None).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["message"], "Requires authentication");
    assert_eq!(a.header("x-ratelimit-limit"), Some("60"));
}

#[tokio::test]
async fn repo_visibility_and_permissions() {
    let sb = world().await;
    let alice = sb.issue_token(classic("alice", &["repo"]));
    let alice_noscope = sb.issue_token(classic("alice", &["read:org"]));
    let carol = sb.issue_token(classic("carol", &["repo"]));
    let bob_fg_read = sb.issue_token(fine("bob", &[("alice/priv", Access::Read)]));
    let bob_fg_other = sb.issue_token(fine("bob", &[("alice/pub", Access::Write)]));
    assert!(bob_fg_read.starts_with("github_pat_") && bob_fg_read.len() == 93);

    let a = get(&sb, "/api/v3/repos/alice/priv", Some(&format!("token {alice}"))).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let j = a.json();
    assert_eq!(j["full_name"], "alice/priv");
    assert_eq!(j["private"], true);
    assert_eq!(j["visibility"], "private");
    assert_eq!(j["default_branch"], "main");
    assert_eq!(j["owner"]["login"], "alice");
    assert_eq!(j["permissions"]["admin"], true);
    assert_eq!(j["clone_url"], format!("{}/alice/priv.git", sb.host_url()));
    assert_eq!(j["ssh_url"], "git@127.0.0.1:alice/priv.git");

    // The user's role, not the read-only grant of the fine-grained token.
    let b = get(&sb, "/api/v3/repos/alice/priv", Some(&format!("Bearer {bob_fg_read}"))).await;
    assert_eq!(b.status, 200);
    assert_eq!(b.json()["permissions"]["push"], true);
    assert_eq!(b.json()["permissions"]["admin"], false);
    assert!(b.header("x-oauth-scopes").is_none(), "fine-grained tokens have no scopes");
    assert!(b.header("github-authentication-token-expiration").is_none());

    for (tok, why) in [
        (&carol, "not a collaborator"),
        (&alice_noscope, "classic token without repo"),
        (&bob_fg_other, "fine-grained token not granted the repo"),
    ] {
        let a = get(&sb, "/api/v3/repos/alice/priv", Some(&format!("token {tok}"))).await;
        assert_eq!(a.status, 404, "{why}");
        assert_eq!(a.json()["message"], "Not Found");
    }
    assert_eq!(get(&sb, "/api/v3/repos/alice/priv", None).await.status, 404);
    let public = get(&sb, "/api/v3/repos/alice/pub", None).await;
    assert_eq!(public.status, 200);
    assert_eq!(public.json()["permissions"]["push"], false);
    assert_eq!(get(&sb, "/api/v3/repos/alice/nope", Some(&format!("token {alice}"))).await.status, 404);
}

#[tokio::test]
async fn sso_requires_authorization_then_allows() {
    let sb = world().await;
    let tok = sb.issue_token(classic("alice", &["repo"]));
    let a = get(&sb, "/api/v3/repos/acme/secret", Some(&format!("token {tok}"))).await;
    assert_eq!(a.status, 403);
    assert!(a.json()["message"].as_str().unwrap().contains("SAML enforcement"));
    let url = sb.sso_authorize_url(&tok, "acme");
    assert_eq!(a.header("x-github-sso"), Some(format!("required; url={url}").as_str()));
    assert!(!url.contains(&tok));
    let path = url.strip_prefix(&sb.host_url()).unwrap();
    assert!(path.starts_with("/orgs/acme/sso?authorization_request="));

    assert_eq!(get(&sb, "/orgs/acme/sso?authorization_request=nope", None).await.status, 404);
    let page = get(&sb, path, None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Authorized"));

    let a = get(&sb, "/api/v3/repos/acme/secret", Some(&format!("token {tok}"))).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["owner"]["type"], "Organization");
    // Fine-grained tokens are authorized when created.
    let fg = sb.issue_token(fine("alice", &[("acme/secret", Access::Read)]));
    let b = get(&sb, "/api/v3/repos/acme/secret", Some(&format!("Bearer {fg}"))).await;
    assert_eq!(b.status, 200);
}

#[tokio::test]
async fn rate_limit_answers_403_with_remaining_zero() {
    let sb = world().await;
    let tok = sb.issue_token(classic("alice", &["repo"]));
    let auth = format!("token {tok}");
    let reset = Utc::now() + chrono::Duration::minutes(20);
    sb.set_rate_limited(Some(reset));
    let a = get(&sb, "/api/v3/user", Some(&auth)).await;
    assert_eq!(a.status, 403);
    assert_eq!(a.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(a.header("x-ratelimit-reset"), Some(reset.timestamp().to_string().as_str()));
    assert!(a.json()["message"].as_str().unwrap().starts_with("API rate limit exceeded for user ID"));
    // /rate_limit is free and still answers.
    let r = get(&sb, "/api/v3/rate_limit", Some(&auth)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["resources"]["core"]["remaining"], 0);
    assert_eq!(r.json()["rate"]["reset"], reset.timestamp());
    sb.set_rate_limited(None);
    let a = get(&sb, "/api/v3/user", Some(&auth)).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("x-ratelimit-remaining"), Some("4999"));
    let r = get(&sb, "/api/v3/rate_limit", None).await;
    assert_eq!(r.json()["resources"]["core"]["limit"], 60);
}

#[tokio::test]
async fn token_page_latency_and_shutdown() {
    // How fast it starts is the benchmark's business (scripts/bench), never a test's.
    let sb = Sandbox::start(SandboxOptions::default()).await.unwrap();
    sb.add_user("alice", "pw");
    let page = get(&sb, "/settings/tokens/new?scopes=repo,workflow&description=x", None).await;
    assert_eq!(page.status, 200);
    let start = page.body.find("ghp_").unwrap();
    let tok = &page.body[start..start + 40];
    let a = get(&sb, "/api/v3/user", Some(&format!("token {tok}"))).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.header("x-oauth-scopes"), Some("repo, workflow"));

    sb.set_latency(Duration::from_millis(150));
    let t = Instant::now();
    let _ = get(&sb, "/api/v3/rate_limit", None).await;
    assert!(t.elapsed() >= Duration::from_millis(150));

    let addr = sb.host_url().trim_start_matches("http://").to_owned();
    let root = sb.repo_path("x", "y").parent().unwrap().parent().unwrap().to_path_buf();
    assert!(root.exists());
    sb.shutdown().await;
    // Nothing of this sandbox answers any more (another test's sandbox may have been given
    // the freed port since: it does not know alice's token).
    if let Ok(mut stream) = tokio::net::TcpStream::connect(&addr).await {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let req = format!(
            "GET /api/v3/user HTTP/1.1\r\nhost: {addr}\r\nauthorization: token {tok}\r\nconnection: close\r\n\r\n"
        );
        let _ = stream.write_all(req.as_bytes()).await;
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer).await;
        assert!(!answer.starts_with("HTTP/1.1 200"), "the old sandbox still answers: {answer}");
    }
    assert!(!root.exists(), "temp dir removed with the last handle");
}
