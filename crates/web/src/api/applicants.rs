//! Finding a returning applicant at the counter: the identity number gives the details
//! last recorded on a dossier filed at one of the officer's receiving agencies, so the
//! officer confirms them instead of typing them again. The number travels in the body,
//! never in a URL (access logs, browser history on a shared counter PC).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use motcua_domain::{Applicant, Role, Subject, id_number_query};
use serde::{Deserialize, Serialize};

use crate::api::JsonBody;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// `POST /api/v1/applicants/find` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindRequest {
    /// Personal ID number or tax code.
    pub id_number: String,
}

/// A returning applicant.
#[derive(Debug, Serialize)]
pub struct FoundApplicant {
    /// Their details as last recorded.
    pub applicant: Applicant,
    /// The dossier they come from.
    pub dossier: String,
}

/// The applicant last recorded for `id_number` at the subject's receiving agencies.
pub async fn find_applicant(
    state: &AppState,
    subject: &Subject,
    id_number: &str,
) -> ApiResult<FoundApplicant> {
    state.authorize(
        subject,
        motcua_domain::policy::Action::FindApplicant,
        motcua_domain::policy::Resource::System,
    )?;
    // Only what was filed at the agencies where the officer receives.
    let agencies = subject.agencies_with(Role::ReceivingOfficer);
    let id = id_number_query(id_number)?;
    match state.store().latest_applicant(&id, &agencies).await? {
        Some((dossier, applicant)) => Ok(FoundApplicant { applicant, dossier }),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "applicant_not_found",
            "Chưa có hồ sơ nào của số định danh này tại cơ quan; vui lòng nhập thông tin người nộp",
            "no dossier with this ID number at your agencies",
        )),
    }
}

/// `POST /api/v1/applicants/find` `{id_number}`.
pub async fn find(
    State(state): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<FindRequest>,
) -> ApiResult<Json<FoundApplicant>> {
    Ok(Json(
        find_applicant(&state, &auth.subject, &body.id_number).await?,
    ))
}
