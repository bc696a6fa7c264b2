//! An API that answers nonsense: garbage bodies, 10 MB bodies, wrong content types, a
//! captive portal's HTML, a connection closed mid-answer. `setup` and `doctor` give one
//! clear line (and a hint), exit 1, never panic, and change nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;

use crate::support::*;

/// What the raw server answers to every request.
#[derive(Clone)]
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Arc<Vec<u8>>,
    /// Announce `content-length` but close after this many bytes of the body.
    cut_at: Option<usize>,
}

/// A raw TCP server on loopback answering every request with `answer`.
fn raw_server(answer: Answer) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = answer.clone();
            // One thread per connection: a client that stops reading a 10 MB body must not
            // stall the next request.
            std::thread::spawn(move || serve_one(stream, &answer));
        }
    });
    port
}

fn serve_one(stream: std::net::TcpStream, a: &Answer) {
    let Ok(read_half) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut length = 0usize;
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        line.clear();
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut s = stream;
    let head = format!(
        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        a.status,
        a.content_type,
        a.body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let end = a.cut_at.unwrap_or(a.body.len()).min(a.body.len());
    let _ = s.write_all(&a.body[..end]);
    let _ = s.flush();
}

fn answer(status: u16, content_type: &'static str, body: Vec<u8>) -> Answer {
    Answer { status, content_type, body: Arc::new(body), cut_at: None }
}

/// Deterministic bytes that are not JSON (a simple LCG: no dependency, reproducible).
fn garbage(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect()
}

const PORTAL: &str = "<!DOCTYPE html><html><head><title>Sign in to Hotel WiFi</title></head>\
                      <body><form>Room number <input name=room></form></body></html>";

/// Every nonsense answer, by name, with what the error line must say.
fn cases() -> Vec<(&'static str, Answer, &'static str)> {
    let json = "application/json; charset=utf-8";
    vec![
        ("garbage bytes as JSON", answer(200, json, garbage(4096)), "is not valid JSON"),
        ("10 MB of garbage", answer(200, json, garbage(10 * 1024 * 1024)), "is not valid JSON"),
        (
            "10 MB login",
            answer(200, json, format!("{{\"login\":\"{}\"}}", "a".repeat(10 << 20)).into_bytes()),
            "no valid login",
        ),
        ("HTML captive portal", answer(200, "text/html", PORTAL.as_bytes().to_vec()), "text/html, not JSON"),
        ("wrong content type", answer(200, "image/png", garbage(512)), "image/png, not JSON"),
        ("JSON of the wrong shape", answer(200, json, b"[1,2,3]".to_vec()), "no valid login"),
        ("empty body", answer(200, json, Vec::new()), "is not valid JSON"),
        ("HTML error page", answer(404, "text/html", PORTAL.as_bytes().to_vec()), "answered 404"),
        (
            "cut mid-body",
            Answer { cut_at: Some(10), ..answer(200, json, br#"{"login":"octo","id":1}"#.to_vec()) },
            "the connection was dropped",
        ),
    ]
}

/// One clean line + at most a hint line: printable text only.
fn assert_one_clear_line(what: &str, err: &str) {
    let lines: Vec<&str> = err.lines().collect();
    assert!(!lines.is_empty() && lines.len() <= 2, "{what}: expected error + hint, got:\n{err}");
    assert!(lines[0].starts_with("error: "), "{what}: {err}");
    assert!(lines.get(1).is_none_or(|l| l.starts_with("hint: ")), "{what}: {err}");
    for l in &lines {
        assert!(l.chars().count() <= 400, "{what}: a line of {} characters", l.chars().count());
        assert!(!l.chars().any(char::is_control), "{what}: control characters in {l:?}");
    }
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(!err.contains("Room number"), "{what}: the page's content leaked into the message: {err}");
}

#[test]
fn nonsense_from_the_api_gives_one_clear_line_and_changes_nothing() {
    let w = World::broken();
    let token = w.good_token();
    for (what, a, needle) in cases() {
        let port = raw_server(a);
        let host_url = format!("http://127.0.0.1:{port}");
        let snap = w.snapshot();
        let setup =
            w.cmd(&["setup", "--token-stdin", "--host-url", &host_url]).write_stdin(format!("{token}\n")).assert();
        let out = setup.get_output();
        assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(&setup));
        assert_one_clear_line(what, &stderr(&setup));
        assert!(stderr(&setup).lines().next().is_some_and(|l| l.contains(needle)), "{what}: {}", stderr(&setup));
        assert!(!stderr(&setup).contains(&token));
        assert_eq!(w.snapshot(), snap, "{what}: setup changed something although it failed");

        let doctor = w.cmd(&["doctor", "--host-url", &host_url]).assert();
        assert_eq!(doctor.get_output().status.code(), Some(1), "{what}: {}", stdout(&doctor));
        let text = stdout(&doctor);
        assert!(!stderr(&doctor).contains("panicked"), "{what}: {}", stderr(&doctor));
        assert!(!text.contains("Room number") && !text.chars().any(|c| c.is_control() && c != '\n'), "{what}:\n{text}");
        assert_eq!(w.snapshot(), snap, "{what}: doctor changed something");
    }
}
