//! Papers of cashless fees: the electronic receipt (biên lai điện tử thu phí, lệ phí)
//! of a paid order as PDF, the "fees to pay" section of the dossier receipt slip (with
//! the VietQR code of each payment order), the amount in Vietnamese words, and the
//! reconciliation report (đối soát) as an Excel workbook.
//!
//! Like the forms, the data comes first (what a paper says, as JSON for its template),
//! then the layout (`templates/e-receipt.typ`, the payment section of `receipt.typ`).
//! Numbering is not done here: the receipt number is given.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::fee::{Charge, vnd};
use motcua_domain::time::to_local;
use motcua_pay::reconcile::{
    IgnoreReason, LineResult, MismatchReason, Report, ReportLine, Tally, Totals,
};
use motcua_pay::statement::Source;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use serde_json::{Value, json};

use crate::forms::date_vi;
use crate::{Engine, RenderError};

/// The national motto, first line.
const MOTTO: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// The national motto, second line.
const MOTTO2: &str = "Độc lập - Tự do - Hạnh phúc";

/// The e-receipt's legal note. Reference text only: the decree's wording on
/// electronic receipts was not read for this project (spec/payments.md §4, [U]).
const LEGAL_NOTE: &str = "Ghi chú (nội dung tham khảo): Biên lai điện tử có giá trị như biên lai giấy theo Nghị định số 123/2020/NĐ-CP của Chính phủ quy định về hóa đơn, chứng từ.";

// ---------------------------------------------------------------------------------
// Amounts in words
// ---------------------------------------------------------------------------------

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

fn digit(n: u64) -> &'static str {
    usize::try_from(n)
        .ok()
        .and_then(|i| DIGITS.get(i))
        .copied()
        .unwrap_or_default()
}

/// One group of three digits (`1..=999`). `full`: something non-zero is read before
/// it, so its hundreds are read even when zero (`không trăm`) and a lone unit takes
/// `linh` (`một nghìn không trăm linh năm`).
fn read_group(g: u64, full: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = (g / 100, (g / 10) % 10, g % 10);
    if full || h > 0 {
        out.extend([digit(h), "trăm"]);
    }
    match t {
        0 if u > 0 && (full || h > 0) => out.push("linh"),
        0 => {}
        1 => out.push("mười"),
        _ => out.extend([digit(t), "mươi"]),
    }
    match u {
        0 => {}
        1 if t >= 2 => out.push("mốt"),
        5 if t >= 1 => out.push("lăm"),
        _ => out.push(digit(u)),
    }
}

/// A number below a billion; `started`: higher digits were read already.
fn read_below_billion(n: u64, started: bool, out: &mut Vec<&'static str>) {
    let mut started = started;
    for (g, scale) in [
        (n / 1_000_000, "triệu"),
        ((n / 1_000) % 1_000, "nghìn"),
        (n % 1_000, ""),
    ] {
        if g == 0 {
            continue;
        }
        read_group(g, started, out);
        if !scale.is_empty() {
            out.push(scale);
        }
        started = true;
    }
}

/// Any number, billions read recursively (`một nghìn năm trăm tỷ`, `một tỷ tỷ`).
fn read_number(n: u64, started: bool, out: &mut Vec<&'static str>) {
    const BILLION: u64 = 1_000_000_000;
    if n >= BILLION {
        read_number(n / BILLION, started, out);
        out.push("tỷ");
        read_below_billion(n % BILLION, true, out);
    } else {
        read_below_billion(n, started, out);
    }
}

/// An amount of đồng in Vietnamese words, as written on receipts ("Số tiền bằng chữ"):
/// `75_000` → "Bảy mươi lăm nghìn đồng", `1_205_000` → "Một triệu hai trăm linh năm
/// nghìn đồng". The usual rules: `mốt` (21), `lăm` (15, 25), `linh` (105), `mười` /
/// `mươi`, `không trăm` inside a number (`1_005_000` → "Một triệu không trăm linh năm
/// nghìn đồng"), zero groups skipped, `bốn` always (never `tư`), `nghìn` and `tỷ`.
/// A negative amount starts with "Âm".
pub fn amount_in_words_vi(amount: i64) -> String {
    let mut words: Vec<&'static str> = Vec::new();
    if amount < 0 {
        words.push("âm");
    }
    let n = amount.unsigned_abs();
    if n == 0 {
        words.push("không");
    } else {
        read_number(n, false, &mut words);
    }
    words.push("đồng");
    capitalise(&words.join(" "))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `1.200.000 đồng`.
fn dong(amount: i64) -> String {
    format!("{} đồng", vnd(amount))
}

/// `09:30 ngày 24/11/2026` (Vietnam time).
fn moment_vi(at: DateTime<Utc>) -> String {
    to_local(at).format("%H:%M ngày %d/%m/%Y").to_string()
}

// ---------------------------------------------------------------------------------
// The electronic receipt
// ---------------------------------------------------------------------------------

/// The account the money was paid into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptAccount {
    /// Account holder, as the bank or treasury shows it.
    pub holder: String,
    /// Account number.
    pub number: String,
    /// Where it is held (`Kho bạc Nhà nước khu vực II`, `Vietcombank`…).
    pub bank: String,
}

