//! `doctor --all`'s pure rules: which folders the walk enters, what makes a folder a
//! repository, and each repository's verdict (the report types are in `scan_report`).
//!
//! The walk itself (`git::walk`) only reads folders; every decision is here.

use serde::Serialize;

use crate::model::account::is_plausible_login;

/// `--max-depth`'s default: a repository folder at most six levels below a root.
pub const DEFAULT_MAX_DEPTH: usize = 6;

/// Folder names the walk never enters (a root is always walked, whatever its name):
/// build output, dependency stores and caches that hold other people's clones or
/// millions of files.
const SKIPPED: &[&str] = &[
    "node_modules",
    "target",
    "vendor",
    "bower_components",
    "__pycache__",
    "site-packages",
    "venv",
    "Pods",
    "DerivedData",
];

/// `(parent, name)` pairs never entered: caches and stores known by where they sit.
const SKIPPED_UNDER: &[(&str, &str)] = &[
    // macOS
    ("Library", "Caches"),
    ("Library", "Containers"),
    ("Library", "Group Containers"),
    // Go's module cache (GOPATH/pkg/mod)
    ("pkg", "mod"),
    // Windows
    ("AppData", "Local"),
    ("AppData", "LocalLow"),
];

/// Does the walk enter the folder `name` found inside the folder `parent` (the last
/// component of its path)? Never a hidden folder (`.cache`, `.cargo`, `.git`…: the
/// folders named as roots are walked all the same), never a skipped name or store.
pub fn enters(parent: &str, name: &str) -> bool {
    !name.starts_with('.') && !SKIPPED.contains(&name) && !SKIPPED_UNDER.contains(&(parent, name))
}

/// The walk's depth rule, as `find -maxdepth`: a root is depth 0, its sub-folders 1.
/// A repository is found when its folder (the work tree, or a bare repository's own
/// folder) is at most `max_depth` deep; a folder deeper than that is never read.
pub fn within(depth: usize, max_depth: usize) -> bool {
    depth <= max_depth
}

/// What kind of repository a folder is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepoKind {
    /// A work tree with its `.git` folder (or a `.git` file naming a git dir of its own,
    /// as a submodule's).
    WorkTree,
    /// A linked worktree (`git worktree add`): a `.git` file naming a git dir that has a
    /// `commondir`; the config is the main repository's.
    LinkedWorktree,
    /// A bare repository (`HEAD`, `objects/` and `refs/` in the folder itself).
    Bare,
}

impl RepoKind {
    /// The name `--json` gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            RepoKind::WorkTree => "work-tree",
            RepoKind::LinkedWorktree => "linked-worktree",
            RepoKind::Bare => "bare",
        }
    }
}

/// The git dir a `.git` file names (`gitdir: PATH`), as git reads it: the first line,
/// trailing white space and line ending dropped.
pub fn gitdir_of_file(content: &str) -> Option<&str> {
    let line = content.lines().next()?;
    let path = line.strip_prefix("gitdir:")?.trim();
    (!path.is_empty()).then_some(path)
}

/// A folder whose own entries are those of a git dir: a bare repository.
pub fn looks_bare(head_file: bool, objects_dir: bool, refs_dir: bool) -> bool {
    head_file && objects_dir && refs_dir
}

/// The verdict on one repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// git authenticates and may push (a network check: never said offline).
    Works,
    /// The remote (or what git really uses: a pushurl, an insteadOf rule) is SSH or
    /// git:// on the host: switching it to HTTPS is the fix.
    NeedsSwitch,
    /// The repository must be tied to an account before one token can serve it (see
    /// [`needs_binding`]).
    NeedsBinding,
    /// The credential git gets cannot reach the repository (a network check).
    NoAccess,
    /// Nothing wrong was found locally and nothing more was checked: offline, no remote.
    NotChecked,
    /// The remote is on another host, or a local path.
    OtherHost,
    /// git cannot use the repository's config (a syntax error, a credential key
    /// without a value): git itself stops there.
    Broken,
}

impl Verdict {
    /// Every verdict, in the summary's order.
    pub const ALL: [Verdict; 7] = [
        Verdict::Broken,
        Verdict::NeedsBinding,
        Verdict::NeedsSwitch,
        Verdict::NoAccess,
        Verdict::Works,
        Verdict::NotChecked,
        Verdict::OtherHost,
    ];

