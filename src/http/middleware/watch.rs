//! The watch thread of the public answers (`cache`): it asks the database every
//! [`WATCH_INTERVAL`] whether any connection of any process committed, and makes the known data
//! version stale when one did, and every [`REREAD_INTERVAL`] regardless.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use super::cache::{REREAD_INTERVAL, WATCH_INTERVAL};
use crate::http::AppState;
use crate::service;

/// Starts the watch thread of `state`'s answers; it ends when `stop` is set or the state is gone.
pub fn spawn(
    state: &Arc<AppState>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let state = Arc::downgrade(state);
    std::thread::Builder::new()
        .name("gongshi-watch".into())
        .spawn(move || watch(state, stop))
}

fn watch(state: Weak<AppState>, stop: Arc<AtomicBool>) {
    // However the thread ends (stopped, or a panic), requests go back to reading the version.
    struct Unwatched(Weak<AppState>);
    impl Drop for Unwatched {
        fn drop(&mut self) {
            if let Some(state) = self.0.upgrade() {
                state.answers.set_watched(false);
            }
        }
    }
    let _unwatched = Unwatched(state.clone());
    let mut watch: Option<service::system::CommitListener> = None;
    let (mut reread_at, mut retry_at) = (Instant::now(), Instant::now());
    while !stop.load(Ordering::SeqCst) {
        let Some(state) = state.upgrade() else {
            return;
        };
        let answers = &state.answers;
        let now = Instant::now();
        if watch.is_none() && now >= retry_at {
            match service::system::CommitListener::open(&state.app) {
                Ok(w) => {
                    // Commits before the watch began are covered by the read this notice causes.
                    watch = Some(w);
                    answers.changed();
                    answers.set_watched(true);
                }
                Err(e) => {
                    tracing::warn!(error = %crate::error_chain::error_chain(&e), "cannot watch the database for writes; every public request reads the data version");
                    retry_at = now + Duration::from_secs(1);
                }
            }
        }
        if let Some(w) = &mut watch {
            match w.changed() {
                Ok(true) => answers.changed(),
                Ok(false) => {}
                Err(e) => {
                    answers.set_watched(false);
                    tracing::warn!(error = %crate::error_chain::error_chain(&e), "lost the watch on the database; reconnecting");
                    watch = None;
                    retry_at = now + Duration::from_secs(1);
                }
            }
        }
        if now >= reread_at {
            answers.changed();
            reread_at = now + REREAD_INTERVAL;
        }
        drop(state);
        std::thread::sleep(WATCH_INTERVAL);
    }
}
