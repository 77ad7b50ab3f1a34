//! Public-API tests of the calendar crate: official schedules, statutory fallback,
//! amendments, working-time arithmetic against brute force, and the spec's worked
//! deadline examples. One test binary (see STYLE.md).

// Test code: a failed unwrap is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod arithmetic;
mod deadlines;
mod holidays;

use chrono::{NaiveDate, NaiveDateTime};
use motcua_calendar::WorkCalendar;

pub fn d(s: &str) -> NaiveDate {
    motcua_calendar::parse_date(s).unwrap()
}

pub fn dt(s: &str) -> NaiveDateTime {
    motcua_calendar::parse_datetime(s).unwrap()
}

pub fn vn() -> WorkCalendar {
    WorkCalendar::vietnam().unwrap()
}
