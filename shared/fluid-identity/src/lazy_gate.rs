//! A gate built off the start-up path: the first request (or [`LazyGate::warm`]) builds it on a
//! blocking thread, so work such as loading the TLS trust store for the STS client overlaps the
//! wait for the first request instead of delaying start-up. Fails closed: if the gate cannot be
//! built, every identity is refused with [`Rejection::StsUnavailable`] (503).

use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::error::Rejection;
use crate::gate::{Authenticate, Authorized, BoxFuture};

type Build<A> = dyn Fn() -> Option<A> + Send + Sync;

/// An [`Authenticate`] built from a closure on first use; clones share one gate.
///
/// The closure runs on Tokio's blocking pool at most once to completion (again only if the
/// caller that started it was cancelled before it finished). `Err` from it is final: the gate
/// then refuses everything, so a misconfigured verifier never lets a request through. The closure
/// is where the error gets logged — this crate has no logger.
///
/// ```
/// use fluid_identity::{Authenticate, Gate, HttpStsClient, LazyGate, Rejection};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let gate: LazyGate<Gate<HttpStsClient>> =
///     LazyGate::new(|| Err::<_, String>("no TLS roots".into()));
/// assert_eq!(gate.authenticate("https://sts.amazonaws.com/").await, Err(Rejection::StsUnavailable));
/// # }
/// ```
pub struct LazyGate<A> {
    inner: Arc<Inner<A>>,
}

struct Inner<A> {
    build: Box<Build<A>>,
    gate: OnceCell<Option<A>>,
}

impl<A> Clone for LazyGate<A> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

impl<A: Send + Sync + 'static> LazyGate<A> {
    /// A gate that `build` makes when first needed; `Err` means "refuse every identity".
    pub fn new<E>(build: impl Fn() -> Result<A, E> + Send + Sync + 'static) -> Self {
        Self {
            inner: Arc::new(Inner {
                build: Box::new(move || build().ok()),
                gate: OnceCell::new(),
            }),
        }
    }

    /// Starts building now, in the background on the current Tokio runtime, so the first request
    /// finds the gate ready. Outside a runtime it does nothing (the first request builds it).
    pub fn warm(&self) {
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let inner = self.inner.clone();
            runtime.spawn(async move {
                inner.gate().await;
            });
        }
    }

    /// Whether the gate has been built and can verify (false before, and after a failed build).
    pub fn is_ready(&self) -> bool {
        matches!(self.inner.gate.get(), Some(Some(_)))
    }
}

impl<A: Send + Sync + 'static> Inner<A> {
    async fn gate(self: &Arc<Self>) -> Option<&A> {
        self.gate
            .get_or_init(|| {
                let inner = self.clone();
                async move {
                    // A panic in `build` is a failed build (fail closed), not a crashed service.
                    tokio::task::spawn_blocking(move || (inner.build)())
                        .await
                        .ok()
                        .flatten()
                }
            })
            .await
            .as_ref()
    }
}

impl<A: Authenticate + 'static> Authenticate for LazyGate<A> {
    fn authenticate<'a>(&'a self, value: &'a str) -> BoxFuture<'a, Result<Authorized, Rejection>> {
        Box::pin(async move {
            match self.inner.gate().await {
                Some(gate) => gate.authenticate(value).await,
                None => Err(Rejection::StsUnavailable),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Stands in for a built gate: it answers every value with `NotAllowed`, so a test can tell
    /// "the built gate decided" from the lazy gate's own `StsUnavailable`.
    struct Built;

    impl Authenticate for Built {
        fn authenticate<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<Authorized, Rejection>> {
            Box::pin(async { Err(Rejection::NotAllowed) })
        }
    }

    fn counting(builds: &Arc<AtomicUsize>, ok: bool) -> LazyGate<Built> {
        let builds = builds.clone();
        LazyGate::new(move || {
            builds.fetch_add(1, Ordering::SeqCst);
            if ok { Ok(Built) } else { Err("cannot build") }
        })
    }

    #[tokio::test]
    async fn nothing_is_built_until_the_gate_is_needed() {
        let builds = Arc::new(AtomicUsize::new(0));
        let gate = counting(&builds, true);
        assert_eq!(builds.load(Ordering::SeqCst), 0);
        assert!(!gate.is_ready());
        assert_eq!(gate.authenticate("v").await, Err(Rejection::NotAllowed));
        assert!(gate.is_ready());
    }

    #[tokio::test]
    async fn concurrent_callers_and_clones_share_one_build() {
        let builds = Arc::new(AtomicUsize::new(0));
        let gate = counting(&builds, true);
        let other = gate.clone();
        let (a, b) = tokio::join!(gate.authenticate("v"), other.authenticate("w"));
        assert_eq!(
            (a, b),
            (Err(Rejection::NotAllowed), Err(Rejection::NotAllowed))
        );
        gate.authenticate("x").await.unwrap_err();
        assert_eq!(builds.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_gate_that_cannot_be_built_refuses_every_identity_as_unavailable() {
        let builds = Arc::new(AtomicUsize::new(0));
        let gate = counting(&builds, false);
        assert_eq!(gate.authenticate("v").await, Err(Rejection::StsUnavailable));
        assert_eq!(gate.authenticate("v").await, Err(Rejection::StsUnavailable));
        assert_eq!(builds.load(Ordering::SeqCst), 1, "a failed build is final");
        assert!(!gate.is_ready());
    }

    #[tokio::test]
    async fn a_builder_that_panics_is_a_failed_build() {
        let gate: LazyGate<Built> = LazyGate::new(|| -> Result<Built, ()> { panic!("boom") });
        assert_eq!(gate.authenticate("v").await, Err(Rejection::StsUnavailable));
    }

    #[tokio::test]
    async fn warming_builds_before_the_first_request() {
        let builds = Arc::new(AtomicUsize::new(0));
        let gate = counting(&builds, true);
        gate.warm();
        // The warm-up runs on the blocking pool; wait for it without sending a request. The bound
        // only turns a broken warm() into a failure instead of a hang; nothing is timed.
        let ready = async {
            while !gate.is_ready() {
                tokio::task::yield_now().await;
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(60), ready)
            .await
            .expect("warm() never built the gate");
        assert_eq!(builds.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn warming_outside_a_runtime_does_nothing() {
        let builds = Arc::new(AtomicUsize::new(0));
        counting(&builds, true).warm();
        assert_eq!(builds.load(Ordering::SeqCst), 0);
    }
}
