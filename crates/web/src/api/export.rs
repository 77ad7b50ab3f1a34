//! A citizen's own data as one zip (Decree 13/2023: the data subject may obtain their
//! data): the account, every dossier they filed with its history, every file attached.
//! The export itself is recorded in the audit log.

use std::io::Write;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use futures::TryStreamExt;
use motcua_domain::Subject;
use serde_json::json;

use crate::api::Meta;
use crate::api::documents::file_response;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Largest export held in memory; a citizen's dossiers are far below it.
const MAX_EXPORT_BYTES: u64 = 512 * 1024 * 1024;

const README: &str = "Dữ liệu cá nhân của bạn trong hệ thống Một Cửa\n\
\n\
tai-khoan.json                 thông tin tài khoản\n\
ho-so/<mã hồ sơ>/ho-so.json    hồ sơ: người nộp, tờ khai, trạng thái, toàn bộ quá trình xử lý\n\
ho-so/<mã hồ sơ>/tep/          các tệp đính kèm, đúng như đã nộp (mã băm SHA-256 trong ho-so.json)\n";

/// A file name safe inside a zip: no directories, no control characters.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        "tep".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The zip of `subject`'s data and its file name.
pub async fn export_zip(
    state: &AppState,
    subject: &Subject,
    account: &motcua_domain::Account,
    meta: &Meta,
) -> ApiResult<(Vec<u8>, String)> {
    state.authorize(
        subject,
        motcua_domain::policy::Action::ExportOwnData,
        motcua_domain::policy::Resource::System,
    )?;
    let Subject::Citizen { username } = subject else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Chỉ công dân tải được dữ liệu hồ sơ của mình",
            "only citizens export their own dossiers",
        ));
    };
    let store = state.store();
    let mut codes = Vec::new();
    for page in 1.. {
        let filter = motcua_store::DossierFilter {
            owner: Some(username.clone()),
            page,
            per_page: 200,
            ..Default::default()
        };
        let got = store.list_dossiers(&filter).await?;
        let last = got.items.len() < 200;
        codes.extend(got.items.into_iter().map(|d| d.code));
        if last {
            break;
        }
    }
    // (path in the zip, bytes)
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("doc-truoc.txt".to_owned(), README.as_bytes().to_vec()),
        (
            "tai-khoan.json".to_owned(),
            serde_json::to_vec_pretty(&crate::view::AccountView::from(account))
                .map_err(ApiError::internal)?,
        ),
    ];
    let mut total: u64 = 0;
    let mut files = 0usize;
    for code in &codes {
        let Some(d) = store.dossier(code).await? else {
            continue;
        };
        let attachments = store.attachments(code).await?;
        let doc = json!({ "dossier": d, "attachments": attachments });
        parts.push((
            format!("ho-so/{code}/ho-so.json"),
            serde_json::to_vec_pretty(&doc).map_err(ApiError::internal)?,
        ));
        for (n, a) in attachments.iter().enumerate() {
            total += u64::try_from(a.size).unwrap_or(0);
            if total > MAX_EXPORT_BYTES {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "export_too_large",
                    "Dữ liệu quá lớn để tải một lần; vui lòng tải tệp của từng hồ sơ",
                    "too much data for one export: download each dossier's files",
                ));
            }
            let bytes: Vec<u8> = store
                .attachment_stream(a)
                .await?
                .try_fold(Vec::new(), |mut acc, chunk| async move {
                    acc.extend_from_slice(&chunk);
                    Ok::<_, motcua_store::StoreError>(acc)
                })
                .await?;
            parts.push((
                format!("ho-so/{code}/tep/{:02}-{}", n + 1, safe_name(&a.name)),
                bytes,
            ));
            files += 1;
        }
    }
    let zip = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, zip::result::ZipError> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (path, bytes) in parts {
            w.start_file(path, options)?;
            w.write_all(&bytes)?;
        }
        Ok(w.finish()?.into_inner())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    store
        .record_access(
            username,
            "account.export",
            username,
            json!({ "dossiers": codes.len(), "files": files, "bytes": zip.len() }),
            state.now(),
            meta.request(),
        )
        .await?;
    let day = motcua_domain::dossier::local_day(state.now());
    Ok((zip, format!("du-lieu-cua-toi-{}.zip", day.format("%Y%m%d"))))
}

/// `GET /api/v1/me/export`: the caller's data as a zip.
pub async fn my_data(State(state): State<AppState>, auth: Auth, meta: Meta) -> ApiResult<Response> {
    let (zip, name) = export_zip(&state, &auth.subject, &auth.account, &meta).await?;
    Ok(file_response(zip, "application/zip", &name, false))
}
