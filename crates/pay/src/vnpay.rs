//! VNPAY payment gateway, API 2.1.0 (spec/payments.md §3).
//!
//! The citizen's browser is sent to VNPAY's `vpcpay.html` with a signed query; VNPAY
//! later calls our IPN address (server to server) and sends the browser back to the
//! return address, both with the same signed `vnp_*` fields.
//!
//! The signature is the part that has to be exactly right: drop `vnp_SecureHash` and
//! `vnp_SecureHashType`, sort the remaining `vnp_*` keys ascending, join
//! `key=value` pairs with `&` after encoding keys and values as PHP's `urlencode`
//! does (space → `+`, only `A-Z a-z 0-9 - _ .` kept, everything else `%XX` in
//! uppercase hex, `~` included), and take the lowercase hex HMAC-SHA512 of that
//! string under the terminal's hash secret. VNPAY's reference code is PHP, so its
//! encoder is the one we must agree with byte for byte; a value with a space, `:` or
//! `/` (the return URL) is where other encoders differ.
//!
//! Nothing here reads the clock or does I/O: times come in the request, and the web
//! layer does the redirecting and answering.

use std::fmt;

use chrono::NaiveDateTime;
use hmac::{Hmac, Mac};
use sha2::Sha512;

use crate::gateway::{Callback, Gateway, GatewayError, IpnOutcome, PayRequest, Reply, Verdict};

/// The id stored with every VNPAY payment.
pub const ID: &str = "vnpay";
/// The API version this adapter speaks.
pub const VERSION: &str = "2.1.0";
/// The only command used here: pay.
pub const COMMAND_PAY: &str = "pay";
/// The only currency VNPAY takes.
pub const CURRENCY: &str = "VND";
/// VNPAY's sandbox payment page.
pub const SANDBOX_URL: &str = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html";
/// The order type sent unless configured otherwise: VNPAY's catch-all category
/// (public-service fees have no category of their own in VNPAY's list).
pub const DEFAULT_ORDER_TYPE: &str = "other";
/// VNPAY's date-time layout (`yyyyMMddHHmmss`, Vietnam time, GMT+7).
pub const DATE_FORMAT: &str = "%Y%m%d%H%M%S";
/// The signature field.
pub const SECURE_HASH: &str = "vnp_SecureHash";
/// The hash-type field: not sent in 2.1.0, accepted on input only as HMAC-SHA512.
pub const SECURE_HASH_TYPE: &str = "vnp_SecureHashType";
/// The largest `vnp_Amount` field VNPAY accepts: `Numeric[1,12]`, i.e. 12 digits of
/// đồng × 100.
pub const MAX_AMOUNT_FIELD: i64 = 999_999_999_999;
/// The prefix of every field VNPAY signs.
const PREFIX: &str = "vnp_";

type HmacSha512 = Hmac<Sha512>;

/// A VNPAY merchant terminal.
///
/// `Debug` leaves the hash secret out, so the configuration can be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct VnPay {
    /// The terminal code VNPAY issued (`vnp_TmnCode`, 8 characters).
    pub tmn_code: String,
    /// The hash secret VNPAY issued with the terminal.
    pub(crate) hash_secret: String,
    /// The payment page, e.g. [`SANDBOX_URL`].
    pub pay_url: String,
    /// `vnp_OrderType`, [`DEFAULT_ORDER_TYPE`] unless changed.
    pub order_type: String,
}

impl fmt::Debug for VnPay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VnPay")
            .field("tmn_code", &self.tmn_code)
            .field("hash_secret", &"<redacted>")
            .field("pay_url", &self.pay_url)
            .field("order_type", &self.order_type)
            .finish()
    }
}

impl VnPay {
    /// A terminal with the default order type.
    pub fn new(
        tmn_code: impl Into<String>,
        hash_secret: impl Into<String>,
        pay_url: impl Into<String>,
    ) -> Self {
        VnPay {
            tmn_code: tmn_code.into(),
            hash_secret: hash_secret.into(),
            pay_url: pay_url.into(),
            order_type: DEFAULT_ORDER_TYPE.to_owned(),
        }
    }

    /// The same terminal with another `vnp_OrderType`.
    #[must_use]
    pub fn with_order_type(mut self, order_type: impl Into<String>) -> Self {
        self.order_type = order_type.into();
        self
    }

