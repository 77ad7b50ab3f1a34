//! The process engine on real dossiers: parallel consultations that join, a
//! reassignment that keeps its due time, an inter-level transfer whose delay is
//! counted against the right agency, and versions that do not touch dossiers already
//! received.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use motcua_calendar::Timeliness;
use motcua_domain::Dossier;
use motcua_domain::process::{ProcessBook, ProcessDef, SavedProcess, StepState, Walk, walk};
use motcua_domain::time::{from_local, to_local};
use serde_json::json;

use crate::fixture::{A, DEPT, World, at, birth_request};

/// Birth registration (3 working days = 24 hours): after the examination, the other
/// commune and the department are consulted side by side; the summary waits for both.
const PARALLEL: &str = r#"
procedure: "1.001193"
valid_from: 2025-07-01
steps:
  - {id: tiep-nhan, name: Tiếp nhận, kind: receive, agency: receiving, role: receiving_officer, share: 2h}
  - {id: tham-dinh, name: Thẩm định, kind: process, unit: .TP, role: specialist, share: 6h, after: [tiep-nhan],
     outcomes: [assign, process, consult, refuse]}
  - {id: y-kien-b, name: Ý kiến phường B, kind: consult, agency: H79.50.02, role: specialist, share: 4h, after: [tham-dinh]}
  - {id: y-kien-so, name: Ý kiến Sở, kind: consult, agency: H79.10, unit: H79.10.DD, role: specialist, share: 8h, after: [tham-dinh]}
  - {id: tong-hop, name: Tổng hợp, kind: process, unit: .TP, role: specialist, share: 4h, after: [y-kien-b, y-kien-so]}
  - {id: trinh-ky, name: Trình ký, kind: submit_for_approval, role: agency_leader, share: 2h, after: [tong-hop]}
  - {id: phat-hanh, name: Phát hành, kind: approve, unit: .TP, role: specialist, share: 1h, after: [trinh-ky]}
  - {id: tra, name: Trả kết quả, kind: return, agency: receiving, role: receiving_officer, share: 1h, after: [phat-hanh]}
"#;

/// Inter-level: the commune checks (6h), the department takes over (transfer 2h,
/// examination 8h, signature 4h), the commune returns (2h).
const INTER: &str = r#"
procedure: "1.001193"
valid_from: 2025-07-01
steps:
  - {id: tiep-nhan, name: Tiếp nhận, kind: receive, agency: receiving, role: receiving_officer, share: 2h}
  - {id: xac-nhan, name: Xã xác nhận, kind: process, agency: receiving, unit: .TP, role: specialist, share: 6h,
     after: [tiep-nhan], outcomes: [assign, process, transfer, refuse]}
  - {id: chuyen-so, name: Sở tiếp nhận, kind: transfer, agency: H79.10, role: unit_leader, share: 2h, after: [xac-nhan]}
  - {id: so-tham-dinh, name: Sở thẩm định, kind: process, agency: H79.10, unit: H79.10.DD, role: specialist, share: 8h,
     after: [chuyen-so]}
  - {id: so-trinh-ky, name: Sở trình ký, kind: submit_for_approval, agency: H79.10, role: agency_leader, share: 4h,
     after: [so-tham-dinh]}
  - {id: tra, name: Trả kết quả, kind: return, agency: receiving, role: receiving_officer, share: 2h, after: [so-trinh-ky]}
"#;

fn book(versions: &[(&str, i64)]) -> ProcessBook {
    ProcessBook::new(versions.iter().map(|(text, id)| {
        let process = ProcessDef::from_yaml(text)
            .unwrap()
            .check_in(
                &crate::fixture::catalog(),
                &crate::fixture::directory(),
                480,
            )
            .unwrap_or_else(|issues| panic!("{issues:?}"));
        SavedProcess {
            id: *id,
            process: Arc::new(process),
            saved_at: at("2025-07-01 08:00"),
            saved_by: "admin".into(),
        }
    }))
}

fn world_with(versions: &[(&str, i64)]) -> World {
    let mut w = World::new();
    w.processes = book(versions);
    w
}

fn walked(w: &World, d: &Dossier, now: &str) -> Walk {
    let saved = w.processes.get(d.process_id.unwrap()).unwrap();
    walk(&saved.process, d, &w.calendar, at(now)).unwrap()
}

