//! Registering a paper document that arrived (vào sổ văn bản đến): the
//! form, with the scan as a file, sent as one plain multipart POST (dates
//! typed dd/mm/yyyy). The
//! documents service gives the incoming number; the scan then goes up
//! through the streamed `UploadAttachment` with its SHA-256. A refusal
//! (a field, or the same document already registered) shows the form again
//! with the service's words and what was typed.

use std::collections::HashMap;

use askama::Template;
use axum::extract::Multipart;
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use sha2::{Digest, Sha256};

use vanphong_proto::documents::v1::upload_attachment_request::Part;
use vanphong_proto::documents::v1::{AttachmentMetadata, Channel, RegisterIncomingRequest, UploadAttachmentRequest};

use super::choices::{self, Choice};
use super::form::{FormData, Refusal};
use super::input;
use super::{Ctx, Layout, Me};
use crate::errors::ConsoleError;

/// Largest scan taken (the documents service's default limit).
pub const MAX_SCAN: usize = 50 * 1024 * 1024;

/// Largest piece of a scan sent in one upload message.
const CHUNK: usize = 1024 * 1024;

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    layout: Layout,
    csrf: String,
    values: HashMap<String, String>,
    types: Vec<Choice>,
    urgencies: Vec<Choice>,
    secrecies: Vec<Choice>,
    refusal: Option<Refusal>,
}

impl RegisterPage {
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or_default()
    }

    fn error(&self, field: &str) -> String {
        self.refusal.as_ref().map(|r| r.about(field)).unwrap_or_default()
    }
}

async fn form_page(
    ctx: &Ctx,
    me: &Me,
    values: HashMap<String, String>,
    refusal: Option<Refusal>,
) -> Result<RegisterPage, ConsoleError> {
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    Ok(RegisterPage {
        layout: me.layout("Vào sổ văn bản đến", "/documents"),
        csrf: me.csrf.clone(),
        types: choices::document_types(ctx, &get("type_code")).await?,
        urgencies: choices::urgencies(&get("urgency")),
        secrecies: choices::secrecies(&get("secrecy")),
        values,
        refusal,
    })
}

/// `GET /documents/new`: an empty form, with the request id that makes
/// its submission safe to repeat (a double click registers once).
pub async fn form(ctx: Ctx) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let mut values = HashMap::new();
    values.insert("request_id".to_string(), uuid::Uuid::new_v4().to_string());
    values.insert("pages".to_string(), "1".to_string());
    Ok(Html(form_page(&ctx, &me, values, None).await?.render()?))
}

/// A file as posted (a scan, a draft's text).
pub struct Scan {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Reads a multipart form: its fields in order (repeated names kept), and
/// the file posted as `file_field`, if one was chosen.
pub async fn read_upload(mut multipart: Multipart, file_field: &str) -> Result<(FormData, Option<Scan>), ConsoleError> {
    let mut fields = Vec::new();
    let mut scan = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| ConsoleError::BadUpload)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == file_field {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_string();
            let content = field.bytes().await.map_err(|_| ConsoleError::TooLarge)?;
            if !file_name.is_empty() && !content.is_empty() {
                scan = Some(Scan {
                    file_name,
                    content_type,
                    content: content.to_vec(),
                });
            }
        } else if name != crate::csrf::FIELD {
            let text = field.text().await.map_err(|_| ConsoleError::BadUpload)?;
            fields.push((name, text.trim().to_string()));
        }
    }
    Ok((FormData(fields), scan))
}

/// `POST /documents`: registers, uploads the scan, goes to the document.
pub async fn submit(ctx: Ctx, multipart: Multipart) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let (form, scan) = read_upload(multipart, "scan").await?;
    let values: HashMap<String, String> = form.0.into_iter().collect();
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let number = |k: &str| -> Result<i64, Refusal> {
        let text = get(k);
        if text.is_empty() {
            return Ok(0);
        }
        text.parse().map_err(|_| Refusal::field(k, "Phải là một số nguyên"))
    };
    let date = |k: &str| input::date(&get(k)).map_err(|m| Refusal::field(k, m));
    let parsed = (|| -> Result<RegisterIncomingRequest, Refusal> {
        Ok(RegisterIncomingRequest {
            request_id: get("request_id"),
            type_code: get("type_code"),
            subject: get("subject"),
            number: number("number")?,
            symbol: get("symbol"),
            issued_on: date("issued_on")?,
            issuer_name: get("issuer_name"),
            issuer_code: get("issuer_code"),
            signer_name: get("signer_name"),
            signer_position: get("signer_position"),
            urgency: number("urgency")? as i32,
            secrecy: number("secrecy")? as i32,
            pages: number("pages")? as i32,
            due_on: date("due_on")?,
            channel: Channel::Paper as i32,
            ..Default::default()
        })
    })();
    let request = match parsed {
        Ok(request) => request,
        Err(refusal) => return refused(&ctx, &me, values, refusal).await,
    };
    let document = match ctx.services().incoming()?.register_incoming(ctx.call(request)).await {
        Ok(document) => document.into_inner(),
        Err(status) if Refusal::shown_on_form(&status) => {
            return refused(&ctx, &me, values, Refusal::of(&status)).await;
        }
        Err(status) => return Err(status.into()),
    };
    let mut outcome = "registered";
    if let Some(scan) = scan
        && let Err(status) = upload(&ctx, &document.id, &format!("{}-scan", get("request_id")), scan).await
    {
        tracing::warn!(code = ?status.code(), message = status.message(), "scan of a registered document not stored");
        outcome = "scan-failed";
    }
    Ok(Redirect::to(&format!("/documents/{}?m={outcome}", document.id)).into_response())
}

async fn refused(
    ctx: &Ctx,
    me: &Me,
    values: HashMap<String, String>,
    refusal: Refusal,
) -> Result<Response, ConsoleError> {
    let page = form_page(ctx, me, values, Some(refusal)).await?;
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

/// Streams the scan to the documents service: its metadata (size, SHA-256)
/// first, then its content in pieces.
pub async fn upload(ctx: &Ctx, document_id: &str, request_id: &str, scan: Scan) -> Result<(), tonic::Status> {
    let sha256: String = Sha256::digest(&scan.content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let metadata = UploadAttachmentRequest {
        part: Some(Part::Metadata(AttachmentMetadata {
            request_id: request_id.to_string(),
            document_id: document_id.to_string(),
            file_name: scan.file_name,
            content_type: scan.content_type,
            size: scan.content.len() as i64,
            sha256,
        })),
    };
    let chunks: Vec<UploadAttachmentRequest> = scan
        .content
        .chunks(CHUNK)
        .map(|piece| UploadAttachmentRequest {
            part: Some(Part::Chunk(piece.to_vec())),
        })
        .collect();
    let messages = futures_util::stream::iter(std::iter::once(metadata).chain(chunks));
    ctx.services()
        .attachments()
        .map_err(|_| tonic::Status::unavailable("documents"))?
        .upload_attachment(ctx.call(messages))
        .await?;
    Ok(())
}
