//! Documents exchanged as edXML files with bodies outside the system (the
//! offices inside send and receive through the documents service itself):
//! taking in a received package as an incoming document, recording the
//! status package an outside recipient sent back, and handing out an
//! outgoing document's package as a file. Uploads are plain multipart
//! POSTs; a refusal (a malformed package, one already taken in) shows the
//! page again with the service's words.

use askama::Template;
use axum::extract::{Multipart, Path};
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;

use vanphong_proto::documents::v1::{EdxmlPackage, ExportEdxmlRequest, ImportEdxmlRequest, ImportEdxmlStatusRequest};

use super::form::Refusal;
use super::register::read_upload;
use super::{Ctx, Layout, Me, files};
use crate::errors::ConsoleError;

/// Which of the page's two forms: a document's package or a status
/// package (also the last segment of the form's address).
#[derive(PartialEq, Eq, Clone, Copy)]
enum Upload {
    Document,
    Status,
}

impl Upload {
    /// The page shown once the package is taken in.
    fn next(self, document_id: &str) -> String {
        match self {
            Upload::Document => format!("/documents/{document_id}?m=imported"),
            Upload::Status => format!("/outgoing/{document_id}?m=status-recorded"),
        }
    }
}

#[derive(Template)]
#[template(path = "exchange.html")]
struct ExchangePage {
    layout: Layout,
    /// A fresh key for each form, so a double click takes a package once.
    document_request_id: String,
    status_request_id: String,
    refused: Option<(Upload, Refusal)>,
}

impl ExchangePage {
    fn new(me: &Me, refused: Option<(Upload, Refusal)>) -> Self {
        ExchangePage {
            layout: me.layout("Trao đổi văn bản điện tử", "/documents"),
            document_request_id: uuid::Uuid::new_v4().to_string(),
            status_request_id: uuid::Uuid::new_v4().to_string(),
            refused,
        }
    }

    /// The refusal of `upload`'s form, if that form was the one refused.
    fn refusal_of(&self, upload: Upload) -> Option<&Refusal> {
        self.refused.as_ref().filter(|(u, _)| *u == upload).map(|(_, r)| r)
    }
}

/// `GET /documents/exchange`: the two upload forms.
pub async fn page(ctx: Ctx) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    Ok(Html(ExchangePage::new(&me, None).render()?))
}

/// Takes in the package posted to `upload`'s form, then shows the document
/// it concerns; a refusal shows the page again, beside that form.
async fn take_in(ctx: &Ctx, multipart: Multipart, upload: Upload) -> Result<Response, ConsoleError> {
    ctx.session()?;
    let (form, file) = read_upload(multipart, "package").await?;
    let request_id = form.get("request_id");
    let Some(package) = file.map(|f| f.content) else {
        let refusal = Refusal::field("package", "Chọn tệp gói edXML (.xml) nhận được");
        return refused(ctx, upload, refusal).await;
    };
    let mut edxml = ctx.services().edxml()?;
    let answer = match upload {
        Upload::Document => {
            let request = ImportEdxmlRequest {
                request_id,
                office_id: String::new(),
                package,
            };
            edxml.import_edxml(ctx.call(request)).await
        }
        Upload::Status => {
            let request = ImportEdxmlStatusRequest { request_id, package };
            edxml.import_edxml_status(ctx.call(request)).await
        }
    };
    match answer {
        Ok(document) => Ok(Redirect::to(&upload.next(&document.into_inner().id)).into_response()),
        Err(status) if Refusal::shown_on_form(&status) => refused(ctx, upload, Refusal::of(&status)).await,
        Err(status) => Err(status.into()),
    }
}

async fn refused(ctx: &Ctx, upload: Upload, refusal: Refusal) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = ExchangePage::new(&me, Some((upload, refusal)));
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}

/// `POST /documents/exchange/document`: takes a received package in as an
/// incoming document of the office, then shows it, ready to register.
pub async fn import_document(ctx: Ctx, multipart: Multipart) -> Result<Response, ConsoleError> {
    take_in(&ctx, multipart, Upload::Document).await
}

/// `POST /documents/exchange/status`: records what an outside recipient
/// reports about one of the office's outgoing documents, then shows it.
pub async fn import_status(ctx: Ctx, multipart: Multipart) -> Result<Response, ConsoleError> {
    take_in(&ctx, multipart, Upload::Status).await
}

/// An edXML package as a file to save and send on.
pub fn package_file(package: EdxmlPackage, fallback: &str) -> Response {
    files::download(fallback, &package.file_name, &package.content_type, package.content)
}

/// `GET /outgoing/{id}/edxml`: the numbered document's edXML package, to
/// send to a body outside the system.
pub async fn export_document(ctx: Ctx, Path(id): Path<String>) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    let request = ExportEdxmlRequest { document_id: id };
    let package = ctx
        .services()
        .edxml()?
        .export_edxml(ctx.call(request))
        .await
        .map_err(ConsoleError::unseen)?
        .into_inner();
    Ok(package_file(package, "van-ban-edxml.xml"))
}
