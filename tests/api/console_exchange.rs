//! The console's steps at either end of a document's life, over plain
//! HTTP: an outgoing document's edXML package handed out as a file and
//! taken in at another office from the upload page, then registered or
//! refused; a handled document filed in a hồ sơ; the status package for an
//! electronic document's sender; attachments viewed in the browser; a
//! duplicate registration answered with a link to the document already
//! registered; the queue ordered by a column's heading; the "due soon" and
//! "awaiting my direction" lists as the home page counts them.

use http::{Method, StatusCode, header};

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::{
    Channel, CompleteRequest, CreateDraftRequest, DirectRequest, GetMyWorkRequest, ListDocumentsRequest,
    RegisterIncomingRequest, Status, SubmitToLeaderRequest,
};

use crate::console::{Page, WebClient, document_id, multipart, signed_in};
use crate::documents_attachments::{draft, issue, open_term, upload};
use crate::documents_edxml::outside_recipient;
use crate::helpers::{TestApp, authed, spawn_app, start_time, violated_fields};

/// How a file was handed over: `inline` (shown) or `attachment` (saved).
fn disposition(file: &Page) -> &str {
    file.headers[header::CONTENT_DISPOSITION].to_str().expect("ascii")
}

/// Posts the file `package` to one of the exchange page's forms.
async fn upload_package(web: &mut WebClient, form: &str, request_id: &str, package: Option<&[u8]>) -> Page {
    let page = web.get("/documents/exchange").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = page.csrf();
    let (ct, body) = multipart(
        &[("csrf", &csrf), ("request_id", request_id)],
        package.map(|p| ("package", "goi-tin.xml", p)),
    );
    web.request(Method::POST, &format!("/documents/exchange/{form}"), Some(&ct), body)
        .await
}

/// A numbered letter of the province to a body outside the system.
async fn letter_to_outside(app: &TestApp) -> String {
    open_term(app, "tu").await;
    let clerk = app.token("tu", Role::Clerk).await;
    let doc = draft(
        app,
        &clerk,
        CreateDraftRequest {
            type_code: "CV".into(),
            subject: "Về việc trao đổi kinh nghiệm chuyển đổi số".into(),
            pages: 1,
            recipients: vec![outside_recipient()],
            ..Default::default()
        },
    )
    .await;
    upload(app, &clerk, &doc.id, "cong-van.pdf", b"%PDF-1.4 letter").await;
    issue(app, "tu", &clerk, &doc.id).await.id
}

