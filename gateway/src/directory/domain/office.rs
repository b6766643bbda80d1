//! How the office tree may change.
//!
//! Each change is planned against the tree as it stands (inside the write
//! transaction) and checked as a whole before anything is written: the
//! offices involved exist on the effective date, the date comes after the
//! office's last change (history is appended to, never rewritten), and the
//! tree stays free of cycles on every date from the change onwards.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::tree::{Numbering, OfficeEntry, OfficeKind, OfficeTree, ParentLink};

/// Longest office name and code, in characters.
pub const MAX_NAME: usize = 200;
pub const MAX_CODE: usize = 32;
pub const MAX_ISSUER_CODE: usize = 20;
pub const MAX_REASON: usize = 1000;

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn not_found(field: &str, id: Uuid) -> Error {
    Error::NotFound(format!("Không tìm thấy đơn vị {id} ({field})"))
}

/// A new office as requested.
#[derive(Debug, Clone)]
pub struct NewOffice {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: OfficeKind,
    pub issuer_code: String,
    pub numbering: Numbering,
    pub parent_id: Uuid,
    pub established_on: NaiveDate,
}

/// What a person of `office` is told at sign-in once the office has ended
/// (docs/domain.md §1): where its work went and since when. `None` while
/// the office exists.
pub fn ended_notice(tree: &OfficeTree, office: Uuid, today: NaiveDate) -> Option<String> {
    let entry = tree.get(office)?;
    let ended = entry.dissolved_on.filter(|d| *d <= today)?;
    let holder = tree.holder_on(office, today);
    Some(match tree.get(holder).filter(|_| holder != office) {
        Some(successor) => format!(
            "{} đã được sáp nhập vào {} từ ngày {}. Tài khoản của bạn chưa được chuyển sang {}; \
             hãy liên hệ quản trị của {} để được cấp quyền làm việc tại đơn vị mới.",
            entry.name,
            successor.name,
            day(ended),
            successor.name,
            successor.name
        ),
        None => format!(
            "{} đã giải thể từ ngày {}. Tài khoản của bạn không còn dùng được; hãy liên hệ quản trị cấp trên.",
            entry.name,
            day(ended)
        ),
    })
}

/// The entry to insert for a new office under an existing parent.
pub fn plan_create(tree: &OfficeTree, new: NewOffice, now: DateTime<Utc>) -> Result<OfficeEntry, Error> {
    let parent = tree
        .get(new.parent_id)
        .ok_or_else(|| not_found("parent_id", new.parent_id))?;
    if !parent.exists_on(new.established_on) {
        return Err(Error::FailedPrecondition(format!(
            "Đơn vị cấp trên «{}» không tồn tại vào ngày {}",
            parent.name,
            day(new.established_on)
        )));
    }
    if parent.dissolved_on.is_some() {
        return Err(Error::FailedPrecondition(format!(
            "Đơn vị cấp trên «{}» đã giải thể, không thể thêm đơn vị trực thuộc",
            parent.name
        )));
    }
    Ok(OfficeEntry {
        id: new.id,
        code: new.code,
        name: new.name,
        kind: new.kind,
        issuer_code: new.issuer_code,
        numbering: new.numbering,
        established_on: new.established_on,
        dissolved_on: None,
        successor_id: None,
        split_into: Vec::new(),
        links: vec![ParentLink {
            parent_id: Some(new.parent_id),
            from: new.established_on,
            to: None,
            reason: "Thành lập".into(),
        }],
        created_at: now,
        updated_at: now,
    })
}

/// One office's parent changing on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reparent {
    pub office_id: Uuid,
    pub new_parent: Uuid,
    pub on: NaiveDate,
    pub reason: String,
}

/// An office ceasing to exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dissolution {
    pub office_id: Uuid,
    pub on: NaiveDate,
    pub successor: Option<Uuid>,
    /// A split's receiving offices besides the successor.
    pub split_into: Vec<Uuid>,
    pub reason: String,
    /// Its children, moving to the successor (or to a split's part).
    pub children: Vec<Reparent>,
}

