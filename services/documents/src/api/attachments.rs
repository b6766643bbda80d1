//! `AttachmentService`: uploading files to documents (streamed over gRPC,
//! or whole in one request for REST) and downloading them, with their
//! SHA-256 checked on the way in and on the way out.
//!
//! An upload is checked (metadata, then who may attach to the document in
//! its state) before any content is read; the content goes to the blob
//! store under a fresh key that becomes visible only once complete; its
//! length and hash must match what was declared, or the stored piece is
//! dropped and nothing is recorded. The row, the document's history line
//! and the audit record are then written in one transaction, with the
//! request id claimed for idempotency.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use sha2::{Digest as _, Sha256};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Status, Streaming};
use uuid::Uuid;

use vanphong_platform::audit::{self, Change};
use vanphong_platform::clock::to_timestamp;
use vanphong_platform::idempotency::IdempotencyKey;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::attachment_service_server::AttachmentService;
use vanphong_proto::documents::v1::upload_attachment_request::Part;

use super::Shared;
use super::flow::event;
use crate::blob::{BlobStore, hex, sha256_hex};
use crate::domain::document::Document;
use crate::domain::kinds::{Direction, Status as DocStatus};
use crate::domain::signature::{DETACHED_SUFFIX, SignatureCheck, SignatureVerdict, is_pdf, signed_by_detached};
use crate::store;
use crate::store::attachments::Attachment;
use vanphong_pdf::verify::TrustAnchors;

pub struct AttachmentApi {
    pub(crate) shared: Arc<Shared>,
    pub(crate) blobs: Arc<BlobStore>,
}

/// Longest file name, in characters.
const MAX_FILE_NAME: usize = 255;

/// Content sent per message of a streamed download.
const DOWNLOAD_CHUNK: usize = 256 * 1024;

/// Largest file answered whole in one message (GetAttachment): one gRPC
/// message, as the gateway's REST layer decodes it, holds at most 4 MiB.
pub(crate) const WHOLE_FILE_LIMIT: i64 = 4 * 1024 * 1024 - 64 * 1024;

/// Incoming states in which files may still be added.
const INCOMING_OPEN: [DocStatus; 6] = [
    DocStatus::Arrived,
    DocStatus::Registered,
    DocStatus::Submitted,
    DocStatus::Assigned,
    DocStatus::InProgress,
    DocStatus::Done,
];

/// Who may attach files to a document in its current state: to an outgoing
/// document only while it is a draft, its drafter or a leader; to an
/// incoming one until it is filed, the office's clerks (who register it)
/// and its handlers. (Acting for the office is checked apart.)
pub(crate) fn may_attach(caller: &Caller, document: &Document, coordinators: &[Uuid]) -> Result<(), Error> {
    match document.direction {
        Direction::Outgoing => {
            if document.status != DocStatus::Draft {
                return Err(Error::FailedPrecondition(format!(
                    "Chỉ đính kèm tệp khi văn bản còn là dự thảo; văn bản đang ở trạng thái «{}»",
                    document.status.label()
                )));
            }
            if document.drafter_id != Some(caller.subject_id) && !caller.has_role(Role::Leader) {
                return Err(Error::PermissionDenied(
                    "Chỉ người soạn thảo hoặc lãnh đạo mới được đính kèm tệp vào dự thảo".into(),
                ));
            }
        }
        Direction::Incoming => {
            if !INCOMING_OPEN.contains(&document.status) {
                return Err(Error::FailedPrecondition(format!(
                    "Không đính kèm thêm tệp vào văn bản ở trạng thái «{}»",
                    document.status.label()
                )));
            }
            let handler =
                document.lead_handler_id == Some(caller.subject_id) || coordinators.contains(&caller.subject_id);
            if !caller.has_role(Role::Clerk) && !handler {
                return Err(Error::PermissionDenied(
                    "Chỉ văn thư hoặc người được giao xử lý mới được đính kèm tệp vào văn bản đến".into(),
                ));
            }
        }
    }
    Ok(())
}

