//! The wizard's state machine (The Elm Architecture): one `State`, one `Msg` enum, and
//! `update`, which changes the state and returns the `Effect`s to run. No I/O here:
//! results of async work come back as messages carrying the id of their request, so a
//! reply nobody waits for any more is dropped.

use chrono::{DateTime, Utc};

use crate::engine::Error;
use crate::engine::setup::{Applied, ApplyProgress, Prepared};
use crate::exit;
use crate::model::diagnosis::{Check, CheckId, Diagnosis, Status};
use crate::model::host::HostUrl;
pub use crate::model::storage::StoreChoice;
use crate::model::token::{Token, accept};

pub use super::parts::{
    ApplyStage, ApplyState, DemoState, Failure, InFlight, Local, PushState, RemoteChoice, Req, Step, VerifyState,
};
use super::secret::SecretBuf;

mod flow;
mod messages;
mod screen;
use flow::{action, applied, edited};
pub use messages::{Effect, Msg};
pub use screen::{Action, Screen, Scroll};

/// Everything the wizard knows.
#[derive(Debug)]
pub struct State {
    pub screen: Screen,
    pub host: HostUrl,
    /// For the token description ("git-reauth on <machine>").
    pub machine: String,
    /// When the wizard started (expiry "days left" is counted from here).
    pub now: DateTime<Utc>,
    pub color: bool,
    pub size: (u16, u16),
    pub local: Option<Local>,
    /// Checks decided so far; `diagnosis` once all are in.
    pub checks: Vec<Check>,
    pub diagnosis: Option<Diagnosis>,
    pub fine_grained: bool,
    pub field: SecretBuf,
    /// Enter was pressed on a value that cannot be a token.
    pub field_refused: bool,
    /// The token submitted and what GitHub said about it.
    pub verify: VerifyState,
    /// Set by `git-reauth demo`.
    pub demo: Option<DemoState>,
    /// May the OS keyring be offered? (Not in the demo.)
    pub keyring: bool,
    /// The storage the user picked on Credentials (`None`: automatic).
    pub store_pref: Option<StoreChoice>,
    pub remote_choice: RemoteChoice,
    /// The highlighted storage on Credentials.
    pub store_choice: usize,
    /// How the user chose to bind the repository when git sends another login for it.
    pub bind: crate::model::account::Bind,
    /// The plan being made for another storage.
    pub planning: Option<(Req, StoreChoice)>,
    /// Storages that cannot be used here, and why (the keyring unavailable, …).
    pub store_failures: Vec<(StoreChoice, Failure)>,
    pub apply: ApplyState,
    pub inflight: InFlight,
    next_req: Req,
    pub spinner: usize,
    /// Lines scrolled on the current screen (0 on arrival).
    pub scroll: usize,
    /// How far the current screen can scroll, and a page of it: told by the last draw.
    pub scroll_max: std::cell::Cell<usize>,
    pub scroll_page: std::cell::Cell<usize>,
    /// One line of feedback ("copied", "could not open a browser").
    pub notice: Option<String>,
}

impl State {
    pub fn new(host: HostUrl, machine: String, now: DateTime<Utc>) -> State {
        State {
            screen: Screen::Diagnosis,
            host,
            machine,
            now,
            color: true,
            size: (0, 0),
            local: None,
            checks: Vec::new(),
            diagnosis: None,
            fine_grained: false,
            field: SecretBuf::new(),
            field_refused: false,
            verify: VerifyState::Idle,
            store_pref: None,
            demo: None,
            keyring: true,
            remote_choice: RemoteChoice::SwitchToHttps,
            store_choice: 0,
            bind: crate::model::account::Bind::Ask,
            planning: None,
            store_failures: Vec::new(),
            apply: ApplyState::default(),
            inflight: InFlight::default(),
            next_req: 1,
            spinner: 0,
            scroll: 0,
            scroll_max: std::cell::Cell::new(0),
            scroll_page: std::cell::Cell::new(0),
            notice: None,
        }
    }

