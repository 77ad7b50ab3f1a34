use chrono::{Duration, NaiveDate, NaiveDateTime};
use proptest::prelude::*;

use crate::{d, dt, vn};

/// Day-by-day reference for add_working_days.
fn add_brute(cal: &motcua_calendar::WorkCalendar, mut day: NaiveDate, n: u32) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if cal.is_working_day(day).unwrap() {
            left -= 1;
        }
    }
    day
}

/// Minute-by-minute reference for working minutes between two moments.
fn minutes_brute(
    cal: &motcua_calendar::WorkCalendar,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> i64 {
    let office = cal.office_hours();
    let mut t = from;
    let mut n = 0;
    while t < to {
        let m = office.minutes_before(t.time());
        let next = t + Duration::minutes(1);
        let in_office = cal.is_working_day(t.date()).unwrap()
            && office.minutes_before(next.time()) == m + 1
            && next.date() == t.date();
        if in_office {
            n += 1;
        }
        t = next;
    }
    n
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 2023-01-01 … 2028-12-31: official years, statutory years and year boundaries.
    (0i64..2192).prop_map(|o| d("2023-01-01") + Duration::days(o))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn add_working_days_matches_brute_force(start in any_date(), n in 0u32..400) {
        let cal = vn();
        let fast = cal.add_working_days(start, n).unwrap();
        prop_assert_eq!(fast, add_brute(&cal, start, n));
        prop_assert_eq!(cal.working_days_between(start, fast).unwrap(), i64::from(n));
        if n > 0 {
            prop_assert!(cal.is_working_day(fast).unwrap());
            prop_assert_eq!(cal.working_days_between(fast, start).unwrap(), -i64::from(n));
        }
    }

    #[test]
    fn working_days_between_counts_working_days(a in any_date(), len in 0i64..800) {
        let cal = vn();
        let b = a + Duration::days(len);
        let mut count = 0;
        let mut day = a;
        while day < b {
            day += Duration::days(1);
            if cal.is_working_day(day).unwrap() { count += 1; }
        }
        prop_assert_eq!(cal.working_days_between(a, b).unwrap(), count);
    }

    #[test]
    fn working_minutes_match_brute_force(
        start in any_date(), slot in 0i64..96, minutes in 0u64..(3 * 480)
    ) {
        let cal = vn();
        let from = start.and_hms_opt(0, 0, 0).unwrap() + Duration::minutes(slot * 15);
        let to = cal.add_working_minutes(from, minutes).unwrap();
        prop_assert!(to >= from);
        prop_assert_eq!(minutes_brute(&cal, from, to), minutes as i64);
        prop_assert_eq!(cal.working_minutes_between(from, to).unwrap(), minutes as i64);
        prop_assert_eq!(cal.working_minutes_between(to, from).unwrap(), -(minutes as i64));
    }
}

#[test]
fn next_working_day_over_tet_2026() {
    let cal = vn();
    assert_eq!(
        cal.next_working_day(d("2026-02-13")).unwrap(),
        d("2026-02-23")
    );
    assert_eq!(
        cal.working_day_on_or_after(d("2026-02-14")).unwrap(),
        d("2026-02-23")
    );
    assert_eq!(
        cal.working_day_on_or_after(d("2026-02-23")).unwrap(),
        d("2026-02-23")
    );
    // Make-up Saturday 10/01/2026 is a working day.
    assert_eq!(
        cal.next_working_day(d("2026-01-09")).unwrap(),
        d("2026-01-10")
    );
    assert_eq!(
        cal.add_working_days(d("2026-02-13"), 5).unwrap(),
        d("2026-02-27")
    );
}

#[test]
fn working_hours_skip_lunch_nights_and_holidays() {
    let cal = vn();
    // 8 working hours from Friday 13/02/2026 14:00: 3h that day, Tết, then 4h on the
    // morning of Monday 23/02 and 1h after lunch.
    assert_eq!(
        cal.add_working_minutes(dt("2026-02-13T14:00"), 8 * 60)
            .unwrap(),
        dt("2026-02-23T14:00")
    );
    // Ending exactly at closing time stays on that day.
    assert_eq!(
        cal.add_working_minutes(dt("2026-10-08T07:30"), 480)
            .unwrap(),
        dt("2026-10-08T17:00")
    );
    // From lunch time, counting starts at 13:00.
    assert_eq!(
        cal.add_working_minutes(dt("2026-10-08T12:00"), 60).unwrap(),
        dt("2026-10-08T14:00")
    );
    assert_eq!(
        cal.working_minutes_between(dt("2026-10-08T11:00"), dt("2026-10-08T13:30"))
            .unwrap(),
        60
    );
}

#[test]
fn receipt_cutoff_and_days_off() {
    let cal = vn();
    let cutoff = Some(motcua_calendar::parse_time("15:00").unwrap());
    assert_eq!(
        cal.counting_day(dt("2026-10-09T14:59"), cutoff).unwrap(),
        d("2026-10-09")
    );
    assert_eq!(
        cal.counting_day(dt("2026-10-09T15:00"), cutoff).unwrap(),
        d("2026-10-12")
    );
    assert_eq!(
        cal.counting_day(dt("2026-10-09T16:40"), None).unwrap(),
        d("2026-10-09")
    );
    assert_eq!(
        cal.counting_day(dt("2026-10-09T17:00"), None).unwrap(),
        d("2026-10-12")
    );
    assert_eq!(
        cal.counting_day(dt("2026-10-10T09:00"), None).unwrap(),
        d("2026-10-12")
    );
}
