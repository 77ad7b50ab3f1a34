//! The gateways against known answers and against their simulators.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::{NaiveDate, NaiveDateTime};
use hmac::{Hmac, Mac};
use motcua_pay::gateway::{Gateway, GatewayError, IpnOutcome, PayRequest, Verdict};
use motcua_pay::paygov::{self, PayGov};
use motcua_pay::sim::{self, SimError, SimGateway, SimOutcome};
use motcua_pay::vnpay::{self, VnPay};
use proptest::prelude::*;

const VNP_SECRET: &str = "MOTCUATESTSECRET0123456789ABCDEF";
const PG_SECRET: &str = "PAYGOVTESTSECRET";

fn at(h: u32, m: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 3, 14)
        .unwrap()
        .and_hms_opt(h, m, s)
        .unwrap()
}

fn vnp() -> VnPay {
    VnPay::new("MOTCUA01", VNP_SECRET, vnpay::SANDBOX_URL)
}

fn pg() -> PayGov {
    PayGov::new(
        "UBND-HN-01",
        PG_SECRET,
        "https://pay.example.gov.vn/checkout",
    )
}

fn request() -> PayRequest {
    PayRequest {
        reference: "MC0000004217".into(),
        amount_vnd: 150_000,
        order_info: "Thanh toan le phi ho so MC0000004217: cap phep xay dung".into(),
        return_url: "https://motcua.example.gov.vn/~pay/vnpay/return?src=web&lang=vi".into(),
        client_ip: "203.0.113.7".into(),
        created_at: at(9, 30, 0),
        expires_at: at(10, 20, 0),
        locale: "vn".into(),
    }
}

fn get<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn set(params: &[(String, String)], key: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = params.iter().filter(|(k, _)| k != key).cloned().collect();
    out.push((key.into(), value.into()));
    out
}

fn without(params: &[(String, String)], key: &str) -> Vec<(String, String)> {
    params.iter().filter(|(k, _)| k != key).cloned().collect()
}

/// Re-signs a VNPAY query with the real secret (to reach checks behind the signature).
fn vnp_resign(params: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = without(params, vnpay::SECURE_HASH);
    let hash = vnpay::sign(VNP_SECRET, &out);
    out.push((vnpay::SECURE_HASH.into(), hash));
    out
}

// Known answers computed independently, with Python:
//   enc = lambda s: urllib.parse.quote_plus(s, safe='').replace('~', '%7E')  # = PHP urlencode
//   canon = '&'.join(enc(k) + '=' + enc(v) for k, v in sorted(params.items()))
//   hmac.new(secret.encode(), canon.encode(), hashlib.sha512).hexdigest()
const VNP_CANONICAL: &str = "vnp_Amount=15000000&vnp_Command=pay&vnp_CreateDate=20250314093000&vnp_CurrCode=VND&vnp_ExpireDate=20250314102000&vnp_IpAddr=203.0.113.7&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+le+phi+ho+so+MC0000004217%3A+cap+phep+xay+dung&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fmotcua.example.gov.vn%2F%7Epay%2Fvnpay%2Freturn%3Fsrc%3Dweb%26lang%3Dvi&vnp_TmnCode=MOTCUA01&vnp_TxnRef=MC0000004217&vnp_Version=2.1.0";
const VNP_HASH: &str = "63544e44e2b0102850582ca65d05b25dc1c9ee7ba08ffe906885c8c42739ee8520c80864283aae89d59c3de750dc250df272622b766dcc0784b1ef2c4339bd27";
const PG_CANONICAL: &str = "amount=150000&client_ip=203.0.113.7&create_time=20250314093000&currency=VND&description=Le+phi+ho+so+H12.34-250314-0001%3A+cap+phep+xay+dung&dossier_code=H12.34-250314-0001&expire_time=20250314102000&locale=vn&merchant_code=UBND-HN-01&payment_id=MC0000004217&return_url=https%3A%2F%2Fmotcua.example.gov.vn%2F%7Epay%2Fpaygov%2Freturn%3Fsrc%3Dweb%26lang%3Dvi&version=1.0";
const PG_HASH: &str = "8b4ca1834dcd2dce65fb9c660485498e7d1f5bdf14df6b08d9bf06f9fb241ff5";

#[test]
fn vnpay_checkout_matches_the_known_answer() {
    let url = vnp().checkout_url(&request()).unwrap();
    assert_eq!(
        url,
        format!(
            "{}?{VNP_CANONICAL}&vnp_SecureHash={VNP_HASH}",
            vnpay::SANDBOX_URL
        )
    );
    let params = sim::parse_query(&url).unwrap();
    assert_eq!(vnpay::canonical_query(&params), VNP_CANONICAL);
    assert_eq!(vnpay::sign(VNP_SECRET, &params), VNP_HASH);
    assert_eq!(get(&params, "vnp_Amount"), Some("15000000"));
    assert_eq!(get(&params, "vnp_SecureHashType"), None);
}

