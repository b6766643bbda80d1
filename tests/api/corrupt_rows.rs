//! A row that cannot be read fails loudly: the read answers `INTERNAL` with
//! the trace id, never a nil id, a default date or a default state. Each
//! test damages one row directly in the database, as a bad migration, a
//! manual fix or a newer version's code would, then reads it back.

use tonic::Code;

use vanphong_platform::db::{Db, query_built};
use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::GetUserRequest;

use crate::helpers::{authed, spawn_app};

/// Runs `sql` on `db`, which must change exactly one row.
async fn tamper(db: &Db, sql: String) {
    let mut tx = db.begin_write().await.expect("tx");
    let changed = tx.execute(query_built(sql)).await.expect("tampered");
    tx.commit().await.expect("commit");
    assert_eq!(changed, 1, "one row damaged");
}

/// The answer is `INTERNAL` and carries a trace id (32 hex digits).
#[track_caller]
pub fn assert_internal_with_trace(status: &tonic::Status, what: &str) {
    assert_eq!(status.code(), Code::Internal, "{what}: {status:?}");
    let trace = status.message().rsplit(' ').next().unwrap_or_default();
    assert!(
        trace.len() == 32 && trace.chars().all(|c| c.is_ascii_hexdigit()),
        "{what}: no trace id in {:?}",
        status.message()
    );
}

#[tokio::test]
async fn a_users_unknown_clearance_or_role_is_an_error_not_a_default() {
    let app = spawn_app().await;
    let admin = app.token_for("admin").await;
    let clerk = app.user_id("hiephoa", Role::Clerk).await;
    let leader = app.user_id("hiephoa", Role::Leader).await;
    let db = app.directory_db().await;
    tamper(&db, format!("UPDATE users SET clearance = 7 WHERE id = '{clerk}'")).await;
    tamper(
        &db,
        format!("UPDATE users SET roles = 'leader,chu_tich' WHERE id = '{leader}'"),
    )
    .await;
    for user in [clerk, leader] {
        let status = app
            .users()
            .get_user(authed(GetUserRequest { user_id: user.clone() }, &admin))
            .await
            .expect_err("an unreadable user is not shown");
        assert_internal_with_trace(&status, &user);
    }
}

#[tokio::test]
async fn a_petitions_unknown_state_unreadable_date_or_bad_id_is_an_error_not_a_default() {
    use crate::petitions::support::{letter, petitions, take_in};
    use vanphong_proto::petitions::v1::GetPetitionRequest;

    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let db = app.db("petitions").await;
    let damaged = [
        ("state", "'dang_bay'"),
        ("received_on", "'02/03/2026'"),
        ("created_by", "'khong-phai-ma'"),
    ];
    let mut taken = Vec::new();
    for _ in damaged {
        taken.push(take_in(&app, &clerk, letter("2026-03-02", "Khiếu nại chậm cấp sổ đỏ")).await);
    }
    for ((column, value), petition) in damaged.into_iter().zip(taken) {
        tamper(
            &db,
            format!("UPDATE petitions SET {column} = {value} WHERE id = '{}'", petition.id),
        )
        .await;
        let status = petitions(&app)
            .get_petition(authed(
                GetPetitionRequest {
                    petition_id: petition.id.clone(),
                },
                &clerk,
            ))
            .await
            .expect_err("an unreadable petition is not shown");
        assert_internal_with_trace(&status, column);
    }
}

#[tokio::test]
async fn an_unreadable_deadline_rule_is_an_error_not_left_out() {
    use crate::petitions::support::catalog;
    use vanphong_proto::petitions::v1::ListDeadlineRulesRequest;

    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let rules = catalog(&app)
        .list_deadline_rules(authed(ListDeadlineRulesRequest {}, &clerk))
        .await
        .expect("rules")
        .into_inner()
        .rules;
    assert!(!rules.is_empty());
    // Every rule of one kind gets a negative number of days.
    let db = app.db("petitions").await;
    let mut tx = db.begin_write().await.expect("tx");
    let changed = tx
        .execute(query_built(
            "UPDATE deadline_rules SET days = -5 WHERE kind = (SELECT MIN(kind) FROM deadline_rules)".into(),
        ))
        .await
        .expect("tampered");
    tx.commit().await.expect("commit");
    assert!(changed >= 1, "rules damaged");
    let status = catalog(&app)
        .list_deadline_rules(authed(ListDeadlineRulesRequest {}, &clerk))
        .await
        .expect_err("a table with an unreadable rule is not shown without it");
    assert_internal_with_trace(&status, "deadline_rules.days");
}

