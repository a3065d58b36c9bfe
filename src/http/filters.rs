//! Small shared filters: state, a length-limited JSON body, a query string that names its bad
//! parameter, and the bearer-token check.

use std::sync::Arc;

use bytes::{Buf, Bytes};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use warp::http::StatusCode;
use warp::{Filter, Rejection};

use std::time::Duration;

use super::limits::{BodyDeadline, DEFAULT_BODY_READ_TIMEOUT, MAX_BODY_BYTES, MIN_BODY_RATE};
use super::problem::{body_timeout, reject, too_large, unsupported_media_type, Problem};
use super::AppState;
use crate::domain::client::ClientKey;
use crate::domain::policy::Action;
use crate::service::{self, Actor, FieldError, ServiceError};

/// GET, and HEAD for the same route (RFC 9110 §9.3.2): the server sends HEAD's headers without
/// the body.
pub fn get() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::get().or(warp::head()).unify()
}

/// A request header as text, or `None` when absent. A value that is not visible ASCII (which
/// warp's own header filters reject with a bare 400 outside the problem+json recovery) is read
/// lossily, so it reaches the check that refuses it properly (401, 415, no match).
pub fn text_header(
    name: &'static str,
) -> impl Filter<Extract = (Option<String>,), Error = std::convert::Infallible> + Clone {
    warp::header::headers_cloned().map(move |h: warp::http::HeaderMap| {
        h.get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    })
}

/// Who the request counts against, as the pipeline resolved it (`middleware::client`: the peer,
/// or behind a trusted proxy its forwarded address): the same client the rate limit and the
/// access log see.
pub fn client(
) -> impl Filter<Extract = (Option<ClientKey>,), Error = std::convert::Infallible> + Clone {
    warp::ext::optional::<super::middleware::client::Client>()
        .map(|c: Option<super::middleware::client::Client>| c.and_then(|c| c.key))
}

pub fn with_state(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Arc<AppState>,), Error = std::convert::Infallible> + Clone {
    warp::any().map(move || state.clone())
}

/// The raw body, at most [`MAX_BODY_BYTES`], whether or not the client sent a Content-Length.
pub fn limited_body() -> impl Filter<Extract = (Bytes,), Error = Rejection> + Clone {
    body_up_to(MAX_BODY_BYTES)
}

/// The raw body, at most `max` bytes, whether or not the client sent a Content-Length.
pub fn body_up_to(max: usize) -> impl Filter<Extract = (Bytes,), Error = Rejection> + Clone {
    warp::header::optional::<u64>("content-length")
        .and_then(move |len: Option<u64>| async move {
            match len {
                Some(n) if n > max as u64 => Err(reject(too_large(max))),
                _ => Ok(()),
            }
        })
        .untuple_one()
        .and(warp::ext::optional::<BodyDeadline>())
        .and(warp::body::stream())
        .and_then(move |deadline: Option<BodyDeadline>, stream| {
            let base = deadline.map_or(DEFAULT_BODY_READ_TIMEOUT, |d| d.0);
            collect_limited(stream, max, base)
        })
}

/// The body, at most `max` bytes, arriving within `base` plus a second per [`MIN_BODY_RATE`]
/// bytes received (408 otherwise: a client that sends a Content-Length and then too little
/// holds no connection for ever).
async fn collect_limited<S, B>(stream: S, max: usize, base: Duration) -> Result<Bytes, Rejection>
where
    S: futures_util::Stream<Item = Result<B, warp::Error>> + Send,
    B: Buf,
{
    let mut stream = std::pin::pin!(stream);
    let mut body = Vec::new();
    let start = tokio::time::Instant::now();
    loop {
        let allowed = base + Duration::from_secs(body.len() as u64 / MIN_BODY_RATE);
        let Ok(next) = tokio::time::timeout_at(start + allowed, stream.next()).await else {
            return Err(reject(body_timeout(allowed)));
        };
        let Some(chunk) = next else { break };
        let mut chunk = chunk.map_err(|e| {
            reject(Problem::new(
                StatusCode::BAD_REQUEST,
                "body-unreadable",
                "Body unreadable",
                e.to_string(),
            ))
        })?;
        if body.len() + chunk.remaining() > max {
            return Err(reject(too_large(max)));
        }
        while chunk.has_remaining() {
            let part = chunk.chunk();
            body.extend_from_slice(part);
            let n = part.len();
            chunk.advance(n);
        }
    }
    Ok(Bytes::from(body))
}

