//! The working calendar (lịch làm việc) of state agencies: which days are working
//! days, and arithmetic in working days and working minutes.
//!
//! Each year's table (a bitmap of days off, a running count of working days, and the
//! list of working days) is built on first use, so any query is a few array lookups.

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use crate::data::{CalendarData, YearBasis};
use crate::error::CalendarError;
use crate::office::OfficeHours;
use crate::schedule::{DayEntry, DayKind};
use crate::{FIRST_YEAR, LAST_YEAR};

/// What kind of day a date is for a state agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayStatus {
    /// An ordinary working day.
    Workday,
    /// Saturday or Sunday (nghỉ hằng tuần).
    WeeklyRest,
    /// A public holiday (nghỉ lễ, Tết).
    Holiday,
    /// A compensatory day off (nghỉ bù).
    Compensatory,
    /// A working day swapped off (nghỉ hoán đổi).
    SwapOff,
    /// A weekend day worked (làm bù).
    MakeupWorkday,
}

impl DayStatus {
    /// Whether agencies work on such a day.
    pub fn is_working(self) -> bool {
        matches!(self, Self::Workday | Self::MakeupWorkday)
    }
}

/// One day with its status and, when it is an exception, the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInfo {
    /// The date.
    pub date: NaiveDate,
    /// Its status.
    pub status: DayStatus,
    /// Reason in Vietnamese (for holidays, compensatory, swapped and make-up days).
    pub label: Option<String>,
    /// False when the entry rests on an unconfirmed source.
    pub confirmed: bool,
}

impl DayInfo {
    /// Whether agencies work that day.
    pub fn is_working(&self) -> bool {
        self.status.is_working()
    }
}

#[derive(Debug)]
struct YearTable {
    year: i32,
    /// Bit `ordinal0` set when the day is not a working day.
    off: [u64; 6],
    /// `cum[i]` = working days among ordinals `0..i` (length = days in year + 1).
    cum: Vec<u16>,
    /// Ordinals (0-based) of the working days, in order.
    work: Vec<u16>,
    /// The year's effective exceptions, sorted by date.
    entries: Vec<DayEntry>,
}

impl YearTable {
    fn build(data: &CalendarData, year: i32) -> Result<Self, CalendarError> {
        let entries = data.entries(year)?;
        let first =
            NaiveDate::from_ymd_opt(year, 1, 1).ok_or(CalendarError::YearOutOfRange { year })?;
        let days = if first.leap_year() { 366 } else { 365 };
        let rest = data.rules().weekly_rest();
        let mut off = [0u64; 6];
        let mut set = |ordinal0: u32, is_off: bool| {
            let (word, bit) = ((ordinal0 / 64) as usize, ordinal0 % 64);
            if let Some(w) = off.get_mut(word) {
                if is_off {
                    *w |= 1 << bit;
                } else {
                    *w &= !(1 << bit);
                }
            }
        };
        let mut date = first;
        for ordinal0 in 0..days {
            set(ordinal0, rest.contains(&date.weekday()));
            date += Duration::days(1);
        }
        for e in &entries {
            set(e.date.ordinal0(), e.kind.is_day_off());
        }
        let is_off = |ordinal0: u32| {
            off.get((ordinal0 / 64) as usize)
                .is_some_and(|w| w & (1 << (ordinal0 % 64)) != 0)
        };
        let mut cum = Vec::with_capacity(days as usize + 1);
        let mut work = Vec::with_capacity(days as usize);
        cum.push(0u16);
        for ordinal0 in 0..days {
            let o = u16::try_from(ordinal0).unwrap_or(u16::MAX);
            if !is_off(ordinal0) {
                work.push(o);
            }
            cum.push(u16::try_from(work.len()).unwrap_or(u16::MAX));
        }
        Ok(YearTable {
            year,
            off,
            cum,
            work,
            entries,
        })
    }

    fn is_off(&self, ordinal0: u32) -> bool {
        self.off
            .get((ordinal0 / 64) as usize)
            .is_some_and(|w| w & (1 << (ordinal0 % 64)) != 0)
    }

    fn total(&self) -> u32 {
        self.work.len() as u32
    }

