//! How the wizard moves: what each key does on each screen, going forward (verify, plan
//! again for another storage, apply), going back, and quitting. Part of `update`: no I/O.

use super::*;

pub(super) fn applied(state: &mut State, req: Req, result: Result<Box<Applied>, Error>) -> Vec<Effect> {
    let ApplyStage::Running { req: running, quit_when_done } = state.apply.stage else {
        return vec![];
    };
    if running != req {
        return vec![];
    }
    let ok = result.is_ok();
    match result {
        Ok(a) => {
            state.apply.stage = ApplyStage::Applied(a);
            state.go(Screen::Done);
            // The demo proves the fix with a real push to the sandbox.
            if let Some(d) = state.demo.as_mut()
                && quit_when_done.is_none()
            {
                d.push = Some(PushState::Running);
                return vec![Effect::Push];
            }
        }
        // The setup changed after the plan was shown (nothing was changed): check again,
        // so the user sees the plan that would really be applied.
        Err(e) if matches!(e.cause(), Error::PlanChanged) && quit_when_done.is_none() => {
            state.apply = ApplyState::default();
            state.go(Screen::Verify);
            let fx = verify(state);
            state.notice = Some("the setup changed since the plan was shown: here is the new one".into());
            return fx;
        }
        Err(e) => state.apply.stage = ApplyStage::Failed(Failure::from(&e)),
    }
    match quit_when_done {
        // The fix went through after all: it is applied and confirmed.
        Some(_) if ok => vec![Effect::Quit(exit::OK)],
        Some(code) => vec![Effect::Quit(code)],
        None => vec![],
    }
}

pub(super) fn action(state: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::Quit => quit(state, exit::PROBLEM),
        Action::Interrupt => quit(state, exit::INTERRUPTED),
        Action::Forward => forward(state),
        Action::Back => back(state),
        Action::Open => match state.screen {
            Screen::Create => open(state, state.create_url()),
            Screen::Verify => match state.verify.failure().and_then(|f| f.sso_url.clone()) {
                Some(u) => open(state, u),
                None => vec![],
            },
            _ => vec![],
        },
        Action::Copy if state.screen == Screen::Create => {
            state.notice = Some("sent to the clipboard (OSC 52); if nothing arrived, select the URL".into());
            vec![Effect::CopyUrl(state.create_url())]
        }
        Action::FineGrained if state.screen == Screen::Create => {
            state.fine_grained = !state.fine_grained;
            state.notice = None;
            vec![]
        }
        Action::Recheck if state.screen == Screen::Verify && state.verify.failure().is_some() => verify(state),
        Action::Bind(how)
            if state.screen == Screen::Verify && state.verify.failure().is_some_and(|f| f.bind.is_some()) =>
        {
            state.bind = how;
            verify(state)
        }
        Action::NewToken if state.screen == Screen::Verify => {
            if let Some(f) = state.verify.failure() {
                state.fine_grained = f.fine_grained;
                state.field.clear();
                state.verify = VerifyState::Idle;
                state.go(Screen::Create);
            }
            vec![]
        }
        Action::Up | Action::Down => {
            match state.screen {
                Screen::Remote => {
                    state.remote_choice = match state.remote_choice {
                        RemoteChoice::SwitchToHttps => RemoteChoice::KeepSsh,
                        RemoteChoice::KeepSsh => RemoteChoice::SwitchToHttps,
                    }
                }
                Screen::Credentials => {
                    let n = state.store_choices().len().max(1);
                    state.store_choice =
                        if a == Action::Down { (state.store_choice + 1) % n } else { (state.store_choice + n - 1) % n };
                    // The preview follows the choice: its plan is made as the cursor moves.
                    return plan_for_choice(state);
                }
                _ => {}
            }
            vec![]
        }
        Action::Scroll(s) => {
            state.scroll_by(s);
            vec![]
        }
        Action::Backspace if state.screen == Screen::Paste => {
            state.field.pop();
            edited(state);
            vec![]
        }
        Action::PasteDemo if state.screen == Screen::Paste => {
            if let Some(d) = &state.demo {
                state.field = SecretBuf::from_text(&d.token);
                edited(state);
            }
            vec![]
        }
        Action::ClearField if state.screen == Screen::Paste => {
            state.field.clear();
            edited(state);
            vec![]
        }
        _ => vec![],
    }
}

pub(super) fn edited(state: &mut State) {
    state.field_refused = false;
    state.notice = None;
}

fn open(state: &mut State, url: String) -> Vec<Effect> {
    state.inflight.open = true;
    state.notice = Some("opening the browser…".into());
    vec![Effect::OpenUrl(url)]
}

/// `q` (code 1) or Ctrl-C (130). A running apply is cancelled and quits when it has
/// finished or rolled back; reaching Done (or a healthy setup) makes it a success.
fn quit(state: &mut State, code: u8) -> Vec<Effect> {
    if let ApplyStage::Running { quit_when_done, .. } = &mut state.apply.stage {
        *quit_when_done = Some(code);
        state.notice = Some("stopping: undoing the changes made so far…".into());
        return vec![Effect::CancelAll];
    }
    let code = if state.screen == Screen::Done || (state.screen == Screen::Diagnosis && state.healthy()) {
        exit::OK
    } else {
        code
    };
    let mut fx = Vec::new();
    if state.busy() {
        fx.push(Effect::CancelAll);
    }
    fx.push(Effect::Quit(code));
    fx
}

