//! Statement import and reconciliation, through the public API.

// Helpers outside `#[test]` functions are test code too (clippy.toml only
// exempts the test functions themselves).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use motcua_pay::reconcile::{
    DEFAULT_WINDOW_DAYS, Expected, IgnoreReason, LineResult, MismatchReason, Options, Period,
    Report, UnmatchedReason, reconcile,
};
use motcua_pay::reference;
use motcua_pay::statement::{
    self, Kind, MAX_ERRORS, Source, StatementError, StatementLine, parse_bank, parse_gateway,
};
use proptest::prelude::*;

const PROVINCE: &str = "0071001234567";
const AGENCY: &str = "1180201009999";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn mc(n: i64) -> String {
    reference::make(u64::try_from(n).unwrap()).unwrap()
}

/// An order created 1 March 2025, payable until 10 March.
fn order(id: i64, account: &str, due: i64, paid: i64) -> Expected {
    Expected {
        order_id: id,
        reference: mc(id),
        dossier_code: format!("000.00.01.H12-250301-{id:04}"),
        agency: if account == AGENCY {
            "Sở Tài nguyên và Môi trường".to_owned()
        } else {
            "UBND tỉnh".to_owned()
        },
        account: account.to_owned(),
        amount_due: due,
        amount_paid: paid,
        created: day(2025, 3, 1),
        expires: day(2025, 3, 10),
        provider_txn: None,
    }
}

/// A bank statement from CSV rows (after our header).
fn bank(rows: &[&str]) -> Vec<StatementLine> {
    let mut text = "date,account,bank_ref,amount,description\n".to_owned();
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    parse_bank(&text).unwrap()
}

fn results(report: &Report) -> Vec<(String, LineResult)> {
    report
        .lines()
        .map(|l| (l.line.bank_ref.clone(), l.result.clone()))
        .collect()
}

fn result_of(report: &Report, bank_ref: &str) -> LineResult {
    report
        .lines()
        .find(|l| l.line.bank_ref == bank_ref)
        .map(|l| l.result.clone())
        .unwrap_or_else(|| panic!("no line {bank_ref}"))
}

fn errors_of(text: &str) -> Vec<StatementError> {
    parse_bank(text).unwrap_err().errors
}

// ---------------------------------------------------------------- import

#[test]
fn our_csv_with_bom_quotes_separators_and_both_date_forms() {
    let text = format!(
        "\u{feff}Ngày giao dịch,Số tài khoản,Số giao dịch,Số dư,Số tiền,Nội dung,Đối ứng\r\n\
         2025-03-04 09:15,0071 0012 34567,FT001,9.000.000,\"1,200,000\",{a} nop phi,NGUYEN VAN A\r\n\
         04/03/2025,0071001234567,FT002,,500.000,\"CT DEN:123 {b}, \"\"le phi\"\"\r\nho so\",\r\n\
         \r\n\
         5/3/2025 14:02:09,0071001234567,FT003,,\"1.000.000,00\",{c},\r\n\
         2025-03-05,0071001234567,FT004,,-11.000,Phi quan ly tai khoan,\r\n",
        a = mc(1),
        b = mc(2),
        c = mc(3).to_lowercase(),
    );
    let lines = parse_bank(&text).unwrap();
    assert_eq!(lines.len(), 4);
    let first = &lines[0];
    assert_eq!(first.source, Source::Bank);
    assert_eq!(first.line_no, 2);
    assert_eq!(first.date, day(2025, 3, 4));
    assert_eq!(first.at, day(2025, 3, 4).and_hms_opt(9, 15, 0));
    assert_eq!(
        first.account, PROVINCE,
        "spaces in account numbers are dropped"
    );
    assert_eq!(first.bank_ref, "FT001");
    assert_eq!(first.amount_vnd, 1_200_000);
    assert_eq!(first.kind, Kind::Credit);
    assert_eq!(first.description, format!("{} nop phi", mc(1)));
    assert_eq!(first.counterparty.as_deref(), Some("NGUYEN VAN A"));

    let second = &lines[1];
    assert_eq!(second.line_no, 3);
    assert_eq!((second.date, second.at), (day(2025, 3, 4), None));
    assert_eq!(second.amount_vnd, 500_000);
    assert_eq!(
        second.description,
        format!("CT DEN:123 {}, \"le phi\"\nho so", mc(2))
    );
    assert_eq!(second.counterparty, None);

    // The quoted note spans two lines and a blank line follows: line numbers are
    // the file's, not the record count.
    let third = &lines[2];
    assert_eq!(third.line_no, 6);
    assert_eq!(third.at, day(2025, 3, 5).and_hms_opt(14, 2, 9));
    assert_eq!(third.amount_vnd, 1_000_000);

    let fourth = &lines[3];
    assert_eq!(fourth.line_no, 7);
    assert_eq!((fourth.kind, fourth.amount_vnd), (Kind::Debit, -11_000));
}