/// One line of the receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    /// What was collected.
    pub name: String,
    /// "Phí" or "Lệ phí".
    pub kind: String,
    /// How it was counted (`5 trang × 2 bản`); empty for a flat amount.
    pub quantity: String,
    /// Amount collected, đồng (after any exemption).
    pub amount: i64,
}

impl ReceiptLine {
    /// The line of a charge as stored on the order.
    pub fn from_charge(c: &Charge) -> Self {
        ReceiptLine {
            name: c.name.clone(),
            kind: c.kind.label_vi().to_owned(),
            quantity: c.quantity.clone().unwrap_or_default(),
            amount: c.amount,
        }
    }
}

/// An exemption or reduction shown on the receipt, with its legal basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptExemption {
    /// What was exempted and how much (`Lệ phí đăng ký khai sinh: miễn 100%, trẻ em…`).
    pub note: String,
    /// The legal basis.
    pub legal_basis: String,
}

impl ReceiptExemption {
    /// The exemptions applied to the charges of an order, one per charge that has one.
    pub fn from_charges(charges: &[Charge]) -> Vec<Self> {
        charges
            .iter()
            .filter_map(|c| {
                let e = c.exemption.as_ref()?;
                let how = if e.percent >= 100 {
                    "miễn".to_owned()
                } else {
                    format!("giảm {}%", e.percent)
                };
                Some(ReceiptExemption {
                    note: format!(
                        "{}: {how} ({}); số tiền trước miễn, giảm {}",
                        c.name,
                        e.name,
                        dong(c.gross)
                    ),
                    legal_basis: e.legal_basis.clone(),
                })
            })
            .collect()
    }
}

/// The electronic receipt of fees and charges (biên lai thu phí, lệ phí — biên lai
/// điện tử) for a paid payment order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EReceipt {
    /// Receipt symbol and number (Ký hiệu/Số), given by the caller.
    pub receipt_no: String,
    /// The collecting agency.
    pub agency_name: String,
    /// Its code.
    pub agency_code: String,
    /// The account that received the money.
    pub account: ReceiptAccount,
    /// Who paid (name of the person or organisation).
    pub payer_name: String,
    /// Their address, when known.
    pub payer_address: Option<String>,
    /// Their personal identification number or tax code, when known.
    pub payer_id: Option<String>,
    /// The dossier the fees are for.
    pub dossier_code: String,
    /// Its procedure.
    pub procedure_name: String,
    /// What was collected.
    pub lines: Vec<ReceiptLine>,
    /// Exemptions and reductions, with their legal basis.
    pub exemptions: Vec<ReceiptExemption>,
    /// Total collected, đồng: the sum of the lines.
    pub total: i64,
    /// How it was paid ([`motcua_domain::fee::PayMethod::label_vi`]).
    pub method: String,
    /// The gateway's or bank's transaction number, when there is one.
    pub provider_ref: Option<String>,
    /// When it was paid.
    pub paid_at: DateTime<Utc>,
    /// When the receipt was issued.
    pub issued_at: DateTime<Utc>,
    /// The public lookup address of the receipt (printed as a QR code).
    pub lookup_url: String,
}

impl EReceipt {
    /// The total written in words.
    pub fn total_in_words(&self) -> String {
        amount_in_words_vi(self.total)
    }

