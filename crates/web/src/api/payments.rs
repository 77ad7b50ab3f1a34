//! Payments: a dossier's orders (with their VietQR payloads), checkout at a gateway,
//! the gateways' notifications, counter payments, cancellations and refunds, and the
//! figures of an agency's takings.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use motcua_domain::fee::OrderStatus;
use serde::{Deserialize, Serialize};

use crate::api::{JsonBody, Meta, QueryParams};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::payments::{
    CallbackKind, CounterPayment, OrderView, callback, checkout_url, close_order, order_of_dossier,
    record_counter_payment,
};
use crate::state::AppState;

/// A dossier's orders.
#[derive(Debug, Serialize)]
pub struct OrdersResult {
    /// Orders, oldest first.
    pub items: Vec<OrderView>,
    /// Still owed over all orders, đồng.
    pub balance: i64,
}

/// `GET /api/v1/dossiers/{code}/payments`.
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<OrdersResult>> {
    let d = crate::api::dossiers::visible(&state, &auth.subject, &code).await?;
    let orders = state.store().orders_of(d.code.as_str()).await?;
    let items: Vec<OrderView> = orders.iter().map(|o| OrderView::new(&state, o)).collect();
    let balance = orders
        .iter()
        .filter(|o| o.status.payable())
        .map(motcua_domain::fee::Order::balance)
        .sum();
    Ok(Json(OrdersResult { items, balance }))
}

/// `POST /api/v1/dossiers/{code}/fees` `{quantities, exemption, amounts}`: charges
/// what the receipt did not (a variable fee, a count of pages).
pub async fn charge(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<crate::payments::ChargeBody>,
) -> ApiResult<(StatusCode, Json<OrdersResult>)> {
    let d = crate::api::dossiers::visible(&state, &auth.subject, &code).await?;
    let made = crate::payments::charge_more(&state, &auth.subject, &d, &body, &meta).await?;
    let balance = made.iter().map(motcua_domain::fee::Order::balance).sum();
    Ok((
        StatusCode::CREATED,
        Json(OrdersResult {
            items: made.iter().map(|o| OrderView::new(&state, o)).collect(),
            balance,
        }),
    ))
}

/// Body of a checkout.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckoutBody {
    /// Gateway id (`vnpay`, `paygov`).
    pub gateway: String,
}

/// Where to send the browser.
#[derive(Debug, Serialize)]
pub struct CheckoutResult {
    /// The signed gateway address.
    pub url: String,
    /// The gateway.
    pub gateway: String,
}

/// `POST /api/v1/dossiers/{code}/payments/{reference}/checkout` `{gateway}`.
pub async fn checkout(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path((code, reference)): Path<(String, String)>,
    JsonBody(body): JsonBody<CheckoutBody>,
) -> ApiResult<Json<CheckoutResult>> {
    let (_, order) = order_of_dossier(&state, &auth.subject, &code, &reference).await?;
    let url = checkout_url(
        &state,
        &order,
        &body.gateway,
        meta.ip().unwrap_or("127.0.0.1"),
    )?;
    Ok(Json(CheckoutResult {
        url,
        gateway: body.gateway,
    }))
}

/// `POST /api/v1/dossiers/{code}/payments/{reference}/credits`: a payment taken at
/// the counter `{method: pos|transfer|cash, amount, reference, provider}`.
pub async fn credit(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path((code, reference)): Path<(String, String)>,
    JsonBody(body): JsonBody<CounterPayment>,
) -> ApiResult<Json<OrderView>> {
    let (_, order) = order_of_dossier(&state, &auth.subject, &code, &reference).await?;
    let saved = record_counter_payment(&state, &auth.subject, &order, body, &meta).await?;
    Ok(Json(OrderView::new(&state, &saved)))
}

/// Body of a cancellation or refund.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
    /// Refund: amount, đồng.
    #[serde(default)]
    pub amount: Option<i64>,
    /// Refund: the bank transfer's or gateway refund's reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// `POST /api/v1/dossiers/{code}/payments/{reference}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path((code, reference)): Path<(String, String)>,
    JsonBody(body): JsonBody<CloseBody>,
) -> ApiResult<Json<OrderView>> {
    let (_, order) = order_of_dossier(&state, &auth.subject, &code, &reference).await?;
    let reason = body.reason.unwrap_or_default();
    let saved = close_order(&state, &auth.subject, &order, None, &reason, &meta).await?;
    Ok(Json(OrderView::new(&state, &saved)))
}

