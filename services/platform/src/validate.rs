//! Input validation at the edge of every RPC.
//!
//! A [`Checker`] collects every problem of a request before anything is
//! done, so the caller learns all of them at once, each named by its field.
//! Its methods return a usable placeholder on failure; [`Checker::finish`]
//! must be called before any value is used.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::error::{Error, FieldViolation};

/// Collects field violations of one request.
#[derive(Debug, Default)]
pub struct Checker {
    violations: Vec<FieldViolation>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with a field.
    pub fn violation(&mut self, field: &str, reason: &'static str, description: impl Into<String>) {
        self.violations.push(FieldViolation {
            field: field.to_string(),
            reason,
            description: description.into(),
        });
    }

    /// Whether nothing has been found wrong so far.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }

    /// Non-blank text without control characters, trimmed, at most `max`
    /// characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.violation(field, "REQUIRED", "Không được để trống");
            return String::new();
        }
        self.check_text(field, trimmed, max);
        trimmed.to_string()
    }

    /// Like [`Checker::text`], but empty means absent.
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return None;
        }
        self.check_text(field, trimmed, max);
        Some(trimmed.to_string())
    }

    fn check_text(&mut self, field: &str, value: &str, max: usize) {
        let chars = value.chars().count();
        if chars > max {
            self.violation(field, "TOO_LONG", format!("Dài quá {max} ký tự ({chars} ký tự)"));
        }
        if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.violation(field, "INVALID_CHARACTERS", "Chứa ký tự điều khiển không được phép");
        }
    }

    /// A number of a yearly series as written, "14/2026" (số đơn, số đến),
    /// or absent when empty.
    pub fn optional_number_of_year(&mut self, field: &str, value: &str) -> Option<(i64, i32)> {
        self.optional_parsed(
            field,
            value.trim(),
            parse_number_of_year,
            "Số phải viết dạng số/năm, ví dụ 14/2026",
        )
    }

    /// What `parse` reads from `value`, none when it is empty; a value it
    /// cannot read is `INVALID_FORMAT`, said as `description`.
    fn optional_parsed<T>(
        &mut self,
        field: &str,
        value: &str,
        parse: impl FnOnce(&str) -> Option<T>,
        description: &str,
    ) -> Option<T> {
        if value.is_empty() {
            return None;
        }
        let parsed = parse(value);
        if parsed.is_none() {
            self.violation(field, "INVALID_FORMAT", description);
        }
        parsed
    }

    /// The office a request names in `field`, or the caller's own when it
    /// is empty: how every request scoped to one office picks it.
    pub fn office_or_own(&mut self, field: &str, value: &str, caller: &crate::identity::Caller) -> Uuid {
        self.optional_id(field, value).unwrap_or(caller.office_id)
    }

    /// A required id (UUID).
    pub fn id(&mut self, field: &str, value: &str) -> Uuid {
        if value.trim().is_empty() {
            self.violation(field, "REQUIRED", "Không được để trống");
            return Uuid::nil();
        }
        self.parse_id(field, value)
    }

    /// The one field of a request that names a record by id, checked on
    /// its own: `Ok` with the id, or INVALID_ARGUMENT naming `field`.
    pub fn only_id(field: &str, value: &str) -> Result<Uuid, Error> {
        let mut c = Checker::new();
        let id = c.id(field, value);
        c.finish()?;
        Ok(id)
    }

    /// A step on one record that must say why or what (a note, a reason):
    /// the record's id and the required text, checked together (every bad
    /// field at once), or INVALID_ARGUMENT naming them.
    pub fn id_and_text(
        (id_field, id): (&str, &str),
        (text_field, text): (&str, &str),
        max: usize,
    ) -> Result<(Uuid, String), Error> {
        let mut c = Checker::new();
        let id = c.id(id_field, id);
        let text = c.text(text_field, text, max);
        c.finish()?;
        Ok((id, text))
    }

    /// The records picked for one bulk step (`petition_ids` …): at least
    /// one, at most `max`, each an id (named `field[i]`) picked once; `what`
    /// names one in the messages ("đơn", "văn bản").
    pub fn picked_ids(&mut self, field: &str, values: &[String], max: usize, what: &str) -> Vec<Uuid> {
        if values.is_empty() {
            self.violation(field, "REQUIRED", format!("Chọn ít nhất một {what}"));
        }
        if values.len() > max {
            self.violation(field, "TOO_MANY", format!("Tối đa {max} {what} mỗi lần"));
            return Vec::new();
        }
        let mut seen = std::collections::HashSet::with_capacity(values.len());
        let mut ids = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            let item = format!("{field}[{i}]");
            let id = self.id(&item, value);
            if !id.is_nil() && !seen.insert(id) {
                self.violation(&item, "DUPLICATE", format!("Một {what} được chọn hai lần"));
            }
            ids.push(id);
        }
        ids
    }

    /// An id that may be left empty.
    pub fn optional_id(&mut self, field: &str, value: &str) -> Option<Uuid> {
        if value.trim().is_empty() {
            None
        } else {
            Some(self.parse_id(field, value))
        }
    }

    fn parse_id(&mut self, field: &str, value: &str) -> Uuid {
        match Uuid::parse_str(value.trim()) {
            Ok(id) if !id.is_nil() => id,
            _ => {
                self.violation(field, "INVALID_ID", "Không phải mã định danh hợp lệ (UUID)");
                Uuid::nil()
            }
        }
    }

    /// A required calendar date written `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, value: &str) -> NaiveDate {
        if value.trim().is_empty() {
            self.violation(field, "REQUIRED", "Không được để trống");
            return NaiveDate::MIN;
        }
        self.parse_date(field, value)
    }

    /// A date that defaults when left empty.
    pub fn date_or(&mut self, field: &str, value: &str, default: NaiveDate) -> NaiveDate {
        if value.trim().is_empty() {
            default
        } else {
            self.parse_date(field, value)
        }
    }

    /// A period given by the required fields `from` and `to`, both days
    /// included; `to` before `from` is refused.
    pub fn date_range(&mut self, from: &str, to: &str) -> (NaiveDate, NaiveDate) {
        let (from, to) = (self.date("from", from), self.date("to", to));
        if from != NaiveDate::MIN && to != NaiveDate::MIN {
            self.dates_in_order(from, to);
        }
        (from, to)
    }

    /// A filter's optional bounds `from` and `to` (empty: unbounded on
    /// that side); `to` before `from` is refused.
    pub fn optional_date_range(&mut self, from: &str, to: &str) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let from = (!from.is_empty()).then(|| self.date("from", from));
        let to = (!to.is_empty()).then(|| self.date("to", to));
        if let (Some(from), Some(to)) = (from, to) {
            self.dates_in_order(from, to);
        }
        (from, to)
    }

    /// Refuses a period whose end (field `to`) is before its start.
    pub fn dates_in_order(&mut self, from: NaiveDate, to: NaiveDate) {
        if to < from {
            self.violation("to", "BEFORE_FROM", "Ngày kết thúc không được trước ngày bắt đầu");
        }
    }

    /// `YYYY-MM-DD` exactly, as the contract's `date` format has it
    /// (chrono alone would take "2026-1-1").
    fn parse_date(&mut self, field: &str, value: &str) -> NaiveDate {
        let value = value.trim();
        let parsed = vanphong_proto::contract::format::is_date(value)
            .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
            .flatten();
        match parsed {
            Some(d) if (1900..=2200).contains(&chrono::Datelike::year(&d)) => d,
            Some(_) => {
                self.violation(field, "OUT_OF_RANGE", "Năm phải trong khoảng 1900–2200");
                NaiveDate::MIN
            }
            None => {
                self.violation(field, "INVALID_DATE", "Ngày phải có dạng YYYY-MM-DD và có thật");
                NaiveDate::MIN
            }
        }
    }

    /// The client's idempotency key: empty means none; otherwise 1–128
    /// printable ASCII characters.
    pub fn request_id(&mut self, value: &str) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        if value.len() > 128 || !value.chars().all(|c| c.is_ascii_graphic()) {
            self.violation(
                "request_id",
                "INVALID_FORMAT",
                "Khóa chống trùng phải gồm 1–128 ký tự ASCII in được, không có khoảng trắng",
            );
        }
        Some(value.to_string())
    }

    /// A page size: 0 means `default`; otherwise 1..=`max`.
    pub fn page_size(&mut self, field: &str, value: i32, default: u32, max: u32) -> u32 {
        match value {
            0 => default,
            v if v < 0 => {
                self.violation(field, "OUT_OF_RANGE", "Không được âm");
                default
            }
            v if v as u32 > max => {
                self.violation(field, "OUT_OF_RANGE", format!("Tối đa {max}"));
                default
            }
            v => v as u32,
        }
    }

    /// A page token that is a record's sequence number (the page starts
    /// after it): none when empty.
    pub fn page_after_seq(&mut self, field: &str, value: &str) -> Option<i64> {
        self.page_token(field, value, |token| token.parse::<i64>().ok().filter(|seq| *seq > 0))
    }

    /// Where the previous page ended, read from its page token by `decode`
    /// (`None` for a token it did not issue, which is refused); none when
    /// empty (the first page).
    pub fn page_token<C>(&mut self, field: &str, value: &str, decode: impl FnOnce(&str) -> Option<C>) -> Option<C> {
        self.optional_parsed(field, value, decode, "Mã trang không hợp lệ")
    }

    /// A proto enum value that must be known and not `UNSPECIFIED`;
    /// `fallback` stands in when it is not.
    pub fn known_enum<T>(&mut self, field: &str, value: i32, parse: impl Fn(i32) -> Option<T>, fallback: T) -> T {
        if value == 0 {
            self.violation(field, "REQUIRED", "Phải chọn một giá trị");
            return fallback;
        }
        match parse(value) {
            Some(v) => v,
            None => {
                self.violation(field, "UNKNOWN_VALUE", format!("Giá trị {value} không được hỗ trợ"));
                fallback
            }
        }
    }

    /// A required value of a domain vocabulary mapped to its wire enum
    /// ([`crate::wire_enum`]): unspecified and unknown numbers are
    /// violations (as [`Checker::known_enum`]), `fallback` stands in.
    pub fn wire<T: crate::coded::Wire>(&mut self, field: &str, value: i32, fallback: T) -> T {
        self.known_enum(field, value, |v| T::from_wire(v).ok(), fallback)
    }

    /// The order a list is asked for (field `sort`), as its wire enum; an
    /// unknown number is a violation, and the list's own order (the enum's
    /// unspecified value) stands in.
    pub fn sort<W: TryFrom<i32> + Default>(&mut self, value: i32) -> W {
        W::try_from(value).unwrap_or_else(|_| {
            self.violation("sort", "UNKNOWN_VALUE", "Cách sắp xếp không hợp lệ");
            W::default()
        })
    }

    /// An optional value of a domain vocabulary (0: none); an unknown
    /// number is a violation described by `description`, and none.
    pub fn optional_wire<T: crate::coded::Wire>(&mut self, field: &str, value: i32, description: &str) -> Option<T> {
        if value == 0 {
            return None;
        }
        let known = T::from_wire(value).ok();
        if known.is_none() {
            self.violation(field, "UNKNOWN_VALUE", description);
        }
        known
    }

    /// The values of a repeated field of a domain vocabulary; each unknown
    /// number is a violation named by its place (`states[2]`) and left out.
    pub fn wire_list<T: crate::coded::Wire>(&mut self, field: &str, values: &[i32], description: &str) -> Vec<T> {
        let mut known = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            match T::from_wire(*value) {
                Ok(v) => known.push(v),
                Err(_) => self.violation(&format!("{field}[{i}]"), "UNKNOWN_VALUE", description),
            }
        }
        known
    }

    /// Ends validation: an error listing every violation, or `Ok`.
    pub fn finish(self) -> Result<(), Error> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidArgument(self.violations))
        }
    }
}

