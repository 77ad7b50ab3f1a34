//! Deadline rules (hạn giải quyết): from the moment a dossier was received, its time
//! limit and what happened to it since (pauses for a supplement or a fee, an extension
//! with apology, hand-overs between agencies, completion), compute the legal due time,
//! the appointment given to the applicant, the time remaining and the verdict
//! Early / OnTime / Late.
//!
//! Nothing here is stored: the report is recomputed from the events every time, so a
//! corrected holiday schedule or event corrects every deadline that depends on it.
//!
//! Rules the law leaves open are parameters ([`DeadlineRules`]): whether waiting for a
//! supplement pauses the clock (the Decision 766 method) or restarts it, whether
//! waiting for a fee counts, and the receipt cut-off hour.

use chrono::{Duration, Months, NaiveDate, NaiveDateTime, NaiveTime};

use crate::error::CalendarError;
use crate::limit::TimeLimit;
use crate::workcal::WorkCalendar;

/// Why the clock is waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PauseReason {
    /// Yêu cầu bổ sung, hoàn thiện hồ sơ: waiting for the applicant's supplement.
    Supplement,
    /// Chờ thực hiện nghĩa vụ tài chính: waiting for a fee or tax to be paid.
    FeePayment,
    /// Tạm dừng for another lawful reason.
    Other,
}

/// What a wait does to the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockRule {
    /// The waiting time is excluded: the due time moves by its length (766 method).
    Pause,
    /// The whole limit starts again when the wait ends.
    Restart,
    /// The wait is counted like any other time.
    KeepRunning,
}

/// Parameters the law leaves to each province (spec/one-stop.md §3, "unconfirmed").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineRules {
    /// Effect of waiting for a supplement. Default: pause.
    pub supplement: ClockRule,
    /// Effect of waiting for a fee payment. Default: pause.
    pub fee_payment: ClockRule,
    /// Effect of other pauses. Default: pause.
    pub other: ClockRule,
    /// Receipt cut-off: received at or after it, counting starts on the next working
    /// day. `None` means closing time.
    pub cutoff: Option<NaiveTime>,
    /// Working days before the legal due date by which an apology must be sent.
    pub apology_notice_days: u32,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            supplement: ClockRule::Pause,
            fee_payment: ClockRule::Pause,
            other: ClockRule::Pause,
            cutoff: None,
            apology_notice_days: 1,
        }
    }
}

impl DeadlineRules {
    fn rule_for(&self, reason: PauseReason) -> ClockRule {
        match reason {
            PauseReason::Supplement => self.supplement,
            PauseReason::FeePayment => self.fee_payment,
            PauseReason::Other => self.other,
        }
    }
}

/// One agency's share of the limit in an inter-agency (liên thông) dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Agency (or unit) code that acts during this share.
    pub agency: String,
    /// Its share, in working days or working hours.
    pub share: TimeLimit,
}

/// Something that happened to a dossier and matters to its clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockEvent {
    /// The clock starts waiting.
    Paused {
        /// When.
        at: NaiveDateTime,
        /// Why.
        reason: PauseReason,
    },
    /// The wait ends (supplement received, fee paid…).
    Resumed {
        /// When.
        at: NaiveDateTime,
    },
    /// Gia hạn: an apology (form 04) with a new appointment, allowed once.
    Extended {
        /// When the apology was issued.
        at: NaiveDateTime,
        /// The new appointment.
        new_due: NaiveDateTime,
    },
    /// The dossier passes to the next agency of the inter-agency plan.
    HandedOver {
        /// When.
        at: NaiveDateTime,
    },
    /// Processing ended: decided, returned, refused or stopped.
    Completed {
        /// When.
        at: NaiveDateTime,
    },
}

impl ClockEvent {
    /// When it happened.
    pub fn at(&self) -> NaiveDateTime {
        match self {
            Self::Paused { at, .. }
            | Self::Resumed { at }
            | Self::Extended { at, .. }
            | Self::HandedOver { at }
            | Self::Completed { at } => *at,
        }
    }
}

/// Sớm hạn / đúng hạn / trễ hạn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Finished on a day before the due day.
    Early,
    /// Finished on the due day (by the due time for hour limits).
    OnTime,
    /// Finished after the due day (after the due time for hour limits).
    Late,
}

