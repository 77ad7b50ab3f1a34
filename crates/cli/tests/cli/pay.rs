use crate::{fails, ok};

#[test]
fn vietqr_payloads_match_the_published_examples() {
    // spec/payments.md §2, examples 1–3, byte for byte.
    assert_eq!(
        ok(&["pay", "vietqr", "--bin", "970416", "--account", "257678859"]),
        "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F\n"
    );
    assert_eq!(
        ok(&[
            "pay",
            "vietqr",
            "--bin",
            "970416",
            "--account",
            "257678859",
            "--amount",
            "10000",
            "--purpose",
            "Chuyen tien"
        ]),
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6\n"
    );
    // Tones are stripped from the purpose, as banking apps expect.
    assert_eq!(
        ok(&[
            "pay",
            "vietqr",
            "--bin",
            "970415",
            "--account",
            "0011001932418",
            "--amount",
            "120000",
            "--purpose",
            "ủng hộ lũ lụt"
        ]),
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C\n"
    );
    let read = ok(&[
        "pay",
        "vietqr",
        "--bin",
        "x",
        "--account",
        "x",
        "--parse",
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6",
    ]);
    assert!(
        read.contains("amount: 10000") && read.contains("purpose: Chuyen tien"),
        "{read}"
    );
}

#[test]
fn vietqr_refuses_bad_input_with_a_code() {
    fails(
        &["pay", "vietqr", "--bin", "97041", "--account", "1"],
        "vietqr_bin_invalid",
    );
    fails(
        &[
            "pay",
            "vietqr",
            "--bin",
            "970416",
            "--account",
            "12345678901234567890",
        ],
        "vietqr_account_invalid",
    );
    fails(
        &[
            "pay",
            "vietqr",
            "--bin",
            "970416",
            "--account",
            "1",
            "--amount",
            "0",
        ],
        "vietqr_amount_invalid",
    );
    fails(
        &[
            "pay",
            "vietqr",
            "--bin",
            "x",
            "--account",
            "x",
            "--parse",
            "000201010211",
        ],
        "vietqr_malformed",
    );
}
