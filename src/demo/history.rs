//! The reorganisation of 2025 as the demo tells it (docs/domain.md §1),
//! on its days: the demo's clock goes back to June 2025 and comes back
//! when the story is told.
//!
//! - Before 1 July 2025 the province had Huyện ủy Lục Nam with the communes
//!   Lan Mẫu and Khám Lạng. In June the district received its budget for
//!   the year and spent from it; Lan Mẫu registered a letter from the
//!   district's people's committee and Khám Lạng another, each given to a
//!   specialist; Khám Lạng accepted a citizen's denunciation; Lan Mẫu sent
//!   its report for the second quarter and the district accepted it.
//! - On 1 July 2025 the two communes were merged into the new Đảng ủy xã
//!   Lục Nam, answering directly to the province, and their people moved
//!   to it; the district committee ended into the province. Each service
//!   handed the work over by itself.
//! - In July the new commune's leader gave the letter that came from Khám
//!   Lạng and the denunciation to the specialist who came from Lan Mẫu;
//!   both letters were answered and the denunciation decided and closed,
//!   on time. In September the commune sent its report for the third
//!   quarter to the province, which accepted it.
//!
//! The directory shows the tree "as of 30/06/2025" and as of today; the
//! district's unspent budget stands in the province's books by a handover
//! entry dated 1 July 2025, with its handover record.

use std::time::Duration as StdDuration;

use chrono::{NaiveDate, TimeZone};
use tonic::transport::Channel;

use vanphong_platform::clock::{TravelClock, local_zone};
use vanphong_platform::identity::Role;
use vanphong_platform::tree::{Numbering, OfficeKind};
use vanphong_proto::directory::v1::office_service_client::OfficeServiceClient;
use vanphong_proto::directory::v1::reorganisation_service_client::ReorganisationServiceClient;
use vanphong_proto::directory::v1::user_service_client::UserServiceClient;
use vanphong_proto::directory::v1::{
    CreateOfficeRequest, DissolveOfficeRequest, GetHandoverStatusRequest, MergeOfficesRequest,
};
use vanphong_proto::documents::v1::incoming_service_client::IncomingServiceClient;
use vanphong_proto::documents::v1::term_service_client::TermServiceClient;
use vanphong_proto::documents::v1::{CompleteRequest, CreateTermRequest, DirectManyRequest};
use vanphong_proto::finance::v1::budget_service_client::BudgetServiceClient;
use vanphong_proto::finance::v1::ledger_service_client::LedgerServiceClient;
use vanphong_proto::finance::v1::spending_service_client::SpendingServiceClient;
use vanphong_proto::finance::v1::{AllocateRequest, AllocationItem, CreateVoucherRequest, ListAllocationLinesRequest};
use vanphong_proto::petitions::v1::petition_service_client::PetitionServiceClient;
use vanphong_proto::petitions::v1::{AssignHandlerRequest, Complexity, IntakeChannel, PetitionKind};
use vanphong_proto::reporting::v1::approval_service_client::ApprovalServiceClient;
use vanphong_proto::reporting::v1::{AcceptReportRequest, PeriodKind};

use super::documents::{Desk, Handling, Paper, register_papers};
use super::petitions::{Case, Staff, Step, load_office, resolve};
use super::reporting::{Stage, take_to};
use super::{DemoError, DemoOffice, DemoReport, add_people, authorized, call_error, finance, sign_in, sign_in_with};

/// The day the two-tier local government began.
const REORGANISED_ON: &str = "2025-07-01";

/// An office of the old or new tree: code, name, kind, issuer code, the
/// slug of its people's user names, and its people.
struct Plan {
    code: &'static str,
    name: &'static str,
    kind: OfficeKind,
    issuer: &'static str,
    slug: &'static str,
    people: &'static [(Role, &'static str)],
}

const DISTRICT: Plan = Plan {
    code: "HU-LN",
    name: "Huyện ủy Lục Nam",
    kind: OfficeKind::District,
    issuer: "HU",
    slug: "lucnam",
    people: &[
        (Role::Clerk, "Hoàng Thị Vân"),
        (Role::Leader, "Nguyễn Văn Thuận"),
        (Role::Accountant, "Trần Thị Lụa"),
    ],
};

