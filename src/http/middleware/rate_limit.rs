//! Per-client rate limiting of public answers (issue 14): a token bucket per client address
//! (`domain::rate`); over the limit a request gets 429 problem+json with `Retry-After` before any
//! work is done. Loopback clients are not limited unless asked (the operator's own tools, a
//! reverse proxy on the same machine without `trust_forwarded_for`). Behind a reverse proxy, set
//! `trust_forwarded_for`: the client is then the last address of `X-Forwarded-For`, the one the
//! proxy appended. Who the client is (an IPv6 /64, an IPv4-mapped address as IPv4, an unreadable
//! or loopback forwarded entry as one shared limited client) is `domain::client`'s answer, resolved
//! once per request by `middleware::client`, which the login throttle and the access log use too.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::domain::client::{ClientKey, DEFAULT_IPV6_PREFIX};

use crate::domain::rate::{Bucket, Rate};

/// Clients remembered at most; past it, full (idle) buckets are forgotten.
const MAX_CLIENTS: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateSettings {
    /// `None`: no limit.
    pub rate: Option<Rate>,
    pub limit_loopback: bool,
    pub trust_forwarded_for: bool,
    /// IPv6 clients are counted by this many leading bits of their address.
    pub ipv6_prefix: u8,
}

impl Default for RateSettings {
    fn default() -> Self {
        RateSettings {
            rate: Some(Rate {
                per_second: 20.0,
                burst: 40,
            }),
            limit_loopback: false,
            trust_forwarded_for: false,
            ipv6_prefix: DEFAULT_IPV6_PREFIX,
        }
    }
}

#[derive(Debug, Default)]
pub struct Limiter {
    settings: RateSettings,
    buckets: Mutex<HashMap<ClientKey, Bucket>>,
}

impl Limiter {
    pub fn new(settings: RateSettings) -> Limiter {
        Limiter {
            settings,
            buckets: Mutex::default(),
        }
    }

    /// Charges `client` `tokens` more (a costly public request, on top of the one every request
    /// costs; at most what a full bucket holds): `Ok`, or the seconds to wait. The same
    /// exemptions as [`Limiter::check`].
    pub fn charge(
        &self,
        client: Option<ClientKey>,
        tokens: u32,
        now: DateTime<Utc>,
    ) -> Result<(), u64> {
        let (Some(rate), Some(client)) = (self.settings.rate, client) else {
            return Ok(());
        };
        if tokens == 0 || (client.is_loopback() && !self.settings.limit_loopback) {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        buckets
            .entry(client)
            .or_insert_with(|| Bucket::new(rate, now))
            .take_n(rate, now, tokens.min(rate.burst.saturating_sub(1)))
    }

    /// `Ok`, or the seconds to wait before the client's next request. A request whose client is
    /// not known (no peer address: not served by the connection loop) is not limited.
    pub fn check(&self, client: Option<ClientKey>, now: DateTime<Utc>) -> Result<(), u64> {
        let Some(rate) = self.settings.rate else {
            return Ok(());
        };
        let Some(client) = client else {
            return Ok(());
        };
        if client.is_loopback() && !self.settings.limit_loopback {
            return Ok(());
        }
        let mut buckets = match self.buckets.lock() {
            Ok(b) => b,
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() >= MAX_CLIENTS {
            buckets.retain(|_, b| !b.is_full(rate, now));
        }
        buckets
            .entry(client)
            .or_insert_with(|| Bucket::new(rate, now))
            .take(rate, now)
    }
}
