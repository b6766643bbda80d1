//! Petitions and reports in a real browser: the petition officer takes in
//! a petition of several people, sees a second one of the same people
//! beside the first, classifies the first for acceptance to a specialist
//! found by typing the name without diacritics; the specialist records the
//! result (told of the case by the bell); the officer notifies and closes
//! it. The province's leader accepts the report Hiệp Hòa sent and returns
//! Việt Yên's, whose writer the bell tells why.

use vanphong_platform::identity::Role;

#[allow(dead_code)]
#[path = "../api/reporting/support.rs"]
mod support;

#[allow(dead_code)]
#[path = "../api/petitions/support.rs"]
pub(super) mod petition_support;

use super::webdriver::Driver;
use super::{base, bell, browser, full_name, open_first_notice, pick_by_name, shoot, sign_in};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_petition_goes_from_intake_to_closing_and_the_province_accepts_a_report() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    // Hiệp Hòa's February report, sent upward (through the API).
    support::sent_early(&app, "hiephoa", 2).await;
    // … and Việt Yên's, which the province returns.
    support::sent_early(&app, "vietyen", 2).await;
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;

    // The officer takes in a petition signed by three people.
    sign_in(&browser, &app, &app.username("hiephoa", Role::PetitionOfficer)).await;
    browser.find("nav a[href='/petitions']").await.click().await;
    browser.wait_for_url(|u| u.contains("/petitions")).await;
    assert_eq!(browser.text("main h1").await, "Đơn thư");
    shoot(&browser, "petitions-list").await;
    browser.goto(&format!("{}/petitions/new", base(&app))).await;
    shoot(&browser, "petition-intake").await;
    browser.goto(&format!("{}/petitions", base(&app))).await;
    let intake = |content: &'static str| {
        let browser = &browser;
        async move {
            browser.find("a[href='/petitions/new']").await.click().await;
            browser.wait_for_url(|u| u.ends_with("/petitions/new")).await;
            browser.find("#kind option[value='1']").await.click().await;
            browser
                .find("#subject_area_code option[value='DD']")
                .await
                .click()
                .await;
            browser.find("#content").await.type_text(content).await;
            browser.find("#accused").await.type_text("UBND xã Đoan Bái").await;
            browser.find("#p0_name").await.type_text("Nguyễn Văn Khiếu").await;
            browser.find("#p0_id_number").await.type_text("024085001234").await;
            browser.find("#p1_name").await.type_text("Trần Thị Nại").await;
        }
    };
    intake("Khiếu nại việc thu hồi đất nông nghiệp tại thôn Đông").await;
    // One more row, what was typed kept (a POST's answer: no screenshot,
    // which would load the page again).
    browser.find("button[name=add]").await.click().await;
    browser.find("#p2_name").await.type_text("Lê Văn Đơn").await;
    assert!(browser.text("#content").await.contains("thôn Đông"));
    browser.find("#save").await.click().await;
    let url = browser.wait_for_url(|u| u.contains("?m=created")).await;
    let petition_url = url.split('?').next().expect("url").to_string();
    assert!(browser.text("#state").await.contains("(02)"));
    // Their identity is for the handler and the leaders only.
    let petitioners = browser.text("#petitioners").await;
    assert!(
        petitioners.contains("được bảo vệ") && petitioners.contains("3 người"),
        "{petitioners}"
    );
    assert!(!petitioners.contains("Lê Văn Đơn"));

    // The same people again: shown beside the first before classifying.
    browser.goto(&format!("{}/petitions", base(&app))).await;
    intake("Khiếu nại lần nữa việc thu hồi đất nông nghiệp thôn Đông").await;
    browser.find("#save").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/duplicates")).await;
    let candidates = browser.text("#candidates").await;
    assert!(candidates.contains("thôn Đông"), "{candidates}");
    shoot(&browser, "petition-duplicates").await;
    browser.find("#not-repeat").await.click().await;
    browser.wait_for_url(|u| u.contains("?m=not-repeat")).await;

    // The first is classified for acceptance; the handler is found by
    // typing the name without diacritics; the legal deadlines are shown.
    browser.goto(&petition_url).await;
    assert!(browser.text("#legal-deadlines").await.contains("ngày"));
    shoot(&browser, "petition-classify").await;
    let specialist = full_name(&app, "hiephoa", Role::Specialist);
    let leader = full_name(&app, "hiephoa", Role::Leader);
    pick_by_name(&browser, "handler-search", "handler_id", &specialist, &leader).await;
    browser
        .find("form[action$='/classify'] button[type=submit]")
        .await
        .click()
        .await;
    let url = browser
        .wait_for_url(|u| u.contains("?m=classify") || u.ends_with("/classify"))
        .await;
    assert!(url.contains("?m=classify"), "{}", browser.text("main").await);
    assert!(browser.text("#state").await.contains("(08)"));
    assert_eq!(browser.text("#handler").await, specialist);
    assert!(!browser.text("#current-due").await.is_empty());

    // The specialist's bell tells of the case given to them; the notice
    // opens the petition.
    sign_in(&browser, &app, &app.username("hiephoa", Role::Specialist)).await;
    let notices = bell(&browser, "1").await;
    assert!(notices.contains("Đơn được giao cho bạn giải quyết"), "{notices}");
    shoot(&browser, "notifications-petition").await;
    assert_eq!(open_first_notice(&browser).await, petition_url);

    // The specialist records the result.
    browser.goto(&petition_url).await;
    let petitioners = browser.text("#petitioners").await;
    assert!(
        petitioners.contains("Lê Văn Đơn") && petitioners.contains("nhật ký"),
        "{petitioners}"
    );
    shoot(&browser, "petition-handler").await;
    browser
        .find("#summary")
        .await
        .type_text("Giữ nguyên quyết định thu hồi đất")
        .await;
    browser
        .find("#decision_reference")
        .await
        .type_text("15/QĐ-UBND ngày 20/3/2026")
        .await;
    browser
        .find("form[action$='/result'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=result")).await;
    assert!(browser.text("#state").await.contains("(10)"));

    // The officer notifies the petitioners and closes the case.
    sign_in(&browser, &app, &app.username("hiephoa", Role::PetitionOfficer)).await;
    browser.goto(&petition_url).await;
    browser
        .find("form[action$='/notify'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=notify")).await;
    browser
        .find("form[action$='/close'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=close")).await;
    assert!(browser.text("#deadlines").await.contains("Kết thúc vụ việc"));
    shoot(&browser, "petition-closed").await;

    // The province's leader accepts the report Hiệp Hòa sent.
    sign_in(&browser, &app, &app.username("tu", Role::Leader)).await;
    browser.find("nav a[href='/reports']").await.click().await;
    browser.wait_for_url(|u| u.contains("/reports")).await;
    browser.goto(&format!("{}/reports?year=2026&below=1", base(&app))).await;
    shoot(&browser, "reports-list").await;
    browser
        .find_xpath("//table[@id='reports']//tr[contains(., 'Hiệp Hòa') and contains(., 'Đã gửi cấp trên')]//a")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("/reports/")).await;
    shoot(&browser, "report-sent").await;
    browser
        .find("form[action$='/accept'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=accept")).await;
    assert_eq!(browser.text("#status").await, "Cấp trên đã tiếp nhận");
    shoot(&browser, "report-accepted").await;
    // Its figures as bar charts, drawn on the server.
    let url = browser.url().await;
    browser
        .goto(&format!("{}#figures", url.split('?').next().expect("url")))
        .await;
    assert!(
        browser
            .text("#figures figure.chart figcaption")
            .await
            .contains("Văn bản")
    );
    shoot(&browser, "report-figures").await;

    // Việt Yên's report is returned with a reason; its writer's bell says so.
    browser.goto(&format!("{}/reports?view=to-accept", base(&app))).await;
    browser
        .find_xpath("//table[@id='reports']//tr[contains(., 'Việt Yên')]//a")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("/reports/")).await;
    browser
        .find("#return-reason")
        .await
        .type_text("Bổ sung số liệu đơn thư của tháng")
        .await;
    browser
        .find("form[action$='/return'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=return")).await;
    sign_in(&browser, &app, &app.username("vietyen", Role::Specialist)).await;
    let notices = bell(&browser, "1").await;
    assert!(notices.contains("Báo cáo của bạn bị cấp trên trả lại"), "{notices}");
    assert!(notices.contains("Bổ sung số liệu đơn thư của tháng"), "{notices}");
    shoot(&browser, "notifications-report").await;

    // The province's accountant reads the balances, amounts in đồng.
    sign_in(&browser, &app, &app.username("tu", Role::Accountant)).await;
    browser.find("nav a[href='/finance']").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/finance")).await;
    assert!(browser.text("#balances").await.contains("0 đ"));
    shoot(&browser, "finance").await;
    browser.close().await;
}

