//! The portal's wire records, with its field names (spec/national-portal.md §2–3):
//! the dossier record of `DongBoHoSoMC`, the process step of `CapNhatTienDoHoSoMC`,
//! the catalogue entries of the lookups, and the `{error_code, message}` reply.
//! Dates are the portal's `yyyyMMddHHmmss` strings (see [`super::date`]); optional
//! fields are left out when empty; unknown fields are ignored (the portal may add
//! some), and every field has a default so that a record missing a required field
//! reaches [`super::validate`] and is refused with a reason, not a parse error.

use serde::{Deserialize, Serialize};

use super::wire;

/// Longest `TrichYeuHoSo` the portal takes, in characters ([TD] cuts it there).
pub const SUMMARY_MAX_CHARS: usize = 1000;

/// A dossier as the portal stores it (hồ sơ đồng bộ, `DongBoHoSoMC` data item).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DossierRecord {
    /// Mã hồ sơ: our dossier code (required).
    #[serde(rename = "MaHoSo")]
    pub code: String,
    /// Mã TTHC: the national procedure code (required).
    #[serde(rename = "MaTTHC")]
    pub procedure_code: String,
    /// Tên TTHC.
    #[serde(rename = "TenTTHC")]
    pub procedure_name: String,
    /// Mã lĩnh vực.
    #[serde(rename = "MaLinhVuc", skip_serializing_if = "Option::is_none")]
    pub sector_code: Option<String>,
    /// Tên lĩnh vực.
    #[serde(rename = "TenLinhVuc", skip_serializing_if = "Option::is_none")]
    pub sector_name: Option<String>,
    /// Số biên nhận (optional in [OCPS]).
    #[serde(rename = "SoBienNhan", skip_serializing_if = "Option::is_none")]
    pub receipt_number: Option<String>,
    /// Chủ hồ sơ: the applicant's name (required).
    #[serde(rename = "ChuHoSo")]
    pub owner_name: String,
    /// Số giấy tờ chủ hồ sơ: personal ID number or tax code.
    #[serde(rename = "SoGiayToChuHoSo", skip_serializing_if = "Option::is_none")]
    pub owner_id_number: Option<String>,
    /// Loại đối tượng: 1 citizen, 2 enterprise, 3 state body, 4 other organisation.
    #[serde(rename = "LoaiDoiTuong", with = "wire::code")]
    pub owner_kind: u8,
    /// Mã đối tượng: the owner's portal account (TechID), for online dossiers.
    #[serde(rename = "MaDoiTuong", skip_serializing_if = "Option::is_none")]
    pub owner_account: Option<String>,
    /// Email.
    #[serde(rename = "Email", skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Số điện thoại.
    #[serde(rename = "SoDienThoai", skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Trích yếu hồ sơ: summary, at most [`SUMMARY_MAX_CHARS`] characters.
    #[serde(rename = "TrichYeuHoSo")]
    pub summary: String,
    /// Ghi chú.
    #[serde(rename = "GhiChu", skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Đơn vị xử lý: the handling agency's name.
    #[serde(rename = "DonViXuLy", skip_serializing_if = "Option::is_none")]
    pub handling_agency: Option<String>,
    /// Ngày nộp hồ sơ.
    #[serde(rename = "NgayNopHoSo", skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
    /// Ngày tiếp nhận.
    #[serde(rename = "NgayTiepNhan", skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// Ngày hẹn trả: the current appointment.
    #[serde(rename = "NgayHenTra", skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    /// Ngày kết thúc xử lý: when processing ended (decided, refused, stopped…).
    #[serde(rename = "NgayKetThucXuLy", skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// Ngày trả: when the result was handed over.
    #[serde(rename = "NgayTra", skip_serializing_if = "Option::is_none")]
    pub returned_at: Option<String>,
    /// Ngày từ chối.
    #[serde(rename = "NgayTuChoi", skip_serializing_if = "Option::is_none")]
    pub refused_at: Option<String>,
    /// Trạng thái hồ sơ, 1–10 (see [`super::status::PortalStatus`]).
    #[serde(rename = "TrangThaiHoSo", with = "wire::code")]
    pub status: u8,
    /// Kênh thực hiện: 1 in person, 2 online, 3 public post.
    #[serde(rename = "KenhThucHien", with = "wire::code")]
    pub channel: u8,
    /// Hình thức trả kết quả: 0 at the desk, 1 by post ([OCPS], unconfirmed); 2
    /// electronically is our extension.
    #[serde(
        rename = "HinhThuc",
        with = "wire::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub return_method: Option<u8>,
    /// Tài liệu nộp: the submitted files.
    #[serde(rename = "TaiLieuNop")]
    pub files: Vec<SubmittedFile>,
    /// Danh sách lệ phí: fees and charges.
    #[serde(rename = "DanhSachLePhi")]
    pub fees: Vec<FeeItem>,
    /// Danh sách giấy tờ kết quả: result documents.
    #[serde(rename = "DanhSachGiayToKetQua")]
    pub results: Vec<ResultDocument>,
    /// Danh sách hồ sơ bổ sung: supplement requests and their completion.
    #[serde(rename = "DanhSachHoSoBoSung")]
    pub supplements: Vec<SupplementEntry>,
    /// Hồ sơ có thành phần số hóa: some part was digitised.
    #[serde(rename = "HoSoCoThanhPhanSoHoa", with = "wire::flag")]
    pub has_digitised_parts: bool,
    /// Tài khoản được xác thực với VNeID.
    #[serde(rename = "TaiKhoanDuocXacThucVoiVNeID", with = "wire::flag")]
    pub vneid_verified: bool,
    /// Được thanh toán trực tuyến: 1 through the portal's payment platform, 2 through
    /// the province's gateway, 3 not paid online (one-stop.md §8; [TD]).
    #[serde(rename = "DuocThanhToanTrucTuyen", with = "wire::code")]
    pub online_payment: u8,
    /// Định danh chủ hồ sơ: the owner's identity numbers.
    #[serde(rename = "DinhDanhCHS")]
    pub owner_ids: Vec<OwnerId>,
}

