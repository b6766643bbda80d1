//! The choices forms offer (selects, lists of checkboxes): document types
//! from the catalogue, urgency and secrecy levels in Vietnamese, and any
//! list of values with labels, the current ones selected.

use vanphong_proto::common::v1::SecrecyLevel;
use vanphong_proto::documents::v1::{ListDocumentTypesRequest, Urgency};

use super::Ctx;
use crate::errors::ConsoleError;
use crate::format;

/// A choice of a select, or a checkbox of a list.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Choices of `(value, label)`, those in `current` selected.
pub fn of(options: Vec<(String, String)>, current: &[String]) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            selected: current.contains(&value),
            value,
            label,
        })
        .collect()
}

/// The catalogue's document types, "Công văn (CV)".
pub async fn document_types(ctx: &Ctx, current: &str) -> Result<Vec<Choice>, ConsoleError> {
    let types = ctx
        .services()
        .catalog()?
        .list_document_types(ctx.call(ListDocumentTypesRequest::default()))
        .await?
        .into_inner()
        .types;
    Ok(of(
        types
            .iter()
            .map(|t| (t.code.clone(), format!("{} ({})", t.name, t.code)))
            .collect(),
        &[current.to_string()],
    ))
}

/// Độ khẩn, by the enum's number.
pub fn urgencies(current: &str) -> Vec<Choice> {
    let options = [
        Urgency::Unspecified,
        Urgency::Urgent,
        Urgency::VeryUrgent,
        Urgency::Flash,
    ]
    .iter()
    .map(|u| ((*u as i32).to_string(), format::urgency(*u as i32).to_string()))
    .collect();
    of(options, &[current.to_string()])
}

/// Độ mật, by the enum's number.
pub fn secrecies(current: &str) -> Vec<Choice> {
    let options = [
        SecrecyLevel::Unspecified,
        SecrecyLevel::Confidential,
        SecrecyLevel::Secret,
        SecrecyLevel::TopSecret,
    ]
    .iter()
    .map(|s| ((*s as i32).to_string(), format::secrecy(*s as i32).to_string()))
    .collect();
    of(options, &[current.to_string()])
}
