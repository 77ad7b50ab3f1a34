//! Solar ⇄ lunar conversion for Vietnam (UTC+7), answered from a month table that is
//! built once, on first use, by the astronomical rules in [`crate::astro`].
//!
//! Supported: solar 1900-01-31 (lunar 1/1/1900) to 2199-12-31, and the lunar dates
//! that fall inside it.

use std::fmt;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use crate::astro;
use crate::error::{CalendarError, LunarProblem};

/// Vietnam's legal time: UTC+7 (the printed calendar has used it since 1968).
pub const VIETNAM_TZ_HOURS: f64 = 7.0;

/// First supported solar day: Tết Canh Tý, lunar 1/1/1900.
pub const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 31) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// Last supported solar day.
pub const LAST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2199, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Offset between chrono's day count from 0001-01-01 (day 1) and the Julian day number.
const JDN_OFFSET: i32 = 1_721_425;

/// Julian day number of a solar date.
pub(crate) fn jdn(date: NaiveDate) -> i32 {
    date.num_days_from_ce() + JDN_OFFSET
}

/// Solar date of a Julian day number.
pub(crate) fn from_jdn(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day - JDN_OFFSET)
}

/// A day of the Vietnamese lunar calendar (ngày âm lịch).
///
/// `Display` gives `d/m/y`, with ` nhuận` appended in a leap month, e.g. `1/4/2001 nhuận`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LunarDate {
    /// Lunar year (the solar year in which its month 1 begins).
    pub year: i32,
    /// Month number 1..=12; a leap month repeats the number of the month before it.
    pub month: u8,
    /// Whether this is the leap month (tháng nhuận).
    pub leap: bool,
    /// Day of the month, 1..=30.
    pub day: u8,
}

impl LunarDate {
    /// Checks the date against the calendar and returns it.
    pub fn new(day: u32, month: u32, year: i32, leap: bool) -> Result<Self, CalendarError> {
        to_solar_inner(day, month, year, leap)?;
        lunar_date_unchecked(day, month, year, leap).ok_or(CalendarError::InvalidLunarDate {
            day,
            month,
            year,
            leap,
            problem: LunarProblem::DayOutOfRange,
        })
    }

    /// Converts a solar date to the lunar calendar.
    pub fn from_solar(date: NaiveDate) -> Result<Self, CalendarError> {
        if date < FIRST_DAY || date > LAST_DAY {
            return Err(CalendarError::OutOfRange { date });
        }
        table()
            .lookup(jdn(date))
            .ok_or(CalendarError::OutOfRange { date })
    }

    /// Converts this lunar date to the solar calendar.
    pub fn to_solar(&self) -> Result<NaiveDate, CalendarError> {
        to_solar_inner(
            u32::from(self.day),
            u32::from(self.month),
            self.year,
            self.leap,
        )
    }

    /// The year's name in the sexagenary cycle, e.g. `Bính Ngọ` for 2026.
    pub fn year_name(&self) -> String {
        year_name(self.year)
    }
}

fn lunar_date_unchecked(day: u32, month: u32, year: i32, leap: bool) -> Option<LunarDate> {
    Some(LunarDate {
        year,
        month: u8::try_from(month).ok()?,
        leap,
        day: u8::try_from(day).ok()?,
    })
}

impl fmt::Display for LunarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.day, self.month, self.year)?;
        if self.leap {
            f.write_str(" nhuận")?;
        }
        Ok(())
    }
}

const STEMS: [&str; 10] = [
    "Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý",
];
const BRANCHES: [&str; 12] = [
    "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi",
];

/// Name of a lunar year in the sexagenary cycle (can chi), e.g. `Ất Tỵ` for 2025.
pub fn year_name(year: i32) -> String {
    let stem = usize::try_from((year + 6).rem_euclid(10)).ok();
    let branch = usize::try_from((year + 8).rem_euclid(12)).ok();
    match (
        stem.and_then(|i| STEMS.get(i)),
        branch.and_then(|i| BRANCHES.get(i)),
    ) {
        (Some(s), Some(b)) => format!("{s} {b}"),
        _ => String::new(),
    }
}

/// Solar date of Tết Nguyên Đán (lunar 1/1) of `year`.
pub fn lunar_new_year(year: i32) -> Result<NaiveDate, CalendarError> {
    to_solar_inner(1, 1, year, false)
}