#[test]
fn columns_in_any_order_under_any_alias_and_semicolons() {
    let text = "NOI DUNG;so tien (VND);Ma giao dich;TAI KHOAN;Ngay\n\
                nop phi;1.200.000;X1;0071001234567;2025-03-04\n";
    let lines = parse_bank(text).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].amount_vnd, 1_200_000);
    assert_eq!(lines[0].bank_ref, "X1");
    assert_eq!(lines[0].account, PROVINCE);
    assert_eq!(lines[0].description, "nop phi");
}

#[test]
fn every_error_code_names_its_line_and_column() {
    let header = "date,account,bank_ref,amount,description\n";
    let cases: Vec<(String, &str, usize, Option<&str>)> = vec![
        (String::new(), "statement_empty", 1, None),
        (header.to_owned(), "statement_empty", 1, None),
        (
            "2025-03-04,0071001234567,FT1,100000,x\n".to_owned(),
            "statement_header_missing",
            1,
            None,
        ),
        (
            "\n\ndate,account,bank_ref,description\n2025-03-04,1,FT1,x\n".to_owned(),
            "statement_column_missing",
            3,
            Some("amount"),
        ),
        (
            "date,ngay_giao_dich,account,bank_ref,amount,description\n".to_owned(),
            "statement_column_duplicate",
            1,
            Some("date"),
        ),
        (
            format!("{header}2025-03-04,0071001234567,FT1,1,200,000,x\n"),
            "statement_row_width",
            2,
            None,
        ),
        (
            format!("{header}2025-03-04,0071001234567,FT1,100000,x\n2025-03-04,,FT2,100000,x\n"),
            "statement_field_empty",
            3,
            Some("account"),
        ),
        (
            format!("{header}2025-03-04,0071001234567,FT1,\"1.200.000,50\",x\n"),
            "statement_amount_invalid",
            2,
            Some("amount"),
        ),
        (
            format!("{header}2025-03-04,0071001234567,FT1,0,x\n"),
            "statement_amount_invalid",
            2,
            Some("amount"),
        ),
        (
            format!("{header}2025-02-30,0071001234567,FT1,100000,x\n"),
            "statement_date_invalid",
            2,
            Some("date"),
        ),
        (
            format!(
                "{header}2025-03-04,0071001234567,FT1,100000,x\n\
                 2025-03-04,0071001234568,FT1,100000,other account: fine\n\
                 2025-03-05,0071-0012-34567,FT1,100000,x\n"
            ),
            "statement_duplicate_ref",
            4,
            Some("bank_ref"),
        ),
        (
            format!("{header}2025-03-04,0071001234567,FT1,100000,\"x\n"),
            "statement_csv_invalid",
            2,
            None,
        ),
    ];
    for (text, code, line, column) in cases {
        let errors = errors_of(&text);
        assert_eq!(errors.len(), 1, "{code}: {errors:?}");
        let e = &errors[0];
        assert_eq!(
            (e.code(), e.line(), e.column()),
            (code, line, column),
            "{text:?}"
        );
        assert!(
            e.message_vi().starts_with(&format!("Dòng {line}")),
            "{}",
            e.message_vi()
        );
    }
    let dup = errors_of(&format!(
        "{header}2025-03-04,0071001234567,FT1,100000,x\n2025-03-05,0071001234567,FT1,1,x\n"
    ));
    assert!(matches!(
        dup[0],
        StatementError::DuplicateRef { first_line: 2, .. }
    ));

    let bad = statement::decode(b"date,account\n2025-03-04,\xff\n").unwrap_err();
    assert_eq!(bad.errors[0].code(), "statement_encoding_invalid");
    assert_eq!(bad.errors[0].line(), 2);
    assert!(statement::decode("Số tiền".as_bytes()).is_ok());
}

