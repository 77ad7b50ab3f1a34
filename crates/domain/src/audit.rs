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

/// One thing wrong with the chain, naming the entries concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditProblem {
    /// The entry's content no longer gives its stored hash: edited in place.
    Edited {
        /// The entry.
        seq: i64,
    },
    /// The entry at `seq` is the one recorded as number `original`: rows were reordered.
    Moved {
        /// Where it stands now.
        seq: i64,
        /// Where it was recorded.
        original: i64,
    },
    /// Entries `from..=to` are gone.
    Missing {
        /// First missing number.
        from: i64,
        /// Last missing number.
        to: i64,
    },
    /// The head records `head` entries but the log ends at `last`: the tail was cut.
    Truncated {
        /// Last entry present.
        last: i64,
        /// Last entry the head recorded.
        head: i64,
    },
    /// The head's hash is not the last entry's.
    HeadMismatch {
        /// Last entry present.
        last: i64,
    },
}

impl AuditProblem {
    /// The first entry concerned.
    pub fn seq(&self) -> i64 {
        match *self {
            Self::Edited { seq } | Self::Moved { seq, .. } => seq,
            Self::Missing { from, .. } => from,
            Self::Truncated { last, .. } | Self::HeadMismatch { last } => last + 1,
        }
    }

    /// In Vietnamese, for the operator.
    pub fn describe_vi(&self) -> String {
        match *self {
            Self::Edited { seq } => format!(
                "mục {seq} không khớp mã băm: mục này (hoặc mục ngay trước, nếu mã băm của nó \
                 cũng bị tính lại) đã bị sửa"
            ),
            Self::Moved { seq, original } => {
                format!("mục {seq} là mục số {original} bị đổi chỗ (thứ tự bị sắp xếp lại)")
            }
            Self::Missing { from, to } if from == to => format!("mục {from} đã bị xóa"),
            Self::Missing { from, to } => format!("các mục {from}–{to} đã bị xóa"),
            Self::Truncated { last, head } if head == last + 1 => {
                format!("mục cuối {head} đã bị xóa")
            }
            Self::Truncated { last, head } => {
                format!("các mục {}–{head} ở cuối nhật ký đã bị xóa", last + 1)
            }
            Self::HeadMismatch { last } => {
                format!("đầu chuỗi không khớp với mục cuối {last}")
            }
        }
    }
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    /// Entries read.
    pub checked: u64,
    /// What is wrong, in chain order (at most [`MAX_PROBLEMS`]); empty if intact.
    pub problems: Vec<AuditProblem>,
    /// The last entry's stored hash.
    pub head: String,
}

impl VerifyReport {
    /// The first entry concerned by a problem, if any.
    pub fn broken_at(&self) -> Option<i64> {
        self.problems.first().map(AuditProblem::seq)
    }
}

/// A verification stops listing after this many problems (a wholesale rewrite would
/// otherwise list every entry).
pub const MAX_PROBLEMS: usize = 100;

/// Checks the chain entry by entry. Each link is checked against the stored hash of the
/// entry before, so an edit flags that one entry and the rest still verify; a gap is
/// reported as missing entries; a mismatching entry is recognised as moved when it
/// chains to another position among `window` (neighbouring entries as
/// `(seq, stored hash)`, which the caller supplies on demand).
#[derive(Debug)]
pub struct Verifier {
    prev: String,
    next_seq: i64,
    report: VerifyReport,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            prev: GENESIS.to_owned(),
            next_seq: 1,
            report: VerifyReport {
                head: GENESIS.to_owned(),
                ..VerifyReport::default()
            },
        }
    }
}

impl Verifier {
    /// Whether the next entry would fail its link (then the caller fetches a window).
    pub fn links(&self, entry: &AuditEntry, stored: &str) -> bool {
        entry.seq == self.next_seq && entry_hash(&self.prev, entry) == stored
    }

    /// Takes the next entry (in seq order) with its stored hash, and the neighbouring
    /// entries' `(seq, stored hash)` if it does not link (else an empty slice).
    pub fn push(&mut self, entry: &AuditEntry, stored: &str, window: &[(i64, String)]) {
        self.report.checked += 1;
        if entry.seq > self.next_seq {
            self.problem(AuditProblem::Missing {
                from: self.next_seq,
                to: entry.seq - 1,
            });
        } else if entry_hash(&self.prev, entry) != stored {
            // Intact at its own place (`origin` = its seq) when only its neighbour moved.
            match origin(entry, stored, window) {
                Some(original) if original == entry.seq => {}
                Some(original) => self.problem(AuditProblem::Moved {
                    seq: entry.seq,
                    original,
                }),
                None => self.problem(AuditProblem::Edited { seq: entry.seq }),
            }
        }
        // Go on from what is stored: one bad entry does not condemn the rest.
        self.prev = stored.to_owned();
        self.next_seq = entry.seq + 1;
        self.report.head = self.prev.clone();
    }

