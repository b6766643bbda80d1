//! The issuing body's signature on the files attached to an issued
//! document (docs/domain.md §2.7: "attachments in the same file are signed
//! by the body without an image, with the document's number and symbol
//! and the signing time").
//!
//! Once the document has its number, each file attached to it is signed
//! with the office's key: a PDF gets an invisible PAdES signature in a new
//! revision (its reason names the number and symbol, `/M` the signing
//! time) and replaces the file as drafted; any other file gets a detached
//! CMS signature kept beside it as `<name>.p7s` (with the signing time as
//! a signed attribute), which dispatch and edXML export ship with it and
//! which a receiving office checks against the file. Like the issued PDF,
//! the signing runs outside any transaction, and asking for the number
//! again finishes what was left.

use std::collections::HashSet;

use bytes::Bytes;
use chrono::{DateTime, FixedOffset};

use vanphong_pdf::sign::Signer;
use vanphong_pdf::sign::cms::sign_detached;
use vanphong_pdf::sign::invisible::{self, Invisible};
use vanphong_pdf::sign::keys::KeyOwner;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::identity::Caller;
use vanphong_platform::{Error, ids};

use super::Shared;
use super::flow::event;
use crate::blob::{BlobStore, sha256_hex};
use crate::domain::document::Document;
use crate::domain::kinds::Status as DocStatus;
use crate::domain::signature::{
    DETACHED_SUFFIX, DETACHED_TYPE, SignatureCheck, attachment_reason, is_pdf, signed_by_detached,
};
use crate::store;
use crate::store::attachments::Attachment;

/// One file signed, waiting to be recorded.
enum Sealed {
    /// A PDF's new content (the row as it becomes, and as it was).
    Pdf { before: Attachment, after: Attachment },
    /// A detached signature beside a file, and the file's check.
    Detached { signed: Attachment, p7s: Attachment },
}

impl Sealed {
    fn new_key(&self) -> &str {
        match self {
            Sealed::Pdf { after, .. } => &after.blob_key,
            Sealed::Detached { p7s, .. } => &p7s.blob_key,
        }
    }
}

/// Whether the body's signature is on the file already: a PDF carrying
/// one that names the number, or a file with its `.p7s` beside it.
fn done(a: &Attachment, names: &HashSet<&str>, number_symbol: &str) -> bool {
    names.contains(format!("{}{DETACHED_SUFFIX}", a.file_name).as_str())
        || a.signature.as_ref().is_some_and(|c| c.sealed_for(number_symbol))
}

