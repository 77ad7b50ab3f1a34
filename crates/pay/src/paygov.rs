//! The national online payment platform for public services (Nền tảng thanh toán
//! trực tuyến, pay.gov.vn; spec/payments.md §4).
//!
//! What is confirmed: the platform (built by NAPAS for the Ministry of Information and
//! Communications) does not hold money itself; a one-stop system redirects the citizen
//! to its payment page, the citizen picks a bank or intermediary there and pays, and
//! is returned to a result page.
//!
//! **Everything about the wire protocol below is \[U\] unconfirmed**: no technical
//! specification is public. This adapter is a plausible design so that the rest of
//! the system (orders, callbacks, replies, the simulator) can be built and tested
//! now; when the real specification is obtained, change [`field`], [`status`],
//! [`VERSION`], [`sign`] and [`rsp_code`], which hold every protocol detail.
//!
//! The designed protocol, each point \[U\] unconfirmed:
//! - Checkout: a browser redirect (GET) to the platform's payment page with the query
//!   fields [`field::VERSION`], [`field::MERCHANT`], [`field::PAYMENT_ID`] (our
//!   payment reference), optionally [`field::DOSSIER`] (the dossier code, §4's
//!   "create call keyed by our payment id + dossier code"), [`field::AMOUNT`] (whole
//!   đồng, no ×100), [`field::CURRENCY`], [`field::DESCRIPTION`],
//!   [`field::RETURN_URL`], [`field::CLIENT_IP`], [`field::LOCALE`],
//!   [`field::CREATE_TIME`] and [`field::EXPIRE_TIME`] (`yyyyMMddHHmmss`, GMT+7),
//!   and [`field::CHECKSUM`].
//! - Signature: the known fields present (all of [`field::SIGNED`]), sorted by name,
//!   each name and value form-URL-encoded as PHP's `urlencode` does, joined
//!   `k=v&k=v`; the checksum is the lowercase hex HMAC-SHA256 of that string under
//!   the secret the platform issues to the merchant. Encoding before joining keeps a
//!   value containing `&` or `=` from shifting field boundaries.
//! - Callback: the same shape, to our notification address (server to server) and
//!   to the return address (browser): merchant, payment id, dossier code if it was
//!   sent, [`field::TRANSACTION_ID`], amount, [`field::STATUS`] (see [`status`]),
//!   [`field::BANK`], [`field::PAY_TIME`], checksum.
//! - Reply to a notification: JSON `{"code":"00","message":"…"}`, codes as
//!   [`rsp_code`] lists.

use std::fmt;

use chrono::NaiveDateTime;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::gateway::{Callback, Gateway, GatewayError, IpnOutcome, PayRequest, Reply, Verdict};
use crate::vnpay::{
    encode_pairs, format_date, is_http_url, join_url, malformed, optional, parse_date,
    parse_digits, repeated_key, required, unsendable,
};

/// The id stored with every payment through the platform.
pub const ID: &str = "paygov";
/// The protocol version sent in [`field::VERSION`]. \[U\] unconfirmed.
pub const VERSION: &str = "1.0";
/// The only currency.
pub const CURRENCY: &str = "VND";
/// The largest amount accepted, in đồng. \[U\] unconfirmed: chosen to fit 12 digits, as
/// VNPAY's field does.
pub const MAX_AMOUNT_VND: i64 = 999_999_999_999;

/// Every parameter name of the protocol, in one place. All \[U\] unconfirmed.
pub mod field {
    /// Protocol version.
    pub const VERSION: &str = "version";
    /// The merchant (receiving unit's collection account) code the platform issues.
    pub const MERCHANT: &str = "merchant_code";
    /// Our payment reference.
    pub const PAYMENT_ID: &str = "payment_id";
    /// The dossier code (mã hồ sơ), when the caller has one.
    pub const DOSSIER: &str = "dossier_code";
    /// Amount in whole đồng.
    pub const AMOUNT: &str = "amount";
    /// Currency, `VND`.
    pub const CURRENCY: &str = "currency";
    /// What is paid for, ASCII without tones.
    pub const DESCRIPTION: &str = "description";
    /// Where the browser comes back to.
    pub const RETURN_URL: &str = "return_url";
    /// The citizen's IP address.
    pub const CLIENT_IP: &str = "client_ip";
    /// `vn` or `en`.
    pub const LOCALE: &str = "locale";
    /// When the order was created, `yyyyMMddHHmmss` GMT+7.
    pub const CREATE_TIME: &str = "create_time";
    /// After when the platform must refuse the payment, `yyyyMMddHHmmss` GMT+7.
    pub const EXPIRE_TIME: &str = "expire_time";
    /// The platform's transaction id (callback).
    pub const TRANSACTION_ID: &str = "transaction_id";
    /// The result code (callback), see [`super::status`].
    pub const STATUS: &str = "status";
    /// The paying bank or intermediary (callback).
    pub const BANK: &str = "bank_code";
    /// When it was paid, `yyyyMMddHHmmss` GMT+7 (callback).
    pub const PAY_TIME: &str = "pay_time";
    /// The signature.
    pub const CHECKSUM: &str = "checksum";

