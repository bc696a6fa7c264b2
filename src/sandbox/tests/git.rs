//! Real `git` against the sandbox: clone, push, SSO and stale-password workstations.

use std::path::{Path, PathBuf};

use super::*;

/// A scratch dir with a HOME and a credential store file for `git`.
struct GitEnv {
    dir: tempfile::TempDir,
}

impl GitEnv {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        GitEnv { dir }
    }
    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
    /// Writes a store file holding `user:secret` for the sandbox host.
    fn store(&self, sb: &Sandbox, user: &str, secret: &str) -> PathBuf {
        let host = sb.host_url().trim_start_matches("http://").replace(':', "%3a");
        let file = self.path("store");
        std::fs::write(&file, format!("http://{user}:{secret}@{host}\n")).unwrap();
        file
    }
    /// Runs git with no helper but `store` (if given); returns (success, stderr + stdout).
    async fn git(&self, cwd: &Path, store: Option<&Path>, args: &[&str]) -> (bool, String) {
        let mut c = tokio::process::Command::new("git");
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .current_dir(cwd)
            .args(["-c", "credential.helper="]);
        if let Some(s) = store {
            c.arg("-c").arg(format!("credential.helper=store --file={}", s.display()));
        }
        let out = c.args(args).output().await.unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
        (out.status.success(), text)
    }
    /// Clones `url` into `dir/name` with the given store, then commits a file.
    async fn clone_and_commit(&self, url: &str, store: Option<&Path>, name: &str) -> PathBuf {
        let (ok, out) = self.git(self.dir.path(), store, &["clone", "-q", url, name]).await;
        assert!(ok, "clone failed: {out}");
        let work = self.path(name);
        std::fs::write(work.join("new.txt"), "hello\n").unwrap();
        assert!(self.git(&work, None, &["add", "new.txt"]).await.0);
        assert!(self.git(&work, None, &["commit", "-q", "-m", "new"]).await.0);
        work
    }
}