#[test]
fn paygov_checkout_matches_the_known_answer() {
    let mut req = request();
    req.order_info = "Le phi ho so H12.34-250314-0001: cap phep xay dung".into();
    req.return_url = "https://motcua.example.gov.vn/~pay/paygov/return?src=web&lang=vi".into();
    let url = pg()
        .checkout_url_for_dossier(&req, Some("H12.34-250314-0001"))
        .unwrap();
    assert_eq!(
        url,
        format!("https://pay.example.gov.vn/checkout?{PG_CANONICAL}&checksum={PG_HASH}")
    );
    let params = sim::parse_query(&url).unwrap();
    assert_eq!(paygov::canonical_query(&params), PG_CANONICAL);
    assert_eq!(paygov::sign(PG_SECRET, &params), PG_HASH);
    // Through the trait there is no dossier code.
    let plain = sim::parse_query(&pg().checkout_url(&req).unwrap()).unwrap();
    assert_eq!(get(&plain, "dossier_code"), None);
}

fn sims() -> [SimGateway; 2] {
    [SimGateway::VnPay(vnp()), SimGateway::PayGov(pg())]
}

/// A verified callback for `outcome`, through the simulator, as the return URL carries it.
fn settled(s: &SimGateway, outcome: SimOutcome) -> Vec<(String, String)> {
    let url = s.gateway().checkout_url(&request()).unwrap();
    let checkout = s.open_checkout(&url, at(9, 31, 0)).unwrap();
    s.settle(&checkout, outcome, 14_226_112, at(9, 35, 12))
        .unwrap()
}

#[test]
fn every_outcome_round_trips_through_both_simulators() {
    for s in sims() {
        let url = s.gateway().checkout_url(&request()).unwrap();
        let checkout = s.open_checkout(&url, at(9, 31, 0)).unwrap();
        assert_eq!(checkout.gateway, s.id());
        assert_eq!(checkout.reference, "MC0000004217");
        assert_eq!(checkout.amount_vnd, 150_000);
        assert_eq!(checkout.order_info, request().order_info);
        assert_eq!(checkout.return_url, request().return_url);
        assert_eq!(checkout.expires_at, at(10, 20, 0));
        for outcome in SimOutcome::ALL {
            let params = s
                .settle(&checkout, outcome, 14_226_112, at(9, 35, 12))
                .unwrap();
            // The return URL already has a query of its own; the callback is appended.
            let back = sim::callback_url(&checkout.return_url, &params);
            assert!(
                back.starts_with(
                    "https://motcua.example.gov.vn/~pay/vnpay/return?src=web&lang=vi&"
                )
            );
            let received = sim::parse_query(&back).unwrap();
            let cb = s.gateway().verify(&received).unwrap();
            assert_eq!(cb.provider, s.id());
            assert_eq!(cb.verdict, outcome.verdict(), "{} {outcome:?}", s.id());
            assert_eq!(cb.reference, "MC0000004217");
            assert_eq!(cb.amount_vnd, 150_000);
            assert_eq!(cb.provider_txn, "14226112");
            let money_moved = matches!(outcome, SimOutcome::Pay | SimOutcome::Suspicious);
            assert_eq!(cb.paid_at.is_some(), money_moved, "{outcome:?}");
            assert_eq!(cb.bank_code.is_some(), money_moved || s.id() == "vnpay");
            // The IPN gets the very same parameters.
            assert_eq!(s.gateway().verify(&params).unwrap(), cb);
        }
    }
}

#[test]
fn paygov_dossier_code_travels_to_the_callback() {
    let s = SimGateway::PayGov(pg());
    let SimGateway::PayGov(g) = &s else {
        unreachable!()
    };
    let url = g
        .checkout_url_for_dossier(&request(), Some("H12.34-250314-0001"))
        .unwrap();
    let checkout = s.open_checkout(&url, at(9, 31, 0)).unwrap();
    assert_eq!(checkout.dossier_code.as_deref(), Some("H12.34-250314-0001"));
    let params = s
        .settle(&checkout, SimOutcome::Pay, 7, at(9, 40, 0))
        .unwrap();
    assert_eq!(get(&params, "dossier_code"), Some("H12.34-250314-0001"));
    assert_eq!(g.verify(&params).unwrap().verdict, Verdict::Paid);
    // A dossier code added afterwards breaks the checksum.
    let added = set(&settle_plain(&s), "dossier_code", "H99");
    assert_eq!(g.verify(&added), Err(GatewayError::BadSignature));
}

