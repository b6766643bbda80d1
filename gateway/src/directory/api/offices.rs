//! `OfficeService`: reading and restructuring the office tree.

use std::sync::Arc;

use chrono::NaiveDate;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use vanphong_platform::db::Tx;
use vanphong_platform::idempotency::IdempotencyKey;
use vanphong_platform::identity::Caller;
use vanphong_platform::tree::{Numbering, OfficeEntry, OfficeKind, OfficeTree};
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::directory::v1::office_service_server::OfficeService;
use vanphong_proto::directory::v1::{
    CreateOfficeRequest, DissolveOfficeRequest, GetOfficeRequest, GetOfficeTreeRequest, GetOfficeTreeResponse,
    ListOfficesRequest, ListOfficesResponse, MergeOfficesRequest, MergeOfficesResponse, MoveOfficeRequest, Office,
    OfficeNode, SplitOfficeRequest, SplitOfficeResponse, SplitPart, UpdateOfficeRequest,
};

use super::audited::record_change;
use super::convert::office_to_wire;
use crate::directory::Directory;
use crate::directory::domain::office::{
    self as rules, Dissolution, MAX_CODE, MAX_ISSUER_CODE, MAX_NAME, MAX_REASON, NewOffice, Reparent, SplitShare,
};
use crate::directory::store;

pub struct OfficeApi {
    dir: Arc<Directory>,
}

impl OfficeApi {
    pub fn new(dir: Arc<Directory>) -> Self {
        Self { dir }
    }
}

/// Codes: letters, digits, `.`, `_`, `-`; issuer codes: letters (Vietnamese
/// included, e.g. "ĐU") and digits.
fn check_code(c: &mut Checker, field: &str, value: &str, max: usize, issuer: bool) -> String {
    let code = c.text(field, value, max);
    let ok = code.chars().all(|ch| {
        if issuer {
            ch.is_alphanumeric()
        } else {
            ch.is_ascii_alphanumeric() || "._-".contains(ch)
        }
    });
    if !code.is_empty() && !ok {
        let what = if issuer {
            "Chỉ gồm chữ cái và chữ số, không có khoảng trắng"
        } else {
            "Chỉ gồm chữ cái không dấu, chữ số và các dấu . _ -"
        };
        c.violation(field, "INVALID_FORMAT", what);
    }
    code
}

fn reason(c: &mut Checker, value: &str) -> String {
    c.optional_text("reason", value, MAX_REASON).unwrap_or_default()
}

/// Opens the write transaction of a structure change: tree changes are
/// serialised, and planned against the tree as stored.
async fn begin_structure_change(dir: &Directory) -> Result<(Tx, OfficeTree), Error> {
    let mut tx = dir.db.begin_write().await?;
    store::lock_structure(&mut tx).await?;
    let tree = OfficeTree::new(store::offices::load_all(&mut tx).await?);
    Ok((tx, tree))
}

impl OfficeApi {
    fn current_tree(&self) -> Arc<vanphong_platform::directory::DirectorySnapshot> {
        self.dir.view().current()
    }

    async fn create(&self, request: Request<CreateOfficeRequest>) -> Result<Office, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let today = self.dir.today();
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let code = check_code(&mut c, "code", &req.code, MAX_CODE, false);
        let name = c.text("name", &req.name, MAX_NAME);
        let kind = c.known_enum("kind", req.kind, OfficeKind::from_wire, OfficeKind::Other);
        let issuer_code = check_code(&mut c, "issuer_code", &req.issuer_code, MAX_ISSUER_CODE, true);
        let numbering = c.known_enum("numbering", req.numbering, Numbering::from_wire, Numbering::State);
        let parent_id = c.id("parent_id", &req.parent_id);
        let established_on = c.date_or("established_on", &req.established_on, today);
        c.finish()?;

        let snapshot = self.current_tree();
        if snapshot.tree.get(parent_id).is_none() {
            return Err(Error::NotFound(format!("Không tìm thấy đơn vị cấp trên {parent_id}")));
        }
        caller.ensure_administer(&snapshot.tree, parent_id, today)?;

