//! The portal behind one trait ([`NationalPortal`]) and its HTTP implementation
//! ([`HttpPortal`]): a bearer token bought with client credentials, then every
//! operation is `POST {base}/dvcqg` with `{service, madonvi, …}` (spec §1, §9).
//! The simulator in [`crate::sim`] speaks the same protocol, so tests and the demo
//! run this very code.

use futures::future::BoxFuture;
use motcua_domain::portal::{
    AgencyEntry, DossierRecord, MAX_STEPS_PER_CALL, ProcedureEntry, ProcessStep, Reply, SectorEntry,
};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::config::PortalConfig;
use crate::error::PortalError;
use crate::protocol::{SERVICE_PATH, is_updating_text, service};
use crate::token::TokenCache;

/// What [`NationalPortal::sync_dossier_upsert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UpsertOutcome {
    /// The portal did not have the dossier; it was inserted.
    Inserted,
    /// The portal had it ("đã tồn tại"); it was updated.
    Updated,
}

/// The national public-service portal (Cổng DVCQG), as the outbox, the inbox's
/// polling fallback and reconciliation use it.
pub trait NationalPortal: Send + Sync + std::fmt::Debug {
    /// `DongBoHoSoMC`: inserts (`is_updating` false) or updates a dossier. An insert
    /// of a dossier the portal has fails with [`PortalError::AlreadyExists`].
    fn sync_dossier<'a>(
        &'a self,
        record: &'a DossierRecord,
        is_updating: bool,
    ) -> BoxFuture<'a, Result<(), PortalError>>;

    /// `CapNhatTienDoHoSoMC`: appends process steps, at most
    /// [`MAX_STEPS_PER_CALL`] (more is refused before anything is sent).
    fn push_steps<'a>(&'a self, steps: &'a [ProcessStep])
    -> BoxFuture<'a, Result<(), PortalError>>;

    /// `TraCuuHoSo`: the portal's copy of a dossier, if it has one.
    fn lookup_dossier<'a>(
        &'a self,
        code: &'a str,
    ) -> BoxFuture<'a, Result<Option<DossierRecord>, PortalError>>;

    /// `LayDanhSachTTHC`: the procedure catalogue.
    fn procedures(&self) -> BoxFuture<'_, Result<Vec<ProcedureEntry>, PortalError>>;

    /// `LayThuTuc`: one procedure, if the portal knows the code.
    fn procedure<'a>(
        &'a self,
        code: &'a str,
    ) -> BoxFuture<'a, Result<Option<ProcedureEntry>, PortalError>>;

    /// `LayDanhMucCoQuan`: the agency catalogue.
    fn agencies(&self) -> BoxFuture<'_, Result<Vec<AgencyEntry>, PortalError>>;

    /// `LayDanhMucLinhVuc`: the sector catalogue.
    fn sectors(&self) -> BoxFuture<'_, Result<Vec<SectorEntry>, PortalError>>;

    /// Insert, and on "đã tồn tại" update: the portal ends with this record whatever
    /// it had. Insert first (not lookup first) because the common case — the first
    /// sync of a dossier — then costs one call, and because a lookup-then-write
    /// races with a retry of an insert whose answer was lost: the insert's own
    /// "exists" answer is the authoritative one.
    fn sync_dossier_upsert<'a>(
        &'a self,
        record: &'a DossierRecord,
    ) -> BoxFuture<'a, Result<UpsertOutcome, PortalError>> {
        Box::pin(async move {
            match self.sync_dossier(record, false).await {
                Ok(()) => Ok(UpsertOutcome::Inserted),
                Err(PortalError::AlreadyExists { .. }) => {
                    self.sync_dossier(record, true).await?;
                    Ok(UpsertOutcome::Updated)
                }
                Err(e) => Err(e),
            }
        })
    }
}

/// The portal over HTTP.
#[derive(Debug)]
pub struct HttpPortal {
    config: PortalConfig,
    http: reqwest::Client,
    token: TokenCache,
}

/// What one authorised POST brought back.
enum Sent {
    /// 401: the token was refused.
    Unauthorized,
    /// A 2xx body, read as JSON (or a success sentence).
    Body(Value),
}

