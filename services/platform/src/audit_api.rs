//! The audit RPCs every service offers (`ListAuditRecords`, `VerifyAudit`,
//! `ExportAuditRecords`), implemented once: each service's generated `AuditService` calls these.
//!
//! Admins and inspectors read and verify the trail of their own office and
//! of the offices below it; nobody else does. What each reader is shown of
//! a record is the service's [`AuditLens`]'s to say.

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
use crate::audit_view::{self, AuditLens};
use crate::clock::local_date;
use crate::db::Db;
use crate::host::ServiceContext;
use crate::identity::{Caller, Role};
use crate::paging;
use crate::tree::OfficeTree;
use crate::validate::Checker;

/// Whether the caller may read the trail of `office`.
pub fn may_audit(caller: &Caller, tree: &OfficeTree, office: Uuid, today: NaiveDate) -> bool {
    (caller.has_role(Role::Admin) || caller.has_role(Role::Inspector))
        && (office == caller.office_id || tree.is_ancestor_on(caller.office_id, office, today))
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
    db: &Db,
    caller: &Caller,
    tree: &OfficeTree,
    today: NaiveDate,
    req: ListAuditRecordsRequest,
    lens: &impl AuditLens,
) -> Result<ListAuditRecordsResponse, Error> {
    let mut c = Checker::new();
    let office = c.id("office_id", &req.office_id);
    let entity = c.optional_text("entity", &req.entity, 64);
    let entity_id = c.optional_text("entity_id", &req.entity_id, 128);
    let page_size = c.page_size("page_size", req.page_size, 50, 500);
    let before = if req.page_token.is_empty() {
        None
    } else {
        match req.page_token.parse::<i64>() {
            Ok(seq) if seq > 0 => Some(seq),
            _ => {
                c.violation("page_token", "INVALID_FORMAT", "Mã trang không hợp lệ");
                None
            }
        }
    };
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
    db: &Db,
    anchoring: &Anchoring,
    states: &dyn StoredState,
    caller: &Caller,
    tree: &OfficeTree,
    now: DateTime<Utc>,
    req: VerifyAuditRequest,
) -> Result<VerifyAuditResponse, Error> {
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
    Ok(audit::verify(db, anchoring, states, &offices, now).await?.to_wire())
}

/// An auditor's export of one office's records for a period
/// ([`audit_export`]), for those who may list them, each record as `lens`
/// lets the caller see it; the export itself is recorded in the trail.
#[allow(clippy::too_many_arguments)]
pub async fn export(
    db: &Db,
    anchoring: &Anchoring,
    states: &dyn StoredState,
    caller: &Caller,
    tree: &OfficeTree,
    now: DateTime<Utc>,
    req: ExportAuditRecordsRequest,
    lens: &impl AuditLens,
) -> Result<AuditExportFile, Error> {
    let mut c = Checker::new();
    let office = c.id("office_id", &req.office_id);
    let from = c.date("from", &req.from);
    let to = c.date("to", &req.to);
    if c.is_clean() && from > to {
        c.violation("to", "OUT_OF_RANGE", "Ngày kết thúc không được trước ngày bắt đầu");
    }
    c.finish()?;
    ensure_may_audit(caller, tree, office, local_date(now))?;
    let gathered = audit_export::gather(db, anchoring, states, office, from, to, now).await?;
    let sights = lens.sights(caller, &gathered.records).await?;
    let sealed = audit_export::seal(&gathered, &sights, anchoring, &caller.subject_id.to_string(), now)?;
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut tx,
        caller,
        now,
        Change {
            office_id: office,
            entity: "audit_export",
            entity_id: sealed.file_name.clone(),
            action: "export",
            before: None,
            after: Some(serde_json::json!({
                "service": anchoring.chain,
                "from": req.from,
                "to": req.to,
                "records": gathered.records.len(),
                "first_seq": gathered.records.first().map(|r| r.seq),
                "last_seq": gathered.records.last().map(|r| r.seq),
                "sha256": sealed.sha256,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(AuditExportFile {
        file_name: sealed.file_name,
        content_type: audit_export::CONTENT_TYPE.into(),
        content: sealed.content,
    })
}

/// A backend service's `ListAuditRecords`, as its generated `AuditService`
/// calls it.
pub async fn serve_list(
    ctx: &ServiceContext,
    request: tonic::Request<ListAuditRecordsRequest>,
    lens: &impl AuditLens,
) -> Result<tonic::Response<ListAuditRecordsResponse>, tonic::Status> {
    let caller = Caller::of(&request)?;
    let tree = &ctx.directory.current().tree;
    let answer = list(&ctx.db, &caller, tree, ctx.today(), request.into_inner(), lens).await?;
    Ok(tonic::Response::new(answer))
}

/// A backend service's `VerifyAudit`.
pub async fn serve_verify(
    ctx: &ServiceContext,
    request: tonic::Request<VerifyAuditRequest>,
) -> Result<tonic::Response<VerifyAuditResponse>, tonic::Status> {
    let caller = Caller::of(&request)?;
    let tree = &ctx.directory.current().tree;
    let answer = verify(
        &ctx.db,
        &ctx.anchoring,
        ctx.audit_states,
        &caller,
        tree,
        ctx.clock.now(),
        request.into_inner(),
    )
    .await?;
    Ok(tonic::Response::new(answer))
}

/// A backend service's `ExportAuditRecords`.
pub async fn serve_export(
    ctx: &ServiceContext,
    request: tonic::Request<ExportAuditRecordsRequest>,
    lens: &impl AuditLens,
) -> Result<tonic::Response<AuditExportFile>, tonic::Status> {
    let caller = Caller::of(&request)?;
    let tree = &ctx.directory.current().tree;
    let answer = export(
        &ctx.db,
        &ctx.anchoring,
        ctx.audit_states,
        &caller,
        tree,
        ctx.clock.now(),
        request.into_inner(),
        lens,
    )
    .await?;
    Ok(tonic::Response::new(answer))
}