#[tokio::test]
async fn an_edxml_package_goes_out_as_a_file_and_is_taken_in_registered_or_refused_in_the_console() {
    let app = spawn_app().await;
    let id = letter_to_outside(&app).await;

    // The province's clerk downloads the numbered letter's package.
    let mut sender = signed_in(&app, "tu", Role::Clerk).await;
    let page = sender.get(&format!("/outgoing/{id}")).await;
    assert!(
        page.body.contains(&format!("href=\"/outgoing/{id}/edxml\"")),
        "{}",
        page.body
    );
    let file = sender.get(&format!("/outgoing/{id}/edxml")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(disposition(&file).starts_with("attachment"), "{}", disposition(&file));
    let package = file.bytes.to_vec();
    let xml = &file.body;
    assert!(xml.contains("edXMLEnvelope") && xml.contains("Về việc trao đổi kinh nghiệm chuyển đổi số"));

    // A district's clerk takes it in from the exchange page; a file that is
    // not a package, or none, is refused on the page.
    let mut clerk = signed_in(&app, "hiephoa", Role::Clerk).await;
    let queue = clerk.get("/documents").await;
    assert!(queue.body.contains("href=\"/documents/exchange\""), "{}", queue.body);
    let none = upload_package(&mut clerk, "document", "import-none", None).await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST, "{}", none.body);
    assert!(none.body.contains("Chọn tệp gói edXML"), "{}", none.body);
    let junk = upload_package(&mut clerk, "document", "import-junk", Some(b"<html>not edXML</html>")).await;
    assert_eq!(junk.status, StatusCode::BAD_REQUEST, "{}", junk.body);
    assert!(junk.body.contains("id=\"document-error\""), "{}", junk.body);
    let taken = upload_package(&mut clerk, "document", "import-1", Some(&package)).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    assert!(taken.location().ends_with("?m=imported"), "{}", taken.location());
    let arrived = document_id(taken.location());
    // The same package again is refused, with a link to the one taken in
    // rather than its id in the words.
    let again = upload_package(&mut clerk, "document", "import-2", Some(&package)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
    assert!(
        again
            .body
            .contains(&format!("href=\"/documents/{arrived}\" id=\"existing-record\"")),
        "{}",
        again.body
    );
    let message_start = again.body.find("id=\"document-error\"").expect("message");
    let message = &again.body[message_start..message_start + again.body[message_start..].find("</p>").expect("end")];
    assert!(
        !message.contains(&format!(">{arrived}")) && !message.contains(&format!(" {arrived}")),
        "{message}"
    );

    // It waits to be registered or refused; a refusal needs its reason.
    let page = clerk.get(&format!("/documents/{arrived}?m=imported")).await;
    assert!(page.body.contains("Đã nhận văn bản điện tử"), "{}", page.body);
    assert!(page.body.contains("Vào sổ") && page.body.contains("Từ chối tiếp nhận"));
    let no_reason = clerk
        .post_form(
            &format!("/documents/{arrived}/refuse"),
            &[("csrf", &page.csrf()), ("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST, "{}", no_reason.body);
    let refused = clerk
        .post_form(
            &format!("/documents/{arrived}/refuse"),
            &[
                ("csrf", &page.csrf()),
                ("reason", "Gửi nhầm đơn vị, đề nghị gửi Văn phòng Tỉnh ủy"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER, "{}", refused.body);
    let page = clerk.get(&format!("/documents/{arrived}?m=refused")).await;
    assert!(page.body.contains("Lý do từ chối tiếp nhận"), "{}", page.body);
    assert!(page.body.contains("Gửi nhầm đơn vị"));
    assert!(!page.body.contains("action=\"/documents/{arrived}/register\""));

    // Another district takes the same package in and registers it; its
    // sender then gets the status package from the document's page.
    let mut other = signed_in(&app, "vietyen", Role::Clerk).await;
    let taken = upload_package(&mut other, "document", "import-vy", Some(&package)).await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let there = document_id(taken.location());
    let page = other.get(&format!("/documents/{there}")).await;
    assert!(
        !page.body.contains("edxml-status"),
        "nothing to report before it is registered"
    );
    let registered = other
        .post_form(
            &format!("/documents/{there}/register"),
            &[("csrf", &page.csrf()), ("request_id", &format!("register-{there}"))],
        )
        .await;
    assert_eq!(registered.status, StatusCode::SEE_OTHER, "{}", registered.body);
    let page = other.get(&format!("/documents/{there}")).await;
    assert!(
        page.body.contains(&format!("href=\"/documents/{there}/edxml-status\"")),
        "{}",
        page.body
    );
    let file = other.get(&format!("/documents/{there}/edxml-status")).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert!(disposition(&file).starts_with("attachment"));
    assert!(
        file.body.contains("<edXML:StatusCode>03</edXML:StatusCode>"),
        "{}",
        file.body
    );

    // A sibling's clerk cannot fetch the province's package.
    let hidden = clerk.get(&format!("/outgoing/{id}/edxml")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

/// An incoming paper letter of `slug`, registered by its clerk.
async fn registered_letter(app: &TestApp, slug: &str, request_id: &str, subject: &str, due_on: &str) -> String {
    let clerk = app.token(slug, Role::Clerk).await;
    app.incoming()
        .register_incoming(authed(
            RegisterIncomingRequest {
                request_id: request_id.into(),
                type_code: "CV".into(),
                subject: subject.into(),
                number: 100 + request_id.len() as i64 * 7 + subject.len() as i64,
                symbol: format!("CV/{request_id}"),
                issued_on: "2026-02-27".into(),
                issuer_name: "Tỉnh ủy Bắc Giang".into(),
                due_on: due_on.into(),
                channel: Channel::Paper as i32,
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("registered")
        .into_inner()
        .id
}

#[tokio::test]
async fn a_handled_document_is_filed_in_a_hồ_sơ_and_its_scan_is_viewed_in_the_browser() {
    let app = spawn_app().await;
    let id = registered_letter(&app, "hiephoa", "file-1", "V/v báo cáo sơ kết công tác quý I", "").await;
    let clerk_token = app.token("hiephoa", Role::Clerk).await;
    upload(&app, &clerk_token, &id, "bản quét.pdf", b"%PDF-1.4 scan").await;
    let leader = app.token("hiephoa", Role::Leader).await;
    app.incoming()
        .complete(authed(
            CompleteRequest {
                document_id: id.clone(),
                note: "Đã nắm nội dung".into(),
                ..Default::default()
            },
            &leader,
        ))
        .await
        .expect("done");

    let mut clerk = signed_in(&app, "hiephoa", Role::Clerk).await;
    let page = clerk.get(&format!("/documents/{id}")).await;
    assert!(
        page.body.contains("Lập hồ sơ") && page.body.contains("name=\"file_reference\""),
        "{}",
        page.body
    );
    // The scan opens in the browser (inline), or downloads.
    let start = page.body.find("?view=1").expect("a view link");
    let link_start = page.body[..start].rfind('"').expect("start") + 1;
    let view = page.body[link_start..start + "?view=1".len()].to_string();
    let shown = clerk.get(&view).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(disposition(&shown).starts_with("inline"));
    assert_eq!(shown.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(shown.bytes.as_ref(), b"%PDF-1.4 scan");
    let saved = clerk.get(view.trim_end_matches("?view=1")).await;
    assert!(disposition(&saved).starts_with("attachment"));

    // Too long a reference is refused beside the field, what was typed kept.
    let long = "Hồ sơ ".repeat(40);
    let refused = clerk
        .post_form(
            &format!("/documents/{id}/file"),
            &[("csrf", &page.csrf()), ("file_reference", &long)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("class=\"field-error\""), "{}", refused.body);
    let filed = clerk
        .post_form(
            &format!("/documents/{id}/file"),
            &[
                ("csrf", &page.csrf()),
                ("file_reference", "Hồ sơ sơ kết quý I năm 2026"),
            ],
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let page = clerk.get(&format!("/documents/{id}?m=filed")).await;
    assert!(page.body.contains("Đã lập hồ sơ."), "{}", page.body);
    assert!(
        page.body
            .contains("<dd id=\"file-reference\">Hồ sơ sơ kết quý I năm 2026</dd>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("name=\"file_reference\""), "filed once");
    let document = app
        .queries()
        .get_document(authed(
            vanphong_proto::documents::v1::GetDocumentRequest {
                document_id: id.clone(),
            },
            &clerk_token,
        ))
        .await
        .expect("document")
        .into_inner();
    assert_eq!(document.status, Status::Filed as i32);
    assert_eq!(document.file_reference, "Hồ sơ sơ kết quý I năm 2026");
}

/// The registration form posted with the same letter each time.
async fn register_twice_form(web: &mut WebClient, request_id: &str) -> Page {
    let form = web.get("/documents/new").await;
    let csrf = form.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("request_id", request_id),
        ("type_code", "CV"),
        ("issuer_name", "Tỉnh ủy Bắc Giang"),
        ("number", "5151"),
        ("symbol", "CV/TU"),
        ("issued_on", "27/02/2026"),
        ("subject", "V/v kiểm tra trùng lặp"),
        ("pages", "1"),
    ];
    let (ct, body) = multipart(&fields, None);
    web.request(Method::POST, "/documents", Some(&ct), body).await
}

#[tokio::test]
async fn registering_a_document_twice_links_to_the_one_registered() {
    let app = spawn_app().await;
    let mut clerk = signed_in(&app, "hiephoa", Role::Clerk).await;
    let first = register_twice_form(&mut clerk, "dup-1").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let id = document_id(first.location());
    let second = register_twice_form(&mut clerk, "dup-2").await;
    assert_eq!(second.status, StatusCode::BAD_REQUEST, "{}", second.body);
    assert!(second.body.contains("đã được vào sổ"), "{}", second.body);
    assert!(
        second
            .body
            .contains(&format!("href=\"/documents/{id}\" id=\"existing-record\"")),
        "{}",
        second.body
    );
    assert!(!second.body.contains(&format!("mã {id}")), "no id in the words");

    // Over REST, the refusal names the record in a ResourceInfo.
    let token = app.token("hiephoa", Role::Clerk).await;
    let answer = app
        .rest(
            Method::POST,
            "/api/v1/documents/incoming",
            Some(&token),
            Some(serde_json::json!({
                "requestId": "dup-3", "typeCode": "CV", "issuerName": "Tỉnh ủy Bắc Giang", "number": 5151,
                "symbol": "CV/TU", "issuedOn": "2026-02-27", "subject": "V/v kiểm tra trùng lặp"
            })),
        )
        .await;
    assert_eq!(answer.0, StatusCode::CONFLICT, "{}", answer.1);
    let details = &answer.1["error"]["details"];
    assert!(
        details
            .as_array()
            .expect("details")
            .iter()
            .any(|d| d["@type"] == "type.googleapis.com/google.rpc.ResourceInfo"
                && d["resourceType"] == "document"
                && d["resourceName"] == id.as_str()),
        "{}",
        answer.1
    );
}

#[tokio::test]
async fn the_queue_is_ordered_by_the_heading_picked_and_keeps_that_order_over_pages() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            registered_letter(
                &app,
                "hiephoa",
                &format!("order-{n}"),
                &format!("V/v sắp xếp thứ tự {n}"),
                "",
            )
            .await,
        );
    }
    let mut clerk = signed_in(&app, "hiephoa", Role::Clerk).await;
    let newest = clerk.get("/documents?view=all").await;
    assert!(
        newest.body.contains(
            "aria-sort=\"descending\"><a class=\"sort\" href=\"/documents?view=all&#38;sort=oldest\">Ngày đến"
        ),
        "{}",
        newest.body
    );
    let oldest = clerk.get("/documents?view=all&sort=oldest&q=sap+xep+thu+tu").await;
    assert_eq!(oldest.status, StatusCode::OK);
    let at = |page: &Page, id: &str| page.body.find(&format!("/documents/{id}\"")).expect("listed");
    assert!(at(&oldest, &ids[0]) < at(&oldest, &ids[2]), "oldest first");
    assert!(
        oldest.body.contains("name=\"sort\" value=\"oldest\""),
        "the search keeps the order"
    );
    let by_number = clerk.get("/documents?view=all&sort=number&q=sap+xep+thu+tu").await;
    assert!(
        at(&by_number, &ids[2]) < at(&by_number, &ids[0]),
        "highest incoming number first"
    );
    assert!(by_number.body.contains("aria-sort=\"descending\"><a class=\"sort\" href=\"/documents?view=all&#38;q=sap+xep+thu+tu&#38;sort=number\">Số đến"), "{}", by_number.body);
    // Where a phone hides the headings, the same orders are a choice.
    assert!(
        by_number
            .body
            .contains("<option value=\"number\" selected>Số đến, lớn nhất trước</option>"),
        "{}",
        by_number.body
    );
    // An order that is not one is the view's own.
    assert_eq!(
        clerk.get("/documents?view=all&sort=sideways").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn due_soon_and_awaiting_my_direction_list_what_my_work_counts() {
    let app = spawn_app().await;
    let today = start_time().date_naive();
    let day = |n: u64| (today + chrono::Days::new(n)).format("%Y-%m-%d").to_string();
    let specialist_id = app.user_id("hiephoa", Role::Specialist).await;
    let leader = app.token("hiephoa", Role::Leader).await;
    let specialist = app.token("hiephoa", Role::Specialist).await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let mut due = Vec::new();
    for (n, days) in [(0, 1), (1, 3), (2, 4), (3, 20)] {
        let id = registered_letter(&app, "hiephoa", &format!("soon-{n}"), &format!("V/v hạn gần {n}"), "").await;
        app.incoming()
            .direct(authed(
                DirectRequest {
                    document_id: id.clone(),
                    lead_handler_id: specialist_id.clone(),
                    deadline: day(days),
                    ..Default::default()
                },
                &leader,
            ))
            .await
            .expect("directed");
        due.push(id);
    }
    let listed = |request: ListDocumentsRequest, token: String| {
        let app = &app;
        async move {
            app.queries()
                .list_documents(authed(request, &token))
                .await
                .map(|r| r.into_inner().documents.into_iter().map(|d| d.id).collect::<Vec<_>>())
        }
    };
    let soon = listed(
        ListDocumentsRequest {
            due_soon: true,
            assigned_to_me: true,
            page_size: 500,
            ..Default::default()
        },
        specialist.clone(),
    )
    .await
    .expect("listed");
    for id in &due[..2] {
        assert!(soon.contains(id), "within three days");
    }
    for id in &due[2..] {
        assert!(!soon.contains(id), "later than three days");
    }
    let work = app
        .queries()
        .get_my_work(authed(GetMyWorkRequest::default(), &specialist))
        .await
        .expect("work")
        .into_inner();
    assert_eq!(work.due_soon, soon.len() as i64);
    let wider = listed(
        ListDocumentsRequest {
            due_soon: true,
            due_within_days: 4,
            assigned_to_me: true,
            ..Default::default()
        },
        specialist.clone(),
    )
    .await
    .expect("listed");
    assert!(wider.contains(&due[2]) && !wider.contains(&due[3]));
    let refused = listed(
        ListDocumentsRequest {
            due_soon: true,
            due_within_days: 31,
            ..Default::default()
        },
        specialist.clone(),
    )
    .await
    .expect_err("at most 30 days");
    assert_eq!(violated_fields(&refused), vec!["due_within_days"]);

    // Awaiting direction: what was submitted to this leader, not to another.
    let leader_id = app.user_id("hiephoa", Role::Leader).await;
    let mine = registered_letter(&app, "hiephoa", "direct-me", "V/v xin ý kiến chỉ đạo", "").await;
    app.incoming()
        .submit_to_leader(authed(
            SubmitToLeaderRequest {
                document_id: mine.clone(),
                leader_id: leader_id.clone(),
                note: String::new(),
            },
            &clerk,
        ))
        .await
        .expect("submitted");
    let to_me = listed(
        ListDocumentsRequest {
            submitted_to_me: true,
            ..Default::default()
        },
        leader.clone(),
    )
    .await
    .expect("listed");
    assert!(to_me.contains(&mine));
    let leaders_work = app
        .queries()
        .get_my_work(authed(GetMyWorkRequest::default(), &leader))
        .await
        .expect("work")
        .into_inner();
    assert_eq!(leaders_work.awaiting_my_direction, to_me.len() as i64);
    let to_specialist = listed(
        ListDocumentsRequest {
            submitted_to_me: true,
            ..Default::default()
        },
        specialist.clone(),
    )
    .await
    .expect("listed");
    assert!(to_specialist.is_empty());

    // The console's views are these lists.
    let mut web = signed_in(&app, "hiephoa", Role::Specialist).await;
    let page = web.get("/documents?view=due-soon").await;
    assert!(
        page.body.contains(&format!("/documents/{}\"", due[0]))
            && !page.body.contains(&format!("/documents/{}\"", due[2]))
    );
    let mut web = signed_in(&app, "hiephoa", Role::Leader).await;
    let page = web.get("/documents?view=awaiting-direction").await;
    assert!(page.body.contains(&format!("/documents/{mine}\"")), "{}", page.body);
}
