//! Open data (issue 14): `GET /api/v1/public/penalties.csv`, the public view of every decision
//! shown today as a CSV Excel opens (UTF-8 with BOM, the 双公示 layout's Chinese headers for the
//! public columns only), and `GET /api/v1/public/penalties/feed.atom`, an Atom feed of
//! publication events. Both are built from the public views in `views.rs`, never from a record.

use std::convert::Infallible;
use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::http::header;
use warp::reply::Response;
use warp::{Filter, Reply};

use super::views::{PublicPenalty, PublicPenaltyItem};
use crate::domain::penalty::feed::{Event, Kind};
use crate::domain::penalty::money::fen_to_wan;
use crate::domain::shanghai;
use crate::http::filters::{self, query, with_state};
use crate::http::path::api;
use crate::http::problem::Problem;
use crate::http::AppState;
use crate::io::penalties_csv::LAYOUT;
use crate::service::open_data::{self, FeedAnswer, OpenDataParams};
use crate::service::ServiceError;

/// The layout's columns the public view shows, in the layout's order. Not here: the party's
/// other registration codes, ID type and number, and the note.
pub const PUBLIC_COLUMNS: [&str; 20] = [
    "party_name",
    "party_kind",
    "party_credit_code",
    "legal_representative",
    "decision_number",
    "violation_type",
    "facts",
    "legal_basis",
    "penalty_types",
    "content",
    "fine_wan",
    "confiscation_wan",
    "licence_affected",
    "decision_date",
    "valid_until",
    "publicity_end",
    "authority",
    "authority_credit_code",
    "source",
    "source_credit_code",
];

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    pub authority_id: Option<i64>,
}

pub fn routes(state: Arc<AppState>) -> BoxedFilter<(Response,)> {
    let csv = api()
        .and(warp::path!("public" / "penalties.csv"))
        .and(filters::get())
        .and(with_state(state.clone()))
        .and(
            query::<crate::http::requests::OpenDataParams>()
                .map(crate::service::open_data::OpenDataParams::from),
        )
        .and_then(csv);
    let feed = api()
        .and(warp::path!("public" / "penalties" / "feed.atom"))
        .and(filters::get())
        .and(with_state(state))
        .and(query::<FeedParams>())
        .and_then(feed);
    csv.or(feed).unify().boxed()
}

async fn csv(state: Arc<AppState>, p: OpenDataParams) -> Result<Response, Infallible> {
    let result: Result<Vec<u8>, ServiceError> = state
        .app
        .blocking(move |app| {
            let header = PUBLIC_COLUMNS.iter().map(|key| column_label(key));
            let mut w = crate::io::penalties_csv::writer(Vec::new(), header)
                .map_err(ServiceError::internal)?;
            open_data::each_published(app, &p, |records, authorities, today| {
                for r in records {
                    let Some(a) = authorities.iter().find(|a| a.id == r.authority_id) else {
                        continue;
                    };
                    if let Some(PublicPenaltyItem::Decision(v)) =
                        PublicPenaltyItem::of(&r.public(), a, today)
                    {
                        crate::io::cells::write_record(&mut w, row(&v))
                            .map_err(ServiceError::internal)?;
                    }
                }
                Ok(())
            })?;
            w.into_inner()
                .map_err(|e| ServiceError::internal(e.into_error()))
        })
        .await;
    Ok(match result {
        Ok(bytes) => with_type(
            bytes.into_response(),
            "text/csv; charset=utf-8",
            Some("attachment; filename=\"penalties-public.csv\""),
        ),
        Err(e) => Problem::from(e).into_response(),
    })
}

fn column_label(key: &str) -> &'static str {
    LAYOUT
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, label, _)| *label)
        .unwrap_or("")
}

/// One decision's public columns, in `PUBLIC_COLUMNS` order.
fn row(v: &PublicPenalty) -> [String; 20] {
    let types: Vec<&str> = v.penalty_types.iter().map(|t| t.label).collect();
    [
        v.party_name.clone(),
        v.party_kind_label.to_string(),
        v.party_credit_code.clone().unwrap_or_default(),
        v.legal_representative.clone().unwrap_or_default(),
        v.decision_number.clone(),
        v.violation_type.clone(),
        v.facts.clone(),
        v.legal_basis.clone(),
        types.join(";"),
        v.content.clone(),
        v.fine_fen.map(fen_to_wan).unwrap_or_default(),
        v.confiscation_fen.map(fen_to_wan).unwrap_or_default(),
        v.licence_affected.clone().unwrap_or_default(),
        v.decision_date.to_string(),
        // 长期: gongshi does not track the penalty's own term (as the staff export).
        "2099-12-31".into(),
        v.publicity_end.to_string(),
        v.authority.clone(),
        v.authority_credit_code.clone(),
        v.authority.clone(),
        v.authority_credit_code.clone(),
    ]
}

