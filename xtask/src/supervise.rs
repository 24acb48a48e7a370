//! Children that stop with their parent: `cargo xtask dev` runs oac-dev and the STS stand-in
//! under a [`Supervisor`]. When this process gets SIGINT (Ctrl-C), SIGTERM or SIGHUP, or when a
//! child exits by itself, every child still running gets SIGTERM, then SIGKILL if it has not
//! exited within the grace period, and each is waited for: none is left running, or as a zombie.

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::process::ExitStatus;
use std::task::Poll;
use std::time::Duration;

use tokio::process::Child;
use tokio::signal::unix::{Signal, SignalKind, signal};

/// How long a child has after SIGTERM before it gets SIGKILL.
pub const GRACE: Duration = Duration::from_secs(10);

/// Why supervision ended.
#[derive(Debug)]
pub enum Ending {
    /// A child exited by itself: its name and status.
    Exited(String, ExitStatus),
    /// This process received a stop signal (its name).
    Signal(&'static str),
}

/// The children and the stop signals, caught from [`Supervisor::new`] on (one that arrives
/// before [`Supervisor::run`] is kept, not lost).
pub struct Supervisor {
    signals: Vec<(&'static str, Signal)>,
    children: Vec<(String, Child)>,
    grace: Duration,
}

impl Supervisor {
    /// Catches SIGINT, SIGTERM and SIGHUP from now on; a stopped child gets `grace` between
    /// SIGTERM and SIGKILL. Needs a Tokio runtime.
    pub fn new(grace: Duration) -> std::io::Result<Self> {
        let kinds = [
            ("SIGINT", SignalKind::interrupt()),
            ("SIGTERM", SignalKind::terminate()),
            ("SIGHUP", SignalKind::hangup()),
        ];
        let signals = kinds
            .into_iter()
            .map(|(name, kind)| Ok((name, signal(kind)?)))
            .collect::<std::io::Result<_>>()?;
        Ok(Self {
            signals,
            children: Vec::new(),
            grace,
        })
    }

    /// Supervises `child` (spawn it with `kill_on_drop`, so an early error kills it too).
    pub fn adopt(&mut self, name: &str, child: Child) {
        self.children.push((name.to_owned(), child));
    }

    /// Waits until a child exits or a stop signal arrives, then stops every child and waits for
    /// each.
    pub async fn run(mut self) -> std::io::Result<Ending> {
        let ending = tokio::select! {
            (i, status) = first_exit(&mut self.children) => {
                Ending::Exited(self.children[i].0.clone(), status?)
            }
            name = first_signal(&mut self.signals) => Ending::Signal(name),
        };
        stop_all(&mut self.children, self.grace).await;
        Ok(ending)
    }
}

/// The first child to exit: its index and status (pending forever with no child).
async fn first_exit(children: &mut [(String, Child)]) -> (usize, std::io::Result<ExitStatus>) {
    type Wait<'a> = Pin<Box<dyn Future<Output = std::io::Result<ExitStatus>> + Send + 'a>>;
    let mut waits: Vec<Wait<'_>> = children
        .iter_mut()
        .map(|(_, child)| Box::pin(child.wait()) as Wait<'_>)
        .collect();
    poll_fn(|cx| {
        waits
            .iter_mut()
            .enumerate()
            .find_map(|(i, wait)| match wait.as_mut().poll(cx) {
                Poll::Ready(status) => Some(Poll::Ready((i, status))),
                Poll::Pending => None,
            })
            .unwrap_or(Poll::Pending)
    })
    .await
}

/// The name of the first stop signal to arrive.
async fn first_signal(signals: &mut [(&'static str, Signal)]) -> &'static str {
    poll_fn(|cx| {
        signals
            .iter_mut()
            .find_map(|(name, signal)| signal.poll_recv(cx).is_ready().then_some(*name))
            .map_or(Poll::Pending, Poll::Ready)
    })
    .await
}

/// SIGTERM to every child still running, then for each: its exit, or SIGKILL once `grace` has
/// passed; every one waited for.
async fn stop_all(children: &mut [(String, Child)], grace: Duration) {
    for (name, child) in children.iter_mut() {
        // `id()` is `None` once the child has been waited for: its pid may be another's by then.
        if let (Ok(None), Some(pid)) = (child.try_wait(), child.id()) {
            eprintln!("xtask: stopping {name} (SIGTERM)");
            let pid = libc::pid_t::try_from(pid).expect("a pid fits in pid_t");
            // SAFETY: kill(2) takes no pointers; `pid` is our child, running and not waited for.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
    }
    let deadline = tokio::time::Instant::now() + grace;
    for (name, child) in children.iter_mut() {
        if tokio::time::timeout_at(deadline, child.wait())
            .await
            .is_err()
        {
            eprintln!("xtask: {name} did not stop within {grace:?} of SIGTERM: SIGKILL");
            let _ = child.kill().await;
        }
    }
}

#[cfg(test)]
#[path = "supervise_tests.rs"]
mod tests;
