//! What an integration's API token may be used for. A token never carries more than
//! its account: scopes only narrow what the account may do through it.

use crate::error::DomainError;

/// One permission a token can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Read dossiers, their files and papers, registers and lookups.
    DossiersRead,
    /// File dossiers, act on them, upload files, rate.
    DossiersWrite,
    /// Find an applicant's earlier details (counter systems).
    ApplicantsRead,
    /// Search the audit log.
    AuditRead,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 4] = [
        Scope::DossiersRead,
        Scope::DossiersWrite,
        Scope::ApplicantsRead,
        Scope::AuditRead,
    ];

    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::DossiersRead => "dossiers:read",
            Scope::DossiersWrite => "dossiers:write",
            Scope::ApplicantsRead => "applicants:read",
            Scope::AuditRead => "audit:read",
        }
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Scope::DossiersRead => "xem hồ sơ",
            Scope::DossiersWrite => "nộp và xử lý hồ sơ",
            Scope::ApplicantsRead => "tra cứu người nộp",
            Scope::AuditRead => "tra cứu nhật ký",
        }
    }

    /// From its name.
    pub fn parse(name: &str) -> Result<Scope, DomainError> {
        Scope::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
                DomainError::invalid(
                    "scopes",
                    format!(
                        "phạm vi không hợp lệ: {name} (chọn trong {})",
                        names.join(", ")
                    ),
                    format!("unknown scope {name} (one of {})", names.join(", ")),
                )
            })
    }
}

/// Longest life of a token, in days: integrations rotate at least yearly.
pub const MAX_DAYS: i64 = 365;

/// Checks a requested life in days.
pub fn check_days(days: i64) -> Result<i64, DomainError> {
    if (1..=MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(DomainError::invalid(
            "expires_in_days",
            format!("thời hạn phải từ 1 đến {MAX_DAYS} ngày"),
            format!("expiry must be 1 to {MAX_DAYS} days"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_and_unknown_ones_are_refused() {
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()).unwrap(), s);
        }
        assert_eq!(Scope::parse("admin").unwrap_err().code(), "field_invalid");
        assert!(check_days(0).is_err() && check_days(366).is_err());
        assert_eq!(check_days(365).unwrap(), 365);
    }
}
