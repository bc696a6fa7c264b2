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

/// The `message` of a JSON error body (GitHub's `{"message": …}`), if it has one.
fn message(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    v.get("message")?.as_str().map(str::to_owned)
}

/// GitHub's words for a secondary rate limit ("You have exceeded a secondary rate limit").
fn says_secondary(body: &[u8]) -> bool {
    message(body).is_some_and(|m| m.to_ascii_lowercase().contains("secondary rate limit"))
}

/// A 403/429 that is a rate limit, not a permission problem. A secondary limit is told
/// by `retry-after` or by GitHub's own words in the body (it does not always send the
/// header), before the primary limit's `x-ratelimit-remaining: 0`.
pub(super) fn rate_limited(status: StatusCode, h: &HeaderMap, body: &[u8]) -> Option<ApiError> {
    if status != StatusCode::FORBIDDEN && status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let retry_after = header_str(h, "retry-after").and_then(|v| v.trim().parse().ok());
    if retry_after.is_some() || says_secondary(body) {
        return Some(ApiError::SecondaryRateLimit { retry_after });
    }
    if header_str(h, "x-ratelimit-remaining").map(str::trim) == Some("0") {
        return Some(ApiError::RateLimited { reset: header_str(h, "x-ratelimit-reset").and_then(parse_reset) });
    }
    (status == StatusCode::TOO_MANY_REQUESTS).then_some(ApiError::RateLimited { reset: None })
}

/// A 403 whose body says why in GitHub's words: the owner forbids classic tokens, or a
/// fine-grained token lacks a permission (`x-accepted-github-permissions` names it).
pub(super) fn forbidden(status: StatusCode, h: &HeaderMap, body: &[u8]) -> Option<ApiError> {
    if status != StatusCode::FORBIDDEN {
        return None;
    }
    let said = message(body)?;
    let lower = said.to_ascii_lowercase();
    if let Some(at) = lower.find(" forbids access via a personal access token (classic)") {
        let owner = classic_owner(&said[..at]);
        let message = crate::model::text::clip(said.trim(), 300);
        return Some(ApiError::ClassicTokenForbidden { owner, message });
    }
    if lower.starts_with("resource not accessible by personal access token") {
        let needs = header_str(h, "x-accepted-github-permissions").map(str::trim).filter(|n| valid_permissions(n));
        return Some(ApiError::PermissionMissing { needs: needs.map(str::to_owned) });
    }
    None
}

/// The owner named before "forbids access…": GitHub writes `` `ORG` `` (REST) or `ORG`
/// (GraphQL), and "The 'ORG' organization" for the fine-grained policy's message.
fn classic_owner(before: &str) -> String {
    let word = before.trim().trim_start_matches("The ").trim_end_matches(" organization");
    let owner = word.trim_matches(|c| c == '`' || c == '\'' || c == '"');
    if !owner.is_empty() && owner.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        owner.to_string()
    } else {
        "the organization".into()
    }
}

/// `x-accepted-github-permissions` as GitHub sends it: `name=level` pairs joined by `,`,
/// alternatives by `;` (e.g. `pull_requests=write,contents=read; issues=write`).
fn valid_permissions(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 200
        && v.bytes().all(|b| b.is_ascii_lowercase() || b"_=,; ".contains(&b))
        && v.split([',', ';']).all(|p| p.trim().split_once('=').is_some_and(|(n, l)| !n.is_empty() && !l.is_empty()))
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
        assert_eq!(rate_limited(StatusCode::FORBIDDEN, &h, b""), None);
        h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1893456000"));
        assert!(matches!(rate_limited(StatusCode::FORBIDDEN, &h, b""), Some(ApiError::RateLimited { reset: Some(_) })));
        assert_eq!(rate_limited(StatusCode::OK, &h, b""), None);
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("30"));
        assert_eq!(
            rate_limited(StatusCode::TOO_MANY_REQUESTS, &h, b""),
            Some(ApiError::SecondaryRateLimit { retry_after: Some(30) })
        );
        // GitHub's words alone, without retry-after: still a secondary limit (never "revoked").
        let body = br#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","status":"403"}"#;
        assert_eq!(
            rate_limited(StatusCode::FORBIDDEN, &HeaderMap::new(), body),
            Some(ApiError::SecondaryRateLimit { retry_after: None })
        );
        assert_eq!(rate_limited(StatusCode::FORBIDDEN, &HeaderMap::new(), br#"{"message":"Not Found"}"#), None);
    }

    #[test]
    fn githubs_refusals_are_told_by_their_words() {
        let none = HeaderMap::new();
        let rest = br#"{"message":"`acme` forbids access via a personal access token (classic). Please use a GitHub App, OAuth App, or a personal access token with fine-grained permissions.","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository","status":"403"}"#;
        match forbidden(StatusCode::FORBIDDEN, &none, rest) {
            Some(ApiError::ClassicTokenForbidden { owner, message }) => {
                assert_eq!(owner, "acme");
                assert!(
                    message.starts_with("`acme` forbids access via a personal access token (classic)"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        let graphql = br#"{"message":"acme-corp forbids access via a personal access token (classic). Please use a GitHub App, OAuth App, or a personal access token with fine-grained permissions."}"#;
        assert!(matches!(
            forbidden(StatusCode::FORBIDDEN, &none, graphql),
            Some(ApiError::ClassicTokenForbidden { owner, .. }) if owner == "acme-corp"
        ));
        let mut h = HeaderMap::new();
        h.insert("x-accepted-github-permissions", HeaderValue::from_static("contents=write"));
        let body = br#"{"message":"Resource not accessible by personal access token","status":"403"}"#;
        assert_eq!(
            forbidden(StatusCode::FORBIDDEN, &h, body),
            Some(ApiError::PermissionMissing { needs: Some("contents=write".into()) })
        );
        assert_eq!(forbidden(StatusCode::FORBIDDEN, &none, body), Some(ApiError::PermissionMissing { needs: None }));
        let mut odd = HeaderMap::new();
        odd.insert("x-accepted-github-permissions", HeaderValue::from_static("<script>"));
        assert_eq!(forbidden(StatusCode::FORBIDDEN, &odd, body), Some(ApiError::PermissionMissing { needs: None }));
        assert_eq!(forbidden(StatusCode::NOT_FOUND, &h, body), None);
        assert_eq!(forbidden(StatusCode::FORBIDDEN, &h, b"<html>"), None);
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
