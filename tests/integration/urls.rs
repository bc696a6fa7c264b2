//! Remote URLs as git reads them, with git itself as the oracle: our parse (transport,
//! user, host, port, path) against `git fetch-pack --diag-url` (ssh://, git://, file://,
//! scp-like, local paths) and `git credential fill` with a recording helper (http(s)://,
//! ftp(s)://: what git-remote-https and the helpers are given). Then the remote as
//! `git-reauth doctor --json` reports it: the first of two url values, an SSH pushurl
//! named as a pushurl, a fork-style pushurl with both repositories.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use git_reauth::model::host::HostUrl;
use git_reauth::model::remote::{Classified, RemoteUrl, Transport, classify, parse};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// A URL's parts as git reports them, normalised to our conventions (host lower-case
/// without brackets, no leading `/` on ssh/git paths, no default port).
#[derive(Debug, PartialEq, Eq)]
struct Parts {
    protocol: String,
    user: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    path: String,
}

/// A throwaway repository with a config of its own: no system, global or user config.
struct Oracle {
    dir: PathBuf,
}

impl Oracle {
    fn new(tag: &str) -> Oracle {
        let dir = std::env::temp_dir().join(format!("git-reauth-urls-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("home")).expect("scratch dir");
        let o = Oracle { dir };
        let out = o.git().args(["init", "-q", "repo"]).output().expect("git init");
        assert!(out.status.success(), "{out:?}");
        o
    }

    fn git(&self) -> Command {
        let mut c = Command::new("git");
        let repo = self.dir.join("repo");
        c.current_dir(if repo.exists() { repo } else { self.dir.clone() })
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.join("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LC_ALL", "C")
            .stdin(Stdio::null());
        c
    }

    /// `git fetch-pack --diag-url URL`; `None` when git refuses the URL.
    fn diag(&self, url: &str) -> Option<Parts> {
        let out = self.git().args(["fetch-pack", "--diag-url", url]).output().expect("git fetch-pack");
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8(out.stdout).expect("utf-8 diag");
        let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(&format!("Diag: {k}="))).map(str::to_string);
        let protocol = field("protocol")?;
        let raw_path = field("path")?;
        if protocol == "file" {
            return Some(Parts { protocol, user: None, host: None, port: None, path: raw_path });
        }
        let path = raw_path.trim_start_matches('/').to_string();
        let (user_host, port) = match field("userandhost") {
            Some(uh) => (uh, field("port").filter(|p| p != "NONE").map(|p| p.parse().expect("port"))),
            // git://: `[user@]host[:port]`, brackets kept.
            None => {
                let hp = field("hostandport")?;
                let (uh, port) = split_host_port(&hp);
                (uh, port)
            }
        };
        let (user, host) = match user_host.rsplit_once('@') {
            Some((u, h)) => (Some(u.to_string()), h.to_string()),
            None => (None, user_host),
        };
        Some(Parts { protocol, user, host: Some(unbracket(&host)), port, path })
    }

    /// `git credential fill` with `url=URL` and a helper that records what git asks it.
    fn credential(&self, url: &str) -> Option<Parts> {
        let record = self.dir.join("asked");
        let _ = std::fs::remove_file(&record);
        let mut child = self
            .git()
            .args([
                "-c",
                "credential.helper=",
                "-c",
                "credential.helper=!f(){ cat >\"$RECORD\"; }; f",
                "-c",
                "credential.useHttpPath=true",
                "credential",
                "fill",
            ])
            .env("RECORD", &record)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git credential");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(format!("url={url}\n\n").as_bytes()).expect("write");
        }
        let _ = child.wait().expect("wait");
        let asked = std::fs::read_to_string(&record).ok()?;
        let field = |k: &str| asked.lines().find_map(|l| l.strip_prefix(&format!("{k}="))).map(str::to_string);
        let protocol = field("protocol")?;
        let (host, port) = split_host_port(&field("host")?);
        let default = match protocol.as_str() {
            "https" => 443,
            "http" => 80,
            "ftp" => 21,
            _ => 990,
        };
        Some(Parts {
            protocol,
            user: field("username"),
            host: Some(unbracket(&host)),
            port: port.filter(|p| *p != default),
            path: field("path").unwrap_or_default(),
        })
    }

