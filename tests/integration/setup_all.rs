//! `setup --all`: the host's credential once, every SSH clone on the host switched, in
//! one plan shown first, one journal, one undo; each fixable clone then pushes.

use std::path::{Path, PathBuf};

use crate::support::*;

/// A second clone of the sandbox repository (SSH remote) under the work folder.
fn another_clone(w: &World, name: &str, repo: &str, ssh: bool) -> PathBuf {
    w.sandbox.add_repo(OWNER, repo, true, &[LOGIN]).unwrap();
    let dir = w.ws.repo.parent().unwrap().join(name);
    let bare = w.sandbox.repo_path(OWNER, repo);
    let out = w.ws.git(&["clone", "-q"]).arg(&bare).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let host = w.sandbox.host_url().replace("http://", "");
    let ip = host.split(':').next().unwrap().to_string();
    let url = if ssh {
        format!("git@{ip}:{OWNER}/{repo}.git")
    } else {
        format!("{}/{OWNER}/{repo}.git", w.sandbox.host_url())
    };
    git_in(w, &dir, &["remote", "set-url", "origin", &url]);
    std::fs::write(dir.join("more.txt"), name).unwrap();
    git_in(w, &dir, &["add", "."]);
    git_in(w, &dir, &["commit", "-q", "-m", name]);
    dir
}

fn git_in(w: &World, dir: &Path, args: &[&str]) -> String {
    let out = w.ws.git(args).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn every_clone_is_switched_in_one_plan_and_one_undo_reverts_all() {
    let w = World::broken();
    let second = another_clone(&w, "second", "second", true);
    let third = another_clone(&w, "third", "third", false);
    let work = w.ws.repo.parent().unwrap().to_path_buf();
    let configs = [
        w.ws.repo.join(".git/config"),
        second.join(".git/config"),
        third.join(".git/config"),
        w.ws.home.join(".gitconfig"),
    ];
    let bytes = || configs.iter().map(|f| std::fs::read(f).unwrap_or_default()).collect::<Vec<_>>();
    let before = bytes();
    let token = w.good_token();
    let run = |extra: &[&str]| {
        let mut args = vec!["setup", "--all", "--token-stdin", "--switch-remote"];
        args.extend_from_slice(extra);
        args.push(work.to_str().unwrap());
        w.cmd(&args).write_stdin(format!("{token}\n")).assert()
    };
    // The plan first, and nothing changes with --dry-run.
    let a = run(&["--dry-run"]).success();
    let plan = stdout(&a);
    assert!(plan.contains("3 repositories found; 2 switched"), "{plan}");
    assert!(
        plan.contains("/second (octo/second)") && !plan.contains("/third ("),
        "the HTTPS clone needs no switch: {plan}"
    );
    assert_eq!(plan.matches("forget").count(), 1, "the host's credential once: {plan}");
    assert_eq!(bytes(), before, "a dry run changes nothing");

    let a = run(&[]).success();
    let done = stdout(&a);
    assert!(done.contains("One `git-reauth undo` reverts every repository"), "{done}");
    for dir in [&w.ws.repo, &second, &third] {
        let push = w.ws.git(&["push", "-q", "origin", "HEAD:refs/heads/from-all"]).current_dir(dir).output().unwrap();
        assert!(push.status.success(), "push in {}: {}", dir.display(), String::from_utf8_lossy(&push.stderr));
    }
    assert!(!done.contains(&token));
    w.cmd(&["undo"]).assert().success();
    assert_eq!(bytes(), before, "one undo gives every config file back byte for byte");
}

/// Ctrl-C while the host's stale login is being forgotten (the helper hangs on erase),
/// after every clone's remote was switched: all of it is rolled back, every file is as
/// it was, and the exit is 130.
#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_mid_way_rolls_back_every_clone() {
    use std::time::Duration;

    use git_reauth::sandbox::workstation::HelperKind;

    use crate::faults::{helper_that_hangs_on_erase, outlived, sleepers};
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    let secs = helper_that_hangs_on_erase(&w);
    let second = another_clone(&w, "second", "second", true);
    let work = w.ws.repo.parent().unwrap().to_path_buf();
    let configs = [w.ws.repo.join(".git/config"), second.join(".git/config"), w.ws.home.join(".gitconfig")];
    let bytes = || configs.iter().map(|f| std::fs::read(f).unwrap_or_default()).collect::<Vec<_>>();
    let before = bytes();
    let token = w.good_token();
    let mut child = {
        use std::io::Write;
        use std::os::unix::process::CommandExt;
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("git-reauth"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .envs(w.vars())
            .env("GIT_REAUTH_GIT_TIMEOUT_SECS", "300")
            .current_dir(&w.ws.repo)
            .args(["setup", "--all", "--token-stdin", "--switch-remote", work.to_str().unwrap()])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        writeln!(c.stdin.take().unwrap(), "{token}").unwrap();
        c
    };
    w.wait_for("the forget step to hang", Duration::from_secs(60), || !sleepers(&secs).is_empty());
    assert_ne!(bytes(), before, "the clones were switched before the forget step");
    let group = format!("-{}", child.id());
    assert!(std::process::Command::new("kill").args(["-INT", "--", &group]).status().unwrap().success());
    let status = child.wait().unwrap();
    let mut err = String::new();
    use std::io::Read;
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert_eq!(bytes(), before, "every clone's config is as it was, byte for byte");
    assert_eq!(outlived(&[&secs]), Vec::<String>::new(), "the helper outlived the Ctrl-C");
}