/// The media type without parameters, lower-cased: `text/csv; charset=GBK` → `text/csv`.
pub fn media_type(content_type: Option<&str>) -> String {
    content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// True for `application/json`, `application/json; charset=utf-8`, `application/merge-patch+json`…
fn is_json(content_type: &str) -> bool {
    let essence = media_type(Some(content_type));
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A JSON body: 415 for another content type, 413 when too large, 400 naming the field that
/// does not fit `T`.
/// A step's body: none at all (no content, or `Content-Length: 0`) is `T::default()`; anything
/// else must be valid JSON of `T` (400 / 415 otherwise).
pub fn json_or_empty<T: DeserializeOwned + Default + Send + 'static>(
) -> impl Filter<Extract = (T,), Error = Rejection> + Clone {
    warp::header::optional::<u64>("content-length")
        .and(text_header("transfer-encoding"))
        .and_then(|len: Option<u64>, chunked: Option<String>| async move {
            if len.unwrap_or(0) == 0 && chunked.is_none() {
                Ok(T::default())
            } else {
                Err(warp::reject::not_found())
            }
        })
        .or(json_body::<T>())
        .unify()
}

pub fn json_body<T: DeserializeOwned + Send>(
) -> impl Filter<Extract = (T,), Error = Rejection> + Clone {
    text_header("content-type")
        .and_then(|ct: Option<String>| async move {
            match ct {
                Some(ct) if is_json(&ct) => Ok(()),
                _ => Err(reject(unsupported_media_type("application/json"))),
            }
        })
        .untuple_one()
        .and(limited_body())
        .and_then(|body: Bytes| async move { parse_json::<T>(&body).map_err(|p| reject(*p)) })
}

/// Boxed: a problem is large and this is the hot error path of every JSON route.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Box<Problem>> {
    // Syntax first, so a broken document is reported as such even where its first bytes
    // already fail to fit `T`.
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        return Err(Box::new(
            Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed-json",
                "Malformed JSON",
                e.to_string(),
            )
            .zh(format!(
                "请求内容不是有效的 JSON（第 {} 行第 {} 列），未做任何修改",
                e.line(),
                e.column()
            )),
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    parsed.map_err(|e| {
        let inner = e.inner();
        Box::new(Problem::validation(vec![field_error(
            &e.path().to_string(),
            &inner.to_string(),
            "body",
            "type",
        )]))
    })
}

/// serde names a missing or unknown field in its message rather than in the path. The client
/// gets what the field needs in our own words; serde's text goes to the log.
fn field_error(path: &str, message: &str, whole: &str, default_code: &str) -> FieldError {
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
    };
    let (missing, unknown) = (named("missing field `"), named("unknown field `"));
    let code = match (missing, unknown) {
        (Some(_), _) => "required",
        (None, Some(_)) => "unknown_field",
        (None, None) => default_code,
    };
    let field = match path {
        "." => missing.or(unknown).unwrap_or(whole),
        p => p,
    };
    tracing::debug!(field, serde = message, "request field refused");
    let (en, zh) = plain_message(field, code, message);
    FieldError::new(field, code, en).zh(zh)
}

