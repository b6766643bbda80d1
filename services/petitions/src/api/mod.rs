//! The petitions service's gRPC services and what they share: loading a
//! petition the caller may see, answering with it (identity shown only to
//! those who may see it, each view audited), and the offices a list covers.

pub(crate) mod audit;
mod catalog;
mod convert;
mod duplicates;
mod exports;
mod figures;
mod handover;
mod intake;
mod notices;
mod petitions;
mod queries;
mod reassign;
mod receptions;
mod slips;
mod steps;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_platform::audit::Change;
use vanphong_platform::audit_api::AuditApi;
use vanphong_platform::calendar::WorkingCalendar;
use vanphong_platform::db::Tx;
use vanphong_platform::handover::api::HandoverApi;
use vanphong_platform::host::ServiceContext;
use vanphong_platform::identity::Caller;
use vanphong_platform::notices_api::NoticesApi;
use vanphong_platform::paging;
use vanphong_platform::people::People;
use vanphong_platform::server::GrpcServices;
use vanphong_platform::{Error, grpc_client};
use vanphong_proto::petitions::v1 as wire;
use vanphong_proto::petitions::v1::audit_service_server::AuditServiceServer;
use vanphong_proto::petitions::v1::handover_service_server::HandoverServiceServer;
use vanphong_proto::petitions::v1::notification_service_server::NotificationServiceServer;
use vanphong_proto::petitions::v1::petition_catalog_service_server::PetitionCatalogServiceServer;
use vanphong_proto::petitions::v1::petition_service_server::PetitionServiceServer;
use vanphong_proto::petitions::v1::reception_service_server::ReceptionServiceServer;

use crate::domain::access::may_see_identity;
use crate::domain::petition::Petition;
use crate::store;
use convert::{Details, petition_to_wire};

/// What every handler shares.
pub(crate) struct Shared {
    pub ctx: ServiceContext,
    pub people: People,
    /// The documents service, where transfer slips are made; `None` when
    /// its address is not configured.
    pub documents: Option<grpc_client::ServiceChannel>,
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
    /// The working-day calendar deadlines are counted on.
    pub fn calendar(&self) -> &WorkingCalendar {
        &self.ctx.calendar
    }

    /// A petition the caller may see; callers who may not see it learn only
    /// that it was not found.
    pub async fn visible(&self, tx: &mut Tx, caller: &Caller, id: Uuid, lock: bool) -> Result<Petition, Error> {
        let petition = if lock {
            store::petitions::get_for_update(tx, id).await?
        } else {
            store::petitions::get(tx, id).await?
        };
        let not_found = || Error::NotFound(format!("Không tìm thấy đơn {id}"));
        let petition = petition.ok_or_else(not_found)?;
        if !caller.may_read(&self.snapshot().tree, petition.office_id, self.today()) {
            return Err(not_found());
        }
        Ok(petition)
    }

    /// Whether the caller may see the petitioners of this petition.
    pub fn reveals(&self, caller: &Caller, petition: &Petition) -> bool {
        !petition.anonymous
            && may_see_identity(
                caller,
                &self.snapshot().tree,
                self.today(),
                petition.office_id,
                petition.handler_id,
            )
    }

    /// The full answer about a petition. When the caller may see its
    /// petitioners they are included and the view is audited — so `tx` must
    /// be a write transaction whenever [`Shared::reveals`] holds.
    pub async fn answer(&self, tx: &mut Tx, caller: &Caller, petition: &Petition) -> Result<wire::Petition, Error> {
        self.answer_showing(tx, caller, petition, true).await
    }

