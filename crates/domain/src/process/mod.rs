//! Internal electronic processes (quy trình nội bộ, built to TCVN ISO 9001:2015): for
//! a procedure version, the steps a dossier goes through, who acts at each (unit and
//! role), each step's share of the legal time limit, and what may follow. A process is
//! data an administrator edits (YAML or JSON); this module reads and checks it.
//!
//! Steps form a directed acyclic graph through `after`: steps with the same
//! predecessor run in parallel (consultations), a step after several waits for all of
//! them. The shares must add up to the legal limit along the longest path, since
//! parallel steps overlap in time.
//!
//! [`walk`] follows a dossier's events through the steps (current step, due times,
//! blame per agency); [`assign`] picks the officer by rule; [`book`] holds every saved
//! version so that a dossier keeps the one it was received under.

pub mod assign;
pub mod book;
pub mod walk;

pub use assign::{AssignRule, AutoAssign, Candidate};
pub use book::{NO_PROCESSES, ProcessBook, SavedProcess};
pub use walk::{AgencyShare, StepRun, StepState, Walk, walk};

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use motcua_calendar::TimeLimit;
use serde::{Deserialize, Serialize};

use crate::org::Role;
use crate::status::ActionKind;

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Tiếp nhận: the receiving officer checks and receives.
    Receive,
    /// Thẩm định, xử lý: the specialist examines.
    Process,
    /// Xin ý kiến: another unit or agency gives an opinion (often in parallel).
    Consult,
    /// Chuyển liên thông: the dossier moves to another agency for its part.
    Transfer,
    /// Trình ký, phê duyệt: submitted to the leader, who decides (ends with the
    /// approval).
    SubmitForApproval,
    /// Ký, phát hành: the signed result is numbered, sealed and issued (ends when the
    /// result is issued).
    Approve,
    /// Trả kết quả: the result goes back to the applicant.
    Return,
}

impl StepKind {
    /// Every kind, in the editor's order.
    pub const ALL: [StepKind; 7] = [
        StepKind::Receive,
        StepKind::Process,
        StepKind::Consult,
        StepKind::Transfer,
        StepKind::SubmitForApproval,
        StepKind::Approve,
        StepKind::Return,
    ];

    /// Snake-case name, as written in definitions.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receive => "receive",
            Self::Process => "process",
            Self::Consult => "consult",
            Self::Transfer => "transfer",
            Self::SubmitForApproval => "submit_for_approval",
            Self::Approve => "approve",
            Self::Return => "return",
        }
    }

    /// From its snake-case name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Receive => "Tiếp nhận",
            Self::Process => "Thẩm định, xử lý",
            Self::Consult => "Xin ý kiến",
            Self::Transfer => "Liên thông",
            Self::SubmitForApproval => "Trình ký, phê duyệt",
            Self::Approve => "Ký, phát hành kết quả",
            Self::Return => "Trả kết quả",
        }
    }

    /// What an officer may do while a step of this kind is current, when the
    /// definition does not say (pauses, extensions and stops are always open).
    pub fn default_outcomes(self) -> &'static [ActionKind] {
        use ActionKind as A;
        match self {
            Self::Receive => &[
                A::Receive,
                A::Assign,
                A::Process,
                A::Transfer,
                A::RequestSupplement,
                A::Refuse,
            ],
            Self::Process => &[
                A::Assign,
                A::Process,
                A::Consult,
                A::Transfer,
                A::RequestSupplement,
                A::SubmitForApproval,
                A::Refuse,
            ],
            Self::Consult => &[A::Consult, A::ConsultReply],
            Self::Transfer => &[A::Assign, A::Process, A::Refuse, A::RequestSupplement],
            Self::SubmitForApproval => &[A::SubmitForApproval, A::Approve, A::SendBack],
            Self::Approve => &[A::Approve, A::SendBack, A::IssueResult],
            Self::Return => &[A::IssueResult, A::ReturnResult],
        }
    }
}

