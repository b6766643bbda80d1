//! Files over plain HTTP, for clients that cannot speak gRPC streams or
//! carry tens of MiB as base64 in JSON (the JSON routes take a few MiB at
//! most):
//!
//! - `PUT /api/v1/documents/{document_id}/attachments/file?fileName=…&sha256=…&requestId=…`
//!   with the bytes as the body, `Content-Length` and `Content-Type`;
//!   answers the attachment as JSON. Streamed through the documents
//!   service's `UploadAttachment`, never held whole in the gateway.
//! - `GET /api/v1/documents/{document_id}/attachments/{attachment_id}/file`
//!   answers the bytes with their type, length, name and SHA-256 (`ETag`),
//!   streamed from `DownloadAttachment`.
//! - `GET /api/v1/documents/{document_id}/edxml/file`: the edXML package of
//!   an outgoing document as an XML file, to hand to an outside body.
//! - `POST /api/v1/documents/edxml/import/file?requestId=…&officeId=…` with
//!   a received package as the body; answers the incoming document.

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderValue, StatusCode, header};
use prost::Message;
use prost_reflect::DynamicMessage;

use vanphong_platform::Error;
use vanphong_platform::text::fold;
use vanphong_proto::documents::v1::attachment_service_client::AttachmentServiceClient;
use vanphong_proto::documents::v1::edxml_service_client::EdxmlServiceClient;
use vanphong_proto::documents::v1::upload_attachment_request::Part;
use vanphong_proto::documents::v1::{
    AttachmentMetadata, ExportEdxmlRequest, GetAttachmentRequest, ImportEdxmlRequest, UploadAttachmentRequest,
};

use super::{RestState, error_response, json_response, outgoing, transcode};
use crate::upstream::Upstream;

/// The proto package whose service holds the files.
const PACKAGE: &str = "vanphong.documents.v1";

/// Largest piece of content sent in one upload message.
const CHUNK: usize = 1024 * 1024;

/// The template of the upload route.
pub const UPLOAD: &str = "/api/v1/documents/{document_id}/attachments/file";
/// The template of the download route.
pub const DOWNLOAD: &str = "/api/v1/documents/{document_id}/attachments/{attachment_id}/file";

/// Largest edXML package, as the documents service takes it.
const PACKAGE_LIMIT: usize = 160 * 1024 * 1024;

/// The template of the edXML export route.
pub const EDXML_EXPORT: &str = "/api/v1/documents/{document_id}/edxml/file";
/// The template of the edXML import route.
pub const EDXML_IMPORT: &str = "/api/v1/documents/edxml/import/file";

/// Runs `$body` with `$channel` bound to the gateway's channel to the
/// documents service, whichever kind it is; answers UNAVAILABLE when the
/// gateway has none.
macro_rules! with_documents {
    ($state:expr, $channel:ident => $body:expr) => {
        match $state.upstreams.get(PACKAGE) {
            Some(Upstream::Remote { channel, .. }) => {
                let $channel = channel.clone();
                $body
            }
            Some(Upstream::Local(router)) => {
                let $channel = router.clone();
                $body
            }
            None => return not_configured(),
        }
    };
}

fn not_configured() -> Response {
    error_response(&tonic::Status::unavailable(format!(
        "Dịch vụ {PACKAGE} chưa được cấu hình trên cổng này"
    )))
}

/// `GET …/attachments/{attachment_id}/file`.
pub async fn download(state: &RestState, request: Request, document_id: String, attachment_id: String) -> Response {
    let (parts, _) = request.into_parts();
    let call = outgoing(
        state,
        &parts,
        GetAttachmentRequest {
            document_id,
            attachment_id,
        },
    );
    let answer =
        with_documents!(state, channel => AttachmentServiceClient::new(channel).download_attachment(call).await);
    let mut stream = match answer {
        Ok(answer) => answer.into_inner(),
        Err(status) => return error_response(&status),
    };
    // The attachment comes first; nothing is sent before it is known.
    let first = match stream.message().await {
        Ok(Some(first)) => first,
        Ok(None) => return error_response(&tonic::Status::unavailable("Dịch vụ văn bản không trả về tệp")),
        Err(status) => return error_response(&status),
    };
    let Some(attachment) = first.attachment else {
        return error_response(&tonic::Status::unavailable(
            "Dịch vụ văn bản không trả về thông tin tệp",
        ));
    };
    let head = futures_util::stream::once(async move { Ok::<Bytes, tonic::Status>(Bytes::from(first.chunk)) });
    let rest = stream.map(|message| message.map(|m| Bytes::from(m.chunk)));
    let mut response = Response::new(Body::from_stream(head.chain(rest)));
    let headers = response.headers_mut();
    let content_type = if attachment.content_type.is_empty() {
        "application/octet-stream"
    } else {
        &attachment.content_type
    };
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(attachment.size.max(0) as u64));
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&attachment.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if let Ok(value) = HeaderValue::from_str(&format!("\"{}\"", attachment.sha256)) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII
/// name without diacritics for old clients, the exact name for the rest.
fn content_disposition(file_name: &str) -> String {
    let ascii: String = fold(file_name)
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut exact = String::new();
    for byte in file_name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            exact.push(char::from(byte));
        } else {
            exact.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{exact}")
}