#[test]
fn import_is_all_or_nothing_and_lists_every_row_error() {
    let text = format!(
        "date,account,bank_ref,amount,description\n\
         2025-03-04,{PROVINCE},FT1,100000,{a}\n\
         2025-03-04,{PROVINCE},FT2,10.5,{a}\n\
         2025-13-04,{PROVINCE},FT3,100000,{a}\n\
         2025-03-04,{PROVINCE},FT4,100000,{a}\n",
        a = mc(1)
    );
    let refused = parse_bank(&text).unwrap_err();
    let found: Vec<(&str, usize)> = refused
        .errors
        .iter()
        .map(|e| (e.code(), e.line()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("statement_amount_invalid", 3),
            ("statement_date_invalid", 4)
        ]
    );
    assert_eq!(refused.omitted, 0);

    let mut many = "date,account,bank_ref,amount,description\n".to_owned();
    for i in 0..60 {
        many.push_str(&format!("2025-03-04,{PROVINCE},FT{i},abc,x\n"));
    }
    let refused = parse_bank(&many).unwrap_err();
    assert_eq!(refused.errors.len(), MAX_ERRORS);
    assert_eq!(refused.omitted, 10);
    assert_eq!(refused.errors[0].line(), 2);
    assert_eq!(refused.messages_vi().last().unwrap(), "… và 10 lỗi khác.");
}

#[test]
fn gateway_file_reads_compact_dates_and_keeps_failures() {
    let text = format!(
        "txn_ref,transaction_no,amount,pay_date,bank_code,status\n\
         {a},14522301,1200000,20250304091500,NCB,00\n\
         {b},0,500000,20250304101122,VCB,24\n\
         {b},0,500000,20250304101501,VCB,24\n",
        a = mc(1),
        b = mc(2)
    );
    let lines = parse_gateway("vnpay", &text).unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0].source, Source::Gateway("vnpay".to_owned()));
    assert_eq!(lines[0].at, day(2025, 3, 4).and_hms_opt(9, 15, 0));
    assert_eq!(lines[0].date, day(2025, 3, 4));
    assert_eq!(lines[0].bank_ref, "14522301");
    assert_eq!(lines[0].txn_ref.as_deref(), Some(mc(1).as_str()));
    assert_eq!(lines[0].account, "");
    assert_eq!(lines[0].kind, Kind::Credit);
    assert_eq!(lines[1].kind, Kind::Failed);
    assert_eq!(lines[1].status.as_deref(), Some("24"));

    let bad = parse_gateway(
        "vnpay",
        "txn_ref,transaction_no,amount,pay_date,bank_code,status\n\
         MC1,7,1000,2025-03-04,NCB,00\n\
         MC2,,1000,20250304091500,NCB,00\n\
         MC3,7,1000,20250304091500,NCB,00\n",
    )
    .unwrap_err();
    let found: Vec<(&str, usize, Option<&str>)> = bad
        .errors
        .iter()
        .map(|e| (e.code(), e.line(), e.column()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("statement_date_invalid", 2, Some("pay_date")),
            ("statement_field_empty", 3, Some("transaction_no")),
        ]
    );
    let missing = parse_gateway("vnpay", "txn_ref,amount,pay_date,status\n").unwrap_err();
    let columns: Vec<_> = missing.errors.iter().filter_map(|e| e.column()).collect();
    assert_eq!(columns, vec!["transaction_no", "bank_code"]);
}

