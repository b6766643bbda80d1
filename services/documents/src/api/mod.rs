//! The documents service's gRPC services and what they share.

mod attachments;
pub(crate) mod audit;
mod catalog;
mod convert;
mod edxml;
mod flow;
mod handover;
mod incoming;
mod issuing;
mod notifications;
pub use issuing::passphrase as signing_keys_passphrase;
mod outgoing;
mod queries;
mod registers;
mod sealing;
mod signers;
mod terms;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use uuid::Uuid;

use vanphong_platform::audit_api::AuditApi;
use vanphong_platform::db::Tx;
use vanphong_platform::handover::api::HandoverApi;
use vanphong_platform::host::ServiceContext;
use vanphong_platform::identity::{Caller, Clearance};
use vanphong_platform::people::{OnBehalf, People};
use vanphong_platform::server::GrpcServices;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, grpc_client};
use vanphong_proto::documents::v1::attachment_service_server::AttachmentServiceServer;
use vanphong_proto::documents::v1::audit_service_server::AuditServiceServer;
use vanphong_proto::documents::v1::catalog_service_server::CatalogServiceServer;
use vanphong_proto::documents::v1::document_query_service_server::DocumentQueryServiceServer;
use vanphong_proto::documents::v1::edxml_service_server::EdxmlServiceServer;
use vanphong_proto::documents::v1::handover_service_server::HandoverServiceServer;
use vanphong_proto::documents::v1::incoming_service_server::IncomingServiceServer;
use vanphong_proto::documents::v1::notification_service_server::NotificationServiceServer;
use vanphong_proto::documents::v1::outgoing_service_server::OutgoingServiceServer;
use vanphong_proto::documents::v1::register_service_server::RegisterServiceServer;
use vanphong_proto::documents::v1::term_service_server::TermServiceServer;

use crate::blob::BlobStore;
use crate::domain::access;
use crate::domain::document::Document;
use crate::domain::kinds::Urgency;
use crate::store;
use vanphong_pdf::sign::keys::KeyStore;
use vanphong_pdf::verify::TrustAnchors;

/// What every handler shares.
pub(crate) struct Shared {
    pub ctx: ServiceContext,
    pub people: People,
    /// Names of document types by code, for answers.
    type_names: RwLock<HashMap<String, String>>,
    /// The roots trusted when checking the signatures of stored PDFs.
    pub anchors: Arc<TrustAnchors>,
    /// The signing keys of people and offices, for issuing documents.
    pub keys: Arc<KeyStore>,
    /// The national PKI's remote signing service, when configured.
    pub remote: Option<vanphong_pdf::sign::remote::RemoteService>,
    /// Where attachments' bytes are kept.
    pub blobs: Arc<BlobStore>,
    /// Turns at issuing signed PDFs, one per processor.
    pub issuing: tokio::sync::Semaphore,
}

/// The shared state is the service's context plus its own parts: the
/// context's clock, directory and database read through it
/// (`s.today()`, `s.now()`, `s.snapshot()`).
impl std::ops::Deref for Shared {
    type Target = ServiceContext;

    fn deref(&self) -> &ServiceContext {
        &self.ctx
    }
}

impl Shared {
    pub fn type_name(&self, code: &str) -> String {
        self.type_names
            .read()
            .map(|names| names.get(code).cloned().unwrap_or_default())
            .unwrap_or_default()
    }

    pub async fn refresh_type_names(&self) -> Result<(), Error> {
        let types = store::catalog::list(&self.ctx.db, true).await?;
        if let Ok(mut names) = self.type_names.write() {
            *names = types.into_iter().map(|t| (t.code, t.name)).collect();
        }
        Ok(())
    }

    /// A document the caller may see, with the people named on it; callers
    /// who may not see it learn only that it was not found.
    pub async fn visible(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        id: Uuid,
        lock: bool,
    ) -> Result<(Document, Vec<Uuid>), Error> {
        let document = if lock {
            store::documents::get_for_update(tx, id).await?
        } else {
            store::documents::get(tx, id).await?
        };
        let not_found = || Error::not_found("văn bản", id);
        let document = document.ok_or_else(not_found)?;
        let named = store::people::distribution(tx, id).await?;
        if !access::may_see(caller, &self.snapshot().tree, self.today(), &document, &named) {
            return Err(not_found());
        }
        Ok((document, named))
    }

    /// Checks with the directory that the people a new document is
    /// distributed to work in `office` (nothing to ask when there are none).
    pub async fn check_distribution(&self, on_behalf: &OnBehalf, office: Uuid, people: &[Uuid]) -> Result<(), Error> {
        if !people.is_empty() {
            self.people.members(on_behalf, office, "distribution", people).await?;
        }
        Ok(())
    }

