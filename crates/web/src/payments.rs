//! Payments as the web layer runs them: the gateways configured, charging a dossier
//! when it is received, turning gateway callbacks into credits, and the officer's
//! counter payments. The rules are the domain's (`motcua_domain::fee`) and the wire
//! formats the pay crate's; this module only sequences load → decide → store.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use motcua_domain::command::FeeInput;
use motcua_domain::fee::{Credit, FeeError, Order, OrderStatus, PayMethod};
use motcua_domain::{ActionKind, Decision, Dossier, Subject};
use motcua_pay::gateway::{Callback, Gateway, IpnOutcome, PayRequest, Verdict};
use motcua_pay::paygov::PayGov;
use motcua_pay::sim::SimGateway;
use motcua_pay::vnpay::VnPay;
use motcua_store::{OrderUpdate, PayEvent, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::api::Meta;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Which protocol a configured gateway speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayKind {
    /// VNPAY 2.1.0.
    Vnpay,
    /// The national public-service payment platform.
    Paygov,
}

/// One gateway in the settings file (`[[payments.gateways]]`).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// Protocol.
    pub kind: GatewayKind,
    /// Terminal or merchant code the gateway issued.
    pub merchant: String,
    /// The shared secret the gateway issued.
    pub secret: String,
    /// The gateway's payment page; absent: this server's simulator.
    #[serde(default)]
    pub url: Option<String>,
}

impl std::fmt::Debug for GatewayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayConfig")
            .field("kind", &self.kind)
            .field("merchant", &self.merchant)
            .field("secret", &"<redacted>")
            .field("url", &self.url)
            .finish()
    }
}

/// Payment settings (`[payments]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentsConfig {
    /// Gateways citizens may pay through.
    #[serde(default)]
    pub gateways: Vec<GatewayConfig>,
    /// Days a payment order stays payable.
    #[serde(default = "default_order_days")]
    pub order_days: u32,
    /// Minutes a gateway checkout stays open.
    #[serde(default = "default_checkout_minutes")]
    pub checkout_minutes: u32,
    /// Serve the gateways' simulators under `/mo-phong/` (demo and tests only).
    #[serde(default)]
    pub simulator: bool,
}

fn default_order_days() -> u32 {
    30
}

fn default_checkout_minutes() -> u32 {
    15
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        PaymentsConfig {
            gateways: Vec::new(),
            order_days: default_order_days(),
            checkout_minutes: default_checkout_minutes(),
            simulator: false,
        }
    }
}

impl PaymentsConfig {
    /// The demo's: both gateways, served by this server's simulators.
    pub fn demo() -> Self {
        PaymentsConfig {
            gateways: vec![
                GatewayConfig {
                    kind: GatewayKind::Vnpay,
                    merchant: "MOTCUA01".to_owned(),
                    secret: "demo-vnpay-secret-do-not-use".to_owned(),
                    url: None,
                },
                GatewayConfig {
                    kind: GatewayKind::Paygov,
                    merchant: "H79-MOTCUA".to_owned(),
                    secret: "demo-paygov-secret-do-not-use".to_owned(),
                    url: None,
                },
            ],
            simulator: true,
            ..PaymentsConfig::default()
        }
    }
}

/// The gateways in use, and their simulators when enabled.
#[derive(Debug, Default)]
pub struct Gateways {
    list: Vec<Arc<dyn Gateway>>,
    sims: Vec<SimGateway>,
}

/// Where a gateway's simulator serves its payment page.
pub fn sim_path(kind: GatewayKind) -> &'static str {
    match kind {
        GatewayKind::Vnpay => "/mo-phong/vnpay/paymentv2/vpcpay.html",
        GatewayKind::Paygov => "/mo-phong/paygov/thanh-toan",
    }
}

impl Gateways {
    /// Builds the gateways from the settings.
    pub fn from_config(config: &PaymentsConfig, public_url: &str) -> Self {
        let mut out = Gateways::default();
        for g in &config.gateways {
            let url = g.url.clone().unwrap_or_else(|| {
                format!("{}{}", public_url.trim_end_matches('/'), sim_path(g.kind))
            });
            match g.kind {
                GatewayKind::Vnpay => {
                    let gw = VnPay::new(&g.merchant, &g.secret, url);
                    if config.simulator {
                        out.sims.push(SimGateway::VnPay(gw.clone()));
                    }
                    out.list.push(Arc::new(gw));
                }
                GatewayKind::Paygov => {
                    let gw = PayGov::new(&g.merchant, &g.secret, url);
                    if config.simulator {
                        out.sims.push(SimGateway::PayGov(gw.clone()));
                    }
                    out.list.push(Arc::new(gw));
                }
            }
        }
        out
    }

