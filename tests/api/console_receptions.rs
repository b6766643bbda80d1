//! Citizen reception in the console over plain HTTP: a reception recorded
//! with its receiver picked by name, visitors and a petition handed over
//! (a refused form keeps what was typed, the service's words beside the
//! row), the book listing it with names and petition numbers, the
//! leaders' monthly duty office by office, a sibling office seeing none
//! of it; and the due date of thụ lý and gia hạn shown before either is
//! confirmed.

use http::StatusCode;

use vanphong_platform::identity::Role;
use vanphong_proto::petitions::v1::petition_service_client::PetitionServiceClient;
use vanphong_proto::petitions::v1::{CreatePetitionRequest, IntakeChannel, Petition, PetitionKind, Petitioner};

use crate::console::{Page, WebClient, signed_in};
use crate::helpers::{TestApp, authed, spawn_app};
use crate::petitions::support::{consider, reception};

/// A petition of `slug`'s office, taken in by its petition officer.
async fn petition(app: &TestApp, slug: &str, kind: PetitionKind, content: &str) -> Petition {
    let token = app.token(slug, Role::PetitionOfficer).await;
    PetitionServiceClient::new(app.channel.clone())
        .create_petition(authed(
            CreatePetitionRequest {
                channel: IntakeChannel::InPerson as i32,
                received_on: "2026-03-02".into(),
                kind: kind as i32,
                subject_area_code: "DD".into(),
                content: content.into(),
                petitioners: vec![Petitioner {
                    full_name: "Lê Thị Hoa".into(),
                    address: "Thôn Nam, xã Bắc Lý".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
            &token,
        ))
        .await
        .expect("taken in")
        .into_inner()
        .petition
        .expect("petition")
}

/// The value of the hidden field `name` of the page.
fn hidden(page: &Page, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("{name} in {}", page.body))
        + marker.len();
    let end = page.body[start..].find('"').expect("end");
    page.body[start..start + end].to_string()
}

/// Posts `fields` to `path` and checks that the page answers 200 with
/// `words` in it (a preview's date, or its refusal).
async fn shows(web: &mut WebClient, path: &str, fields: &[(&str, String)], words: &str) {
    let shown = web.post_pairs(path, fields).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains(words), "{words} in {}", shown.body);
}

/// The hidden fields of the confirmation's form, as a browser sends them.
fn hidden_fields(page: &Page) -> Vec<(String, String)> {
    let form = &page.body[page.body.find("id=\"confirm\"").expect("the confirmation")..];
    let form = &form[..form.find("</form>").expect("end of form")];
    form.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|rest| {
            let (name, rest) = rest.split_once("\" value=\"").expect("value");
            let value = &rest[..rest.find('"').expect("end of value")];
            let value = value
                .replace("&#39;", "'")
                .replace("&#x27;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#38;", "&");
            (name.to_string(), value)
        })
        .collect()
}

