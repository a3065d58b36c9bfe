//! A console form as it arrives (`application/x-www-form-urlencoded`, at most 256 KiB), and the
//! CSRF check of a form that writes.

use std::sync::Arc;

use bytes::Bytes;
use warp::{Filter, Rejection};

use super::{signed_in, Session, StaleForm};
use crate::http::filters::body_up_to;
use crate::http::AppState;

/// The most a console form may send.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// A form's fields in order (a checkbox group repeats its name).
#[derive(Debug, Clone, Default)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        Form(
            url::form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, if any (a checkbox group repeats it).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name` as given, or `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string)
    }
}

/// A form body, whatever its content type claims (a browser's form is urlencoded; anything
/// else parses to no fields and fails the CSRF check).
pub fn form() -> impl Filter<Extract = (Form,), Error = Rejection> + Clone {
    body_up_to(MAX_FORM_BYTES).map(|b: Bytes| Form::parse(&b))
}

/// A signed-in member of staff's form that writes: refused ([`StaleForm`]) unless its `csrf`
/// field is this session's token.
pub fn checked(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Session, Form), Error = Rejection> + Clone {
    signed_in(state)
        .and(form())
        .and_then(|s: Session, f: Form| async move {
            let given = f.get("csrf").unwrap_or_default();
            if crate::service::sessions::csrf_matches(&s.cookie, given) {
                Ok((s, f))
            } else {
                Err(warp::reject::custom(StaleForm))
            }
        })
        .untuple_one()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_reads_its_fields_decoded() {
        let f = Form::parse("a=1&t=fine&t=warning&name=%E6%98%9F+%E5%85%89&blank=+".as_bytes());
        assert_eq!(f.get("a"), Some("1"));
        assert_eq!(f.get("t"), Some("fine"));
        assert_eq!(f.get("name"), Some("星 光"));
        assert_eq!(f.text("blank"), None);
        assert_eq!(f.get("missing"), None);
    }
}
