//! A petition as the service keeps it, how one is received (its record
//! at intake, and the filing of an anonymous one where the policy says so),
//! and what follows from its fields: the deadline that applies now, whether
//! it is overdue, its searchable text, and its form in the audit trail
//! (which never holds identities).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_platform::text::folded_words;

use super::kinds::{Authority, Channel, Complexity, Counting, Kind, Outcome, PriorStage, Resolution, State};

/// The number series of an office's petitions of `year`: petitions are
/// numbered from 1 each year.
pub fn petition_series(year: i32) -> String {
    format!("pet:{year}")
}

/// One person who signed a petition: protected identity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Petitioner {
    pub full_name: String,
    pub id_number: String,
    pub address: String,
    pub phone: String,
}

/// What intake takes of a new petition, checked (docs/domain.md §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    pub office: Uuid,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub area: String,
    pub content: String,
    pub accused: String,
    pub anonymous: bool,
    pub petitioners: Vec<Petitioner>,
    pub prior_stage: PriorStage,
    pub reception: Option<Uuid>,
    pub source_body: String,
}

/// Who received a petition, when, and the number and classification
/// deadline it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    pub id: Uuid,
    /// The year of the series it is numbered in (the year it was entered).
    pub year: i32,
    pub number: i64,
    /// Ngày hết hạn phân loại, xử lý đơn (counted by the office's policy).
    pub classification_due_on: NaiveDate,
    pub by: Uuid,
    pub at: DateTime<Utc>,
}