    /// Reads a document the caller may see in a transaction of its own (for
    /// checks made before the write transaction, such as asking the
    /// directory about people).
    pub async fn peek(&self, caller: &Caller, id: Uuid) -> Result<Document, Error> {
        let (document, _) = self
            .ctx
            .db
            .read(async |tx| self.visible(tx, caller, id, false).await)
            .await?;
        Ok(document)
    }
}

/// A list of ids, each checked and named by its place (`field[i]`).
pub(crate) fn ids_field(c: &mut Checker, field: &str, values: &[String]) -> Vec<Uuid> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| c.id(&format!("{field}[{i}]"), v))
        .collect()
}

/// The urgency, secrecy and page count every new document states, checked
/// alike whether it arrives or is drafted here.
pub(crate) fn check_handling(c: &mut Checker, urgency: i32, secrecy: i32, pages: i32) -> (Urgency, Clearance) {
    let urgency = Urgency::from_wire(urgency).unwrap_or_else(|| {
        c.violation("urgency", "UNKNOWN_VALUE", "Độ khẩn không hợp lệ");
        Urgency::Normal
    });
    let secrecy = Clearance::from_wire(secrecy).unwrap_or_else(|| {
        c.violation("secrecy", "UNKNOWN_VALUE", "Độ mật không hợp lệ");
        Clearance::None
    });
    if !(0..=100_000).contains(&pages) {
        c.violation("pages", "OUT_OF_RANGE", "Số trang phải từ 0 đến 100000");
    }
    (urgency, secrecy)
}

/// Every service of the documents service, sharing one state.
pub async fn services(ctx: ServiceContext) -> Result<GrpcServices, Error> {
    store::catalog::ensure_defaults(&ctx.db).await?;
    let people = People::new(grpc_client::channel("directory", &ctx.settings.directory_url));
    let blobs = Arc::new(BlobStore::open(&ctx.settings)?);
    let anchors = TrustAnchors::load(&ctx.settings.trust_anchors_file).map_err(|e| {
        Error::Unavailable(format!(
            "Không đọc được danh sách chứng thư gốc tin cậy {}: {e}",
            ctx.settings.trust_anchors_file.display()
        ))
    })?;
    tracing::info!(
        file = %ctx.settings.trust_anchors_file.display(),
        roots = anchors.certificates().len(),
        "trust anchors for digital signatures"
    );
    let keys = Arc::new(KeyStore::new(
        ctx.settings.document_keys_dir.clone(),
        issuing::passphrase(&ctx.settings),
    ));
    let remote = signers::remote_service(&ctx.settings)?;
    let shared = Arc::new(Shared {
        remote,
        ctx,
        people,
        type_names: RwLock::new(HashMap::new()),
        anchors: Arc::new(anchors),
        keys,
        blobs: blobs.clone(),
        issuing: tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())),
    });
    shared.refresh_type_names().await?;
    Ok(GrpcServices::new()
        .with_service(HandoverServiceServer::new(HandoverApi::started(
            shared.ctx.clone(),
            Arc::new(handover::Documents),
        )))
        .with_service(IncomingServiceServer::new(incoming::IncomingApi(shared.clone())))
        .with_service(OutgoingServiceServer::new(outgoing::OutgoingApi(shared.clone())))
        .with_service(TermServiceServer::new(terms::TermApi(shared.clone())))
        .with_service(RegisterServiceServer::new(registers::RegisterApi(shared.clone())))
        .with_service(DocumentQueryServiceServer::new(queries::QueryApi(shared.clone())))
        .with_service(CatalogServiceServer::new(catalog::CatalogApi(shared.clone())))
        .with_service(NotificationServiceServer::new(notifications::NotificationApi(
            shared.clone(),
        )))
        .with_service(
            AttachmentServiceServer::new(attachments::AttachmentApi {
                shared: shared.clone(),
                blobs: blobs.clone(),
            })
            .max_decoding_message_size(attachments::WHOLE_FILE_LIMIT as usize * 2),
        )
        .with_service(
            EdxmlServiceServer::new(edxml::EdxmlApi {
                shared: shared.clone(),
                blobs,
            })
            .max_decoding_message_size(edxml::MAX_PACKAGE_BYTES)
            .max_encoding_message_size(edxml::MAX_PACKAGE_BYTES),
        )
        .with_service(AuditServiceServer::new(AuditApi::with_lens(
            Arc::new(shared.ctx.clone()),
            shared,
        ))))
}
