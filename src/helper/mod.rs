//! `git-reauth credential get|store|erase`: a git credential helper backed by the OS
//! keyring. stdout belongs to git and carries only protocol lines; every diagnostic is
//! one line on stderr. No answer means printing nothing. It never prompts and needs no
//! async runtime.
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::io::{Read, Write};

use zeroize::Zeroizing;

use crate::model::helper_protocol::{self, MAX_REQUEST, Request};
use crate::store::KeyringStore;

/// The name under which the binary acts as `git-reauth credential` (git runs
/// `git-credential-reauth OP` for `credential.helper = reauth`).
pub const HELPER_NAME: &str = "git-credential-reauth";

/// Input beyond [`MAX_REQUEST`] is read and thrown away up to this much, so the writer
/// (git) never sees a broken pipe; anything longer is left unread.
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// Exit codes of the helper: git ignores them for `store` and `erase` but shows stderr.
const OK: u8 = 0;
const FAILED: u8 = 1;
const USAGE: u8 = 2;

/// True when argv[0] names the helper (`git-credential-reauth`, a link or a copy,
/// with or without `.exe`).
pub fn invoked_as_helper(argv0: &OsStr) -> bool {
    std::path::Path::new(argv0).file_stem().is_some_and(|stem| stem == HELPER_NAME)
}

/// Run as `git-credential-reauth ARGS…`: the operation is the last argument, as git
/// appends it after any configured options.
pub fn main_argv0(args: &[std::ffi::OsString]) -> u8 {
    match args.get(1..).and_then(<[_]>::last) {
        Some(op) => main(&op.to_string_lossy()),
        None => {
            eprintln!(
                "{HELPER_NAME}: usage: {HELPER_NAME} get|store|erase (git runs it for credential.helper = reauth)"
            );
            USAGE
        }
    }
}

/// Run one operation on this process's stdin/stdout/stderr with the keyring store.
pub fn main(op: &str) -> u8 {
    let store = KeyringStore::new();
    run(op, &mut std::io::stdin().lock(), &mut std::io::stdout().lock(), &mut std::io::stderr(), &store)
}

/// Run `op` reading git's request from `input`; the answer goes to `out`, diagnostics
/// (one line) to `err`. Returns the exit code. Never panics on any input.
pub fn run(op: &str, input: &mut dyn Read, out: &mut dyn Write, err: &mut dyn Write, store: &KeyringStore) -> u8 {
    if !matches!(op, "get" | "store" | "erase") {
        // git's rule: helpers ignore operations they do not know, for forward compatibility.
        return OK;
    }
    let raw = read_capped(input);
    let request = match helper_protocol::parse(&raw) {
        Ok(c) => c,
        Err(e) => {
            say(err, &format!("ignoring the request: {e}"));
            return OK;
        }
    };
    match op {
        "get" => get(&request, out, err, store),
        "store" => report(store.store_raw(&request), "store", err),
        _ => report(store.erase_raw(&request), "erase", err),
    }
}

fn get(request: &Request, out: &mut dyn Write, err: &mut dyn Write, store: &KeyringStore) -> u8 {
    let found = match store.get_raw(request) {
        Ok(Some(found)) => found,
        Ok(None) => return OK,
        Err(e) => {
            // No answer lets git try the next helper (or fail without a prompt).
            say(err, &format!("{e}; run `git-reauth doctor` for what to do"));
            return OK;
        }
    };
    let answer = match found.render() {
        Ok(answer) => answer,
        Err(e) => {
            say(err, &format!("not answering: the stored credential is unusable ({e})"));
            return OK;
        }
    };
    // A closed pipe means git stopped listening: nothing more to do either way.
    let _ = out.write_all(&answer).and_then(|()| out.flush());
    OK
}

fn report(result: Result<(), crate::store::KeyringUnavailable>, op: &str, err: &mut dyn Write) -> u8 {
    match result {
        Ok(()) => OK,
        Err(e) => {
            say(err, &format!("could not {op} the credential: {e}; run `git-reauth doctor` for what to do"));
            FAILED
        }
    }
}

/// Read at most `MAX_REQUEST + 1` bytes (so an oversized request is detected), then
/// drain a bounded amount more. A read error ends the input.
fn read_capped(input: &mut dyn Read) -> Zeroizing<Vec<u8>> {
    let mut raw = Zeroizing::new(Vec::with_capacity(4096));
    let limit = u64::try_from(MAX_REQUEST).unwrap_or(u64::MAX).saturating_add(1);
    let _ = input.take(limit).read_to_end(&mut raw);
    if raw.len() > MAX_REQUEST {
        let _ = std::io::copy(&mut input.take(DRAIN_LIMIT), &mut std::io::sink());
    }
    raw
}

/// One diagnostic line on stderr, prefixed with the helper's name.
fn say(err: &mut dyn Write, message: &str) {
    let line: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let _ = writeln!(err, "{HELPER_NAME}: {line}");
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn argv0_names() {
        for (argv0, want) in [
            ("git-credential-reauth", true),
            ("/usr/local/bin/git-credential-reauth", true),
            ("C:\\bin\\git-credential-reauth.exe", cfg!(windows)),
            ("git-credential-reauth.exe", true),
            ("git-reauth", false),
            ("/tmp/git-credential-store", false),
            ("", false),
        ] {
            assert_eq!(invoked_as_helper(OsStr::new(argv0)), want, "{argv0}");
        }
    }

    /// Paths that never reach the keyring: unknown operations and unreadable input.
    #[test]
    fn no_keyring_paths() {
        let store = KeyringStore::with_service("git-reauth-unit-never-used");
        let cases: [(&str, &[u8]); 4] = [
            ("frobnicate", b"protocol=https\nhost=h\n"),
            ("get", b"password=\xff\0\n"),
            ("store", b"host=a\0b\n"),
            ("erase", b"url=not a url\n"),
        ];
        for (op, input) in cases {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = run(op, &mut &input[..], &mut out, &mut err, &store);
            assert_eq!(code, OK, "{op}");
            assert!(out.is_empty(), "{op}");
            let err = String::from_utf8(err).unwrap();
            assert!(err.is_empty() || err.lines().count() == 1, "{op}: {err}");
        }
        // Over the total cap, and one line over the line cap: refused, said in one line.
        for (huge, says) in [(vec![b'\n'; MAX_REQUEST * 2], "larger than"), (vec![b'a'; 70_000], "longer than")] {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            assert_eq!(run("get", &mut &huge[..], &mut out, &mut err, &store), OK);
            assert!(out.is_empty());
            let err = String::from_utf8(err).unwrap();
            assert!(err.contains(says) && err.lines().count() == 1, "{err}");
        }
    }

    #[test]
    fn read_capped_stops_and_drains() {
        let data = vec![b'x'; MAX_REQUEST + 10];
        let mut input = &data[..];
        assert_eq!(read_capped(&mut input).len(), MAX_REQUEST + 1);
        assert!(input.is_empty(), "the rest was drained");
        let mut small: &[u8] = b"host=a\n";
        assert_eq!(read_capped(&mut small).as_slice(), b"host=a\n");
    }

    #[test]
    fn say_is_one_line() {
        let mut err = Vec::new();
        say(&mut err, "a\nb\r\0c");
        assert_eq!(String::from_utf8(err).unwrap(), format!("{HELPER_NAME}: a b  c\n"));
    }
}
