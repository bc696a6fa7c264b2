//! git's credential protocol: parse what git sends, render what we answer.

use proptest::prelude::*;
use secrecy::SecretString;

use super::{check, input, long, long_cases};
use crate::model::credential::{Credential, CredentialError, MAX_INPUT, parse};

const T: &str = "credential";

/// No value that came out of the parser can start a new protocol line.
fn parsed_invariants(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Ok(c) = parse(bytes) else { return Ok(()) };
    let fields = [&c.protocol, &c.host, &c.path, &c.username, &c.password_expiry_utc];
    for v in fields.into_iter().flatten() {
        prop_assert!(!v.contains(['\n', '\0']), "{:?}", v);
    }
    match c.render() {
        Ok(text) => {
            let set = [
                c.protocol.is_some(),
                c.host.is_some(),
                c.path.is_some(),
                c.username.is_some(),
                c.password.is_some(),
                c.password_expiry_utc.is_some(),
                c.oauth_refresh_token.is_some(),
            ];
            let lines = set.iter().filter(|s| **s).count();
            prop_assert_eq!(text.matches('\n').count(), lines + 1, "{:?}", text);
        }
        // A lone `\r` inside a value is kept by parse and refused by render.
        Err(e) => prop_assert!(matches!(e, CredentialError::BadValue(_)), "{:?}", e),
    }
    Ok(())
}

#[test]
fn parse_holds_for_any_bytes() {
    let strategy = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400),
        input().prop_map(String::into_bytes),
        (proptest::sample::select(&["protocol", "host", "path", "username", "password", "url"][..]), input())
            .prop_map(|(k, v)| format!("{k}={v}\n").into_bytes()),
    ];
    check(T, "parse", super::cases(), strategy, |b| parsed_invariants(&b));
}

#[test]
fn url_lines_never_inject_fields() {
    let strategy = (
        prop_oneof![Just("https://"), Just("http://"), Just("ssh://"), Just("")],
        input(),
        prop_oneof![Just(""), Just("%0a"), Just("%0d%0ahost=evil"), Just("%00"), Just("%ZZ"), Just("\r")],
    );
    check(T, "url", super::cases(), strategy, |(scheme, rest, tail)| {
        let line = format!("url={scheme}{rest}{tail}\n");
        parsed_invariants(line.as_bytes())
    });
}

#[test]
fn render_refuses_or_writes_exactly_one_line_per_value() {
    let v = || proptest::option::of(input());
    let strategy = (v(), v(), v(), v(), v(), v(), v());
    check(T, "render", super::cases(), strategy, |(protocol, host, path, username, password, expiry, refresh)| {
        let values = [&protocol, &host, &path, &username, &password, &expiry, &refresh];
        let present = values.iter().filter(|v| v.is_some()).count();
        let broken = values.iter().any(|v| v.as_ref().is_some_and(|s| s.contains(['\n', '\r', '\0'])));
        let c = Credential {
            protocol,
            host,
            path,
            username,
            password: password.map(SecretString::from),
            password_expiry_utc: expiry,
            oauth_refresh_token: refresh.map(SecretString::from),
        };
        match c.render() {
            Ok(text) => {
                prop_assert!(!broken);
                prop_assert_eq!(text.matches('\n').count(), present + 1);
                prop_assert!(text.ends_with("\n\n") || (present == 0 && text == "\n"));
            }
            Err(e) => prop_assert!(broken && matches!(e, CredentialError::BadValue(_))),
        }
        Ok(())
    });
}

#[test]
fn inputs_of_100_kb_are_refused_whole() {
    check(T, "long", long_cases(), long(), |s| {
        prop_assert!(s.len() > MAX_INPUT);
        prop_assert_eq!(parse(s.as_bytes()).err(), Some(CredentialError::TooLarge));
        // Just under the limit still parses (or is refused for its content, never panics).
        let cut = s.char_indices().map(|(i, _)| i).take_while(|i| *i <= MAX_INPUT).last().unwrap_or(0);
        parsed_invariants(&s.as_bytes()[..cut])
    });
}