/// Which agency acts at a step: written `receiving`, `handling` or an agency code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Acting {
    /// The agency that received the dossier.
    Receiving,
    /// The agency handling it (after a transfer: the new one).
    Handling,
    /// A named agency (a department consulted, the province for a commune's dossier).
    Agency(String),
}

/// One step as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    /// Short stable ID, e.g. `tham-dinh`.
    pub id: String,
    /// Name shown to officers, e.g. "Thẩm định hồ sơ".
    pub name: String,
    /// What it does.
    pub kind: StepKind,
    /// Which agency acts.
    #[serde(default = "handling")]
    pub agency: Acting,
    /// The unit that acts (code), when the step belongs to one unit. A code that
    /// begins with a dot is relative to the acting agency: `.TP` is the justice unit
    /// of whichever commune handles the dossier, so one process serves every commune.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The role that acts; a step without one is refused.
    #[serde(default)]
    pub role: Option<Role>,
    /// Its share of the limit: `4h`, `2d` (working days of the office hours), `30m`.
    pub share: String,
    /// The steps it waits for (none: it starts the process).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// How the officer is chosen when the dossier reaches the step.
    #[serde(default, skip_serializing_if = "AssignRule::is_default")]
    pub assign: AssignRule,
    /// A named officer (username) who gets the dossier at this step, whatever the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    /// What an officer may do while it is current; empty: the kind's usual actions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<ActionKind>,
}

impl StepDef {
    /// The unit's full code when `agency` acts (a relative `.TP` becomes `H79.50.01.TP`).
    pub fn unit_at(&self, agency: &str) -> Option<String> {
        self.unit.as_ref().map(|u| {
            if u.starts_with('.') {
                format!("{agency}{u}")
            } else {
                u.clone()
            }
        })
    }

    /// The actions allowed while this step is current.
    pub fn allowed_outcomes(&self) -> &[ActionKind] {
        if self.outcomes.is_empty() {
            self.kind.default_outcomes()
        } else {
            &self.outcomes
        }
    }
}

impl Acting {
    /// The agency's code, given the receiving agency and the one handling the dossier.
    pub fn resolve(&self, receiving: &str, handling: &str) -> String {
        match self {
            Acting::Receiving => receiving.to_owned(),
            Acting::Handling => handling.to_owned(),
            Acting::Agency(code) => code.clone(),
        }
    }
}

fn handling() -> Acting {
    Acting::Handling
}

impl From<String> for Acting {
    fn from(s: String) -> Self {
        match s.trim() {
            "receiving" => Acting::Receiving,
            "handling" => Acting::Handling,
            code => Acting::Agency(code.to_owned()),
        }
    }
}

impl From<Acting> for String {
    fn from(a: Acting) -> Self {
        match a {
            Acting::Receiving => "receiving".to_owned(),
            Acting::Handling => "handling".to_owned(),
            Acting::Agency(code) => code,
        }
    }
}

/// A process as written: for one procedure, from a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessDef {
    /// The procedure's code.
    pub procedure: String,
    /// From which day dossiers received follow it.
    pub valid_from: NaiveDate,
    /// The steps, in reading order.
    pub steps: Vec<StepDef>,
}

/// One thing wrong with a definition, naming the step when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessIssue {
    /// The step concerned.
    pub step: Option<String>,
    /// Stable code.
    pub code: &'static str,
    /// For the administrator.
    pub message: String,
}

impl ProcessIssue {
    fn at(step: &str, code: &'static str, message: String) -> Self {
        ProcessIssue {
            step: Some(step.to_owned()),
            code,
            message: format!("Bước “{step}”: {message}"),
        }
    }

    fn whole(code: &'static str, message: String) -> Self {
        ProcessIssue {
            step: None,
            code,
            message,
        }
    }
}

