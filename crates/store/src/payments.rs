//! Payment orders, the money received against them, and the fee book.
//!
//! The domain decides (charges, credits, refunds); the store writes what it decided,
//! checking that nobody changed the order meanwhile (`version`) and that a gateway
//! transaction is recorded once (`UNIQUE (provider, provider_txn)`). An order that
//! becomes paid gets its e-receipt number in the same transaction.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use motcua_domain::Decision;
use motcua_domain::fee::{Credit, FeeBook, Order, OrderDraft, OrderStatus, PayMethod};
use serde_json::{Value, json};

use crate::dossiers::{apply_in, insert_outbox};
use crate::error::StoreError;
use crate::sql::{Conn, Row, args};
use crate::writer::{AuditDraft, Batch};
use crate::{RequestMeta, Store};

/// What caused a change of an order, for its event log and the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct PayEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (an officer, `gateway:vnpay`, `statement`).
    pub actor: String,
    /// `gateway`, `officer`, `statement`, `system`.
    pub source: String,
    /// `create`, `credit`, `hold`, `expire`, `cancel`, `refund`, or a refusal
    /// (`callback_rejected`).
    pub action: String,
    /// SHA-256 of the raw payload that caused it (a callback's query string).
    pub payload_hash: Option<String>,
    /// Anything worth keeping.
    pub detail: Value,
}

/// A decided change of one order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderUpdate {
    /// The order after the change (its `version` one more than stored).
    pub order: Order,
    /// Money received, if this is a credit.
    pub credit: Option<Credit>,
    /// Why.
    pub event: PayEvent,
}

/// A logged payment event.
#[derive(Debug, Clone, PartialEq)]
pub struct PayEventRow {
    /// The order, if one was found.
    pub order_id: Option<i64>,
    /// When.
    pub at: DateTime<Utc>,
    /// Source.
    pub source: String,
    /// Action.
    pub action: String,
    /// Status before.
    pub from_status: Option<String>,
    /// Status after.
    pub to_status: Option<String>,
    /// Payload hash.
    pub payload_hash: Option<String>,
    /// Detail.
    pub detail: Value,
}

/// What one account received in a period, by method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountTakings {
    /// Collecting agency.
    pub agency: String,
    /// Account number.
    pub account: Option<String>,
    /// Method.
    pub method: PayMethod,
    /// Credits.
    pub count: i64,
    /// Sum, đồng.
    pub amount: i64,
}

/// Paid orders of an agency in a period, and how many were paid without cash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashlessCount {
    /// Agency.
    pub agency: String,
    /// Orders paid.
    pub paid: i64,
    /// Of which without any cash.
    pub cashless: i64,
}

/// A credit as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRow {
    /// The order.
    pub order_id: i64,
    /// The credit.
    pub credit: Credit,
}

const ORDER_COLUMNS: &str = "id, reference, dossier_code, agency, body, amount_due, amount_paid, \
    amount_refunded, status, created_at, expires_at, paid_at, receipt_no, version";

fn order_from_row(r: &Row) -> Result<Order, StoreError> {
    let body: Value = serde_json::from_str(&r.text("body")?)?;
    let status = r.text("status")?;
    Ok(Order {
        id: r.int("id")?,
        reference: r.opt_text("reference")?.unwrap_or_default(),
        dossier_code: r.text("dossier_code")?,
        agency: r.text("agency")?,
        account: serde_json::from_value(body.get("account").cloned().unwrap_or(Value::Null))?,
        lines: serde_json::from_value(body.get("lines").cloned().unwrap_or(json!([])))?,
        amount_due: r.int("amount_due")?,
        amount_paid: r.int("amount_paid")?,
        amount_refunded: r.int("amount_refunded")?,
        status: OrderStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(format!("order status {status}")))?,
        created_at: r.time("created_at")?,
        expires_at: r.time("expires_at")?,
        paid_at: r.opt_time("paid_at")?,
        receipt_no: r.opt_text("receipt_no")?,
        version: r.int("version")?,
    })
}

