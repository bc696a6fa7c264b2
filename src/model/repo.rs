//! A repository and its remote, as git reads them and as the faces show them: where
//! the repository is, what the remote says, and what that means for the host.

use std::path::PathBuf;

use crate::model::remote::{RepoRef, Transport};
use crate::model::ssh::SshAlias;

/// A discovered repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoInfo {
    /// The working tree (or the git dir for a bare repository).
    pub workdir: PathBuf,
    /// The repository's own config file: `config` in the common git dir (`.git/config`
    /// also in a linked worktree, whose `.git/worktrees/NAME/` holds no config of its
    /// own; `.git/modules/NAME/config` of the superproject for a submodule). A remote's
    /// URL is changed in the file git reads it from ([`RemoteInfo::file_to_change`]).
    pub config_file: PathBuf,
    /// All remote names.
    pub remotes: Vec<String>,
}

/// A remote as configured and as git uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteInfo {
    pub name: String,
    /// `remote.<name>.url` as written in the config: the first value when there are
    /// several, as git fetches from the first (and pushes to each).
    pub url: Option<String>,
    /// `remote.<name>.pushurl` as written, if any: the first value, as
    /// `git remote get-url --push` shows it.
    pub pushurl: Option<String>,
    /// The fetch URL after `insteadOf` (`git remote get-url`).
    pub effective_fetch: String,
    /// The push URL after `pushInsteadOf`/`insteadOf` (`git remote get-url --push`).
    pub effective_push: String,
    /// Every `remote.<name>.url` value where the user runs git, with where git read
    /// it (`git config --show-origin`: includes, `includeIf`, `config.worktree`…).
    pub url_from: Vec<ValueOrigin>,
    /// The same for `remote.<name>.pushurl`.
    pub pushurl_from: Vec<ValueOrigin>,
}

/// One config value and where git read it (`git config --show-scope --show-origin`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueOrigin {
    pub value: String,
    /// `local`, `worktree`, `global`, `system`, `command`.
    pub scope: String,
    /// The file, absolute; `None` when git read the value elsewhere (the command
    /// line, the environment, standard input, a blob).
    pub file: Option<PathBuf>,
    /// git's name for where it read it when that is not a file (`command line:`).
    pub origin: String,
}

impl RemoteInfo {
    /// The config file in which to change the URL (`push`: the push URL) so that git
    /// reads the new one: the file its value comes from. `fallback` when git named no
    /// origin for it (nothing was asked). Err: why it cannot be changed, before
    /// anything is.
    pub fn file_to_change(&self, push: bool, fallback: &std::path::Path) -> Result<PathBuf, String> {
        let (value, from, key) =
            if push { (&self.pushurl, &self.pushurl_from, "pushurl") } else { (&self.url, &self.url_from, "url") };
        let Some(found) = value.as_ref().and_then(|v| from.iter().find(|o| &o.value == v)) else {
            return Ok(fallback.to_path_buf());
        };
        let key = format!("remote.{}.{key}", self.name);
        match (&found.file, found.scope.as_str()) {
            (Some(_), "system") => Err(format!(
                "{key} is set in the system config file {} ({}); change it there (it is shared by every user), or set it in the repository: git config {key} URL",
                found.file.as_deref().unwrap_or(fallback).display(),
                found.scope
            )),
            (Some(file), _) => Ok(file.clone()),
            (None, _) => Err(format!(
                "{key} comes from {} (git reads it from `{}`), not from a config file git-reauth can change: \
                 change it where it is set, or set it in the repository with `git config {key} URL`",
                if found.scope == "command" {
                    "the command line or the environment (git -c, GIT_CONFIG_*)"
                } else {
                    "outside the config files"
                },
                found.origin.trim_end_matches(':')
            )),
        }
    }
}

