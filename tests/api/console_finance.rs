//! Finance in the console over plain HTTP: an estimate entered as a grid
//! (amounts typed `48.000.000`, shown `48.000.000 đ`), its refusals beside
//! the rows with everything typed kept, its submission, return and
//! approval; the allocation to a district picked by name with what remains
//! shown, and adjustment; vouchers refused over the line (the service's
//! words shown) or accepted with its warning, commitments posted and
//! released; the books, Party dues collected and remitted, and the
//! execution and B01/ĐP spreadsheets with amounts as number cells.

use http::{StatusCode, header};

use vanphong_platform::identity::Role;

use crate::console::{Page, WebClient, signed_in};
use vanphong_proto::finance::v1::CreateVoucherRequest;

use crate::finance::support::{allocate, allocation_line, approved_root_estimate, line, spending, typed_sheet};
use crate::helpers::{authed, spawn_app};

/// The id in a redirect to `/finance/<what>/{id}?…`.
fn id_in(location: &str, what: &str) -> String {
    location
        .trim_start_matches(&format!("/finance/{what}/"))
        .split(['/', '?'])
        .next()
        .expect("id")
        .to_string()
}

/// Posts a form built up as owned values.
async fn send(client: &mut WebClient, path: &str, fields: Vec<(&str, String)>) -> Page {
    client.post_pairs(path, &fields).await
}

fn refused(page: &Page) {
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(page.body.contains("class=\"field-error\""), "{}", page.body);
}

fn a_spreadsheet(page: &Page) {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let kind = page.headers[header::CONTENT_TYPE].to_str().expect("type");
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let disposition = page.headers[header::CONTENT_DISPOSITION].to_str().expect("name");
    assert!(
        disposition.starts_with("attachment;") && disposition.contains(".xlsx"),
        "{disposition}"
    );
    assert!(page.bytes.starts_with(b"PK"), "an XLSX (zip) file");
}

