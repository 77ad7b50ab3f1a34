//! Local simulators of the gateways, speaking their real protocols, for tests and the
//! demo. Pure functions: the web crate serves the simulated payment page and sends
//! the callbacks; this module decides what a real gateway would accept and what it
//! would send back.
//!
//! The flow mirrors the real one: [`SimGateway::open_checkout`] checks the address
//! our [`Gateway::checkout_url`] built exactly as the gateway would (terminal,
//! signature, version, command, amount, dates, expiry) and yields a [`Checkout`];
//! [`SimGateway::settle`] turns the citizen's choice ([`SimOutcome`]) into the signed
//! parameters the gateway sends, the same for the notification (IPN) and the
//! browser's return, as VNPAY does; [`callback_url`] appends them to either address.
//! The fault helpers ([`SimGateway::tamper_amount`], [`SimGateway::forge`],
//! [`SimGateway::with_amount_resigned`]) build the callbacks a verifier must refuse
//! or flag.
//!
//! The national platform's protocol is itself a design ([`crate::paygov`], \[U\]
//! unconfirmed); its simulator follows that design.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::gateway::{Gateway, GatewayError, Verdict};
use crate::paygov::{self, PayGov, field};
use crate::vnpay::{self, VnPay};

/// A simulated gateway, configured with the same merchant code and secret as the
/// adapter it stands in for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimGateway {
    /// VNPAY 2.1.0.
    VnPay(VnPay),
    /// The national payment platform (designed protocol).
    PayGov(PayGov),
}

/// What the citizen does on the simulated payment page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SimOutcome {
    /// Pays.
    Pay,
    /// Cancels.
    Cancel,
    /// The bank refuses: not enough money.
    InsufficientFunds,
    /// The money is taken but the gateway flags the payment for review.
    Suspicious,
    /// The gateway has not finished.
    Pending,
}

impl SimOutcome {
    /// Every outcome, in the order the simulated page offers them.
    pub const ALL: [SimOutcome; 5] = [
        SimOutcome::Pay,
        SimOutcome::Cancel,
        SimOutcome::InsufficientFunds,
        SimOutcome::Suspicious,
        SimOutcome::Pending,
    ];

    /// Stable name, as a form posts it.
    pub fn as_str(self) -> &'static str {
        match self {
            SimOutcome::Pay => "pay",
            SimOutcome::Cancel => "cancel",
            SimOutcome::InsufficientFunds => "insufficient_funds",
            SimOutcome::Suspicious => "suspicious",
            SimOutcome::Pending => "pending",
        }
    }

    /// The outcome of a stable name.
    pub fn parse(text: &str) -> Option<SimOutcome> {
        SimOutcome::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// The button label on the simulated page.
    pub fn label_vi(self) -> &'static str {
        match self {
            SimOutcome::Pay => "Thanh toán",
            SimOutcome::Cancel => "Hủy giao dịch",
            SimOutcome::InsufficientFunds => "Tài khoản không đủ số dư",
            SimOutcome::Suspicious => "Trừ tiền, giao dịch bị nghi ngờ",
            SimOutcome::Pending => "Giao dịch chưa hoàn tất",
        }
    }

    /// What a correct verifier must conclude from this outcome's callback.
    pub fn verdict(self) -> Verdict {
        match self {
            SimOutcome::Pay => Verdict::Paid,
            SimOutcome::Cancel => Verdict::Cancelled,
            SimOutcome::InsufficientFunds => Verdict::Failed,
            SimOutcome::Suspicious => Verdict::Suspicious,
            SimOutcome::Pending => Verdict::Pending,
        }
    }
}

/// A checkout the simulated gateway accepted: what its payment page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    /// The gateway's id (`vnpay`, `paygov`).
    pub gateway: &'static str,
    /// The merchant's terminal or merchant code.
    pub merchant: String,
    /// The merchant's payment reference.
    pub reference: String,
    /// Amount in whole đồng.
    pub amount_vnd: i64,
    /// What is paid for.
    pub order_info: String,
    /// The dossier code, when the protocol carries one and the merchant sent it.
    pub dossier_code: Option<String>,
    /// Where the browser goes back to.
    pub return_url: String,
    /// `vn` or `en`.
    pub locale: String,
    /// When the merchant created the order, Vietnam time.
    pub created_at: NaiveDateTime,
    /// After when the gateway refuses the payment, Vietnam time.
    pub expires_at: NaiveDateTime,
}

