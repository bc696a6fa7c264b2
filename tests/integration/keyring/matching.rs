//! Which stored credential answers, with git as the oracle: the same sequence of
//! `git credential approve|fill|reject` runs through our helper and through git's own
//! `credential-store` (useHttpPath on, so paths reach both), and every `fill` must
//! print the same; long lines and values that are not UTF-8 pass byte for byte; and a
//! keyring written by the previous format still answers.

use std::process::Output;

use super::{Kr, binary};

/// One step of a sequence: approve, reject, or fill (whose outcome is compared).
enum Op {
    Approve(Vec<u8>),
    Reject(Vec<u8>),
    Fill(Vec<u8>),
}

const EX: &str = "protocol=https\nhost=example.com\n";

fn a(extra: &str) -> Op {
    Op::Approve(format!("{EX}{extra}").into_bytes())
}
fn r(extra: &str) -> Op {
    Op::Reject(format!("{EX}{extra}").into_bytes())
}
fn f(extra: &str) -> Op {
    Op::Fill(format!("{EX}{extra}").into_bytes())
}

/// What a fill showed: exit code and stdout (nothing known: 128, "terminal prompts
/// disabled", as both helpers leave git to prompt).
fn outcome(out: &Output, what: &str) -> (Option<i32>, Vec<u8>) {
    let err = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => assert!(err.is_empty(), "{what}: {err}"),
        Some(128) => assert!(err.contains("terminal prompts disabled"), "{what}: {err}"),
        code => panic!("{what}: exit {code:?}: {err}"),
    }
    (out.status.code(), out.stdout.clone())
}

