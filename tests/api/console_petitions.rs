//! Petitions in the console over plain HTTP, as a browser without
//! JavaScript uses them: intake with several petitioners (values kept when
//! refused), a second petition of the same people shown beside the first
//! before classifying, lookup by number and by words without diacritics,
//! classification to a handler picked by name with the legal deadline
//! shown, and the handler's and officer's steps to closing.

use http::StatusCode;

use vanphong::demo::DEMO_PASSWORD;
use vanphong_platform::identity::Role;

use crate::console::{Page, WebClient, signed_in};
use crate::helpers::spawn_app;
use crate::petitions::support::{letter, take_in};

/// The petition's id from a redirect to its page.
fn petition_id(location: &str) -> String {
    location
        .trim_start_matches("/petitions/")
        .split(['/', '?'])
        .next()
        .expect("id")
        .to_string()
}

/// The text of the first element with `id` (`<… id="x">text<`).
fn by_id(page: &Page, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("#{id} in {}", page.body))
        + marker.len();
    let end = page.body[start..].find('<').expect("end");
    page.body[start..start + end].to_string()
}

#[tokio::test]
async fn a_petition_goes_from_intake_past_its_duplicate_to_closing_in_the_console() {
    let app = spawn_app().await;
    let mut officer = WebClient::new(&app);
    officer
        .sign_in(&app.username("hiephoa", Role::PetitionOfficer), DEMO_PASSWORD)
        .await;

    let form = officer.get("/petitions/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("Tiếp nhận đơn") && form.body.contains("value=\"DD\""));
    let csrf = form.csrf();
    let fields = |request: &'static str, content: &'static str, area: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("request_id", request.to_string()),
            ("rows", "2".into()),
            ("kind", "1".into()),
            ("channel", "1".into()),
            ("received_on", "02/03/2026".into()),
            ("subject_area_code", area.into()),
            ("content", content.into()),
            ("accused", "UBND xã Đoan Bái".into()),
            ("p0_name", "Nguyễn Văn Khiếu".into()),
            ("p0_id_number", "024085001234".into()),
            ("p1_name", "Trần Thị Nại".into()),
            ("p1_address", "Thôn Đông, xã Đoan Bái".into()),
        ]
    };

    // "Thêm người đứng tên" gives a third row and keeps what was typed.
    let mut more = fields("console-petition-1", "Khiếu nại việc thu hồi đất nông nghiệp", "DD");
    more.push(("add", "1".into()));
    let grown = officer.post_pairs("/petitions", &more).await;
    assert_eq!(grown.status, StatusCode::OK, "{}", grown.body);
    assert!(grown.body.contains("id=\"p2_name\"") && grown.body.contains("value=\"Trần Thị Nại\""));

    // Refused without its area: the service's words beside the field, values kept.
    let bad = fields("console-petition-1", "Khiếu nại việc thu hồi đất nông nghiệp", "");
    let refused = officer.post_pairs("/petitions", &bad).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("class=\"field-error\""), "{}", refused.body);
    assert!(refused.body.contains("Nguyễn Văn Khiếu") && refused.body.contains("024085001234"));

    let good = fields(
        "console-petition-1",
        "Khiếu nại việc thu hồi đất nông nghiệp tại thôn Đông",
        "DD",
    );
    let created = officer.post_pairs("/petitions", &good).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert!(created.location().ends_with("?m=created"), "{}", created.location());
    let first = petition_id(created.location());
    // The same request id takes nothing in twice.
    let again = officer.post_pairs("/petitions", &good).await;
    assert_eq!(petition_id(again.location()), first);

    let page = officer.get(&format!("/petitions/{first}?m=created")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Đã tiếp nhận đơn") && page.body.contains("Phân loại xử lý (02)"));
    let h1 = page.body.split("<h1>").nth(1).expect("h1");
    let number = h1[..h1.find("</h1>").expect("end")]
        .trim_start_matches("Đơn số ")
        .to_string();

    // The same people again: the earlier petition beside the new one.
    let repeat = fields(
        "console-petition-2",
        "Khiếu nại lần nữa việc thu hồi đất nông nghiệp thôn Đông",
        "DD",
    );
    let second = officer.post_pairs("/petitions", &repeat).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert!(second.location().ends_with("/duplicates"), "{}", second.location());
    let second_id = petition_id(second.location());
    let side = officer.get(second.location()).await;
    assert_eq!(side.status, StatusCode::OK, "{}", side.body);
    assert!(
        side.body.contains("id=\"new-petition\"")
            && side
                .body
                .contains(&format!("Đơn số <a href=\"/petitions/{first}\">{number}</a>"))
    );
    // Linked as a repeat of the first case, it is filed.
    let csrf = side.csrf();
    let linked = officer
        .post_form(
            &format!("/petitions/{second_id}/link-repeat"),
            &[("csrf", &csrf), ("case_id", &first), ("note", "Cùng vụ việc")],
        )
        .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);
    let linked = officer.get(linked.location()).await;
    assert!(linked.body.contains("Lưu đơn (06)"), "{}", linked.body);

    // Found by its number and by words typed without diacritics.
    let found = officer
        .get(&format!("/petitions?q={}", number.replace('/', "%2F")))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert!(found.body.contains(&format!("/petitions/{first}")), "{}", found.body);
    let found = officer.get("/petitions?q=thu+hoi+dat+thon+dong").await;
    assert!(found.body.contains(&format!("/petitions/{first}")), "{}", found.body);

    let waiting = officer.get("/petitions?view=to-classify").await;
    assert!(
        waiting.body.contains(&format!("/petitions/{first}")),
        "{}",
        waiting.body
    );
    assert!(
        !waiting.body.contains(&format!("/petitions/{second_id}")),
        "filed as a repeat"
    );

    // Classified for acceptance to the specialist picked by name, the
    // legal deadlines of a complaint shown beside the form.
    let page = officer.get(&format!("/petitions/{first}")).await;
    assert!(page.body.contains("id=\"legal-deadlines\""), "{}", page.body);
    let specialist = app.user_id("hiephoa", Role::Specialist).await;
    assert!(page.body.contains(&format!("<option value=\"{specialist}\"")));
    let csrf = page.csrf();
    // A date typed wrong is refused beside its field, kept as typed.
    let misdated = officer
        .post_form(
            &format!("/petitions/{first}/classify"),
            &[
                ("csrf", &csrf),
                ("outcome", "1"),
                ("handler_id", &specialist),
                ("accepted_on", "2/13/2026"),
            ],
        )
        .await;
    assert_eq!(misdated.status, StatusCode::BAD_REQUEST, "{}", misdated.body);
    assert!(misdated.body.contains("value=\"2/13/2026\""), "{}", misdated.body);
    assert!(misdated.body.contains("ví dụ 02/03/2026"), "{}", misdated.body);
    let classified = officer
        .post_form(
            &format!("/petitions/{first}/classify"),
            &[
                ("csrf", &csrf),
                ("outcome", "1"),
                ("handler_id", &specialist),
                ("accepted_on", "02/03/2026"),
                ("resolution", "1"),
                ("complexity", "1"),
                ("competent_authority", "1"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(classified.status, StatusCode::SEE_OTHER, "{}", classified.body);
    let page = officer.get(classified.location()).await;
    assert!(page.body.contains("Thụ lý giải quyết (08)"), "{}", page.body);
    assert!(!by_id(&page, "current-due").is_empty());
    // Classifying twice is refused in the service's words, on the page.
    let twice = officer
        .post_form(
            &format!("/petitions/{first}/classify"),
            &[("csrf", &csrf), ("outcome", "6"), ("note", "Lưu")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST, "{}", twice.body);
    assert!(twice.body.contains("Đơn đã được phân loại"), "{}", twice.body);

    // The handler sees the petitioners (the view is recorded) and records
    // the result.
    let mut handler = WebClient::new(&app);
    handler
        .sign_in(&app.username("hiephoa", Role::Specialist), DEMO_PASSWORD)
        .await;
    let mine = handler.get("/petitions?view=assigned").await;
    assert!(mine.body.contains(&format!("/petitions/{first}")), "{}", mine.body);
    let page = handler.get(&format!("/petitions/{first}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Nguyễn Văn Khiếu") && page.body.contains("ghi vào nhật ký"));
    let csrf = page.csrf();
    let resolved = handler
        .post_form(
            &format!("/petitions/{first}/result"),
            &[
                ("csrf", &csrf),
                ("summary", "Giữ nguyên quyết định thu hồi đất"),
                ("decision_reference", "15/QĐ-UBND ngày 20/3/2026"),
                ("decided_on", ""),
            ],
        )
        .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER, "{}", resolved.body);

    // The officer notifies the petitioners and closes the case.
    let page = officer.get(&format!("/petitions/{first}")).await;
    assert!(page.body.contains("Ra kết quả (10)"), "{}", page.body);
    let csrf = page.csrf();
    for step in ["notify", "close"] {
        let done = officer
            .post_form(&format!("/petitions/{first}/{step}"), &[("csrf", &csrf), ("note", "")])
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{step}: {}", done.body);
    }
    let page = officer.get(&format!("/petitions/{first}")).await;
    assert!(page.body.contains("Kết thúc vụ việc"), "{}", page.body);
    assert!(!page.body.contains("action=\"/petitions/{first}/close\""));

    // Another office's petition is the console's not-found page.
    let mut sibling = WebClient::new(&app);
    sibling
        .sign_in(&app.username("vietyen", Role::PetitionOfficer), DEMO_PASSWORD)
        .await;
    let hidden = sibling.get(&format!("/petitions/{first}")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);
}

#[tokio::test]
async fn the_list_is_ordered_by_the_heading_picked_and_paged_with_its_order_kept() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let mut ids = Vec::new();
    for n in 0..51 {
        let received_on = format!("2026-02-{:02}", n % 28 + 1);
        let p = take_in(
            &app,
            &clerk,
            letter(&received_on, &format!("Kiến nghị thứ tự sắp xếp {n}")),
        )
        .await;
        ids.push(p.id);
    }
    let at = |page: &Page, id: &str| page.body.find(&format!("/petitions/{id}\"")).is_some();
    let mut officer = signed_in(&app, "hiephoa", Role::PetitionOfficer).await;

    let first = officer.get("/petitions?view=all&q=thu+tu+sap+xep&sort=number").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert!(first.body.contains("aria-sort=\"descending\"><a class=\"sort\" href=\"/petitions?view=all&#38;q=thu+tu+sap+xep&#38;sort=number\">Số đơn"), "{}", first.body);
    assert!(at(&first, &ids[50]) && at(&first, &ids[1]), "the highest numbers first");
    assert!(!at(&first, &ids[0]), "fifty to a page");
    assert!(
        first
            .body
            .contains("<option value=\"number\" selected>Số đơn, lớn nhất trước</option>")
    );
    let next = first.next_page().expect("a second page");
    assert!(
        next.contains("sort=number") && next.contains("q=thu+tu+sap+xep"),
        "{next}"
    );
    let second = officer.get(&next).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert!(at(&second, &ids[0]) && !at(&second, &ids[50]), "{}", second.body);
    assert!(second.next_page().is_none() && second.body.contains("Trang đầu"));

    // Without a choice, everything is listed newest first; work to do by
    // its deadline.
    let all = officer.get("/petitions?view=all&q=thu+tu+sap+xep").await;
    assert!(all.body.contains("aria-sort=\"descending\"><a class=\"sort\" href=\"/petitions?view=all&#38;q=thu+tu+sap+xep&#38;sort=oldest\">Ngày nhận"), "{}", all.body);
    let open = officer.get("/petitions?view=open").await;
    assert!(
        open.body
            .contains("aria-sort=\"ascending\"><a class=\"sort\" href=\"/petitions?view=open&#38;sort=due\">Hạn"),
        "{}",
        open.body
    );
    // A backlog is listed by urgency: its headings do not reorder it.
    let overdue = officer.get("/petitions?view=overdue&sort=number").await;
    assert_eq!(overdue.status, StatusCode::OK);
    assert!(!overdue.body.contains("class=\"sort\""), "{}", overdue.body);
}
