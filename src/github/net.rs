//! Transport failures in people's words, and scrubbing token-shaped words from messages.
//!
//! The cause is read from the *types* in an error's `source()` chain (io error kinds,
//! hyper, hyper-util, rustls, tokio's timer), never from message text, which changes
//! between versions and platforms. A connect failure that none of them explains is
//! checked against the resolver: a host name that does not resolve is the usual reason,
//! and the resolver's own error carries no kind that says so.

use std::error::Error as StdError;
use std::io;
use std::time::Duration;

pub(super) const DNS: &str = "the host name does not resolve (DNS lookup failed)";
pub(super) const REFUSED: &str = "connection refused";
pub(super) const TIMED_OUT: &str = "the connection timed out";
pub(super) const UNTRUSTED: &str = "its TLS certificate is not trusted (for a private CA, point SSL_CERT_FILE at it)";
pub(super) const DROPPED: &str = "the connection was dropped";

/// How long our own look-up of the host may take after a connect failure.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// What the types in an error chain say went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cause {
    Refused,
    TimedOut,
    Dropped,
    UntrustedCertificate,
    /// Connecting failed and nothing more specific is known.
    Connect,
}

/// A failed request, read once while the error is at hand: its cause and its text
/// (scrubbed). Holds no borrowed error, so the look-up after it can await.
#[derive(Debug)]
pub(super) struct Failure {
    cause: Option<Cause>,
    text: String,
}

impl Failure {
    pub(super) fn of(e: &(dyn StdError + 'static)) -> Failure {
        Failure { cause: classify(e), text: scrub(&error_chain(e)) }
    }

    /// The whole chain, scrubbed, for the debug log.
    pub(super) fn text(&self) -> &str {
        &self.text
    }

    /// The user-facing reason for a request to `base` (a URL) that failed like this.
    /// Only a bare connect failure costs a DNS look-up of `base`'s host.
    pub(super) async fn reason(self, base: &str) -> String {
        let reason = match self.cause {
            Some(Cause::Refused) => REFUSED,
            Some(Cause::TimedOut) => TIMED_OUT,
            Some(Cause::Dropped) => DROPPED,
            Some(Cause::UntrustedCertificate) => UNTRUSTED,
            Some(Cause::Connect) if !resolves(base).await => DNS,
            Some(Cause::Connect) | None => return self.text,
        };
        reason.to_string()
    }
}

/// Does the host of `base` resolve to at least one address (within a few seconds)?
async fn resolves(base: &str) -> bool {
    let Some((host, port)) = authority(base) else { return true };
    match tokio::time::timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((host.as_str(), port))).await {
        Ok(Ok(mut addrs)) => addrs.next().is_some(),
        Ok(Err(_)) | Err(_) => false,
    }
}

/// Host (IPv6 without brackets) and port of a URL.
fn authority(base: &str) -> Option<(String, u16)> {
    let url = url::Url::parse(base).ok()?;
    let host = match url.host()? {
        url::Host::Domain(d) => d.to_string(),
        url::Host::Ipv4(a) => a.to_string(),
        url::Host::Ipv6(a) => a.to_string(),
    };
    Some((host, url.port_or_known_default()?))
}