#[tokio::test]
async fn an_accountant_enters_an_estimate_in_a_grid_and_the_leader_approves_it() {
    let app = spawn_app().await;
    let mut accountant = signed_in(&app, "tu", Role::Accountant).await;
    let page = accountant.get("/finance?year=2026").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"new-estimate\""), "the grid: {}", page.body);
    assert!(page.body.contains("6551 – Văn phòng phẩm"), "lines by name");
    let csrf = page.csrf();
    let grid = |rows: &'static str, cells: &[(&'static str, &'static str)]| {
        let mut fields = vec![
            ("csrf", csrf.clone()),
            ("request_id", "console-estimate-1".to_string()),
            ("year", "2026".to_string()),
            ("note", "Dự toán chi hoạt động năm 2026".to_string()),
            ("rows", rows.to_string()),
        ];
        fields.extend(cells.iter().map(|(k, v)| (*k, v.to_string())));
        fields
    };

    // A row more, by a plain POST: the rows typed stay.
    let mut more = grid("2", &[("line_code_0", "6551"), ("amount_0", "48.000.000")]);
    more.push(("add", "1".into()));
    let more = send(&mut accountant, "/finance/estimates", more).await;
    assert_eq!(more.status, StatusCode::OK, "{}", more.body);
    assert!(more.body.contains("name=\"rows\" value=\"3\""), "{}", more.body);
    assert!(more.body.contains("id=\"amount_2\""));
    assert!(more.body.contains("value=\"48.000.000\""), "kept");
    assert!(more.body.contains("48.000.000 đ"), "the total so far");

    // An amount that is not one is shown beside its row, nothing sent.
    let bad = send(
        &mut accountant,
        "/finance/estimates",
        grid("3", &[("line_code_0", "6551"), ("amount_0", "48,5")]),
    )
    .await;
    refused(&bad);
    assert!(
        bad.body.contains("các nhóm nghìn cách nhau bằng dấu chấm"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"48,5\""), "kept");

    // The service's own refusal (a line twice), beside the row it names,
    // counted among the form's rows (the empty row 1 is not sent).
    let twice = send(
        &mut accountant,
        "/finance/estimates",
        grid(
            "3",
            &[
                ("line_code_0", "6551"),
                ("amount_0", "48.000.000"),
                ("line_code_2", "6551"),
                ("amount_2", "1.000"),
            ],
        ),
    )
    .await;
    refused(&twice);
    assert!(twice.body.contains("Tiểu mục 6551 đã có ở dòng 1"), "{}", twice.body);
    let row2 = twice.body.split("id=\"amount_2\"").nth(1).expect("row 3");
    let row2_end = row2.find("</td>").expect("cell");
    assert!(
        row2[..row2_end].contains("value=\"1.000\""),
        "kept: {}",
        &row2[..row2_end]
    );
    let line_row2 = twice.body.split("id=\"line_code_2\"").nth(1).expect("row 3");
    let cell_end = line_row2.find("</td>").expect("cell");
    assert!(
        line_row2[..cell_end].contains("đã có ở dòng 1"),
        "beside row 3's line: {}",
        &line_row2[..cell_end]
    );

    // The htmx total as amounts are typed.
    let total = send(
        &mut accountant,
        "/finance/estimates/total",
        grid(
            "2",
            &[
                ("line_code_0", "6551"),
                ("amount_0", "48.000.000"),
                ("line_code_1", "6701"),
                ("amount_1", "1.250.000"),
            ],
        ),
    )
    .await;
    assert_eq!(total.status, StatusCode::OK, "{}", total.body);
    assert!(total.body.contains("49.250.000 đ"), "{}", total.body);

    let created = send(
        &mut accountant,
        "/finance/estimates",
        grid(
            "3",
            &[
                ("line_code_0", "6551"),
                ("amount_0", "48.000.000"),
                ("line_code_1", "6701"),
                ("amount_1", "1.250.000 đ"),
                ("note_1", "Công tác cơ sở"),
            ],
        ),
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = id_in(created.location(), "estimates");
    let url = format!("/finance/estimates/{id}");
    let page = accountant.get(created.location()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Đã lập dự toán"));
    assert!(
        page.body.contains("Đang lập") && page.body.contains("49.250.000 đ"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"1.250.000\""),
        "the grid holds the lines to change"
    );

    // Changed while a draft: a line more.
    let csrf = page.csrf();
    let changed = send(
        &mut accountant,
        &format!("{url}/lines"),
        vec![
            ("csrf", csrf.clone()),
            ("note", "Dự toán chi hoạt động năm 2026".into()),
            ("rows", "3".into()),
            ("line_code_0", "6551".into()),
            ("amount_0", "48.000.000".into()),
            ("line_code_1", "6701".into()),
            ("amount_1", "1.250.000".into()),
            ("line_code_2", "6501".into()),
            ("amount_2", "750.000".into()),
        ],
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let page = accountant.get(&url).await;
    assert!(page.body.contains("50.000.000 đ"), "the new total: {}", page.body);
    assert!(
        !page.body.contains(&format!("{url}/approve")),
        "accountants do not approve"
    );

    let submitted = send(&mut accountant, &format!("{url}/submit"), vec![("csrf", csrf.clone())]).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    assert!(accountant.get(&url).await.body.contains("Đã trình cấp trên"));

    // The root's own leaders decide: a return needs its reason.
    let mut leader = signed_in(&app, "tu", Role::Leader).await;
    let page = leader.get(&url).await;
    assert!(page.body.contains(&format!("{url}/approve")), "{}", page.body);
    let lcsrf = page.csrf();
    let no_reason = send(&mut leader, &format!("{url}/return"), vec![("csrf", lcsrf.clone())]).await;
    refused(&no_reason);
    let approved = send(
        &mut leader,
        &format!("{url}/approve"),
        vec![("csrf", lcsrf.clone()), ("reason", "Quyết định số 01-QĐ/TU".into())],
    )
    .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let page = leader.get(approved.location()).await;
    assert!(page.body.contains("Đã duyệt dự toán") && page.body.contains("Đã duyệt"));
    let again = send(&mut leader, &format!("{url}/approve"), vec![("csrf", lcsrf)]).await;
    assert_eq!(
        again.status,
        StatusCode::BAD_REQUEST,
        "the service's word: {}",
        again.body
    );
    assert!(again.body.contains("Không thể duyệt dự toán"), "{}", again.body);

    // A district reads its own, not its parent's.
    let mut district = signed_in(&app, "hiephoa", Role::Accountant).await;
    let hidden = district.get(&url).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);
    assert!(hidden.body.contains("Không tìm thấy"));
}

#[tokio::test]
async fn the_province_allocates_to_a_district_picked_by_name_with_what_remains() {
    let app = spawn_app().await;
    approved_root_estimate(&app, vec![line("6551", 48_000_000), line("6701", 10_000_000)]).await;
    let mut accountant = signed_in(&app, "tu", Role::Accountant).await;
    let page = accountant.get("/finance/allocation?year=2026").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let hiephoa = app.office_id("hiephoa");
    assert!(
        page.body
            .contains(&format!("<option value=\"{hiephoa}\">Huyện ủy Hiệp Hòa</option>")),
        "offices by name: {}",
        page.body
    );
    assert!(page.body.contains("6551 – Văn phòng phẩm (còn 48.000.000 đ)"));
    let csrf = page.csrf();
    let fields = |amount: &str, request: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("request_id", request.to_string()),
            ("year", "2026".to_string()),
            ("rows", "2".to_string()),
            ("decision_ref", "Quyết định số 15-QĐ/TU".to_string()),
            ("allocated_on", "02/03/2026".to_string()),
            ("office_0", hiephoa.clone()),
            ("line_0", "6551".to_string()),
            ("amount_0", amount.to_string()),
        ]
    };

    // What would remain, as typed (htmx).
    let preview = send(
        &mut accountant,
        "/finance/allocation/remaining",
        fields("50.000.000", "a"),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("-2.000.000 đ") && preview.body.contains("Vượt số còn lại"),
        "{}",
        preview.body
    );

    // Over what remains: the service's refusal beside the row, kept.
    let over = send(&mut accountant, "/finance/allocation", fields("50.000.000", "alloc-1")).await;
    refused(&over);
    assert!(over.body.contains("vượt quá số còn lại 48.000.000 đ"), "{}", over.body);
    assert!(over.body.contains("value=\"50.000.000\""));
    let bad_date = {
        let mut f = fields("30.000.000", "alloc-2");
        f.retain(|(k, _)| *k != "allocated_on");
        f.push(("allocated_on", "2/30/2026".into()));
        send(&mut accountant, "/finance/allocation", f).await
    };
    refused(&bad_date);
    assert!(bad_date.body.contains("ngày/tháng/năm"), "{}", bad_date.body);

    let done = send(&mut accountant, "/finance/allocation", fields("30.000.000", "alloc-3")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = accountant.get(done.location()).await;
    assert!(page.body.contains("Đã ghi phân bổ"), "{}", page.body);
    assert!(page.body.contains("18.000.000 đ"), "what remains: {}", page.body);
    assert!(page.body.contains("Huyện ủy Hiệp Hòa") && page.body.contains("Quyết định số 15-QĐ/TU"));

    // An adjustment down, with its reason.
    let adjusted = send(
        &mut accountant,
        "/finance/allocation/adjust",
        vec![
            ("csrf", csrf.clone()),
            ("adjust_request_id", "adjust-1".into()),
            ("year", "2026".into()),
            ("adjust_to_office_id", hiephoa.clone()),
            ("adjust_line_code", "6551".into()),
            ("adjust_amount", "-5.000.000".into()),
            ("adjust_reason", "Điều chỉnh giảm theo thực tế".into()),
            ("adjust_decision_ref", "Quyết định số 20-QĐ/TU".into()),
        ],
    )
    .await;
    assert_eq!(adjusted.status, StatusCode::SEE_OTHER, "{}", adjusted.body);
    let page = accountant.get("/finance/allocation?year=2026").await;
    assert!(
        page.body.contains("23.000.000 đ"),
        "back to the province: {}",
        page.body
    );

    let xlsx = accountant.get("/finance/allocation/execution.xlsx?year=2026").await;
    a_spreadsheet(&xlsx);
    let cells = typed_sheet(xlsx.bytes.to_vec());
    let line = cells
        .iter()
        .find(|r| matches!(r.get(1), Some(calamine::Data::String(code)) if code == "6551"))
        .expect("6551");
    assert!(
        line.iter().skip(3).all(|c| matches!(c, calamine::Data::Float(_))),
        "{line:?}"
    );
}

