//! A returning applicant at the counter: found by identity number at the officer's own
//! agencies only, with clear answers for everyone else.

use reqwest::StatusCode;
use serde_json::json;

use crate::{A, TestApp, birth, spawn_app};

async fn applicants(app: TestApp) {
    let citizen = app.login("citizen").await;
    let officer = app.login("officer").await;
    let officer_b = app.login("officer_b").await;
    app.set_time("2026-10-08 09:00");
    let first = app.file(&citizen, birth(A)).await;
    let mut later = birth(A);
    later["applicant"]["address"] = json!("Thôn Đức Mỹ, xã Bình Giã");
    app.set_time("2026-10-09 09:00");
    let later = app.file(&citizen, later).await;
    assert_ne!(first["code"], later["code"]);

    let find = |id: &str| json!({"id_number": id});
    let path = "/api/v1/applicants/find";
    let (status, v) = app
        .post(Some(&officer), path, find("001 099 012 345"))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["dossier"], later["code"], "the latest dossier: {v}");
    assert_eq!(v["applicant"]["name"], "Nguyễn Văn An");
    assert_eq!(v["applicant"]["address"], "Thôn Đức Mỹ, xã Bình Giã");
    assert_eq!(v["applicant"]["phone"], "0912345678");

    // Another commune's officer learns nothing; a citizen may not look people up.
    let (status, v) = app.post(Some(&officer_b), path, find("001099012345")).await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("applicant_not_found")),
        "{v}"
    );
    let (status, v) = app.post(Some(&citizen), path, find("001099012345")).await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (status, _) = app.post(None, path, find("001099012345")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for bad in [
        json!({"id_number": "12345"}),
        json!({"id_number": "0010990123'--"}),
    ] {
        let (status, v) = app.post(Some(&officer), path, bad).await;
        assert_eq!(
            (status, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("field_invalid")),
            "{v}"
        );
    }
    let (status, v) = app.post(Some(&officer), path, json!({"cccd": "1"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
}

#[tokio::test]
async fn applicants_sqlite() {
    applicants(spawn_app("sqlite").await.unwrap()).await;
}

#[tokio::test]
async fn applicants_postgres() {
    if let Some(app) = spawn_app("postgres").await {
        applicants(app).await;
    }
}
