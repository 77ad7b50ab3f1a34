//! Statement import (sao kê): the bank's or treasury's list of transactions on a
//! receiving account, and the payment gateway's daily reconciliation file, read into
//! [`StatementLine`]s for [`crate::reconcile`].
//!
//! Banks export statements in as many layouts as there are banks, so we define
//! **our** layout and the office converts to it (a spreadsheet column rename is
//! enough). The import is all-or-nothing: a file with one bad row is refused whole,
//! with every row's error (up to [`MAX_ERRORS`]), because a half-imported statement
//! would make the missing rows look like unpaid orders.
//!
//! # Bank statement CSV
//!
//! RFC 4180: comma-separated (a semicolon-separated file, as Excel writes with
//! Vietnamese regional settings, is recognised from its header row), fields with a
//! comma, quote or line break in double quotes, a quote inside doubled (`""`), CRLF
//! or LF line ends, UTF-8 with or without a byte-order mark.
//!
//! The first row is the header. Columns may come in any order and are found by
//! name, ignoring case, Vietnamese tones and punctuation (`Ngày giao dịch`,
//! `NGAY_GIAO_DICH` and `ngay giao dich` are one name). Unknown columns (balance,
//! branch…) are ignored.
//!
//! | Column | Also accepted | Required | Content |
//! |--------|---------------|----------|---------|
//! | `date` | `ngay`, `ngay_giao_dich`, `ngay_gd`, `transaction_date`, `txn_date` | yes | `YYYY-MM-DD` or `DD/MM/YYYY`, optionally followed by a time `HH:MM` or `HH:MM:SS` |
//! | `account` | `so_tai_khoan`, `tai_khoan`, `so_tk`, `tai_khoan_nhan`, `account_no`, `account_number` | yes | the receiving account number |
//! | `bank_ref` | `so_giao_dich`, `ma_giao_dich`, `so_tham_chieu`, `so_but_toan`, `so_chung_tu`, `transaction_id`, `txn_id` | yes | the bank's transaction number, unique per account |
//! | `amount` | `so_tien`, `so_tien_vnd`, `amount_vnd` | yes | whole đồng; credit positive, debit negative |
//! | `description` | `noi_dung`, `dien_giai`, `noi_dung_chuyen_khoan`, `noi_dung_giao_dich`, `mo_ta`, `narrative`, `remark` | yes (may be blank) | the transfer note |
//! | `counterparty` | `doi_ung`, `ten_doi_ung`, `nguoi_chuyen`, `ben_chuyen` | no | who sent the money |
//!
//! Amounts are whole đồng and never pass through a float: `1200000`, `1.200.000`,
//! `"1,200,000"` (quoted, since it holds commas), `1.200.000,00` and `1200000.00`
//! are the same amount; a non-zero fractional part (`1200000,50`), an ambiguous one
//! (`1200,5`) or irregular grouping (`12.00.000`) is refused. A zero amount is
//! refused (banks post none). Debits are kept, as [`Kind::Debit`], so the file
//! reads as exported, but never matched.
//!
//! ```text
//! date,account,bank_ref,amount,description,counterparty
//! 2025-03-04 09:15,0071001234567,FT25063001,"1,200,000",MC0000421757 nop phi ho so,NGUYEN VAN A
//! 04/03/2025,0071001234567,FT25063002,500.000,"CT DEN:123 MC0000991535 ""le phi""",TRAN THI B
//! 2025-03-05,0071001234567,FT25064001,-11.000,Phi quan ly tai khoan,
//! ```
//!
//! # Gateway reconciliation file \[U\]
//!
//! VNPAY and the national platform send a daily reconciliation file whose exact
//! layout is not public (spec/payments.md §4), so this is ours, to be checked
//! against the real file and converted to if it differs. Same CSV rules and header
//! matching as above.
//!
//! | Column | Also accepted | Required | Content |
//! |--------|---------------|----------|---------|
//! | `txn_ref` | `vnp_txnref`, `ma_don_hang` | yes | our payment reference, as sent to the gateway |
//! | `transaction_no` | `vnp_transactionno`, `ma_giao_dich` | yes (may be blank when not successful) | the gateway's transaction number, unique per gateway |
//! | `amount` | `so_tien` | yes | whole đồng, same rules as above — **not** VNPAY's `vnp_Amount` (×100) |
//! | `pay_date` | `vnp_paydate`, `ngay_thanh_toan` | yes | `yyyyMMddHHmmss`, Vietnam time |
//! | `bank_code` | `vnp_bankcode`, `ngan_hang` | yes (may be blank) | the paying bank |
//! | `status` | `vnp_transactionstatus`, `trang_thai` | yes | `00` success; anything else is kept as [`Kind::Failed`] |
//! | `account` | `so_tai_khoan`, `tai_khoan` | no | the account the gateway settles to |
//!
//! ```text
//! txn_ref,transaction_no,amount,pay_date,bank_code,status
//! MC0000421757,14522301,1200000,20250304091500,NCB,00
//! MC0000991535,0,500000,20250304101122,VCB,24
//! ```
//!
//! A failed gateway row often carries transaction number `0`, so transaction
//! numbers are required and unique only on successful rows.

