//! Every path of the state machine through the HTTP API.

use reqwest::StatusCode;
use serde_json::json;

use crate::{A, DEPT, TestApp, birth, spawn_app};

async fn full_paths(app: TestApp) {
    let citizen = app.login("citizen").await;
    let officer = app.login("officer").await;
    let specialist = app.login("specialist").await;
    let leader = app.login("leader").await;
    let officer_b = app.login("officer_b").await;
    let dept = app.login("dept").await;

    // Online filing, then reception: clock starts.
    app.set_time("2026-10-08 09:00");
    let d = app.file(&citizen, birth(A)).await;
    let code = d["code"].as_str().unwrap().to_owned();
    assert_eq!(code, "H79.50.01-261008-0001", "{}", app.backend);
    assert_eq!(d["status"], "submitted");
    assert!(d["received_at"].is_null() && d["due_at"].is_null());
    app.set_time("2026-10-08 10:00");
    let d = app.act(&officer, &code, "receive", json!({})).await;
    assert_eq!(d["due_at"], "2026-10-13T17:00:00+07:00");
    assert_eq!(d["deadline"]["remaining_working_days"], 3);

    // Supplement during processing: the wait is excluded.
    app.act(&officer, &code, "assign", json!({"assignee": "specialist"}))
        .await;
    app.set_time("2026-10-08 14:00");
    app.act(&specialist, &code, "process", json!({})).await;
    app.set_time("2026-10-09 08:00");
    let d = app
        .act(
            &specialist,
            &code,
            "request-supplement",
            json!({"items": ["Bản sao giấy tờ tùy thân của mẹ"], "reason": "Thiếu"}),
        )
        .await;
    assert_eq!(
        (d["status"].as_str(), d["portal_status"].as_u64()),
        (Some("supplement_requested"), Some(5))
    );
    app.set_time("2026-10-13 09:00");
    let d = app
        .act(&citizen, &code, "supplement", json!({"note": "Đã bổ sung"}))
        .await;
    assert_eq!(
        d["due_at"], "2026-10-15T17:00:00+07:00",
        "waited 9→13 October: 2 working days"
    );
    app.act(&specialist, &code, "process", json!({})).await;

    // Consultation with another agency, answered there.
    let d = app
        .act(
            &specialist,
            &code,
            "consult",
            json!({"target": "H79.50.02", "question": "Xác minh cư trú"}),
        )
        .await;
    assert_eq!(d["status"], "consulting");
    let d = app
        .act(
            &officer_b,
            &code,
            "consult-reply",
            json!({"answer": "Có cư trú"}),
        )
        .await;
    assert_eq!(d["status"], "in_process");

    // Approval, result, return, rating.
    app.act(&specialist, &code, "submit-for-approval", json!({}))
        .await;
    app.act(
        &leader,
        &code,
        "send-back",
        json!({"reason": "Sửa lỗi chính tả"}),
    )
    .await;
    app.act(&specialist, &code, "submit-for-approval", json!({}))
        .await;
    app.set_time("2026-10-14 10:00");
    let d = app.act(&leader, &code, "approve", json!({})).await;
    assert_eq!(d["deadline"]["timeliness"], "early");
    app.act(
        &specialist,
        &code,
        "issue-result",
        json!({"result_number": "12/2026"}),
    )
    .await;
    let d = app
        .act(
            &officer,
            &code,
            "return-result",
            json!({"method": "counter"}),
        )
        .await;
    assert_eq!(
        (d["status"].as_str(), d["portal_status"].as_u64()),
        (Some("returned"), Some(10))
    );
    let (status, d) = app
        .post(
            Some(&citizen),
            &format!("/api/v1/dossiers/{code}/rating"),
            json!({"level": "very_satisfied", "comment": "Nhanh"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["rating"]["level"], "very_satisfied");

    // The public lookup shows the final status and no personal data.
    let (status, l) = app.get(None, &format!("/api/v1/lookup/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(l["status"], "returned");
    let text = l.to_string();
    for private in [
        "Nguyễn Văn An",
        "001099012345",
        "0912345678",
        "Bình Giã",
        "citizen",
        "specialist",
    ] {
        assert!(!text.contains(private), "lookup leaks {private}: {text}");
    }
    let history = app
        .get(Some(&citizen), &format!("/api/v1/dossiers/{code}"))
        .await
        .1;
    assert_eq!(history["history"].as_array().unwrap().len(), 16);

    // Refusal at reception.
    let r = app.file(&citizen, birth(A)).await;
    let r_code = r["code"].as_str().unwrap().to_owned();
    let r = app
        .act(
            &officer,
            &r_code,
            "refuse",
            json!({"reason": "Không thuộc thẩm quyền"}),
        )
        .await;
    assert_eq!(
        (r["status"].as_str(), r["portal_status"].as_u64()),
        (Some("refused"), Some(3))
    );

    // Withdrawal by the citizen.
    let w = app.file(&citizen, birth(A)).await;
    let w_code = w["code"].as_str().unwrap().to_owned();
    let w = app
        .act(
            &citizen,
            &w_code,
            "withdraw",
            json!({"reason": "Không cần nữa"}),
        )
        .await;
    assert_eq!(w["status"], "withdrawn");

    // Transfer to the department (liên thông); the department finishes it.
    app.set_time("2026-10-19 09:00");
    let t = app.file(&officer, birth(A)).await;
    let t_code = t["code"].as_str().unwrap().to_owned();
    let t = app
        .act(
            &officer,
            &t_code,
            "transfer",
            json!({"agency": DEPT, "reason": "Thẩm quyền của Sở"}),
        )
        .await;
    assert_eq!(
        (t["status"].as_str(), t["handling_agency"].as_str()),
        (Some("transferred"), Some(DEPT))
    );
    app.act(&dept, &t_code, "process", json!({})).await;
    app.act(&dept, &t_code, "submit-for-approval", json!({}))
        .await;
    let t = app.act(&dept, &t_code, "approve", json!({})).await;
    assert_eq!(t["status"], "approved");
    // The department's queue shows it; commune B's does not.
    let (_, q) = app.get(Some(&dept), "/api/v1/dossiers").await;
    assert!(
        q["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == t_code.as_str())
    );
    let (_, q) = app.get(Some(&officer_b), "/api/v1/dossiers").await;
    assert_eq!(q["total"], 0);

    // Stop.
    let s = app.file(&officer, birth(A)).await;
    let s_code = s["code"].as_str().unwrap().to_owned();
    let s = app
        .act(
            &officer,
            &s_code,
            "stop",
            json!({"reason": "Theo đề nghị của người nộp"}),
        )
        .await;
    assert_eq!(
        (s["status"].as_str(), s["portal_status"].as_u64()),
        (Some("stopped"), Some(8))
    );
}

async fn holiday_pause_and_late_apology(app: TestApp) {
    let officer = app.login("officer").await;
    let specialist = app.login("specialist").await;
    let leader = app.login("leader").await;

    // Pause over Tết 2026: received Wed 11/02, 3 working days → Mon 23/02; paused 12/02
    // to 24/02 (3 working days) → Thu 26/02.
    app.set_time("2026-02-11 09:00");
    let p = app.file(&officer, birth(A)).await;
    let p_code = p["code"].as_str().unwrap().to_owned();
    assert_eq!(p["due_at"], "2026-02-23T17:00:00+07:00");
    app.set_time("2026-02-12 09:00");
    let p = app
        .act(
            &officer,
            &p_code,
            "pause",
            json!({"reason": "Chờ nộp lệ phí", "kind": "fee_payment"}),
        )
        .await;
    assert_eq!(p["portal_status"], 6);
    app.set_time("2026-02-24 09:00");
    let p = app.act(&officer, &p_code, "resume", json!({})).await;
    assert_eq!(p["due_at"], "2026-02-26T17:00:00+07:00");

    // Late, then apology and a new date, then return.
    app.set_time("2026-06-08 08:00");
    let l = app.file(&officer, birth(A)).await;
    let l_code = l["code"].as_str().unwrap().to_owned();
    assert_eq!(l["due_at"], "2026-06-11T17:00:00+07:00");
    app.act(
        &leader,
        &l_code,
        "assign",
        json!({"assignee": "specialist"}),
    )
    .await;
    app.act(&specialist, &l_code, "process", json!({})).await;
    app.set_time("2026-06-12 09:00");
    let (_, late) = app
        .get(Some(&officer), &format!("/api/v1/dossiers/{l_code}"))
        .await;
    assert_eq!(late["deadline"]["overdue"], true);
    let (_, queue) = app
        .get(Some(&officer), "/api/v1/dossiers?due_before=2026-06-12")
        .await;
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == l_code.as_str())
    );
    app.act(&specialist, &l_code, "submit-for-approval", json!({}))
        .await;
    app.act(&leader, &l_code, "approve", json!({})).await;
    app.act(&specialist, &l_code, "issue-result", json!({}))
        .await;
    app.refused(
        &officer,
        &l_code,
        "return-result",
        json!({}),
        (StatusCode::CONFLICT, "apology_required"),
    )
    .await;
    let e = app.act(&leader, &l_code, "extend", json!({"new_due": "2026-06-15", "reason": "Chờ xác minh", "apology": "Kính gửi ông/bà…"})).await;
    assert_eq!(
        (e["extended"].as_bool(), e["due_at"].as_str()),
        (Some(true), Some("2026-06-15T17:00:00+07:00"))
    );
    app.refused(
        &leader,
        &l_code,
        "extend",
        json!({"new_due": "2026-06-16", "reason": "x"}),
        (StatusCode::CONFLICT, "extension_already_used"),
    )
    .await;
    let r = app.act(&officer, &l_code, "return-result", json!({})).await;
    assert_eq!(r["status"], "returned");
    assert_eq!(r["deadline"]["timeliness"], "late");
    assert_eq!(r["deadline"]["appointment_kept"], true);

    // Every change is in the audit chain.
    let audit = app.store.verify_audit().await.unwrap();
    assert_eq!(audit.broken_at(), None);
}

#[tokio::test]
async fn every_path_sqlite() {
    full_paths(spawn_app("sqlite").await.unwrap()).await;
}

#[tokio::test]
async fn every_path_postgres() {
    if let Some(app) = spawn_app("postgres").await {
        full_paths(app).await;
    }
}

#[tokio::test]
async fn holiday_pause_and_late_apology_sqlite() {
    holiday_pause_and_late_apology(spawn_app("sqlite").await.unwrap()).await;
}

#[tokio::test]
async fn holiday_pause_and_late_apology_postgres() {
    if let Some(app) = spawn_app("postgres").await {
        holiday_pause_and_late_apology(app).await;
    }
}

#[tokio::test]
async fn counter_reception_assisted_filing_and_search() {
    let app = spawn_app("sqlite").await.unwrap();
    let officer = app.login("officer").await;
    let helper = app.login("officer_b").await;
    app.set_time("2026-10-09 16:40");
    // Counter, same-day procedure after its 15:00 cut-off: due next working day.
    let c = app
        .file(&officer, json!({"procedure": "2.000815", "applicant": {"name": "Trần Văn Bảy"}, "documents": [{"name": "Bản chính sổ hộ khẩu", "original": true}]}))
        .await;
    assert_eq!(c["status"], "received");
    assert_eq!(c["channel"], "counter");
    assert_eq!(c["due_at"], "2026-10-12T17:00:00+07:00");
    // Assisted filing by a community digital helper for a citizen account.
    let mut req = crate::birth(A);
    req["channel"] = json!("assisted");
    req["owner"] = json!("citizen");
    let (s, v) = app
        .post(Some(&helper), "/api/v1/dossiers", req.clone())
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("consent")),
        "{v}"
    );
    req["consent"] = json!({"method": "in_person", "scopes": ["supplement"]});
    let h = app.file(&helper, req).await;
    assert_eq!(h["consent"]["method"], "in_person");
    assert_eq!(h["consent"]["scopes"], json!(["supplement"]));
    assert_eq!(
        (
            h["helper"].as_str(),
            h["owner"].as_str(),
            h["channel"].as_str()
        ),
        (Some("officer_b"), Some("citizen"), Some("assisted"))
    );
    let citizen = app.login("citizen").await;
    let (_, mine) = app.get(Some(&citizen), "/api/v1/dossiers").await;
    assert_eq!(mine["total"], 1);

    for q in [
        "khai%20sinh",
        "KHAI%20SINH",
        "%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh",
        "dang%20ky%20khai%20sinh",
    ] {
        let (status, r) = app.get(None, &format!("/api/v1/procedures?q={q}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(r["items"][0]["code"], "1.001193", "{q}: {r}");
    }
    let (_, p) = app.get(None, "/api/v1/procedures/1.001193").await;
    assert_eq!(p["time_limit_label"], "3 ngày làm việc");
    assert_eq!(p["form"]["required"][0], "tre_ho_ten");
    let (status, _) = app.get(None, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    let metrics = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("motcua_http_requests_total"), "{metrics}");
}
