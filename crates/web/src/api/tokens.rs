//! API tokens for integrations: an officer (or an integration's service account)
//! makes a token with a name, scopes and an expiry, sees it once, lists and revokes
//! it. Only its SHA-256 is stored.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use motcua_domain::token::{Scope, check_days};
use motcua_domain::{DomainError, Subject};
use motcua_store::{ApiToken, NewApiToken};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::api::{JsonBody, Meta};
use crate::auth::{API_TOKEN_PREFIX, Auth, token_hash};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::view::vn;

/// `POST /api/v1/tokens` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
    scopes: Vec<String>,
    #[serde(default = "default_days")]
    expires_in_days: i64,
}

fn default_days() -> i64 {
    90
}

/// A token as listed.
#[derive(Debug, Serialize)]
pub struct TokenView {
    id: String,
    name: String,
    scopes: Vec<String>,
    created_at: chrono::DateTime<chrono::FixedOffset>,
    expires_at: chrono::DateTime<chrono::FixedOffset>,
    revoked_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    last_used_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        TokenView {
            id: t.id,
            name: t.name,
            scopes: t.scopes,
            created_at: vn(t.created_at),
            expires_at: vn(t.expires_at),
            revoked_at: t.revoked_at.map(vn),
            last_used_at: t.last_used_at.map(vn),
        }
    }
}

/// The answer to a creation: the token text, shown this once.
#[derive(Debug, Serialize)]
pub struct Created {
    token: String,
    #[serde(flatten)]
    view: TokenView,
}

/// Makes a token's ID and full text.
pub fn mint() -> (String, String) {
    let mut id = [0u8; 6];
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut id);
    rand::rng().fill_bytes(&mut secret);
    let id = hex::encode(id);
    let token = format!("{API_TOKEN_PREFIX}{id}_{}", URL_SAFE_NO_PAD.encode(secret));
    (id, token)
}

/// Checks a request for a token and what it will hold.
pub fn prepare(
    username: &str,
    name: &str,
    scopes: &[String],
    days: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(NewApiToken, String), DomainError> {
    let name = motcua_domain::text::clean(name)
        .ok_or_else(|| DomainError::required("name", "Tên mã truy cập"))?;
    if scopes.is_empty() {
        return Err(DomainError::required("scopes", "Phạm vi"));
    }
    let mut parsed = scopes
        .iter()
        .map(|s| Scope::parse(s.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    parsed.sort();
    parsed.dedup();
    let days = check_days(days)?;
    let (id, token) = mint();
    Ok((
        NewApiToken {
            id,
            token_hash: token_hash(&token),
            name: name.chars().take(100).collect(),
            username: username.to_owned(),
            scopes: parsed.iter().map(|s| s.as_str().to_owned()).collect(),
            expires_at: now + Duration::days(days),
        },
        token,
    ))
}

fn officers_only(auth: &Auth) -> ApiResult<()> {
    match auth.subject {
        Subject::Officer { .. } => Ok(()),
        Subject::Citizen { .. } => Err(DomainError::not_allowed(
            "chỉ tài khoản cán bộ hoặc tài khoản tích hợp được cấp mã truy cập",
            "only officer and integration accounts may hold API tokens",
        )
        .into()),
    }
}

/// `POST /api/v1/tokens`
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    body: JsonBody<NewToken>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    officers_only(&auth)?;
    let now = state.now();
    let b = body.0;
    let (new, token) = prepare(
        &auth.account.username,
        &b.name,
        &b.scopes,
        b.expires_in_days,
        now,
    )?;
    let saved = state
        .store()
        .create_api_token(new, &auth.account.username, now, meta.request())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            token,
            view: saved.into(),
        }),
    ))
}

/// `GET /api/v1/tokens`: the caller's tokens.
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<TokenView>>> {
    let tokens = state.store().api_tokens_of(&auth.account.username).await?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

/// `DELETE /api/v1/tokens/{id}`
pub async fn revoke(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    if state
        .store()
        .revoke_api_token(&id, &auth.account.username, state.now(), meta.request())
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "token_not_found",
            "Không có mã truy cập này (hoặc đã bị thu hồi)",
            "no such live token",
        ))
    }
}
