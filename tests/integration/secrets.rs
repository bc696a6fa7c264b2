//! The token never leaks: not in output, logs, the journal, git config, nor in the
//! arguments or environment of any child process; only in the chosen store.

use std::path::Path;

use crate::support::*;

/// A `git` on PATH that records argv and environment of every call, then runs the real git.
fn git_shim(log: &Path) -> tempfile::TempDir {
    let real = which_git();
    let dir = tempfile::tempdir().unwrap();
    let script = format!(
        "#!/bin/sh\n{{ printf 'ARGV:'; for a in \"$@\"; do printf ' %s' \"$a\"; done; printf '\\nENV:\\n'; env; printf '\\n'; }} >> '{}'\nexec '{}' \"$@\"\n",
        log.display(),
        real
    );
    let path = dir.path().join("git");
    std::fs::write(&path, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

fn which_git() -> String {
    let out = std::process::Command::new("sh").args(["-c", "command -v git"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n == "objects") {
                    continue;
                }
                files_under(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

/// No file under `dirs` (a workstation, a state folder…) holds any of `tokens`, except
/// those in `allowed` (the store the user chose). Returns how many files were read, so a
/// caller can tell the scan saw something.
pub(crate) fn assert_no_token_in_files(dirs: &[&Path], tokens: &[&str], allowed: &[std::path::PathBuf]) -> usize {
    assert!(tokens.iter().all(|t| t.len() >= 20), "real tokens to look for: {tokens:?}");
    let mut files = Vec::new();
    for d in dirs {
        files_under(d, &mut files);
    }
    for p in &files {
        let Ok(bytes) = std::fs::read(p) else { continue };
        for t in tokens {
            let holds = bytes.windows(t.len()).any(|w| w == t.as_bytes());
            assert!(!holds || allowed.contains(p), "{} holds a token", p.display());
        }
    }
    files.len()
}

#[test]
fn the_token_appears_only_in_the_chosen_store() {
    let w = World::broken();
    let token = w.good_token();
    let log_dir = tempfile::tempdir().unwrap();
    let log = log_dir.path().join("git-calls.log");
    let shim = git_shim(&log);
    let path = format!("{}:{}", shim.path().display(), std::env::var("PATH").unwrap());

    let mut outputs = String::new();
    let run = |args: &[&str], stdin: Option<String>, outputs: &mut String| {
        let mut c = w.cmd(args);
        c.env("PATH", &path).env("RUST_LOG", "trace");
        if let Some(s) = stdin {
            c.write_stdin(s);
        }
        let o = c.output().unwrap();
        outputs.push_str(&String::from_utf8_lossy(&o.stdout));
        outputs.push_str(&String::from_utf8_lossy(&o.stderr));
        o.status.code()
    };
    assert_eq!(
        run(&["setup", "--token-stdin", "--switch-remote", "--verbose"], Some(format!("{token}\n")), &mut outputs),
        Some(0)
    );
    assert_eq!(run(&["doctor", "--verbose"], None, &mut outputs), Some(0));
    assert_eq!(run(&["doctor", "--json"], None, &mut outputs), Some(0));
    assert_eq!(run(&["status", "--json"], None, &mut outputs), Some(0));
    assert_eq!(run(&["undo"], None, &mut outputs), Some(0));

    assert!(!outputs.contains(&token), "stdout/stderr/trace logs contain the token");
    assert!(outputs.contains("TRACE") || outputs.contains("DEBUG"), "tracing was really on");

    let calls = std::fs::read_to_string(&log).unwrap();
    // Every git call starts with the settings that keep it from prompting.
    let argv: String = git_reauth::git::NO_PROMPT.iter().map(|c| format!(" -c {c}")).collect();
    assert!(calls.contains(&format!("ARGV:{argv} credential fill\n")), "the shim saw our git calls:\n{calls}");
    assert!(calls.contains(&format!("ARGV:{argv} credential approve\n")), "approve went through git");
    assert!(!calls.contains(&token), "a child process saw the token in argv or environment");

    // Files: only ~/.git-credentials (the store helper the user chose) holds it.
    let mut files = Vec::new();
    files_under(w.ws.root.path(), &mut files);
    let holders: Vec<_> = files
        .iter()
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.windows(token.len()).any(|win| win == token.as_bytes())))
        .collect();
    assert_eq!(holders, vec![&w.ws.home.join(".git-credentials")], "files holding the token");
    // The journal exists and holds no secret.
    let journal: Vec<_> = files.iter().filter(|p| p.starts_with(w.state_dir())).collect();
    assert!(!journal.is_empty(), "a journal was written");
    assert!(assert_no_token_in_files(&[&w.state_dir()], &[&token], &[]) >= 1, "the journal was scanned");
}

#[test]
fn doctor_changes_nothing_even_when_the_saved_password_is_rejected() {
    // git itself erases a rejected credential after a failed fetch; doctor must not.
    let w = World::broken();
    let snap = w.snapshot();
    w.cmd(&["doctor"]).assert().code(1);
    w.cmd(&["status"]).assert().code(1);
    assert_eq!(w.snapshot(), snap);
    assert!(w.filled().contains(PASSWORD));
}
