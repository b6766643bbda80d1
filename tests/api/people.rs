//! The people lookup (`ListPeople`, `GET /api/v1/people`): whom a caller may
//! pick in a form, by office and role, searched without diacritics; sibling
//! offices get nothing.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::{CreateUserRequest, ListPeopleRequest, ListPeopleResponse, UpdateUserRequest};

use crate::helpers::{TestApp, authed, spawn_app, violated_fields};
use crate::names::full_name;

async fn people(app: &TestApp, token: &str, request: ListPeopleRequest) -> Result<ListPeopleResponse, tonic::Status> {
    app.users()
        .list_people(authed(request, token))
        .await
        .map(|r| r.into_inner())
}

async fn add_person(app: &TestApp, slug: &str, username: &str, full_name: &str, role: Role) -> String {
    let admin = app.token(slug, Role::Admin).await;
    app.users()
        .create_user(authed(
            CreateUserRequest {
                username: username.into(),
                full_name: full_name.into(),
                office_id: app.office_id(slug),
                roles: vec![role.to_wire()],
                password: "Mat-khau-moi-2026".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("created")
        .into_inner()
        .id
}

#[tokio::test]
async fn anyone_of_the_office_picks_its_active_people_by_role_and_name_without_diacritics() {
    let app = spawn_app().await;
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let office_name = app.demo.office("hiephoa").expect("office").name.to_string();

    let everyone = people(&app, &specialist, ListPeopleRequest::default())
        .await
        .expect("listed");
    let leader_name = full_name(&app, "hiephoa", Role::Leader).await;
    let leader = everyone
        .people
        .iter()
        .find(|p| p.full_name == leader_name)
        .expect("the leader is listed");
    assert_eq!(leader.office_id, app.office_id("hiephoa"));
    assert_eq!(leader.office_name, office_name);
    assert!(leader.roles.contains(&Role::Leader.to_wire()));
    assert!(everyone.people.iter().all(|p| p.office_id == app.office_id("hiephoa")));

    let leaders = people(
        &app,
        &specialist,
        ListPeopleRequest {
            role: Role::Leader.to_wire(),
            ..Default::default()
        },
    )
    .await
    .expect("listed");
    assert!(!leaders.people.is_empty());
    assert!(leaders.people.iter().all(|p| p.roles.contains(&Role::Leader.to_wire())));

    let ha = add_person(&app, "hiephoa", "tran.thi.ha", "Trần Thị Hà", Role::Specialist).await;
    let found = people(
        &app,
        &specialist,
        ListPeopleRequest {
            query: "TRAN thi ha".into(),
            ..Default::default()
        },
    )
    .await
    .expect("found");
    assert_eq!(
        found.people.iter().map(|p| p.full_name.as_str()).collect::<Vec<_>>(),
        vec!["Trần Thị Hà"]
    );

    // A disabled account is no longer offered.
    let admin = app.token("hiephoa", Role::Admin).await;
    app.users()
        .update_user(authed(
            UpdateUserRequest {
                user_id: ha,
                disabled: Some(true),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("disabled");
    let after = people(
        &app,
        &specialist,
        ListPeopleRequest {
            query: "tran thi ha".into(),
            ..Default::default()
        },
    )
    .await
    .expect("listed");
    assert!(after.people.is_empty(), "{:?}", after.people);

    // The same over REST.
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/people?role=ROLE_LEADER", Some(&specialist), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["people"][0]["officeName"], office_name);
    assert!(
        body["people"][0]["roles"]
            .as_array()
            .expect("roles")
            .contains(&"ROLE_LEADER".into())
    );
}

#[tokio::test]
async fn sibling_offices_get_nothing_and_leaders_see_the_offices_below() {
    let app = spawn_app().await;
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let sibling = people(
        &app,
        &specialist,
        ListPeopleRequest {
            office_id: app.office_id("vietyen"),
            ..Default::default()
        },
    )
    .await
    .expect_err("refused");
    assert_eq!(sibling.code(), Code::PermissionDenied);
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/people?officeId={}", app.office_id("vietyen")),
            Some(&specialist),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // A district's leader cannot list the province's people.
    let district_leader = app.token("hiephoa", Role::Leader).await;
    let up = people(
        &app,
        &district_leader,
        ListPeopleRequest {
            office_id: app.office_id("tu"),
            ..Default::default()
        },
    )
    .await
    .expect_err("refused");
    assert_eq!(up.code(), Code::PermissionDenied);

    // The province's leader picks among the districts' people too.
    let province_leader = app.token("tu", Role::Leader).await;
    let below = people(
        &app,
        &province_leader,
        ListPeopleRequest {
            include_descendants: true,
            role: Role::Leader.to_wire(),
            page_size: 500,
            ..Default::default()
        },
    )
    .await
    .expect("listed");
    let hiephoa_leader = full_name(&app, "hiephoa", Role::Leader).await;
    assert!(
        below
            .people
            .iter()
            .any(|p| p.full_name == hiephoa_leader && p.office_id == app.office_id("hiephoa"))
    );
}

#[tokio::test]
async fn pages_follow_one_another_and_bad_input_names_the_field() {
    let app = spawn_app().await;
    let leader = app.token("tu", Role::Leader).await;
    let all = people(
        &app,
        &leader,
        ListPeopleRequest {
            include_descendants: true,
            page_size: 500,
            ..Default::default()
        },
    )
    .await
    .expect("listed");
    assert!(all.people.len() > 3);
    let mut paged = Vec::new();
    let mut token = String::new();
    loop {
        let page = people(
            &app,
            &leader,
            ListPeopleRequest {
                include_descendants: true,
                page_size: 2,
                page_token: token.clone(),
                ..Default::default()
            },
        )
        .await
        .expect("page");
        assert!(page.people.len() <= 2);
        paged.extend(page.people.into_iter().map(|p| p.id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(paged, all.people.iter().map(|p| p.id.clone()).collect::<Vec<_>>());

    let bad = people(
        &app,
        &leader,
        ListPeopleRequest {
            role: 99,
            page_token: "###".into(),
            ..Default::default()
        },
    )
    .await
    .expect_err("refused");
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&bad), vec!["role", "page_token"]);
}
