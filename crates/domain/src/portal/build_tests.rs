use serde_json::json;

use super::*;
use crate::portal::fixture::{at, returned_dossier};
use crate::portal::status::PortalStatus;

fn context() -> RecordContext<'static> {
    RecordContext {
        sector_code: Some("G09-TP03".into()),
        sector_name: Some("Hộ tịch".into()),
        handling_agency_name: Some("UBND xã A".into()),
        portal_account: Some("tech-123".into()),
        vneid_verified: true,
        attachments: vec![
            AttachmentRef {
                id: "f1".into(),
                name: "giay-chung-sinh.pdf".into(),
                component_code: Some("TP1".into()),
                url: Some("https://motcua.example/files/f1".into()),
                digitised: true,
                ..AttachmentRef::default()
            },
            AttachmentRef {
                id: "f2".into(),
                name: "cccd.jpg".into(),
                reused: true,
                ..AttachmentRef::default()
            },
        ],
        results: vec![ResultRef {
            id: "r1".into(),
            name: "Giấy khai sinh".into(),
            number: Some("123/GKS".into()),
            url: Some("https://motcua.example/results/r1".into()),
        }],
        fees: vec![Charge {
            line: "le-phi-khai-sinh".into(),
            name: "Lệ phí đăng ký khai sinh".into(),
            kind: FeeKind::Fee,
            agency: "H79.50.01".into(),
            quantity: None,
            gross: 8000,
            exemption: None,
            amount: 8000,
            legal_basis: None,
        }],
        online_payment: OnlinePayment::NationalPlatform,
        ..RecordContext::default()
    }
}

#[test]
fn a_returned_dossier_fills_every_field_it_can() {
    let d = returned_dossier();
    let r = DossierRecord::from_dossier(&d, &context());
    assert_eq!(r.code, "H79.50.01-261008-0975");
    assert_eq!(r.procedure_code, "1.001193");
    assert_eq!(r.procedure_name, "Thủ tục đăng ký khai sinh");
    assert_eq!(r.sector_code.as_deref(), Some("G09-TP03"));
    assert_eq!(r.owner_name, "Nguyễn Văn An");
    assert_eq!(r.owner_id_number.as_deref(), Some("001099012345"));
    assert_eq!(r.owner_kind, 1);
    assert_eq!(r.owner_account.as_deref(), Some("tech-123"));
    assert_eq!(r.email.as_deref(), Some("an@example.vn"));
    assert_eq!(r.summary, "Thủ tục đăng ký khai sinh — Nguyễn Văn An");
    assert_eq!(r.handling_agency.as_deref(), Some("UBND xã A"));
    assert_eq!(r.submitted_at.as_deref(), Some("20261008080000"));
    assert_eq!(r.received_at.as_deref(), Some("20261008090000"));
    assert_eq!(r.due_at.as_deref(), Some("20261014170000"));
    assert_eq!(r.finished_at.as_deref(), Some("20261012140000"));
    assert_eq!(r.returned_at.as_deref(), Some("20261013090000"));
    assert_eq!(r.refused_at, None);
    assert_eq!(r.status, PortalStatus::Returned.code());
    assert_eq!(r.channel, 2);
    assert_eq!(r.return_method, Some(1), "returned by post");
    assert_eq!(r.files.len(), 2);
    assert_eq!(r.files[0].component_code.as_deref(), Some("TP1"));
    assert!(r.files[0].digitised && r.files[1].reused);
    assert!(r.has_digitised_parts);
    assert_eq!(r.fees[0].amount, 8000);
    assert_eq!(r.fees[0].kind, 2);
    assert_eq!(r.results[0].result_code.as_deref(), Some("123/GKS"));
    assert!(r.vneid_verified);
    assert_eq!(r.online_payment, 1);
    assert_eq!(
        r.owner_ids,
        vec![OwnerId {
            kind: 1,
            number: "001099012345".into()
        }]
    );
    // One supplement, asked and completed; no due dates without a calendar.
    assert_eq!(r.supplements.len(), 1);
    let s = &r.supplements[0];
    assert_eq!(s.id, "3");
    assert_eq!(s.requested_by.as_deref(), Some("officer"));
    assert_eq!(
        s.content.as_deref(),
        Some("Thiếu giấy chứng sinh: Bản sao giấy chứng sinh")
    );
    assert_eq!(s.requested_at.as_deref(), Some("20261008100000"));
    assert_eq!(s.completed_at.as_deref(), Some("20261009083000"));
    assert_eq!(s.state, Some(1));
    assert_eq!((s.due_before.as_ref(), s.due_after.as_ref()), (None, None));
    // What we build passes our own validation.
    let known = ["1.001193"];
    assert_eq!(
        crate::portal::validate::validate_record(&r, &known[..]),
        vec![]
    );
}

#[test]
fn supplement_due_dates_come_from_the_calendar() {
    let d = returned_dossier();
    let calendar = WorkCalendar::vietnam().unwrap();
    let rules = DeadlineRules::default();
    let ctx = RecordContext {
        deadline: Some(DeadlineBasis {
            calendar: &calendar,
            rules: &rules,
        }),
        ..RecordContext::default()
    };
    let r = DossierRecord::from_dossier(&d, &ctx);
    let s = &r.supplements[0];
    let before = s.due_before.as_deref().unwrap();
    let after = s.due_after.as_deref().unwrap();
    // Received Thu 8 Oct 09:00, 3 working days: due Tue 13 Oct. The wait from Thu 8
    // 10:00 to Fri 9 08:30 moves it later.
    assert!(before.starts_with("20261013"), "{before}");
    assert!(after > before, "{after} should be after {before}");
}

