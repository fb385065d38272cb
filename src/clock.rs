//! The time a client reads: the system's, or in tests a clock moved by hand, so a token's lifetime
//! or a `Retry-After` is checked without waiting for it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The system clock, or a manual one: the system's time plus what it was moved by. A manual clock's
/// waits move it instead of sleeping. Clones share one clock.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    moved_by: Option<Arc<Mutex<Duration>>>,
}

impl Clock {
    /// A manual clock, starting at the system's time.
    pub fn manual() -> Self {
        Clock {
            moved_by: Some(Arc::default()),
        }
    }

    /// Now.
    pub fn now(&self) -> Instant {
        Instant::now() + self.moved_by.as_ref().map_or(Duration::ZERO, |m| *lock(m))
    }

    /// Waits `wait`: sleeps on the system clock, moves a manual clock on.
    pub async fn sleep(&self, wait: Duration) {
        match &self.moved_by {
            None => tokio::time::sleep(wait).await,
            Some(moved_by) => *lock(moved_by) += wait,
        }
    }

    /// Moves a manual clock on by `by` (the system clock cannot be moved: nothing happens).
    pub fn advance(&self, by: Duration) {
        if let Some(moved_by) = &self.moved_by {
            *lock(moved_by) += by;
        }
    }
}

fn lock(moved_by: &Mutex<Duration>) -> std::sync::MutexGuard<'_, Duration> {
    moved_by.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_clock_moves_by_hand_and_by_its_waits_and_clones_share_it() {
        let clock = Clock::manual();
        let shared = clock.clone();
        let start = clock.now();
        clock.advance(Duration::from_secs(3600));
        shared.sleep(Duration::from_secs(60)).await;
        let moved = shared.now() - start;
        assert!(
            moved >= Duration::from_secs(3660) && moved < Duration::from_secs(3670),
            "{moved:?}"
        );
    }

    #[test]
    fn the_system_clock_cannot_be_moved() {
        let clock = Clock::default();
        let start = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now() - start < Duration::from_secs(3600));
    }
}
