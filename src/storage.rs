//! Content-addressed evidence files (R-EVIDENCE).
//!
//! An upload streams into a temporary file under `<storage_dir>/tmp/` while its sha256 is
//! computed, its type is decided from its first bytes and its size is counted: a file over
//! its limit is cut off at the limit (the body is never held in memory), and every failure
//! removes the temporary file. A complete upload is kept as `<storage_dir>/<ab>/<sha256>`, so
//! the same content stored twice is one file.

mod names;
mod sniff;

pub use names::{sanitize_filename, stored_name, with_extension};
pub use sniff::{EvidenceKind, FileType, SNIFF_LEN, ZipBounds, check_docx, check_ole, check_ooxml, sniff};

use crate::{
    config::UploadLimits,
    error::{AppError, AppResult, DomainError, Kind},
};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tempfile::TempPath;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

/// What an upload must satisfy while it streams.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    pub allowed: &'a [FileType],
    pub max_bytes: u64,
}

impl Policy<'static> {
    pub fn for_kind(kind: EvidenceKind, limits: &UploadLimits) -> Self {
        Self {
            allowed: sniff::allowed(kind),
            max_bytes: sniff::max_bytes(kind, limits),
        }
    }

    /// Before the kind is known: any stored type, up to the largest limit. The kind's own
    /// rules are applied with [`Policy::check`] once it is.
    pub fn any(limits: &UploadLimits) -> Self {
        Self {
            allowed: &FileType::ALL,
            max_bytes: limits.photo.max(limits.document).max(limits.video),
        }
    }
}

impl Policy<'_> {
    pub fn check(&self, file_type: FileType, size: u64) -> Result<(), DomainError> {
        if size > self.max_bytes {
            return Err(too_large(self.max_bytes));
        }
        if !self.allowed.contains(&file_type) {
            return Err(unsupported_type());
        }
        Ok(())
    }
}

