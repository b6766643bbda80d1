//! The bell and the search box in the console over plain HTTP: a leader
//! sees the count of a document submitted to them, reads the notice and
//! opens the document (marked read on the way); another person's notice is
//! not found; a case given to its handler rings the same bell and opens
//! the petition; one box finds documents without diacritics, petitions by
//! number and reports by period, grouped by kind.

use http::StatusCode;

use vanphong::demo::DEMO_PASSWORD;
use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::SubmitToLeaderRequest;

use crate::console::WebClient;
use crate::documents_incoming::{paper, register};
use crate::helpers::{authed, spawn_app};
use crate::petitions::support::{accept, letter, office, take_in};
use crate::reporting::support::sent_early;

/// The id in the first `/notifications/{id}/open` form of a page.
fn first_notice(body: &str) -> String {
    let end = body.find("/open\"").expect("a notice form");
    body[end - 36..end].to_string()
}

#[tokio::test]
async fn the_bell_counts_a_leaders_new_document_and_opening_the_notice_marks_it_read() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let document = register(&app, &clerk, paper(31, "Công văn về nghị quyết chuyển đổi số")).await;
    let mut leader = WebClient::new(&app);
    leader
        .sign_in(&app.username("hiephoa", Role::Leader), DEMO_PASSWORD)
        .await;
    let home = leader.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(home.body.contains("Thông báo: không có thông báo mới"), "{}", home.body);

    app.incoming()
        .submit_to_leader(authed(
            SubmitToLeaderRequest {
                document_id: document.id.clone(),
                leader_id: app.user_id("hiephoa", Role::Leader).await,
                note: "Kính trình".into(),
            },
            &clerk,
        ))
        .await
        .expect("submitted");
    let home = leader.get("/").await;
    assert!(
        home.body.contains("<span class=\"count\">1</span></a>"),
        "{}",
        home.body
    );
    assert!(home.body.contains("aria-label=\"Thông báo: 1 chưa đọc\""));

    let list = leader.get("/notifications").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("Văn bản mới chờ bạn xử lý"), "{}", list.body);
    assert!(list.body.contains("Công văn về nghị quyết chuyển đổi số"));
    assert!(list.body.contains(&format!("href=\"/documents/{}\"", document.id)));
    assert!(list.body.contains("Ghi chú: Kính trình"));
    let id = first_notice(&list.body);
    let csrf = list.csrf();

    // Without the form's token nothing changes.
    let forged = leader.post_form(&format!("/notifications/{id}/open"), &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    // Someone else's notice is not found for them.
    let mut other = WebClient::new(&app);
    other
        .sign_in(&app.username("hiephoa", Role::Specialist), DEMO_PASSWORD)
        .await;
    let theirs = other.get("/notifications").await;
    assert!(theirs.body.contains("Chưa có thông báo nào."), "{}", theirs.body);
    let other_csrf = theirs.csrf();
    let refused = other
        .post_form(&format!("/notifications/{id}/read"), &[("csrf", &other_csrf)])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);

    let opened = leader
        .post_form(&format!("/notifications/{id}/open"), &[("csrf", &csrf)])
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    assert_eq!(opened.location(), format!("/documents/{}", document.id));
    let home = leader.get("/").await;
    assert!(
        home.body.contains("aria-label=\"Thông báo: không có thông báo mới\""),
        "{}",
        home.body
    );
    let unread = leader.get("/notifications?view=unread").await;
    assert!(unread.body.contains("Không có thông báo chưa đọc."), "{}", unread.body);
    let all = leader.get("/notifications?view=all").await;
    assert!(all.body.contains("Công văn về nghị quyết chuyển đổi số"));
    assert!(!all.body.contains("Đánh dấu tất cả đã đọc"));
}