impl Timeliness {
    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Early => "Sớm hạn",
            Self::OnTime => "Đúng hạn",
            Self::Late => "Trễ hạn",
        }
    }
}

/// Time left until a due time (negative once it has passed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remaining {
    /// Working days after the reference day up to the due day (0 = due that day).
    pub working_days: i64,
    /// Working minutes from the reference moment to the due time.
    pub working_minutes: i64,
}

/// The extension granted, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension {
    /// When the apology was issued.
    pub at: NaiveDateTime,
    /// The new appointment.
    pub new_due: NaiveDateTime,
    /// Whether the apology went out at least `apology_notice_days` working days before
    /// the legal due date (it may also come after the dossier is already late).
    pub on_notice: bool,
}

/// One agency's share and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentReport {
    /// Agency code.
    pub agency: String,
    /// Its share.
    pub share: TimeLimit,
    /// When it received the dossier.
    pub started_at: NaiveDateTime,
    /// Its own due time, from when it received the dossier.
    pub due: NaiveDateTime,
    /// When it handed over or finished, if it has.
    pub finished_at: Option<NaiveDateTime>,
    /// Its verdict, once finished.
    pub timeliness: Option<Timeliness>,
}

/// Everything about a dossier's deadline, as of a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineReport {
    /// The day the limit counts from (its first day is the next working day).
    pub counting_day: NaiveDate,
    /// The legal due time: limit plus excluded waits, never moved by an extension.
    pub legal_due: NaiveDateTime,
    /// The appointment given to the applicant: the extension's date, if any, else the
    /// legal due time.
    pub appointment: NaiveDateTime,
    /// The extension, if any.
    pub extension: Option<Extension>,
    /// Since when and why the clock is waiting, if it is.
    pub paused_since: Option<(NaiveDateTime, PauseReason)>,
    /// When processing ended, if it has.
    pub completed_at: Option<NaiveDateTime>,
    /// Verdict against the legal due time, once completed.
    pub timeliness: Option<Timeliness>,
    /// Whether the appointment was kept, once completed.
    pub appointment_kept: Option<bool>,
    /// Time left to the legal due time: as of completion, of the pause's start while
    /// waiting, or of `now`.
    pub remaining: Remaining,
    /// Whether the legal due time has passed without completion.
    pub overdue: bool,
    /// Per-agency shares (empty when the dossier has a single plan).
    pub segments: Vec<SegmentReport>,
}

/// The facts a deadline is computed from.
#[derive(Debug, Clone, Copy)]
pub struct DeadlineInput<'a> {
    /// When the dossier was received (local time).
    pub received_at: NaiveDateTime,
    /// The procedure's time limit, as in force at receipt.
    pub limit: TimeLimit,
    /// Inter-agency shares; empty for a single-agency dossier.
    pub segments: &'a [Segment],
    /// Events in the order they happened.
    pub events: &'a [ClockEvent],
}

/// A sequence of events the rules do not allow, or a calendar problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeadlineError {
    /// From the calendar.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// An event dated before the one before it (or before receipt).
    #[error("clock event at {at} is earlier than the event before it")]
    OutOfOrder {
        /// The offending event's time.
        at: NaiveDateTime,
    },
    /// A pause while already paused.
    #[error("already paused at {at}")]
    AlreadyPaused {
        /// The offending event's time.
        at: NaiveDateTime,
    },
    /// A resume without a pause.
    #[error("resume at {at} without a pause")]
    NotPaused {
        /// The offending event's time.
        at: NaiveDateTime,
    },
    /// A second extension: re-appointment is allowed once.
    #[error("the dossier was already extended once")]
    ExtensionAlreadyUsed,
    /// An extension whose new date is not after the current appointment.
    #[error("new appointment {new_due} is not after the current one {appointment}")]
    ExtensionNotLater {
        /// Asked.
        new_due: NaiveDateTime,
        /// Current.
        appointment: NaiveDateTime,
    },
    /// Any event after completion.
    #[error("event at {at} after the dossier was completed")]
    AfterCompletion {
        /// The offending event's time.
        at: NaiveDateTime,
    },
    /// A hand-over with no next agency in the plan.
    #[error("no next agency to hand over to")]
    NoNextSegment,
    /// A hand-over while the clock waits.
    #[error("cannot hand over while paused")]
    HandoverWhilePaused,
    /// Shares that do not add up to the limit.
    #[error(
        "agency shares add up to {shares_minutes} working minutes, the limit is {limit_minutes}"
    )]
    SharesMismatch {
        /// Sum of the shares.
        shares_minutes: u64,
        /// The limit.
        limit_minutes: u64,
    },
    /// Shares given for a limit (or as a unit) that is not working time.
    #[error("agency shares need working days or working hours")]
    UnsupportedShare,
}

