//! A local national portal (Cổng DVCQG mô phỏng) that speaks the protocol of
//! spec/national-portal.md §9 on 127.0.0.1: the token endpoint (1), the `/dvcqg`
//! services with the portal's checks (2, 3) — every record through
//! `motcua_domain::portal::validate` and every status change through
//! `transition_allowed` —, inbound delivery of dossiers filed on the portal to our
//! webhook (4), and the population-database lookup (7), with seeded fault injection
//! (8): latency, 502s, timeouts, lost replies, duplicate and reordered deliveries.
//!
//! It keeps, per dossier, the latest record, every accepted version with the time it
//! arrived, and the full step log, so tests can compare the portal copy with ours.
//!
//! Admin endpoints (not part of the portal's protocol): `GET|POST /_sim/faults`,
//! `GET /_sim/dossiers`, `GET /_sim/deliveries`, `GET /_sim/stats`,
//! `POST /_sim/deliver`, `POST /_sim/flush`, `POST /_sim/revoke-tokens`.

mod citizens;
mod dvcqg;
mod http;
mod inbound;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use motcua_domain::portal::{AgencyEntry, DossierRecord, ProcedureEntry, SectorEntry};
use serde::{Deserialize, Serialize};

pub use citizens::Citizen;
pub use inbound::{AttachmentMode, DeliveryRecord, InboundFile};
pub use state::{CopyOrigin, PortalCopy, RecordVersion, SimState, SimStats, StepEntry};

/// Where the simulator's "now" comes from.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The system clock: the simulator stands in for an outside system that has its
/// own clock; tests pass theirs or move it with [`SimHandle::advance_clock`].
#[allow(clippy::disallowed_methods)] // the one place the simulator reads the real clock
pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// Faults to inject, drawn from the simulator's seeded generator so a run can be
/// repeated. Probabilities are 0.0–1.0 and apply per request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added to every protocol request, milliseconds.
    pub latency_ms: u64,
    /// Answer HTTP 502 without doing anything (an LGSP gateway failing).
    pub error_502: f64,
    /// Hang for `hang_ms` without doing anything (a request timing out).
    pub timeout: f64,
    /// Do the work, then hang (`/dvcqg` only): the reply is lost, the change is not —
    /// the case that makes retries need idempotency.
    pub lost_reply: f64,
    /// How long a hang lasts, milliseconds (longer than the client's timeout).
    pub hang_ms: u64,
    /// Deliver an inbound dossier twice.
    pub duplicate: f64,
    /// Hold inbound deliveries until this many are waiting, then send them shuffled
    /// (0 or 1: in order, at once).
    pub reorder_window: usize,
    /// Re-seed the generator when these faults are set.
    pub seed: Option<u64>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            latency_ms: 0,
            error_502: 0.0,
            timeout: 0.0,
            lost_reply: 0.0,
            hang_ms: 30_000,
            duplicate: 0.0,
            reorder_window: 0,
            seed: None,
        }
    }
}

/// The simulator's settings.
#[derive(Clone)]
pub struct SimConfig {
    /// The client id our adapter must present.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// Lifetime of a token.
    pub token_ttl: Duration,
    /// The procedure catalogue (MaTTHC accepted in records).
    pub procedures: Vec<ProcedureEntry>,
    /// The agency catalogue; when not empty, `madonvi` must be one of them.
    pub agencies: Vec<AgencyEntry>,
    /// The sector catalogue.
    pub sectors: Vec<SectorEntry>,
    /// Our inbox's webhook, where dossiers filed on the portal are delivered.
    pub webhook_url: Option<String>,
    /// Sent as `Authorization: Bearer …` with each delivery (our design; the real
    /// delivery channel is unconfirmed).
    pub webhook_secret: Option<String>,
    /// How delivered dossiers carry their files.
    pub attachment_mode: AttachmentMode,
    /// Faults at start.
    pub faults: Faults,
    /// Seed of the fault generator.
    pub seed: u64,
    /// Population-database fixtures; `None`: the ones shipped in `data/citizens.json`.
    pub citizens: Option<Vec<Citizen>>,
    /// The clock; `None`: the system clock.
    pub clock: Option<Clock>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            client_id: "motcua".into(),
            client_secret: "motcua-secret".into(),
            token_ttl: Duration::from_secs(3600),
            procedures: Vec::new(),
            agencies: Vec::new(),
            sectors: Vec::new(),
            webhook_url: None,
            webhook_secret: None,
            attachment_mode: AttachmentMode::Url,
            faults: Faults::default(),
            seed: 1,
            citizens: None,
            clock: None,
        }
    }
}

