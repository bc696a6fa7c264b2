//! Ctrl-C, SIGTERM and SIGHUP: the ways a user or a supervisor ends us, handled alike.

use tokio_util::sync::CancellationToken;

/// Cancel `cancel` on the first Ctrl-C, SIGTERM or SIGHUP. Call inside a tokio runtime.
///
/// The handlers are in place when this returns: a signal that comes right after is
/// seen, not left to its default action (which ends the process without any clean-up).
pub fn spawn_signal_watch(cancel: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let streams = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()), signal(SignalKind::hangup()));
        tokio::spawn(async move {
            match streams {
                (Ok(mut int), Ok(mut term), Ok(mut hup)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                        _ = hup.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
            cancel.cancel();
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        cancel.cancel();
    });
}
