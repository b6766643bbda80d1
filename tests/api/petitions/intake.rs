//! Intake: numbers per office and year, retries, bad input, anonymous
//! petitions.

use chrono::{Duration, TimeZone, Utc};
use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::petitions::v1::{
    AnonymousRule, GetPolicyRequest, ListPetitionsRequest, PetitionKind, PetitionState, UpdatePolicyRequest,
};

use super::support::{catalog, create, letter, office, person, petitions, take_in};
use crate::helpers::{authed, spawn_app, violated_fields};

#[tokio::test]
async fn numbers_run_per_office_and_year_and_a_retry_creates_one_petition() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let mut calls = Vec::new();
    for n in 1..=20 {
        let mut client = petitions(&app);
        let request = authed(letter("2026-02-27", &format!("Đơn số {n} về đất đai")), &hh.clerk);
        calls.push(tokio::spawn(async move { client.create_petition(request).await }));
    }
    let mut numbers = Vec::new();
    for call in calls {
        let p = call
            .await
            .expect("joined")
            .expect("created")
            .into_inner()
            .petition
            .expect("petition");
        assert_eq!(p.year, 2026);
        assert_eq!(p.number_label, format!("{}/2026", p.number));
        numbers.push(p.number);
    }
    numbers.sort();
    assert_eq!(numbers, (1..=20).collect::<Vec<i64>>(), "gap-free, never repeated");

    // A retry with the same key is the first petition, and takes no number.
    let mut keyed = letter("2026-02-27", "Khiếu nại về việc cấp giấy chứng nhận quyền sử dụng đất");
    keyed.request_id = "tiep-nhan-021".into();
    let first = take_in(&app, &hh.clerk, keyed.clone()).await;
    let again = take_in(&app, &hh.clerk, keyed).await;
    assert_eq!(first.id, again.id);
    assert_eq!(first.number, 21);
    let next = take_in(&app, &hh.clerk, letter("2026-02-27", "Đơn tiếp theo")).await;
    assert_eq!(next.number, 22);

    // Pages of the list hold every petition once, newest first.
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = petitions(&app)
            .list_petitions(authed(
                ListPetitionsRequest {
                    page_size: 10,
                    page_token: token.clone(),
                    ..Default::default()
                },
                &hh.clerk,
            ))
            .await
            .expect("page")
            .into_inner();
        seen.extend(page.petitions.into_iter().map(|p| p.number));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    seen.sort();
    assert_eq!(seen, (1..=22).collect::<Vec<i64>>());
    let e = petitions(&app)
        .list_petitions(authed(
            ListPetitionsRequest {
                page_token: "not-a-token".into(),
                ..Default::default()
            },
            &hh.clerk,
        ))
        .await
        .expect_err("bad token");
    assert_eq!(violated_fields(&e), vec!["page_token"]);

    // Another office counts on its own.
    let vy = office(&app, "vietyen").await;
    assert_eq!(
        take_in(&app, &vy.clerk, letter("2026-02-27", "Đơn khác")).await.number,
        1
    );

    // A new year in Hà Nội (local midnight) starts again at 1.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 31, 16, 59, 0).single().expect("time"));
    let clerk = app.token("hiephoa", Role::Clerk).await;
    assert_eq!(take_in(&app, &clerk, letter("2026-12-30", "Cuối năm")).await.number, 23);
    app.clock.advance(Duration::minutes(2));
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let new_year = take_in(&app, &clerk, letter("2026-12-30", "Đầu năm")).await;
    assert_eq!((new_year.year, new_year.number), (2027, 1));
}

