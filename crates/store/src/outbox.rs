//! Delivering the outbox: every state change wrote its message in the same
//! transaction (see `dossiers::insert_outbox`); a worker takes them out here. A key's
//! messages (one dossier's) go out in the order they were written: only the oldest
//! undelivered message of a key is ever offered, and not before its retry time.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::Store;
use crate::error::StoreError;
use crate::sql::{Row, args};

/// A message waiting to be delivered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxMessage {
    /// Position in the outbox (the order of writing).
    pub id: i64,
    /// When the change happened.
    pub created_at: DateTime<Utc>,
    /// What kind of change, e.g. `dossier.receive`.
    pub topic: String,
    /// What it is about (a dossier code, an order id).
    pub key: String,
    /// The message.
    pub payload: Value,
    /// Failed attempts so far.
    pub attempts: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

/// How far behind the deliveries of a topic are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct OutboxBacklog {
    /// Messages not delivered yet.
    pub pending: i64,
    /// Of those, the ones that failed at least once.
    pub failing: i64,
    /// When the oldest of them was written.
    pub oldest: Option<DateTime<Utc>>,
}

fn message_of(r: &Row) -> Result<OutboxMessage, StoreError> {
    Ok(OutboxMessage {
        id: r.int("id")?,
        created_at: r.time("created_at")?,
        topic: r.text("topic")?,
        key: r.text("key")?,
        payload: serde_json::from_str(&r.text("payload")?)?,
        attempts: r.int("attempts")?,
        last_error: r.opt_text("last_error")?,
    })
}

/// `topic LIKE 'prefix%'` with the prefix's own wildcards taken literally.
fn like_prefix(prefix: &str) -> String {
    let mut p = String::with_capacity(prefix.len() + 1);
    for ch in prefix.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

impl Store {
    /// The messages to deliver now among the topics starting with `prefix`: for each
    /// key its oldest undelivered message (a later one waits for it), once its retry
    /// time has come; oldest first, at most `limit`.
    pub async fn outbox_next(
        &self,
        prefix: &str,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT o.id, o.created_at, o.topic, o.key, o.payload, o.attempts, o.last_error \
                 FROM outbox o \
                 WHERE o.delivered_at IS NULL AND o.topic LIKE $1 ESCAPE '\\' \
                 AND (o.retry_at IS NULL OR o.retry_at <= $2) \
                 AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.key = o.key AND e.id < o.id \
                     AND e.delivered_at IS NULL AND e.topic LIKE $1 ESCAPE '\\') \
                 ORDER BY o.id LIMIT $3",
                &args![like_prefix(prefix), now, limit],
            )
            .await?;
        rows.iter().map(message_of).collect()
    }

    /// Marks messages delivered (their key's next message becomes due).
    pub async fn outbox_delivered(
        &self,
        ids: Vec<i64>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    for id in &ids {
                        batch
                            .conn()
                            .exec(
                                "UPDATE outbox SET delivered_at = $1, retry_at = NULL \
                                 WHERE id = $2 AND delivered_at IS NULL",
                                &args![at, *id],
                            )
                            .await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    /// Records a failed attempt at a message and when to try it again.
    pub async fn outbox_failed(
        &self,
        id: i64,
        error: String,
        retry_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    batch
                        .conn()
                        .exec(
                            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, \
                             retry_at = $2 WHERE id = $3 AND delivered_at IS NULL",
                            &args![error.as_str(), retry_at, id],
                        )
                        .await?;
                    Ok(())
                })
            })
            .await
    }

    /// How many messages of the topics starting with `prefix` wait, and since when.
    pub async fn outbox_backlog(&self, prefix: &str) -> Result<OutboxBacklog, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT COUNT(*) AS pending, \
                 COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) AS failing, \
                 MIN(created_at) AS oldest \
                 FROM outbox WHERE delivered_at IS NULL AND topic LIKE $1 ESCAPE '\\'",
                &args![like_prefix(prefix)],
            )
            .await?;
        let Some(r) = rows.first() else {
            return Ok(OutboxBacklog::default());
        };
        Ok(OutboxBacklog {
            pending: r.int("pending")?,
            failing: r.int("failing")?,
            oldest: r.opt_time("oldest")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::like_prefix;

    #[test]
    fn a_prefix_matches_literally() {
        assert_eq!(like_prefix("dossier."), "dossier.%");
        assert_eq!(like_prefix("a_b%"), "a\\_b\\%%");
    }
}
