//! The protocol's edges: hostile input, unknown operations, argv0 dispatch, a keyring
//! that cannot be reached, and the library's probe.

use std::process::Output;

use git_reauth::model::credential::Credential;
use git_reauth::store::{KeyringStore, Reason};
use secrecy::ExposeSecret;

use super::{Kr, Via, binary};

const H: &str = "protocol=https\nhost=example.com\n";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Exit 0 or 1, nothing on stdout, at most one stderr line, no panic.
fn harmless(out: &Output, what: &str) {
    let err = text(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{what}: exit {:?}: {err}", out.status.code());
    assert!(out.stdout.is_empty(), "{what}: stdout {:?}", text(&out.stdout));
    assert!(!err.contains("panicked") && err.lines().count() <= 1, "{what}: stderr {err}");
}

/// Deterministic pseudo-random bytes.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

#[test]
fn garbage_binary_and_huge_stdin_never_panic_and_print_nothing() {
    let k = Kr::new("garbage");
    let mut inputs: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("noise", noise(4096, 0x9e37_79b9_7f4a_7c15)),
        ("not utf-8", b"protocol=https\nhost=\xff\xfe\nusername=u\npassword=p\n".to_vec()),
        ("NUL in a value", b"protocol=https\nhost=example.com\nusername=u\npassword=p\0q\n".to_vec()),
        ("bad url", b"url=https://exa mple.com/\nusername=u\npassword=p\n".to_vec()),
        ("injected url", b"url=https://example.com/%0Ahost=evil\nusername=u\npassword=p\n".to_vec()),
        ("no equals signs", b"just some words\nand more\n\n".to_vec()),
        ("huge", [H.as_bytes(), b"username=u\npassword=", &vec![b'p'; 8 * 1024 * 1024]].concat()),
        ("one long line", vec![b'x'; 70_000]),
    ];
    inputs.push((
        "noise with newlines",
        noise(100_000, 42).into_iter().map(|b| if b < 20 { b'\n' } else { b }).collect(),
    ));
    for (what, input) in &inputs {
        for op in ["get", "store", "erase"] {
            let out = k.helper(op, input);
            harmless(&out, &format!("{op} with {what}"));
            assert_eq!(out.status.code(), Some(0), "{op} with {what}: bad input is ignored, exit 0");
        }
    }
    // None of it was stored.
    assert!(k.fill(Via::Binary, H).is_none());
    assert!(k.fill(Via::Binary, "protocol=https\nhost=evil\n").is_none());
    // And the helper still works afterwards.
    k.approve(Via::Binary, &format!("{H}username=u\npassword=p\n"));
    assert_eq!(k.fill(Via::Binary, H).unwrap().user_pass(), ("u", "p"));
}

#[test]
fn unknown_operation_prints_nothing_and_exits_0() {
    let k = Kr::new("unknown-op");
    k.approve(Via::Binary, &format!("{H}username=u\npassword=p\n"));
    for op in ["list", "GET", "capability", "", "get --extra"] {
        let out = k.helper(op, H.as_bytes());
        assert_eq!(out.status.code(), Some(0), "{op:?}: {}", text(&out.stderr));
        assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{op:?}");
    }
    // The help documents the helper.
    let out = k.run(&binary(), &["--help"], b"");
    assert!(text(&out.stdout).contains("credential.helper reauth"), "{}", text(&out.stdout));
}

