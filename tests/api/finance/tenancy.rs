//! Tenancy: a sibling cannot read an office's books; a parent reads them but
//! cannot write into them; a child does not read its parent's.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::finance::v1::{
    CreateVoucherRequest, GetBalancesRequest, GetTransactionRequest, ListAllocationLinesRequest,
    PostTransactionRequest, Posting, Side,
};

use super::support::{budget, district_line, ledger, spending};
use crate::helpers::{authed, spawn_app};

#[tokio::test]
async fn siblings_see_nothing_and_parents_read_but_never_write() {
    let app = spawn_app().await;
    let (line, accountant) = district_line(&app, "hiephoa", "6551", 1_000_000).await;
    let voucher = spending(&app)
        .create_voucher(authed(
            CreateVoucherRequest {
                allocation_line_id: line.id.clone(),
                amount: 120_000,
                description: "Mua văn phòng phẩm".into(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("voucher")
        .into_inner();
    let hiephoa = app.office_id("hiephoa");
    let balances_of = |office: &str| GetBalancesRequest {
        office_id: office.into(),
        ..Default::default()
    };

    // Siblings: refused, and a transaction id tells them nothing.
    for role in [Role::Leader, Role::Accountant] {
        let sibling = app.token("vietyen", role).await;
        let e = ledger(&app)
            .get_balances(authed(balances_of(&hiephoa), &sibling))
            .await
            .expect_err("sibling");
        assert_eq!(e.code(), Code::PermissionDenied);
        let e = ledger(&app)
            .get_transaction(authed(
                GetTransactionRequest {
                    transaction_id: voucher.transaction_id.clone(),
                },
                &sibling,
            ))
            .await
            .expect_err("sibling");
        assert_eq!(e.code(), Code::NotFound);
        let (status, _, _) = app
            .rest(
                Method::GET,
                &format!("/api/v1/finance/allocation-lines?officeId={hiephoa}&year=2026"),
                Some(&sibling),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    // The parent's leader and accountant read the district's books…
    for role in [Role::Leader, Role::Accountant] {
        let parent = app.token("tu", role).await;
        let books = ledger(&app)
            .get_balances(authed(balances_of(&hiephoa), &parent))
            .await
            .expect("parent reads")
            .into_inner();
        assert_eq!(books.total_debits, 120_000);
        let (status, body, _) = app
            .rest(
                Method::GET,
                &format!("/api/v1/finance/transactions/{}", voucher.transaction_id),
                Some(&parent),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // …but never post into them.
    let parent = app.token("tu", Role::Accountant).await;
    let e = ledger(&app)
        .post_transaction(authed(
            PostTransactionRequest {
                office_id: hiephoa.clone(),
                description: "Ghi hộ cấp dưới".into(),
                postings: vec![
                    Posting {
                        account_code: "611".into(),
                        side: Side::Debit as i32,
                        amount: 1_000,
                        ..Default::default()
                    },
                    Posting {
                        account_code: "111".into(),
                        side: Side::Credit as i32,
                        amount: 1_000,
                        ..Default::default()
                    },
                ],
                ..Default::default()
            },
            &parent,
        ))
        .await
        .expect_err("parents read only");
    assert_eq!(e.code(), Code::PermissionDenied);
    let e = spending(&app)
        .create_voucher(authed(
            CreateVoucherRequest {
                allocation_line_id: line.id.clone(),
                amount: 1_000,
                description: "Chi hộ".into(),
                ..Default::default()
            },
            &parent,
        ))
        .await
        .expect_err("not the parent's line");
    assert_eq!(e.code(), Code::InvalidArgument);

    // A district does not read the province's lines; a clerk reads no books.
    let e = budget(&app)
        .list_allocation_lines(authed(
            ListAllocationLinesRequest {
                office_id: app.office_id("tu"),
                year: 2026,
            },
            &accountant,
        ))
        .await
        .expect_err("children do not read parents");
    assert_eq!(e.code(), Code::PermissionDenied);
    let e = ledger(&app)
        .get_balances(authed(balances_of(""), &app.token("hiephoa", Role::Clerk).await))
        .await
        .expect_err("clerks do not read the books");
    assert_eq!(e.code(), Code::PermissionDenied);
}
