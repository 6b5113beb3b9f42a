//! R-EVIDENCE: evidence kinds and the file types each accepts, decided by the content's magic
//! bytes, never by the file name.

use crate::config::UploadLimits;

pub use vocab::EvidenceKind;

/// The file types a kind accepts.
pub fn allowed(kind: EvidenceKind) -> &'static [FileType] {
    use FileType::*;
    match kind {
        // Issue 18.7: files as people have them — old Word and WPS documents (OLE compound
        // files), PowerPoint (.pptx), iPhone photos (HEIC/HEIF), QuickTime videos (.mov).
        EvidenceKind::Summary | EvidenceKind::Report | EvidenceKind::Case => {
            &[Pdf, Docx, Doc, Pptx, Jpeg, Png, Heic]
        }
        EvidenceKind::Photo => &[Jpeg, Png, Heic],
        EvidenceKind::Video => &[Mp4, Mov],
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
    /// HEIC/HEIF still image (an iPhone photo).
    Heic,
    /// QuickTime movie (.mov).
    Mov,
    /// An OLE compound document holding a `WordDocument` stream: Word 97–2003 .doc or WPS .wps.
    Doc,
    /// PowerPoint (.pptx): a zip holding `ppt/presentation.xml`.
    Pptx,
}

impl FileType {
    pub const ALL: [FileType; 9] = [
        Self::Pdf,
        Self::Docx,
        Self::Jpeg,
        Self::Png,
        Self::Mp4,
        Self::Heic,
        Self::Mov,
        Self::Doc,
        Self::Pptx,
    ];

    /// The extension a download of this type carries (whatever name it was uploaded under).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Mp4 => "mp4",
            Self::Heic => "heic",
            Self::Mov => "mov",
            Self::Doc => "doc",
            Self::Pptx => "pptx",
        }
    }

    /// The extension a stored file's name carries: the type's own, except for an OLE Word-type
    /// document, whose bytes cannot tell a Word 97–2003 file from a WPS one (issue 18.7): it
    /// keeps the extension it was declared with when that names such a document (.wps stays
    /// .wps, .dot stays .dot); any other name gets `.doc`.
    pub fn extension_for(self, declared_name: &str) -> &'static str {
        if self == Self::Doc {
            let declared = declared_name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase());
            if let Some(e) = declared.and_then(|e| OLE_WORD_EXTENSIONS.into_iter().find(|x| *x == e)) {
                return e;
            }
        }
        self.extension()
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
            Self::Heic => "image/heic",
            Self::Mov => "video/quicktime",
            Self::Doc => "application/msword",
            Self::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        }
    }
}

/// Extensions of documents kept as [`FileType::Doc`] (an OLE file with a `WordDocument`
/// stream): Word 97–2003 and its template, WPS 文字 and its template.
const OLE_WORD_EXTENSIONS: [&str; 4] = ["doc", "dot", "wps", "wpt"];

/// Bytes [`sniff`] needs to decide (fewer is fine at the end of a short file).
pub const SNIFF_LEN: usize = 12;

/// ISO base-media brands that are not mp4 video: HEIF/AVIF still images and QuickTime.
const NOT_MP4_BRANDS: [&[u8; 4]; 12] = [
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis", b"crx ",
    b"qt  ",
];

/// HEIF brands taken as HEIC photos (AVIF and camera raw are not).
const HEIC_BRANDS: [&[u8; 4]; 8] = [
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
];

/// QuickTime atoms a .mov may open with when it carries no `ftyp` (older cameras).
const MOV_ATOMS: [&[u8; 4]; 4] = [b"moov", b"mdat", b"wide", b"free"];

