//! The bank table (bảng mã ngân hàng): which bank a VietQR bank identification
//! number (BIN) belongs to. Kept as data (`data/banks.csv`), not code, because the
//! sources disagree on at least one BIN (BIDV) and BINs move between banks after
//! mergers and renames (spec/payments.md §1); a province fixes its copy without a
//! release.
//!
//! The file is CSV with a header naming the columns `bin`, `code`, `short_name` and
//! `name` in any order (extra columns are ignored, so a spreadsheet export with
//! more columns still loads). Lines starting with `#` are comments and blank lines
//! are skipped, so the built-in file can say where each fact came from. Fields may
//! be double-quoted (`""` for a quote inside); a field cannot span lines.
//!
//! A BIN can be shared (970406 DongA Bank and Vikki, 970414 OceanBank and MBV), so
//! a BIN lookup returns every bank with it; the bank code is the unique key.

use std::fmt;

/// The table shipped with the product.
pub const BUILTIN_CSV: &str = include_str!("../data/banks.csv");

/// Columns every table must have.
const COLUMNS: [&str; 4] = ["bin", "code", "short_name", "name"];
/// Longest bank code accepted; real ones are 2 to 9 letters.
const MAX_CODE_LEN: usize = 16;

/// One bank in the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bank {
    /// The 6-digit bank identification number used in VietQR tag 38.
    pub bin: String,
    /// Short unique code (`VCB`, `ICB`, `BIDV`, ...), stored uppercase.
    pub code: String,
    /// The name people know (`Vietcombank`).
    pub short_name: String,
    /// The full legal name in Vietnamese.
    pub name: String,
}

/// Why a bank table was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bank table, line {line}: {reason}")]
pub struct BankTableError {
    /// The 1-based line of the file (0 when the whole file is at fault).
    pub line: usize,
    /// What is wrong, in English for the log.
    pub reason: String,
}

impl BankTableError {
    fn at(line: usize, reason: impl Into<String>) -> Self {
        Self {
            line,
            reason: reason.into(),
        }
    }

    /// Stable code for clients.
    pub fn code(&self) -> &'static str {
        "bank_table_invalid"
    }

    /// Message for people, in Vietnamese.
    pub fn message_vi(&self) -> String {
        if self.line == 0 {
            format!("Bảng mã ngân hàng không hợp lệ: {}", self.reason)
        } else {
            format!(
                "Bảng mã ngân hàng không hợp lệ ở dòng {}: {}",
                self.line, self.reason
            )
        }
    }
}

/// A loaded bank table.
#[derive(Clone, PartialEq, Eq)]
pub struct Banks {
    banks: Vec<Bank>,
}

impl fmt::Debug for Banks {
    // Fifty rows of names in every debug print of a config would drown the rest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Banks")
            .field("len", &self.banks.len())
            .finish()
    }
}

impl Banks {
    /// The table shipped with the product ([`BUILTIN_CSV`]). Parsed at run time so
    /// the same code reads the built-in file and a province's; a test keeps the
    /// built-in one valid, so the error only appears if that file is broken.
    pub fn builtin() -> Result<Self, BankTableError> {
        Self::from_csv(BUILTIN_CSV)
    }

    /// Reads a table from CSV text (see the module documentation for the format).
    /// Refuses the whole file on the first bad row: a half-loaded table would send
    /// money to the wrong bank without anyone noticing.
    pub fn from_csv(text: &str) -> Result<Self, BankTableError> {
        // Spreadsheet programs put a byte order mark in front of UTF-8 exports.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rows = text
            .lines()
            .enumerate()
            .map(|(i, line)| (i + 1, line.trim_end_matches('\r')))
            .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'));

        let (header_line, header) = rows
            .next()
            .ok_or_else(|| BankTableError::at(0, "the file has no header"))?;
        let header = split_csv_line(header).map_err(|e| BankTableError::at(header_line, e))?;
        let mut index = [0usize; 4];
        for (slot, column) in index.iter_mut().zip(COLUMNS) {
            *slot = header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(column))
                .ok_or_else(|| {
                    BankTableError::at(header_line, format!("the header has no column {column:?}"))
                })?;
        }
        let [bin_at, code_at, short_at, name_at] = index;

