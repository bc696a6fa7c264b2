//! The helper-chain config parser (`git config -z --show-scope --show-origin` output).

use proptest::prelude::*;

use super::{check, input, long, long_cases};
use crate::model::helpers::{ConfigEntry, Target, helper_chain, parse_config_z};

const T: &str = "helpers";

fn targets() -> [Target<'static>; 3] {
    [
        Target { protocol: "https", host: "github.com", port: None },
        Target { protocol: "http", host: "127.0.0.1", port: Some(8080) },
        Target { protocol: "https", host: "::1", port: Some(443) },
    ]
}

fn chain_invariants(bytes: &[u8]) -> Result<(), TestCaseError> {
    let entries = parse_config_z(bytes);
    for e in &entries {
        prop_assert!(!e.key.contains(['\0', '\n']) && !e.value.contains('\0'), "{:?}", e);
    }
    for t in targets() {
        let chain = helper_chain(&entries, &t);
        prop_assert!(chain.len() <= entries.len());
        for h in &chain {
            prop_assert!(!h.value.trim().is_empty(), "an empty value resets, it is never a helper");
            prop_assert!(!h.name().is_empty());
            let _ = h.file();
        }
    }
    Ok(())
}

/// Pieces of `-z` output: NULs, newlines and credential keys with hostile URLs.
fn config_z() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just("\0".to_string()),
        Just("\n".to_string()),
        Just("global\0file:/home/u/.gitconfig\0".to_string()),
        Just("credential.helper\n".to_string()),
        input().prop_map(|u| format!("credential.{u}.helper\n")),
        input(),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat().into_bytes())
}

#[test]
fn config_output_holds_its_invariants() {
    let strategy = prop_oneof![config_z(), proptest::collection::vec(any::<u8>(), 0..300)];
    check(T, "invariants", super::cases(), strategy, |b| chain_invariants(&b));
}

#[test]
fn config_output_of_100_kb() {
    check(T, "long", long_cases(), long().prop_map(String::into_bytes), |b| chain_invariants(&b));
}

#[test]
fn entries_round_trip_through_z_format() {
    let field = "[^\0\n]{0,20}";
    let entry = (field, field, field, "[^\0]{0,30}", any::<bool>()).prop_map(|(scope, origin, key, value, bare)| {
        // A bare key (no `=`) has no value at all.
        ConfigEntry { scope, origin, key, value: if bare { String::new() } else { value }, bare }
    });
    let strategy = proptest::collection::vec(entry, 0..6).prop_filter("git never prints an all-empty record", |v| {
        v.iter().all(|e| !(e.scope.is_empty() && e.origin.is_empty() && e.key.is_empty()))
    });
    check(T, "round-trip", super::cases(), strategy, |entries| {
        let mut z = String::new();
        for e in &entries {
            // `key NL value` when the key has a value (an empty one too), as git prints it.
            let kv = if e.bare { e.key.clone() } else { format!("{}\n{}", e.key, e.value) };
            z.push_str(&format!("{}\0{}\0{kv}\0", e.scope, e.origin));
        }
        prop_assert_eq!(parse_config_z(z.as_bytes()), entries);
        Ok(())
    });
}
