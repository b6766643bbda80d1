//! Vouchers and commitments: concurrent vouchers never overdraw a line,
//! overspending policy, commitments, reversals, bad input, retries.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::finance::v1::{
    CommitmentSort, CommitmentStatus, CreateCommitmentRequest, CreateVoucherRequest, ListCommitmentsRequest,
    ListCommitmentsResponse, ListVouchersRequest, ListVouchersResponse, PostCommitmentRequest,
    ReleaseCommitmentRequest, ReverseTransactionRequest, VoucherSort,
};

use super::support::{
    allocate, allocation_line, approved_root_estimate, balance_of, balances, district_line, ledger, line, spending,
};
use crate::helpers::{authed, spawn_app, violated_fields};

fn voucher(line_id: &str, amount: i64, what: &str) -> CreateVoucherRequest {
    CreateVoucherRequest {
        allocation_line_id: line_id.into(),
        amount,
        description: what.into(),
        payee: "Công ty TNHH Văn phòng phẩm Hồng Hà".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn fifty_concurrent_vouchers_on_room_for_ten_accept_exactly_ten() {
    let app = spawn_app().await;
    let (line, accountant) = district_line(&app, "hiephoa", "6551", 1_000_000).await;
    let mut calls = Vec::new();
    for n in 0..50 {
        let mut client = spending(&app);
        let request = authed(voucher(&line.id, 100_000, &format!("Mua giấy in lần {n}")), &accountant);
        calls.push(tokio::spawn(async move { client.create_voucher(request).await }));
    }
    let mut numbers = Vec::new();
    for call in calls {
        match call.await.expect("joined") {
            Ok(v) => numbers.push(v.into_inner().number),
            Err(e) => {
                assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");
                assert!(e.message().contains("6551"), "{}", e.message());
            }
        }
    }
    numbers.sort();
    assert_eq!(
        numbers,
        (1..=10).collect::<Vec<i64>>(),
        "ten vouchers, numbered without gaps"
    );
    let after = allocation_line(&app, &accountant, "hiephoa", "6551").await;
    assert_eq!(
        (after.spent, after.remaining, after.executed_basis_points),
        (1_000_000, 0, 10_000)
    );
    let books = balances(&app, &accountant, "hiephoa").await;
    assert_eq!(balance_of(&books, "611"), 1_000_000);
    assert_eq!(balance_of(&books, "112"), -1_000_000);
    assert_eq!(books.total_debits, books.total_credits);

    // The eleventh, over REST, is refused too.
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/vouchers",
            Some(&accountant),
            Some(serde_json::json!({"allocationLineId": line.id, "amount": "1", "description": "Thêm"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["status"], "FAILED_PRECONDITION");
}

#[tokio::test]
async fn bills_may_overspend_with_a_warning_and_commitments_reserve_first() {
    let app = spawn_app().await;
    approved_root_estimate(&app, vec![line("6501", 500_000), line("6551", 1_000_000)]).await;
    allocate(&app, "vietyen", "6501", 500_000).await;
    allocate(&app, "vietyen", "6551", 1_000_000).await;
    let accountant = app.token("vietyen", Role::Accountant).await;

    // 6501 (tiền điện) accepts overspending, with a warning recorded.
    let power = allocation_line(&app, &accountant, "vietyen", "6501").await;
    let v = spending(&app)
        .create_voucher(authed(voucher(&power.id, 650_000, "Tiền điện tháng 2"), &accountant))
        .await
        .expect("accepted with a warning")
        .into_inner();
    assert!(v.warning.contains("150.000 đ vượt"), "{}", v.warning);
    let power = allocation_line(&app, &accountant, "vietyen", "6501").await;
    assert_eq!(power.remaining, -150_000);

    // 6551 refuses; a commitment reserves money first.
    let paper = allocation_line(&app, &accountant, "vietyen", "6551").await;
    let reserve = |amount: i64, what: &str| CreateCommitmentRequest {
        allocation_line_id: paper.id.clone(),
        amount,
        description: what.into(),
        ..Default::default()
    };
    let printing = spending(&app)
        .create_commitment(authed(reserve(400_000, "Hợp đồng in tài liệu hội nghị"), &accountant))
        .await
        .expect("reserved")
        .into_inner();
    let spare = spending(&app)
        .create_commitment(authed(reserve(200_000, "Dự phòng mua mực in"), &accountant))
        .await
        .expect("reserved")
        .into_inner();
    let e = spending(&app)
        .create_voucher(authed(voucher(&paper.id, 400_001, "Mua giấy"), &accountant))
        .await
        .expect_err("only 400.000 đ are not reserved");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("400.000 đ"), "{}", e.message());
    let line_now = allocation_line(&app, &accountant, "vietyen", "6551").await;
    assert_eq!((line_now.committed, line_now.remaining), (600_000, 400_000));

    // Posting spends what was used and gives the rest back; releasing
    // gives everything back.
    let posted = spending(&app)
        .post_commitment(authed(
            PostCommitmentRequest {
                commitment_id: printing.id.clone(),
                amount: 350_000,
                payee: "Xưởng in Việt Yên".into(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("posted")
        .into_inner();
    assert_eq!(
        (posted.amount, posted.commitment_id.as_str()),
        (350_000, printing.id.as_str())
    );
    let released = spending(&app)
        .release_commitment(authed(
            ReleaseCommitmentRequest {
                commitment_id: spare.id.clone(),
                reason: "Không cần mua thêm".into(),
            },
            &accountant,
        ))
        .await
        .expect("released")
        .into_inner();
    assert_eq!(released.status, CommitmentStatus::Released as i32);
    let e = spending(&app)
        .release_commitment(authed(
            ReleaseCommitmentRequest {
                commitment_id: printing.id.clone(),
                reason: String::new(),
            },
            &accountant,
        ))
        .await
        .expect_err("already posted");
    assert_eq!(e.code(), Code::FailedPrecondition);
    let line_now = allocation_line(&app, &accountant, "vietyen", "6551").await;
    assert_eq!(
        (line_now.spent, line_now.committed, line_now.remaining),
        (350_000, 0, 650_000)
    );
}

#[tokio::test]
async fn reversing_a_voucher_restores_the_line_and_the_books() {
    let app = spawn_app().await;
    let (line, accountant) = district_line(&app, "yendung", "6701", 2_000_000).await;
    let before = balances(&app, &accountant, "yendung").await;
    let v = spending(&app)
        .create_voucher(authed(
            voucher(&line.id, 1_500_000, "Công tác phí đi Hà Nội"),
            &accountant,
        ))
        .await
        .expect("voucher")
        .into_inner();
    let reversal = ledger(&app)
        .reverse_transaction(authed(
            ReverseTransactionRequest {
                transaction_id: v.transaction_id.clone(),
                reason: "Chứng từ ghi nhầm tiểu mục".into(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("reversed")
        .into_inner();
    assert_eq!(reversal.reverses_id, v.transaction_id);
    let after = balances(&app, &accountant, "yendung").await;
    for code in ["611", "112"] {
        assert_eq!(balance_of(&after, code), balance_of(&before, code), "{code}");
    }
    let restored = allocation_line(&app, &accountant, "yendung", "6701").await;
    assert_eq!((restored.spent, restored.remaining), (0, 2_000_000));
    // The voucher stays, and its transaction shows what reversed it.
    let vouchers = spending(&app)
        .list_vouchers(authed(
            ListVouchersRequest {
                office_id: app.office_id("yendung"),
                year: 2026,
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect("vouchers")
        .into_inner()
        .vouchers;
    assert_eq!(vouchers.len(), 1);
    let original = ledger(&app)
        .get_transaction(authed(
            vanphong_proto::finance::v1::GetTransactionRequest {
                transaction_id: v.transaction_id.clone(),
            },
            &accountant,
        ))
        .await
        .expect("original")
        .into_inner();
    assert_eq!(original.reversed_by_id, reversal.id);
}

#[tokio::test]
async fn vouchers_and_commitments_are_listed_a_page_at_a_time_in_the_order_asked() {
    let app = spawn_app().await;
    let (line, accountant) = district_line(&app, "hiephoa", "6551", 10_000_000).await;
    for (n, amount) in [300_000, 100_000, 500_000, 200_000, 400_000].into_iter().enumerate() {
        spending(&app)
            .create_voucher(authed(
                voucher(&line.id, amount, &format!("Mua văn phòng phẩm đợt {n}")),
                &accountant,
            ))
            .await
            .expect("voucher");
    }
    let list = |sort: VoucherSort, page_token: String| {
        let request = authed(
            ListVouchersRequest {
                year: 2026,
                page_size: 2,
                page_token,
                sort: sort as i32,
                ..Default::default()
            },
            &accountant,
        );
        let mut client = spending(&app);
        async move { client.list_vouchers(request).await }
    };
    let read_all = async |sort: VoucherSort| {
        let (mut pages, mut token) = (Vec::new(), String::new());
        loop {
            let page: ListVouchersResponse = list(sort, token).await.expect("page").into_inner();
            pages.push(page.vouchers.iter().map(|v| (v.number, v.amount)).collect::<Vec<_>>());
            if page.next_page_token.is_empty() {
                return pages;
            }
            token = page.next_page_token;
        }
    };
    assert_eq!(
        read_all(VoucherSort::Unspecified).await,
        vec![
            vec![(1, 300_000), (2, 100_000)],
            vec![(3, 500_000), (4, 200_000)],
            vec![(5, 400_000)]
        ],
        "the books' order by default"
    );
    assert_eq!(
        read_all(VoucherSort::Newest).await,
        vec![
            vec![(5, 400_000), (4, 200_000)],
            vec![(3, 500_000), (2, 100_000)],
            vec![(1, 300_000)]
        ]
    );
    assert_eq!(
        read_all(VoucherSort::Largest).await,
        vec![
            vec![(3, 500_000), (5, 400_000)],
            vec![(1, 300_000), (4, 200_000)],
            vec![(2, 100_000)]
        ]
    );
    // A token holds to its order; an unknown order is named.
    let newest = list(VoucherSort::Newest, String::new())
        .await
        .expect("page")
        .into_inner();
    let e = list(VoucherSort::Largest, newest.next_page_token)
        .await
        .expect_err("another order's token");
    assert_eq!(violated_fields(&e), ["page_token"]);
    let mut odd = ListVouchersRequest {
        year: 2026,
        ..Default::default()
    };
    odd.sort = 42;
    let e = spending(&app)
        .list_vouchers(authed(odd, &accountant))
        .await
        .expect_err("unknown order");
    assert_eq!(violated_fields(&e), ["sort"]);

    // Commitments: newest first, or only the open ones by amount.
    let mut made = Vec::new();
    for (amount, what) in [
        (700_000, "Hợp đồng in tài liệu"),
        (900_000, "Thuê hội trường"),
        (800_000, "Mua mực in"),
    ] {
        let c = spending(&app)
            .create_commitment(authed(
                CreateCommitmentRequest {
                    allocation_line_id: line.id.clone(),
                    amount,
                    description: what.into(),
                    ..Default::default()
                },
                &accountant,
            ))
            .await
            .expect("reserved")
            .into_inner();
        made.push(c.id);
        app.clock.advance(chrono::Duration::minutes(1));
    }
    spending(&app)
        .release_commitment(authed(
            ReleaseCommitmentRequest {
                commitment_id: made[1].clone(),
                reason: "Hội nghị họp trực tuyến".into(),
            },
            &accountant,
        ))
        .await
        .expect("released");
    let commitments = |sort: CommitmentSort, open_only: bool, page_size: i32| {
        let request = authed(
            ListCommitmentsRequest {
                year: 2026,
                sort: sort as i32,
                open_only,
                page_size,
                ..Default::default()
            },
            &accountant,
        );
        let mut client = spending(&app);
        async move {
            let page: ListCommitmentsResponse = client.list_commitments(request).await.expect("listed").into_inner();
            let amounts: Vec<i64> = page.commitments.iter().map(|c| c.amount).collect();
            (amounts, !page.next_page_token.is_empty())
        }
    };
    assert_eq!(
        commitments(CommitmentSort::Unspecified, false, 0).await,
        (vec![700_000, 900_000, 800_000], false)
    );
    assert_eq!(
        commitments(CommitmentSort::Newest, false, 2).await,
        (vec![800_000, 900_000], true)
    );
    assert_eq!(
        commitments(CommitmentSort::Largest, true, 0).await,
        (vec![800_000, 700_000], false),
        "the released one is left out"
    );
}

#[tokio::test]
async fn bad_vouchers_name_the_field_and_write_nothing_and_retries_create_one() {
    let app = spawn_app().await;
    approved_root_estimate(&app, vec![line("6551", 3_000_000)]).await;
    allocate(&app, "hiephoa", "6551", 1_000_000).await;
    allocate(&app, "vietyen", "6551", 1_000_000).await;
    let accountant = app.token("hiephoa", Role::Accountant).await;
    let mine = allocation_line(&app, &accountant, "hiephoa", "6551").await;
    let theirs = allocation_line(&app, &app.token("vietyen", Role::Accountant).await, "vietyen", "6551").await;

    // An id that is not one fails the contract, checked as the request is
    // decoded; the service's own checks follow.
    let bad = CreateVoucherRequest {
        allocation_line_id: "khong-phai-ma".into(),
        amount: -100,
        voucher_date: "2026-03-09".into(),
        description: " ".into(),
        ..Default::default()
    };
    let e = spending(&app)
        .create_voucher(authed(bad.clone(), &accountant))
        .await
        .expect_err("bad id");
    assert_eq!(violated_fields(&e), vec!["allocation_line_id"]);
    let e = spending(&app)
        .create_voucher(authed(
            CreateVoucherRequest {
                allocation_line_id: mine.id.clone(),
                ..bad
            },
            &accountant,
        ))
        .await
        .expect_err("bad fields");
    assert_eq!(violated_fields(&e), vec!["amount", "voucher_date", "description"]);
    assert!(e.message().contains("-100 đ"), "{}", e.message());

    let e = spending(&app)
        .create_voucher(authed(voucher(&mine.id, 0, "Không đồng"), &accountant))
        .await
        .expect_err("zero");
    assert_eq!(violated_fields(&e), vec!["amount"]);
    let e = spending(&app)
        .create_voucher(authed(voucher(&mine.id, i64::MAX, "Tràn số"), &accountant))
        .await
        .expect_err("overflowing");
    assert_eq!(violated_fields(&e), vec!["amount"]);
    assert!(e.message().contains("9.223.372.036.854.775.807 đ"), "{}", e.message());
    let e = spending(&app)
        .create_voucher(authed(voucher(&theirs.id, 1_000, "Chi hộ"), &accountant))
        .await
        .expect_err("another office's line");
    assert_eq!(violated_fields(&e), vec!["allocation_line_id"]);
    assert!(e.message().contains("6551"), "{}", e.message());
    let e = spending(&app)
        .create_voucher(authed(
            voucher(&uuid::Uuid::now_v7().to_string(), 1_000, "Không có"),
            &accountant,
        ))
        .await
        .expect_err("unknown line");
    assert_eq!(violated_fields(&e), vec!["allocation_line_id"]);
    let mut wrong_account = voucher(&mine.id, 1_000, "Tài khoản lạ");
    wrong_account.payment_account = "999".into();
    let e = spending(&app)
        .create_voucher(authed(wrong_account, &accountant))
        .await
        .expect_err("unknown account");
    assert_eq!(violated_fields(&e), vec!["payment_account"]);
    let e = spending(&app)
        .create_voucher(authed(
            voucher(&mine.id, 1_000, "Văn thư không chi"),
            &app.token("hiephoa", Role::Clerk).await,
        ))
        .await
        .expect_err("clerks do not spend");
    assert_eq!(e.code(), Code::PermissionDenied);
    let untouched = allocation_line(&app, &accountant, "hiephoa", "6551").await;
    assert_eq!(untouched.spent, 0, "nothing was written");

    let mut keyed = voucher(&mine.id, 250_000, "Mua mực in");
    keyed.request_id = "ct-2026-0001".into();
    let first = spending(&app)
        .create_voucher(authed(keyed.clone(), &accountant))
        .await
        .expect("first")
        .into_inner();
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/vouchers",
            Some(&accountant),
            Some(serde_json::json!({
                "requestId": "ct-2026-0001", "allocationLineId": mine.id, "amount": "250000",
                "description": "Mua mực in", "payee": "Công ty TNHH Văn phòng phẩm Hồng Hà",
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], first.id.as_str());
    let line_now = allocation_line(&app, &accountant, "hiephoa", "6551").await;
    assert_eq!(line_now.spent, 250_000, "one voucher, not two");
}
