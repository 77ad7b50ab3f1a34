//! The typst engine: templates and fonts compiled into the binary, built once (its caches
//! make later renders fast), data passed as JSON in `sys.inputs.data`.

use std::sync::Mutex;

use serde_json::Value;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::TypstEngine;
use typst_as_lib::TypstTemplateCollection;
use typst_layout::PagedDocument;

use crate::RenderError;

const FONTS: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];

const TEMPLATES: [(&str, &str); 10] = [
    ("common.typ", include_str!("../templates/common.typ")),
    ("receipt.typ", include_str!("../templates/receipt.typ")),
    (
        "supplement-request.typ",
        include_str!("../templates/supplement-request.typ"),
    ),
    ("refusal.typ", include_str!("../templates/refusal.typ")),
    (
        "control-slip.typ",
        include_str!("../templates/control-slip.typ"),
    ),
    ("apology.typ", include_str!("../templates/apology.typ")),
    (
        "stop-notice.typ",
        include_str!("../templates/stop-notice.typ"),
    ),
    ("register.typ", include_str!("../templates/register.typ")),
    ("e-receipt.typ", include_str!("../templates/e-receipt.typ")),
    (
        "stats-report.typ",
        include_str!("../templates/stats-report.typ"),
    ),
];

/// A rendered PDF with the compiler's warnings (a missing font family is only a warning in
/// typst, so tests insist there are none).
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// Compiler warnings.
    pub warnings: Vec<String>,
}

/// Makes PDFs from the templates. Cheap to share; one compilation at a time, as typst's
/// world is not built for concurrent use.
pub struct Engine {
    inner: Mutex<TypstEngine<TypstTemplateCollection>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// Loads the fonts and templates.
    pub fn new() -> Self {
        let engine = TypstEngine::builder()
            .fonts(FONTS)
            .with_static_source_file_resolver(TEMPLATES)
            .build();
        Self {
            inner: Mutex::new(engine),
        }
    }

    /// Renders `template` (e.g. `receipt.typ`) with `data`.
    pub fn render(&self, template: &str, data: &Value) -> Result<Rendered, RenderError> {
        let mut inputs = Dict::new();
        inputs.insert("data".into(), data.to_string().into_value());
        let engine = self
            .inner
            .lock()
            .map_err(|_| RenderError::Typst("engine poisoned by an earlier panic".into()))?;
        let warned = engine.compile_with_input::<_, _, PagedDocument>(template, inputs);
        drop(engine);
        let warnings = warned
            .warnings
            .iter()
            .map(|w| w.message.to_string())
            .collect();
        let doc = warned
            .output
            .map_err(|e| RenderError::Typst(e.to_string()))?;
        let pdf = typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).map_err(|errs| {
            RenderError::Pdf(
                errs.iter()
                    .map(|e| e.message.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        Ok(Rendered { pdf, warnings })
    }
}
