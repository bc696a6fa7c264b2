//! `update`: the walk through the screens, verification, apply and quitting; feed
//! messages, check state and effects.

use super::fixtures::*;
use crate::engine::Error;
use crate::engine::error::Run;
use crate::engine::setup::ApplyProgress;
use crate::model::diagnosis::{Check, CheckId};
use crate::model::plan::Change;
use crate::tui::app::{Action, ApplyStage, Effect, Msg, RemoteChoice, Screen, Step, VerifyState, start, update};
use crate::tui::secret::SecretBuf;

#[test]
fn start_asks_for_the_diagnosis_and_spins_until_it_arrives() {
    let mut s = fresh();
    let fx = start(&mut s);
    assert!(matches!(fx.as_slice(), [Effect::Diagnose { req: 1 }]));
    assert!(s.busy());
    update(&mut s, Msg::Check { req: 1, check: Check::ok(CheckId::GitVersion, "git 2.47.3") });
    update(&mut s, Msg::Check { req: 1, check: Check::ok(CheckId::GitVersion, "git 2.47.4") });
    assert_eq!(s.checks.len(), 1, "a check is replaced, not added twice");
    assert_eq!(s.checks[0].summary, "git 2.47.4");
    update(&mut s, Msg::Diagnosed { req: 1, diagnosis: diagnosis() });
    assert!(!s.busy());
    assert_eq!(s.checks.len(), CheckId::ALL.len());
    update(&mut s, Msg::Tick);
    assert_eq!(s.spinner, 1);
    update(&mut s, Msg::Resize(61, 17));
    assert_eq!(s.size, (61, 17));
}

#[test]
fn replies_to_other_requests_are_dropped() {
    let mut s = fresh();
    start(&mut s);
    update(&mut s, Msg::Observed { req: 7, local: local() });
    update(&mut s, Msg::Check { req: 7, check: Check::ok(CheckId::GitVersion, "stale") });
    update(&mut s, Msg::Diagnosed { req: 7, diagnosis: healthy() });
    assert!(s.local.is_none() && s.checks.is_empty() && s.diagnosis.is_none());
    assert!(s.busy());

    // Verify: Esc aborts the request, and its late reply changes nothing.
    let mut s = diagnosed();
    let req = verify_req(&mut s);
    let fx = act(&mut s, Action::Back);
    assert!(matches!(fx.as_slice(), [Effect::Abort { req: r }] if *r == req));
    assert_eq!(s.screen, Screen::Paste);
    update(&mut s, Msg::Verified { req, result: Ok(Box::new(prepared())) });
    assert!(s.verify.prepared().is_none());
    assert!(matches!(s.verify, VerifyState::Idle));
    assert_eq!(s.screen, Screen::Paste);
}

#[test]
fn enter_walks_forward_and_esc_walks_back() {
    let mut s = diagnosed();
    act(&mut s, Action::Forward);
    assert_eq!(s.screen, Screen::Create);
    act(&mut s, Action::Forward);
    assert_eq!(s.screen, Screen::Paste);
    act(&mut s, Action::Back);
    assert_eq!(s.screen, Screen::Create);
    act(&mut s, Action::Back);
    assert_eq!(s.screen, Screen::Diagnosis);
    assert!(act(&mut s, Action::Back).is_empty());
    assert_eq!(s.screen, Screen::Diagnosis, "Esc on the first screen stays");
}

#[test]
fn the_field_takes_typing_pastes_and_edits_only_on_paste() {
    let mut s = diagnosed();
    update(&mut s, Msg::Input('x'));
    update(&mut s, Msg::Paste(SecretBuf::from_text("ghp_x")));
    assert!(s.field.is_empty(), "nothing reaches the field outside the Paste screen");
    s.screen = Screen::Paste;
    update(&mut s, Msg::Paste(SecretBuf::from_text(&format!("{}\r\n", fake_token()))));
    assert_eq!(s.field.expose(), fake_token(), "a copied trailing newline is dropped");
    update(&mut s, Msg::Input('!'));
    assert!(s.field.expose().ends_with('!'));
    act(&mut s, Action::Backspace);
    assert_eq!(s.field.expose(), fake_token());
    act(&mut s, Action::ClearField);
    assert!(s.field.is_empty());
    // A line break inside stays: the lint line must say so.
    update(&mut s, Msg::Paste(SecretBuf::from_text("ghp_abc\ndef")));
    assert!(crate::model::token::lint(s.field.expose()).fatal().is_some());
}