#[tokio::test]
async fn a_documents_unknown_status_bad_id_or_unreadable_date_is_an_error_not_a_default() {
    use crate::documents_incoming::{paper, register};
    use vanphong_proto::documents::v1::{GetDocumentRequest, ListDocumentsRequest};

    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let db = app.db("documents").await;
    let damaged = [
        ("status", "'dang_xu_ly'"),
        ("created_by", "'khong-phai-ma'"),
        ("issued_on", "'20/02/2026'"),
    ];
    for (n, (column, value)) in (1..).zip(damaged) {
        let document = register(&app, &clerk, paper(n, &format!("Công văn số {n} về chuyển đổi số"))).await;
        tamper(
            &db,
            format!("UPDATE documents SET {column} = {value} WHERE id = '{}'", document.id),
        )
        .await;
        let status = app
            .queries()
            .get_document(authed(
                GetDocumentRequest {
                    document_id: document.id.clone(),
                },
                &clerk,
            ))
            .await
            .expect_err("an unreadable document is not shown");
        assert_internal_with_trace(&status, column);
    }
    // Nor is one left out of, or disguised in, the office's list.
    let status = app
        .queries()
        .list_documents(authed(ListDocumentsRequest::default(), &clerk))
        .await
        .expect_err("a list holding unreadable documents is not shown");
    assert_internal_with_trace(&status, "list");
}

#[tokio::test]
async fn a_reports_unknown_status_unreadable_period_bad_sections_or_policy_is_an_error_not_a_default() {
    use crate::reporting::support::{desk, monthly, periods, reports};
    use vanphong_proto::reporting::v1::{CreateReportRequest, GetPolicyRequest, GetReportRequest};

    let app = spawn_app().await;
    let d = desk(&app, "hiephoa").await;
    let db = app.db("reporting").await;
    let damaged = [
        ("status", "'cho_duyet'"),
        ("period_from", "'01/03/2026'"),
        ("sections_json", "'[1, 2'"),
        ("created_by", "'khong-phai-ma'"),
    ];
    let months = [(2025, 10), (2025, 11), (2025, 12), (2026, 1)];
    for ((year, month), (column, value)) in months.into_iter().zip(damaged) {
        let request = CreateReportRequest {
            year,
            ..monthly(&app, "hiephoa", month)
        };
        let report = reports(&app)
            .create_report(authed(request, &d.writer))
            .await
            .expect("created")
            .into_inner();
        tamper(
            &db,
            format!("UPDATE reports SET {column} = {value} WHERE id = '{}'", report.id),
        )
        .await;
        let status = reports(&app)
            .get_report(authed(
                GetReportRequest {
                    report_id: report.id.clone(),
                },
                &d.writer,
            ))
            .await
            .expect_err("an unreadable report is not shown");
        assert_internal_with_trace(&status, column);
    }

    // Stored rules that no longer read are not replaced by the defaults.
    let admin = app.token("tu", Role::Admin).await;
    tamper(
        &db,
        "INSERT INTO reporting_policy (id, policy_json, updated_at) \
         VALUES ('default', '{\"week_start\": 9, \"deadlines\": []}', 0)"
            .into(),
    )
    .await;
    let status = periods(&app)
        .get_policy(authed(GetPolicyRequest {}, &admin))
        .await
        .expect_err("unreadable rules are not shown as the defaults");
    assert_internal_with_trace(&status, "policy_json");
}

