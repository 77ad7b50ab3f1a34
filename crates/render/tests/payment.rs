//! The papers of fees: the e-receipt PDF read back with poppler (pdftotext, pdffonts,
//! pdftoppm and a QR decoder on the PNG) and qpdf, and the reconciliation workbook
//! opened as the zip of XML parts it is. As in `pdf.rs`, without the Debian tools the
//! PDF checks are skipped with a message, except under `CI=true`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command as Cmd;

use chrono::{DateTime, TimeZone, Utc};
use motcua_pay::reconcile::{Expected, Options, reconcile};
use motcua_pay::statement::parse_bank;
use motcua_render::{
    EReceipt, Engine, ReceiptAccount, ReceiptExemption, ReceiptLine, amount_in_words_vi,
    reconciliation_xlsx,
};
use unicode_normalization::UnicodeNormalization;

fn at(s: &str) -> DateTime<Utc> {
    // Vietnam time in, UTC out.
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    Utc.from_utc_datetime(&(local - chrono::Duration::hours(7)))
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-output/forms");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tools_present() -> bool {
    let ok = ["pdftotext", "pdffonts", "pdftoppm", "qpdf"]
        .iter()
        .all(|t| {
            Cmd::new(t).arg("-v").output().is_ok() || Cmd::new(t).arg("--version").output().is_ok()
        });
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "poppler-utils and qpdf are required under CI=true"
        );
        eprintln!("poppler-utils/qpdf missing: PDF checks skipped (install them to run)");
    }
    ok
}

/// Writes the PDF, checks it (fonts embedded, qpdf, the QR code on page 1 says
/// `qr`) and returns its text as pdftotext gives it (not normalised).
fn check_pdf(name: &str, pdf: &[u8], qr: &str) -> Option<String> {
    assert!(pdf.starts_with(b"%PDF-"), "{name} is not a PDF");
    let dir = out_dir();
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    if !tools_present() {
        return None;
    }
    let text = Cmd::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();

    let fonts = Cmd::new("pdffonts").arg(&file).output().unwrap();
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    let lines: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!lines.is_empty(), "{name}: no fonts listed");
    for l in &lines {
        let cols: Vec<&str> = l.split_whitespace().collect();
        assert_eq!(
            cols[cols.len() - 5],
            "yes",
            "{name}: font not embedded: {l}"
        );
    }
    let qpdf = Cmd::new("qpdf").arg("--check").arg(&file).output().unwrap();
    assert!(
        qpdf.status.success(),
        "{name}: qpdf --check: {}",
        String::from_utf8_lossy(&qpdf.stdout)
    );

    let png_base = dir.join(name);
    let ppm = Cmd::new("pdftoppm")
        .args(["-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&file)
        .arg(&png_base)
        .output()
        .unwrap();
    assert!(ppm.status.success());
    let img = image::open(png_base.with_extension("png"))
        .unwrap()
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let decoded: Vec<String> = prepared
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok())
        .map(|(_, s)| s)
        .collect();
    assert!(
        decoded.iter().any(|s| s == qr),
        "{name}: QR codes {decoded:?}, want {qr}"
    );
    Some(text)
}

fn has_all(name: &str, text: &str, wanted: &[&str]) {
    // pdftotext may break a line where the PDF wraps it: compare with whitespace folded.
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let hay = fold(text);
    for w in wanted {
        let w: String = w.nfc().collect();
        assert!(
            hay.contains(&fold(&w)),
            "{name}: {w:?} not found in:\n{text}"
        );
    }
}

const LOOKUP: &str = "https://motcua.example.gov.vn/bien-lai/H79.50.01-2026-000123";

fn receipt() -> EReceipt {
    EReceipt {
        receipt_no: "H79.50.01-2026-000123".into(),
        agency_name: "Ủy ban nhân dân xã Bình Giã".into(),
        agency_code: "H79.50.01".into(),
        account: ReceiptAccount {
            holder: "UBND xã Bình Giã - tài khoản thu phí, lệ phí".into(),
            number: "3511.0.1234567".into(),
            bank: "Kho bạc Nhà nước khu vực XVII".into(),
        },
        payer_name: "Nguyễn Thị Ngọc Ánh".into(),
        payer_address: Some("Ấp Láng Cát, xã Bình Giã, Thành phố Hồ Chí Minh".into()),
        payer_id: Some("079199012345".into()),
        dossier_code: "H79.50.01-261124-0012".into(),
        procedure_name: "Cấp giấy phép xây dựng nhà ở riêng lẻ".into(),
        lines: vec![
            ReceiptLine {
                name: "Lệ phí cấp giấy phép xây dựng".into(),
                kind: "Lệ phí".into(),
                quantity: "01 giấy phép".into(),
                amount: 50_000,
            },
            ReceiptLine {
                name: "Phí thẩm định hồ sơ".into(),
                kind: "Phí".into(),
                quantity: String::new(),
                amount: 25_000,
            },
        ],
        exemptions: vec![ReceiptExemption {
            note: "Phí thẩm định: giảm 50% (nộp trực tuyến)".into(),
            legal_basis: "Nghị quyết 12/2025/NQ-HĐND, Điều 3".into(),
        }],
        total: 75_000,
        method: "Thanh toán trực tuyến".into(),
        provider_ref: Some("14522301".into()),
        paid_at: at("2026-11-24 10:05"),
        issued_at: at("2026-11-24 10:06"),
        lookup_url: LOOKUP.into(),
    }
}