/// A share in working minutes, from `4h`, `2d`, `30m`, `1.5d`.
pub fn parse_share(text: &str, minutes_per_day: u32) -> Option<u64> {
    let t = text.trim();
    let (number, unit) = t.split_at(t.find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = number.trim().replace(',', ".").parse().ok()?;
    let per = match unit.trim() {
        "m" | "phut" | "phút" => 1.0,
        "h" | "gio" | "giờ" => 60.0,
        "d" | "ngay" | "ngày" => f64::from(minutes_per_day),
        _ => return None,
    };
    let minutes = n * per;
    (minutes.is_finite() && minutes >= 0.0 && minutes.fract() == 0.0 && minutes < 1e9)
        .then(|| format!("{minutes:.0}").parse().ok())
        .flatten()
}

/// A checked process: steps in an order where every step comes after those it waits
/// for, with their shares in minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// The definition.
    pub def: ProcessDef,
    /// Step indexes in dependency order.
    pub order: Vec<usize>,
    /// Each step's share in working minutes (by step index).
    pub minutes: Vec<u64>,
    /// The longest path's length in working minutes.
    pub total: u64,
}

impl ProcessDef {
    /// Reads YAML (or JSON, which is YAML).
    pub fn from_yaml(text: &str) -> Result<ProcessDef, ProcessIssue> {
        serde_yaml_ng::from_str(text).map_err(|e| {
            ProcessIssue::whole(
                "process_unreadable",
                format!("Không đọc được quy trình: {e}"),
            )
        })
    }

    /// Checks everything and lists every problem: duplicate or unknown steps, a cycle,
    /// a step without a role or with an unknown unit, a share that does not read,
    /// no start or no return, and shares that do not add up to `limit` along the
    /// longest path. `unit_known` says whether a unit or agency code exists.
    pub fn check(
        self,
        limit: TimeLimit,
        minutes_per_day: u32,
        unit_known: &dyn Fn(&str) -> bool,
    ) -> Result<Process, Vec<ProcessIssue>> {
        self.check_with(Some(limit), minutes_per_day, unit_known)
    }

    /// Checks it for saving: against the legal limit of the procedure version in
    /// force on `valid_from`, and the organisation's agencies and units (a relative
    /// unit `.TP` must exist in at least one agency).
    pub fn check_in(
        self,
        catalog: &crate::Catalog,
        directory: &crate::Directory,
        minutes_per_day: u32,
    ) -> Result<Process, Vec<ProcessIssue>> {
        let limit = match catalog.get(&self.procedure) {
            None => {
                return Err(vec![ProcessIssue::whole(
                    "process_unknown_procedure",
                    format!("Không có thủ tục mã {}", self.procedure),
                )]);
            }
            Some(p) => match p.version_at(self.valid_from) {
                Ok(v) => v.time_limit,
                Err(_) => {
                    return Err(vec![ProcessIssue::whole(
                        "process_no_version",
                        format!(
                            "Thủ tục {} chưa có phiên bản hiệu lực ngày {}",
                            self.procedure,
                            self.valid_from.format("%d/%m/%Y")
                        ),
                    )]);
                }
            },
        };
        let known = |code: &str| {
            if code.starts_with('.') {
                directory.relative_unit(code).is_some()
            } else {
                directory.units.contains_key(code) || directory.agencies.contains_key(code)
            }
        };
        self.check(limit, minutes_per_day, &known)
    }

    /// A version saved earlier, checked only for its shape (units and the limit may
    /// have changed since; the dossiers received under it keep it as it was).
    pub fn compile(self, minutes_per_day: u32) -> Result<Process, Vec<ProcessIssue>> {
        self.check_with(None, minutes_per_day, &|_| true)
    }

