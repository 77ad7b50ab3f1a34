//! Dossiers: filing, reading, the queue, actions, rating, and the public lookup.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use motcua_domain::dossier::parse_action;
use motcua_domain::{Command, DomainError, Dossier, DossierCode, Status, Subject, SubmitRequest};
use serde::Deserialize;
use serde_json::Value;

use crate::api::{JsonBody, Meta, QueryParams};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::view::{DossierView, LookupView, SummaryView};

fn parse_code(code: &str) -> ApiResult<DossierCode> {
    DossierCode::parse(code).map_err(ApiError::from)
}

/// Loads a dossier the subject may see; anything else is "not found".
pub(crate) async fn visible(state: &AppState, subject: &Subject, code: &str) -> ApiResult<Dossier> {
    let code = parse_code(code)?;
    match state.store().dossier(code.as_str()).await? {
        Some(d)
            if state
                .authorize(
                    subject,
                    motcua_domain::policy::Action::View,
                    motcua_domain::policy::Resource::Dossier(&d),
                )
                .is_ok() =>
        {
            Ok(d)
        }
        _ => Err(DomainError::DossierNotFound {
            code: code.to_string(),
        }
        .into()),
    }
}

async fn view(state: &AppState, d: &Dossier) -> ApiResult<DossierView> {
    let report = motcua_domain::deadline::report(d, &state.calendar(), state.rules(), state.now())?;
    let attachments = state.store().attachments(d.code.as_str()).await?;
    Ok(DossierView::new(d, report.as_ref(), attachments))
}

/// `POST /api/v1/dossiers`: file online (citizen), at the counter (receiving
/// officer) or with help (any officer, channel `assisted`).
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    JsonBody(req): JsonBody<SubmitRequest>,
) -> ApiResult<(StatusCode, Json<DossierView>)> {
    let parts = state.parts();
    let dossier = motcua_domain::submit(req, &state.ctx(&auth.subject, &parts))?;
    let saved = state
        .store()
        .create_dossier(dossier, meta.request())
        .await?;
    metrics::counter!("motcua_dossiers_created_total", "channel" => saved.channel.as_str())
        .increment(1);
    if let Err(e) = crate::payments::charge_filed(
        &state,
        &saved,
        &motcua_domain::command::FeeInput::default(),
        &meta,
    )
    .await
    {
        // Acknowledged already: fees the counter could not count wait for
        // `POST /dossiers/{code}/fees`.
        tracing::warn!(dossier = %saved.code, code = e.code(), "fees not charged at filing");
    }
    let saved = crate::api::processes::auto_assign(&state, &auth.subject, &meta, saved).await;
    Ok((StatusCode::CREATED, Json(view(&state, &saved).await?)))
}

/// `GET /api/v1/dossiers/{code}`.
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path(code): Path<String>,
) -> ApiResult<Json<DossierView>> {
    let d = visible(&state, &auth.subject, &code).await?;
    crate::api::audit_read(
        &state,
        &auth.subject,
        "dossier.read",
        d.code.as_str(),
        &meta,
    )
    .await?;
    Ok(Json(view(&state, &d).await?))
}

/// Queue filters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    agency: Option<String>,
    #[serde(default)]
    due_before: Option<String>,
    #[serde(default)]
    procedure: Option<String>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    open: Option<bool>,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    per_page: Option<u32>,
}

/// A page of the queue.
#[derive(Debug, serde::Serialize)]
pub struct ListResult {
    items: Vec<SummaryView>,
    /// Exact up to 10 000; above that `total_capped` is true and `total` is 10 000.
    total: i64,
    total_capped: bool,
    page: u32,
    per_page: u32,
}

fn parse_due_before(text: &str) -> ApiResult<DateTime<Utc>> {
    if let Ok(t) = DateTime::<FixedOffset>::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    // A bare date means "before the start of that day", Vietnam time.
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| motcua_domain::time::from_local(d.and_hms_opt(0, 0, 0).unwrap_or_default()))
        .map_err(|_| {
            ApiError::from(DomainError::invalid(
                "due_before",
                format!("“{text}” không phải ngày (NNNN-TT-NN) hoặc thời điểm RFC 3339"),
                "due_before must be a date YYYY-MM-DD or an RFC 3339 time",
            ))
        })
}

