//! The checksum (mã kiểm tra) that closes every VietQR payload: CRC-16/CCITT-FALSE,
//! as EMVCo takes it from ISO/IEC 13239 (spec/payments.md §1).
//!
//! Parameters: polynomial 0x1021, initial value 0xFFFF, no input or output
//! reflection, no final XOR. The standard check value is `"123456789"` → 0x29B1.
//!
//! Bit by bit rather than a table: payloads are a few hundred bytes, and a loop is
//! easier to check against the parameters above than 256 constants.

/// The generator polynomial x¹⁶ + x¹² + x⁵ + 1, top bit implied.
const POLY: u16 = 0x1021;
/// The register's starting value; "FALSE" in the name refers to this (not 0x1D0F).
const INIT: u16 = 0xFFFF;

/// CRC-16/CCITT-FALSE of `data`.
pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    data.iter().fold(INIT, |crc, &byte| {
        // Not reflected: each byte enters at the top of the register, most
        // significant bit first.
        let mut crc = crc ^ (u16::from(byte) << 8);
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ POLY
            } else {
                crc << 1
            };
        }
        crc
    })
}

/// The CRC of `data` as VietQR writes it: exactly 4 uppercase hex digits,
/// zero-padded (0x0A3F is `0A3F`; dropping the zero is a known generator bug).
pub fn crc_hex(data: &[u8]) -> String {
    format!("{:04X}", crc16_ccitt_false(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_check_value() {
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
        assert_eq!(crc_hex(b"123456789"), "29B1");
    }

    #[test]
    fn empty_input_is_the_initial_value() {
        assert_eq!(crc16_ccitt_false(b""), 0xFFFF);
        assert_eq!(crc_hex(b""), "FFFF");
    }

    #[test]
    fn small_values_are_zero_padded() {
        // Found by search with Python's binascii.crc_hqx(data, 0xFFFF).
        assert_eq!(crc16_ccitt_false(b"HM"), 0x0003);
        assert_eq!(crc_hex(b"HM"), "0003");
        assert_eq!(crc_hex(b"B4"), "0076");
    }

    #[test]
    fn output_is_uppercase() {
        // Example 1 of spec/payments.md §2 ends in letters.
        let body = b"00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304";
        assert_eq!(crc_hex(body), "AE9F");
    }
}