    fn req(&mut self) -> Req {
        let r = self.next_req;
        self.next_req += 1;
        r
    }

    /// Work is in flight: the spinner ticks.
    pub fn busy(&self) -> bool {
        let f = &self.inflight;
        let pushing = self.demo.as_ref().is_some_and(|d| d.push == Some(PushState::Running));
        f.diagnose.is_some()
            || self.verify.running().is_some()
            || self.apply.running().is_some()
            || self.planning.is_some()
            || pushing
    }

    /// The token-creation URL the Create screen offers.
    pub fn create_url(&self) -> String {
        if self.fine_grained {
            let owner = self.local.as_ref().and_then(|l| l.owner.as_deref());
            self.host.fine_grained_token_url(&self.machine, owner)
        } else {
            self.host.classic_token_url(&self.machine)
        }
    }

    /// The Remote screen is part of this fix.
    pub fn shows_remote(&self) -> bool {
        self.verify.prepared().is_some_and(|p| p.switches_remote())
    }

    /// The plan as it will be applied, with the Remote screen's choice.
    pub fn effective(&self) -> Option<Prepared> {
        let mut p = self.verify.prepared()?.clone();
        if self.remote_choice == RemoteChoice::KeepSsh {
            p.keep_ssh();
        }
        Some(p)
    }

    /// Where the token can go: the user's helpers first (when there are any), then the
    /// keyring (unless off limits), git's memory cache, and a plaintext file last.
    pub fn store_choices(&self) -> Vec<StoreChoice> {
        StoreChoice::ALL
            .into_iter()
            .filter(|c| match c {
                StoreChoice::Helper => self.has_helper(),
                StoreChoice::Keyring => self.keyring,
                StoreChoice::Cache | StoreChoice::File => true,
            })
            .collect()
    }

    /// Why `store` cannot be used, if it was found so.
    pub fn store_failure(&self, store: StoreChoice) -> Option<&Failure> {
        self.store_failures.iter().find(|(c, _)| *c == store).map(|(_, f)| f)
    }

    /// The helpers that answer for the host, by name ("store, cache").
    pub fn helper_names(&self) -> String {
        let names: Vec<String> =
            self.verify.prepared().map(|p| p.chain.iter().map(|h| h.name()).collect()).unwrap_or_default();
        if names.is_empty() { "your credential helper".to_string() } else { names.join(", ") }
    }

    /// The diagnosis found a credential helper for the host.
    pub fn has_helper(&self) -> bool {
        !self.checks.iter().any(|c| c.id == CheckId::CredentialHelper && c.status == Status::Fail)
    }

    /// The diagnosis' failed cached-credential check: the stale entry.
    pub fn stale_credential(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == CheckId::CachedCredential && c.status == Status::Fail)
    }

    /// The terminal is smaller than the screens need: they show only "enlarge the
    /// terminal", so no key but quit may act (nothing may change unseen). `(0, 0)` is a
    /// size not known yet (no terminal, as in tests).
    pub fn too_small(&self) -> bool {
        let (w, h) = self.size;
        (w, h) != (0, 0) && (w < super::screens::MIN_WIDTH || h < super::screens::MIN_HEIGHT)
    }

    /// The diagnosis found nothing to fix.
    pub fn healthy(&self) -> bool {
        self.diagnosis.as_ref().is_some_and(|d| d.healthy)
    }

    fn go(&mut self, screen: Screen) {
        self.screen = screen;
        self.notice = None;
        self.scroll = 0;
        self.scroll_max.set(0);
    }

    /// Move the scroll position within what the last draw could show.
    fn scroll_by(&mut self, s: Scroll) {
        let (max, page) = (self.scroll_max.get(), self.scroll_page.get().max(1));
        let at = self.scroll.min(max);
        self.scroll = match s {
            Scroll::Up => at.saturating_sub(1),
            Scroll::Down => (at + 1).min(max),
            Scroll::PageUp => at.saturating_sub(page),
            Scroll::PageDown => (at + page).min(max),
            Scroll::Top => 0,
            Scroll::Bottom => max,
        };
    }
}

