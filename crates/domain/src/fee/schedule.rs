//! Fee schedules (biểu phí, lệ phí) as dated data, and the accounts the money goes to.
//!
//! A schedule belongs to one procedure from a date on; each line names who receives the
//! money relative to the dossier (`receiving` agency, `handling` agency, or a fixed
//! agency code), never an account: the account is the receiving agency's, looked up when
//! the dossier is charged and copied into the order (spec/payments.md §5: routing by
//! procedure alone sent a district's money to the wrong unit).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::FeeError;
use crate::catalog::Channel;

/// Phí (a charge for a service) or lệ phí (a fee for a State act).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// Phí.
    Charge,
    /// Lệ phí.
    #[default]
    Fee,
}

impl FeeKind {
    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            FeeKind::Charge => "Phí",
            FeeKind::Fee => "Lệ phí",
        }
    }
}

/// Who receives a line's money, relative to the dossier. Written as `receiving`,
/// `handling`, or the agency's code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Payee {
    /// The agency that received the dossier.
    Receiving,
    /// The agency competent to decide.
    Handling,
    /// A named agency (e.g. the department that issues the certificate).
    Agency(String),
}

impl From<String> for Payee {
    fn from(s: String) -> Self {
        match s.as_str() {
            "receiving" => Payee::Receiving,
            "handling" => Payee::Handling,
            _ => Payee::Agency(s),
        }
    }
}

impl From<Payee> for String {
    fn from(p: Payee) -> Self {
        match p {
            Payee::Receiving => "receiving".to_owned(),
            Payee::Handling => "handling".to_owned(),
            Payee::Agency(code) => code,
        }
    }
}

impl Payee {
    /// The agency code for a dossier received at `receiving` and decided at `handling`.
    pub fn resolve<'a>(&'a self, receiving: &'a str, handling: &'a str) -> &'a str {
        match self {
            Payee::Receiving => receiving,
            Payee::Handling => handling,
            Payee::Agency(code) => code,
        }
    }
}

/// One band of a per-unit rate: from the `from`-th unit on, each costs `amount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// First unit the band applies to (1-based).
    pub from: u32,
    /// Amount per unit, đồng.
    pub amount: i64,
}

/// How a line's amount is found (`type: fixed | per_unit | variable`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rate {
    /// A fixed amount, đồng.
    Fixed {
        /// Amount, đồng.
        amount: i64,
    },
    /// So much per unit of `unit` (trang, bản, trường hợp), in bands, capped per `per`
    /// (e.g. 2,000 đ a page for pages 1–2, 1,000 đ from page 3, at most 200,000 đ a copy).
    PerUnit {
        /// The counted unit, a quantity name (`trang`).
        unit: String,
        /// Bands in increasing `from`; the first starts at 1.
        bands: Vec<Band>,
        /// Most per `per` (or per line when `per` is absent), đồng.
        #[serde(default)]
        cap: Option<i64>,
        /// A second quantity the capped amount is multiplied by (`ban`: copies).
        #[serde(default)]
        per: Option<String>,
    },
    /// Set by the officer within bounds (e.g. a fee that depends on the appraisal).
    Variable {
        /// Least, đồng.
        min: i64,
        /// Most, đồng.
        max: i64,
    },
}

/// One fee or charge of a schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeLine {
    /// Short id, unique in the schedule (`le_phi`, `phi_tham_dinh`).
    pub id: String,
    /// Name, e.g. `Lệ phí cấp giấy phép xây dựng`.
    pub name: String,
    /// Phí or lệ phí.
    #[serde(default)]
    pub kind: FeeKind,
    /// The amount.
    pub rate: Rate,
    /// Who receives it.
    pub payee: Payee,
    /// Only for these channels (all when empty).
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Legal basis (Nghị quyết HĐND, Thông tư BTC…).
    #[serde(default)]
    pub legal_basis: Option<String>,
}

/// An exemption or reduction (miễn, giảm) with its legal basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// Short id (`ho_ngheo`).
    pub id: String,
    /// Who qualifies, e.g. `Người thuộc hộ nghèo`.
    pub name: String,
    /// The lines it reduces (all when empty).
    #[serde(default)]
    pub lines: Vec<String>,
    /// Percent taken off (100 = exempt).
    pub percent: u8,
    /// Legal basis; required, because an exemption without one cannot be audited.
    pub legal_basis: String,
}

/// The fees of one procedure from a date on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeSchedule {
    /// Procedure code.
    pub procedure: String,
    /// In force from.
    pub valid_from: NaiveDate,
    /// The lines.
    pub lines: Vec<FeeLine>,
    /// Exemptions and reductions.
    #[serde(default)]
    pub exemptions: Vec<Exemption>,
}

/// Where an agency's fees are paid (tài khoản thu): a State Treasury collection account
/// or a bank account, with the bank's BIN so a VietQR code can point at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayAccount {
    /// The agency that collects.
    pub agency: String,
    /// Treasury or bank.
    pub kind: AccountType,
    /// The bank's BIN (NAPAS, 6 digits): for a treasury account, the bank that holds it.
    pub bin: String,
    /// Account number (VietQR: at most 19 letters and digits).
    pub number: String,
    /// Account holder, as the bank shows it.
    pub holder: String,
    /// Money held awaiting remittance to the budget (tài khoản tạm thu chờ nộp ngân sách).
    #[serde(default)]
    pub awaiting_budget: bool,
    /// In use from.
    pub valid_from: NaiveDate,
}

/// The kind of a collection account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    /// Kho bạc Nhà nước.
    Treasury,
    /// Ngân hàng thương mại.
    Bank,
}

