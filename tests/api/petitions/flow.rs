//! The flow of a petition: classification outcomes, refused transitions,
//! the path from thụ lý to result, withdrawal.

use http::{Method, StatusCode};
use tonic::Code;

use vanphong_platform::identity::Role;
use vanphong_proto::petitions::v1::{
    AcceptPetitionRequest, AddNoteRequest, ClassificationOutcome, ClassifyPetitionRequest, ClosePetitionRequest,
    CompetentAuthority, GetPetitionRequest, NotifyPetitionerRequest, PetitionState, RecordResultRequest,
    WithdrawPetitionRequest,
};

use super::support::{accept, letter, office, petitions, take_in};
use crate::helpers::{authed, spawn_app, violated_fields};

fn classify(id: &str, outcome: ClassificationOutcome) -> ClassifyPetitionRequest {
    ClassifyPetitionRequest {
        petition_id: id.into(),
        outcome: outcome as i32,
        ..Default::default()
    }
}

#[tokio::test]
async fn from_intake_to_result_and_closing() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let p = take_in(
        &app,
        &hh.clerk,
        letter("2026-02-27", "Khiếu nại việc bồi thường khi thu hồi đất"),
    )
    .await;

    // A result before thụ lý is a transition not allowed.
    let e = petitions(&app)
        .record_result(authed(
            RecordResultRequest {
                petition_id: p.id.clone(),
                summary: "Giữ nguyên".into(),
                decision_reference: "12/QĐ-UBND".into(),
                ..Default::default()
            },
            &hh.leader,
        ))
        .await
        .expect_err("too early");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(
        e.message().contains("(02)") && e.message().contains("(08)"),
        "{}",
        e.message()
    );

    // Clerks do not classify; the handler must work in the office.
    let e = petitions(&app)
        .classify_petition(authed(classify(&p.id, ClassificationOutcome::Consider), &hh.clerk))
        .await
        .expect_err("clerk");
    assert_eq!(e.code(), Code::InvalidArgument, "the handler is missing first");
    let mut consider = classify(&p.id, ClassificationOutcome::Consider);
    consider.handler_id = app.user_id("vietyen", Role::Specialist).await;
    let e = petitions(&app)
        .classify_petition(authed(consider.clone(), &hh.officer))
        .await
        .expect_err("foreign handler");
    assert_eq!(violated_fields(&e), vec!["handler_id"]);
    consider.handler_id = hh.specialist_id.clone();
    consider.competent_authority = CompetentAuthority::Administrative as i32;
    let e = petitions(&app)
        .classify_petition(authed(consider.clone(), &hh.clerk))
        .await
        .expect_err("clerk");
    assert_eq!(e.code(), Code::PermissionDenied);
    // Leaders of the parent office read but never act.
    let province_leader = app.token("tu", Role::Leader).await;
    let e = petitions(&app)
        .classify_petition(authed(consider.clone(), &province_leader))
        .await
        .expect_err("parent leader");
    assert_eq!(e.code(), Code::PermissionDenied);

    let considered = petitions(&app)
        .classify_petition(authed(consider.clone(), &hh.officer))
        .await
        .expect("considered")
        .into_inner();
    assert_eq!(considered.state, PetitionState::Considering as i32);
    assert_eq!(considered.state_code, "07");

    // Classifying again: refused, naming both states, nothing written.
    let e = petitions(&app)
        .classify_petition(authed(consider, &hh.officer))
        .await
        .expect_err("twice");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(
        e.message().contains("Xem xét thụ lý") && e.message().contains("(07)") && e.message().contains("(02)"),
        "{}",
        e.message()
    );

    let accepted = petitions(&app)
        .accept_petition(authed(
            AcceptPetitionRequest {
                petition_id: p.id.clone(),
                note: "Thụ lý giải quyết lần đầu".into(),
                ..Default::default()
            },
            &hh.leader,
        ))
        .await
        .expect("accepted")
        .into_inner();
    assert_eq!(accepted.state_code, "08");
    let resolving = accepted.resolving.expect("resolving");
    assert_eq!(resolving.handler_id, hh.specialist_id, "the handler who considered it");
    assert_eq!(resolving.due_on, "2026-04-13");

    // The handler records the investigation and the result (REST here).
    petitions(&app)
        .add_note(authed(
            AddNoteRequest {
                petition_id: p.id.clone(),
                note: "Đã làm việc với UBND xã, thu thập hồ sơ thu hồi đất".into(),
            },
            &hh.specialist,
        ))
        .await
        .expect("note");
    let (status, body, _) = app
        .rest(
            Method::POST,
            &format!("/api/v1/petitions/{}/result", p.id),
            Some(&hh.specialist),
            Some(serde_json::json!({
                "summary": "Khiếu nại đúng một phần; yêu cầu bồi thường bổ sung",
                "decisionReference": "25/QĐ-UBND ngày 02/03/2026"
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["stateCode"], "10");
    assert_eq!(body["result"]["decisionReference"], "25/QĐ-UBND ngày 02/03/2026");

    // Closing needs the petitioner told first.
    let e = petitions(&app)
        .close_petition(authed(
            ClosePetitionRequest {
                petition_id: p.id.clone(),
                note: String::new(),
            },
            &hh.officer,
        ))
        .await
        .expect_err("not notified");
    assert_eq!(e.code(), Code::FailedPrecondition);
    petitions(&app)
        .notify_petitioner(authed(
            NotifyPetitionerRequest {
                petition_id: p.id.clone(),
                note: "Gửi quyết định qua bưu điện".into(),
                ..Default::default()
            },
            &hh.officer,
        ))
        .await
        .expect("notified");
    let closed = petitions(&app)
        .close_petition(authed(
            ClosePetitionRequest {
                petition_id: p.id.clone(),
                note: String::new(),
            },
            &hh.officer,
        ))
        .await
        .expect("closed")
        .into_inner();
    assert_eq!(closed.closed_on, "2026-03-02");
    assert!(!closed.overdue);
    let kinds: Vec<&str> = closed.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec!["intake", "classify", "accept", "note", "result", "notify", "close"]
    );
}

#[tokio::test]
async fn other_outcomes_end_the_case_here() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let p = take_in(&app, &hh.clerk, letter("2026-03-02", "Kiến nghị sửa đường liên thôn")).await;
    let mut transfer = classify(&p.id, ClassificationOutcome::Transfer);
    let e = petitions(&app)
        .classify_petition(authed(transfer.clone(), &hh.officer))
        .await
        .expect_err("where to");
    let mut fields = violated_fields(&e);
    fields.sort();
    assert_eq!(fields, vec!["note", "transfer_to"]);
    transfer.transfer_to = "Ủy ban nhân dân huyện Hiệp Hòa".into();
    transfer.note = "Thuộc thẩm quyền giải quyết của chính quyền".into();
    transfer.competent_authority = CompetentAuthority::Administrative as i32;
    let moved = petitions(&app)
        .classify_petition(authed(transfer.clone(), &hh.officer))
        .await
        .expect("transferred")
        .into_inner();
    assert_eq!(moved.state_code, "04");
    assert!(!moved.closed_on.is_empty());
    let slip = moved.transfer.expect("transfer");
    assert_eq!(slip.target_body, "Ủy ban nhân dân huyện Hiệp Hòa");
    assert_eq!(slip.slip_status, "issued");
    let slip_id = slip.slip_document_id.clone();
    let draft = app
        .queries()
        .get_document(authed(
            vanphong_proto::documents::v1::GetDocumentRequest {
                document_id: slip_id.clone(),
            },
            &hh.officer,
        ))
        .await
        .expect("the slip is a draft outgoing document the officer can read")
        .into_inner();
    assert_eq!(draft.type_code, "PC");
    assert!(
        draft.subject.contains("Ủy ban nhân dân huyện Hiệp Hòa"),
        "{}",
        draft.subject
    );
    assert_eq!(draft.recipients[0].name, "Ủy ban nhân dân huyện Hiệp Hòa");

    // Classifying again changes nothing and makes no second slip.
    let again = petitions(&app).classify_petition(authed(transfer, &hh.officer)).await;
    match again {
        Ok(answer) => assert_eq!(
            answer.into_inner().transfer.expect("transfer").slip_document_id,
            slip_id
        ),
        Err(status) => assert_eq!(status.code(), tonic::Code::FailedPrecondition, "{status:?}"),
    }
    let slips = app
        .queries()
        .list_documents(authed(
            vanphong_proto::documents::v1::ListDocumentsRequest {
                type_code: "PC".into(),
                ..Default::default()
            },
            &hh.leader,
        ))
        .await
        .expect("the office's transfer slips")
        .into_inner()
        .documents;
    assert_eq!(
        slips.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        vec![slip_id.as_str()],
        "one slip in the documents service"
    );

    let q = take_in(&app, &hh.clerk, letter("2026-03-02", "Đơn không có nội dung cụ thể")).await;
    let mut file = classify(&q.id, ClassificationOutcome::File);
    file.note = "Đơn không rõ nội dung, không có căn cứ xử lý".into();
    let filed = petitions(&app)
        .classify_petition(authed(file, &hh.leader))
        .await
        .expect("filed")
        .into_inner();
    assert_eq!(filed.state_code, "06");
    assert_eq!(filed.closing_note, "Đơn không rõ nội dung, không có căn cứ xử lý");
}