/// One receiving office of a split besides the successor: the people and
/// offices below that go to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitShare {
    pub office_id: Uuid,
    pub people: Vec<Uuid>,
    pub children: Vec<Uuid>,
}

/// Applies a re-parenting to a copy of the tree.
fn apply_reparent(tree: &mut OfficeTree, change: &Reparent) {
    if let Some(mut entry) = tree.get(change.office_id).cloned() {
        if let Some(open) = entry.links.last_mut().filter(|l| l.to.is_none()) {
            open.to = Some(change.on);
        }
        entry.links.push(ParentLink {
            parent_id: Some(change.new_parent),
            from: change.on,
            to: None,
            reason: change.reason.clone(),
        });
        tree.upsert(entry);
    }
}

fn apply_dissolution(tree: &mut OfficeTree, change: &Dissolution) {
    for child in &change.children {
        apply_reparent(tree, child);
    }
    if let Some(mut entry) = tree.get(change.office_id).cloned() {
        if let Some(open) = entry.links.last_mut().filter(|l| l.to.is_none()) {
            open.to = Some(change.on);
        }
        entry.dissolved_on = Some(change.on);
        entry.successor_id = change.successor;
        entry.split_into = change.split_into.clone();
        tree.upsert(entry);
    }
}

/// Refuses a change that would make some office its own ancestor on any
/// date from `from` on.
fn ensure_acyclic(tree: &OfficeTree, from: NaiveDate, field: &str) -> Result<(), Error> {
    for date in tree.change_dates_from(from) {
        if tree.has_cycle_on(date) {
            return Err(Error::invalid(
                field,
                "CYCLE",
                format!(
                    "Thay đổi này tạo vòng lặp trong cây đơn vị (tính đến ngày {})",
                    day(date)
                ),
            ));
        }
    }
    Ok(())
}

/// Checks that `office` can change on `on`: it exists then, still exists,
/// and `on` comes after its last change.
fn ensure_changeable(office: &OfficeEntry, on: NaiveDate, field: &str) -> Result<(), Error> {
    if office.open_link().is_none() || office.dissolved_on.is_some() {
        return Err(Error::FailedPrecondition(format!(
            "Đơn vị «{}» đã giải thể",
            office.name
        )));
    }
    if on <= office.last_change() {
        return Err(Error::invalid(
            field,
            "OUT_OF_ORDER",
            format!(
                "Ngày hiệu lực phải sau lần thay đổi gần nhất của «{}» ({})",
                office.name,
                day(office.last_change())
            ),
        ));
    }
    Ok(())
}

/// A live office to receive children or records on `on`.
fn ensure_receiver(receiver: &OfficeEntry, on: NaiveDate) -> Result<(), Error> {
    if !receiver.exists_on(on) || receiver.dissolved_on.is_some() {
        return Err(Error::FailedPrecondition(format!(
            "Đơn vị «{}» không còn hoạt động vào ngày {}",
            receiver.name,
            day(on)
        )));
    }
    Ok(())
}

/// Plans moving `office_id` under `new_parent` from `on`.
pub fn plan_move(tree: &OfficeTree, change: Reparent) -> Result<Reparent, Error> {
    let office = tree
        .get(change.office_id)
        .ok_or_else(|| not_found("office_id", change.office_id))?;
    let parent = tree
        .get(change.new_parent)
        .ok_or_else(|| not_found("new_parent_id", change.new_parent))?;
    if office.id == parent.id {
        return Err(Error::invalid(
            "new_parent_id",
            "CYCLE",
            "Không thể đặt một đơn vị làm cấp trên của chính nó",
        ));
    }
    ensure_changeable(office, change.on, "effective_date")?;
    if office.parent_on(change.on) == Some(parent.id) {
        return Err(Error::FailedPrecondition(format!(
            "«{}» đã trực thuộc «{}» vào ngày {}",
            office.name,
            parent.name,
            day(change.on)
        )));
    }
    ensure_receiver(parent, change.on)?;
    let mut after = tree.clone();
    apply_reparent(&mut after, &change);
    ensure_acyclic(&after, change.on, "new_parent_id")?;
    Ok(change)
}