#[tokio::test]
async fn an_accountant_posts_vouchers_and_commitments_and_sees_the_refusal_over_the_line() {
    let app = spawn_app().await;
    approved_root_estimate(&app, vec![line("6551", 48_000_000), line("6501", 5_000_000)]).await;
    allocate(&app, "hiephoa", "6551", 48_000_000).await;
    allocate(&app, "hiephoa", "6501", 5_000_000).await;
    let mut accountant = signed_in(&app, "hiephoa", Role::Accountant).await;
    let page = accountant.get("/finance/spending?year=2026").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("6551 – Văn phòng phẩm (còn 48.000.000 đ)"),
        "{}",
        page.body
    );
    let line_id = |body: &str, code: &str| {
        let marker = format!("\">{code} – ");
        let at = body.find(&marker).expect("the line");
        let start = body[..at].rfind("value=\"").expect("value") + "value=\"".len();
        body[start..at].to_string()
    };
    let office_supplies = line_id(&page.body, "6551");
    let electricity = line_id(&page.body, "6501");
    let csrf = page.csrf();
    let voucher = |line: &str, amount: &str, date: &str, request: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("request_id", request.to_string()),
            ("year", "2026".to_string()),
            ("allocation_line_id", line.to_string()),
            ("amount", amount.to_string()),
            ("voucher_date", date.to_string()),
            ("description", "Mua giấy in, mực in".to_string()),
            ("payee", "Nhà sách Bắc Giang".to_string()),
            ("payment_account", "112".to_string()),
        ]
    };

    // Over the line: refused, and why, beside the amount; all kept.
    let over = send(
        &mut accountant,
        "/finance/vouchers",
        voucher(&office_supplies, "60.000.000", "02/03/2026", "v-1"),
    )
    .await;
    refused(&over);
    assert!(over.body.contains("Không ghi được chứng từ chi"), "{}", over.body);
    let beside = over
        .body
        .split("id=\"amount-error\">")
        .nth(1)
        .expect("beside the amount");
    assert!(
        beside.starts_with("60.000.000 đ vượt quá số còn lại 48.000.000 đ"),
        "{}",
        &beside[..200.min(beside.len())]
    );
    assert!(over.body.contains("value=\"60.000.000\"") && over.body.contains("value=\"Nhà sách Bắc Giang\""));
    assert!(over.body.contains("value=\"02/03/2026\""));

    let bad_date = send(
        &mut accountant,
        "/finance/vouchers",
        voucher(&office_supplies, "1.000.000", "2026/03/02", "v-2"),
    )
    .await;
    refused(&bad_date);

    let posted = send(
        &mut accountant,
        "/finance/vouchers",
        voucher(&office_supplies, "12.500.000", "02/03/2026", "v-3"),
    )
    .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let voucher_url = posted.location().split('?').next().expect("url").to_string();
    let page = accountant.get(posted.location()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("12.500.000 đ") && page.body.contains("02/03/2026"),
        "{}",
        page.body
    );
    assert!(page.body.contains("6551 – Văn phòng phẩm"));
    assert!(!page.body.contains("Cảnh báo"));

    // A line whose policy accepts bills beyond it: posted, with the warning.
    let warned = send(
        &mut accountant,
        "/finance/vouchers",
        voucher(&electricity, "6.000.000", "02/03/2026", "v-4"),
    )
    .await;
    assert_eq!(warned.status, StatusCode::SEE_OTHER, "{}", warned.body);
    let page = accountant.get(warned.location()).await;
    assert!(page.body.contains("Cảnh báo: Chi vượt dự toán"), "{}", page.body);

    // A commitment reserved, then partly posted; another released.
    let commit = |amount: &str, request: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("commitment_request_id", request.to_string()),
            ("year", "2026".to_string()),
            ("commitment_allocation_line_id", office_supplies.clone()),
            ("commitment_amount", amount.to_string()),
            ("commitment_description", "Hợp đồng in tài liệu".to_string()),
        ]
    };
    let too_much = send(&mut accountant, "/finance/commitments", commit("40.000.000", "c-0")).await;
    refused(&too_much);
    assert!(
        too_much.body.contains("Không ghi được cam kết chi"),
        "{}",
        too_much.body
    );
    for request in ["c-1", "c-2"] {
        let made = send(&mut accountant, "/finance/commitments", commit("10.000.000", request)).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    }
    let page = accountant.get("/finance/spending?year=2026").await;
    assert!(page.body.contains("Đang giữ"), "{}", page.body);
    assert!(
        page.body.contains("(còn 15.500.000 đ)"),
        "48 − 12,5 − 2×10: {}",
        page.body
    );
    let commitments = open_commitments(&page.body);
    assert_eq!(commitments.len(), 2, "two open: {commitments:?}");
    let post = send(
        &mut accountant,
        &format!("/finance/commitments/{}/post", commitments[0]),
        vec![
            ("csrf", csrf.clone()),
            ("request_id", "post-1".into()),
            ("year", "2026".into()),
            ("post_amount", "4.000.000".into()),
            ("post_voucher_date", "02/03/2026".into()),
            ("post_payee", "Công ty in Bắc Giang".into()),
        ],
    )
    .await;
    assert_eq!(post.status, StatusCode::SEE_OTHER, "{}", post.body);
    assert!(post.location().starts_with("/finance/vouchers/"));
    let release = send(
        &mut accountant,
        &format!("/finance/commitments/{}/release", commitments[1]),
        vec![
            ("csrf", csrf.clone()),
            ("year", "2026".into()),
            ("release_reason", "Hủy hợp đồng".into()),
        ],
    )
    .await;
    assert_eq!(release.status, StatusCode::SEE_OTHER, "{}", release.body);
    let page = accountant.get("/finance/spending?year=2026").await;
    assert!(
        page.body.contains("Đã ghi chi") && page.body.contains("Đã giải phóng"),
        "{}",
        page.body
    );
    assert!(page.body.contains("(còn 31.500.000 đ)"), "48 − 12,5 − 4: {}", page.body);

    // A leader reads, without the forms; a sibling district finds nothing.
    let mut leader = signed_in(&app, "hiephoa", Role::Leader).await;
    let page = leader.get("/finance/spending?year=2026").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("12.500.000 đ") && !page.body.contains("id=\"new-voucher\""));
    let mut sibling = signed_in(&app, "vietyen", Role::Accountant).await;
    let hidden = sibling.get(&voucher_url).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);
    assert!(hidden.body.contains("Không tìm thấy"));
}