    /// The name `--json` and the text give it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Works => "works",
            Verdict::NeedsSwitch => "needs-switch",
            Verdict::NeedsBinding => "needs-binding",
            Verdict::NoAccess => "no-access",
            Verdict::NotChecked => "not-checked",
            Verdict::OtherHost => "other-host",
            Verdict::Broken => "broken",
        }
    }

    /// A problem git-reauth reports (exit 1): everything but works, not checked and
    /// another host.
    pub fn is_problem(self) -> bool {
        matches!(self, Verdict::NeedsSwitch | Verdict::NeedsBinding | Verdict::NoAccess | Verdict::Broken)
    }
}

/// What must change before git can authenticate with the host's token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// Switch the remote (or its pushurl, or the rule forcing SSH) to HTTPS.
    Switch,
    /// Bind the repository to an account.
    Binding,
}

/// The local facts a verdict is made of.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Why git cannot use the config, if it cannot.
    pub broken: Option<String>,
    /// The remote used, when there is one: `None` = no remote at all.
    pub remote: Option<RemotePlace>,
    /// Fetches or pushes go over SSH or git://.
    pub uses_ssh: bool,
    /// The remote goes through an SSH alias that names a key of its own.
    pub alias_with_own_key: bool,
    /// Another repository on the host pins another login than this one's.
    pub login_conflict: bool,
}

/// Where the remote is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemotePlace {
    /// On the host.
    Host,
    /// Another host (its name), or empty for a local path or a URL git cannot read.
    Elsewhere(String),
}

/// Why the network was not asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotAsked {
    /// `--offline`.
    Offline,
    /// This version makes no network check for `doctor --all` yet.
    NotImplemented,
}

/// The verdict, what is needed, and why (for the verdicts that need a reason).
pub fn verdict(f: &Facts, not_asked: NotAsked) -> (Verdict, Vec<Need>, Option<String>) {
    if let Some(why) = &f.broken {
        return (Verdict::Broken, Vec::new(), Some(why.clone()));
    }
    match &f.remote {
        None => return (Verdict::NotChecked, Vec::new(), Some("no remote".into())),
        Some(RemotePlace::Elsewhere(h)) if h.is_empty() => {
            return (Verdict::OtherHost, Vec::new(), Some("a local path or a URL on no host".into()));
        }
        Some(RemotePlace::Elsewhere(h)) => return (Verdict::OtherHost, Vec::new(), Some(format!("on {h}"))),
        Some(RemotePlace::Host) => {}
    }
    let mut needs = Vec::new();
    if f.uses_ssh {
        needs.push(Need::Switch);
    }
    if f.alias_with_own_key || f.login_conflict {
        needs.push(Need::Binding);
    }
    let why = match (f.alias_with_own_key, f.login_conflict) {
        (true, true) => Some("an SSH alias with a key of its own, and two logins pinned on the host".into()),
        (true, false) => Some("an SSH alias with a key of its own: another account's".into()),
        (false, true) => Some("another repository pins another login on the host".into()),
        (false, false) => None,
    };
    if needs.contains(&Need::Binding) {
        (Verdict::NeedsBinding, needs, why)
    } else if needs.contains(&Need::Switch) {
        (Verdict::NeedsSwitch, needs, None)
    } else {
        let why = match not_asked {
            NotAsked::Offline => "offline: no request made",
            NotAsked::NotImplemented => "network checks for --all are not implemented yet",
        };
        (Verdict::NotChecked, needs, Some(why.into()))
    }
}

