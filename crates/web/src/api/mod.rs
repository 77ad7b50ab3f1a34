//! The JSON API under `/api/v1`. Handlers read as a checklist: parse, check who may,
//! let the domain decide, store, answer.

pub mod applicants;
pub mod attachments;
pub mod audit;
pub mod documents;
pub mod dossiers;
pub mod export;
pub mod fees;
pub mod payments;
pub mod procedures;
pub mod processes;
pub mod stats;
pub mod system;
pub mod tokens;
pub mod totp;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use motcua_store::RequestMeta;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;

/// Where the request came from (for the audit log).
#[derive(Debug, Clone, Default)]
pub struct Meta {
    ip: Option<String>,
}

impl Meta {
    /// The client's address, when known.
    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }

    /// As the store wants it.
    pub fn request(&self) -> RequestMeta {
        RequestMeta {
            ip: self.ip.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Meta {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(Meta { ip })
    }
}

/// Records an officer's read of personal data (a dossier, a file, a paper, a register)
/// in the audit log before the data goes out. Citizens reading their own dossiers are
/// not recorded: the log is for who looked at someone else's data.
pub async fn audit_read(
    state: &AppState,
    subject: &motcua_domain::Subject,
    action: &str,
    target: &str,
    meta: &Meta,
) -> Result<(), ApiError> {
    let motcua_domain::Subject::Officer { username, .. } = subject else {
        return Ok(());
    };
    state
        .store()
        .record_access(
            username,
            action,
            target,
            serde_json::json!({}),
            state.now(),
            meta.request(),
        )
        .await?;
    Ok(())
}

/// A JSON body whose errors are answered in the API's error shape. An empty body
/// reads as `{}` so actions without data need no body.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = bytes::Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    e.status(),
                    "body_too_large",
                    "Dữ liệu gửi lên quá lớn (tối đa 2 MB; tệp đính kèm gửi riêng)",
                    "request body too large (2 MB at most; send files separately)",
                )
            } else {
                ApiError::invalid_json(e.body_text())
            }
        })?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        serde_json::from_slice(text)
            .map(JsonBody)
            .map_err(ApiError::invalid_json)
    }
}

/// Query parameters whose errors are answered in the API's error shape.
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<AppState> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded_from_str(query)
            .map(QueryParams)
            .map_err(ApiError::invalid_query)
    }
}

fn serde_urlencoded_from_str<T: DeserializeOwned>(query: &str) -> Result<T, String> {
    axum::extract::Query::<T>::try_from_uri(
        &format!("/?{query}")
            .parse()
            .map_err(|e: axum::http::uri::InvalidUri| e.to_string())?,
    )
    .map(|q| q.0)
    .map_err(|e| e.body_text())
}
