//! Papers as files: a dossier's forms as PDF, an agency's dossier register as PDF or
//! Excel. Rendering is CPU work, so it runs on the blocking pool.

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use motcua_domain::{Dossier, Subject};
use motcua_render::{Form, FormContext, RenderError};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

impl From<RenderError> for ApiError {
    fn from(e: RenderError) -> Self {
        let status = match &e {
            RenderError::NotApplicable { .. } => StatusCode::CONFLICT,
            RenderError::UnknownForm(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status.is_server_error() {
            tracing::error!(error = %e, "render failed");
        }
        ApiError::new(status, e.code(), e.message_vi(), e.to_string())
    }
}

fn lookup_base(state: &AppState) -> String {
    format!(
        "{}/tra-cuu/",
        state.config().public_url.trim_end_matches('/')
    )
}

/// Runs `work` with the forms' context on the blocking pool (rendering is CPU work).
async fn rendering<T, F>(
    state: &AppState,
    payments: Vec<motcua_render::payment::SlipPayment>,
    work: F,
) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&FormContext<'_>, &motcua_render::Engine) -> Result<T, RenderError> + Send + 'static,
{
    let parts = state.parts();
    let (engine, wording, rules) = (state.engine(), state.wording(), state.rules().clone());
    let base = lookup_base(state);
    let done = tokio::task::spawn_blocking(move || {
        let ctx = FormContext {
            directory: &parts.directory,
            calendar: &parts.calendar,
            rules: &rules,
            lookup_base: &base,
            wording: &wording,
            processes: &parts.processes,
            payments: &payments,
        };
        work(&ctx, &engine)
    })
    .await
    .map_err(|e| ApiError::from(RenderError::Typst(format!("render task: {e}"))))?;
    Ok(done?)
}

/// The PDF of `form` for `d` (who may see `d` is the caller's check).
pub async fn form_pdf(state: &AppState, d: Dossier, form: Form) -> ApiResult<Vec<u8>> {
    // The receipt slip carries what is still to pay, with each order's VietQR code.
    let payments = if form == Form::Receipt {
        slip_payments(state, &d).await?
    } else {
        Vec::new()
    };
    rendering(state, payments, move |ctx, engine| {
        Ok(motcua_render::render_form(engine, form, &d, ctx)?.pdf)
    })
    .await
}

/// The dossier's orders still to pay, as the receipt slip prints them.
async fn slip_payments(
    state: &AppState,
    d: &Dossier,
) -> ApiResult<Vec<motcua_render::payment::SlipPayment>> {
    let orders = state.store().orders_of(d.code.as_str()).await?;
    Ok(orders
        .iter()
        .map(|o| crate::payments::OrderView::new(state, o))
        .filter_map(|v| {
            Some(motcua_render::payment::SlipPayment {
                vietqr: v.vietqr?,
                reference: v.reference,
                agency_name: v.agency_name,
                account_holder: v.account_holder.unwrap_or_default(),
                account_number: v.account.unwrap_or_default(),
                bank_label: v.bank_name.or(v.account_kind).unwrap_or_default(),
                amount: v.balance,
            })
        })
        .collect())
}

/// A file download answer; papers carry personal data, so nothing caches them.
pub fn file_response(
    bytes: Vec<u8>,
    content_type: &'static str,
    filename: &str,
    inline: bool,
) -> Response {
    let disposition = format!(
        "{}; filename=\"{filename}\"",
        if inline { "inline" } else { "attachment" }
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `form.pdf` → the form.
pub fn form_of_file(file: &str) -> ApiResult<Form> {
    let name = file
        .strip_suffix(".pdf")
        .ok_or_else(|| RenderError::UnknownForm(file.to_owned()))?;
    Ok(Form::parse(name)?)
}

/// `GET /api/v1/dossiers/{code}/documents/{form}.pdf`.
pub async fn dossier_form(
    State(state): State<AppState>,
    auth: Auth,
    meta: crate::api::Meta,
    Path((code, file)): Path<(String, String)>,
) -> ApiResult<Response> {
    let form = form_of_file(&file)?;
    let d = crate::api::dossiers::visible(&state, &auth.subject, &code).await?;
    let target = format!("{}/{}", d.code, form.as_str());
    crate::api::audit_read(&state, &auth.subject, "paper.read", &target, &meta).await?;
    let name = format!("{}-{}.pdf", d.code, form.as_str());
    let pdf = form_pdf(&state, d, form).await?;
    Ok(file_response(pdf, "application/pdf", &name, true))
}

/// Period and format of a register.
#[derive(Debug, Deserialize)]
pub struct RegisterQuery {
    /// First day (`YYYY-MM-DD`, Vietnam time), inclusive.
    #[serde(default)]
    pub from: String,
    /// Last day, inclusive.
    #[serde(default)]
    pub to: String,
    /// `pdf` (default) or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
}

/// Longest register in one file: a busy commune's year fits; more needs a shorter period.
const REGISTER_MAX: u32 = 20_000;

/// Who may print an agency's register: its officers and administrators (the policy).
pub fn may_see_register(state: &AppState, subject: &Subject, agency: &str) -> bool {
    state
        .authorize(
            subject,
            motcua_domain::policy::Action::ReadRegister,
            motcua_domain::policy::Resource::Agency(agency),
        )
        .is_ok()
}

/// The register of `agency` for the period, as (bytes, content type, file name).
pub async fn register_file(
    state: &AppState,
    agency: &str,
    q: &RegisterQuery,
) -> ApiResult<(Vec<u8>, &'static str, String)> {
    let invalid = |vi: &str, en: &str| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_period", vi, en)
    };
    let day = |s: &str, name: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_period",
                format!("Ngày “{s}” không hợp lệ (định dạng YYYY-MM-DD)"),
                format!("`{name}` must be a date YYYY-MM-DD, got {s:?}"),
            )
        })
    };
    let (from, to) = (day(&q.from, "from")?, day(&q.to, "to")?);
    if to < from {
        return Err(invalid(
            "Ngày kết thúc phải sau ngày bắt đầu",
            "`to` must not be before `from`",
        ));
    }
    let xlsx = match q.format.as_deref() {
        None | Some("" | "pdf") => false,
        Some("xlsx") => true,
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_format",
                format!("Định dạng “{other}” không được hỗ trợ (pdf hoặc xlsx)"),
                format!("unknown format {other:?}: pdf or xlsx"),
            ));
        }
    };
    if state.directory().agency(agency).is_none() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "agency_not_found",
            format!("Không có cơ quan mã {agency}"),
            format!("no agency {agency}"),
        ));
    }
    let start =
        |d: NaiveDate| motcua_domain::time::from_local(d.and_hms_opt(0, 0, 0).unwrap_or_default());
    let (dossiers, more) = state
        .store()
        .dossiers_received(
            agency,
            start(from),
            start(to + chrono::Duration::days(1)),
            REGISTER_MAX,
        )
        .await?;
    if more {
        return Err(invalid(
            "Khoảng thời gian có quá nhiều hồ sơ cho một tệp, vui lòng chọn khoảng ngắn hơn",
            "too many dossiers for one file: choose a shorter period",
        ));
    }
    let agency = agency.to_owned();
    let name = format!(
        "so-theo-doi-{agency}-{from}-{to}.{}",
        if xlsx { "xlsx" } else { "pdf" }
    );
    let bytes = rendering(state, Vec::new(), move |ctx, engine| {
        let register = motcua_render::Register::new(&agency, from, to, &dossiers, ctx)?;
        if xlsx {
            register.xlsx()
        } else {
            register.pdf(engine)
        }
    })
    .await?;
    let content_type = if xlsx {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "application/pdf"
    };
    Ok((bytes, content_type, name))
}

/// `GET /api/v1/agencies/{agency}/register?from=…&to=…[&format=xlsx]`.
pub async fn register(
    State(state): State<AppState>,
    auth: Auth,
    meta: crate::api::Meta,
    Path(agency): Path<String>,
    Query(q): Query<RegisterQuery>,
) -> ApiResult<Response> {
    if !may_see_register(&state, &auth.subject, &agency) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Chỉ cán bộ của cơ quan mới xem được sổ theo dõi hồ sơ",
            "only the agency's officers may see its register",
        ));
    }
    let (bytes, content_type, name) = register_file(&state, &agency, &q).await?;
    let target = format!("{agency}/{}..{}", q.from, q.to);
    crate::api::audit_read(&state, &auth.subject, "register.read", &target, &meta).await?;
    Ok(file_response(
        bytes,
        content_type,
        &name,
        content_type == "application/pdf",
    ))
}
