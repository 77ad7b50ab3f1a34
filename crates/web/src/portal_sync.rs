//! Sending every change of a dossier to the national portal (DVCQG). Each change
//! wrote its outbox message in its own transaction; here they go out one dossier at
//! a time in the order they happened (the portal checks each status transition), the
//! record first (inserted, or updated when the portal has it) and then the change's
//! process step. A failure is kept with its reason and tried again later, with a
//! growing wait; nothing is dropped.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration};

use motcua_domain::portal::{DossierRecord, Person, RecordContext, process_steps};
use motcua_domain::{ActionKind, Directory, Dossier};
use motcua_portal::{NationalPortal, PortalError};
use motcua_store::{OutboxMessage, StoreError};
use serde_json::Value;

use crate::state::AppState;

/// How to reach the national portal (`[portal]` in motcua.toml).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalSettings {
    /// The adapter's address (LGSP/NGSP), e.g. `https://lgsp.example.gov.vn/dvcqg`.
    pub base_url: String,
    /// Our client id for the token (client credentials).
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// Our agency code at the portal (madonvi).
    pub agency_code: String,
    /// Seconds between passes over the outbox.
    #[serde(default = "default_interval")]
    pub interval_seconds: u64,
}

fn default_interval() -> u64 {
    2
}

/// Runs [`sync_due`] every `interval` for as long as the server runs.
pub async fn run_forever(
    state: AppState,
    portal: std::sync::Arc<dyn NationalPortal>,
    interval: std::time::Duration,
) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match sync_due(&state, portal.as_ref(), 200).await {
            Ok(r) if r.delivered + r.failed > 0 => {
                tracing::info!(delivered = r.delivered, failed = r.failed, "portal sync");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "portal sync pass failed"),
        }
    }
}

/// The outbox topics the portal receives.
pub const TOPICS: &str = "dossier.";

/// Why one message could not be delivered.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The portal refused or could not be reached.
    #[error("{0}")]
    Portal(#[from] PortalError),
    /// Our own store failed.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The message names a dossier we do not hold (never expected).
    #[error("hồ sơ {0} không còn trong hệ thống")]
    Missing(String),
}

/// What one pass delivered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Messages delivered.
    pub delivered: usize,
    /// Attempts that failed (each message is tried again later).
    pub failed: usize,
}

/// The wait before the next attempt after `attempts` failures: 2, 4, 8 … seconds,
/// at most a quarter of an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.clamp(0, 10)).unwrap_or(10);
    Duration::seconds((2_i64 << exp).min(900))
}

/// Delivers every message due now, each dossier's in order, until none is left or
/// only failing ones remain.
pub async fn sync_due(
    state: &AppState,
    portal: &dyn NationalPortal,
    batch: i64,
) -> Result<SyncReport, StoreError> {
    let mut report = SyncReport::default();
    loop {
        let now = state.now();
        let due = state.store().outbox_next(TOPICS, now, batch).await?;
        if due.is_empty() {
            return Ok(report);
        }
        let mut delivered = Vec::new();
        for m in &due {
            match deliver(state, portal, m).await {
                Ok(()) => delivered.push(m.id),
                Err(e) => {
                    tracing::warn!(code = %m.key, topic = %m.topic, error = %e, "portal sync failed");
                    report.failed += 1;
                    state
                        .store()
                        .outbox_failed(m.id, e.to_string(), now + backoff(m.attempts))
                        .await?;
                }
            }
        }
        report.delivered += delivered.len();
        let progressed = !delivered.is_empty();
        state.store().outbox_delivered(delivered, now).await?;
        if !progressed {
            return Ok(report);
        }
    }
}

/// The people named in process steps: officers with their unit.
fn people(directory: &Directory) -> BTreeMap<String, Person> {
    directory
        .officers
        .values()
        .map(|a| {
            let unit = a
                .roles
                .iter()
                .find_map(|r| r.unit.as_deref())
                .and_then(|u| directory.unit(u))
                .map(|u| u.name.clone());
            (
                a.username.clone(),
                Person {
                    name: a.full_name.clone(),
                    title: None,
                    unit,
                },
            )
        })
        .collect()
}

/// The event a message was written for: by its sequence number, or (messages from
/// before it was recorded) by its time and action.
fn event_seq(d: &Dossier, payload: &Value) -> Option<i32> {
    if let Some(seq) = payload.get("seq").and_then(Value::as_i64) {
        return i32::try_from(seq).ok();
    }
    let at = payload
        .get("at")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())?;
    let action = payload.get("action").and_then(Value::as_str)?;
    d.events
        .iter()
        .find(|e| e.at == at && e.action.as_str() == action)
        .map(|e| e.seq)
}

async fn deliver(
    state: &AppState,
    portal: &dyn NationalPortal,
    m: &OutboxMessage,
) -> Result<(), SyncError> {
    let d = state
        .store()
        .dossier(&m.key)
        .await?
        .ok_or_else(|| SyncError::Missing(m.key.clone()))?;
    let directory = state.directory();
    let catalog = state.catalog();
    let procedure = catalog.get(&d.procedure_code);
    let ctx = RecordContext {
        procedure_name: procedure.map(|p| p.name.clone()),
        sector_name: procedure.map(|p| p.sector.clone()),
        handling_agency_name: directory.agency(&d.handling_agency).map(|a| a.name.clone()),
        ..RecordContext::default()
    };
    let mut record = DossierRecord::from_dossier(&d, &ctx);
    // The status the dossier had right after this change: the portal follows every
    // step, even when the dossier has moved on since.
    if let Some(status) = m
        .payload
        .get("portal_status")
        .and_then(Value::as_u64)
        .and_then(|s| u8::try_from(s).ok())
    {
        record.status = status;
    }
    portal.sync_dossier_upsert(&record).await?;
    let Some(seq) = event_seq(&d, &m.payload) else {
        return Ok(());
    };
    let is_step = d
        .events
        .iter()
        .any(|e| e.seq == seq && e.action != ActionKind::Rate);
    if is_step {
        let steps: Vec<_> = process_steps(&d, &people(&directory), seq - 1)
            .into_iter()
            .take(1)
            .collect();
        portal.push_steps(&steps).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn waits_grow_and_stop_at_a_quarter_of_an_hour() {
        assert_eq!(backoff(0).num_seconds(), 2);
        assert_eq!(backoff(3).num_seconds(), 16);
        assert_eq!(backoff(50).num_seconds(), 900);
    }
}