        let now = self.dir.clock.now();
        let key = IdempotencyKey::new(&caller, "CreateOffice", request_id.as_deref(), &req);
        let (mut tx, tree) = begin_structure_change(&self.dir).await?;
        vanphong_platform::replay_or_claim!(key, tx, now);
        if store::offices::code_taken(&mut tx, &code).await? {
            return Err(Error::AlreadyExists(format!("Mã đơn vị «{code}» đã được dùng")));
        }
        let entry = rules::plan_create(
            &tree,
            NewOffice {
                id: ids::new_id(),
                code,
                name,
                kind,
                issuer_code,
                numbering,
                parent_id,
                established_on,
            },
            now,
        )?;
        store::offices::insert(&mut tx, &entry).await?;
        store::bump_version(&mut tx).await?;
        record_change::<OfficeEntry>(&mut tx, &caller, now, None, &entry, "create").await?;
        let response = office_to_wire(&entry, today.max(established_on));
        vanphong_platform::remember!(key, tx, response);
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(response)
    }

    fn get(&self, request: Request<GetOfficeRequest>) -> Result<Office, Error> {
        Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let id = c.id("office_id", &req.office_id);
        let as_of = c.date_or("as_of", &req.as_of, self.dir.today());
        c.finish()?;
        let snapshot = self.current_tree();
        let office = snapshot
            .tree
            .get(id)
            .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {id}")))?;
        Ok(office_to_wire(office, as_of))
    }

    fn list(&self, request: Request<ListOfficesRequest>) -> Result<ListOfficesResponse, Error> {
        Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let as_of = c.date_or("as_of", &req.as_of, self.dir.today());
        c.finish()?;
        let snapshot = self.current_tree();
        let offices = snapshot
            .tree
            .entries()
            .into_iter()
            .filter(|o| {
                if req.include_dissolved {
                    o.established_on <= as_of
                } else {
                    o.exists_on(as_of)
                }
            })
            .map(|o| office_to_wire(o, as_of))
            .collect();
        Ok(ListOfficesResponse {
            offices,
            as_of: vanphong_platform::clock::format_date(as_of),
        })
    }

    fn tree(&self, request: Request<GetOfficeTreeRequest>) -> Result<GetOfficeTreeResponse, Error> {
        Caller::of(&request)?;
        let req = request.into_inner();
        let mut c = Checker::new();
        let as_of = c.date_or("as_of", &req.as_of, self.dir.today());
        let root = c.optional_id("root_id", &req.root_id);
        c.finish()?;
        let snapshot = self.current_tree();
        let tree = &snapshot.tree;
        let roots = match root {
            Some(id) => {
                if !tree.exists_on(id, as_of) {
                    return Err(Error::NotFound(format!(
                        "Đơn vị {id} không tồn tại vào ngày {}",
                        as_of.format("%d/%m/%Y")
                    )));
                }
                vec![id]
            }
            None => tree.roots_on(as_of),
        };
        Ok(GetOfficeTreeResponse {
            as_of: vanphong_platform::clock::format_date(as_of),
            roots: roots.into_iter().filter_map(|id| node(tree, id, as_of, 0)).collect(),
        })
    }

    async fn update(&self, request: Request<UpdateOfficeRequest>) -> Result<Office, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let today = self.dir.today();
        let mut c = Checker::new();
        let id = c.id("office_id", &req.office_id);
        let name = req.name.as_deref().map(|n| c.text("name", n, MAX_NAME));
        let issuer_code = req
            .issuer_code
            .as_deref()
            .map(|v| check_code(&mut c, "issuer_code", v, MAX_ISSUER_CODE, true));
        let numbering = req
            .numbering
            .map(|n| c.known_enum("numbering", n, Numbering::from_wire, Numbering::State));
        if name.is_none() && issuer_code.is_none() && numbering.is_none() {
            c.violation(
                "name",
                "REQUIRED",
                "Phải nêu ít nhất một thông tin cần thay đổi (name, issuer_code, numbering)",
            );
        }
        c.finish()?;
        caller.ensure_administer(&self.current_tree().tree, id, today)?;

        let now = self.dir.clock.now();
        let (mut tx, tree) = begin_structure_change(&self.dir).await?;
        let before = tree
            .get(id)
            .cloned()
            .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {id}")))?;
        let mut after = before.clone();
        if let Some(name) = name {
            after.name = name;
        }
        if let Some(issuer) = issuer_code {
            after.issuer_code = issuer;
        }
        if let Some(numbering) = numbering {
            after.numbering = numbering;
        }
        after.updated_at = now;
        store::offices::update_fields(&mut tx, &after).await?;
        store::bump_version(&mut tx).await?;
        record_change(&mut tx, &caller, now, Some(&before), &after, "update").await?;
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(office_to_wire(&after, today))
    }

    async fn relocate(&self, request: Request<MoveOfficeRequest>) -> Result<Office, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let today = self.dir.today();
        let mut c = Checker::new();
        let id = c.id("office_id", &req.office_id);
        let new_parent = c.id("new_parent_id", &req.new_parent_id);
        let on = c.date("effective_date", &req.effective_date);
        let reason = reason(&mut c, &req.reason);
        c.finish()?;
        {
            let snapshot = self.current_tree();
            let tree = &snapshot.tree;
            let office = tree
                .get(id)
                .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {id}")))?;
            ensure_administer_parent(&caller, tree, office, on, today)?;
            caller.ensure_administer(tree, new_parent, today)?;
        }

        let now = self.dir.clock.now();
        let (mut tx, tree) = begin_structure_change(&self.dir).await?;
        let plan = rules::plan_move(
            &tree,
            Reparent {
                office_id: id,
                new_parent,
                on,
                reason: if reason.is_empty() {
                    "Chuyển đơn vị cấp trên".into()
                } else {
                    reason
                },
            },
        )?;
        let after = apply_reparent_in_store(&mut tx, &caller, &tree, &plan, now).await?;
        store::bump_version(&mut tx).await?;
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(office_to_wire(&after, today.max(on)))
    }

    async fn dissolve(&self, request: Request<DissolveOfficeRequest>) -> Result<Office, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let today = self.dir.today();
        let mut c = Checker::new();
        let id = c.id("office_id", &req.office_id);
        let on = c.date("effective_date", &req.effective_date);
        let successor = c.optional_id("successor_id", &req.successor_id);
        let reason = reason(&mut c, &req.reason);
        if req.move_people {
            check_move_people(&mut c, on, today);
            if successor.is_none() {
                c.violation(
                    "successor_id",
                    "REQUIRED",
                    "Phải chọn đơn vị kế thừa để chuyển người dùng sang",
                );
            }
        }
        let request_id = c.request_id(&req.request_id);
        c.finish()?;
        let now = self.dir.clock.now();
        // A retry is answered before the checks: the office has ended since.
        let key = IdempotencyKey::new(&caller, "DissolveOffice", request_id.as_deref(), &req);
        let (mut tx, tree) = begin_structure_change(&self.dir).await?;
        vanphong_platform::replay_or_claim!(key, tx, now);
        let office = tree
            .get(id)
            .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {id}")))?;
        ensure_administer_parent(&caller, &tree, office, on, today)?;
        if let Some(s) = successor {
            caller.ensure_administer(&tree, s, today)?;
        }
        let plan = rules::plan_dissolve(&tree, id, on, successor, &reason)?;
        let dissolved = apply_dissolution_in_store(&mut tx, &caller, &tree, &plan, now).await?;
        if let (true, Some(to)) = (req.move_people, successor) {
            move_people(&mut tx, &caller, id, &|_| to, now).await?;
        }
        store::bump_version(&mut tx).await?;
        let response = office_to_wire(&dissolved, on.pred_opt().unwrap_or(on));
        vanphong_platform::remember!(key, tx, response);
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(response)
    }

    async fn merge(&self, request: Request<MergeOfficesRequest>) -> Result<MergeOfficesResponse, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let today = self.dir.today();
        let mut c = Checker::new();
        let absorbed: Vec<Uuid> = req
            .office_ids
            .iter()
            .enumerate()
            .map(|(i, v)| c.id(&format!("office_ids[{i}]"), v))
            .collect();
        if req.office_ids.is_empty() {
            c.violation("office_ids", "REQUIRED", "Phải có ít nhất một đơn vị được hợp nhất");
        }
        let into = c.id("into_office_id", &req.into_office_id);
        let on = c.date("effective_date", &req.effective_date);
        let reason = reason(&mut c, &req.reason);
        if req.move_people {
            check_move_people(&mut c, on, today);
        }
        let request_id = c.request_id(&req.request_id);
        c.finish()?;
        let now = self.dir.clock.now();
        // A retry is answered before the checks: the offices have ended since.
        let key = IdempotencyKey::new(&caller, "MergeOffices", request_id.as_deref(), &req);
        let (mut tx, tree) = begin_structure_change(&self.dir).await?;
        vanphong_platform::replay_or_claim!(key, tx, now);
        caller.ensure_administer(&tree, into, today)?;
        for id in &absorbed {
            let office = tree
                .get(*id)
                .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {id}")))?;
            ensure_administer_parent(&caller, &tree, office, on, today)?;
        }
        let reason = if reason.is_empty() {
            "Hợp nhất đơn vị".to_string()
        } else {
            reason
        };
        let plans = rules::plan_merge(&tree, &absorbed, into, on, &reason)?;
        let mut working = tree.clone();
        let mut dissolved = Vec::new();
        for plan in &plans {
            let entry = apply_dissolution_in_store(&mut tx, &caller, &working, plan, now).await?;
            for child in &plan.children {
                if let Some(moved) = moved_entry(&working, child, now) {
                    working.upsert(moved);
                }
            }
            working.upsert(entry.clone());
            dissolved.push(entry);
        }
        let mut people_moved = 0;
        if req.move_people {
            for id in &absorbed {
                people_moved += move_people(&mut tx, &caller, *id, &|_| into, now).await?;
            }
        }
        store::bump_version(&mut tx).await?;
        let response = MergeOfficesResponse {
            into: working.get(into).map(|o| office_to_wire(o, today.max(on))),
            dissolved: dissolved
                .iter()
                .map(|o| office_to_wire(o, on.pred_opt().unwrap_or(on)))
                .collect(),
            people_moved,
        };
        vanphong_platform::remember!(key, tx, response);
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(response)
    }
    async fn split(&self, request: Request<SplitOfficeRequest>) -> Result<SplitOfficeResponse, Error> {
        let caller = Caller::of(&request)?;
        let req = request.into_inner();
        let today = self.dir.today();
        let mut c = Checker::new();
        let id = c.id("office_id", &req.office_id);
        let on = c.date("effective_date", &req.effective_date);
        let successor = c.id("successor_id", &req.successor_id);
        let shares = split_shares(&mut c, &req.parts);
        let reason = reason(&mut c, &req.reason);
        if req.move_people {
            check_move_people(&mut c, on, today);
        }
        check_split_people_listed(&mut c, &shares, req.move_people);
        let request_id = c.request_id(&req.request_id);
        c.finish()?;
        let now = self.dir.clock.now();
        // A retry is answered before the checks: the office has ended since.
        let key = IdempotencyKey::new(&caller, "SplitOffice", request_id.as_deref(), &req);
        let (mut tx, tree) = begin_structure_change(&self.dir).await?;
        vanphong_platform::replay_or_claim!(key, tx, now);
        let office = tree
            .get(id)
            .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {id}")))?;
        ensure_administer_parent(&caller, &tree, office, on, today)?;
        for receiver in std::iter::once(successor).chain(shares.iter().map(|s| s.office_id)) {
            caller.ensure_administer(&tree, receiver, today)?;
        }
        let reason = if reason.is_empty() {
            "Chia tách đơn vị".to_string()
        } else {
            reason
        };
        let plan = rules::plan_split(&tree, id, on, successor, &shares, &reason)?;
        let members: Vec<Uuid> = store::users::load_all(&mut tx)
            .await?
            .into_iter()
            .filter(|u| u.office_id == id)
            .map(|u| u.id)
            .collect();
        let destinations = rules::split_destinations(&members, successor, &shares)?;
        let dissolved = apply_dissolution_in_store(&mut tx, &caller, &tree, &plan, now).await?;
        let people_moved = if req.move_people {
            let to = |person: Uuid| destinations.get(&person).copied().unwrap_or(successor);
            move_people(&mut tx, &caller, id, &to, now).await?
        } else {
            0
        };
        store::bump_version(&mut tx).await?;
        let response = SplitOfficeResponse {
            office: Some(office_to_wire(&dissolved, on.pred_opt().unwrap_or(on))),
            people_moved,
        };
        vanphong_platform::remember!(key, tx, response);
        tx.commit().await?;
        self.dir.reload().await?;
        Ok(response)
    }
}

