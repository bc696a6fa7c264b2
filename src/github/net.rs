//! Transport failures in people's words, and scrubbing token-shaped words from messages.

/// An error with its sources, for a one-line network message.
pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        src = s.source();
    }
    text
}

/// The user-facing reason of a transport error (the full chain goes to the debug log).
pub(super) fn network_reason(raw: &str) -> String {
    let lower = raw.to_ascii_lowercase();
    let reason = if lower.contains("dns error") || lower.contains("failed to lookup") {
        "the host name does not resolve (DNS lookup failed)"
    } else if lower.contains("connection refused") {
        "connection refused"
    } else if lower.contains("timed out") || lower.contains("timeout") || lower.contains("elapsed") {
        "the connection timed out"
    } else if lower.contains("certificate") || lower.contains("unknownissuer") {
        "its TLS certificate is not trusted (for a private CA, point SSL_CERT_FILE at it)"
    } else if lower.contains("connection reset")
        || lower.contains("connection closed")
        || lower.contains("incomplete")
        || lower.contains("end of file before message length")
    {
        "the connection was dropped"
    } else {
        return scrub(raw);
    };
    reason.to_string()
}

/// Drop anything token-shaped from a message before it is shown or logged.
pub fn scrub(text: &str) -> String {
    text.split_inclusive(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map(|w| {
            let word = w.trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
            if crate::model::token::TokenKind::of(word) != crate::model::token::TokenKind::Unknown {
                w.replacen(word, "***", 1)
            } else {
                w.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_errors_read_like_people_talk() {
        let dns = "Service Error: client error (Connect): dns error: failed to lookup address information: Name or service not known";
        assert_eq!(network_reason(dns), "the host name does not resolve (DNS lookup failed)");
        assert_eq!(
            network_reason("client error (Connect): tcp connect error: Connection refused (os error 111)"),
            "connection refused"
        );
        assert!(network_reason("invalid peer certificate: UnknownIssuer").contains("SSL_CERT_FILE"));
        let odd = format!("weird failure with ghp_{} inside", "a".repeat(36));
        assert!(!network_reason(&odd).contains("ghp_aaaa"), "token-shaped words are scrubbed");
    }
}
