//! `multipart/form-data` read part by part as it arrives, and documented in the spec.
//!
//! poem-openapi's `#[derive(Multipart)]` with `Upload` copies every file part into an
//! unbounded temporary file before the handler runs, so a limit could only be checked after
//! the whole body had been taken (R-EVIDENCE wants it cut off at the limit). [`StreamedForm`]
//! hands the handler poem's streaming `Multipart` instead, while declaring the same request
//! schema an `#[derive(Multipart)]` would.

use crate::{
    error::{AppError, DomainError, Kind},
    storage::{Policy, Received, Storage},
};
use poem::{
    FromRequest, Request, RequestBody,
    web::{Field, Multipart},
};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions,
    error::ContentTypeError,
    registry::{MetaMediaType, MetaRequest, MetaSchema, MetaSchemaRef, Registry},
};
use std::{future::Future, marker::PhantomData, pin::Pin};
use tokio::io::{AsyncRead, AsyncReadExt};

/// The documented fields of a streamed form.
pub trait FormSchema: Send {
    /// `(name, schema)` of each part, in the order clients should send them.
    fn properties() -> Vec<(&'static str, MetaSchemaRef)>;
    fn required() -> Vec<&'static str>;
    fn register(_registry: &mut Registry) {}
}

/// A multipart body whose parts the handler reads one by one, as they arrive.
pub struct StreamedForm<S> {
    parts: Multipart,
    _schema: PhantomData<S>,
}

/// The `format: binary` string schema of a file part.
pub fn binary_schema() -> MetaSchemaRef {
    MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", "binary")))
}

impl<'a, S: FormSchema> ApiExtractor<'a> for StreamedForm<S> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn register(registry: &mut Registry) {
        S::register(registry);
    }

    fn request_meta() -> Option<MetaRequest> {
        let schema = MetaSchema {
            required: S::required(),
            properties: S::properties(),
            ..MetaSchema::new("object")
        };
        Some(MetaRequest {
            description: None,
            content: vec![MetaMediaType {
                content_type: "multipart/form-data",
                schema: MetaSchemaRef::Inline(Box::new(schema)),
            }],
            required: true,
        })
    }

    async fn from_request(
        request: &'a Request,
        body: &mut RequestBody,
        _param_opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        match request.content_type() {
            None => return Err(ContentTypeError::ExpectContentType.into()),
            Some(ct) => {
                let essence = ct.split(';').next().unwrap_or_default().trim();
                if !essence.eq_ignore_ascii_case("multipart/form-data") {
                    return Err(ContentTypeError::NotSupported {
                        content_type: ct.to_owned(),
                    }
                    .into());
                }
            }
        }
        Ok(Self {
            parts: <Multipart as FromRequest>::from_request(request, body).await?,
            _schema: PhantomData,
        })
    }
}

/// 400 `invalid_multipart`.
pub fn bad_form(field: &str, zh: &str, en: impl Into<String>) -> AppError {
    DomainError::new(Kind::BadRequest, "invalid_multipart", zh.to_owned(), en.into())
        .field(field)
        .into()
}

/// After a refusal, the rest of the body is read and thrown away (up to this many bytes), so
/// the client, still sending, gets the answer rather than a reset connection.
const DISCARD_BUDGET: u64 = 16 * 1024 * 1024;

/// The parts of a [`StreamedForm`], with a bounded way to discard what is left.
pub struct Parts {
    parts: Multipart,
    budget: u64,
    exhausted: bool,
}

impl<S> StreamedForm<S> {
    pub fn into_parts(self) -> Parts {
        Parts {
            parts: self.parts,
            budget: DISCARD_BUDGET,
            exhausted: false,
        }
    }
}

impl Parts {
    /// The parts of a page's multipart form (the pages read poem's `Multipart` directly).
    pub fn from_multipart(parts: Multipart) -> Self {
        Self {
            parts,
            budget: DISCARD_BUDGET,
            exhausted: false,
        }
    }

    pub async fn next(&mut self) -> Result<Option<Field>, AppError> {
        self.parts
            .next_field()
            .await
            .map_err(|e| bad_form("file", "上传表单格式错误", e.to_string()))
    }

    /// Reads a short text part (at most `max` bytes).
    pub async fn text(field: Field, max: usize) -> Result<String, AppError> {
        let name = field.name().unwrap_or_default().to_owned();
        let mut buf = Vec::new();
        let reader = field.into_async_read();
        tokio::pin!(reader);
        reader
            .take(max as u64 + 1)
            .read_to_end(&mut buf)
            .await
            .map_err(|e| bad_form(&name, "上传表单格式错误", e.to_string()))?;
        if buf.len() > max {
            return Err(bad_form(
                &name,
                "表单字段过长",
                format!("the part is longer than {max} bytes"),
            ));
        }
        String::from_utf8(buf)
            .map_err(|_| bad_form(&name, "表单字段不是UTF-8文本", "the part is not UTF-8 text"))
    }