use std::collections::HashMap;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// At most this many errors are returned; the rest are only counted.
pub const MAX_ERRORS: usize = 50;

/// Where a line comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A bank or treasury statement of a receiving account.
    Bank,
    /// A payment gateway's reconciliation file; the gateway's id (`vnpay`, `paygov`).
    Gateway(String),
}

/// What a line is, for matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Money in: the only kind matched against orders.
    Credit,
    /// Money out (bank charges, refunds): kept so the file reads as exported.
    Debit,
    /// A gateway transaction that did not succeed (status other than `00`): no money moved.
    Failed,
}

/// One transaction of a statement or gateway file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StatementLine {
    /// The file it comes from.
    pub source: Source,
    /// 1-based line of the file where the row starts, for messages.
    pub line_no: usize,
    /// Credit, debit or failed.
    pub kind: Kind,
    /// Transaction date (Vietnam time).
    pub date: NaiveDate,
    /// Transaction time, when the file gives one.
    pub at: Option<NaiveDateTime>,
    /// Receiving account, normalised by [`normalize_account`]; empty on a gateway
    /// line whose file names no account.
    pub account: String,
    /// The bank's transaction number (bank) or the gateway's (`transaction_no`).
    pub bank_ref: String,
    /// Whole đồng; negative for a debit.
    pub amount_vnd: i64,
    /// The transfer note (empty on gateway lines).
    pub description: String,
    /// Who sent the money, when the file says.
    pub counterparty: Option<String>,
    /// Gateway lines: our reference as sent to the gateway (`txn_ref`).
    pub txn_ref: Option<String>,
    /// Gateway lines: the paying bank.
    pub bank_code: Option<String>,
    /// Gateway lines: the gateway's status (`00` success).
    pub status: Option<String>,
}

/// What is wrong with the quoting of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CsvProblem {
    /// A quoted field runs to the end of the file.
    #[error("a quoted field is never closed")]
    UnterminatedQuote,
    /// Something other than a separator or line end follows a closing quote.
    #[error("text follows a closing quote")]
    TextAfterQuote,
}

/// Why a statement file is refused. Every error names its line (1-based) and,
/// where one is concerned, its column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    /// The bytes are not UTF-8.
    #[error("line {line}: the file is not UTF-8")]
    EncodingInvalid {
        /// Line of the first invalid byte.
        line: usize,
    },
    /// The CSV quoting is broken.
    #[error("line {line}, field {field}: {problem}")]
    CsvInvalid {
        /// Line where the problem is.
        line: usize,
        /// 1-based position of the field in its row.
        field: usize,
        /// What is wrong.
        problem: CsvProblem,
    },
    /// No transaction rows.
    #[error("line {line}: the statement has no transactions")]
    Empty {
        /// The header's line, or 1 for an empty file.
        line: usize,
    },
    /// The first row names none of the known columns.
    #[error("line {line}: no header row")]
    HeaderMissing {
        /// The first row's line.
        line: usize,
    },
    /// A required column is absent from the header.
    #[error("line {line}: column {column} is missing")]
    ColumnMissing {
        /// The header's line.
        line: usize,
        /// Our name of the column.
        column: &'static str,
    },
    /// Two header cells name the same column.
    #[error("line {line}: column {column} appears twice (as {header:?})")]
    ColumnDuplicate {
        /// The header's line.
        line: usize,
        /// Our name of the column.
        column: &'static str,
        /// The second header cell, as written.
        header: String,
    },
    /// A row has more or fewer fields than the header.
    #[error("line {line}: {got} fields where the header has {expected}")]
    RowWidth {
        /// The row's line.
        line: usize,
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        got: usize,
    },
    /// A required value is blank.
    #[error("line {line}, column {column}: empty")]
    FieldEmpty {
        /// The row's line.
        line: usize,
        /// Our name of the column.
        column: &'static str,
    },
    /// An amount that is not a non-zero whole number of đồng.
    #[error("line {line}, column {column}: invalid amount {value:?}")]
    AmountInvalid {
        /// The row's line.
        line: usize,
        /// Our name of the column.
        column: &'static str,
        /// The value as written.
        value: String,
    },
    /// A date (or date and time) in none of the accepted forms.
    #[error("line {line}, column {column}: invalid date {value:?}")]
    DateInvalid {
        /// The row's line.
        line: usize,
        /// Our name of the column.
        column: &'static str,
        /// The value as written.
        value: String,
    },
    /// A transaction number seen on an earlier row (same account, or same gateway).
    #[error("line {line}, column {column}: transaction {value:?} already on line {first_line}")]
    DuplicateRef {
        /// The row's line.
        line: usize,
        /// Our name of the column.
        column: &'static str,
        /// The transaction number.
        value: String,
        /// The earlier row's line.
        first_line: usize,
    },
}

