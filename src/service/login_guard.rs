//! What stands between a login and the password check: a throttle on failed logins per account
//! name and per client address (held in memory, per instance), and a bound on how many argon2
//! checks run at once, so a burst of logins cannot take every blocking thread and CPU.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};

use chrono::{DateTime, Duration, Utc};

use crate::domain::client::ClientKey;
use crate::domain::throttle::{Failures, Limit};

/// Five wrong passwords for one account within 15 minutes lock that account's logins.
pub const PER_NAME: Limit = Limit {
    failures: 5,
    window: Duration::minutes(15),
};

/// Twenty failed logins from one address within 15 minutes lock that address's logins.
pub const PER_ADDRESS: Limit = Limit {
    failures: 20,
    window: Duration::minutes(15),
};

/// Keys kept before stale ones are swept.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Name(String),
    Address(ClientKey),
}

pub struct LoginGuard {
    failures: Mutex<HashMap<Key, Failures>>,
    checks: Slots,
}

impl Default for LoginGuard {
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        LoginGuard {
            failures: Mutex::new(HashMap::new()),
            checks: Slots::new(cpus.clamp(1, 4)),
        }
    }
}

impl LoginGuard {
    fn keys(name: &str, client: Option<ClientKey>) -> Vec<(Key, Limit)> {
        let mut keys = vec![(Key::Name(name.trim().to_lowercase()), PER_NAME)];
        keys.extend(client.map(|a| (Key::Address(a), PER_ADDRESS)));
        keys
    }

    /// Admits an attempt, counting it as a failure in advance so that attempts running at the
    /// same time cannot slip past the limit together; `Err(seconds to wait)` when the name or
    /// the address is locked.
    pub fn admit(
        &self,
        name: &str,
        client: Option<ClientKey>,
        now: DateTime<Utc>,
    ) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let keys = Self::keys(name, client);
        let wait = keys
            .iter()
            .filter_map(|(key, limit)| map.get_mut(key)?.wait(now, *limit))
            .max();
        if let Some(d) = wait {
            return Err(d.num_seconds().max(1) as u64);
        }
        for (key, limit) in keys {
            map.entry(key).or_default().record(now, limit);
        }
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, f| !f.is_stale(now, PER_NAME.window.max(PER_ADDRESS.window)));
        }
        Ok(())
    }

    /// The attempt admitted at `admitted` was right: it is not a failure, and the account's
    /// earlier failures are cleared (the address's stay).
    pub fn succeeded(&self, name: &str, client: Option<ClientKey>, admitted: DateTime<Utc>) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&Key::Name(name.trim().to_lowercase()));
        if let Some(f) = client.and_then(|a| map.get_mut(&Key::Address(a))) {
            f.forget(admitted);
        }
    }

    /// Runs `f` (a password check) when one of the bounded slots is free.
    pub fn check<T>(&self, f: impl FnOnce() -> T) -> T {
        let _slot = self.checks.take();
        f()
    }
}

/// A counting semaphore for blocking code.
struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
}

struct Slot<'a>(&'a Slots);

impl Slots {
    fn new(n: usize) -> Slots {
        Slots {
            free: Mutex::new(n),
            freed: Condvar::new(),
        }
    }

    fn take(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_name_locks_after_five_failures_and_an_address_after_twenty() {
        let g = LoginGuard::default();
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let a = ClientKey::of("10.0.0.1".parse().unwrap(), 64);
        for _ in 0..5 {
            assert_eq!(g.admit("li", Some(a), now), Ok(()));
        }
        assert_eq!(g.admit("li", Some(a), now), Err(15 * 60));
        assert_eq!(
            g.admit(" LI ", None, now),
            Err(15 * 60),
            "names fold case and space"
        );
        // A right password from the address takes its own attempt back.
        assert_eq!(g.admit("wang", Some(a), now), Ok(()));
        g.succeeded("wang", Some(a), now);
        for i in 0..15 {
            assert_eq!(g.admit(&format!("n{i}"), Some(a), now), Ok(()));
        }
        assert_eq!(
            g.admit("wang", Some(a), now),
            Err(15 * 60),
            "the address is locked"
        );
        let b = ClientKey::of("10.0.0.2".parse().unwrap(), 64);
        assert_eq!(g.admit("wang", Some(b), now), Ok(()));
        g.succeeded("li", Some(b), now);
        assert_eq!(g.admit("li", Some(b), now), Ok(()));
    }

    #[test]
    fn slots_bound_concurrent_checks() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let slots = std::sync::Arc::new(Slots::new(2));
        let (running, peak) = (
            std::sync::Arc::new(AtomicUsize::new(0)),
            std::sync::Arc::new(AtomicUsize::new(0)),
        );
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (slots, running, peak) = (slots.clone(), running.clone(), peak.clone());
                std::thread::spawn(move || {
                    let _s = slots.take();
                    let n = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }
}
