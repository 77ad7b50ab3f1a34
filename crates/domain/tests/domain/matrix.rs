//! The authorisation matrix: every subject × every action × every state of a dossier
//! filed at commune A, generated and decided by the real rules. Two kinds of check:
//!
//! - invariants that hold for every cell (0 leaks): nobody outside the dossier's
//!   agencies acts on it or sees it, a citizen acts only on their own dossier and only as
//!   an applicant, an officer acts only through a role that the action names;
//! - the full allow/deny table, compared with `authz-matrix.txt` beside this file, so a
//!   change to any cell shows in review. `MOTCUA_BLESS=1` rewrites the file after a
//!   deliberate change.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use motcua_domain::policy::{Action, Resource, authorize, can_view};
use motcua_domain::{Dossier, Status};
use serde_json::{Value, json};

use crate::fixture::{A, B, DEPT, World, birth_request};

/// Who may ask, and how they relate to the dossier.
const SUBJECTS: [(&str, &str); 10] = [
    ("citizen", "owner"),
    ("citizen2", "another citizen"),
    ("officer", "receiving officer of A"),
    ("specialist", "specialist of A, assigned"),
    ("specialist2", "specialist of A, same unit, not assigned"),
    ("leader", "unit and agency leader of A"),
    ("officer_b", "receiving officer of B"),
    (
        "specialist_b",
        "specialist of B (consulted in the consulting states)",
    ),
    ("dept", "specialist and unit leader of the department"),
    ("helper", "receiving officer of B, not the helper"),
];

fn actions() -> Vec<(&'static str, Value)> {
    vec![
        ("receive", json!({})),
        (
            "request-supplement",
            json!({"items": ["Giấy chứng sinh"], "reason": "Thiếu"}),
        ),
        ("supplement", json!({"note": "Đã bổ sung"})),
        ("refuse", json!({"reason": "Không đủ điều kiện"})),
        (
            "assign",
            json!({"assignee": "specialist2", "note": "Điều chỉnh phân công"}),
        ),
        ("process", json!({})),
        ("consult", json!({"target": B, "question": "Xác minh?"})),
        ("consult-reply", json!({"answer": "Đúng"})),
        (
            "transfer",
            json!({"agency": DEPT, "reason": "Thẩm quyền Sở"}),
        ),
        ("submit-for-approval", json!({})),
        ("approve", json!({})),
        ("send-back", json!({"reason": "Sửa"})),
        ("issue-result", json!({"result_number": "1/2026"})),
        ("return-result", json!({"method": "counter"})),
        ("withdraw", json!({"reason": "Không cần nữa"})),
        ("pause", json!({"reason": "Chờ phí", "kind": "fee_payment"})),
        ("resume", json!({})),
        (
            "extend",
            json!({"new_due": "2026-12-30", "reason": "Xác minh", "apology": "Xin lỗi"}),
        ),
        ("stop", json!({"reason": "Dừng"})),
        ("rate", json!({"level": "satisfied"})),
    ]
}

