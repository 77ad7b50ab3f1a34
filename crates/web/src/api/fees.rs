//! The fee book (schedules and collection accounts) and statements: import and
//! reconciliation (đối soát), as JSON or as Excel.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use motcua_domain::FieldIssue;
use motcua_domain::fee::FeeBook;
use serde::{Deserialize, Serialize};

use crate::api::{Meta, QueryParams};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// `GET /api/v1/fees`: the fee book in force (public: fees and the accounts they are
/// paid into are published).
pub async fn get(State(state): State<AppState>) -> Json<FeeBook> {
    Json((*state.fees()).clone())
}

/// What a save answers.
#[derive(Debug, Serialize)]
pub struct Saved {
    /// Version ID.
    pub id: i64,
    /// Accounts.
    pub accounts: usize,
    /// Schedules.
    pub schedules: usize,
}

/// Reads and checks a fee book from a request body (YAML, or JSON).
pub fn parse_book(state: &AppState, body: &[u8]) -> ApiResult<FeeBook> {
    let text = std::str::from_utf8(body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "fee_book_invalid",
            "Biểu phí không phải văn bản UTF-8",
            "body is not UTF-8",
        )
    })?;
    let book = FeeBook::from_yaml(text)?;
    let directory = state.directory();
    let agencies: Vec<&str> = directory.agencies.keys().map(String::as_str).collect();
    let problems = book.check(&agencies);
    if let Some((_, first)) = problems.first() {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "fee_book_invalid",
            format!(
                "Biểu phí có {} chỗ chưa đúng; đầu tiên: {first}",
                problems.len()
            ),
            format!("the fee book has {} problem(s)", problems.len()),
        );
        for (field, message) in problems {
            e = e.with_issue(FieldIssue {
                field,
                message,
                message_en: "fee_book_invalid".to_owned(),
            });
        }
        return Err(e);
    }
    Ok(book)
}

/// `PUT /api/v1/fees` (administrators): saves the whole fee book as a new version.
pub async fn put(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Saved>)> {
    state.authorize(
        &auth.subject,
        motcua_domain::policy::Action::Administer,
        motcua_domain::policy::Resource::System,
    )?;
    let book = parse_book(&state, &body)?;
    let id = state
        .store()
        .save_fee_book(&book, auth.subject.username(), state.now(), meta.request())
        .await?;
    state.reload_fees().await?;
    Ok((
        StatusCode::CREATED,
        Json(Saved {
            id,
            accounts: book.accounts.len(),
            schedules: book.schedules.len(),
        }),
    ))
}

/// Query of a statement import.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `bank` (default), or a gateway id for its daily file.
    #[serde(default)]
    pub source: Option<String>,
    /// The file's name, for the audit log.
    #[serde(default)]
    pub name: Option<String>,
}

fn may_reconcile(state: &AppState, subject: &motcua_domain::Subject) -> ApiResult<()> {
    // Statements cover accounts of several agencies; reading them is for whoever may
    // read some agency's takings.
    let agencies = crate::api::payments::takings_agencies(state, subject, None)?;
    if agencies.is_empty() {
        return Err(ApiError::from(motcua_domain::DomainError::not_allowed(
            "chỉ cán bộ thu phí, lãnh đạo cơ quan hoặc quản trị viên được đối soát",
            "only fee collectors, leaders and administrators reconcile",
        )));
    }
    Ok(())
}

/// `POST /api/v1/statements?source=bank|vnpay|paygov&name=FILE` with the CSV as body.
pub async fn import(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    QueryParams(q): QueryParams<ImportQuery>,
    _headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<crate::payments::StatementResult>)> {
    may_reconcile(&state, &auth.subject)?;
    let source = q.source.unwrap_or_else(|| "bank".to_owned());
    if source != "bank" && state.gateways().get(&source).is_none() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "statement_source_invalid",
            format!("Nguồn sao kê “{source}” không hợp lệ: dùng bank hoặc mã cổng thanh toán"),
            "source must be bank or a gateway id",
        )
        .on_field("source"));
    }
    let name = q.name.unwrap_or_else(|| format!("{source}.csv"));
    let result =
        crate::payments::import_statement(&state, &auth.subject, &source, &name, &body, &meta)
            .await?;
    Ok((StatusCode::CREATED, Json(result)))
}

/// Query of a reconciliation report.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// First day.
    pub from: NaiveDate,
    /// Last day (default `from`).
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// `json` (default) or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
}

/// `GET /api/v1/reconciliation?from&to[&format=xlsx]`.
pub async fn report(
    State(state): State<AppState>,
    auth: Auth,
    QueryParams(q): QueryParams<ReportQuery>,
) -> ApiResult<Response> {
    may_reconcile(&state, &auth.subject)?;
    let to = q.to.unwrap_or(q.from);
    if to < q.from || (to - q.from).num_days() > 366 {
        return Err(ApiError::invalid_query(
            "to must be on or after from, at most a year later",
        ));
    }
    let report = crate::payments::reconcile_period(&state, q.from, to).await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(report).into_response()),
        Some("xlsx") => {
            let title = format!("Đối soát thu phí, lệ phí từ {} đến {}", q.from, to);
            let bytes = motcua_render::payment::reconciliation_xlsx(&report, &title)
                .map_err(ApiError::internal)?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"doi-soat-{}-{}.xlsx\"", q.from, to),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        Some(other) => Err(ApiError::invalid_query(format!(
            "format {other} (use json or xlsx)"
        ))),
    }
}