#[test]
fn enter_refuses_what_cannot_be_a_token_and_verifies_a_token() {
    let mut s = diagnosed();
    s.screen = Screen::Paste;
    s.field = SecretBuf::from_text("hunter2");
    assert!(act(&mut s, Action::Forward).is_empty());
    assert_eq!(s.screen, Screen::Paste);
    assert!(s.field_refused && s.notice.is_some());
    update(&mut s, Msg::Input('x'));
    assert!(!s.field_refused && s.notice.is_none(), "editing clears the refusal");

    let req = verify_req(&mut s);
    assert_eq!(s.screen, Screen::Verify);
    assert!(matches!(s.verify, VerifyState::Running { .. }));
    assert_eq!(s.verify.running(), Some(req));
    assert_eq!(s.verify.token().map(|t| t.expose()), Some(fake_token().as_str()));
    // The remote is SSH, so prepare is asked to switch it.
    let mut s2 = diagnosed();
    s2.screen = Screen::Paste;
    s2.field = SecretBuf::from_text(&fake_token());
    let fx = act(&mut s2, Action::Forward);
    assert!(matches!(fx.as_slice(), [Effect::Verify { switch_remote: Some(true), .. }]));
}

#[test]
fn a_passed_verification_leads_to_remote_when_the_plan_switches_it() {
    let mut s = diagnosed();
    let req = verify_req(&mut s);
    assert!(act(&mut s, Action::Forward).is_empty(), "Enter waits while verifying");
    assert_eq!(s.screen, Screen::Verify);
    update(&mut s, Msg::Verified { req, result: Ok(Box::new(prepared())) });
    assert!(matches!(s.verify, VerifyState::Passed { .. }));
    act(&mut s, Action::Forward);
    assert_eq!(s.screen, Screen::Remote);
    act(&mut s, Action::Forward);
    assert_eq!(s.screen, Screen::Credentials);
    act(&mut s, Action::Back);
    assert_eq!(s.screen, Screen::Remote);
    act(&mut s, Action::Back);
    assert_eq!(s.screen, Screen::Verify);
}

#[test]
fn outside_a_repository_remote_is_skipped() {
    let mut s = diagnosed();
    let req = verify_req(&mut s);
    update(&mut s, Msg::Verified { req, result: Ok(Box::new(prepared_host_only())) });
    act(&mut s, Action::Forward);
    assert_eq!(s.screen, Screen::Credentials);
    act(&mut s, Action::Back);
    assert_eq!(s.screen, Screen::Verify);
}

#[test]
fn keep_ssh_drops_the_remote_change_from_what_is_applied() {
    let mut s = at(Screen::Remote);
    assert_eq!(s.remote_choice, RemoteChoice::SwitchToHttps, "switching is the default");
    act(&mut s, Action::Down);
    assert_eq!(s.remote_choice, RemoteChoice::KeepSsh);
    act(&mut s, Action::Forward);
    assert_eq!(s.screen, Screen::Credentials);
    let effective = s.effective().unwrap();
    assert!(!effective.plan.changes.iter().any(|c| matches!(c, Change::RemoteUrl { .. })));
    assert!(effective.notes.iter().any(|n| n.contains("keeps SSH")), "{:?}", effective.notes);
    let fx = act(&mut s, Action::Forward);
    match fx.as_slice() {
        [Effect::Apply { prepared, .. }] => {
            assert_eq!(prepared.plan.changes.len(), 2);
            assert!(!prepared.switches_remote());
        }
        other => panic!("expected Apply, got {other:?}"),
    }
    // The original plan is kept: going back and choosing HTTPS restores the change.
    let mut s = at(Screen::Remote);
    act(&mut s, Action::Down);
    act(&mut s, Action::Up);
    act(&mut s, Action::Forward);
    assert!(s.effective().unwrap().switches_remote());
}

