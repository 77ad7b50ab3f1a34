//! Charging a dossier: the schedule's lines turned into amounts for this dossier
//! (channel, quantities, an exemption), then grouped into one payment order per
//! receiving account. Pure: the caller stores what comes out, frozen.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::FeeError;
use super::schedule::{FeeBook, FeeKind, FeeSchedule, PayAccount, Rate};
use crate::catalog::Channel;

/// What a dossier brings to its charging.
#[derive(Debug, Clone, Default)]
pub struct ChargeInput {
    /// The channel it was filed through.
    pub channel: Option<Channel>,
    /// Receiving agency.
    pub receiving: String,
    /// Deciding agency.
    pub handling: String,
    /// Counted quantities by unit name (`trang` → 5, `ban` → 2).
    pub quantities: BTreeMap<String, u32>,
    /// Amounts an officer set for variable lines, by line id.
    pub amounts: BTreeMap<String, i64>,
    /// The exemption granted, and by whom.
    pub exemption: Option<(String, String)>,
}

/// An exemption as applied to a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedExemption {
    /// Its id in the schedule.
    pub id: String,
    /// Who qualifies.
    pub name: String,
    /// Percent taken off.
    pub percent: u8,
    /// Legal basis.
    pub legal_basis: String,
    /// The officer who granted it.
    pub approved_by: String,
}

/// One line charged to a dossier (frozen once stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// The schedule line's id.
    pub line: String,
    /// Its name.
    pub name: String,
    /// Phí or lệ phí.
    pub kind: FeeKind,
    /// The agency that receives it.
    pub agency: String,
    /// How it was counted, in Vietnamese (`5 trang × 2 bản`), when counted.
    #[serde(default)]
    pub quantity: Option<String>,
    /// Before any exemption, đồng.
    pub gross: i64,
    /// The exemption applied.
    #[serde(default)]
    pub exemption: Option<AppliedExemption>,
    /// Due, đồng.
    pub amount: i64,
    /// Legal basis.
    #[serde(default)]
    pub legal_basis: Option<String>,
}

/// The result of charging: the lines, and the variable lines still to be set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Charges {
    /// Lines with an amount.
    pub lines: Vec<Charge>,
    /// Variable lines whose amount the officer has not set yet.
    pub awaiting: Vec<String>,
}

fn quantity(input: &ChargeInput, unit: &str) -> Result<u32, FeeError> {
    match input.quantities.get(unit) {
        Some(n) => Ok(*n),
        None => Err(FeeError::QuantityMissing {
            unit: unit.to_owned(),
        }),
    }
}

fn banded(bands: &[super::schedule::Band], units: u32) -> Result<i64, FeeError> {
    let mut total: i64 = 0;
    for (i, band) in bands.iter().enumerate() {
        let end = bands
            .get(i + 1)
            .map(|next| next.from.saturating_sub(1))
            .unwrap_or(u32::MAX)
            .min(units);
        if end < band.from {
            continue;
        }
        let count = i64::from(end - band.from + 1);
        total = count
            .checked_mul(band.amount)
            .and_then(|v| total.checked_add(v))
            .ok_or(FeeError::Overflow)?;
    }
    Ok(total)
}