fn to_solar_inner(day: u32, month: u32, year: i32, leap: bool) -> Result<NaiveDate, CalendarError> {
    let invalid = |problem| CalendarError::InvalidLunarDate {
        day,
        month,
        year,
        leap,
        problem,
    };
    if !(1..=12).contains(&month) {
        return Err(invalid(LunarProblem::MonthOutOfRange));
    }
    if !(1..=30).contains(&day) {
        return Err(invalid(LunarProblem::DayOutOfRange));
    }
    let table = table();
    let year_info = table
        .year(year)
        .ok_or(invalid(LunarProblem::YearOutOfRange))?;
    if leap && year_info.leap_month != month {
        return Err(invalid(LunarProblem::NotALeapMonth));
    }
    let mut offset = month - 1;
    if year_info.leap_month != 0 && (month > year_info.leap_month || leap) {
        offset += 1;
    }
    let index = year_info.first_month + offset as usize;
    let (start, next) = match (table.months.get(index), table.months.get(index + 1)) {
        (Some(m), Some(n)) => (m.start, n.start),
        _ => return Err(invalid(LunarProblem::YearOutOfRange)),
    };
    let length = u32::try_from(next - start).unwrap_or(0);
    if day > length {
        return Err(invalid(LunarProblem::ShortMonth { length }));
    }
    let solar = from_jdn(start + day as i32 - 1).ok_or(invalid(LunarProblem::YearOutOfRange))?;
    if solar < FIRST_DAY || solar > LAST_DAY {
        return Err(invalid(LunarProblem::YearOutOfRange));
    }
    Ok(solar)
}

/// Number of days (29 or 30) in a lunar month.
pub fn month_length(year: i32, month: u32, leap: bool) -> Result<u32, CalendarError> {
    let first = to_solar_inner(1, month, year, leap)?;
    let start = jdn(first);
    let table = table();
    let index = table
        .index_of(start)
        .ok_or(CalendarError::OutOfRange { date: first })?;
    let next = table
        .months
        .get(index + 1)
        .ok_or(CalendarError::OutOfRange { date: first })?;
    u32::try_from(next.start - start).map_err(|_| CalendarError::OutOfRange { date: first })
}

/// The months of a lunar year in order: `(month, leap, first solar day, length)`.
pub fn months_of_year(year: i32) -> Result<Vec<(u8, bool, NaiveDate, u32)>, CalendarError> {
    let table = table();
    let invalid = || CalendarError::InvalidLunarDate {
        day: 1,
        month: 1,
        year,
        leap: false,
        problem: LunarProblem::YearOutOfRange,
    };
    let info = table.year(year).ok_or_else(invalid)?;
    let count = if info.leap_month == 0 { 12 } else { 13 };
    let mut out = Vec::with_capacity(count);
    for i in info.first_month..info.first_month + count {
        let (m, n) = match (table.months.get(i), table.months.get(i + 1)) {
            (Some(m), Some(n)) => (m, n),
            _ => return Err(invalid()),
        };
        let first = from_jdn(m.start).ok_or_else(invalid)?;
        out.push((
            m.month,
            m.leap,
            first,
            u32::try_from(n.start - m.start).unwrap_or(0),
        ));
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy)]
struct MonthEntry {
    /// JDN of the month's first day.
    start: i32,
    year: i32,
    month: u8,
    leap: bool,
}

#[derive(Debug, Clone, Copy)]
struct YearEntry {
    /// Index in `months` of this lunar year's month 1.
    first_month: usize,
    /// Number of the leap month, 0 when the year has none.
    leap_month: u32,
}

#[derive(Debug)]
struct MonthTable {
    months: Vec<MonthEntry>,
    first_year: i32,
    years: Vec<YearEntry>,
}

/// Solar years whose month 11 the table needs: one either side of the supported range.
const TABLE_FIRST_SOLAR_YEAR: i32 = 1898;
const TABLE_LAST_SOLAR_YEAR: i32 = 2201;

fn table() -> &'static MonthTable {
    static TABLE: OnceLock<MonthTable> = OnceLock::new();
    TABLE.get_or_init(|| MonthTable::build(VIETNAM_TZ_HOURS))
}

