//! What the public may see: one allow-listed type per public answer. A field that is not here
//! cannot reach a public response, whatever the record holds (risk tags, ID numbers, phones,
//! versions). `tests/api/public_views.rs` pins each type's keys.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::calendar::{DayInfo, DayKind, LoadedYear, Region, SpecialKind};
use crate::domain::category::{Category, CategoryCode, Vocabulary};
use crate::domain::credit_code::{self, CreditCode, CreditCodeError};
use crate::domain::entity::{DistrictCode, EntityKind, EntityRecord, EntityStatus};
use crate::domain::inspector::{CertificateNo, InspectorRecord, InspectorStatus};
use crate::domain::penalty::kinds::PartyKind;
use crate::domain::penalty::public::PublicRecord;
use crate::domain::penalty::record::{Authority, AuthorityLabel, Visible};
use crate::domain::shanghai::format_utc;
use crate::http::paging::LabelledView;
use crate::service::calendar::{AddedWorkdays, YearView};
use crate::service::system::Meta;

/// An entity of the directory (市场主体名录库) as the public sees it: no risk tags, no version.
#[derive(Serialize)]
pub struct PublicEntity {
    pub credit_code: CreditCode,
    pub name: String,
    pub kind: EntityKind,
    pub kind_label: &'static str,
    pub category: CategoryCode,
    pub category_label: String,
    pub district: DistrictCode,
    pub address: Option<String>,
    pub legal_representative: Option<String>,
    pub licence_numbers: Vec<String>,
    pub status: EntityStatus,
    pub status_label: &'static str,
}

impl LabelledView<EntityRecord> for PublicEntity {
    fn view(e: &EntityRecord, categories: &Vocabulary, _today: NaiveDate) -> Self {
        let f = &e.fields;
        PublicEntity {
            credit_code: f.credit_code.clone(),
            name: f.name.clone(),
            kind: f.kind,
            kind_label: f.kind.label(),
            category: f.category.clone(),
            category_label: categories.label(&f.category).to_string(),
            district: f.district.clone(),
            // A natural person's address is private; so is anything under their name.
            address: f
                .address
                .clone()
                .filter(|_| f.kind != EntityKind::NaturalPerson),
            legal_representative: f
                .legal_representative
                .clone()
                .filter(|_| f.kind != EntityKind::NaturalPerson),
            licence_numbers: f.licence_numbers.clone(),
            status: f.status,
            status_label: f.status.label(),
        }
    }
}

/// An inspector of the public roster (行政执法公示): no ID number, no phone.
#[derive(Serialize)]
pub struct PublicInspector {
    pub name: String,
    pub certificate_no: CertificateNo,
    pub certificate_valid_from: NaiveDate,
    pub certificate_valid_to: NaiveDate,
    pub unit: String,
    pub fields: Vec<CategoryCode>,
    pub field_labels: Vec<String>,
    /// The roster's status (`active`, `suspended`, `retired`).
    pub status: InspectorStatus,
    /// Today's standing, the certificate's validity included: 在岗 only when the certificate is
    /// valid today (issue 26); else 执法证已过期, 执法证尚未生效, 停用 or 离岗.
    pub status_label: &'static str,
    /// `on_duty`, `certificate_expired`, `certificate_not_yet_valid`, `suspended`, `retired`.
    pub duty: &'static str,
}

impl LabelledView<InspectorRecord> for PublicInspector {
    fn view(r: &InspectorRecord, categories: &Vocabulary, today: NaiveDate) -> Self {
        let f = &r.fields;
        PublicInspector {
            name: f.name.clone(),
            certificate_no: f.certificate_no.clone(),
            certificate_valid_from: f.certificate_valid_from,
            certificate_valid_to: f.certificate_valid_to,
            unit: f.unit.clone(),
            fields: f.fields.clone(),
            field_labels: f
                .fields
                .iter()
                .map(|c| categories.label(c).to_string())
                .collect(),
            status: f.status,
            status_label: f.duty_on(today).label(),
            duty: f.duty_on(today).code(),
        }
    }
}