#[test]
fn the_e_receipt_of_a_paid_order() {
    let engine = Engine::new();
    let r = receipt();
    assert_eq!(r.total_in_words(), "Bảy mươi lăm nghìn đồng");
    let pdf = r.pdf(&engine).unwrap();
    let Some(text) = check_pdf("e-receipt", &pdf, LOOKUP) else {
        return;
    };
    // Liberation Serif has the precomposed letters: the PDF's text is NFC as it stands.
    let nfc: String = text.nfc().collect();
    assert_eq!(text, nfc, "the PDF text is not NFC");
    has_all(
        "e-receipt",
        &text,
        &[
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "ỦY BAN NHÂN DÂN XÃ BÌNH GIÃ",
            "Ngày 24 tháng 11 năm 2026",
            "BIÊN LAI THU PHÍ, LỆ PHÍ",
            "(Biên lai điện tử)",
            "Ký hiệu/Số: H79.50.01-2026-000123",
            "Mã đơn vị: H79.50.01",
            "3511.0.1234567",
            "Kho bạc Nhà nước khu vực XVII",
            "Họ và tên người nộp: Nguyễn Thị Ngọc Ánh",
            "079199012345",
            "Mã hồ sơ: H79.50.01-261124-0012",
            "Cấp giấy phép xây dựng nhà ở riêng lẻ",
            "Lệ phí cấp giấy phép xây dựng",
            "Phí thẩm định hồ sơ",
            "50.000",
            "25.000",
            "Tổng cộng",
            "75.000",
            "Số tiền bằng chữ: Bảy mươi lăm nghìn đồng",
            "Phí thẩm định: giảm 50% (nộp trực tuyến); căn cứ: Nghị quyết 12/2025/NQ-HĐND, Điều 3",
            "Hình thức thanh toán: Thanh toán trực tuyến",
            "Mã giao dịch: 14522301",
            "Thời điểm thanh toán: 10:05 ngày 24/11/2026",
            "Thời điểm lập biên lai: 10:06 ngày 24/11/2026",
            "Nghị định số 123/2020/NĐ-CP",
            "nội dung tham khảo",
            LOOKUP,
        ],
    );
}

#[test]
fn an_e_receipt_without_optional_parts_and_one_that_does_not_add_up() {
    let engine = Engine::new();
    let mut r = receipt();
    r.payer_address = None;
    r.payer_id = None;
    r.provider_ref = None;
    r.exemptions.clear();
    let pdf = r.pdf(&engine).unwrap();
    if let Some(text) = check_pdf("e-receipt-minimal", &pdf, LOOKUP) {
        has_all(
            "minimal e-receipt",
            &text,
            &["75.000", "Nguyễn Thị Ngọc Ánh"],
        );
        assert!(!text.contains("Mã giao dịch"), "{text}");
        assert!(!text.contains("Miễn, giảm"), "{text}");
    }

    r.total = 70_000;
    let err = r.pdf(&engine).unwrap_err();
    assert_eq!(err.code(), "form_not_applicable");
    assert!(
        err.message_vi().contains("70.000 đồng"),
        "{}",
        err.message_vi()
    );
    r.lines.clear();
    r.total = -1;
    assert!(r.data().is_err());
}

#[test]
fn amounts_in_words_through_the_public_api() {
    assert_eq!(
        amount_in_words_vi(1_205_000),
        "Một triệu hai trăm linh năm nghìn đồng"
    );
    assert_eq!(amount_in_words_vi(31_000), "Ba mươi mốt nghìn đồng");
    assert_eq!(amount_in_words_vi(45_000), "Bốn mươi lăm nghìn đồng");
    assert_eq!(amount_in_words_vi(44_000), "Bốn mươi bốn nghìn đồng");
    assert_eq!(amount_in_words_vi(1_000_000_000), "Một tỷ đồng");
}

