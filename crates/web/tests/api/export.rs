//! A citizen downloads their own data: account, dossiers with history, files as filed;
//! nobody else's; the download is audited.

use std::io::Read;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::{A, B, TestApp, birth, spawn_app};

async fn export(app: &TestApp, token: &str) -> (StatusCode, Vec<u8>) {
    let resp = app
        .client
        .get(format!("{}/api/v1/me/export", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.bytes().await.unwrap().to_vec())
}

async fn exports(app: TestApp) {
    let citizen = app.login("citizen").await;
    let citizen2 = app.login("citizen2").await;
    let officer = app.login("officer").await;
    app.set_time("2026-10-08 09:00");
    let one = app.file(&citizen, birth(A)).await;
    let two = app.file(&citizen, birth(B)).await;
    let other = app.file(&citizen2, birth(A)).await;
    let code = one["code"].as_str().unwrap();
    let scan = b"%PDF-1.7\nban quet giay chung sinh\n".repeat(50);
    let form = Form::new().text("kind", "submission").part(
        "file",
        Part::bytes(scan.clone())
            .file_name("../giấy chứng sinh.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let req = app
        .client
        .post(format!("{}/api/v1/dossiers/{code}/attachments", app.base))
        .bearer_auth(&citizen)
        .multipart(form);
    let (s, v) = app.send(req, None).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let audit_before = app.store.audit_len().await.unwrap();

    let (status, bytes) = export(&app, &citizen).await;
    assert_eq!(status, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    let two_code = two["code"].as_str().unwrap();
    for want in [
        "doc-truoc.txt".to_owned(),
        "tai-khoan.json".to_owned(),
        format!("ho-so/{code}/ho-so.json"),
        format!("ho-so/{two_code}/ho-so.json"),
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(
        !names
            .iter()
            .any(|n| n.contains(other["code"].as_str().unwrap())),
        "another citizen's dossier leaked: {names:?}"
    );
    // The file comes back byte for byte, under a name that cannot climb out.
    let file = names
        .iter()
        .find(|n| n.starts_with(&format!("ho-so/{code}/tep/")))
        .unwrap()
        .clone();
    assert!(!file.contains(".."), "{file}");
    assert!(file.ends_with("giấy chứng sinh.pdf"), "{file}");
    let mut back = Vec::new();
    zip.by_name(&file).unwrap().read_to_end(&mut back).unwrap();
    assert_eq!(back, scan);
    let mut doc = String::new();
    zip.by_name(&format!("ho-so/{code}/ho-so.json"))
        .unwrap()
        .read_to_string(&mut doc)
        .unwrap();
    assert!(
        doc.contains("Nguyễn Văn An") && doc.contains("\"events\""),
        "{doc}"
    );
    assert_eq!(app.store.audit_len().await.unwrap(), audit_before + 1);

    let (status, _) = export(&app, &officer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let resp = app
        .client
        .get(format!("{}/api/v1/me/export", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn exports_sqlite() {
    exports(spawn_app("sqlite").await.unwrap()).await;
}

#[tokio::test]
async fn exports_postgres() {
    if let Some(app) = spawn_app("postgres").await {
        exports(app).await;
    }
}