// ---------------------------------------------------------------- matching

#[test]
fn exact_match() {
    let lines = bank(&[&format!(
        "2025-03-04,{PROVINCE},FT1,1.200.000,IBFT {} nop phi",
        mc(7)
    )]);
    let report = reconcile(
        &lines,
        &[order(7, PROVINCE, 1_200_000, 0)],
        &Options::default(),
    );
    assert_eq!(
        result_of(&report, "FT1"),
        LineResult::Matched { order_id: 7 }
    );
    assert_eq!(report.totals.matched.count, 1);
    assert_eq!(report.totals.matched.sum_vnd, 1_200_000);
    assert!(report.missing_from_statement.is_empty());
}

#[test]
fn partial_payment_then_balance() {
    let lines = bank(&[
        &format!("2025-03-04,{PROVINCE},FT1,1.000.000,{}", mc(7)),
        &format!("2025-03-06,{PROVINCE},FT2,200.000,{}", mc(7)),
    ]);
    let report = reconcile(
        &lines,
        &[order(7, PROVINCE, 1_200_000, 0)],
        &Options::default(),
    );
    assert_eq!(
        result_of(&report, "FT1"),
        LineResult::Mismatched {
            order_id: 7,
            reason: MismatchReason::AmountDiffers {
                expected: 1_200_000,
                got: 1_000_000
            }
        }
    );
    assert_eq!(
        result_of(&report, "FT2"),
        LineResult::Matched { order_id: 7 }
    );
}

#[test]
fn overpayment() {
    let lines = bank(&[&format!("2025-03-04,{PROVINCE},FT1,2.000.000,{}", mc(7))]);
    let report = reconcile(
        &lines,
        &[order(7, PROVINCE, 1_200_000, 0)],
        &Options::default(),
    );
    let result = result_of(&report, "FT1");
    assert_eq!(
        result,
        LineResult::Mismatched {
            order_id: 7,
            reason: MismatchReason::AmountDiffers {
                expected: 1_200_000,
                got: 2_000_000
            }
        }
    );
    assert!(result.message_vi().contains("nộp thừa"));
    assert_eq!(report.totals.mismatched.sum_vnd, 2_000_000);
}

#[test]
fn money_in_another_units_account() {
    let lines = bank(&[&format!("2025-03-04,{AGENCY},FT1,1.200.000,{}", mc(7))]);
    let report = reconcile(
        &lines,
        &[order(7, PROVINCE, 1_200_000, 0)],
        &Options::default(),
    );
    assert_eq!(
        result_of(&report, "FT1"),
        LineResult::Mismatched {
            order_id: 7,
            reason: MismatchReason::WrongAccount {
                expected: PROVINCE.to_owned(),
                got: AGENCY.to_owned()
            }
        }
    );
}

#[test]
fn double_payment() {
    let lines = bank(&[
        &format!("2025-03-05,{PROVINCE},FT2,1.200.000,{}", mc(7)),
        &format!("2025-03-04,{PROVINCE},FT1,1.200.000,{}", mc(7)),
    ]);
    let report = reconcile(
        &lines,
        &[order(7, PROVINCE, 1_200_000, 0)],
        &Options::default(),
    );
    // The earlier transfer settles the order, whichever row came first.
    assert_eq!(
        result_of(&report, "FT1"),
        LineResult::Matched { order_id: 7 }
    );
    assert_eq!(
        result_of(&report, "FT2"),
        LineResult::Mismatched {
            order_id: 7,
            reason: MismatchReason::AlreadyMatched {
                first_bank_ref: "FT1".to_owned()
            }
        }
    );
}

