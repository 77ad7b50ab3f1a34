//! Payment pages: a dossier's fees (VietQR codes, online payment, the officer's
//! counter payments and charging), the page the gateway sends the browser back to,
//! the e-receipt, and the officer's takings and reconciliation page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use motcua_domain::fee::{Order, vnd};
use serde::Deserialize;

use crate::api::Meta;
use crate::payments::{CallbackKind, CounterPayment, OrderView};
use crate::state::AppState;
use crate::ui::citizen::qr_svg;
use crate::ui::{Ui, UiError, UiResult, forms, render, see_other};

fn api_err(ui: &Ui, e: impl Into<crate::error::ApiError>) -> UiError {
    UiError::from_api(ui, e.into())
}

use crate::ui::citizen::visible;

/// An order as the page shows it.
#[derive(Debug)]
pub struct OrderRow {
    reference: String,
    status: &'static str,
    status_label: &'static str,
    agency_name: String,
    amount_text: String,
    paid: i64,
    paid_text: String,
    balance: i64,
    account: String,
    purpose: String,
    receipt_no: Option<String>,
    lines: Vec<(String, String, String)>,
    payable: bool,
    qr_svg: String,
}

fn row(state: &AppState, o: &Order) -> OrderRow {
    let v = OrderView::new(state, o);
    let account = format!(
        "{} — {} — {}",
        v.account.clone().unwrap_or_default(),
        v.account_holder.clone().unwrap_or_default(),
        v.bank_name
            .clone()
            .or(v.account_kind.clone())
            .unwrap_or_default()
    );
    OrderRow {
        reference: v.reference.clone(),
        status: v.status,
        status_label: v.status_label,
        agency_name: v.agency_name.clone(),
        amount_text: format!("{} đồng", vnd(v.amount)),
        paid: v.amount_paid,
        paid_text: format!("{} đồng", vnd(v.amount_paid)),
        balance: v.balance,
        account,
        purpose: v.purpose.clone(),
        receipt_no: v.receipt_no.clone(),
        lines: v
            .lines
            .iter()
            .map(|l| {
                (
                    l.name.clone(),
                    l.quantity.clone().unwrap_or_default(),
                    format!("{} đồng", vnd(l.amount)),
                )
            })
            .collect(),
        payable: o.status.payable(),
        qr_svg: v.vietqr.as_deref().map(qr_svg).unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "payments.html")]
struct PaymentsPage<'a> {
    ui: &'a Ui,
    code: String,
    procedure: String,
    orders: Vec<OrderRow>,
    gateways: Vec<(&'static str, &'static str)>,
    can_collect: bool,
    /// Quantities and variable amounts the officer may still state: (field, label).
    awaiting: Vec<(String, String)>,
    flash: Option<String>,
    back: String,
}

/// Query of the payments page.
#[derive(Debug, Deserialize)]
pub struct FlashQuery {
    #[serde(default)]
    ok: Option<String>,
}

/// `GET /ho-so-cua-toi/{code}/thanh-toan`: a dossier's fees, for the applicant and
/// for officers who see the dossier.
pub async fn page(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
    Query(q): Query<FlashQuery>,
) -> UiResult<Response> {
    let d = visible(&state, &ui, &code).await?;
    let subject = ui.require_login()?;
    let orders = state
        .store()
        .orders_of(d.code.as_str())
        .await
        .map_err(|e| api_err(&ui, e))?;
    let can_collect = state
        .authorize(
            subject,
            motcua_domain::policy::Action::CollectFees,
            motcua_domain::policy::Resource::Agency(&d.receiving_agency),
        )
        .is_ok();
    // What the schedule counts on and the officer has not charged yet.
    let mut awaiting: Vec<(String, String)> = Vec::new();
    if can_collect && d.received_at.is_some() {
        let charged: Vec<&str> = orders
            .iter()
            .flat_map(|o| o.lines.iter().map(|l| l.line.as_str()))
            .collect();
        let book = state.fees();
        let day = motcua_store::vietnam_day(d.received_at.unwrap_or(d.submitted_at));
        if let Some(s) = book.schedule(&d.procedure_code, day) {
            for l in s.lines.iter().filter(|l| !charged.contains(&l.id.as_str())) {
                match &l.rate {
                    motcua_domain::fee::Rate::PerUnit { unit, per, .. } => {
                        for u in std::iter::once(unit).chain(per.iter()) {
                            let field = format!("so_luong.{u}");
                            if !awaiting.iter().any(|(f, _)| *f == field) {
                                awaiting.push((field, format!("{} ({u})", l.name)));
                            }
                        }
                    }
                    motcua_domain::fee::Rate::Variable { min, max } => awaiting.push((
                        format!("so_tien.{}", l.id),
                        format!("{} ({}–{} đồng)", l.name, vnd(*min), vnd(*max)),
                    )),
                    motcua_domain::fee::Rate::Fixed { .. } => {}
                }
            }
            if !awaiting.is_empty() {
                for e in &s.exemptions {
                    if !awaiting.iter().any(|(f, _)| f == "mien_giam") {
                        awaiting.push(("mien_giam".to_owned(), e.name.clone()));
                    }
                }
            }
        }
    }
    let back = if ui.is_officer() {
        format!("/can-bo/ho-so/{}", d.code)
    } else {
        format!("/ho-so-cua-toi/{}", d.code)
    };
    let flash = q.ok.as_deref().map(|k| match k {
        "charged" => ui.tr.t("pay-charged"),
        _ => ui.tr.t("pay-recorded"),
    });
    render(
        &ui,
        &PaymentsPage {
            ui: &ui,
            code: d.code.to_string(),
            procedure: d.procedure_name.clone(),
            orders: orders.iter().map(|o| row(&state, o)).collect(),
            gateways: state.gateways().all().map(|g| (g.id(), g.name())).collect(),
            can_collect,
            awaiting,
            flash,
            back,
        },
    )
}

