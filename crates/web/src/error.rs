//! The one error shape of the API: `{code, message, message_en, field, errors}` with a
//! stable snake_case code and a Vietnamese message. Internal details go to the log,
//! never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_domain::{DomainError, ErrorKind, FieldIssue};
use motcua_store::{PutError, StoreError};
use serde::Serialize;

/// An error answered to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    message_en: String,
    field: Option<String>,
    issues: Vec<FieldIssue>,
}

#[derive(Serialize)]
struct IssueBody<'a> {
    field: &'a str,
    message: &'a str,
    message_en: &'a str,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
    message_en: &'a str,
    field: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<IssueBody<'a>>,
}

impl ApiError {
    /// A new error.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            message_en: message_en.into(),
            field: None,
            issues: Vec::new(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The Vietnamese message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The field concerned, if any.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// Every field issue.
    pub fn issues(&self) -> &[FieldIssue] {
        &self.issues
    }

    /// No or unusable credentials.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Vui lòng đăng nhập",
            "authentication required",
        )
    }

    /// A session token that is unknown or expired.
    pub fn session_invalid() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "session_invalid",
            "Phiên đăng nhập đã hết hạn hoặc không hợp lệ; vui lòng đăng nhập lại",
            "session expired or invalid",
        )
    }

    /// A body that is not the JSON expected.
    pub fn invalid_json(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("Nội dung gửi lên không phải JSON hợp lệ: {detail}"),
            format!("malformed JSON body: {detail}"),
        )
    }

    /// A query string that cannot be understood.
    pub fn invalid_query(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("Tham số truy vấn không hợp lệ: {detail}"),
            format!("invalid query parameters: {detail}"),
        )
    }

    /// Something of ours broke; the detail is logged, not shown.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Hệ thống gặp lỗi; vui lòng thử lại sau",
            "internal error",
        )
    }

    /// The same error with one more issue listed.
    pub fn with_issue(mut self, issue: FieldIssue) -> Self {
        self.issues.push(issue);
        self
    }

    /// The same error about `field`.
    pub fn on_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }
}

fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::UnsupportedMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
    }
}

impl From<motcua_domain::fee::FeeError> for ApiError {
    fn from(e: motcua_domain::fee::FeeError) -> Self {
        ApiError::new(status_of(e.kind()), e.code(), e.message_vi(), e.to_string())
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let status = status_of(e.kind());
        ApiError {
            status,
            code: e.code(),
            message: e.message_vi(),
            message_en: e.to_string(),
            field: e.field().map(str::to_owned),
            issues: e.issues(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let status = match &e {
            StoreError::Conflict { .. } => StatusCode::CONFLICT,
            StoreError::NotFound { .. } => StatusCode::NOT_FOUND,
            StoreError::Config { .. } | StoreError::Corrupt { .. } => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        if status.is_server_error() {
            tracing::error!(error = %e, "store error");
        }
        ApiError::new(status, e.code(), e.message_vi(), e.to_string())
    }
}

impl From<PutError> for ApiError {
    fn from(e: PutError) -> Self {
        match e {
            PutError::Rejected(d) => d.into(),
            PutError::Store(s) => s.into(),
            PutError::Interrupted(detail) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "upload_interrupted",
                "Việc tải tệp lên bị gián đoạn; hồ sơ không thay đổi, vui lòng gửi lại tệp",
                format!("upload interrupted: {detail}"),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code,
            message: &self.message,
            message_en: &self.message_en,
            field: self.field.as_deref(),
            errors: self
                .issues
                .iter()
                .map(|i| IssueBody {
                    field: &i.field,
                    message: &i.message,
                    message_en: &i.message_en,
                })
                .collect(),
        };
        (self.status, Json(body)).into_response()
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