/// What a field needs, in the problem's own words (English, Chinese), from serde's message about
/// it.
fn plain_message(field: &str, code: &str, serde: &str) -> (String, String) {
    // serde_json appends the position; the problem names the field instead.
    let serde = serde.split(" at line ").next().unwrap_or(serde);
    let label = match crate::domain::i18n::field_label(field) {
        "" => field,
        l => l,
    };
    // "…, expected one of `a`, `b`": the accepted names, without serde's backticks.
    let choices = |text: &str| {
        text.split_once("expected one of ")
            .map(|(_, list)| list.replace('`', ""))
    };
    match code {
        "required" => {
            return (
                format!("{field} is required"),
                format!("请填写{label}（{field}）"),
            )
        }
        "unknown_field" => {
            return match choices(serde) {
                Some(list) => (
                    format!("{field} is not a field of this request; the fields are {list}"),
                    format!("{field} 不是此请求的字段；可用的字段有 {list}"),
                ),
                None => (
                    format!("{field} is not a field of this request"),
                    format!("{field} 不是此请求的字段"),
                ),
            }
        }
        _ => {}
    }
    if serde.starts_with("unknown variant") {
        if let Some(list) = choices(serde) {
            return (
                format!("{field} is one of {list}"),
                format!("{label}须为以下之一：{list}"),
            );
        }
    }
    let expected = serde.split_once("expected ").map(|(_, e)| e.trim());
    let (needs, needs_zh) = match expected {
        Some(e) if e.starts_with('i') || e.starts_with('u') || e.contains("integer") => {
            ("a whole number in range", "范围内的整数")
        }
        Some(e) if e.starts_with('f') || e.contains("number") => ("a number", "数字"),
        Some(e) if e.contains("bool") => ("true or false", "true 或 false"),
        Some(e) if e.contains("string") || e.contains("char") => ("text", "文字"),
        Some(e) if e.contains("sequence") || e.contains("array") => ("a list", "列表"),
        Some(e) if e.contains("map") || e.contains("struct") => ("an object", "对象"),
        _ if serde.contains("digit") || serde.contains("integer") => {
            ("a whole number in range", "范围内的整数")
        }
        _ if serde.contains("`true` or `false`") => ("true or false", "true 或 false"),
        _ => ("a value of another kind", "另一种类型的值"),
    };
    (
        format!("{field} must be {needs}"),
        format!("{label}（{field}）须为{needs_zh}"),
    )
}

/// Query parameters as `T`; a bad one gets 400 naming it. An absent query string is empty.
pub fn query<T: DeserializeOwned + Send + 'static>(
) -> impl Filter<Extract = (T,), Error = Rejection> + Clone {
    warp::query::raw()
        .or(warp::any().map(String::new))
        .unify()
        .and_then(|raw: String| async move {
            let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(&raw));
            let parsed: Result<T, _> = serde_path_to_error::deserialize(de);
            parsed.map_err(|e| {
                let error = field_error(
                    &e.path().to_string(),
                    &e.inner().to_string(),
                    "query",
                    "invalid",
                );
                reject(Problem::validation(vec![error]))
            })
        })
}

fn form_urlencoded_parse(raw: &str) -> url::form_urlencoded::Parse<'_> {
    url::form_urlencoded::parse(raw.as_bytes())
}

