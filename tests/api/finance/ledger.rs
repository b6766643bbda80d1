//! The double-entry ledger: random runs stay balanced and every balance is
//! the sum of its postings; reversals restore balances; bad transactions
//! are refused and write nothing; there is no way to change a posting.

use std::collections::BTreeMap;

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::db::{Db, query};
use vanphong_platform::identity::Role;
use vanphong_proto::finance::v1::{
    ListTransactionsRequest, PostTransactionRequest, Posting, ReverseTransactionRequest, Side, Transaction,
};

use super::support::{balance_of, balances, ledger};
use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

fn posting(account: &str, side: Side, amount: i64) -> Posting {
    Posting {
        account_code: account.into(),
        side: side as i32,
        amount,
        ..Default::default()
    }
}

fn transaction(what: &str, postings: Vec<Posting>) -> PostTransactionRequest {
    PostTransactionRequest {
        description: what.into(),
        postings,
        ..Default::default()
    }
}

/// A small deterministic generator, so a failing run can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

async fn all_transactions(app: &TestApp, token: &str, slug: &str) -> Vec<Transaction> {
    let mut out = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = ledger(app)
            .list_transactions(authed(
                ListTransactionsRequest {
                    office_id: app.office_id(slug),
                    page_size: 7,
                    page_token: page_token.clone(),
                    ..Default::default()
                },
                token,
            ))
            .await
            .expect("page")
            .into_inner();
        out.extend(page.transactions);
        if page.next_page_token.is_empty() {
            return out;
        }
        page_token = page.next_page_token;
    }
}

