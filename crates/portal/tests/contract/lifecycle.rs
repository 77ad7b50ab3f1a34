//! Every service and every status path, asserting what the simulator stored.

use std::collections::BTreeMap;

use motcua_domain::portal::{
    PortalStatus, ProcessStep, TransitionCheck, check_transition, process_steps,
};
use motcua_portal::protocol::service;
use motcua_portal::{NationalPortal, PortalError, UpsertOutcome};
use serde_json::json;

use crate::fixture::{AGENCY, BIRTH, World, at_status, record, start};

/// Pushes each record (as an upsert) and returns the portal's status history.
async fn walk(codes: &[u8]) -> Vec<u8> {
    let (sim, portal) = start().await;
    let mut r = record("H79.50.01-261008-0101");
    for &status in codes {
        r = at_status(r, status);
        portal.sync_dossier_upsert(&r).await.unwrap();
    }
    let copy = sim.dossier(&r.code).unwrap();
    assert_eq!(copy.latest, r);
    copy.status_history()
}

#[tokio::test]
async fn refusal_1_3() {
    assert_eq!(walk(&[1, 3]).await, vec![1, 3]);
}

#[tokio::test]
async fn supplement_2_5_4() {
    assert_eq!(walk(&[2, 5, 4]).await, vec![2, 5, 4]);
}

#[tokio::test]
async fn fee_payment_4_6_4() {
    assert_eq!(walk(&[2, 4, 6, 4]).await, vec![2, 4, 6, 4]);
}

#[tokio::test]
async fn stop_2_8() {
    assert_eq!(walk(&[2, 8]).await, vec![2, 8]);
}

#[tokio::test]
async fn hand_built_1_2_4_9_10() {
    assert_eq!(walk(&[1, 2, 4, 9, 10]).await, vec![1, 2, 4, 9, 10]);
}

#[tokio::test]
async fn our_state_machine_walks_1_2_4_9_10_and_the_portal_copy_matches() {
    let (sim, portal) = start().await;
    let w = World::new();
    let mut d = w.file_online("2026-10-08 08:00");
    let mut pushed_seq = 0;
    let mut people = BTreeMap::new();
    people.insert(
        "officer".to_owned(),
        motcua_domain::portal::Person {
            name: "Trần Thị Bưu".into(),
            title: Some("Công chức một cửa".into()),
            unit: None,
        },
    );
    let mut sync = async |d: &motcua_domain::Dossier| {
        // What the outbox will do at every state change: the record, then the new steps.
        let r = w.record(d);
        portal.sync_dossier_upsert(&r).await.unwrap();
        let steps = process_steps(d, &people, pushed_seq);
        for chunk in steps.chunks(10) {
            portal.push_steps(chunk).await.unwrap();
        }
        pushed_seq = d.events.last().map_or(0, |e| e.seq);
        r
    };
    sync(&d).await;
    for (who, at, action, body) in [
        ("officer", "2026-10-08 09:00", "receive", json!({})),
        (
            "officer",
            "2026-10-08 09:10",
            "assign",
            json!({"assignee": "specialist"}),
        ),
        ("specialist", "2026-10-08 10:00", "process", json!({})),
        (
            "specialist",
            "2026-10-09 10:00",
            "submit-for-approval",
            json!({}),
        ),
        ("leader", "2026-10-09 14:00", "approve", json!({})),
        ("officer", "2026-10-09 15:00", "issue-result", json!({})),
        (
            "officer",
            "2026-10-12 09:00",
            "return-result",
            json!({"method": "counter"}),
        ),
    ] {
        d = w.act(&d, who, at, action, body);
        sync(&d).await;
    }
    let ours = w.record(&d);
    let copy = sim.dossier(d.code.as_str()).unwrap();
    // Every state change arrived; the distinct statuses are the portal path.
    let mut path = copy.status_history();
    path.dedup();
    assert_eq!(path, vec![1, 2, 4, 9, 10]);
    assert_eq!(copy.versions.len(), 8);
    // Same final status and dates as ours, field for field.
    assert_eq!(copy.latest, ours);
    assert_eq!(copy.latest.received_at.as_deref(), Some("20261008090000"));
    assert_eq!(copy.latest.returned_at.as_deref(), Some("20261012090000"));
    assert_eq!(copy.latest.return_method, Some(0));
    // One step per event, in order, each with the portal status after it.
    let statuses: Vec<u8> = copy.steps.iter().map(|s| s.step.status).collect();
    assert_eq!(statuses, vec![1, 2, 4, 4, 4, 9, 9, 10]);
    assert_eq!(copy.steps[1].step.handler, "Trần Thị Bưu");
    // The lookup gives the same record back.
    assert_eq!(
        portal.lookup_dossier(d.code.as_str()).await.unwrap(),
        Some(ours)
    );
}

