//! Payment orders (yêu cầu thanh toán) and what may happen to them.
//!
//! One order per dossier per receiving account; its amount is frozen at creation.
//! Money arrives as credits (a gateway's verified notification, a POS slip, a bank
//! transfer, cash at the counter) that only ever add up; a refund is its own record.
//! The status follows from the sums, so a replayed credit cannot double-count: the
//! store refuses a credit whose (provider, transaction) it already holds.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::FeeError;
use super::charge::Charge;
use super::schedule::PayAccount;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for the money.
    Pending,
    /// Less than due received; still payable.
    PartiallyPaid,
    /// Paid in full (or more: the excess is refundable).
    Paid,
    /// Nothing due (exempt); kept as a record.
    Exempt,
    /// Not paid in time.
    Expired,
    /// Cancelled by an officer (e.g. dossier refused before payment).
    Cancelled,
    /// The gateway took the money but flagged it (VNPAY `07`): an officer decides.
    UnderReview,
    /// Everything paid was refunded.
    Refunded,
    /// Part of what was paid was refunded.
    PartiallyRefunded,
}

impl OrderStatus {
    /// Every status.
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::Pending,
        OrderStatus::PartiallyPaid,
        OrderStatus::Paid,
        OrderStatus::Exempt,
        OrderStatus::Expired,
        OrderStatus::Cancelled,
        OrderStatus::UnderReview,
        OrderStatus::Refunded,
        OrderStatus::PartiallyRefunded,
    ];

    /// Snake-case name, as stored and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Pending => "pending",
            OrderStatus::PartiallyPaid => "partially_paid",
            OrderStatus::Paid => "paid",
            OrderStatus::Exempt => "exempt",
            OrderStatus::Expired => "expired",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::UnderReview => "under_review",
            OrderStatus::Refunded => "refunded",
            OrderStatus::PartiallyRefunded => "partially_refunded",
        }
    }

    /// From its snake-case name.
    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            OrderStatus::Pending => "Chờ thanh toán",
            OrderStatus::PartiallyPaid => "Đã thanh toán một phần",
            OrderStatus::Paid => "Đã thanh toán",
            OrderStatus::Exempt => "Miễn phí, lệ phí",
            OrderStatus::Expired => "Quá hạn thanh toán",
            OrderStatus::Cancelled => "Đã hủy",
            OrderStatus::UnderReview => "Đang kiểm tra giao dịch",
            OrderStatus::Refunded => "Đã hoàn tiền",
            OrderStatus::PartiallyRefunded => "Đã hoàn một phần",
        }
    }

    /// Whether money may still be paid in.
    pub fn payable(self) -> bool {
        matches!(self, OrderStatus::Pending | OrderStatus::PartiallyPaid)
    }
}

/// How money came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    /// An online gateway (VNPAY, the national payment platform).
    Gateway,
    /// A bank transfer (with or without the VietQR code), seen by the officer or the statement.
    Transfer,
    /// A card at the counter's POS terminal.
    Pos,
    /// Cash at the counter.
    Cash,
}

impl PayMethod {
    /// Every method.
    pub const ALL: [PayMethod; 4] = [
        PayMethod::Gateway,
        PayMethod::Transfer,
        PayMethod::Pos,
        PayMethod::Cash,
    ];

    /// Snake-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PayMethod::Gateway => "gateway",
            PayMethod::Transfer => "transfer",
            PayMethod::Pos => "pos",
            PayMethod::Cash => "cash",
        }
    }

    /// From its snake-case name.
    pub fn parse(s: &str) -> Option<PayMethod> {
        PayMethod::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            PayMethod::Gateway => "Thanh toán trực tuyến",
            PayMethod::Transfer => "Chuyển khoản",
            PayMethod::Pos => "Quẹt thẻ (POS)",
            PayMethod::Cash => "Tiền mặt",
        }
    }

    /// Everything but cash counts towards the cashless rate.
    pub fn cashless(self) -> bool {
        !matches!(self, PayMethod::Cash)
    }
}

/// A payment order, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Number (the reference carries it).
    pub id: i64,
    /// The payment reference (`MC…`), the link every transfer note must carry.
    pub reference: String,
    /// The dossier.
    pub dossier_code: String,
    /// The collecting agency.
    pub agency: String,
    /// Its account, copied when the order was made.
    pub account: Option<PayAccount>,
    /// The lines charged.
    pub lines: Vec<Charge>,
    /// Due, đồng.
    pub amount_due: i64,
    /// Received, đồng (may exceed `amount_due`).
    pub amount_paid: i64,
    /// Refunded, đồng.
    pub amount_refunded: i64,
    /// Status.
    pub status: OrderStatus,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Payable until.
    pub expires_at: DateTime<Utc>,
    /// When it became paid in full.
    pub paid_at: Option<DateTime<Utc>>,
    /// The e-receipt's number, once issued (`{agency}-{year}-{n:06}`).
    pub receipt_no: Option<String>,
    /// Bumped by every change (optimistic concurrency in the store).
    pub version: i64,
}

