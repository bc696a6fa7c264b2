//! Several accounts on one host, user names in URLs and config, `useHttpPath`: setup
//! computes the request as git does, forgets only the login it replaces, binds a
//! repository to the token's account when asked, and every case ends with a real push
//! (and a push by the other account where there is one).

use std::path::{Path, PathBuf};

use git_reauth::sandbox::{Access, TokenKindSpec, TokenSpec};

use crate::support::{LOGIN, REPO, Setup, World, stderr, stdout};

const BOT: &str = "work-bot";
const BOT_REPO: &str = "tools";

/// The host as git's URLs name it (`127.0.0.1:PORT`).
fn hostport(w: &World) -> String {
    w.sandbox.host_url().trim_start_matches("http://").to_string()
}

/// A world whose origin is HTTPS-like (`http://HOST/octo/hello.git`, the stale password
/// in `store`), with `url` as origin's URL when given.
fn world_with_origin(url: Option<&str>) -> World {
    let w = World::with(Setup { ssh_remote: false, ..Setup::default() });
    if let Some(url) = url {
        w.git_ok(&["remote", "set-url", "origin", url]);
    }
    w
}

/// A second account with its own repository, cloned next to the first; `origin` is
/// the URL it gets (`{host}`: the sandbox host).
fn add_bot(w: &World, origin: &str) -> PathBuf {
    w.sandbox.add_user(BOT, "bot-password-never-used");
    w.sandbox.add_repo(BOT, BOT_REPO, true, &[BOT]).unwrap();
    let dir = w.ws.repo.parent().unwrap().join(BOT_REPO);
    let bare = w.sandbox.repo_path(BOT, BOT_REPO);
    let out = w.ws.git(&["clone", "-q"]).arg(&bare).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let url = origin.replace("{host}", &hostport(w));
    git_in(w, &dir, &["remote", "set-url", "origin", &url]);
    std::fs::write(dir.join("BOT.md"), "bot work\n").unwrap();
    git_in(w, &dir, &["add", "BOT.md"]);
    git_in(w, &dir, &["commit", "-q", "-m", "bot work"]);
    dir
}

fn bot_fine_grained(w: &World) -> String {
    w.sandbox.issue_token(TokenSpec {
        login: BOT.into(),
        kind: TokenKindSpec::FineGrained { repos: vec![(format!("{BOT}/{BOT_REPO}"), Access::Write)] },
        expires_at: Some(chrono::Utc::now() + chrono::Duration::days(30)),
    })
}

fn git_in(w: &World, dir: &Path, args: &[&str]) -> std::process::Output {
    let out = w.ws.git(args).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "git {args:?} in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
    out
}

/// A real `git push` of a new commit from `dir` works.
fn push_works(w: &World, dir: &Path, what: &str) {
    std::fs::write(dir.join(format!("{what}.txt")), what).unwrap();
    git_in(w, dir, &["add", "."]);
    git_in(w, dir, &["commit", "-q", "-m", what]);
    let out = w.ws.git(&["push", "-q", "origin", "HEAD"]).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "push ({what}) in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
}

fn credentials(w: &World) -> String {
    std::fs::read_to_string(w.ws.home.join(".git-credentials")).unwrap_or_default()
}

#[test]
fn two_accounts_on_one_host_both_push_after_setup() {
    let w = world_with_origin(None);
    // The bot's clone names its account in the URL; its token is set up first.
    let bot_dir = add_bot(&w, &format!("http://{BOT}@{{host}}/{BOT}/{BOT_REPO}.git"));
    let bot_token = bot_fine_grained(&w);
    let a = w.cmd_in(&bot_dir, &["setup", "--token-stdin"]).write_stdin(format!("{bot_token}\n")).assert().success();
    assert!(stdout(&a).contains(&format!("{BOT}@http://")), "{}", stdout(&a));
    // The octo clone's stale password is untouched by the bot's setup.
    assert!(credentials(&w).contains(&format!("{LOGIN}:")), "{}", credentials(&w));

    // Now the store hands the bot's working login to every repository without a user
    // name (git's store answers the login used last first): octo's setup stops rather
    // than forget it, and binds the repository when asked.
    let token = w.good_token();
    let a = w.setup(&token, &[]).code(1);
    assert!(stderr(&a).contains(BOT) && stderr(&a).contains("--bind config"), "{}", stderr(&a));
    w.setup(&token, &["--bind", "config"]).success();
    push_works(&w, &w.ws.repo.clone(), "octo");
    push_works(&w, &bot_dir, "bot");
    // Each push made git store its login again (first in the file): both still work.
    push_works(&w, &w.ws.repo.clone(), "octo-again");
    let store = credentials(&w);
    assert!(store.contains(&format!("{BOT}:{bot_token}@")) && store.contains(&format!("{LOGIN}:{token}@")), "{store}");
    assert!(!store.contains("correct-horse"), "the stale password is gone: {store}");
}

