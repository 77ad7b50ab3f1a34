//! Errors of the command line, each with a stable code and a Vietnamese message.

use motcua_calendar::CalendarError;

/// Anything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad date, bad data, out of range…
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A file that cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Standard input or output failed.
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
}

impl CliError {
    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Calendar(e) => e.code(),
            Self::Read { .. } => "file_unreadable",
            Self::Io(_) => "io_error",
            Self::NotANumber { .. } => "not_a_number",
            Self::RejectedLines { .. } => "input_lines_rejected",
        }
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Calendar(e) => e.message_vi(),
            Self::Read { path, source } => format!("Không đọc được tệp “{path}”: {source}"),
            Self::Io(e) => format!("Lỗi đọc/ghi: {e}"),
            Self::NotANumber { what, input, .. } => {
                format!("{what} phải là số nguyên, nhận được “{input}”")
            }
            Self::RejectedLines { count } => format!("{count} dòng dữ liệu vào bị từ chối"),
        }
    }
}
