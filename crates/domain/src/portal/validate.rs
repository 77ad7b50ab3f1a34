//! What a portal record must satisfy, as one family of pure checks used on both
//! sides: the simulator applies [`validate_record`] and [`validate_steps`] to what we
//! push (spec/national-portal.md §9.3, our design), and our inbox applies
//! [`validate_inbound`] to what the portal delivers. Each check returns every
//! problem at once, each with a stable code, the field, and a Vietnamese reason
//! (English second), so a refusal tells the other side everything to fix.

use std::collections::{BTreeSet, HashSet};

use super::date;
use super::record::{DossierRecord, OwnerId, ProcessStep, SUMMARY_MAX_CHARS, SubmittedFile};
use super::status::PortalStatus;
use crate::catalog::Catalog;

/// Most process steps in one `CapNhatTienDoHoSoMC` call ([TD] sends 10).
pub const MAX_STEPS_PER_CALL: usize = 10;

/// One problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Stable snake_case code.
    pub code: &'static str,
    /// The portal field concerned (`MaTTHC`, `DinhDanhCHS[0].SoDinhDanh`, `data`…).
    pub field: String,
    /// What is wrong, in Vietnamese.
    pub reason: String,
    /// What is wrong, in English.
    pub reason_en: String,
}

impl Problem {
    fn new(
        code: &'static str,
        field: impl Into<String>,
        reason: impl Into<String>,
        reason_en: impl Into<String>,
    ) -> Self {
        Problem {
            code,
            field: field.into(),
            reason: reason.into(),
            reason_en: reason_en.into(),
        }
    }

    fn required(field: &str) -> Self {
        Problem::new(
            "portal_field_required",
            field,
            format!("Thiếu trường bắt buộc {field}"),
            format!("{field} is required"),
        )
    }
}