#[test]
fn no_reference_is_never_matched_by_amount() {
    let lines = bank(&[&format!(
        "2025-03-04,{PROVINCE},FT1,1.200.000,nop phi ho so Nguyen Van A"
    )]);
    let report = reconcile(
        &lines,
        &[order(7, PROVINCE, 1_200_000, 0)],
        &Options::default(),
    );
    assert_eq!(
        result_of(&report, "FT1"),
        LineResult::Unmatched {
            reason: UnmatchedReason::NoReference
        }
    );
    assert_eq!(report.totals.unmatched.count, 1);
}

#[test]
fn mistyped_reference_is_unmatched_even_when_amount_and_account_fit() {
    let good = mc(7);
    let mut typo = good.clone().into_bytes();
    typo[9] = if typo[9] == b'5' { b'6' } else { b'5' };
    let typo = String::from_utf8(typo).unwrap();
    assert!(reference::parse(&typo).is_none());
    let lines = bank(&[&format!("2025-03-04,{PROVINCE},FT1,1.200.000,{typo}")]);
    let report = reconcile(
        &lines,
        &[order(7, PROVINCE, 1_200_000, 0)],
        &Options::default(),
    );
    assert_eq!(
        result_of(&report, "FT1"),
        LineResult::Unmatched {
            reason: UnmatchedReason::NoReference
        }
    );
}

#[test]
fn unknown_and_several_references() {
    let lines = bank(&[
        &format!("2025-03-04,{PROVINCE},FT1,1.200.000,{}", mc(999)),
        &format!("2025-03-04,{PROVINCE},FT2,2.400.000,{} {}", mc(7), mc(8)),
    ]);
    let orders = [
        order(7, PROVINCE, 1_200_000, 0),
        order(8, PROVINCE, 1_200_000, 0),
    ];
    let report = reconcile(&lines, &orders, &Options::default());
    assert_eq!(
        result_of(&report, "FT1"),
        LineResult::Unmatched {
            reason: UnmatchedReason::UnknownReference { reference: mc(999) }
        }
    );
    assert_eq!(
        result_of(&report, "FT2"),
        LineResult::Unmatched {
            reason: UnmatchedReason::SeveralReferences {
                references: vec![mc(7), mc(8)]
            }
        }
    );
}

#[test]
fn date_window() {
    let lines = bank(&[
        &format!("2025-03-13,{PROVINCE},FT1,1.200.000,{}", mc(7)),
        &format!("2025-03-14,{PROVINCE},FT2,1.200.000,{}", mc(8)),
    ]);
    let orders = [
        order(7, PROVINCE, 1_200_000, 0),
        order(8, PROVINCE, 1_200_000, 0),
    ];
    let report = reconcile(&lines, &orders, &Options::default());
    assert_eq!(DEFAULT_WINDOW_DAYS, 3);
    assert_eq!(
        result_of(&report, "FT1"),
        LineResult::Matched { order_id: 7 }
    );
    assert_eq!(
        result_of(&report, "FT2"),
        LineResult::Mismatched {
            order_id: 8,
            reason: MismatchReason::OutsideWindow {
                from: day(2025, 3, 1),
                until: day(2025, 3, 13)
            }
        }
    );
    let strict = Options {
        window_days: 0,
        ..Options::default()
    };
    let report = reconcile(&lines, &orders, &strict);
    assert_eq!(result_of(&report, "FT1").code(), "outside_window");
}

