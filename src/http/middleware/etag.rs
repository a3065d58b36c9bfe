//! Conditional requests for public answers (issue 14): a strong `ETag` that is the SHA-256 of the
//! answer's body, so it changes when and only when the answer does (a publication, a withdrawal,
//! a publicity period ending at midnight; not a staff edit the public cannot see), and is the
//! same from every instance sharing a database. `If-None-Match` with it gets 304 and no body.
//! The tag is computed once per answer, by `cache`, the one layer that reads a body whole.

use sha2::{Digest, Sha256};
use warp::http::header::{self, HeaderMap, HeaderValue};

/// The ETag of a body: a quoted prefix of its SHA-256 (128 bits).
pub fn of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&digest[..16]))
}

/// Whether an `If-None-Match` value names `etag` (a list, `*`, or weak forms compared weakly,
/// RFC 9110 §13.1.2).
pub fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

/// Gives the headers of a successful answer holding `body` its ETag and
/// `Cache-Control: public, max-age`.
pub fn tag(headers: &mut HeaderMap, body: &[u8], max_age: u32) {
    let cache = format!("public, max-age={max_age}");
    if let (Ok(e), Ok(c)) = (
        HeaderValue::from_str(&of(body)),
        HeaderValue::from_str(&cache),
    ) {
        headers.insert(header::ETAG, e);
        headers.insert(header::CACHE_CONTROL, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_follows_the_bytes() {
        assert_eq!(of(b"{}"), of(b"{}"));
        assert_ne!(of(b"{\"a\":1}"), of(b"{\"a\":2}"));
        assert_eq!(of(b"").len(), 34);
    }

    #[test]
    fn if_none_match_lists_stars_and_weak_tags() {
        let t = of(b"x");
        assert!(matches(&t, &t));
        assert!(matches(&format!("\"other\", {t}"), &t));
        assert!(matches(&format!("W/{t}"), &t));
        assert!(matches("*", &t));
        assert!(!matches("\"other\"", &t));
    }
}
