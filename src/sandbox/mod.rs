//! The built-in sandbox: a fake GitHub API and a real `git http-backend` on loopback.
//!
//! [`Sandbox::start`] binds `127.0.0.1:0` and serves, on one port:
//! - the REST API under `/api/v3` and GraphQL at `/api/graphql` (like GitHub Enterprise Server),
//! - git smart HTTP at `/{owner}/{repo}.git/...`, served by the real `git http-backend`,
//! - a few web pages (`/orgs/{org}/sso`, `/settings/tokens/new`).
//!
//! Nothing here logs a token value.

mod api;
mod fault;
mod githttp;
pub mod scenario;
mod state;
pub mod workstation;

#[cfg(test)]
mod tests;

pub use fault::Fault;
pub use workstation::{HelperKind, Workstation, WorkstationSpec};

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use tokio::task::{JoinHandle, JoinSet};

use state::{Org, RateWindow, Repo, State, TokenRec, User};

pub(crate) type Resp = Response<Full<Bytes>>;

/// Options for [`Sandbox::start`].
#[derive(Debug, Clone, Default)]
pub struct SandboxOptions {
    /// Delay before answering every request (API and git).
    pub latency: Duration,
}

/// What a fake token may do.
#[derive(Debug, Clone)]
pub struct TokenSpec {
    pub login: String,
    pub kind: TokenKindSpec,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub enum TokenKindSpec {
    /// `ghp_…` with OAuth scopes such as `repo`, `workflow`, `public_repo`.
    Classic { scopes: Vec<String> },
    /// `github_pat_…` granted access to the listed repositories (`"owner/name"`).
    FineGrained { repos: Vec<(String, Access)> },
}

/// Repository contents permission of a fine-grained token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// One request as the sandbox saw it. Never contains a secret.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub method: String,
    /// Path and query.
    pub path: String,
    /// `"bearer"`, `"token"`, `"basic"`, `"none"` (or `"other"`).
    pub auth: &'static str,
    pub status: u16,
    /// When the request was received (before any latency).
    pub at: Instant,
}

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
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Inner {
    shared: Arc<Shared>,
    task: Mutex<Option<JoinHandle<()>>>,
    _dir: tempfile::TempDir,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(t) = self.task.lock().unwrap_or_else(|e| e.into_inner()).take() {
            t.abort();
        }
    }
}

