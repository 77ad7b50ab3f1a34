//! Year schedules of days off and make-up working days (lịch nghỉ lễ, Tết, nghỉ bù,
//! hoán đổi, làm bù) as data: the official ones shipped with the crate, and an
//! administrator's amendments loaded at run time.
//!
//! File format (TOML), one year per file:
//!
//! ```toml
//! year = 2026
//! status = "official"            # official | provisional
//! source = "Thông báo của Thủ tướng Chính phủ …"
//!
//! [[days]]
//! date = 2026-01-02
//! kind = "swap_off"              # holiday | compensatory | swap_off | makeup_workday | normal
//! label = "Nghỉ hoán đổi dịp Tết Dương lịch"
//! confirmed = false              # default true
//! ```
//!
//! An amendments file holds any number of such years under `[[year]]`, each with
//! `mode = "replace"` (the year's whole list, e.g. a newly published schedule) or
//! `mode = "patch"` (the default: only the listed dates change), plus
//! `confirm = ["culture_day"]` to switch on entries that wait for confirmation.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use crate::error::CalendarError;

/// What a listed day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// Ngày nghỉ lễ, Tết: a statutory holiday.
    Holiday,
    /// Nghỉ bù: off because a holiday fell on a weekly rest day.
    Compensatory,
    /// Nghỉ hoán đổi: a working day moved onto a Saturday to join a break.
    SwapOff,
    /// Làm bù: a Saturday (or Sunday) worked in exchange for a swapped day.
    MakeupWorkday,
    /// Back to the weekly pattern: in an amendment, cancels whatever was listed for
    /// that date (a day off on a weekday, or a make-up working day on a weekend).
    Normal,
}

impl DayKind {
    /// Whether state agencies are closed on a day of this kind.
    pub fn is_day_off(self) -> bool {
        matches!(self, Self::Holiday | Self::Compensatory | Self::SwapOff)
    }
}

/// One listed day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayEntry {
    /// The solar date.
    pub date: NaiveDate,
    /// What the day is.
    pub kind: DayKind,
    /// Reason in Vietnamese, e.g. `Tết Dương lịch`.
    pub label: String,
    /// The text that decided it, when known.
    pub source: Option<String>,
    /// False while the entry rests on a source that has not been confirmed.
    pub confirmed: bool,
    /// An option id (e.g. `culture_day`) that an administrator must confirm before
    /// the entry takes effect.
    pub requires: Option<String>,
}

/// Whether a schedule was published or is a provisional reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleStatus {
    /// Announced by the competent authority.
    Official,
    /// Entered before publication; to be replaced.
    Provisional,
}

/// How a schedule combines with what is already known for its year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmendMode {
    /// The list is the year's complete list of exceptions.
    Replace,
    /// Only the listed dates change; everything else stays.
    #[default]
    Patch,
}

/// The days off and make-up working days of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSchedule {
    /// The solar year.
    pub year: i32,
    /// Replace or patch (amendments only; shipped files replace).
    pub mode: AmendMode,
    /// Official or provisional.
    pub status: ScheduleStatus,
    /// The announcement it comes from.
    pub source: Option<String>,
    /// Free note for administrators.
    pub note: Option<String>,
    /// Listed days, sorted by date, one entry per date.
    pub days: Vec<DayEntry>,
}

/// An administrator's amendments: confirmed options and year schedules.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Amendments {
    /// Option ids switched on (e.g. `culture_day`).
    pub confirm: BTreeSet<String>,
    /// Year schedules, applied in order.
    pub years: Vec<YearSchedule>,
}

/// A date written either as a TOML date (`2026-01-01`) or as a string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DateField {
    Toml(toml::value::Datetime),
    Text(String),
}