/// A category of the reference list (行业类别), as portals and bureau files name it.
#[derive(Serialize)]
pub struct PublicCategory {
    pub code: CategoryCode,
    pub label: String,
    pub aliases: Vec<String>,
    pub parent: Option<CategoryCode>,
    pub regulation: Option<String>,
}

impl From<&Category> for PublicCategory {
    fn from(c: &Category) -> Self {
        PublicCategory {
            code: c.code.clone(),
            label: c.label.clone(),
            aliases: c.aliases.clone(),
            parent: c.parent.clone(),
            regulation: c.regulation.clone(),
        }
    }
}

/// The credit-code checker's verdict: the payload whether or not the code is valid.
#[derive(Serialize)]
pub struct CreditCodeVerdict {
    pub input: String,
    pub valid: bool,
    pub normalized: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_authority: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_check_character: Option<String>,
}

impl CreditCodeVerdict {
    pub fn of(input: String, parsed: Result<CreditCode, CreditCodeError>) -> Self {
        match parsed {
            Ok(c) => CreditCodeVerdict {
                valid: true,
                normalized: c.as_str().to_string(),
                registration_authority: Some(c.registration_authority()),
                category: Some(c.category()),
                region_code: Some(c.region_code().to_string()),
                reason: None,
                message: None,
                expected_check_character: None,
                input,
            },
            Err(e) => CreditCodeVerdict {
                valid: false,
                normalized: credit_code::normalize(&input),
                registration_authority: None,
                category: None,
                region_code: None,
                reason: Some(e.reason()),
                message: Some(e.to_string()),
                expected_check_character: match e {
                    CreditCodeError::Checksum { expected, .. } => Some(expected.to_string()),
                    _ => None,
                },
                input,
            },
        }
    }
}

/// One day of the working-day calendar.
#[derive(Serialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub region: Region,
    pub is_workday: bool,
    pub kind: DayKind,
    pub name: Option<String>,
    pub provisional: bool,
    /// Only on `/calendar/today`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<&'static str>,
}

impl CalendarDay {
    pub fn new(region: Region, d: DayInfo) -> Self {
        CalendarDay {
            date: d.date,
            region,
            is_workday: d.kind.is_workday(),
            kind: d.kind,
            name: d.name,
            provisional: d.provisional,
            time_zone: None,
        }
    }

    pub fn today(region: Region, d: DayInfo) -> Self {
        CalendarDay {
            time_zone: Some("Asia/Shanghai"),
            ..CalendarDay::new(region, d)
        }
    }
}

/// "N working days after D".
#[derive(Serialize)]
pub struct AddedWorkdaysView {
    pub from: NaiveDate,
    pub days: u32,
    pub region: Region,
    pub date: NaiveDate,
    pub provisional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
}

impl From<AddedWorkdays> for AddedWorkdaysView {
    fn from(a: AddedWorkdays) -> Self {
        AddedWorkdaysView {
            from: a.from,
            days: a.days,
            region: a.region,
            date: a.deadline.date,
            provisional: a.deadline.provisional,
            rule: a.rule,
        }
    }
}

/// Working days in (from, to].
#[derive(Serialize)]
pub struct WorkdaysBetween {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub region: Region,
    pub workdays: u32,
    pub provisional: bool,
}

/// One loaded layer of a year.
#[derive(Serialize)]
pub struct YearLayer {
    pub region: String,
    pub source: String,
    pub loaded_at: String,
    pub revision: i32,
}

/// One special day of a year, with the layer that gives it.
#[derive(Serialize)]
pub struct YearDay {
    pub date: NaiveDate,
    pub kind: SpecialKind,
    pub name: String,
    pub layer: Region,
    pub source: String,
}

