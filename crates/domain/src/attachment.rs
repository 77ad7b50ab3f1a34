//! Which files a dossier accepts, judged by their content (magic numbers), not by
//! what the name or the browser claims: a renamed executable is not a PDF.

use crate::error::DomainError;

/// An accepted file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    /// Media type.
    pub mime: &'static str,
    /// Extensions that name it.
    pub extensions: &'static [&'static str],
}

/// The accepted types: scans, photos and office documents.
pub const ACCEPTED: &[FileType] = &[
    FileType {
        mime: "application/pdf",
        extensions: &["pdf"],
    },
    FileType {
        mime: "image/jpeg",
        extensions: &["jpg", "jpeg"],
    },
    FileType {
        mime: "image/png",
        extensions: &["png"],
    },
    FileType {
        mime: "image/tiff",
        extensions: &["tif", "tiff"],
    },
    FileType {
        mime: "image/webp",
        extensions: &["webp"],
    },
    FileType {
        mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        extensions: &["docx"],
    },
    FileType {
        mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        extensions: &["xlsx"],
    },
    FileType {
        mime: "application/vnd.oasis.opendocument.text",
        extensions: &["odt"],
    },
    FileType {
        mime: "application/vnd.oasis.opendocument.spreadsheet",
        extensions: &["ods"],
    },
];

/// Bytes of the start of a file that are enough to recognise it.
/// The name a file is kept under, from what the browser sent: only the last path
/// segment (a name like `../../etc/passwd` or `C:\\x\\y.pdf` keeps `passwd`/`y.pdf`),
/// no control or direction-override characters (which disguise `gpj.exe` as
/// `exe.jpg`), no leading dots, at most 150 characters, NFC. Empty when nothing
/// usable is left. Names are only shown: files are stored under generated keys.
pub fn clean_name(raw: Option<&str>) -> String {
    let raw = raw.unwrap_or("");
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let kept: String = last
        .chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        })
        .collect();
    let trimmed = kept.trim().trim_start_matches(['.', ' ']);
    crate::text::nfc(trimmed)
        .chars()
        .take(150)
        .collect::<String>()
        .trim()
        .to_owned()
}

pub const SNIFF_BYTES: usize = 8192;

/// Decides the type of a file from its first bytes, and checks that its name and the
/// declared media type (if any) agree with the content.
pub fn classify(
    head: &[u8],
    name: &str,
    declared: Option<&str>,
) -> Result<&'static FileType, DomainError> {
    if head.is_empty() {
        return Err(DomainError::AttachmentEmpty {
            name: name.to_owned(),
        });
    }
    let detected = infer::get(head);
    let detected_mime = detected.map_or("không xác định", |t| t.mime_type());
    let Some(file_type) = ACCEPTED
        .iter()
        .find(|t| Some(t.mime) == detected.map(|d| d.mime_type()))
    else {
        return Err(DomainError::AttachmentTypeNotAllowed {
            name: name.to_owned(),
            detected: detected_mime.to_owned(),
        });
    };
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if let Some(ext) = &ext
        && !file_type.extensions.contains(&ext.as_str())
    {
        return Err(DomainError::AttachmentTypeMismatch {
            name: name.to_owned(),
            claimed: format!(".{ext}"),
            detected: file_type.mime.to_owned(),
        });
    }
    if let Some(declared) = declared.map(|d| {
        d.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }) && !declared.is_empty()
        && declared != "application/octet-stream"
        && declared != file_type.mime
    {
        return Err(DomainError::AttachmentTypeMismatch {
            name: name.to_owned(),
            claimed: declared,
            detected: file_type.mime.to_owned(),
        });
    }
    Ok(file_type)
}

/// Why a file of an accepted type is still refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsafe {
    /// A password-protected PDF: it cannot be read, shown or archived.
    Encrypted,
    /// A PDF that runs code or opens other programs (JavaScript, Launch actions).
    ActiveContent,
    /// A file that is also another kind of file (a ZIP archive or a web page inside).
    Polyglot,
    /// An office document whose archive expands far beyond its size.
    ZipBomb,
}

