//! Papers over HTTP: a dossier's forms as PDF for those who may see it, a clear refusal
//! for a form that does not fit, the register as PDF and Excel for the agency's officers.

use reqwest::StatusCode;
use serde_json::json;

use crate::{A, B, TestApp, birth, spawn_app};

async fn fetch(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    let resp = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ct, resp.bytes().await.unwrap().to_vec())
}

async fn papers(app: TestApp) {
    let citizen = app.login("citizen").await;
    let citizen2 = app.login("citizen2").await;
    let officer = app.login("officer").await;
    let officer_b = app.login("officer_b").await;
    app.set_time("2026-10-08 09:00");
    let d = app.file(&citizen, birth(A)).await;
    let code = d["code"].as_str().unwrap().to_owned();
    let path = |form: &str| format!("/api/v1/dossiers/{code}/documents/{form}.pdf");

    // Not yet received: no receipt.
    let (status, v) = app.get(Some(&citizen), &path("receipt")).await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("form_not_applicable")),
        "{v}"
    );

    app.set_time("2026-10-08 10:00");
    app.act(&officer, &code, "receive", json!({})).await;
    for who in [&citizen, &officer] {
        let (status, ct, body) = fetch(&app, who, &path("receipt")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ct, "application/pdf");
        assert!(body.starts_with(b"%PDF-"));
    }
    let (status, _, _) = fetch(&app, &officer, &path("control-slip")).await;
    assert_eq!(status, StatusCode::OK);
    // Someone else's dossier stays invisible, papers included.
    for who in [&citizen2, &officer_b] {
        let (status, v) = app.get(Some(who), &path("receipt")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    }
    // On time, never extended: no apology; and no such form at all.
    let (status, v) = app.get(Some(&officer), &path("apology")).await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("form_not_applicable"))
    );
    assert!(v["message"].as_str().unwrap().contains("gia hạn"));
    let (status, v) = app.get(Some(&officer), &path("hoa-don")).await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_form"))
    );

    app.act(
        &officer,
        &code,
        "request-supplement",
        json!({"items": ["Giấy chứng sinh"], "reason": "Thiếu"}),
    )
    .await;
    let (status, _, body) = fetch(&app, &citizen, &path("supplement-request")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with(b"%PDF-"));

    // The register: PDF and Excel for the agency's officers, nobody else.
    let reg = format!("/api/v1/agencies/{A}/register?from=2026-10-01&to=2026-10-31");
    let (status, ct, body) = fetch(&app, &officer, &reg).await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(body.starts_with(b"%PDF-"));
    let (status, ct, body) = fetch(&app, &officer, &format!("{reg}&format=xlsx")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"));
    assert!(body.starts_with(b"PK"), "an xlsx is a zip");
    let (status, _) = app.get(Some(&officer_b), &reg).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(Some(&citizen), &reg).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = app
        .get(
            Some(&officer),
            &format!("/api/v1/agencies/{A}/register?from=2026-10-31&to=2026-10-01"),
        )
        .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_period"))
    );
    let (status, v) = app
        .get(
            Some(&officer),
            &format!("/api/v1/agencies/{A}/register?from=hôm-qua&to=2026-10-01"),
        )
        .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_period"))
    );
    let (status, v) = app
        .get(
            Some(&officer_b),
            &format!("/api/v1/agencies/{B}/register?from=2026-10-01&to=2026-10-31&format=doc"),
        )
        .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_format"))
    );
}

#[tokio::test]
async fn papers_sqlite() {
    papers(spawn_app("sqlite").await.unwrap()).await;
}

#[tokio::test]
async fn papers_postgres() {
    if let Some(app) = spawn_app("postgres").await {
        papers(app).await;
    }
}
