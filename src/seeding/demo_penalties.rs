//! The synthetic demo decisions of `gongshi seed --demo`: a demo authority and a few dozen
//! decisions in every state, dated relative to today, so a newcomer sees some due, some overdue,
//! some published on time and late, a withdrawal, an expired and a repaired one. Natural persons
//! among them carry synthetic (valid) ID numbers and addresses, so a redaction mistake would show
//! on the first public page. Loading them again changes nothing.

use crate::domain::penalty::fields::GivenAmount;
use chrono::{Days, NaiveDate};

use crate::domain::penalty::fields::RawPenalty;
use crate::domain::penalty::record::RawAuthority;
use crate::domain::penalty::workflow::Step;
use crate::service::penalties::{self, StepBody};
use crate::service::{authorities, Actor, App, ServiceError};

/// The demo authority's name: clearly not a real one.
pub const DEMO_AUTHORITY: &str = "银川市文化旅游广电局（演示）";

fn actor(name: &str) -> Actor {
    Actor {
        name: name.to_string(),
        role: None,
        authority_id: None,
    }
}

/// How far a demo decision goes, and when it was decided (days before today).
#[derive(Clone, Copy)]
enum Goal {
    Draft,
    Submitted,
    Approved,
    Published,
    Withdrawn,
    Repaired,
}

const PLAN: &[(Goal, u64)] = &[
    (Goal::Draft, 1),
    (Goal::Draft, 4),
    (Goal::Submitted, 2),
    (Goal::Submitted, 6),
    (Goal::Approved, 3),
    (Goal::Approved, 8),
    (Goal::Approved, 15),
    (Goal::Approved, 25),
    (Goal::Published, 0),
    (Goal::Published, 2),
    (Goal::Published, 5),
    (Goal::Published, 9),
    (Goal::Published, 20),
    (Goal::Published, 40),
    (Goal::Published, 90),
    (Goal::Published, 200),
    (Goal::Published, 300),
    (Goal::Published, 380),
    (Goal::Published, 420),
    // Under 58号令 (3 years at most): past its publicity, so shown as expired.
    (Goal::Published, 1300),
    (Goal::Withdrawn, 12),
    (Goal::Withdrawn, 60),
    (Goal::Repaired, 150),
    (Goal::Repaired, 250),
    (Goal::Published, 30),
];

const PEOPLE: &[(&str, &str)] = &[
    ("欧阳明华", "兴庆区演示路1号"),
    ("张三丰", "金凤区样例街12号"),
    ("李小龙", "西夏区示例巷3号"),
    ("司马相如", "永宁县演示村5组"),
];

/// A valid, synthetic 身份证 number (region 640104, a 1980s birth date, sequence from `n`).
fn id_number(n: usize) -> String {
    let body = format!("6401041985{:02}{:02}{:03}", 1 + n % 12, 1 + n % 28, 100 + n);
    let check = crate::domain::id_number::check_character(&body);
    format!("{body}{check}")
}

/// Loads the demo authority and its decisions unless the authority exists already.
pub fn load(app: &App) -> Result<String, ServiceError> {
    let all = authorities::list(app)?;
    if all.iter().any(|a| a.fields.name == DEMO_AUTHORITY) {
        return Ok("demo penalties: already loaded".into());
    }
    let admin = actor("demo-admin");
    let authority = authorities::create(
        app,
        &admin,
        &RawAuthority {
            name: Some(DEMO_AUTHORITY.into()),
            credit_code: Some(demo_credit_code()),
            number_prefix: Some("银文旅演".into()),
            ..RawAuthority::default()
        },
    )?;
    let today = app.today();
    let oldest = today - Days::new(PLAN.iter().map(|p| p.1).max().unwrap_or(0));
    let officers = officers(app, oldest, today)?;
    if officers.len() < 2 {
        return Ok("demo penalties: skipped (the roster has fewer than two inspectors certified over the demo dates)".into());
    }
    let clerk = actor("demo-clerk");
    let reviewer = actor("demo-reviewer");
    let parties = demo_parties(app)?;
    for (i, (goal, days_ago)) in PLAN.iter().enumerate() {
        let decided = today - Days::new(*days_ago);
        let raw = decision(i, decided, authority.id, &officers, &parties);
        let d = penalties::create(app, &clerk, &raw)?;
        let steps: &[Step] = match goal {
            Goal::Draft => &[],
            Goal::Submitted => &[Step::Submit],
            Goal::Approved => &[Step::Submit, Step::Approve],
            Goal::Published => &[Step::Submit, Step::Approve, Step::Publish],
            Goal::Withdrawn => &[Step::Submit, Step::Approve, Step::Publish, Step::Withdraw],
            Goal::Repaired => &[Step::Submit, Step::Approve, Step::Publish, Step::Repair],
        };
        for step in steps {
            let who = if *step == Step::Submit {
                &clerk
            } else {
                &reviewer
            };
            let body = match step {
                Step::Withdraw => StepBody {
                    reason: Some("（演示）经行政复议，原处罚决定被撤销".into()),
                    event_date: Some((today - Days::new(1)).max(decided).to_string()),
                    ..StepBody::default()
                },
                Step::Repair => StepBody {
                    applicant: Some(raw.party_name.clone().unwrap_or_default()),
                    commitment: Some("（演示）已纠正违法行为并作出信用承诺".into()),
                    evidence: Some("（演示）罚款缴纳凭证".into()),
                    ..StepBody::default()
                },
                _ => StepBody::default(),
            };
            penalties::step(app, who, d.id.into(), *step, &body)?;
        }
    }
    Ok(format!(
        "demo penalties: {} decisions for {DEMO_AUTHORITY}",
        PLAN.len()
    ))
}

