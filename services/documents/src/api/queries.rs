//! `DocumentQueryService`: one document, and lists.

use std::sync::Arc;

use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::db::PageCursor;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::my_work::{DUE_SOON_DAYS, OfficeWork, WATCH_OFFICE_DOCUMENTS, WorkWindow, watches_office};
use vanphong_platform::paging;
use vanphong_platform::text::folded_words;
use vanphong_platform::validate::{Checker, parse_number_of_year};
use vanphong_proto::common::v1::GetOfficeWorkRequest;
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::document_query_service_server::DocumentQueryService;

use super::Shared;
use super::convert::{Extras, document_to_wire};
use crate::domain::access::{self, Reader};
use crate::domain::kinds::{Direction, Status as DocStatus, Urgency};
use crate::store;
use crate::store::listing::{Filter, NumberLookup, Sort, list};

pub struct QueryApi(pub(crate) Arc<Shared>);

impl QueryApi {
    async fn get(&self, request: Request<wire::GetDocumentRequest>) -> Result<wire::Document, Error> {
        let caller = Caller::of(&request)?;
        let id = Checker::only_id("document_id", &request.get_ref().document_id)?;
        let s = &self.0;
        let not_found = || Error::not_found("văn bản", id);
        let (document, mut extras) = store::whole::get(&s.ctx.db, id).await?.ok_or_else(not_found)?;
        let tree = &s.snapshot().tree;
        if !access::may_see(&caller, tree, s.today(), &document, &extras.distribution) {
            return Err(not_found());
        }
        if document.direction != Direction::Outgoing {
            extras.body.clear();
        }
        s.answer_with(&document, extras)
    }

    /// `GetMyWork`: the caller's counts in their own office; counts of work
    /// their roles do not do are 0. Overdue is the whole office's for those
    /// who watch it ([`WATCH_OFFICE_DOCUMENTS`]), as the overdue list shows
    /// it to them; the deadline counts leave out secret documents the caller
    /// may not read, as the lists do.
    async fn my_work(&self, request: Request<wire::GetMyWorkRequest>) -> Result<wire::MyDocumentWork, Error> {
        let caller = Caller::of(&request)?;
        let window = WorkWindow::of(&caller, self.0.today(), request.get_ref().due_within_days)?;
        let snapshot = self.0.snapshot();
        let offices = snapshot.tree.held_by(window.office, window.today);
        let reader = Reader::new(&caller, &snapshot.tree, window.today, &offices);
        let whole_office = watches_office(&caller, &WATCH_OFFICE_DOCUMENTS);
        let n = store::work::counts(&self.0.ctx.db, &window, &offices, &reader, whole_office).await?;
        let clerk = caller.has_role(Role::Clerk);
        let leader = caller.has_role(Role::Leader);
        let only = |allowed: bool, value: i64| if allowed { value } else { 0 };
        Ok(wire::MyDocumentWork {
            office_id: caller.office_id.to_string(),
            to_register: only(clerk, n.to_register),
            to_submit: only(clerk, n.to_submit),
            awaiting_my_direction: n.awaiting_direction,
            assigned_as_lead: n.as_lead,
            assigned_as_coordinator: n.as_coordinator,
            due_soon: n.due_soon,
            overdue: n.overdue,
            returned_to_me: n.returned,
            awaiting_approval: only(leader, n.in_review),
            awaiting_signature: only(leader, n.approved),
            to_number: only(clerk, n.signed),
            to_dispatch: only(clerk, n.numbered),
        })
    }

    /// `GetOfficeWork`: a leader's roll-up, each office's open documents
    /// (with those of the offices it took over).
    async fn office_work(&self, request: Request<GetOfficeWorkRequest>) -> Result<wire::OfficeDocumentWorkList, Error> {
        let snapshot = self.0.snapshot();
        let work = OfficeWork::asked(&request, &snapshot.tree, self.0.today())?;
        let reader = Reader::new(&Caller::of(&request)?, &snapshot.tree, work.today, &work.counted());
        let counted = store::work::per_office(&self.0.ctx.db, &work, &reader).await?;
        let offices = vanphong_platform::work_rows!(work, &counted => wire::OfficeDocumentWork {
            to_register, open, awaiting_direction, due_soon, overdue, outgoing });
        Ok(wire::OfficeDocumentWorkList { offices })
    }