const OLD_COMMUNES: [Plan; 2] = [
    Plan {
        code: "DU-LM",
        name: "Đảng ủy xã Lan Mẫu",
        kind: OfficeKind::Commune,
        issuer: "ĐU",
        slug: "lanmau",
        people: &[
            (Role::Clerk, "Nguyễn Thị Hiền"),
            (Role::Leader, "Vi Văn Cường"),
            (Role::Specialist, "Lương Thị Thu"),
            (Role::PetitionOfficer, "Đàm Văn Hậu"),
        ],
    },
    Plan {
        code: "DU-KL",
        name: "Đảng ủy xã Khám Lạng",
        kind: OfficeKind::Commune,
        issuer: "ĐU",
        slug: "khamlang",
        people: &[
            (Role::Clerk, "Hà Thị Dung"),
            (Role::Leader, "Giáp Văn Tân"),
            (Role::Specialist, "Nông Văn Khải"),
            (Role::PetitionOfficer, "Lý Thị Hạnh"),
        ],
    },
];

const NEW_COMMUNE: Plan = Plan {
    code: "DU-LNM",
    name: "Đảng ủy xã Lục Nam",
    kind: OfficeKind::Commune,
    issuer: "ĐU",
    slug: "xalucnam",
    people: &[],
};

/// The letters the communes received in June 2025 (issued this many days
/// before 12 June), each given to the commune's specialist.
const LETTERS: [Paper; 2] = [
    Paper {
        type_code: "CV",
        number: 1125,
        symbol: "UBND-NV",
        issuer_name: "Ủy ban nhân dân huyện Lục Nam",
        issuer_code: "UBND",
        signer: "Nguyễn Văn Lâm",
        subject: "Về việc rà soát, bàn giao hồ sơ, tài liệu khi sắp xếp đơn vị hành chính cấp xã",
        age_days: 3,
        due_after: Some(35),
        handling: Handling::InProgress,
    },
    Paper {
        type_code: "CV",
        number: 1131,
        symbol: "UBND-TNMT",
        issuer_name: "Ủy ban nhân dân huyện Lục Nam",
        issuer_code: "UBND",
        signer: "Nguyễn Văn Lâm",
        subject: "Về việc thống kê đất công, tài sản công của xã trước khi hợp nhất",
        age_days: 2,
        due_after: Some(35),
        handling: Handling::Directed,
    },
];

/// The denunciation Khám Lạng accepted in June 2025.
const DENUNCIATION: [Case; 1] = [Case {
    kind: PetitionKind::Denunciation,
    channel: IntakeChannel::Mail,
    area: "HC",
    content: "Tố cáo trưởng thôn Đồng Rì thu các khoản đóng góp xây dựng nhà văn hóa thôn trái quy định, \
              không công khai thu chi",
    accused: "Trưởng thôn Đồng Rì",
    petitioners: &[("Hoàng Văn Chung", "024078001234")],
    received_ago: 2,
    step: Step::Accept(0, Complexity::Normal),
}];

/// Sends the demo's clock to `hh:mm` on `day` in Hà Nội; returns the day.
fn go(clock: &TravelClock, day: &str, (hh, mm): (u32, u32)) -> Result<NaiveDate, DemoError> {
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|e| DemoError::Moment(format!("{day}: {e}")))?;
    let at = date
        .and_hms_opt(hh, mm, 0)
        .and_then(|t| local_zone().from_local_datetime(&t).single())
        .ok_or_else(|| DemoError::Moment(format!("{day} {hh}:{mm}")))?;
    clock.travel_to(at.to_utc());
    Ok(date)
}

/// Tells the story of 2025 as the province's `admin` and the offices'
/// people, on its days, then brings the clock back to the present; the
/// offices it made are added to `report.reorganised`.
pub async fn load(
    channel: &Channel,
    admin_password: &str,
    clock: &TravelClock,
    report: &mut DemoReport,
) -> Result<(), DemoError> {
    let told = tell(channel, admin_password, clock, report).await;
    clock.come_back();
    told
}