    /// The signed query pairs of a pay request, sorted, `vnp_SecureHash` last: what
    /// [`Gateway::checkout_url`] puts after the `?`.
    pub fn checkout_params(
        &self,
        request: &PayRequest,
    ) -> Result<Vec<(String, String)>, GatewayError> {
        check_request(request)?;
        let amount = amount_field(request.amount_vnd)?;
        let mut params: Vec<(String, String)> = [
            ("vnp_Version", VERSION.to_owned()),
            ("vnp_Command", COMMAND_PAY.to_owned()),
            ("vnp_TmnCode", self.tmn_code.clone()),
            ("vnp_Amount", amount),
            ("vnp_CurrCode", CURRENCY.to_owned()),
            ("vnp_TxnRef", request.reference.clone()),
            ("vnp_OrderInfo", request.order_info.clone()),
            ("vnp_OrderType", self.order_type.clone()),
            ("vnp_Locale", request.locale.clone()),
            ("vnp_ReturnUrl", request.return_url.clone()),
            ("vnp_IpAddr", request.client_ip.clone()),
            ("vnp_CreateDate", format_date(request.created_at)),
            ("vnp_ExpireDate", format_date(request.expires_at)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        params.sort_by(|a, b| a.0.cmp(&b.0));
        let hash = sign(&self.hash_secret, &params);
        params.push((SECURE_HASH.to_owned(), hash));
        Ok(params)
    }
}

impl Gateway for VnPay {
    fn id(&self) -> &'static str {
        ID
    }

    fn name(&self) -> &'static str {
        "VNPAY"
    }

    fn checkout_url(&self, request: &PayRequest) -> Result<String, GatewayError> {
        let params = self.checkout_params(request)?;
        // The query is the canonical string itself plus the hash, as VNPAY's own demo
        // builds it, so what we signed is literally what travels.
        Ok(join_url(&self.pay_url, &encode_pairs(&params)))
    }

