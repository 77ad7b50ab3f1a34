//! Reconciliation (đối soát): each statement line against the orders we expect
//! money for, and each order we recorded as paid against the statement.
//!
//! The rules (spec/payments.md §5): a line is tied to an order only through our
//! reference — in the transfer note for a bank line ([`reference::find_in`]), in
//! `txn_ref` or the gateway's transaction number for a gateway line — and then
//! checked for receiving account, date window and amount. A line is **never**
//! assigned by amount alone: hundreds of citizens pay the same 50.000 đ fee, so an
//! amount that fits is no evidence; such lines go to the exception queue as
//! [`LineResult::Unmatched`] for an officer.
//!
//! Lines are processed in a canonical order (date, time, source, account,
//! transaction number, then every other field), not the order given, so the same
//! lines give the same [`Report`] however they were concatenated or sorted, and
//! "the second payment" of a double payment is the later one.
//!
//! Partial payments: the first line for an order is expected to bring
//! `amount_due` (or exactly `amount_paid`, when a gateway callback or an officer
//! already recorded the money); a later line is expected to bring the balance.
//! Anything else is [`MismatchReason::AmountDiffers`] with the amount that was
//! expected, and the order stays open for its balance. Once the lines for an order
//! reach `amount_due`, another line is a double payment
//! ([`MismatchReason::AlreadyMatched`]).
//!
//! Idempotency: a bank transaction is identified by (source, account,
//! transaction number). Overlapping exports repeat lines; a repeat is
//! [`IgnoreReason::Repeated`], not a second payment.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::reference;
use crate::statement::{Kind, Source, StatementLine, normalize_account};

/// Days after an order's expiry during which a transfer is still accepted:
/// banks post late, and a transfer made on the last evening shows the next day.
pub const DEFAULT_WINDOW_DAYS: u32 = 3;

/// An order we expect money for, as the payment records hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expected {
    /// The payment order.
    pub order_id: i64,
    /// Its payment reference ([`reference::make`]).
    pub reference: String,
    /// The dossier it belongs to.
    pub dossier_code: String,
    /// The receiving unit.
    pub agency: String,
    /// The receiving unit's account, as snapshotted when the order was created.
    pub account: String,
    /// Whole đồng owed.
    pub amount_due: i64,
    /// Whole đồng already recorded as received (gateway callbacks, officers).
    pub amount_paid: i64,
    /// When the order was created.
    pub created: NaiveDate,
    /// Last day the order could be paid.
    pub expires: NaiveDate,
    /// The gateway's transaction number, when paid online.
    pub provider_txn: Option<String>,
}

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

/// How to reconcile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Days after expiry a transfer is still accepted ([`DEFAULT_WINDOW_DAYS`]).
    pub window_days: u32,
    /// The days the statements cover, for [`MissingFromStatement`]; `None` takes
    /// the first and last day of the lines.
    pub period: Option<Period>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            window_days: DEFAULT_WINDOW_DAYS,
            period: None,
        }
    }
}

/// Why a line tied to an order does not settle it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum MismatchReason {
    /// A partial payment (less) or an overpayment (more).
    AmountDiffers {
        /// What was expected: the amount due, or the balance after earlier lines.
        expected: i64,
        /// What the line brought.
        got: i64,
    },
    /// The money went to another account than the order's — another unit's,
    /// the routing failure this check exists for.
    WrongAccount {
        /// The order's account.
        expected: String,
        /// Where the money went.
        got: String,
    },
    /// Dated before the order existed or after its expiry plus the window.
    OutsideWindow {
        /// First accepted day (the order's creation).
        from: NaiveDate,
        /// Last accepted day (expiry plus the window).
        until: NaiveDate,
    },
    /// The order was already settled by an earlier line: a double payment.
    AlreadyMatched {
        /// The transaction number of the line that settled it.
        first_bank_ref: String,
    },
}

