//! What one dossier (or one payment) adds to the statistics.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_calendar::Timeliness;
use serde::{Deserialize, Serialize};

use super::{Counter, Counters};
use crate::catalog::Channel;
use crate::command::Satisfaction;
use crate::dossier::Dossier;
use crate::status::{ActionKind, Status};
use crate::time::to_local;

/// Where a dossier is counted: the agency, unit and officer handling it and its
/// procedure (empty text when there is none, so every key compares equal in SQL).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct StatKey {
    /// Agency code.
    pub agency: String,
    /// Unit code, or empty.
    pub unit: String,
    /// Procedure code.
    pub procedure: String,
    /// Officer's username, or empty.
    pub officer: String,
}

/// How processing ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndKind {
    /// Decided (approved; the result issued or returned).
    Decided,
    /// Refused (form 03).
    Refused,
    /// Stopped (form 05).
    Stopped,
    /// Withdrawn by the applicant.
    Withdrawn,
}

/// What the files of a dossier say, which the dossier itself does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FileFlags {
    /// Papers received as files (filed online or scanned at the counter).
    pub digitised: bool,
    /// A result issued as a file.
    pub e_result: bool,
}

/// The facts about a dossier that statistics count, kept on its row so that the old
/// contribution can be taken away when it changes. Local days throughout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatFacts {
    /// Where it is counted.
    pub key: StatKey,
    /// Channel.
    pub channel: Channel,
    /// Day received (none before receipt, or if refused at the counter's check).
    pub received: Option<NaiveDate>,
    /// The current appointment's day (received dossiers).
    pub due: Option<NaiveDate>,
    /// Day processing ended and how.
    pub end: Option<(NaiveDate, EndKind)>,
    /// Verdict against the legal due time, once ended.
    pub timeliness: Option<Timeliness>,
    /// An apology with a new date was issued.
    pub extended: bool,
    /// Day the result was handed over.
    pub returned: Option<NaiveDate>,
    /// Rating and its day.
    pub rating: Option<(NaiveDate, Satisfaction)>,
    /// Minutes from receipt to end (ended, received dossiers).
    pub spent_minutes: i64,
    /// Minutes from receipt to the appointment.
    pub allowed_minutes: i64,
    /// File facts.
    #[serde(default)]
    pub files: FileFlags,
}

fn day(t: DateTime<Utc>) -> NaiveDate {
    to_local(t).date()
}

fn end_kind(status: Status, events: &[crate::dossier::DossierEvent]) -> EndKind {
    // The first status that ended processing decides (a decided dossier later
    // returned is still decided).
    let first = events
        .iter()
        .find(|e| e.to.ends_processing())
        .map_or(status, |e| e.to);
    match first {
        Status::Refused => EndKind::Refused,
        Status::Stopped => EndKind::Stopped,
        Status::Withdrawn => EndKind::Withdrawn,
        _ => EndKind::Decided,
    }
}

impl StatFacts {
    /// The facts of a dossier as it is now, with what its files say.
    pub fn of(d: &Dossier, files: FileFlags) -> StatFacts {
        let received = d.received_at.map(day);
        let end = d
            .completed_at
            .map(|t| (day(t), end_kind(d.status, &d.events)));
        let minutes = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_minutes().max(0);
        let (spent_minutes, allowed_minutes) = match (d.received_at, d.completed_at, d.due_at) {
            (Some(r), Some(c), Some(due)) => (minutes(r, c), minutes(r, due)),
            _ => (0, 0),
        };
        let returned_online = d.events.iter().any(|e| {
            e.action == ActionKind::ReturnResult
                && e.data.get("method").and_then(serde_json::Value::as_str) == Some("online")
        });
        StatFacts {
            key: StatKey {
                agency: d.handling_agency.clone(),
                unit: d.handling_unit.clone().unwrap_or_default(),
                procedure: d.procedure_code.clone(),
                officer: d.assignee.clone().unwrap_or_default(),
            },
            channel: d.channel,
            received,
            due: received.and(d.due_at.map(day)),
            end,
            timeliness: d.timeliness,
            extended: d.extended,
            returned: d.returned_at.map(day),
            rating: d.rating.as_ref().map(|r| (day(r.at), r.level)),
            spent_minutes,
            allowed_minutes,
            files: FileFlags {
                digitised: files.digitised,
                e_result: files.e_result || returned_online,
            },
        }
    }

    /// The verdict, from the dossier's own when it has one, else by comparing days.
    fn verdict(&self, end: NaiveDate) -> Timeliness {
        self.timeliness.unwrap_or(match self.due {
            Some(due) if end < due => Timeliness::Early,
            Some(due) if end == due => Timeliness::OnTime,
            Some(_) => Timeliness::Late,
            None => Timeliness::OnTime,
        })
    }