    /// The oracle for any URL: credential for the curl schemes, diag for the rest.
    fn parts(&self, url: &str) -> Option<Parts> {
        let curl = ["http://", "https://", "ftp://", "ftps://"];
        if curl.iter().any(|s| url.starts_with(s)) { self.credential(url) } else { self.diag(url) }
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `host:port`, `[v6]:port`, `user@[v6]:port` to host (brackets off) and port.
fn split_host_port(hp: &str) -> (String, Option<u16>) {
    if let Some(open) = hp.find('[')
        && let Some(close) = hp[open..].find(']').map(|i| i + open)
    {
        let host = format!("{}{}", &hp[..open], &hp[open + 1..close]);
        return (host, hp[close + 1..].strip_prefix(':').and_then(|p| p.parse().ok()));
    }
    match hp.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h.to_string(), p.parse().ok()),
        _ => (hp.to_string(), None),
    }
}

fn unbracket(h: &str) -> String {
    h.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase()
}

/// Our parse in the oracle's terms.
fn ours(r: &RemoteUrl) -> Parts {
    let protocol = match r.transport {
        Transport::Ssh => "ssh",
        Transport::Git => "git",
        Transport::File | Transport::Local => "file",
        Transport::Https => "https",
        Transport::Http => "http",
        Transport::Other => "other",
    };
    Parts { protocol: protocol.into(), user: r.user.clone(), host: r.host.clone(), port: r.port, path: r.path.clone() }
}

/// git's parts with the curl schemes we do not name (ftp, ftps) as `other`.
fn theirs(mut p: Parts) -> Parts {
    if matches!(p.protocol.as_str(), "ftp" | "ftps") {
        p.protocol = "other".into();
    }
    p
}

fn agree(o: &Oracle, url: &str) -> Result<(), TestCaseError> {
    let git = o.parts(url).map(theirs);
    let us = parse(url);
    match (&git, &us) {
        (Some(g), Ok(r)) => prop_assert_eq!(g, &ours(r), "{}", url),
        (Some(g), Err(e)) => prop_assert!(false, "{}: git reads {:?}, we refuse: {}", url, g, e),
        // git refuses it: we may parse what git would only fail to connect to, but
        // never call it a repository on github.com.
        (None, _) => prop_assert!(
            !matches!(classify(url, &HostUrl::github()), Classified::GitHub { .. }),
            "{}: git refuses it",
            url
        ),
    }
    Ok(())
}

// --- generators over git's URL forms (Documentation/urls.txt) ---

/// Some characters of `s` as `%XX` (either case of hex digit).
fn encode_some(s: String) -> impl Strategy<Value = String> {
    let n = s.chars().count();
    (proptest::collection::vec(any::<(bool, bool)>(), n), Just(s)).prop_map(|(picks, s)| {
        s.chars()
            .zip(picks)
            .map(|(c, (enc, lower))| {
                if enc && c.is_ascii() && c != '/' {
                    let h = format!("%{:02X}", c as u32);
                    if lower { h.to_ascii_lowercase() } else { h }
                } else {
                    c.to_string()
                }
            })
            .collect()
    })
}

fn user() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z0-9._-]{0,6}"
}

fn host_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{1,8}(\\.[a-z]{2,4}){0,2}",
        Just("github.com".to_string()),
        Just("ssh.github.com".to_string()),
        Just("GitHub.COM".to_string()),
        (0u8..=255, 0u8..=255).prop_map(|(a, b)| format!("10.{a}.{b}.1")),
    ]
}

fn v6() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("::1".to_string()),
        any::<std::net::Ipv6Addr>().prop_map(|a| a.to_string()),
        Just("2001:db8::7".to_string())
    ]
}

fn port() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), Just(":".to_string()), (0u16..).prop_map(|p| format!(":{p}")), Just(":22".into())]
}

