//! The open RFC 3797 verifier: anyone's draw (a pool size or labels, the number of picks, the
//! public random values) recomputed as gongshi computes its own. No database, no token.

use crate::domain::draw::rfc3797::{self, Key, Pick, SelectError};
use crate::domain::field::FieldError;

use super::ServiceError;

/// The largest pool the open verifier takes.
pub const MAX_POOL: usize = 1_000_000;

/// The request as it arrives: `pool_size` or `pool` (labels, in the pool's published order).
#[derive(Debug, Clone, Default)]
pub struct Rfc3797Request {
    pub pool_size: Option<u64>,
    pub pool: Option<Vec<String>>,
    pub picks: Option<u64>,
    pub sources: Option<Vec<Vec<u64>>>,
}

impl Rfc3797Request {
    /// What the answer costs a client of the public rate limit, in requests: one, plus one per
    /// 2,048 picks and one per 65,536 members of the pool (an MD5 and an index step per pick, and
    /// the pool's index; 65,536 picks from a million members was 60 ms of CPU and 7 MB). The
    /// limit charges at most its burst, so a full bucket always pays for one answer.
    pub fn cost(&self) -> u32 {
        let pool = self
            .pool_size
            .unwrap_or_else(|| self.pool.as_ref().map_or(0, |p| p.len() as u64));
        let picks = self.picks.unwrap_or(0);
        u32::try_from(1 + picks / 2_048 + pool / 65_536).unwrap_or(u32::MAX)
    }
}

/// The key and the picks, each with the label of the member it picked when labels were given.
#[derive(Debug, Clone)]
pub struct Rfc3797Answer {
    pub key: Key,
    pub picks: Vec<(Pick, Option<String>)>,
}

/// Recomputes a selection; every unusable field is reported at once (400 problem+json).
pub fn rfc3797(req: Rfc3797Request) -> Result<Rfc3797Answer, ServiceError> {
    let mut errors = Vec::new();
    let pool = match (req.pool_size, &req.pool) {
        (Some(_), Some(_)) => {
            errors.push(FieldError::new(
                "pool",
                "exclusive",
                "give either pool_size or pool, not both",
            ));
            None
        }
        (None, None) => {
            errors.push(FieldError::new(
                "pool_size",
                "required",
                "give pool_size (the number of members) or pool (their labels, in order)",
            ));
            None
        }
        (Some(n), None) if n > MAX_POOL as u64 => {
            errors.push(FieldError::new(
                "pool_size",
                "too_large",
                format!("pool_size is at most {MAX_POOL}"),
            ));
            None
        }
        (Some(n), None) => Some(n as usize),
        (None, Some(labels)) if labels.len() > MAX_POOL => {
            errors.push(FieldError::new(
                "pool",
                "too_large",
                format!("pool has at most {MAX_POOL} labels"),
            ));
            None
        }
        (None, Some(labels)) => Some(labels.len()),
    };
    let picks = match req.picks {
        None => {
            errors.push(FieldError::new(
                "picks",
                "required",
                "picks (how many members to pick) is required",
            ));
            None
        }
        Some(p) => Some(p.min(u64::from(u32::MAX)) as usize),
    };
    let key = match req.sources.as_deref() {
        None => {
            errors.push(FieldError::new(
                "sources",
                "required",
                "sources (one list of non-negative integers per random source) is required",
            ));
            None
        }
        Some(s) => match Key::from_sources(s) {
            Ok(k) => Some(k),
            Err(e) => {
                let code = match e {
                    SelectError::NoSources => "required",
                    _ => "empty",
                };
                errors.push(FieldError::new("sources", code, e.to_string()));
                None
            }
        },
    };
    let (Some(pool), Some(picks), Some(key)) = (pool, picks, key) else {
        return Err(ServiceError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(ServiceError::Validation(errors));
    }
    let selected = rfc3797::select(&key, pool, picks).map_err(|e| {
        let code = match e {
            SelectError::PicksOverPool { .. } => "over_pool",
            _ => "too_many",
        };
        ServiceError::invalid("picks", code, e.to_string())
    })?;
    let picks = selected
        .into_iter()
        .map(|p| {
            let label = req
                .pool
                .as_ref()
                .and_then(|labels| labels.get(p.position - 1).cloned());
            (p, label)
        })
        .collect();
    Ok(Rfc3797Answer { key, picks })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: ServiceError) -> Vec<(String, String)> {
        match e {
            ServiceError::Validation(errors) => errors
                .into_iter()
                .map(|e| (e.field.to_string(), e.code.to_string()))
                .collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    fn pair(f: &str, c: &str) -> (String, String) {
        (f.to_string(), c.to_string())
    }

    #[test]
    fn labels_name_the_picked_members() {
        let pool: Vec<String> = (1..=25).map(|i| format!("member {i}")).collect();
        let a = rfc3797(Rfc3797Request {
            pool: Some(pool),
            picks: Some(2),
            sources: Some(vec![
                vec![9319],
                vec![2, 5, 12, 8, 10],
                vec![9, 18, 26, 34, 41, 45],
            ]),
            ..Default::default()
        })
        .unwrap();
        let labels: Vec<Option<String>> = a.picks.iter().map(|(_, l)| l.clone()).collect();
        assert_eq!(
            labels,
            vec![Some("member 17".into()), Some("member 7".into())]
        );
    }

    #[test]
    fn every_missing_field_is_named_at_once() {
        assert_eq!(
            fields(rfc3797(Rfc3797Request::default()).unwrap_err()),
            vec![
                pair("pool_size", "required"),
                pair("picks", "required"),
                pair("sources", "required")
            ]
        );
        assert_eq!(
            fields(
                rfc3797(Rfc3797Request {
                    pool_size: Some(3),
                    pool: Some(vec!["a".into()]),
                    picks: Some(1),
                    sources: Some(vec![]),
                })
                .unwrap_err()
            ),
            vec![pair("pool", "exclusive"), pair("sources", "required")]
        );
    }

    #[test]
    fn limits_are_refused_by_field() {
        let req = |pool_size, picks, sources: Vec<Vec<u64>>| Rfc3797Request {
            pool_size: Some(pool_size),
            picks: Some(picks),
            sources: Some(sources),
            ..Default::default()
        };
        assert_eq!(
            fields(rfc3797(req(1_000_001, 1, vec![vec![1]])).unwrap_err()),
            vec![pair("pool_size", "too_large")]
        );
        assert_eq!(
            fields(rfc3797(req(5, 6, vec![vec![1]])).unwrap_err()),
            vec![pair("picks", "over_pool")]
        );
        assert_eq!(
            fields(rfc3797(req(1_000_000, 70_000, vec![vec![1]])).unwrap_err()),
            vec![pair("picks", "too_many")]
        );
        assert_eq!(
            fields(rfc3797(req(5, 1, vec![vec![1], vec![]])).unwrap_err()),
            vec![pair("sources", "empty")]
        );
        assert!(rfc3797(req(1_000_000, 3, vec![vec![1]])).is_ok());
    }
}
