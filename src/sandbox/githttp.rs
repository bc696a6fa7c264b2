//! Git smart HTTP: GitHub's authorization rules in front of the real `git http-backend` (CGI).

use std::net::SocketAddr;
use std::process::Stdio;

use bytes::Bytes;
use chrono::Utc;
use tokio::io::AsyncWriteExt as _;

use super::state::{Credential, ReadCheck, WriteDenied};
use super::{Resp, Shared, response};

/// `/{owner}/{repo}(.git)/{rest}` split up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GitTarget {
    pub owner: String,
    pub name: String,
    pub rest: String,
}

/// Recognizes a git smart-HTTP path. The `.git` suffix is optional for the smart-HTTP
/// endpoints, as on GitHub.
pub(crate) fn parse_path(path: &str) -> Option<GitTarget> {
    let mut it = path.trim_start_matches('/').splitn(3, '/');
    let (owner, repo, rest) = (it.next()?, it.next()?, it.next()?);
    if owner.is_empty() || repo.is_empty() || rest.is_empty() {
        return None;
    }
    let smart = matches!(rest, "info/refs" | "git-upload-pack" | "git-receive-pack");
    let name = match repo.strip_suffix(".git") {
        Some(n) if !n.is_empty() => n,
        _ if smart => repo,
        _ => return None,
    };
    Some(GitTarget { owner: owner.to_owned(), name: name.to_owned(), rest: rest.to_owned() })
}

const PASSWORD_REMOVED: &str = "Support for password authentication was removed on August 13, 2021.\n\
Please see https://docs.github.com/get-started/getting-started-with-git/about-remote-repositories#cloning-with-https-urls for information on currently recommended modes of authentication.\n";

/// A `text/plain` answer. git prints each line of such a body as `remote: LINE`, so the
/// body itself carries no `remote: ` prefix (what users see is then exactly GitHub's text).
fn text(status: u16, body: String, challenge: bool) -> Resp {
    let mut headers = vec![("content-type", "text/plain; charset=utf-8".to_owned())];
    if challenge {
        headers.push(("www-authenticate", "Basic realm=\"GitHub\"".to_owned()));
    }
    response(status, &headers, body)
}

fn deny(status: u16, body: String, challenge: bool) -> Box<Resp> {
    Box::new(text(status, body, challenge))
}

fn query_param<'a>(query: Option<&'a str>, key: &str) -> Option<&'a str> {
    query?.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == key).map(|(_, v)| v)
}

/// Decides whether the request may go to `git http-backend`. Ok: canonical `owner/name`
/// and the `REMOTE_USER`.
fn authorize(
    shared: &Shared,
    parts: &http::request::Parts,
    t: &GitTarget,
    write: bool,
) -> Result<(String, String, Option<String>), Box<Resp>> {
    let st = shared.lock();
    let header = parts.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let (_, cred) = st.classify(header, Utc::now());
    let token = match cred {
        Credential::Password => return Err(deny(401, PASSWORD_REMOVED.to_owned(), true)),
        Credential::Bad => {
            let msg = "Invalid username or token. Password authentication is not supported for Git operations.\n";
            return Err(deny(401, msg.to_owned(), true));
        }
        Credential::None => None,
        Credential::Token(i) => Some(i),
    };
    let Some(ti) = token else {
        // Anonymous: read access to public repos only; everything else asks for credentials.
        if !write && let ReadCheck::Ok { repo, .. } = st.check_read(None, &t.owner, &t.name, &shared.host_url) {
            let r = &st.repos[repo];
            return Ok((r.owner.clone(), r.name.clone(), None));
        }
        return Err(deny(401, "Authentication required.\n".to_owned(), true));
    };
    match st.check_read(Some(ti), &t.owner, &t.name, &shared.host_url) {
        ReadCheck::NotFound => Err(deny(404, "Repository not found.\n".to_owned(), false)),
        // GitHub's words to git (seen as `remote: …` with a 403).
        ReadCheck::ClassicForbidden { .. } => Err(deny(
            403,
            "Personal access tokens (classic) are forbidden from accessing this repository.\n".to_owned(),
            false,
        )),
        ReadCheck::SsoRequired { org, url } => Err(deny(
            403,
            format!(
                "The '{org}' organization has enabled or enforced SAML SSO.\n\
                 To access this repository, visit {url} and try your request again.\n"
            ),
            false,
        )),
        ReadCheck::Ok { repo, role } => {
            let r = &st.repos[repo];
            if write && let Err(denied) = st.check_write(ti, repo, role) {
                let msg = match denied {
                    WriteDenied::Permission { login } => {
                        format!("Permission to {}.git denied to {login}.\n", r.full_name())
                    }
                    WriteDenied::NotGranted => "Write access to repository not granted.\n".into(),
                };
                return Err(deny(403, msg, false));
            }
            Ok((r.owner.clone(), r.name.clone(), Some(st.tokens[ti].login.clone())))
        }
    }
}

