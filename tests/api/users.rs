//! Who may see and manage whose people.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::{
    CreateUserRequest, GetUserRequest, ListUsersRequest, Roles, SetPasswordRequest, SignInRequest, UpdateUserRequest,
};

use crate::helpers::{authed, spawn_app};

fn new_user(office_id: String, username: &str, clearance: i32) -> CreateUserRequest {
    CreateUserRequest {
        request_id: String::new(),
        username: username.into(),
        full_name: "Nguyễn Văn Mới".into(),
        office_id,
        roles: vec![Role::Specialist.to_wire()],
        clearance,
        password: "Mat-khau-moi-2026".into(),
    }
}

#[tokio::test]
async fn a_district_admin_manages_its_own_office_and_those_below_but_not_a_sibling() {
    let app = spawn_app().await;
    let admin = app.token("hiephoa", Role::Admin).await;
    let created = app
        .users()
        .create_user(authed(new_user(app.office_id("hiephoa"), "hiephoa.moi", 0), &admin))
        .await
        .expect("own office")
        .into_inner();
    assert_eq!(created.office_id, app.office_id("hiephoa"));
    app.users()
        .create_user(authed(new_user(app.office_id("bacly"), "bacly.moi", 0), &admin))
        .await
        .expect("commune below");

    let e = app
        .users()
        .create_user(authed(new_user(app.office_id("vietyen"), "vietyen.moi", 0), &admin))
        .await
        .expect_err("sibling district");
    assert_eq!(e.code(), Code::PermissionDenied);
    let e = app
        .users()
        .create_user(authed(new_user(app.office_id("tu"), "tu.moi", 0), &admin))
        .await
        .expect_err("parent province");
    assert_eq!(e.code(), Code::PermissionDenied);

    // The same refusal over REST, and nothing was created.
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/directory/users",
            Some(&admin),
            Some(serde_json::json!({
                "username": "vietyen.moi2", "fullName": "Lê Thị Mới", "officeId": app.office_id("vietyen"),
                "roles": ["ROLE_CLERK"], "password": "Mat-khau-moi-2026"
            })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let vietyen_admin = app.token("vietyen", Role::Admin).await;
    let listed = app
        .users()
        .list_users(authed(
            ListUsersRequest {
                office_id: app.office_id("vietyen"),
                ..Default::default()
            },
            &vietyen_admin,
        ))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(listed.users.len(), 7, "only the demo users");
}

#[tokio::test]
async fn a_province_leader_reads_district_users_but_cannot_change_them() {
    let app = spawn_app().await;
    let leader = app.token("tu", Role::Leader).await;
    let listed = app
        .users()
        .list_users(authed(
            ListUsersRequest {
                office_id: app.office_id("hiephoa"),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("a leader reads below")
        .into_inner();
    assert_eq!(listed.users.len(), 7);
    let clerk = listed
        .users
        .iter()
        .find(|u| u.username == "hiephoa.vanthu")
        .expect("clerk")
        .clone();

    let all_below = app
        .users()
        .list_users(authed(
            ListUsersRequest {
                office_id: app.office_id("tu"),
                include_descendants: true,
                page_size: 500,
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("whole province")
        .into_inner();
    assert_eq!(all_below.users.len(), 42 + 1, "every demo user and the admin");

    let e = app
        .users()
        .update_user(authed(
            UpdateUserRequest {
                user_id: clerk.id.clone(),
                full_name: Some("Đổi tên".into()),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect_err("read only");
    assert_eq!(e.code(), Code::PermissionDenied);
    let e = app
        .users()
        .create_user(authed(new_user(app.office_id("hiephoa"), "hiephoa.x", 0), &leader))
        .await
        .expect_err("cannot create");
    assert_eq!(e.code(), Code::PermissionDenied);

    let (status, _, _) = app
        .rest(
            Method::PATCH,
            &format!("/api/v1/directory/users/{}", clerk.id),
            Some(&leader),
            Some(serde_json::json!({"fullName": "Đổi tên"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, user, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/directory/users/{}", clerk.id),
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["fullName"], "Nguyễn Thị Lan", "unchanged");
}

#[tokio::test]
async fn siblings_and_lower_offices_see_nothing_of_each_other() {
    let app = spawn_app().await;
    let vietyen_leader = app.token("vietyen", Role::Leader).await;
    let e = app
        .users()
        .list_users(authed(
            ListUsersRequest {
                office_id: app.office_id("hiephoa"),
                ..Default::default()
            },
            &vietyen_leader,
        ))
        .await
        .expect_err("sibling");
    assert_eq!(e.code(), Code::PermissionDenied);

    let commune_leader = app.token("bacly", Role::Leader).await;
    let e = app
        .users()
        .list_users(authed(
            ListUsersRequest {
                office_id: app.office_id("hiephoa"),
                ..Default::default()
            },
            &commune_leader,
        ))
        .await
        .expect_err("a child does not read its parent");
    assert_eq!(e.code(), Code::PermissionDenied);

    // A specialist sees their own office only.
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let own = app
        .users()
        .list_users(authed(ListUsersRequest::default(), &specialist))
        .await
        .expect("own office")
        .into_inner();
    assert_eq!(own.users.len(), 7);
    let e = app
        .users()
        .list_users(authed(
            ListUsersRequest {
                office_id: app.office_id("bacly"),
                ..Default::default()
            },
            &specialist,
        ))
        .await
        .expect_err("only leaders read below");
    assert_eq!(e.code(), Code::PermissionDenied);
}

#[tokio::test]
async fn search_ignores_diacritics_and_pages_are_complete() {
    let app = spawn_app().await;
    let leader = app.token("tu", Role::Leader).await;
    let found = app
        .users()
        .list_users(authed(
            ListUsersRequest {
                office_id: app.office_id("tu"),
                include_descendants: true,
                query: "nguyen thi".into(),
                page_size: 500,
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("search")
        .into_inner();
    let names: Vec<&str> = found.users.iter().map(|u| u.full_name.as_str()).collect();
    assert!(names.contains(&"Nguyễn Thị Lan"), "{names:?}");
    assert!(names.contains(&"Nguyễn Thị Hồng Nhung"), "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("Nguyễn Thị")), "{names:?}");

    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = app
            .users()
            .list_users(authed(
                ListUsersRequest {
                    office_id: app.office_id("tu"),
                    include_descendants: true,
                    page_size: 10,
                    page_token: token.clone(),
                    ..Default::default()
                },
                &leader,
            ))
            .await
            .expect("page")
            .into_inner();
        assert!(page.users.len() <= 10);
        seen.extend(page.users.into_iter().map(|u| u.username));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "ordered, without repeats");
    assert_eq!(seen.len(), 43);
}

#[tokio::test]
async fn disabling_a_user_revokes_their_sessions_and_blocks_sign_in() {
    let app = spawn_app().await;
    let specialist = app.username("yendung", Role::Specialist);
    let their_token = app.token_for(&specialist).await;
    let admin = app.token("yendung", Role::Admin).await;
    let me = app
        .users()
        .list_users(authed(
            ListUsersRequest {
                query: specialist.clone(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("found")
        .into_inner()
        .users
        .remove(0);
    app.users()
        .update_user(authed(
            UpdateUserRequest {
                user_id: me.id.clone(),
                disabled: Some(true),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("disabled");
    let e = app
        .users()
        .get_user(authed(GetUserRequest { user_id: me.id.clone() }, &their_token))
        .await
        .expect_err("session revoked");
    assert_eq!(e.code(), Code::Unauthenticated);
    let e = app
        .auth()
        .sign_in(SignInRequest {
            username: specialist,
            password: vanphong::demo::DEMO_PASSWORD.into(),
        })
        .await
        .expect_err("disabled");
    assert_eq!(e.code(), Code::Unauthenticated);

    // Roles can be changed by the admin, not granted beyond their clearance.
    let e = app
        .users()
        .update_user(authed(
            UpdateUserRequest {
                user_id: me.id.clone(),
                clearance: Some(3),
                roles: Some(Roles {
                    roles: vec![Role::Leader.to_wire()],
                }),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect_err("top secret is above a district admin");
    assert_eq!(e.code(), Code::PermissionDenied);
}

#[tokio::test]
async fn people_change_their_own_password_with_the_current_one() {
    let app = spawn_app().await;
    let username = app.username("hoangvan", Role::Accountant);
    let token = app.token_for(&username).await;
    let me = app
        .auth()
        .who_am_i(authed(vanphong_proto::directory::v1::WhoAmIRequest {}, &token))
        .await
        .expect("me")
        .into_inner();
    let e = app
        .users()
        .set_password(authed(
            SetPasswordRequest {
                user_id: me.subject_id.clone(),
                new_password: "Mat-khau-moi-2026".into(),
                current_password: "sai".into(),
            },
            &token,
        ))
        .await
        .expect_err("wrong current password");
    assert_eq!(crate::helpers::violated_fields(&e), vec!["current_password"]);
    app.users()
        .set_password(authed(
            SetPasswordRequest {
                user_id: me.subject_id.clone(),
                new_password: "Mat-khau-moi-2026".into(),
                current_password: vanphong::demo::DEMO_PASSWORD.into(),
            },
            &token,
        ))
        .await
        .expect("changed");
    app.auth()
        .sign_in(SignInRequest {
            username,
            password: "Mat-khau-moi-2026".into(),
        })
        .await
        .expect("new password works");
}
