//! The one error body: RFC 9457 problem+json, built here and nowhere else.
//! No panic text, stack trace or SQL ever reaches a client; the cause chain goes to the log.

use std::convert::Infallible;

use warp::http::{header, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::{Rejection, Reply};

use super::limits::MAX_BODY_BYTES;
use crate::domain::i18n::{self, Lang};
use crate::error_chain::error_chain;
use crate::service::{ConflictKind, FieldError, ServiceError};

/// Seconds a client is asked to wait after `database-busy`.
const BUSY_RETRY_AFTER_SECS: u64 = 5;

/// Every problem type is `urn:gongshi:problem:<slug>`; the slug is the stable part clients match.
const TYPE_PREFIX: &str = "urn:gongshi:problem:";

/// Every slug a problem `type` can end in: those built here, by the filters (`malformed-json`,
/// `body-unreadable`) and the import handler (`import-refused`), the conflict kinds
/// (`ConflictKind::slug`), and the bare parser answers `bare_errors` rewrites (`bad-request`,
/// `uri-too-long`, `headers-too-large`). `tests/api/openapi.rs` checks this list against the
/// sources and against the `type` enum of `Problem` in `api-spec/openapi.yaml`.
pub const SLUGS: &[&str] = &[
    "validation",
    "malformed-json",
    "body-unreadable",
    "bad-request",
    "unauthorized",
    "forbidden",
    "separation-of-duties",
    "not-found",
    "unknown-route",
    "method-not-allowed",
    "stale-version",
    "duplicate",
    "invalid-transition",
    "concurrent-change",
    "last-admin",
    "not-publishable",
    "length-required",
    "payload-too-large",
    "uri-too-long",
    "unsupported-media-type",
    "calendar-not-loaded",
    "import-refused",
    "too-many-attempts",
    "rate-limited",
    "headers-too-large",
    "internal",
    "database-unavailable",
    "database-busy",
    "body-timeout",
    "too-many-connections",
];

/// Field codes of input that is well-formed but refused on its content: a validation problem
/// made only of these is 422, not 400.
const REFUSED_ON_CONTENT: &[&str] = &[
    crate::domain::private_data::CODE,
    crate::domain::penalty::fields::AMOUNT_MISMATCH,
];

#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// RFC 9457 extension members, e.g. `region` and `year` of a calendar that is not loaded.
    #[serde(flatten)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
    /// Seconds for the `Retry-After` header (429, 503).
    #[serde(skip)]
    pub retry_after: Option<u64>,
    /// The title and detail in Chinese, sent unless the request asks for English
    /// (`http::lang`); the field errors carry their own.
    #[serde(skip)]
    pub title_zh: String,
    #[serde(skip)]
    pub detail_zh: String,
}

impl Problem {
    /// A problem with English `title` and `detail`; in Chinese its title is the slug's
    /// (`i18n::title`) and its detail the slug's general sentence until [`Problem::zh`] gives
    /// the specific one.
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Problem {
            type_uri: format!("{TYPE_PREFIX}{slug}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            extensions: serde_json::Map::new(),
            retry_after: None,
            title_zh: i18n::title(slug).to_string(),
            detail_zh: general_detail_zh(slug).to_string(),
        }
    }

    /// This problem with its detail in Chinese.
    pub fn zh(mut self, detail: impl Into<String>) -> Self {
        self.detail_zh = detail.into();
        self
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        let detail_zh = errors
            .iter()
            .map(|e| e.zh.as_str())
            .collect::<Vec<_>>()
            .join("；");
        Problem {
            errors,
            ..Problem::new(
                StatusCode::BAD_REQUEST,
                "validation",
                "Invalid input",
                detail,
            )
            .zh(detail_zh)
        }
    }

