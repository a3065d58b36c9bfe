//! CORS (issue 14): portals read public answers from their own pages. Answers of a route whose
//! audience is shared with other sites (`routes::Audience::shared_with_other_sites`: public data
//! and assets), problems included, carry `Access-Control-Allow-Origin`, and their preflights are
//! answered; staff routes never carry a CORS header, so a browser on another site cannot read a
//! staff answer.

use warp::http::header::{self, HeaderMap, HeaderValue};
use warp::http::{Method, StatusCode};
use warp::reply::Response;

/// Which origins may read public answers (`GONGSHI_CORS_ORIGINS`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origins {
    /// `*`: any site (the default: the public data is public).
    #[default]
    Any,
    /// Only these origins (`https://www.example.gov.cn`), echoed with `Vary: Origin`.
    List(Vec<String>),
}

impl Origins {
    /// `*` (or empty) for any; otherwise a comma-separated list of origins such as
    /// `https://www.yinchuan.gov.cn`.
    pub fn parse(value: &str) -> Result<Origins, String> {
        let v = value.trim();
        if v.is_empty() || v == "*" {
            return Ok(Origins::Any);
        }
        let mut list = Vec::new();
        for o in v.split(',').map(str::trim).filter(|o| !o.is_empty()) {
            let ok = (o.starts_with("https://") || o.starts_with("http://"))
                && !o.ends_with('/')
                && o.split("//")
                    .nth(1)
                    .is_some_and(|host| !host.is_empty() && !host.contains('/'));
            if !ok {
                return Err(format!(
                    "{o:?} is not an origin: scheme and host (and port), such as https://www.example.gov.cn"
                ));
            }
            list.push(o.to_string());
        }
        Ok(Origins::List(list))
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, if it may read.
    fn allow(&self, origin: Option<&str>) -> Option<HeaderValue> {
        match self {
            Origins::Any => Some(HeaderValue::from_static("*")),
            Origins::List(list) => origin
                .filter(|o| list.iter().any(|l| l == o))
                .and_then(|o| HeaderValue::from_str(o).ok()),
        }
    }
}

/// Adds the CORS headers to an answer other sites may read (the route's audience says which).
pub fn add_origin(origins: &Origins, origin: Option<&str>, headers: &mut HeaderMap) {
    if let Origins::List(_) = origins {
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    if let Some(v) = origins.allow(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
}

/// The method a preflight asks about: `Access-Control-Request-Method` of an `OPTIONS` request.
pub fn preflight_method(method: &Method, headers: &HeaderMap) -> Option<Method> {
    if method != Method::OPTIONS {
        return None;
    }
    headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)?
        .to_str()
        .ok()
        .and_then(|m| Method::from_bytes(m.as_bytes()).ok())
}

/// The answer to a preflight asking for `asked` on a route other sites may read: 204 with the
/// method, the headers a portal sends, and a day's caching. (A preflight of any other route is
/// answered as any other request: a staff path gets no CORS header.)
pub fn preflight(origins: &Origins, asked: &Method, origin: Option<&str>) -> Response {
    let mut res = Response::new(Default::default());
    *res.status_mut() = StatusCode::NO_CONTENT;
    let h = res.headers_mut();
    add_origin(origins, origin, h);
    let methods = if *asked == Method::POST {
        "POST"
    } else {
        "GET, HEAD"
    };
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(methods),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type, if-none-match"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_parse_strictly() {
        assert_eq!(Origins::parse("*"), Ok(Origins::Any));
        assert_eq!(Origins::parse(""), Ok(Origins::Any));
        assert_eq!(
            Origins::parse("https://www.yinchuan.gov.cn, http://localhost:8000"),
            Ok(Origins::List(vec![
                "https://www.yinchuan.gov.cn".into(),
                "http://localhost:8000".into()
            ]))
        );
        for bad in [
            "www.yinchuan.gov.cn",
            "https://a.cn/",
            "https://a.cn/path",
            "https://",
        ] {
            assert!(Origins::parse(bad).is_err(), "{bad}");
        }
    }
}
