//! The demo: Tỉnh ủy Bắc Giang with three district committees and two
//! commune committees under Hiệp Hòa, one user for each role in each
//! office, and each service's demo data (a module per service). It is
//! loaded through the public gRPC API, as the offices' people would, so it
//! passes every check and leaves an audit trail.

mod documents;
mod finance;
mod history;
mod petitions;
mod reporting;
pub mod signing;

use std::net::SocketAddr;

use chrono::NaiveDate;
use tonic::transport::{Channel, Endpoint};

use vanphong_gateway::directory::bootstrap::RootOffice;
use vanphong_platform::clock::TravelClock;
use vanphong_platform::identity::{Clearance, Role};
use vanphong_platform::tree::{Numbering, OfficeKind};
use vanphong_proto::directory::v1::auth_service_client::AuthServiceClient;
use vanphong_proto::directory::v1::office_service_client::OfficeServiceClient;
use vanphong_proto::directory::v1::user_service_client::UserServiceClient;
use vanphong_proto::directory::v1::{CreateOfficeRequest, CreateUserRequest, SignInRequest, WhoAmIRequest};

/// Password of every demo account (and of `admin` in a demo).
pub const DEMO_PASSWORD: &str = "VanPhong@2026";

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot reach the gateway: {0}")]
    Connect(#[from] tonic::transport::Error),
    #[error("{what}: {status}")]
    Call { what: String, status: tonic::Status },
    /// The demo's certificate authority or keys could not be made.
    #[error("demo signing keys: {0}")]
    Keys(String),
    /// A moment of the demo's story that is not a time.
    #[error("demo moment {0}")]
    Moment(String),
}

/// An office of the demo and who works there.
#[derive(Debug, Clone)]
pub struct DemoOffice {
    pub id: String,
    pub code: &'static str,
    pub name: &'static str,
    /// Prefix of its users' names, e.g. `hiephoa` in `hiephoa.vanthu`.
    pub slug: &'static str,
    pub users: Vec<DemoUser>,
}

#[derive(Debug, Clone)]
pub struct DemoUser {
    /// The directory's id of the user.
    pub id: String,
    pub username: String,
    pub full_name: &'static str,
    pub role: Role,
}

/// What the demo created.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub offices: Vec<DemoOffice>,
    /// The offices of the 2025 reorganisation, as their people stand today
    /// (src/demo/history.rs): the merged commune with the people who moved to
    /// it, and the ended district, whose people are told where it went.
    pub reorganised: Vec<DemoOffice>,
}

impl DemoReport {
    /// The demo user of `role` in the office with `slug`.
    pub fn username(&self, slug: &str, role: Role) -> Option<&str> {
        self.offices
            .iter()
            .find(|o| o.slug == slug)?
            .users
            .iter()
            .find(|u| u.role == role)
            .map(|u| u.username.as_str())
    }

    pub fn office(&self, slug: &str) -> Option<&DemoOffice> {
        self.offices.iter().find(|o| o.slug == slug)
    }
}

fn established() -> NaiveDate {
    NaiveDate::from_ymd_opt(1997, 1, 1).unwrap_or_default()
}

/// The demo's root office.
pub fn root_office() -> RootOffice {
    RootOffice {
        code: "TU-BG".into(),
        name: "Tỉnh ủy Bắc Giang".into(),
        kind: OfficeKind::Province,
        issuer_code: "TU".into(),
        numbering: Numbering::Party,
        established_on: established(),
    }
}

