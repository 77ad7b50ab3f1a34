//! Who gets a dossier when it reaches a step: the unit's leader decides, or a rule
//! picks the specialist (the least loaded, or each in turn).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How the officer of a step is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignRule {
    /// The unit receives it; its leader (or the receiving officer) assigns.
    #[default]
    Unit,
    /// The specialist with the fewest open dossiers (ties: who waited longest).
    LeastLoaded,
    /// Each specialist in turn: the one whose last assignment is the oldest.
    RoundRobin,
}

impl AssignRule {
    /// Whether it is the default (left out when written).
    pub fn is_default(&self) -> bool {
        *self == AssignRule::Unit
    }

    /// Whether the system picks the officer itself.
    pub fn is_automatic(self) -> bool {
        self != AssignRule::Unit
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Unit => "Lãnh đạo đơn vị phân công",
            Self::LeastLoaded => "Tự động: người ít hồ sơ nhất",
            Self::RoundRobin => "Tự động: lần lượt",
        }
    }
}

/// An officer who could take the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Username.
    pub username: String,
    /// Dossiers assigned to them and not yet finished.
    pub open: u64,
    /// When they were last given one, if ever.
    pub last_assigned: Option<DateTime<Utc>>,
}

/// An assignment the system should make now: the dossier was just received, and the
/// examination that follows has an automatic rule or a named officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoAssign {
    /// The examination step.
    pub step: String,
    /// Its rule.
    pub rule: AssignRule,
    /// The named officer, if the step has one.
    pub officer: Option<String>,
    /// The agency whose specialists are candidates.
    pub agency: String,
    /// Their unit, if the step names one.
    pub unit: Option<String>,
}

/// The automatic assignment due for `dossier` (walked as `walk`), if any: it is
/// received and nobody has it yet, and a receipt step now current is followed by an
/// examination with an automatic rule or a named officer.
pub fn pending(
    process: &super::Process,
    walk: &super::Walk,
    dossier: &crate::Dossier,
) -> Option<AutoAssign> {
    if dossier.assignee.is_some() || dossier.status != crate::Status::Received {
        return None;
    }
    let steps = &process.def.steps;
    walk.current_steps()
        .filter(|r| r.kind == super::StepKind::Receive)
        .find_map(|r| {
            steps.iter().enumerate().find_map(|(j, s)| {
                let next = s.kind == super::StepKind::Process
                    && s.after.contains(&r.id)
                    && (s.assign.is_automatic() || s.officer.is_some());
                next.then(|| {
                    let agency = walk
                        .steps
                        .get(j)
                        .map_or_else(|| dossier.handling_agency.clone(), |x| x.agency.clone());
                    AutoAssign {
                        step: s.id.clone(),
                        rule: s.assign,
                        officer: s.officer.clone(),
                        unit: s.unit_at(&agency),
                        agency,
                    }
                })
            })
        })
}

/// The specialists who may take an examination at `agency` (in `unit` when given).
pub fn specialists<'d>(
    directory: &'d crate::Directory,
    agency: &str,
    unit: Option<&str>,
) -> Vec<&'d str> {
    directory
        .officers
        .values()
        .filter(|o| {
            o.roles.iter().any(|r| {
                r.role == crate::Role::Specialist
                    && r.agency == agency
                    && unit.is_none_or(|u| r.unit.as_deref() == Some(u))
            })
        })
        .map(|o| o.username.as_str())
        .collect()
}

/// The officer the rule picks, if there is anyone (`None` for [`AssignRule::Unit`]).
/// Deterministic: ties go to who waited longest, then by username.
pub fn choose(rule: AssignRule, candidates: &[Candidate]) -> Option<&str> {
    // Never assigned sorts first (None < Some).
    let waited = |c: &Candidate| (c.last_assigned, c.username.clone());
    match rule {
        AssignRule::Unit => None,
        AssignRule::LeastLoaded => candidates.iter().min_by_key(|c| (c.open, waited(c))),
        AssignRule::RoundRobin => candidates.iter().min_by_key(|c| waited(c)),
    }
    .map(|c| c.username.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn c(name: &str, open: u64, last: Option<u32>) -> Candidate {
        Candidate {
            username: name.to_owned(),
            open,
            last_assigned: last.map(|h| Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap()),
        }
    }

    #[test]
    fn least_loaded_takes_the_fewest_open_then_who_waited_longest() {
        let cs = [
            c("an", 3, Some(1)),
            c("binh", 1, Some(5)),
            c("chi", 1, Some(2)),
        ];
        assert_eq!(choose(AssignRule::LeastLoaded, &cs), Some("chi"));
        assert_eq!(choose(AssignRule::Unit, &cs), None);
        assert_eq!(choose(AssignRule::LeastLoaded, &[]), None);
    }

    #[test]
    fn round_robin_goes_to_each_in_turn() {
        let mut cs = vec![c("an", 0, None), c("binh", 0, None), c("chi", 0, None)];
        let mut order = Vec::new();
        for hour in 1..=6 {
            let who = choose(AssignRule::RoundRobin, &cs).unwrap().to_owned();
            let picked = cs.iter_mut().find(|x| x.username == who).unwrap();
            picked.last_assigned = Some(Utc.with_ymd_and_hms(2026, 12, 1, hour, 0, 0).unwrap());
            order.push(who);
        }
        assert_eq!(order, ["an", "binh", "chi", "an", "binh", "chi"]);
    }
}
