//! Every form rendered for dossiers walked through the real rules, then checked with the
//! tools an archivist would use: pdftotext (exact Vietnamese, NFC), pdffonts (every font
//! embedded), qpdf --check, pdftoppm (one PNG per form under target/test-output/forms, to
//! look at) and a QR decoder on that PNG (the lookup address).
//!
//! The tools come from Debian (poppler-utils, qpdf; `scripts/test` installs them). Without
//! them the checks are skipped with a message, except under `CI=true`, where that fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command as Cmd;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use motcua_calendar::{DeadlineRules, TimeLimit, WorkCalendar};
use motcua_domain::catalog::{Channel, OnlineMode, Procedure, ProcedureLevel, ProcedureVersion};
use motcua_domain::org::{AccountKind, AdminLevel, AdminUnit};
use motcua_domain::{
    Account, ActionKind, Agency, Catalog, Command, Ctx, Directory, Dossier, DossierCode, Role,
    RoleAssignment, Subject, SubmitRequest, decide, submit,
};
use motcua_render::{Engine, Form, FormContext, Register, RenderError, Wording, render_form};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

const A: &str = "H79.50.01";
const LOOKUP: &str = "https://motcua.example.gov.vn/tra-cuu/";

struct World {
    directory: Directory,
    catalog: Catalog,
    calendar: WorkCalendar,
    rules: DeadlineRules,
    wording: Wording,
    processes: motcua_domain::process::ProcessBook,
}

fn at(s: &str) -> DateTime<Utc> {
    // Vietnam time in, UTC out.
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    Utc.from_utc_datetime(&(local - chrono::Duration::hours(7)))
}

fn world() -> World {
    let mut directory = Directory::default();
    for (code, name, level, parent) in [
        ("79", "Thành phố Hồ Chí Minh", AdminLevel::Province, None),
        ("79.BG", "Xã Bình Giã", AdminLevel::Commune, Some("79")),
    ] {
        directory.admin_units.insert(
            code.into(),
            AdminUnit {
                code: code.into(),
                name: name.into(),
                level,
                parent: parent.map(Into::into),
            },
        );
    }
    for (code, name, unit, parent) in [
        ("H79", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "79", None),
        (A, "Ủy ban nhân dân xã Bình Giã", "79.BG", Some("H79")),
    ] {
        directory.agencies.insert(
            code.into(),
            Agency {
                code: code.into(),
                name: name.into(),
                admin_unit: unit.into(),
                parent: parent.map(Into::into),
            },
        );
    }
    let role = |role| RoleAssignment {
        role,
        agency: A.into(),
        unit: None,
    };
    for (user, name, roles) in [
        (
            "officer",
            "Trần Thị Thu",
            vec![role(Role::ReceivingOfficer)],
        ),
        ("specialist", "Lê Văn Hùng", vec![role(Role::Specialist)]),
        (
            "leader",
            "Phạm Minh Đức",
            vec![role(Role::UnitLeader), role(Role::AgencyLeader)],
        ),
    ] {
        directory.officers.insert(
            user.into(),
            Account {
                username: user.into(),
                full_name: name.into(),
                kind: AccountKind::Officer,
                roles,
                id_number: None,
                phone: None,
                email: None,
            },
        );
    }
    let procedure = Procedure {
        code: "1.001193".into(),
        name: "Đăng ký khai sinh".into(),
        sector: "Hộ tịch".into(),
        level: ProcedureLevel::Commune,
        versions: vec![ProcedureVersion {
            valid_from: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
            time_limit: TimeLimit::WorkingDays(3),
            cutoff: None,
            online_mode: OnlineMode::Full,
            channels: vec![Channel::Counter, Channel::Online],
            fees: vec![],
            required_documents: vec![],
            form: serde_json::from_value(json!({"properties": {}})).unwrap(),
            result: "Giấy khai sinh".into(),
            legal_basis: vec![],
            handling_agency: None,
            note: None,
        }],
        source: None,
    };
    World {
        directory,
        catalog: Catalog::new(vec![procedure]),
        calendar: WorkCalendar::vietnam().unwrap(),
        rules: DeadlineRules::default(),
        wording: Wording::built_in().unwrap(),
        processes: Default::default(),
    }
}

