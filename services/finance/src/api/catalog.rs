//! `BudgetLineService`: the catalogue of budget lines.

use std::sync::Arc;

use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::audit::{self as trail, Change};
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_proto::finance::v1 as wire;
use vanphong_proto::finance::v1::budget_line_service_server::BudgetLineService;

use super::{Shared, convert};
use crate::domain::budget::OverspendPolicy;
use crate::store;
use crate::store::catalog::LineRow;

pub struct CatalogApi(pub(crate) Arc<Shared>);

fn digits(c: &mut Checker, field: &str, value: &str, len: usize, required: bool) -> String {
    let v = value.trim();
    if v.is_empty() && !required {
        return String::new();
    }
    if v.len() != len || !v.chars().all(|ch| ch.is_ascii_digit()) {
        c.violation(
            field,
            "INVALID_FORMAT",
            format!("Phải gồm đúng {len} chữ số (nhận được «{v}»)"),
        );
    }
    v.to_string()
}

fn line_json(l: &LineRow) -> serde_json::Value {
    serde_json::json!({
        "code": l.code, "item_code": l.item_code, "name": l.name, "chapter": l.chapter,
        "type_code": l.type_code, "clause_code": l.clause_code, "overspend": l.overspend, "active": l.active,
    })
}

impl CatalogApi {
    async fn list(
        &self,
        request: Request<wire::ListBudgetLinesRequest>,
    ) -> Result<wire::ListBudgetLinesResponse, Error> {
        // Any signed-in person may read the catalogue.
        Caller::of(&request)?;
        let lines = store::catalog::list(&self.0.ctx.db, request.get_ref().include_inactive).await?;
        Ok(wire::ListBudgetLinesResponse {
            lines: lines.iter().map(convert::line).collect::<Result<_, _>>()?,
        })
    }

    async fn upsert(&self, request: Request<wire::UpsertBudgetLineRequest>) -> Result<wire::BudgetLine, Error> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        let l = request.into_inner().line.unwrap_or_default();
        let mut c = Checker::new();
        let code = digits(&mut c, "line.code", &l.code, 4, true);
        let item_code = digits(&mut c, "line.item_code", &l.item_code, 4, true);
        if c.is_clean() && code[..2] != item_code[..2] {
            c.violation(
                "line.item_code",
                "MISMATCH",
                format!("Tiểu mục {code} không thuộc mục {item_code}"),
            );
        }
        let name = c.text("line.name", &l.name, 300);
        let chapter = digits(&mut c, "line.chapter", &l.chapter, 3, false);
        let type_code = digits(&mut c, "line.type_code", &l.type_code, 3, false);
        let clause_code = digits(&mut c, "line.clause_code", &l.clause_code, 3, false);
        let overspend = OverspendPolicy::from_wire_or(l.overspend, OverspendPolicy::Refuse).unwrap_or_else(|_| {
            c.violation("line.overspend", "UNKNOWN_VALUE", "Chính sách chi vượt không hợp lệ");
            OverspendPolicy::Refuse
        });
        c.finish()?;
        let today = s.today();
        caller.ensure_root_admin(
            &s.snapshot().tree,
            today,
            "Danh mục mục lục ngân sách dùng chung toàn hệ thống; chỉ quản trị của đơn vị cấp cao nhất được sửa",
        )?;
        let updated = LineRow {
            code,
            item_code,
            name,
            chapter,
            type_code,
            clause_code,
            overspend: overspend.code().to_string(),
            active: l.active,
        };
        let now = s.now();
        let mut tx = s.ctx.db.begin_write().await?;
        let before = store::catalog::get(&mut tx, &updated.code).await?;
        store::catalog::upsert(&mut tx, &updated).await?;
        let change = Change::saved(
            caller.office_id,
            "budget_line",
            &updated.code,
            before.as_ref().map(line_json),
            line_json(&updated),
        );
        trail::record(&mut tx, &caller, now, change).await?;
        tx.commit().await?;
        Ok(convert::line(&updated)?)
    }
}

vanphong_platform::grpc_delegate! {
    impl BudgetLineService for CatalogApi {
        list_budget_lines(wire::ListBudgetLinesRequest) -> wire::ListBudgetLinesResponse = Self::list;
        upsert_budget_line(wire::UpsertBudgetLineRequest) -> wire::BudgetLine = Self::upsert;
    }
}