/// A year's special days and working-day count.
#[derive(Serialize)]
pub struct CalendarYear {
    pub region: Region,
    pub year: i32,
    pub workdays: u32,
    pub layers: Vec<YearLayer>,
    pub days: Vec<YearDay>,
}

impl CalendarYear {
    pub fn new(region: Region, year: i32, view: YearView) -> Self {
        CalendarYear {
            region,
            year,
            workdays: view.workdays,
            layers: view
                .layers
                .into_iter()
                .map(|l| YearLayer {
                    region: l.region,
                    source: l.source,
                    loaded_at: format_utc(l.loaded_at),
                    revision: l.revision,
                })
                .collect(),
            days: view
                .schedules
                .iter()
                .flat_map(|s| {
                    s.days().iter().map(move |d| YearDay {
                        date: d.date,
                        kind: d.kind,
                        name: d.name.clone(),
                        layer: s.region().clone(),
                        source: d.source.clone(),
                    })
                })
                .collect(),
        }
    }
}

/// One loaded (region, year) of the coverage list.
#[derive(Serialize)]
pub struct LoadedYearView {
    pub region: String,
    pub year: i32,
    pub source: String,
    pub origin: crate::domain::calendar::Origin,
    pub revision: i32,
    pub loaded_at: String,
}

impl From<LoadedYear> for LoadedYearView {
    fn from(y: LoadedYear) -> Self {
        LoadedYearView {
            region: y.region,
            year: y.year,
            source: y.source,
            origin: y.origin,
            revision: y.revision,
            loaded_at: format_utc(y.loaded_at),
        }
    }
}

/// Which years are loaded.
#[derive(Serialize)]
pub struct Coverage {
    pub regions: Vec<Region>,
    pub default_region: Region,
    pub items: Vec<LoadedYearView>,
}

/// `/healthz`.
#[derive(Serialize)]
pub struct Health {
    pub status: &'static str,
    pub database: &'static str,
}

/// Per region: the loaded years as a run, e.g. CN 2007–2026.
#[derive(Serialize)]
pub struct RegionCoverage {
    pub region: String,
    pub years: usize,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
}

#[derive(Serialize)]
pub struct MetaCalendar {
    pub regions: Vec<Region>,
    pub default_region: Region,
    pub coverage: Vec<RegionCoverage>,
}

/// `/api/v1/meta`: what this deployment is.
#[derive(Serialize)]
pub struct MetaView {
    pub name: &'static str,
    pub version: &'static str,
    pub api_version: &'static str,
    pub database: &'static str,
    pub calendar: MetaCalendar,
}

impl From<Meta> for MetaView {
    fn from(m: Meta) -> Self {
        let mut by_region: std::collections::BTreeMap<String, Vec<i32>> = Default::default();
        for y in m.coverage {
            by_region.entry(y.region).or_default().push(y.year);
        }
        MetaView {
            name: "gongshi",
            version: env!("CARGO_PKG_VERSION"),
            api_version: "v1",
            database: m.backend,
            calendar: MetaCalendar {
                regions: m.regions,
                default_region: m.default_region,
                coverage: by_region
                    .into_iter()
                    .map(|(region, ys)| RegionCoverage {
                        region,
                        years: ys.len(),
                        first_year: ys.iter().min().copied(),
                        last_year: ys.iter().max().copied(),
                    })
                    .collect(),
            },
        }
    }
}

/// A 处罚机关 as the public sees it (names, codes and publication settings are public facts).
#[derive(Serialize)]
pub struct PublicAuthority {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub number_prefix: String,
    pub publish_simple_procedure: bool,
    pub publish_warning_only: bool,
    pub publish_minor: bool,
    pub mask_natural_person_names: bool,
    /// What a change must name (PATCH /api/v1/authorities/{id}).
    pub version: i32,
}

