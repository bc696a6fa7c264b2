//! The host from the remote: without `--host-url`, a remote whose host is not
//! github.com may be on a GitHub Enterprise Server. Such a server answers
//! `GET https://HOST/api/v3/meta` with its `installed_version`; github.com's meta
//! (`api.github.com/meta`) has none. Used by doctor and setup before they start.

use std::time::Duration;

use crate::engine::Deps;
use crate::engine::observe::pick_remote;
use crate::git::{self, SshLookup};
use crate::github::GitHub;
use crate::model::host::{HostUrl, is_loopback};
use crate::model::remote::{self, Transport};

/// What the remote says about the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostGuess {
    /// Nothing to change: no repository or remote, a remote on the host (or an SSH
    /// alias for it), or not a network remote.
    Keep,
    /// `host` answered as GitHub Enterprise Server `version`: use it.
    Enterprise { host: HostUrl, version: String },
    /// `host` did not answer as GitHub (`why`); `try_url` is the `--host-url` to give
    /// if it is one all the same.
    NotGitHub { host: String, try_url: String, why: String },
}

/// The guess, and whether `ssh` was missing when an SSH remote's alias was to be
/// resolved (then the literal host was used).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    pub guess: HostGuess,
    pub no_ssh: Option<String>,
}

/// How long one `/meta` question may take: a host that does not answer must not hold
/// doctor up for the client's full timeouts.
const META_TIMEOUT: Duration = Duration::from_secs(8);

/// Look at the remote (`wanted`, else origin, else the only one) of the repository in
/// the working folder: is its host the Deps' host, and if not (and `ask_meta`: no host
/// was given), is it GitHub? Without `ask_meta` the guess is always [`HostGuess::Keep`]
/// and only a missing `ssh` is reported.
pub async fn detect_host(deps: &Deps, wanted: Option<&str>, ask_meta: bool) -> Detection {
    let keep = Detection { guess: HostGuess::Keep, no_ssh: None };
    let Some(repo) = git::discover(&deps.git) else { return keep };
    let Ok(name) = pick_remote(&repo, wanted) else { return keep };
    let Ok(info) = git::remote_info(&deps.git, &repo, &name).await else { return keep };
    let url = info.url.clone().unwrap_or(info.effective_fetch);
    let Ok(parsed) = remote::parse(&url) else { return keep };
    let Some(literal) = parsed.host.clone() else { return keep };
    if !matches!(parsed.transport, Transport::Https | Transport::Http | Transport::Ssh | Transport::Git)
        || deps.host.owns_remote_host(&literal)
    {
        return keep;
    }
    let mut no_ssh = None;
    let host = if parsed.transport == Transport::Ssh {
        match deps.git.ssh_resolve(&literal).await {
            SshLookup::Resolved(t) if t.is_host(&deps.host) => return keep,
            SshLookup::Resolved(t) => t.hostname,
            SshLookup::NoSsh => {
                no_ssh = Some(literal.clone());
                literal
            }
            SshLookup::Failed(_) => literal,
        }
    } else {
        literal
    };
    if !ask_meta {
        return Detection { guess: HostGuess::Keep, no_ssh };
    }
    // The web port is the URL's for HTTP(S) remotes; an SSH or git port says nothing of it.
    let port = matches!(parsed.transport, Transport::Https | Transport::Http).then_some(parsed.port).flatten();
    Detection { guess: ask(&host, port, parsed.transport == Transport::Http).await, no_ssh }
}

/// Ask `https://HOST[:PORT]/api/v3/meta`, and for a loopback host (the tests' sandbox:
/// plain HTTP is allowed there only) `http://` as well.
async fn ask(host: &str, port: Option<u16>, http_remote: bool) -> HostGuess {
    let (authority, candidates) = candidates(host, port);
    let mut why = String::from("it is not a valid host name");
    for candidate in &candidates {
        let Ok(url) = HostUrl::parse(candidate) else { continue };
        let answer = match GitHub::new(&url) {
            Ok(gh) => tokio::time::timeout(META_TIMEOUT, gh.enterprise_version()).await,
            Err(e) => {
                why = e.to_string();
                continue;
            }
        };
        match answer {
            Ok(Ok(Some(version))) => return HostGuess::Enterprise { host: url, version },
            Ok(Ok(None)) => why = format!("{}/meta has no installed_version", url.api_base()),
            Ok(Err(e)) => why = e.to_string(),
            Err(_) => why = format!("{}/meta did not answer within {} s", url.api_base(), META_TIMEOUT.as_secs()),
        }
    }
    // The URL the user would give: plain HTTP only where the remote uses it (loopback).
    let try_url = if http_remote && candidates.len() > 1 { candidates[1].clone() } else { candidates[0].clone() };
    HostGuess::NotGitHub { host: authority, try_url, why }
}

/// `HOST[:PORT]` (IPv6 in brackets) and the host URLs to ask: `https://` always,
/// `http://` only for a loopback host.
fn candidates(host: &str, port: Option<u16>) -> (String, Vec<String>) {
    let shown = if host.contains(':') { format!("[{host}]") } else { host.to_string() };
    let authority = match port {
        Some(p) => format!("{shown}:{p}"),
        None => shown,
    };
    let mut urls = vec![format!("https://{authority}")];
    if is_loopback(host) {
        urls.push(format!("http://{authority}"));
    }
    (authority, urls)
}

#[cfg(test)]
mod tests {
    use super::candidates;

    #[test]
    fn plain_http_is_asked_of_loopback_hosts_only() {
        let table: [(&str, Option<u16>, &str, &[&str]); 4] = [
            ("git.example.com", None, "git.example.com", &["https://git.example.com"]),
            ("git.example.com", Some(8443), "git.example.com:8443", &["https://git.example.com:8443"]),
            ("127.0.0.1", Some(8080), "127.0.0.1:8080", &["https://127.0.0.1:8080", "http://127.0.0.1:8080"]),
            ("::1", Some(9), "[::1]:9", &["https://[::1]:9", "http://[::1]:9"]),
        ];
        for (host, port, authority, urls) in table {
            assert_eq!(candidates(host, port), (authority.to_string(), urls.iter().map(|u| u.to_string()).collect()));
        }
    }
}
