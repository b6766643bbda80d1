//! `ListPeople`: the people a caller may pick in a form (a handler, a
//! leader to submit to), by office and role, searched without diacritics.
//!
//! Read from the directory's own snapshot (which holds every user's name,
//! office, roles and whether they are disabled), so a picker narrowing as
//! someone types costs no database query.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::directory::{DirectorySnapshot, Person};
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::text::{fold, folded_words};
use vanphong_platform::validate::Checker;
use vanphong_proto::directory::v1 as wire;

/// Whether the caller may see the people of `office`: their own office, or
/// one below it for leaders and admins.
pub fn may_see_people(snapshot: &DirectorySnapshot, caller: &Caller, office: Uuid, today: NaiveDate) -> bool {
    caller.may_read(&snapshot.tree, office, today) || caller.may_administer(&snapshot.tree, office, today)
}

/// The office and, with `descendants`, the offices below it whose people
/// the caller may see; NOT_FOUND for an unknown office, PERMISSION_DENIED
/// when the caller may not see its people.
pub fn visible_offices(
    snapshot: &DirectorySnapshot,
    caller: &Caller,
    office: Uuid,
    descendants: bool,
    today: NaiveDate,
) -> Result<Vec<Uuid>, Error> {
    if snapshot.tree.get(office).is_none() {
        return Err(Error::NotFound(format!("Không tìm thấy đơn vị {office}")));
    }
    if !may_see_people(snapshot, caller, office, today) {
        return Err(Error::PermissionDenied(
            "Bạn không có quyền xem người dùng của đơn vị này".into(),
        ));
    }
    let mut offices = vec![office];
    if descendants {
        offices.extend(
            snapshot
                .tree
                .descendants_on(office, today)
                .into_iter()
                .filter(|o| may_see_people(snapshot, caller, *o, today)),
        );
    }
    Ok(offices)
}

/// Where the next page starts: after this (folded name, id).
fn encode_token(person: &Person) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}\u{1f}{}", fold(&person.full_name), person.id))
}

fn decode_token(token: &str) -> Option<(String, Uuid)> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, id) = text.split_once('\u{1f}')?;
    Some((name.to_string(), Uuid::parse_str(id).ok()?))
}

/// The answer to `ListPeople` for `caller` on `today`.
pub fn list(
    snapshot: &DirectorySnapshot,
    caller: &Caller,
    today: NaiveDate,
    req: &wire::ListPeopleRequest,
) -> Result<wire::ListPeopleResponse, Error> {
    let mut c = Checker::new();
    let office = c.optional_id("office_id", &req.office_id).unwrap_or(caller.office_id);
    let role = if req.role == 0 {
        None
    } else {
        match Role::from_wire(req.role) {
            Some(role) => Some(role),
            None => {
                c.violation("role", "UNKNOWN_VALUE", format!("Vai trò {} không tồn tại", req.role));
                None
            }
        }
    };
    let words = c
        .optional_text("query", &req.query, 200)
        .map(|q| folded_words(&q))
        .unwrap_or_default();
    let page_size = c.page_size("page_size", req.page_size, 50, 500) as usize;
    let after = if req.page_token.is_empty() {
        None
    } else {
        let decoded = decode_token(&req.page_token);
        if decoded.is_none() {
            c.violation("page_token", "INVALID_FORMAT", "Mã trang không hợp lệ");
        }
        decoded
    };
    c.finish()?;

    let offices = visible_offices(snapshot, caller, office, req.include_descendants, today)?;
    let mut found: Vec<(String, &Person)> = offices
        .iter()
        .flat_map(|o| snapshot.people_of(*o))
        .filter(|p| !p.disabled)
        .filter(|p| role.is_none_or(|r| p.roles.contains(r)))
        .map(|p| (fold(&p.full_name), p))
        .filter(|(name, _)| words.iter().all(|w| name.contains(w.as_str())))
        .filter(|(name, p)| {
            after
                .as_ref()
                .is_none_or(|(after_name, after_id)| (name, &p.id) > (after_name, after_id))
        })
        .collect();
    found.sort_by(|(a, p), (b, q)| (a, p.id).cmp(&(b, q.id)));
    let next_page_token = if found.len() > page_size {
        found.truncate(page_size);
        found.last().map(|(_, p)| encode_token(p)).unwrap_or_default()
    } else {
        String::new()
    };
    Ok(wire::ListPeopleResponse {
        people: found
            .into_iter()
            .map(|(_, p)| wire::Person {
                id: p.id.to_string(),
                full_name: p.full_name.clone(),
                office_id: p.office_id.to_string(),
                office_name: snapshot.office_name(p.office_id),
                roles: p.roles.to_wire(),
            })
            .collect(),
        next_page_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_token_reads_back_and_garbage_does_not() {
        let person = Person {
            id: Uuid::now_v7(),
            full_name: "Trần Thị Hà".into(),
            office_id: Uuid::now_v7(),
            roles: [Role::Specialist].into_iter().collect(),
            disabled: false,
        };
        assert_eq!(
            decode_token(&encode_token(&person)),
            Some(("tran thi ha".to_string(), person.id))
        );
        assert_eq!(decode_token("not a token"), None);
        assert_eq!(decode_token(&URL_SAFE_NO_PAD.encode("no separator")), None);
    }
}
