//! The reporting service's gRPC services and what they share.
//!
//! - [`reports`]: creating, writing and filling reports with figures;
//! - [`assign`]: a leader gives reports to another writer of the office;
//! - [`approval`]: submission, approval (with the children-first rule),
//!   sending as a BC document, the parent's answer;
//! - [`periods`]: periods, deadlines and the reporting rules;
//! - [`completeness`]: who below has sent what, on time or late;
//! - [`exports`]: DOCX and XLSX;
//! - [`notices`]: the notices of reports returned, accepted or due soon;
//! - [`convert`]: answers on the wire; [`checks`]: request fields.

mod approval;
mod assign;
pub(crate) mod audit;
mod checks;
mod completeness;
mod convert;
mod exports;
mod handover;
mod notices;
mod periods;
mod reports;

use std::sync::Arc;

use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::Change;
use vanphong_platform::audit_api::AuditApi;
use vanphong_platform::db::Tx;
use vanphong_platform::handover::api::HandoverApi;
use vanphong_platform::host::ServiceContext;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::notices_api::NoticesApi;
use vanphong_platform::paging;
use vanphong_platform::people::People;
use vanphong_platform::server::GrpcServices;
use vanphong_proto::reporting::v1 as wire;
use vanphong_proto::reporting::v1::approval_service_server::ApprovalServiceServer;
use vanphong_proto::reporting::v1::audit_service_server::AuditServiceServer;
use vanphong_proto::reporting::v1::export_service_server::ExportServiceServer;
use vanphong_proto::reporting::v1::handover_service_server::HandoverServiceServer;
use vanphong_proto::reporting::v1::notification_service_server::NotificationServiceServer;
use vanphong_proto::reporting::v1::period_service_server::PeriodServiceServer;
use vanphong_proto::reporting::v1::report_service_server::ReportServiceServer;

use crate::domain::report::Report;
use crate::sources::Sources;
use crate::store;
use crate::store::reports::Event;

/// What every handler shares.
pub(crate) struct Shared {
    pub ctx: ServiceContext,
    pub sources: Sources,
    /// The directory, for the names of people who sign.
    pub people: People,
}

/// Roles that write reports.
pub(crate) const WRITERS: &[Role] = &[Role::Specialist, Role::Clerk, Role::Leader];

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
    /// Whether the caller may see the report: its own office, leaders above
    /// it, and the leaders of the office it was sent to.
    pub fn may_see(&self, caller: &Caller, report: &Report) -> bool {
        let snapshot = self.snapshot();
        let tree = &snapshot.tree;
        caller.may_read(tree, report.office_id, self.today())
            || (caller.has_role(Role::Leader)
                && report
                    .parent_office_id
                    .is_some_and(|p| tree.holder_on(p, self.today()) == caller.office_id))
    }

    /// A report the caller may see; others learn only that it was not found.
    pub async fn visible(&self, tx: &mut Tx, caller: &Caller, id: Uuid, lock: bool) -> Result<Report, Error> {
        let report = if lock {
            store::reports::get_for_update(tx, id).await?
        } else {
            store::reports::get(tx, id).await?
        };
        let not_found = || Error::NotFound(format!("Không tìm thấy báo cáo {id}"));
        let report = report.ok_or_else(not_found)?;
        if !self.may_see(caller, &report) {
            return Err(not_found());
        }
        Ok(report)
    }

    /// A report the caller may see, read outside any write (for checks made
    /// before calling other services).
    pub async fn peek(&self, caller: &Caller, id: Uuid) -> Result<Report, Error> {
        let report = self
            .ctx
            .db
            .read(async |tx| self.visible(tx, caller, id, false).await)
            .await?;
        Ok(report)
    }

    /// Refuses unless the caller works in the report's office with one of
    /// `roles`.
    pub fn ensure_act(&self, caller: &Caller, report: &Report, roles: &[Role]) -> Result<(), Error> {
        caller.ensure_act(&self.snapshot().tree, report.office_id, self.today())?;
        caller.require_any_role(roles)
    }

    /// The report on the wire, with its history.
    pub async fn answer(&self, tx: &mut Tx, report: &Report) -> Result<wire::Report, Error> {
        let events = store::reports::events(tx, report.id).await?;
        let answer = convert::report_to_wire(self, report, &events);
        paging::ensure_fits(&answer, "Báo cáo")?;
        Ok(answer)
    }

    /// Answers with `report` as `tx` sees it, then commits `tx`.
    pub async fn answer_and_commit(&self, mut tx: Tx, report: &Report) -> Result<wire::Report, Error> {
        let answer = self.answer(&mut tx, report).await?;
        tx.commit().await?;
        Ok(answer)
    }

    /// Writes a changed report with its history line and audit record.
    pub async fn save(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        before: Option<&Report>,
        after: &Report,
        action: &'static str,
        note: &str,
    ) -> Result<(), Error> {
        let now = after.updated_at;
        if before.is_some() {
            store::reports::update(tx, after).await?;
        } else {
            store::reports::insert(tx, after).await?;
        }
        store::reports::add_event(
            tx,
            after.id,
            &Event {
                at: now,
                actor_id: caller.subject_id,
                actor_name: caller.name.clone(),
                action: action.to_string(),
                note: note.to_string(),
            },
        )
        .await?;
        vanphong_platform::audit::record(
            tx,
            caller,
            now,
            Change::new(after.office_id, "report", after.id, action)
                .before(before.map(Report::audit_json))
                .after(after.audit_json()),
        )
        .await?;
        Ok(())
    }
}

/// Every service of the reporting service, sharing one state.
pub async fn services(ctx: ServiceContext) -> Result<GrpcServices, Error> {
    let sources = Sources::from_settings(&ctx.settings);
    let people = People::new(vanphong_platform::grpc_client::channel(
        "directory",
        &ctx.settings.directory_url,
    ));
    let shared = Arc::new(Shared { ctx, sources, people });
    Ok(GrpcServices::new()
        .with_service(HandoverServiceServer::new(HandoverApi::started(
            shared.ctx.clone(),
            Arc::new(handover::Reports(shared.clone())),
        )))
        .with_service(ReportServiceServer::new(reports::ReportApi(shared.clone())))
        .with_service(ApprovalServiceServer::new(approval::ApprovalApi(shared.clone())))
        .with_service(PeriodServiceServer::new(periods::PeriodApi(shared.clone())))
        .with_service(ExportServiceServer::new(exports::ExportApi(shared.clone())))
        .with_service(NotificationServiceServer::new(NoticesApi::new(shared.clone())))
        .with_service(AuditServiceServer::new(AuditApi::new(Arc::new(shared.ctx.clone())))))
}
