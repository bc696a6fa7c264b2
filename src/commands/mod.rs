//! The command-line face: parse, wire the edges, run the engine, render its report as
//! text or JSON, and turn every failure into one line + a hint + an exit code.

mod all;
mod completions;
mod demo;
mod doctor;
mod man;
mod problem;
mod setup;
mod signals;
mod status;
mod style;
mod undo;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use tokio_util::sync::CancellationToken;

use crate::cli::{Cli, Command};
use crate::engine::Deps;
use crate::env::Env;
use crate::exit;
use crate::model::host::HostUrl;

pub use doctor::render as render_diagnosis;
pub use problem::Problem;
pub use setup::render_plan;
pub use signals::spawn_signal_watch;
pub use style::Style;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    // Before any token is read: no core file may ever hold it.
    crate::harden::forbid_core_dumps();
    // `git-credential-reauth OP` (a link or copy) is the credential helper: no clap, no
    // runtime, nothing on stdout but the protocol.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.first().is_some_and(|argv0| crate::helper::invoked_as_helper(argv0)) {
        return ExitCode::from(crate::helper::main_argv0(&args));
    }
    let cli = Cli::parse_from(args);
    if let Some(Command::Credential(a)) = &cli.command {
        init_tracing(cli.global.verbose, false);
        return ExitCode::from(crate::helper::main(&a.op));
    }
    // While the wizard owns the terminal, logs go to a file.
    init_tracing(cli.global.verbose, cli.command.is_none());
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(exit::PROBLEM);
        }
    };
    let verbose = cli.global.verbose;
    let code = runtime.block_on(run(cli));
    // Child processes are killed on drop; do not wait for stray blocking tasks.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match code {
        Ok(code) => ExitCode::from(code),
        Err(problem) => {
            report(&problem, verbose);
            ExitCode::from(problem.exit_code())
        }
    }
}

fn init_tracing(verbose: bool, wizard: bool) {
    let filter = std::env::var("RUST_LOG").ok().or_else(|| verbose.then(|| "git_reauth=debug".to_string()));
    let Some(filter) = filter else { return };
    let fmt = tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::new(filter));
    if !wizard {
        let _ = fmt.with_writer(std::io::stderr).try_init();
        return;
    }
    let Some(dir) = Env::from_process().ok().and_then(|env| env.state_dir) else { return };
    // In the private state folder, 0600, never through a symlink.
    let path = dir.join("wizard.log");
    let file = crate::env::state::ensure_state_dir(&dir)
        .and_then(|()| crate::env::state::open_file(&path, std::fs::OpenOptions::new().create(true).append(true)));
    if let Ok(file) = file {
        let _ = fmt.with_ansi(false).with_writer(std::sync::Mutex::new(file)).try_init();
    }
}

/// Print a failure: one line, then the hint.
fn report(problem: &Problem, verbose: bool) {
    let s = Style::stderr();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{} {problem}", s.fail("error:"));
    if let Some(h) = problem.hint() {
        let _ = writeln!(err, "{} {h}", s.dim("hint:"));
    }
    if verbose {
        let _ = writeln!(err, "{} {problem:?}", s.dim("detail:"));
    }
}

/// `--host-url`'s default.
const DEFAULT_HOST_URL: &str = "https://github.com";

/// Build the engine's dependencies from this process.
fn deps(host_url: Option<&str>) -> Result<Deps, Problem> {
    let host = HostUrl::parse(host_url.unwrap_or(DEFAULT_HOST_URL)).map_err(|e| Problem::BadHostUrl(e.to_string()))?;
    let env = Env::from_process().map_err(|e| Problem::Other(format!("cannot read the current directory: {e}")))?;
    Deps::new(env, host).map_err(|e| Problem::Other(format!("cannot set up the HTTP client: {e}")))
}