pub(crate) fn attachment_to_wire(a: &Attachment) -> wire::Attachment {
    wire::Attachment {
        id: a.id.to_string(),
        document_id: a.document_id.to_string(),
        file_name: a.file_name.clone(),
        content_type: a.content_type.clone(),
        size: a.size,
        sha256: a.sha256.clone(),
        version: i32::try_from(a.version).unwrap_or(i32::MAX),
        uploaded_by: a.uploaded_by.to_string(),
        uploaded_at: Some(to_timestamp(a.uploaded_at)),
        signature_check: a.signature.as_ref().map(|c| signature_to_wire(c, a.uploaded_at)),
        issued: a.issued,
    }
}

fn signature_to_wire(check: &SignatureCheck, at: chrono::DateTime<chrono::Utc>) -> wire::SignatureCheck {
    let verdict = match check.verdict {
        SignatureVerdict::Valid => wire::SignatureVerdict::Valid,
        SignatureVerdict::Invalid => wire::SignatureVerdict::Invalid,
        SignatureVerdict::Unsigned => wire::SignatureVerdict::Unsigned,
    };
    wire::SignatureCheck {
        verdict: verdict as i32,
        reason: check.reason.clone(),
        signatures: check
            .signers
            .iter()
            .map(|s| wire::SignatureSigner {
                signer: s.signer.clone(),
                signed_at: s.signed_at.clone(),
                intact: s.intact,
                trusted: s.trusted,
                reason: s.reason.clone(),
            })
            .collect(),
        checked_at: Some(to_timestamp(at)),
    }
}

/// Checks a stored file's digital signatures when it is a PDF, off the
/// async threads (hashing a large file takes a while).
pub(crate) async fn check_signatures(content: Bytes, anchors: Arc<TrustAnchors>) -> Option<SignatureCheck> {
    if !is_pdf(&content) {
        return None;
    }
    tokio::task::spawn_blocking(move || SignatureCheck::of(&content, &anchors))
        .await
        .ok()
        .flatten()
}

/// A detached signature (`X.p7s`) and the file it signs (`X`), whichever
/// of the two arrives second: the check of the new file (stored under
/// `key` as `name`), and the file already on the document with the same
/// check. Files without a companion keep `own`.
pub(crate) async fn pair_detached(
    shared: &Shared,
    blobs: &BlobStore,
    document: Uuid,
    name: &str,
    key: &str,
    own: Option<SignatureCheck>,
) -> Result<(Option<SignatureCheck>, Option<(Uuid, SignatureCheck)>), Error> {
    let signs = signed_by_detached(name).map(str::to_string);
    // A PDF carries its own signatures; only other files take a .p7s.
    if signs.is_none() && own.is_some() {
        return Ok((own, None));
    }
    let wanted = signs.clone().unwrap_or_else(|| format!("{name}{DETACHED_SUFFIX}"));
    let mut tx = shared.ctx.db.begin_read().await?;
    let companion = store::attachments::of_document(&mut tx, document)
        .await?
        .into_iter()
        .rev()
        .find(|a| a.file_name == wanted);
    tx.commit().await?;
    let Some(companion) = companion else {
        return Ok((own, None));
    };
    let (theirs, mine) = (blobs.read(&companion.blob_key).await?, blobs.read(key).await?);
    let (content, p7s) = if signs.is_some() {
        (theirs, mine)
    } else {
        (mine, theirs)
    };
    if signs.is_some() && is_pdf(&content) {
        return Ok((own, None));
    }
    let anchors = shared.anchors.clone();
    let check = tokio::task::spawn_blocking(move || SignatureCheck::detached(&content, &p7s, &anchors))
        .await
        .map_err(|e| Error::Unavailable(format!("Không kiểm tra được chữ ký số: {e}")))?;
    Ok((Some(check.clone()), Some((companion.id, check))))
}