    fn verify(&self, params: &[(String, String)]) -> Result<Callback, GatewayError> {
        verify_signature(&self.hash_secret, params)?;
        // The terminal is covered by the signature; checking it stops a callback for
        // another of our terminals (sharing a secret by mistake) from landing here.
        if required(params, "vnp_TmnCode")? != self.tmn_code {
            return Err(malformed("vnp_TmnCode"));
        }
        let reference = required(params, "vnp_TxnRef")?.to_owned();
        let amount_vnd = amount_from_field(required(params, "vnp_Amount")?)?;
        let response_code = required(params, "vnp_ResponseCode")?.to_owned();
        let status = required(params, "vnp_TransactionStatus")?;
        let provider_txn = required(params, "vnp_TransactionNo")?.to_owned();
        let bank_code = optional(params, "vnp_BankCode").map(str::to_owned);
        let pay_date = optional(params, "vnp_PayDate")
            .map(|text| parse_date(text).ok_or_else(|| malformed("vnp_PayDate")))
            .transpose()?;
        let verdict = verdict(&response_code, status);
        // `vnp_PayDate` comes with every outcome (it is the time of the attempt); it is
        // a payment time only when money moved.
        let paid_at = pay_date.filter(|_| verdict.money_moved());
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
        // Both strings are fixed ASCII without quotes or backslashes, so no escaping
        // is needed; the key order matches VNPAY's demo.
        Reply {
            content_type: "application/json",
            body: format!(r#"{{"RspCode":"{code}","Message":"{message}"}}"#),
        }
    }
}

/// The `RspCode` and `Message` VNPAY expects for each IPN outcome.
pub fn rsp_code(outcome: IpnOutcome) -> (&'static str, &'static str) {
    match outcome {
        IpnOutcome::Confirmed => ("00", "Confirm Success"),
        IpnOutcome::OrderNotFound => ("01", "Order not found"),
        IpnOutcome::AlreadyConfirmed => ("02", "Order already confirmed"),
        IpnOutcome::InvalidAmount => ("04", "Invalid amount"),
        IpnOutcome::InvalidSignature => ("97", "Invalid signature"),
        IpnOutcome::Unknown => ("99", "Unknown error"),
    }
}

/// What a callback's `vnp_ResponseCode` and `vnp_TransactionStatus` mean for the order.
///
/// Paid only when both are `00`. Anything where money may have left the citizen's
/// account without a clean success (`07` on either, status `04` reversed, or the
/// refund states `05`/`06`/`09` turning up on a payment) is [`Verdict::Suspicious`], so
/// an officer looks instead of the order silently staying payable and the citizen
/// paying twice. Status `01` is [`Verdict::Pending`]; response `24` is the citizen
/// cancelling; every other code (`11` window expired, `51` funds, `13` OTP, `99`…)
/// is [`Verdict::Failed`], leaving the order payable.
pub fn verdict(response_code: &str, transaction_status: &str) -> Verdict {
    if response_code == "00" && transaction_status == "00" {
        Verdict::Paid
    } else if response_code == "07"
        || matches!(transaction_status, "04" | "05" | "06" | "07" | "09")
    {
        Verdict::Suspicious
    } else if transaction_status == "01" {
        Verdict::Pending
    } else if response_code == "24" {
        Verdict::Cancelled
    } else {
        Verdict::Failed
    }
}

/// The Vietnamese meaning of a `vnp_ResponseCode` (VNPAY's own wording, shortened).
pub fn response_code_vi(code: &str) -> &'static str {
    match code {
        "00" => "Giao dịch thành công.",
        "07" => {
            "Trừ tiền thành công. Giao dịch bị nghi ngờ (liên quan tới lừa đảo, giao dịch bất thường)."
        }
        "09" => {
            "Giao dịch không thành công: thẻ/tài khoản chưa đăng ký dịch vụ InternetBanking tại ngân hàng."
        }
        "10" => {
            "Giao dịch không thành công: xác thực thông tin thẻ/tài khoản không đúng quá 3 lần."
        }
        "11" => {
            "Giao dịch không thành công: đã hết hạn chờ thanh toán. Xin vui lòng thực hiện lại giao dịch."
        }
        "12" => "Giao dịch không thành công: thẻ/tài khoản bị khóa.",
        "13" => "Giao dịch không thành công: nhập sai mật khẩu xác thực giao dịch (OTP).",
        "24" => "Giao dịch không thành công: khách hàng hủy giao dịch.",
        "51" => "Giao dịch không thành công: tài khoản không đủ số dư để thực hiện giao dịch.",
        "65" => "Giao dịch không thành công: tài khoản đã vượt quá hạn mức giao dịch trong ngày.",
        "75" => "Ngân hàng thanh toán đang bảo trì.",
        "79" => "Giao dịch không thành công: nhập sai mật khẩu thanh toán quá số lần quy định.",
        "99" => "Lỗi khác (không có trong danh sách mã lỗi).",
        _ => "Mã phản hồi không xác định.",
    }
}

/// The Vietnamese meaning of a `vnp_TransactionStatus`.
pub fn transaction_status_vi(status: &str) -> &'static str {
    match status {
        "00" => "Giao dịch thành công.",
        "01" => "Giao dịch chưa hoàn tất.",
        "02" => "Giao dịch bị lỗi.",
        "04" => {
            "Giao dịch đảo (khách hàng đã bị trừ tiền tại ngân hàng nhưng giao dịch chưa thành công ở VNPAY)."
        }
        "05" => "VNPAY đang xử lý giao dịch này (giao dịch hoàn tiền).",
        "06" => "VNPAY đã gửi yêu cầu hoàn tiền sang ngân hàng (giao dịch hoàn tiền).",
        "07" => "Giao dịch bị nghi ngờ gian lận.",
        "09" => "Giao dịch hoàn trả bị từ chối.",
        _ => "Trạng thái giao dịch không xác định.",
    }
}

/// `vnp_Amount` for an amount in đồng: đồng × 100, positive, at most 12 digits.
pub fn amount_field(amount_vnd: i64) -> Result<String, GatewayError> {
    if amount_vnd <= 0 {
        return Err(unsendable("the amount must be positive"));
    }
    match amount_vnd.checked_mul(100) {
        Some(field) if field <= MAX_AMOUNT_FIELD => Ok(field.to_string()),
        _ => Err(unsendable(
            "the amount is too large for VNPAY (12 digits of đồng × 100)",
        )),
    }
}