/// Why a line could not be tied to any order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum UnmatchedReason {
    /// No valid reference in the note (absent, or mistyped so its check digits fail).
    NoReference,
    /// A valid reference of no expected order.
    UnknownReference {
        /// The reference.
        reference: String,
    },
    /// The line points at more than one order.
    SeveralReferences {
        /// The references, sorted.
        references: Vec<String>,
    },
    /// Several expected orders carry this reference (a data error upstream).
    AmbiguousReference {
        /// The reference.
        reference: String,
        /// The orders carrying it.
        orders: Vec<i64>,
    },
    /// The transaction number was already seen with other content (date or amount).
    BankRefConflict {
        /// The line where it was first seen.
        first_line: usize,
    },
}

/// Why a line takes no part in matching.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum IgnoreReason {
    /// Money out.
    Debit,
    /// A gateway transaction that did not succeed.
    NotSuccessful {
        /// The gateway's status.
        status: String,
    },
    /// The same transaction as an earlier line (overlapping statements).
    Repeated {
        /// The line where it was first seen.
        first_line: usize,
    },
}

/// What became of a statement line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum LineResult {
    /// Reference, account, window and amount agree.
    Matched {
        /// The order.
        order_id: i64,
    },
    /// Tied to an order by its reference, but something disagrees.
    Mismatched {
        /// The order.
        order_id: i64,
        /// What disagrees.
        reason: MismatchReason,
    },
    /// Tied to no order: the exception queue.
    Unmatched {
        /// Why.
        reason: UnmatchedReason,
    },
    /// Not money in.
    Ignored {
        /// Why.
        reason: IgnoreReason,
    },
}

impl LineResult {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            LineResult::Matched { .. } => "matched",
            LineResult::Mismatched { reason, .. } => match reason {
                MismatchReason::AmountDiffers { .. } => "amount_differs",
                MismatchReason::WrongAccount { .. } => "wrong_account",
                MismatchReason::OutsideWindow { .. } => "outside_window",
                MismatchReason::AlreadyMatched { .. } => "already_matched",
            },
            LineResult::Unmatched { reason } => match reason {
                UnmatchedReason::NoReference => "no_reference",
                UnmatchedReason::UnknownReference { .. } => "unknown_reference",
                UnmatchedReason::SeveralReferences { .. } => "several_references",
                UnmatchedReason::AmbiguousReference { .. } => "ambiguous_reference",
                UnmatchedReason::BankRefConflict { .. } => "bank_ref_conflict",
            },
            LineResult::Ignored { reason } => match reason {
                IgnoreReason::Debit => "debit",
                IgnoreReason::NotSuccessful { .. } => "not_successful",
                IgnoreReason::Repeated { .. } => "repeated",
            },
        }
    }

    /// The order the line is tied to, if any.
    pub fn order_id(&self) -> Option<i64> {
        match self {
            LineResult::Matched { order_id } | LineResult::Mismatched { order_id, .. } => {
                Some(*order_id)
            }
            LineResult::Unmatched { .. } | LineResult::Ignored { .. } => None,
        }
    }

    /// Vietnamese explanation for the officer working the exception queue.
    pub fn message_vi(&self) -> String {
        match self {
            LineResult::Matched { order_id } => format!("Khớp với lệnh thu số {order_id}."),
            LineResult::Mismatched { order_id, reason } => match reason {
                MismatchReason::AmountDiffers { expected, got } if got < expected => format!(
                    "Lệnh thu số {order_id}: nộp thiếu — nhận {got} đồng, cần {expected} đồng."
                ),
                MismatchReason::AmountDiffers { expected, got } => format!(
                    "Lệnh thu số {order_id}: nộp thừa — nhận {got} đồng, cần {expected} đồng; phần thừa phải hoàn lại."
                ),
                MismatchReason::WrongAccount { expected, got } => format!(
                    "Lệnh thu số {order_id}: tiền vào tài khoản {got}, không phải tài khoản thu {expected} của đơn vị."
                ),
                MismatchReason::OutsideWindow { from, until } => format!(
                    "Lệnh thu số {order_id}: giao dịch ngoài thời hạn nộp ({from} đến {until})."
                ),
                MismatchReason::AlreadyMatched { first_bank_ref } => format!(
                    "Lệnh thu số {order_id} đã được thanh toán bởi giao dịch {first_bank_ref}: nộp hai lần."
                ),
            },
            LineResult::Unmatched { reason } => match reason {
                UnmatchedReason::NoReference => {
                    "Nội dung chuyển khoản không có mã thanh toán hợp lệ.".to_owned()
                }
                UnmatchedReason::UnknownReference { reference } => {
                    format!("Mã thanh toán {reference} không thuộc lệnh thu nào.")
                }
                UnmatchedReason::SeveralReferences { references } => format!(
                    "Giao dịch ghi nhiều mã thanh toán ({}): cần cán bộ phân bổ.",
                    references.join(", ")
                ),
                UnmatchedReason::AmbiguousReference { reference, orders } => format!(
                    "Mã thanh toán {reference} trùng ở nhiều lệnh thu ({}).",
                    orders
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                UnmatchedReason::BankRefConflict { first_line } => {
                    format!("Số giao dịch đã xuất hiện ở dòng {first_line} với nội dung khác.")
                }
            },
            LineResult::Ignored { reason } => match reason {
                IgnoreReason::Debit => "Giao dịch ghi nợ (tiền ra), không đối soát.".to_owned(),
                IgnoreReason::NotSuccessful { status } => {
                    format!("Giao dịch không thành công (trạng thái {status}).")
                }
                IgnoreReason::Repeated { first_line } => {
                    format!("Trùng giao dịch ở dòng {first_line} (sao kê lặp).")
                }
            },
        }
    }
}

