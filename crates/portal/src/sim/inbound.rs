//! Inbound delivery (spec §9.4, our model of open question 2): a dossier filed on
//! the portal is POSTed as one [`DossierRecord`] to our webhook, which answers
//! `{error_code 0 accepted | 1 duplicate | -1 refused, message}` ([OCPS]). Files go
//! as URLs this simulator serves, or inline as base64. Duplicates and reordering
//! are injected here.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use motcua_domain::portal::{DossierRecord, PortalStatus, Reply, SubmittedFile};
use rand::Rng;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::state::{CopyOrigin, PortalCopy, RecordVersion, SimState};

/// How delivered dossiers carry their files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentMode {
    /// `DuongDanTaiTepTin`: a URL on this simulator (`/files/{id}`).
    #[default]
    Url,
    /// `NoiDungTep`: the bytes in base64.
    Base64,
}

/// A file the citizen attached on the portal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InboundFile {
    /// File name.
    pub name: String,
    /// Media type, if known.
    pub mime: Option<String>,
    /// The required document it answers (MaThanhPhanHoSo).
    pub component_code: Option<String>,
    /// Content (may be empty, to test that the inbox flags it).
    pub bytes: Vec<u8>,
}

/// A file kept for download.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub mime: Option<String>,
    pub bytes: Vec<u8>,
}

/// A delivery waiting to be sent.
#[derive(Debug, Clone)]
pub(crate) struct PendingDelivery {
    pub record: DossierRecord,
    pub duplicate: bool,
}

/// One delivery attempt and what the webhook answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryRecord {
    /// 1, 2, 3… in sending order.
    pub seq: u64,
    /// The dossier code.
    pub code: String,
    /// Whether this is an injected repeat.
    pub duplicate: bool,
    /// When it was sent (the simulator's clock).
    pub sent_at: DateTime<Utc>,
    /// HTTP status of the answer, if one came.
    pub http_status: Option<u16>,
    /// The answer, if it was the protocol's JSON.
    pub reply: Option<Reply>,
    /// What went wrong otherwise (no webhook, connection, unreadable answer).
    pub error: Option<String>,
}

impl SimState {
    /// Files `record` on the portal (status 1, channel 2, `files` attached) and
    /// delivers it, with duplicates and reordering as the faults say.
    pub async fn deliver(
        &self,
        record: DossierRecord,
        files: Vec<InboundFile>,
    ) -> Vec<DeliveryRecord> {
        let batch = {
            let mut inner = self.lock();
            let mut record = record;
            record.status = PortalStatus::NewlySubmitted.code();
            record.channel = 2;
            // Citizens file on the portal with their VNeID account (since 1 July 2024),
            // whose stable id the portal sends as MaDoiTuong (the TechID).
            record.vneid_verified = true;
            if record.owner_account.is_none() {
                let who = record
                    .owner_id_number
                    .clone()
                    .unwrap_or_else(|| record.code.clone());
                record.owner_account = Some(format!("TECHID-{who}"));
            }
            record.files = files
                .into_iter()
                .map(|f| {
                    let id = format!("f{}", inner.next_id());
                    let mut entry = SubmittedFile {
                        file_id: id.clone(),
                        name: f.name,
                        component_code: f.component_code,
                        ..SubmittedFile::default()
                    };
                    match self.settings.attachment_mode {
                        super::AttachmentMode::Url => {
                            entry.url = Some(format!("{}/files/{id}", self.settings.base_url));
                            inner.files.insert(
                                id,
                                StoredFile {
                                    mime: f.mime,
                                    bytes: f.bytes,
                                },
                            );
                        }
                        super::AttachmentMode::Base64 => {
                            entry.content_base64 = Some(STANDARD.encode(&f.bytes));
                        }
                    }
                    entry
                })
                .collect();
            // The portal keeps its own copy of what was filed on it.
            let now = self.now_with(&inner);
            inner
                .dossiers
                .entry(record.code.clone())
                .or_insert_with(|| PortalCopy {
                    origin: CopyOrigin::Portal,
                    latest: record.clone(),
                    versions: vec![RecordVersion {
                        received_at: now,
                        is_updating: false,
                        record: record.clone(),
                    }],
                    steps: Vec::new(),
                });
            let duplicate = inner.faults.duplicate > 0.0 && {
                let r: f64 = inner.rng.random();
                r < inner.faults.duplicate
            };
            inner.held.push(PendingDelivery {
                record: record.clone(),
                duplicate: false,
            });
            if duplicate {
                inner.held.push(PendingDelivery {
                    record,
                    duplicate: true,
                });
            }
            let window = inner.faults.reorder_window;
            if window > 1 && inner.held.len() < window {
                Vec::new()
            } else {
                take_held(&mut inner)
            }
        };
        self.send_all(batch).await
    }

    /// Sends every held delivery now.
    pub async fn flush_deliveries(&self) -> Vec<DeliveryRecord> {
        let batch = take_held(&mut self.lock());
        self.send_all(batch).await
    }

    async fn send_all(&self, batch: Vec<PendingDelivery>) -> Vec<DeliveryRecord> {
        let mut out = Vec::with_capacity(batch.len());
        for p in batch {
            let result = self.send_one(&p.record).await;
            let mut inner = self.lock();
            let seq = inner.deliveries.len() as u64 + 1;
            let (http_status, reply, error) = result;
            let record = DeliveryRecord {
                seq,
                code: p.record.code.clone(),
                duplicate: p.duplicate,
                sent_at: self.now_with(&inner),
                http_status,
                reply,
                error,
            };
            inner.deliveries.push(record.clone());
            out.push(record);
        }
        out
    }

    async fn send_one(
        &self,
        record: &DossierRecord,
    ) -> (Option<u16>, Option<Reply>, Option<String>) {
        let Some(url) = self.settings.webhook_url.as_deref() else {
            return (None, None, Some("no webhook configured".into()));
        };
        let mut request = self.http.post(url).json(record);
        if let Some(secret) = &self.settings.webhook_secret {
            request = request.bearer_auth(secret);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return (None, None, Some(e.to_string())),
        };
        let status = response.status().as_u16();
        match response.text().await {
            Ok(text) => match serde_json::from_str::<Reply>(&text) {
                Ok(reply) => (Some(status), Some(reply), None),
                Err(_) => (Some(status), None, Some(text.chars().take(300).collect())),
            },
            Err(e) => (Some(status), None, Some(e.to_string())),
        }
    }
}

/// Everything held, shuffled when reordering is on.
fn take_held(inner: &mut super::state::Inner) -> Vec<PendingDelivery> {
    let mut batch = std::mem::take(&mut inner.held);
    if inner.faults.reorder_window > 1 {
        batch.shuffle(&mut inner.rng);
    }
    batch
}
