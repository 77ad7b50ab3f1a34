//! The names both sides of the wire agree on: the paths, the `service` values of
//! `POST /dvcqg` (spec/national-portal.md §1, [OCPS]) and the reply codes the
//! simulator uses. Codes other than 0 and 3 are ours: the portal's full list is not
//! public (spec §8 question 1).

/// Token endpoint (OAuth2 client credentials, as the LGSP/NGSP gateways do).
pub const TOKEN_PATH: &str = "/auth/token";
/// The one service endpoint; the body's `service` field picks the operation.
pub const SERVICE_PATH: &str = "/dvcqg";
/// The population database lookup (CSDL quốc gia về dân cư).
pub const CITIZEN_LOOKUP_PATH: &str = "/csdl-dancu/tra-cuu";

/// `service` values.
pub mod service {
    /// Insert or update dossiers (`isUpdating` "False"/"True").
    pub const SYNC_DOSSIER: &str = "DongBoHoSoMC";
    /// Append process steps.
    pub const PUSH_STEPS: &str = "CapNhatTienDoHoSoMC";
    /// Look up a dossier by code (`mahoso`).
    pub const LOOKUP_DOSSIER: &str = "TraCuuHoSo";
    /// The procedure catalogue.
    pub const PROCEDURES: &str = "LayDanhSachTTHC";
    /// One procedure (`maTTHC`).
    pub const PROCEDURE: &str = "LayThuTuc";
    /// The agency catalogue.
    pub const AGENCIES: &str = "LayDanhMucCoQuan";
    /// The sector catalogue.
    pub const SECTORS: &str = "LayDanhMucLinhVuc";
}

/// `isUpdating` as [OCPS] writes it.
pub fn is_updating_text(updating: bool) -> &'static str {
    if updating { "True" } else { "False" }
}

/// Reads `isUpdating`; `None` when it is neither true nor false.
pub fn parse_is_updating(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Reply codes.
pub mod code {
    /// Success.
    pub const OK: i64 = 0;
    /// The message was read and refused (validation; the message lists why).
    pub const INVALID: i64 = -1;
    /// Insert of a dossier the portal has ("đã tồn tại"), as [TD] handles it.
    pub const EXISTS: i64 = 3;
    /// Update or steps for a dossier the portal does not have (ours).
    pub const NOT_FOUND: i64 = 4;
    /// An update whose status change is not allowed (ours).
    pub const TRANSITION: i64 = 5;
    /// Unknown `service` or `madonvi` (ours).
    pub const UNSUPPORTED: i64 = 6;
}
