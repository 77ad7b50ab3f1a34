use motcua_domain::Status;
use motcua_domain::time::to_local;
use serde_json::json;

use crate::fixture::{A, DEPT, World, birth_request};

fn due_local(d: &motcua_domain::Dossier) -> String {
    to_local(d.due_at.unwrap())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[test]
fn online_filing_reception_and_the_full_happy_path() {
    let w = World::new();
    let d = w
        .submit("citizen", "2026-10-08 09:00", birth_request(A))
        .unwrap();
    assert_eq!(d.status, Status::Submitted);
    assert_eq!(d.code.as_str(), "H79.50.01-261008-0000");
    assert_eq!(d.owner.as_deref(), Some("citizen"));
    assert_eq!(d.due_at, None, "no deadline before receipt");
    assert_eq!(d.portal_status(), 1);

    let d = w.ok(&d, "officer", "2026-10-08 10:00", "receive", json!({}));
    assert_eq!(d.status, Status::Received);
    assert_eq!(due_local(&d), "2026-10-13 17:00");
    assert_eq!(d.portal_status(), 2);
    let d = w.ok(
        &d,
        "officer",
        "2026-10-08 10:05",
        "assign",
        json!({"assignee": "specialist"}),
    );
    assert_eq!(
        (d.status, d.handling_unit.as_deref()),
        (Status::Assigned, Some("H79.50.01.TP"))
    );
    let d = w.ok(&d, "specialist", "2026-10-08 14:00", "process", json!({}));
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-09 08:00",
        "consult",
        json!({"target": "H79.50.02", "question": "Xác minh nơi cư trú?"}),
    );
    assert_eq!(d.status, Status::Consulting);
    // The consulted agency answers.
    let d = w.ok(
        &d,
        "specialist_b",
        "2026-10-09 10:00",
        "consult-reply",
        json!({"answer": "Đúng"}),
    );
    assert_eq!(d.status, Status::InProcess);
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-09 11:00",
        "submit-for-approval",
        json!({}),
    );
    let d = w.ok(
        &d,
        "leader",
        "2026-10-09 13:30",
        "send-back",
        json!({"reason": "Sửa tên"}),
    );
    assert_eq!(d.status, Status::InProcess);
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-09 14:00",
        "submit-for-approval",
        json!({}),
    );
    let d = w.ok(&d, "leader", "2026-10-09 15:00", "approve", json!({}));
    assert_eq!((d.status, d.portal_status()), (Status::Approved, 9));
    assert!(d.completed_at.is_some());
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-09 15:30",
        "issue-result",
        json!({"result_number": "123/2026"}),
    );
    let d = w.ok(
        &d,
        "officer",
        "2026-10-12 08:00",
        "return-result",
        json!({"method": "counter"}),
    );
    assert_eq!((d.status, d.portal_status()), (Status::Returned, 10));
    let d = w.ok(
        &d,
        "citizen",
        "2026-10-12 09:00",
        "rate",
        json!({"level": "very_satisfied"}),
    );
    assert!(d.rating.is_some());
    assert_eq!(
        w.act(
            &d,
            "citizen",
            "2026-10-12 09:05",
            "rate",
            json!({"level": "satisfied"})
        )
        .unwrap_err()
        .code(),
        "already_rated"
    );
    assert_eq!(d.events.len(), 13);
    assert_eq!(d.version, 13);
    let seqs: Vec<i32> = d.events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=13).collect::<Vec<_>>());
}

#[test]
fn counter_reception_starts_the_clock_at_once() {
    let w = World::new();
    let mut req = birth_request(A);
    req["documents"] = json!([{"name": "Giấy chứng sinh", "quantity": 1, "original": true}]);
    let d = w.submit("officer", "2026-10-09 16:40", req).unwrap();
    assert_eq!(d.status, Status::Received);
    assert_eq!(d.channel.as_str(), "counter");
    assert_eq!(d.events[0].data["documents"][0]["name"], "Giấy chứng sinh");
    // After the procedure's 15:00 cut-off: counted from Monday 12/10, due Thu 15/10.
    assert_eq!(due_local(&d), "2026-10-15 17:00");
    // An officer of another commune cannot receive at commune A's counter.
    assert_eq!(
        w.submit("officer_b", "2026-10-09 10:00", birth_request(A))
            .unwrap_err()
            .code(),
        "forbidden"
    );
    // Same-day procedure before the cut-off.
    let d = w
        .submit(
            "officer",
            "2026-10-09 10:00",
            json!({"procedure": "2.000001", "applicant": {"name": "Trần B"}}),
        )
        .unwrap();
    assert_eq!(due_local(&d), "2026-10-09 17:00");
}

