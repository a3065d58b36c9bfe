//! A plan's fields as staff write them, and how they are checked.

use chrono::{Datelike, NaiveDate};

use super::sample::Sample;
use crate::domain::category::{CategoryCode, Vocabulary};
use crate::domain::entity::DistrictCode;
use crate::domain::field::{parse_date, required_text, Errors, FieldError};
use crate::domain::inspection_item::ItemVersion;
use crate::domain::private_data;

/// At most this many random sources (each a lottery draw or an index close).
pub const MAX_SOURCES: usize = 10;
/// The largest team.
pub const MAX_TEAM: u64 = 10;

/// A plan as it arrives.
#[derive(Debug, Clone, Default)]
pub struct RawPlan {
    pub title: Option<String>,
    pub item_ids: Option<Vec<i64>>,
    pub population: Option<RawPopulation>,
    pub sample_size: Option<u64>,
    pub sample_ratio: Option<f64>,
    pub team_size: Option<u64>,
    pub load_cap: Option<u64>,
    pub random_sources: Option<Vec<RawSource>>,
    pub planned_month: Option<String>,
    pub responsible_unit: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct RawPopulation {
    pub categories: Option<Vec<String>>,
    pub districts: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct RawSource {
    pub description: Option<String>,
    pub available_on: Option<String>,
}

/// A public random source announced before its value is known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SourceSpec {
    pub description: String,
    /// The day its value becomes known.
    pub available_on: NaiveDate,
}

/// The month a plan is carried out in (`YYYY-MM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlannedMonth(NaiveDate);

impl PlannedMonth {
    pub fn parse(input: &str) -> Option<PlannedMonth> {
        let s = input.trim();
        let (y, m) = s.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        if !(2000..=2100).contains(&year) {
            return None;
        }
        NaiveDate::from_ymd_opt(year, month, 1).map(PlannedMonth)
    }

    pub fn first_day(self) -> NaiveDate {
        self.0
    }

    pub fn last_day(self) -> NaiveDate {
        let (y, m) = (self.0.year(), self.0.month());
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(self.0)
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }
}

impl std::fmt::Display for PlannedMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m"))
    }
}

/// One item a plan carries out, at the version it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ItemRef {
    pub id: i64,
    pub version: i32,
}

/// A valid plan's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFields {
    pub title: String,
    pub items: Vec<ItemRef>,
    /// Entity categories of the population (each covers its sub-kinds).
    pub categories: Vec<CategoryCode>,
    /// Empty: every district.
    pub districts: Vec<DistrictCode>,
    pub sample: Sample,
    pub team_size: u32,
    pub load_cap: Option<u32>,
    pub sources: Vec<SourceSpec>,
    pub planned_month: PlannedMonth,
    pub responsible_unit: String,
}