/// `PUT …/attachments/file`.
pub async fn upload(state: &RestState, request: Request, document_id: String) -> Response {
    let (parts, body) = request.into_parts();
    // What the metadata needs besides the length and type (headers).
    let (mut file_name, mut sha256, mut request_id) = (String::new(), String::new(), String::new());
    for (key, value) in transcode::form_pairs(parts.uri.query().unwrap_or_default()) {
        match key.as_str() {
            "fileName" | "file_name" => file_name = value,
            "sha256" => sha256 = value,
            "requestId" | "request_id" => request_id = value,
            _ => {}
        }
    }
    let size = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let Some(size) = size else {
        let status: tonic::Status = Error::invalid(
            "Content-Length",
            "REQUIRED",
            "Phải gửi kèm Content-Length (số byte của tệp)",
        )
        .into();
        return error_response(&status);
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let metadata = UploadAttachmentRequest {
        part: Some(Part::Metadata(AttachmentMetadata {
            request_id,
            document_id,
            file_name,
            content_type,
            size,
            sha256,
        })),
    };
    // The body in pieces of at most CHUNK bytes, after the metadata. A body
    // that breaks off ends the stream short; the service then refuses the
    // upload for its size and stores nothing.
    let chunks = body
        .into_data_stream()
        .take_while(|piece| std::future::ready(piece.is_ok()))
        .filter_map(|piece| std::future::ready(piece.ok()))
        .flat_map(|piece: Bytes| {
            let pieces: Vec<Bytes> = (0..piece.len())
                .step_by(CHUNK)
                .map(|at| piece.slice(at..piece.len().min(at + CHUNK)))
                .collect();
            futures_util::stream::iter(pieces)
        })
        .map(|piece| UploadAttachmentRequest {
            part: Some(Part::Chunk(piece.to_vec())),
        });
    let messages = futures_util::stream::once(async move { metadata }).chain(chunks);
    let call = outgoing(state, &parts, messages);
    let answer = with_documents!(state, channel => AttachmentServiceClient::new(channel).upload_attachment(call).await);
    match answer {
        Ok(attachment) => message_json(state, "vanphong.documents.v1.Attachment", &attachment.into_inner()),
        Err(status) => error_response(&status),
    }
}

/// `GET …/{document_id}/edxml/file`.
pub async fn export_edxml(state: &RestState, request: Request, document_id: String) -> Response {
    let (parts, _) = request.into_parts();
    let call = outgoing(state, &parts, ExportEdxmlRequest { document_id });
    let answer = with_documents!(state, channel => EdxmlServiceClient::new(channel)
        .max_decoding_message_size(PACKAGE_LIMIT)
        .export_edxml(call)
        .await);
    let package = match answer {
        Ok(package) => package.into_inner(),
        Err(status) => return error_response(&status),
    };
    let mut response = Response::new(Body::from(package.content));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&package.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// `POST …/edxml/import/file`.
pub async fn import_edxml(state: &RestState, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (mut request_id, mut office_id) = (String::new(), String::new());
    for (key, value) in transcode::form_pairs(parts.uri.query().unwrap_or_default()) {
        match key.as_str() {
            "requestId" | "request_id" => request_id = value,
            "officeId" | "office_id" => office_id = value,
            _ => {}
        }
    }
    let Ok(package) = axum::body::to_bytes(body, PACKAGE_LIMIT).await else {
        let status: tonic::Status = Error::invalid(
            "package",
            "TOO_LARGE",
            format!("Gói tin edXML quá lớn (tối đa {} MiB)", PACKAGE_LIMIT / 1024 / 1024),
        )
        .into();
        return error_response(&status);
    };
    let call = outgoing(
        state,
        &parts,
        ImportEdxmlRequest {
            request_id,
            office_id,
            package: package.to_vec(),
        },
    );
    let answer = with_documents!(state, channel => EdxmlServiceClient::new(channel)
        .max_encoding_message_size(PACKAGE_LIMIT)
        .import_edxml(call)
        .await);
    match answer {
        Ok(document) => message_json(state, "vanphong.documents.v1.Document", &document.into_inner()),
        Err(status) => error_response(&status),
    }
}

/// A typed answer in the proto3 JSON mapping, like every other answer.
fn message_json(state: &RestState, full_name: &str, message: &impl Message) -> Response {
    let Some(descriptor) = state.pool.as_ref().and_then(|p| p.get_message_by_name(full_name)) else {
        return error_response(&tonic::Status::internal(format!("descriptor of {full_name} missing")));
    };
    match DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice()) {
        Ok(message) => match transcode::response_json(&message) {
            Ok(json) => {
                let mut response = json_response(&json);
                *response.status_mut() = StatusCode::OK;
                response
            }
            Err(e) => error_response(&e.into_status()),
        },
        Err(e) => error_response(&tonic::Status::internal(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_their_diacritics_for_modern_clients() {
        assert_eq!(
            content_disposition("Quyết định 05.pdf"),
            "attachment; filename=\"quyet_dinh_05.pdf\"; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2005.pdf"
        );
    }
}
