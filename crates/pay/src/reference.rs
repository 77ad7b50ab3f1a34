//! The payment reference (mã thanh toán): the short, checkable text that links a
//! transfer to its order. For a plain bank transfer the transfer note is the only
//! link, and people retype it, so the reference is ASCII letters and digits only
//! (banks strip punctuation), short (12 characters, well inside the 25 a VietQR
//! purpose should hold) and carries two check digits (ISO 7064 MOD 97-10, as IBANs
//! do) so a mistyped digit is caught instead of matched to someone else's order.
//!
//! Form: `MC` + the order number in 8 digits + 2 check digits, e.g. `MC0000421757` (order 4217).

/// The letters every reference starts with.
pub const PREFIX: &str = "MC";
/// Length of a reference.
pub const LEN: usize = 12;
/// The largest order number a reference can carry.
pub const MAX_NUMBER: u64 = 99_999_999;

fn mod97(digits: &str) -> u64 {
    digits
        .bytes()
        .fold(0u64, |acc, b| (acc * 10 + u64::from(b - b'0')) % 97)
}

/// The reference of order number `n` (`None` above [`MAX_NUMBER`]).
pub fn make(n: u64) -> Option<String> {
    if n > MAX_NUMBER {
        return None;
    }
    let body = format!("{n:08}");
    let check = 98 - mod97(&format!("{body}00"));
    Some(format!("{PREFIX}{body}{check:02}"))
}

/// The order number a well-formed reference carries (case-insensitive), or `None`
/// when it is malformed or its check digits do not match.
pub fn parse(text: &str) -> Option<u64> {
    if text.len() != LEN || !text.is_ascii() {
        return None;
    }
    let (prefix, rest) = text.split_at(PREFIX.len());
    if !prefix.eq_ignore_ascii_case(PREFIX) || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if mod97(rest) != 1 {
        return None;
    }
    rest.get(..8)?.parse().ok()
}

/// Every valid reference inside a free-text transfer note, in order, without
/// repeats. Bank notes arrive upper- or lower-cased, with the reference glued to
/// other words or split by the bank's own prefix, so this scans for `MC` followed by
/// ten digits anywhere, after dropping spaces, dots and dashes between digits.
pub fn find_in(note: &str) -> Vec<String> {
    let squeezed: Vec<u8> = note
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'.' | b'-' | b'_'))
        .map(|b| b.to_ascii_uppercase())
        .collect();
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    while i + LEN <= squeezed.len() {
        let window = squeezed.get(i..i + LEN).unwrap_or_default();
        if window.starts_with(PREFIX.as_bytes()) {
            let text = String::from_utf8_lossy(window).into_owned();
            if parse(&text).is_some() {
                if !found.contains(&text) {
                    found.push(text);
                }
                i += LEN;
                continue;
            }
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip_and_carry_their_number() {
        for n in [0u64, 1, 42, 4217, 12_345_678, MAX_NUMBER] {
            let r = make(n).unwrap();
            assert_eq!(r.len(), LEN);
            assert_eq!(parse(&r), Some(n), "{r}");
            assert_eq!(parse(&r.to_lowercase()), Some(n));
        }
        assert_eq!(make(MAX_NUMBER + 1), None);
    }

    #[test]
    fn a_mistyped_digit_or_swapped_pair_is_caught() {
        let r = make(4217).unwrap();
        let bytes = r.as_bytes();
        for i in 2..LEN {
            for d in b'0'..=b'9' {
                if bytes[i] == d {
                    continue;
                }
                let mut typo = bytes.to_vec();
                typo[i] = d;
                let typo = String::from_utf8(typo).unwrap();
                assert_eq!(parse(&typo), None, "{typo} accepted");
            }
        }
        for i in 2..LEN - 1 {
            if bytes[i] == bytes[i + 1] {
                continue;
            }
            let mut swapped = bytes.to_vec();
            swapped.swap(i, i + 1);
            let swapped = String::from_utf8(swapped).unwrap();
            assert_eq!(parse(&swapped), None, "{swapped} accepted");
        }
    }

    #[test]
    fn references_are_found_in_bank_notes() {
        let a = make(4217).unwrap();
        let b = make(99).unwrap();
        let glued = format!("IBFT {} H795001 261008 0001", a.to_lowercase());
        assert_eq!(find_in(&glued), vec![a.clone()]);
        let spaced = format!("CT DEN:123 {} {}-{} thanh toan", &a[..6], &a[6..], b);
        assert_eq!(find_in(&spaced), vec![a.clone(), b.clone()]);
        assert_eq!(find_in(&format!("{a} {a}")), vec![a.clone()]);
        let mut wrong = a.clone().into_bytes();
        wrong[5] = if wrong[5] == b'9' { b'8' } else { b'9' };
        assert!(find_in(&String::from_utf8(wrong).unwrap()).is_empty());
        assert!(find_in("chuyen tien hoc phi").is_empty());
    }
}