    /// The data the template reads. Refuses a receipt whose total is negative or is
    /// not the sum of its lines: a receipt states money, and must add up.
    pub fn data(&self) -> Result<Value, RenderError> {
        let sum = self
            .lines
            .iter()
            .try_fold(0i64, |acc, l| acc.checked_add(l.amount));
        if self.total < 0 || sum != Some(self.total) {
            return Err(RenderError::NotApplicable {
                form: "e-receipt",
                reason_vi: format!(
                    "Tổng tiền trên biên lai ({}) không khớp với các khoản thu",
                    dong(self.total)
                ),
                reason_en: "the total is not the sum of the lines".to_owned(),
            });
        }
        let issued = to_local(self.issued_at).date();
        let lines: Vec<Value> = self
            .lines
            .iter()
            .map(|l| {
                json!({
                    "name": l.name,
                    "kind": l.kind,
                    "quantity": l.quantity,
                    "amount": vnd(l.amount),
                })
            })
            .collect();
        let exemptions: Vec<Value> = self
            .exemptions
            .iter()
            .map(|e| json!({ "note": e.note, "legal_basis": e.legal_basis }))
            .collect();
        Ok(json!({
            "title": "BIÊN LAI THU PHÍ, LỆ PHÍ",
            "subtitle": "(Biên lai điện tử)",
            "header": {
                "parent": Value::Null,
                "agency": self.agency_name,
                "number": Value::Null,
                "motto": MOTTO,
                "motto2": MOTTO2,
                "place_date": format!(
                    "Ngày {} tháng {} năm {}",
                    issued.format("%d"),
                    issued.format("%m"),
                    issued.format("%Y")
                ),
            },
            "footer": format!("Tra cứu biên lai: {}", self.lookup_url),
            "t": {
                "receipt_no": "Ký hiệu/Số",
                "agency": "Đơn vị thu phí, lệ phí",
                "agency_code": "Mã đơn vị",
                "account": "Tài khoản thu",
                "payer": "Họ và tên người nộp",
                "payer_address": "Địa chỉ",
                "payer_id": "Số định danh cá nhân/Mã số thuế",
                "dossier": "Mã hồ sơ",
                "procedure": "Thủ tục hành chính",
                "columns": ["STT", "Nội dung thu", "Loại", "Số lượng", "Số tiền (đồng)"],
                "total": "Tổng cộng",
                "in_words": "Số tiền bằng chữ",
                "exemptions": "Miễn, giảm",
                "legal_basis": "căn cứ",
                "method": "Hình thức thanh toán",
                "provider_ref": "Mã giao dịch",
                "paid_at": "Thời điểm thanh toán",
                "issued_at": "Thời điểm lập biên lai",
                "collector": "ĐƠN VỊ THU PHÍ, LỆ PHÍ",
                "collector_hint": "(Biên lai điện tử lập trên Hệ thống Một cửa)",
                "lookup_note": "Tra cứu biên lai bằng mã QR hoặc tại",
                "legal_note": LEGAL_NOTE,
            },
            "receipt_no": self.receipt_no,
            "agency_code": self.agency_code,
            "account": format!(
                "{} - {} - {}",
                self.account.number, self.account.holder, self.account.bank
            ),
            "payer": {
                "name": self.payer_name,
                "address": self.payer_address,
                "id": self.payer_id,
            },
            "dossier_code": self.dossier_code,
            "procedure": self.procedure_name,
            "lines": lines,
            "exemptions": exemptions,
            "total": vnd(self.total),
            "total_words": self.total_in_words(),
            "method": self.method,
            "provider_ref": self.provider_ref,
            "paid_at": moment_vi(self.paid_at),
            "issued_at": moment_vi(self.issued_at),
            "lookup_url": self.lookup_url,
            "qr": {
                "svg": crate::qr::svg(&self.lookup_url)?,
                "caption": "Tra cứu biên lai",
            },
        }))
    }

    /// The receipt as PDF (A4, the layout of the one-stop forms).
    pub fn pdf(&self, engine: &Engine) -> Result<Vec<u8>, RenderError> {
        Ok(engine.render("e-receipt.typ", &self.data()?)?.pdf)
    }
}

// ---------------------------------------------------------------------------------
// The payment section of the receipt slip
// ---------------------------------------------------------------------------------

/// A payment order printed on the dossier receipt slip: what to pay, where, with
/// which transfer note, and its VietQR code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipPayment {
    /// The payment reference, to write in the transfer note.
    pub reference: String,
    /// The collecting agency.
    pub agency_name: String,
    /// Account holder.
    pub account_holder: String,
    /// Account number.
    pub account_number: String,
    /// Where the account is held (bank or treasury).
    pub bank_label: String,
    /// Amount to pay, đồng.
    pub amount: i64,
    /// The VietQR payload (`motcua_pay::vietqr::Payload::encode`).
    pub vietqr: String,
}

