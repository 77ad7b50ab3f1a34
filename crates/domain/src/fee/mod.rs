//! Fees and charges (phí, lệ phí) and the orders that collect them: schedules as
//! dated data, the charging of a dossier, payment orders per receiving account, and
//! the figures leaders watch (what is unpaid, what each account received, the
//! cashless rate). Amounts are whole đồng in `i64`; a float never touches money.

mod charge;
mod order;
mod schedule;

pub use charge::{AppliedExemption, Charge, ChargeInput, Charges, OrderDraft, group};
pub use order::{Credit, Order, OrderChange, OrderStatus, PayMethod};
pub use schedule::{
    AccountType, Band, Exemption, FeeBook, FeeKind, FeeLine, FeeSchedule, PayAccount, Payee, Rate,
};

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::command::FeeInput;
use crate::dossier::Dossier;
use crate::error::ErrorKind;

/// A dossier's charges and the orders they make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charging {
    /// The lines charged.
    pub charges: Charges,
    /// One order per receiving account.
    pub orders: Vec<OrderDraft>,
}

/// Charges a dossier on `day` by the schedule then in force: `None` when its procedure
/// has no schedule. `amounts` are the variable lines' amounts an officer set; lines
/// in `skip` were charged already (a variable fee set after receipt charges the rest).
pub fn charge_dossier(
    book: &FeeBook,
    dossier: &Dossier,
    input: &FeeInput,
    amounts: &BTreeMap<String, i64>,
    skip: &[String],
    officer: &str,
    day: NaiveDate,
) -> Result<Option<Charging>, FeeError> {
    let Some(schedule) = book.schedule(&dossier.procedure_code, day) else {
        return Ok(None);
    };
    let charge_input = ChargeInput {
        channel: Some(dossier.channel),
        receiving: dossier.receiving_agency.clone(),
        handling: dossier.handling_agency.clone(),
        quantities: input.quantities.clone(),
        amounts: amounts.clone(),
        exemption: input.exemption.clone().map(|id| (id, officer.to_owned())),
    };
    let mut charges = schedule.charge(&charge_input)?;
    charges.lines.retain(|c| !skip.contains(&c.line));
    let orders = group(&charges.lines, book, day)?;
    Ok(Some(Charging { charges, orders }))
}

/// A problem with fees or a payment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    /// The fee book cannot be read.
    #[error("fee book unreadable: {detail}")]
    Unreadable {
        /// Parser message.
        detail: String,
    },
    /// A per-unit line needs a count the dossier does not give.
    #[error("quantity {unit} is needed")]
    QuantityMissing {
        /// The unit.
        unit: String,
    },
    /// A variable amount outside its bounds.
    #[error("amount for {line} must be within {min}..={max}")]
    AmountOutOfRange {
        /// The line.
        line: String,
        /// Least.
        min: i64,
        /// Most.
        max: i64,
    },
    /// No such exemption in the schedule.
    #[error("unknown exemption {id}")]
    UnknownExemption {
        /// Asked for.
        id: String,
    },
    /// An agency with money due has no collection account.
    #[error("agency {agency} has no collection account")]
    NoAccount {
        /// The agency.
        agency: String,
    },
    /// Zero or negative money.
    #[error("amount {amount} is not a positive number of đồng")]
    AmountInvalid {
        /// The amount.
        amount: i64,
    },
    /// A gateway reports another amount than the one asked.
    #[error("amount {got} differs from the {expected} due")]
    AmountMismatch {
        /// Due.
        expected: i64,
        /// Reported.
        got: i64,
    },
    /// The order does not take this now.
    #[error("the order is {}", .status.as_str())]
    NotPayable {
        /// Its status.
        status: OrderStatus,
    },
    /// More refunded than paid.
    #[error("refund {asked} exceeds the refundable {refundable}")]
    RefundTooLarge {
        /// What can still be refunded.
        refundable: i64,
        /// Asked.
        asked: i64,
    },
    /// Sums beyond `i64`.
    #[error("amount overflow")]
    Overflow,
}

