//! Errors of the command line, each with a stable code and a Vietnamese message.

use motcua_calendar::CalendarError;
use motcua_domain::DomainError;
use motcua_store::StoreError;

/// Anything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad date, bad data, out of range…
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A rule of the one-stop system.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file that cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Standard input or output, or the network.
    #[error("input/output error: {0}")]
    Io(#[from] std::io::Error),
    /// A number argument that is not a number.
    #[error("{what_en} must be a whole number, got {input:?}")]
    NotANumber {
        /// Which argument, in Vietnamese.
        what: &'static str,
        /// Which argument, in English.
        what_en: &'static str,
        /// What was given.
        input: String,
    },
    /// Some lines of a bulk input were rejected (each was reported already).
    #[error("{count} input lines were rejected")]
    RejectedLines {
        /// How many.
        count: usize,
    },
    /// A settings file or value that cannot be used.
    #[error("invalid configuration: {detail}")]
    Config {
        /// What is wrong.
        detail: String,
    },
    /// A catalog file that cannot be imported.
    #[error("catalog {origin}: {detail}")]
    Catalog {
        /// File.
        origin: String,
        /// What is wrong, in Vietnamese.
        detail: String,
    },
    /// A process definition that cannot be saved: every problem, named by step.
    #[error("process {origin}: {}", issues.join("; "))]
    Process {
        /// File and procedure.
        origin: String,
        /// The problems, in Vietnamese.
        issues: Vec<String>,
    },
    /// The audit chain does not verify.
    #[error("audit chain broken at entry {seq} ({count} problem(s))")]
    AuditBroken {
        /// First bad entry.
        seq: i64,
        /// How many problems were found.
        count: usize,
        /// Each problem in Vietnamese, one per line.
        problems: String,
    },
    /// A benchmark step failed.
    #[error("benchmark: {0}")]
    Bench(String),
    /// A paper could not be made.
    #[error(transparent)]
    Render(#[from] motcua_render::RenderError),
    /// A fee or payment rule refused.
    #[error(transparent)]
    Fee(#[from] motcua_domain::fee::FeeError),
    /// A step shared with the HTTP layer refused (its code and message kept).
    #[error("{code}: {message}")]
    Web {
        /// Stable code.
        code: &'static str,
        /// Vietnamese message.
        message: String,
    },
}

impl CliError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Calendar(e) => e.code(),
            Self::Domain(e) => e.code(),
            Self::Store(e) => e.code(),
            Self::Read { .. } => "file_unreadable",
            Self::Io(_) => "io_error",
            Self::NotANumber { .. } => "not_a_number",
            Self::RejectedLines { .. } => "input_lines_rejected",
            Self::Config { .. } => "config_invalid",
            Self::Catalog { .. } => "catalog_invalid",
            Self::Process { .. } => "process_invalid",
            Self::AuditBroken { .. } => "audit_chain_broken",
            Self::Bench(_) => "bench_failed",
            Self::Render(e) => e.code(),
            Self::Web { code, .. } => code,
            Self::Fee(e) => e.code(),
        }
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Calendar(e) => e.message_vi(),
            Self::Domain(e) => e.message_vi(),
            Self::Store(e) => match e {
                StoreError::Database { detail } | StoreError::Config { detail } => {
                    format!("{} ({detail})", e.message_vi())
                }
                _ => e.message_vi(),
            },
            Self::Read { path, source } => format!("Không đọc được tệp “{path}”: {source}"),
            Self::Io(e) => format!("Lỗi đọc/ghi: {e}"),
            Self::NotANumber { what, input, .. } => {
                format!("{what} phải là số nguyên, nhận được “{input}”")
            }
            Self::RejectedLines { count } => format!("{count} dòng dữ liệu vào bị từ chối"),
            Self::Config { detail } => format!("Cấu hình không hợp lệ: {detail}"),
            Self::Catalog { origin, detail } => {
                format!("Danh mục thủ tục “{origin}” không nhập được: {detail}")
            }
            Self::Process { origin, issues } => format!(
                "Quy trình “{origin}” không lưu được:\n  - {}",
                issues.join("\n  - ")
            ),
            Self::AuditBroken { seq, problems, .. } => format!(
                "Nhật ký kiểm tra bị sửa đổi hoặc thiếu: chuỗi băm đứt tại bản ghi số {seq}\n{problems}"
            ),
            Self::Bench(detail) => format!("Đo hiệu năng thất bại: {detail}"),
            Self::Render(e) => e.message_vi(),
            Self::Web { message, .. } => message.clone(),
            Self::Fee(e) => e.message_vi(),
        }
    }
}