impl Unsafe {
    /// Stable error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Encrypted => "attachment_encrypted",
            Self::ActiveContent => "attachment_active_content",
            Self::Polyglot => "attachment_polyglot",
            Self::ZipBomb => "attachment_zip_bomb",
        }
    }

    /// What to tell the person who uploaded it.
    pub fn message_vi(self) -> &'static str {
        match self {
            Self::Encrypted => "tệp PDF có mật khẩu; vui lòng gỡ mật khẩu rồi đính kèm lại",
            Self::ActiveContent => {
                "tệp PDF chứa mã lệnh (JavaScript hoặc lệnh mở chương trình); vui lòng in ra PDF thông thường"
            }
            Self::Polyglot => {
                "tệp chứa lẫn một loại tệp khác bên trong; vui lòng quét hoặc lưu lại tệp"
            }
            Self::ZipBomb => "tệp văn bản giải nén ra dung lượng bất thường",
        }
    }
}

/// Longest pattern the scanner looks for, and how much of one chunk it keeps to find
/// patterns that straddle two chunks (a central-directory record is 46 bytes).
const CARRY: usize = 64;

/// Expanded size beyond which an office document is refused outright.
const MAX_EXPANDED: u64 = 1 << 30;
/// Expansion ratio beyond which a large office document is refused.
const MAX_RATIO: u64 = 200;
/// Entries beyond which an office document is refused (a real one has dozens).
const MAX_ENTRIES: u64 = 20_000;

/// Reads a whole file as it streams in (chunk by chunk, memory bounded) and finds what
/// the first bytes cannot show: PDF encryption and active content in the objects that
/// are not compressed, a ZIP archive appended to a PDF or image, HTML inside an image,
/// and office archives whose central directory promises an absurd expanded size.
/// Compressed PDF object streams are not inflated, so this is a filter, not a proof.
#[derive(Debug)]
pub struct ContentScanner {
    mime: &'static str,
    carry: Vec<u8>,
    /// Absolute offset of `carry[0]`.
    base: u64,
    /// Matches starting before this absolute offset were handled already.
    done: u64,
    found: Option<Unsafe>,
    /// Absolute offset and comment length of the last ZIP end-of-directory record.
    eocd: Option<(u64, u64)>,
    expanded: u64,
    entries: u64,
}

impl ContentScanner {
    /// A scanner for a file recognised as `file_type`.
    pub fn new(file_type: &FileType) -> Self {
        ContentScanner {
            mime: file_type.mime,
            carry: Vec::with_capacity(CARRY * 2),
            base: 0,
            done: 0,
            found: None,
            eocd: None,
            expanded: 0,
            entries: 0,
        }
    }

    fn is_zip_container(&self) -> bool {
        self.mime.starts_with("application/vnd.")
    }

    /// Takes the next bytes of the file.
    pub fn feed(&mut self, chunk: &[u8]) {
        let mut buf = std::mem::take(&mut self.carry);
        buf.extend_from_slice(chunk);
        // Matches in the last CARRY bytes may be incomplete: they are seen again next time.
        let keep = buf.len().min(CARRY);
        let settled = buf.len() - keep;
        self.scan(&buf, settled, false);
        self.base += settled as u64;
        self.carry = buf.split_off(settled);
    }

    /// Ends the file of `total` bytes: the verdict.
    pub fn finish(mut self, name: &str, total: u64) -> Result<(), crate::error::DomainError> {
        let buf = std::mem::take(&mut self.carry);
        self.scan(&buf, buf.len(), true);
        if !self.is_zip_container()
            && self
                .eocd
                .is_some_and(|(at, comment)| at + 22 + comment == total)
        {
            self.found.get_or_insert(Unsafe::Polyglot);
        }
        if self.is_zip_container()
            && (self.expanded > MAX_EXPANDED
                || self.entries > MAX_ENTRIES
                || (self.expanded > 100 << 20 && self.expanded / total.max(1) > MAX_RATIO))
        {
            self.found.get_or_insert(Unsafe::ZipBomb);
        }
        match self.found {
            Some(problem) => Err(crate::error::DomainError::AttachmentUnsafe {
                name: name.to_owned(),
                problem,
            }),
            None => Ok(()),
        }
    }

    /// Looks at matches starting in `buf[..limit]` (all of `buf` when `last`) that were
    /// not handled before.
    fn scan(&mut self, buf: &[u8], limit: usize, last: bool) {
        let end = if last { buf.len() } else { limit };
        for i in 0..end {
            let at = self.base + i as u64;
            if at < self.done {
                continue;
            }
            let rest = buf.get(i..).unwrap_or_default();
            self.look_at(rest, at);
        }
        self.done = self.done.max(self.base + end as u64);
    }