fn settle_plain(s: &SimGateway) -> Vec<(String, String)> {
    settled(s, SimOutcome::Pay)
}

#[test]
fn forged_and_tampered_callbacks_are_refused() {
    for s in sims() {
        let params = settled(&s, SimOutcome::Pay);
        let forged = s.forge(&params, "not-the-secret");
        assert_eq!(s.gateway().verify(&forged), Err(GatewayError::BadSignature));
        let tampered = s.tamper_amount(&params, 1_000).unwrap();
        assert_ne!(tampered, params);
        assert_eq!(
            s.gateway().verify(&tampered),
            Err(GatewayError::BadSignature)
        );
        // Re-signed with the real secret, the amount passes the signature and is
        // reported as sent: the amount check against the order must catch it.
        let resigned = s.with_amount_resigned(&params, 1_000).unwrap();
        let cb = s.gateway().verify(&resigned).unwrap();
        assert_eq!(cb.amount_vnd, 1_000);
        assert_eq!(cb.verdict, Verdict::Paid);
        // A changed status is caught too.
        let status_key = if s.id() == "vnpay" {
            "vnp_ResponseCode"
        } else {
            "status"
        };
        let flipped = set(&settled(&s, SimOutcome::Cancel), status_key, "00");
        assert_eq!(
            s.gateway().verify(&flipped),
            Err(GatewayError::BadSignature)
        );
    }
}

#[test]
fn a_missing_or_empty_signature_is_refused() {
    for s in sims() {
        let params = settled(&s, SimOutcome::Pay);
        let key = if s.id() == "vnpay" {
            vnpay::SECURE_HASH
        } else {
            "checksum"
        };
        assert_eq!(
            s.gateway().verify(&without(&params, key)),
            Err(GatewayError::BadSignature)
        );
        assert_eq!(
            s.gateway().verify(&set(&params, key, "")),
            Err(GatewayError::BadSignature)
        );
        assert_eq!(
            s.gateway().verify(&set(&params, key, "zz")),
            Err(GatewayError::BadSignature)
        );
        // Uppercase hex of the right signature is the same bytes.
        let upper = get(&params, key).unwrap().to_uppercase();
        assert!(s.gateway().verify(&set(&params, key, &upper)).is_ok());
    }
}

#[test]
fn older_vnpay_hash_schemes_are_refused() {
    let g = vnp();
    let params = settled(&SimGateway::VnPay(g.clone()), SimOutcome::Pay);
    for kind in ["MD5", "SHA256", "md5", "HMACSHA256"] {
        let with_type = set(&params, vnpay::SECURE_HASH_TYPE, kind);
        assert_eq!(
            g.verify(&with_type),
            Err(GatewayError::BadSignature),
            "{kind}"
        );
    }
    // Naming the 2.1.0 scheme is harmless: the type is not part of the signed string.
    let named = set(&params, vnpay::SECURE_HASH_TYPE, "HmacSHA512");
    assert!(g.verify(&named).is_ok());
    // An HMAC-SHA256 (64 hex) or MD5-sized (32 hex) digest over the same string.
    let canonical = vnpay::canonical_query(&params);
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(VNP_SECRET.as_bytes()).unwrap();
    mac.update(canonical.as_bytes());
    let sha256 = hex::encode(mac.finalize().into_bytes());
    assert_eq!(
        g.verify(&set(&params, vnpay::SECURE_HASH, &sha256)),
        Err(GatewayError::BadSignature)
    );
    let md5_sized = &vnpay::sign(VNP_SECRET, &params)[..32];
    assert_eq!(
        g.verify(&set(&params, vnpay::SECURE_HASH, md5_sized)),
        Err(GatewayError::BadSignature)
    );
    // A truncated correct signature is refused (no prefix matching).
    let full = get(&params, vnpay::SECURE_HASH).unwrap();
    assert_eq!(
        g.verify(&set(&params, vnpay::SECURE_HASH, &full[..126])),
        Err(GatewayError::BadSignature)
    );
}

