//! The console in a real browser: Debian's chromium, headless, driven by
//! chromedriver over WebDriver, against a suite started in this process
//! (SQLite, or PostgreSQL when `VANPHONG_TEST_DATABASE_URL` is set), as
//! the offices' people would use it.
//!
//! Without chromedriver and chromium they say so and pass over the browser
//! part, so `cargo test` runs on a fresh machine; with
//! `VANPHONG_BROWSER_TESTS=required` (set by `.ci/run`, which installs
//! both) a missing browser fails them. Screenshots go to
//! `target/console-screenshots/<backend>/` (`sqlite` or `postgres`, so a
//! CI run keeps both and shows both ran); every page photographed is also checked
//! by axe-core at both screen sizes (see `axe`).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod axe;
mod finance;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
mod outgoing;
mod petitions_reports;
mod receptions;
mod webdriver;

use std::path::PathBuf;

use vanphong::demo::DEMO_PASSWORD;
use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::RegisterIncomingRequest;

use helpers::{TestApp, spawn_app};
use webdriver::{Driver, Session};

/// The two screens every page must work on.
const SCREENS: [(u32, u32, bool); 2] = [(1366, 768, false), (390, 844, true)];

/// chromedriver and chromium, or `None` when they are not installed and
/// not required. With them, axe-core must be there too (see `axe`).
fn browser() -> Option<(String, String)> {
    match webdriver::installed() {
        Some(found) => {
            axe::source();
            Some(found)
        }
        None if std::env::var("VANPHONG_BROWSER_TESTS").as_deref() == Ok("required") => panic!(
            "VANPHONG_BROWSER_TESTS=required, but chromium and chromedriver are not installed \
             (apt-get install chromium chromium-driver)"
        ),
        None => {
            eprintln!(
                "BROWSER TESTS NOT RUN: chromium and chromedriver are not installed \
                 (apt-get install chromium chromium-driver); .ci/run requires them"
            );
            None
        }
    }
}

