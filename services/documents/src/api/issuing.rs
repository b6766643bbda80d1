//! Issuing an outgoing document as a signed PDF once its number is given
//! (docs/domain.md §2.7): its text is laid out in its convention's format
//! with the number and date it was given, signed with its signer's key and
//! then with the issuing office's (the seal), checked like any PDF the
//! service stores, and kept as the document's issued attachment, which
//! dispatch and edXML export carry.
//!
//! The number is committed first and the PDF made after, outside any
//! transaction: signing (perhaps by a remote service) never holds the
//! office's number series. A PDF that could not be made leaves the number
//! as given and says why in the history; asking for the number again tries
//! once more.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, FixedOffset, Offset as _, Utc};
use uuid::Uuid;

use vanphong_pdf::letterhead;
use vanphong_pdf::official::{Block, Convention, OfficialDocument};
use vanphong_pdf::sign::Signer;
use vanphong_pdf::sign::keys::KeyOwner;
use vanphong_pdf::sign::pades::{self, Mark, Signing};
use vanphong_platform::audit::{self, Change};
use vanphong_platform::config::Settings;
use vanphong_platform::identity::Caller;
use vanphong_platform::tree::Numbering;
use vanphong_platform::{Error, ids};

use super::Shared;
use super::attachments::check_signatures;
use super::flow::event;
use crate::blob::{BlobStore, sha256_hex};
use crate::domain::document::Document;
use crate::store;
use crate::store::attachments::Attachment;

/// The passphrase of the signing keys: configured, or kept in the key
/// folder's `passphrase` file (the demo's way; a deployment configures it).
pub fn passphrase(settings: &Settings) -> Option<String> {
    settings
        .document_keys_passphrase
        .as_ref()
        .map(|p| p.expose().to_string())
        .or_else(|| {
            std::fs::read_to_string(settings.document_keys_dir.join("passphrase"))
                .ok()
                .map(|p| p.trim().to_string())
        })
}

/// Vietnam's time zone, in which signing times are shown.
pub(crate) fn vietnam(time: DateTime<Utc>) -> DateTime<FixedOffset> {
    let zone = FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| Utc.fix());
    time.with_timezone(&zone)
}

/// What a document's PDF is made of.
struct Sheet {
    printed: OfficialDocument,
    signer_id: Option<Uuid>,
    office_id: Uuid,
    office_name: String,
}