fn bare_head(sb: &Sandbox, owner: &str, name: &str) -> String {
    let out = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(sb.repo_path(owner, name))
        .args(["rev-parse", "refs/heads/main"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn git_clone_and_push_with_tokens() {
    let sb = world().await;
    let env = GitEnv::new();
    let url = format!("{}/alice/priv.git", sb.host_url());
    let read = sb.issue_token(fine("bob", &[("alice/priv", Access::Read)]));
    let store = env.store(&sb, "bob", &read);

    let (ok, out) = env.git(env.dir.path(), Some(&store), &["ls-remote", &url]).await;
    assert!(ok, "{out}");
    assert!(out.contains("refs/heads/main"), "{out}");
    // Without credentials a private repo asks for them (and git may not prompt).
    let (ok, out) = env.git(env.dir.path(), None, &["ls-remote", &url]).await;
    assert!(!ok);
    assert!(out.contains("terminal prompts disabled"), "{out}");
    // A public repo is readable anonymously.
    let (ok, out) = env.git(env.dir.path(), None, &["ls-remote", &format!("{}/alice/pub.git", sb.host_url())]).await;
    assert!(ok, "{out}");

    let work = env.clone_and_commit(&url, Some(&store), "priv").await;
    let before = bare_head(&sb, "alice", "priv");

    // Read-only fine-grained token: refused at info/refs?service=git-receive-pack.
    let (ok, out) = env.git(&work, Some(&store), &["push", "origin", "main"]).await;
    assert!(!ok);
    assert!(out.contains("remote: Write access to repository not granted."), "{out}");
    assert!(!out.contains("remote: remote:"), "{out}");
    assert_eq!(bare_head(&sb, "alice", "priv"), before);

    // The account password.
    let pw = env.store(&sb, "alice", "hunter2");
    let (ok, out) = env.git(&work, Some(&pw), &["push", "origin", "main"]).await;
    assert!(!ok);
    assert!(out.contains("remote: Support for password authentication was removed"), "{out}");
    assert!(out.contains("Authentication failed"), "{out}");

    // A classic token of a non-collaborator on a public repo.
    let carol = sb.issue_token(classic("carol", &["repo"]));
    let cs = env.store(&sb, "carol", &carol);
    let pub_work = env.clone_and_commit(&format!("{}/alice/pub.git", sb.host_url()), None, "pub").await;
    let (ok, out) = env.git(&pub_work, Some(&cs), &["push", "origin", "main"]).await;
    assert!(!ok);
    assert!(out.contains("Permission to alice/pub.git denied to carol."), "{out}");

    // A write token: the commit arrives in the bare repo.
    let write = sb.issue_token(classic("bob", &["repo", "workflow"]));
    let ws = env.store(&sb, "bob", &write);
    let (ok, out) = env.git(&work, Some(&ws), &["push", "origin", "main"]).await;
    assert!(ok, "{out}");
    let (_, local) = env.git(&work, None, &["rev-parse", "HEAD"]).await;
    assert_eq!(bare_head(&sb, "alice", "priv"), local.trim());
    assert_ne!(before, local.trim());

    // What the log saw: the receive-pack advertisement then the POST, with Basic auth.
    let log = sb.requests();
    assert!(log.iter().any(|r| r.method == "POST"
        && r.path == "/alice/priv.git/git-receive-pack"
        && r.auth == "basic"
        && r.status == 200));
    assert!(log.iter().all(|r| !r.path.contains(&write) && !r.path.contains(&read)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn git_sso_and_not_found() {
    let sb = world().await;
    let env = GitEnv::new();
    let tok = sb.issue_token(classic("alice", &["repo"]));
    let store = env.store(&sb, "alice", &tok);
    let url = format!("{}/acme/secret.git", sb.host_url());
    let (ok, out) = env.git(env.dir.path(), Some(&store), &["ls-remote", &url]).await;
    assert!(!ok);
    assert!(out.contains("The 'acme' organization has enabled or enforced SAML SSO"), "{out}");
    let sso = sb.sso_authorize_url(&tok, "acme");
    assert!(out.contains(&sso), "{out}");
    let path = sso.strip_prefix(&sb.host_url()).unwrap().to_owned();
    assert_eq!(get(&sb, &path, None).await.status, 200);
    let (ok, out) = env.git(env.dir.path(), Some(&store), &["ls-remote", &url]).await;
    assert!(ok, "{out}");

    let carol = sb.issue_token(classic("carol", &["repo"]));
    let cs = env.store(&sb, "carol", &carol);
    let (ok, out) =
        env.git(env.dir.path(), Some(&cs), &["ls-remote", &format!("{}/alice/priv.git", sb.host_url())]).await;
    assert!(!ok);
    assert!(out.contains("Repository not found"), "{out}");
}

async fn run(ws: &Workstation, args: &[&str]) -> (bool, String) {
    let out = tokio::process::Command::from(ws.git(args)).output().await.unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workstation_with_stale_password_fails_to_push() {
    let sb = world().await;
    let spec = WorkstationSpec {
        login: "alice".into(),
        password: "hunter2".into(),
        owner: "alice".into(),
        repo: "priv".into(),
        ssh_remote: true,
        helper: HelperKind::Store,
        insteadof_ssh: false,
    };
    let ws = Workstation::build_async(&sb, spec).await.unwrap();
    let (_, origin) = run(&ws, &["remote", "get-url", "origin"]).await;
    assert_eq!(origin.trim(), "git@127.0.0.1:alice/priv.git");
    let (_, status) = run(&ws, &["status", "-sb"]).await;
    assert!(status.contains("ahead 1"), "{status}");
    let store = std::fs::read_to_string(ws.home.join(".git-credentials")).unwrap();
    assert!(store.contains("alice:hunter2@127.0.0.1"), "{store}");
    assert!(ws.env_vars().iter().any(|(k, v)| k == "GIT_TERMINAL_PROMPT" && v == "0"));

    let (ok, _) = run(&ws, &["remote", "set-url", "origin", &ws.http_url]).await;
    assert!(ok);
    let before = bare_head(&sb, "alice", "priv");
    let (ok, out) = run(&ws, &["push", "origin", "main"]).await;
    assert!(!ok);
    assert!(out.contains("Support for password authentication was removed"), "{out}");
    assert!(out.contains("Authentication failed for"), "{out}");
    assert_eq!(bare_head(&sb, "alice", "priv"), before);
}

// git-credential-cache talks over a Unix socket.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workstation_with_cache_helper_and_insteadof() {
    let sb = world().await;
    let spec = WorkstationSpec {
        login: "alice".into(),
        password: "hunter2".into(),
        owner: "alice".into(),
        repo: "pub".into(),
        ssh_remote: false,
        helper: HelperKind::Cache,
        insteadof_ssh: true,
    };
    let ws = Workstation::build_async(&sb, spec).await.unwrap();
    let socket = ws.cache_socket.clone().unwrap();
    assert!(socket.exists(), "cache daemon running");
    let out = ws.git(&["config", "--global", "--get-regexp", "^url\\."]).output().unwrap();
    let cfg = String::from_utf8_lossy(&out.stdout);
    assert!(cfg.contains(&format!("url.git@127.0.0.1:.insteadof {}/", sb.host_url())), "{cfg}");
    let out = ws.git(&["remote", "get-url", "--push", "origin"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("git@127.0.0.1:alice/pub.git"));
    let root = ws.root.path().to_path_buf();
    drop(ws);
    assert!(!root.exists());
    // The daemon is gone: nothing answers on the socket any more.
    assert!(std::os::unix::net::UnixStream::connect(&socket).is_err());
}