/// Why the simulated gateway refuses a checkout or a helper cannot build a callback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// The query is not valid form-URL-encoding or UTF-8.
    #[error("the query is not valid form-URL-encoded UTF-8")]
    BadEncoding,
    /// The merchant or terminal code is not this gateway's.
    #[error("unknown merchant {found}")]
    UnknownMerchant {
        /// The code received.
        found: String,
    },
    /// The signature is missing or wrong.
    #[error("the signature is missing or wrong")]
    BadSignature,
    /// A hash type other than HMAC-SHA512 (VNPAY's older MD5 / SHA256 schemes).
    #[error("hash type {found} is not accepted")]
    UnsupportedHashType {
        /// The hash type received.
        found: String,
    },
    /// A required field is missing or empty.
    #[error("field {field} is missing")]
    Missing {
        /// The field.
        field: String,
    },
    /// A field is repeated or unreadable.
    #[error("field {field} is malformed")]
    Malformed {
        /// The field.
        field: String,
    },
    /// The protocol version is not the one simulated.
    #[error("version {found} is not supported")]
    WrongVersion {
        /// The version received.
        found: String,
    },
    /// The command is not `pay`.
    #[error("command {found} is not supported")]
    WrongCommand {
        /// The command received.
        found: String,
    },
    /// The currency is not VND.
    #[error("currency {found} is not supported")]
    WrongCurrency {
        /// The currency received.
        found: String,
    },
    /// A VNPAY amount that is not a multiple of 100 (đồng × 100, and VND has no
    /// subunit).
    #[error("amount {found} is not whole đồng × 100")]
    AmountNotWholeDong {
        /// The amount field received.
        found: String,
    },
    /// The order's payment window has closed.
    #[error("the order expired at {expires_at}")]
    Expired {
        /// When it expired, Vietnam time.
        expires_at: NaiveDateTime,
    },
    /// An amount the protocol cannot carry.
    #[error("amount {amount_vnd} cannot be sent")]
    AmountOutOfRange {
        /// The amount, đồng.
        amount_vnd: i64,
    },
    /// A checkout opened by another gateway.
    #[error("the checkout belongs to gateway {found}")]
    WrongGateway {
        /// The checkout's gateway.
        found: String,
    },
}

impl SimError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SimError::BadEncoding => "sim_bad_encoding",
            SimError::UnknownMerchant { .. } => "sim_unknown_merchant",
            SimError::BadSignature => "sim_bad_signature",
            SimError::UnsupportedHashType { .. } => "sim_unsupported_hash_type",
            SimError::Missing { .. } => "sim_missing_field",
            SimError::Malformed { .. } => "sim_malformed_field",
            SimError::WrongVersion { .. } => "sim_wrong_version",
            SimError::WrongCommand { .. } => "sim_wrong_command",
            SimError::WrongCurrency { .. } => "sim_wrong_currency",
            SimError::AmountNotWholeDong { .. } => "sim_amount_not_whole_dong",
            SimError::Expired { .. } => "sim_expired",
            SimError::AmountOutOfRange { .. } => "sim_amount_out_of_range",
            SimError::WrongGateway { .. } => "sim_wrong_gateway",
        }
    }

    /// Vietnamese message, as the simulated payment page shows it.
    pub fn message_vi(&self) -> String {
        match self {
            SimError::BadEncoding => "Dữ liệu gửi sang không đúng định dạng.".to_owned(),
            SimError::UnknownMerchant { found } => {
                format!("Không tìm thấy mã đơn vị chấp nhận thanh toán {found}.")
            }
            SimError::BadSignature => "Sai chữ ký.".to_owned(),
            SimError::UnsupportedHashType { found } => {
                format!("Kiểu chữ ký {found} không được hỗ trợ.")
            }
            SimError::Missing { field } => format!("Thiếu trường {field}."),
            SimError::Malformed { field } => format!("Trường {field} không đúng định dạng."),
            SimError::WrongVersion { found } => format!("Phiên bản {found} không được hỗ trợ."),
            SimError::WrongCommand { found } => format!("Lệnh {found} không được hỗ trợ."),
            SimError::WrongCurrency { found } => format!("Loại tiền {found} không được hỗ trợ."),
            SimError::AmountNotWholeDong { found } => {
                format!("Số tiền {found} không hợp lệ (phải là số đồng × 100).")
            }
            SimError::Expired { expires_at } => format!(
                "Giao dịch đã quá thời gian chờ thanh toán ({}).",
                expires_at.format("%H:%M:%S %d/%m/%Y")
            ),
            SimError::AmountOutOfRange { amount_vnd } => {
                format!("Số tiền {amount_vnd} đồng không hợp lệ.")
            }
            SimError::WrongGateway { found } => {
                format!("Giao dịch thuộc cổng thanh toán khác ({found}).")
            }
        }
    }
}