impl AccountType {
    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            AccountType::Treasury => "Kho bạc Nhà nước",
            AccountType::Bank => "Ngân hàng",
        }
    }
}

/// Every schedule and account, every version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeBook {
    /// Collection accounts.
    #[serde(default)]
    pub accounts: Vec<PayAccount>,
    /// Schedules.
    #[serde(default)]
    pub schedules: Vec<FeeSchedule>,
}

impl FeeBook {
    /// Reads a fee book from YAML (or JSON, which is YAML).
    pub fn from_yaml(text: &str) -> Result<FeeBook, FeeError> {
        serde_yaml_ng::from_str(text).map_err(|e| FeeError::Unreadable {
            detail: e.to_string(),
        })
    }

    /// The schedule of `procedure` in force on `day`.
    pub fn schedule(&self, procedure: &str, day: NaiveDate) -> Option<&FeeSchedule> {
        self.schedules
            .iter()
            .filter(|s| s.procedure == procedure && s.valid_from <= day)
            .max_by_key(|s| s.valid_from)
    }

    /// The account `agency` collects into on `day`.
    pub fn account(&self, agency: &str, day: NaiveDate) -> Option<&PayAccount> {
        self.accounts
            .iter()
            .filter(|a| a.agency == agency && a.valid_from <= day)
            .max_by_key(|a| a.valid_from)
    }

    /// Every problem, each named by where it is (`schedules[2].lines.le_phi`); empty
    /// when the book can be used. `agencies` are the codes that exist.
    pub fn check(&self, agencies: &[&str]) -> Vec<(String, String)> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut seen_accounts: BTreeMap<(&str, NaiveDate), usize> = BTreeMap::new();
        for (i, a) in self.accounts.iter().enumerate() {
            let at = format!("accounts[{i}]");
            if !agencies.contains(&a.agency.as_str()) {
                problems.push((at.clone(), format!("không có cơ quan mã {}", a.agency)));
            }
            if a.bin.len() != 6 || !a.bin.bytes().all(|b| b.is_ascii_digit()) {
                problems.push((
                    at.clone(),
                    format!("BIN ngân hàng “{}” phải gồm 6 chữ số", a.bin),
                ));
            }
            if a.number.is_empty()
                || a.number.len() > 19
                || !a.number.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                problems.push((
                    at.clone(),
                    format!("số tài khoản “{}” phải gồm 1–19 chữ hoặc số", a.number),
                ));
            }
            if a.holder.trim().is_empty() {
                problems.push((at.clone(), "thiếu tên chủ tài khoản".to_owned()));
            }
            if let Some(first) = seen_accounts.insert((&a.agency, a.valid_from), i) {
                problems.push((
                    at,
                    format!("trùng ngày hiệu lực với accounts[{first}] của cùng cơ quan"),
                ));
            }
        }
        for (i, s) in self.schedules.iter().enumerate() {
            problems.extend(
                s.check(agencies)
                    .into_iter()
                    .map(|(at, why)| (format!("schedules[{i}].{at}"), why)),
            );
        }
        problems
    }
}

impl FeeSchedule {
    /// Problems of this schedule, each named by line (`lines.le_phi`).
    pub fn check(&self, agencies: &[&str]) -> Vec<(String, String)> {
        let mut problems: Vec<(String, String)> = Vec::new();
        if self.lines.is_empty() {
            problems.push(("lines".to_owned(), "biểu phí không có dòng nào".to_owned()));
        }
        let mut ids: Vec<&str> = Vec::new();
        for l in &self.lines {
            let at = format!("lines.{}", l.id);
            if l.id.trim().is_empty() || ids.contains(&l.id.as_str()) {
                problems.push((at.clone(), "mã dòng phí trống hoặc trùng".to_owned()));
            }
            ids.push(&l.id);
            if let Payee::Agency(code) = &l.payee
                && !agencies.contains(&code.as_str())
            {
                problems.push((at.clone(), format!("không có cơ quan mã {code}")));
            }
            match &l.rate {
                Rate::Fixed { amount: a } if *a < 0 => {
                    problems.push((at, "số tiền không được âm".to_owned()));
                }
                Rate::Fixed { .. } => {}
                Rate::PerUnit {
                    unit, bands, cap, ..
                } => {
                    if unit.trim().is_empty() {
                        problems.push((at.clone(), "thiếu đơn vị tính".to_owned()));
                    }
                    if bands.first().map(|b| b.from) != Some(1)
                        || bands.windows(2).any(|w| match w {
                            [a, b] => a.from >= b.from,
                            _ => false,
                        })
                        || bands.iter().any(|b| b.amount < 0)
                    {
                        problems.push((
                            at.clone(),
                            "các bậc giá phải bắt đầu từ đơn vị thứ 1, tăng dần và không âm"
                                .to_owned(),
                        ));
                    }
                    if cap.is_some_and(|c| c < 0) {
                        problems.push((at, "mức tối đa không được âm".to_owned()));
                    }
                }
                Rate::Variable { min, max } => {
                    if *min < 0 || min > max {
                        problems.push((at, "khoảng số tiền không hợp lệ".to_owned()));
                    }
                }
            }
        }
        for e in &self.exemptions {
            let at = format!("exemptions.{}", e.id);
            if e.percent == 0 || e.percent > 100 {
                problems.push((at.clone(), "tỷ lệ miễn, giảm phải từ 1 đến 100%".to_owned()));
            }
            if e.legal_basis.trim().is_empty() {
                problems.push((at.clone(), "miễn, giảm phải có căn cứ pháp lý".to_owned()));
            }
            for l in &e.lines {
                if !ids.contains(&l.as_str()) {
                    problems.push((at.clone(), format!("không có dòng phí {l}")));
                }
            }
        }
        problems
    }
}
