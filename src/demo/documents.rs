//! Demo documents: a few months of an office's mail.
//!
//! Each committee has its Party term (numbers run per type within it). The
//! province issues Party documents through the whole outgoing path and
//! dispatches them to the three districts, whose clerks find them in their
//! queues and carry them to different steps; a few are still a draft under
//! review or signed and waiting for a number. Each district received paper
//! documents from state bodies over the last four months (received on the
//! dates they came, some now overdue), reports back to the province and
//! writes to its communes.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use tonic::transport::Channel;

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::incoming_service_client::IncomingServiceClient;
use vanphong_proto::documents::v1::outgoing_service_client::OutgoingServiceClient;
use vanphong_proto::documents::v1::term_service_client::TermServiceClient;
use vanphong_proto::documents::v1::{
    AddProgressRequest, CompleteRequest, CreateDraftRequest, CreateTermRequest, DirectRequest, DispatchRequest,
    Document, FileRequest, IssueNumberRequest, ListTermsRequest, RecipientInput, RegisterIncomingRequest,
    ReviewRequest, SignRequest, SubmitForReviewRequest, SubmitToLeaderRequest,
};

use super::{DemoError, DemoReport, authorized, call_error, sign_in, who};

/// How far an incoming document's handling went.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Handling {
    /// Still in the queue, not yet registered (electronic only).
    Arrived,
    Registered,
    Submitted,
    Directed,
    InProgress,
    Done,
    Filed,
}

/// A paper document a district received from a state body.
pub(super) struct Paper {
    pub(super) type_code: &'static str,
    pub(super) number: i64,
    pub(super) symbol: &'static str,
    pub(super) issuer_name: &'static str,
    pub(super) issuer_code: &'static str,
    pub(super) signer: &'static str,
    pub(super) subject: &'static str,
    /// Days before today it was issued; it arrived the next day.
    pub(super) age_days: i64,
    /// Days after issue the issuer wants an answer, if it does.
    pub(super) due_after: Option<i64>,
    pub(super) handling: Handling,
}

const PAPER: &[Paper] = &[
    Paper {
        type_code: "CV",
        number: 2874,
        symbol: "UBND-KTTH",
        issuer_name: "Ủy ban nhân dân tỉnh Bắc Giang",
        issuer_code: "UBND",
        signer: "Nguyễn Văn Sơn",
        subject: "Về việc báo cáo tình hình giải ngân vốn đầu tư công quý III",
        age_days: 118,
        due_after: Some(20),
        handling: Handling::Filed,
    },
    Paper {
        type_code: "QĐ",
        number: 1502,
        symbol: "QĐ-UBND",
        issuer_name: "Ủy ban nhân dân tỉnh Bắc Giang",
        issuer_code: "UBND",
        signer: "Nguyễn Văn Sơn",
        subject: "Quyết định phê duyệt Đề án phát triển nông nghiệp hữu cơ giai đoạn 2026–2030",
        age_days: 96,
        due_after: None,
        handling: Handling::Done,
    },
    Paper {
        type_code: "CV",
        number: 735,
        symbol: "STC-QLNS",
        issuer_name: "Sở Tài chính tỉnh Bắc Giang",
        issuer_code: "STC",
        signer: "Hoàng Thị Mai",
        subject: "Về việc xây dựng dự toán ngân sách năm 2027",
        age_days: 64,
        due_after: Some(15),
        handling: Handling::Directed,
    },
    Paper {
        type_code: "HD",
        number: 7,
        symbol: "HD/BTCTU",
        issuer_name: "Ban Tổ chức Tỉnh ủy",
        issuer_code: "BTCTU",
        signer: "Trần Minh Đức",
        subject: "Hướng dẫn kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên năm 2026",
        age_days: 41,
        due_after: Some(30),
        handling: Handling::InProgress,
    },
    Paper {
        type_code: "TB",
        number: 112,
        symbol: "TB-MTTQ-BTT",
        issuer_name: "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Bắc Giang",
        issuer_code: "MTTQ",
        signer: "Đỗ Thị Hằng",
        subject: "Thông báo kết quả giám sát việc giải quyết kiến nghị của cử tri",
        age_days: 23,
        due_after: None,
        handling: Handling::Submitted,
    },
    Paper {
        type_code: "GM",
        number: 48,
        symbol: "GM-BBG",
        issuer_name: "Báo Bắc Giang",
        issuer_code: "BBG",
        signer: "Vũ Văn Long",
        subject: "Mời dự tọa đàm về công tác tuyên truyền chuyển đổi số",
        age_days: 4,
        due_after: None,
        handling: Handling::Registered,
    },
];

