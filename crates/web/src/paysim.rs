//! The payment gateways' simulators, served by this server when `[payments] simulator`
//! is on (the demo and the tests). Each speaks its gateway's protocol: it checks the
//! merchant's signed checkout exactly as the gateway would, shows a payment page, and
//! on the citizen's choice sends the signed notification (IPN) to our notification
//! address over HTTP, then sends the browser back to the return address with the same
//! signed fields. Faults can be asked for: the notification sent twice, not at all, or
//! after the browser's return.
//!
//! The page is the gateway's, not ours, so it is plain HTML built here rather than one
//! of the product's translated templates.

use axum::Router;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use motcua_pay::sim::{SimGateway, SimOutcome, callback_url};
use serde::Deserialize;

use crate::payments::{GatewayKind, sim_path};
use crate::state::AppState;

/// The simulator routes (none unless simulators are on).
pub fn routes(state: &AppState) -> Router<AppState> {
    if !state.config().payments.simulator {
        return Router::new();
    }
    Router::new()
        .route(sim_path(GatewayKind::Vnpay), get(vnpay_page))
        .route(sim_path(GatewayKind::Paygov), get(paygov_page))
        .route("/mo-phong/{gateway}/ket-thuc", post(settle))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title></head><body><main><h1>{t}</h1>{body}</main></body></html>",
        t = escape(title)
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

fn refused(title: &str, code: &str, message: &str) -> Response {
    let mut r = page(
        title,
        &format!(
            "<p role=\"alert\">{} (<code>{}</code>)</p>",
            escape(message),
            escape(code)
        ),
    );
    *r.status_mut() = StatusCode::BAD_REQUEST;
    r
}

async fn vnpay_page(state: State<AppState>, raw: RawQuery) -> Response {
    checkout_page(state, "vnpay", raw).await
}

async fn paygov_page(state: State<AppState>, raw: RawQuery) -> Response {
    checkout_page(state, "paygov", raw).await
}

fn sim_of<'a>(state: &'a AppState, id: &str) -> Option<&'a SimGateway> {
    state.gateways().sim(id)
}

async fn checkout_page(
    State(state): State<AppState>,
    id: &str,
    RawQuery(raw): RawQuery,
) -> Response {
    let title = format!("Cổng thanh toán mô phỏng — {id}");
    let Some(sim) = sim_of(&state, id) else {
        return refused(&title, "payment_gateway_not_found", "Không có cổng này");
    };
    let raw = raw.unwrap_or_default();
    let now = motcua_domain::time::to_local(state.now());
    let checkout = match sim.open_checkout(&format!("?{raw}"), now) {
        Ok(c) => c,
        Err(e) => return refused(&title, e.code(), &e.message_vi()),
    };
    let mut buttons = String::new();
    for outcome in SimOutcome::ALL {
        buttons.push_str(&format!(
            "<button type=\"submit\" name=\"outcome\" value=\"{}\">{}</button> ",
            outcome.as_str(),
            escape(outcome.label_vi())
        ));
    }
    let body = format!(
        "<p>Đây là cổng thanh toán mô phỏng dùng cho thử nghiệm: không có tiền thật.</p>\
         <dl><dt>Mã thanh toán</dt><dd id=\"reference\">{r}</dd>\
         <dt>Số tiền</dt><dd id=\"amount\">{a} đồng</dd>\
         <dt>Nội dung</dt><dd>{i}</dd></dl>\
         <form method=\"post\" action=\"/mo-phong/{id}/ket-thuc\">\
         <input type=\"hidden\" name=\"q\" value=\"{q}\">\
         <label>Gửi thông báo (IPN): <select name=\"delivery\">\
         <option value=\"normal\">bình thường</option>\
         <option value=\"twice\">gửi hai lần</option>\
         <option value=\"late\">sau khi trình duyệt quay về</option>\
         <option value=\"none\">không gửi</option></select></label> {buttons}</form>",
        r = escape(&checkout.reference),
        a = motcua_domain::fee::vnd(checkout.amount_vnd),
        i = escape(&checkout.order_info),
        q = escape(&raw),
    );
    page(&title, &body)
}

/// The simulated page's form.
#[derive(Debug, Deserialize)]
pub struct SettleForm {
    /// The checkout query, as received.
    q: String,
    /// What the citizen chose.
    outcome: String,
    /// How the notification is delivered: `normal`, `twice`, `late`, `none`.
    #[serde(default)]
    delivery: Option<String>,
}

async fn deliver(url: String) {
    crate::install_tls_provider();
    let client = match reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "simulator: no HTTP client");
            return;
        }
    };
    match client.get(&url).send().await {
        Ok(r) => {
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            tracing::info!(%status, body, "simulator: notification delivered");
        }
        Err(e) => tracing::warn!(error = %e, "simulator: notification not delivered"),
    }
}

async fn settle(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<SettleForm>,
) -> Response {
    let title = format!("Cổng thanh toán mô phỏng — {id}");
    let Some(sim) = sim_of(&state, &id) else {
        return refused(&title, "payment_gateway_not_found", "Không có cổng này");
    };
    let Some(outcome) = SimOutcome::parse(&form.outcome) else {
        return refused(&title, "payment_outcome_invalid", "Lựa chọn không hợp lệ");
    };
    let now = state.now();
    let checkout =
        match sim.open_checkout(&format!("?{}", form.q), motcua_domain::time::to_local(now)) {
            Ok(c) => c,
            Err(e) => return refused(&title, e.code(), &e.message_vi()),
        };
    // The gateway's transaction number: the time and a counter, unique in this process
    // even when the clock stands still (tests).
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 1000;
    let txn = (u64::try_from(now.timestamp()).unwrap_or(0) % 100_000_000) * 1000 + seq;
    let params = match sim.settle(&checkout, outcome, txn, motcua_domain::time::to_local(now)) {
        Ok(p) => p,
        Err(e) => return refused(&title, e.code(), &e.message_vi()),
    };
    let ipn = callback_url(
        &format!(
            "{}/api/v1/payments/{id}/ipn",
            state.config().public_url.trim_end_matches('/')
        ),
        &params,
    );
    match form.delivery.as_deref().unwrap_or("normal") {
        "none" => {}
        "late" => {
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
                deliver(ipn).await;
            });
        }
        "twice" => {
            deliver(ipn.clone()).await;
            deliver(ipn).await;
        }
        _ => deliver(ipn).await,
    }
    Redirect::to(&callback_url(&checkout.return_url, &params)).into_response()
}