#[test]
fn repeated_fields_and_foreign_terminals_are_malformed() {
    let g = vnp();
    let params = settled(&SimGateway::VnPay(g.clone()), SimOutcome::Pay);
    let mut doubled = params.clone();
    doubled.push(("vnp_Amount".into(), "100".into()));
    assert!(matches!(
        g.verify(&doubled),
        Err(GatewayError::Malformed { .. })
    ));
    let other = VnPay::new("OTHER001", VNP_SECRET, vnpay::SANDBOX_URL);
    assert_eq!(
        other.verify(&params),
        Err(GatewayError::Malformed {
            field: "vnp_TmnCode".into()
        })
    );
    // A signed amount that is not whole đồng × 100 is malformed.
    let odd = vnp_resign(&set(&params, "vnp_Amount", "15000050"));
    assert_eq!(
        g.verify(&odd),
        Err(GatewayError::Malformed {
            field: "vnp_Amount".into()
        })
    );
    // Parameters that are not VNPAY's (our own return-URL query) do not matter.
    let extra = set(&params, "src", "web");
    assert!(g.verify(&extra).is_ok());
}

#[test]
fn vnpay_verdict_table() {
    use Verdict::*;
    let table = [
        ("00", "00", Paid),
        ("00", "01", Pending),
        ("00", "02", Failed),
        ("07", "00", Suspicious),
        ("07", "07", Suspicious),
        ("00", "04", Suspicious),
        ("00", "05", Suspicious),
        ("24", "02", Cancelled),
        ("11", "02", Failed),
        ("51", "02", Failed),
        ("09", "02", Failed),
        ("10", "02", Failed),
        ("12", "02", Failed),
        ("13", "02", Failed),
        ("65", "02", Failed),
        ("75", "02", Failed),
        ("79", "02", Failed),
        ("99", "02", Failed),
        ("99", "01", Pending),
        ("", "", Failed),
    ];
    for (rc, ts, expected) in table {
        assert_eq!(vnpay::verdict(rc, ts), expected, "{rc}/{ts}");
    }
    for code in [
        "00", "07", "09", "10", "11", "12", "13", "24", "51", "65", "75", "79", "99",
    ] {
        assert_ne!(
            vnpay::response_code_vi(code),
            vnpay::response_code_vi("xx"),
            "{code}"
        );
    }
    for status in ["00", "01", "02", "04", "05", "06", "07", "09"] {
        assert_ne!(
            vnpay::transaction_status_vi(status),
            vnpay::transaction_status_vi("xx")
        );
    }
}

#[test]
fn replies() {
    assert_eq!(
        vnp().reply(IpnOutcome::Confirmed).body,
        r#"{"RspCode":"00","Message":"Confirm Success"}"#
    );
    assert_eq!(
        vnp().reply(IpnOutcome::AlreadyConfirmed).body,
        r#"{"RspCode":"02","Message":"Order already confirmed"}"#
    );
    let body: serde_json::Value =
        serde_json::from_str(&pg().reply(IpnOutcome::InvalidAmount).body).unwrap();
    assert_eq!(body["code"], "04");
}

#[test]
fn unsendable_requests() {
    type Change = Box<dyn Fn(&mut PayRequest)>;
    let bad: Vec<(&str, Change)> = vec![
        ("zero", Box::new(|r| r.amount_vnd = 0)),
        ("negative", Box::new(|r| r.amount_vnd = -1)),
        ("overflow", Box::new(|r| r.amount_vnd = i64::MAX / 10)),
        ("tones", Box::new(|r| r.order_info = "Lệ phí".into())),
        ("empty info", Box::new(|r| r.order_info = " ".into())),
        ("locale", Box::new(|r| r.locale = "vi".into())),
        ("reference", Box::new(|r| r.reference = "MC 1".into())),
        ("return", Box::new(|r| r.return_url = "/relative".into())),
        ("ip", Box::new(|r| r.client_ip = String::new())),
        ("window", Box::new(|r| r.expires_at = r.created_at)),
    ];
    for (what, change) in bad {
        let mut r = request();
        change(&mut r);
        for s in sims() {
            assert!(
                matches!(
                    s.gateway().checkout_url(&r),
                    Err(GatewayError::Unsendable { .. })
                ),
                "{what} {}",
                s.id()
            );
        }
    }
}

