//! The key tables, the storage choices and what Debug output may show: feed keys and
//! messages, check state and effects.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::fixtures::*;
use crate::engine::Error;
use crate::model::diagnosis::CheckId;
use crate::tui::app::{Action, Effect, Msg, Screen, update};
use crate::tui::keys;

#[test]
fn create_offers_open_copy_and_fine_grained() {
    let mut s = at(Screen::Create);
    let classic = s.create_url();
    assert!(classic.contains("scopes=repo,workflow") && classic.contains("git-reauth%20on%20laptop"), "{classic}");
    let fx = act(&mut s, Action::Copy);
    assert!(matches!(fx.as_slice(), [Effect::CopyUrl(u)] if *u == classic));
    act(&mut s, Action::FineGrained);
    let fine = s.create_url();
    assert!(fine.contains("target_name=octo") && fine.contains("contents=write"), "{fine}");
    let fx = act(&mut s, Action::Open);
    assert!(matches!(fx.as_slice(), [Effect::OpenUrl(u)] if *u == fine));
    update(&mut s, Msg::Opened { result: Err("no browser".into()) });
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("copy the URL")));
    act(&mut s, Action::FineGrained);
    assert_eq!(s.create_url(), classic);
}

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

#[test]
fn keys_map_per_screen_and_the_status_bar_lists_them() {
    let none = KeyModifiers::NONE;
    let q = key(KeyCode::Char('q'), none);
    let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let s = at(Screen::Create);
    assert!(matches!(keys::to_msg(&s, &q), Some(Msg::Action(Action::Quit))));
    assert!(keys::to_msg(&s, &key(KeyCode::Char('x'), none)).is_none());
    let s = at(Screen::Paste);
    assert!(matches!(keys::to_msg(&s, &q), Some(Msg::Input('q'))), "q is text in the field");
    assert!(matches!(keys::to_msg(&s, &key(KeyCode::Char('o'), none)), Some(Msg::Input('o'))));
    assert!(matches!(keys::to_msg(&s, &key(KeyCode::Backspace, none)), Some(Msg::Action(Action::Backspace))));
    let mut release = key(KeyCode::Enter, none);
    release.kind = KeyEventKind::Release;
    assert!(keys::to_msg(&s, &release).is_none());
    for screen in Screen::ALL {
        let s = at(screen);
        assert!(matches!(keys::to_msg(&s, &ctrl_c), Some(Msg::Action(Action::Interrupt))), "{screen:?}");
        let hints = keys::hints(&s);
        assert!(hints.iter().any(|(_, l)| l.contains("quit")), "{screen:?}: {hints:?}");
        // Every hint is a key that works.
        for b in keys::bindings(&s).iter().filter(|b| !b.hidden) {
            let ev = match b.key {
                keys::Key::Enter => key(KeyCode::Enter, none),
                keys::Key::Esc => key(KeyCode::Esc, none),
                keys::Key::Char(c) => key(KeyCode::Char(c), none),
                keys::Key::Ctrl(c) => key(KeyCode::Char(c), KeyModifiers::CONTROL),
                keys::Key::Up => key(KeyCode::Up, none),
                keys::Key::Down => key(KeyCode::Down, none),
                keys::Key::Backspace => key(KeyCode::Backspace, none),
                keys::Key::PageUp => key(KeyCode::PageUp, none),
                keys::Key::PageDown => key(KeyCode::PageDown, none),
                keys::Key::Home => key(KeyCode::Home, none),
                keys::Key::End => key(KeyCode::End, none),
            };
            assert!(matches!(keys::to_msg(&s, &ev), Some(Msg::Action(a)) if a == b.action), "{screen:?} {b:?}");
        }
    }
    let s = at(Screen::Paste);
    let hints = keys::hints(&s);
    assert!(hints.iter().any(|(k, _)| k == "Ctrl-C"), "Ctrl-C is listed where q is text: {hints:?}");
}

#[test]
fn the_token_never_shows_in_debug_output() {
    let mut s = at(Screen::Credentials);
    let fx = act(&mut s, Action::Forward);
    let text = format!("{s:?} {fx:?}");
    assert!(!text.contains(&fake_token()), "token leaked into Debug");
    assert!(!text.contains("SECRETsecret"), "part of the token leaked into Debug");
}

