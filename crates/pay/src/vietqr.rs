//! VietQR payloads (mã VietQR): the text inside the QR code a citizen scans with a
//! banking app to transfer a fee over NAPAS 247 (spec/payments.md §1).
//!
//! The payload is EMVCo merchant-presented mode: a flat run of TLV objects (2-digit
//! ID, 2-digit length, value), with templates 38 and 62 nesting more TLVs, root IDs
//! ascending and a CRC last. We write exactly the layout the common generators
//! write, so every banking app reads it:
//!
//! ```text
//! 00 01 | 01 11 or 12 | 38 ( 00 A000000727 | 01 ( 00 BIN | 01 account ) | 02 QRIBFTTA ) |
//! 53 704 | [54 amount] | 58 VN | [62 ( 08 purpose )] | 63 CRC
//! ```
//!
//! Reading is strict about what we depend on (lengths, order, CRC, header, GUID,
//! currency, country) and tolerant of optional objects we do not use (52 merchant
//! category, 59 name, 60 city, other tag 62 sub-objects), because other generators
//! add them.
//!
//! Text is ASCII throughout: EMVCo counts lengths in characters and the CRC runs
//! over bytes, so a non-ASCII character would make the two disagree between
//! readers; purposes with Vietnamese tones go through [`purpose_ascii`] first.

use std::fmt;
use std::str::FromStr;

use unicode_normalization::UnicodeNormalization;

use crate::crc::crc_hex;

/// NAPAS's globally unique identifier, sub-object 00 of tag 38.
pub const NAPAS_GUID: &str = "A000000727";
/// ISO 4217 numeric code of the đồng, tag 53.
pub const CURRENCY_VND: &str = "704";
/// ISO 3166 country code, tag 58.
pub const COUNTRY_VN: &str = "VN";
/// Longest account or card number (EMVCo format ans 19).
pub const MAX_CONSUMER_ID_LEN: usize = 19;
/// Largest amount: EMVCo allows 13 characters in tag 54, and đồng have no decimals.
pub const MAX_AMOUNT: i64 = 9_999_999_999_999;
/// Purpose length the specification advises; longer ones work in some banking apps
/// only, so they draw a [`Warning`] instead of being cut.
pub const ADVISED_PURPOSE_LEN: usize = 25;
/// Longest purpose that fits at all: tag 62 holds at most 99 characters, of which
/// sub-object 08 uses 4 for its ID and length.
pub const MAX_PURPOSE_LEN: usize = 95;
/// Longest payload EMVCo allows.
pub const MAX_PAYLOAD_LEN: usize = 512;

/// The CRC object's ID and length, which the CRC covers.
const CRC_PREFIX: &str = "6304";

// Root IDs.
const ID_FORMAT: u8 = 0;
const ID_INITIATION: u8 = 1;
const ID_MERCHANT: u8 = 38;
const ID_CURRENCY: u8 = 53;
const ID_AMOUNT: u8 = 54;
const ID_COUNTRY: u8 = 58;
const ID_ADDITIONAL: u8 = 62;
const ID_CRC: u8 = 63;
// Sub-object IDs.
const SUB_GUID: u8 = 0;
const SUB_BENEFICIARY: u8 = 1;
const SUB_SERVICE: u8 = 2;
const SUB_BIN: u8 = 0;
const SUB_CONSUMER: u8 = 1;
const SUB_PURPOSE: u8 = 8;

/// Tones and vowel marks of Vietnamese as combining characters after canonical
/// decomposition: grave, acute, circumflex, tilde, breve, hook above, horn, dot below.
const VIETNAMESE_MARKS: [char; 8] = [
    '\u{300}', '\u{301}', '\u{302}', '\u{303}', '\u{306}', '\u{309}', '\u{31B}', '\u{323}',
];

/// Point of initiation (phương thức khởi tạo), tag 01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Initiation {
    /// `11`: reusable, no amount (a notice board at the one-stop desk).
    Static,
    /// `12`: one-off, with an amount (one fee of one dossier).
    Dynamic,
}

impl Initiation {
    /// The two digits written in tag 01.
    pub fn code(self) -> &'static str {
        match self {
            Self::Static => "11",
            Self::Dynamic => "12",
        }
    }

    /// Reads tag 01's value.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "11" => Some(Self::Static),
            "12" => Some(Self::Dynamic),
            _ => None,
        }
    }

    /// What generators choose: dynamic exactly when there is an amount.
    pub fn for_amount(amount: Option<i64>) -> Self {
        if amount.is_some() {
            Self::Dynamic
        } else {
            Self::Static
        }
    }
}

/// NAPAS service (dịch vụ), sub-object 02 of tag 38.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// `QRIBFTTA`: 24/7 interbank transfer to an account number.
    Account,
    /// `QRIBFTTC`: 24/7 interbank transfer to a domestic card number.
    Card,
}

impl Service {
    /// The code written in the payload.
    pub fn code(self) -> &'static str {
        match self {
            Self::Account => "QRIBFTTA",
            Self::Card => "QRIBFTTC",
        }
    }

    /// Reads the code; merchant (`QRPUSH`) and cash (`QRCASH`) services are out of scope.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "QRIBFTTA" => Some(Self::Account),
            "QRIBFTTC" => Some(Self::Card),
            _ => None,
        }
    }
}

/// A VietQR transfer: who receives, how much, and the note. Currency (704, đồng)
/// and country (VN) are always written and always checked, so they are not fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Payload {
    /// Static or dynamic; must be [`Initiation::Dynamic`] exactly when `amount` is
    /// set (the constructors keep it so; [`Payload::encode`] refuses a mismatch).
    pub initiation: Initiation,
    /// The receiving bank's 6-digit identification number (see [`crate::banks`]).
    pub bin: String,
    /// Account or card number: 1 to 19 ASCII letters or digits (digits only for a card).
    pub consumer_id: String,
    /// Whether `consumer_id` is an account or a card.
    pub service: Service,
    /// Amount in whole đồng, 1 to [`MAX_AMOUNT`]; `None` lets the payer type it.
    pub amount: Option<i64>,
    /// Transfer note (tag 62 sub-object 08): printable ASCII, 1 to
    /// [`MAX_PURPOSE_LEN`] characters; see [`purpose_ascii`] and [`Payload::warnings`].
    pub purpose: Option<String>,
}