        let mut banks: Vec<Bank> = Vec::new();
        for (line, row) in rows {
            let fields = split_csv_line(row).map_err(|e| BankTableError::at(line, e))?;
            let field = |at: usize, column: &str| {
                fields
                    .get(at)
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| BankTableError::at(line, format!("column {column:?} is empty")))
            };
            let bank = Bank {
                bin: field(bin_at, "bin")?,
                code: field(code_at, "code")?.to_ascii_uppercase(),
                short_name: field(short_at, "short_name")?,
                name: field(name_at, "name")?,
            };
            if !is_bin(&bank.bin) {
                return Err(BankTableError::at(
                    line,
                    format!("BIN {:?} is not 6 digits", bank.bin),
                ));
            }
            if bank.code.len() > MAX_CODE_LEN
                || !bank.code.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                return Err(BankTableError::at(
                    line,
                    format!(
                        "code {:?} is not 1 to {MAX_CODE_LEN} letters or digits",
                        bank.code
                    ),
                ));
            }
            // The code is the key a payment account refers to; two rows with one
            // code would make that reference ambiguous.
            if banks.iter().any(|b| b.code == bank.code) {
                return Err(BankTableError::at(
                    line,
                    format!("code {:?} appears twice", bank.code),
                ));
            }
            banks.push(bank);
        }
        if banks.is_empty() {
            return Err(BankTableError::at(0, "the table has no banks"));
        }
        Ok(Self { banks })
    }

    /// Every bank with this BIN, in file order; empty if none. More than one when
    /// banks merged or were renamed and still share the number.
    pub fn by_bin(&self, bin: &str) -> Vec<&Bank> {
        self.banks.iter().filter(|b| b.bin == bin).collect()
    }

    /// The bank with this code, ignoring ASCII case.
    pub fn by_code(&self, code: &str) -> Option<&Bank> {
        self.banks
            .iter()
            .find(|b| b.code.eq_ignore_ascii_case(code.trim()))
    }

    /// Whether any bank in the table has this BIN.
    pub fn knows_bin(&self, bin: &str) -> bool {
        self.banks.iter().any(|b| b.bin == bin)
    }

    /// All banks, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &Bank> {
        self.banks.iter()
    }

    /// Number of banks.
    pub fn len(&self) -> usize {
        self.banks.len()
    }

    /// Whether the table is empty (never, for a table that loaded).
    pub fn is_empty(&self) -> bool {
        self.banks.is_empty()
    }

    /// This table with `overrides` applied: a row whose code is already here
    /// replaces that row in place, other rows are appended. Lets a province fix
    /// one BIN without copying the whole table.
    pub fn with_overrides(mut self, overrides: Banks) -> Self {
        for bank in overrides.banks {
            match self.banks.iter_mut().find(|b| b.code == bank.code) {
                Some(slot) => *slot = bank,
                None => self.banks.push(bank),
            }
        }
        self
    }
}