#[tokio::test]
async fn a_reception_is_recorded_by_names_and_counted_in_the_leaders_duty() {
    let app = spawn_app().await;
    let handed = petition(
        &app,
        "hiephoa",
        PetitionKind::Complaint,
        "Khiếu nại việc cấp giấy chứng nhận",
    )
    .await;
    let leader_id = app.user_id("hiephoa", Role::Leader).await;
    let leader_name = app.full_name("hiephoa", Role::Leader);
    let mut officer = signed_in(&app, "hiephoa", Role::PetitionOfficer).await;

    // Reached from the petitions list.
    let list = officer.get("/petitions").await;
    assert!(list.body.contains("href=\"/petitions/receptions\""), "{}", list.body);
    let form = officer.get("/petitions/receptions/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("id=\"receiver-search\""), "the shared people picker");
    assert!(form.body.contains(&format!("<option value=\"{leader_id}\"")));
    assert!(form.body.contains(&format!("Đơn số {}", handed.number_label)));
    assert!(form.body.contains("value=\"02/03/2026\""), "dated today, dd/mm/yyyy");
    let csrf = form.csrf();
    let request_id = hidden(&form, "request_id");
    let fields = |content: &'static str, third_address: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("request_id", request_id.clone()),
            ("rows", "3".to_string()),
            ("received_on", "02/03/2026".into()),
            ("receiver_id", leader_id.clone()),
            ("content", content.into()),
            ("v0_name", String::new()),
            ("v1_name", "Lê Thị Hoa".into()),
            ("v1_id_number", "024190004321".into()),
            ("v2_address", third_address.into()),
            ("petition_ids", handed.id.clone()),
        ]
    };

    // "Thêm dòng" gives more rows and keeps what was typed.
    let mut more = fields("", "");
    more.push(("add", "1".into()));
    let grown = officer.post_pairs("/petitions/receptions", &more).await;
    assert_eq!(grown.status, StatusCode::OK, "{}", grown.body);
    assert!(grown.body.contains("id=\"v5_name\"") && grown.body.contains("value=\"Lê Thị Hoa\""));

    // Refused without content and with a row lacking a name: the service's
    // words beside the field and beside the form's third row (the empty
    // first row is not sent), everything typed kept.
    let bad = fields("", "Thôn Đông");
    let refused = officer.post_pairs("/petitions/receptions", &bad).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("id=\"content-error\""), "{}", refused.body);
    assert!(refused.body.contains("id=\"v2-error\""), "{}", refused.body);
    assert!(!refused.body.contains("id=\"v1-error\""), "{}", refused.body);
    assert!(refused.body.contains("value=\"Lê Thị Hoa\"") && refused.body.contains("value=\"Thôn Đông\""));
    assert!(
        refused
            .body
            .contains(&format!("<option value=\"{leader_id}\" selected"))
    );
    assert!(refused.body.contains(&format!("value=\"{}\" checked", handed.id)));
    // A date written wrong is named before the service is asked.
    let mut misdated = fields("Công dân trình bày", "");
    misdated[3].1 = "31/02/2026".into();
    let refused = officer.post_pairs("/petitions/receptions", &misdated).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("id=\"received_on-error\"") && refused.body.contains("value=\"31/02/2026\""));

    // A petition handed over is also given by its number; one that is not
    // the office's is named beside the field.
    let mut unknown = fields("Công dân trình bày", "");
    unknown.push(("petition_numbers", "999/2026".into()));
    let refused = officer.post_pairs("/petitions/receptions", &unknown).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"petition_numbers-error\"") && refused.body.contains("value=\"999/2026\""),
        "{}",
        refused.body
    );

    let mut good = fields("Công dân trình bày việc cấp giấy chứng nhận quyền sử dụng đất", "");
    good.push(("petition_numbers", format!(" {}, ", handed.number_label)));
    let saved = officer.post_pairs("/petitions/receptions", &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), "/petitions/receptions?m=created");
    // The same request id records nothing twice.
    let again = officer.post_pairs("/petitions/receptions", &good).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);

    let book = officer.get(saved.location()).await;
    assert_eq!(book.status, StatusCode::OK, "{}", book.body);
    assert!(book.body.contains("Đã ghi buổi tiếp công dân"));
    let table = &book.body[book.body.find("id=\"receptions\"").expect("the book")..];
    assert_eq!(
        table.matches("<tr>").count(),
        2,
        "one reception (and the head): {table}"
    );
    assert!(table.contains("02/03/2026") && table.contains(&leader_name) && table.contains("Lãnh đạo tiếp"));
    assert!(table.contains(&format!(">{}</a>", handed.number_label)), "{table}");
    assert!(!table.contains(&leader_id), "names, never ids");
    // The filters stay in the URL; a date written wrong is named.
    let filtered = officer.get("/petitions/receptions?from=03%2F03%2F2026&to=").await;
    assert!(filtered.body.contains("value=\"03/03/2026\"") && !filtered.body.contains("id=\"receptions\""));
    let misdated = officer.get("/petitions/receptions?from=2%2F13%2F2026").await;
    assert_eq!(misdated.status, StatusCode::BAD_REQUEST);
    assert!(misdated.body.contains("id=\"from-error\""), "{}", misdated.body);

    // The leader's duty for March: Hiệp Hòa met it (a district: one day),
    // its communes below have not, each said in words.
    let mut leader = signed_in(&app, "hiephoa", Role::Leader).await;
    let duty = leader.get("/petitions/receptions/duty?month=3&year=2026&below=1").await;
    assert_eq!(duty.status, StatusCode::OK, "{}", duty.body);
    let table = &duty.body[duty.body.find("id=\"duty\"").expect("the duty table")..];
    let row = |name: &str| {
        let start = table.find(name).unwrap_or_else(|| panic!("{name} in {table}"));
        let end = table[start..].find("</tr>").expect("end of row");
        table[start..start + end].to_string()
    };
    let hiep_hoa = row("Huyện ủy Hiệp Hòa");
    assert!(
        hiep_hoa.contains("Cấp huyện") && hiep_hoa.contains("02/03/2026"),
        "{hiep_hoa}"
    );
    assert!(hiep_hoa.contains("badge good\">Đạt<"), "{hiep_hoa}");
    let communes = table.matches("Cấp xã").count();
    assert_eq!(communes, 2, "{table}");
    assert!(table.contains("Chưa đạt (thiếu 2 ngày)"), "{table}");
    let own = leader.get("/petitions/receptions/duty?month=3&year=2026&below=0").await;
    assert!(!own.body.contains("Cấp xã"), "{}", own.body);
    // The petition officer sees their own office's row only.
    let theirs = officer.get("/petitions/receptions/duty?month=3&year=2026").await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert!(theirs.body.contains("Huyện ủy Hiệp Hòa") && !theirs.body.contains("Cấp xã"));
    assert!(!theirs.body.contains("id=\"below\""), "{}", theirs.body);
    let wrong = leader.get("/petitions/receptions/duty?month=3&year=hai").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("id=\"year-error\""), "{}", wrong.body);

    // A sibling office sees none of it, not even by asking for the office.
    let mut sibling = signed_in(&app, "vietyen", Role::PetitionOfficer).await;
    let theirs = sibling.get("/petitions/receptions").await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert!(
        !theirs.body.contains("cấp giấy chứng nhận quyền sử dụng đất"),
        "{}",
        theirs.body
    );
    let asked = sibling
        .get(&format!("/petitions/receptions?office={}", app.office_id("hiephoa")))
        .await;
    assert_eq!(asked.status, StatusCode::NOT_FOUND, "{}", asked.body);
    assert!(!asked.body.contains("cấp giấy chứng nhận quyền sử dụng đất"));
}