#[tokio::test]
async fn the_bell_also_tells_of_a_case_given_to_its_handler_and_opens_the_petition() {
    let app = spawn_app().await;
    let o = office(&app, "hiephoa").await;
    let petition = take_in(&app, &o.officer, letter("2026-03-02", "Khiếu nại việc thu hồi đất")).await;
    let accepted = accept(&app, &o.officer, &petition.id, &o.specialist_id, |_| {}).await;
    let mut specialist = WebClient::new(&app);
    specialist
        .sign_in(&app.username("hiephoa", Role::Specialist), DEMO_PASSWORD)
        .await;
    let home = specialist.get("/").await;
    assert!(
        home.body.contains("aria-label=\"Thông báo: 1 chưa đọc\""),
        "{}",
        home.body
    );
    let list = specialist.get("/notifications").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("Đơn được giao cho bạn giải quyết"), "{}", list.body);
    assert!(list.body.contains(&format!("Đơn số {}", accepted.number_label)));
    assert!(list.body.contains(&format!("href=\"/petitions/{}\"", petition.id)));
    assert!(list.body.contains("name=\"source\" value=\"petitions\""));
    let id = first_notice(&list.body);
    let csrf = list.csrf();
    // Named as a document's notice, it is not found among documents'.
    let wrong = specialist
        .post_form(&format!("/notifications/{id}/open"), &[("csrf", &csrf)])
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND, "{}", wrong.body);
    let opened = specialist
        .post_form(
            &format!("/notifications/{id}/open"),
            &[("csrf", &csrf), ("source", "petitions")],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    assert_eq!(opened.location(), format!("/petitions/{}", petition.id));
    let home = specialist.get("/").await;
    assert!(
        home.body.contains("aria-label=\"Thông báo: không có thông báo mới\""),
        "{}",
        home.body
    );
}

#[tokio::test]
async fn one_box_finds_documents_without_diacritics_petitions_by_number_and_reports_by_period() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let document = register(&app, &clerk, paper(32, "Báo cáo thực hiện nghị quyết của Huyện ủy")).await;
    let officer = app.token("hiephoa", Role::PetitionOfficer).await;
    let petition = take_in(
        &app,
        &officer,
        letter("2026-03-02", "Khiếu nại về việc cấp giấy chứng nhận"),
    )
    .await;
    let report = sent_early(&app, "hiephoa", 2).await;

    let mut leader = WebClient::new(&app);
    leader
        .sign_in(&app.username("hiephoa", Role::Leader), DEMO_PASSWORD)
        .await;
    let home = leader.get("/").await;
    assert!(home.body.contains("action=\"/search\""), "the header's box");

    let words = leader.get("/search?q=nghi+quyet+huyen+uy").await;
    assert_eq!(words.status, StatusCode::OK, "{}", words.body);
    assert!(
        words.body.contains(&format!("/documents/{}", document.id)),
        "{}",
        words.body
    );
    assert!(words.body.contains("Báo cáo thực hiện nghị quyết của Huyện ủy"));
    assert!(words.body.contains("Văn bản"), "grouped by kind");

    let number = leader
        .get(&format!("/search?q={}", petition.number_label.replace('/', "%2F")))
        .await;
    assert_eq!(number.status, StatusCode::OK, "{}", number.body);
    assert!(
        number.body.contains(&format!("/petitions/{}", petition.id)),
        "{}",
        number.body
    );
    assert!(number.body.contains("Đơn thư"));
    assert!(number.body.contains(&petition.office_name), "names beside the number");

    let period = leader.get("/search?q=thang+2+2026").await;
    assert!(
        period.body.contains(&format!("/reports/{}", report.id)),
        "{}",
        period.body
    );
    let label = report.period.as_ref().map(|p| p.label.clone()).unwrap_or_default();
    assert!(period.body.contains(&label), "{}", period.body);

    let nothing = leader.get("/search?q=khong+co+gi+nhu+vay").await;
    assert!(nothing.body.contains("Không tìm thấy kết quả nào"), "{}", nothing.body);
}