/// Whether `s` is a 6-digit BIN.
fn is_bin(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Splits one CSV line into fields: commas separate, double quotes protect commas,
/// `""` inside quotes is a quote.
fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    // Whether the current field opened with a quote, so text after its closing
    // quote can be refused instead of silently glued on.
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            (false, c) if was_quoted && !c.is_whitespace() => {
                return Err("text after a closing quote".to_owned());
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed".to_owned());
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_loads_with_the_spec_bins() {
        let banks = Banks::builtin().unwrap();
        let expected = [
            ("VCB", "970436"),
            ("ICB", "970415"),
            ("BIDV", "970418"),
            ("VBA", "970405"),
            ("TCB", "970407"),
            ("MB", "970422"),
            ("ACB", "970416"),
            ("VPB", "970432"),
            ("STB", "970403"),
            ("TPB", "970423"),
            ("MSB", "970426"),
            ("VIB", "970441"),
            ("SHB", "970443"),
            ("OCB", "970448"),
            ("HDB", "970437"),
            ("SEAB", "970440"),
            ("EIB", "970431"),
            ("LPB", "970449"),
            ("BVB", "970454"),
            ("SGICB", "970400"),
        ];
        for (code, bin) in expected {
            let bank = banks
                .by_code(code)
                .unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(bank.bin, bin, "{code}");
            assert!(!bank.name.is_empty() && !bank.short_name.is_empty());
        }
        assert_eq!(banks.len(), expected.len() + 4);
        assert!(!banks.is_empty());
    }

    #[test]
    fn lookup_by_bin() {
        let banks = Banks::builtin().unwrap();
        let acb = banks.by_bin("970416");
        assert_eq!(acb.len(), 1);
        assert_eq!(acb[0].code, "ACB");
        assert_eq!(acb[0].name, "Ngân hàng TMCP Á Châu");
        assert!(banks.by_bin("999999").is_empty());
        assert!(banks.knows_bin("970436"));
        assert!(!banks.knows_bin("970488"));
    }

    #[test]
    fn shared_bins_return_every_bank() {
        let banks = Banks::builtin().unwrap();
        let codes: Vec<&str> = banks
            .by_bin("970406")
            .iter()
            .map(|b| b.code.as_str())
            .collect();
        assert_eq!(codes, ["DOB", "VIKKI"]);
        let codes: Vec<&str> = banks
            .by_bin("970414")
            .iter()
            .map(|b| b.code.as_str())
            .collect();
        assert_eq!(codes, ["OCEANBANK", "MBV"]);
    }

    #[test]
    fn code_lookup_ignores_case() {
        let banks = Banks::builtin().unwrap();
        assert_eq!(banks.by_code("vcb").unwrap().short_name, "Vietcombank");
        assert_eq!(banks.by_code(" Bidv ").unwrap().bin, "970418");
        assert!(banks.by_code("NOPE").is_none());
    }

    #[test]
    fn province_table_with_other_column_order_quotes_and_bom() {
        let csv = "\u{feff}code,name,bin,short_name,note\r\n\
                   bidv,\"Ngân hàng BIDV, chi nhánh tỉnh\",970488,BIDV,\"card \"\"BIN\"\"?\"\r\n\
                   \r\n\
                   # comment\r\n";
        let banks = Banks::from_csv(csv).unwrap();
        assert_eq!(banks.len(), 1);
        let bidv = banks.by_code("BIDV").unwrap();
        assert_eq!(bidv.bin, "970488");
        assert_eq!(bidv.code, "BIDV");
        assert_eq!(bidv.name, "Ngân hàng BIDV, chi nhánh tỉnh");
    }

    #[test]
    fn overrides_replace_by_code_and_append_new() {
        let base = Banks::builtin().unwrap();
        let n = base.len();
        let patch = Banks::from_csv(
            "bin,code,short_name,name\n970488,BIDV,BIDV,Ngân hàng BIDV\n970425,ABB,ABBANK,Ngân hàng TMCP An Bình\n",
        )
        .unwrap();
        let merged = base.with_overrides(patch);
        assert_eq!(merged.len(), n + 1);
        assert_eq!(merged.by_code("BIDV").unwrap().bin, "970488");
        assert!(merged.by_bin("970418").is_empty());
        assert_eq!(merged.by_bin("970425")[0].code, "ABB");
    }

    #[test]
    fn bad_tables_are_refused_with_the_line() {
        let cases = [
            ("", 0),
            ("# only a comment\n", 0),
            ("bin,code,short_name,name\n", 0),
            ("bin,code,name\n970436,VCB,x\n", 1),
            ("bin,code,short_name,name\n97043,VCB,Vietcombank,x\n", 2),
            ("bin,code,short_name,name\n9704366,VCB,Vietcombank,x\n", 2),
            ("bin,code,short_name,name\n97043a,VCB,Vietcombank,x\n", 2),
            ("bin,code,short_name,name\n970436,,Vietcombank,x\n", 2),
            ("bin,code,short_name,name\n970436,V-B,Vietcombank,x\n", 2),
            ("bin,code,short_name,name\n970436,VCB,Vietcombank\n", 2),
            ("bin,code,short_name,name\n970436,VCB,Vietcombank,\"x\n", 2),
            (
                "bin,code,short_name,name\n970436,VCB,Vietcombank,\"x\"y\n",
                2,
            ),
            (
                "bin,code,short_name,name\n970436,VCB,A,x\n\n970415,vcb,B,y\n",
                4,
            ),
        ];
        for (csv, line) in cases {
            let err = Banks::from_csv(csv).unwrap_err();
            assert_eq!(err.line, line, "{csv:?}: {err}");
            assert_eq!(err.code(), "bank_table_invalid");
            assert!(err.message_vi().starts_with("Bảng mã ngân hàng"));
        }
    }

    #[test]
    fn debug_is_short() {
        let banks = Banks::builtin().unwrap();
        assert_eq!(
            format!("{banks:?}"),
            format!("Banks {{ len: {} }}", banks.len())
        );
    }
}