/// Without `--host-url` (and `GIT_REAUTH_HOST_URL`): the host the remote is on, when it
/// is not github.com but answers as GitHub Enterprise Server; else the Deps as they are,
/// with a note on stderr naming the `--host-url` to try. With or without it, a note when
/// an SSH remote's alias could not be resolved for want of `ssh`. For doctor, setup and
/// the wizard.
async fn host_from_remote(deps: Deps, given: bool, remote: Option<&str>) -> Result<Deps, Problem> {
    use crate::engine::detect::{HostGuess, detect_host};
    let found = detect_host(&deps, remote, !given).await;
    let s = Style::stderr();
    let note = |text: String| eprintln!("{} {}", s.dim("note:"), crate::model::text::printable(&text));
    if let Some(alias) = &found.no_ssh {
        note(format!(
            "ssh is not on PATH: `{alias}` is taken as written (an SSH alias in ~/.ssh/config is not resolved)"
        ));
    }
    match found.guess {
        HostGuess::Keep => Ok(deps),
        HostGuess::Enterprise { host, version } => {
            note(format!("{} answers as GitHub Enterprise Server {version}: using it", host.host_port()));
            Deps::new(deps.env().clone(), host)
                .map_err(|e| Problem::Other(format!("cannot set up the HTTP client: {e}")))
        }
        HostGuess::NotGitHub { host, try_url, why } => {
            note(format!(
                "{host} does not answer as GitHub Enterprise Server ({why}); if it is a GitHub host, try --host-url {try_url}"
            ));
            Ok(deps)
        }
    }
}

async fn run(cli: Cli) -> Result<u8, Problem> {
    let Some(command) = cli.command else {
        // Refuse before any set-up work when there is no terminal to draw on.
        if !crate::tui::terminal::has_tty() {
            return Err(Problem::NotATerminal);
        }
        // The host from the remote too (its notes stay on the terminal under the wizard's screen).
        let given = cli.global.host_url.is_some();
        let deps = host_from_remote(deps(cli.global.host_url.as_deref())?, given, None).await?;
        return Ok(crate::tui::run(deps).await?);
    };
    match command {
        Command::Demo(a) => return demo::run(a).await,
        Command::Completions(a) => return completions::run(a),
        Command::Man(a) => return man::run(a),
        _ => {}
    }
    let deps = deps(cli.global.host_url.as_deref())?;
    let given = cli.global.host_url.is_some();
    let deps = match &command {
        Command::Doctor(a) if !a.all => host_from_remote(deps, given, a.remote.as_deref()).await?,
        Command::Setup(a) if !a.all => host_from_remote(deps, given, a.remote.as_deref()).await?,
        _ => deps,
    };
    let cancel = CancellationToken::new();
    spawn_signal_watch(cancel.clone());
    match command {
        // Read-only commands stop at once on Ctrl-C: nothing to roll back.
        Command::Doctor(a) if a.all => until_cancelled(&cancel, all::run(&deps, a)).await,
        Command::Doctor(a) => until_cancelled(&cancel, doctor::run(&deps, a)).await,
        Command::Status(a) => until_cancelled(&cancel, status::run(&deps, a)).await,
        // Undo finishes, or puts back the steps it took, then reports the interruption.
        Command::Undo(a) => undo::run(&deps, a, &cancel).await,
        // Setup finishes or rolls back the step in flight, then reports the interruption.
        Command::Setup(a) => setup::run(&deps, a, &cancel).await,
        // Handled in `main` before the runtime starts, and above.
        Command::Credential(_) | Command::Demo(_) | Command::Completions(_) | Command::Man(_) => Ok(exit::OK),
    }
}

async fn until_cancelled<F: std::future::Future<Output = Result<u8, Problem>>>(
    cancel: &CancellationToken,
    f: F,
) -> Result<u8, Problem> {
    // Biased: once cancelled, a result that git's interruption ended early is not the answer.
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(Problem::Engine(crate::engine::Error::Interrupted)),
        r = f => r,
    }
}

/// Write to stdout; a closed pipe (`| head`) ends quietly.
pub(crate) fn out(text: &str) -> Result<(), Problem> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Problem::Other(format!("cannot write output: {e}"))),
    }
}
