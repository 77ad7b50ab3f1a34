//! Processing time limits (thời hạn giải quyết) as published for each procedure, in
//! the units the national catalog uses (`DonViTinh`): working days, working hours,
//! calendar days, months, or "within the day".

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::CalendarError;

/// A processing time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum TimeLimit {
    /// Trong ngày / ngay: by the end of the (effective) day of receipt.
    Immediately,
    /// N giờ làm việc: working hours, counted during office hours.
    WorkingHours(u32),
    /// N ngày làm việc: working days, counted from the day after receipt.
    WorkingDays(u32),
    /// N ngày: calendar days; an end on a day off moves to the next working day.
    Days(u32),
    /// N tháng: months, ending on the same day of the month (or the month's last day).
    Months(u32),
}

impl TimeLimit {
    /// From the catalog's `unit` and `value` fields (`working_days`, `days`, `hours`,
    /// `months`, `immediately`).
    pub fn from_catalog(unit: &str, value: Option<u32>) -> Result<Self, CalendarError> {
        let bad = || CalendarError::InvalidTimeLimit {
            input: format!("{unit} {}", value.map_or("?".to_owned(), |v| v.to_string())),
        };
        match (unit.trim(), value) {
            ("immediately", _) => Ok(Self::Immediately),
            ("working_days", Some(v)) => Ok(Self::WorkingDays(v)),
            ("hours" | "working_hours", Some(v)) => Ok(Self::WorkingHours(v)),
            ("days", Some(v)) => Ok(Self::Days(v)),
            ("months", Some(v)) => Ok(Self::Months(v)),
            _ => Err(bad()),
        }
    }

    /// The catalog unit name.
    pub fn unit(&self) -> &'static str {
        match self {
            Self::Immediately => "immediately",
            Self::WorkingHours(_) => "working_hours",
            Self::WorkingDays(_) => "working_days",
            Self::Days(_) => "days",
            Self::Months(_) => "months",
        }
    }

    /// Whether the limit is measured to the minute (working hours) rather than by day.
    pub fn is_hour_based(&self) -> bool {
        matches!(self, Self::WorkingHours(_))
    }

    /// The limit in working minutes, for limits measured in working time.
    pub fn working_minutes(&self, minutes_per_day: u32) -> Option<u64> {
        match *self {
            Self::WorkingHours(h) => Some(u64::from(h) * 60),
            Self::WorkingDays(d) => Some(u64::from(d) * u64::from(minutes_per_day)),
            _ => None,
        }
    }
}

impl fmt::Display for TimeLimit {
    /// Vietnamese, as printed on a receipt: `5 ngày làm việc`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Immediately => f.write_str("trong ngày"),
            Self::WorkingHours(n) => write!(f, "{n} giờ làm việc"),
            Self::WorkingDays(n) => write!(f, "{n} ngày làm việc"),
            Self::Days(n) => write!(f, "{n} ngày"),
            Self::Months(n) => write!(f, "{n} tháng"),
        }
    }
}

impl FromStr for TimeLimit {
    type Err = CalendarError;

    /// Accepts Vietnamese (`5 ngày làm việc`, `8 giờ làm việc`, `30 ngày`, `3 tháng`,
    /// `trong ngày`, with or without diacritics) and catalog units (`5 working_days`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::InvalidTimeLimit {
            input: text.to_owned(),
        };
        let folded = fold(text);
        let words: Vec<&str> = folded.split_whitespace().collect();
        match words.as_slice() {
            ["trong", "ngay"] | ["ngay"] | ["immediately"] => return Ok(Self::Immediately),
            _ => {}
        }
        let (number, unit) = words.split_first().ok_or_else(bad)?;
        let n: u32 = number.parse().map_err(|_| bad())?;
        match unit {
            ["ngay", "lam", "viec"] | ["working_days"] | ["working", "days"] => {
                Ok(Self::WorkingDays(n))
            }
            ["gio", "lam", "viec"] | ["working_hours"] | ["working", "hours"] | ["hours"] => {
                Ok(Self::WorkingHours(n))
            }
            ["ngay"] | ["days"] => Ok(Self::Days(n)),
            ["thang"] | ["months"] => Ok(Self::Months(n)),
            _ => Err(bad()),
        }
    }
}

/// Lowercase, without Vietnamese diacritics (enough for the unit words above).
fn fold(text: &str) -> String {
    // NFD input (combining marks) is reduced too, so both normal forms parse.
    text.to_lowercase()
        .chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ'
            | 'ẩ' | 'ẫ' | 'ậ' => 'a',
            'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'ê' | 'ề' | 'ế' | 'ể' | 'ễ' | 'ệ' => {
                'e'
            }
            'ì' | 'í' | 'ỉ' | 'ĩ' | 'ị' => 'i',
            'ò' | 'ó' | 'ỏ' | 'õ' | 'ọ' | 'ô' | 'ồ' | 'ố' | 'ổ' | 'ỗ' | 'ộ' | 'ơ' | 'ờ' | 'ớ'
            | 'ở' | 'ỡ' | 'ợ' => 'o',
            'ù' | 'ú' | 'ủ' | 'ũ' | 'ụ' | 'ư' | 'ừ' | 'ứ' | 'ử' | 'ữ' | 'ự' => {
                'u'
            }
            'ỳ' | 'ý' | 'ỷ' | 'ỹ' | 'ỵ' => 'y',
            'đ' => 'd',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vietnamese_and_catalog_forms() {
        let cases = [
            ("5 ngày làm việc", TimeLimit::WorkingDays(5)),
            ("5 NGÀY LÀM VIỆC", TimeLimit::WorkingDays(5)),
            ("5 ngay lam viec", TimeLimit::WorkingDays(5)),
            ("5 working_days", TimeLimit::WorkingDays(5)),
            ("8 giờ làm việc", TimeLimit::WorkingHours(8)),
            ("30 ngày", TimeLimit::Days(30)),
            ("3 tháng", TimeLimit::Months(3)),
            ("trong ngày", TimeLimit::Immediately),
        ];
        for (text, expected) in cases {
            assert_eq!(text.parse::<TimeLimit>().unwrap(), expected, "{text}");
        }
        for limit in [
            TimeLimit::WorkingDays(5),
            TimeLimit::WorkingHours(8),
            TimeLimit::Days(30),
            TimeLimit::Months(3),
            TimeLimit::Immediately,
        ] {
            assert_eq!(limit.to_string().parse::<TimeLimit>().unwrap(), limit);
        }
        for bad in ["", "năm ngày", "5", "5 tuần", "-1 ngày"] {
            let e = bad.parse::<TimeLimit>().unwrap_err();
            assert_eq!(e.code(), "time_limit_invalid");
        }
    }

    #[test]
    fn from_catalog_units() {
        assert_eq!(
            TimeLimit::from_catalog("working_days", Some(7)).unwrap(),
            TimeLimit::WorkingDays(7)
        );
        assert_eq!(
            TimeLimit::from_catalog("immediately", Some(0)).unwrap(),
            TimeLimit::Immediately
        );
        assert!(TimeLimit::from_catalog("working_days", None).is_err());
        assert!(TimeLimit::from_catalog("fortnights", Some(1)).is_err());
    }
}
