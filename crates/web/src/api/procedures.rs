//! The public procedure catalog: accent-insensitive search and details.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};

use crate::api::QueryParams;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::view::{ProcedureSummary, ProcedureView};

/// Search parameters.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    limit: Option<usize>,
}

/// Search results.
#[derive(Debug, Serialize)]
pub struct SearchResult {
    items: Vec<ProcedureSummary>,
    total: usize,
}

/// `GET /api/v1/procedures?q=`.
pub async fn search(
    State(state): State<AppState>,
    QueryParams(q): QueryParams<SearchQuery>,
) -> Json<SearchResult> {
    let catalog = state.catalog();
    let today = motcua_domain::dossier::local_day(state.now());
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let hits = catalog.search(q.q.as_deref().unwrap_or(""), usize::MAX);
    let total = hits.len();
    let items = hits
        .into_iter()
        .filter_map(|p| ProcedureSummary::of(p, today))
        .take(limit)
        .collect();
    Json(SearchResult { items, total })
}

/// `GET /api/v1/procedures/{code}`.
pub async fn get(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<ProcedureView>> {
    let catalog = state.catalog();
    let today = motcua_domain::dossier::local_day(state.now());
    let p = catalog.get(&code).ok_or_else(|| {
        ApiError::from(motcua_domain::DomainError::UnknownProcedure { code: code.clone() })
    })?;
    let view = ProcedureView::of(p, today).ok_or_else(|| {
        ApiError::from(motcua_domain::DomainError::NoVersionInForce {
            code: code.clone(),
            date: today,
        })
    })?;
    Ok(Json(view))
}
