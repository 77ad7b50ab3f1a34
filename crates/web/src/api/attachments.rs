//! Attachments: multipart upload streamed to storage, listing, download.

use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use motcua_domain::policy::acts_for_applicant;
use motcua_domain::{DomainError, Status, Subject};
use motcua_store::{AttachmentMeta, AttachmentOwner, NewAttachment};

use crate::api::Meta;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const KINDS: [&str; 3] = ["submission", "supplement", "result"];

fn closed(status: Status) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "dossier_closed",
        format!(
            "Hồ sơ đang ở trạng thái “{}”, không thể đính kèm thêm tệp",
            status.label_vi()
        ),
        format!(
            "cannot attach files while the dossier is {}",
            status.as_str()
        ),
    )
}

/// `POST /api/v1/dossiers/{code}/attachments` (multipart): optional field `kind`
/// first, then one or more `file` fields. Each file is stored whole or not at all.
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path(code): Path<String>,
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, Json<Vec<AttachmentMeta>>)> {
    let dossier = crate::api::dossiers::visible(&state, &auth.subject, &code).await?;
    // Files from the applicant's side go with a supplement (or the filing itself).
    let applicant = acts_for_applicant(
        &auth.subject,
        &dossier,
        motcua_domain::consent::ConsentScope::Supplement,
        motcua_domain::time::to_local(state.now()).date(),
    ) || (dossier.status == Status::Submitted
        && dossier.helper.as_deref() == Some(auth.subject.username()));
    let officer_here = match &auth.subject {
        Subject::Officer { roles, .. } => roles
            .iter()
            .any(|r| r.agency == dossier.receiving_agency || r.agency == dossier.handling_agency),
        Subject::Citizen { .. } => false,
    };
    if dossier.status.is_terminal() {
        return Err(closed(dossier.status));
    }
    if !officer_here {
        let open_to_applicant = matches!(
            dossier.status,
            Status::Submitted | Status::SupplementRequested | Status::Supplemented
        );
        if !applicant {
            return Err(DomainError::not_allowed(
                "không có quyền đính kèm tệp cho hồ sơ này",
                "may not attach files to this dossier",
            )
            .into());
        }
        if !open_to_applicant {
            return Err(closed(dossier.status));
        }
    }
    let mut kind = if dossier.status == Status::SupplementRequested {
        "supplement"
    } else {
        "submission"
    }
    .to_owned();
    let mut saved = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_multipart",
            format!("Dữ liệu tải lên không hợp lệ: {}", e.body_text()),
            e.body_text(),
        )
    })? {
        match field.name() {
            Some("kind") => {
                let k = field.text().await.map_err(|e| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_multipart",
                        "Dữ liệu tải lên không hợp lệ",
                        e.body_text(),
                    )
                })?;
                let k = k.trim();
                if !KINDS.contains(&k) {
                    return Err(DomainError::invalid(
                        "kind",
                        format!("Loại tệp “{k}” không hợp lệ (submission, supplement, result)"),
                        "kind must be submission, supplement or result",
                    )
                    .into());
                }
                if k == "result" && !officer_here {
                    return Err(DomainError::not_allowed(
                        "chỉ cán bộ xử lý được đính kèm kết quả",
                        "only officers attach results",
                    )
                    .into());
                }
                k.clone_into(&mut kind);
            }
            Some("file") => {
                let name = Some(motcua_domain::attachment::clean_name(field.file_name()))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "tep-dinh-kem".to_owned());
                let declared = field.content_type().map(str::to_owned);
                let new = NewAttachment {
                    owner: AttachmentOwner::Dossier(dossier.code.to_string()),
                    kind: kind.clone(),
                    name,
                    declared_type: declared,
                    uploaded_by: auth.subject.username().to_owned(),
                    at: state.now(),
                    max_bytes: state.config().max_attachment_bytes,
                };
                let stream = field.map_err(|e| e.body_text());
                let meta = state
                    .store()
                    .put_attachment(new, Box::pin(stream), meta.request())
                    .await?;
                saved.push(meta);
            }
            _ => {}
        }
    }
    if saved.is_empty() {
        return Err(DomainError::required("file", "tệp đính kèm").into());
    }
    Ok((StatusCode::CREATED, Json(saved)))
}

/// `GET /api/v1/dossiers/{code}/attachments`.
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<Vec<AttachmentMeta>>> {
    let d = crate::api::dossiers::visible(&state, &auth.subject, &code).await?;
    Ok(Json(state.store().attachments(d.code.as_str()).await?))
}

/// `GET /api/v1/dossiers/{code}/attachments/{id}`: the file.
pub async fn download(
    State(state): State<AppState>,
    auth: Auth,
    request: crate::api::Meta,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let d = crate::api::dossiers::visible(&state, &auth.subject, &code).await?;
    let meta = state
        .store()
        .attachment(d.code.as_str(), &id)
        .await?
        .ok_or_else(|| ApiError::from(DomainError::AttachmentNotFound))?;
    let target = format!("{}/{}", d.code, meta.id);
    crate::api::audit_read(&state, &auth.subject, "attachment.read", &target, &request).await?;
    let stream = state.store().attachment_stream(&meta).await?;
    let disposition = format!(
        "inline; filename=\"{}\"; filename*=UTF-8''{}",
        meta.name.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
            "_"
        ),
        percent_encode(&meta.name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, meta.content_type.clone()),
            (header::CONTENT_LENGTH, meta.size.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::HeaderName::from_static("x-content-sha256"),
                meta.sha256.clone(),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            // Opened in a browser, a file runs nothing and reaches nothing.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox".to_owned(),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
