//! Periods (kỳ báo cáo) and how a range of days is covered by the stored sums.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// How long the period of a stored sum is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grain {
    /// One day.
    Day,
    /// One calendar month.
    Month,
    /// One calendar year.
    Year,
    /// All time (one row per key).
    All,
}

impl Grain {
    /// Every grain a contribution is added to.
    pub const ALL: [Grain; 4] = [Grain::Day, Grain::Month, Grain::Year, Grain::All];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Day => "D",
            Self::Month => "M",
            Self::Year => "Y",
            Self::All => "T",
        }
    }

    /// The stored period key of the period holding `day`: its first day, ISO; the
    /// all-time key is the same for every day.
    pub fn key(self, day: NaiveDate) -> String {
        match self {
            Self::Day => day.format("%Y-%m-%d").to_string(),
            Self::Month => format!("{:04}-{:02}-01", day.year(), day.month()),
            Self::Year => format!("{:04}-01-01", day.year()),
            Self::All => "0000-01-01".to_owned(),
        }
    }
}

/// A run of stored sums of one grain: those whose period starts in `[from, to)`
/// (unbounded when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Grain.
    pub grain: Grain,
    /// First period key included.
    pub from: Option<NaiveDate>,
    /// First period key excluded.
    pub to: Option<NaiveDate>,
}

impl Piece {
    /// The one period the run is made of, if it is one (then a store can ask for
    /// that period by equality, and read its rows in key order).
    pub fn single(&self) -> Option<NaiveDate> {
        let (from, to) = (self.from?, self.to?);
        let next = match self.grain {
            Grain::Day => from.succ_opt()?,
            Grain::Month => next_month(from),
            Grain::Year => next_year(from),
            Grain::All => return None,
        };
        (next == to && self.grain.key(from) == from.format("%Y-%m-%d").to_string()).then_some(from)
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn next_month(d: NaiveDate) -> NaiveDate {
    first_of_month(d)
        .checked_add_months(Months::new(1))
        .unwrap_or(NaiveDate::MAX)
}

fn next_year(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year() + 1, 1, 1).unwrap_or(NaiveDate::MAX)
}

fn push(out: &mut Vec<Piece>, grain: Grain, from: NaiveDate, to: NaiveDate) {
    if let Some(last) = out.last_mut()
        && last.grain == grain
        && last.to == Some(from)
    {
        last.to = Some(to);
        return;
    }
    out.push(Piece {
        grain,
        from: Some(from),
        to: Some(to),
    });
}

/// The fewest stored sums that add up to the days `[from, to)`: days up to the first
/// whole month, months up to the first whole year, years, then months and days again.
/// At most five runs, so any range costs a handful of index scans.
pub fn cover(from: NaiveDate, to: NaiveDate) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut cur = from;
    while cur < to {
        let (grain, next) = if cur.ordinal() == 1 && next_year(cur) <= to {
            (Grain::Year, next_year(cur))
        } else if cur.day() == 1 && next_month(cur) <= to {
            (Grain::Month, next_month(cur))
        } else {
            (Grain::Day, cur.succ_opt().unwrap_or(NaiveDate::MAX))
        };
        push(&mut out, grain, cur, next);
        cur = next;
    }
    out
}

/// The stored sums that add up to every day from `from` on (for stocks: what is open
/// at `from` is the all-time sum minus what happened from `from` on).
pub fn since(from: NaiveDate) -> Vec<Piece> {
    let month = next_month(from);
    let year = next_year(from);
    let mut out = cover(from, if from.day() == 1 { from } else { month });
    let mid = cover(if from.day() == 1 { from } else { month }, year);
    for p in mid {
        if let (Some(f), Some(t)) = (p.from, p.to) {
            push(&mut out, p.grain, f, t);
        }
    }
    out.push(Piece {
        grain: Grain::Year,
        from: Some(year),
        to: None,
    });
    out
}

/// Sums to add and sums to take away that together give a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Runs to add.
    pub plus: Vec<Piece>,
    /// Runs to take away.
    pub minus: Vec<Piece>,
}

/// How far after today due days still fill the rows: a dossier received today is
/// due within this many days (the longest usual time limits), so rows of later
/// periods hold only the few long procedures.
const DUE_HORIZON_DAYS: i64 = 62;