    /// Every gateway.
    pub fn all(&self) -> impl Iterator<Item = &dyn Gateway> {
        self.list.iter().map(|g| g.as_ref())
    }

    /// The gateway with id `id`.
    pub fn get(&self, id: &str) -> Option<&dyn Gateway> {
        self.all().find(|g| g.id() == id)
    }

    /// The simulator of gateway `id`, when simulators are on.
    pub fn sim(&self, id: &str) -> Option<&SimGateway> {
        self.sims.iter().find(|s| s.id() == id)
    }
}

fn gateway_not_found(id: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "payment_gateway_not_found",
        format!("Không có cổng thanh toán “{id}”"),
        format!("no payment gateway {id}"),
    )
}

/// An order as the API and pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct OrderView {
    /// Payment reference (write it in the transfer note).
    pub reference: String,
    /// The dossier.
    pub dossier_code: String,
    /// Collecting agency.
    pub agency: String,
    /// Its name.
    pub agency_name: String,
    /// Account number the money goes to.
    pub account: Option<String>,
    /// Account holder.
    pub account_holder: Option<String>,
    /// The account's bank BIN.
    pub bank_bin: Option<String>,
    /// The bank's name.
    pub bank_name: Option<String>,
    /// Treasury or bank.
    pub account_kind: Option<String>,
    /// Due, đồng.
    pub amount: i64,
    /// Received, đồng.
    pub amount_paid: i64,
    /// Refunded, đồng.
    pub amount_refunded: i64,
    /// Still owed, đồng.
    pub balance: i64,
    /// Status.
    pub status: &'static str,
    /// Status in Vietnamese.
    pub status_label: &'static str,
    /// The lines charged.
    pub lines: Vec<motcua_domain::fee::Charge>,
    /// VietQR payload for the balance (none when nothing is owed or no account).
    pub vietqr: Option<String>,
    /// The transfer note the VietQR carries.
    pub purpose: String,
    /// Created.
    pub created_at: DateTime<chrono::FixedOffset>,
    /// Payable until.
    pub expires_at: DateTime<chrono::FixedOffset>,
    /// Paid in full at.
    pub paid_at: Option<DateTime<chrono::FixedOffset>>,
    /// E-receipt number.
    pub receipt_no: Option<String>,
}

fn local(t: DateTime<Utc>) -> DateTime<chrono::FixedOffset> {
    crate::view::vn(t)
}

/// The transfer note of an order: its reference first (the part that must survive a
/// bank that cuts notes short), then the dossier code without punctuation.
pub fn purpose_of(order: &Order) -> String {
    let code: String = order
        .dossier_code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("{} {code}", order.reference)
}

/// The VietQR payload that pays an order's balance into its account.
pub fn vietqr_of(order: &Order) -> Option<String> {
    let account = order.account.as_ref()?;
    if order.balance() <= 0 || !order.status.payable() {
        return None;
    }
    motcua_pay::vietqr::Payload::for_account(&account.bin, &account.number)
        .with_amount(order.balance())
        .with_purpose(purpose_of(order))
        .encode()
        .map_err(|e| tracing::warn!(order = %order.reference, code = e.code(), "VietQR not made"))
        .ok()
}

fn bank_name(bin: &str) -> Option<String> {
    let banks = motcua_pay::banks::Banks::builtin().ok()?;
    let names: Vec<String> = banks
        .by_bin(bin)
        .iter()
        .map(|b| b.short_name.clone())
        .collect();
    (!names.is_empty()).then(|| names.join(" / "))
}

impl OrderView {
    /// The view of an order.
    pub fn new(state: &AppState, order: &Order) -> Self {
        let directory = state.directory();
        OrderView {
            reference: order.reference.clone(),
            dossier_code: order.dossier_code.clone(),
            agency: order.agency.clone(),
            agency_name: directory
                .agency(&order.agency)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| order.agency.clone()),
            account: order.account.as_ref().map(|a| a.number.clone()),
            account_holder: order.account.as_ref().map(|a| a.holder.clone()),
            bank_bin: order.account.as_ref().map(|a| a.bin.clone()),
            bank_name: order.account.as_ref().and_then(|a| bank_name(&a.bin)),
            account_kind: order.account.as_ref().map(|a| a.kind.label_vi().to_owned()),
            amount: order.amount_due,
            amount_paid: order.amount_paid,
            amount_refunded: order.amount_refunded,
            balance: order.balance(),
            status: order.status.as_str(),
            status_label: order.status.label_vi(),
            lines: order.lines.clone(),
            vietqr: vietqr_of(order),
            purpose: purpose_of(order),
            created_at: local(order.created_at),
            expires_at: local(order.expires_at),
            paid_at: order.paid_at.map(local),
            receipt_no: order.receipt_no.clone(),
        }
    }
}