impl World {
    fn ctx<'a>(&'a self, subject: &'a Subject, now: DateTime<Utc>) -> Ctx<'a> {
        Ctx {
            subject,
            directory: &self.directory,
            catalog: &self.catalog,
            calendar: &self.calendar,
            rules: &self.rules,
            processes: &self.processes,
            now,
        }
    }

    fn subject(&self, who: &str) -> Subject {
        Subject::from_account(self.directory.officer(who).unwrap())
    }

    /// A dossier received at the counter with two papers.
    fn counter(&self, when: &str, seq: u32) -> Dossier {
        let officer = self.subject("officer");
        let req: SubmitRequest = serde_json::from_value(json!({
            "procedure": "1.001193",
            "agency": A,
            "applicant": {
                "name": "Nguyễn Thị Ngọc Ánh",
                "id_number": "079199012345",
                "address": "Ấp Láng Cát, xã Bình Giã, Thành phố Hồ Chí Minh",
                "phone": "0912345678",
                "email": "anh.nguyen@example.vn"
            },
            "documents": [
                {"name": "Tờ khai đăng ký khai sinh", "quantity": 1, "original": true},
                {"name": "Giấy chứng sinh", "quantity": 1, "original": true},
                {"name": "Giấy chứng nhận kết hôn của cha, mẹ", "quantity": 2, "original": false}
            ]
        }))
        .unwrap();
        let mut d = submit(req, &self.ctx(&officer, at(when))).unwrap();
        d.code = DossierCode::new(
            A,
            at(when)
                .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
                .date_naive(),
            seq,
        );
        d
    }

    fn act(&self, d: &Dossier, who: &str, when: &str, action: &str, body: Value) -> Dossier {
        let subject = self.subject(who);
        let kind = motcua_domain::dossier::parse_action(action).unwrap();
        let cmd = Command::parse(kind, &body).unwrap();
        decide(d, cmd, &self.ctx(&subject, at(when)))
            .unwrap()
            .dossier
    }

    fn form_ctx(&self) -> FormContext<'_> {
        FormContext {
            directory: &self.directory,
            calendar: &self.calendar,
            rules: &self.rules,
            lookup_base: LOOKUP,
            wording: &self.wording,
            processes: &self.processes,
            payments: &[],
        }
    }
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

/// Writes the PDF, checks it with the tools and returns its text.
fn check_pdf(name: &str, pdf: &[u8], lookup: Option<&str>) -> Option<String> {
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
    let text: String = text.nfc().collect();

    let fonts = Cmd::new("pdffonts").arg(&file).output().unwrap();
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    let lines: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!lines.is_empty(), "{name}: no fonts listed");
    for l in &lines {
        let cols: Vec<&str> = l.split_whitespace().collect();
        // name type encoding emb sub uni object ID: "emb" is the 4th field from the end - 3.
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "{name}: font not embedded: {l}");
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
    if let Some(url) = lookup {
        let img = image::open(png_base.with_extension("png"))
            .unwrap()
            .to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(img);
        let grids = prepared.detect_grids();
        let decoded: Vec<String> = grids
            .iter()
            .filter_map(|g| g.decode().ok())
            .map(|(_, s)| s)
            .collect();
        assert!(
            decoded.iter().any(|s| s == url),
            "{name}: QR codes {decoded:?}, want {url}"
        );
    }
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