impl StatementError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            StatementError::EncodingInvalid { .. } => "statement_encoding_invalid",
            StatementError::CsvInvalid { .. } => "statement_csv_invalid",
            StatementError::Empty { .. } => "statement_empty",
            StatementError::HeaderMissing { .. } => "statement_header_missing",
            StatementError::ColumnMissing { .. } => "statement_column_missing",
            StatementError::ColumnDuplicate { .. } => "statement_column_duplicate",
            StatementError::RowWidth { .. } => "statement_row_width",
            StatementError::FieldEmpty { .. } => "statement_field_empty",
            StatementError::AmountInvalid { .. } => "statement_amount_invalid",
            StatementError::DateInvalid { .. } => "statement_date_invalid",
            StatementError::DuplicateRef { .. } => "statement_duplicate_ref",
        }
    }

    /// The 1-based line of the file concerned.
    pub fn line(&self) -> usize {
        match self {
            StatementError::EncodingInvalid { line }
            | StatementError::CsvInvalid { line, .. }
            | StatementError::Empty { line }
            | StatementError::HeaderMissing { line }
            | StatementError::ColumnMissing { line, .. }
            | StatementError::ColumnDuplicate { line, .. }
            | StatementError::RowWidth { line, .. }
            | StatementError::FieldEmpty { line, .. }
            | StatementError::AmountInvalid { line, .. }
            | StatementError::DateInvalid { line, .. }
            | StatementError::DuplicateRef { line, .. } => *line,
        }
    }

    /// Our name of the column concerned, when one is.
    pub fn column(&self) -> Option<&'static str> {
        match self {
            StatementError::ColumnMissing { column, .. }
            | StatementError::ColumnDuplicate { column, .. }
            | StatementError::FieldEmpty { column, .. }
            | StatementError::AmountInvalid { column, .. }
            | StatementError::DateInvalid { column, .. }
            | StatementError::DuplicateRef { column, .. } => Some(column),
            _ => None,
        }
    }

    /// Vietnamese message for the officer who uploaded the file.
    pub fn message_vi(&self) -> String {
        match self {
            StatementError::EncodingInvalid { line } => {
                format!("Dòng {line}: tệp không phải mã UTF-8 (hãy xuất sao kê dạng CSV UTF-8).")
            }
            StatementError::CsvInvalid {
                line,
                field,
                problem: CsvProblem::UnterminatedQuote,
            } => format!("Dòng {line}, cột thứ {field}: dấu ngoặc kép mở nhưng không đóng."),
            StatementError::CsvInvalid {
                line,
                field,
                problem: CsvProblem::TextAfterQuote,
            } => format!("Dòng {line}, cột thứ {field}: có ký tự sau dấu ngoặc kép đóng."),
            StatementError::Empty { line } => {
                format!("Dòng {line}: tệp sao kê không có giao dịch nào.")
            }
            StatementError::HeaderMissing { line } => format!(
                "Dòng {line}: không có dòng tiêu đề (dòng đầu phải ghi tên cột, ví dụ date, account, bank_ref, amount, description)."
            ),
            StatementError::ColumnMissing { line, column } => {
                format!("Dòng {line}: thiếu cột «{column}».")
            }
            StatementError::ColumnDuplicate {
                line,
                column,
                header,
            } => format!("Dòng {line}: cột «{column}» có hai lần (lần thứ hai là «{header}»)."),
            StatementError::RowWidth {
                line,
                expected,
                got,
            } => format!(
                "Dòng {line}: có {got} cột trong khi dòng tiêu đề có {expected} cột (số tiền viết có dấu phẩy phải đặt trong ngoặc kép)."
            ),
            StatementError::FieldEmpty { line, column } => {
                format!("Dòng {line}, cột «{column}»: không được để trống.")
            }
            StatementError::AmountInvalid {
                line,
                column,
                value,
            } => format!(
                "Dòng {line}, cột «{column}»: số tiền «{value}» không hợp lệ (chỉ nhận số đồng nguyên khác 0, ví dụ 1.200.000)."
            ),
            StatementError::DateInvalid {
                line,
                column,
                value,
            } => {
                let form = if *column == Col::PayDate.name() {
                    "yyyyMMddHHmmss"
                } else {
                    "YYYY-MM-DD hoặc DD/MM/YYYY, có thể kèm giờ HH:MM"
                };
                format!("Dòng {line}, cột «{column}»: ngày «{value}» không hợp lệ (dạng {form}).")
            }
            StatementError::DuplicateRef {
                line,
                column,
                value,
                first_line,
            } => format!(
                "Dòng {line}, cột «{column}»: số giao dịch «{value}» trùng với dòng {first_line}."
            ),
        }
    }
}

/// Every reason a file was refused: the first [`MAX_ERRORS`] errors in file
/// order, and how many more there were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportErrors {
    /// The errors, in file order.
    pub errors: Vec<StatementError>,
    /// Errors found beyond [`MAX_ERRORS`], not listed.
    pub omitted: usize,
}

impl ImportErrors {
    fn from_all(mut errors: Vec<StatementError>) -> Self {
        let omitted = errors.len().saturating_sub(MAX_ERRORS);
        errors.truncate(MAX_ERRORS);
        ImportErrors { errors, omitted }
    }

