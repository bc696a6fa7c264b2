//! Response headers: `X-OAuth-Scopes`, token expiry, `X-GitHub-SSO`, rate-limit reset.

use proptest::prelude::*;

use super::{check, input, long, long_cases};
use crate::model::scopes::{Sso, parse_expiry, parse_reset, parse_scopes, parse_sso};

const T: &str = "headers";

fn header_invariants(s: &str) -> Result<(), TestCaseError> {
    let scopes = parse_scopes(Some(s)).ok_or_else(|| TestCaseError::fail("present header gave None"))?;
    for sc in &scopes.0 {
        prop_assert!(!sc.is_empty() && sc.trim() == sc && !sc.contains(','), "{:?}", sc);
    }
    let _ = scopes.missing_for_push(true);
    prop_assert!(scopes.effective().is_superset(&scopes.0));
    if let Some(t) = parse_expiry(s) {
        // Whatever parses is a real instant chrono can print and compare.
        prop_assert!(!t.to_rfc3339().is_empty());
    }
    if let Some(Sso::Required { url: Some(url) }) = parse_sso(s) {
        // The link goes into a hint on the terminal: one clean line, no escapes.
        prop_assert!(!url.is_empty() && !url.chars().any(|c| c.is_control() || c.is_whitespace()), "{:?}", url);
    }
    if let Some(reset) = parse_reset(s) {
        prop_assert!(reset.timestamp() >= 0);
    }
    Ok(())
}

#[test]
fn headers_hold_their_invariants() {
    check(T, "invariants", super::cases(), input(), |s| header_invariants(&s));
}

#[test]
fn headers_of_100_kb() {
    check(T, "long", long_cases(), long(), |s| header_invariants(&s));
}

#[test]
fn expiry_round_trips_through_githubs_format() {
    let strategy = (0i64..4_102_444_800, prop_oneof![Just(" UTC"), Just(" +0000"), Just(" GMT")]);
    check(T, "expiry", super::cases(), strategy, |(secs, zone)| {
        let t = chrono::DateTime::from_timestamp(secs, 0).ok_or_else(|| TestCaseError::reject("range"))?;
        let text = format!("{}{zone}", t.format("%Y-%m-%d %H:%M:%S"));
        prop_assert_eq!(parse_expiry(&text), Some(t));
        Ok(())
    });
}

#[test]
fn sso_headers_with_hostile_urls() {
    let strategy = (prop_oneof![Just("required"), Just("REQUIRED"), Just("partial-results")], input());
    check(T, "sso", super::cases(), strategy, |(head, rest)| {
        header_invariants(&format!("{head}; url={rest}"))?;
        header_invariants(&format!("{head}; organizations={rest}"))
    });
}
