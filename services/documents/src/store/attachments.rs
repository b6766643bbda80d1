//! Attachments: the rows that say which blob holds which file of which
//! document.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use vanphong_platform::db::{CorruptRow, RowDecoder, StoreError, Tx, query, query_built};
use vanphong_platform::ids::new_id;

use crate::domain::signature::{Detail, SignatureCheck, SignatureVerdict};

/// A file attached to a document, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: Uuid,
    pub document_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    /// Where the content is in the blob store.
    pub blob_key: String,
    /// Outgoing: the draft version it was attached to.
    pub version: i64,
    /// The attachment of the sender's document this copy shares its blob with.
    pub shared_from: Option<Uuid>,
    pub uploaded_by: Uuid,
    pub uploaded_at: DateTime<Utc>,
    /// For a PDF: its digital signatures as checked when stored.
    pub signature: Option<SignatureCheck>,
    /// The document as issued: the PDF the suite rendered and signed when
    /// it was numbered (a recipient's copy keeps the mark).
    pub issued: bool,
}

impl Attachment {
    /// The attachment as recorded in the audit trail.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "document_id": self.document_id,
            "file_name": self.file_name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "version": self.version,
            "shared_from": self.shared_from,
            "signature_verdict": self.signature.as_ref().map(|c| c.verdict.code()),
            "issued": self.issued,
        })
    }
}

/// What a row keeps of a signature check: the verdict's code and the
/// detail as JSON (a plain struct of strings and booleans always
/// serialises).
fn stored(check: Option<&SignatureCheck>) -> (Option<&'static str>, Option<String>) {
    let verdict = check.map(|c| c.verdict.code());
    let detail = check.and_then(|c| serde_json::to_string(&c.detail()).ok());
    (verdict, detail)
}

const COLUMNS: &str = "id, document_id, file_name, content_type, size, sha256, blob_key, version, shared_from, \
     uploaded_by, uploaded_at, signature_verdict, signature_detail, issued";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    document_id: String,
    file_name: String,
    content_type: String,
    size: i64,
    sha256: String,
    blob_key: String,
    version: i64,
    shared_from: Option<String>,
    uploaded_by: String,
    uploaded_at: i64,
    signature_verdict: Option<String>,
    signature_detail: Option<String>,
    issued: bool,
}

impl Row {
    fn into_attachment(self) -> Result<Attachment, CorruptRow> {
        let d = RowDecoder::new("attachments", &self.id);
        Ok(Attachment {
            id: d.id("id", &self.id)?,
            document_id: d.id("document_id", &self.document_id)?,
            file_name: self.file_name,
            content_type: self.content_type,
            size: self.size,
            sha256: self.sha256,
            blob_key: self.blob_key,
            version: self.version,
            shared_from: d.opt_id("shared_from", self.shared_from.as_deref())?,
            uploaded_by: d.id("uploaded_by", &self.uploaded_by)?,
            uploaded_at: d.timestamp("uploaded_at", self.uploaded_at)?,
            signature: match d.opt_code(
                "signature_verdict",
                self.signature_verdict.as_deref(),
                SignatureVerdict::from_code,
            )? {
                Some(verdict) => {
                    let detail: Detail =
                        d.json("signature_detail", self.signature_detail.as_deref().unwrap_or("null"))?;
                    Some(SignatureCheck {
                        verdict,
                        reason: detail.reason,
                        signers: detail.signers,
                    })
                }
                None => None,
            },
            issued: self.issued,
        })
    }
}

/// Stores a new attachment row.
pub async fn insert(tx: &mut Tx, a: &Attachment) -> Result<(), StoreError> {
    let (verdict, detail) = stored(a.signature.as_ref());
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO attachments (id, document_id, file_name, content_type, size, sha256, blob_key, version, \
             shared_from, uploaded_by, uploaded_at, signature_verdict, signature_detail, issued) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        => a.id, a.document_id, &a.file_name, &a.content_type, a.size, &a.sha256, &a.blob_key, a.version,
           a.shared_from, a.uploaded_by, a.uploaded_at, verdict, detail, a.issued))
        .await?;
    Ok(())
}

/// The attachments of a document, oldest first.
pub async fn of_document(tx: &mut Tx, document: Uuid) -> Result<Vec<Attachment>, StoreError> {
    let rows: Vec<Row> = tx
        .fetch_all(
            query_built(format!(
                "SELECT {COLUMNS} FROM attachments WHERE document_id = $1 ORDER BY uploaded_at, id"
            ))
            .bind(document),
        )
        .await?;
    Ok(rows.into_iter().map(Row::into_attachment).collect::<Result<_, _>>()?)
}

/// One attachment of a document.
pub async fn get(tx: &mut Tx, document: Uuid, attachment: Uuid) -> Result<Option<Attachment>, StoreError> {
    let row: Option<Row> = tx
        .fetch_optional(
            query_built(format!(
                "SELECT {COLUMNS} FROM attachments WHERE id = $1 AND document_id = $2"
            ))
            .bind(attachment)
            .bind(document),
        )
        .await?;
    Ok(row.map(Row::into_attachment).transpose()?)
}

/// Records what a file's signatures came to (a detached signature that
/// arrived after the file it signs).
pub async fn set_signature(tx: &mut Tx, id: Uuid, check: &SignatureCheck) -> Result<(), StoreError> {
    let (verdict, detail) = stored(Some(check));
    tx.execute(
        query("UPDATE attachments SET signature_verdict = $1, signature_detail = $2 WHERE id = $3")
            .bind(verdict)
            .bind(detail)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// Replaces an attachment's content by the issuing body's signed version
/// of it: the new blob, its length, hash and signature check.
pub async fn replace_content(tx: &mut Tx, a: &Attachment) -> Result<(), StoreError> {
    let (verdict, detail) = stored(a.signature.as_ref());
    tx.execute(vanphong_platform::binds!(query(
            "UPDATE attachments SET blob_key = $1, size = $2, sha256 = $3, signature_verdict = $4, \
             signature_detail = $5 WHERE id = $6",
        )
        => &a.blob_key, a.size, &a.sha256, verdict, detail, a.id))
        .await?;
    Ok(())
}

/// Gives a copy of a document (a recipient office's incoming copy) the
/// attachments of the original: new rows sharing the original blobs, no
/// bytes copied. Returns the new rows.
pub async fn share(
    tx: &mut Tx,
    from: Uuid,
    to: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<Vec<Attachment>, StoreError> {
    let mut out = Vec::new();
    for original in of_document(tx, from).await? {
        let copy = Attachment {
            id: new_id(),
            document_id: to,
            version: 0,
            shared_from: Some(original.id),
            uploaded_by: by,
            uploaded_at: at,
            ..original
        };
        insert(tx, &copy).await?;
        out.push(copy);
    }
    Ok(out)
}
