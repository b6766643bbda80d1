//! What the petitions tests share: clients, a typical letter, and short
//! ways to take it through its first steps.

use tonic::transport::Channel;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::ListAuditRecordsRequest;
use vanphong_proto::petitions::v1::audit_service_client::AuditServiceClient;
use vanphong_proto::petitions::v1::petition_catalog_service_client::PetitionCatalogServiceClient;
use vanphong_proto::petitions::v1::petition_service_client::PetitionServiceClient;
use vanphong_proto::petitions::v1::reception_service_client::ReceptionServiceClient;
use vanphong_proto::petitions::v1::{
    ClassificationOutcome, ClassifyPetitionRequest, CompetentAuthority, CreatePetitionRequest, CreatePetitionResponse,
    CreateReceptionRequest, IntakeChannel, Petition, PetitionKind, Petitioner, Visitor,
};

use crate::helpers::{TestApp, authed};

pub fn petitions(app: &TestApp) -> PetitionServiceClient<Channel> {
    PetitionServiceClient::new(app.channel.clone())
}

pub fn catalog(app: &TestApp) -> PetitionCatalogServiceClient<Channel> {
    PetitionCatalogServiceClient::new(app.channel.clone())
}

pub fn receptions(app: &TestApp) -> ReceptionServiceClient<Channel> {
    ReceptionServiceClient::new(app.channel.clone())
}

pub fn audit(app: &TestApp) -> AuditServiceClient<Channel> {
    AuditServiceClient::new(app.channel.clone())
}

pub fn person(name: &str, id_number: &str) -> Petitioner {
    Petitioner {
        full_name: name.into(),
        id_number: id_number.into(),
        address: "Thôn Đông Lỗ, xã Đông Lỗ, huyện Hiệp Hòa".into(),
        phone: "0912 345 678".into(),
        redacted: false,
    }
}

/// A complaint received by post, signed by one person.
pub fn letter(received_on: &str, content: &str) -> CreatePetitionRequest {
    CreatePetitionRequest {
        channel: IntakeChannel::Mail as i32,
        received_on: received_on.into(),
        kind: PetitionKind::Complaint as i32,
        subject_area_code: "DD".into(),
        content: content.into(),
        accused: "Ủy ban nhân dân xã Đông Lỗ".into(),
        petitioners: vec![person("Nguyễn Văn An", "024085001234")],
        ..Default::default()
    }
}

pub async fn create(app: &TestApp, token: &str, request: CreatePetitionRequest) -> CreatePetitionResponse {
    petitions(app)
        .create_petition(authed(request, token))
        .await
        .expect("petition taken in")
        .into_inner()
}

/// Takes a petition in and returns it.
pub async fn take_in(app: &TestApp, token: &str, request: CreatePetitionRequest) -> Petition {
    create(app, token, request).await.petition.expect("petition")
}

/// Classifies a petition as accepted (thụ lý), with `handler` and the given
/// deadline parameters.
pub async fn accept(
    app: &TestApp,
    token: &str,
    id: &str,
    handler: &str,
    adjust: impl FnOnce(&mut ClassifyPetitionRequest),
) -> Petition {
    let mut request = ClassifyPetitionRequest {
        petition_id: id.into(),
        outcome: ClassificationOutcome::Accept as i32,
        handler_id: handler.into(),
        note: "Đủ điều kiện thụ lý giải quyết".into(),
        ..Default::default()
    };
    adjust(&mut request);
    petitions(app)
        .classify_petition(authed(request, token))
        .await
        .expect("accepted")
        .into_inner()
}

/// Classifies a petition for consideration (xem xét thụ lý, 07) by
/// `handler`.
pub async fn consider(app: &TestApp, token: &str, id: &str, handler: &str) -> Petition {
    petitions(app)
        .classify_petition(authed(
            ClassifyPetitionRequest {
                petition_id: id.into(),
                outcome: ClassificationOutcome::Consider as i32,
                handler_id: handler.into(),
                competent_authority: CompetentAuthority::Administrative as i32,
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("considered")
        .into_inner()
}

/// The actions of a petition's audit records, read by `office`'s admin.
pub async fn audit_actions(app: &TestApp, office: &str, petition: &str) -> Vec<String> {
    let admin = app.token(office, Role::Admin).await;
    audit(app)
        .list_audit_records(authed(
            ListAuditRecordsRequest {
                office_id: app.office_id(office),
                entity: "petition".into(),
                entity_id: petition.into(),
                page_size: 500,
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("audit")
        .into_inner()
        .records
        .into_iter()
        .map(|r| r.action)
        .collect()
}

/// A citizen received, from Hoàng Vân.
pub fn visitor(name: &str) -> Visitor {
    Visitor {
        full_name: name.into(),
        address: "Xã Hoàng Vân".into(),
        ..Default::default()
    }
}

/// Records a reception of `people` by `receiver` on `on`; its id.
pub async fn reception(app: &TestApp, token: &str, receiver: &str, on: &str, people: &[&str]) -> String {
    receptions(app)
        .create_reception(authed(
            CreateReceptionRequest {
                received_on: on.into(),
                receiver_id: receiver.into(),
                visitors: people.iter().map(|n| visitor(n)).collect(),
                content: "Công dân phản ánh việc bồi thường giải phóng mặt bằng".into(),
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("reception")
        .into_inner()
        .id
}

/// The office's petition officer and leader tokens and the specialist's id.
pub struct Office {
    pub clerk: String,
    pub officer: String,
    pub leader: String,
    pub specialist: String,
    pub specialist_id: String,
}

pub async fn office(app: &TestApp, slug: &str) -> Office {
    Office {
        clerk: app.token(slug, Role::Clerk).await,
        officer: app.token(slug, Role::PetitionOfficer).await,
        leader: app.token(slug, Role::Leader).await,
        specialist: app.token(slug, Role::Specialist).await,
        specialist_id: app.user_id(slug, Role::Specialist).await,
    }
}
