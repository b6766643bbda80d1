//! `PetitionCatalogService`: subject areas, the deadline table and the
//! policy. Everyone signed in reads them; only the admins of the root office
//! change them (they are shared by the whole deployment), each change
//! audited.

use std::sync::Arc;

use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::identity::Caller;
use vanphong_platform::tree::OfficeKind;
use vanphong_platform::validate::Checker;
use vanphong_proto::petitions::v1 as wire;
use vanphong_proto::petitions::v1::petition_catalog_service_server::PetitionCatalogService;

use super::Shared;
use crate::domain::deadline::{DeadlineRule, MAX_RULE_DAYS, RuleKey};
use crate::domain::kinds::{AnonymousRule, Complexity, Counting, Kind, Resolution};
use crate::domain::policy::Policy;
use crate::store;
use crate::store::catalog::Area;

/// The catalogue and rules service.
pub struct CatalogApi(pub(crate) Arc<Shared>);

fn rule_to_wire(r: &DeadlineRule) -> wire::DeadlineRule {
    wire::DeadlineRule {
        kind: r.key.kind.to_wire(),
        resolution: r.key.resolution.to_wire(),
        complexity: r.key.complexity.to_wire(),
        remote: r.key.remote,
        days: i32::try_from(r.days).unwrap_or(i32::MAX),
        counting: r.counting.to_wire(),
        max_extensions: i32::try_from(r.max_extensions).unwrap_or(i32::MAX),
        max_extension_days: i32::try_from(r.max_extension_days).unwrap_or(i32::MAX),
        source: r.source.clone(),
    }
}

fn rule_json(r: &DeadlineRule) -> serde_json::Value {
    serde_json::json!({
        "kind": r.key.kind.code(),
        "resolution": r.key.resolution.code(),
        "complexity": r.key.complexity.code(),
        "remote": r.key.remote,
        "days": r.days,
        "counting": r.counting.code(),
        "max_extensions": r.max_extensions,
        "max_extension_days": r.max_extension_days,
        "source": r.source,
    })
}

fn policy_to_wire(p: &Policy) -> wire::PetitionPolicy {
    wire::PetitionPolicy {
        classification_days: i32::try_from(p.classification_days).unwrap_or(i32::MAX),
        classification_counting: p.classification_counting().to_wire(),
        anonymous_rule: p.anonymous_rule().to_wire(),
        anonymous_reason: p.anonymous_reason.clone(),
        due_soon_days: i32::try_from(p.due_soon_days).unwrap_or(i32::MAX),
        long_running_days: i32::try_from(p.long_running_days).unwrap_or(i32::MAX),
        reception_duty: p
            .reception_duty
            .iter()
            .filter_map(|(kind, days)| {
                Some(wire::ReceptionDutyRule {
                    office_kind: OfficeKind::from_code(kind)?.to_wire(),
                    min_days_per_month: i32::try_from(*days).unwrap_or(i32::MAX),
                })
            })
            .collect(),
    }
}

/// A count of days in 0..=max, else a violation.
fn days(c: &mut Checker, field: &str, value: i32, min: i32, max: u32) -> u32 {
    match u32::try_from(value) {
        Ok(v) if value >= min && v <= max => v,
        _ => {
            c.violation(field, "OUT_OF_RANGE", format!("Phải từ {min} đến {max}"));
            0
        }
    }
}

impl CatalogApi {
    /// Only the admins of the root office change what the whole deployment
    /// shares.
    fn ensure_root_admin(&self, caller: &Caller) -> Result<(), Error> {
        let s = &self.0;
        caller.ensure_root_admin(
            &s.snapshot().tree,
            s.today(),
            "Danh mục và quy định về đơn thư dùng chung toàn hệ thống; chỉ quản trị của đơn vị cấp cao nhất được sửa",
        )
    }

