//! Every saved version of every process. A saved version is never changed: editing
//! saves a new one, and a dossier keeps the ID of the one in force when it was
//! received, so changing a process never changes dossiers already received.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::Process;

/// One saved version.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedProcess {
    /// Its ID (increasing with each save).
    pub id: i64,
    /// The checked process.
    pub process: Arc<Process>,
    /// When it was saved.
    pub saved_at: DateTime<Utc>,
    /// Who saved it.
    pub saved_by: String,
}

/// All versions, by procedure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcessBook {
    by_id: BTreeMap<i64, SavedProcess>,
    /// Per procedure code: IDs ordered by (valid_from, id).
    by_procedure: BTreeMap<String, Vec<i64>>,
}

/// A book with no processes (dossiers then follow only the state machine).
pub static NO_PROCESSES: ProcessBook = ProcessBook::empty();

impl ProcessBook {
    /// An empty book.
    pub const fn empty() -> Self {
        ProcessBook {
            by_id: BTreeMap::new(),
            by_procedure: BTreeMap::new(),
        }
    }

    /// A book of these versions.
    pub fn new(saved: impl IntoIterator<Item = SavedProcess>) -> Self {
        let mut book = ProcessBook::default();
        for s in saved {
            book.insert(s);
        }
        book
    }

    /// Adds a version.
    pub fn insert(&mut self, saved: SavedProcess) {
        let code = saved.process.def.procedure.clone();
        let id = saved.id;
        self.by_id.insert(id, saved);
        let ids = self.by_procedure.entry(code).or_default();
        ids.push(id);
        let by_id = &self.by_id;
        ids.sort_by_key(|i| by_id.get(i).map(|s| (s.process.def.valid_from, s.id)));
    }

    /// A version by ID.
    pub fn get(&self, id: i64) -> Option<&SavedProcess> {
        self.by_id.get(&id)
    }

    /// The version in force for `procedure` on `day`: the latest valid from that day
    /// or before (the last saved among those of the same date).
    pub fn in_force(&self, procedure: &str, day: NaiveDate) -> Option<&SavedProcess> {
        self.by_procedure
            .get(procedure)?
            .iter()
            .rev()
            .filter_map(|i| self.by_id.get(i))
            .find(|s| s.process.def.valid_from <= day)
    }

    /// Every version of a procedure, oldest first.
    pub fn versions(&self, procedure: &str) -> Vec<&SavedProcess> {
        self.by_procedure
            .get(procedure)
            .map(|ids| ids.iter().filter_map(|i| self.by_id.get(i)).collect())
            .unwrap_or_default()
    }

    /// Procedure codes that have a process.
    pub fn procedures(&self) -> impl Iterator<Item = &str> {
        self.by_procedure.keys().map(String::as_str)
    }

    /// How many versions it holds.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}