    async fn list(&self, request: Request<wire::ListDocumentsRequest>) -> Result<wire::ListDocumentsResponse, Error> {
        let (caller, req) = Caller::split(request)?;
        let s = &self.0;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let direction: Option<Direction> = c.optional_wire("direction", req.direction, "Hướng văn bản không hợp lệ");
        let statuses: Vec<DocStatus> = c.wire_list("statuses", &req.statuses, "Trạng thái không hợp lệ");
        let type_code = c.optional_text("type_code", &req.type_code, 10);
        let min_urgency = (req.min_urgency != 0).then(|| {
            Urgency::from_wire(req.min_urgency).unwrap_or_else(|| {
                c.violation("min_urgency", "UNKNOWN_VALUE", "Độ khẩn không hợp lệ");
                Urgency::Normal
            })
        });
        let (from, to) = c.optional_date_range(&req.from, &req.to);
        let query = c.optional_text("query", &req.query, 200);
        let number = c.optional_text("number", &req.number, 100).map(|n| NumberLookup {
            folded: NumberLookup::fold(&n),
            arrival: parse_number_of_year(&n),
        });
        let sort = match c.sort(req.sort) {
            wire::SortBy::Unspecified => Sort::Newest,
            wire::SortBy::Oldest => Sort::Oldest,
            wire::SortBy::ArrivalNumber => Sort::ArrivalNumber,
            wire::SortBy::Deadline => Sort::Deadline,
            wire::SortBy::Updated => Sort::Updated,
            wire::SortBy::Number => Sort::Number,
        };
        let limit = c.page_size("page_size", req.page_size, 50, 500);
        let today = s.today();
        let due_days = c.page_size("due_within_days", req.due_within_days, DUE_SOON_DAYS, 30);
        let due_soon = req
            .due_soon
            .then(|| (today, today + chrono::Days::new(u64::from(due_days))));
        let after = c.page_token("page_token", &req.page_token, |token| {
            PageCursor::decode(token, sort.order())
        });
        c.finish()?;
        let snapshot = s.snapshot();
        if snapshot.tree.get(office).is_none() {
            return Err(Error::NotFound(format!("Không tìm thấy đơn vị {office}")));
        }
        caller.ensure_read(&snapshot.tree, office, today)?;
        // An office's lists show the open work of the offices it succeeded
        // beside its own (docs/domain.md §1, reorganisation).
        let offices = snapshot.tree.held_by(office, today);
        let filter = Filter {
            reader: Reader::new(&caller, &snapshot.tree, today, &offices),
            offices,
            direction,
            statuses,
            type_code,
            min_urgency,
            from,
            to,
            overdue_on: req.overdue.then_some(today),
            due_between: due_soon,
            submitted_to: req.submitted_to_me.then_some(caller.subject_id),
            handler: req.assigned_to_me.then_some(caller.subject_id),
            words: query.map(|q| folded_words(&q)).unwrap_or_default(),
            number,
            sort,
            after,
            limit,
        };
        let (mut documents, mut next) = list(&s.ctx.db, &filter).await?;
        let mut page: Vec<_> = documents
            .iter()
            .map(|d| document_to_wire(s, d, Extras::default()))
            .collect();
        if paging::fit(&mut page) {
            documents.truncate(page.len());
            next = documents.last().map(|d| filter.sort.after(d));
        }
        Ok(wire::ListDocumentsResponse {
            documents: page,
            next_page_token: next.map(|c| c.encode()).unwrap_or_default(),
        })
    }
}

vanphong_platform::grpc_delegate! {
    impl DocumentQueryService for QueryApi {
        get_document(wire::GetDocumentRequest) -> wire::Document = Self::get;
        get_my_work(wire::GetMyWorkRequest) -> wire::MyDocumentWork = Self::my_work;
        get_office_work(GetOfficeWorkRequest) -> wire::OfficeDocumentWorkList = Self::office_work;
        list_documents(wire::ListDocumentsRequest) -> wire::ListDocumentsResponse = Self::list;
    }
}