/// Plans dissolving an office on `on`; its children move to the successor.
pub fn plan_dissolve(
    tree: &OfficeTree,
    office_id: Uuid,
    on: NaiveDate,
    successor: Option<Uuid>,
    reason: &str,
) -> Result<Dissolution, Error> {
    let office = tree.get(office_id).ok_or_else(|| not_found("office_id", office_id))?;
    ensure_changeable(office, on, "effective_date")?;
    if office.parent_on(on).is_none() {
        return Err(Error::FailedPrecondition(format!(
            "Không thể giải thể đơn vị gốc «{}»",
            office.name
        )));
    }
    let later_children = tree
        .entries()
        .into_iter()
        .any(|o| o.links.iter().any(|l| l.parent_id == Some(office_id) && l.from > on));
    if later_children {
        return Err(Error::FailedPrecondition(format!(
            "«{}» có đơn vị được chuyển về trực thuộc sau ngày {}; không thể giải thể trước ngày đó",
            office.name,
            day(on)
        )));
    }
    let children = tree.children_on(office_id, on);
    if let Some(successor_id) = successor {
        let receiver = tree
            .get(successor_id)
            .ok_or_else(|| not_found("successor_id", successor_id))?;
        if successor_id == office_id || tree.descendants_on(office_id, on).contains(&successor_id) {
            return Err(Error::invalid(
                "successor_id",
                "CYCLE",
                "Đơn vị tiếp nhận không được là chính đơn vị giải thể hoặc đơn vị trực thuộc nó",
            ));
        }
        ensure_receiver(receiver, on)?;
    } else if !children.is_empty() {
        return Err(Error::invalid(
            "successor_id",
            "REQUIRED",
            format!(
                "«{}» còn {} đơn vị trực thuộc; phải chỉ định đơn vị tiếp nhận",
                office.name,
                children.len()
            ),
        ));
    }
    let mut moves = Vec::new();
    for child_id in children {
        let Some(child) = tree.get(child_id) else { continue };
        ensure_changeable(child, on, "effective_date")?;
        if let Some(receiver) = successor {
            moves.push(Reparent {
                office_id: child_id,
                new_parent: receiver,
                on,
                reason: format!("Chuyển về đơn vị tiếp nhận khi giải thể «{}»", office.name),
            });
        }
    }
    let plan = Dissolution {
        office_id,
        on,
        successor,
        split_into: Vec::new(),
        reason: reason.to_string(),
        children: moves,
    };
    let mut after = tree.clone();
    apply_dissolution(&mut after, &plan);
    ensure_acyclic(&after, on, "successor_id")?;
    Ok(plan)
}

