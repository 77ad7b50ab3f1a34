//! Every change of a dossier reaches the national portal (the simulator), in order,
//! through failures: the portal's copy ends with our status and dates.

use motcua_domain::portal::ProcedureEntry;
use motcua_portal::{Faults, HttpPortal, PortalConfig, SimConfig, Simulator};
use motcua_web::portal_sync::{TOPICS, sync_due};
use serde_json::json;

use crate::{A, TestApp, birth, spawn_app};

async fn every_change_reaches_the_portal(app: TestApp) {
    let sim = Simulator::start(SimConfig {
        procedures: vec![ProcedureEntry {
            code: "1.001193".into(),
            name: "Đăng ký khai sinh".into(),
            sector_code: None,
            sector_name: Some("Hộ tịch".into()),
        }],
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let portal = HttpPortal::new(PortalConfig::new(
        sim.base_url.clone(),
        "motcua",
        "motcua-secret",
        "H79.50.01",
    ))
    .unwrap();
    let citizen = app.login("citizen").await;
    let officer = app.login("officer").await;
    let specialist = app.login("specialist").await;
    let leader = app.login("leader").await;

    app.set_time("2026-10-08 09:00");
    let d = app.file(&citizen, birth(A)).await;
    let code = d["code"].as_str().unwrap().to_owned();
    app.set_time("2026-10-08 10:00");
    app.act(&officer, &code, "receive", json!({})).await;
    app.act(&officer, &code, "assign", json!({"assignee": "specialist"}))
        .await;
    // The portal fails now and then: the failed messages wait and go again.
    sim.set_faults(Faults {
        error_502: 0.4,
        seed: Some(7),
        ..Faults::default()
    });
    let mut rounds = 0;
    let mut failed = 0;
    loop {
        let r = sync_due(&app.state, &portal, 100).await.unwrap();
        failed += r.failed;
        let left = app.store.outbox_backlog(TOPICS).await.unwrap();
        if left.pending == 0 {
            break;
        }
        rounds += 1;
        assert!(rounds < 50, "{}: stuck: {left:?}", app.backend);
        // Retries wait; move the clock past the longest wait.
        app.set_time(&format!("2026-10-08 10:{:02}", rounds.min(59)));
    }
    assert!(failed > 0, "{}: the faults were injected", app.backend);
    sim.set_faults(Faults::default());

    app.set_time("2026-10-09 09:00");
    app.act(&specialist, &code, "process", json!({})).await;
    app.act(&specialist, &code, "submit-for-approval", json!({}))
        .await;
    app.act(&leader, &code, "approve", json!({})).await;
    app.act(
        &specialist,
        &code,
        "issue-result",
        json!({"result_number": "12/2026"}),
    )
    .await;
    app.act(
        &officer,
        &code,
        "return-result",
        json!({"method": "counter"}),
    )
    .await;
    let r = sync_due(&app.state, &portal, 100).await.unwrap();
    assert_eq!(r.failed, 0, "{}", app.backend);

    let ours = app.store.dossier(&code).await.unwrap().unwrap();
    let copy = sim.dossier(&code).expect("on the portal");
    assert_eq!(copy.latest.status, 10, "{}", app.backend);
    assert_eq!(copy.latest.status, ours.portal_status());
    // Every status it went through, in order, once each.
    let mut seen = copy.status_history();
    seen.dedup();
    assert_eq!(seen, vec![1, 2, 4, 9, 10], "{}", app.backend);
    // One process step per change, in order.
    let steps: Vec<_> = copy.steps.iter().map(|s| s.step.status).collect();
    assert_eq!(steps.len(), ours.events.len(), "{}: {steps:?}", app.backend);
    assert_eq!(
        copy.latest.received_at.as_deref(),
        Some(motcua_domain::portal::date::format(ours.received_at.unwrap()).as_str())
    );
    assert_eq!(app.store.outbox_backlog(TOPICS).await.unwrap().pending, 0);
}

#[tokio::test]
async fn portal_sync_sqlite() {
    every_change_reaches_the_portal(spawn_app("sqlite").await.unwrap()).await;
}

#[tokio::test]
async fn portal_sync_postgres() {
    if let Some(app) = spawn_app("postgres").await {
        every_change_reaches_the_portal(app).await;
    }
}
