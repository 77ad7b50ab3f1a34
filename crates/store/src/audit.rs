//! Reading and verifying the audit chain.

use motcua_domain::audit::{AuditEntry, MOVE_WINDOW, Verifier, VerifyReport};

use chrono::{DateTime, Utc};

use crate::error::StoreError;
use crate::sql::{Arg, Row, args};
use crate::writer::AuditDraft;

/// What an administrator looks for in the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Who acted (username, exact).
    pub actor: Option<String>,
    /// What was touched: exact, or its children (`CODE` finds `CODE/file`).
    pub target: Option<String>,
    /// What was done (`dossier.read`, `dossier.receive`, …), exact.
    pub action: Option<String>,
    /// From this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Entries before this sequence number (the next page).
    pub before: Option<i64>,
    /// Page size (1–500).
    pub limit: u32,
}
use crate::{RequestMeta, Store};

impl Store {
    /// Walks the whole audit chain in pages, checks every link and the head, and names
    /// every edited, missing or moved entry (see [`Verifier`]).
    pub async fn verify_audit(&self) -> Result<VerifyReport, StoreError> {
        let mut rc = self.read().await?;
        let mut conn = rc.conn();
        let mut v = Verifier::default();
        let mut from: i64 = 1;
        loop {
            let rows = conn
                .all(
                    "SELECT seq, at, actor, action, target, ip, details, hash FROM audit_log \
                     WHERE seq >= $1 ORDER BY seq LIMIT 5000",
                    &args![from],
                )
                .await?;
            let Some(last) = rows.last() else {
                break;
            };
            from = last.int("seq")? + 1;
            for r in &rows {
                let (entry, stored) = read_entry(r)?;
                if v.links(&entry, &stored) {
                    v.push(&entry, &stored, &[]);
                    continue;
                }
                // Rare: fetch the neighbours to tell a moved entry from an edited one.
                let near = conn
                    .all(
                        "SELECT seq, hash FROM audit_log WHERE seq BETWEEN $1 AND $2",
                        &args![entry.seq - MOVE_WINDOW - 1, entry.seq + MOVE_WINDOW + 1],
                    )
                    .await?;
                let window = near
                    .iter()
                    .map(|n| Ok((n.int("seq")?, n.text("hash")?)))
                    .collect::<Result<Vec<_>, StoreError>>()?;
                v.push(&entry, &stored, &window);
            }
        }
        // The head must point at the last entry: a truncated tail is tampering too.
        let head = conn
            .one("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
            .await?;
        Ok(v.finish(head.int("seq")?, &head.text("hash")?))
    }

    /// Records an access that changes nothing (an export of personal data, a read)
    /// in the audit chain, committed before it returns.
    pub async fn record_access(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        details: serde_json::Value,
        at: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<(), StoreError> {
        let (actor, action, target) = (actor.to_owned(), action.to_owned(), target.to_owned());
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    batch.audit(AuditDraft {
                        at,
                        actor,
                        action,
                        target,
                        ip: meta.ip,
                        details,
                    });
                    Ok(())
                })
            })
            .await
    }

    /// Audit entries matching `q`, newest first, at most `q.limit` (keyset paging: pass
    /// the last seq seen as `before`).
    pub async fn audit_search(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let pg = self.backend() == "postgres";
        let mut sql = String::from(
            "SELECT seq, at, actor, action, target, ip, details, hash FROM audit_log WHERE 1 = 1",
        );
        let mut params: Vec<Arg> = Vec::new();
        let mut bind = |sql: &mut String, clause: &str, arg: Arg| {
            params.push(arg);
            sql.push_str(&clause.replace('?', &format!("${}", params.len())));
        };
        if let Some(actor) = q.actor.as_deref().filter(|a| !a.is_empty()) {
            bind(&mut sql, " AND actor = ?", Arg::from(actor));
        }
        if let Some(target) = q.target.as_deref().filter(|t| !t.is_empty()) {
            // The target itself and its children `TARGET/...`: '/' sorts just before '0'.
            let c = if pg { " COLLATE \"C\"" } else { "" };
            bind(&mut sql, &format!(" AND (target{c} = ?"), Arg::from(target));
            bind(
                &mut sql,
                &format!(" OR (target{c} >= ?"),
                Arg::from(format!("{target}/")),
            );
            bind(
                &mut sql,
                &format!(" AND target{c} < ?))"),
                Arg::from(format!("{target}0")),
            );
        }
        if let Some(action) = q.action.as_deref().filter(|a| !a.is_empty()) {
            bind(&mut sql, " AND action = ?", Arg::from(action));
        }
        if let Some(from) = q.from {
            bind(&mut sql, " AND at >= ?", Arg::from(from));
        }
        if let Some(to) = q.to {
            bind(&mut sql, " AND at < ?", Arg::from(to));
        }
        if let Some(before) = q.before {
            bind(&mut sql, " AND seq < ?", Arg::from(before));
        }
        sql.push_str(&format!(
            " ORDER BY seq DESC LIMIT {}",
            q.limit.clamp(1, 500)
        ));
        let mut rc = self.read().await?;
        let rows = rc.conn().all(&sql, &params).await?;
        rows.iter().map(|r| read_entry(r).map(|(e, _)| e)).collect()
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

fn read_entry(r: &Row) -> Result<(AuditEntry, String), StoreError> {
    Ok((
        AuditEntry {
            seq: r.int("seq")?,
            at: r.time("at")?,
            actor: r.text("actor")?,
            action: r.text("action")?,
            target: r.text("target")?,
            ip: r.opt_text("ip")?,
            details: r.text("details")?,
        },
        r.text("hash")?,
    ))
}
