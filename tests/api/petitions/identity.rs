//! Protected identity: petitioners are seen only by the assigned handler and
//! the leaders of the owning office, each view audited; sibling offices see
//! nothing; name search only for those who may see identities.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::ListAuditRecordsRequest;
use vanphong_proto::petitions::v1::{GetPetitionRequest, ListPetitionsRequest, PetitionKind};

use super::support::{accept, audit, audit_actions, letter, office, person, petitions, take_in};
use crate::helpers::{TestApp, authed, spawn_app};

async fn identity_views(app: &TestApp, office: &str, petition: &str) -> usize {
    audit_actions(app, office, petition)
        .await
        .iter()
        .filter(|a| *a == "view_identity")
        .count()
}

#[tokio::test]
async fn identity_is_seen_only_by_the_handler_and_the_office_leaders() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let mut request = letter("2026-03-02", "Tố cáo trưởng thôn thu tiền trái quy định");
    request.kind = PetitionKind::Denunciation as i32;
    request.petitioners = vec![
        person("Hoàng Thị Cúc", "024190005555"),
        person("Đỗ Văn Khải", "024088007777"),
    ];
    let created = take_in(&app, &hh.clerk, request).await;
    assert!(
        created.identity_redacted,
        "the clerk who typed it in does not keep seeing it"
    );
    assert!(created.multi_name);
    let p = accept(&app, &hh.officer, &created.id, &hh.specialist_id, |_| {}).await;
    assert!(p.identity_redacted, "the petition officer is not the handler");
    assert_eq!(p.petitioners.len(), 2);
    assert!(
        p.petitioners
            .iter()
            .all(|x| x.redacted && x.full_name.is_empty() && x.phone.is_empty())
    );
    let before = identity_views(&app, "hiephoa", &p.id).await;
    assert_eq!(before, 0, "nobody has seen the identity yet");

    let get = |token: String| {
        let mut client = petitions(&app);
        let id = p.id.clone();
        async move {
            client
                .get_petition(authed(GetPetitionRequest { petition_id: id }, &token))
                .await
        }
    };
    // Every role of the office but the handler and the leader: redacted.
    for role in [
        Role::Clerk,
        Role::PetitionOfficer,
        Role::Accountant,
        Role::Inspector,
        Role::Admin,
    ] {
        let seen = get(app.token("hiephoa", role).await)
            .await
            .expect("readable")
            .into_inner();
        assert!(seen.identity_redacted, "{role:?}");
        let text = format!("{seen:?}");
        assert!(
            !text.contains("Cúc") && !text.contains("024190005555"),
            "{role:?} saw the identity"
        );
        assert_eq!(seen.content, p.content, "{role:?} still reads the case");
    }
    // Leaders of the parent office read the case, not the identity.
    let province = get(app.token("tu", Role::Leader).await)
        .await
        .expect("parent reads")
        .into_inner();
    assert!(province.identity_redacted);
    // A sibling office sees nothing at all.
    let e = get(app.token("vietyen", Role::Leader).await)
        .await
        .expect_err("sibling");
    assert_eq!(e.code(), Code::NotFound);
    assert_eq!(
        identity_views(&app, "hiephoa", &p.id).await,
        0,
        "no identity shown so far"
    );

    // The handler sees it, and the view is audited.
    let seen = get(hh.specialist.clone()).await.expect("handler").into_inner();
    assert!(!seen.identity_redacted);
    assert_eq!(seen.petitioners[0].full_name, "Hoàng Thị Cúc");
    assert_eq!(seen.petitioners[1].id_number, "024088007777");
    assert_eq!(identity_views(&app, "hiephoa", &p.id).await, 1);
    // So does the office's leader (over REST), audited again.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/petitions/{}", p.id),
            Some(&hh.leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["petitioners"][0]["fullName"], "Hoàng Thị Cúc");
    assert_eq!(identity_views(&app, "hiephoa", &p.id).await, 2);

    // The audit trail itself never holds the identity.
    let admin = app.token("hiephoa", Role::Admin).await;
    let trail = audit(&app)
        .list_audit_records(authed(
            ListAuditRecordsRequest {
                office_id: app.office_id("hiephoa"),
                page_size: 500,
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("trail")
        .into_inner();
    let text = format!("{trail:?}");
    for identity in ["Cúc", "024190005555", "Thôn Đông Lỗ", "0912 345 678"] {
        assert!(!text.contains(identity), "{identity}: {text}");
    }
    // A view is recorded beside the petition's changes, not as its state:
    // the trail still verifies against the petitions as stored.
    let inspector = app.token("hiephoa", Role::Inspector).await;
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/petitions/audit/verify",
            Some(&inspector),
            Some(serde_json::json!({ "officeId": app.office_id("hiephoa") })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["intact"], true, "{body}");
}

#[tokio::test]
async fn name_search_is_only_for_those_who_may_see_identities() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let mut mine = letter("2026-03-02", "Khiếu nại về chế độ người có công");
    mine.petitioners = vec![person("Lê Thị Phượng", "")];
    let mine = take_in(&app, &hh.clerk, mine).await;
    accept(&app, &hh.officer, &mine.id, &hh.specialist_id, |_| {}).await;
    let mut other = letter("2026-03-02", "Khiếu nại khác");
    other.petitioners = vec![person("Lê Thị Phượng", "")];
    take_in(&app, &hh.clerk, other).await;

    let search = |token: String, office: String| {
        let mut client = petitions(&app);
        async move {
            client
                .list_petitions(authed(
                    ListPetitionsRequest {
                        office_id: office,
                        petitioner_name: "le thi phuong".into(),
                        ..Default::default()
                    },
                    &token,
                ))
                .await
        }
    };
    let hiephoa = app.office_id("hiephoa");
    // The leader finds both, typed without diacritics.
    let found = search(hh.leader.clone(), hiephoa.clone())
        .await
        .expect("leader")
        .into_inner();
    assert_eq!(found.petitions.len(), 2);
    // The handler finds only the case they handle.
    let found = search(hh.specialist.clone(), hiephoa.clone())
        .await
        .expect("handler")
        .into_inner();
    assert_eq!(found.petitions.len(), 1);
    assert_eq!(found.petitions[0].id, mine.id);
    // The clerk handles nothing: nothing found.
    let found = search(hh.clerk.clone(), hiephoa.clone())
        .await
        .expect("clerk")
        .into_inner();
    assert!(found.petitions.is_empty());
    // Parent leaders may not search by name.
    let e = search(app.token("tu", Role::Leader).await, hiephoa.clone())
        .await
        .expect_err("parent");
    assert_eq!(e.code(), Code::PermissionDenied);
    // Each search is audited.
    let admin = app.token("hiephoa", Role::Admin).await;
    let searches = audit(&app)
        .list_audit_records(authed(
            ListAuditRecordsRequest {
                office_id: hiephoa,
                entity: "petition_search".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("audit")
        .into_inner()
        .records;
    assert_eq!(searches.len(), 3);
    // Content search is open to the office, without diacritics or order.
    let found = petitions(&app)
        .list_petitions(authed(
            ListPetitionsRequest {
                query: "nguoi co cong CHE DO".into(),
                ..Default::default()
            },
            &hh.clerk,
        ))
        .await
        .expect("content")
        .into_inner();
    assert_eq!(found.petitions.len(), 1);
    assert!(found.petitions[0].identity_redacted);
}
