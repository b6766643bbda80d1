//! Converting the directory's wire snapshot into the in-memory tree.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_proto::directory::v1 as wire;

use super::{DirectorySnapshot, Person};
use crate::identity::{Role, RoleSet};
use crate::tree::{Numbering, OfficeEntry, OfficeKind, OfficeTree, ParentLink};

/// The snapshot as the directory sent it; an error names the first entry
/// that cannot be read.
pub fn snapshot_from_wire(snapshot: wire::DirectorySnapshot) -> Result<DirectorySnapshot, String> {
    let offices = snapshot
        .offices
        .into_iter()
        .map(office_from_wire)
        .collect::<Result<Vec<_>, _>>()?;
    let revoked = snapshot
        .revoked_sessions
        .iter()
        .map(|r| parse_id(&r.session_id, "revoked session"))
        .collect::<Result<Vec<_>, _>>()?;
    let people = snapshot
        .people
        .into_iter()
        .map(person_from_wire)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DirectorySnapshot::new(snapshot.version, OfficeTree::new(offices), revoked).with_people(people))
}

fn person_from_wire(person: wire::DirectoryPerson) -> Result<Person, String> {
    let roles = person
        .roles
        .iter()
        .map(|r| Role::from_wire(*r).ok_or_else(|| format!("bad role {r} of user {}", person.id)))
        .collect::<Result<RoleSet, String>>()?;
    Ok(Person {
        id: parse_id(&person.id, "user")?,
        office_id: parse_id(&person.office_id, "user's office")?,
        full_name: person.full_name,
        roles,
        disabled: person.disabled,
    })
}

fn office_from_wire(office: wire::Office) -> Result<OfficeEntry, String> {
    let links = office
        .history
        .iter()
        .map(|l| {
            Ok(ParentLink {
                parent_id: parse_optional_id(&l.parent_id, "parent")?,
                from: parse_date(&l.effective_from)?,
                to: parse_optional_date(&l.effective_to)?,
                reason: l.reason.clone(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(OfficeEntry {
        id: parse_id(&office.id, "office")?,
        kind: OfficeKind::from_wire(office.kind).unwrap_or(OfficeKind::Other),
        numbering: Numbering::from_wire(office.numbering).unwrap_or(Numbering::State),
        established_on: parse_date(&office.established_on)?,
        dissolved_on: parse_optional_date(&office.dissolved_on)?,
        successor_id: parse_optional_id(&office.successor_id, "successor")?,
        split_into: office
            .split_into
            .iter()
            .map(|id| parse_id(id, "split part"))
            .collect::<Result<_, _>>()?,
        code: office.code,
        name: office.name,
        issuer_code: office.issuer_code,
        links,
        created_at: office.created_at.map(timestamp).unwrap_or_default(),
        updated_at: office.updated_at.map(timestamp).unwrap_or_default(),
    })
}

fn timestamp(t: prost_types::Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp(t.seconds, t.nanos.clamp(0, 999_999_999) as u32).unwrap_or_default()
}

fn parse_id(value: &str, what: &str) -> Result<Uuid, String> {
    Uuid::parse_str(value).map_err(|_| format!("bad {what} id {value:?}"))
}

fn parse_optional_id(value: &str, what: &str) -> Result<Option<Uuid>, String> {
    if value.is_empty() {
        Ok(None)
    } else {
        parse_id(value, what).map(Some)
    }
}

fn parse_date(value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| format!("bad date {value:?}"))
}

fn parse_optional_date(value: &str) -> Result<Option<NaiveDate>, String> {
    if value.is_empty() {
        Ok(None)
    } else {
        parse_date(value).map(Some)
    }
}