#[test]
fn failures_explain_and_offer_the_way_back() {
    // SSO: the link opens with `o`, `r` checks again, Esc returns to an empty field.
    let mut s = diagnosed();
    let req = verify_req(&mut s);
    let url = "https://github.com/orgs/acme/sso?authorization_request=abc".to_string();
    let problem = Error::SsoRequired { repo: "acme/hello".into(), url: Some(url.clone()) };
    update(&mut s, Msg::Verified { req, result: Err(problem) });
    let VerifyState::Failed { failure: f, .. } = &s.verify else { panic!("not failed: {:?}", s.verify) };
    assert_eq!(f.step, Some(Step::Sso));
    assert_eq!(f.sso_url.as_deref(), Some(url.as_str()));
    assert!(act(&mut s, Action::Forward).is_empty(), "no forward from a failure");
    let fx = act(&mut s, Action::Open);
    assert!(matches!(fx.as_slice(), [Effect::OpenUrl(u)] if *u == url));
    let fx = act(&mut s, Action::Recheck);
    let again = match fx.as_slice() {
        [Effect::Verify { req: r, .. }] => *r,
        other => panic!("{other:?}"),
    };
    assert_ne!(again, req);
    update(&mut s, Msg::Verified { req, result: Ok(Box::new(prepared())) });
    assert!(matches!(s.verify, VerifyState::Running { .. }), "the first reply is stale now");
    update(&mut s, Msg::Verified { req: again, result: Err(Error::TokenRejected) });
    act(&mut s, Action::Back);
    assert_eq!(s.screen, Screen::Paste);
    assert!(s.field.is_empty(), "the rejected token is not kept in the field");
    assert!(s.verify.token().is_none());

    // Missing scope: `n` goes to Create for a classic token; read-only: fine-grained.
    for (problem, fine) in [
        (Error::MissingScope { needed: "repo".into(), have: "gist".into(), create_url: "u".into() }, false),
        (Error::ReadOnly { repo: "octo/hello".into(), create_url: "u".into() }, true),
    ] {
        let mut s = diagnosed();
        s.fine_grained = !fine;
        let req = verify_req(&mut s);
        update(&mut s, Msg::Verified { req, result: Err(problem) });
        act(&mut s, Action::NewToken);
        assert_eq!(s.screen, Screen::Create);
        assert_eq!(s.fine_grained, fine);
        assert!(s.field.is_empty());
    }
}

