//! The audit RPCs every service offers (`ListAuditRecords`, `VerifyAudit`,
//! `ExportAuditRecords`), implemented once: [`AuditApi`] implements every
//! service's generated `AuditService` over an [`AuditHost`]; a service keeps
//! only what really differs, its [`StoredState`] and, where some readers
//! must not see all of a record, its [`AuditLens`].
//!
//! Admins and inspectors read and verify the trail of their own office and
//! of the offices below it; nobody else does. What each reader is shown of
//! a record is the service's [`AuditLens`]'s to say.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_proto::common::v1::{
    AuditExportFile, ExportAuditRecordsRequest, ListAuditRecordsRequest, ListAuditRecordsResponse, VerifyAuditRequest,
    VerifyAuditResponse,
};

use crate::Error;
use crate::audit::{self, Change};
use crate::audit_anchor::Anchoring;
use crate::audit_export;
use crate::audit_state::StoredState;
use crate::audit_view::{self, AsStored, AuditLens};
use crate::clock::local_date;
use crate::db::Db;
use crate::directory::DirectorySnapshot;
use crate::host::ServiceContext;
use crate::identity::{Caller, Role};
use crate::paging;
use crate::tree::OfficeTree;
use crate::validate::Checker;

/// Whether the caller may read the trail of `office`: an admin or inspector
/// of the office, of an office above it, or of the office holding its
/// records since it ended (docs/domain.md §1), like every other reader.
pub fn may_audit(caller: &Caller, tree: &OfficeTree, office: Uuid, today: NaiveDate) -> bool {
    let holder = tree.holder_on(office, today);
    let over = |o: Uuid| o == caller.office_id || tree.is_ancestor_on(caller.office_id, o, today);
    (caller.has_role(Role::Admin) || caller.has_role(Role::Inspector)) && (over(office) || over(holder))
}

fn ensure_may_audit(caller: &Caller, tree: &OfficeTree, office: Uuid, today: NaiveDate) -> Result<(), Error> {
    if may_audit(caller, tree, office, today) {
        Ok(())
    } else {
        Err(Error::PermissionDenied(
            "Chỉ quản trị hoặc cán bộ kiểm tra của đơn vị (hoặc cấp trên) mới xem được nhật ký".into(),
        ))
    }
}

/// A page of an office's trail, newest first, each record as `lens` lets
/// the caller see it.
pub async fn list(
    host: &impl AuditHost,
    caller: &Caller,
    req: ListAuditRecordsRequest,
    lens: &impl AuditLens,
) -> Result<ListAuditRecordsResponse, Error> {
    let db = host.db();
    let snapshot = host.tree();
    let tree = &snapshot.tree;
    let today = local_date(host.now());
    let mut c = Checker::new();
    let office = c.id("office_id", &req.office_id);
    let entity = c.optional_text("entity", &req.entity, 64);
    let entity_id = c.optional_text("entity_id", &req.entity_id, 128);
    let page_size = c.page_size("page_size", req.page_size, 50, 500);
    let before = c.page_after_seq("page_token", &req.page_token);
    c.finish()?;
    ensure_may_audit(caller, tree, office, today)?;
    let mut rows = audit::list(
        db,
        office,
        entity.as_deref(),
        entity_id.as_deref(),
        page_size + 1,
        before,
    )
    .await?;
    let more = rows.len() > page_size as usize;
    rows.truncate(page_size as usize);
    let sights = lens.sights(caller, &rows).await?;
    if sights.len() != rows.len() {
        return Err(Error::internal("an audit lens judged a different number of records"));
    }
    let mut records: Vec<_> = rows
        .iter()
        .zip(sights)
        .map(|(r, s)| audit_view::view(r, s))
        .collect::<Result<_, _>>()?;
    let cut = paging::fit(&mut records);
    let next_page_token = if more || cut {
        records.last().map(|r| r.seq.to_string()).unwrap_or_default()
    } else {
        String::new()
    };
    Ok(ListAuditRecordsResponse {
        records,
        next_page_token,
    })
}

/// Verifies one office's chain, or every chain the caller may read, against
/// its signed checkpoints.
pub async fn verify(
    host: &impl AuditHost,
    caller: &Caller,
    req: VerifyAuditRequest,
) -> Result<VerifyAuditResponse, Error> {
    let (db, now) = (host.db(), host.now());
    let snapshot = host.tree();
    let tree = &snapshot.tree;
    let today = local_date(now);
    let mut c = Checker::new();
    let office = c.optional_id("office_id", &req.office_id);
    c.finish()?;
    let offices = match office {
        Some(office) => {
            ensure_may_audit(caller, tree, office, today)?;
            vec![office]
        }
        None => {
            if !(caller.has_role(Role::Admin) || caller.has_role(Role::Inspector)) {
                return Err(Error::PermissionDenied(
                    "Chỉ quản trị hoặc cán bộ kiểm tra mới kiểm tra được nhật ký".into(),
                ));
            }
            audit::chained_offices(db)
                .await?
                .into_iter()
                .filter(|o| may_audit(caller, tree, *o, today))
                .collect()
        }
    };
    Ok(audit::verify(db, &host.anchoring(), host.states(), &offices, now)
        .await?
        .to_wire())
}

