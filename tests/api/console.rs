//! The web console over plain HTTP, as a browser without JavaScript uses
//! it: security headers, sign-in (wrong password, throttling in words),
//! the session's cookies and their refresh, CSRF on every POST, sign-out.
//! (tests/browser drives a real browser through the same pages.)

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use vanphong::demo::DEMO_PASSWORD;
use vanphong_platform::identity::Role;
use vanphong_proto::directory::v1::WhoAmIRequest;

use crate::helpers::{TestApp, authed, spawn_app, spawn_app_with};

/// A browser's part that matters here: cookies, forms, redirects seen.
pub struct WebClient {
    base: String,
    pub cookies: BTreeMap<String, String>,
}

/// An answer: status, headers, body as text.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as it came (a download).
    pub bytes: Bytes,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value of the first hidden `csrf` field of the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("a csrf field") + marker.len();
        let end = self.body[start..].find('"').expect("end of value");
        self.body[start..start + end].to_string()
    }

    /// The address of the pager's "next page" link, if there is one.
    pub fn next_page(&self) -> Option<String> {
        let end = self.body.find("rel=\"next\"")?;
        let start = self.body[..end].rfind("href=\"")? + "href=\"".len();
        Some(
            self.body[start..end]
                .trim_end_matches("\" ")
                .replace("&amp;", "&")
                .replace("&#38;", "&"),
        )
    }
}

impl WebClient {
    pub fn new(app: &TestApp) -> Self {
        WebClient {
            base: format!("http://{}", app.addr),
            cookies: BTreeMap::new(),
        }
    }

