//! The words printed on the forms, as dated data (`data/wording.toml`): a circular that
//! changes a form adds a set with a later date; dossiers are printed with the set in force
//! on the day of the paper.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

use crate::RenderError;

const BUILT_IN: &str = include_str!("../data/wording.toml");

#[derive(Debug, Clone, Deserialize)]
struct File {
    set: Vec<Set>,
}

/// One dated set of texts.
#[derive(Debug, Clone, Deserialize)]
struct Set {
    from: toml::value::Datetime,
    source: String,
    #[serde(flatten)]
    forms: BTreeMap<String, BTreeMap<String, toml::Value>>,
}

/// The texts of every form, by validity date.
#[derive(Debug, Clone)]
pub struct Wording {
    /// Sets, oldest first, with their dates.
    sets: Vec<(NaiveDate, Set)>,
}

fn date_of(d: &toml::value::Datetime) -> Result<NaiveDate, RenderError> {
    let day = d
        .date
        .ok_or_else(|| RenderError::Wording(format!("`from = {d}` is not a date")))?;
    NaiveDate::from_ymd_opt(
        i32::from(day.year),
        u32::from(day.month),
        u32::from(day.day),
    )
    .ok_or_else(|| RenderError::Wording(format!("`from = {d}` is not a date")))
}

impl Wording {
    /// The texts shipped with the program.
    pub fn built_in() -> Result<Self, RenderError> {
        Self::parse(BUILT_IN)
    }

    /// Texts from a TOML file of the same shape as `data/wording.toml`.
    pub fn parse(text: &str) -> Result<Self, RenderError> {
        let file: File = toml::from_str(text).map_err(|e| RenderError::Wording(e.to_string()))?;
        let mut sets = file
            .set
            .into_iter()
            .map(|s| Ok((date_of(&s.from)?, s)))
            .collect::<Result<Vec<_>, RenderError>>()?;
        sets.sort_by_key(|(d, _)| *d);
        if sets.is_empty() {
            return Err(RenderError::Wording("no [[set]]".into()));
        }
        Ok(Self { sets })
    }

    /// Adds an administrator's sets (a later or equal date wins for the texts it names;
    /// texts it leaves out come from the set before it).
    pub fn with_overrides(mut self, text: &str) -> Result<Self, RenderError> {
        let extra = Self::parse(text)?;
        self.sets.extend(extra.sets);
        self.sets.sort_by_key(|(d, _)| *d);
        Ok(self)
    }

    /// The texts of `form` (with the common ones) in force on `day`, later sets
    /// overriding earlier ones key by key.
    pub fn texts(&self, form: &str, day: NaiveDate) -> Result<Texts, RenderError> {
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut source = None;
        for (from, set) in self.sets.iter().filter(|(from, _)| *from <= day) {
            for part in ["common", form] {
                if let Some(texts) = set.forms.get(part) {
                    for (k, v) in texts {
                        let v = serde_json::to_value(v)
                            .map_err(|e| RenderError::Wording(e.to_string()))?;
                        map.insert(k.clone(), v);
                    }
                }
            }
            source = Some((*from, set.source.clone()));
        }
        let (from, source) = source
            .ok_or_else(|| RenderError::Wording(format!("no form texts in force on {day}")))?;
        if !map.contains_key("title") {
            return Err(RenderError::Wording(format!("form {form} has no title")));
        }
        Ok(Texts { map, from, source })
    }
}

/// The texts of one form on one day.
#[derive(Debug, Clone)]
pub struct Texts {
    map: BTreeMap<String, Value>,
    /// Date of the set in force.
    pub from: NaiveDate,
    /// Its legal source.
    pub source: String,
}

impl Texts {
    /// A text (empty if the data lacks it; the wording test checks every key is there).
    pub fn get(&self, key: &str) -> String {
        self.map
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    /// A text, if the data has it.
    pub fn opt(&self, key: &str) -> Option<String> {
        self.map.get(key).and_then(Value::as_str).map(str::to_owned)
    }

    /// A list of texts (e.g. column titles); empty if the data lacks it.
    pub fn list(&self, key: &str) -> Vec<String> {
        motcua_domain::dossier::string_list(self.map.get(key))
    }

    /// A text with `{name}` placeholders filled.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(&self.get(key), values)
    }

    /// Everything, for the template's `t`.
    pub fn to_value(&self) -> Value {
        Value::Object(self.map.clone().into_iter().collect())
    }
}

/// Replaces `{name}` with its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn built_in_texts_cover_every_form() {
        let w = Wording::built_in().unwrap();
        for form in crate::Form::ALL {
            let t = w.texts(form.as_str(), day("2026-11-24")).unwrap();
            assert!(t.get("title").chars().all(|c| !c.is_lowercase()));
            assert!(!t.get("motto").is_empty());
        }
        assert!(w.texts("register", day("2026-11-24")).is_ok());
        // Before the first set there is nothing to print with.
        assert!(w.texts("receipt", day("2025-06-30")).is_err());
    }

    #[test]
    fn a_later_set_overrides_only_what_it_names() {
        let w = Wording::built_in()
            .unwrap()
            .with_overrides(
                "[[set]]\nfrom = 2027-01-01\nsource = \"TT mới\"\n[set.receipt]\ntitle = \"GIẤY BIÊN NHẬN\"\n",
            )
            .unwrap();
        let before = w.texts("receipt", day("2026-12-31")).unwrap();
        let after = w.texts("receipt", day("2027-01-01")).unwrap();
        assert_eq!(
            before.get("title"),
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
        );
        assert_eq!(after.get("title"), "GIẤY BIÊN NHẬN");
        assert_eq!(after.get("sets"), before.get("sets"));
        assert_eq!(after.source, "TT mới");
        assert_eq!(
            fill("{a} và {b}", &[("a", "Một"), ("b", "Hai")]),
            "Một và Hai"
        );
    }
}