/// Reads what the PDF prints: the text, the recipients, the names.
/// `None` when there is nothing to issue: the document has no text, or
/// its issued PDF exists already.
async fn sheet(shared: &Shared, document: &Document) -> Result<Option<Sheet>, Error> {
    let mut tx = shared.ctx.db.begin_read().await?;
    let issued = store::attachments::of_document(&mut tx, document.id)
        .await?
        .iter()
        .any(|a| a.issued);
    let body = store::texts::get(&mut tx, document.id).await?;
    let recipients = store::recipients::of_document(&mut tx, document.id).await?;
    tx.commit().await?;
    if issued || body.trim().is_empty() {
        return Ok(None);
    }
    let snapshot = shared.snapshot();
    let date = document.issued_on.unwrap_or_else(|| shared.today());
    let entry = snapshot
        .tree
        .get(document.office_id)
        .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {}", document.office_id)))?;
    let parent_name = entry.parent_on(date).map(|p| snapshot.office_name(p));
    let (convention, head) = match entry.numbering {
        Numbering::Party => (
            Convention::Party,
            letterhead::party(&entry.name, parent_name.as_deref()),
        ),
        Numbering::State => (
            Convention::State,
            letterhead::state(&entry.name, parent_name.as_deref()),
        ),
    };
    let mut authority = Vec::new();
    let on_behalf = [document.signing_prefix.trim(), document.on_behalf_of.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !on_behalf.is_empty() {
        authority.push(on_behalf);
    }
    if !document.signer_position.trim().is_empty() {
        authority.push(document.signer_position.trim().to_string());
    }
    let mut recipients: Vec<String> = recipients.into_iter().map(|r| format!("{};", r.name)).collect();
    recipients.push(match convention {
        Convention::State => "Lưu: VT.".into(),
        Convention::Party => "Lưu Văn phòng.".into(),
    });
    let type_name = if document.type_code == "CV" {
        String::new()
    } else {
        shared.type_name(&document.type_code)
    };
    let printed = OfficialDocument {
        convention,
        superior: head.superior,
        issuer: head.issuer,
        number_symbol: document.number_symbol.clone(),
        place: head.place,
        date: Some(date),
        type_name,
        // A công văn's subject is printed after "V/v", which drafters often
        // type themselves.
        subject: document
            .subject
            .strip_prefix("V/v ")
            .unwrap_or(&document.subject)
            .trim()
            .to_string(),
        body: Block::paragraphs(&body),
        authority,
        signer_name: document.signer_name.clone(),
        recipients,
    };
    Ok(Some(Sheet {
        printed,
        signer_id: document.signer_id,
        office_id: document.office_id,
        office_name: entry.name.clone(),
    }))
}

/// The PDF as issued and who signed it; a key the deployment does not
/// hold leaves that signature out and names what is missing.
async fn make(shared: &Shared, sheet: Sheet, time: DateTime<Utc>) -> Result<(Vec<u8>, Vec<String>), Error> {
    let printed = sheet.printed.clone();
    let rendered = tokio::task::spawn_blocking(move || vanphong_pdf::render(&printed))
        .await
        .map_err(|e| Error::Unavailable(format!("Không tạo được bản PDF: {e}")))?
        .map_err(|e| Error::FailedPrecondition(format!("Không tạo được bản PDF: {e}")))?;
    let keys = shared.keys.clone();
    let person_id = sheet.signer_id.map(|id| id.to_string());
    let office_id = sheet.office_id.to_string();
    let person = match &person_id {
        Some(id) => super::signers::signer(shared, KeyOwner::Person, id).await?,
        None => None,
    };
    let office = super::signers::signer(shared, KeyOwner::Office, &office_id).await?;
    let pictures = tokio::task::spawn_blocking(move || {
        // A picture that cannot be read leaves the drawn mark in its place.
        let picture = |owner, id: &str| keys.image(owner, id).ok().flatten().map(Arc::new);
        (
            person_id.as_deref().and_then(|id| picture(KeyOwner::Person, id)),
            picture(KeyOwner::Office, &office_id),
        )
    })
    .await
    .map_err(|e| Error::Unavailable(format!("Không mở được khóa ký số: {e}")))?;
    let location = sheet.printed.place.clone();
    let time = vietnam(time);
    let mut pdf = rendered.bytes;
    let mut missing = Vec::new();
    let marks = [
        (
            person,
            vanphong_pdf::official::SIGNER_FIELD,
            "Ký ban hành",
            Mark::Signature {
                signer: sheet.printed.signer_name.clone(),
                image: pictures.0,
            },
            format!("khóa ký số của người ký {}", sheet.printed.signer_name),
        ),
        (
            office,
            vanphong_pdf::official::ISSUER_FIELD,
            "Phát hành",
            Mark::Seal {
                body: sheet.office_name.clone(),
                image: pictures.1,
            },
            format!("khóa ký số của {}", sheet.office_name),
        ),
    ];
    for (signer, field, reason, mark, lacking) in marks {
        let Some(signer) = signer else {
            missing.push(lacking);
            continue;
        };
        let signing = Signing {
            field,
            signer: signer.as_ref() as &dyn Signer,
            time,
            reason: reason.into(),
            location: location.clone(),
            mark,
        };
        pdf = pades::sign(&pdf, signing)
            .await
            .map_err(|e| Error::FailedPrecondition(format!("Không ký số được: {e}")))?;
    }
    Ok((pdf, missing))
}

/// The file name of the issued PDF: its number and symbol, "15-NQ-TU.pdf".
fn file_name(document: &Document) -> String {
    let stem: String = document
        .number_symbol
        .chars()
        .map(|c| if c == '/' || c == '\\' { '-' } else { c })
        .collect();
    if stem.is_empty() {
        format!("{}.pdf", document.id)
    } else {
        format!("{stem}.pdf")
    }
}

/// Makes and keeps the issued PDF of a numbered document, unless it has
/// one already or has no text. Failures are recorded in its history and
/// returned.
pub(crate) async fn issue(shared: &Shared, caller: &Caller, document: &Document) -> Result<(), Error> {
    // A few documents at a time: the work is the processor's, and many
    // numbered at once must not take every database connection.
    let _turn = shared
        .issuing
        .acquire()
        .await
        .map_err(|_| Error::Unavailable("Dịch vụ đang dừng".into()))?;
    let issued = issue_pdf(shared, caller, document).await;
    // The attachments are signed by the body whether or not the document's
    // own PDF could be made (docs/domain.md §2.7).
    let sealed = super::sealing::seal_attachments(shared, caller, document).await;
    issued.and(sealed)
}

/// The document's own signed PDF, made and kept unless it exists.
async fn issue_pdf(shared: &Shared, caller: &Caller, document: &Document) -> Result<(), Error> {
    let Some(sheet) = sheet(shared, document).await? else {
        return Ok(());
    };
    let time = document.numbered_at.unwrap_or_else(|| shared.ctx.clock.now());
    let made = make(shared, sheet, time).await;
    let now = shared.ctx.clock.now();
    let (pdf, missing) = match made {
        Ok(made) => made,
        Err(e) => {
            let mut tx = shared.ctx.db.begin_write().await?;
            store::people::add_event(
                &mut tx,
                document.id,
                &event(caller, now, "issue_failed", &e.to_string()),
            )
            .await?;
            tx.commit().await?;
            return Err(e);
        }
    };
    let content = Bytes::from(pdf);
    let signature = check_signatures(content.clone(), shared.anchors.clone()).await;
    let key = BlobStore::new_key();
    shared.blobs.put(&key, content.clone()).await?;
    let attachment = Attachment {
        id: ids::new_id(),
        document_id: document.id,
        file_name: file_name(document),
        content_type: "application/pdf".into(),
        size: i64::try_from(content.len()).unwrap_or(i64::MAX),
        sha256: sha256_hex(&content),
        blob_key: key.clone(),
        version: document.version,
        shared_from: None,
        uploaded_by: caller.subject_id,
        uploaded_at: now,
        signature,
        issued: true,
    };
    let note = if missing.is_empty() {
        format!("{}: ký số của người ký và của cơ quan ban hành", attachment.file_name)
    } else {
        format!("{}: chưa ký số, thiếu {}", attachment.file_name, missing.join(" và "))
    };
    let stored = async {
        let mut tx = shared.ctx.db.begin_write().await?;
        let existing = store::attachments::of_document(&mut tx, document.id).await?;
        if existing.iter().any(|a| a.issued) {
            return Ok::<bool, Error>(false);
        }
        store::attachments::insert(&mut tx, &attachment).await?;
        store::people::add_event(&mut tx, document.id, &event(caller, now, "issue", &note)).await?;
        let change =
            Change::new(document.office_id, "attachment", attachment.id, "issue").after(attachment.audit_json());
        audit::record(&mut tx, caller, now, change).await?;
        tx.commit().await?;
        Ok(true)
    }
    .await;
    match stored {
        Ok(true) => Ok(()),
        Ok(false) => {
            shared.blobs.forget(&key).await;
            Ok(())
        }
        Err(e) => {
            shared.blobs.forget(&key).await;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issued_file_is_named_after_its_number() {
        let mut d = Document::blank(
            Uuid::nil(),
            Uuid::nil(),
            crate::domain::kinds::Direction::Outgoing,
            crate::domain::kinds::Status::Numbered,
            Uuid::nil(),
            Utc::now(),
        );
        d.number_symbol = "15-NQ/TU".into();
        assert_eq!(file_name(&d), "15-NQ-TU.pdf");
    }
}
