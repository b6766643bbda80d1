//! Petitions and reports in a real browser: the petition officer takes in
//! a petition of several people, sees a second one of the same people
//! beside the first, classifies the first for acceptance to a specialist
//! found by typing the name without diacritics; the specialist records the
//! result; the officer notifies and closes it. The province's leader
//! accepts the report Hiệp Hòa sent.

use vanphong_platform::identity::Role;

#[allow(dead_code)]
#[path = "../api/reporting/support.rs"]
mod support;

use super::webdriver::Driver;
use super::{base, browser, full_name, shoot, sign_in};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_petition_goes_from_intake_to_closing_and_the_province_accepts_a_report() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    // Hiệp Hòa's February report, sent upward (through the API).
    support::sent_early(&app, "hiephoa", 2).await;
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
    browser
        .find("#handler-search")
        .await
        .type_text(&vanphong_platform::text::fold(&specialist))
        .await;
    let mut options = String::new();
    for _ in 0..100 {
        options = browser.text("#handler_id").await;
        if !options.contains(&leader) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(options.contains(&specialist) && !options.contains(&leader), "{options}");
    browser
        .find_xpath(&format!(
            "//select[@id='handler_id']/option[contains(., '{specialist}')]"
        ))
        .await
        .click()
        .await;
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

    // The specialist records the result.
    sign_in(&browser, &app, &app.username("hiephoa", Role::Specialist)).await;
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

    // The province's accountant reads the balances, amounts in đồng.
    sign_in(&browser, &app, &app.username("tu", Role::Accountant)).await;
    browser.find("nav a[href='/finance']").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/finance")).await;
    assert!(browser.text("#balances").await.contains("0 đ"));
    shoot(&browser, "finance").await;
    browser.close().await;
}