/// A repository path: `~user/`, segments, `.git`, trailing `/`.
fn path(colon_ok: bool) -> impl Strategy<Value = String> {
    // Never `:` first: `host::x` is a remote helper to transport_get, which
    // `--diag-url` skips.
    let seg = if colon_ok { "[A-Za-z0-9._~-][A-Za-z0-9._~:-]{0,7}" } else { "[A-Za-z0-9._~-]{1,8}" };
    (
        proptest::option::of("~[a-z]{1,5}/"),
        proptest::collection::vec(seg, 1..4),
        any::<bool>(),
        prop_oneof![Just(""), Just("/"), Just("//")],
    )
        .prop_map(|(tilde, segs, git, slash)| {
            format!("{}{}{}{}", tilde.unwrap_or_default(), segs.join("/"), if git { ".git" } else { "" }, slash)
        })
}

/// `scheme://[user@]host[:port]/path`, percent-encoded in places.
fn scheme_url() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("ssh"),
        Just("git+ssh"),
        Just("ssh+git"),
        Just("git"),
        Just("file"),
        Just("https"),
        Just("http"),
        Just("ftp"),
        Just("ftps")
    ];
    let host = prop_oneof![3 => host_name(), 1 => v6().prop_map(|h| format!("[{h}]"))];
    (scheme, proptest::option::of(user()), host, port(), path(false), any::<bool>()).prop_flat_map(
        |(scheme, user, host, port, path, encode)| {
            let curl = matches!(scheme, "https" | "http" | "ftp" | "ftps");
            // git decodes an ssh:// URL as a whole (host too); credential.c keeps `%` in a
            // host with a port, so hosts of the curl schemes stay as written.
            let encodable_host = !curl && !host.starts_with('[');
            let user = user.unwrap_or_default();
            let user_s = if encode { encode_some(user).boxed() } else { Just(user).boxed() };
            let host_s = if encode && encodable_host { encode_some(host).boxed() } else { Just(host).boxed() };
            let path_s = if encode { encode_some(path).boxed() } else { Just(path).boxed() };
            (user_s, host_s, path_s).prop_map(move |(u, h, p)| {
                let at = if u.is_empty() { "" } else { "@" };
                format!("{scheme}://{u}{at}{h}{port}/{p}")
            })
        },
    )
}

/// scp-like: `[user@]host:path`, `[user@host]:path`, `[user@host:port]:path`,
/// `[v6]:path`, `user@[v6]:path`, `host:/~user/path`.
fn scp_url() -> impl Strategy<Value = String> {
    (proptest::option::of(user()), host_name(), v6(), (1u16..).prop_map(|p| p.to_string()), path(true), 0..6).prop_map(
        |(user, host, v6, port, path, form)| {
            let u = user.map(|u| format!("{u}@")).unwrap_or_default();
            match form {
                0 => format!("{u}{host}:{path}"),
                1 => format!("[{u}{host}]:{path}"),
                2 => format!("[{u}{host}:{port}]:{path}"),
                3 => format!("[{v6}]:{path}"),
                4 => format!("{u}[{v6}]:{path}"),
                _ => format!("{u}{host}:/{path}"),
            }
        },
    )
}

/// Local paths: `./x:y`, `/abs`, `~user/x`, `../r`, `a/b:c`.
fn local_url() -> impl Strategy<Value = String> {
    (prop_oneof![Just("./"), Just("/"), Just("~u/"), Just("~/"), Just("../"), Just("a/")], path(true))
        .prop_map(|(pre, p)| format!("{pre}{p}"))
}

fn any_url() -> impl Strategy<Value = String> {
    prop_oneof![4 => scheme_url(), 3 => scp_url(), 1 => local_url()]
}