/// `POST /api/v1/dossiers/{code}/payments/{reference}/refund` `{amount, reference, reason}`.
pub async fn refund(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path((code, reference)): Path<(String, String)>,
    JsonBody(body): JsonBody<CloseBody>,
) -> ApiResult<Json<OrderView>> {
    let (_, order) = order_of_dossier(&state, &auth.subject, &code, &reference).await?;
    let amount = body.amount.ok_or_else(|| {
        ApiError::from(motcua_domain::DomainError::required(
            "amount",
            "số tiền hoàn",
        ))
    })?;
    let transfer = body
        .reference
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| {
            ApiError::from(motcua_domain::DomainError::required(
                "reference",
                "mã giao dịch hoàn tiền",
            ))
        })?;
    let reason = body.reason.unwrap_or_default();
    let saved = close_order(
        &state,
        &auth.subject,
        &order,
        Some((amount, transfer)),
        &reason,
        &meta,
    )
    .await?;
    Ok(Json(OrderView::new(&state, &saved)))
}

/// Parses a query string into pairs, percent-decoded.
pub fn query_pairs(raw: &str) -> ApiResult<Vec<(String, String)>> {
    motcua_pay::sim::parse_query(&format!("?{raw}")).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "payment_callback_malformed",
            e.message_vi(),
            e.to_string(),
        )
    })
}

/// `GET /api/v1/payments/{gateway}/ipn`: the gateway's server-to-server notification.
/// Answers in the gateway's own format, with 200 even for a refusal (the gateway
/// reads the code in the body and stops retrying only on a definite answer).
pub async fn ipn(
    State(state): State<AppState>,
    meta: Meta,
    Path(gateway): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let raw = raw.unwrap_or_default();
    let params = query_pairs(&raw)?;
    let result = callback(&state, &gateway, &params, &raw, CallbackKind::Ipn, &meta).await?;
    let gw = state
        .gateways()
        .get(&gateway)
        .ok_or_else(|| ApiError::internal("gateway vanished"))?;
    let reply = gw.reply(result.outcome);
    Ok(([(header::CONTENT_TYPE, reply.content_type)], reply.body).into_response())
}

/// A gateway, as listed to citizens.
#[derive(Debug, Serialize)]
pub struct GatewayItem {
    /// Id to pass to checkout.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
}

/// `GET /api/v1/payments/gateways`.
pub async fn gateways(State(state): State<AppState>) -> Json<Vec<GatewayItem>> {
    Json(
        state
            .gateways()
            .all()
            .map(|g| GatewayItem {
                id: g.id(),
                name: g.name(),
            })
            .collect(),
    )
}

/// Query of the takings summary.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    /// First day (default today).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day, included (default `from`).
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// One agency (default: all the caller's).
    #[serde(default)]
    pub agency: Option<String>,
}

/// One account's takings.
#[derive(Debug, Serialize)]
pub struct TakingsLine {
    /// Agency.
    pub agency: String,
    /// Account.
    pub account: Option<String>,
    /// Method.
    pub method: &'static str,
    /// Method in Vietnamese.
    pub method_label: &'static str,
    /// Payments.
    pub count: i64,
    /// Sum, đồng.
    pub amount: i64,
}

/// An agency's cashless rate.
#[derive(Debug, Serialize)]
pub struct CashlessLine {
    /// Agency.
    pub agency: String,
    /// Orders paid.
    pub paid: i64,
    /// Of which without cash.
    pub cashless: i64,
    /// Percent, one decimal (`90.0`), none when nothing was paid.
    pub rate: Option<f64>,
}

/// The takings summary.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Unpaid orders (pending or partly paid) of the agencies.
    pub unpaid: Vec<OrderView>,
    /// Sum still owed, đồng.
    pub unpaid_amount: i64,
    /// What each account received, by method.
    pub takings: Vec<TakingsLine>,
    /// Cashless rate per agency.
    pub cashless: Vec<CashlessLine>,
}

