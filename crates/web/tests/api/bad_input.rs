//! Bad input gets a clear 4xx with a stable code, and changes nothing.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::{A, birth, spawn_app};

#[tokio::test]
async fn bad_requests_have_codes_and_change_nothing() {
    let app = spawn_app("sqlite").await.unwrap();
    let citizen = app.login("citizen").await;
    let citizen2 = app.login("citizen2").await;
    let officer = app.login("officer").await;
    let officer_b = app.login("officer_b").await;
    app.set_time("2026-10-08 09:00");

    let before = app.store.count_by_status().await.unwrap();
    let mut unknown = birth(A);
    unknown["procedure"] = json!("9.999999");
    let (s, v) = app.post(Some(&citizen), "/api/v1/dossiers", unknown).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("procedure_not_found"))
    );
    let resp = app
        .client
        .post(format!("{}/api/v1/dossiers", app.base))
        .bearer_auth(&citizen)
        .header("content-type", "application/json")
        .body("{\"procedure\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(v["code"], "invalid_json");
    let mut missing = birth(A);
    missing["form_data"] = json!({"tre_ho_ten": "Bé Na"});
    let (s, v) = app.post(Some(&citizen), "/api/v1/dossiers", missing).await;
    assert_eq!(
        (s, v["code"].as_str(), v["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("form_invalid"),
            Some("form_data.tre_ngay_sinh")
        )
    );
    assert_eq!(v["errors"][0]["message"], "Vui lòng nhập “Ngày sinh”");
    let (s, v) = app.post(None, "/api/v1/dossiers", birth(A)).await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    let (s, v) = app
        .post(Some("not-a-token"), "/api/v1/dossiers", birth(A))
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("session_invalid"))
    );
    let (s, v) = app
        .post(
            None,
            "/api/v1/auth/login",
            json!({"username": "citizen", "password": "sai"}),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
    );
    let (s, v) = app
        .post(
            None,
            "/api/v1/auth/login",
            json!({"username": "ghost", "password": "demo"}),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_credentials"))
    );
    assert_eq!(
        app.store.count_by_status().await.unwrap(),
        before,
        "nothing was filed"
    );

    let d = app.file(&citizen, birth(A)).await;
    let code = d["code"].as_str().unwrap().to_owned();
    // Illegal transition, wrong role, unknown action, wrong agency, bad body.
    app.refused(
        &officer,
        &code,
        "approve",
        json!({}),
        (StatusCode::CONFLICT, "transition_not_allowed"),
    )
    .await;
    let specialist = app.login("specialist").await;
    app.refused(
        &specialist,
        &code,
        "receive",
        json!({}),
        (StatusCode::FORBIDDEN, "forbidden"),
    )
    .await;
    // Another commune's officer does not even see it.
    app.refused(
        &officer_b,
        &code,
        "receive",
        json!({}),
        (StatusCode::NOT_FOUND, "dossier_not_found"),
    )
    .await;
    app.refused(
        &officer,
        &code,
        "teleport",
        json!({}),
        (StatusCode::NOT_FOUND, "action_unknown"),
    )
    .await;
    app.refused(
        &officer,
        &code,
        "refuse",
        json!({}),
        (StatusCode::UNPROCESSABLE_ENTITY, "field_required"),
    )
    .await;
    app.refused(
        &officer,
        &code,
        "receive",
        json!({"colour": "red"}),
        (StatusCode::UNPROCESSABLE_ENTITY, "field_invalid"),
    )
    .await;
    // Someone else's dossier is invisible: 404, not 403.
    app.refused(
        &citizen2,
        &code,
        "withdraw",
        json!({"reason": "x"}),
        (StatusCode::NOT_FOUND, "dossier_not_found"),
    )
    .await;
    let (s, v) = app
        .get(Some(&citizen2), &format!("/api/v1/dossiers/{code}"))
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("dossier_not_found"))
    );
    let (s, v) = app
        .get(
            Some(&citizen2),
            &format!("/api/v1/dossiers/{code}/attachments"),
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("dossier_not_found"))
    );
    let (s, v) = app.get(None, "/api/v1/lookup/not-a-code").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("dossier_code_invalid")
        )
    );
    let (s, v) = app.get(None, "/api/v1/lookup/H79.50.01-261008-0999").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("dossier_not_found"))
    );
    let (s, v) = app
        .get(Some(&officer), "/api/v1/dossiers?status=flying")
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("field_invalid"))
    );
    let (s, v) = app.get(Some(&officer), "/api/v1/dossiers?page=minus").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query"))
    );
    let (s, v) = app.get(None, "/api/v1/nothing-here").await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("route_not_found"))
    );

    // Attachments: a good PDF, then oversized and disguised files are refused.
    let upload = |name: &'static str, mime: &'static str, bytes: Vec<u8>| {
        let form = Form::new().text("kind", "submission").part(
            "file",
            Part::bytes(bytes).file_name(name).mime_str(mime).unwrap(),
        );
        app.client
            .post(format!("{}/api/v1/dossiers/{code}/attachments", app.base))
            .bearer_auth(&citizen)
            .multipart(form)
    };
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(50_000, b' ');
    let (s, v) = app
        .send(
            upload("giấy chứng sinh.pdf", "application/pdf", pdf.clone()),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(v[0]["name"], "giấy chứng sinh.pdf");
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(300_000, b' ');
    let (s, v) = app
        .send(upload("lon.pdf", "application/pdf", big), None)
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("attachment_too_large"))
    );
    let (s, v) = app
        .send(
            upload(
                "to-khai.pdf",
                "application/pdf",
                b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".repeat(20),
            ),
            None,
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("attachment_type_not_allowed")
        )
    );
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    let (s, v) = app
        .send(upload("scan.pdf", "application/pdf", png), None)
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("attachment_type_mismatch")
        )
    );
    // Accepted types that are unsafe inside: refused with their own codes, and the
    // checks see across chunk boundaries (the payload sits past the first 8 KiB).
    let padded = |tail: &[u8]| {
        let mut f = b"%PDF-1.7\n1 0 obj << >> endobj\n".to_vec();
        f.resize(20_000, b' ');
        f.extend_from_slice(tail);
        f
    };
    let mut glued = padded(b"%%EOF\nPK\x03\x04evil");
    glued.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0\x2e\0\0\0\x10\0\0\0\0\0");
    for (file, want) in [
        (
            padded(b"trailer << /Root 1 0 R /Encrypt 9 0 R >>\n%%EOF\n"),
            "attachment_encrypted",
        ),
        (
            padded(b"<< /S /JavaScript /JS (this.exportDataObject()) >>\n%%EOF\n"),
            "attachment_active_content",
        ),
        (glued, "attachment_polyglot"),
    ] {
        let (s, v) = app
            .send(upload("ban-quet.pdf", "application/pdf", file), None)
            .await;
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(want)),
            "{v}"
        );
        assert!(
            v["message"].as_str().unwrap().contains("ban-quet.pdf"),
            "{v}"
        );
    }
    let (_, list) = app
        .get(
            Some(&citizen),
            &format!("/api/v1/dossiers/{code}/attachments"),
        )
        .await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only the good file: {list}"
    );
    let resp = app
        .client
        .get(format!(
            "{}/api/v1/dossiers/{code}/attachments/{id}",
            app.base
        ))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), pdf);
    // After refusal the dossier takes no more files.
    app.act(
        &officer,
        &code,
        "refuse",
        json!({"reason": "Không đủ điều kiện"}),
    )
    .await;
    let (s, v) = app
        .send(
            upload("them.pdf", "application/pdf", b"%PDF-1.7\n".to_vec()),
            None,
        )
        .await;
    assert_eq!(
        (s, v["code"].as_str()),
        (StatusCode::CONFLICT, Some("dossier_closed"))
    );
}
