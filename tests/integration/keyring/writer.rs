//! The config that `setup --store keyring` writes is one git can read, whatever the
//! program's path holds, and it leaves a symlinked `~/.gitconfig` a link with its mode,
//! also through `undo` and under umask 000.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use git_reauth::sandbox::workstation::HelperKind;

use crate::support::*;

fn keyring_world() -> (World, Vec<(String, String)>) {
    let w = World::with(Setup { helper: HelperKind::None, ..Setup::default() });
    let mut env = w.keyring_vars();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    env.push(("GIT_REAUTH_KEYRING_SERVICE".into(), format!("git-reauth-test-writer-{nanos}")));
    (w, env)
}

/// Run `program ARGS` in the clone with the world's and the keyring's environment,
/// under `umask`, with `stdin`.
fn run(
    w: &World,
    env: &[(String, String)],
    program: &std::path::Path,
    args: &[&str],
    umask: &str,
    stdin: &str,
) -> std::process::Output {
    let mut c = Command::new("sh");
    c.arg("-c").arg(format!("umask {umask} && exec \"$0\" \"$@\"")).arg(program).args(args);
    c.env_clear().env("PATH", std::env::var_os("PATH").unwrap()).envs(w.vars()).envs(env.iter().map(|(k, v)| (k, v)));
    c.current_dir(&w.ws.repo).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn git_in(w: &World, env: &[(String, String)], args: &[&str]) -> std::process::Output {
    let mut c = w.ws.git(args);
    c.envs(env.iter().map(|(k, v)| (k, v)));
    c.output().unwrap()
}

/// The finding: from a home folder like `/home/o'brien`, libgit2 wrote the helper line
/// unescaped (`fatal: bad config line`, every git command failed); a newline in the path
/// injected config.
#[test]
fn a_program_path_with_an_apostrophe_and_a_newline_gives_config_git_reads_and_push_works() {
    let (w, env) = keyring_world();
    let dir = w.ws.root.path().join("o'brien\n[core]\n\tpager = touch pwned\n");
    std::fs::create_dir_all(&dir).unwrap();
    let program = dir.join("git-reauth");
    std::fs::copy(assert_cmd::cargo::cargo_bin("git-reauth"), &program).unwrap();
    let token = w.good_token();
    let out = run(
        &w,
        &env,
        &program,
        &["setup", "--token-stdin", "--switch-remote", "--store", "keyring"],
        "022",
        &format!("{token}\n"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = git_in(&w, &env, &["config", "--global", "--list"]);
    assert!(list.status.success(), "git reads ~/.gitconfig: {}", String::from_utf8_lossy(&list.stderr));
    let pager = git_in(&w, &env, &["config", "--get", "core.pager"]);
    assert_eq!(pager.status.code(), Some(1), "no core.pager was injected");
    let key = format!("credential.{}.helper", w.sandbox.host_url());
    let values = git_in(&w, &env, &["config", "--global", "-z", "--get-all", &key]).stdout;
    let helper = format!("!'{}' credential", program.display().to_string().replace('\'', r"'\''"));
    assert_eq!(values, format!("\0{helper}\0").into_bytes(), "exactly the two values written");
    // git runs the helper at that path, and the push works with the token it hands out.
    let push = git_in(&w, &env, &["push", "origin", "HEAD:main"]);
    assert!(push.status.success(), "{}", String::from_utf8_lossy(&push.stderr));
    assert_eq!(w.remote_head(), w.git_ok(&["rev-parse", "HEAD"]));
    assert!(!std::fs::read_to_string(w.ws.home.join(".gitconfig")).unwrap().contains(&token));
}

/// The findings: a symlinked `~/.gitconfig` (dotfiles managers) was replaced by a plain
/// file after setup + undo; under umask 000 a keyring setup made a 0644 file 0666.
#[test]
fn a_symlinked_gitconfig_stays_a_link_with_its_mode_through_setup_and_undo() {
    let (w, env) = keyring_world();
    let link = w.ws.home.join(".gitconfig");
    let target = w.ws.home.join("dotfiles/gitconfig");
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::rename(&link, &target).unwrap();
    std::os::unix::fs::symlink("dotfiles/gitconfig", &link).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let original = std::fs::read(&target).unwrap();
    let program = assert_cmd::cargo::cargo_bin("git-reauth");
    let token = w.good_token();

    let out = run(&w, &env, &program, &["setup", "--token-stdin", "--store", "keyring"], "000", &format!("{token}\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert!(std::fs::read_to_string(&target).unwrap().contains("credential"), "the target holds the change");
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o644, "umask 000 widened nothing");

    let out = run(&w, &env, &program, &["undo"], "000", "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "still a link after undo");
    assert_eq!(std::fs::read(&target).unwrap(), original, "undo gives the file back byte for byte");
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o644);
}