/// A line and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    /// The statement line.
    pub line: StatementLine,
    /// The result.
    pub result: LineResult,
}

/// How many lines, and how many đồng.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Lines.
    pub count: usize,
    /// Sum of their amounts, whole đồng.
    pub sum_vnd: i64,
}

impl Tally {
    fn add(&mut self, amount: i64) {
        self.count += 1;
        self.sum_vnd = self.sum_vnd.saturating_add(amount);
    }
}

/// Tallies by result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Matched lines.
    pub matched: Tally,
    /// Mismatched lines.
    pub mismatched: Tally,
    /// Unmatched lines.
    pub unmatched: Tally,
    /// Ignored lines (debits, failed gateway transactions, repeats).
    pub ignored: Tally,
}

impl Totals {
    fn add(&mut self, line: &ReportLine) {
        let amount = line.line.amount_vnd;
        match line.result {
            LineResult::Matched { .. } => self.matched.add(amount),
            LineResult::Mismatched { .. } => self.mismatched.add(amount),
            LineResult::Unmatched { .. } => self.unmatched.add(amount),
            LineResult::Ignored { .. } => self.ignored.add(amount),
        }
    }
}

/// One day of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayReport {
    /// The day.
    pub date: NaiveDate,
    /// Its tallies.
    pub totals: Totals,
    /// Its lines, in canonical order.
    pub lines: Vec<ReportLine>,
}

/// One receiving account of one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountReport {
    /// Bank statement or gateway file.
    pub source: Source,
    /// The account (normalised; empty for gateway lines naming none).
    pub account: String,
    /// Its tallies.
    pub totals: Totals,
    /// Its days, in date order.
    pub days: Vec<DayReport>,
}

/// An order recorded as paid that no statement line points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingFromStatement {
    /// The order.
    pub order_id: i64,
    /// Its reference.
    pub reference: String,
    /// Its dossier.
    pub dossier_code: String,
    /// Its receiving unit.
    pub agency: String,
    /// Its account.
    pub account: String,
    /// What we recorded as received.
    pub amount_paid: i64,
    /// The gateway's transaction number, when paid online.
    pub provider_txn: Option<String>,
}

