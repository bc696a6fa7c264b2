//! `setup --store keyring`: git-reauth becomes the host's only helper (as gh configures
//! its own), the token lives in the OS keyring, a real push works, undo removes the
//! helper config; without a keyring the choice is explained and nothing changes.

use std::process::Output;

use git_reauth::sandbox::workstation::HelperKind;

use crate::support::*;

struct KeyringWorld {
    w: World,
    env: Vec<(String, String)>,
}

impl KeyringWorld {
    fn new(helper: HelperKind) -> KeyringWorld {
        let w = World::with(Setup { helper, ..Setup::default() });
        let mut env = w.keyring_vars();
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        env.push(("GIT_REAUTH_KEYRING_SERVICE".into(), format!("git-reauth-test-setup-{nanos}")));
        KeyringWorld { w, env }
    }

    fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        let mut c = self.w.cmd(args);
        c.envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    /// git in the clone, able to reach the test keyring through our helper.
    fn git(&self, args: &[&str]) -> Output {
        let mut c = self.w.ws.git(args);
        c.envs(self.env.iter().map(|(k, v)| (k, v)));
        c.output().unwrap()
    }

    fn gitconfig(&self) -> String {
        std::fs::read_to_string(self.w.ws.home.join(".gitconfig")).unwrap_or_default()
    }

    /// The global config as git reads it (an emptied section header is not a setting).
    fn global_settings(&self) -> String {
        String::from_utf8_lossy(&self.w.ws.git(&["config", "--global", "--list"]).output().unwrap().stdout).into_owned()
    }
}

#[test]
fn setup_store_keyring_makes_git_reauth_the_hosts_helper_and_push_works() {
    let k = KeyringWorld::new(HelperKind::None);
    let token = k.w.good_token();
    let before = k.global_settings();
    let a = k
        .cmd(&["setup", "--token-stdin", "--switch-remote", "--store", "keyring"])
        .write_stdin(format!("{token}\n"))
        .assert()
        .success();
    let out = stdout(&a);
    assert!(out.contains("the OS keyring"), "{out}");
    assert!(out.contains("git credential fill returns the new token (from git-reauth)"), "{out}");

    // gh's shape: an empty helper resets the inherited list, then ours, for this host only.
    let key = format!("credential.{}.helper", k.w.sandbox.host_url());
    let cfg = k.w.ws.git(&["config", "--global", "--get-all", &key]).output().unwrap();
    let values = String::from_utf8_lossy(&cfg.stdout).to_string();
    let lines: Vec<&str> = values.lines().collect();
    assert_eq!(lines.len(), 2, "{values}");
    assert_eq!(lines[0], "");
    assert!(lines[1].starts_with("!'") && lines[1].ends_with("' credential"), "{values}");
    assert!(!k.gitconfig().contains(&token));
    assert!(!k.w.ws.home.join(".git-credentials").exists(), "no plaintext store appears");

    let push = k.git(&["push", "origin", "HEAD:main"]);
    assert!(push.status.success(), "{}", String::from_utf8_lossy(&push.stderr));
    assert_eq!(k.w.remote_head(), k.w.git_ok(&["rev-parse", "HEAD"]));

    let a = k.cmd(&["doctor", "--json"]).assert().success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    let keyring = json["checks"].as_array().unwrap().iter().find(|c| c["id"] == "keyring").unwrap();
    assert_eq!(keyring["status"], "ok", "{json}");
    assert!(keyring["summary"].as_str().unwrap().contains("helper uses it"), "{json}");
    let a = k.cmd(&["status", "--json"]).assert().success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert!(json["stored_in"]["value"].as_str().unwrap().contains("credential"), "{json}");

    // undo takes the helper configuration (and the remote switch) back.
    k.cmd(&["undo"]).assert().success();
    assert_eq!(k.global_settings(), before);
    assert!(!k.gitconfig().contains("helper"), "no helper entry is left");
}

