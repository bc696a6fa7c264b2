//! Decide the changes of a fix: the remote switch (and the insteadOf rules that would
//! undo it), forgetting the stale login, and storing the token where the user chose.

use crate::engine::{Deps, Error};
use crate::git::{InsteadOfRule, read_values};
use crate::model::account::Account;
use crate::model::helpers::HelperEntry;
use crate::model::plan::{Change, Plan};
use crate::model::remote::{self, Transport};
use crate::model::scrub::{scrub, scrub_all};
use crate::model::storage::StoreChoice;

use super::{RepoTarget, SetupOpts};

/// The changes and the notes that go with them. Pure apart from reading the config
/// files the rules live in.
pub(super) fn make(
    deps: &Deps,
    account: &Account,
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
            let config = t.repo.config_file.clone();
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
            changes.extend(drop_ssh_rules(deps, &https, rules, &mut notes)?);
        } else if v.uses_ssh() {
            notes.push(format!(
                "{} uses SSH, so git will not use the token for it; add --switch-remote to switch it to {https}",
                v.info.name
            ));
        } else if v.embeds_secret {
            notes.push(format!("{}'s URL contains a secret; add --switch-remote to remove it", v.info.name));
        }
    }
    // Forget first, while the user's helpers still answer for the host.
    changes.push(Change::ForgetCredential {
        protocol: deps.host.scheme().into(),
        host: deps.host.host_port(),
        username: None,
    });
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
        protocol: deps.host.scheme().into(),
        host: deps.host.host_port(),
        username: account.login.clone(),
        via,
    });
    Ok((Plan { changes }, notes))
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
        // git names a repository's own config file relative to the folder it ran in.
        let file = deps.env.cwd.join(file);
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
