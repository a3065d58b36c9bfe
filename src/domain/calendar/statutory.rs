//! The holidays the law itself fixes, for years whose State Council notice is not loaded.
//!
//! 全国年节及纪念日放假办法 Art. 2 lists the days off; Art. 6 moves a day off that falls on a
//! weekend to a working day (补假). No 调休 is invented: that is what each year's notice decides,
//! so a date computed from these days is always flagged provisional.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The lunar festival dates of one Gregorian year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LunarYear {
    /// 除夕: the last day of the lunar year that ends in this Gregorian year.
    pub chuxi: NaiveDate,
    /// 正月初一.
    pub chunjie: NaiveDate,
    /// 清明 (solar term).
    pub qingming: NaiveDate,
    /// 端午 (五月初五).
    pub duanwu: NaiveDate,
    /// 中秋 (八月十五).
    pub zhongqiu: NaiveDate,
}

/// `seeds/calendar/lunar_festivals.csv`, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LunarTable {
    years: BTreeMap<i32, LunarYear>,
}

impl LunarTable {
    /// Parses `year,chuxi,chunjie,qingming,duanwu,zhongqiu` lines (header first).
    pub fn parse(text: &str) -> Result<LunarTable, String> {
        let mut years = BTreeMap::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split(',').map(str::trim).collect();
            let bad = || format!("lunar table line {}: '{line}'", i + 1);
            if cols.len() != 6 {
                return Err(bad());
            }
            let year: i32 = cols[0].parse().map_err(|_| bad())?;
            let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad());
            let row = LunarYear {
                chuxi: d(cols[1])?,
                chunjie: d(cols[2])?,
                qingming: d(cols[3])?,
                duanwu: d(cols[4])?,
                zhongqiu: d(cols[5])?,
            };
            let in_year = [
                row.chuxi,
                row.chunjie,
                row.qingming,
                row.duanwu,
                row.zhongqiu,
            ]
            .iter()
            .all(|x| x.year() == year);
            if !in_year || row.chunjie != row.chuxi + Duration::days(1) {
                return Err(bad());
            }
            years.insert(year, row);
        }
        Ok(LunarTable { years })
    }

    pub fn get(&self, year: i32) -> Option<&LunarYear> {
        self.years.get(&year)
    }

    pub fn first_year(&self) -> Option<i32> {
        self.years.keys().next().copied()
    }

    pub fn last_year(&self) -> Option<i32> {
        self.years.keys().next_back().copied()
    }
}

/// The days off the law fixes for `year`, with Art. 6 substitutes, each named. `None` before
/// 2008, when the 1999 version with its week-long 劳动节 applied (no provisional answer then).
pub fn statutory_days_off(year: i32, lunar: &LunarYear) -> Option<Vec<(NaiveDate, &'static str)>> {
    let days = statutory_festival_days(year, lunar)?;
    // Art. 6: each day off on a Saturday or Sunday gives one day off on the next working day.
    let mut off: BTreeMap<NaiveDate, &'static str> = days.iter().copied().collect();
    for (date, name) in days {
        if is_weekend(date) {
            let mut sub = date + Duration::days(1);
            while is_weekend(sub) || off.contains_key(&sub) {
                sub += Duration::days(1);
            }
            off.insert(sub, name);
        }
    }
    Some(off.into_iter().collect())
}