/// The agencies whose takings the subject may read: `only` if allowed, else all of theirs.
pub fn takings_agencies(
    state: &AppState,
    subject: &motcua_domain::Subject,
    only: Option<&str>,
) -> ApiResult<Vec<String>> {
    let candidates: Vec<String> = match only {
        Some(a) => vec![a.to_owned()],
        None if subject.has_role_anywhere(motcua_domain::Role::Admin) => {
            state.directory().agencies.keys().cloned().collect()
        }
        None => subject.agencies().into_iter().map(str::to_owned).collect(),
    };
    let mut out = Vec::new();
    for a in candidates {
        let ok = state
            .authorize(
                subject,
                motcua_domain::policy::Action::ReadTakings,
                motcua_domain::policy::Resource::Agency(&a),
            )
            .is_ok();
        if ok {
            out.push(a);
        } else if only.is_some() {
            state.authorize(
                subject,
                motcua_domain::policy::Action::ReadTakings,
                motcua_domain::policy::Resource::Agency(&a),
            )?;
        }
    }
    Ok(out)
}

/// The summary for `agencies` over `[from, to]`.
pub async fn summary_of(
    state: &AppState,
    agencies: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Summary> {
    let start = motcua_domain::time::from_local(from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = motcua_domain::time::from_local(
        (to + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let unpaid_orders = state
        .store()
        .orders_by_status(
            agencies,
            &[
                OrderStatus::Pending,
                OrderStatus::PartiallyPaid,
                OrderStatus::UnderReview,
            ],
            500,
        )
        .await?;
    let unpaid_amount = unpaid_orders
        .iter()
        .map(motcua_domain::fee::Order::balance)
        .sum();
    let takings = state
        .store()
        .takings(agencies, start, end)
        .await?
        .into_iter()
        .map(|t| TakingsLine {
            agency: t.agency,
            account: t.account,
            method: t.method.as_str(),
            method_label: t.method.label_vi(),
            count: t.count,
            amount: t.amount,
        })
        .collect();
    let cashless = state
        .store()
        .cashless_counts(start, end)
        .await?
        .into_iter()
        .filter(|c| agencies.contains(&c.agency))
        .map(|c| CashlessLine {
            rate: motcua_domain::fee::cashless_per_mille(
                u64::try_from(c.cashless).unwrap_or(0),
                u64::try_from(c.paid).unwrap_or(0),
            )
            .map(|pm| pm as f64 / 10.0),
            agency: c.agency,
            paid: c.paid,
            cashless: c.cashless,
        })
        .collect();
    Ok(Summary {
        from,
        to,
        unpaid: unpaid_orders
            .iter()
            .map(|o| OrderView::new(state, o))
            .collect(),
        unpaid_amount,
        takings,
        cashless,
    })
}

/// `GET /api/v1/payments/summary?from&to&agency`: unpaid orders, takings per account
/// and method, cashless rate per agency.
pub async fn summary(
    State(state): State<AppState>,
    auth: Auth,
    QueryParams(q): QueryParams<SummaryQuery>,
) -> ApiResult<Json<Summary>> {
    let today = motcua_store::vietnam_day(state.now());
    let from = q.from.unwrap_or(today);
    let to = q.to.unwrap_or(from);
    let agencies = takings_agencies(&state, &auth.subject, q.agency.as_deref())?;
    Ok(Json(summary_of(&state, &agencies, from, to).await?))
}

/// What the expiry run did.
#[derive(Debug, Serialize)]
pub struct Expired {
    /// Orders closed.
    pub expired: usize,
}

/// `POST /api/v1/payments/expire` (administrators): closes unpaid orders past their
/// time now (the server also does it every few minutes).
pub async fn expire(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Expired>> {
    state.authorize(
        &auth.subject,
        motcua_domain::policy::Action::Administer,
        motcua_domain::policy::Resource::System,
    )?;
    let expired = crate::payments::expire_due(&state).await?;
    Ok(Json(Expired { expired }))
}

/// `GET /api/v1/dossiers/{code}/payments/{reference}/receipt.pdf`: the e-receipt.
pub async fn receipt(
    State(state): State<AppState>,
    auth: Auth,
    Path((code, reference)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (d, order) = order_of_dossier(&state, &auth.subject, &code, &reference).await?;
    let pdf = crate::payments::e_receipt_pdf(&state, &d, &order).await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response())
}