#[test]
fn gateway_lines_match_by_txn_ref_or_transaction_number() {
    let text = format!(
        "txn_ref,transaction_no,amount,pay_date,bank_code,status\n\
         {a},14522301,1200000,20250304091500,NCB,00\n\
         retry-17,14522302,500000,20250304101122,VCB,00\n\
         {c},0,300000,20250304101500,VCB,24\n\
         {c},14522309,300000,20250304101900,VCB,00\n",
        a = mc(1),
        c = mc(3)
    );
    let lines = parse_gateway("vnpay", &text).unwrap();
    let mut paid_online = order(2, PROVINCE, 500_000, 500_000);
    paid_online.provider_txn = Some("14522302".to_owned());
    // The callback recorded what the gateway took: the file agrees with it.
    let recorded = order(3, PROVINCE, 350_000, 300_000);
    let orders = [order(1, PROVINCE, 1_200_000, 0), paid_online, recorded];
    let report = reconcile(&lines, &orders, &Options::default());
    let got: Vec<(String, String)> = report
        .lines()
        .map(|l| (l.line.bank_ref.clone(), l.result.code().to_owned()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("14522301".to_owned(), "matched".to_owned()),
            ("14522302".to_owned(), "matched".to_owned()),
            ("0".to_owned(), "not_successful".to_owned()),
            ("14522309".to_owned(), "matched".to_owned()),
        ]
    );
    assert_eq!(
        result_of(&report, "14522302"),
        LineResult::Matched { order_id: 2 }
    );
    assert!(report.missing_from_statement.is_empty());
    assert_eq!(report.accounts.len(), 1);
    assert_eq!(
        report.accounts[0].source,
        Source::Gateway("vnpay".to_owned())
    );
}

#[test]
fn paid_order_missing_from_the_statement() {
    let lines = bank(&[&format!("2025-03-04,{PROVINCE},FT1,1.200.000,{}", mc(7))]);
    let mut online = order(9, PROVINCE, 300_000, 300_000);
    online.provider_txn = Some("888".to_owned());
    let orders = [
        order(7, PROVINCE, 1_200_000, 1_200_000),
        // Recorded as paid by an officer, but the bank never showed the money.
        order(8, PROVINCE, 500_000, 500_000),
        // Not paid: not expected on the statement.
        order(10, PROVINCE, 500_000, 0),
        // Another account, whose statement was not given: not judged.
        order(11, AGENCY, 500_000, 500_000),
        // Paid online, and no gateway file was given: not judged either.
        online,
    ];
    let report = reconcile(&lines, &orders, &Options::default());
    assert_eq!(
        result_of(&report, "FT1"),
        LineResult::Matched { order_id: 7 }
    );
    let missing: Vec<i64> = report
        .missing_from_statement
        .iter()
        .map(|m| m.order_id)
        .collect();
    assert_eq!(missing, vec![8]);
    assert_eq!(report.missing_from_statement[0].amount_paid, 500_000);

    // An order whose window ended before the period is not expected in it.
    let later = Options {
        period: Some(Period {
            from: day(2025, 4, 1),
            to: day(2025, 4, 30),
        }),
        ..Options::default()
    };
    assert!(
        reconcile(&lines, &orders, &later)
            .missing_from_statement
            .is_empty()
    );
}

#[test]
fn split_dossier_two_orders_two_accounts() {
    // One dossier owes a charge to the province and a fee to the agency: two
    // orders, two QR codes, two transfers, each to its own unit.
    let mut province = order(21, PROVINCE, 300_000, 0);
    let mut agency = order(22, AGENCY, 1_700_000, 0);
    province.dossier_code = "H12-250301-0021".to_owned();
    agency.dossier_code = "H12-250301-0021".to_owned();
    let lines = bank(&[
        &format!("2025-03-04,{PROVINCE},P1,300.000,{} le phi", mc(21)),
        &format!("2025-03-04,{AGENCY},A1,1.700.000,{} phi tham dinh", mc(22)),
    ]);
    let report = reconcile(&lines, &[agency, province], &Options::default());
    assert_eq!(
        result_of(&report, "P1"),
        LineResult::Matched { order_id: 21 }
    );
    assert_eq!(
        result_of(&report, "A1"),
        LineResult::Matched { order_id: 22 }
    );
    let sums: Vec<(&str, i64, usize)> = report
        .accounts
        .iter()
        .map(|a| (a.account.as_str(), a.totals.matched.sum_vnd, a.days.len()))
        .collect();
    assert_eq!(sums, vec![(PROVINCE, 300_000, 1), (AGENCY, 1_700_000, 1)]);
    assert_eq!(report.totals.matched.sum_vnd, 2_000_000);

    // Swapped: each transfer went to the other unit's account.
    let swapped = bank(&[
        &format!("2025-03-04,{AGENCY},P1,300.000,{}", mc(21)),
        &format!("2025-03-04,{PROVINCE},A1,1.700.000,{}", mc(22)),
    ]);
    let orders = [
        order(21, PROVINCE, 300_000, 0),
        order(22, AGENCY, 1_700_000, 0),
    ];
    let report = reconcile(&swapped, &orders, &Options::default());
    assert!(report.lines().all(|l| l.result.code() == "wrong_account"));
}