/// Plans merging several offices into one on `on`.
pub fn plan_merge(
    tree: &OfficeTree,
    absorbed: &[Uuid],
    into: Uuid,
    on: NaiveDate,
    reason: &str,
) -> Result<Vec<Dissolution>, Error> {
    if absorbed.is_empty() {
        return Err(Error::invalid(
            "office_ids",
            "REQUIRED",
            "Phải có ít nhất một đơn vị được hợp nhất",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if absorbed.iter().any(|id| !seen.insert(*id)) {
        return Err(Error::invalid(
            "office_ids",
            "DUPLICATE",
            "Một đơn vị được nêu nhiều lần",
        ));
    }
    if absorbed.contains(&into) {
        return Err(Error::invalid(
            "into_office_id",
            "CYCLE",
            "Đơn vị tiếp nhận không được nằm trong danh sách hợp nhất",
        ));
    }
    let mut working = tree.clone();
    let mut plans = Vec::new();
    for id in absorbed {
        let plan = plan_dissolve(&working, *id, on, Some(into), reason)?;
        apply_dissolution(&mut working, &plan);
        plans.push(plan);
    }
    Ok(plans)
}

/// Plans splitting `office_id` on `on`: `successor` keeps its records and
/// takes whatever no share names; each share's office takes its listed
/// offices below (its people are moved by the caller, who knows the users).
pub fn plan_split(
    tree: &OfficeTree,
    office_id: Uuid,
    on: NaiveDate,
    successor: Uuid,
    shares: &[SplitShare],
    reason: &str,
) -> Result<Dissolution, Error> {
    if shares.is_empty() {
        return Err(Error::invalid(
            "parts",
            "REQUIRED",
            "Chia tách cần ít nhất một đơn vị tiếp nhận ngoài đơn vị kế thừa",
        ));
    }
    let mut plan = plan_dissolve(tree, office_id, on, Some(successor), reason)?;
    let below = tree.descendants_on(office_id, on);
    let mut receivers = std::collections::HashSet::from([successor]);
    let mut placed = std::collections::HashSet::new();
    for (i, share) in shares.iter().enumerate() {
        let field = format!("parts[{i}].office_id");
        let part = tree
            .get(share.office_id)
            .ok_or_else(|| not_found(&field, share.office_id))?;
        if share.office_id == office_id || below.contains(&share.office_id) {
            return Err(Error::invalid(
                &field,
                "CYCLE",
                "Đơn vị tiếp nhận không được là chính đơn vị chia tách hoặc đơn vị trực thuộc nó",
            ));
        }
        if !receivers.insert(share.office_id) {
            return Err(Error::invalid(
                &field,
                "DUPLICATE",
                format!("«{}» được nêu nhiều lần trong các đơn vị tiếp nhận", part.name),
            ));
        }
        ensure_receiver(part, on)?;
        for (j, child) in share.children.iter().enumerate() {
            let field = format!("parts[{i}].child_office_ids[{j}]");
            let Some(moving) = plan.children.iter_mut().find(|c| c.office_id == *child) else {
                return Err(Error::invalid(
                    &field,
                    "NOT_A_CHILD",
                    format!(
                        "{} không trực thuộc đơn vị chia tách vào ngày {}",
                        tree.get(*child)
                            .map_or_else(|| child.to_string(), |o| format!("«{}»", o.name)),
                        day(on)
                    ),
                ));
            };
            if !placed.insert(*child) {
                return Err(Error::invalid(
                    &field,
                    "DUPLICATE",
                    "Một đơn vị trực thuộc được giao cho nhiều đơn vị tiếp nhận",
                ));
            }
            moving.new_parent = share.office_id;
            moving.reason = format!(
                "Chuyển về {} khi chia tách «{}»",
                part.name,
                tree.get(office_id).map_or("", |o| o.name.as_str())
            );
        }
    }
    plan.split_into = shares.iter().map(|s| s.office_id).collect();
    let mut after = tree.clone();
    apply_dissolution(&mut after, &plan);
    ensure_acyclic(&after, on, "parts")?;
    Ok(plan)
}

/// Where each of a split office's people goes: listed people to their
/// share, the others to the successor. Refuses a person who is not one of
/// `members` (the office's users) or is listed twice.
pub fn split_destinations(
    members: &[Uuid],
    successor: Uuid,
    shares: &[SplitShare],
) -> Result<std::collections::HashMap<Uuid, Uuid>, Error> {
    let mut to: std::collections::HashMap<Uuid, Uuid> = members.iter().map(|m| (*m, successor)).collect();
    let mut listed = std::collections::HashSet::new();
    for (i, share) in shares.iter().enumerate() {
        for (j, person) in share.people.iter().enumerate() {
            let field = format!("parts[{i}].person_ids[{j}]");
            if !to.contains_key(person) {
                return Err(Error::invalid(
                    &field,
                    "NOT_IN_OFFICE",
                    "Người này không thuộc đơn vị chia tách",
                ));
            }
            if !listed.insert(*person) {
                return Err(Error::invalid(
                    &field,
                    "DUPLICATE",
                    "Một người được giao cho nhiều đơn vị tiếp nhận",
                ));
            }
            to.insert(*person, share.office_id);
        }
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn entry(code: &str, parent: Option<Uuid>, from: &str) -> OfficeEntry {
        OfficeEntry {
            id: Uuid::now_v7(),
            code: code.into(),
            name: code.into(),
            kind: OfficeKind::District,
            issuer_code: "HU".into(),
            numbering: Numbering::Party,
            established_on: date(from),
            dissolved_on: None,
            successor_id: None,
            split_into: Vec::new(),
            links: vec![ParentLink {
                parent_id: parent,
                from: date(from),
                to: None,
                reason: String::new(),
            }],
            created_at: DateTime::default(),
            updated_at: DateTime::default(),
        }
    }

    struct Fixture {
        tree: OfficeTree,
        province: Uuid,
        d1: Uuid,
        d2: Uuid,
        commune: Uuid,
    }

    fn fixture() -> Fixture {
        let province = entry("TU", None, "2000-01-01");
        let d1 = entry("HU1", Some(province.id), "2000-01-01");
        let d2 = entry("HU2", Some(province.id), "2000-01-01");
        let commune = entry("DU1", Some(d1.id), "2000-01-01");
        Fixture {
            province: province.id,
            d1: d1.id,
            d2: d2.id,
            commune: commune.id,
            tree: OfficeTree::new([province, d1, d2, commune]),
        }
    }

    fn reparent(office: Uuid, parent: Uuid, on: &str) -> Reparent {
        Reparent {
            office_id: office,
            new_parent: parent,
            on: date(on),
            reason: "test".into(),
        }
    }

    #[test]
    fn move_checks_order_cycles_and_no_op() {
        let f = fixture();
        assert!(plan_move(&f.tree, reparent(f.commune, f.d2, "2025-07-01")).is_ok());
        // Under its own descendant.
        let err = plan_move(&f.tree, reparent(f.d1, f.commune, "2025-07-01")).expect_err("cycle");
        assert!(matches!(err, Error::InvalidArgument(ref v) if v[0].reason == "CYCLE"));
        // Before its last change.
        let err = plan_move(&f.tree, reparent(f.commune, f.d2, "1999-12-31")).expect_err("order");
        assert!(matches!(err, Error::InvalidArgument(ref v) if v[0].field == "effective_date"));
        // Already there.
        assert!(matches!(
            plan_move(&f.tree, reparent(f.commune, f.d1, "2025-07-01")),
            Err(Error::FailedPrecondition(_))
        ));
        // Unknown office.
        assert!(matches!(
            plan_move(&f.tree, reparent(Uuid::now_v7(), f.d1, "2025-07-01")),
            Err(Error::NotFound(_))
        ));
    }

    #[test]
    fn a_future_move_cannot_combine_into_a_cycle() {
        let f = fixture();
        let mut tree = f.tree.clone();
        // From 2026, HU1 goes under DU1's future parent HU2 … fine on its own.
        apply_reparent(&mut tree, &reparent(f.d1, f.d2, "2026-01-01"));
        // Moving HU2 under DU1 from 2025 would make HU1 → HU2 → DU1 → HU1 in 2026.
        let err = plan_move(&tree, reparent(f.d2, f.commune, "2025-06-01")).expect_err("cycle later");
        assert!(matches!(err, Error::InvalidArgument(ref v) if v[0].reason == "CYCLE"));
    }

    #[test]
    fn dissolve_needs_successor_for_children_and_moves_them() {
        let f = fixture();
        let err = plan_dissolve(&f.tree, f.d1, date("2025-07-01"), None, "").expect_err("successor");
        assert!(matches!(err, Error::InvalidArgument(ref v) if v[0].field == "successor_id"));
        let plan = plan_dissolve(&f.tree, f.d1, date("2025-07-01"), Some(f.d2), "").expect("plan");
        assert_eq!(
            plan.children,
            vec![Reparent {
                office_id: f.commune,
                new_parent: f.d2,
                on: date("2025-07-01"),
                reason: "Chuyển về đơn vị tiếp nhận khi giải thể «HU1»".into(),
            }]
        );
        // A successor below the dissolved office is refused.
        let err = plan_dissolve(&f.tree, f.d1, date("2025-07-01"), Some(f.commune), "").expect_err("below");
        assert!(matches!(err, Error::InvalidArgument(ref v) if v[0].field == "successor_id"));
        // The root cannot be dissolved.
        assert!(matches!(
            plan_dissolve(&f.tree, f.province, date("2025-07-01"), Some(f.d2), ""),
            Err(Error::FailedPrecondition(_))
        ));
    }

    #[test]
    fn split_sends_listed_children_to_their_part_and_the_rest_to_the_successor() {
        let f = fixture();
        let other = entry("HU3", Some(f.province), "2000-01-01");
        let second_commune = entry("DU2", Some(f.d1), "2000-01-01");
        let (other_id, second_id) = (other.id, second_commune.id);
        let mut tree = f.tree.clone();
        tree.upsert(other);
        tree.upsert(second_commune);
        let share = |children: Vec<Uuid>| SplitShare {
            office_id: other_id,
            people: Vec::new(),
            children,
        };
        let on = date("2025-07-01");
        let plan = plan_split(&tree, f.d1, on, f.d2, &[share(vec![second_id])], "Chia tách").expect("split");
        assert_eq!(plan.successor, Some(f.d2));
        assert_eq!(plan.split_into, vec![other_id]);
        let parent_of = |id| plan.children.iter().find(|c| c.office_id == id).map(|c| c.new_parent);
        assert_eq!(parent_of(second_id), Some(other_id));
        assert_eq!(parent_of(f.commune), Some(f.d2));
        // No part, a part that is the successor, a child of someone else.
        assert!(plan_split(&tree, f.d1, on, f.d2, &[], "").is_err());
        let err = plan_split(
            &tree,
            f.d1,
            on,
            f.d2,
            &[SplitShare {
                office_id: f.d2,
                ..share(vec![])
            }],
            "",
        )
        .expect_err("duplicate");
        assert!(matches!(err, Error::InvalidArgument(ref v) if v[0].reason == "DUPLICATE"));
        let err = plan_split(&tree, f.d1, on, f.d2, &[share(vec![f.d2])], "").expect_err("not a child");
        assert!(matches!(err, Error::InvalidArgument(ref v) if v[0].field == "parts[0].child_office_ids[0]"));
        // A part below the split office would hang under itself.
        let err = plan_split(
            &tree,
            f.d1,
            on,
            f.d2,
            &[SplitShare {
                office_id: f.commune,
                ..share(vec![])
            }],
            "",
        )
        .expect_err("below");
        assert!(matches!(err, Error::InvalidArgument(ref v) if v[0].reason == "CYCLE"));
    }

    #[test]
    fn merge_dissolves_each_into_the_receiver() {
        let f = fixture();
        let plans = plan_merge(&f.tree, &[f.d1], f.d2, date("2025-07-01"), "Hợp nhất").expect("merge");
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0].successor, Some(f.d2));
        assert!(plan_merge(&f.tree, &[f.d1, f.d1], f.d2, date("2025-07-01"), "").is_err());
        assert!(plan_merge(&f.tree, &[f.d2], f.d2, date("2025-07-01"), "").is_err());
        assert!(plan_merge(&f.tree, &[], f.d2, date("2025-07-01"), "").is_err());
    }
}
