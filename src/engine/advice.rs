//! What a token needs, or what to do when GitHub gave no answer: the doctor's fix lines,
//! and the advice both faces build their hints on (they add what to run next).

use crate::engine::Error;
use crate::github::ApiError;

/// What to do when the API gave no answer (the doctor's fix line; `setup` says the same).
pub fn api_fix(e: &ApiError) -> String {
    match e {
        ApiError::BadCredentials => "create a new token (the old one may have expired) and run setup again",
        ApiError::Network { .. } => "check your network connection, proxy and --host-url, then try again",
        ApiError::RateLimited { .. } => "wait until the limit resets, then try again",
        // Too many requests in a short time: the token itself is fine.
        ApiError::SecondaryRateLimit { retry_after: Some(s) } => {
            return format!("wait {s} seconds (GitHub's retry-after), then try again; the token is fine");
        }
        ApiError::SecondaryRateLimit { retry_after: None } => {
            "wait a few minutes (GitHub sent no retry-after), then try again; the token is fine"
        }
        ApiError::ClassicTokenForbidden { owner, .. } => {
            return format!("create a fine-grained token with {owner} as its resource owner");
        }
        ApiError::PermissionMissing { needs: Some(n) } => {
            return format!(
                "give the fine-grained token {} on its settings page",
                crate::model::kind::describe_permissions(n)
            );
        }
        ApiError::PermissionMissing { needs: None } => {
            "give the fine-grained token the permission the repository needs (Contents) on its settings page"
        }
        ApiError::Server { .. } | ApiError::Unexpected { .. } => {
            "try again in a minute; if it persists, check https://www.githubstatus.com"
        }
        ApiError::PageRefused { .. } => "open the link in a browser yourself",
    }
    .into()
}

/// For a value that cannot be a token.
pub const COPY_AGAIN: &str = "copy the token again from GitHub (it starts with ghp_ or github_pat_)";

/// What would make GitHub accept the token for the repository, when that is what failed:
/// the kind of token to create, the access to ask for, the authorization to give.
pub fn token_fix(e: &Error) -> Option<String> {
    Some(match e {
        Error::BadToken(_) => COPY_AGAIN.into(),
        Error::TokenRejected => "create a new token (the old one may have expired)".into(),
        Error::MissingScope { create_url, .. } => format!("create a classic token with the repo scope: {create_url}"),
        Error::ReadOnly { create_url, .. } => {
            format!("create one with Contents: read and write (or edit this one's permissions): {create_url}")
        }
        Error::ClassicTokenForbidden { owner, create_url, .. } => {
            format!("create a fine-grained token for {owner} with Contents: read and write: {create_url}")
        }
        Error::PermissionMissing { needs: Some(n), create_url, .. } => format!(
            "give the token {} on its settings page, or create one: {create_url}",
            crate::model::kind::describe_permissions(n)
        ),
        Error::PermissionMissing { needs: None, create_url, .. } => {
            format!("give the token Contents: read and write for this repository, or create one: {create_url}")
        }
        Error::NoWriteRole { .. } => "ask an owner of the repository for write access, or push to your fork".into(),
        Error::RepoNotVisible { repo, login, fine_grained: true, create_url } => {
            let owner = repo.split('/').next().unwrap_or(repo);
            if owner.eq_ignore_ascii_case(login) {
                // The user's own repository: no one else approves anything.
                return Some(format!(
                    "this fine-grained token sees only the repositories it was granted: add {repo} to its Repository access, or create one: {create_url}"
                ));
            }
            format!(
                "this fine-grained token ({login}'s) sees only the repositories it was granted, and an organization's private ones only once an owner approved it: check its Repository access, or ask an owner of {owner} to approve its pending request"
            )
        }
        Error::RepoNotVisible { login, create_url, .. } => format!(
            "use a token of an account that can see it (this one is {login}'s), check the owner/name; for a private repository the token needs the repo scope (classic) or access to this repository (fine-grained): {create_url}"
        ),
        Error::SsoRequired { url: Some(u), .. } => {
            format!("authorize the token for the organization at {u} (the link expires in an hour)")
        }
        Error::SsoRequired { url: None, .. } => "on GitHub open Settings → Developer settings → Tokens, choose \"Configure SSO\" and authorize the organization".into(),
        Error::Api(e) => api_fix(e),
        _ => return None,
    })
}
