//! Figures of a period for reporting, receptions and the leaders' reception
//! duty, and the spreadsheets.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::Duration;
use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::petitions::v1::{
    CheckReceptionDutyRequest, ClassificationOutcome, ClassifyPetitionRequest, CompetentAuthority,
    CreateReceptionRequest, ExportFiguresRequest, ExportRegisterRequest, GetFiguresRequest, GetReceptionRequest,
    IntakeChannel, ListReceptionsRequest, PriorStage,
};

use super::support::{accept, letter, office, person, petitions, reception, receptions, take_in, visitor};
use crate::helpers::{authed, spawn_app, violated_fields};

fn sheet(bytes: Vec<u8>, name: &str) -> calamine::Range<Data> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx");
    book.worksheet_range(name).expect("sheet")
}

fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn the_figures_of_a_period_roll_up_and_export() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let leader_id = app.user_id("hiephoa", Role::Leader).await;
    // Carried over from February, accepted then.
    let old = take_in(&app, &hh.clerk, letter("2026-02-05", "Khiếu nại về bồi thường đất")).await;
    accept(&app, &hh.officer, &old.id, &hh.specialist_id, |r| {
        r.accepted_on = "2026-02-06".into();
        r.competent_authority = CompetentAuthority::Administrative as i32;
    })
    .await;
    // Received in the period: two people, transferred to the Party's
    // inspection committee.
    let mut group = letter(
        "2026-03-02",
        "Tố cáo đảng viên vi phạm quy định những điều đảng viên không được làm",
    );
    group.petitioners.push(person("Trần Thị Bình", ""));
    group.prior_stage = PriorStage::FirstTime as i32;
    group.channel = IntakeChannel::InPerson as i32;
    let group = take_in(&app, &hh.clerk, group).await;
    petitions(&app)
        .classify_petition(authed(
            ClassifyPetitionRequest {
                petition_id: group.id.clone(),
                outcome: ClassificationOutcome::Transfer as i32,
                transfer_to: "Ủy ban Kiểm tra Huyện ủy".into(),
                note: "Thuộc thẩm quyền của Ủy ban Kiểm tra".into(),
                competent_authority: CompetentAuthority::Party as i32,
                ..Default::default()
            },
            &hh.officer,
        ))
        .await
        .expect("transferred");
    // A commune below received one.
    let bacly = office(&app, "bacly").await;
    take_in(
        &app,
        &bacly.clerk,
        letter("2026-03-01", "Phản ánh về lấn chiếm đất công"),
    )
    .await;
    // Receptions: the leader on one day (two sessions), an officer on another.
    let officer_id = app.user_id("hiephoa", Role::PetitionOfficer).await;
    let first = reception(
        &app,
        &hh.clerk,
        &leader_id,
        "2026-03-02",
        &["Nguyễn Văn An", "Trần Thị Bình"],
    )
    .await;
    reception(&app, &hh.clerk, &leader_id, "2026-03-02", &["Lê Văn Cường"]).await;
    reception(&app, &hh.clerk, &officer_id, "2026-03-01", &["Phạm Thị Dung"]).await;

    let request = GetFiguresRequest {
        office_id: app.office_id("hiephoa"),
        include_descendants: true,
        from: "2026-03-01".into(),
        to: "2026-03-31".into(),
    };
    let figures = petitions(&app)
        .get_figures(authed(request.clone(), &hh.leader))
        .await
        .expect("figures")
        .into_inner();
    assert_eq!(figures.rows.len(), 3, "Hiệp Hòa, Bắc Lý, Hoàng Vân");
    let own = &figures.rows[0];
    assert_eq!(own.office_id, app.office_id("hiephoa"));
    assert_eq!((own.carried_over_single, own.carried_over_multi), (1, 0));
    assert_eq!((own.received_single, own.received_multi), (0, 1));
    assert_eq!(own.eligible, 2);
    assert_eq!((own.authority_administrative, own.authority_party), (1, 1));
    assert_eq!((own.stage_not_yet_resolved, own.stage_first_time), (1, 1));
    assert_eq!(own.outcome_transferred, 1);
    assert_eq!(
        own.overdue_at_end, 1,
        "the February case was due 27/3 (30 working days across Tết)"
    );
    assert_eq!(
        (own.reception_days_held, own.reception_sessions, own.reception_visitors),
        (1, 3, 4)
    );
    let total = figures.total.expect("total");
    assert_eq!(total.received_single, 1, "Bắc Lý's");
    assert_eq!(total.received_multi, 1);

    // Reporting reads the same over REST; other offices may not.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!(
                "/api/v1/petitions/figures?officeId={}&includeDescendants=true&from=2026-03-01&to=2026-03-31",
                app.office_id("hiephoa")
            ),
            Some(&hh.leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"]["receivedMulti"], "1");
    let sibling = app.token("vietyen", Role::Leader).await;
    let e = petitions(&app)
        .get_figures(authed(request.clone(), &sibling))
        .await
        .expect_err("sibling");
    assert_eq!(e.code(), Code::PermissionDenied);
    let mut backwards = request.clone();
    backwards.to = "2026-02-01".into();
    let e = petitions(&app)
        .get_figures(authed(backwards, &hh.leader))
        .await
        .expect_err("period");
    assert_eq!(violated_fields(&e), vec!["to"]);

    // The statistics table as a spreadsheet.
    let file = petitions(&app)
        .export_figures(authed(
            ExportFiguresRequest {
                office_id: request.office_id.clone(),
                include_descendants: true,
                from: request.from.clone(),
                to: request.to.clone(),
            },
            &hh.leader,
        ))
        .await
        .expect("export")
        .into_inner();
    assert!(file.file_name.ends_with(".xlsx"));
    let table = sheet(file.content, "Thống kê đơn thư");
    assert_eq!(text(&table, 3, 0), "Đơn vị");
    assert_eq!(text(&table, 3, 4), "Tiếp nhận trong kỳ: đơn nhiều người đứng tên");
    assert_eq!(text(&table, 4, 0), "Huyện ủy Hiệp Hòa");
    assert_eq!(text(&table, 4, 4), "1");
    assert_eq!(text(&table, 7, 0), "Tổng cộng");
    assert_eq!(text(&table, 7, 3), "1");

    // The register: names for the office's leader (audited), hidden from
    // the clerk.
    let register = |token: String| {
        let mut client = petitions(&app);
        async move {
            client
                .export_register(authed(
                    ExportRegisterRequest {
                        office_id: String::new(),
                        from: "2026-01-01".into(),
                        to: "2026-03-31".into(),
                    },
                    &token,
                ))
                .await
                .expect("register")
                .into_inner()
        }
    };
    let book = sheet(register(hh.leader.clone()).await.content, "Sổ theo dõi đơn");
    assert_eq!(text(&book, 3, 4), "Họ tên người gửi đơn");
    assert_eq!(text(&book, 4, 1), old.number_label);
    assert_eq!(text(&book, 4, 4), "Nguyễn Văn An");
    assert_eq!(text(&book, 5, 4), "Nguyễn Văn An; Trần Thị Bình");
    assert!(text(&book, 5, 10).starts_with("Chuyển đơn"), "{}", text(&book, 5, 10));
    let book = sheet(register(hh.clerk.clone()).await.content, "Sổ theo dõi đơn");
    assert!(text(&book, 4, 4).starts_with("(đã ẩn"), "{}", text(&book, 4, 4));

    // Visitors of a reception are protected like petitioners.
    let seen = receptions(&app)
        .get_reception(authed(
            GetReceptionRequest {
                reception_id: first.clone(),
            },
            &hh.clerk,
        ))
        .await
        .expect("reception")
        .into_inner();
    assert!(seen.identity_redacted && seen.visitors.is_empty());
    assert_eq!(seen.visitor_count, 2);
    let seen = receptions(&app)
        .get_reception(authed(GetReceptionRequest { reception_id: first }, &hh.leader))
        .await
        .expect("reception")
        .into_inner();
    assert_eq!(seen.visitors[1].full_name, "Trần Thị Bình");
    assert!(seen.by_leader);
}

