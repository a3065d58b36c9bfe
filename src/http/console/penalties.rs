//! Penalty decisions in the console: the filtered list, a decision's page (every field, its
//! deadlines, its history, exactly the steps the signed-in role may take), the preview of what
//! the public will see, and taking a step. Each calls the service function the API calls.

use std::sync::Arc;

use askama::Template;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::form::{checked, Form};
use super::page::{encode, error_page, query_string, render, Nav, Shell};
use super::today::Line;
use super::{see_other, signed_in, Session};
use crate::domain::ids::PenaltyId;
use crate::domain::penalty::money::yuan;
use crate::domain::penalty::record::PenaltyRecord;
use crate::domain::penalty::workflow::{offered, Step, Taker};
use crate::http::filters::{get, with_state};
use crate::http::public::views::PublicPenaltyItem;
use crate::http::AppState;
use crate::service::penalties::{self, PenaltyParams, Preview, StepBody};
use crate::service::{authorities, FieldError, ServiceError};

/// The list's filters as they arrive.
#[derive(Debug, Default, Clone, serde::Deserialize)]
struct ListQuery {
    q: Option<String>,
    state: Option<String>,
    authority_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
}

impl ListQuery {
    /// The query string of these filters (without the cursor), for the next page's link.
    fn without_cursor(&self) -> String {
        query_string(&[
            ("q", &self.q),
            ("state", &self.state),
            ("authority_id", &self.authority_id),
            ("from", &self.from),
            ("to", &self.to),
        ])
    }
}

/// A choice of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "penalties.html")]
struct ListPage {
    shell: Shell,
    q: String,
    from: String,
    to: String,
    states: Vec<Choice>,
    authorities: Vec<Choice>,
    lines: Vec<Line>,
    next: Option<String>,
    errors: Vec<FieldError>,
    /// A clerk may log a new decision.
    can_draft: bool,
}

/// One row of a decision's fields.
pub struct Row {
    pub label: &'static str,
    pub value: String,
}

/// One line of a record's history (a decision's, an entity's, an inspector's).
pub struct HistoryLine {
    pub at: String,
    pub actor: String,
    pub action: String,
}

impl HistoryLine {
    /// An audit record as staff read it: Beijing time to the minute, who, and what in Chinese.
    pub fn of(h: &crate::domain::audit_chain::AuditRecord) -> HistoryLine {
        HistoryLine {
            at: crate::domain::shanghai::format_minute(h.entry.recorded_at),
            actor: h.entry.actor.clone(),
            action: crate::domain::audit_action::AuditAction::parse(&h.entry.action)
                .map_or_else(|| h.entry.action.clone(), |a| a.label().to_string()),
        }
    }
}

/// A step's form on the record page.
pub struct StepForm {
    pub name: &'static str,
    pub label: &'static str,
    /// Reject, withdraw, discard: a reason; withdraw: an event date; repair: three texts.
    pub reason: bool,
    pub event_date: bool,
    pub repair: bool,
    /// A repair's three texts: (field, label).
    pub repair_fields: Vec<(&'static str, &'static str)>,
    /// What the reason is for (shown to whom).
    pub reason_hint: &'static str,
    /// A step that cannot be undone asks to be confirmed.
    pub danger: bool,
}

impl StepForm {
    fn of(step: Step) -> StepForm {
        let (reason, reason_hint) = match step {
            Step::Reject => (true, "退回理由（起草人可见）"),
            Step::Withdraw => (true, "撤下理由（将向公众公示）"),
            Step::Discard => (true, "作废理由（仅内部可见，记入编号登记簿）"),
            _ => (false, ""),
        };
        StepForm {
            name: step.name(),
            label: step.zh(),
            reason,
            event_date: step == Step::Withdraw,
            repair: step == Step::Repair,
            repair_fields: vec![
                ("applicant", "申请人"),
                ("commitment", "信用承诺"),
                ("evidence", "履行义务的证明材料"),
            ],
            reason_hint,
            danger: matches!(step, Step::Discard | Step::Withdraw | Step::Publish),
        }
    }
}

#[derive(Template)]
#[template(path = "penalty.html")]
struct RecordPage {
    shell: Shell,
    id: i64,
    number: String,
    state: &'static str,
    version: i32,
    rows: Vec<Row>,
    private_rows: Vec<Row>,
    progress: Vec<Row>,
    history: Vec<HistoryLine>,
    steps: Vec<StepForm>,
    /// A draft the signed-in member of staff may change in the form.
    can_edit: bool,
    done: Option<String>,
    error: Option<String>,
    field_errors: Vec<FieldError>,
    /// What the form held when a step was refused.
    given: Form,
}