/// Run `ops` through our helper and through `git credential-store --file`; every fill
/// must agree. Returns the fills' outcomes (ours), for the caller's own checks.
fn against_credential_store(name: &str, ops: &[Op]) -> Vec<(Option<i32>, Vec<u8>)> {
    let k = Kr::new(name);
    let ours = format!("!'{}' credential", binary().display());
    let file = k.home().join("oracle-credentials");
    let oracle = format!("store --file='{}'", file.display());
    let mut fills = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let (git_op, input) = match op {
            Op::Approve(input) => ("approve", input),
            Op::Reject(input) => ("reject", input),
            Op::Fill(input) => ("fill", input),
        };
        let what = format!("step {i}: {git_op} {:?}", String::from_utf8_lossy(&input[..input.len().min(120)]));
        let mine = k.git_with(&ours, git_op, input);
        let theirs = k.git_with(&oracle, git_op, input);
        if git_op == "fill" {
            let (mine, theirs) = (outcome(&mine, &what), outcome(&theirs, &what));
            assert!(
                mine == theirs,
                "{what}: ours {:?} / credential-store {:?}",
                String::from_utf8_lossy(&mine.1),
                String::from_utf8_lossy(&theirs.1)
            );
            fills.push(mine);
        } else {
            for out in [&mine, &theirs] {
                assert!(
                    out.status.success() && out.stderr.is_empty(),
                    "{what}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
    fills
}

fn answered(fill: &(Option<i32>, Vec<u8>), line: &str) -> bool {
    fill.0 == Some(0) && String::from_utf8_lossy(&fill.1).lines().any(|l| l == line)
}

/// Paths, several users and erase, the way credential-store answers them.
#[test]
fn paths_users_and_erase_answer_as_credential_store_does() {
    let fills = against_credential_store(
        "oracle",
        &[
            a("path=foo.git\nusername=user1\npassword=pass1\n"),
            f(""), // 0: no path in the request: the path's entry answers
            f("path=foo.git\n"),
            f("path=bar.git\n"), // 2: nothing for another path
            a("username=user2\npassword=pass2\n"),
            f(""), // 3: the most recently stored
            f("username=user1\n"),
            f("username=user2\n"),
            f("path=foo.git\n"),
            f("path=foo.git\nusername=user2\n"), // 7: user2 has no entry for the path
            a("path=bar.git\nusername=user1\npassword=pass1bar\n"),
            f("username=user1\n"), // 8: user1's newest, on bar.git
            f("path=foo.git\n"),
            r("username=user2\n"),
            f(""), // 10: user2 gone, user1 kept
            f("username=user2\n"),
            r("username=user1\npassword=not-the-password\n"),
            f("username=user1\n"), // 12: a reject with another password erases nothing
            r("path=bar.git\nusername=user1\npassword=pass1bar\n"),
            f("username=user1\n"), // 13: bar.git's gone, foo.git's answers
            a("username=user1\npassword=pass1c\n"),
            f("path=foo.git\n"), // 14: a store without path replaced the user's path entries
            f(""),
            Op::Approve(b"protocol=https\nhost=other.tld\nusername=user1\npassword=pass1\n".to_vec()),
            r(""),
            f(""),                                                  // 16: every user of the host erased…
            Op::Fill(b"protocol=https\nhost=other.tld\n".to_vec()), // 17: …another host kept
        ],
    );
    assert!(answered(&fills[0], "password=pass1"), "{:?}", String::from_utf8_lossy(&fills[0].1));
    assert_eq!(fills[2].0, Some(128));
    assert!(answered(&fills[3], "password=pass2"));
    assert!(answered(&fills[5], "password=pass2") && answered(&fills[4], "password=pass1"));
    assert_eq!(fills[7].0, Some(128));
    assert!(answered(&fills[8], "password=pass1bar"));
    assert!(answered(&fills[10], "username=user1") && fills[11].0 == Some(128));
    assert!(answered(&fills[12], "password=pass1bar"));
    assert!(answered(&fills[13], "password=pass1"));
    assert_eq!(fills[14].0, Some(128));
    assert!(answered(&fills[15], "password=pass1c"));
    assert_eq!(fills[16].0, Some(128));
    assert!(answered(&fills[17], "username=user1"));
}

/// Two lines of 40,000 bytes (over 65,536 together): stored and answered whole.
#[test]
fn two_40000_byte_lines_are_accepted() {
    let user = "u".repeat(40_000 - "username=".len());
    let pass = "p".repeat(40_000 - "password=".len());
    let fills = against_credential_store(
        "long-lines",
        &[a(&format!("username={user}\npassword={pass}\n")), f(&format!("username={user}\n")), f("")],
    );
    for fill in &fills {
        assert!(answered(fill, &format!("password={pass}")), "{}", fill.1.len());
    }
    // And straight through the helper: the answer is exactly the two lines.
    let k = Kr::new("long-lines-binary");
    let out = k.helper("store", format!("{EX}username={user}\npassword={pass}\n").as_bytes());
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = k.helper("get", EX.as_bytes());
    assert_eq!(out.stdout, format!("username={user}\npassword={pass}\n\n").into_bytes());
}

/// A password and a user name that are not UTF-8 come back byte for byte, as
/// credential-store gives them back.
#[test]
fn values_that_are_not_utf8_round_trip_byte_for_byte() {
    let user: &[u8] = b"u\xc3\x28ser";
    let pass: &[u8] = b"p\xff\xfe\x80=\x01q";
    let approve = [EX.as_bytes(), b"username=", user, b"\npassword=", pass, b"\n"].concat();
    let fill_user = [EX.as_bytes(), b"username=", user, b"\n"].concat();
    let fills = against_credential_store(
        "bytes",
        &[Op::Approve(approve.clone()), Op::Fill(fill_user.clone()), Op::Fill(EX.as_bytes().to_vec())],
    );
    let want = [EX.as_bytes(), b"username=", user, b"\npassword=", pass, b"\n"].concat();
    for fill in &fills {
        assert_eq!(fill.0, Some(0));
        assert_eq!(fill.1, want, "{:?}", String::from_utf8_lossy(&fill.1));
    }
    // The helper's own answer, and erase by that user name.
    let k = Kr::new("bytes-binary");
    let out = k.helper("store", &approve);
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(k.helper("get", EX.as_bytes()).stdout, [b"username=", user, b"\npassword=", pass, b"\n\n"].concat());
    let out = k.helper("erase", &fill_user);
    assert!(out.status.success() && out.stderr.is_empty());
    assert!(k.helper("get", EX.as_bytes()).stdout.is_empty());
}

/// Entries the previous build wrote (format 1: one entry per protocol, host and path,
/// a map of user names) still answer; changing a path folds its old entry into the
/// host's and deletes it.
#[cfg(any(target_os = "linux", target_os = "freebsd"))]
#[test]
fn a_keyring_written_by_the_previous_format_still_answers() {
    let k = Kr::new("format-1");
    crate::support::keyring_env(); // fail clearly outside scripts/test
    let write =
        |account: &str, secret: &str| keyring::Entry::new(&k.service, account).unwrap().set_password(secret).unwrap();
    let read = |account: &str| keyring::Entry::new(&k.service, account).unwrap().get_password();
    write("https://old.tld", r#"{"v":1,"users":{"a":{"password":"pa","seq":1},"b":{"password":"pb","seq":2}}}"#);
    write("https://old.tld/o/r.git", r#"{"v":1,"users":{"p":{"password":"pp","seq":1}}}"#);
    let host = "protocol=https\nhost=old.tld\n";
    let fill = |extra: &str| k.fill(super::Via::Git, &format!("{host}{extra}")).map(|a| a.user_pass().1.to_string());
    assert_eq!(fill("").as_deref(), Some("pb"), "the most recently stored user");
    assert_eq!(fill("username=a\n").as_deref(), Some("pa"));
    assert_eq!(fill("path=o/r.git\n").as_deref(), Some("pp"), "the old path-scoped entry");
    assert_eq!(fill("path=x.git\n"), None);

    // A store on that path moves the old entry's users into the host's entry.
    k.approve(super::Via::Git, &format!("{host}path=o/r.git\nusername=q\npassword=pq\n"));
    assert!(matches!(read("https://old.tld/o/r.git"), Err(keyring::Error::NoEntry)), "the old entry is gone");
    assert_eq!(fill("path=o/r.git\n").as_deref(), Some("pq"));
    assert_eq!(fill("path=o/r.git\nusername=p\n").as_deref(), Some("pp"), "kept through the move");
    assert_eq!(fill("username=p\n").as_deref(), Some("pp"), "and now found without the path");
    assert_eq!(fill("").as_deref(), Some("pq"));
    assert_eq!(fill("username=a\n").as_deref(), Some("pa"));
    assert!(read("https://old.tld").unwrap().starts_with("{\"v\":2,"));

    // An erase on an old path entry removes what it matches and folds in the rest.
    write("https://old.tld/s.git", r#"{"v":1,"users":{"s1":{"password":"x1"},"s2":{"password":"x2"}}}"#);
    k.reject(super::Via::Git, &format!("{host}path=s.git\nusername=s1\n"));
    assert!(matches!(read("https://old.tld/s.git"), Err(keyring::Error::NoEntry)));
    assert_eq!(fill("path=s.git\n").as_deref(), Some("x2"));
    assert_eq!(fill("path=s.git\nusername=s1\n"), None);
}
