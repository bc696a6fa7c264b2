//! The bare repositories the sandbox serves, made with git plumbing in a clean
//! environment.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

/// A clean environment for the git processes the sandbox runs.
pub(crate) fn git_command(home: &Path) -> Command {
    let mut c = Command::new("git");
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null());
    c
}

fn run_git(mut cmd: Command, input: Option<&[u8]>) -> anyhow::Result<String> {
    use std::io::Write as _;
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if input.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().context("running git")?;
    if let (Some(data), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(data)?;
    }
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("{:?} failed: {}", cmd.get_args().collect::<Vec<_>>(), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `git init --bare -b main` plus one commit made with plumbing (no work tree).
pub(super) fn init_bare_repo(path: &Path, home: &Path, owner: &str, name: &str) -> anyhow::Result<()> {
    let git = |args: &[&str]| {
        let mut c = git_command(home);
        c.args(args)
            .env("GIT_DIR", path)
            .env("GIT_AUTHOR_NAME", owner)
            .env("GIT_AUTHOR_EMAIL", format!("{owner}@users.noreply.github.com"))
            .env("GIT_COMMITTER_NAME", "GitHub")
            .env("GIT_COMMITTER_EMAIL", "noreply@github.com");
        c
    };
    let mut init = git_command(home);
    init.args(["init", "-q", "--bare", "-b", "main"]).arg(path);
    run_git(init, None)?;
    run_git(git(&["config", "http.receivepack", "true"]), None)?;
    let readme = format!("# {name}\n\nA sandbox repository owned by {owner}.\n");
    let blob = run_git(git(&["hash-object", "-w", "--stdin"]), Some(readme.as_bytes()))?;
    let tree = run_git(git(&["mktree"]), Some(format!("100644 blob {blob}\tREADME.md\n").as_bytes()))?;
    let commit = run_git(git(&["commit-tree", &tree, "-m", "Initial commit"]), None)?;
    run_git(git(&["update-ref", "refs/heads/main", &commit]), None)?;
    Ok(())
}