impl PlanFields {
    /// Parses a new plan. `items` are the stored items (current versions) the request's
    /// `item_ids` found; an id not among them is reported. The population's categories default
    /// to the items' 抽查对象 and must lie within them (an inspection no item lists is not
    /// allowed, 国办发〔2015〕58号). Every bad field is reported at once.
    pub fn parse(
        raw: &RawPlan,
        items: &[ItemVersion],
        vocabulary: &Vocabulary,
    ) -> Result<PlanFields, Vec<FieldError>> {
        let mut e = Errors::default();
        let title = required_text(&mut e, "title", raw.title.as_deref(), 200);
        let responsible_unit = required_text(
            &mut e,
            "responsible_unit",
            raw.responsible_unit.as_deref(),
            100,
        );
        let planned_month = match raw.planned_month.as_deref() {
            None => {
                e.push(
                    "planned_month",
                    "required",
                    "planned_month (YYYY-MM) is required",
                );
                None
            }
            Some(m) => {
                let p = PlannedMonth::parse(m);
                if p.is_none() {
                    e.push(
                        "planned_month",
                        "format",
                        format!("{m:?} is not a month such as 2026-12"),
                    );
                }
                p
            }
        };
        let found = parse_items(&mut e, raw, items, planned_month);
        let categories = found
            .as_ref()
            .and_then(|found| parse_categories(&mut e, raw, found, vocabulary));
        let mut districts = Vec::new();
        for (i, d) in raw
            .population
            .as_ref()
            .and_then(|p| p.districts.as_ref())
            .into_iter()
            .flatten()
            .enumerate()
        {
            match DistrictCode::parse(d) {
                Ok(d) if !districts.contains(&d) => districts.push(d),
                Ok(_) => {}
                Err(m) => e.push(&format!("population.districts[{i}]"), "format", m),
            }
        }
        let sample = match (raw.sample_size, raw.sample_ratio) {
            (Some(_), Some(_)) => {
                e.push(
                    "sample_size",
                    "exclusive",
                    "give sample_size or sample_ratio, not both",
                );
                None
            }
            (None, None) => {
                e.push(
                    "sample_size",
                    "required",
                    "give sample_size (a number of entities) or sample_ratio (e.g. 0.05)",
                );
                None
            }
            (Some(n), None) => e.take("sample_size", Sample::size(n), |_| "range"),
            (None, Some(r)) => e.take("sample_ratio", Sample::ratio(r), |_| "range"),
        };
        let team_size = match raw.team_size.unwrap_or(2) {
            n @ 2..=MAX_TEAM => Some(n as u32),
            n => {
                e.push(
                    "team_size",
                    "range",
                    format!(
                        "team_size is 2 to {MAX_TEAM}, not {n}: at least two inspectors (行政处罚法 Art. 42)"
                    ),
                );
                None
            }
        };
        let load_cap = match raw.load_cap {
            None => Some(None),
            Some(n @ 1..=65_536) => Some(Some(n as u32)),
            Some(n) => {
                e.push(
                    "load_cap",
                    "range",
                    format!("load_cap is 1 to 65536 entities per inspector, not {n}"),
                );
                None
            }
        };
        let sources = parse_sources(&mut e, raw);
        let built = (|| {
            Some(PlanFields {
                title: title?,
                items: found?
                    .iter()
                    .map(|i| ItemRef {
                        id: i.item_id,
                        version: i.version,
                    })
                    .collect(),
                categories: categories?,
                districts,
                sample: sample?,
                team_size: team_size?,
                load_cap: load_cap?,
                sources: sources?,
                planned_month: planned_month?,
                responsible_unit: responsible_unit?,
            })
        })();
        match built {
            Some(f) if e.is_empty() => {
                let private = f.private_in_public_text();
                if private.is_empty() {
                    Ok(f)
                } else {
                    Err(private)
                }
            }
            _ => Err(e.into_vec()),
        }
    }

    /// The texts published with the plan (title, responsible unit, the random sources'
    /// descriptions) that hold private data (`domain::private_data`).
    pub fn private_in_public_text(&self) -> Vec<FieldError> {
        let none = private_data::PartySecrets::default();
        let sources = self
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("random_sources[{i}].description"), &s.description));
        [
            ("title".to_string(), &self.title),
            ("responsible_unit".to_string(), &self.responsible_unit),
        ]
        .into_iter()
        .chain(sources)
        .filter_map(|(field, text)| private_data::refusal(&field, text, &none))
        .collect()
    }
}

fn parse_items<'a>(
    e: &mut Errors,
    raw: &RawPlan,
    items: &'a [ItemVersion],
    month: Option<PlannedMonth>,
) -> Option<Vec<&'a ItemVersion>> {
    let ids = raw.item_ids.as_deref().unwrap_or_default();
    if ids.is_empty() {
        e.push(
            "item_ids",
            "required",
            "item_ids names at least one item of the 随机抽查事项清单",
        );
        return None;
    }
    let mut found: Vec<&ItemVersion> = Vec::new();
    let mut ok = true;
    for (i, id) in ids.iter().enumerate() {
        let field = format!("item_ids[{i}]");
        match items.iter().find(|it| it.item_id == *id) {
            None => {
                e.push(
                    &field,
                    "unknown",
                    format!("no inspection item with id {id}"),
                );
                ok = false;
            }
            Some(it) => {
                if let Some(m) = month {
                    let f = &it.fields;
                    if f.effective_from > m.last_day()
                        || f.effective_to.is_some_and(|to| to < m.first_day())
                    {
                        e.push(
                            &field,
                            "not_in_force",
                            format!("item {id} ({}) is not in force in {m}", f.name),
                        );
                        ok = false;
                    }
                }
                if !found.iter().any(|x| x.item_id == *id) {
                    found.push(it);
                }
            }
        }
    }
    ok.then_some(found)
}