#[test]
fn receipt_and_control_slip_of_a_counter_dossier() {
    let w = world();
    let engine = Engine::new();
    let d = w.counter("2026-11-24 09:30", 12);
    let d = w.act(
        &d,
        "officer",
        "2026-11-24 10:00",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let d = w.act(&d, "specialist", "2026-11-25 08:30", "process", json!({}));
    let url = format!("{LOOKUP}{}", d.code);

    let r = render_form(&engine, Form::Receipt, &d, &w.form_ctx()).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    if let Some(text) = check_pdf("01-receipt", &r.pdf, Some(&url)) {
        has_all(
            "receipt",
            &text,
            &[
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH",
                "ỦY BAN NHÂN DÂN XÃ BÌNH GIÃ",
                "Số: 0012/TTPVHCC",
                "Bình Giã, ngày 24 tháng 11 năm 2026",
                "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                "H79.50.01-261124-0012",
                "Nguyễn Thị Ngọc Ánh",
                "079199012345",
                "Ấp Láng Cát, xã Bình Giã",
                "Đăng ký khai sinh",
                "Giấy chứng nhận kết hôn của cha, mẹ",
                "Bản sao",
                "3 ngày làm việc",
                "09 giờ 30 phút, ngày 24/11/2026",
                // Three working days from Tuesday 24/11 (24/11 is not a holiday unless confirmed).
                "ngày 27/11/2026",
                "Quyển số 2026, Số thứ tự 0012",
                "Trần Thị Thu",
                &url,
            ],
        );
    }

    let r = render_form(&engine, Form::ControlSlip, &d, &w.form_ctx()).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    if let Some(text) = check_pdf("06-control-slip", &r.pdf, Some(&url)) {
        has_all(
            "control slip",
            &text,
            &[
                "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                "Cơ quan giải quyết: Ủy ban nhân dân xã Bình Giã",
                "Lê Văn Hùng",
                "Trước hạn",
                "08:30 25/11/2026",
            ],
        );
    }
}

/// Every QR code on every page, the pages rendered at `dpi`.
fn qr_codes(name: &str, pdf: &[u8], dpi: u32) -> Vec<String> {
    let dir = out_dir();
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let base = dir.join(format!("{name}-{dpi}dpi"));
    let ppm = Cmd::new("pdftoppm")
        .args(["-png", "-r", &dpi.to_string()])
        .arg(&file)
        .arg(&base)
        .output()
        .unwrap();
    assert!(ppm.status.success());
    let prefix = format!("{name}-{dpi}dpi-");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".png"))
        })
        .collect();
    pages.sort();
    let mut found = Vec::new();
    for page in pages {
        let img = image::open(&page).unwrap().to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(img);
        found.extend(
            prepared
                .detect_grids()
                .iter()
                .filter_map(|g| g.decode().ok())
                .map(|(_, s)| s),
        );
        std::fs::remove_file(page).unwrap();
    }
    found
}

#[test]
fn the_receipt_lists_the_fees_to_pay_with_their_vietqr_code() {
    let w = world();
    let engine = Engine::new();
    let d = w.counter("2026-11-24 09:30", 12);
    let url = format!("{LOOKUP}{}", d.code);
    let reference = motcua_pay::reference::make(197).unwrap();
    let vietqr = motcua_pay::vietqr::Payload::for_account("970436", "0071001234567")
        .with_amount(75_000)
        .with_purpose(reference.clone())
        .encode()
        .unwrap();
    let payments = [motcua_render::SlipPayment {
        reference: reference.clone(),
        agency_name: "Ủy ban nhân dân xã Bình Giã".into(),
        account_holder: "UBND XA BINH GIA".into(),
        account_number: "0071001234567".into(),
        bank_label: "Vietcombank".into(),
        amount: 75_000,
        vietqr: vietqr.clone(),
    }];
    let ctx = FormContext {
        payments: &payments,
        ..w.form_ctx()
    };

    // The data carries the payload the QR code encodes.
    let data = motcua_render::forms::form_data(Form::Receipt, &d, &ctx).unwrap();
    let item = &data["payments"]["items"][0];
    assert_eq!(item["vietqr"], vietqr.as_str());
    assert_eq!(item["reference"], reference.as_str());
    assert_eq!(item["amount"], "75.000 đồng");
    let plain = motcua_render::forms::form_data(Form::Receipt, &d, &w.form_ctx()).unwrap();
    assert!(plain["payments"].is_null());

    let r = render_form(&engine, Form::Receipt, &d, &ctx).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    if let Some(text) = check_pdf("01-receipt-with-fees", &r.pdf, Some(&url)) {
        has_all(
            "receipt with fees",
            &text,
            &[
                "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                "Phí, lệ phí phải nộp",
                "Số tiền: 75.000 đồng",
                "Chủ tài khoản: UBND XA BINH GIA",
                "Số tài khoản: 0071001234567 - Vietcombank",
                &format!("Nội dung chuyển khoản (ghi đúng mã): {reference}"),
                "Quét mã VietQR",
                "Trần Thị Thu",
            ],
        );
        let codes = qr_codes("01-receipt-with-fees", &r.pdf, 200);
        assert!(codes.contains(&url), "{codes:?}");
        assert!(codes.contains(&vietqr), "{codes:?} lacks {vietqr}");
    }

    // Without payments the slip is the same as before: no section.
    let plain = render_form(&engine, Form::Receipt, &d, &w.form_ctx()).unwrap();
    if let Some(text) = check_pdf("01-receipt-no-fees", &plain.pdf, Some(&url)) {
        assert!(!text.contains("Phí, lệ phí phải nộp"), "{text}");
    }
}

