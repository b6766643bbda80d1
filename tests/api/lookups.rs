//! Finding a petition by its number ("2/2026") and a document by its number
//! and symbol or its incoming number, through the list filters, with every
//! rule of the lists applied.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::ListDocumentsRequest;
use vanphong_proto::petitions::v1::ListPetitionsRequest;

use crate::documents_incoming::{paper, register};
use crate::helpers::{authed, spawn_app, violated_fields};
use crate::petitions::support::{letter, office, petitions, take_in};

#[tokio::test]
async fn a_petition_is_found_by_its_number_in_its_own_office_only() {
    let app = spawn_app().await;
    let o = office(&app, "hiephoa").await;
    take_in(&app, &o.officer, letter("2026-03-02", "Khiếu nại thứ nhất")).await;
    let second = take_in(&app, &o.officer, letter("2026-03-02", "Khiếu nại thứ hai")).await;
    assert_eq!(second.number_label, "2/2026");

    let found = petitions(&app)
        .list_petitions(authed(
            ListPetitionsRequest {
                number: "2/2026".into(),
                ..Default::default()
            },
            &o.officer,
        ))
        .await
        .expect("listed")
        .into_inner();
    assert_eq!(
        found.petitions.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        vec![second.id.as_str()]
    );

    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/petitions?number=2%2F2026", Some(&o.officer), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["petitions"][0]["numberLabel"], "2/2026");
    let (_, body, _) = app
        .rest(Method::GET, "/api/v1/petitions?number=2%2F2025", Some(&o.officer), None)
        .await;
    assert!(body["petitions"].as_array().is_none_or(|a| a.is_empty()), "{body}");

    // Việt Yên's officer finds nothing of Hiệp Hòa's, by number or otherwise.
    let sibling = app.token("vietyen", Role::PetitionOfficer).await;
    let own = petitions(&app)
        .list_petitions(authed(
            ListPetitionsRequest {
                number: "2/2026".into(),
                ..Default::default()
            },
            &sibling,
        ))
        .await
        .expect("listed")
        .into_inner();
    assert!(own.petitions.is_empty());
    let refused = petitions(&app)
        .list_petitions(authed(
            ListPetitionsRequest {
                office_id: app.office_id("hiephoa"),
                number: "2/2026".into(),
                ..Default::default()
            },
            &sibling,
        ))
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), Code::PermissionDenied);

    let bad = petitions(&app)
        .list_petitions(authed(
            ListPetitionsRequest {
                number: "hai".into(),
                ..Default::default()
            },
            &o.officer,
        ))
        .await
        .expect_err("refused");
    assert_eq!(violated_fields(&bad), vec!["number"]);
}

#[tokio::test]
async fn a_document_is_found_by_number_and_symbol_as_written_or_by_its_incoming_number() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let mut decision = paper(5, "Quyết định về việc thành lập tổ công tác");
    decision.type_code = "QĐ".into();
    decision.symbol = "QĐ-UBND".into();
    let decision = register(&app, &clerk, decision).await;
    assert!(
        decision.number_symbol.ends_with("/QĐ-UBND"),
        "{}",
        decision.number_symbol
    );
    let other = register(&app, &clerk, paper(6, "Công văn khác")).await;
    assert_eq!(other.arrival_number, 2);

    let find = |number: &str| ListDocumentsRequest {
        number: number.into(),
        ..Default::default()
    };
    for written in [
        decision.number_symbol.clone(),
        decision.number_symbol.to_lowercase(),
        decision.number_symbol.replace('Đ', "D"),
    ] {
        let found = app
            .queries()
            .list_documents(authed(find(&written), &clerk))
            .await
            .expect("listed")
            .into_inner();
        assert_eq!(
            found.documents.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
            vec![decision.id.as_str()],
            "{written}"
        );
    }
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/documents?number=2%2F2026", Some(&clerk), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids: Vec<&str> = body["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter_map(|d| d["id"].as_str())
        .collect();
    assert_eq!(ids, vec![other.id.as_str()]);

    // Another office's clerk does not find it.
    let sibling = app.token("vietyen", Role::Clerk).await;
    let found = app
        .queries()
        .list_documents(authed(find(&decision.number_symbol), &sibling))
        .await
        .expect("listed")
        .into_inner();
    assert!(found.documents.is_empty());
}
