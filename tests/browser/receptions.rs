//! Citizen reception in a real browser: the petition officer records a
//! reception, the leader who received found by typing the name without
//! diacritics and a petition ticked; the book lists it by names and
//! numbers and the leader's day counts in the month's duty. The leader
//! sees the due date of thụ lý as the form changes, then on the
//! confirmation, before it is saved.

use vanphong_platform::identity::Role;

use super::petitions_reports::petition_support;
use super::webdriver::Driver;
use super::{base, browser, full_name, pick_by_name, shoot, sign_in};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_reception_is_recorded_and_thu_ly_shows_its_due_date_before_it_is_confirmed() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    let hh = petition_support::office(&app, "hiephoa").await;
    let handed = petition_support::take_in(
        &app,
        &hh.officer,
        petition_support::letter("2026-03-02", "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất"),
    )
    .await;
    let considered = petition_support::take_in(
        &app,
        &hh.officer,
        petition_support::letter("2026-03-02", "Khiếu nại việc bồi thường giải phóng mặt bằng"),
    )
    .await;
    petition_support::consider(&app, &hh.officer, &considered.id, &hh.specialist_id).await;
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;
    let leader = full_name(&app, "hiephoa", Role::Leader);
    let officer = full_name(&app, "hiephoa", Role::PetitionOfficer);

    sign_in(&browser, &app, &app.username("hiephoa", Role::PetitionOfficer)).await;
    browser.goto(&format!("{}/petitions", base(&app))).await;
    browser.find("a[href='/petitions/receptions']").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/petitions/receptions")).await;
    browser.find("a[href='/petitions/receptions/new']").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/petitions/receptions/new")).await;
    shoot(&browser, "reception-new").await;
    pick_by_name(&browser, "receiver-search", "receiver_id", &leader, &officer).await;
    browser
        .find("#content")
        .await
        .type_text("Công dân trình bày việc cấp giấy chứng nhận")
        .await;
    browser.find("#v0_name").await.type_text("Lê Thị Hoa").await;
    browser.find("#v1_name").await.type_text("Trần Văn Bình").await;
    browser
        .find(&format!("input[name=petition_ids][value='{}']", handed.id))
        .await
        .click()
        .await;
    browser.find("#save").await.click().await;
    browser.wait_for_url(|u| u.contains("?m=created")).await;
    let book = browser.text("#receptions").await;
    assert!(book.contains(&leader) && book.contains("Lãnh đạo tiếp"), "{book}");
    assert!(
        book.contains(&handed.number_label) && book.contains("02/03/2026"),
        "{book}"
    );
    shoot(&browser, "receptions").await;
    browser.find("a[href='/petitions/receptions/duty']").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/duty")).await;
    let duty = browser.text("#duty").await;
    assert!(duty.contains("Huyện ủy Hiệp Hòa") && duty.contains("Đạt"), "{duty}");
    shoot(&browser, "reception-duty").await;

    // Thụ lý: the date appears as the form changes, and again on the
    // confirmation; only its button saves the step.
    sign_in(&browser, &app, &app.username("hiephoa", Role::Leader)).await;
    let petition = format!("{}/petitions/{}", base(&app), considered.id);
    browser.goto(&petition).await;
    browser.find("#complexity option[value='2']").await.click().await;
    let mut live = String::new();
    for _ in 0..100 {
        live = browser.text("#accept-preview").await;
        if live.starts_with("Hạn giải quyết sẽ là:") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(live.starts_with("Hạn giải quyết sẽ là:"), "{live}");
    let due = live["Hạn giải quyết sẽ là: ".len()..][..10].to_string();
    browser.find("#consider button[name=preview]").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/accept")).await;
    assert!(browser.text("#due-preview").await.contains(&due));
    browser.find("#confirm-step").await.click().await;
    browser.wait_for_url(|u| u.contains("?m=accept")).await;
    assert_eq!(browser.text("#current-due").await, due);
    browser.close().await;
}