/// The data of the slip's "Phí, lệ phí phải nộp" section; `null` without payments
/// (the slip is then printed as before).
pub(crate) fn slip_data(payments: &[SlipPayment]) -> Result<Value, RenderError> {
    if payments.is_empty() {
        return Ok(Value::Null);
    }
    let items = payments
        .iter()
        .map(|p| {
            Ok(json!({
                "reference": p.reference,
                "agency": p.agency_name,
                "holder": p.account_holder,
                "account": format!("{} - {}", p.account_number, p.bank_label),
                "amount": dong(p.amount),
                "amount_words": amount_in_words_vi(p.amount),
                "vietqr": p.vietqr,
                "qr": { "svg": crate::qr::svg(&p.vietqr)?, "caption": "VietQR" },
            }))
        })
        .collect::<Result<Vec<Value>, RenderError>>()?;
    Ok(json!({
        "heading": "Phí, lệ phí phải nộp",
        "t": {
            "amount": "Số tiền",
            "agency": "Đơn vị thu",
            "holder": "Chủ tài khoản",
            "account": "Số tài khoản",
            "reference": "Nội dung chuyển khoản (ghi đúng mã)",
        },
        "hint": "Quét mã VietQR bằng ứng dụng ngân hàng để chuyển khoản đúng số tiền và nội dung; hoặc nộp tại Bộ phận Một cửa.",
        "items": items,
    }))
}

// ---------------------------------------------------------------------------------
// The reconciliation workbook
// ---------------------------------------------------------------------------------

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> RenderError {
    RenderError::Xlsx(e.to_string())
}

fn index_err(e: std::num::TryFromIntError) -> RenderError {
    RenderError::Xlsx(e.to_string())
}

fn source_vi(s: &Source) -> String {
    match s {
        Source::Bank => "Sao kê tài khoản".to_owned(),
        Source::Gateway(g) => format!("Cổng thanh toán {}", g.to_uppercase()),
    }
}

/// The result of a line in a few words (the reason column says more).
pub fn result_label_vi(r: &LineResult) -> &'static str {
    match r {
        LineResult::Matched { .. } => "Khớp",
        LineResult::Mismatched { reason, .. } => match reason {
            MismatchReason::AmountDiffers { expected, got } if got < expected => {
                "Sai lệch: nộp thiếu"
            }
            MismatchReason::AmountDiffers { .. } => "Sai lệch: nộp thừa",
            MismatchReason::WrongAccount { .. } => "Sai lệch: sai tài khoản",
            MismatchReason::OutsideWindow { .. } => "Sai lệch: ngoài thời hạn",
            MismatchReason::AlreadyMatched { .. } => "Sai lệch: nộp hai lần",
        },
        LineResult::Unmatched { .. } => "Không xác định được lệnh thu",
        LineResult::Ignored { reason } => match reason {
            IgnoreReason::Debit => "Bỏ qua: ghi nợ",
            IgnoreReason::NotSuccessful { .. } => "Bỏ qua: không thành công",
            IgnoreReason::Repeated { .. } => "Bỏ qua: trùng lặp",
        },
    }
}

/// The formats of the workbook.
struct Formats {
    title: Format,
    bold: Format,
    head: Format,
    cell: Format,
    money: Format,
    count: Format,
    date: Format,
    total_cell: Format,
    total_money: Format,
    total_count: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin);
        let money = cell.clone().set_num_format("#,##0");
        let count = cell.clone().set_num_format("0");
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            head: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin)
                .set_background_color("#DDEBF7"),
            cell: cell.clone().set_text_wrap(),
            date: cell.clone().set_num_format("dd/mm/yyyy"),
            total_cell: cell.clone().set_bold(),
            total_money: money.clone().set_bold(),
            total_count: count.clone().set_bold(),
            money,
            count,
        }
    }
}

fn col(i: usize) -> Result<u16, RenderError> {
    u16::try_from(i).map_err(index_err)
}