/// The token of `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110
/// §11.1), so `bearer` and `BEARER` are the same.
fn bearer(header: Option<&str>) -> Option<String> {
    let (scheme, token) = header?.trim().split_once(char::is_whitespace)?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

/// The staff member behind `Authorization: Bearer …`; 401 without a valid token.
pub fn authenticated(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Actor,), Error = Rejection> + Clone {
    authenticated_with_token(state).map(|actor, _token| actor)
}

/// [`authenticated`], refused 403 before anything else is read (the body above all) unless the
/// account's role permits `action`: a request's shape is judged only for those who may make it.
pub fn permitted(
    state: Arc<AppState>,
    action: Action,
) -> impl Filter<Extract = (Actor,), Error = Rejection> + Clone {
    authenticated(state).and_then(move |actor: Actor| async move {
        actor.require(action).map(|()| actor).map_err(refused)
    })
}

/// A service refusal as a rejection (problem+json through the root `recover`).
pub fn refused(e: ServiceError) -> Rejection {
    reject(Problem::from(e))
}

/// [`authenticated`], also handing on the token itself (for signing out).
pub fn authenticated_with_token(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Actor, String), Error = Rejection> + Clone {
    text_header("authorization")
        .and_then(move |header: Option<String>| {
            let state = state.clone();
            async move {
                let token = bearer(header.as_deref()).ok_or_else(|| {
                    reject(Problem::new(
                        StatusCode::UNAUTHORIZED,
                        "unauthorized",
                        "Not authenticated",
                        "send Authorization: Bearer <token> (POST /api/v1/auth/tokens issues one)",
                    )
                    .zh("请先登录：请求须带 Authorization: Bearer <令牌>（登录接口 POST /api/v1/auth/tokens 签发）"))
                })?;
                let presented = token.clone();
                let actor = state
                    .app
                    .blocking(move |app| service::auth::actor_for(app, &presented))
                    .await
                    .map_err(|e: ServiceError| reject(e.into()))?;
                match actor {
                    Some(actor) => Ok((actor, token)),
                    None => Err(reject(Problem::new(
                        StatusCode::UNAUTHORIZED,
                        "unauthorized",
                        "Not authenticated",
                        "the token is unknown, expired, or its account is disabled",
                    )
                    .zh("登录已失效：令牌无效、已过期或账号已停用，请重新登录"))),
                }
            }
        })
        .untuple_one()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        version: i32,
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for h in [
            "Bearer abc",
            "bearer abc",
            "BEARER abc",
            "  Bearer   abc  ",
            "BeArEr\tabc",
        ] {
            assert_eq!(bearer(Some(h)).as_deref(), Some("abc"), "{h:?}");
        }
        for h in ["Basic abc", "Bearer", "Bearer   ", "Bearerabc", ""] {
            assert_eq!(bearer(Some(h)), None, "{h:?}");
        }
        assert_eq!(bearer(None), None);
    }

    #[test]
    fn json_content_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/jsonx"));
    }

    #[test]
    fn messages_say_what_the_field_needs_without_serde_internals() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Strict {
            version: i32,
            active: Option<bool>,
            tags: Option<Vec<String>>,
            role: Option<crate::domain::role::Role>,
        }
        for (body, field, message) in [
            (
                r#"{"version":"x"}"#,
                "version",
                "version must be a whole number in range",
            ),
            (
                r#"{"version":1e3}"#,
                "version",
                "version must be a whole number in range",
            ),
            (
                r#"{"version":99999999999}"#,
                "version",
                "version must be a whole number in range",
            ),
            (
                r#"{"version":1,"active":"yes"}"#,
                "active",
                "active must be true or false",
            ),
            (r#"{"version":1,"tags":"a"}"#, "tags", "tags must be a list"),
            (
                r#"{"version":1,"role":"boss"}"#,
                "role",
                "role is one of clerk, reviewer, admin",
            ),
            (r#"{}"#, "version", "version is required"),
        ] {
            let p = parse_json::<Strict>(body.as_bytes()).unwrap_err();
            assert_eq!(
                (p.errors[0].field.as_str(), p.errors[0].message.as_str()),
                (field, message),
                "{body}"
            );
            assert!(!p.detail.contains("line 1"), "{body}: {}", p.detail);
        }
        let p = parse_json::<Strict>(br#"{"version":1,"colour":2}"#).unwrap_err();
        assert_eq!(p.errors[0].field, "colour");
        assert!(p.errors[0]
            .message
            .starts_with("colour is not a field of this request; the fields are version, active"));
    }

    #[test]
    fn json_errors_name_the_field() {
        let p = parse_json::<Body>(br#"{"name":"a"}"#).unwrap_err();
        assert_eq!(
            (
                p.status,
                p.errors[0].field.as_str(),
                p.errors[0].code.as_str()
            ),
            (400, "version", "required")
        );
        let p = parse_json::<Body>(br#"{"name":"a","version":"x"}"#).unwrap_err();
        assert_eq!(
            (p.errors[0].field.as_str(), p.errors[0].code.as_str()),
            ("version", "type")
        );
        let p = parse_json::<Body>(br#"{"name":"a","version":1,"x":2}"#);
        assert!(
            p.is_ok(),
            "unknown fields are refused only where the type says so"
        );
        let p = parse_json::<Body>(br#"{"name":"a","#).unwrap_err();
        assert!(p.type_uri.ends_with("malformed-json"));
        let p = parse_json::<Body>(br#"{"name":"a","version":1} trailing"#).unwrap_err();
        assert!(p.type_uri.ends_with("malformed-json"));
    }
}