    /// Ends with the head as stored (`seq`, `hash`).
    pub fn finish(mut self, head_seq: i64, head_hash: &str) -> VerifyReport {
        let last = self.next_seq - 1;
        if head_seq > last {
            self.problem(AuditProblem::Truncated {
                last,
                head: head_seq,
            });
        } else if head_seq != last || head_hash != self.prev {
            self.problem(AuditProblem::HeadMismatch { last });
        }
        self.report
    }

    fn problem(&mut self, p: AuditProblem) {
        if self.report.problems.len() < MAX_PROBLEMS {
            self.report.problems.push(p);
        }
    }
}

/// How far from its place a moved entry is looked for.
pub const MOVE_WINDOW: i64 = 8;

/// The position `entry` was recorded at, if its stored hash is its content numbered
/// `s` (within [`MOVE_WINDOW`] of where it stands) chained after one of `window`'s
/// stored hashes (or the start, for `s = 1`).
fn origin(entry: &AuditEntry, stored: &str, window: &[(i64, String)]) -> Option<i64> {
    let first = (entry.seq - MOVE_WINDOW).max(1);
    (first..=entry.seq + MOVE_WINDOW).find(|&s| {
        let mut candidate = entry.clone();
        candidate.seq = s;
        let genesis = (s == 1).then_some(GENESIS);
        genesis
            .into_iter()
            .chain(window.iter().map(|(_, h)| h.as_str()))
            .any(|prev| entry_hash(prev, &candidate) == stored)
    })
}

/// Verifies entries given in order with the head as stored: the pure form of what
/// `Store::verify_audit` does page by page.
pub fn verify<I: IntoIterator<Item = (AuditEntry, String)>>(
    entries: I,
    head: (i64, &str),
) -> VerifyReport {
    let all: Vec<(AuditEntry, String)> = entries.into_iter().collect();
    let window: Vec<(i64, String)> = all.iter().map(|(e, h)| (e.seq, h.clone())).collect();
    let mut v = Verifier::default();
    for (e, h) in &all {
        let w: &[(i64, String)] = if v.links(e, h) { &[] } else { &window };
        v.push(e, h, w);
    }
    v.finish(head.0, head.1)
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

    fn chain(n: i64) -> Vec<(AuditEntry, String)> {
        let mut prev = GENESIS.to_owned();
        let mut out = Vec::new();
        for seq in 1..=n {
            let e = entry(seq, &format!("{{\"n\":{seq}}}"));
            let h = entry_hash(&prev, &e);
            prev.clone_from(&h);
            out.push((e, h));
        }
        out
    }

    fn head(c: &[(AuditEntry, String)]) -> (i64, String) {
        c.last()
            .map_or((0, GENESIS.to_owned()), |(e, h)| (e.seq, h.clone()))
    }

    #[test]
    fn names_edits_deletions_moves_and_a_cut_tail() {
        let good = chain(8);
        let (hs, hh) = head(&good);
        let ok = verify(good.clone(), (hs, &hh));
        assert_eq!(
            (ok.checked, ok.problems.clone(), ok.head.clone()),
            (8, vec![], hh.clone())
        );

        let mut edited = good.clone();
        edited[2].0.actor = "mallory".into();
        assert_eq!(
            verify(edited, (hs, &hh)).problems,
            vec![AuditProblem::Edited { seq: 3 }],
            "only the edited entry"
        );

        let mut removed = good.clone();
        removed.remove(3);
        removed.remove(3);
        assert_eq!(
            verify(removed, (hs, &hh)).problems,
            vec![AuditProblem::Missing { from: 4, to: 5 }]
        );

        // Rows 5 and 6 swap places (their numbers follow their new places).
        let mut swapped = good.clone();
        swapped.swap(4, 5);
        swapped[4].0.seq = 5;
        swapped[5].0.seq = 6;
        assert_eq!(
            verify(swapped, (hs, &hh)).problems,
            vec![
                AuditProblem::Moved {
                    seq: 5,
                    original: 6
                },
                AuditProblem::Moved {
                    seq: 6,
                    original: 5
                }
            ]
        );

        let cut: Vec<_> = good.iter().take(6).cloned().collect();
        let report = verify(cut, (hs, &hh));
        assert_eq!(
            report.problems,
            vec![AuditProblem::Truncated { last: 6, head: 8 }]
        );
        assert_eq!(report.broken_at(), Some(7));
        assert!(report.problems[0].describe_vi().contains("7–8"));
    }
}