fn row_at(base: u32, i: usize) -> Result<u32, RenderError> {
    base.checked_add(u32::try_from(i).map_err(index_err)?)
        .ok_or_else(|| RenderError::Xlsx("too many rows".to_owned()))
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, RenderError> {
    use chrono::Datelike;
    let year = u16::try_from(d.year()).map_err(index_err)?;
    let month = u8::try_from(d.month()).map_err(index_err)?;
    let day = u8::try_from(d.day()).map_err(index_err)?;
    ExcelDateTime::from_ymd(year, month, day).map_err(xlsx_err)
}

/// Title and period, on the first two rows of a sheet.
fn sheet_title(
    sheet: &mut Worksheet,
    f: &Formats,
    title: &str,
    report: &Report,
) -> Result<(), RenderError> {
    sheet
        .write_string_with_format(0, 0, title, &f.title)
        .map_err(xlsx_err)?;
    let period = match report.period {
        Some(p) => format!(
            "Từ ngày {} đến ngày {}; giao dịch được chấp nhận đến {} ngày sau hạn thanh toán",
            date_vi(p.from),
            date_vi(p.to),
            report.window_days
        ),
        None => "Không có giao dịch".to_owned(),
    };
    sheet.write_string(1, 0, period).map_err(xlsx_err)?;
    Ok(())
}

/// Counts and sums of matched, mismatched, unmatched and ignored lines from `first`.
fn write_totals(
    sheet: &mut Worksheet,
    row: u32,
    first: u16,
    totals: &Totals,
    strong: bool,
    f: &Formats,
) -> Result<(), RenderError> {
    let (count, money) = if strong {
        (&f.total_count, &f.total_money)
    } else {
        (&f.count, &f.money)
    };
    let tallies: [&Tally; 4] = [
        &totals.matched,
        &totals.mismatched,
        &totals.unmatched,
        &totals.ignored,
    ];
    for (i, t) in tallies.into_iter().enumerate() {
        let c = first + col(i * 2)?;
        sheet
            .write_number_with_format(row, c, t.count as f64, count)
            .map_err(xlsx_err)?;
        sheet
            .write_number_with_format(row, c + 1, t.sum_vnd as f64, money)
            .map_err(xlsx_err)?;
    }
    Ok(())
}

fn account_label(account: &str) -> &str {
    if account.is_empty() {
        "(không ghi tài khoản)"
    } else {
        account
    }
}

/// Sheet "Tổng hợp": one row per account and day, a subtotal per account, the total.
fn summary_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    title: &str,
    f: &Formats,
) -> Result<(), RenderError> {
    sheet.set_name("Tổng hợp").map_err(xlsx_err)?;
    sheet_title(sheet, f, title, report)?;
    // Two header rows: the groups, then number of lines and sum for each.
    let (top, sub) = (3u32, 4u32);
    for (i, name) in ["Tài khoản", "Nguồn", "Ngày"].into_iter().enumerate() {
        let c = col(i)?;
        sheet
            .merge_range(top, c, sub, c, name, &f.head)
            .map_err(xlsx_err)?;
    }
    for (i, group) in ["Khớp", "Sai lệch", "Không xác định được lệnh thu", "Bỏ qua"]
        .into_iter()
        .enumerate()
    {
        let c = 3 + col(i * 2)?;
        sheet
            .merge_range(top, c, top, c + 1, group, &f.head)
            .map_err(xlsx_err)?;
        sheet
            .write_string_with_format(sub, c, "Số giao dịch", &f.head)
            .map_err(xlsx_err)?;
        sheet
            .write_string_with_format(sub, c + 1, "Số tiền (đồng)", &f.head)
            .map_err(xlsx_err)?;
    }
    for (i, w) in [18.0, 24.0, 12.0].into_iter().enumerate() {
        sheet.set_column_width(col(i)?, w).map_err(xlsx_err)?;
    }
    for i in 3..11 {
        let w = if i % 2 == 1 { 12.0 } else { 16.0 };
        sheet.set_column_width(col(i)?, w).map_err(xlsx_err)?;
    }
    sheet.set_freeze_panes(sub + 1, 0).map_err(xlsx_err)?;
    let mut row = sub + 1;
    for a in &report.accounts {
        let account = account_label(&a.account);
        let source = source_vi(&a.source);
        for d in &a.days {
            sheet
                .write_string_with_format(row, 0, account, &f.cell)
                .map_err(xlsx_err)?;
            sheet
                .write_string_with_format(row, 1, &source, &f.cell)
                .map_err(xlsx_err)?;
            sheet
                .write_datetime_with_format(row, 2, excel_date(d.date)?, &f.date)
                .map_err(xlsx_err)?;
            write_totals(sheet, row, 3, &d.totals, false, f)?;
            row += 1;
        }
        sheet
            .write_string_with_format(row, 0, format!("Cộng {account}"), &f.total_cell)
            .map_err(xlsx_err)?;
        sheet
            .write_string_with_format(row, 1, &source, &f.total_cell)
            .map_err(xlsx_err)?;
        sheet
            .write_string_with_format(row, 2, "", &f.total_cell)
            .map_err(xlsx_err)?;
        write_totals(sheet, row, 3, &a.totals, true, f)?;
        row += 1;
    }
    sheet
        .merge_range(row, 0, row, 2, "Tổng cộng", &f.total_cell)
        .map_err(xlsx_err)?;
    write_totals(sheet, row, 3, &report.totals, true, f)?;
    let missing = report.missing_from_statement.len();
    let note = if missing == 0 {
        "Mọi lệnh thu đã ghi nhận thanh toán đều có trên sao kê.".to_owned()
    } else {
        format!(
            "{missing} lệnh thu đã ghi nhận thanh toán nhưng không có trên sao kê (xem trang “Thiếu trên sao kê”)."
        )
    };
    sheet
        .write_string_with_format(row + 2, 0, note, &f.bold)
        .map_err(xlsx_err)?;
    Ok(())
}

