//! Hostile-input property suites, one module per parser: control characters, line
//! breaks (credential-protocol injection), `..`, userinfo with tokens, IPv6 hosts and
//! 100 KB inputs. `cargo test` runs `PROPTEST_CASES` (default 256) inputs per property;
//! `scripts/fuzz` runs a million per property and reads the `fuzz-stat` lines printed
//! here (visible with `--nocapture`).

mod credential;
mod headers;
mod helpers;
mod remote;
mod token;

use std::sync::atomic::{AtomicU64, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Inputs per property: proptest's `PROPTEST_CASES`, 256 when unset.
fn cases() -> u32 {
    Config::default().cases
}

/// Inputs for the 100 KB properties: a hundredth of [`cases`], at least 8.
fn long_cases() -> u32 {
    (cases() / 100).max(8)
}

/// Run `property` on `cases` inputs from `strategy`. A panic inside is counted and is a
/// failure (the input is then shrunk). Prints what `scripts/fuzz` counts.
fn check<S: Strategy>(
    target: &str,
    name: &str,
    cases: u32,
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let runs = AtomicU64::new(0);
    let panics = AtomicU64::new(0);
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    let result = TestRunner::new(config).run(&strategy, |v| {
        runs.fetch_add(1, Ordering::Relaxed);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| property(v))).unwrap_or_else(|p| {
            panics.fetch_add(1, Ordering::Relaxed);
            let what = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned());
            Err(TestCaseError::fail(format!("panicked: {}", what.unwrap_or_default())))
        })
    });
    println!(
        "fuzz-stat target={target} property={name} executions={} panics={} failed={}",
        runs.load(Ordering::Relaxed),
        panics.load(Ordering::Relaxed),
        result.is_err()
    );
    if let Err(e) = result {
        panic!("{target}/{name}: {e}");
    }
}

/// Pieces that hostile remote URLs, hosts and header values are made of.
const PIECES: &[&str] = &[
    "https://",
    "http://",
    "ssh://",
    "git://",
    "file://",
    "ext::",
    "git@",
    "github.com",
    "GitHub.COM",
    "ssh.github.com",
    "127.0.0.1",
    "localhost",
    "[::1]",
    "[2001:db8::1]",
    "[::ffff:127.0.0.1]",
    "[fe80::1%25eth0]",
    ":443",
    ":22",
    ":",
    ":0",
    ":99999",
    "/",
    "//",
    "\\",
    "..",
    "../",
    "/..",
    "%2e%2e",
    "%2F",
    "%0a",
    "%0d",
    "%00",
    "%",
    "\n",
    "\r",
    "\r\n",
    "\0",
    "\t",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "\u{202e}",
    "\u{feff}",
    "é",
    "日本",
    " ",
    "@",
    "@@",
    ":pw@",
    "x-access-token:",
    concat!("ghp_", "0123456789abcdefghijABCDEFGHIJ012345"),
    "github_pat_11AAAA_bbbb",
    "owner",
    "repo",
    ".git",
    "?",
    "#",
    "=",
    "host=evil.example",
    "\nhost=evil.example",
    "protocol=https",
    "password=leak",
    "url=",
    ",",
    ";",
    "\"",
    "'",
    "UTC",
    "2025-01-01",
    "+0000",
    "-",
    "1700000000",
    "repo, workflow",
    "required; url=",
];

/// A hostile string: a random concatenation of [`PIECES`] and arbitrary characters.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => "(?s:.{0,6})",
        1 => "[\\x00-\\x1f\\x7f]",
    ];
    proptest::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

/// Arbitrary text, any character (newlines included).
fn any_text() -> impl Strategy<Value = String> {
    "(?s:.{0,200})"
}

/// A string of at least 100 KB made of a hostile unit repeated.
fn long() -> impl Strategy<Value = String> {
    hostile().prop_map(|unit| {
        let unit = if unit.is_empty() { "a/".to_string() } else { unit };
        unit.repeat(100_000 / unit.len() + 1)
    })
}

/// Either kind of hostile input.
fn input() -> impl Strategy<Value = String> {
    prop_oneof![2 => hostile(), 1 => any_text()]
}
