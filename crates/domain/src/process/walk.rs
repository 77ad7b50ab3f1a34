//! The process engine: a dossier's events walked through its process definition.
//! Which steps are current, who acts at each, each step's due time, which steps were
//! late and which agency or unit that counts against.
//!
//! The rules, in order:
//! - The first steps begin when the dossier is received (the legal limit starts then).
//! - A step begins when the last of the steps it waits for ends, and is due its share
//!   of working time later, plus any time the clock waited (a supplement, a pause)
//!   while it ran. Handing it to another officer does not move its due time.
//! - Each event ends the current steps whose kind it closes (see [`closes`]): a
//!   receipt step ends when the dossier is handed on, an examination when the
//!   specialist consults, transfers or submits, a consultation when its answer comes,
//!   a transfer when the other agency takes the dossier up, a submission when the
//!   leader signs, a signature when the result is issued, a return when it is handed
//!   over.
//! - When officers leave the drawn path (an event that closes no current step but a
//!   later one), the steps passed over are marked skipped and count against nobody.
//! - A draft sent back by the leader reopens the examination (its due time stays) and
//!   the signature steps start again on the next submission.
//! - A refused, withdrawn, stopped or returned dossier ends every step still open.
//!
//! A step is late when it ended (or, still open, now is) after its due time; the
//! delay counts against the agency that acts at that step, so a commune is not
//! blamed for the province's part of an inter-level dossier, nor a consulted
//! department for the specialist's.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use motcua_calendar::{Timeliness, WorkCalendar};
use serde::Serialize;
use serde_json::Value;

use super::{Acting, Process, StepKind};
use crate::dossier::Dossier;
use crate::error::DomainError;
use crate::org::Role;
use crate::status::{ActionKind, Status};
use crate::time::{from_local, to_local};

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Not reached yet.
    Waiting,
    /// Current.
    Active,
    /// Ended.
    Done,
    /// Passed over (the officers took another path); counts against nobody.
    Skipped,
}

impl StepState {
    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Waiting => "Chưa đến",
            Self::Active => "Đang thực hiện",
            Self::Done => "Đã xong",
            Self::Skipped => "Bỏ qua",
        }
    }
}

/// One step of one dossier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRun {
    /// Step ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: StepKind,
    /// The agency acting (resolved: receiving, handling at the time, or named).
    pub agency: String,
    /// The unit acting, if the definition names one.
    pub unit: Option<String>,
    /// The role acting.
    pub role: Option<Role>,
    /// Its share in working minutes.
    pub share_minutes: u64,
    /// Where it stands.
    pub state: StepState,
    /// When it began.
    pub started_at: Option<DateTime<Utc>>,
    /// When it is (was) due.
    pub due_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Who acts (or acted): the assigned officer for an examination, the consulted
    /// officer who answered, the officer who ended it.
    pub officer: Option<String>,
    /// Who handed it on (the actor of the event that ended the step before).
    pub handed_by: Option<String>,
    /// Working minutes spent, waits excluded (to now while it runs).
    pub used_minutes: i64,
    /// Working minutes past its due time (0 when not late).
    pub late_minutes: i64,
    /// Its verdict once ended; `Late` also while it runs past its due time.
    pub timeliness: Option<Timeliness>,
}

impl StepRun {
    /// Whether it is late (ended late, or still running past its due time).
    pub fn is_late(&self) -> bool {
        self.timeliness == Some(Timeliness::Late)
    }
}

/// One agency's part of a dossier and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencyShare {
    /// Agency code.
    pub agency: String,
    /// Sum of its steps' shares, in working minutes.
    pub planned_minutes: u64,
    /// Working minutes its steps took so far.
    pub used_minutes: i64,
    /// Its steps that have begun.
    pub steps: usize,
    /// Of those, how many were late.
    pub late_steps: usize,
    /// Working minutes of delay at its steps.
    pub late_minutes: i64,
    /// No step of its was late.
    pub on_time: bool,
}

/// A dossier walked through its process.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Walk {
    /// Every step, in the definition's order.
    pub steps: Vec<StepRun>,
    /// Indexes of the current steps.
    pub current: Vec<usize>,
    /// Per agency, in the order they first act.
    pub agencies: Vec<AgencyShare>,
}

impl Walk {
    /// The current steps.
    pub fn current_steps(&self) -> impl Iterator<Item = &StepRun> {
        self.current.iter().filter_map(|&i| self.steps.get(i))
    }