impl RecordPage {
    /// The error of `field`, if the last step was refused for it.
    pub fn error_of(&self, field: &str) -> Option<&str> {
        self.field_errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.zh.as_str())
    }

    pub fn given(&self, field: &str) -> &str {
        self.given.get(field).unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "preview.html")]
struct PreviewPage {
    shell: Shell,
    id: i64,
    number: String,
    rows: Vec<Row>,
    /// A withdrawn decision shows its notice; a decision past its period, nothing.
    notice: Option<String>,
    not_publishable: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct RecordQuery {
    done: Option<String>,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let s = || with_state(state.clone());
    let list = warp::path!("console" / "penalties")
        .and(get())
        .and(s())
        .and(signed_in(state.clone()))
        .and(
            warp::query::<ListQuery>()
                .or(warp::any().map(ListQuery::default))
                .unify(),
        )
        .and_then(list);
    let record = warp::path!("console" / "penalties" / PenaltyId)
        .and(get())
        .and(s())
        .and(signed_in(state.clone()))
        .and(
            warp::query::<RecordQuery>()
                .or(warp::any().map(RecordQuery::default))
                .unify(),
        )
        .and_then(|id, state, session, q: RecordQuery| async move {
            let done = match q.done.as_deref() {
                Some("created") => Some("已保存为草稿。核对无误后请提交审核。".to_string()),
                Some("saved") => Some("草稿已保存。核对无误后请提交审核。".to_string()),
                Some(step) => Step::parse(step).map(|s| format!("已{}。", s.zh())),
                None => None,
            };
            Ok::<_, std::convert::Infallible>(
                record_page(state, session, id, done, None, Form::default()).await,
            )
        });
    let preview = warp::path!("console" / "penalties" / PenaltyId / "preview")
        .and(get())
        .and(s())
        .and(signed_in(state.clone()))
        .and_then(preview);
    let step = warp::path!("console" / "penalties" / PenaltyId / String)
        .and(warp::post())
        .and(s())
        .and(checked(state))
        .and_then(step);
    list.or(record)
        .unify()
        .or(preview)
        .unify()
        .or(step)
        .unify()
        .boxed()
}

async fn list(
    state: Arc<AppState>,
    s: Session,
    q: ListQuery,
) -> Result<Response, std::convert::Infallible> {
    let actor = s.actor.clone();
    let given = q.clone();
    let found = state
        .app
        .blocking(move |app| {
            let authority_id = match given.authority_id.as_deref().filter(|v| !v.is_empty()) {
                None => None,
                Some(v) => Some(v.parse::<i64>().map_err(|_| {
                    ServiceError::invalid("authority_id", "format", "authority_id is a number")
                })?),
            };
            let params = PenaltyParams {
                q: given.q.clone(),
                state: given.state.clone().filter(|v| !v.is_empty()),
                authority_id,
                from: given.from.clone(),
                to: given.to.clone(),
                cursor: given.cursor.clone(),
                limit: Some(50),
                ..PenaltyParams::default()
            };
            let listed = penalties::list(app, &actor, &params);
            Ok::<_, ServiceError>((listed, authorities::list(app)?))
        })
        .await;
    let (listed, all_authorities) = match found {
        Ok(f) => f,
        Err(e) => return Ok(error_page(&s, e)),
    };
    let (lines, next, errors) = match listed {
        Ok(slice) => (
            slice.items.iter().map(Line::of).collect(),
            slice.next_cursor.map(|c| {
                let rest = q.without_cursor();
                let sep = if rest.is_empty() { "" } else { "&" };
                format!("/console/penalties?{rest}{sep}cursor={}", encode(&c))
            }),
            Vec::new(),
        ),
        Err(ServiceError::Validation(errors)) => (Vec::new(), None, errors),
        Err(e) => return Ok(error_page(&s, e)),
    };
    let state_now = q.state.clone().unwrap_or_default();
    let mut states = vec![Choice {
        value: String::new(),
        label: "全部状态".into(),
        selected: state_now.is_empty(),
    }];
    states.extend(
        crate::domain::penalty::state::State::ALL
            .iter()
            .map(|st| Choice {
                value: st.code().into(),
                label: st.label().into(),
                selected: state_now == st.code(),
            }),
    );
    let authority_now = q.authority_id.clone().unwrap_or_default();
    let mut authority_choices = vec![Choice {
        value: String::new(),
        label: "全部处罚机关".into(),
        selected: authority_now.is_empty(),
    }];
    authority_choices.extend(
        all_authorities
            .iter()
            .filter(|a| s.actor.authority_id.is_none_or(|b| b == a.id))
            .map(|a| Choice {
                value: a.id.to_string(),
                label: a.fields.name.clone(),
                selected: authority_now == a.id.to_string(),
            }),
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let here = match q.without_cursor() {
        r if r.is_empty() => "/console/penalties".to_string(),
        r => format!("/console/penalties?{r}"),
    };
    Ok(render(
        status,
        &ListPage {
            shell: s.shell("处罚决定", Nav::Penalties).at(&here),
            q: q.q.unwrap_or_default(),
            from: q.from.unwrap_or_default(),
            to: q.to.unwrap_or_default(),
            states,
            authorities: authority_choices,
            lines,
            next,
            errors,
            can_draft: s
                .actor
                .require(crate::domain::policy::Action::DraftPenalties)
                .is_ok(),
        },
    ))
}

async fn record_page(
    state: Arc<AppState>,
    s: Session,
    id: PenaltyId,
    done: Option<String>,
    refusal: Option<ServiceError>,
    given: Form,
) -> Response {
    let actor = s.actor.clone();
    let found = state
        .app
        .blocking(move |app| {
            let r = penalties::get(app, &actor, id)?;
            let h = penalties::history(app, &actor, id)?;
            Ok::<_, ServiceError>((r, h, app.today()))
        })
        .await;
    let (r, history, today) = match found {
        Ok(f) => f,
        Err(e) => return error_page(&s, e),
    };
    let taker = Taker {
        name: &s.actor.name,
        role: s.actor.role,
    };
    let steps = offered(&r, taker, today)
        .into_iter()
        .map(StepForm::of)
        .collect();
    // A refused step: the API's status, and its Chinese next to each field it names.
    let (status, error, field_errors) = match refusal.map(crate::http::problem::Problem::from) {
        None => (StatusCode::OK, None, Vec::new()),
        Some(p) if p.errors.is_empty() => (p.status(), Some(p.detail_zh), Vec::new()),
        Some(p) => (
            p.status(),
            Some("请按提示修改后重新提交。".to_string()),
            p.errors,
        ),
    };
    let number = r.decision_number.to_string();
    render(
        status,
        &RecordPage {
            shell: s
                .shell(&format!("处罚决定 {number}"), Nav::Penalties)
                .at(&format!("/console/penalties/{}", r.id)),
            id: r.id,
            state: r.progress.state.label(),
            version: r.progress.version,
            rows: fields(&r),
            private_rows: private_fields(&r),
            progress: progress(&r),
            history: history.iter().map(HistoryLine::of).collect(),
            number,
            steps,
            can_edit: r.progress.state == crate::domain::penalty::workflow::State::Draft
                && s.actor
                    .require(crate::domain::policy::Action::DraftPenalties)
                    .is_ok(),
            done,
            error,
            field_errors,
            given,
        },
    )
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

/// The fields the public may see once published (staff see the party's full name here).
fn fields(r: &PenaltyRecord) -> Vec<Row> {
    let f = &r.fields;
    vec![
        Row {
            label: "行政处罚决定书文号",
            value: r.decision_number.to_string(),
        },
        Row {
            label: "行政相对人类别",
            value: f.party_kind.label().into(),
        },
        Row {
            label: "行政相对人名称",
            value: f.party_name.clone(),
        },
        Row {
            label: "公示名称",
            value: r.public_name.clone(),
        },
        Row {
            label: "统一社会信用代码",
            value: f
                .party_credit_code
                .as_ref()
                .map_or("—".into(), |c| c.to_string()),
        },
        Row {
            label: "法定代表人",
            value: opt(&f.legal_representative),
        },
        Row {
            label: "违法行为类型",
            value: f.violation_type.clone(),
        },
        Row {
            label: "违法事实",
            value: f.facts.clone(),
        },
        Row {
            label: "处罚依据",
            value: f.legal_basis.clone(),
        },
        Row {
            label: "处罚类别",
            value: f
                .penalty_types
                .iter()
                .map(|t| t.label())
                .collect::<Vec<_>>()
                .join("、"),
        },
        Row {
            label: "处罚内容",
            value: f.content.clone(),
        },
        Row {
            label: "罚款金额（元）",
            value: f.fine_fen.map_or("—".into(), yuan),
        },
        Row {
            label: "没收违法所得、没收非法财物的金额（元）",
            value: f.confiscation_fen.map_or("—".into(), yuan),
        },
        Row {
            label: "暂扣或吊销证照名称及编号",
            value: opt(&f.licence_affected),
        },
        Row {
            label: "处罚决定日期",
            value: f.decision_date.to_string(),
        },
        Row {
            label: "程序",
            value: f.procedure.label().into(),
        },
        Row {
            label: "失信等级",
            value: f.severity.label().into(),
        },
    ]
}

/// What never leaves the staff's pages.
fn private_fields(r: &PenaltyRecord) -> Vec<Row> {
    let f = &r.fields;
    vec![
        Row {
            label: "证件类型",
            value: f.party_id_type.map_or("—".into(), |t| t.label().into()),
        },
        Row {
            label: "证件号码",
            value: opt(&f.party_id_number),
        },
        Row {
            label: "住所（地址）",
            value: opt(&f.party_address),
        },
        Row {
            label: "执法人员（证号）",
            value: if f.case_officers.is_empty() {
                "—".into()
            } else {
                f.case_officers
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            },
        },
        Row {
            label: "失信等级说明",
            value: opt(&f.severity_reason),
        },
        Row {
            label: "内部备注",
            value: opt(&f.internal_notes),
        },
    ]
}

fn progress(r: &PenaltyRecord) -> Vec<Row> {
    let p = &r.progress;
    let w = &p.workflow;
    let when = |t: &Option<chrono::NaiveDateTime>| {
        t.map_or(String::new(), |t| {
            format!("（{}）", crate::domain::shanghai::format_minute(t))
        })
    };
    let mut rows = vec![
        Row {
            label: "状态",
            value: p.state.label().into(),
        },
        Row {
            label: "公示期限",
            value: format!(
                "{}{}",
                p.publication_deadline,
                if p.publication_deadline_provisional {
                    "（暂定：所需年份的节假日安排尚未载入）"
                } else {
                    ""
                }
            ),
        },
        Row {
            label: "公示期",
            value: format!(
                "最短至 {}，最长至 {}",
                p.publicity_min_end, p.publicity_max_end
            ),
        },
        Row {
            label: "起草人",
            value: w.drafters.join("、"),
        },
    ];
    if let Some(by) = &w.submitted_by {
        rows.push(Row {
            label: "提交人",
            value: format!("{by}{}", when(&w.submitted_at)),
        });
    }
    if let Some(by) = &w.rejected_by {
        rows.push(Row {
            label: "退回人",
            value: by.clone(),
        });
        rows.push(Row {
            label: "退回理由",
            value: opt(&w.rejection_reason),
        });
    }
    if let Some(by) = &w.approved_by {
        rows.push(Row {
            label: "审核人",
            value: format!("{by}{}", when(&w.approved_at)),
        });
    }
    if let Some(on) = p.published_on {
        let late = match p.working_days_late {
            Some(n) if n > 0 => format!("（逾期 {n} 个工作日）"),
            _ => "（按期）".into(),
        };
        rows.push(Row {
            label: "公示日期",
            value: format!(
                "{on}{late}{}",
                w.published_by
                    .as_ref()
                    .map_or(String::new(), |b| format!("，{b}"))
            ),
        });
    }
    if let Some(on) = p.withdrawn_on {
        rows.push(Row {
            label: "撤下日期",
            value: format!("{on}（撤下理由：{}）", opt(&w.withdrawal_reason)),
        });
    }
    rows
}

async fn preview(
    id: PenaltyId,
    state: Arc<AppState>,
    s: Session,
) -> Result<Response, std::convert::Infallible> {
    let actor = s.actor.clone();
    let found = state
        .app
        .blocking(move |app| penalties::preview(app, &actor, id))
        .await;
    let p: Preview = match found {
        Ok(p) => p,
        Err(e) => return Ok(error_page(&s, e)),
    };
    let number = p.record.decision_number.to_string();
    // Exactly the API's public view of the record (`PublicPenaltyItem`), field by field.
    let (rows, notice) = match PublicPenaltyItem::of(&p.record, &p.authority, p.on) {
        Some(PublicPenaltyItem::Decision(d)) => (
            vec![
                Row {
                    label: "行政处罚决定书文号",
                    value: d.decision_number.clone(),
                },
                Row {
                    label: "行政相对人类别",
                    value: d.party_kind_label.into(),
                },
                Row {
                    label: "行政相对人名称",
                    value: d.party_name.clone(),
                },
                Row {
                    label: "统一社会信用代码",
                    value: d.party_credit_code.clone().unwrap_or_else(|| "—".into()),
                },
                Row {
                    label: "法定代表人",
                    value: d.legal_representative.clone().unwrap_or_else(|| "—".into()),
                },
                Row {
                    label: "违法行为类型",
                    value: d.violation_type.clone(),
                },
                Row {
                    label: "违法事实",
                    value: d.facts.clone(),
                },
                Row {
                    label: "处罚依据",
                    value: d.legal_basis.clone(),
                },
                Row {
                    label: "处罚类别",
                    value: d
                        .penalty_types
                        .iter()
                        .map(|t| t.label)
                        .collect::<Vec<_>>()
                        .join("、"),
                },
                Row {
                    label: "处罚内容",
                    value: d.content.clone(),
                },
                Row {
                    label: "罚款金额（元）",
                    value: d.fine_yuan.clone().unwrap_or_else(|| "—".into()),
                },
                Row {
                    label: "没收违法所得、没收非法财物的金额（元）",
                    value: d.confiscation_yuan.clone().unwrap_or_else(|| "—".into()),
                },
                Row {
                    label: "暂扣或吊销证照名称及编号",
                    value: d.licence_affected.clone().unwrap_or_else(|| "—".into()),
                },
                Row {
                    label: "处罚决定日期",
                    value: d.decision_date.to_string(),
                },
                Row {
                    label: "处罚机关",
                    value: d.authority.clone(),
                },
                Row {
                    label: "处罚机关统一社会信用代码",
                    value: d.authority_credit_code.clone(),
                },
                Row {
                    label: "公示截止日期",
                    value: d.publicity_end.to_string(),
                },
            ],
            None,
        ),
        Some(PublicPenaltyItem::Withdrawal(w)) => (
            vec![
                Row {
                    label: "行政处罚决定书文号",
                    value: w.decision_number.clone(),
                },
                Row {
                    label: "处罚机关",
                    value: w.authority.clone(),
                },
                Row {
                    label: "撤下日期",
                    value: w.withdrawn_on.map_or("—".into(), |d| d.to_string()),
                },
                Row {
                    label: "撤下理由",
                    value: w.withdrawal_reason.clone().unwrap_or_else(|| "—".into()),
                },
            ],
            Some("此决定已撤下：公众看到的是撤下公告。".to_string()),
        ),
        None => (
            Vec::new(),
            Some("此决定的公示期已届满（或已信用修复、已作废）：公众看不到它。".to_string()),
        ),
    };
    Ok(render(
        StatusCode::OK,
        &PreviewPage {
            shell: s
                .shell(&format!("公示预览 {number}"), Nav::Penalties)
                .at(&format!("/console/penalties/{}/preview", id.get())),
            id: id.get(),
            number,
            rows,
            notice,
            not_publishable: p.not_publishable,
        },
    ))
}

async fn step(
    id: PenaltyId,
    name: String,
    state: Arc<AppState>,
    s: Session,
    f: Form,
) -> Result<Response, std::convert::Infallible> {
    let Some(step) = Step::parse(&name) else {
        return Ok(error_page(
            &s,
            ServiceError::NotFound(format!("no step {name:?}")).zh("没有这个操作"),
        ));
    };
    let version = match f.get("version").map(str::parse::<i32>) {
        Some(Ok(v)) => Some(v),
        _ => None,
    };
    let body = StepBody {
        version,
        reason: f.text("reason"),
        event_date: f.text("event_date"),
        applicant: f.text("applicant"),
        commitment: f.text("commitment"),
        evidence: f.text("evidence"),
    };
    let actor = s.actor.clone();
    let taken = state
        .app
        .blocking(move |app| penalties::step(app, &actor, id, step, &body))
        .await;
    Ok(match taken {
        Ok(_) => see_other(&format!(
            "/console/penalties/{}?done={}",
            id.get(),
            step.name()
        )),
        Err(e) => record_page(state, s, id, None, Some(e), f).await,
    })
}
