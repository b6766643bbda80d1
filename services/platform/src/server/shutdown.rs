//! Shutdown on SIGTERM (what Kubernetes and systemd send) or Ctrl-C.

use tokio_util::sync::CancellationToken;

/// Cancels `token` when the process is asked to stop.
pub fn on_signals(token: CancellationToken) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    tracing::error!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the server");
                    let _ = ctrl_c.await;
                    token.cancel();
                    return;
                }
            };
            tokio::select! {
                _ = ctrl_c => tracing::info!("Ctrl-C received, shutting down"),
                _ = term.recv() => tracing::info!("SIGTERM received, shutting down"),
                _ = token.cancelled() => return,
            }
        }
        #[cfg(not(unix))]
        {
            tokio::select! {
                _ = ctrl_c => tracing::info!("Ctrl-C received, shutting down"),
                _ = token.cancelled() => return,
            }
        }
        token.cancel();
    });
}
