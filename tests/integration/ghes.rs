//! The host from the remote: without `--host-url` (and `GIT_REAUTH_HOST_URL`), a remote
//! on a host that answers `/api/v3/meta` as GitHub Enterprise Server is checked against
//! that host; any other host gets the exact `--host-url` to try.

use std::io::{Read, Write};

use crate::support::*;

/// The binary in the clone with the world's environment minus `GIT_REAUTH_HOST_URL`.
fn cmd_no_host(w: &World, args: &[&str]) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("git-reauth").unwrap();
    let vars = w.vars().into_iter().filter(|(k, _)| k != "GIT_REAUTH_HOST_URL");
    c.env_clear().env("PATH", std::env::var_os("PATH").unwrap()).envs(vars).current_dir(&w.ws.repo).args(args);
    c.timeout(std::time::Duration::from_secs(60));
    c
}

fn doctor(w: &World) -> (serde_json::Value, String) {
    let a = cmd_no_host(w, &["doctor", "--json"]).assert();
    let json = serde_json::from_str(&stdout(&a)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&a)));
    (json, stderr(&a))
}

fn check<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no check {id}: {json}"))
}

#[test]
fn a_remote_on_an_enterprise_server_is_checked_against_it() {
    let w = World::with(Setup { ssh_remote: false, ..Setup::default() });
    let base = w.sandbox.host_url();
    let host = base.trim_start_matches("http://").to_string();
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), format!("{base}/{OWNER}/{REPO}.git"));
    let (json, err) = doctor(&w);
    assert_eq!(json["host"], host, "{json}");
    assert_eq!(check(&json, "repository")["status"], "ok", "{json}");
    assert!(err.contains(&format!("{host} answers as GitHub Enterprise Server 3.14.0: using it")), "{err}");

    // setup too: the token is checked and stored for that host; git then pushes with it.
    let token = w.good_token();
    let a = cmd_no_host(&w, &["setup", "--token-stdin", "--yes"]).write_stdin(format!("{token}\n")).assert().success();
    assert!(stderr(&a).contains("answers as GitHub Enterprise Server"), "{}", stderr(&a));
    assert!(w.filled().contains(&format!("password={token}")), "{}", w.filled());
    let local = w.git_ok(&["rev-parse", "HEAD"]);
    w.git_ok(&["push", "origin", "HEAD:main"]);
    assert_eq!(w.remote_head(), local);
}

#[test]
fn a_port_where_nothing_listens_gets_the_host_url_to_try() {
    let w = World::with(Setup { ssh_remote: false, ..Setup::default() });
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    w.git_ok(&["remote", "set-url", "origin", &format!("http://127.0.0.1:{port}/octo/hello.git")]);
    let (json, err) = doctor(&w);
    assert_eq!(json["host"], "github.com", "{json}");
    assert_eq!(check(&json, "repository")["status"], "fail", "{json}");
    assert!(err.contains(&format!("try --host-url http://127.0.0.1:{port}")), "{err}");
}

/// A web server that answers every request with 404 (not GitHub), for `n` connections.
fn not_found_server(n: usize) -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in l.incoming().take(n) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = "<html><body>Not Found</body></html>";
            let _ = write!(
                s,
                "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[test]
fn a_server_that_is_not_github_gets_the_host_url_to_try() {
    let w = World::with(Setup { ssh_remote: false, ..Setup::default() });
    // One connection for the https:// attempt (not TLS: refused), one for http://.
    let port = not_found_server(2);
    w.git_ok(&["remote", "set-url", "origin", &format!("http://127.0.0.1:{port}/octo/hello.git")]);
    let (json, err) = doctor(&w);
    assert_eq!(json["host"], "github.com", "{json}");
    assert!(err.contains("/api/v3/meta has no installed_version"), "{err}");
    assert!(err.contains(&format!("try --host-url http://127.0.0.1:{port}")), "{err}");
}

/// The wizard finds the host from the remote as doctor and setup do: its header names
/// the Enterprise host, not github.com.
#[test]
fn the_wizard_uses_the_enterprise_host_of_the_remote() {
    let w = World::with(Setup { ssh_remote: false, ..Setup::default() });
    let host = w.sandbox.host_url().trim_start_matches("http://").to_string();
    let vars: Vec<(String, String)> = w.vars().into_iter().filter(|(k, _)| k != "GIT_REAUTH_HOST_URL").collect();
    let mut t = crate::tmux::Tmux::run(&w.ws.repo, &vars, &[], 100, 30);
    let s = t.wait_for("What is wrong");
    assert!(s.contains(&host) && !s.contains("github.com ·"), "{s}");
    t.keys(&["q"]);
    assert_eq!(t.exit_code(), 1);
}
