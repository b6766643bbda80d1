//! The tree's history as 2025 left it (docs/domain.md §1): before 1 July
//! 2025 the province had Huyện ủy Lục Nam with its communes; from that day
//! the district committee ended and two of its communes were merged into a
//! new commune committee answering directly to the province. The directory
//! shows both trees ("as of 30/06/2025" and today); the services applied
//! the handovers by themselves.

use tonic::transport::Channel;

use vanphong_platform::tree::{Numbering, OfficeKind};
use vanphong_proto::directory::v1::office_service_client::OfficeServiceClient;
use vanphong_proto::directory::v1::{CreateOfficeRequest, DissolveOfficeRequest, MergeOfficesRequest};

use super::{DemoError, DemoReport, authorized, call_error};

/// The day the two-tier local government began.
const REORGANISED_ON: &str = "2025-07-01";

/// An office of the old or new tree: code, name, kind, issuer code.
type Plan = (&'static str, &'static str, OfficeKind, &'static str);

const DISTRICT: Plan = ("HU-LN", "Huyện ủy Lục Nam", OfficeKind::District, "HU");
const OLD_COMMUNES: [Plan; 2] = [
    ("DU-LM", "Đảng ủy xã Lan Mẫu", OfficeKind::Commune, "ĐU"),
    ("DU-KL", "Đảng ủy xã Khám Lạng", OfficeKind::Commune, "ĐU"),
];
const NEW_COMMUNE: Plan = ("DU-LNM", "Đảng ủy xã Lục Nam", OfficeKind::Commune, "ĐU");

async fn create(
    offices: &mut OfficeServiceClient<Channel>,
    token: &str,
    (code, name, kind, issuer): Plan,
    parent_id: &str,
    established_on: &str,
) -> Result<String, DemoError> {
    Ok(offices
        .create_office(authorized(
            CreateOfficeRequest {
                request_id: format!("demo-office-{code}"),
                code: code.into(),
                name: name.into(),
                kind: kind.to_wire(),
                issuer_code: issuer.into(),
                numbering: Numbering::Party.to_wire(),
                parent_id: parent_id.into(),
                established_on: established_on.into(),
            },
            token,
        ))
        .await
        .map_err(call_error(format!("create office {name}")))?
        .into_inner()
        .id)
}

/// Builds the old district with its communes, the new commune, and the
/// reorganisation of 1 July 2025, as the province's admin `token`.
pub async fn load(channel: &Channel, token: &str, report: &DemoReport) -> Result<(), DemoError> {
    let province = report.office("tu").map(|o| o.id.clone()).unwrap_or_default();
    let mut offices = OfficeServiceClient::new(channel.clone());
    let district = create(&mut offices, token, DISTRICT, &province, "2010-01-01").await?;
    let mut old = Vec::new();
    for commune in OLD_COMMUNES {
        old.push(create(&mut offices, token, commune, &district, "2010-01-01").await?);
    }
    let merged = create(&mut offices, token, NEW_COMMUNE, &province, REORGANISED_ON).await?;
    offices
        .merge_offices(authorized(
            MergeOfficesRequest {
                office_ids: old,
                into_office_id: merged,
                effective_date: REORGANISED_ON.into(),
                reason: "Sắp xếp đơn vị hành chính cấp xã, tổ chức chính quyền địa phương hai cấp".into(),
                move_people: false,
                request_id: "demo-2025-merge-communes".into(),
            },
            token,
        ))
        .await
        .map_err(call_error("merge the communes of 2025"))?;
    offices
        .dissolve_office(authorized(
            DissolveOfficeRequest {
                office_id: district,
                effective_date: REORGANISED_ON.into(),
                successor_id: province,
                reason: "Kết thúc hoạt động của đảng bộ cấp huyện".into(),
                move_people: false,
                request_id: "demo-2025-end-district".into(),
            },
            token,
        ))
        .await
        .map_err(call_error("end the district committee of 2025"))?;
    Ok(())
}
