//! Store errors, with stable codes. Database failures keep their detail for the logs
//! and show people a generic message.

/// A failure of the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The row changed since it was read (optimistic concurrency).
    #[error("{what} was changed by someone else; reload and try again")]
    Conflict {
        /// What.
        what: String,
    },
    /// No such row.
    #[error("{what} not found")]
    NotFound {
        /// What.
        what: String,
    },
    /// The database refused or failed.
    #[error("database error: {detail}")]
    Database {
        /// Detail for the logs.
        detail: String,
    },
    /// Stored data that does not parse (a bug or tampering).
    #[error("corrupt stored data: {detail}")]
    Corrupt {
        /// Detail for the logs.
        detail: String,
    },
    /// Attachment storage failed.
    #[error("attachment storage error: {detail}")]
    Blob {
        /// Detail for the logs.
        detail: String,
    },
    /// The writer stopped (shutting down).
    #[error("the store is shutting down")]
    Closed,
    /// A bad connection URL or option.
    #[error("invalid database configuration: {detail}")]
    Config {
        /// Detail.
        detail: String,
    },
}

impl StoreError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Conflict { .. } => "concurrent_change",
            Self::NotFound { .. } => "not_found",
            Self::Database { .. } | Self::Closed => "storage_unavailable",
            Self::Corrupt { .. } => "storage_corrupt",
            Self::Blob { .. } => "attachment_storage_failed",
            Self::Config { .. } => "database_config_invalid",
        }
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Conflict { .. } => {
                "Hồ sơ vừa được người khác cập nhật; vui lòng tải lại và thực hiện lại".to_owned()
            }
            Self::NotFound { .. } => "Không tìm thấy dữ liệu".to_owned(),
            Self::Database { .. } | Self::Closed | Self::Corrupt { .. } => {
                "Hệ thống lưu trữ tạm thời không phục vụ được; dữ liệu đã gửi chưa được ghi nhận, vui lòng thử lại".to_owned()
            }
            Self::Blob { .. } => {
                "Không lưu được tệp đính kèm; hồ sơ không thay đổi, vui lòng gửi lại tệp".to_owned()
            }
            Self::Config { detail } => format!("Cấu hình cơ sở dữ liệu không hợp lệ: {detail}"),
        }
    }

    pub(crate) fn corrupt(detail: impl std::fmt::Display) -> Self {
        Self::Corrupt {
            detail: detail.to_string(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound {
                what: "row".to_owned(),
            },
            other => Self::Database {
                detail: other.to_string(),
            },
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Self::Database {
            detail: format!("migration: {e}"),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::corrupt(e)
    }
}