#[test]
fn apply_ticks_off_then_reaches_done_and_exits_0() {
    let mut s = at(Screen::Credentials);
    let fx = act(&mut s, Action::Forward);
    let req = match fx.as_slice() {
        [Effect::Apply { req, prepared, token }] => {
            assert_eq!(token.expose(), fake_token());
            assert_eq!(prepared.plan.changes.len(), 3);
            *req
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(s.screen, Screen::Apply);
    assert!(s.busy());
    assert!(act(&mut s, Action::Back).is_empty());
    assert_eq!(s.screen, Screen::Apply, "no going back while applying");
    update(&mut s, Msg::Progress { req: req + 1, step: ApplyProgress::Changed(2) });
    assert_eq!(s.apply.changed, 0, "stale progress is dropped");
    for i in 0..3 {
        update(&mut s, Msg::Progress { req, step: ApplyProgress::Changed(i) });
    }
    update(&mut s, Msg::Progress { req, step: ApplyProgress::Verified("fill".into()) });
    assert_eq!((s.apply.changed, s.apply.verified.len()), (3, 1));
    update(&mut s, Msg::Applied { req, result: Ok(Box::new(applied(&prepared()))) });
    assert_eq!(s.screen, Screen::Done);
    assert!(!s.busy());
    assert_eq!(quit_code(&act(&mut s, Action::Forward)), Some(0));
    assert_eq!(quit_code(&act(&mut s, Action::Quit)), Some(0));
    assert_eq!(quit_code(&act(&mut s, Action::Interrupt)), Some(0), "Done was reached");
}

#[test]
fn a_failed_apply_explains_and_goes_back_to_credentials() {
    let mut s = at(Screen::Credentials);
    let req = match act(&mut s, Action::Forward).as_slice() {
        [Effect::Apply { req, .. }] => *req,
        other => panic!("{other:?}"),
    };
    update(&mut s, Msg::Progress { req, step: ApplyProgress::Changed(0) });
    let problem = Error::OtherCredentialFirst { helper: "cache".into() };
    assert!(update(&mut s, Msg::Applied { req, result: Err(problem) }).is_empty());
    assert_eq!(s.screen, Screen::Apply);
    assert!(s.apply.failure().is_some_and(|f| f.message.contains("cache still answers")));
    act(&mut s, Action::Back);
    assert_eq!(s.screen, Screen::Credentials);
    assert!(s.apply.failure().is_none());
    assert_eq!(quit_code(&act(&mut s, Action::Quit)), Some(1));
}

#[test]
fn quitting_before_done_exits_1_and_ctrl_c_exits_130() {
    let mut s = fresh();
    start(&mut s);
    let fx = act(&mut s, Action::Quit);
    assert!(matches!(fx.as_slice(), [Effect::CancelAll, Effect::Quit(1)]), "{fx:?}");
    let mut s = fresh();
    start(&mut s);
    assert_eq!(quit_code(&act(&mut s, Action::Interrupt)), Some(130));
    for screen in [Screen::Create, Screen::Paste, Screen::Verify, Screen::Remote, Screen::Credentials] {
        assert_eq!(quit_code(&act(&mut at(screen), Action::Quit)), Some(1), "{screen:?}");
        assert_eq!(quit_code(&act(&mut at(screen), Action::Interrupt)), Some(130), "{screen:?}");
    }
    // A healthy setup has nothing to fix: quitting there is a success.
    let mut s = fresh();
    start(&mut s);
    update(&mut s, Msg::Diagnosed { req: 1, diagnosis: healthy() });
    assert_eq!(quit_code(&act(&mut s, Action::Quit)), Some(0));
}

#[test]
fn ctrl_c_during_apply_waits_for_the_rollback() {
    let interrupted =
        || Error::Stopped { cause: Box::new(Error::Interrupted), run: Run::Fix, changed: true, leftovers: vec![] };
    for (result, code) in [(Err(interrupted()), 130), (Ok(()), 0)] {
        let mut s = at(Screen::Credentials);
        let req = match act(&mut s, Action::Forward).as_slice() {
            [Effect::Apply { req, .. }] => *req,
            other => panic!("{other:?}"),
        };
        let fx = act(&mut s, Action::Interrupt);
        assert!(matches!(fx.as_slice(), [Effect::CancelAll]), "no quit while applying: {fx:?}");
        assert!(matches!(s.apply.stage, ApplyStage::Running { quit_when_done: Some(130), .. }));
        let result = result.map(|()| Box::new(applied(&prepared())));
        let fx = update(&mut s, Msg::Applied { req, result });
        assert_eq!(quit_code(&fx), Some(code));
    }
}

#[test]
fn a_plan_that_no_longer_holds_is_checked_again_not_applied() {
    let mut s = at(Screen::Credentials);
    let req = match act(&mut s, Action::Forward).as_slice() {
        [Effect::Apply { req, .. }] => *req,
        other => panic!("{other:?}"),
    };
    let fx = update(&mut s, Msg::Applied { req, result: Err(Error::PlanChanged) });
    assert_eq!(s.screen, Screen::Verify, "back to the token's check, which makes the plan again");
    assert!(matches!(fx.as_slice(), [Effect::Verify { .. }]), "{fx:?}");
    assert!(matches!(s.verify, VerifyState::Running { .. }));
    assert!(s.apply.failure().is_none() && s.apply.running().is_none());
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("changed")), "{:?}", s.notice);
}

/// The finding (issue 14): below 50×12 the wizard showed only "enlarge the terminal"
/// yet acted on keys: Enter, a paste and Enter ×4 at 40×10 changed the remote and the
/// credentials unseen.
#[test]
fn a_terminal_too_small_to_show_the_screens_takes_no_key_but_quit() {
    let mut s = diagnosed();
    update(&mut s, Msg::Resize(40, 10));
    assert!(s.too_small());
    let mut fx = act(&mut s, Action::Forward);
    fx.extend(act(&mut s, Action::Forward));
    fx.extend(update(&mut s, Msg::Paste(SecretBuf::from_text(&fake_token()))));
    for _ in 0..4 {
        fx.extend(act(&mut s, Action::Forward));
    }
    for a in [Action::Back, Action::Open, Action::Copy, Action::Down, Action::PasteDemo, Action::Recheck] {
        fx.extend(act(&mut s, a));
    }
    assert!(fx.is_empty(), "no effect of any kind: {fx:?}");
    assert_eq!(s.screen, Screen::Diagnosis, "no screen was left");
    assert!(s.field.is_empty(), "the paste went nowhere");
    // Big enough again, the same keys work; quitting always works.
    update(&mut s, Msg::Resize(80, 24));
    act(&mut s, Action::Forward);
    assert_eq!(s.screen, Screen::Create);
    update(&mut s, Msg::Resize(40, 10));
    assert_eq!(quit_code(&act(&mut s, Action::Quit)), Some(1));
    assert_eq!(quit_code(&act(&mut s, Action::Interrupt)), Some(130));
}
