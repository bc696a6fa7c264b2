//! Issue 13, item 4: after `setup --switch-remote` and `undo` every config file is byte
//! for byte what it was (key case, section order, comments, blank lines, repeated
//! values, CRLF line ends), through the real binary against the sandbox; so is it after
//! a rollback in the same run. An entry of the previous journal format still undoes, by
//! value, and says so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::*;

/// `text` with every line ending in CRLF, comments and a blank line added, and after
/// each insteadOf line a second rule value (`gh:`) that setup keeps, so that it must
/// rewrite the rule section (git's unset-all and add lower the key's case and may move it).
fn decorated(text: &str, extra: &str) -> String {
    let mut out = String::from("# Kept by hand: comments, CRLF, camelCase.\n; another comment\n\n");
    for line in text.lines() {
        out.push_str(line);
        out.push('\n');
        if line.to_ascii_lowercase().contains("insteadof") {
            out.push_str("\tinsteadOf = gh:\n\t# the alias stays\n");
        }
    }
    out.push_str(extra);
    out.replace('\n', "\r\n")
}

/// The user's config files, made as a user would keep them.
fn decorate(w: &World) -> Vec<PathBuf> {
    let global = w.ws.home.join(".gitconfig");
    let local = w.ws.repo.join(".git/config");
    let g = std::fs::read_to_string(&global).unwrap();
    std::fs::write(&global, decorated(&g, "\n[alias]\n\tlastOne = log -1  ; trailing\n")).unwrap();
    let l = std::fs::read_to_string(&local).unwrap();
    std::fs::write(&local, decorated(&l, "[branch \"main\"]\n\tpushRemote = origin\n")).unwrap();
    vec![global, local]
}

fn bytes(files: &[PathBuf]) -> BTreeMap<PathBuf, Vec<u8>> {
    files.iter().map(|f| (f.clone(), std::fs::read(f).unwrap())).collect()
}

/// What git reads from one file.
fn listed(file: &Path) -> String {
    let out = std::process::Command::new("git").args(["config", "--file"]).arg(file).arg("--list").output().unwrap();
    assert!(out.status.success(), "git reads {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn world() -> (World, Vec<PathBuf>) {
    let w = World::with(Setup { insteadof_ssh: true, ..Setup::default() });
    let files = decorate(&w);
    assert!(w.git_ok(&["remote", "get-url", "--push", "origin"]).starts_with("git@"));
    (w, files)
}

#[test]
fn setup_then_undo_gives_every_config_file_back_byte_for_byte() {
    let (w, files) = world();
    let before = bytes(&files);
    let lists: Vec<String> = files.iter().map(|f| listed(f)).collect();
    let token = w.good_token();
    w.setup(&token, &["--switch-remote", "--yes"]).success();
    assert!(w.git_ok(&["remote", "get-url", "--push", "origin"]).starts_with("http://"));
    w.git_ok(&["push", "origin", "HEAD:main"]);
    let global = std::fs::read_to_string(&files[0]).unwrap();
    assert!(global.contains("gh:"), "the rule setup keeps stays: {global}");
    assert_ne!(bytes(&files), before, "setup changed both files");
    // The journal holds the line edits, and no secret.
    let entry = std::fs::read_dir(w.state_dir()).unwrap().next().unwrap().unwrap().path();
    let journal = std::fs::read_to_string(&entry).unwrap();
    assert!(journal.contains("\"edits\"") && journal.contains("\"hunks\""), "{journal}");
    assert!(!journal.contains(&token));

    let a = w.cmd(&["undo"]).assert().success();
    let out = stdout(&a);
    assert!(!out.contains("Not byte for byte"), "{out}");
    for (f, b) in &before {
        assert_eq!(
            String::from_utf8_lossy(&std::fs::read(f).unwrap()),
            String::from_utf8_lossy(b),
            "{} is byte for byte what it was",
            f.display()
        );
    }
    let after: Vec<String> = files.iter().map(|f| listed(f)).collect();
    assert_eq!(after, lists, "git reads the files as before");
    assert!(w.git_ok(&["remote", "get-url", "--push", "origin"]).starts_with("git@"));
}

/// An entry written by the previous version (no `edits`) still undoes: the values come
/// back as git reads them, the bytes may not, and undo says so.
#[test]
fn an_entry_of_the_previous_format_undoes_by_value_and_says_so() {
    let (w, files) = world();
    let before = bytes(&files);
    let lists: Vec<String> = files.iter().map(|f| listed(f)).collect();
    w.setup(&w.good_token(), &["--switch-remote", "--yes"]).success();
    let entry = std::fs::read_dir(w.state_dir()).unwrap().next().unwrap().unwrap().path();
    let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&entry).unwrap()).unwrap();
    assert!(json.as_object_mut().unwrap().remove("edits").is_some());
    std::fs::write(&entry, serde_json::to_vec_pretty(&json).unwrap()).unwrap();

    let a = w.cmd(&["undo"]).assert().success();
    let out = stdout(&a);
    assert!(out.contains("Not byte for byte") && out.contains("an entry of an older version"), "{out}");
    let after: Vec<String> = files.iter().map(|f| listed(f)).collect();
    assert_eq!(after, lists, "git reads the same values as before");
    assert!(w.git_ok(&["remote", "get-url", "--push", "origin"]).starts_with("git@"));
    // By value, git's rewrite of the rule section is not taken back: the case of the key.
    assert_ne!(std::fs::read(&files[0]).unwrap(), before[&files[0]]);
}