/// A dossier of citizen's filed online at A in each state the rules can reach.
fn states(w: &World) -> Vec<(&'static str, Dossier)> {
    let t = |h: u32| format!("2026-10-08 {:02}:00", 8 + h);
    let submitted = w.submit("citizen", &t(0), birth_request(A)).unwrap();
    let received = w.ok(&submitted, "officer", &t(1), "receive", json!({}));
    let supplement_requested = w.ok(
        &received,
        "officer",
        &t(2),
        "request-supplement",
        json!({"items": ["Giấy chứng sinh"], "reason": "Thiếu"}),
    );
    let supplemented = w.ok(
        &supplement_requested,
        "citizen",
        &t(3),
        "supplement",
        json!({}),
    );
    let refused = w.ok(
        &received,
        "officer",
        &t(2),
        "refuse",
        json!({"reason": "Sai"}),
    );
    let withdrawn = w.ok(
        &submitted,
        "citizen",
        &t(1),
        "withdraw",
        json!({"reason": "Thôi"}),
    );
    let assigned = w.ok(
        &received,
        "officer",
        &t(2),
        "assign",
        json!({"assignee": "specialist"}),
    );
    let in_process = w.ok(&assigned, "specialist", &t(3), "process", json!({}));
    let consulting = w.ok(
        &in_process,
        "specialist",
        &t(4),
        "consult",
        json!({"target": B, "question": "Xác minh?"}),
    );
    let paused = w.ok(
        &in_process,
        "specialist",
        &t(4),
        "pause",
        json!({"reason": "Chờ phí", "kind": "fee_payment"}),
    );
    let transferred = w.ok(
        &in_process,
        "specialist",
        &t(4),
        "transfer",
        json!({"agency": DEPT, "reason": "Thẩm quyền Sở"}),
    );
    let awaiting = w.ok(
        &in_process,
        "specialist",
        &t(4),
        "submit-for-approval",
        json!({}),
    );
    let approved = w.ok(&awaiting, "leader", &t(5), "approve", json!({}));
    let ready = w.ok(
        &approved,
        "specialist",
        &t(6),
        "issue-result",
        json!({"result_number": "9/2026"}),
    );
    let returned = w.ok(
        &ready,
        "officer",
        &t(7),
        "return-result",
        json!({"method": "counter"}),
    );
    let stopped = w.ok(
        &in_process,
        "leader",
        &t(4),
        "stop",
        json!({"reason": "Dừng"}),
    );
    let out = vec![
        ("submitted", submitted),
        ("received", received),
        ("supplement_requested", supplement_requested),
        ("supplemented", supplemented),
        ("refused", refused),
        ("withdrawn", withdrawn),
        ("assigned", assigned),
        ("in_process", in_process),
        ("consulting", consulting),
        ("paused", paused),
        ("transferred", transferred),
        ("awaiting_approval", awaiting),
        ("approved", approved),
        ("result_ready", ready),
        ("returned", returned),
        ("stopped", stopped),
    ];
    for (name, d) in &out {
        assert_eq!(d.status.as_str(), *name, "the walk reaches {name}");
    }
    out
}

