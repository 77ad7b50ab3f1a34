//! Saved process versions. A save inserts a new row (with its audit entry); nothing
//! is updated, so a version a dossier follows never changes under it.

use chrono::{DateTime, Utc};
use motcua_domain::process::ProcessDef;
use serde_json::json;

use crate::error::StoreError;
use crate::sql::args;
use crate::writer::AuditDraft;
use crate::{RequestMeta, Store};

/// A saved version as stored (checked by the caller before saving).
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessRow {
    /// ID.
    pub id: i64,
    /// The definition.
    pub def: ProcessDef,
    /// When.
    pub saved_at: DateTime<Utc>,
    /// Who.
    pub saved_by: String,
}

impl Store {
    /// Saves a new version of a procedure's process; returns its ID.
    pub async fn save_process(
        &self,
        def: &ProcessDef,
        actor: &str,
        now: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<i64, StoreError> {
        let body = serde_json::to_string(def)?;
        let (procedure, valid_from) = (def.procedure.clone(), def.valid_from.to_string());
        let actor = actor.to_owned();
        let steps = def.steps.len();
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let id = batch
                        .conn()
                        .one(
                            "INSERT INTO processes (procedure, valid_from, body, saved_at, saved_by) \
                             VALUES ($1, $2, $3, $4, $5) RETURNING id",
                            &args![
                                procedure.as_str(),
                                valid_from.as_str(),
                                body.as_str(),
                                now,
                                actor.as_str()
                            ],
                        )
                        .await?
                        .int("id")?;
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: now,
                        actor,
                        action: "process.save".to_owned(),
                        target: procedure,
                        ip: meta.ip,
                        details: json!({ "id": id, "valid_from": valid_from, "steps": steps }),
                    });
                    Ok(id)
                })
            })
            .await
    }

    /// Every saved version, oldest first.
    pub async fn load_processes(&self) -> Result<Vec<ProcessRow>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT id, body, saved_at, saved_by FROM processes ORDER BY id",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ProcessRow {
                    id: r.int("id")?,
                    def: serde_json::from_str(&r.text("body")?)?,
                    saved_at: r.time("saved_at")?,
                    saved_by: r.text("saved_by")?,
                })
            })
            .collect()
    }
}