struct OfficePlan {
    code: &'static str,
    name: &'static str,
    slug: &'static str,
    kind: OfficeKind,
    issuer: &'static str,
    /// Slug of the parent; `None` for the root.
    parent: Option<&'static str>,
    /// Full names for the roles, in the order of [`ROLE_SLUGS`].
    people: [&'static str; 7],
}

const ROLE_SLUGS: [(Role, &str); 7] = [
    (Role::Clerk, "vanthu"),
    (Role::Leader, "lanhdao"),
    (Role::Specialist, "chuyenvien"),
    (Role::PetitionOfficer, "tiepdan"),
    (Role::Accountant, "ketoan"),
    (Role::Inspector, "kiemtra"),
    (Role::Admin, "quantri"),
];

const OFFICES: [OfficePlan; 6] = [
    OfficePlan {
        code: "TU-BG",
        name: "Tỉnh ủy Bắc Giang",
        slug: "tu",
        kind: OfficeKind::Province,
        issuer: "TU",
        parent: None,
        people: [
            "Nguyễn Thị Hồng Nhung",
            "Lê Văn Thành",
            "Trần Minh Đức",
            "Phạm Thị Thu Hà",
            "Hoàng Văn Long",
            "Ngô Quang Huy",
            "Đỗ Mạnh Cường",
        ],
    },
    OfficePlan {
        code: "HU-HH",
        name: "Huyện ủy Hiệp Hòa",
        slug: "hiephoa",
        kind: OfficeKind::District,
        issuer: "HU",
        parent: Some("tu"),
        people: [
            "Nguyễn Thị Lan",
            "Dương Văn Hùng",
            "Vũ Thị Mai",
            "Bùi Văn Tuấn",
            "Đặng Thị Hoa",
            "Lưu Văn Bình",
            "Trịnh Quốc Khánh",
        ],
    },
    OfficePlan {
        code: "HU-VY",
        name: "Huyện ủy Việt Yên",
        slug: "vietyen",
        kind: OfficeKind::District,
        issuer: "HU",
        parent: Some("tu"),
        people: [
            "Thân Thị Ngọc",
            "Nguyễn Văn Sơn",
            "Hà Thị Thanh Tâm",
            "Giáp Văn Dũng",
            "Chu Thị Hằng",
            "Lại Văn Phúc",
            "Tạ Minh Quân",
        ],
    },
    OfficePlan {
        code: "HU-YD",
        name: "Huyện ủy Yên Dũng",
        slug: "yendung",
        kind: OfficeKind::District,
        issuer: "HU",
        parent: Some("tu"),
        people: [
            "Phùng Thị Yến",
            "Nguyễn Đình Toàn",
            "Lý Thị Hương",
            "Đào Văn Thắng",
            "Mai Thị Loan",
            "Cao Văn Nam",
            "Kiều Anh Tú",
        ],
    },
    OfficePlan {
        code: "DU-BL",
        name: "Đảng ủy xã Bắc Lý",
        slug: "bacly",
        kind: OfficeKind::Commune,
        issuer: "ĐU",
        parent: Some("hiephoa"),
        people: [
            "Nguyễn Thị Thảo",
            "Ngô Văn Hải",
            "Trần Thị Huyền",
            "Lê Văn Quý",
            "Vũ Thị Nga",
            "Đỗ Văn Lợi",
            "Hoàng Minh Tiến",
        ],
    },
    OfficePlan {
        code: "DU-HV",
        name: "Đảng ủy xã Hoàng Vân",
        slug: "hoangvan",
        kind: OfficeKind::Commune,
        issuer: "ĐU",
        parent: Some("hiephoa"),
        people: [
            "Phạm Thị Duyên",
            "Nguyễn Văn Chiến",
            "Đinh Thị Kim Oanh",
            "Trần Văn Lực",
            "Bùi Thị Liên",
            "Nguyễn Hữu Nghĩa",
            "Lương Văn Kiên",
        ],
    },
];

/// Clearance by level and role: leaders and clerks handle secret mail.
fn clearance(kind: OfficeKind, role: Role) -> Clearance {
    match (kind, role) {
        (OfficeKind::Province, Role::Leader | Role::Admin) => Clearance::TopSecret,
        (OfficeKind::Province, Role::Clerk) | (OfficeKind::District, Role::Leader | Role::Admin) => Clearance::Secret,
        (_, Role::Leader | Role::Clerk | Role::Admin) => Clearance::Confidential,
        _ => Clearance::None,
    }
}

/// Turns a failed call into a [`DemoError`] saying what was being done.
pub(crate) fn call_error(what: impl Into<String>) -> impl FnOnce(tonic::Status) -> DemoError {
    let what = what.into();
    move |status| DemoError::Call { what, status }
}

/// A request carrying a bearer token (for the demo modules of each service).
pub(crate) fn authorized<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Ok(value) = format!("Bearer {token}").parse() {
        request.metadata_mut().insert("authorization", value);
    }
    request
}

/// An access token for a demo user.
pub(crate) async fn sign_in(channel: &Channel, username: &str) -> Result<String, DemoError> {
    sign_in_with(channel, username, DEMO_PASSWORD).await
}

/// An access token for `username` with `password` (the admin's differs).
async fn sign_in_with(channel: &Channel, username: &str, password: &str) -> Result<String, DemoError> {
    Ok(AuthServiceClient::new(channel.clone())
        .sign_in(SignInRequest {
            username: username.into(),
            password: password.into(),
        })
        .await
        .map_err(call_error(format!("sign in as {username}")))?
        .into_inner()
        .access_token)
}