impl FeeSchedule {
    /// Charges a dossier by this schedule.
    pub fn charge(&self, input: &ChargeInput) -> Result<Charges, FeeError> {
        let exemption = match &input.exemption {
            Some((id, by)) => {
                let e = self
                    .exemptions
                    .iter()
                    .find(|e| &e.id == id)
                    .ok_or_else(|| FeeError::UnknownExemption { id: id.clone() })?;
                Some((e, by))
            }
            None => None,
        };
        let mut out = Charges::default();
        for line in &self.lines {
            if let Some(channel) = input.channel
                && !line.channels.is_empty()
                && !line.channels.contains(&channel)
            {
                continue;
            }
            let (gross, counted) = match &line.rate {
                Rate::Fixed { amount } => (*amount, None),
                Rate::PerUnit {
                    unit,
                    bands,
                    cap,
                    per,
                } => {
                    let units = quantity(input, unit)?;
                    let mut each = banded(bands, units)?;
                    if let Some(cap) = cap {
                        each = each.min(*cap);
                    }
                    match per {
                        Some(per) => {
                            let times = quantity(input, per)?;
                            let total = each
                                .checked_mul(i64::from(times))
                                .ok_or(FeeError::Overflow)?;
                            (total, Some(format!("{units} {unit} × {times} {per}")))
                        }
                        None => (each, Some(format!("{units} {unit}"))),
                    }
                }
                Rate::Variable { min, max } => match input.amounts.get(&line.id) {
                    Some(a) if a < min || a > max => {
                        return Err(FeeError::AmountOutOfRange {
                            line: line.id.clone(),
                            min: *min,
                            max: *max,
                        });
                    }
                    Some(a) => (*a, None),
                    None => {
                        out.awaiting.push(line.id.clone());
                        continue;
                    }
                },
            };
            let applied = exemption
                .filter(|(e, _)| e.lines.is_empty() || e.lines.contains(&line.id))
                .map(|(e, by)| AppliedExemption {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    percent: e.percent,
                    legal_basis: e.legal_basis.clone(),
                    approved_by: by.clone(),
                });
            // The reduction is rounded down, so the citizen never pays a fraction more.
            let amount = match &applied {
                Some(e) => gross.saturating_mul(i64::from(100 - e.percent.min(100))) / 100,
                None => gross,
            };
            out.lines.push(Charge {
                line: line.id.clone(),
                name: line.name.clone(),
                kind: line.kind,
                agency: line
                    .payee
                    .resolve(&input.receiving, &input.handling)
                    .to_owned(),
                quantity: counted,
                gross,
                exemption: applied,
                amount,
                legal_basis: line.legal_basis.clone(),
            });
        }
        Ok(out)
    }
}

/// An order to be created: the lines one account receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDraft {
    /// The collecting agency.
    pub agency: String,
    /// Its account, copied now and never looked up again (none when nothing is due).
    pub account: Option<PayAccount>,
    /// The lines.
    pub lines: Vec<Charge>,
    /// Their sum, đồng.
    pub amount_due: i64,
}