/// The outcome of a reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The window used.
    pub window_days: u32,
    /// The days covered (given, or spanned by the lines; `None` without lines).
    pub period: Option<Period>,
    /// Tallies over everything.
    pub totals: Totals,
    /// By account (then source), each by day.
    pub accounts: Vec<AccountReport>,
    /// Orders recorded as paid with no line, by order id.
    pub missing_from_statement: Vec<MissingFromStatement>,
}

impl Report {
    /// Every line with its result, in report order.
    pub fn lines(&self) -> impl Iterator<Item = &ReportLine> {
        self.accounts
            .iter()
            .flat_map(|a| a.days.iter())
            .flat_map(|d| d.lines.iter())
    }
}

/// What the lines so far brought an order.
#[derive(Debug, Default)]
struct Progress {
    received: i64,
    settled_by: Option<String>,
}

/// Expected orders indexed by what lines can point at.
#[derive(Debug)]
struct Index<'a> {
    orders: Vec<&'a Expected>,
    by_reference: BTreeMap<String, Vec<usize>>,
    by_provider_txn: BTreeMap<String, Vec<usize>>,
}

impl<'a> Index<'a> {
    fn new(expected: &'a [Expected]) -> Self {
        let mut orders: Vec<&Expected> = expected.iter().collect();
        orders.sort_by_key(|e| e.order_id);
        let mut by_reference: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut by_provider_txn: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, e) in orders.iter().enumerate() {
            by_reference
                .entry(e.reference.trim().to_ascii_uppercase())
                .or_default()
                .push(i);
            if let Some(txn) = e.provider_txn.as_deref().map(str::trim)
                && !txn.is_empty()
            {
                by_provider_txn.entry(txn.to_owned()).or_default().push(i);
            }
        }
        Index {
            orders,
            by_reference,
            by_provider_txn,
        }
    }

    fn order(&self, i: usize) -> Option<&'a Expected> {
        self.orders.get(i).copied()
    }

    /// The one order a line points at, or why there is not one.
    fn resolve(&self, line: &StatementLine) -> Result<usize, UnmatchedReason> {
        let mut references: Vec<String> = reference::find_in(&line.description);
        let mut candidates: BTreeSet<usize> = BTreeSet::new();
        let txn_ref = line.txn_ref.as_deref().map(str::trim).unwrap_or_default();
        if let Source::Gateway(_) = line.source {
            references.extend(reference::find_in(txn_ref));
            // Our references are the txn_ref we send; an exact match also covers
            // a reference in another form, should the form ever change.
            let exact = txn_ref.to_ascii_uppercase();
            if !exact.is_empty()
                && self.by_reference.contains_key(&exact)
                && !references.contains(&exact)
            {
                references.push(exact);
            }
            if let Some(found) = self.by_provider_txn.get(line.bank_ref.trim()) {
                if let [one] = found.as_slice() {
                    candidates.insert(*one);
                } else {
                    return Err(UnmatchedReason::AmbiguousReference {
                        reference: line.bank_ref.clone(),
                        orders: self.order_ids(found),
                    });
                }
            }
        }
        let mut unknown: Vec<String> = Vec::new();
        for r in &references {
            match self.by_reference.get(r).map(Vec::as_slice) {
                None => unknown.push(r.clone()),
                Some([one]) => {
                    candidates.insert(*one);
                }
                Some(found) => {
                    return Err(UnmatchedReason::AmbiguousReference {
                        reference: r.clone(),
                        orders: self.order_ids(found),
                    });
                }
            }
        }
        if candidates.len() + unknown.len() > 1 {
            let mut all: BTreeSet<String> = unknown.into_iter().collect();
            all.extend(
                candidates
                    .iter()
                    .filter_map(|i| self.order(*i))
                    .map(|e| e.reference.trim().to_ascii_uppercase()),
            );
            return Err(UnmatchedReason::SeveralReferences {
                references: all.into_iter().collect(),
            });
        }
        if let Some(one) = candidates.first() {
            return Ok(*one);
        }
        if let Some(reference) = unknown.into_iter().next() {
            return Err(UnmatchedReason::UnknownReference { reference });
        }
        if !txn_ref.is_empty() {
            // A gateway line always names our order; one we do not know is worth
            // showing as written rather than as "no reference".
            return Err(UnmatchedReason::UnknownReference {
                reference: txn_ref.to_owned(),
            });
        }
        Err(UnmatchedReason::NoReference)
    }

    fn order_ids(&self, found: &[usize]) -> Vec<i64> {
        found
            .iter()
            .filter_map(|i| self.order(*i))
            .map(|e| e.order_id)
            .collect()
    }
}