/// Text of one part of an .xlsx (a zip of XML parts).
fn xlsx_part(bytes: &[u8], part: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn the_reconciliation_workbook() {
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let order = |id: i64, reference: &str, due: i64, paid: i64| Expected {
        order_id: id,
        reference: reference.into(),
        dossier_code: format!("H79.50.01-261124-{id:04}"),
        agency: "H79.50.01".into(),
        account: "0071001234567".into(),
        amount_due: due,
        amount_paid: paid,
        created: day("2026-11-20"),
        expires: day("2026-11-30"),
        provider_txn: None,
    };
    let refs: Vec<String> = (1..=4)
        .map(|n| motcua_pay::reference::make(n).unwrap())
        .collect();
    let expected = vec![
        order(1, &refs[0], 75_000, 0),
        order(2, &refs[1], 50_000, 0),
        // Recorded as paid at the counter, never seen on the statement.
        order(4, &refs[3], 1_200_000, 1_200_000),
    ];
    let csv = format!(
        "date,account,bank_ref,amount,description,counterparty\n\
         2026-11-24 09:15,0071001234567,FT001,75.000,{r1} nop phi ho so,NGUYEN THI NGOC ANH\n\
         2026-11-24 10:00,0071001234567,FT002,20.000,{r2} le phi,TRAN VAN B\n\
         2026-11-25 08:30,0071001234567,FT003,50.000,chuyen tien le phi,LE VAN C\n\
         2026-11-25 09:00,0071001234567,FT004,-11.000,Phi quan ly tai khoan,\n",
        r1 = refs[0],
        r2 = refs[1]
    );
    let lines = parse_bank(&csv).unwrap();
    let report = reconcile(&lines, &expected, &Options::default());
    assert_eq!(report.totals.matched.count, 1);
    assert_eq!(report.totals.mismatched.count, 1);
    assert_eq!(report.totals.unmatched.count, 1);

    let xlsx = reconciliation_xlsx(&report, "BÁO CÁO ĐỐI SOÁT THU PHÍ, LỆ PHÍ").unwrap();
    assert!(xlsx.starts_with(b"PK"));
    let workbook: String = xlsx_part(&xlsx, "xl/workbook.xml").nfc().collect();
    for sheet in ["Tổng hợp", "Chi tiết", "Thiếu trên sao kê"] {
        assert!(
            workbook.contains(&format!("name=\"{sheet}\"")),
            "no sheet {sheet}: {workbook}"
        );
    }
    let strings: String = xlsx_part(&xlsx, "xl/sharedStrings.xml").nfc().collect();
    for want in [
        "BÁO CÁO ĐỐI SOÁT THU PHÍ, LỆ PHÍ",
        "Từ ngày 24/11/2026 đến ngày 25/11/2026",
        "Tài khoản",
        "Khớp",
        "Sai lệch",
        "Không xác định được lệnh thu",
        "Số tiền (đồng)",
        "Cộng 0071001234567",
        "Tổng cộng",
        "Sai lệch: nộp thiếu",
        "Bỏ qua: ghi nợ",
        "Nội dung chuyển khoản",
        "NGUYEN THI NGOC ANH",
        "FT003",
        "chuyen tien le phi",
        "Nội dung chuyển khoản không có mã thanh toán hợp lệ.",
        &refs[0],
        &refs[3],
        "H79.50.01-261124-0004",
    ] {
        assert!(strings.contains(want), "xlsx lacks {want:?}");
    }
    // Sums in đồng with a thousands format.
    let styles = xlsx_part(&xlsx, "xl/styles.xml");
    assert!(styles.contains("#,##0"), "{styles}");
    // Summary: two header rows (4-5), two days, the account's subtotal, the total.
    let summary = xlsx_part(&xlsx, "xl/worksheets/sheet1.xml");
    for cell in ["A4", "D4", "D5", "K5", "A6", "A7", "A8", "A9", "K9"] {
        assert!(summary.contains(&format!("r=\"{cell}\"")), "no cell {cell}");
    }
    assert!(summary.contains("<v>75000</v>"), "{summary}");
    // Detail: the header on row 4, then the four lines.
    let detail = xlsx_part(&xlsx, "xl/worksheets/sheet2.xml");
    for cell in ["A4", "M4", "A5", "A8", "G8", "M8"] {
        assert!(detail.contains(&format!("r=\"{cell}\"")), "no cell {cell}");
    }
    assert!(!detail.contains("r=\"A9\""));
    assert!(detail.contains("<v>-11000</v>"));
    assert!(detail.contains("autoFilter"));
}

#[test]
fn an_empty_reconciliation_still_opens() {
    let report = reconcile(&[], &[], &Options::default());
    let xlsx = reconciliation_xlsx(&report, "Đối soát").unwrap();
    let strings: String = xlsx_part(&xlsx, "xl/sharedStrings.xml").nfc().collect();
    assert!(strings.contains("Không có giao dịch"));
    assert!(strings.contains("Tổng cộng"));
}
