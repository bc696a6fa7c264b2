//! The keyring credential helper against a real gnome-keyring (the private D-Bus
//! session of `scripts/test`): every semantic of git's helper test suite through the
//! binary and through `git credential`, a `git push` with the token from the keyring,
//! and the protocol edges (garbage input, unknown operations, argv0 dispatch).

mod edges;
mod matching;
#[cfg(unix)]
mod push;
mod scenarios;
mod setup;
mod writer;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use crate::support::keyring_env;

/// How a scenario reaches the helper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// `git-reauth credential get|store|erase` directly.
    Binary,
    /// `git credential fill|approve|reject` with only our helper configured.
    Git,
}

/// A keyring service of its own (so tests never see each other's entries) and a
/// throwaway HOME.
pub struct Kr {
    pub service: String,
    home: tempfile::TempDir,
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_git-reauth"))
}

impl Kr {
    pub fn new(name: &str) -> Kr {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let service = format!("git-reauth-test-{name}-{}-{nanos}", std::process::id());
        Kr { service, home: tempfile::tempdir().unwrap() }
    }

    /// The sealed environment: own HOME, no system git config, no prompts, the test
    /// keyring's bus and this test's service.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut v = vec![
            ("PATH".to_string(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), self.home.path().display().to_string()),
            ("GIT_CONFIG_NOSYSTEM".into(), "1".into()),
            ("GIT_TERMINAL_PROMPT".into(), "0".into()),
            ("GIT_REAUTH_KEYRING_SERVICE".into(), self.service.clone()),
        ];
        v.extend(keyring_env());
        v
    }

    /// Run `program args` with `input` on stdin in the sealed environment.
    pub fn run(&self, program: &std::path::Path, args: &[&str], input: &[u8]) -> Output {
        let mut c = assert_cmd::Command::new(program);
        c.env_clear().envs(self.env()).current_dir(self.home.path()).args(args).write_stdin(input.to_vec());
        c.timeout(Duration::from_secs(60));
        c.output().unwrap()
    }

    /// `git-reauth credential OP`, started and left running (its stdin is `input`).
    pub fn spawn_helper(&self, op: &str, input: &[u8]) -> std::process::Child {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = std::process::Command::new(binary())
            .env_clear()
            .envs(self.env())
            .current_dir(self.home.path())
            .args(["credential", op])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child
    }

    /// `git-reauth credential OP`.
    pub fn helper(&self, op: &str, input: &[u8]) -> Output {
        self.run(&binary(), &["credential", op], input)
    }

    /// `git credential OP` with our helper as the only one, paths kept (useHttpPath).
    pub fn git(&self, op: &str, input: &str) -> Output {
        self.git_with(&format!("!'{}' credential", binary().display()), op, input.as_bytes())
    }

    /// `git credential OP` with `helper` as the only helper, paths kept (useHttpPath).
    pub fn git_with(&self, helper: &str, op: &str, input: &[u8]) -> Output {
        let helper = format!("credential.helper={helper}");
        let args = ["-c", "credential.helper=", "-c", &helper, "-c", "credential.useHttpPath=true", "credential", op];
        self.run(std::path::Path::new("git"), &args, input)
    }

    /// This test's HOME.
    pub fn home(&self) -> &std::path::Path {
        self.home.path()
    }

    /// Store a credential (`store` / `git credential approve`).
    pub fn approve(&self, via: Via, input: &str) {
        let out = match via {
            Via::Binary => self.helper("store", input.as_bytes()),
            Via::Git => self.git("approve", input),
        };
        quiet_success(&out, "approve");
    }

    /// Forget a credential (`erase` / `git credential reject`).
    pub fn reject(&self, via: Via, input: &str) {
        let out = match via {
            Via::Binary => self.helper("erase", input.as_bytes()),
            Via::Git => self.git("reject", input),
        };
        quiet_success(&out, "reject");
    }

    /// The answer to `get` / `git credential fill`, `None` when nothing is known (git
    /// then wants to prompt, which `GIT_TERMINAL_PROMPT=0` turns into exit 128).
    pub fn fill(&self, via: Via, input: &str) -> Option<Answer> {
        match via {
            Via::Binary => {
                let out = self.helper("get", input.as_bytes());
                quiet_success(&out, "get");
                let text = String::from_utf8(out.stdout).unwrap();
                if text.is_empty() {
                    return None;
                }
                assert!(text.ends_with("\n\n"), "the answer must end with a blank line: {text:?}");
                Some(Answer::parse(&text))
            }
            Via::Git => {
                let out = self.git("fill", input);
                let err = String::from_utf8_lossy(&out.stderr);
                match out.status.code() {
                    Some(0) => {
                        assert!(err.is_empty(), "fill stderr: {err}");
                        Some(Answer::parse(&String::from_utf8(out.stdout).unwrap()))
                    }
                    Some(128) if err.contains("terminal prompts disabled") => None,
                    code => panic!("git credential fill exited {code:?}: {err}"),
                }
            }
        }
    }
}

/// Exit 0, nothing on stderr (any helper diagnostic would show there), no panic.
fn quiet_success(out: &Output, what: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.is_empty(), "{what} exited {:?}: {err}", out.status.code());
}

/// `key=value` lines of an answer.
#[derive(Debug)]
pub struct Answer(pub BTreeMap<String, String>);

impl Answer {
    fn parse(text: &str) -> Answer {
        let mut map = BTreeMap::new();
        for line in text.lines().take_while(|l| !l.is_empty()) {
            let (k, v) = line.split_once('=').unwrap_or_else(|| panic!("not a protocol line: {line:?}"));
            assert!(map.insert(k.to_string(), v.to_string()).is_none(), "duplicate key {k} in {text:?}");
        }
        Answer(map)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// (username, password)
    pub fn user_pass(&self) -> (&str, &str) {
        (self.get("username").unwrap_or("<none>"), self.get("password").unwrap_or("<none>"))
    }
}
