//! The server task: accept loop, one hyper connection per client, and the router that
//! sends each request to the API, git smart HTTP or the web pages (and logs it).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use tokio::task::JoinSet;

use super::state::State;
use super::{RequestRecord, api, fault, githttp};

pub(crate) type Resp = Response<Full<Bytes>>;

/// State shared by the handle and the server task.
pub(crate) struct Shared {
    pub state: Mutex<State>,
    pub host_url: String,
    /// `GIT_PROJECT_ROOT`: bare repos live at `root/owner/name.git`.
    pub root: PathBuf,
    /// `HOME` for the git processes the sandbox runs.
    pub home: PathBuf,
    /// Requests that have arrived (counted before any latency).
    pub arrivals: std::sync::atomic::AtomicUsize,
    /// Milliseconds every new connection waits before its first byte is read: what a
    /// real network's TCP (and TLS) set-up costs, which loopback does not.
    pub connect_latency_ms: std::sync::atomic::AtomicU64,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub(super) async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    // Connections live in this JoinSet: aborting the server task drops it, which aborts
    // every connection task, which drops in-flight handlers and kills their git children.
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                if fault::take_drop(&mut shared.lock().fault) {
                    shared.arrivals.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    conns.spawn(fault::drop_mid_response(stream));
                    continue;
                }
                let shared = shared.clone();
                conns.spawn(async move {
                    let connect = shared.connect_latency_ms.load(std::sync::atomic::Ordering::Relaxed);
                    if connect > 0 {
                        tokio::time::sleep(std::time::Duration::from_millis(connect)).await;
                    }
                    let svc = hyper::service::service_fn(move |req| {
                        handle(shared.clone(), peer, req)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
                        .await;
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

/// The scheme of an `Authorization` header, for the log.
fn auth_scheme(header: Option<&str>) -> &'static str {
    let Some(h) = header else { return "none" };
    let scheme = h.trim().split(' ').next().unwrap_or("");
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => "bearer",
        "token" => "token",
        "basic" => "basic",
        _ => "other",
    }
}

async fn handle(shared: Arc<Shared>, peer: SocketAddr, req: Request<Incoming>) -> Result<Resp, Infallible> {
    let at = Instant::now();
    shared.arrivals.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let latency = shared.lock().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let path = parts.uri.path().to_owned();
    let auth = parts.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let scheme = auth_scheme(auth);
    let injected =
        if path == "/api" || path.starts_with("/api/") { fault::api_answer(&mut shared.lock().fault) } else { None };
    let resp = if let Some(resp) = injected {
        resp
    } else if path == "/api" || path.starts_with("/api/") {
        api::handle(&shared, &parts, &body)
    } else if let Some(target) = githttp::parse_path(&path) {
        githttp::handle(&shared, peer, &parts, body, target).await
    } else {
        api::pages(&shared, &parts)
    };
    tracing::debug!(method = %parts.method, path = %path, status = resp.status().as_u16(), "sandbox request");
    let record = RequestRecord {
        method: parts.method.to_string(),
        path: parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or(path),
        auth: scheme,
        status: resp.status().as_u16(),
        at,
    };
    shared.lock().log.push(record);
    Ok(resp)
}

/// A response with a body and headers; invalid header values are skipped.
pub(crate) fn response(status: u16, headers: &[(&str, String)], body: impl Into<Bytes>) -> Resp {
    let mut b = Response::builder().status(status);
    for (k, v) in headers {
        if let Ok(v) = http::HeaderValue::from_str(v) {
            b = b.header(*k, v);
        }
    }
    b.body(Full::new(body.into())).unwrap_or_else(|_| {
        let mut r = Response::new(Full::new(Bytes::new()));
        *r.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}
