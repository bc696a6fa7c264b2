//! Decide the changes of a fix: the remote switch (and the insteadOf rules that would
//! undo it), forgetting the stale login, and storing the token where the user chose.

use crate::engine::identity::source_of;
use crate::engine::{Deps, Error};
use crate::git::{InsteadOfRule, read_values};
use crate::model::account::{Account, Bind, Who};
use crate::model::helpers::{ConfigEntry, HelperEntry};
use crate::model::plan::{Change, Plan};
use crate::model::remote::{self, Transport};
use crate::model::request::{Request, UserSource, request_for};
use crate::model::scrub::{scrub, scrub_all};
use crate::model::storage::StoreChoice;

use super::{RepoTarget, SetupOpts, Stale};

/// What a plan is made from besides the local setup: the token's account, the request
/// git makes for the remote after the fix, the login the helpers hand out for it, and
/// the `credential.*` entries (to check a binding would hold).
pub(super) struct Facts<'a> {
    pub account: &'a Account,
    pub request: &'a Request,
    pub stale: &'a Stale,
    pub entries: &'a [ConfigEntry],
}

/// The changes and the notes that go with them. Pure apart from reading the config
/// files the rules live in.
pub(super) fn make(
    deps: &Deps,
    facts: &Facts<'_>,
    target: Option<&RepoTarget>,
    rules: &[InsteadOfRule],
    chain: &[HelperEntry],
    opts: &SetupOpts,
) -> Result<(Plan, Vec<String>), Error> {
    let mut changes = Vec::new();
    let mut notes = Vec::new();
    if let Some(t) = target {
        let v = &t.view;
        let https = deps.host.repo_url(&v.repo);
        if opts.switch_remote {
            changes.extend(switch(deps, t, rules, &mut notes)?);
        } else if v.uses_ssh() {
            notes.push(format!(
                "{} uses SSH, so git will not use the token for it; add --switch-remote to switch it to {https}",
                v.info.name
            ));
        } else if v.embeds_secret {
            notes.push(format!("{}'s URL contains a secret; add --switch-remote to remove it", v.info.name));
        }
    }
    let account = facts.account;
    let request = facts.request;
    // Whose login git sends, against the token's: a pinned user name, or a working
    // login of another account the helpers hand out (kept, never forgotten).
    let who = match (&request.username, &facts.stale.works_as) {
        (Some(_), _) if request.is_pinned() => Who::of(request.username.as_deref(), &account.login),
        (_, Some(other)) => Who::Other(other.clone()),
        _ => Who::Free,
    };
    let store_user = match &who {
        Who::Free => account.login.clone(),
        Who::Same(name) => name.clone(),
        Who::Carrier(name) => {
            notes.push(format!(
                "git sends the user name {name} for {} (from {}); GitHub takes the token with any user name, so it is stored under {name}",
                request.describe(),
                source_of(request)
            ));
            name.clone()
        }
        Who::Other(other) => {
            bind_or_stop(deps, facts, target, other, opts, &mut changes)?;
            account.login.clone()
        }
    };
    // An SSH alias (`git@github-work:…`) stood for one account; once the remote is
    // HTTPS, the helpers would hand it whichever login answers first for the host.
    // Bind it to the token's account, and say so. `--bind` binds in any case.
    if let (Who::Free, Some(t)) = (&who, target) {
        let switched_alias =
            t.view.alias.as_ref().filter(|_| changes.iter().any(|c| matches!(c, Change::RemoteUrl { .. })));
        let asked = matches!(opts.bind, Bind::Config | Bind::Url);
        if asked || (switched_alias.is_some() && opts.bind != Bind::Never) {
            let how = if opts.bind == Bind::Url { Bind::Url } else { Bind::Config };
            bind(deps, facts, t, how, &mut changes)?;
            if let Some(alias) = switched_alias {
                notes.push(format!(
                    "{} used the SSH alias {} (for {}); over HTTPS it is bound to {}, the token's account",
                    t.view.info.name, alias.name, alias.hostname, account.login
                ));
            }
        }
    }
    // Forget first, while the user's helpers still answer: only the login being
    // replaced (its user name; its password goes with it at apply time). A working
    // login of another account is never forgotten.
    if let (Some(user), false) = (&facts.stale.user, matches!(who, Who::Other(_))) {
        changes.push(Change::ForgetCredential {
            protocol: request.protocol.clone(),
            host: request.host.clone(),
            path: request.path.clone(),
            username: Some(user.clone()),
        });
    }
    let via = match opts.store {
        StoreChoice::Helper => {
            format!("your credential helper ({})", chain.iter().map(|h| h.name()).collect::<Vec<_>>().join(", "))
        }
        other => {
            changes.push(host_helper_change(deps, other)?);
            other.describe().to_string()
        }
    };
    changes.push(Change::StoreCredential {
        protocol: request.protocol.clone(),
        host: request.host.clone(),
        path: request.path.clone(),
        username: store_user,
        via,
    });
    Ok((Plan { changes }, notes))
}

