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

#[cfg(test)]
mod tests {
    use super::*;

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
}