/// `POST /ho-so-cua-toi/{code}/thanh-toan/{reference}`: to the chosen gateway.
pub async fn checkout(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path((code, reference)): Path<(String, String)>,
    body: Bytes,
) -> UiResult<Response> {
    let posted = forms::pairs(&body);
    ui.check_csrf(forms::get(&posted, "_csrf"))?;
    let subject = ui.require_login()?;
    let (_, order) = crate::payments::order_of_dossier(&state, subject, &code, &reference)
        .await
        .map_err(|e| api_err(&ui, e))?;
    let url = crate::payments::checkout_url(
        &state,
        &order,
        forms::get(&posted, "gateway"),
        meta.ip().unwrap_or("127.0.0.1"),
    )
    .map_err(|e| api_err(&ui, e))?;
    Ok(see_other(&url))
}

/// `POST /can-bo/ho-so/{code}/thu-phi/{reference}`: a counter payment.
pub async fn record(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path((code, reference)): Path<(String, String)>,
    body: Bytes,
) -> UiResult<Response> {
    let posted = forms::pairs(&body);
    ui.check_csrf(forms::get(&posted, "_csrf"))?;
    let subject = ui.require_login()?;
    let (d, order) = crate::payments::order_of_dossier(&state, subject, &code, &reference)
        .await
        .map_err(|e| api_err(&ui, e))?;
    let amount =
        motcua_pay::statement::parse_amount(forms::get(&posted, "amount")).ok_or_else(|| {
            api_err(
                &ui,
                motcua_domain::DomainError::invalid(
                    "amount",
                    "Số tiền phải là số đồng, ví dụ 50000 hoặc 50.000",
                    "amount must be whole đồng",
                ),
            )
        })?;
    let payment = CounterPayment {
        method: forms::get(&posted, "method").to_owned(),
        amount,
        reference: Some(forms::get(&posted, "reference").to_owned()),
        provider: None,
    };
    crate::payments::record_counter_payment(&state, subject, &order, payment, &meta)
        .await
        .map_err(|e| api_err(&ui, e))?;
    Ok(see_other(&format!(
        "/ho-so-cua-toi/{}/thanh-toan?ok=paid",
        d.code
    )))
}

/// `POST /can-bo/ho-so/{code}/tinh-phi`: charges what the receipt did not count.
pub async fn charge(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(code): Path<String>,
    body: Bytes,
) -> UiResult<Response> {
    let posted = forms::pairs(&body);
    ui.check_csrf(forms::get(&posted, "_csrf"))?;
    let subject = ui.require_login()?;
    let d = visible(&state, &ui, &code).await?;
    let mut req = crate::payments::ChargeBody::default();
    for (k, v) in &posted {
        let v = v.trim();
        if let Some(unit) = k.strip_prefix("so_luong.")
            && let Ok(n) = v.parse::<u32>()
        {
            req.quantities.insert(unit.to_owned(), n);
        } else if let Some(line) = k.strip_prefix("so_tien.")
            && let Some(n) = motcua_pay::statement::parse_amount(v)
        {
            req.amounts.insert(line.to_owned(), n);
        }
    }
    let exemption = forms::get(&posted, "mien_giam").trim();
    req.exemption = (!exemption.is_empty()).then(|| exemption.to_owned());
    crate::payments::charge_more(&state, subject, &d, &req, &meta)
        .await
        .map_err(|e| api_err(&ui, e))?;
    Ok(see_other(&format!(
        "/ho-so-cua-toi/{}/thanh-toan?ok=charged",
        d.code
    )))
}