#[tokio::test]
async fn a_random_run_leaves_debits_equal_to_credits_and_balances_equal_to_postings() {
    let app = spawn_app().await;
    let accountant = app.token("hiephoa", Role::Accountant).await;
    let accounts = ["111", "112", "141", "331", "334", "511", "611"];
    let mut rng = Lcg(20260302);
    let mut accepted = 0;
    let mut calls = Vec::new();
    for n in 0..60 {
        let legs = 2 + rng.next(3) as usize;
        let mut postings = Vec::new();
        let mut debit_total = 0_i64;
        for _ in 0..legs - 1 {
            let amount = 1_000 * (1 + rng.next(5_000) as i64);
            debit_total += amount;
            postings.push(posting(accounts[rng.next(7) as usize], Side::Debit, amount));
        }
        // One in six is deliberately unbalanced and must be refused.
        let unbalanced = n % 6 == 5;
        let credit = if unbalanced { debit_total + 1 } else { debit_total };
        postings.push(posting(accounts[rng.next(7) as usize], Side::Credit, credit));
        if !unbalanced {
            accepted += 1;
        }
        let request = authed(transaction(&format!("Nghiệp vụ thử số {n}"), postings), &accountant);
        let mut client = ledger(&app);
        calls.push(tokio::spawn(async move {
            (unbalanced, client.post_transaction(request).await)
        }));
    }
    for call in calls {
        let (unbalanced, result) = call.await.expect("joined");
        match result {
            Ok(_) => assert!(!unbalanced),
            Err(e) => {
                assert!(unbalanced, "{e:?}");
                assert_eq!(violated_fields(&e), vec!["postings"]);
            }
        }
    }
    // A few more over REST.
    for n in 0..5 {
        let (status, body, _) = app
            .rest(
                Method::POST,
                "/api/v1/finance/transactions",
                Some(&accountant),
                Some(serde_json::json!({
                    "description": format!("Rút tiền gửi về quỹ lần {n}"),
                    "postings": [
                        {"accountCode": "111", "side": "SIDE_DEBIT", "amount": "150000"},
                        {"accountCode": "112", "side": "SIDE_CREDIT", "amount": "150000"},
                    ],
                })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        accepted += 1;
    }

    let all = all_transactions(&app, &accountant, "hiephoa").await;
    assert_eq!(all.len(), accepted);
    let mut numbers: Vec<i64> = all.iter().map(|t| t.number).collect();
    numbers.sort();
    assert_eq!(numbers, (1..=accepted as i64).collect::<Vec<_>>(), "gap-free numbers");
    let mut sums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for t in &all {
        let (mut d, mut c) = (0, 0);
        for p in &t.postings {
            let entry = sums.entry(p.account_code.clone()).or_default();
            if p.side == Side::Debit as i32 {
                entry.0 += p.amount;
                d += p.amount;
            } else {
                entry.1 += p.amount;
                c += p.amount;
            }
        }
        assert_eq!(d, c, "transaction {} balances", t.number);
    }
    let books = balances(&app, &accountant, "hiephoa").await;
    assert_eq!(books.total_debits, books.total_credits);
    assert_eq!(books.total_debits, sums.values().map(|s| s.0).sum::<i64>());
    for b in &books.balances {
        let (d, c) = sums.get(&b.account_code).copied().unwrap_or_default();
        assert_eq!(
            (b.debit_total, b.credit_total, b.balance),
            (d, c, d - c),
            "account {}",
            b.account_code
        );
    }
}

#[tokio::test]
async fn a_reversal_restores_balances_and_is_made_once() {
    let app = spawn_app().await;
    let accountant = app.token("vietyen", Role::Accountant).await;
    let funding = ledger(&app)
        .post_transaction(authed(
            transaction(
                "Nhận kinh phí ngân sách cấp quý I",
                vec![
                    posting("112", Side::Debit, 80_000_000),
                    posting("511", Side::Credit, 80_000_000),
                ],
            ),
            &accountant,
        ))
        .await
        .expect("posted")
        .into_inner();
    let before = balances(&app, &accountant, "vietyen").await;
    let wrong = ledger(&app)
        .post_transaction(authed(
            transaction(
                "Tạm ứng công tác phí (ghi nhầm số tiền)",
                vec![
                    posting("141", Side::Debit, 5_500_000),
                    posting("111", Side::Credit, 5_500_000),
                ],
            ),
            &accountant,
        ))
        .await
        .expect("posted")
        .into_inner();
    let (status, body, _) = app
        .rest(
            Method::POST,
            &format!("/api/v1/finance/transactions/{}/reverse", wrong.id),
            Some(&accountant),
            Some(serde_json::json!({"reason": "Ghi nhầm số tiền", "requestId": "dao-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["kind"], "TRANSACTION_KIND_REVERSAL");
    let after = balances(&app, &accountant, "vietyen").await;
    for code in ["111", "112", "141", "511"] {
        assert_eq!(balance_of(&after, code), balance_of(&before, code), "{code}");
    }
    assert_eq!(balance_of(&after, "112"), 80_000_000);
    // The retry is the same reversal; a second reversal is refused, and a
    // reversal is not reversed.
    let (_, again, _) = app
        .rest(
            Method::POST,
            &format!("/api/v1/finance/transactions/{}/reverse", wrong.id),
            Some(&accountant),
            Some(serde_json::json!({"reason": "Ghi nhầm số tiền", "requestId": "dao-1"})),
        )
        .await;
    assert_eq!(again["id"], body["id"]);
    let e = ledger(&app)
        .reverse_transaction(authed(
            ReverseTransactionRequest {
                transaction_id: wrong.id.clone(),
                reason: "Đảo lần hai".into(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect_err("reversed once");
    assert_eq!(e.code(), Code::FailedPrecondition);
    let e = ledger(&app)
        .reverse_transaction(authed(
            ReverseTransactionRequest {
                transaction_id: body["id"].as_str().unwrap_or_default().into(),
                reason: "Đảo bút toán đảo".into(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect_err("a reversal is not reversed");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(funding.reversed_by_id.is_empty());
}

#[tokio::test]
async fn bad_transactions_name_the_field_and_the_figure_and_write_nothing() {
    let app = spawn_app().await;
    let accountant = app.token("yendung", Role::Accountant).await;
    let e = ledger(&app)
        .post_transaction(authed(
            transaction(
                "Không cân",
                vec![
                    posting("611", Side::Debit, 1_000_000),
                    posting("112", Side::Credit, 900_000),
                ],
            ),
            &accountant,
        ))
        .await
        .expect_err("unbalanced");
    assert_eq!(violated_fields(&e), vec!["postings"]);
    assert!(
        e.message().contains("1.000.000 đ") && e.message().contains("900.000 đ"),
        "{}",
        e.message()
    );
    let e = ledger(&app)
        .post_transaction(authed(
            transaction(
                "Số âm và số 0",
                vec![posting("611", Side::Debit, -5), posting("112", Side::Credit, 0)],
            ),
            &accountant,
        ))
        .await
        .expect_err("negative and zero");
    assert_eq!(violated_fields(&e), vec!["postings[0].amount", "postings[1].amount"]);
    let e = ledger(&app)
        .post_transaction(authed(
            transaction(
                "Tràn số",
                vec![
                    posting("611", Side::Debit, i64::MAX),
                    posting("611", Side::Debit, i64::MAX),
                    posting("112", Side::Credit, 2),
                ],
            ),
            &accountant,
        ))
        .await
        .expect_err("overflowing");
    assert_eq!(violated_fields(&e), vec!["postings[0].amount", "postings[1].amount"]);
    assert!(e.message().contains("9.223.372.036.854.775.807 đ"), "{}", e.message());
    let e = ledger(&app)
        .post_transaction(authed(
            transaction(
                "Tài khoản lạ",
                vec![posting("999", Side::Debit, 1_000), posting("112", Side::Credit, 1_000)],
            ),
            &accountant,
        ))
        .await
        .expect_err("unknown account");
    assert_eq!(violated_fields(&e), vec!["postings[0].account_code"]);
    let e = ledger(&app)
        .post_transaction(authed(
            transaction("Một bút toán", vec![posting("112", Side::Credit, 1_000)]),
            &accountant,
        ))
        .await
        .expect_err("one posting");
    assert_eq!(violated_fields(&e), vec!["postings"]);
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/transactions",
            Some(&accountant),
            Some(serde_json::json!({"description": "Không cân", "postings": [
                {"accountCode": "611", "side": "SIDE_DEBIT", "amount": "10"},
                {"accountCode": "112", "side": "SIDE_CREDIT", "amount": "9"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.to_string().contains("postings"), "{body}");
    assert!(
        all_transactions(&app, &accountant, "yendung").await.is_empty(),
        "nothing written"
    );
}

#[tokio::test]
async fn postings_cannot_be_changed_even_behind_the_service() {
    let app = spawn_app().await;
    let accountant = app.token("hiephoa", Role::Accountant).await;
    let t = ledger(&app)
        .post_transaction(authed(
            transaction(
                "Nhận kinh phí",
                vec![posting("112", Side::Debit, 1_000), posting("511", Side::Credit, 1_000)],
            ),
            &accountant,
        ))
        .await
        .expect("posted")
        .into_inner();
    let db = Db::connect(&app.settings.database_for("finance")).await.expect("db");
    let mut tx = db.begin_write().await.expect("tx");
    let update = tx
        .execute(query("UPDATE ledger_postings SET debit = 2000 WHERE transaction_id = $1").bind(&t.id))
        .await;
    assert!(update.is_err(), "postings are append-only");
    drop(tx);
    let mut tx = db.begin_write().await.expect("tx");
    let delete = tx
        .execute(query("DELETE FROM ledger_transactions WHERE id = $1").bind(&t.id))
        .await;
    assert!(delete.is_err(), "transactions are append-only");
}
