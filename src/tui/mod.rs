//! The wizard: a full-screen walk from the diagnosis to a working `git push`.
//!
//! One loop waits on terminal events, the channel effect tasks report into, and a
//! spinner tick that exists only while work is in flight. Each message goes through
//! `app::update`; the screen is drawn once after it. Idle means no wake-ups at all.

pub mod app;
pub mod effects;
/// The screens in fixed states, for tests and the README's screenshots.
#[doc(hidden)]
pub mod gallery;
pub mod keys;
pub mod parts;
pub mod screens;
pub mod secret;
/// Buffers as SVG pictures (the README's screenshots).
#[doc(hidden)]
pub mod svg;
pub mod terminal;
mod words;

#[cfg(test)]
mod tests;

use std::time::Duration;

use futures::StreamExt;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::time::{Interval, MissedTickBehavior};

use crate::engine::Deps;
pub use terminal::TerminalError;

use app::{Action, Msg, State};
use secret::SecretBuf;

/// How often a spinner moves.
const SPIN: Duration = Duration::from_millis(120);

/// Run the wizard; the exit code per CONTRACT.md (0 Done, 1 quit, 130 Ctrl-C).
pub async fn run(deps: Deps) -> Result<u8, TerminalError> {
    run_with(deps, None).await
}

/// The wizard for `git-reauth demo`: `demo_token` is offered on Create and Paste, the
/// OS keyring is never offered, and Done runs a real `git push` in the sandbox clone.
pub async fn run_with(deps: Deps, demo_token: Option<String>) -> Result<u8, TerminalError> {
    let mut tui = terminal::init()?;
    let mut state = State::new(deps.host().clone(), deps.env().machine.clone(), chrono::Utc::now());
    state.keyring = deps.keyring_allowed();
    state.demo = demo_token.map(|token| app::DemoState { token, push: None });
    state.color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if let Ok(size) = tui.terminal.size() {
        state.size = (size.width, size.height);
    }
    let draw = |tui: &mut terminal::Tui, state: &State| {
        tui.terminal.draw(|f| screens::draw(state, f)).map(|_| ()).map_err(TerminalError::Draw)
    };
    // First frame before any check has finished: pending spinners.
    draw(&mut tui, &state)?;

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = effects::Runner::new(deps, tx);
    runner.demo = state.demo.is_some();
    let mut events = EventStream::new();
    let mut spinner: Option<Interval> = None;
    let mut signals = Signals::new();
    let mut pending = app::start(&mut state);

    let code = loop {
        let mut quit = None;
        for e in pending.drain(..) {
            if let Some(code) = runner.run(e) {
                quit = Some(code);
            }
        }
        if let Some(code) = quit {
            break code;
        }
        draw(&mut tui, &state)?;
        match (state.busy(), spinner.is_some()) {
            (true, false) => {
                let mut i = tokio::time::interval(SPIN);
                i.set_missed_tick_behavior(MissedTickBehavior::Skip);
                i.reset();
                spinner = Some(i);
            }
            (false, true) => spinner = None,
            _ => {}
        }
        let msg = loop {
            let msg = tokio::select! {
                ev = events.next() => match ev {
                    Some(Ok(ev)) => from_event(&state, ev),
                    // The terminal is gone: stop as for Ctrl-C.
                    Some(Err(_)) | None => Some(Msg::Action(Action::Interrupt)),
                },
                Some(m) = rx.recv() => Some(m),
                _ = tick(&mut spinner) => Some(Msg::Tick),
                _ = signals.recv() => Some(Msg::Action(Action::Interrupt)),
            };
            if let Some(m) = msg {
                break m;
            }
        };
        pending = app::update(&mut state, msg);
    };
    runner.cancel_all();
    drop(tui);
    Ok(code)
}

fn from_event(state: &State, ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => keys::to_msg(state, &k),
        Event::Paste(text) => {
            let mut text = text;
            let buf = SecretBuf::from_text(&text);
            zeroize::Zeroize::zeroize(&mut text);
            Some(Msg::Paste(buf))
        }
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

async fn tick(spinner: &mut Option<Interval>) {
    match spinner {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// SIGTERM, SIGHUP and SIGINT (raw mode turns the Ctrl-C key into a key event, but a
/// `kill -INT` still arrives as a signal).
struct Signals {
    #[cfg(unix)]
    sigs: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let sigs = [SignalKind::terminate(), SignalKind::hangup(), SignalKind::interrupt()]
                .into_iter()
                .filter_map(|k| signal(k).ok())
                .collect();
            Signals { sigs }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            if self.sigs.is_empty() {
                return std::future::pending().await;
            }
            let futs = self.sigs.iter_mut().map(|s| Box::pin(s.recv()));
            let _ = futures::future::select_all(futs).await;
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}