    fn look_at(&mut self, rest: &[u8], at: u64) {
        let Some(&first) = rest.first() else {
            return;
        };
        match first {
            b'/' if self.mime == "application/pdf" => {
                for (name, problem) in [
                    (&b"/Encrypt"[..], Unsafe::Encrypted),
                    (b"/JavaScript", Unsafe::ActiveContent),
                    (b"/JS", Unsafe::ActiveContent),
                    (b"/Launch", Unsafe::ActiveContent),
                ] {
                    if pdf_name_at(rest, name) {
                        self.found.get_or_insert(problem);
                    }
                }
            }
            b'P' if rest.starts_with(b"PK\x05\x06") => {
                let comment = le(rest, 20, 2);
                self.eocd = Some((at, comment));
            }
            b'P' if self.is_zip_container() && rest.starts_with(b"PK\x01\x02") => {
                // Central directory record: compressed size at 20, expanded at 24.
                self.entries += 1;
                self.expanded = self.expanded.saturating_add(le(rest, 24, 4));
            }
            b'<' if self.mime.starts_with("image/") => {
                let head: Vec<u8> = rest.iter().take(7).map(u8::to_ascii_lowercase).collect();
                if head.starts_with(b"<script") || head.starts_with(b"<html") {
                    self.found.get_or_insert(Unsafe::Polyglot);
                }
            }
            _ => {}
        }
    }
}

/// Whether `rest` starts with the PDF name `name` as a whole token (a name ends at
/// white space or a delimiter, so `/JSON` is not `/JS`).
fn pdf_name_at(rest: &[u8], name: &[u8]) -> bool {
    rest.starts_with(name)
        && rest
            .get(name.len())
            .is_none_or(|b| b.is_ascii_whitespace() || b"()<>[]{}/%".contains(b))
}

