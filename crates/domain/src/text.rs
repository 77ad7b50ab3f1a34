//! Vietnamese text: NFC for storage and display, and an accent-insensitive fold for
//! search ("Đăng ký khai sinh", "dang ky khai sinh" and "ĐĂNG KÝ" all fold alike).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Unicode NFC, the form every stored text is kept in.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Lowercase, without diacritics, with đ → d, whitespace collapsed: the key search
/// compares. Accepts NFC or NFD input.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Trims and normalises a free-text field; `None` when nothing is left.
pub fn clean(text: &str) -> Option<String> {
    let t = nfc(text.trim());
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_d() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("  ĐĂNG   KÝ\tKHAI SINH "), "dang ky khai sinh");
        assert_eq!(
            fold("Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"),
            "thu tuc cap giay xac nhan tinh trang hon nhan"
        );
        // NFD input (decomposed marks) folds the same.
        let nfd: String = "Đăng ký".nfd().collect();
        assert_eq!(fold(&nfd), "dang ky");
        assert_eq!(nfc(&nfd), "Đăng ký");
    }
}
