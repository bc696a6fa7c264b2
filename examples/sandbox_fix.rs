//! The whole fix, end to end, on the built-in sandbox: a fake GitHub and a real
//! `git http-backend` on loopback, and a throwaway workstation that has the classic
//! problem (the store helper keeps the old account password, origin is SSH).
//!
//!     cargo run --example sandbox_fix
//!
//! Touches nothing of yours: everything lives in a temp dir that is removed at the end.

use std::process::ExitCode;

use git_reauth::commands::Style;
use git_reauth::engine::Deps;
use git_reauth::engine::doctor::{DoctorOpts, doctor};
use git_reauth::engine::setup::{Basis, Fixed, SetupOpts, fix};
use git_reauth::env::Env;
use git_reauth::model::host::HostUrl;
use git_reauth::model::token::Token;
use git_reauth::sandbox::scenario::{Demo, Scenario};
use git_reauth::sandbox::workstation::Workstation;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let s = Style::stdout();
    // The demo's default world: stale password in the store helper, SSH origin.
    let Demo { sandbox, ws, token, .. } = Demo::start(Scenario::After2fa).await?;
    println!("{}", s.bold(&format!("A broken workstation in {}", ws.root.path().display())));
    println!("  origin = {}", git(&ws, &["remote", "get-url", "origin"])?);
    println!("  the store helper holds the old account password\n");

    let deps = Deps::new(Env::isolated(&ws.repo, &ws.env_vars()), HostUrl::parse(&sandbox.host_url())?)?;
    println!("{}", s.bold("1. git-reauth doctor"));
    let d = doctor(&deps, &DoctorOpts::default(), None).await;
    print!("{}", git_reauth::commands::render_diagnosis(&d, s));

    println!("\n{}", s.bold("2. A token is created on the (fake) GitHub"));
    let token = Token::new(token);
    println!("  {}", token.mask());

    println!("\n{}", s.bold("3. git-reauth setup --token-stdin --switch-remote"));
    let opts = SetupOpts { switch_remote: true, ..Default::default() };
    let show = |p: &_| {
        print!("{}", git_reauth::commands::render_plan(p, &deps, s));
        true
    };
    let Fixed::Applied { applied, .. } =
        fix(&deps, &token, Basis::Opts(&opts), &Default::default(), None, show).await?
    else {
        anyhow::bail!("the plan was not applied");
    };
    for v in &applied.verified {
        println!("  {} {v}", s.ok("✓"));
    }

    println!("\n{}", s.bold("4. git push"));
    let push = tokio::task::block_in_place(|| ws.git(&["push", "origin", "HEAD:main"]).output())?;
    print!("{}", String::from_utf8_lossy(&push.stderr));
    anyhow::ensure!(push.status.success(), "git push failed");

    println!("\n{}", s.bold("5. git-reauth doctor"));
    let d = doctor(&deps, &DoctorOpts::default(), None).await;
    print!("{}", git_reauth::commands::render_diagnosis(&d, s));
    anyhow::ensure!(d.healthy, "still unhealthy");
    Ok(())
}

fn git(ws: &Workstation, args: &[&str]) -> anyhow::Result<String> {
    let out = tokio::task::block_in_place(|| ws.git(args).output())?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
