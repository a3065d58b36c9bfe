//! The fast path: for one region (its layers merged), a table of every day from the first covered
//! year to the last year anything is known about, with a cumulative working-day count. Adding N
//! working days is one binary search; counting between two dates is one subtraction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate};

use super::statutory::{is_weekend, statutory_days_off, LunarTable};
use super::{Region, SpecialKind, YearSchedule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    Workday,
    Weekend,
    Holiday,
    AdjustedWorkday,
}

impl DayKind {
    pub fn is_workday(self) -> bool {
        matches!(self, DayKind::Workday | DayKind::AdjustedWorkday)
    }
}

/// One day as the calendar sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInfo {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: Option<String>,
    /// True when the day's year is not loaded for every layer and the answer rests on the
    /// statutory days alone.
    pub provisional: bool,
}

/// A computed date and whether it rests on provisional (statutory-only) data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub date: NaiveDate,
    pub provisional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The answer needs a day of a (region, year) whose notice is not loaded.
    #[error("the {region} calendar for {year} is not loaded")]
    NotLoaded { region: Region, year: i32 },
    /// Not even a provisional answer exists (before 2008 or past the lunar table).
    #[error("no calendar, not even a provisional one, exists for {year} in {region}")]
    Unavailable { region: Region, year: i32 },
    #[error("'to' ({to}) is before 'from' ({from})")]
    Reversed { from: NaiveDate, to: NaiveDate },
}

/// How well a year is known for this region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearCoverage {
    /// Every layer's notice is loaded.
    Loaded,
    /// Some layer is missing (the first such is named); statutory days stand in where the
    /// national layer is missing, nothing where a regional one is.
    Provisional { missing: Region },
    /// Missing, and no statutory days either.
    Unavailable { missing: Region },
}

#[derive(Debug, Clone)]
pub struct WorkdayIndex {
    region: Region,
    first: NaiveDate,
    /// `cum[i]`: working days in `[first, first + i]`.
    cum: Vec<u32>,
    kinds: Vec<DayKind>,
    names: BTreeMap<NaiveDate, String>,
    first_year: i32,
    coverage: Vec<YearCoverage>,
}

impl WorkdayIndex {
    /// Builds the index for `region` from the loaded schedules of all layers (others are ignored)
    /// and the lunar table. Years span from the first year any layer or the lunar table knows to
    /// the last.
    pub fn build(region: &Region, schedules: &[YearSchedule], lunar: &LunarTable) -> WorkdayIndex {
        let layers = region.layers();
        let loaded: BTreeSet<(Region, i32)> = schedules
            .iter()
            .filter(|s| layers.contains(s.region()))
            .map(|s| (s.region().clone(), s.year()))
            .collect();
        let years = loaded
            .iter()
            .map(|(_, y)| *y)
            .chain(lunar.first_year())
            .chain(lunar.last_year());
        let (first_year, last_year) =
            years.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
        let (first_year, last_year) = if first_year > last_year {
            (2007, 2007)
        } else {
            (first_year, last_year)
        };

        // Special days, national first so a regional notice overrides it on the same date.
        let mut special: BTreeMap<NaiveDate, (SpecialKind, String)> = BTreeMap::new();
        for layer in &layers {
            for s in schedules.iter().filter(|s| s.region() == layer) {
                for d in s.days() {
                    special.insert(d.date, (d.kind, d.name.clone()));
                }
            }
        }

        let mut coverage = Vec::new();
        for year in first_year..=last_year {
            let missing = layers
                .iter()
                .find(|l| !loaded.contains(&((*l).clone(), year)));
            let national_loaded = loaded.contains(&(Region::national(), year));
            coverage.push(match missing {
                None => YearCoverage::Loaded,
                Some(m) => {
                    let statutory = national_loaded
                        || lunar
                            .get(year)
                            .and_then(|l| statutory_days_off(year, l))
                            .is_some();
                    if statutory {
                        YearCoverage::Provisional { missing: m.clone() }
                    } else {
                        YearCoverage::Unavailable { missing: m.clone() }
                    }
                }
            });
            if !national_loaded {
                if let Some(days) = lunar.get(year).and_then(|l| statutory_days_off(year, l)) {
                    for (date, name) in days {
                        special
                            .entry(date)
                            .or_insert((SpecialKind::Holiday, name.to_string()));
                    }
                }
            }
        }

        let first = NaiveDate::from_ymd_opt(first_year, 1, 1).expect("valid year");
        let last = NaiveDate::from_ymd_opt(last_year, 12, 31).expect("valid year");
        let n = (last - first).num_days() as usize + 1;
        let mut cum = Vec::with_capacity(n);
        let mut kinds = Vec::with_capacity(n);
        let mut names = BTreeMap::new();
        let mut running = 0u32;
        for i in 0..n {
            let date = first + Duration::days(i as i64);
            let kind = match special.get(&date) {
                Some((SpecialKind::Holiday, name)) => {
                    names.insert(date, name.clone());
                    DayKind::Holiday
                }
                Some((SpecialKind::AdjustedWorkday, name)) => {
                    names.insert(date, name.clone());
                    if is_weekend(date) {
                        DayKind::AdjustedWorkday
                    } else {
                        DayKind::Workday
                    }
                }
                None if is_weekend(date) => DayKind::Weekend,
                None => DayKind::Workday,
            };
            running += u32::from(kind.is_workday());
            cum.push(running);
            kinds.push(kind);
        }
        WorkdayIndex {
            region: region.clone(),
            first,
            cum,
            kinds,
            names,
            first_year,
            coverage,
        }
    }

