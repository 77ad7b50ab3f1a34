//! A community digital helper (tổ công nghệ số cộng đồng, or an officer at a service
//! point) files and follows a dossier for a citizen only with the citizen's recorded
//! consent: how it was given, what it covers, until when. Without one, assisted
//! filing is refused; outside its scope or after it ends, the helper cannot act.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// How the applicant agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// A signed authorisation paper (giấy ủy quyền / phiếu đồng ý), its number recorded
    /// and the paper kept or attached.
    SignedForm,
    /// The applicant present, identity document checked by the helper.
    InPerson,
}

impl ConsentMethod {
    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::SignedForm => "giấy ủy quyền có chữ ký",
            Self::InPerson => "trực tiếp, đã đối chiếu giấy tờ tùy thân",
        }
    }
}

/// What the helper may do besides filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentScope {
    /// Send the supplements asked for.
    Supplement,
    /// Withdraw the dossier.
    Withdraw,
    /// Rate the service on the applicant's behalf.
    Rate,
}

impl ConsentScope {
    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Supplement => "bổ sung hồ sơ",
            Self::Withdraw => "rút hồ sơ",
            Self::Rate => "đánh giá thay",
        }
    }
}

/// Longest a consent lasts, in days.
pub const MAX_DAYS: i64 = 180;

/// What the helper declares when filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    /// How it was given.
    pub method: ConsentMethod,
    /// What it covers besides filing.
    #[serde(default)]
    pub scopes: Vec<ConsentScope>,
    /// For how many days (default 60, at most [`MAX_DAYS`]).
    #[serde(default)]
    pub days: Option<i64>,
    /// The paper's number or reference; required for a signed form.
    #[serde(default)]
    pub reference: Option<String>,
}

/// The consent as recorded on the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// How it was given.
    pub method: ConsentMethod,
    /// What it covers besides filing.
    pub scopes: Vec<ConsentScope>,
    /// The identity number of the person who consented (the applicant's).
    pub id_number: String,
    /// When it was recorded.
    pub given_at: DateTime<Utc>,
    /// Last day it is valid (local date).
    pub valid_until: NaiveDate,
    /// The paper's reference.
    pub reference: Option<String>,
}

impl Consent {
    /// Checks a declaration for the applicant with `id_number`, filed at `now` (local
    /// date `today`).
    pub fn record(
        req: ConsentRequest,
        id_number: Option<&str>,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Consent, DomainError> {
        let Some(id_number) = id_number.filter(|n| !n.is_empty()) else {
            return Err(DomainError::invalid(
                "applicant.id_number",
                "Cần số định danh của người nộp để ghi nhận sự đồng ý cho người hỗ trợ nộp thay",
                "the applicant's identity number is needed to record their consent",
            ));
        };
        let days = req.days.unwrap_or(60);
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(DomainError::invalid(
                "consent.days",
                format!("Thời hạn đồng ý từ 1 đến {MAX_DAYS} ngày"),
                format!("consent lasts 1 to {MAX_DAYS} days"),
            ));
        }
        let reference = req
            .reference
            .as_deref()
            .and_then(crate::text::clean)
            .map(|r| r.chars().take(100).collect::<String>());
        if req.method == ConsentMethod::SignedForm && reference.is_none() {
            return Err(DomainError::required(
                "consent.reference",
                "Số/ký hiệu giấy ủy quyền",
            ));
        }
        let mut scopes = req.scopes;
        scopes.sort();
        scopes.dedup();
        Ok(Consent {
            method: req.method,
            scopes,
            id_number: id_number.to_owned(),
            given_at: now,
            valid_until: today + Duration::days(days - 1),
            reference,
        })
    }

    /// Whether it lets the helper do `scope` on `today`.
    pub fn covers(&self, scope: ConsentScope, today: NaiveDate) -> bool {
        today <= self.valid_until && self.scopes.contains(&scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_consent_covers_its_scopes_until_its_last_day() {
        let req: ConsentRequest = serde_json::from_value(serde_json::json!({
            "method": "signed_form", "scopes": ["supplement", "supplement"], "days": 30, "reference": " UQ-12/2026 "
        }))
        .unwrap();
        let now = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        let c = Consent::record(req, Some("001099012345"), now, day("2026-12-01")).unwrap();
        assert_eq!(c.scopes, vec![ConsentScope::Supplement]);
        assert_eq!(c.valid_until, day("2026-12-30"));
        assert_eq!(c.reference.as_deref(), Some("UQ-12/2026"));
        assert!(c.covers(ConsentScope::Supplement, day("2026-12-30")));
        assert!(!c.covers(ConsentScope::Supplement, day("2026-12-31")));
        assert!(!c.covers(ConsentScope::Withdraw, day("2026-12-01")));
    }

    #[test]
    fn a_consent_needs_the_applicants_number_and_a_paper_reference() {
        let signed = ConsentRequest {
            method: ConsentMethod::SignedForm,
            scopes: vec![],
            days: None,
            reference: None,
        };
        let now = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        let today = day("2026-12-01");
        assert_eq!(
            Consent::record(signed.clone(), None, now, today)
                .unwrap_err()
                .field(),
            Some("applicant.id_number")
        );
        assert_eq!(
            Consent::record(signed, Some("001099012345"), now, today)
                .unwrap_err()
                .field(),
            Some("consent.reference")
        );
        let long = ConsentRequest {
            method: ConsentMethod::InPerson,
            scopes: vec![],
            days: Some(365),
            reference: None,
        };
        assert_eq!(
            Consent::record(long, Some("001099012345"), now, today)
                .unwrap_err()
                .field(),
            Some("consent.days")
        );
    }
}