    pub async fn request(&mut self, method: Method, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Page {
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            request = request.header(header::COOKIE, jar.join("; "));
        }
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        let response = client
            .request(request.body(Full::new(Bytes::from(body))).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().expect("cookie");
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.into(), value.into());
            }
        }
        let body = response.into_body().collect().await.expect("body").to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            bytes: body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.request(Method::GET, path, None, Vec::new()).await
    }

    /// [`WebClient::post_form`] with fields held as owned text (a form
    /// built up, or read back from a page).
    pub async fn post_pairs<K: AsRef<str>, V: AsRef<str>>(&mut self, path: &str, fields: &[(K, V)]) -> Page {
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_ref(), v.as_ref())).collect();
        self.post_form(path, &pairs).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.request(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    /// Signs in through the form; returns the answer to the POST.
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Page {
        let form = self.get("/sign-in").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        let csrf = form.csrf();
        self.post_form(
            "/sign-in",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }
}

#[tokio::test]
async fn pages_carry_a_strict_content_security_policy_and_ask_for_sign_in() {
    let app = spawn_app().await;
    let mut web = WebClient::new(&app);
    let home = web.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/sign-in?next=%2F");
    let form = web.get("/sign-in").await;
    assert_eq!(form.status, StatusCode::OK);
    let csp = form.headers[header::CONTENT_SECURITY_POLICY].to_str().expect("csp");
    assert!(
        csp.contains("default-src 'self'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(form.headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(form.headers[header::REFERRER_POLICY], "same-origin");
    assert_eq!(form.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(form.body.contains("lang=\"vi\"") && form.body.contains("Đăng nhập"));
    assert!(
        !form.body.contains("<script>") && !form.body.contains("style="),
        "no inline script or style"
    );

    // The vendored htmx is served under its versioned path, cached long.
    let end = form.body.find("/htmx.min.js").expect("htmx path") + "/htmx.min.js".len();
    let start = form.body[..end].rfind('"').expect("start") + 1;
    let htmx = web.get(&form.body[start..end]).await;
    assert_eq!(htmx.status, StatusCode::OK);
    assert!(
        htmx.headers[header::CACHE_CONTROL]
            .to_str()
            .expect("cc")
            .contains("immutable")
    );
    assert!(htmx.body.contains("htmx"), "the htmx file");
    assert_eq!(web.get("/assets/old/htmx.min.js").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_clerk_signs_in_sees_their_work_and_signs_out() {
    let app = spawn_app().await;
    let mut web = WebClient::new(&app);
    let username = app.username("hiephoa", Role::Clerk);
    let signed_in = web.sign_in(&username, DEMO_PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.body);
    assert_eq!(signed_in.location(), "/");
    let cookies: Vec<&str> = signed_in
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    for name in ["vp_access=", "vp_refresh="] {
        let cookie = cookies.iter().find(|c| c.starts_with(name)).expect(name);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"));
        assert!(!cookie.contains("Secure"), "plain HTTP here");
    }
    let access = web.cookies["vp_access"].clone();

    let home = web.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(home.body.contains("Việc của tôi"));
    assert!(home.body.contains("Huyện ủy Hiệp Hòa"), "the office's name");
    assert!(home.body.contains("Chờ vào sổ") && home.body.contains("Văn thư"));

    // A POST without the form's token is refused and changes nothing.
    let forged = web.post_form("/sign-out", &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("Yêu cầu bị từ chối"));
    let wrong = web.post_form("/sign-out", &[("csrf", "bm90LXRoZS10b2tlbg")]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(web.get("/").await.status, StatusCode::OK, "still signed in");
    // An address that takes a form, opened in the address bar: a page that
    // says so, not an empty answer.
    let opened = web.get("/documents/new").await;
    assert_eq!(opened.status, StatusCode::OK, "a page of its own");
    let form_only = web.get("/finance/vouchers").await;
    assert_eq!(form_only.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        form_only.body.contains("Địa chỉ này chỉ nhận biểu mẫu"),
        "{}",
        form_only.body
    );

    let csrf = home.csrf();
    let out = web.post_form("/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/sign-in?m=signed_out");
    assert!(!web.cookies.contains_key("vp_access"), "cookies cleared");
    // The session is revoked for every client, not only this browser.
    let refused = app
        .auth()
        .who_am_i(authed(WhoAmIRequest {}, &access))
        .await
        .expect_err("revoked");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    let page = web.get("/sign-in?m=signed_out").await;
    assert!(page.body.contains("Bạn đã đăng xuất."));
}

#[tokio::test]
async fn sign_in_says_what_is_wrong_in_words_and_keeps_the_username() {
    let app = spawn_app_with(|o| o.sign_in_free_failures = Some(2)).await;
    let mut web = WebClient::new(&app);
    let username = app.username("hiephoa", Role::Leader);
    let wrong = web.sign_in(&username, "sai-mat-khau").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.body.contains("Tên đăng nhập hoặc mật khẩu không đúng"),
        "{}",
        wrong.body
    );
    assert!(wrong.body.contains(&format!("value=\"{username}\"")), "username kept");
    assert!(!wrong.body.contains("sai-mat-khau"), "the password is never sent back");

    let mut last = wrong;
    for _ in 0..3 {
        last = web.sign_in(&username, "sai-mat-khau").await;
    }
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS, "{}", last.body);
    assert!(last.body.contains("Vui lòng thử lại sau"), "{}", last.body);
    assert!(last.body.contains("tạm dừng đăng nhập"), "{}", last.body);

    // Without the form's token, nothing is even tried.
    let forged = web
        .post_form("/sign-in", &[("username", &username), ("password", DEMO_PASSWORD)])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_session_is_refreshed_before_it_expires_and_everywhere_signs_out_all() {
    let app = spawn_app().await;
    let username = app.username("hiephoa", Role::Specialist);
    let mut web = WebClient::new(&app);
    assert_eq!(
        web.sign_in(&username, DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let mut other_device = WebClient::new(&app);
    assert_eq!(
        other_device.sign_in(&username, DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let (access, refresh) = (web.cookies["vp_access"].clone(), web.cookies["vp_refresh"].clone());

    // 14 minutes on, the 15-minute access token is about to expire: the
    // next page trades the refresh token and sets new cookies.
    app.clock.advance(chrono::Duration::minutes(14));
    let home = web.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert_ne!(web.cookies["vp_access"], access, "a new access token");
    assert_ne!(web.cookies["vp_refresh"], refresh, "a new refresh token");
    // Past the old token's expiry the page still works.
    app.clock.advance(chrono::Duration::minutes(5));
    assert_eq!(web.get("/").await.status, StatusCode::OK);

    let csrf = web.get("/").await.csrf();
    let out = web
        .post_form("/sign-out", &[("csrf", &csrf), ("everywhere", "1")])
        .await;
    assert_eq!(out.location(), "/sign-in?m=signed_out_all");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let elsewhere = other_device.get("/").await;
    assert_eq!(
        elsewhere.status,
        StatusCode::SEE_OTHER,
        "the other device is signed out too"
    );
    assert!(elsewhere.location().starts_with("/sign-in"), "{}", elsewhere.location());
}

/// A browser signed in as the demo user of `role` in office `slug`.
pub async fn signed_in(app: &TestApp, slug: &str, role: Role) -> WebClient {
    let mut web = WebClient::new(app);
    let answer = web.sign_in(&app.username(slug, role), DEMO_PASSWORD).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    web
}

/// A multipart body with the fields (in order) and one file.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----vanphong-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((name, file_name, content)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The id in a `/documents/{id}?m=…` location.
pub fn document_id(location: &str) -> String {
    location
        .trim_start_matches("/documents/")
        .split('?')
        .next()
        .expect("id")
        .to_string()
}

#[tokio::test]
async fn an_incoming_document_goes_from_registration_with_its_scan_to_done_in_the_console() {
    let app = spawn_app().await;
    let mut clerk = WebClient::new(&app);
    clerk
        .sign_in(&app.username("hiephoa", Role::Clerk), DEMO_PASSWORD)
        .await;

    // The registration form: types to choose, a request id that makes a
    // repeated submission harmless.
    let form = clerk.get("/documents/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("Vào sổ văn bản đến") && form.body.contains("value=\"CV\""));
    let csrf = form.csrf();
    let fields = |subject: &'static str, number: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("request_id", format!("console-test-{number}")),
            ("type_code", "CV".into()),
            ("issuer_name", "Tỉnh ủy Bắc Giang".into()),
            ("number", number.into()),
            ("symbol", "CV/TU".into()),
            ("issued_on", "27/02/2026".into()),
            ("subject", subject.into()),
            ("urgency", "0".into()),
            ("secrecy", "0".into()),
            ("pages", "2".into()),
        ]
    };
    // Refused with the service's words next to the field, values kept.
    let bad = fields("", "4711");
    let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (ct, body) = multipart(&pairs, None);
    let refused = clerk.request(Method::POST, "/documents", Some(&ct), body).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("class=\"field-error\""), "{}", refused.body);
    assert!(refused.body.contains("value=\"4711\""), "the number is kept");

    let good = fields("V/v triển khai chuyển đổi số trong cơ quan Đảng", "4712");
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let scan = b"%PDF-1.4 the scanner's copy".repeat(1000);
    let (ct, body) = multipart(&pairs, Some(("scan", "Công văn 4712.pdf", &scan)));
    let registered = clerk.request(Method::POST, "/documents", Some(&ct), body).await;
    assert_eq!(registered.status, StatusCode::SEE_OTHER, "{}", registered.body);
    assert!(
        registered.location().ends_with("?m=registered"),
        "{}",
        registered.location()
    );
    let id = document_id(registered.location());
    let page = clerk.get(&format!("/documents/{id}?m=registered")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Đã vào sổ văn bản đến.") && page.body.contains("Công văn 4712.pdf"));
    assert!(
        page.body.contains("4712/CV/TU") || page.body.contains("4712-CV/TU"),
        "{}",
        page.body
    );

    // The scan comes back as it went up.
    let start = page
        .body
        .find(&format!("/documents/{id}/attachments/"))
        .expect("download link");
    let end = start + page.body[start..].find('"').expect("end");
    let link = page.body[start..end].to_string();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let jar: Vec<String> = clerk.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let download = client
        .request(
            http::Request::get(format!("http://{}{link}", app.addr))
                .header(header::COOKIE, jar.join("; "))
                .body(Full::new(Bytes::new()))
                .expect("request"),
        )
        .await
        .expect("download");
    assert_eq!(download.status(), StatusCode::OK);
    assert!(
        download.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("cd")
            .starts_with("attachment")
    );
    let bytes = download.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(bytes.as_ref(), scan.as_slice());

    // Submitted to the leader picked by name.
    let leader_id = app.user_id("hiephoa", Role::Leader).await;
    assert!(
        page.body.contains(&format!("<option value=\"{leader_id}\"")),
        "the leader is offered"
    );
    let submitted = clerk
        .post_form(
            &format!("/documents/{id}/submit"),
            &[
                ("csrf", &page.csrf()),
                ("leader_id", &leader_id),
                ("note", "Kính trình"),
            ],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER, "{}", submitted.body);

    // The leader sees it awaiting direction and directs a specialist.
    let mut leader = WebClient::new(&app);
    leader
        .sign_in(&app.username("hiephoa", Role::Leader), DEMO_PASSWORD)
        .await;
    let queue = leader.get("/documents?view=awaiting-direction").await;
    assert!(queue.body.contains(&format!("/documents/{id}")), "{}", queue.body);
    let specialist_id = app.user_id("hiephoa", Role::Specialist).await;
    let doc = leader.get(&format!("/documents/{id}")).await;
    assert!(doc.body.contains("Chỉ đạo, giao xử lý"));
    let people = leader
        .get(&format!(
            "/people?office_id={}&role=specialist&q=chuyen%20vien",
            app.office_id("hiephoa")
        ))
        .await;
    assert_eq!(people.status, StatusCode::OK);
    // A date that is not one is refused beside the field, as typed.
    let no_date = leader
        .post_form(
            &format!("/documents/{id}/direct"),
            &[
                ("csrf", &doc.csrf()),
                ("lead_handler_id", &specialist_id),
                ("deadline", "31/02/2026"),
                ("note", "Đồng chí tham mưu"),
            ],
        )
        .await;
    assert_eq!(no_date.status, StatusCode::BAD_REQUEST, "{}", no_date.body);
    assert!(
        no_date
            .body
            .contains("Ngày viết theo dạng ngày/tháng/năm, ví dụ 02/03/2026</p>"),
        "{}",
        no_date.body
    );
    assert!(
        no_date.body.contains("value=\"31/02/2026\""),
        "the date is kept as typed"
    );
    assert!(!no_date.body.contains("type=\"date\""), "dates are typed dd/mm/yyyy");
    // A deadline before the document's date is refused, the note kept.
    let early = leader
        .post_form(
            &format!("/documents/{id}/direct"),
            &[
                ("csrf", &doc.csrf()),
                ("lead_handler_id", &specialist_id),
                ("deadline", "01/01/2026"),
                ("note", "Đồng chí tham mưu"),
            ],
        )
        .await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST, "{}", early.body);
    assert!(early.body.contains("Đồng chí tham mưu"), "the note is kept");
    let directed = leader
        .post_form(
            &format!("/documents/{id}/direct"),
            &[
                ("csrf", &doc.csrf()),
                ("lead_handler_id", &specialist_id),
                ("deadline", "20/03/2026"),
                ("note", "Đồng chí tham mưu"),
            ],
        )
        .await;
    assert_eq!(directed.status, StatusCode::SEE_OTHER, "{}", directed.body);

    // The specialist finds it assigned, with the names, and completes it.
    let mut specialist = WebClient::new(&app);
    specialist
        .sign_in(&app.username("hiephoa", Role::Specialist), DEMO_PASSWORD)
        .await;
    let home = specialist.get("/").await;
    assert!(home.body.contains("Tôi chủ trì xử lý"));
    let doc = specialist.get(&format!("/documents/{id}")).await;
    assert!(doc.body.contains("20/03/2026"), "the deadline, day first");
    assert!(!doc.body.contains(&format!(">{specialist_id}<")), "a name, not an id");
    let done = specialist
        .post_form(
            &format!("/documents/{id}/complete"),
            &[("csrf", &doc.csrf()), ("note", "Đã tham mưu văn bản triển khai")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = specialist.get(&format!("/documents/{id}")).await;
    assert!(page.body.contains("Hoàn thành"), "{}", page.body);

    // A sibling district's clerk gets the console's not-found page.
    let mut sibling = WebClient::new(&app);
    sibling
        .sign_in(&app.username("vietyen", Role::Clerk), DEMO_PASSWORD)
        .await;
    let hidden = sibling.get(&format!("/documents/{id}")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert!(hidden.body.contains("Không tìm thấy"), "{}", hidden.body);
    let hidden = sibling.get(&link).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(sibling.get("/documents/not-an-id").await.status, StatusCode::NOT_FOUND);
}
