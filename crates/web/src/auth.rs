//! Login with a local account (argon2 password hash) and bearer-token sessions. The
//! token is random; only its SHA-256 is stored, so a leaked database opens no session.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, FixedOffset};
use motcua_domain::token::Scope;
use motcua_domain::{Account, Subject};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::view::{AccountView, vn};

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// SHA-256 of a token (what the database keeps).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// `POST /api/v1/auth/login` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    username: String,
    password: String,
    /// The 6-digit code, for accounts with a second factor.
    #[serde(default)]
    otp: Option<String>,
}

/// Login answer.
#[derive(Debug, Serialize)]
pub struct LoginResponse {
    token: String,
    expires_at: DateTime<FixedOffset>,
    account: AccountView,
}

fn bad_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "Tên đăng nhập hoặc mật khẩu không đúng",
        "wrong username or password",
    )
}

/// Checks a username and password; the same answer for an unknown user and a wrong
/// password, and the same work, so timing does not tell which names exist.
pub async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &str,
    otp: Option<&str>,
    meta: &crate::api::Meta,
) -> ApiResult<Account> {
    let username = username.trim();
    if username.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "field_required",
            "Vui lòng nhập tên đăng nhập",
            "username is required",
        )
        .on_field("username"));
    }
    // Throttled before the password is even hashed: a locked key costs nothing.
    let now = state.now();
    let account_key = username.to_lowercase();
    let address_key = meta.ip().unwrap_or("unknown").to_owned();
    let locked = state.logins(|t| {
        t.account
            .check(&account_key, now)
            .and(t.address.check(&address_key, now))
    });
    if let Err(wait) = locked {
        let minutes = (wait.num_seconds() + 59) / 60;
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút."),
            format!("too many failed logins: try again in {minutes} minute(s)"),
        ));
    }
    let result = match verify_login(state, username, password).await {
        Ok(account) => second_factor(state, &account, otp, meta)
            .await
            .map(|()| account),
        Err(e) => Err(e),
    };
    state.logins(|t| match &result {
        Ok(_) => t.account.succeeded(&account_key),
        // The password was right; the code is still to come.
        Err(e) if e.code() == OTP_REQUIRED => {}
        Err(e) if e.status().is_client_error() => {
            t.account.failed(&account_key, now);
            t.address.failed(&address_key, now);
        }
        Err(_) => {}
    });
    result
}

/// The code of the answer "password right, now the 6-digit code".
pub const OTP_REQUIRED: &str = "otp_required";

/// For an officer with a confirmed second factor: the code must be given, valid now
/// and not used before.
async fn second_factor(
    state: &AppState,
    account: &Account,
    otp: Option<&str>,
    meta: &crate::api::Meta,
) -> ApiResult<()> {
    let Some(totp) = state.store().totp(&account.username).await? else {
        return Ok(());
    };
    if !totp.confirmed {
        return Ok(());
    }
    let Some(code) = otp.map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            OTP_REQUIRED,
            "Nhập mã xác thực 6 số từ ứng dụng xác thực trên điện thoại",
            "enter the 6-digit code from the authenticator app",
        )
        .on_field("otp"));
    };
    let secret = motcua_domain::totp::from_base32(&totp.secret).unwrap_or_default();
    let now = state.now();
    let accepted = match motcua_domain::totp::verify(&secret, code, now.timestamp(), totp.last_step)
    {
        Some(step) => {
            state
                .store()
                .totp_use(&account.username, step, now, meta.request())
                .await?
        }
        None => false,
    };
    if accepted { Ok(()) } else { Err(otp_invalid()) }
}

/// A wrong, stale or reused code.
pub fn otp_invalid() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "otp_invalid",
        "Mã xác thực không đúng hoặc đã được dùng",
        "wrong, expired or already used code",
    )
    .on_field("otp")
}

async fn verify_login(state: &AppState, username: &str, password: &str) -> ApiResult<Account> {
    let found = state.store().account_for_login(username).await?;
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$W3bqXp4R8fVVm9yC3c1wq3gq5S+q8J2bJvQ0xv6y0Ak";
    let phc = found
        .as_ref()
        .and_then(|(_, h)| h.clone())
        .unwrap_or_else(|| DUMMY.to_owned());
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(ApiError::internal)?;
    match found {
        Some((account, Some(_))) if ok => Ok(account),
        _ => Err(bad_credentials()),
    }
}

/// Opens a session for `account`; returns the token and its expiry.
pub async fn open_session(
    state: &AppState,
    account: &Account,
    meta: &crate::api::Meta,
) -> ApiResult<(String, chrono::DateTime<chrono::Utc>)> {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = URL_SAFE_NO_PAD.encode(raw);
    let now = state.now();
    let expires = now + state.config().session_ttl;
    state
        .store()
        .create_session(
            token_hash(&token),
            &account.username,
            now,
            expires,
            meta.request(),
        )
        .await?;
    Ok((token, expires))
}

/// Checks the password and opens a session.
pub async fn login(
    State(state): State<AppState>,
    meta: crate::api::Meta,
    body: crate::api::JsonBody<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let LoginRequest {
        username,
        password,
        otp,
    } = body.0;
    let account = check_credentials(&state, &username, &password, otp.as_deref(), &meta).await?;
    let (token, expires) = open_session(&state, &account, &meta).await?;
    Ok(Json(LoginResponse {
        token,
        expires_at: vn(expires),
        account: AccountView::from(&account),
    }))
}