    /// What the dossier adds, per day (each day once, in day order).
    pub fn contributions(&self) -> Vec<(NaiveDate, Counters)> {
        let mut out: Vec<(NaiveDate, Counters)> = Vec::new();
        let mut add = |d: NaiveDate, c: Counter| match out.iter_mut().find(|(x, _)| *x == d) {
            Some((_, cs)) => cs.add(c, 1),
            None => {
                let mut cs = Counters::default();
                cs.add(c, 1);
                out.push((d, cs));
            }
        };
        if let Some(r) = self.received {
            add(r, Counter::Received);
            add(
                r,
                match self.channel {
                    Channel::Online => Counter::ReceivedOnline,
                    Channel::Counter => Counter::ReceivedCounter,
                    Channel::Post => Counter::ReceivedPost,
                    Channel::Assisted => Counter::ReceivedAssisted,
                },
            );
            if self.files.digitised {
                add(r, Counter::ReceivedDigitised);
            }
            if let Some(due) = self.due {
                add(due, Counter::Due);
            }
        }
        if let Some((e, kind)) = self.end {
            match kind {
                EndKind::Refused => add(e, Counter::Refused),
                EndKind::Stopped => add(e, Counter::Stopped),
                EndKind::Withdrawn => add(e, Counter::Withdrawn),
                EndKind::Decided => {}
            }
            if self.received.is_some() {
                add(e, Counter::Closed);
                if let Some(due) = self.due {
                    if e <= due {
                        add(due, Counter::EndedByDue);
                    } else {
                        add(e, Counter::EndedAfterDue);
                    }
                }
                if kind != EndKind::Withdrawn {
                    add(e, Counter::Resolved);
                    let v = self.verdict(e);
                    add(
                        e,
                        match v {
                            Timeliness::Early => Counter::Early,
                            Timeliness::OnTime => Counter::OnTime,
                            Timeliness::Late => Counter::Late,
                        },
                    );
                    if v == Timeliness::Late && self.extended {
                        add(e, Counter::LateApology);
                        if self.due.is_some_and(|due| e <= due) {
                            add(e, Counter::LateKept);
                        }
                    }
                    if self.files.e_result && kind == EndKind::Decided {
                        add(e, Counter::EResult);
                    }
                }
            }
        }
        if let Some(r) = self.returned {
            add(r, Counter::Returned);
        }
        if let Some((r, level)) = self.rating {
            add(
                r,
                match level {
                    Satisfaction::VerySatisfied => Counter::RatedVerySatisfied,
                    Satisfaction::Satisfied => Counter::RatedSatisfied,
                    Satisfaction::Dissatisfied => Counter::RatedDissatisfied,
                },
            );
        }
        if let Some((e, kind)) = self.end
            && self.received.is_some()
            && kind != EndKind::Withdrawn
            && let Some(cs) = out.iter_mut().find(|(x, _)| *x == e)
        {
            cs.1.add(Counter::SpentMinutes, self.spent_minutes);
            cs.1.add(Counter::AllowedMinutes, self.allowed_minutes);
        }
        out.sort_by_key(|(d, _)| *d);
        out
    }
}

/// A payment order's facts: paid orders count under the collecting agency, on the
/// day they were paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFacts {
    /// Collecting agency.
    pub agency: String,
    /// The dossier's procedure.
    pub procedure: String,
    /// Day paid, if paid.
    pub paid: Option<NaiveDate>,
    /// Paid without cash.
    pub cashless: bool,
    /// Amount paid, đồng.
    pub amount: i64,
}

impl PaymentFacts {
    /// The key it is counted under.
    pub fn key(&self) -> StatKey {
        StatKey {
            agency: self.agency.clone(),
            procedure: self.procedure.clone(),
            ..StatKey::default()
        }
    }

    /// What the order adds.
    pub fn contributions(&self) -> Vec<(NaiveDate, Counters)> {
        let Some(d) = self.paid else {
            return Vec::new();
        };
        let mut c = Counters::default();
        c.add(Counter::Paid, 1);
        c.add(Counter::PaidCashless, i64::from(self.cashless));
        c.add(Counter::PaidAmount, self.amount);
        vec![(d, c)]
    }
}

