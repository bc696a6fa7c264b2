//! The semantics of git's helper test suite (`t/lib-credential.sh`), each written once
//! and run twice: straight through the binary, and through `git credential` with only
//! our helper configured.

use super::{Kr, Via};

const H: &str = "protocol=https\nhost=example.com\n";

fn with(extra: &str) -> String {
    format!("{H}{extra}")
}

macro_rules! both_ways {
    ($($name:ident),* $(,)?) => {
        mod via_binary {
            $( #[test] fn $name() { super::$name(super::Via::Binary) } )*
        }
        mod via_git {
            $( #[test] fn $name() { super::$name(super::Via::Git) } )*
        }
    };
}

both_ways!(
    store_then_get_round_trips,
    other_protocol_host_or_port_gets_nothing,
    several_users_are_kept_apart,
    get_without_username_returns_most_recent,
    overwrite_on_store,
    paths_match_as_git_does,
    erase_removes_the_match,
    erase_with_password_removes_only_a_matching_entry,
    erase_without_username_erases_all_users,
    empty_username_is_allowed,
    expiry_and_refresh_token_survive,
    expired_entry_is_not_returned,
    store_without_password_or_host_does_nothing,
);

fn store_then_get_round_trips(via: Via) {
    let k = Kr::new("round-trip");
    assert!(k.fill(via, H).is_none(), "a fresh service knows nothing");
    k.approve(via, &with("username=store-user\npassword=store-pass\n"));
    let a = k.fill(via, H).expect("stored credential");
    assert_eq!(a.user_pass(), ("store-user", "store-pass"));
    assert_eq!(a.get("password_expiry_utc"), None);
    assert_eq!(a.get("oauth_refresh_token"), None);
    if via == Via::Binary {
        // The helper answers only what git asked for: no protocol/host echo.
        assert_eq!(a.0.keys().map(String::as_str).collect::<Vec<_>>(), ["password", "username"]);
    }
}

fn other_protocol_host_or_port_gets_nothing(via: Via) {
    let k = Kr::new("other-host");
    k.approve(via, &with("username=u\npassword=p\n"));
    for query in [
        "protocol=http\nhost=example.com\n",
        "protocol=https\nhost=other.tld\n",
        "protocol=https\nhost=example.com:8080\n",
        "protocol=https\nhost=example.com\nusername=other\n",
    ] {
        assert!(k.fill(via, query).is_none(), "{query:?}");
    }
    assert!(k.fill(via, H).is_some());
}

fn several_users_are_kept_apart(via: Via) {
    let k = Kr::new("users");
    k.approve(via, &with("username=user1\npassword=pass1\n"));
    k.approve(via, &with("username=user2\npassword=pass2\n"));
    assert_eq!(k.fill(via, &with("username=user1\n")).unwrap().user_pass(), ("user1", "pass1"));
    assert_eq!(k.fill(via, &with("username=user2\n")).unwrap().user_pass(), ("user2", "pass2"));
}

fn get_without_username_returns_most_recent(via: Via) {
    let k = Kr::new("most-recent");
    k.approve(via, &with("username=user1\npassword=pass1\n"));
    k.approve(via, &with("username=user2\npassword=pass2\n"));
    assert_eq!(k.fill(via, H).unwrap().user_pass(), ("user2", "pass2"));
    k.approve(via, &with("username=user1\npassword=pass1b\n"));
    assert_eq!(k.fill(via, H).unwrap().user_pass(), ("user1", "pass1b"));
}

fn overwrite_on_store(via: Via) {
    let k = Kr::new("overwrite");
    k.approve(via, &with("username=user8\npassword=pass1\n"));
    k.approve(via, &with("username=user8\npassword=pass2\n"));
    assert_eq!(k.fill(via, &with("username=user8\n")).unwrap().user_pass(), ("user8", "pass2"));
    k.reject(via, &with("username=user8\npassword=pass2\n"));
    assert!(k.fill(via, &with("username=user8\n")).is_none());
}

/// git's `credential_match`: a path the request leaves out matches any path; a path it
/// sends matches only that path (a host-wide entry has no path to equal).
fn paths_match_as_git_does(via: Via) {
    let k = Kr::new("path");
    k.approve(via, "protocol=http\nhost=path.tld\npath=foo.git\nusername=user\npassword=pass\n");
    assert!(k.fill(via, "protocol=http\nhost=path.tld\npath=bar.git\n").is_none());
    let a = k.fill(via, "protocol=http\nhost=path.tld\n").expect("a request without a path matches any path");
    assert_eq!(a.user_pass(), ("user", "pass"));
    let a = k.fill(via, "protocol=http\nhost=path.tld\npath=foo.git\n").unwrap();
    assert_eq!(a.user_pass(), ("user", "pass"));
    // url= carries the path too.
    let a = k.fill(via, "url=http://path.tld/foo.git\n").unwrap();
    assert_eq!(a.user_pass(), ("user", "pass"));
    // A host-wide entry is the newest answer without a path, never one for a path.
    k.approve(via, "protocol=http\nhost=path.tld\nusername=host-user\npassword=host-pass\n");
    assert_eq!(k.fill(via, "protocol=http\nhost=path.tld\n").unwrap().user_pass(), ("host-user", "host-pass"));
    assert!(k.fill(via, "protocol=http\nhost=path.tld\npath=bar.git\n").is_none());
    let a = k.fill(via, "protocol=http\nhost=path.tld\npath=foo.git\n").unwrap();
    assert_eq!(a.user_pass(), ("user", "pass"));
    // Erasing the path's entry leaves the host's.
    k.reject(via, "protocol=http\nhost=path.tld\npath=foo.git\n");
    assert!(k.fill(via, "protocol=http\nhost=path.tld\npath=foo.git\n").is_none());
    assert_eq!(k.fill(via, "protocol=http\nhost=path.tld\n").unwrap().user_pass(), ("host-user", "host-pass"));
    assert!(k.fill(via, "protocol=http\nhost=path.tld\nusername=user\n").is_none());
}

fn erase_removes_the_match(via: Via) {
    let k = Kr::new("erase");
    k.approve(via, &with("username=user1\npassword=pass1\n"));
    k.approve(via, &with("username=user2\npassword=pass2\n"));
    k.reject(via, &with("username=user1\n"));
    assert!(k.fill(via, &with("username=user1\n")).is_none());
    assert_eq!(k.fill(via, &with("username=user2\n")).unwrap().user_pass(), ("user2", "pass2"));
    assert_eq!(k.fill(via, H).unwrap().user_pass(), ("user2", "pass2"));
    // Erasing what is not there is fine and changes nothing.
    k.reject(via, &with("username=nobody\n"));
    k.reject(via, "protocol=https\nhost=never-stored.tld\n");
    assert!(k.fill(via, &with("username=user2\n")).is_some());
}

fn erase_with_password_removes_only_a_matching_entry(via: Via) {
    let k = Kr::new("erase-password");
    k.approve(via, &with("username=user5\npassword=pass1\n"));
    k.reject(via, &with("username=user5\npassword=pass2\n"));
    assert_eq!(k.fill(via, &with("username=user5\n")).unwrap().user_pass(), ("user5", "pass1"));
    k.reject(via, &with("username=user5\npassword=pass1\n"));
    assert!(k.fill(via, &with("username=user5\n")).is_none());
}

fn erase_without_username_erases_all_users(via: Via) {
    let k = Kr::new("erase-all");
    k.approve(via, &with("username=user1\npassword=pass1\n"));
    k.approve(via, &with("username=user2\npassword=pass1\n"));
    k.approve(via, "protocol=https\nhost=other.tld\nusername=user1\npassword=pass1\n");
    k.reject(via, H);
    assert!(k.fill(via, H).is_none());
    assert!(k.fill(via, &with("username=user1\n")).is_none());
    assert!(k.fill(via, &with("username=user2\n")).is_none());
    assert!(k.fill(via, "protocol=https\nhost=other.tld\n").is_some(), "another host is untouched");
}

fn empty_username_is_allowed(via: Via) {
    let k = Kr::new("empty-user");
    k.approve(via, "protocol=https\nhost=sso.tld\nusername=\npassword=\n");
    let a = k.fill(via, "protocol=https\nhost=sso.tld\n").unwrap();
    assert_eq!(a.user_pass(), ("", ""));
}

/// git passes `password_expiry_utc` and `oauth_refresh_token` on from 2.41; older git
/// (Debian 12 has 2.39) drops both before a helper sees them.
fn git_knows_expiry() -> bool {
    let out = std::process::Command::new("git").arg("--version").output().unwrap();
    let version = git_reauth::git::parse_version(&String::from_utf8_lossy(&out.stdout)).unwrap();
    (version.0, version.1) >= (2, 41)
}

fn expiry_and_refresh_token_survive(via: Via) {
    let k = Kr::new("expiry");
    k.approve(via, &with("username=u\npassword=p\npassword_expiry_utc=9999999999\noauth_refresh_token=xyzzy\n"));
    let a = k.fill(via, H).unwrap();
    assert_eq!(a.user_pass(), ("u", "p"));
    let (expiry, refresh) =
        if via == Via::Binary || git_knows_expiry() { (Some("9999999999"), Some("xyzzy")) } else { (None, None) };
    assert_eq!(a.get("password_expiry_utc"), expiry);
    assert_eq!(a.get("oauth_refresh_token"), refresh);
}

fn expired_entry_is_not_returned(via: Via) {
    let k = Kr::new("expired");
    // git itself never stores an expired credential, so store it through the binary.
    k.approve(Via::Binary, &with("username=fresh\npassword=p1\npassword_expiry_utc=9999999999\n"));
    k.approve(Via::Binary, &with("username=stale\npassword=p2\npassword_expiry_utc=1000000000\n"));
    assert!(k.fill(via, &with("username=stale\n")).is_none());
    assert_eq!(k.fill(via, H).unwrap().user_pass(), ("fresh", "p1"), "the newest unexpired user");
}

fn store_without_password_or_host_does_nothing(via: Via) {
    let k = Kr::new("partial");
    k.approve(via, &with("username=u\n"));
    // git itself refuses a credential without protocol or host ("refusing to work with
    // credential missing host field"): only the helper can be handed one.
    k.approve(Via::Binary, "protocol=https\nusername=u\npassword=p\n");
    k.approve(Via::Binary, "host=example.com\nusername=u\npassword=p\n");
    k.approve(Via::Binary, &with("password=p\n"));
    assert!(k.fill(via, H).is_none());
    assert!(k.fill(via, &with("username=u\n")).is_none());
}
