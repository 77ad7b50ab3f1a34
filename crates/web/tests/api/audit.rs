//! The audit log searched by an administrator: a dossier's story including who looked
//! at it; nobody else may search; the search itself is recorded.

use reqwest::StatusCode;

use crate::{A, birth, spawn_app};

#[tokio::test]
async fn administrators_search_the_audit_log() {
    let app = spawn_app("sqlite").await.unwrap();
    let citizen = app.login("citizen").await;
    let officer = app.login("officer").await;
    let admin = app.login("admin").await;
    app.set_time("2026-10-08 09:00");
    let d = app.file(&citizen, birth(A)).await;
    let code = d["code"].as_str().unwrap().to_owned();
    let (s, _) = app
        .get(Some(&officer), &format!("/api/v1/dossiers/{code}"))
        .await;
    assert_eq!(s, StatusCode::OK);

    let (s, v) = app
        .get(Some(&admin), &format!("/api/v1/audit?target={code}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let seen: Vec<(String, String)> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["actor"].as_str().unwrap().to_owned(),
                i["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen.first(),
        Some(&("officer".to_owned(), "dossier.read".to_owned())),
        "newest first: {seen:?}"
    );
    assert!(seen.iter().any(|(a, _)| a == "citizen"), "{seen:?}");
    assert!(v["items"][0]["at"].as_str().unwrap().ends_with("+07:00"));

    let (s, v) = app
        .get(
            Some(&admin),
            "/api/v1/audit?actor=admin&action=audit.search",
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["items"][0]["target"],
        code.as_str(),
        "the search was recorded: {v}"
    );

    let (s, v) = app
        .get(
            Some(&admin),
            "/api/v1/audit?from=2026-10-08&to=2026-10-07&limit=1",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "an empty period is just empty: {v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    let (s, v) = app.get(Some(&admin), "/api/v1/audit?from=hôm-nay").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_period"))
    );
    let (s, v) = app.get(Some(&admin), "/api/v1/audit?limit=2").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    let next = v["next_before"].as_i64().unwrap();
    let (_, older) = app
        .get(
            Some(&admin),
            &format!("/api/v1/audit?limit=2&before={next}"),
        )
        .await;
    assert!(older["items"][0]["seq"].as_i64().unwrap() < next);
    for who in [&officer, &citizen] {
        let (s, _) = app.get(Some(who), "/api/v1/audit").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}