impl Payload {
    /// A static payload for a transfer to an account.
    pub fn for_account(bin: impl Into<String>, account: impl Into<String>) -> Self {
        Self {
            initiation: Initiation::Static,
            bin: bin.into(),
            consumer_id: account.into(),
            service: Service::Account,
            amount: None,
            purpose: None,
        }
    }

    /// A static payload for a transfer to a domestic card.
    pub fn for_card(bin: impl Into<String>, card: impl Into<String>) -> Self {
        Self {
            service: Service::Card,
            ..Self::for_account(bin, card)
        }
    }

    /// Sets the amount (whole đồng), which makes the payload dynamic.
    pub fn with_amount(mut self, amount: i64) -> Self {
        self.amount = Some(amount);
        self.initiation = Initiation::Dynamic;
        self
    }

    /// Sets the transfer note as given; pass it through [`purpose_ascii`] first when
    /// it comes from people.
    pub fn with_purpose(mut self, purpose: impl Into<String>) -> Self {
        self.purpose = Some(purpose.into());
        self
    }

    /// Checks every field against the rules [`Payload::encode`] needs.
    pub fn validate(&self) -> Result<(), VietQrError> {
        check_bin(&self.bin)?;
        check_consumer_id(&self.consumer_id, self.service)?;
        if let Some(amount) = self.amount
            && !(1..=MAX_AMOUNT).contains(&amount)
        {
            return Err(VietQrError::AmountInvalid {
                found: amount.to_string(),
            });
        }
        if let Some(purpose) = &self.purpose {
            check_purpose(purpose)?;
        }
        if self.initiation != Initiation::for_amount(self.amount) {
            return Err(VietQrError::InitiationInvalid {
                found: self.initiation.code().to_owned(),
                has_amount: self.amount.is_some(),
            });
        }
        Ok(())
    }

    /// The payload text to put in the QR code, CRC included. Never shortens
    /// anything: a value that does not fit is an error.
    pub fn encode(&self) -> Result<String, VietQrError> {
        self.validate()?;

        let mut beneficiary = String::new();
        push_tlv(&mut beneficiary, SUB_BIN, "bin", &self.bin)?;
        push_tlv(
            &mut beneficiary,
            SUB_CONSUMER,
            "consumer_id",
            &self.consumer_id,
        )?;

        let mut merchant = String::new();
        push_tlv(&mut merchant, SUB_GUID, "guid", NAPAS_GUID)?;
        push_tlv(&mut merchant, SUB_BENEFICIARY, "beneficiary", &beneficiary)?;
        push_tlv(&mut merchant, SUB_SERVICE, "service", self.service.code())?;

        let mut out = String::new();
        push_tlv(&mut out, ID_FORMAT, "format", "01")?;
        push_tlv(
            &mut out,
            ID_INITIATION,
            "initiation",
            self.initiation.code(),
        )?;
        push_tlv(&mut out, ID_MERCHANT, "merchant", &merchant)?;
        push_tlv(&mut out, ID_CURRENCY, "currency", CURRENCY_VND)?;
        if let Some(amount) = self.amount {
            push_tlv(&mut out, ID_AMOUNT, "amount", &amount.to_string())?;
        }
        push_tlv(&mut out, ID_COUNTRY, "country", COUNTRY_VN)?;
        if let Some(purpose) = &self.purpose {
            let mut additional = String::new();
            push_tlv(&mut additional, SUB_PURPOSE, "purpose", purpose)?;
            push_tlv(&mut out, ID_ADDITIONAL, "purpose", &additional)?;
        }
        out.push_str(CRC_PREFIX);
        let crc = crc_hex(out.as_bytes());
        out.push_str(&crc);
        Ok(out)
    }