    /// The problem as sent in `lang`: title, detail and every field's message in it.
    pub fn in_lang(mut self, lang: Lang) -> Self {
        if lang == Lang::Zh {
            self.title = std::mem::take(&mut self.title_zh);
            self.detail = std::mem::take(&mut self.detail_zh);
            for e in &mut self.errors {
                e.message = e.zh.clone();
            }
        }
        self
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// What a problem of `slug` means, in Chinese, where its site gives no sentence of its own.
fn general_detail_zh(slug: &str) -> &'static str {
    match slug {
        "validation" => "请按各字段的提示修改后重新提交。",
        "malformed-json" => "请求内容不是有效的 JSON，未做任何修改。",
        "body-unreadable" => "请求内容未完整送达，未做任何修改，请重试。",
        "bad-request" => "请求无法解析。",
        "unauthorized" => "请先登录，或重新登录。",
        "forbidden" => "当前账号的角色或所属处罚机关不允许此操作。",
        "separation-of-duties" => "起草或修改过此决定的人员不能审核它（先审后发）。",
        "not-found" => "所请求的记录不存在，或不在当前账号的权限范围内。",
        "unknown-route" => "没有这个接口地址，请核对地址。",
        "method-not-allowed" => "此接口地址不支持该请求方法。",
        "stale-version" => "此记录已被他人修改，请刷新后重新操作。",
        "duplicate" => "相同编号的记录已存在。",
        "invalid-transition" => "记录当前的状态不允许此操作。",
        "concurrent-change" => "同时有其他修改，未做任何修改，请重试。",
        "last-admin" => "此操作会使系统没有可用的管理员账号。",
        "not-publishable" => "按本处罚机关的公示设置，此类决定不予公示。",
        "length-required" => "请求缺少 Content-Length。",
        "payload-too-large" => {
            "请求内容超过允许的大小（导入文件不超过 64 MiB，其他不超过 1 MiB）。"
        }
        "uri-too-long" => "地址过长。",
        "unsupported-media-type" => "请求内容的类型不受支持。",
        "calendar-not-loaded" => {
            "所需年份的工作日日历尚未载入，请管理员载入国务院办公厅节假日安排。"
        }
        "import-refused" => "文件中有错误行，未写入任何数据；请改正后重新导入，或选择跳过错误行。",
        "too-many-attempts" => "登录失败次数过多，请稍后再试。",
        "rate-limited" => "请求过于频繁，请稍后再试。",
        "headers-too-large" => "请求头过大。",
        "internal" => "服务器内部错误，未做任何修改；已记录日志。",
        "database-unavailable" => "数据库暂时无法连接，请稍后再试。",
        "database-busy" => "数据库正忙（例如正在进行大批量导入），未做任何修改，请稍后重试。",
        "body-timeout" => "请求内容未在规定时间内送达，连接已关闭。",
        "too-many-connections" => "服务器连接数已满，请稍后重试。",
        _ => "请求未能完成。",
    }
}

impl Reply for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let lang = super::lang::current();
        let problem = self.in_lang(lang);
        let body = serde_json::to_vec(&problem).unwrap_or_else(|_| b"{}".to_vec());
        let mut res = Response::new(body.into());
        *res.status_mut() = status;
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        // The words depend on Accept-Language (`http::lang`); a cache must not mix the two.
        res.headers_mut().insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(match lang {
                Lang::Zh => "zh-CN",
                Lang::En => "en",
            }),
        );
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("Accept-Language"));
        if let Some(secs) = problem.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

impl From<ServiceError> for Problem {
    fn from(e: ServiceError) -> Self {
        match e {
            // Input that is well-formed but refused on what it says (private data in public
            // text, an amount the text contradicts) is 422 wherever it is found; other field
            // errors are 400.
            ServiceError::Validation(errors)
                if !errors.is_empty()
                    && errors.iter().all(|e| REFUSED_ON_CONTENT.contains(&e.code.as_str())) =>
            {
                Problem {
                    status: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
                    ..Problem::validation(errors)
                }
            }
            ServiceError::Validation(errors) => Problem::validation(errors),
            ServiceError::Unprocessable(errors) => Problem {
                status: StatusCode::UNPROCESSABLE_ENTITY.as_u16(),
                ..Problem::validation(errors)
            },
            ServiceError::SeparationOfDuties(d) => Problem::new(
                StatusCode::FORBIDDEN,
                "separation-of-duties",
                "Separation of duties",
                d,
            ),
            ServiceError::Unauthorized(d) => Problem::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Not authenticated",
                d,
            ),
            ServiceError::Forbidden(d) => {
                Problem::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed", d)
            }
            ServiceError::NotFound(d) => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", d)
            }
            ServiceError::Conflict { kind, detail } => {
                let title = match kind {
                    ConflictKind::StaleVersion => "Stale version",
                    ConflictKind::Duplicate => "Already exists",
                    ConflictKind::InvalidTransition => "Not allowed in this state",
                    ConflictKind::Concurrent => "Concurrent change",
                    ConflictKind::LastAdmin => "Last admin",
                    ConflictKind::NotPublishable => "Not to be published",
                };
                Problem::new(StatusCode::CONFLICT, kind.slug(), title, detail)
            }
            ServiceError::CalendarNotLoaded {
                region,
                year,
                provisional,
            } => {
                let hint = if provisional {
                    "; ask with provisional=true for a date from the statutory holidays alone, flagged provisional"
                } else {
                    ""
                };
                let hint_zh = if provisional {
                    "；也可加 provisional=true 按法定节假日推算，结果标为暂定"
                } else {
                    ""
                };
                let mut p = Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "calendar-not-loaded",
                    "Calendar not loaded",
                    format!("the {region} holiday calendar for {year} is not loaded{hint}"),
                )
                .zh(format!(
                    "{region} 地区 {year} 年的工作日日历尚未载入，请管理员载入该年的节假日安排{hint_zh}"
                ));
                p.extensions.insert("region".into(), region.into());
                p.extensions.insert("year".into(), year.into());
                p
            }
            ServiceError::TooManyAttempts { retry_after } => Problem {
                retry_after: Some(retry_after),
                ..Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too-many-attempts",
                    "Too many attempts",
                    format!(
                        "too many failed logins for this name or from this address; try again in {retry_after} s"
                    ),
                )
                .zh(format!(
                    "此账号名或此地址登录失败次数过多，请 {retry_after} 秒后再试"
                ))
            },
            ServiceError::Busy(cause) => {
                tracing::warn!(error = %error_chain(&cause), "database busy");
                Problem {
                    retry_after: Some(BUSY_RETRY_AFTER_SECS),
                    ..Problem::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "database-busy",
                        "Database busy",
                        "another operation (a large import, say) holds the database's write lock; nothing was written; try again shortly",
                    )
                }
            }
            ServiceError::Unavailable(cause) => {
                tracing::error!(error = %error_chain(&cause), "database unavailable");
                Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database-unavailable",
                    "Database unavailable",
                    "the database cannot be reached; try again later",
                )
            }
            ServiceError::Internal(cause) => {
                tracing::error!(error = %error_chain(&*cause), "internal error");
                internal()
            }
            ServiceError::Said { error, zh } => Problem::from(*error).zh(zh),
        }
    }
}