/// Rough number of rows a run reads, in units of "every key once": a day holds only
/// the keys active that day, a month or year nearly every key; a period after today
/// holds only due days, so it is as full as the part of it within the due horizon.
fn cost(pieces: &[Piece], today: NaiveDate) -> f64 {
    let horizon = today + chrono::Duration::days(DUE_HORIZON_DAYS);
    let mut total = 0.0;
    for p in pieces {
        let Some(from) = p.from else {
            total += 1.0;
            continue;
        };
        // An open run costs what its first period costs.
        let to = p.to.unwrap_or_else(|| match p.grain {
            Grain::Day => from.succ_opt().unwrap_or(NaiveDate::MAX),
            Grain::Month => next_month(from),
            Grain::Year | Grain::All => next_year(from),
        });
        let mut cur = from;
        while cur < to {
            let (next, weight) = match p.grain {
                Grain::Day => (cur.succ_opt().unwrap_or(NaiveDate::MAX), 0.3),
                Grain::Month => (next_month(cur), 1.0),
                Grain::Year | Grain::All => (next_year(cur), 1.0),
            };
            total += if cur <= today {
                weight
            } else {
                // The share of the period's days that can still fall due.
                let len = (next - cur).num_days().max(1);
                let within = (next.min(horizon) - cur).num_days().clamp(0, len);
                #[allow(clippy::cast_precision_loss)] // day counts are small
                let share = within as f64 / len as f64;
                0.02 + weight * share.sqrt()
            };
            cur = next;
        }
    }
    total
}

fn cheapest(candidates: Vec<Plan>, today: NaiveDate) -> Plan {
    let mut best: Option<(f64, Plan)> = None;
    for c in candidates {
        let cost = cost(&c.plus, today) + cost(&c.minus, today);
        if best.as_ref().is_none_or(|(b, _)| cost < *b) {
            best = Some((cost, c));
        }
    }
    best.map_or_else(
        || Plan {
            plus: Vec::new(),
            minus: Vec::new(),
        },
        |(_, p)| p,
    )
}

/// The cheapest way to sum the days `[from, to)`: the runs that cover it, or — for a
/// year or month not yet over, the usual dashboard period — the whole year or month
/// minus its rest (the rest's days, or its month minus the days of it already gone).
pub fn plan(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Plan {
    let mut candidates = vec![Plan {
        plus: cover(from, to),
        minus: Vec::new(),
    }];
    let enclosing = [
        (from.ordinal() == 1, Grain::Year, next_year(from)),
        (from.day() == 1, Grain::Month, next_month(from)),
    ];
    for (aligned, grain, end) in enclosing {
        if !aligned || to >= end || to <= from {
            continue;
        }
        let whole = Piece {
            grain,
            from: Some(from),
            to: Some(end),
        };
        candidates.push(Plan {
            plus: vec![whole.clone()],
            minus: cover(to, end),
        });
        let month_of_to = first_of_month(to);
        if to.day() != 1 && month_of_to > from {
            let mut plus = vec![whole];
            plus.extend(cover(month_of_to, to));
            candidates.push(Plan {
                plus,
                minus: cover(month_of_to, end),
            });
        }
    }
    cheapest(candidates, today)
}

/// The cheapest way to sum every day from `from` on (for stocks: what is open at
/// `from` is the all-time sum minus what happened from `from` on): the runs that
/// cover it, or the same from the start of `from`'s month minus that month's days
/// before `from`.
pub fn since_plan(from: NaiveDate, today: NaiveDate) -> Plan {
    let mut candidates = vec![Plan {
        plus: since(from),
        minus: Vec::new(),
    }];
    let month = first_of_month(from);
    if month < from {
        candidates.push(Plan {
            plus: since(month),
            minus: cover(month, from),
        });
    }
    cheapest(candidates, today)
}

/// A reporting period: a day, month, quarter or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    /// One day.
    Day(NaiveDate),
    /// Year and month.
    Month(i32, u32),
    /// Year and quarter (1–4).
    Quarter(i32, u32),
    /// Year.
    Year(i32),
}

