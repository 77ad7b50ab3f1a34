//! Removing what the retention settings say has been kept long enough.

use chrono::{DateTime, Utc};
use motcua_domain::retention::Retention;
use serde_json::json;

use crate::error::StoreError;
use crate::sql::args;
use crate::writer::AuditDraft;
use crate::{RequestMeta, Store};

/// What a purge removed (or, in a dry run, would remove).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PurgeReport {
    /// Untouched drafts.
    pub drafts: u64,
    /// Their uploaded files (not filed with a dossier).
    pub draft_files: u64,
    /// Ended sessions.
    pub sessions: u64,
    /// Abandoned identity-provider logins.
    pub pending_logins: u64,
    /// API tokens expired or revoked long ago.
    pub tokens: u64,
}

impl Store {
    /// Applies `r` at `now`: one transaction, audited with the counts; the files of
    /// removed drafts are deleted after it commits. With `dry_run`, only counts.
    pub async fn purge(
        &self,
        r: Retention,
        now: DateTime<Utc>,
        dry_run: bool,
        meta: RequestMeta,
    ) -> Result<PurgeReport, StoreError> {
        let drafts_before = r.drafts_before(now);
        let tokens_before = r.tokens_before(now);
        let pending_before = now - chrono::Duration::minutes(crate::PENDING_TTL_MINUTES);
        let (report, keys) = self
            .writer()
            .run(move |batch| {
                Box::pin(async move {
                    let mut conn = batch.conn();
                    let stale = "SELECT id FROM drafts WHERE updated_at < $1";
                    let files = conn
                        .all(
                            &format!(
                                "SELECT storage_key FROM attachments WHERE dossier_code IS NULL AND draft_id IN ({stale})"
                            ),
                            &args![drafts_before],
                        )
                        .await?;
                    let mut report = PurgeReport {
                        draft_files: files.len() as u64,
                        ..PurgeReport::default()
                    };
                    let n = |row: crate::sql::Row| row.int("n").map(|n| u64::try_from(n).unwrap_or(0));
                    report.drafts = n(conn
                        .one("SELECT COUNT(*) AS n FROM drafts WHERE updated_at < $1", &args![drafts_before])
                        .await?)?;
                    report.sessions = n(conn
                        .one("SELECT COUNT(*) AS n FROM sessions WHERE expires_at < $1", &args![now])
                        .await?)?;
                    report.pending_logins = n(conn
                        .one("SELECT COUNT(*) AS n FROM oidc_pending WHERE created_at < $1", &args![pending_before])
                        .await?)?;
                    report.tokens = n(conn
                        .one(
                            "SELECT COUNT(*) AS n FROM api_tokens WHERE expires_at < $1 OR revoked_at < $1",
                            &args![tokens_before],
                        )
                        .await?)?;
                    let keys = files
                        .iter()
                        .map(|r| r.text("storage_key"))
                        .collect::<Result<Vec<_>, _>>()?;
                    if dry_run {
                        return Ok((report, Vec::new()));
                    }
                    conn.exec(
                        &format!("DELETE FROM attachments WHERE dossier_code IS NULL AND draft_id IN ({stale})"),
                        &args![drafts_before],
                    )
                    .await?;
                    // Files filed with a dossier stay with it; they only forget the draft.
                    conn.exec(
                        &format!("UPDATE attachments SET draft_id = NULL WHERE draft_id IN ({stale})"),
                        &args![drafts_before],
                    )
                    .await?;
                    conn.exec("DELETE FROM drafts WHERE updated_at < $1", &args![drafts_before]).await?;
                    conn.exec("DELETE FROM sessions WHERE expires_at < $1", &args![now]).await?;
                    conn.exec("DELETE FROM oidc_pending WHERE created_at < $1", &args![pending_before]).await?;
                    conn.exec(
                        "DELETE FROM api_tokens WHERE expires_at < $1 OR revoked_at < $1",
                        &args![tokens_before],
                    )
                    .await?;
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: now,
                        actor: "system".to_owned(),
                        action: "retention.purge".to_owned(),
                        target: "retention".to_owned(),
                        ip: meta.ip,
                        details: json!({ "report": report, "drafts_days": r.drafts_days, "tokens_days": r.tokens_days }),
                    });
                    Ok((report, keys))
                })
            })
            .await?;
        for k in keys {
            self.inner.blobs.remove(&k).await;
        }
        Ok(report)
    }
}
