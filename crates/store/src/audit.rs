//! Reading and verifying the audit chain.

use motcua_domain::audit::{AuditEntry, MOVE_WINDOW, Verifier, VerifyReport};

use chrono::{DateTime, Utc};

use crate::error::StoreError;
use crate::sql::{Arg, Conn, Row, args};
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
        self.walk(None).await
    }

    /// The agency chains (`""` is the chain of entries of no agency).
    pub async fn audit_chains(&self) -> Result<Vec<String>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT chain FROM audit_chain_heads UNION SELECT DISTINCT chain FROM audit_log ORDER BY chain",
                &[],
            )
            .await?;
        rows.iter().map(|r| r.text("chain")).collect()
    }

    /// Verifies one agency's chain as [`Store::verify_audit`] does the global one;
    /// entry numbers in the report are positions in that chain.
    pub async fn verify_audit_chain(&self, chain: &str) -> Result<VerifyReport, StoreError> {
        self.walk(Some(chain)).await
    }

    async fn walk(&self, chain: Option<&str>) -> Result<VerifyReport, StoreError> {
        let mut rc = self.read().await?;
        let mut conn = rc.conn();
        let (seq, hash, filter) = match chain {
            None => ("seq", "hash", "1 = $1"),
            Some(_) => ("chain_seq", "chain_hash", "chain = $1"),
        };
        let key = chain.map_or_else(|| Arg::from(1i64), Arg::from);
        let mut v = Verifier::default();
        let mut from: i64 = 1;
        loop {
            let rows = conn
                .all(
                    &format!(
                        "SELECT {seq} AS pos, at, actor, action, target, ip, details, {hash} AS stored \
                         FROM audit_log WHERE {filter} AND {seq} >= $2 ORDER BY {seq} LIMIT 5000"
                    ),
                    &[key.clone(), Arg::from(from)],
                )
                .await?;
            let Some(last) = rows.last() else {
                break;
            };
            from = last.int("pos")? + 1;
            for r in &rows {
                let (entry, stored) = read_entry_as(r, "pos", "stored")?;
                if v.links(&entry, &stored) {
                    v.push(&entry, &stored, &[]);
                    continue;
                }
                // Rare: fetch the neighbours to tell a moved entry from an edited one.
                let near = conn
                    .all(
                        &format!(
                            "SELECT {seq} AS pos, {hash} AS stored FROM audit_log \
                             WHERE {filter} AND {seq} BETWEEN $2 AND $3"
                        ),
                        &[
                            key.clone(),
                            Arg::from(entry.seq - MOVE_WINDOW - 1),
                            Arg::from(entry.seq + MOVE_WINDOW + 1),
                        ],
                    )
                    .await?;
                let window = near
                    .iter()
                    .map(|n| Ok((n.int("pos")?, n.text("stored")?)))
                    .collect::<Result<Vec<_>, StoreError>>()?;
                v.push(&entry, &stored, &window);
            }
        }
        // The head must point at the last entry: a truncated tail is tampering too.
        let head = match chain {
            None => {
                conn.opt("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
                    .await?
            }
            Some(c) => {
                conn.opt(
                    "SELECT seq, hash FROM audit_chain_heads WHERE chain = $1",
                    &args![c],
                )
                .await?
            }
        };
        Ok(match head {
            Some(h) => v.finish(h.int("seq")?, &h.text("hash")?),
            // A removed head: nothing vouches for the chain's end.
            None => v.finish(0, motcua_domain::audit::GENESIS),
        })
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
                    let chain = chain_of(&mut batch.conn(), &target).await?;
                    batch.audit(AuditDraft {
                        chain,
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

    /// Runs one statement and, when it changed a row, records `entry` with it, in one
    /// transaction. Returns how many rows it changed.
    pub(crate) async fn exec_audited(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
        entry: AuditDraft,
    ) -> Result<u64, StoreError> {
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let n = batch.conn().exec(sql, &args).await?;
                    if n > 0 {
                        batch.audit(entry);
                    }
                    Ok(n)
                })
            })
            .await
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
    read_entry_as(r, "seq", "hash")
}

/// An entry and its stored hash, its position and hash read from the named columns
/// (the global chain's, or an agency chain's under aliases).
fn read_entry_as(r: &Row, seq: &str, hash: &str) -> Result<(AuditEntry, String), StoreError> {
    Ok((
        AuditEntry {
            seq: r.int(seq)?,
            at: r.time("at")?,
            actor: r.text("actor")?,
            action: r.text("action")?,
            target: r.text("target")?,
            ip: r.opt_text("ip")?,
            details: r.text("details")?,
        },
        r.text(hash)?,
    ))
}

/// The agency chain an entry about `target` joins: the handling agency of the dossier
/// it names (`CODE` or `CODE/...`), else the agency it names (`AGENCY/...`, a
/// register), else the chain of no agency.
pub(crate) async fn chain_of(conn: &mut Conn<'_>, target: &str) -> Result<String, StoreError> {
    let head = target.split('/').next().unwrap_or(target);
    if head.is_empty() {
        return Ok(String::new());
    }
    if let Some(r) = conn
        .opt(
            "SELECT handling_agency FROM dossiers WHERE code = $1",
            &args![head],
        )
        .await?
    {
        return r.text("handling_agency");
    }
    let agency = conn
        .opt("SELECT code FROM agencies WHERE code = $1", &args![head])
        .await?;
    agency.map_or(Ok(String::new()), |r| r.text("code"))
}