/// `GET /api/v1/dossiers`: the officer's queue (their agencies), or the citizen's own
/// dossiers; open ones first, most urgent first; `open=true` leaves closed ones out.
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<ListResult>> {
    let mut filter = motcua_store::DossierFilter {
        page: q.page.unwrap_or(1),
        per_page: q.per_page.unwrap_or(50),
        ..Default::default()
    };
    match &auth.subject {
        Subject::Citizen { username } => filter.owner = Some(username.clone()),
        Subject::Officer { roles, .. } => {
            let admin = roles.iter().any(|r| r.role == motcua_domain::Role::Admin);
            if !admin {
                filter.scope_agencies = Some(
                    auth.subject
                        .agencies()
                        .into_iter()
                        .map(str::to_owned)
                        .collect(),
                );
            }
        }
    }
    if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
        filter.status = Some(Status::parse(s).ok_or_else(|| {
            ApiError::from(DomainError::invalid(
                "status",
                format!("Không có trạng thái “{s}”"),
                format!("unknown status {s:?}"),
            ))
        })?);
    }
    filter.agency = q.agency.filter(|s| !s.is_empty());
    filter.procedure = q.procedure.filter(|s| !s.is_empty());
    filter.assignee = q.assignee.filter(|s| !s.is_empty());
    filter.open_only = q.open.unwrap_or(false);
    if let Some(c) = q.channel.as_deref().filter(|s| !s.is_empty()) {
        if motcua_domain::Channel::parse(c).is_none() {
            return Err(DomainError::invalid(
                "channel",
                format!("Không có kênh “{c}”"),
                format!("unknown channel {c:?}"),
            )
            .into());
        }
        filter.channel = Some(c.to_owned());
    }
    if let Some(t) = q.due_before.as_deref().filter(|s| !s.is_empty()) {
        filter.due_before = Some(parse_due_before(t)?);
    }
    let page = state.store().list_dossiers(&filter).await?;
    let catalog = state.catalog();
    Ok(Json(ListResult {
        items: page
            .items
            .into_iter()
            .map(|s| {
                let name = catalog.get(&s.procedure_code).map(|p| p.name.clone());
                SummaryView::new(s, name)
            })
            .collect(),
        total: page.total,
        total_capped: page.total_capped,
        page: page.page,
        per_page: page.per_page,
    }))
}

async fn act(
    state: &AppState,
    auth: &Auth,
    meta: &Meta,
    code: &str,
    cmd: Command,
) -> ApiResult<Json<DossierView>> {
    let d = visible(state, &auth.subject, code).await?;
    let parts = state.parts();
    let action = cmd.kind();
    let decision = motcua_domain::decide(&d, cmd, &state.ctx(&auth.subject, &parts))?;
    let saved = crate::payments::apply_decision(state, decision, meta).await?;
    metrics::counter!("motcua_dossier_actions_total", "action" => action.as_str()).increment(1);
    let saved = crate::api::processes::auto_assign(state, &auth.subject, meta, saved).await;
    Ok(Json(view(state, &saved).await?))
}

/// `POST /api/v1/dossiers/{code}/actions/{action}`.
pub async fn action(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path((code, action)): Path<(String, String)>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<DossierView>> {
    let kind = parse_action(&action)?;
    let cmd = Command::parse(kind, &body)?;
    act(&state, &auth, &meta, &code, cmd).await
}

/// `POST /api/v1/dossiers/{code}/rating` `{level, comment}`.
pub async fn rating(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> ApiResult<Json<DossierView>> {
    let cmd = Command::parse(motcua_domain::ActionKind::Rate, &body)?;
    act(&state, &auth, &meta, &code, cmd).await
}

/// `GET /api/v1/lookup/{code}`: public, no login, no personal data.
pub async fn lookup(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<LookupView>> {
    let code = parse_code(&code)?;
    let d = state.store().dossier(code.as_str()).await?.ok_or_else(|| {
        ApiError::from(DomainError::DossierNotFound {
            code: code.to_string(),
        })
    })?;
    Ok(Json(LookupView::new(&d)))
}