/// The references written on a line: the gateway's `txn_ref`, else those in the note.
fn references_on(line: &ReportLine) -> String {
    if let Some(r) = line.line.txn_ref.as_deref().filter(|r| !r.is_empty()) {
        return r.to_owned();
    }
    motcua_pay::reference::find_in(&line.line.description).join(", ")
}

/// Sheet "Chi tiết": every line with its result.
fn detail_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    title: &str,
    f: &Formats,
) -> Result<(), RenderError> {
    sheet.set_name("Chi tiết").map_err(xlsx_err)?;
    sheet_title(sheet, f, title, report)?;
    let header = 3u32;
    let columns: [(&str, f64); 13] = [
        ("STT", 6.0),
        ("Ngày giao dịch", 12.0),
        ("Giờ", 9.0),
        ("Tài khoản", 18.0),
        ("Nguồn", 22.0),
        ("Số giao dịch", 16.0),
        ("Số tiền (đồng)", 15.0),
        ("Nội dung chuyển khoản", 40.0),
        ("Người chuyển", 22.0),
        ("Kết quả", 22.0),
        ("Lệnh thu số", 10.0),
        ("Mã thanh toán trên giao dịch", 18.0),
        ("Lý do", 50.0),
    ];
    for (i, (name, width)) in columns.iter().enumerate() {
        let c = col(i)?;
        sheet
            .write_string_with_format(header, c, *name, &f.head)
            .map_err(xlsx_err)?;
        sheet.set_column_width(c, *width).map_err(xlsx_err)?;
    }
    sheet.set_freeze_panes(header + 1, 0).map_err(xlsx_err)?;
    let mut last = header;
    for (i, l) in report.lines().enumerate() {
        let row = row_at(header + 1, i)?;
        last = row;
        let s = &l.line;
        sheet
            .write_number_with_format(row, 0, (i + 1) as f64, &f.count)
            .map_err(xlsx_err)?;
        sheet
            .write_datetime_with_format(row, 1, excel_date(s.date)?, &f.date)
            .map_err(xlsx_err)?;
        let time =
            s.at.map(|t| t.format("%H:%M:%S").to_string())
                .unwrap_or_default();
        let texts_before: [(usize, String); 4] = [
            (2, time),
            (3, account_label(&s.account).to_owned()),
            (4, source_vi(&s.source)),
            (5, s.bank_ref.clone()),
        ];
        for (c, text) in texts_before {
            sheet
                .write_string_with_format(row, col(c)?, text, &f.cell)
                .map_err(xlsx_err)?;
        }
        sheet
            .write_number_with_format(row, 6, s.amount_vnd as f64, &f.money)
            .map_err(xlsx_err)?;
        let reason = match l.result {
            LineResult::Matched { .. } => String::new(),
            _ => l.result.message_vi(),
        };
        let texts_after: [(usize, String); 4] = [
            (7, s.description.clone()),
            (8, s.counterparty.clone().unwrap_or_default()),
            (9, result_label_vi(&l.result).to_owned()),
            (11, references_on(l)),
        ];
        for (c, text) in texts_after {
            sheet
                .write_string_with_format(row, col(c)?, text, &f.cell)
                .map_err(xlsx_err)?;
        }
        match l.result.order_id() {
            Some(id) => sheet
                .write_number_with_format(row, 10, id as f64, &f.count)
                .map_err(xlsx_err)?,
            None => sheet
                .write_string_with_format(row, 10, "", &f.cell)
                .map_err(xlsx_err)?,
        };
        sheet
            .write_string_with_format(row, 12, reason, &f.cell)
            .map_err(xlsx_err)?;
    }
    if last > header {
        sheet
            .autofilter(header, 0, last, col(columns.len() - 1)?)
            .map_err(xlsx_err)?;
    } else {
        sheet
            .write_string(header + 1, 0, "Không có giao dịch.")
            .map_err(xlsx_err)?;
    }
    Ok(())
}