/// Groups charges into one order per collecting agency's account, in the order the
/// agencies first appear. An agency with money due and no account is an error: the
/// money would have nowhere to go.
pub fn group(
    charges: &[Charge],
    book: &FeeBook,
    day: NaiveDate,
) -> Result<Vec<OrderDraft>, FeeError> {
    let mut drafts: Vec<OrderDraft> = Vec::new();
    for c in charges {
        match drafts.iter_mut().find(|d| d.agency == c.agency) {
            Some(d) => {
                d.amount_due = d
                    .amount_due
                    .checked_add(c.amount)
                    .ok_or(FeeError::Overflow)?;
                d.lines.push(c.clone());
            }
            None => drafts.push(OrderDraft {
                agency: c.agency.clone(),
                account: None,
                lines: vec![c.clone()],
                amount_due: c.amount,
            }),
        }
    }
    let mut by_account: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut merged: Vec<OrderDraft> = Vec::new();
    for mut d in drafts {
        d.account = book.account(&d.agency, day).cloned();
        if d.account.is_none() && d.amount_due > 0 {
            return Err(FeeError::NoAccount { agency: d.agency });
        }
        // Two agencies sharing one collection account make one order: one transfer.
        let key = d
            .account
            .as_ref()
            .map(|a| (a.bin.clone(), a.number.clone()))
            .unwrap_or_else(|| (String::new(), d.agency.clone()));
        match by_account.get(&key).and_then(|i| merged.get_mut(*i)) {
            Some(m) => {
                m.amount_due = m
                    .amount_due
                    .checked_add(d.amount_due)
                    .ok_or(FeeError::Overflow)?;
                m.lines.extend(d.lines);
            }
            None => {
                by_account.insert(key, merged.len());
                merged.push(d);
            }
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fee::schedule::{AccountType, Band, Exemption, FeeLine, Payee};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn account(agency: &str, number: &str) -> PayAccount {
        PayAccount {
            agency: agency.into(),
            kind: AccountType::Treasury,
            bin: "970405".into(),
            number: number.into(),
            holder: "KBNN".into(),
            awaiting_budget: true,
            valid_from: day("2025-07-01"),
        }
    }

    fn certification() -> FeeSchedule {
        FeeSchedule {
            procedure: "2.000815".into(),
            valid_from: day("2025-07-01"),
            lines: vec![FeeLine {
                id: "phi".into(),
                name: "Phí chứng thực bản sao từ bản chính".into(),
                kind: FeeKind::Charge,
                rate: Rate::PerUnit {
                    unit: "trang".into(),
                    bands: vec![
                        Band {
                            from: 1,
                            amount: 2_000,
                        },
                        Band {
                            from: 3,
                            amount: 1_000,
                        },
                    ],
                    cap: Some(200_000),
                    per: Some("bản".into()),
                },
                payee: Payee::Receiving,
                channels: vec![],
                legal_basis: Some("Thông tư 226/2016/TT-BTC".into()),
            }],
            exemptions: vec![],
        }
    }

    fn input(pages: u32, copies: u32) -> ChargeInput {
        ChargeInput {
            receiving: "H79.50.01".into(),
            handling: "H79.50.01".into(),
            quantities: [("trang".to_owned(), pages), ("bản".to_owned(), copies)].into(),
            ..ChargeInput::default()
        }
    }

    #[test]
    fn per_page_bands_and_the_cap_per_copy() {
        let s = certification();
        // Worked by hand: 2 pages at 2,000 + 3 at 1,000 = 7,000 a copy; 2 copies.
        let c = s.charge(&input(5, 2)).unwrap();
        assert_eq!(c.lines[0].amount, 14_000);
        assert_eq!(c.lines[0].quantity.as_deref(), Some("5 trang × 2 bản"));
        assert_eq!(s.charge(&input(1, 1)).unwrap().lines[0].amount, 2_000);
        assert_eq!(s.charge(&input(2, 1)).unwrap().lines[0].amount, 4_000);
        assert_eq!(s.charge(&input(3, 1)).unwrap().lines[0].amount, 5_000);
        // 4,000 + 498 × 1,000 = 502,000 → capped at 200,000 a copy.
        assert_eq!(s.charge(&input(500, 3)).unwrap().lines[0].amount, 600_000);
        let missing = ChargeInput {
            quantities: [("trang".to_owned(), 3)].into(),
            ..input(0, 0)
        };
        assert_eq!(
            s.charge(&missing).unwrap_err(),
            FeeError::QuantityMissing {
                unit: "bản".into()
            }
        );
    }

    fn permit() -> FeeSchedule {
        FeeSchedule {
            procedure: "1.013225".into(),
            valid_from: day("2025-07-01"),
            lines: vec![
                FeeLine {
                    id: "le_phi".into(),
                    name: "Lệ phí cấp giấy phép xây dựng".into(),
                    kind: FeeKind::Fee,
                    rate: Rate::Fixed { amount: 75_000 },
                    payee: Payee::Receiving,
                    channels: vec![],
                    legal_basis: None,
                },
                FeeLine {
                    id: "tham_dinh".into(),
                    name: "Phí thẩm định".into(),
                    kind: FeeKind::Charge,
                    rate: Rate::Variable {
                        min: 100_000,
                        max: 5_000_000,
                    },
                    payee: Payee::Agency("H79.11".into()),
                    channels: vec![],
                    legal_basis: None,
                },
            ],
            exemptions: vec![Exemption {
                id: "ho_ngheo".into(),
                name: "Hộ nghèo".into(),
                lines: vec!["le_phi".into()],
                percent: 50,
                legal_basis: "Nghị quyết HĐND".into(),
            }],
        }
    }

    #[test]
    fn variable_lines_wait_for_the_officer_and_stay_in_bounds() {
        let s = permit();
        let mut i = input(0, 0);
        let c = s.charge(&i).unwrap();
        assert_eq!(c.lines.len(), 1);
        assert_eq!(c.awaiting, vec!["tham_dinh".to_owned()]);
        i.amounts.insert("tham_dinh".into(), 50_000);
        assert!(matches!(
            s.charge(&i).unwrap_err(),
            FeeError::AmountOutOfRange { .. }
        ));
        i.amounts.insert("tham_dinh".into(), 300_000);
        let c = s.charge(&i).unwrap();
        assert_eq!(c.lines.iter().map(|l| l.amount).sum::<i64>(), 375_000);
        assert_eq!(c.lines[1].agency, "H79.11");
    }

    #[test]
    fn an_exemption_reduces_only_its_lines_and_names_its_basis() {
        let s = permit();
        let mut i = input(0, 0);
        i.amounts.insert("tham_dinh".into(), 300_000);
        i.exemption = Some(("ho_ngheo".into(), "officer".into()));
        let c = s.charge(&i).unwrap();
        assert_eq!(c.lines[0].gross, 75_000);
        assert_eq!(c.lines[0].amount, 37_500);
        assert_eq!(
            c.lines[0].exemption.as_ref().unwrap().approved_by,
            "officer"
        );
        assert_eq!(c.lines[1].amount, 300_000);
        assert!(c.lines[1].exemption.is_none());
        i.exemption = Some(("nobody".into(), "officer".into()));
        assert!(matches!(
            s.charge(&i).unwrap_err(),
            FeeError::UnknownExemption { .. }
        ));
    }

    #[test]
    fn orders_split_by_account_and_sum_to_the_charges() {
        let s = permit();
        let mut i = input(0, 0);
        i.amounts.insert("tham_dinh".into(), 300_000);
        let c = s.charge(&i).unwrap();
        let mut book = FeeBook {
            accounts: vec![account("H79.50.01", "111"), account("H79.11", "222")],
            schedules: vec![s.clone()],
        };
        let orders = group(&c.lines, &book, day("2026-01-05")).unwrap();
        assert_eq!(orders.len(), 2);
        assert_eq!(orders[0].amount_due, 75_000);
        assert_eq!(orders[0].account.as_ref().unwrap().number, "111");
        assert_eq!(orders[1].amount_due, 300_000);
        assert_eq!(orders[1].account.as_ref().unwrap().number, "222");
        // One collection account for both agencies: one order.
        book.accounts[1].number = "111".into();
        let one = group(&c.lines, &book, day("2026-01-05")).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].amount_due, 375_000);
        // No account for an agency with money due: refused.
        book.accounts.truncate(1);
        assert_eq!(
            group(&c.lines, &book, day("2026-01-05")).unwrap_err(),
            FeeError::NoAccount {
                agency: "H79.11".into()
            }
        );
    }

    #[test]
    fn the_account_in_force_on_the_day_is_used() {
        let mut newer = account("H79.50.01", "999");
        newer.valid_from = day("2026-06-01");
        let book = FeeBook {
            accounts: vec![account("H79.50.01", "111"), newer],
            schedules: vec![],
        };
        assert_eq!(
            book.account("H79.50.01", day("2026-05-31")).unwrap().number,
            "111"
        );
        assert_eq!(
            book.account("H79.50.01", day("2026-06-01")).unwrap().number,
            "999"
        );
        assert!(book.account("H79.50.01", day("2025-01-01")).is_none());
    }
}
