//! Tokens, credentials and injected faults: what the adapter reports, and what the
//! portal copy holds afterwards.

use std::time::Duration;

use motcua_portal::sim::{Faults, SimConfig};
use motcua_portal::{CredentialStyle, HttpPortal, NationalPortal, PortalError, UpsertOutcome};

use crate::fixture::{at_status, client_config, hang, record, sim_config, start, start_with};

#[tokio::test]
async fn a_token_is_bought_once_and_reused() {
    let (sim, portal) = start().await;
    portal.agencies().await.unwrap();
    portal.sectors().await.unwrap();
    portal.procedures().await.unwrap();
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 1);
    assert_eq!(stats.unauthorized, 0);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_on_401() {
    let (sim, portal) = start().await;
    portal.agencies().await.unwrap();
    // The portal's clock runs past the token's hour; our cache still thinks it fresh.
    sim.advance_clock(chrono::Duration::hours(2));
    portal
        .sync_dossier(&record("H79.50.01-261008-0701"), false)
        .await
        .unwrap();
    let stats = sim.stats();
    assert_eq!(stats.unauthorized, 1);
    assert_eq!(stats.tokens_issued, 2);
    assert!(sim.dossier("H79.50.01-261008-0701").is_some());
    // Revoked tokens are handled the same way.
    sim.revoke_tokens();
    portal.agencies().await.unwrap();
    assert_eq!(sim.stats().tokens_issued, 3);
}

#[tokio::test]
async fn a_short_lived_token_is_renewed_before_it_expires() {
    let config = SimConfig {
        token_ttl: Duration::from_secs(1),
        ..sim_config()
    };
    let (sim, portal) = start_with(config).await;
    portal.agencies().await.unwrap();
    tokio::time::sleep(Duration::from_millis(900)).await;
    portal.agencies().await.unwrap();
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 2, "renewed at 80 % of its life");
    assert_eq!(stats.unauthorized, 0, "never sent an expired token");
}

#[tokio::test]
async fn credentials_in_the_form_and_wrong_credentials() {
    let (sim, _) = start().await;
    let mut config = client_config(&sim);
    config.credentials = CredentialStyle::Form;
    let form = HttpPortal::new(config.clone()).unwrap();
    assert_eq!(form.agencies().await.unwrap().len(), 1);
    config.client_secret = "wrong".into();
    let wrong = HttpPortal::new(config).unwrap();
    let e = wrong.agencies().await.unwrap_err();
    assert!(matches!(&e, PortalError::Auth { detail } if detail.contains("invalid_client")));
    assert!(!e.is_retryable());
    assert_eq!(sim.stats().tokens_refused, 1);
}

#[tokio::test]
async fn a_502_is_reported_as_retryable_and_changes_nothing() {
    let (sim, portal) = start().await;
    portal.agencies().await.unwrap();
    sim.set_faults(Faults {
        error_502: 1.0,
        ..Faults::default()
    });
    let r = record("H79.50.01-261008-0801");
    let e = portal.sync_dossier(&r, false).await.unwrap_err();
    assert!(
        matches!(e, PortalError::HttpStatus { status: 502, .. }),
        "{e:?}"
    );
    assert!(e.is_retryable());
    assert!(sim.dossier(&r.code).is_none());
    // Retrying is the caller's job; once the gateway is back it goes through.
    sim.set_faults(Faults::default());
    portal.sync_dossier(&r, false).await.unwrap();
    assert_eq!(sim.stats().injected_502, 1);
}

#[tokio::test]
async fn a_timeout_is_retryable_and_changes_nothing() {
    let (sim, portal) = start().await;
    portal.agencies().await.unwrap();
    sim.set_faults(hang("timeout"));
    let r = record("H79.50.01-261008-0802");
    let e = portal.sync_dossier(&r, false).await.unwrap_err();
    assert_eq!(e, PortalError::Timeout);
    assert!(e.is_retryable());
    assert!(sim.dossier(&r.code).is_none());
}

#[tokio::test]
async fn a_lost_reply_is_applied_and_the_retry_is_idempotent() {
    let (sim, portal) = start().await;
    portal.agencies().await.unwrap();
    sim.set_faults(hang("lost_reply"));
    let r = record("H79.50.01-261008-0803");
    let e = portal.sync_dossier_upsert(&r).await.unwrap_err();
    assert_eq!(e, PortalError::Timeout);
    // The portal has it although we never heard so.
    assert_eq!(sim.dossier(&r.code).unwrap().latest, r);
    sim.set_faults(Faults::default());
    // The retry finds it there and updates: one dossier, the same record.
    assert_eq!(
        portal.sync_dossier_upsert(&r).await.unwrap(),
        UpsertOutcome::Updated
    );
    let copy = sim.dossier(&r.code).unwrap();
    assert_eq!(copy.versions.len(), 2);
    assert_eq!(copy.latest, r);
    // A repeated update with the same status is not a transition: accepted.
    let r2 = at_status(r, 2);
    portal.sync_dossier(&r2, true).await.unwrap();
    portal.sync_dossier(&r2, true).await.unwrap();
    assert_eq!(
        sim.dossier(&r2.code).unwrap().status_history(),
        vec![1, 1, 2, 2]
    );
    assert_eq!(sim.dossiers().len(), 1);
}

/// Which of `n` sequential calls succeed.
async fn pattern(portal: &HttpPortal, n: usize) -> Vec<bool> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(portal.sectors().await.is_ok());
    }
    out
}

#[tokio::test]
async fn faults_are_reproducible_with_a_seed() {
    let (sim, portal) = start().await;
    portal.agencies().await.unwrap();
    let faults = Faults {
        error_502: 0.4,
        seed: Some(7),
        ..Faults::default()
    };
    sim.set_faults(faults.clone());
    let first = pattern(&portal, 30).await;
    sim.set_faults(faults);
    let second = pattern(&portal, 30).await;
    assert_eq!(first, second);
    let failed = first.iter().filter(|ok| !**ok).count();
    assert!((4..=20).contains(&failed), "{failed} of 30 failed");
    assert_eq!(sim.stats().injected_502, 2 * failed as u64);
}

#[tokio::test]
async fn faults_and_the_audit_view_over_http() {
    let (sim, portal) = start().await;
    let http = reqwest::Client::new();
    let set: Faults = http
        .post(format!("{}/_sim/faults", sim.base_url))
        .json(
            &serde_json::json!({"latency_ms": 5, "duplicate": 0.5, "reorder_window": 4, "seed": 3}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(set.latency_ms, 5);
    assert_eq!(sim.faults(), set);
    let got: Faults = http
        .get(format!("{}/_sim/faults", sim.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, set);
    let bad = http
        .post(format!("{}/_sim/faults", sim.base_url))
        .json(&serde_json::json!({"latency": 5}))
        .send()
        .await
        .unwrap();
    assert!(
        bad.status().is_client_error(),
        "unknown fault names are refused"
    );

    let r = at_status(record("H79.50.01-261008-0901"), 2);
    portal.sync_dossier(&r, false).await.unwrap();
    let view: serde_json::Value = http
        .get(format!("{}/_sim/dossiers", sim.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let copy = &view["H79.50.01-261008-0901"];
    assert_eq!(copy["latest"]["TrangThaiHoSo"], "2");
    assert_eq!(copy["latest"]["NgayTiepNhan"], "20261008090000");
    assert_eq!(copy["origin"], "province");
    assert_eq!(copy["versions"].as_array().unwrap().len(), 1);
    let stats: serde_json::Value = http
        .get(format!("{}/_sim/stats", sim.base_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["records_accepted"], 1);
}