impl From<&Authority> for PublicAuthority {
    fn from(a: &Authority) -> Self {
        let f = &a.fields;
        PublicAuthority {
            id: a.id,
            name: f.name.clone(),
            credit_code: f.credit_code.to_string(),
            number_prefix: f.number_prefix.clone(),
            publish_simple_procedure: f.settings.publish_simple_procedure,
            publish_warning_only: f.settings.publish_warning_only,
            publish_minor: f.settings.publish_minor,
            mask_natural_person_names: f.mask_natural_person_names,
            version: a.version,
        }
    }
}

/// A penalty type with its label.
#[derive(Serialize)]
pub struct TypeView {
    pub code: &'static str,
    pub label: &'static str,
}

/// An amount in 分 and as a decimal 元 string (DESIGN §9).
pub fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// A published decision as the public sees it: an allow-list. Never an ID number, an address, a
/// phone, internal notes or the case officers; a natural person's name as the authority masks
/// it; the credit code and legal representative only of organisations and individual businesses.
#[derive(Serialize)]
pub struct PublicPenalty {
    pub id: i64,
    pub decision_number: String,
    pub party_kind: &'static str,
    pub party_kind_label: &'static str,
    pub party_name: String,
    pub party_credit_code: Option<String>,
    pub legal_representative: Option<String>,
    pub violation_type: String,
    pub facts: String,
    pub legal_basis: String,
    pub penalty_types: Vec<TypeView>,
    pub content: String,
    pub fine_fen: Option<i64>,
    pub fine_yuan: Option<String>,
    pub confiscation_fen: Option<i64>,
    pub confiscation_yuan: Option<String>,
    pub licence_affected: Option<String>,
    pub decision_date: NaiveDate,
    pub authority_id: i64,
    pub authority: String,
    pub authority_credit_code: String,
    pub published_on: Option<NaiveDate>,
    pub publicity_end: NaiveDate,
    pub state: &'static str,
}

/// What the public sees of a withdrawn decision: that it was withdrawn, when and why.
#[derive(Serialize)]
pub struct PublicWithdrawal {
    pub id: i64,
    pub decision_number: String,
    pub authority_id: i64,
    pub authority: String,
    pub authority_credit_code: String,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawal_reason: Option<String>,
    pub state: &'static str,
}

/// One item of the public list or detail: a decision or a withdrawal notice.
#[derive(Serialize)]
#[serde(untagged)]
pub enum PublicPenaltyItem {
    Decision(Box<PublicPenalty>),
    Withdrawal(PublicWithdrawal),
}

impl PublicPenaltyItem {
    /// The public view of `r` on `today`; `None` when the public may not see it.
    pub fn of(r: &PublicRecord, a: &AuthorityLabel, today: NaiveDate) -> Option<PublicPenaltyItem> {
        match r.public_on(today)? {
            Visible::Withdrawal => Some(PublicPenaltyItem::Withdrawal(PublicWithdrawal {
                id: r.id,
                decision_number: r.decision_number.to_string(),
                authority_id: a.id,
                authority: a.name.clone(),
                authority_credit_code: a.credit_code.to_string(),
                withdrawn_on: r.withdrawn_on,
                withdrawal_reason: r.withdrawal_reason.clone(),
                state: "withdrawn",
            })),
            Visible::Decision => {
                let organisation = r.party_kind != PartyKind::NaturalPerson;
                Some(PublicPenaltyItem::Decision(Box::new(PublicPenalty {
                    id: r.id,
                    decision_number: r.decision_number.to_string(),
                    party_kind: r.party_kind.code(),
                    party_kind_label: r.party_kind.label(),
                    party_name: r.public_name.clone(),
                    party_credit_code: r
                        .party_credit_code
                        .as_ref()
                        .filter(|_| organisation)
                        .map(|c| c.to_string()),
                    legal_representative: r.legal_representative.clone().filter(|_| organisation),
                    violation_type: r.violation_type.clone(),
                    facts: r.facts.clone(),
                    legal_basis: r.legal_basis.clone(),
                    penalty_types: r
                        .penalty_types
                        .iter()
                        .map(|t| TypeView {
                            code: t.code(),
                            label: t.label(),
                        })
                        .collect(),
                    content: r.content.clone(),
                    fine_fen: r.fine_fen,
                    fine_yuan: r.fine_fen.map(yuan),
                    confiscation_fen: r.confiscation_fen,
                    confiscation_yuan: r.confiscation_fen.map(yuan),
                    licence_affected: r.licence_affected.clone(),
                    decision_date: r.decision_date,
                    authority_id: a.id,
                    authority: a.name.clone(),
                    authority_credit_code: a.credit_code.to_string(),
                    published_on: r.published_on,
                    publicity_end: r.publicity_max_end,
                    state: "published",
                })))
            }
        }
    }
}