/// A little-endian number of `len` bytes at `offset` (0 when cut short).
fn le(bytes: &[u8], offset: usize, len: usize) -> u64 {
    bytes.get(offset..offset + len).map_or(0, |b| {
        b.iter().rev().fold(0, |n, &x| (n << 8) | u64::from(x))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(mime: &str, content: &[u8], chunk: usize) -> Result<(), &'static str> {
        let t = ACCEPTED.iter().find(|t| t.mime == mime).unwrap();
        let mut sc = ContentScanner::new(t);
        for c in content.chunks(chunk) {
            sc.feed(c);
        }
        sc.finish("f", content.len() as u64).map_err(|e| e.code())
    }

    fn zip_trailer(comment: &[u8]) -> Vec<u8> {
        let mut z = b"PK\x05\x06\0\0\0\0\x01\0\x01\0\x2e\0\0\0\x10\0\0\0".to_vec();
        z.extend_from_slice(&u16::try_from(comment.len()).unwrap().to_le_bytes());
        z.extend_from_slice(comment);
        z
    }

    #[test]
    fn scanner_finds_what_the_head_cannot_show() {
        let pdf = |body: &str| format!("%PDF-1.7\n{body}\n%%EOF\n").into_bytes();
        let pdf_mime = "application/pdf";
        for chunk in [1, 7, 4096] {
            assert_eq!(
                verdict(pdf_mime, &pdf("1 0 obj << /Type /Catalog >> endobj"), chunk),
                Ok(())
            );
            assert_eq!(
                verdict(
                    pdf_mime,
                    &pdf("trailer << /Root 1 0 R /Encrypt 5 0 R >>"),
                    chunk
                ),
                Err("attachment_encrypted"),
                "chunk {chunk}"
            );
            assert_eq!(
                verdict(
                    pdf_mime,
                    &pdf("<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"),
                    chunk
                ),
                Err("attachment_active_content")
            );
            assert_eq!(
                verdict(pdf_mime, &pdf("<< /S /Launch /F (cmd.exe) >>"), chunk),
                Err("attachment_active_content")
            );
            // Names that only begin like a dangerous one are fine.
            assert_eq!(
                verdict(pdf_mime, &pdf("<< /JSON 1 /Encryption 2 >>"), chunk),
                Ok(())
            );
            // A ZIP archive glued to the end of a PDF.
            let mut glued = pdf("1 0 obj << >> endobj");
            glued.extend_from_slice(b"PK\x03\x04 payload ");
            glued.extend_from_slice(&zip_trailer(b"hi"));
            assert_eq!(verdict(pdf_mime, &glued, chunk), Err("attachment_polyglot"));
            // The same bytes in the middle, not at the end, are not a trailer.
            let mut inner = pdf("stream");
            inner.extend_from_slice(&zip_trailer(b""));
            inner.extend_from_slice(b"endstream\n%%EOF\n");
            assert_eq!(verdict(pdf_mime, &inner, chunk), Ok(()));
        }
        let mut png = PNG.to_vec();
        png.extend_from_slice(b"IEND<SCRIPT>alert(1)</script>");
        assert_eq!(verdict("image/png", &png, 5), Err("attachment_polyglot"));

        // An office archive whose directory promises 4 GiB from a few bytes.
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        let mut bomb = b"PK\x03\x04".to_vec();
        bomb.resize(200, 0);
        for _ in 0..3 {
            let mut rec = b"PK\x01\x02".to_vec();
            rec.resize(46, 0);
            rec[20..24].copy_from_slice(&1000u32.to_le_bytes());
            rec[24..28].copy_from_slice(&u32::MAX.to_le_bytes());
            bomb.extend_from_slice(&rec);
            bomb.extend_from_slice(b"word/document.xml");
        }
        bomb.extend_from_slice(&zip_trailer(b""));
        assert_eq!(verdict(docx, &bomb, 3), Err("attachment_zip_bomb"));
        let mut fine = b"PK\x03\x04".to_vec();
        fine.resize(200, 0);
        let mut rec = b"PK\x01\x02".to_vec();
        rec.resize(46, 0);
        rec[24..28].copy_from_slice(&40_000u32.to_le_bytes());
        fine.extend_from_slice(&rec);
        fine.extend_from_slice(&zip_trailer(b""));
        assert_eq!(
            verdict(docx, &fine, 3),
            Ok(()),
            "a zip trailer is normal in a docx"
        );
    }

    const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0";

    #[test]
    fn accepts_by_content_and_rejects_disguises() {
        assert_eq!(
            classify(PDF, "to-khai.pdf", Some("application/pdf"))
                .unwrap()
                .mime,
            "application/pdf"
        );
        assert_eq!(classify(PNG, "anh.PNG", None).unwrap().mime, "image/png");
        assert_eq!(
            classify(PDF, "khong-duoi", Some("application/octet-stream"))
                .unwrap()
                .mime,
            "application/pdf"
        );
        assert_eq!(
            classify(ELF, "to-khai.pdf", Some("application/pdf"))
                .unwrap_err()
                .code(),
            "attachment_type_not_allowed"
        );
        assert_eq!(
            classify(b"hello world", "a.txt", None).unwrap_err().code(),
            "attachment_type_not_allowed"
        );
        assert_eq!(
            classify(PNG, "scan.pdf", None).unwrap_err().code(),
            "attachment_type_mismatch"
        );
        assert_eq!(
            classify(PDF, "a.pdf", Some("image/png"))
                .unwrap_err()
                .code(),
            "attachment_type_mismatch"
        );
        assert_eq!(
            classify(b"", "a.pdf", None).unwrap_err().code(),
            "attachment_empty"
        );
    }

    #[test]
    fn file_names_lose_paths_controls_and_disguises() {
        for (raw, want) in [
            ("../../etc/passwd", "passwd"),
            ("..\\..\\windows\\win.ini", "win.ini"),
            ("/etc/shadow", "shadow"),
            ("giấy chứng sinh.pdf", "giấy chứng sinh.pdf"),
            ("a\u{0}b\r\n.pdf", "ab.pdf"),
            ("hoa-don\u{202E}fdp.exe", "hoa-donfdp.exe"),
            ("...", ""),
            ("..", ""),
            (".htaccess", "htaccess"),
        ] {
            assert_eq!(clean_name(Some(raw)), want, "{raw:?}");
        }
        assert_eq!(clean_name(None), "");
        assert_eq!(clean_name(Some(&"x".repeat(400))).chars().count(), 150);
    }
}