/// An auditor's export of one office's records for a period
/// ([`audit_export`]), for those who may list them, each record as `lens`
/// lets the caller see it; the export itself is recorded in the trail.
pub async fn export(
    host: &impl AuditHost,
    caller: &Caller,
    req: ExportAuditRecordsRequest,
    lens: &impl AuditLens,
) -> Result<AuditExportFile, Error> {
    let (db, now, anchoring) = (host.db(), host.now(), &host.anchoring());
    let mut c = Checker::new();
    let office = c.id("office_id", &req.office_id);
    let from = c.date("from", &req.from);
    let to = c.date("to", &req.to);
    if c.is_clean() && from > to {
        c.violation("to", "OUT_OF_RANGE", "Ngày kết thúc không được trước ngày bắt đầu");
    }
    c.finish()?;
    ensure_may_audit(caller, &host.tree().tree, office, local_date(now))?;
    let gathered = audit_export::gather(db, anchoring, host.states(), office, from, to, now).await?;
    let sights = lens.sights(caller, &gathered.records).await?;
    let sealed = audit_export::seal(&gathered, &sights, anchoring, &caller.subject_id.to_string(), now)?;
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut tx,
        caller,
        now,
        Change::new(office, "audit_export", &sealed.file_name, "export").after(serde_json::json!({
            "service": anchoring.chain,
            "from": req.from,
            "to": req.to,
            "records": gathered.records.len(),
            "first_seq": gathered.records.first().map(|r| r.seq),
            "last_seq": gathered.records.last().map(|r| r.seq),
            "sha256": sealed.sha256,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(AuditExportFile {
        file_name: sealed.file_name,
        content_type: audit_export::CONTENT_TYPE.into(),
        content: sealed.content,
    })
}

/// What the audit RPCs need of the server that hosts them: its database,
/// its chain and signing key, its entities as their records describe them,
/// the office tree and the time. Every backend's [`ServiceContext`]
/// provides it; the directory provides its own.
pub trait AuditHost: Send + Sync + 'static {
    /// The database holding the trail.
    fn db(&self) -> &Db;
    /// The chain name and the key signing its checkpoints.
    fn anchoring(&self) -> Anchoring;
    /// The entities checked against their latest record.
    fn states(&self) -> &dyn StoredState;
    /// The office tree as of now.
    fn tree(&self) -> Arc<DirectorySnapshot>;
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

impl AuditHost for ServiceContext {
    fn db(&self) -> &Db {
        &self.db
    }

    fn anchoring(&self) -> Anchoring {
        self.anchoring.clone()
    }

    fn states(&self) -> &dyn StoredState {
        self.audit_states
    }

    fn tree(&self) -> Arc<DirectorySnapshot> {
        self.directory.current()
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// The `AuditService` of every server, written once: `host` gives the trail,
/// `lens` what each reader sees of it ([`AsStored`] unless a service hides
/// something). Each service's generated `AuditService` trait is implemented
/// for it below, so a service registers `AuditServiceServer::new(AuditApi::new(..))`.
pub struct AuditApi<H, L = AsStored> {
    host: Arc<H>,
    lens: Arc<L>,
}

impl<H: AuditHost> AuditApi<H, AsStored> {
    /// The audit RPCs of a server whose records every audit reader sees
    /// whole.
    pub fn new(host: Arc<H>) -> Self {
        Self::with_lens(host, Arc::new(AsStored))
    }
}

impl<H: AuditHost, L: AuditLens + Send + 'static> AuditApi<H, L> {
    /// The audit RPCs of a server whose `lens` hides parts of some records.
    pub fn with_lens(host: Arc<H>, lens: Arc<L>) -> Self {
        Self { host, lens }
    }
}

/// One audit RPC for its verified caller: the answer, or the refusal as a
/// gRPC status.
async fn serve<Req, Res, F>(
    request: tonic::Request<Req>,
    call: impl FnOnce(Caller, Req) -> F,
) -> Result<tonic::Response<Res>, tonic::Status>
where
    F: Future<Output = Result<Res, Error>>,
{
    let caller = Caller::of(&request)?;
    Ok(tonic::Response::new(call(caller, request.into_inner()).await?))
}

/// Implements each named generated `AuditService` trait (one per proto
/// package, identical but for the package) for [`AuditApi`].
macro_rules! audit_services {
    ($($service:path),+ $(,)?) => {$(
        #[tonic::async_trait]
        impl<H: AuditHost, L: AuditLens + Send + 'static> $service for AuditApi<H, L> {
            async fn list_audit_records(
                &self,
                request: tonic::Request<ListAuditRecordsRequest>,
            ) -> Result<tonic::Response<ListAuditRecordsResponse>, tonic::Status> {
                let (host, lens) = (self.host.as_ref(), self.lens.as_ref());
                serve(request, |caller, req| async move { list(host, &caller, req, lens).await }).await
            }

            async fn verify_audit(
                &self,
                request: tonic::Request<VerifyAuditRequest>,
            ) -> Result<tonic::Response<VerifyAuditResponse>, tonic::Status> {
                let host = self.host.as_ref();
                serve(request, |caller, req| async move { verify(host, &caller, req).await }).await
            }

            async fn export_audit_records(
                &self,
                request: tonic::Request<ExportAuditRecordsRequest>,
            ) -> Result<tonic::Response<AuditExportFile>, tonic::Status> {
                let (host, lens) = (self.host.as_ref(), self.lens.as_ref());
                serve(request, |caller, req| async move { export(host, &caller, req, lens).await }).await
            }
        }
    )+};
}

/// The `AuditService` of the directory and of every service in the suite's
/// list (each `vanphong.<name>.v1` package declares its own), so that a new
/// service's audit RPCs come with its line in the list.
macro_rules! suite_audit_services {
    ($($name:ident: $krate:ident::$backend:ident, $port:literal, $key:ident = $env:literal;)*) => {
        audit_services!(
            vanphong_proto::directory::v1::audit_service_server::AuditService,
            $(vanphong_proto::$name::v1::audit_service_server::AuditService,)*
        );
    };
}

crate::suite_services!(suite_audit_services);