/// The checks of a package's files: PDFs by their own signatures, other
/// files by the detached signature (`X.p7s`) shipped beside them, which
/// carries the same verdict.
pub(crate) async fn check_files(files: &[(String, Bytes)], anchors: Arc<TrustAnchors>) -> Vec<Option<SignatureCheck>> {
    let mut checks = Vec::with_capacity(files.len());
    for (_, content) in files {
        checks.push(check_signatures(content.clone(), anchors.clone()).await);
    }
    for (i, (name, p7s)) in files.iter().enumerate() {
        let Some(signs) = signed_by_detached(name) else {
            continue;
        };
        let Some(target) = files.iter().position(|(n, c)| n == signs && !is_pdf(c)) else {
            continue;
        };
        let (content, p7s, anchors) = (files[target].1.clone(), p7s.clone(), anchors.clone());
        let Ok(check) = tokio::task::spawn_blocking(move || SignatureCheck::detached(&content, &p7s, &anchors)).await
        else {
            continue;
        };
        checks[target] = Some(check.clone());
        checks[i] = Some(check);
    }
    checks
}

/// The history line that flags a file whose signatures do not hold.
pub(crate) fn signature_event(
    caller: &Caller,
    now: chrono::DateTime<chrono::Utc>,
    file_name: &str,
    check: Option<&SignatureCheck>,
) -> Option<crate::store::people::Event> {
    let check = check.filter(|c| c.verdict == SignatureVerdict::Invalid)?;
    Some(event(
        caller,
        now,
        "signature_invalid",
        &format!("{file_name}: {}", check.reason),
    ))
}

/// An upload's metadata, checked.
struct Declared {
    request_id: Option<String>,
    document_id: Uuid,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
}

impl Declared {
    /// The metadata as the idempotency key sees it.
    fn as_wire(&self) -> wire::AttachmentMetadata {
        wire::AttachmentMetadata {
            request_id: self.request_id.clone().unwrap_or_default(),
            document_id: self.document_id.to_string(),
            file_name: self.file_name.clone(),
            content_type: self.content_type.clone(),
            size: self.size,
            sha256: self.sha256.clone(),
        }
    }
}

/// A file name without folders or control characters.
pub(crate) fn check_file_name(c: &mut Checker, field: &str, value: &str) -> String {
    let name = c.text(field, value, MAX_FILE_NAME);
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        c.violation(field, "INVALID_FORMAT", "Tên tệp không được chứa thư mục (/ hoặc \\)");
    }
    name
}

/// A MIME type such as "application/pdf"; empty means unknown binary.
pub(crate) fn check_content_type(c: &mut Checker, field: &str, value: &str) -> String {
    let kind = c
        .optional_text(field, value, 100)
        .unwrap_or_else(|| "application/octet-stream".into());
    let valid = kind.split_once('/').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && kind.chars().all(|ch| ch.is_ascii_graphic() || ch == ' ')
    });
    if !valid {
        c.violation(
            field,
            "INVALID_FORMAT",
            "Kiểu nội dung phải có dạng loại/kiểu, ví dụ application/pdf",
        );
    }
    kind
}

fn check_metadata(c: &mut Checker, m: &wire::AttachmentMetadata, max: i64) -> Declared {
    let request_id = c.request_id(&m.request_id);
    let document_id = c.id("document_id", &m.document_id);
    let file_name = check_file_name(c, "file_name", &m.file_name);
    let content_type = check_content_type(c, "content_type", &m.content_type);
    if m.size <= 0 {
        c.violation("size", "REQUIRED", "Phải khai báo kích thước tệp (số byte, lớn hơn 0)");
    } else if m.size > max {
        c.violation(
            "size",
            "TOO_LARGE",
            format!("Tệp vượt quá giới hạn {} MiB ({} byte)", max / 1024 / 1024, m.size),
        );
    }
    let sha256 = m.sha256.trim().to_ascii_lowercase();
    if sha256.len() != 64 || !sha256.chars().all(|ch| ch.is_ascii_hexdigit()) {
        c.violation(
            "sha256",
            "INVALID_FORMAT",
            "Mã băm SHA-256 phải gồm 64 chữ số thập lục phân",
        );
    }
    Declared {
        request_id,
        document_id,
        file_name,
        content_type,
        size: m.size,
        sha256,
    }
}

fn mismatch(declared: &str, actual: &str) -> Error {
    Error::invalid(
        "sha256",
        "MISMATCH",
        format!("Mã băm SHA-256 của nội dung ({actual}) khác mã đã khai báo ({declared}); tệp không được lưu"),
    )
}

