//! `CatalogService`: the document types.

use std::sync::Arc;

use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::catalog_service_server::CatalogService;
use vanphong_proto::documents::v1::{ListDocumentTypesRequest, ListDocumentTypesResponse, UpsertDocumentTypeRequest};

use super::Shared;
use crate::domain::catalog::DocumentType;
use crate::store;

pub struct CatalogApi(pub(crate) Arc<Shared>);

impl CatalogApi {
    async fn upsert(&self, request: Request<UpsertDocumentTypeRequest>) -> Result<wire::DocumentType, Error> {
        let caller = Caller::of(&request)?;
        let s = &self.0;
        caller.ensure_root_admin(
            &s.snapshot().tree,
            s.today(),
            "Danh mục loại văn bản dùng chung toàn hệ thống; chỉ quản trị của đơn vị cấp cao nhất được sửa",
        )?;
        let t = request.into_inner().r#type.unwrap_or_default();
        let mut c = Checker::new();
        let code = c.text("type.code", &t.code, 10);
        if !code.chars().all(char::is_alphanumeric) {
            c.violation("type.code", "INVALID_FORMAT", "Chỉ gồm chữ cái và chữ số");
        }
        let name = c.text("type.name", &t.name, 100);
        if !t.state && !t.party {
            c.violation(
                "type.state",
                "REQUIRED",
                "Loại văn bản phải dùng cho khối nhà nước, khối Đảng hoặc cả hai",
            );
        }
        c.finish()?;
        let updated = DocumentType {
            code,
            name,
            state: t.state,
            party: t.party,
            active: t.active,
        };
        let now = s.ctx.clock.now();
        let mut tx = s.ctx.db.begin_write().await?;
        let before = store::catalog::get(&mut tx, &updated.code).await?;
        store::catalog::upsert(&mut tx, &updated).await?;
        let json = |t: &DocumentType| serde_json::json!({"code": t.code, "name": t.name, "state": t.state, "party": t.party, "active": t.active});
        let change = Change::saved(
            caller.office_id,
            "document_type",
            &updated.code,
            before.as_ref().map(json),
            json(&updated),
        );
        audit::record(&mut tx, &caller, now, change).await?;
        tx.commit().await?;
        s.refresh_type_names().await?;
        Ok(updated.into())
    }

    async fn list(&self, request: Request<ListDocumentTypesRequest>) -> Result<ListDocumentTypesResponse, Error> {
        Caller::of(&request)?;
        let types = store::catalog::list(&self.0.ctx.db, request.get_ref().include_inactive).await?;
        Ok(ListDocumentTypesResponse {
            types: types.into_iter().map(wire::DocumentType::from).collect(),
        })
    }
}

vanphong_platform::grpc_delegate! {
    impl CatalogService for CatalogApi {
        list_document_types(ListDocumentTypesRequest) -> ListDocumentTypesResponse = Self::list;
        upsert_document_type(UpsertDocumentTypeRequest) -> wire::DocumentType = Self::upsert;
    }
}
