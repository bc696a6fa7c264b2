//! A real terminal for end-to-end tests: tmux on a private socket runs the real binary;
//! tests type and paste like a person and read the screen with `capture-pane`, polling
//! with a deadline.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::*;

pub const DEADLINE: Duration = Duration::from_secs(30);

/// One tmux server on its own socket; killed on drop, even when the test fails.
pub struct Tmux {
    sock: PathBuf,
    _dir: tempfile::TempDir,
    /// Every screen read so far (none may contain the token).
    seen: Vec<String>,
}

pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl Tmux {
    /// Start the wizard in `dir` with the world's environment in a `w`×`h` window. The
    /// pane stays open after the wizard exits and shows its exit code and `stty -a`.
    pub fn start(world: &World, dir: &Path, w: u16, h: u16) -> Tmux {
        Tmux::run(dir, &world.vars(), &[], w, h)
    }

    /// Run the binary with `args` in `dir` with exactly `vars` (plus PATH and TERM).
    pub fn run(dir: &Path, vars: &[(String, String)], args: &[&str], w: u16, h: u16) -> Tmux {
        Tmux::run_wrapped(dir, vars, &[], args, w, h)
    }

    /// [`Tmux::run`] with the binary started through `wrapper` (e.g. strace).
    pub fn run_wrapped(dir: &Path, vars: &[(String, String)], wrapper: &[&str], args: &[&str], w: u16, h: u16) -> Tmux {
        let tmp = tempfile::tempdir().unwrap();
        let sock = tmp.path().join("sock");
        let mut env = format!("PATH={}", quote(&std::env::var("PATH").unwrap()));
        for (k, v) in vars {
            env.push_str(&format!(" {k}={}", quote(v)));
        }
        let args: Vec<String> = args.iter().map(|a| quote(a)).collect();
        let script = format!(
            "cd {dir}\nenv -i {env} TERM=xterm-256color {wrapper} {bin} {args}\necho \"EXIT=$?\"\necho \"STTY $(stty -a | tr '\\n' ' ')\"\nsleep 60\n",
            dir = quote(&dir.display().to_string()),
            wrapper = wrapper.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" "),
            bin = quote(env!("CARGO_BIN_EXE_git-reauth")),
            args = args.join(" "),
        );
        let run = tmp.path().join("run.sh");
        std::fs::write(&run, script).unwrap();
        let t = Tmux { sock, _dir: tmp, seen: Vec::new() };
        let (ws, hs) = (w.to_string(), h.to_string());
        let sh = format!("sh {}", quote(&run.display().to_string()));
        t.tmux(&["-f", "/dev/null", "new-session", "-d", "-s", "wiz", "-x", &ws, "-y", &hs, &sh]);
        t
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-S").arg(&self.sock).args(args).env_remove("TMUX").output().unwrap();
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "wiz"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// Bracketed paste, as a terminal does it.
    pub fn paste(&self, text: &str) {
        self.tmux(&["set-buffer", "-b", "tok", "--", text]);
        self.tmux(&["paste-buffer", "-p", "-d", "-b", "tok", "-t", "wiz"]);
    }

    pub fn screen(&mut self) -> String {
        let s = self.tmux(&["capture-pane", "-p", "-t", "wiz"]);
        self.seen.push(s.clone());
        s
    }

    /// Poll the screen until `f` holds; the screen that matched.
    pub fn wait(&mut self, what: &str, f: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if f(&s) {
                return s;
            }
            assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}; the screen:\n{s}");
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    pub fn wait_for(&mut self, text: &str) -> String {
        self.wait(text, |s| s.contains(text))
    }

    /// Wait for the wizard to exit; its code, after checking the terminal is sane again.
    pub fn exit_code(&mut self) -> i32 {
        let s = self.wait("the wizard to exit", |s| s.contains("EXIT=") && s.contains("STTY"));
        let code = s.split("EXIT=").nth(1).and_then(|r| r.split_whitespace().next()).unwrap();
        let stty = s.split("STTY").nth(1).unwrap();
        let words: Vec<&str> = stty.split_whitespace().collect();
        assert!(words.contains(&"icanon") && words.contains(&"echo"), "terminal not restored: {stty}");
        assert_eq!(
            self.tmux(&["display", "-p", "-t", "wiz", "#{alternate_on}"]).trim(),
            "0",
            "still on the alternate screen"
        );
        code.parse().unwrap()
    }

    pub fn assert_never_showed(&self, secret: &str) {
        assert!(!secret.is_empty());
        for s in &self.seen {
            assert!(!s.contains(secret), "the token was on the screen:\n{s}");
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-S").arg(&self.sock).arg("kill-server").output();
    }
}
