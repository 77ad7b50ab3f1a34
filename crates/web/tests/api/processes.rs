//! Internal processes through the API: saved by an administrator (bad ones refused
//! with every problem named by its step), read back as JSON, YAML and SVG, followed by
//! a dossier through a commune's and a department's queues, with the delay counted
//! against the agency that caused it.

use motcua_calendar::WorkCalendar;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{A, DEPT, TestApp, at, birth, spawn_app};

/// Birth registration (3 working days = 24 hours) made inter-level for the test:
/// the commune checks, the department examines and signs, the commune returns.
const INTER: &str = r#"
procedure: "1.001193"
valid_from: 2025-07-01
steps:
  - {id: tiep-nhan, name: Tiếp nhận, kind: receive, agency: receiving, role: receiving_officer, share: 2h}
  - {id: xac-nhan, name: Xã xác nhận, kind: process, agency: receiving, unit: .TP, role: specialist, share: 6h,
     after: [tiep-nhan], outcomes: [assign, process, transfer, refuse], assign: least_loaded}
  - {id: chuyen-so, name: Sở tiếp nhận hồ sơ liên thông, kind: transfer, agency: H79.10, role: unit_leader, share: 2h, after: [xac-nhan]}
  - {id: so-tham-dinh, name: Phòng Đất đai thẩm định, kind: process, agency: H79.10, unit: H79.10.DD, role: specialist,
     share: 8h, after: [chuyen-so]}
  - {id: so-trinh-ky, name: Sở trình ký, kind: submit_for_approval, agency: H79.10, role: agency_leader, share: 4h,
     after: [so-tham-dinh]}
  - {id: tra, name: Trả kết quả, kind: return, agency: receiving, role: receiving_officer, share: 2h, after: [so-trinh-ky]}
"#;

/// `hours` working hours after the local time `from`, as a local time.
fn later(from: &str, hours: u64) -> String {
    let cal = WorkCalendar::vietnam().unwrap();
    let t = cal
        .add_working_minutes(motcua_domain::time::to_local(at(from)), hours * 60)
        .unwrap();
    t.format("%Y-%m-%d %H:%M").to_string()
}

async fn post_yaml(app: &TestApp, token: &str, code: &str, yaml: &str) -> (StatusCode, Value) {
    app.send(
        app.client
            .post(format!("{}/api/v1/procedures/{code}/process", app.base))
            .header("content-type", "application/yaml")
            .body(yaml.to_owned()),
        Some(token),
    )
    .await
}

fn agency<'a>(steps: &'a Value, code: &str) -> &'a Value {
    steps["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency"] == code)
        .unwrap_or_else(|| panic!("{code} in {steps}"))
}