    /// Reads a payload strictly (see the module documentation). The checks run in
    /// this order, so the error says what to do: character set and size, then the
    /// CRC (a failure means a bad scan or a tampered code), then structure and
    /// fields (a failure means the generator is wrong, the CRC being fine).
    pub fn parse(text: &str) -> Result<Self, VietQrError> {
        verify_crc(text)?;
        let root = read_tlvs(text)?;
        let mut previous: Option<u8> = None;
        for tlv in &root {
            // Strictly ascending also rules out a repeated object.
            if previous.is_some_and(|p| p >= tlv.id) {
                return Err(malformed(format!(
                    "root object {:02} comes after {:02}",
                    tlv.id,
                    previous.unwrap_or_default()
                )));
            }
            previous = Some(tlv.id);
        }
        if root.last().map(|t| t.id) != Some(ID_CRC) {
            return Err(malformed("the CRC (63) is not the last object"));
        }

        let format = find(&root, ID_FORMAT).unwrap_or_default();
        if format != "01" {
            return Err(VietQrError::FormatInvalid {
                found: format.to_owned(),
            });
        }
        let initiation_code = find(&root, ID_INITIATION).unwrap_or_default();
        let amount_text = find(&root, ID_AMOUNT);
        let expected = if amount_text.is_some() {
            Initiation::Dynamic
        } else {
            Initiation::Static
        };
        let initiation = Initiation::from_code(initiation_code)
            .filter(|i| *i == expected)
            .ok_or_else(|| VietQrError::InitiationInvalid {
                found: initiation_code.to_owned(),
                has_amount: amount_text.is_some(),
            })?;

        let merchant = find(&root, ID_MERCHANT)
            .ok_or_else(|| malformed("no NAPAS merchant account object (38)"))?;
        let merchant = read_template(merchant, ID_MERCHANT)?;
        let guid = find_sub(&merchant, ID_MERCHANT, SUB_GUID)?.unwrap_or_default();
        if guid != NAPAS_GUID {
            return Err(VietQrError::Unsupported {
                field: "guid",
                found: guid.to_owned(),
            });
        }
        let beneficiary = find_sub(&merchant, ID_MERCHANT, SUB_BENEFICIARY)?
            .ok_or_else(|| malformed("no beneficiary (38-01)"))?;
        let beneficiary = read_template(beneficiary, ID_MERCHANT)?;
        let bin = find_sub(&beneficiary, ID_MERCHANT, SUB_BIN)?
            .ok_or_else(|| malformed("no bank BIN (38-01-00)"))?;
        let consumer_id = find_sub(&beneficiary, ID_MERCHANT, SUB_CONSUMER)?
            .ok_or_else(|| malformed("no account or card number (38-01-01)"))?;
        let service_code = find_sub(&merchant, ID_MERCHANT, SUB_SERVICE)?
            .ok_or_else(|| malformed("no service code (38-02)"))?;
        let service = Service::from_code(service_code).ok_or_else(|| VietQrError::Unsupported {
            field: "service",
            found: service_code.to_owned(),
        })?;
        check_bin(bin)?;
        check_consumer_id(consumer_id, service)?;

        let currency =
            find(&root, ID_CURRENCY).ok_or_else(|| malformed("no currency object (53)"))?;
        if currency != CURRENCY_VND {
            return Err(VietQrError::Unsupported {
                field: "currency",
                found: currency.to_owned(),
            });
        }
        let amount = amount_text.map(parse_amount).transpose()?;
        let country = find(&root, ID_COUNTRY).ok_or_else(|| malformed("no country object (58)"))?;
        if country != COUNTRY_VN {
            return Err(VietQrError::Unsupported {
                field: "country",
                found: country.to_owned(),
            });
        }
        let purpose = match find(&root, ID_ADDITIONAL) {
            Some(additional) => {
                let additional = read_template(additional, ID_ADDITIONAL)?;
                find_sub(&additional, ID_ADDITIONAL, SUB_PURPOSE)?
            }
            None => None,
        };
        if let Some(purpose) = purpose {
            check_purpose(purpose)?;
        }

        Ok(Self {
            initiation,
            bin: bin.to_owned(),
            consumer_id: consumer_id.to_owned(),
            service,
            amount,
            purpose: purpose.map(str::to_owned),
        })
    }

    /// Things that are allowed but may trouble some banking apps; shown to staff
    /// next to the QR code, never fixed silently.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut warnings = Vec::new();
        if let Some(purpose) = &self.purpose {
            let len = purpose.chars().count();
            if len > ADVISED_PURPOSE_LEN {
                warnings.push(Warning::PurposeLong { len });
            }
            if purpose
                .chars()
                .any(|c| c != ' ' && !c.is_ascii_alphanumeric())
            {
                warnings.push(Warning::PurposePunctuation);
            }
            if purpose.starts_with(' ') || purpose.ends_with(' ') || purpose.contains("  ") {
                warnings.push(Warning::PurposeSpacing);
            }
        }
        if self.service == Service::Card && !self.consumer_id.starts_with("9704") {
            warnings.push(Warning::CardNotDomestic);
        }
        warnings
    }
}

impl FromStr for Payload {
    type Err = VietQrError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Reads a payload; the same as [`Payload::parse`].
pub fn parse(text: &str) -> Result<Payload, VietQrError> {
    Payload::parse(text)
}

/// Checks only the CRC: the text must end in `6304` and four hex digits (either
/// case) that match the CRC of everything before them. Lets a caller tell a damaged
/// scan from a well-transmitted but badly generated code.
pub fn verify_crc(text: &str) -> Result<(), VietQrError> {
    check_text(text)?;
    let split = text
        .len()
        .checked_sub(4)
        .ok_or_else(|| malformed("too short to hold a CRC"))?;
    let (body, found) = match (text.get(..split), text.get(split..)) {
        (Some(body), Some(found)) => (body, found),
        _ => return Err(malformed("too short to hold a CRC")),
    };
    if !body.ends_with(CRC_PREFIX) {
        return Err(malformed(
            "the payload does not end with a CRC object (6304)",
        ));
    }
    if !found.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(malformed("the CRC is not 4 hex digits"));
    }
    let expected = crc_hex(body.as_bytes());
    if !expected.eq_ignore_ascii_case(found) {
        return Err(VietQrError::CrcMismatch {
            expected,
            found: found.to_owned(),
        });
    }
    Ok(())
}

/// One TLV object: a 2-digit ID and its value (a template's value holds more TLVs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The ID, 0 to 99.
    pub id: u8,
    /// The value, exactly as many characters as the length said.
    pub value: &'a str,
}

/// Splits ASCII text into TLV objects without interpreting them, so objects we do
/// not know are skipped rather than refused. Fails if an ID or length is not two
/// digits, a length is `00`, a value runs past the end, or the text is not ASCII.
pub fn read_tlvs(text: &str) -> Result<Vec<Tlv<'_>>, VietQrError> {
    if !text.is_ascii() {
        return Err(malformed("the payload is not ASCII"));
    }
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let head = rest
            .get(..4)
            .ok_or_else(|| malformed(format!("{rest:?} is too short for an ID and a length")))?;
        let (id, len) = match (two_digits(head.get(..2)), two_digits(head.get(2..))) {
            (Some(id), Some(len)) => (id, usize::from(len)),
            _ => {
                return Err(malformed(format!(
                    "{head:?} is not a 2-digit ID and a 2-digit length"
                )));
            }
        };
        if len == 0 {
            return Err(malformed(format!("object {id:02} has length 00")));
        }
        let value = rest.get(4..4 + len).ok_or_else(|| {
            malformed(format!(
                "object {id:02} says {len} characters but fewer remain"
            ))
        })?;
        out.push(Tlv { id, value });
        rest = rest.get(4 + len..).unwrap_or_default();
    }
    Ok(out)
}

