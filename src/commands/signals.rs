//! Ctrl-C, SIGTERM and SIGHUP: the ways a user or a supervisor ends us, handled alike.

use tokio_util::sync::CancellationToken;

/// Cancel `cancel` on the first Ctrl-C, SIGTERM or SIGHUP, then pass the signal on to
/// the git runs in flight: each runs in a process group of its own, which a terminal's
/// Ctrl-C (sent to the foreground group: us) does not reach. In that order, so the code
/// that sees git die of it already knows it was an interruption. Call inside a tokio
/// runtime.
///
/// The handlers are in place when this returns: a signal that comes right after is
/// seen, not left to its default action (which ends the process without any clean-up).
pub fn spawn_signal_watch(cancel: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let streams = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()), signal(SignalKind::hangup()));
        tokio::spawn(async move {
            let sig = match streams {
                (Ok(mut int), Ok(mut term), Ok(mut hup)) => {
                    tokio::select! {
                        _ = int.recv() => libc::SIGINT,
                        _ = term.recv() => libc::SIGTERM,
                        _ = hup.recv() => libc::SIGHUP,
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                    libc::SIGINT
                }
            };
            cancel.cancel();
            crate::git::signal_running(sig);
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        cancel.cancel();
    });
}