/// Stop on a mismatch unless `--bind` says how to bind; the binding's changes go into
/// `changes` (a planned switch of the same URL carries the new user name).
fn bind_or_stop(
    deps: &Deps,
    facts: &Facts<'_>,
    target: Option<&RepoTarget>,
    other: &str,
    opts: &SetupOpts,
    changes: &mut Vec<Change>,
) -> Result<(), Error> {
    let request = facts.request;
    let by_helper = !request.is_pinned();
    let what = target.map(|t| t.view.info.name.clone()).unwrap_or_else(|| deps.host.host_port());
    let mismatch = || Error::AccountMismatch {
        pinned: other.into(),
        source_of: if by_helper {
            "the login your credential helper hands out, which still works".into()
        } else {
            source_of(request)
        },
        login: facts.account.login.clone(),
        target: what.clone(),
        by_helper,
    };
    match (target, opts.bind) {
        (Some(t), how @ (Bind::Config | Bind::Url)) => bind(deps, facts, t, how, changes),
        _ => Err(mismatch()),
    }
}

/// The changes that bind the repository to the token's account (`how`: a local
/// `credential.<host>.username`, or the user name in the remote URL), checked with git's
/// own rules on the config as it would be: refused when the binding would not change
/// what git sends.
fn bind(deps: &Deps, facts: &Facts<'_>, t: &RepoTarget, how: Bind, changes: &mut Vec<Change>) -> Result<(), Error> {
    let (request, login) = (facts.request, &facts.account.login);
    let v = &t.view;
    let push = v.info.pushurl.is_some();
    let current = if push { v.info.pushurl.clone() } else { v.info.url.clone() };
    // The URL the remote will have after a planned switch, or has now.
    let planned = changes.iter().position(|c| matches!(c, Change::RemoteUrl { push: p, .. } if *p == push));
    let url = match planned.map(|i| &changes[i]) {
        Some(Change::RemoteUrl { to: Some(to), .. }) => to.clone(),
        _ => current.clone().unwrap_or_else(|| v.info.effective_push.clone()),
    };
    let mut entries = facts.entries.to_vec();
    let new_url = match how {
        Bind::Url => with_user(&url, Some(login)),
        // The URL's user name wins over any config: it goes.
        _ if request.user_source == Some(UserSource::Url) => with_user(&url, None),
        _ => url.clone(),
    };
    if new_url != url {
        match planned {
            Some(i) => {
                if let Change::RemoteUrl { to, .. } = &mut changes[i] {
                    *to = Some(new_url.clone());
                }
            }
            None => changes.push(Change::RemoteUrl {
                config: v
                    .info
                    .file_to_change(push, &t.repo.config_file)
                    .map_err(|why| Error::Git(crate::git::GitError::Repo(why)))?,
                remote: v.info.name.clone(),
                push,
                from: current.as_deref().map(scrub),
                to: Some(new_url.clone()),
            }),
        }
    }
    if how == Bind::Config {
        let key = format!("credential.{}.username", deps.host.base());
        let file = t.repo.config_file.clone();
        let from = read_values(&file, &key)?;
        // As git would read it: the repository's entry after the system and global ones.
        let origin = format!("file:{}", file.display());
        entries.retain(|e| !(e.key.eq_ignore_ascii_case(&key) && e.scope == "local"));
        let at = entries.iter().position(|e| e.scope == "worktree" || e.scope == "command").unwrap_or(entries.len());
        entries.insert(
            at,
            ConfigEntry { scope: "local".into(), origin, key: key.clone(), value: login.clone(), bare: false },
        );
        changes.push(Change::ConfigKey { file, key, from: scrub_all(&from), to: vec![login.clone()] });
    }
    let after = request_for(&new_url, &entries).map_err(Error::CredentialConfig)?;
    if !after.username.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(login)) {
        return Err(Error::BindWouldNotHold {
            target: v.info.name.clone(),
            login: login.clone(),
            sends: after.username.clone().unwrap_or_default(),
            source_of: source_of(&after),
        });
    }
    Ok(())
}

