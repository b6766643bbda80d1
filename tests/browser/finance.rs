//! Finance in a real browser: the province's accountant enters the year's
//! estimate in the grid (the total follows the amounts typed), its leader
//! approves it, the accountant allocates to a district picked by name
//! (what remains shown as it is typed); the district's accountant posts a
//! voucher over the line and reads why it is refused, then one within it;
//! the books, dues and what remains are read on both screens; a sibling
//! district's accountant following that voucher's link gets the console's
//! "not found" page.

use std::time::Duration;

use vanphong_platform::identity::Role;

use super::{SCREENS, base, browser, screenshots, shoot, sign_in};
use crate::helpers::spawn_app;
use crate::webdriver::{Driver, Session};

/// Saves what the browser shows now (a page answering a POST cannot be
/// loaded again), at each screen size, `css` scrolled into view.
async fn shoot_as_is(browser: &Session<'_>, name: &str, css: &str) {
    for (width, height, mobile) in SCREENS {
        browser.viewport(width, height, mobile).await;
        browser
            .script(&format!("document.querySelector(\"{css}\").scrollIntoView()"))
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = browser.screenshot().await;
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(screenshots().join(format!("{name}-{width}x{height}.png")), png).expect("write");
    }
    browser.viewport(1366, 768, false).await;
}

/// Waits until the text of `css` contains `wanted` (htmx answered).
async fn wait_for_text(browser: &Session<'_>, css: &str, wanted: &str) -> String {
    let mut text = String::new();
    for _ in 0..100 {
        text = browser.text(css).await;
        if text.contains(wanted) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {wanted}: {text}");
}

async fn pick(browser: &Session<'_>, select: &str, starting: &str) {
    browser
        .find_xpath(&format!(
            "//select[@id='{select}']/option[starts-with(normalize-space(.), '{starting}')]"
        ))
        .await
        .click()
        .await;
}

#[tokio::test]
async fn an_accountant_posts_a_voucher_that_is_refused_over_the_line() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;

    // The province's accountant enters the estimate in the grid.
    sign_in(&browser, &app, &app.username("tu", Role::Accountant)).await;
    browser.find("nav a[href='/finance']").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/finance")).await;
    pick(&browser, "line_code_0", "6551").await;
    browser.find("#amount_0").await.type_text("48.000.000").await;
    pick(&browser, "line_code_1", "6701").await;
    browser.find("#amount_1").await.type_text("1.250.000").await;
    browser.find("#note_1").await.type_text("Công tác cơ sở").await;
    wait_for_text(&browser, "#grid-total", "49.250.000 đ").await;
    shoot_as_is(&browser, "finance-estimate-grid", "#new-estimate").await;
    browser.find("#create-estimate").await.click().await;
    let url = browser.wait_for_url(|u| u.contains("?m=created")).await;
    let estimate_url = url.split('?').next().expect("url").to_string();
    assert_eq!(browser.text("#total").await, "49.250.000 đ");
    browser
        .find("form[action$='/submit'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=submit")).await;

    // Its leader approves it.
    sign_in(&browser, &app, &app.username("tu", Role::Leader)).await;
    browser.goto(&estimate_url).await;
    browser
        .find("form[action$='/approve'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=approve")).await;
    assert_eq!(browser.text("#status").await, "Đã duyệt");
    shoot(&browser, "finance-estimate-approved").await;

    // The accountant allocates 6551 to Hiệp Hòa, picked by name.
    sign_in(&browser, &app, &app.username("tu", Role::Accountant)).await;
    browser.goto(&format!("{}/finance/allocation", base(&app))).await;
    pick(&browser, "office_0", "Huyện ủy Hiệp Hòa").await;
    pick(&browser, "line_0", "6551").await;
    browser.find("#amount_0").await.type_text("48.000.000").await;
    browser
        .find("#decision_ref")
        .await
        .type_text("Quyết định số 15-QĐ/TU")
        .await;
    let remaining = wait_for_text(&browser, "#remaining", "48.000.000 đ 48.000.000 đ 0 đ").await;
    assert!(remaining.contains("6551"), "{remaining}");
    shoot_as_is(&browser, "finance-allocation", "#allocate").await;
    browser.find("#save-allocation").await.click().await;
    browser.wait_for_url(|u| u.contains("m=allocated")).await;

    // The district's accountant: a voucher over the line is refused, and why.
    sign_in(&browser, &app, &app.username("hiephoa", Role::Accountant)).await;
    browser.goto(&format!("{}/finance/spending", base(&app))).await;
    shoot(&browser, "finance-spending").await;
    pick(&browser, "allocation_line_id", "6551").await;
    browser.find("#amount").await.type_text("60.000.000").await;
    browser
        .find("#description")
        .await
        .type_text("Mua máy in cho văn phòng")
        .await;
    browser
        .find("#payee")
        .await
        .type_text("Công ty Thiết bị Bắc Giang")
        .await;
    browser.find("#post-voucher").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/finance/vouchers")).await;
    let error = browser.text("#form-error").await;
    assert!(
        error.starts_with("Không ghi được chứng từ chi: 60.000.000 đ vượt quá số còn lại 48.000.000 đ"),
        "{error}"
    );
    assert!(error.contains("6551"), "{error}");
    let beside = browser.text("#amount-error").await;
    assert!(beside.contains("vượt quá số còn lại 48.000.000 đ"), "{beside}");
    shoot_as_is(&browser, "finance-voucher-refused", "#new-voucher").await;

    // Within what remains, it is posted (what was typed is still there).
    browser
        .script("document.getElementById('amount').value = '12.500.000'")
        .await;
    browser.find("#post-voucher").await.click().await;
    let url = browser.wait_for_url(|u| u.contains("?m=posted")).await;
    let voucher_url = url.split('?').next().expect("url").to_string();
    assert_eq!(browser.text("#amount").await, "12.500.000 đ");
    assert!(browser.text("#voucher").await.contains("Công ty Thiết bị Bắc Giang"));
    shoot(&browser, "finance-voucher").await;

    // The books and the dues, read on both screens.
    browser.find("ul.tabs a[href='/finance/ledger']").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/finance/ledger")).await;
    let journal = browser.text("#journal").await;
    assert!(
        journal.contains("Chứng từ chi") && journal.contains("12.500.000 đ"),
        "{journal}"
    );
    shoot(&browser, "finance-ledger").await;
    assert!(browser.text("#periods").await.contains("Đang mở"));
    shoot_as_is(&browser, "finance-periods", "#periods").await;
    browser.find("ul.tabs a[href='/finance/dues']").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/finance/dues")).await;
    assert!(browser.text("#b01").await.contains("B01/ĐP"));
    shoot(&browser, "finance-dues").await;
    browser
        .find("ul.tabs a[href='/finance/allocation']")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.ends_with("/finance/allocation")).await;
    assert!(browser.text("#holdings").await.contains("35.500.000 đ"), "what remains");
    shoot(&browser, "finance-holdings").await;

    // A sibling district's accountant following the link finds nothing.
    sign_in(&browser, &app, &app.username("vietyen", Role::Accountant)).await;
    browser.goto(&voucher_url).await;
    assert_eq!(browser.text("main h1").await, "Không tìm thấy");
    shoot(&browser, "finance-not-found").await;
    browser.goto(&estimate_url).await;
    assert_eq!(
        browser.text("main h1").await,
        "Không tìm thấy",
        "nor the province's estimate"
    );
    browser.close().await;
}