/// Until when a new order stays payable.
pub fn order_expiry(state: &AppState, now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(i64::from(state.config().payments.order_days))
}

/// Stores a decision; when it is the receipt, charges the dossier's fees in the same
/// transaction (the fees are frozen at receipt).
pub async fn apply_decision(
    state: &AppState,
    decision: Decision,
    meta: &Meta,
) -> ApiResult<Dossier> {
    if decision.event.action != ActionKind::Receive {
        return Ok(state.store().apply(decision, meta.request()).await?);
    }
    let input: FeeInput = decision
        .event
        .data
        .get("fees")
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(ApiError::invalid_json)?
        .unwrap_or_default();
    let now = decision.event.at;
    let charging = motcua_domain::fee::charge_dossier(
        &state.fees(),
        &decision.dossier,
        &input,
        &BTreeMap::new(),
        &[],
        &decision.event.actor,
        motcua_store::vietnam_day(now),
    )?;
    match charging {
        Some(c) if !c.orders.is_empty() => {
            let (d, orders) = state
                .store()
                .apply_charged(decision, c.orders, order_expiry(state, now), meta.request())
                .await?;
            metrics::counter!("motcua_payment_orders_total").increment(orders.len() as u64);
            Ok(d)
        }
        _ => Ok(state.store().apply(decision, meta.request()).await?),
    }
}

/// Charges a dossier that was received as it was filed (at the counter). The dossier
/// is already stored; a failure leaves it received without orders, and is the
/// officer's to see (the error is returned).
pub async fn charge_filed(
    state: &AppState,
    d: &Dossier,
    input: &FeeInput,
    meta: &Meta,
) -> ApiResult<Vec<Order>> {
    let Some(received) = d.received_at else {
        return Ok(Vec::new());
    };
    let charging = motcua_domain::fee::charge_dossier(
        &state.fees(),
        d,
        input,
        &BTreeMap::new(),
        &[],
        &d.created_by,
        motcua_store::vietnam_day(received),
    )?;
    match charging {
        Some(c) if !c.orders.is_empty() => Ok(state
            .store()
            .create_orders(
                d.code.as_str(),
                c.orders,
                received,
                order_expiry(state, received),
                &d.created_by,
                meta.request(),
            )
            .await?),
        _ => Ok(Vec::new()),
    }
}

/// What an officer states to charge a dossier after receipt.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChargeBody {
    /// Counted quantities by unit (`trang` → 5).
    #[serde(default)]
    pub quantities: BTreeMap<String, u32>,
    /// Exemption id.
    #[serde(default)]
    pub exemption: Option<String>,
    /// Amounts of variable lines, by line id.
    #[serde(default)]
    pub amounts: BTreeMap<String, i64>,
}

/// Charges the lines of a dossier's schedule not charged yet (a variable fee the
/// officer has now set, or fees the receipt could not count).
pub async fn charge_more(
    state: &AppState,
    subject: &Subject,
    d: &Dossier,
    body: &ChargeBody,
    meta: &Meta,
) -> ApiResult<Vec<Order>> {
    state.authorize(
        subject,
        motcua_domain::policy::Action::CollectFees,
        motcua_domain::policy::Resource::Agency(&d.receiving_agency),
    )?;
    let Some(received) = d.received_at else {
        return Err(ApiError::from(motcua_domain::DomainError::not_allowed(
            "hồ sơ chưa được tiếp nhận nên chưa tính phí, lệ phí",
            "fees are charged from receipt on",
        )));
    };
    let charged: Vec<String> = state
        .store()
        .orders_of(d.code.as_str())
        .await?
        .iter()
        .filter(|o| o.status != OrderStatus::Cancelled)
        .flat_map(|o| o.lines.iter().map(|l| l.line.clone()))
        .collect();
    let officer = officer_name(subject);
    let charging = motcua_domain::fee::charge_dossier(
        &state.fees(),
        d,
        &FeeInput {
            quantities: body.quantities.clone(),
            exemption: body.exemption.clone(),
        },
        &body.amounts,
        &charged,
        &officer,
        // The schedule in force at receipt: fees are those of that day.
        motcua_store::vietnam_day(received),
    )?;
    let Some(c) = charging.filter(|c| !c.orders.is_empty()) else {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "fee_nothing_to_charge",
            "Không còn khoản phí, lệ phí nào để tính cho hồ sơ này",
            "nothing left to charge",
        ));
    };
    let now = state.now();
    Ok(state
        .store()
        .create_orders(
            d.code.as_str(),
            c.orders,
            now,
            order_expiry(state, now),
            &officer,
            meta.request(),
        )
        .await?)
}

