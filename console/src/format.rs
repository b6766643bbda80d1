//! What people read: Vietnamese names of roles, statuses and levels;
//! dates as dd/mm/yyyy in Vietnam's time.

use chrono::{DateTime, NaiveDate, Utc};

use vanphong_platform::clock::local_zone;

use vanphong_proto::common::v1::SecrecyLevel;
use vanphong_proto::directory::v1::Role;
use vanphong_proto::documents::v1::{Status, Urgency};

pub use vanphong_platform::clock::local_date as today;

/// `YYYY-MM-DD` as `dd/mm/yyyy`; anything else as it is.
pub fn date(iso: &str) -> String {
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(d) => d.format("%d/%m/%Y").to_string(),
        Err(_) => iso.to_string(),
    }
}

/// A timestamp as `dd/mm/yyyy HH:MM`, Vietnam time; empty when absent.
pub fn timestamp(ts: Option<&prost_types::Timestamp>) -> String {
    ts.and_then(|t| DateTime::<Utc>::from_timestamp(t.seconds, 0))
        .map(|t| t.with_timezone(&local_zone()).format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_default()
}

/// The Vietnamese name of a role.
pub fn role(role: i32) -> &'static str {
    match Role::try_from(role).unwrap_or(Role::Unspecified) {
        Role::Clerk => "Văn thư",
        Role::Leader => "Lãnh đạo",
        Role::Specialist => "Chuyên viên",
        Role::PetitionOfficer => "Cán bộ tiếp dân",
        Role::Accountant => "Kế toán",
        Role::Inspector => "Kiểm tra",
        Role::Admin => "Quản trị",
        Role::Unspecified => "",
    }
}

/// Roles joined for display.
pub fn roles(roles: &[i32]) -> String {
    roles
        .iter()
        .map(|r| role(*r))
        .filter(|r| !r.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a document stands, in the words of the office.
pub fn status(status: i32) -> &'static str {
    match Status::try_from(status).unwrap_or(Status::Unspecified) {
        Status::Arrived => "Chờ vào sổ",
        Status::Registered => "Đã vào sổ",
        Status::Submitted => "Chờ chỉ đạo",
        Status::Assigned => "Đã giao xử lý",
        Status::InProgress => "Đang xử lý",
        Status::Done => "Hoàn thành",
        Status::Filed => "Đã lập hồ sơ",
        Status::Refused => "Đã từ chối",
        Status::Recalled => "Đã thu hồi",
        Status::Draft => "Dự thảo",
        Status::InReview => "Chờ duyệt",
        Status::Approved => "Đã duyệt, chờ ký",
        Status::Signed => "Đã ký, chờ cấp số",
        Status::Numbered => "Đã cấp số, chờ phát hành",
        Status::Dispatched => "Đã phát hành",
        Status::Cancelled => "Đã hủy",
        Status::Unspecified => "",
    }
}

/// Độ khẩn.
pub fn urgency(urgency: i32) -> &'static str {
    match Urgency::try_from(urgency).unwrap_or(Urgency::Unspecified) {
        Urgency::Unspecified => "Thường",
        Urgency::Urgent => "Khẩn",
        Urgency::VeryUrgent => "Thượng khẩn",
        Urgency::Flash => "Hỏa tốc",
    }
}

/// Độ mật.
pub fn secrecy(level: i32) -> &'static str {
    match SecrecyLevel::try_from(level).unwrap_or(SecrecyLevel::Unspecified) {
        SecrecyLevel::Unspecified => "Thường",
        SecrecyLevel::Confidential => "Mật",
        SecrecyLevel::Secret => "Tối mật",
        SecrecyLevel::TopSecret => "Tuyệt mật",
    }
}

/// What happened to a document, by its event kind.
pub fn event(kind: &str) -> String {
    match kind {
        "register" => "Vào sổ văn bản đến".into(),
        "submit" => "Trình lãnh đạo".into(),
        "direct" => "Lãnh đạo chỉ đạo, giao xử lý".into(),
        "progress" => "Cập nhật tiến độ".into(),
        "complete" => "Hoàn thành xử lý".into(),
        "file" => "Lập hồ sơ".into(),
        "refuse" => "Từ chối tiếp nhận".into(),
        "arrive" | "arrived" => "Văn bản điện tử đến".into(),
        "attach" => "Đính kèm tệp".into(),
        "signature_invalid" => "Chữ ký số không hợp lệ".into(),
        "recall" | "recall_requested" => "Nơi gửi đề nghị thu hồi".into(),
        "recall_accepted" | "recalled" => "Đồng ý thu hồi".into(),
        "recall_refused" => "Từ chối thu hồi".into(),
        "create" => "Tạo dự thảo".into(),
        "edit" => "Sửa dự thảo".into(),
        "submit_for_review" => "Trình duyệt dự thảo".into(),
        "approve" => "Lãnh đạo duyệt".into(),
        "return" => "Trả lại dự thảo".into(),
        "sign" => "Ký ban hành".into(),
        "number" => "Cấp số".into(),
        "issue" => "Tạo bản phát hành có chữ ký số".into(),
        "issue_failed" => "Chưa tạo được bản phát hành".into(),
        "dispatch" => "Phát hành".into(),
        "cancel" => "Hủy văn bản".into(),
        other => other.to_string(),
    }
}