    pub fn region(&self) -> &Region {
        &self.region
    }

    pub fn coverage(&self, year: i32) -> YearCoverage {
        usize::try_from(year - self.first_year)
            .ok()
            .and_then(|i| self.coverage.get(i).cloned())
            .unwrap_or(YearCoverage::Unavailable {
                missing: self.region.layers()[0].clone(),
            })
    }

    /// Whether every year in `years` may be used; Ok(true) if some rests on statutory data.
    fn check_years(
        &self,
        years: std::ops::RangeInclusive<i32>,
        allow_provisional: bool,
    ) -> Result<bool, CalendarError> {
        let mut provisional = false;
        for year in years {
            match self.coverage(year) {
                YearCoverage::Loaded => {}
                YearCoverage::Provisional { .. } if allow_provisional => provisional = true,
                YearCoverage::Provisional { missing } => {
                    return Err(CalendarError::NotLoaded {
                        region: missing,
                        year,
                    })
                }
                YearCoverage::Unavailable { missing } if allow_provisional => {
                    return Err(CalendarError::Unavailable {
                        region: missing,
                        year,
                    })
                }
                YearCoverage::Unavailable { missing } => {
                    return Err(CalendarError::NotLoaded {
                        region: missing,
                        year,
                    })
                }
            }
        }
        Ok(provisional)
    }

    fn offset(&self, date: NaiveDate) -> Option<usize> {
        usize::try_from((date - self.first).num_days())
            .ok()
            .filter(|i| *i < self.cum.len())
    }

    /// Working days in `[first, date]`; 0 the day before the table starts.
    fn count_through(&self, date: NaiveDate) -> Option<u32> {
        match self.offset(date) {
            Some(i) => Some(self.cum[i]),
            None if date + Duration::days(1) == self.first => Some(0),
            None => None,
        }
    }

    pub fn day(&self, date: NaiveDate, allow_provisional: bool) -> Result<DayInfo, CalendarError> {
        let provisional = self.check_years(date.year()..=date.year(), allow_provisional)?;
        let i = self.offset(date).ok_or(CalendarError::Unavailable {
            region: self.region.clone(),
            year: date.year(),
        })?;
        Ok(DayInfo {
            date,
            kind: self.kinds[i],
            name: self.names.get(&date).cloned(),
            provisional,
        })
    }

    /// The `n`-th working day strictly after `from` (行政处罚法 Art. 85; 民法典 Art. 201: the day of
    /// the event is not counted, whether or not it is a working day). `n = 0` is `from` itself.
    pub fn add_workdays(
        &self,
        from: NaiveDate,
        n: u32,
        allow_provisional: bool,
    ) -> Result<Deadline, CalendarError> {
        if n == 0 {
            return Ok(Deadline {
                date: from,
                provisional: false,
            });
        }
        let next_year = (from + Duration::days(1)).year();
        let not_known = |year| {
            if allow_provisional {
                CalendarError::Unavailable {
                    region: self.region.clone(),
                    year,
                }
            } else {
                CalendarError::NotLoaded {
                    region: self.region.layers()[0].clone(),
                    year,
                }
            }
        };
        let base = self
            .count_through(from)
            .ok_or_else(|| not_known(next_year))?;
        let target = base + n;
        // The first day whose running count reaches the target is the n-th working day.
        let j = self.cum.partition_point(|&c| c < target);
        if j == self.cum.len() {
            // Past the table: name the first year that is missing.
            let last_year = self.first_year + self.coverage.len() as i32 - 1;
            self.check_years(next_year..=last_year, allow_provisional)?;
            return Err(not_known(last_year + 1));
        }
        let date = self.first + Duration::days(j as i64);
        let provisional = self.check_years(next_year..=date.year(), allow_provisional)?;
        Ok(Deadline { date, provisional })
    }

    /// Working days in `(from, to]`.
    pub fn workdays_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        allow_provisional: bool,
    ) -> Result<(u32, bool), CalendarError> {
        if to < from {
            return Err(CalendarError::Reversed { from, to });
        }
        if to == from {
            return Ok((0, false));
        }
        let provisional = self.check_years(
            (from + Duration::days(1)).year()..=to.year(),
            allow_provisional,
        )?;
        let unavailable = |d: NaiveDate| CalendarError::Unavailable {
            region: self.region.clone(),
            year: d.year(),
        };
        let a = self.count_through(from).ok_or_else(|| unavailable(from))?;
        let b = self.count_through(to).ok_or_else(|| unavailable(to))?;
        Ok((b - a, provisional))
    }

    /// The slow, obvious definition, for tests that check the fast path against it.
    pub fn add_workdays_day_by_day(&self, from: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut date = from;
        let mut left = n;
        while left > 0 {
            date += Duration::days(1);
            let i = self.offset(date)?;
            if self.kinds[i].is_workday() {
                left -= 1;
            }
        }
        Some(date)
    }
}