impl SimGateway {
    /// The simulated gateway's id.
    pub fn id(&self) -> &'static str {
        self.gateway().id()
    }

    /// The adapter this simulator stands in for (to build checkouts and verify
    /// callbacks in tests).
    pub fn gateway(&self) -> &dyn Gateway {
        match self {
            SimGateway::VnPay(g) => g,
            SimGateway::PayGov(g) => g,
        }
    }

    /// Opens a checkout address as the real gateway would, at time `now` (Vietnam
    /// time): only the query after `?` matters.
    pub fn open_checkout(&self, url: &str, now: NaiveDateTime) -> Result<Checkout, SimError> {
        self.open_checkout_params(&parse_query(url)?, now)
    }

    /// Opens a checkout from its decoded query pairs.
    pub fn open_checkout_params(
        &self,
        params: &[(String, String)],
        now: NaiveDateTime,
    ) -> Result<Checkout, SimError> {
        let checkout = match self {
            SimGateway::VnPay(g) => open_vnpay(g, params)?,
            SimGateway::PayGov(g) => open_paygov(g, params)?,
        };
        // The window is checked last, as the gateway first has to trust the dates.
        if now > checkout.expires_at {
            return Err(SimError::Expired {
                expires_at: checkout.expires_at,
            });
        }
        Ok(checkout)
    }

    /// The signed parameters the gateway sends, to the notification address and the
    /// return address alike, once the citizen has chosen `outcome`. `txn_no` is the
    /// gateway's transaction number; `paid_at` the time of the attempt (Vietnam time).
    pub fn settle(
        &self,
        checkout: &Checkout,
        outcome: SimOutcome,
        txn_no: u64,
        paid_at: NaiveDateTime,
    ) -> Result<Vec<(String, String)>, SimError> {
        if checkout.gateway != self.id() {
            return Err(SimError::WrongGateway {
                found: checkout.gateway.to_owned(),
            });
        }
        match self {
            SimGateway::VnPay(g) => settle_vnpay(g, checkout, outcome, txn_no, paid_at),
            SimGateway::PayGov(g) => settle_paygov(g, checkout, outcome, txn_no, paid_at),
        }
    }

    /// The callback with its amount changed to `amount_vnd` and the signature left
    /// as it was, so it no longer matches: a verifier must refuse it.
    pub fn tamper_amount(
        &self,
        params: &[(String, String)],
        amount_vnd: i64,
    ) -> Result<Vec<(String, String)>, SimError> {
        let (name, value) = match self {
            SimGateway::VnPay(_) => (
                "vnp_Amount",
                vnpay::amount_field(amount_vnd)
                    .map_err(|_| SimError::AmountOutOfRange { amount_vnd })?,
            ),
            SimGateway::PayGov(_) => {
                if amount_vnd <= 0 || amount_vnd > paygov::MAX_AMOUNT_VND {
                    return Err(SimError::AmountOutOfRange { amount_vnd });
                }
                (field::AMOUNT, amount_vnd.to_string())
            }
        };
        if !params.iter().any(|(k, _)| k == name) {
            return Err(SimError::Missing {
                field: name.to_owned(),
            });
        }
        Ok(params
            .iter()
            .map(|(k, v)| {
                if k == name {
                    (k.clone(), value.clone())
                } else {
                    (k.clone(), v.clone())
                }
            })
            .collect())
    }

    /// The callback re-signed with `wrong_secret`, as someone without the real
    /// secret would: well formed, but a verifier must refuse it.
    pub fn forge(&self, params: &[(String, String)], wrong_secret: &str) -> Vec<(String, String)> {
        self.resign(params, wrong_secret)
    }

    /// A correctly signed callback whose amount is `amount_vnd` instead of the
    /// order's: the signature passes, so the amount check against the order (IPN
    /// answer `04`) is what must catch it.
    pub fn with_amount_resigned(
        &self,
        params: &[(String, String)],
        amount_vnd: i64,
    ) -> Result<Vec<(String, String)>, SimError> {
        let tampered = self.tamper_amount(params, amount_vnd)?;
        Ok(self.resign(&tampered, self.secret()))
    }

    fn secret(&self) -> &str {
        match self {
            SimGateway::VnPay(g) => &g.hash_secret,
            SimGateway::PayGov(g) => &g.secret,
        }
    }

    /// Replaces the signature with one made under `secret`.
    fn resign(&self, params: &[(String, String)], secret: &str) -> Vec<(String, String)> {
        match self {
            SimGateway::VnPay(_) => {
                let mut out: Vec<(String, String)> = params
                    .iter()
                    .filter(|(k, _)| k != vnpay::SECURE_HASH && k != vnpay::SECURE_HASH_TYPE)
                    .cloned()
                    .collect();
                let hash = vnpay::sign(secret, &out);
                out.push((vnpay::SECURE_HASH.to_owned(), hash));
                out
            }
            SimGateway::PayGov(_) => {
                let mut out: Vec<(String, String)> = params
                    .iter()
                    .filter(|(k, _)| k != field::CHECKSUM)
                    .cloned()
                    .collect();
                let checksum = paygov::sign(secret, &out);
                out.push((field::CHECKSUM.to_owned(), checksum));
                out
            }
        }
    }
}