async fn insert_pay_event(
    conn: &mut Conn<'_>,
    order_id: Option<i64>,
    from: Option<OrderStatus>,
    to: Option<OrderStatus>,
    e: &PayEvent,
) -> Result<(), StoreError> {
    conn.exec(
        "INSERT INTO pay_events (order_id, at, source, action, from_status, to_status, payload_hash, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &args![
            order_id,
            e.at,
            e.source.as_str(),
            e.action.as_str(),
            from.map(|s| s.as_str().to_owned()),
            to.map(|s| s.as_str().to_owned()),
            e.payload_hash.clone(),
            serde_json::to_string(&e.detail)?,
        ],
    )
    .await?;
    Ok(())
}

fn audit_of(order: &Order, e: &PayEvent, meta: &RequestMeta) -> AuditDraft {
    AuditDraft {
        chain: order.agency.clone(),
        at: e.at,
        actor: e.actor.clone(),
        action: format!("payment.{}", e.action),
        target: order.dossier_code.clone(),
        ip: meta.ip.clone(),
        details: json!({
            "order": order.reference,
            "status": order.status.as_str(),
            "amount_due": order.amount_due,
            "amount_paid": order.amount_paid,
            "source": e.source,
            "payload_hash": e.payload_hash,
            "detail": e.detail,
        }),
    }
}

fn outbox_payload(order: &Order, action: &str) -> Value {
    json!({
        "dossier": order.dossier_code,
        "order": order.reference,
        "agency": order.agency,
        "action": action,
        "status": order.status.as_str(),
        "amount_due": order.amount_due,
        "amount_paid": order.amount_paid,
        "receipt_no": order.receipt_no,
    })
}

async fn insert_orders(
    batch: &mut Batch,
    dossier_code: &str,
    drafts: Vec<OrderDraft>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    actor: &str,
    meta: &RequestMeta,
) -> Result<Vec<Order>, StoreError> {
    let mut out = Vec::with_capacity(drafts.len());
    for d in drafts {
        let status = if d.amount_due == 0 {
            OrderStatus::Exempt
        } else {
            OrderStatus::Pending
        };
        let body = json!({ "account": d.account, "lines": d.lines });
        let id = batch
            .conn()
            .one(
                "INSERT INTO pay_orders (dossier_code, agency, account_bin, account_number, body, \
                 amount_due, status, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &args![
                    dossier_code,
                    d.agency.as_str(),
                    d.account.as_ref().map(|a| a.bin.clone()),
                    d.account.as_ref().map(|a| a.number.clone()),
                    serde_json::to_string(&body)?,
                    d.amount_due,
                    status.as_str(),
                    created_at,
                    expires_at,
                ],
            )
            .await?
            .int("id")?;
        let reference = u64::try_from(id)
            .ok()
            .and_then(motcua_pay::reference::make)
            .ok_or_else(|| StoreError::corrupt(format!("order number {id} too large")))?;
        batch
            .conn()
            .exec(
                "UPDATE pay_orders SET reference = $1 WHERE id = $2",
                &args![reference.as_str(), id],
            )
            .await?;
        let order = Order {
            id,
            reference,
            dossier_code: dossier_code.to_owned(),
            agency: d.agency,
            account: d.account,
            lines: d.lines,
            amount_due: d.amount_due,
            amount_paid: 0,
            amount_refunded: 0,
            status,
            created_at,
            expires_at,
            paid_at: None,
            receipt_no: None,
            version: 1,
        };
        let event = PayEvent {
            at: created_at,
            actor: actor.to_owned(),
            source: "officer".to_owned(),
            action: "create".to_owned(),
            payload_hash: None,
            detail: json!({ "lines": order.lines.len() }),
        };
        insert_pay_event(&mut batch.conn(), Some(id), None, Some(status), &event).await?;
        batch.audit(audit_of(&order, &event, meta));
        insert_outbox(
            &mut batch.conn(),
            created_at,
            "payment.create",
            dossier_code,
            &outbox_payload(&order, "create"),
        )
        .await?;
        out.push(order);
    }
    Ok(out)
}