/// The remote we work on, classified against the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteView {
    pub info: RemoteInfo,
    /// The repository on the host.
    pub repo: RepoRef,
    /// How the configured URL reaches the server.
    pub transport: Transport,
    /// How git really pushes (after insteadOf).
    pub push_transport: Transport,
    /// How git really fetches (after insteadOf).
    pub fetch_transport: Transport,
    /// The configured URL carries a password or token.
    pub embeds_secret: bool,
    /// The remote's host is an SSH alias for the host (`git@github-work:o/r`), as
    /// `ssh -G` resolved it. The hook for binding the repository to the alias's account
    /// (which key, which user) when the remote is switched to HTTPS.
    pub alias: Option<SshAlias>,
    /// The repository git pushes to when it is another one on the host than `repo` (a
    /// fork-style `pushurl` or rewrite rule): both need the token.
    pub push_repo: Option<RepoRef>,
}

/// What makes git push to the URL it pushes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushSource {
    /// `remote.<name>.url` itself.
    Url,
    /// `remote.<name>.pushurl`.
    PushUrl,
    /// `url.<base>.pushInsteadOf` (the fetch URL is not rewritten).
    PushInsteadOf,
    /// `url.<base>.insteadOf` (fetch and push are rewritten alike).
    InsteadOf,
}

impl std::fmt::Display for PushSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PushSource::Url => "its url",
            PushSource::PushUrl => "its pushurl",
            PushSource::PushInsteadOf => "a pushInsteadOf rule",
            PushSource::InsteadOf => "an insteadOf rule",
        })
    }
}

impl RemoteInfo {
    /// Why git pushes where it does: a pushurl, a rewrite rule, or the url as written.
    pub fn push_source(&self) -> PushSource {
        if self.pushurl.is_some() {
            PushSource::PushUrl
        } else if self.url.as_deref().is_none_or(|u| u == self.effective_push) {
            PushSource::Url
        } else if self.url.as_deref().is_some_and(|u| u == self.effective_fetch) {
            PushSource::PushInsteadOf
        } else {
            PushSource::InsteadOf
        }
    }
}

impl RemoteView {
    /// The view of a remote that `classify` placed on the host (`classified`), with the
    /// SSH alias it went through: the push side (a fork's repository on the host, the
    /// transports git uses) and whether a secret is embedded. `Err`: the classification,
    /// when it is not the host's.
    pub fn placed(
        info: RemoteInfo,
        classified: crate::model::remote::Classified,
        alias: Option<SshAlias>,
        host: &crate::model::host::HostUrl,
    ) -> Result<RemoteView, crate::model::remote::Classified> {
        use crate::model::remote::{self, Classified};
        let transport_of = |url: &str| remote::parse(url).map(|r| r.transport).unwrap_or(Transport::Other);
        let Classified::GitHub { repo, transport, embeds_secret } = classified else { return Err(classified) };
        // A fork-style pushurl (or rule) pushes to another repository on the host.
        let push_repo = match remote::classify(&info.effective_push, host) {
            Classified::GitHub { repo: pushed, .. } if pushed != repo => Some(pushed),
            _ => None,
        };
        Ok(RemoteView {
            repo,
            transport,
            push_transport: transport_of(&info.effective_push),
            fetch_transport: transport_of(&info.effective_fetch),
            embeds_secret: embeds_secret
                || info.pushurl.as_deref().is_some_and(|p| remote::parse(p).is_ok_and(|r| r.embeds_secret)),
            push_repo,
            info,
            alias,
        })
    }

    /// True when fetches or pushes go over SSH or the unauthenticated `git://`
    /// protocol (configured or forced by a rewrite rule): no token is used for either,
    /// and switching the remote to HTTPS is what helps.
    pub fn uses_ssh(&self) -> bool {
        [self.push_transport, self.fetch_transport].iter().any(|t| matches!(t, Transport::Ssh | Transport::Git))
    }