#[test]
fn a_working_login_of_another_account_is_kept_and_the_repository_bound() {
    let w = world_with_origin(None);
    // The store answers first with the bot's working token for every repository.
    let bot_token = bot_fine_grained(&w);
    let file = w.ws.home.join(".git-credentials");
    let old = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("http://{BOT}:{bot_token}@{}\n{old}", hostport(&w))).unwrap();
    let before = w.snapshot();
    let token = w.good_token();
    let a = w.setup(&token, &[]).code(1);
    assert!(stderr(&a).contains(BOT) && stderr(&a).contains("--bind"), "{}", stderr(&a));
    assert_eq!(w.snapshot(), before, "a stop changes nothing");

    w.setup(&token, &["--bind", "config"]).success();
    let key = format!("credential.{}.username", w.sandbox.host_url());
    assert_eq!(w.git_ok(&["config", "--local", &key]), LOGIN);
    push_works(&w, &w.ws.repo.clone(), "bound");
    let store = credentials(&w);
    assert!(store.contains(&format!("{BOT}:{bot_token}@")), "the bot's login stays: {store}");
    // And undo takes the binding back.
    w.cmd(&["undo"]).assert().success();
    assert!(w.git(&["config", "--local", &key]).stdout.is_empty());
}

#[test]
fn an_email_user_name_in_the_url_carries_the_token() {
    let w = world_with_origin(None);
    let url = format!("http://me%40example.com@{}/octo/{REPO}.git", hostport(&w));
    w.git_ok(&["remote", "set-url", "origin", &url]);
    let token = w.good_token();
    let a = w.setup(&token, &[]).success();
    assert!(stdout(&a).contains("me@example.com"), "{}", stdout(&a));
    push_works(&w, &w.ws.repo.clone(), "email");
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), url, "the URL stays");
}

#[test]
fn another_login_in_the_url_stops_then_binds_by_url() {
    let w = world_with_origin(None);
    w.sandbox.add_user(BOT, "x");
    let url = format!("http://{BOT}@{}/octo/{REPO}.git", hostport(&w));
    w.git_ok(&["remote", "set-url", "origin", &url]);
    let before = w.snapshot();
    let token = w.good_token();
    let a = w.setup(&token, &[]).code(1);
    let err = stderr(&a);
    assert!(err.contains(BOT) && err.contains(LOGIN) && err.contains("remote URL"), "{err}");
    assert!(err.contains("--bind config") && err.contains("--bind url"), "{err}");
    assert_eq!(w.snapshot(), before, "a stop changes nothing, byte for byte");

    w.setup(&token, &["--bind", "url"]).success();
    let now = w.git_ok(&["remote", "get-url", "origin"]);
    assert_eq!(now, format!("http://{LOGIN}@{}/octo/{REPO}.git", hostport(&w)));
    push_works(&w, &w.ws.repo.clone(), "bound-url");
}

#[test]
fn another_login_in_config_stops_with_its_file_then_binds_by_config() {
    let w = world_with_origin(None);
    let key = format!("credential.{}.username", w.sandbox.host_url());
    w.git_ok(&["config", "--global", &key, BOT]);
    let before = w.snapshot();
    let token = w.good_token();
    let a = w.setup(&token, &[]).code(1);
    let err = stderr(&a);
    let gitconfig = w.ws.home.join(".gitconfig");
    assert!(err.contains(BOT) && err.contains(&gitconfig.display().to_string()), "{err}");
    assert!(!err.contains("0700"), "the real cause, not a cache socket: {err}");
    assert_eq!(w.snapshot(), before, "a stop changes nothing, byte for byte");

    w.setup(&token, &["--bind", "config"]).success();
    assert_eq!(w.git_ok(&["config", "--local", &key]), LOGIN);
    assert_eq!(w.git_ok(&["config", "--global", &key]), BOT, "the global setting stays");
    push_works(&w, &w.ws.repo.clone(), "bound-config");
}

#[test]
fn use_http_path_stores_the_token_for_the_path_git_asks_for() {
    let w = world_with_origin(None);
    w.git_ok(&["config", "--global", "credential.useHttpPath", "true"]);
    let token = w.good_token();
    let a = w.setup(&token, &[]).success();
    assert!(stdout(&a).contains(&format!("/octo/{REPO}.git")), "{}", stdout(&a));
    push_works(&w, &w.ws.repo.clone(), "path");
    let store = credentials(&w);
    let line = store.lines().find(|l| l.contains(&format!("{LOGIN}:{token}@"))).unwrap_or_default();
    assert!(line.ends_with(&format!("/octo/{REPO}.git")), "stored with the path git asks for: {store}");
}