impl Store {
    /// Saves a new version of the fee book; returns its ID.
    pub async fn save_fee_book(
        &self,
        book: &FeeBook,
        actor: &str,
        now: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<i64, StoreError> {
        let body = serde_json::to_string(book)?;
        let (accounts, schedules) = (book.accounts.len(), book.schedules.len());
        let actor = actor.to_owned();
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    let id = batch
                        .conn()
                        .one(
                            "INSERT INTO fee_books (body, saved_at, saved_by) VALUES ($1, $2, $3) RETURNING id",
                            &args![body.as_str(), now, actor.as_str()],
                        )
                        .await?
                        .int("id")?;
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: now,
                        actor,
                        action: "fees.save".to_owned(),
                        target: format!("fee_book:{id}"),
                        ip: meta.ip,
                        details: json!({ "accounts": accounts, "schedules": schedules }),
                    });
                    Ok(id)
                })
            })
            .await
    }

    /// The latest fee book (empty when none was saved).
    pub async fn load_fee_book(&self) -> Result<FeeBook, StoreError> {
        let mut rc = self.read().await?;
        let row = rc
            .conn()
            .opt("SELECT body FROM fee_books ORDER BY id DESC LIMIT 1", &[])
            .await?;
        match row {
            Some(r) => Ok(serde_json::from_str(&r.text("body")?)?),
            None => Ok(FeeBook::default()),
        }
    }

    /// Records a decision and the payment orders it makes, in one transaction (the
    /// fees of a dossier are frozen when it is received).
    pub async fn apply_charged(
        &self,
        decision: Decision,
        drafts: Vec<OrderDraft>,
        expires_at: DateTime<Utc>,
        meta: RequestMeta,
    ) -> Result<(motcua_domain::Dossier, Vec<Order>), StoreError> {
        let key = format!("dossier:{}", decision.dossier.code);
        self.writer()
            .run_keyed(key, move |batch| {
                Box::pin(async move {
                    let at = decision.event.at;
                    let actor = decision.event.actor.clone();
                    let d = apply_in(batch, decision, meta.clone()).await?;
                    let orders = insert_orders(
                        batch,
                        d.code.as_str(),
                        drafts,
                        at,
                        expires_at,
                        &actor,
                        &meta,
                    )
                    .await?;
                    Ok((d, orders))
                })
            })
            .await
    }

    /// Makes payment orders for a dossier outside a decision (a variable fee set later).
    pub async fn create_orders(
        &self,
        dossier_code: &str,
        drafts: Vec<OrderDraft>,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        actor: &str,
        meta: RequestMeta,
    ) -> Result<Vec<Order>, StoreError> {
        let key = format!("dossier:{dossier_code}");
        let (code, actor) = (dossier_code.to_owned(), actor.to_owned());
        self.writer()
            .run_keyed(key, move |batch| {
                Box::pin(async move {
                    insert_orders(batch, &code, drafts, created_at, expires_at, &actor, &meta).await
                })
            })
            .await
    }

    /// Writes a decided change of an order: refused with a conflict if the order
    /// changed meanwhile or the credit's gateway transaction is already recorded.
    /// An order that becomes paid is given its e-receipt number here.
    pub async fn update_order(
        &self,
        update: OrderUpdate,
        meta: RequestMeta,
    ) -> Result<Order, StoreError> {
        let key = format!("order:{}", update.order.id);
        self.writer()
            .run_keyed(key, move |batch| {
                Box::pin(async move {
                    let OrderUpdate {
                        mut order,
                        credit,
                        event,
                    } = update;
                    let before = batch
                        .conn()
                        .opt(
                            "SELECT status, version FROM pay_orders WHERE id = $1",
                            &args![order.id],
                        )
                        .await?
                        .ok_or_else(|| StoreError::NotFound {
                            what: format!("payment order {}", order.id),
                        })?;
                    let from = OrderStatus::parse(&before.text("status")?);
                    if before.int("version")? != order.version - 1 {
                        return Err(StoreError::Conflict {
                            what: format!("payment order {}", order.reference),
                        });
                    }
                    if let Some(c) = &credit {
                        let held = batch
                            .conn()
                            .opt(
                                "SELECT order_id FROM pay_credits WHERE provider = $1 AND provider_txn = $2",
                                &args![c.provider.as_str(), c.provider_txn.as_str()],
                            )
                            .await?;
                        if held.is_some() {
                            return Err(StoreError::Conflict {
                                what: format!("transaction {}:{}", c.provider, c.provider_txn),
                            });
                        }
                        batch
                            .conn()
                            .exec(
                                "INSERT INTO pay_credits (order_id, agency, account_number, method, provider, \
                                 provider_txn, amount, at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                                &args![
                                    order.id,
                                    order.agency.as_str(),
                                    order.account.as_ref().map(|a| a.number.clone()),
                                    c.method.as_str(),
                                    c.provider.as_str(),
                                    c.provider_txn.as_str(),
                                    c.amount,
                                    c.at,
                                    c.recorded_by.as_str(),
                                ],
                            )
                            .await?;
                    }
                    if order.status == OrderStatus::Paid && order.receipt_no.is_none() {
                        let year = i64::from(vietnam_day(order.paid_at.unwrap_or(event.at)).year());
                        let n = batch
                            .conn()
                            .one(
                                "INSERT INTO receipt_sequences (agency, year, last) VALUES ($1, $2, 1) \
                                 ON CONFLICT (agency, year) DO UPDATE SET last = receipt_sequences.last + 1 \
                                 RETURNING last",
                                &args![order.agency.as_str(), year],
                            )
                            .await?
                            .int("last")?;
                        order.receipt_no = Some(format!("{}-{year}-{n:06}", order.agency));
                    }
                    let changed = batch
                        .conn()
                        .exec(
                            "UPDATE pay_orders SET amount_paid = $1, amount_refunded = $2, status = $3, \
                             paid_at = $4, receipt_no = $5, version = $6 WHERE id = $7 AND version = $8",
                            &args![
                                order.amount_paid,
                                order.amount_refunded,
                                order.status.as_str(),
                                order.paid_at,
                                order.receipt_no.clone(),
                                order.version,
                                order.id,
                                order.version - 1,
                            ],
                        )
                        .await?;
                    if changed == 0 {
                        return Err(StoreError::Conflict {
                            what: format!("payment order {}", order.reference),
                        });
                    }
                    insert_pay_event(&mut batch.conn(), Some(order.id), from, Some(order.status), &event)
                        .await?;
                    crate::stats::refresh_order(&mut batch.conn(), order.id).await?;
                    batch.audit(audit_of(&order, &event, &meta));
                    insert_outbox(
                        &mut batch.conn(),
                        event.at,
                        &format!("payment.{}", event.action),
                        &order.dossier_code,
                        &outbox_payload(&order, &event.action),
                    )
                    .await?;
                    Ok(order)
                })
            })
            .await
    }

    /// Logs a payment event that changed no order (a refused callback).
    pub async fn log_pay_event(
        &self,
        order_id: Option<i64>,
        event: PayEvent,
        meta: RequestMeta,
    ) -> Result<(), StoreError> {
        self.writer()
            .run(move |batch| {
                Box::pin(async move {
                    insert_pay_event(&mut batch.conn(), order_id, None, None, &event).await?;
                    batch.audit(AuditDraft {
                        chain: String::new(),
                        at: event.at,
                        actor: event.actor.clone(),
                        action: format!("payment.{}", event.action),
                        target: order_id.map(|i| format!("order:{i}")).unwrap_or_default(),
                        ip: meta.ip,
                        details: json!({
                            "source": event.source,
                            "payload_hash": event.payload_hash,
                            "detail": event.detail,
                        }),
                    });
                    Ok(())
                })
            })
            .await
    }

    /// A dossier's orders, oldest first.
    pub async fn orders_of(&self, dossier_code: &str) -> Result<Vec<Order>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                &format!(
                    "SELECT {ORDER_COLUMNS} FROM pay_orders WHERE dossier_code = $1 ORDER BY id"
                ),
                &args![dossier_code],
            )
            .await?;
        rows.iter().map(order_from_row).collect()
    }

    /// Orders by number (those that exist), in number order.
    pub async fn orders_by_id(&self, ids: &[i64]) -> Result<Vec<Order>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = (1..=ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(",");
        let a: Vec<crate::sql::Arg> = ids.iter().map(|i| crate::sql::Arg::from(*i)).collect();
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                &format!(
                    "SELECT {ORDER_COLUMNS} FROM pay_orders WHERE id IN ({marks}) ORDER BY id"
                ),
                &a,
            )
            .await?;
        rows.iter().map(order_from_row).collect()
    }

    /// The order a payment reference names.
    pub async fn order_by_reference(&self, reference: &str) -> Result<Option<Order>, StoreError> {
        let mut rc = self.read().await?;
        let row = rc
            .conn()
            .opt(
                &format!("SELECT {ORDER_COLUMNS} FROM pay_orders WHERE reference = $1"),
                &args![reference.to_ascii_uppercase()],
            )
            .await?;
        row.as_ref().map(order_from_row).transpose()
    }

    /// The order that already holds a gateway transaction, if any.
    pub async fn credit_holder(
        &self,
        provider: &str,
        provider_txn: &str,
    ) -> Result<Option<i64>, StoreError> {
        let mut rc = self.read().await?;
        let row = rc
            .conn()
            .opt(
                "SELECT order_id FROM pay_credits WHERE provider = $1 AND provider_txn = $2",
                &args![provider, provider_txn],
            )
            .await?;
        row.map(|r| r.int("order_id")).transpose()
    }

    /// The credits of an order, oldest first.
    pub async fn credits_of(&self, order_id: i64) -> Result<Vec<Credit>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT method, provider, provider_txn, amount, at, recorded_by FROM pay_credits \
                 WHERE order_id = $1 ORDER BY id",
                &args![order_id],
            )
            .await?;
        rows.iter().map(credit_from_row).collect()
    }

    /// The event log of an order, oldest first.
    pub async fn pay_events(&self, order_id: i64) -> Result<Vec<PayEventRow>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT order_id, at, source, action, from_status, to_status, payload_hash, detail \
                 FROM pay_events WHERE order_id = $1 ORDER BY id",
                &args![order_id],
            )
            .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Refused callbacks (events with no order changed), newest first.
    pub async fn refused_callbacks(&self, limit: i64) -> Result<Vec<PayEventRow>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT order_id, at, source, action, from_status, to_status, payload_hash, detail \
                 FROM pay_events WHERE to_status IS NULL ORDER BY id DESC LIMIT $1",
                &args![limit],
            )
            .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Orders of `agencies` with a status among `statuses`, oldest first, at most `limit`.
    pub async fn orders_by_status(
        &self,
        agencies: &[String],
        statuses: &[OrderStatus],
        limit: i64,
    ) -> Result<Vec<Order>, StoreError> {
        if agencies.is_empty() || statuses.is_empty() {
            return Ok(Vec::new());
        }
        let mut rc = self.read().await?;
        let mut a: Vec<crate::sql::Arg> = Vec::new();
        let ag = placeholders(&mut a, agencies.iter().map(String::as_str));
        let st = placeholders(&mut a, statuses.iter().map(|s| s.as_str()));
        a.push(crate::sql::Arg::from(limit));
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM pay_orders WHERE agency IN ({ag}) AND status IN ({st}) \
             ORDER BY created_at, id LIMIT ${}",
            a.len()
        );
        let rows = rc.conn().all(&sql, &a).await?;
        rows.iter().map(order_from_row).collect()
    }

    /// Orders created in `[from, to)` (all agencies), for reconciliation.
    pub async fn orders_created(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Order>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                &format!(
                    "SELECT {ORDER_COLUMNS} FROM pay_orders WHERE created_at >= $1 AND created_at < $2 ORDER BY id"
                ),
                &args![from, to],
            )
            .await?;
        rows.iter().map(order_from_row).collect()
    }

    /// The gateway transaction numbers recorded against orders, by order.
    pub async fn gateway_txns(&self, order_ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
        if order_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut rc = self.read().await?;
        let mut a: Vec<crate::sql::Arg> = Vec::new();
        let ids = (1..=order_ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(",");
        a.extend(order_ids.iter().map(|i| crate::sql::Arg::from(*i)));
        let rows = rc
            .conn()
            .all(
                &format!(
                    "SELECT order_id, provider_txn FROM pay_credits WHERE method = 'gateway' AND order_id IN ({ids})"
                ),
                &a,
            )
            .await?;
        rows.iter()
            .map(|r| Ok((r.int("order_id")?, r.text("provider_txn")?)))
            .collect()
    }

    /// What each account of `agencies` received in `[from, to)`, by method.
    pub async fn takings(
        &self,
        agencies: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AccountTakings>, StoreError> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let mut rc = self.read().await?;
        let mut a: Vec<crate::sql::Arg> = vec![from.into(), to.into()];
        let ag = placeholders(&mut a, agencies.iter().map(String::as_str));
        let rows = rc
            .conn()
            .all(
                &format!(
                    "SELECT agency, account_number, method, COUNT(*) AS n, CAST(SUM(amount) AS BIGINT) AS total \
                     FROM pay_credits WHERE at >= $1 AND at < $2 AND agency IN ({ag}) \
                     GROUP BY agency, account_number, method ORDER BY agency, account_number, method"
                ),
                &a,
            )
            .await?;
        rows.iter()
            .map(|r| {
                let m = r.text("method")?;
                Ok(AccountTakings {
                    agency: r.text("agency")?,
                    account: r.opt_text("account_number")?,
                    method: PayMethod::parse(&m)
                        .ok_or_else(|| StoreError::corrupt(format!("pay method {m}")))?,
                    count: r.int("n")?,
                    amount: r.int("total")?,
                })
            })
            .collect()
    }

    /// Orders paid in `[from, to)` per agency, and how many without cash.
    pub async fn cashless_counts(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CashlessCount>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                "SELECT o.agency AS agency, COUNT(*) AS paid, \
                 CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM pay_credits c WHERE c.order_id = o.id AND c.method = 'cash') \
                     THEN 0 ELSE 1 END) AS BIGINT) AS cashless \
                 FROM pay_orders o WHERE o.paid_at >= $1 AND o.paid_at < $2 \
                 AND o.status IN ('paid', 'refunded', 'partially_refunded') \
                 GROUP BY o.agency ORDER BY o.agency",
                &args![from, to],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CashlessCount {
                    agency: r.text("agency")?,
                    paid: r.int("paid")?,
                    cashless: r.int("cashless")?,
                })
            })
            .collect()
    }

    /// Pending orders whose time ran out before `now` (for the expiry job), at most `limit`.
    pub async fn orders_past_due(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Order>, StoreError> {
        let mut rc = self.read().await?;
        let rows = rc
            .conn()
            .all(
                &format!(
                    "SELECT {ORDER_COLUMNS} FROM pay_orders WHERE status = 'pending' AND expires_at <= $1 \
                     ORDER BY expires_at LIMIT $2"
                ),
                &args![now, limit],
            )
            .await?;
        rows.iter().map(order_from_row).collect()
    }
}

