//! The read paths through HTTP for every account: a dossier, its attachments and their
//! files, its papers as PDF, the queue or list, and the public lookup. Each cell is
//! asserted: the owner and the officers of the dossier's agencies see it, everybody
//! else gets the same 404 as for a dossier that does not exist (or 401 without login),
//! never a 5xx; the public lookup never shows personal data.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{A, B, TestApp, birth, spawn_app};

const USERS: [&str; 7] = [
    "citizen",
    "citizen2",
    "officer",
    "specialist",
    "leader",
    "officer_b",
    "dept",
];

async fn upload(app: &TestApp, token: &str, code: &str) -> String {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(2_000, b' ');
    let (s, v) = app
        .upload_pdf(token, code, "giay-chung-sinh.pdf", pdf)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v[0]["id"].as_str().unwrap().to_owned()
}

async fn status_of(app: &TestApp, token: Option<&str>, path: &str) -> StatusCode {
    let req = app.client.get(format!("{}{path}", app.base));
    let req = match token {
        Some(t) => req.bearer_auth(t),
        None => req,
    };
    req.send().await.unwrap().status()
}

async fn read_paths(app: TestApp) {
    let mut tokens = std::collections::BTreeMap::new();
    for u in USERS {
        tokens.insert(u, app.login(u).await);
    }
    app.set_time("2026-10-08 09:00");
    // One dossier at commune A (citizen's), one at commune B (citizen2's), both received,
    // each with a file.
    let mut dossiers: Vec<(String, String, Vec<&str>)> = Vec::new();
    for (owner, agency, receiver, seers) in [
        (
            "citizen",
            A,
            "officer",
            vec!["citizen", "officer", "specialist", "leader"],
        ),
        ("citizen2", B, "officer_b", vec!["citizen2", "officer_b"]),
    ] {
        let d = app.file(&tokens[owner], birth(agency)).await;
        let code = d["code"].as_str().unwrap().to_owned();
        let file = upload(&app, &tokens[owner], &code).await;
        app.act(&tokens[receiver], &code, "receive", json!({}))
            .await;
        dossiers.push((code, file, seers));
    }
    let missing = "H79.50.01-261008-0999";
    let audit_before = app.store.audit_len().await.unwrap();

    let mut cells = 0;
    for (code, file, seers) in &dossiers {
        let paths = [
            format!("/api/v1/dossiers/{code}"),
            format!("/api/v1/dossiers/{code}/attachments"),
            format!("/api/v1/dossiers/{code}/attachments/{file}"),
            format!("/api/v1/dossiers/{code}/documents/receipt.pdf"),
            format!("/api/v1/dossiers/{code}/documents/control-slip.pdf"),
        ];
        for path in &paths {
            for u in USERS {
                cells += 1;
                let s = status_of(&app, Some(&tokens[u]), path).await;
                if seers.contains(&u) {
                    assert_eq!(s, StatusCode::OK, "{u} GET {path}");
                } else {
                    assert_eq!(s, StatusCode::NOT_FOUND, "{u} GET {path} must not leak");
                    // The same answer as for a dossier that does not exist.
                    let none =
                        status_of(&app, Some(&tokens[u]), &path.replace(code, missing)).await;
                    assert_eq!(none, StatusCode::NOT_FOUND);
                }
            }
            cells += 1;
            assert_eq!(
                status_of(&app, None, path).await,
                StatusCode::UNAUTHORIZED,
                "anonymous GET {path}"
            );
        }
        // Lists: the dossier is in exactly the lists of those who may see it.
        for u in USERS {
            cells += 1;
            let (s, v) = app
                .get(Some(&tokens[u]), "/api/v1/dossiers?per_page=100")
                .await;
            assert_eq!(s, StatusCode::OK);
            let listed = v["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["code"] == Value::String(code.clone()));
            assert_eq!(listed, seers.contains(&u), "{u} lists {code}");
        }
        // The public lookup: anyone, no personal data.
        cells += 1;
        let (s, v) = app.get(None, &format!("/api/v1/lookup/{code}")).await;
        assert_eq!(s, StatusCode::OK);
        let text = v.to_string();
        for personal in ["Nguyễn Văn An", "001099012345", "0912345678", "Ấp 1"] {
            assert!(!text.contains(personal), "lookup shows {personal}: {text}");
        }
        // Masked, for the owner to recognise.
        assert_eq!(
            (v["applicant"].as_str(), v["phone"].as_str()),
            (Some("Nguyễn V. A."), Some("*******678"))
        );
    }
    // The register: only the agency's own officers.
    for (agency, officers) in [
        (A, vec!["officer", "specialist", "leader"]),
        (B, vec!["officer_b"]),
    ] {
        for u in USERS {
            cells += 1;
            let s = status_of(
                &app,
                Some(&tokens[u]),
                &format!("/api/v1/agencies/{agency}/register?from=2026-10-01&to=2026-10-31"),
            )
            .await;
            let want = if officers.contains(&u) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(s, want, "{u} register of {agency}");
        }
    }
    // Every officer's successful read of personal data is in the audit log: the dossier,
    // the file, two papers (4 reads × 3 officers of A, × 1 of B) and 4 registers; the
    // owners' own reads, lists and refusals are not.
    assert_eq!(
        app.store.audit_len().await.unwrap() - audit_before,
        4 * 3 + 4 + 4
    );
    println!("read paths over HTTP: {cells} cells, 0 leaks");
}

#[tokio::test]
async fn read_paths_sqlite() {
    read_paths(spawn_app("sqlite").await.unwrap()).await;
}

#[tokio::test]
async fn read_paths_postgres() {
    if let Some(app) = spawn_app("postgres").await {
        read_paths(app).await;
    }
}
