//! Vietnam local time. Timestamps are stored in UTC; the rules (working days, office
//! hours, cut-offs) work in local time, UTC+7 all year (no daylight saving).

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

const OFFSET_HOURS: i64 = 7;

/// Local Vietnam time of a UTC instant.
pub fn to_local(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc() + Duration::hours(OFFSET_HOURS)
}

/// UTC instant of a local Vietnam time.
pub fn from_local(t: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&(t - Duration::hours(OFFSET_HOURS)))
}

/// An instant cut to whole microseconds, the precision both databases keep, so what
/// is hashed before storing equals what is read back.
pub fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let local = NaiveDateTime::parse_from_str("2026-02-13 16:00", "%Y-%m-%d %H:%M").unwrap();
        let utc = from_local(local);
        assert_eq!(utc.to_rfc3339(), "2026-02-13T09:00:00+00:00");
        assert_eq!(to_local(utc), local);
    }
}