impl DeadlineError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Calendar(e) => e.code(),
            Self::OutOfOrder { .. } => "clock_events_out_of_order",
            Self::AlreadyPaused { .. } => "already_paused",
            Self::NotPaused { .. } => "not_paused",
            Self::ExtensionAlreadyUsed => "extension_already_used",
            Self::ExtensionNotLater { .. } => "extension_not_later",
            Self::AfterCompletion { .. } => "already_completed",
            Self::NoNextSegment => "no_next_agency",
            Self::HandoverWhilePaused => "handover_while_paused",
            Self::SharesMismatch { .. } => "segment_shares_mismatch",
            Self::UnsupportedShare => "segment_share_unsupported",
        }
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Calendar(e) => e.message_vi(),
            Self::OutOfOrder { at } => {
                format!(
                    "Sự kiện lúc {at} diễn ra trước sự kiện liền trước hoặc trước khi tiếp nhận"
                )
            }
            Self::AlreadyPaused { .. } => "Hồ sơ đang tạm dừng tính thời gian".to_owned(),
            Self::NotPaused { .. } => "Hồ sơ không ở trạng thái tạm dừng".to_owned(),
            Self::ExtensionAlreadyUsed => {
                "Hồ sơ đã được gia hạn một lần; chỉ được hẹn lại một lần".to_owned()
            }
            Self::ExtensionNotLater {
                new_due,
                appointment,
            } => format!(
                "Ngày hẹn mới {} phải sau ngày hẹn hiện tại {}",
                new_due.format("%d/%m/%Y"),
                appointment.format("%d/%m/%Y")
            ),
            Self::AfterCompletion { .. } => "Hồ sơ đã kết thúc xử lý".to_owned(),
            Self::NoNextSegment => {
                "Không còn cơ quan tiếp theo trong quy trình liên thông".to_owned()
            }
            Self::HandoverWhilePaused => {
                "Không thể chuyển hồ sơ khi đang tạm dừng tính thời gian".to_owned()
            }
            Self::SharesMismatch {
                shares_minutes,
                limit_minutes,
            } => format!(
                "Tổng thời gian các bước ({shares_minutes} phút làm việc) khác thời hạn giải quyết ({limit_minutes} phút làm việc)"
            ),
            Self::UnsupportedShare => {
                "Thời gian của từng cơ quan phải tính bằng ngày làm việc hoặc giờ làm việc"
                    .to_owned()
            }
        }
    }
}

/// A closed wait that the rules exclude from the count.
#[derive(Debug, Clone, Copy)]
struct Wait {
    from: NaiveDateTime,
    to: NaiveDateTime,
}

/// Computes the due time of `limit` counted from `from`, excluding `waits`.
fn due_for(
    cal: &WorkCalendar,
    rules: &DeadlineRules,
    from: NaiveDateTime,
    limit: TimeLimit,
    waits: &[Wait],
) -> Result<NaiveDateTime, CalendarError> {
    let day = cal.counting_day(from, rules.cutoff)?;
    let calendar_shift = || -> i64 {
        waits
            .iter()
            .map(|w| (w.to.date() - w.from.date()).num_days())
            .sum()
    };
    let working_day_shift = || -> Result<u32, CalendarError> {
        let mut total = 0i64;
        for w in waits {
            total += cal.working_days_between(w.from.date(), w.to.date())?;
        }
        Ok(u32::try_from(total).unwrap_or(0))
    };
    match limit {
        TimeLimit::WorkingDays(n) => {
            Ok(cal.end_of_day(cal.add_working_days(day, n + working_day_shift()?)?))
        }
        TimeLimit::Immediately => {
            Ok(cal.end_of_day(cal.add_working_days(day, working_day_shift()?)?))
        }
        TimeLimit::WorkingHours(h) => {
            let start = if day == from.date() {
                from
            } else {
                day.and_time(cal.office_hours().opening())
            };
            let mut minutes = u64::from(h) * 60;
            for w in waits {
                minutes += u64::try_from(cal.working_minutes_between(w.from, w.to)?).unwrap_or(0);
            }
            cal.add_working_minutes(start, minutes)
        }
        TimeLimit::Days(n) => {
            let end = day + Duration::days(i64::from(n) + calendar_shift());
            Ok(cal.end_of_day(cal.working_day_on_or_after(end)?))
        }
        TimeLimit::Months(n) => {
            let end = day
                .checked_add_months(Months::new(n))
                .ok_or(CalendarError::OutOfRange { date: day })?
                + Duration::days(calendar_shift());
            Ok(cal.end_of_day(cal.working_day_on_or_after(end)?))
        }
    }
}

