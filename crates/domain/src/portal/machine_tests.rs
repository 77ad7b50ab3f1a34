//! Walks our real state machine ([`crate::decide`]) breadth-first from an online and
//! a counter dossier, trying every action by every kind of actor, and checks that
//! each step it allows is an allowed portal transition or no change — and that the
//! portal transition table allows nothing our machine never does, except the rows
//! documented as portal-only.

use std::collections::{BTreeSet, VecDeque};

use motcua_calendar::{DeadlineRules, TimeLimit, WorkCalendar};
use serde_json::{Value, json};

use super::fixture::at;
use super::status::{InternalState, PortalStatus, TRANSITIONS, TransitionCheck, check_transition};
use crate::catalog::{Channel, OnlineMode, Procedure, ProcedureLevel, ProcedureVersion};
use crate::form::FormSchema;
use crate::org::{
    Account, AccountKind, AdminLevel, AdminUnit, Agency, Directory, OrgUnit, Role, RoleAssignment,
};
use crate::{Catalog, Command, Ctx, Dossier, Status, Subject, SubmitRequest, decide, submit};

const A: &str = "H79.50.01";
const B: &str = "H79.50.02";
const DEPT: &str = "H79.10";

fn directory() -> Directory {
    let mut d = Directory::default();
    d.admin_units.insert(
        "79".into(),
        AdminUnit {
            code: "79".into(),
            name: "Thành phố Hồ Chí Minh".into(),
            level: AdminLevel::Province,
            parent: None,
        },
    );
    for (code, name) in [(A, "UBND xã A"), (B, "UBND phường B"), (DEPT, "Sở X")] {
        d.agencies.insert(
            code.into(),
            Agency {
                code: code.into(),
                name: name.into(),
                admin_unit: "79".into(),
                parent: None,
            },
        );
    }
    for (code, agency) in [("A.TP", A), ("DEPT.DD", DEPT)] {
        d.units.insert(
            code.into(),
            OrgUnit {
                code: code.into(),
                agency: agency.into(),
                name: code.into(),
            },
        );
    }
    let role = |role, agency: &str, unit: Option<&str>| RoleAssignment {
        role,
        agency: agency.into(),
        unit: unit.map(Into::into),
    };
    let officers = [
        ("officer", vec![role(Role::ReceivingOfficer, A, None)]),
        ("specialist", vec![role(Role::Specialist, A, Some("A.TP"))]),
        (
            "leader",
            vec![
                role(Role::UnitLeader, A, Some("A.TP")),
                role(Role::AgencyLeader, A, None),
            ],
        ),
        (
            "dept",
            vec![
                role(Role::Specialist, DEPT, Some("DEPT.DD")),
                role(Role::UnitLeader, DEPT, Some("DEPT.DD")),
                role(Role::AgencyLeader, DEPT, None),
            ],
        ),
    ];
    for (username, roles) in officers {
        d.officers.insert(
            username.into(),
            Account {
                username: username.into(),
                full_name: username.into(),
                kind: AccountKind::Officer,
                roles,
                id_number: None,
                phone: None,
                email: None,
            },
        );
    }
    d
}

fn catalog() -> Catalog {
    Catalog::new([Procedure {
        code: "1.001193".into(),
        name: "Thủ tục đăng ký khai sinh".into(),
        sector: "Hộ tịch".into(),
        level: ProcedureLevel::Commune,
        versions: vec![ProcedureVersion {
            valid_from: chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
            time_limit: TimeLimit::WorkingDays(3),
            cutoff: None,
            online_mode: OnlineMode::Partial,
            channels: vec![Channel::Counter, Channel::Online],
            fees: vec![],
            required_documents: vec![],
            form: FormSchema::default(),
            result: "Giấy khai sinh".into(),
            legal_basis: vec![],
            handling_agency: None,
            note: None,
        }],
        source: None,
    }])
}

/// The actions tried at every state, with a body each.
fn commands() -> Vec<(&'static str, Value)> {
    vec![
        ("receive", json!({})),
        ("request-supplement", json!({"items": ["a"], "reason": "b"})),
        ("supplement", json!({})),
        ("refuse", json!({"reason": "r"})),
        ("assign", json!({"assignee": "specialist"})),
        ("assign", json!({"assignee": "dept"})),
        ("process", json!({})),
        ("consult", json!({"target": B, "question": "q"})),
        ("consult-reply", json!({"answer": "a"})),
        ("transfer", json!({"agency": DEPT})),
        ("submit-for-approval", json!({})),
        ("approve", json!({})),
        ("send-back", json!({"reason": "r"})),
        ("issue-result", json!({})),
        ("return-result", json!({})),
        ("withdraw", json!({"reason": "r"})),
        ("pause", json!({"reason": "r", "kind": "fee_payment"})),
        ("pause", json!({"reason": "r", "kind": "other"})),
        ("resume", json!({})),
        ("extend", json!({"new_due": "2026-10-20", "reason": "r"})),
        ("stop", json!({"reason": "r"})),
        ("rate", json!({"level": "satisfied"})),
    ]
}