async fn tell(
    channel: &Channel,
    admin_password: &str,
    clock: &TravelClock,
    report: &mut DemoReport,
) -> Result<(), DemoError> {
    let province = report.office("tu").map(|o| o.id.clone()).unwrap_or_default();

    // June 2025: the district and its communes at work.
    go(clock, "2025-06-02", (8, 0))?;
    let admin = sign_in_with(channel, "admin", admin_password).await?;
    let mut before = DemoReport::default();
    let district = found(channel, &admin, &DISTRICT, &province, "2010-01-01", &mut before).await?;
    let mut communes = Vec::new();
    for plan in &OLD_COMMUNES {
        communes.push(found(channel, &admin, plan, &district, "2010-01-01", &mut before).await?);
    }
    for office in [&district, &communes[0], &communes[1]] {
        open_term(channel, &admin, office, "Nhiệm kỳ 2020–2025", "2020-07-01").await?;
    }
    budget_of_the_district(channel, report, &before, clock).await?;

    let letters_day = go(clock, "2025-06-12", (8, 30))?;
    let mut letters = Vec::new();
    for (slug, letter) in ["lanmau", "khamlang"].into_iter().zip(&LETTERS) {
        let desk = Desk::of(channel, &before, slug).await?;
        let registered = register_papers(channel, &desk, slug, std::slice::from_ref(letter), letters_day).await?;
        letters.extend(registered.into_iter().map(|d| d.id));
    }

    // The second quarter closed on 14 June; Lan Mẫu reports on the
    // Monday after, its deadline, and the district accepts.
    go(clock, "2025-06-16", (9, 0))?;
    let second_quarter = take_to(
        channel,
        &before,
        "lanmau",
        (PeriodKind::Quarterly, 2025, 2),
        Stage::Sent,
    )
    .await?;
    go(clock, "2025-06-17", (10, 0))?;
    accept(channel, &before, "lucnam", &second_quarter).await?;

    let accepted_day = go(clock, "2025-06-18", (9, 0))?;
    let staff = Staff::of(channel, &before, "khamlang").await?;
    let place = "Xã Khám Lạng, huyện Lục Nam, tỉnh Bắc Giang";
    let denunciation = load_office(channel, &staff, ("khamlang", place), &DENUNCIATION, accepted_day)
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();

    // 1 July 2025: the new commune, the merger, the district's end.
    go(clock, "2025-07-01", (8, 0))?;
    let admin = sign_in_with(channel, "admin", admin_password).await?;
    let mut after = DemoReport::default();
    let merged = found(channel, &admin, &NEW_COMMUNE, &province, REORGANISED_ON, &mut after).await?;
    open_term(channel, &admin, &merged, "Nhiệm kỳ 2025–2030", REORGANISED_ON).await?;
    let mut offices = OfficeServiceClient::new(channel.clone());
    offices
        .merge_offices(authorized(
            MergeOfficesRequest {
                office_ids: communes.clone(),
                into_office_id: merged.clone(),
                effective_date: REORGANISED_ON.into(),
                reason: "Sắp xếp đơn vị hành chính cấp xã, tổ chức chính quyền địa phương hai cấp".into(),
                move_people: true,
                request_id: "demo-2025-merge-communes".into(),
            },
            &admin,
        ))
        .await
        .map_err(call_error("merge the communes of 2025"))?;
    offices
        .dissolve_office(authorized(
            DissolveOfficeRequest {
                office_id: district.clone(),
                effective_date: REORGANISED_ON.into(),
                successor_id: province.clone(),
                reason: "Kết thúc hoạt động của đảng bộ cấp huyện".into(),
                move_people: false,
                request_id: "demo-2025-end-district".into(),
            },
            &admin,
        ))
        .await
        .map_err(call_error("end the district committee of 2025"))?;
    for office in communes.iter().chain([&district]) {
        handed_over(channel, &admin, office).await?;
    }
    // The communes' people now work in the merged commune: Lan Mẫu's
    // first, so its leader and specialist lead the new commune's desk.
    if let Some(new) = after.offices.first_mut() {
        for old in &before.offices[1..] {
            new.users.extend(old.users.iter().cloned());
        }
    }

    // July 2025: the new commune finishes what came over.
    go(clock, "2025-07-03", (8, 0))?;
    let desk = Desk::of(channel, &after, "xalucnam").await?;
    IncomingServiceClient::new(channel.clone())
        .direct_many(authorized(
            DirectManyRequest {
                document_ids: letters[1..].to_vec(),
                lead_handler_id: desk.specialist_id.clone(),
                note: "Giao đồng chí Thu tiếp tục tham mưu, hoàn thành đúng hạn".into(),
            },
            &desk.leader,
        ))
        .await
        .map_err(call_error("give Khám Lạng's letter to the new commune's specialist"))?;
    let staff = Staff::of(channel, &after, "xalucnam").await?;
    let mut petitions = PetitionServiceClient::new(channel.clone());
    petitions
        .assign_handler(authorized(
            AssignHandlerRequest {
                petition_ids: vec![denunciation.clone()],
                handler_id: staff.specialist_id.clone(),
                note: "Giao đồng chí Thu tiếp tục giải quyết đơn của xã Khám Lạng cũ".into(),
            },
            &staff.leader,
        ))
        .await
        .map_err(call_error(
            "give Khám Lạng's denunciation to the new commune's specialist",
        ))?;

    // Each day's work signs in again: a token lives for minutes.
    go(clock, "2025-07-10", (15, 0))?;
    let desk = Desk::of(channel, &after, "xalucnam").await?;
    let mut incoming = IncomingServiceClient::new(channel.clone());
    for letter in &letters {
        incoming
            .complete(authorized(
                CompleteRequest {
                    document_id: letter.clone(),
                    note: "Đã rà soát, lập danh mục và báo cáo Ủy ban nhân dân xã Lục Nam".into(),
                    ..Default::default()
                },
                &desk.specialist,
            ))
            .await
            .map_err(call_error("answer a letter that came over"))?;
    }
    // Decided on the 11th, the petitioner told on the 13th, closed on the
    // 15th.
    let closed = go(clock, "2025-07-15", (9, 0))?;
    let staff = Staff::of(channel, &after, "xalucnam").await?;
    let decided = closed - chrono::Duration::days(4);
    resolve(
        &mut petitions,
        &staff,
        &denunciation,
        decided,
        "decide the denunciation",
    )
    .await?;

    // September 2025: the third quarter (15 June – 14 September) spans the
    // merger; the new commune reports on its deadline, the Monday after,
    // and the province accepts.
    go(clock, "2025-09-15", (9, 0))?;
    let third_quarter = take_to(
        channel,
        &after,
        "xalucnam",
        (PeriodKind::Quarterly, 2025, 3),
        Stage::Sent,
    )
    .await?;
    go(clock, "2025-09-16", (10, 0))?;
    accept(channel, report, "tu", &third_quarter).await?;

    // As the people stand today: the merged commune with those who moved,
    // the district with those told where it went.
    report.reorganised.extend(after.offices);
    report.reorganised.extend(before.offices.into_iter().take(1));
    Ok(())
}