/// Whether a callback came to the notification address (may change state) or with the
/// citizen's browser (display only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackKind {
    /// Server-to-server notification.
    Ipn,
    /// The browser's return.
    Return,
}

/// What handling a callback found.
#[derive(Debug, Clone)]
pub struct CallbackResult {
    /// The answer for the gateway.
    pub outcome: IpnOutcome,
    /// The order, as it now stands.
    pub order: Option<Order>,
    /// The verified callback.
    pub callback: Option<Callback>,
}

fn payload_hash(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

async fn refuse(
    state: &AppState,
    gateway: &str,
    order: Option<&Order>,
    reason: &str,
    raw: &str,
    detail: serde_json::Value,
    meta: &Meta,
) {
    metrics::counter!("motcua_payment_callbacks_refused_total", "reason" => reason.to_owned())
        .increment(1);
    tracing::warn!(gateway, reason, order = ?order.map(|o| &o.reference), "payment callback refused");
    let event = PayEvent {
        at: state.now(),
        actor: format!("gateway:{gateway}"),
        source: "gateway".to_owned(),
        action: "callback_rejected".to_owned(),
        payload_hash: Some(payload_hash(raw)),
        detail: json!({ "reason": reason, "gateway": gateway, "detail": detail }),
    };
    if let Err(e) = state
        .store()
        .log_pay_event(order.map(|o| o.id), event, meta.request())
        .await
    {
        tracing::error!(error = %e, "refused callback not logged");
    }
}

/// Handles a gateway callback: verifies it, finds the order, and (for a
/// notification) records what it says, once.
pub async fn callback(
    state: &AppState,
    gateway_id: &str,
    params: &[(String, String)],
    raw: &str,
    kind: CallbackKind,
    meta: &Meta,
) -> ApiResult<CallbackResult> {
    let gateway = state
        .gateways()
        .get(gateway_id)
        .ok_or_else(|| gateway_not_found(gateway_id))?;
    let cb = match gateway.verify(params) {
        Ok(cb) => cb,
        Err(e) => {
            if kind == CallbackKind::Ipn {
                refuse(state, gateway_id, None, e.code(), raw, json!({}), meta).await;
            }
            let outcome = match e {
                motcua_pay::gateway::GatewayError::BadSignature => IpnOutcome::InvalidSignature,
                _ => IpnOutcome::Unknown,
            };
            return Ok(CallbackResult {
                outcome,
                order: None,
                callback: None,
            });
        }
    };
    // Twice: a concurrent change of the same order is retried once on fresh data.
    for _ in 0..2 {
        let Some(order) = state.store().order_by_reference(&cb.reference).await? else {
            if kind == CallbackKind::Ipn {
                refuse(
                    state,
                    gateway_id,
                    None,
                    "order_not_found",
                    raw,
                    json!({"reference": cb.reference}),
                    meta,
                )
                .await;
            }
            return Ok(CallbackResult {
                outcome: IpnOutcome::OrderNotFound,
                order: None,
                callback: Some(cb),
            });
        };
        let done = |outcome, order| {
            Ok(CallbackResult {
                outcome,
                order: Some(order),
                callback: Some(cb.clone()),
            })
        };
        if kind == CallbackKind::Return {
            return done(IpnOutcome::Confirmed, order);
        }
        if state
            .store()
            .credit_holder(cb.provider, &cb.provider_txn)
            .await?
            .is_some()
        {
            return done(IpnOutcome::AlreadyConfirmed, order);
        }
        let money_moved = cb.verdict.money_moved();
        if money_moved && order.status.payable() && cb.amount_vnd != order.balance() {
            refuse(
                state,
                gateway_id,
                Some(&order),
                "amount_mismatch",
                raw,
                json!({ "expected": order.balance(), "got": cb.amount_vnd, "txn": cb.provider_txn }),
                meta,
            )
            .await;
            return done(IpnOutcome::InvalidAmount, order);
        }
        if !order.status.payable() {
            if money_moved {
                // Money for an order already settled: logged for a refund, not credited.
                refuse(
                    state,
                    gateway_id,
                    Some(&order),
                    "order_closed",
                    raw,
                    json!({ "status": order.status.as_str(), "amount": cb.amount_vnd, "txn": cb.provider_txn }),
                    meta,
                )
                .await;
            }
            return done(IpnOutcome::AlreadyConfirmed, order);
        }
        let at = cb
            .paid_at
            .map(motcua_domain::time::from_local)
            .unwrap_or_else(|| state.now());
        let event = PayEvent {
            at: state.now(),
            actor: format!("gateway:{gateway_id}"),
            source: "gateway".to_owned(),
            action: String::new(),
            payload_hash: Some(payload_hash(raw)),
            detail: json!({
                "txn": cb.provider_txn,
                "response_code": cb.response_code,
                "bank": cb.bank_code,
                "amount": cb.amount_vnd,
            }),
        };
        let update = match cb.verdict {
            Verdict::Paid => {
                let credit = Credit {
                    method: PayMethod::Gateway,
                    provider: cb.provider.to_owned(),
                    provider_txn: cb.provider_txn.clone(),
                    amount: cb.amount_vnd,
                    at,
                    recorded_by: format!("gateway:{gateway_id}"),
                };
                let change = order.credit(&credit)?;
                OrderUpdate {
                    order: change.order,
                    credit: Some(credit),
                    event: PayEvent {
                        action: "credit".to_owned(),
                        ..event
                    },
                }
            }
            Verdict::Suspicious => OrderUpdate {
                order: order.hold()?,
                credit: None,
                event: PayEvent {
                    action: "hold".to_owned(),
                    ..event
                },
            },
            Verdict::Cancelled | Verdict::Failed | Verdict::Pending => {
                // Nothing moved: the order stays payable; the attempt is kept.
                let attempt = PayEvent {
                    action: format!("attempt_{}", verdict_name(cb.verdict)),
                    ..event
                };
                state
                    .store()
                    .log_pay_event(Some(order.id), attempt, meta.request())
                    .await?;
                return done(IpnOutcome::Confirmed, order);
            }
        };
        match state.store().update_order(update, meta.request()).await {
            Ok(saved) => {
                metrics::counter!("motcua_payments_credited_total", "gateway" => gateway_id.to_owned())
                    .increment(1);
                return done(IpnOutcome::Confirmed, saved);
            }
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(CallbackResult {
        outcome: IpnOutcome::Unknown,
        order: None,
        callback: Some(cb),
    })
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Paid => "paid",
        Verdict::Cancelled => "cancelled",
        Verdict::Failed => "failed",
        Verdict::Pending => "pending",
        Verdict::Suspicious => "suspicious",
    }
}

/// The signed address that takes the citizen to `gateway_id` to pay `order`'s balance.
pub fn checkout_url(
    state: &AppState,
    order: &Order,
    gateway_id: &str,
    client_ip: &str,
) -> ApiResult<String> {
    let gateway = state
        .gateways()
        .get(gateway_id)
        .ok_or_else(|| gateway_not_found(gateway_id))?;
    if !order.status.payable() || order.balance() <= 0 {
        return Err(FeeError::NotPayable {
            status: order.status,
        }
        .into());
    }
    let now = state.now();
    let minutes = i64::from(state.config().payments.checkout_minutes);
    let expires = (now + Duration::minutes(minutes)).min(order.expires_at.max(now));
    let info = motcua_pay::vietqr::purpose_ascii(&format!(
        "Thanh toan phi le phi ho so {}",
        order.dossier_code
    ))
    .unwrap_or_else(|_| order.reference.clone());
    let request = PayRequest {
        reference: order.reference.clone(),
        amount_vnd: order.balance(),
        order_info: info,
        return_url: format!(
            "{}/thanh-toan/ket-qua/{gateway_id}",
            state.config().public_url.trim_end_matches('/')
        ),
        client_ip: client_ip.to_owned(),
        created_at: motcua_domain::time::to_local(now),
        expires_at: motcua_domain::time::to_local(expires),
        locale: "vn".to_owned(),
    };
    gateway.checkout_url(&request).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            e.code(),
            e.message_vi(),
            e.to_string(),
        )
    })
}

