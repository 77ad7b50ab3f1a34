//! Declaration forms (tờ khai, biểu mẫu điện tử) as a subset of JSON Schema that
//! officers can read and administrators can write:
//!
//! ```json
//! {"type": "object", "title": "Tờ khai đăng ký khai sinh",
//!  "required": ["tre_ho_ten"],
//!  "properties": {
//!    "tre_ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên", "maxLength": 100},
//!    "tre_ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
//!    "tre_gioi_tinh": {"type": "string", "enum": ["Nam", "Nữ"], "title": "Giới tính"}}}
//! ```
//!
//! Supported keywords: `type` (string, integer, number, boolean), `title`,
//! `description`, `enum`, `pattern`, `format` (date, email), `minLength`, `maxLength`,
//! `minimum`, `maximum`; `required` at the top. Property order is kept: it is the order
//! the questions are asked in.

use std::fmt;
use std::sync::OnceLock;

use regex::Regex;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::{DomainError, FieldIssue};
use crate::text::nfc;

/// Type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Text.
    #[default]
    String,
    /// Whole number.
    Integer,
    /// Number.
    Number,
    /// Yes/no.
    Boolean,
}

/// One question of the form.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FieldSchema {
    /// Type.
    #[serde(rename = "type", default)]
    pub kind: FieldType,
    /// Label shown to people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Help text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Allowed values.
    #[serde(rename = "enum", default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// Regular expression a text must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `date` (YYYY-MM-DD) or `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Minimum text length (characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    /// Maximum text length (characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// Minimum number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Maximum number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    #[serde(skip)]
    compiled: OnceLock<Option<Regex>>,
}

impl PartialEq for FieldSchema {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.title == other.title
            && self.description == other.description
            && self.choices == other.choices
            && self.pattern == other.pattern
            && self.format == other.format
            && self.min_length == other.min_length
            && self.max_length == other.max_length
            && self.minimum == other.minimum
            && self.maximum == other.maximum
    }
}

impl FieldSchema {
    fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| self.pattern.as_deref().and_then(|p| Regex::new(p).ok()))
            .as_ref()
    }

    fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.title.as_deref().unwrap_or(key)
    }
}

/// The properties of a form, in question order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties(pub Vec<(String, FieldSchema)>);

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;
        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Properties;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of field names to field schemas")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Properties, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = access.next_entry::<String, FieldSchema>()? {
                    out.push((k, v));
                }
                Ok(Properties(out))
            }
        }
        deserializer.deserialize_map(OrderedVisitor)
    }
}

/// A declaration form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormSchema {
    /// Always `object`.
    #[serde(rename = "type", default = "object")]
    pub kind: String,
    /// Title of the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Fields that must be filled.
    #[serde(default)]
    pub required: Vec<String>,
    /// Fields, in question order.
    #[serde(default)]
    pub properties: Properties,
}

fn object() -> String {
    "object".to_owned()
}

impl Default for FormSchema {
    fn default() -> Self {
        FormSchema {
            kind: object(),
            title: None,
            required: Vec::new(),
            properties: Properties::default(),
        }
    }
}

fn issue(field: &str, message: impl Into<String>, message_en: impl Into<String>) -> FieldIssue {
    FieldIssue {
        field: format!("form_data.{field}"),
        message: message.into(),
        message_en: message_en.into(),
    }
}

