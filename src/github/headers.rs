//! Headers in and out: the credential's sensitive `Authorization` values, and telling a
//! rate limit apart from a permission problem.

use base64::Engine;
use http::{HeaderMap, HeaderValue, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use super::ApiError;
use crate::model::scopes::parse_reset;

pub(super) fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// A 403/429 that is a rate limit, not a permission problem.
pub(super) fn rate_limited(status: StatusCode, h: &HeaderMap) -> Option<ApiError> {
    if status != StatusCode::FORBIDDEN && status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    if let Some(secs) = header_str(h, "retry-after").and_then(|v| v.trim().parse().ok()) {
        return Some(ApiError::SecondaryRateLimit { retry_after: secs });
    }
    if header_str(h, "x-ratelimit-remaining").map(str::trim) == Some("0") {
        return Some(ApiError::RateLimited { reset: header_str(h, "x-ratelimit-reset").and_then(parse_reset) });
    }
    (status == StatusCode::TOO_MANY_REQUESTS).then_some(ApiError::RateLimited { reset: None })
}

fn sensitive(value: String) -> Result<HeaderValue, ApiError> {
    let value = zeroize::Zeroizing::new(value);
    let mut v = HeaderValue::from_str(&value).map_err(|_| ApiError::BadCredentials)?;
    v.set_sensitive(true);
    Ok(v)
}

pub(super) fn bearer(secret: &SecretString) -> Result<HeaderValue, ApiError> {
    sensitive(format!("Bearer {}", secret.expose_secret()))
}

pub(super) fn basic(username: &str, secret: &SecretString) -> Result<HeaderValue, ApiError> {
    let raw = zeroize::Zeroizing::new(format!("{username}:{}", secret.expose_secret()));
    sensitive(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_are_told_apart_from_permissions() {
        let mut h = HeaderMap::new();
        assert_eq!(rate_limited(StatusCode::FORBIDDEN, &h), None);
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1893456000"));
        assert!(matches!(rate_limited(StatusCode::FORBIDDEN, &h), Some(ApiError::RateLimited { reset: Some(_) })));
        assert_eq!(rate_limited(StatusCode::OK, &h), None);
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("30"));
        assert_eq!(
            rate_limited(StatusCode::TOO_MANY_REQUESTS, &h),
            Some(ApiError::SecondaryRateLimit { retry_after: 30 })
        );
    }

    #[test]
    fn auth_headers_are_sensitive() {
        let s = SecretString::from("ghp_x".to_string());
        assert!(bearer(&s).unwrap().is_sensitive());
        let b = basic("octo", &s).unwrap();
        assert!(b.is_sensitive());
        assert_eq!(
            b.to_str().unwrap(),
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("octo:ghp_x"))
        );
    }
}
