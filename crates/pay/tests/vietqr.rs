//! VietQR against the public example payloads of spec/payments.md §2, byte for
//! byte, and properties over arbitrary valid payloads.

use motcua_pay::vietqr::{self, Initiation, Payload, Service, VietQrError};
use proptest::prelude::*;

const EXAMPLE_1: &str =
    "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F";
const EXAMPLE_2: &str = "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6";
const EXAMPLE_3: &str = "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN62170813ung ho lu lut6304C15C";
const EXAMPLE_4: &str = "00020001021238570010A00000072701270006970436011308810004580860208QRIBFTTA53037045802VN6304CD60";

fn example_1() -> Payload {
    Payload::for_account("970416", "257678859")
}

fn example_2() -> Payload {
    Payload::for_account("970416", "257678859")
        .with_amount(10_000)
        .with_purpose("Chuyen tien")
}

fn example_3() -> Payload {
    Payload::for_account("970415", "0011001932418")
        .with_amount(120_000)
        .with_purpose("ung ho lu lut")
}

#[test]
fn example_1_static_acb() {
    assert_eq!(example_1().encode().unwrap(), EXAMPLE_1);
    let p = vietqr::parse(EXAMPLE_1).unwrap();
    assert_eq!(p, example_1());
    assert_eq!(p.initiation, Initiation::Static);
    assert_eq!(p.service, Service::Account);
    assert_eq!(p.amount, None);
    assert_eq!(p.purpose, None);
}

#[test]
fn example_2_dynamic_with_purpose() {
    assert_eq!(example_2().encode().unwrap(), EXAMPLE_2);
    let p: Payload = EXAMPLE_2.parse().unwrap();
    assert_eq!(p, example_2());
    assert_eq!(p.initiation, Initiation::Dynamic);
    assert_eq!(p.amount, Some(10_000));
}

#[test]
fn example_3_vietinbank_with_tones_stripped() {
    let purpose = vietqr::purpose_ascii("ủng hộ lũ lụt").unwrap();
    let built = Payload::for_account("970415", "0011001932418")
        .with_amount(120_000)
        .with_purpose(purpose);
    assert_eq!(built, example_3());
    assert_eq!(built.encode().unwrap(), EXAMPLE_3);
    assert_eq!(Payload::parse(EXAMPLE_3).unwrap(), example_3());
}

#[test]
fn example_4_is_malformed_though_its_crc_is_valid() {
    // The CRC is right, so the code was transmitted intact ...
    vietqr::verify_crc(EXAMPLE_4).unwrap();
    // ... but tag 00 says "00", and tag 01 says dynamic without an amount.
    let err = Payload::parse(EXAMPLE_4).unwrap_err();
    assert_eq!(err, VietQrError::FormatInvalid { found: "00".into() });
    assert_eq!(err.code(), "vietqr_format_invalid");
    assert_ne!(err.code(), "vietqr_crc_mismatch");

    // With the format indicator repaired (and the CRC recomputed), the remaining
    // fault is the point of initiation.
    let body = EXAMPLE_4.replacen("000200", "000201", 1);
    let body = body.get(..body.len() - 4).unwrap();
    let repaired = format!("{body}{}", motcua_pay::crc::crc_hex(body.as_bytes()));
    let err = Payload::parse(&repaired).unwrap_err();
    assert_eq!(
        err,
        VietQrError::InitiationInvalid {
            found: "12".into(),
            has_amount: false
        }
    );
    assert_eq!(err.code(), "vietqr_initiation_invalid");
}

#[test]
fn crc_is_read_in_either_case_and_written_uppercase() {
    let lower = EXAMPLE_1.replace("AE9F", "ae9f");
    assert_eq!(Payload::parse(&lower).unwrap(), example_1());
    let wrong = EXAMPLE_1.replace("AE9F", "AE9E");
    let err = Payload::parse(&wrong).unwrap_err();
    assert_eq!(
        err,
        VietQrError::CrcMismatch {
            expected: "AE9F".into(),
            found: "AE9E".into()
        }
    );
    assert_eq!(err.code(), "vietqr_crc_mismatch");
}

#[test]
fn every_example_payload_has_a_valid_crc() {
    for example in [EXAMPLE_1, EXAMPLE_2, EXAMPLE_3, EXAMPLE_4] {
        vietqr::verify_crc(example).unwrap();
    }
}

#[test]
fn every_single_character_change_of_the_examples_is_caught() {
    // Exhaustive over positions and printable ASCII for the spec's examples; the
    // property test below samples arbitrary payloads.
    for example in [EXAMPLE_1, EXAMPLE_2, EXAMPLE_3] {
        for at in 0..example.len() - 4 {
            for replacement in 0x20u8..0x7f {
                let mut bytes = example.as_bytes().to_vec();
                if bytes[at] == replacement {
                    continue;
                }
                bytes[at] = replacement;
                let changed = String::from_utf8(bytes).unwrap();
                assert!(vietqr::parse(&changed).is_err(), "{changed} was accepted");
            }
        }
    }
}

/// A purpose as our generator would make it: ASCII letters, digits and single
/// inner spaces, 1 to 50 characters.
fn purpose() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{1,10}( [A-Za-z0-9]{1,10}){0,4}"
        .prop_filter_map("1..=50 chars", |s| (s.len() <= 50).then_some(s))
}

fn payload() -> impl Strategy<Value = Payload> {
    (
        "[0-9]{6}",
        "[A-Za-z0-9]{1,19}",
        prop::option::of(1..=vietqr::MAX_AMOUNT),
        prop::option::of(purpose()),
    )
        .prop_map(|(bin, account, amount, purpose)| {
            let mut p = Payload::for_account(bin, account);
            if let Some(amount) = amount {
                p = p.with_amount(amount);
            }
            if let Some(purpose) = purpose {
                p = p.with_purpose(purpose);
            }
            p
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_inverts_encode(p in payload()) {
        let text = p.encode().unwrap();
        prop_assert_eq!(vietqr::parse(&text).unwrap(), p);
    }

    #[test]
    fn card_payloads_round_trip(
        bin in "[0-9]{6}",
        card in "[0-9]{16,19}",
        amount in prop::option::of(1..=vietqr::MAX_AMOUNT),
    ) {
        let mut p = Payload::for_card(bin, card);
        if let Some(amount) = amount {
            p = p.with_amount(amount);
        }
        prop_assert_eq!(vietqr::parse(&p.encode().unwrap()).unwrap(), p);
    }

    #[test]
    fn any_single_character_change_is_caught(
        p in payload(),
        at in any::<prop::sample::Index>(),
        replacement in 0x20u8..0x7f,
    ) {
        let text = p.encode().unwrap();
        // Every position before the 4 CRC digits, "6304" included.
        let at = at.index(text.len() - 4);
        let mut bytes = text.clone().into_bytes();
        prop_assume!(bytes[at] != replacement);
        bytes[at] = replacement;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(vietqr::parse(&changed).is_err(), "{} was accepted", changed);
    }

    #[test]
    fn purpose_ascii_output_is_always_encodable(text in "\\PC{0,60}") {
        if let Ok(purpose) = vietqr::purpose_ascii(&text) {
            prop_assert!(purpose.bytes().all(|b| b == b' ' || b.is_ascii_alphanumeric()));
            prop_assert!(!purpose.starts_with(' ') && !purpose.ends_with(' '));
            prop_assert!(!purpose.contains("  "));
            if purpose.len() <= vietqr::MAX_PURPOSE_LEN {
                let p = Payload::for_account("970436", "1").with_purpose(purpose);
                prop_assert!(p.encode().is_ok());
            }
        }
    }
}