/// A valid credit code for the demo authority (a 机关 code, 11 + 640100).
fn demo_credit_code() -> String {
    let prefix = "11640100MB0000001";
    let check = crate::domain::credit_code::check_character_for(prefix).unwrap_or('0');
    format!("{prefix}{check}")
}

/// Two certificate numbers of active inspectors certified from `from` to `to`.
fn officers(app: &App, from: NaiveDate, to: NaiveDate) -> Result<Vec<String>, ServiceError> {
    let roster = crate::service::inspectors::public_list(
        app,
        &crate::service::inspectors::RosterParams {
            limit: Some(100),
            status: Some("active".into()),
            ..Default::default()
        },
    )?;
    Ok(roster
        .value
        .items
        .iter()
        .filter(|r| r.fields.certificate_valid_from <= from && to <= r.fields.certificate_valid_to)
        .take(2)
        .map(|r| r.fields.certificate_no.as_str().to_string())
        .collect())
}

/// Directory entities to use as organisation parties: (credit code, name, legal representative).
fn demo_parties(app: &App) -> Result<Vec<(String, String, Option<String>)>, ServiceError> {
    let mut out = Vec::new();
    crate::service::entities::for_each(app, &actor("demo-admin"), |e, _| {
        if out.len() < 12 {
            out.push((
                e.fields.credit_code.to_string(),
                e.fields.name.clone(),
                e.fields.legal_representative.clone(),
            ));
        }
        Ok::<_, ServiceError>(())
    })?;
    Ok(out)
}

fn decision(
    i: usize,
    decided: NaiveDate,
    authority: i64,
    officers: &[String],
    parties: &[(String, String, Option<String>)],
) -> RawPenalty {
    let fine = 100_000 * (1 + (i as i64 % 9));
    let person = i % 3 == 0 || parties.is_empty();
    let mut raw = RawPenalty {
        authority_id: Some(authority),
        allocate_decision_number: Some(true),
        violation_type: Some(
            [
                "擅自从事营业性演出",
                "接纳未成年人进入营业场所",
                "未按规定核对上网消费者身份",
                "超范围经营",
            ][i % 4]
                .into(),
        ),
        facts: Some("（演示数据）经现场检查查明当事人存在上述违法行为。".into()),
        legal_basis: Some(
            [
                "《营业性演出管理条例》第四十三条",
                "《互联网上网服务营业场所管理条例》第三十一条",
            ][i % 2]
                .into(),
        ),
        penalty_types: Some(vec!["警告".into(), "罚款".into()]),
        content: Some(format!("警告，并处罚款人民币{}元", fine / 100)),
        fine_fen: Some(GivenAmount::Whole(fine)),
        decision_date: Some(decided.to_string()),
        procedure: Some("ordinary".into()),
        case_officers: Some(officers.to_vec()),
        internal_notes: Some("（演示）内部备注，不公开".into()),
        ..RawPenalty::default()
    };
    if person {
        let (name, address) = PEOPLE[i % PEOPLE.len()];
        raw.party_kind = Some("natural_person".into());
        raw.party_name = Some(name.into());
        raw.party_id_type = Some("resident_id_card".into());
        raw.party_id_number = Some(id_number(i));
        raw.party_address = Some(format!("（演示数据）{address}"));
    } else {
        let (code, name, legal) = &parties[i % parties.len()];
        let individual = code.starts_with("92");
        raw.party_kind = Some(
            if individual {
                "individual_business"
            } else {
                "legal_person"
            }
            .into(),
        );
        raw.party_name = Some(name.clone());
        raw.party_credit_code = Some(code.clone());
        raw.legal_representative = legal.clone().or_else(|| Some("（演示）负责人".into()));
    }
    raw
}
