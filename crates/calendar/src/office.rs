//! Office hours (giờ làm việc): the periods of a working day during which time
//! limits expressed in working hours run. Default 07:30–11:30 and 13:00–17:00.

use std::fmt;

use chrono::{NaiveTime, Timelike};

use crate::error::CalendarError;

/// The periods of a working day, sorted and disjoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours {
    /// (start, end) in minutes after midnight.
    periods: Vec<(u32, u32)>,
    minutes_per_day: u32,
}

fn minute_of(t: NaiveTime) -> u32 {
    t.hour() * 60 + t.minute()
}

fn time_of(minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for OfficeHours {
    /// 07:30–11:30 and 13:00–17:00: the usual hours of Vietnamese state agencies.
    fn default() -> Self {
        OfficeHours {
            periods: vec![(450, 690), (780, 1020)],
            minutes_per_day: 480,
        }
    }
}

impl OfficeHours {
    /// Builds office hours from `(start, end)` periods (minute precision).
    pub fn new(periods: &[(NaiveTime, NaiveTime)]) -> Result<Self, CalendarError> {
        let bad = |detail: &str| CalendarError::OfficeHours {
            detail: detail.to_owned(),
        };
        if periods.is_empty() {
            return Err(bad("cần ít nhất một khoảng giờ làm việc"));
        }
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(periods.len());
        for &(start, end) in periods {
            let (s, e) = (minute_of(start), minute_of(end));
            if s >= e {
                return Err(bad("giờ bắt đầu phải trước giờ kết thúc"));
            }
            if out.last().is_some_and(|&(_, prev_end)| s < prev_end) {
                return Err(bad(
                    "các khoảng giờ phải theo thứ tự và không chồng lên nhau",
                ));
            }
            out.push((s, e));
        }
        let minutes_per_day = out.iter().map(|(s, e)| e - s).sum();
        Ok(OfficeHours {
            periods: out,
            minutes_per_day,
        })
    }

    /// Parses `07:30-11:30,13:00-17:00`.
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        let mut periods = Vec::new();
        for part in text.split(',') {
            let (a, b) = part
                .split_once('-')
                .ok_or_else(|| CalendarError::OfficeHours {
                    detail: format!("“{}” không có dạng GG:PP-GG:PP", part.trim()),
                })?;
            periods.push((crate::parse_time(a)?, crate::parse_time(b)?));
        }
        Self::new(&periods)
    }

    /// Working minutes in one working day (480 by default).
    pub fn minutes_per_day(&self) -> u32 {
        self.minutes_per_day
    }

    /// When the office opens.
    pub fn opening(&self) -> NaiveTime {
        time_of(self.periods.first().map_or(0, |p| p.0))
    }

    /// When the office closes: a day-based deadline ends at this time.
    pub fn closing(&self) -> NaiveTime {
        time_of(self.periods.last().map_or(0, |p| p.1))
    }

    /// Working minutes of a working day that have passed at time `t`.
    pub fn minutes_before(&self, t: NaiveTime) -> u32 {
        let m = minute_of(t);
        self.periods.iter().map(|&(s, e)| m.clamp(s, e) - s).sum()
    }

    /// The time of day at which `minutes` working minutes of the day have passed
    /// (1..=minutes_per_day). Ending exactly at a period's end gives that end, so a
    /// full day ends at closing time rather than at the next opening.
    pub fn time_after(&self, minutes: u32) -> NaiveTime {
        let mut left = minutes;
        for &(s, e) in &self.periods {
            let len = e - s;
            if left <= len {
                return time_of(s + left);
            }
            left -= len;
        }
        self.closing()
    }
}

impl fmt::Display for OfficeHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(s, e)) in self.periods.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(
                f,
                "{}-{}",
                time_of(s).format("%H:%M"),
                time_of(e).format("%H:%M")
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn default_hours() {
        let o = OfficeHours::default();
        assert_eq!(o, OfficeHours::parse("07:30-11:30,13:00-17:00").unwrap());
        assert_eq!(o.to_string(), "07:30-11:30,13:00-17:00");
        assert_eq!(o.minutes_per_day(), 480);
        assert_eq!(o.minutes_before(t("07:00")), 0);
        assert_eq!(o.minutes_before(t("12:00")), 240);
        assert_eq!(o.minutes_before(t("14:00")), 300);
        assert_eq!(o.minutes_before(t("18:00")), 480);
        assert_eq!(o.time_after(240), t("11:30"));
        assert_eq!(o.time_after(241), t("13:01"));
        assert_eq!(o.time_after(480), t("17:00"));
    }

    #[test]
    fn bad_hours() {
        for s in [
            "",
            "08:00",
            "11:00-08:00",
            "07:00-12:00,11:00-17:00",
            "25:00-26:00",
        ] {
            assert!(OfficeHours::parse(s).is_err(), "{s}");
        }
    }
}