#[tokio::test]
async fn every_pair_of_statuses_is_judged_by_the_transition_table() {
    let (sim, portal) = start().await;
    let mut n = 0;
    for from in PortalStatus::ALL {
        for to in PortalStatus::ALL {
            n += 1;
            let code = format!("H79.50.01-261008-{:04}", 5000 + n);
            let r = at_status(record(&code), from.code());
            portal.sync_dossier(&r, false).await.unwrap();
            let result = portal.sync_dossier(&at_status(r, to.code()), true).await;
            let stored = sim.dossier(&code).unwrap().latest.status;
            match check_transition(from, to) {
                TransitionCheck::Unchanged | TransitionCheck::Allowed => {
                    assert!(result.is_ok(), "{from:?} → {to:?}: {result:?}");
                    assert_eq!(stored, to.code());
                }
                TransitionCheck::Forbidden => {
                    let e = result.unwrap_err();
                    assert!(
                        matches!(&e, PortalError::Rejected { error_code, .. } if error_code == "5"),
                        "{from:?} → {to:?}: {e:?}"
                    );
                    assert_eq!(stored, from.code());
                }
            }
        }
    }
    assert_eq!(sim.dossiers().len(), 100);
}

#[tokio::test]
async fn forbidden_transitions_are_refused_and_change_nothing() {
    let (sim, portal) = start().await;
    for (code, path, bad) in [
        ("H79.50.01-261008-0201", vec![2, 4, 9], 4),
        ("H79.50.01-261008-0202", vec![2, 4, 9, 10], 8),
        ("H79.50.01-261008-0203", vec![1, 3], 2),
        ("H79.50.01-261008-0204", vec![2, 8], 4),
    ] {
        let mut r = record(code);
        for &s in &path {
            r = at_status(r, s);
            portal.sync_dossier_upsert(&r).await.unwrap();
        }
        let before = sim.dossier(code).unwrap();
        let e = portal
            .sync_dossier(&at_status(r.clone(), bad), true)
            .await
            .unwrap_err();
        let PortalError::Rejected {
            error_code,
            message,
        } = &e
        else {
            panic!("{e:?}");
        };
        assert_eq!(error_code, "5", "{message}");
        assert!(message.contains("Không được chuyển"), "{message}");
        assert!(!e.is_retryable());
        assert_eq!(sim.dossier(code).unwrap(), before, "nothing stored");
    }
    // The message names both statuses in Vietnamese.
    let r = at_status(record("H79.50.01-261008-0201"), 4);
    let e = portal.sync_dossier(&r, true).await.unwrap_err();
    assert!(
        e.message_vi().contains("9 (Đã xử lý xong)"),
        "{}",
        e.message_vi()
    );
    assert!(e.message_vi().contains("4 (Đang xử lý)"));
}

#[tokio::test]
async fn bad_records_are_refused_with_the_reason_and_nothing_is_stored() {
    let (sim, portal) = start().await;
    let mut bad_date = record("H79.50.01-261008-0301");
    bad_date.submitted_at = Some("2026-10-08 08:00".into());
    let mut short_id = record("H79.50.01-261008-0302");
    short_id.owner_ids[0].number = "07909000000".into();
    let mut unknown = record("H79.50.01-261008-0303");
    unknown.procedure_code = "9.999999".into();
    let mut status_11 = record("H79.50.01-261008-0304");
    status_11.status = 11;
    for (r, field, words) in [
        (&bad_date, "NgayNopHoSo", "yyyyMMddHHmmss"),
        (&short_id, "DinhDanhCHS[0].SoDinhDanh", "12 chữ số"),
        (&unknown, "MaTTHC", "9.999999"),
        (&status_11, "TrangThaiHoSo", "từ 1 đến 10"),
    ] {
        let e = portal.sync_dossier(r, false).await.unwrap_err();
        let PortalError::Rejected {
            error_code,
            message,
        } = e
        else {
            panic!("{field}: {e:?}");
        };
        assert_eq!(error_code, "-1");
        assert!(message.contains(field), "{message}");
        assert!(message.contains(words), "{message}");
        assert!(sim.dossier(&r.code).is_none());
    }
    assert_eq!(sim.stats().records_accepted, 0);
    assert_eq!(sim.stats().rejected, 4);
}