#[tokio::test]
async fn the_due_date_is_shown_before_thu_ly_and_gia_han_are_confirmed() {
    let app = spawn_app().await;
    let p = petition(
        &app,
        "hiephoa",
        PetitionKind::Denunciation,
        "Tố cáo cán bộ địa chính xã nhận tiền",
    )
    .await;
    let specialist_id = app.user_id("hiephoa", Role::Specialist).await;
    let officer = app.token("hiephoa", Role::PetitionOfficer).await;
    consider(&app, &officer, &p.id, &specialist_id).await;
    let mut leader = signed_in(&app, "hiephoa", Role::Leader).await;
    let page = leader.get(&format!("/petitions/{}", p.id)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("hx-post=\"/petitions/{}/accept/preview\"", p.id))
    );
    assert!(page.body.contains("Xem hạn giải quyết"));
    let csrf = page.csrf();
    let acceptance = |accepted_on: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("handler_id", specialist_id.clone()),
            ("accepted_on", accepted_on.to_string()),
            ("resolution", "1".into()),
            ("complexity", "2".into()),
            ("note", "Đủ điều kiện thụ lý".into()),
        ]
    };
    // Live, as the form changes (htmx): the date in words.
    shows(
        &mut leader,
        &format!("/petitions/{}/accept/preview", p.id),
        &acceptance("02/03/2026"),
        "Hạn giải quyết sẽ là: 01/04/2026 (30 ngày kể từ ngày thụ lý 02/03/2026)",
    )
    .await;
    shows(
        &mut leader,
        &format!("/petitions/{}/accept/preview", p.id),
        &acceptance("01/03/2026"),
        "Ngày thụ lý không được trước ngày nhận đơn",
    )
    .await;

    // Without JavaScript: "Xem hạn giải quyết" shows the date and the
    // button that confirms the same values; nothing is saved before.
    let mut asked = acceptance("02/03/2026");
    asked.push(("preview", "1".into()));
    let confirm = leader.post_pairs(&format!("/petitions/{}/accept", p.id), &asked).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm.body.contains("Hạn giải quyết sẽ là: 01/04/2026"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("Xác nhận thụ lý"));
    assert!(confirm.body.contains(&app.full_name("hiephoa", Role::Specialist)));
    assert!(
        !confirm.body.contains("name=\"preview\""),
        "the confirmation takes the step"
    );
    let unchanged = leader.get(&format!("/petitions/{}", p.id)).await;
    assert!(unchanged.body.contains("Xem xét thụ lý (07)"), "not accepted yet");
    // A refused preview is the petition's page with the words and values.
    let mut early = acceptance("01/03/2026");
    early.push(("preview", "1".into()));
    let refused = leader.post_pairs(&format!("/petitions/{}/accept", p.id), &early).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("Ngày thụ lý không được trước ngày nhận đơn")
            && refused.body.contains("value=\"01/03/2026\"")
    );

    // "Sửa lại" gives the form again as typed, still nothing saved.
    let mut edit = hidden_fields(&confirm);
    edit.push(("edit".into(), "1".into()));
    let again = leader.post_pairs(&format!("/petitions/{}/accept", p.id), &edit).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert!(
        again.body.contains("<option value=\"2\" selected>Phức tạp</option>"),
        "{}",
        again.body
    );
    assert!(again.body.contains("Xem xét thụ lý (07)") && again.body.contains("Đủ điều kiện thụ lý</textarea>"));

    // Confirmed with the values the page carried.
    let carried = hidden_fields(&confirm);
    let accepted = leader
        .post_pairs(&format!("/petitions/{}/accept", p.id), &carried)
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let page = leader.get(accepted.location()).await;
    assert!(page.body.contains("Thụ lý giải quyết (08)") && page.body.contains("id=\"current-due\">01/04/2026"));

    // Gia hạn the same way: 1/4 + 30 days is 1/5, a holiday, then the
    // weekend: Monday 4/5.
    let csrf = page.csrf();
    let extension = [
        ("csrf", csrf.as_str()),
        ("decision_number", "01/QĐ-HU"),
        ("days", "30"),
        ("decided_on", "02/03/2026"),
        ("reason", "Cần xác minh thêm"),
    ];
    let shown = leader
        .post_form(&format!("/petitions/{}/extend/preview", p.id), &extension)
        .await;
    assert!(
        shown
            .body
            .contains("Hạn giải quyết sẽ là: 04/05/2026 (thêm 30 ngày từ hạn hiện tại 01/04/2026)"),
        "{}",
        shown.body
    );
    let mut asked = extension.to_vec();
    asked.push(("preview", "1"));
    let confirm = leader.post_form(&format!("/petitions/{}/extend", p.id), &asked).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("04/05/2026") && confirm.body.contains("Xác nhận gia hạn"));
    let still = leader.get(&format!("/petitions/{}", p.id)).await;
    assert!(still.body.contains("id=\"current-due\">01/04/2026"), "not extended yet");
    let carried = hidden_fields(&confirm);
    let extended = leader
        .post_pairs(&format!("/petitions/{}/extend", p.id), &carried)
        .await;
    assert_eq!(extended.status, StatusCode::SEE_OTHER, "{}", extended.body);
    let page = leader.get(extended.location()).await;
    assert!(page.body.contains("id=\"current-due\">04/05/2026"), "{}", page.body);
}

