//! The checks an OpenID Connect ID token must pass once its signature is verified
//! (OpenID Connect Core 1.0 §3.1.3.7), and how its claims become an account. Pure:
//! the caller verifies the signature and passes the clock.
//!
//! The claim names a provider uses for the identity number and phone are settings,
//! not code: VNeID's published claim set is not confirmed (see the README).

use serde::Deserialize;
use serde_json::{Map, Value};

/// The claims of an ID token that the checks read, plus the rest as given.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    /// Issuer.
    pub iss: String,
    /// Subject: the provider's stable identifier of the person.
    pub sub: String,
    /// Audience: one client ID or several.
    #[serde(deserialize_with = "one_or_many")]
    pub aud: Vec<String>,
    /// Authorised party (the client), required when there are several audiences.
    #[serde(default)]
    pub azp: Option<String>,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Issued at.
    #[serde(default)]
    pub iat: Option<i64>,
    /// Not before.
    #[serde(default)]
    pub nbf: Option<i64>,
    /// The nonce the client sent with the authorisation request.
    #[serde(default)]
    pub nonce: Option<String>,
    /// Every other claim.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Aud {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Aud::deserialize(d)? {
        Aud::One(a) => vec![a],
        Aud::Many(v) => v,
    })
}

/// What the token must say.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The provider's issuer identifier, exactly.
    pub issuer: &'a str,
    /// Our client ID.
    pub client_id: &'a str,
    /// The nonce we sent.
    pub nonce: &'a str,
    /// Now, seconds since the epoch.
    pub now: i64,
    /// Clock skew tolerated, seconds.
    pub leeway: i64,
    /// Tokens issued longer ago than this are refused (seconds).
    pub max_age: i64,
}

/// Why an ID token (or the login around it) is refused. Each has a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    /// The token was not issued by the configured provider.
    #[error("issuer {found} is not {expected}")]
    WrongIssuer {
        /// What the token says.
        found: String,
        /// What we trust.
        expected: String,
    },
    /// The token was issued for another client.
    #[error("audience {found:?} does not include {expected}")]
    WrongAudience {
        /// What the token says.
        found: Vec<String>,
        /// Our client ID.
        expected: String,
    },
    /// The token has expired.
    #[error("token expired at {exp}")]
    Expired {
        /// Its expiry.
        exp: i64,
    },
    /// The token is not valid yet, or was issued in the future.
    #[error("token not valid before {at}")]
    NotYetValid {
        /// When it becomes valid.
        at: i64,
    },
    /// Issued too long ago to be the answer to this login.
    #[error("token issued at {iat}, too long ago")]
    TooOld {
        /// Its issue time.
        iat: i64,
    },
    /// The nonce is missing or not ours: a token replayed from another login.
    #[error("nonce does not match this login")]
    NonceMismatch,
    /// No subject.
    #[error("token has no subject")]
    NoSubject,
}

impl OidcError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongIssuer { .. } => "oidc_wrong_issuer",
            Self::WrongAudience { .. } => "oidc_wrong_audience",
            Self::Expired { .. } => "oidc_token_expired",
            Self::NotYetValid { .. } => "oidc_token_not_yet_valid",
            Self::TooOld { .. } => "oidc_token_too_old",
            Self::NonceMismatch => "oidc_nonce_mismatch",
            Self::NoSubject => "oidc_token_invalid",
        }
    }

    /// For the person logging in.
    pub fn message_vi(&self) -> &'static str {
        match self {
            Self::WrongIssuer { .. } => {
                "Mã xác thực không do nhà cung cấp định danh đã cấu hình phát hành"
            }
            Self::WrongAudience { .. } => "Mã xác thực được cấp cho một hệ thống khác",
            Self::Expired { .. } => "Mã xác thực đã hết hạn. Vui lòng đăng nhập lại.",
            Self::NotYetValid { .. } => {
                "Mã xác thực chưa có hiệu lực (đồng hồ hệ thống lệch). Vui lòng thử lại."
            }
            Self::TooOld { .. } => "Mã xác thực đã cấp quá lâu. Vui lòng đăng nhập lại.",
            Self::NonceMismatch => "Mã xác thực không thuộc phiên đăng nhập này",
            Self::NoSubject => "Mã xác thực không hợp lệ",
        }
    }
}

/// Checks issuer, audience, authorised party, expiry, validity start, age and nonce.
pub fn check_claims(c: &IdClaims, e: &Expected<'_>) -> Result<(), OidcError> {
    if c.iss != e.issuer {
        return Err(OidcError::WrongIssuer {
            found: c.iss.clone(),
            expected: e.issuer.to_owned(),
        });
    }
    let azp_ok = match &c.azp {
        Some(azp) => azp == e.client_id,
        None => c.aud.len() == 1,
    };
    if !c.aud.iter().any(|a| a == e.client_id) || !azp_ok {
        return Err(OidcError::WrongAudience {
            found: c.aud.clone(),
            expected: e.client_id.to_owned(),
        });
    }
    if c.exp + e.leeway <= e.now {
        return Err(OidcError::Expired { exp: c.exp });
    }
    if let Some(at) = c
        .nbf
        .into_iter()
        .chain(c.iat)
        .find(|&t| t > e.now + e.leeway)
    {
        return Err(OidcError::NotYetValid { at });
    }
    if let Some(iat) = c.iat.filter(|&iat| iat + e.max_age < e.now) {
        return Err(OidcError::TooOld { iat });
    }
    // Compared in full; the nonce is random and single-use, so timing tells nothing.
    if c.nonce.as_deref() != Some(e.nonce) {
        return Err(OidcError::NonceMismatch);
    }
    if c.sub.trim().is_empty() {
        return Err(OidcError::NoSubject);
    }
    Ok(())
}

