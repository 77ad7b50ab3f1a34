//! The astronomical core of the Vietnamese lunar calendar (âm lịch), exactly as
//! `spec/calendar.md` §4 states it (Hồ Ngọc Đức's method): mean new moon with the
//! periodic correction, apparent solar longitude, month 11 and the leap month.
//!
//! These functions are slow (dozens of sines each). [`crate::lunar`] calls them once
//! per month to build a table and answers every query from that table; the
//! per-day [`solar_to_lunar_reference`] exists so tests can prove the table agrees
//! with the spec for every day of the supported range.

use std::f64::consts::PI;

const DEG: f64 = PI / 180.0;

/// Days between the mean new moon number 0 and the epoch used by the spec's `k` formulas.
const K_EPOCH: f64 = 2_415_021.076_998_695;
/// Length of the mean synodic month in days.
pub(crate) const SYNODIC_MONTH: f64 = 29.530_588_853;

/// Julian day (UT, fractional) of the new moon number `k` (k = 0 near 1900-01-01).
pub(crate) fn new_moon_jd(k: i32) -> f64 {
    let k = f64::from(k);
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let mean = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3
        + 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * DEG).sin();
    let m = (359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3) * DEG;
    let mp = (306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3) * DEG;
    let f = (21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3) * DEG;
    let correction = (0.1734 - 0.000_393 * t) * m.sin() + 0.0021 * (2.0 * m).sin()
        - 0.4068 * mp.sin()
        + 0.0161 * (2.0 * mp).sin()
        - 0.0004 * (3.0 * mp).sin()
        + 0.0104 * (2.0 * f).sin()
        - 0.0051 * (m + mp).sin()
        - 0.0074 * (m - mp).sin()
        + 0.0004 * (2.0 * f + m).sin()
        - 0.0004 * (2.0 * f - m).sin()
        - 0.0006 * (2.0 * f + mp).sin()
        + 0.0010 * (2.0 * f - mp).sin()
        + 0.0005 * (2.0 * mp + m).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    mean + correction - delta_t
}

/// Local day (JDN) that contains new moon `k` in time zone `tz` hours east of UTC.
pub(crate) fn new_moon_day(k: i32, tz: f64) -> i32 {
    // The JDN range here is far inside i32, and floor() makes the cast exact.
    #[allow(clippy::cast_possible_truncation)]
    let day = (new_moon_jd(k) + 0.5 + tz / 24.0).floor() as i32;
    day
}

/// Apparent solar longitude in degrees, in [0, 360), at Julian day `jd` (UT).
pub(crate) fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let m = (357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2) * DEG;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let center = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * m.sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * m).sin()
        + 0.000_290 * (3.0 * m).sin();
    (l0 + center).rem_euclid(360.0)
}

/// Which 30° sector (0..=11) the sun is in at local midnight starting day `day`.
pub(crate) fn sun_sector(day: i32, tz: f64) -> i32 {
    #[allow(clippy::cast_possible_truncation)]
    let sector = (sun_longitude(f64::from(day) - 0.5 - tz / 24.0) / 30.0).floor() as i32;
    sector
}

/// `floor(x)` as i32 for the moderate values used here.
fn floor_i32(x: f64) -> i32 {
    #[allow(clippy::cast_possible_truncation)]
    let v = x.floor() as i32;
    v
}

/// JDN of 31 December of `year` (spec §4 JDN formula, integer division rounding down).
pub(crate) fn jdn_dec_31(year: i32) -> i32 {
    jdn_from_gregorian(31, 12, year)
}

/// Julian day number of a Gregorian date by the spec's formula.
pub(crate) fn jdn_from_gregorian(day: i32, month: i32, year: i32) -> i32 {
    let a = (14 - month).div_euclid(12);
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    day + (153 * m + 2).div_euclid(5) + 365 * y + y.div_euclid(4) - y.div_euclid(100)
        + y.div_euclid(400)
        - 32_045
}

/// Start (JDN) of lunar month 11 of solar year `year`: the month holding the winter solstice.
pub(crate) fn month11(year: i32, tz: f64) -> i32 {
    let off = f64::from(jdn_dec_31(year)) - 2_415_021.0;
    let k = floor_i32(off / SYNODIC_MONTH);
    let nm = new_moon_day(k, tz);
    if sun_sector(nm, tz) >= 9 {
        new_moon_day(k - 1, tz)
    } else {
        nm
    }
}