    /// The fields the checksum covers when present: every field above but the
    /// checksum. Parameters outside this list (our own return-URL query, say) are
    /// neither signed nor read.
    pub const SIGNED: &[&str] = &[
        VERSION,
        MERCHANT,
        PAYMENT_ID,
        DOSSIER,
        AMOUNT,
        CURRENCY,
        DESCRIPTION,
        RETURN_URL,
        CLIENT_IP,
        LOCALE,
        CREATE_TIME,
        EXPIRE_TIME,
        TRANSACTION_ID,
        STATUS,
        BANK,
        PAY_TIME,
    ];
}

/// The callback's result codes. All \[U\] unconfirmed.
pub mod status {
    /// Paid.
    pub const PAID: &str = "00";
    /// Not finished yet.
    pub const PENDING: &str = "01";
    /// Failed (funds, authentication, bank…).
    pub const FAILED: &str = "02";
    /// The citizen cancelled.
    pub const CANCELLED: &str = "03";
    /// Money taken but held for review by the platform or the bank. Not in the
    /// brief's list (`00`–`03`): added so a held payment has a code of its own
    /// instead of passing for paid or failed.
    pub const UNDER_REVIEW: &str = "04";
}

type HmacSha256 = Hmac<Sha256>;

/// A merchant registered with the national payment platform.
///
/// `Debug` leaves the secret out, so the configuration can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct PayGov {
    /// The merchant code the platform issued.
    pub merchant_code: String,
    /// The signing secret the platform issued with the merchant code.
    pub(crate) secret: String,
    /// The platform's payment page.
    pub pay_url: String,
}

impl fmt::Debug for PayGov {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayGov")
            .field("merchant_code", &self.merchant_code)
            .field("secret", &"<redacted>")
            .field("pay_url", &self.pay_url)
            .finish()
    }
}

impl PayGov {
    /// A merchant.
    pub fn new(
        merchant_code: impl Into<String>,
        secret: impl Into<String>,
        pay_url: impl Into<String>,
    ) -> Self {
        PayGov {
            merchant_code: merchant_code.into(),
            secret: secret.into(),
            pay_url: pay_url.into(),
        }
    }

    /// The signed query pairs of a checkout, sorted, checksum last. The dossier code
    /// travels only when given: [`PayRequest`] has no field for it, so
    /// [`Gateway::checkout_url`] sends none and a caller that knows it uses
    /// [`PayGov::checkout_url_for_dossier`].
    pub fn checkout_params(
        &self,
        request: &PayRequest,
        dossier_code: Option<&str>,
    ) -> Result<Vec<(String, String)>, GatewayError> {
        check_request(request)?;
        let mut params: Vec<(String, String)> = vec![
            (field::VERSION.to_owned(), VERSION.to_owned()),
            (field::MERCHANT.to_owned(), self.merchant_code.clone()),
            (field::PAYMENT_ID.to_owned(), request.reference.clone()),
            (field::AMOUNT.to_owned(), request.amount_vnd.to_string()),
            (field::CURRENCY.to_owned(), CURRENCY.to_owned()),
            (field::DESCRIPTION.to_owned(), request.order_info.clone()),
            (field::RETURN_URL.to_owned(), request.return_url.clone()),
            (field::CLIENT_IP.to_owned(), request.client_ip.clone()),
            (field::LOCALE.to_owned(), request.locale.clone()),
            (
                field::CREATE_TIME.to_owned(),
                format_time(request.created_at),
            ),
            (
                field::EXPIRE_TIME.to_owned(),
                format_time(request.expires_at),
            ),
        ];
        if let Some(code) = dossier_code {
            if !is_dossier_code(code) {
                return Err(unsendable(
                    "the dossier code must be 1 to 50 ASCII letters, digits, '.', '-', '_' or '/'",
                ));
            }
            params.push((field::DOSSIER.to_owned(), code.to_owned()));
        }
        params.sort_by(|a, b| a.0.cmp(&b.0));
        let checksum = sign(&self.secret, &params);
        params.push((field::CHECKSUM.to_owned(), checksum));
        Ok(params)
    }