/// Creates the office of `plan` under `parent`, established on
/// `established_on`, with its people; adds it to `into`; returns its id.
async fn found(
    channel: &Channel,
    admin: &str,
    plan: &Plan,
    parent: &str,
    established_on: &str,
    into: &mut DemoReport,
) -> Result<String, DemoError> {
    let id = OfficeServiceClient::new(channel.clone())
        .create_office(authorized(
            CreateOfficeRequest {
                request_id: format!("demo-office-{}", plan.code),
                code: plan.code.into(),
                name: plan.name.into(),
                kind: plan.kind.to_wire(),
                issuer_code: plan.issuer.into(),
                numbering: Numbering::Party.to_wire(),
                parent_id: parent.into(),
                established_on: established_on.into(),
            },
            admin,
        ))
        .await
        .map_err(call_error(format!("create office {}", plan.name)))?
        .into_inner()
        .id;
    let mut office = DemoOffice {
        id: id.clone(),
        code: plan.code,
        name: plan.name,
        slug: plan.slug,
        users: Vec::new(),
    };
    let mut users = UserServiceClient::new(channel.clone());
    add_people(&mut users, admin, &mut office, plan.kind, plan.people.iter().copied()).await?;
    into.offices.push(office);
    Ok(id)
}

/// Gives the office its Party term, within which its documents are
/// numbered.
async fn open_term(
    channel: &Channel,
    admin: &str,
    office_id: &str,
    name: &str,
    starts_on: &str,
) -> Result<(), DemoError> {
    TermServiceClient::new(channel.clone())
        .create_term(authorized(
            CreateTermRequest {
                request_id: format!("demo-term-{office_id}-{starts_on}"),
                office_id: office_id.into(),
                name: name.into(),
                starts_on: starts_on.into(),
                ..Default::default()
            },
            admin,
        ))
        .await
        .map_err(call_error(format!("open the term {name}")))?;
    Ok(())
}

