//! `doctor --all`, per repository: the remote and what git really uses, from the
//! config entries alone (as git's `remote.c` reads them), and the report's stable
//! shape (`doctor --all --json`, one object a line; README "Every clone at once").

use serde::Serialize;

use crate::model::helpers::ConfigEntry;
use crate::model::host::HostUrl;
use crate::model::remote::{self, Classified, InsteadOf, Transport};
use crate::model::repo::{PushSource, RemoteInfo, RemoteView};
use crate::model::request::{Request, UserSource};
use crate::model::scan::{Need, RepoKind, Verdict};
use crate::model::ssh::SshTarget;

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len()).filter(|h| h.eq_ignore_ascii_case(prefix)).map(|_| &s[prefix.len()..])
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let at = s.len().checked_sub(suffix.len())?;
    s.get(at..).filter(|t| t.eq_ignore_ascii_case(suffix)).map(|_| &s[..at])
}

/// `remote.<name>.<var>` split into name and lower-case var.
fn remote_key(key: &str) -> Option<(&str, String)> {
    let rest = strip_prefix_ci(key, "remote.")?;
    let (name, var) = rest.rsplit_once('.')?;
    Some((name, var.to_ascii_lowercase()))
}

/// The remotes with a `url`, in the order their first `url` appears.
pub fn remote_names(entries: &[ConfigEntry]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for e in entries {
        if let Some((name, var)) = remote_key(&e.key)
            && var == "url"
            && !e.bare
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_string());
        }
    }
    names
}

/// The remote doctor --all looks at: `origin`, else the first.
pub fn pick_remote(names: &[String]) -> Option<&str> {
    names.iter().find(|n| *n == "origin").or(names.first()).map(String::as_str)
}

/// Every `url.<base>.insteadOf` / `pushInsteadOf` rule, in config order.
pub fn rewrite_rules(entries: &[ConfigEntry]) -> Vec<InsteadOf> {
    entries
        .iter()
        .filter(|e| !e.bare)
        .filter_map(|e| {
            let rest = strip_prefix_ci(&e.key, "url.")?;
            let (base, push_only) = match strip_suffix_ci(rest, ".pushinsteadof") {
                Some(b) => (b, true),
                None => (strip_suffix_ci(rest, ".insteadof")?, false),
            };
            Some(InsteadOf { base: base.into(), prefix: e.value.clone(), push_only })
        })
        .collect()
}

/// One remote as git uses it: the first `url` and `pushurl`; the fetch URL after
/// `insteadOf`; the push URL: the pushurl after `insteadOf`, else the url after
/// `pushInsteadOf` (or `insteadOf`), as `git remote get-url [--push]`.
pub fn remote_info(entries: &[ConfigEntry], name: &str, rules: &[InsteadOf]) -> RemoteInfo {
    let first = |want: &str| {
        entries
            .iter()
            .filter(|e| !e.bare)
            .find(|e| remote_key(&e.key).is_some_and(|(n, v)| n == name && v == want))
            .map(|e| e.value.clone())
    };
    let (url, pushurl) = (first("url"), first("pushurl"));
    let written = url.clone().unwrap_or_default();
    let effective_fetch = remote::rewrite(&written, rules, false);
    let effective_push = match &pushurl {
        Some(p) => remote::rewrite(p, rules, false),
        None => remote::rewrite(&written, rules, true),
    };
    RemoteInfo {
        name: name.into(),
        url,
        pushurl,
        effective_fetch,
        effective_push,
        url_from: Vec::new(),
        pushurl_from: Vec::new(),
    }
}

/// The SSH host names of a remote that could be aliases for the host: the URL as
/// written and the fetch URL, when they are SSH and not on the host as they stand.
pub fn alias_candidates(info: &RemoteInfo, host: &HostUrl) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for url in [info.url.as_deref().unwrap_or(""), info.effective_fetch.as_str()] {
        if matches!(remote::classify(url, host), Classified::GitHub { .. }) {
            continue;
        }
        if let Ok(p) = remote::parse(url)
            && p.transport == Transport::Ssh
            && let Some(h) = p.host
            && !out.contains(&h)
        {
            out.push(h);
        }
    }
    out
}

