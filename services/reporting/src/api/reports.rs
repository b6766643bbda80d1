//! `ReportService`: creating an office's report for a period, writing its
//! sections, and filling it with figures gathered from the other services.

use std::collections::BTreeMap;
use std::sync::Arc;

use tonic::Request;
use uuid::Uuid;

use vanphong_platform::idempotency::commit_answer;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::my_work::{OfficeWork, WorkWindow};
use vanphong_platform::paging;
use vanphong_platform::people::OnBehalf;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::common::v1::GetOfficeWorkRequest;
use vanphong_proto::reporting::v1 as wire;
use vanphong_proto::reporting::v1::report_service_server::ReportService;

use super::checks::{self, period_fields};
use super::convert::{figures_to_wire, report_to_wire};
use super::{Shared, WRITERS};
use crate::domain::figures::{FigureTable, RollUpError, roll_up};
use crate::domain::period::{Kind, Period};
use crate::domain::report::{Report, Status as ReportStatus, Step, transition};
use crate::store;
use vanphong_pdf::letterhead::place_of;

/// The `ReportService` handlers.
pub struct ReportApi(pub(crate) Arc<Shared>);

const MAX_TITLE: usize = 500;
const MAX_PLACE: usize = 100;

impl Shared {
    /// The figures of `office` for `period`, gathered now on the caller's
    /// behalf and rolled up along the tree on the period's last day.
    pub(crate) async fn gather(
        &self,
        on_behalf: &OnBehalf,
        office: Uuid,
        period: &Period,
    ) -> Result<FigureTable, Error> {
        let snapshot = self.snapshot();
        let children = snapshot.tree.children_during(office, period.from, period.to);
        let gathered = self
            .sources
            .gather(on_behalf, office, &children, period.from, period.to)
            .await?;
        // The tree may have changed while the services answered: roll up
        // along the newest copy, which the answers were computed against.
        let snapshot = self.snapshot();
        roll_up(office, &snapshot.tree, period.from, period.to, gathered, self.now()).map_err(|e| match e {
            RollUpError::OutsideTree(_) => Error::Unavailable(
                "Cây tổ chức vừa thay đổi và các dịch vụ chưa cùng cập nhật; vui lòng thử lại sau ít phút".into(),
            ),
            RollUpError::Overflow(code) => {
                Error::FailedPrecondition(format!("Số liệu «{code}» vượt quá giới hạn tính toán"))
            }
        })
    }
}

impl ReportApi {
    async fn create(&self, request: Request<wire::CreateReportRequest>) -> Result<wire::Report, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let policy = store::policy::get(&s.ctx.db).await?;
        let today = s.today();
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let period = checks::period(&mut c, &period_fields!(req), &policy);
        let ad_hoc = Kind::from_wire(req.kind) == Ok(Kind::AdHoc);
        let title = c.optional_text("title", &req.title, MAX_TITLE);
        if title.is_none() && ad_hoc {
            c.violation("title", "REQUIRED", "Báo cáo đột xuất cần có trích yếu");
        }
        let place = c.optional_text("place", &req.place, MAX_PLACE);
        let deadline = if req.deadline.trim().is_empty() {
            None
        } else {
            if !ad_hoc {
                c.violation(
                    "deadline",
                    "NOT_FOR_KIND",
                    "Hạn gửi của báo cáo định kỳ theo quy định của từng cấp, không ghi tay",
                );
            }
            let d = c.date("deadline", &req.deadline);
            if let Some(p) = period {
                let earliest = s.ctx.calendar.add_working_days(p.to, 1);
                checks::not_before(
                    &mut c,
                    "deadline",
                    d,
                    earliest,
                    &format!(
                        "Hạn gửi phải sau ngày chốt số liệu ít nhất một ngày làm việc (sớm nhất {})",
                        earliest.format("%d/%m/%Y")
                    ),
                );
            }
            Some(d)
        };
        let sections = checks::sections(&mut c, "sections", &req.sections);
        c.finish()?;
        let period = period.ok_or_else(|| Error::invalid("kind", "INVALID", "Kỳ báo cáo không hợp lệ"))?;

