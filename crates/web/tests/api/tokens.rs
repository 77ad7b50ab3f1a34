//! API tokens for integrations: made by an officer, shown once, scoped (a token reads
//! only what its scopes and its account allow), closed to the routes that mint tokens
//! or end sessions, expiring, revocable, and audited.

use reqwest::StatusCode;
use serde_json::json;

use crate::{A, B, birth, spawn_app};

async fn tokens(backend: &'static str) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let officer = app.login("officer").await;
    let citizen = app.login("citizen").await;
    let dossier = app.file(&citizen, birth(A)).await;
    let code = dossier["code"].as_str().unwrap();

    let (s, created) = app
        .post(
            Some(&officer),
            "/api/v1/tokens",
            json!({"name": "Phần mềm một cửa của xã", "scopes": ["dossiers:read"], "expires_in_days": 30}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let token = created["token"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(token.starts_with(&format!("mct_{id}_")), "{token}");
    assert_eq!(created["scopes"], json!(["dossiers:read"]));

    // What the scope covers works, within the account's own reach.
    let (s, v) = app
        .get(Some(&token), &format!("/api/v1/dossiers/{code}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app.get(Some(&token), "/api/v1/dossiers").await;
    assert_eq!((s, v["total"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
    let (s, me) = app.get(Some(&token), "/api/v1/me").await;
    assert_eq!(
        (s, me["username"].as_str()),
        (StatusCode::OK, Some("officer"))
    );

    // Outside the scope: refused with the missing scope named.
    let (s, v) = app
        .post(
            Some(&token),
            &format!("/api/v1/dossiers/{code}/actions/receive"),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("token_scope_missing")),
        "{v}"
    );
    assert!(
        v["message"].as_str().unwrap().contains("dossiers:write"),
        "{v}"
    );
    let (s, v) = app.get(Some(&token), "/api/v1/audit").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("token_scope_missing"))
    );
    // Routes closed to tokens: a token cannot mint tokens or end sessions.
    for (s, v) in [
        app.post(
            Some(&token),
            "/api/v1/tokens",
            json!({"name": "x", "scopes": ["audit:read"]}),
        )
        .await,
        app.post(Some(&token), "/api/v1/auth/logout-all", json!({}))
            .await,
        app.get(Some(&token), "/api/v1/me/export").await,
    ] {
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("token_not_allowed")),
            "{v}"
        );
    }
    // The nothing-changed check: the dossier was not received.
    let (_, v) = app
        .get(Some(&officer), &format!("/api/v1/dossiers/{code}"))
        .await;
    assert_eq!(v["status"], "submitted");

    // A token of another agency's officer does not see the dossier (404 as if absent).
    let officer_b = app.login("officer_b").await;
    let (_, b) = app
        .post(
            Some(&officer_b),
            "/api/v1/tokens",
            json!({"name": "B", "scopes": ["dossiers:read", "dossiers:write"]}),
        )
        .await;
    let token_b = b["token"].as_str().unwrap();
    assert_eq!(
        app.get(Some(token_b), &format!("/api/v1/dossiers/{code}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (s, v) = app
        .post(
            Some(token_b),
            &format!("/api/v1/dossiers/{code}/actions/receive"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let _ = B;

    // Bad requests: clear 4xx, nothing stored.
    for (body, field) in [
        (json!({"name": "x", "scopes": ["admin"]}), "scopes"),
        (json!({"name": "x", "scopes": []}), "scopes"),
        (json!({"name": " ", "scopes": ["dossiers:read"]}), "name"),
        (
            json!({"name": "x", "scopes": ["dossiers:read"], "expires_in_days": 400}),
            "expires_in_days",
        ),
    ] {
        let (s, v) = app.post(Some(&officer), "/api/v1/tokens", body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(
            v["field"].as_str().or(v["errors"][0]["field"].as_str()),
            Some(field),
            "{v}"
        );
    }
    let (s, v) = app
        .post(
            Some(&citizen),
            "/api/v1/tokens",
            json!({"name": "x", "scopes": ["dossiers:read"]}),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "{v}"
    );

    // Listed without the secret.
    let (s, list) = app.get(Some(&officer), "/api/v1/tokens").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0].get("token").is_none() && !list.to_string().contains(&token));

    // Expiry: 30 days on, the token is dead.
    app.set_time("2025-12-31 08:01");
    let (s, v) = app.get(Some(&token), "/api/v1/me").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_invalid")),
        "{v}"
    );

    // Revocation ends officer_b's token at once; a second revocation finds nothing.
    let id_b = b["id"].as_str().unwrap();
    let resp = app
        .client
        .delete(format!("{}/api/v1/tokens/{id_b}", app.base))
        .bearer_auth(&officer_b)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(Some(token_b), "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED
    );
    let resp = app
        .client
        .delete(format!("{}/api/v1/tokens/{id_b}", app.base))
        .bearer_auth(&officer_b)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Nobody revokes another account's token.
    let resp = app
        .client
        .delete(format!("{}/api/v1/tokens/{id}", app.base))
        .bearer_auth(&officer_b)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let entries = app
        .store
        .audit_search(&motcua_store::AuditQuery {
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    let count = |a: &str| entries.iter().filter(|e| e.action == a).count();
    assert_eq!((count("token.create"), count("token.revoke")), (2, 1));
}

#[tokio::test]
async fn api_tokens_are_scoped_expiring_and_revocable_sqlite() {
    tokens("sqlite").await;
}

#[tokio::test]
async fn api_tokens_are_scoped_expiring_and_revocable_postgres() {
    tokens("postgres").await;
}