/// Turns free text into a transfer note every banking app accepts: Vietnamese
/// tones and vowel marks removed (đ/Đ become d/D), ASCII letters and digits kept,
/// spaces, tabs and ASCII punctuation turned into single spaces (punctuation does
/// not survive every bank app), ends trimmed. Any other character (another script,
/// an emoji, a mark Vietnamese does not use) is an error rather than dropped, so a
/// note is never silently changed into something else. Never shortens the text;
/// see [`Payload::warnings`] for the length advice.
///
/// `"Lệ phí cấp GCN-QSDĐ, hồ sơ 1234."` → `"Le phi cap GCN QSDD ho so 1234"`.
pub fn purpose_ascii(text: &str) -> Result<String, VietQrError> {
    let mut out = String::with_capacity(text.len());
    // The letter a combining mark sits on: Vietnamese puts marks on vowels only,
    // so `ñ` (n + tilde) is refused instead of becoming `n`.
    let mut base: Option<char> = None;
    // Canonical decomposition makes precomposed (NFC) and combining (NFD, as macOS
    // and some keyboards produce) input equal, and splits each mark off its letter.
    for c in text.nfd() {
        if VIETNAMESE_MARKS.contains(&c) {
            if base.is_some_and(|b| "aeiouyAEIOUY".contains(b)) {
                continue;
            }
            return Err(VietQrError::PurposeInvalid { character: Some(c) });
        }
        base = Some(c);
        match c {
            'đ' => out.push('d'),
            'Đ' => out.push('D'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c if c.is_ascii() || c.is_whitespace() => out.push(' '),
            c => return Err(VietQrError::PurposeInvalid { character: Some(c) }),
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.is_empty() {
        return Err(VietQrError::PurposeInvalid { character: None });
    }
    Ok(out)
}

/// Something allowed that may still cause trouble; see [`Payload::warnings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Warning {
    /// The purpose is longer than the advised 25 characters; some apps cut or refuse it.
    PurposeLong {
        /// Its length in characters.
        len: usize,
    },
    /// The purpose has punctuation; whether every app keeps it is unconfirmed.
    PurposePunctuation,
    /// The purpose starts or ends with a space or has two in a row; apps may trim
    /// them, and a reference matched against the statement would then differ.
    PurposeSpacing,
    /// A card number that does not start with 9704, the domestic (NAPAS) card prefix.
    CardNotDomestic,
}

impl Warning {
    /// Stable code for clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::PurposeLong { .. } => "vietqr_purpose_long",
            Self::PurposePunctuation => "vietqr_purpose_punctuation",
            Self::PurposeSpacing => "vietqr_purpose_spacing",
            Self::CardNotDomestic => "vietqr_card_not_domestic",
        }
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::PurposeLong { len } => format!(
                "Nội dung chuyển khoản dài {len} ký tự, quá {ADVISED_PURPOSE_LEN} ký tự \
                 khuyến nghị: một số ứng dụng ngân hàng có thể cắt bớt hoặc từ chối."
            ),
            Self::PurposePunctuation => "Nội dung chuyển khoản có dấu câu hoặc ký hiệu: \
                 một số ứng dụng ngân hàng có thể bỏ đi."
                .to_owned(),
            Self::PurposeSpacing => "Nội dung chuyển khoản có khoảng trắng ở đầu, cuối \
                 hoặc hai khoảng trắng liền nhau: ứng dụng ngân hàng có thể xoá bớt."
                .to_owned(),
            Self::CardNotDomestic => "Số thẻ không bắt đầu bằng 9704 nên có thể không phải \
                 thẻ nội địa NAPAS."
                .to_owned(),
        }
    }
}

/// Why a payload could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VietQrError {
    /// The TLV structure is broken, objects are out of order, or a required object
    /// is missing.
    #[error("malformed VietQR payload: {reason}")]
    Malformed {
        /// What is wrong, in English for the log.
        reason: String,
    },
    /// The CRC does not match the content: a bad scan or a changed code.
    #[error("VietQR CRC mismatch: the payload says {found}, the content gives {expected}")]
    CrcMismatch {
        /// The CRC of the content.
        expected: String,
        /// The CRC written in the payload.
        found: String,
    },
    /// Payload format indicator (tag 00) missing or not `01`.
    #[error("VietQR payload format indicator is {found:?}, not \"01\"")]
    FormatInvalid {
        /// Its value (empty when missing).
        found: String,
    },
    /// Point of initiation (tag 01) missing, unknown, or not matching the amount
    /// (`12` exactly when there is an amount).
    #[error("VietQR point of initiation {found:?} is invalid (amount present: {has_amount})")]
    InitiationInvalid {
        /// Its value (empty when missing).
        found: String,
        /// Whether the payload has an amount.
        has_amount: bool,
    },
    /// Well formed but not a NAPAS 247 transfer in đồng in Viet Nam: another GUID,
    /// service, currency or country.
    #[error("unsupported VietQR {field}: {found:?}")]
    Unsupported {
        /// `guid`, `service`, `currency` or `country`.
        field: &'static str,
        /// The value found.
        found: String,
    },
    /// The bank identification number is not 6 digits.
    #[error("VietQR bank BIN {found:?} is not 6 digits")]
    BinInvalid {
        /// The value given.
        found: String,
    },
    /// The account or card number is empty, longer than 19, or has characters other
    /// than ASCII letters and digits (digits only for a card).
    #[error("VietQR account or card number {found:?} is invalid")]
    AccountInvalid {
        /// The value given.
        found: String,
    },
    /// The amount is not a whole number of đồng from 1 to 9,999,999,999,999
    /// written in plain digits.
    #[error("VietQR amount {found:?} is invalid")]
    AmountInvalid {
        /// The value given.
        found: String,
    },
    /// The purpose is empty or has a character that cannot be written.
    #[error("VietQR purpose is invalid: {}", describe_refused(.character))]
    PurposeInvalid {
        /// The first character refused; `None` when nothing is left.
        character: Option<char>,
    },
    /// A value cannot fit (never shortened for you).
    #[error("VietQR {field} is {len} characters, more than {max}")]
    TooLong {
        /// `purpose` or `payload`.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The most allowed.
        max: usize,
    },
}