fn verdict(limit: TimeLimit, done: NaiveDateTime, due: NaiveDateTime) -> Timeliness {
    let late = if limit.is_hour_based() {
        done > due
    } else {
        done.date() > due.date()
    };
    if late {
        Timeliness::Late
    } else if done.date() < due.date() {
        Timeliness::Early
    } else {
        Timeliness::OnTime
    }
}

fn remaining(
    cal: &WorkCalendar,
    as_of: NaiveDateTime,
    due: NaiveDateTime,
) -> Result<Remaining, CalendarError> {
    Ok(Remaining {
        working_days: cal.working_days_between(as_of.date(), due.date())?,
        working_minutes: cal.working_minutes_between(as_of, due)?,
    })
}

/// The running state while events are replayed.
struct Replay {
    /// Start of the overall count (receipt, or the last restart).
    from: NaiveDateTime,
    waits: Vec<Wait>,
    segment: usize,
    segment_from: NaiveDateTime,
    segment_waits: Vec<Wait>,
    open_wait: Option<(NaiveDateTime, PauseReason)>,
    extension: Option<Extension>,
    completed_at: Option<NaiveDateTime>,
    finished_segments: Vec<SegmentReport>,
}

/// Computes the deadline report as of `now`.
pub fn evaluate(
    cal: &WorkCalendar,
    rules: &DeadlineRules,
    input: &DeadlineInput<'_>,
    now: NaiveDateTime,
) -> Result<DeadlineReport, DeadlineError> {
    check_shares(cal, input)?;
    let mut st = Replay {
        from: input.received_at,
        waits: Vec::new(),
        segment: 0,
        segment_from: input.received_at,
        segment_waits: Vec::new(),
        open_wait: None,
        extension: None,
        completed_at: None,
        finished_segments: Vec::new(),
    };
    let mut last = input.received_at;
    for event in input.events {
        let at = event.at();
        if at < last {
            return Err(DeadlineError::OutOfOrder { at });
        }
        last = at;
        // An apology may still be recorded after a late decision, before the result
        // is handed over; nothing else happens to the clock once processing ended.
        if st.completed_at.is_some() && !matches!(event, ClockEvent::Extended { .. }) {
            return Err(DeadlineError::AfterCompletion { at });
        }
        match *event {
            ClockEvent::Paused { reason, .. } => {
                if st.open_wait.is_some() {
                    return Err(DeadlineError::AlreadyPaused { at });
                }
                st.open_wait = Some((at, reason));
            }
            ClockEvent::Resumed { .. } => {
                let (from, reason) = st.open_wait.take().ok_or(DeadlineError::NotPaused { at })?;
                close_wait(&mut st, rules.rule_for(reason), from, at);
            }
            ClockEvent::Extended { new_due, .. } => {
                if st.extension.is_some() {
                    return Err(DeadlineError::ExtensionAlreadyUsed);
                }
                let legal = due_for(cal, rules, st.from, input.limit, &st.waits)?;
                if new_due.date() <= legal.date() {
                    return Err(DeadlineError::ExtensionNotLater {
                        new_due,
                        appointment: legal,
                    });
                }
                let notice = cal.working_days_between(at.date(), legal.date())?;
                st.extension = Some(Extension {
                    at,
                    new_due,
                    on_notice: notice >= i64::from(rules.apology_notice_days),
                });
            }
            ClockEvent::HandedOver { .. } => {
                if st.open_wait.is_some() {
                    return Err(DeadlineError::HandoverWhilePaused);
                }
                if st.segment + 1 >= input.segments.len() {
                    return Err(DeadlineError::NoNextSegment);
                }
                finish_segment(cal, rules, input, &mut st, at)?;
                st.segment += 1;
                st.segment_from = at;
                st.segment_waits.clear();
            }
            ClockEvent::Completed { .. } => {
                if let Some((from, reason)) = st.open_wait.take() {
                    close_wait(&mut st, rules.rule_for(reason), from, at);
                }
                if !input.segments.is_empty() {
                    finish_segment(cal, rules, input, &mut st, at)?;
                }
                st.completed_at = Some(at);
            }
        }
    }

    let counting_day = cal.counting_day(st.from, rules.cutoff)?;
    let frozen_due = due_for(cal, rules, st.from, input.limit, &st.waits)?;
    // While waiting, the displayed due time moves with the wait (as if it ended now);
    // the remaining time stays frozen at the wait's start.
    let (legal_due, as_of) = match (st.open_wait, st.completed_at) {
        (_, Some(done)) => (frozen_due, done),
        (Some((from, reason)), None) if rules.rule_for(reason) == ClockRule::Pause => {
            let mut waits = st.waits.clone();
            waits.push(Wait {
                from,
                to: now.max(from),
            });
            (due_for(cal, rules, st.from, input.limit, &waits)?, from)
        }
        _ => (frozen_due, now),
    };
    let reference_due = if st.completed_at.is_some() || st.open_wait.is_none() {
        legal_due
    } else {
        frozen_due
    };
    let appointment = st.extension.map_or(legal_due, |e| e.new_due);
    let remaining = remaining(cal, as_of, reference_due)?;
    let timeliness = st
        .completed_at
        .map(|done| verdict(input.limit, done, legal_due));
    let appointment_kept = st
        .completed_at
        .map(|done| verdict(input.limit, done, appointment) != Timeliness::Late);
    let overdue =
        st.completed_at.is_none() && verdict(input.limit, as_of, reference_due) == Timeliness::Late;

    let mut segments = st.finished_segments.clone();
    if st.completed_at.is_none()
        && let Some(seg) = input.segments.get(st.segment)
    {
        segments.push(SegmentReport {
            agency: seg.agency.clone(),
            share: seg.share,
            started_at: st.segment_from,
            due: due_for(cal, rules, st.segment_from, seg.share, &st.segment_waits)?,
            finished_at: None,
            timeliness: None,
        });
    }

    Ok(DeadlineReport {
        counting_day,
        legal_due,
        appointment,
        extension: st.extension,
        paused_since: st.open_wait,
        completed_at: st.completed_at,
        timeliness,
        appointment_kept,
        remaining,
        overdue,
        segments,
    })
}

