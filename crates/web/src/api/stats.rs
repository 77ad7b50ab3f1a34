//! Statistics over the API: the figures of a period (`/stats`), the 766 index of a
//! year (`/index766`) and the periodic report as Excel or PDF (`/stats/report`).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use motcua_domain::stats::index766::Index766;
use motcua_domain::stats::period::Period;
use serde::{Deserialize, Serialize};

use crate::api::QueryParams;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::stats::{Breakdown, Scope, View};

/// Query of `/stats`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// First day.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// Agency (with the agencies under it); the whole province when absent.
    #[serde(default)]
    pub agency: Option<String>,
    /// Breakdown: agency, unit, procedure, sector or officer.
    #[serde(default)]
    pub group: Option<String>,
}

/// `GET /api/v1/stats?from=DATE&to=DATE[&agency=CODE][&group=…]`.
pub async fn stats(
    State(state): State<AppState>,
    auth: Auth,
    QueryParams(q): QueryParams<StatsQuery>,
) -> ApiResult<Json<View>> {
    crate::stats::may_read(&auth.subject)?;
    let (from, to) = crate::stats::range(q.from, q.to)?;
    let scope = crate::stats::scope(&state.directory(), q.agency.as_deref())?;
    let breakdown = q.group.as_deref().map(Breakdown::parse).transpose()?;
    if breakdown == Some(Breakdown::Officer) {
        crate::stats::may_read_officers(&auth.subject, &scope, &state.directory())?;
    }
    Ok(Json(
        crate::stats::view(&state, scope, from, to, breakdown).await?,
    ))
}

/// Query of `/index766`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexQuery {
    /// Year.
    pub year: i32,
    /// Agency; the province when absent.
    #[serde(default)]
    pub agency: Option<String>,
}

/// The index with what it was computed over.
#[derive(Debug, Serialize)]
pub struct IndexAnswer {
    /// Year.
    pub year: i32,
    /// First and last day counted (the year so far, for the current year).
    pub from: NaiveDate,
    /// Last day counted.
    pub to: NaiveDate,
    /// Which agencies.
    pub scope: Scope,
    /// The index.
    #[serde(flatten)]
    pub index: Index766,
}

/// The index of `year` for `agency` (or the province).
pub async fn index_of(state: &AppState, year: i32, agency: Option<&str>) -> ApiResult<IndexAnswer> {
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::invalid_query("year must be between 2000 and 2100").on_field("year"));
    }
    let scope = crate::stats::scope(&state.directory(), agency)?;
    let (from, to) = Period::Year(year).range();
    let view = crate::stats::view(state, scope, from, to, None).await?;
    let index = crate::stats::index766(state, &view)?;
    let today = motcua_domain::time::to_local(state.now()).date();
    Ok(IndexAnswer {
        year,
        from,
        to: if today.year() == year { today } else { view.to },
        scope: view.scope,
        index,
    })
}

/// `GET /api/v1/index766?year=YYYY[&agency=CODE]`.
pub async fn index766(
    State(state): State<AppState>,
    auth: Auth,
    QueryParams(q): QueryParams<IndexQuery>,
) -> ApiResult<Json<IndexAnswer>> {
    crate::stats::may_read(&auth.subject)?;
    Ok(Json(index_of(&state, q.year, q.agency.as_deref()).await?))
}

/// Query of `/stats/report`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `2026-11`, `2026-Q4`, `2026` (or a day).
    pub period: String,
    /// Agency; the province when absent.
    #[serde(default)]
    pub agency: Option<String>,
    /// Rows: sector (default), agency or procedure.
    #[serde(default)]
    pub group: Option<String>,
    /// `xlsx` (default) or `pdf`.
    #[serde(default)]
    pub format: Option<String>,
}

/// `GET /api/v1/stats/report?period=2026-11[&agency][&group][&format=xlsx|pdf]`.
pub async fn report(
    State(state): State<AppState>,
    auth: Auth,
    QueryParams(q): QueryParams<ReportQuery>,
) -> ApiResult<Response> {
    crate::stats::may_read(&auth.subject)?;
    let period = Period::parse(&q.period)?;
    let group = match q.group.as_deref() {
        None => Breakdown::Sector,
        Some(g) => match Breakdown::parse(g)? {
            Breakdown::Officer | Breakdown::Unit => {
                return Err(ApiError::invalid_query(
                    "a report's rows are sector, agency or procedure",
                )
                .on_field("group"));
            }
            b => b,
        },
    };
    let pdf = match q.format.as_deref() {
        None | Some("xlsx") => false,
        Some("pdf") => true,
        Some(other) => {
            return Err(
                ApiError::invalid_query(format!("format {other} (use xlsx or pdf)"))
                    .on_field("format"),
            );
        }
    };
    let file = crate::stats::report_file(&state, period, q.agency.as_deref(), group, pdf).await?;
    let (kind, ext) = if pdf {
        ("application/pdf", "pdf")
    } else {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"bao-cao-tthc-{}.{ext}\"",
                    period.code()
                ),
            ),
        ],
        file,
    )
        .into_response())
}