impl MonthTable {
    fn build(tz: f64) -> Self {
        let years = TABLE_FIRST_SOLAR_YEAR..=TABLE_LAST_SOLAR_YEAR;
        let month11: Vec<i32> = years.clone().map(|y| astro::month11(y, tz)).collect();
        let month11_of = |y: i32| -> i32 {
            usize::try_from(y - TABLE_FIRST_SOLAR_YEAR)
                .ok()
                .and_then(|i| month11.get(i).copied())
                .unwrap_or_else(|| astro::month11(y, tz))
        };
        let mut leap_cache: Vec<(i32, i32)> = Vec::new();
        let mut leap_offset_of = |a11: i32| -> i32 {
            if let Some(&(_, off)) = leap_cache.iter().find(|(a, _)| *a == a11) {
                return off;
            }
            let off = astro::leap_offset(a11, tz);
            leap_cache.push((a11, off));
            off
        };

        // New moons from the month-11 of 1898 to the one of 2201 cover every supported day.
        let k_first = astro::k_of_month_start(month11_of(TABLE_FIRST_SOLAR_YEAR));
        let k_last = astro::k_of_month_start(month11_of(TABLE_LAST_SOLAR_YEAR));
        let mut months = Vec::with_capacity(usize::try_from(k_last - k_first + 1).unwrap_or(0));
        for k in k_first..=k_last {
            let start = astro::new_moon_day(k, tz);
            let solar_year = astro::gregorian_year_of_jdn(start);
            let (month, year, leap) = astro::label_month(
                start,
                solar_year,
                &mut |y| month11_of(y),
                &mut leap_offset_of,
            );
            months.push(MonthEntry {
                start,
                year,
                month: u8::try_from(month).unwrap_or(0),
                leap,
            });
        }

        let first_year = months
            .iter()
            .find(|m| m.month == 1 && !m.leap)
            .map_or(TABLE_FIRST_SOLAR_YEAR, |m| m.year);
        let mut years_index = Vec::new();
        for (i, m) in months.iter().enumerate() {
            if m.month == 1 && !m.leap {
                years_index.push(YearEntry {
                    first_month: i,
                    leap_month: 0,
                });
            } else if m.leap
                && let Some(last) = years_index.last_mut()
            {
                last.leap_month = u32::from(m.month);
            }
        }
        // A leap month 11 or 12 belongs to the lunar year whose month 11 precedes it,
        // which is the entry already open above: nothing else to fix.
        MonthTable {
            months,
            first_year,
            years: years_index,
        }
    }

    fn index_of(&self, day: i32) -> Option<usize> {
        let first = self.months.first()?;
        if day < first.start {
            return None;
        }
        let guess = f64::from(day - first.start) / astro::SYNODIC_MONTH;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let mut i = (guess as usize).min(self.months.len().saturating_sub(1));
        while i > 0 && self.months.get(i).is_some_and(|m| m.start > day) {
            i -= 1;
        }
        while self.months.get(i + 1).is_some_and(|m| m.start <= day) {
            i += 1;
        }
        // The last entry only marks where the previous month ends.
        (i + 1 < self.months.len()).then_some(i)
    }

    fn lookup(&self, day: i32) -> Option<LunarDate> {
        let m = self.months.get(self.index_of(day)?)?;
        Some(LunarDate {
            year: m.year,
            month: m.month,
            leap: m.leap,
            day: u8::try_from(day - m.start + 1).ok()?,
        })
    }

    fn year(&self, year: i32) -> Option<YearEntry> {
        let i = usize::try_from(year - self.first_year).ok()?;
        self.years.get(i).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn lunar(s: &str) -> String {
        LunarDate::from_solar(d(s)).unwrap().to_string()
    }

    #[test]
    fn spec_documentation_vectors() {
        // spec/calendar.md §6
        let cases = [
            ("2000-02-05", "1/1/2000"),
            ("2001-05-23", "1/4/2001 nhuận"),
            ("2002-04-22", "10/3/2002"),
            ("2004-03-21", "1/2/2004 nhuận"),
            ("2007-02-16", "29/12/2006"),
            ("2007-02-17", "1/1/2007"),
            ("2008-09-14", "15/8/2008"),
            ("2010-12-31", "26/11/2010"),
            ("2026-02-17", "1/1/2026"),
            ("1900-01-31", "1/1/1900"),
        ];
        for (solar, expected) in cases {
            assert_eq!(lunar(solar), expected, "{solar}");
            let l = LunarDate::from_solar(d(solar)).unwrap();
            assert_eq!(l.to_solar().unwrap(), d(solar));
        }
    }

    #[test]
    fn every_day_matches_the_spec_algorithm_and_round_trips() {
        // Exhaustive over the supported range: the table must agree with the per-day
        // astronomical procedure of spec §4, and lunar → solar must invert it.
        let mut day = FIRST_DAY;
        let mut checked = 0;
        while day <= LAST_DAY {
            let l = LunarDate::from_solar(day).unwrap();
            let (rd, rm, ry, rleap) = astro::solar_to_lunar_reference(jdn(day), VIETNAM_TZ_HOURS);
            assert_eq!(
                (i32::from(l.day), i32::from(l.month), l.year, l.leap),
                (rd, rm, ry, rleap),
                "{day}"
            );
            assert_eq!(l.to_solar().unwrap(), day, "round trip {day} via {l}");
            checked += 1;
            day = day.succ_opt().unwrap();
        }
        assert_eq!(checked, 109_543);
    }

    #[test]
    fn every_lunar_year_has_twelve_or_thirteen_months() {
        for year in 1900..=2198 {
            let months = months_of_year(year).unwrap();
            let leap_count = months.iter().filter(|m| m.1).count();
            match months.len() {
                12 => assert_eq!(leap_count, 0, "{year}"),
                13 => assert_eq!(leap_count, 1, "{year}"),
                n => panic!("{year} has {n} months"),
            }
            for (i, m) in months.iter().enumerate() {
                assert!(
                    m.3 == 29 || m.3 == 30,
                    "{year} month {} has {} days",
                    m.0,
                    m.3
                );
                if !m.1 {
                    let before_leap = months.iter().take(i).filter(|x| x.1).count();
                    assert_eq!(usize::from(m.0), i + 1 - before_leap, "{year}");
                }
            }
        }
    }

    #[test]
    fn bad_lunar_dates_are_rejected_with_reasons() {
        use LunarProblem::*;
        let problem = |day, month, year, leap| match LunarDate::new(day, month, year, leap) {
            Err(CalendarError::InvalidLunarDate { problem, .. }) => problem,
            other => panic!("{other:?}"),
        };
        assert_eq!(problem(31, 1, 2026, false), DayOutOfRange);
        assert_eq!(problem(0, 1, 2026, false), DayOutOfRange);
        assert_eq!(problem(1, 13, 2026, false), MonthOutOfRange);
        assert_eq!(problem(1, 5, 2026, true), NotALeapMonth);
        assert_eq!(problem(1, 1, 2300, false), YearOutOfRange);
        // Month 12 of Ất Tỵ (2025) has 29 days: Tết Bính Ngọ is on the 30th's place.
        assert_eq!(month_length(2025, 12, false).unwrap(), 29);
        assert_eq!(problem(30, 12, 2025, false), ShortMonth { length: 29 });
        assert!(LunarDate::new(1, 6, 2025, true).is_ok());
    }

    #[test]
    fn out_of_range_solar_dates_are_errors() {
        assert!(matches!(
            LunarDate::from_solar(d("1900-01-30")),
            Err(CalendarError::OutOfRange { .. })
        ));
        assert!(matches!(
            LunarDate::from_solar(d("2200-01-01")),
            Err(CalendarError::OutOfRange { .. })
        ));
        assert!(LunarDate::from_solar(d("2199-12-31")).is_ok());
    }

    #[test]
    fn year_names() {
        assert_eq!(year_name(2026), "Bính Ngọ");
        assert_eq!(year_name(2025), "Ất Tỵ");
        assert_eq!(year_name(1900), "Canh Tý");
        assert_eq!(year_name(2024), "Giáp Thìn");
    }
}

#[cfg(test)]
mod published_dates {
    use super::*;

