//! Outgoing documents, register books and search in a real browser: the
//! province drafts a document to a district picked by name, its leader
//! approves and signs it, its clerk numbers and dispatches it; the
//! district's clerk finds it on their home page and registers it; the
//! province sees the receipt, recalls it, and the district agrees. Then
//! the register books' form and a search without diacritics.

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::CreateTermRequest;

use std::time::{Duration, SystemTime};

use der::EncodePem;
use vanphong_pdf::sign::ca::{DemoCa, Enrolment};
use vanphong_pdf::sign::keys::{KeyOwner, KeyStore};

use super::{base, browser, full_name, shoot, sign_in};
use crate::helpers::{TestApp, authed, spawn_app_with, start_time};
use crate::webdriver::Driver;

const KEYS_PASSPHRASE: &str = "khóa thử nghiệm";

/// The suite with a CA it trusts, which has given the province and its
/// leader their keys, so that what the province issues is signed.
async fn spawn_signing(anchors: &std::path::Path) -> TestApp {
    let ca = DemoCa::new(
        "Browser Test Root CA",
        SystemTime::from(start_time()) - Duration::from_secs(86_400 * 400),
        10,
    )
    .expect("CA");
    std::fs::write(anchors, ca.root.to_pem(der::pem::LineEnding::LF).expect("pem")).expect("anchors");
    let path = anchors.to_path_buf();
    let app = spawn_app_with(move |o| {
        o.trust_anchors_file = Some(path);
        o.document_keys_passphrase = Some(KEYS_PASSPHRASE.into());
    })
    .await;
    let store = KeyStore::new(app.settings.document_keys_dir.clone(), Some(KEYS_PASSPHRASE.into()));
    let from = SystemTime::from(start_time()) - Duration::from_secs(86_400 * 30);
    let office = app.demo.office("tu").expect("province");
    let leader = office.users.iter().find(|u| u.role == Role::Leader).expect("leader");
    for holder in [
        Enrolment {
            owner: KeyOwner::Office,
            id: &office.id,
            common_name: office.name,
            organization: office.name,
        },
        Enrolment {
            owner: KeyOwner::Person,
            id: &leader.id,
            common_name: leader.full_name,
            organization: office.name,
        },
    ] {
        ca.enrol(&store, &holder, from, 1_000).expect("key");
    }
    app
}

const SUBJECT: &str = "V/v hướng dẫn tổng kết công tác chuyển đổi số năm 2025";

