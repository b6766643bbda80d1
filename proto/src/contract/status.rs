//! `INVALID_ARGUMENT` with `google.rpc.BadRequest` details, bounded.
//!
//! Details travel in a trailer (`grpc-status-details-bin`), and HTTP/2
//! peers refuse header blocks past a few KiB (hyper's default list limit is
//! 16 KiB): an unbounded list of violations turned a bad request into a
//! broken connection (`GoAway(COMPRESSION_ERROR)`, seen as 503). So the
//! status carries at most [`MAX_DETAILED`] violations within a byte budget,
//! then one closing `MORE_VIOLATIONS` entry with the total, and a message
//! naming the first few.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// Most violations detailed in one status.
pub const MAX_DETAILED: usize = 20;
/// Bytes of field names and descriptions the details may hold.
const DETAILS_BUDGET: usize = 3072;
/// Longest field name and description kept, in characters.
const MAX_FIELD: usize = 120;
const MAX_DESCRIPTION: usize = 200;
/// Violations named in the message, and its longest length in characters.
const IN_MESSAGE: usize = 5;
const MAX_MESSAGE: usize = 1000;

/// One bad field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The request field by its proto path: `subject`,
    /// `recipients[3].name`; empty for the request as a whole.
    pub field: String,
    /// Machine-readable reason, e.g. `REQUIRED`, `TOO_LONG`.
    pub reason: &'static str,
    /// What is wrong, for people (Vietnamese).
    pub description: String,
}

/// The status for a bad request: `violations` are the first ones found
/// (possibly more than are sent), `total` how many there were in all.
pub fn invalid_argument(violations: &[Violation], total: usize) -> Status {
    let total = total.max(violations.len());
    let mut details = Vec::new();
    let mut used = 0;
    for v in violations.iter().take(MAX_DETAILED) {
        let field = clip(&v.field, MAX_FIELD);
        let description = clip(&v.description, MAX_DESCRIPTION);
        let size = field.len() + description.len() + v.reason.len();
        if !details.is_empty() && used + size > DETAILS_BUDGET {
            break;
        }
        used += size;
        let mut wire = tonic_types::FieldViolation::new(field, description);
        wire.reason = v.reason.to_string();
        details.push(wire);
    }
    let omitted = total - details.len();
    if omitted > 0 {
        let mut wire = tonic_types::FieldViolation::new(
            "",
            format!("Còn {omitted} lỗi khác không liệt kê (tổng cộng {total} lỗi); hãy sửa các lỗi trên rồi gửi lại"),
        );
        wire.reason = "MORE_VIOLATIONS".into();
        details.push(wire);
    }
    Status::with_error_details(
        Code::InvalidArgument,
        message(violations, total),
        ErrorDetails::with_bad_request(details),
    )
}

/// The status message: the first few violations, and how many more.
pub fn message(violations: &[Violation], total: usize) -> String {
    let total = total.max(violations.len());
    let parts: Vec<String> = violations
        .iter()
        .take(IN_MESSAGE)
        .map(|v| {
            let description = clip(&v.description, MAX_DESCRIPTION);
            if v.field.is_empty() {
                description.to_string()
            } else {
                format!("{}: {description}", clip(&v.field, MAX_FIELD))
            }
        })
        .collect();
    let mut text = format!("Dữ liệu không hợp lệ — {}", parts.join("; "));
    if total > parts.len() {
        text.push_str(&format!(" (và {} lỗi khác)", total - parts.len()));
    }
    clip(&text, MAX_MESSAGE).to_string()
}

/// At most `max` characters of `text`, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((end, _)) if text[end..].chars().count() > 1 => format!("{}…", &text[..end]).into(),
        _ => text.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn many(n: usize) -> Vec<Violation> {
        (0..n)
            .map(|i| Violation {
                field: format!("lines[{i}].note"),
                reason: "TOO_LONG",
                description: "Đ".repeat(1000),
            })
            .collect()
    }

    #[test]
    fn details_and_message_stay_small_however_many_violations() {
        let status = invalid_argument(&many(5000), 5000);
        let bad = status.get_error_details().bad_request().cloned().expect("details");
        assert!(bad.field_violations.len() <= MAX_DETAILED + 1);
        assert_eq!(bad.field_violations[0].field, "lines[0].note");
        let last = bad.field_violations.last().expect("summary");
        assert_eq!(last.reason, "MORE_VIOLATIONS");
        assert!(last.description.contains("5000"));
        assert!(status.details().len() < 6 * 1024, "{}", status.details().len());
        assert!(status.message().chars().count() <= MAX_MESSAGE);
        assert!(status.message().contains("lines[0].note"));
    }

    #[test]
    fn few_violations_are_all_sent_whole() {
        let v = vec![Violation {
            field: "name".into(),
            reason: "REQUIRED",
            description: "Không được để trống".into(),
        }];
        let status = invalid_argument(&v, 1);
        let bad = status.get_error_details().bad_request().cloned().expect("details");
        assert_eq!(bad.field_violations.len(), 1);
        assert_eq!(status.message(), "Dữ liệu không hợp lệ — name: Không được để trống");
    }

    #[test]
    fn clipping_keeps_characters_whole() {
        assert_eq!(clip("ĐĐĐĐ", 4), "ĐĐĐĐ");
        assert_eq!(clip("ĐĐĐĐĐ", 4), "ĐĐĐ…");
    }
}
