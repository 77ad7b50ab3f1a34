//! A dossier's deadline, recomputed from its events every time (never stored alone:
//! the `due_at` column is a cache for queue filters, rewritten at every state change).

use chrono::{DateTime, Utc};
use motcua_calendar::deadline::{DeadlineInput, evaluate};
use motcua_calendar::{ClockEvent, DeadlineReport, DeadlineRules, PauseReason, WorkCalendar};
use serde_json::Value;

use crate::command::PauseKind;
use crate::dossier::Dossier;
use crate::error::DomainError;
use crate::status::{ActionKind, Status};
use crate::time::{from_local, to_local};

/// The clock events of a dossier: waits, extension, completion, from its history.
/// Nothing before receipt counts (the limit starts at receipt).
pub fn clock_events(dossier: &Dossier, calendar: &WorkCalendar) -> Vec<ClockEvent> {
    let closing = calendar.office_hours().closing();
    let mut out = Vec::new();
    let mut received = false;
    let mut supplement_open = false;
    let mut completed = false;
    for e in &dossier.events {
        let at = to_local(e.at);
        if !received {
            received = e.to == Status::Received;
            continue;
        }
        match e.action {
            ActionKind::RequestSupplement if !completed => {
                out.push(ClockEvent::Paused {
                    at,
                    reason: PauseReason::Supplement,
                });
                supplement_open = true;
            }
            ActionKind::Supplement if supplement_open && !completed => {
                out.push(ClockEvent::Resumed { at });
                supplement_open = false;
            }
            ActionKind::Pause if !completed => {
                let fee = e.data.get("kind").and_then(Value::as_str) == Some("fee_payment");
                out.push(ClockEvent::Paused {
                    at,
                    reason: if fee {
                        PauseReason::FeePayment
                    } else {
                        PauseReason::Other
                    },
                });
            }
            ActionKind::Resume if !completed => out.push(ClockEvent::Resumed { at }),
            ActionKind::Extend => {
                let new_due = e
                    .data
                    .get("new_due")
                    .and_then(Value::as_str)
                    .and_then(|s| motcua_calendar::parse_date(s).ok());
                if let Some(d) = new_due {
                    out.push(ClockEvent::Extended {
                        at,
                        new_due: d.and_time(closing),
                    });
                }
            }
            _ => {}
        }
        if !completed && e.to.ends_processing() {
            out.push(ClockEvent::Completed { at });
            completed = true;
        }
    }
    out
}

/// The province's rules with the procedure's own cut-off, if it has one.
pub fn rules_for(dossier: &Dossier, base: &DeadlineRules) -> DeadlineRules {
    DeadlineRules {
        cutoff: dossier.cutoff.or(base.cutoff),
        ..base.clone()
    }
}

/// The deadline report as of `now`; `None` before the dossier is received.
pub fn report(
    dossier: &Dossier,
    calendar: &WorkCalendar,
    rules: &DeadlineRules,
    now: DateTime<Utc>,
) -> Result<Option<DeadlineReport>, DomainError> {
    let Some(received_at) = dossier.received_at else {
        return Ok(None);
    };
    let events = clock_events(dossier, calendar);
    let report = evaluate(
        calendar,
        &rules_for(dossier, rules),
        &DeadlineInput {
            received_at: to_local(received_at),
            limit: dossier.time_limit,
            segments: &[],
            events: &events,
        },
        to_local(now),
    )?;
    Ok(Some(report))
}

/// The appointment (ngày hẹn trả) as of the dossier's last event, in UTC: what the
/// `due_at` column caches. While the clock waits it stays where the wait found it.
pub fn appointment(
    dossier: &Dossier,
    calendar: &WorkCalendar,
    rules: &DeadlineRules,
) -> Result<Option<DateTime<Utc>>, DomainError> {
    let as_of = dossier.events.last().map_or(dossier.submitted_at, |e| e.at);
    Ok(report(dossier, calendar, rules, as_of)?.map(|r| from_local(r.appointment)))
}

/// Whether a pause is for a fee payment (portal status 6).
pub fn is_fee_pause(kind: Option<PauseKind>) -> bool {
    kind == Some(PauseKind::FeePayment)
}