#[tokio::test]
async fn the_reception_book_goes_on_a_page_at_a_time() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let leader = app.user_id("hiephoa", Role::Leader).await;
    // The oldest first, then fifty more: the oldest is on the second page.
    reception(&app, &clerk, &leader, "2026-01-05", &["Người đến sớm nhất"]).await;
    for _ in 0..50 {
        reception(&app, &clerk, &leader, "2026-02-20", &["Nguyễn Văn An"]).await;
    }
    let mut officer = signed_in(&app, "hiephoa", Role::PetitionOfficer).await;
    let first = officer.get("/petitions/receptions?from=01%2F01%2F2026").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let table = &first.body[first.body.find("id=\"receptions\"").expect("the book")..];
    assert_eq!(table.matches("<td data-label=\"Ngày tiếp\">").count(), 50);
    assert!(!table.contains("05/01/2026"));
    let next = first.next_page().expect("a next page");
    assert!(next.contains("from=01%2F01%2F2026"), "the filters kept: {next}");
    let second = officer.get(&next).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let table = &second.body[second.body.find("id=\"receptions\"").expect("the book")..];
    assert_eq!(table.matches("<td data-label=\"Ngày tiếp\">").count(), 1);
    assert!(table.contains("05/01/2026"));
    assert!(second.body.contains("Trang đầu") && second.next_page().is_none());

    // As a paper book reads, by the day's heading: the oldest first.
    assert!(
        first
            .body
            .contains("href=\"/petitions/receptions?from=01%2F01%2F2026&#38;sort=oldest\""),
        "{}",
        first.body
    );
    let oldest = officer
        .get("/petitions/receptions?from=01%2F01%2F2026&sort=oldest")
        .await;
    let table = &oldest.body[oldest.body.find("id=\"receptions\"").expect("the book")..];
    let first_day = table.find("05/01/2026").expect("the oldest");
    assert!(first_day < table.find("20/02/2026").expect("the others"));
    let next = oldest.next_page().expect("a next page");
    assert!(next.contains("sort=oldest"), "the order kept: {next}");
    let rest = officer.get(&next).await;
    assert!(!rest.body.contains("05/01/2026"), "not twice");
}

