//! Running git on a leash. git runs the user's credential helpers, and they are
//! programs we know nothing about: one may prompt, hang, fork and leave a grandchild
//! holding the pipes, or write gigabytes. So every git child
//! - is told never to prompt (the environment of [`crate::env::Env::apply`] and
//!   [`NO_PROMPT`]),
//! - has its output read up to a cap, the rest drained and dropped ([`Limits`]),
//! - runs in a process group of its own (Unix), which is killed as a whole on the
//!   timeout and when the run is dropped (doctor ended by Ctrl-C, a wizard task
//!   cancelled). A terminal's Ctrl-C goes to its foreground group, which git is no
//!   longer in: the program's signal handler passes it on with [`signal_running`].

use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use super::{Git, GitError};

/// Config given to every git run with `-c` (git hands it to the helpers it runs in
/// `GIT_CONFIG_PARAMETERS`), on top of the environment of [`crate::env::Env::apply`]:
/// - `core.askPass=`: an empty program is never run (git's prompt.c), so git's GUI or
///   script prompt of the user's config is never shown (`GIT_ASKPASS=""` says the same
///   in the environment, and wins over it);
/// - `credential.interactive=never`: git 2.46+ and Git Credential Manager ask nothing;
/// - `credential.guiPrompt=false`: GCM shows no window.
pub const NO_PROMPT: [&str; 3] = ["core.askPass=", "credential.interactive=never", "credential.guiPrompt=false"];

/// How much of a child's output is kept.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub stdout: usize,
    pub stderr: usize,
}

impl Limits {
    /// Any git command: 1 MB of each.
    pub const DEFAULT: Limits = Limits { stdout: 1 << 20, stderr: 1 << 20 };
    /// `git credential …`: an answer is a few lines.
    pub const CREDENTIAL: Limits = Limits { stdout: 64 << 10, stderr: 1 << 20 };
}

/// How long the output pipes are still read after git has exited (a process it started
/// may keep them open; git's own output is in the pipe already).
const DRAIN_AFTER_EXIT: Duration = Duration::from_secs(1);

/// The output of one git run.
#[derive(Debug)]
pub struct Output {
    pub ok: bool,
    pub code: Option<i32>,
    /// At most [`Limits::stdout`] bytes.
    pub stdout: Vec<u8>,
    /// True when stdout had more than that (the rest was dropped).
    pub stdout_cut: bool,
    /// As git wrote it, control characters included: show it only through
    /// [`crate::model::text`]. At most [`Limits::stderr`] bytes, then a line
    /// `(output cut at 1 MB)` when there was more.
    pub stderr: String,
}

/// Up to `cap` bytes of a pipe, read to its end; what is beyond the cap is counted
/// and dropped, so a child never blocks on a full pipe and memory stays bounded.
#[derive(Debug)]
struct Capped {
    kept: Vec<u8>,
    cap: usize,
    dropped: u64,
}

impl Capped {
    fn new(cap: usize) -> Capped {
        Capped { kept: Vec::new(), cap, dropped: 0 }
    }

    async fn fill(&mut self, pipe: Option<impl AsyncRead + Unpin>) {
        let Some(mut pipe) = pipe else { return };
        let mut buf = vec![0u8; 16 << 10];
        while let Ok(n) = pipe.read(&mut buf).await {
            if n == 0 {
                break;
            }
            let room = self.cap - self.kept.len();
            self.kept.extend_from_slice(&buf[..n.min(room)]);
            self.dropped += n.saturating_sub(room) as u64;
        }
    }
}

/// `1 MB`, `64 KB`, `512 bytes`.
fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KB", b >> 10),
        b => format!("{b} bytes"),
    }
}