/// The amount in đồng a `vnp_Amount` carries: digits only, positive, a multiple of
/// 100 (VND has no subunit, so anything else is not a real VNPAY amount).
pub fn amount_from_field(text: &str) -> Result<i64, GatewayError> {
    let field = parse_digits(text).ok_or_else(|| malformed("vnp_Amount"))?;
    if field <= 0 || field % 100 != 0 {
        return Err(malformed("vnp_Amount"));
    }
    Ok(field / 100)
}

/// Encodes text as PHP's `urlencode` does: `A-Z a-z 0-9 - _ .` kept, space → `+`,
/// every other byte of the UTF-8 text (`~` included) → `%XX`, uppercase hex.
pub fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The string VNPAY signs: the `vnp_*` pairs other than `vnp_SecureHash` and
/// `vnp_SecureHashType`, sorted by key, each key and value [`urlencode`]d, joined as
/// `k=v&k=v`. Empty values are kept, as VNPAY's PHP reference keeps them. Other keys
/// (our own return-URL parameters, say) are ignored: VNPAY neither sends nor signs
/// them.
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut signed: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, _)| is_signed(k))
        .collect();
    // Sort on key then value so the result does not depend on arrival order even for
    // a repeated key (which `verify` refuses anyway).
    signed.sort_unstable();
    encode_pairs(&signed)
}

/// `vnp_SecureHash` for these pairs: lowercase hex HMAC-SHA512 of
/// [`canonical_query`] under the terminal's hash secret.
pub fn sign<K: AsRef<str>, V: AsRef<str>>(secret: &str, params: &[(K, V)]) -> String {
    match HmacSha512::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(canonical_query(params).as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length (RFC 2104 hashes long ones), so this never
        // happens; an empty signature would simply never verify.
        Err(_) => String::new(),
    }
}

/// Checks the signature of received pairs exactly as VNPAY specifies, in constant
/// time. A missing or empty hash, a hash type other than HMAC-SHA512 (the MD5 and
/// SHA256 schemes of older versions), or a repeated `vnp_*` key are refused.
pub(crate) fn verify_signature(
    secret: &str,
    params: &[(String, String)],
) -> Result<(), GatewayError> {
    if let Some(field) = repeated_key(params, |k| k.starts_with(PREFIX)) {
        return Err(GatewayError::Malformed { field });
    }
    if let Some(kind) = optional(params, SECURE_HASH_TYPE)
        && !is_sha512_name(kind)
    {
        return Err(GatewayError::BadSignature);
    }
    let given = optional(params, SECURE_HASH).ok_or(GatewayError::BadSignature)?;
    let given = hex::decode(given).map_err(|_| GatewayError::BadSignature)?;
    let mut mac =
        HmacSha512::new_from_slice(secret.as_bytes()).map_err(|_| GatewayError::BadSignature)?;
    mac.update(canonical_query(params).as_bytes());
    // `verify_slice` compares in constant time and refuses a wrong length (a 32-hex
    // MD5 or 64-hex SHA256 digest) outright.
    mac.verify_slice(&given)
        .map_err(|_| GatewayError::BadSignature)
}

/// Whether a `vnp_SecureHashType` value names the 2.1.0 scheme.
pub(crate) fn is_sha512_name(kind: &str) -> bool {
    kind.eq_ignore_ascii_case("HmacSHA512") || kind.eq_ignore_ascii_case("SHA512")
}

/// A VNPAY date-time (`yyyyMMddHHmmss`).
pub fn format_date(at: NaiveDateTime) -> String {
    at.format(DATE_FORMAT).to_string()
}

/// Reads a VNPAY date-time: exactly 14 digits making a real date and time.
pub fn parse_date(text: &str) -> Option<NaiveDateTime> {
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDateTime::parse_from_str(text, DATE_FORMAT).ok()
}

/// Whether a key takes part in the signature.
fn is_signed(key: &str) -> bool {
    key.starts_with(PREFIX) && key != SECURE_HASH && key != SECURE_HASH_TYPE
}