/// A payment an officer records at the counter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterPayment {
    /// `pos`, `transfer` or `cash`.
    pub method: String,
    /// Amount, đồng.
    pub amount: i64,
    /// The POS slip number or the bank's transaction reference (not needed for cash).
    #[serde(default)]
    pub reference: Option<String>,
    /// The bank or acquirer (`VCB`, `counter`).
    #[serde(default)]
    pub provider: Option<String>,
}

/// The order of a dossier with `reference`, if the subject may see the dossier.
pub async fn order_of_dossier(
    state: &AppState,
    subject: &Subject,
    code: &str,
    reference: &str,
) -> ApiResult<(Dossier, Order)> {
    let d = crate::api::dossiers::visible(state, subject, code).await?;
    let order = state
        .store()
        .order_by_reference(reference)
        .await?
        .filter(|o| o.dossier_code == d.code.as_str())
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "payment_order_not_found",
                format!("Hồ sơ không có yêu cầu thanh toán {reference}"),
                format!("no payment order {reference} on this dossier"),
            )
        })?;
    Ok((d, order))
}

fn officer_name(subject: &Subject) -> String {
    match subject {
        Subject::Officer { username, .. } | Subject::Citizen { username } => username.clone(),
    }
}

/// Records a payment taken at the counter (POS slip, a transfer seen on the account,
/// cash), after checking the officer collects for the order's agency.
pub async fn record_counter_payment(
    state: &AppState,
    subject: &Subject,
    order: &Order,
    p: CounterPayment,
    meta: &Meta,
) -> ApiResult<Order> {
    state.authorize(
        subject,
        motcua_domain::policy::Action::CollectFees,
        motcua_domain::policy::Resource::Agency(&order.agency),
    )?;
    let method = match PayMethod::parse(&p.method) {
        Some(m) if m != PayMethod::Gateway => m,
        _ => {
            return Err(ApiError::from(motcua_domain::DomainError::invalid(
                "method",
                "Hình thức thanh toán phải là pos, transfer hoặc cash",
                "method must be pos, transfer or cash",
            )));
        }
    };
    let reference = p
        .reference
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let now = state.now();
    let provider_txn = match (method, reference) {
        (_, Some(r)) => r,
        (PayMethod::Cash, None) => format!("{}-{}", order.reference, now.timestamp_micros()),
        (_, None) => {
            return Err(ApiError::from(motcua_domain::DomainError::required(
                "reference",
                "số chuẩn chi (POS) hoặc mã giao dịch ngân hàng",
            )));
        }
    };
    let credit = Credit {
        method,
        provider: p
            .provider
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| format!("counter:{}", method.as_str())),
        provider_txn,
        amount: p.amount,
        at: now,
        recorded_by: officer_name(subject),
    };
    let change = order.credit(&credit)?;
    let update = OrderUpdate {
        order: change.order,
        credit: Some(credit),
        event: PayEvent {
            at: now,
            actor: officer_name(subject),
            source: "officer".to_owned(),
            action: "credit".to_owned(),
            payload_hash: None,
            detail: json!({ "method": method.as_str(), "overpaid": change.overpaid }),
        },
    };
    Ok(state.store().update_order(update, meta.request()).await?)
}

