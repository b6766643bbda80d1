//! The console's documents pages over plain HTTP, as a browser without
//! JavaScript uses them: the home page's counts from each service's
//! GetMyWork, an outgoing document from its draft to dispatch, receipt and
//! recall, the register books as XLSX downloads, and the search of the
//! documents by number or words, paged in the URL.

use http::{Method, StatusCode, header};

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::{Channel, GetMyWorkRequest, RegisterIncomingRequest};

use crate::console::{Page, multipart, signed_in};
use crate::documents_attachments::open_term;
use crate::helpers::{authed, spawn_app, spreadsheet_text};

/// The count shown on the home page's card titled `title`.
fn card_count(page: &Page, title: &str) -> Option<i64> {
    let at = page.body.find(&format!("<span class=\"title\">{title}</span>"))?;
    let before = &page.body[..at];
    let start = before.rfind("<span class=\"count\">")? + "<span class=\"count\">".len();
    let end = start + before[start..].find('<')?;
    before[start..end].trim().parse().ok()
}

/// The id in a `/outgoing/{id}?m=…` location.
fn outgoing_id(location: &str) -> String {
    location
        .trim_start_matches("/outgoing/")
        .split('?')
        .next()
        .expect("id")
        .to_string()
}

#[tokio::test]
async fn home_shows_each_role_the_counts_of_its_services_my_work() {
    let app = spawn_app().await;

    // The clerk's counts are the documents service's own.
    let mut clerk = signed_in(&app, "hiephoa", Role::Clerk).await;
    let home = clerk.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    let work = app
        .queries()
        .get_my_work(authed(
            GetMyWorkRequest::default(),
            &app.token("hiephoa", Role::Clerk).await,
        ))
        .await
        .expect("my work")
        .into_inner();
    assert_eq!(card_count(&home, "Chờ vào sổ"), Some(work.to_register), "{}", home.body);
    assert_eq!(card_count(&home, "Đã vào sổ, chưa trình"), Some(work.to_submit));
    assert_eq!(card_count(&home, "Chờ cấp số"), Some(work.to_number));
    assert_eq!(card_count(&home, "Chờ phát hành"), Some(work.to_dispatch));
    assert!(home.body.contains("href=\"/outgoing?view=to-number\""));
    assert!(home.body.contains("href=\"/documents?view=to-register\""));

    // Leaders: direction, approval, signature.
    let leader = signed_in(&app, "hiephoa", Role::Leader).await.get("/").await;
    for title in ["Chờ chỉ đạo", "Chờ duyệt", "Chờ ký", "Tôi chủ trì xử lý"] {
        assert!(card_count(&leader, title).is_some(), "{title}: {}", leader.body);
    }
    // Specialists: their handling, and their drafts sent back.
    let specialist = signed_in(&app, "hiephoa", Role::Specialist).await.get("/").await;
    assert_eq!(card_count(&specialist, "Dự thảo bị trả lại"), Some(0));
    assert!(card_count(&specialist, "Chờ vào sổ").is_none(), "not a clerk's card");

    // Petition officers and accountants have their own cards now.
    let officer = signed_in(&app, "hiephoa", Role::PetitionOfficer).await.get("/").await;
    assert!(card_count(&officer, "Đơn chờ phân loại").is_some(), "{}", officer.body);
    assert!(officer.body.contains("href=\"/petitions?view=to-classify\""));
    assert!(!officer.body.contains("chưa có trên giao diện web"));
    let accountant = signed_in(&app, "hiephoa", Role::Accountant).await.get("/").await;
    assert!(
        card_count(&accountant, "Báo cáo cần hoàn thiện").is_some(),
        "{}",
        accountant.body
    );
    assert!(!accountant.body.contains("chưa có trên giao diện web"));
    assert!(card_count(&accountant, "Chờ vào sổ").is_none());
}