    fn check_with(
        self,
        limit: Option<TimeLimit>,
        minutes_per_day: u32,
        unit_known: &dyn Fn(&str) -> bool,
    ) -> Result<Process, Vec<ProcessIssue>> {
        let mut issues = Vec::new();
        if self.steps.is_empty() {
            issues.push(ProcessIssue::whole(
                "process_empty",
                "Quy trình chưa có bước nào".to_owned(),
            ));
            return Err(issues);
        }
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, s) in self.steps.iter().enumerate() {
            if index.insert(s.id.as_str(), i).is_some() {
                issues.push(ProcessIssue::at(
                    &s.id,
                    "process_duplicate_step",
                    "mã bước bị trùng".to_owned(),
                ));
            }
        }
        let mut minutes = vec![0u64; self.steps.len()];
        for (i, s) in self.steps.iter().enumerate() {
            if s.role.is_none() {
                issues.push(ProcessIssue::at(
                    &s.id,
                    "process_step_without_role",
                    "chưa chọn vai trò thực hiện".to_owned(),
                ));
            }
            if let Acting::Agency(a) = &s.agency
                && !unit_known(a)
            {
                issues.push(ProcessIssue::at(
                    &s.id,
                    "process_unknown_agency",
                    format!("không có cơ quan mã {a}"),
                ));
            }
            if s.kind == StepKind::Consult
                && s.unit.is_none()
                && !matches!(s.agency, Acting::Agency(_))
            {
                issues.push(ProcessIssue::at(
                    &s.id,
                    "process_consult_without_target",
                    "bước xin ý kiến phải ghi đơn vị hoặc cơ quan được hỏi".to_owned(),
                ));
            }
            if let Some(u) = &s.unit
                && !unit_known(u)
            {
                issues.push(ProcessIssue::at(
                    &s.id,
                    "process_unknown_unit",
                    format!("không có đơn vị mã {u}"),
                ));
            }
            match parse_share(&s.share, minutes_per_day) {
                Some(m) => {
                    if let Some(slot) = minutes.get_mut(i) {
                        *slot = m;
                    }
                }
                None => issues.push(ProcessIssue::at(
                    &s.id,
                    "process_bad_share",
                    format!(
                        "thời gian “{}” không đọc được (ví dụ: 4h, 2d, 30m)",
                        s.share
                    ),
                )),
            }
            for p in &s.after {
                if !index.contains_key(p.as_str()) {
                    issues.push(ProcessIssue::at(
                        &s.id,
                        "process_unknown_step",
                        format!("chờ bước “{p}” không có trong quy trình"),
                    ));
                }
            }
        }
        let starts: Vec<&StepDef> = self.steps.iter().filter(|s| s.after.is_empty()).collect();
        if starts.is_empty() {
            issues.push(ProcessIssue::whole(
                "process_no_start",
                "Không có bước bắt đầu (bước không chờ bước nào)".to_owned(),
            ));
        }
        for s in starts.iter().filter(|s| s.kind != StepKind::Receive) {
            issues.push(ProcessIssue::at(
                &s.id,
                "process_start_not_receive",
                "quy trình bắt đầu bằng bước tiếp nhận".to_owned(),
            ));
        }
        if !self.steps.iter().any(|s| s.kind == StepKind::Return) {
            issues.push(ProcessIssue::whole(
                "process_no_return",
                "Quy trình phải có bước trả kết quả".to_owned(),
            ));
        }
        let order = match topological(&self.steps, &index) {
            Ok(o) => o,
            Err(step) => {
                issues.push(ProcessIssue::at(
                    &step,
                    "process_cycle",
                    "các bước chờ nhau thành vòng".to_owned(),
                ));
                return Err(issues);
            }
        };
        // Longest path: a step ends when the last of those it waits for has ended.
        let mut end = vec![0u64; self.steps.len()];
        let mut via: Vec<Option<usize>> = vec![None; self.steps.len()];
        for &i in &order {
            let Some(s) = self.steps.get(i) else { continue };
            let (start, from) = s
                .after
                .iter()
                .filter_map(|p| index.get(p.as_str()).copied())
                .map(|p| (end.get(p).copied().unwrap_or(0), Some(p)))
                .max()
                .unwrap_or((0, None));
            if let (Some(e), Some(v)) = (end.get_mut(i), via.get_mut(i)) {
                *e = start + minutes.get(i).copied().unwrap_or(0);
                *v = from;
            }
        }
        let (total, last) = end
            .iter()
            .enumerate()
            .map(|(i, &e)| (e, i))
            .max()
            .unwrap_or((0, 0));
        if limit == Some(TimeLimit::Immediately) && total > u64::from(minutes_per_day) {
            issues.push(ProcessIssue::whole(
                "process_shares_mismatch",
                format!(
                    "Thủ tục giải quyết trong ngày nhưng tổng thời gian các bước là {}, quá một ngày làm việc ({})",
                    hours(total),
                    hours(u64::from(minutes_per_day))
                ),
            ));
        }
        if let Some(limit_minutes) = limit.and_then(|l| l.working_minutes(minutes_per_day))
            && total != limit_minutes
        {
            let mut path = vec![last];
            while let Some(Some(p)) = path.last().and_then(|&i| via.get(i)) {
                path.push(*p);
            }
            let names: Vec<&str> = path
                .iter()
                .rev()
                .filter_map(|&i| self.steps.get(i).map(|s| s.id.as_str()))
                .collect();
            issues.push(ProcessIssue::whole(
                "process_shares_mismatch",
                format!(
                    "Tổng thời gian theo đường dài nhất ({}) là {}, thời hạn giải quyết là {} ({})",
                    names.join(" → "),
                    hours(total),
                    hours(limit_minutes),
                    if total > limit_minutes {
                        "vượt thời hạn"
                    } else {
                        "còn thiếu"
                    }
                ),
            ));
        }
        if issues.is_empty() {
            Ok(Process {
                def: self,
                order,
                minutes,
                total,
            })
        } else {
            Err(issues)
        }
    }
}

