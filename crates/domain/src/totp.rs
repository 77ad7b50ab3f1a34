//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits),
//! the second factor officers may turn on; any authenticator app reads the
//! `otpauth://` address as a QR code. A code is accepted one step either side of
//! now (clock drift) and at most once (the caller keeps the last step used).

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;

/// The code for `secret` at step `counter` (RFC 4226 HOTP).
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let d = mac.finalize().into_bytes();
    let offset = usize::from(d.get(19).copied().unwrap_or(0) & 0x0f);
    let bin = d
        .get(offset..offset + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, |b| u32::from_be_bytes(b) & 0x7fff_ffff);
    bin % 10u32.pow(DIGITS)
}

/// The step number of a Unix time.
pub fn step_of(unix: i64) -> i64 {
    unix.div_euclid(STEP)
}

/// The step `code` is valid for within one step of `unix`, if any and if it is later
/// than `last_used` (a code is good once).
pub fn verify(secret: &[u8], code: &str, unix: i64, last_used: Option<i64>) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let now = step_of(unix);
    [now - 1, now, now + 1].into_iter().find(|&s| {
        s >= 0
            && last_used.is_none_or(|l| s > l)
            && u64::try_from(s).is_ok_and(|c| hotp(secret, c) == wanted)
    })
}

/// The code at `unix`, zero-padded (for tests and the enrolment check).
pub fn code_at(secret: &[u8], unix: i64) -> String {
    let c = u64::try_from(step_of(unix)).unwrap_or(0);
    format!("{:0width$}", hotp(secret, c), width = DIGITS as usize)
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn letter(v: u32) -> char {
    let i = usize::try_from(v & 31).unwrap_or(0);
    ALPHABET.get(i).map_or('A', |&b| char::from(b))
}

/// RFC 4648 base32 without padding (what authenticator apps expect).
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(letter(buf >> bits));
        }
    }
    if bits > 0 {
        out.push(letter(buf << (5 - bits)));
    }
    out
}

/// Reads base32 (case and spaces ignored); `None` if malformed.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let (mut buf, mut bits) = (0u32, 0u32);
    let mut out = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = ALPHABET
            .iter()
            .position(|&a| char::from(a) == c.to_ascii_uppercase())?;
        buf = (buf << 5) | u32::try_from(v).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buf >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// The address an authenticator app reads (as a QR code).
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
        enc(issuer),
        enc(account),
        base32(secret),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_vectors_truncated_to_six_digits() {
        // RFC 6238 appendix B (SHA1), last six of the eight digits.
        for (t, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(SECRET, t), code, "t={t}");
        }
    }

    #[test]
    fn a_code_is_good_near_its_time_and_only_once() {
        let t = 1_234_567_890;
        let code = code_at(SECRET, t);
        let step = verify(SECRET, &code, t + 25, None).unwrap();
        assert_eq!(step, step_of(t));
        assert_eq!(verify(SECRET, &code, t, Some(step)), None, "replayed");
        assert_eq!(verify(SECRET, &code, t + 95, None), None, "too late");
        assert_eq!(verify(SECRET, "12345", t, None), None);
        assert_eq!(verify(SECRET, "abcdef", t, None), None);
    }

    #[test]
    fn base32_round_trips() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(from_base32("mzxw 6ytb oi").unwrap(), b"foobar");
        assert_eq!(from_base32("1!"), None);
        let uri = otpauth_uri("Một Cửa", "officer", SECRET);
        assert!(uri.starts_with("otpauth://totp/M%E1%BB%99t%20C%E1%BB%ADa:officer?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), "{uri}");
    }
}