/// Issue 14: moving the storage choice did not update "What will change", and Enter on
/// another choice went back to Verify; an unavailable keyring showed as a token check.
#[test]
fn the_preview_follows_the_storage_choice_and_an_unavailable_keyring_is_shown_beside_it() {
    use crate::model::keyring::{KeyringUnavailable, Reason};
    use crate::model::storage::StoreChoice as Engine;
    let mut s = at(Screen::Credentials);
    assert_eq!(s.store_choices().len(), 4, "helper, keyring, cache and file are offered");
    let fx = act(&mut s, Action::Down);
    let req = match fx.as_slice() {
        [Effect::Plan { req, store: Engine::Keyring, .. }] => *req,
        other => panic!("expected the keyring's plan to be made, got {other:?}"),
    };
    assert_eq!(s.screen, Screen::Credentials, "the screen stays");
    assert!(s.busy(), "the plan is being made");
    // Enter applies only what the screen shows: nothing while the plan is made.
    assert!(act(&mut s, Action::Forward).is_empty());
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("working out")), "{:?}", s.notice);
    // No keyring here: said beside the choice; Enter refuses it; the token is kept.
    let problem = Error::Keyring(KeyringUnavailable::new(Reason::NoSession, "no bus"));
    update(&mut s, Msg::Planned { req, store: Engine::Keyring, result: Err(problem) });
    assert!(s.store_failure(Engine::Keyring).is_some_and(|f| f.storage));
    assert!(act(&mut s, Action::Forward).is_empty());
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("cannot be used")), "{:?}", s.notice);
    assert!(s.verify.token().is_some() && s.screen == Screen::Credentials);
    // The cache: its plan arrives (a late reply for the keyring is dropped), Enter applies it.
    let fx = act(&mut s, Action::Down);
    let req2 = match fx.as_slice() {
        [Effect::Plan { req, store: Engine::Cache, .. }] => *req,
        other => panic!("{other:?}"),
    };
    let mut p = prepared();
    p.opts.store = Engine::Cache;
    update(&mut s, Msg::Planned { req, store: Engine::Keyring, result: Ok(Box::new(prepared())) });
    assert!(s.planning.is_some(), "a reply to an older request is dropped");
    update(&mut s, Msg::Planned { req: req2, store: Engine::Cache, result: Ok(Box::new(p)) });
    match act(&mut s, Action::Forward).as_slice() {
        [Effect::Apply { prepared, .. }] => assert_eq!(prepared.store(), Engine::Cache),
        other => panic!("expected the cache's plan to be applied, got {other:?}"),
    }
    // Back on the helper's row nothing needs planning: its plan was there from the start.
    let mut s = at(Screen::Credentials);
    act(&mut s, Action::Down);
    assert!(matches!(act(&mut s, Action::Up).as_slice(), [Effect::Abort { .. }]));
    assert!(matches!(act(&mut s, Action::Forward).as_slice(), [Effect::Apply { .. }]));
}

#[test]
fn without_a_helper_the_keyring_comes_first_and_its_failure_falls_back_to_the_cache() {
    use crate::model::diagnosis::Status;
    use crate::model::keyring::{KeyringUnavailable, Reason};
    use crate::model::storage::StoreChoice as Engine;
    let mut s = diagnosed();
    for c in s.checks.iter_mut().filter(|c| c.id == CheckId::CredentialHelper) {
        c.status = Status::Fail;
    }
    assert!(!s.has_helper());
    let names: Vec<Engine> = s.store_choices();
    assert_eq!(names, vec![Engine::Keyring, Engine::Cache, Engine::File], "nothing to replace, no silent plaintext");
    let req = verify_req(&mut s);
    let problem = Error::Keyring(KeyringUnavailable::new(Reason::NoProvider, "no provider"));
    update(&mut s, Msg::Verified { req, result: Err(problem) });
    let fx = act(&mut s, Action::Back);
    assert!(matches!(fx.as_slice(), [Effect::Verify { store: Some(Engine::Cache), .. }]), "{fx:?}");
    assert_eq!(s.store_choices()[s.store_choice], Engine::Cache);
}
