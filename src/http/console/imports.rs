//! Importing a 双公示 file in the console (`/console/penalties/import`): the clerk chooses a CSV
//! file (as Excel saves one: UTF-8, UTF-8 with BOM or GBK); the page checks it (the API's dry
//! run) and shows what the import would do, every bad row in a table with its line, column and
//! problem in Chinese; the clerk then imports it, which submits its decisions for review (a
//! reviewer's legacy import of decisions already published elsewhere enters them as published).
//! The file waits between the two steps as an upload of the session (`service::sessions`), so it
//! is chosen once. Both steps call `service::penalty_imports::import`, as the API does.

use std::sync::Arc;

use askama::Template;
use bytes::Buf;
use futures_util::TryStreamExt;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Filter, Rejection};

use super::form::checked;
use super::page::{error_page, render, Nav, Shell};
use super::{signed_in, Session, StaleForm};
use crate::domain::policy::Action;
use crate::http::filters::{get, with_state};
use crate::http::limits::MAX_IMPORT_BYTES;
use crate::http::AppState;
use crate::io::table::Encoding;
use crate::service::imports::{ImportFailure, ImportReport, Source};
use crate::service::penalty_imports::{self, ImportOptions};
use crate::service::{sessions, ServiceError};

/// The most bad rows a report page lists (the count says how many more there are).
const ERRORS_SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    shell: Shell,
    /// A reviewer or admin may import decisions already published elsewhere.
    can_import_published: bool,
    /// Why the file could not be taken (no file, too large).
    refusal: Option<String>,
    report: Option<ReportView>,
}

/// A checked (or imported) file as the page shows it.
struct ReportView {
    file_name: String,
    /// The upload to import, when the check found the file importable (fully or in part).
    upload: Option<String>,
    already_published: bool,
    /// Imported (not only checked).
    written: bool,
    encoding: &'static str,
    rows: usize,
    inserted: usize,
    updated: usize,
    unchanged: usize,
    rejected: usize,
    ignored_columns: String,
    errors: Vec<ErrorLine>,
    errors_not_shown: usize,
    import_id: Option<String>,
}

struct ErrorLine {
    line: usize,
    column: String,
    message: String,
}

impl ReportView {
    fn of(
        report: ImportReport,
        file_name: &str,
        upload: Option<String>,
        already_published: bool,
    ) -> ReportView {
        let shown = report.errors.len().min(ERRORS_SHOWN);
        ReportView {
            file_name: file_name.to_string(),
            upload: upload.filter(|_| report.rows > report.rejected),
            already_published,
            written: report.written,
            encoding: match report.encoding {
                Some(Encoding::Utf8) => "UTF-8",
                Some(Encoding::Utf8Bom) => "UTF-8（带 BOM）",
                Some(Encoding::Gb18030) => "GBK / GB18030",
                None => "无法识别",
            },
            rows: report.rows,
            inserted: report.inserted,
            updated: report.updated,
            unchanged: report.unchanged,
            rejected: report.rejected,
            ignored_columns: report.ignored_columns.join("、"),
            errors_not_shown: report.errors.len() - shown,
            errors: report
                .errors
                .into_iter()
                .take(shown)
                .map(|e| ErrorLine {
                    line: e.line,
                    column: if e.column.is_empty() {
                        "—".to_string()
                    } else {
                        e.column
                    },
                    message: e.zh,
                })
                .collect(),
            import_id: report.import_id,
        }
    }

    /// Rows the import would write.
    fn good(&self) -> usize {
        self.rows - self.rejected
    }
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let page = warp::path!("console" / "penalties" / "import")
        .and(get())
        .and(signed_in(state.clone()))
        .map(|s: Session| blank(&s, None));
    let check = warp::path!("console" / "penalties" / "import")
        .and(warp::post())
        .and(signed_in(state.clone()))
        .and(upload())
        .and(with_state(state.clone()))
        .and_then(check);
    let import = warp::path!("console" / "penalties" / "import" / String)
        .and(warp::post())
        .and(checked(state.clone()))
        .and(with_state(state))
        .and_then(import);
    page.or(check).unify().or(import).unify().boxed()
}

fn can_import_published(s: &Session) -> bool {
    s.actor.require(Action::ImportPublishedPenalties).is_ok()
}

/// The page with its form, and a refusal of the last attempt if any.
fn blank(s: &Session, refusal: Option<String>) -> Response {
    render(
        if refusal.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &ImportPage {
            shell: s.shell("导入双公示文件", Nav::Penalties),
            can_import_published: can_import_published(s),
            refusal,
            report: None,
        },
    )
}

/// A multipart form's fields: the CSRF token, the file and the legacy choice.
#[derive(Default)]
struct Upload {
    csrf: String,
    file_name: String,
    body: Vec<u8>,
    already_published: bool,
    /// The file was larger than the import limit.
    too_large: bool,
}

