//! Filing drafts: what a citizen typed in the online wizard, kept between pages and
//! visits, with the files attached so far; filing turns it into a dossier in one
//! transaction. Also procedure usage and holiday amendments kept in the database.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::StoreError;
use crate::sql::{Row, args};
use crate::writer::AuditDraft;
use crate::{RequestMeta, Store};

/// A filing in progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draft {
    /// Id.
    pub id: String,
    /// Username of the citizen (or helper) filling it.
    pub owner: String,
    /// Procedure code.
    pub procedure_code: String,
    /// What was entered so far (applicant, form data, step…).
    pub data: Value,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

fn draft_from_row(r: &Row) -> Result<Draft, StoreError> {
    Ok(Draft {
        id: r.text("id")?,
        owner: r.text("owner")?,
        procedure_code: r.text("procedure_code")?,
        data: serde_json::from_str(&r.text("data")?)?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

impl Store {
    /// Creates or updates a draft.
    pub async fn save_draft(&self, draft: Draft) -> Result<(), StoreError> {
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    batch
                        .conn()
                        .exec(
                            "INSERT INTO drafts (id, owner, procedure_code, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                             ON CONFLICT (id) DO UPDATE SET data = $4, updated_at = $6",
                            &args![
                                draft.id.as_str(),
                                draft.owner.as_str(),
                                draft.procedure_code.as_str(),
                                serde_json::to_string(&draft.data)?,
                                draft.created_at,
                                draft.updated_at,
                            ],
                        )
                        .await?;
                    Ok(())
                })
            })
            .await
    }

    /// A draft by id.
    pub async fn draft(&self, id: &str) -> Result<Option<Draft>, StoreError> {
        let mut rc = self.read().await?;
        let row = rc
            .conn()
            .opt("SELECT * FROM drafts WHERE id = $1", &args![id])
            .await?;
        row.map(|r| draft_from_row(&r)).transpose()
    }

    /// A user's drafts, most recent first.
    pub async fn drafts_of(&self, owner: &str) -> Result<Vec<Draft>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT * FROM drafts WHERE owner = $1 ORDER BY updated_at DESC",
                &args![owner],
            )
            .await?;
        rows.iter().map(draft_from_row).collect()
    }

    /// How many dossiers each procedure has, most used first.
    pub async fn procedure_usage(&self, limit: u32) -> Result<Vec<(String, i64)>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT procedure_code, COUNT(*) AS n FROM dossiers GROUP BY procedure_code ORDER BY n DESC, procedure_code LIMIT $1",
                &args![i64::from(limit)],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r.text("procedure_code")?, r.int("n")?)))
            .collect()
    }

    /// Dossiers of `agency` whose processing ended in `[from, to)`, counted by verdict
    /// (`early`, `on_time`, `late`; none for dossiers never received).
    pub async fn timeliness_counts(
        &self,
        agency: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(Option<String>, i64)>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT timeliness, COUNT(*) AS n FROM dossiers WHERE handling_agency = $1 AND completed_at >= $2 \
                 AND completed_at < $3 GROUP BY timeliness ORDER BY timeliness",
                &args![agency, from, to],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r.opt_text("timeliness")?, r.int("n")?)))
            .collect()
    }

    /// Records an administrator's holiday amendment (TOML, already checked).
    pub async fn add_calendar_amendment(
        &self,
        origin: &str,
        body: &str,
        actor: &str,
        at: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<(), StoreError> {
        let (origin, body, actor) = (origin.to_owned(), body.to_owned(), actor.to_owned());
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    batch
                        .conn()
                        .exec(
                            "INSERT INTO calendar_amendments (origin, body, created_by, created_at) VALUES ($1, $2, $3, $4)",
                            &args![origin.as_str(), body.as_str(), actor.as_str(), at],
                        )
                        .await?;
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at,
                        actor,
                        action: "calendar.amend".to_owned(),
                        target: origin,
                        ip: meta.ip,
                        details: json!({ "body": body }),
                    });
                    Ok(())
                })
            })
            .await
    }

    /// Every holiday amendment, oldest first: `(origin, body)`.
    pub async fn calendar_amendments(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT origin, body FROM calendar_amendments ORDER BY id",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r.text("origin")?, r.text("body")?)))
            .collect()
    }
}
