use super::*;
use serde_json::json;

#[test]
fn replies_read_numbers_and_strings() {
    for ok in [
        json!({"error_code": "0"}),
        json!({"error_code": 0}),
        json!({"error_code": "00", "message": "Thành công"}),
    ] {
        let r: Reply = serde_json::from_value(ok.clone()).unwrap();
        assert!(r.is_ok(), "{ok}");
        assert!(!r.is_exists());
    }
    let r: Reply =
        serde_json::from_value(json!({"error_code": 3, "message": "Hồ sơ đã tồn tại"})).unwrap();
    assert!(!r.is_ok());
    assert!(r.is_exists());
    let r: Reply = serde_json::from_value(
        json!({"error_code": "-1", "message": "Mã hồ sơ đã tồn tại trên hệ thống"}),
    )
    .unwrap();
    assert!(r.is_exists(), "the message alone says it");
    let r: Reply = serde_json::from_value(json!({"error_code": "-1", "message": "Lỗi"})).unwrap();
    assert_eq!(r.code_number(), Some(-1));
    assert!(!r.is_ok() && !r.is_exists());
    assert_eq!(
        serde_json::to_value(Reply::new(0, "Thành công")).unwrap(),
        json!({"error_code": "0", "message": "Thành công"})
    );
    let empty: Reply = serde_json::from_value(json!({})).unwrap();
    assert!(!empty.is_ok());
}

#[test]
fn records_use_the_portal_field_names_and_skip_empty_options() {
    let r = DossierRecord {
        code: "H79.50.01-261008-0975".into(),
        status: 4,
        channel: 2,
        owner_kind: 1,
        online_payment: 3,
        has_digitised_parts: true,
        owner_ids: vec![OwnerId {
            kind: 1,
            number: "001099012345".into(),
        }],
        ..Default::default()
    };
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["MaHoSo"], "H79.50.01-261008-0975");
    assert_eq!(v["TrangThaiHoSo"], "4");
    assert_eq!(v["KenhThucHien"], "2");
    assert_eq!(v["HoSoCoThanhPhanSoHoa"], 1);
    assert_eq!(v["TaiKhoanDuocXacThucVoiVNeID"], 0);
    assert_eq!(v["DinhDanhCHS"][0]["LoaiDinhDanh"], "1");
    assert!(v.get("NgayTiepNhan").is_none());
    assert!(v.get("HinhThuc").is_none());
    assert_eq!(v["TaiLieuNop"], json!([]));
    let back: DossierRecord = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}

#[test]
fn records_are_read_loosely() {
    let r: DossierRecord = serde_json::from_value(json!({
        "MaHoSo": "X", "TrangThaiHoSo": 9, "KenhThucHien": "2",
        "HoSoCoThanhPhanSoHoa": true, "TaiKhoanDuocXacThucVoiVNeID": "1",
        "TaiLieuNop": [{"TepDinhKemId": "a", "TenTepDinhKem": "b.pdf", "IsDeleted": "False", "DuocSoHoa": 1}],
        "SomethingNew": {"x": 1}
    }))
    .unwrap();
    assert_eq!((r.status, r.channel), (9, 2));
    assert!(r.has_digitised_parts && r.vneid_verified);
    assert!(r.files[0].digitised && !r.files[0].deleted);
    assert_eq!(
        r.procedure_code, "",
        "missing fields default, validation reports them"
    );
    assert!(serde_json::from_value::<DossierRecord>(json!({"TrangThaiHoSo": "bốn"})).is_err());
    assert!(serde_json::from_value::<DossierRecord>(json!({"HoSoCoThanhPhanSoHoa": 2})).is_err());
}

#[test]
fn steps_and_catalogue_entries() {
    let s: ProcessStep = serde_json::from_value(json!({"MaHoSo": "X", "NguoiXuLy": "A", "ThoiDiemXuLy": "20261008090000", "NoiDungXuLy": "Tiếp nhận", "TrangThai": 2})).unwrap();
    assert_eq!(s.status, 2);
    assert_eq!(serde_json::to_value(&s).unwrap()["TrangThai"], "2");
    let a: AgencyEntry = serde_json::from_value(
        json!({"MADONVI": "H79.50.01", "TENDONVI": "UBND xã A", "CAPDONVI": "3"}),
    )
    .unwrap();
    assert_eq!(a.level.as_deref(), Some("3"));
}

#[test]
fn truncation_respects_characters() {
    let s = "ắ".repeat(1200);
    let t = truncate_chars(&s, SUMMARY_MAX_CHARS);
    assert_eq!(t.chars().count(), 1000);
    assert_eq!(truncate_chars("abc", 5), "abc");
    assert_eq!(truncate_chars("Đăng ký", 4), "Đăng");
}