#[test]
fn authorisation_matrix() {
    let w = World::new();
    let states = states(&w);
    let actions = actions();
    let mut table = String::new();
    let mut cells = 0usize;
    let mut allowed = 0usize;
    let mut by_reason: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (state, d) in &states {
        let consulted = d.agencies_involved().any(|a| a == B);
        for (who, _) in SUBJECTS {
            let subject = w.subject(who);
            // Reads: the dossier is visible to its owner and to the officers of the
            // agencies it went through, to nobody else.
            let sees = can_view(&subject, d);
            let may_see = match who {
                "citizen" | "officer" | "specialist" | "specialist2" | "leader" => true,
                "specialist_b" | "officer_b" | "helper" => consulted,
                "dept" => d.handling_agency == DEPT,
                _ => false,
            };
            assert_eq!(sees, may_see, "{who} viewing a {state} dossier");
            let mut row = Vec::new();
            for (action, body) in &actions {
                cells += 1;
                // Late evening of the next day: late enough for anything timed, early
                // enough for the apology's new date to be ahead.
                let verdict = w.act(d, who, "2026-10-09 16:00", action, body.clone());
                let reason = match &verdict {
                    Ok(_) => "allowed",
                    Err(e) => e.code(),
                };
                *by_reason.entry(reason).or_default() += 1;
                // The state machine asks the policy: where the step is possible at all,
                // the policy's answer is the cell's (a few cells add checks of the
                // request itself, e.g. a specialist acting on a colleague's dossier).
                let kind = motcua_domain::dossier::parse_action(action).unwrap();
                let grant = authorize(
                    &subject,
                    Action::Act(kind),
                    Resource::Dossier(d),
                    day("2026-10-09"),
                );
                match (&verdict, &grant) {
                    (Ok(_), Err(e)) => {
                        panic!("{who} did {action} ({state}) the policy refuses: {e:?}")
                    }
                    (Err(e), Err(_)) => assert!(
                        ["forbidden", "transition_not_allowed"].contains(&e.code()),
                        "{who} {action} ({state}): {}",
                        e.code()
                    ),
                    _ => {}
                }
                if verdict.is_err() {
                    continue;
                }
                allowed += 1;
                row.push(*action);
                // Invariants of every allowed cell.
                assert!(
                    sees,
                    "{who} acts on a {state} dossier it cannot see: {action}"
                );
                assert_ne!(who, "citizen2", "another citizen may do {action} ({state})");
                if who == "citizen" {
                    assert!(
                        ["supplement", "withdraw", "rate"].contains(action),
                        "the owner may only act as the applicant, not {action} ({state})"
                    );
                } else {
                    // At the counter the receiving officer records the applicant's
                    // supplement or written withdrawal; nobody rates for them.
                    assert!(
                        !["supplement", "withdraw", "rate"].contains(action)
                            || (*action != "rate" && who == "officer"),
                        "{who} acts for the applicant: {action} ({state})"
                    );
                }
                if ["officer_b", "helper", "specialist_b"].contains(&who) {
                    assert_eq!(
                        (*action, *state),
                        ("consult-reply", "consulting"),
                        "{who} of another agency may only answer a consultation"
                    );
                }
                if d.handling_agency != A {
                    assert!(
                        !["specialist", "specialist2", "leader"].contains(&who),
                        "{who} of A acts on a dossier now handled by {}: {action}",
                        d.handling_agency
                    );
                }
                if who == "dept" {
                    assert_eq!(
                        *state, "transferred",
                        "the department acts once it handles it"
                    );
                }
            }
            if !row.is_empty() {
                writeln!(table, "{state:<20} {who:<12} {}", row.join(" ")).unwrap();
            }
        }
    }
    assert_eq!(cells, states.len() * SUBJECTS.len() * actions.len());
    println!(
        "authorisation matrix: {cells} cells ({} states × {} subjects × {} actions), \
         {allowed} allowed; outcomes {by_reason:?}",
        states.len(),
        SUBJECTS.len(),
        actions.len()
    );

    let file =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/domain/authz-matrix.txt");
    let header = "# Allowed actions per state and subject, written by the authorisation_matrix test\n\
                  # (MOTCUA_BLESS=1 cargo test -p motcua-domain --test domain authorisation_matrix).\n\
                  # Every cell not listed is refused. Review any change line by line.\n";
    let want = format!("{header}{table}");
    if std::env::var("MOTCUA_BLESS").as_deref() == Ok("1") {
        std::fs::write(&file, &want).unwrap();
    }
    let have = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        have == want,
        "the authorisation matrix changed; review and bless it. Now:\n{want}"
    );
    // Every status a dossier can be in was part of the walk, except a draft.
    let covered: Vec<Status> = states.iter().map(|(_, d)| d.status).collect();
    assert_eq!(covered.len(), 16);
}

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The actions on no dossier, for every subject: who reads which agency's register,
/// finds applicants at the counter, searches the audit log, administers, exports
/// their own data.
#[test]
fn authorisation_beyond_dossiers() {
    let w = World::new();
    let today = day("2026-10-09");
    let mut rows = Vec::new();
    let mut cells = 0;
    for (who, _) in SUBJECTS.iter().chain(&[("admin", "administrator")]) {
        let subject = w.subject(who);
        let mut allowed = Vec::new();
        for (name, action, resource) in [
            ("register-A", Action::ReadRegister, Resource::Agency(A)),
            ("register-B", Action::ReadRegister, Resource::Agency(B)),
            (
                "register-DEPT",
                Action::ReadRegister,
                Resource::Agency(DEPT),
            ),
            ("find-applicant", Action::FindApplicant, Resource::System),
            ("audit", Action::SearchAudit, Resource::System),
            ("administer", Action::Administer, Resource::System),
            ("export-own", Action::ExportOwnData, Resource::System),
            ("collect-A", Action::CollectFees, Resource::Agency(A)),
            ("refund-A", Action::RefundFees, Resource::Agency(A)),
            ("takings-A", Action::ReadTakings, Resource::Agency(A)),
            ("takings-DEPT", Action::ReadTakings, Resource::Agency(DEPT)),
        ] {
            cells += 1;
            match authorize(&subject, action, resource, today) {
                Ok(_) => allowed.push(name),
                Err(e) => assert_eq!(e.code(), "forbidden", "{who} {name}"),
            }
        }
        rows.push(format!("{who}: {}", allowed.join(" ")));
    }
    assert_eq!(cells, 11 * 11);
    assert_eq!(
        rows,
        [
            "citizen: export-own",
            "citizen2: export-own",
            "officer: register-A find-applicant collect-A takings-A",
            "specialist: register-A",
            "specialist2: register-A",
            "leader: register-A collect-A refund-A takings-A",
            "officer_b: register-B find-applicant",
            "specialist_b: register-B",
            "dept: register-DEPT takings-DEPT",
            "helper: register-B find-applicant",
            "admin: register-A register-B register-DEPT audit administer takings-A takings-DEPT",
        ]
    );
}
