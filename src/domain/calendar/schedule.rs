//! One (region, year)'s special days, as a State Council or provincial notice gives them.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};

use super::Region;
use crate::domain::field::check_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialKind {
    /// A day off (放假), weekend days inside a holiday block included.
    Holiday,
    /// A Saturday or Sunday declared a working day (调休上班).
    AdjustedWorkday,
}

impl SpecialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpecialKind::Holiday => "holiday",
            SpecialKind::AdjustedWorkday => "adjusted_workday",
        }
    }

    pub fn parse(raw: &str) -> Option<SpecialKind> {
        match raw.trim() {
            "holiday" => Some(SpecialKind::Holiday),
            "adjusted_workday" => Some(SpecialKind::AdjustedWorkday),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: SpecialKind,
    /// The festival, e.g. 春节; for a 调休 working day, the festival it belongs to.
    pub name: String,
    /// The notice that gave this day.
    pub source: String,
}

/// A row as read from a file or a request, before validation; `line` is for error messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct RawDay {
    #[serde(default, skip)]
    pub line: usize,
    pub date: String,
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub source: Option<String>,
}

/// Why a schedule was refused; `line` is the row's line in the file (header = 1), 0 for JSON
/// bodies, where `index` counts rows from 0.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("line {line}: {field}: {message}")]
pub struct ScheduleError {
    pub line: usize,
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

/// A validated year: every date inside the year, none twice, 调休 only on weekends, names present,
/// a source for the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSchedule {
    region: Region,
    year: i32,
    source: String,
    days: Vec<SpecialDay>,
}

