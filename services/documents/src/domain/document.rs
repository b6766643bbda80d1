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
    /// The clerk who registered it (gave its incoming number).
    pub registered_by: Option<Uuid>,
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
    /// Outgoing: "Số: 05/QĐ-UBND" or "Số 15-NQ/TU".
    pub number_label: String,
    pub drafter_id: Option<Uuid>,
    /// Outgoing: grows with every change of the draft.
    pub version: i64,
    pub signer_id: Option<Uuid>,
    pub signing_prefix: String,
    /// The body or post the signer signs for, after the prefix.
    pub on_behalf_of: String,
    pub signed_at: Option<DateTime<Utc>>,
    pub numbered_at: Option<DateTime<Utc>>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: String,
    /// Outgoing, state công văn: the drafting unit's code.
    pub drafting_unit_code: String,
    /// Outgoing: numbered in the congress series.
    pub congress: bool,
    /// Outgoing: the number series its number came from.
    pub series: Option<String>,
    /// Incoming copy: its sender asked for it back.
    pub recall_requested: bool,
}

impl Document {
    /// A document that has just arrived at `office_id` (registered by hand,
    /// received as an edXML package, or sent by an office of the suite),
    /// with nothing filled in yet but who and when.
    pub fn arrived(id: Uuid, office_id: Uuid, created_by: Uuid, now: DateTime<Utc>) -> Document {
        Document::blank(id, office_id, Direction::Incoming, Status::Arrived, created_by, now)
    }

    /// A document with nothing filled in but who, where and when.
    pub fn blank(
        id: Uuid,
        office_id: Uuid,
        direction: Direction,
        status: Status,
        created_by: Uuid,
        now: DateTime<Utc>,
    ) -> Document {
        Document {
            id,
            office_id,
            direction,
            status,
            type_code: String::new(),
            subject: String::new(),
            number: None,
            symbol: String::new(),
            number_symbol: String::new(),
            issued_on: None,
            issuer_name: String::new(),
            issuer_code: String::new(),
            signer_name: String::new(),
            signer_position: String::new(),
            urgency: Urgency::Normal,
            secrecy: Clearance::None,
            pages: 0,
            due_on: None,
            channel: Channel::Electronic,
            electronic_id: None,
            arrival_year: None,
            arrival_number: None,
            received_at: None,
            registered_at: None,
            registered_by: None,
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
            created_by,
            created_at: now,
            updated_at: now,
            number_label: String::new(),
            drafter_id: None,
            version: 0,
            signer_id: None,
            signing_prefix: String::new(),
            on_behalf_of: String::new(),
            signed_at: None,
            numbered_at: None,
            dispatched_at: None,
            cancelled_at: None,
            cancel_reason: String::new(),
            drafting_unit_code: String::new(),
            congress: false,
            series: None,
            recall_requested: false,
        }
    }

    /// What makes two registrations the same document: the issuer, number,
    /// symbol and date, compared without case, diacritics or spacing.
    /// `None` when the document lacks a number or date to compare.
    pub fn duplicate_key(&self) -> Option<String> {
        if self.direction != Direction::Incoming {
            return None;
        }
        let number = self.number?;
        let date = self.issued_on?;
        // The issuer's name, not its code: every district committee's code
        // is "HU", so the code alone would make sibling districts' same-day
        // "01-BC/HU" look like one document.
        let issuer = if self.issuer_name.trim().is_empty() {
            &self.issuer_code
        } else {
            &self.issuer_name
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
            "version": self.version,
            "signer_id": self.signer_id,
            "signing_prefix": self.signing_prefix,
            "on_behalf_of": self.on_behalf_of,
            "series": self.series,
            "cancel_reason": self.cancel_reason,
            "recall_requested": self.recall_requested,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn incoming() -> Document {
        let mut d = Document::blank(
            Uuid::now_v7(),
            Uuid::now_v7(),
            Direction::Incoming,
            Status::Registered,
            Uuid::nil(),
            DateTime::default(),
        );
        d.type_code = "NQ".into();
        d.subject = "Về tăng cường công tác xây dựng Đảng".into();
        d.number = Some(15);
        d.symbol = "NQ/TU".into();
        d.number_symbol = "15-NQ/TU".into();
        d.issued_on = NaiveDate::from_ymd_opt(2026, 2, 20);
        d.issuer_name = "Tỉnh ủy Bắc Giang".into();
        d.issuer_code = "TU".into();
        d.signer_name = "Lê Văn Thành".into();
        d.signer_position = "Bí thư".into();
        d.pages = 3;
        d.channel = Channel::Paper;
        d
    }

    #[test]
    fn duplicates_match_despite_case_spacing_and_diacritics() {
        let a = incoming();
        let mut b = incoming();
        b.symbol = " nq / tu ".into();
        b.issuer_code = "tu".into();
        b.issuer_name = "tinh uy  Bac Giang".into();
        assert_eq!(a.duplicate_key(), b.duplicate_key());
        b.number = Some(16);
        assert_ne!(a.duplicate_key(), b.duplicate_key());
    }

    #[test]
    fn sibling_issuers_sharing_a_code_are_not_duplicates() {
        let mut a = incoming();
        a.issuer_name = "Huyện ủy Hiệp Hòa".into();
        a.issuer_code = "HU".into();
        a.symbol = "BC/HU".into();
        let mut b = a.clone();
        b.issuer_name = "Huyện ủy Việt Yên".into();
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
