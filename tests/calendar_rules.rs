//! The calendar engine on the shipped seeds, without HTTP or a database: the fast path against
//! the day-by-day definition for every date, and the edges of the counting rule.

use chrono::{Duration, NaiveDate};
use gongshi::domain::calendar::{CalendarError, DayKind, LunarTable, Region, WorkdayIndex};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn index(region: &str) -> WorkdayIndex {
    let schedules = gongshi::assets::shipped_schedules().expect("the shipped seeds validate");
    let lunar = LunarTable::parse(gongshi::assets::LUNAR_FESTIVALS).unwrap();
    WorkdayIndex::build(&Region::parse(region).unwrap(), &schedules, &lunar)
}

#[test]
fn the_fast_path_agrees_with_walking_day_by_day_for_every_date_2007_to_2026() {
    let idx = index("CN");
    let mut date = d("2007-01-01");
    let mut checked = 0;
    while date <= d("2026-12-03") {
        for n in [3, 7, 20] {
            let walked = idx.add_workdays_day_by_day(date, n).unwrap();
            match idx.add_workdays(date, n, false) {
                Ok(fast) => {
                    assert_eq!(fast.date, walked, "{date} +{n}");
                    assert!(!fast.provisional);
                }
                // Only the last weeks of 2026 may need 2027, which is not loaded.
                Err(CalendarError::NotLoaded { year: 2027, .. }) => {
                    assert!(walked > d("2026-12-31"), "{date} +{n}")
                }
                Err(e) => panic!("{date} +{n}: {e}"),
            }
            checked += 1;
        }
        date += Duration::days(1);
    }
    assert_eq!(checked, 3 * 7277);
}

#[test]
fn every_seeded_year_has_the_expected_number_of_working_days() {
    // Counted independently from the notices (seeds/calendar/README.md).
    let expected = [
        (2007, 249),
        (2008, 251),
        (2009, 250),
        (2010, 250),
        (2011, 250),
        (2012, 249),
        (2013, 250),
        (2014, 250),
        (2015, 249),
        (2016, 250),
        (2017, 249),
        (2018, 250),
        (2019, 250),
        (2020, 249),
        (2021, 250),
        (2022, 249),
        (2023, 249),
        (2024, 251),
        (2025, 248),
        (2026, 248),
    ];
    let idx = index("CN");
    for (year, n) in expected {
        let dec31_before = NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap();
        let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
        assert_eq!(
            idx.workdays_between(dec31_before, dec31, false).unwrap().0,
            n,
            "{year}"
        );
    }
}

#[test]
fn the_decision_day_never_counts_even_on_a_holiday_or_weekend() {
    let idx = index("CN");
    // Decided on a holiday (2026-10-01) or a weekend (2026-03-07): the count starts the next working day.
    assert_eq!(
        idx.add_workdays(d("2026-10-01"), 1, false).unwrap().date,
        d("2026-10-08")
    );
    assert_eq!(
        idx.add_workdays(d("2026-10-01"), 3, false).unwrap().date,
        d("2026-10-10"),
        "调休 Saturday counts"
    );
    assert_eq!(
        idx.add_workdays(d("2026-03-07"), 1, false).unwrap().date,
        d("2026-03-09")
    );
    // Decided on a 调休 Saturday: that Saturday itself is not counted.
    assert_eq!(
        idx.add_workdays(d("2026-02-14"), 1, false).unwrap().date,
        d("2026-02-24")
    );
    // The day before a holiday block.
    assert_eq!(
        idx.add_workdays(d("2026-09-30"), 1, false).unwrap().date,
        d("2026-10-08")
    );
    assert_eq!(
        idx.add_workdays(d("2026-02-13"), 1, false).unwrap().date,
        d("2026-02-14")
    );
    // 0 days is the day itself, even an unloaded one.
    assert_eq!(
        idx.add_workdays(d("2030-05-01"), 0, false).unwrap().date,
        d("2030-05-01")
    );
}

#[test]
fn the_last_day_of_the_last_loaded_year_needs_the_next_years_notice() {
    let idx = index("CN");
    assert_eq!(
        idx.add_workdays(d("2026-12-31"), 1, false),
        Err(CalendarError::NotLoaded {
            region: Region::national(),
            year: 2027
        })
    );
    let p = idx.add_workdays(d("2026-12-31"), 7, true).unwrap();
    assert_eq!((p.date, p.provisional), (d("2027-01-12"), true));
    // A window that stays inside 2026 is not provisional, even close to the end.
    let p = idx.add_workdays(d("2026-12-21"), 7, true).unwrap();
    assert_eq!((p.date, p.provisional), (d("2026-12-30"), false));
    // Counting into 2027 is refused as well.
    assert!(matches!(
        idx.workdays_between(d("2026-12-30"), d("2027-01-05"), false),
        Err(CalendarError::NotLoaded { year: 2027, .. })
    ));
    assert_eq!(
        idx.workdays_between(d("2026-12-30"), d("2027-01-05"), true)
            .unwrap(),
        (3, true)
    );
    // Far beyond every table, not even a provisional answer.
    assert!(matches!(
        idx.add_workdays(d("2100-12-20"), 30, true),
        Err(CalendarError::Unavailable { .. })
    ));
    assert!(matches!(
        idx.day(d("2006-06-01"), true),
        Err(CalendarError::Unavailable { .. })
    ));
}

#[test]
fn windows_across_the_spring_festival_and_national_day_skip_the_whole_block() {
    let idx = index("CN");
    // 2025 春节 1/28–2/4, with 1/26 (Sun) and 2/8 (Sat) worked.
    assert_eq!(
        idx.add_workdays(d("2025-01-24"), 1, false).unwrap().date,
        d("2025-01-26")
    );
    assert_eq!(
        idx.add_workdays(d("2025-01-27"), 1, false).unwrap().date,
        d("2025-02-05")
    );
    assert_eq!(
        idx.add_workdays(d("2025-02-07"), 1, false).unwrap().date,
        d("2025-02-08")
    );
    // 2025 国庆+中秋 10/1–10/8, 9/28 (Sun) and 10/11 (Sat) worked.
    assert_eq!(
        idx.add_workdays(d("2025-09-26"), 1, false).unwrap().date,
        d("2025-09-28")
    );
    // 10/9, 10/10, 10/11 (Sat), 10/13 … 10/16.
    assert_eq!(
        idx.add_workdays(d("2025-09-30"), 7, false).unwrap().date,
        d("2025-10-16")
    );
    assert_eq!(
        idx.day(d("2025-10-11"), false).unwrap().kind,
        DayKind::AdjustedWorkday
    );
    assert_eq!(
        idx.day(d("2024-02-09"), false).unwrap().kind,
        DayKind::Workday,
        "除夕 2024 was worked"
    );
}
