//! Token lint and mask: whatever is pasted, the messages and the mask never show it.

use proptest::prelude::*;

use super::{check, input, long, long_cases};
use crate::model::token::{LintIssue, MAX_LEN, TokenKind, lint, mask};

const T: &str = "token";

fn token_invariants(v: &str) -> Result<(), TestCaseError> {
    let l = lint(v);
    for issue in &l.issues {
        let m = issue.message();
        prop_assert!(!m.chars().any(char::is_control), "{:?}", m);
        if v.chars().count() >= 8 {
            prop_assert!(!m.contains(v), "a lint message shows the value: {}", m);
        }
    }
    if v.contains(['\n', '\r']) {
        prop_assert!(l.fatal().is_some(), "a line break must stop setup (protocol injection)");
    }
    if v.chars().count() > MAX_LEN && !v.trim_matches(|c: char| c.is_whitespace() || c.is_control()).is_empty() {
        prop_assert!(l.issues.iter().any(|i| matches!(i, LintIssue::TooLong(_))));
    }
    let m = mask(v);
    prop_assert!(!m.chars().any(char::is_control), "{:?}", m);
    let secret = &v[TokenKind::of(v).prefix().len()..];
    if secret.chars().count() > 4 {
        prop_assert!(!m.contains(secret), "mask shows the secret: {}", m);
    }
    let shown = m.split_once('…').map_or(0, |(_, tail)| tail.chars().count());
    prop_assert!(shown <= 4);
    Ok(())
}

#[test]
fn pasted_values_hold_their_invariants() {
    let strategy = prop_oneof![
        input(),
        ("(ghp_|gho_|ghu_|ghs_|ghr_|github_pat_)", input()).prop_map(|(p, rest)| format!("{p}{rest}")),
    ];
    check(T, "invariants", super::cases(), strategy, |v| token_invariants(&v));
}

#[test]
fn pasted_values_of_100_kb() {
    check(T, "long", long_cases(), long().prop_map(|s| format!("ghp_{s}")), |v| token_invariants(&v));
}
