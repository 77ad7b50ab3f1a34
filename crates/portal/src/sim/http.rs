//! The simulator's HTTP face: the protocol endpoints with fault injection in front,
//! and the admin endpoints under `/_sim`.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;

use super::inbound::InboundFile;
use super::state::{Fault, SimState};
use super::{Faults, citizens, dvcqg};
use crate::protocol::{CITIZEN_LOOKUP_PATH, SERVICE_PATH, TOKEN_PATH};

/// Every route.
pub(crate) fn router(state: SimState) -> Router {
    Router::new()
        .route(TOKEN_PATH, post(token))
        .route(SERVICE_PATH, post(service))
        .route(CITIZEN_LOOKUP_PATH, post(citizen_lookup))
        .route("/files/{id}", get(file))
        .route("/_sim/faults", get(get_faults).post(set_faults))
        .route("/_sim/dossiers", get(dossiers))
        .route("/_sim/deliveries", get(deliveries))
        .route("/_sim/stats", get(stats))
        .route("/_sim/deliver", post(deliver))
        .route("/_sim/flush", post(flush))
        .route("/_sim/revoke-tokens", post(revoke_tokens))
        .with_state(state)
}

/// Latency, then a 502 or a hang if the generator says so. `Ok` carries the fault
/// left to apply after the work (a lost reply).
async fn gate(state: &SimState, lose: bool) -> Result<Fault, Response> {
    let (fault, latency, hang) = {
        let mut inner = state.lock();
        let fault = inner.draw(lose);
        (fault, inner.faults.latency_ms, inner.faults.hang_ms)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    match fault {
        Fault::Fail502 => {
            Err((StatusCode::BAD_GATEWAY, "502 Bad Gateway (mô phỏng)").into_response())
        }
        Fault::Hang => {
            tokio::time::sleep(Duration::from_millis(hang)).await;
            Err((
                StatusCode::GATEWAY_TIMEOUT,
                "504 Gateway Timeout (mô phỏng)",
            )
                .into_response())
        }
        Fault::Pass | Fault::LoseReply => Ok(fault),
    }
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({"error": error}))).into_response()
}

/// Whether the request carries a live token.
fn authorised(state: &SimState, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let mut inner = state.lock();
    let now = state.now_with(&inner);
    let live = inner.tokens.get(token.trim()).is_some_and(|exp| *exp > now);
    if !live {
        inner.stats.unauthorized += 1;
    }
    live
}

fn unauthorized() -> Response {
    let mut r = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token");
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

/// `POST /auth/token`: client credentials in HTTP Basic or in the form.
async fn token(
    State(state): State<SimState>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = gate(&state, false).await {
        return r;
    }
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(a, b)| (a.to_owned(), b.to_owned())));
    let (id, secret) = basic.unwrap_or_else(|| {
        (
            form.get("client_id").cloned().unwrap_or_default(),
            form.get("client_secret").cloned().unwrap_or_default(),
        )
    });
    let s = &state.settings;
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        state.lock().stats.tokens_refused += 1;
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    if id != s.client_id || secret != s.client_secret {
        state.lock().stats.tokens_refused += 1;
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let ttl = s.token_ttl;
    let value = {
        let mut inner = state.lock();
        let n = inner.next_id();
        let noise: u64 = inner.rng.random();
        let value = format!("sim-{n}-{noise:016x}");
        let expires = state.now_with(&inner)
            + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1));
        inner.tokens.insert(value.clone(), expires);
        inner.stats.tokens_issued += 1;
        value
    };
    Json(json!({"access_token": value, "token_type": "Bearer", "expires_in": ttl.as_secs()}))
        .into_response()
}

/// `POST /dvcqg`.
async fn service(State(state): State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    let fault = match gate(&state, true).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    if !authorised(&state, &headers) {
        return unauthorized();
    }
    let answer = {
        let mut inner = state.lock();
        let now = state.now_with(&inner);
        dvcqg::handle(&state.settings, &mut inner, &body, now)
    };
    if fault == Fault::LoseReply {
        // The work is done and stored; the answer never reaches the caller.
        let hang = state.lock().faults.hang_ms;
        tokio::time::sleep(Duration::from_millis(hang)).await;
        return (
            StatusCode::GATEWAY_TIMEOUT,
            "504 Gateway Timeout (mô phỏng)",
        )
            .into_response();
    }
    Json(answer).into_response()
}

/// `POST /csdl-dancu/tra-cuu`.
async fn citizen_lookup(
    State(state): State<SimState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = gate(&state, false).await {
        return r;
    }
    if !authorised(&state, &headers) {
        return unauthorized();
    }
    state.lock().stats.citizen_lookups += 1;
    match citizens::lookup(&state.settings.citizens, &body) {
        Ok(xml) => Json(json!({"message": xml})).into_response(),
        Err(reason) => (StatusCode::BAD_REQUEST, Json(json!({"message": reason}))).into_response(),
    }
}

/// `GET /files/{id}`: a file of a delivered dossier, for our inbox to download.
async fn file(State(state): State<SimState>, Path(id): Path<String>) -> Response {
    let Some(f) = state.lock().files.get(&id).cloned() else {
        return (StatusCode::NOT_FOUND, "Không có tệp").into_response();
    };
    let mime = f.mime.unwrap_or_else(|| "application/octet-stream".into());
    let mut r = f.bytes.into_response();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

async fn get_faults(State(state): State<SimState>) -> Json<Faults> {
    Json(state.faults())
}

async fn set_faults(State(state): State<SimState>, Json(faults): Json<Faults>) -> Json<Faults> {
    state.set_faults(faults);
    Json(state.faults())
}

async fn dossiers(State(state): State<SimState>) -> Response {
    Json(state.dossiers()).into_response()
}

async fn deliveries(State(state): State<SimState>) -> Response {
    Json(state.deliveries()).into_response()
}

async fn stats(State(state): State<SimState>) -> Response {
    Json(state.stats()).into_response()
}

async fn revoke_tokens(State(state): State<SimState>) -> StatusCode {
    state.revoke_tokens();
    StatusCode::NO_CONTENT
}

/// A file for `POST /_sim/deliver`.
#[derive(Debug, Deserialize)]
struct DeliverFile {
    name: String,
    #[serde(default)]
    mime: Option<String>,
    #[serde(default)]
    component_code: Option<String>,
    content_base64: String,
}

/// `POST /_sim/deliver` body: "a citizen files on the national portal".
#[derive(Debug, Deserialize)]
struct DeliverRequest {
    record: motcua_domain::portal::DossierRecord,
    #[serde(default)]
    files: Vec<DeliverFile>,
}

async fn deliver(State(state): State<SimState>, Json(req): Json<DeliverRequest>) -> Response {
    let mut files = Vec::new();
    for f in req.files {
        let Ok(bytes) = STANDARD.decode(f.content_base64.trim()) else {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"message": format!("Tệp {} không phải base64", f.name)})),
            )
                .into_response();
        };
        files.push(InboundFile {
            name: f.name,
            mime: f.mime,
            component_code: f.component_code,
            bytes,
        });
    }
    Json(state.deliver(req.record, files).await).into_response()
}

async fn flush(State(state): State<SimState>) -> Response {
    Json(state.flush_deliveries().await).into_response()
}