#[tokio::test]
async fn the_vouchers_are_paged_and_ordered_by_their_headings_beside_the_commitments() {
    let app = spawn_app().await;
    approved_root_estimate(&app, vec![line("6551", 48_000_000)]).await;
    allocate(&app, "hiephoa", "6551", 48_000_000).await;
    let token = app.token("hiephoa", Role::Accountant).await;
    let line_id = allocation_line(&app, &token, "hiephoa", "6551").await.id;
    for n in 1..=51_i64 {
        spending(&app)
            .create_voucher(authed(
                CreateVoucherRequest {
                    allocation_line_id: line_id.clone(),
                    amount: n * 10_000,
                    description: format!("Mua văn phòng phẩm đợt {n}"),
                    ..Default::default()
                },
                &token,
            ))
            .await
            .expect("voucher");
    }
    let vouchers = |page: &Page| page.body.matches("href=\"/finance/vouchers/").count();
    let mut accountant = signed_in(&app, "hiephoa", Role::Accountant).await;
    let first = accountant.get("/finance/spending?year=2026").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(vouchers(&first), 50, "a page of fifty");
    assert!(first.body.contains(">51/2026</a>"), "the latest first");
    assert!(!first.body.contains(">1/2026</a>"));
    // Each list has its own order: the vouchers' in `sort`, the
    // commitments' in `csort`, each link keeping the other.
    assert!(
        first
            .body
            .contains("href=\"/finance/spending?year=2026&#38;sort=largest\""),
        "{}",
        first.body
    );
    assert!(first.body.contains("aria-label=\"Sắp xếp chứng từ chi\""));
    let next = first.next_page().expect("a next page");
    let second = accountant.get(&next).await;
    assert_eq!(vouchers(&second), 1, "{}", second.body);
    assert!(second.body.contains(">1/2026</a>") && second.body.contains("« Trang đầu"));
    let largest = accountant
        .get("/finance/spending?year=2026&sort=largest&csort=oldest")
        .await;
    let at = |text: &str| largest.body.find(text).expect(text);
    assert!(at("510.000 đ") < at("500.000 đ"), "the largest first");
    assert!(
        largest
            .body
            .contains("href=\"/finance/spending?year=2026&#38;csort=oldest&#38;sort=newest\""),
        "the commitments' order kept by the vouchers' headings"
    );
}