#[tokio::test]
async fn withdrawal_closes_the_case_at_any_time() {
    let app = spawn_app().await;
    let hh = office(&app, "hiephoa").await;
    let p = take_in(
        &app,
        &hh.clerk,
        letter("2026-02-20", "Khiếu nại về tiền hỗ trợ tái định cư"),
    )
    .await;
    accept(&app, &hh.officer, &p.id, &hh.specialist_id, |_| {}).await;
    let e = petitions(&app)
        .withdraw_petition(authed(
            WithdrawPetitionRequest {
                petition_id: p.id.clone(),
                ..Default::default()
            },
            &hh.clerk,
        ))
        .await
        .expect_err("in writing");
    assert_eq!(violated_fields(&e), vec!["note"]);
    let withdrawn = petitions(&app)
        .withdraw_petition(authed(
            WithdrawPetitionRequest {
                petition_id: p.id.clone(),
                note: "Người khiếu nại nộp đơn xin rút toàn bộ nội dung khiếu nại ngày 02/03/2026".into(),
                withdrawn_on: "2026-03-02".into(),
            },
            &hh.clerk,
        ))
        .await
        .expect("withdrawn")
        .into_inner();
    assert_eq!(withdrawn.state, PetitionState::Withdrawn as i32);
    assert_eq!(withdrawn.state_code, "11");
    assert_eq!(withdrawn.closed_on, "2026-03-02");
    assert_eq!(withdrawn.current_due_on, "", "no deadline runs any more");
    let e = petitions(&app)
        .add_note(authed(
            AddNoteRequest {
                petition_id: p.id.clone(),
                note: "Ghi thêm".into(),
            },
            &hh.specialist,
        ))
        .await
        .expect_err("closed");
    assert_eq!(e.code(), Code::FailedPrecondition);
    assert!(e.message().contains("đã kết thúc"), "{}", e.message());

    // Withdrawn before classification too.
    let q = take_in(&app, &hh.clerk, letter("2026-03-01", "Đơn gửi nhầm")).await;
    let (status, body, _) = app
        .rest(
            Method::POST,
            &format!("/api/v1/petitions/{}/withdraw", q.id),
            Some(&hh.officer),
            Some(serde_json::json!({"note": "Người gửi có đơn xin rút"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
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
    assert_eq!(q.state_code, "11");
    assert!(!q.closed_on.is_empty());
}