/// One petition (đơn) of one office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Petition {
    pub id: Uuid,
    pub office_id: Uuid,
    pub year: i32,
    pub number: i64,
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub kind: Kind,
    pub subject_area_code: String,
    pub content: String,
    /// Người hoặc cơ quan bị khiếu nại, tố cáo, phản ánh.
    pub accused: String,
    pub anonymous: bool,
    pub petitioner_count: i64,
    pub prior_stage: PriorStage,
    pub reception_id: Option<Uuid>,
    pub source_body: String,
    pub state: State,
    /// The earlier case this petition repeats.
    pub repeat_of: Option<Uuid>,
    /// How many later petitions repeat this case.
    pub repeat_count: i64,
    pub classification_due_on: NaiveDate,
    pub outcome: Option<Outcome>,
    pub classified_on: Option<NaiveDate>,
    pub classified_by: Option<Uuid>,
    pub classification_note: String,
    pub authority: Option<Authority>,
    pub handler_id: Option<Uuid>,
    pub accepted_on: Option<NaiveDate>,
    pub resolution: Option<Resolution>,
    pub complexity: Option<Complexity>,
    pub remote: bool,
    pub legal_days: Option<i64>,
    pub counting: Option<Counting>,
    pub max_extensions: i64,
    pub max_extension_days: i64,
    pub extensions_used: i64,
    pub base_due_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub result_summary: String,
    pub decision_reference: String,
    pub decision_document_id: Option<Uuid>,
    pub decided_on: Option<NaiveDate>,
    pub notified_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// Reason of filing or rejection, or the written withdrawal.
    pub closing_note: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Petition {
    /// A petition as intake records it: numbered, awaiting
    /// classification, nothing decided yet.
    pub fn received(intake: &Intake, receipt: Receipt) -> Petition {
        Petition {
            id: receipt.id,
            office_id: intake.office,
            year: receipt.year,
            number: receipt.number,
            channel: intake.channel,
            received_on: intake.received_on,
            kind: intake.kind,
            subject_area_code: intake.area.clone(),
            content: intake.content.clone(),
            accused: intake.accused.clone(),
            anonymous: intake.anonymous,
            petitioner_count: intake.petitioners.len() as i64,
            prior_stage: intake.prior_stage,
            reception_id: intake.reception,
            source_body: intake.source_body.clone(),
            state: State::Classifying,
            repeat_of: None,
            repeat_count: 0,
            classification_due_on: receipt.classification_due_on,
            outcome: None,
            classified_on: None,
            classified_by: None,
            classification_note: String::new(),
            authority: None,
            handler_id: None,
            accepted_on: None,
            resolution: None,
            complexity: None,
            remote: false,
            legal_days: None,
            counting: None,
            max_extensions: 0,
            max_extension_days: 0,
            extensions_used: 0,
            base_due_on: None,
            due_on: None,
            result_summary: String::new(),
            decision_reference: String::new(),
            decision_document_id: None,
            decided_on: None,
            notified_on: None,
            closed_on: None,
            closing_note: String::new(),
            created_by: receipt.by,
            created_at: receipt.at,
            updated_at: receipt.at,
        }
    }

    /// An anonymous petition filed at intake (lưu đơn) where the policy
    /// files them: classified and closed on `today` with the policy's reason.
    pub fn file_as_anonymous(&mut self, today: NaiveDate, by: Uuid, reason: &str) {
        self.state = State::Filed;
        self.outcome = Some(Outcome::File);
        self.classified_on = Some(today);
        self.classified_by = Some(by);
        self.classification_note = reason.to_string();
        self.closing_note = reason.to_string();
        self.closed_on = Some(today);
    }

    /// "12/2026".
    pub fn number_label(&self) -> String {
        format!("{}/{}", self.number, self.year)
    }

    /// Đơn nhiều người đứng tên.
    pub fn multi_name(&self) -> bool {
        self.petitioner_count > 1
    }

    /// Not yet closed at this office.
    pub fn is_open(&self) -> bool {
        self.closed_on.is_none()
    }

    /// A case of its own, not a repeat linked to an earlier one.
    pub fn is_case(&self) -> bool {
        self.repeat_of.is_none()
    }

    /// The deadline that applies now: classification (and thụ lý) while it
    /// awaits them, the resolution deadline once accepted; none otherwise.
    pub fn current_due(&self) -> Option<NaiveDate> {
        if !self.is_open() {
            return None;
        }
        match self.state {
            State::Classifying | State::Considering => Some(self.classification_due_on),
            State::Accepted => self.due_on,
            _ => None,
        }
    }

    /// Open and past the deadline that applies.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.current_due().is_some_and(|due| due < today)
    }

    /// The text searched: content and the person complained about, folded.
    /// Petitioners' names are searched separately, by those who may.
    pub fn search_text(&self) -> String {
        folded_words(&format!("{} {}", self.content, self.accused)).join(" ")
    }

    /// The petition as recorded in the audit trail. Petitioners' identity is
    /// left out: the trail is read by admins and inspectors, who may not see
    /// it.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "office_id": self.office_id,
            "number": self.number_label(),
            "kind": self.kind.code(),
            "channel": self.channel.code(),
            "received_on": self.received_on,
            "subject_area": self.subject_area_code,
            "anonymous": self.anonymous,
            "petitioner_count": self.petitioner_count,
            "state": self.state.code(),
            "repeat_of": self.repeat_of,
            "repeat_count": self.repeat_count,
            "outcome": self.outcome.map(Outcome::code),
            "authority": self.authority.map(Authority::code),
            "handler_id": self.handler_id,
            "accepted_on": self.accepted_on,
            "due_on": self.due_on,
            "extensions_used": self.extensions_used,
            "decision_reference": self.decision_reference,
            "notified_on": self.notified_on,
            "closed_on": self.closed_on,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn petition() -> Petition {
        let received = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        let intake = Intake {
            office: Uuid::now_v7(),
            channel: Channel::Mail,
            received_on: received,
            kind: Kind::Complaint,
            area: "DD".into(),
            content: "Khiếu nại việc thu hồi đất".into(),
            accused: "UBND xã Bắc Lý".into(),
            anonymous: false,
            petitioners: vec![Petitioner::default()],
            prior_stage: PriorStage::NotYetResolved,
            reception: None,
            source_body: String::new(),
        };
        let receipt = Receipt {
            id: Uuid::now_v7(),
            year: 2026,
            number: 7,
            classification_due_on: NaiveDate::from_ymd_opt(2026, 3, 16).unwrap_or_default(),
            by: Uuid::nil(),
            at: DateTime::default(),
        };
        Petition::received(&intake, receipt)
    }

    #[test]
    fn a_received_petition_awaits_classification_numbered_in_its_year() {
        let p = petition();
        assert_eq!(
            (p.state, p.year, p.number_label()),
            (State::Classifying, 2026, "7/2026".to_string())
        );
        assert_eq!(p.current_due(), NaiveDate::from_ymd_opt(2026, 3, 16));
        assert!(p.is_open() && p.is_case() && !p.multi_name());
    }

    #[test]
    fn an_anonymous_petition_filed_at_intake_is_closed_with_the_reason() {
        let mut p = petition();
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        p.file_as_anonymous(today, Uuid::nil(), "Đơn nặc danh, lưu đơn");
        assert_eq!((p.state, p.outcome), (State::Filed, Some(Outcome::File)));
        assert_eq!(p.closed_on, Some(today));
        assert_eq!(p.closing_note, "Đơn nặc danh, lưu đơn");
        assert!(!p.is_open() && p.current_due().is_none());
    }

    #[test]
    fn the_deadline_that_applies_follows_the_state() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let mut p = petition();
        assert_eq!(p.current_due(), Some(d("2026-03-16")));
        assert!(!p.is_overdue(d("2026-03-16")));
        assert!(p.is_overdue(d("2026-03-17")));
        p.state = State::Accepted;
        p.due_on = Some(d("2026-04-13"));
        assert_eq!(p.current_due(), Some(d("2026-04-13")));
        p.state = State::Resolved;
        assert_eq!(p.current_due(), None, "resolved cases run no deadline");
        p.state = State::Accepted;
        p.closed_on = Some(d("2026-04-01"));
        assert!(!p.is_overdue(d("2026-05-01")), "closed cases are never overdue");
    }

    #[test]
    fn the_audit_form_holds_no_identity() {
        let json = petition().audit_json().to_string();
        assert!(json.contains("\"number\":\"7/2026\""));
        assert!(!json.contains("full_name") && !json.contains("id_number") && !json.contains("phone"));
    }
}
