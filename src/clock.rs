//! The one source of "now" (DESIGN §2: times are stored as naive UTC, dates are Asia/Shanghai's).
//!
//! The application holds a [`Clock`]; the production clock reads the system time, and a test can
//! fix it at any instant (`Clock::fixed`) and move it (`Clock::set`), so deadline, overdue and
//! publicity-period rules can be tried on the day before a holiday or at midnight in Shanghai.
//! Nothing else in gongshi reads the system time.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::domain::shanghai;

#[derive(Clone, Debug)]
pub struct Clock {
    fixed: Option<Arc<RwLock<DateTime<Utc>>>>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock that stands at `at` until [`Clock::set`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Some(Arc::new(RwLock::new(at))),
        }
    }

    /// Moves a fixed clock (every copy of it); refused on the system clock.
    pub fn set(&self, at: DateTime<Utc>) -> Result<(), SystemClockIsNotSettable> {
        let fixed = self.fixed.as_ref().ok_or(SystemClockIsNotSettable)?;
        *fixed.write().unwrap_or_else(|p| p.into_inner()) = at;
        Ok(())
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            None => Utc::now(),
            Some(at) => *at.read().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// Now as stored: naive UTC.
    pub fn now_utc(&self) -> NaiveDateTime {
        self.now().naive_utc()
    }

    /// Today's date in Asia/Shanghai, whatever the server's time zone.
    pub fn today(&self) -> NaiveDate {
        shanghai::date_at(self.now())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the system clock cannot be set")]
pub struct SystemClockIsNotSettable;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_fixed_clock_stands_still_until_moved_and_every_copy_follows() {
        let at = Utc.with_ymd_and_hms(2026, 9, 30, 15, 59, 59).unwrap();
        let clock = Clock::fixed(at);
        let copy = clock.clone();
        assert_eq!(copy.now(), at);
        // 15:59:59 UTC is 23:59:59 in Shanghai: still 30 September there.
        assert_eq!(copy.today(), NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        clock.set(at + chrono::Duration::seconds(1)).unwrap();
        // One second later it is midnight in Shanghai: 1 October (国庆).
        assert_eq!(copy.today(), NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert_eq!(
            copy.now_utc(),
            (at + chrono::Duration::seconds(1)).naive_utc()
        );
    }

    #[test]
    fn the_system_clock_moves_and_cannot_be_set() {
        let clock = Clock::system();
        assert!(clock.set(Utc::now()).is_err());
        let (a, b) = (clock.now(), clock.now());
        assert!(b >= a);
    }
}