fn hours(minutes: u64) -> String {
    if minutes.is_multiple_of(60) {
        format!("{} giờ làm việc", minutes / 60)
    } else {
        format!("{} giờ {} phút làm việc", minutes / 60, minutes % 60)
    }
}

/// Steps in dependency order, or a step on a cycle.
fn topological(steps: &[StepDef], index: &BTreeMap<&str, usize>) -> Result<Vec<usize>, String> {
    let mut waiting: Vec<usize> = steps
        .iter()
        .map(|s| {
            s.after
                .iter()
                .filter(|p| index.contains_key(p.as_str()))
                .collect::<BTreeSet<_>>()
                .len()
        })
        .collect();
    let mut ready: BTreeSet<usize> = (0..steps.len())
        .filter(|&i| waiting.get(i) == Some(&0))
        .collect();
    let mut order = Vec::with_capacity(steps.len());
    while let Some(i) = ready.pop_first() {
        order.push(i);
        let Some(id) = steps.get(i).map(|s| s.id.as_str()) else {
            continue;
        };
        for (j, s) in steps.iter().enumerate() {
            // (A duplicated step ID releases its followers once.)
            if s.after.iter().any(|p| p == id)
                && let Some(w) = waiting.get_mut(j)
                && *w > 0
            {
                *w -= 1;
                if *w == 0 {
                    ready.insert(j);
                }
            }
        }
    }
    match (0..steps.len()).find(|i| !order.contains(i)) {
        Some(i) => Err(steps.get(i).map(|s| s.id.clone()).unwrap_or_default()),
        None => Ok(order),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Birth registration at a commune: 3 working days, with one consultation of the
    /// police in parallel with the specialist's examination.
    const BIRTH: &str = r#"
procedure: "1.001193"
valid_from: 2026-01-01
steps:
  - {id: tiep-nhan, name: Tiếp nhận hồ sơ, kind: receive, agency: receiving, role: receiving_officer, share: 4h}
  - {id: tham-dinh, name: Thẩm định hồ sơ, kind: process, unit: H79.50.01.TP, role: specialist, share: 1d, after: [tiep-nhan]}
  - {id: xin-y-kien, name: Xin ý kiến công an xã, kind: consult, agency: H79.50.01.CA, role: specialist, share: 6h, after: [tiep-nhan]}
  - {id: trinh-ky, name: Trình ký, kind: submit_for_approval, unit: H79.50.01.TP, role: specialist, share: 4h, after: [tham-dinh, xin-y-kien]}
  - {id: ky, name: "Phê duyệt, ký", kind: approve, role: agency_leader, share: 4h, after: [trinh-ky]}
  - {id: tra, name: Trả kết quả, kind: return, agency: receiving, role: receiving_officer, share: 4h, after: [ky]}
"#;

    fn known(u: &str) -> bool {
        u.starts_with("H79.50.01.")
    }

    fn codes(r: Result<Process, Vec<ProcessIssue>>) -> Vec<(Option<String>, &'static str)> {
        r.unwrap_err()
            .into_iter()
            .map(|i| (i.step, i.code))
            .collect()
    }

    #[test]
    fn shares_add_up_along_the_longest_path() {
        let p = ProcessDef::from_yaml(BIRTH)
            .unwrap()
            .check(TimeLimit::WorkingDays(3), 480, &known)
            .unwrap();
        // 4h + max(1d, 6h) + 4h + 4h + 4h = 3 days of 8 hours; the consultation overlaps.
        assert_eq!(p.total, 3 * 480);
        let ids: Vec<&str> = p
            .order
            .iter()
            .map(|&i| p.def.steps[i].id.as_str())
            .collect();
        assert_eq!(ids.first(), Some(&"tiep-nhan"));
        assert_eq!(ids.last(), Some(&"tra"));
        let pos = |id| ids.iter().position(|x| *x == id).unwrap();
        assert!(pos("trinh-ky") > pos("tham-dinh") && pos("trinh-ky") > pos("xin-y-kien"));
    }

    #[test]
    fn shares_that_do_not_add_up_are_named_with_the_path() {
        let issues = ProcessDef::from_yaml(BIRTH)
            .unwrap()
            .check(TimeLimit::WorkingDays(2), 480, &known)
            .unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].code, "process_shares_mismatch");
        assert!(
            issues[0]
                .message
                .contains("tiep-nhan → tham-dinh → trinh-ky → ky → tra")
                && issues[0].message.contains("24 giờ làm việc")
                && issues[0].message.contains("vượt thời hạn"),
            "{}",
            issues[0].message
        );
        // A limit in calendar days is not working time: shares are not summed against it.
        assert!(
            ProcessDef::from_yaml(BIRTH)
                .unwrap()
                .check(TimeLimit::Days(15), 480, &known)
                .is_ok()
        );
    }

    #[test]
    fn bad_definitions_are_refused_naming_the_step() {
        let mut def = ProcessDef::from_yaml(BIRTH).unwrap();
        def.steps[1].role = None;
        def.steps[2].unit = Some("H01.99".into());
        def.steps[3].share = "bốn giờ".into();
        def.steps[4].after = vec!["khong-co".into()];
        assert_eq!(
            codes(def.check(TimeLimit::WorkingDays(3), 480, &known)),
            vec![
                (Some("tham-dinh".into()), "process_step_without_role"),
                (Some("xin-y-kien".into()), "process_unknown_unit"),
                (Some("trinh-ky".into()), "process_bad_share"),
                (Some("ky".into()), "process_unknown_step"),
                (None, "process_shares_mismatch"),
            ]
        );
        // A cycle: the approval waits for the return, which waits for the approval.
        let mut def = ProcessDef::from_yaml(BIRTH).unwrap();
        def.steps[4].after = vec!["trinh-ky".into(), "tra".into()];
        assert_eq!(
            codes(def.check(TimeLimit::WorkingDays(3), 480, &known)),
            vec![(Some("ky".into()), "process_cycle")]
        );
        // Duplicate IDs, no receipt first, no return.
        let mut def = ProcessDef::from_yaml(BIRTH).unwrap();
        def.steps[5].id = "ky".into();
        def.steps[5].kind = StepKind::Approve;
        def.steps[0].kind = StepKind::Process;
        let got = codes(def.check(TimeLimit::WorkingDays(3), 480, &known));
        for want in [
            (Some("ky".to_owned()), "process_duplicate_step"),
            (Some("tiep-nhan".to_owned()), "process_start_not_receive"),
            (None, "process_no_return"),
        ] {
            assert!(got.contains(&want), "{want:?} in {got:?}");
        }
        assert_eq!(
            ProcessDef::from_yaml("procedure: x\nvalid_from: 2026-01-01\nsteps: []\n")
                .unwrap()
                .check(TimeLimit::WorkingDays(1), 480, &known)
                .unwrap_err()[0]
                .code,
            "process_empty"
        );
        assert_eq!(
            ProcessDef::from_yaml("steps: 3").unwrap_err().code,
            "process_unreadable"
        );
    }

    #[test]
    fn shares_read_in_minutes_hours_and_days() {
        assert_eq!(parse_share("4h", 480), Some(240));
        assert_eq!(parse_share("1.5d", 480), Some(720));
        assert_eq!(parse_share("0,5 ngày", 480), Some(240));
        assert_eq!(parse_share("30m", 480), Some(30));
        assert_eq!(parse_share("2 giờ", 450), Some(120));
        assert_eq!(parse_share("4", 480), None);
        assert_eq!(parse_share("-1h", 480), None);
        assert_eq!(parse_share("0.3m", 480), None);
    }

    proptest::proptest! {
        /// A receipt, then branches of steps run side by side, then a return: the
        /// total is the receipt, the longest branch and the return, whatever the order
        /// the steps are written in.
        #[test]
        fn the_total_is_the_longest_path(
            branches in proptest::collection::vec(proptest::collection::vec(1u64..40, 1..5), 1..4),
            rotate in 0usize..10,
        ) {
            let step = |id: String, kind: StepKind, hours: u64, after: Vec<String>| StepDef {
                name: id.clone(),
                id,
                kind,
                agency: Acting::Handling,
                unit: None,
                role: Some(Role::Specialist),
                share: format!("{hours}h"),
                after,
                assign: AssignRule::Unit,
                officer: None,
                outcomes: vec![],
            };
            let mut steps = vec![step("nhan".into(), StepKind::Receive, 2, vec![])];
            let mut ends = Vec::new();
            for (b, hours) in branches.iter().enumerate() {
                let mut prev = "nhan".to_owned();
                for (k, h) in hours.iter().enumerate() {
                    let id = format!("b{b}s{k}");
                    steps.push(step(id.clone(), StepKind::Process, *h, vec![prev]));
                    prev = id;
                }
                ends.push(prev);
            }
            steps.push(step("tra".into(), StepKind::Return, 3, ends));
            let n = steps.len();
            steps.rotate_left(rotate % n);
            let longest: u64 = branches.iter().map(|b| b.iter().sum::<u64>()).max().unwrap();
            let def = ProcessDef { procedure: "x".into(), valid_from: NaiveDate::MIN, steps };
            let total_hours = 2 + longest + 3;
            let p = def
                .check(TimeLimit::WorkingHours(u32::try_from(total_hours).unwrap()), 480, &|_| true)
                .unwrap();
            proptest::prop_assert_eq!(p.total, total_hours * 60);
            // Every step comes after those it waits for.
            for (pos, &i) in p.order.iter().enumerate() {
                for a in &p.def.steps[i].after {
                    let j = p.def.steps.iter().position(|s| &s.id == a).unwrap();
                    proptest::prop_assert!(p.order[..pos].contains(&j));
                }
            }
        }
    }
}