fn human(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// 413 `file_too_large`.
pub fn too_large(max_bytes: u64) -> DomainError {
    let limit = human(max_bytes);
    DomainError::new(
        Kind::TooLarge,
        "file_too_large",
        format!("文件超过大小限制（{limit}）"),
        format!("the file exceeds the limit of {limit} for this kind"),
    )
    .field("file")
}

/// 415 `unsupported_file_type`.
/// An Office file that is not a sound .docx: a zip bomb, or no `word/document.xml` (issue 20.5).
pub fn suspicious_archive(why: &str) -> DomainError {
    DomainError::unprocessable(
        "suspicious_archive",
        "文档文件异常（解压后过大、压缩比异常或不是有效的Word文档），请重新保存后上传",
        format!("the document is not a sound .docx ({why}): at most 100 MiB and 100:1 unpacked, with word/document.xml"),
    )
    .field("file")
}

pub fn unsupported_type() -> DomainError {
    DomainError::new(
        Kind::UnsupportedType,
        "unsupported_file_type",
        "文件内容不是该类材料允许的类型（文档：pdf、docx、jpg、png；图片：jpg、png；视频：mp4）",
        "the content is not a type allowed for this kind (documents: pdf, docx, jpg, png; \
         photos: jpg, png; video: mp4)",
    )
    .field("file")
}

fn interrupted(e: std::io::Error) -> AppError {
    DomainError::new(
        Kind::BadRequest,
        "invalid_multipart",
        "上传中断或表单格式错误",
        format!("the upload was interrupted or malformed: {e}"),
    )
    .field("file")
    .into()
}

/// A complete upload, still in its temporary file (removed when this is dropped).
#[derive(Debug)]
pub struct Received {
    temp: TempPath,
    sha256: String,
    size: u64,
    file_type: FileType,
}

impl Received {
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
    pub fn size(&self) -> u64 {
        self.size
    }
    pub fn file_type(&self) -> FileType {
        self.file_type
    }
}

/// The storage folder.
#[derive(Debug)]
pub struct Storage {
    root: PathBuf,
}

impl Storage {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where unfinished uploads live.
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// `<root>/<ab>/<sha256>`; `None` unless `sha256` is 64 lowercase hex digits.
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        valid.then(|| self.root.join(&sha256[..2]).join(sha256))
    }

    /// Streams `reader` into a temporary file: sha256, type from the first bytes (415 as soon
    /// as they do not match), size (413 as soon as it passes the limit). Nothing is left
    /// behind on any error.
    pub async fn receive<R>(&self, reader: &mut R, policy: Policy<'_>) -> AppResult<Received>
    where
        R: AsyncRead + Unpin + ?Sized,
    {
        let tmp = self.tmp_dir();
        tokio::fs::create_dir_all(&tmp).await?;
        let named =
            tokio::task::spawn_blocking(move || tempfile::Builder::new().prefix("upload-").tempfile_in(tmp))
                .await
                .map_err(AppError::internal)??;
        // From here on, dropping `temp` (on any return or cancellation) removes the file.
        let (file, temp) = named.into_parts();
        let mut file = tokio::fs::File::from_std(file);
        let decide = |head: &[u8]| {
            sniff(head)
                .filter(|t| policy.allowed.contains(t))
                .ok_or_else(unsupported_type)
        };
        let mut hasher = Sha256::new();
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_LEN);
        let mut file_type = None;
        let mut size: u64 = 0;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = reader.read(&mut buf).await.map_err(interrupted)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            if size > policy.max_bytes {
                return Err(too_large(policy.max_bytes).into());
            }
            let chunk = &buf[..n];
            if file_type.is_none() {
                let take = (SNIFF_LEN - head.len()).min(n);
                head.extend_from_slice(&chunk[..take]);
                if head.len() == SNIFF_LEN {
                    file_type = Some(decide(&head)?);
                }
            }
            hasher.update(chunk);
            file.write_all(chunk).await?;
        }
        let file_type = match file_type {
            Some(t) => t,
            None => decide(&head)?,
        };
        file.sync_all().await?;
        drop(file);
        let file_type = if file_type == FileType::Docx {
            // A zip: a Word document or (issue 18.7) a PowerPoint one, within bounds.
            let path = temp.to_path_buf();
            let checked = tokio::task::spawn_blocking(move || check_ooxml(&path, &ZipBounds::default()))
                .await
                .map_err(AppError::internal)?;
            let t = checked.map_err(suspicious_archive)?;
            if !policy.allowed.contains(&t) {
                return Err(unsupported_type().into());
            }
            t
        } else if file_type == FileType::Doc {
            let path = temp.to_path_buf();
            let checked = tokio::task::spawn_blocking(move || check_ole(&path))
                .await
                .map_err(AppError::internal)?;
            checked.map_err(|_| unsupported_type())?;
            file_type
        } else {
            file_type
        };
        Ok(Received {
            temp,
            sha256: hex::encode(hasher.finalize()),
            size,
            file_type,
        })
    }

    /// Moves a complete upload to its content address; when that content is already stored,
    /// the upload is simply dropped. Call it holding the content's guard
    /// (`services::attachments`, in the database), until the referencing row is committed.
    pub async fn keep(&self, received: Received) -> AppResult<()> {
        let path = self
            .path_of(&received.sha256)
            .ok_or_else(|| AppError::internal("bad sha256"))?;
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            if !path.exists() {
                received.temp.persist(&path).map_err(|e| e.error)?;
            }
            Ok(())
        })
        .await
        .map_err(AppError::internal)??;
        Ok(())
    }

    /// Opens stored content: the file and its length.
    pub async fn open(&self, sha256: &str) -> AppResult<(tokio::fs::File, u64)> {
        let path = self
            .path_of(sha256)
            .ok_or_else(|| AppError::internal("bad sha256"))?;
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| AppError::internal(format!("stored file {sha256}: {e}")))?;
        let len = file.metadata().await?.len();
        Ok((file, len))
    }

    /// Removes stored content (already gone is fine). Call it holding the content's guard.
    pub async fn remove(&self, sha256: &str) -> AppResult<()> {
        let path = self
            .path_of(sha256)
            .ok_or_else(|| AppError::internal("bad sha256"))?;
        match tokio::fs::remove_file(&path).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests;