/// The property: for 64 URLs over git's forms, what git reads is what we read. (Each
/// case spawns one git; the generators are broad, the count modest.)
#[test]
fn our_parse_is_gits_on_generated_urls() {
    let o = Oracle::new("prop");
    let mut runner = TestRunner::new(Config {
        cases: std::env::var("URLS_ORACLE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&any_url(), |url| agree(&o, &url));
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// t5500's `check_prot_host_port_path` matrix and t5601's scp-like cases, each against git.
#[test]
fn the_t5500_and_t5601_matrix_parses_as_git_reads_it() {
    let o = Oracle::new("matrix");
    let mut urls = Vec::new();
    for r in ["repo", "re:po", "re/po"] {
        for p in ["ssh+git", "git+ssh", "git", "ssh"] {
            for h in ["host", "user@host", "user@[::1]", "user@::1"] {
                // t5500 names the test `$p://$h$c/$r` for c in "" ":", but checks `$p://$h/$r`.
                urls.push(format!("{p}://{h}/{r}"));
                urls.push(format!("{p}://{h}/~{r}"));
            }
            for h in ["host", "User@host", "User@[::1]"] {
                urls.push(format!("{p}://{h}:22/{r}"));
            }
        }
        urls.push(format!("file://host/{r}"));
        urls.push(format!("file://host/~{r}"));
        for h in ["nohost", "nohost:12", "[::1]", "[::1]:23", "[", "[:aa"] {
            urls.push(format!("./{h}:{r}"));
            urls.push(format!("./file:{h}/~{r}"));
        }
        for h in ["host", "[::1]"] {
            urls.push(format!("{h}:{r}"));
            urls.push(format!("{h}:/~{r}"));
        }
    }
    // t5601: bracketed scp-like forms, ports, `~`.
    urls.extend(
        [
            "[myhost:123]:src",
            "[myhost]:src",
            "[user@myhost:123]:src",
            "myhost:src",
            "user@myhost:src",
            "[::1]:repo",
            "user@[::1]:repo",
            "[user@::1]:repo",
            "ssh://host.xz/home/user/repo",
            "ssh://host.xz:/~repo",
            "ssh://host.xz:22/home/user/repo",
            "ssh://[user@host.xz]:22/home/user/repo",
            "ssh://user@[::1]:22/~repo",
            "ssh://[git@github.com]:22/o/r",
            "[git@github.com:22]:o/r",
            "ssh://git@github.com/%6F/r.git",
            "https://github.com/%6F/r.git",
            "https://u%40x@github.com:8443/o/r.git/",
            "http://[::1]:80/o/r",
        ]
        .map(String::from),
    );
    let mut checked = 0;
    for url in &urls {
        let git = o.parts(url).map(theirs);
        let g = git.unwrap_or_else(|| panic!("git refuses {url}"));
        let r = parse(url).unwrap_or_else(|e| panic!("{url}: git reads {g:?}, we refuse: {e}"));
        assert_eq!(g, ours(&r), "{url}");
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

/// The bracketed and percent-encoded GitHub forms git accepts name the repository.
#[test]
fn bracketed_and_encoded_github_remotes_name_their_repository() {
    use git_reauth::model::remote::to_https;
    for url in [
        "ssh://[git@github.com]:22/o/r",
        "[git@github.com:22]:o/r",
        "[git@github.com]:o/r.git",
        "ssh://git@github.com/%6F/r.git",
        "https://github.com/%6F/r.git",
    ] {
        assert_eq!(to_https(url, &HostUrl::github()).as_deref(), Some("https://github.com/o/r.git"), "{url}");
    }
}

// --- the remote as git reads it, through the real binary and the engine ---

use crate::support::{OWNER, REPO, Setup, World, stderr, stdout};

fn check<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["checks"].as_array().and_then(|c| c.iter().find(|c| c["id"] == id)).unwrap_or_else(|| panic!("{id}: {json}"))
}

fn https_world() -> World {
    World::with(Setup { ssh_remote: false, ..Setup::default() })
}

/// The engine's view of `origin`, as doctor and setup get it.
fn view(w: &World) -> git_reauth::model::repo::RemoteView {
    use git_reauth::engine::{Deps, observe::observe};
    use git_reauth::env::Env;
    let env = Env::isolated(&w.ws.repo, &w.ws.env_vars());
    let host = HostUrl::parse(&w.sandbox.host_url()).expect("host");
    w.rt.block_on(async {
        let deps = Deps::new(env, host).expect("deps").without_keyring();
        observe(&deps, None).await.remote_view().cloned().expect("a GitHub remote")
    })
}

/// Two `remote.origin.url` values: git fetches from the first (ls-remote reaches it,
/// the second names no repository), and the doctor reads the first too.
#[test]
fn of_two_url_values_the_first_is_the_remote() {
    let w = https_world();
    let first = w.git_ok(&["remote", "get-url", "origin"]);
    let second = format!("git@127.0.0.1:{OWNER}/second.git");
    w.git_ok(&["config", "--add", "remote.origin.url", &second]);
    assert_eq!(w.git_ok(&["config", "--get-all", "remote.origin.url"]), format!("{first}\n{second}"));
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), first, "git's fetch URL is the first value");

    let v = view(&w);
    assert_eq!(v.info.url.as_deref(), Some(first.as_str()));
    assert_eq!(v.repo.to_string(), format!("{OWNER}/{REPO}"));
    let a = w.cmd(&["doctor", "--json"]).assert();
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).expect("json");
    let repo = check(&json, "repository")["summary"].as_str().unwrap_or_default().to_string();
    assert!(repo.starts_with(&format!("{OWNER}/{REPO} (origin)")), "{json}");
    let protocol = check(&json, "remote-protocol")["summary"].as_str().unwrap_or_default().to_string();
    assert!(protocol.contains("HTTP") && !protocol.contains("SSH"), "{json}");

    // git fetches from the first, and pushes to every one: the live check proves both,
    // so the SSH value that cannot be reached is named, and nothing is left changed.
    let token = w.good_token();
    let before = w.snapshot();
    let a = w.setup(&token, &[]).code(1);
    assert!(stderr(&a).contains("git push --dry-run origin failed"), "{}", stderr(&a));
    assert_eq!(w.snapshot(), before);
    // A second value git can push to (a mirror on the host): setup works, and a real
    // push reaches both repositories.
    w.sandbox.add_repo(OWNER, "mirror", true, &[crate::support::LOGIN]).expect("mirror");
    let mirror = format!("{}/{OWNER}/mirror.git", w.sandbox.host_url());
    w.git_ok(&["config", "--replace-all", "remote.origin.url", &mirror, "second"]);
    w.setup(&token, &[]).success();
    let push = w.git(&["push", "origin", "HEAD:refs/heads/both"]);
    assert!(push.status.success(), "{}", String::from_utf8_lossy(&push.stderr));
    let head = w.git_ok(&["rev-parse", "HEAD"]);
    for name in [REPO, "mirror"] {
        let bare = w.sandbox.repo_path(OWNER, name);
        let got = Command::new("git").arg("--git-dir").arg(&bare).args(["rev-parse", "both"]).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&got.stdout).trim(), head, "{name} got the push");
    }
}