/// Last day a line is accepted for `order`.
fn accepted_until(order: &Expected, window_days: u32) -> NaiveDate {
    order
        .expires
        .checked_add_days(Days::new(u64::from(window_days)))
        .unwrap_or(NaiveDate::MAX)
}

/// The result for a line tied to `order`, given what earlier lines brought it.
fn judge(
    line: &StatementLine,
    order: &Expected,
    progress: &mut Progress,
    window_days: u32,
) -> LineResult {
    let order_id = order.order_id;
    let mismatched = |reason| LineResult::Mismatched { order_id, reason };
    // A gateway file may not say where it settles; its lines are tied to the
    // order through the gateway's own record instead.
    let got = normalize_account(&line.account);
    if !got.is_empty() && got != normalize_account(&order.account) {
        return mismatched(MismatchReason::WrongAccount {
            expected: order.account.clone(),
            got: line.account.clone(),
        });
    }
    let until = accepted_until(order, window_days);
    if line.date < order.created || line.date > until {
        return mismatched(MismatchReason::OutsideWindow {
            from: order.created,
            until,
        });
    }
    if let Some(first_bank_ref) = &progress.settled_by {
        return mismatched(MismatchReason::AlreadyMatched {
            first_bank_ref: first_bank_ref.clone(),
        });
    }
    let amount = line.amount_vnd;
    let first = progress.received == 0;
    let expected = if first {
        order.amount_due
    } else {
        order.amount_due.saturating_sub(progress.received)
    };
    let confirms_record = first && order.amount_paid > 0 && amount == order.amount_paid;
    progress.received = progress.received.saturating_add(amount);
    if progress.received >= order.amount_due {
        progress.settled_by = Some(line.bank_ref.clone());
    }
    if amount == expected || confirms_record {
        LineResult::Matched { order_id }
    } else {
        mismatched(MismatchReason::AmountDiffers {
            expected,
            got: amount,
        })
    }
}

/// The canonical order of lines: chronological, then by where and which
/// transaction, then by everything else so that even identical keys sort the same.
fn canonical(a: &StatementLine, b: &StatementLine) -> std::cmp::Ordering {
    (a.date, a.at, &a.source, &a.account, &a.bank_ref)
        .cmp(&(b.date, b.at, &b.source, &b.account, &b.bank_ref))
        .then_with(|| a.cmp(b))
}

