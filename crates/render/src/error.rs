//! Errors of rendering, each with a stable code and a Vietnamese message.

/// What can go wrong making a document.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The form makes no sense for the dossier in its state (e.g. an apology for a dossier
    /// that was never extended).
    #[error("form {form} does not apply to this dossier: {reason_en}")]
    NotApplicable {
        /// The form's name.
        form: &'static str,
        /// Why, in Vietnamese.
        reason_vi: String,
        /// Why, in English.
        reason_en: String,
    },
    /// No such form.
    #[error("unknown form {0:?}")]
    UnknownForm(String),
    /// The wording data is malformed or has no set for the date.
    #[error("form wording: {0}")]
    Wording(String),
    /// The template did not compile (a bug or a broken override).
    #[error("typst: {0}")]
    Typst(String),
    /// PDF export failed.
    #[error("pdf: {0}")]
    Pdf(String),
    /// Excel export failed.
    #[error("xlsx: {0}")]
    Xlsx(String),
    /// The QR code could not be made.
    #[error("qr code: {0}")]
    Qr(String),
}

impl RenderError {
    /// Stable code for clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotApplicable { .. } => "form_not_applicable",
            Self::UnknownForm(_) => "unknown_form",
            Self::Wording(_) => "form_wording_invalid",
            Self::Typst(_) | Self::Pdf(_) | Self::Qr(_) => "render_failed",
            Self::Xlsx(_) => "export_failed",
        }
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::NotApplicable { reason_vi, .. } => reason_vi.clone(),
            Self::UnknownForm(f) => format!("Không có biểu mẫu “{f}”"),
            Self::Wording(e) => format!("Dữ liệu văn bản mẫu không hợp lệ: {e}"),
            Self::Typst(_) | Self::Pdf(_) | Self::Qr(_) => {
                "Không tạo được tệp PDF, vui lòng thử lại hoặc báo quản trị hệ thống".to_owned()
            }
            Self::Xlsx(_) => "Không tạo được tệp Excel".to_owned(),
        }
    }
}
