#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

fn rec(path: Option<&str>, user: &str, pw: &str) -> Record {
    Record {
        path: path.map(|p| Bytes::from_slice(p.as_bytes())),
        username: Bytes::from_slice(user.as_bytes()),
        password: Bytes::from_slice(pw.as_bytes()),
        password_expiry_utc: None,
        oauth_refresh_token: None,
    }
}

fn want<'a>(path: Option<&'a str>, user: Option<&'a str>, pw: Option<&'a str>) -> Want<'a> {
    Want { path: path.map(str::as_bytes), username: user.map(str::as_bytes), password: pw.map(str::as_bytes) }
}

/// (path, user, password) of a record, as text.
fn show(r: &Record) -> (Option<String>, String, String) {
    let t = |b: &Bytes| String::from_utf8_lossy(&b.0).into_owned();
    (r.path.as_ref().map(t), t(&r.username), t(&r.password))
}

fn found(doc: &Doc, w: Want) -> Option<(Option<String>, String, String)> {
    doc.lookup(&w, 0).map(show)
}

fn users(doc: &Doc) -> Vec<String> {
    doc.records().iter().map(|r| String::from_utf8_lossy(&r.username.0).into_owned()).collect()
}

#[test]
fn account_names() {
    let b = |s: &'static str| Some(s.as_bytes());
    let table = [
        ((b("https"), b("github.com")), Some("https://github.com")),
        ((b("http"), b("127.0.0.1:8080")), Some("http://127.0.0.1:8080")),
        ((None, b("github.com")), None),
        ((b("https"), None), None),
        ((b("https"), b("")), None),
        ((b(""), b("h")), None),
    ];
    for ((protocol, host), want) in table {
        assert_eq!(account(protocol, host).as_deref(), want, "{protocol:?} {host:?}");
    }
    // Not UTF-8: a distinct name per host, never one a text host could have.
    let (a, b2) = (account(b("https"), Some(b"h\xff")).unwrap(), account(b("https"), Some(b"h\xfe")).unwrap());
    assert!(a.starts_with("b64:") && !a.contains("//") && a != b2, "{a} {b2}");
    // Format 1's path-scoped names.
    assert_eq!(legacy_account(b("https"), b("h"), b("o/r.git")).as_deref(), Some("https://h/o/r.git"));
    assert_eq!(legacy_account(b("https"), b("h"), b("")), None);
    assert_eq!(legacy_account(b("https"), b("h"), None), None);
    assert_eq!(legacy_account(b("https"), b("h"), Some(b"\xff")), None);
    assert_eq!(legacy_account(b("https"), Some(b"h\xff"), b("p")), None);
}

#[test]
fn expiry_rule() {
    assert!(!expired(None, 100));
    assert!(expired(Some(b"99"), 100));
    assert!(!expired(Some(b"100"), 100));
    assert!(!expired(Some(b"9999999999"), 100));
    assert!(!expired(Some(b"soon"), 100));
    assert!(!expired(Some(b"\xff"), 100));
    assert!(expired(Some(b" 5 "), 100));
}

/// git's `credential_match`: a field the request leaves out matches anything, a field
/// it sets must be equal (a record without a path has none to equal).
#[test]
fn matching_is_gits_credential_match() {
    let with_path = rec(Some("foo.git"), "user", "pass");
    let host_only = rec(None, "user", "pass");
    // (want, matches with_path, matches host_only)
    let table = [
        (want(None, None, None), true, true),
        (want(Some("foo.git"), None, None), true, false),
        (want(Some("bar.git"), None, None), false, false),
        (want(None, Some("user"), None), true, true),
        (want(None, Some("other"), None), false, false),
        (want(None, Some(""), None), false, false),
        (want(Some("foo.git"), Some("user"), None), true, false),
    ];
    for (w, a, b) in table {
        assert_eq!(matches(&w, &with_path, false), a, "{w:?} vs path record");
        assert_eq!(matches(&w, &host_only, false), b, "{w:?} vs host record");
    }
    // The password counts only when asked to (erase).
    assert!(matches(&want(None, None, Some("other")), &host_only, false));
    assert!(!matches(&want(None, None, Some("other")), &host_only, true));
    assert!(matches(&want(None, None, Some("pass")), &host_only, true));
    assert!(matches(&want(None, Some(""), None), &rec(None, "", ""), false));
}