impl VietQrError {
    /// Stable code for clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "vietqr_malformed",
            Self::CrcMismatch { .. } => "vietqr_crc_mismatch",
            Self::FormatInvalid { .. } => "vietqr_format_invalid",
            Self::InitiationInvalid { .. } => "vietqr_initiation_invalid",
            Self::Unsupported { .. } => "vietqr_unsupported",
            Self::BinInvalid { .. } => "vietqr_bin_invalid",
            Self::AccountInvalid { .. } => "vietqr_account_invalid",
            Self::AmountInvalid { .. } => "vietqr_amount_invalid",
            Self::PurposeInvalid { .. } => "vietqr_purpose_invalid",
            Self::TooLong { .. } => "vietqr_too_long",
        }
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Self::Malformed { .. } => "Mã QR không đúng cấu trúc VietQR.".to_owned(),
            Self::CrcMismatch { .. } => "Mã QR sai mã kiểm tra (CRC): có thể quét chưa đúng \
                 hoặc mã đã bị sửa. Vui lòng quét lại."
                .to_owned(),
            Self::FormatInvalid { found } => format!(
                "Mã QR có chỉ báo định dạng (trường 00) là “{found}” thay vì “01”: \
                 mã không đúng chuẩn VietQR."
            ),
            Self::InitiationInvalid { found, has_amount } => {
                let rule = if *has_amount {
                    "mã có số tiền phải là mã động (12)"
                } else {
                    "mã không có số tiền phải là mã tĩnh (11)"
                };
                format!(
                    "Mã QR có phương thức khởi tạo (trường 01) là “{found}” không hợp lệ: {rule}."
                )
            }
            Self::Unsupported { field, found } => {
                let what = match *field {
                    "guid" => "mã tổ chức (GUID)",
                    "service" => "mã dịch vụ",
                    "currency" => "mã tiền tệ",
                    "country" => "mã quốc gia",
                    other => other,
                };
                format!(
                    "Mã QR có {what} “{found}” không được hỗ trợ: chỉ nhận chuyển khoản \
                     NAPAS 247 bằng đồng Việt Nam."
                )
            }
            Self::BinInvalid { found } => {
                format!("Mã ngân hàng (BIN) “{found}” không hợp lệ: phải gồm đúng 6 chữ số.")
            }
            Self::AccountInvalid { found } => format!(
                "Số tài khoản hoặc số thẻ “{found}” không hợp lệ: từ 1 đến \
                 {MAX_CONSUMER_ID_LEN} chữ cái không dấu hoặc chữ số (số thẻ chỉ gồm chữ số)."
            ),
            Self::AmountInvalid { found } => format!(
                "Số tiền “{found}” không hợp lệ: phải là số đồng nguyên dương, \
                 tối đa 13 chữ số, không có dấu phân cách."
            ),
            Self::PurposeInvalid { character: Some(c) } => format!(
                "Nội dung chuyển khoản có ký tự “{c}” không dùng được trong mã VietQR: \
                 chỉ dùng chữ cái, chữ số và khoảng trắng."
            ),
            Self::PurposeInvalid { character: None } => {
                "Nội dung chuyển khoản đang trống.".to_owned()
            }
            Self::TooLong { field, len, max } => {
                let what = match *field {
                    "purpose" => "Nội dung chuyển khoản",
                    _ => "Mã QR",
                };
                format!("{what} dài {len} ký tự, vượt quá {max} ký tự cho phép.")
            }
        }
    }
}

impl fmt::Display for Initiation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// For the English error text: which character a purpose was refused for.
fn describe_refused(character: &Option<char>) -> String {
    match character {
        Some(c) => format!("character {c:?} is not allowed"),
        None => "nothing is left".to_owned(),
    }
}

fn malformed(reason: impl Into<String>) -> VietQrError {
    VietQrError::Malformed {
        reason: reason.into(),
    }
}

/// ASCII and at most [`MAX_PAYLOAD_LEN`]; checked before anything else reads it.
fn check_text(text: &str) -> Result<(), VietQrError> {
    if !text.is_ascii() {
        return Err(malformed("the payload is not ASCII"));
    }
    if text.len() > MAX_PAYLOAD_LEN {
        return Err(VietQrError::TooLong {
            field: "payload",
            len: text.len(),
            max: MAX_PAYLOAD_LEN,
        });
    }
    Ok(())
}

fn two_digits(s: Option<&str>) -> Option<u8> {
    let s = s?;
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Appends one TLV object; the callers have validated the value, so a failure here
/// means a template grew past 99 characters.
fn push_tlv(out: &mut String, id: u8, field: &'static str, value: &str) -> Result<(), VietQrError> {
    let len = value.len();
    if len == 0 || len > 99 {
        return Err(VietQrError::TooLong {
            field,
            len,
            max: 99,
        });
    }
    out.push_str(&format!("{id:02}{len:02}"));
    out.push_str(value);
    Ok(())
}

/// The value of root object `id`, if present (the root has no duplicates by then).
fn find<'a>(tlvs: &[Tlv<'a>], id: u8) -> Option<&'a str> {
    tlvs.iter().find(|t| t.id == id).map(|t| t.value)
}

/// Reads a template's value as TLVs, naming the template when it is broken.
fn read_template(value: &str, template: u8) -> Result<Vec<Tlv<'_>>, VietQrError> {
    read_tlvs(value).map_err(|e| match e {
        VietQrError::Malformed { reason } => {
            malformed(format!("in template {template:02}: {reason}"))
        }
        other => other,
    })
}