impl std::fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConfig")
            .field("client_id", &self.client_id)
            .field("token_ttl", &self.token_ttl)
            .field("procedures", &self.procedures.len())
            .field("agencies", &self.agencies.len())
            .field("sectors", &self.sectors.len())
            .field("webhook_url", &self.webhook_url)
            .field("attachment_mode", &self.attachment_mode)
            .field("faults", &self.faults)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

/// Starts simulators.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Starts one on 127.0.0.1 on a free port.
    pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
        Self::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts one on `addr` (`motcua portal-sim --addr …`).
    pub async fn start_on(config: SimConfig, addr: SocketAddr) -> std::io::Result<SimHandle> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let base_url = format!("http://{local}");
        let state = SimState::new(config, base_url.clone());
        let router = http::router(state.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::warn!(error = %e, "portal simulator stopped");
            }
        });
        tracing::info!(%base_url, "portal simulator listening");
        Ok(SimHandle {
            base_url,
            state,
            task,
        })
    }

    /// The simulator's routes over `state`, to mount elsewhere.
    pub fn router(state: SimState) -> axum::Router {
        http::router(state)
    }
}

/// A running simulator. Dropping it stops the server.
#[derive(Debug)]
pub struct SimHandle {
    /// `http://127.0.0.1:{port}`.
    pub base_url: String,
    /// Its state (the portal's copy, faults, deliveries).
    pub state: SimState,
    task: tokio::task::JoinHandle<()>,
}

impl SimHandle {
    /// Replaces the faults (re-seeding if they carry a seed).
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    /// The faults in force.
    pub fn faults(&self) -> Faults {
        self.state.faults()
    }

    /// Moves the simulator's clock forward (tokens expire, receive times move).
    pub fn advance_clock(&self, by: chrono::Duration) {
        self.state.advance_clock(by);
    }

    /// Forgets every token issued (the next call gets a 401).
    pub fn revoke_tokens(&self) {
        self.state.revoke_tokens();
    }

    /// The portal's copy of a dossier.
    pub fn dossier(&self, code: &str) -> Option<PortalCopy> {
        self.state.dossier(code)
    }

    /// The portal's copy of every dossier, by code.
    pub fn dossiers(&self) -> std::collections::BTreeMap<String, PortalCopy> {
        self.state.dossiers()
    }

    /// Counters.
    pub fn stats(&self) -> SimStats {
        self.state.stats()
    }

    /// Files a dossier on the portal and delivers it to the webhook (status 1,
    /// channel 2, the files as URLs or base64). Returns the deliveries made now
    /// (none while reordering holds them back; two for a duplicate).
    pub async fn deliver(
        &self,
        record: DossierRecord,
        files: Vec<InboundFile>,
    ) -> Vec<DeliveryRecord> {
        self.state.deliver(record, files).await
    }

    /// Sends every delivery held back for reordering.
    pub async fn flush_deliveries(&self) -> Vec<DeliveryRecord> {
        self.state.flush_deliveries().await
    }

    /// Every delivery made so far, oldest first.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.state.deliveries()
    }

    /// Stops the server.
    pub fn shutdown(self) {
        self.task.abort();
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}