/// Checks what VNPAY would refuse, so the citizen gets our error rather than VNPAY's
/// error page. VNPAY's exact limits on reference and order-info text are \[U\]; these
/// are the conservative ones its documentation suggests.
fn check_request(request: &PayRequest) -> Result<(), GatewayError> {
    let reference = &request.reference;
    if reference.is_empty()
        || reference.len() > 100
        || !reference
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(unsendable(
            "the reference must be 1 to 100 ASCII letters, digits, '-', '_' or '.'",
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

/// An absolute http(s) address without spaces.
pub(crate) fn is_http_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
}

/// `k=v&k=v` with both sides [`urlencode`]d, in the given order.
pub(crate) fn encode_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k.as_ref()), urlencode(v.as_ref())))
        .collect::<Vec<_>>()
        .join("&")
}

/// `base?query`, or `base&query` when the base already has a query.
pub(crate) fn join_url(base: &str, query: &str) -> String {
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}{query}")
}

/// The first key (among those `counts` selects) that occurs twice: a repeated
/// signed field makes "the" value ambiguous between us and the signer.
pub(crate) fn repeated_key(
    params: &[(String, String)],
    counts: impl Fn(&str) -> bool,
) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    for (key, _) in params {
        if !counts(key) {
            continue;
        }
        if seen.contains(&key.as_str()) {
            return Some(key.clone());
        }
        seen.push(key);
    }
    None
}

/// The value of a field, if present and not empty.
pub(crate) fn optional<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The value of a field the protocol requires.
pub(crate) fn required<'a>(
    params: &'a [(String, String)],
    name: &str,
) -> Result<&'a str, GatewayError> {
    optional(params, name).ok_or_else(|| malformed(name))
}

/// A non-negative integer written with ASCII digits only (no sign, no spaces).
pub(crate) fn parse_digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

pub(crate) fn malformed(field: &str) -> GatewayError {
    GatewayError::Malformed {
        field: field.to_owned(),
    }
}

pub(crate) fn unsendable(reason: &str) -> GatewayError {
    GatewayError::Unsendable {
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencode_matches_php() {
        // PHP: urlencode("Lệ phí ~ a*b+c/d:e")
        assert_eq!(
            urlencode("Lệ phí ~ a*b+c/d:e"),
            "L%E1%BB%87+ph%C3%AD+%7E+a%2Ab%2Bc%2Fd%3Ae"
        );
        assert_eq!(urlencode("AZaz09-_."), "AZaz09-_.");
    }

    #[test]
    fn amounts_are_dong_times_100() {
        assert_eq!(amount_field(10_000).unwrap(), "1000000");
        assert_eq!(amount_field(1).unwrap(), "100");
        assert_eq!(amount_field(9_999_999_999).unwrap(), "999999999900");
        assert!(amount_field(10_000_000_000).is_err());
        assert!(amount_field(0).is_err());
        assert!(amount_field(-5).is_err());
        assert!(amount_field(i64::MAX).is_err());
        assert_eq!(amount_from_field("1000000").unwrap(), 10_000);
        for bad in [
            "",
            "0",
            "1050",
            "+100",
            "-100",
            " 100",
            "1e5",
            "99999999999999999999",
        ] {
            assert!(amount_from_field(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dates_are_strict() {
        let at = parse_date("20250314093005").unwrap();
        assert_eq!(format_date(at), "20250314093005");
        for bad in [
            "2025031409300",
            "202503140930050",
            "20251314093005",
            "2025031409300a",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn reply_bodies() {
        let g = VnPay::new("MOTCUA01", "s", SANDBOX_URL);
        let r = g.reply(IpnOutcome::Confirmed);
        assert_eq!(r.content_type, "application/json");
        assert_eq!(r.body, r#"{"RspCode":"00","Message":"Confirm Success"}"#);
        for (o, code) in [
            (IpnOutcome::OrderNotFound, "01"),
            (IpnOutcome::AlreadyConfirmed, "02"),
            (IpnOutcome::InvalidAmount, "04"),
            (IpnOutcome::InvalidSignature, "97"),
            (IpnOutcome::Unknown, "99"),
        ] {
            let v: serde_json::Value = serde_json::from_str(&g.reply(o).body).unwrap();
            assert_eq!(v["RspCode"], code);
        }
    }

    #[test]
    fn debug_hides_the_secret() {
        let g = VnPay::new("MOTCUA01", "TOPSECRET", SANDBOX_URL);
        assert!(!format!("{g:?}").contains("TOPSECRET"));
    }
}
