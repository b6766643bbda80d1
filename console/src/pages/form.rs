//! Reading what a form posted: the fields in order, repeated names kept
//! (a multiple select sends one pair per choice), and what a service said
//! was wrong with them, shown next to each field.

use axum::extract::{FromRequest, Request};
use tonic_types::StatusExt;

use crate::errors::ConsoleError;

/// Largest plain form read.
const MAX_FORM: usize = 256 * 1024;

/// The pairs of an `application/x-www-form-urlencoded` body.
pub struct FormData(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = ConsoleError;

    async fn from_request(request: Request, _: &S) -> Result<Self, ConsoleError> {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_FORM)
            .await
            .map_err(|_| ConsoleError::TooLarge)?;
        Ok(FormData(form_urlencoded::parse(&bytes).into_owned().collect()))
    }
}

impl FormData {
    /// The first value of a field, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }

    /// Every non-empty value of a field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }
}

/// What a service refused in a form: its message, and its words about
/// each field (by the request's field name).
pub struct Refusal {
    pub message: String,
    pub fields: Vec<(String, String)>,
}

impl Refusal {
    pub fn of(status: &tonic::Status) -> Self {
        let fields = status
            .get_details_bad_request()
            .map(|bad| {
                bad.field_violations
                    .into_iter()
                    .map(|v| (v.field, v.description))
                    .collect()
            })
            .unwrap_or_default();
        Refusal {
            message: status.message().to_string(),
            fields,
        }
    }

    /// A refusal the console itself finds before calling (a number that
    /// is not one).
    pub fn field(field: &str, message: &str) -> Self {
        Refusal {
            message: "Vui lòng sửa các ô được đánh dấu.".into(),
            fields: vec![(field.into(), message.into())],
        }
    }

    /// What was said about `field`, if anything.
    pub fn about(&self, field: &str) -> String {
        self.fields
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Whether the service's refusal is one to show on the form (the
    /// person can fix it), rather than an error page.
    pub fn shown_on_form(status: &tonic::Status) -> bool {
        use tonic::Code::*;
        matches!(
            status.code(),
            InvalidArgument | FailedPrecondition | AlreadyExists | OutOfRange | Aborted
        )
    }
}

/// The query of a page reached after a step: `?m=…` names what was done,
/// for the page's notice.
#[derive(serde::Deserialize)]
pub struct Done {
    pub m: Option<String>,
}

/// A form shown again after a refusal: the service's words and what was
/// typed, for the template's `filled.error(..)` and `filled.kept(..)`.
pub struct Filled {
    pub refusal: Option<Refusal>,
    pub kept: FormData,
}

impl Filled {
    pub fn new(refusal: Option<Refusal>, kept: FormData) -> Self {
        Filled { refusal, kept }
    }

    /// A form shown for the first time.
    pub fn empty() -> Self {
        Filled::new(None, FormData(Vec::new()))
    }

    /// What was said about `field`, if anything.
    pub fn error(&self, field: &str) -> String {
        self.refusal.as_ref().map(|r| r.about(field)).unwrap_or_default()
    }

    /// What was typed in `field`.
    pub fn kept(&self, field: &str) -> String {
        self.kept.get(field)
    }
}

/// The HTTP status of a page showing a service's refusal of its form, or
/// none when the refusal is for the error page instead (a step the person
/// may not take is shown on the page, as forbidden).
pub fn shown_status(status: &tonic::Status) -> Option<http::StatusCode> {
    if status.code() == tonic::Code::PermissionDenied {
        Some(http::StatusCode::FORBIDDEN)
    } else if Refusal::shown_on_form(status) {
        Some(http::StatusCode::BAD_REQUEST)
    } else {
        None
    }
}