    /// The signed checkout address, carrying the dossier code when given.
    pub fn checkout_url_for_dossier(
        &self,
        request: &PayRequest,
        dossier_code: Option<&str>,
    ) -> Result<String, GatewayError> {
        let params = self.checkout_params(request, dossier_code)?;
        Ok(join_url(&self.pay_url, &encode_pairs(&params)))
    }
}

impl Gateway for PayGov {
    fn id(&self) -> &'static str {
        ID
    }

    fn name(&self) -> &'static str {
        "Nền tảng thanh toán DVCQG"
    }

    fn checkout_url(&self, request: &PayRequest) -> Result<String, GatewayError> {
        self.checkout_url_for_dossier(request, None)
    }

    fn verify(&self, params: &[(String, String)]) -> Result<Callback, GatewayError> {
        verify_signature(&self.secret, params)?;
        if required(params, field::MERCHANT)? != self.merchant_code {
            return Err(malformed(field::MERCHANT));
        }
        let reference = required(params, field::PAYMENT_ID)?.to_owned();
        let provider_txn = required(params, field::TRANSACTION_ID)?.to_owned();
        let amount_vnd = parse_amount(required(params, field::AMOUNT)?)?;
        let response_code = required(params, field::STATUS)?.to_owned();
        // An unknown code from a correctly signed callback means our reading of the
        // protocol is wrong: refuse it (the platform retries, an operator sees it)
        // rather than guess a state for the order.
        let verdict = verdict(&response_code).ok_or_else(|| malformed(field::STATUS))?;
        let bank_code = optional(params, field::BANK).map(str::to_owned);
        let pay_time = optional(params, field::PAY_TIME)
            .map(|text| parse_time(text).ok_or_else(|| malformed(field::PAY_TIME)))
            .transpose()?;
        let paid_at = pay_time.filter(|_| verdict.money_moved());
        Ok(Callback {
            provider: ID,
            reference,
            provider_txn,
            amount_vnd,
            verdict,
            response_code,
            bank_code,
            paid_at,
        })
    }

    fn reply(&self, outcome: IpnOutcome) -> Reply {
        let (code, message) = rsp_code(outcome);
        // Fixed strings without quotes or backslashes: no escaping needed.
        Reply {
            content_type: "application/json",
            body: format!(r#"{{"code":"{code}","message":"{message}"}}"#),
        }
    }
}

/// The reply code and message for each notification outcome. \[U\] unconfirmed: the
/// codes mirror VNPAY's, which the platform's intermediaries already use.
pub fn rsp_code(outcome: IpnOutcome) -> (&'static str, &'static str) {
    match outcome {
        IpnOutcome::Confirmed => ("00", "Xác nhận thành công"),
        IpnOutcome::OrderNotFound => ("01", "Không tìm thấy giao dịch"),
        IpnOutcome::AlreadyConfirmed => ("02", "Giao dịch đã được xác nhận"),
        IpnOutcome::InvalidAmount => ("04", "Số tiền không hợp lệ"),
        IpnOutcome::InvalidSignature => ("97", "Chữ ký không hợp lệ"),
        IpnOutcome::Unknown => ("99", "Lỗi không xác định"),
    }
}

/// What a callback's [`field::STATUS`] means, `None` for a code outside [`status`].
pub fn verdict(code: &str) -> Option<Verdict> {
    match code {
        status::PAID => Some(Verdict::Paid),
        status::PENDING => Some(Verdict::Pending),
        status::FAILED => Some(Verdict::Failed),
        status::CANCELLED => Some(Verdict::Cancelled),
        status::UNDER_REVIEW => Some(Verdict::Suspicious),
        _ => None,
    }
}

/// The Vietnamese meaning of a result code.
pub fn status_vi(code: &str) -> &'static str {
    match code {
        status::PAID => "Thanh toán thành công.",
        status::PENDING => "Giao dịch đang xử lý.",
        status::FAILED => "Thanh toán không thành công.",
        status::CANCELLED => "Người nộp đã hủy giao dịch.",
        status::UNDER_REVIEW => "Đã trừ tiền, giao dịch đang được kiểm tra.",
        _ => "Mã kết quả không xác định.",
    }
}

/// The string the checksum covers: the [`field::SIGNED`] pairs present, sorted by
/// name (then value), both sides form-URL-encoded (PHP `urlencode`), `k=v&k=v`.
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut signed: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, _)| field::SIGNED.contains(k))
        .collect();
    signed.sort_unstable();
    encode_pairs(&signed)
}

/// The checksum: lowercase hex HMAC-SHA256 of [`canonical_query`] under the secret.
pub fn sign<K: AsRef<str>, V: AsRef<str>>(secret: &str, params: &[(K, V)]) -> String {
    match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(canonical_query(params).as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length, so this never happens; an empty checksum
        // would simply never verify.
        Err(_) => String::new(),
    }
}

