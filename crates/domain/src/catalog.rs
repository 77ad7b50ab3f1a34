//! The procedure catalog (danh mục thủ tục hành chính) with dated versions: a dossier
//! keeps the version that was in force when it was received.

use chrono::{NaiveDate, NaiveTime};
use motcua_calendar::TimeLimit;
use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::form::FormSchema;
use crate::text::{clean, fold};

/// Level that decides the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureLevel {
    /// Cấp xã.
    Commune,
    /// Cấp tỉnh.
    Province,
    /// Cấp trung ương (bộ, ngành).
    Central,
}

/// How far the procedure is offered online (NĐ 42/2022).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OnlineMode {
    /// Toàn trình: from filing to result, online.
    Full,
    /// Một phần: filed online, some steps on paper.
    Partial,
    /// Not offered online.
    #[default]
    None,
}

/// How a dossier reached the system (KenhThucHien, plus assisted filing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Trực tiếp: at a service-centre counter.
    Counter,
    /// Trực tuyến: online by the applicant.
    Online,
    /// Bưu chính: by public post.
    Post,
    /// Online with the help of a community digital helper (tổ công nghệ số cộng đồng).
    Assisted,
}

impl Channel {
    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Online => "online",
            Self::Post => "post",
            Self::Assisted => "assisted",
        }
    }

    /// Parses the snake-case name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "counter" => Some(Self::Counter),
            "online" => Some(Self::Online),
            "post" => Some(Self::Post),
            "assisted" => Some(Self::Assisted),
            _ => None,
        }
    }

    /// Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Counter => "Trực tiếp",
            Self::Online => "Trực tuyến",
            Self::Post => "Bưu chính",
            Self::Assisted => "Trực tuyến (có hỗ trợ)",
        }
    }

    /// The national portal's `KenhThucHien`: 1 in person, 2 online, 3 post.
    pub fn portal_code(self) -> u8 {
        match self {
            Self::Counter => 1,
            Self::Online | Self::Assisted => 2,
            Self::Post => 3,
        }
    }
}

/// A fee or charge (phí, lệ phí), in whole đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// Name, e.g. `Lệ phí đăng ký khai sinh`.
    pub name: String,
    /// Amount in đồng (integer, never a float).
    pub amount_vnd: i64,
    /// Only for this channel, if set.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Exemptions and remarks.
    #[serde(default)]
    pub note: Option<String>,
}

/// How a required document is provided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DocumentForm {
    /// Bản chính.
    Original,
    /// Bản sao.
    Copy,
    /// Bản sao chứng thực.
    CertifiedCopy,
    /// Shown only (xuất trình), not kept.
    Shown,
    /// Not stated.
    #[default]
    Unspecified,
}

/// A document the procedure requires (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredDocument {
    /// Name.
    pub name: String,
    /// Number of copies.
    #[serde(default = "one")]
    pub quantity: u32,
    /// Original, copy…
    #[serde(default)]
    pub form: DocumentForm,
    /// Whether every dossier must have it (false: only in some cases).
    #[serde(default = "yes")]
    pub mandatory: bool,
}

fn one() -> u32 {
    1
}

fn yes() -> bool {
    true
}