impl HttpPortal {
    /// An adapter for `config`. Installs the TLS provider (reqwest is built without
    /// one in this tree).
    pub fn new(config: PortalConfig) -> Result<Self, PortalError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| PortalError::Config {
                detail: e.to_string(),
            })?;
        let token = TokenCache::new(&config);
        Ok(HttpPortal {
            config,
            http,
            token,
        })
    }

    /// The configuration in use.
    pub fn config(&self) -> &PortalConfig {
        &self.config
    }

    /// Calls one service: the body gets `service` and `madonvi`; on a 401 the token
    /// is refreshed once and the call repeated. Returns the whole JSON answer of a
    /// successful reply, or the refusal as [`PortalError::Rejected`].
    async fn call(&self, name: &str, mut body: Value) -> Result<Value, PortalError> {
        if let Value::Object(map) = &mut body {
            map.insert("service".into(), json!(name));
            map.insert("madonvi".into(), json!(self.config.madonvi));
        }
        let token = self.token.get(&self.http, None).await?;
        let answer = match self.send(&token, &body).await? {
            Sent::Body(v) => v,
            Sent::Unauthorized => {
                tracing::debug!(service = name, "portal token refused; refreshing once");
                let fresh = self.token.get(&self.http, Some(&token)).await?;
                match self.send(&fresh, &body).await? {
                    Sent::Body(v) => v,
                    Sent::Unauthorized => {
                        return Err(PortalError::Auth {
                            detail: "a fresh token was refused".into(),
                        });
                    }
                }
            }
        };
        let reply: Reply =
            serde_json::from_value(answer.clone()).map_err(|e| PortalError::Malformed {
                detail: format!("reply: {e}"),
            })?;
        if reply.error_code.trim().is_empty() {
            // A 2xx without the protocol's code: a proxy page or a half answer.
            Err(PortalError::Malformed {
                detail: excerpt(&answer.to_string()),
            })
        } else if reply.is_ok() {
            Ok(answer)
        } else {
            Err(PortalError::Rejected {
                error_code: reply.error_code,
                message: reply.message,
            })
        }
    }

    async fn send(&self, token: &str, body: &Value) -> Result<Sent, PortalError> {
        let url = format!("{}{SERVICE_PATH}", self.config.base());
        let response = self
            .http
            .post(url)
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if status == reqwest::StatusCode::UNAUTHORIZED {
            return Ok(Sent::Unauthorized);
        }
        let text = response.text().await.map_err(transport)?;
        if !status.is_success() {
            return Err(PortalError::HttpStatus {
                status: status.as_u16(),
                body: excerpt(&text),
            });
        }
        read_answer(&text).map(Sent::Body)
    }
}

/// A reqwest failure as ours.
pub(crate) fn transport(e: reqwest::Error) -> PortalError {
    if e.is_timeout() {
        PortalError::Timeout
    } else {
        PortalError::Transport {
            detail: e.to_string(),
        }
    }
}

/// The first 300 characters of a body, for logs.
pub(crate) fn excerpt(text: &str) -> String {
    text.chars().take(300).collect()
}

/// A 2xx body: the protocol's JSON, or — as [TD] saw for step updates — a plain
/// sentence whose success is that it says "thành công".
fn read_answer(text: &str) -> Result<Value, PortalError> {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(Value::String(s)) => read_answer_text(&s),
        Ok(_) | Err(_) => read_answer_text(text),
    }
}

fn read_answer_text(text: &str) -> Result<Value, PortalError> {
    if motcua_domain::text::fold(text).contains("thanh cong") {
        Ok(json!({"error_code": "0", "message": text}))
    } else {
        Err(PortalError::Malformed {
            detail: excerpt(text),
        })
    }
}

/// The `data` of an answer as a list: an array, one object, or nothing.
fn data_list<T: DeserializeOwned>(answer: &Value) -> Result<Vec<T>, PortalError> {
    let items = match answer.get("data") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
    };
    items
        .into_iter()
        .map(|v| {
            serde_json::from_value(v).map_err(|e| PortalError::Malformed {
                detail: format!("data: {e}"),
            })
        })
        .collect()
}