/// The district's budget for 2025: the province's estimate and the
/// district's, approved by the province's leader; the allocation; the
/// funds received; a month's electricity paid on 20 June.
async fn budget_of_the_district(
    channel: &Channel,
    report: &DemoReport,
    before: &DemoReport,
    clock: &TravelClock,
) -> Result<(), DemoError> {
    let year = 2025;
    let name = |r: &DemoReport, slug: &str, role| r.username(slug, role).unwrap_or_default().to_string();
    let province_accountant = sign_in(channel, &name(report, "tu", Role::Accountant)).await?;
    let province_leader = sign_in(channel, &name(report, "tu", Role::Leader)).await?;
    let accountant = sign_in(channel, &name(before, "lucnam", Role::Accountant)).await?;
    let district = before.office("lucnam").map(|o| o.id.clone()).unwrap_or_default();
    let mut budget = BudgetServiceClient::new(channel.clone());
    finance::approved_estimate(
        &mut budget,
        (&province_accountant, &province_leader),
        "demo-du-toan-tu-2025",
        year,
        finance::ESTIMATE,
        (
            "Dự toán chi hoạt động năm 2025 của Văn phòng Tỉnh ủy",
            "Quyết định số 01-QĐ/TU năm 2025",
        ),
    )
    .await?;
    finance::approved_estimate(
        &mut budget,
        (&accountant, &province_leader),
        "demo-du-toan-lucnam-2025",
        year,
        finance::PER_DISTRICT,
        ("Dự toán chi hoạt động năm 2025", "Đã thẩm định, thống nhất"),
    )
    .await?;
    budget
        .allocate(authorized(
            AllocateRequest {
                request_id: "demo-phan-bo-lucnam-2025".into(),
                year,
                items: finance::PER_DISTRICT
                    .iter()
                    .map(|(code, amount)| AllocationItem {
                        to_office_id: district.clone(),
                        line_code: (*code).into(),
                        amount: *amount,
                    })
                    .collect(),
                decision_ref: "Quyết định số 15-QĐ/TU năm 2025 về giao dự toán".into(),
                note: "Giao dự toán chi hoạt động năm 2025 cho Huyện ủy Lục Nam".into(),
                ..Default::default()
            },
            &province_leader,
        ))
        .await
        .map_err(call_error("allocate to Lục Nam for 2025"))?;
    let funded_on = go(clock, "2025-06-05", (9, 0))?;
    let accountant = sign_in(channel, &name(before, "lucnam", Role::Accountant)).await?;
    let received = finance::PER_DISTRICT.iter().map(|(_, a)| a).sum();
    let mut ledger = LedgerServiceClient::new(channel.clone());
    finance::receive_funds(
        &mut ledger,
        &accountant,
        "demo-cap-kinh-phi-lucnam-2025",
        funded_on,
        received,
    )
    .await?;
    let paid_on = go(clock, "2025-06-10", (9, 0))?;
    let accountant = sign_in(channel, &name(before, "lucnam", Role::Accountant)).await?;
    let lines = budget
        .list_allocation_lines(authorized(
            ListAllocationLinesRequest {
                office_id: district,
                year,
            },
            &accountant,
        ))
        .await
        .map_err(call_error("lines of Lục Nam"))?
        .into_inner()
        .lines;
    let mut spending = SpendingServiceClient::new(channel.clone());
    for (code, amount, what, payee) in finance::SPENDING {
        let Some(line) = lines.iter().find(|l| l.line_code == *code) else {
            continue;
        };
        spending
            .create_voucher(authorized(
                CreateVoucherRequest {
                    request_id: format!("demo-ct-lucnam-{code}-2025-6"),
                    allocation_line_id: line.id.clone(),
                    amount: *amount,
                    voucher_date: finance::date(paid_on),
                    description: format!("{what} tháng 06/2025"),
                    payee: (*payee).into(),
                    ..Default::default()
                },
                &accountant,
            ))
            .await
            .map_err(call_error("a voucher of Lục Nam"))?;
    }
    Ok(())
}

/// The parent's leader accepts the report `id` sent by its office below.
async fn accept(channel: &Channel, report: &DemoReport, slug: &str, id: &str) -> Result<(), DemoError> {
    let leader = sign_in(channel, report.username(slug, Role::Leader).unwrap_or_default()).await?;
    ApprovalServiceClient::new(channel.clone())
        .accept_report(authorized(
            AcceptReportRequest {
                report_id: id.into(),
                note: "Đã tiếp nhận báo cáo".into(),
            },
            &leader,
        ))
        .await
        .map_err(call_error("accept a report of 2025"))?;
    Ok(())
}

/// Waits (a few seconds at most) until every service has handed over the
/// ended office's work, so that its successor can go on with it.
async fn handed_over(channel: &Channel, admin: &str, office_id: &str) -> Result<(), DemoError> {
    let mut client = ReorganisationServiceClient::new(channel.clone());
    for _ in 0..200 {
        let status = client
            .get_handover_status(authorized(
                GetHandoverStatusRequest {
                    office_id: office_id.into(),
                },
                admin,
            ))
            .await
            .map_err(call_error("read the handover of 2025"))?
            .into_inner();
        if status.complete {
            return Ok(());
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    Err(DemoError::Call {
        what: "wait for the handover of 2025".into(),
        status: tonic::Status::deadline_exceeded(office_id.to_string()),
    })
}