fn transport_of(url: &str) -> Transport {
    remote::parse(url).map(|r| r.transport).unwrap_or(Transport::Other)
}

/// The remote classified against the host, through an SSH alias when `aliases` knows
/// the remote's host name (`ssh -G`'s answer), as `engine::observe` does for one
/// repository. `Err`: the host it is on instead (empty for a local path).
pub fn view(
    info: RemoteInfo,
    host: &HostUrl,
    aliases: &dyn Fn(&str) -> Option<SshTarget>,
) -> Result<RemoteView, String> {
    let written = info.url.clone().unwrap_or_else(|| info.effective_fetch.clone());
    let mut classified = match remote::classify(&written, host) {
        c @ Classified::GitHub { .. } => c,
        _ => remote::classify(&info.effective_fetch, host),
    };
    let mut alias = None;
    if !matches!(classified, Classified::GitHub { .. }) {
        for url in [written.as_str(), info.effective_fetch.as_str()] {
            let Ok(p) = remote::parse(url) else { continue };
            let Some(name) = p.host.as_deref().filter(|_| p.transport == Transport::Ssh) else { continue };
            let Some(target) = aliases(name).filter(|t| t.is_host(host)) else { continue };
            if let c @ Classified::GitHub { .. } = remote::classify(&crate::model::ssh::through(&p, &target), host) {
                classified = c;
                alias = Some(target.alias(name));
                break;
            }
        }
    }
    match RemoteView::placed(info, classified, alias, host) {
        Ok(v) => Ok(v),
        Err(Classified::GitHub { .. }) => Err(String::new()),
        Err(Classified::Foreign { host }) => Err(host),
        Err(Classified::Local) => Err(String::new()),
    }
}

/// The URL whose credential request matters: the push URL when it is HTTP(S), else the
/// HTTPS URL of the repository git pushes to (what a switch makes of it).
pub fn request_url(v: &RemoteView, host: &HostUrl) -> String {
    if matches!(v.push_transport, Transport::Https | Transport::Http) {
        v.info.effective_push.clone()
    } else {
        host.repo_url(v.push_repo.as_ref().unwrap_or(&v.repo))
    }
}

/// `https`, `ssh`, … for the report.
pub fn transport_name(t: Transport) -> &'static str {
    match t {
        Transport::Https => "https",
        Transport::Http => "http",
        Transport::Ssh => "ssh",
        Transport::Git => "git",
        Transport::File => "file",
        Transport::Local => "local",
        Transport::Other => "other",
    }
}

/// One repository in `doctor --all`'s report. Every field is always present (`null`
/// when it does not apply): scripts match on these names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RepoReport {
    /// The work tree (a bare repository's own folder).
    pub path: String,
    /// `work-tree`, `linked-worktree`, `bare`.
    pub kind: RepoKind,
    /// The verdict (`model::scan::Verdict`).
    pub verdict: Verdict,
    /// `switch`, `binding`.
    pub needs: Vec<Need>,
    /// Why, for `not-checked`, `other-host`, `broken`, `needs-binding`.
    pub reason: Option<String>,
    pub remote: Option<RemoteReport>,
    /// The account git sends for the host (after a switch, for an SSH remote).
    pub account: Option<AccountReport>,
    /// The credential request git makes (`protocol://[user@]host[/path]`): the
    /// repositories that share it share one credential.
    pub credential: Option<String>,
}

/// The remote looked at, as written and as git uses it (URLs redacted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RemoteReport {
    /// The remote's name (`origin`, else the first).
    pub name: String,
    /// `remote.<name>.url` as written (the first value).
    pub url: Option<String>,
    /// `remote.<name>.pushurl` as written (the first value).
    pub pushurl: Option<String>,
    /// After insteadOf (`git remote get-url`).
    pub fetch_url: String,
    /// After pushInsteadOf/insteadOf (`git remote get-url --push`).
    pub push_url: String,
    /// What decides the push URL: `url`, `pushurl`, `push-insteadof`, `insteadof`.
    pub push_source: &'static str,
    pub fetch_transport: &'static str,
    pub push_transport: &'static str,
    /// `OWNER/REPO` on the host.
    pub repository: Option<String>,
    /// The other repository on the host git pushes to (a fork's pushurl).
    pub push_repository: Option<String>,
    /// The SSH alias the remote goes through.
    pub alias: Option<AliasReport>,
}