/// 429 for a client over its public rate (`rate-limited`), with `Retry-After`.
pub fn rate_limited(retry_after: u64) -> Problem {
    Problem {
        retry_after: Some(retry_after),
        ..Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!(
                "this client made more requests than its rate allows; try again in {retry_after} s"
            ),
        )
        .zh(format!("请求过于频繁，请 {retry_after} 秒后再试"))
    }
}

pub fn internal() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "the request could not be completed; the error was logged",
    )
}

/// A filter's refusal carrying its problem (bad body, bad query, no token…).
#[derive(Debug)]
pub struct Rejected(pub Problem);
impl warp::reject::Reject for Rejected {}

pub fn reject(p: Problem) -> Rejection {
    warp::reject::custom(Rejected(p))
}

/// The root `recover`: every rejection becomes problem+json. Ours are checked first because a
/// request that failed inside one route is also "not found" or "wrong method" for the others.
pub async fn recover(r: Rejection) -> Result<Response, Infallible> {
    use warp::reject::{LengthRequired, MethodNotAllowed, PayloadTooLarge, UnsupportedMediaType};
    let problem = if let Some(Rejected(p)) = r.find() {
        p.clone()
    } else if r.find::<PayloadTooLarge>().is_some() {
        too_large(MAX_BODY_BYTES)
    } else if r.find::<UnsupportedMediaType>().is_some() {
        unsupported_media_type("application/json")
    } else if r.find::<LengthRequired>().is_some() {
        Problem::new(
            StatusCode::LENGTH_REQUIRED,
            "length-required",
            "Length required",
            "send a Content-Length header",
        )
    } else if r.find::<MethodNotAllowed>().is_some() {
        Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            "this resource does not support that method",
        )
    } else if r.is_not_found() {
        Problem::new(
            StatusCode::NOT_FOUND,
            "unknown-route",
            "Not found",
            "no such resource; the routes are listed in api-spec/openapi.yaml",
        )
    } else {
        tracing::error!(rejection = ?r, "unhandled rejection");
        internal()
    };
    Ok(problem.into_response())
}

pub fn too_large(max: usize) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "Payload too large",
        format!("the request body is larger than the {max} bytes this endpoint accepts"),
    )
}

/// A body that did not arrive in time (the connection is closed after this answer).
pub fn body_timeout(allowed: std::time::Duration) -> Problem {
    Problem::new(
        StatusCode::REQUEST_TIMEOUT,
        "body-timeout",
        "Request body too slow",
        format!(
            "the request body did not arrive within {} s; send it whole, or at 64 KiB/s or faster",
            allowed.as_secs()
        ),
    )
}

pub fn unsupported_media_type(expected: &str) -> Problem {
    Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "Unsupported media type",
        format!("send the body as {expected}"),
    )
}
