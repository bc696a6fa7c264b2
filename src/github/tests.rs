//! The client against real sockets: a closed port, a name that never resolves, a TLS
//! server nobody trusts, a server that hangs up, and the sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use super::*;

fn client(url: &str) -> GitHub {
    GitHub::new(&HostUrl::parse(url).unwrap()).unwrap()
}

fn network_message(r: Result<(), ApiError>) -> String {
    match r {
        Err(ApiError::Network { message, .. }) => message,
        other => panic!("expected a network error, got {other:?}"),
    }
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A TLS server on loopback with a self-signed certificate no trust store holds.
async fn untrusted_tls_server() -> u16 {
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let key = rustls::pki_types::PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key.into())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = acceptor.accept(stream).await;
        }
    });
    port
}

/// A server that reads a request and never answers (nor hangs up).
async fn silent_server() -> u16 {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf).await;
            held.push(stream);
        }
    });
    port
}

/// A server that reads a request and hangs up without an answer.
async fn hang_up_server() -> u16 {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf).await;
        }
    });
    port
}

#[tokio::test]
async fn network_errors_read_like_people_talk() {
    let dns = network_message(client("https://nonexistent.invalid").reachable().await);
    assert_eq!(dns, "the host name does not resolve (DNS lookup failed)");
    let refused = network_message(client(&format!("http://127.0.0.1:{}", closed_port())).reachable().await);
    assert_eq!(refused, "connection refused");
    let tls = network_message(client(&format!("https://127.0.0.1:{}", untrusted_tls_server().await)).reachable().await);
    assert!(tls.contains("SSL_CERT_FILE"), "{tls}");
    let dropped = network_message(client(&format!("http://127.0.0.1:{}", hang_up_server().await)).reachable().await);
    assert_eq!(dropped, "the connection was dropped");
    // An error nothing classifies keeps its (scrubbed) text: net.rs's tests build one.
}

#[tokio::test]
async fn a_response_cut_mid_body_is_a_dropped_connection() {
    let sb = crate::sandbox::Sandbox::start(Default::default()).await.unwrap();
    sb.add_user("octo", "pw");
    let token = sb.issue_token(crate::sandbox::TokenSpec {
        login: "octo".into(),
        kind: crate::sandbox::TokenKindSpec::Classic { scopes: vec!["repo".into()] },
        expires_at: None,
    });
    let gh = client(&sb.host_url());
    sb.set_fault(Some(crate::sandbox::Fault::DropMidResponse { count: 1 }));
    match gh.whoami(&SecretString::from(token.clone())).await {
        Err(ApiError::Network { message, .. }) => assert_eq!(message, "the connection was dropped"),
        other => panic!("expected a dropped connection, got {other:?}"),
    }
    assert_eq!(gh.whoami(&SecretString::from(token)).await.unwrap().login, "octo");
}

#[tokio::test]
async fn octocrabs_read_timeout_is_a_timeout() {
    // The client's own 20 s would make a slow test: the same builder call, shorter.
    let base = format!("http://127.0.0.1:{}", silent_server().await);
    let octo = octocrab::Octocrab::builder()
        .base_uri(base.as_str())
        .unwrap()
        .set_read_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    let e = octo._get("/rate_limit").await.unwrap_err();
    assert_eq!(Failure::of(&e).reason(&base).await, "the connection timed out");
}

#[tokio::test]
async fn visit_fetches_pages_on_the_host_only() {
    use crate::sandbox::{Sandbox, TokenKindSpec, TokenSpec};
    let sb = Sandbox::start(Default::default()).await.unwrap();
    sb.add_user("alice", "pw");
    sb.add_org("acme", true);
    sb.add_repo("acme", "secret", true, &["alice"]).unwrap();
    let token = sb.issue_token(TokenSpec {
        login: "alice".into(),
        kind: TokenKindSpec::Classic { scopes: vec!["repo".into()] },
        expires_at: None,
    });
    let secret = SecretString::from(token.clone());
    let repo = RepoRef { owner: "acme".into(), name: "secret".into() };
    let gh = client(&sb.host_url());
    let url = sb.sso_authorize_url(&token, "acme");
    assert_eq!(gh.repo(&secret, &repo).await.unwrap(), RepoVisibility::SsoRequired { url: Some(url.clone()) });

    // The SSO page, visited as the demo's browser: the token is authorized after it.
    gh.visit(&format!("{url}#top")).await.unwrap();
    assert_eq!(gh.repo(&secret, &repo).await.unwrap(), RepoVisibility::Visible { private: true, push: true });
    let visit = sb.requests().into_iter().find(|r| r.path.starts_with("/orgs/acme/sso")).unwrap();
    assert_eq!((visit.method.as_str(), visit.auth, visit.status), ("GET", "none", 200));
    gh.visit(&format!("{}/settings/tokens/new", sb.host_url())).await.unwrap();

    // A page that is not there: an error that names the path and not the query.
    let missing = gh.visit(&format!("{}/orgs/acme/sso?authorization_request=nope", sb.host_url())).await;
    match missing {
        Err(e @ ApiError::Unexpected { .. }) => {
            let text = e.to_string();
            assert!(text.contains("/orgs/acme/sso answered 404") && !text.contains("nope"), "{text}");
        }
        other => panic!("expected a 404, got {other:?}"),
    }

    // Anything not under the host's base is refused before a request is sent.
    let sent = sb.requests().len();
    let host = sb.host_url();
    let port = host.rsplit(':').next().unwrap();
    for url in [
        "https://github.com/orgs/acme/sso".to_string(),
        format!("{host}0/orgs/acme/sso"),
        format!("{host}@example.com/"),
        format!("http://localhost:{port}/orgs/acme/sso"),
        format!("{host}/a page"),
        "/orgs/acme/sso".to_string(),
    ] {
        assert!(matches!(gh.visit(&url).await, Err(ApiError::PageRefused { .. })), "{url}");
    }
    assert_eq!(sb.requests().len(), sent, "a refused URL sent a request");
    // The base itself is its root page (the sandbox has none there).
    assert!(matches!(gh.visit(&host).await, Err(ApiError::Unexpected { .. })));
}