/// `base` with the callback parameters appended as a form-URL-encoded query (after
/// `&` when `base` already has a query), for the notification or the return address.
pub fn callback_url(base: &str, params: &[(String, String)]) -> String {
    vnpay::join_url(base, &vnpay::encode_pairs(params))
}

/// The decoded pairs of a URL's query (the part after the first `?`, without any
/// `#fragment`), in order. A text without `?` is read as a bare query.
pub fn parse_query(url: &str) -> Result<Vec<(String, String)>, SimError> {
    let query = url.split_once('?').map_or(url, |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((form_decode(key)?, form_decode(value)?))
        })
        .collect()
}

/// Decodes one form-URL-encoded component: `+` is a space, `%XX` a byte; the bytes
/// must be UTF-8.
pub fn form_decode(text: &str) -> Result<String, SimError> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.bytes();
    while let Some(byte) = rest.next() {
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let high = rest.next().and_then(hex_value);
                let low = rest.next().and_then(hex_value);
                match (high, low) {
                    (Some(h), Some(l)) => bytes.push(h << 4 | l),
                    _ => return Err(SimError::BadEncoding),
                }
            }
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(bytes).map_err(|_| SimError::BadEncoding)
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// A required, non-empty field.
fn need<'a>(params: &'a [(String, String)], name: &str) -> Result<&'a str, SimError> {
    vnpay::optional(params, name).ok_or_else(|| SimError::Missing {
        field: name.to_owned(),
    })
}

fn malformed(name: &str) -> SimError {
    SimError::Malformed {
        field: name.to_owned(),
    }
}

fn from_gateway(error: GatewayError) -> SimError {
    match error {
        GatewayError::BadSignature => SimError::BadSignature,
        GatewayError::Malformed { field } => SimError::Malformed { field },
        // Only request building says Unsendable; the checks used here never do.
        GatewayError::Unsendable { reason } => SimError::Malformed { field: reason },
    }
}

