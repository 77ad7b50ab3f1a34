//! Documents people print or download: the one-stop forms of TT 03/2025/TT-VPCP as PDF
//! (typst templates, fonts in the binary), the dossier register as PDF and Excel, and the
//! papers of fees (`payment`: the e-receipt, the reconciliation workbook).
//!
//! Pure data first (`forms`, `register`: what a paper says, from the dossier and its
//! events), then layout (`engine`: the templates). Legal wording lives in
//! `data/wording.toml` with validity dates, not in the templates.

pub mod chart;
pub mod diagram;
mod engine;
mod error;
pub mod forms;
pub mod payment;
pub mod qr;
pub mod register;
pub mod stats;
pub mod wording;

pub use engine::{Engine, Rendered};
pub use error::RenderError;
pub use forms::{Form, FormContext};
pub use payment::{
    EReceipt, ReceiptAccount, ReceiptExemption, ReceiptLine, SlipPayment, amount_in_words_vi,
    reconciliation_xlsx,
};
pub use register::{Register, RegisterRow};
pub use wording::Wording;

/// Renders one form of one dossier.
pub fn render_form(
    engine: &Engine,
    form: Form,
    dossier: &motcua_domain::Dossier,
    ctx: &FormContext<'_>,
) -> Result<Rendered, RenderError> {
    let data = forms::form_data(form, dossier, ctx)?;
    engine.render(&format!("{}.typ", form.as_str()), &data)
}