impl Git {
    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = self.leashed(&self.env.git);
        for c in NO_PROMPT {
            cmd.args(["-c", c]);
        }
        cmd.args(args);
        cmd
    }

    /// `program` with the Env's environment, no stdin, piped output, in a process group
    /// of its own, killed on drop: the leash of every child, git or not.
    fn leashed(&self, program: &std::path::Path) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(program);
        self.env.apply(&mut cmd);
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        #[cfg(unix)]
        cmd.process_group(0);
        cmd
    }

    /// Run another program than git (`ssh -G`) on the same leash as git: the Env's
    /// environment, no stdin, `limits` on its output, the git timeout, its own process
    /// group. A program that is not there is [`GitError::Missing`].
    pub async fn run_program(
        &self,
        program: &std::path::Path,
        args: &[&str],
        limits: Limits,
    ) -> Result<Output, GitError> {
        let mut cmd = self.leashed(program);
        cmd.args(args);
        let shown = format!("{} {}", program.display(), args.join(" "));
        self.run_command(cmd, &shown, None, limits).await
    }

    /// Run git; `input` goes to stdin (the only way a secret ever reaches git).
    pub async fn run(
        &self,
        args: &[&str],
        input: Option<&[u8]>,
        extra_env: &[(&str, &str)],
    ) -> Result<Output, GitError> {
        self.run_limited(args, input, extra_env, Limits::DEFAULT).await
    }

    /// [`Git::run`] keeping at most `limits` of its output.
    pub async fn run_limited(
        &self,
        args: &[&str],
        input: Option<&[u8]>,
        extra_env: &[(&str, &str)],
        limits: Limits,
    ) -> Result<Output, GitError> {
        let mut cmd = self.command(args);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        self.run_command(cmd, &args.join(" "), input, limits).await
    }

    /// Spawn a leashed command, feed it `input`, collect its capped output until it
    /// exits or the timeout; `args` names it in errors.
    async fn run_command(
        &self,
        mut cmd: tokio::process::Command,
        args: &str,
        input: Option<&[u8]>,
        limits: Limits,
    ) -> Result<Output, GitError> {
        let shown = || crate::model::text::printable(args);
        if input.is_some() {
            cmd.stdin(Stdio::piped());
        }
        let mut child = cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => GitError::Missing,
            _ => GitError::Spawn(e),
        })?;
        let mut group = Group::new(child.id());
        let (mut out, mut err) = (Capped::new(limits.stdout), Capped::new(limits.stderr));
        let timeout = self.env.git_timeout;
        let deadline = tokio::time::Instant::now() + timeout;
        let status = collect(&mut child, &mut group, input, (&mut out, &mut err), deadline).await?;
        let Some(status) = status else {
            // Out of time, git still running: end it and everything it started.
            group.kill();
            let _ = child.start_kill();
            let _ = child.wait().await;
            group.done();
            return Err(GitError::Timeout { args: shown(), secs: timeout.as_secs() });
        };
        if killed_by_interrupt(&status) {
            return Err(GitError::Interrupted { args: shown() });
        }
        let mut stderr = String::from_utf8_lossy(&err.kept).into_owned();
        if err.dropped > 0 {
            stderr.push_str(&format!("\n(output cut at {})", size(err.cap)));
        }
        Ok(Output { ok: status.success(), code: status.code(), stdout: out.kept, stdout_cut: out.dropped > 0, stderr })
    }
}

/// Feed `input` to git, read its pipes and wait for it, until it has exited and closed
/// them (or [`DRAIN_AFTER_EXIT`] after it exited: a process it started may hold them),
/// or until `deadline`: `None` then, git still running.
async fn collect(
    child: &mut tokio::process::Child,
    group: &mut Group,
    input: Option<&[u8]>,
    (out, err): (&mut Capped, &mut Capped),
    deadline: tokio::time::Instant,
) -> Result<Option<ExitStatus>, GitError> {
    let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    let feed = async {
        // A helper that exits early closes the pipe; that is not our error.
        if let (Some(data), Some(mut stdin)) = (input, stdin) {
            let _ = stdin.write_all(data).await;
        }
    };
    let pipes = async { tokio::join!(feed, out.fill(stdout), err.fill(stderr)) };
    tokio::pin!(pipes);
    let (mut pipes_done, mut status, mut until) = (false, None, deadline);
    loop {
        // Unbiased: a flood on the pipes must not starve the clock.
        tokio::select! {
            _ = &mut pipes, if !pipes_done => pipes_done = true,
            s = child.wait(), if status.is_none() => {
                status = Some(s.map_err(GitError::Spawn)?);
                group.done();
                until = tokio::time::Instant::now() + DRAIN_AFTER_EXIT;
            }
            _ = tokio::time::sleep_until(until) => return Ok(status),
        }
        if pipes_done && status.is_some() {
            return Ok(status);
        }
    }
}

