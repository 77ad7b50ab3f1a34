//! One trait for every online payment gateway (cổng thanh toán). A gateway turns a
//! payment order into the address the citizen's browser goes to, and turns what the
//! gateway sends back (the server-to-server notification, or the browser's return)
//! into a verified [`Callback`], or refuses it. Nothing here does I/O: the web layer
//! redirects, receives and stores; the gateway only signs and checks.
//!
//! Why the return and the notification share one verifier: both carry the same
//! signed fields. Only the notification (IPN) may change an order's state; the
//! return page only shows what the notification already recorded (spec/payments.md §3).

use chrono::NaiveDateTime;
use serde::Serialize;

/// What the citizen is asked to pay, as a gateway needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayRequest {
    /// Our payment reference (the order's short reference, ASCII, unique per order).
    pub reference: String,
    /// Amount in whole đồng (never a float).
    pub amount_vnd: i64,
    /// What is paid for, shown by the gateway; ASCII without tones (the caller strips them).
    pub order_info: String,
    /// Where the browser comes back to.
    pub return_url: String,
    /// The citizen's IP address, which VNPAY requires.
    pub client_ip: String,
    /// When the order was created, Vietnam local time (GMT+7).
    pub created_at: NaiveDateTime,
    /// After when the gateway must refuse to take the money, Vietnam local time.
    pub expires_at: NaiveDateTime,
    /// `vn` or `en`.
    pub locale: String,
}

/// What a verified callback says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The money was taken.
    Paid,
    /// The citizen cancelled at the gateway.
    Cancelled,
    /// The payment failed (funds, OTP, limits, bank down…); the order stays payable.
    Failed,
    /// The gateway has not finished.
    Pending,
    /// Money taken but the gateway flags it as suspicious (VNPAY `07`): an officer reviews.
    Suspicious,
}

impl Verdict {
    /// Whether money left the payer (paid, or taken and flagged): only then does a
    /// callback's payment time mean anything, or its amount have to match.
    pub fn money_moved(self) -> bool {
        matches!(self, Verdict::Paid | Verdict::Suspicious)
    }
}

/// A callback whose signature was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// The gateway's id (`vnpay`, `paygov`).
    pub provider: &'static str,
    /// Our payment reference, as sent in the request.
    pub reference: String,
    /// The gateway's transaction number (with `provider`, the key that makes a
    /// repeated notification harmless).
    pub provider_txn: String,
    /// Amount in whole đồng, as the gateway reports it.
    pub amount_vnd: i64,
    /// What happened.
    pub verdict: Verdict,
    /// The gateway's own response code, kept for the record (`00`, `24`, …).
    pub response_code: String,
    /// The paying bank, if the gateway says.
    pub bank_code: Option<String>,
    /// When the gateway says it was paid, Vietnam local time.
    pub paid_at: Option<NaiveDateTime>,
}

/// Our answer to a notification, which the gateway reads to stop or go on retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpnOutcome {
    /// Recorded (or a failure recorded).
    Confirmed,
    /// No order with that reference.
    OrderNotFound,
    /// The order was already final; nothing changed.
    AlreadyConfirmed,
    /// The amount is not the order's.
    InvalidAmount,
    /// The signature is wrong.
    InvalidSignature,
    /// Anything else (our fault: the gateway should retry).
    Unknown,
}

/// Why a callback or a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The signature is missing or does not match.
    #[error("the callback's signature is missing or wrong")]
    BadSignature,
    /// A field the protocol requires is missing or unreadable.
    #[error("field {field} is missing or malformed")]
    Malformed {
        /// The field.
        field: String,
    },
    /// The request cannot be expressed in the gateway's protocol.
    #[error("the request cannot be sent: {reason}")]
    Unsendable {
        /// Why.
        reason: String,
    },
}

impl GatewayError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            GatewayError::BadSignature => "payment_signature_invalid",
            GatewayError::Malformed { .. } => "payment_callback_malformed",
            GatewayError::Unsendable { .. } => "payment_request_invalid",
        }
    }

    /// Vietnamese message.
    pub fn message_vi(&self) -> String {
        match self {
            GatewayError::BadSignature => {
                "Chữ ký của thông báo thanh toán không hợp lệ.".to_owned()
            }
            GatewayError::Malformed { field } => {
                format!("Thông báo thanh toán thiếu hoặc sai trường {field}.")
            }
            GatewayError::Unsendable { reason } => {
                format!("Không tạo được yêu cầu thanh toán: {reason}.")
            }
        }
    }
}

/// A reply to send back to the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP content type.
    pub content_type: &'static str,
    /// Body.
    pub body: String,
}

/// An online payment gateway.
pub trait Gateway: Send + Sync + std::fmt::Debug {
    /// Short id stored with every payment (`vnpay`, `paygov`).
    fn id(&self) -> &'static str;
    /// Vietnamese name shown to citizens.
    fn name(&self) -> &'static str;
    /// The signed address to send the citizen's browser to.
    fn checkout_url(&self, request: &PayRequest) -> Result<String, GatewayError>;
    /// Checks a callback's signature and reads it. `params` are the query (or form)
    /// pairs exactly as received, percent-decoded.
    fn verify(&self, params: &[(String, String)]) -> Result<Callback, GatewayError>;
    /// The body the gateway expects in answer to a notification.
    fn reply(&self, outcome: IpnOutcome) -> Reply;
}
