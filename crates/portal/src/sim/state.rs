//! The simulator's memory: the portal's copy of each dossier (latest record, every
//! accepted version, the step log), tokens, files served to our inbox, deliveries,
//! the fault generator. One lock, never held across an await.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use motcua_domain::portal::{AgencyEntry, DossierRecord, ProcedureEntry, ProcessStep, SectorEntry};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::citizens::Citizen;
use super::inbound::{AttachmentMode, DeliveryRecord, PendingDelivery, StoredFile};
use super::{Clock, Faults, SimConfig, system_clock};

/// Who put the dossier on the portal first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyOrigin {
    /// Filed on the portal and delivered to the province.
    Portal,
    /// Inserted by the province (`DongBoHoSoMC`, isUpdating False).
    Province,
}

/// One accepted version of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordVersion {
    /// When the portal accepted it (its clock).
    pub received_at: DateTime<Utc>,
    /// Sent as an update.
    pub is_updating: bool,
    /// The record.
    pub record: DossierRecord,
}

/// One accepted process step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepEntry {
    /// When the portal accepted it.
    pub received_at: DateTime<Utc>,
    /// The step.
    pub step: ProcessStep,
}

/// The portal's copy of one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortalCopy {
    /// Who created it on the portal.
    pub origin: CopyOrigin,
    /// The latest record.
    pub latest: DossierRecord,
    /// Every accepted version, oldest first.
    pub versions: Vec<RecordVersion>,
    /// Every accepted step, in arrival order.
    pub steps: Vec<StepEntry>,
}

impl PortalCopy {
    /// The statuses of the accepted versions, in order.
    pub fn status_history(&self) -> Vec<u8> {
        self.versions.iter().map(|v| v.record.status).collect()
    }
}

/// Counters, for tests and the benchmark.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SimStats {
    /// Tokens issued.
    pub tokens_issued: u64,
    /// Token requests refused (bad credentials or grant).
    pub tokens_refused: u64,
    /// Calls refused with 401.
    pub unauthorized: u64,
    /// `/dvcqg` calls by service (faulted ones included).
    pub calls: BTreeMap<String, u64>,
    /// Replies with `error_code` ≠ 0.
    pub rejected: u64,
    /// Records accepted.
    pub records_accepted: u64,
    /// Steps accepted.
    pub steps_accepted: u64,
    /// 502s injected.
    pub injected_502: u64,
    /// Timeouts injected (nothing done).
    pub injected_timeouts: u64,
    /// Lost replies injected (work done, answer never sent).
    pub injected_lost_replies: u64,
    /// Population-database lookups.
    pub citizen_lookups: u64,
}

/// What the fault generator decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    Pass,
    Fail502,
    Hang,
    LoseReply,
}

/// Settings fixed at start.
pub(crate) struct Settings {
    pub client_id: String,
    pub client_secret: String,
    pub token_ttl: Duration,
    pub procedures: Vec<ProcedureEntry>,
    pub procedure_codes: BTreeSet<String>,
    pub agencies: Vec<AgencyEntry>,
    pub sectors: Vec<SectorEntry>,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    pub attachment_mode: AttachmentMode,
    pub citizens: Vec<Citizen>,
    pub clock: Clock,
    pub base_url: String,
}

pub(crate) struct Inner {
    pub offset: chrono::Duration,
    pub rng: StdRng,
    pub faults: Faults,
    pub tokens: HashMap<String, DateTime<Utc>>,
    pub dossiers: BTreeMap<String, PortalCopy>,
    pub files: HashMap<String, StoredFile>,
    pub deliveries: Vec<DeliveryRecord>,
    pub held: Vec<PendingDelivery>,
    pub stats: SimStats,
    pub next_id: u64,
}