#[test]
fn an_existing_store_helper_loses_the_stale_password_and_keeps_serving_other_hosts() {
    let k = KeyringWorld::new(HelperKind::Store);
    let token = k.w.good_token();
    assert!(k.w.filled().contains(PASSWORD));
    k.cmd(&["setup", "--token-stdin", "--store", "keyring"]).write_stdin(format!("{token}\n")).assert().success();
    let creds = std::fs::read_to_string(k.w.ws.home.join(".git-credentials")).unwrap_or_default();
    assert!(!creds.contains(PASSWORD), "the stale password was forgotten: {creds}");
    assert!(!creds.contains(&token), "the token went to the keyring, not the file");
    // The global store helper is still configured for every other host.
    let global = k.w.ws.git(&["config", "--global", "--get-all", "credential.helper"]).output().unwrap();
    assert!(String::from_utf8_lossy(&global.stdout).contains("store"));
}

#[test]
fn without_a_keyring_setup_explains_the_choices_and_changes_nothing() {
    // No session bus for the child: the keyring is unreachable.
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    let token = w.good_token();
    let snap = w.snapshot();
    let a = w
        .cmd(&["setup", "--token-stdin", "--switch-remote", "--store", "keyring"])
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .write_stdin(format!("{token}\n"))
        .assert()
        .code(1);
    let err = stderr(&a);
    assert!(err.starts_with("error: the OS keyring is unavailable"), "{err}");
    assert!(
        err.contains("cache --timeout") && err.contains("credential.helper store"),
        "names the alternatives:\n{err}"
    );
    assert!(err.contains("plaintext") || err.contains("0600"), "says what store means:\n{err}");
    assert_eq!(w.snapshot(), snap);
    // doctor: not an error when nobody relies on the keyring, but said.
    let a = w.cmd(&["doctor", "--json"]).env_remove("DBUS_SESSION_BUS_ADDRESS").assert().code(1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    let keyring = json["checks"].as_array().unwrap().iter().find(|c| c["id"] == "keyring").unwrap();
    assert_eq!(keyring["status"], "warn", "{json}");
}

#[test]
fn a_second_login_in_the_keyring_stays_when_the_first_is_replaced() {
    let k = KeyringWorld::new(HelperKind::None);
    let first = k.w.good_token();
    k.cmd(&["setup", "--token-stdin", "--switch-remote", "--store", "keyring"])
        .write_stdin(format!("{first}\n"))
        .assert()
        .success();
    // Another account's login for the same host, kept by our helper too.
    let host = k.w.sandbox.host_url().replace("http://", "");
    k.w.sandbox.add_user("work-bot", "never-used");
    let bot = k.w.sandbox.issue_token(git_reauth::sandbox::TokenSpec {
        login: "work-bot".into(),
        kind: git_reauth::sandbox::TokenKindSpec::Classic { scopes: vec!["repo".into()] },
        expires_at: None,
    });
    let mut approve = k.w.ws.git(&["credential", "approve"]);
    approve.envs(k.env.iter().map(|(a, b)| (a, b))).stdin(std::process::Stdio::piped());
    let mut child = approve.spawn().unwrap();
    use std::io::Write;
    write!(child.stdin.take().unwrap(), "protocol=http\nhost={host}\nusername=work-bot\npassword={bot}\n\n").unwrap();
    assert!(child.wait().unwrap().success());
    let fill = |user: &str| {
        let mut c = k.w.ws.git(&["credential", "fill"]);
        c.envs(k.env.iter().map(|(a, b)| (a, b)))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        write!(child.stdin.take().unwrap(), "protocol=http\nhost={host}\nusername={user}\n\n").unwrap();
        String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned()
    };
    assert!(fill("work-bot").contains(&format!("password={bot}")), "the keyring keeps the second login");

    // The keyring answers the login stored last: the bot's, which works, so octo's
    // setup stops rather than forget it, and binds the repository when asked.
    let second = k.w.good_token();
    let a =
        k.cmd(&["setup", "--token-stdin", "--store", "keyring"]).write_stdin(format!("{second}\n")).assert().code(1);
    assert!(stderr(&a).contains("work-bot") && stderr(&a).contains("--bind"), "{}", stderr(&a));
    k.cmd(&["setup", "--token-stdin", "--store", "keyring", "--bind", "config"])
        .write_stdin(format!("{second}\n"))
        .assert()
        .success();
    assert!(fill("octo").contains(&format!("password={second}")), "octo's login is the new token");
    assert!(fill("work-bot").contains(&format!("password={bot}")), "the other login stays");
    let push = k.git(&["push", "origin", "HEAD:main"]);
    assert!(push.status.success(), "{}", String::from_utf8_lossy(&push.stderr));
}