#[cfg(unix)]
#[test]
fn invoked_as_git_credential_reauth_it_is_the_helper() {
    let k = Kr::new("argv0");
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("git-credential-reauth");
    std::os::unix::fs::symlink(binary(), &link).unwrap();
    let out = k.run(&link, &["store"], format!("{H}username=u\npassword=p\n").as_bytes());
    assert!(out.status.success() && out.stderr.is_empty(), "{}", text(&out.stderr));
    let out = k.run(&link, &["get"], H.as_bytes());
    assert_eq!(text(&out.stdout), "username=u\npassword=p\n\n");
    // Same answer as `git-reauth credential get`.
    assert_eq!(k.helper("get", H.as_bytes()).stdout, out.stdout);
    // git appends the operation after configured options.
    let out = k.run(&link, &["--some-option", "get"], H.as_bytes());
    assert_eq!(text(&out.stdout), "username=u\npassword=p\n\n");
    // Unknown operation: nothing, exit 0.
    let out = k.run(&link, &["frobnicate"], H.as_bytes());
    assert!(out.status.success() && out.stdout.is_empty() && out.stderr.is_empty());
    // `credential.helper = reauth` finds it on PATH.
    let path = format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());
    let mut git = std::process::Command::new("git");
    git.env_clear()
        .envs(k.env())
        .env("PATH", path)
        .args(["-c", "credential.helper=", "-c", "credential.helper=reauth", "credential", "fill"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = git.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(H.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("username=u\npassword=p\n"), "{}", text(&out.stdout));
}

#[cfg(any(target_os = "linux", target_os = "freebsd"))]
#[test]
fn without_a_keyring_get_answers_nothing_and_store_fails_with_one_line() {
    let k = Kr::new("no-bus");
    let run = |op: &str, input: &str| {
        let mut c = assert_cmd::Command::new(binary());
        c.env_clear()
            .envs(k.env())
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/git-reauth-test-bus")
            .env("XDG_RUNTIME_DIR", "/nonexistent")
            .args(["credential", op])
            .write_stdin(input.to_string());
        c.output().unwrap()
    };
    let out = run("get", H);
    harmless(&out, "get");
    assert_eq!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(err.starts_with("git-credential-reauth: ") && err.contains("keyring is unavailable"), "{err}");
    for op in ["store", "erase"] {
        let out = run(op, &format!("{H}username=u\npassword=p\n"));
        harmless(&out, op);
        assert_eq!(out.status.code(), Some(1), "{op}");
        assert!(text(&out.stderr).contains(&format!("could not {op}")), "{}", text(&out.stderr));
    }
}

#[test]
fn library_store_probe_and_fresh_process_agree() {
    let k = Kr::new("library");
    crate::support::keyring_env(); // fail clearly outside scripts/test
    let store = KeyringStore::with_service(&k.service);
    store.probe().unwrap();
    // Written by a helper process, read by this one.
    k.approve(Via::Binary, &format!("{H}username=octo\npassword=ghp_fromhelper\n"));
    let query = Credential::for_host("https", "example.com");
    let got = store.get(&query).unwrap().unwrap();
    assert_eq!(got.username.as_deref(), Some("octo"));
    assert_eq!(got.password.as_ref().map(|p| p.expose_secret()), Some("ghp_fromhelper"));
    // Written by this process, read by a helper process.
    let mut c = Credential::for_host("https", "example.com");
    c.username = Some("other".into());
    c.password = Some("ghp_fromlibrary".into());
    store.store(&c).unwrap();
    assert_eq!(k.fill(Via::Binary, H).unwrap().user_pass(), ("other", "ghp_fromlibrary"));
    store.erase(&query).unwrap();
    assert!(store.get(&query).unwrap().is_none());
    assert!(k.fill(Via::Binary, H).is_none());
    // Probing leaves nothing behind and an explanation exists for every reason.
    store.probe().unwrap();
    for r in [Reason::NoSession, Reason::NoProvider, Reason::Locked, Reason::Other] {
        assert!(!git_reauth::store::KeyringUnavailable::new(r, "x").explain().is_empty());
    }
}

/// Two `git credential approve` at once (two terminals, or a script fixing many repos)
/// each read the host's entry, add their user and write it back: without the lock one
/// of the users would be lost.
#[test]
fn concurrent_stores_for_one_host_keep_every_user() {
    let k = Kr::new("race");
    let users: Vec<String> = (0..8).map(|i| format!("user{i}")).collect();
    let children: Vec<_> = users
        .iter()
        .map(|u| k.spawn_helper("store", format!("{H}username={u}\npassword=pw-{u}\n").as_bytes()))
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(out.stderr.is_empty() && out.stdout.is_empty(), "{}", text(&out.stderr));
    }
    for u in &users {
        let answer = k.fill(Via::Binary, &format!("{H}username={u}\n"));
        let answer = answer.unwrap_or_else(|| panic!("{u} was lost by a concurrent store"));
        assert_eq!(answer.user_pass(), (u.as_str(), format!("pw-{u}").as_str()));
    }
}
