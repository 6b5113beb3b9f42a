//! R-EVIDENCE: evidence kinds and the file types each accepts, decided by the content's magic
//! bytes, never by the file name.

use crate::config::UploadLimits;

pub use vocab::EvidenceKind;

/// The file types a kind accepts.
pub fn allowed(kind: EvidenceKind) -> &'static [FileType] {
    use FileType::*;
    match kind {
        EvidenceKind::Summary | EvidenceKind::Report | EvidenceKind::Case => &[Pdf, Docx, Jpeg, Png],
        EvidenceKind::Photo => &[Jpeg, Png],
        EvidenceKind::Video => &[Mp4],
    }
}

/// The configured size limit for a kind, in bytes.
pub fn max_bytes(kind: EvidenceKind, limits: &UploadLimits) -> u64 {
    match kind {
        EvidenceKind::Summary | EvidenceKind::Report | EvidenceKind::Case => limits.document,
        EvidenceKind::Photo => limits.photo,
        EvidenceKind::Video => limits.video,
    }
}

/// A file type the service stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    Pdf,
    Docx,
    Jpeg,
    Png,
    Mp4,
}

impl FileType {
    pub const ALL: [FileType; 5] = [Self::Pdf, Self::Docx, Self::Jpeg, Self::Png, Self::Mp4];

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Mp4 => "video/mp4",
        }
    }
}

/// Bytes [`sniff`] needs to decide (fewer is fine at the end of a short file).
pub const SNIFF_LEN: usize = 12;

/// ISO base-media brands that are not mp4 video: HEIF/AVIF still images and QuickTime.
const NOT_MP4_BRANDS: [&[u8; 4]; 12] = [
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis", b"crx ",
    b"qt  ",
];

/// The type the first bytes of a file announce. A zip archive is reported as `Docx`
/// provisionally: whether it holds `word/document.xml` can only be told from its central
/// directory, once the whole file is on disk ([`is_docx`]).
pub fn sniff(head: &[u8]) -> Option<FileType> {
    if head.starts_with(b"%PDF-") {
        Some(FileType::Pdf)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileType::Jpeg)
    } else if head.starts_with(b"PK\x03\x04") {
        Some(FileType::Docx)
    } else if head.len() >= 12 && &head[4..8] == b"ftyp" && !NOT_MP4_BRANDS.iter().any(|b| &head[8..12] == *b)
    {
        Some(FileType::Mp4)
    } else {
        None
    }
}

/// Whether a complete zip file is a Word document (its archive lists `word/document.xml`).
pub fn is_docx(path: &std::path::Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    zip::ZipArchive::new(std::io::BufReader::new(file))
        .is_ok_and(|zip| zip.index_for_name("word/document.xml").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_the_type() {
        assert_eq!(sniff(b"%PDF-1.7\n%..."), Some(FileType::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileType::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(FileType::Jpeg));
        assert_eq!(sniff(b"PK\x03\x04\x14\0\0\0"), Some(FileType::Docx));
        assert_eq!(sniff(b"\0\0\0\x20ftypisom\0\0\x02\0"), Some(FileType::Mp4));
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42"), Some(FileType::Mp4));
    }

    #[test]
    fn other_content_is_not_recognised() {
        assert_eq!(sniff(b"this is not an image at all"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"%PD"), None);
        assert_eq!(sniff(b"GIF89a......"), None);
        // HEIC photos and QuickTime movies share the `ftyp` box but are not mp4.
        assert_eq!(sniff(b"\0\0\0\x18ftypheic"), None);
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  "), None);
        // Too short to carry a brand.
        assert_eq!(sniff(b"\0\0\0\x18ftyp"), None);
    }

    #[test]
    fn kinds_accept_their_types_only() {
        assert!(allowed(EvidenceKind::Summary).contains(&FileType::Docx));
        assert!(allowed(EvidenceKind::Case).contains(&FileType::Jpeg));
        assert!(!allowed(EvidenceKind::Photo).contains(&FileType::Pdf));
        assert!(!allowed(EvidenceKind::Photo).contains(&FileType::Mp4));
        assert_eq!(allowed(EvidenceKind::Video), &[FileType::Mp4]);
        assert!(!allowed(EvidenceKind::Report).contains(&FileType::Mp4));
    }

    #[test]
    fn kinds_take_their_limit_from_configuration() {
        let limits = UploadLimits {
            photo: 1,
            document: 2,
            video: 3,
        };
        assert_eq!(max_bytes(EvidenceKind::Photo, &limits), 1);
        assert_eq!(max_bytes(EvidenceKind::Summary, &limits), 2);
        assert_eq!(max_bytes(EvidenceKind::Case, &limits), 2);
        assert_eq!(max_bytes(EvidenceKind::Video, &limits), 3);
        for k in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EvidenceKind::parse("movie"), None);
    }

    #[test]
    fn a_zip_is_a_docx_only_with_word_document_xml() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, entry: &str| {
            let path = dir.path().join(name);
            let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
            zip.start_file(entry, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(b"<w:document/>").unwrap();
            zip.finish().unwrap();
            path
        };
        assert!(is_docx(&write("a.docx", "word/document.xml")));
        assert!(!is_docx(&write("b.xlsx", "xl/workbook.xml")));
        let junk = dir.path().join("c.zip");
        std::fs::write(&junk, b"PK\x03\x04 but truncated").unwrap();
        assert!(!is_docx(&junk));
    }
}
