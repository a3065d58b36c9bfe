//! `gongshi audit private-text`: what is already stored, read through the private-data check
//! that every write now passes (`domain::private_data`, issue 23). Records written before the
//! check (a withdrawal reason with the party's ID number, say) stay public until someone finds
//! them; this finds them. It names each record and field, never the text.

use super::{App, ServiceError};
use crate::domain::field::FieldError;
use crate::domain::private_data;
use crate::store;

/// One stored public text that the check refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `penalty`, `plan`, `entity`, `inspector` or `inspection_item`.
    pub object_type: &'static str,
    pub object_id: String,
    pub field: String,
    /// What was found, as the refusal says it.
    pub message: String,
}

const BATCH: i64 = 1_000;

/// Every stored public text the check refuses, by object type and id.
pub fn scan(app: &App) -> Result<Vec<Finding>, ServiceError> {
    let conn = &mut *app.conn()?;
    let mut out = Vec::new();
    let mut found = |object_type: &'static str, id: String, errors: Vec<FieldError>| {
        out.extend(errors.into_iter().map(|e| Finding {
            object_type,
            object_id: id.clone(),
            field: e.field,
            message: e.message,
        }));
    };

    let masks: std::collections::HashMap<i64, bool> = store::authorities::list(conn)?
        .into_iter()
        .map(|a| (a.id, a.fields.mask_natural_person_names))
        .collect();
    store::penalties::each_batch(conn, Default::default(), |batch| {
        for r in batch {
            let mask = masks.get(&r.authority_id).copied().unwrap_or(true);
            let mut errors = r.fields.private_in_public_text(mask);
            if let Some(reason) = &r.progress.workflow.withdrawal_reason {
                errors.extend(private_data::refusal(
                    "withdrawal_reason",
                    reason,
                    &r.fields.party_secrets(mask),
                ));
            }
            found("penalty", r.id.to_string(), errors);
        }
        Ok::<_, ServiceError>(())
    })?;

    let mut after = 0;
    loop {
        let batch = store::plans::page(conn, false, None, after, BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for p in &batch {
            let mut errors = p.fields.private_in_public_text();
            if let Some(v) = &p.void {
                errors.extend(private_data::refusal(
                    "void.reason",
                    &v.reason,
                    &Default::default(),
                ));
            }
            found("plan", p.id.to_string(), errors);
        }
    }

    for item in store::inspection_items::current(conn)? {
        found(
            "inspection_item",
            item.code.as_str().to_string(),
            item.fields.private_in_public_text(),
        );
    }

    let mut after = 0;
    loop {
        let batch = store::inspectors::page(conn, after, BATCH, None)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for i in &batch {
            found(
                "inspector",
                i.fields.certificate_no.as_str().to_string(),
                i.fields.private_in_public_text(),
            );
        }
    }

    let mut after = 0;
    loop {
        let batch = store::entities::page(conn, after, BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for e in &batch {
            found(
                "entity",
                e.fields.credit_code.to_string(),
                e.fields.private_in_public_text(),
            );
        }
    }
    Ok(out)
}
