//! Dossier codes (mã hồ sơ, TT 03/2025 Art. 13): `{agency e-ID}-{YYMMDD}-{NNNN}`, e.g.
//! `H15.50.05.13-261008-0975`: the receiving agency, the day of receipt and a daily
//! sequence of at least four digits, per agency, with no gaps.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// A dossier code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode(String);

impl DossierCode {
    /// The code for the `seq`-th dossier of `agency` on `day`.
    pub fn new(agency: &str, day: NaiveDate, seq: u32) -> Self {
        DossierCode(format!(
            "{agency}-{:02}{:02}{:02}-{seq:04}",
            day.year().rem_euclid(100),
            day.month(),
            day.day()
        ))
    }

    /// Parses and checks a code.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::InvalidDossierCode {
            input: text.to_owned(),
        };
        let t = text.trim();
        let mut parts = t.rsplitn(3, '-');
        let (seq, day, agency) = match (parts.next(), parts.next(), parts.next()) {
            (Some(s), Some(d), Some(a)) => (s, d, a),
            _ => return Err(bad()),
        };
        let agency_ok = !agency.is_empty()
            && agency.len() <= 40
            && agency
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '.');
        let seq_ok = seq.len() >= 4 && seq.len() <= 8 && seq.bytes().all(|b| b.is_ascii_digit());
        let day_ok =
            day.len() == 6 && day.bytes().all(|b| b.is_ascii_digit()) && parse_day(day).is_some();
        if agency_ok && seq_ok && day_ok {
            Ok(DossierCode(t.to_owned()))
        } else {
            Err(bad())
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The agency part.
    pub fn agency(&self) -> &str {
        self.0.rsplitn(3, '-').nth(2).unwrap_or_default()
    }

    /// The day part.
    pub fn day(&self) -> Option<NaiveDate> {
        self.0.rsplit('-').nth(1).and_then(parse_day)
    }

    /// The sequence part.
    pub fn seq(&self) -> Option<u32> {
        self.0.rsplit('-').next().and_then(|s| s.parse().ok())
    }
}

fn parse_day(yymmdd: &str) -> Option<NaiveDate> {
    let yy: i32 = yymmdd.get(0..2)?.parse().ok()?;
    let mm: u32 = yymmdd.get(2..4)?.parse().ok()?;
    let dd: u32 = yymmdd.get(4..6)?.parse().ok()?;
    NaiveDate::from_ymd_opt(2000 + yy, mm, dd)
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DossierCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DossierCode> for String {
    fn from(c: DossierCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_and_parse() {
        let day = NaiveDate::from_ymd_opt(2026, 10, 8).unwrap();
        let c = DossierCode::new("H15.50.05.13", day, 975);
        assert_eq!(c.as_str(), "H15.50.05.13-261008-0975");
        let p = DossierCode::parse("H15.50.05.13-261008-0975").unwrap();
        assert_eq!(p, c);
        assert_eq!(p.agency(), "H15.50.05.13");
        assert_eq!(p.day(), Some(day));
        assert_eq!(p.seq(), Some(975));
        assert_eq!(
            DossierCode::new("H79", day, 12345).as_str(),
            "H79-261008-12345"
        );
        for bad in [
            "",
            "H15-261008",
            "H15-261332-0001",
            "h15-261008-0001",
            "H15-261008-12",
            "H15-2610O8-0001",
            "H15 X-261008-0001",
        ] {
            assert_eq!(
                DossierCode::parse(bad).unwrap_err().code(),
                "dossier_code_invalid",
                "{bad}"
            );
        }
    }
}