fn step<'a>(walk: &'a Walk, id: &str) -> &'a motcua_domain::process::StepRun {
    walk.steps.iter().find(|s| s.id == id).unwrap()
}

fn local(t: Option<DateTime<Utc>>) -> String {
    to_local(t.unwrap()).format("%Y-%m-%d %H:%M").to_string()
}

fn counter(w: &World, now: &str) -> Dossier {
    let mut req = birth_request(A);
    req["channel"] = json!("counter");
    w.submit("officer", now, req).unwrap()
}

#[test]
fn parallel_consultations_join_before_the_summary() {
    let w = world_with(&[(PARALLEL, 1)]);
    // Thursday 8 October 2026, 08:00: received at the counter.
    let d = counter(&w, "2026-10-08 08:00");
    assert_eq!(d.process_id, Some(1));
    let d = w.ok(
        &d,
        "officer",
        "2026-10-08 08:30",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let d = w.ok(&d, "specialist", "2026-10-08 09:00", "process", json!({}));
    let now = walked(&w, &d, "2026-10-08 09:00");
    assert_eq!(step(&now, "tiep-nhan").state, StepState::Done);
    assert_eq!(step(&now, "tham-dinh").state, StepState::Active);
    assert_eq!(
        step(&now, "tham-dinh").unit.as_deref(),
        Some("H79.50.01.TP")
    );
    // Six working hours from 08:30, over the lunch break (11:30–13:00).
    assert_eq!(local(step(&now, "tham-dinh").due_at), "2026-10-08 16:00");
    // The examination does not allow a submission: the process consults first.
    let refused = w
        .act(
            &d,
            "specialist",
            "2026-10-08 10:00",
            "submit-for-approval",
            json!({}),
        )
        .unwrap_err();
    assert_eq!(refused.code(), "step_outcome_not_allowed");
    assert!(
        refused.message_vi().contains("Thẩm định"),
        "{}",
        refused.message_vi()
    );

    // Two consultations asked in turn run side by side.
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-08 14:00",
        "consult",
        json!({"target": "H79.50.02", "question": "Xác minh cư trú?"}),
    );
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-08 14:10",
        "consult",
        json!({"target": "H79.10", "question": "Ý kiến về hồ sơ?"}),
    );
    let now = walked(&w, &d, "2026-10-08 14:10");
    assert_eq!(step(&now, "tham-dinh").state, StepState::Done);
    let current: Vec<&str> = now.current_steps().map(|s| s.id.as_str()).collect();
    assert_eq!(current, ["y-kien-b", "y-kien-so"]);
    assert_eq!(step(&now, "y-kien-so").agency, DEPT);
    // Both began when the first was asked; each is due its own share later.
    assert_eq!(local(step(&now, "y-kien-b").due_at), "2026-10-09 08:30");
    assert_eq!(local(step(&now, "y-kien-so").due_at), "2026-10-09 14:00");

    // The other commune answers; the summary still waits for the department.
    let d = w.ok(
        &d,
        "specialist_b",
        "2026-10-09 08:00",
        "consult-reply",
        json!({"target": "H79.50.02", "answer": "Đúng"}),
    );
    let now = walked(&w, &d, "2026-10-09 08:00");
    assert_eq!(step(&now, "y-kien-b").state, StepState::Done);
    assert_eq!(
        step(&now, "y-kien-b").officer.as_deref(),
        Some("specialist_b")
    );
    assert_eq!(step(&now, "tong-hop").state, StepState::Waiting);
    assert_eq!(
        now.current_steps()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        ["y-kien-so"]
    );

    // The department answers late (due 14:00, answered 15:00): the delay is its own.
    let d = w.ok(
        &d,
        "dept",
        "2026-10-09 15:00",
        "consult-reply",
        json!({"target": "H79.10", "answer": "Thống nhất"}),
    );
    let now = walked(&w, &d, "2026-10-09 15:00");
    let so = step(&now, "y-kien-so");
    assert_eq!(
        (so.state, so.timeliness, so.late_minutes),
        (StepState::Done, Some(Timeliness::Late), 60)
    );
    let summary = step(&now, "tong-hop");
    assert_eq!(summary.state, StepState::Active);
    assert_eq!(local(summary.started_at), "2026-10-09 15:00");
    assert!(!now.agency(DEPT).unwrap().on_time);
    assert!(now.agency(A).unwrap().on_time, "{:?}", now.agencies);
    assert!(now.agency("H79.50.02").unwrap().on_time);

    // Then the usual path to the end; every step ends done.
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-09 16:00",
        "submit-for-approval",
        json!({}),
    );
    let d = w.ok(&d, "leader", "2026-10-12 08:00", "approve", json!({}));
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-12 08:30",
        "issue-result",
        json!({"result_number": "12/2026"}),
    );
    let d = w.ok(
        &d,
        "officer",
        "2026-10-12 09:00",
        "return-result",
        json!({"method": "counter"}),
    );
    let end = walked(&w, &d, "2026-10-12 09:00");
    assert!(
        end.steps.iter().all(|s| s.state == StepState::Done),
        "{:?}",
        end.steps
    );
    assert!(end.current.is_empty());
}

