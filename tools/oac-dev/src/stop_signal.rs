//! The signals that stop oac-dev: SIGINT (Ctrl-C), SIGTERM (`kill`, a supervisor such as
//! `cargo xtask dev`, systemd) and SIGHUP (the terminal went away). Each stops the chain the same
//! way: its function instances and Node.js workers are killed and waited for
//! ([`crate::Chain::stop`]), so none outlives oac-dev.
//!
//! Install them before starting the chain: a signal that arrives while it starts is kept, and
//! stops it once started (instead of ending oac-dev with its children still running).

use tokio::signal::unix::{Signal, SignalKind, signal};

/// The stop signals, caught from [`StopSignals::install`] on (their default action, ending the
/// process at once, no longer applies).
pub struct StopSignals {
    interrupt: Signal,
    terminate: Signal,
    hangup: Signal,
}

impl StopSignals {
    /// Catches SIGINT, SIGTERM and SIGHUP from now on. Needs a Tokio runtime.
    pub fn install() -> std::io::Result<Self> {
        Ok(Self {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }

    /// Waits for the next stop signal; its name.
    pub async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
            _ = self.hangup.recv() => "SIGHUP",
        }
    }
}