#[test]
fn supplement_before_and_after_receipt() {
    let w = World::new();
    let d = w
        .submit("citizen", "2026-10-08 09:00", birth_request(A))
        .unwrap();
    // Before receipt: the clock has not started.
    let d = w.ok(
        &d,
        "officer",
        "2026-10-08 10:00",
        "request-supplement",
        json!({"items": ["Giấy chứng sinh"], "reason": "Thiếu"}),
    );
    assert_eq!(
        (d.status, d.portal_status()),
        (Status::SupplementRequested, 5)
    );
    let d = w.ok(
        &d,
        "citizen",
        "2026-10-12 10:00",
        "supplement",
        json!({"form_data": {"tre_ho_ten": "Nguyễn Thị Bình An"}}),
    );
    assert_eq!((d.status, d.portal_status()), (Status::Supplemented, 1));
    assert_eq!(d.form_data["tre_ho_ten"], "Nguyễn Thị Bình An");
    let d = w.ok(&d, "officer", "2026-10-12 11:00", "receive", json!({}));
    assert_eq!(due_local(&d), "2026-10-15 17:00");
    // After receipt: the wait is excluded from the time limit.
    let d = w.ok(
        &d,
        "officer",
        "2026-10-12 11:10",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let d = w.ok(&d, "specialist", "2026-10-12 14:00", "process", json!({}));
    let d = w.ok(
        &d,
        "specialist",
        "2026-10-13 09:00",
        "request-supplement",
        json!({"items": ["Bản sao CCCD của mẹ"], "reason": "Thiếu"}),
    );
    let d = w.ok(&d, "citizen", "2026-10-16 09:00", "supplement", json!({}));
    // Waited 13/10 → 16/10: 3 working days, so due moves from 15/10 to 20/10.
    assert_eq!(due_local(&d), "2026-10-20 17:00");
    let d = w.ok(&d, "specialist", "2026-10-16 10:00", "process", json!({}));
    assert_eq!(d.status, Status::InProcess);
    // A correction that breaks the form is refused, nothing changes.
    let d2 = w.ok(
        &d,
        "specialist",
        "2026-10-16 11:00",
        "request-supplement",
        json!({"items": ["x"], "reason": "y"}),
    );
    let err = w
        .act(
            &d2,
            "citizen",
            "2026-10-16 12:00",
            "supplement",
            json!({"form_data": {"tre_ngay_sinh": "2026-13-01"}}),
        )
        .unwrap_err();
    assert_eq!(err.code(), "form_invalid");
    assert_eq!(err.field(), Some("form_data.tre_ngay_sinh"));
}

#[test]
fn pause_for_fee_and_resume() {
    let w = World::new();
    let d = w
        .submit("officer", "2026-10-05 09:00", birth_request(A))
        .unwrap();
    assert_eq!(due_local(&d), "2026-10-08 17:00");
    let d = w.ok(
        &d,
        "officer",
        "2026-10-05 09:30",
        "pause",
        json!({"reason": "Chờ nộp lệ phí", "kind": "fee_payment"}),
    );
    assert_eq!((d.status, d.portal_status()), (Status::Paused, 6));
    let d = w.ok(&d, "officer", "2026-10-07 09:30", "resume", json!({}));
    assert_eq!(d.status, Status::Received);
    assert_eq!(due_local(&d), "2026-10-12 17:00");
}

#[test]
fn pause_over_tet_moves_the_due_date_past_the_holidays() {
    let w = World::new();
    let d = w
        .submit("officer", "2026-02-11 09:00", birth_request(A))
        .unwrap();
    // 3 working days from Wed 11/02/2026: 12, 13, (Tết 14–22), 23 → Mon 23/02.
    assert_eq!(due_local(&d), "2026-02-23 17:00");
    let d = w.ok(
        &d,
        "officer",
        "2026-02-12 09:00",
        "pause",
        json!({"reason": "Chờ xác minh"}),
    );
    let d = w.ok(&d, "officer", "2026-02-24 09:00", "resume", json!({}));
    // The wait 12/02 → 24/02 holds 3 working days (13, 23, 24): due Thu 26/02.
    assert_eq!(due_local(&d), "2026-02-26 17:00");
}

#[test]
fn late_dossier_needs_an_apology_before_return() {
    let w = World::new();
    let d = w
        .submit("officer", "2026-06-08 08:00", birth_request(A))
        .unwrap();
    assert_eq!(due_local(&d), "2026-06-11 17:00");
    let d = w.ok(
        &d,
        "leader",
        "2026-06-08 09:00",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let d = w.ok(&d, "specialist", "2026-06-08 10:00", "process", json!({}));
    let d = w.ok(
        &d,
        "specialist",
        "2026-06-15 10:00",
        "submit-for-approval",
        json!({}),
    );
    let d = w.ok(&d, "leader", "2026-06-15 11:00", "approve", json!({}));
    let d = w.ok(
        &d,
        "specialist",
        "2026-06-15 14:00",
        "issue-result",
        json!({}),
    );
    let err = w
        .act(
            &d,
            "officer",
            "2026-06-16 08:00",
            "return-result",
            json!({}),
        )
        .unwrap_err();
    assert_eq!(err.code(), "apology_required");
    // Only a leader apologises; the date must be a working day after the due date.
    assert_eq!(
        w.act(
            &d,
            "specialist",
            "2026-06-16 08:00",
            "extend",
            json!({"new_due": "2026-06-17", "reason": "x"})
        )
        .unwrap_err()
        .code(),
        "forbidden"
    );
    assert_eq!(
        w.act(
            &d,
            "leader",
            "2026-06-16 08:00",
            "extend",
            json!({"new_due": "2026-06-20", "reason": "x"})
        )
        .unwrap_err()
        .code(),
        "field_invalid"
    );
    assert_eq!(
        w.act(
            &d,
            "leader",
            "2026-06-16 08:00",
            "extend",
            json!({"new_due": "2026-06-10", "reason": "x"})
        )
        .unwrap_err()
        .code(),
        "extension_not_later"
    );
    let d = w.ok(
        &d,
        "leader",
        "2026-06-16 08:00",
        "extend",
        json!({"new_due": "2026-06-17", "reason": "Chờ xác minh", "apology": "Xin lỗi ông/bà"}),
    );
    assert!(d.extended);
    assert_eq!(d.status, Status::ResultReady);
    assert_eq!(due_local(&d), "2026-06-17 17:00");
    assert_eq!(
        w.act(
            &d,
            "leader",
            "2026-06-16 09:00",
            "extend",
            json!({"new_due": "2026-06-18", "reason": "x"})
        )
        .unwrap_err()
        .code(),
        "extension_already_used"
    );
    let d = w.ok(
        &d,
        "officer",
        "2026-06-16 08:30",
        "return-result",
        json!({}),
    );
    assert_eq!(d.status, Status::Returned);
}

#[test]
fn transfer_to_another_agency() {
    let w = World::new();
    let d = w
        .submit("officer", "2026-10-19 09:00", json!({"procedure": "1.001193", "applicant": {"name": "Lê C"}, "form_data": {"tre_ho_ten": "Lê D", "tre_ngay_sinh": "2026-10-01"}}))
        .unwrap();
    let d = w.ok(
        &d,
        "officer",
        "2026-10-19 09:30",
        "transfer",
        json!({"agency": DEPT, "reason": "Thuộc thẩm quyền Sở"}),
    );
    assert_eq!(
        (d.status, d.handling_agency.as_str()),
        (Status::Transferred, DEPT)
    );
    // The commune's specialist no longer handles it; the department's does.
    assert_eq!(
        w.act(&d, "specialist", "2026-10-19 10:00", "process", json!({}))
            .unwrap_err()
            .code(),
        "forbidden"
    );
    let d = w.ok(&d, "dept", "2026-10-19 10:00", "process", json!({}));
    assert_eq!(d.assignee.as_deref(), Some("dept"));
    // Both agencies still see it.
    assert!(motcua_domain::policy::can_view(
        &w.subject("specialist"),
        &d
    ));
    assert!(motcua_domain::policy::can_view(&w.subject("dept"), &d));
    assert!(!motcua_domain::policy::can_view(
        &w.subject("specialist_b"),
        &d
    ));
    // Province-level procedure filed online goes straight to the department.
    let p = w
        .submit("citizen", "2026-10-19 09:00", json!({"procedure": "1.012345", "applicant": {"name": "Công ty X", "kind": "organisation", "id_number": "0312345678"}}))
        .unwrap();
    assert_eq!(
        (p.receiving_agency.as_str(), p.handling_agency.as_str()),
        (DEPT, DEPT)
    );
}

#[test]
fn refusal_withdrawal_stop() {
    let w = World::new();
    let d = w
        .submit("citizen", "2026-10-08 09:00", birth_request(A))
        .unwrap();
    let refused = w.ok(
        &d,
        "officer",
        "2026-10-08 10:00",
        "refuse",
        json!({"reason": "Không thuộc thẩm quyền"}),
    );
    assert_eq!(
        (refused.status, refused.portal_status()),
        (Status::Refused, 3)
    );
    assert_eq!(
        w.act(
            &refused,
            "officer",
            "2026-10-08 10:01",
            "receive",
            json!({})
        )
        .unwrap_err()
        .code(),
        "transition_not_allowed"
    );

    let withdrawn = w.ok(
        &d,
        "citizen",
        "2026-10-08 10:00",
        "withdraw",
        json!({"reason": "Không cần nữa"}),
    );
    assert_eq!(
        (withdrawn.status, withdrawn.portal_status()),
        (Status::Withdrawn, 7)
    );
    // Another citizen cannot withdraw it.
    assert_eq!(
        w.act(
            &d,
            "mallory",
            "2026-10-08 10:00",
            "withdraw",
            json!({"reason": "x"})
        )
        .unwrap_err()
        .code(),
        "forbidden"
    );
    assert!(!motcua_domain::policy::can_view(&w.subject("mallory"), &d));

    let received = w.ok(&d, "officer", "2026-10-08 10:00", "receive", json!({}));
    let stopped = w.ok(
        &received,
        "officer",
        "2026-10-09 10:00",
        "stop",
        json!({"reason": "Theo đề nghị của người nộp"}),
    );
    assert_eq!(
        (stopped.status, stopped.portal_status()),
        (Status::Stopped, 8)
    );
    let approved_path = w.ok(
        &received,
        "officer",
        "2026-10-08 10:05",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let approved_path = w.ok(
        &approved_path,
        "specialist",
        "2026-10-08 10:10",
        "process",
        json!({}),
    );
    let approved_path = w.ok(
        &approved_path,
        "specialist",
        "2026-10-08 10:20",
        "submit-for-approval",
        json!({}),
    );
    let approved = w.ok(
        &approved_path,
        "leader",
        "2026-10-08 10:30",
        "approve",
        json!({}),
    );
    // No stop or withdrawal after the decision.
    assert_eq!(
        w.act(
            &approved,
            "officer",
            "2026-10-08 11:00",
            "stop",
            json!({"reason": "x"})
        )
        .unwrap_err()
        .code(),
        "transition_not_allowed"
    );
    assert_eq!(
        w.act(
            &approved,
            "citizen",
            "2026-10-08 11:00",
            "withdraw",
            json!({"reason": "x"})
        )
        .unwrap_err()
        .code(),
        "transition_not_allowed"
    );
}

#[test]
fn assisted_filing_records_the_helper_and_the_applicants_consent() {
    let w = World::new();
    let mut req = birth_request(A);
    req["channel"] = json!("assisted");
    req["owner"] = json!("citizen");
    // No consent, no assisted filing.
    let e = w
        .submit("helper", "2026-10-08 09:00", req.clone())
        .unwrap_err();
    assert_eq!((e.code(), e.field()), ("field_required", Some("consent")));
    // A signed paper needs its number.
    req["consent"] = json!({"method": "signed_form", "scopes": ["supplement"], "days": 30});
    let e = w
        .submit("helper", "2026-10-08 09:00", req.clone())
        .unwrap_err();
    assert_eq!(e.field(), Some("consent.reference"));
    req["consent"]["reference"] = json!("UQ-01/2026");
    let d = w.submit("helper", "2026-10-08 09:00", req).unwrap();
    assert_eq!(
        (d.channel.as_str(), d.helper.as_deref(), d.owner.as_deref()),
        ("assisted", Some("helper"), Some("citizen"))
    );
    let consent = d.consent.clone().unwrap();
    assert_eq!(consent.id_number, "001099012345");
    assert_eq!(consent.valid_until.to_string(), "2026-11-06");
    assert_eq!(d.status, Status::Submitted);
    assert!(motcua_domain::policy::can_view(&w.subject("helper"), &d));
    assert!(motcua_domain::policy::can_view(&w.subject("citizen"), &d));

    // Within the consent: the helper sends the supplement asked for.
    let asked = w.ok(
        &d,
        "officer",
        "2026-10-08 10:00",
        "request-supplement",
        json!({"items": ["Giấy chứng sinh"], "reason": "Thiếu"}),
    );
    let sent = w.ok(
        &asked,
        "helper",
        "2026-10-09 09:00",
        "supplement",
        json!({}),
    );
    assert_eq!(sent.status, Status::Supplemented);
    // Outside its scope: withdrawal is the applicant's alone.
    assert_eq!(
        w.act(
            &d,
            "helper",
            "2026-10-09 09:00",
            "withdraw",
            json!({"reason": "x"})
        )
        .unwrap_err()
        .code(),
        "forbidden"
    );
    w.ok(
        &d,
        "citizen",
        "2026-10-09 09:00",
        "withdraw",
        json!({"reason": "Đổi ý"}),
    );
    // After its last day: not even the supplement.
    assert_eq!(
        w.act(
            &asked,
            "helper",
            "2026-11-07 09:00",
            "supplement",
            json!({})
        )
        .unwrap_err()
        .code(),
        "forbidden"
    );
    w.ok(
        &asked,
        "citizen",
        "2026-11-07 09:00",
        "supplement",
        json!({}),
    );
}
