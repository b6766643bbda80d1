//! `ReceptionService`: receptions of citizens (tiếp công dân) and the
//! leaders' monthly reception duty. Visitors' identity is protected like
//! petitioners': shown only to the receiving officer and the office's
//! leaders, each view audited.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::audit::{self, Change};
use vanphong_platform::clock::{format_date, to_timestamp};
use vanphong_platform::db::Tx;
use vanphong_platform::idempotency::commit_answer;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::people::OnBehalf;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids, paging};
use vanphong_proto::petitions::v1 as wire;
use vanphong_proto::petitions::v1::reception_service_server::ReceptionService;

use super::Shared;
use super::intake::{MAX_CONTENT, check_person, past_date};
use crate::domain::access::may_see_identity;
use crate::domain::reception::{Reception, Visitor, duty_met, month_bounds};
use crate::store;
use crate::store::receptions::Cursor;

/// The reception service.
pub struct ReceptionApi(pub(crate) Arc<Shared>);

/// Who records receptions.
const RECORDING_ROLES: &[Role] = &[Role::Clerk, Role::PetitionOfficer, Role::Leader];

/// Most visitors named on one reception.
const MAX_VISITORS: usize = 500;

fn to_wire(r: &Reception, visitors: Option<&[Visitor]>, petitions: Vec<Uuid>) -> wire::Reception {
    let (visitors, redacted) = match visitors {
        Some(list) => (
            list.iter()
                .map(|v| wire::Visitor {
                    full_name: v.full_name.clone(),
                    id_number: v.id_number.clone(),
                    address: v.address.clone(),
                    phone: v.phone.clone(),
                    redacted: false,
                })
                .collect(),
            false,
        ),
        None => (Vec::new(), true),
    };
    wire::Reception {
        id: r.id.to_string(),
        office_id: r.office_id.to_string(),
        received_on: format_date(r.received_on),
        receiver_id: r.receiver_id.to_string(),
        receiver_name: r.receiver_name.clone(),
        by_leader: r.by_leader,
        visitors,
        visitor_count: i32::try_from(r.visitor_count).unwrap_or(i32::MAX),
        content: r.content.clone(),
        petition_ids: petitions.iter().map(Uuid::to_string).collect(),
        identity_redacted: redacted,
        created_at: Some(to_timestamp(r.created_at)),
    }
}

impl ReceptionApi {
    fn reveals(&self, caller: &Caller, r: &Reception) -> bool {
        let s = &self.0;
        may_see_identity(caller, &s.snapshot().tree, s.today(), r.office_id, Some(r.receiver_id))
    }

    /// The full answer; visitors shown (and the view audited) when the
    /// caller may see them — `tx` must then be a write transaction.
    async fn answer(&self, tx: &mut Tx, caller: &Caller, r: &Reception) -> Result<wire::Reception, Error> {
        let visitors = if self.reveals(caller, r) {
            audit::record(
                tx,
                caller,
                self.0.now(),
                Change::new(r.office_id, "reception", r.id, "view_identity").after(serde_json::json!({
                    "visitors": r.visitor_count,
                    "viewer_roles": caller.roles.to_codes(),
                })),
            )
            .await?;
            Some(store::receptions::visitors(tx, r.id).await?)
        } else {
            None
        };
        let petitions = store::receptions::petitions(tx, r.id).await?;
        Ok(to_wire(r, visitors.as_deref(), petitions))
    }

