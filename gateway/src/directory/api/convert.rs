//! Domain values to wire messages.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::clock::{format_date, to_timestamp};
use vanphong_platform::tree::OfficeEntry;
use vanphong_proto::directory::v1 as wire;

use crate::directory::domain::user::{ServiceAccount, User};

/// An office with its parent on `as_of` and its whole history.
pub fn office_to_wire(office: &OfficeEntry, as_of: NaiveDate) -> wire::Office {
    wire::Office {
        id: office.id.to_string(),
        code: office.code.clone(),
        name: office.name.clone(),
        kind: office.kind.to_wire(),
        issuer_code: office.issuer_code.clone(),
        numbering: office.numbering.to_wire(),
        parent_id: office.parent_on(as_of).map(|p| p.to_string()).unwrap_or_default(),
        established_on: format_date(office.established_on),
        dissolved_on: office.dissolved_on.map(format_date).unwrap_or_default(),
        successor_id: office.successor_id.map(|s| s.to_string()).unwrap_or_default(),
        split_into: office.split_into.iter().map(Uuid::to_string).collect(),
        history: office
            .links
            .iter()
            .map(|l| wire::ParentLink {
                parent_id: l.parent_id.map(|p| p.to_string()).unwrap_or_default(),
                effective_from: format_date(l.from),
                effective_to: l.to.map(format_date).unwrap_or_default(),
                reason: l.reason.clone(),
            })
            .collect(),
        created_at: Some(to_timestamp(office.created_at)),
        updated_at: Some(to_timestamp(office.updated_at)),
    }
}

/// The office as recorded in the audit trail.
pub fn office_audit_json(office: &OfficeEntry) -> serde_json::Value {
    serde_json::json!({
        "id": office.id,
        "code": office.code,
        "name": office.name,
        "kind": office.kind.code(),
        "issuer_code": office.issuer_code,
        "numbering": office.numbering.code(),
        "established_on": format_date(office.established_on),
        "dissolved_on": office.dissolved_on.map(format_date),
        "successor_id": office.successor_id,
        "split_into": office.split_into,
        "links": office.links.iter().map(|l| serde_json::json!({
            "parent_id": l.parent_id,
            "from": format_date(l.from),
            "to": l.to.map(format_date),
            "reason": l.reason,
        })).collect::<Vec<_>>(),
    })
}

pub fn user_to_wire(user: &User) -> wire::User {
    wire::User {
        id: user.id.to_string(),
        username: user.username.clone(),
        full_name: user.full_name.clone(),
        office_id: user.office_id.to_string(),
        roles: user.roles.to_wire(),
        clearance: user.clearance.to_wire(),
        disabled: user.disabled,
        created_at: Some(to_timestamp(user.created_at)),
        updated_at: Some(to_timestamp(user.updated_at)),
    }
}

pub fn account_to_wire(account: &ServiceAccount) -> wire::ServiceAccount {
    wire::ServiceAccount {
        id: account.id.to_string(),
        client_id: account.client_id.clone(),
        name: account.name.clone(),
        office_id: account.office_id.to_string(),
        roles: account.roles.to_wire(),
        clearance: account.clearance.to_wire(),
        disabled: account.disabled,
        has_secret: account.has_secret,
        created_at: Some(to_timestamp(account.created_at)),
        updated_at: Some(to_timestamp(account.updated_at)),
    }
}
