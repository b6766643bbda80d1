//! Demo documents: what each district office received from the province
//! and from state bodies over the last months, at every step of handling.

use chrono::{Duration, NaiveDate};
use tonic::transport::Channel;

use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::WhoAmIRequest;
use vanphong_proto::directory::v1::auth_service_client::AuthServiceClient;
use vanphong_proto::documents::v1::incoming_service_client::IncomingServiceClient;
use vanphong_proto::documents::v1::{
    AddProgressRequest, CompleteRequest, DirectRequest, RegisterIncomingRequest, SubmitToLeaderRequest,
};

use super::{DemoError, DemoReport, authorized, call_error, sign_in};

/// An incoming document of the demo and how far its handling went.
struct Arrival {
    type_code: &'static str,
    number: i64,
    symbol: &'static str,
    issuer_name: &'static str,
    issuer_code: &'static str,
    signer: &'static str,
    subject: &'static str,
    /// Days before today it was issued.
    age_days: i64,
    /// Days after issue it is due, if it asks for an answer.
    due_after: Option<i64>,
    /// 0 registered, 1 submitted, 2 directed, 3 in progress, 4 done.
    progress: u8,
}

const ARRIVALS: &[Arrival] = &[
    Arrival {
        type_code: "NQ",
        number: 15,
        symbol: "NQ/TU",
        issuer_name: "Tỉnh ủy Bắc Giang",
        issuer_code: "TU",
        signer: "Lê Văn Thành",
        subject: "Về đẩy mạnh chuyển đổi số trong cơ quan Đảng giai đoạn 2026–2030",
        age_days: 75,
        due_after: None,
        progress: 4,
    },
    Arrival {
        type_code: "KH",
        number: 42,
        symbol: "KH/TU",
        issuer_name: "Tỉnh ủy Bắc Giang",
        issuer_code: "TU",
        signer: "Lê Văn Thành",
        subject: "Tổng kết công tác năm 2026 và phương hướng nhiệm vụ năm 2027",
        age_days: 40,
        due_after: Some(45),
        progress: 3,
    },
    Arrival {
        type_code: "CV",
        number: 318,
        symbol: "UBND-VP",
        issuer_name: "Ủy ban nhân dân tỉnh Bắc Giang",
        issuer_code: "UBND",
        signer: "Nguyễn Văn Sơn",
        subject: "Về việc báo cáo tình hình giải ngân vốn đầu tư công quý III",
        age_days: 30,
        due_after: Some(20),
        progress: 2,
    },
    Arrival {
        type_code: "HD",
        number: 7,
        symbol: "HD/BTCTU",
        issuer_name: "Ban Tổ chức Tỉnh ủy",
        issuer_code: "BTCTU",
        signer: "Trần Minh Đức",
        subject: "Kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm 2026",
        age_days: 12,
        due_after: Some(30),
        progress: 1,
    },
    Arrival {
        type_code: "GM",
        number: 95,
        symbol: "GM/TU",
        issuer_name: "Tỉnh ủy Bắc Giang",
        issuer_code: "TU",
        signer: "Lê Văn Thành",
        subject: "Dự hội nghị sơ kết công tác kiểm tra, giám sát",
        age_days: 3,
        due_after: None,
        progress: 0,
    },
];

async fn who(channel: &Channel, token: &str) -> Result<String, DemoError> {
    Ok(AuthServiceClient::new(channel.clone())
        .who_am_i(authorized(WhoAmIRequest {}, token))
        .await
        .map_err(call_error("who am i"))?
        .into_inner()
        .subject_id)
}

/// Registers and moves the demo documents of each district office.
pub async fn load(channel: &Channel, report: &DemoReport, today: NaiveDate) -> Result<(), DemoError> {
    let mut incoming = IncomingServiceClient::new(channel.clone());
    for slug in ["hiephoa", "vietyen", "yendung"] {
        let name = |role| report.username(slug, role).unwrap_or_default().to_string();
        let clerk = sign_in(channel, &name(Role::Clerk)).await?;
        let leader = sign_in(channel, &name(Role::Leader)).await?;
        let specialist = sign_in(channel, &name(Role::Specialist)).await?;
        let leader_id = who(channel, &leader).await?;
        let specialist_id = who(channel, &specialist).await?;
        for a in ARRIVALS {
            let issued = today - Duration::days(a.age_days);
            let document = incoming
                .register_incoming(authorized(
                    RegisterIncomingRequest {
                        request_id: format!("demo-in-{slug}-{}-{}", a.symbol, a.number),
                        type_code: a.type_code.into(),
                        subject: a.subject.into(),
                        number: a.number,
                        symbol: a.symbol.into(),
                        issued_on: issued.format("%Y-%m-%d").to_string(),
                        issuer_name: a.issuer_name.into(),
                        issuer_code: a.issuer_code.into(),
                        signer_name: a.signer.into(),
                        pages: 3,
                        due_on: a
                            .due_after
                            .map(|d| (issued + Duration::days(d)).format("%Y-%m-%d").to_string())
                            .unwrap_or_default(),
                        ..Default::default()
                    },
                    &clerk,
                ))
                .await
                .map_err(call_error(format!("register {}", a.subject)))?
                .into_inner();
            let id = document.id;
            if a.progress >= 1 {
                incoming
                    .submit_to_leader(authorized(
                        SubmitToLeaderRequest {
                            document_id: id.clone(),
                            leader_id: leader_id.clone(),
                            note: "Kính trình đồng chí cho ý kiến chỉ đạo".into(),
                        },
                        &clerk,
                    ))
                    .await
                    .map_err(call_error("submit"))?;
            }
            if a.progress >= 2 {
                incoming
                    .direct(authorized(
                        DirectRequest {
                            document_id: id.clone(),
                            lead_handler_id: specialist_id.clone(),
                            deadline: document.due_on.clone(),
                            note: "Giao chuyên viên chủ trì tham mưu, báo cáo kết quả".into(),
                            ..Default::default()
                        },
                        &leader,
                    ))
                    .await
                    .map_err(call_error("direct"))?;
            }
            if a.progress >= 3 {
                incoming
                    .add_progress(authorized(
                        AddProgressRequest {
                            document_id: id.clone(),
                            note: "Đã xây dựng dự thảo, đang lấy ý kiến các ban".into(),
                        },
                        &specialist,
                    ))
                    .await
                    .map_err(call_error("progress"))?;
            }
            if a.progress >= 4 {
                incoming
                    .complete(authorized(
                        CompleteRequest {
                            document_id: id.clone(),
                            note: "Đã triển khai thực hiện".into(),
                            ..Default::default()
                        },
                        &specialist,
                    ))
                    .await
                    .map_err(call_error("complete"))?;
            }
        }
    }
    Ok(())
}