/// The most receiving offices one split may name.
const MAX_PARTS: usize = 50;

/// A split's parts as requested, each field checked.
pub(super) fn split_shares(c: &mut Checker, parts: &[SplitPart]) -> Vec<SplitShare> {
    if parts.len() > MAX_PARTS {
        c.violation("parts", "TOO_MANY", format!("Tối đa {MAX_PARTS} đơn vị tiếp nhận"));
        return Vec::new();
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| SplitShare {
            office_id: c.id(&format!("parts[{i}].office_id"), &part.office_id),
            people: part
                .person_ids
                .iter()
                .enumerate()
                .map(|(j, v)| c.id(&format!("parts[{i}].person_ids[{j}]"), v))
                .collect(),
            children: part
                .child_office_ids
                .iter()
                .enumerate()
                .map(|(j, v)| c.id(&format!("parts[{i}].child_office_ids[{j}]"), v))
                .collect(),
        })
        .collect()
}

/// People are named for a part only when they move with the split.
pub(super) fn check_split_people_listed(c: &mut Checker, shares: &[SplitShare], move_people: bool) {
    if !move_people && shares.iter().any(|s| !s.people.is_empty()) {
        c.violation(
            "move_people",
            "REQUIRED",
            "Chỉ nêu người dùng cho từng đơn vị tiếp nhận khi chọn chuyển người dùng",
        );
    }
}