impl Period {
    /// Parses `2026`, `2026-Q3`, `2026-11` or `2026-11-05`.
    pub fn parse(s: &str) -> Result<Period, DomainError> {
        let bad = || {
            DomainError::invalid(
                "period",
                "kỳ báo cáo phải có dạng NNNN, NNNN-QK, NNNN-TT hoặc NNNN-TT-NN",
                "period must look like 2026, 2026-Q3, 2026-11 or 2026-11-05",
            )
        };
        let s = s.trim();
        let year = |y: &str| {
            y.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(bad)
        };
        match s.split('-').collect::<Vec<_>>().as_slice() {
            [y] => Ok(Period::Year(year(y)?)),
            [y, q] if q.starts_with(['Q', 'q']) => {
                let q: u32 = q[1..].parse().map_err(|_| bad())?;
                if (1..=4).contains(&q) {
                    Ok(Period::Quarter(year(y)?, q))
                } else {
                    Err(bad())
                }
            }
            [y, m] => {
                let m: u32 = m.parse().map_err(|_| bad())?;
                NaiveDate::from_ymd_opt(year(y)?, m, 1).ok_or_else(bad)?;
                Ok(Period::Month(year(y)?, m))
            }
            [_, _, _] => {
                let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?;
                year(&d.year().to_string())?;
                Ok(Period::Day(d))
            }
            _ => Err(bad()),
        }
    }

    /// The period's days, `[from, to)`.
    pub fn range(self) -> (NaiveDate, NaiveDate) {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
        match self {
            Self::Day(d) => (d, d.succ_opt().unwrap_or(d)),
            Self::Month(y, m) => {
                let f = ymd(y, m, 1);
                (f, next_month(f))
            }
            Self::Quarter(y, q) => {
                let f = ymd(y, (q - 1) * 3 + 1, 1);
                (f, f.checked_add_months(Months::new(3)).unwrap_or(f))
            }
            Self::Year(y) => (ymd(y, 1, 1), ymd(y + 1, 1, 1)),
        }
    }

    /// The period before this one, of the same length.
    pub fn previous(self) -> Period {
        match self {
            Self::Day(d) => Self::Day(d.pred_opt().unwrap_or(d)),
            Self::Month(y, 1) => Self::Month(y - 1, 12),
            Self::Month(y, m) => Self::Month(y, m - 1),
            Self::Quarter(y, 1) => Self::Quarter(y - 1, 4),
            Self::Quarter(y, q) => Self::Quarter(y, q - 1),
            Self::Year(y) => Self::Year(y - 1),
        }
    }

    /// The same period a year earlier (to compare year on year).
    pub fn year_before(self) -> Period {
        match self {
            Self::Day(d) => Self::Day(d.checked_sub_months(Months::new(12)).unwrap_or(d)),
            Self::Month(y, m) => Self::Month(y - 1, m),
            Self::Quarter(y, q) => Self::Quarter(y - 1, q),
            Self::Year(y) => Self::Year(y - 1),
        }
    }

    /// Canonical text, as parsed.
    pub fn code(self) -> String {
        match self {
            Self::Day(d) => d.format("%Y-%m-%d").to_string(),
            Self::Month(y, m) => format!("{y:04}-{m:02}"),
            Self::Quarter(y, q) => format!("{y:04}-Q{q}"),
            Self::Year(y) => format!("{y:04}"),
        }
    }