    /// Working days among the year's days up to and including `ordinal0`.
    fn count_through(&self, ordinal0: u32) -> u32 {
        self.cum
            .get(ordinal0 as usize + 1)
            .map_or(0, |&c| u32::from(c))
    }

    /// The `nth` (1-based) working day of the year.
    fn nth_working(&self, nth: u32) -> Option<NaiveDate> {
        let ordinal0 = *self.work.get(nth.checked_sub(1)? as usize)?;
        NaiveDate::from_yo_opt(self.year, u32::from(ordinal0) + 1)
    }
}

/// The working calendar: data, office hours and lazily built year tables.
#[derive(Debug)]
pub struct WorkCalendar {
    data: CalendarData,
    office: OfficeHours,
    years: Vec<OnceLock<Result<YearTable, CalendarError>>>,
}

impl Clone for WorkCalendar {
    fn clone(&self) -> Self {
        Self::new(self.data.clone(), self.office.clone())
    }
}

impl WorkCalendar {
    /// A calendar over `data` with the given office hours.
    pub fn new(data: CalendarData, office: OfficeHours) -> Self {
        let span = (LAST_YEAR - FIRST_YEAR + 1) as usize;
        WorkCalendar {
            data,
            office,
            years: (0..span).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Vietnam's calendar as shipped: built-in rules and schedules, default office hours.
    pub fn vietnam() -> Result<Self, CalendarError> {
        Ok(Self::new(CalendarData::builtin()?, OfficeHours::default()))
    }

    /// The data this calendar was built from.
    pub fn data(&self) -> &CalendarData {
        &self.data
    }

    /// The office hours.
    pub fn office_hours(&self) -> &OfficeHours {
        &self.office
    }

    /// Where `year`'s days off come from (official schedule or statutory rules).
    pub fn basis(&self, year: i32) -> YearBasis {
        self.data.basis(year)
    }

    fn table(&self, year: i32) -> Result<&YearTable, CalendarError> {
        let slot = usize::try_from(year - FIRST_YEAR)
            .ok()
            .and_then(|i| self.years.get(i))
            .ok_or(CalendarError::YearOutOfRange { year })?;
        slot.get_or_init(|| YearTable::build(&self.data, year))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Whether state agencies work on `date`.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(!self.table(date.year())?.is_off(date.ordinal0()))
    }

    /// The status of `date` and the reason for it.
    pub fn day_info(&self, date: NaiveDate) -> Result<DayInfo, CalendarError> {
        let table = self.table(date.year())?;
        let entry = table.entries.iter().find(|e| e.date == date);
        let rest = self.data.rules().weekly_rest().contains(&date.weekday());
        let status = match entry.map(|e| e.kind) {
            Some(DayKind::Holiday) => DayStatus::Holiday,
            Some(DayKind::Compensatory) => DayStatus::Compensatory,
            Some(DayKind::SwapOff) => DayStatus::SwapOff,
            Some(DayKind::MakeupWorkday) => DayStatus::MakeupWorkday,
            Some(DayKind::Normal) | None if rest => DayStatus::WeeklyRest,
            Some(DayKind::Normal) | None => DayStatus::Workday,
        };
        Ok(DayInfo {
            date,
            status,
            label: entry.map(|e| e.label.clone()),
            confirmed: entry.is_none_or(|e| e.confirmed),
        })
    }

    /// The days of `year` that break the weekly pattern: weekdays off and weekend days
    /// worked, in date order.
    pub fn exceptions(&self, year: i32) -> Result<Vec<DayInfo>, CalendarError> {
        let table = self.table(year)?;
        let rest = self.data.rules().weekly_rest();
        let mut out = Vec::new();
        for e in &table.entries {
            let is_rest = rest.contains(&e.date.weekday());
            if e.kind.is_day_off() != is_rest {
                out.push(self.day_info(e.date)?);
            }
        }
        Ok(out)
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.add_working_days(date, 1)
    }

    /// `date` if it is a working day, else the next working day.
    pub fn working_day_on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        if self.is_working_day(date)? {
            Ok(date)
        } else {
            self.next_working_day(date)
        }
    }

    /// The `n`-th working day after `date` (Civil Code art. 147: counting starts the
    /// day after). `n = 0` gives `date` itself.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            return Ok(date);
        }
        let mut year = date.year();
        let mut table = self.table(year)?;
        let mut target = table.count_through(date.ordinal0()) + n;
        while target > table.total() {
            target -= table.total();
            year += 1;
            table = self.table(year)?;
        }
        table
            .nth_working(target)
            .ok_or(CalendarError::YearOutOfRange { year })
    }

    /// Working days `d` with `from < d <= to` (negative when `to` is before `from`), so
    /// `working_days_between(a, add_working_days(a, n)) == n`.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, CalendarError> {
        if to < from {
            return Ok(-self.working_days_between(to, from)?);
        }
        let a = self.table(from.year())?;
        let through_from = i64::from(a.count_through(from.ordinal0()));
        if from.year() == to.year() {
            return Ok(i64::from(a.count_through(to.ordinal0())) - through_from);
        }
        let mut count = i64::from(a.total()) - through_from;
        for year in from.year() + 1..to.year() {
            count += i64::from(self.table(year)?.total());
        }
        count += i64::from(self.table(to.year())?.count_through(to.ordinal0()));
        Ok(count)
    }

    /// The day a time limit starts counting from for something received at
    /// `received_at`: that day, or the next working day when it came on a day off or
    /// at/after `cutoff` (default: closing time). The limit's first day is the day after.
    pub fn counting_day(
        &self,
        received_at: NaiveDateTime,
        cutoff: Option<NaiveTime>,
    ) -> Result<NaiveDate, CalendarError> {
        let date = received_at.date();
        let cutoff = cutoff.unwrap_or_else(|| self.office.closing());
        if !self.is_working_day(date)? || received_at.time() >= cutoff {
            self.next_working_day(date)
        } else {
            Ok(date)
        }
    }

    /// Closing time on `date`: when a day-based deadline falling on that day ends.
    pub fn end_of_day(&self, date: NaiveDate) -> NaiveDateTime {
        date.and_time(self.office.closing())
    }

    /// Working minutes of `at`'s day already passed at `at` (0 on a day off).
    fn minutes_into_day(&self, at: NaiveDateTime) -> Result<u32, CalendarError> {
        Ok(if self.is_working_day(at.date())? {
            self.office.minutes_before(at.time())
        } else {
            0
        })
    }

    /// The moment `minutes` working minutes after `at` (office hours on working days only).
    pub fn add_working_minutes(
        &self,
        at: NaiveDateTime,
        minutes: u64,
    ) -> Result<NaiveDateTime, CalendarError> {
        if minutes == 0 {
            return Ok(at);
        }
        let per_day = u64::from(self.office.minutes_per_day());
        let (day, used) = if self.is_working_day(at.date())? {
            (at.date(), u64::from(self.office.minutes_before(at.time())))
        } else {
            (self.next_working_day(at.date())?, 0)
        };
        let total = used + minutes;
        let mut whole_days = total / per_day;
        let mut rest = total % per_day;
        if rest == 0 {
            // Ending exactly at closing time stays on that day.
            whole_days -= 1;
            rest = per_day;
        }
        let days = u32::try_from(whole_days).map_err(|_| CalendarError::YearOutOfRange {
            year: LAST_YEAR + 1,
        })?;
        let target = self.add_working_days(day, days)?;
        let rest = u32::try_from(rest).unwrap_or(u32::MAX);
        Ok(target.and_time(self.office.time_after(rest)))
    }

    /// Working minutes between two moments (negative when `to` is before `from`).
    pub fn working_minutes_between(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<i64, CalendarError> {
        if to < from {
            return Ok(-self.working_minutes_between(to, from)?);
        }
        let (a, b) = (from.date(), to.date());
        // Working days d with a <= d < b.
        let whole = self.working_days_between(a, b)? - i64::from(self.is_working_day(b)?)
            + i64::from(self.is_working_day(a)?);
        Ok(
            whole * i64::from(self.office.minutes_per_day())
                + i64::from(self.minutes_into_day(to)?)
                - i64::from(self.minutes_into_day(from)?),
        )
    }

    /// The first weekday of the weekly rest, for display.
    pub fn weekly_rest(&self) -> &[Weekday] {
        self.data.rules().weekly_rest()
    }
}