async fn inter_level(app: TestApp) {
    let admin = app.login("admin").await;
    let officer = app.login("officer").await;
    let specialist = app.login("specialist").await;
    let dept = app.login("dept").await;
    app.set_time("2026-10-01 08:00");

    // Bad definitions are refused, each problem named by its step; nothing is saved.
    let bad = INTER
        .replace("role: specialist, share: 6h", "share: 6h")
        .replace("unit: H79.10.DD", "unit: H79.99.XX")
        .replace("share: 8h", "share: 16h")
        .replace("after: [so-tham-dinh]}", "after: [so-tham-dinh, tra]}");
    let (status, v) = post_yaml(&app, &admin, "1.001193", &bad).await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("process_invalid")),
        "{v}"
    );
    let named: Vec<(String, String)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message_en"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for want in [
        ("steps.xac-nhan", "process_step_without_role"),
        ("steps.so-tham-dinh", "process_unknown_unit"),
        ("steps.so-trinh-ky", "process_cycle"),
    ] {
        assert!(
            named.contains(&(want.0.to_owned(), want.1.to_owned())),
            "{want:?} in {named:?}"
        );
    }
    // Shares over the limit, the path named.
    let over = INTER.replace("share: 8h", "share: 16h");
    let (status, v) = post_yaml(&app, &admin, "1.001193", &over).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["errors"][0]["message_en"], "process_shares_mismatch");
    assert!(
        v["message"].as_str().unwrap().contains("vượt thời hạn"),
        "{v}"
    );
    // Only an administrator saves.
    let (status, _) = post_yaml(&app, &officer, "1.001193", INTER).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = app.get(None, "/api/v1/procedures/1.001193/process").await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("process_not_found"))
    );

    // A good one is saved and read back: JSON, YAML, SVG.
    let (status, v) = post_yaml(&app, &admin, "1.001193", INTER).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let (status, p) = app.get(None, "/api/v1/procedures/1.001193/process").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["total_minutes"], 24 * 60);
    assert_eq!(p["steps"].as_array().unwrap().len(), 6);
    assert_eq!(p["steps"][1]["unit"], ".TP");
    assert_eq!(
        p["steps"][1]["lane"],
        "Tư pháp - Hộ tịch (cơ quan tiếp nhận)"
    );
    assert_eq!(p["steps"][3]["minutes"], 480);
    assert_eq!(p["steps"][3]["role"], "specialist");
    assert_eq!(p["steps"][2]["lane"], "Sở Nông nghiệp và Môi trường");
    let yaml = app
        .client
        .get(format!(
            "{}/api/v1/procedures/1.001193/process?format=yaml",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert!(
        yaml.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/yaml")
    );
    let text = yaml.text().await.unwrap();
    assert_eq!(
        motcua_domain::process::ProcessDef::from_yaml(&text).unwrap(),
        motcua_domain::process::ProcessDef::from_yaml(INTER).unwrap(),
        "export reads back as what was saved"
    );
    let svg = app
        .client
        .get(format!(
            "{}/api/v1/procedures/1.001193/process.svg",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        svg.headers()["content-type"],
        "image/svg+xml; charset=utf-8"
    );
    let svg = svg.text().await.unwrap();
    assert!(
        svg.starts_with("<svg")
            && svg.contains("Sở tiếp nhận hồ sơ liên thông")
            && svg.contains("Phòng Đất đai")
    );

    // Filed at the commune's counter on Thursday 8 October: received at once, and the
    // process assigns the commune's check to the least-loaded specialist.
    app.set_time("2026-10-08 08:00");
    let mut req = birth(A);
    req["channel"] = json!("counter");
    let d = app.file(&officer, req).await;
    let code = d["code"].as_str().unwrap().to_owned();
    assert_eq!(
        (d["status"].as_str(), d["assignee"].as_str()),
        (Some("assigned"), Some("specialist")),
        "{d}"
    );
    let (_, steps) = app
        .get(Some(&officer), &format!("/api/v1/dossiers/{code}/steps"))
        .await;
    assert_eq!(steps["current"], json!(["xac-nhan"]), "{steps}");
    assert_eq!(steps["steps"][1]["officer"], "specialist");
    assert_eq!(steps["steps"][1]["unit"], "H79.50.01.TP");

    // The commune's specialist takes 10 working hours over a 6-hour check.
    app.set_time("2026-10-08 08:10");
    app.act(&specialist, &code, "process", json!({})).await;
    app.refused(
        &specialist,
        &code,
        "submit-for-approval",
        json!({}),
        (StatusCode::CONFLICT, "step_outcome_not_allowed"),
    )
    .await;
    let handed = later("2026-10-08 08:00", 10);
    app.set_time(&handed);
    app.act(
        &specialist,
        &code,
        "transfer",
        json!({"agency": DEPT, "reason": "Liên thông theo quy trình"}),
    )
    .await;

    // The department's queue has it; the commune still follows it.
    let (_, queue) = app
        .get(Some(&dept), &format!("/api/v1/dossiers?agency={DEPT}"))
        .await;
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == code),
        "{queue}"
    );
    let (status, _) = app
        .get(Some(&officer), &format!("/api/v1/dossiers/{code}/steps"))
        .await;
    assert_eq!(status, StatusCode::OK);

    // The department takes it up an hour later and keeps its 8 hours (7 used).
    let taken = later(&handed, 1);
    app.set_time(&taken);
    app.act(&dept, &code, "assign", json!({"assignee": "dept"}))
        .await;
    app.act(&dept, &code, "process", json!({})).await;
    let submitted = later(&taken, 7);
    app.set_time(&submitted);
    app.act(&dept, &code, "submit-for-approval", json!({}))
        .await;

    let (status, steps) = app
        .get(Some(&dept), &format!("/api/v1/dossiers/{code}/steps"))
        .await;
    assert_eq!(status, StatusCode::OK, "{steps}");
    assert_eq!(steps["current"], json!(["so-trinh-ky"]));
    let commune = agency(&steps, A);
    assert_eq!(
        (
            commune["on_time"].as_bool(),
            commune["late_minutes"].as_i64(),
            commune["late_steps"].as_u64()
        ),
        (Some(false), Some(240), Some(1)),
        "{commune}"
    );
    assert_eq!(steps["steps"][1]["timeliness"], "late");
    let province = agency(&steps, DEPT);
    assert_eq!(
        (
            province["on_time"].as_bool(),
            province["late_minutes"].as_i64(),
            province["planned_minutes"].as_u64()
        ),
        (Some(true), Some(0), Some(14 * 60)),
        "{province}"
    );
    assert_eq!(steps["steps"][3]["officer"], "dept");
    assert_eq!(steps["steps"][2]["handed_by"], "specialist");

    // The control slip lists the steps with the late one marked.
    let slip = app
        .client
        .get(format!(
            "{}/api/v1/dossiers/{code}/documents/control-slip.pdf",
            app.base
        ))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap();
    assert_eq!(slip.status(), StatusCode::OK);
    assert!(slip.bytes().await.unwrap().starts_with(b"%PDF"));

    // A new version does not move this dossier.
    let v2 = INTER
        .replace("valid_from: 2025-07-01", "valid_from: 2026-10-09")
        .replace("share: 6h", "share: 8h")
        .replace(
            "share: 8h, after: [chuyen-so]",
            "share: 6h, after: [chuyen-so]",
        );
    let (status, v) = post_yaml(&app, &admin, "1.001193", &v2).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let (_, again) = app
        .get(Some(&dept), &format!("/api/v1/dossiers/{code}/steps"))
        .await;
    assert_eq!(again["process_id"], steps["process_id"]);
    assert_eq!(again["steps"][1]["due_at"], steps["steps"][1]["due_at"]);
    let (_, p2) = app.get(None, "/api/v1/procedures/1.001193/process").await;
    assert_eq!(p2["steps"][1]["share"], "8h");

    // Strangers see no steps.
    let citizen = app.login("citizen").await;
    let (status, _) = app
        .get(Some(&citizen), &format!("/api/v1/dossiers/{code}/steps"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_inter_level_dossier_through_two_queues_sqlite() {
    inter_level(spawn_app("sqlite").await.unwrap()).await;
}

#[tokio::test]
async fn an_inter_level_dossier_through_two_queues_postgres() {
    if let Some(app) = spawn_app("postgres").await {
        inter_level(app).await;
    }
}