/// A document the province issues and how far each district has handled
/// its copy (Hiệp Hòa, Việt Yên, Yên Dũng).
struct ProvinceIssue {
    type_code: &'static str,
    subject: &'static str,
    /// Days from today the districts are asked to answer by, if at all.
    due_in: Option<i64>,
    districts: [Handling; 3],
}

const PROVINCE_ISSUES: &[ProvinceIssue] = &[
    ProvinceIssue {
        type_code: "NQ",
        subject: "Nghị quyết về đẩy mạnh chuyển đổi số trong cơ quan Đảng giai đoạn 2026–2030",
        due_in: None,
        districts: [Handling::Done, Handling::InProgress, Handling::Directed],
    },
    ProvinceIssue {
        type_code: "KH",
        subject: "Kế hoạch tổng kết công tác năm 2026 và phương hướng nhiệm vụ năm 2027",
        due_in: Some(30),
        districts: [Handling::Directed, Handling::Submitted, Handling::Registered],
    },
    ProvinceIssue {
        type_code: "CT",
        subject: "Chỉ thị về tăng cường kỷ luật, kỷ cương hành chính trong các cơ quan Đảng",
        due_in: None,
        districts: [Handling::Submitted, Handling::Registered, Handling::Arrived],
    },
    ProvinceIssue {
        type_code: "GM",
        subject: "Giấy mời dự hội nghị sơ kết công tác kiểm tra, giám sát",
        due_in: Some(7),
        districts: [Handling::Arrived, Handling::Arrived, Handling::Arrived],
    },
];

const DISTRICTS: [&str; 3] = ["hiephoa", "vietyen", "yendung"];

/// The people of one office who move its documents, signed in.
pub(super) struct Desk {
    pub(super) clerk: String,
    pub(super) leader: String,
    pub(super) specialist: String,
    pub(super) leader_id: String,
    pub(super) specialist_id: String,
}

impl Desk {
    pub(super) async fn of(channel: &Channel, report: &DemoReport, slug: &str) -> Result<Self, DemoError> {
        let name = |role| report.username(slug, role).unwrap_or_default().to_string();
        let leader = sign_in(channel, &name(Role::Leader)).await?;
        let specialist = sign_in(channel, &name(Role::Specialist)).await?;
        Ok(Self {
            clerk: sign_in(channel, &name(Role::Clerk)).await?,
            leader_id: who(channel, &leader).await?,
            specialist_id: who(channel, &specialist).await?,
            leader,
            specialist,
        })
    }
}

/// Gives the office the current Party term (2025–2030) unless it has one;
/// Party documents are numbered within it.
pub(super) async fn ensure_term(
    channel: &Channel,
    admin: &str,
    office_id: &str,
    today: NaiveDate,
) -> Result<(), DemoError> {
    let mut terms = TermServiceClient::new(channel.clone());
    let existing = terms
        .list_terms(authorized(
            ListTermsRequest {
                office_id: office_id.into(),
            },
            admin,
        ))
        .await
        .map_err(call_error("list committee terms"))?
        .into_inner();
    let day = today.format("%Y-%m-%d").to_string();
    if existing
        .terms
        .iter()
        .any(|t| !t.congress && t.starts_on <= day && (t.ends_on.is_empty() || t.ends_on >= day))
    {
        return Ok(());
    }
    terms
        .create_term(authorized(
            CreateTermRequest {
                request_id: format!("demo-term-{office_id}"),
                office_id: office_id.into(),
                name: "Nhiệm kỳ 2025–2030".into(),
                starts_on: "2025-10-01".into(),
                ..Default::default()
            },
            admin,
        ))
        .await
        .map_err(call_error("create a committee term"))?;
    Ok(())
}

fn ymd(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// How far an outgoing document goes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Issuing {
    InReview,
    Signed,
    Dispatched,
}