/// The ids of the commitments a page offers to post.
fn open_commitments(body: &str) -> Vec<String> {
    body.split("action=\"/finance/commitments/")
        .skip(1)
        .filter_map(|s| {
            let (id, rest) = s.split_once('/')?;
            rest.starts_with("post\"").then(|| id.to_string())
        })
        .collect()
}

#[tokio::test]
async fn dues_are_collected_remitted_and_reported_and_the_books_show_them() {
    let app = spawn_app().await;
    let mut accountant = signed_in(&app, "bacly", Role::Accountant).await;
    let page = accountant.get("/finance/dues?year=2026&quarter=1").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("B01/ĐP"));
    let csrf = page.csrf();
    let cell = send(
        &mut accountant,
        "/finance/dues/cells",
        vec![
            ("csrf", csrf.clone()),
            ("cell_request_id", "cell-1".into()),
            ("year", "2026".into()),
            ("cell_name", "Chi bộ thôn Đông Lý".into()),
        ],
    )
    .await;
    assert_eq!(cell.status, StatusCode::SEE_OTHER, "{}", cell.body);
    let page = accountant.get("/finance/dues?year=2026&quarter=1").await;
    let marker = "\">Chi bộ thôn Đông Lý</option>";
    let at = page.body.find(marker).expect("the cell picked by name");
    let start = page.body[..at].rfind("value=\"").expect("value") + "value=\"".len();
    let cell_id = page.body[start..at].to_string();
    let record = |amount: &str, request: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("request_id", request.to_string()),
            ("year", "2026".to_string()),
            ("quarter", "1".to_string()),
            ("cell_id", cell_id.clone()),
            ("month", "3".to_string()),
            ("members", "38".to_string()),
            ("amount", amount.to_string()),
            ("collected_on", "02/03/2026".to_string()),
        ]
    };
    let bad = send(&mut accountant, "/finance/dues", record("1,596", "d-0")).await;
    refused(&bad);
    assert!(bad.body.contains("value=\"38\""), "kept");
    let recorded = send(&mut accountant, "/finance/dues", record("1.596.000", "d-1")).await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let page = accountant.get("/finance/dues?year=2026&quarter=1").await;
    assert!(
        page.body.contains("1.596.000 đ") && page.body.contains("Chi bộ thôn Đông Lý"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("38 người"),
        "B01/ĐP's members are people: {}",
        page.body
    );

    let remit = |amount: &str, request: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("remit_request_id", request.to_string()),
            ("year", "2026".to_string()),
            ("quarter", "1".to_string()),
            ("remit_amount", amount.to_string()),
            ("remit_remitted_on", "02/03/2026".to_string()),
            ("remit_note", "Nộp đảng phí lên Huyện ủy".to_string()),
        ]
    };
    let too_much = send(&mut accountant, "/finance/dues/remit", remit("5.000.000", "r-1")).await;
    assert_eq!(too_much.status, StatusCode::BAD_REQUEST, "{}", too_much.body);
    assert!(too_much.body.contains("class=\"error\""), "{}", too_much.body);
    assert!(too_much.body.contains("value=\"5.000.000\""), "kept");
    let remitted = send(&mut accountant, "/finance/dues/remit", remit("100.000", "r-2")).await;
    assert_eq!(remitted.status, StatusCode::SEE_OTHER, "{}", remitted.body);

    let b01 = accountant.get("/finance/dues/b01.xlsx?year=2026&quarter=1").await;
    a_spreadsheet(&b01);
    let figures: Vec<calamine::Data> = typed_sheet(b01.bytes.to_vec())
        .into_iter()
        .filter(|r| r.first().is_some_and(|c| c.to_string().len() == 2))
        .filter_map(|r| r.get(2).cloned())
        .collect();
    assert!(figures.len() > 5 && figures.iter().all(|c| matches!(c, calamine::Data::Float(_))));

    let ledger = accountant
        .get("/finance/ledger?from=01%2F01%2F2026&to=02%2F03%2F2026")
        .await;
    assert_eq!(ledger.status, StatusCode::OK, "{}", ledger.body);
    assert!(
        ledger.body.contains("Thu đảng phí") && ledger.body.contains("Nộp đảng phí"),
        "{}",
        ledger.body
    );
    assert!(
        ledger.body.contains("Nợ 111") || ledger.body.contains("Nợ 112"),
        "{}",
        ledger.body
    );
    let wrong = accountant.get("/finance/ledger?from=2026%2F01%2F01").await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(wrong.body.contains("ngày/tháng/năm"), "{}", wrong.body);
}