fn event_from_row(r: &Row) -> Result<PayEventRow, StoreError> {
    Ok(PayEventRow {
        order_id: r.opt_int("order_id")?,
        at: r.time("at")?,
        source: r.text("source")?,
        action: r.text("action")?,
        from_status: r.opt_text("from_status")?,
        to_status: r.opt_text("to_status")?,
        payload_hash: r.opt_text("payload_hash")?,
        detail: serde_json::from_str(&r.text("detail")?)?,
    })
}

fn credit_from_row(r: &Row) -> Result<Credit, StoreError> {
    let m = r.text("method")?;
    Ok(Credit {
        method: PayMethod::parse(&m)
            .ok_or_else(|| StoreError::corrupt(format!("pay method {m}")))?,
        provider: r.text("provider")?,
        provider_txn: r.text("provider_txn")?,
        amount: r.int("amount")?,
        at: r.time("at")?,
        recorded_by: r.text("recorded_by")?,
    })
}

/// Appends `values` to `args` and returns their placeholders (`$3,$4`).
fn placeholders<'v>(
    args: &mut Vec<crate::sql::Arg>,
    values: impl Iterator<Item = &'v str>,
) -> String {
    let mut marks: Vec<String> = Vec::new();
    for v in values {
        args.push(crate::sql::Arg::from(v));
        marks.push(format!("${}", args.len()));
    }
    marks.join(",")
}

/// The Vietnam calendar day of an instant.
pub fn vietnam_day(at: DateTime<Utc>) -> NaiveDate {
    motcua_domain::time::to_local(at).date()
}