/// The process groups of the git runs in flight (Unix).
#[cfg(unix)]
static RUNNING: std::sync::Mutex<Vec<libc::pid_t>> = std::sync::Mutex::new(Vec::new());

#[cfg(unix)]
fn running() -> std::sync::MutexGuard<'static, Vec<libc::pid_t>> {
    RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Send `signal` to every git run in flight and to what it started. For the program's
/// own Ctrl-C, SIGTERM and SIGHUP handler, once it has noted the interruption (so
/// whoever sees git die of it already knows why). A no-op off Unix.
#[cfg_attr(not(unix), allow(unused_variables))]
pub fn signal_running(signal: i32) {
    #[cfg(unix)]
    for &pgid in running().iter() {
        // SAFETY: killpg only sends a signal, to a group led by a git we have not
        // waited for yet (see `Group`).
        unsafe { libc::killpg(pgid, signal) };
    }
}

/// git's process group (Unix), listed in [`RUNNING`] until git has been waited for
/// (then its id may be reused, and the group is never signalled again); killed when
/// the run ends before git does. There is a moment between tokio's wait and
/// [`Group::done`] when a reaped git is still listed; an id is reused only after the
/// system has gone through every other one, so nothing else can have it by then.
struct Group {
    #[cfg(unix)]
    pgid: Option<libc::pid_t>,
}

impl Group {
    fn new(pid: Option<u32>) -> Group {
        #[cfg(unix)]
        {
            let pgid = pid.and_then(|p| libc::pid_t::try_from(p).ok());
            running().extend(pgid);
            Group { pgid }
        }
        #[cfg(not(unix))]
        {
            let _ = pid;
            Group {}
        }
    }

    /// git has been waited for, or the run is over: never signal the group again.
    fn done(&mut self) {
        #[cfg(unix)]
        if let Some(pgid) = self.pgid.take() {
            running().retain(|p| *p != pgid);
        }
    }

    /// SIGKILL to git and everything it started, unless git was waited for.
    fn kill(&self) {
        #[cfg(unix)]
        if let Some(pgid) = self.pgid {
            // SAFETY: as in `signal_running`.
            unsafe { libc::killpg(pgid, libc::SIGKILL) };
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
        self.done();
    }
}

/// True when the process died of SIGINT, SIGTERM or SIGHUP.
#[cfg(unix)]
fn killed_by_interrupt(status: &ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal().is_some_and(|s| [libc::SIGINT, libc::SIGTERM, libc::SIGHUP].contains(&s))
}

#[cfg(not(unix))]
fn killed_by_interrupt(_: &ExitStatus) -> bool {
    false
}

/// A [`Git`] whose program is a script, for the tests of this module.
#[cfg(test)]
pub(super) fn fake_git(dir: &std::path::Path, timeout: Duration) -> Git {
    use crate::env::Env;
    // A "git" that skips the `-c key=value` pairs and runs its last argument with sh.
    let script = dir.join("fake-git");
    std::fs::write(&script, "#!/bin/sh\nwhile [ \"$1\" = -c ]; do shift 2; done\nexec sh -c \"$1\"\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let mut env = Env::isolated(dir, &[]);
    env.git = script;
    env.git_timeout = timeout;
    Git::new(env)
}