/// Drafts a document at `desk`'s office and takes it as far as `stage`.
async fn issue(
    channel: &Channel,
    desk: &Desk,
    draft: CreateDraftRequest,
    stage: Issuing,
) -> Result<Document, DemoError> {
    let mut outgoing = OutgoingServiceClient::new(channel.clone());
    let mut draft = draft;
    if draft.body.is_empty() {
        draft.body = body_of(&draft.subject);
    }
    let subject = draft.subject.clone();
    let fail = |step: &str| call_error(format!("{step} “{subject}”"));
    let id = outgoing
        .create_draft(authorized(draft.clone(), &desk.specialist))
        .await
        .map_err(fail("draft"))?
        .into_inner()
        .id;
    let mut document = outgoing
        .submit_for_review(authorized(
            SubmitForReviewRequest {
                document_id: id.clone(),
                note: "Kính trình đồng chí xem xét".into(),
            },
            &desk.specialist,
        ))
        .await
        .map_err(fail("submit for review"))?
        .into_inner();
    if stage >= Issuing::Signed {
        outgoing
            .approve(authorized(
                ReviewRequest {
                    document_id: id.clone(),
                    note: "Đồng ý ban hành".into(),
                },
                &desk.leader,
            ))
            .await
            .map_err(fail("approve"))?;
        document = outgoing
            .sign(authorized(
                SignRequest {
                    document_id: id.clone(),
                    signing_prefix: "T/M".into(),
                    signer_position: "Bí thư".into(),
                    on_behalf_of: "Ban Thường vụ".into(),
                },
                &desk.leader,
            ))
            .await
            .map_err(fail("sign"))?
            .into_inner();
    }
    if stage >= Issuing::Dispatched {
        outgoing
            .issue_number(authorized(
                IssueNumberRequest {
                    document_id: id.clone(),
                },
                &desk.clerk,
            ))
            .await
            .map_err(fail("number"))?;
        document = outgoing
            .dispatch(authorized(DispatchRequest { document_id: id }, &desk.clerk))
            .await
            .map_err(fail("dispatch"))?
            .into_inner();
    }
    Ok(document)
}