    #[test]
    fn tet_and_gio_to_1901_to_2099_match_the_published_table() {
        let data = include_str!("../tests/data/tet_gio_to.tsv");
        let mut years = 0;
        for line in data.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let year: i32 = cols[0].parse().unwrap();
            let tet = NaiveDate::parse_from_str(cols[1], "%Y-%m-%d").unwrap();
            let gio_to = NaiveDate::parse_from_str(cols[2], "%Y-%m-%d").unwrap();
            assert_eq!(lunar_new_year(year).unwrap(), tet, "Tết {year}");
            assert_eq!(
                LunarDate::new(10, 3, year, false)
                    .unwrap()
                    .to_solar()
                    .unwrap(),
                gio_to,
                "Giỗ Tổ {year}"
            );
            years += 1;
        }
        assert_eq!(years, 199);
    }

    #[test]
    fn where_vietnam_differs_from_china() {
        // spec/calendar.md §5: Vietnam's Tết in the years it differs from China's.
        for (year, tet) in [
            (1903, "1903-01-28"),
            (1916, "1916-02-03"),
            (1935, "1935-02-03"),
            (1965, "1965-02-01"),
            (1968, "1968-01-29"),
            (1969, "1969-02-16"),
            (1985, "1985-01-21"),
            (2007, "2007-02-17"),
            (2030, "2030-02-02"),
            (2053, "2053-02-18"),
        ] {
            let expected = NaiveDate::parse_from_str(tet, "%Y-%m-%d").unwrap();
            assert_eq!(lunar_new_year(year).unwrap(), expected, "{year}");
        }
        // 1984 had no leap month in Vietnam (China: leap 10); leap month 2 came in 1985.
        let leap_of = |y| months_of_year(y).unwrap().iter().find(|m| m.1).map(|m| m.0);
        assert_eq!(leap_of(1984), None);
        assert_eq!(leap_of(1985), Some(2));
    }

    #[test]
    fn known_leap_months() {
        let leap_of = |y| months_of_year(y).unwrap().iter().find(|m| m.1).map(|m| m.0);
        for (year, month) in [
            (2001, 4),
            (2004, 2),
            (2006, 7),
            (2009, 5),
            (2012, 4),
            (2014, 9),
            (2017, 6),
            (2020, 4),
            (2023, 2),
            (2025, 6),
            (2028, 5),
        ] {
            assert_eq!(leap_of(year), Some(month), "{year}");
        }
        assert_eq!(leap_of(2026), None);
        assert_eq!(leap_of(2024), None);
    }
}
