//! Domain errors. Each has a stable snake_case code, a kind that decides the HTTP
//! status, a Vietnamese message for people and an English one for logs, and the
//! input field it concerns, if any.

use motcua_calendar::{CalendarError, DeadlineError};

/// What kind of failure an error is; the web layer maps it to an HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The input is wrong (400/422).
    Invalid,
    /// Not allowed for this subject (403).
    Forbidden,
    /// No such thing, or not visible to the caller (404).
    NotFound,
    /// The current state does not allow it (409).
    Conflict,
    /// Too large (413).
    TooLarge,
    /// A file type that is not accepted (415).
    UnsupportedMedia,
}

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    /// Field path, e.g. `form_data.tre_ho_ten`.
    pub field: String,
    /// What is wrong, in Vietnamese.
    pub message: String,
    /// What is wrong, in English.
    pub message_en: String,
}

/// An error a user can meet in the one-stop rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// A required field is missing or empty.
    #[error("{field} is required")]
    FieldRequired {
        /// Field path.
        field: String,
        /// Its Vietnamese name.
        label: String,
    },
    /// A field's value is not acceptable.
    #[error("{}: {}", .0.field, .0.message_en)]
    FieldInvalid(FieldIssue),
    /// The declaration form (tờ khai) does not satisfy the procedure's schema.
    #[error("the form has {} invalid field(s)", .0.len())]
    FormInvalid(Vec<FieldIssue>),
    /// No such procedure in the catalog.
    #[error("unknown procedure {code}")]
    UnknownProcedure {
        /// Code asked for.
        code: String,
    },
    /// The procedure has no version in force on the date.
    #[error("procedure {code} has no version in force on {date}")]
    NoVersionInForce {
        /// Procedure code.
        code: String,
        /// The date.
        date: chrono::NaiveDate,
    },
    /// The procedure does not accept this channel (e.g. no online filing).
    #[error("procedure {code} cannot be filed through channel {channel}")]
    ChannelNotOffered {
        /// Procedure code.
        code: String,
        /// The channel.
        channel: &'static str,
    },
    /// No such agency.
    #[error("unknown agency {code}")]
    UnknownAgency {
        /// Code asked for.
        code: String,
    },
    /// No such unit (phòng ban).
    #[error("unknown unit {code}")]
    UnknownUnit {
        /// Code asked for.
        code: String,
    },
    /// No such officer.
    #[error("unknown officer {username}")]
    UnknownOfficer {
        /// Username asked for.
        username: String,
    },
    /// A text that is not a dossier code.
    #[error("{input:?} is not a dossier code")]
    InvalidDossierCode {
        /// What was given.
        input: String,
    },
    /// No such dossier (or not visible to the caller).
    #[error("dossier {code} not found")]
    DossierNotFound {
        /// Code asked for.
        code: String,
    },
    /// No such action name.
    #[error("unknown action {action:?}")]
    UnknownAction {
        /// What was given.
        action: String,
    },
    /// The action is not possible in the dossier's current status.
    #[error("action {action} is not allowed while the dossier is {status}")]
    IllegalTransition {
        /// The action.
        action: &'static str,
        /// The current status.
        status: &'static str,
    },
    /// The subject may not do this.
    #[error("not allowed: {reason_en}")]
    NotAllowed {
        /// Why, in Vietnamese.
        reason: String,
        /// Why, in English.
        reason_en: String,
    },
    /// Returning a late dossier needs an apology and a new date first.
    #[error("the dossier is late: record an apology with a new date (extend) before returning it")]
    ApologyRequired,
    /// The dossier's process does not allow this action at its current step.
    #[error("step(s) {steps} of the process do not allow {action}")]
    StepDoesNotAllow {
        /// The action asked.
        action: &'static str,
        /// Names of the current steps.
        steps: String,
    },
    /// A rating was already given.
    #[error("the dossier has already been rated")]
    AlreadyRated,
    /// Rating before the result was returned.
    #[error("a dossier can be rated only after its result is returned")]
    NotYetReturned,
    /// An attachment larger than allowed.
    #[error("attachment {name:?} is larger than {limit} bytes")]
    AttachmentTooLarge {
        /// File name.
        name: String,
        /// Limit in bytes.
        limit: u64,
    },
    /// An empty attachment.
    #[error("attachment {name:?} is empty")]
    AttachmentEmpty {
        /// File name.
        name: String,
    },
    /// An attachment whose content is not an accepted type.
    #[error("attachment {name:?} is not an accepted file type (detected: {detected})")]
    AttachmentTypeNotAllowed {
        /// File name.
        name: String,
        /// What the content looks like.
        detected: String,
    },
    /// An attachment whose name or declared type does not match its content.
    #[error("attachment {name:?} claims {claimed} but its content is {detected}")]
    AttachmentTypeMismatch {
        /// File name.
        name: String,
        /// What the name or header claims.
        claimed: String,
        /// What the content is.
        detected: String,
    },
    /// An attachment of an accepted type whose content is unsafe to keep or show.
    #[error("attachment {name:?} refused: {problem:?}")]
    AttachmentUnsafe {
        /// File name.
        name: String,
        /// What was found.
        problem: crate::attachment::Unsafe,
    },
    /// No such attachment.
    #[error("attachment not found")]
    AttachmentNotFound,
    /// A calendar problem (bad date, out of range).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A deadline rule was broken (second extension, date not later…).
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
}

