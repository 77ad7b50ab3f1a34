//! An officer's second factor: start (a new secret and its `otpauth://` address),
//! confirm with a first code, turn off with a current code.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_domain::{DomainError, Subject};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::api::{JsonBody, Meta};
use crate::auth::{Auth, otp_invalid};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The new secret, to put into an authenticator app.
#[derive(Debug, Serialize)]
pub struct Enrolment {
    /// Base32, for typing in by hand.
    pub secret: String,
    /// The address the QR code carries.
    pub otpauth_uri: String,
}

/// A code.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    code: String,
}

fn officers_only(subject: &Subject) -> ApiResult<()> {
    match subject {
        Subject::Officer { .. } => Ok(()),
        Subject::Citizen { .. } => Err(DomainError::not_allowed(
            "xác thực hai bước của công dân do hệ thống định danh (VNeID) đảm nhận",
            "citizens' second factor is the identity provider's (VNeID)",
        )
        .into()),
    }
}

/// Starts enrolment for `username` (shared by the API and the account page).
pub async fn begin(state: &AppState, subject: &Subject) -> ApiResult<Enrolment> {
    officers_only(subject)?;
    let mut secret = [0u8; 20];
    rand::rng().fill_bytes(&mut secret);
    let username = subject.username();
    if !state
        .store()
        .totp_begin(username, &motcua_domain::totp::base32(&secret), state.now())
        .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "totp_already_enabled",
            "Xác thực hai bước đang bật; hãy tắt trước khi đăng ký thiết bị mới",
            "the second factor is on; turn it off before enrolling a new device",
        ));
    }
    Ok(Enrolment {
        secret: motcua_domain::totp::base32(&secret),
        otpauth_uri: motcua_domain::totp::otpauth_uri("Một Cửa", username, &secret),
    })
}

/// Checks a code against the started or confirmed secret and records it (which
/// confirms enrolment).
pub async fn accept(state: &AppState, username: &str, code: &str, meta: &Meta) -> ApiResult<()> {
    let Some(t) = state.store().totp(username).await? else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "totp_not_started",
            "Chưa đăng ký xác thực hai bước",
            "no second factor was started",
        ));
    };
    let secret = motcua_domain::totp::from_base32(&t.secret).unwrap_or_default();
    let now = state.now();
    let step = motcua_domain::totp::verify(&secret, code, now.timestamp(), t.last_step)
        .ok_or_else(otp_invalid)?;
    if state
        .store()
        .totp_use(username, step, now, meta.request())
        .await?
    {
        Ok(())
    } else {
        Err(otp_invalid())
    }
}

/// `POST /api/v1/me/totp`
pub async fn start(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Enrolment>> {
    Ok(Json(begin(&state, &auth.subject).await?))
}

/// `POST /api/v1/me/totp/confirm`
pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    body: JsonBody<CodeBody>,
) -> ApiResult<StatusCode> {
    officers_only(&auth.subject)?;
    accept(&state, &auth.account.username, &body.0.code, &meta).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/me/totp/disable`: needs a current code, so a stolen session alone
/// cannot remove the second factor.
pub async fn disable(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    body: JsonBody<CodeBody>,
) -> ApiResult<StatusCode> {
    officers_only(&auth.subject)?;
    let username = &auth.account.username;
    accept(&state, username, &body.0.code, &meta).await?;
    state
        .store()
        .totp_disable(username, username, state.now(), meta.request())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