pub(crate) async fn handle(
    shared: &Shared,
    peer: SocketAddr,
    parts: &http::request::Parts,
    body: Bytes,
    t: GitTarget,
) -> Resp {
    let query = parts.uri.query();
    let service = match t.rest.as_str() {
        "info/refs" => query_param(query, "service"),
        "git-upload-pack" => Some("git-upload-pack"),
        "git-receive-pack" => Some("git-receive-pack"),
        _ => None,
    };
    let write = service == Some("git-receive-pack");
    let (owner, name, remote_user) = match authorize(shared, parts, &t, write) {
        Ok(x) => x,
        Err(resp) => return *resp,
    };
    match run_backend(shared, peer, parts, body, &owner, &name, &t.rest, remote_user).await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::warn!("git http-backend failed: {e:#}");
            text(500, "git http-backend failed\n".to_owned(), false)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn run_backend(
    shared: &Shared,
    peer: SocketAddr,
    parts: &http::request::Parts,
    body: Bytes,
    owner: &str,
    name: &str,
    rest: &str,
    remote_user: Option<String>,
) -> anyhow::Result<Resp> {
    let header = |h: &str| parts.headers.get(h).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("http-backend")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &shared.home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_PROJECT_ROOT", &shared.root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("REQUEST_METHOD", parts.method.as_str())
        .env("PATH_INFO", format!("/{owner}/{name}.git/{rest}"))
        .env("QUERY_STRING", parts.uri.query().unwrap_or(""))
        .env("CONTENT_TYPE", header("content-type"))
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("REMOTE_ADDR", peer.ip().to_string())
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let encoding = header("content-encoding");
    if !encoding.is_empty() {
        cmd.env("HTTP_CONTENT_ENCODING", encoding);
    }
    let protocol = header("git-protocol");
    if !protocol.is_empty() {
        cmd.env("GIT_PROTOCOL", protocol);
    }
    if let Some(user) = remote_user {
        cmd.env("REMOTE_USER", user);
    }
    let mut child = cmd.spawn()?;
    let writer = child.stdin.take().map(|mut stdin| {
        tokio::spawn(async move {
            let _ = stdin.write_all(&body).await;
        })
    });
    let out = child.wait_with_output().await?;
    if let Some(w) = writer {
        let _ = w.await;
    }
    if !out.stderr.is_empty() {
        tracing::debug!("git http-backend: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    parse_cgi(&out.stdout).ok_or_else(|| anyhow::anyhow!("no CGI header from git http-backend ({})", out.status))
}

/// Splits CGI output into status, headers and body.
fn parse_cgi(out: &[u8]) -> Option<Resp> {
    let (head_end, sep) = [b"\r\n\r\n".as_slice(), b"\n\n".as_slice()]
        .iter()
        .filter_map(|sep| out.windows(sep.len()).position(|w| w == *sep).map(|p| (p, sep.len())))
        .min_by_key(|(p, _)| *p)?;
    let head = String::from_utf8_lossy(&out[..head_end]);
    let mut status = 200;
    let mut headers = Vec::new();
    for line in head.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        if k.eq_ignore_ascii_case("status") {
            status = v.split(' ').next()?.parse().ok()?;
        } else {
            headers.push((k.trim(), v.to_owned()));
        }
    }
    Some(response(status, &headers, Bytes::copy_from_slice(&out[head_end + sep..])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let t = parse_path("/o/r.git/info/refs").unwrap();
        assert_eq!((t.owner.as_str(), t.name.as_str(), t.rest.as_str()), ("o", "r", "info/refs"));
        assert_eq!(parse_path("/o/r/git-receive-pack").unwrap().name, "r");
        assert_eq!(parse_path("/o/r.git/HEAD").unwrap().rest, "HEAD");
        assert!(parse_path("/orgs/acme/sso").is_none());
        assert!(parse_path("/settings/tokens/new").is_none());
        assert!(parse_path("/o/r.git").is_none());
    }

    #[test]
    fn cgi_output() {
        let r = parse_cgi(b"Status: 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nno").unwrap();
        assert_eq!(r.status(), 403);
        assert_eq!(r.headers()["content-type"], "text/plain");
        let r = parse_cgi(b"Content-Type: x\n\nbody\r\n\r\n").unwrap();
        assert_eq!(r.status(), 200);
        assert!(parse_cgi(b"garbage").is_none());
    }
}