/// Money received against an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// How.
    pub method: PayMethod,
    /// The gateway or bank that reports it (`vnpay`, `paygov`, a bank code, `counter`).
    pub provider: String,
    /// Its transaction number or slip reference: with `provider`, unique.
    pub provider_txn: String,
    /// Amount, đồng.
    pub amount: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who recorded it (an officer, or `gateway:vnpay`).
    pub recorded_by: String,
}

/// What a change does to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderChange {
    /// The order after the change.
    pub order: Order,
    /// Money received beyond what was due (to refund), đồng.
    pub overpaid: i64,
}

impl Order {
    /// What is still owed, đồng (never negative).
    pub fn balance(&self) -> i64 {
        (self.amount_due - self.amount_paid).max(0)
    }

    /// Records money received. A gateway must bring exactly the balance (it was asked
    /// for that amount); a transfer or slip may bring any positive amount, because
    /// people edit amounts in their banking apps.
    pub fn credit(&self, credit: &Credit) -> Result<OrderChange, FeeError> {
        if credit.amount <= 0 {
            return Err(FeeError::AmountInvalid {
                amount: credit.amount,
            });
        }
        if credit.method == PayMethod::Gateway && credit.amount != self.balance() {
            return Err(FeeError::AmountMismatch {
                expected: self.balance(),
                got: credit.amount,
            });
        }
        let accepts = self.status.payable()
            || (self.status == OrderStatus::UnderReview && self.amount_paid < self.amount_due);
        if !accepts {
            return Err(FeeError::NotPayable {
                status: self.status,
            });
        }
        let mut order = self.clone();
        order.version += 1;
        order.amount_paid = order
            .amount_paid
            .checked_add(credit.amount)
            .ok_or(FeeError::Overflow)?;
        let overpaid = (order.amount_paid - order.amount_due).max(0);
        if order.amount_paid >= order.amount_due {
            order.status = OrderStatus::Paid;
            order.paid_at = Some(credit.at);
        } else {
            order.status = OrderStatus::PartiallyPaid;
        }
        Ok(OrderChange { order, overpaid })
    }

    /// The gateway took the money but flags the transaction: hold for an officer.
    pub fn hold(&self) -> Result<Order, FeeError> {
        if !self.status.payable() {
            return Err(FeeError::NotPayable {
                status: self.status,
            });
        }
        let mut order = self.clone();
        order.version += 1;
        order.status = OrderStatus::UnderReview;
        Ok(order)
    }

    /// Closes an unpaid order past its time.
    pub fn expire(&self, now: DateTime<Utc>) -> Result<Order, FeeError> {
        if self.status != OrderStatus::Pending || now < self.expires_at {
            return Err(FeeError::NotPayable {
                status: self.status,
            });
        }
        let mut order = self.clone();
        order.version += 1;
        order.status = OrderStatus::Expired;
        Ok(order)
    }

    /// Cancels an order nothing was paid on.
    pub fn cancel(&self) -> Result<Order, FeeError> {
        if !matches!(
            self.status,
            OrderStatus::Pending | OrderStatus::Expired | OrderStatus::UnderReview
        ) || self.amount_paid > 0
        {
            return Err(FeeError::NotPayable {
                status: self.status,
            });
        }
        let mut order = self.clone();
        order.version += 1;
        order.status = OrderStatus::Cancelled;
        Ok(order)
    }