#[test]
fn an_answer_date_set_with_the_question_is_the_consultations_due_time() {
    let w = world_with(&[(PARALLEL, 1)]);
    let d = counter(&w, "2026-10-08 08:00");
    let d = w.ok(
        &d,
        "officer",
        "2026-10-08 08:30",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let d = w.ok(&d, "specialist", "2026-10-08 09:00", "process", json!({}));
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-08 14:00",
        "consult",
        json!({"target": "H79.50.02", "question": "Xác minh cư trú?"}),
    );
    // The department is given until the end of Friday 9 October (its share ends at 14:00).
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-08 14:10",
        "consult",
        json!({"target": "H79.10", "question": "Ý kiến?", "answer_by": "2026-10-09"}),
    );
    let now = walked(&w, &d, "2026-10-08 14:10");
    assert_eq!(local(step(&now, "y-kien-so").due_at), "2026-10-09 17:00");
    assert_eq!(local(step(&now, "y-kien-b").due_at), "2026-10-09 08:30");
    let d = w.ok(
        &d,
        "dept",
        "2026-10-09 15:00",
        "consult-reply",
        json!({"target": "H79.10", "answer": "Thống nhất"}),
    );
    let now = walked(&w, &d, "2026-10-09 15:00");
    assert_eq!(step(&now, "y-kien-so").timeliness, Some(Timeliness::OnTime));
    assert!(now.agency(DEPT).unwrap().on_time);
}

#[test]
fn a_draft_sent_back_reopens_the_examination_not_the_leaders_step() {
    const LINEAR: &str = r#"
procedure: "1.001193"
valid_from: 2025-07-01
steps:
  - {id: tiep-nhan, name: Tiếp nhận, kind: receive, agency: receiving, role: receiving_officer, share: 2h}
  - {id: tham-dinh, name: Thẩm định, kind: process, unit: .TP, role: specialist, share: 14h, after: [tiep-nhan]}
  - {id: trinh-ky, name: Trình ký, kind: submit_for_approval, role: agency_leader, share: 4h, after: [tham-dinh]}
  - {id: phat-hanh, name: Phát hành, kind: approve, unit: .TP, role: specialist, share: 2h, after: [trinh-ky]}
  - {id: tra, name: Trả kết quả, kind: return, agency: receiving, role: receiving_officer, share: 2h, after: [phat-hanh]}
"#;
    let w = world_with(&[(LINEAR, 1)]);
    let d = counter(&w, "2026-10-08 08:00");
    let d = w.ok(
        &d,
        "officer",
        "2026-10-08 08:30",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let d = w.ok(&d, "specialist", "2026-10-08 09:00", "process", json!({}));
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-08 11:00",
        "submit-for-approval",
        json!({}),
    );
    let d = w.ok(
        &d,
        "leader",
        "2026-10-08 14:00",
        "send-back",
        json!({"reason": "Sai họ tên"}),
    );
    let now = walked(&w, &d, "2026-10-08 14:00");
    let exam = step(&now, "tham-dinh");
    assert_eq!(
        (exam.state, local(exam.started_at), local(exam.due_at)),
        (
            StepState::Active,
            "2026-10-08 08:30".to_owned(),
            "2026-10-09 16:00".to_owned()
        )
    );
    assert_eq!(step(&now, "trinh-ky").state, StepState::Waiting);
    // The rework runs half an hour past the examination's due time: the examination's
    // delay. The leader's step starts again at the new submission and is on time.
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-09 16:30",
        "submit-for-approval",
        json!({}),
    );
    let d = w.ok(&d, "leader", "2026-10-12 08:00", "approve", json!({}));
    let now = walked(&w, &d, "2026-10-12 08:00");
    let exam = step(&now, "tham-dinh");
    assert_eq!((exam.state, exam.late_minutes), (StepState::Done, 30));
    let sign = step(&now, "trinh-ky");
    assert_eq!(
        (
            sign.state,
            local(sign.started_at),
            sign.late_minutes,
            sign.officer.as_deref()
        ),
        (
            StepState::Done,
            "2026-10-09 16:30".to_owned(),
            0,
            Some("leader")
        )
    );
    assert_eq!(step(&now, "phat-hanh").state, StepState::Active);
}