    /// Vietnamese messages, one per error, and a last line counting the omitted ones.
    pub fn messages_vi(&self) -> Vec<String> {
        let mut out: Vec<String> = self.errors.iter().map(|e| e.message_vi()).collect();
        if self.omitted > 0 {
            out.push(format!("… và {} lỗi khác.", self.omitted));
        }
        out
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.errors.len() + self.omitted;
        write!(f, "statement refused: {total} error(s)")?;
        if let Some(first) = self.errors.first() {
            write!(f, "; first: {first}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

/// The text of an uploaded file, or `statement_encoding_invalid` with the line of
/// the first byte that is not UTF-8 (a legacy Windows-1258 export, typically).
pub fn decode(bytes: &[u8]) -> Result<&str, ImportErrors> {
    std::str::from_utf8(bytes).map_err(|e| {
        let before = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = 1 + before.iter().filter(|b| **b == b'\n').count();
        ImportErrors::from_all(vec![StatementError::EncodingInvalid { line }])
    })
}

/// Reads a bank statement in our CSV layout (see the module documentation).
/// All-or-nothing: any error refuses the whole file.
pub fn parse_bank(text: &str) -> Result<Vec<StatementLine>, ImportErrors> {
    import(text, BANK_COLUMNS, &Source::Bank)
}

/// Reads a gateway reconciliation file in our CSV layout \[U\] (see the module
/// documentation); `provider` is the gateway's id (`vnpay`), kept on every line.
/// All-or-nothing: any error refuses the whole file.
pub fn parse_gateway(provider: &str, text: &str) -> Result<Vec<StatementLine>, ImportErrors> {
    import(text, GATEWAY_COLUMNS, &Source::Gateway(provider.to_owned()))
}

/// An account number as compared everywhere: ASCII letters and digits only,
/// upper-cased, because statements print `0071 0012 3456` or `0071-001-23456`
/// for the account the order recorded as `0071001234567`.
pub fn normalize_account(account: &str) -> String {
    account
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A whole-đồng amount as written in a statement: digits, with `.` or `,` as
/// thousands separators (groups of three), an optional zero fractional part
/// (`,00` or `.00`) and an optional sign. `None` for anything else — a non-zero or
/// one-digit fraction, irregular grouping, mixed separators — rather than a guess,
/// since `1,5` could be 1.5 or a slip for 15. Never goes through a float.
pub fn parse_amount(text: &str) -> Option<i64> {
    let s = text.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (whole, decimal_sep) = split_fraction(s)?;
    let magnitude = parse_grouped(whole, decimal_sep)?;
    let value = i64::try_from(magnitude).ok()?;
    Some(if negative { -value } else { value })
}

/// Splits off a trailing zero fraction. The last separator followed by exactly
/// three digits is a thousands separator (`1.200`), by `00` a decimal point.
fn split_fraction(s: &str) -> Option<(&str, Option<char>)> {
    let Some(pos) = s.rfind([',', '.']) else {
        return Some((s, None));
    };
    let sep = s.get(pos..)?.chars().next()?;
    let after = s.get(pos + 1..)?;
    if after.len() == 3 && after.bytes().all(|b| b.is_ascii_digit()) {
        Some((s, None))
    } else if after == "00" {
        Some((s.get(..pos)?, Some(sep)))
    } else {
        None
    }
}

/// Digits, optionally grouped by threes with one separator that is not the
/// decimal separator.
fn parse_grouped(s: &str, decimal_sep: Option<char>) -> Option<u64> {
    let sep = s.chars().find(|c| matches!(c, ',' | '.'));
    let groups: Vec<&str> = match sep {
        Some(sep) if Some(sep) == decimal_sep => return None,
        Some(sep) => s.split(sep).collect(),
        None => vec![s],
    };
    let mut value: u64 = 0;
    for (i, group) in groups.iter().enumerate() {
        let len_ok = match (sep, i) {
            (None, _) => !group.is_empty(),
            (Some(_), 0) => (1..=3).contains(&group.len()),
            (Some(_), _) => group.len() == 3,
        };
        if !len_ok || !group.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        for b in group.bytes() {
            value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        }
    }
    Some(value)
}

/// Our columns, by the name used in errors and the documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Date,
    Account,
    BankRef,
    Amount,
    Description,
    Counterparty,
    TxnRef,
    TransactionNo,
    PayDate,
    BankCode,
    Status,
}

impl Col {
    fn name(self) -> &'static str {
        match self {
            Col::Date => "date",
            Col::Account => "account",
            Col::BankRef => "bank_ref",
            Col::Amount => "amount",
            Col::Description => "description",
            Col::Counterparty => "counterparty",
            Col::TxnRef => "txn_ref",
            Col::TransactionNo => "transaction_no",
            Col::PayDate => "pay_date",
            Col::BankCode => "bank_code",
            Col::Status => "status",
        }
    }
}

/// A column of a layout: the header names it answers to (already in the form
/// [`header_key`] produces) and whether the header must have it.
#[derive(Debug)]
struct ColumnSpec {
    col: Col,
    aliases: &'static [&'static str],
    required: bool,
}

const BANK_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        col: Col::Date,
        aliases: &[
            "date",
            "ngay",
            "ngay_giao_dich",
            "ngay_gd",
            "transaction_date",
            "txn_date",
        ],
        required: true,
    },
    ColumnSpec {
        col: Col::Account,
        aliases: &[
            "account",
            "so_tai_khoan",
            "tai_khoan",
            "so_tk",
            "tai_khoan_nhan",
            "account_no",
            "account_number",
        ],
        required: true,
    },
    ColumnSpec {
        col: Col::BankRef,
        aliases: &[
            "bank_ref",
            "so_giao_dich",
            "ma_giao_dich",
            "so_tham_chieu",
            "so_but_toan",
            "so_chung_tu",
            "transaction_id",
            "txn_id",
        ],
        required: true,
    },
    ColumnSpec {
        col: Col::Amount,
        aliases: &["amount", "so_tien", "so_tien_vnd", "amount_vnd"],
        required: true,
    },
    ColumnSpec {
        col: Col::Description,
        aliases: &[
            "description",
            "noi_dung",
            "dien_giai",
            "noi_dung_chuyen_khoan",
            "noi_dung_giao_dich",
            "mo_ta",
            "narrative",
            "remark",
        ],
        required: true,
    },
    ColumnSpec {
        col: Col::Counterparty,
        aliases: &[
            "counterparty",
            "doi_ung",
            "ten_doi_ung",
            "nguoi_chuyen",
            "ben_chuyen",
        ],
        required: false,
    },
];

