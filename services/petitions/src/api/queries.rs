//! Reading petitions: one petition (identity audited when shown), lists
//! with search by content and — for those who may see identities — by
//! petitioner name, and the backlog lists.

use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::clock::format_date;
use vanphong_platform::db::PageCursor;
use vanphong_platform::identity::Caller;
use vanphong_platform::my_work::{OfficeWork, WATCH_OFFICE_PETITIONS, WorkWindow, watches_office};
use vanphong_platform::paging;
use vanphong_platform::text::folded_words;
use vanphong_platform::validate::Checker;
use vanphong_proto::common::v1::GetOfficeWorkRequest;
use vanphong_proto::petitions::v1 as wire;

use super::Shared;
use super::convert::petition_to_wire;
use crate::domain::access::name_search_scope;
use crate::domain::kinds::{Backlog, Kind, State};
use crate::domain::petition::Petition;
use crate::domain::policy::Policy;
use crate::store;
use crate::store::listing::{Filter, Sort};

/// `GetPetition`. A read transaction unless the caller may see the
/// petitioners, in which case the view is audited in a write transaction.
pub(crate) async fn get(s: &Shared, request: Request<wire::GetPetitionRequest>) -> Result<wire::Petition, Error> {
    let caller = Caller::of(&request)?;
    let id = Checker::only_id("petition_id", &request.get_ref().petition_id)?;
    let mut tx = s.ctx.db.begin_read().await?;
    let petition = s.visible(&mut tx, &caller, id, false).await?;
    if !s.reveals(&caller, &petition) {
        let answer = s.answer(&mut tx, &caller, &petition).await?;
        tx.commit().await?;
        return Ok(answer);
    }
    tx.commit().await?;
    let mut tx = s.ctx.db.begin_write().await?;
    let petition = s.visible(&mut tx, &caller, id, false).await?;
    let answer = s.answer(&mut tx, &caller, &petition).await?;
    tx.commit().await?;
    Ok(answer)
}

/// A petition in a list: no petitioners, no history.
pub(crate) async fn summaries(s: &Shared, petitions: &[Petition]) -> Result<Vec<wire::Petition>, Error> {
    let names: std::collections::HashMap<String, String> = store::catalog::areas(&s.ctx.db, true)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let today = s.today();
    let snapshot = s.snapshot();
    Ok(petitions
        .iter()
        .map(|p| {
            let area = names.get(&p.subject_area_code).cloned().unwrap_or_default();
            petition_to_wire(p, today, &snapshot, area, None)
        })
        .collect())
}

/// The office's petitions policy as stored (the default until set).
async fn policy(s: &Shared) -> Result<Policy, Error> {
    let policy = s.ctx.db.read(async |tx| store::policy::get(tx).await).await?;
    Ok(policy)
}

/// `GetMyWork`: the caller's counts in their own office; petition officers
/// and leaders classify and watch every open case's deadline
/// ([`WATCH_OFFICE_PETITIONS`]), others their own cases' (as the backlogs
/// show them to them). Due soon is the backlog's window
/// ([`Policy::due_soon_until`]) unless `due_within_days` asks for another.
pub(crate) async fn my_work(
    s: &Shared,
    request: Request<wire::GetMyWorkRequest>,
) -> Result<wire::MyPetitionWork, Error> {
    let caller = Caller::of(&request)?;
    let asked = request.get_ref().due_within_days;
    let mut window = WorkWindow::of(&caller, s.today(), asked)?;
    if asked == 0 {
        window.soon = policy(s).await?.due_soon_until(window.today);
    }
    let desk = watches_office(&caller, &WATCH_OFFICE_PETITIONS);
    let offices = s.snapshot().tree.held_by(window.office, window.today);
    let n = store::work::counts(&s.ctx.db, &window, &offices, desk).await?;
    Ok(wire::MyPetitionWork {
        office_id: caller.office_id.to_string(),
        to_classify: if desk { n.to_classify } else { 0 },
        assigned_to_me: n.assigned,
        due_soon: n.due_soon,
        overdue: n.overdue,
    })
}

/// `GetOfficeWork`: a leader's roll-up, each office's open petitions
/// (with those of the offices it took over).
pub(crate) async fn office_work(
    s: &Shared,
    request: Request<GetOfficeWorkRequest>,
) -> Result<wire::OfficePetitionWorkList, Error> {
    let mut work = OfficeWork::asked(&request, &s.snapshot().tree, s.today())?;
    if request.get_ref().due_within_days == 0 {
        // The backlog's window, as the lists the counts lead to use.
        work.soon = policy(s).await?.due_soon_until(work.today);
    }
    let counted = store::work::per_office(&s.ctx.db, &work).await?;
    let offices = vanphong_platform::work_rows!(work, &counted => wire::OfficePetitionWork {
        to_classify, open, due_soon, overdue });
    Ok(wire::OfficePetitionWorkList { offices })
}

