//! `git-reauth demo`: the wizard on a built-in sandbox. Everything lives in a throwaway
//! folder with its own HOME and git config, passed to the engine explicitly; the
//! user's own HOME, git config, helpers and keyring are never read or written.

use crate::cli::DemoArgs;
use crate::engine::Deps;
use crate::env::Env;
use crate::exit;
use crate::model::host::HostUrl;
use crate::sandbox::scenario::{Demo, Scenario};

use super::{Problem, out};

pub fn list() -> String {
    let width = Scenario::ALL.iter().map(|s| s.name().len()).max().unwrap_or(0);
    let mut text = String::from("Scenarios (git-reauth demo --scenario NAME):\n");
    for s in Scenario::ALL {
        text.push_str(&format!("  {:width$}  {}\n", s.name(), s.about()));
    }
    text
}

pub async fn run(args: DemoArgs) -> Result<u8, Problem> {
    if args.list {
        out(&list())?;
        return Ok(exit::OK);
    }
    let scenario = Scenario::parse(&args.scenario).ok_or_else(|| {
        Problem::Other(format!("no scenario named `{}`; see `git-reauth demo --list`", args.scenario))
    })?;
    if !crate::tui::terminal::has_tty() {
        return Err(Problem::NotATerminal);
    }
    let demo = Demo::start(scenario).await.map_err(|e| Problem::Other(format!("cannot start the sandbox: {e:#}")))?;
    let host = HostUrl::parse(&demo.sandbox.host_url()).map_err(|e| Problem::Other(e.to_string()))?;
    let env = Env::isolated(&demo.ws.repo, &demo.ws.env_vars());
    let deps = Deps::new(env, host)
        .map_err(|e| Problem::Other(format!("cannot set up the HTTP client: {e}")))?
        .without_keyring();
    let result = crate::tui::run_with(deps, Some(demo.token.clone())).await;
    // Stop the sandbox (and its git processes); dropping the demo removes the folder
    // and stops a credential-cache daemon the fix may have started.
    let Demo { sandbox, ws, .. } = demo;
    sandbox.shutdown().await;
    let root = ws.root.path().to_path_buf();
    tokio::task::spawn_blocking(move || drop(ws)).await.ok();
    if root.exists() {
        return Err(Problem::Other(format!("could not remove the demo folder {}", root.display())));
    }
    Ok(result?)
}
