//! The office tree and its history.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::{
    CreateOfficeRequest, DissolveOfficeRequest, GetOfficeRequest, GetOfficeTreeRequest, ListOfficesRequest,
    MergeOfficesRequest, MoveOfficeRequest, NumberingConvention, OfficeKind, OfficeNode, UpdateOfficeRequest,
};

use crate::helpers::{authed, spawn_app, violated_fields};

/// The codes of the children of the node with `code`, anywhere in the tree.
fn children_of(nodes: &[OfficeNode], code: &str) -> Option<Vec<String>> {
    for node in nodes {
        let office = node.office.as_ref()?;
        if office.code == code {
            return Some(
                node.children
                    .iter()
                    .filter_map(|c| c.office.as_ref().map(|o| o.code.clone()))
                    .collect(),
            );
        }
        if let Some(found) = children_of(&node.children, code) {
            return Some(found);
        }
    }
    None
}

#[tokio::test]
async fn the_demo_tree_is_there_for_everyone_signed_in() {
    let app = spawn_app().await;
    let clerk = app.token("bacly", Role::Clerk).await;
    let tree = app
        .offices()
        .get_office_tree(authed(GetOfficeTreeRequest::default(), &clerk))
        .await
        .expect("tree")
        .into_inner();
    assert_eq!(tree.roots.len(), 1);
    assert_eq!(
        tree.roots[0].office.as_ref().map(|o| o.name.as_str()),
        Some("Tỉnh ủy Bắc Giang")
    );
    assert_eq!(
        children_of(&tree.roots, "TU-BG").expect("root"),
        vec!["HU-HH", "HU-VY", "HU-YD"]
    );
    assert_eq!(
        children_of(&tree.roots, "HU-HH").expect("district"),
        vec!["DU-BL", "DU-HV"]
    );

    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/directory/tree", Some(&clerk), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["roots"][0]["office"]["issuerCode"], "TU");
    assert_eq!(body["roots"][0]["office"]["numbering"], "NUMBERING_CONVENTION_PARTY");

    let (status, _, _) = app.rest(Method::GET, "/api/v1/directory/tree", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "signing in is required");
}

#[tokio::test]
async fn the_tree_as_of_a_date_follows_a_reparenting() {
    let app = spawn_app().await;
    let admin = app.token("tu", Role::Admin).await;
    let moved = app
        .offices()
        .move_office(authed(
            MoveOfficeRequest {
                office_id: app.office_id("bacly"),
                new_parent_id: app.office_id("vietyen"),
                effective_date: "2025-07-01".into(),
                reason: "Sắp xếp đơn vị hành chính".into(),
            },
            &admin,
        ))
        .await
        .expect("moved")
        .into_inner();
    assert_eq!(moved.parent_id, app.office_id("vietyen"));
    assert_eq!(moved.history.len(), 2);
    assert_eq!(moved.history[0].effective_to, "2025-07-01");

    let tree_on = |date: &'static str| {
        let mut offices = app.offices();
        let admin = admin.clone();
        async move {
            offices
                .get_office_tree(authed(
                    GetOfficeTreeRequest {
                        as_of: date.into(),
                        ..Default::default()
                    },
                    &admin,
                ))
                .await
                .expect("tree")
                .into_inner()
                .roots
        }
    };
    let before = tree_on("2025-06-30").await;
    assert_eq!(children_of(&before, "HU-HH").expect("hh"), vec!["DU-BL", "DU-HV"]);
    assert_eq!(children_of(&before, "HU-VY").expect("vy"), Vec::<String>::new());
    let after = tree_on("2025-07-01").await;
    assert_eq!(children_of(&after, "HU-HH").expect("hh"), vec!["DU-HV"]);
    assert_eq!(children_of(&after, "HU-VY").expect("vy"), vec!["DU-BL"]);

    // One office, two dates, over REST.
    let path = format!("/api/v1/directory/offices/{}?asOf=2025-01-15", app.office_id("bacly"));
    let (status, body, _) = app.rest(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["parentId"], app.office_id("hiephoa"));
    let got = app
        .offices()
        .get_office(authed(
            GetOfficeRequest {
                office_id: app.office_id("bacly"),
                as_of: "2026-01-01".into(),
            },
            &admin,
        ))
        .await
        .expect("office")
        .into_inner();
    assert_eq!(got.parent_id, app.office_id("vietyen"));
}

#[tokio::test]
async fn impossible_restructurings_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let admin = app.token("tu", Role::Admin).await;
    let move_to = |office: &str, parent: &str, date: &str| MoveOfficeRequest {
        office_id: app.office_id(office),
        new_parent_id: app.office_id(parent),
        effective_date: date.into(),
        reason: String::new(),
    };
    // A district under its own commune: a cycle.
    let e = app
        .offices()
        .move_office(authed(move_to("hiephoa", "bacly", "2025-07-01"), &admin))
        .await
        .expect_err("cycle");
    assert_eq!(violated_fields(&e), vec!["new_parent_id"]);
    // Under itself.
    let e = app
        .offices()
        .move_office(authed(move_to("hiephoa", "hiephoa", "2025-07-01"), &admin))
        .await
        .expect_err("itself");
    assert_eq!(violated_fields(&e), vec!["new_parent_id"]);
    // Before the office's last change.
    let e = app
        .offices()
        .move_office(authed(move_to("bacly", "vietyen", "1990-01-01"), &admin))
        .await
        .expect_err("order");
    assert_eq!(violated_fields(&e), vec!["effective_date"]);
    // Then a real move, and one dated before it.
    app.offices()
        .move_office(authed(move_to("bacly", "vietyen", "2025-07-01"), &admin))
        .await
        .expect("moved");
    let e = app
        .offices()
        .move_office(authed(move_to("bacly", "yendung", "2025-03-01"), &admin))
        .await
        .expect_err("before the last change");
    assert_eq!(violated_fields(&e), vec!["effective_date"]);
    // A malformed date and an unknown office.
    let e = app
        .offices()
        .move_office(authed(
            MoveOfficeRequest {
                office_id: app.office_id("bacly"),
                new_parent_id: uuid::Uuid::now_v7().to_string(),
                effective_date: "01/07/2025".into(),
                reason: String::new(),
            },
            &admin,
        ))
        .await
        .expect_err("bad date");
    assert_eq!(violated_fields(&e), vec!["effective_date"]);

    let office = app
        .offices()
        .get_office(authed(
            GetOfficeRequest {
                office_id: app.office_id("hiephoa"),
                as_of: String::new(),
            },
            &admin,
        ))
        .await
        .expect("office")
        .into_inner();
    assert_eq!(office.history.len(), 1, "nothing was written for the refused moves");
    assert_eq!(office.parent_id, app.office_id("tu"));
}

