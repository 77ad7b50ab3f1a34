//! The applicant (người nộp hồ sơ): a citizen or an organisation.

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::text::clean;

/// Citizen or organisation (LoaiDoiTuong).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// Công dân.
    #[default]
    Citizen,
    /// Tổ chức, doanh nghiệp.
    Organisation,
}

/// Who the dossier is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// Citizen or organisation.
    #[serde(default)]
    pub kind: ApplicantKind,
    /// Full name or organisation name.
    pub name: String,
    /// Personal ID number (12 digits) or tax code of an organisation.
    #[serde(default)]
    pub id_number: Option<String>,
    /// Address.
    #[serde(default)]
    pub address: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
}

impl Applicant {
    /// Checks and normalises (NFC, trimmed) the applicant's details.
    pub fn validated(self) -> Result<Self, DomainError> {
        let name = clean(&self.name)
            .ok_or_else(|| DomainError::required("applicant.name", "họ tên người nộp"))?;
        if name.chars().count() > 200 {
            return Err(DomainError::invalid(
                "applicant.name",
                "Họ tên quá dài (tối đa 200 ký tự)",
                "name too long (200 characters at most)",
            ));
        }
        let id_number = self.id_number.as_deref().and_then(clean);
        if let Some(id) = &id_number {
            let ok = match self.kind {
                ApplicantKind::Citizen => id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()),
                ApplicantKind::Organisation => {
                    (10..=14).contains(&id.len())
                        && id.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                }
            };
            if !ok {
                return Err(match self.kind {
                    ApplicantKind::Citizen => DomainError::invalid(
                        "applicant.id_number",
                        "Số định danh cá nhân phải gồm 12 chữ số",
                        "personal ID number must be 12 digits",
                    ),
                    ApplicantKind::Organisation => DomainError::invalid(
                        "applicant.id_number",
                        "Mã số thuế/mã số doanh nghiệp không hợp lệ",
                        "invalid tax code",
                    ),
                });
            }
        }
        let phone = self.phone.as_deref().and_then(clean);
        if let Some(p) = &phone {
            let digits = p.chars().filter(char::is_ascii_digit).count();
            if !(9..=15).contains(&digits)
                || !p
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +.-()".contains(c))
            {
                return Err(DomainError::invalid(
                    "applicant.phone",
                    "Số điện thoại không hợp lệ",
                    "invalid phone number",
                ));
            }
        }
        let email = self.email.as_deref().and_then(clean);
        if let Some(e) = &email {
            let valid = e
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !e.contains(' '));
            if !valid {
                return Err(DomainError::invalid(
                    "applicant.email",
                    "Địa chỉ thư điện tử không hợp lệ",
                    "invalid e-mail address",
                ));
            }
        }
        Ok(Applicant {
            kind: self.kind,
            name,
            id_number,
            address: self.address.as_deref().and_then(clean),
            phone,
            email,
        })
    }
}

/// An identity number typed to find a returning applicant: a citizen's 12 digits or an
/// organisation's tax code (10–14 digits and dashes), spaces removed.
pub fn id_number_query(input: &str) -> Result<String, DomainError> {
    let id: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let citizen = id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit());
    let organisation = (10..=14).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && id.bytes().next().is_some_and(|b| b.is_ascii_digit());
    if citizen || organisation {
        Ok(id)
    } else {
        Err(DomainError::invalid(
            "id_number",
            "Số định danh cá nhân (12 chữ số) hoặc mã số thuế không hợp lệ",
            "expected a 12-digit personal ID number or a tax code",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_number_queries_are_checked_and_compacted() {
        assert_eq!(
            id_number_query(" 079 199 012 345 ").unwrap(),
            "079199012345"
        );
        assert_eq!(id_number_query("0312345678-001").unwrap(), "0312345678-001");
        for bad in ["", "079199", "07919901234x", "-312345678", "'; drop table"] {
            assert!(id_number_query(bad).is_err(), "{bad:?}");
        }
    }

    fn a(name: &str, id: Option<&str>) -> Applicant {
        Applicant {
            kind: ApplicantKind::Citizen,
            name: name.into(),
            id_number: id.map(Into::into),
            address: None,
            phone: None,
            email: None,
        }
    }

    #[test]
    fn validates_and_normalises() {
        let ok = a("  Nguyễn Văn An ", Some("001099012345"))
            .validated()
            .unwrap();
        assert_eq!(ok.name, "Nguyễn Văn An");
        assert_eq!(
            a(" ", None).validated().unwrap_err().code(),
            "field_required"
        );
        let e = a("An", Some("12345")).validated().unwrap_err();
        assert_eq!(e.field(), Some("applicant.id_number"));
        let mut bad_mail = a("An", None);
        bad_mail.email = Some("an@".into());
        assert_eq!(
            bad_mail.validated().unwrap_err().field(),
            Some("applicant.email")
        );
    }
}