/// `GET /ho-so-cua-toi/{code}/bien-lai/{reference}.pdf`: the e-receipt.
pub async fn receipt_pdf(
    State(state): State<AppState>,
    ui: Ui,
    Path((code, file)): Path<(String, String)>,
) -> UiResult<Response> {
    let subject = ui.require_login()?;
    let reference = file.strip_suffix(".pdf").unwrap_or(&file);
    let (d, order) = crate::payments::order_of_dossier(&state, subject, &code, reference)
        .await
        .map_err(|e| api_err(&ui, e))?;
    let pdf = crate::payments::e_receipt_pdf(&state, &d, &order)
        .await
        .map_err(|e| api_err(&ui, e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"bien-lai-{}.pdf\"", order.reference),
            ),
        ],
        pdf,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "payment_return.html")]
struct ReturnPage<'a> {
    ui: &'a Ui,
    status: &'static str,
    message: String,
    reference: Option<String>,
    amount: Option<String>,
    code: Option<String>,
    again: String,
}

/// `GET /thanh-toan/ket-qua/{gateway}`: where the gateway sends the browser back.
/// Display only: the notification, not this page, records the payment; when the
/// browser is faster than the notification the page says so and offers a reload.
pub async fn back(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(gateway): Path<String>,
    RawQuery(raw): RawQuery,
) -> UiResult<Response> {
    let raw = raw.unwrap_or_default();
    let again = format!("/thanh-toan/ket-qua/{gateway}?{raw}");
    let params = crate::api::payments::query_pairs(&raw).map_err(|e| api_err(&ui, e))?;
    let result =
        crate::payments::callback(&state, &gateway, &params, &raw, CallbackKind::Return, &meta)
            .await
            .map_err(|e| api_err(&ui, e))?;
    let (status, key) = match (&result.order, &result.callback) {
        (Some(o), _) if crate::payments::settled(o) => ("paid", "pay-return-paid"),
        (Some(_), Some(cb)) if cb.verdict == motcua_pay::gateway::Verdict::Paid => {
            ("pending", "pay-return-pending")
        }
        (Some(_), Some(_)) => ("failed", "pay-return-failed"),
        _ => ("invalid", "pay-return-invalid"),
    };
    render(
        &ui,
        &ReturnPage {
            ui: &ui,
            status,
            message: ui.tr.t(key),
            reference: result.order.as_ref().map(|o| o.reference.clone()),
            amount: result
                .order
                .as_ref()
                .map(|o| format!("{} đồng", vnd(o.amount_due))),
            code: result.order.as_ref().map(|o| o.dossier_code.clone()),
            again,
        },
    )
}

#[derive(Template)]
#[template(path = "takings.html")]
struct TakingsPage<'a> {
    ui: &'a Ui,
    from: NaiveDate,
    to: NaiveDate,
    takings: Vec<(String, String, String, i64, String)>,
    cashless: Vec<(String, i64, i64, String)>,
    unpaid: Vec<(String, String, String, String)>,
    unpaid_amount: String,
    gateways: Vec<(&'static str, &'static str)>,
    report: Vec<(String, NaiveDate, String, String, String)>,
    exceptions: Vec<(NaiveDate, String, String, String, String)>,
    result: Option<String>,
}

/// Query of the takings page.
#[derive(Debug, Deserialize)]
pub struct TakingsQuery {
    #[serde(default)]
    from: Option<NaiveDate>,
    #[serde(default)]
    to: Option<NaiveDate>,
}

fn tally(t: &motcua_pay::reconcile::Tally) -> String {
    format!("{} ({} đồng)", t.count, vnd(t.sum_vnd))
}