#[test]
fn channels_owner_kinds_and_identity_numbers() {
    let mut d = returned_dossier();
    for (channel, code, account) in [
        (Channel::Counter, 1, None),
        (Channel::Online, 2, Some("tech-123")),
        (Channel::Assisted, 2, Some("tech-123")),
        (Channel::Post, 3, None),
    ] {
        d.channel = channel;
        let r = DossierRecord::from_dossier(&d, &context());
        assert_eq!(r.channel, code, "{channel:?}");
        assert_eq!(r.owner_account.as_deref(), account, "{channel:?}");
    }
    d.applicant.id_number = Some("123456789".into());
    let r = DossierRecord::from_dossier(&d, &RecordContext::default());
    assert_eq!(r.owner_ids[0].kind, 2);
    d.applicant.kind = ApplicantKind::Organisation;
    d.applicant.id_number = Some("0312345678".into());
    let r = DossierRecord::from_dossier(&d, &RecordContext::default());
    assert_eq!((r.owner_kind, r.owner_ids.len()), (2, 0));
    assert_eq!(r.owner_id_number.as_deref(), Some("0312345678"));
    assert_eq!(r.online_payment, 3);
    assert!(!r.has_digitised_parts);
}

#[test]
fn refusal_dates_and_long_summaries() {
    let mut d = returned_dossier();
    d.status = Status::Refused;
    d.returned_at = None;
    let ctx = RecordContext {
        summary: Some("ắ".repeat(1500)),
        return_method: Some(ReturnMethod::Online),
        ..RecordContext::default()
    };
    d.events.retain(|e| e.action != ActionKind::ReturnResult);
    let r = DossierRecord::from_dossier(&d, &ctx);
    assert_eq!(r.status, 3);
    assert_eq!(r.refused_at.as_deref(), Some("20261012140000"));
    assert_eq!(r.summary.chars().count(), SUMMARY_MAX_CHARS);
    assert_eq!(
        r.return_method,
        Some(2),
        "the applicant's choice before return"
    );
}

#[test]
fn payment_from_credits() {
    let credit = |method, provider: &str| Credit {
        method,
        provider: provider.into(),
        provider_txn: "t".into(),
        amount: 1,
        at: at("2026-10-09 10:00"),
        recorded_by: "x".into(),
    };
    assert_eq!(OnlinePayment::from_credits(&[]), OnlinePayment::NotOnline);
    assert_eq!(
        OnlinePayment::from_credits(&[credit(PayMethod::Cash, "counter")]),
        OnlinePayment::NotOnline
    );
    assert_eq!(
        OnlinePayment::from_credits(&[credit(PayMethod::Gateway, "vnpay")]),
        OnlinePayment::ProvinceGateway
    );
    assert_eq!(
        OnlinePayment::from_credits(&[
            credit(PayMethod::Gateway, "vnpay"),
            credit(PayMethod::Gateway, "paygov")
        ]),
        OnlinePayment::NationalPlatform
    );
}

#[test]
fn process_steps_carry_the_portal_status_after_each_event() {
    let d = returned_dossier();
    let mut people = BTreeMap::new();
    people.insert(
        "officer".to_owned(),
        Person {
            name: "Trần Thị Bưu".into(),
            title: Some("Công chức một cửa".into()),
            unit: Some("Bộ phận một cửa".into()),
        },
    );
    let steps = process_steps(&d, &people, 0);
    let statuses: Vec<u8> = steps.iter().map(|s| s.status).collect();
    assert_eq!(statuses, vec![1, 2, 5, 4, 4, 4, 4, 9, 9, 10]);
    assert_eq!(steps[1].handler, "Trần Thị Bưu");
    assert_eq!(steps[1].title.as_deref(), Some("Công chức một cửa"));
    assert_eq!(steps[1].content, "Tiếp nhận");
    assert_eq!(steps[1].at, "20261008090000");
    assert_eq!(steps[1].started_at.as_deref(), Some("20261008080000"));
    assert_eq!(steps[0].handler, "citizen");
    assert!(
        steps[2]
            .content
            .starts_with("Yêu cầu bổ sung: Thiếu giấy chứng sinh")
    );
    // Only what is new since the last push.
    let later = process_steps(&d, &people, 8);
    assert_eq!(later.len(), 2);
    assert_eq!(later[0].at, "20261012150000");
    for s in &steps {
        assert!(
            crate::portal::validate::validate_step(s).is_empty(),
            "{s:?}"
        );
    }
}

#[test]
fn steps_while_paused_keep_the_pause_kind() {
    let mut d = returned_dossier();
    d.events.truncate(6);
    let ev = |seq, action, from, to, data| DossierEvent {
        seq,
        at: at("2026-10-09 10:00"),
        actor: "specialist".into(),
        action,
        from: Some(from),
        to,
        data,
    };
    d.events.push(ev(
        7,
        ActionKind::Pause,
        Status::InProcess,
        Status::Paused,
        json!({"kind": "fee_payment", "reason": "Chờ nộp thuế"}),
    ));
    d.events.push(ev(
        8,
        ActionKind::Extend,
        Status::Paused,
        Status::Paused,
        json!({"new_due": "2026-10-20", "reason": "r"}),
    ));
    d.events.push(ev(
        9,
        ActionKind::Resume,
        Status::Paused,
        Status::InProcess,
        json!({}),
    ));
    let statuses: Vec<u8> = process_steps(&d, &BTreeMap::new(), 6)
        .iter()
        .map(|s| s.status)
        .collect();
    assert_eq!(statuses, vec![6, 6, 4]);
}