#[test]
fn the_vnpay_simulator_refuses_what_vnpay_refuses() {
    let s = SimGateway::VnPay(vnp());
    let url = s.gateway().checkout_url(&request()).unwrap();
    let params = sim::parse_query(&url).unwrap();
    let now = at(9, 31, 0);
    assert!(s.open_checkout_params(&params, now).is_ok());

    // Changed after signing.
    let changed = set(&params, "vnp_Amount", "100000000");
    assert_eq!(
        s.open_checkout_params(&changed, now),
        Err(SimError::BadSignature)
    );
    assert_eq!(
        s.open_checkout_params(&without(&params, vnpay::SECURE_HASH), now),
        Err(SimError::BadSignature)
    );
    let forged = s.forge(&params, "guess");
    assert_eq!(
        s.open_checkout_params(&forged, now),
        Err(SimError::BadSignature)
    );
    // Correctly signed but not acceptable.
    let cases = [
        (
            vnp_resign(&without(&params, "vnp_OrderType")),
            SimError::Missing {
                field: "vnp_OrderType".into(),
            },
        ),
        (
            vnp_resign(&set(&params, "vnp_Version", "2.0.0")),
            SimError::WrongVersion {
                found: "2.0.0".into(),
            },
        ),
        (
            vnp_resign(&set(&params, "vnp_Command", "refund")),
            SimError::WrongCommand {
                found: "refund".into(),
            },
        ),
        (
            vnp_resign(&set(&params, "vnp_Amount", "15000050")),
            SimError::AmountNotWholeDong {
                found: "15000050".into(),
            },
        ),
        (
            vnp_resign(&set(&params, "vnp_CurrCode", "USD")),
            SimError::WrongCurrency {
                found: "USD".into(),
            },
        ),
        (
            set(&params, vnpay::SECURE_HASH_TYPE, "MD5"),
            SimError::UnsupportedHashType {
                found: "MD5".into(),
            },
        ),
        (
            vnp_resign(&set(&params, "vnp_TmnCode", "OTHER001")),
            SimError::UnknownMerchant {
                found: "OTHER001".into(),
            },
        ),
    ];
    for (query, expected) in cases {
        assert_eq!(s.open_checkout_params(&query, now), Err(expected));
    }
    assert_eq!(
        s.open_checkout(&url, at(10, 20, 1)),
        Err(SimError::Expired {
            expires_at: at(10, 20, 0)
        })
    );
    assert!(s.open_checkout(&url, at(10, 20, 0)).is_ok());
}

#[test]
fn the_paygov_simulator_refuses_what_the_platform_would() {
    let s = SimGateway::PayGov(pg());
    let url = s.gateway().checkout_url(&request()).unwrap();
    let params = sim::parse_query(&url).unwrap();
    let now = at(9, 31, 0);
    assert!(s.open_checkout_params(&params, now).is_ok());
    let resign = |p: &[(String, String)]| {
        let mut out = without(p, "checksum");
        let sum = paygov::sign(PG_SECRET, &out);
        out.push(("checksum".into(), sum));
        out
    };
    assert_eq!(
        s.open_checkout_params(&set(&params, "amount", "1"), now),
        Err(SimError::BadSignature)
    );
    assert_eq!(
        s.open_checkout_params(&resign(&set(&params, "version", "2.0")), now),
        Err(SimError::WrongVersion {
            found: "2.0".into()
        })
    );
    assert_eq!(
        s.open_checkout_params(&resign(&without(&params, "description")), now),
        Err(SimError::Missing {
            field: "description".into()
        })
    );
    assert_eq!(
        s.open_checkout(&url, at(11, 0, 0)),
        Err(SimError::Expired {
            expires_at: at(10, 20, 0)
        })
    );
}

#[test]
fn a_checkout_settles_only_on_its_own_gateway() {
    let [v, p] = sims();
    let url = v.gateway().checkout_url(&request()).unwrap();
    let checkout = v.open_checkout(&url, at(9, 31, 0)).unwrap();
    assert_eq!(
        p.settle(&checkout, SimOutcome::Pay, 1, at(9, 32, 0)),
        Err(SimError::WrongGateway {
            found: "vnpay".into()
        })
    );
}

proptest! {
    #[test]
    fn amounts_round_trip(amount in 1i64..=9_999_999_999) {
        let field = vnpay::amount_field(amount).unwrap();
        prop_assert_eq!(vnpay::amount_from_field(&field).unwrap(), amount);
        prop_assert_eq!(field.parse::<i64>().unwrap(), amount * 100);
    }

    #[test]
    fn urlencode_round_trips(text in "\\PC*") {
        let encoded = vnpay::urlencode(&text);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.+%".contains(&b)));
        prop_assert_eq!(sim::form_decode(&encoded).unwrap(), text);
    }

    #[test]
    fn the_signature_ignores_arrival_order(seed in any::<u64>()) {
        let params = settled(&SimGateway::VnPay(vnp()), SimOutcome::Pay);
        let mut shuffled = params.clone();
        let len = shuffled.len();
        for i in 0..len {
            let j = usize::try_from(seed.rotate_left(u32::try_from(i).unwrap()) % (len as u64)).unwrap();
            shuffled.swap(i, j);
        }
        prop_assert!(vnp().verify(&shuffled).is_ok());
    }
}
