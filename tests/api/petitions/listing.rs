//! Lists of petitions in the order asked (newest, oldest, by số đơn, by the
//! deadline that applies), a page at a time, and the cases one handles.

use tonic::Code;

use vanphong_proto::petitions::v1::{
    CompetentAuthority, ListPetitionsRequest, ListPetitionsResponse, PetitionSort, WithdrawPetitionRequest,
};

use super::support::{accept, letter, office, petitions, take_in};
use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

/// One page of the petitions whose content has the test's words.
async fn page(app: &TestApp, token: &str, sort: i32, page_token: &str) -> Result<ListPetitionsResponse, tonic::Status> {
    petitions(app)
        .list_petitions(authed(
            ListPetitionsRequest {
                query: "thu tu sap xep".into(),
                sort,
                page_size: 2,
                page_token: page_token.into(),
                ..Default::default()
            },
            token,
        ))
        .await
        .map(tonic::Response::into_inner)
}

/// Every page of a list in one order, as the petitions' numbers.
async fn all_pages(app: &TestApp, token: &str, sort: PetitionSort) -> Vec<String> {
    let mut seen = Vec::new();
    let mut token_of_page = String::new();
    loop {
        let answer = page(app, token, sort as i32, &token_of_page).await.expect("a page");
        assert!(answer.petitions.len() <= 2);
        seen.extend(answer.petitions.into_iter().map(|p| p.number_label));
        if answer.next_page_token.is_empty() {
            return seen;
        }
        token_of_page = answer.next_page_token;
    }
}

#[tokio::test]
async fn petitions_are_listed_in_the_order_asked_a_page_at_a_time() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let mut numbers = Vec::new();
    let mut ids = Vec::new();
    for received_on in ["2026-02-25", "2026-02-20", "2026-02-23"] {
        let p = take_in(
            &app,
            &hh.clerk,
            letter(received_on, "Kiến nghị về thứ tự sắp xếp hồ sơ đất đai"),
        )
        .await;
        numbers.push(p.number_label);
        ids.push(p.id);
    }
    // The third is accepted: its deadline is now the resolution's, weeks
    // after the others' classification deadlines.
    let third = page(&app, &hh.officer, PetitionSort::Unspecified as i32, "")
        .await
        .expect("newest first")
        .petitions
        .remove(0);
    assert_eq!(third.number_label, numbers[2]);
    accept(&app, &hh.officer, &third.id, &hh.specialist_id, |r| {
        r.accepted_on = "2026-02-24".into();
        r.competent_authority = CompetentAuthority::Administrative as i32;
    })
    .await;

    let [first, second, third] = [&numbers[0], &numbers[1], &numbers[2]].map(String::clone);
    assert_eq!(
        all_pages(&app, &hh.officer, PetitionSort::Unspecified).await,
        vec![third.clone(), second.clone(), first.clone()]
    );
    assert_eq!(
        all_pages(&app, &hh.officer, PetitionSort::Oldest).await,
        vec![first.clone(), second.clone(), third.clone()]
    );
    assert_eq!(
        all_pages(&app, &hh.officer, PetitionSort::Number).await,
        vec![third.clone(), second.clone(), first.clone()]
    );
    // Received 20 February, then 25 February (classification), then the
    // accepted one.
    assert_eq!(
        all_pages(&app, &hh.officer, PetitionSort::Due).await,
        vec![second.clone(), first.clone(), third.clone()]
    );

    // The handler's own cases.
    let mine = petitions(&app)
        .list_petitions(authed(
            ListPetitionsRequest {
                query: "thu tu sap xep".into(),
                assigned_to_me: true,
                ..Default::default()
            },
            &hh.specialist,
        ))
        .await
        .expect("assigned to me")
        .into_inner();
    let mine: Vec<String> = mine.petitions.into_iter().map(|p| p.number_label).collect();
    assert_eq!(mine, vec![third.clone()]);

    // Withdrawn, a case is closed: gone from the open cases, still listed.
    petitions(&app)
        .withdraw_petition(authed(
            WithdrawPetitionRequest {
                petition_id: ids[0].clone(),
                withdrawn_on: "2026-03-02".into(),
                note: "Người gửi đơn rút đơn".into(),
            },
            &hh.officer,
        ))
        .await
        .expect("withdrawn");
    let open = |open_only: bool| {
        let mut client = petitions(&app);
        let request = authed(
            ListPetitionsRequest {
                query: "thu tu sap xep".into(),
                open_only,
                ..Default::default()
            },
            &hh.officer,
        );
        async move {
            let listed = client.list_petitions(request).await.expect("listed").into_inner();
            listed.petitions.into_iter().map(|p| p.number_label).collect::<Vec<_>>()
        }
    };
    assert_eq!(open(true).await, vec![third.clone(), second.clone()]);
    assert_eq!(open(false).await, vec![third, second, first]);

    // A page token holds to the order it was issued for.
    let by_due = page(&app, &hh.officer, PetitionSort::Due as i32, "")
        .await
        .expect("due");
    let e = page(&app, &hh.officer, PetitionSort::Number as i32, &by_due.next_page_token)
        .await
        .expect_err("another order's token");
    assert_eq!(violated_fields(&e), vec!["page_token"]);
    let e = page(&app, &hh.officer, 9, "").await.expect_err("no such order");
    assert_eq!(e.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&e), vec!["sort"]);
}