    async fn upsert_area(&self, request: Request<wire::UpsertSubjectAreaRequest>) -> Result<wire::SubjectArea, Error> {
        let caller = Caller::of(&request)?;
        self.ensure_root_admin(&caller)?;
        let a = request.into_inner().area.unwrap_or_default();
        let mut c = Checker::new();
        let code = c.text("area.code", &a.code, 20);
        if !code.chars().all(char::is_alphanumeric) {
            c.violation("area.code", "INVALID_FORMAT", "Chỉ gồm chữ cái và chữ số");
        }
        let name = c.text("area.name", &a.name, 200);
        c.finish()?;
        let area = Area {
            code,
            name,
            active: a.active,
        };
        let s = &self.0;
        let mut tx = s.ctx.db.begin_write().await?;
        let before = store::catalog::area(&mut tx, &area.code).await?;
        store::catalog::upsert_area(&mut tx, &area).await?;
        let json = |a: &Area| serde_json::json!({"code": a.code, "name": a.name, "active": a.active});
        let change = Change::saved(
            caller.office_id,
            "subject_area",
            &area.code,
            before.as_ref().map(json),
            json(&area),
        );
        audit::record(&mut tx, &caller, s.now(), change).await?;
        tx.commit().await?;
        Ok(wire::SubjectArea {
            code: area.code,
            name: area.name,
            active: area.active,
        })
    }

