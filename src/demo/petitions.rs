//! Demo petitions: what the district offices received from citizens over
//! the last months — by post, at receptions, transferred from other bodies,
//! anonymous — at every state of handling (02 … 11), some past their
//! deadlines, one repeat linked to its case, and the leader's reception
//! days.

use chrono::{Duration, NaiveDate};
use tonic::transport::Channel;

use vanphong_platform::identity::Role;
use vanphong_proto::petitions::v1::petition_service_client::PetitionServiceClient;
use vanphong_proto::petitions::v1::reception_service_client::ReceptionServiceClient;
use vanphong_proto::petitions::v1::{
    AddNoteRequest, ClassificationOutcome, ClassifyPetitionRequest, ClosePetitionRequest, CompetentAuthority,
    Complexity, CreatePetitionRequest, CreateReceptionRequest, IntakeChannel, LinkRepeatRequest,
    NotifyPetitionerRequest, PetitionKind, Petitioner, RecordResultRequest, RejectPetitionRequest, Visitor,
    WithdrawPetitionRequest,
};

use super::{DemoError, DemoReport, authorized, call_error, sign_in, who};

/// How far a demo petition's handling went.
#[derive(Clone, Copy)]
pub(super) enum Step {
    /// 02, awaiting classification.
    Waiting,
    /// 03: the petitioner was guided.
    Guide(&'static str),
    /// 04: transferred to the body, for the reason.
    Transfer(&'static str, &'static str),
    /// 05: the body handling it was urged.
    Urge(&'static str),
    /// 07: a handler examines it.
    Consider,
    /// 08: accepted this many days ago.
    Accept(i64, Complexity),
    /// 09: not eligible, for the reason.
    Reject(&'static str),
    /// 10, notified and closed: accepted and decided this many days ago.
    Resolve(i64, i64),
    /// 11: accepted this many days ago, then withdrawn.
    Withdraw(i64),
    /// 06 as a repeat of the demo petition with this index.
    RepeatOf(usize),
}

pub(super) struct Case {
    pub(super) kind: PetitionKind,
    pub(super) channel: IntakeChannel,
    pub(super) area: &'static str,
    pub(super) content: &'static str,
    pub(super) accused: &'static str,
    /// Names and ID numbers; none for an anonymous petition.
    pub(super) petitioners: &'static [(&'static str, &'static str)],
    /// Days before today it was received.
    pub(super) received_ago: i64,
    pub(super) step: Step,
}

const CASES: &[Case] = &[
    Case {
        kind: PetitionKind::Complaint,
        channel: IntakeChannel::InPerson,
        area: "DD",
        content: "Khiếu nại việc Ủy ban nhân dân xã thu hồi 360 m² đất nông nghiệp của gia đình để làm đường \
                  liên thôn nhưng chưa bồi thường, hỗ trợ theo quy định",
        accused: "Ủy ban nhân dân xã Đông Lỗ",
        petitioners: &[("Nguyễn Văn Hòa", "024072001356")],
        received_ago: 2,
        step: Step::Waiting,
    },
    Case {
        kind: PetitionKind::Recommendation,
        channel: IntakeChannel::Mail,
        area: "CS",
        content: "Kiến nghị xem xét giải quyết chế độ trợ cấp cho thân nhân liệt sĩ đã nộp hồ sơ từ năm 2024 \
                  nhưng chưa được trả lời",
        accused: "Phòng Lao động – Thương binh và Xã hội huyện",
        petitioners: &[("Trần Thị Mận", "024158003311")],
        received_ago: 24,
        step: Step::Waiting,
    },
    Case {
        kind: PetitionKind::Complaint,
        channel: IntakeChannel::Mail,
        area: "HC",
        content: "Khiếu nại quyết định xử phạt vi phạm hành chính về trật tự xây dựng của Chủ tịch UBND xã",
        accused: "Chủ tịch UBND xã Thái Sơn",
        petitioners: &[("Lê Văn Thắng", "024080002277")],
        received_ago: 30,
        step: Step::Guide("Hướng dẫn công dân gửi đơn đến Chủ tịch UBND xã là người có thẩm quyền giải quyết lần đầu"),
    },
    Case {
        kind: PetitionKind::Denunciation,
        channel: IntakeChannel::Electronic,
        area: "TN",
        content: "Tố cáo cán bộ địa chính xã nhận tiền của người dân để hợp thức hóa hồ sơ cấp giấy chứng nhận \
                  quyền sử dụng đất",
        accused: "Cán bộ địa chính – xây dựng xã Hợp Thịnh",
        petitioners: &[("Phạm Văn Tới", "024079004410"), ("Ngô Thị Huệ", "024182000987")],
        received_ago: 20,
        step: Step::Transfer(
            "Thanh tra huyện Hiệp Hòa",
            "Nội dung tố cáo hành vi của công chức cấp xã thuộc thẩm quyền giải quyết của Chủ tịch UBND huyện",
        ),
    },
    Case {
        kind: PetitionKind::Complaint,
        channel: IntakeChannel::Transferred,
        area: "DD",
        content: "Đơn đề nghị đôn đốc giải quyết tranh chấp ranh giới đất ở giữa hai hộ gia đình đã gửi UBND xã \
                  từ tháng 8 năm trước",
        accused: "Ủy ban nhân dân xã Mai Đình",
        petitioners: &[("Dương Văn Sáu", "024066005123")],
        received_ago: 18,
        step: Step::Urge("Đã có văn bản đôn đốc UBND xã Mai Đình giải quyết dứt điểm, báo cáo kết quả"),
    },
    Case {
        kind: PetitionKind::Denunciation,
        channel: IntakeChannel::Mail,
        area: "DV",
        content: "Tố cáo một đảng viên chi bộ thôn có lối sống không lành mạnh",
        accused: "Đảng viên chi bộ thôn Trung",
        petitioners: &[],
        received_ago: 15,
        step: Step::Waiting,
    },
    Case {
        kind: PetitionKind::Complaint,
        channel: IntakeChannel::Mail,
        area: "NO",
        content: "Khiếu nại việc UBND xã không cấp phép sửa chữa nhà ở đã xuống cấp",
        accused: "Ủy ban nhân dân xã Hoàng An",
        petitioners: &[("Vũ Văn Khánh", "024085006789")],
        received_ago: 6,
        step: Step::Consider,
    },
    Case {
        kind: PetitionKind::Complaint,
        channel: IntakeChannel::InPerson,
        area: "DD",
        content: "Khiếu nại quyết định thu hồi đất và phương án bồi thường giải phóng mặt bằng cụm công nghiệp",
        accused: "Ủy ban nhân dân xã Đức Thắng",
        petitioners: &[("Hoàng Văn Lâm", "024070003344"), ("Hoàng Thị Nga", "024175001122")],
        received_ago: 9,
        step: Step::Accept(5, Complexity::Normal),
    },
    Case {
        kind: PetitionKind::Complaint,
        channel: IntakeChannel::Mail,
        area: "MT",
        content: "Khiếu nại việc trang trại chăn nuôi gây ô nhiễm nguồn nước sinh hoạt của khu dân cư nhưng \
                  chính quyền chậm xử lý",
        accused: "Ủy ban nhân dân xã Lương Phong",
        petitioners: &[("Đặng Văn Quyết", "024077008899")],
        received_ago: 90,
        step: Step::Accept(80, Complexity::Complex),
    },
    Case {
        kind: PetitionKind::Complaint,
        channel: IntakeChannel::Mail,
        area: "TP",
        content: "Khiếu nại bản án dân sự phúc thẩm về tranh chấp thừa kế",
        accused: "Tòa án nhân dân tỉnh",
        petitioners: &[("Bùi Thị Lan", "024169002468")],
        received_ago: 40,
        step: Step::Reject("Bản án đã có hiệu lực pháp luật, không thuộc đối tượng giải quyết theo Luật Khiếu nại"),
    },
    Case {
        kind: PetitionKind::Denunciation,
        channel: IntakeChannel::Mail,
        area: "KT",
        content: "Tố cáo trưởng thôn thu các khoản đóng góp xây dựng nhà văn hóa không công khai, không đúng quy định",
        accused: "Trưởng thôn Quế Sơn",
        petitioners: &[("Nguyễn Thị Xuân", "024190001357")],
        received_ago: 60,
        step: Step::Resolve(55, 10),
    },
    Case {
        kind: PetitionKind::Complaint,
        channel: IntakeChannel::Mail,
        area: "CS",
        content: "Khiếu nại việc cắt trợ cấp bảo trợ xã hội của mẹ tôi",
        accused: "Ủy ban nhân dân xã Bắc Lý",
        petitioners: &[("Lưu Văn Tâm", "024081007531")],
        received_ago: 35,
        step: Step::Withdraw(30),
    },
    Case {
        kind: PetitionKind::Complaint,
        channel: IntakeChannel::Mail,
        area: "DD",
        content: "Khiếu nại phương án bồi thường giải phóng mặt bằng cụm công nghiệp và quyết định thu hồi đất",
        accused: "Ủy ban nhân dân xã Đức Thắng",
        petitioners: &[("Hoàng Văn Lâm", "024070003344")],
        received_ago: 1,
        step: Step::RepeatOf(7),
    },
];

fn day(today: NaiveDate, ago: i64) -> String {
    (today - Duration::days(ago)).format("%Y-%m-%d").to_string()
}

/// The people of one office who handle its petitions.
pub(super) struct Staff {
    pub(super) clerk: String,
    pub(super) officer: String,
    pub(super) leader: String,
    pub(super) specialist: String,
    pub(super) leader_id: String,
    pub(super) specialist_id: String,
}

impl Staff {
    /// The office's people, signed in.
    pub(super) async fn of(channel: &Channel, report: &DemoReport, slug: &str) -> Result<Self, DemoError> {
        let name = |role| report.username(slug, role).unwrap_or_default().to_string();
        let leader = sign_in(channel, &name(Role::Leader)).await?;
        let specialist = sign_in(channel, &name(Role::Specialist)).await?;
        Ok(Self {
            clerk: sign_in(channel, &name(Role::Clerk)).await?,
            officer: sign_in(channel, &name(Role::PetitionOfficer)).await?,
            leader_id: who(channel, &leader).await?,
            specialist_id: who(channel, &specialist).await?,
            leader,
            specialist,
        })
    }
}

/// Records the decision of `decided` on an accepted petition (its handler),
/// notifies the petitioner two days later and closes the case (the
/// petitions officer).
pub(super) async fn resolve(
    client: &mut PetitionServiceClient<Channel>,
    staff: &Staff,
    petition: &str,
    decided: NaiveDate,
    what: &str,
) -> Result<(), DemoError> {
    client
        .record_result(authorized(
            RecordResultRequest {
                petition_id: petition.into(),
                summary: "Tố cáo đúng một phần; yêu cầu công khai và hoàn trả các khoản thu sai".into(),
                decision_reference: format!("Kết luận số 12-KL/HU ngày {}", decided.format("%d/%m/%Y")),
                decided_on: decided.format("%Y-%m-%d").to_string(),
                ..Default::default()
            },
            &staff.specialist,
        ))
        .await
        .map_err(call_error(what))?;
    client
        .notify_petitioner(authorized(
            NotifyPetitionerRequest {
                petition_id: petition.into(),
                notified_on: (decided + Duration::days(2)).format("%Y-%m-%d").to_string(),
                note: "Gửi thông báo kết quả giải quyết qua bưu điện".into(),
            },
            &staff.officer,
        ))
        .await
        .map_err(call_error(what))?;
    client
        .close_petition(authorized(
            ClosePetitionRequest {
                petition_id: petition.into(),
                note: "Kết thúc vụ việc".into(),
            },
            &staff.officer,
        ))
        .await
        .map_err(call_error(what))?;
    Ok(())
}

/// Takes the office's petitions in and moves each to its state; returns
/// their ids in the order of `cases`. The petitioners live in `place`.
pub(super) async fn load_office(
    channel: &Channel,
    staff: &Staff,
    (slug, place): (&str, &str),
    cases: &[Case],
    today: NaiveDate,
) -> Result<Vec<String>, DemoError> {
    let mut client = PetitionServiceClient::new(channel.clone());
    let mut ids: Vec<String> = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let petition = client
            .create_petition(authorized(
                CreatePetitionRequest {
                    request_id: format!("demo-petition-{slug}-{i}"),
                    channel: case.channel as i32,
                    received_on: day(today, case.received_ago),
                    kind: case.kind as i32,
                    subject_area_code: case.area.into(),
                    content: case.content.into(),
                    accused: case.accused.into(),
                    anonymous: case.petitioners.is_empty(),
                    petitioners: case
                        .petitioners
                        .iter()
                        .map(|(name, id)| Petitioner {
                            full_name: (*name).into(),
                            id_number: (*id).into(),
                            address: place.into(),
                            ..Default::default()
                        })
                        .collect(),
                    source_body: if case.channel == IntakeChannel::Transferred {
                        "Ban Tiếp công dân tỉnh Bắc Giang".into()
                    } else {
                        String::new()
                    },
                    ..Default::default()
                },
                &staff.clerk,
            ))
            .await
            .map_err(call_error(format!("take in petition {i} of {slug}")))?
            .into_inner()
            .petition
            .map(|p| p.id)
            .unwrap_or_default();
        ids.push(petition.clone());
        let classify = |outcome: ClassificationOutcome, note: &str| ClassifyPetitionRequest {
            petition_id: petition.clone(),
            outcome: outcome as i32,
            note: note.into(),
            ..Default::default()
        };
        let what = format!("move petition {i} of {slug}");
        match case.step {
            Step::Waiting => {}
            Step::Guide(note) => {
                client
                    .classify_petition(authorized(classify(ClassificationOutcome::Guide, note), &staff.officer))
                    .await
                    .map_err(call_error(what))?;
            }
            Step::Transfer(body, reason) => {
                let mut request = classify(ClassificationOutcome::Transfer, reason);
                request.transfer_to = body.into();
                request.competent_authority = CompetentAuthority::Administrative as i32;
                client
                    .classify_petition(authorized(request, &staff.officer))
                    .await
                    .map_err(call_error(what))?;
            }
            Step::Urge(note) => {
                client
                    .classify_petition(authorized(classify(ClassificationOutcome::Urge, note), &staff.officer))
                    .await
                    .map_err(call_error(what))?;
            }
            Step::Consider => {
                let mut request = classify(
                    ClassificationOutcome::Consider,
                    "Giao chuyên viên xem xét điều kiện thụ lý",
                );
                request.handler_id = staff.specialist_id.clone();
                client
                    .classify_petition(authorized(request, &staff.leader))
                    .await
                    .map_err(call_error(what))?;
            }
            Step::Reject(reason) => {
                let mut request = classify(ClassificationOutcome::Consider, "Xem xét điều kiện thụ lý");
                request.handler_id = staff.specialist_id.clone();
                client
                    .classify_petition(authorized(request, &staff.leader))
                    .await
                    .map_err(call_error(what.clone()))?;
                client
                    .reject_petition(authorized(
                        RejectPetitionRequest {
                            petition_id: petition.clone(),
                            reason: reason.into(),
                        },
                        &staff.leader,
                    ))
                    .await
                    .map_err(call_error(what))?;
            }
            Step::Accept(ago, _) | Step::Resolve(ago, _) | Step::Withdraw(ago) => {
                let complexity = match case.step {
                    Step::Accept(_, c) => c,
                    _ => Complexity::Normal,
                };
                let mut request = classify(ClassificationOutcome::Accept, "Đủ điều kiện thụ lý giải quyết");
                request.handler_id = staff.specialist_id.clone();
                request.accepted_on = day(today, ago);
                request.complexity = complexity as i32;
                request.competent_authority = CompetentAuthority::Administrative as i32;
                client
                    .classify_petition(authorized(request, &staff.leader))
                    .await
                    .map_err(call_error(what.clone()))?;
                client
                    .add_note(authorized(
                        AddNoteRequest {
                            petition_id: petition.clone(),
                            note: "Đã làm việc với người khiếu nại và cơ quan bị khiếu nại, thu thập tài liệu".into(),
                        },
                        &staff.specialist,
                    ))
                    .await
                    .map_err(call_error(what.clone()))?;
                if let Step::Resolve(_, decided_ago) = case.step {
                    resolve(
                        &mut client,
                        staff,
                        &petition,
                        today - Duration::days(decided_ago),
                        &what,
                    )
                    .await?;
                } else if let Step::Withdraw(_) = case.step {
                    client
                        .withdraw_petition(authorized(
                            WithdrawPetitionRequest {
                                petition_id: petition.clone(),
                                note: "Người khiếu nại có đơn xin rút toàn bộ nội dung khiếu nại".into(),
                                withdrawn_on: day(today, 3),
                            },
                            &staff.officer,
                        ))
                        .await
                        .map_err(call_error(what))?;
                }
            }
            Step::RepeatOf(index) => {
                if let Some(case_id) = ids.get(index) {
                    client
                        .link_repeat(authorized(
                            LinkRepeatRequest {
                                petition_id: petition.clone(),
                                case_id: case_id.clone(),
                                note: "Công dân gửi lại đơn cùng nội dung".into(),
                            },
                            &staff.clerk,
                        ))
                        .await
                        .map_err(call_error(what))?;
                }
            }
        }
    }
    Ok(ids)
}

/// Loads the demo petitions and receptions of the district offices.
pub async fn load(channel: &Channel, report: &DemoReport, today: NaiveDate) -> Result<(), DemoError> {
    let mut receptions = ReceptionServiceClient::new(channel.clone());
    for (slug, count) in [("hiephoa", CASES.len()), ("vietyen", 9), ("yendung", 9)] {
        let staff = Staff::of(channel, report, slug).await?;
        let place = "Huyện Hiệp Hòa, tỉnh Bắc Giang";
        let ids = load_office(channel, &staff, (slug, place), &CASES[..count.min(CASES.len())], today).await?;
        // The leader's reception day, at which the first petition was
        // handed over.
        receptions
            .create_reception(authorized(
                CreateReceptionRequest {
                    request_id: format!("demo-reception-{slug}"),
                    received_on: day(today, 2),
                    receiver_id: staff.leader_id.clone(),
                    visitors: vec![
                        Visitor {
                            full_name: "Nguyễn Văn Hòa".into(),
                            address: "Thôn Đông, xã Đông Lỗ".into(),
                            ..Default::default()
                        },
                        Visitor {
                            full_name: "Nguyễn Văn Bình".into(),
                            address: "Thôn Đông, xã Đông Lỗ".into(),
                            ..Default::default()
                        },
                    ],
                    visitor_count: 2,
                    content: "Công dân phản ánh việc thu hồi đất làm đường liên thôn chưa được bồi thường".into(),
                    petition_ids: ids.first().cloned().into_iter().collect(),
                    ..Default::default()
                },
                &staff.clerk,
            ))
            .await
            .map_err(call_error(format!("reception of {slug}")))?;
    }
    Ok(())
}
