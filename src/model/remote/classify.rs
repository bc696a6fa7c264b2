//! Classifying a remote URL against our host: a GitHub repository (OWNER/REPO), a
//! foreign host or a local path; and its HTTPS form.

use crate::model::host::HostUrl;

use super::parse::parse;
use super::{RemoteUrl, RepoRef, Transport};

/// What a remote URL is, relative to our host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classified {
    /// A repository on our host.
    GitHub { repo: RepoRef, transport: Transport, embeds_secret: bool },
    /// A URL on some other host (gitlab.com, a mirror…), or our host but not OWNER/REPO.
    Foreign { host: String },
    /// A local path or file:// URL.
    Local,
}

impl RemoteUrl {
    /// OWNER/REPO when the path is exactly two segments (trailing `.git` and `/` dropped).
    pub fn repo(&self) -> Option<RepoRef> {
        self.host.as_ref()?;
        let p = self.path.trim_end_matches('/');
        let p = p.strip_suffix(".git").unwrap_or(p);
        let (owner, name) = p.split_once('/')?;
        (valid_segment(owner) && valid_segment(name))
            .then(|| RepoRef { owner: owner.to_string(), name: name.to_string() })
    }
}

/// Classify a remote URL against our host.
///
/// An unparseable URL is `Foreign` with an empty host (use [`parse`] for the reason).
pub fn classify(url: &str, host: &HostUrl) -> Classified {
    let Ok(r) = parse(url) else {
        return Classified::Foreign { host: String::new() };
    };
    let remote_host = match (r.transport, &r.host) {
        (Transport::Local | Transport::File, _) => return Classified::Local,
        (_, None) => {
            return Classified::Foreign { host: String::new() };
        }
        (_, Some(h)) => h.clone(),
    };
    match (mismatch_of(&r, &remote_host, host), r.repo()) {
        (None, Some(repo)) => Classified::GitHub { repo, transport: r.transport, embeds_secret: r.embeds_secret },
        _ => Classified::Foreign { host: remote_host },
    }
}

/// True for `ssh.<host>` (GitHub's SSH over port 443): it serves no HTTPS.
fn ssh_only(remote_host: &str, host: &HostUrl) -> bool {
    remote_host.strip_prefix("ssh.").is_some_and(|rest| rest.eq_ignore_ascii_case(host.host()))
}

/// Which part of a parsed URL with a host is not our host's: host, port or path.
fn mismatch_of(r: &RemoteUrl, remote_host: &str, host: &HostUrl) -> Option<String> {
    let web = matches!(r.transport, Transport::Https | Transport::Http);
    if !matches!(r.transport, Transport::Https | Transport::Http | Transport::Ssh | Transport::Git) {
        return Some("a GitHub host is reached over HTTPS, SSH or git://, not this scheme".into());
    }
    if !host.owns_remote_host(remote_host) {
        return Some(format!("the host {remote_host} is not {}", host.host()));
    }
    if web && ssh_only(remote_host, host) {
        return Some(format!("{remote_host} serves only SSH, not HTTPS: use {}/OWNER/REPO", host.base()));
    }
    // An explicit HTTP(S) port must be the host's; SSH/git ports are the server's own.
    if web && let Some(p) = r.port.filter(|p| *p != host.effective_port()) {
        return Some(format!("port {p} is not {}'s (it serves on {})", host.host(), host.effective_port()));
    }
    if r.repo().is_none() {
        let shown = super::redact(&r.path);
        return Some(format!("the path `{shown}` is not OWNER/REPO"));
    }
    None
}

/// Why a remote URL is not a repository on our host, naming the part that is wrong
/// (host, port, path, or the URL itself); `None` when it is one.
pub fn mismatch(url: &str, host: &HostUrl) -> Option<String> {
    let r = match parse(url) {
        Ok(r) => r,
        Err(e) => return Some(e.to_string()),
    };
    match (r.transport, &r.host) {
        (Transport::Local | Transport::File, _) => Some("it is a local path, not a URL".into()),
        (_, None) => Some("git hands this URL to a remote helper, not to a GitHub host".into()),
        (_, Some(h)) => mismatch_of(&r, h, host),
    }
}

/// The HTTPS form (`{host.base()}/OWNER/REPO.git`) of a remote on our host; `None` for
/// anything else. Converting the result again yields the same string.
pub fn to_https(url: &str, host: &HostUrl) -> Option<String> {
    match classify(url, host) {
        Classified::GitHub { repo, .. } => Some(host.repo_url(&repo)),
        _ => None,
    }
}

fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && !s.contains("..")
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::model::remote::tests::{gh, repo};
    use proptest::prelude::*;

    #[test]
    fn github_forms_convert_to_https() {
        // (url, transport, embeds_secret)
        let table = [
            ("git@github.com:o/r.git", Transport::Ssh, false),
            ("git@github.com:o/r", Transport::Ssh, false),
            ("git@github.com:/o/r.git", Transport::Ssh, false),
            ("github.com:o/r.git", Transport::Ssh, false),
            ("ssh://git@github.com/o/r.git", Transport::Ssh, false),
            ("ssh://git@ssh.github.com:443/o/r.git", Transport::Ssh, false),
            ("git+ssh://git@github.com/o/r.git", Transport::Ssh, false),
            ("git@ssh.github.com:o/r.git", Transport::Ssh, false),
            ("https://github.com/o/r", Transport::Https, false),
            ("https://github.com/o/r.git", Transport::Https, false),
            ("https://github.com/o/r.git/", Transport::Https, false),
            ("https://github.com:443/o/r.git", Transport::Https, false),
            ("https://user@github.com/o/r", Transport::Https, false),
            ("https://ghp_TOKEN@github.com/o/r", Transport::Https, true),
            ("https://github_pat_x@github.com/o/r", Transport::Https, true),
            ("https://user:pw@github.com/o/r.git", Transport::Https, true),
            ("https://user:@github.com/o/r.git", Transport::Https, false),
            ("https://x-access-token:ghs_abc@github.com/o/r.git", Transport::Https, true),
            ("https://abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r", Transport::Https, true),
            ("git://github.com/o/r", Transport::Git, false),
            ("HTTPS://GitHub.com/o/r.git", Transport::Https, false),
            ("http://github.com/o/r.git", Transport::Http, false),
            ("  https://github.com/o/r  ", Transport::Https, false),
        ];
        for (url, transport, secret) in table {
            assert_eq!(
                classify(url, &gh()),
                Classified::GitHub { repo: repo("o", "r"), transport, embeds_secret: secret },
                "{url}"
            );
            assert_eq!(to_https(url, &gh()).as_deref(), Some("https://github.com/o/r.git"), "{url}");
        }
    }

    #[test]
    fn loopback_host() {
        let host = HostUrl::parse("http://127.0.0.1:8080").unwrap();
        let ok = [
            "git@127.0.0.1:octo/hello.git",
            "ssh://git@127.0.0.1:2222/octo/hello.git",
            "http://127.0.0.1:8080/octo/hello",
            "http://127.0.0.1:8080/octo/hello.git",
        ];
        for url in ok {
            assert_eq!(to_https(url, &host).as_deref(), Some("http://127.0.0.1:8080/octo/hello.git"), "{url}");
        }
        // A different HTTP port is a different server.
        assert_eq!(
            classify("http://127.0.0.1:9090/octo/hello.git", &host),
            Classified::Foreign { host: "127.0.0.1".into() }
        );
        let v6 = HostUrl::parse("http://[::1]:8080").unwrap();
        for url in
            ["ssh://git@[::1]:22/o/r", "[::1]:o/r", "git@[::1]:o/r.git", "[git@::1]:o/r", "http://[::1]:8080/o/r"]
        {
            assert_eq!(to_https(url, &v6).as_deref(), Some("http://[::1]:8080/o/r.git"), "{url}");
        }
    }

    #[test]
    fn local_and_other() {
        let table = [
            ("file:///x", Transport::File),
            ("/abs/path", Transport::Local),
            ("./foo:bar", Transport::Local),
            ("../repo", Transport::Local),
            ("repo", Transport::Local),
            ("C:\\x", Transport::Local),
            ("c:/x", Transport::Local),
            ("ext::ssh -i key host %S", Transport::Other),
            ("hg::https://example.com/repo", Transport::Other),
            ("svn://example.com/repo", Transport::Other),
        ];
        for (url, transport) in table {
            let r = parse(url).unwrap();
            assert_eq!(r.transport, transport, "{url}");
            let expected = match transport {
                Transport::File | Transport::Local => Classified::Local,
                _ => Classified::Foreign { host: r.host.clone().unwrap_or_default() },
            };
            assert_eq!(classify(url, &gh()), expected, "{url}");
            assert_eq!(to_https(url, &gh()), None, "{url}");
        }
    }

    #[test]
    fn foreign() {
        let table = [
            ("git@gitlab.com:o/r.git", "gitlab.com"),
            ("https://gitlab.com/o/r", "gitlab.com"),
            ("https://github.com.evil.com/o/r", "github.com.evil.com"),
            ("https://github.com/o", "github.com"),
            ("https://github.com/o/r/tree/main", "github.com"),
            ("https://github.com/o/r?x=1", "github.com"),
            ("https://github.com/o/r#frag", "github.com"),
            ("https://github.com/../r", "github.com"),
            ("https://github.com/o/..", "github.com"),
            ("https://github.com/o/r%20x", "github.com"),
            ("git@github.com:o/r$x", "github.com"),
            ("git@github.com:o/.git", "github.com"),
            ("git@github.com:./r", "github.com"),
            ("git@github.com:", "github.com"),
            ("https://api.github.com/o/r", "api.github.com"),
            ("https://ssh.github.com/o/r.git", "ssh.github.com"),
            ("http://ssh.github.com/o/r.git", "ssh.github.com"),
        ];
        for (url, host) in table {
            assert_eq!(classify(url, &gh()), Classified::Foreign { host: host.into() }, "{url}");
            assert_eq!(to_https(url, &gh()), None, "{url}");
        }
    }

    /// Each refusal names the part that is wrong; a repository on the host has none.
    #[test]
    fn mismatch_names_the_wrong_part() {
        let table = [
            ("https://gitlab.com/o/r", "the host gitlab.com is not github.com"),
            (
                "https://ssh.github.com/o/r.git",
                "ssh.github.com serves only SSH, not HTTPS: use https://github.com/OWNER/REPO",
            ),
            ("https://github.com:8443/o/r", "port 8443 is not github.com's (it serves on 443)"),
            ("https://github.com/o", "the path `o` is not OWNER/REPO"),
            ("git@github.com:o/r/tree/main", "the path `o/r/tree/main` is not OWNER/REPO"),
            ("https://github.com/o/r?x=1", "the path `o/r?x=1` is not OWNER/REPO"),
            ("/srv/repo", "it is a local path, not a URL"),
            ("ext::ssh -i key host %S", "git hands this URL to a remote helper, not to a GitHub host"),
            ("https://", "the remote URL is not valid: https://"),
        ];
        for (url, why) in table {
            assert_eq!(mismatch(url, &gh()).as_deref(), Some(why), "{url}");
            assert!(!matches!(classify(url, &gh()), Classified::GitHub { .. }), "{url}");
        }
        for url in ["git@ssh.github.com:o/r.git", "ssh://git@ssh.github.com:443/o/r", "git://github.com/o/r"] {
            assert_eq!(mismatch(url, &gh()), None, "{url}");
        }
    }

    proptest! {
        /// `mismatch` is `None` exactly when `classify` finds a repository on the host.
        #[test]
        fn mismatch_is_none_exactly_for_github(s in "(https?://|ssh://git@|git@|git://)?(github\\.com|ssh\\.github\\.com|gitlab\\.com)(:[0-9]{1,4})?[:/][a-z]{1,4}(/[a-z]{1,4}){0,2}(\\.git)?") {
            let github = matches!(classify(&s, &gh()), Classified::GitHub { .. });
            prop_assert_eq!(mismatch(&s, &gh()).is_none(), github, "{}", s);
        }

        #[test]
        fn to_https_is_idempotent(
            s in "(https?://|ssh://|git://|git@|ssh://git@|https://[a-z]{1,5}(:[a-z]{1,5})?@)?(github\\.com|GitHub\\.com|ssh\\.github\\.com|127\\.0\\.0\\.1|gitlab\\.com)(:[0-9]{1,5})?[:/]/?[a-zA-Z0-9._-]{1,8}/[a-zA-Z0-9._-]{1,8}(\\.git)?/?",
            loopback in any::<bool>(),
        ) {
            let host = if loopback { HostUrl::parse("http://127.0.0.1:8080").unwrap() } else { gh() };
            if let Some(once) = to_https(&s, &host) {
                prop_assert_eq!(to_https(&once, &host), Some(once.clone()));
                prop_assert!(once.starts_with(&host.base()));
                prop_assert!(once.ends_with(".git"));
            }
        }

        #[test]
        fn to_https_idempotent_arbitrary(s in ".{0,80}") {
            if let Some(once) = to_https(&s, &gh()) {
                prop_assert_eq!(to_https(&once, &gh()), Some(once.clone()));
            }
        }

    }
}
