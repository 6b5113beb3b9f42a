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

    /// The extension a download of this type carries (whatever name it was uploaded under).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Mp4 => "mp4",
        }
    }

    /// The type stored as `content_type`, if it is one of ours.
    pub fn from_content_type(ct: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.content_type() == ct)
    }

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
/// directory, once the whole file is on disk ([`check_docx`]).
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
/// How far an Office file (a zip) may expand when opened (issue 20.5).
#[derive(Debug, Clone, Copy)]
pub struct ZipBounds {
    /// Total uncompressed bytes of all entries.
    pub max_total: u64,
    /// Uncompressed bytes per byte of the file.
    pub max_ratio: u64,
}

impl Default for ZipBounds {
    fn default() -> Self {
        Self {
            max_total: 100 * 1024 * 1024,
            max_ratio: 100,
        }
    }
}

/// Opens a .docx as a zip and reads every entry through a bounded reader (the sizes the zip
/// declares may lie): total uncompressed ≤ `max_total`, at most `max_ratio` times the file's
/// size, and `word/document.xml` present. `Err` says what is wrong.
pub fn check_docx(path: &std::path::Path, bounds: &ZipBounds) -> Result<(), &'static str> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|_| "unreadable")?;
    let compressed = file.metadata().map_err(|_| "unreadable")?.len().max(1);
    let limit = bounds.max_total.min(compressed.saturating_mul(bounds.max_ratio));
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|_| "not a zip archive")?;
    if zip.index_for_name("word/document.xml").is_none() {
        return Err("no word/document.xml");
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|_| "a broken entry")?;
        let left = limit - total;
        let read =
            std::io::copy(&mut entry.take(left + 1), &mut std::io::sink()).map_err(|_| "a broken entry")?;
        total += read;
        if total > limit {
            return Err("expands beyond the bounds");
        }
    }
    Ok(())
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
        let b = ZipBounds::default();
        assert!(check_docx(&write("a.docx", "word/document.xml"), &b).is_ok());
        assert!(check_docx(&write("b.xlsx", "xl/workbook.xml"), &b).is_err());
        let junk = dir.path().join("c.zip");
        std::fs::write(&junk, b"PK\x03\x04 but truncated").unwrap();
        assert!(check_docx(&junk, &b).is_err());
    }

    /// Issue 20.5: a zip bomb dressed as a .docx is refused by what it expands to, read
    /// through a bounded reader.
    #[test]
    fn a_docx_that_expands_too_far_is_refused() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.docx");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let deflate =
            zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", deflate).unwrap();
        zip.write_all(b"<w:document/>").unwrap();
        zip.start_file("word/media/zeros.bin", deflate).unwrap();
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..8 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
        // 8 MiB of zeros packs to a few KiB: far beyond 100:1.
        assert_eq!(
            check_docx(&path, &ZipBounds::default()),
            Err("expands beyond the bounds")
        );
        // Within generous bounds it would pass: the check is the bound, not the content.
        let loose = ZipBounds {
            max_total: 1 << 30,
            max_ratio: 1 << 20,
        };
        assert_eq!(check_docx(&path, &loose), Ok(()));
    }
}
