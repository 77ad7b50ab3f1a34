//! What a new password must be: long enough, not the account's own name, not one of
//! the passwords tried first by anyone guessing. Length over composition rules (NIST
//! SP 800-63B); the minimum is a parameter because an agency's security plan may
//! require more.

/// Passwords too common to allow (lower-cased, compared without spaces), including the
/// Vietnamese favourites.
const COMMON: &[&str] = &[
    "123456789",
    "1234567890",
    "12345678910",
    "0123456789",
    "987654321",
    "11111111",
    "1111111111",
    "00000000",
    "0000000000",
    "88888888",
    "66666666",
    "123123123",
    "password",
    "password1",
    "password123",
    "passw0rd",
    "matkhau",
    "matkhau123",
    "matkhaumoi",
    "admin123",
    "administrator",
    "qwertyuiop",
    "qwerty123",
    "abc123456",
    "iloveyou",
    "anhyeuem",
    "emyeuanh",
    "vietnam",
    "vietnam123",
    "hanoi123",
    "motcua",
    "motcua123",
    "123456a@",
    "abcd1234",
    "a123456789",
    "zxcvbnm123",
];

/// Why a password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Shorter than the minimum (characters).
    TooShort(usize),
    /// Contains the username.
    ContainsUsername,
    /// A well-known password, or one character repeated.
    TooCommon,
}

impl PasswordProblem {
    /// For the person choosing it.
    pub fn message_vi(self) -> String {
        match self {
            Self::TooShort(n) => format!("Mật khẩu phải có ít nhất {n} ký tự."),
            Self::ContainsUsername => "Mật khẩu không được chứa tên đăng nhập.".to_owned(),
            Self::TooCommon => {
                "Mật khẩu quá phổ biến, dễ bị đoán; vui lòng chọn mật khẩu khác.".to_owned()
            }
        }
    }
}

/// Checks a new password for `username` against the policy with `min_len` characters.
pub fn check_password(
    password: &str,
    username: &str,
    min_len: usize,
) -> Result<(), PasswordProblem> {
    if password.chars().count() < min_len {
        return Err(PasswordProblem::TooShort(min_len));
    }
    let folded: String = password
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 3 && folded.contains(&user) {
        return Err(PasswordProblem::ContainsUsername);
    }
    let mut chars = folded.chars();
    let first = chars.next();
    if COMMON.contains(&folded.as_str()) || chars.all(|c| Some(c) == first) {
        return Err(PasswordProblem::TooCommon);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_name_and_common_passwords() {
        assert_eq!(
            check_password("ngắn", "thu", 10),
            Err(PasswordProblem::TooShort(10))
        );
        assert_eq!(
            check_password("TranThiThu2026!", "tranthithu", 10),
            Err(PasswordProblem::ContainsUsername)
        );
        for common in [
            "MatKhau123",
            "1234567890",
            "motcua123 ",
            "aaaaaaaaaaaa",
            "Password123",
        ] {
            assert_eq!(
                check_password(common, "officer", 10),
                Err(PasswordProblem::TooCommon),
                "{common}"
            );
        }
        assert_eq!(
            check_password("lúa chín vàng đồng quê", "officer", 10),
            Ok(())
        );
        assert!(PasswordProblem::TooShort(12).message_vi().contains("12"));
    }
}