#[tokio::test]
async fn reception_duty_per_office_level() {
    let app = spawn_app().await;
    // Hoàng Vân (a commune) must hold two reception days a month, Hiệp Hòa
    // (a district) one.
    let hv_clerk = app.token("hoangvan", Role::Clerk).await;
    let hv_leader = app.user_id("hoangvan", Role::Leader).await;
    reception(&app, &hv_clerk, &hv_leader, "2026-03-02", &["Bùi Văn Tám"]).await;
    let hh_clerk = app.token("hiephoa", Role::Clerk).await;
    let hh_leader = app.user_id("hiephoa", Role::Leader).await;
    reception(&app, &hh_clerk, &hh_leader, "2026-03-02", &["Nguyễn Văn An"]).await;

    let leader = app.token("hiephoa", Role::Leader).await;
    let duty = |token: String| {
        let mut client = receptions(&app);
        let office = app.office_id("hiephoa");
        async move {
            client
                .check_reception_duty(authed(
                    CheckReceptionDutyRequest {
                        office_id: office,
                        include_descendants: true,
                        year: 2026,
                        month: 3,
                    },
                    &token,
                ))
                .await
                .expect("duty")
                .into_inner()
                .rows
        }
    };
    let rows = duty(leader).await;
    let row = |code: &str| {
        rows.iter()
            .find(|r| r.office_id == app.office_id(code))
            .cloned()
            .expect("row")
    };
    assert_eq!(
        (
            row("hiephoa").required_days,
            row("hiephoa").held_days,
            row("hiephoa").met
        ),
        (1, 1, true)
    );
    assert_eq!(
        (
            row("hoangvan").required_days,
            row("hoangvan").held_days,
            row("hoangvan").met
        ),
        (2, 1, false)
    );
    assert_eq!((row("bacly").held_days, row("bacly").met), (0, false));

    // A second day later in the month meets the commune's duty.
    app.clock.advance(Duration::days(7));
    let hv_clerk = app.token("hoangvan", Role::Clerk).await;
    reception(&app, &hv_clerk, &hv_leader, "2026-03-09", &["Bùi Văn Tám"]).await;
    let rows = duty(app.token("hiephoa", Role::Leader).await).await;
    let hv = rows
        .iter()
        .find(|r| r.office_id == app.office_id("hoangvan"))
        .expect("row");
    assert!(hv.met);
    assert_eq!(hv.days, vec!["2026-03-02", "2026-03-09"]);

    // A reception in the future, or by someone of another office, is refused.
    let e = receptions(&app)
        .create_reception(authed(
            CreateReceptionRequest {
                received_on: "2026-04-01".into(),
                receiver_id: app.user_id("vietyen", Role::Leader).await,
                visitors: vec![visitor("Bùi Văn Tám")],
                content: "Tiếp dân".into(),
                ..Default::default()
            },
            &hv_clerk,
        ))
        .await
        .expect_err("future");
    assert_eq!(violated_fields(&e), vec!["received_on"]);
}