        let snapshot = s.snapshot();
        let tree = &snapshot.tree;
        let entry = tree
            .get(office)
            .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {office}")))?;
        caller.ensure_act(tree, office, today)?;
        caller.require_any_role(WRITERS)?;
        if !tree.exists_on(office, period.to) {
            return Err(Error::FailedPrecondition(format!(
                "Đơn vị chưa thành lập hoặc đã giải thể vào ngày {}",
                period.to.format("%d/%m/%Y")
            )));
        }
        let deadline = deadline.unwrap_or_else(|| policy.deadline(&s.ctx.calendar, entry.kind, period.to));
        let now = s.now();
        let report = Report {
            id: ids::new_id(),
            office_id: office,
            period,
            title: title.unwrap_or_else(|| format!("Tình hình công tác {}", period.label())),
            status: ReportStatus::Draft,
            sections: sections
                .into_iter()
                .filter(|(_, t)| !t.is_empty())
                .collect::<BTreeMap<_, _>>(),
            figures: None,
            deadline,
            parent_office_id: tree.parent_on(office, period.to),
            place: place.unwrap_or_else(|| place_of(&entry.name)),
            round: 1,
            created_by: caller.subject_id,
            writer: caller.subject_id,
            created_at: now,
            updated_at: now,
            submitted_at: None,
            approved_by: None,
            approved_at: None,
            override_reason: String::new(),
            document_id: None,
            number_symbol: String::new(),
            issued_on: None,
            signing_prefix: String::new(),
            signing_body: String::new(),
            signer_position: String::new(),
            signer_name: String::new(),
            sent_at: None,
            decided_at: None,
            return_reason: String::new(),
        };

        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "CreateReport", request_id, &req, now);
        if let Some(existing) = store::reports::find(&mut tx, office, &period).await? {
            return Err(Error::duplicate(
                "report",
                existing.id,
                format!("{} đã có báo cáo {}", entry.name, period.label()),
            ));
        }
        s.save(&mut tx, &caller, None, &report, "create", "").await?;
        let answer = s.answer(&mut tx, &report).await?;
        commit_answer(&key, tx, answer).await
    }

    async fn get(&self, request: Request<wire::GetReportRequest>) -> Result<wire::Report, Error> {
        let s = &self.0;
        let caller = Caller::of(&request)?;
        let id = Checker::only_id("report_id", &request.get_ref().report_id)?;
        let mut tx = s.ctx.db.begin_read().await?;
        let report = s.visible(&mut tx, &caller, id, false).await?;
        let answer = s.answer(&mut tx, &report).await?;
        tx.commit().await?;
        Ok(answer)
    }

    async fn list(&self, request: Request<wire::ListReportsRequest>) -> Result<wire::ListReportsResponse, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let kind = (req.kind != 0).then(|| c.wire("kind", req.kind, Kind::Monthly));
        if req.year != 0 && !crate::domain::period::YEARS.contains(&req.year) {
            c.violation("year", "OUT_OF_RANGE", "Năm phải trong khoảng 1990–2199");
        }
        let statuses: Vec<ReportStatus> = req
            .statuses
            .iter()
            .enumerate()
            .map(|(i, v)| c.wire(&format!("statuses[{i}]"), *v, ReportStatus::Draft))
            .collect();
        let limit = c.page_size("page_size", req.page_size, 50, 200);
        let offset = checks::page_token(&mut c, &req.page_token);
        let deadline_from = (!req.deadline_from.is_empty()).then(|| c.date("deadline_from", &req.deadline_from));
        let deadline_to = (!req.deadline_to.is_empty()).then(|| c.date("deadline_to", &req.deadline_to));
        let parent = c.optional_id("parent_office_id", &req.parent_office_id);
        c.finish()?;
        let snapshot = s.snapshot();
        let tree = &snapshot.tree;
        let today = s.today();
        if tree.get(office).is_none() {
            return Err(Error::NotFound(format!("Không tìm thấy đơn vị {office}")));
        }
        caller.ensure_read(tree, office, today)?;
        // An office's list holds the reports of the offices that ended into
        // it too, as its other queues do (docs/domain.md §1).
        let mut offices = tree.held_by(office, today);
        if req.include_descendants {
            for below in tree.descendants_on(office, today) {
                if caller.may_read(tree, below, today) {
                    offices.extend(tree.held_by(below, today));
                }
            }
        }
        let filter = store::reports::Filter {
            offices,
            kind,
            year: (req.year != 0).then_some(req.year),
            statuses,
            writer: req.assigned_to_me.then_some(caller.subject_id),
            deadline_from,
            deadline_to,
            parent,
        };
        let mut reports = store::reports::list(&s.ctx.db, &filter, offset, limit + 1).await?;
        let more = reports.len() > limit as usize;
        reports.truncate(limit as usize);
        let mut page: Vec<_> = reports.iter().map(|r| report_to_wire(s, r, &[])).collect();
        let cut = paging::fit(&mut page);
        let next = offset.saturating_add(page.len() as u64);
        Ok(wire::ListReportsResponse {
            reports: page,
            next_page_token: if more || cut { next.to_string() } else { String::new() },
        })
    }

    async fn assign(&self, request: Request<wire::AssignReportsRequest>) -> Result<wire::AssignReportsResponse, Error> {
        super::assign::assign_reports(&self.0, request).await
    }

    async fn write_sections(&self, request: Request<wire::UpdateSectionsRequest>) -> Result<wire::Report, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let id = c.id("report_id", &req.report_id);
        let sections = checks::sections(&mut c, "sections", &req.sections);
        let title = c.optional_text("title", &req.title, MAX_TITLE);
        if sections.is_empty() && title.is_none() {
            c.violation("sections", "REQUIRED", "Ghi ít nhất một mục hoặc trích yếu mới");
        }
        c.finish()?;
        let mut tx = s.ctx.db.begin_write().await?;
        let before = s.visible(&mut tx, &caller, id, true).await?;
        s.ensure_act(&caller, &before, WRITERS)?;
        transition(Step::Edit, before.status)?;
        let mut after = before.clone();
        for (code, text) in &sections {
            if text.is_empty() {
                after.sections.remove(code);
            } else {
                after.sections.insert(code.clone(), text.clone());
            }
        }
        if let Some(title) = title {
            after.title = title;
        }
        after.updated_at = s.now();
        let note: Vec<&str> = sections.iter().map(|(c, _)| c.as_str()).collect();
        s.save(&mut tx, &caller, Some(&before), &after, "sections", &note.join(", "))
            .await?;
        s.answer_and_commit(tx, &after).await
    }

    async fn refresh(&self, request: Request<wire::RefreshFiguresRequest>) -> Result<wire::Report, Error> {
        let s = &self.0;
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let id = Checker::only_id("report_id", &req.report_id)?;
        let current = s.peek(&caller, id).await?;
        s.ensure_act(&caller, &current, WRITERS)?;
        transition(Step::Edit, current.status)?;
        let figures = s.gather(&on_behalf, current.office_id, &current.period).await?;
        let mut tx = s.ctx.db.begin_write().await?;
        let before = s.visible(&mut tx, &caller, id, true).await?;
        // Submitted meanwhile: its figures stay as they were frozen.
        transition(Step::Edit, before.status)?;
        let mut after = before.clone();
        after.figures = Some(figures);
        after.updated_at = s.now();
        s.save(&mut tx, &caller, Some(&before), &after, "figures", "").await?;
        s.answer_and_commit(tx, &after).await
    }

    async fn preview(&self, request: Request<wire::PreviewFiguresRequest>) -> Result<wire::FigureTable, Error> {
        let s = &self.0;
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let policy = store::policy::get(&s.ctx.db).await?;
        let (office, period) = checks::office_and_period(&caller, &req.office_id, &period_fields!(req), &policy)?;
        let snapshot = s.snapshot();
        if snapshot.tree.get(office).is_none() {
            return Err(Error::NotFound(format!("Không tìm thấy đơn vị {office}")));
        }
        caller.ensure_read(&snapshot.tree, office, s.today())?;
        let figures = s.gather(&on_behalf, office, &period).await?;
        Ok(figures_to_wire(&figures))
    }
}