#[test]
fn a_reassigned_step_keeps_its_due_time() {
    let w = world_with(&[(PARALLEL, 1)]);
    let d = counter(&w, "2026-10-08 08:00");
    let d = w.ok(
        &d,
        "officer",
        "2026-10-08 08:30",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let before = walked(&w, &d, "2026-10-08 11:00");
    assert_eq!(
        step(&before, "tham-dinh").officer.as_deref(),
        Some("specialist")
    );
    // Only the unit's leader reassigns, and says why.
    let e = w
        .act(
            &d,
            "officer",
            "2026-10-08 11:00",
            "assign",
            json!({"assignee": "specialist2", "note": "Nghỉ phép"}),
        )
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    let e = w
        .act(
            &d,
            "leader",
            "2026-10-08 11:00",
            "assign",
            json!({"assignee": "specialist2"}),
        )
        .unwrap_err();
    assert_eq!(e.code(), "field_required", "{}", e.message_vi());
    let d = w.ok(
        &d,
        "leader",
        "2026-10-08 11:00",
        "assign",
        json!({"assignee": "specialist2", "note": "Chuyên viên nghỉ phép"}),
    );
    let ev = d.events.last().unwrap();
    assert_eq!(ev.data["previous_assignee"], "specialist");
    let after = walked(&w, &d, "2026-10-08 11:00");
    let (b, a) = (step(&before, "tham-dinh"), step(&after, "tham-dinh"));
    assert_eq!(a.officer.as_deref(), Some("specialist2"));
    assert_eq!((a.started_at, a.due_at), (b.started_at, b.due_at));
    assert_eq!(local(a.due_at), "2026-10-08 16:00");
}

/// Walks an inter-level dossier with the commune taking `commune_hours` working hours
/// over its check and the department `dept_hours` over its examination.
fn inter_level(commune_hours: u64, dept_hours: u64) -> Walk {
    let w = world_with(&[(INTER, 1)]);
    let later = |t: &str, hours: u64| {
        let t = to_local(at(t));
        let next = w.calendar.add_working_minutes(t, hours * 60).unwrap();
        from_local(next).pipe_local()
    };
    let d = counter(&w, "2026-10-08 08:00");
    let d = w.ok(
        &d,
        "officer",
        "2026-10-08 09:00",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let d = w.ok(&d, "specialist", "2026-10-08 09:00", "process", json!({}));
    // The commune may not submit for signature: its step only hands over.
    assert_eq!(
        w.act(
            &d,
            "specialist",
            "2026-10-08 09:30",
            "submit-for-approval",
            json!({})
        )
        .unwrap_err()
        .code(),
        "step_outcome_not_allowed"
    );
    // Nor transfer anywhere but where the process says.
    let e = w
        .act(
            &d,
            "specialist",
            "2026-10-08 10:00",
            "transfer",
            json!({"agency": "H79.50.02", "reason": "Liên thông"}),
        )
        .unwrap_err();
    assert_eq!(e.code(), "field_invalid", "{}", e.message_vi());
    let handed = later("2026-10-08 09:00", commune_hours);
    let d = w.ok(
        &d,
        "specialist",
        &handed,
        "transfer",
        json!({"agency": DEPT, "reason": "Liên thông"}),
    );
    // The department takes it up an hour later, examines and submits.
    let taken = later(&handed, 1);
    let d = w.ok(&d, "dept", &taken, "assign", json!({"assignee": "dept"}));
    let d = w.ok(&d, "dept", &taken, "process", json!({}));
    let submitted = later(&taken, dept_hours);
    let d = w.ok(&d, "dept", &submitted, "submit-for-approval", json!({}));
    let walk = walked(&w, &d, &submitted);
    assert_eq!(step(&walk, "so-trinh-ky").state, StepState::Active);
    assert_eq!(step(&walk, "chuyen-so").officer.as_deref(), Some("dept"));
    assert_eq!(step(&walk, "so-tham-dinh").officer.as_deref(), Some("dept"));
    walk
}

trait PipeLocal {
    fn pipe_local(self) -> String;
}

impl PipeLocal for DateTime<Utc> {
    fn pipe_local(self) -> String {
        local(Some(self))
    }
}

#[test]
fn a_transfer_splits_the_blame_between_the_agencies() {
    // The commune takes 10 hours over a 6-hour check; the department keeps its 8 hours.
    let walk = inter_level(10, 7);
    let commune = walk.agency(A).unwrap();
    let dept = walk.agency(DEPT).unwrap();
    assert!(!commune.on_time);
    assert_eq!((commune.late_steps, commune.late_minutes), (1, 240));
    assert_eq!(step(&walk, "xac-nhan").late_minutes, 240);
    assert!(dept.on_time, "{dept:?}");
    assert_eq!(dept.late_minutes, 0);
    assert_eq!(dept.planned_minutes, (2 + 8 + 4) * 60);

    // And the other way round: the department's delay is not the commune's.
    let walk = inter_level(5, 11);
    assert!(walk.agency(A).unwrap().on_time, "{:?}", walk.agencies);
    let dept = walk.agency(DEPT).unwrap();
    assert_eq!(
        (dept.on_time, dept.late_steps, dept.late_minutes),
        (false, 1, 180)
    );
}

#[test]
fn a_new_version_does_not_change_dossiers_already_received() {
    // Version 2, from 12 October, lets the examination submit without consulting.
    let v2 = PARALLEL
        .replace("valid_from: 2025-07-01", "valid_from: 2026-10-12")
        .replace(
            "outcomes: [assign, process, consult, refuse]",
            "outcomes: [assign, process, consult, submit-for-approval, refuse]",
        );
    let w1 = world_with(&[(PARALLEL, 1)]);
    let old = counter(&w1, "2026-10-08 08:00");
    let old = w1.ok(
        &old,
        "officer",
        "2026-10-08 08:30",
        "assign",
        json!({"assignee": "specialist"}),
    );
    // The administrator saves version 2; the book now holds both.
    let w = world_with(&[(PARALLEL, 1), (&v2, 2)]);
    let new = counter(&w, "2026-10-12 08:00");
    assert_eq!((old.process_id, new.process_id), (Some(1), Some(2)));
    let new = w.ok(
        &new,
        "officer",
        "2026-10-12 08:30",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let new = w.ok(&new, "specialist", "2026-10-12 08:40", "process", json!({}));
    let old = w.ok(&old, "specialist", "2026-10-12 08:40", "process", json!({}));
    // The new dossier may skip the consultations; the old one still may not.
    assert!(
        w.act(
            &new,
            "specialist",
            "2026-10-12 09:00",
            "submit-for-approval",
            json!({})
        )
        .is_ok()
    );
    assert_eq!(
        w.act(
            &old,
            "specialist",
            "2026-10-12 09:00",
            "submit-for-approval",
            json!({})
        )
        .unwrap_err()
        .code(),
        "step_outcome_not_allowed"
    );
    // And its steps and due times are those it was received with.
    assert_eq!(
        walked(&w, &old, "2026-10-12 09:00"),
        walked(&w1, &old, "2026-10-12 09:00")
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Whatever time each agency takes, every step's lateness is the time it took
    /// beyond its share, and each agency carries exactly the lateness of its own steps.
    #[test]
    fn each_agency_carries_its_own_delay(commune in 1u64..14, dept in 1u64..16) {
        let walk = inter_level(commune, dept);
        let late: i64 = walk.steps.iter().map(|s| s.late_minutes).sum();
        let by_agency: i64 = walk.agencies.iter().map(|a| a.late_minutes).sum();
        proptest::prop_assert_eq!(late, by_agency);
        let want_commune = (commune.saturating_sub(6) * 60) as i64;
        let want_dept = (dept.saturating_sub(8) * 60) as i64;
        proptest::prop_assert_eq!(walk.agency(A).unwrap().late_minutes, want_commune);
        proptest::prop_assert_eq!(walk.agency(DEPT).unwrap().late_minutes, want_dept);
        proptest::prop_assert_eq!(walk.agency(A).unwrap().on_time, commune <= 6);
        proptest::prop_assert_eq!(walk.agency(DEPT).unwrap().on_time, dept <= 8);
    }
}
