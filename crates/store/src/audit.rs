//! Reading and verifying the audit chain.

use motcua_domain::audit::{AuditEntry, GENESIS, VerifyReport, entry_hash};

use crate::Store;
use crate::error::StoreError;
use crate::sql::args;

impl Store {
    /// Walks the whole audit chain in pages and checks every link and the head.
    pub async fn verify_audit(&self) -> Result<VerifyReport, StoreError> {
        let mut rc = self.read().await?;
        let mut conn = rc.conn();
        let mut report = VerifyReport {
            head: GENESIS.to_owned(),
            ..VerifyReport::default()
        };
        let mut prev = GENESIS.to_owned();
        let mut next_seq: i64 = 1;
        loop {
            let rows = conn
                .all(
                    "SELECT seq, at, actor, action, target, ip, details, hash FROM audit_log \
                     WHERE seq >= $1 ORDER BY seq LIMIT 5000",
                    &args![next_seq],
                )
                .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let entry = AuditEntry {
                    seq: r.int("seq")?,
                    at: r.time("at")?,
                    actor: r.text("actor")?,
                    action: r.text("action")?,
                    target: r.text("target")?,
                    ip: r.opt_text("ip")?,
                    details: r.text("details")?,
                };
                let stored = r.text("hash")?;
                if entry.seq != next_seq || entry_hash(&prev, &entry) != stored {
                    report.broken_at = Some(next_seq);
                    return Ok(report);
                }
                report.checked += 1;
                next_seq += 1;
                prev = stored;
            }
        }
        // The head must point at the last entry: a truncated tail is tampering too.
        let head = conn
            .one("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
            .await?;
        if head.int("seq")? != next_seq - 1 || head.text("hash")? != prev {
            report.broken_at = Some(next_seq);
            return Ok(report);
        }
        report.head = prev;
        Ok(report)
    }

    /// Number of audit entries.
    pub async fn audit_len(&self) -> Result<i64, StoreError> {
        let mut rc = self.read().await?;
        rc.conn()
            .one("SELECT COUNT(*) AS n FROM audit_log", &[])
            .await?
            .int("n")
    }
}
