//! A report of one office for one period: its narrative sections, its
//! figures, and the states it moves through (docs/domain.md §5): draft →
//! submitted → approved by a leader → sent to the parent as a BC document
//! → accepted or returned by the parent.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use vanphong_platform::Error;

use super::figures::FigureTable;
use super::period::Period;

vanphong_platform::coded! {
    /// Where a report stands.
    pub enum Status {
        Draft = ("draft", "dự thảo"),
        Submitted = ("submitted", "đã trình"),
        Approved = ("approved", "đã duyệt"),
        Sent = ("sent", "đã gửi cấp trên"),
        Accepted = ("accepted", "cấp trên đã tiếp nhận"),
        Returned = ("returned", "cấp trên trả lại"),
    }
}

impl Status {
    /// Whether staff may still change the sections and figures.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// Whether a leader has approved it (what a parent's approval waits for).
    pub fn approved(self) -> bool {
        matches!(self, Status::Approved | Status::Sent | Status::Accepted)
    }

    /// Whether it is with the parent office.
    pub fn sent(self) -> bool {
        matches!(self, Status::Sent | Status::Accepted)
    }
}

/// A step of a report's flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Edit,
    Submit,
    Reopen,
    Approve,
    Send,
    Accept,
    Return,
}

impl Step {
    fn label(self) -> &'static str {
        match self {
            Step::Edit => "sửa báo cáo",
            Step::Submit => "trình báo cáo",
            Step::Reopen => "trả lại dự thảo",
            Step::Approve => "duyệt báo cáo",
            Step::Send => "gửi báo cáo lên cấp trên",
            Step::Accept => "tiếp nhận báo cáo",
            Step::Return => "trả lại báo cáo",
        }
    }

    fn allowed_from(self) -> &'static [Status] {
        match self {
            Step::Edit | Step::Submit => &[Status::Draft, Status::Returned],
            Step::Reopen | Step::Approve => &[Status::Submitted],
            Step::Send => &[Status::Approved],
            Step::Accept | Step::Return => &[Status::Sent],
        }
    }

    fn target(self, from: Status) -> Status {
        match self {
            Step::Edit => from,
            Step::Submit => Status::Submitted,
            Step::Reopen => Status::Draft,
            Step::Approve => Status::Approved,
            Step::Send => Status::Sent,
            Step::Accept => Status::Accepted,
            Step::Return => Status::Returned,
        }
    }
}

/// The state after `step`, or FAILED_PRECONDITION naming the current one.
pub fn transition(step: Step, from: Status) -> Result<Status, Error> {
    if step.allowed_from().contains(&from) {
        Ok(step.target(from))
    } else {
        Err(Error::FailedPrecondition(format!(
            "Không thể {} khi báo cáo đang ở trạng thái «{}»",
            step.label(),
            from.label()
        )))
    }
}

/// The fixed set of narrative sections, in the order of the report.
pub const SECTIONS: [(&str, &str); 5] = [
    ("overview", "Tình hình chung"),
    ("results", "Kết quả thực hiện nhiệm vụ"),
    ("limitations", "Hạn chế, khó khăn và nguyên nhân"),
    ("next_tasks", "Phương hướng, nhiệm vụ kỳ tới"),
    ("proposals", "Đề xuất, kiến nghị"),
];

/// Longest section text, in characters.
pub const MAX_SECTION: usize = 50_000;

/// The heading of a known section.
pub fn section_title(code: &str) -> Option<&'static str> {
    SECTIONS.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

/// A report as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: Uuid,
    pub office_id: Uuid,
    pub period: Period,
    pub title: String,
    pub status: Status,
    /// Section texts by code (absent = not written).
    pub sections: BTreeMap<String, String>,
    pub figures: Option<FigureTable>,
    pub deadline: NaiveDate,
    pub parent_office_id: Option<Uuid>,
    pub place: String,
    pub round: i64,
    pub created_by: Uuid,
    /// Who writes it now: `created_by` until a leader gives it to another
    /// person of the office (docs/domain.md §5).
    pub writer: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<DateTime<Utc>>,
    pub override_reason: String,
    pub document_id: Option<Uuid>,
    pub number_symbol: String,
    pub issued_on: Option<NaiveDate>,
    pub signing_prefix: String,
    pub signing_body: String,
    pub signer_position: String,
    pub signer_name: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub return_reason: String,
}

impl Report {
    /// Sent by its deadline (in local days).
    pub fn on_time(&self) -> bool {
        self.sent_at
            .is_some_and(|at| vanphong_platform::clock::local_date(at) <= self.deadline)
    }

    /// What the audit trail keeps of it (the figures by their total only;
    /// the writer only once it is not the author, so records made before
    /// reports had writers still describe them as stored).
    pub fn audit_json(&self) -> serde_json::Value {
        let mut json = json!({
            "office_id": self.office_id,
            "period": self.period.key(),
            "title": self.title,
            "status": self.status.code(),
            "sections": self.sections,
            "figures_total": self.figures.as_ref().map(|f| &f.total.values),
            // Microseconds, as both databases keep time.
            "figures_gathered_at": self.figures.as_ref().map(|f| f.gathered_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
            "deadline": self.deadline,
            "parent_office_id": self.parent_office_id,
            "round": self.round,
            "override_reason": self.override_reason,
            "document_id": self.document_id,
            "number_symbol": self.number_symbol,
            "signer": format!("{} {} {}", self.signing_prefix, self.signer_position, self.signer_name).trim().to_string(),
            "return_reason": self.return_reason,
        });
        if self.writer != self.created_by {
            json["writer"] = json!(self.writer);
        }
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flow_from_draft_to_the_parent_and_back() {
        let mut s = Status::Draft;
        for step in [
            Step::Edit,
            Step::Submit,
            Step::Reopen,
            Step::Submit,
            Step::Approve,
            Step::Send,
        ] {
            s = transition(step, s).expect("allowed");
        }
        assert_eq!(s, Status::Sent);
        s = transition(Step::Return, s).expect("returned");
        assert!(s.editable());
        for step in [Step::Submit, Step::Approve, Step::Send, Step::Accept] {
            s = transition(step, s).expect("allowed");
        }
        assert_eq!(s, Status::Accepted);
    }

    #[test]
    fn a_submitted_report_is_not_edited() {
        let e = transition(Step::Edit, Status::Submitted).expect_err("refused");
        assert!(matches!(e, Error::FailedPrecondition(m) if m.contains("đã trình")));
        assert!(transition(Step::Send, Status::Submitted).is_err());
        assert!(transition(Step::Approve, Status::Draft).is_err());
        assert!(transition(Step::Accept, Status::Approved).is_err());
    }

    #[test]
    fn sections_are_a_fixed_set() {
        assert_eq!(section_title("results"), Some("Kết quả thực hiện nhiệm vụ"));
        assert_eq!(section_title("gossip"), None);
    }
}
