//! Statistics (thống kê): the counters every figure of the dashboard, the reports and
//! the index of Decision 766 is computed from, and how they are kept.
//!
//! A dossier contributes fixed amounts to a few days (the day it was received, the day
//! processing ended, its due day…), under its keys (agency, unit, procedure, officer):
//! [`facts::StatFacts::contributions`]. The store keeps the sums per day, month, year
//! and for all time ([`Grain`]) and, at every change of a dossier, adds its new
//! contribution and takes away its old one in the same transaction. Every figure is
//! then a sum over a few rows ([`cover`]), and a stock (dossiers open at an instant) is
//! the all-time sum minus what came after it.

pub mod facts;
pub mod index766;
pub mod measures;
pub mod period;

pub use facts::{EndKind, StatFacts, StatKey};
pub use measures::{Figures, Measure};
pub use period::{Grain, Piece, Plan, cover, plan, since, since_plan};

use serde::{Deserialize, Serialize};

macro_rules! counters {
    ($( $(#[$doc:meta])* $name:ident = $col:literal ),+ $(,)?) => {
        /// One counted quantity; its column in `stat_cells` has the same name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Counter { $( $(#[$doc])* $name ),+ }

        impl Counter {
            /// Every counter, in column order.
            pub const ALL: &'static [Counter] = &[$(Counter::$name),+];

            /// Column (and JSON) name.
            pub fn column(self) -> &'static str {
                match self { $(Counter::$name => $col),+ }
            }
        }
    };
}

counters! {
    /// Received (tiếp nhận), on the day of receipt.
    Received = "received",
    /// Of those, filed online by the applicant.
    ReceivedOnline = "received_online",
    /// Received at a counter.
    ReceivedCounter = "received_counter",
    /// Received by public post.
    ReceivedPost = "received_post",
    /// Filed online with a community digital helper.
    ReceivedAssisted = "received_assisted",
    /// Received with its papers in electronic form (scanned or filed as files).
    ReceivedDigitised = "received_digitised",
    /// Processing ended with a verdict (decided, refused after receipt, stopped), on the
    /// day it ended.
    Resolved = "resolved",
    /// Of those, before the due day.
    Early = "early",
    /// On the due day.
    OnTime = "on_time",
    /// After the due time.
    Late = "late",
    /// Late, with an apology and a new date (form 04).
    LateApology = "late_apology",
    /// Late against the legal due time but by the new date given in the apology.
    LateKept = "late_kept",
    /// Refused (form 03), before or after receipt, on the day of refusal.
    Refused = "refused",
    /// Stopped (form 05).
    Stopped = "stopped",
    /// Withdrawn by the applicant.
    Withdrawn = "withdrawn",
    /// Received dossiers whose processing ended in any way (for the open stock).
    Closed = "closed",
    /// Resolved with an electronic result.
    EResult = "e_result",
    /// Results handed over, on the day of return.
    Returned = "returned",
    /// Minutes from receipt to end, over resolved dossiers.
    SpentMinutes = "spent_minutes",
    /// Minutes from receipt to the due time, over the same dossiers.
    AllowedMinutes = "allowed_minutes",
    /// Ratings "rất hài lòng", on the day of rating.
    RatedVerySatisfied = "rated_very_satisfied",
    /// Ratings "hài lòng".
    RatedSatisfied = "rated_satisfied",
    /// Ratings "không hài lòng".
    RatedDissatisfied = "rated_dissatisfied",
    /// Received dossiers with a due day, on their due day.
    Due = "due",
    /// Of those, ended on or before the due day (on their due day).
    EndedByDue = "ended_by_due",
    /// Ended after their due day (on the day they ended).
    EndedAfterDue = "ended_after_due",
    /// Payment orders paid, on the day paid, under the collecting agency.
    Paid = "paid",
    /// Of those, paid without cash.
    PaidCashless = "paid_cashless",
    /// Amount paid, in đồng.
    PaidAmount = "paid_amount",
}

/// Number of counters.
pub const N: usize = Counter::ALL.len();

/// A value for every counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters(#[serde(with = "counters_serde")] pub [i64; N]);

impl Default for Counters {
    fn default() -> Self {
        Self([0; N])
    }
}

impl Counters {
    /// The value of one counter.
    pub fn get(&self, c: Counter) -> i64 {
        self.0.get(c as usize).copied().unwrap_or(0)
    }

    /// Adds to one counter.
    pub fn add(&mut self, c: Counter, v: i64) {
        if let Some(x) = self.0.get_mut(c as usize) {
            *x += v;
        }
    }

    /// Adds another set of values.
    pub fn add_all(&mut self, other: &Counters) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    /// Subtracts another set of values.
    pub fn sub_all(&mut self, other: &Counters) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a -= b;
        }
    }

    /// `self - other`.
    #[must_use]
    pub fn minus(mut self, other: &Counters) -> Counters {
        self.sub_all(other);
        self
    }

    /// Whether every value is zero.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

mod counters_serde {
    //! Counters as a JSON object keyed by column name.
    use super::{Counter, N};
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer, ser::SerializeMap};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(v: &[i64; N], s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(N))?;
        for (c, x) in Counter::ALL.iter().zip(v) {
            m.serialize_entry(c.column(), x)?;
        }
        m.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[i64; N], D::Error> {
        let m = BTreeMap::<String, i64>::deserialize(d)?;
        let mut out = [0; N];
        for (k, v) in m {
            let c = Counter::ALL
                .iter()
                .find(|c| c.column() == k)
                .ok_or_else(|| D::Error::custom(format!("unknown counter {k}")))?;
            if let Some(x) = out.get_mut(*c as usize) {
                *x = v;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_unique_and_in_order() {
        let mut seen = std::collections::HashSet::new();
        for (i, c) in Counter::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i);
            assert!(seen.insert(c.column()), "{}", c.column());
        }
    }

    #[test]
    fn json_round_trip() {
        let mut c = Counters::default();
        c.add(Counter::Late, 3);
        c.add(Counter::PaidAmount, 25_000);
        let s = serde_json::to_string(&c).unwrap();
        assert!(s.contains("\"late\":3"));
        assert_eq!(serde_json::from_str::<Counters>(&s).unwrap(), c);
    }
}