/// Signs the numbered document's attachments as the issuing body, unless
/// done already; says in the history what was signed or what is missing.
pub(crate) async fn seal_attachments(shared: &Shared, caller: &Caller, document: &Document) -> Result<(), Error> {
    if document.status != DocStatus::Numbered || document.number_symbol.is_empty() {
        return Ok(());
    }
    let attachments = shared
        .ctx
        .db
        .read(async |tx| store::attachments::of_document(tx, document.id).await)
        .await?;
    let names: HashSet<&str> = attachments.iter().map(|a| a.file_name.as_str()).collect();
    let todo: Vec<&Attachment> = attachments
        .iter()
        .filter(|a| !a.issued && signed_by_detached(&a.file_name).is_none())
        .filter(|a| !done(a, &names, &document.number_symbol))
        .collect();
    if todo.is_empty() {
        return Ok(());
    }
    let office = super::signers::signer(shared, KeyOwner::Office, &document.office_id.to_string()).await?;
    let now = shared.ctx.clock.now();
    let Some(office) = office else {
        let office_name = shared.snapshot().office_name(document.office_id);
        let mut tx = shared.ctx.db.begin_write().await?;
        store::people::add_event(
            &mut tx,
            document.id,
            &event(
                caller,
                now,
                "seal_failed",
                &format!("Tệp đính kèm chưa ký số: thiếu khóa ký số của {office_name}"),
            ),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    };
    let time = super::issuing::vietnam(document.numbered_at.unwrap_or(now));
    let location = shared.snapshot().office_name(document.office_id);
    let mut sealed = Vec::new();
    let mut failed = Vec::new();
    for attachment in todo {
        match seal_one(shared, office.as_ref(), attachment, document, time, &location).await {
            Ok(s) => sealed.push(s),
            Err(e) => failed.push(format!("{}: {e}", attachment.file_name)),
        }
    }
    let result = record(shared, caller, document, &sealed, &failed).await;
    if result.is_err() {
        for s in &sealed {
            shared.blobs.forget(s.new_key()).await;
        }
    }
    result
}

/// Signs one file and stores what the signing made.
async fn seal_one(
    shared: &Shared,
    office: &dyn Signer,
    attachment: &Attachment,
    document: &Document,
    time: DateTime<FixedOffset>,
    location: &str,
) -> Result<Sealed, Error> {
    let content = shared.blobs.read(&attachment.blob_key).await?;
    let unsigned = |e: vanphong_pdf::Error| Error::FailedPrecondition(format!("không ký số được: {e}"));
    let key = BlobStore::new_key();
    let anchors = shared.anchors.clone();
    if is_pdf(&content) {
        let signed = invisible::sign(
            &content,
            Invisible {
                signer: office,
                time,
                reason: attachment_reason(&document.number_symbol),
                location: location.to_string(),
            },
        )
        .await
        .map_err(unsigned)?;
        let signed = Bytes::from(signed);
        let check = super::attachments::check_signatures(signed.clone(), anchors).await;
        shared.blobs.put(&key, signed.clone()).await?;
        let after = Attachment {
            blob_key: key,
            size: i64::try_from(signed.len()).unwrap_or(i64::MAX),
            sha256: sha256_hex(&signed),
            signature: check,
            ..attachment.clone()
        };
        return Ok(Sealed::Pdf {
            before: attachment.clone(),
            after,
        });
    }
    let p7s = Bytes::from(sign_detached(&content, office, time).await.map_err(unsigned)?);
    let (data, signature) = (content.clone(), p7s.clone());
    let check = tokio::task::spawn_blocking(move || SignatureCheck::detached(&data, &signature, &anchors))
        .await
        .map_err(|e| Error::Unavailable(format!("Không kiểm tra được chữ ký số: {e}")))?;
    shared.blobs.put(&key, p7s.clone()).await?;
    let row = Attachment {
        id: ids::new_id(),
        document_id: document.id,
        file_name: format!("{}{DETACHED_SUFFIX}", attachment.file_name),
        content_type: DETACHED_TYPE.into(),
        size: i64::try_from(p7s.len()).unwrap_or(i64::MAX),
        sha256: sha256_hex(&p7s),
        blob_key: key,
        version: attachment.version,
        shared_from: None,
        uploaded_by: attachment.uploaded_by,
        uploaded_at: shared.ctx.clock.now(),
        signature: Some(check.clone()),
        issued: false,
    };
    Ok(Sealed::Detached {
        signed: Attachment {
            signature: Some(check),
            ..attachment.clone()
        },
        p7s: row,
    })
}

/// Records the signed files in one transaction: the new contents and
/// signatures, a history line, an audit record per file. A file another
/// request signed meanwhile is left as that request made it.
async fn record(
    shared: &Shared,
    caller: &Caller,
    document: &Document,
    sealed: &[Sealed],
    failed: &[String],
) -> Result<(), Error> {
    let now = shared.ctx.clock.now();
    let mut tx = shared.ctx.db.begin_write().await?;
    let current = store::attachments::of_document(&mut tx, document.id).await?;
    let mut signed_names = Vec::new();
    let mut stale = Vec::new();
    for s in sealed {
        let (before, after, action) = match s {
            Sealed::Pdf { before, after } => {
                let unchanged = current
                    .iter()
                    .any(|a| a.id == before.id && a.blob_key == before.blob_key);
                if !unchanged {
                    stale.push(after.blob_key.clone());
                    continue;
                }
                store::attachments::replace_content(&mut tx, after).await?;
                signed_names.push(after.file_name.clone());
                (Some(before.audit_json()), after.audit_json(), after.id)
            }
            Sealed::Detached { signed, p7s } => {
                if current.iter().any(|a| a.file_name == p7s.file_name) {
                    stale.push(p7s.blob_key.clone());
                    continue;
                }
                store::attachments::insert(&mut tx, p7s).await?;
                if let Some(check) = &signed.signature {
                    store::attachments::set_signature(&mut tx, signed.id, check).await?;
                }
                signed_names.push(signed.file_name.clone());
                (None, p7s.audit_json(), p7s.id)
            }
        };
        let change = Change::new(document.office_id, "attachment", action, "seal")
            .before(before)
            .after(after);
        audit::record(&mut tx, caller, now, change).await?;
    }
    if !signed_names.is_empty() {
        let note = format!(
            "Ký số của cơ quan ban hành trên tệp đính kèm ({}): {}",
            document.number_symbol,
            signed_names.join(", ")
        );
        store::people::add_event(&mut tx, document.id, &event(caller, now, "seal", &note)).await?;
    }
    if !failed.is_empty() {
        let note = format!("Tệp đính kèm chưa ký số: {}", failed.join("; "));
        store::people::add_event(&mut tx, document.id, &event(caller, now, "seal_failed", &note)).await?;
    }
    tx.commit().await?;
    for key in stale {
        shared.blobs.forget(&key).await;
    }
    Ok(())
}