#[tokio::test]
async fn bad_intake_names_each_field_and_writes_nothing() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let mut bad = letter("2026-03-03", "");
    bad.kind = 0;
    bad.petitioners = vec![person("", "024085001234"), person("Trần Thị Bình", "12-AB")];
    let e = petitions(&app)
        .create_petition(authed(bad, &hh.clerk))
        .await
        .expect_err("invalid");
    let mut fields = violated_fields(&e);
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "content",
            "kind",
            "petitioners[0].full_name",
            "petitioners[1].id_number",
            "received_on"
        ]
    );
    assert!(
        e.message().contains("nặc danh"),
        "explains the anonymous flag: {}",
        e.message()
    );

    let mut nobody = letter("2026-03-01", "Đơn không người đứng tên");
    nobody.petitioners.clear();
    let e = petitions(&app)
        .create_petition(authed(nobody, &hh.clerk))
        .await
        .expect_err("nobody");
    assert_eq!(violated_fields(&e), vec!["petitioners"]);

    let mut named_anonymous = letter("2026-03-01", "Nặc danh mà có tên");
    named_anonymous.anonymous = true;
    let e = petitions(&app)
        .create_petition(authed(named_anonymous, &hh.clerk))
        .await
        .expect_err("anonymous with names");
    assert_eq!(violated_fields(&e), vec!["petitioners"]);

    let mut unknown_area = letter("2026-03-01", "Lĩnh vực lạ");
    unknown_area.subject_area_code = "XYZ".into();
    let e = petitions(&app)
        .create_petition(authed(unknown_area, &hh.clerk))
        .await
        .expect_err("area");
    assert_eq!(violated_fields(&e), vec!["subject_area_code"]);

    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/petitions",
            Some(&hh.clerk),
            Some(serde_json::json!({
                "channel": "INTAKE_CHANNEL_MAIL", "receivedOn": "2027-01-01", "kind": "PETITION_KIND_COMPLAINT",
                "subjectAreaCode": "DD", "content": "Ngày nhận trong tương lai",
                "petitioners": [{"fullName": "Nguyễn Văn An"}]
            })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("received_on"), "{body}");

    // Only clerks, petition officers and leaders take petitions in.
    let accountant = app.token("hiephoa", Role::Accountant).await;
    let e = petitions(&app)
        .create_petition(authed(letter("2026-03-01", "Kế toán nhận đơn"), &accountant))
        .await
        .expect_err("role");
    assert_eq!(e.code(), Code::PermissionDenied);

    let listed = petitions(&app)
        .list_petitions(authed(ListPetitionsRequest::default(), &hh.leader))
        .await
        .expect("list")
        .into_inner();
    assert!(listed.petitions.is_empty(), "nothing was written");
    let ok = take_in(&app, &hh.clerk, letter("2026-03-01", "Hợp lệ")).await;
    assert_eq!(ok.number, 1, "refused attempts used no number");
    assert_eq!(ok.state, PetitionState::Classifying as i32);
    assert_eq!(ok.classification_due_on, "2026-03-13", "10 working days after 1/3");
}

#[tokio::test]
async fn anonymous_petitions_follow_the_configured_rule() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let mut anonymous = letter("2026-03-02", "Tố cáo cán bộ địa chính xã nhận tiền");
    anonymous.kind = PetitionKind::Denunciation as i32;
    anonymous.anonymous = true;
    anonymous.petitioners.clear();
    let filed = take_in(&app, &hh.clerk, anonymous.clone()).await;
    assert_eq!(filed.state, PetitionState::Filed as i32, "lưu đơn by default");
    assert!(!filed.closed_on.is_empty());
    assert!(filed.closing_note.contains("nặc danh"), "{}", filed.closing_note);
    assert!(!filed.identity_redacted && filed.petitioners.is_empty());

    // The root office's admin changes the rule: anonymous petitions are
    // then classified like others.
    let root_admin = app.token("tu", Role::Admin).await;
    let mut policy = catalog(&app)
        .get_policy(authed(GetPolicyRequest {}, &root_admin))
        .await
        .expect("policy")
        .into_inner();
    policy.anonymous_rule = AnonymousRule::Classify as i32;
    let e = catalog(&app)
        .update_policy(authed(
            UpdatePolicyRequest {
                policy: Some(policy.clone()),
            },
            &hh.leader,
        ))
        .await
        .expect_err("only the root admin");
    assert_eq!(e.code(), Code::PermissionDenied);
    catalog(&app)
        .update_policy(authed(UpdatePolicyRequest { policy: Some(policy) }, &root_admin))
        .await
        .expect("updated");
    let open = create(&app, &hh.clerk, anonymous).await.petition.expect("petition");
    assert_eq!(open.state, PetitionState::Classifying as i32);
}