/// The festival days themselves (Art. 2), without Art. 6 substitutes: every State Council notice
/// gives each of them off, whatever it does with weekends and 调休. `None` before 2008.
pub fn statutory_festival_days(
    year: i32,
    lunar: &LunarYear,
) -> Option<Vec<(NaiveDate, &'static str)>> {
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("fixed festival dates exist");
    let plus = |d: NaiveDate, n| d + Duration::days(n);
    let mut days: Vec<(NaiveDate, &'static str)> = vec![(ymd(1, 1), "元旦")];
    match year {
        // 2024 revision, in force 2025-01-01: 13 days.
        2025.. => {
            days.extend([
                (lunar.chuxi, "春节"),
                (lunar.chunjie, "春节"),
                (plus(lunar.chunjie, 1), "春节"),
                (plus(lunar.chunjie, 2), "春节"),
            ]);
            days.extend([(ymd(5, 1), "劳动节"), (ymd(5, 2), "劳动节")]);
        }
        // 2013 revision, in force 2014-01-01: 11 days, 春节 from 初一.
        2014..=2024 => {
            days.extend([
                (lunar.chunjie, "春节"),
                (plus(lunar.chunjie, 1), "春节"),
                (plus(lunar.chunjie, 2), "春节"),
            ]);
            days.push((ymd(5, 1), "劳动节"));
        }
        // 2007 revision, in force 2008-01-01: 11 days, 春节 from 除夕.
        2008..=2013 => {
            days.extend([
                (lunar.chuxi, "春节"),
                (lunar.chunjie, "春节"),
                (plus(lunar.chunjie, 1), "春节"),
            ]);
            days.push((ymd(5, 1), "劳动节"));
        }
        _ => return None,
    }
    days.extend([
        (lunar.qingming, "清明节"),
        (lunar.duanwu, "端午节"),
        (lunar.zhongqiu, "中秋节"),
    ]);
    days.extend([
        (ymd(10, 1), "国庆节"),
        (ymd(10, 2), "国庆节"),
        (ymd(10, 3), "国庆节"),
    ]);
    days.sort();
    days.dedup_by_key(|(d, _)| *d);
    Some(days)
}

/// The festival days (Art. 2) a national schedule for `year` does not give off: a notice that
/// leaves one out is wrong (or a file cut short), and every deadline computed from it would be.
/// Without lunar data for the year (after 2100) or before 2008, the days with fixed dates that
/// every version since 1949 gives off are checked: 元旦, 5月1日, 10月1日–2日, and 10月3日 from 2000.
pub fn festival_days_missing(
    year: i32,
    lunar: Option<&LunarYear>,
    holidays: &std::collections::BTreeSet<NaiveDate>,
) -> Vec<(NaiveDate, &'static str)> {
    let fixed = || {
        let mut days = vec![
            (1, 1, "元旦"),
            (5, 1, "劳动节"),
            (10, 1, "国庆节"),
            (10, 2, "国庆节"),
        ];
        if year >= 2000 {
            days.push((10, 3, "国庆节"));
        }
        days.into_iter()
            .filter_map(|(m, d, name)| Some((NaiveDate::from_ymd_opt(year, m, d)?, name)))
            .collect::<Vec<_>>()
    };
    lunar
        .and_then(|l| statutory_festival_days(year, l))
        .unwrap_or_else(fixed)
        .into_iter()
        .filter(|(d, _)| !holidays.contains(d))
        .collect()
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "year,chuxi,chunjie,qingming,duanwu,zhongqiu\n\
        2027,2027-02-05,2027-02-06,2027-04-05,2027-06-09,2027-09-15\n\
        2028,2028-01-25,2028-01-26,2028-04-04,2028-05-28,2028-10-03\n";

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_2027_statutory_days_have_13_days_and_no_substitute_needed_on_weekdays() {
        let table = LunarTable::parse(SAMPLE).unwrap();
        let days = statutory_days_off(2027, table.get(2027).unwrap()).unwrap();
        let dates: Vec<String> = days.iter().map(|(d, _)| d.to_string()).collect();
        // 春节 2/5 (Fri) – 2/8 (Mon) covers Sat 2/6 and Sun 2/7 → 补假 2/9 and 2/10.
        // 国庆 10/1 (Fri), 10/2 (Sat), 10/3 (Sun) → 补假 10/4, 10/5. 5/1 Sat, 5/2 Sun → 5/3, 5/4.
        // 清明 4/5 Mon, 端午 6/9 Wed, 中秋 9/15 Wed.
        assert_eq!(
            dates,
            [
                "2027-01-01",
                "2027-02-05",
                "2027-02-06",
                "2027-02-07",
                "2027-02-08",
                "2027-02-09",
                "2027-02-10",
                "2027-04-05",
                "2027-05-01",
                "2027-05-02",
                "2027-05-03",
                "2027-05-04",
                "2027-06-09",
                "2027-09-15",
                "2027-10-01",
                "2027-10-02",
                "2027-10-03",
                "2027-10-04",
                "2027-10-05",
            ]
        );
    }

    #[test]
    fn a_festival_inside_another_block_is_counted_once() {
        // 2028: 中秋 falls on 10/3, inside 国庆; the day is not doubled.
        let table = LunarTable::parse(SAMPLE).unwrap();
        let days = statutory_days_off(2028, table.get(2028).unwrap()).unwrap();
        assert_eq!(
            days.iter().filter(|(x, _)| *x == d("2028-10-03")).count(),
            1
        );
    }

    #[test]
    fn revisions_change_the_spring_festival_days() {
        let lunar = LunarYear {
            chuxi: d("2016-02-07"),
            chunjie: d("2016-02-08"),
            qingming: d("2016-04-04"),
            duanwu: d("2016-06-09"),
            zhongqiu: d("2016-09-15"),
        };
        let days = statutory_days_off(2016, &lunar).unwrap();
        assert!(
            !days.iter().any(|(x, _)| *x == d("2016-02-07")),
            "除夕 not off 2014–2024"
        );
        assert!(statutory_days_off(2007, &lunar).is_none());
    }

    #[test]
    fn malformed_tables_are_refused() {
        assert!(LunarTable::parse(
            "h\n2027,2027-02-05,2027-02-07,2027-04-05,2027-06-09,2027-09-15"
        )
        .is_err());
        assert!(LunarTable::parse("h\n2027,x").is_err());
    }
}