const GATEWAY_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        col: Col::TxnRef,
        aliases: &["txn_ref", "vnp_txnref", "ma_don_hang"],
        required: true,
    },
    ColumnSpec {
        col: Col::TransactionNo,
        aliases: &["transaction_no", "vnp_transactionno", "ma_giao_dich"],
        required: true,
    },
    // Deliberately not `vnp_amount`: VNPAY's own field is in hundredths of a đồng.
    ColumnSpec {
        col: Col::Amount,
        aliases: &["amount", "so_tien"],
        required: true,
    },
    ColumnSpec {
        col: Col::PayDate,
        aliases: &["pay_date", "vnp_paydate", "ngay_thanh_toan"],
        required: true,
    },
    ColumnSpec {
        col: Col::BankCode,
        aliases: &["bank_code", "vnp_bankcode", "ngan_hang"],
        required: true,
    },
    ColumnSpec {
        col: Col::Status,
        aliases: &["status", "vnp_transactionstatus", "trang_thai"],
        required: true,
    },
    ColumnSpec {
        col: Col::Account,
        aliases: &["account", "so_tai_khoan", "tai_khoan"],
        required: false,
    },
];

/// A header cell reduced to the form the aliases are written in: tones and case
/// dropped, `đ` → `d`, every run of other characters → one `_`.
fn header_key(cell: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in cell.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        // đ has no decomposition; Ð (U+00D0) is a common stand-in for Đ.
        let c = match c {
            'đ' | 'Đ' | 'Ð' => 'd',
            c => c,
        };
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// One CSV record and the line it starts on.
#[derive(Debug)]
struct Record {
    line: usize,
    fields: Vec<String>,
}

impl Record {
    fn is_blank(&self) -> bool {
        self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// The separator of the file: the comma, unless the first line has semicolons
/// (or tabs) and no commas, as Excel writes CSV under Vietnamese settings.
fn sniff_separator(text: &str) -> char {
    let mut quoted = false;
    let (mut commas, mut semicolons, mut tabs) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            '\t' if !quoted => tabs += 1,
            _ => {}
        }
    }
    if commas > 0 {
        ','
    } else if semicolons >= tabs && semicolons > 0 {
        ';'
    } else if tabs > 0 {
        '\t'
    } else {
        ','
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CsvState {
    FieldStart,
    Unquoted,
    Quoted,
    AfterQuote,
}

/// RFC 4180 records. Lenient where being lenient cannot change a value (a quote
/// inside an unquoted field is literal, spaces after a closing quote are
/// dropped, a lone CR ends a line), strict where it could (text after a closing
/// quote, an unclosed quote).
fn read_csv(text: &str, sep: char) -> (Vec<Record>, Vec<StatementError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut state = CsvState::FieldStart;
    let mut line = 1usize;
    let mut record_line = 1usize;
    let mut quote_line = 1usize;
    let mut in_record = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if state == CsvState::Quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => state = CsvState::AfterQuote,
                '\r' => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    field.push('\n');
                    line += 1;
                }
                '\n' => {
                    field.push('\n');
                    line += 1;
                }
                c => field.push(c),
            }
            continue;
        }
        in_record = true;
        match c {
            c if c == sep => {
                fields.push(std::mem::take(&mut field));
                state = CsvState::FieldStart;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                fields.push(std::mem::take(&mut field));
                records.push(Record {
                    line: record_line,
                    fields: std::mem::take(&mut fields),
                });
                line += 1;
                record_line = line;
                state = CsvState::FieldStart;
                in_record = false;
            }
            '"' if state == CsvState::FieldStart => {
                state = CsvState::Quoted;
                quote_line = line;
            }
            ' ' | '\t' if state == CsvState::AfterQuote => {}
            c if state == CsvState::AfterQuote => {
                errors.push(StatementError::CsvInvalid {
                    line,
                    field: fields.len() + 1,
                    problem: CsvProblem::TextAfterQuote,
                });
                // Resynchronise as if the field went on unquoted, so later rows
                // are still checked.
                field.push(c);
                state = CsvState::Unquoted;
            }
            c => {
                field.push(c);
                state = CsvState::Unquoted;
            }
        }
    }
    if state == CsvState::Quoted {
        errors.push(StatementError::CsvInvalid {
            line: quote_line,
            field: fields.len() + 1,
            problem: CsvProblem::UnterminatedQuote,
        });
    } else if in_record {
        fields.push(field);
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    (records, errors)
}