    /// True when the URL as written is HTTPS but a pushurl or rewrite rule makes git use
    /// SSH ([`RemoteInfo::push_source`] says which).
    pub fn forced_to_ssh(&self) -> bool {
        matches!(self.transport, Transport::Https | Transport::Http) && self.uses_ssh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(transport: Transport, fetch: Transport, push: Transport) -> RemoteView {
        RemoteView {
            info: RemoteInfo {
                name: "origin".into(),
                url: Some("https://github.com/o/r.git".into()),
                pushurl: None,
                effective_fetch: String::new(),
                effective_push: String::new(),
                url_from: Vec::new(),
                pushurl_from: Vec::new(),
            },
            repo: RepoRef { owner: "o".into(), name: "r".into() },
            transport,
            push_transport: push,
            fetch_transport: fetch,
            embeds_secret: false,
            alias: None,
            push_repo: None,
        }
    }

    #[test]
    fn a_url_is_changed_in_the_file_git_reads_it_from_or_says_why_not() {
        let fallback = std::path::Path::new("/r/.git/config");
        let mut info = view(Transport::Ssh, Transport::Ssh, Transport::Ssh).info;
        let url = info.url.clone().unwrap_or_default();
        assert_eq!(info.file_to_change(false, fallback).as_deref(), Ok(fallback), "nothing asked: the fallback");
        let origin = |value: &str, scope: &str, file: Option<&str>| ValueOrigin {
            value: value.into(),
            scope: scope.into(),
            file: file.map(PathBuf::from),
            origin: file.map_or("command line:".into(), |f| format!("file:{f}")),
        };
        info.url_from = vec![origin("other", "local", Some("/r/.git/config")), origin(&url, "local", Some("/inc"))];
        assert_eq!(info.file_to_change(false, fallback), Ok(PathBuf::from("/inc")), "the file of that value");
        info.url_from = vec![origin(&url, "command", None)];
        let why = info.file_to_change(false, fallback).unwrap_err();
        assert!(why.contains("remote.origin.url") && why.contains("command line"), "{why}");
        info.url_from = vec![origin(&url, "system", Some("/etc/gitconfig"))];
        let why = info.file_to_change(false, fallback).unwrap_err();
        assert!(why.contains("/etc/gitconfig"), "{why}");
        // The push URL has its own origin.
        info.pushurl = Some("p".into());
        info.pushurl_from = vec![origin("p", "worktree", Some("/r/.git/worktrees/w/config.worktree"))];
        assert_eq!(info.file_to_change(true, fallback), Ok(PathBuf::from("/r/.git/worktrees/w/config.worktree")));
    }

    #[test]
    fn ssh_on_either_side_counts_and_a_rewrite_forces_it() {
        use Transport::{Https, Ssh};
        assert!(!view(Https, Https, Https).uses_ssh());
        assert!(view(Https, Https, Ssh).uses_ssh(), "pushes over SSH");
        assert!(view(Https, Ssh, Https).uses_ssh(), "fetches over SSH");
        assert!(view(Https, Ssh, Ssh).forced_to_ssh(), "written HTTPS, used SSH: a rewrite rule");
        assert!(!view(Ssh, Ssh, Ssh).forced_to_ssh(), "written SSH is not forced");
        assert!(view(Transport::Git, Transport::Git, Transport::Git).uses_ssh(), "git:// takes no token either");
    }

    /// What `git remote get-url [--push]` shows, named by what made it so.
    #[test]
    fn the_push_url_is_named_by_its_source() {
        let info = |url: Option<&str>, pushurl: Option<&str>, fetch: &str, push: &str| RemoteInfo {
            name: "origin".into(),
            url: url.map(String::from),
            pushurl: pushurl.map(String::from),
            effective_fetch: fetch.into(),
            effective_push: push.into(),
            url_from: Vec::new(),
            pushurl_from: Vec::new(),
        };
        let https = "https://github.com/o/r.git";
        let ssh = "git@github.com:o/r.git";
        assert_eq!(info(Some(https), None, https, https).push_source(), PushSource::Url);
        assert_eq!(info(Some(https), Some(ssh), https, ssh).push_source(), PushSource::PushUrl);
        assert_eq!(info(Some(https), None, https, ssh).push_source(), PushSource::PushInsteadOf);
        assert_eq!(info(Some(https), None, ssh, ssh).push_source(), PushSource::InsteadOf);
        assert_eq!(PushSource::PushUrl.to_string(), "its pushurl");
    }
}
