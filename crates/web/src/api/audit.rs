//! The audit log for administrators: who did or looked at what, when, from where;
//! newest first, filtered by actor, target (a dossier code finds its files and papers
//! too), action and period.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset, NaiveDate};
use motcua_domain::Subject;
use motcua_store::AuditQuery;
use serde::{Deserialize, Serialize};

use crate::api::{Meta, QueryParams};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::view::vn;

/// Filters of `GET /api/v1/audit`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Username.
    #[serde(default)]
    pub actor: Option<String>,
    /// Target (a dossier code finds its children).
    #[serde(default)]
    pub target: Option<String>,
    /// Action.
    #[serde(default)]
    pub action: Option<String>,
    /// First day, `YYYY-MM-DD` (Vietnam time).
    #[serde(default)]
    pub from: Option<String>,
    /// Last day, included.
    #[serde(default)]
    pub to: Option<String>,
    /// Entries before this sequence number.
    #[serde(default)]
    pub before: Option<i64>,
    /// Page size, 1–500 (default 100).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One entry as shown.
#[derive(Debug, Serialize)]
pub struct AuditItem {
    /// Position in the chain.
    pub seq: i64,
    /// When (Vietnam time).
    pub at: DateTime<FixedOffset>,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub target: String,
    /// From where.
    pub ip: Option<String>,
    /// Details.
    pub details: serde_json::Value,
}

/// A page of entries.
#[derive(Debug, Serialize)]
pub struct AuditPage {
    /// Entries, newest first.
    pub items: Vec<AuditItem>,
    /// Pass as `before` for the next page (absent on the last page).
    pub next_before: Option<i64>,
}

/// Searches the log for an administrator; the search itself is recorded.
pub async fn search_audit(
    state: &AppState,
    subject: &Subject,
    p: &AuditParams,
    meta: &Meta,
) -> ApiResult<AuditPage> {
    state.authorize(
        subject,
        motcua_domain::policy::Action::SearchAudit,
        motcua_domain::policy::Resource::System,
    )?;
    let day = |s: &Option<String>, name: &str| -> ApiResult<Option<NaiveDate>> {
        match s.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_period",
                        format!("Ngày “{s}” không hợp lệ (định dạng YYYY-MM-DD)"),
                        format!("`{name}` must be a date YYYY-MM-DD"),
                    )
                }),
        }
    };
    let start = |d: NaiveDate| motcua_domain::time::from_local(d.and_time(chrono::NaiveTime::MIN));
    let limit = p.limit.unwrap_or(100).clamp(1, 500);
    let q = AuditQuery {
        actor: p.actor.clone(),
        target: p.target.as_deref().map(str::trim).map(str::to_owned),
        action: p.action.clone(),
        from: day(&p.from, "from")?.map(start),
        to: day(&p.to, "to")?.map(|d| start(d + chrono::Duration::days(1))),
        before: p.before,
        limit,
    };
    let entries = state.store().audit_search(&q).await?;
    if let Subject::Officer { username, .. } = subject {
        state
            .store()
            .record_access(
                username,
                "audit.search",
                p.target.as_deref().unwrap_or(""),
                serde_json::json!({"actor": p.actor, "action": p.action, "from": p.from, "to": p.to}),
                state.now(),
                meta.request(),
            )
            .await?;
    }
    let next_before = (entries.len() == limit as usize)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(AuditPage {
        items: entries
            .into_iter()
            .map(|e| AuditItem {
                seq: e.seq,
                at: vn(e.at),
                actor: e.actor,
                action: e.action,
                target: e.target,
                ip: e.ip,
                details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
            })
            .collect(),
        next_before,
    })
}

/// `GET /api/v1/audit`.
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    QueryParams(p): QueryParams<AuditParams>,
) -> ApiResult<Json<AuditPage>> {
    Ok(Json(search_audit(&state, &auth.subject, &p, &meta).await?))
}