/// The cause the types in `e`'s chain tell. The innermost telling error wins (it is
/// the most specific: an io error inside hyper's); a connect error of hyper-util's
/// client that nothing inside explains is [`Cause::Connect`].
pub(super) fn classify(e: &(dyn StdError + 'static)) -> Option<Cause> {
    let chain: Vec<&(dyn StdError + 'static)> = links(e).collect();
    chain.iter().rev().find_map(|e| specific(*e)).or_else(|| {
        chain
            .iter()
            .any(|e| e.downcast_ref::<hyper_util::client::legacy::Error>().is_some_and(|e| e.is_connect()))
            .then_some(Cause::Connect)
    })
}

/// What one error says by its type, if anything.
fn specific(e: &(dyn StdError + 'static)) -> Option<Cause> {
    if let Some(e) = e.downcast_ref::<rustls::Error>() {
        return matches!(e, rustls::Error::InvalidCertificate(_)).then_some(Cause::UntrustedCertificate);
    }
    if let Some(e) = e.downcast_ref::<io::Error>() {
        return match e.kind() {
            io::ErrorKind::ConnectionRefused => Some(Cause::Refused),
            // octocrab's connect and read timeouts (hyper-timeout) are io errors of this kind.
            io::ErrorKind::TimedOut => Some(Cause::TimedOut),
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::UnexpectedEof
            | io::ErrorKind::BrokenPipe => Some(Cause::Dropped),
            _ => None,
        };
    }
    if e.is::<tokio::time::error::Elapsed>() {
        return Some(Cause::TimedOut);
    }
    if let Some(e) = e.downcast_ref::<hyper::Error>() {
        if e.is_timeout() {
            return Some(Cause::TimedOut);
        }
        if e.is_incomplete_message() || e.is_closed() || e.is_canceled() {
            return Some(Cause::Dropped);
        }
    }
    // octocrab's own variants (`Service`, `Hyper`) only wrap the errors above: their
    // sources are walked like any other.
    None
}

/// `e` and its sources, outermost first. `io::Error::source()` skips the error it wraps
/// (rustls's, inside a failed handshake): visit that one too.
fn links<'a>(e: &'a (dyn StdError + 'static)) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |&e: &&'a (dyn StdError + 'static)| {
        match e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => e.source(),
        }
    })
    // A chain is a handful of links; a cycle would be a bug elsewhere, not a hang here.
    .take(32)
}

/// An error with its sources, for a one-line network message.
pub(super) fn error_chain(e: &dyn StdError) -> String {
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
    use std::fmt;

    use super::*;

    /// A request error caused by `0`, as hyper's and octocrab's errors wrap theirs.
    #[derive(Debug)]
    struct Failed(Box<dyn StdError + Send + Sync>);

    impl fmt::Display for Failed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("request failed")
        }
    }

    impl StdError for Failed {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&*self.0)
        }
    }

    async fn reason_of(cause: impl StdError + Send + Sync + 'static) -> String {
        // A base that resolves: no reason here may come from the DNS look-up.
        Failure::of(&Failed(Box::new(cause))).reason("http://127.0.0.1:1").await
    }

    #[tokio::test]
    async fn io_error_kinds_are_the_reason() {
        use io::ErrorKind as K;
        let table = [
            (K::ConnectionRefused, REFUSED),
            (K::TimedOut, TIMED_OUT),
            (K::ConnectionReset, DROPPED),
            (K::ConnectionAborted, DROPPED),
            (K::UnexpectedEof, DROPPED),
            (K::BrokenPipe, DROPPED),
        ];
        for (kind, want) in table {
            assert_eq!(reason_of(io::Error::from(kind)).await, want, "{kind:?}");
            // The same kind one io error further in.
            let wrapped = io::Error::other(Failed(Box::new(io::Error::from(kind))));
            assert_eq!(reason_of(wrapped).await, want, "wrapped {kind:?}");
        }
        let other = reason_of(io::Error::new(K::PermissionDenied, "no")).await;
        assert_eq!(other, "request failed: no", "an unknown kind keeps the message");
    }

    #[tokio::test]
    async fn timer_timeouts_are_timeouts() {
        let elapsed = tokio::time::timeout(Duration::ZERO, std::future::pending::<()>()).await.unwrap_err();
        assert_eq!(reason_of(elapsed).await, TIMED_OUT);
        // octocrab's connect timeout (hyper-timeout): an io error of kind TimedOut around it.
        let elapsed = tokio::time::timeout(Duration::ZERO, std::future::pending::<()>()).await.unwrap_err();
        assert_eq!(reason_of(io::Error::new(io::ErrorKind::TimedOut, elapsed)).await, TIMED_OUT);
    }

    #[tokio::test]
    async fn only_an_invalid_certificate_is_untrusted() {
        // tokio-rustls hands rustls's error up inside an io error of kind InvalidData.
        let bad = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        assert_eq!(reason_of(io::Error::new(io::ErrorKind::InvalidData, bad)).await, UNTRUSTED);
        let other = rustls::Error::General("handshake went wrong".into());
        let text = reason_of(io::Error::new(io::ErrorKind::InvalidData, other)).await;
        assert!(text.contains("handshake went wrong") && !text.contains("SSL_CERT_FILE"), "{text}");
    }

    #[tokio::test]
    async fn a_connect_failure_is_dns_only_when_the_host_does_not_resolve() {
        let connect = || Failure { cause: Some(Cause::Connect), text: "client error (Connect)".into() };
        assert!(tokio::net::lookup_host(("nonexistent.invalid", 443)).await.is_err());
        assert_eq!(connect().reason("https://nonexistent.invalid/api/v3").await, DNS);
        assert_eq!(connect().reason("http://127.0.0.1:1").await, "client error (Connect)");
        assert_eq!(connect().reason("http://[::1]:1").await, "client error (Connect)");
        assert_eq!(authority("http://[::1]:8080/x"), Some(("::1".into(), 8080)));
        assert_eq!(authority("https://github.com"), Some(("github.com".into(), 443)));
    }

    #[tokio::test]
    async fn unknown_failures_keep_their_text_scrubbed() {
        let odd = format!("weird failure with ghp_{} inside", "a".repeat(36));
        let text = reason_of(io::Error::other(odd)).await;
        assert!(text.starts_with("request failed: weird failure with ***"), "{text}");
        assert!(!text.contains("ghp_aaaa"), "token-shaped words are scrubbed");
    }
}
