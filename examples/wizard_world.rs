//! A broken workstation on the built-in sandbox, kept alive so the wizard can be driven
//! by hand (or in tmux). Prints a shell script that enters the world and a fresh token;
//! runs until Ctrl-C, then removes everything.
//!
//!     cargo run --example wizard_world -- /tmp/world.sh
//!     bash --rcfile /tmp/world.sh     # then: git-reauth (from target/debug)

use git_reauth::sandbox::workstation::{HelperKind, Workstation, WorkstationSpec};
use git_reauth::sandbox::{Sandbox, SandboxOptions, TokenKindSpec, TokenSpec};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let script = std::env::args().nth(1).unwrap_or_else(|| "world.sh".into());
    let sandbox = Sandbox::start(SandboxOptions::default()).await?;
    sandbox.add_user("octo", "hunter2-old-password");
    sandbox.add_repo("octo", "hello", true, &["octo"])?;
    let spec = WorkstationSpec {
        login: "octo".into(),
        password: "hunter2-old-password".into(),
        owner: "octo".into(),
        repo: "hello".into(),
        ssh_remote: true,
        helper: HelperKind::Store,
        insteadof_ssh: false,
    };
    let ws = tokio::task::block_in_place(|| Workstation::build(&sandbox, &spec))?;
    let token = sandbox.issue_token(TokenSpec {
        login: "octo".into(),
        kind: TokenKindSpec::Classic { scopes: vec!["repo".into(), "workflow".into()] },
        expires_at: Some(chrono::Utc::now() + chrono::Duration::days(90)),
    });
    let mut sh = String::new();
    for (k, v) in ws.env_vars() {
        sh.push_str(&format!("export {k}='{v}'\n"));
    }
    sh.push_str(&format!("export GIT_REAUTH_HOST_URL='{}'\n", sandbox.host_url()));
    sh.push_str(&format!("export TOKEN='{token}'\ncd '{}'\n", ws.repo.display()));
    std::fs::write(&script, sh)?;
    println!("world ready: source {script} (token in $TOKEN); Ctrl-C ends it");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