/// The account behind a session token, if the session is alive.
pub async fn account_for_token(state: &AppState, token: &str) -> ApiResult<Option<Account>> {
    Ok(state
        .store()
        .session_account(&token_hash(token), state.now())
        .await?)
}

/// Ends a session.
pub async fn close_session(state: &AppState, token: &str) -> ApiResult<()> {
    Ok(state.store().delete_session(&token_hash(token)).await?)
}

/// The CSRF token that goes with a session token: derived from it, so it needs no
/// storage and cannot be guessed without the session cookie.
pub fn csrf_token(token: &str) -> String {
    hex::encode(Sha256::digest(format!("csrf|{token}").as_bytes()))
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Auth {
    /// Their account.
    pub account: Account,
    /// As a subject of the rules.
    pub subject: Subject,
    /// The session token it came with.
    token: String,
    /// For an API token: its ID (sessions have none).
    pub api_token: Option<String>,
}

/// API tokens read `mct_<id>_<secret>`: the prefix tells them from session tokens,
/// the ID names them in lists and logs without revealing the secret.
pub const API_TOKEN_PREFIX: &str = "mct_";

/// The scope a route needs when called with an API token; `None` for routes tokens
/// may not use at all (minting tokens, logging out, a citizen's data export). Routes
/// not listed are closed to tokens: a new route is denied until it is added here.
pub fn route_scope(method: &axum::http::Method, route: &str) -> Option<Option<Scope>> {
    use axum::http::Method;
    let read = *method == Method::GET || *method == Method::HEAD;
    let path = route.strip_prefix("/api/v1").unwrap_or(route);
    Some(match (read, path) {
        (true, "/me") => None,
        (
            true,
            "/dossiers"
            | "/dossiers/{code}"
            | "/dossiers/{code}/attachments"
            | "/dossiers/{code}/attachments/{id}"
            | "/dossiers/{code}/documents/{file}"
            | "/agencies/{agency}/register"
            | "/lookup/{code}",
        ) => Some(Scope::DossiersRead),
        (
            false,
            "/dossiers"
            | "/dossiers/{code}/actions/{action}"
            | "/dossiers/{code}/rating"
            | "/dossiers/{code}/attachments",
        ) => Some(Scope::DossiersWrite),
        (false, "/applicants/find") => Some(Scope::ApplicantsRead),
        (true, "/audit") => Some(Scope::AuditRead),
        _ => return None,
    })
}

fn token_refused(code: &'static str, vi: String, en: String) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, code, vi, en)
}

async fn from_api_token(state: &AppState, parts: &Parts, token: &str) -> ApiResult<Auth> {
    let (account, t) = state
        .store()
        .api_token_account(&token_hash(token), state.now())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "token_invalid",
                "Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi",
                "the API token is unknown, expired or revoked",
            )
        })?;
    let route = parts
        .extensions
        .get::<axum::extract::MatchedPath>()
        .map_or("", |m| m.as_str());
    match route_scope(&parts.method, route) {
        None => {
            return Err(token_refused(
                "token_not_allowed",
                "Mã truy cập tích hợp không dùng được cho chức năng này; hãy đăng nhập".to_owned(),
                format!("API tokens cannot be used for {} {route}", parts.method),
            ));
        }
        Some(Some(scope)) if !t.scopes.iter().any(|s| s == scope.as_str()) => {
            return Err(token_refused(
                "token_scope_missing",
                format!(
                    "Mã truy cập không có phạm vi \"{}\" ({})",
                    scope.as_str(),
                    scope.label_vi()
                ),
                format!("the token lacks scope {}", scope.as_str()),
            ));
        }
        Some(_) => {}
    }
    Ok(Auth {
        subject: Subject::from_account(&account),
        account,
        token: token.to_owned(),
        api_token: Some(t.id),
    })
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::unauthenticated)?;
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthenticated)?;
        if token.starts_with(API_TOKEN_PREFIX) {
            return from_api_token(state, parts, token).await;
        }
        let account = account_for_token(state, token)
            .await?
            .ok_or_else(ApiError::session_invalid)?;
        Ok(Auth {
            subject: Subject::from_account(&account),
            account,
            token: token.to_owned(),
            api_token: None,
        })
    }
}

/// `POST /api/v1/auth/logout`: ends this session.
pub async fn logout(State(state): State<AppState>, auth: Auth) -> ApiResult<StatusCode> {
    close_session(&state, &auth.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/auth/logout-all`: ends every session of the account, this one included.
pub async fn logout_all(
    State(state): State<AppState>,
    auth: Auth,
    meta: crate::api::Meta,
) -> ApiResult<Json<serde_json::Value>> {
    let n = state
        .store()
        .delete_sessions_of(&auth.account.username, state.now(), meta.request())
        .await?;
    Ok(Json(serde_json::json!({ "sessions_closed": n })))
}

/// `GET /api/v1/me`.
pub async fn me(auth: Auth) -> Json<AccountView> {
    Json(AccountView::from(&auth.account))
}
