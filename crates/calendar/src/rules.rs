//! The statutory rules (Bộ luật Lao động 2019, Điều 111–112) that give a year's days
//! off when no official schedule has been entered for it. They are data too
//! (`data/rules.toml`), so a change in the law is an edit, not a release.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Deserialize;

use crate::error::CalendarError;
use crate::lunar::{LunarDate, lunar_new_year, year_name};
use crate::schedule::{DayEntry, DayKind, data_error, syntax_error};

/// Years a rule is in force, and an option it waits for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Validity {
    #[serde(default)]
    from_year: Option<i32>,
    #[serde(default)]
    until_year: Option<i32>,
    /// Option id an administrator must confirm (e.g. `culture_day`).
    #[serde(default)]
    requires: Option<String>,
}

impl Validity {
    fn applies(&self, year: i32, confirmed: &BTreeSet<String>) -> bool {
        self.from_year.is_none_or(|f| year >= f)
            && self.until_year.is_none_or(|u| year <= u)
            && self.requires.as_ref().is_none_or(|r| confirmed.contains(r))
    }
}

/// A holiday on a fixed solar date.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct SolarRule {
    name: String,
    month: u32,
    day: u32,
    #[serde(flatten)]
    validity: Validity,
    #[serde(default)]
    note: Option<String>,
}

/// A holiday on a fixed lunar date (in a regular, not leap, month).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct LunarRule {
    name: String,
    month: u32,
    day: u32,
    #[serde(flatten)]
    validity: Validity,
}

/// Tết Nguyên Đán: the law gives the number of days, the government places them;
/// the default placement is the last `days_before` days of the old year and the first
/// `days_after` days of the new one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct TetRule {
    name: String,
    days_before: u32,
    days_after: u32,
    #[serde(flatten)]
    validity: Validity,
}