fn close_wait(st: &mut Replay, rule: ClockRule, from: NaiveDateTime, to: NaiveDateTime) {
    match rule {
        ClockRule::Pause => {
            st.waits.push(Wait { from, to });
            st.segment_waits.push(Wait { from, to });
        }
        ClockRule::Restart => {
            st.from = to;
            st.waits.clear();
            st.segment_from = to;
            st.segment_waits.clear();
        }
        ClockRule::KeepRunning => {}
    }
}

fn finish_segment(
    cal: &WorkCalendar,
    rules: &DeadlineRules,
    input: &DeadlineInput<'_>,
    st: &mut Replay,
    at: NaiveDateTime,
) -> Result<(), CalendarError> {
    if let Some(seg) = input.segments.get(st.segment) {
        let due = due_for(cal, rules, st.segment_from, seg.share, &st.segment_waits)?;
        st.finished_segments.push(SegmentReport {
            agency: seg.agency.clone(),
            share: seg.share,
            started_at: st.segment_from,
            due,
            finished_at: Some(at),
            timeliness: Some(verdict(seg.share, at, due)),
        });
    }
    Ok(())
}

fn check_shares(cal: &WorkCalendar, input: &DeadlineInput<'_>) -> Result<(), DeadlineError> {
    if input.segments.is_empty() {
        return Ok(());
    }
    let per_day = cal.office_hours().minutes_per_day();
    let limit_minutes = input
        .limit
        .working_minutes(per_day)
        .ok_or(DeadlineError::UnsupportedShare)?;
    let mut shares_minutes = 0;
    for s in input.segments {
        shares_minutes += s
            .share
            .working_minutes(per_day)
            .ok_or(DeadlineError::UnsupportedShare)?;
    }
    if shares_minutes != limit_minutes {
        return Err(DeadlineError::SharesMismatch {
            shares_minutes,
            limit_minutes,
        });
    }
    Ok(())
}
