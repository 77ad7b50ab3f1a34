//! The bearer token: bought with client credentials at `{base}/auth/token`, kept
//! until shortly before it expires, and bought again when the portal refuses it.

use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::client::{excerpt, transport};
use crate::config::{CredentialStyle, PortalConfig};
use crate::error::PortalError;
use crate::protocol::TOKEN_PATH;

/// Longest margin before expiry at which a token is renewed.
const MARGIN: Duration = Duration::from_secs(30);

#[derive(Debug, Deserialize)]
struct TokenReply {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Debug)]
struct Cached {
    value: String,
    renew_at: Instant,
}

/// One token shared by all calls; the lock is held while buying one so that
/// concurrent callers wait for it instead of each buying their own.
#[derive(Debug)]
pub(crate) struct TokenCache {
    url: String,
    client_id: String,
    client_secret: String,
    style: CredentialStyle,
    cached: Mutex<Option<Cached>>,
}

impl TokenCache {
    pub(crate) fn new(config: &PortalConfig) -> Self {
        TokenCache {
            url: format!("{}{TOKEN_PATH}", config.base()),
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            style: config.credentials,
            cached: Mutex::new(None),
        }
    }

    /// A token to use: the cached one while fresh, unless it is `refused` (the one
    /// the portal just answered 401 to), else a new one.
    pub(crate) async fn get(
        &self,
        http: &reqwest::Client,
        refused: Option<&str>,
    ) -> Result<String, PortalError> {
        let mut cached = self.cached.lock().await;
        // A monotonic clock for a cache lifetime (not a business time, which the
        // caller passes in): tokio's, so paused-time tests could drive it.
        let now = Instant::now();
        if let Some(c) = cached.as_ref()
            && c.renew_at > now
            && refused != Some(c.value.as_str())
        {
            return Ok(c.value.clone());
        }
        let reply = self.buy(http).await?;
        let life = Duration::from_secs(reply.expires_in.unwrap_or(300));
        // Renew a little early: 30 s, or a fifth of a short life.
        let margin = MARGIN.min(life / 5);
        *cached = Some(Cached {
            value: reply.access_token.clone(),
            renew_at: now + life.saturating_sub(margin),
        });
        Ok(reply.access_token)
    }

    async fn buy(&self, http: &reqwest::Client) -> Result<TokenReply, PortalError> {
        let mut form = vec![("grant_type", "client_credentials")];
        let mut request = http.post(&self.url);
        match self.style {
            CredentialStyle::Basic => {
                request = request.basic_auth(&self.client_id, Some(&self.client_secret));
            }
            CredentialStyle::Form => {
                form.push(("client_id", self.client_id.as_str()));
                form.push(("client_secret", self.client_secret.as_str()));
            }
        }
        let response = request.form(&form).send().await.map_err(transport)?;
        let status = response.status();
        let text = response.text().await.map_err(transport)?;
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::BAD_REQUEST
        {
            return Err(PortalError::Auth {
                detail: excerpt(&text),
            });
        }
        if !status.is_success() {
            return Err(PortalError::HttpStatus {
                status: status.as_u16(),
                body: excerpt(&text),
            });
        }
        let reply: TokenReply =
            serde_json::from_str(&text).map_err(|e| PortalError::Malformed {
                detail: format!("token: {e}"),
            })?;
        if reply.access_token.trim().is_empty() {
            return Err(PortalError::Malformed {
                detail: "empty access_token".into(),
            });
        }
        Ok(reply)
    }
}
