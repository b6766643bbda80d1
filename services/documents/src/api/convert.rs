//! Documents to wire messages, and the domain's vocabularies and records
//! to their wire forms (the only place the documents' protobuf types meet
//! the domain's).

use uuid::Uuid;

use vanphong_platform::clock::{format_date, to_timestamp};
use vanphong_proto::documents::v1 as wire;

use super::Shared;
use crate::domain::catalog::DocumentType;
use crate::domain::document::Document;
use crate::domain::kinds::{Channel, Direction, Status, Urgency};
use crate::domain::term::Term;

vanphong_platform::wire_enum!(Direction => wire::Direction { Incoming, Outgoing });
vanphong_platform::wire_enum!(Channel => wire::Channel { Paper, Electronic });
vanphong_platform::wire_enum!(Status => wire::Status {
    Arrived, Registered, Submitted, Assigned, InProgress, Done, Filed, Refused, Recalled,
    Draft, InReview, Approved, Signed, Numbered, Dispatched, Cancelled,
});

/// On the wire, urgency is its level: unspecified (0) is ordinary.
impl Urgency {
    pub fn from_wire(value: i32) -> Option<Self> {
        Urgency::from_level(i64::from(value))
    }

    pub fn to_wire(self) -> i32 {
        self.level() as i32
    }
}

impl From<DocumentType> for wire::DocumentType {
    fn from(t: DocumentType) -> Self {
        wire::DocumentType {
            code: t.code,
            name: t.name,
            state: t.state,
            party: t.party,
            active: t.active,
        }
    }
}

impl From<Term> for wire::Term {
    /// An open-ended term (no end) has an empty `ends_on`.
    fn from(t: Term) -> Self {
        wire::Term {
            id: t.id.to_string(),
            office_id: t.office_id.to_string(),
            name: t.name,
            starts_on: format_date(t.starts_on),
            ends_on: t.ends_on.map(format_date).unwrap_or_default(),
            congress: t.congress,
        }
    }
}

fn id(value: Option<Uuid>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// What an answer shows besides the document's own columns: what the
/// store reads with a document.
pub use crate::store::whole::Children as Extras;

pub fn document_to_wire(shared: &Shared, d: &Document, extras: Extras) -> wire::Document {
    let snapshot = shared.snapshot();
    let handling = d.lead_handler_id.map(|lead| wire::Handling {
        leader_name: snapshot.optional_person_name(d.leader_id),
        lead_handler_name: snapshot.person_name(lead),
        coordinator_names: extras.coordinators.iter().map(|c| snapshot.person_name(*c)).collect(),
        leader_id: id(d.leader_id),
        lead_handler_id: lead.to_string(),
        coordinator_ids: extras.coordinators.iter().map(Uuid::to_string).collect(),
        deadline: d.handling_deadline.map(format_date).unwrap_or_default(),
        note: d.direction_note.clone(),
        assigned_at: d.assigned_at.map(to_timestamp),
    });
    wire::Document {
        id: d.id.to_string(),
        office_id: d.office_id.to_string(),
        direction: d.direction.to_wire(),
        status: d.status.to_wire(),
        type_code: d.type_code.clone(),
        type_name: shared.type_name(&d.type_code),
        subject: d.subject.clone(),
        number: d.number.unwrap_or_default(),
        symbol: d.symbol.clone(),
        number_symbol: d.number_symbol.clone(),
        issued_on: d.issued_on.map(format_date).unwrap_or_default(),
        issuer_name: d.issuer_name.clone(),
        issuer_code: d.issuer_code.clone(),
        signer_name: d.signer_name.clone(),
        signer_position: d.signer_position.clone(),
        urgency: d.urgency.to_wire(),
        secrecy: d.secrecy.to_wire(),
        pages: i32::try_from(d.pages).unwrap_or(i32::MAX),
        due_on: d.due_on.map(format_date).unwrap_or_default(),
        channel: d.channel.to_wire(),
        electronic_id: d.electronic_id.clone().unwrap_or_default(),
        arrival_number: d.arrival_number.unwrap_or_default(),
        arrival_year: d.arrival_year.unwrap_or_default(),
        received_at: d.received_at.map(to_timestamp),
        registered_at: d.registered_at.map(to_timestamp),
        sender_office_id: id(d.sender_office_id),
        source_document_id: id(d.source_document_id),
        handling,
        reply_document_id: id(d.reply_document_id),
        completed_at: d.completed_at.map(to_timestamp),
        filed_at: d.filed_at.map(to_timestamp),
        refusal_reason: d.refusal_reason.clone(),
        file_reference: d.file_reference.clone(),
        distribution: extras.distribution.iter().map(Uuid::to_string).collect(),
        overdue: d.is_overdue(shared.today()),
        events: vanphong_platform::history_to_wire!(&extras.events, wire::DocumentEvent, snapshot),
        created_at: Some(to_timestamp(d.created_at)),
        updated_at: Some(to_timestamp(d.updated_at)),
        number_label: d.number_label.clone(),
        drafter_id: id(d.drafter_id),
        version: i32::try_from(d.version).unwrap_or(i32::MAX),
        signer_id: id(d.signer_id),
        signing_prefix: d.signing_prefix.clone(),
        signed_at: d.signed_at.map(to_timestamp),
        numbered_at: d.numbered_at.map(to_timestamp),
        dispatched_at: d.dispatched_at.map(to_timestamp),
        drafting_unit_code: d.drafting_unit_code.clone(),
        congress: d.congress,
        recipients: extras
            .recipients
            .iter()
            .map(|r| wire::Recipient {
                id: r.id.to_string(),
                office_id: id(r.office_id),
                organ_id: r.organ_id.clone(),
                name: r.name.clone(),
                status: r.status.clone(),
                status_at: r.status_at.map(to_timestamp),
                incoming_document_id: id(r.incoming_document_id),
            })
            .collect(),
        cancel_reason: d.cancel_reason.clone(),
        recall_requested: d.recall_requested,
        office_name: snapshot.office_name(d.office_id),
        sender_office_name: snapshot.optional_office_name(d.sender_office_id),
        drafter_name: snapshot.optional_person_name(d.drafter_id),
        registered_by_id: id(d.registered_by),
        registered_by_name: snapshot.optional_person_name(d.registered_by),
        body: extras.body,
        on_behalf_of: d.on_behalf_of.clone(),
    }
}
