//! What can happen to the wizard (`Msg`) and the work it asks for (`Effect`).

use super::*;

/// Everything that can happen.
#[derive(Debug)]
pub enum Msg {
    Action(Action),
    /// A printable character typed into the token field.
    Input(char),
    /// Bracketed paste.
    Paste(SecretBuf),
    Resize(u16, u16),
    /// Spinner tick (only while work is in flight).
    Tick,
    Observed {
        req: Req,
        local: Local,
    },
    Check {
        req: Req,
        check: Check,
    },
    Diagnosed {
        req: Req,
        diagnosis: Diagnosis,
    },
    Verified {
        req: Req,
        result: Result<Box<Prepared>, Error>,
    },
    /// The plan made again for another storage (the Credentials screen's choice).
    Planned {
        req: Req,
        store: StoreChoice,
        result: Result<Box<Prepared>, Error>,
    },
    Progress {
        req: Req,
        step: ApplyProgress,
    },
    Applied {
        req: Req,
        result: Result<Box<Applied>, Error>,
    },
    Opened {
        result: Result<(), String>,
    },
    /// The demo's `git push` finished.
    Pushed {
        ok: bool,
        output: String,
    },
}

/// Work for `effects.rs`.
#[derive(Debug)]
pub enum Effect {
    /// Observe the local setup, then run the doctor.
    Diagnose {
        req: Req,
    },
    /// `prepare`; `switch_remote: None` means decide from the remote (not known yet);
    /// `store: None` means the user's helpers, or the OS keyring when there are none.
    Verify {
        req: Req,
        token: Token,
        switch_remote: Option<bool>,
        store: Option<StoreChoice>,
        /// How to bind the repository if git sends another login for it.
        bind: crate::model::account::Bind,
    },
    /// The plan for another storage, from the checked token's facts (no request).
    Plan {
        req: Req,
        prepared: Box<Prepared>,
        store: StoreChoice,
    },
    /// The fix of the plan the user confirmed (made again under the lock: it must match).
    Apply {
        req: Req,
        prepared: Box<Prepared>,
        token: Token,
    },
    /// Stop a read-only request (its reply would be dropped anyway).
    Abort {
        req: Req,
    },
    /// Cancel everything in flight; a running apply rolls back through its token.
    CancelAll,
    OpenUrl(String),
    /// Put the URL on the clipboard with OSC 52.
    CopyUrl(String),
    /// The demo: `git push` in the sandbox clone.
    Push,
    Quit(u8),
}