/// The binding rule across repositories: a user name pinned for the host (by the URL
/// or a `credential.<url>.username`) that is a GitHub login, when another repository on
/// the host pins another login (GitHub logins ignore case). One token is one login: a
/// credential stored for one cannot serve the other, so each such repository must be
/// tied to the account whose token it is to get. Names that are not logins (an e-mail
/// address, `x-access-token`) carry any token and take no part. Returns, for each
/// pinned name given, whether it is in conflict.
pub fn needs_binding<'a>(pinned: impl IntoIterator<Item = Option<&'a str>>) -> Vec<bool> {
    let pinned: Vec<Option<String>> =
        pinned.into_iter().map(|p| p.filter(|p| is_plausible_login(p)).map(str::to_ascii_lowercase)).collect();
    let mut distinct: Vec<&str> = pinned.iter().flatten().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let conflict = distinct.len() > 1;
    pinned.iter().map(|p| conflict && p.is_some()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_skips_hidden_folders_dependency_stores_and_caches() {
        for name in ["src", "work", "Library", "pkg", "my.repo", "targets", "vendored"] {
            assert!(enters("home", name), "{name}");
        }
        for name in [".git", ".cache", ".cargo", ".local", "node_modules", "target", "vendor", "__pycache__"] {
            assert!(!enters("home", name), "{name}");
        }
        assert!(!enters("Library", "Caches"));
        assert!(enters("src", "Caches"), "Caches elsewhere is an ordinary folder");
        assert!(!enters("pkg", "mod"));
        assert!(enters("src", "mod"));
    }

    #[test]
    fn depth_is_counted_like_find_maxdepth() {
        assert!(within(0, 0), "the root itself");
        assert!(!within(1, 0));
        assert!(within(6, DEFAULT_MAX_DEPTH));
        assert!(!within(7, DEFAULT_MAX_DEPTH));
    }

    #[test]
    fn a_git_file_names_its_git_dir() {
        assert_eq!(gitdir_of_file("gitdir: /r/.git/worktrees/wt\n"), Some("/r/.git/worktrees/wt"));
        assert_eq!(gitdir_of_file("gitdir: ../.git/modules/sub\r\n"), Some("../.git/modules/sub"));
        assert_eq!(gitdir_of_file("gitdir:\n"), None);
        assert_eq!(gitdir_of_file("ref: refs/heads/main\n"), None);
        assert!(looks_bare(true, true, true));
        assert!(!looks_bare(true, true, false));
    }

    fn on_host() -> Facts {
        Facts { remote: Some(RemotePlace::Host), ..Facts::default() }
    }

    #[test]
    fn verdicts_in_order_of_precedence() {
        let v = |f: &Facts| verdict(f, NotAsked::Offline);
        let broken = Facts { broken: Some("bad config".into()), uses_ssh: true, ..on_host() };
        assert_eq!(v(&broken), (Verdict::Broken, vec![], Some("bad config".into())));
        assert_eq!(v(&Facts::default()).0, Verdict::NotChecked);
        assert_eq!(v(&Facts::default()).2.as_deref(), Some("no remote"));
        let gitlab = Facts { remote: Some(RemotePlace::Elsewhere("gitlab.com".into())), uses_ssh: true, ..on_host() };
        assert_eq!(v(&gitlab), (Verdict::OtherHost, vec![], Some("on gitlab.com".into())));
        let ssh = Facts { uses_ssh: true, ..on_host() };
        assert_eq!(v(&ssh), (Verdict::NeedsSwitch, vec![Need::Switch], None));
        let alias = Facts { uses_ssh: true, alias_with_own_key: true, ..on_host() };
        assert_eq!(v(&alias).0, Verdict::NeedsBinding);
        assert_eq!(v(&alias).1, vec![Need::Switch, Need::Binding]);
        let two = Facts { login_conflict: true, ..on_host() };
        assert_eq!(v(&two).1, vec![Need::Binding]);
        // Offline never says works; online it says why not yet.
        assert_eq!(v(&on_host()).0, Verdict::NotChecked);
        assert_eq!(v(&on_host()).2.as_deref(), Some("offline: no request made"));
        assert!(verdict(&on_host(), NotAsked::NotImplemented).2.unwrap().contains("not implemented"));
    }

    #[test]
    fn problems_are_what_exit_1() {
        let problems: Vec<Verdict> = Verdict::ALL.into_iter().filter(|v| v.is_problem()).collect();
        assert_eq!(problems, [Verdict::Broken, Verdict::NeedsBinding, Verdict::NeedsSwitch, Verdict::NoAccess]);
    }

    #[test]
    fn two_logins_pinned_on_the_host_both_need_binding() {
        assert_eq!(needs_binding([Some("octo"), None, Some("Octo")]), [false, false, false], "one login, any case");
        assert_eq!(needs_binding([Some("octo"), None, Some("octo-work")]), [true, false, true]);
        // Carriers are no login: they take no part.
        assert_eq!(needs_binding([Some("octo"), Some("x-access-token"), Some("me@example.com")]), [false; 3]);
        assert_eq!(needs_binding([None, None]), [false, false]);
    }
}
