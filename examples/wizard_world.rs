//! A broken workstation on the built-in sandbox, kept alive so the wizard can be driven
//! by hand (or in tmux). Prints a shell script that enters the world and a fresh token;
//! runs until Ctrl-C, SIGTERM or SIGHUP, then removes everything.
//!
//!     cargo run --example wizard_world -- /tmp/world.sh
//!     bash --rcfile /tmp/world.sh     # then: git-reauth (from target/debug)

use git_reauth::commands::spawn_signal_watch;
use git_reauth::sandbox::scenario::{Demo, Scenario};
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let script = std::env::args().nth(1).unwrap_or_else(|| "world.sh".into());
    // Before the world exists: a signal from now on ends the wait below, so that the
    // world is dropped (and its folders removed) instead of the process just dying.
    let stop = CancellationToken::new();
    spawn_signal_watch(stop.clone());
    // The demo's default world: stale password in the store helper, SSH origin.
    let Demo { sandbox, ws, token, .. } = Demo::start(Scenario::After2fa).await?;
    let mut sh = String::new();
    for (k, v) in ws.env_vars() {
        sh.push_str(&format!("export {k}='{v}'\n"));
    }
    sh.push_str(&format!("export GIT_REAUTH_HOST_URL='{}'\n", sandbox.host_url()));
    sh.push_str(&format!("export TOKEN='{token}'\ncd '{}'\n", ws.repo.display()));
    std::fs::write(&script, sh)?;
    println!("world ready: source {script} (token in $TOKEN); Ctrl-C ends it");
    stop.cancelled().await;
    Ok(())
}