/// One dated version of a procedure's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureVersion {
    /// In force from this date (inclusive) until the next version's.
    pub valid_from: NaiveDate,
    /// Processing time limit (thời hạn giải quyết).
    pub time_limit: TimeLimit,
    /// Receipt cut-off hour: received at or after it, counting starts the next working day.
    #[serde(default)]
    pub cutoff: Option<NaiveTime>,
    /// Online mode.
    #[serde(default)]
    pub online_mode: OnlineMode,
    /// Channels that accept dossiers.
    pub channels: Vec<Channel>,
    /// Fees.
    #[serde(default)]
    pub fees: Vec<Fee>,
    /// Required documents.
    #[serde(default)]
    pub required_documents: Vec<RequiredDocument>,
    /// The declaration form (JSON-Schema subset, see [`crate::form`]).
    #[serde(default)]
    pub form: FormSchema,
    /// The result document (kết quả), e.g. `Giấy khai sinh`.
    pub result: String,
    /// Legal basis (căn cứ pháp lý).
    #[serde(default)]
    pub legal_basis: Vec<String>,
    /// Agency that decides, when fixed (province-level procedures); `None` means the
    /// agency that receives the dossier.
    #[serde(default)]
    pub handling_agency: Option<String>,
    /// Remarks for administrators (e.g. what the source did not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// National code, e.g. `1.001193`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Sector (lĩnh vực).
    pub sector: String,
    /// Level that decides it.
    pub level: ProcedureLevel,
    /// Versions, oldest first.
    pub versions: Vec<ProcedureVersion>,
    /// Where the facts come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Procedure {
    /// The version in force on `date`.
    pub fn version_at(&self, date: NaiveDate) -> Result<&ProcedureVersion, DomainError> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.valid_from <= date)
            .ok_or_else(|| DomainError::NoVersionInForce {
                code: self.code.clone(),
                date,
            })
    }

    /// The accent-insensitive search key of the name and code.
    pub fn search_key(&self) -> String {
        search_fold(&format!("{} {} {}", self.code, self.name, self.sector))
    }

    /// Checks a procedure before it enters the catalog; versions are sorted by date.
    pub fn validated(mut self) -> Result<Self, DomainError> {
        self.code = clean(&self.code).ok_or_else(|| DomainError::required("code", "mã thủ tục"))?;
        if !self
            .code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return Err(DomainError::invalid(
                "code",
                format!(
                    "Mã thủ tục “{}” chỉ được gồm chữ, số, dấu chấm, gạch ngang",
                    self.code
                ),
                "procedure code may hold letters, digits, dots and dashes only",
            ));
        }
        self.name =
            clean(&self.name).ok_or_else(|| DomainError::required("name", "tên thủ tục"))?;
        self.sector =
            clean(&self.sector).ok_or_else(|| DomainError::required("sector", "lĩnh vực"))?;
        if self.versions.is_empty() {
            return Err(DomainError::required(
                "versions",
                "ít nhất một phiên bản quy định",
            ));
        }
        self.versions.sort_by_key(|v| v.valid_from);
        for (i, v) in self.versions.iter().enumerate() {
            let field = format!("versions[{i}]");
            if v.channels.is_empty() {
                return Err(DomainError::required(
                    &format!("{field}.channels"),
                    "kênh tiếp nhận",
                ));
            }
            if v.fees.iter().any(|f| f.amount_vnd < 0) {
                return Err(DomainError::invalid(
                    &format!("{field}.fees"),
                    "Mức phí, lệ phí không được âm",
                    "fees cannot be negative",
                ));
            }
            v.form.check().map_err(|e| match e {
                DomainError::FieldInvalid(mut issue) => {
                    issue.field = format!("{field}.form.{}", issue.field);
                    DomainError::FieldInvalid(issue)
                }
                other => other,
            })?;
        }
        if self
            .versions
            .windows(2)
            .any(|w| matches!(w, [a, b] if a.valid_from == b.valid_from))
        {
            return Err(DomainError::invalid(
                "versions",
                "Hai phiên bản có cùng ngày hiệu lực",
                "two versions share a validity date",
            ));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(from: &str, days: u32) -> ProcedureVersion {
        ProcedureVersion {
            valid_from: NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap(),
            time_limit: TimeLimit::WorkingDays(days),
            cutoff: None,
            online_mode: OnlineMode::Partial,
            channels: vec![Channel::Counter, Channel::Online],
            fees: vec![],
            required_documents: vec![],
            form: FormSchema::default(),
            result: "Giấy khai sinh".into(),
            legal_basis: vec![],
            handling_agency: None,
            note: None,
        }
    }

    #[test]
    fn version_in_force() {
        let p = Procedure {
            code: "1.001193".into(),
            name: "Đăng ký khai sinh".into(),
            sector: "Hộ tịch".into(),
            level: ProcedureLevel::Commune,
            versions: vec![version("2026-01-01", 3), version("2025-07-01", 5)],
            source: None,
        }
        .validated()
        .unwrap();
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            p.version_at(d("2025-12-31")).unwrap().time_limit,
            TimeLimit::WorkingDays(5)
        );
        assert_eq!(
            p.version_at(d("2026-01-01")).unwrap().time_limit,
            TimeLimit::WorkingDays(3)
        );
        assert_eq!(
            p.version_at(d("2025-01-01")).unwrap_err().code(),
            "procedure_not_in_force"
        );
        assert_eq!(p.search_key(), "1.001193 dang ki khai sinh ho tich");
    }
}