/// An SSH pushurl is named as the pushurl it is (not as an insteadOf rule).
#[test]
fn an_ssh_pushurl_is_named_as_a_pushurl() {
    let w = https_world();
    let ssh = format!("git@127.0.0.1:{OWNER}/{REPO}.git");
    w.git_ok(&["config", "remote.origin.pushurl", &ssh]);
    assert_eq!(w.git_ok(&["remote", "get-url", "--push", "origin"]), ssh);
    let v = view(&w);
    assert_eq!(v.info.push_source(), git_reauth::model::repo::PushSource::PushUrl);
    assert_eq!(v.push_repo, None, "the same repository");
    let a = w.cmd(&["doctor", "--json"]).assert().code(1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).expect("json");
    let c = check(&json, "remote-protocol");
    assert_eq!(c["status"], "warn", "{json}");
    let summary = c["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("remote.origin.pushurl") && summary.contains("SSH"), "{summary}");
    assert!(!summary.contains("insteadOf"), "{summary}");
    assert!(c["fix"].as_str().unwrap_or_default().contains("set-url --push origin"), "{json}");
}

/// A fork-style pushurl: fetch from one repository, push to another; the view holds
/// both, as git does (`get-url` and `get-url --push`).
#[test]
fn a_fork_style_pushurl_records_both_repositories() {
    let w = https_world();
    w.sandbox.add_repo(OWNER, "fork", true, &[crate::support::LOGIN]).expect("fork");
    let fork = format!("{}/{OWNER}/fork.git", w.sandbox.host_url());
    w.git_ok(&["config", "remote.origin.pushurl", &fork]);
    assert_eq!(w.git_ok(&["remote", "get-url", "--push", "origin"]), fork);
    let v = view(&w);
    assert_eq!(v.repo.to_string(), format!("{OWNER}/{REPO}"));
    assert_eq!(v.push_repo.map(|r| r.to_string()), Some(format!("{OWNER}/fork")));
}

/// A `git://` remote is the unauthenticated git protocol, not HTTPS: the doctor says so
/// and setup offers the switch to HTTPS as it does for SSH.
#[test]
fn a_git_protocol_remote_is_unauthenticated_and_switched() {
    let w = https_world();
    let git_url = format!("git://127.0.0.1/{OWNER}/{REPO}.git");
    w.git_ok(&["remote", "set-url", "origin", &git_url]);
    let v = view(&w);
    assert_eq!(v.transport, Transport::Git);
    assert!(v.uses_ssh(), "treated like SSH: no token is used");
    let a = w.cmd(&["doctor", "--json"]).assert().code(1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).expect("json");
    let c = check(&json, "remote-protocol");
    assert_eq!(c["status"], "warn", "{json}");
    let summary = c["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("unauthenticated git://") && !summary.contains("HTTPS:"), "{summary}");
    let token = w.good_token();
    let out = stdout(&w.setup(&token, &["--switch-remote", "--dry-run"]).success());
    assert!(out.contains("set origin URL"), "{out}");
}

#[test]
fn a_fork_style_pushurl_is_checked_on_both_repositories_and_pushes_to_the_fork() {
    let w = https_world();
    w.sandbox.add_repo(OWNER, "fork", true, &[crate::support::LOGIN]).expect("fork");
    let fork = format!("{}/{OWNER}/fork.git", w.sandbox.host_url());
    w.git_ok(&["config", "remote.origin.pushurl", &fork]);
    // A token that may push to the fetch repository only is refused before any change:
    // the push goes to the fork.
    let before = w.snapshot();
    let narrow = w.fine_grained(git_reauth::sandbox::Access::Write);
    let a = w.setup(&narrow, &[]).code(1);
    assert!(stderr(&a).contains(&format!("{OWNER}/fork")), "{}", stderr(&a));
    assert_eq!(w.snapshot(), before);
    let token = w.good_token();
    let configs = [w.ws.repo.join(".git/config"), w.ws.home.join(".gitconfig")];
    let bytes = || configs.iter().map(|f| std::fs::read(f).unwrap_or_default()).collect::<Vec<_>>();
    // An SSH push URL to the fork, switched with the url.
    let ip = w.sandbox.host_url().replace("http://", "");
    let ip = ip.split(':').next().unwrap().to_string();
    w.git_ok(&["config", "remote.origin.pushurl", &format!("git@{ip}:{OWNER}/fork.git")]);
    let original = bytes();
    let a = w.setup(&token, &["--switch-remote"]).success();
    assert!(stdout(&a).contains("git push --dry-run origin authenticates"), "{}", stdout(&a));
    assert_eq!(w.git_ok(&["remote", "get-url", "--push", "origin"]), fork);
    let push = w.git(&["push", "origin", "HEAD:refs/heads/from-clone"]);
    assert!(push.status.success(), "{}", String::from_utf8_lossy(&push.stderr));
    let bare = w.sandbox.repo_path(OWNER, "fork");
    let head = Command::new("git").arg("--git-dir").arg(&bare).args(["rev-parse", "from-clone"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&head.stdout).trim(), w.git_ok(&["rev-parse", "HEAD"]), "the fork got the push");
    let undo = w.cmd(&["undo"]).assert().success();
    assert!(!stdout(&undo).contains("Not byte for byte"), "{}", stdout(&undo));
    assert_eq!(bytes(), original, "undo gives every config file back byte for byte");
}
