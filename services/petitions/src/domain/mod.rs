//! The rules of petition handling, free of I/O: vocabularies and states,
//! the petition and its deadlines, intake, thụ lý and gia hạn, the flow, duplicate scoring, who may see
//! identities, the policy and catalogue defaults, the statistics of a
//! period, and reception duty.

pub mod access;
pub mod catalog;
pub mod deadline;
pub mod duplicates;
pub mod figures;
pub mod flow;
pub mod handling;
pub mod handover;
pub mod kinds;
pub mod petition;
pub mod policy;
pub mod reception;

/// What the domain's tests share.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::NaiveDate;

    /// A date written `YYYY-MM-DD`.
    pub fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }
}
