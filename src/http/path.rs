//! Paths: the `/api/v1` prefix every API route shares, and decoding a path segment.

use warp::{Filter, Rejection};

/// `/api/v1`, for routes that go on with `warp::path!(…)`.
pub fn api() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::path("api").and(warp::path("v1"))
}

/// A path segment, percent-decoded. In a path (RFC 3986) `+` is a plus sign, unlike in a query
/// string in the `application/x-www-form-urlencoded` form browsers send, where it is a space
/// (query strings are decoded that way by `filters::query`). Invalid UTF-8 becomes U+FFFD.
pub fn segment(raw: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", raw.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plus_in_a_path_is_a_plus_and_escapes_are_decoded() {
        assert_eq!(segment("A+B"), "A+B");
        assert_eq!(segment("A%2BB"), "A+B");
        assert_eq!(segment("A%20B"), "A B");
        assert_eq!(segment("%E6%98%9F"), "星");
        assert_eq!(segment("2026-01-01"), "2026-01-01");
        assert_eq!(segment("%FF"), "\u{FFFD}");
    }
}
