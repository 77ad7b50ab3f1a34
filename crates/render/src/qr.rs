//! QR codes as SVG, for the lookup address printed on every form.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::RenderError;

/// An SVG QR code for `text` (level M: survives a crease or a stamp on the paper).
pub fn svg(text: &str) -> Result<String, RenderError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| RenderError::Qr(e.to_string()))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(200, 200)
        .build())
}