/// All problems as one line for a reply message: `field: reason; field: reason`.
pub fn summarize(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The national procedure codes a check accepts (the portal's catalogue, or ours).
pub trait KnownProcedures {
    /// Whether `code` is a known MaTTHC.
    fn knows(&self, code: &str) -> bool;
}

impl KnownProcedures for [&str] {
    fn knows(&self, code: &str) -> bool {
        self.contains(&code)
    }
}

impl KnownProcedures for [String] {
    fn knows(&self, code: &str) -> bool {
        self.iter().any(|c| c == code)
    }
}

impl KnownProcedures for BTreeSet<String> {
    fn knows(&self, code: &str) -> bool {
        self.contains(code)
    }
}

impl KnownProcedures for HashSet<String> {
    fn knows(&self, code: &str) -> bool {
        self.contains(code)
    }
}

impl KnownProcedures for Catalog {
    fn knows(&self, code: &str) -> bool {
        self.get(code).is_some()
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Checks one date field, if present; returns the parsed instant.
fn check_date(
    out: &mut Vec<Problem>,
    field: &str,
    value: Option<&str>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    let value = value?;
    match date::parse(value) {
        Ok(t) => Some(t),
        Err(e) => {
            out.push(Problem::new(e.code(), field, e.message_vi(), e.to_string()));
            None
        }
    }
}

fn check_code(out: &mut Vec<Problem>, code: &'static str, field: &str, value: u8, ok: &[u8]) {
    if !ok.contains(&value) {
        let list: Vec<String> = ok.iter().map(u8::to_string).collect();
        out.push(Problem::new(
            code,
            field,
            format!(
                "{field} = {value} không hợp lệ (chỉ nhận {})",
                list.join(", ")
            ),
            format!("{field} = {value} is not one of {}", list.join(", ")),
        ));
    }
}

/// Checks an identity number against its type: 1 → 12 digits, 2 → 9 digits.
fn check_owner_id(out: &mut Vec<Problem>, i: usize, id: &OwnerId) {
    let field = format!("DinhDanhCHS[{i}].SoDinhDanh");
    let digits = id.number.bytes().all(|b| b.is_ascii_digit());
    let (len, label) = match id.kind {
        1 => (12, "Số định danh cá nhân"),
        2 => (9, "Số chứng minh nhân dân"),
        k => {
            out.push(Problem::new(
                "portal_id_type_invalid",
                format!("DinhDanhCHS[{i}].LoaiDinhDanh"),
                format!("Loại định danh {k} không hợp lệ (1: số định danh cá nhân, 2: CMND 9 số)"),
                format!("LoaiDinhDanh {k} is not 1 or 2"),
            ));
            return;
        }
    };
    if !digits || id.number.len() != len {
        out.push(Problem::new(
            "portal_id_number_invalid",
            field,
            format!(
                "{label} phải gồm {len} chữ số (nhận được {} ký tự)",
                id.number.chars().count()
            ),
            format!("an ID of type {} must be {len} digits", id.kind),
        ));
    }
}

/// The later of two dates must not come first.
fn check_order(
    out: &mut Vec<Problem>,
    earlier: (&str, Option<chrono::DateTime<chrono::Utc>>),
    later: (&str, Option<chrono::DateTime<chrono::Utc>>),
) {
    if let ((a, Some(x)), (b, Some(y))) = (earlier, later)
        && y < x
    {
        out.push(Problem::new(
            "portal_date_order",
            b,
            format!("{b} không được trước {a}"),
            format!("{b} is before {a}"),
        ));
    }
}

/// Checks a dossier record as the portal receives it from a province.
pub fn validate_record<K: KnownProcedures + ?Sized>(r: &DossierRecord, known: &K) -> Vec<Problem> {
    let mut out = Vec::new();
    for (field, value) in [
        ("MaHoSo", &r.code),
        ("MaTTHC", &r.procedure_code),
        ("TenTTHC", &r.procedure_name),
        ("ChuHoSo", &r.owner_name),
        ("TrichYeuHoSo", &r.summary),
    ] {
        if blank(value) {
            out.push(Problem::required(field));
        }
    }
    if r.code.chars().any(char::is_whitespace) && !blank(&r.code) {
        out.push(Problem::new(
            "portal_code_invalid",
            "MaHoSo",
            "Mã hồ sơ không được chứa khoảng trắng",
            "MaHoSo must not contain spaces",
        ));
    }
    if !blank(&r.procedure_code) && !known.knows(r.procedure_code.trim()) {
        out.push(Problem::new(
            "portal_procedure_unknown",
            "MaTTHC",
            format!(
                "Mã thủ tục {} không có trong danh mục TTHC quốc gia",
                r.procedure_code
            ),
            format!("procedure {} is not in the catalogue", r.procedure_code),
        ));
    }
    let chars = r.summary.chars().count();
    if chars > SUMMARY_MAX_CHARS {
        out.push(Problem::new(
            "portal_summary_too_long",
            "TrichYeuHoSo",
            format!("Trích yếu dài {chars} ký tự, tối đa {SUMMARY_MAX_CHARS}"),
            format!("summary has {chars} characters, {SUMMARY_MAX_CHARS} at most"),
        ));
    }
    let status = PortalStatus::from_code(r.status);
    if status.is_none() {
        out.push(Problem::new(
            "portal_status_invalid",
            "TrangThaiHoSo",
            format!("Trạng thái hồ sơ {} không hợp lệ (từ 1 đến 10)", r.status),
            format!("TrangThaiHoSo {} is not in 1..=10", r.status),
        ));
    }
    check_code(
        &mut out,
        "portal_channel_invalid",
        "KenhThucHien",
        r.channel,
        &[1, 2, 3],
    );
    check_code(
        &mut out,
        "portal_owner_kind_invalid",
        "LoaiDoiTuong",
        r.owner_kind,
        &[1, 2, 3, 4],
    );
    check_code(
        &mut out,
        "portal_online_payment_invalid",
        "DuocThanhToanTrucTuyen",
        r.online_payment,
        &[1, 2, 3],
    );
    if let Some(m) = r.return_method {
        check_code(
            &mut out,
            "portal_return_method_invalid",
            "HinhThuc",
            m,
            &[0, 1, 2],
        );
    }

    // Dates: each well formed, the ones the status implies present, in order.
    let submitted = check_date(&mut out, "NgayNopHoSo", r.submitted_at.as_deref());
    let received = check_date(&mut out, "NgayTiepNhan", r.received_at.as_deref());
    let due = check_date(&mut out, "NgayHenTra", r.due_at.as_deref());
    let finished = check_date(&mut out, "NgayKetThucXuLy", r.finished_at.as_deref());
    let returned = check_date(&mut out, "NgayTra", r.returned_at.as_deref());
    let refused = check_date(&mut out, "NgayTuChoi", r.refused_at.as_deref());
    let mut needed = vec![("NgayNopHoSo", r.submitted_at.is_some())];
    let code = status.map_or(0, PortalStatus::code);
    if [2, 4, 6, 9, 10].contains(&code) {
        needed.push(("NgayTiepNhan", r.received_at.is_some()));
        needed.push(("NgayHenTra", r.due_at.is_some()));
    }
    if [9, 10].contains(&code) {
        needed.push(("NgayKetThucXuLy", r.finished_at.is_some()));
    }
    if code == 10 {
        needed.push(("NgayTra", r.returned_at.is_some()));
    }
    if code == 3 {
        needed.push(("NgayTuChoi", r.refused_at.is_some()));
    }
    for (field, present) in needed {
        if !present {
            out.push(Problem::required(field));
        }
    }
    check_order(
        &mut out,
        ("NgayNopHoSo", submitted),
        ("NgayTiepNhan", received),
    );
    check_order(&mut out, ("NgayTiepNhan", received), ("NgayHenTra", due));
    check_order(
        &mut out,
        ("NgayTiepNhan", received),
        ("NgayKetThucXuLy", finished),
    );
    check_order(
        &mut out,
        ("NgayKetThucXuLy", finished),
        ("NgayTra", returned),
    );
    check_order(
        &mut out,
        ("NgayNopHoSo", submitted),
        ("NgayTuChoi", refused),
    );

    for (i, id) in r.owner_ids.iter().enumerate() {
        check_owner_id(&mut out, i, id);
    }
    for (i, f) in r.fees.iter().enumerate() {
        if blank(&f.name) {
            out.push(Problem::required(&format!(
                "DanhSachLePhi[{i}].TenPhiLePhi"
            )));
        }
        if f.amount < 0 {
            out.push(Problem::new(
                "portal_fee_amount_invalid",
                format!("DanhSachLePhi[{i}].Gia"),
                "Số tiền phí, lệ phí không được âm",
                "a fee amount cannot be negative",
            ));
        }
    }
    for (i, s) in r.supplements.iter().enumerate() {
        let p = |f: &str| format!("DanhSachHoSoBoSung[{i}].{f}");
        check_date(&mut out, &p("NgayBoSung"), s.requested_at.as_deref());
        check_date(
            &mut out,
            &p("NgayTiepNhanBoSung"),
            s.completed_at.as_deref(),
        );
        check_date(&mut out, &p("NgayHenTraTruoc"), s.due_before.as_deref());
        check_date(&mut out, &p("NgayHenTraMoi"), s.due_after.as_deref());
    }
    for (i, f) in r.files.iter().enumerate() {
        if blank(&f.name) {
            out.push(Problem::required(&format!("TaiLieuNop[{i}].TenTepDinhKem")));
        }
    }
    out
}

/// Whether a submitted-file entry carries a file at all (a URL or content).
fn file_is_empty(f: &SubmittedFile) -> bool {
    let url = f.url.as_deref().is_none_or(blank);
    let content = f.content_base64.as_deref().is_none_or(blank);
    url && content
}

/// Checks a dossier the portal delivers to our inbox: everything of
/// [`validate_record`], plus what a new online filing must be — status 1, channel
/// 2, a code we can keep as a dossier code, and no empty attachment entry.
pub fn validate_inbound<K: KnownProcedures + ?Sized>(r: &DossierRecord, known: &K) -> Vec<Problem> {
    let mut out = validate_record(r, known);
    if !blank(&r.code) && crate::code::DossierCode::parse(&r.code).is_err() {
        out.push(Problem::new(
            "portal_code_invalid",
            "MaHoSo",
            format!("“{}” không phải mã hồ sơ hợp lệ", r.code),
            format!("{:?} is not a dossier code", r.code),
        ));
    }
    if r.status != PortalStatus::NewlySubmitted.code()
        && PortalStatus::from_code(r.status).is_some()
    {
        out.push(Problem::new(
            "portal_inbound_status",
            "TrangThaiHoSo",
            format!(
                "Hồ sơ mới nộp phải ở trạng thái 1 (Mới đăng ký), nhận được {}",
                r.status
            ),
            format!("a new filing has status 1, not {}", r.status),
        ));
    }
    if r.channel != 2 && [1, 3].contains(&r.channel) {
        out.push(Problem::new(
            "portal_inbound_channel",
            "KenhThucHien",
            format!(
                "Hồ sơ nộp trên Cổng DVCQG phải là kênh trực tuyến (2), nhận được {}",
                r.channel
            ),
            format!("a portal filing is channel 2, not {}", r.channel),
        ));
    }
    for (i, f) in r.files.iter().enumerate() {
        if !f.deleted && file_is_empty(f) {
            out.push(Problem::new(
                "portal_file_entry_empty",
                format!("TaiLieuNop[{i}]"),
                format!(
                    "Tệp “{}” không có đường dẫn tải và không có nội dung",
                    f.name
                ),
                "an attachment entry has neither a URL nor content",
            ));
        }
    }
    out
}

/// Checks one process step.
pub fn validate_step(s: &ProcessStep) -> Vec<Problem> {
    let mut out = Vec::new();
    for (field, value) in [
        ("MaHoSo", &s.code),
        ("NguoiXuLy", &s.handler),
        ("ThoiDiemXuLy", &s.at),
        ("NoiDungXuLy", &s.content),
    ] {
        if blank(value) {
            out.push(Problem::required(field));
        }
    }
    if !blank(&s.at) {
        check_date(&mut out, "ThoiDiemXuLy", Some(&s.at));
    }
    check_date(&mut out, "NgayBatDau", s.started_at.as_deref());
    check_date(&mut out, "NgayKetThucTheoQuyDinh", s.step_due_at.as_deref());
    if PortalStatus::from_code(s.status).is_none() {
        out.push(Problem::new(
            "portal_status_invalid",
            "TrangThai",
            format!("Trạng thái {} không hợp lệ (từ 1 đến 10)", s.status),
            format!("TrangThai {} is not in 1..=10", s.status),
        ));
    }
    out
}

/// Checks one `CapNhatTienDoHoSoMC` call: 1 to [`MAX_STEPS_PER_CALL`] steps, each valid.
pub fn validate_steps(steps: &[ProcessStep]) -> Vec<Problem> {
    let mut out = Vec::new();
    if steps.is_empty() {
        out.push(Problem::required("data"));
    }
    if steps.len() > MAX_STEPS_PER_CALL {
        out.push(Problem::new(
            "portal_too_many_steps",
            "data",
            format!(
                "Mỗi lần chỉ cập nhật tối đa {MAX_STEPS_PER_CALL} bước xử lý, nhận được {}",
                steps.len()
            ),
            format!(
                "{} steps in one call, {MAX_STEPS_PER_CALL} at most",
                steps.len()
            ),
        ));
    }
    for (i, s) in steps.iter().enumerate() {
        for mut p in validate_step(s) {
            p.field = format!("data[{i}].{}", p.field);
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
