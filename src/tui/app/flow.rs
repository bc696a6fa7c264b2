//! How the wizard moves: what each key does on each screen, going forward (verify, plan
//! again for another storage, apply), going back, and quitting. Part of `update`: no I/O.

use super::*;

pub(super) fn applied(state: &mut State, req: Req, result: Result<Box<Applied>, Problem>) -> Vec<Effect> {
    if state.inflight.apply != Some(req) {
        return vec![];
    }
    state.inflight.apply = None;
    let ok = result.is_ok();
    match result {
        Ok(a) => {
            state.apply.applied = Some(*a);
            state.go(Screen::Done);
            // The demo proves the fix with a real push to the sandbox.
            if let Some(d) = state.demo.as_mut() {
                d.push = Some(PushState::Running);
                return vec![Effect::Push];
            }
        }
        Err(p) => state.apply.failure = Some(Failure::from(&p)),
    }
    match state.apply.quit_when_done {
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
            Screen::Verify => match &state.verify {
                VerifyState::Failed(Failure { sso_url: Some(u), .. }) => open(state, u.clone()),
                _ => vec![],
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
        Action::Recheck if state.screen == Screen::Verify && matches!(state.verify, VerifyState::Failed(_)) => {
            verify(state)
        }
        Action::NewToken if state.screen == Screen::Verify => {
            if let VerifyState::Failed(f) = &state.verify {
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
                }
                _ => {}
            }
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
    if state.inflight.apply.is_some() {
        state.apply.quit_when_done = Some(code);
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
            if lint(state.field.expose()).fatal().is_some() {
                state.field_refused = true;
                state.notice = Some("this cannot be a token yet: see the line under the field".into());
                return vec![];
            }
            state.token = Some(Token::new(state.field.expose().to_string()));
            state.go(Screen::Verify);
            return verify(state);
        }
        Screen::Verify if state.verify == VerifyState::Passed => {
            state.remote_choice = RemoteChoice::SwitchToHttps;
            state.go(if state.shows_remote() { Screen::Remote } else { Screen::Credentials });
        }
        Screen::Remote => state.go(Screen::Credentials),
        Screen::Credentials => {
            let (Some(prepared), Some(token)) = (state.effective(), state.token.clone()) else {
                return vec![];
            };
            // The plan was made for another storage: make it again for this one (the
            // keyring is probed then; if it is unavailable, Verify explains the choices).
            let wanted = state.store_choices().get(state.store_choice).map(StoreChoice::engine);
            if let Some(wanted) = wanted.filter(|w| *w != prepared.store) {
                state.store_pref = Some(wanted);
                state.go(Screen::Verify);
                return verify(state);
            }
            let req = state.req();
            state.inflight.apply = Some(req);
            state.apply = ApplyState::default();
            state.go(Screen::Apply);
            return vec![Effect::Apply { req, prepared: Box::new(prepared), token }];
        }
        Screen::Done => return vec![Effect::Quit(exit::OK)],
        Screen::Verify | Screen::Apply => {}
    }
    vec![]
}

fn verify(state: &mut State) -> Vec<Effect> {
    let Some(token) = state.token.clone() else {
        return vec![];
    };
    let mut fx = Vec::new();
    if let Some(old) = state.inflight.verify.take() {
        fx.push(Effect::Abort { req: old });
    }
    let req = state.req();
    state.inflight.verify = Some(req);
    state.verify = VerifyState::Running;
    state.prepared = None;
    state.notice = None;
    let switch_remote = state.local.as_ref().map(|l| l.uses_ssh);
    fx.push(Effect::Verify { req, token, switch_remote, store: state.store_pref });
    fx
}

fn back(state: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    match state.screen {
        Screen::Diagnosis | Screen::Done => {}
        Screen::Create => state.go(Screen::Diagnosis),
        Screen::Paste => state.go(Screen::Create),
        Screen::Verify => {
            if let Some(req) = state.inflight.verify.take() {
                fx.push(Effect::Abort { req });
            }
            // The token is fine, only the OS keyring is not there: plan for the user's
            // helpers again (if there are none, that check explains the choices).
            if matches!(&state.verify, VerifyState::Failed(f) if f.storage) {
                let fallback =
                    if state.has_helper() { StoreChoice::ReplaceInHelper(String::new()) } else { StoreChoice::Cache };
                state.store_pref = Some(fallback.engine());
                state.store_choice =
                    state.store_choices().iter().position(|c| c.engine() == fallback.engine()).unwrap_or(0);
                fx.extend(verify(state));
                return fx;
            }
            // A new token comes next; the rejected one is not kept.
            if matches!(state.verify, VerifyState::Failed(_)) {
                state.field.clear();
                state.store_pref = None;
            }
            state.verify = VerifyState::Idle;
            state.prepared = None;
            state.token = None;
            state.go(Screen::Paste);
        }
        Screen::Remote => state.go(Screen::Verify),
        Screen::Credentials => state.go(if state.shows_remote() { Screen::Remote } else { Screen::Verify }),
        Screen::Apply => {
            if state.inflight.apply.is_none() {
                state.apply = ApplyState::default();
                state.go(Screen::Credentials);
            }
        }
    }
    fx
}
