//! A token bucket, as pure arithmetic over instants the caller supplies: a client may make
//! `burst` requests at once and `per_second` more every second after.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: u32,
}

/// One client's bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
}

impl Bucket {
    /// A full bucket.
    pub fn new(rate: Rate, now: DateTime<Utc>) -> Bucket {
        Bucket {
            tokens: f64::from(rate.burst),
            at: now,
        }
    }

    fn refill(&mut self, rate: Rate, now: DateTime<Utc>) {
        let elapsed = (now - self.at)
            .num_microseconds()
            .unwrap_or(i64::MAX)
            .max(0) as f64
            / 1e6;
        self.tokens = (self.tokens + elapsed * rate.per_second).min(f64::from(rate.burst));
        self.at = now.max(self.at);
    }

    /// Takes a token: `Ok`, or the whole seconds until one is there (at least 1).
    pub fn take(&mut self, rate: Rate, now: DateTime<Utc>) -> Result<(), u64> {
        self.take_n(rate, now, 1)
    }

    /// Takes `n` tokens at once (a costly request; at most the burst, which a full bucket holds):
    /// `Ok`, or the whole seconds until they are there (at least 1). Nothing is taken when
    /// refused.
    pub fn take_n(&mut self, rate: Rate, now: DateTime<Utc>, n: u32) -> Result<(), u64> {
        self.refill(rate, now);
        let n = f64::from(n.min(rate.burst));
        if self.tokens >= n {
            self.tokens -= n;
            return Ok(());
        }
        let wait = (n - self.tokens) / rate.per_second;
        Err((wait.ceil() as u64).max(1))
    }

    /// Whether the bucket is full again at `now` (so forgetting it changes nothing).
    pub fn is_full(&self, rate: Rate, now: DateTime<Utc>) -> bool {
        let mut b = *self;
        b.refill(rate, now);
        b.tokens >= f64::from(rate.burst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t0() -> DateTime<Utc> {
        "2026-12-01T02:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_burst_then_the_rate() {
        let rate = Rate {
            per_second: 2.0,
            burst: 3,
        };
        let mut b = Bucket::new(rate, t0());
        for _ in 0..3 {
            assert_eq!(b.take(rate, t0()), Ok(()));
        }
        assert_eq!(b.take(rate, t0()), Err(1));
        // Half a second later one token is back, and only one.
        let later = t0() + Duration::milliseconds(500);
        assert_eq!(b.take(rate, later), Ok(()));
        assert_eq!(b.take(rate, later), Err(1));
        // Long idle refills to the burst, not beyond.
        let idle = later + Duration::hours(1);
        assert!(b.is_full(rate, idle));
        for _ in 0..3 {
            assert_eq!(b.take(rate, idle), Ok(()));
        }
        assert!(b.take(rate, idle).is_err());
    }

    #[test]
    fn a_costly_request_takes_several_tokens_or_none() {
        let rate = Rate {
            per_second: 10.0,
            burst: 40,
        };
        let mut b = Bucket::new(rate, t0());
        assert_eq!(b.take_n(rate, t0(), 32), Ok(()));
        // 8 left: a second costly request waits for 24 more, 2.4 s, and takes nothing meanwhile.
        assert_eq!(b.take_n(rate, t0(), 32), Err(3));
        for _ in 0..8 {
            assert_eq!(b.take(rate, t0()), Ok(()));
        }
        // More than the burst costs the burst: a full bucket pays for it.
        let full = t0() + Duration::seconds(10);
        assert_eq!(b.take_n(rate, full, 1000), Ok(()));
        assert!(b.take(rate, full).is_err());
    }

    #[test]
    fn a_slow_rate_names_the_whole_seconds_to_wait() {
        let rate = Rate {
            per_second: 0.1,
            burst: 1,
        };
        let mut b = Bucket::new(rate, t0());
        assert_eq!(b.take(rate, t0()), Ok(()));
        assert_eq!(b.take(rate, t0()), Err(10));
        assert_eq!(b.take(rate, t0() + Duration::seconds(4)), Err(6));
        // A clock that steps back gives no tokens.
        assert_eq!(b.take(rate, t0() - Duration::seconds(60)), Err(6));
    }
}
