//! `EdxmlService`: exchange with bodies outside the deployment by edXML
//! packages — exporting an outgoing document with its attachments,
//! importing a received package as an arrived incoming document, and
//! status packages both ways.

use std::sync::Arc;

use bytes::Bytes;
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::audit::{self, Change};
use vanphong_platform::clock::local_date;
use vanphong_platform::db::Tx;
use vanphong_platform::error::FieldViolation;
use vanphong_platform::idempotency::{IdempotencyKey, commit_answer};
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::text::fold;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::edxml_service_server::EdxmlService;

use super::attachments::{check_content_type, check_file_name, check_files, signature_event};
use super::flow::{change, event};
use super::{Shared, notifications};
use crate::blob::{BlobStore, sha256_hex};
use crate::domain::document::Document;
use crate::domain::edxml::{self, DocumentPackage, Organ, PackedFile, Problem, StatusPackage, Trace, status_code_for};
use crate::domain::flow::Step as _;
use crate::domain::incoming::Action as IncomingAction;
use crate::domain::kinds::{Channel, Direction, Status as DocStatus};
use crate::domain::numbering::number_symbol;
use crate::domain::signature::SignatureCheck;
use crate::store;
use crate::store::attachments::Attachment;

/// A file of an imported package: its blob key, its content, and what
/// its digital signatures came to.
type StoredFile<'a> = (String, &'a PackedFile, Option<SignatureCheck>);

pub struct EdxmlApi {
    pub(crate) shared: Arc<Shared>,
    pub(crate) blobs: Arc<BlobStore>,
}

/// Largest package accepted or produced in one message: room for a few
/// attachments at the size limit, in base64.
pub(crate) const MAX_PACKAGE_BYTES: usize = 160 * 1024 * 1024;

/// Prefix of the electronic ids this deployment gives its documents.
const ELECTRONIC_PREFIX: &str = "vanphong:";

const MAX_SUBJECT: usize = 2000;
const MAX_NAME: usize = 300;
const MAX_NOTE: usize = 4000;

/// The electronic id of an outgoing document of this deployment (the same
/// one its copies within the deployment carry).
fn electronic_id(document: &Document) -> String {
    format!("{ELECTRONIC_PREFIX}{}", document.id)
}

/// Problems of a package, as the caller's field violations (all on
/// `package`, each naming where in it).
fn malformed(problems: Vec<Problem>) -> Error {
    Error::InvalidArgument(
        problems
            .into_iter()
            .map(|p| FieldViolation {
                field: "package".into(),
                reason: p.reason,
                description: if p.path.is_empty() {
                    p.description
                } else {
                    format!("{}: {}", p.path, p.description)
                },
            })
            .collect(),
    )
}

/// A file name safe to offer for download.
fn file_name_for(number_symbol: &str) -> String {
    let safe: String = number_symbol
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' })
        .collect();
    format!("edxml-{safe}.xml")
}

/// A package about an outgoing document is made or taken in by a clerk or
/// leader of its office, once the document is numbered or dispatched
/// (`unsent` says why not, given the status it is in).
fn ensure_sent(
    s: &Shared,
    caller: &Caller,
    document: &Document,
    unsent: impl FnOnce(&str) -> String,
) -> Result<(), Error> {
    caller.ensure_act(&s.snapshot().tree, document.office_id, s.today())?;
    caller.require_any_role(&[Role::Clerk, Role::Leader])?;
    if !matches!(document.status, DocStatus::Numbered | DocStatus::Dispatched) {
        return Err(Error::FailedPrecondition(unsent(document.status.label())));
    }
    Ok(())
}

impl EdxmlApi {
    /// An office's edXML identity: its code and name.
    fn organ_of(&self, office: Uuid) -> Organ {
        let snapshot = self.shared.snapshot();
        snapshot
            .tree
            .get(office)
            .map(|o| Organ {
                id: o.code.clone(),
                name: o.name.clone(),
            })
            .unwrap_or_default()
    }

