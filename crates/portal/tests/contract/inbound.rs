//! Dossiers filed on the portal, delivered to a webhook that does what our inbox
//! will: checks the bearer secret, runs `validate_inbound`, answers 0 once per
//! dossier, 1 for a repeat, −1 with the reasons for bad input.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use motcua_domain::portal::validate::summarize;
use motcua_domain::portal::{DossierRecord, validate_inbound};
use motcua_portal::sim::{AttachmentMode, Faults, InboundFile, SimConfig, SimHandle, Simulator};
use serde_json::{Value, json};

use crate::fixture::{BIRTH, record, sim_config};

#[derive(Clone, Default)]
struct Inbox {
    received: Arc<Mutex<Vec<DossierRecord>>>,
    accepted: Arc<Mutex<BTreeSet<String>>>,
}

async fn webhook(
    State(inbox): State<Inbox>,
    headers: HeaderMap,
    Json(r): Json<DossierRecord>,
) -> (StatusCode, Json<Value>) {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer hook-secret") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error_code": -1, "message": "sai khoá"})),
        );
    }
    inbox.received.lock().unwrap().push(r.clone());
    let problems = validate_inbound(&r, &[BIRTH][..]);
    if !problems.is_empty() {
        return (
            StatusCode::OK,
            Json(json!({"error_code": -1, "message": summarize(&problems)})),
        );
    }
    if !inbox.accepted.lock().unwrap().insert(r.code.clone()) {
        return (
            StatusCode::OK,
            Json(json!({"error_code": 1, "message": "Hồ sơ đã được tiếp nhận trước đó"})),
        );
    }
    (
        StatusCode::OK,
        Json(json!({"error_code": 0, "message": "Tiếp nhận thành công"})),
    )
}

async fn setup(mode: AttachmentMode, faults: Faults) -> (SimHandle, Inbox) {
    let inbox = Inbox::default();
    let app = Router::new()
        .route("/portal/inbox", post(webhook))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/portal/inbox", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let config = SimConfig {
        webhook_url: Some(url),
        webhook_secret: Some("hook-secret".into()),
        attachment_mode: mode,
        faults,
        seed: 11,
        ..sim_config()
    };
    (Simulator::start(config).await.unwrap(), inbox)
}

fn pdf(name: &str) -> InboundFile {
    InboundFile {
        name: name.into(),
        mime: Some("application/pdf".into()),
        component_code: Some("TP1".into()),
        bytes: b"%PDF-1.7\n% to khai\n".to_vec(),
    }
}

#[tokio::test]
async fn a_dossier_filed_on_the_portal_reaches_the_webhook_with_downloadable_files() {
    let (sim, inbox) = setup(AttachmentMode::Url, Faults::default()).await;
    let mut r = record("H79.50.01-261008-1001");
    r.status = 4;
    r.channel = 1;
    let sent = sim.deliver(r, vec![pdf("to-khai.pdf")]).await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].reply.as_ref().unwrap().is_ok(), "{sent:?}");
    assert_eq!(sent[0].http_status, Some(200));
    let got = inbox.received.lock().unwrap()[0].clone();
    assert_eq!((got.status, got.channel), (1, 2), "a new online filing");
    assert_eq!(got.owner_account.as_deref(), Some("TECHID-079090000001"));
    assert!(got.vneid_verified);
    let url = got.files[0].url.clone().unwrap();
    assert!(url.starts_with(&sim.base_url));
    let bytes = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
    assert_eq!(&bytes[..], b"%PDF-1.7\n% to khai\n");
    // The portal keeps its own copy, at status 1.
    let copy = sim.dossier(&got.code).unwrap();
    assert_eq!(copy.latest.status, 1);
    assert_eq!(copy.origin, motcua_portal::sim::CopyOrigin::Portal);
}

#[tokio::test]
async fn base64_files_and_bad_input_answered_with_reasons() {
    let (sim, inbox) = setup(AttachmentMode::Base64, Faults::default()).await;
    let sent = sim
        .deliver(record("H79.50.01-261008-1002"), vec![pdf("a.pdf")])
        .await;
    assert!(sent[0].reply.as_ref().unwrap().is_ok());
    let got = inbox.received.lock().unwrap()[0].clone();
    let content = got.files[0].content_base64.as_deref().unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content)
        .unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    // Unknown procedure, malformed date, ID of the wrong length, empty file.
    let mut bad = record("H79.50.01-261008-1003");
    bad.procedure_code = "9.999999".into();
    bad.submitted_at = Some("08/10/2026".into());
    bad.owner_ids[0].number = "0790900000".into();
    let empty = InboundFile {
        name: "trong.pdf".into(),
        ..InboundFile::default()
    };
    let sent = sim.deliver(bad, vec![empty]).await;
    let reply = sent[0].reply.clone().unwrap();
    assert_eq!(reply.code_number(), Some(-1));
    for words in [
        "MaTTHC",
        "NgayNopHoSo",
        "DinhDanhCHS[0].SoDinhDanh",
        "TaiLieuNop[0]",
    ] {
        assert!(reply.message.contains(words), "{words}: {}", reply.message);
    }
}