/// Sheet "Thiếu trên sao kê": orders recorded as paid that no line points at.
fn missing_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    title: &str,
    f: &Formats,
) -> Result<(), RenderError> {
    sheet.set_name("Thiếu trên sao kê").map_err(xlsx_err)?;
    sheet_title(sheet, f, title, report)?;
    let header = 3u32;
    let columns: [(&str, f64); 7] = [
        ("Lệnh thu số", 10.0),
        ("Mã thanh toán", 16.0),
        ("Mã hồ sơ", 24.0),
        ("Đơn vị thu", 14.0),
        ("Tài khoản", 18.0),
        ("Số tiền đã ghi nhận (đồng)", 16.0),
        ("Mã giao dịch cổng thanh toán", 20.0),
    ];
    for (i, (name, width)) in columns.iter().enumerate() {
        let c = col(i)?;
        sheet
            .write_string_with_format(header, c, *name, &f.head)
            .map_err(xlsx_err)?;
        sheet.set_column_width(c, *width).map_err(xlsx_err)?;
    }
    for (i, m) in report.missing_from_statement.iter().enumerate() {
        let row = row_at(header + 1, i)?;
        sheet
            .write_number_with_format(row, 0, m.order_id as f64, &f.count)
            .map_err(xlsx_err)?;
        for (c, text) in [
            (1, m.reference.as_str()),
            (2, m.dossier_code.as_str()),
            (3, m.agency.as_str()),
            (4, m.account.as_str()),
        ] {
            sheet
                .write_string_with_format(row, c, text, &f.cell)
                .map_err(xlsx_err)?;
        }
        sheet
            .write_number_with_format(row, 5, m.amount_paid as f64, &f.money)
            .map_err(xlsx_err)?;
        sheet
            .write_string_with_format(
                row,
                6,
                m.provider_txn.as_deref().unwrap_or_default(),
                &f.cell,
            )
            .map_err(xlsx_err)?;
    }
    if report.missing_from_statement.is_empty() {
        sheet
            .write_string(header + 1, 0, "Không có.")
            .map_err(xlsx_err)?;
    }
    Ok(())
}