/// Mean new moon number whose local day is `a11` (a month start).
pub(crate) fn k_of_month_start(a11: i32) -> i32 {
    floor_i32(0.5 + (f64::from(a11) - K_EPOCH) / SYNODIC_MONTH)
}

/// For a lunar year that starts at month 11 day `a11` and has 13 months, how many
/// months after month 11 the leap month comes (the first month with no major term).
pub(crate) fn leap_offset(a11: i32, tz: f64) -> i32 {
    let k = k_of_month_start(a11);
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i, tz), tz);
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i, tz), tz);
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// A lunar date as the reference algorithm labels it: (day, month, year, leap).
#[cfg(test)]
pub(crate) type RawLunar = (i32, i32, i32, bool);

/// Solar year (Gregorian) that holds JDN `day`.
pub(crate) fn gregorian_year_of_jdn(day: i32) -> i32 {
    // Inverse JDN (Richards' algorithm), only the year is needed.
    let a = day + 32_044;
    let b = (4 * a + 3).div_euclid(146_097);
    let c = a - (146_097 * b).div_euclid(4);
    let d = (4 * c + 3).div_euclid(1461);
    let e = c - (1461 * d).div_euclid(4);
    let m = (5 * e + 2).div_euclid(153);
    100 * b + d - 4800 + (m / 10)
}

/// Labels a month that starts on `month_start` given the month-11 days around it.
/// This is the second half of the spec's solar → lunar procedure, shared by the
/// table builder and the per-day reference.
pub(crate) fn label_month(
    month_start: i32,
    solar_year: i32,
    month11_of: &mut impl FnMut(i32) -> i32,
    leap_offset_of: &mut impl FnMut(i32) -> i32,
) -> (i32, i32, bool) {
    let mut a11 = month11_of(solar_year);
    let mut b11 = a11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = solar_year;
        a11 = month11_of(solar_year - 1);
    } else {
        lunar_year = solar_year + 1;
        b11 = month11_of(solar_year + 1);
    }
    let diff = (month_start - a11).div_euclid(29);
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_off = leap_offset_of(a11);
        if diff >= leap_off {
            month = diff + 10;
            leap = diff == leap_off;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    (month, lunar_year, leap)
}

/// The spec's solar → lunar conversion for one day, computed from scratch (slow).
#[cfg(test)]
pub(crate) fn solar_to_lunar_reference(day: i32, tz: f64) -> RawLunar {
    // The month start is the new moon day with NM(k) <= day < NM(k+1). The mean-motion
    // estimate of k can be one off when the true new moon strays from the mean one
    // (it happens on 2054-05-07), so walk to the right k instead of trusting it.
    let mut k = floor_i32((f64::from(day) - K_EPOCH) / SYNODIC_MONTH);
    while new_moon_day(k, tz) > day {
        k -= 1;
    }
    while new_moon_day(k + 1, tz) <= day {
        k += 1;
    }
    let month_start = new_moon_day(k, tz);
    let (month, year, leap) = label_month(
        month_start,
        gregorian_year_of_jdn(day),
        &mut |y| month11(y, tz),
        &mut |a11| leap_offset(a11, tz),
    );
    (day - month_start + 1, month, year, leap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jdn_formula_matches_known_days() {
        assert_eq!(jdn_from_gregorian(1, 1, 2000), 2_451_545);
        assert_eq!(jdn_from_gregorian(31, 1, 1900), 2_415_051);
        assert_eq!(gregorian_year_of_jdn(2_451_545), 2000);
        assert_eq!(gregorian_year_of_jdn(2_451_544), 1999);
    }

    #[test]
    fn sun_longitude_near_known_solstice() {
        // Winter solstice 2026-12-21 20:50 UT: longitude crosses 270°.
        let jd = f64::from(jdn_from_gregorian(21, 12, 2026)) - 0.5 + 20.8 / 24.0;
        let l = sun_longitude(jd);
        assert!((l - 270.0).abs() < 0.05, "{l}");
    }
}
