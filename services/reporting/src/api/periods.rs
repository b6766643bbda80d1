//! `PeriodService`: the periods of each kind with their deadlines, one
//! period checked, completeness, and the reporting rules.

use std::sync::Arc;

use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::tree::OfficeKind;
use vanphong_platform::validate::Checker;
use vanphong_proto::reporting::v1 as wire;
use vanphong_proto::reporting::v1::period_service_server::PeriodService;

use super::Shared;
use super::checks::{self, period_fields};
use super::convert::{period_to_wire, policy_to_wire, weekday_from_wire};
use crate::domain::period::{Kind, Period, YEARS};
use crate::domain::policy::{MAX_WORKING_DAYS, Policy};
use crate::store;

/// The `PeriodService` handlers.
pub struct PeriodApi(pub(crate) Arc<Shared>);

impl Shared {
    /// The office whose deadlines are asked for (the caller's by default),
    /// checked to exist, and its level.
    pub(crate) fn office_kind(&self, office: Uuid) -> Result<OfficeKind, Error> {
        self.snapshot()
            .tree
            .get(office)
            .map(|o| o.kind)
            .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {office}")))
    }
}

impl PeriodApi {
    async fn list(&self, request: Request<wire::ListPeriodsRequest>) -> Result<wire::ListPeriodsResponse, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let kind = c.wire("kind", req.kind, Kind::Monthly);
        if kind == Kind::AdHoc {
            c.violation("kind", "NOT_PERIODIC", "Báo cáo đột xuất không có kỳ cố định");
        }
        if !YEARS.contains(&req.year) {
            c.violation("year", "OUT_OF_RANGE", "Năm phải trong khoảng 1990–2199");
        }
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        c.finish()?;
        let office_kind = s.office_kind(office)?;
        let policy = store::policy::get(&s.ctx.db).await?;
        Ok(wire::ListPeriodsResponse {
            periods: Period::all_in_year(kind, req.year, policy.week_start)
                .iter()
                .map(|p| {
                    let deadline = policy.deadline(&s.ctx.calendar, office_kind, p.to);
                    period_to_wire(p, Some((office, deadline)))
                })
                .collect(),
        })
    }

    async fn get(&self, request: Request<wire::GetPeriodRequest>) -> Result<wire::Period, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let policy = store::policy::get(&s.ctx.db).await?;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let period = if req.on.trim().is_empty() {
            checks::period(&mut c, &period_fields!(req), &policy)
        } else {
            let kind = c.wire("kind", req.kind, Kind::Monthly);
            let on = c.date("on", &req.on);
            if req.year != 0 || req.number != 0 || !req.from.is_empty() || !req.to.is_empty() {
                c.violation(
                    "on",
                    "CONFLICT",
                    "Ghi hoặc ngày cần tra (on), hoặc năm/số kỳ/ngày bắt đầu–kết thúc",
                );
            }
            let found = c
                .is_clean()
                .then(|| Period::containing(kind, on, policy.week_start))
                .flatten();
            if c.is_clean() && found.is_none() {
                c.violation(
                    "on",
                    "NO_PERIOD",
                    format!("Không có kỳ báo cáo {} nào chứa ngày này", kind.label()),
                );
            }
            found
        };
        c.finish()?;
        let period = period.ok_or_else(|| Error::invalid("kind", "INVALID", "Kỳ báo cáo không hợp lệ"))?;
        let office_kind = s.office_kind(office)?;
        let deadline = policy.deadline(&s.ctx.calendar, office_kind, period.to);
        Ok(period_to_wire(&period, Some((office, deadline))))
    }

    async fn write_policy(&self, request: Request<wire::UpdatePolicyRequest>) -> Result<wire::ReportingPolicy, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let Some(given) = req.policy else {
            return Err(Error::invalid("policy", "REQUIRED", "Không được để trống"));
        };
        let week_start = weekday_from_wire(given.week_starts_on).unwrap_or_else(|| {
            c.violation(
                "policy.week_starts_on",
                if given.week_starts_on == 0 {
                    "REQUIRED"
                } else {
                    "UNKNOWN_VALUE"
                },
                "Chọn ngày bắt đầu tuần báo cáo",
            );
            chrono::Weekday::Fri
        });
        let mut deadlines: Vec<(OfficeKind, u32)> = Vec::new();
        for (i, d) in given.deadlines.iter().enumerate() {
            let field = format!("policy.deadlines[{i}]");
            let Some(kind) = OfficeKind::from_wire(d.office_kind) else {
                c.violation(
                    &format!("{field}.office_kind"),
                    "UNKNOWN_VALUE",
                    "Cấp đơn vị không hợp lệ",
                );
                continue;
            };
            let days = u32::try_from(d.working_days).unwrap_or(0);
            if !(1..=MAX_WORKING_DAYS).contains(&days) {
                c.violation(
                    &format!("{field}.working_days"),
                    "OUT_OF_RANGE",
                    format!("Hạn gửi phải từ 1 đến {MAX_WORKING_DAYS} ngày làm việc sau ngày chốt số liệu"),
                );
                continue;
            }
            if deadlines.iter().any(|(k, _)| *k == kind) {
                c.violation(&format!("{field}.office_kind"), "DUPLICATE", "Cấp này được ghi hai lần");
                continue;
            }
            deadlines.push((kind, days));
        }
        c.finish()?;
        caller.require_any_role(&[Role::Admin])?;
        caller.ensure_root_admin(
            &s.snapshot().tree,
            s.today(),
            "Chỉ quản trị của đơn vị cấp cao nhất mới sửa được quy định báo cáo",
        )?;
        let policy = Policy { week_start, deadlines }.complete();
        let now = s.now();
        let mut tx = s.ctx.db.begin_write().await?;
        let before = store::policy::get_in(&mut tx).await?;
        store::policy::put(&mut tx, &policy, now).await?;
        let change = Change::new(caller.office_id, "reporting_policy", "default", "update")
            .before(serde_json::from_str(&before.to_json()).ok())
            .after(serde_json::from_str(&policy.to_json()).ok());
        audit::record(&mut tx, &caller, now, change).await?;
        tx.commit().await?;
        Ok(policy_to_wire(&policy))
    }

    async fn completeness(&self, request: Request<wire::GetCompletenessRequest>) -> Result<wire::Completeness, Error> {
        super::completeness::get(&self.0, request).await
    }

    async fn policy(&self, request: Request<wire::GetPolicyRequest>) -> Result<wire::ReportingPolicy, Error> {
        Caller::of(&request)?;
        let policy = store::policy::get(&self.0.ctx.db).await?;
        Ok(policy_to_wire(&policy))
    }
}

vanphong_platform::grpc_delegate! {
    impl PeriodService for PeriodApi {
        list_periods(wire::ListPeriodsRequest) -> wire::ListPeriodsResponse = Self::list;
        get_period(wire::GetPeriodRequest) -> wire::Period = Self::get;
        get_completeness(wire::GetCompletenessRequest) -> wire::Completeness = Self::completeness;
        get_policy(wire::GetPolicyRequest) -> wire::ReportingPolicy = Self::policy;
        update_policy(wire::UpdatePolicyRequest) -> wire::ReportingPolicy = Self::write_policy;
    }
}