/// `url` with its user name set (`None`: taken out); a URL that is not
/// `scheme://…` is returned as it is.
fn with_user(url: &str, user: Option<&str>) -> String {
    let Ok(mut u) = url::Url::parse(url) else { return url.to_string() };
    if u.set_username(user.unwrap_or("")).is_err() || u.set_password(None).is_err() {
        return url.to_string();
    }
    u.to_string()
}

/// The changes that switch `t`'s remote (its url and pushurl) to HTTPS in the files
/// git reads them from, and drop the insteadOf rules that would turn it back into SSH.
pub(super) fn switch(
    deps: &Deps,
    t: &RepoTarget,
    rules: &[InsteadOfRule],
    notes: &mut Vec<String>,
) -> Result<Vec<Change>, Error> {
    let v = &t.view;
    let https = deps.host.repo_url(&v.repo);
    let config = t.repo.config_file.clone();
    let mut changes = Vec::new();
    for (push, current) in [(false, &v.info.url), (true, &v.info.pushurl)] {
        let Some(cur) = current else { continue };
        let wanted = remote::to_https(cur, &deps.host).unwrap_or_else(|| https.clone());
        if &wanted != cur {
            changes.push(Change::RemoteUrl {
                config: v
                    .info
                    .file_to_change(push, &config)
                    .map_err(|why| Error::Git(crate::git::GitError::Repo(why)))?,
                remote: v.info.name.clone(),
                push,
                // Recorded without a token the URL may hold: the plan is shown and
                // journaled, and applied while the URL, scrubbed, is this one.
                from: Some(scrub(cur)),
                to: Some(wanted),
            });
        }
    }
    changes.extend(drop_ssh_rules(deps, &t.repo.workdir, &https, rules, notes)?);
    Ok(changes)
}

/// Make the chosen helper the only one for this host, exactly as gh does for its own:
/// `credential.<base>.helper = ""` (reset the inherited list) then the helper. The
/// user's helpers for other hosts stay as they are.
fn host_helper_change(deps: &Deps, store: StoreChoice) -> Result<Change, Error> {
    let file = crate::git::global_config_file(&deps.env).ok_or(Error::NoGlobalConfig)?;
    let key = format!("credential.{}.helper", deps.host.base());
    let helper = store.helper_value(deps.env.program.as_deref()).ok_or(Error::NoProgram)?;
    // A helper command may carry a token (`!GH_TOKEN=… gh auth git-credential`).
    let from = scrub_all(&read_values(&file, &key)?);
    Ok(Change::ConfigKey { file, key, from, to: vec![String::new(), helper] })
}

/// ConfigKey changes removing insteadOf rules that would turn `https` back into SSH.
fn drop_ssh_rules(
    deps: &Deps,
    top: &std::path::Path,
    https: &str,
    rules: &[InsteadOfRule],
    notes: &mut Vec<String>,
) -> Result<Vec<Change>, Error> {
    let mut changes: Vec<Change> = Vec::new();
    for r in rules {
        if !https.starts_with(&r.rule.prefix) {
            continue;
        }
        let rewritten = format!("{}{}", r.rule.base, &https[r.rule.prefix.len()..]);
        if !remote::parse(&rewritten).is_ok_and(|u| u.transport == Transport::Ssh) {
            continue;
        }
        let Some(file) = r.entry.origin.strip_prefix("file:") else {
            notes.push(format!(
                "{} = {} is set on the command line or in the environment; remove it there",
                r.entry.key, r.rule.prefix
            ));
            continue;
        };
        // git names a repository's own config file relative to the top of the work tree
        // (`file:.git/config`, from any subfolder), or to the folder it ran in when
        // GIT_DIR says where the repository is.
        let base = if deps.env.var("GIT_DIR").is_some_and(|d| !d.is_empty()) { deps.env.cwd.as_path() } else { top };
        let file = base.join(file);
        if changes
            .iter()
            .any(|c| matches!(c, Change::ConfigKey { file: f, key, .. } if f == &file && key == &r.entry.key))
        {
            continue;
        }
        let from = read_values(&file, &r.entry.key)?;
        // The rules that stay are written back as they are (the journal scrubs them).
        let to: Vec<String> = from.iter().filter(|v| !https.starts_with(v.as_str())).cloned().collect();
        changes.push(Change::ConfigKey { file, key: r.entry.key.clone(), from: scrub_all(&from), to });
    }
    Ok(changes)
}
