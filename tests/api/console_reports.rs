//! Reports in the console over plain HTTP: a district starts its report
//! for a month, writes it, gathers its figures (money as `48.000.000 đ`),
//! submits, approves and sends it; the province returns it with a reason
//! and accepts the one sent before; the Word and spreadsheet files come as
//! downloads under their Vietnamese names.

use http::{StatusCode, header};

use vanphong::demo::DEMO_PASSWORD;
use vanphong_platform::identity::Role;

use crate::console::WebClient;
use crate::helpers::spawn_app;
use crate::reporting::support::sent_early;

fn report_id(location: &str) -> String {
    location
        .trim_start_matches("/reports/")
        .split(['/', '?'])
        .next()
        .expect("id")
        .to_string()
}

#[tokio::test]
async fn a_district_report_is_written_approved_sent_and_returned_in_the_console() {
    let app = spawn_app().await;
    // February's report, sent already (and the committee term for numbering).
    let february = sent_early(&app, "hiephoa", 2).await;
    let sign_in = |role: Role, slug: &'static str| {
        let app = &app;
        async move {
            let mut client = WebClient::new(app);
            client.sign_in(&app.username(slug, role), DEMO_PASSWORD).await;
            client
        }
    };
    let mut writer = sign_in(Role::Specialist, "hiephoa").await;
    let list = writer.get("/reports?year=2026").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body.contains(&format!("/reports/{}", february.id)),
        "{}",
        list.body
    );
    let csrf = list.csrf();
    let created = writer
        .post_form(
            "/reports",
            &[
                ("csrf", &csrf),
                ("request_id", "console-report-1"),
                ("kind", "2"),
                ("year", "2026"),
                ("number", "1"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = report_id(created.location());
    // A period that is not one: refused beside the field, on the list.
    let refused = writer
        .post_form(
            "/reports",
            &[
                ("csrf", &csrf),
                ("request_id", "console-report-2"),
                ("kind", "2"),
                ("year", "2026"),
                ("number", "13"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("class=\"error\""), "{}", refused.body);

    // The home page's "drafts" card leads to it.
    let drafts = writer.get("/reports?view=drafts").await;
    assert_eq!(drafts.status, StatusCode::OK, "{}", drafts.body);
    assert!(drafts.body.contains(&format!("/reports/{id}")), "{}", drafts.body);
    let page = writer.get(&format!("/reports/{id}?m=created")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Đang soạn") && page.body.contains("name=\"section_overview\""));
    let saved = writer
        .post_form(
            &format!("/reports/{id}/sections"),
            &[
                ("csrf", &csrf),
                ("section_overview", "Tình hình chung ổn định."),
                ("section_results", "Hoàn thành các nhiệm vụ trọng tâm."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // The leader gathers the figures; money reads Vietnamese-style.
    let mut leader = sign_in(Role::Leader, "hiephoa").await;
    let csrf_leader = leader_csrf(&mut leader).await;
    let refreshed = leader
        .post_form(&format!("/reports/{id}/refresh"), &[("csrf", &csrf_leader)])
        .await;
    assert_eq!(refreshed.status, StatusCode::SEE_OTHER, "{}", refreshed.body);
    let page = leader.get(&format!("/reports/{id}")).await;
    assert!(page.body.contains("Tình hình chung ổn định."));
    assert!(
        page.body.contains("class=\"figures\"") && page.body.contains(" đ<"),
        "{}",
        page.body
    );

    let submitted = writer
        .post_form(&format!("/reports/{id}/submit"), &[("csrf", &csrf), ("note", "")])
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    let csrf_leader = leader_csrf(&mut leader).await;
    let approved = leader
        .post_form(
            &format!("/reports/{id}/approve"),
            &[
                ("csrf", &csrf_leader),
                ("signer_position", "Bí thư"),
                ("signing_body", ""),
                ("override_reason", "Các xã đã báo cáo trực tiếp"),
            ],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let mut clerk = sign_in(Role::Clerk, "hiephoa").await;
    let page = clerk.get(&format!("/reports/{id}")).await;
    assert!(page.body.contains("id=\"send\""), "{}", page.body);
    let sent = clerk
        .post_form(&format!("/reports/{id}/send"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);

    // The files, as downloads under Vietnamese names.
    for (file, magic) in [("docx", "PK"), ("pdf", "%PDF-"), ("xlsx", "PK")] {
        let download = clerk.get(&format!("/reports/{id}/{file}")).await;
        assert_eq!(download.status, StatusCode::OK, "{file}");
        let disposition = download.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("cd")
            .to_string();
        assert!(
            disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''"),
            "{disposition}"
        );
        assert!(disposition.contains(&format!(".{file}")), "{disposition}");
        assert!(download.body.starts_with(magic), "{file} is the file itself");
    }

    // The province returns it with a reason, and accepts February's.
    let mut province = sign_in(Role::Leader, "tu").await;
    let list = province.get("/reports?year=2026&below=1").await;
    assert!(list.body.contains(&format!("/reports/{id}")), "{}", list.body);
    let waiting = province.get("/reports?view=to-accept").await;
    assert!(
        waiting.body.contains(&format!("/reports/{id}")) && waiting.body.contains(&format!("/reports/{}", february.id)),
        "{}",
        waiting.body
    );
    let page = province.get(&format!("/reports/{id}")).await;
    assert!(page.body.contains("id=\"decide\""), "{}", page.body);
    let returned = province
        .post_form(
            &format!("/reports/{id}/return"),
            &[("csrf", &page.csrf()), ("reason", "Bổ sung số liệu đơn thư")],
        )
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.body);
    let page = province.get(returned.location()).await;
    assert!(page.body.contains("Cấp trên trả lại") && page.body.contains("Bổ sung số liệu đơn thư"));
    let page = province.get(&format!("/reports/{}", february.id)).await;
    let accepted = province
        .post_form(
            &format!("/reports/{}/accept", february.id),
            &[("csrf", &page.csrf()), ("note", "")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let page = province.get(accepted.location()).await;
    assert!(page.body.contains("Cấp trên đã tiếp nhận"), "{}", page.body);

    // A sibling district's leader does not see it.
    let mut sibling = sign_in(Role::Leader, "vietyen").await;
    let hidden = sibling.get(&format!("/reports/{id}")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);
}

async fn leader_csrf(leader: &mut WebClient) -> String {
    leader.get("/reports").await.csrf()
}

#[tokio::test]
async fn an_accountant_reads_the_estimates_and_balances_in_vietnamese_amounts() {
    use crate::finance::support::{approved_root_estimate, line};
    let app = spawn_app().await;
    approved_root_estimate(&app, vec![line("6551", 48_000_000), line("6701", 1_250_000)]).await;
    let mut accountant = WebClient::new(&app);
    accountant
        .sign_in(&app.username("tu", Role::Accountant), DEMO_PASSWORD)
        .await;
    let page = accountant.get("/finance?year=2026").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("href=\"/finance\""), "in the menu");
    assert!(
        page.body.contains("Đã duyệt") && page.body.contains("48.000.000 đ"),
        "{}",
        page.body
    );
    assert!(page.body.contains("49.250.000 đ"), "the total: {}", page.body);
    assert!(page.body.contains("id=\"balances\"") && page.body.contains("02/03/2026"));
}