async fn feed(state: Arc<AppState>, p: FeedParams) -> Result<Response, Infallible> {
    let authority = p.authority_id;
    let result = state
        .app
        .blocking(move |app| open_data::feed(app, authority))
        .await;
    Ok(match result {
        Ok(answer) => with_type(
            atom(&answer, authority).into_response(),
            "application/atom+xml; charset=utf-8",
            None,
        ),
        Err(e) => Problem::from(e).into_response(),
    })
}

fn with_type(
    mut res: Response,
    content_type: &'static str,
    disposition: Option<&'static str>,
) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    if let Some(d) = disposition {
        h.insert(
            header::CONTENT_DISPOSITION,
            header::HeaderValue::from_static(d),
        );
    }
    res
}

/// The feed document. Its `updated` is the newest event's time (the start of today in
/// Asia/Shanghai when there is none), so the same events give the same bytes and ETag.
fn atom(answer: &FeedAnswer, authority: Option<i64>) -> String {
    use atom_syndication::{Entry, Feed, Link, Person, Text};
    let authority_name = authority
        .and_then(|id| answer.authorities.iter().find(|a| a.id == id))
        .map(|a| a.fields.name.clone());
    let self_href = match authority {
        Some(id) => format!("/api/v1/public/penalties/feed.atom?authority_id={id}"),
        None => "/api/v1/public/penalties/feed.atom".to_string(),
    };
    let updated = answer
        .events
        .first()
        .map(|e| e.at)
        .unwrap_or_else(|| shanghai::start_of_day_utc(answer.today));
    let entries: Vec<Entry> = answer
        .events
        .iter()
        .filter_map(|e| entry(answer, e))
        .collect();
    let mut feed = Feed {
        id: match authority {
            Some(id) => format!("urn:gongshi:feed:penalties:authority:{id}"),
            None => "urn:gongshi:feed:penalties".to_string(),
        },
        title: Text::plain(match &authority_name {
            Some(n) => format!("行政处罚决定公示 · {n}"),
            None => "行政处罚决定公示".to_string(),
        }),
        updated: rfc3339(updated),
        authors: vec![Person {
            name: authority_name.unwrap_or_else(|| "gongshi".into()),
            ..Default::default()
        }],
        lang: Some("zh-CN".into()),
        entries,
        ..Default::default()
    };
    feed.links = vec![
        Link {
            href: self_href,
            rel: "self".into(),
            mime_type: Some("application/atom+xml".into()),
            ..Default::default()
        },
        Link {
            href: "/api/v1/public/penalties".into(),
            rel: "alternate".into(),
            mime_type: Some("application/json".into()),
            ..Default::default()
        },
    ];
    feed.to_string()
}

fn rfc3339(naive_utc: chrono::NaiveDateTime) -> atom_syndication::FixedDateTime {
    chrono::DateTime::parse_from_rfc3339(&shanghai::format_utc(naive_utc))
        .unwrap_or_else(|_| naive_utc.and_utc().fixed_offset())
}

/// One event as an entry, showing only what the public view of its decision shows now.
fn entry(answer: &FeedAnswer, e: &Event) -> Option<atom_syndication::Entry> {
    use atom_syndication::{Category, Entry, Link, Person, Text};
    let r = answer.records.iter().find(|r| r.id == e.penalty_id)?;
    let a = answer.authorities.iter().find(|a| a.id == r.authority_id)?;
    let number = r.decision_number.to_string();
    let shown = PublicPenaltyItem::of(&r.public(), &a.label(), answer.today);
    let (title, summary) = match (e.kind, &shown) {
        (Kind::Published, Some(PublicPenaltyItem::Decision(v))) => {
            let types: Vec<&str> = v.penalty_types.iter().map(|t| t.label).collect();
            (
                format!("公示：{} {}", v.decision_number, v.party_name),
                format!(
                    "{}；处罚决定日期 {}；{}；{}",
                    v.authority,
                    v.decision_date,
                    types.join("、"),
                    v.content
                ),
            )
        }
        (Kind::Published, _) => (format!("公示：{number}"), "该决定已撤销。".to_string()),
        (Kind::Withdrawn, Some(PublicPenaltyItem::Withdrawal(w))) => (
            format!("撤销公示：{number}"),
            format!("撤销原因：{}", w.withdrawal_reason.as_deref().unwrap_or("")),
        ),
        (Kind::Withdrawn, _) => return None,
        (Kind::PublicityEnded, _) => (
            format!("公示结束：{number}"),
            "公示期已届满或已信用修复，不再公示。".to_string(),
        ),
    };
    let at = rfc3339(e.at);
    Some(Entry {
        id: e.id(),
        title: Text::plain(title),
        updated: at,
        published: Some(at),
        authors: vec![Person {
            name: a.fields.name.clone(),
            ..Default::default()
        }],
        categories: vec![Category {
            term: e.kind.code().into(),
            ..Default::default()
        }],
        links: vec![Link {
            href: format!("/api/v1/public/penalties/{}", r.id),
            rel: "alternate".into(),
            mime_type: Some("application/json".into()),
            ..Default::default()
        }],
        summary: Some(Text::plain(summary)),
        ..Default::default()
    })
}