/// `ListPetitions`.
pub(crate) async fn list(
    s: &Shared,
    request: Request<wire::ListPetitionsRequest>,
) -> Result<wire::ListPetitionsResponse, Error> {
    let (caller, req) = Caller::split(request)?;
    let today = s.today();
    let mut c = Checker::new();
    let office = c.office_or_own("office_id", &req.office_id, &caller);
    let states: Vec<State> = c.wire_list("states", &req.states, "Trạng thái không hợp lệ");
    let kind: Option<Kind> = c.optional_wire("kind", req.kind, "Loại đơn không hợp lệ");
    let (from, to) = c.optional_date_range(&req.from, &req.to);
    let query = c.optional_text("query", &req.query, 200);
    let name = c.optional_text("petitioner_name", &req.petitioner_name, 200);
    let number = c.optional_number_of_year("number", &req.number);
    let limit = c.page_size("page_size", req.page_size, 50, 500);
    let sort = match c.sort(req.sort) {
        wire::PetitionSort::Unspecified => Sort::Newest,
        wire::PetitionSort::Oldest => Sort::Oldest,
        wire::PetitionSort::Number => Sort::Number,
        wire::PetitionSort::Due => Sort::Due,
    };
    let after = c.page_token("page_token", &req.page_token, |token| {
        PageCursor::decode(token, sort.order())
    });
    c.finish()?;
    let offices = s.offices(&caller, office, req.include_descendants, today)?;
    let mut handler = req.assigned_to_me.then_some(caller.subject_id);
    let name_words = name.as_deref().map(folded_words).unwrap_or_default();
    if !name_words.is_empty() {
        let scope = if req.include_descendants {
            None
        } else {
            name_search_scope(&caller, &s.snapshot().tree, today, office)
        };
        match scope {
            Some(only) => handler = only.or(handler),
            None => {
                return Err(Error::PermissionDenied(
                    "Chỉ lãnh đạo đơn vị và người được giao giải quyết mới được tìm theo tên người gửi đơn".into(),
                ));
            }
        }
    }
    let filter = Filter {
        offices,
        states,
        kind,
        from,
        to,
        words: query.as_deref().map(folded_words).unwrap_or_default(),
        name_words: name_words.clone(),
        handler,
        open_only: req.open_only,
        number,
        sort,
        after,
        limit,
    };
    let (mut petitions, mut next) = store::listing::list(&s.ctx.db, &filter).await?;
    let mut page = summaries(s, &petitions).await?;
    if paging::fit(&mut page) {
        petitions.truncate(page.len());
        next = petitions.last().map(|p| sort.after(p));
    }
    if !name_words.is_empty() {
        let mut tx = s.ctx.db.begin_write().await?;
        audit::record(
            &mut tx,
            &caller,
            s.now(),
            Change::new(office, "petition_search", office, "search_identity").after(serde_json::json!({
                "found": petitions.iter().map(|p| p.id.to_string()).collect::<Vec<_>>(),
                "viewer_roles": caller.roles.to_codes(),
            })),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(wire::ListPetitionsResponse {
        petitions: page,
        next_page_token: next.map(|c| c.encode()).unwrap_or_default(),
    })
}

/// `ListBacklog`.
pub(crate) async fn backlog(
    s: &Shared,
    request: Request<wire::ListBacklogRequest>,
) -> Result<wire::ListBacklogResponse, Error> {
    let (caller, req) = Caller::split(request)?;
    let today = s.today();
    let mut c = Checker::new();
    let office = c.office_or_own("office_id", &req.office_id, &caller);
    let kind = c.wire("kind", req.kind, Backlog::Overdue);
    let limit = c.page_size("page_size", req.page_size, 100, 500);
    c.finish()?;
    let offices = s.offices(&caller, office, req.include_descendants, today)?;
    let policy = policy(s).await?;
    let bound = match kind {
        Backlog::DueSoon => policy.due_soon_until(today),
        Backlog::LongRunning => policy.long_running_before(today),
        Backlog::Overdue => today,
    };
    let mut petitions = store::listing::backlog(&s.ctx.db, &offices, kind, today, bound, limit).await?;
    let truncated = petitions.len() > limit as usize;
    petitions.truncate(limit as usize);
    let wires = summaries(s, &petitions).await?;
    let mut entries: Vec<_> = petitions
        .iter()
        .zip(wires)
        .map(|(p, w)| {
            let due = p.current_due();
            wire::BacklogEntry {
                petition: Some(w),
                due_on: due.map(format_date).unwrap_or_default(),
                days_left: due
                    .map(|d| i32::try_from((d - today).num_days()).unwrap_or_default())
                    .unwrap_or_default(),
                age_days: i32::try_from((today - p.received_on).num_days()).unwrap_or_default(),
            }
        })
        .collect();
    let truncated = paging::fit(&mut entries) || truncated;
    Ok(wire::ListBacklogResponse { entries, truncated })
}