#[tokio::test]
async fn a_province_document_is_drafted_signed_dispatched_and_the_district_registers_it() {
    let Some((chromedriver, chromium)) = browser() else {
        return;
    };
    let anchors = tempfile::NamedTempFile::new().expect("anchors");
    let app = spawn_signing(anchors.path()).await;
    // Party numbering counts within the committee's term.
    app.terms()
        .create_term(authed(
            CreateTermRequest {
                office_id: app.office_id("tu"),
                name: "Nhiệm kỳ 2025–2030".into(),
                starts_on: "2025-10-16".into(),
                ..Default::default()
            },
            &app.token("tu", Role::Admin).await,
        ))
        .await
        .expect("term");
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;
    let files = tempfile::tempdir().expect("tempdir");
    let draft_file = files.path().join("du-thao-huong-dan.pdf");
    std::fs::write(&draft_file, b"%PDF-1.4\n% du thao\n".repeat(100)).expect("file");

    // The province's specialist drafts it, the district picked by name.
    sign_in(&browser, &app, &app.username("tu", Role::Specialist)).await;
    assert!(browser.text("main").await.contains("Dự thảo bị trả lại"));
    browser.find("a[href='/outgoing/new']").await.click().await;
    shoot(&browser, "outgoing-new").await;
    browser.find("#type_code option[value='CV']").await.click().await;
    browser.find("#subject").await.type_text(SUBJECT).await;
    browser
        .find("#body")
        .await
        .type_text("Kính gửi các huyện ủy, thành ủy.\nĐề nghị các đồng chí tổng kết công tác chuyển đổi số năm 2025.")
        .await;
    browser.find("#urgency option[value='1']").await.click().await;
    browser
        .find_xpath("//label[contains(., 'Huyện ủy Hiệp Hòa')]/input")
        .await
        .click()
        .await;
    browser
        .find("#outside_recipients")
        .await
        .type_text("Ban Tuyên giáo Trung ương")
        .await;
    browser
        .find("#file")
        .await
        .type_text(draft_file.to_str().expect("path"))
        .await;
    browser
        .find("form[action='/outgoing'] button[type=submit]")
        .await
        .click()
        .await;
    let url = browser.wait_for_url(|u| u.contains("?m=drafted")).await;
    let document_url = url.split('?').next().expect("url").to_string();
    let path = document_url.trim_start_matches(&base(&app)).to_string();
    assert!(browser.text("#recipients").await.contains("Huyện ủy Hiệp Hòa"));
    assert!(browser.text("main").await.contains("du-thao-huong-dan.pdf"));
    let leader = full_name(&app, "tu", Role::Leader);
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

    // The leader finds it awaiting approval, approves and signs it.
    sign_in(&browser, &app, &app.username("tu", Role::Leader)).await;
    shoot(&browser, "home-leader-outgoing").await;
    browser.find("a[href='/outgoing?view=in-review']").await.click().await;
    shoot(&browser, "outgoing-list").await;
    browser.find(&format!("a[href='{path}']")).await.click().await;
    shoot(&browser, "outgoing-review").await;
    browser.find("button[name=decision][value=approve]").await.click().await;
    browser.wait_for_url(|u| u.contains("?m=approved")).await;
    browser.find("#signing_prefix option[value='T/M']").await.click().await;
    browser.find("#on_behalf_of").await.type_text("Ban Thường vụ").await;
    browser.find("#signer_position").await.type_text("Bí thư").await;
    browser
        .find("form[action$='/sign'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=signed")).await;
    assert!(browser.text("#signer").await.contains(&leader));

    // The clerk numbers and dispatches it.
    sign_in(&browser, &app, &app.username("tu", Role::Clerk)).await;
    browser.find("a[href='/outgoing?view=to-number']").await.click().await;
    browser.find(&format!("a[href='{path}']")).await.click().await;
    browser
        .find("form[action$='/number'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=numbered")).await;
    let number = browser.text("#number-label").await;
    assert!(number.contains("CV/TU"), "{number}");
    // Numbering issued it: the signed PDF is among its files, its two
    // signatures valid.
    let files = browser.text("#attachments").await;
    assert!(files.contains("Bản phát hành"), "{files}");
    assert!(files.contains("CV-TU.pdf"), "{files}");
    assert!(
        files.contains(&format!("Chữ ký số hợp lệ: {leader}, Tỉnh ủy Bắc Giang")),
        "{files}"
    );
    shoot(&browser, "outgoing-issued").await;
    browser
        .find("form[action$='/dispatch'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=dispatched")).await;
    assert_eq!(browser.text("#status").await, "Đã phát hành");
    shoot(&browser, "outgoing-dispatched").await;

    // The district's clerk finds it on the home page, and registers it.
    sign_in(&browser, &app, &app.username("hiephoa", Role::Clerk)).await;
    browser
        .find("a[href='/documents?view=to-register']")
        .await
        .click()
        .await;
    browser
        .find_xpath(&format!("//a[contains(., '{SUBJECT}')]"))
        .await
        .click()
        .await;
    browser
        .find("form[action$='/register'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=registered")).await;
    let copy_url = browser.url().await.split('?').next().expect("url").to_string();

    // The province sees the district's receipt.
    sign_in(&browser, &app, &app.username("tu", Role::Clerk)).await;
    browser.goto(&document_url).await;
    let recipients = browser.text("#recipients").await;
    assert!(recipients.contains("Đã vào sổ"), "{recipients}");
    shoot(&browser, "outgoing-receipt").await;

    // The province's leader recalls it; the district's clerk agrees.
    sign_in(&browser, &app, &app.username("tu", Role::Leader)).await;
    browser.goto(&document_url).await;
    browser
        .find("#recall-reason")
        .await
        .type_text("Ban hành nhầm đối tượng")
        .await;
    browser
        .find("form[action$='/recall'] button[type=submit]")
        .await
        .click()
        .await;
    browser.wait_for_url(|u| u.contains("?m=recalled")).await;
    sign_in(&browser, &app, &app.username("hiephoa", Role::Clerk)).await;
    browser.goto(&copy_url).await;
    assert!(browser.text("#recall").await.contains("Nơi gửi đề nghị thu hồi"));
    shoot(&browser, "document-recall").await;
    browser.find("button[name=answer][value=accept]").await.click().await;
    browser.wait_for_url(|u| u.contains("?m=recall-accepted")).await;
    assert_eq!(browser.text("#status").await, "Đã thu hồi");
    sign_in(&browser, &app, &app.username("tu", Role::Clerk)).await;
    browser.goto(&document_url).await;
    assert!(browser.text("#recipients").await.contains("Đồng ý thu hồi"));

    // The register books, for a period picked with two dates.
    browser.find("nav a[href='/registers']").await.click().await;
    assert_eq!(browser.text("main h1").await, "Sổ văn bản");
    shoot(&browser, "registers").await;

    // A search without diacritics finds the document in the outgoing list.
    browser
        .goto(&format!("{}/outgoing?view=all&q=chuyen+doi+so", base(&app)))
        .await;
    assert!(browser.text("main table").await.contains(SUBJECT));
    browser.find("#top-search").await.type_text(&number).await;
    browser.script("document.querySelector('form.search').submit()").await;
    // The header's box searches everywhere; documents come first.
    browser.wait_for_url(|u| u.contains("/search?q=")).await;
    assert!(browser.text("main table").await.contains(SUBJECT));
    shoot(&browser, "documents-search").await;
    browser.close().await;
}
