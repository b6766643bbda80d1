//! Reading what a form posted: the fields in order, repeated names kept
//! (a multiple select sends one pair per choice), and what a service said
//! was wrong with them, shown next to each field. Dates are typed
//! `dd/mm/yyyy` and sent to the services as `YYYY-MM-DD`.

use askama::Template;
use axum::extract::{FromRequest, Request};
use axum::response::{Html, IntoResponse, Response};
use tonic_types::StatusExt;

use super::{Ctx, Me, input};
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

    /// The first value of a date field, typed `dd/mm/yyyy`, as the API
    /// writes dates (`YYYY-MM-DD`; empty stays empty), or the refusal to
    /// show beside the field.
    pub fn date(&self, field: &str) -> Result<String, Refusal> {
        input::date(&self.get(field)).map_err(|m| Refusal::field(field, m))
    }

    /// The form with its date fields `fields` as the API writes dates, for
    /// the request (the form as typed is what is shown again); or the
    /// refusal naming every field that is not a date.
    pub fn with_dates(&self, fields: &[&str]) -> Result<FormData, Refusal> {
        let mut bad = Vec::new();
        let pairs = self
            .0
            .iter()
            .map(|(k, v)| {
                if !fields.contains(&k.as_str()) {
                    return (k.clone(), v.clone());
                }
                match input::date(v) {
                    Ok(iso) => (k.clone(), iso),
                    Err(message) => {
                        bad.push((k.clone(), message.to_string()));
                        (k.clone(), v.clone())
                    }
                }
            })
            .collect();
        if bad.is_empty() {
            Ok(FormData(pairs))
        } else {
            Err(Refusal::marked(bad))
        }
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
    /// The record a creation would have duplicated: its type and id, as
    /// the service names it, so the page links to it.
    pub existing: Option<(String, String)>,
}

