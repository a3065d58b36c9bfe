//! The Today page (`/console/`): overdue and soon-due decisions with their working days, the
//! signed-in clerk's drafts, what waits for a reviewer, and a chart of the last twelve months'
//! publications on time and late (SVG drawn here, with the same figures as a table).

use std::sync::Arc;

use askama::Template;
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::Filter;

use super::page::{error_page, render, Nav, Shell};
use super::{signed_in, Session};
use crate::domain::penalty::record::PenaltyRecord;
use crate::domain::role::Role;
use crate::http::filters::{get, with_state};
use crate::http::AppState;
use crate::service::deadlines::Standing;
use crate::service::penalties::DeadlineLine;
use crate::service::today::{self, Month, Today};

/// A decision on the page.
pub struct Line {
    pub id: i64,
    pub number: String,
    pub party: String,
    pub state: &'static str,
    pub deadline: String,
    /// "超期 3 个工作日", "剩 2 个工作日", "今天到期".
    pub standing: String,
    pub provisional: bool,
    /// A reviewer's reason for returning a draft.
    pub note: Option<String>,
}

impl Line {
    fn of_deadline(l: &DeadlineLine) -> Line {
        let standing = match (l.kind, l.working_days) {
            (Standing::Overdue, n) => format!("超期 {n} 个工作日"),
            (_, 0) => "今天到期".to_string(),
            (_, n) => format!("剩 {n} 个工作日"),
        };
        Line {
            standing,
            deadline: l.deadline.to_string(),
            provisional: l.provisional,
            ..Line::of(&l.record)
        }
    }

    pub fn of(r: &PenaltyRecord) -> Line {
        Line {
            id: r.id,
            number: r.decision_number.to_string(),
            party: r.fields.party_name.clone(),
            state: r.progress.state.label(),
            deadline: r.progress.publication_deadline.to_string(),
            standing: String::new(),
            provisional: r.progress.publication_deadline_provisional,
            note: r.progress.workflow.rejection_reason.clone(),
        }
    }
}

/// One bar of the chart, in the SVG's units.
pub struct Bar {
    pub label: String,
    pub on_time: i64,
    pub late: i64,
    pub x: u32,
    pub on_time_y: u32,
    pub on_time_h: u32,
    pub late_y: u32,
    pub late_h: u32,
}

/// The chart's drawing area: bars stand on `BASE`, the tallest is `HEIGHT` high.
const BASE: u32 = 170;
const HEIGHT: u32 = 150;

fn bars(months: &[Month]) -> Vec<Bar> {
    let top = months
        .iter()
        .map(|m| m.on_time + m.late)
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = |n: i64| ((n * HEIGHT as i64 + top - 1) / top) as u32;
    months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let total_h = scale(m.on_time + m.late);
            let late_h = scale(m.late).min(total_h);
            let on_h = total_h - late_h;
            Bar {
                label: format!("{}月", chrono::Datelike::month(&m.first)),
                on_time: m.on_time,
                late: m.late,
                x: 40 + i as u32 * 45,
                on_time_y: BASE - on_h,
                on_time_h: on_h,
                late_y: BASE - on_h - late_h,
                late_h,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "today.html")]
struct TodayPage {
    shell: Shell,
    today: String,
    to_do: usize,
    clerk: bool,
    overdue: Vec<Line>,
    due_soon: Vec<Line>,
    my_drafts: Vec<Line>,
    submitted: Vec<Line>,
    approved: Vec<Line>,
    bars: Vec<Bar>,
    chart_summary: String,
    first_month: String,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    warp::path!("console")
        .and(get())
        .and(with_state(state.clone()))
        .and(signed_in(state))
        .and_then(page)
        .boxed()
}

async fn page(state: Arc<AppState>, s: Session) -> Result<Response, std::convert::Infallible> {
    let actor = s.actor.clone();
    let found = state
        .app
        .blocking(move |app| today::today(app, &actor))
        .await;
    Ok(match found {
        Ok(t) => render(StatusCode::OK, &view(&s, &t)),
        Err(e) => error_page(&s, e),
    })
}

fn view(s: &Session, t: &Today) -> TodayPage {
    let (on_time, late): (i64, i64) = t
        .months
        .iter()
        .fold((0, 0), |(a, b), m| (a + m.on_time, b + m.late));
    TodayPage {
        shell: s.shell("今日待办", Nav::Today).at("/console/"),
        today: t.today.to_string(),
        to_do: t.to_do(s.actor.role),
        clerk: s.actor.role == Some(Role::Clerk),
        overdue: t.overdue.iter().map(Line::of_deadline).collect(),
        due_soon: t.due_soon.iter().map(Line::of_deadline).collect(),
        my_drafts: t.my_drafts.iter().map(Line::of).collect(),
        submitted: t.submitted.iter().map(Line::of).collect(),
        approved: t.approved.iter().map(Line::of).collect(),
        bars: bars(&t.months),
        chart_summary: format!(
            "近 12 个月共公示 {} 件，其中按期 {on_time} 件、逾期 {late} 件",
            on_time + late
        ),
        first_month: t
            .months
            .first()
            .map(|m| m.first.format("%Y年%m月").to_string())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_busiest_month_and_stack_late_on_on_time() {
        let first: chrono::NaiveDate = "2026-01-01".parse().unwrap();
        let months = [
            Month {
                first,
                on_time: 30,
                late: 10,
            },
            Month {
                first: "2026-02-01".parse().unwrap(),
                on_time: 0,
                late: 0,
            },
            Month {
                first: "2026-03-01".parse().unwrap(),
                on_time: 1,
                late: 0,
            },
        ];
        let b = bars(&months);
        assert_eq!(b[0].on_time_h + b[0].late_h, HEIGHT);
        assert_eq!(b[0].late_y + b[0].late_h, b[0].on_time_y);
        assert_eq!(b[0].on_time_y + b[0].on_time_h, BASE);
        assert_eq!((b[1].on_time_h, b[1].late_h), (0, 0));
        // One publication still shows.
        assert!(b[2].on_time_h >= 1);
        assert_eq!(b[2].label, "3月");
    }
}