/// Checks the checksum in constant time; a missing checksum or a repeated signed
/// field is refused.
pub(crate) fn verify_signature(
    secret: &str,
    params: &[(String, String)],
) -> Result<(), GatewayError> {
    if let Some(name) = repeated_key(params, |k| {
        field::SIGNED.contains(&k) || k == field::CHECKSUM
    }) {
        return Err(GatewayError::Malformed { field: name });
    }
    let given = optional(params, field::CHECKSUM).ok_or(GatewayError::BadSignature)?;
    let given = hex::decode(given).map_err(|_| GatewayError::BadSignature)?;
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| GatewayError::BadSignature)?;
    mac.update(canonical_query(params).as_bytes());
    mac.verify_slice(&given)
        .map_err(|_| GatewayError::BadSignature)
}

/// An amount field: whole đồng, digits only, positive, within [`MAX_AMOUNT_VND`].
pub fn parse_amount(text: &str) -> Result<i64, GatewayError> {
    match parse_digits(text) {
        Some(amount) if amount > 0 && amount <= MAX_AMOUNT_VND => Ok(amount),
        _ => Err(malformed(field::AMOUNT)),
    }
}

/// A plausible dossier code: one-stop codes look like `H12.34-250314-0001`.
fn is_dossier_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 50
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'/'))
}

/// What the platform would refuse (limits \[U\] unconfirmed; VNPAY's, as the
/// platform's intermediaries impose them anyway).
fn check_request(request: &PayRequest) -> Result<(), GatewayError> {
    let reference = &request.reference;
    if reference.is_empty()
        || reference.len() > 50
        || !reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(unsendable(
            "the reference must be 1 to 50 ASCII letters, digits, '-', '_' or '.'",
        ));
    }
    if request.amount_vnd <= 0 || request.amount_vnd > MAX_AMOUNT_VND {
        return Err(unsendable(
            "the amount must be positive and at most 12 digits",
        ));
    }
    let info = &request.order_info;
    if info.trim().is_empty()
        || info.len() > 255
        || !info.bytes().all(|b| (0x20..0x7f).contains(&b))
    {
        return Err(unsendable(
            "the order description must be 1 to 255 ASCII characters without tones",
        ));
    }
    if !matches!(request.locale.as_str(), "vn" | "en") {
        return Err(unsendable("the locale must be 'vn' or 'en'"));
    }
    if !is_http_url(&request.return_url) {
        return Err(unsendable("the return URL must be an http(s) address"));
    }
    if request.client_ip.is_empty()
        || !request
            .client_ip
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || matches!(b, b'.' | b':'))
    {
        return Err(unsendable("the client IP address is missing or malformed"));
    }
    if request.expires_at <= request.created_at {
        return Err(unsendable("the order expires before it is created"));
    }
    Ok(())
}

/// Reads a platform date-time, the same `yyyyMMddHHmmss` layout as VNPAY's. \[U\] unconfirmed.
pub fn parse_time(text: &str) -> Option<NaiveDateTime> {
    parse_date(text)
}

/// Writes a platform date-time (see [`parse_time`]). \[U\] unconfirmed.
pub fn format_time(at: NaiveDateTime) -> String {
    format_date(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_table() {
        assert_eq!(verdict("00"), Some(Verdict::Paid));
        assert_eq!(verdict("01"), Some(Verdict::Pending));
        assert_eq!(verdict("02"), Some(Verdict::Failed));
        assert_eq!(verdict("03"), Some(Verdict::Cancelled));
        assert_eq!(verdict("04"), Some(Verdict::Suspicious));
        assert_eq!(verdict("05"), None);
        assert_eq!(verdict(""), None);
    }

    #[test]
    fn reply_bodies_are_json() {
        let g = PayGov::new("UBND-HN-01", "s", "https://pay.example/checkout");
        let r = g.reply(IpnOutcome::Confirmed);
        assert_eq!(r.content_type, "application/json");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(v["code"], "00");
        let v: serde_json::Value =
            serde_json::from_str(&g.reply(IpnOutcome::InvalidSignature).body).unwrap();
        assert_eq!(v["code"], "97");
    }

    #[test]
    fn debug_hides_the_secret() {
        let g = PayGov::new("UBND-HN-01", "TOPSECRET", "https://pay.example/checkout");
        assert!(!format!("{g:?}").contains("TOPSECRET"));
    }

    #[test]
    fn amounts_are_whole_dong() {
        assert_eq!(parse_amount("150000").unwrap(), 150_000);
        for bad in ["0", "-1", "1.5", "", "1000000000000"] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }
}
