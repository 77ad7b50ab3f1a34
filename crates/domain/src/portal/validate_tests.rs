use super::*;
use crate::portal::build::RecordContext;
use crate::portal::fixture::returned_dossier;

const KNOWN: &[&str] = &["1.001193", "2.000001"];

fn good() -> DossierRecord {
    DossierRecord::from_dossier(&returned_dossier(), &RecordContext::default())
}

fn codes(problems: &[Problem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.code).collect()
}

fn fields(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.field.as_str()).collect()
}

#[test]
fn a_built_record_is_valid() {
    assert_eq!(validate_record(&good(), KNOWN), vec![]);
}

#[test]
fn required_fields_are_reported_together() {
    let r = DossierRecord::default();
    let p = validate_record(&r, KNOWN);
    for f in [
        "MaHoSo",
        "MaTTHC",
        "TenTTHC",
        "ChuHoSo",
        "TrichYeuHoSo",
        "NgayNopHoSo",
    ] {
        assert!(
            p.iter()
                .any(|x| x.field == f && x.code == "portal_field_required"),
            "{f}: {p:?}"
        );
    }
    assert!(codes(&p).contains(&"portal_status_invalid"));
    assert!(codes(&p).contains(&"portal_channel_invalid"));
    assert!(summarize(&p).contains("MaHoSo: Thiếu trường bắt buộc MaHoSo"));
}

#[test]
fn dates_must_be_well_formed_and_in_order() {
    let mut r = good();
    r.received_at = Some("2026-10-08 09:00".into());
    r.returned_at = Some("20261345000000".into());
    let p = validate_record(&r, KNOWN);
    assert_eq!(
        codes(&p),
        vec!["portal_date_malformed", "portal_date_out_of_range"]
    );
    assert_eq!(fields(&p), vec!["NgayTiepNhan", "NgayTra"]);
    let mut r = good();
    r.returned_at = Some("20261001000000".into());
    let p = validate_record(&r, KNOWN);
    assert_eq!(codes(&p), vec!["portal_date_order"]);
    assert_eq!(p[0].field, "NgayTra");
}

#[test]
fn a_status_needs_its_dates() {
    let mut r = good();
    r.returned_at = None;
    assert_eq!(fields(&validate_record(&r, KNOWN)), vec!["NgayTra"]);
    r.status = 3;
    assert_eq!(fields(&validate_record(&r, KNOWN)), vec!["NgayTuChoi"]);
    r.status = 2;
    r.received_at = None;
    assert_eq!(fields(&validate_record(&r, KNOWN)), vec!["NgayTiepNhan"]);
    r.status = 1;
    assert_eq!(validate_record(&r, KNOWN), vec![]);
    r.status = 11;
    assert_eq!(
        codes(&validate_record(&r, KNOWN)),
        vec!["portal_status_invalid"]
    );
    r.status = 0;
    assert_eq!(
        codes(&validate_record(&r, KNOWN)),
        vec!["portal_status_invalid"]
    );
}

#[test]
fn identity_numbers_match_their_type() {
    let mut r = good();
    r.owner_ids = vec![
        OwnerId {
            kind: 1,
            number: "00109901234".into(),
        },
        OwnerId {
            kind: 2,
            number: "123456789".into(),
        },
        OwnerId {
            kind: 2,
            number: "12345678a".into(),
        },
        OwnerId {
            kind: 5,
            number: "1".into(),
        },
    ];
    let p = validate_record(&r, KNOWN);
    assert_eq!(
        codes(&p),
        vec![
            "portal_id_number_invalid",
            "portal_id_number_invalid",
            "portal_id_type_invalid"
        ]
    );
    assert_eq!(p[0].field, "DinhDanhCHS[0].SoDinhDanh");
    assert!(p[0].reason.contains("12 chữ số"), "{}", p[0].reason);
    assert_eq!(p[1].field, "DinhDanhCHS[2].SoDinhDanh");
}