/// The screenshots' folder of the backend under test.
fn screenshots() -> PathBuf {
    let backend = match std::env::var("VANPHONG_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => "postgres",
        _ => "sqlite",
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/console-screenshots")
        .join(backend);
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Saves what the browser shows, at each screen size, as
/// `<name>-<w>x<h>.png`, and checks it with axe-core at each.
async fn shoot(browser: &Session<'_>, name: &str) {
    let url = browser.url().await;
    for (width, height, mobile) in SCREENS {
        browser.viewport(width, height, mobile).await;
        browser.goto(&url).await;
        let png = browser.screenshot().await;
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(screenshots().join(format!("{name}-{width}x{height}.png")), png).expect("write");
        axe::check(browser, &format!("{name} at {width}×{height}")).await;
    }
    browser.viewport(1366, 768, false).await;
    browser.goto(&url).await;
}

fn base(app: &TestApp) -> String {
    format!("http://{}", app.addr)
}

async fn sign_in(browser: &Session<'_>, app: &TestApp, username: &str) {
    browser.delete_cookies().await;
    browser.goto(&format!("{}/sign-in", base(app))).await;
    browser.find("#username").await.type_text(username).await;
    browser.find("#password").await.type_text(DEMO_PASSWORD).await;
    browser
        .find("form[action='/sign-in'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| !u.contains("/sign-in")).await;
}

fn full_name(app: &TestApp, slug: &str, role: Role) -> String {
    app.full_name(slug, role)
}

/// Types `person`'s name without diacritics into the picker's box
/// `#search`, waits for htmx to narrow the select `#select` (no longer
/// offering `other`) and picks them.
async fn pick_by_name(browser: &Session<'_>, search: &str, select: &str, person: &str, other: &str) {
    let folded = vanphong_platform::text::fold(person);
    browser.find(&format!("#{search}")).await.type_text(&folded).await;
    let mut options = String::new();
    for _ in 0..100 {
        options = browser.text(&format!("#{select}")).await;
        if !options.contains(other) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(options.contains(person), "{options}");
    assert!(!options.contains(other), "narrowed to the name typed: {options}");
    browser
        .find_xpath(&format!("//select[@id='{select}']/option[contains(., '{person}')]"))
        .await
        .click()
        .await;
}

/// Opens the first notice of the notifications page and gives the URL it
/// leads to.
async fn open_first_notice(browser: &Session<'_>) -> String {
    browser
        .find("form[action$='/open'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| !u.contains("/notifications")).await
}

/// Opens the notifications from the bell, which counts `unread`, and
/// gives the page's text.
async fn bell(browser: &Session<'_>, unread: &str) -> String {
    assert_eq!(browser.text("header.top a.bell .count").await, unread);
    browser.find("header.top a.bell").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/notifications")).await;
    browser.text("main").await
}

#[tokio::test]
async fn each_demo_role_signs_in_and_sees_their_home() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;

    browser.goto(&format!("{}/", base(&app))).await;
    browser.wait_for_url(|u| u.contains("/sign-in")).await;
    assert_eq!(browser.text("h1").await, "Văn phòng số");
    shoot(&browser, "sign-in").await;

    // What each role's home shows first; those with no work of their own
    // are told where theirs is.
    let roles = [
        (Role::Clerk, "vanthu", "Chờ vào sổ"),
        (Role::Leader, "lanhdao", "Chờ chỉ đạo"),
        (Role::Specialist, "chuyenvien", "Tôi chủ trì xử lý"),
        (Role::PetitionOfficer, "tiepdan", "Đơn chờ phân loại"),
        (Role::Accountant, "ketoan", "Báo cáo cần hoàn thiện"),
        (Role::Inspector, "kiemtra", "Sổ văn bản và báo cáo của đơn vị"),
        (Role::Admin, "quantri", "tại mục Quản trị"),
    ];
    for (role, slug, card) in roles {
        let username = app.username("hiephoa", role);
        sign_in(&browser, &app, &username).await;
        assert_eq!(browser.text("main h1").await, "Việc của tôi");
        let header = browser.text("header.top").await;
        assert!(header.contains("Huyện ủy Hiệp Hòa"), "{header}");
        assert!(header.contains(&full_name(&app, "hiephoa", role)), "{header}");
        let main = browser.text("main").await;
        assert!(main.contains(card), "{slug}: {main}");
        assert!(!main.contains("chưa có trên giao diện web"), "{slug}: {main}");
        if role == Role::Admin {
            // The home's link opens the administration pages.
            browser.find("#no-work a[href='/admin']").await;
        }
        // A district's communes are in its leader's table.
        if role == Role::Leader {
            let offices = browser.text("#offices").await;
            assert!(offices.contains("Đảng ủy xã Bắc Lý"), "{offices}");
        }
        shoot(&browser, &format!("home-{slug}")).await;
    }
    browser.close().await;
}

#[tokio::test]
async fn the_province_leader_sees_each_office_below_and_opens_an_overdue_count() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    // A Hiệp Hòa document in handling, its deadline passed.
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let document = app
        .incoming()
        .register_incoming(helpers::authed(
            RegisterIncomingRequest {
                type_code: "CV".into(),
                subject: "V/v rà soát hồ sơ đảng viên".into(),
                number: 77,
                symbol: "CV/BTC".into(),
                issued_on: "2026-02-20".into(),
                issuer_name: "Ban Tổ chức Tỉnh ủy".into(),
                due_on: "2026-03-10".into(),
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect("registered")
        .into_inner();
    let specialist = app.user_id("hiephoa", Role::Specialist).await;
    app.submit_and_direct("hiephoa", &document.id, &specialist).await;
    app.clock.advance(chrono::Duration::days(20));
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;

    sign_in(&browser, &app, &app.username("tu", Role::Leader)).await;
    let offices = browser.text("#offices").await;
    for name in [
        "Tỉnh ủy Bắc Giang",
        "Huyện ủy Hiệp Hòa",
        "Đảng ủy xã Bắc Lý",
        "Huyện ủy Việt Yên",
        "Huyện ủy Yên Dũng",
        "Cộng",
    ] {
        assert!(offices.contains(name), "{name}: {offices}");
    }
    // Photographed at the table (the page scrolled to it).
    browser.goto(&format!("{}/#offices", base(&app))).await;
    shoot(&browser, "home-province-leader").await;
    // Hiệp Hòa's overdue count is highlighted and leads to its list.
    browser
        .find_xpath(
            "//table[@id='offices']//tr[th[normalize-space()='Huyện ủy Hiệp Hòa']]/td[contains(@class, 'alert')]/a",
        )
        .await
        .click()
        .await;
    browser
        .wait_for_url(|u| u.contains("view=overdue") && u.contains("office="))
        .await;
    assert_eq!(browser.text("main h1").await, "Văn bản đến · Huyện ủy Hiệp Hòa");
    assert!(browser.text("main").await.contains("V/v rà soát hồ sơ đảng viên"));
    shoot(&browser, "documents-office-overdue").await;
    browser.close().await;
}

#[tokio::test]
async fn a_clerk_registers_the_leader_directs_by_name_and_the_specialist_completes() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let app = spawn_app().await;
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;
    let scan_dir = tempfile::tempdir().expect("tempdir");
    let scan = scan_dir.path().join("cong-van-2208.pdf");
    std::fs::write(&scan, b"%PDF-1.4\n% the scanner's copy\n".repeat(200)).expect("scan");

    // The clerk registers a paper document with its scan.
    sign_in(&browser, &app, &app.username("hiephoa", Role::Clerk)).await;
    browser.find("a[href='/documents/new']").await.click().await;
    // The scan may be dropped on the form; it goes up with its progress shown.
    assert!(browser.text("form .drop").await.contains("Kéo và thả tệp"));
    shoot(&browser, "register-form").await;
    browser.find("#type_code option[value='CV']").await.click().await;
    browser.find("#issuer_name").await.type_text("Tỉnh ủy Bắc Giang").await;
    browser.find("#number").await.type_text("2208").await;
    browser.find("#symbol").await.type_text("CV/TU").await;
    browser.find("#issued_on").await.type_text("27/02/2026").await;
    browser
        .find("#subject")
        .await
        .type_text("V/v triển khai chuyển đổi số trong các cơ quan Đảng")
        .await;
    browser
        .find("#scan")
        .await
        .type_text(scan.to_str().expect("path"))
        .await;
    browser
        .find("form[action='/documents'] button[type=submit]")
        .await
        .click()
        .await;
    let url = browser.wait_for_url(|u| u.contains("?m=registered")).await;
    let document_url = url.split('?').next().expect("url").to_string();
    assert!(browser.text(".notice").await.contains("Đã vào sổ"));
    assert!(browser.text("main").await.contains("cong-van-2208.pdf"));

    // … and submits it to the leader, picked by name.
    let leader = full_name(&app, "hiephoa", Role::Leader);
    browser
        .find_xpath(&format!("//select[@id='leader_id']/option[contains(., '{leader}')]"))
        .await
        .click()
        .await;
    browser
        .find("form[action$='/submit'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=submitted")).await;

    // A POST without its token is refused, and nothing changes.
    browser
        .script("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove()); document.querySelector('form[action=\"/sign-out\"]').submit()")
        .await;
    browser.wait_for_url(|u| u.ends_with("/sign-out")).await;
    assert_eq!(browser.text("main h1").await, "Yêu cầu bị từ chối");
    browser.goto(&format!("{}/", base(&app))).await;
    assert_eq!(browser.text("main h1").await, "Việc của tôi", "still signed in");

    // The leader finds it awaiting direction and directs a specialist,
    // found by typing the name without diacritics.
    sign_in(&browser, &app, &app.username("hiephoa", Role::Leader)).await;
    browser
        .find("a[href='/documents?view=awaiting-direction']")
        .await
        .click()
        .await;
    browser
        .find(&format!("a[href='{}']", document_url.trim_start_matches(&base(&app))))
        .await
        .click()
        .await;
    // The direction form, with its people picker, is checked as it is.
    axe::check(&browser, "document-direct").await;
    let specialist = full_name(&app, "hiephoa", Role::Specialist);
    pick_by_name(&browser, "lead-search", "lead_handler_id", &specialist, &leader).await;
    browser.find("#deadline").await.type_text("20/03/2026").await;
    browser
        .find("#direct-note")
        .await
        .type_text("Đồng chí tham mưu triển khai")
        .await;
    browser
        .find("form[action$='/direct'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=directed")).await;
    assert_eq!(browser.text("#lead-handler").await, specialist);

    // The specialist's bell counts the assignment; the notice opens the
    // document and is read from then on.
    sign_in(&browser, &app, &app.username("hiephoa", Role::Specialist)).await;
    let notices = bell(&browser, "1").await;
    assert!(notices.contains("Văn bản được giao cho bạn xử lý"), "{notices}");
    assert!(
        notices.contains("V/v triển khai chuyển đổi số trong các cơ quan Đảng"),
        "{notices}"
    );
    assert!(notices.contains(&leader), "who directed it, by name: {notices}");
    assert!(notices.contains("Đồng chí tham mưu triển khai"), "{notices}");
    shoot(&browser, "notifications").await;
    assert_eq!(open_first_notice(&browser).await, document_url);
    browser.goto(&format!("{}/", base(&app))).await;
    browser
        .find("header.top a.bell[aria-label='Thông báo: không có thông báo mới']")
        .await;

    // The specialist sees it assigned, and completes it.
    browser.find("a[href='/documents?view=assigned']").await.click().await;
    browser
        .find(&format!("a[href='{}']", document_url.trim_start_matches(&base(&app))))
        .await
        .click()
        .await;
    shoot(&browser, "document-assigned").await;
    browser
        .find("#complete-note")
        .await
        .type_text("Đã tham mưu kế hoạch triển khai")
        .await;
    browser
        .find("form[action$='/complete'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=completed")).await;
    assert_eq!(browser.text("#status").await, "Hoàn thành");
    browser.find("#slip").await.click().await;
    browser.wait_for_url(|u| u.ends_with("/slip")).await;
    assert!(browser.text("main h1").await.contains("PHIẾU XỬ LÝ VĂN BẢN ĐẾN"));
    shoot(&browser, "document-slip").await;
    browser.goto(&format!("{}/documents?view=all", base(&app))).await;
    shoot(&browser, "documents-all").await;

    // A sibling district's clerk following the link finds nothing.
    sign_in(&browser, &app, &app.username("vietyen", Role::Clerk)).await;
    browser.goto(&document_url).await;
    assert_eq!(browser.text("main h1").await, "Không tìm thấy");
    shoot(&browser, "not-found").await;
    browser.close().await;
}