impl Refusal {
    /// The message above a form the console refused before calling.
    pub const FIX_MARKED: &str = "Vui lòng sửa các ô được đánh dấu.";

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
        let existing = status
            .get_details_resource_info()
            .map(|r| (r.resource_type, r.resource_name));
        Refusal {
            message: status.message().to_string(),
            fields,
            existing,
        }
    }

    /// The console's page of the record a creation would have duplicated,
    /// when it has one.
    pub fn existing_href(&self) -> Option<String> {
        let (kind, id) = self.existing.as_ref()?;
        uuid::Uuid::parse_str(id).ok()?;
        let base = match kind.as_str() {
            "document" => "/documents",
            "report" => "/reports",
            "estimate" => "/finance/estimates",
            _ => return None,
        };
        Some(format!("{base}/{id}"))
    }

    /// A refusal the console itself finds before calling (a number that
    /// is not one).
    pub fn field(field: &str, message: &str) -> Self {
        Refusal::marked(vec![(field.into(), message.into())])
    }

    /// Several fields the console itself found wrong, each with what to fix.
    pub fn marked(fields: Vec<(String, String)>) -> Self {
        Refusal {
            message: Refusal::FIX_MARKED.into(),
            fields,
            existing: None,
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

    /// What was said about `field` and its items (`roles[1]`,
    /// `roles.roles`, `petitioners[0].full_name`).
    pub fn about_all(&self, field: &str) -> String {
        self.fields
            .iter()
            .filter(|(f, _)| {
                f.strip_prefix(field)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['[', '.']))
            })
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

/// A page of several forms after the service refused one of them: which
/// one, what was typed in it and what was said, shown in that form alone.
pub struct Refused {
    /// The refused form's name (the page's own), empty when none was.
    form: String,
    filled: Filled,
}

impl Refused {
    /// A page shown for the first time.
    pub fn none() -> Self {
        Refused {
            form: String::new(),
            filled: Filled::empty(),
        }
    }

    pub fn new(form: &str, refusal: Refusal, kept: FormData) -> Self {
        Refused {
            form: form.to_string(),
            filled: Filled::new(Some(refusal), kept),
        }
    }

    /// Whether `form` is the one refused.
    pub fn is(&self, form: &str) -> bool {
        !self.form.is_empty() && self.form == form
    }

    /// The service's message, above the forms.
    pub fn message(&self) -> Option<&str> {
        self.filled.refusal.as_ref().map(|r| r.message.as_str())
    }

    /// What was typed in `field` of `form`, when it was the one refused.
    pub fn kept(&self, form: &str, field: &str) -> String {
        if self.is(form) {
            self.filled.kept(field)
        } else {
            String::new()
        }
    }

    /// Every value of `field` of `form` (boxes ticked, a multiple select).
    pub fn kept_all(&self, form: &str, field: &str) -> Vec<String> {
        if self.is(form) {
            self.filled.kept.all(field)
        } else {
            Vec::new()
        }
    }

    /// What was said about `field` of `form`, or any of its items.
    pub fn error(&self, form: &str, field: &str) -> String {
        match &self.filled.refusal {
            Some(refusal) if self.is(form) => refusal.about_all(field),
            _ => String::new(),
        }
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

/// The end of every form a service refused: the page built again by
/// `page` with the service's refusal (its words beside the fields, what
/// was typed kept, as `page` shows them), under the status
/// [`shown_status`] gives; a refusal that is not the form's to show goes
/// to the error page.
pub async fn shown_again<T: Template>(
    ctx: &Ctx,
    status: tonic::Status,
    page: impl AsyncFnOnce(&Me, Refusal) -> Result<T, ConsoleError>,
) -> Result<Response, ConsoleError> {
    shown_again_as(ctx, status, Refusal::of, page).await
}

/// [`shown_again`] with the refusal told in the page's own way (renamed
/// fields, a sentence before the service's words).
pub async fn shown_again_as<T: Template>(
    ctx: &Ctx,
    status: tonic::Status,
    refusal: impl FnOnce(&tonic::Status) -> Refusal,
    page: impl AsyncFnOnce(&Me, Refusal) -> Result<T, ConsoleError>,
) -> Result<Response, ConsoleError> {
    if shown_status(&status).is_none() {
        return Err(ConsoleError::unseen(status));
    }
    let me = ctx.me().await?;
    shown_again_to(&me, status, refusal, page).await
}

/// [`shown_again_as`] for a page whose person is already known.
pub async fn shown_again_to<T: Template>(
    me: &Me,
    status: tonic::Status,
    refusal: impl FnOnce(&tonic::Status) -> Refusal,
    page: impl AsyncFnOnce(&Me, Refusal) -> Result<T, ConsoleError>,
) -> Result<Response, ConsoleError> {
    let Some(code) = shown_status(&status) else {
        return Err(ConsoleError::unseen(status));
    };
    let page = page(me, refusal(&status)).await?;
    Ok((code, Html(page.render()?)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_dates_become_the_apis_and_bad_ones_are_named() {
        let form = FormData(vec![
            ("deadline".into(), "20/03/2026".into()),
            ("note".into(), "20/03/2026".into()),
            ("due_on".into(), String::new()),
        ]);
        let sent = form
            .with_dates(&["deadline", "due_on"])
            .ok()
            .map(|f| (f.get("deadline"), f.get("note"), f.get("due_on")));
        assert_eq!(sent, Some(("2026-03-20".into(), "20/03/2026".into(), String::new())));
        let form = FormData(vec![
            ("deadline".into(), "31/02/2026".into()),
            ("to".into(), "hôm qua".into()),
        ]);
        let refusal = form.with_dates(&["deadline", "to"]).err().map(|r| r.fields.len());
        assert_eq!(refusal, Some(2));
        assert_eq!(
            form.date("deadline").err().map(|r| r.about("deadline")),
            Some(input::BAD_DATE.to_string())
        );
    }
}