    /// An agency's share, if it acts in this dossier.
    pub fn agency(&self, code: &str) -> Option<&AgencyShare> {
        self.agencies.iter().find(|a| a.agency == code)
    }
}

/// Whether an event with `action` ends a current step of `kind`. Consultations are
/// matched to their step separately (by the unit or agency asked).
pub fn closes(kind: StepKind, action: ActionKind) -> bool {
    use ActionKind as A;
    let forward = matches!(
        action,
        A::SubmitForApproval | A::Approve | A::IssueResult | A::ReturnResult
    );
    match kind {
        StepKind::Receive => forward || matches!(action, A::Assign | A::Process | A::Transfer),
        StepKind::Transfer => forward || matches!(action, A::Assign | A::Process),
        StepKind::Process => forward || action == A::Transfer,
        StepKind::Consult => false,
        StepKind::SubmitForApproval => {
            matches!(action, A::Approve | A::IssueResult | A::ReturnResult)
        }
        StepKind::Approve => matches!(action, A::IssueResult | A::ReturnResult),
        StepKind::Return => action == A::ReturnResult,
    }
}

/// A wait of the clock: from, to (open while it lasts).
type Wait = (NaiveDateTime, Option<NaiveDateTime>);

struct Walker<'a> {
    process: &'a Process,
    calendar: &'a WorkCalendar,
    runs: Vec<StepRun>,
    waits: Vec<Wait>,
    /// Per step: the unit or agency asked, for consultations.
    asked: Vec<Option<String>>,
    /// Per step: the answer date the asker set, which replaces the share's due time.
    answer_by: Vec<Option<chrono::NaiveDate>>,
    handling: String,
    assignee: Option<String>,
    last_actor: Option<String>,
}

/// Walks `dossier` through `process` as of `now`.
pub fn walk(
    process: &Process,
    dossier: &Dossier,
    calendar: &WorkCalendar,
    now: DateTime<Utc>,
) -> Result<Walk, DomainError> {
    let steps = &process.def.steps;
    let mut w = Walker {
        process,
        calendar,
        runs: steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                // Until a step begins, its agency is the best guess: the one handling
                // the dossier now (a later transfer may change it).
                let agency = s
                    .agency
                    .resolve(&dossier.receiving_agency, &dossier.handling_agency);
                StepRun {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    kind: s.kind,
                    unit: s.unit_at(&agency),
                    agency,
                    role: s.role,
                    share_minutes: process.minutes.get(i).copied().unwrap_or(0),
                    state: StepState::Waiting,
                    started_at: None,
                    due_at: None,
                    ended_at: None,
                    officer: None,
                    handed_by: None,
                    used_minutes: 0,
                    late_minutes: 0,
                    timeliness: None,
                }
            })
            .collect(),
        waits: Vec::new(),
        asked: vec![None; steps.len()],
        answer_by: vec![None; steps.len()],
        handling: dossier.receiving_agency.clone(),
        assignee: None,
        last_actor: None,
    };
    let mut received = false;
    let mut finished: Option<DateTime<Utc>> = None;
    for e in &dossier.events {
        if !received {
            if e.to == Status::Received || dossier.received_at.is_some_and(|r| e.at >= r) {
                received = true;
                w.last_actor = Some(e.actor.clone());
                w.activate_ready(dossier.received_at.unwrap_or(e.at), dossier);
                // The event that received it may already have moved it on.
                if e.action == ActionKind::Receive || e.action == ActionKind::Submit {
                    continue;
                }
            } else {
                continue;
            }
        }
        w.track(e);
        w.advance(e, dossier);
        w.last_actor = Some(e.actor.clone());
        if matches!(
            e.to,
            Status::Returned | Status::Refused | Status::Withdrawn | Status::Stopped
        ) {
            finished = Some(e.at);
            break;
        }
    }
    if let Some(at) = finished {
        for i in 0..w.runs.len() {
            match w.runs.get(i).map(|r| r.state) {
                Some(StepState::Active) => w.end(i, at, None),
                Some(StepState::Waiting) => w.set_state(i, StepState::Skipped),
                _ => {}
            }
        }
    }
    w.finish(now)
}