/// [`fold`] for search: also treats `y` as `i`, since both spellings are current
/// (ký/kí, lý/lí).
fn search_fold(text: &str) -> String {
    fold(text).replace('y', "i")
}

/// Edit distance between two short words, counting a swap of two neighbouring letters
/// as one edit (optimal string alignment), in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    let at =
        |d: &Vec<usize>, i: usize, j: usize| d.get(i * w + j).copied().unwrap_or(usize::MAX / 2);
    for i in 0..=a.len() {
        if let Some(x) = d.get_mut(i * w) {
            *x = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(x) = d.get_mut(j) {
            *x = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let (ca, cb) = (a.get(i - 1), b.get(j - 1));
            let cost = usize::from(ca != cb);
            let mut v = (at(&d, i - 1, j) + 1)
                .min(at(&d, i, j - 1) + 1)
                .min(at(&d, i - 1, j - 1) + cost);
            if i > 1 && j > 1 && ca == b.get(j - 2) && a.get(i - 2) == cb {
                v = v.min(at(&d, i - 2, j - 2) + 1);
            }
            if let Some(x) = d.get_mut(i * w + j) {
                *x = v;
            }
        }
    }
    at(&d, a.len(), b.len())
}

/// The catalog in memory: small (hundreds to a few thousand procedures), read on every
/// filing and search, changed rarely, so it is held whole and swapped on import.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Procedures by code.
    pub procedures: std::collections::BTreeMap<String, Procedure>,
    keys: Vec<(String, String)>,
}

impl Catalog {
    /// A catalog of `procedures`.
    pub fn new(procedures: impl IntoIterator<Item = Procedure>) -> Self {
        let mut c = Catalog::default();
        for p in procedures {
            c.procedures.insert(p.code.clone(), p);
        }
        c.keys = c
            .procedures
            .values()
            .map(|p| (p.code.clone(), p.search_key()))
            .collect();
        c
    }

    /// Procedure by code.
    pub fn get(&self, code: &str) -> Option<&Procedure> {
        self.procedures.get(code)
    }

    /// Accent- and case-insensitive search: every word of `query` must appear in the
    /// code, name or sector. Names that start with the query come first, then names
    /// that contain it as a phrase, then the rest, each group by name.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Procedure> {
        let q = search_fold(query);
        let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
        let mut hits: Vec<(u8, &Procedure)> = Vec::new();
        for (code, key) in &self.keys {
            let exact = words.iter().all(|w| key.contains(w));
            // Typo tolerance: a word of three letters or more may be one edit away (two
            // from eight letters) from a word of the procedure.
            let fuzzy = !exact
                && words.iter().all(|w| {
                    key.contains(w)
                        || (w.chars().count() >= 3
                            && key.split(' ').any(|k| {
                                edit_distance(w, k) <= if w.chars().count() >= 8 { 2 } else { 1 }
                            }))
                });
            if !exact && !fuzzy {
                continue;
            }
            let Some(p) = self.procedures.get(code) else {
                continue;
            };
            let name = search_fold(&p.name);
            let name = name.strip_prefix("thu tuc ").unwrap_or(&name);
            let rank = if !exact {
                3
            } else if q.is_empty() || name.starts_with(&q) || p.code == q {
                0
            } else if name.contains(&q) {
                1
            } else {
                2
            };
            hits.push((rank, p));
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
        hits.into_iter().take(limit).map(|(_, p)| p).collect()
    }

    /// Number of procedures.
    pub fn len(&self) -> usize {
        self.procedures.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.procedures.is_empty()
    }
}
