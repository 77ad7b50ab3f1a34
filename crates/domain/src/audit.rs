//! The audit log's hash chain: every entry carries the hash of the one before, so a
//! changed, removed or reordered entry breaks every hash after it
//! (`motcua audit verify`).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (whole microseconds).
    pub at: DateTime<Utc>,
    /// Username (or `system`).
    pub actor: String,
    /// What was done, e.g. `dossier.receive`, `dossier.read`, `auth.login`.
    pub action: String,
    /// What it was done to, e.g. the dossier code.
    pub target: String,
    /// Where from (client address), when known.
    pub ip: Option<String>,
    /// Details as stored: canonical JSON text.
    pub details: String,
}

/// The hash of `entry` chained to `prev` (hex SHA-256).
pub fn entry_hash(prev: &str, entry: &AuditEntry) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no separator can be forged inside a value.
    for part in [
        "motcua-audit-v1",
        prev,
        &entry.seq.to_string(),
        &entry.at.timestamp_micros().to_string(),
        &entry.actor,
        &entry.action,
        &entry.target,
        entry.ip.as_deref().unwrap_or(""),
        &entry.details,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    /// Entries checked.
    pub checked: u64,
    /// First entry whose hash or sequence does not match, if any.
    pub broken_at: Option<i64>,
    /// The last good hash.
    pub head: String,
}

/// Walks entries in order and checks every link. `entries` yields `(entry, stored_hash)`.
pub fn verify<I: IntoIterator<Item = (AuditEntry, String)>>(entries: I) -> VerifyReport {
    let mut prev = GENESIS.to_owned();
    let mut report = VerifyReport {
        head: prev.clone(),
        ..VerifyReport::default()
    };
    for (expected_seq, (entry, stored)) in (1..).zip(entries) {
        if entry.seq != expected_seq || entry_hash(&prev, &entry) != stored {
            report.broken_at = Some(entry.seq);
            return report;
        }
        report.checked += 1;
        prev = stored;
        report.head = prev.clone();
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, details: &str) -> AuditEntry {
        AuditEntry {
            seq,
            at: DateTime::from_timestamp_micros(1_790_000_000_000_000 + seq).unwrap(),
            actor: "officer".into(),
            action: "dossier.receive".into(),
            target: "H79-261008-0001".into(),
            ip: None,
            details: details.into(),
        }
    }

    #[test]
    fn detects_tampering_reordering_and_gaps() {
        let mut prev = GENESIS.to_owned();
        let mut chain = Vec::new();
        for seq in 1..=5 {
            let e = entry(seq, "{}");
            let h = entry_hash(&prev, &e);
            prev.clone_from(&h);
            chain.push((e, h));
        }
        assert_eq!(
            verify(chain.clone()),
            VerifyReport {
                checked: 5,
                broken_at: None,
                head: prev
            }
        );
        let mut edited = chain.clone();
        edited[2].0.details = "{\"x\":1}".into();
        assert_eq!(verify(edited).broken_at, Some(3));
        let mut removed = chain.clone();
        removed.remove(1);
        assert_eq!(verify(removed).broken_at, Some(3));
        let mut swapped = chain;
        swapped.swap(3, 4);
        assert_eq!(verify(swapped).broken_at, Some(5));
    }
}
