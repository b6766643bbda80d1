//! How a Party report is laid out on paper (Hướng dẫn 36-HD/VPTW; docs/domain.md
//! §5): "ĐẢNG CỘNG SẢN VIỆT NAM"; the issuing committee in capitals with an
//! asterisk below; "Số 12-BC/HU"; the place and date line; the title
//! "BÁO CÁO" with the subject; the body; "Nơi nhận"; the signature block
//! ("T/M BAN THƯỜNG VỤ", position, name).

use chrono::{Datelike, NaiveDate};

pub const PARTY_HEADER: &str = "ĐẢNG CỘNG SẢN VIỆT NAM";
pub const KIND_TITLE: &str = "BÁO CÁO";

/// "Hiệp Hòa, ngày 14 tháng 10 năm 2026"; days below 10 and months below 3
/// take a leading zero, as the rules for dates of documents ask.
pub fn date_line(place: &str, date: NaiveDate) -> String {
    let day = format!("{:02}", date.day());
    let month = if date.month() < 3 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    format!("{place}, ngày {day} tháng {month} năm {}", date.year())
}

/// "Số 12-BC/HU" once numbered; before that a blank for the number.
pub fn number_line(number_symbol: &str, issuer_code: &str) -> String {
    if number_symbol.is_empty() {
        format!("Số      -BC/{issuer_code}")
    } else {
        format!("Số {number_symbol}")
    }
}

/// The issuing committee as printed: the office's name in capitals.
pub fn committee_line(office_name: &str) -> String {
    office_name.trim().to_uppercase()
}

/// The first line of the signature block, e.g. "T/M BAN THƯỜNG VỤ".
pub fn signing_line(prefix: &str, body: &str) -> String {
    format!("{prefix} {}", body.trim().to_uppercase()).trim().to_string()
}

/// Who a report goes to ("Nơi nhận"): the parent office, the members of
/// the standing committee and the office's own file copy.
pub fn recipient_names(parent_name: Option<&str>) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(parent) = parent_name.filter(|p| !p.is_empty()) {
        names.push(format!("{parent} (để báo cáo)"));
    }
    names.push("Các đồng chí Ủy viên Ban Thường vụ".to_string());
    names.push("Lưu Văn phòng".to_string());
    names
}

/// "Nơi nhận" as printed: one dash a line, a comma after each but the
/// last, which ends the list with a full stop.
pub fn recipients(parent_name: Option<&str>) -> Vec<String> {
    let names = recipient_names(parent_name);
    let last = names.len().saturating_sub(1);
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| format!("- {name}{}", if i == last { "." } else { "," }))
        .collect()
}

/// The subject under "BÁO CÁO": the title starting in lower case, as the
/// heading reads "BÁO CÁO / tình hình công tác …".
pub fn subject_line(title: &str) -> String {
    let mut chars = title.trim().chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_lines_follow_the_rules_for_zeros() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(
            date_line("Hiệp Hòa", d("2026-10-14")),
            "Hiệp Hòa, ngày 14 tháng 10 năm 2026"
        );
        assert_eq!(
            date_line("Hiệp Hòa", d("2026-02-05")),
            "Hiệp Hòa, ngày 05 tháng 02 năm 2026"
        );
        assert_eq!(
            date_line("Hiệp Hòa", d("2026-03-16")),
            "Hiệp Hòa, ngày 16 tháng 3 năm 2026"
        );
    }

    #[test]
    fn header_lines() {
        assert_eq!(number_line("12-BC/HU", "HU"), "Số 12-BC/HU");
        assert_eq!(number_line("", "HU"), "Số      -BC/HU");
        assert_eq!(committee_line("Huyện ủy Hiệp Hòa"), "HUYỆN ỦY HIỆP HÒA");
        assert_eq!(signing_line("T/M", "Ban Thường vụ"), "T/M BAN THƯỜNG VỤ");
        assert_eq!(subject_line("Tình hình công tác tháng 3"), "tình hình công tác tháng 3");
    }
}