    async fn create(&self, request: Request<wire::CreateReceptionRequest>) -> Result<wire::Reception, Error> {
        let s = &self.0;
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let now = s.now();
        let today = s.today();
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let received_on = past_date(&mut c, "received_on", &req.received_on, today);
        let receiver = c.id("receiver_id", &req.receiver_id);
        let visitors: Vec<Visitor> = req
            .visitors
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let p = check_person(
                    &mut c,
                    &format!("visitors[{i}]"),
                    &v.full_name,
                    &v.id_number,
                    &v.address,
                    &v.phone,
                );
                Visitor {
                    full_name: p.full_name,
                    id_number: p.id_number,
                    address: p.address,
                    phone: p.phone,
                }
            })
            .collect();
        if visitors.len() > MAX_VISITORS {
            c.violation("visitors", "TOO_MANY", format!("Tối đa {MAX_VISITORS} người"));
        }
        let count = if req.visitor_count == 0 {
            visitors.len() as i64
        } else {
            i64::from(req.visitor_count)
        };
        if count < 1 {
            c.violation("visitor_count", "REQUIRED", "Phải có ít nhất một người được tiếp");
        } else if count < visitors.len() as i64 || count > 100_000 {
            c.violation(
                "visitor_count",
                "OUT_OF_RANGE",
                "Số người được tiếp không được ít hơn số người đã ghi tên",
            );
        }
        let content = c.text("content", &req.content, MAX_CONTENT);
        let petition_ids: Vec<Uuid> = req
            .petition_ids
            .iter()
            .enumerate()
            .map(|(i, p)| c.id(&format!("petition_ids[{i}]"), p))
            .collect();
        c.finish()?;
        caller.ensure_act(&s.snapshot().tree, office, today)?;
        caller.require_any_role(RECORDING_ROLES)?;
        let found = s.people.members(&on_behalf, office, "receiver_id", &[receiver]).await?;
        let receiver_user = found.into_iter().next().unwrap_or_default();
        let reception = Reception {
            id: ids::new_id(),
            office_id: office,
            received_on,
            receiver_id: receiver,
            receiver_name: receiver_user.full_name.clone(),
            by_leader: receiver_user.roles.contains(&Role::Leader.to_wire()),
            visitor_count: count,
            content,
            created_by: caller.subject_id,
            created_at: now,
        };
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "CreateReception", request_id, &req, now);
        for (i, id) in petition_ids.iter().enumerate() {
            let found = store::petitions::get(&mut tx, *id).await?;
            if found.is_none_or(|p| p.office_id != office) {
                return Err(Error::invalid(
                    format!("petition_ids[{i}]"),
                    "NOT_FOUND",
                    "Không tìm thấy đơn này trong các đơn của đơn vị",
                ));
            }
        }
        store::receptions::insert(&mut tx, &reception, &visitors).await?;
        for id in &petition_ids {
            store::receptions::link_petition(&mut tx, reception.id, *id).await?;
        }
        let change = Change::new(office, "reception", reception.id, "create").after(reception.audit_json());
        audit::record(&mut tx, &caller, now, change).await?;
        let answer = self.answer(&mut tx, &caller, &reception).await?;
        commit_answer(&key, tx, answer).await
    }

    async fn get(&self, request: Request<wire::GetReceptionRequest>) -> Result<wire::Reception, Error> {
        let s = &self.0;
        let caller = Caller::of(&request)?;
        let id = Checker::only_id("reception_id", &request.get_ref().reception_id)?;
        let mut tx = s.ctx.db.begin_write().await?;
        let not_found = || Error::NotFound(format!("Không tìm thấy buổi tiếp công dân {id}"));
        let reception = store::receptions::get(&mut tx, id).await?.ok_or_else(not_found)?;
        if !caller.may_read(&s.snapshot().tree, reception.office_id, s.today()) {
            return Err(not_found());
        }
        let answer = self.answer(&mut tx, &caller, &reception).await?;
        tx.commit().await?;
        Ok(answer)
    }

    async fn list(&self, request: Request<wire::ListReceptionsRequest>) -> Result<wire::ListReceptionsResponse, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let today = s.today();
        let start_of_year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let from = c.date_or("from", &req.from, start_of_year);
        let to = c.date_or("to", &req.to, today);
        c.dates_in_order(from, to);
        let limit = c.page_size("page_size", req.page_size, 50, 500);
        let oldest_first = c.sort::<wire::ReceptionSort>(req.sort) == wire::ReceptionSort::Oldest;
        let after = c.page_token("page_token", &req.page_token, |t| Cursor::decode(t, oldest_first));
        c.finish()?;
        s.offices(&caller, office, false, today)?;
        let mut receptions =
            store::receptions::page(&s.ctx.db, office, (from, to), oldest_first, after.as_ref(), limit).await?;
        let more = receptions.len() > limit as usize;
        receptions.truncate(limit as usize);
        let mut tx = s.ctx.db.begin_read().await?;
        let mut out = Vec::with_capacity(receptions.len());
        for r in &receptions {
            let petitions = store::receptions::petitions(&mut tx, r.id).await?;
            out.push(to_wire(r, None, petitions));
        }
        tx.commit().await?;
        let cut = paging::fit(&mut out);
        let next = if cut || more {
            out.len()
                .checked_sub(1)
                .and_then(|i| receptions.get(i))
                .map(|last| Cursor::after(last, oldest_first))
        } else {
            None
        };
        Ok(wire::ListReceptionsResponse {
            receptions: out,
            next_page_token: next.map(|c| c.encode()).unwrap_or_default(),
        })
    }

    async fn duty(
        &self,
        request: Request<wire::CheckReceptionDutyRequest>,
    ) -> Result<wire::CheckReceptionDutyResponse, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        if !(1900..=2200).contains(&req.year) {
            c.violation("year", "OUT_OF_RANGE", "Năm phải trong khoảng 1900–2200");
        }
        if !(1..=12).contains(&req.month) {
            c.violation("month", "OUT_OF_RANGE", "Tháng phải từ 1 đến 12");
        }
        c.finish()?;
        let (first, last) = u32::try_from(req.month)
            .ok()
            .and_then(|m| month_bounds(req.year, m))
            .ok_or_else(|| Error::invalid("month", "OUT_OF_RANGE", "Tháng không hợp lệ"))?;
        let offices = s.offices(&caller, office, req.include_descendants, last)?;
        let policy = s.ctx.db.read(async |tx| store::policy::get(tx).await).await?;
        let snapshot = s.snapshot();
        let mut rows = Vec::with_capacity(offices.len());
        for id in offices {
            let Some(entry) = snapshot.tree.get(id) else { continue };
            let required = policy.required_reception_days(entry.kind);
            let days: BTreeSet<NaiveDate> = store::receptions::list(&s.ctx.db, id, first, last)
                .await?
                .into_iter()
                .filter(|r| r.by_leader)
                .map(|r| r.received_on)
                .collect();
            rows.push(wire::ReceptionDutyRow {
                office_id: id.to_string(),
                office_name: entry.name.clone(),
                office_kind: entry.kind.to_wire(),
                required_days: i32::try_from(required).unwrap_or(i32::MAX),
                held_days: i32::try_from(days.len()).unwrap_or(i32::MAX),
                met: duty_met(&days, required),
                days: days.into_iter().map(format_date).collect(),
            });
        }
        Ok(wire::CheckReceptionDutyResponse { rows })
    }
}

vanphong_platform::grpc_delegate! {
    impl ReceptionService for ReceptionApi {
        create_reception(wire::CreateReceptionRequest) -> wire::Reception = Self::create;
        get_reception(wire::GetReceptionRequest) -> wire::Reception = Self::get;
        list_receptions(wire::ListReceptionsRequest) -> wire::ListReceptionsResponse = Self::list;
        check_reception_duty(wire::CheckReceptionDutyRequest) -> wire::CheckReceptionDutyResponse = Self::duty;
    }
}