#[test]
fn overlapping_statements_and_debits() {
    let rows = [
        format!("2025-03-04,{PROVINCE},FT1,1.200.000,{}", mc(7)),
        format!("2025-03-04,{PROVINCE},FT9,-11.000,phi SMS"),
    ];
    let once = bank(&[&rows[0], &rows[1]]);
    let mut twice = once.clone();
    twice.extend(once.iter().cloned().map(|mut l| {
        l.line_no += 10;
        l
    }));
    let orders = [order(7, PROVINCE, 1_200_000, 0)];
    let report = reconcile(&twice, &orders, &Options::default());
    let found = results(&report);
    assert_eq!(
        found,
        vec![
            ("FT1".to_owned(), LineResult::Matched { order_id: 7 }),
            (
                "FT1".to_owned(),
                LineResult::Ignored {
                    reason: IgnoreReason::Repeated { first_line: 2 }
                }
            ),
            (
                "FT9".to_owned(),
                LineResult::Ignored {
                    reason: IgnoreReason::Debit
                }
            ),
            (
                "FT9".to_owned(),
                LineResult::Ignored {
                    reason: IgnoreReason::Debit
                }
            ),
        ]
    );
    assert_eq!(report.totals.matched.sum_vnd, 1_200_000);
    assert_eq!(report.totals.ignored.count, 3);
}

#[test]
fn report_is_grouped_by_account_and_day_and_serialises() {
    let lines = bank(&[
        &format!("2025-03-05,{PROVINCE},FT3,500.000,khong ro"),
        &format!("2025-03-04,{PROVINCE},FT1,1.200.000,{}", mc(7)),
        &format!("2025-03-04,{AGENCY},FT2,900.000,{}", mc(8)),
    ]);
    let orders = [
        order(7, PROVINCE, 1_200_000, 0),
        order(8, AGENCY, 1_000_000, 0),
    ];
    let report = reconcile(&lines, &orders, &Options::default());
    assert_eq!(
        report.period,
        Some(Period {
            from: day(2025, 3, 4),
            to: day(2025, 3, 5)
        })
    );
    let province = &report.accounts[0];
    assert_eq!(province.account, PROVINCE);
    let days: Vec<_> = province
        .days
        .iter()
        .map(|d| (d.date, d.totals.matched.count, d.totals.unmatched.sum_vnd))
        .collect();
    assert_eq!(
        days,
        vec![(day(2025, 3, 4), 1, 0), (day(2025, 3, 5), 0, 500_000)]
    );
    assert_eq!(report.accounts[1].totals.mismatched.sum_vnd, 900_000);

    let json = serde_json::to_value(&report).unwrap();
    let first = &json["accounts"][0]["days"][0]["lines"][0];
    assert_eq!(first["result"]["result"], "matched");
    assert_eq!(first["result"]["order_id"], 7);
    assert_eq!(first["line"]["source"], "bank");
    assert_eq!(first["line"]["date"], "2025-03-04");
    let mismatch = &json["accounts"][1]["days"][0]["lines"][0]["result"];
    assert_eq!(mismatch["reason"]["code"], "amount_differs");
    assert_eq!(mismatch["reason"]["expected"], 1_000_000);
}

// ---------------------------------------------------------------- property