/// Where each of our columns is in the file.
#[derive(Debug)]
struct Header {
    line: usize,
    width: usize,
    index: Vec<(Col, usize)>,
}

impl Header {
    /// The trimmed value of `col` in `fields` ("" when the file has no such column).
    fn cell<'a>(&self, fields: &'a [String], col: Col) -> &'a str {
        self.index
            .iter()
            .find(|(c, _)| *c == col)
            .and_then(|(_, i)| fields.get(*i))
            .map_or("", |s| s.trim())
    }
}

fn read_header(record: &Record, specs: &[ColumnSpec]) -> Result<Header, Vec<StatementError>> {
    let mut index: Vec<(Col, usize)> = Vec::new();
    let mut errors = Vec::new();
    for (i, cell) in record.fields.iter().enumerate() {
        let key = header_key(cell);
        let Some(spec) = specs.iter().find(|s| s.aliases.contains(&key.as_str())) else {
            continue;
        };
        if index.iter().any(|(c, _)| *c == spec.col) {
            errors.push(StatementError::ColumnDuplicate {
                line: record.line,
                column: spec.col.name(),
                header: cell.trim().to_owned(),
            });
        } else {
            index.push((spec.col, i));
        }
    }
    if index.is_empty() {
        return Err(vec![StatementError::HeaderMissing { line: record.line }]);
    }
    for spec in specs.iter().filter(|s| s.required) {
        if !index.iter().any(|(c, _)| *c == spec.col) {
            errors.push(StatementError::ColumnMissing {
                line: record.line,
                column: spec.col.name(),
            });
        }
    }
    if errors.is_empty() {
        Ok(Header {
            line: record.line,
            width: record.fields.len(),
            index,
        })
    } else {
        Err(errors)
    }
}

fn import(
    text: &str,
    specs: &[ColumnSpec],
    source: &Source,
) -> Result<Vec<StatementLine>, ImportErrors> {
    let (records, csv_errors) = read_csv(text, sniff_separator(text));
    // Broken quoting shifts every later field: row errors after it would be noise.
    if !csv_errors.is_empty() {
        return Err(ImportErrors::from_all(csv_errors));
    }
    let mut rows = records.iter().filter(|r| !r.is_blank());
    let Some(header_record) = rows.next() else {
        return Err(ImportErrors::from_all(vec![StatementError::Empty {
            line: 1,
        }]));
    };
    let header = read_header(header_record, specs).map_err(ImportErrors::from_all)?;
    let mut errors = Vec::new();
    let mut lines = Vec::new();
    // (account, transaction number) → first line; the account is empty for a
    // gateway file, whose numbers are unique per gateway.
    let mut refs: HashMap<(String, String), usize> = HashMap::new();
    for record in rows {
        let extra_blank = record
            .fields
            .get(header.width..)
            .is_some_and(|extra| extra.iter().all(|f| f.trim().is_empty()));
        // Trailing empty cells (Excel pads rows) are harmless; anything else
        // wider or narrower means the columns are shifted — typically an unquoted
        // `1,200,000` — and no value on the row can be trusted.
        if record.fields.len() < header.width || !extra_blank {
            errors.push(StatementError::RowWidth {
                line: record.line,
                expected: header.width,
                got: record.fields.len(),
            });
            continue;
        }
        let before = errors.len();
        let parsed = match source {
            Source::Bank => bank_row(record, &header, &mut errors),
            Source::Gateway(_) => gateway_row(record, &header, source, &mut errors),
        };
        let Some(line) = parsed else {
            continue;
        };
        if errors.len() > before {
            continue;
        }
        let checks_ref = !(matches!(source, Source::Gateway(_)) && line.kind == Kind::Failed);
        if checks_ref {
            let key = (line.account.clone(), line.bank_ref.clone());
            if let Some(first_line) = refs.get(&key) {
                errors.push(StatementError::DuplicateRef {
                    line: record.line,
                    column: match source {
                        Source::Bank => Col::BankRef.name(),
                        Source::Gateway(_) => Col::TransactionNo.name(),
                    },
                    value: line.bank_ref.clone(),
                    first_line: *first_line,
                });
                continue;
            }
            refs.insert(key, record.line);
        }
        lines.push(line);
    }
    if errors.is_empty() && lines.is_empty() {
        errors.push(StatementError::Empty { line: header.line });
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(ImportErrors::from_all(errors))
    }
}

/// The value of a required column, or a `statement_field_empty` error.
fn required<'a>(
    record: &'a Record,
    header: &Header,
    col: Col,
    errors: &mut Vec<StatementError>,
) -> Option<&'a str> {
    let value = header.cell(&record.fields, col);
    if value.is_empty() {
        errors.push(StatementError::FieldEmpty {
            line: record.line,
            column: col.name(),
        });
        None
    } else {
        Some(value)
    }
}