/// A submitted file (tài liệu nộp, `TaiLieuNop[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SubmittedFile {
    /// Tệp đính kèm ID.
    #[serde(rename = "TepDinhKemId")]
    pub file_id: String,
    /// Tên tệp đính kèm.
    #[serde(rename = "TenTepDinhKem")]
    pub name: String,
    /// Is deleted.
    #[serde(rename = "IsDeleted", with = "wire::boolean")]
    pub deleted: bool,
    /// Mã thành phần hồ sơ: which required document it is.
    #[serde(rename = "MaThanhPhanHoSo", skip_serializing_if = "Option::is_none")]
    pub component_code: Option<String>,
    /// Đường dẫn tải tệp tin: a URL the portal can download.
    #[serde(rename = "DuongDanTaiTepTin", skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Được số hóa.
    #[serde(rename = "DuocSoHoa", with = "wire::flag")]
    pub digitised: bool,
    /// Được tái sử dụng: taken from an earlier dossier or the citizen's store.
    #[serde(rename = "DuocTaiSuDung", with = "wire::flag")]
    pub reused: bool,
    /// Được lấy từ kho dữ liệu quốc gia.
    #[serde(rename = "DuocLayTuKhoDMQG", with = "wire::flag")]
    pub from_national_store: bool,
    /// Mã kết quả thay thế.
    #[serde(rename = "MaKetQuaThayThe", skip_serializing_if = "Option::is_none")]
    pub replaces_result: Option<String>,
    /// The file itself, base64 (our extension for inbound deliveries; the portal's
    /// own way to hand files over is unconfirmed, see spec §8 question 2).
    #[serde(rename = "NoiDungTep", skip_serializing_if = "Option::is_none")]
    pub content_base64: Option<String>,
}

