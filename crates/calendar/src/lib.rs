//! Vietnamese working-day calendar: the lunar calendar (âm lịch), public holidays
//! and official yearly schedules (ngày nghỉ lễ, nghỉ bù, hoán đổi, làm bù), office hours,
//! and the legal ways a processing time limit is counted (hạn giải quyết).
//!
//! Pure: no I/O and no clock. Year schedules are data (TOML) shipped with the crate,
//! and an administrator can amend them at run time ([`Amendments`]).

mod astro;
pub mod data;
pub mod deadline;
pub mod error;
pub mod limit;
pub mod lunar;
pub mod office;
pub mod rules;
pub mod schedule;
pub mod workcal;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

pub use data::{CalendarData, YearBasis};
pub use deadline::{
    ClockEvent, ClockRule, DeadlineError, DeadlineReport, DeadlineRules, PauseReason, Segment,
    Timeliness,
};
pub use error::{CalendarError, LunarProblem};
pub use limit::TimeLimit;
pub use lunar::LunarDate;
pub use office::OfficeHours;
pub use rules::StatutoryRules;
pub use schedule::{Amendments, DayEntry, DayKind, ScheduleStatus, YearSchedule};
pub use workcal::{DayInfo, DayStatus, WorkCalendar};

/// First year of the working calendar.
pub const FIRST_YEAR: i32 = 1900;
/// Last year of the working calendar.
pub const LAST_YEAR: i32 = 2199;

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, CalendarError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| CalendarError::InvalidDate {
        input: text.to_owned(),
    })
}

/// Parses a time of day `HH:MM` (or `HH:MM:SS`).
pub fn parse_time(text: &str) -> Result<NaiveTime, CalendarError> {
    let t = text.trim();
    NaiveTime::parse_from_str(t, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
        .map_err(|_| CalendarError::InvalidTime {
            input: text.to_owned(),
        })
}

/// Parses a local date-time `YYYY-MM-DDTHH:MM` (a space instead of `T`, and seconds,
/// are accepted).
pub fn parse_datetime(text: &str) -> Result<NaiveDateTime, CalendarError> {
    let t = text.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .ok_or_else(|| CalendarError::InvalidDateTime {
        input: text.to_owned(),
    })
}
