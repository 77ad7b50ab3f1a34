//! Everything the working calendar is built from: the statutory rules, the year
//! schedules, an administrator's patches and confirmed options. Immutable once built
//! into a [`crate::WorkCalendar`]; amending means building a new calendar.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::CalendarError;
use crate::rules::StatutoryRules;
use crate::schedule::{
    AmendMode, Amendments, DayEntry, DayKind, ScheduleStatus, YearSchedule, data_error,
};

/// Where a year's days off come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearBasis {
    /// An entered schedule (official or provisional) for that year.
    Schedule {
        /// Official or provisional.
        status: ScheduleStatus,
        /// The announcement it comes from.
        source: Option<String>,
    },
    /// No schedule entered: computed from the statutory rules.
    Statutory,
}

impl YearBasis {
    /// One line for people, in Vietnamese.
    pub fn describe_vi(&self, year: i32) -> String {
        match self {
            Self::Schedule {
                status: ScheduleStatus::Official,
                source,
            } => match source {
                Some(s) => format!("Năm {year}: lịch nghỉ chính thức ({s})"),
                None => format!("Năm {year}: lịch nghỉ chính thức"),
            },
            Self::Schedule {
                status: ScheduleStatus::Provisional,
                ..
            } => format!("Năm {year}: lịch nghỉ tạm tính, chờ văn bản chính thức"),
            Self::Statutory => format!(
                "Năm {year}: chưa có lịch nghỉ chính thức; tính theo quy tắc của Bộ luật Lao động (ngày Tết và ngày liền kề Quốc khánh là dự kiến)"
            ),
        }
    }
}

/// The shipped rules and schedules.
const BUILTIN_RULES: &str = include_str!("../data/rules.toml");
const BUILTIN_YEARS: [(&str, &str); 3] = [
    ("data/2024.toml", include_str!("../data/2024.toml")),
    ("data/2025.toml", include_str!("../data/2025.toml")),
    ("data/2026.toml", include_str!("../data/2026.toml")),
];

/// Rules, schedules, patches and confirmed options.
#[derive(Debug, Clone)]
pub struct CalendarData {
    rules: StatutoryRules,
    schedules: BTreeMap<i32, YearSchedule>,
    patches: BTreeMap<i32, Vec<DayEntry>>,
    confirmed: BTreeSet<String>,
}

impl CalendarData {
    /// The data shipped with Một Cửa: statutory rules and the official schedules.
    pub fn builtin() -> Result<Self, CalendarError> {
        let mut data = Self::new(StatutoryRules::from_toml(BUILTIN_RULES, "data/rules.toml")?);
        for (origin, text) in BUILTIN_YEARS {
            data.add_schedule(YearSchedule::from_toml(text, origin)?, origin)?;
        }
        Ok(data)
    }

    /// Only the given rules, no schedules.
    pub fn new(rules: StatutoryRules) -> Self {
        CalendarData {
            rules,
            schedules: BTreeMap::new(),
            patches: BTreeMap::new(),
            confirmed: BTreeSet::new(),
        }
    }

    /// The statutory rules.
    pub fn rules(&self) -> &StatutoryRules {
        &self.rules
    }

    /// Adds a year schedule: `Replace` makes it the year's list (and drops earlier
    /// patches of that year), `Patch` overrides only its dates.
    pub fn add_schedule(
        &mut self,
        schedule: YearSchedule,
        origin: &str,
    ) -> Result<(), CalendarError> {
        schedule.check_against_rest_days(self.rules.weekly_rest(), origin)?;
        for d in &schedule.days {
            if let Some(id) = &d.requires {
                self.check_option(id, origin)?;
            }
        }
        let year = schedule.year;
        match schedule.mode {
            AmendMode::Replace => {
                self.patches.remove(&year);
                self.schedules.insert(year, schedule);
            }
            AmendMode::Patch => {
                let patch = self.patches.entry(year).or_default();
                for d in schedule.days {
                    patch.retain(|p| p.date != d.date);
                    patch.push(d);
                }
                patch.sort_by_key(|d| d.date);
            }
        }
        Ok(())
    }

    /// Applies an administrator's amendments in order.
    pub fn apply(&mut self, amendments: Amendments, origin: &str) -> Result<(), CalendarError> {
        for id in &amendments.confirm {
            self.confirm(id, origin)?;
        }
        for y in amendments.years {
            self.add_schedule(y, origin)?;
        }
        Ok(())
    }

    /// Switches on an option that waits for confirmation (e.g. `culture_day`).
    pub fn confirm(&mut self, option: &str, origin: &str) -> Result<(), CalendarError> {
        self.check_option(option, origin)?;
        self.confirmed.insert(option.to_owned());
        Ok(())
    }

    fn check_option(&self, option: &str, origin: &str) -> Result<(), CalendarError> {
        if self.rules.options().iter().any(|o| o.id == option) {
            Ok(())
        } else {
            let known: Vec<&str> = self.rules.options().iter().map(|o| o.id.as_str()).collect();
            Err(data_error(
                origin,
                format!(
                    "không có tùy chọn “{option}” (các tùy chọn: {})",
                    known.join(", ")
                ),
            ))
        }
    }

    /// Options confirmed so far.
    pub fn confirmed(&self) -> &BTreeSet<String> {
        &self.confirmed
    }

    /// Where `year`'s days off come from.
    pub fn basis(&self, year: i32) -> YearBasis {
        match self.schedules.get(&year) {
            Some(s) => YearBasis::Schedule {
                status: s.status,
                source: s.source.clone(),
            },
            None => YearBasis::Statutory,
        }
    }

    /// Whether an administrator patched `year`.
    pub fn is_patched(&self, year: i32) -> bool {
        self.patches.get(&year).is_some_and(|p| !p.is_empty())
    }

    /// The effective list of exceptions of `year`, sorted by date: the schedule (or
    /// the statutory rules), then the patches, without entries whose option is off.
    pub fn entries(&self, year: i32) -> Result<Vec<DayEntry>, CalendarError> {
        if !(crate::FIRST_YEAR..=crate::LAST_YEAR).contains(&year) {
            return Err(CalendarError::YearOutOfRange { year });
        }
        let active = |d: &DayEntry| {
            d.requires
                .as_ref()
                .is_none_or(|r| self.confirmed.contains(r))
        };
        let mut entries: Vec<DayEntry> = match self.schedules.get(&year) {
            Some(s) => s
                .days
                .iter()
                .filter(|d| active(d) && d.kind != DayKind::Normal)
                .cloned()
                .collect(),
            None => self.rules.entries_for(year, &self.confirmed)?,
        };
        if let Some(patch) = self.patches.get(&year) {
            for p in patch.iter().filter(|p| active(p)) {
                entries.retain(|e| e.date != p.date);
                if p.kind != DayKind::Normal {
                    entries.push(p.clone());
                }
            }
            entries.sort_by_key(|d| d.date);
        }
        Ok(entries)
    }
}
