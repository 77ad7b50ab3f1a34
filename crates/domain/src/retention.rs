//! How long personal data that serves no legal record is kept. Dossiers, their files
//! and the audit log are records: they follow the archival schedule and are never
//! removed here. What goes: unfinished drafts (with their uploaded files), ended
//! sessions and logins, and API tokens long expired or revoked.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

/// Settings (`[retention]` in motcua.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Retention {
    /// Days an untouched draft (and its files) is kept.
    pub drafts_days: i64,
    /// Days an expired or revoked API token stays listed.
    pub tokens_days: i64,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            drafts_days: 30,
            tokens_days: 90,
        }
    }
}

impl Retention {
    /// Checks the settings: each at least one day (a zero would erase a draft being
    /// written).
    pub fn validated(self) -> Result<Self, crate::DomainError> {
        for (field, v) in [
            ("drafts_days", self.drafts_days),
            ("tokens_days", self.tokens_days),
        ] {
            if v < 1 {
                return Err(crate::DomainError::invalid(
                    field,
                    format!("retention.{field} phải từ 1 ngày trở lên"),
                    format!("retention.{field} must be at least 1 day"),
                ));
            }
        }
        Ok(self)
    }

    /// Drafts last touched before this go.
    pub fn drafts_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(self.drafts_days)
    }

    /// Tokens that ended before this go.
    pub fn tokens_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::days(self.tokens_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_offs_and_checks() {
        let now = DateTime::from_timestamp(1_796_000_000, 0).unwrap();
        let r = Retention::default();
        assert_eq!(now - r.drafts_before(now), Duration::days(30));
        assert_eq!(now - r.tokens_before(now), Duration::days(90));
        let bad = Retention {
            drafts_days: 0,
            ..r
        };
        assert_eq!(bad.validated().unwrap_err().field(), Some("drafts_days"));
    }
}