/// A reconciliation report as an .xlsx workbook with Vietnamese headers: sheet
/// "Tổng hợp" (per account and day: matched, mismatched, unmatched and ignored
/// lines, counts and sums in đồng), sheet "Chi tiết" (every line with its result,
/// order and reason) and sheet "Thiếu trên sao kê" (orders recorded as paid that
/// no line shows). `title` heads every sheet.
pub fn reconciliation_xlsx(report: &Report, title: &str) -> Result<Vec<u8>, RenderError> {
    let f = Formats::new();
    let mut book = Workbook::new();
    summary_sheet(book.add_worksheet(), report, title, &f)?;
    detail_sheet(book.add_worksheet(), report, title, &f)?;
    missing_sheet(book.add_worksheet(), report, title, &f)?;
    book.save_to_buffer().map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_words() {
        for (n, want) in [
            (0, "Không đồng"),
            (1, "Một đồng"),
            (4, "Bốn đồng"),
            (5, "Năm đồng"),
            (10, "Mười đồng"),
            (11, "Mười một đồng"),
            (14, "Mười bốn đồng"),
            (15, "Mười lăm đồng"),
            (20, "Hai mươi đồng"),
            (21, "Hai mươi mốt đồng"),
            (24, "Hai mươi bốn đồng"),
            (25, "Hai mươi lăm đồng"),
            (55, "Năm mươi lăm đồng"),
            (91, "Chín mươi mốt đồng"),
            (100, "Một trăm đồng"),
            (101, "Một trăm linh một đồng"),
            (105, "Một trăm linh năm đồng"),
            (110, "Một trăm mười đồng"),
            (111, "Một trăm mười một đồng"),
            (115, "Một trăm mười lăm đồng"),
            (121, "Một trăm hai mươi mốt đồng"),
            (999, "Chín trăm chín mươi chín đồng"),
            (1_000, "Một nghìn đồng"),
            (1_001, "Một nghìn không trăm linh một đồng"),
            (1_010, "Một nghìn không trăm mười đồng"),
            (1_015, "Một nghìn không trăm mười lăm đồng"),
            (1_100, "Một nghìn một trăm đồng"),
            (10_000, "Mười nghìn đồng"),
            (10_005, "Mười nghìn không trăm linh năm đồng"),
            (15_000, "Mười lăm nghìn đồng"),
            (20_000, "Hai mươi nghìn đồng"),
            (50_000, "Năm mươi nghìn đồng"),
            (75_000, "Bảy mươi lăm nghìn đồng"),
            (100_000, "Một trăm nghìn đồng"),
            (105_000, "Một trăm linh năm nghìn đồng"),
            (215_500, "Hai trăm mười lăm nghìn năm trăm đồng"),
            (1_000_000, "Một triệu đồng"),
            (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
            (1_000_005, "Một triệu không trăm linh năm đồng"),
            (1_200_000, "Một triệu hai trăm nghìn đồng"),
            (1_205_000, "Một triệu hai trăm linh năm nghìn đồng"),
            (
                2_531_041,
                "Hai triệu năm trăm ba mươi mốt nghìn không trăm bốn mươi mốt đồng",
            ),
            (10_000_000, "Mười triệu đồng"),
            (21_000_000, "Hai mươi mốt triệu đồng"),
            (1_000_000_000, "Một tỷ đồng"),
            (1_000_000_001, "Một tỷ không trăm linh một đồng"),
            (2_050_000_000, "Hai tỷ không trăm năm mươi triệu đồng"),
            (1_500_000_000_000, "Một nghìn năm trăm tỷ đồng"),
            (1_000_500_000_000, "Một nghìn tỷ năm trăm triệu đồng"),
            (1_000_000_000_000_000_000, "Một tỷ tỷ đồng"),
            (-75_000, "Âm bảy mươi lăm nghìn đồng"),
        ] {
            assert_eq!(amount_in_words_vi(n), want, "{n}");
        }
    }

    #[test]
    fn extreme_amounts_do_not_overflow() {
        assert!(amount_in_words_vi(i64::MAX).ends_with(" đồng"));
        assert!(amount_in_words_vi(i64::MIN).starts_with("Âm chín tỷ hai trăm"));
    }

    #[test]
    fn lines_and_exemptions_from_the_charges() {
        use motcua_domain::fee::{AppliedExemption, FeeKind};
        let charge = |name: &str, percent: Option<u8>, gross: i64, amount: i64| Charge {
            line: "l".into(),
            name: name.into(),
            kind: FeeKind::Fee,
            agency: "H79.50.01".into(),
            quantity: None,
            gross,
            exemption: percent.map(|percent| AppliedExemption {
                id: "e".into(),
                name: "người khuyết tật".into(),
                percent,
                legal_basis: "Thông tư 85/2019/TT-BTC".into(),
                approved_by: "officer".into(),
            }),
            amount,
            legal_basis: None,
        };
        let charges = [
            charge("Lệ phí A", None, 50_000, 50_000),
            charge("Lệ phí B", Some(50), 20_000, 10_000),
            charge("Lệ phí C", Some(100), 30_000, 0),
        ];
        let line = ReceiptLine::from_charge(&charges[1]);
        assert_eq!((line.kind.as_str(), line.amount), ("Lệ phí", 10_000));
        let notes = ReceiptExemption::from_charges(&charges);
        assert_eq!(notes.len(), 2);
        assert_eq!(
            notes[0].note,
            "Lệ phí B: giảm 50% (người khuyết tật); số tiền trước miễn, giảm 20.000 đồng"
        );
        assert!(
            notes[1]
                .note
                .starts_with("Lệ phí C: miễn (người khuyết tật)")
        );
        assert_eq!(notes[1].legal_basis, "Thông tư 85/2019/TT-BTC");
    }

    #[test]
    fn an_empty_slip_section_is_null() {
        assert_eq!(slip_data(&[]).ok(), Some(Value::Null));
    }
}
