//! Outgoing documents: the flow, legal numbering under both conventions,
//! and exchange with the offices of the deployment.

use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::{CreateOfficeRequest, CreateUserRequest, NumberingConvention, OfficeKind};
use vanphong_proto::documents::v1::{
    AnswerRecallRequest, CreateDraftRequest, CreateTermRequest, DirectRequest, DispatchRequest, Document,
    GetDocumentRequest, IssueNumberRequest, RecallRequest, RecipientInput, RegisterIncomingRequest, ReviewRequest,
    SignRequest, Status, SubmitForReviewRequest,
};

use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

/// The clerk's, leader's and drafter's tokens of one office.
pub(crate) struct Desk {
    pub clerk: String,
    pub leader: String,
    pub drafter: String,
}

pub(crate) async fn desk(app: &TestApp, slug: &str) -> Desk {
    Desk {
        clerk: app.token(slug, Role::Clerk).await,
        leader: app.token(slug, Role::Leader).await,
        drafter: app.token(slug, Role::Specialist).await,
    }
}

pub(crate) async fn term(app: &TestApp, slug: &str, name: &str, starts: &str, ends: &str, congress: bool) {
    let admin = app.token(slug, Role::Admin).await;
    app.terms()
        .create_term(authed(
            CreateTermRequest {
                office_id: app.office_id(slug),
                name: name.into(),
                starts_on: starts.into(),
                ends_on: ends.into(),
                congress,
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("term");
}

pub(crate) fn draft(type_code: &str, subject: &str, recipients: Vec<RecipientInput>) -> CreateDraftRequest {
    CreateDraftRequest {
        type_code: type_code.into(),
        subject: subject.into(),
        pages: 2,
        recipients,
        ..Default::default()
    }
}

/// Drafts, reviews, approves and signs; returns the signed document.
pub(crate) async fn signed(app: &TestApp, d: &Desk, request: CreateDraftRequest, prefix: &str) -> Document {
    let doc = app
        .outgoing()
        .create_draft(authed(request, &d.drafter))
        .await
        .expect("draft")
        .into_inner();
    app.outgoing()
        .submit_for_review(authed(
            SubmitForReviewRequest {
                document_id: doc.id.clone(),
                note: String::new(),
            },
            &d.drafter,
        ))
        .await
        .expect("submitted");
    app.outgoing()
        .approve(authed(
            ReviewRequest {
                document_id: doc.id.clone(),
                note: String::new(),
            },
            &d.leader,
        ))
        .await
        .expect("approved");
    app.outgoing()
        .sign(authed(
            SignRequest {
                document_id: doc.id.clone(),
                signing_prefix: prefix.into(),
                signer_position: "Bí thư".into(),
                on_behalf_of: if prefix.is_empty() {
                    String::new()
                } else {
                    "Ban Thường vụ".into()
                },
            },
            &d.leader,
        ))
        .await
        .expect("signed")
        .into_inner()
}

pub(crate) async fn number(app: &TestApp, d: &Desk, id: &str) -> Document {
    app.outgoing()
        .issue_number(authed(IssueNumberRequest { document_id: id.into() }, &d.clerk))
        .await
        .expect("numbered")
        .into_inner()
}

#[tokio::test]
async fn party_numbers_run_per_type_per_term_and_secret_shares_the_series() {
    let app = spawn_app().await;
    let d = desk(&app, "hiephoa").await;
    let first = signed(&app, &d, draft("NQ", "Nghị quyết về công tác cán bộ", vec![]), "T/M").await;

    // Without a committee term there is no Party number to give.
    let e = app
        .outgoing()
        .issue_number(authed(
            IssueNumberRequest {
                document_id: first.id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect_err("no term");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("nhiệm kỳ"), "{}", e.message());

    term(&app, "hiephoa", "Nhiệm kỳ 2020–2025", "2020-10-01", "2025-10-15", false).await;
    term(&app, "hiephoa", "Nhiệm kỳ 2025–2030", "2025-10-16", "", false).await;
    let n1 = number(&app, &d, &first.id).await;
    assert_eq!(n1.number_label, "Số 01-NQ/HU");
    assert_eq!(n1.status, Status::Numbered as i32);
    assert_eq!(
        number(&app, &d, &first.id).await.number,
        1,
        "asking again gives the same number"
    );

    // A specialist without clearance cannot draft a secret document; the
    // office's cleared clerk can.
    let mut secret = draft("NQ", "Nghị quyết mật về nhân sự", vec![]);
    secret.secrecy = 1;
    let e = app
        .outgoing()
        .create_draft(authed(secret.clone(), &d.drafter))
        .await
        .expect_err("not cleared");
    assert_eq!(e.code(), Code::PermissionDenied);
    let cleared = Desk {
        clerk: d.clerk.clone(),
        leader: d.leader.clone(),
        drafter: d.clerk.clone(),
    };
    let s = signed(&app, &cleared, secret, "T/M").await;
    assert_eq!(
        number(&app, &d, &s.id).await.number_symbol,
        "02-NQ/HU",
        "secret shares the series"
    );

    let decision = signed(&app, &d, draft("QĐ", "Quyết định thành lập tổ công tác", vec![]), "T/M").await;
    assert_eq!(
        number(&app, &d, &decision.id).await.number_label,
        "Số 01-QĐ/HU",
        "each type its own series"
    );

    // Signing before review, numbering before signing: refused, naming both states.
    let early = app
        .outgoing()
        .create_draft(authed(draft("NQ", "Dự thảo", vec![]), &d.drafter))
        .await
        .expect("draft")
        .into_inner();
    let e = app
        .outgoing()
        .issue_number(authed(
            IssueNumberRequest {
                document_id: early.id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect_err("not signed");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(
        e.message().contains("cấp số") && e.message().contains("Dự thảo"),
        "{}",
        e.message()
    );
    let e = app
        .outgoing()
        .sign(authed(
            SignRequest {
                document_id: n1.id.clone(),
                signing_prefix: "TM.".into(),
                signer_position: "Bí thư".into(),
                on_behalf_of: String::new(),
            },
            &d.leader,
        ))
        .await
        .expect_err("state prefix in a Party office");
    assert_eq!(violated_fields(&e), vec!["signing_prefix"]);
}

#[tokio::test]
async fn concurrent_numbering_is_gap_free() {
    let app = spawn_app().await;
    let d = desk(&app, "yendung").await;
    term(&app, "yendung", "Nhiệm kỳ 2025–2030", "2025-10-16", "", false).await;
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(
            signed(&app, &d, draft("TB", &format!("Thông báo số {i}"), vec![]), "T/M")
                .await
                .id,
        );
    }
    let mut calls = Vec::new();
    for id in ids.iter().chain(ids.iter()) {
        let mut client = app.outgoing();
        let request = authed(
            IssueNumberRequest {
                document_id: id.clone(),
            },
            &d.clerk,
        );
        calls.push(tokio::spawn(async move { client.issue_number(request).await }));
    }
    let mut by_doc = std::collections::BTreeMap::new();
    for call in calls {
        let doc = call.await.expect("joined").expect("numbered").into_inner();
        let previous = by_doc.insert(doc.id.clone(), doc.number);
        assert!(
            previous.is_none() || previous == Some(doc.number),
            "a retry got another number"
        );
    }
    let mut numbers: Vec<i64> = by_doc.values().copied().collect();
    numbers.sort();
    assert_eq!(numbers, (1..=12).collect::<Vec<i64>>());
}

#[tokio::test]
async fn state_numbering_is_yearly_with_a_separate_secret_series() {
    let app = spawn_app().await;
    // A commune people's committee, numbering the state way.
    let admin = app.token("hiephoa", Role::Admin).await;
    let office = app
        .offices()
        .create_office(authed(
            CreateOfficeRequest {
                code: "UBND-BL".into(),
                name: "Ủy ban nhân dân xã Bắc Lý".into(),
                kind: OfficeKind::Commune as i32,
                issuer_code: "UBND".into(),
                numbering: NumberingConvention::State as i32,
                parent_id: app.office_id("hiephoa"),
                established_on: "2020-01-01".into(),
                ..Default::default()
            },
            &admin,
        ))
        .await
        .expect("office")
        .into_inner();
    for (username, role, clearance) in [("ubndbl.vanthu", Role::Clerk, 1), ("ubndbl.chutich", Role::Leader, 1)] {
        app.users()
            .create_user(authed(
                CreateUserRequest {
                    username: username.into(),
                    full_name: "Nguyễn Văn Chủ".into(),
                    office_id: office.id.clone(),
                    roles: vec![role.to_wire()],
                    clearance,
                    password: "Xa-Bac-Ly-2026".into(),
                    ..Default::default()
                },
                &admin,
            ))
            .await
            .expect("user");
    }
    let sign_in = |name: &'static str| {
        let mut auth = app.auth();
        async move {
            auth.sign_in(vanphong_proto::directory::v1::SignInRequest {
                username: name.into(),
                password: "Xa-Bac-Ly-2026".into(),
            })
            .await
            .expect("sign in")
            .into_inner()
            .access_token
        }
    };
    let d = Desk {
        clerk: sign_in("ubndbl.vanthu").await,
        leader: sign_in("ubndbl.chutich").await,
        drafter: sign_in("ubndbl.vanthu").await,
    };
    let decision = signed(&app, &d, draft("QĐ", "Quyết định phê duyệt kế hoạch", vec![]), "TM.").await;
    assert_eq!(number(&app, &d, &decision.id).await.number_label, "Số: 01/QĐ-UBND");
    let mut letter = draft("CV", "Về việc tổng hợp số liệu", vec![]);
    letter.drafting_unit_code = "VP".into();
    let letter = signed(&app, &d, letter, "KT.").await;
    assert_eq!(
        number(&app, &d, &letter.id).await.number_label,
        "Số: 02/UBND-VP",
        "one series for every type"
    );
    let mut secret = draft("BC", "Báo cáo mật", vec![]);
    secret.secrecy = 1;
    let secret = signed(&app, &d, secret, "TM.").await;
    assert_eq!(
        number(&app, &d, &secret.id).await.number_symbol,
        "01/BC-UBND",
        "secret documents count apart"
    );
    let e = app
        .outgoing()
        .create_draft(authed(draft("KL", "Kết luận", vec![]), &d.drafter))
        .await
        .expect_err("a Party type");
    assert_eq!(violated_fields(&e), vec!["type_code"]);
}

pub(crate) fn to_office(app: &TestApp, slug: &str) -> RecipientInput {
    RecipientInput {
        office_id: app.office_id(slug),
        ..Default::default()
    }
}

async fn status_of(app: &TestApp, token: &str, id: &str) -> Document {
    app.queries()
        .get_document(authed(GetDocumentRequest { document_id: id.into() }, token))
        .await
        .expect("document")
        .into_inner()
}

#[tokio::test]
async fn a_province_document_reaches_three_districts_and_their_progress_comes_back() {
    let app = spawn_app().await;
    let province = desk(&app, "tu").await;
    term(&app, "tu", "Nhiệm kỳ 2025–2030", "2025-10-16", "", false).await;
    let recipients = vec![
        to_office(&app, "hiephoa"),
        to_office(&app, "vietyen"),
        to_office(&app, "yendung"),
        RecipientInput {
            name: "Báo Bắc Giang".into(),
            ..Default::default()
        },
    ];
    let doc = signed(
        &app,
        &province,
        draft("CT", "Chỉ thị về tăng cường kỷ luật hành chính", recipients),
        "T/M",
    )
    .await;
    number(&app, &province, &doc.id).await;
    let sent = app
        .outgoing()
        .dispatch(authed(
            DispatchRequest {
                document_id: doc.id.clone(),
            },
            &province.clerk,
        ))
        .await
        .expect("dispatched")
        .into_inner();
    let statuses: Vec<&str> = sent.recipients.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(
        statuses,
        vec!["01", "01", "01", ""],
        "offices of the deployment have it at once"
    );

    // Each district finds it in its queue, already filled in.
    let mut copies = Vec::new();
    for slug in ["hiephoa", "vietyen", "yendung"] {
        let clerk = app.token(slug, Role::Clerk).await;
        let queue = crate::documents_attachments::arrived(&app, &clerk).await;
        assert_eq!(queue.len(), 1, "{slug}");
        assert_eq!(queue[0].number_symbol, "01-CT/TU");
        assert_eq!(queue[0].sender_office_id, app.office_id("tu"));
        copies.push((slug, clerk, queue[0].id.clone()));
    }

    // Hiệp Hòa registers and assigns it; Việt Yên refuses it; Yên Dũng only registers.
    let (_, hh_clerk, hh_copy) = &copies[0];
    let registered = app
        .incoming()
        .register_incoming(authed(
            RegisterIncomingRequest {
                arrived_document_id: hh_copy.clone(),
                ..Default::default()
            },
            hh_clerk,
        ))
        .await
        .expect("registered")
        .into_inner();
    assert_eq!(registered.arrival_number, 1);
    let hh_leader = app.token("hiephoa", Role::Leader).await;
    let specialist = app.user_id("hiephoa", Role::Specialist).await;
    app.incoming()
        .direct(authed(
            DirectRequest {
                document_id: hh_copy.clone(),
                lead_handler_id: specialist,
                ..Default::default()
            },
            &hh_leader,
        ))
        .await
        .expect("directed");
    let (_, vy_clerk, vy_copy) = &copies[1];
    app.incoming()
        .refuse(authed(
            vanphong_proto::documents::v1::RefuseRequest {
                document_id: vy_copy.clone(),
                reason: "Gửi nhầm đơn vị".into(),
            },
            vy_clerk,
        ))
        .await
        .expect("refused");
    let (_, yd_clerk, yd_copy) = &copies[2];
    app.incoming()
        .register_incoming(authed(
            RegisterIncomingRequest {
                arrived_document_id: yd_copy.clone(),
                ..Default::default()
            },
            yd_clerk,
        ))
        .await
        .expect("registered");

    let seen = status_of(&app, &province.clerk, &doc.id).await;
    let statuses: Vec<&str> = seen.recipients.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, vec!["04", "02", "03", ""]);

    // The province recalls it: Yên Dũng gives it back, Hiệp Hòa keeps it.
    app.outgoing()
        .recall(authed(
            RecallRequest {
                document_id: doc.id.clone(),
                reason: "Ban hành nhầm phiên bản".into(),
            },
            &province.leader,
        ))
        .await
        .expect("recall asked");
    let asked = status_of(&app, yd_clerk, yd_copy).await;
    assert!(asked.recall_requested);
    app.outgoing()
        .answer_recall(authed(
            AnswerRecallRequest {
                document_id: yd_copy.clone(),
                accept: true,
                reason: String::new(),
            },
            yd_clerk,
        ))
        .await
        .expect("accepted");
    let e = app
        .outgoing()
        .answer_recall(authed(
            AnswerRecallRequest {
                document_id: hh_copy.clone(),
                accept: false,
                reason: String::new(),
            },
            hh_clerk,
        ))
        .await
        .expect_err("a refusal needs a reason");
    assert_eq!(violated_fields(&e), vec!["reason"]);
    app.outgoing()
        .answer_recall(authed(
            AnswerRecallRequest {
                document_id: hh_copy.clone(),
                accept: false,
                reason: "Đã triển khai thực hiện".into(),
            },
            hh_clerk,
        ))
        .await
        .expect("refused recall");
    let seen = status_of(&app, &province.clerk, &doc.id).await;
    let statuses: Vec<&str> = seen.recipients.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, vec!["16", "02", "15", ""]);
    assert_eq!(status_of(&app, yd_clerk, yd_copy).await.status, Status::Recalled as i32);

    // Offices that did not receive it see nothing of it.
    let commune = app.token("bacly", Role::Clerk).await;
    let e = app
        .queries()
        .get_document(authed(
            GetDocumentRequest {
                document_id: doc.id.clone(),
            },
            &commune,
        ))
        .await
        .expect_err("not a recipient");
    assert_eq!(e.code(), Code::NotFound);
}
