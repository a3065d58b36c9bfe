//! The working-day calendar (DESIGN §3): data, not code. Pure: schedules come in as parsed
//! values, "today" comes in as a date.
//!
//! - [`Region`]: a holiday layer (`CN`, `CN-NX`); a regional layer adds to the national one.
//! - [`YearSchedule`]: one (region, year)'s special days, validated on the way in.
//! - [`statutory`]: the holidays the law fixes (放假办法 Art. 2, 6), for provisional answers.
//! - [`WorkdayIndex`]: the fast path: a cumulative working-day count per day, so adding N
//!   working days is a binary search, never a day-by-day walk.

mod index;
mod loaded;
mod region;
mod schedule;
pub mod statutory;

pub use index::{CalendarError, DayInfo, DayKind, Deadline, WorkdayIndex, YearCoverage};
pub use loaded::{LoadedYear, Origin};
pub use region::{Region, RegionError};
pub use schedule::{RawDay, ScheduleError, SpecialDay, SpecialKind, YearSchedule};
pub use statutory::{LunarTable, LunarYear};