#[tokio::test]
async fn a_district_estimate_is_returned_with_its_reason_by_the_province_and_sent_again() {
    let app = spawn_app().await;
    let mut accountant = signed_in(&app, "hiephoa", Role::Accountant).await;
    let csrf = accountant.get("/finance").await.csrf();
    let created = send(
        &mut accountant,
        "/finance/estimates",
        vec![
            ("csrf", csrf.clone()),
            ("request_id", "district-estimate".into()),
            ("year", "2026".into()),
            ("rows", "1".into()),
            ("line_code_0", "6551".into()),
            ("amount_0", "60.000.000".into()),
        ],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let url = format!("/finance/estimates/{}", id_in(created.location(), "estimates"));
    let submitted = send(&mut accountant, &format!("{url}/submit"), vec![("csrf", csrf.clone())]).await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);
    // The district's own leader does not decide on it.
    let mut own_leader = signed_in(&app, "hiephoa", Role::Leader).await;
    assert!(!own_leader.get(&url).await.body.contains(&format!("{url}/approve")));

    // The province's leader finds it among the offices' below, and returns it.
    let mut province = signed_in(&app, "tu", Role::Leader).await;
    let list = province.get("/finance?year=2026").await;
    assert!(
        list.body.contains(&url) && list.body.contains("Huyện ủy Hiệp Hòa"),
        "{}",
        list.body
    );
    let pcsrf = list.csrf();
    let returned = send(
        &mut province,
        &format!("{url}/return"),
        vec![
            ("csrf", pcsrf),
            ("reason", "Văn phòng phẩm vượt định mức, đề nghị giảm".into()),
        ],
    )
    .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.body);

    // The district reads why, changes the line and sends it again.
    let page = accountant.get(&url).await;
    assert!(
        page.body.contains("Bị trả lại") && page.body.contains("vượt định mức"),
        "{}",
        page.body
    );
    let changed = send(
        &mut accountant,
        &format!("{url}/lines"),
        vec![
            ("csrf", csrf.clone()),
            ("rows", "1".into()),
            ("line_code_0", "6551".into()),
            ("amount_0", "48.000.000".into()),
        ],
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let again = send(&mut accountant, &format!("{url}/submit"), vec![("csrf", csrf)]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let page = accountant.get(&url).await;
    assert!(page.body.contains("Đã trình cấp trên") && page.body.contains("48.000.000 đ"));
}

#[tokio::test]
async fn an_accountant_enters_a_transaction_by_hand_and_reverses_it() {
    let app = spawn_app().await;
    let mut accountant = signed_in(&app, "hiephoa", Role::Accountant).await;
    let page = accountant.get("/finance/ledger").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("112 – Tiền gửi ngân hàng, kho bạc"),
        "accounts by name"
    );
    let csrf = page.csrf();
    let entry = |debit: &str, credit: &str, request: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("request_id", request.to_string()),
            ("rows", "4".to_string()),
            ("posted_on", "02/03/2026".to_string()),
            ("description", "Nhận kinh phí ngân sách cấp".to_string()),
            ("account_0", "112".to_string()),
            ("side_0", "debit".to_string()),
            ("amount_0", debit.to_string()),
            ("account_1", "511".to_string()),
            ("side_1", "credit".to_string()),
            ("amount_1", credit.to_string()),
        ]
    };
    let unbalanced = send(
        &mut accountant,
        "/finance/ledger",
        entry("198.000.000", "190.000.000", "t-1"),
    )
    .await;
    refused(&unbalanced);
    assert!(
        unbalanced
            .body
            .contains("Tổng Nợ 198.000.000 đ khác tổng Có 190.000.000 đ"),
        "{}",
        unbalanced.body
    );
    assert!(unbalanced.body.contains("value=\"190.000.000\""), "kept");
    let posted = send(
        &mut accountant,
        "/finance/ledger",
        entry("198.000.000", "198.000.000", "t-2"),
    )
    .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let page = accountant.get(posted.location()).await;
    assert!(
        page.body.contains("Đã ghi bút toán") && page.body.contains("Nợ 112: 198.000.000 đ"),
        "{}",
        page.body
    );
    let id = page
        .body
        .split("action=\"/finance/ledger/")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .expect("a transaction to reverse")
        .to_string();
    let no_reason = send(
        &mut accountant,
        &format!("/finance/ledger/{id}/reverse"),
        vec![
            ("csrf", csrf.clone()),
            ("request_id", "rev-1".into()),
            ("reverse_posted_on", "02/03/2026".into()),
        ],
    )
    .await;
    refused(&no_reason);
    let reversed = send(
        &mut accountant,
        &format!("/finance/ledger/{id}/reverse"),
        vec![
            ("csrf", csrf.clone()),
            ("request_id", "rev-2".into()),
            ("reverse_reason", "Ghi nhầm số tiền".into()),
            ("reverse_posted_on", "02/03/2026".into()),
        ],
    )
    .await;
    assert_eq!(reversed.status, StatusCode::SEE_OTHER, "{}", reversed.body);
    let page = accountant.get(reversed.location()).await;
    assert!(
        page.body.contains("Bút toán đảo") && page.body.contains("Đã đảo"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(&format!("/finance/ledger/{id}/reverse")),
        "reversed once"
    );

    // Months close in order once ended; March has not.
    let march = send(
        &mut accountant,
        "/finance/ledger/close",
        vec![
            ("csrf", csrf.clone()),
            ("year", "2026".into()),
            ("close_month", "3".into()),
        ],
    )
    .await;
    assert_eq!(march.status, StatusCode::BAD_REQUEST, "{}", march.body);
    assert!(march.body.contains("class=\"error\""), "{}", march.body);
    let january = send(
        &mut accountant,
        "/finance/ledger/close",
        vec![
            ("csrf", csrf.clone()),
            ("year", "2026".into()),
            ("close_month", "1".into()),
        ],
    )
    .await;
    assert_eq!(january.status, StatusCode::SEE_OTHER, "{}", january.body);
    let page = accountant.get(january.location()).await;
    assert!(
        page.body.contains("Đã khóa sổ tháng") && page.body.contains("Đã khóa sổ 0"),
        "{}",
        page.body
    );

    // A leader reads the books, without the accountants' forms; the year
    // is not settled while months are open.
    let mut leader = signed_in(&app, "hiephoa", Role::Leader).await;
    let page = leader.get("/finance/ledger").await;
    assert!(page.body.contains("198.000.000 đ") && !page.body.contains("id=\"new-transaction\""));
    let settle = send(
        &mut leader,
        "/finance/ledger/settle",
        vec![
            ("csrf", page.csrf()),
            ("year", "2026".into()),
            ("settle_note", "Biên bản quyết toán".into()),
        ],
    )
    .await;
    assert_eq!(settle.status, StatusCode::BAD_REQUEST, "{}", settle.body);
    assert!(settle.body.contains("value=\"Biên bản quyết toán\""), "kept");
}