#[test]
fn doctor_names_the_account_git_sends_and_where_it_comes_from() {
    let w = world_with_origin(None);
    let json = |w: &World| -> serde_json::Value {
        let out = w.cmd(&["doctor", "--json"]).output().unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let gitconfig = w.ws.home.join(".gitconfig").display().to_string();
    // The helper's answer (the stale password's user name), from the helper in ~/.gitconfig.
    let d = json(&w);
    assert_eq!(d["account"], serde_json::json!({"login": LOGIN, "source": "helper", "file": gitconfig}), "{d}");
    // Pinned by the config: that file.
    let key = format!("credential.{}.username", w.sandbox.host_url());
    w.git_ok(&["config", "--global", &key, BOT]);
    let d = json(&w);
    assert_eq!(d["account"], serde_json::json!({"login": BOT, "source": "config", "file": gitconfig}), "{d}");
    // Pinned by the URL: it wins over the config.
    let url = format!("http://me%40example.com@{}/octo/{REPO}.git", hostport(&w));
    w.git_ok(&["remote", "set-url", "origin", &url]);
    let d = json(&w);
    assert_eq!(d["account"], serde_json::json!({"login": "me@example.com", "source": "url"}), "{d}");
    let text = stdout(&w.cmd(&["doctor"]).assert());
    assert!(text.contains("git sends the account me@example.com (from the remote URL)"), "{text}");
}

#[test]
fn a_failed_run_puts_every_login_back_byte_for_byte() {
    let w = world_with_origin(None);
    // The stale login first, another account's working login after it.
    let bot_token = bot_fine_grained(&w);
    let file = w.ws.home.join(".git-credentials");
    let old = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{old}http://{BOT}:{bot_token}@{}\n", hostport(&w))).unwrap();
    // git pushes to every url value: a second one that cannot be reached makes the push
    // side of the proof fail after every change was applied.
    w.git_ok(&["config", "--add", "remote.origin.url", "git@127.0.0.1:octo/unreachable.git"]);
    let before = w.snapshot();
    let a = w.setup(&w.good_token(), &[]).code(1);
    assert!(stderr(&a).contains("rolled back") || stderr(&a).contains("git push --dry-run"), "{}", stderr(&a));
    assert_eq!(w.snapshot(), before, "every file, the store's order included, is as it was");
    assert!(credentials(&w).contains(&format!("{BOT}:{bot_token}@")));
}

#[test]
fn a_second_login_in_the_cache_stays_when_the_first_is_replaced() {
    let w = World::with(Setup {
        ssh_remote: false,
        helper: git_reauth::sandbox::workstation::HelperKind::Cache,
        ..Setup::default()
    });
    let bot_token = bot_fine_grained(&w);
    let host = hostport(&w);
    let mut approve = w.ws.git(&["credential", "approve"]).stdin(std::process::Stdio::piped()).spawn().unwrap();
    {
        use std::io::Write;
        write!(approve.stdin.take().unwrap(), "protocol=http\nhost={host}\nusername={BOT}\npassword={bot_token}\n\n")
            .unwrap();
    }
    assert!(approve.wait().unwrap().success());
    let token = w.good_token();
    // git's cache answers the oldest entry first: once the stale login is forgotten the
    // bot's answers before the new token, which the proof finds; nothing is left changed.
    let before = w.snapshot_files();
    let a = w.setup(&token, &[]).code(1);
    assert!(stderr(&a).contains(&format!("answers first with the login `{BOT}`")), "{}", stderr(&a));
    assert!(stderr(&a).contains("--bind config"), "{}", stderr(&a));
    assert_eq!(w.snapshot_files(), before);
    w.setup(&token, &["--bind", "config"]).success();
    push_works(&w, &w.ws.repo.clone(), "cache");
    let fill = |user: &str| {
        let mut c =
            w.ws.git(&["credential", "fill"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
        {
            use std::io::Write;
            write!(c.stdin.take().unwrap(), "protocol=http\nhost={host}\nusername={user}\n\n").unwrap();
        }
        String::from_utf8_lossy(&c.wait_with_output().unwrap().stdout).into_owned()
    };
    assert!(fill(LOGIN).contains(&format!("password={token}")), "octo's login is the token");
    assert!(fill(BOT).contains(&format!("password={bot_token}")), "the bot's login stays in the cache");
}
