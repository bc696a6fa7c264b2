//! `fix` against the sandbox: the lock is held around the plan, and a plan the user saw
//! is applied only while the setup is still the one it was made from.

use tokio_util::sync::CancellationToken;

use super::*;
use crate::env::Env;
use crate::model::host::HostUrl;
use crate::sandbox::scenario::{Demo, Scenario};

async fn demo() -> (Demo, Deps) {
    let demo = Demo::start(Scenario::After2fa).await.unwrap();
    let env = Env::isolated(&demo.ws.repo, &demo.ws.env_vars());
    let deps = Deps::new(env, HostUrl::parse(&demo.sandbox.host_url()).unwrap()).unwrap().without_keyring();
    (demo, deps)
}

fn origin(demo: &Demo) -> String {
    let out = demo.ws.git(&["remote", "get-url", "origin"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shown_plan_is_applied_only_while_the_setup_is_unchanged() {
    let (demo, deps) = demo().await;
    let token = Token::new(demo.token.clone());
    let opts = SetupOpts { switch_remote: true, ..Default::default() };
    let shown = prepare(&deps, &token, &opts).await.unwrap();
    assert!(shown.switches_remote(), "{:?}", shown.plan);

    // Another program changes the remote after the plan was shown.
    let moved = "ssh://git@127.0.0.1/octo/hello.git";
    assert!(demo.ws.git(&["remote", "set-url", "origin", moved]).status().unwrap().success());
    let cancel = CancellationToken::new();
    let err = fix(&deps, &token, Basis::Shown(&shown), &cancel, None, |_| true).await.unwrap_err();
    assert!(matches!(err, Error::PlanChanged), "{err:?}");
    assert_eq!(origin(&demo), moved, "nothing was changed");
    let journal = crate::engine::journal::Journal::of(deps.env()).unwrap();
    assert!(journal.all().unwrap().is_empty(), "no journal entry for a fix that did not start");

    // The plan made again is the one applied.
    let fresh = prepare(&deps, &token, &opts).await.unwrap();
    let fixed = fix(&deps, &token, Basis::Shown(&fresh), &cancel, None, |_| true).await.unwrap();
    let Fixed::Applied { applied, .. } = fixed else { panic!("not applied") };
    assert_eq!(applied.entry.plan, fresh.plan);
    assert!(origin(&demo).starts_with("http://127.0.0.1:"), "{}", origin(&demo));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lock_is_taken_before_the_plan_and_a_declined_plan_changes_nothing() {
    let (demo, deps) = demo().await;
    let token = Token::new(demo.token.clone());
    let opts = SetupOpts { switch_remote: true, ..Default::default() };
    let cancel = CancellationToken::new();
    // Another run holds the lock: no plan is made (nothing is asked of GitHub).
    let held = exclusive(&deps).await.unwrap();
    let before = demo.sandbox.requests().len();
    let mut asked = false;
    let err = fix(&deps, &token, Basis::Opts(&opts), &cancel, None, |_| {
        asked = true;
        true
    })
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Busy(_)), "{err:?}");
    assert!(!asked, "no plan was shown");
    assert_eq!(demo.sandbox.requests().len(), before, "no request before the lock");
    drop(held);

    // `--dry-run`: the plan is shown and declined; nothing changes.
    let before = origin(&demo);
    let fixed = fix(&deps, &token, Basis::Opts(&opts), &cancel, None, |_| false).await.unwrap();
    assert!(matches!(fixed, Fixed::Previewed(_)));
    assert_eq!(origin(&demo), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_storage_is_planned_from_the_checked_token_without_asking_github() {
    let (demo, deps) = demo().await;
    let token = Token::new(demo.token.clone());
    let opts = SetupOpts { switch_remote: true, ..Default::default() };
    let shown = prepare(&deps, &token, &opts).await.unwrap();
    let requests = demo.sandbox.requests().len();
    let cache = plan_for(&deps, &shown, StoreChoice::Cache).await.unwrap();
    assert_eq!(demo.sandbox.requests().len(), requests, "no request: the token was checked already");
    assert_eq!(cache.store(), StoreChoice::Cache);
    let helper_key = format!("credential.{}.helper", deps.host().base());
    assert!(
        cache.plan.changes.iter().any(
            |c| matches!(c, Change::ConfigKey { key, to, .. } if *key == helper_key && to.iter().any(|v| v.starts_with("cache")))
        ),
        "{:?}",
        cache.plan
    );
    assert_eq!(cache.plan.changes.first(), shown.plan.changes.first(), "the remote switch stays");
    // The demo never uses the OS keyring: that storage is refused, as the screen says.
    let err = plan_for(&deps, &shown, StoreChoice::Keyring).await.unwrap_err();
    assert!(matches!(err, Error::Keyring(_)), "{err:?}");
}