#[tokio::test]
async fn duplicates_are_delivered_twice_and_answered_as_repeats() {
    let faults = Faults {
        duplicate: 1.0,
        ..Faults::default()
    };
    let (sim, inbox) = setup(AttachmentMode::Url, faults).await;
    let sent = sim
        .deliver(record("H79.50.01-261008-1101"), vec![pdf("a.pdf")])
        .await;
    assert_eq!(sent.len(), 2);
    assert!(!sent[0].duplicate && sent[1].duplicate);
    let codes: Vec<Option<i64>> = sent
        .iter()
        .map(|d| d.reply.as_ref().and_then(|r| r.code_number()))
        .collect();
    assert_eq!(codes, vec![Some(0), Some(1)]);
    assert_eq!(inbox.received.lock().unwrap().len(), 2);
    assert_eq!(inbox.accepted.lock().unwrap().len(), 1);
    assert_eq!(sim.dossiers().len(), 1, "one copy on the portal");
    assert_eq!(sim.deliveries().len(), 2);
}

#[tokio::test]
async fn reordering_holds_deliveries_and_sends_them_shuffled() {
    let faults = Faults {
        reorder_window: 3,
        ..Faults::default()
    };
    let (sim, inbox) = setup(AttachmentMode::Url, faults).await;
    let mut filed = Vec::new();
    let mut out_of_order = 0;
    for batch in 0..5 {
        let mut order = Vec::new();
        for i in 0..3 {
            let code = format!("H79.50.01-261008-2{batch}{i}0");
            filed.push(code.clone());
            let sent = sim.deliver(record(&code), vec![]).await;
            if i < 2 {
                assert!(sent.is_empty(), "held back");
            } else {
                order = sent.iter().map(|d| d.code.clone()).collect();
            }
        }
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted.len(), 3);
        if sorted != order {
            out_of_order += 1;
        }
    }
    assert!(out_of_order > 0, "some batch arrived out of filing order");
    // Everything arrived exactly once, and a flush sends what is still held.
    let extra = sim.deliver(record("H79.50.01-261008-3000"), vec![]).await;
    assert!(extra.is_empty());
    assert_eq!(sim.flush_deliveries().await.len(), 1);
    let got: BTreeSet<String> = inbox
        .received
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.code.clone())
        .collect();
    assert_eq!(got.len(), 16);
    assert!(filed.iter().all(|c| got.contains(c)));
}

#[tokio::test]
async fn delivery_through_the_admin_endpoint() {
    let (sim, inbox) = setup(AttachmentMode::Url, Faults::default()).await;
    let body = json!({
        "record": record("H79.50.01-261008-1201"),
        "files": [{"name": "a.pdf", "mime": "application/pdf", "content_base64": "JVBERi0xLjcK"}]
    });
    let sent: Value = reqwest::Client::new()
        .post(format!("{}/_sim/deliver", sim.base_url))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sent[0]["reply"]["error_code"], "0");
    assert_eq!(inbox.received.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn population_database_lookup() {
    let (sim, portal) = crate::fixture::start().await;
    // A token bought by the adapter's own flow.
    use motcua_portal::NationalPortal;
    portal.agencies().await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/csdl-dancu/tra-cuu", sim.base_url);
    let ask = json!({"HoVaTen": "NGUYEN VAN AN", "SoDinhDanh": "079090000001", "Nam": 1990, "MaTichHop": "X", "MaDVC": BIRTH, "MaCanBo": "officer", "MaYeuCau": "r1"});
    let anonymous = http.post(&url).json(&ask).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let token: Value = http
        .post(format!("{}/auth/token", sim.base_url))
        .basic_auth("motcua", Some("motcua-secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reply: Value = http
        .post(&url)
        .bearer_auth(token["access_token"].as_str().unwrap())
        .json(&ask)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let xml = reply["message"].as_str().unwrap();
    assert!(
        xml.contains("<Envelope><Body><CongdanCollection><CongDan>"),
        "{xml}"
    );
    assert!(xml.contains("<Ten>An</Ten>"));
    assert!(xml.contains("<ThuongTru><MaTinhThanh>79</MaTinhThanh>"));
    assert_eq!(sim.stats().citizen_lookups, 1);
}