    async fn export_document(&self, request: Request<wire::ExportEdxmlRequest>) -> Result<wire::EdxmlPackage, Error> {
        let s = &self.shared;
        let caller = Caller::of(&request)?;
        let id = Checker::only_id("document_id", &request.get_ref().document_id)?;
        let mut tx = s.ctx.db.begin_read().await?;
        let (document, _) = s.visible(&mut tx, &caller, id, false).await?;
        if document.direction != Direction::Outgoing {
            return Err(Error::FailedPrecondition("Đây không phải văn bản đi".into()));
        }
        ensure_sent(s, &caller, &document, |status| {
            format!("Chỉ đóng gói edXML văn bản đã cấp số hoặc đã phát hành; văn bản đang ở trạng thái «{status}»")
        })?;
        let recipients = store::recipients::of_document(&mut tx, id).await?;
        let attachments = store::attachments::of_document(&mut tx, id).await?;
        tx.commit().await?;
        let mut files = Vec::new();
        for a in &attachments {
            let content = self.blobs.read(&a.blob_key).await?;
            if sha256_hex(&content) != a.sha256 {
                return Err(Error::internal(format!(
                    "attachment {} differs from its recorded hash",
                    a.id
                )));
            }
            files.push(PackedFile {
                name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                description: String::new(),
                content: content.to_vec(),
            });
        }
        let from = self.organ_of(document.office_id);
        let to: Vec<Organ> = recipients
            .iter()
            .map(|r| Organ {
                id: match r.office_id {
                    Some(office) => self.organ_of(office).id,
                    None => r.organ_id.clone(),
                },
                name: r.name.clone(),
            })
            .collect();
        let package = DocumentPackage {
            document_id: electronic_id(&document),
            place: from.name.clone(),
            traces: vec![Trace {
                organ_id: from.id.clone(),
                at: s.ctx.clock.now(),
            }],
            from,
            to_places: recipients.iter().map(|r| r.name.clone()).collect(),
            to,
            number: document.number.unwrap_or_default(),
            symbol: document.symbol.clone(),
            issued_on: document.issued_on.unwrap_or_else(|| s.today()),
            type_name: s.type_name(&document.type_code),
            type_code: document.type_code.clone(),
            subject: document.subject.clone(),
            signing_prefix: document.signing_prefix.clone(),
            signer_position: document.signer_position.clone(),
            signer_name: document.signer_name.clone(),
            due_on: document.due_on,
            urgency: document.urgency,
            pages: document.pages,
            secrecy: document.secrecy,
            issuer_code: document.issuer_code.clone(),
            files,
        };
        let content = edxml::write_document(&package).map_err(Error::internal)?;
        Ok(wire::EdxmlPackage {
            file_name: file_name_for(&document.number_symbol),
            content_type: "application/xml".into(),
            content,
            electronic_id: package.document_id,
            status_code: String::new(),
        })
    }

    /// The catalogue type a package names, by code or by name.
    async fn resolve_type(&self, package: &DocumentPackage) -> Result<String, Error> {
        let mut tx = self.shared.ctx.db.begin_read().await?;
        let by_code = if package.type_code.is_empty() {
            None
        } else {
            store::catalog::get(&mut tx, &package.type_code).await?
        };
        tx.commit().await?;
        let found = match by_code {
            Some(t) if t.active => Some(t.code),
            _ => {
                let wanted = fold(&package.type_name);
                store::catalog::list(&self.shared.ctx.db, false)
                    .await?
                    .into_iter()
                    .find(|t| !wanted.is_empty() && fold(&t.name) == wanted)
                    .map(|t| t.code)
            }
        };
        found.ok_or_else(|| {
            malformed(vec![Problem {
                path: "MessageHeader/DocumentType".into(),
                reason: "UNKNOWN_TYPE",
                description: format!(
                    "Loại văn bản «{} {}» không có trong danh mục",
                    package.type_code, package.type_name
                ),
            }])
        })
    }

    /// Refuses a package the office already has.
    async fn ensure_new(tx: &mut Tx, office: Uuid, electronic_id: &str) -> Result<(), Error> {
        if let Some(existing) = store::documents::by_electronic_id(tx, office, electronic_id).await? {
            return Err(Error::duplicate(
                "document",
                existing.id,
                format!(
                    "Gói tin có mã {electronic_id} đã được tiếp nhận: văn bản «{}» (trạng thái «{}»)",
                    existing.subject,
                    existing.status.label()
                ),
            ));
        }
        Ok(())
    }