const ACCOUNTS: [&str; 2] = [PROVINCE, AGENCY];

fn fixed_orders() -> Vec<Expected> {
    (1..=6)
        .map(|id| {
            let account = ACCOUNTS[usize::try_from(id % 2).unwrap()];
            let mut e = order(id, account, 100_000 * id, if id == 3 { 300_000 } else { 0 });
            if id == 5 {
                e.provider_txn = Some("G5".to_owned());
            }
            e
        })
        .collect()
}

/// A line: target order (1..=6, 0 none, 7 a typo, 8 two references), amount
/// choice, account choice, day of March, gateway or bank.
fn arb_line() -> impl Strategy<Value = (i64, u8, usize, u32, bool)> {
    (0i64..9, 0u8..4, 0usize..2, 1u32..16, any::<bool>())
}

fn build_lines(specs: &[(i64, u8, usize, u32, bool)], repeats: &[usize]) -> Vec<StatementLine> {
    let mut lines: Vec<StatementLine> = specs
        .iter()
        .enumerate()
        .map(|(i, &(target, amount, account, d, gateway))| {
            let reference = match target {
                1..=6 => mc(target),
                7 => {
                    let mut r = mc(1).into_bytes();
                    r[11] = if r[11] == b'0' { b'1' } else { b'0' };
                    String::from_utf8(r).unwrap()
                }
                8 => format!("{} {}", mc(1), mc(2)),
                _ => "chuyen tien".to_owned(),
            };
            let due = 100_000 * target.clamp(1, 6);
            let amount_vnd = [due, due / 2, due * 2, 50_000][usize::from(amount)];
            let at = day(2025, 3, d).and_hms_opt(9, 0, 0);
            if gateway {
                StatementLine {
                    source: Source::Gateway("vnpay".to_owned()),
                    line_no: i + 2,
                    kind: Kind::Credit,
                    date: day(2025, 3, d),
                    at,
                    account: String::new(),
                    bank_ref: if target == 5 {
                        "G5".to_owned()
                    } else {
                        format!("G{i}")
                    },
                    amount_vnd,
                    description: String::new(),
                    counterparty: None,
                    txn_ref: Some(reference),
                    bank_code: None,
                    status: Some("00".to_owned()),
                }
            } else {
                StatementLine {
                    source: Source::Bank,
                    line_no: i + 2,
                    kind: Kind::Credit,
                    date: day(2025, 3, d),
                    at: None,
                    account: ACCOUNTS[account].to_owned(),
                    bank_ref: format!("FT{i}"),
                    amount_vnd,
                    description: reference,
                    counterparty: None,
                    txn_ref: None,
                    bank_code: None,
                    status: None,
                }
            }
        })
        .collect();
    for &r in repeats {
        if let Some(line) = lines.get(r % lines.len().max(1)).cloned() {
            lines.push(line);
        }
    }
    lines
}

fn arb_case() -> impl Strategy<Value = (Vec<StatementLine>, Vec<StatementLine>)> {
    (
        prop::collection::vec(arb_line(), 1..24),
        prop::collection::vec(0usize..24, 0..4),
    )
        .prop_flat_map(|(specs, repeats)| {
            let lines = build_lines(&specs, &repeats);
            (Just(lines.clone()), Just(lines).prop_shuffle())
        })
}

proptest! {
    #[test]
    fn shuffling_lines_changes_no_match((lines, shuffled) in arb_case()) {
        let orders = fixed_orders();
        let mut reversed_orders = orders.clone();
        reversed_orders.reverse();
        let a = reconcile(&lines, &orders, &Options::default());
        let b = reconcile(&shuffled, &reversed_orders, &Options::default());
        let key = |r: &Report| {
            let mut v: Vec<_> = r
                .lines()
                .map(|l| (l.line.clone(), l.result.order_id(), l.result.code()))
                .collect();
            v.sort();
            v
        };
        prop_assert_eq!(key(&a), key(&b));
        prop_assert_eq!(a, b);
    }
}