impl YearSchedule {
    /// Validates every row and reports every problem, not only the first. `year_source` names the
    /// notice for the whole year; when absent it is made from the rows' own sources.
    pub fn parse(
        region: Region,
        year: i32,
        year_source: Option<&str>,
        rows: &[RawDay],
    ) -> Result<YearSchedule, Vec<ScheduleError>> {
        let mut errors = Vec::new();
        let mut days: BTreeMap<NaiveDate, SpecialDay> = BTreeMap::new();
        let year_source = year_source.map(str::trim).filter(|s| !s.is_empty());
        if let Some(Err(p)) = year_source.map(check_text) {
            // The year's own source: its problem is not any row's, so it is reported once.
            return Err(vec![ScheduleError {
                line: 0,
                field: "source",
                code: p.code(),
                message: p.message("source"),
            }]);
        }
        for row in rows {
            let err = |field, code, message: String| ScheduleError {
                line: row.line,
                field,
                code,
                message,
            };
            let date = match NaiveDate::parse_from_str(row.date.trim(), "%Y-%m-%d") {
                Ok(d) if d.year() == year => Some(d),
                Ok(d) => {
                    errors.push(err("date", "outside_year", format!("{d} is not in {year}")));
                    None
                }
                Err(_) => {
                    errors.push(err(
                        "date",
                        "invalid",
                        format!("'{}' is not a date (YYYY-MM-DD)", row.date.trim()),
                    ));
                    None
                }
            };
            let kind = SpecialKind::parse(&row.kind);
            if kind.is_none() {
                errors.push(err(
                    "kind",
                    "invalid",
                    format!("'{}' is not holiday or adjusted_workday", row.kind.trim()),
                ));
            }
            let name = row.name.trim();
            if name.is_empty() {
                errors.push(err(
                    "name",
                    "required",
                    "every day names its festival".into(),
                ));
            } else if let Err(p) = check_text(name) {
                errors.push(err("name", p.code(), p.message("name")));
            }
            let source = row
                .source
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .or(year_source)
                .map(str::to_string);
            if source.is_none() {
                errors.push(err(
                    "source",
                    "required",
                    "name the notice, per row or for the whole year".into(),
                ));
            } else if let Some(Err(p)) = source.as_deref().map(check_text) {
                errors.push(err("source", p.code(), p.message("source")));
            }
            let (Some(date), Some(kind), Some(source)) = (date, kind, source) else {
                continue;
            };
            if kind == SpecialKind::AdjustedWorkday
                && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            {
                errors.push(err(
                    "kind",
                    "adjusted_weekday",
                    format!("{date} is a {:?}; only a Saturday or Sunday can be an adjusted working day", date.weekday()),
                ));
                continue;
            }
            if days.contains_key(&date) {
                errors.push(err(
                    "date",
                    "duplicate",
                    format!("{date} appears more than once"),
                ));
                continue;
            }
            days.insert(
                date,
                SpecialDay {
                    date,
                    kind,
                    name: name.to_string(),
                    source,
                },
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let source = match year_source {
            Some(s) => s.to_string(),
            None => sources_by_frequency(days.values()),
        };
        if source.is_empty() {
            return Err(vec![ScheduleError {
                line: 0,
                field: "source",
                code: "required",
                message: "an empty year needs a source naming the notice".into(),
            }]);
        }
        Ok(YearSchedule {
            region,
            year,
            source,
            days: days.into_values().collect(),
        })
    }

    pub fn region(&self) -> &Region {
        &self.region
    }
    pub fn year(&self) -> i32 {
        self.year
    }
    pub fn source(&self) -> &str {
        &self.source
    }
    /// Sorted by date.
    /// The days off it gives (weekends inside a holiday block included).
    pub fn holidays(&self) -> std::collections::BTreeSet<NaiveDate> {
        self.days()
            .iter()
            .filter(|d| d.kind == SpecialKind::Holiday)
            .map(|d| d.date)
            .collect()
    }

    pub fn days(&self) -> &[SpecialDay] {
        &self.days
    }
}

/// Distinct sources, the most frequent first, joined by `；`.
fn sources_by_frequency<'a>(days: impl Iterator<Item = &'a SpecialDay>) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for d in days {
        match counts.iter_mut().find(|(s, _)| *s == d.source) {
            Some((_, n)) => *n += 1,
            None => counts.push((d.source.clone(), 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
        .into_iter()
        .map(|(s, _)| s)
        .collect::<Vec<_>>()
        .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, date: &str, kind: &str, name: &str) -> RawDay {
        RawDay {
            line,
            date: date.into(),
            kind: kind.into(),
            name: name.into(),
            source: None,
        }
    }

    #[test]
    fn a_valid_year_is_sorted_and_takes_the_year_source() {
        let rows = [
            row(2, "2027-02-06", "holiday", "春节"),
            row(3, "2027-01-01", "holiday", "元旦"),
        ];
        let y = YearSchedule::parse(Region::national(), 2027, Some("通知"), &rows).unwrap();
        assert_eq!(
            y.days()
                .iter()
                .map(|d| d.date.to_string())
                .collect::<Vec<_>>(),
            ["2027-01-01", "2027-02-06"]
        );
        assert!(y.days().iter().all(|d| d.source == "通知"));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let rows = [
            row(2, "2026-02-30", "holiday", "春节"),
            row(3, "2025-12-31", "holiday", "元旦"),
            row(4, "2026-02-16", "day_off", "春节"),
            row(5, "2026-02-16", "holiday", ""),
            row(6, "2026-02-16", "adjusted_workday", "春节"),
            row(7, "2026-02-14", "adjusted_workday", "春节"),
            row(8, "2026-02-14", "holiday", "春节"),
        ];
        let errors = YearSchedule::parse(Region::national(), 2026, Some("s"), &rows).unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.line, e.code)).collect();
        assert_eq!(
            got,
            [
                (2, "invalid"),
                (3, "outside_year"),
                (4, "invalid"),
                (5, "required"),
                (6, "adjusted_weekday"),
                (8, "duplicate")
            ]
        );
    }

    #[test]
    fn without_a_year_source_every_row_needs_one_and_the_commonest_leads() {
        let mut a = row(2, "2026-01-01", "holiday", "元旦");
        a.source = Some("A".into());
        let mut b = row(3, "2026-01-02", "holiday", "元旦");
        b.source = Some("B".into());
        let mut c = row(4, "2026-01-03", "holiday", "元旦");
        c.source = Some("B".into());
        let y = YearSchedule::parse(Region::national(), 2026, None, &[a.clone(), b, c]).unwrap();
        assert_eq!(y.source(), "B；A");
        let missing = row(5, "2026-01-04", "adjusted_workday", "元旦");
        let errors =
            YearSchedule::parse(Region::national(), 2026, None, &[a, missing]).unwrap_err();
        assert_eq!((errors[0].line, errors[0].field), (5, "source"));
    }

    #[test]
    fn an_empty_year_is_allowed_when_its_source_is_named() {
        // A province whose notice adds nothing that year still records that it was checked.
        let y = YearSchedule::parse(Region::parse("CN-NX").unwrap(), 2026, Some("宁政办发"), &[])
            .unwrap();
        assert!(y.days().is_empty());
        assert!(YearSchedule::parse(Region::national(), 2026, None, &[]).is_err());
    }
}
