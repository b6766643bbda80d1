//! Legal deadlines from the rule table, shown on the case, and extensions
//! within the legal count and length.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::petitions::v1::{
    Complexity, Counting, DeadlineRule, ExtendDeadlineRequest, GetPetitionRequest, ListDeadlineRulesRequest,
    PetitionKind, Resolution, UpsertDeadlineRuleRequest,
};

use super::support::{accept, catalog, letter, office, petitions, take_in};
use crate::helpers::{authed, spawn_app, violated_fields};

/// One row of the table test: what is accepted when, and the date the law
/// gives (written out by hand: weekends, Tết 16–20/2/2026, Giỗ Tổ 26–27/4,
/// 30/4 and 1/5 are days off).
struct Case {
    kind: PetitionKind,
    resolution: Resolution,
    complexity: Complexity,
    remote: bool,
    accepted_on: &'static str,
    due_on: &'static str,
    counting: Counting,
}

const fn case(
    kind: PetitionKind,
    resolution: Resolution,
    complexity: Complexity,
    remote: bool,
    accepted_on: &'static str,
    due_on: &'static str,
    counting: Counting,
) -> Case {
    Case {
        kind,
        resolution,
        complexity,
        remote,
        accepted_on,
        due_on,
        counting,
    }
}

#[tokio::test]
async fn the_deadline_table_gives_the_legal_dates() {
    use Complexity::{Complex, EspeciallyComplex, Normal};
    use Counting::{CalendarDays, WorkingDays};
    use PetitionKind::{Complaint, Denunciation};
    use Resolution::{First, Second};
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let cases = [
        // Complaint, first resolution, 30 working days from Monday 2/3:
        // five full weeks and three days, no holiday — Monday 13/4.
        case(Complaint, First, Normal, false, "2026-03-02", "2026-04-13", WorkingDays),
        // From Friday 6/2: 9–13/2 (5), Tết 16–20/2 skipped, then 23/2 …
        // the 30th working day is Friday 27/3 (20/3 without Tết).
        case(Complaint, First, Normal, false, "2026-02-06", "2026-03-27", WorkingDays),
        // 45 working days from 2/3: past 13/4 (30th), Giỗ Tổ Monday 27/4
        // and 30/4–1/5 are skipped — Thursday 7/5.
        case(
            Complaint,
            First,
            Complex,
            false,
            "2026-03-02",
            "2026-05-07",
            WorkingDays,
        ),
        // Remote area, 45 working days from 6/2 across Tết: Friday 17/4.
        case(Complaint, First, Normal, true, "2026-02-06", "2026-04-17", WorkingDays),
        // Remote and complex, 60 working days from 6/2: Wednesday 13/5.
        case(Complaint, First, Complex, true, "2026-02-06", "2026-05-13", WorkingDays),
        // Second resolution: 45 (7/5), 60 (28/5), remote 60 from 6/2
        // (13/5), remote and complex 70 from 6/2 (27/5).
        case(
            Complaint,
            Second,
            Normal,
            false,
            "2026-03-02",
            "2026-05-07",
            WorkingDays,
        ),
        case(
            Complaint,
            Second,
            Complex,
            false,
            "2026-03-02",
            "2026-05-28",
            WorkingDays,
        ),
        case(Complaint, Second, Normal, true, "2026-02-06", "2026-05-13", WorkingDays),
        case(
            Complaint,
            Second,
            Complex,
            true,
            "2026-02-06",
            "2026-05-27",
            WorkingDays,
        ),
        // Denunciation, 30 calendar days: from 2/3 to Wednesday 1/4.
        case(
            Denunciation,
            First,
            Normal,
            false,
            "2026-03-02",
            "2026-04-01",
            CalendarDays,
        ),
        // From 20/1 the 30th day is 19/2, in Tết: the period ends on the
        // next working day, Monday 23/2.
        case(
            Denunciation,
            First,
            Complex,
            false,
            "2026-01-20",
            "2026-02-23",
            CalendarDays,
        ),
        // From 5/2 the 30th day is Saturday 7/3: Monday 9/3.
        case(
            Denunciation,
            First,
            EspeciallyComplex,
            false,
            "2026-02-05",
            "2026-03-09",
            CalendarDays,
        ),
    ];
    for (i, c) in cases.iter().enumerate() {
        let mut request = letter("2026-01-15", &format!("Vụ việc thử số {i}"));
        request.kind = c.kind as i32;
        let p = take_in(&app, &hh.clerk, request).await;
        let accepted = accept(&app, &hh.officer, &p.id, &hh.specialist_id, |r| {
            r.accepted_on = c.accepted_on.into();
            r.resolution = c.resolution as i32;
            r.complexity = c.complexity as i32;
            r.remote = c.remote;
        })
        .await;
        let resolving = accepted.resolving.expect("resolving");
        assert_eq!(
            (resolving.accepted_on.as_str(), resolving.due_on.as_str()),
            (c.accepted_on, c.due_on),
            "case {i}: {:?} {:?} {:?} remote={}",
            c.kind,
            c.resolution,
            c.complexity,
            c.remote
        );
        assert_eq!(resolving.counting, c.counting as i32, "case {i}");
        assert_eq!(accepted.current_due_on, c.due_on, "shown on the case");
    }

    // The table is data: the root admin switches denunciations to working
    // days, and 30 working days from 20/1 run across Tết to Tuesday 10/3.
    let root_admin = app.token("tu", Role::Admin).await;
    catalog(&app)
        .upsert_deadline_rule(authed(
            UpsertDeadlineRuleRequest {
                rule: Some(DeadlineRule {
                    kind: Denunciation as i32,
                    resolution: First as i32,
                    complexity: Normal as i32,
                    remote: false,
                    days: 30,
                    counting: WorkingDays as i32,
                    max_extensions: 0,
                    max_extension_days: 0,
                    source: "Luật Tố cáo 2018, Điều 30".into(),
                }),
            },
            &root_admin,
        ))
        .await
        .expect("rule changed");
    let rules = catalog(&app)
        .list_deadline_rules(authed(ListDeadlineRulesRequest {}, &hh.clerk))
        .await
        .expect("rules")
        .into_inner()
        .rules;
    assert_eq!(rules.len(), 11);
    let mut request = letter("2026-01-15", "Tố cáo tính theo ngày làm việc");
    request.kind = Denunciation as i32;
    let p = take_in(&app, &hh.clerk, request).await;
    let accepted = accept(&app, &hh.officer, &p.id, &hh.specialist_id, |r| {
        r.accepted_on = "2026-01-20".into();
    })
    .await;
    assert_eq!(accepted.resolving.expect("resolving").due_on, "2026-03-10");
}

