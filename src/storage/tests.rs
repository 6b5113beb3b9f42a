//! The streaming store: hashing, content addressing, and limits enforced while streaming.

use super::*;
use std::{
    io::Cursor,
    pin::Pin,
    task::{Context, Poll},
};
use tokio::io::ReadBuf;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";

fn limits(bytes: u64) -> UploadLimits {
    UploadLimits {
        photo: bytes,
        document: bytes,
        video: bytes,
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_in(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// A reader that yields some bytes, then fails (a client that hangs up).
struct Broken(usize);

impl AsyncRead for Broken {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.0 == 0 {
            return Poll::Ready(Err(std::io::Error::other("connection reset")));
        }
        let n = self.0.min(buf.remaining());
        buf.put_slice(&PNG.repeat(n / PNG.len() + 1)[..n]);
        self.0 -= n;
        Poll::Ready(Ok(()))
    }
}

fn domain_code(e: AppError) -> &'static str {
    match e {
        AppError::Domain(d) => d.code,
        other => panic!("expected a domain error, got {other}"),
    }
}

/// R-EVIDENCE: the stored name is the sha256; the same content twice is one file.
#[tokio::test]
async fn content_is_stored_once_under_its_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let policy = Policy::for_kind(EvidenceKind::Photo, &limits(1024));
    let expected = hex::encode(Sha256::digest(PNG));
    for _ in 0..2 {
        let r = storage.receive(&mut Cursor::new(PNG), policy).await.unwrap();
        assert_eq!(r.sha256(), expected);
        assert_eq!(r.size(), PNG.len() as u64);
        assert_eq!(r.file_type(), FileType::Png);
        storage.keep(r).await.unwrap();
    }
    let stored = storage.path_of(&expected).unwrap();
    assert_eq!(stored, dir.path().join(&expected[..2]).join(&expected));
    assert_eq!(std::fs::read(&stored).unwrap(), PNG);
    assert_eq!(files_in(dir.path()), vec![stored]);
    let (_, len) = storage.open(&expected).await.unwrap();
    assert_eq!(len, PNG.len() as u64);
    storage.remove(&expected).await.unwrap();
    storage.remove(&expected).await.unwrap();
    assert!(files_in(dir.path()).is_empty());
}

/// R-EVIDENCE: an endless upload is cut off at the limit, and nothing is left behind.
#[tokio::test]
async fn the_limit_is_enforced_while_streaming() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let mut endless = Cursor::new(PNG).chain(tokio::io::repeat(0));
    let policy = Policy::for_kind(EvidenceKind::Photo, &limits(1024 * 1024));
    let err = storage.receive(&mut endless, policy).await.unwrap_err();
    assert_eq!(domain_code(err), "file_too_large");
    assert!(files_in(dir.path()).is_empty());
}

#[tokio::test]
async fn exactly_the_limit_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let policy = Policy::for_kind(EvidenceKind::Photo, &limits(PNG.len() as u64));
    assert!(storage.receive(&mut Cursor::new(PNG), policy).await.is_ok());
    let policy = Policy::for_kind(EvidenceKind::Photo, &limits(PNG.len() as u64 - 1));
    let err = storage.receive(&mut Cursor::new(PNG), policy).await.unwrap_err();
    assert_eq!(domain_code(err), "file_too_large");
}

/// R-EVIDENCE: the content decides, and a mismatch leaves nothing behind.
#[tokio::test]
async fn content_that_does_not_match_the_kind_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let photo = Policy::for_kind(EvidenceKind::Photo, &limits(1024));
    for bytes in [
        &b"not an image, whatever the name says"[..],
        b"%PDF-1.4 ...",
        b"",
        b"\xFF",
    ] {
        let err = storage.receive(&mut Cursor::new(bytes), photo).await.unwrap_err();
        assert_eq!(domain_code(err), "unsupported_file_type");
    }
    // A zip that is not a Word document is not a docx, even for a document kind (issue 20.5:
    // 422 `suspicious_archive`).
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"<workbook/>").unwrap();
    let xlsx = zip.finish().unwrap().into_inner();
    let summary = Policy::for_kind(EvidenceKind::Summary, &limits(1 << 20));
    let err = storage
        .receive(&mut Cursor::new(xlsx), summary)
        .await
        .unwrap_err();
    assert_eq!(domain_code(err), "suspicious_archive");
    assert!(files_in(dir.path()).is_empty());
}

#[tokio::test]
async fn a_broken_upload_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::new(dir.path());
    let policy = Policy::for_kind(EvidenceKind::Photo, &limits(1 << 20));
    let err = storage.receive(&mut Broken(100_000), policy).await.unwrap_err();
    assert_eq!(domain_code(err), "invalid_multipart");
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn a_policy_for_any_kind_is_checked_against_the_kind_later() {
    let l = UploadLimits {
        photo: 10,
        document: 20,
        video: 30,
    };
    let any = Policy::any(&l);
    assert_eq!(any.max_bytes, 30);
    assert!(any.check(FileType::Mp4, 30).is_ok());
    let photo = Policy::for_kind(EvidenceKind::Photo, &l);
    assert_eq!(
        photo.check(FileType::Mp4, 5).unwrap_err().code,
        "unsupported_file_type"
    );
    assert_eq!(photo.check(FileType::Png, 11).unwrap_err().code, "file_too_large");
    assert!(photo.check(FileType::Png, 10).is_ok());
}

#[test]
fn only_hex_digests_map_to_paths() {
    let s = Storage::new("/x");
    assert!(s.path_of(&"a".repeat(64)).is_some());
    assert!(s.path_of("../../etc/passwd").is_none());
    assert!(s.path_of(&"A".repeat(64)).is_none());
}
