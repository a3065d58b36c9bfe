//! Per-client rate limiting of the public group (issue 14): a token bucket per client address
//! (`domain::rate`); over the limit a request gets 429 problem+json with `Retry-After` before any
//! work is done. Loopback clients are not limited unless asked (the operator's own tools, a
//! reverse proxy on the same machine without `trust_forwarded_for`). Behind a reverse proxy, set
//! `trust_forwarded_for`: the client is then the last address of `X-Forwarded-For`, the one the
//! proxy appended.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use warp::http::HeaderMap;

use crate::domain::rate::{Bucket, Rate};

/// Clients remembered at most; past it, full (idle) buckets are forgotten.
const MAX_CLIENTS: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateSettings {
    /// `None`: no limit.
    pub rate: Option<Rate>,
    pub limit_loopback: bool,
    pub trust_forwarded_for: bool,
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
        }
    }
}

#[derive(Debug, Default)]
pub struct Limiter {
    settings: RateSettings,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl Limiter {
    pub fn new(settings: RateSettings) -> Limiter {
        Limiter {
            settings,
            buckets: Mutex::default(),
        }
    }

    /// The client a request counts against.
    fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        if self.settings.trust_forwarded_for {
            // Only the last entry: the one our proxy appended (earlier ones the client wrote).
            let entries: Vec<&str> = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .collect();
            let forwarded = entries.last().and_then(|a| a.trim().parse::<IpAddr>().ok());
            if forwarded.is_some() {
                return forwarded;
            }
        }
        peer
    }

    /// `Ok`, or the seconds to wait before the client's next request.
    pub fn check(
        &self,
        peer: Option<IpAddr>,
        headers: &HeaderMap,
        now: DateTime<Utc>,
    ) -> Result<(), u64> {
        let Some(rate) = self.settings.rate else {
            return Ok(());
        };
        let Some(client) = self.client(peer, headers) else {
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