/// What VNPAY checks on `vpcpay.html`, in its order: the terminal first (the secret
/// is looked up by it), then the signature, then the fields.
fn open_vnpay(g: &VnPay, params: &[(String, String)]) -> Result<Checkout, SimError> {
    let tmn = need(params, "vnp_TmnCode")?;
    if tmn != g.tmn_code {
        return Err(SimError::UnknownMerchant {
            found: tmn.to_owned(),
        });
    }
    if let Some(kind) = vnpay::optional(params, vnpay::SECURE_HASH_TYPE)
        && !vnpay::is_sha512_name(kind)
    {
        return Err(SimError::UnsupportedHashType {
            found: kind.to_owned(),
        });
    }
    vnpay::verify_signature(&g.hash_secret, params).map_err(from_gateway)?;
    let version = need(params, "vnp_Version")?;
    if version != vnpay::VERSION {
        return Err(SimError::WrongVersion {
            found: version.to_owned(),
        });
    }
    let command = need(params, "vnp_Command")?;
    if command != vnpay::COMMAND_PAY {
        return Err(SimError::WrongCommand {
            found: command.to_owned(),
        });
    }
    let currency = need(params, "vnp_CurrCode")?;
    if currency != vnpay::CURRENCY {
        return Err(SimError::WrongCurrency {
            found: currency.to_owned(),
        });
    }
    let amount = need(params, "vnp_Amount")?;
    let field_value = vnpay::parse_digits(amount)
        .filter(|a| *a > 0 && *a <= vnpay::MAX_AMOUNT_FIELD)
        .ok_or_else(|| malformed("vnp_Amount"))?;
    if field_value % 100 != 0 {
        return Err(SimError::AmountNotWholeDong {
            found: amount.to_owned(),
        });
    }
    let reference = need(params, "vnp_TxnRef")?.to_owned();
    let order_info = need(params, "vnp_OrderInfo")?.to_owned();
    need(params, "vnp_OrderType")?;
    need(params, "vnp_IpAddr")?;
    let locale = need(params, "vnp_Locale")?;
    if !matches!(locale, "vn" | "en") {
        return Err(malformed("vnp_Locale"));
    }
    let return_url = need(params, "vnp_ReturnUrl")?;
    if !vnpay::is_http_url(return_url) {
        return Err(malformed("vnp_ReturnUrl"));
    }
    let created_at = vnpay::parse_date(need(params, "vnp_CreateDate")?)
        .ok_or_else(|| malformed("vnp_CreateDate"))?;
    // Whether VNPAY insists on vnp_ExpireDate is [U]; our adapter always sends it,
    // so the simulator insists.
    let expires_at = vnpay::parse_date(need(params, "vnp_ExpireDate")?)
        .ok_or_else(|| malformed("vnp_ExpireDate"))?;
    if expires_at <= created_at {
        return Err(malformed("vnp_ExpireDate"));
    }
    Ok(Checkout {
        gateway: vnpay::ID,
        merchant: tmn.to_owned(),
        reference,
        amount_vnd: field_value / 100,
        order_info,
        dossier_code: None,
        return_url: return_url.to_owned(),
        locale: locale.to_owned(),
        created_at,
        expires_at,
    })
}

/// What the platform would check, following the designed protocol (\[U\]).
fn open_paygov(g: &PayGov, params: &[(String, String)]) -> Result<Checkout, SimError> {
    let merchant = need(params, field::MERCHANT)?;
    if merchant != g.merchant_code {
        return Err(SimError::UnknownMerchant {
            found: merchant.to_owned(),
        });
    }
    paygov::verify_signature(&g.secret, params).map_err(from_gateway)?;
    let version = need(params, field::VERSION)?;
    if version != paygov::VERSION {
        return Err(SimError::WrongVersion {
            found: version.to_owned(),
        });
    }
    let currency = need(params, field::CURRENCY)?;
    if currency != paygov::CURRENCY {
        return Err(SimError::WrongCurrency {
            found: currency.to_owned(),
        });
    }
    let amount_vnd = paygov::parse_amount(need(params, field::AMOUNT)?).map_err(from_gateway)?;
    let reference = need(params, field::PAYMENT_ID)?.to_owned();
    let order_info = need(params, field::DESCRIPTION)?.to_owned();
    need(params, field::CLIENT_IP)?;
    let locale = need(params, field::LOCALE)?;
    if !matches!(locale, "vn" | "en") {
        return Err(malformed(field::LOCALE));
    }
    let return_url = need(params, field::RETURN_URL)?;
    if !vnpay::is_http_url(return_url) {
        return Err(malformed(field::RETURN_URL));
    }
    let created_at = paygov::parse_time(need(params, field::CREATE_TIME)?)
        .ok_or_else(|| malformed(field::CREATE_TIME))?;
    let expires_at = paygov::parse_time(need(params, field::EXPIRE_TIME)?)
        .ok_or_else(|| malformed(field::EXPIRE_TIME))?;
    if expires_at <= created_at {
        return Err(malformed(field::EXPIRE_TIME));
    }
    Ok(Checkout {
        gateway: paygov::ID,
        merchant: merchant.to_owned(),
        reference,
        amount_vnd,
        order_info,
        dossier_code: vnpay::optional(params, field::DOSSIER).map(str::to_owned),
        return_url: return_url.to_owned(),
        locale: locale.to_owned(),
        created_at,
        expires_at,
    })
}

/// The sandbox test bank VNPAY's own examples use.
const SIM_BANK: &str = "NCB";

