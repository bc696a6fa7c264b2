//! A real `git push` to the sandbox with the token handed out by our helper from the
//! keyring (configured as `credential.helper = reauth`, found on PATH by its argv0 name).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use git_reauth::model::credential::Credential;
use git_reauth::sandbox::workstation::HelperKind;
use git_reauth::store::KeyringStore;
use secrecy::ExposeSecret;

use super::binary;
use crate::support::*;

fn git(w: &World, env: &[(String, String)], args: &[&str], input: Option<&str>) -> Output {
    let mut c = Command::new("git");
    c.env_clear().envs(env.iter().map(|(k, v)| (k, v))).current_dir(&w.ws.repo).args(args);
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    if let Some(input) = input {
        stdin.write_all(input.as_bytes()).unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn git_push_uses_the_token_from_the_keyring() {
    let w = World::with(Setup { helper: HelperKind::None, ssh_remote: false, ..Setup::default() });
    let service = format!("git-reauth-test-push-{}", std::process::id());
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(binary(), bin.path().join("git-credential-reauth")).unwrap();
    let mut env = w.keyring_vars();
    env.retain(|(k, _)| k != "PATH");
    env.push(("PATH".into(), format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default())));
    env.push(("GIT_REAUTH_KEYRING_SERVICE".into(), service.clone()));
    let ok = |out: &Output, what: &str| {
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    };
    ok(&git(&w, &env, &["config", "--global", "credential.helper", "reauth"], None), "config");
    let host = w.sandbox.host_url().trim_start_matches("http://").to_string();
    let local = w.git_ok(&["rev-parse", "HEAD"]);

    // Nothing in the keyring yet: the push fails without prompting.
    let out = git(&w, &env, &["push", "origin", "HEAD:main"], None);
    assert!(!out.status.success());
    assert_ne!(w.remote_head(), local);

    // Store the token through git, as `setup --store keyring` will.
    let token = w.good_token();
    let cred = format!("protocol=http\nhost={host}\nusername={LOGIN}\npassword={token}\n");
    let out = git(&w, &env, &["credential", "approve"], Some(&cred));
    ok(&out, "approve");
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = git(&w, &env, &["push", "origin", "HEAD:main"], None);
    ok(&out, "push");
    assert_eq!(w.remote_head(), local);

    // The token is in the keyring: a fresh helper process and this process read it back.
    let mut c = assert_cmd::Command::new(binary());
    c.env_clear().envs(env.clone()).args(["credential", "get"]).write_stdin(format!("protocol=http\nhost={host}\n"));
    let out = c.output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("username={LOGIN}\npassword={token}\n\n"));
    let store = KeyringStore::with_service(&service);
    let got = store.get(&Credential::for_host("http", &host)).unwrap().unwrap();
    assert_eq!(got.password.as_ref().map(|p| p.expose_secret().to_string()), Some(token.clone()));

    // Rejected through git, it is gone and pushing fails again.
    ok(&git(&w, &env, &["credential", "reject"], Some(&format!("protocol=http\nhost={host}\n"))), "reject");
    assert!(store.get(&Credential::for_host("http", &host)).unwrap().is_none());
    ok(&git(&w, &env, &["commit", "-q", "--allow-empty", "-m", "second"], None), "commit");
    assert!(!git(&w, &env, &["push", "origin", "HEAD:main"], None).status.success());
}