fn wrong_length(declared: i64, received: i64) -> Error {
    Error::invalid(
        "size",
        "MISMATCH",
        format!("Đã nhận {received} byte, khác kích thước khai báo {declared} byte; tệp không được lưu"),
    )
}

impl AttachmentApi {
    /// The document, if the caller may attach files to it now.
    async fn attachable(&self, caller: &Caller, id: Uuid) -> Result<Document, Error> {
        let s = &self.shared;
        let mut tx = s.ctx.db.begin_read().await?;
        let (document, _) = s.visible(&mut tx, caller, id, false).await?;
        let coordinators = store::people::coordinators(&mut tx, id).await?;
        tx.commit().await?;
        caller.ensure_act(&s.snapshot().tree, document.office_id, s.today())?;
        may_attach(caller, &document, &coordinators)?;
        Ok(document)
    }

    /// Records stored content as an attachment, in one transaction with
    /// its history line and audit record; forgets the content if that
    /// fails or the request is a retry.
    async fn record(
        &self,
        caller: &Caller,
        declared: &Declared,
        key: String,
        signature: Option<SignatureCheck>,
    ) -> Result<wire::Attachment, Error> {
        let paired = pair_detached(
            &self.shared,
            &self.blobs,
            declared.document_id,
            &declared.file_name,
            &key,
            signature,
        )
        .await;
        let result = match paired {
            Ok((signature, companion)) => self.record_row(caller, declared, &key, signature, companion).await,
            Err(e) => Err(e),
        };
        match &result {
            Ok((_, true)) => {}
            Ok((_, false)) | Err(_) => self.blobs.forget(&key).await,
        }
        result.map(|(answer, _)| answer)
    }

    /// The answer, and whether the content is now referred to.
    async fn record_row(
        &self,
        caller: &Caller,
        declared: &Declared,
        key: &str,
        signature: Option<SignatureCheck>,
        companion: Option<(Uuid, SignatureCheck)>,
    ) -> Result<(wire::Attachment, bool), Error> {
        let s = &self.shared;
        let now = s.ctx.clock.now();
        let idempotency = IdempotencyKey::new(
            caller,
            "UploadAttachment",
            declared.request_id.as_deref(),
            &declared.as_wire(),
        );
        let mut tx = s.ctx.db.begin_write().await?;
        vanphong_platform::replay_or_claim!(idempotency, tx, now, previous => (previous, false));
        let (document, _) = s.visible(&mut tx, caller, declared.document_id, true).await?;
        caller.ensure_act(&s.snapshot().tree, document.office_id, s.today())?;
        let coordinators = store::people::coordinators(&mut tx, document.id).await?;
        may_attach(caller, &document, &coordinators)?;
        let attachment = Attachment {
            id: ids::new_id(),
            document_id: document.id,
            file_name: declared.file_name.clone(),
            content_type: declared.content_type.clone(),
            size: declared.size,
            sha256: declared.sha256.clone(),
            blob_key: key.to_string(),
            version: if document.direction == Direction::Outgoing {
                document.version
            } else {
                0
            },
            shared_from: None,
            uploaded_by: caller.subject_id,
            uploaded_at: now,
            signature,
            issued: false,
        };
        store::attachments::insert(&mut tx, &attachment).await?;
        if let Some((id, check)) = &companion {
            store::attachments::set_signature(&mut tx, *id, check).await?;
        }
        store::people::add_event(
            &mut tx,
            document.id,
            &event(caller, now, "attach", &attachment.file_name),
        )
        .await?;
        if let Some(flag) = signature_event(caller, now, &attachment.file_name, attachment.signature.as_ref()) {
            store::people::add_event(&mut tx, document.id, &flag).await?;
        }
        let change =
            Change::new(document.office_id, "attachment", attachment.id, "upload").after(attachment.audit_json());
        audit::record(&mut tx, caller, now, change).await?;
        let answer = attachment_to_wire(&attachment);
        vanphong_platform::remember!(idempotency, tx, answer);
        tx.commit().await?;
        Ok((answer, true))
    }