/// The value of sub-object `id` in a template; a repeated one is refused because
/// readers would disagree on which counts.
fn find_sub<'a>(tlvs: &[Tlv<'a>], template: u8, id: u8) -> Result<Option<&'a str>, VietQrError> {
    let mut found = tlvs.iter().filter(|t| t.id == id);
    let first = found.next();
    if found.next().is_some() {
        return Err(malformed(format!(
            "sub-object {id:02} appears twice in template {template:02}"
        )));
    }
    Ok(first.map(|t| t.value))
}

fn check_bin(bin: &str) -> Result<(), VietQrError> {
    if bin.len() == 6 && bin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(VietQrError::BinInvalid {
            found: bin.to_owned(),
        })
    }
}

fn check_consumer_id(id: &str, service: Service) -> Result<(), VietQrError> {
    let allowed = |b: u8| match service {
        Service::Account => b.is_ascii_alphanumeric(),
        Service::Card => b.is_ascii_digit(),
    };
    if (1..=MAX_CONSUMER_ID_LEN).contains(&id.len()) && id.bytes().all(allowed) {
        Ok(())
    } else {
        Err(VietQrError::AccountInvalid {
            found: id.to_owned(),
        })
    }
}

/// Printable ASCII (EMVCo "ans"), 1 to [`MAX_PURPOSE_LEN`] characters. Punctuation
/// passes here and is only warned about, so a payload another generator made
/// still reads and writes back the same.
fn check_purpose(purpose: &str) -> Result<(), VietQrError> {
    if let Some(c) = purpose.chars().find(|c| !matches!(c, ' '..='~')) {
        return Err(VietQrError::PurposeInvalid { character: Some(c) });
    }
    if purpose.is_empty() {
        return Err(VietQrError::PurposeInvalid { character: None });
    }
    if purpose.len() > MAX_PURPOSE_LEN {
        return Err(VietQrError::TooLong {
            field: "purpose",
            len: purpose.len(),
            max: MAX_PURPOSE_LEN,
        });
    }
    Ok(())
}