/// A fee line (`DanhSachLePhi[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FeeItem {
    /// Tên phí, lệ phí.
    #[serde(rename = "TenPhiLePhi")]
    pub name: String,
    /// Mã phí, lệ phí.
    #[serde(rename = "MaPhiLePhi", skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Hình thức thu (codes unconfirmed: passed through as given).
    #[serde(rename = "HinhThucThu", skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Giá: amount in đồng.
    #[serde(rename = "Gia")]
    pub amount: i64,
    /// Loại phí, lệ phí: 1 phí (charge), 2 lệ phí (fee) — our reading, unconfirmed.
    #[serde(rename = "LoaiPhiLePhi", with = "wire::code")]
    pub kind: u8,
}

/// A result document (`DanhSachGiayToKetQua[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ResultDocument {
    /// Tên giấy tờ.
    #[serde(rename = "TenGiayTo")]
    pub name: String,
    /// Mã thành phần hồ sơ.
    #[serde(rename = "MaThanhPhanHoSo", skip_serializing_if = "Option::is_none")]
    pub component_code: Option<String>,
    /// Giấy tờ ID.
    #[serde(rename = "GiayToId", skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    /// Đường dẫn tệp tin kết quả: a URL the portal can download.
    #[serde(
        rename = "DuongDanTepTinKetQua",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<String>,
    /// Mã giấy tờ kết quả ([TD]).
    #[serde(rename = "MaGiayToKetQua", skip_serializing_if = "Option::is_none")]
    pub result_code: Option<String>,
}

/// One supplement request and its completion (`DanhSachHoSoBoSung[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SupplementEntry {
    /// Hồ sơ bổ sung ID (ours: the request event's sequence number).
    #[serde(rename = "HoSoBoSungId")]
    pub id: String,
    /// Người yêu cầu bổ sung.
    #[serde(rename = "NguoiYeuCauBoSung", skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
    /// Nội dung bổ sung: what was asked for.
    #[serde(rename = "NoiDungBoSung", skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Ngày bổ sung: when it was asked (our reading of the field; unconfirmed).
    #[serde(rename = "NgayBoSung", skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<String>,
    /// Người tiếp nhận bổ sung.
    #[serde(
        rename = "NguoiTiepNhanBoSung",
        skip_serializing_if = "Option::is_none"
    )]
    pub received_by: Option<String>,
    /// Ngày tiếp nhận bổ sung: when the papers came in.
    #[serde(rename = "NgayTiepNhanBoSung", skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    /// Trạng thái bổ sung: 0 waiting, 1 completed (our codes; unconfirmed).
    #[serde(
        rename = "TrangThaiBoSung",
        with = "wire::opt_code",
        skip_serializing_if = "Option::is_none"
    )]
    pub state: Option<u8>,
    /// Ngày hẹn trả trước: the appointment before the request.
    #[serde(rename = "NgayHenTraTruoc", skip_serializing_if = "Option::is_none")]
    pub due_before: Option<String>,
    /// Ngày hẹn trả mới: the appointment after the completion.
    #[serde(rename = "NgayHenTraMoi", skip_serializing_if = "Option::is_none")]
    pub due_after: Option<String>,
}

/// An identity number of the owner (`DinhDanhCHS[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OwnerId {
    /// Loại định danh: 1 personal ID (12 digits), 2 old ID card (9 digits).
    #[serde(rename = "LoaiDinhDanh", with = "wire::code")]
    pub kind: u8,
    /// Số định danh.
    #[serde(rename = "SoDinhDanh")]
    pub number: String,
}

