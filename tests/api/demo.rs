//! The whole demo, as `vanphong serve --demo` loads it: what a clerk,
//! leader or petition officer opening it finds in each service.

use std::collections::{BTreeMap, BTreeSet};

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::{Direction, Document, GetDocumentRequest, ListDocumentsRequest, Status};
use vanphong_proto::petitions::v1::petition_service_client::PetitionServiceClient;
use vanphong_proto::petitions::v1::{BacklogKind, ListBacklogRequest, ListPetitionsRequest};
use vanphong_proto::reporting::v1::report_service_client::ReportServiceClient;
use vanphong_proto::reporting::v1::{ListReportsRequest, PeriodKind, ReportStatus};

use crate::helpers::{TestApp, authed, spawn_full_demo};

async fn documents(app: &TestApp, token: &str, request: ListDocumentsRequest) -> Vec<Document> {
    app.queries()
        .list_documents(authed(
            ListDocumentsRequest {
                page_size: 500,
                ..request
            },
            token,
        ))
        .await
        .expect("documents")
        .into_inner()
        .documents
}

/// Each recipient's status of the sender's document, as the sender sees it.
async fn statuses(app: &TestApp, token: &str, document: &Document) -> Vec<String> {
    app.queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: document.id.clone(),
            },
            token,
        ))
        .await
        .expect("document")
        .into_inner()
        .recipients
        .into_iter()
        .map(|r| r.status)
        .collect()
}

