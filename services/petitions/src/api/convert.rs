//! Petitions to wire messages, and the domain's vocabularies to their wire
//! enums (the only place the two meet).

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::clock::{format_date, to_timestamp};
use vanphong_platform::directory::DirectorySnapshot;
use vanphong_proto::petitions::v1 as wire;

use crate::domain::handling::Extension;
use crate::domain::kinds::{
    AnonymousRule, Authority, Backlog, Channel, Complexity, Counting, Kind, Outcome, PriorStage, Resolution, State,
};
use crate::domain::petition::{Petition, Petitioner};
use crate::store::history::Event;
use crate::store::transfers::Transfer;

vanphong_platform::wire_enum!(Kind => wire::PetitionKind { Complaint, Denunciation, Recommendation });
vanphong_platform::wire_enum!(Channel => wire::IntakeChannel { InPerson, Mail, Transferred, Electronic });
vanphong_platform::wire_enum!(State => wire::PetitionState {
    Classifying, Guided, Transferred, Urged, Filed, Considering, Accepted, NotEligible, Resolved, Withdrawn,
});
vanphong_platform::wire_enum!(Outcome => wire::ClassificationOutcome { Accept, Consider, Transfer, Guide, Urge, File });
vanphong_platform::wire_enum!(Resolution => wire::Resolution { First, Second });
vanphong_platform::wire_enum!(Complexity => wire::Complexity { Normal, Complex, EspeciallyComplex });
vanphong_platform::wire_enum!(Counting => wire::Counting { CalendarDays, WorkingDays });
vanphong_platform::wire_enum!(Authority => wire::CompetentAuthority { Administrative, Judicial, Party });
vanphong_platform::wire_enum!(PriorStage => wire::PriorStage { NotYetResolved, FirstTime, Repeated });
vanphong_platform::wire_enum!(AnonymousRule => wire::AnonymousRule { File, Classify });
vanphong_platform::wire_enum!(Backlog => wire::BacklogKind { DueSoon, Overdue, LongRunning });

fn id(value: Option<Uuid>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn date(value: Option<NaiveDate>) -> String {
    value.map(format_date).unwrap_or_default()
}

fn int(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// What a full answer shows besides the petition's own columns.
#[derive(Default)]
pub struct Details {
    /// `None` when the caller may not see them.
    pub petitioners: Option<Vec<Petitioner>>,
    pub events: Vec<Event>,
    pub extensions: Vec<Extension>,
    pub transfer: Option<Transfer>,
}

/// A petitioner the caller may see.
pub fn petitioner_to_wire(p: &Petitioner) -> wire::Petitioner {
    wire::Petitioner {
        full_name: p.full_name.clone(),
        id_number: p.id_number.clone(),
        address: p.address.clone(),
        phone: p.phone.clone(),
        redacted: false,
    }
}

/// A petitioner whose identity the caller may not see.
fn redacted() -> wire::Petitioner {
    wire::Petitioner {
        redacted: true,
        ..Default::default()
    }
}

/// A petition on the wire, with the names of its office and officers from
/// `names`; without `details` (lists), no petitioners nor history.
pub fn petition_to_wire(
    p: &Petition,
    today: NaiveDate,
    names: &DirectorySnapshot,
    area_name: String,
    details: Option<Details>,
) -> wire::Petition {
    let details = details.unwrap_or_default();
    let (petitioners, identity_redacted) = match (&details.petitioners, p.anonymous) {
        (_, true) => (Vec::new(), false),
        (Some(people), false) => (people.iter().map(petitioner_to_wire).collect(), false),
        (None, false) => (
            (0..p.petitioner_count.clamp(0, 1000)).map(|_| redacted()).collect(),
            true,
        ),
    };
    let classification = p.outcome.map(|o| wire::Classification {
        outcome: o.to_wire(),
        classified_on: date(p.classified_on),
        classified_by: id(p.classified_by),
        classified_by_name: names.optional_person_name(p.classified_by),
        note: p.classification_note.clone(),
        competent_authority: p.authority.map(|a| a.to_wire()).unwrap_or_default(),
    });
    let resolving = p.handler_id.map(|handler| wire::Resolving {
        handler_id: handler.to_string(),
        handler_name: names.person_name(handler),
        accepted_on: date(p.accepted_on),
        resolution: p.resolution.unwrap_or(Resolution::First).to_wire(),
        complexity: p.complexity.unwrap_or(Complexity::Normal).to_wire(),
        remote: p.remote,
        legal_days: int(p.legal_days.unwrap_or_default()),
        counting: p.counting.map(|c| c.to_wire()).unwrap_or_default(),
        extensions_left: int((p.max_extensions - p.extensions_used).max(0)),
        max_extension_days: int(p.max_extension_days),
        base_due_on: date(p.base_due_on),
        due_on: date(p.due_on),
        extensions: details
            .extensions
            .iter()
            .map(|e| wire::Extension {
                seq: int(e.seq),
                decision_number: e.decision_number.clone(),
                decided_on: format_date(e.decided_on),
                days: int(e.days),
                reason: e.reason.clone(),
                previous_due_on: format_date(e.previous_due_on),
                due_on: format_date(e.due_on),
            })
            .collect(),
    });
    let result = (!p.result_summary.is_empty() || p.decided_on.is_some()).then(|| wire::Result {
        summary: p.result_summary.clone(),
        decision_reference: p.decision_reference.clone(),
        decision_document_id: id(p.decision_document_id),
        decided_on: date(p.decided_on),
    });
    wire::Petition {
        id: p.id.to_string(),
        office_id: p.office_id.to_string(),
        number: p.number,
        year: p.year,
        number_label: p.number_label(),
        channel: p.channel.to_wire(),
        received_on: format_date(p.received_on),
        kind: p.kind.to_wire(),
        subject_area_code: p.subject_area_code.clone(),
        subject_area_name: area_name,
        content: p.content.clone(),
        accused: p.accused.clone(),
        anonymous: p.anonymous,
        petitioner_count: int(p.petitioner_count),
        multi_name: p.multi_name(),
        petitioners,
        identity_redacted,
        state: p.state.to_wire(),
        state_code: p.state.code().to_string(),
        state_name: p.state.label().to_string(),
        prior_stage: p.prior_stage.to_wire(),
        reception_id: id(p.reception_id),
        source_body: p.source_body.clone(),
        repeat_of: id(p.repeat_of),
        repeat_count: int(p.repeat_count),
        classification_due_on: format_date(p.classification_due_on),
        classification,
        transfer: details.transfer.map(|t| wire::Transfer {
            target_body: t.target_body,
            reason: t.reason,
            slip_document_id: id(t.slip_document_id),
            slip_status: t.slip_status,
        }),
        resolving,
        result,
        notified_on: date(p.notified_on),
        closed_on: date(p.closed_on),
        closing_note: p.closing_note.clone(),
        current_due_on: date(p.current_due()),
        overdue: p.is_overdue(today),
        events: vanphong_platform::history_to_wire!(&details.events, wire::PetitionEvent, names),
        created_at: Some(to_timestamp(p.created_at)),
        updated_at: Some(to_timestamp(p.updated_at)),
        office_name: names.office_name(p.office_id),
        received_by_id: p.created_by.to_string(),
        received_by_name: names.person_name(p.created_by),
    }
}