    async fn upload(
        &self,
        request: Request<Streaming<wire::UploadAttachmentRequest>>,
    ) -> Result<wire::Attachment, Error> {
        let caller = Caller::of(&request)?;
        let mut stream = request.into_inner();
        let first = stream
            .message()
            .await
            .map_err(|s| Error::invalid("metadata", "UNREADABLE", s.message()))?;
        let Some(wire::UploadAttachmentRequest {
            part: Some(Part::Metadata(metadata)),
        }) = first
        else {
            return Err(Error::invalid(
                "metadata",
                "REQUIRED",
                "Tin đầu tiên của luồng phải là thông tin tệp (metadata)",
            ));
        };
        let mut c = Checker::new();
        let declared = check_metadata(&mut c, &metadata, self.blobs.max_bytes);
        c.finish()?;
        self.attachable(&caller, declared.document_id).await?;

        let key = BlobStore::new_key();
        let mut writer = self.blobs.writer(&key).await?;
        let mut hasher = Sha256::new();
        let mut received: i64 = 0;
        // The first bytes, to know a PDF (whose signatures are checked).
        let mut head: Vec<u8> = Vec::with_capacity(5);
        let outcome: Result<(), Error> = async {
            while let Some(message) = stream.message().await.map_err(stream_broken)? {
                match message.part {
                    Some(Part::Chunk(chunk)) => {
                        received = received.saturating_add(i64::try_from(chunk.len()).unwrap_or(i64::MAX));
                        // Stop reading as soon as more arrives than was declared
                        // (and so never more than the limit).
                        if received > declared.size {
                            return Err(wrong_length(declared.size, received));
                        }
                        hasher.update(&chunk);
                        let wanted = 5usize.saturating_sub(head.len()).min(chunk.len());
                        head.extend_from_slice(&chunk[..wanted]);
                        writer.write(&chunk).await?;
                    }
                    Some(Part::Metadata(_)) => {
                        return Err(Error::invalid(
                            "metadata",
                            "REPEATED",
                            "Thông tin tệp chỉ được gửi một lần, ở tin đầu tiên",
                        ));
                    }
                    None => {}
                }
            }
            if received != declared.size {
                return Err(wrong_length(declared.size, received));
            }
            let actual = hex(&hasher.finalize_reset());
            if actual != declared.sha256 {
                return Err(mismatch(&declared.sha256, &actual));
            }
            Ok(())
        }
        .await;
        if let Err(e) = outcome {
            writer.abort().await;
            return Err(e);
        }
        writer.finish().await?;
        let signature = if is_pdf(&head) {
            match self.blobs.read(&key).await {
                Ok(content) => check_signatures(content, self.shared.anchors.clone()).await,
                Err(e) => {
                    self.blobs.forget(&key).await;
                    return Err(e);
                }
            }
        } else {
            None
        };
        self.record(&caller, &declared, key, signature).await
    }

    async fn put(&self, request: Request<wire::PutAttachmentRequest>) -> Result<wire::Attachment, Error> {
        let (caller, req) = Caller::split(request)?;
        let length = i64::try_from(req.content.len()).unwrap_or(i64::MAX);
        let metadata = wire::AttachmentMetadata {
            request_id: req.request_id.clone(),
            document_id: req.document_id.clone(),
            file_name: req.file_name.clone(),
            content_type: req.content_type.clone(),
            size: if req.size == 0 { length } else { req.size },
            sha256: req.sha256.clone(),
        };
        let mut c = Checker::new();
        let declared = check_metadata(&mut c, &metadata, self.blobs.max_bytes);
        if c.is_clean() && length != declared.size {
            c.violation(
                "size",
                "MISMATCH",
                format!(
                    "Nội dung có {length} byte, khác kích thước khai báo {} byte",
                    declared.size
                ),
            );
        }
        if c.is_clean() {
            let actual = sha256_hex(&req.content);
            if actual != declared.sha256 {
                return Err(mismatch(&declared.sha256, &actual));
            }
        }
        c.finish()?;
        self.attachable(&caller, declared.document_id).await?;
        let key = BlobStore::new_key();
        let content = Bytes::from(req.content);
        let signature = check_signatures(content.clone(), self.shared.anchors.clone()).await;
        self.blobs.put(&key, content).await?;
        self.record(&caller, &declared, key, signature).await
    }