/// The first effects: the doctor starts at once (the first frame is drawn before).
pub fn start(state: &mut State) -> Vec<Effect> {
    let req = state.req();
    state.inflight.diagnose = Some(req);
    vec![Effect::Diagnose { req }]
}

/// Apply one message.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        // Below the minimum size only quitting and resizing work.
        Msg::Action(a) if state.too_small() && !matches!(a, Action::Quit | Action::Interrupt) => vec![],
        Msg::Input(_) | Msg::Paste(_) if state.too_small() => vec![],
        Msg::Action(a) => action(state, a),
        Msg::Input(c) => {
            if state.screen == Screen::Paste {
                state.field.push(c);
                edited(state);
            }
            vec![]
        }
        Msg::Paste(text) => {
            if state.screen == Screen::Paste {
                // Terminals often copy a trailing newline; anything else is the lint's to judge.
                let t = text.expose();
                let t = t.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(t);
                state.field.push_str(t);
                edited(state);
            }
            vec![]
        }
        Msg::Resize(w, h) => {
            state.size = (w, h);
            vec![]
        }
        Msg::Tick => {
            state.spinner = state.spinner.wrapping_add(1);
            vec![]
        }
        Msg::Observed { req, local } => {
            if state.inflight.diagnose == Some(req) {
                state.local = Some(local);
            }
            vec![]
        }
        Msg::Check { req, check } => {
            if state.inflight.diagnose == Some(req) {
                match state.checks.iter_mut().find(|c| c.id == check.id) {
                    Some(c) => *c = check,
                    None => state.checks.push(check),
                }
            }
            vec![]
        }
        Msg::Diagnosed { req, diagnosis } => {
            if state.inflight.diagnose == Some(req) {
                state.inflight.diagnose = None;
                state.checks = diagnosis.checks.clone();
                state.diagnosis = Some(diagnosis);
            }
            vec![]
        }
        Msg::Verified { req, result } => {
            if state.verify.running() != Some(req) {
                return vec![];
            }
            let VerifyState::Running { token, .. } = std::mem::replace(&mut state.verify, VerifyState::Idle) else {
                return vec![];
            };
            state.verify = match result {
                Ok(prepared) => VerifyState::Passed { token, prepared },
                Err(e) => VerifyState::Failed { token, failure: Failure::from(&e) },
            };
            vec![]
        }
        Msg::Planned { req, store, result } => {
            if state.planning.map(|(r, _)| r) != Some(req) {
                return vec![];
            }
            state.planning = None;
            match result {
                Ok(p) => {
                    state.store_pref = Some(store);
                    if let VerifyState::Passed { prepared, .. } = &mut state.verify {
                        *prepared = p;
                    }
                }
                Err(e) => state.store_failures.push((store, Failure::from(&e))),
            }
            vec![]
        }
        Msg::Progress { req, step } => {
            if state.apply.running() == Some(req) {
                match step {
                    ApplyProgress::Changed(i) => state.apply.changed = state.apply.changed.max(i + 1),
                    ApplyProgress::Verified(line) => state.apply.verified.push(line),
                }
            }
            vec![]
        }
        Msg::Applied { req, result } => applied(state, req, result),
        Msg::Pushed { ok, output } => {
            if let Some(d) = state.demo.as_mut() {
                d.push = Some(PushState::Done { ok, output });
            }
            vec![]
        }
        Msg::Opened { result } => {
            state.inflight.open = false;
            state.notice = Some(match result {
                Ok(()) => "opened in your browser".into(),
                Err(e) => format!("could not open a browser: copy the URL (c) or select it ({e})"),
            });
            vec![]
        }
    }
}