/// Cancels an unpaid order or records a refund.
pub async fn close_order(
    state: &AppState,
    subject: &Subject,
    order: &Order,
    refund: Option<(i64, String)>,
    reason: &str,
    meta: &Meta,
) -> ApiResult<Order> {
    let (action, next) = match &refund {
        Some((amount, _)) => {
            state.authorize(
                subject,
                motcua_domain::policy::Action::RefundFees,
                motcua_domain::policy::Resource::Agency(&order.agency),
            )?;
            ("refund", order.refund(*amount)?)
        }
        None => {
            state.authorize(
                subject,
                motcua_domain::policy::Action::CollectFees,
                motcua_domain::policy::Resource::Agency(&order.agency),
            )?;
            ("cancel", order.cancel()?)
        }
    };
    let update = OrderUpdate {
        order: next,
        credit: None,
        event: PayEvent {
            at: state.now(),
            actor: officer_name(subject),
            source: "officer".to_owned(),
            action: action.to_owned(),
            payload_hash: None,
            detail: json!({
                "reason": reason,
                "amount": refund.as_ref().map(|r| r.0),
                "reference": refund.as_ref().map(|r| r.1.clone()),
            }),
        },
    };
    Ok(state.store().update_order(update, meta.request()).await?)
}

/// Closes unpaid orders past their time (run periodically); returns how many.
pub async fn expire_due(state: &AppState) -> Result<usize, StoreError> {
    let now = state.now();
    let mut n = 0;
    for order in state.store().orders_past_due(now, 500).await? {
        let Ok(next) = order.expire(now) else {
            continue;
        };
        let update = OrderUpdate {
            order: next,
            credit: None,
            event: PayEvent {
                at: now,
                actor: "system".to_owned(),
                source: "system".to_owned(),
                action: "expire".to_owned(),
                payload_hash: None,
                detail: json!({}),
            },
        };
        match state.store().update_order(update, Default::default()).await {
            Ok(_) => n += 1,
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Whether an order counts as settled for the dossier (nothing more is owed).
pub fn settled(order: &Order) -> bool {
    matches!(
        order.status,
        OrderStatus::Paid
            | OrderStatus::Exempt
            | OrderStatus::Refunded
            | OrderStatus::PartiallyRefunded
    )
}

/// The reconciliation of `[from, to]`: every statement line held for those days
/// matched against the orders that could have been paid in them.
pub async fn reconcile_period(
    state: &AppState,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> ApiResult<motcua_pay::reconcile::Report> {
    let options = motcua_pay::reconcile::Options {
        period: Some(motcua_pay::reconcile::Period { from, to }),
        ..motcua_pay::reconcile::Options::default()
    };
    let lines = state.store().statement_lines(from, to).await?;
    // An order paid in the period was created at most `order_days` (plus the window)
    // before it.
    let back = i64::from(state.config().payments.order_days) + i64::from(options.window_days) + 1;
    let start = motcua_domain::time::from_local(
        (from - Duration::days(back))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let end = motcua_domain::time::from_local(
        (to + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let orders = state.store().orders_created(start, end).await?;
    let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let txns = state.store().gateway_txns(&ids).await?;
    let expected: Vec<motcua_pay::reconcile::Expected> = orders
        .iter()
        .filter(|o| o.account.is_some())
        .map(|o| motcua_pay::reconcile::Expected {
            order_id: o.id,
            reference: o.reference.clone(),
            dossier_code: o.dossier_code.clone(),
            agency: o.agency.clone(),
            account: o
                .account
                .as_ref()
                .map(|a| motcua_pay::statement::normalize_account(&a.number))
                .unwrap_or_default(),
            amount_due: o.amount_due,
            amount_paid: o.amount_paid,
            created: motcua_store::vietnam_day(o.created_at),
            expires: motcua_store::vietnam_day(o.expires_at),
            provider_txn: txns
                .iter()
                .find(|(id, _)| *id == o.id)
                .map(|(_, t)| t.clone()),
        })
        .collect();
    Ok(motcua_pay::reconcile::reconcile(
        &lines, &expected, &options,
    ))
}

/// What importing a statement did.
#[derive(Debug, Clone, Serialize)]
pub struct StatementResult {
    /// Lines in the file.
    pub lines: usize,
    /// New lines kept.
    pub added: usize,
    /// Lines held already.
    pub repeated: usize,
    /// Orders credited from the statement (transfers the officer had not recorded,
    /// gateway payments whose notification never came).
    pub credited: Vec<String>,
    /// The reconciliation of the file's days.
    pub report: motcua_pay::reconcile::Report,
}

/// Imports a statement (`source`: `bank`, or a gateway id for its daily file), keeps
/// its new lines, credits the orders its lines pay, and reconciles its days.
pub async fn import_statement(
    state: &AppState,
    subject: &Subject,
    source: &str,
    file_name: &str,
    bytes: &[u8],
    meta: &Meta,
) -> ApiResult<StatementResult> {
    let parsed = motcua_pay::statement::decode(bytes).and_then(|text| {
        if source == "bank" {
            motcua_pay::statement::parse_bank(text)
        } else {
            motcua_pay::statement::parse_gateway(source, text)
        }
    });
    let lines = parsed.map_err(statement_error)?;
    let (Some(from), Some(to)) = (
        lines.iter().map(|l| l.date).min(),
        lines.iter().map(|l| l.date).max(),
    ) else {
        return Err(statement_error(motcua_pay::statement::ImportErrors {
            errors: vec![],
            omitted: 0,
        }));
    };
    let actor = officer_name(subject);
    let count = lines.len();
    let kept = state
        .store()
        .save_statement_lines(lines, file_name, &actor, state.now(), meta.request())
        .await?;
    let report = reconcile_period(state, from, to).await?;
    let mut credited = Vec::new();
    for line in report.lines() {
        let motcua_pay::reconcile::LineResult::Matched { order_id } = line.result else {
            continue;
        };
        if let Some(reference) = credit_from_statement(state, order_id, &line.line, meta).await? {
            credited.push(reference);
        }
    }
    // Reconcile again so the report shows the orders just credited as paid.
    let report = if credited.is_empty() {
        report
    } else {
        reconcile_period(state, from, to).await?
    };
    Ok(StatementResult {
        lines: count,
        added: kept.added,
        repeated: kept.repeated,
        credited,
        report,
    })
}

fn statement_error(e: motcua_pay::statement::ImportErrors) -> ApiError {
    let first = e
        .errors
        .first()
        .map(|x| (x.code(), x.message_vi()))
        .unwrap_or((
            "statement_empty",
            "Tệp sao kê không có dòng giao dịch nào".to_owned(),
        ));
    let mut err = ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        first.0,
        first.1,
        e.to_string(),
    );
    for x in &e.errors {
        err = err.with_issue(motcua_domain::FieldIssue {
            field: format!("line.{}", x.line()),
            message: x.message_vi(),
            message_en: x.code().to_owned(),
        });
    }
    err
}

/// Credits an order from a matched statement line, unless that line's transaction is
/// recorded already or the order is settled; returns the order's reference if credited.
async fn credit_from_statement(
    state: &AppState,
    order_id: i64,
    line: &motcua_pay::statement::StatementLine,
    meta: &Meta,
) -> ApiResult<Option<String>> {
    if line.kind != motcua_pay::statement::Kind::Credit {
        return Ok(None);
    }
    let (method, provider) = match &line.source {
        motcua_pay::statement::Source::Bank => {
            (PayMethod::Transfer, format!("bank:{}", line.account))
        }
        motcua_pay::statement::Source::Gateway(g) => (PayMethod::Gateway, g.clone()),
    };
    if state
        .store()
        .credit_holder(&provider, &line.bank_ref)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    let orders = state.store().orders_by_id(&[order_id]).await?;
    let Some(order) = orders.first() else {
        return Ok(None);
    };
    if !order.status.payable() {
        return Ok(None);
    }
    let at = line
        .at
        .map(motcua_domain::time::from_local)
        .or_else(|| {
            line.date
                .and_hms_opt(12, 0, 0)
                .map(motcua_domain::time::from_local)
        })
        .unwrap_or_else(|| state.now());
    let credit = Credit {
        method,
        provider,
        provider_txn: line.bank_ref.clone(),
        amount: line.amount_vnd,
        at,
        recorded_by: "statement".to_owned(),
    };
    let Ok(change) = order.credit(&credit) else {
        return Ok(None);
    };
    let update = OrderUpdate {
        order: change.order,
        credit: Some(credit),
        event: PayEvent {
            at: state.now(),
            actor: "statement".to_owned(),
            source: "statement".to_owned(),
            action: "credit".to_owned(),
            payload_hash: None,
            detail: json!({ "line": line.line_no, "bank_ref": line.bank_ref }),
        },
    };
    match state.store().update_order(update, meta.request()).await {
        Ok(saved) => Ok(Some(saved.reference)),
        Err(StoreError::Conflict { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The e-receipt of a paid order (biên lai điện tử), or `None` while it has no number.
pub async fn e_receipt(
    state: &AppState,
    d: &Dossier,
    order: &Order,
) -> ApiResult<Option<motcua_render::payment::EReceipt>> {
    let (Some(receipt_no), Some(paid_at)) = (order.receipt_no.clone(), order.paid_at) else {
        return Ok(None);
    };
    let credits = state.store().credits_of(order.id).await?;
    let mut methods: Vec<PayMethod> = credits.iter().map(|c| c.method).collect();
    methods.dedup();
    let method = methods
        .iter()
        .map(|m| m.label_vi())
        .collect::<Vec<_>>()
        .join(", ");
    let directory = state.directory();
    let account = order.account.as_ref();
    Ok(Some(motcua_render::payment::EReceipt {
        receipt_no,
        agency_name: directory
            .agency(&order.agency)
            .map_or_else(|| order.agency.clone(), |a| a.name.clone()),
        agency_code: order.agency.clone(),
        account: motcua_render::payment::ReceiptAccount {
            holder: account.map(|a| a.holder.clone()).unwrap_or_default(),
            number: account.map(|a| a.number.clone()).unwrap_or_default(),
            bank: account
                .map(|a| {
                    let bank = bank_name(&a.bin).unwrap_or_else(|| a.bin.clone());
                    format!("{} — {bank}", a.kind.label_vi())
                })
                .unwrap_or_default(),
        },
        payer_name: d.applicant.name.clone(),
        payer_address: d.applicant.address.clone(),
        payer_id: d.applicant.id_number.clone(),
        dossier_code: d.code.to_string(),
        procedure_name: d.procedure_name.clone(),
        lines: order
            .lines
            .iter()
            .map(motcua_render::payment::ReceiptLine::from_charge)
            .collect(),
        exemptions: motcua_render::payment::ReceiptExemption::from_charges(&order.lines),
        total: order.lines.iter().map(|l| l.amount).sum(),
        method,
        provider_ref: credits.last().map(|c| c.provider_txn.clone()),
        paid_at,
        issued_at: paid_at,
        lookup_url: format!(
            "{}/tra-cuu/{}",
            state.config().public_url.trim_end_matches('/'),
            d.code
        ),
    }))
}

/// The e-receipt as PDF.
pub async fn e_receipt_pdf(state: &AppState, d: &Dossier, order: &Order) -> ApiResult<Vec<u8>> {
    let receipt = e_receipt(state, d, order).await?.ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "receipt_not_issued",
            "Yêu cầu thanh toán chưa được thanh toán đủ nên chưa có biên lai",
            "no receipt before the order is paid",
        )
    })?;
    let engine = state.engine();
    tokio::task::spawn_blocking(move || receipt.pdf(&engine))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}
