//! Masking personal numbers and names where they must not appear in full: the
//! public lookup (which anyone with a dossier code can read) and the logs (which
//! operators, hosting staff and log shippers read).

use std::borrow::Cow;

/// `001099012345` → `001******345`: enough for its owner to recognise, not enough to use.
pub fn mask_id_number(n: &str) -> String {
    keep_ends(n, 3, 3)
}

/// `0912345678` → `*******678`: the owner recognises the last digits.
pub fn mask_phone(p: &str) -> String {
    let digits: String = p.chars().filter(char::is_ascii_digit).collect();
    keep_ends(&digits, 0, 3)
}

/// `Nguyễn Văn An` → `Nguyễn V. A.`: the family name (shared by millions) and
/// initials.
pub fn mask_name(name: &str) -> String {
    let mut words = name.split_whitespace();
    let Some(family) = words.next() else {
        return String::new();
    };
    let mut out = family.to_owned();
    for w in words {
        if let Some(c) = w.chars().next() {
            out.push(' ');
            out.push(c);
            out.push('.');
        }
    }
    out
}

fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < head || i >= chars.len() - tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// Masks every run of 9 to 12 digits in `text` (identity numbers: 12 digits, old
/// ones 9; phone numbers: 10, or 11 after +84; tax codes: 10), keeping the first and
/// last three. Shorter runs (dates, counters, dossier code parts) and longer ones
/// (timestamps) are left alone. Borrowed when nothing needed masking.
pub fn redact(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if !bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            continue;
        }
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let len = i - start;
        if (9..=12).contains(&len) {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
            buf.push_str(text.get(copied..start).unwrap_or(""));
            buf.push_str(&keep_ends(text.get(start..i).unwrap_or(""), 3, 3));
            copied = i;
        }
    }
    match out {
        Some(mut buf) => {
            buf.push_str(text.get(copied..).unwrap_or(""));
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_are_masked() {
        assert_eq!(mask_id_number("001099012345"), "001******345");
        assert_eq!(mask_phone("0912 345 678"), "*******678");
        assert_eq!(mask_name("Nguyễn Văn An"), "Nguyễn V. A.");
        assert_eq!(mask_name("  "), "");
        assert_eq!(mask_id_number("12"), "**");
    }

    #[test]
    fn redact_masks_personal_numbers_in_free_text_only() {
        assert_eq!(
            redact("lookup id=001099012345 phone +84912345678, tel 0912345678."),
            "lookup id=001******345 phone +849*****678, tel 091****678."
        );
        // Dossier codes, dates, amounts and timestamps pass unchanged, borrowed.
        let plain = "H79.50.01-261008-0001 at 2026-10-08 fee 50000 t=1790000000000000";
        assert!(matches!(redact(plain), Cow::Borrowed(_)));
        assert_eq!(redact("CMND 123456789"), "CMND 123***789");
        assert_eq!(redact("Nguyễn 079085004321 Đức"), "Nguyễn 079******321 Đức");
    }
}