#[test]
fn lookup_answers_the_most_recent_match() {
    let mut doc = Doc::default();
    doc.store(rec(Some("foo.git"), "user", "pass"));
    // A request without a path finds the path-scoped record (credential-store does).
    assert_eq!(found(&doc, want(None, None, None)), Some((Some("foo.git".into()), "user".into(), "pass".into())));
    assert_eq!(found(&doc, want(Some("bar.git"), None, None)), None);
    doc.store(rec(None, "host-user", "host-pass"));
    // The newest of the matches; with a path, only that path's.
    assert_eq!(found(&doc, want(None, None, None)).unwrap().1, "host-user");
    assert_eq!(found(&doc, want(Some("foo.git"), None, None)).unwrap().1, "user");
    assert_eq!(found(&doc, want(Some("bar.git"), None, None)), None, "a host record is not for a path");
    // By user name.
    assert_eq!(found(&doc, want(None, Some("user"), None)).unwrap().2, "pass");
    assert_eq!(found(&doc, want(None, Some("nobody"), None)), None);
}

#[test]
fn store_replaces_what_it_matches() {
    let mut doc = Doc::default();
    doc.store(rec(None, "user1", "pass1"));
    doc.store(rec(None, "user2", "pass2"));
    assert_eq!(users(&doc), ["user2", "user1"]);
    // The same user again: replaced, and now the most recent.
    doc.store(rec(None, "user1", "pass1b"));
    assert_eq!(users(&doc), ["user1", "user2"]);
    assert_eq!(found(&doc, want(None, None, None)).unwrap().2, "pass1b");
    // A path-scoped record replaces only that path's record of that user…
    doc.store(rec(Some("a.git"), "user2", "pa"));
    doc.store(rec(Some("b.git"), "user2", "pb"));
    assert_eq!(doc.len(), 4);
    doc.store(rec(Some("a.git"), "user2", "pa2"));
    assert_eq!(doc.len(), 4);
    // …and one without a path replaces the user's records on every path, as
    // credential-store's rewrite does (its pattern has no path: any path matches).
    doc.store(rec(None, "user2", "p"));
    assert_eq!(users(&doc), ["user2", "user1"]);
}

#[test]
fn expired_records_are_skipped() {
    let mut doc = Doc::default();
    doc.store(rec(None, "fresh", "p1"));
    let mut old = rec(None, "old", "x");
    old.password_expiry_utc = Some(Bytes::from_slice(b"50"));
    doc.store(old);
    assert_eq!(doc.lookup(&want(None, None, None), 100).map(show).unwrap().1, "fresh");
    assert!(doc.lookup(&want(None, Some("old"), None), 100).is_none());
    assert_eq!(doc.lookup(&want(None, None, None), 10).map(show).unwrap().1, "old");
}

#[test]
fn erase_rules() {
    let fresh = || {
        let mut doc = Doc::default();
        doc.store(rec(None, "user3", "pass3"));
        doc.store(rec(None, "user2", "pass1"));
        doc.store(rec(None, "user1", "pass1"));
        doc.store(rec(Some("p.git"), "user1", "pass1"));
        doc
    };
    // (path, username, password) -> (path, user) left
    type Row<'a> = ((Option<&'a str>, Option<&'a str>, Option<&'a str>), &'a [&'a str]);
    let table: [Row; 9] = [
        ((None, None, None), &[]),
        ((None, Some("user1"), None), &["user2", "user3"]),
        ((None, Some("user1"), Some("pass1")), &["user2", "user3"]),
        ((None, Some("user1"), Some("other")), &["p.git user1", "user1", "user2", "user3"]),
        ((None, None, Some("pass1")), &["user3"]),
        ((None, Some("nobody"), None), &["p.git user1", "user1", "user2", "user3"]),
        ((None, Some(""), None), &["p.git user1", "user1", "user2", "user3"]),
        ((Some("p.git"), None, None), &["user1", "user2", "user3"]),
        ((Some("q.git"), None, None), &["p.git user1", "user1", "user2", "user3"]),
    ];
    for ((path, name, password), left) in table {
        let mut doc = fresh();
        let removed = doc.erase(&want(path, name, password));
        let mut names: Vec<String> = doc
            .records()
            .iter()
            .map(|r| match show(r) {
                (Some(p), u, _) => format!("{p} {u}"),
                (None, u, _) => u,
            })
            .collect();
        names.sort();
        assert_eq!(names, left, "{path:?} {name:?} {password:?}");
        assert_eq!(removed, 4 - left.len());
    }
}