#[tokio::test]
async fn insert_update_and_upsert() {
    let (sim, portal) = start().await;
    let r = record("H79.50.01-261008-0401");
    // Update of a dossier the portal does not have.
    let e = portal.sync_dossier(&r, true).await.unwrap_err();
    assert!(matches!(&e, PortalError::Rejected { error_code, .. } if error_code == "4"));
    portal.sync_dossier(&r, false).await.unwrap();
    // Inserting again is its own error, so the caller can update instead.
    let e = portal.sync_dossier(&r, false).await.unwrap_err();
    assert!(matches!(e, PortalError::AlreadyExists { .. }), "{e:?}");
    assert_eq!(e.code(), "portal_dossier_exists");
    let r2 = at_status(r.clone(), 2);
    assert_eq!(
        portal.sync_dossier_upsert(&r2).await.unwrap(),
        UpsertOutcome::Updated
    );
    let fresh = record("H79.50.01-261008-0402");
    assert_eq!(
        portal.sync_dossier_upsert(&fresh).await.unwrap(),
        UpsertOutcome::Inserted
    );
    let copy = sim.dossier(&r.code).unwrap();
    assert_eq!(copy.status_history(), vec![1, 2]);
    assert_eq!(
        copy.versions
            .iter()
            .map(|v| v.is_updating)
            .collect::<Vec<_>>(),
        vec![false, true]
    );
    assert_eq!(
        portal
            .lookup_dossier("H79.50.01-261008-9999")
            .await
            .unwrap(),
        None
    );
}

fn step(code: &str, i: usize) -> ProcessStep {
    ProcessStep {
        code: code.into(),
        handler: "Trần Thị Bưu".into(),
        at: format!("2026100809{i:02}00"),
        content: format!("Bước {i}"),
        status: 2,
        ..ProcessStep::default()
    }
}

#[tokio::test]
async fn steps_are_appended_at_most_ten_per_call() {
    let (sim, portal) = start().await;
    let code = "H79.50.01-261008-0501";
    // Steps of a dossier the portal does not have.
    let e = portal.push_steps(&[step(code, 1)]).await.unwrap_err();
    assert!(matches!(&e, PortalError::Rejected { error_code, .. } if error_code == "4"));
    portal
        .sync_dossier(&at_status(record(code), 2), false)
        .await
        .unwrap();
    let ten: Vec<ProcessStep> = (0..10).map(|i| step(code, i)).collect();
    portal.push_steps(&ten).await.unwrap();
    // Eleven: refused by the adapter before sending…
    let eleven: Vec<ProcessStep> = (0..11).map(|i| step(code, i)).collect();
    let calls_before = sim.stats().calls.get(service::PUSH_STEPS).copied();
    let e = portal.push_steps(&eleven).await.unwrap_err();
    assert_eq!(e.code(), "portal_too_many_steps");
    assert_eq!(
        sim.stats().calls.get(service::PUSH_STEPS).copied(),
        calls_before
    );
    // …and by the simulator if someone sends them anyway.
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{}/auth/token", sim.base_url))
        .basic_auth("motcua", Some("motcua-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reply: serde_json::Value = http
        .post(format!("{}/dvcqg", sim.base_url))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .json(&json!({"service": service::PUSH_STEPS, "madonvi": AGENCY, "data": eleven}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["error_code"], "-1");
    assert!(reply["message"].as_str().unwrap().contains("tối đa 10"));
    let copy = sim.dossier(code).unwrap();
    assert_eq!(copy.steps.len(), 10);
    assert_eq!(copy.steps[9].step.content, "Bước 9");
    assert!(portal.push_steps(&[]).await.is_ok(), "nothing to send");
}

#[tokio::test]
async fn catalogue_lookups() {
    let (_sim, portal) = start().await;
    let procedures = portal.procedures().await.unwrap();
    assert_eq!(procedures.len(), 2);
    let p = portal.procedure(BIRTH).await.unwrap().unwrap();
    assert_eq!(p.name, "Thủ tục đăng ký khai sinh");
    assert_eq!(p.sector_code.as_deref(), Some("HT"));
    assert_eq!(portal.procedure("9.999999").await.unwrap(), None);
    let agencies = portal.agencies().await.unwrap();
    assert_eq!(agencies[0].code, AGENCY);
    let sectors = portal.sectors().await.unwrap();
    assert_eq!(
        sectors.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
        vec!["HT", "CT"]
    );
}

#[tokio::test]
async fn an_unknown_agency_code_is_refused() {
    let (sim, _) = start().await;
    let mut config = crate::fixture::client_config(&sim);
    config.madonvi = "H01.99".into();
    let stranger = motcua_portal::HttpPortal::new(config).unwrap();
    let e = stranger.agencies().await.unwrap_err();
    assert!(
        matches!(&e, PortalError::Rejected { error_code, message } if error_code == "6" && message.contains("H01.99"))
    );
}
