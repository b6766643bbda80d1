//! What goes wrong while serving a page, and the page (in Vietnamese) or
//! redirect each becomes. The services' own messages are shown as they
//! are: they are written for the people who read them.

use askama::Template;
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use tonic::Code;

use crate::pages::Layout;

/// Why a page could not be served.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// The page needs a signed-in person and none is: the sign-in page,
    /// coming back to `next` afterwards.
    #[error("sign-in needed for {next}")]
    SignInNeeded { next: String },
    /// A service refused or failed; its code decides the page.
    #[error("{0}")]
    Service(#[from] tonic::Status),
    /// A POST without the form's anti-forgery token, or with a wrong one.
    #[error("missing or wrong CSRF token")]
    Forgery,
    /// No such page, or nothing the person may see there.
    #[error("not found")]
    NotFound,
    /// A form larger than the console reads.
    #[error("form too large")]
    TooLarge,
    /// An upload that could not be read to its end.
    #[error("unreadable upload")]
    BadUpload,
    /// This gateway has no channel to the service (named in Vietnamese).
    #[error("service {0} not configured")]
    NotConfigured(&'static str),
    /// An outgoing document asked for at the incoming document's page:
    /// the handler sends the person to its own page.
    #[error("outgoing document")]
    Outgoing,
    /// An address that only takes a form, asked for another way (opened in
    /// the address bar).
    #[error("method not allowed")]
    FormOnly,
    /// A template failed to render.
    #[error("template: {0}")]
    Template(#[from] askama::Error),
}

impl ConsoleError {
    /// A service's answer to a record asked for by id: another office's
    /// record is, to this person, one that does not exist.
    pub fn unseen(status: tonic::Status) -> Self {
        if status.code() == Code::PermissionDenied {
            ConsoleError::NotFound
        } else {
            ConsoleError::Service(status)
        }
    }

    /// An id from a URL: anything but a UUID is simply not found.
    pub fn check_id(id: &str) -> Result<(), Self> {
        uuid::Uuid::parse_str(id)
            .map(|_| ())
            .map_err(|_| ConsoleError::NotFound)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    heading: &'static str,
    message: String,
}

impl ConsoleError {
    /// The status, heading and message of the error page.
    fn page(&self) -> (StatusCode, &'static str, String) {
        match self {
            ConsoleError::SignInNeeded { .. } => (StatusCode::UNAUTHORIZED, "Cần đăng nhập", String::new()),
            ConsoleError::Forgery => (
                StatusCode::FORBIDDEN,
                "Yêu cầu bị từ chối",
                "Biểu mẫu đã cũ hoặc không do trang này gửi. Vui lòng tải lại trang rồi thử lại.".into(),
            ),
            ConsoleError::NotFound | ConsoleError::Outgoing => not_found(),
            ConsoleError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "Nội dung quá lớn",
                "Nội dung gửi lên vượt quá giới hạn cho phép.".into(),
            ),
            ConsoleError::FormOnly => (
                StatusCode::METHOD_NOT_ALLOWED,
                "Không mở trực tiếp được",
                "Địa chỉ này chỉ nhận biểu mẫu gửi từ trang. Hãy quay lại trang trước hoặc về trang Việc của tôi."
                    .into(),
            ),
            ConsoleError::BadUpload => (
                StatusCode::BAD_REQUEST,
                "Không nhận được tệp",
                "Tệp tải lên bị gián đoạn. Vui lòng thử lại.".into(),
            ),
            ConsoleError::NotConfigured(what) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Chưa có dịch vụ",
                format!("Dịch vụ {what} chưa được cấu hình trên máy chủ này."),
            ),
            ConsoleError::Template(error) => {
                tracing::error!(%error, "console template failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Lỗi hệ thống",
                    "Không hiển thị được trang. Vui lòng thử lại hoặc báo quản trị.".into(),
                )
            }
            ConsoleError::Service(status) => match status.code() {
                Code::NotFound => not_found(),
                Code::PermissionDenied => (StatusCode::FORBIDDEN, "Không có quyền", status.message().to_string()),
                Code::Unavailable | Code::DeadlineExceeded => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Hệ thống đang bận",
                    "Dịch vụ chưa trả lời kịp. Vui lòng thử lại sau ít phút.".into(),
                ),
                Code::ResourceExhausted => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Quá nhiều yêu cầu",
                    status.message().to_string(),
                ),
                Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => (
                    StatusCode::BAD_REQUEST,
                    "Không thực hiện được",
                    status.message().to_string(),
                ),
                Code::AlreadyExists | Code::Aborted => (
                    StatusCode::CONFLICT,
                    "Không thực hiện được",
                    status.message().to_string(),
                ),
                _ => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Lỗi hệ thống",
                    status.message().to_string(),
                ),
            },
        }
    }
}

fn not_found() -> (StatusCode, &'static str, String) {
    (
        StatusCode::NOT_FOUND,
        "Không tìm thấy",
        "Trang hoặc hồ sơ này không tồn tại, hoặc không thuộc phạm vi công việc của bạn.".into(),
    )
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        match &self {
            ConsoleError::SignInNeeded { next } => {
                return Redirect::to(&format!("/sign-in?next={}", crate::format::url_encode(next))).into_response();
            }
            ConsoleError::Service(status) if status.code() == Code::Unauthenticated => {
                let mut response = Redirect::to("/sign-in?m=expired").into_response();
                for cookie in crate::session::cleared_cookies(false) {
                    response.headers_mut().append(http::header::SET_COOKIE, cookie);
                }
                return response;
            }
            _ => {}
        }
        let (status, heading, message) = self.page();
        let page = ErrorPage {
            layout: Layout::bare(heading),
            heading,
            message,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, heading).into_response(),
        }
    }
}