/// Matches statement lines to expected orders, and lists paid orders the
/// statements do not show. Pure and deterministic: the order of `lines` and of
/// `expected` does not change the report.
///
/// An order is reported [`MissingFromStatement`] when it has `amount_paid > 0`,
/// no line points at it, its acceptance window overlaps the period, and the
/// statements cover it: a gateway file was given, for an order paid online
/// (`provider_txn`); its account has bank lines, otherwise. (Without that last
/// condition every order of an account whose statement was not uploaded would
/// be reported.)
pub fn reconcile(lines: &[StatementLine], expected: &[Expected], options: &Options) -> Report {
    let index = Index::new(expected);
    let mut sorted: Vec<&StatementLine> = lines.iter().collect();
    sorted.sort_by(|a, b| canonical(a, b));

    let mut progress: HashMap<usize, Progress> = HashMap::new();
    let mut seen: HashMap<(&Source, &str, &str), &StatementLine> = HashMap::new();
    let mut pointed_at: BTreeSet<usize> = BTreeSet::new();
    let mut results: Vec<ReportLine> = Vec::with_capacity(sorted.len());
    for line in sorted {
        let result = match line.kind {
            Kind::Debit => LineResult::Ignored {
                reason: IgnoreReason::Debit,
            },
            Kind::Failed => LineResult::Ignored {
                reason: IgnoreReason::NotSuccessful {
                    status: line.status.clone().unwrap_or_default(),
                },
            },
            Kind::Credit => {
                let key = (&line.source, line.account.as_str(), line.bank_ref.as_str());
                match seen.get(&key) {
                    Some(first)
                        if first.amount_vnd == line.amount_vnd && first.date == line.date =>
                    {
                        LineResult::Ignored {
                            reason: IgnoreReason::Repeated {
                                first_line: first.line_no,
                            },
                        }
                    }
                    Some(first) => LineResult::Unmatched {
                        reason: UnmatchedReason::BankRefConflict {
                            first_line: first.line_no,
                        },
                    },
                    None => {
                        seen.insert(key, line);
                        match index.resolve(line) {
                            Err(reason) => LineResult::Unmatched { reason },
                            Ok(i) => match index.order(i) {
                                None => LineResult::Unmatched {
                                    reason: UnmatchedReason::NoReference,
                                },
                                Some(order) => {
                                    pointed_at.insert(i);
                                    let p = progress.entry(i).or_default();
                                    judge(line, order, p, options.window_days)
                                }
                            },
                        }
                    }
                }
            }
        };
        results.push(ReportLine {
            line: line.clone(),
            result,
        });
    }

    let period = options.period.or_else(|| {
        let from = lines.iter().map(|l| l.date).min()?;
        let to = lines.iter().map(|l| l.date).max()?;
        Some(Period { from, to })
    });
    let bank_accounts: BTreeSet<String> = lines
        .iter()
        .filter(|l| l.source == Source::Bank)
        .map(|l| normalize_account(&l.account))
        .collect();
    let gateway_given = lines.iter().any(|l| matches!(l.source, Source::Gateway(_)));
    let missing_from_statement = period.map_or_else(Vec::new, |period| {
        index
            .orders
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                let covered = if e.provider_txn.is_some() {
                    gateway_given
                } else {
                    bank_accounts.contains(&normalize_account(&e.account))
                };
                e.amount_paid > 0
                    && !pointed_at.contains(i)
                    && covered
                    && e.created <= period.to
                    && accepted_until(e, options.window_days) >= period.from
            })
            .map(|(_, e)| MissingFromStatement {
                order_id: e.order_id,
                reference: e.reference.clone(),
                dossier_code: e.dossier_code.clone(),
                agency: e.agency.clone(),
                account: e.account.clone(),
                amount_paid: e.amount_paid,
                provider_txn: e.provider_txn.clone(),
            })
            .collect()
    });

    let mut totals = Totals::default();
    let mut grouped: BTreeMap<(String, Source), BTreeMap<NaiveDate, Vec<ReportLine>>> =
        BTreeMap::new();
    for r in results {
        totals.add(&r);
        grouped
            .entry((r.line.account.clone(), r.line.source.clone()))
            .or_default()
            .entry(r.line.date)
            .or_default()
            .push(r);
    }
    let accounts = grouped
        .into_iter()
        .map(|((account, source), days)| {
            let mut account_totals = Totals::default();
            let days = days
                .into_iter()
                .map(|(date, lines)| {
                    let mut day_totals = Totals::default();
                    for l in &lines {
                        day_totals.add(l);
                        account_totals.add(l);
                    }
                    DayReport {
                        date,
                        totals: day_totals,
                        lines,
                    }
                })
                .collect();
            AccountReport {
                source,
                account,
                totals: account_totals,
                days,
            }
        })
        .collect();

    Report {
        window_days: options.window_days,
        period,
        totals,
        accounts,
        missing_from_statement,
    }
}
