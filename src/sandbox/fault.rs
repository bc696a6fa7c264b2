//! Faults the sandbox can inject, for the fault matrix (`tests/integration/faults.rs`).
//! Slow answers are [`super::Sandbox::set_latency`]; the primary rate limit is
//! [`super::Sandbox::set_rate_limited`].

use super::{Resp, response};

/// One fault mode, set with [`super::Sandbox::set_fault`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The next `count` API requests answer `status` (500, 502…): a burst of server errors.
    ServerErrors { status: u16, count: usize },
    /// The next `count` connections (API or git) get the status line, headers and part
    /// of the body, then the connection is closed.
    DropMidResponse { count: usize },
    /// Every API request answers GitHub's secondary rate limit: 403 with `retry-after`.
    SecondaryRateLimit { retry_after: u64 },
    /// Every API request answers GitHub's secondary rate limit as it often does: 403
    /// with its words in the body, no `retry-after`, and the primary limit not used up.
    SecondaryRateLimitNoRetryAfter,
    /// `GET /repos/O/R` with a fine-grained token answers 403 "Resource not accessible by
    /// personal access token" with `x-accepted-github-permissions: ACCEPTED`.
    NotAccessibleByToken { accepted: String },
}

/// GitHub's body for a secondary rate limit (docs: "rate limits for the REST API").
const SECONDARY: &str = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID";

/// The API answer a fault replaces, if any; counts down bursts.
pub(crate) fn api_answer(fault: &mut Option<Fault>) -> Option<Resp> {
    let json = ("content-type", "application/json; charset=utf-8".to_string());
    match fault {
        Some(Fault::ServerErrors { status, count }) if *count > 0 => {
            *count -= 1;
            let status = *status;
            if *count == 0 {
                *fault = None;
            }
            let body = format!(r#"{{"message":"Server Error","status":"{status}"}}"#);
            Some(response(status, &[json], body))
        }
        Some(Fault::SecondaryRateLimitNoRetryAfter) => {
            let body = serde_json::json!({
                "message": format!("{SECONDARY} 8D2C:1A2B3C:4D5E6F:7A8B9C:65F0A1B2."),
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
                "status": "403",
            });
            let headers = [
                json,
                ("x-ratelimit-limit", "5000".to_string()),
                ("x-ratelimit-remaining", "4987".to_string()),
                ("x-ratelimit-used", "13".to_string()),
                ("x-ratelimit-resource", "core".to_string()),
            ];
            Some(response(403, &headers, body.to_string()))
        }
        Some(Fault::SecondaryRateLimit { retry_after }) => {
            let body = r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits","status":"403"}"#;
            Some(response(403, &[json, ("retry-after", retry_after.to_string())], body))
        }
        _ => None,
    }
}

/// True when this connection is to be dropped mid-response; counts down.
pub(crate) fn take_drop(fault: &mut Option<Fault>) -> bool {
    let Some(Fault::DropMidResponse { count }) = fault else { return false };
    *count = count.saturating_sub(1);
    if *count == 0 {
        *fault = None;
    }
    true
}

/// Read the request head, answer half a response, close.
pub(crate) async fn drop_mid_response(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 16 * 1024];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
        if seen.len() > 1 << 20 {
            return;
        }
    }
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: 4096\r\n\r\n";
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(br#"{"login":"oc"#).await;
    let _ = stream.flush().await;
    // Dropping the stream closes the connection with 4 KB still owed.
}