#[tokio::test]
async fn an_outgoing_document_goes_from_draft_to_dispatch_receipt_and_recall_in_the_console() {
    let app = spawn_app().await;
    let hiephoa = app.office_id("hiephoa");
    // Party numbering counts within the committee's term.
    open_term(&app, "tu").await;

    // The province's specialist drafts, picking the district by name.
    let mut specialist = signed_in(&app, "tu", Role::Specialist).await;
    let form = specialist.get("/outgoing/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("Huyện ủy Hiệp Hòa"),
        "internal offices offered by name"
    );
    assert!(form.body.contains(&format!("value=\"{hiephoa}\"")));
    let csrf = form.csrf();
    let draft = |subject: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("request_id", format!("console-out-{}", subject.len())),
            ("type_code", "CV".to_string()),
            ("subject", subject.to_string()),
            ("urgency", "1".to_string()),
            ("secrecy", "0".to_string()),
            ("pages", "2".to_string()),
            ("recipient_office_ids", hiephoa.clone()),
            ("outside_recipients", "Ban Tuyên giáo Trung ương".to_string()),
        ]
    };
    // Refused (no subject): the service's words, the choices kept.
    let bad = draft("");
    let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (ct, body) = multipart(&pairs, None);
    let refused = specialist.request(Method::POST, "/outgoing", Some(&ct), body).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("class=\"field-error\""), "{}", refused.body);
    assert!(
        refused.body.contains("Ban Tuyên giáo Trung ương"),
        "outside recipients kept"
    );
    assert!(
        refused.body.contains(&format!("value=\"{hiephoa}\" checked")),
        "office kept"
    );

    let good = draft("V/v hướng dẫn tổng kết công tác chuyển đổi số năm 2025");
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let text = b"%PDF-1.4 du thao".repeat(100);
    let (ct, body) = multipart(&pairs, Some(("file", "Dự thảo hướng dẫn.pdf", &text)));
    let created = specialist.request(Method::POST, "/outgoing", Some(&ct), body).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert!(created.location().ends_with("?m=drafted"), "{}", created.location());
    let id = outgoing_id(created.location());
    let page = specialist.get(&format!("/outgoing/{id}?m=drafted")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Đã tạo dự thảo.") && page.body.contains("Dự thảo hướng dẫn.pdf"));
    assert!(page.body.contains("Huyện ủy Hiệp Hòa") && page.body.contains("Ban Tuyên giáo Trung ương"));
    assert!(page.body.contains("Chưa gửi"), "recipients' status before dispatch");
    // The incoming page of an outgoing document leads to its own page.
    let moved = specialist.get(&format!("/documents/{id}")).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert_eq!(moved.location(), format!("/outgoing/{id}"));

    let leader_id = app.user_id("tu", Role::Leader).await;
    let submitted = specialist
        .post_form(
            &format!("/outgoing/{id}/submit"),
            &[("csrf", &page.csrf()), ("leader_id", &leader_id), ("note", "")],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);

    // The leader finds it awaiting approval and returns it with a comment;
    // without one the return is refused, on the page.
    let mut leader = signed_in(&app, "tu", Role::Leader).await;
    let home = leader.get("/").await;
    assert_eq!(card_count(&home, "Chờ duyệt"), Some(1), "{}", home.body);
    let queue = leader.get("/outgoing?view=in-review").await;
    assert!(queue.body.contains(&format!("/outgoing/{id}")), "{}", queue.body);
    let doc = leader.get(&format!("/outgoing/{id}")).await;
    assert!(doc.body.contains("Kính trình đồng chí"), "the leader picked is named");
    let silent = leader
        .post_form(
            &format!("/outgoing/{id}/review"),
            &[("csrf", &doc.csrf()), ("decision", "return"), ("note", "")],
        )
        .await;
    assert_eq!(silent.status, StatusCode::BAD_REQUEST, "{}", silent.body);
    let returned = leader
        .post_form(
            &format!("/outgoing/{id}/review"),
            &[
                ("csrf", &doc.csrf()),
                ("decision", "return"),
                ("note", "Bổ sung thời hạn gửi báo cáo"),
            ],
        )
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.body);

    // The drafter sees it returned, with the comment, and sends a new version.
    let home = specialist.get("/").await;
    assert_eq!(card_count(&home, "Dự thảo bị trả lại"), Some(1), "{}", home.body);
    let list = specialist.get("/outgoing?view=returned").await;
    assert!(list.body.contains(&format!("/outgoing/{id}")) && list.body.contains("Bị trả lại"));
    // Drafts are listed last changed first; the number's heading orders
    // them by number instead, kept in the URL.
    assert!(
        list.body.contains(
            "aria-sort=\"descending\"><a class=\"sort\" href=\"/outgoing?view=returned&#38;sort=updated\">Cập nhật"
        ),
        "{}",
        list.body
    );
    let by_number = specialist.get("/outgoing?view=returned&sort=number").await;
    assert!(by_number.body.contains(&format!("/outgoing/{id}")));
    assert!(
        by_number.body.contains(
            "aria-sort=\"descending\"><a class=\"sort\" href=\"/outgoing?view=returned&#38;sort=number\">Số, ký hiệu"
        ),
        "{}",
        by_number.body
    );
    let doc = specialist.get(&format!("/outgoing/{id}")).await;
    assert!(doc.body.contains("Bổ sung thời hạn gửi báo cáo"), "{}", doc.body);
    let edit = [
        ("csrf", doc.csrf()),
        (
            "subject",
            "V/v hướng dẫn tổng kết chuyển đổi số năm 2025, hạn 20/3".to_string(),
        ),
        ("recipient_office_ids", hiephoa.clone()),
        ("outside_recipients", "Ban Tuyên giáo Trung ương".to_string()),
    ];
    let pairs: Vec<(&str, &str)> = edit.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (ct, body) = multipart(&pairs, Some(("file", "Dự thảo lần 2.pdf", &text)));
    let edited = specialist
        .request(Method::POST, &format!("/outgoing/{id}/edit"), Some(&ct), body)
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let doc = specialist.get(&format!("/outgoing/{id}")).await;
    assert!(
        doc.body.contains("phiên bản 2") && doc.body.contains("Dự thảo lần 2.pdf"),
        "{}",
        doc.body
    );
    let resubmitted = specialist
        .post_form(
            &format!("/outgoing/{id}/submit"),
            &[("csrf", &doc.csrf()), ("note", "")],
        )
        .await;
    assert_eq!(resubmitted.status, StatusCode::SEE_OTHER, "{}", resubmitted.body);

    // Approved, then signed with the Party's authority.
    let doc = leader.get(&format!("/outgoing/{id}")).await;
    let approved = leader
        .post_form(
            &format!("/outgoing/{id}/review"),
            &[("csrf", &doc.csrf()), ("decision", "approve"), ("note", "")],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let doc = leader.get(&format!("/outgoing/{id}")).await;
    assert!(
        doc.body.contains("value=\"T/M\""),
        "Party authorities offered: {}",
        doc.body
    );
    let wrong = leader
        .post_form(
            &format!("/outgoing/{id}/sign"),
            &[
                ("csrf", &doc.csrf()),
                ("signing_prefix", "TM."),
                ("signer_position", "Bí thư"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    assert!(
        wrong.body.contains("T/M, K/T, T/L"),
        "the service's words: {}",
        wrong.body
    );
    assert!(wrong.body.contains("value=\"Bí thư\""), "the position kept");
    let signed = leader
        .post_form(
            &format!("/outgoing/{id}/sign"),
            &[
                ("csrf", &doc.csrf()),
                ("signing_prefix", "T/M"),
                ("signer_position", "Bí thư"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);

    // The clerk numbers and dispatches it.
    let mut clerk = signed_in(&app, "tu", Role::Clerk).await;
    let home = clerk.get("/").await;
    assert_eq!(card_count(&home, "Chờ cấp số"), Some(1), "{}", home.body);
    let doc = clerk.get(&format!("/outgoing/{id}")).await;
    let numbered = clerk
        .post_form(&format!("/outgoing/{id}/number"), &[("csrf", &doc.csrf())])
        .await;
    assert_eq!(numbered.status, StatusCode::SEE_OTHER, "{}", numbered.body);
    let doc = clerk.get(&format!("/outgoing/{id}")).await;
    assert!(doc.body.contains("id=\"number-label\""), "{}", doc.body);
    let dispatched = clerk
        .post_form(&format!("/outgoing/{id}/dispatch"), &[("csrf", &doc.csrf())])
        .await;
    assert_eq!(dispatched.status, StatusCode::SEE_OTHER, "{}", dispatched.body);

    // The district's clerk finds it to register, and registers it.
    let mut district = signed_in(&app, "hiephoa", Role::Clerk).await;
    let queue = district.get("/documents?view=to-register").await;
    assert!(
        queue.body.contains("V/v hướng dẫn tổng kết chuyển đổi số năm 2025"),
        "{}",
        queue.body
    );
    let subject_at = queue.body.find("V/v hướng dẫn tổng kết").expect("the row");
    let start = queue.body[..subject_at].rfind("href=\"/documents/").expect("its link") + "href=\"/documents/".len();
    let copy = queue.body[start..start + 36].to_string();
    let copy_page = district.get(&format!("/documents/{copy}")).await;
    let registered = district
        .post_form(
            &format!("/documents/{copy}/register"),
            &[("csrf", &copy_page.csrf()), ("request_id", &format!("register-{copy}"))],
        )
        .await;
    assert_eq!(registered.status, StatusCode::SEE_OTHER, "{}", registered.body);

    // The province sees the receipt, then recalls it.
    let doc = leader.get(&format!("/outgoing/{id}")).await;
    assert!(doc.body.contains("Đã vào sổ"), "the district's receipt: {}", doc.body);
    let recalled = leader
        .post_form(
            &format!("/outgoing/{id}/recall"),
            &[("csrf", &doc.csrf()), ("reason", "Ban hành nhầm đối tượng")],
        )
        .await;
    assert_eq!(recalled.status, StatusCode::SEE_OTHER, "{}", recalled.body);
    let doc = leader.get(&format!("/outgoing/{id}?m=recalled")).await;
    assert!(doc.body.contains("Đề nghị thu hồi"), "{}", doc.body);

    // The district answers: refusing needs a reason; it agrees.
    let copy_page = district.get(&format!("/documents/{copy}")).await;
    assert!(copy_page.body.contains("Nơi gửi đề nghị thu hồi"), "{}", copy_page.body);
    let silent = district
        .post_form(
            &format!("/documents/{copy}/recall"),
            &[("csrf", &copy_page.csrf()), ("answer", "refuse"), ("reason", "")],
        )
        .await;
    assert_eq!(silent.status, StatusCode::BAD_REQUEST, "{}", silent.body);
    let accepted = district
        .post_form(
            &format!("/documents/{copy}/recall"),
            &[("csrf", &copy_page.csrf()), ("answer", "accept"), ("reason", "")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let copy_page = district.get(accepted.location()).await;
    assert!(copy_page.body.contains("Đã thu hồi"), "{}", copy_page.body);
    let doc = leader.get(&format!("/outgoing/{id}")).await;
    assert!(doc.body.contains("Đồng ý thu hồi"), "{}", doc.body);

    // Another office's outgoing document is not found.
    let mut sibling = signed_in(&app, "vietyen", Role::Clerk).await;
    assert_eq!(
        sibling.get(&format!("/outgoing/{id}")).await.status,
        StatusCode::NOT_FOUND
    );

    // A draft no longer wanted is cancelled by the leader, with a reason.
    let form = specialist.get("/outgoing/new").await;
    let fields = [
        ("csrf", form.csrf()),
        ("request_id", "console-out-cancelled".to_string()),
        ("type_code", "CV".to_string()),
        ("subject", "V/v dự thảo không còn cần ban hành".to_string()),
    ];
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (ct, body) = multipart(&pairs, None);
    let created = specialist.request(Method::POST, "/outgoing", Some(&ct), body).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let other = outgoing_id(created.location());
    let doc = leader.get(&format!("/outgoing/{other}")).await;
    assert!(doc.body.contains("Hủy văn bản"), "{}", doc.body);
    let silent = leader
        .post_form(
            &format!("/outgoing/{other}/cancel"),
            &[("csrf", &doc.csrf()), ("cancel_reason", "")],
        )
        .await;
    assert_eq!(silent.status, StatusCode::BAD_REQUEST, "{}", silent.body);
    let cancelled = leader
        .post_form(
            &format!("/outgoing/{other}/cancel"),
            &[
                ("csrf", &doc.csrf()),
                ("cancel_reason", "Đã lồng ghép vào văn bản khác"),
            ],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER, "{}", cancelled.body);
    let doc = leader.get(cancelled.location()).await;
    assert!(doc.body.contains("Đã hủy văn bản.") && doc.body.contains("Đã lồng ghép vào văn bản khác"));
}

#[tokio::test]
async fn register_books_download_as_xlsx_named_in_vietnamese_for_the_dates_picked() {
    let app = spawn_app().await;
    app.incoming()
        .register_incoming(authed(
            RegisterIncomingRequest {
                request_id: "register-book-row".into(),
                type_code: "CV".into(),
                subject: "Về việc kiểm kê sổ văn bản quý I".into(),
                number: 77,
                symbol: "CV/TU".into(),
                issued_on: "2026-02-27".into(),
                issuer_name: "Tỉnh ủy Bắc Giang".into(),
                channel: Channel::Paper as i32,
                ..Default::default()
            },
            &app.token("hiephoa", Role::Clerk).await,
        ))
        .await
        .expect("registered");
    let mut clerk = signed_in(&app, "hiephoa", Role::Clerk).await;
    let form = clerk.get("/registers").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("Sổ đăng ký văn bản đến") && form.body.contains("placeholder=\"dd/mm/yyyy\""));
    assert!(!form.body.contains("type=\"date\""), "dates typed day first");
    assert!(form.body.contains("value=\"01/01/2026\""), "from the year's first day");

    let file = clerk
        .get("/registers/download?book=incoming&from=01%2F01%2F2026&to=31%2F03%2F2026")
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert_eq!(
        file.headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = file.headers[header::CONTENT_DISPOSITION].to_str().expect("ascii");
    assert!(
        disposition.starts_with("attachment; filename=\"so-van-ban-den"),
        "{disposition}"
    );
    assert!(
        disposition.contains("filename*=UTF-8''S%E1%BB%95%20%C4%91%C4%83ng%20k%C3%BD"),
        "{disposition}"
    );
    assert!(disposition.contains("01-01-2026") && disposition.contains("31-03-2026"));
    let cells = spreadsheet_text(file.bytes.to_vec());
    assert!(
        cells
            .iter()
            .flatten()
            .any(|c| c.contains("Về việc kiểm kê sổ văn bản quý I")),
        "the document registered is in the book"
    );

    // A date that is not one: beside its field, as typed.
    let misdated = clerk
        .get("/registers/download?book=outgoing&from=01%2F01%2F2026&to=31%2F04%2F2026")
        .await;
    assert_eq!(misdated.status, StatusCode::BAD_REQUEST);
    assert!(misdated.body.contains("value=\"31/04/2026\"") && misdated.body.contains("ví dụ 02/03/2026"));

    // Dates the wrong way round: the form again, with the service's words.
    let refused = clerk
        .get("/registers/download?book=outgoing&from=31%2F03%2F2026&to=01%2F01%2F2026")
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains("Ngày kết thúc không được trước ngày bắt đầu"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"31/03/2026\""), "the dates kept");

    // A specialist may not read the books: the service says so.
    let mut specialist = signed_in(&app, "hiephoa", Role::Specialist).await;
    let denied = specialist
        .get("/registers/download?book=incoming&from=2026-01-01&to=2026-03-31")
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn documents_are_found_by_number_or_words_without_diacritics_a_page_at_a_time() {
    let app = spawn_app().await;
    let token = app.token("hiephoa", Role::Clerk).await;
    let mut first = None;
    for n in 1..=55 {
        let document = app
            .incoming()
            .register_incoming(authed(
                RegisterIncomingRequest {
                    request_id: format!("paging-{n}"),
                    type_code: "CV".into(),
                    subject: format!("Về việc kiểm tra phân trang số {n}"),
                    number: 9000 + n,
                    symbol: "CV/TU".into(),
                    issued_on: "2026-02-27".into(),
                    issuer_name: "Tỉnh ủy Bắc Giang".into(),
                    channel: Channel::Paper as i32,
                    ..Default::default()
                },
                &token,
            ))
            .await
            .expect("registered")
            .into_inner();
        first.get_or_insert(document);
    }
    let first = first.expect("one");
    let mut clerk = signed_in(&app, "hiephoa", Role::Clerk).await;

    // Words without diacritics, 50 to a page, the next page's token in the URL.
    let page = clerk.get("/documents?q=kiem+tra+phan+trang").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.body.matches("kiểm tra phân trang số").count(), 50);
    let marker = "href=\"/documents?view=search&#38;q=kiem+tra+phan+trang&#38;page=";
    let at = page
        .body
        .find(marker)
        .unwrap_or_else(|| panic!("a next page link: {}", page.body));
    let start = at + "href=\"".len();
    let end = start + page.body[start..].find('"').expect("end");
    let next = page.body[start..end].replace("&#38;", "&");
    let second = clerk.get(&next).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(second.body.matches("kiểm tra phân trang số").count(), 5);
    assert!(second.body.contains("Trang đầu"));

    // A number as written finds that one document.
    let by_number = clerk
        .get(&format!(
            "/documents?q={}",
            form_urlencoded::byte_serialize(first.number_symbol.as_bytes()).collect::<String>()
        ))
        .await;
    assert_eq!(
        by_number.body.matches("kiểm tra phân trang số").count(),
        1,
        "{}",
        by_number.body
    );
    assert!(by_number.body.contains(&format!("/documents/{}", first.id)));
    // So does its incoming number and year.
    let arrival = format!("{}%2F{}", first.arrival_number, first.arrival_year);
    let by_arrival = clerk.get(&format!("/documents?q={arrival}")).await;
    assert!(
        by_arrival.body.contains(&format!("/documents/{}", first.id)),
        "{}",
        by_arrival.body
    );
}
