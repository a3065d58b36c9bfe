//! The audit log's hash chain (DESIGN §8): each record's hash covers its own fields and the hash
//! of the record before it, so editing or deleting any record breaks every later link.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One record's content, as it is hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    /// Naive UTC, truncated to the microsecond (what both databases keep).
    pub recorded_at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// A stored record: the entry and its links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub entry: AuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

/// The authority an entry's object belongs to: a decision's and a bound account's (from the
/// record's after state, else its before state), an authority's own; `None` for the shared
/// registers (directory, roster, calendar, plans, items) and for logins, imports and exports. An
/// account bound to an authority reads only the records of its own (issue 23). Derived, never
/// hashed: the migration that added it computed it the same way for older records.
pub fn authority_of(e: &AuditEntry) -> Option<i64> {
    match e.object_type.as_str() {
        "penalty" | "user" => [&e.after_json, &e.before_json]
            .into_iter()
            .flatten()
            .find_map(|json| {
                serde_json::from_str::<serde_json::Value>(json)
                    .ok()?
                    .get("authority_id")?
                    .as_i64()
            }),
        "authority" => e.object_id.parse().ok(),
        _ => None,
    }
}

/// SHA-256, hex, over the previous hash and every field, each length-prefixed so that no two
/// different records encode the same bytes.
pub fn chain_hash(prev_hash: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let mut field = |value: Option<&str>| match value {
        Some(v) => {
            h.update(format!("{}:", v.len()).as_bytes());
            h.update(v.as_bytes());
        }
        None => h.update(b"-"),
    };
    field(Some("gongshi-audit-v1"));
    field(Some(prev_hash));
    field(Some(&e.seq.to_string()));
    field(Some(
        &e.recorded_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
    ));
    field(Some(&e.actor));
    field(Some(&e.action));
    field(Some(&e.object_type));
    field(Some(&e.object_id));
    field(e.before_json.as_deref());
    field(e.after_json.as_deref());
    hex::encode(h.finalize())
}

/// Why a stored chain does not verify, naming the first record at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("record {found} follows record {previous}: records are missing or reordered")]
    Gap { previous: i64, found: i64 },
    #[error("record {seq} does not point at the hash of the record before it")]
    PrevHashMismatch { seq: i64 },
    #[error("record {seq} was altered: its content no longer matches its hash")]
    HashMismatch { seq: i64 },
}

impl ChainBreak {
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::Gap { found, .. } => *found,
            ChainBreak::PrevHashMismatch { seq } | ChainBreak::HashMismatch { seq } => *seq,
        }
    }
}

/// Checks records one at a time, in `seq` order, so a long log can be streamed.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    last_seq: i64,
    last_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            last_seq: 0,
            last_hash: GENESIS_HASH.to_string(),
        }
    }
}

impl ChainVerifier {
    pub fn check(
        &mut self,
        entry: &AuditEntry,
        prev_hash: &str,
        hash: &str,
    ) -> Result<(), ChainBreak> {
        if entry.seq != self.last_seq + 1 {
            return Err(ChainBreak::Gap {
                previous: self.last_seq,
                found: entry.seq,
            });
        }
        if prev_hash != self.last_hash {
            return Err(ChainBreak::PrevHashMismatch { seq: entry.seq });
        }
        if chain_hash(prev_hash, entry) != hash {
            return Err(ChainBreak::HashMismatch { seq: entry.seq });
        }
        self.last_seq = entry.seq;
        self.last_hash = hash.to_string();
        Ok(())
    }

    /// How many records have verified so far.
    pub fn verified(&self) -> i64 {
        self.last_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_records_authority_comes_from_its_object() {
        let e = |object_type: &str, object_id: &str, before: Option<&str>, after: Option<&str>| {
            AuditEntry {
                seq: 1,
                recorded_at: NaiveDateTime::default(),
                actor: "a".into(),
                action: "x".into(),
                object_type: object_type.into(),
                object_id: object_id.into(),
                before_json: before.map(str::to_string),
                after_json: after.map(str::to_string),
            }
        };
        let penalty = e("penalty", "9", None, Some(r#"{"authority_id":2,"x":1}"#));
        assert_eq!(authority_of(&penalty), Some(2));
        let unbound = e(
            "user",
            "3",
            Some(r#"{"authority_id":4}"#),
            Some(r#"{"authority_id":null}"#),
        );
        assert_eq!(authority_of(&unbound), Some(4), "the authority it left");
        assert_eq!(
            authority_of(&e("authority", "7", None, Some("{}"))),
            Some(7)
        );
        assert_eq!(
            authority_of(&e(
                "entity",
                "91640100",
                None,
                Some(r#"{"authority_id":2}"#)
            )),
            None
        );
        assert_eq!(
            authority_of(&e("penalty", "9", None, Some("not json"))),
            None
        );
    }
    use chrono::NaiveDate;

    fn entry(seq: i64) -> AuditEntry {
        AuditEntry {
            seq,
            recorded_at: NaiveDate::from_ymd_opt(2026, 11, 24)
                .unwrap()
                .and_hms_micro_opt(1, 2, 3, 4)
                .unwrap(),
            actor: "admin".into(),
            action: "user.create".into(),
            object_type: "user".into(),
            object_id: seq.to_string(),
            before_json: None,
            after_json: Some(format!(r#"{{"seq":{seq}}}"#)),
        }
    }

    fn chain(n: i64) -> Vec<(AuditEntry, String, String)> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|s| {
                let e = entry(s);
                let h = chain_hash(&prev, &e);
                let out = (e, prev.clone(), h.clone());
                prev = h;
                out
            })
            .collect()
    }

    fn verify(records: &[(AuditEntry, String, String)]) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for (e, p, h) in records {
            v.check(e, p, h)?;
        }
        Ok(v.verified())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn an_edited_field_is_caught_at_that_record() {
        let mut records = chain(5);
        records[2].0.after_json = Some(r#"{"seq":99}"#.into());
        assert_eq!(verify(&records), Err(ChainBreak::HashMismatch { seq: 3 }));
        let mut records = chain(5);
        records[3].0.actor = "mallory".into();
        assert_eq!(verify(&records), Err(ChainBreak::HashMismatch { seq: 4 }));
    }

    #[test]
    fn a_deleted_record_is_caught_as_a_gap() {
        let mut records = chain(5);
        records.remove(1);
        assert_eq!(
            verify(&records),
            Err(ChainBreak::Gap {
                previous: 1,
                found: 3
            })
        );
        let mut records = chain(5);
        records.remove(0);
        assert_eq!(
            verify(&records),
            Err(ChainBreak::Gap {
                previous: 0,
                found: 2
            })
        );
    }

    #[test]
    fn a_rehashed_record_breaks_the_next_link() {
        // An attacker edits record 2 and recomputes its hash; record 3 still points at the old one.
        let mut records = chain(4);
        records[1].0.object_id = "forged".into();
        records[1].2 = chain_hash(&records[1].1, &records[1].0);
        assert_eq!(
            verify(&records),
            Err(ChainBreak::PrevHashMismatch { seq: 3 })
        );
    }

    #[test]
    fn none_and_empty_text_hash_differently() {
        let a = entry(1);
        let mut b = entry(1);
        b.before_json = Some(String::new());
        assert_ne!(chain_hash(GENESIS_HASH, &a), chain_hash(GENESIS_HASH, &b));
    }
}
