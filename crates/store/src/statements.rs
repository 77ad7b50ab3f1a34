//! Bank, treasury and gateway statement lines (sao kê), kept once each: the same
//! line imported twice (overlapping statements, a file sent again) adds nothing.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_pay::statement::{Source, StatementLine};
use serde_json::json;

use crate::error::StoreError;
use crate::sql::args;
use crate::writer::AuditDraft;
use crate::{RequestMeta, Store};

fn source_key(s: &Source) -> String {
    match s {
        Source::Bank => "bank".to_owned(),
        Source::Gateway(g) => format!("gateway:{g}"),
    }
}

/// What an import added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatementImport {
    /// New lines kept.
    pub added: usize,
    /// Lines already held.
    pub repeated: usize,
}

impl Store {
    /// Keeps the lines not held yet; one transaction with its audit entry.
    pub async fn save_statement_lines(
        &self,
        lines: Vec<StatementLine>,
        file_name: &str,
        actor: &str,
        now: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<StatementImport, StoreError> {
        let (file_name, actor) = (file_name.to_owned(), actor.to_owned());
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let mut out = StatementImport::default();
                    for l in &lines {
                        let n = batch
                            .conn()
                            .exec(
                                "INSERT INTO statement_lines (source, day, at, account, bank_ref, amount, \
                                 description, counterparty, body, imported_at, imported_by) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                                 ON CONFLICT (source, account, bank_ref) DO NOTHING",
                                &args![
                                    source_key(&l.source),
                                    l.date.to_string(),
                                    l.at.map(|t| t.to_string()),
                                    l.account.as_str(),
                                    l.bank_ref.as_str(),
                                    l.amount_vnd,
                                    l.description.as_str(),
                                    l.counterparty.clone(),
                                    serde_json::to_string(l)?,
                                    now,
                                    actor.as_str(),
                                ],
                            )
                            .await?;
                        if n == 0 {
                            out.repeated += 1;
                        } else {
                            out.added += 1;
                        }
                    }
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: now,
                        actor,
                        action: "statement.import".to_owned(),
                        target: file_name,
                        ip: meta.ip,
                        details: json!({ "added": out.added, "repeated": out.repeated }),
                    });
                    Ok(out)
                })
            })
            .await
    }

    /// Statement lines dated in `[from, to]`, in date order.
    pub async fn statement_lines(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<StatementLine>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT body FROM statement_lines WHERE day >= $1 AND day <= $2 ORDER BY day, id",
                &args![from.to_string(), to.to_string()],
            )
            .await?;
        rows.iter()
            .map(|r| Ok(serde_json::from_str(&r.text("body")?)?))
            .collect()
    }
}
