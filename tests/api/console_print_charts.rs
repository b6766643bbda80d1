//! Pages a person prints or reads at a glance, over plain HTTP: an incoming
//! document's processing slip (its particulars, the direction by name and
//! its history), and a report's figures drawn as bar charts beside the
//! offices below coloured by how they reported (on time, late, missing).

use http::StatusCode;

use vanphong::demo::DEMO_PASSWORD;
use vanphong_platform::identity::Role;

use crate::console::WebClient;
use crate::documents_incoming::{paper, register};
use crate::helpers::spawn_app;
use crate::reporting::support::{desk, drafted, sent_early};

#[tokio::test]
async fn a_directed_documents_slip_prints_its_particulars_direction_and_history() {
    let app = spawn_app().await;
    let clerk_token = app.token("hiephoa", Role::Clerk).await;
    let document = register(&app, &clerk_token, paper(41, "Công văn về lịch tiếp công dân quý II")).await;
    app.submit_and_direct("hiephoa", &document.id, &app.user_id("hiephoa", Role::Specialist).await)
        .await;
    let mut clerk = WebClient::new(&app);
    clerk
        .sign_in(&app.username("hiephoa", Role::Clerk), DEMO_PASSWORD)
        .await;
    let page = clerk.get(&format!("/documents/{}", document.id)).await;
    assert!(
        page.body.contains(&format!("/documents/{}/slip", document.id)),
        "{}",
        page.body
    );
    let slip = clerk.get(&format!("/documents/{}/slip", document.id)).await;
    assert_eq!(slip.status, StatusCode::OK, "{}", slip.body);
    for text in [
        "PHIẾU XỬ LÝ VĂN BẢN ĐẾN",
        "Huyện ủy Hiệp Hòa",
        "Công văn về lịch tiếp công dân quý II",
        "Quá trình xử lý",
        "Lãnh đạo chỉ đạo, giao xử lý",
    ] {
        assert!(slip.body.contains(text), "{text}: {}", slip.body);
    }
    let specialist = app
        .demo
        .office("hiephoa")
        .expect("office")
        .users
        .iter()
        .find(|u| u.role == Role::Specialist)
        .expect("user")
        .full_name
        .to_string();
    assert!(slip.body.contains(&specialist), "the lead handler by name");

    let mut sibling = WebClient::new(&app);
    sibling
        .sign_in(&app.username("vietyen", Role::Clerk), DEMO_PASSWORD)
        .await;
    let refused = sibling.get(&format!("/documents/{}/slip", document.id)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
}

#[tokio::test]
async fn a_province_report_charts_its_figures_and_colours_each_districts_report() {
    let app = spawn_app().await;
    sent_early(&app, "hiephoa", 2).await;
    let province = drafted(&app, "tu", 2, &desk(&app, "tu").await).await;
    let mut leader = WebClient::new(&app);
    leader.sign_in(&app.username("tu", Role::Leader), DEMO_PASSWORD).await;
    let page = leader.get(&format!("/reports/{}", province.id)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<svg viewBox="), "a chart: {}", page.body);
    assert!(page.body.contains("<rect "), "with bars");
    assert!(page.body.contains("Báo cáo của cấp dưới trong kỳ"), "{}", page.body);
    let below = &page.body[page.body.find("id=\"completeness\"").expect("the section")..];
    let row = |office: &str| {
        let start = below
            .find(&format!(">{office}<"))
            .unwrap_or_else(|| panic!("{office}: {below}"));
        let end = below[start..].find("</tr>").expect("row end") + start;
        below[start..end].to_string()
    };
    // Hiệp Hòa sent February's report after its deadline; Việt Yên none.
    assert!(
        row("Huyện ủy Hiệp Hòa").contains("Muộn"),
        "{}",
        row("Huyện ủy Hiệp Hòa")
    );
    assert!(
        row("Huyện ủy Việt Yên").contains("Chưa gửi, quá hạn"),
        "{}",
        row("Huyện ủy Việt Yên")
    );
    assert!(page.body.contains("tone-warn") && page.body.contains("tone-bad"));
}

#[tokio::test]
async fn a_report_prints_as_a_party_report_and_its_trend_shows_the_periods_before() {
    let app = spawn_app().await;
    let desk = desk(&app, "tu").await;
    let january = drafted(&app, "tu", 1, &desk).await;
    let february = drafted(&app, "tu", 2, &desk).await;
    let mut leader = WebClient::new(&app);
    leader.sign_in(&app.username("tu", Role::Leader), DEMO_PASSWORD).await;

    let page = leader.get(&format!("/reports/{}", february.id)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/reports/{}/print\"", february.id)));
    // The trend: January's total beside February's, for the figure picked.
    let trend = &page.body[page.body.find("id=\"trend\"").expect("the trend")..];
    let january_label = january.period.as_ref().expect("period").label.clone();
    let february_label = february.period.as_ref().expect("period").label.clone();
    assert!(
        trend.contains(&format!(">{january_label}</text>")) && trend.contains(&format!(">{february_label}</text>")),
        "{trend}"
    );
    let table = february.figures.as_ref().expect("figures");
    let second = &table.columns[1];
    let picked = leader
        .get(&format!("/reports/{}?trend={}", february.id, second.code))
        .await;
    let trend = &picked.body[picked.body.find("id=\"trend\"").expect("the trend")..];
    assert!(trend.contains(&format!("{} qua các kỳ", second.label)), "{trend}");
    assert!(trend.contains(&format!("value=\"{}\" selected", second.code)));

    // The printable page: the letterhead, the title, the figures.
    let print = leader.get(&format!("/reports/{}/print", february.id)).await;
    assert_eq!(print.status, StatusCode::OK, "{}", print.body);
    for expected in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "TỈNH ỦY BẮC GIANG",
        ">BÁO CÁO<",
        february.title.as_str(),
        "ngày … tháng … năm …",
        "Tổng cộng",
        "<svg viewBox=",
    ] {
        assert!(print.body.contains(expected), "{expected}: {}", print.body);
    }
    // Another district's report is not found to a district's leader.
    let mut district = WebClient::new(&app);
    district
        .sign_in(&app.username("vietyen", Role::Leader), DEMO_PASSWORD)
        .await;
    let hidden = district.get(&format!("/reports/{}/print", february.id)).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);
}