/// The last day a deadline counts as due soon for "my work" counts:
/// `due_within_days` days after `today` (0 means
/// [`DUE_SOON_DAYS`](crate::my_work::DUE_SOON_DAYS); at most 30), or
/// INVALID_ARGUMENT naming `due_within_days`.
pub fn due_soon_until(due_within_days: i32, today: NaiveDate) -> Result<NaiveDate, Error> {
    let mut c = Checker::new();
    let days = c.page_size("due_within_days", due_within_days, crate::my_work::DUE_SOON_DAYS, 30);
    c.finish()?;
    Ok(today + chrono::Days::new(u64::from(days)))
}

/// "14/2026" as (14, 2026); `None` unless it is a positive number, a slash
/// and a four-digit year (spaces around the slash allowed).
pub fn parse_number_of_year(value: &str) -> Option<(i64, i32)> {
    let (number, year) = value.split_once('/')?;
    let (number, year) = (number.trim(), year.trim());
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(number) || !digits(year) || year.len() != 4 || number.len() > 12 {
        return None;
    }
    let number: i64 = number.parse().ok()?;
    (number > 0).then_some((number, year.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_ending_before_it_starts_is_refused_on_to() {
        let mut c = Checker::new();
        let (from, to) = c.optional_date_range("2026-03-01", "");
        assert_eq!((from.map(|d| d.to_string()), to), (Some("2026-03-01".into()), None));
        assert!(c.is_clean());
        c.date_range("2026-03-01", "2026-02-28");
        let Err(Error::InvalidArgument(v)) = c.finish() else {
            panic!("expected invalid argument")
        };
        let fields: Vec<(&str, &str)> = v.iter().map(|v| (v.field.as_str(), v.reason)).collect();
        assert_eq!(fields, vec![("to", "BEFORE_FROM")]);
    }

    #[test]
    fn picked_ids_are_one_to_max_each_once() {
        let id = Uuid::now_v7().to_string();
        let mut c = Checker::new();
        assert!(c.picked_ids("petition_ids", &[], 3, "đơn").is_empty());
        let picked = c.picked_ids("document_ids", &[id.clone(), "x".into(), id.clone()], 3, "văn bản");
        assert_eq!(picked.len(), 3);
        c.picked_ids("report_ids", &vec![id; 4], 3, "báo cáo");
        let fields: Vec<(String, &str)> = c.violations.iter().map(|v| (v.field.clone(), v.reason)).collect();
        assert_eq!(
            fields,
            vec![
                ("petition_ids".to_string(), "REQUIRED"),
                ("document_ids[1]".to_string(), "INVALID_ID"),
                ("document_ids[2]".to_string(), "DUPLICATE"),
                ("report_ids".to_string(), "TOO_MANY"),
            ]
        );
    }

    #[test]
    fn collects_every_violation() {
        let mut c = Checker::new();
        let name = c.text("name", "   ", 10);
        let code = c.text("code", "abcdefghijkl", 10);
        let id = c.id("office_id", "not-a-uuid");
        let date = c.date("as_of", "2025-02-30");
        c.date("from", "2026-1-1");
        assert_eq!(name, "");
        assert_eq!(code, "abcdefghijkl");
        assert!(id.is_nil());
        assert_eq!(date, NaiveDate::MIN);
        let Err(Error::InvalidArgument(v)) = c.finish() else {
            panic!("expected invalid argument")
        };
        let fields: Vec<(&str, &str)> = v.iter().map(|v| (v.field.as_str(), v.reason)).collect();
        assert_eq!(
            fields,
            vec![
                ("name", "REQUIRED"),
                ("code", "TOO_LONG"),
                ("office_id", "INVALID_ID"),
                ("as_of", "INVALID_DATE"),
                ("from", "INVALID_DATE")
            ]
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        let mut c = Checker::new();
        // 10 Vietnamese characters, far more than 10 bytes.
        let v = c.text("name", "Đảng ủy xã", 10);
        assert_eq!(v, "Đảng ủy xã");
        assert!(c.finish().is_ok());
    }

    #[test]
    fn request_id_rules() {
        let mut c = Checker::new();
        assert_eq!(c.request_id(""), None);
        assert_eq!(c.request_id("abc-123").as_deref(), Some("abc-123"));
        assert!(c.is_clean());
        c.request_id("has space");
        assert!(!c.is_clean());
    }

    #[test]
    fn numbers_of_a_year_read_as_written() {
        assert_eq!(super::parse_number_of_year("14/2026"), Some((14, 2026)));
        assert_eq!(super::parse_number_of_year("14 / 2026"), Some((14, 2026)));
        assert_eq!(super::parse_number_of_year("0/2026"), None);
        assert_eq!(super::parse_number_of_year("14/26"), None);
        assert_eq!(super::parse_number_of_year("14-NQ/TU"), None);
        assert_eq!(super::parse_number_of_year("-1/2026"), None);
    }
}
