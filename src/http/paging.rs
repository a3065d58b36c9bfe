//! Cursor pagination shared by every listing: `limit` and the opaque `cursor` in, one page and
//! `next_cursor` out.

use serde_json::json;

use crate::service::FieldError;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// Cursors are opaque to clients: the position after the last item, encoded.
pub fn encode_cursor(after: i64) -> String {
    hex::encode(format!("v1:{after}"))
}

pub fn decode_cursor(c: &str) -> Option<i64> {
    let raw = String::from_utf8(hex::decode(c).ok()?).ok()?;
    raw.strip_prefix("v1:")?
        .parse()
        .ok()
        .filter(|n: &i64| *n >= 0)
}

/// `(after, limit)` from the query parameters, recording a bad one in `errors`.
pub fn bounds(
    limit: Option<i64>,
    cursor: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> (i64, i64) {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        errors.push(FieldError::new(
            "limit",
            "range",
            format!("limit is between 1 and {MAX_LIMIT}"),
        ));
    }
    let after = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => decode_cursor(c).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "cursor",
                "format",
                "cursor is not one this API issued; start again without it",
            ));
            0
        }),
    };
    (after, limit)
}

/// One page from `items`, fetched with `limit + 1` so that a further item means a next page.
pub fn page<T>(
    mut items: Vec<T>,
    limit: i64,
    id: fn(&T) -> i64,
    render: fn(&T) -> serde_json::Value,
) -> serde_json::Value {
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next = if more {
        items.last().map(|i| encode_cursor(id(i)))
    } else {
        None
    };
    json!({"items": items.iter().map(render).collect::<Vec<_>>(), "next_cursor": next})
}