/// The upload form as a browser sends it (`multipart/form-data`), read up to the import limit.
fn upload() -> impl Filter<Extract = (Upload,), Error = Rejection> + Clone {
    warp::multipart::form()
        .max_length(MAX_IMPORT_BYTES as u64 + 64 * 1024)
        .and_then(|form: warp::multipart::FormData| async move {
            read_upload(form).await.map_err(|e| {
                tracing::info!(error = %e, "a console upload could not be read");
                warp::reject::custom(StaleForm)
            })
        })
}

async fn read_upload(mut form: warp::multipart::FormData) -> Result<Upload, warp::Error> {
    let mut up = Upload::default();
    while let Some(part) = form.try_next().await? {
        let name = part.name().to_string();
        let file_name = part.filename().map(str::to_string);
        let mut data = Vec::new();
        let mut stream = part.stream();
        while let Some(mut chunk) = stream.try_next().await? {
            if data.len() + chunk.remaining() > MAX_IMPORT_BYTES {
                up.too_large = true;
                data.clear();
                break;
            }
            while chunk.has_remaining() {
                let piece = chunk.chunk();
                data.extend_from_slice(piece);
                let n = piece.len();
                chunk.advance(n);
            }
        }
        match name.as_str() {
            "csrf" => up.csrf = String::from_utf8_lossy(&data).into_owned(),
            "already_published" => up.already_published = true,
            "file" => {
                up.file_name = file_name.unwrap_or_default();
                up.body = data;
            }
            _ => {}
        }
    }
    Ok(up)
}

/// Checks an uploaded file (a dry run) and keeps it for the import.
async fn check(s: Session, up: Upload, state: Arc<AppState>) -> Result<Response, Rejection> {
    if !sessions::csrf_matches(&s.cookie, &up.csrf) {
        return Err(warp::reject::custom(StaleForm));
    }
    if up.too_large {
        let limit = MAX_IMPORT_BYTES / (1024 * 1024);
        return Ok(blank(
            &s,
            Some(format!("文件超过 {limit} MB，无法导入；请分成几个文件。")),
        ));
    }
    if up.body.is_empty() {
        return Ok(blank(&s, Some("请选择要导入的 CSV 文件。".to_string())));
    }
    let session = s.clone();
    let result = state
        .app
        .blocking(move |app| {
            let options = ImportOptions {
                dry_run: true,
                skip_invalid: false,
                already_published: up.already_published,
            };
            let report = match penalty_imports::import(
                app,
                &session.actor,
                Source::Bytes(&up.body),
                options,
                &|_, _| {},
            ) {
                Ok(report) | Err(ImportFailure::Refused(report)) => report,
                Err(ImportFailure::Service(e)) => return Err(e),
            };
            let kept = if report.rows > report.rejected {
                Some(sessions::keep_upload(
                    app,
                    &session.cookie,
                    &up.file_name,
                    &up.body,
                )?)
            } else {
                None
            };
            Ok::<_, ServiceError>(ReportView::of(
                report,
                &up.file_name,
                kept,
                up.already_published,
            ))
        })
        .await;
    Ok(match result {
        Ok(report) => report_page(&s, report),
        Err(e) => error_page(&s, e),
    })
}

fn report_page(s: &Session, report: ReportView) -> Response {
    let title = if report.written {
        "导入完成"
    } else {
        "导入前检查"
    };
    render(
        if report.written || report.upload.is_some() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &ImportPage {
            shell: s.shell(title, Nav::Penalties),
            can_import_published: can_import_published(s),
            refusal: None,
            report: Some(report),
        },
    )
}

/// Imports a checked upload: its decisions are submitted for review (or, for a reviewer's
/// legacy file, published); with `skip_invalid`, only its good rows.
async fn import(
    upload: String,
    s: Session,
    f: super::form::Form,
    state: Arc<AppState>,
) -> Result<Response, Rejection> {
    let session = s.clone();
    let result = state
        .app
        .blocking(move |app| {
            let Some((file_name, body)) = sessions::kept_upload(app, &session.cookie, &upload)?
            else {
                return Ok(None);
            };
            let options = ImportOptions {
                dry_run: false,
                skip_invalid: f.get("skip_invalid").is_some(),
                already_published: f.get("already_published").is_some(),
            };
            let report = match penalty_imports::import(
                app,
                &session.actor,
                Source::Bytes(&body),
                options,
                &|_, _| {},
            ) {
                Ok(report) => {
                    sessions::forget_upload(app, &upload)?;
                    report
                }
                Err(ImportFailure::Refused(report)) => report,
                Err(ImportFailure::Service(e)) => return Err(e),
            };
            let again = (!report.written).then_some(upload);
            Ok::<_, ServiceError>(Some(ReportView::of(
                report,
                &file_name,
                again,
                options.already_published,
            )))
        })
        .await;
    Ok(match result {
        Ok(Some(report)) => report_page(&s, report),
        Ok(None) => blank(
            &s,
            Some("这份文件已经导入，或已超过一小时未导入而被清除；请重新选择文件。".to_string()),
        ),
        Err(e) => error_page(&s, e),
    })
}