/// One process step (tiến độ xử lý, `CapNhatTienDoHoSoMC` data item).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcessStep {
    /// Mã hồ sơ.
    #[serde(rename = "MaHoSo")]
    pub code: String,
    /// Người xử lý.
    #[serde(rename = "NguoiXuLy")]
    pub handler: String,
    /// Chức danh.
    #[serde(rename = "ChucDanh", skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Thời điểm xử lý.
    #[serde(rename = "ThoiDiemXuLy")]
    pub at: String,
    /// Phòng ban xử lý.
    #[serde(rename = "PhongBanXuLy", skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Nội dung xử lý.
    #[serde(rename = "NoiDungXuLy")]
    pub content: String,
    /// Trạng thái: the dossier's portal status after the step.
    #[serde(rename = "TrangThai", with = "wire::code")]
    pub status: u8,
    /// Ngày bắt đầu: when the step began.
    #[serde(rename = "NgayBatDau", skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// Ngày kết thúc theo quy định: the step's deadline.
    #[serde(
        rename = "NgayKetThucTheoQuyDinh",
        skip_serializing_if = "Option::is_none"
    )]
    pub step_due_at: Option<String>,
}

/// The portal's answer `{error_code, message}`; `error_code` may come as a number or
/// a string, and `0`, `"0"` and `"00"` all mean success.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Reply {
    /// The code as sent.
    #[serde(with = "wire::reply_code")]
    pub error_code: String,
    /// The message.
    pub message: String,
}

/// The reply code of "already exists" on insert ([TD] also accepts −3).
pub const CODE_EXISTS: i64 = 3;

impl Reply {
    /// A reply with a numeric code.
    pub fn new(error_code: i64, message: impl Into<String>) -> Self {
        Reply {
            error_code: error_code.to_string(),
            message: message.into(),
        }
    }

    /// The code as a number, if it is one.
    pub fn code_number(&self) -> Option<i64> {
        self.error_code.trim().parse().ok()
    }

    /// Whether the call succeeded.
    pub fn is_ok(&self) -> bool {
        self.code_number() == Some(0)
    }

    /// Whether an insert was refused because the dossier exists ("đã tồn tại").
    pub fn is_exists(&self) -> bool {
        let code = self.code_number();
        code == Some(CODE_EXISTS)
            || code == Some(-CODE_EXISTS)
            || crate::text::fold(&self.message).contains("da ton tai")
    }
}

/// A procedure of the portal's catalogue (`LayDanhSachTTHC`, `LayThuTuc`; field
/// names in the catalogues' upper-case style, unconfirmed for procedures).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcedureEntry {
    /// Mã TTHC.
    #[serde(rename = "MATTHC")]
    pub code: String,
    /// Tên TTHC.
    #[serde(rename = "TENTTHC")]
    pub name: String,
    /// Mã lĩnh vực.
    #[serde(rename = "MALINHVUC", skip_serializing_if = "Option::is_none")]
    pub sector_code: Option<String>,
    /// Tên lĩnh vực.
    #[serde(rename = "TENLINHVUC", skip_serializing_if = "Option::is_none")]
    pub sector_name: Option<String>,
}

/// An agency of the portal's catalogue (`LayDanhMucCoQuan`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AgencyEntry {
    /// Mã đơn vị.
    #[serde(rename = "MADONVI")]
    pub code: String,
    /// Tên đơn vị.
    #[serde(rename = "TENDONVI")]
    pub name: String,
    /// Cấp đơn vị.
    #[serde(rename = "CAPDONVI", skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
}

/// A sector of the portal's catalogue (`LayDanhMucLinhVuc`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SectorEntry {
    /// Mã lĩnh vực.
    #[serde(rename = "MALINHVUC")]
    pub code: String,
    /// Tên lĩnh vực.
    #[serde(rename = "TENLINHVUC")]
    pub name: String,
    /// Mã ngành.
    #[serde(rename = "MANGANH", skip_serializing_if = "Option::is_none")]
    pub branch_code: Option<String>,
}

/// `text` cut to at most `max` characters, on a character boundary.
pub fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((byte, _)) => text.get(..byte).unwrap_or(text).to_owned(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