/// The open verifier's answer: the key and every pick as RFC 3797 §6 prints it.
#[derive(Serialize)]
pub struct Rfc3797View {
    pub key: String,
    pub picks: Vec<Rfc3797PickView>,
}

#[derive(Serialize)]
pub struct Rfc3797PickView {
    /// From 1.
    pub index: usize,
    /// Upper-case hex.
    pub md5: String,
    /// Members not yet picked.
    pub divisor: usize,
    /// The digest modulo the divisor: the 0-based place among the members not yet picked.
    pub remainder: usize,
    /// The picked member's place in the pool, from 1.
    pub position: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl From<crate::service::draws::Rfc3797Answer> for Rfc3797View {
    fn from(a: crate::service::draws::Rfc3797Answer) -> Self {
        Rfc3797View {
            key: a.key.as_str().to_string(),
            picks: a
                .picks
                .into_iter()
                .map(|(p, label)| Rfc3797PickView {
                    index: p.index,
                    md5: p.md5_hex(),
                    divisor: p.divisor,
                    remainder: p.remainder,
                    position: p.position,
                    label,
                })
                .collect(),
        }
    }
}

/// A code with its Chinese label.
#[derive(Serialize)]
pub struct Labelled {
    pub code: String,
    pub label: String,
}

/// One version of an item of the 随机抽查事项清单 (everything in the list is public).
#[derive(Serialize)]
pub struct PublicItem {
    pub id: i64,
    pub code: String,
    pub version: i32,
    /// Whether this is the item's newest version.
    pub current: bool,
    pub field: String,
    pub name: String,
    pub content: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub basis: String,
    pub subject: String,
    pub categories: Vec<Labelled>,
    pub methods: Vec<Labelled>,
    pub ratio: Option<String>,
    pub frequency: Option<String>,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// When this version was made (RFC 3339, Asia/Shanghai).
    pub version_created_at: String,
}

impl PublicItem {
    /// One labelled item (a single-item answer).
    pub fn labelled(
        l: &crate::service::categories::Labelled<crate::domain::inspection_item::ItemVersion>,
    ) -> Self {
        PublicItem::new(&l.value, &l.categories)
    }

    pub fn new(v: &crate::domain::inspection_item::ItemVersion, categories: &Vocabulary) -> Self {
        let f = &v.fields;
        PublicItem {
            id: v.item_id,
            code: v.code.as_str().to_string(),
            version: v.version,
            current: v.version == v.current_version,
            field: f.field.clone(),
            name: f.name.clone(),
            content: f.content.clone(),
            kind: f.kind.code(),
            kind_label: f.kind.label(),
            basis: f.basis.clone(),
            subject: f.subject.clone(),
            categories: f
                .categories
                .iter()
                .map(|c| Labelled {
                    code: c.as_str().to_string(),
                    label: categories.label(c).to_string(),
                })
                .collect(),
            methods: f
                .methods
                .iter()
                .map(|m| Labelled {
                    code: m.code().to_string(),
                    label: m.label().to_string(),
                })
                .collect(),
            ratio: f.ratio.clone(),
            frequency: f.frequency.clone(),
            effective_from: f.effective_from,
            effective_to: f.effective_to,
            version_created_at: format_utc(v.created_at),
        }
    }
}