impl Inner {
    /// A fresh id for a token, a file or a delivery.
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Draws the fault of one request; `lose` allows a lost reply.
    pub fn draw(&mut self, lose: bool) -> Fault {
        let f = &self.faults;
        let (e502, timeout, lost) = (
            f.error_502,
            f.timeout,
            if lose { f.lost_reply } else { 0.0 },
        );
        if e502 + timeout + lost <= 0.0 {
            return Fault::Pass;
        }
        let r: f64 = self.rng.random();
        if r < e502 {
            self.stats.injected_502 += 1;
            Fault::Fail502
        } else if r < e502 + timeout {
            self.stats.injected_timeouts += 1;
            Fault::Hang
        } else if r < e502 + timeout + lost {
            self.stats.injected_lost_replies += 1;
            Fault::LoseReply
        } else {
            Fault::Pass
        }
    }
}

/// The simulator's state, shared by its handlers and its handle.
#[derive(Clone)]
pub struct SimState {
    pub(crate) settings: Arc<Settings>,
    inner: Arc<Mutex<Inner>>,
    pub(crate) http: reqwest::Client,
}

impl std::fmt::Debug for SimState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimState")
            .field("base_url", &self.settings.base_url)
            .finish_non_exhaustive()
    }
}

impl SimState {
    /// State for a simulator reachable at `base_url`.
    pub fn new(config: SimConfig, base_url: String) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        let seed = config.faults.seed.unwrap_or(config.seed);
        let settings = Settings {
            procedure_codes: config.procedures.iter().map(|p| p.code.clone()).collect(),
            client_id: config.client_id,
            client_secret: config.client_secret,
            token_ttl: config.token_ttl,
            procedures: config.procedures,
            agencies: config.agencies,
            sectors: config.sectors,
            webhook_url: config.webhook_url,
            webhook_secret: config.webhook_secret,
            attachment_mode: config.attachment_mode,
            citizens: config.citizens.unwrap_or_else(super::citizens::shipped),
            clock: config.clock.unwrap_or_else(system_clock),
            base_url,
        };
        let inner = Inner {
            offset: chrono::Duration::zero(),
            rng: StdRng::seed_from_u64(seed),
            faults: config.faults,
            tokens: HashMap::new(),
            dossiers: BTreeMap::new(),
            files: HashMap::new(),
            deliveries: Vec::new(),
            held: Vec::new(),
            stats: SimStats::default(),
            next_id: 0,
        };
        SimState {
            settings: Arc::new(settings),
            inner: Arc::new(Mutex::new(inner)),
            http,
        }
    }

    /// The lock; a poisoned lock (a panicking handler) is taken over, since every
    /// change under it is a whole insert or push.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The simulator's now.
    pub(crate) fn now_with(&self, inner: &Inner) -> DateTime<Utc> {
        (self.settings.clock)() + inner.offset
    }

    /// The simulator's now.
    pub fn now(&self) -> DateTime<Utc> {
        let inner = self.lock();
        self.now_with(&inner)
    }

    /// Replaces the faults.
    pub fn set_faults(&self, faults: Faults) {
        let mut inner = self.lock();
        if let Some(seed) = faults.seed {
            inner.rng = StdRng::seed_from_u64(seed);
        }
        inner.faults = faults;
    }

    /// The faults in force.
    pub fn faults(&self) -> Faults {
        self.lock().faults.clone()
    }

    /// Moves the clock forward.
    pub fn advance_clock(&self, by: chrono::Duration) {
        let mut inner = self.lock();
        inner.offset += by;
    }

    /// Forgets every token.
    pub fn revoke_tokens(&self) {
        self.lock().tokens.clear();
    }

    /// The copy of one dossier.
    pub fn dossier(&self, code: &str) -> Option<PortalCopy> {
        self.lock().dossiers.get(code).cloned()
    }

    /// Every copy.
    pub fn dossiers(&self) -> BTreeMap<String, PortalCopy> {
        self.lock().dossiers.clone()
    }

    /// Counters.
    pub fn stats(&self) -> SimStats {
        self.lock().stats.clone()
    }

    /// Every delivery so far.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.lock().deliveries.clone()
    }
}