    async fn upsert_rule(
        &self,
        request: Request<wire::UpsertDeadlineRuleRequest>,
    ) -> Result<wire::DeadlineRule, Error> {
        let caller = Caller::of(&request)?;
        self.ensure_root_admin(&caller)?;
        let r = request.into_inner().rule.unwrap_or_default();
        let mut c = Checker::new();
        let kind = c.wire("rule.kind", r.kind, Kind::Complaint);
        let resolution = Resolution::from_wire_or(r.resolution, Resolution::First).unwrap_or_else(|_| {
            c.violation("rule.resolution", "UNKNOWN_VALUE", "Lần giải quyết không hợp lệ");
            Resolution::First
        });
        let complexity = Complexity::from_wire_or(r.complexity, Complexity::Normal).unwrap_or_else(|_| {
            c.violation("rule.complexity", "UNKNOWN_VALUE", "Mức độ phức tạp không hợp lệ");
            Complexity::Normal
        });
        let period = days(&mut c, "rule.days", r.days, 1, MAX_RULE_DAYS);
        let counting = c.wire("rule.counting", r.counting, Counting::CalendarDays);
        let max_extensions = days(&mut c, "rule.max_extensions", r.max_extensions, 0, 10);
        let max_extension_days = days(
            &mut c,
            "rule.max_extension_days",
            r.max_extension_days,
            0,
            MAX_RULE_DAYS,
        );
        if max_extensions > 0 && max_extension_days == 0 {
            c.violation(
                "rule.max_extension_days",
                "REQUIRED",
                "Quy định được gia hạn thì phải có số ngày gia hạn tối đa",
            );
        }
        let source = c.optional_text("rule.source", &r.source, 300).unwrap_or_default();
        c.finish()?;
        let rule = DeadlineRule {
            key: RuleKey::new(kind, resolution, complexity, r.remote),
            days: period,
            counting,
            max_extensions,
            max_extension_days,
            source,
        };
        let s = &self.0;
        let mut tx = s.ctx.db.begin_write().await?;
        let before = store::catalog::rule(&mut tx, rule.key).await?;
        store::catalog::insert_rule(&mut tx, &rule, true).await?;
        audit::record(
            &mut tx,
            &caller,
            s.now(),
            Change::saved(
                caller.office_id,
                "deadline_rule",
                format!(
                    "{}/{}/{}/{}",
                    kind.code(),
                    resolution.code(),
                    complexity.code(),
                    if r.remote { "remote" } else { "normal" }
                ),
                before.as_ref().map(rule_json),
                rule_json(&rule),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(rule_to_wire(&rule))
    }

    async fn change_policy(&self, request: Request<wire::UpdatePolicyRequest>) -> Result<wire::PetitionPolicy, Error> {
        let caller = Caller::of(&request)?;
        self.ensure_root_admin(&caller)?;
        let p = request.into_inner().policy.unwrap_or_default();
        let mut c = Checker::new();
        let classification_days = days(&mut c, "policy.classification_days", p.classification_days, 1, 365);
        let counting = c.wire(
            "policy.classification_counting",
            p.classification_counting,
            Counting::WorkingDays,
        );
        let anonymous = AnonymousRule::from_wire_or(p.anonymous_rule, AnonymousRule::File).unwrap_or_else(|_| {
            c.violation(
                "policy.anonymous_rule",
                "UNKNOWN_VALUE",
                "Quy tắc đơn nặc danh không hợp lệ",
            );
            AnonymousRule::File
        });
        let reason = c.text("policy.anonymous_reason", &p.anonymous_reason, 1000);
        let due_soon_days = days(&mut c, "policy.due_soon_days", p.due_soon_days, 1, 365);
        let long_running_days = days(&mut c, "policy.long_running_days", p.long_running_days, 1, 3650);
        let mut duty = Vec::new();
        for (i, rule) in p.reception_duty.iter().enumerate() {
            let field = format!("policy.reception_duty[{i}]");
            let kind = c.known_enum(
                &format!("{field}.office_kind"),
                rule.office_kind,
                OfficeKind::from_wire,
                OfficeKind::Other,
            );
            let min = days(
                &mut c,
                &format!("{field}.min_days_per_month"),
                rule.min_days_per_month,
                0,
                31,
            );
            if duty.iter().any(|(k, _): &(String, u32)| k == kind.code()) {
                c.violation(&format!("{field}.office_kind"), "DUPLICATE", "Cấp đơn vị bị lặp");
            }
            duty.push((kind.code().to_string(), min));
        }
        c.finish()?;
        let policy = Policy {
            classification_days,
            classification_counting: counting.code().into(),
            anonymous_rule: anonymous.code().into(),
            anonymous_reason: reason,
            due_soon_days,
            long_running_days,
            reception_duty: duty,
        };
        let s = &self.0;
        let now = s.now();
        let mut tx = s.ctx.db.begin_write().await?;
        let before = store::policy::get(&mut tx).await?;
        store::policy::put(&mut tx, &policy, now).await?;
        let change = Change::new(caller.office_id, "petition_policy", "policy", "update")
            .before(serde_json::to_value(&before).ok())
            .after(serde_json::to_value(&policy).ok());
        audit::record(&mut tx, &caller, now, change).await?;
        tx.commit().await?;
        Ok(policy_to_wire(&policy))
    }

    async fn list_areas(
        &self,
        request: Request<wire::ListSubjectAreasRequest>,
    ) -> Result<wire::ListSubjectAreasResponse, Error> {
        Caller::of(&request)?;
        let areas = store::catalog::areas(&self.0.ctx.db, request.get_ref().include_inactive).await?;
        Ok(wire::ListSubjectAreasResponse {
            areas: areas
                .into_iter()
                .map(|a| wire::SubjectArea {
                    code: a.code,
                    name: a.name,
                    active: a.active,
                })
                .collect(),
        })
    }

    async fn list_rules(
        &self,
        request: Request<wire::ListDeadlineRulesRequest>,
    ) -> Result<wire::ListDeadlineRulesResponse, Error> {
        Caller::of(&request)?;
        let rules = self.0.ctx.db.read(async |tx| store::catalog::rules(tx).await).await?;
        Ok(wire::ListDeadlineRulesResponse {
            rules: rules.iter().map(rule_to_wire).collect(),
        })
    }

    async fn policy(&self, request: Request<wire::GetPolicyRequest>) -> Result<wire::PetitionPolicy, Error> {
        Caller::of(&request)?;
        let policy = self.0.ctx.db.read(async |tx| store::policy::get(tx).await).await?;
        Ok(policy_to_wire(&policy))
    }
}

vanphong_platform::grpc_delegate! {
    impl PetitionCatalogService for CatalogApi {
        list_subject_areas(wire::ListSubjectAreasRequest) -> wire::ListSubjectAreasResponse = Self::list_areas;
        upsert_subject_area(wire::UpsertSubjectAreaRequest) -> wire::SubjectArea = Self::upsert_area;
        list_deadline_rules(wire::ListDeadlineRulesRequest) -> wire::ListDeadlineRulesResponse = Self::list_rules;
        upsert_deadline_rule(wire::UpsertDeadlineRuleRequest) -> wire::DeadlineRule = Self::upsert_rule;
        get_policy(wire::GetPolicyRequest) -> wire::PetitionPolicy = Self::policy;
        update_policy(wire::UpdatePolicyRequest) -> wire::PetitionPolicy = Self::change_policy;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_goes_over_the_wire() {
        let wire = policy_to_wire(&Policy::default());
        assert_eq!(wire.classification_days, 10);
        assert_eq!(wire.reception_duty.len(), 3);
    }
}