/// A line setup wrote that the user rewrote since (the same value, spelt otherwise):
/// that file is written back by value (undo says so), the others byte for byte.
#[test]
fn a_file_changed_since_where_setup_edited_it_is_written_back_by_value() {
    let (w, files) = world();
    let before = bytes(&files);
    w.setup(&w.good_token(), &["--switch-remote", "--yes"]).success();
    let global = std::fs::read_to_string(&files[0]).unwrap();
    assert!(global.contains("\tinsteadof = gh:"), "git wrote the kept rule again: {global}");
    std::fs::write(&files[0], global.replace("\tinsteadof = gh:", "  insteadOf=gh:")).unwrap();
    let a = w.cmd(&["undo"]).assert().success();
    let out = stdout(&a);
    assert!(out.contains("Not byte for byte") && out.contains("changed since"), "{out}");
    assert_eq!(std::fs::read(&files[1]).unwrap(), before[&files[1]], "the repository's config is as it was");
    let rules =
        w.git_ok(&["config", "--file", files[0].to_str().unwrap(), "--get-all", "url.git@127.0.0.1:.insteadof"]);
    assert_eq!(rules.lines().collect::<Vec<_>>(), [format!("{}/", w.sandbox.host_url()), "gh:".to_string()]);
}

/// Ctrl-C while the fix is being verified: the rollback in the same run puts both files
/// back byte for byte (it has the exact edits in memory).
#[cfg(unix)]
#[test]
fn a_rollback_in_the_same_run_gives_the_bytes_back() {
    let (w, files) = world();
    let before = bytes(&files);
    let token = w.good_token();
    // Slow enough that verification (a live ls-remote) is still running when it comes.
    w.sandbox.set_latency(std::time::Duration::from_millis(1500));
    let child = w.spawn_setup(&token, &["--yes"], &[]);
    w.wait_for("the rule's removal", std::time::Duration::from_secs(60), || {
        std::fs::read(&files[0]).is_ok_and(|b| b != before[&files[0]])
    });
    assert!(std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    w.sandbox.set_latency(std::time::Duration::ZERO);
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    for (f, b) in &before {
        assert_eq!(std::fs::read(f).unwrap(), *b, "{} is byte for byte what it was", f.display());
    }
}

/// A URL with a token in it: the journal never holds the token, so the line cannot come
/// back byte for byte; undo writes the URL back without it and says both.
#[test]
fn a_line_with_a_secret_is_written_back_without_it_and_undo_says_so() {
    let w = World::broken();
    let secret = format!("ghp_{}", "s5".repeat(18));
    let host = w.sandbox.host_url();
    let with_token = format!("http://{LOGIN}:{secret}@{}/{OWNER}/{REPO}.git", host.trim_start_matches("http://"));
    w.git_ok(&["remote", "set-url", "origin", &with_token]);
    let config = w.ws.repo.join(".git/config");
    w.setup(&w.good_token(), &["--switch-remote", "--yes"]).success();
    assert_eq!(w.git_ok(&["remote", "get-url", "origin"]), format!("{host}/{OWNER}/{REPO}.git"));
    let entry = std::fs::read_dir(w.state_dir()).unwrap().next().unwrap().unwrap().path();
    let journal = std::fs::read_to_string(&entry).unwrap();
    assert!(!journal.contains(&secret), "{journal}");
    let a = w.cmd(&["undo"]).assert().success();
    let out = stdout(&a);
    assert!(out.contains("restored without the secret it held"), "{out}");
    assert!(out.contains("Not byte for byte") && out.contains("held a secret"), "{out}");
    let url = w.git_ok(&["remote", "get-url", "origin"]);
    assert_eq!(url, with_token.replace(&secret, "***"));
    assert!(!std::fs::read_to_string(&config).unwrap().contains(&secret));
}
