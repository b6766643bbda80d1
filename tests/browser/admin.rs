//! Directory administration in a real browser: a district's admin opens
//! "Quản trị" from the menu, adds a person with a first password and a role
//! ticked, reads the office tree on a date typed dd/mm/yyyy; the province's
//! admin moves a commune under another district from an effective date and
//! sees the tree of that day, and after a merger where each service's
//! handover stands; a specialist has no such menu and is refused
//! at its URL in the directory's words.

use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::MergeOfficesRequest;

use super::{base, browser, shoot, sign_in};
use crate::helpers::{self, spawn_app};
use crate::webdriver::Driver;

#[tokio::test]
async fn an_admin_adds_a_person_and_the_province_moves_a_commune_from_a_date() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;

    sign_in(&browser, &app, &app.username("hiephoa", Role::Admin)).await;
    browser.find("nav a[href='/admin']").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/admin")).await;
    assert_eq!(browser.text("main h1").await, "Quản trị · Huyện ủy Hiệp Hòa");
    assert!(browser.text("#people").await.contains("Nguyễn Thị Lan"));
    shoot(&browser, "admin-office").await;

    browser.find("#new-user summary").await.click().await;
    browser.find("#full_name").await.type_text("Phạm Văn Mới").await;
    browser.find("#username").await.type_text("phamvanmoi").await;
    browser.find("#password").await.type_text("mat-khau-dau-tien").await;
    browser
        .find("#new-user input[name='roles'][value='3']")
        .await
        .click()
        .await;
    browser.find("#new-user button[type=submit]").await.click().await;
    browser.wait_for_url(|u| u.contains("m=user-created")).await;
    assert!(browser.text(".notice").await.contains("Đã thêm người dùng"));
    let people = browser.text("#people").await;
    assert!(
        people.contains("Phạm Văn Mới") && people.contains("phamvanmoi"),
        "{people}"
    );

    // The tree on a date typed day first.
    browser.find("a[href='/admin/tree']").await.click().await;
    browser.wait_for_url(|u| u.contains("/admin/tree")).await;
    browser.script("document.getElementById('as_of').value = ''").await;
    browser.find("#as_of").await.type_text("01/01/2026").await;
    browser
        .script("document.querySelector('form[action=\"/admin/tree\"]').submit()")
        .await;
    browser.wait_for_url(|u| u.contains("as_of=01%2F01%2F2026")).await;
    assert!(browser.text("main").await.contains("Đơn vị vào ngày 01/01/2026"));
    assert!(browser.text("#tree").await.contains("Đảng ủy xã Bắc Lý"));
    shoot(&browser, "admin-tree").await;

    // The province moves Bắc Lý under Việt Yên from 1 April.
    sign_in(&browser, &app, &app.username("tu", Role::Admin)).await;
    browser.goto(&format!("{}/admin/tree", base(&app))).await;
    browser.find("#move summary").await.click().await;
    browser
        .find_xpath("//select[@id='move-office']/option[contains(., 'Đảng ủy xã Bắc Lý')]")
        .await
        .click()
        .await;
    browser
        .find_xpath("//select[@id='move-parent']/option[contains(., 'Huyện ủy Việt Yên')]")
        .await
        .click()
        .await;
    browser.script("document.getElementById('move-date').value = ''").await;
    browser.find("#move-date").await.type_text("01/04/2026").await;
    browser
        .find("#move-reason")
        .await
        .type_text("Quyết định số 12-QĐ/TU")
        .await;
    browser.find("#move button[type=submit]").await.click().await;
    browser.wait_for_url(|u| u.contains("m=move")).await;
    assert!(browser.text(".notice").await.contains("Đã chuyển đơn vị"));
    let tree = browser.text("#tree").await;
    let viet_yen = tree.find("Huyện ủy Việt Yên").expect("Việt Yên");
    let bac_ly = tree.find("Đảng ủy xã Bắc Lý").expect("Bắc Lý");
    assert!(bac_ly > viet_yen, "under Việt Yên on 1 April: {tree}");
    shoot(&browser, "admin-tree-moved").await;

    // Yên Dũng merged into Việt Yên today (through the API): under the
    // tree, where each service's handover stands, until all have applied.
    let admin = app.token("tu", Role::Admin).await;
    app.offices()
        .merge_offices(helpers::authed(
            MergeOfficesRequest {
                office_ids: vec![app.office_id("yendung")],
                into_office_id: app.office_id("vietyen"),
                effective_date: "2026-03-02".into(),
                reason: "Nghị quyết sắp xếp tổ chức bộ máy".into(),
                move_people: false,
                request_id: "hop-nhat-yen-dung".into(),
            },
            &admin,
        ))
        .await
        .expect("merged");
    let mut handovers = String::new();
    for _ in 0..50 {
        browser.goto(&format!("{}/admin/tree", base(&app))).await;
        handovers = browser.text("#handovers").await;
        if handovers.contains("Đã bàn giao xong") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        handovers.contains("Huyện ủy Yên Dũng → Huyện ủy Việt Yên"),
        "{handovers}"
    );
    assert!(handovers.contains("Đã bàn giao xong"), "{handovers}");
    for service in ["Văn bản", "Đơn thư", "Tài chính", "Báo cáo"] {
        assert!(handovers.contains(service), "{service}: {handovers}");
    }
    browser.goto(&format!("{}/admin/tree#handovers", base(&app))).await;
    shoot(&browser, "admin-handover").await;

    // A specialist has no menu entry, and the URL gives the refusal.
    sign_in(&browser, &app, &app.username("hiephoa", Role::Specialist)).await;
    assert!(!browser.text("nav.nav").await.contains("Quản trị"));
    browser.goto(&format!("{}/admin", base(&app))).await;
    assert_eq!(browser.text("main h1").await, "Không có quyền");
    assert!(browser.text("main").await.contains("Chỉ quản trị của đơn vị này"));
    browser.close().await;
}