/// The SSH alias a remote goes through, as `ssh -G` resolved it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AliasReport {
    /// The name in the URL (`github-work`).
    pub name: String,
    /// The host it stands for.
    pub hostname: String,
    /// The key it names, unless it is one of ssh's defaults.
    pub identity_file: Option<String>,
}

/// Who git sends: a pinned user name and where it is pinned, or `login: null` with
/// `source: helper` (the helper's answer decides).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountReport {
    /// The pinned user name (`***` for a token-shaped one), or `None`: the helper's.
    pub login: Option<String>,
    /// `url`, `config` or `helper`.
    pub source: &'static str,
    /// The `credential.<url>.username` key.
    pub key: Option<String>,
    /// Its config scope (`global`, `local`…) and file.
    pub scope: Option<String>,
    pub file: Option<String>,
    /// The file that included it, when it comes from an included file (`include.path`,
    /// `includeIf`): libgit2 does not name the included file itself.
    pub included_from: Option<String>,
}

/// A user name as it may be printed: a token used as one (`https://ghp_…@github.com`)
/// is `***`.
fn shown_user(user: &str) -> String {
    if remote::is_token_shaped_user(user) { "***".into() } else { user.into() }
}

/// The request as the report names it ([`RepoReport::credential`]), a token-shaped user
/// name hidden.
pub fn credential_of(r: &Request) -> String {
    match r.username.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => Request { username: Some(shown_user(u)), ..r.clone() }.describe(),
        None => Request { username: None, ..r.clone() }.describe(),
    }
}

impl AccountReport {
    /// From the credential request git makes.
    pub fn of(r: &Request) -> AccountReport {
        let login = r.username.as_deref().filter(|u| !u.is_empty()).map(shown_user);
        match (&login, &r.user_source) {
            (Some(_), Some(UserSource::Url)) => {
                AccountReport { login, source: "url", key: None, scope: None, file: None, included_from: None }
            }
            (Some(_), Some(src @ UserSource::Config { key, scope, origin })) => AccountReport {
                file: src.file().map(str::to_owned),
                included_from: origin.strip_prefix("include:").map(str::to_owned),
                login,
                source: "config",
                key: Some(key.clone()),
                scope: Some(scope.clone()),
            },
            _ => {
                AccountReport { login: None, source: "helper", key: None, scope: None, file: None, included_from: None }
            }
        }
    }
}

impl RemoteReport {
    /// From the remote and, when it is on the host, its classification.
    pub fn of(info: &RemoteInfo, view: Option<&RemoteView>) -> RemoteReport {
        let push_source = match info.push_source() {
            PushSource::Url => "url",
            PushSource::PushUrl => "pushurl",
            PushSource::PushInsteadOf => "push-insteadof",
            PushSource::InsteadOf => "insteadof",
        };
        RemoteReport {
            name: info.name.clone(),
            url: info.url.as_deref().map(remote::redact),
            pushurl: info.pushurl.as_deref().map(remote::redact),
            fetch_url: remote::redact(&info.effective_fetch),
            push_url: remote::redact(&info.effective_push),
            push_source,
            fetch_transport: transport_name(transport_of(&info.effective_fetch)),
            push_transport: transport_name(transport_of(&info.effective_push)),
            repository: view.map(|v| v.repo.to_string()),
            push_repository: view.and_then(|v| v.push_repo.as_ref()).map(|r| r.to_string()),
            alias: view.and_then(|v| v.alias.as_ref()).map(|a| AliasReport {
                name: a.name.clone(),
                hostname: a.hostname.clone(),
                identity_file: a.identity_file.clone(),
            }),
        }
    }
}