/// The OLE compound file signature (.doc, .wps, but also .xls, .ppt, .msi: [`check_ole`]
/// keeps only documents).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

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
    } else if head.starts_with(&OLE_MAGIC) {
        Some(FileType::Doc)
    } else if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        if HEIC_BRANDS.iter().any(|b| brand == *b) {
            Some(FileType::Heic)
        } else if brand == b"qt  " {
            Some(FileType::Mov)
        } else if NOT_MP4_BRANDS.iter().any(|b| brand == *b) {
            None
        } else {
            Some(FileType::Mp4)
        }
    } else if head.len() >= 8 && MOV_ATOMS.iter().any(|a| &head[4..8] == *a) {
        Some(FileType::Mov)
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

/// Issue 18.7: an OLE compound file is kept only as a Word or WPS document: its directory
/// names a `WordDocument` stream (UTF-16LE, as directory entries store names). An .xls, .ppt
/// or .msi is refused.
pub fn check_ole(path: &std::path::Path) -> Result<(), &'static str> {
    let bytes = std::fs::read(path).map_err(|_| "unreadable")?;
    let name: Vec<u8> = "WordDocument".encode_utf16().flat_map(u16::to_le_bytes).collect();
    if bytes.windows(name.len()).any(|w| w == name.as_slice()) {
        Ok(())
    } else {
        Err("an OLE file without a WordDocument stream")
    }
}

/// Which Office Open XML document a complete zip is (issue 18.7: a .pptx beside the .docx),
/// read through [`check_docx`]'s bounds.
pub fn check_ooxml(path: &std::path::Path, bounds: &ZipBounds) -> Result<FileType, &'static str> {
    match check_docx(path, bounds) {
        Ok(()) => Ok(FileType::Docx),
        Err("no word/document.xml") => check_zip(path, bounds, "ppt/presentation.xml")
            .map(|()| FileType::Pptx)
            .map_err(|e| {
                if e == "missing its main part" {
                    "no word/document.xml or ppt/presentation.xml"
                } else {
                    e
                }
            }),
        Err(e) => Err(e),
    }
}

/// Opens a .docx as a zip and reads every entry through a bounded reader (the sizes the zip
/// declares may lie): total uncompressed ≤ `max_total`, at most `max_ratio` times the file's
/// size, and `word/document.xml` present. `Err` says what is wrong.
pub fn check_docx(path: &std::path::Path, bounds: &ZipBounds) -> Result<(), &'static str> {
    check_zip(path, bounds, "word/document.xml").map_err(|e| {
        if e == "missing its main part" {
            "no word/document.xml"
        } else {
            e
        }
    })
}

fn check_zip(path: &std::path::Path, bounds: &ZipBounds, main: &str) -> Result<(), &'static str> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|_| "unreadable")?;
    let compressed = file.metadata().map_err(|_| "unreadable")?.len().max(1);
    let limit = bounds.max_total.min(compressed.saturating_mul(bounds.max_ratio));
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|_| "not a zip archive")?;
    if zip.index_for_name(main).is_none() {
        return Err("missing its main part");
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
        // HEIC photos and QuickTime movies share the `ftyp` box but are not mp4 (issue 18.7:
        // they are their own types); AVIF is none of ours.
        assert_eq!(sniff(b"\0\0\0\x18ftypheic"), Some(FileType::Heic));
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  "), Some(FileType::Mov));
        assert_eq!(sniff(b"\0\0\0\x18ftypavif"), None);
        // An .exe is nothing, whatever its name.
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0\x04\0\0\0"), None);
        // Too short to carry a brand.
        assert_eq!(sniff(b"\0\0\0\x18ftyp"), None);
    }

    #[test]
    fn kinds_accept_their_types_only() {
        assert!(allowed(EvidenceKind::Summary).contains(&FileType::Docx));
        assert!(allowed(EvidenceKind::Case).contains(&FileType::Jpeg));
        assert!(!allowed(EvidenceKind::Photo).contains(&FileType::Pdf));
        assert!(!allowed(EvidenceKind::Photo).contains(&FileType::Mp4));
        assert_eq!(allowed(EvidenceKind::Video), &[FileType::Mp4, FileType::Mov]);
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