fn amount_of(record: &Record, value: &str, errors: &mut Vec<StatementError>) -> Option<i64> {
    match parse_amount(value) {
        Some(a) if a != 0 => Some(a),
        _ => {
            errors.push(StatementError::AmountInvalid {
                line: record.line,
                column: Col::Amount.name(),
                value: value.to_owned(),
            });
            None
        }
    }
}

fn kind_of(amount: i64) -> Kind {
    if amount < 0 {
        Kind::Debit
    } else {
        Kind::Credit
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn bank_row(
    record: &Record,
    header: &Header,
    errors: &mut Vec<StatementError>,
) -> Option<StatementLine> {
    let date = required(record, header, Col::Date, errors);
    let account = required(record, header, Col::Account, errors);
    let bank_ref = required(record, header, Col::BankRef, errors);
    let amount = required(record, header, Col::Amount, errors);
    let when = date.and_then(|value| {
        let parsed = parse_date_time(value);
        if parsed.is_none() {
            errors.push(StatementError::DateInvalid {
                line: record.line,
                column: Col::Date.name(),
                value: value.to_owned(),
            });
        }
        parsed
    });
    let amount_vnd = amount.and_then(|value| amount_of(record, value, errors));
    let account = account.map(normalize_account);
    if account.as_deref() == Some("") {
        errors.push(StatementError::FieldEmpty {
            line: record.line,
            column: Col::Account.name(),
        });
    }
    let ((date, at), account, bank_ref, amount_vnd) = (when?, account?, bank_ref?, amount_vnd?);
    Some(StatementLine {
        source: Source::Bank,
        line_no: record.line,
        kind: kind_of(amount_vnd),
        date,
        at,
        account,
        bank_ref: bank_ref.to_owned(),
        amount_vnd,
        description: header.cell(&record.fields, Col::Description).to_owned(),
        counterparty: non_empty(header.cell(&record.fields, Col::Counterparty)),
        txn_ref: None,
        bank_code: None,
        status: None,
    })
}

fn gateway_row(
    record: &Record,
    header: &Header,
    source: &Source,
    errors: &mut Vec<StatementError>,
) -> Option<StatementLine> {
    let status = required(record, header, Col::Status, errors);
    let success = status == Some("00");
    let txn_ref = required(record, header, Col::TxnRef, errors);
    let transaction_no = header.cell(&record.fields, Col::TransactionNo);
    if success && transaction_no.is_empty() {
        errors.push(StatementError::FieldEmpty {
            line: record.line,
            column: Col::TransactionNo.name(),
        });
    }
    let amount = required(record, header, Col::Amount, errors);
    let pay_date = required(record, header, Col::PayDate, errors);
    let at = pay_date.and_then(|value| {
        let parsed = parse_compact(value);
        if parsed.is_none() {
            errors.push(StatementError::DateInvalid {
                line: record.line,
                column: Col::PayDate.name(),
                value: value.to_owned(),
            });
        }
        parsed
    });
    let amount_vnd = amount.and_then(|value| amount_of(record, value, errors));
    let (status, txn_ref, at, amount_vnd) = (status?, txn_ref?, at?, amount_vnd?);
    Some(StatementLine {
        source: source.clone(),
        line_no: record.line,
        kind: if success {
            kind_of(amount_vnd)
        } else {
            Kind::Failed
        },
        date: at.date(),
        at: Some(at),
        account: normalize_account(header.cell(&record.fields, Col::Account)),
        bank_ref: transaction_no.to_owned(),
        amount_vnd,
        description: String::new(),
        counterparty: None,
        txn_ref: Some(txn_ref.to_owned()),
        bank_code: non_empty(header.cell(&record.fields, Col::BankCode)),
        status: Some(status.to_owned()),
    })
}

/// A number of `min..=max` ASCII digits.
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD` or `DD/MM/YYYY` (day and month may have one digit), then
/// optionally a space or `T` and `HH:MM` or `HH:MM:SS`.
fn parse_date_time(value: &str) -> Option<(NaiveDate, Option<NaiveDateTime>)> {
    let (date_part, time_part) = match value.find([' ', 'T']) {
        Some(pos) => (value.get(..pos)?, Some(value.get(pos + 1..)?.trim())),
        None => (value, None),
    };
    let date = if date_part.contains('-') {
        let mut it = date_part.split('-');
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() {
            return None;
        }
        NaiveDate::from_ymd_opt(
            i32::try_from(digits(y, 4, 4)?).ok()?,
            digits(m, 2, 2)?,
            digits(d, 2, 2)?,
        )?
    } else {
        let mut it = date_part.split('/');
        let (d, m, y) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() {
            return None;
        }
        NaiveDate::from_ymd_opt(
            i32::try_from(digits(y, 4, 4)?).ok()?,
            digits(m, 1, 2)?,
            digits(d, 1, 2)?,
        )?
    };
    let Some(time_part) = time_part else {
        return Some((date, None));
    };
    let mut it = time_part.split(':');
    let h = digits(it.next()?, 1, 2)?;
    let m = digits(it.next()?, 2, 2)?;
    let s = match it.next() {
        Some(s) => digits(s, 2, 2)?,
        None => 0,
    };
    if it.next().is_some() {
        return None;
    }
    let time = NaiveTime::from_hms_opt(h, m, s)?;
    Some((date, Some(date.and_time(time))))
}

/// `yyyyMMddHHmmss`, as VNPAY writes its dates.
fn parse_compact(value: &str) -> Option<NaiveDateTime> {
    if value.len() != 14 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let part = |from: usize, to: usize| value.get(from..to).and_then(|s| s.parse::<u32>().ok());
    let date = NaiveDate::from_ymd_opt(i32::try_from(part(0, 4)?).ok()?, part(4, 6)?, part(6, 8)?)?;
    let time = NaiveTime::from_hms_opt(part(8, 10)?, part(10, 12)?, part(12, 14)?)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The samples in the module documentation, verbatim: they must import.
    #[test]
    fn documented_samples_import() {
        let bank = "date,account,bank_ref,amount,description,counterparty\n\
            2025-03-04 09:15,0071001234567,FT25063001,\"1,200,000\",MC0000421757 nop phi ho so,NGUYEN VAN A\n\
            04/03/2025,0071001234567,FT25063002,500.000,\"CT DEN:123 MC0000991535 \"\"le phi\"\"\",TRAN THI B\n\
            2025-03-05,0071001234567,FT25064001,-11.000,Phi quan ly tai khoan,\n";
        let lines = parse_bank(bank).unwrap();
        let kinds: Vec<(i64, Kind)> = lines.iter().map(|l| (l.amount_vnd, l.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (1_200_000, Kind::Credit),
                (500_000, Kind::Credit),
                (-11_000, Kind::Debit)
            ]
        );
        for l in lines.iter().take(2) {
            assert_eq!(crate::reference::find_in(&l.description).len(), 1);
        }
        let gateway = "txn_ref,transaction_no,amount,pay_date,bank_code,status\n\
            MC0000421757,14522301,1200000,20250304091500,NCB,00\n\
            MC0000991535,0,500000,20250304101122,VCB,24\n";
        let lines = parse_gateway("vnpay", gateway).unwrap();
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn amounts_are_whole_dong_or_refused() {
        for (text, want) in [
            ("1200000", Some(1_200_000)),
            ("1.200.000", Some(1_200_000)),
            ("1,200,000", Some(1_200_000)),
            ("1.200.000,00", Some(1_200_000)),
            ("1,200,000.00", Some(1_200_000)),
            ("1200000.00", Some(1_200_000)),
            ("1200000,00", Some(1_200_000)),
            (" -11.000 ", Some(-11_000)),
            ("+500", Some(500)),
            ("1.200", Some(1_200)),
            ("1200000,50", None),
            ("1200000.5", None),
            ("1,5", None),
            ("12.00.000", None),
            ("1.200,000", None),
            ("1,200.000", None),
            ("1200.000", None),
            ("1.200.000,00,00", None),
            ("1.200.000.00", None),
            ("", None),
            ("-", None),
            ("1e6", None),
            ("1 200 000", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(parse_amount(text), want, "{text:?}");
        }
    }

    #[test]
    fn header_names_ignore_tones_case_and_punctuation() {
        assert_eq!(header_key("Ngày giao dịch"), "ngay_giao_dich");
        assert_eq!(header_key("  SỐ TIỀN (VND) "), "so_tien_vnd");
        assert_eq!(header_key("Đối ứng"), "doi_ung");
        assert_eq!(header_key("vnp_TxnRef"), "vnp_txnref");
        assert_eq!(header_key("Transaction No."), "transaction_no");
    }

    #[test]
    fn csv_records_follow_rfc_4180() {
        let (records, errors) = read_csv("\u{feff}a,\"b,\"\"c\"\"\r\nd\"\r\n\n x,y", ',');
        assert!(errors.is_empty());
        let rows: Vec<(usize, Vec<&str>)> = records
            .iter()
            .map(|r| (r.line, r.fields.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (1, vec!["a", "b,\"c\"\nd"]),
                (3, vec![""]),
                (4, vec![" x", "y"]),
            ]
        );
        let (_, errors) = read_csv("a,\"b\nc", ',');
        assert_eq!(
            errors,
            vec![StatementError::CsvInvalid {
                line: 1,
                field: 2,
                problem: CsvProblem::UnterminatedQuote
            }]
        );
        let (_, errors) = read_csv("a,\"b\"c\n", ',');
        assert_eq!(
            errors.first().map(StatementError::code),
            Some("statement_csv_invalid")
        );
    }

    #[test]
    fn dates_in_both_forms_with_optional_time() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 4).unwrap();
        assert_eq!(parse_date_time("2025-03-04"), Some((d, None)));
        assert_eq!(parse_date_time("4/3/2025"), Some((d, None)));
        assert_eq!(
            parse_date_time("04/03/2025 09:15"),
            Some((d, d.and_hms_opt(9, 15, 0)))
        );
        assert_eq!(
            parse_date_time("2025-03-04T09:15:30"),
            Some((d, d.and_hms_opt(9, 15, 30)))
        );
        for bad in [
            "2025-3-4",
            "31/02/2025",
            "2025/03/04",
            "04-03-2025",
            "2025-03-04 25:00",
            "",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
        assert_eq!(parse_compact("20250304091500"), d.and_hms_opt(9, 15, 0));
        assert_eq!(parse_compact("2025030409150"), None);
    }
}