#[test]
fn the_control_slip_lists_the_process_steps() {
    let mut w = world();
    let def = motcua_domain::process::ProcessDef::from_yaml(
        r#"
procedure: "1.001193"
valid_from: 2025-07-01
steps:
  - {id: tiep-nhan, name: Tiếp nhận hồ sơ, kind: receive, agency: receiving, role: receiving_officer, share: 2h}
  - {id: tham-dinh, name: Thẩm định hồ sơ, kind: process, role: specialist, share: 14h, after: [tiep-nhan]}
  - {id: trinh-ky, name: Lãnh đạo ký, kind: submit_for_approval, role: agency_leader, share: 4h, after: [tham-dinh]}
  - {id: phat-hanh, name: Phát hành kết quả, kind: approve, role: specialist, share: 2h, after: [trinh-ky]}
  - {id: tra, name: Trả kết quả, kind: return, agency: receiving, role: receiving_officer, share: 2h, after: [phat-hanh]}
"#,
    )
    .unwrap();
    let process = def.check_in(&w.catalog, &w.directory, 480).unwrap();
    w.processes =
        motcua_domain::process::ProcessBook::new([motcua_domain::process::SavedProcess {
            id: 7,
            process: std::sync::Arc::new(process),
            saved_at: at("2026-01-01 08:00"),
            saved_by: "admin".into(),
        }]);
    let engine = Engine::new();
    let d = w.counter("2026-11-24 09:30", 14);
    assert_eq!(d.process_id, Some(7));
    let d = w.act(
        &d,
        "officer",
        "2026-11-24 10:00",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let d = w.act(&d, "specialist", "2026-11-24 10:30", "process", json!({}));
    // Fourteen working hours from 10:00 on the 24th end at 08:00 on the 26th: 16:00 is
    // six and a half hours late.
    let d = w.act(
        &d,
        "specialist",
        "2026-11-26 16:00",
        "submit-for-approval",
        json!({}),
    );
    let r = render_form(&engine, Form::ControlSlip, &d, &w.form_ctx()).unwrap();
    let url = format!("{LOOKUP}{}", d.code);
    if let Some(text) = check_pdf("06-control-slip-process", &r.pdf, Some(&url)) {
        has_all(
            "control slip with a process",
            &text,
            &[
                "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
                "B1. Tiếp nhận hồ sơ",
                "B2. Thẩm định hồ sơ",
                "hạn 08:00 26/11/2026",
                "trễ 6 giờ 30 phút",
                "Quá hạn",
                "B3. Lãnh đạo ký",
                "Lê Văn Hùng",
            ],
        );
        assert!(
            !text.contains("B4."),
            "steps not begun are not listed: {text}"
        );
    }
}

#[test]
fn supplement_request_refusal_and_stop_notice() {
    let w = world();
    let engine = Engine::new();
    let d = w.counter("2026-11-24 09:30", 3);
    let s = w.act(
        &d,
        "officer",
        "2026-11-24 11:00",
        "request-supplement",
        json!({
            "items": ["Bản sao Giấy chứng nhận kết hôn có chứng thực", "Ảnh chân dung 4x6"],
            "reason": "Bản sao chưa được chứng thực theo quy định"
        }),
    );
    let r = render_form(&engine, Form::SupplementRequest, &s, &w.form_ctx()).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    if let Some(text) = check_pdf("02-supplement-request", &r.pdf, None) {
        has_all(
            "supplement",
            &text,
            &[
                "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                "Số: 0003/PBS",
                "Bản sao Giấy chứng nhận kết hôn có chứng thực",
                "Ảnh chân dung 4x6",
                "Lý do: Bản sao chưa được chứng thực theo quy định",
                "NGƯỜI HƯỚNG DẪN",
                "Trần Thị Thu",
            ],
        );
    }

    let refused = w.act(
        &d,
        "officer",
        "2026-11-24 11:00",
        "refuse",
        json!({"reason": "Thủ tục không thuộc thẩm quyền giải quyết của xã"}),
    );
    let r = render_form(&engine, Form::Refusal, &refused, &w.form_ctx()).unwrap();
    if let Some(text) = check_pdf("03-refusal", &r.pdf, None) {
        has_all(
            "refusal",
            &text,
            &[
                "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                "Số: 0003/PTC",
                "Thủ tục không thuộc thẩm quyền giải quyết của xã",
                "Xin thông báo để Ông/Bà được biết và thực hiện.",
            ],
        );
    }

    let assigned = w.act(
        &d,
        "officer",
        "2026-11-24 10:00",
        "assign",
        json!({"assignee": "specialist"}),
    );
    let stopped = w.act(
        &assigned,
        "leader",
        "2026-11-25 10:00",
        "stop",
        json!({"reason": "Người yêu cầu đề nghị dừng để bổ sung giấy tờ mới"}),
    );
    let r = render_form(&engine, Form::StopNotice, &stopped, &w.form_ctx()).unwrap();
    if let Some(text) = check_pdf("05-stop-notice", &r.pdf, None) {
        has_all(
            "stop",
            &text,
            &[
                "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                "Kính gửi: Ông/Bà Nguyễn Thị Ngọc Ánh",
                "tiếp nhận ngày 24/11/2026",
                "Người yêu cầu đề nghị dừng để bổ sung giấy tờ mới",
                "Phạm Minh Đức",
            ],
        );
    }
}

#[test]
fn apology_with_the_original_and_new_dates() {
    let w = world();
    let engine = Engine::new();
    let d = w.counter("2026-11-24 09:30", 7);
    let d = w.act(
        &d,
        "officer",
        "2026-11-24 10:00",
        "assign",
        json!({"assignee": "specialist"}),
    );
    // Due 27/11; the leader apologises on 26/11 and sets 02/12.
    let late = w.act(
        &d,
        "leader",
        "2026-11-26 15:00",
        "extend",
        json!({
            "new_due": "2026-12-02",
            "reason": "Cần xác minh thông tin nơi sinh với cơ sở y tế",
            "apology": "Mong Ông/Bà thông cảm."
        }),
    );
    let r = render_form(&engine, Form::Apology, &late, &w.form_ctx()).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    if let Some(text) = check_pdf("04-apology", &r.pdf, None) {
        has_all(
            "apology",
            &text,
            &[
                "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
                "Số: 0007/PXL",
                "Bình Giã, ngày 26 tháng 11 năm 2026",
                "Kính gửi: Ông/Bà Nguyễn Thị Ngọc Ánh",
                "Ngày 24/11/2026, Ủy ban nhân dân xã Bình Giã tiếp nhận giải quyết hồ sơ",
                "Thời hạn trả kết quả ghi trên giấy tiếp nhận: 27/11/2026",
                "Cần xác minh thông tin nơi sinh với cơ sở y tế",
                "Mong Ông/Bà thông cảm.",
                "hẹn trả kết quả vào ngày 02/12/2026",
                "Phạm Minh Đức",
            ],
        );
    }
}

#[test]
fn a_form_that_does_not_fit_the_dossier_is_refused_with_a_code() {
    let w = world();
    let engine = Engine::new();
    let d = w.counter("2026-11-24 09:30", 1);
    for form in [
        Form::Apology,
        Form::Refusal,
        Form::StopNotice,
        Form::SupplementRequest,
    ] {
        let err = render_form(&engine, form, &d, &w.form_ctx()).unwrap_err();
        assert_eq!(err.code(), "form_not_applicable", "{form:?}");
        assert!(err.message_vi().contains("H79.50.01-261124-0001"));
        assert!(!form.applies(&d));
    }
    assert!(Form::Receipt.applies(&d));
    assert!(matches!(
        Form::parse("hoa-don"),
        Err(RenderError::UnknownForm(_))
    ));
    // An online dossier not yet received has neither receipt nor control slip.
    let citizen = Subject::Citizen {
        username: "citizen".into(),
    };
    let req: SubmitRequest = serde_json::from_value(json!({
        "procedure": "1.001193",
        "agency": A,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "079099012345"}
    }))
    .unwrap();
    let online = submit(req, &w.ctx(&citizen, at("2026-11-24 20:00"))).unwrap();
    assert_eq!(online.events[0].action, ActionKind::Submit);
    for form in [Form::Receipt, Form::ControlSlip] {
        let err = render_form(&engine, form, &online, &w.form_ctx()).unwrap_err();
        assert_eq!(err.code(), "form_not_applicable");
    }
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
fn register_of_a_period_as_pdf_and_excel() {
    let w = world();
    let engine = Engine::new();
    // Three dossiers received over two days; the first walks to its returned result.
    let first = w.counter("2026-11-24 09:30", 1);
    let mut d = w.act(
        &first,
        "officer",
        "2026-11-24 10:00",
        "assign",
        json!({"assignee": "specialist"}),
    );
    for (who, when, action, body) in [
        ("specialist", "2026-11-25 08:00", "process", json!({})),
        (
            "specialist",
            "2026-11-25 09:00",
            "submit-for-approval",
            json!({}),
        ),
        ("leader", "2026-11-25 10:00", "approve", json!({})),
        (
            "specialist",
            "2026-11-25 11:00",
            "issue-result",
            json!({"result_number": "15/2026"}),
        ),
        (
            "officer",
            "2026-11-26 14:00",
            "return-result",
            json!({"method": "counter"}),
        ),
    ] {
        d = w.act(&d, who, when, action, body);
    }
    let second = w.counter("2026-11-24 15:10", 2);
    let mut third = w.counter("2026-11-25 08:05", 1);
    third.applicant.name = "Đặng Văn Đức".into();
    third.applicant.address = Some("Thôn Đức Mỹ, xã Bình Giã".into());
    // Given out of order: the register lists them in order of receipt.
    let dossiers = vec![third, d, second];
    let from = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let register = Register::new(A, from, to, &dossiers, &w.form_ctx()).unwrap();
    let codes: Vec<&str> = register.rows.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "H79.50.01-261124-0001",
            "H79.50.01-261124-0002",
            "H79.50.01-261125-0001"
        ]
    );
    assert_eq!(register.rows[0].returned, "14:00 26/11/2026");
    assert_eq!(register.rows[0].method, "Tại Bộ phận Một cửa");
    assert_eq!(register.rows[1].returned, "");
    assert_eq!(register.columns().len(), 11);

    let pdf = register.pdf(&engine).unwrap();
    if let Some(text) = check_pdf("07-register", &pdf, None) {
        has_all(
            "register",
            &text,
            &[
                "SỔ THEO DÕI HỒ SƠ",
                "Từ ngày 23/11/2026 đến ngày 30/11/2026",
                "ỦY BAN NHÂN DÂN XÃ BÌNH GIÃ",
                // Cells wrap, and pdftotext reads wrapped cells column by column: only
                // titles that fit one line are compared.
                "Mã hồ sơ",
                "Tên thủ tục hành chính",
                "Ký nhận",
                "H79.50.01-261124-0001",
                "H79.50.01-261125-0001",
                "Đặng Văn Đức",
                "Đăng ký khai sinh",
                "Tại Bộ phận",
            ],
        );
    }

    let xlsx = register.xlsx().unwrap();
    assert!(xlsx.starts_with(b"PK"));
    let strings: String = xlsx_part(&xlsx, "xl/sharedStrings.xml").nfc().collect();
    for want in [
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 23/11/2026 đến ngày 30/11/2026",
        "Ủy ban nhân dân xã Bình Giã",
        "Tên thủ tục hành chính",
        "H79.50.01-261125-0001",
        "Đặng Văn Đức",
        "Nguyễn Thị Ngọc Ánh",
        "14:00 26/11/2026",
    ] {
        assert!(strings.contains(want), "xlsx lacks {want:?}");
    }
    // Parent, agency, title, period, a blank line, the header on row 6, then three rows.
    let sheet = xlsx_part(&xlsx, "xl/worksheets/sheet1.xml");
    for cell in ["A6", "K6", "A7", "A8", "A9", "K9"] {
        assert!(sheet.contains(&format!("r=\"{cell}\"")), "no cell {cell}");
    }
    assert!(!sheet.contains("r=\"A10\""));

    // An empty period says so.
    let empty = Register::new(A, from, from, &[], &w.form_ctx()).unwrap();
    if let Some(text) = check_pdf("07-register-empty", &empty.pdf(&engine).unwrap(), None) {
        has_all(
            "empty register",
            &text,
            &["Không có hồ sơ nào được tiếp nhận trong khoảng thời gian này."],
        );
    }
}
