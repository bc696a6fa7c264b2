//! Another login than the token's: the wizard says so before changing anything and
//! offers to bind the repository (`b`: its own config, `u`: the remote URL), then checks
//! again with that choice; a new token asks again.

use super::fixtures::*;
use crate::engine::Error;
use crate::model::account::Bind;
use crate::tui::app::{Action, Effect, Msg, Screen, VerifyState, update};
use crate::tui::keys::bindings;

fn mismatch() -> Error {
    Error::AccountMismatch {
        pinned: "work-bot".into(),
        source_of: "the remote URL".into(),
        login: "octo".into(),
        target: "origin".into(),
        by_helper: false,
    }
}

#[test]
fn a_mismatch_offers_to_bind_and_checks_again_with_the_choice() {
    let mut s = diagnosed();
    let req = verify_req(&mut s);
    update(&mut s, Msg::Verified { req, result: Err(mismatch()) });
    let VerifyState::Failed { failure: f, .. } = &s.verify else { panic!("not failed: {:?}", s.verify) };
    assert_eq!(f.bind.as_deref(), Some("octo"));
    assert!(f.hint.as_deref().is_some_and(|h| h.contains("press b") && h.contains("octo")), "{f:?}");
    let keys: Vec<_> = bindings(&s).into_iter().map(|b| b.action).collect();
    assert!(keys.contains(&Action::Bind(Bind::Config)) && keys.contains(&Action::Bind(Bind::Url)), "{keys:?}");
    assert!(act(&mut s, Action::Forward).is_empty(), "no forward from a mismatch");

    let fx = act(&mut s, Action::Bind(Bind::Url));
    assert!(matches!(fx.as_slice(), [Effect::Verify { bind: Bind::Url, .. }]), "{fx:?}");
    assert_eq!(s.screen, Screen::Verify);

    // Another failure offers no binding, and a new token asks again.
    let mut s = diagnosed();
    let req = verify_req(&mut s);
    update(&mut s, Msg::Verified { req, result: Err(Error::TokenRejected) });
    assert!(act(&mut s, Action::Bind(Bind::Config)).is_empty(), "nothing to bind");
    s.bind = Bind::Config;
    let fx = act(&mut s, Action::Back);
    assert!(fx.is_empty() || !fx.iter().any(|e| matches!(e, Effect::Verify { .. })));
    let _ = verify_req(&mut s);
    assert_eq!(s.bind, Bind::Ask, "a new token: the binding is asked again");
}