fn forward(state: &mut State) -> Vec<Effect> {
    match state.screen {
        Screen::Diagnosis => state.go(Screen::Create),
        Screen::Create => state.go(Screen::Paste),
        Screen::Paste => {
            // Exactly what `setup --token-stdin` accepts.
            let Ok(token) = accept(state.field.expose()) else {
                state.field_refused = true;
                state.notice = Some("this cannot be a token yet: see the line under the field".into());
                return vec![];
            };
            state.go(Screen::Verify);
            // A new token: a binding chosen for the last one is asked again.
            state.bind = crate::model::account::Bind::Ask;
            return check(state, token);
        }
        Screen::Verify if state.verify.prepared().is_some() => {
            state.remote_choice = RemoteChoice::SwitchToHttps;
            if state.shows_remote() {
                state.go(Screen::Remote);
            } else {
                to_credentials(state);
            }
        }
        Screen::Remote => to_credentials(state),
        Screen::Credentials => {
            let (Some(prepared), Some(token)) = (state.effective(), state.verify.token().cloned()) else {
                return vec![];
            };
            // Enter applies what the screen shows; a choice whose plan is not made (yet,
            // or cannot be) says so and applies nothing.
            let wanted = state.store_choices().get(state.store_choice).copied();
            if let Some(wanted) = wanted.filter(|w| *w != prepared.store()) {
                state.notice = Some(match state.store_failure(wanted) {
                    Some(f) => format!("this storage cannot be used here: {}", f.message),
                    None => "working out the plan for this choice…".into(),
                });
                return vec![];
            }
            let req = state.req();
            state.apply = ApplyState { stage: ApplyStage::Running { req, quit_when_done: None }, ..Default::default() };
            state.go(Screen::Apply);
            return vec![Effect::Apply { req, prepared: Box::new(prepared), token }];
        }
        Screen::Done => return vec![Effect::Quit(exit::OK)],
        Screen::Verify | Screen::Apply => {}
    }
    vec![]
}

/// Arrive on Credentials with the storage of the plan highlighted.
fn to_credentials(state: &mut State) {
    let store = state.verify.prepared().map(|p| p.store());
    state.store_choice = state.store_choices().iter().position(|c| Some(*c) == store).unwrap_or(0);
    state.go(Screen::Credentials);
}

/// Make the plan for the highlighted storage, unless it is the one shown or known not to work.
fn plan_for_choice(state: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    if let Some((old, _)) = state.planning.take() {
        fx.push(Effect::Abort { req: old });
    }
    let Some(wanted) = state.store_choices().get(state.store_choice).copied() else { return fx };
    let Some(p) = state.verify.prepared() else { return fx };
    if wanted == p.store() || state.store_failure(wanted).is_some() {
        return fx;
    }
    let prepared = Box::new(p.clone());
    let req = state.req();
    state.planning = Some((req, wanted));
    fx.push(Effect::Plan { req, prepared, store: wanted });
    fx
}

/// Check the submitted token again (another storage, SSO authorized, a network error).
fn verify(state: &mut State) -> Vec<Effect> {
    match state.verify.token().cloned() {
        Some(token) => check(state, token),
        None => vec![],
    }
}

/// Ask GitHub about `token` (a reply to an older request is dropped).
fn check(state: &mut State, token: Token) -> Vec<Effect> {
    let mut fx = Vec::new();
    if let Some(old) = state.verify.running() {
        fx.push(Effect::Abort { req: old });
    }
    let req = state.req();
    state.verify = VerifyState::Running { req, token: token.clone() };
    state.planning = None;
    state.store_failures.clear();
    state.notice = None;
    let switch_remote = state.local.as_ref().map(|l| l.uses_ssh);
    fx.push(Effect::Verify { req, token, switch_remote, store: state.store_pref, bind: state.bind });
    fx
}

fn back(state: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    match state.screen {
        Screen::Diagnosis | Screen::Done => {}
        Screen::Create => state.go(Screen::Diagnosis),
        Screen::Paste => state.go(Screen::Create),
        Screen::Verify => {
            if let Some(req) = state.verify.running() {
                fx.push(Effect::Abort { req });
            }
            // The token is fine, only the OS keyring is not there: plan for the user's
            // helpers again (if there are none, that check explains the choices).
            if state.verify.failure().is_some_and(|f| f.storage) {
                let fallback = if state.has_helper() { StoreChoice::Helper } else { StoreChoice::Cache };
                state.store_pref = Some(fallback);
                state.store_choice = state.store_choices().iter().position(|c| *c == fallback).unwrap_or(0);
                fx.extend(verify(state));
                return fx;
            }
            // A new token comes next; the rejected one is not kept.
            if state.verify.failure().is_some() {
                state.field.clear();
                state.store_pref = None;
            }
            state.verify = VerifyState::Idle;
            state.go(Screen::Paste);
        }
        Screen::Remote => state.go(Screen::Verify),
        Screen::Credentials => {
            if let Some((req, _)) = state.planning.take() {
                fx.push(Effect::Abort { req });
            }
            state.go(if state.shows_remote() { Screen::Remote } else { Screen::Verify });
        }
        Screen::Apply => {
            if state.apply.running().is_none() {
                state.apply = ApplyState::default();
                state.go(Screen::Credentials);
            }
        }
    }
    fx
}
