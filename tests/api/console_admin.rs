//! Directory administration in the console over plain HTTP: an admin lists
//! the people of their office, adds one (a refused password shown beside
//! its field, never sent back), changes their roles, locks them out; adds a
//! service account and is shown its secret once; reads the office tree as
//! of a date and moves an office from an effective date. Non-admins have
//! no menu entry, and get the directory's own refusal at the URL.

use http::{StatusCode, header};

use vanphong::demo::DEMO_PASSWORD;
use vanphong_platform::identity::Role;

use crate::console::{Page, WebClient};
use crate::helpers::spawn_app;

/// The user id of the row of `full_name` in the people table.
fn user_row(page: &Page, full_name: &str) -> String {
    let at = page
        .body
        .find(&format!("<td>{full_name}</td>"))
        .expect("the person's row");
    let start = page.body[..at].rfind("id=\"user-").expect("row id") + "id=\"user-".len();
    page.body[start..start + 36].to_string()
}

/// The text of the people table's row of `id`.
fn row_of<'a>(page: &'a Page, id: &str) -> &'a str {
    let start = page.body.find(&format!("id=\"user-{id}\"")).expect("row");
    let end = start + page.body[start..].find("</tr>").expect("row end");
    &page.body[start..end]
}

#[tokio::test]
async fn an_admin_adds_a_person_changes_their_roles_locks_them_and_issues_a_service_secret() {
    let app = spawn_app().await;
    let office = app.office_id("hiephoa");
    let mut admin = WebClient::new(&app);
    admin
        .sign_in(&app.username("hiephoa", Role::Admin), DEMO_PASSWORD)
        .await;
    let home = admin.get("/").await;
    assert!(home.body.contains("href=\"/admin\""), "the admin's menu");

    let page = admin.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Quản trị · Huyện ủy Hiệp Hòa"), "{}", page.body);
    assert!(
        page.body.contains("Nguyễn Thị Lan") && page.body.contains("Văn thư"),
        "the office's people"
    );
    assert!(page.body.contains("Tài khoản hệ thống"));
    let csrf = page.csrf();

    // A password too short: the directory's words beside the field, the
    // rest kept, the password not sent back.
    let path = format!("/admin/offices/{office}/users");
    let short = admin
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("request_id", "console-admin-1"),
                ("full_name", "Phạm Văn Mới"),
                ("username", "phamvanmoi"),
                ("password", "ngan"),
                ("clearance", "0"),
                ("roles", "3"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST, "{}", short.body);
    assert!(short.body.contains("value=\"Phạm Văn Mới\""), "the name is kept");
    assert!(!short.body.contains("value=\"ngan\""), "the password is not sent back");
    let start = short.body.find("id=\"password\"").expect("the password field");
    let beside = &short.body[start..start + 600];
    assert!(beside.contains("class=\"field-error\""), "{beside}");

    let created = admin
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("request_id", "console-admin-2"),
                ("full_name", "Phạm Văn Mới"),
                ("username", "phamvanmoi"),
                ("password", "mat-khau-dau-tien"),
                ("clearance", "0"),
                ("roles", "3"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert!(created.location().ends_with("m=user-created"), "{}", created.location());
    let page = admin.get(created.location()).await;
    assert!(page.body.contains("Đã thêm người dùng."));
    let id = user_row(&page, "Phạm Văn Mới");
    assert!(row_of(&page, &id).contains("Chuyên viên"));
    let mut newcomer = WebClient::new(&app);
    let signed = newcomer.sign_in("phamvanmoi", "mat-khau-dau-tien").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "the new person signs in");

    // Roles changed by ticking boxes; none at all is refused beside them.
    let none = admin
        .post_form(
            &format!("/admin/users/{id}/roles"),
            &[("csrf", &csrf), ("office_id", &office)],
        )
        .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST, "{}", none.body);
    assert!(
        row_of(&none, &id).contains("Phải có ít nhất một vai trò"),
        "{}",
        none.body
    );
    let changed = admin
        .post_form(
            &format!("/admin/users/{id}/roles"),
            &[("csrf", &csrf), ("office_id", &office), ("roles", "3"), ("roles", "4")],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let page = admin.get(changed.location()).await;
    assert!(
        row_of(&page, &id).contains("Chuyên viên, Cán bộ tiếp dân"),
        "{}",
        row_of(&page, &id)
    );

    // Locked: they can no longer sign in. An admin cannot lock themselves.
    let locked = admin
        .post_form(
            &format!("/admin/users/{id}/disable"),
            &[("csrf", &csrf), ("office_id", &office)],
        )
        .await;
    assert_eq!(locked.status, StatusCode::SEE_OTHER, "{}", locked.body);
    let page = admin.get(locked.location()).await;
    assert!(row_of(&page, &id).contains("Đã khóa") && row_of(&page, &id).contains("Mở khóa"));
    let refused = WebClient::new(&app).sign_in("phamvanmoi", "mat-khau-dau-tien").await;
    assert_ne!(
        refused.status,
        StatusCode::SEE_OTHER,
        "a locked person does not sign in"
    );
    let me = user_row(&page, &app.full_name("hiephoa", Role::Admin));
    let myself = admin
        .post_form(
            &format!("/admin/users/{me}/disable"),
            &[("csrf", &csrf), ("office_id", &office)],
        )
        .await;
    assert_eq!(myself.status, StatusCode::BAD_REQUEST, "{}", myself.body);
    assert!(myself.body.contains("Không thể tự khóa tài khoản của chính mình"));

    // A service account, and its secret shown once, not kept by caches.
    let added = admin
        .post_form(
            &format!("/admin/offices/{office}/accounts"),
            &[
                ("csrf", &csrf),
                ("request_id", "console-admin-account"),
                ("name", "Cổng thông tin huyện"),
                ("clearance", "0"),
                ("roles", "1"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = admin.get(added.location()).await;
    assert!(page.body.contains("Cổng thông tin huyện") && page.body.contains("Chưa cấp mã bí mật"));
    let start = page.body.find("/admin/accounts/").expect("an account form") + "/admin/accounts/".len();
    let account = page.body[start..start + 36].to_string();
    let secret = admin
        .post_form(
            &format!("/admin/accounts/{account}/secret"),
            &[
                ("csrf", &csrf),
                ("office_id", &office),
                ("name", "Cổng thông tin huyện"),
            ],
        )
        .await;
    assert_eq!(secret.status, StatusCode::OK, "{}", secret.body);
    assert_eq!(secret.headers[header::CACHE_CONTROL], "no-store");
    assert!(secret.body.contains("id=\"client-secret\""), "{}", secret.body);
    let page = admin.get(&format!("/admin?office_id={office}")).await;
    assert!(!page.body.contains("id=\"client-secret\""), "shown once");
    assert!(page.body.contains("Cấp mã bí mật mới"));

    // The commune below is the admin's too; a sibling district is not.
    let below = admin.get(&format!("/admin?office_id={}", app.office_id("bacly"))).await;
    assert_eq!(below.status, StatusCode::OK, "{}", below.body);
    assert!(below.body.contains("Đảng ủy xã Bắc Lý"));
    let sibling = admin
        .get(&format!("/admin?office_id={}", app.office_id("vietyen")))
        .await;
    assert_eq!(sibling.status, StatusCode::FORBIDDEN, "{}", sibling.body);
    assert!(
        sibling
            .body
            .contains("Chỉ quản trị của đơn vị này hoặc của đơn vị cấp trên")
    );
}

#[tokio::test]
async fn people_who_are_not_admins_have_no_menu_and_get_the_directorys_refusal() {
    let app = spawn_app().await;
    for role in [Role::Specialist, Role::Leader] {
        let mut web = WebClient::new(&app);
        web.sign_in(&app.username("hiephoa", role), DEMO_PASSWORD).await;
        let home = web.get("/").await;
        assert!(!home.body.contains("href=\"/admin\""), "{role:?}: no menu entry");
        let page = web.get("/admin").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?}: {}", page.body);
        assert!(
            page.body
                .contains("Chỉ quản trị của đơn vị này hoặc của đơn vị cấp trên"),
            "the directory's words: {}",
            page.body
        );
        let csrf = home.csrf();
        let tried = web
            .post_form(
                &format!("/admin/offices/{}/users", app.office_id("hiephoa")),
                &[
                    ("csrf", &csrf),
                    ("request_id", "console-admin-stranger"),
                    ("full_name", "Người Lạ"),
                    ("username", "nguoila"),
                    ("password", "mat-khau-dau-tien"),
                    ("roles", "7"),
                ],
            )
            .await;
        assert_eq!(tried.status, StatusCode::FORBIDDEN, "{role:?}: {}", tried.body);
    }
}

#[tokio::test]
async fn the_office_tree_is_read_as_of_a_date_and_an_office_moves_from_an_effective_date() {
    let app = spawn_app().await;
    let mut admin = WebClient::new(&app);
    admin.sign_in(&app.username("tu", Role::Admin), DEMO_PASSWORD).await;
    let tree = admin.get("/admin/tree").await;
    assert_eq!(tree.status, StatusCode::OK, "{}", tree.body);
    assert!(tree.body.contains("Đơn vị vào ngày 02/03/2026"), "today, day first");
    for name in ["Tỉnh ủy Bắc Giang", "Huyện ủy Hiệp Hòa", "Đảng ủy xã Bắc Lý"] {
        assert!(tree.body.contains(name), "{name}");
    }
    assert!(tree.body.contains("class=\"depth-2\""), "communes two levels down");
    assert!(!tree.body.contains("type=\"date\""));

    let bad = admin.get("/admin/tree?as_of=31%2F02%2F2026").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("ví dụ 02/03/2026") && bad.body.contains("value=\"31/02/2026\""));
    let before = admin.get("/admin/tree?as_of=01%2F01%2F1990").await;
    assert!(
        before.body.contains("Không có đơn vị nào vào ngày này."),
        "{}",
        before.body
    );

    // A date that is not one is refused beside the field, the reason kept.
    let csrf = tree.csrf();
    let bac_ly = app.office_id("bacly");
    let viet_yen = app.office_id("vietyen");
    let misdated = admin
        .post_form(
            "/admin/tree/move",
            &[
                ("csrf", &csrf),
                ("office_id", &bac_ly),
                ("new_parent_id", &viet_yen),
                ("effective_date", "1/4"),
                ("reason", "Quyết định số 12-QĐ/TU"),
            ],
        )
        .await;
    assert_eq!(misdated.status, StatusCode::BAD_REQUEST, "{}", misdated.body);
    assert!(misdated.body.contains("value=\"Quyết định số 12-QĐ/TU\""));
    assert!(misdated.body.contains("ví dụ 02/03/2026"));

    // A district's admin may not move an office under a sibling district.
    let mut district = WebClient::new(&app);
    district
        .sign_in(&app.username("hiephoa", Role::Admin), DEMO_PASSWORD)
        .await;
    let page = district.get("/admin/tree").await;
    let denied = district
        .post_form(
            "/admin/tree/move",
            &[
                ("csrf", &page.csrf()),
                ("office_id", &bac_ly),
                ("new_parent_id", &viet_yen),
                ("effective_date", "01/04/2026"),
                ("reason", "Thử"),
            ],
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.body);
    assert!(denied.body.contains("Chỉ quản trị"), "{}", denied.body);

    // The province moves it from 1 April: the tree on that day shows it
    // under Việt Yên, the tree of today still under Hiệp Hòa.
    let moved = admin
        .post_form(
            "/admin/tree/move",
            &[
                ("csrf", &csrf),
                ("office_id", &bac_ly),
                ("new_parent_id", &viet_yen),
                ("effective_date", "01/04/2026"),
                ("reason", "Quyết định số 12-QĐ/TU"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let after = admin.get(moved.location()).await;
    assert!(after.body.contains("Đã chuyển đơn vị"), "{}", after.body);
    assert!(after.body.contains("Đơn vị vào ngày 01/04/2026"));
    let under = |body: &str, parent: &str| {
        let start = body.find(&format!(">{parent}</a>")).expect("parent");
        let rest = &body[start..];
        let end = rest.find("class=\"depth-1\"").unwrap_or(rest.len());
        rest[..end].contains("Đảng ủy xã Bắc Lý")
    };
    assert!(under(&after.body, "Huyện ủy Việt Yên"), "{}", after.body);
    let today = admin.get("/admin/tree").await;
    assert!(under(&today.body, "Huyện ủy Hiệp Hòa"), "{}", today.body);
    assert!(!under(&today.body, "Huyện ủy Việt Yên"));
}