impl DateField {
    fn parse(&self) -> Option<NaiveDate> {
        match self {
            Self::Toml(dt) => {
                if dt.time.is_some() || dt.offset.is_some() {
                    return None;
                }
                let d = dt.date?;
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            Self::Text(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Toml(dt) => dt.to_string(),
            Self::Text(s) => s.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    date: DateField,
    kind: DayKind,
    label: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default = "yes")]
    confirmed: bool,
    #[serde(default)]
    requires: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    #[serde(default)]
    mode: Option<AmendMode>,
    status: ScheduleStatus,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    days: Vec<RawDay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAmendments {
    #[serde(default)]
    confirm: Vec<String>,
    #[serde(default)]
    year: Vec<RawYear>,
}

pub(crate) fn data_error(origin: &str, detail: impl Into<String>) -> CalendarError {
    CalendarError::HolidayData {
        origin: origin.to_owned(),
        detail: detail.into(),
    }
}

pub(crate) fn syntax_error(origin: &str, text: &str, err: &toml::de::Error) -> CalendarError {
    let line = err
        .span()
        .and_then(|span| text.get(..span.start))
        .map(|before| format!(" (dòng {})", before.matches('\n').count() + 1))
        .unwrap_or_default();
    data_error(
        origin,
        format!(
            "sai cú pháp hoặc sai trường dữ liệu{line}: {}",
            err.message().trim()
        ),
    )
}

impl YearSchedule {
    /// Parses and checks one year's schedule. `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, CalendarError> {
        let raw: RawYear = toml::from_str(text).map_err(|e| syntax_error(origin, text, &e))?;
        Self::from_raw(raw, origin, AmendMode::Replace)
    }

    fn from_raw(
        raw: RawYear,
        origin: &str,
        default_mode: AmendMode,
    ) -> Result<Self, CalendarError> {
        let year = raw.year;
        if !(crate::FIRST_YEAR..=crate::LAST_YEAR).contains(&year) {
            return Err(data_error(
                origin,
                format!("năm {year} nằm ngoài phạm vi hỗ trợ (1900–2199)"),
            ));
        }
        let mut days = Vec::with_capacity(raw.days.len());
        for (i, d) in raw.days.into_iter().enumerate() {
            let n = i + 1;
            let date = d.date.parse().ok_or_else(|| {
                data_error(
                    origin,
                    format!("mục thứ {n}: ngày “{}” không hợp lệ", d.date.describe()),
                )
            })?;
            if date.year() != year {
                return Err(data_error(
                    origin,
                    format!("mục thứ {n}: ngày {date} không thuộc năm {year}"),
                ));
            }
            if d.label.trim().is_empty() {
                return Err(data_error(
                    origin,
                    format!("mục thứ {n} ({date}): thiếu lý do (label)"),
                ));
            }
            days.push(DayEntry {
                date,
                kind: d.kind,
                label: d.label.trim().to_owned(),
                source: d.source,
                confirmed: d.confirmed,
                requires: d.requires,
            });
        }
        days.sort_by_key(|d| d.date);
        if let Some(w) = days
            .windows(2)
            .find(|w| matches!(w, [a, b] if a.date == b.date))
        {
            let date = w.first().map(|d| d.date).unwrap_or_default();
            return Err(data_error(
                origin,
                format!("ngày {date} được khai báo hai lần"),
            ));
        }
        Ok(YearSchedule {
            year,
            mode: raw.mode.unwrap_or(default_mode),
            status: raw.status,
            source: raw.source,
            note: raw.note,
            days,
        })
    }

    /// Checks the entries against the weekly rest days: a make-up working day must be
    /// a rest day, and a compensatory or swapped day off must be a working weekday.
    pub(crate) fn check_against_rest_days(
        &self,
        weekly_rest: &[Weekday],
        origin: &str,
    ) -> Result<(), CalendarError> {
        for d in &self.days {
            let rest = weekly_rest.contains(&d.date.weekday());
            let problem = match d.kind {
                DayKind::MakeupWorkday if !rest => Some("ngày làm bù phải là ngày nghỉ hằng tuần"),
                DayKind::Compensatory | DayKind::SwapOff if rest => {
                    Some("ngày nghỉ bù hoặc hoán đổi không thể rơi vào ngày nghỉ hằng tuần")
                }
                _ => None,
            };
            if let Some(problem) = problem {
                return Err(data_error(
                    origin,
                    format!(
                        "ngày {} ({}): {problem}",
                        d.date,
                        weekday_vi(d.date.weekday())
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Amendments {
    /// Parses an administrator's amendments file.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, CalendarError> {
        let raw: RawAmendments =
            toml::from_str(text).map_err(|e| syntax_error(origin, text, &e))?;
        let mut years = Vec::with_capacity(raw.year.len());
        for y in raw.year {
            years.push(YearSchedule::from_raw(y, origin, AmendMode::Patch)?);
        }
        let confirm = raw
            .confirm
            .into_iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        Ok(Amendments { confirm, years })
    }
}

/// Vietnamese weekday name, e.g. `Thứ Bảy`.
pub fn weekday_vi(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ Nhật",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bare_and_quoted_dates() {
        let s = YearSchedule::from_toml(
            r#"
year = 2027
status = "provisional"
[[days]]
date = 2027-02-05
kind = "holiday"
label = "Tết"
[[days]]
date = "2027-02-04"
kind = "holiday"
label = "Tết"
confirmed = false
"#,
            "t.toml",
        )
        .unwrap();
        assert_eq!(s.days.len(), 2);
        assert_eq!(s.days[0].date, NaiveDate::from_ymd_opt(2027, 2, 4).unwrap());
        assert!(!s.days[0].confirmed);
        assert!(s.days[1].confirmed);
        assert_eq!(s.mode, AmendMode::Replace);
    }

    fn err(text: &str) -> String {
        match YearSchedule::from_toml(text, "x.toml") {
            Err(e @ CalendarError::HolidayData { .. }) => {
                assert_eq!(e.code(), "holiday_data_invalid");
                e.message_vi()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_data_is_a_clear_error() {
        assert!(err("year = 2026\nstatus = \"official\"\n[[days]]\ndate = \"2026-02-30\"\nkind = \"holiday\"\nlabel = \"x\"").contains("2026-02-30"));
        assert!(err("year = 2026\nstatus = \"official\"\n[[days]]\ndate = 2025-01-01\nkind = \"holiday\"\nlabel = \"x\"").contains("không thuộc năm 2026"));
        assert!(err("year = 2026\nstatus = \"official\"\n[[days]]\ndate = 2026-01-01\nkind = \"party\"\nlabel = \"x\"").contains("party"));
        assert!(err("year = 2026\nstatus = \"official\"\nnote = 1").contains("sai cú pháp"));
        assert!(err("year = 2026\nstatus = \"official\"\ncolour = \"x\"").contains("colour"));
        assert!(err("year = 3000\nstatus = \"official\"").contains("3000"));
        assert!(err("year = 2026\nstatus = \"official\"\n[[days]]\ndate = 2026-01-01\nkind = \"holiday\"\nlabel = \"a\"\n[[days]]\ndate = 2026-01-01\nkind = \"holiday\"\nlabel = \"b\"").contains("hai lần"));
        assert!(err("year = 2026\nstatus = \"official\"\n[[days]]\ndate = 2026-01-01\nkind = \"holiday\"\nlabel = \" \"").contains("label"));
        assert!(err("this is not toml").contains("sai cú pháp"));
    }

    #[test]
    fn rest_day_consistency() {
        let s = YearSchedule::from_toml(
            "year = 2026\nstatus = \"official\"\n[[days]]\ndate = 2026-01-12\nkind = \"makeup_workday\"\nlabel = \"x\"",
            "x.toml",
        )
        .unwrap();
        let e = s
            .check_against_rest_days(&[Weekday::Sat, Weekday::Sun], "x.toml")
            .unwrap_err();
        assert!(e.message_vi().contains("làm bù"), "{}", e.message_vi());
    }
}