/// An extra day next to a fixed holiday, before or after it depending on the weekday
/// the holiday falls on (Quốc khánh: 2/9 plus 1/9 or 3/9).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdjacentRule {
    name: String,
    month: u32,
    day: u32,
    /// Weekdays of the holiday on which the extra day is the day before.
    before_when: Vec<WeekdayName>,
    #[serde(flatten)]
    validity: Validity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum WeekdayName {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl From<WeekdayName> for Weekday {
    fn from(w: WeekdayName) -> Self {
        match w {
            WeekdayName::Mon => Weekday::Mon,
            WeekdayName::Tue => Weekday::Tue,
            WeekdayName::Wed => Weekday::Wed,
            WeekdayName::Thu => Weekday::Thu,
            WeekdayName::Fri => Weekday::Fri,
            WeekdayName::Sat => Weekday::Sat,
            WeekdayName::Sun => Weekday::Sun,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    weekly_rest: Vec<WeekdayName>,
    compensate_rest_day_holidays: bool,
    #[serde(default)]
    solar: Vec<SolarRule>,
    #[serde(default)]
    lunar: Vec<LunarRule>,
    #[serde(default)]
    tet: Vec<TetRule>,
    #[serde(default)]
    adjacent: Vec<AdjacentRule>,
    #[serde(default)]
    options: Vec<OptionInfo>,
}

/// An entry that waits for an administrator's confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionInfo {
    /// Id used in `confirm = [...]`.
    pub id: String,
    /// What it is and why it waits, in Vietnamese.
    pub description: String,
}

/// The statutory rules for years without an entered schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatutoryRules {
    weekly_rest: Vec<Weekday>,
    compensate: bool,
    solar: Vec<SolarRule>,
    lunar: Vec<LunarRule>,
    tet: Vec<TetRule>,
    adjacent: Vec<AdjacentRule>,
    options: Vec<OptionInfo>,
}

impl StatutoryRules {
    /// Parses and checks a rules file.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, CalendarError> {
        let raw: RawRules = toml::from_str(text).map_err(|e| syntax_error(origin, text, &e))?;
        let weekly_rest: Vec<Weekday> = raw.weekly_rest.iter().map(|&w| w.into()).collect();
        if weekly_rest.len() >= 7 {
            return Err(data_error(origin, "không thể nghỉ cả bảy ngày trong tuần"));
        }
        for r in &raw.solar {
            check_month_day(origin, &r.name, r.month, r.day, 31)?;
        }
        for r in &raw.adjacent {
            check_month_day(origin, &r.name, r.month, r.day, 31)?;
        }
        for r in &raw.lunar {
            check_month_day(origin, &r.name, r.month, r.day, 30)?;
        }
        for r in &raw.tet {
            if r.days_after == 0 || r.days_before + r.days_after > 15 {
                return Err(data_error(
                    origin,
                    format!("“{}”: số ngày nghỉ Tết không hợp lý", r.name),
                ));
            }
        }
        Ok(StatutoryRules {
            weekly_rest,
            compensate: raw.compensate_rest_day_holidays,
            solar: raw.solar,
            lunar: raw.lunar,
            tet: raw.tet,
            adjacent: raw.adjacent,
            options: raw.options,
        })
    }

    /// Weekly rest days of state agencies (Saturday and Sunday).
    pub fn weekly_rest(&self) -> &[Weekday] {
        &self.weekly_rest
    }

    /// Options an administrator may confirm.
    pub fn options(&self) -> &[OptionInfo] {
        &self.options
    }

    /// The days off the rules give for `year`: holidays, then compensatory days.
    pub(crate) fn entries_for(
        &self,
        year: i32,
        confirmed: &BTreeSet<String>,
    ) -> Result<Vec<DayEntry>, CalendarError> {
        let mut holidays: Vec<DayEntry> = Vec::new();
        let mut push = |date: NaiveDate, label: String| {
            if !holidays.iter().any(|h| h.date == date) {
                holidays.push(statutory_entry(date, DayKind::Holiday, label));
            }
        };
        for r in self
            .solar
            .iter()
            .filter(|r| r.validity.applies(year, confirmed))
        {
            if let Some(date) = NaiveDate::from_ymd_opt(year, r.month, r.day) {
                push(date, r.name.clone());
            }
        }
        for r in self
            .adjacent
            .iter()
            .filter(|r| r.validity.applies(year, confirmed))
        {
            if let Some(anchor) = NaiveDate::from_ymd_opt(year, r.month, r.day) {
                let before = r
                    .before_when
                    .iter()
                    .any(|&w| Weekday::from(w) == anchor.weekday());
                let date = if before {
                    anchor - Duration::days(1)
                } else {
                    anchor + Duration::days(1)
                };
                push(date, r.name.clone());
            }
        }
        for r in self
            .lunar
            .iter()
            .filter(|r| r.validity.applies(year, confirmed))
        {
            let date = LunarDate::new(r.day, r.month, year, false)?.to_solar()?;
            push(date, r.name.clone());
        }
        for r in self
            .tet
            .iter()
            .filter(|r| r.validity.applies(year, confirmed))
        {
            let new_year = lunar_new_year(year)?;
            let first = new_year - Duration::days(i64::from(r.days_before));
            let total = i64::from(r.days_before + r.days_after);
            for i in 0..total {
                let date = first + Duration::days(i);
                // Before 1900-01-31 there is no lunar date to name the day by.
                let label = match LunarDate::from_solar(date) {
                    Ok(l) if l.month == 12 => {
                        format!("{} {} ({} tháng Chạp)", r.name, year_name(year), l.day)
                    }
                    Ok(l) => format!("{} {} (mùng {})", r.name, year_name(year), l.day),
                    Err(_) => format!("{} {}", r.name, year_name(year)),
                };
                push(date, label);
            }
        }
        holidays.sort_by_key(|h| h.date);

        if !self.compensate {
            return Ok(holidays);
        }
        // Điều 111(3): a holiday on a weekly rest day gives the next working day off.
        let mut compensatory: Vec<DayEntry> = Vec::new();
        for h in &holidays {
            if !self.weekly_rest.contains(&h.date.weekday()) {
                continue;
            }
            let mut day = h.date;
            loop {
                day += Duration::days(1);
                let taken = self.weekly_rest.contains(&day.weekday())
                    || holidays.iter().any(|x| x.date == day)
                    || compensatory.iter().any(|x| x.date == day);
                if !taken {
                    break;
                }
            }
            compensatory.push(statutory_entry(
                day,
                DayKind::Compensatory,
                format!("Nghỉ bù {}", h.label),
            ));
        }
        holidays.extend(compensatory);
        holidays.sort_by_key(|h| h.date);
        Ok(holidays)
    }
}

fn statutory_entry(date: NaiveDate, kind: DayKind, label: String) -> DayEntry {
    DayEntry {
        date,
        kind,
        label,
        source: Some("Bộ luật Lao động 2019, Điều 111–112 (tính theo quy tắc)".to_owned()),
        confirmed: true,
        requires: None,
    }
}

fn check_month_day(
    origin: &str,
    name: &str,
    month: u32,
    day: u32,
    max_day: u32,
) -> Result<(), CalendarError> {
    if (1..=12).contains(&month) && (1..=max_day).contains(&day) {
        Ok(())
    } else {
        Err(data_error(
            origin,
            format!("“{name}”: ngày {day}/{month} không hợp lệ"),
        ))
    }
}