#[test]
fn procedure_code_summary_codes_and_fees() {
    let mut r = good();
    r.procedure_code = "9.999999".into();
    r.summary = "a".repeat(1001);
    r.channel = 4;
    r.owner_kind = 0;
    r.online_payment = 0;
    r.return_method = Some(7);
    r.fees = vec![crate::portal::record::FeeItem {
        name: String::new(),
        amount: -1,
        ..Default::default()
    }];
    let p = validate_record(&r, KNOWN);
    assert_eq!(
        codes(&p),
        vec![
            "portal_procedure_unknown",
            "portal_summary_too_long",
            "portal_channel_invalid",
            "portal_owner_kind_invalid",
            "portal_online_payment_invalid",
            "portal_return_method_invalid",
            "portal_field_required",
            "portal_fee_amount_invalid"
        ]
    );
    assert!(p[0].reason.contains("9.999999"));
    // A set or our catalog serve as the list of known codes.
    let set: BTreeSet<String> = ["9.999999".to_owned()].into();
    assert!(!codes(&validate_record(&r, &set)).contains(&"portal_procedure_unknown"));
    let catalog = Catalog::new([]);
    assert!(codes(&validate_record(&good(), &catalog)).contains(&"portal_procedure_unknown"));
}

fn inbound() -> DossierRecord {
    let mut r = good();
    r.status = 1;
    r.received_at = None;
    r.due_at = None;
    r.finished_at = None;
    r.returned_at = None;
    r.return_method = None;
    r.supplements.clear();
    r.files = vec![SubmittedFile {
        file_id: "1".into(),
        name: "to-khai.pdf".into(),
        url: Some("http://portal/files/1".into()),
        ..Default::default()
    }];
    r
}

#[test]
fn inbound_checks() {
    assert_eq!(validate_inbound(&inbound(), KNOWN), vec![]);

    let mut r = inbound();
    r.code = String::new();
    assert_eq!(fields(&validate_inbound(&r, KNOWN)), vec!["MaHoSo"]);

    let mut r = inbound();
    r.code = "not a code".into();
    assert_eq!(
        codes(&validate_inbound(&r, KNOWN)),
        vec!["portal_code_invalid", "portal_code_invalid"]
    );

    let mut r = inbound();
    r.procedure_code = "0.000000".into();
    r.submitted_at = Some("20261008".into());
    r.owner_ids[0].number = "0010990123456".into();
    r.status = 2;
    r.channel = 1;
    r.files.push(SubmittedFile {
        file_id: "2".into(),
        name: "trong.pdf".into(),
        content_base64: Some(String::new()),
        ..Default::default()
    });
    let p = validate_inbound(&r, KNOWN);
    for c in [
        "portal_procedure_unknown",
        "portal_date_malformed",
        "portal_id_number_invalid",
        "portal_inbound_status",
        "portal_inbound_channel",
        "portal_file_entry_empty",
    ] {
        assert!(codes(&p).contains(&c), "{c}: {p:?}");
    }
    assert!(fields(&p).contains(&"TaiLieuNop[1]"));
    // A deleted entry may be empty.
    let mut r = inbound();
    r.files[0].url = None;
    r.files[0].deleted = true;
    assert_eq!(validate_inbound(&r, KNOWN), vec![]);
}

fn step(i: usize) -> ProcessStep {
    ProcessStep {
        code: "H79.50.01-261008-0975".into(),
        handler: "Trần Thị Bưu".into(),
        at: format!("202610080{i}0000"),
        content: "Tiếp nhận".into(),
        status: 2,
        ..Default::default()
    }
}

#[test]
fn steps() {
    assert_eq!(validate_steps(&[step(1), step(2)]), vec![]);
    let eleven: Vec<ProcessStep> = (0..11).map(|i| step(i % 10)).collect();
    assert_eq!(
        codes(&validate_steps(&eleven)),
        vec!["portal_too_many_steps"]
    );
    assert_eq!(codes(&validate_steps(&[])), vec!["portal_field_required"]);
    let mut bad = step(1);
    bad.at = "08/10/2026".into();
    bad.status = 12;
    bad.handler = " ".into();
    bad.started_at = Some("x".into());
    let p = validate_steps(&[step(1), bad]);
    assert_eq!(
        fields(&p),
        vec![
            "data[1].NguoiXuLy",
            "data[1].ThoiDiemXuLy",
            "data[1].NgayBatDau",
            "data[1].TrangThai"
        ]
    );
}