fn extension(id: &str, number: &str, days: i32) -> ExtendDeadlineRequest {
    ExtendDeadlineRequest {
        petition_id: id.into(),
        decision_number: number.into(),
        days,
        reason: "Vụ việc phức tạp, cần thêm thời gian xác minh".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn extensions_only_within_the_legal_count_and_length() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let denunciation = |complexity: Complexity| {
        let mut r = letter("2026-03-02", "Tố cáo chủ tịch xã lợi dụng chức vụ");
        r.kind = PetitionKind::Denunciation as i32;
        (r, complexity)
    };
    // Complex: one extension of up to 30 days.
    let (request, complexity) = denunciation(Complexity::Complex);
    let p = take_in(&app, &hh.clerk, request).await;
    let p = accept(&app, &hh.leader, &p.id, &hh.specialist_id, |r| {
        r.complexity = complexity as i32
    })
    .await;
    assert_eq!(p.resolving.as_ref().expect("resolving").due_on, "2026-04-01");
    assert_eq!(p.resolving.as_ref().expect("resolving").extensions_left, 1);

    // Only the leader decides an extension.
    let e = petitions(&app)
        .extend_deadline(authed(extension(&p.id, "01/QĐ-HU", 30), &hh.specialist))
        .await
        .expect_err("not a leader");
    assert_eq!(e.code(), Code::PermissionDenied);

    // 1/4 + 30 days is 1/5, a holiday, then the weekend: Monday 4/5.
    let extended = petitions(&app)
        .extend_deadline(authed(extension(&p.id, "01/QĐ-HU", 30), &hh.leader))
        .await
        .expect("extended")
        .into_inner();
    let resolving = extended.resolving.expect("resolving");
    assert_eq!(resolving.due_on, "2026-05-04");
    assert_eq!(resolving.base_due_on, "2026-04-01");
    assert_eq!(resolving.extensions.len(), 1);
    assert_eq!(resolving.extensions[0].decision_number, "01/QĐ-HU");
    assert_eq!(resolving.extensions_left, 0);

    // A second extension is beyond the legal count.
    let e = petitions(&app)
        .extend_deadline(authed(extension(&p.id, "02/QĐ-HU", 10), &hh.leader))
        .await
        .expect_err("second extension");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("tối đa 1 lần"), "{}", e.message());

    // Especially complex: two extensions, each at most 30 days.
    let (request, complexity) = denunciation(Complexity::EspeciallyComplex);
    let q = take_in(&app, &hh.clerk, request).await;
    accept(&app, &hh.leader, &q.id, &hh.specialist_id, |r| {
        r.complexity = complexity as i32
    })
    .await;
    let e = petitions(&app)
        .extend_deadline(authed(extension(&q.id, "03/QĐ-HU", 31), &hh.leader))
        .await
        .expect_err("too long");
    assert_eq!(violated_fields(&e), vec!["days"]);
    assert!(e.message().contains("30 ngày"), "{}", e.message());
    for (n, number) in ["04/QĐ-HU", "05/QĐ-HU"].iter().enumerate() {
        let (status, body, _) = app
            .rest(
                Method::POST,
                &format!("/api/v1/petitions/{}/extensions", q.id),
                Some(&hh.leader),
                Some(serde_json::json!({"decisionNumber": number, "days": 20, "reason": "Cần giám định tài liệu"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "extension {n}: {body}");
    }
    let e = petitions(&app)
        .extend_deadline(authed(extension(&q.id, "06/QĐ-HU", 5), &hh.leader))
        .await
        .expect_err("third");
    assert_eq!(e.code(), Code::FailedPrecondition);
    let q = petitions(&app)
        .get_petition(authed(
            GetPetitionRequest {
                petition_id: q.id.clone(),
            },
            &hh.clerk,
        ))
        .await
        .expect("get")
        .into_inner();
    let resolving = q.resolving.expect("resolving");
    assert_eq!(resolving.extensions.len(), 2, "refused extensions wrote nothing");
    // 1/4 + 20 days = 21/4; + 20 days = 11/5.
    assert_eq!(resolving.due_on, "2026-05-11");

    // Complaints are not extended.
    let c = take_in(
        &app,
        &hh.clerk,
        letter("2026-03-02", "Khiếu nại quyết định thu hồi đất"),
    )
    .await;
    accept(&app, &hh.leader, &c.id, &hh.specialist_id, |_| {}).await;
    let e = petitions(&app)
        .extend_deadline(authed(extension(&c.id, "07/QĐ-HU", 10), &hh.leader))
        .await
        .expect_err("complaint");
    assert_eq!(e.code(), Code::FailedPrecondition);
}
