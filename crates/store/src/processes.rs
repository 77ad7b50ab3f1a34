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

    /// Each officer's open dossiers at `agency` and when they last got one, for the
    /// automatic assignment rules (an officer with none is simply not listed).
    pub async fn assignee_loads(&self, agency: &str) -> Result<Vec<AssigneeLoad>, StoreError> {
        let mut rc = self.read().await?;
        let open = rc
            .conn()
            .all(
                "SELECT assignee, COUNT(*) AS n FROM dossiers \
                 WHERE handling_agency = $1 AND assignee IS NOT NULL \
                 AND status NOT IN ('returned', 'refused', 'withdrawn', 'stopped') \
                 GROUP BY assignee",
                &args![agency],
            )
            .await?;
        let last = rc
            .conn()
            .all(
                "SELECT d.assignee AS assignee, MAX(e.at) AS last FROM dossier_events e \
                 JOIN dossiers d ON d.code = e.dossier_code \
                 WHERE e.action = 'assign' AND d.handling_agency = $1 AND d.assignee IS NOT NULL \
                 GROUP BY d.assignee",
                &args![agency],
            )
            .await?;
        let mut loads: Vec<AssigneeLoad> = Vec::new();
        for r in &open {
            loads.push(AssigneeLoad {
                username: r.text("assignee")?,
                open: r.int("n")?,
                last_assigned: None,
            });
        }
        for r in &last {
            let username = r.text("assignee")?;
            let at = r.opt_time("last")?;
            match loads.iter_mut().find(|l| l.username == username) {
                Some(l) => l.last_assigned = at,
                None => loads.push(AssigneeLoad {
                    username,
                    open: 0,
                    last_assigned: at,
                }),
            }
        }
        Ok(loads)
    }
}

/// One officer's load at an agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssigneeLoad {
    /// Login name.
    pub username: String,
    /// Open dossiers assigned to them.
    pub open: i64,
    /// When they last got one.
    pub last_assigned: Option<DateTime<Utc>>,
}
