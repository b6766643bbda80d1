//! The rules of reporting, without I/O.
//!
//! - [`period`]: kinds of report and their cut-off periods (NĐ 09/2019);
//! - [`policy`]: week start and deadlines per level of the tree;
//! - [`report`]: a report's states, steps and sections;
//! - [`figures`]: the figure table and the roll-up along the tree;
//! - [`completeness`]: who sent on time, late, or not at all;
//! - [`layout`]: how a Party report is laid out (HD 36).

pub mod completeness;
pub mod figures;
pub mod layout;
pub mod period;
pub mod policy;
pub mod report;

/// What the domain's tests share.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::NaiveDate;

    /// A date written `YYYY-MM-DD`.
    pub fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }
}