#[tokio::test]
async fn a_leader_gives_several_open_cases_to_one_handler_picked_by_name() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    // Two cases accepted with the office's leader handling them.
    let officer = app.token("hiephoa", Role::PetitionOfficer).await;
    let leader_id = app.user_id("hiephoa", Role::Leader).await;
    let mut numbers = Vec::new();
    for content in [
        "Khiếu nại việc thu hồi đất thôn Đông",
        "Khiếu nại việc bồi thường đất thôn Đoài",
    ] {
        let p = petition_support::take_in(&app, &officer, petition_support::letter("2026-03-02", content)).await;
        let p = petition_support::accept(&app, &officer, &p.id, &leader_id, |_| {}).await;
        numbers.push(p.number_label);
    }
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;

    sign_in(&browser, &app, &app.username("hiephoa", Role::Leader)).await;
    browser.goto(&format!("{}/petitions?view=open", base(&app))).await;
    for number in &numbers {
        browser
            .find(&format!("input[name='petition_ids'][aria-label='Chọn đơn {number}']"))
            .await
            .click()
            .await;
    }
    let specialist = full_name(&app, "hiephoa", Role::Specialist);
    let leader = full_name(&app, "hiephoa", Role::Leader);
    pick_by_name(&browser, "assign-search", "assign_handler_id", &specialist, &leader).await;
    browser
        .find("#assign-note")
        .await
        .type_text("Giao đồng chí xác minh")
        .await;
    browser.find("#assign button[type=submit]").await.click().await;
    browser.wait_for_url(|u| u.contains("m=assigned")).await;
    assert!(browser.text(".notice").await.contains("Đã giao 2 đơn"));
    let table = browser.text("#petitions").await;
    assert_eq!(table.matches(specialist.as_str()).count(), 2, "{table}");
    shoot(&browser, "petitions-assigned").await;

    // Nothing ticked: the service's words beside the list's boxes.
    browser
        .find_xpath(&format!(
            "//select[@id='assign_handler_id']/option[contains(., '{specialist}')]"
        ))
        .await
        .click()
        .await;
    browser.find("#assign button[type=submit]").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/petitions/assign")).await;
    assert!(
        browser
            .text("#petition-ids-error")
            .await
            .contains("Chọn ít nhất một đơn")
    );
    browser.close().await;
}
