//! Form plumbing for pages: fields generated from a procedure's form schema, posted
//! values read back into typed JSON, errors placed next to their fields.

use std::collections::BTreeMap;

use motcua_domain::form::{FieldType, FormSchema};
use serde_json::{Map, Value};

/// One input on a page.
#[derive(Debug, Clone)]
pub struct FieldView {
    /// Name of the input (`f.{key}` for form fields).
    pub name: String,
    /// Element id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Help text.
    pub hint: String,
    /// `text`, `date`, `email`, `number`, `select`, `checkbox`, `textarea`.
    pub kind: &'static str,
    /// Must be filled.
    pub required: bool,
    /// Current value.
    pub value: String,
    /// Choices of a select.
    pub choices: Vec<String>,
    /// Error to show next to it.
    pub error: Option<String>,
}

/// The inputs for `keys` of `schema`, filled from `data`, with `errors` by key.
pub fn schema_fields(
    schema: &FormSchema,
    keys: &[String],
    data: &Value,
    errors: &BTreeMap<String, String>,
) -> Vec<FieldView> {
    keys.iter()
        .filter_map(|key| {
            let f = schema.field(key)?;
            let value = match data.get(key) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            let kind = match (f.kind, f.format.as_deref()) {
                (FieldType::Boolean, _) => "checkbox",
                (FieldType::Integer | FieldType::Number, _) => "number",
                (_, Some("date")) => "date",
                (_, Some("email")) => "email",
                _ if !f.choices.is_empty() => "select",
                _ if f.max_length.is_some_and(|m| m > 300) => "textarea",
                _ => "text",
            };
            Some(FieldView {
                name: format!("f.{key}"),
                id: format!("f-{key}"),
                label: f.title.clone().unwrap_or_else(|| key.clone()),
                hint: f.description.clone().unwrap_or_default(),
                kind,
                required: schema.required.iter().any(|r| r == key),
                value,
                choices: f.choices.clone(),
                error: errors.get(key).cloned(),
            })
        })
        .collect()
}

/// The schema's questions, in pages of at most `per_page`.
pub fn pages(schema: &FormSchema, per_page: usize) -> Vec<Vec<String>> {
    let keys: Vec<String> = schema.properties.0.iter().map(|(k, _)| k.clone()).collect();
    keys.chunks(per_page.max(1))
        .map(<[String]>::to_vec)
        .collect()
}

/// Decodes an `application/x-www-form-urlencoded` body into pairs (repeated names kept).
pub fn pairs(body: &[u8]) -> Vec<(String, String)> {
    body.split(|b| *b == b'&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let mut it = kv.splitn(2, |b| *b == b'=');
            let k = it.next().unwrap_or_default();
            let v = it.next().unwrap_or_default();
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    motcua_domain::text::nfc(&String::from_utf8_lossy(&out))
}

/// The first value of `name`.
pub fn get<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Every value of `name`.
pub fn all<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Posted `f.{key}` values for `keys`, typed by the schema, merged into `data`.
pub fn merge_fields(
    schema: &FormSchema,
    keys: &[String],
    posted: &[(String, String)],
    data: &Value,
) -> Value {
    let mut out = match data {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    for key in keys {
        let Some(f) = schema.field(key) else { continue };
        let raw = get(posted, &format!("f.{key}")).trim().to_owned();
        let value = match f.kind {
            FieldType::Boolean => Value::Bool(!raw.is_empty()),
            FieldType::Integer => {
                raw.parse::<i64>()
                    .map(Value::from)
                    .unwrap_or(if raw.is_empty() {
                        Value::Null
                    } else {
                        Value::String(raw.clone())
                    })
            }
            FieldType::Number => raw
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .unwrap_or(if raw.is_empty() {
                    Value::Null
                } else {
                    Value::String(raw.clone())
                }),
            FieldType::String => {
                if raw.is_empty() {
                    Value::Null
                } else {
                    Value::String(raw)
                }
            }
        };
        if value.is_null() {
            out.remove(key);
        } else {
            out.insert(key.clone(), value);
        }
    }
    Value::Object(out)
}

/// Field issues by form key (`form_data.x` → `x`).
pub fn issues_by_key(issues: &[motcua_domain::FieldIssue]) -> BTreeMap<String, String> {
    issues
        .iter()
        .map(|i| {
            let key = i.field.strip_prefix("form_data.").unwrap_or(&i.field);
            let key = key
                .strip_prefix("applicant.")
                .map_or_else(|| key.to_owned(), |k| format!("applicant.{k}"));
            (key, i.message.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_vietnamese_form_posts() {
        let p = pairs(b"f.ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&x=1&x=2&empty=");
        assert_eq!(get(&p, "f.ho_ten"), "Nguyễn Văn An");
        assert_eq!(all(&p, "x"), ["1", "2"]);
        assert_eq!(get(&p, "empty"), "");
        assert_eq!(get(&p, "missing"), "");
    }
}