async fn takings_page(
    state: &AppState,
    ui: &Ui,
    from: NaiveDate,
    to: NaiveDate,
    result: Option<String>,
) -> UiResult<Response> {
    let subject = ui.require_login()?;
    let agencies =
        crate::api::payments::takings_agencies(state, subject, None).map_err(|e| api_err(ui, e))?;
    if agencies.is_empty() {
        return Err(UiError::forbidden(ui));
    }
    let summary = crate::api::payments::summary_of(state, &agencies, from, to)
        .await
        .map_err(|e| api_err(ui, e))?;
    let report = crate::payments::reconcile_period(state, from, to)
        .await
        .map_err(|e| api_err(ui, e))?;
    let directory = state.directory();
    let name = |code: &str| {
        directory
            .agency(code)
            .map_or_else(|| code.to_owned(), |a| a.name.clone())
    };
    let mut rows = Vec::new();
    for a in &report.accounts {
        for d in &a.days {
            rows.push((
                a.account.clone(),
                d.date,
                tally(&d.totals.matched),
                tally(&d.totals.mismatched),
                tally(&d.totals.unmatched),
            ));
        }
    }
    let exceptions = report
        .lines()
        .filter(|l| {
            matches!(
                l.result,
                motcua_pay::reconcile::LineResult::Mismatched { .. }
                    | motcua_pay::reconcile::LineResult::Unmatched { .. }
            )
        })
        .map(|l| {
            (
                l.line.date,
                l.line.account.clone(),
                format!("{} đồng", vnd(l.line.amount_vnd)),
                l.line.description.clone(),
                l.result.message_vi(),
            )
        })
        .collect();
    render(
        ui,
        &TakingsPage {
            ui,
            from,
            to,
            takings: summary
                .takings
                .iter()
                .map(|t| {
                    (
                        name(&t.agency),
                        t.account.clone().unwrap_or_default(),
                        t.method_label.to_owned(),
                        t.count,
                        format!("{} đồng", vnd(t.amount)),
                    )
                })
                .collect(),
            cashless: summary
                .cashless
                .iter()
                .map(|c| {
                    (
                        name(&c.agency),
                        c.paid,
                        c.cashless,
                        c.rate
                            .map_or_else(|| "—".to_owned(), |r| format!("{r:.1}%")),
                    )
                })
                .collect(),
            unpaid: summary
                .unpaid
                .iter()
                .map(|o| {
                    (
                        o.dossier_code.clone(),
                        o.reference.clone(),
                        o.status_label.to_owned(),
                        format!("{} đồng", vnd(o.balance)),
                    )
                })
                .collect(),
            unpaid_amount: vnd(summary.unpaid_amount),
            gateways: state.gateways().all().map(|g| (g.id(), g.name())).collect(),
            report: rows,
            exceptions,
            result,
        },
    )
}

/// `GET /can-bo/thu-phi`: what my agencies' accounts received, what is unpaid, the
/// cashless rate, and the reconciliation of the period.
pub async fn takings(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<TakingsQuery>,
) -> UiResult<Response> {
    let today = motcua_store::vietnam_day(state.now());
    let from = q.from.unwrap_or(today);
    let to = q.to.unwrap_or(from).max(from);
    takings_page(&state, &ui, from, to, None).await
}

/// `POST /can-bo/thu-phi/sao-ke`: imports a statement file and shows its days.
pub async fn import(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    mut multipart: Multipart,
) -> UiResult<Response> {
    let subject = ui.require_login()?.clone();
    let (mut csrf, mut source, mut name, mut bytes) = (
        String::new(),
        "bank".to_owned(),
        "sao-ke.csv".to_owned(),
        Vec::new(),
    );
    while let Ok(Some(field)) = multipart.next_field().await {
        let field_name = field.name().unwrap_or_default().to_owned();
        match field_name.as_str() {
            "_csrf" => csrf = field.text().await.unwrap_or_default(),
            "source" => source = field.text().await.unwrap_or_default(),
            "file" => {
                if let Some(f) = field.file_name() {
                    name = f.to_owned();
                }
                bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
            _ => {}
        }
    }
    ui.check_csrf(&csrf)?;
    let result = crate::payments::import_statement(&state, &subject, &source, &name, &bytes, &meta)
        .await
        .map_err(|e| api_err(&ui, e))?;
    let from = result
        .report
        .period
        .as_ref()
        .map_or_else(|| motcua_store::vietnam_day(state.now()), |p| p.from);
    let to = result.report.period.as_ref().map_or(from, |p| p.to);
    let message = ui.tr.t2(
        "takings-imported",
        "added",
        i64::try_from(result.added).unwrap_or(0),
        "credited",
        i64::try_from(result.credited.len()).unwrap_or(0),
    );
    takings_page(&state, &ui, from, to, Some(message)).await
}