/// The text of a demo document about `subject`: the grounds, what is
/// asked, and who carries it out, as an office would write it.
fn body_of(subject: &str) -> String {
    let topic = subject.trim_start_matches("V/v ").trim();
    [
        "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;".to_string(),
        "Căn cứ Quy chế làm việc của Ban Chấp hành Đảng bộ, Ban Thường vụ nhiệm kỳ 2025 - 2030;".to_string(),
        format!(
            "Để thực hiện tốt nội dung {}, Ban Thường vụ yêu cầu các cấp ủy, tổ chức đảng trực thuộc quán triệt, \
             xây dựng kế hoạch cụ thể, phân công rõ người, rõ việc, rõ thời hạn hoàn thành.",
            lowercase_first(topic)
        ),
        "Các đồng chí cấp ủy viên phụ trách theo dõi, đôn đốc việc thực hiện; định kỳ báo cáo kết quả về \
         Văn phòng cấp ủy để tổng hợp, báo cáo Thường trực."
            .to_string(),
        "Văn bản này có hiệu lực kể từ ngày ký.".to_string(),
    ]
    .join("\n")
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Moves a registered incoming document from `Registered` to `to`.
async fn handle(channel: &Channel, desk: &Desk, document: &Document, to: Handling) -> Result<(), DemoError> {
    let mut incoming = IncomingServiceClient::new(channel.clone());
    let id = document.id.clone();
    let fail = |step: &str| call_error(format!("{step} “{}”", document.subject));
    if to >= Handling::Submitted {
        incoming
            .submit_to_leader(authorized(
                SubmitToLeaderRequest {
                    document_id: id.clone(),
                    leader_id: desk.leader_id.clone(),
                    note: "Kính trình đồng chí cho ý kiến chỉ đạo".into(),
                },
                &desk.clerk,
            ))
            .await
            .map_err(fail("submit to the leader"))?;
    }
    if to >= Handling::Directed {
        incoming
            .direct(authorized(
                DirectRequest {
                    document_id: id.clone(),
                    lead_handler_id: desk.specialist_id.clone(),
                    deadline: document.due_on.clone(),
                    note: "Giao chuyên viên chủ trì tham mưu, báo cáo kết quả".into(),
                    ..Default::default()
                },
                &desk.leader,
            ))
            .await
            .map_err(fail("direct"))?;
    }
    if to >= Handling::InProgress {
        incoming
            .add_progress(authorized(
                AddProgressRequest {
                    document_id: id.clone(),
                    note: "Đã xây dựng dự thảo, đang lấy ý kiến các ban".into(),
                },
                &desk.specialist,
            ))
            .await
            .map_err(fail("note progress on"))?;
    }
    if to >= Handling::Done {
        incoming
            .complete(authorized(
                CompleteRequest {
                    document_id: id.clone(),
                    note: "Đã triển khai thực hiện".into(),
                    ..Default::default()
                },
                &desk.specialist,
            ))
            .await
            .map_err(fail("complete"))?;
    }
    if to >= Handling::Filed {
        incoming
            .file(authorized(
                FileRequest {
                    document_id: id,
                    file_reference: "Hồ sơ đầu tư công năm 2026".into(),
                },
                &desk.clerk,
            ))
            .await
            .map_err(fail("file"))?;
    }
    Ok(())
}

/// Registers `papers` at `desk`'s office, oldest first, each on the day it
/// arrived, and takes each as far as its handling; returns them as
/// registered.
pub(super) async fn register_papers(
    channel: &Channel,
    desk: &Desk,
    slug: &str,
    papers: &[Paper],
    today: NaiveDate,
) -> Result<Vec<Document>, DemoError> {
    let mut incoming = IncomingServiceClient::new(channel.clone());
    let mut registered = Vec::with_capacity(papers.len());
    for (n, paper) in papers.iter().enumerate() {
        let issued = today - Duration::days(paper.age_days);
        let arrived = (issued + Duration::days(1)).min(today);
        // 08:30 in Hà Nội.
        let received_at =
            Utc.from_utc_datetime(&arrived.and_time(NaiveTime::from_hms_opt(1, 30, 0).unwrap_or_default()));
        let document = incoming
            .register_incoming(authorized(
                RegisterIncomingRequest {
                    request_id: format!("demo-in-{slug}-{n}"),
                    type_code: paper.type_code.into(),
                    subject: paper.subject.into(),
                    number: paper.number,
                    symbol: paper.symbol.into(),
                    issued_on: ymd(issued),
                    issuer_name: paper.issuer_name.into(),
                    issuer_code: paper.issuer_code.into(),
                    signer_name: paper.signer.into(),
                    pages: 3,
                    due_on: paper
                        .due_after
                        .map(|d| ymd(issued + Duration::days(d)))
                        .unwrap_or_default(),
                    received_at: Some(prost_types::Timestamp {
                        seconds: received_at.timestamp(),
                        nanos: 0,
                    }),
                    ..Default::default()
                },
                &desk.clerk,
            ))
            .await
            .map_err(call_error(format!("register “{}”", paper.subject)))?
            .into_inner();
        handle(channel, desk, &document, paper.handling).await?;
        registered.push(document);
    }
    Ok(registered)
}

fn to_office(report: &DemoReport, slug: &str) -> RecipientInput {
    RecipientInput {
        office_id: report.office(slug).map(|o| o.id.clone()).unwrap_or_default(),
        ..Default::default()
    }
}

/// Registers the copy of `sent` waiting in the receiving office's queue and
/// handles it as far as `to`.
async fn receive(
    channel: &Channel,
    desk: &Desk,
    sent: &Document,
    recipient_office: &str,
    to: Handling,
) -> Result<(), DemoError> {
    if to < Handling::Registered {
        return Ok(());
    }
    let copy = sent
        .recipients
        .iter()
        .find(|r| r.office_id == recipient_office)
        .map(|r| r.incoming_document_id.clone())
        .unwrap_or_default();
    let document = IncomingServiceClient::new(channel.clone())
        .register_incoming(authorized(
            RegisterIncomingRequest {
                request_id: format!("demo-receive-{copy}"),
                arrived_document_id: copy,
                ..Default::default()
            },
            &desk.clerk,
        ))
        .await
        .map_err(call_error(format!("register the copy of “{}”", sent.subject)))?
        .into_inner();
    handle(channel, desk, &document, to).await
}

/// Loads the demo documents of every committee.
pub async fn load(channel: &Channel, report: &DemoReport, today: NaiveDate) -> Result<(), DemoError> {
    for office in &report.offices {
        let admin = sign_in(channel, report.username(office.slug, Role::Admin).unwrap_or_default()).await?;
        ensure_term(channel, &admin, &office.id, today).await?;
    }
    let province = Desk::of(channel, report, "tu").await?;
    let mut districts = Vec::new();
    for slug in DISTRICTS {
        let desk = Desk::of(channel, report, slug).await?;
        register_papers(channel, &desk, slug, PAPER, today).await?;
        districts.push(desk);
    }

    // The province's documents to the districts (and the provincial paper).
    for (n, plan) in PROVINCE_ISSUES.iter().enumerate() {
        let mut recipients: Vec<RecipientInput> = DISTRICTS.iter().map(|s| to_office(report, s)).collect();
        recipients.push(RecipientInput {
            name: "Báo Bắc Giang".into(),
            ..Default::default()
        });
        let draft = CreateDraftRequest {
            request_id: format!("demo-out-tu-{n}"),
            type_code: plan.type_code.into(),
            subject: plan.subject.into(),
            pages: 4,
            due_on: plan.due_in.map(|d| ymd(today + Duration::days(d))).unwrap_or_default(),
            recipients,
            drafting_unit_code: "VP".into(),
            ..Default::default()
        };
        let sent = issue(channel, &province, draft, Issuing::Dispatched).await?;
        for ((slug, desk), to) in DISTRICTS.iter().zip(&districts).zip(plan.districts) {
            let office_id = report.office(slug).map(|o| o.id.clone()).unwrap_or_default();
            receive(channel, desk, &sent, &office_id, to).await?;
        }
    }
    for (n, (type_code, subject, stage)) in [
        (
            "TB",
            "Thông báo kết luận của Thường trực Tỉnh ủy về công tác cán bộ",
            Issuing::Signed,
        ),
        (
            "BC",
            "Báo cáo sơ kết 6 tháng thực hiện Nghị quyết về chuyển đổi số",
            Issuing::InReview,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let draft = CreateDraftRequest {
            request_id: format!("demo-out-tu-pending-{n}"),
            type_code: type_code.into(),
            subject: subject.into(),
            pages: 2,
            recipients: DISTRICTS.iter().map(|s| to_office(report, s)).collect(),
            drafting_unit_code: "VP".into(),
            ..Default::default()
        };
        issue(channel, &province, draft, stage).await?;
    }

    // Each district reports back to the province; Hiệp Hòa also writes to
    // its communes. The province registers Hiệp Hòa's report.
    let province_id = report.office("tu").map(|o| o.id.clone()).unwrap_or_default();
    for (slug, desk) in DISTRICTS.iter().zip(&districts) {
        let draft = CreateDraftRequest {
            request_id: format!("demo-out-{slug}-report"),
            type_code: "BC".into(),
            subject: "Báo cáo kết quả triển khai Nghị quyết về chuyển đổi số trong cơ quan Đảng".into(),
            pages: 5,
            recipients: vec![to_office(report, "tu")],
            ..Default::default()
        };
        let sent = issue(channel, desk, draft, Issuing::Dispatched).await?;
        let to = if *slug == "hiephoa" {
            Handling::Directed
        } else {
            Handling::Arrived
        };
        receive(channel, &province, &sent, &province_id, to).await?;
    }
    let draft = CreateDraftRequest {
        request_id: "demo-out-hiephoa-communes".into(),
        type_code: "CV".into(),
        subject: "V/v chuẩn bị tổng kết công tác năm 2026 ở các đảng bộ xã".into(),
        pages: 2,
        due_on: ymd(today + Duration::days(20)),
        recipients: vec![to_office(report, "bacly"), to_office(report, "hoangvan")],
        drafting_unit_code: "VP".into(),
        ..Default::default()
    };
    issue(channel, &districts[0], draft, Issuing::Dispatched).await?;
    Ok(())
}