impl DomainError {
    /// A required field is missing.
    pub fn required(field: &str, label: &str) -> Self {
        Self::FieldRequired {
            field: field.to_owned(),
            label: label.to_owned(),
        }
    }

    /// A field is invalid.
    pub fn invalid(field: &str, message: impl Into<String>, message_en: impl Into<String>) -> Self {
        Self::FieldInvalid(FieldIssue {
            field: field.to_owned(),
            message: message.into(),
            message_en: message_en.into(),
        })
    }

    /// Not allowed, with the reason.
    pub fn not_allowed(reason: impl Into<String>, reason_en: impl Into<String>) -> Self {
        Self::NotAllowed {
            reason: reason.into(),
            reason_en: reason_en.into(),
        }
    }

    /// Stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::FieldRequired { .. } => "field_required",
            Self::FieldInvalid(_) => "field_invalid",
            Self::FormInvalid(_) => "form_invalid",
            Self::UnknownProcedure { .. } => "procedure_not_found",
            Self::NoVersionInForce { .. } => "procedure_not_in_force",
            Self::ChannelNotOffered { .. } => "channel_not_offered",
            Self::UnknownAgency { .. } => "agency_not_found",
            Self::UnknownUnit { .. } => "unit_not_found",
            Self::UnknownOfficer { .. } => "officer_not_found",
            Self::InvalidDossierCode { .. } => "dossier_code_invalid",
            Self::DossierNotFound { .. } => "dossier_not_found",
            Self::UnknownAction { .. } => "action_unknown",
            Self::IllegalTransition { .. } => "transition_not_allowed",
            Self::NotAllowed { .. } => "forbidden",
            Self::ApologyRequired => "apology_required",
            Self::StepDoesNotAllow { .. } => "step_outcome_not_allowed",
            Self::AlreadyRated => "already_rated",
            Self::NotYetReturned => "not_yet_returned",
            Self::AttachmentTooLarge { .. } => "attachment_too_large",
            Self::AttachmentEmpty { .. } => "attachment_empty",
            Self::AttachmentTypeNotAllowed { .. } => "attachment_type_not_allowed",
            Self::AttachmentTypeMismatch { .. } => "attachment_type_mismatch",
            Self::AttachmentUnsafe { problem, .. } => problem.code(),
            Self::AttachmentNotFound => "attachment_not_found",
            Self::Calendar(e) => e.code(),
            Self::Deadline(e) => e.code(),
        }
    }

    /// Kind, for the HTTP status.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::FieldRequired { .. }
            | Self::FieldInvalid(_)
            | Self::FormInvalid(_)
            | Self::NoVersionInForce { .. }
            | Self::ChannelNotOffered { .. }
            | Self::UnknownAgency { .. }
            | Self::UnknownUnit { .. }
            | Self::UnknownOfficer { .. }
            | Self::InvalidDossierCode { .. }
            | Self::AttachmentEmpty { .. }
            | Self::AttachmentUnsafe { .. }
            | Self::Calendar(_) => ErrorKind::Invalid,
            Self::AttachmentTooLarge { .. } => ErrorKind::TooLarge,
            Self::AttachmentTypeNotAllowed { .. } | Self::AttachmentTypeMismatch { .. } => {
                ErrorKind::UnsupportedMedia
            }
            Self::AttachmentNotFound => ErrorKind::NotFound,
            Self::UnknownProcedure { .. }
            | Self::DossierNotFound { .. }
            | Self::UnknownAction { .. } => ErrorKind::NotFound,
            Self::NotAllowed { .. } => ErrorKind::Forbidden,
            Self::IllegalTransition { .. }
            | Self::ApologyRequired
            | Self::StepDoesNotAllow { .. }
            | Self::AlreadyRated
            | Self::NotYetReturned => ErrorKind::Conflict,
            Self::Deadline(DeadlineError::Calendar(_)) => ErrorKind::Invalid,
            Self::Deadline(_) => ErrorKind::Conflict,
        }
    }

    /// The field concerned, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::FieldRequired { field, .. } => Some(field),
            Self::FieldInvalid(issue) => Some(&issue.field),
            Self::FormInvalid(issues) => issues.first().map(|i| i.field.as_str()),
            _ => None,
        }
    }

    /// Every field issue (for forms that show errors next to each field).
    pub fn issues(&self) -> Vec<FieldIssue> {
        match self {
            Self::FormInvalid(issues) => issues.clone(),
            Self::FieldInvalid(issue) => vec![issue.clone()],
            Self::FieldRequired { field, label } => vec![FieldIssue {
                field: field.clone(),
                message: format!("Vui lòng nhập {label}"),
                message_en: format!("{field} is required"),
            }],
            _ => Vec::new(),
        }
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::FieldRequired { label, .. } => format!("Vui lòng nhập {label}"),
            Self::FieldInvalid(issue) => issue.message.clone(),
            Self::FormInvalid(issues) => {
                let list: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
                format!("Tờ khai chưa hợp lệ: {}", list.join("; "))
            }
            Self::UnknownProcedure { code } => format!("Không tìm thấy thủ tục hành chính mã {code}"),
            Self::NoVersionInForce { code, date } => format!(
                "Thủ tục {code} chưa có quy định áp dụng vào ngày {}",
                date.format("%d/%m/%Y")
            ),
            Self::ChannelNotOffered { code, channel } => format!(
                "Thủ tục {code} không tiếp nhận hồ sơ qua kênh {}",
                channel_vi(channel)
            ),
            Self::UnknownAgency { code } => format!("Không có cơ quan mã {code}"),
            Self::UnknownUnit { code } => format!("Không có đơn vị mã {code}"),
            Self::UnknownOfficer { username } => format!("Không có cán bộ {username}"),
            Self::InvalidDossierCode { input } => format!(
                "“{input}” không phải mã hồ sơ (dạng: mã cơ quan-YYMMDD-số thứ tự, ví dụ H15.50.05.13-261008-0975)"
            ),
            Self::DossierNotFound { code } => format!("Không tìm thấy hồ sơ {code}"),
            Self::UnknownAction { action } => format!("Không có thao tác “{action}”"),
            Self::IllegalTransition { action, status } => format!(
                "Không thể {} khi hồ sơ đang ở trạng thái “{}”",
                crate::status::ActionKind::label_vi_of(action),
                crate::status::Status::label_vi_of(status)
            ),
            Self::NotAllowed { reason, .. } => format!("Không được phép: {reason}"),
            Self::ApologyRequired => "Hồ sơ đã quá hạn: phải lập văn bản xin lỗi và hẹn lại ngày trả (gia hạn) trước khi trả kết quả".to_owned(),
            Self::StepDoesNotAllow { action, steps } => format!(
                "Quy trình không cho phép {} ở bước hiện tại ({steps})",
                crate::status::ActionKind::label_vi_of(action)
            ),
            Self::AlreadyRated => "Hồ sơ đã được đánh giá".to_owned(),
            Self::NotYetReturned => "Chỉ đánh giá được sau khi đã nhận kết quả".to_owned(),
            Self::AttachmentTooLarge { name, limit } => format!(
                "Tệp “{name}” vượt quá dung lượng cho phép ({} MB); hồ sơ không thay đổi",
                limit / (1024 * 1024)
            ),
            Self::AttachmentEmpty { name } => format!("Tệp “{name}” rỗng; vui lòng chọn lại tệp"),
            Self::AttachmentTypeNotAllowed { name, .. } => format!(
                "Tệp “{name}” không thuộc loại được chấp nhận (PDF, JPG, PNG, TIFF, WEBP, DOCX, XLSX, ODT, ODS)"
            ),
            Self::AttachmentTypeMismatch { name, claimed, detected } => format!(
                "Tệp “{name}” ghi là {claimed} nhưng nội dung là {detected}; vui lòng đính kèm đúng tệp"
            ),
            Self::AttachmentUnsafe { name, problem } => {
                format!("Tệp “{name}” không được nhận: {}", problem.message_vi())
            }
            Self::AttachmentNotFound => "Không tìm thấy tệp đính kèm".to_owned(),
            Self::Calendar(e) => e.message_vi(),
            Self::Deadline(e) => e.message_vi(),
        }
    }
}

fn channel_vi(channel: &str) -> &'static str {
    match channel {
        "online" => "trực tuyến",
        "counter" => "trực tiếp",
        "post" => "bưu chính",
        "assisted" => "hỗ trợ nộp",
        _ => "này",
    }
}
