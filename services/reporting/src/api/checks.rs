//! Checking request fields shared by several RPCs: periods, sections,
//! paging.

use chrono::NaiveDate;

use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_proto::reporting::v1 as wire;

use crate::domain::period::{Kind, Period, PeriodError, YEARS};
use crate::domain::policy::Policy;
use crate::domain::report::{MAX_SECTION, section_title};

/// Longest ad-hoc period, in days.
const MAX_AD_HOC_DAYS: i64 = 3660;

/// The period fields of a request, as given.
pub struct PeriodFields<'a> {
    pub kind: i32,
    pub year: i32,
    pub number: i32,
    pub from: &'a str,
    pub to: &'a str,
}

/// The [`PeriodFields`] of any request naming a period, whose fields all
/// bear the same names.
macro_rules! period_fields {
    ($req:expr) => {
        $crate::api::checks::PeriodFields {
            kind: $req.kind,
            year: $req.year,
            number: $req.number,
            from: &$req.from,
            to: &$req.to,
        }
    };
}
pub(crate) use period_fields;

/// The office (the caller's own when `office_id` is empty) and the period a
/// question about one office's period names, checked together: every bad
/// field at once, or both.
pub fn office_and_period(
    caller: &Caller,
    office_id: &str,
    fields: &PeriodFields<'_>,
    policy: &Policy,
) -> Result<(Uuid, Period), Error> {
    let mut c = Checker::new();
    let office = c.optional_id("office_id", office_id).unwrap_or(caller.office_id);
    let period = period(&mut c, fields, policy);
    c.finish()?;
    let period = period.ok_or_else(|| Error::invalid("kind", "INVALID", "Kỳ báo cáo không hợp lệ"))?;
    Ok((office, period))
}

/// A period from a request: by year and number, or by dates that must be
/// exactly a period of the kind. `None` when a field is wrong (recorded in
/// the checker).
pub fn period(c: &mut Checker, f: &PeriodFields<'_>, policy: &Policy) -> Option<Period> {
    let Ok(kind) = Kind::from_wire(f.kind) else {
        if f.kind == 0 {
            c.violation("kind", "REQUIRED", "Phải chọn loại kỳ báo cáo");
        } else {
            c.violation("kind", "UNKNOWN_VALUE", format!("Giá trị {} không được hỗ trợ", f.kind));
        }
        return None;
    };
    let by_dates = !f.from.trim().is_empty() || !f.to.trim().is_empty();
    if kind == Kind::AdHoc || by_dates {
        let from = date(c, "from", f.from);
        let to = date(c, "to", f.to);
        let (from, to) = (from?, to?);
        let mut ok = true;
        if kind == Kind::AdHoc {
            if f.year != 0 {
                c.violation(
                    "year",
                    "NOT_FOR_KIND",
                    "Báo cáo đột xuất không có năm kỳ báo cáo; chỉ ghi ngày",
                );
                ok = false;
            }
            if f.number != 0 {
                c.violation(
                    "number",
                    "NOT_FOR_KIND",
                    "Báo cáo đột xuất không có số kỳ; chỉ ghi ngày",
                );
                ok = false;
            }
            if to >= from && (to - from).num_days() > MAX_AD_HOC_DAYS {
                c.violation("to", "PERIOD_TOO_LONG", "Kỳ báo cáo không quá 10 năm");
                ok = false;
            }
        }
        return match Period::spanning(kind, from, to, policy.week_start) {
            Ok(p) => {
                if f.year != 0 && f.year != p.year {
                    c.violation(
                        "year",
                        "NOT_THE_PERIOD",
                        format!("Các ngày đã ghi thuộc kỳ báo cáo năm {}", p.year),
                    );
                    ok = false;
                }
                if f.number != 0 && i64::from(f.number) != i64::from(p.number) {
                    c.violation(
                        "number",
                        "NOT_THE_PERIOD",
                        format!("Các ngày đã ghi là kỳ {} số {}", kind.label(), p.number),
                    );
                    ok = false;
                }
                ok.then_some(p)
            }
            Err(PeriodError::Year) => {
                c.violation("to", "OUT_OF_RANGE", "Năm phải trong khoảng 1990–2199");
                None
            }
            Err(_) if kind == Kind::AdHoc => {
                c.violation("to", "BEFORE_FROM", "Ngày kết thúc không được trước ngày bắt đầu");
                None
            }
            Err(_) => {
                let example = Period::containing(kind, to, policy.week_start)
                    .map(|p| {
                        format!(
                            " (kỳ chứa ngày {} là {} – {})",
                            to.format("%d/%m/%Y"),
                            p.from.format("%d/%m/%Y"),
                            p.to.format("%d/%m/%Y")
                        )
                    })
                    .unwrap_or_default();
                let message = format!("Không khớp loại kỳ: {}{example}", kind.rule());
                c.violation("from", "NOT_A_PERIOD_OF_KIND", message.clone());
                c.violation("to", "NOT_A_PERIOD_OF_KIND", message);
                None
            }
        };
    }
    if !YEARS.contains(&f.year) {
        if f.year == 0 {
            c.violation(
                "year",
                "REQUIRED",
                "Ghi năm của kỳ báo cáo (hoặc ngày bắt đầu và kết thúc)",
            );
        } else {
            c.violation("year", "OUT_OF_RANGE", "Năm phải trong khoảng 1990–2199");
        }
        return None;
    }
    let number = match (kind, f.number) {
        (Kind::NineMonth | Kind::Yearly, 0 | 1) => 1,
        (_, n) if n <= 0 => {
            c.violation("number", "REQUIRED", format!("Ghi số kỳ (1–{})", kind.max_number()));
            return None;
        }
        (_, n) => u32::try_from(n).unwrap_or(u32::MAX),
    };
    match Period::numbered(kind, f.year, number, policy.week_start) {
        Ok(p) => Some(p),
        Err(_) => {
            c.violation(
                "number",
                "OUT_OF_RANGE",
                format!("Năm {} không có kỳ {} số {}", f.year, kind.label(), f.number),
            );
            None
        }
    }
}