/// The user id behind an access token.
pub(crate) async fn who(channel: &Channel, token: &str) -> Result<String, DemoError> {
    Ok(AuthServiceClient::new(channel.clone())
        .who_am_i(authorized(WhoAmIRequest {}, token))
        .await
        .map_err(call_error("who am i"))?
        .into_inner()
        .subject_id)
}

/// Creates `people` (role and full name) in `office`, each named
/// `<slug>.<role>` (e.g. `hiephoa.vanthu`), as the admin `token`.
async fn add_people(
    users: &mut UserServiceClient<Channel>,
    token: &str,
    office: &mut DemoOffice,
    kind: OfficeKind,
    people: impl IntoIterator<Item = (Role, &'static str)>,
) -> Result<(), DemoError> {
    for (role, full_name) in people {
        let role_slug = ROLE_SLUGS
            .iter()
            .find(|(r, _)| *r == role)
            .map_or("nguoidung", |(_, slug)| *slug);
        let username = format!("{}.{role_slug}", office.slug);
        let created = users
            .create_user(authorized(
                CreateUserRequest {
                    request_id: format!("demo-user-{username}"),
                    username: username.clone(),
                    full_name: full_name.into(),
                    office_id: office.id.clone(),
                    roles: vec![role.to_wire()],
                    clearance: clearance(kind, role).to_wire(),
                    password: DEMO_PASSWORD.into(),
                },
                token,
            ))
            .await
            .map_err(call_error(format!("create user {username}")))?
            .into_inner();
        office.users.push(DemoUser {
            id: created.id,
            username,
            full_name,
            role,
        });
    }
    Ok(())
}

/// Loads the demo into a freshly bootstrapped suite at `addr`, signed in as
/// `admin` (whose office is the demo's root); `today` anchors the dates.
/// With `services`, each service's demo data is loaded too, and with a
/// `clock` that can travel, the reorganisation of 2025 on its days.
pub async fn load(
    addr: SocketAddr,
    admin_password: &str,
    today: NaiveDate,
    services: bool,
    signing: Option<&signing::DemoSigning>,
    clock: Option<&TravelClock>,
) -> Result<DemoReport, DemoError> {
    let channel: Channel = Endpoint::from_shared(format!("http://{addr}"))?.connect().await?;
    let signed_in = AuthServiceClient::new(channel.clone())
        .sign_in(SignInRequest {
            username: "admin".into(),
            password: admin_password.into(),
        })
        .await
        .map_err(call_error("sign in as admin"))?
        .into_inner();
    let token = signed_in.access_token;
    let root_id = signed_in.principal.map(|p| p.office_id).unwrap_or_default();

    let mut offices = OfficeServiceClient::new(channel.clone());
    let mut users = UserServiceClient::new(channel.clone());
    let mut report = DemoReport::default();
    for plan in &OFFICES {
        let id = match plan.parent {
            None => root_id.clone(),
            Some(parent_slug) => {
                let parent_id = report.office(parent_slug).map(|o| o.id.clone()).unwrap_or_default();
                offices
                    .create_office(authorized(
                        CreateOfficeRequest {
                            request_id: format!("demo-office-{}", plan.code),
                            code: plan.code.into(),
                            name: plan.name.into(),
                            kind: plan.kind.to_wire(),
                            issuer_code: plan.issuer.into(),
                            numbering: Numbering::Party.to_wire(),
                            parent_id,
                            established_on: established().format("%Y-%m-%d").to_string(),
                        },
                        &token,
                    ))
                    .await
                    .map_err(call_error(format!("create office {}", plan.name)))?
                    .into_inner()
                    .id
            }
        };
        let mut office = DemoOffice {
            id,
            code: plan.code,
            name: plan.name,
            slug: plan.slug,
            users: Vec::new(),
        };
        let people = ROLE_SLUGS.iter().zip(plan.people).map(|(role, name)| (role.0, name));
        add_people(&mut users, &token, &mut office, plan.kind, people).await?;
        report.offices.push(office);
    }
    if let Some(signing) = signing {
        signing.enrol(&report)?;
    }
    if services {
        // The story of 2025 first, so that every record is made in the
        // order of the days it tells.
        if let Some(clock) = clock {
            history::load(&channel, admin_password, clock, &mut report).await?;
        }
        documents::load(&channel, &report, today).await?;
        petitions::load(&channel, &report, today).await?;
        finance::load(&channel, &report, today).await?;
        reporting::load(&channel, &report, today).await?;
    }
    Ok(report)
}