fn parse_categories(
    e: &mut Errors,
    raw: &RawPlan,
    items: &[&ItemVersion],
    vocabulary: &Vocabulary,
) -> Option<Vec<CategoryCode>> {
    let mut allowed: Vec<CategoryCode> = Vec::new();
    for it in items {
        for c in &it.fields.categories {
            for d in vocabulary.with_descendants(c) {
                if !allowed.contains(&d) {
                    allowed.push(d);
                }
            }
        }
    }
    let given = raw.population.as_ref().and_then(|p| p.categories.as_ref());
    let Some(given) = given.filter(|g| !g.is_empty()) else {
        let mut out: Vec<CategoryCode> = Vec::new();
        for it in items {
            for c in &it.fields.categories {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
        }
        return Some(out);
    };
    let mut out: Vec<CategoryCode> = Vec::new();
    let mut ok = true;
    for (i, value) in given.iter().enumerate() {
        let field = format!("population.categories[{i}]");
        match vocabulary.resolve(value) {
            Err(u) => {
                e.push(&field, "unknown", u.to_string());
                ok = false;
            }
            Ok(c) if !allowed.contains(&c.code) => {
                e.push(
                    &field,
                    "not_in_items",
                    format!(
                        "{} ({}) is not an 抽查对象 of the plan's items",
                        c.label,
                        c.code.as_str()
                    ),
                );
                ok = false;
            }
            Ok(c) => {
                if !out.contains(&c.code) {
                    out.push(c.code.clone());
                }
            }
        }
    }
    ok.then_some(out)
}

fn parse_sources(e: &mut Errors, raw: &RawPlan) -> Option<Vec<SourceSpec>> {
    let given = raw.random_sources.as_deref().unwrap_or_default();
    if given.is_empty() || given.len() > MAX_SOURCES {
        e.push(
            "random_sources",
            if given.is_empty() { "required" } else { "too_many" },
            format!(
                "random_sources lists 1 to {MAX_SOURCES} public random sources, each with a description and the day its value becomes known"
            ),
        );
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for (i, s) in given.iter().enumerate() {
        let description = required_text(
            e,
            &format!("random_sources[{i}].description"),
            s.description.as_deref(),
            200,
        );
        let field = format!("random_sources[{i}].available_on");
        let available_on = match s.available_on.as_deref().map(parse_date) {
            None => {
                e.push(&field, "required", format!("{field} is required"));
                None
            }
            Some(None) => {
                e.push(
                    &field,
                    "format",
                    format!("{field} must be a date such as 2026-12-03"),
                );
                None
            }
            Some(d) => d,
        };
        match (description, available_on) {
            (Some(description), Some(available_on)) => out.push(SourceSpec {
                description,
                available_on,
            }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

/// Sources whose value is already known on `today`: a value known when the plan is announced
/// proves nothing. Field errors name each.
pub fn known_sources(sources: &[SourceSpec], today: NaiveDate) -> Vec<FieldError> {
    sources
        .iter()
        .enumerate()
        .filter(|(_, s)| s.available_on <= today)
        .map(|(i, s)| {
            FieldError::new(
                &format!("random_sources[{i}].available_on"),
                "not_future",
                format!(
                    "{} becomes known on {}, not after today ({today}, Asia/Shanghai): a value known when the plan is announced proves nothing",
                    s.description, s.available_on
                ),
            )
        })
        .collect()
}

/// The day the last source becomes known: the earliest draw day.
pub fn earliest_draw(sources: &[SourceSpec]) -> Option<NaiveDate> {
    sources.iter().map(|s| s.available_on).max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::category::Category;
    use crate::domain::inspection_item::{ItemCode, ItemFields, ItemKind, Method};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn vocabulary() -> Vocabulary {
        let cat = |code: &str, label: &str, parent: Option<&str>| Category {
            code: CategoryCode::parse(code).unwrap(),
            label: label.into(),
            aliases: Vec::new(),
            parent: parent.map(|p| CategoryCode::parse(p).unwrap()),
            regulation: None,
        };
        Vocabulary::new(vec![
            cat("entertainment_venue", "娱乐场所", None),
            cat(
                "song_dance_venue",
                "歌舞娱乐场所",
                Some("entertainment_venue"),
            ),
            cat("travel_agency", "旅行社", None),
        ])
    }

    fn item(id: i64, categories: &[&str], to: Option<&str>) -> ItemVersion {
        ItemVersion {
            item_id: id,
            code: ItemCode::parse(&format!("item_{id}")).unwrap(),
            version: 3,
            current_version: 3,
            fields: ItemFields {
                field: "文化市场".into(),
                name: format!("事项{id}"),
                content: "经营活动".into(),
                kind: ItemKind::Key,
                basis: "《娱乐场所管理条例》".into(),
                subject: "综合执法支队".into(),
                categories: categories
                    .iter()
                    .map(|c| CategoryCode::parse(c).unwrap())
                    .collect(),
                methods: vec![Method::OnSite],
                ratio: None,
                frequency: None,
                effective_from: day("2024-01-01"),
                effective_to: to.map(day),
            },
            created_at: day("2024-01-01").and_hms_opt(0, 0, 0).unwrap(),
            created_by: "seed".into(),
        }
    }

    fn raw() -> RawPlan {
        RawPlan {
            title: Some("2026年12月娱乐场所双随机抽查".into()),
            item_ids: Some(vec![1]),
            population: None,
            sample_size: None,
            sample_ratio: Some(0.25),
            team_size: None,
            load_cap: None,
            random_sources: Some(vec![RawSource {
                description: Some("福利彩票双色球 2026-12-03 开奖的六个红球".into()),
                available_on: Some("2026-12-03".into()),
            }]),
            planned_month: Some("2026-12".into()),
            responsible_unit: Some("文化市场综合执法支队".into()),
        }
    }

    fn errors(r: Result<PlanFields, Vec<FieldError>>) -> Vec<(String, String)> {
        r.unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn the_population_defaults_to_the_items_subjects_and_the_team_to_two() {
        let items = [item(1, &["entertainment_venue"], None)];
        let p = PlanFields::parse(&raw(), &items, &vocabulary()).unwrap();
        assert_eq!(
            p.categories,
            [CategoryCode::parse("entertainment_venue").unwrap()]
        );
        assert_eq!(p.items, [ItemRef { id: 1, version: 3 }]);
        assert_eq!(p.team_size, 2);
        assert_eq!(p.sample, Sample::Ratio(250_000));
        assert_eq!(p.planned_month.to_string(), "2026-12");
        assert_eq!(p.planned_month.last_day(), day("2026-12-31"));
    }

    #[test]
    fn a_sub_kind_of_an_items_subject_is_allowed_and_another_category_is_not() {
        let items = [item(1, &["entertainment_venue"], None)];
        let mut r = raw();
        r.population = Some(RawPopulation {
            categories: Some(vec!["歌舞娱乐场所".into()]),
            districts: Some(vec!["640104".into(), "640104".into()]),
        });
        let p = PlanFields::parse(&r, &items, &vocabulary()).unwrap();
        assert_eq!(
            p.categories,
            [CategoryCode::parse("song_dance_venue").unwrap()]
        );
        assert_eq!(p.districts.len(), 1);
        r.population = Some(RawPopulation {
            categories: Some(vec!["旅行社".into(), "夜总会".into()]),
            districts: Some(vec!["64010".into()]),
        });
        assert_eq!(
            errors(PlanFields::parse(&r, &items, &vocabulary())),
            [
                ("population.categories[0]".into(), "not_in_items".into()),
                ("population.categories[1]".into(), "unknown".into()),
                ("population.districts[0]".into(), "format".into()),
            ]
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let items = [item(1, &["entertainment_venue"], Some("2026-11-30"))];
        let r = RawPlan {
            title: Some("  ".into()),
            item_ids: Some(vec![1, 9]),
            population: None,
            sample_size: Some(10),
            sample_ratio: Some(0.1),
            team_size: Some(1),
            load_cap: Some(0),
            random_sources: Some(vec![RawSource {
                description: None,
                available_on: Some("2026-13-01".into()),
            }]),
            planned_month: Some("2026-12".into()),
            responsible_unit: None,
        };
        assert_eq!(
            errors(PlanFields::parse(&r, &items, &vocabulary())),
            [
                ("title".into(), "required".into()),
                ("responsible_unit".into(), "required".into()),
                ("item_ids[0]".into(), "not_in_force".into()),
                ("item_ids[1]".into(), "unknown".into()),
                ("sample_size".into(), "exclusive".into()),
                ("team_size".into(), "range".into()),
                ("load_cap".into(), "range".into()),
                ("random_sources[0].description".into(), "required".into()),
                ("random_sources[0].available_on".into(), "format".into()),
            ]
        );
    }

    #[test]
    fn a_month_is_four_digits_a_dash_and_two() {
        for bad in [
            "2026-1",
            "26-12",
            "2026-13",
            "2026/12",
            "1999-12",
            "2026-12-01",
        ] {
            assert_eq!(PlannedMonth::parse(bad), None, "{bad}");
        }
        assert_eq!(
            PlannedMonth::parse("2028-02").unwrap().last_day(),
            day("2028-02-29")
        );
    }

    #[test]
    fn a_source_known_today_is_refused_and_one_known_tomorrow_is_not() {
        let s = |on: &str| SourceSpec {
            description: "上证综指收盘".into(),
            available_on: day(on),
        };
        let sources = [s("2026-12-02"), s("2026-12-01"), s("2026-11-30")];
        let refused: Vec<String> = known_sources(&sources, day("2026-12-01"))
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            refused,
            [
                "random_sources[1].available_on",
                "random_sources[2].available_on"
            ]
        );
        assert_eq!(earliest_draw(&sources), Some(day("2026-12-02")));
    }
}