    /// Vietnamese name, as in a report title.
    pub fn label_vi(self) -> String {
        match self {
            Self::Day(d) => format!("Ngày {}", d.format("%d/%m/%Y")),
            Self::Month(y, m) => format!("Tháng {m:02}/{y}"),
            Self::Quarter(y, q) => {
                let roman = match q {
                    1 => "I",
                    2 => "II",
                    3 => "III",
                    _ => "IV",
                };
                format!("Quý {roman}/{y}")
            }
            Self::Year(y) => format!("Năm {y}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn days_of(p: &[Piece]) -> Vec<NaiveDate> {
        // Expands pieces back to days, to check they tile the range exactly once.
        let mut out = Vec::new();
        for piece in p {
            let (f, t) = (piece.from.unwrap(), piece.to.unwrap());
            let mut cur = f;
            while cur < t {
                let next = match piece.grain {
                    Grain::Day => cur.succ_opt().unwrap(),
                    Grain::Month => next_month(cur),
                    Grain::Year => next_year(cur),
                    Grain::All => unreachable!(),
                };
                let mut x = cur;
                while x < next {
                    out.push(x);
                    x = x.succ_opt().unwrap();
                }
                cur = next;
            }
        }
        out
    }

    #[test]
    fn cover_uses_whole_years_and_months() {
        let p = cover(d("2025-11-20"), d("2027-02-03"));
        let grains: Vec<_> = p.iter().map(|x| x.grain).collect();
        assert_eq!(
            grains,
            vec![
                Grain::Day,
                Grain::Month,
                Grain::Year,
                Grain::Month,
                Grain::Day
            ]
        );
        assert_eq!(p[0].from, Some(d("2025-11-20")));
        assert_eq!(p[0].to, Some(d("2025-12-01")));
        assert_eq!(p[1].to, Some(d("2026-01-01")));
        assert_eq!(p[2].to, Some(d("2027-01-01")));
        assert_eq!(p[3].to, Some(d("2027-02-01")));
        assert_eq!(p[4].to, Some(d("2027-02-03")));
        let days = days_of(&p);
        assert_eq!(days.len(), 440);
        assert_eq!(days.first(), Some(&d("2025-11-20")));
        assert_eq!(days.last(), Some(&d("2027-02-02")));
    }

    #[test]
    fn cover_tiles_every_range_once() {
        let start = d("2024-12-25");
        for a in 0..70 {
            for len in [0, 1, 7, 31, 40, 365, 400] {
                let from = start + chrono::Duration::days(a * 5);
                let to = from + chrono::Duration::days(len);
                let days = days_of(&cover(from, to));
                assert_eq!(days.len() as i64, len, "{from} {to}");
                for w in days.windows(2) {
                    assert_eq!(w[0].succ_opt().unwrap(), w[1]);
                }
            }
        }
    }

    #[test]
    fn plans_read_few_rows_and_add_up_to_the_range() {
        // A past year is its one row per key.
        let p = plan(d("2025-01-01"), d("2026-01-01"), d("2026-12-02"));
        assert_eq!((p.plus.len(), p.plus[0].grain), (1, Grain::Year), "{p:?}");
        assert!(p.minus.is_empty());
        // A past half year is summed directly.
        let p = plan(d("2025-01-01"), d("2025-07-01"), d("2026-12-02"));
        assert!(p.minus.is_empty());
        assert_eq!(p.plus[0].grain, Grain::Month);
        // This month so far.
        let p = plan(d("2026-12-01"), d("2026-12-20"), d("2026-12-19"));
        assert_eq!((p.plus[0].grain, p.minus.len()), (Grain::Month, 1));
        // Its first two days: two day rows are cheaper than a month.
        let p = plan(d("2026-12-01"), d("2026-12-03"), d("2026-12-02"));
        assert_eq!((p.plus[0].grain, p.minus.len()), (Grain::Day, 0));
        // Whatever the plan, plus minus minus is the range, day for day.
        for today in ["2026-06-01", "2026-03-10", "2026-12-20", "2025-01-01"] {
            for (f, t) in [
                ("2026-01-01", "2026-06-15"),
                ("2026-03-01", "2026-03-20"),
                ("2026-01-01", "2026-12-31"),
                ("2026-01-01", "2026-12-21"),
                ("2026-12-01", "2026-12-21"),
            ] {
                let p = plan(d(f), d(t), d(today));
                assert_eq!(net_days(&p), days_of(&cover(d(f), d(t))), "{f} {t} {today}");
            }
        }
    }

    /// The days a plan adds up to, each once, in order (an open run is cut at 2100).
    fn net_days(p: &Plan) -> Vec<NaiveDate> {
        let close = |v: &[Piece]| -> Vec<Piece> {
            v.iter()
                .map(|x| Piece {
                    to: x.to.or(Some(d("2100-01-01"))),
                    ..x.clone()
                })
                .collect()
        };
        let mut count: BTreeMap<NaiveDate, i64> = BTreeMap::new();
        for x in days_of(&close(&p.plus)) {
            *count.entry(x).or_default() += 1;
        }
        for x in days_of(&close(&p.minus)) {
            *count.entry(x).or_default() -= 1;
        }
        assert!(count.values().all(|n| *n == 0 || *n == 1), "{p:?}");
        count
            .into_iter()
            .filter(|(_, n)| *n == 1)
            .map(|(x, _)| x)
            .collect()
    }

    #[test]
    fn a_year_so_far_reads_the_year_minus_this_month_plus_its_days() {
        // 3 December: the year, minus December, plus 1–3 December (the rest of
        // December is full of due days, so its days are not the cheap way).
        let p = plan(d("2026-01-01"), d("2026-12-04"), d("2026-12-03"));
        let grains: Vec<_> = p.plus.iter().map(|x| x.grain).collect();
        assert_eq!(grains, vec![Grain::Year, Grain::Day], "{p:?}");
        assert_eq!(p.minus.len(), 1);
        assert_eq!(p.minus[0].grain, Grain::Month);
        // Stocks after 4 December: December minus its first three days, then the
        // years after.
        let s = since_plan(d("2026-12-04"), d("2026-12-03"));
        assert_eq!(s.plus[0].grain, Grain::Month, "{s:?}");
        assert_eq!(s.minus.len(), 1);
        assert_eq!(net_days(&s).first(), Some(&d("2026-12-04")));
        // Long after today, the future days are nearly empty and read directly.
        let s = since_plan(d("2027-06-20"), d("2026-12-03"));
        assert!(s.minus.is_empty(), "{s:?}");
        for (from, today) in [("2026-11-15", "2026-11-20"), ("2026-01-01", "2026-06-01")] {
            let s = since_plan(d(from), d(today));
            let days = net_days(&s);
            assert_eq!(days.first(), Some(&d(from)));
            assert_eq!(days.last(), Some(&d("2099-12-31")));
            assert_eq!(days.len() as i64, (d("2100-01-01") - d(from)).num_days());
        }
    }

    #[test]
    fn a_run_of_one_period_says_so() {
        let one = |grain, f: &str, t: &str| {
            Piece {
                grain,
                from: Some(d(f)),
                to: Some(d(t)),
            }
            .single()
        };
        assert_eq!(
            one(Grain::Day, "2026-12-03", "2026-12-04"),
            Some(d("2026-12-03"))
        );
        assert_eq!(one(Grain::Day, "2026-12-03", "2026-12-05"), None);
        assert_eq!(
            one(Grain::Month, "2026-12-01", "2027-01-01"),
            Some(d("2026-12-01"))
        );
        assert_eq!(
            one(Grain::Year, "2026-01-01", "2027-01-01"),
            Some(d("2026-01-01"))
        );
        assert_eq!(one(Grain::Year, "2026-01-01", "2028-01-01"), None);
    }

    #[test]
    fn since_ends_with_open_years() {
        let p = since(d("2026-11-15"));
        assert_eq!(p[0].grain, Grain::Day);
        assert_eq!(p[0].to, Some(d("2026-12-01")));
        assert_eq!(p[1].grain, Grain::Month);
        assert_eq!(p[1].to, Some(d("2027-01-01")));
        assert_eq!(p.last().unwrap().to, None);
        let p = since(d("2026-01-01"));
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].grain, Grain::Year);
        assert_eq!(p[1].from, Some(d("2027-01-01")));
    }

    #[test]
    fn periods_parse_and_name() {
        assert_eq!(
            Period::parse("2026-Q3").unwrap().range(),
            (d("2026-07-01"), d("2026-10-01"))
        );
        assert_eq!(
            Period::parse("2026-11").unwrap().label_vi(),
            "Tháng 11/2026"
        );
        assert_eq!(Period::parse("2026-Q4").unwrap().label_vi(), "Quý IV/2026");
        assert_eq!(Period::parse("2026").unwrap().previous().code(), "2025");
        assert_eq!(
            Period::parse("2026-01").unwrap().previous().code(),
            "2025-12"
        );
        assert_eq!(
            Period::parse("2026-11-05").unwrap().range().1,
            d("2026-11-06")
        );
        for bad in ["", "26", "2026-13", "2026-Q5", "2026-02-30", "x"] {
            assert_eq!(
                Period::parse(bad).unwrap_err().code(),
                "field_invalid",
                "{bad}"
            );
        }
    }
}