/// Which claims carry which personal data, per provider (settings).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimNames {
    /// Full name.
    pub name: String,
    /// Personal identification number (số định danh cá nhân).
    pub id_number: String,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        ClaimNames {
            name: "name".to_owned(),
            id_number: "citizen_id".to_owned(),
            phone: "phone_number".to_owned(),
            email: "email".to_owned(),
        }
    }
}

/// The person a verified token describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The provider's subject.
    pub subject: String,
    /// Full name (NFC), if given.
    pub full_name: Option<String>,
    /// Identity number, if given and well-formed (12 digits).
    pub id_number: Option<String>,
    /// Phone, if given.
    pub phone: Option<String>,
    /// E-mail, if given.
    pub email: Option<String>,
}

impl Identity {
    /// Reads the personal data out of checked claims.
    pub fn from_claims(c: &IdClaims, names: &ClaimNames) -> Self {
        let text = |key: &str| {
            c.other
                .get(key)
                .and_then(Value::as_str)
                .map(|s| crate::text::nfc(s.trim()))
                .filter(|s| !s.is_empty())
        };
        Identity {
            subject: c.sub.clone(),
            full_name: text(&names.name),
            id_number: text(&names.id_number)
                .filter(|n| n.len() == 12 && n.bytes().all(|b| b.is_ascii_digit())),
            phone: text(&names.phone),
            email: text(&names.email),
        }
    }

    /// The username a first login creates: the provider's ID and the identity number
    /// (or, without one, a digest of the subject, which providers keep stable).
    pub fn username(&self, provider: &str) -> String {
        match &self.id_number {
            Some(n) => format!("{provider}-{n}"),
            None => {
                use sha2::{Digest, Sha256};
                let d = hex::encode(Sha256::digest(self.subject.as_bytes()));
                format!("{provider}-{}", d.get(..16).unwrap_or(&d))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> IdClaims {
        serde_json::from_value(serde_json::json!({
            "iss": "https://id.example", "sub": "u1", "aud": "motcua",
            "exp": 1_000_600, "iat": 1_000_000, "nonce": "n1",
            "name": "Nguyễn Văn A", "citizen_id": "001090001234"
        }))
        .unwrap()
    }

    fn expected() -> Expected<'static> {
        Expected {
            issuer: "https://id.example",
            client_id: "motcua",
            nonce: "n1",
            now: 1_000_100,
            leeway: 60,
            max_age: 600,
        }
    }

    #[test]
    fn a_good_token_passes_and_yields_the_person() {
        check_claims(&claims(), &expected()).unwrap();
        let id = Identity::from_claims(&claims(), &ClaimNames::default());
        assert_eq!(id.id_number.as_deref(), Some("001090001234"));
        assert_eq!(id.username("vneid"), "vneid-001090001234");
    }

    #[test]
    fn each_wrong_claim_has_its_own_code() {
        type Change = Box<dyn Fn(&mut IdClaims)>;
        let cases: Vec<(Change, &str)> = vec![
            (
                Box::new(|c| c.iss = "https://evil".into()),
                "oidc_wrong_issuer",
            ),
            (
                Box::new(|c| c.aud = vec!["other".into()]),
                "oidc_wrong_audience",
            ),
            (
                Box::new(|c| c.aud = vec!["motcua".into(), "other".into()]),
                "oidc_wrong_audience",
            ),
            (Box::new(|c| c.exp = 1_000_000), "oidc_token_expired"),
            (
                Box::new(|c| c.nbf = Some(1_002_000)),
                "oidc_token_not_yet_valid",
            ),
            (Box::new(|c| c.iat = Some(990_000)), "oidc_token_too_old"),
            (Box::new(|c| c.nonce = None), "oidc_nonce_mismatch"),
            (
                Box::new(|c| c.nonce = Some("n2".into())),
                "oidc_nonce_mismatch",
            ),
            (Box::new(|c| c.sub = " ".into()), "oidc_token_invalid"),
        ];
        for (change, code) in cases {
            let mut c = claims();
            change(&mut c);
            assert_eq!(check_claims(&c, &expected()).unwrap_err().code(), code);
        }
        // Several audiences are fine when we are the authorised party.
        let mut c = claims();
        c.aud = vec!["motcua".into(), "other".into()];
        c.azp = Some("motcua".into());
        check_claims(&c, &expected()).unwrap();
    }

    #[test]
    fn a_malformed_identity_number_is_not_taken() {
        let mut c = claims();
        c.other.insert("citizen_id".into(), "12345".into());
        let id = Identity::from_claims(&c, &ClaimNames::default());
        assert_eq!(id.id_number, None);
        assert!(id.username("vneid").starts_with("vneid-"));
        assert_eq!(id.username("vneid").len(), "vneid-".len() + 16);
    }
}