#[tokio::test]
async fn the_demo_has_months_of_documents_at_every_step() {
    let app = spawn_full_demo().await;
    let province = app.token("tu", Role::Clerk).await;
    let clerk = app.token("hiephoa", Role::Clerk).await;

    // The province issued Party documents numbered within its term and sent
    // them to the three districts, whose handling comes back as statuses.
    let issued = documents(
        &app,
        &province,
        ListDocumentsRequest {
            direction: Direction::Outgoing as i32,
            ..Default::default()
        },
    )
    .await;
    let by_symbol: BTreeMap<&str, &Document> = issued.iter().map(|d| (d.number_symbol.as_str(), d)).collect();
    let resolution = by_symbol.get("01-NQ/TU").expect("the province's resolution");
    assert_eq!(statuses(&app, &province, resolution).await, ["06", "05", "04", ""]);
    // It was issued as a PDF signed by the province's leader and sealed
    // by the province, under the demo's own CA, and the districts' copies
    // carry the same file.
    let files = crate::documents_attachments::files(&app)
        .list_attachments(authed(
            vanphong_proto::documents::v1::ListAttachmentsRequest {
                document_id: resolution.id.clone(),
            },
            &province,
        ))
        .await
        .expect("attachments")
        .into_inner()
        .attachments;
    let issued_pdf = files.iter().find(|a| a.issued).expect("the issued PDF");
    assert_eq!(issued_pdf.file_name, "01-NQ-TU.pdf");
    let check = issued_pdf.signature_check.as_ref().expect("checked");
    assert_eq!(
        check.verdict(),
        vanphong_proto::documents::v1::SignatureVerdict::Valid,
        "{check:?}"
    );
    assert_eq!(check.signatures.len(), 2);
    // The province's leader signs through the demo's signing service: the
    // suite holds no key of theirs, only the service's key id.
    let leader = app.demo.offices[0]
        .users
        .iter()
        .find(|u| u.role == Role::Leader)
        .expect("the province's leader");
    assert_eq!(check.signatures[0].signer, leader.full_name);
    let keys = &app.settings.document_keys_dir;
    assert!(!keys.join(format!("person-{}.key.pem", leader.id)).exists());
    let remote = std::fs::read_to_string(keys.join(format!("person-{}.remote", leader.id))).expect("remote key id");
    assert_eq!(remote.trim(), format!("person-{}", leader.id));
    assert!(
        keys.join("remote-service")
            .join(format!("person-{}.key.pem", leader.id))
            .exists()
    );
    let invitation = by_symbol.get("01-GM/TU").expect("the province's invitation");
    assert_eq!(statuses(&app, &province, invitation).await, ["01", "01", "01", ""]);
    let pending: BTreeSet<i32> = issued
        .iter()
        .filter(|d| d.number_symbol.is_empty())
        .map(|d| d.status)
        .collect();
    assert!(
        pending.len() >= 2,
        "a draft under review and a signed one waiting: {pending:?}"
    );

    // A district's incoming mail is at every step, numbered without gaps
    // within each year, and some of it is overdue.
    let mail = documents(
        &app,
        &clerk,
        ListDocumentsRequest {
            direction: Direction::Incoming as i32,
            ..Default::default()
        },
    )
    .await;
    let seen: BTreeSet<i32> = mail.iter().map(|d| d.status).collect();
    for status in [
        Status::Arrived,
        Status::Registered,
        Status::Submitted,
        Status::Assigned,
        Status::InProgress,
        Status::Done,
        Status::Filed,
    ] {
        assert!(seen.contains(&(status as i32)), "no {status:?} document in {seen:?}");
    }
    let mut numbers: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for d in mail.iter().filter(|d| d.arrival_number > 0) {
        numbers.entry(d.arrival_year).or_default().push(d.arrival_number);
    }
    for (year, mut got) in numbers {
        got.sort_unstable();
        let expected: Vec<i64> = (1..=i64::try_from(got.len()).expect("count")).collect();
        assert_eq!(got, expected, "incoming numbers of {year}");
    }
    let dates: BTreeSet<&str> = mail.iter().map(|d| &d.issued_on[..7]).collect();
    assert!(dates.len() >= 3, "documents of several months: {dates:?}");
    let overdue = documents(
        &app,
        &clerk,
        ListDocumentsRequest {
            overdue: true,
            ..Default::default()
        },
    )
    .await;
    let late: BTreeSet<&str> = overdue.iter().map(|d| d.number_symbol.as_str()).collect();
    assert!(
        late.contains("735/STC-QLNS") && late.contains("07-HD/BTCTU"),
        "{late:?}"
    );
    assert!(
        !late.contains("2874/UBND-KTTH"),
        "a filed document is not overdue: {late:?}"
    );

    // Search ignores diacritics.
    let found = documents(
        &app,
        &clerk,
        ListDocumentsRequest {
            query: "chuyen doi so co quan dang".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(found.iter().any(|d| d.number_symbol == "01-NQ/TU"), "{found:?}");

    // The districts report back: sibling districts' same-day "01-BC/HU"
    // are different documents at the province, and Hiệp Hòa's monthly
    // report arrived there too.
    let received = documents(
        &app,
        &province,
        ListDocumentsRequest {
            direction: Direction::Incoming as i32,
            ..Default::default()
        },
    )
    .await;
    let reports: Vec<&Document> = received.iter().filter(|d| d.number_symbol == "01-BC/HU").collect();
    assert_eq!(reports.len(), 3, "{received:?}");
    let from_hiep_hoa = received
        .iter()
        .filter(|d| d.sender_office_id == app.office_id("hiephoa"))
        .count();
    assert_eq!(from_hiep_hoa, 2, "its report on the resolution and its monthly report");
}

#[tokio::test]
async fn the_demo_has_petitions_in_every_state_some_overdue() {
    let app = spawn_full_demo().await;
    let leader = app.token("hiephoa", Role::Leader).await;
    let mut petitions = PetitionServiceClient::new(app.channel.clone());
    let listed = petitions
        .list_petitions(authed(
            ListPetitionsRequest {
                page_size: 500,
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("petitions")
        .into_inner()
        .petitions;
    let codes: BTreeSet<&str> = listed.iter().map(|p| p.state_code.as_str()).collect();
    for code in ["02", "03", "04", "05", "06", "08", "10", "11"] {
        assert!(codes.contains(code), "no petition in state {code}: {codes:?}");
    }
    let overdue = petitions
        .list_backlog(authed(
            ListBacklogRequest {
                kind: BacklogKind::Overdue as i32,
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("backlog")
        .into_inner()
        .entries;
    assert!(!overdue.is_empty(), "some cases are past their deadline");
    assert!(overdue.iter().all(|e| e.days_left < 0));
}

#[tokio::test]
async fn the_demo_has_the_districts_monthly_reports_and_the_provinces_draft() {
    let app = spawn_full_demo().await;
    let leader = app.token("tu", Role::Leader).await;
    let reports = ReportServiceClient::new(app.channel.clone())
        .list_reports(authed(
            ListReportsRequest {
                include_descendants: true,
                kind: PeriodKind::Monthly as i32,
                year: 2026,
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("reports")
        .into_inner()
        .reports;
    let status_of = |slug: &str| {
        reports
            .iter()
            .find(|r| r.office_id == app.office_id(slug))
            .map(|r| r.status)
            .unwrap_or_default()
    };
    // On the tests' clock (2 March 2026) the last closed period is February's
    // (15/1–14/2).
    assert!(
        reports.iter().all(|r| r.period.as_ref().is_some_and(|p| p.number == 2)),
        "{reports:?}"
    );
    assert_eq!(status_of("tu"), ReportStatus::Draft as i32);
    assert_eq!(status_of("hiephoa"), ReportStatus::Sent as i32);
    assert_eq!(status_of("vietyen"), ReportStatus::Submitted as i32);
    assert_eq!(status_of("yendung"), ReportStatus::Submitted as i32);
    assert_eq!(status_of("bacly"), ReportStatus::Sent as i32);
}

#[tokio::test]
async fn the_demo_tree_tells_the_reorganisation_of_2025() {
    use vanphong_proto::directory::v1::{GetOfficeTreeRequest, OfficeNode};

    fn names(nodes: &[OfficeNode], out: &mut Vec<(String, usize)>, depth: usize) {
        for node in nodes {
            if let Some(office) = &node.office {
                out.push((office.name.clone(), depth));
            }
            names(&node.children, out, depth + 1);
        }
    }
    let app = spawn_full_demo().await;
    let leader = app.token("tu", Role::Leader).await;
    let tree = |as_of: &'static str| {
        let app = &app;
        let leader = leader.clone();
        async move {
            let answer = app
                .offices()
                .get_office_tree(authed(
                    GetOfficeTreeRequest {
                        as_of: as_of.into(),
                        ..Default::default()
                    },
                    &leader,
                ))
                .await
                .expect("tree")
                .into_inner();
            let mut out = Vec::new();
            names(&answer.roots, &mut out, 0);
            out
        }
    };
    // On 30 June 2025 the district committee stood with its communes…
    let before = tree("2025-06-30").await;
    assert!(before.contains(&("Huyện ủy Lục Nam".into(), 1)), "{before:?}");
    assert!(before.contains(&("Đảng ủy xã Lan Mẫu".into(), 2)), "{before:?}");
    assert!(!before.iter().any(|(n, _)| n == "Đảng ủy xã Lục Nam"), "{before:?}");
    // …from 1 July the merged commune answers directly to the province.
    let today = tree("").await;
    assert!(today.contains(&("Đảng ủy xã Lục Nam".into(), 1)), "{today:?}");
    assert!(
        !today
            .iter()
            .any(|(n, _)| n == "Huyện ủy Lục Nam" || n == "Đảng ủy xã Lan Mẫu"),
        "{today:?}"
    );
}

#[tokio::test]
async fn the_demo_work_crossed_the_reorganisation_of_2025() {
    use http::{Method, StatusCode};
    use vanphong_proto::directory::v1::SignInRequest;
    use vanphong_proto::petitions::v1::PetitionState;

    let app = spawn_full_demo().await;
    let office = |name: &str| {
        app.demo
            .reorganised
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("{name} in {:?}", app.demo.reorganised))
            .id
            .clone()
    };
    let commune = office("Đảng ủy xã Lục Nam");
    let district = office("Huyện ủy Lục Nam");

    // Lan Mẫu's people work in the merged commune; the district's are told
    // where their office went.
    let leader = app.token_for("lanmau.lanhdao").await;
    let who = app
        .auth()
        .who_am_i(authed(vanphong_proto::directory::v1::WhoAmIRequest {}, &leader))
        .await
        .expect("who am i")
        .into_inner();
    assert_eq!(who.office_id, commune);
    let refused = app
        .auth()
        .sign_in(SignInRequest {
            username: "lucnam.lanhdao".into(),
            password: vanphong::demo::DEMO_PASSWORD.into(),
        })
        .await
        .expect_err("the district ended");
    assert!(
        refused.message().contains("Tỉnh ủy Bắc Giang") && refused.message().contains("01/07/2025"),
        "{}",
        refused.message()
    );

    // The letters registered in June in the old communes were answered in
    // July by the specialist of the new one, one of them given to her by
    // the new leader; each history shows the handover.
    let specialist = app
        .auth()
        .who_am_i(authed(
            vanphong_proto::directory::v1::WhoAmIRequest {},
            &app.token_for("lanmau.chuyenvien").await,
        ))
        .await
        .expect("who am i")
        .into_inner()
        .subject_id;
    let mut answered = Vec::new();
    for query in ["ra soat ban giao ho so", "thong ke dat cong tai san cong"] {
        let found = documents(
            &app,
            &leader,
            ListDocumentsRequest {
                query: query.into(),
                direction: Direction::Incoming as i32,
                ..Default::default()
            },
        )
        .await;
        let letter = app
            .queries()
            .get_document(authed(
                GetDocumentRequest {
                    document_id: found.first().expect(query).id.clone(),
                },
                &leader,
            ))
            .await
            .expect("letter")
            .into_inner();
        answered.push(letter);
    }
    for letter in &answered {
        assert_eq!(letter.status, Status::Done as i32, "{letter:?}");
        let kinds: Vec<&str> = letter.events.iter().map(|e| e.kind.as_str()).collect();
        let handover = kinds.iter().position(|k| *k == "handover").expect("handover line");
        let complete = kinds.iter().position(|k| *k == "complete").expect("complete line");
        assert!(handover < complete, "{kinds:?}");
        let done = &letter.events[complete];
        assert_eq!(done.actor_id, specialist);
        assert!(
            done.at.as_ref().is_some_and(|t| t.seconds < 1_754_000_000),
            "answered in July 2025: {done:?}"
        );
        assert!(letter.registered_at.as_ref().is_some_and(|t| t.seconds < 1_751_300_000));
    }

    // The denunciation accepted at Khám Lạng in June was decided and closed
    // in July by the specialist the new leader gave it to.
    let petitions = PetitionServiceClient::new(app.channel.clone())
        .list_petitions(authed(
            ListPetitionsRequest {
                query: "truong thon Dong Ri".into(),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("petitions")
        .into_inner()
        .petitions;
    let denunciation = petitions.first().expect("the denunciation");
    assert_eq!(denunciation.state, PetitionState::Resolved as i32, "{denunciation:?}");
    assert_eq!(denunciation.closed_on, "2025-07-15");
    let denunciation = PetitionServiceClient::new(app.channel.clone())
        .get_petition(authed(
            vanphong_proto::petitions::v1::GetPetitionRequest {
                petition_id: denunciation.id.clone(),
            },
            &leader,
        ))
        .await
        .expect("petition")
        .into_inner();
    assert_eq!(
        denunciation.resolving.as_ref().map(|r| r.handler_name.as_str()),
        Some("Lương Thị Thu")
    );
    assert!(
        denunciation.events.iter().any(|e| e.kind == "handover"),
        "{:?}",
        denunciation.events
    );

    // A report for the quarter before (Lan Mẫu's, accepted by the district)
    // and one for the quarter after (the new commune's, by the province).
    let list = |token: String| {
        let app = &app;
        async move {
            ReportServiceClient::new(app.channel.clone())
                .list_reports(authed(
                    ListReportsRequest {
                        include_descendants: true,
                        kind: PeriodKind::Quarterly as i32,
                        year: 2025,
                        ..Default::default()
                    },
                    &token,
                ))
                .await
                .expect("reports")
                .into_inner()
                .reports
        }
    };
    let quarter = |reports: &[vanphong_proto::reporting::v1::Report], n: i32| {
        reports
            .iter()
            .find(|r| r.period.as_ref().is_some_and(|p| p.number == n))
            .map(|r| (r.office_name.clone(), r.status))
    };
    // (Lan Mẫu's report for the second quarter was sent and accepted by the
    // district as the demo loaded; the new commune holds it now.)
    let province = list(app.token("tu", Role::Leader).await).await;
    assert_eq!(
        quarter(&province, 3),
        Some(("Đảng ủy xã Lục Nam".to_string(), ReportStatus::Accepted as i32)),
    );
    assert_eq!(
        quarter(&province, 2),
        Some(("Đảng ủy xã Lan Mẫu".to_string(), ReportStatus::Accepted as i32)),
    );
    // The third quarter's figures count the two letters answered on time in
    // July, on the records of the communes that ended on 30 June.
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/reports/figures?officeId={commune}&kind=PERIOD_KIND_QUARTERLY&year=2025&number=3"),
            Some(&leader),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"]["values"]["documents.handled_on_time"], "2", "{body}");

    // The district's budget came over to the province, with its record.
    let accountant = app.token("tu", Role::Accountant).await;
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/finance/exports/handover-record?officeId={district}"),
            Some(&accountant),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The trails of the offices in the story still verify, though it was
    // told back in time.
    let inspector = app.token("tu", Role::Inspector).await;
    for service in ["directory", "documents", "petitions", "finance", "reports"] {
        // The province's inspector reads the trail of the district that
        // ended into the province, as the province holds its records.
        for office in [&commune, &district] {
            let (status, body, _) = app
                .rest(
                    Method::POST,
                    &format!("/api/v1/{service}/audit/verify"),
                    Some(&inspector),
                    Some(serde_json::json!({ "officeId": office })),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{service}: {body}");
            assert_eq!(body["intact"], true, "{service}: {body}");
        }
    }
}
