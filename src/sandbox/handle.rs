//! The public handle on a running sandbox: start it, shape its world (users, orgs,
//! repositories, tokens, faults), read what it saw, shut it down.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;

use super::bare::init_bare_repo;
use super::server::{Shared, serve};
use super::state::{self, Org, Repo, State, User};
use super::{Fault, RequestRecord, SandboxOptions, TokenSpec};

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
            connect_latency_ms: std::sync::atomic::AtomicU64::new(0),
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

    /// The organization's owners must approve fine-grained tokens: until
    /// [`Sandbox::approve_token`], one reads only the organization's public resources
    /// (GitHub's docs, "Managing requests for personal access tokens").
    pub fn require_token_approval(&self, org: &str) {
        self.shared().lock().approval_required.insert(org.to_ascii_lowercase());
    }

    /// An owner of `org` approves the fine-grained token's request.
    pub fn approve_token(&self, token: &str, org: &str) {
        self.shared().lock().approved.insert((token.to_owned(), org.to_ascii_lowercase()));
    }

    /// The organization forbids personal access tokens (classic), as its owners can set
    /// (API: 403 "`ORG` forbids access via a personal access token (classic)…"; git: 403).
    pub fn forbid_classic_tokens(&self, org: &str) {
        self.shared().lock().classic_forbidden.insert(org.to_ascii_lowercase());
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

    /// Latency added to every new connection (set-up), besides [`set_latency`](Self::set_latency)'s per request.
    pub fn set_connect_latency(&self, d: Duration) {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        self.shared().connect_latency_ms.store(ms, std::sync::atomic::Ordering::Relaxed);
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