impl FormSchema {
    /// A field by name.
    pub fn field(&self, key: &str) -> Option<&FieldSchema> {
        self.properties
            .0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Checks the schema itself (at catalog import): known type, required fields that
    /// exist, patterns that compile.
    pub fn check(&self) -> Result<(), DomainError> {
        if self.kind != "object" {
            return Err(DomainError::invalid(
                "type",
                "Biểu mẫu phải có kiểu “object”",
                "form type must be \"object\"",
            ));
        }
        for r in &self.required {
            if self.field(r).is_none() {
                return Err(DomainError::invalid(
                    "required",
                    format!("Trường bắt buộc “{r}” không có trong biểu mẫu"),
                    format!("required field {r:?} is not a property"),
                ));
            }
        }
        for (key, f) in &self.properties.0 {
            if let Some(p) = &f.pattern
                && Regex::new(p).is_err()
            {
                return Err(DomainError::invalid(
                    &format!("properties.{key}.pattern"),
                    format!("Mẫu kiểm tra “{p}” không hợp lệ"),
                    format!("pattern {p:?} does not compile"),
                ));
            }
            if let Some(fmt) = &f.format
                && fmt != "date"
                && fmt != "email"
            {
                return Err(DomainError::invalid(
                    &format!("properties.{key}.format"),
                    format!("Định dạng “{fmt}” không được hỗ trợ (date, email)"),
                    format!("unsupported format {fmt:?}"),
                ));
            }
        }
        Ok(())
    }

    /// The problems of the fields `keys` only (one page of a wizard): the rest of the
    /// form may still be empty.
    pub fn check_fields(&self, data: &Value, keys: &[&str]) -> Vec<FieldIssue> {
        match self.validate(data) {
            Ok(_) => Vec::new(),
            Err(DomainError::FormInvalid(issues)) => issues
                .into_iter()
                .filter(|i| {
                    keys.iter()
                        .any(|k| i.field.strip_prefix("form_data.") == Some(k))
                })
                .collect(),
            Err(DomainError::FieldInvalid(issue)) => vec![issue],
            Err(_) => Vec::new(),
        }
    }

    /// Validates filled-in data and returns it normalised (texts NFC and trimmed,
    /// empty texts dropped). Every problem is reported, each on its field.
    pub fn validate(&self, data: &Value) -> Result<Value, DomainError> {
        let empty = Map::new();
        let object = match data {
            Value::Object(m) => m,
            Value::Null => &empty,
            _ => {
                return Err(DomainError::invalid(
                    "form_data",
                    "Dữ liệu tờ khai phải là một đối tượng JSON",
                    "form_data must be a JSON object",
                ));
            }
        };
        let mut issues = Vec::new();
        let mut out = Map::new();
        for key in object.keys() {
            if self.field(key).is_none() {
                issues.push(issue(
                    key,
                    format!("Tờ khai không có trường “{key}”"),
                    format!("unknown field {key:?}"),
                ));
            }
        }
        for (key, f) in &self.properties.0 {
            let label = f.label(key);
            let value = object.get(key).unwrap_or(&Value::Null);
            match check_value(key, label, f, value) {
                Ok(Some(v)) => {
                    out.insert(key.clone(), v);
                }
                Ok(None) => {
                    if self.required.iter().any(|r| r == key) {
                        issues.push(issue(
                            key,
                            format!("Vui lòng nhập “{label}”"),
                            format!("{key} is required"),
                        ));
                    }
                }
                Err(i) => issues.push(i),
            }
        }
        if issues.is_empty() {
            Ok(Value::Object(out))
        } else {
            Err(DomainError::FormInvalid(issues))
        }
    }
}

/// Checks one value; `Ok(None)` means empty.
fn check_value(
    key: &str,
    label: &str,
    f: &FieldSchema,
    value: &Value,
) -> Result<Option<Value>, FieldIssue> {
    match (f.kind, value) {
        (_, Value::Null) => Ok(None),
        (FieldType::String, Value::String(s)) => {
            let s = nfc(s.trim());
            if s.is_empty() {
                return Ok(None);
            }
            let len = s.chars().count();
            if f.min_length.is_some_and(|m| len < m) {
                return Err(issue(
                    key,
                    format!(
                        "“{label}” phải có ít nhất {} ký tự",
                        f.min_length.unwrap_or(0)
                    ),
                    format!("{key} is too short"),
                ));
            }
            if f.max_length.is_some_and(|m| len > m) {
                return Err(issue(
                    key,
                    format!("“{label}” dài quá {} ký tự", f.max_length.unwrap_or(0)),
                    format!("{key} is too long"),
                ));
            }
            if !f.choices.is_empty() && !f.choices.contains(&s) {
                return Err(issue(
                    key,
                    format!("“{label}” phải là một trong: {}", f.choices.join(", ")),
                    format!("{key} must be one of the listed values"),
                ));
            }
            if f.regex().is_some_and(|re| !re.is_match(&s)) {
                return Err(issue(
                    key,
                    format!("“{label}” không đúng định dạng"),
                    format!("{key} does not match its pattern"),
                ));
            }
            match f.format.as_deref() {
                Some("date") if chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").is_err() => {
                    return Err(issue(
                        key,
                        format!("“{label}” phải là ngày hợp lệ (NNNN-TT-NN)"),
                        format!("{key} must be a valid date YYYY-MM-DD"),
                    ));
                }
                Some("email")
                    if !s
                        .split_once('@')
                        .is_some_and(|(a, b)| !a.is_empty() && b.contains('.')) =>
                {
                    return Err(issue(
                        key,
                        format!("“{label}” phải là địa chỉ thư điện tử"),
                        format!("{key} must be an e-mail address"),
                    ));
                }
                _ => {}
            }
            Ok(Some(Value::String(s)))
        }
        (FieldType::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => {
            check_range(key, label, f, n.as_f64().unwrap_or(0.0)).map(|()| Some(value.clone()))
        }
        (FieldType::Number, Value::Number(n)) => {
            check_range(key, label, f, n.as_f64().unwrap_or(0.0)).map(|()| Some(value.clone()))
        }
        (FieldType::Boolean, Value::Bool(_)) => Ok(Some(value.clone())),
        (kind, _) => Err(issue(
            key,
            format!(
                "“{label}” phải là {}",
                match kind {
                    FieldType::String => "chữ",
                    FieldType::Integer => "số nguyên",
                    FieldType::Number => "số",
                    FieldType::Boolean => "có/không",
                }
            ),
            format!("{key} has the wrong type"),
        )),
    }
}

fn check_range(key: &str, label: &str, f: &FieldSchema, n: f64) -> Result<(), FieldIssue> {
    if f.minimum.is_some_and(|m| n < m) || f.maximum.is_some_and(|m| n > m) {
        return Err(issue(
            key,
            format!("“{label}” nằm ngoài giới hạn cho phép"),
            format!("{key} is out of range"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> FormSchema {
        serde_json::from_value(json!({
            "type": "object",
            "required": ["ho_ten", "so_dinh_danh", "ngay_sinh"],
            "properties": {
                "ho_ten": {"type": "string", "title": "Họ tên", "maxLength": 10},
                "so_dinh_danh": {"type": "string", "title": "Số định danh", "pattern": "^[0-9]{12}$"},
                "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
                "gioi_tinh": {"type": "string", "enum": ["Nam", "Nữ"]},
                "so_ban_sao": {"type": "integer", "minimum": 0, "maximum": 10}
            }
        }))
        .unwrap()
    }

    #[test]
    fn keeps_question_order() {
        let s = schema();
        let keys: Vec<&str> = s.properties.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "ho_ten",
                "so_dinh_danh",
                "ngay_sinh",
                "gioi_tinh",
                "so_ban_sao"
            ]
        );
        let back: FormSchema = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        s.check().unwrap();
    }

    #[test]
    fn valid_data_is_normalised() {
        let out = schema()
            .validate(&json!({"ho_ten": "  An ", "so_dinh_danh": "001099012345", "ngay_sinh": "2026-01-02", "gioi_tinh": "Nữ", "so_ban_sao": 2}))
            .unwrap();
        assert_eq!(out["ho_ten"], "An");
    }

    #[test]
    fn every_problem_is_reported_on_its_field() {
        let err = schema()
            .validate(&json!({"ho_ten": "Nguyễn Văn Thành Công", "so_dinh_danh": "123", "gioi_tinh": "Khác", "so_ban_sao": 11, "la": 1}))
            .unwrap_err();
        assert_eq!(err.code(), "form_invalid");
        let fields: Vec<String> = err.issues().into_iter().map(|i| i.field).collect();
        assert_eq!(
            fields,
            [
                "form_data.la",
                "form_data.ho_ten",
                "form_data.so_dinh_danh",
                "form_data.ngay_sinh",
                "form_data.gioi_tinh",
                "form_data.so_ban_sao"
            ]
        );
        assert!(
            err.message_vi().contains("Vui lòng nhập “Ngày sinh”"),
            "{}",
            err.message_vi()
        );
        assert_eq!(
            schema().validate(&json!("x")).unwrap_err().code(),
            "field_invalid"
        );
    }

    #[test]
    fn bad_schemas_are_rejected() {
        let s: FormSchema =
            serde_json::from_value(json!({"required": ["x"], "properties": {}})).unwrap();
        assert!(s.check().is_err());
        let s: FormSchema = serde_json::from_value(
            json!({"properties": {"x": {"type": "string", "pattern": "("}}}),
        )
        .unwrap();
        assert!(s.check().is_err());
        assert!(
            serde_json::from_value::<FormSchema>(json!({"properties": {"x": {"type": "object"}}}))
                .is_err()
        );
    }
}