/// What a recipient did with an outgoing document, by its edXML status
/// code (docs/domain.md §2.5); empty before dispatch.
pub fn recipient_status(code: &str) -> &'static str {
    match code {
        "" => "Chưa gửi",
        "01" => "Đã đến",
        "02" => "Từ chối tiếp nhận",
        "03" => "Đã vào sổ",
        "04" => "Đã giao xử lý",
        "05" => "Đang xử lý",
        "06" => "Hoàn thành",
        "13" => "Đề nghị thu hồi",
        "15" => "Đồng ý thu hồi",
        "16" => "Từ chối thu hồi",
        _ => "Đã gửi",
    }
}

/// What a PDF's digital signatures came to, in a few words: "Chữ ký số
/// hợp lệ: Nguyễn Văn An, Tỉnh ủy Bắc Giang", or why not.
pub fn signature_check(check: &vanphong_proto::documents::v1::SignatureCheck) -> String {
    use vanphong_proto::documents::v1::SignatureVerdict;
    let signers: Vec<&str> = check.signatures.iter().map(|s| s.signer.as_str()).collect();
    match check.verdict() {
        SignatureVerdict::Valid => format!("Chữ ký số hợp lệ: {}", signers.join(", ")),
        SignatureVerdict::Invalid => format!("Chữ ký số không hợp lệ: {}", check.reason),
        SignatureVerdict::Unsigned => "Không có chữ ký số".into(),
        SignatureVerdict::Unspecified => String::new(),
    }
}

/// A file size in words.
pub fn size(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)).replace('.', ","),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} byte"),
    }
}

/// The `Content-Disposition` of a download named `name` (any letters,
/// RFC 5987), with `fallback` for clients that read only ASCII names.
pub fn attachment(fallback: &str, name: &str) -> Option<http::HeaderValue> {
    let ascii: String = fallback
        .chars()
        .filter(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';'))
        .collect();
    let encoded = url_encode(name).replace('+', "%20");
    http::HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")).ok()
}

/// The `Content-Disposition` of a file the browser shows itself (a PDF, an
/// image), keeping its name for when the person saves it from there.
pub fn inline(name: &str) -> Option<http::HeaderValue> {
    let encoded = url_encode(name).replace('+', "%20");
    http::HeaderValue::from_str(&format!("inline; filename*=UTF-8''{encoded}")).ok()
}

/// A whole number with dots between thousands: `1.234.567`.
pub fn number(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if value < 0 { format!("-{out}") } else { out }
}

/// An amount of đồng as people write it: `48.000.000 đ`.
pub fn money(value: i64) -> String {
    format!("{} đ", number(value))
}

/// The start of a long text, at most `length` characters and an ellipsis,
/// for a list's row.
pub fn excerpt(text: &str, length: usize) -> String {
    if text.chars().count() <= length {
        text.to_string()
    } else {
        text.chars().take(length).chain(std::iter::once('…')).collect()
    }
}

/// Percent-encodes a query value.
pub fn url_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_day_first_in_vietnam_time() {
        assert_eq!(date("2026-03-02"), "02/03/2026");
        assert_eq!(date(""), "");
        // 20:30 UTC on 1 March is 03:30 on 2 March in Hà Nội.
        let ts = prost_types::Timestamp {
            seconds: 1_772_397_000,
            nanos: 0,
        };
        assert_eq!(timestamp(Some(&ts)), "02/03/2026 03:30");
        assert_eq!(timestamp(None), "");
    }

    #[test]
    fn labels_are_vietnamese() {
        assert_eq!(role(Role::Clerk as i32), "Văn thư");
        assert_eq!(status(Status::Submitted as i32), "Chờ chỉ đạo");
        assert_eq!(size(5 * 1024 * 1024 + 512 * 1024), "5,5 MB");
        assert_eq!(money(48_000_000), "48.000.000 đ");
        assert_eq!(number(-1_234), "-1.234");
        assert_eq!(number(999), "999");
    }
}
