//! `model::request` against git itself: for generated configs (global and repository
//! scope, URL patterns with paths, users, wildcards and ports, `useHttpPath` in every
//! spelling, `username` at several places) and remote URLs, a recording helper shows what
//! git sends, and the model must compute exactly that from git's own listing of the
//! entries.

use std::path::Path;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::model::helpers::parse_config_z;
use crate::model::request::request_for;

/// git in a sealed world: no system config, `global` is `home/.gitconfig`, never a prompt.
fn git(home: &Path, cwd: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .env("LC_ALL", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// What the recording helper saw, as (protocol, host, path, username).
type Seen = (Option<String>, Option<String>, Option<String>, Option<String>);

fn recorded(text: &str) -> Seen {
    let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(&format!("{k}="))).map(str::to_owned);
    (field("protocol"), field("host"), field("path"), field("username"))
}

/// A config section for `pattern` (`None`: `[credential]`) with `name = value` lines
/// (`value: None`: a bare key).
fn section(pattern: Option<&str>, name: &str, value: Option<&str>) -> String {
    let head = match pattern {
        Some(p) => format!("[credential \"{p}\"]\n"),
        None => "[credential]\n".into(),
    };
    match value {
        Some(v) => format!("{head}\t{name} = {v}\n"),
        None => format!("{head}\t{name}\n"),
    }
}

/// What git sends for `url` with `global` and `local` config text, and what the model computes.
fn both(global: &str, local: &str, url: &str) -> (Seen, Seen) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let repo = dir.path().join("repo");
    let record = dir.path().join("seen");
    std::fs::create_dir_all(&home).unwrap();
    assert!(git(&home, dir.path()).args(["init", "-q"]).arg(&repo).output().unwrap().status.success());
    // The recording helper comes last, after every entry under test.
    let helper = format!("[credential]\n\thelper = \"!f() {{ cat >'{}'; }}; f\"\n", record.display());
    std::fs::write(home.join(".gitconfig"), format!("{global}{helper}")).unwrap();
    let config = repo.join(".git/config");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(local);
    std::fs::write(&config, text).unwrap();

    let mut fill = git(&home, &repo).args(["credential", "fill"]).spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = fill.stdin.take().unwrap();
        writeln!(stdin, "url={url}\n").unwrap();
    }
    let out = fill.wait_with_output().unwrap();
    assert!(!out.status.success(), "nothing answers: git gives up without prompting");
    let seen = recorded(&std::fs::read_to_string(&record).unwrap_or_default());

    let listing = git(&home, &repo)
        .args(["config", "-z", "--show-scope", "--show-origin", "--get-regexp", r"^credential\."])
        .output()
        .unwrap();
    let entries = parse_config_z(&listing.stdout);
    let model = request_for(url, &entries)
        .map(|r| (Some(r.protocol), Some(r.host), r.path, r.username))
        .unwrap_or((None, None, None, None));
    (seen, model)
}

#[test]
fn known_cases_match_git() {
    let cases: &[(&str, &str, &str)] = &[
        ("", "", "https://github.com/o/r.git"),
        (&section(None, "useHttpPath", Some("true")), "", "https://github.com/o/r.git/"),
        (&section(None, "useHttpPath", None), "", "https://github.com/o/r"),
        (&section(Some("https://github.com/o"), "useHttpPath", Some("yes")), "", "https://github.com/ox/r"),
        (&section(Some("https://github.com"), "username", Some("bot")), "", "https://me%40example.com@github.com/o/r"),
        (
            &section(Some("https://github.com"), "username", Some("global")),
            &section(Some("https://github.com"), "username", Some("local")),
            "https://GitHub.com:443/o/r",
        ),
        (&section(Some("github.com"), "username", Some("partial")), "", "https://github.com:443/o/r"),
        (&section(Some("https://*.example.com"), "username", Some("wild")), "", "https://git.example.com/o/r"),
        (&section(Some("https://me@github.com"), "useHttpPath", Some("1")), "", "https://me@github.com/o/r"),
        (&section(Some("http://127.0.0.1:8080/o/r.git"), "username", Some("p")), "", "http://127.0.0.1:8080/o/r.git"),
    ];
    for (global, local, url) in cases {
        let (git, model) = both(global, local, url);
        assert_eq!(model, git, "for {url} with\n{global}{local}");
    }
}

fn pattern() -> impl Strategy<Value = Option<String>> {
    prop::sample::select(vec![
        None,
        Some("https://github.com"),
        Some("https://GitHub.com/"),
        Some("https://github.com/o"),
        Some("https://github.com/o/r.git"),
        Some("https://github.com:443"),
        Some("https://me@github.com"),
        Some("https://*.example.com"),
        Some("http://127.0.0.1:8080"),
        Some("github.com"),
        Some("github.com/o/r"),
        Some("https://github.com/o/./r"),
    ])
    .prop_map(|p| p.map(str::to_owned))
}

fn entry() -> impl Strategy<Value = String> {
    let value = prop::sample::select(vec![
        ("username", Some("bot")),
        ("username", Some("me@example.com")),
        ("username", Some("work")),
        ("useHttpPath", Some("true")),
        ("useHttpPath", Some("false")),
        ("usehttppath", Some("1")),
        ("useHttpPath", Some("off")),
        ("useHttpPath", None),
    ]);
    (pattern(), value).prop_map(|(p, (name, v))| section(p.as_deref(), name, v))
}

fn url() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["https", "http"]);
    let user = prop::sample::select(vec!["", "me@", "me%40example.com@", "bot@", "work@"]);
    let host =
        prop::sample::select(vec!["github.com", "GitHub.com", "github.com:443", "git.example.com", "127.0.0.1:8080"]);
    let path = prop::sample::select(vec!["/o/r.git", "/o/r", "/o/r.git/", "/ox/r", "/o/r/deeper", ""]);
    (scheme, user, host, path).prop_map(|(s, u, h, p)| format!("{s}://{u}{h}{p}"))
}

#[test]
fn generated_configs_match_git() {
    let strategy = (prop::collection::vec(entry(), 0..4), prop::collection::vec(entry(), 0..3), url());
    let config = Config { cases: 48, failure_persistence: None, ..Config::default() };
    TestRunner::new(config)
        .run(&strategy, |(global, local, url)| {
            let (global, local) = (global.concat(), local.concat());
            let (git, model) = both(&global, &local, &url);
            prop_assert_eq!(model, git, "for {} with\n{}---\n{}", url, global, local);
            Ok(())
        })
        .unwrap();
}
