//! Serde helpers for the portal's loosely typed fields. Public integrator code sends
//! codes sometimes as numbers and sometimes as strings (`"4"`, `4`; `error_code`
//! `"0"`, `0`, `"00"`), and flags as `0`/`1` or booleans, so we read all of them and
//! write one form: codes as strings, flags as 0/1 numbers (our choice; the official
//! message spec is not public).

use serde::{Deserialize, Deserializer, Serializer};

/// A scalar as it may come: number, string or boolean.
#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    Int(i64),
    Bool(bool),
    Float(f64),
    Text(String),
}

fn loose_int<E: serde::de::Error>(v: Loose) -> Result<i64, E> {
    match v {
        Loose::Int(n) => Ok(n),
        Loose::Bool(b) => Ok(i64::from(b)),
        Loose::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(f as i64),
        Loose::Float(f) => Err(E::custom(format!("{f} is not a whole number"))),
        Loose::Text(s) => {
            let t = s.trim();
            match t.to_ascii_lowercase().as_str() {
                "true" => Ok(1),
                "false" => Ok(0),
                _ => t
                    .parse::<i64>()
                    .map_err(|_| E::custom(format!("{s:?} is not a number"))),
            }
        }
    }
}

/// A small code (status, channel, kind…): written `"4"`, read from `4` or `"4"`.
pub mod code {
    use super::*;

    /// Writes the code as a string.
    pub fn serialize<S: Serializer>(v: &u8, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    /// Reads a number or a numeric string in 0–255.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        let n = loose_int::<D::Error>(Loose::deserialize(d)?)?;
        u8::try_from(n).map_err(|_| serde::de::Error::custom(format!("code {n} out of range")))
    }
}

/// An optional [`code`]; pair with `default` and `skip_serializing_if`.
pub mod opt_code {
    use super::*;

    /// Writes the code as a string.
    pub fn serialize<S: Serializer>(v: &Option<u8>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    /// Reads a number, a numeric string, or null/empty as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
        match Option::<Loose>::deserialize(d)? {
            None => Ok(None),
            Some(Loose::Text(t)) if t.trim().is_empty() => Ok(None),
            Some(v) => {
                let n = loose_int::<D::Error>(v)?;
                u8::try_from(n)
                    .map(Some)
                    .map_err(|_| serde::de::Error::custom(format!("code {n} out of range")))
            }
        }
    }
}

/// A yes/no flag: written `0`/`1`, read from numbers, booleans or strings.
pub mod flag {
    use super::*;

    /// Writes 0 or 1.
    pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(u8::from(*v))
    }

    /// Reads 0/1, true/false, "0"/"1", "True"/"False"; null is false.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        match Option::<Loose>::deserialize(d)? {
            None => Ok(false),
            Some(v) => match loose_int::<D::Error>(v)? {
                0 => Ok(false),
                1 => Ok(true),
                n => Err(serde::de::Error::custom(format!("flag {n} is not 0 or 1"))),
            },
        }
    }
}

/// A boolean the portal writes as a JSON boolean (`IsDeleted`), read loosely.
pub mod boolean {
    use super::*;

    /// Writes true/false.
    pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*v)
    }

    /// Reads like [`super::flag`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        super::flag::deserialize(d)
    }
}

/// A reply code (`error_code`) kept as text exactly as sent, from a number or string.
pub mod reply_code {
    use super::*;

    /// Writes the text.
    pub fn serialize<S: Serializer>(v: &str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v)
    }

    /// Reads a number or a string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(match Option::<Loose>::deserialize(d)? {
            None => String::new(),
            Some(Loose::Int(n)) => n.to_string(),
            Some(Loose::Bool(b)) => u8::from(b).to_string(),
            Some(Loose::Float(f)) => f.to_string(),
            Some(Loose::Text(t)) => t,
        })
    }
}
