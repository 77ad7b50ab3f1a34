//! Errors of the calendar crate. Each has a stable snake_case code, a Vietnamese
//! message for people, and an English `Display` for logs.

use chrono::NaiveDate;

/// What is wrong with a lunar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LunarProblem {
    /// Day outside 1..=30.
    DayOutOfRange,
    /// Month outside 1..=12.
    MonthOutOfRange,
    /// The leap flag is set but that month is not the year's leap month.
    NotALeapMonth,
    /// Day 30 asked of a month that has only 29 days.
    ShortMonth {
        /// Days in that month.
        length: u32,
    },
    /// The lunar year is outside the supported range 1900–2199.
    YearOutOfRange,
}

impl LunarProblem {
    fn vi(self) -> String {
        match self {
            Self::DayOutOfRange => "ngày âm lịch phải từ 1 đến 30".to_owned(),
            Self::MonthOutOfRange => "tháng âm lịch phải từ 1 đến 12".to_owned(),
            Self::NotALeapMonth => "tháng này không phải tháng nhuận của năm đó".to_owned(),
            Self::ShortMonth { length } => format!("tháng này chỉ có {length} ngày"),
            Self::YearOutOfRange => "năm nằm ngoài phạm vi hỗ trợ (1900–2199)".to_owned(),
        }
    }

    fn en(self) -> String {
        match self {
            Self::DayOutOfRange => "lunar day must be 1 to 30".to_owned(),
            Self::MonthOutOfRange => "lunar month must be 1 to 12".to_owned(),
            Self::NotALeapMonth => "that month is not the year's leap month".to_owned(),
            Self::ShortMonth { length } => format!("that month has only {length} days"),
            Self::YearOutOfRange => "year outside the supported range 1900-2199".to_owned(),
        }
    }
}

/// An error of the calendar: bad input or bad data, never a bug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// Text that is not a valid `YYYY-MM-DD` date (e.g. `2026-02-30`).
    #[error("invalid date: {input:?} (expected YYYY-MM-DD)")]
    InvalidDate {
        /// What was given.
        input: String,
    },
    /// Text that is not a valid local date-time.
    #[error("invalid date-time: {input:?} (expected YYYY-MM-DDTHH:MM)")]
    InvalidDateTime {
        /// What was given.
        input: String,
    },
    /// Text that is not a valid time of day.
    #[error("invalid time of day: {input:?} (expected HH:MM)")]
    InvalidTime {
        /// What was given.
        input: String,
    },
    /// A solar date outside 1900-01-31 … 2199-12-31.
    #[error("date {date} is outside the supported range 1900-01-31 to 2199-12-31")]
    OutOfRange {
        /// The date asked for.
        date: NaiveDate,
    },
    /// A year outside 1900 … 2199.
    #[error("year {year} is outside the supported range 1900-2199")]
    YearOutOfRange {
        /// The year asked for.
        year: i32,
    },
    /// A lunar date that does not exist.
    #[error("invalid lunar date {day}/{month}/{year}{}: {}", if *leap { " (leap)" } else { "" }, problem.en())]
    InvalidLunarDate {
        /// Day as given.
        day: u32,
        /// Month as given.
        month: u32,
        /// Year as given.
        year: i32,
        /// Leap flag as given.
        leap: bool,
        /// Why it does not exist.
        problem: LunarProblem,
    },
    /// A holiday schedule or rules file that cannot be used.
    #[error("holiday data {origin}: {detail}")]
    HolidayData {
        /// File name or other origin of the data.
        origin: String,
        /// What is wrong, in Vietnamese (it is shown to the administrator who wrote it).
        detail: String,
    },
    /// Office hours that are empty, unordered or overlapping.
    #[error("invalid office hours: {detail}")]
    OfficeHours {
        /// What is wrong, in Vietnamese.
        detail: String,
    },
    /// A processing time limit that cannot be understood.
    #[error("invalid time limit: {input:?}")]
    InvalidTimeLimit {
        /// What was given.
        input: String,
    },
}

impl CalendarError {
    /// Stable snake_case code; tests, the API and translations key on it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidDate { .. } => "invalid_date",
            Self::InvalidDateTime { .. } => "invalid_datetime",
            Self::InvalidTime { .. } => "invalid_time",
            Self::OutOfRange { .. } => "date_out_of_range",
            Self::YearOutOfRange { .. } => "year_out_of_range",
            Self::InvalidLunarDate { .. } => "invalid_lunar_date",
            Self::HolidayData { .. } => "holiday_data_invalid",
            Self::OfficeHours { .. } => "office_hours_invalid",
            Self::InvalidTimeLimit { .. } => "time_limit_invalid",
        }
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::InvalidDate { input } => {
                format!("Ngày không hợp lệ: “{input}” (cần dạng NNNN-TT-NN, ví dụ 2026-02-17)")
            }
            Self::InvalidDateTime { input } => format!(
                "Thời điểm không hợp lệ: “{input}” (cần dạng NNNN-TT-NNTGG:PP, ví dụ 2026-02-13T16:00)"
            ),
            Self::InvalidTime { input } => {
                format!("Giờ không hợp lệ: “{input}” (cần dạng GG:PP, ví dụ 15:00)")
            }
            Self::OutOfRange { date } => {
                format!("Ngày {date} nằm ngoài phạm vi hỗ trợ (từ 31/01/1900 đến 31/12/2199)")
            }
            Self::YearOutOfRange { year } => {
                format!("Năm {year} nằm ngoài phạm vi hỗ trợ (1900–2199)")
            }
            Self::InvalidLunarDate {
                day,
                month,
                year,
                leap,
                problem,
            } => format!(
                "Ngày âm lịch {day}/{month}/{year}{} không tồn tại: {}",
                if *leap { " nhuận" } else { "" },
                problem.vi()
            ),
            Self::HolidayData { origin, detail } => {
                format!("Dữ liệu ngày nghỉ “{origin}” không dùng được: {detail}")
            }
            Self::OfficeHours { detail } => format!("Giờ làm việc không hợp lệ: {detail}"),
            Self::InvalidTimeLimit { input } => format!(
                "Thời hạn giải quyết không hợp lệ: “{input}” (ví dụ: “5 ngày làm việc”, “8 giờ làm việc”, “30 ngày”, “trong ngày”)"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_snake_case() {
        let samples = [
            CalendarError::InvalidDate { input: "x".into() },
            CalendarError::InvalidDateTime { input: "x".into() },
            CalendarError::InvalidTime { input: "x".into() },
            CalendarError::OutOfRange {
                date: NaiveDate::MIN,
            },
            CalendarError::YearOutOfRange { year: 1 },
            CalendarError::InvalidLunarDate {
                day: 31,
                month: 1,
                year: 2026,
                leap: false,
                problem: LunarProblem::DayOutOfRange,
            },
            CalendarError::HolidayData {
                origin: "x".into(),
                detail: "y".into(),
            },
            CalendarError::OfficeHours { detail: "y".into() },
            CalendarError::InvalidTimeLimit { input: "x".into() },
        ];
        let mut codes: Vec<_> = samples.iter().map(CalendarError::code).collect();
        for c in &codes {
            assert!(
                c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{c}"
            );
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), samples.len());
        for e in &samples {
            assert!(!e.message_vi().is_empty());
        }
    }
}