    /// Records a refund of `amount` of what was paid.
    pub fn refund(&self, amount: i64) -> Result<Order, FeeError> {
        if amount <= 0 {
            return Err(FeeError::AmountInvalid { amount });
        }
        if !matches!(
            self.status,
            OrderStatus::Paid | OrderStatus::PartiallyPaid | OrderStatus::PartiallyRefunded
        ) {
            return Err(FeeError::NotPayable {
                status: self.status,
            });
        }
        let refunded = self
            .amount_refunded
            .checked_add(amount)
            .ok_or(FeeError::Overflow)?;
        if refunded > self.amount_paid {
            return Err(FeeError::RefundTooLarge {
                refundable: self.amount_paid - self.amount_refunded,
                asked: amount,
            });
        }
        let mut order = self.clone();
        order.version += 1;
        order.amount_refunded = refunded;
        order.status = if refunded == order.amount_paid {
            OrderStatus::Refunded
        } else {
            OrderStatus::PartiallyRefunded
        };
        Ok(order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn order(due: i64) -> Order {
        Order {
            id: 1,
            reference: "MC0000000197".into(),
            dossier_code: "H79.50.01-261008-0001".into(),
            agency: "H79.50.01".into(),
            account: None,
            lines: vec![],
            amount_due: due,
            amount_paid: 0,
            amount_refunded: 0,
            status: OrderStatus::Pending,
            created_at: t("2026-10-08T03:00:00Z"),
            expires_at: t("2026-11-08T03:00:00Z"),
            paid_at: None,
            receipt_no: None,
            version: 1,
        }
    }

    fn credit(method: PayMethod, amount: i64) -> Credit {
        Credit {
            method,
            provider: "vnpay".into(),
            provider_txn: "1".into(),
            amount,
            at: t("2026-10-08T04:00:00Z"),
            recorded_by: "gateway:vnpay".into(),
        }
    }

    #[test]
    fn a_gateway_must_bring_exactly_the_balance() {
        let o = order(50_000);
        assert_eq!(
            o.credit(&credit(PayMethod::Gateway, 5_000)).unwrap_err(),
            FeeError::AmountMismatch {
                expected: 50_000,
                got: 5_000
            }
        );
        let paid = o.credit(&credit(PayMethod::Gateway, 50_000)).unwrap();
        assert_eq!(paid.order.status, OrderStatus::Paid);
        assert_eq!(paid.order.paid_at, Some(t("2026-10-08T04:00:00Z")));
        assert_eq!(
            paid.order
                .credit(&credit(PayMethod::Gateway, 50_000))
                .unwrap_err(),
            FeeError::AmountMismatch {
                expected: 0,
                got: 50_000
            }
        );
        assert_eq!(
            paid.order
                .credit(&credit(PayMethod::Transfer, 1))
                .unwrap_err(),
            FeeError::NotPayable {
                status: OrderStatus::Paid
            }
        );
    }

    #[test]
    fn transfers_add_up_partially_then_fully_and_overpayment_is_kept() {
        let o = order(50_000);
        let part = o
            .credit(&credit(PayMethod::Transfer, 20_000))
            .unwrap()
            .order;
        assert_eq!(part.status, OrderStatus::PartiallyPaid);
        assert_eq!(part.balance(), 30_000);
        let over = part.credit(&credit(PayMethod::Transfer, 40_000)).unwrap();
        assert_eq!(over.order.status, OrderStatus::Paid);
        assert_eq!(over.order.amount_paid, 60_000);
        assert_eq!(over.overpaid, 10_000);
        assert!(o.credit(&credit(PayMethod::Pos, 0)).is_err());
    }

    #[test]
    fn expiry_cancellation_and_refunds() {
        let o = order(50_000);
        assert!(o.expire(t("2026-11-01T00:00:00Z")).is_err());
        let expired = o.expire(t("2026-11-08T03:00:00Z")).unwrap();
        assert_eq!(expired.status, OrderStatus::Expired);
        assert!(
            expired
                .credit(&credit(PayMethod::Transfer, 50_000))
                .is_err()
        );
        assert_eq!(expired.cancel().unwrap().status, OrderStatus::Cancelled);
        let paid = o.credit(&credit(PayMethod::Pos, 50_000)).unwrap().order;
        assert!(paid.cancel().is_err());
        let half = paid.refund(20_000).unwrap();
        assert_eq!(half.status, OrderStatus::PartiallyRefunded);
        assert!(matches!(
            half.refund(40_000).unwrap_err(),
            FeeError::RefundTooLarge {
                refundable: 30_000,
                ..
            }
        ));
        assert_eq!(half.refund(30_000).unwrap().status, OrderStatus::Refunded);
    }

    #[test]
    fn a_held_transaction_can_be_confirmed_by_an_officer() {
        let held = order(50_000).hold().unwrap();
        assert_eq!(held.status, OrderStatus::UnderReview);
        let ok = held.credit(&credit(PayMethod::Transfer, 50_000)).unwrap();
        assert_eq!(ok.order.status, OrderStatus::Paid);
    }

    #[test]
    fn statuses_and_methods_round_trip_their_names() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        for m in PayMethod::ALL {
            assert_eq!(PayMethod::parse(m.as_str()), Some(m));
        }
        assert!(!PayMethod::Cash.cashless());
        assert!(PayMethod::Pos.cashless());
    }
}
