//! Times are stored as naive UTC and shown in Asia/Shanghai (DESIGN §2), whatever the server's
//! own time zone is.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use time::OffsetDateTime;
use time_tz::{timezones, OffsetDateTimeExt, Tz};

fn zone() -> &'static Tz {
    // The name is a compile-time constant of the bundled tz database; a test pins it.
    timezones::get_by_name("Asia/Shanghai").expect("Asia/Shanghai is in the bundled tz database")
}

fn in_shanghai(utc: DateTime<Utc>) -> OffsetDateTime {
    let nanos =
        i128::from(utc.timestamp()) * 1_000_000_000 + i128::from(utc.timestamp_subsec_nanos());
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .expect("a chrono timestamp is within time's range")
        .to_timezone(zone())
}

/// The calendar date in Asia/Shanghai at instant `now`.
pub fn date_at(now: DateTime<Utc>) -> NaiveDate {
    let local = in_shanghai(now);
    NaiveDate::from_ymd_opt(
        local.year(),
        u32::from(u8::from(local.month())),
        u32::from(local.day()),
    )
    .expect("time's date is a valid chrono date")
}

/// The instant the Asia/Shanghai day `date` begins (00:00 there), as naive UTC: e.g. the
/// 16:00 UTC of the day before.
pub fn start_of_day_utc(date: NaiveDate) -> NaiveDateTime {
    let midnight_as_utc = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    let offset = in_shanghai(midnight_as_utc.and_utc())
        .offset()
        .whole_seconds();
    midnight_as_utc - chrono::Duration::seconds(i64::from(offset))
}

/// RFC 3339 with Shanghai's offset, to the microsecond, e.g. `2026-11-24T09:30:00.123456+08:00`.
pub fn format_utc(naive_utc: NaiveDateTime) -> String {
    let local = in_shanghai(naive_utc.and_utc());
    let offset = local.offset();
    let naive_local = naive_utc + chrono::Duration::seconds(i64::from(offset.whole_seconds()));
    format!(
        "{}{:+03}:{:02}",
        naive_local.format("%Y-%m-%dT%H:%M:%S%.6f"),
        offset.whole_hours(),
        offset.minutes_past_hour().abs()
    )
}

/// A time as staff read it on a page: Beijing time to the minute, e.g. `2026-11-24 09:30`
/// (the console's footer says its times are Beijing time).
pub fn format_minute(naive_utc: NaiveDateTime) -> String {
    let local = in_shanghai(naive_utc.and_utc());
    let naive_local =
        naive_utc + chrono::Duration::seconds(i64::from(local.offset().whole_seconds()));
    naive_local.format("%Y-%m-%d %H:%M").to_string()
}

/// A stored time as JSON (a decision's workflow, an audit snapshot): written RFC 3339 with
/// Shanghai's offset like every other time the API gives (`format_utc`); read in that form or
/// in the naive UTC form workflows were stored in before issue 25.
pub mod offset_time {
    use chrono::{DateTime, NaiveDateTime};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::format_utc(*t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        parse(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a time")))
    }

    /// RFC 3339 with any offset, or naive (taken as UTC), as naive UTC.
    pub fn parse(text: &str) -> Option<NaiveDateTime> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.naive_utc())
            .ok()
            .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_shanghai_day_starts_at_16_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let start = start_of_day_utc(d);
        assert_eq!(start.to_string(), "2026-12-31 16:00:00");
        assert_eq!(date_at(start.and_utc()), d);
        assert_eq!(
            date_at((start - chrono::Duration::microseconds(1)).and_utc()),
            d.pred_opt().unwrap()
        );
    }

    #[test]
    fn the_shanghai_date_turns_at_16_utc() {
        let before = Utc.with_ymd_and_hms(2026, 12, 31, 15, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap();
        assert_eq!(
            date_at(before),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
        assert_eq!(date_at(after), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    }

    /// A page shows Beijing time to the minute: the hour of midnight is the next day's.
    #[test]
    fn a_page_shows_beijing_time_to_the_minute() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap();
        assert_eq!(
            format_minute(at("2026-12-07 15:59:59.999")),
            "2026-12-07 23:59"
        );
        assert_eq!(
            format_minute(at("2026-12-07 16:00:00.0")),
            "2026-12-08 00:00"
        );
        assert_eq!(
            format_minute(at("2026-09-30 16:30:05.5")),
            "2026-10-01 00:30"
        );
    }

    /// A workflow stored before issue 25 (naive UTC) still reads; what is written now carries
    /// the offset and reads back as the same instant.
    #[test]
    fn stored_times_read_in_either_form_and_are_written_with_the_offset() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct T {
            #[serde(default, with = "offset_time")]
            at: Option<NaiveDateTime>,
        }
        let utc =
            NaiveDateTime::parse_from_str("2026-12-06T21:35:29", "%Y-%m-%dT%H:%M:%S").unwrap();
        let old: T = serde_json::from_str(r#"{"at":"2026-12-06T21:35:29"}"#).unwrap();
        assert_eq!(old.at, Some(utc));
        let written = serde_json::to_string(&old).unwrap();
        assert_eq!(
            written, r#"{"at":"2026-12-07T05:35:29.000000+08:00"}"#,
            "the next day in Beijing"
        );
        assert_eq!(serde_json::from_str::<T>(&written).unwrap(), old);
        let z: T = serde_json::from_str(r#"{"at":"2026-12-06T21:35:29Z"}"#).unwrap();
        assert_eq!(z.at, Some(utc));
        assert_eq!(
            serde_json::from_str::<T>(r#"{"at":null}"#).unwrap().at,
            None
        );
        assert!(serde_json::from_str::<T>(r#"{"at":"yesterday"}"#).is_err());
    }

    #[test]
    fn utc_times_are_shown_with_the_plus_eight_offset() {
        let t = NaiveDate::from_ymd_opt(2026, 2, 13)
            .unwrap()
            .and_hms_micro_opt(17, 5, 1, 42)
            .unwrap();
        assert_eq!(format_utc(t), "2026-02-14T01:05:01.000042+08:00");
    }
}