/// The distinct credential requests among the reports, each with how many
/// repositories make it, in order: what a network check asks for once each (one
/// request per (host, account, path rule)), then reuses for every repository.
pub fn credential_groups(repos: &[RepoReport]) -> Vec<(&str, usize)> {
    let mut groups: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for r in repos {
        if let Some(c) = r.credential.as_deref() {
            *groups.entry(c).or_default() += 1;
        }
    }
    groups.into_iter().collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn e(key: &str, value: &str) -> ConfigEntry {
        ConfigEntry {
            scope: "local".into(),
            origin: "file:.git/config".into(),
            key: key.into(),
            value: value.into(),
            bare: false,
        }
    }

    #[test]
    fn remotes_in_order_origin_first_and_git_s_rewriting() {
        let entries = [
            e("url.git@github.com:.pushinsteadof", "https://github.com/"),
            e("url.https://github.com/.insteadOf", "gh:"),
            e("remote.upstream.url", "gh:up/r"),
            e("remote.origin.url", "https://github.com/o/r.git"),
            e("remote.origin.url", "https://example.com/second.git"),
            e("remote.fork.url", "gh:o/r"),
            e("remote.fork.pushurl", "gh:me/r"),
        ];
        assert_eq!(remote_names(&entries), ["upstream", "origin", "fork"]);
        assert_eq!(pick_remote(&remote_names(&entries)), Some("origin"));
        assert_eq!(pick_remote(&["a".into(), "b".into()]), Some("a"));
        let rules = rewrite_rules(&entries);
        let origin = remote_info(&entries, "origin", &rules);
        assert_eq!(origin.effective_fetch, "https://github.com/o/r.git");
        assert_eq!(origin.effective_push, "git@github.com:o/r.git", "pushInsteadOf, url without pushurl");
        let fork = remote_info(&entries, "fork", &rules);
        assert_eq!(fork.effective_fetch, "https://github.com/o/r");
        assert_eq!(fork.effective_push, "https://github.com/me/r", "a pushurl takes insteadOf only");
        let host = HostUrl::github();
        let v = view(fork, &host, &|_| None).unwrap();
        assert_eq!(v.push_repo.map(|r| r.to_string()).as_deref(), Some("me/r"));
    }

    #[test]
    fn one_credential_per_distinct_request() {
        let r = |c: Option<&str>| RepoReport {
            path: String::new(),
            kind: RepoKind::WorkTree,
            verdict: Verdict::NotChecked,
            needs: vec![],
            reason: None,
            remote: None,
            account: None,
            credential: c.map(str::to_owned),
        };
        let repos = [
            r(Some("https://github.com")),
            r(Some("https://octo-work@github.com")),
            r(None),
            r(Some("https://github.com")),
            r(Some("https://github.com/o/r.git")),
        ];
        assert_eq!(
            credential_groups(&repos),
            [("https://github.com", 2), ("https://github.com/o/r.git", 1), ("https://octo-work@github.com", 1)]
        );
    }

    #[test]
    fn an_alias_is_classified_through_ssh_s_answer() {
        let entries = [e("remote.origin.url", "git@github-work:octo/hello.git")];
        let info = remote_info(&entries, "origin", &[]);
        let host = HostUrl::github();
        assert_eq!(alias_candidates(&info, &host), ["github-work"]);
        assert_eq!(view(info.clone(), &host, &|_| None).unwrap_err(), "github-work");
        let target = |name: &str| {
            (name == "github-work").then(|| SshTarget {
                hostname: "github.com".into(),
                port: None,
                user: Some("git".into()),
                identity_files: vec!["~/.ssh/id_work".into()],
            })
        };
        let v = view(info, &host, &target).unwrap();
        assert_eq!(v.repo.to_string(), "octo/hello");
        assert_eq!(v.alias.as_ref().and_then(|a| a.identity_file.as_deref()), Some("~/.ssh/id_work"));
        assert!(v.uses_ssh());
        assert_eq!(request_url(&v, &host), "https://github.com/octo/hello.git");
    }
}
