//! Cursor pagination shared by every listing: `limit` and the opaque `cursor` in, one slice of
//! records and the cursor of the next out. Cursors are opaque to clients: the position after the
//! last item, encoded.

use crate::domain::field::FieldError;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

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

/// The refusal of a cursor that does not decode.
pub fn bad_cursor() -> FieldError {
    FieldError::new(
        "cursor",
        "format",
        "cursor is not one this API issued; start again without it",
    )
    .zh("翻页游标不是本接口给出的（或来自旧版本）：请去掉 cursor，从第一页重新开始")
}

/// Which page a listing asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Only records with an id above this.
    pub after: i64,
    pub limit: i64,
}

impl PageRequest {
    /// From the query parameters, recording a bad one in `errors`.
    pub fn parse(limit: Option<i64>, cursor: Option<&str>, errors: &mut Vec<FieldError>) -> Self {
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
                errors.push(bad_cursor());
                0
            }),
        };
        PageRequest { after, limit }
    }

    /// How many records to fetch: one more than the page, so a further one means a next page.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

/// One page of records and the cursor of the next, if there is more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slice<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Slice<T> {
    /// From `items` fetched with [`PageRequest::fetch`], in id order.
    pub fn of(items: Vec<T>, page: PageRequest, id: fn(&T) -> i64) -> Slice<T> {
        Slice::continued(items, page, |i| encode_cursor(id(i)))
    }

    /// From `items` fetched with [`PageRequest::fetch`], the next page continuing after the
    /// last item as `cursor` encodes it.
    pub fn continued(
        mut items: Vec<T>,
        page: PageRequest,
        cursor: impl Fn(&T) -> String,
    ) -> Slice<T> {
        let more = items.len() as i64 > page.limit;
        items.truncate(page.limit as usize);
        let next_cursor = if more { items.last().map(cursor) } else { None };
        Slice { items, next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_forged_ones_are_refused() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        for forged in [
            "",
            "zz",
            "7631",
            &hex::encode("v1:-5"),
            &hex::encode("v2:5"),
        ] {
            assert_eq!(decode_cursor(forged), None, "{forged}");
        }
    }

    #[test]
    fn a_page_knows_whether_more_follow() {
        let page = PageRequest { after: 0, limit: 2 };
        let s = Slice::of(vec![1_i64, 2, 3], page, |i| *i);
        assert_eq!(
            (s.items, s.next_cursor),
            (vec![1, 2], Some(encode_cursor(2)))
        );
        let s = Slice::of(vec![1_i64, 2], page, |i| *i);
        assert_eq!((s.items, s.next_cursor), (vec![1, 2], None));
    }

    #[test]
    fn bad_limits_and_cursors_name_their_parameter() {
        let mut errors = Vec::new();
        PageRequest::parse(Some(0), Some("nope"), &mut errors);
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "cursor"]);
    }
}