    async fn import_document(&self, request: Request<wire::ImportEdxmlRequest>) -> Result<wire::Document, Error> {
        let s = &self.shared;
        let (caller, req) = Caller::split(request)?;
        let now = s.ctx.clock.now();
        let today = local_date(now);
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        if req.package.is_empty() {
            c.violation("package", "REQUIRED", "Không có gói tin edXML");
        }
        c.finish()?;
        let package = edxml::read_document(&req.package).map_err(malformed)?;
        let mut problems = Vec::new();
        let mut c = Checker::new();
        c.text("package.Subject", &package.subject, MAX_SUBJECT);
        c.text("package.From.OrganName", &package.from.name, MAX_NAME);
        c.optional_text("package.SignerInfo.FullName", &package.signer_name, MAX_NAME);
        c.optional_text("package.SignerInfo.Position", &package.signer_position, MAX_NAME);
        c.optional_text("package.Code.CodeNotation", &package.symbol, 100);
        c.optional_text("package.OtherInfo.IssuerCode", &package.issuer_code, 20);
        for (i, file) in package.files.iter().enumerate() {
            check_file_name(&mut c, &format!("package.Attachment[{i}].AttachmentName"), &file.name);
            check_content_type(
                &mut c,
                &format!("package.Attachment[{i}].ContentType"),
                &file.content_type,
            );
            if i64::try_from(file.content.len()).unwrap_or(i64::MAX) > self.blobs.max_bytes {
                problems.push(Problem {
                    path: format!("AttachmentEncoded/Attachment[{i}]"),
                    reason: "TOO_LARGE",
                    description: format!("Tệp vượt quá giới hạn {} MiB", self.blobs.max_bytes / 1024 / 1024),
                });
            }
        }
        if package.issued_on > today {
            problems.push(Problem {
                path: "MessageHeader/PromulgationInfo/PromulgationDate".into(),
                reason: "IN_FUTURE",
                description: "Ngày văn bản không được sau hôm nay".into(),
            });
        }
        if let Err(Error::InvalidArgument(found)) = c.finish() {
            problems.extend(found.into_iter().map(|v| Problem {
                path: v.field.trim_start_matches("package.").replace('.', "/"),
                reason: v.reason,
                description: v.description,
            }));
        }
        if !problems.is_empty() {
            return Err(malformed(problems));
        }
        let type_code = self.resolve_type(&package).await?;
        caller.ensure_act(&s.snapshot().tree, office, today)?;
        caller.require_any_role(IncomingAction::Register.roles())?;
        if package.secrecy > caller.clearance {
            return Err(Error::PermissionDenied(
                "Bạn không đủ độ mật để tiếp nhận văn bản có độ mật này".into(),
            ));
        }
        let idempotency = IdempotencyKey::new(&caller, "ImportEdxml", request_id.as_deref(), &req);
        // Without a request id a package taken in before is refused before
        // its files are stored; with one, a retry's answer is found below.
        if idempotency.is_none() {
            let mut tx = s.ctx.db.begin_read().await?;
            Self::ensure_new(&mut tx, office, &package.document_id).await?;
            tx.commit().await?;
        }

        // The files go to the blob store first; if anything below fails
        // they are forgotten again.
        let contents: Vec<(String, Bytes)> = package
            .files
            .iter()
            .map(|f| (f.name.trim().to_string(), Bytes::from(f.content.clone())))
            .collect();
        let checks = check_files(&contents, self.shared.anchors.clone()).await;
        let mut stored: Vec<StoredFile> = Vec::new();
        for ((file, (_, content)), signature) in package.files.iter().zip(contents).zip(checks) {
            let key = BlobStore::new_key();
            if let Err(e) = self.blobs.put(&key, content).await {
                self.forget(&stored).await;
                return Err(e);
            }
            stored.push((key, file, signature));
        }
        let result = self
            .record_import(&caller, office, &package, type_code, &stored, idempotency)
            .await;
        match result {
            Ok((answer, true)) => Ok(answer),
            Ok((answer, false)) => {
                self.forget(&stored).await;
                Ok(answer)
            }
            Err(e) => {
                self.forget(&stored).await;
                Err(e)
            }
        }
    }

