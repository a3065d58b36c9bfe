//! Failed-login throttling, as pure arithmetic over instants the caller supplies: a key (an
//! account name, a client address) that failed `limit` times within `window` is refused until
//! the oldest of those failures is `window` old.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};

/// One key's recent failures, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Failures(VecDeque<DateTime<Utc>>);

/// How many failures within how long lock a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub failures: usize,
    pub window: Duration,
}

impl Failures {
    fn forget_before(&mut self, now: DateTime<Utc>, window: Duration) {
        while self.0.front().is_some_and(|t| *t <= now - window) {
            self.0.pop_front();
        }
    }

    /// `None` when another attempt may be made now; otherwise how long until one may.
    pub fn wait(&mut self, now: DateTime<Utc>, limit: Limit) -> Option<Duration> {
        self.forget_before(now, limit.window);
        if self.0.len() < limit.failures {
            return None;
        }
        let oldest_that_counts = self.0[self.0.len() - limit.failures];
        Some(oldest_that_counts + limit.window - now)
    }

    pub fn record(&mut self, now: DateTime<Utc>, limit: Limit) {
        self.forget_before(now, limit.window);
        self.0.push_back(now);
        // Only the last `failures` ever matter.
        while self.0.len() > limit.failures {
            self.0.pop_front();
        }
    }

    /// Takes back one failure recorded at `at` (an attempt counted in advance that succeeded).
    pub fn forget(&mut self, at: DateTime<Utc>) {
        if let Some(i) = self.0.iter().rposition(|t| *t == at) {
            self.0.remove(i);
        }
    }

    /// No failure left within the window: the key can be dropped.
    pub fn is_stale(&mut self, now: DateTime<Utc>, window: Duration) -> bool {
        self.forget_before(now, window);
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const LIMIT: Limit = Limit {
        failures: 3,
        window: Duration::minutes(15),
    };

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn the_limit_locks_until_the_oldest_counting_failure_is_a_window_old() {
        let mut f = Failures::default();
        for m in [0, 1, 2] {
            assert_eq!(f.wait(at(m), LIMIT), None, "attempt at minute {m}");
            f.record(at(m), LIMIT);
        }
        // Three failures by minute 2: locked until minute 15, when the first one expires.
        assert_eq!(f.wait(at(3), LIMIT), Some(Duration::minutes(12)));
        assert_eq!(f.wait(at(14), LIMIT), Some(Duration::minutes(1)));
        assert_eq!(f.wait(at(15), LIMIT), None);
        // One more failure at 15 locks again until the second expires (minute 16).
        f.record(at(15), LIMIT);
        assert_eq!(f.wait(at(15), LIMIT), Some(Duration::minutes(1)));
    }

    #[test]
    fn an_attempt_counted_in_advance_can_be_taken_back() {
        let mut f = Failures::default();
        f.record(at(0), LIMIT);
        f.record(at(1), LIMIT);
        f.forget(at(1));
        f.forget(at(7));
        f.record(at(2), LIMIT);
        assert_eq!(f.wait(at(3), LIMIT), None, "two failures count, not three");
    }

    #[test]
    fn old_failures_are_forgotten() {
        let mut f = Failures::default();
        f.record(at(0), LIMIT);
        f.record(at(1), LIMIT);
        assert!(!f.is_stale(at(10), LIMIT.window));
        assert!(f.is_stale(at(16), LIMIT.window));
        assert_eq!(f.wait(at(16), LIMIT), None);
    }
}