/// The change to apply when facts go from `old` to `new`: per key and day, new minus
/// old, leaving out what did not change.
pub fn delta(
    old: Option<(&StatKey, Vec<(NaiveDate, Counters)>)>,
    new: Option<(&StatKey, Vec<(NaiveDate, Counters)>)>,
) -> Vec<(StatKey, NaiveDate, Counters)> {
    let mut out: Vec<(StatKey, NaiveDate, Counters)> = Vec::new();
    let mut put = |k: &StatKey, d: NaiveDate, c: &Counters, sign: i64| {
        let slot = match out.iter_mut().position(|(kk, dd, _)| kk == k && *dd == d) {
            Some(i) => out.get_mut(i),
            None => {
                out.push((k.clone(), d, Counters::default()));
                out.last_mut()
            }
        };
        if let Some((_, _, slot)) = slot {
            if sign > 0 {
                slot.add_all(c);
            } else {
                slot.sub_all(c);
            }
        }
    };
    if let Some((k, cs)) = &old {
        for (d, c) in cs {
            put(k, *d, c, -1);
        }
    }
    if let Some((k, cs)) = &new {
        for (d, c) in cs {
            put(k, *d, c, 1);
        }
    }
    out.retain(|(_, _, c)| !c.is_zero());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts() -> StatFacts {
        StatFacts {
            key: StatKey {
                agency: "A".into(),
                unit: String::new(),
                procedure: "1.001193".into(),
                officer: "cb".into(),
            },
            channel: Channel::Online,
            received: Some(d("2026-10-08")),
            due: Some(d("2026-10-13")),
            end: Some((d("2026-10-14"), EndKind::Decided)),
            timeliness: Some(Timeliness::Late),
            extended: true,
            returned: Some(d("2026-10-15")),
            rating: Some((d("2026-10-16"), Satisfaction::Dissatisfied)),
            spent_minutes: 100,
            allowed_minutes: 80,
            files: FileFlags {
                digitised: true,
                e_result: true,
            },
        }
    }

    #[test]
    fn a_late_decided_dossier_counts_on_each_of_its_days() {
        let c = facts().contributions();
        let days: Vec<NaiveDate> = c.iter().map(|(x, _)| *x).collect();
        assert_eq!(
            days,
            vec![
                d("2026-10-08"),
                d("2026-10-13"),
                d("2026-10-14"),
                d("2026-10-15"),
                d("2026-10-16")
            ]
        );
        let on = |day: &str| c.iter().find(|(x, _)| *x == d(day)).unwrap().1;
        let received = on("2026-10-08");
        assert_eq!(received.get(Counter::Received), 1);
        assert_eq!(received.get(Counter::ReceivedOnline), 1);
        assert_eq!(received.get(Counter::ReceivedDigitised), 1);
        assert_eq!(on("2026-10-13").get(Counter::Due), 1);
        let end = on("2026-10-14");
        for k in [
            Counter::Resolved,
            Counter::Late,
            Counter::LateApology,
            Counter::Closed,
            Counter::EndedAfterDue,
            Counter::EResult,
        ] {
            assert_eq!(end.get(k), 1, "{k:?}");
        }
        // Ended after the new date too? The due day here is the appointment (13th), so
        // the appointment was not kept.
        assert_eq!(end.get(Counter::LateKept), 0);
        assert_eq!(end.get(Counter::SpentMinutes), 100);
        assert_eq!(on("2026-10-15").get(Counter::Returned), 1);
        assert_eq!(on("2026-10-16").get(Counter::RatedDissatisfied), 1);
    }

    #[test]
    fn refused_at_the_check_and_withdrawn_are_not_resolved() {
        let mut f = facts();
        f.received = None;
        f.due = None;
        f.end = Some((d("2026-10-08"), EndKind::Refused));
        f.rating = None;
        f.returned = None;
        let c = f.contributions();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].1.get(Counter::Refused), 1);
        assert_eq!(c[0].1.get(Counter::Resolved), 0);
        assert_eq!(c[0].1.get(Counter::Closed), 0);
        let mut w = facts();
        w.end = Some((d("2026-10-10"), EndKind::Withdrawn));
        let c = w.contributions();
        let end = c.iter().find(|(x, _)| *x == d("2026-10-10")).unwrap().1;
        assert_eq!(end.get(Counter::Withdrawn), 1);
        assert_eq!(end.get(Counter::Closed), 1);
        assert_eq!(end.get(Counter::Resolved), 0);
        // Ended by the due day: counted on the due day.
        let due = c.iter().find(|(x, _)| *x == d("2026-10-13")).unwrap().1;
        assert_eq!(due.get(Counter::EndedByDue), 1);
    }

    #[test]
    fn delta_moves_contributions_between_keys_and_days() {
        let old = facts();
        let mut new = old.clone();
        new.key.officer = "other".into();
        let changes = delta(
            Some((&old.key, old.contributions())),
            Some((&new.key, new.contributions())),
        );
        // Every day leaves the old key and arrives at the new one.
        assert_eq!(changes.len(), 10);
        let sum: i64 = changes
            .iter()
            .map(|(_, _, c)| c.get(Counter::Received))
            .sum();
        assert_eq!(sum, 0);
        assert!(
            delta(
                Some((&old.key, old.contributions())),
                Some((&old.key, old.contributions()))
            )
            .is_empty()
        );
    }
}