impl Walker<'_> {
    fn set_state(&mut self, i: usize, state: StepState) {
        if let Some(r) = self.runs.get_mut(i) {
            r.state = state;
        }
    }

    fn state(&self, i: usize) -> StepState {
        self.runs.get(i).map_or(StepState::Skipped, |r| r.state)
    }

    fn preds(&self, i: usize) -> Vec<usize> {
        let steps = &self.process.def.steps;
        steps
            .get(i)
            .map(|s| {
                s.after
                    .iter()
                    .filter_map(|p| steps.iter().position(|t| &t.id == p))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The agency acting at step `i` as things stand: the receiving one, the one
    /// handling the dossier now, or the one named.
    fn agency_of(&self, i: usize, dossier: &Dossier) -> String {
        self.process.def.steps.get(i).map_or_else(
            || self.handling.clone(),
            |s| s.agency.resolve(&dossier.receiving_agency, &self.handling),
        )
    }

    /// Steps whose predecessors have all ended begin at `at`.
    fn activate_ready(&mut self, at: DateTime<Utc>, dossier: &Dossier) {
        for &i in &self.process.order {
            if self.state(i) != StepState::Waiting {
                continue;
            }
            let preds = self.preds(i);
            if preds
                .iter()
                .all(|&p| matches!(self.state(p), StepState::Done | StepState::Skipped))
            {
                let agency = self.agency_of(i, dossier);
                let unit = self
                    .process
                    .def
                    .steps
                    .get(i)
                    .and_then(|s| s.unit_at(&agency));
                let handed_by = self.last_actor.clone();
                let assignee = self.assignee.clone();
                if let Some(r) = self.runs.get_mut(i) {
                    // An examination is carried by whoever the dossier is assigned to.
                    if r.kind == StepKind::Process {
                        r.officer = assignee;
                    }
                    r.state = StepState::Active;
                    r.started_at = Some(at);
                    r.agency = agency;
                    r.unit = unit;
                    r.handed_by = handed_by;
                }
            }
        }
    }

    /// Follows who handles the dossier, and the clock's waits.
    fn track(&mut self, e: &crate::dossier::DossierEvent) {
        let at = to_local(e.at);
        let s = |k: &str| e.data.get(k).and_then(Value::as_str).map(str::to_owned);
        match e.action {
            ActionKind::Transfer => {
                if let Some(a) = s("to_agency") {
                    self.handling = a;
                }
                self.assignee = None;
            }
            ActionKind::Assign => {
                if let Some(a) = s("assignee") {
                    self.assignee = Some(a);
                }
            }
            ActionKind::Process if self.assignee.is_none() => {
                self.assignee = Some(e.actor.clone());
            }
            // A new wait unless one is still open.
            ActionKind::RequestSupplement | ActionKind::Pause
                if self.waits.last().is_none_or(|w| w.1.is_some()) =>
            {
                self.waits.push((at, None));
            }
            ActionKind::Supplement | ActionKind::Resume => {
                if let Some(w) = self.waits.last_mut()
                    && w.1.is_none()
                {
                    w.1 = Some(at);
                }
            }
            _ => {}
        }
        // A specialist's step is carried by whoever it is assigned to now.
        let assignee = self.assignee.clone();
        for r in &mut self.runs {
            if r.state == StepState::Active && r.kind == StepKind::Process {
                r.officer.clone_from(&assignee);
            }
        }
    }

    fn end(&mut self, i: usize, at: DateTime<Utc>, by: Option<&str>) {
        if let Some(r) = self.runs.get_mut(i) {
            r.state = StepState::Done;
            r.ended_at = Some(at);
            if let Some(by) = by
                && (r.officer.is_none() || r.kind != StepKind::Process)
            {
                r.officer = Some(by.to_owned());
            }
        }
    }

    /// Which current consultation an event answers (or asks), by the unit or agency.
    fn consult_step(
        &self,
        e: &crate::dossier::DossierEvent,
        state: StepState,
        dossier: &Dossier,
    ) -> Option<usize> {
        let target = e.data.get("target").and_then(Value::as_str);
        let target_agency = e.data.get("target_agency").and_then(Value::as_str);
        let steps = &self.process.def.steps;
        let matches = |i: usize| {
            let Some(s) = steps.get(i) else { return false };
            if s.kind != StepKind::Consult || self.state(i) != state {
                return false;
            }
            let unit = s.unit_at(&self.agency_of(i, dossier));
            let unit_match = unit.is_some() && unit.as_deref() == target;
            let agency_match = match &s.agency {
                Acting::Agency(a) => {
                    Some(a.as_str()) == target || Some(a.as_str()) == target_agency
                }
                _ => false,
            };
            unit_match || agency_match
        };
        // An answer goes to the consultation it answers; a question to one not yet asked.
        let fresh = |i: &usize| {
            e.action != ActionKind::Consult || self.asked.get(*i).is_some_and(Option::is_none)
        };
        self.process
            .order
            .iter()
            .copied()
            .filter(fresh)
            .find(|&i| matches(i))
    }

    /// Records whom a consultation asked, and by when if the asker said.
    fn mark_asked(&mut self, i: usize, e: &crate::dossier::DossierEvent) {
        let s = |k: &str| e.data.get(k).and_then(Value::as_str);
        if let Some(slot) = self.asked.get_mut(i) {
            *slot = s("target").map(str::to_owned);
        }
        if let Some(slot) = self.answer_by.get_mut(i) {
            *slot = s("answer_by").and_then(|d| d.parse().ok());
        }
    }

    fn advance(&mut self, e: &crate::dossier::DossierEvent, dossier: &Dossier) {
        let at = e.at;
        let active: Vec<usize> = (0..self.runs.len())
            .filter(|&i| self.state(i) == StepState::Active)
            .collect();
        let mut ended = Vec::new();
        match e.action {
            ActionKind::Consult => {
                if let Some(i) = self.consult_step(e, StepState::Active, dossier) {
                    self.mark_asked(i, e);
                } else if let Some(i) = self.consult_step(e, StepState::Waiting, dossier) {
                    // Asking a consultation ends the examination before it.
                    for p in self.preds(i) {
                        if self.state(p) == StepState::Active {
                            ended.push(p);
                        }
                    }
                    self.mark_asked(i, e);
                }
            }
            ActionKind::ConsultReply => {
                if let Some(i) = self.consult_step(e, StepState::Active, dossier) {
                    ended.push(i);
                }
            }
            ActionKind::SendBack => self.send_back(),
            action => {
                ended.extend(
                    active
                        .iter()
                        .copied()
                        .filter(|&i| self.runs.get(i).is_some_and(|r| closes(r.kind, action))),
                );
                // Taking a dossier up (assigning, starting work) never leaves the path:
                // only handing it on can pass steps over.
                if ended.is_empty() && !matches!(action, ActionKind::Assign | ActionKind::Process) {
                    self.skip_to(e);
                }
            }
        }
        for i in ended {
            self.end(i, at, Some(&e.actor));
        }
        self.last_actor = Some(e.actor.clone());
        self.activate_ready(at, dossier);
    }

    /// The leader sends the draft back: the signature steps wait again (they start
    /// afresh on the next submission) and the examination before them runs on from
    /// where it began, so the rework counts against the examination's due time.
    fn send_back(&mut self) {
        let signing: Vec<usize> = (0..self.runs.len())
            .filter(|&i| {
                self.state(i) == StepState::Active
                    && self.runs.get(i).is_some_and(|r| {
                        matches!(r.kind, StepKind::SubmitForApproval | StepKind::Approve)
                    })
            })
            .collect();
        let mut stack = signing.clone();
        while let Some(i) = stack.pop() {
            for p in self.preds(i) {
                match self.runs.get_mut(p) {
                    Some(r) if r.state == StepState::Done && r.kind == StepKind::Process => {
                        r.state = StepState::Active;
                        r.ended_at = None;
                    }
                    Some(r)
                        if r.state == StepState::Done
                            && matches!(
                                r.kind,
                                StepKind::SubmitForApproval | StepKind::Approve
                            ) =>
                    {
                        r.state = StepState::Waiting;
                        r.started_at = None;
                        r.ended_at = None;
                        stack.push(p);
                    }
                    _ => {}
                }
            }
        }
        for i in signing {
            if let Some(r) = self.runs.get_mut(i) {
                r.state = StepState::Waiting;
                r.started_at = None;
                r.handed_by = None;
            }
        }
    }

    /// An event that closes no current step but a later one: the steps up to that
    /// one were passed over.
    fn skip_to(&mut self, e: &crate::dossier::DossierEvent) {
        let target = self.process.order.iter().copied().find(|&i| {
            self.state(i) == StepState::Waiting
                && self.runs.get(i).is_some_and(|r| closes(r.kind, e.action))
        });
        let Some(target) = target else { return };
        let mut stack = vec![target];
        while let Some(i) = stack.pop() {
            match self.state(i) {
                StepState::Waiting | StepState::Active => {
                    if let Some(r) = self.runs.get_mut(i) {
                        if r.state == StepState::Active {
                            r.ended_at = Some(e.at);
                        }
                        r.state = StepState::Skipped;
                    }
                    stack.extend(self.preds(i));
                }
                StepState::Done | StepState::Skipped => {}
            }
        }
    }

    /// Working minutes the clock waited between `from` and `to`.
    fn waited(&self, from: NaiveDateTime, to: NaiveDateTime) -> Result<i64, DomainError> {
        let mut total = 0;
        for &(a, b) in &self.waits {
            let s = a.max(from);
            let e = b.unwrap_or(to).min(to);
            if e > s {
                total += self.calendar.working_minutes_between(s, e)?;
            }
        }
        Ok(total)
    }

    /// Due times, time used and verdicts; per-agency shares.
    fn finish(mut self, now: DateTime<Utc>) -> Result<Walk, DomainError> {
        let now_local = to_local(now);
        for i in 0..self.runs.len() {
            let Some(r) = self.runs.get(i) else { continue };
            let (Some(start), true) = (
                r.started_at,
                matches!(r.state, StepState::Active | StepState::Done),
            ) else {
                continue;
            };
            let start = to_local(start);
            let end = r.ended_at.map_or(now_local, to_local).max(start);
            let share = r.share_minutes;
            // An answer date set with the question is the consultation's due time: the
            // end of that working day. Otherwise the share, moved by every wait that
            // began before it.
            let asked_by = self.answer_by.get(i).copied().flatten();
            let per_day = u64::from(self.calendar.office_hours().minutes_per_day());
            let mut due = match asked_by {
                Some(day) => self
                    .calendar
                    .add_working_minutes(day.and_time(chrono::NaiveTime::MIN), per_day)?,
                None => self.calendar.add_working_minutes(start, share)?,
            };
            for &(a, b) in self.waits.iter().filter(|_| asked_by.is_none()) {
                if a >= due || b.is_some_and(|b| b <= start) {
                    continue;
                }
                let s = a.max(start);
                let e = b.unwrap_or(now_local.max(s));
                let extra = self.calendar.working_minutes_between(s, e)?.max(0);
                due = self
                    .calendar
                    .add_working_minutes(due, u64::try_from(extra).unwrap_or(0))?;
            }
            let used =
                self.calendar.working_minutes_between(start, end)? - self.waited(start, end)?;
            let late = if end > due {
                self.calendar.working_minutes_between(due, end)?.max(1)
            } else {
                0
            };
            let done = r.state == StepState::Done;
            let timeliness = if late > 0 {
                Some(Timeliness::Late)
            } else if !done {
                None
            } else if end.date() < due.date() {
                Some(Timeliness::Early)
            } else {
                Some(Timeliness::OnTime)
            };
            if let Some(r) = self.runs.get_mut(i) {
                r.due_at = Some(from_local(due));
                r.used_minutes = used.max(0);
                r.late_minutes = late;
                r.timeliness = timeliness;
            }
        }
        let mut agencies: BTreeMap<String, (usize, AgencyShare)> = BTreeMap::new();
        let mut first = 0;
        for r in &self.runs {
            if !matches!(r.state, StepState::Active | StepState::Done) {
                continue;
            }
            first += 1;
            let (_, share) = agencies.entry(r.agency.clone()).or_insert_with(|| {
                (
                    first,
                    AgencyShare {
                        agency: r.agency.clone(),
                        planned_minutes: 0,
                        used_minutes: 0,
                        steps: 0,
                        late_steps: 0,
                        late_minutes: 0,
                        on_time: true,
                    },
                )
            });
            share.planned_minutes += r.share_minutes;
            share.used_minutes += r.used_minutes;
            share.steps += 1;
            if r.is_late() {
                share.late_steps += 1;
                share.late_minutes += r.late_minutes;
                share.on_time = false;
            }
        }
        let mut agencies: Vec<(usize, AgencyShare)> = agencies.into_values().collect();
        agencies.sort_by_key(|(first, _)| *first);
        let current = (0..self.runs.len())
            .filter(|&i| self.state(i) == StepState::Active)
            .collect();
        Ok(Walk {
            steps: self.runs,
            current,
            agencies: agencies.into_iter().map(|(_, a)| a).collect(),
        })
    }
}