    /// The attachment, if the caller may read its document.
    async fn readable(&self, caller: &Caller, document: &str, attachment: &str) -> Result<Attachment, Error> {
        let mut c = Checker::new();
        let document = c.id("document_id", document);
        let attachment = c.id("attachment_id", attachment);
        c.finish()?;
        let s = &self.shared;
        let mut tx = s.ctx.db.begin_read().await?;
        s.visible(&mut tx, caller, document, false).await?;
        let found = store::attachments::get(&mut tx, document, attachment).await?;
        tx.commit().await?;
        found.ok_or_else(|| Error::NotFound(format!("Không tìm thấy tệp đính kèm {attachment}")))
    }

    async fn get_whole(&self, request: Request<wire::GetAttachmentRequest>) -> Result<wire::AttachmentContent, Error> {
        let (caller, req) = Caller::split(request)?;
        let attachment = self.readable(&caller, &req.document_id, &req.attachment_id).await?;
        if attachment.size > WHOLE_FILE_LIMIT {
            return Err(Error::FailedPrecondition(format!(
                "Tệp «{}» lớn hơn {} MiB: hãy tải nguyên tệp qua GET /api/v1/documents/{{document_id}}/attachments/{{attachment_id}}/file hoặc luồng gRPC DownloadAttachment",
                attachment.file_name,
                (WHOLE_FILE_LIMIT + 64 * 1024) / 1024 / 1024
            )));
        }
        let content = self.blobs.read(&attachment.blob_key).await?;
        let actual = sha256_hex(&content);
        if actual != attachment.sha256 {
            return Err(Error::internal(format!(
                "attachment {} content hash {actual} differs from the recorded {}",
                attachment.id, attachment.sha256
            )));
        }
        Ok(wire::AttachmentContent {
            attachment: Some(attachment_to_wire(&attachment)),
            content: content.to_vec(),
        })
    }

    async fn download(
        &self,
        request: Request<wire::GetAttachmentRequest>,
    ) -> Result<ReceiverStream<Result<wire::AttachmentChunk, Status>>, Error> {
        let (caller, req) = Caller::split(request)?;
        let attachment = self.readable(&caller, &req.document_id, &req.attachment_id).await?;
        let mut pieces = self.blobs.stream(&attachment.blob_key).await?;
        let (sender, receiver) = tokio::sync::mpsc::channel(4);
        tokio::spawn(async move {
            let head = wire::AttachmentChunk {
                attachment: Some(attachment_to_wire(&attachment)),
                chunk: Vec::new(),
            };
            if sender.send(Ok(head)).await.is_err() {
                return;
            }
            let mut hasher = Sha256::new();
            let mut buffer: Vec<u8> = Vec::with_capacity(DOWNLOAD_CHUNK);
            while let Some(piece) = pieces.next().await {
                let piece = match piece {
                    Ok(p) => p,
                    Err(e) => {
                        let _ = sender.send(Err(e.into_status())).await;
                        return;
                    }
                };
                hasher.update(&piece);
                for part in piece.chunks(DOWNLOAD_CHUNK) {
                    buffer.extend_from_slice(part);
                    if buffer.len() >= DOWNLOAD_CHUNK {
                        let chunk = std::mem::replace(&mut buffer, Vec::with_capacity(DOWNLOAD_CHUNK));
                        let message = wire::AttachmentChunk {
                            attachment: None,
                            chunk,
                        };
                        if sender.send(Ok(message)).await.is_err() {
                            return;
                        }
                    }
                }
            }
            if !buffer.is_empty() {
                let message = wire::AttachmentChunk {
                    attachment: None,
                    chunk: buffer,
                };
                if sender.send(Ok(message)).await.is_err() {
                    return;
                }
            }
            let actual = hex(&hasher.finalize());
            if actual != attachment.sha256 {
                tracing::error!(attachment = %attachment.id, "stored content differs from its recorded hash");
                let _ = sender
                    .send(Err(Status::data_loss(format!(
                        "Nội dung tệp «{}» không khớp mã băm đã ghi; báo quản trị",
                        attachment.file_name
                    ))))
                    .await;
            }
        });
        Ok(ReceiverStream::new(receiver))
    }