/// Tag 54 for đồng: digits only, no leading zero, no decimals, 1 to 13 digits.
fn parse_amount(text: &str) -> Result<i64, VietQrError> {
    let invalid = || VietQrError::AmountInvalid {
        found: text.to_owned(),
    };
    if text.is_empty()
        || text.len() > 13
        || text.starts_with('0')
        || !text.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(invalid());
    }
    text.parse::<i64>().map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends a correct CRC, for building test payloads by hand.
    fn with_crc(body: &str) -> String {
        let body = format!("{body}6304");
        let crc = crc_hex(body.as_bytes());
        format!("{body}{crc}")
    }

    const MERCHANT_ACB: &str = "38530010A0000007270123000697041601092576788590208QRIBFTTA";

    #[test]
    fn tlv_reader_splits_and_tolerates_unknown_ids() {
        let tlvs = read_tlvs("0002010102115204000099021A").unwrap();
        assert_eq!(
            tlvs,
            [
                Tlv { id: 0, value: "01" },
                Tlv { id: 1, value: "11" },
                Tlv {
                    id: 52,
                    value: "0000"
                },
                Tlv {
                    id: 99,
                    value: "1A"
                },
            ]
        );
        assert!(read_tlvs("").unwrap().is_empty());
    }

    #[test]
    fn tlv_reader_refuses_broken_framing() {
        for bad in [
            "000", "0003ab", "0000", "0A0201", "000A01", "0002é1", "000201x",
        ] {
            let err = read_tlvs(bad).unwrap_err();
            assert_eq!(err.code(), "vietqr_malformed", "{bad:?}");
        }
    }

    #[test]
    fn optional_objects_from_other_generators_are_tolerated() {
        let payload = with_crc(&format!(
            "000201010212{MERCHANT_ACB}52040000530370454031005802VN5908NGUYEN A6006HA NOI\
             623501051234505031230809CK le phi0702T1"
        ));
        let p = Payload::parse(&payload).unwrap();
        assert_eq!(
            p,
            Payload::for_account("970416", "257678859")
                .with_amount(100)
                .with_purpose("CK le phi")
        );
    }

    #[test]
    fn tag_62_without_purpose_reads_as_none() {
        let payload = with_crc(&format!(
            "000201010211{MERCHANT_ACB}53037045802VN62070703ABC"
        ));
        assert_eq!(Payload::parse(&payload).unwrap().purpose, None);
    }

    #[test]
    fn structural_errors() {
        let cases = [
            // Root out of order: 58 before 53.
            (
                with_crc(&format!("000201010211{MERCHANT_ACB}5802VN5303704")),
                "vietqr_malformed",
            ),
            // Repeated root object.
            (
                with_crc(&format!("000201010211{MERCHANT_ACB}530370453037045802VN")),
                "vietqr_malformed",
            ),
            // Missing country.
            (
                with_crc(&format!("000201010211{MERCHANT_ACB}5303704")),
                "vietqr_malformed",
            ),
            // Missing currency.
            (
                with_crc(&format!("000201010211{MERCHANT_ACB}5802VN")),
                "vietqr_malformed",
            ),
            // Missing merchant account.
            (with_crc("0002010102115303704"), "vietqr_malformed"),
            // Missing format indicator.
            (
                with_crc(&format!("010211{MERCHANT_ACB}53037045802VN")),
                "vietqr_format_invalid",
            ),
            // Missing point of initiation.
            (
                with_crc(&format!("000201{MERCHANT_ACB}53037045802VN")),
                "vietqr_initiation_invalid",
            ),
            // Unknown point of initiation.
            (
                with_crc(&format!("000201010213{MERCHANT_ACB}53037045802VN")),
                "vietqr_initiation_invalid",
            ),
            // Static with an amount.
            (
                with_crc(&format!("000201010211{MERCHANT_ACB}5303704540410005802VN")),
                "vietqr_initiation_invalid",
            ),
            // Other currency, other country.
            (
                with_crc(&format!("000201010211{MERCHANT_ACB}53038405802VN")),
                "vietqr_unsupported",
            ),
            (
                with_crc(&format!("000201010211{MERCHANT_ACB}53037045802US")),
                "vietqr_unsupported",
            ),
            // Another scheme's GUID.
            (
                with_crc(
                    "00020101021138530010A0000007750123000697041601092576788590208QRIBFTTA\
                     53037045802VN",
                ),
                "vietqr_unsupported",
            ),
            // Merchant service.
            (
                with_crc(
                    "00020101021138510010A0000007270123000697041601092576788590206QRPUSH\
                     53037045802VN",
                ),
                "vietqr_unsupported",
            ),
            // BIN of 5 digits.
            (
                with_crc(
                    "00020101021138520010A000000727012200059704101092576788590208QRIBFTTA\
                     53037045802VN",
                ),
                "vietqr_bin_invalid",
            ),
            // Account with a dash.
            (
                with_crc(
                    "00020101021138530010A0000007270123000697041601092576-88590208QRIBFTTA\
                     53037045802VN",
                ),
                "vietqr_account_invalid",
            ),
            // Amounts: leading zero, decimals, separators, zero.
            (
                with_crc(&format!(
                    "000201010212{MERCHANT_ACB}530370454060100005802VN"
                )),
                "vietqr_amount_invalid",
            ),
            (
                with_crc(&format!("000201010212{MERCHANT_ACB}5303704540401005802VN")),
                "vietqr_amount_invalid",
            ),
            (
                with_crc(&format!(
                    "000201010212{MERCHANT_ACB}530370454071000.505802VN"
                )),
                "vietqr_amount_invalid",
            ),
            (
                with_crc(&format!("000201010212{MERCHANT_ACB}530370454051,0005802VN")),
                "vietqr_amount_invalid",
            ),
            (
                with_crc(&format!("000201010212{MERCHANT_ACB}5303704540105802VN")),
                "vietqr_amount_invalid",
            ),
            // Purpose with a control character.
            (
                with_crc(&format!(
                    "000201010211{MERCHANT_ACB}53037045802VN62070803a\tb"
                )),
                "vietqr_purpose_invalid",
            ),
            // Purpose repeated inside 62.
            (
                with_crc(&format!(
                    "000201010211{MERCHANT_ACB}53037045802VN62100801a0801b"
                )),
                "vietqr_malformed",
            ),
            // Broken template 62.
            (
                with_crc(&format!("000201010211{MERCHANT_ACB}53037045802VN62050809a")),
                "vietqr_malformed",
            ),
        ];
        for (payload, code) in cases {
            let err = Payload::parse(&payload).unwrap_err();
            assert_eq!(err.code(), code, "{payload}: {err}");
            assert!(!err.message_vi().is_empty());
        }
    }

    #[test]
    fn crc_framing_errors() {
        let good = Payload::for_account("970416", "257678859")
            .encode()
            .unwrap();
        let cases = [
            String::new(),
            "6304".to_owned(),
            good.replace("6304", "6305"),
            format!("{good}00"),
            good.replace("AE9F", "AE9G"),
            "é".repeat(10),
        ];
        for payload in cases {
            let err = Payload::parse(&payload).unwrap_err();
            assert_eq!(err.code(), "vietqr_malformed", "{payload:?}: {err}");
        }
        let long = with_crc(&format!("000201010211{MERCHANT_ACB}{}", "9999".repeat(130)));
        assert_eq!(Payload::parse(&long).unwrap_err().code(), "vietqr_too_long");
    }

    #[test]
    fn crc_object_must_be_a_real_object() {
        // "6304" at the end of another object's value is not a CRC object.
        let payload = with_crc(&format!("000201010211{MERCHANT_ACB}53037045802VN9904"));
        let err = Payload::parse(&payload).unwrap_err();
        assert_eq!(err.code(), "vietqr_malformed", "{err}");
    }

    #[test]
    fn encode_validates_fields() {
        let base = Payload::for_account("970416", "257678859");
        let cases = [
            (
                Payload {
                    bin: "97041".into(),
                    ..base.clone()
                },
                "vietqr_bin_invalid",
            ),
            (
                Payload {
                    bin: "97041a".into(),
                    ..base.clone()
                },
                "vietqr_bin_invalid",
            ),
            (
                Payload {
                    consumer_id: String::new(),
                    ..base.clone()
                },
                "vietqr_account_invalid",
            ),
            (
                Payload {
                    consumer_id: "1".repeat(20),
                    ..base.clone()
                },
                "vietqr_account_invalid",
            ),
            (
                Payload {
                    consumer_id: "0123 456".into(),
                    ..base.clone()
                },
                "vietqr_account_invalid",
            ),
            (
                Payload::for_card("970416", "9704ABC"),
                "vietqr_account_invalid",
            ),
            (base.clone().with_amount(0), "vietqr_amount_invalid"),
            (base.clone().with_amount(-5), "vietqr_amount_invalid"),
            (
                base.clone().with_amount(MAX_AMOUNT + 1),
                "vietqr_amount_invalid",
            ),
            (
                Payload {
                    amount: Some(10),
                    ..base.clone()
                },
                "vietqr_initiation_invalid",
            ),
            (
                Payload {
                    initiation: Initiation::Dynamic,
                    ..base.clone()
                },
                "vietqr_initiation_invalid",
            ),
            (base.clone().with_purpose(""), "vietqr_purpose_invalid"),
            (
                base.clone().with_purpose("lệ phí"),
                "vietqr_purpose_invalid",
            ),
            (base.clone().with_purpose("a".repeat(96)), "vietqr_too_long"),
        ];
        for (payload, code) in cases {
            let err = payload.encode().unwrap_err();
            assert_eq!(err.code(), code, "{payload:?}: {err}");
        }
        assert!(base.clone().with_purpose("a".repeat(95)).encode().is_ok());
        assert!(base.with_amount(MAX_AMOUNT).encode().is_ok());
    }

    #[test]
    fn long_purpose_is_kept_whole_and_warned() {
        let purpose = "Le phi cap giay chung nhan quyen su dung dat MC0000004217";
        let p = Payload::for_account("970416", "257678859").with_purpose(purpose);
        let text = p.encode().unwrap();
        assert!(text.contains(purpose));
        assert_eq!(Payload::parse(&text).unwrap(), p);
        assert_eq!(p.warnings(), [Warning::PurposeLong { len: purpose.len() }]);
        assert_eq!(p.warnings()[0].code(), "vietqr_purpose_long");
    }

    #[test]
    fn other_warnings() {
        let p = Payload::for_account("970416", "1").with_purpose("MC-1");
        assert_eq!(p.warnings(), [Warning::PurposePunctuation]);
        let p = Payload::for_account("970416", "1").with_purpose(" MC1");
        assert_eq!(p.warnings(), [Warning::PurposeSpacing]);
        let p = Payload::for_card("970416", "4111111111111111");
        assert_eq!(p.warnings(), [Warning::CardNotDomestic]);
        let p = Payload::for_card("970416", "9704000000000018").with_purpose("MC0000004217");
        assert!(p.warnings().is_empty());
        for w in [
            Warning::PurposeLong { len: 30 },
            Warning::PurposePunctuation,
            Warning::PurposeSpacing,
            Warning::CardNotDomestic,
        ] {
            assert!(w.code().starts_with("vietqr_"));
            assert!(!w.message_vi().is_empty());
        }
    }

    #[test]
    fn card_service_round_trips() {
        let p = Payload::for_card("970415", "9704151234567890123").with_amount(50_000);
        let text = p.encode().unwrap();
        assert!(text.contains("0208QRIBFTTC"));
        assert_eq!(Payload::parse(&text).unwrap(), p);
    }

    #[test]
    fn purpose_ascii_strips_tones() {
        let cases = [
            ("ủng hộ lũ lụt", "ung ho lu lut"),
            (
                "Lệ phí cấp GCN-QSDĐ, hồ sơ 1234.",
                "Le phi cap GCN QSDD ho so 1234",
            ),
            ("ĐĂNG KÝ KẾT HÔN", "DANG KY KET HON"),
            ("Ơn  trời   mưa\tnắng", "On troi mua nang"),
            ("  Phường Bến Nghé  ", "Phuong Ben Nghe"),
            ("Nguyễn Thị Ánh Tuyết", "Nguyen Thi Anh Tuyet"),
            ("MC0000004217", "MC0000004217"),
            ("a\u{a0}b", "a b"),
        ];
        for (input, expected) in cases {
            assert_eq!(purpose_ascii(input).unwrap(), expected, "{input}");
            // Decomposed input (as macOS writes it) gives the same.
            let nfd: String = input.nfd().collect();
            assert_eq!(purpose_ascii(&nfd).unwrap(), expected, "{input} (NFD)");
        }
    }

    #[test]
    fn purpose_ascii_never_truncates() {
        let long = "Nộp lệ phí đăng ký hộ kinh doanh cho hồ sơ số MC0000004217 tại UBND phường";
        let out = purpose_ascii(long).unwrap();
        assert_eq!(out.len(), long.chars().count());
    }

    #[test]
    fn purpose_ascii_refuses_other_scripts() {
        let cases = [
            ("phí 😀", Some('😀')),
            ("北京", Some('北')),
            ("señor", Some('\u{303}')),
            ("Müller", Some('\u{308}')),
            ("façade", Some('\u{327}')),
            ("", None),
            (" .- ", None),
        ];
        for (input, character) in cases {
            let err = purpose_ascii(input).unwrap_err();
            assert_eq!(err, VietQrError::PurposeInvalid { character }, "{input}");
            assert_eq!(err.code(), "vietqr_purpose_invalid");
        }
    }

    #[test]
    fn every_error_has_a_code_and_a_message() {
        let errors = [
            malformed("x"),
            VietQrError::CrcMismatch {
                expected: "AE9F".into(),
                found: "AE9E".into(),
            },
            VietQrError::FormatInvalid { found: "00".into() },
            VietQrError::InitiationInvalid {
                found: "12".into(),
                has_amount: false,
            },
            VietQrError::InitiationInvalid {
                found: "11".into(),
                has_amount: true,
            },
            VietQrError::Unsupported {
                field: "guid",
                found: "x".into(),
            },
            VietQrError::Unsupported {
                field: "service",
                found: "x".into(),
            },
            VietQrError::Unsupported {
                field: "currency",
                found: "x".into(),
            },
            VietQrError::Unsupported {
                field: "country",
                found: "x".into(),
            },
            VietQrError::BinInvalid { found: "x".into() },
            VietQrError::AccountInvalid { found: "x".into() },
            VietQrError::AmountInvalid { found: "x".into() },
            VietQrError::PurposeInvalid {
                character: Some('é'),
            },
            VietQrError::PurposeInvalid { character: None },
            VietQrError::TooLong {
                field: "purpose",
                len: 96,
                max: 95,
            },
            VietQrError::TooLong {
                field: "payload",
                len: 600,
                max: 512,
            },
        ];
        for e in errors {
            let code = e.code();
            assert!(
                code.starts_with("vietqr_")
                    && code.bytes().all(|b| b == b'_' || b.is_ascii_lowercase())
            );
            assert!(!e.message_vi().is_empty());
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn codes_display() {
        assert_eq!(Initiation::Static.to_string(), "11");
        assert_eq!(Service::Card.to_string(), "QRIBFTTC");
        assert_eq!(Initiation::from_code("10"), None);
        assert_eq!(Service::from_code("QRCASH"), None);
    }
}