#[tokio::test]
async fn thu_ly_chosen_at_classification_shows_its_due_date_before_it_is_sent() {
    let app = spawn_app().await;
    let p = petition(
        &app,
        "hiephoa",
        PetitionKind::Denunciation,
        "Tố cáo cán bộ thu tiền sai quy định",
    )
    .await;
    let specialist_id = app.user_id("hiephoa", Role::Specialist).await;
    let mut officer = signed_in(&app, "hiephoa", Role::PetitionOfficer).await;
    let page = officer.get(&format!("/petitions/{}", p.id)).await;
    assert!(
        page.body
            .contains(&format!("hx-post=\"/petitions/{}/classify/preview\"", p.id)),
        "{}",
        page.body
    );
    let csrf = page.csrf();
    let classification = |outcome: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("outcome", outcome.to_string()),
            ("handler_id", specialist_id.clone()),
            ("accepted_on", "02/03/2026".to_string()),
            ("resolution", "1".into()),
            ("complexity", "2".into()),
            ("note", "Thuộc thẩm quyền".into()),
        ]
    };
    // Live: thụ lý gives its date; another outcome says no date is set.
    shows(
        &mut officer,
        &format!("/petitions/{}/classify/preview", p.id),
        &classification("1"),
        "Hạn giải quyết sẽ là: 01/04/2026 (30 ngày kể từ ngày thụ lý 02/03/2026)",
    )
    .await;
    shows(
        &mut officer,
        &format!("/petitions/{}/classify/preview", p.id),
        &classification("6"),
        "Hạn giải quyết chỉ tính khi chọn",
    )
    .await;

    // Without JavaScript: "Xem trước" is a confirmation page; nothing saved.
    let mut asked = classification("1");
    asked.push(("preview", "1".into()));
    let confirm = officer
        .post_pairs(&format!("/petitions/{}/classify", p.id), &asked)
        .await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("Hạn giải quyết sẽ là: 01/04/2026") && confirm.body.contains("Xác nhận phân loại"));
    assert!(
        confirm.body.contains("Thụ lý giải quyết")
            && confirm.body.contains(&app.full_name("hiephoa", Role::Specialist))
    );
    let unchanged = officer.get(&format!("/petitions/{}", p.id)).await;
    assert!(unchanged.body.contains("Phân loại xử lý (02)"), "not classified yet");

    // Confirmed with the values the page carried: accepted, due that day.
    let carried = hidden_fields(&confirm);
    let done = officer
        .post_pairs(&format!("/petitions/{}/classify", p.id), &carried)
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let accepted = officer.get(&format!("/petitions/{}", p.id)).await;
    assert!(accepted.body.contains("Thụ lý giải quyết (08)") && accepted.body.contains("01/04/2026"));
}