#[tokio::test]
async fn receptions_are_listed_newest_first_a_page_at_a_time() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let leader = app.user_id("hiephoa", Role::Leader).await;
    let mut ids = Vec::new();
    for on in ["2026-01-15", "2026-03-02", "2026-02-27", "2026-03-02"] {
        ids.push(reception(&app, &clerk, &leader, on, &["Nguyễn Văn An"]).await);
    }
    let list = |token: String, page_token: String| {
        let mut client = receptions(&app);
        async move {
            client
                .list_receptions(authed(
                    ListReceptionsRequest {
                        page_size: 3,
                        page_token,
                        ..Default::default()
                    },
                    &token,
                ))
                .await
        }
    };
    let first = list(clerk.clone(), String::new())
        .await
        .expect("first page")
        .into_inner();
    let seen: Vec<&str> = first.receptions.iter().map(|r| r.id.as_str()).collect();
    // The day's later one first, then the earlier, then 27 February.
    assert_eq!(seen, vec![ids[3].as_str(), ids[1].as_str(), ids[2].as_str()]);
    assert!(!first.next_page_token.is_empty());
    let second = list(clerk.clone(), first.next_page_token)
        .await
        .expect("second page")
        .into_inner();
    let seen: Vec<&str> = second.receptions.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(seen, vec![ids[0].as_str()]);
    assert!(second.next_page_token.is_empty());
    let e = list(clerk, "not-a-token".into())
        .await
        .expect_err("a token it did not issue");
    assert_eq!(violated_fields(&e), vec!["page_token"]);
}