#[tokio::test]
async fn finances_unknown_status_or_policy_or_impossible_instant_is_an_error_not_a_default() {
    use crate::finance::dues::new_cell;
    use crate::finance::support::{allocate, approved_root_estimate, budget, dues, line};
    use vanphong_proto::finance::v1::budget_line_service_client::BudgetLineServiceClient;
    use vanphong_proto::finance::v1::{
        GetEstimateRequest, ListAllocationLinesRequest, ListBudgetLinesRequest, ListPartyCellsRequest,
    };

    let app = spawn_app().await;
    let estimate = approved_root_estimate(&app, vec![line("6551", 100_000_000)]).await;
    allocate(&app, "vietyen", "6551", 40_000_000).await;
    let accountant = app.token("tu", Role::Accountant).await;
    let leader = app.token("tu", Role::Leader).await;
    let vietyen = app.office_id("vietyen");
    let db = app.db("finance").await;

    // An estimate in a state this version does not know is not shown as a draft.
    tamper(
        &db,
        format!("UPDATE estimates SET status = 'da_duyet' WHERE id = '{}'", estimate.id),
    )
    .await;
    let status = budget(&app)
        .get_estimate(authed(
            GetEstimateRequest {
                estimate_id: estimate.id.clone(),
            },
            &accountant,
        ))
        .await
        .expect_err("an unreadable estimate is not shown");
    assert_internal_with_trace(&status, "estimates.status");

    // A cell with an impossible instant is not listed as created in 1970.
    let cell = new_cell(&app, &accountant, "Chi bộ Văn phòng").await;
    tamper(
        &db,
        format!(
            "UPDATE party_cells SET created_at = {} WHERE id = '{}'",
            i64::MAX,
            cell.id
        ),
    )
    .await;
    let status = dues(&app)
        .list_party_cells(authed(ListPartyCellsRequest::default(), &accountant))
        .await
        .expect_err("an unreadable cell is not shown");
    assert_internal_with_trace(&status, "party_cells.created_at");

    // An unknown overspending rule is not read as "refuse".
    tamper(
        &db,
        "UPDATE budget_lines SET overspend = 'canh_bao' WHERE code = '6551'".into(),
    )
    .await;
    let status = BudgetLineServiceClient::new(app.channel.clone())
        .list_budget_lines(authed(ListBudgetLinesRequest::default(), &accountant))
        .await
        .expect_err("an unreadable budget line is not shown");
    assert_internal_with_trace(&status, "budget_lines.overspend");
    let status = budget(&app)
        .list_allocation_lines(authed(
            ListAllocationLinesRequest {
                office_id: vietyen,
                year: 2026,
            },
            &leader,
        ))
        .await
        .expect_err("a line whose rule is unreadable is not shown");
    assert_internal_with_trace(&status, "allocation line's overspend");
}

#[tokio::test]
async fn an_audit_records_impossible_instant_is_an_error_not_1970() {
    use vanphong_proto::common::v1::ListAuditRecordsRequest;
    use vanphong_proto::directory::v1::UpdateOfficeRequest;
    use vanphong_proto::directory::v1::audit_service_client::AuditServiceClient;

    let app = spawn_app().await;
    let admin = app.token("tu", Role::Admin).await;
    let office = app.office_id("yendung");
    app.offices()
        .update_office(authed(
            UpdateOfficeRequest {
                office_id: office.clone(),
                name: Some("Thị ủy Yên Dũng".into()),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("renamed");
    tamper(
        &app.directory_db().await,
        format!(
            "UPDATE audit_records SET recorded_at = {} WHERE id = (SELECT id FROM audit_records \
             WHERE entity = 'office' AND entity_id = '{office}' ORDER BY seq DESC LIMIT 1)",
            i64::MAX
        ),
    )
    .await;
    let status = AuditServiceClient::new(app.channel.clone())
        .list_audit_records(authed(
            ListAuditRecordsRequest {
                office_id: office,
                entity: "office".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect_err("an unreadable audit record is not shown");
    assert_internal_with_trace(&status, "audit_records.recorded_at");
}
