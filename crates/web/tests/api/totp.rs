//! An officer's second factor: enrol with a first code, then every login needs a
//! fresh code (each good once); wrong codes count towards the lock; turning it off
//! needs a code; all of it audited.

use motcua_domain::totp::{code_at, from_base32};
use reqwest::StatusCode;
use serde_json::json;

use crate::{TestApp, at, spawn_app};

async fn login(app: &TestApp, otp: Option<&str>) -> (StatusCode, Option<String>) {
    let mut body = json!({"username": "officer", "password": "demo"});
    if let Some(c) = otp {
        body["otp"] = json!(c);
    }
    let (s, v) = app.post(None, "/api/v1/auth/login", body).await;
    (s, v["code"].as_str().map(str::to_owned))
}

fn code(secret: &[u8], local: &str) -> String {
    code_at(secret, at(local).timestamp())
}

async fn second_factor(backend: &'static str) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.set_time("2025-12-01 08:00");
    let token = app.login("officer").await;
    let (s, e) = app.post(Some(&token), "/api/v1/me/totp", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let secret = from_base32(e["secret"].as_str().unwrap()).unwrap();
    assert_eq!(secret.len(), 20);
    assert!(
        e["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    // Not confirmed yet: logins do not ask for a code.
    assert_eq!(login(&app, None).await.0, StatusCode::OK);

    let (s, v) = app
        .post(
            Some(&token),
            "/api/v1/me/totp/confirm",
            json!({"code": "000000"}),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("otp_invalid"))
    );
    let (s, v) = app
        .post(
            Some(&token),
            "/api/v1/me/totp/confirm",
            json!({"code": code(&secret, "2025-12-01 08:00")}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, v) = app.post(Some(&token), "/api/v1/me/totp", json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("totp_already_enabled"))
    );

    // On: the password alone is not enough; the code used to confirm is spent.
    assert_eq!(
        login(&app, None).await,
        (StatusCode::UNAUTHORIZED, Some("otp_required".into()))
    );
    assert_eq!(
        login(&app, Some(&code(&secret, "2025-12-01 08:00"))).await,
        (StatusCode::UNAUTHORIZED, Some("otp_invalid".into())),
        "a code works once"
    );
    app.set_time("2025-12-01 08:01");
    let fresh = code(&secret, "2025-12-01 08:01");
    assert_eq!(login(&app, Some(&fresh)).await.0, StatusCode::OK);
    assert_eq!(
        login(&app, Some(&fresh)).await.1.as_deref(),
        Some("otp_invalid"),
        "replayed"
    );
    // Thirty seconds of drift either way is tolerated; more is not.
    app.set_time("2025-12-01 08:03");
    assert_eq!(
        login(&app, Some(&code(&secret, "2025-12-01 08:03")))
            .await
            .0,
        StatusCode::OK
    );
    app.set_time("2025-12-01 08:05");
    assert_eq!(
        login(&app, Some(&code(&secret, "2025-12-01 08:04")))
            .await
            .1
            .as_deref(),
        Some("otp_invalid")
    );

    // Wrong codes count towards the account's lock (the password was right); asking
    // for the code does not.
    for _ in 0..6 {
        assert_eq!(login(&app, None).await.1.as_deref(), Some("otp_required"));
    }
    for _ in 0..4 {
        assert_eq!(
            login(&app, Some("123456")).await.1.as_deref(),
            Some("otp_invalid")
        );
    }
    // With the late code above that makes five failures: even the right code waits.
    assert_eq!(
        login(&app, Some(&code(&secret, "2025-12-01 08:05"))).await,
        (
            StatusCode::TOO_MANY_REQUESTS,
            Some("too_many_attempts".into())
        )
    );

    // Off, with a code; then the password suffices again.
    app.set_time("2025-12-01 08:30");
    let (s, _) = app
        .post(
            Some(&token),
            "/api/v1/me/totp/disable",
            json!({"code": "111111"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, v) = app
        .post(
            Some(&token),
            "/api/v1/me/totp/disable",
            json!({"code": code(&secret, "2025-12-01 08:30")}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    assert_eq!(login(&app, None).await.0, StatusCode::OK);

    // Citizens' second factor is the identity provider's.
    let citizen = app.login("citizen").await;
    let (s, v) = app.post(Some(&citizen), "/api/v1/me/totp", json!({})).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );

    let entries = app
        .store
        .audit_search(&motcua_store::AuditQuery {
            actor: Some("officer".into()),
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"auth.totp_enable") && actions.contains(&"auth.totp_disable"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn officers_second_factor_sqlite() {
    second_factor("sqlite").await;
}

#[tokio::test]
async fn officers_second_factor_postgres() {
    second_factor("postgres").await;
}
