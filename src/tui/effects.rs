//! Runs the wizard's effects: engine calls on tokio tasks that report back as
//! messages on one channel. The UI never touches git or the network itself.

use std::collections::HashMap;
use std::io::Write;

use base64::Engine as _;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::AbortHandle;
use tokio_util::sync::CancellationToken;

use crate::engine::Deps;
use crate::engine::doctor::{DoctorOpts, doctor};
use crate::engine::observe::observe;
use crate::engine::setup::{Basis, Fixed, SetupOpts, default_store, fix, plan_for, prepare};
use crate::model::storage::StoreChoice;
use crate::model::token::Token;

use super::app::{Effect, Local, Msg, Req};

/// Starts effects and keeps what is needed to stop them.
pub struct Runner {
    deps: Deps,
    tx: UnboundedSender<Msg>,
    /// Read-only work: safe to abort at any point.
    tasks: HashMap<Req, AbortHandle>,
    /// The running apply: cancelled, it rolls back before it reports.
    apply: Option<CancellationToken>,
    /// `git-reauth demo`: its pages are the sandbox's.
    pub demo: bool,
}

impl Runner {
    pub fn new(deps: Deps, tx: UnboundedSender<Msg>) -> Runner {
        Runner { deps, tx, tasks: HashMap::new(), apply: None, demo: false }
    }

    /// Start one effect. `Quit` is the loop's business and returns its code.
    pub fn run(&mut self, effect: Effect) -> Option<u8> {
        self.tasks.retain(|_, h| !h.is_finished());
        match effect {
            Effect::Diagnose { req } => {
                let h = tokio::spawn(diagnose(self.deps.clone(), req, self.tx.clone()));
                self.tasks.insert(req, h.abort_handle());
            }
            Effect::Verify { req, token, switch_remote, store, bind } => {
                let h =
                    tokio::spawn(verify(self.deps.clone(), req, token, switch_remote, store, bind, self.tx.clone()));
                self.tasks.insert(req, h.abort_handle());
            }
            Effect::Plan { req, prepared, store } => {
                let (deps, tx) = (self.deps.clone(), self.tx.clone());
                let h = tokio::spawn(async move {
                    let result = plan_for(&deps, &prepared, store).await.map(Box::new);
                    let _ = tx.send(Msg::Planned { req, store, result });
                });
                self.tasks.insert(req, h.abort_handle());
            }
            Effect::Apply { req, prepared, token } => {
                let cancel = CancellationToken::new();
                self.apply = Some(cancel.clone());
                let (deps, tx) = (self.deps.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let (ptx, mut prx) = unbounded_channel();
                    let run = async {
                        // The same entry as `setup`: under the journal lock, the plan the
                        // user confirmed is made again and must match, then applied.
                        let r = fix(&deps, &token, Basis::Shown(&prepared), &cancel, Some(&ptx), |_| true).await;
                        drop(ptx);
                        r.and_then(|fixed| match fixed {
                            Fixed::Applied { applied, .. } => Ok(applied),
                            // (Not reached: the confirmation above always goes on.)
                            Fixed::Previewed(_) => Err(crate::engine::Error::Interrupted),
                        })
                    };
                    let forward = async {
                        while let Some(step) = prx.recv().await {
                            let _ = tx.send(Msg::Progress { req, step });
                        }
                    };
                    let (result, ()) = tokio::join!(run, forward);
                    let _ = tx.send(Msg::Applied { req, result: result.map(Box::new) });
                });
            }
            Effect::Abort { req } => {
                if let Some(h) = self.tasks.remove(&req) {
                    h.abort();
                }
            }
            Effect::CancelAll => self.cancel_all(),
            Effect::OpenUrl(url) => {
                let (deps, tx, demo) = (self.deps.clone(), self.tx.clone(), self.demo);
                tokio::spawn(async move {
                    let page = url.clone();
                    let opened =
                        tokio::task::spawn_blocking(move || webbrowser::open(&page).map_err(|e| e.to_string()));
                    let mut result = opened.await.unwrap_or_else(|e| Err(e.to_string()));
                    // No browser in the demo: visit the sandbox's page as a browser would
                    // (this is what makes its SSO authorization link work headless).
                    if result.is_err() && demo {
                        result = crate::engine::visit(&deps, &url).await.map_err(|e| e.to_string());
                    }
                    let _ = tx.send(Msg::Opened { result });
                });
            }
            Effect::CopyUrl(url) => {
                // Between two draws the terminal is ours to write to.
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(osc52(&url).as_bytes()).and_then(|_| out.flush());
            }
            Effect::Push => {
                let (deps, tx) = (self.deps.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let (ok, output) = crate::engine::push(&deps).await;
                    let _ = tx.send(Msg::Pushed { ok, output });
                });
            }
            Effect::Quit(code) => return Some(code),
        }
        None
    }

    /// Stop read-only work; ask a running apply to roll back.
    pub fn cancel_all(&mut self) {
        for (_, h) in self.tasks.drain() {
            h.abort();
        }
        if let Some(c) = &self.apply {
            c.cancel();
        }
    }
}

/// The OSC 52 sequence that puts `text` on the clipboard (also over SSH).
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

async fn diagnose(deps: Deps, req: Req, tx: UnboundedSender<Msg>) {
    let obs = observe(&deps, None).await;
    let view = obs.remote_view();
    let local = Local {
        repo: view.map(|v| v.repo.to_string()),
        owner: view.map(|v| v.repo.owner.clone()),
        remote: view.map(|v| v.info.name.clone()),
        workdir: obs.repo.as_ref().map(|r| r.workdir.display().to_string()),
        uses_ssh: view.is_some_and(|v| v.uses_ssh()),
    };
    let _ = tx.send(Msg::Observed { req, local });
    let (ctx, mut crx) = unbounded_channel();
    let run = async {
        let d = doctor(&deps, &DoctorOpts::default(), Some(&ctx)).await;
        drop(ctx);
        d
    };
    let forward = async {
        while let Some(check) = crx.recv().await {
            let _ = tx.send(Msg::Check { req, check });
        }
    };
    let (diagnosis, ()) = tokio::join!(run, forward);
    let _ = tx.send(Msg::Diagnosed { req, diagnosis });
}

async fn verify(
    deps: Deps,
    req: Req,
    token: Token,
    switch_remote: Option<bool>,
    store: Option<StoreChoice>,
    bind: crate::model::account::Bind,
    tx: UnboundedSender<Msg>,
) {
    let switch_remote = match switch_remote {
        Some(s) => s,
        None => observe(&deps, None).await.remote_view().is_some_and(|v| v.uses_ssh()),
    };
    let store = match store {
        Some(s) => s,
        // Without any helper, the OS keyring is the place (prepare probes it and explains
        // the alternatives when there is none).
        None => default_store(&deps).await,
    };
    let result =
        prepare(&deps, &token, &SetupOpts { remote: None, switch_remote, store, bind, host_only: false }).await;
    let _ = tx.send(Msg::Verified { req, result: result.map(Box::new) });
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_encodes_the_url() {
        assert_eq!(super::osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
