//! Password guessing, and transport security: an account is locked after 5 failures in 15 minutes (even the
//! right password waits), an address after 30 across accounts; both with a clear 429.

use reqwest::StatusCode;
use serde_json::json;

use crate::{TestApp, spawn_app};

async fn attempt(app: &TestApp, user: &str, password: &str) -> (StatusCode, Option<String>) {
    let (s, v) = app
        .post(
            None,
            "/api/v1/auth/login",
            json!({"username": user, "password": password}),
        )
        .await;
    (s, v["code"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account_and_per_address() {
    let app = spawn_app("sqlite").await.unwrap();
    app.set_time("2026-10-08 09:00");
    for _ in 0..5 {
        assert_eq!(
            attempt(&app, "officer", "sai").await,
            (StatusCode::UNAUTHORIZED, Some("invalid_credentials".into()))
        );
    }
    // Locked: the right password is refused too, with the wait in the message.
    let (s, v) = app
        .post(
            None,
            "/api/v1/auth/login",
            json!({"username": "Officer", "password": "demo"}),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")),
        "case does not dodge the lock: {v}"
    );
    assert!(v["message"].as_str().unwrap().contains("15 phút"), "{v}");
    // Another account from the same address is not locked yet.
    app.login("citizen").await;
    // Fifteen minutes later the account opens again, and a success clears its count.
    app.set_time("2026-10-08 09:15");
    app.login("officer").await;
    assert_eq!(
        attempt(&app, "officer", "sai").await.0,
        StatusCode::UNAUTHORIZED
    );

    // Many accounts from one address: the address is locked after 30 failures.
    app.set_time("2026-10-08 10:00");
    for i in 0..30 {
        let (s, _) = attempt(&app, &format!("nobody{i}"), "x").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    assert_eq!(
        attempt(&app, "leader", "demo").await,
        (
            StatusCode::TOO_MANY_REQUESTS,
            Some("too_many_attempts".into())
        )
    );
    app.set_time("2026-10-08 10:15");
    app.login("leader").await;
}

#[tokio::test]
async fn hsts_only_when_the_public_address_is_https() {
    let plain = spawn_app("sqlite").await.unwrap();
    let tls = crate::spawn_app_with("sqlite", |c| {
        c.public_url = "https://motcua.example.gov.vn".into();
    })
    .await
    .unwrap();
    for path in ["/healthz", "/", "/api/v1/procedures"] {
        let h = |app: &TestApp| {
            let url = format!("{}{path}", app.base);
            let client = app.client.clone();
            async move {
                client
                    .get(url)
                    .send()
                    .await
                    .unwrap()
                    .headers()
                    .get("strict-transport-security")
                    .map(|v| v.to_str().unwrap().to_owned())
            }
        };
        assert_eq!(h(&plain).await, None, "{path}");
        assert_eq!(
            h(&tls).await.as_deref(),
            Some("max-age=31536000; includeSubDomains"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn logout_ends_one_session_or_all_of_them() {
    let app = spawn_app("sqlite").await.unwrap();
    let (a, b, c) = (
        app.login("officer").await,
        app.login("officer").await,
        app.login("officer").await,
    );
    let other = app.login("leader").await;
    let (s, _) = app.post(Some(&a), "/api/v1/auth/logout", json!({})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(Some(&a), "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get(Some(&b), "/api/v1/me").await.0, StatusCode::OK);
    let before = app.store.audit_len().await.unwrap();
    let (s, v) = app
        .post(Some(&b), "/api/v1/auth/logout-all", json!({}))
        .await;
    assert_eq!(
        (s, v["sessions_closed"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{v}"
    );
    for t in [&b, &c] {
        assert_eq!(
            app.get(Some(t), "/api/v1/me").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.get(Some(&other), "/api/v1/me").await.0,
        StatusCode::OK,
        "another account keeps its session"
    );
    assert_eq!(app.store.audit_len().await.unwrap(), before + 1, "audited");
}
