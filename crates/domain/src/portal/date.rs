//! The portal's date format (định dạng ngày của Cổng DVCQG): `yyyyMMddHHmmss` as a
//! string, in Vietnam local time (UTC+7 all year, no daylight saving). We keep
//! instants in UTC; this module is the only place that turns one into the other, so
//! the portal copy and ours never disagree by seven hours.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::time::{from_local, to_local};

/// The chrono pattern of `yyyyMMddHHmmss`.
pub const FORMAT: &str = "%Y%m%d%H%M%S";

/// Length of a well-formed portal date.
pub const LEN: usize = 14;

/// A portal date that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalDateError {
    /// Not 14 digits (`yyyyMMddHHmmss`).
    #[error("{input:?} is not a portal date (yyyyMMddHHmmss)")]
    Malformed {
        /// What was given.
        input: String,
    },
    /// 14 digits that name no moment (month 13, 30 February, hour 25…).
    #[error("{input:?} is not a real date and time")]
    OutOfRange {
        /// What was given.
        input: String,
    },
}

impl PortalDateError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "portal_date_malformed",
            Self::OutOfRange { .. } => "portal_date_out_of_range",
        }
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Malformed { input } => format!(
                "“{input}” không đúng định dạng ngày của Cổng DVCQG (yyyyMMddHHmmss, 14 chữ số)"
            ),
            Self::OutOfRange { input } => {
                format!("“{input}” không phải ngày giờ có thật")
            }
        }
    }
}

/// An instant as the portal writes it (Vietnam local time). Sub-second precision is
/// dropped: the portal keeps whole seconds.
pub fn format(t: DateTime<Utc>) -> String {
    to_local(t).format(FORMAT).to_string()
}

/// [`format`] of an optional instant.
pub fn format_opt(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(format)
}

/// Reads a portal date. Strict: exactly 14 ASCII digits (chrono alone would accept
/// `2026108` padded oddly or a 5-digit year), then a real calendar moment.
pub fn parse(input: &str) -> Result<DateTime<Utc>, PortalDateError> {
    if input.len() != LEN || !input.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PortalDateError::Malformed {
            input: input.to_owned(),
        });
    }
    NaiveDateTime::parse_from_str(input, FORMAT)
        .map(from_local)
        .map_err(|_| PortalDateError::OutOfRange {
            input: input.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_round_trip() {
        let t = parse("20261008163000").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-10-08T09:30:00+00:00");
        assert_eq!(format(t), "20261008163000");
    }

    #[test]
    fn the_day_changes_at_local_midnight() {
        // 17:30 UTC is 00:30 the next day in Vietnam.
        let t = DateTime::parse_from_rfc3339("2026-12-31T17:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format(t), "20270101003000");
        assert_eq!(parse("20270101003000").unwrap(), t);
    }

    #[test]
    fn sub_seconds_are_dropped() {
        let t = DateTime::parse_from_rfc3339("2026-10-08T02:00:00.987654Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format(t), "20261008090000");
    }

    #[test]
    fn malformed_and_impossible_dates_are_refused_with_a_code() {
        for bad in [
            "",
            "2026-10-08",
            "2026100816300",
            "202610081630000",
            "2026100816300x",
            " 20261008163000",
            "２０２６１００８１６３０００",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.code(), "portal_date_malformed", "{bad:?}");
        }
        for bad in ["20261308163000", "20260230120000", "20261008250000"] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.code(), "portal_date_out_of_range", "{bad:?}");
            assert!(e.message_vi().contains(bad));
        }
    }

    #[test]
    fn optional_dates() {
        assert_eq!(format_opt(None), None);
        let t = parse("20260101000000").unwrap();
        assert_eq!(format_opt(Some(t)).as_deref(), Some("20260101000000"));
    }
}