/// What makes two dossiers behave alike for this walk.
fn key(d: &Dossier) -> String {
    format!(
        "{:?}|{}|{:?}|{:?}|{}|{}|{}|{}|{}",
        d.status,
        d.received_at.is_some(),
        d.pause_kind,
        d.resume_status,
        d.handling_agency,
        d.assignee.as_deref().unwrap_or("-"),
        d.open_consultations().len(),
        d.extended,
        d.rating.is_some()
    )
}

#[test]
fn every_step_of_our_machine_is_an_allowed_portal_transition() {
    let directory = directory();
    let catalog = catalog();
    let calendar = WorkCalendar::vietnam().unwrap();
    let rules = DeadlineRules::default();
    let processes = crate::process::ProcessBook::default();
    let now = at("2026-10-08 10:00");
    let subject = |name: &str| match directory.officer(name) {
        Some(a) => Subject::from_account(a),
        None => Subject::Citizen {
            username: name.into(),
        },
    };
    let actors: Vec<Subject> = ["citizen", "officer", "specialist", "leader", "dept"]
        .into_iter()
        .map(subject)
        .collect();
    let ctx = |s| Ctx {
        subject: s,
        directory: &directory,
        catalog: &catalog,
        calendar: &calendar,
        rules: &rules,
        processes: &processes,
        now,
    };
    let request = |channel: Option<&str>| -> SubmitRequest {
        serde_json::from_value(json!({
            "procedure": "1.001193",
            "agency": A,
            "channel": channel,
            "applicant": {"name": "Nguyễn Văn An", "id_number": "001099012345"},
        }))
        .unwrap()
    };
    let online = submit(request(None), &ctx(&actors[0])).unwrap();
    let counter = submit(request(Some("counter")), &ctx(&actors[1])).unwrap();
    assert_eq!(online.status, Status::Submitted);
    assert_eq!(counter.status, Status::Received);

    let mut queue = VecDeque::from([online, counter]);
    let mut seen: BTreeSet<String> = queue.iter().map(key).collect();
    let mut steps: BTreeSet<(InternalState, InternalState)> = BTreeSet::new();
    let mut portal_steps: BTreeSet<(PortalStatus, PortalStatus)> = BTreeSet::new();
    let mut statuses: BTreeSet<Status> = BTreeSet::new();
    while let Some(d) = queue.pop_front() {
        statuses.insert(d.status);
        for (action, body) in commands() {
            let kind = crate::dossier::parse_action(action).unwrap();
            let cmd = Command::parse(kind, &body).unwrap();
            for who in &actors {
                let Ok(decision) = decide(&d, cmd.clone(), &ctx(who)) else {
                    continue;
                };
                let next = decision.dossier;
                let (from, to) = (InternalState::of(&d), InternalState::of(&next));
                let (pf, pt) = (from.portal(), to.portal());
                assert_ne!(
                    check_transition(pf, pt),
                    TransitionCheck::Forbidden,
                    "{action} by {who:?}: {from:?} → {to:?} is portal {} → {}",
                    pf.code(),
                    pt.code()
                );
                steps.insert((from, to));
                if pf != pt {
                    portal_steps.insert((pf, pt));
                }
                if seen.insert(key(&next)) {
                    queue.push_back(next);
                }
            }
        }
    }
    // The walk really covered the machine.
    assert_eq!(statuses, Status::ALL.into_iter().collect::<BTreeSet<_>>());
    assert!(steps.len() > 40, "only {} steps", steps.len());
    // The table is no looser than the machine, except the documented portal-only row.
    let portal_only = [(PortalStatus::WithdrawalRequested, PortalStatus::Stopped)];
    for (from, next) in TRANSITIONS {
        for &to in next {
            assert!(
                portal_steps.contains(&(from, to)) || portal_only.contains(&(from, to)),
                "{} → {} is allowed but our machine never takes it",
                from.code(),
                to.code()
            );
        }
    }
}