    async fn forget(&self, stored: &[StoredFile<'_>]) {
        for (key, _, _) in stored {
            self.blobs.forget(key).await;
        }
    }

    /// Writes the arrived document and its attachments; the answer, and
    /// whether the stored files are now referred to.
    async fn record_import(
        &self,
        caller: &Caller,
        office: Uuid,
        package: &DocumentPackage,
        type_code: String,
        stored: &[StoredFile<'_>],
        idempotency: Option<IdempotencyKey>,
    ) -> Result<(wire::Document, bool), Error> {
        let s = &self.shared;
        let now = s.ctx.clock.now();
        let mut tx = s.ctx.db.begin_write().await?;
        vanphong_platform::replay_or_claim!(idempotency, tx, now, previous => (previous, false));
        Self::ensure_new(&mut tx, office, &package.document_id).await?;
        let mut d = Document::arrived(ids::new_id(), office, caller.subject_id, now);
        d.type_code = type_code;
        d.subject = package.subject.trim().to_string();
        d.number = Some(package.number);
        d.symbol = package.symbol.trim().to_string();
        d.number_symbol = number_symbol(package.number, &d.symbol);
        d.issued_on = Some(package.issued_on);
        d.issuer_name = package.from.name.trim().to_string();
        d.issuer_code = package.issuer_code.trim().to_string();
        d.signer_name = package.signer_name.trim().to_string();
        d.signer_position = package.signer_position.trim().to_string();
        d.signing_prefix = package.signing_prefix.trim().to_string();
        d.urgency = package.urgency;
        d.secrecy = package.secrecy;
        d.pages = package.pages;
        d.due_on = package.due_on;
        d.channel = Channel::Electronic;
        d.electronic_id = Some(package.document_id.clone());
        d.received_at = Some(now);
        store::documents::insert(&mut tx, &d).await?;
        store::people::add_distribution(&mut tx, d.id, &[caller.subject_id]).await?;
        store::people::add_event(&mut tx, d.id, &event(caller, now, "arrive", &d.issuer_name)).await?;
        notifications::arrived(&mut tx, &s.snapshot(), caller, &d, now).await?;
        audit::record(&mut tx, caller, now, change(None, &d, "arrive")).await?;
        for (key, file, signature) in stored {
            let attachment = Attachment {
                id: ids::new_id(),
                document_id: d.id,
                file_name: file.name.trim().to_string(),
                content_type: file.content_type.clone(),
                size: i64::try_from(file.content.len()).unwrap_or(i64::MAX),
                sha256: sha256_hex(&file.content),
                blob_key: key.clone(),
                version: 0,
                shared_from: None,
                uploaded_by: caller.subject_id,
                uploaded_at: now,
                signature: signature.clone(),
                issued: false,
            };
            store::attachments::insert(&mut tx, &attachment).await?;
            if let Some(flag) = signature_event(caller, now, &attachment.file_name, attachment.signature.as_ref()) {
                store::people::add_event(&mut tx, d.id, &flag).await?;
            }
            let change = Change::new(office, "attachment", attachment.id, "import").after(attachment.audit_json());
            audit::record(&mut tx, caller, now, change).await?;
        }
        let answer = s.answer(&mut tx, &d).await?;
        vanphong_platform::remember!(idempotency, tx, answer);
        tx.commit().await?;
        Ok((answer, true))
    }

    async fn export_status(
        &self,
        request: Request<wire::ExportEdxmlStatusRequest>,
    ) -> Result<wire::EdxmlPackage, Error> {
        let s = &self.shared;
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let id = c.id("document_id", &req.document_id);
        let description = c.optional_text("description", &req.description, MAX_NOTE);
        c.finish()?;
        let (document, _) = s
            .ctx
            .db
            .read(async |tx| s.visible(tx, &caller, id, false).await)
            .await?;
        if document.direction != Direction::Incoming {
            return Err(Error::FailedPrecondition("Đây không phải văn bản đến".into()));
        }
        caller.ensure_act(&s.snapshot().tree, document.office_id, s.today())?;
        caller.require_any_role(&[Role::Clerk, Role::Leader])?;
        let Some(electronic_id) = document
            .electronic_id
            .clone()
            .filter(|_| document.channel == Channel::Electronic)
        else {
            return Err(Error::FailedPrecondition(
                "Văn bản giấy không có nơi gửi điện tử để báo trạng thái".into(),
            ));
        };
        let code = status_code_for(document.status).ok_or_else(|| {
            Error::FailedPrecondition(format!(
                "Trạng thái «{}» không có mã edXML để báo",
                document.status.label()
            ))
        })?;
        let description = description.unwrap_or_else(|| {
            if document.status == DocStatus::Refused {
                document.refusal_reason.clone()
            } else {
                document.status.label().to_string()
            }
        });
        let package = StatusPackage {
            sender_organ_id: document.issuer_code.clone(),
            number_symbol: document.number_symbol.clone(),
            issued_on: document.issued_on,
            document_id: electronic_id.clone(),
            from: self.organ_of(document.office_id),
            status_code: code.to_string(),
            description,
            at: s.ctx.clock.now(),
            staff: caller.name.clone(),
        };
        let content = edxml::write_status(&package).map_err(Error::internal)?;
        Ok(wire::EdxmlPackage {
            file_name: format!("edxml-status-{code}-{}", file_name_for(&document.number_symbol)),
            content_type: "application/xml".into(),
            content,
            electronic_id,
            status_code: code.to_string(),
        })
    }

    async fn import_status(&self, request: Request<wire::ImportEdxmlStatusRequest>) -> Result<wire::Document, Error> {
        let s = &self.shared;
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        if req.package.is_empty() {
            c.violation("package", "REQUIRED", "Không có gói tin edXML");
        }
        c.finish()?;
        let package = edxml::read_status(&req.package).map_err(malformed)?;
        let mut c = Checker::new();
        c.optional_text("package.Description", &package.description, MAX_NOTE);
        c.text("package.From.OrganName", &package.from.name, MAX_NAME);
        c.finish()?;
        let not_ours = || {
            Error::NotFound(format!(
                "Không tìm thấy văn bản đi có mã điện tử {}",
                package.document_id
            ))
        };
        let id = package
            .document_id
            .strip_prefix(ELECTRONIC_PREFIX)
            .and_then(|rest| Uuid::parse_str(rest).ok())
            .ok_or_else(not_ours)?;
        let now = s.ctx.clock.now();
        let idempotency = IdempotencyKey::new(&caller, "ImportEdxmlStatus", request_id.as_deref(), &req);
        let mut tx = s.ctx.db.begin_write().await?;
        vanphong_platform::replay_or_claim!(idempotency, tx, now);
        let (document, _) = s.visible(&mut tx, &caller, id, true).await.map_err(|_| not_ours())?;
        if document.direction != Direction::Outgoing {
            return Err(not_ours());
        }
        ensure_sent(s, &caller, &document, |status| {
            format!("Văn bản ở trạng thái «{status}» chưa được gửi đi")
        })?;
        let recipients = store::recipients::of_document(&mut tx, id).await?;
        let wanted = fold(&package.from.name);
        let recipient = recipients
            .iter()
            .filter(|r| r.office_id.is_none())
            .find(|r| !package.from.id.is_empty() && r.organ_id == package.from.id)
            .or_else(|| {
                recipients
                    .iter()
                    .filter(|r| r.office_id.is_none())
                    .find(|r| fold(&r.name) == wanted)
            })
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "«{}» không phải nơi nhận ngoài hệ thống của văn bản này",
                    package.from.name
                ))
            })?;
        let note = format!("{}: {}", recipient.name, package.status_code);
        store::recipients::set_status(&mut tx, recipient.id, &package.status_code, now, &package.description).await?;
        store::people::add_event(&mut tx, id, &event(&caller, now, "edxml_status", &note)).await?;
        audit::record(
            &mut tx,
            &caller,
            now,
            Change::new(document.office_id, "recipient", recipient.id, "edxml_status")
                .before(serde_json::json!({ "name": recipient.name, "status": recipient.status }))
                .after(serde_json::json!({
                    "name": recipient.name,
                    "status": package.status_code,
                    "description": package.description,
                    "reported_at": package.at,
                })),
        )
        .await?;
        let answer = s.answer(&mut tx, &document).await?;
        commit_answer(&idempotency, tx, answer).await
    }
}

vanphong_platform::grpc_delegate! {
    impl EdxmlService for EdxmlApi {
        export_edxml(wire::ExportEdxmlRequest) -> wire::EdxmlPackage = Self::export_document;
        import_edxml(wire::ImportEdxmlRequest) -> wire::Document = Self::import_document;
        export_edxml_status(wire::ExportEdxmlStatusRequest) -> wire::EdxmlPackage = Self::export_status;
        import_edxml_status(wire::ImportEdxmlStatusRequest) -> wire::Document = Self::import_status;
    }
}