    /// [`Shared::answer`]; with `identity` false the petitioners are left
    /// out (redacted) whoever asks, and no view is recorded — the answer of
    /// a step only computed (`validate_only`), which records nothing.
    pub async fn answer_showing(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        petition: &Petition,
        identity: bool,
    ) -> Result<wire::Petition, Error> {
        let petitioners = if identity && self.reveals(caller, petition) {
            record_identity_view(tx, caller, self.now(), petition, "view").await?;
            Some(store::petitioners::of(tx, petition.id).await?)
        } else {
            None
        };
        let area = store::catalog::area(tx, &petition.subject_area_code).await?;
        let details = Details {
            petitioners,
            events: store::history::of(tx, petition.id).await?,
            extensions: store::extensions::of(tx, petition.id).await?,
            transfer: store::transfers::of(tx, petition.id).await?,
        };
        let answer = petition_to_wire(
            petition,
            self.today(),
            &self.snapshot(),
            area.map(|a| a.name).unwrap_or_default(),
            Some(details),
        );
        paging::ensure_fits(&answer, "Đơn")?;
        Ok(answer)
    }

    /// The offices a list covers: the office, and with `descendants` every
    /// office below it on `on`; each must be readable by the caller.
    pub fn offices(&self, caller: &Caller, office: Uuid, descendants: bool, on: NaiveDate) -> Result<Vec<Uuid>, Error> {
        self.offices_during(caller, office, descendants, on, on)
    }

    /// [`Shared::offices`] for figures of `from..=on`: offices that ended
    /// within the period while below `office` count too, for their days.
    pub fn offices_during(
        &self,
        caller: &Caller,
        office: Uuid,
        descendants: bool,
        from: NaiveDate,
        on: NaiveDate,
    ) -> Result<Vec<Uuid>, Error> {
        let snapshot = self.snapshot();
        let tree = &snapshot.tree;
        if tree.get(office).is_none() {
            return Err(Error::NotFound(format!("Không tìm thấy đơn vị {office}")));
        }
        caller.ensure_read(tree, office, self.today())?;
        if descendants {
            for below in tree.descendants_during(office, from, on) {
                caller.ensure_read_period(tree, below, on, self.today())?;
            }
        }
        // Each office's open work includes that of the offices it succeeded
        // (docs/domain.md §1, reorganisation).
        Ok(tree.counted_in(office, descendants, from, on))
    }
}

/// The action of the audit record of a view of protected identity.
pub(crate) const VIEW_IDENTITY: &str = "view_identity";

/// Writes the audit record of a view of protected identity.
pub(crate) async fn record_identity_view(
    tx: &mut Tx,
    caller: &Caller,
    now: DateTime<Utc>,
    petition: &Petition,
    how: &str,
) -> Result<(), Error> {
    vanphong_platform::audit::record(
        tx,
        caller,
        now,
        Change::new(petition.office_id, "petition", petition.id, VIEW_IDENTITY).after(serde_json::json!({
            "petition": petition.number_label(),
            "petitioners": petition.petitioner_count,
            "how": how,
            "viewer_roles": caller.roles.to_codes(),
        })),
    )
    .await?;
    Ok(())
}

/// Every service of the petitions service, sharing one state.
pub async fn services(ctx: ServiceContext) -> Result<GrpcServices, Error> {
    store::catalog::ensure_defaults(&ctx.db).await?;
    let people = People::new(grpc_client::channel("directory", &ctx.settings.directory_url));
    let documents = ctx
        .settings
        .service_url("documents")
        .map(|addresses| grpc_client::channel("documents", addresses));
    let shared = Arc::new(Shared { ctx, people, documents });
    Ok(GrpcServices::new()
        .with_service(HandoverServiceServer::new(HandoverApi::started(
            shared.ctx.clone(),
            Arc::new(handover::Petitions),
        )))
        .with_service(PetitionServiceServer::new(petitions::PetitionApi(shared.clone())))
        .with_service(PetitionCatalogServiceServer::new(catalog::CatalogApi(shared.clone())))
        .with_service(ReceptionServiceServer::new(receptions::ReceptionApi(shared.clone())))
        .with_service(NotificationServiceServer::new(NoticesApi::new(shared.clone())))
        .with_service(AuditServiceServer::new(AuditApi::new(Arc::new(shared.ctx.clone())))))
}