    /// Throws away the rest of a part being read, within the budget.
    pub async fn discard<R: AsyncRead + Unpin + ?Sized>(&mut self, reader: &mut R) {
        if self.exhausted {
            return;
        }
        let mut limited = reader.take(self.budget);
        let read = tokio::io::copy(&mut limited, &mut tokio::io::sink())
            .await
            .unwrap_or(self.budget);
        // Out of budget (or the part broke off, counted as the whole budget): stop reading.
        self.budget = self.budget.saturating_sub(read);
        self.exhausted = self.budget == 0;
    }

    /// Reads the one `file` part of a form that has nothing else (the recommendation photos
    /// and materials) into the storage folder under `policy`, and throws away any other part,
    /// a second file included. A refused file is read on (within the budget) so the client
    /// gets the answer; 400 `invalid_multipart` without a file part.
    pub async fn receive_file(
        &mut self,
        storage: &Storage,
        policy: Policy<'_>,
    ) -> Result<Received, AppError> {
        let mut file = None;
        while let Some(field) = self.next().await? {
            let wanted = field.name() == Some("file") && file.is_none();
            let reader = field.into_async_read();
            tokio::pin!(reader);
            if !wanted {
                self.discard(&mut reader).await;
                continue;
            }
            match storage.receive(&mut reader, policy).await {
                Ok(r) => file = Some(r),
                Err(e) => {
                    self.discard(&mut reader).await;
                    self.discard_rest().await;
                    return Err(e);
                }
            }
        }
        file.ok_or_else(|| bad_form("file", "缺少文件", "the file part is missing"))
    }

    /// Throws away every remaining part, within the budget.
    pub async fn discard_rest(&mut self) {
        while !self.exhausted {
            match self.parts.next_field().await {
                Ok(Some(field)) => {
                    let reader = field.into_async_read();
                    tokio::pin!(reader);
                    self.discard(&mut reader).await;
                }
                _ => return,
            }
        }
    }
}

/// A file part being streamed into storage (boxed: a plain async closure's future cannot be
/// shown `Send` for every borrow of the reader, which poem's handlers need).
pub type Receiving<'r> = Pin<Box<dyn Future<Output = Result<Received, AppError>> + Send + 'r>>;

/// Reads an upload form of a `kind` part, then one `file` part streamed through `receive` as
/// it arrives (the kind decides the file's limit and types while it streams). Application
/// evidence and activity files (issue 18.4) both read their forms here.
///
/// A file before the kind is refused, nothing of it read (422 `kind_must_come_first`, issue
/// 20.5); a second file, a missing kind or file: 400 `invalid_multipart`; other parts are
/// thrown away. When `receive` refuses the file, the rest of the part is discarded within
/// the budget so that the client hears the answer.
pub async fn read_kind_then_file<K: Copy>(
    parts: &mut Parts,
    parse_kind: impl Fn(&str) -> Result<K, AppError>,
    receive: impl for<'r> Fn(&'r mut (dyn AsyncRead + Unpin + Send), Option<K>) -> Receiving<'r>,
) -> Result<(K, String, Received), AppError> {
    let mut kind = None;
    let mut file = None;
    while let Some(field) = parts.next().await? {
        match field.name() {
            Some("kind") => {
                let text = Parts::text(field, 32).await?;
                kind = Some(parse_kind(text.trim())?);
            }
            Some("file") if kind.is_none() => {
                return Err(DomainError::unprocessable(
                    "kind_must_come_first",
                    "上传表单中材料类型（kind）必须在文件（file）之前",
                    "the kind part must come before the file part",
                )
                .field("kind")
                .into());
            }
            Some("file") if file.is_none() => {
                let filename = field.file_name().unwrap_or_default().to_owned();
                let reader = field.into_async_read();
                tokio::pin!(reader);
                match receive(&mut reader, kind).await {
                    Ok(received) => file = Some((filename, received)),
                    Err(e) => {
                        parts.discard(&mut reader).await;
                        return Err(e);
                    }
                }
            }
            Some("file") => return Err(bad_form("file", "只能上传一个文件", "one file per upload")),
            _ => {
                let reader = field.into_async_read();
                tokio::pin!(reader);
                parts.discard(&mut reader).await;
            }
        }
    }
    let kind = kind.ok_or_else(|| bad_form("kind", "缺少材料类型", "the kind part is missing"))?;
    let (filename, received) =
        file.ok_or_else(|| bad_form("file", "缺少文件", "the file part is missing"))?;
    Ok((kind, filename, received))
}