#[test]
fn bytes_survive_the_document() {
    let mut doc = Doc::default();
    let mut r = Record {
        path: Some(Bytes::from_slice(b"p\xff/r.git")),
        username: Bytes::from_slice(b"\xc3\x28octo"),
        password: Bytes::from_slice(b"pw\xfe\x80\r\x01="),
        password_expiry_utc: Some(Bytes::from_slice(b"9999999999")),
        oauth_refresh_token: Some(Bytes::from_slice(b"r\xff")),
    };
    doc.store(r.clone());
    r.username = Bytes::from_slice("ünïcode".as_bytes());
    doc.store(r);
    let text = doc.to_secret();
    assert!(text.starts_with("{\"v\":2,\"records\":["), "{}", text.as_str());
    assert!(text.contains("\"username\":\"ünïcode\""), "text stays text: {}", text.as_str());
    assert!(text.contains("{\"b64\":"), "{}", text.as_str());
    let back = Doc::parse(&text, None).unwrap();
    assert_eq!(back.len(), 2);
    let got = back.lookup(&Want { username: Some(b"\xc3\x28octo"), ..Want::default() }, 0).unwrap();
    assert_eq!(got.password.0.as_slice(), b"pw\xfe\x80\r\x01=");
    assert_eq!(got.path.as_ref().unwrap().0.as_slice(), b"p\xff/r.git");
    assert_eq!(got.oauth_refresh_token.as_ref().unwrap().0.as_slice(), b"r\xff");
    assert_eq!(got.password_expiry_utc.as_ref().unwrap().0.as_slice(), b"9999999999");
    assert_eq!(
        Doc::parse("{\"v\":2,\"records\":[{\"username\":\"u\",\"password\":{\"b64\":\"!!\"}}]}", None).unwrap_err(),
        DocError::NotJson
    );
}

/// A document format 1 wrote (the previous build) still answers, as it did.
#[test]
fn format_1_is_read() {
    let v1 = r#"{"v":1,"users":{"octo":{"password":"ghp_x","password_expiry_utc":"9999999999","oauth_refresh_token":"r","seq":1},"":{"password":"","seq":3},"new":{"password":"n","seq":2}}}"#;
    let doc = Doc::parse(v1, None).unwrap();
    assert_eq!(users(&doc), ["", "new", "octo"], "most recently stored first");
    let octo = doc.lookup(&want(None, Some("octo"), None), 0).unwrap();
    assert_eq!(octo.password.0.as_slice(), b"ghp_x");
    assert_eq!(octo.oauth_refresh_token.as_ref().unwrap().0.as_slice(), b"r");
    assert_eq!(found(&doc, want(None, None, None)).unwrap().1, "");
    // A path-scoped entry's records get its path.
    let doc = Doc::parse(r#"{"v":1,"users":{"u":{"password":"p"}}}"#, Some(b"o/r.git")).unwrap();
    assert_eq!(found(&doc, want(Some("o/r.git"), None, None)), Some((Some("o/r.git".into()), "u".into(), "p".into())));
    // Written again, it is format 2.
    assert!(doc.to_secret().starts_with("{\"v\":2,"));
}

#[test]
fn parse_refuses_foreign_and_newer() {
    assert_eq!(Doc::parse("hunter2", None).unwrap_err(), DocError::NotJson);
    assert_eq!(Doc::parse("{\"users\":3}", None).unwrap_err(), DocError::NotJson);
    assert_eq!(Doc::parse("{\"v\":1,\"users\":3}", None).unwrap_err(), DocError::NotJson);
    assert_eq!(Doc::parse("{\"v\":3,\"records\":[]}", None).unwrap_err(), DocError::NewerVersion(3));
    assert!(Doc::parse("{\"v\":2,\"records\":[]}", None).unwrap().is_empty());
    // Unknown fields from a later minor change are ignored.
    let d =
        Doc::parse("{\"v\":2,\"records\":[{\"username\":\"a\",\"password\":\"p\",\"x\":1}],\"y\":2}", None).unwrap();
    assert_eq!(found(&d, want(None, Some("a"), None)).unwrap().2, "p");
}

#[test]
fn absorb_keeps_newer_first() {
    let mut doc = Doc::default();
    doc.store(rec(None, "new", "n"));
    let old = Doc::parse(r#"{"v":1,"users":{"old":{"password":"o"}}}"#, Some(b"p")).unwrap();
    doc.absorb(old);
    assert_eq!(users(&doc), ["new", "old"]);
    assert_eq!(found(&doc, want(Some("p"), None, None)).unwrap().1, "old");
}

#[test]
fn debug_hides_secrets() {
    let mut doc = Doc::default();
    let mut r = rec(None, "octo", "s3cret-pw");
    r.oauth_refresh_token = Some(Bytes::from_slice(b"s3cret-rt"));
    doc.store(r);
    let dbg = format!("{doc:?}");
    assert!(!dbg.contains("s3cret"), "{dbg}");
    assert!(dbg.contains("octo"));
}