impl ReportApi {
    /// `GetMyWork`: the caller's counts; approving and accepting are
    /// leaders' work, sending clerks' and leaders'.
    async fn my_work(&self, request: Request<wire::GetMyWorkRequest>) -> Result<wire::MyReportWork, Error> {
        let caller = Caller::of(&request)?;
        let window = WorkWindow::of(&caller, self.0.today(), request.get_ref().due_within_days)?;
        let offices = self.0.snapshot().tree.held_by(window.office, window.today);
        let n = store::work::counts(&self.0.ctx.db, &window, &offices).await?;
        let leader = caller.has_role(Role::Leader);
        let only = |value: i64| if leader { value } else { 0 };
        Ok(wire::MyReportWork {
            office_id: caller.office_id.to_string(),
            drafts_to_submit: n.drafts,
            to_approve: only(n.submitted),
            to_send: if leader || caller.has_role(Role::Clerk) {
                n.approved
            } else {
                0
            },
            children_to_accept: only(n.children_sent),
            due_soon: n.due_soon,
            overdue: n.overdue,
        })
    }

    /// `GetOfficeWork`: a leader's roll-up, each office's reports not yet
    /// accepted.
    async fn office_work(&self, request: Request<GetOfficeWorkRequest>) -> Result<wire::OfficeReportWorkList, Error> {
        let work = OfficeWork::asked(&request, &self.0.snapshot().tree, self.0.today())?;
        let counted = store::work::per_office(&self.0.ctx.db, &work).await?;
        let offices = vanphong_platform::work_rows!(work, &counted => wire::OfficeReportWork {
            unsent, awaiting_acceptance, due_soon, overdue });
        Ok(wire::OfficeReportWorkList { offices })
    }
}

vanphong_platform::grpc_delegate! {
    impl ReportService for ReportApi {
        create_report(wire::CreateReportRequest) -> wire::Report = Self::create;
        get_report(wire::GetReportRequest) -> wire::Report = Self::get;
        get_my_work(wire::GetMyWorkRequest) -> wire::MyReportWork = Self::my_work;
        get_office_work(GetOfficeWorkRequest) -> wire::OfficeReportWorkList = Self::office_work;
        list_reports(wire::ListReportsRequest) -> wire::ListReportsResponse = Self::list;
        assign_reports(wire::AssignReportsRequest) -> wire::AssignReportsResponse = Self::assign;
        update_sections(wire::UpdateSectionsRequest) -> wire::Report = Self::write_sections;
        refresh_figures(wire::RefreshFiguresRequest) -> wire::Report = Self::refresh;
        preview_figures(wire::PreviewFiguresRequest) -> wire::FigureTable = Self::preview;
    }
}