    async fn list(
        &self,
        request: Request<wire::ListAttachmentsRequest>,
    ) -> Result<wire::ListAttachmentsResponse, Error> {
        let caller = Caller::of(&request)?;
        let id = Checker::only_id("document_id", &request.get_ref().document_id)?;
        let s = &self.shared;
        let mut tx = s.ctx.db.begin_read().await?;
        s.visible(&mut tx, &caller, id, false).await?;
        let found = store::attachments::of_document(&mut tx, id).await?;
        tx.commit().await?;
        Ok(wire::ListAttachmentsResponse {
            attachments: found.iter().map(attachment_to_wire).collect(),
        })
    }
}

/// A failure reading the client's stream.
fn stream_broken(status: Status) -> Error {
    Error::invalid(
        "chunk",
        "UNREADABLE",
        format!("Luồng tải lên bị gián đoạn: {}", status.message()),
    )
}

vanphong_platform::grpc_delegate! {
    impl AttachmentService for AttachmentApi {
        type DownloadAttachmentStream = ReceiverStream<Result<wire::AttachmentChunk, Status>>;
        upload_attachment(Streaming<wire::UploadAttachmentRequest>) -> wire::Attachment = Self::upload;
        download_attachment(wire::GetAttachmentRequest) -> Self::DownloadAttachmentStream = Self::download;
        put_attachment(wire::PutAttachmentRequest) -> wire::Attachment = Self::put;
        get_attachment(wire::GetAttachmentRequest) -> wire::AttachmentContent = Self::get_whole;
        list_attachments(wire::ListAttachmentsRequest) -> wire::ListAttachmentsResponse = Self::list;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::tests::incoming;

    fn caller_of(document: &Document, role: Role) -> Caller {
        let mut caller = Caller::system(document.office_id);
        caller.subject_id = Uuid::now_v7();
        caller.roles = [role].into_iter().collect();
        caller
    }

    #[test]
    fn drafts_take_files_from_their_drafter_and_leaders_only() {
        let mut draft = incoming();
        draft.direction = Direction::Outgoing;
        draft.status = DocStatus::Draft;
        let drafter = caller_of(&draft, Role::Specialist);
        draft.drafter_id = Some(drafter.subject_id);
        assert!(may_attach(&drafter, &draft, &[]).is_ok());
        assert!(may_attach(&caller_of(&draft, Role::Leader), &draft, &[]).is_ok());
        assert!(matches!(
            may_attach(&caller_of(&draft, Role::Specialist), &draft, &[]),
            Err(Error::PermissionDenied(_))
        ));
        draft.status = DocStatus::Signed;
        assert!(matches!(
            may_attach(&drafter, &draft, &[]),
            Err(Error::FailedPrecondition(_))
        ));
    }

    #[test]
    fn incoming_documents_take_files_from_clerks_and_handlers_until_filed() {
        let mut doc = incoming();
        let clerk = caller_of(&doc, Role::Clerk);
        let helper = caller_of(&doc, Role::Specialist);
        assert!(may_attach(&clerk, &doc, &[]).is_ok());
        assert!(may_attach(&helper, &doc, &[]).is_err());
        assert!(may_attach(&helper, &doc, &[helper.subject_id]).is_ok());
        doc.status = DocStatus::Filed;
        assert!(matches!(
            may_attach(&clerk, &doc, &[]),
            Err(Error::FailedPrecondition(_))
        ));
    }

    #[test]
    fn metadata_is_checked_field_by_field() {
        let mut c = Checker::new();
        check_metadata(
            &mut c,
            &wire::AttachmentMetadata {
                document_id: "x".into(),
                file_name: "../a.pdf".into(),
                content_type: "pdf".into(),
                size: 51 * 1024 * 1024,
                sha256: "abc".into(),
                ..Default::default()
            },
            50 * 1024 * 1024,
        );
        let Err(Error::InvalidArgument(v)) = c.finish() else {
            panic!("refused")
        };
        let fields: Vec<&str> = v.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["document_id", "file_name", "content_type", "size", "sha256"]);
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
