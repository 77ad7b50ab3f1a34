//! Statistics over HTTP: figures, breakdowns, who may read them, the 766 index and
//! the periodic report files.

use reqwest::StatusCode;
use serde_json::json;

use crate::{A, TestApp, birth, spawn_app};

async fn stats(app: TestApp) {
    let citizen = app.login("citizen").await;
    let officer = app.login("officer").await;
    let specialist = app.login("specialist").await;
    let leader = app.login("leader").await;

    // Three dossiers at A in October 2026 (limit 3 working days):
    // 1. online, received Thu 8 Oct 10:00 (due Tue 13), approved Fri 9: early;
    // 2. online, received Thu 8 Oct 10:00, approved Wed 14: late;
    // 3. online, received Mon 12 Oct, still open at the end of October: overdue.
    let mut codes = Vec::new();
    for _ in 0..3 {
        app.set_time("2026-10-08 09:00");
        let d = app.file(&citizen, birth(A)).await;
        codes.push(d["code"].as_str().unwrap().to_owned());
    }
    for (i, code) in codes.iter().enumerate() {
        app.set_time(if i == 2 {
            "2026-10-12 10:00"
        } else {
            "2026-10-08 10:00"
        });
        app.act(&officer, code, "receive", json!({})).await;
    }
    for (code, day) in [(&codes[0], "2026-10-09"), (&codes[1], "2026-10-14")] {
        app.set_time(&format!("{day} 08:00"));
        app.act(&officer, code, "assign", json!({"assignee": "specialist"}))
            .await;
        app.act(&specialist, code, "process", json!({})).await;
        app.act(&specialist, code, "submit-for-approval", json!({}))
            .await;
        app.set_time(&format!("{day} 15:00"));
        app.act(&leader, code, "approve", json!({})).await;
    }
    app.set_time("2026-11-20 09:00");

    let (s, v) = app
        .get(
            Some(&officer),
            "/api/v1/stats?from=2026-10-01&to=2026-10-31",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["received"], 3, "{} {v}", app.backend);
    assert_eq!(v["online"], 3);
    assert_eq!(v["resolved"], 2);
    assert_eq!(
        (
            v["early"].as_i64(),
            v["on_time"].as_i64(),
            v["late"].as_i64()
        ),
        (Some(1), Some(0), Some(1))
    );
    assert_eq!(v["on_time_rate"], 50.0);
    assert_eq!(
        (v["in_process"].as_i64(), v["in_process_overdue"].as_i64()),
        (Some(1), Some(1))
    );
    // 766 progress: 1 ÷ (2 + 1).
    assert_eq!(v["progress_rate"], 33.33);
    assert_eq!(v["online_rate"], 100.0);
    assert!(v.get("rows").is_none());

    // November: the one still open was carried over and is still open.
    let (_, nov) = app
        .get(
            Some(&officer),
            &format!("/api/v1/stats?from=2026-11-01&to=2026-11-30&agency={A}"),
        )
        .await;
    assert_eq!(
        (nov["carried_over"].as_i64(), nov["received"].as_i64()),
        (Some(1), Some(0))
    );

    // Breakdowns.
    let (s, by) = app
        .get(
            Some(&officer),
            "/api/v1/stats?from=2026-10-01&to=2026-10-31&group=agency",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{by}");
    let rows = by["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["key"], A);
    assert_eq!(rows[0]["received"], 3);
    let (_, by) = app
        .get(
            Some(&officer),
            "/api/v1/stats?from=2026-10-01&to=2026-10-31&group=sector",
        )
        .await;
    assert_eq!(by["rows"][0]["key"], "Hộ tịch");

    // Per officer: the leader's, not a receiving officer's.
    let (s, e) = app
        .get(
            Some(&officer),
            &format!("/api/v1/stats?from=2026-10-01&to=2026-10-31&agency={A}&group=officer"),
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "{e}"
    );
    let (s, by) = app
        .get(
            Some(&leader),
            &format!("/api/v1/stats?from=2026-10-01&to=2026-10-31&agency={A}&group=officer"),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{by}");
    let keys: Vec<&str> = by["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&format!("{A}/specialist").as_str()),
        "{keys:?}"
    );

    // Refusals.
    let (s, e) = app
        .get(
            Some(&citizen),
            "/api/v1/stats?from=2026-10-01&to=2026-10-31",
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (s, e) = app
        .get(None, "/api/v1/stats?from=2026-10-01&to=2026-10-31")
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{e}");
    let (s, e) = app
        .get(
            Some(&officer),
            "/api/v1/stats?from=2026-10-31&to=2026-10-01",
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("stats_range_invalid")
        )
    );
    let (s, e) = app
        .get(
            Some(&officer),
            "/api/v1/stats?from=2026-10-01&to=2026-10-31&agency=H00.00",
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("agency_not_found"))
    );
    let (s, e) = app
        .get(
            Some(&officer),
            "/api/v1/stats?from=2026-10-01&to=2026-10-31&group=planet",
        )
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("stats_group_invalid")
        )
    );
    let (s, _) = app
        .get(
            Some(&officer),
            "/api/v1/stats?from=2026-13-01&to=2026-10-31",
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // The 766 index of 2026: progress from the same figures; what the system does not
    // hold is "not available", never a number.
    let (s, ix) = app.get(Some(&officer), "/api/v1/index766?year=2026").await;
    assert_eq!(s, StatusCode::OK, "{ix}");
    let ind = |code: &str| {
        ix["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["indicators"].as_array().unwrap().iter())
            .find(|i| i["code"] == code)
            .unwrap()
            .clone()
    };
    let progress = ind("2.1");
    assert_eq!(progress["available"], true);
    assert_eq!(progress["rate"], 33.33, "{progress}");
    assert_eq!(progress["points"], 6.67, "{progress}"); // 33.33 % × 20
    let synced = ind("1.4");
    assert_eq!(synced["available"], false);
    assert!(synced["points"].is_null());
    assert_eq!(ix["max"], 100.0);
    let (s, _) = app.get(Some(&officer), "/api/v1/index766?year=1990").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // The report as Excel and PDF.
    let resp = app
        .client
        .get(format!("{}/api/v1/stats/report?period=2026-10", app.base))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let resp = app
        .client
        .get(format!(
            "{}/api/v1/stats/report?period=2026-Q4&format=pdf&group=agency",
            app.base
        ))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(&bytes[..4], b"%PDF");
    let (s, e) = app
        .get(Some(&officer), "/api/v1/stats/report?period=2026-13")
        .await;
    assert_eq!(
        (s, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("field_invalid")),
        "{e}"
    );
}

#[tokio::test]
async fn stats_sqlite() {
    stats(spawn_app("sqlite").await.unwrap()).await;
}

#[tokio::test]
async fn stats_postgres() {
    if let Some(app) = spawn_app("postgres").await {
        stats(app).await;
    }
}