impl NationalPortal for HttpPortal {
    fn sync_dossier<'a>(
        &'a self,
        record: &'a DossierRecord,
        is_updating: bool,
    ) -> BoxFuture<'a, Result<(), PortalError>> {
        Box::pin(async move {
            let body = json!({"isUpdating": is_updating_text(is_updating), "data": [record]});
            match self.call(service::SYNC_DOSSIER, body).await {
                Ok(_) => Ok(()),
                Err(PortalError::Rejected {
                    error_code,
                    message,
                }) if !is_updating
                    && Reply {
                        error_code: error_code.clone(),
                        message: message.clone(),
                    }
                    .is_exists() =>
                {
                    Err(PortalError::AlreadyExists { message })
                }
                Err(e) => Err(e),
            }
        })
    }

    fn push_steps<'a>(
        &'a self,
        steps: &'a [ProcessStep],
    ) -> BoxFuture<'a, Result<(), PortalError>> {
        Box::pin(async move {
            if steps.len() > MAX_STEPS_PER_CALL {
                return Err(PortalError::TooManySteps {
                    count: steps.len(),
                    max: MAX_STEPS_PER_CALL,
                });
            }
            if steps.is_empty() {
                return Ok(());
            }
            self.call(service::PUSH_STEPS, json!({"data": steps}))
                .await
                .map(|_| ())
        })
    }

    fn lookup_dossier<'a>(
        &'a self,
        code: &'a str,
    ) -> BoxFuture<'a, Result<Option<DossierRecord>, PortalError>> {
        Box::pin(async move {
            let answer = self
                .call(service::LOOKUP_DOSSIER, json!({"mahoso": code}))
                .await?;
            Ok(data_list::<DossierRecord>(&answer)?.into_iter().next())
        })
    }

    fn procedures(&self) -> BoxFuture<'_, Result<Vec<ProcedureEntry>, PortalError>> {
        Box::pin(async move { data_list(&self.call(service::PROCEDURES, json!({})).await?) })
    }

    fn procedure<'a>(
        &'a self,
        code: &'a str,
    ) -> BoxFuture<'a, Result<Option<ProcedureEntry>, PortalError>> {
        Box::pin(async move {
            let answer = self
                .call(service::PROCEDURE, json!({"maTTHC": code}))
                .await?;
            Ok(data_list::<ProcedureEntry>(&answer)?.into_iter().next())
        })
    }

    fn agencies(&self) -> BoxFuture<'_, Result<Vec<AgencyEntry>, PortalError>> {
        Box::pin(async move { data_list(&self.call(service::AGENCIES, json!({})).await?) })
    }

    fn sectors(&self) -> BoxFuture<'_, Result<Vec<SectorEntry>, PortalError>> {
        Box::pin(async move { data_list(&self.call(service::SECTORS, json!({})).await?) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_in_json_or_as_a_success_sentence() {
        let v = read_answer(r#"{"error_code":"0","message":"Thành công"}"#).unwrap();
        assert_eq!(v["message"], "Thành công");
        let v = read_answer("Cập nhật tiến độ thành công").unwrap();
        assert_eq!(v["error_code"], "0");
        let v = read_answer(r#""Đồng bộ thành công""#).unwrap();
        assert_eq!(v["error_code"], "0");
        let e = read_answer("<html>Bad gateway</html>").unwrap_err();
        assert_eq!(e.code(), "portal_reply_malformed");
        assert!(e.is_retryable());
    }

    #[test]
    fn data_comes_as_a_list_an_object_or_nothing() {
        let one = json!({"data": {"MADONVI": "A", "TENDONVI": "B"}});
        assert_eq!(data_list::<AgencyEntry>(&one).unwrap().len(), 1);
        let many = json!({"data": [{"MADONVI": "A"}, {"MADONVI": "B"}]});
        assert_eq!(data_list::<AgencyEntry>(&many).unwrap().len(), 2);
        assert!(data_list::<AgencyEntry>(&json!({})).unwrap().is_empty());
        assert!(
            data_list::<AgencyEntry>(&json!({"data": null}))
                .unwrap()
                .is_empty()
        );
        let bad = json!({"data": [{"MADONVI": {"x": 1}}]});
        assert_eq!(
            data_list::<AgencyEntry>(&bad).unwrap_err().code(),
            "portal_reply_malformed"
        );
    }
}