#[tokio::test]
async fn only_admins_above_an_office_restructure_it() {
    let app = spawn_app().await;
    let district_admin = app.token("hiephoa", Role::Admin).await;
    let e = app
        .offices()
        .move_office(authed(
            MoveOfficeRequest {
                office_id: app.office_id("bacly"),
                new_parent_id: app.office_id("vietyen"),
                effective_date: "2025-07-01".into(),
                reason: String::new(),
            },
            &district_admin,
        ))
        .await
        .expect_err("not admin of the target parent");
    assert_eq!(e.code(), Code::PermissionDenied);
    let leader = app.token("tu", Role::Leader).await;
    let e = app
        .offices()
        .update_office(authed(
            UpdateOfficeRequest {
                office_id: app.office_id("hiephoa"),
                name: Some("Tên mới".into()),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect_err("leaders do not administer");
    assert_eq!(e.code(), Code::PermissionDenied);

    // A district admin creates a commune under its own office.
    let created = app
        .offices()
        .create_office(authed(
            CreateOfficeRequest {
                request_id: "new-commune".into(),
                code: "DU-DL".into(),
                name: "Đảng ủy xã Đông Lỗ".into(),
                kind: OfficeKind::Commune as i32,
                issuer_code: "ĐU".into(),
                numbering: NumberingConvention::Party as i32,
                parent_id: app.office_id("hiephoa"),
                established_on: "2020-01-01".into(),
            },
            &district_admin,
        ))
        .await
        .expect("created")
        .into_inner();
    assert_eq!(created.parent_id, app.office_id("hiephoa"));
}

#[tokio::test]
async fn merging_districts_dissolves_them_and_moves_their_communes() {
    let app = spawn_app().await;
    let admin = app.token("tu", Role::Admin).await;
    let merged = app
        .offices()
        .merge_offices(authed(
            MergeOfficesRequest {
                office_ids: vec![app.office_id("hiephoa")],
                into_office_id: app.office_id("vietyen"),
                effective_date: "2025-07-01".into(),
                reason: "Nghị quyết 203/2025/QH15".into(),
                move_people: false,
                request_id: String::new(),
            },
            &admin,
        ))
        .await
        .expect("merged")
        .into_inner();
    assert_eq!(merged.dissolved.len(), 1);
    assert_eq!(merged.dissolved[0].dissolved_on, "2025-07-01");
    assert_eq!(merged.dissolved[0].successor_id, app.office_id("vietyen"));

    let listed = app
        .offices()
        .list_offices(authed(
            ListOfficesRequest {
                as_of: "2025-07-01".into(),
                include_dissolved: false,
            },
            &admin,
        ))
        .await
        .expect("list")
        .into_inner();
    let codes: Vec<&str> = listed.offices.iter().map(|o| o.code.as_str()).collect();
    assert_eq!(codes, vec!["DU-BL", "DU-HV", "HU-VY", "HU-YD", "TU-BG"]);
    let communes: Vec<&str> = listed
        .offices
        .iter()
        .filter(|o| o.code.starts_with("DU-"))
        .map(|o| o.parent_id.as_str())
        .collect();
    assert_eq!(communes, vec![app.office_id("vietyen"), app.office_id("vietyen")]);

    // Before the merger the old tree still holds.
    let earlier = app
        .offices()
        .list_offices(authed(
            ListOfficesRequest {
                as_of: "2025-06-30".into(),
                include_dissolved: false,
            },
            &admin,
        ))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(earlier.offices.len(), 6);

    // A dissolved office cannot be moved.
    let e = app
        .offices()
        .move_office(authed(
            MoveOfficeRequest {
                office_id: app.office_id("hiephoa"),
                new_parent_id: app.office_id("yendung"),
                effective_date: "2025-08-01".into(),
                reason: String::new(),
            },
            &admin,
        ))
        .await
        .expect_err("dissolved");
    assert_eq!(e.code(), Code::FailedPrecondition);

    // Dissolving an office with children needs a successor.
    let e = app
        .offices()
        .dissolve_office(authed(
            DissolveOfficeRequest {
                office_id: app.office_id("vietyen"),
                effective_date: "2025-09-01".into(),
                successor_id: String::new(),
                reason: String::new(),
                move_people: false,
                request_id: String::new(),
            },
            &admin,
        ))
        .await
        .expect_err("children need a successor");
    assert_eq!(violated_fields(&e), vec!["successor_id"]);
}