impl FeeError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            FeeError::Unreadable { .. } => "fee_book_invalid",
            FeeError::QuantityMissing { .. } => "fee_quantity_missing",
            FeeError::AmountOutOfRange { .. } => "fee_amount_out_of_range",
            FeeError::UnknownExemption { .. } => "fee_exemption_not_found",
            FeeError::NoAccount { .. } => "fee_account_missing",
            FeeError::AmountInvalid { .. } | FeeError::Overflow => "payment_amount_invalid",
            FeeError::AmountMismatch { .. } => "payment_amount_mismatch",
            FeeError::NotPayable { .. } => "payment_order_closed",
            FeeError::RefundTooLarge { .. } => "refund_too_large",
        }
    }

    /// How the web layer answers it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            FeeError::NotPayable { .. } | FeeError::NoAccount { .. } => ErrorKind::Conflict,
            _ => ErrorKind::Invalid,
        }
    }

    /// Vietnamese message.
    pub fn message_vi(&self) -> String {
        match self {
            FeeError::Unreadable { detail } => format!("Không đọc được biểu phí: {detail}"),
            FeeError::QuantityMissing { unit } => {
                format!("Cần nhập số lượng ({unit}) để tính phí, lệ phí")
            }
            FeeError::AmountOutOfRange { line, min, max } => format!(
                "Số tiền của khoản {line} phải từ {} đến {} đồng",
                vnd(*min),
                vnd(*max)
            ),
            FeeError::UnknownExemption { id } => {
                format!("Không có trường hợp miễn, giảm “{id}” trong biểu phí")
            }
            FeeError::NoAccount { agency } => format!(
                "Cơ quan {agency} chưa khai báo tài khoản thu phí, lệ phí; chưa thể lập yêu cầu thanh toán"
            ),
            FeeError::AmountInvalid { .. } | FeeError::Overflow => {
                "Số tiền phải là số đồng dương".to_owned()
            }
            FeeError::AmountMismatch { expected, got } => format!(
                "Số tiền {} đồng không khớp với số phải nộp {} đồng",
                vnd(*got),
                vnd(*expected)
            ),
            FeeError::NotPayable { status } => format!(
                "Yêu cầu thanh toán đang ở trạng thái “{}”, không thực hiện được thao tác này",
                status.label_vi()
            ),
            FeeError::RefundTooLarge { refundable, .. } => format!(
                "Số tiền hoàn vượt quá số còn có thể hoàn ({} đồng)",
                vnd(*refundable)
            ),
        }
    }
}

/// An amount written the Vietnamese way: `1.200.000`.
pub fn vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// The cashless rate (tỷ lệ thanh toán không dùng tiền mặt): orders paid without
/// cash over all orders paid, in per mille so it stays an integer (`None` when
/// nothing was paid). An order paid partly in cash counts as cash.
pub fn cashless_per_mille(cashless: u64, all_paid: u64) -> Option<u64> {
    if all_paid == 0 {
        return None;
    }
    Some((cashless * 1000 + all_paid / 2) / all_paid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_with_dots() {
        assert_eq!(vnd(0), "0");
        assert_eq!(vnd(999), "999");
        assert_eq!(vnd(1_000), "1.000");
        assert_eq!(vnd(1_200_000), "1.200.000");
        assert_eq!(vnd(-75_000), "-75.000");
    }

    #[test]
    fn the_cashless_rate_matches_the_seeds_figures() {
        // The seeds: 9 of 10 paid without cash = 90 %; 11 of 16 = 68.75 % → 68.8 %.
        assert_eq!(cashless_per_mille(9, 10), Some(900));
        assert_eq!(cashless_per_mille(11, 16), Some(688));
        assert_eq!(cashless_per_mille(0, 0), None);
    }
}