/// A fake GitHub on loopback. Cheap to clone; the server stops and the temp dir is removed
/// when the last handle is dropped (or on [`Sandbox::shutdown`]).
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("host_url", &self.inner.shared.host_url).finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Binds `127.0.0.1:0` and starts serving. Must be called inside a tokio runtime.
    pub async fn start(opts: SandboxOptions) -> anyhow::Result<Sandbox> {
        let dir = tempfile::Builder::new()
            .prefix("git-reauth-sandbox-")
            .tempdir()
            .context("creating the sandbox temp dir")?;
        let root = dir.path().join("repos");
        let home = dir.path().join("home");
        std::fs::create_dir_all(&root)?;
        std::fs::create_dir_all(&home)?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.context("binding 127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let state = State { latency: opts.latency, ..State::default() };
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            host_url: format!("http://{addr}"),
            root,
            home,
            arrivals: std::sync::atomic::AtomicUsize::new(0),
        });
        let task = tokio::spawn(serve(listener, shared.clone()));
        Ok(Sandbox { inner: Arc::new(Inner { shared, task: Mutex::new(Some(task)), _dir: dir }) })
    }

    fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    /// `http://127.0.0.1:PORT`
    pub fn host_url(&self) -> String {
        self.shared().host_url.clone()
    }

    /// `http://127.0.0.1:PORT/api/v3`
    pub fn api_base(&self) -> String {
        format!("{}/api/v3", self.shared().host_url)
    }

    /// Adds (or updates the password of) a user.
    pub fn add_user(&self, login: &str, password: &str) {
        let mut st = self.shared().lock();
        if let Some(u) = st.users.iter_mut().find(|u| u.login == login) {
            u.password = password.to_owned();
            return;
        }
        let id = st.new_id();
        st.users.push(User { login: login.to_owned(), id, password: password.to_owned() });
    }

    /// Adds an organization; with `sso`, classic tokens must be SSO-authorized for it.
    pub fn add_org(&self, org: &str, sso: bool) {
        let mut st = self.shared().lock();
        if let Some(o) = st.orgs.iter_mut().find(|o| o.login == org) {
            o.sso = sso;
            return;
        }
        st.orgs.push(Org { login: org.to_owned(), sso });
    }

    /// Creates the bare repo `ROOT/owner/name.git` with one commit on `main`.
    /// `writers` may push; a user owner always may.
    pub fn add_repo(&self, owner: &str, name: &str, private: bool, writers: &[&str]) -> anyhow::Result<PathBuf> {
        let valid = |s: &str| {
            !s.is_empty() && !s.starts_with('.') && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        };
        if !valid(owner) || !valid(name) {
            bail!("invalid repository name {owner}/{name}");
        }
        if self.shared().lock().repo_index(owner, name).is_some() {
            bail!("repository {owner}/{name} already exists");
        }
        let path = self.repo_path(owner, name);
        std::fs::create_dir_all(path.parent().unwrap_or(&self.shared().root))?;
        init_bare_repo(&path, &self.shared().home, owner, name)?;
        let mut st = self.shared().lock();
        let id = 1000 + st.new_id();
        st.repos.push(Repo {
            id,
            owner: owner.to_owned(),
            name: name.to_owned(),
            private,
            writers: writers.iter().map(|w| (*w).to_owned()).collect(),
        });
        Ok(path)
    }

    /// Issues a fresh random token of the right shape.
    pub fn issue_token(&self, spec: TokenSpec) -> String {
        self.shared().lock().issue(spec)
    }

    /// Revokes a token: it answers 401 "Bad credentials" from now on.
    pub fn revoke(&self, token: &str) {
        let mut st = self.shared().lock();
        if let Some(i) = st.token_index(token) {
            st.tokens[i].revoked = true;
        }
    }

    pub fn set_latency(&self, d: Duration) {
        self.shared().lock().latency = d;
    }

    /// `Some(reset)`: every authenticated API call answers like GitHub's primary rate limit.
    pub fn set_rate_limited(&self, reset: Option<DateTime<Utc>>) {
        self.shared().lock().rate_limited = reset;
    }

    /// Inject a fault (see [`Fault`]); `None` clears it.
    pub fn set_fault(&self, fault: Option<Fault>) {
        self.shared().lock().fault = fault;
    }

    /// How many requests have arrived so far, including those still being answered.
    pub fn arrivals(&self) -> usize {
        self.shared().arrivals.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every request received so far (oldest first).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared().lock().log.clone()
    }

    /// Where the bare repo `owner/name` lives (whether or not it exists).
    pub fn repo_path(&self, owner: &str, name: &str) -> PathBuf {
        self.shared().root.join(owner).join(format!("{name}.git"))
    }

    /// The URL the sandbox puts in `X-GitHub-SSO` for this token and org. Opening it
    /// authorizes the token for the org. Empty if the token is unknown.
    pub fn sso_authorize_url(&self, token: &str, org: &str) -> String {
        let st = self.shared().lock();
        match st.token_index(token) {
            Some(i) => state::sso_url(&self.shared().host_url, org, &st.tokens[i].sso_request_id),
            None => String::new(),
        }
    }

    /// Stops the server (open connections and running `git` children included).
    /// The temp dir goes when the last handle is dropped.
    pub async fn shutdown(self) {
        let task = self.inner.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
    }
}

impl State {
    fn issue(&mut self, spec: TokenSpec) -> String {
        let value = loop {
            let v = state::new_token_value(&spec.kind);
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
            sso_request_id: state::random_hex(32).to_ascii_lowercase(),
            sso_authorized: HashSet::new(),
            rate: RateWindow::default(),
        });
        value
    }
}

/// A clean environment for the git processes the sandbox runs.
pub(crate) fn git_command(home: &Path) -> Command {
    let mut c = Command::new("git");
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null());
    c
}

fn run_git(mut cmd: Command, input: Option<&[u8]>) -> anyhow::Result<String> {
    use std::io::Write as _;
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if input.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().context("running git")?;
    if let (Some(data), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(data)?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("{:?} failed: {}", cmd.get_args().collect::<Vec<_>>(), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `git init --bare -b main` plus one commit made with plumbing (no work tree).
fn init_bare_repo(path: &Path, home: &Path, owner: &str, name: &str) -> anyhow::Result<()> {
    let git = |args: &[&str]| {
        let mut c = git_command(home);
        c.args(args)
            .env("GIT_DIR", path)
            .env("GIT_AUTHOR_NAME", owner)
            .env("GIT_AUTHOR_EMAIL", format!("{owner}@users.noreply.github.com"))
            .env("GIT_COMMITTER_NAME", "GitHub")
            .env("GIT_COMMITTER_EMAIL", "noreply@github.com");
        c
    };
    let mut init = git_command(home);
    init.args(["init", "-q", "--bare", "-b", "main"]).arg(path);
    run_git(init, None)?;
    run_git(git(&["config", "http.receivepack", "true"]), None)?;
    let readme = format!("# {name}\n\nA sandbox repository owned by {owner}.\n");
    let blob = run_git(git(&["hash-object", "-w", "--stdin"]), Some(readme.as_bytes()))?;
    let tree = run_git(git(&["mktree"]), Some(format!("100644 blob {blob}\tREADME.md\n").as_bytes()))?;
    let commit = run_git(git(&["commit-tree", &tree, "-m", "Initial commit"]), None)?;
    run_git(git(&["update-ref", "refs/heads/main", &commit]), None)?;
    Ok(())
}

async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
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