fn settle_vnpay(
    g: &VnPay,
    checkout: &Checkout,
    outcome: SimOutcome,
    txn_no: u64,
    paid_at: NaiveDateTime,
) -> Result<Vec<(String, String)>, SimError> {
    let amount =
        vnpay::amount_field(checkout.amount_vnd).map_err(|_| SimError::AmountOutOfRange {
            amount_vnd: checkout.amount_vnd,
        })?;
    let (response_code, status) = match outcome {
        SimOutcome::Pay => ("00", "00"),
        SimOutcome::Cancel => ("24", "02"),
        SimOutcome::InsufficientFunds => ("51", "02"),
        SimOutcome::Suspicious => ("07", "07"),
        // Response 00 with status 01: the case that shows a response code of 00 alone
        // does not mean paid.
        SimOutcome::Pending => ("00", "01"),
    };
    let mut params: Vec<(String, String)> = vec![
        ("vnp_Amount".to_owned(), amount),
        ("vnp_BankCode".to_owned(), SIM_BANK.to_owned()),
        ("vnp_CardType".to_owned(), "ATM".to_owned()),
        ("vnp_OrderInfo".to_owned(), checkout.order_info.clone()),
        ("vnp_PayDate".to_owned(), vnpay::format_date(paid_at)),
        ("vnp_ResponseCode".to_owned(), response_code.to_owned()),
        ("vnp_TmnCode".to_owned(), g.tmn_code.clone()),
        // Every outcome carries the given number; whether real VNPAY sends `0` for a
        // cancelled attempt is \[U\], and dedup keys on reference + number anyway.
        ("vnp_TransactionNo".to_owned(), txn_no.to_string()),
        ("vnp_TransactionStatus".to_owned(), status.to_owned()),
        ("vnp_TxnRef".to_owned(), checkout.reference.clone()),
    ];
    // The bank's own transaction number exists only when the bank moved money.
    if matches!(outcome, SimOutcome::Pay | SimOutcome::Suspicious) {
        params.push(("vnp_BankTranNo".to_owned(), format!("VNP{txn_no}")));
    }
    params.sort_by(|a, b| a.0.cmp(&b.0));
    let hash = vnpay::sign(&g.hash_secret, &params);
    params.push((vnpay::SECURE_HASH.to_owned(), hash));
    Ok(params)
}

fn settle_paygov(
    g: &PayGov,
    checkout: &Checkout,
    outcome: SimOutcome,
    txn_no: u64,
    paid_at: NaiveDateTime,
) -> Result<Vec<(String, String)>, SimError> {
    if checkout.amount_vnd <= 0 || checkout.amount_vnd > paygov::MAX_AMOUNT_VND {
        return Err(SimError::AmountOutOfRange {
            amount_vnd: checkout.amount_vnd,
        });
    }
    let code = match outcome {
        SimOutcome::Pay => paygov::status::PAID,
        SimOutcome::Cancel => paygov::status::CANCELLED,
        SimOutcome::InsufficientFunds => paygov::status::FAILED,
        SimOutcome::Suspicious => paygov::status::UNDER_REVIEW,
        SimOutcome::Pending => paygov::status::PENDING,
    };
    let mut params: Vec<(String, String)> = vec![
        (field::MERCHANT.to_owned(), g.merchant_code.clone()),
        (field::PAYMENT_ID.to_owned(), checkout.reference.clone()),
        (field::TRANSACTION_ID.to_owned(), txn_no.to_string()),
        (field::AMOUNT.to_owned(), checkout.amount_vnd.to_string()),
        (field::STATUS.to_owned(), code.to_owned()),
        (field::PAY_TIME.to_owned(), paygov::format_time(paid_at)),
    ];
    if let Some(dossier) = &checkout.dossier_code {
        params.push((field::DOSSIER.to_owned(), dossier.clone()));
    }
    if matches!(outcome, SimOutcome::Pay | SimOutcome::Suspicious) {
        params.push((field::BANK.to_owned(), SIM_BANK.to_owned()));
    }
    params.sort_by(|a, b| a.0.cmp(&b.0));
    let checksum = paygov::sign(&g.secret, &params);
    params.push((field::CHECKSUM.to_owned(), checksum));
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_have_stable_names() {
        for o in SimOutcome::ALL {
            assert_eq!(SimOutcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(SimOutcome::parse("paid"), None);
    }

    #[test]
    fn queries_decode() {
        let pairs = parse_query("https://x.vn/a?b=c+d&e=%C4%90%C3%B4ng&f&=g#frag").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("b".into(), "c d".into()),
                ("e".into(), "Đông".into()),
                ("f".into(), "".into()),
                ("".into(), "g".into()),
            ]
        );
        assert_eq!(parse_query("a=%G1"), Err(SimError::BadEncoding));
        assert_eq!(parse_query("a=%C4"), Err(SimError::BadEncoding));
        assert_eq!(parse_query("a=%4"), Err(SimError::BadEncoding));
    }
}
