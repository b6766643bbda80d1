//! A document as the service keeps it.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_platform::identity::Clearance;
use vanphong_platform::text::{fold, folded_words};

use super::kinds::{Channel, Direction, Status, Urgency};

/// One incoming or outgoing document of one office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: Uuid,
    pub office_id: Uuid,
    pub direction: Direction,
    pub status: Status,
    pub type_code: String,
    /// Trích yếu.
    pub subject: String,
    pub number: Option<i64>,
    pub symbol: String,
    pub number_symbol: String,
    pub issued_on: Option<NaiveDate>,
    pub issuer_name: String,
    pub issuer_code: String,
    pub signer_name: String,
    pub signer_position: String,
    pub urgency: Urgency,
    pub secrecy: Clearance,
    pub pages: i64,
    pub due_on: Option<NaiveDate>,
    pub channel: Channel,
    pub electronic_id: Option<String>,
    pub arrival_year: Option<i32>,
    pub arrival_number: Option<i64>,
    pub received_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub sender_office_id: Option<Uuid>,
    pub source_document_id: Option<Uuid>,
    pub leader_id: Option<Uuid>,
    pub lead_handler_id: Option<Uuid>,
    pub handling_deadline: Option<NaiveDate>,
    pub direction_note: String,
    pub assigned_at: Option<DateTime<Utc>>,
    pub reply_document_id: Option<Uuid>,
    pub completed_at: Option<DateTime<Utc>>,
    pub filed_at: Option<DateTime<Utc>>,
    pub file_reference: String,
    pub refusal_reason: String,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Document {
    /// What makes two registrations the same document: the issuer, number,
    /// symbol and date, compared without case, diacritics or spacing.
    /// `None` when the document lacks a number or date to compare.
    pub fn duplicate_key(&self) -> Option<String> {
        if self.direction != Direction::Incoming {
            return None;
        }
        let number = self.number?;
        let date = self.issued_on?;
        let issuer = if self.issuer_code.trim().is_empty() {
            &self.issuer_name
        } else {
            &self.issuer_code
        };
        Some(format!(
            "{}|{number}|{}|{}",
            fold(issuer).replace(' ', ""),
            fold(&self.symbol).replace(' ', ""),
            date.format("%Y-%m-%d")
        ))
    }

    /// The text searched: the words of the symbol, subject, issuer and
    /// signer, folded and separated by single spaces, so that both
    /// databases' tokenizers see the same words.
    pub fn search_text(&self) -> String {
        folded_words(&format!(
            "{} {} {} {} {}",
            self.number_symbol, self.subject, self.issuer_name, self.issuer_code, self.signer_name
        ))
        .join(" ")
    }

    /// When handling is due: the leader's deadline, else the issuer's.
    pub fn deadline(&self) -> Option<NaiveDate> {
        self.handling_deadline.or(self.due_on)
    }

    /// Still awaiting handling after its deadline.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.deadline().is_some_and(|d| d < today)
    }

    /// The document as recorded in the audit trail.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "office_id": self.office_id,
            "direction": self.direction.code(),
            "status": self.status.code(),
            "type_code": self.type_code,
            "subject": self.subject,
            "number_symbol": self.number_symbol,
            "issued_on": self.issued_on,
            "issuer": self.issuer_name,
            "urgency": self.urgency.level(),
            "secrecy": self.secrecy.level(),
            "arrival": self.arrival_number.map(|n| format!("{n}/{}", self.arrival_year.unwrap_or_default())),
            "lead_handler_id": self.lead_handler_id,
            "handling_deadline": self.handling_deadline,
            "reply_document_id": self.reply_document_id,
            "refusal_reason": self.refusal_reason,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn incoming() -> Document {
        Document {
            id: Uuid::now_v7(),
            office_id: Uuid::now_v7(),
            direction: Direction::Incoming,
            status: Status::Registered,
            type_code: "NQ".into(),
            subject: "Về tăng cường công tác xây dựng Đảng".into(),
            number: Some(15),
            symbol: "NQ/TU".into(),
            number_symbol: "15-NQ/TU".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 2, 20),
            issuer_name: "Tỉnh ủy Bắc Giang".into(),
            issuer_code: "TU".into(),
            signer_name: "Lê Văn Thành".into(),
            signer_position: "Bí thư".into(),
            urgency: Urgency::Normal,
            secrecy: Clearance::None,
            pages: 3,
            due_on: None,
            channel: Channel::Paper,
            electronic_id: None,
            arrival_year: None,
            arrival_number: None,
            received_at: None,
            registered_at: None,
            sender_office_id: None,
            source_document_id: None,
            leader_id: None,
            lead_handler_id: None,
            handling_deadline: None,
            direction_note: String::new(),
            assigned_at: None,
            reply_document_id: None,
            completed_at: None,
            filed_at: None,
            file_reference: String::new(),
            refusal_reason: String::new(),
            created_by: Uuid::nil(),
            created_at: DateTime::default(),
            updated_at: DateTime::default(),
        }
    }

    #[test]
    fn duplicates_match_despite_case_spacing_and_diacritics() {
        let a = incoming();
        let mut b = incoming();
        b.symbol = " nq / tu ".into();
        b.issuer_code = "tu".into();
        assert_eq!(a.duplicate_key(), b.duplicate_key());
        b.number = Some(16);
        assert_ne!(a.duplicate_key(), b.duplicate_key());
    }

    #[test]
    fn overdue_only_while_open() {
        let mut d = incoming();
        d.handling_deadline = NaiveDate::from_ymd_opt(2026, 3, 1);
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        assert!(d.is_overdue(today));
        d.status = Status::Done;
        assert!(!d.is_overdue(today));
    }

    #[test]
    fn search_text_is_folded() {
        assert!(incoming().search_text().contains("tang cuong cong tac xay dung dang"));
    }
}