/// A required date, checked without depending on other fields.
fn date(c: &mut Checker, field: &str, value: &str) -> Option<NaiveDate> {
    let mut own = Checker::new();
    let d = own.date(field, value);
    if own.is_clean() {
        Some(d)
    } else {
        // Record the same violation in the request's checker.
        c.date(field, value);
        None
    }
}

/// Checked section texts: known codes only, each at most once.
pub fn sections(c: &mut Checker, field: &str, sections: &[wire::SectionInput]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, s) in sections.iter().enumerate() {
        let code = s.code.trim();
        if section_title(code).is_none() {
            c.violation(
                &format!("{field}[{i}].code"),
                "UNKNOWN_SECTION",
                format!(
                    "Mục «{code}» không có trong báo cáo; các mục: {}",
                    crate::domain::report::SECTIONS
                        .iter()
                        .map(|(c, t)| format!("{c} ({t})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            continue;
        }
        if out.iter().any(|(c, _)| c == code) {
            c.violation(&format!("{field}[{i}].code"), "DUPLICATE", "Mục này được ghi hai lần");
            continue;
        }
        let text = c
            .optional_text(&format!("{field}[{i}].text"), &s.text, MAX_SECTION)
            .unwrap_or_default();
        out.push((code.to_string(), text));
    }
    out
}

/// The offset a page token stands for.
pub fn page_token(c: &mut Checker, token: &str) -> u64 {
    if token.is_empty() {
        return 0;
    }
    token.parse::<u64>().unwrap_or_else(|_| {
        c.violation("page_token", "INVALID", "Mã trang không hợp lệ");
        0
    })
}

/// A date that is not before `earliest`.
pub fn not_before(c: &mut Checker, field: &str, value: NaiveDate, earliest: NaiveDate, why: &str) {
    if value != NaiveDate::MIN && value < earliest {
        c.violation(field, "TOO_EARLY", why.to_string());
    }
}