/// Users move with a reorganisation only once it is in effect: until then
/// they still work in the old office.
pub(super) fn check_move_people(c: &mut Checker, on: NaiveDate, today: NaiveDate) {
    if on > today {
        c.violation(
            "move_people",
            "NOT_YET_EFFECTIVE",
            "Chỉ chuyển người dùng khi ngày hiệu lực đã đến; hãy chuyển họ từ ngày đó",
        );
    }
}

/// Moves every user of `from` to the office `to` names for them, keeping
/// roles and history; each move is audited. Returns how many moved.
async fn move_people(
    tx: &mut Tx,
    caller: &Caller,
    from: Uuid,
    to: &(dyn Fn(Uuid) -> Uuid + Sync),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i32, Error> {
    let mut moved = 0;
    for before in store::users::load_all(tx)
        .await?
        .into_iter()
        .filter(|u| u.office_id == from)
    {
        let mut after = before.clone();
        after.office_id = to(before.id);
        after.updated_at = now;
        store::users::move_to_office(tx, &after).await?;
        record_change(tx, caller, now, Some(&before), &after, "move").await?;
        moved += 1;
    }
    Ok(moved)
}

/// Moving or dissolving an office is for admins above it.
pub(super) fn ensure_administer_parent(
    caller: &Caller,
    tree: &OfficeTree,
    office: &OfficeEntry,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<(), Error> {
    let parent = office
        .parent_on(today)
        .or_else(|| office.parent_on(on))
        .ok_or_else(|| {
            Error::FailedPrecondition(format!(
                "«{}» là đơn vị gốc, không thể chuyển hay giải thể",
                office.name
            ))
        })?;
    caller.ensure_administer(tree, parent, today)
}

/// The entry after a re-parenting.
fn moved_entry(tree: &OfficeTree, change: &Reparent, now: chrono::DateTime<chrono::Utc>) -> Option<OfficeEntry> {
    let mut entry = tree.get(change.office_id)?.clone();
    if let Some(open) = entry.links.last_mut().filter(|l| l.to.is_none()) {
        open.to = Some(change.on);
    }
    entry.links.push(vanphong_platform::tree::ParentLink {
        parent_id: Some(change.new_parent),
        from: change.on,
        to: None,
        reason: change.reason.clone(),
    });
    entry.updated_at = now;
    Some(entry)
}

/// Writes a re-parenting and its audit record; returns the office after.
async fn apply_reparent_in_store(
    tx: &mut Tx,
    caller: &Caller,
    tree: &OfficeTree,
    change: &Reparent,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<OfficeEntry, Error> {
    let before = tree
        .get(change.office_id)
        .cloned()
        .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {}", change.office_id)))?;
    let after = moved_entry(tree, change, now).unwrap_or_else(|| before.clone());
    store::offices::close_open_link(tx, change.office_id, change.on).await?;
    if let Some(link) = after.links.last() {
        store::offices::insert_link(tx, change.office_id, link).await?;
    }
    store::offices::touch(tx, change.office_id, now).await?;
    record_change(tx, caller, now, Some(&before), &after, "move").await?;
    Ok(after)
}

/// Writes a dissolution (children first) and its audit records; returns the
/// dissolved office.
async fn apply_dissolution_in_store(
    tx: &mut Tx,
    caller: &Caller,
    tree: &OfficeTree,
    plan: &Dissolution,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<OfficeEntry, Error> {
    for child in &plan.children {
        apply_reparent_in_store(tx, caller, tree, child, now).await?;
    }
    let before = tree
        .get(plan.office_id)
        .cloned()
        .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {}", plan.office_id)))?;
    let mut after = before.clone();
    if let Some(open) = after.links.last_mut().filter(|l| l.to.is_none()) {
        open.to = Some(plan.on);
    }
    after.dissolved_on = Some(plan.on);
    after.successor_id = plan.successor;
    after.split_into = plan.split_into.clone();
    after.updated_at = now;
    store::offices::close_open_link(tx, plan.office_id, plan.on).await?;
    store::offices::mark_dissolved(tx, plan.office_id, plan.on, plan.successor, now).await?;
    store::offices::add_split_parts(tx, plan.office_id, &plan.split_into).await?;
    record_change(tx, caller, now, Some(&before), &after, "dissolve").await?;
    Ok(after)
}

/// Guards the recursion against pathological depth.
const MAX_DEPTH: usize = 64;

fn node(tree: &OfficeTree, id: Uuid, as_of: NaiveDate, depth: usize) -> Option<OfficeNode> {
    let office = tree.get(id)?;
    let children = if depth < MAX_DEPTH {
        tree.children_on(id, as_of)
            .into_iter()
            .filter_map(|child| node(tree, child, as_of, depth + 1))
            .collect()
    } else {
        Vec::new()
    };
    Some(OfficeNode {
        office: Some(office_to_wire(office, as_of)),
        children,
    })
}

#[tonic::async_trait]
impl OfficeService for OfficeApi {
    async fn create_office(&self, request: Request<CreateOfficeRequest>) -> Result<Response<Office>, Status> {
        Ok(Response::new(self.create(request).await?))
    }

    async fn get_office(&self, request: Request<GetOfficeRequest>) -> Result<Response<Office>, Status> {
        Ok(Response::new(self.get(request)?))
    }

    async fn list_offices(
        &self,
        request: Request<ListOfficesRequest>,
    ) -> Result<Response<ListOfficesResponse>, Status> {
        Ok(Response::new(self.list(request)?))
    }

    async fn get_office_tree(
        &self,
        request: Request<GetOfficeTreeRequest>,
    ) -> Result<Response<GetOfficeTreeResponse>, Status> {
        Ok(Response::new(self.tree(request)?))
    }

    async fn update_office(&self, request: Request<UpdateOfficeRequest>) -> Result<Response<Office>, Status> {
        Ok(Response::new(self.update(request).await?))
    }

    async fn move_office(&self, request: Request<MoveOfficeRequest>) -> Result<Response<Office>, Status> {
        Ok(Response::new(self.relocate(request).await?))
    }

    async fn dissolve_office(&self, request: Request<DissolveOfficeRequest>) -> Result<Response<Office>, Status> {
        Ok(Response::new(self.dissolve(request).await?))
    }

    async fn split_office(
        &self,
        request: Request<SplitOfficeRequest>,
    ) -> Result<Response<SplitOfficeResponse>, Status> {
        Ok(Response::new(self.split(request).await?))
    }

    async fn merge_offices(
        &self,
        request: Request<MergeOfficesRequest>,
    ) -> Result<Response<MergeOfficesResponse>, Status> {
        Ok(Response::new(self.merge(request).await?))
    }
}
