//! The home page: the person's work, per role, with counts, each leading to
//! its list. The counts are the services' own (`GetMyWork` of documents,
//! petitions and reports, counted from the caller's identity); a service
//! that does not answer leaves its section saying so, the rest is shown.
//! A leader of an office with offices below also sees each office's open
//! work (`GetOfficeWork` of the same services), each count leading to that
//! office's list.

use std::collections::HashMap;

use askama::Template;
use axum::response::Html;

use vanphong_platform::my_work::{DUE_SOON_DAYS, WATCH_OFFICE_DOCUMENTS, WATCH_OFFICE_PETITIONS};
use vanphong_proto::common::v1::{GetOfficeWorkRequest, WorkOffice};

use vanphong_proto::directory::v1::Role;
use vanphong_proto::documents::v1::{GetMyWorkRequest, MyDocumentWork};
use vanphong_proto::petitions::v1::{GetMyWorkRequest as PetitionWorkRequest, MyPetitionWork};
use vanphong_proto::reporting::v1::{GetMyWorkRequest as ReportWorkRequest, MyReportWork};

use super::{Ctx, Layout, Me};
use crate::errors::ConsoleError;

/// One count of the home page.
struct Card {
    title: &'static str,
    hint: String,
    count: i64,
    href: &'static str,
    /// Some to do that asks for attention.
    alert: bool,
}

/// Cards of one service.
struct Section {
    heading: &'static str,
    /// The section's own list, for "see all".
    href: &'static str,
    cards: Vec<Card>,
    /// The service did not answer: no counts to show.
    unavailable: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    full_name: String,
    office_name: String,
    sections: Vec<Section>,
    /// Clerks register what arrives on paper.
    can_register: bool,
    /// Those who draft outgoing documents.
    can_draft: bool,
    /// Leaders of an office with offices below: each office's open work.
    offices: Option<OfficeTable>,
    /// Where those with no work of their own find theirs.
    is_admin: bool,
    reads_registers: bool,
}

/// One count of an office's row; `None` when its service did not answer.
struct Cell {
    count: Option<i64>,
    href: String,
    /// Overdue work: highlighted when not zero.
    alert: bool,
}

/// One office of the leader's table.
struct OfficeRow {
    name: String,
    /// Indentation under the leader's office.
    depth: i32,
    cells: Vec<Cell>,
}

/// The offices' table: its column headings and rows (the leader's office
/// first, each office followed by those below it), and the total.
struct OfficeTable {
    columns: &'static [&'static str],
    rows: Vec<OfficeRow>,
    total: Vec<Option<i64>>,
    /// Some service did not answer.
    partial: bool,
}

impl OfficeTable {
    const COLUMNS: [&'static str; 8] = [
        "Văn bản đến đang xử lý",
        "Văn bản sắp đến hạn",
        "Văn bản quá hạn",
        "Đơn đang giải quyết",
        "Đơn sắp đến hạn",
        "Đơn quá hạn",
        "Báo cáo chưa gửi",
        "Báo cáo quá hạn",
    ];

    /// The indentation class of a row.
    fn depth_class(&self, depth: &i32) -> String {
        format!("depth-{}", (*depth).clamp(0, 6))
    }
}

/// One service's roll-up: per office id, its counts in the table's order
/// for that service's columns.
type Counted = Option<HashMap<String, Vec<i64>>>;

/// The offices' table from the three services' roll-ups (in the tree order
/// of the first that answered); `None` when the leader's office has no
/// office below or no service answered.
fn office_table(
    offices: Vec<WorkOffice>,
    documents: Counted,
    petitions: Counted,
    reports: Counted,
) -> Option<OfficeTable> {
    if offices.len() < 2 {
        return None;
    }
    // Column: which service, which of its counts, the list it leads to,
    // whether it is overdue work.
    let columns: [(usize, usize, &str, bool); 8] = [
        (0, 0, "/documents?view=open", false),
        (0, 1, "/documents?view=due-soon", false),
        (0, 2, "/documents?view=overdue", true),
        (1, 0, "/petitions?view=open", false),
        (1, 1, "/petitions?view=due-soon", false),
        (1, 2, "/petitions?view=overdue", true),
        (2, 0, "/reports?view=unsent", false),
        (2, 1, "/reports?view=overdue", true),
    ];
    let services = [&documents, &petitions, &reports];
    let mut total = vec![Some(0i64); columns.len()];
    let rows = offices
        .iter()
        .map(|office| {
            let cells: Vec<Cell> = columns
                .iter()
                .map(|(service, index, list, overdue)| {
                    let count = services[*service].as_ref().map(|counted| {
                        counted
                            .get(&office.office_id)
                            .and_then(|c| c.get(*index).copied())
                            .unwrap_or(0)
                    });
                    Cell {
                        count,
                        href: format!("{list}&office={}", office.office_id),
                        alert: *overdue && count.is_some_and(|n| n > 0),
                    }
                })
                .collect();
            for (sum, cell) in total.iter_mut().zip(&cells) {
                *sum = sum.zip(cell.count).map(|(a, b)| a + b);
            }
            OfficeRow {
                name: office.office_name.clone(),
                depth: office.depth,
                cells,
            }
        })
        .collect();
    Some(OfficeTable {
        columns: &OfficeTable::COLUMNS,
        rows,
        total,
        partial: services.iter().any(|s| s.is_none()),
    })
}

/// A service's roll-up as [`Counted`], its offices kept for the table's
/// order; a refusal or a service down leaves its columns empty (an ended
/// session is the sign-in page).
fn counted<T>(
    answer: Result<Vec<T>, ConsoleError>,
    row: impl Fn(&T) -> (Option<WorkOffice>, Vec<i64>),
    order: &mut Vec<WorkOffice>,
) -> Result<Counted, ConsoleError> {
    match answer {
        Ok(rows) => {
            let mut counted = HashMap::new();
            let mut offices = Vec::new();
            for r in &rows {
                let (office, counts) = row(r);
                if let Some(office) = office {
                    counted.insert(office.office_id.clone(), counts);
                    offices.push(office);
                }
            }
            if order.is_empty() {
                *order = offices;
            }
            Ok(Some(counted))
        }
        Err(ConsoleError::Service(status)) if status.code() == tonic::Code::Unauthenticated => {
            Err(ConsoleError::Service(status))
        }
        Err(error) => {
            tracing::warn!(%error, "office work not counted");
            Ok(None)
        }
    }
}

/// The leader's table of the offices below (none for others).
async fn offices_below(ctx: &Ctx, me: &Me) -> Result<Option<OfficeTable>, ConsoleError> {
    if !me.has(Role::Leader) {
        return Ok(None);
    }
    let documents = async {
        let call = ctx.call(GetOfficeWorkRequest::default());
        Ok::<_, ConsoleError>(
            ctx.services()
                .queries()?
                .get_office_work(call)
                .await?
                .into_inner()
                .offices,
        )
    };
    let petitions = async {
        let call = ctx.call(GetOfficeWorkRequest::default());
        Ok::<_, ConsoleError>(
            ctx.services()
                .petitions()?
                .get_office_work(call)
                .await?
                .into_inner()
                .offices,
        )
    };
    let reports = async {
        let call = ctx.call(GetOfficeWorkRequest::default());
        Ok::<_, ConsoleError>(
            ctx.services()
                .reports()?
                .get_office_work(call)
                .await?
                .into_inner()
                .offices,
        )
    };
    let (documents, petitions, reports) = tokio::join!(documents, petitions, reports);
    let mut order = Vec::new();
    let documents = counted(
        documents,
        |r| (r.office.clone(), vec![r.open, r.due_soon, r.overdue]),
        &mut order,
    )?;
    let petitions = counted(
        petitions,
        |r| (r.office.clone(), vec![r.open, r.due_soon, r.overdue]),
        &mut order,
    )?;
    let reports = counted(reports, |r| (r.office.clone(), vec![r.unsent, r.overdue]), &mut order)?;
    Ok(office_table(order, documents, petitions, reports))
}

/// A card, shown when the role does that work (`shown`).
fn card(shown: bool, count: i64, title: &'static str, hint: impl Into<String>, href: &'static str) -> Option<Card> {
    shown.then(|| Card {
        title,
        hint: hint.into(),
        count,
        href,
        alert: false,
    })
}

/// A card that asks for attention when its count is not zero.
fn urgent(shown: bool, count: i64, title: &'static str, hint: impl Into<String>, href: &'static str) -> Option<Card> {
    card(shown, count, title, hint, href).map(|c| Card { alert: count > 0, ..c })
}

/// Documents: incoming to register, direct, handle; outgoing to approve,
/// sign, number, dispatch; drafts returned.
fn document_cards(me: &Me, w: &MyDocumentWork) -> Vec<Card> {
    let clerk = me.has(Role::Clerk);
    let leader = me.has(Role::Leader);
    let handles = leader || me.has(Role::Specialist);
    [
        card(
            clerk,
            w.to_register,
            "Chờ vào sổ",
            "Văn bản điện tử đã đến, cần vào sổ",
            "/documents?view=to-register",
        ),
        card(
            clerk,
            w.to_submit,
            "Đã vào sổ, chưa trình",
            "Cần trình lãnh đạo cho ý kiến chỉ đạo",
            "/documents?view=registered",
        ),
        card(
            leader,
            w.awaiting_my_direction,
            "Chờ chỉ đạo",
            "Văn bản trình tôi, cần giao xử lý",
            "/documents?view=awaiting-direction",
        ),
        card(
            handles,
            w.assigned_as_lead,
            "Tôi chủ trì xử lý",
            "Văn bản được giao tôi chủ trì",
            "/documents?view=assigned",
        ),
        card(
            handles,
            w.assigned_as_coordinator,
            "Tôi phối hợp xử lý",
            "Văn bản tôi được giao phối hợp",
            "/documents?view=assigned",
        ),
        urgent(
            handles,
            w.due_soon,
            "Sắp đến hạn",
            format!("Văn bản tôi xử lý, hạn trong {DUE_SOON_DAYS} ngày tới"),
            "/documents?view=due-soon",
        ),
        urgent(
            handles,
            w.overdue,
            "Quá hạn",
            // Whose, as the service counts and the list shows.
            if me.watches(&WATCH_OFFICE_DOCUMENTS) {
                "Văn bản đến của đơn vị đã quá hạn"
            } else {
                "Văn bản tôi xử lý đã quá hạn"
            },
            "/documents?view=overdue",
        ),
        urgent(
            me.drafts() || w.returned_to_me > 0,
            w.returned_to_me,
            "Dự thảo bị trả lại",
            "Dự thảo của tôi lãnh đạo trả lại để sửa",
            "/outgoing?view=returned",
        ),
        card(
            leader,
            w.awaiting_approval,
            "Chờ duyệt",
            "Dự thảo văn bản đi trình duyệt",
            "/outgoing?view=in-review",
        ),
        card(
            leader,
            w.awaiting_signature,
            "Chờ ký",
            "Văn bản đi đã duyệt, chờ ký ban hành",
            "/outgoing?view=to-sign",
        ),
        card(
            clerk,
            w.to_number,
            "Chờ cấp số",
            "Văn bản đi đã ký, cần cấp số",
            "/outgoing?view=to-number",
        ),
        card(
            clerk,
            w.to_dispatch,
            "Chờ phát hành",
            "Văn bản đi đã cấp số, cần phát hành",
            "/outgoing?view=to-dispatch",
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Petitions: to classify, assigned, deadlines.
fn petition_cards(me: &Me, w: &MyPetitionWork) -> Vec<Card> {
    let office = me.watches(&WATCH_OFFICE_PETITIONS);
    let handles = office || w.assigned_to_me > 0;
    [
        card(
            office,
            w.to_classify,
            "Đơn chờ phân loại",
            "Đơn đã tiếp nhận, cần phân loại, xử lý",
            "/petitions?view=to-classify",
        ),
        card(
            handles,
            w.assigned_to_me,
            "Đơn được giao cho tôi",
            "Vụ việc tôi được giao giải quyết",
            "/petitions?view=assigned",
        ),
        urgent(
            handles,
            w.due_soon,
            "Đơn sắp đến hạn",
            "Hạn giải quyết sắp đến (theo mức cảnh báo của đơn vị)",
            "/petitions?view=due-soon",
        ),
        urgent(
            handles,
            w.overdue,
            "Đơn quá hạn",
            "Đã quá hạn giải quyết",
            "/petitions?view=overdue",
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Reports: drafts, approval, sending, those of the offices below.
fn report_cards(me: &Me, w: &MyReportWork) -> Vec<Card> {
    let leader = me.has(Role::Leader);
    let sends = leader || me.has(Role::Clerk);
    let writes = me.writes_reports() || w.drafts_to_submit > 0;
    [
        card(
            writes,
            w.drafts_to_submit,
            "Báo cáo cần hoàn thiện",
            "Báo cáo tôi đang soạn hoặc bị trả lại",
            "/reports?view=drafts",
        ),
        card(
            leader,
            w.to_approve,
            "Báo cáo chờ duyệt",
            "Báo cáo của đơn vị trình duyệt",
            "/reports?view=to-approve",
        ),
        card(
            sends,
            w.to_send,
            "Báo cáo chờ gửi",
            "Đã duyệt, cần gửi cấp trên",
            "/reports?view=to-send",
        ),
        card(
            leader,
            w.children_to_accept,
            "Báo cáo cấp dưới gửi lên",
            "Cần tiếp nhận hoặc trả lại",
            "/reports?view=to-accept",
        ),
        urgent(
            writes || sends,
            w.due_soon,
            "Báo cáo sắp đến hạn",
            format!("Chưa gửi, hạn trong {DUE_SOON_DAYS} ngày tới"),
            "/reports?view=due-soon",
        ),
        urgent(
            writes || sends,
            w.overdue,
            "Báo cáo quá hạn",
            "Chưa gửi mà đã quá hạn",
            "/reports?view=overdue",
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A section from a service's answer; a service that failed or is not
/// configured leaves the section saying its counts are unavailable.
fn section<T>(
    heading: &'static str,
    href: &'static str,
    answer: Result<T, ConsoleError>,
    cards: impl FnOnce(&T) -> Vec<Card>,
) -> Result<Option<Section>, ConsoleError> {
    let (cards, unavailable) = match answer {
        Ok(work) => (cards(&work), false),
        // An ended session is the sign-in page, not a missing count.
        Err(ConsoleError::Service(status)) if status.code() == tonic::Code::Unauthenticated => {
            return Err(ConsoleError::Service(status));
        }
        Err(error) => {
            tracing::warn!(%error, section = heading, "my work not counted");
            (Vec::new(), true)
        }
    };
    Ok((unavailable || !cards.is_empty()).then_some(Section {
        heading,
        href,
        cards,
        unavailable,
    }))
}

/// `GET /`: the person's counts, one section per service that has work
/// for their roles.
pub async fn page(ctx: Ctx) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let documents = async {
        let call = ctx.call(GetMyWorkRequest::default());
        Ok::<_, ConsoleError>(ctx.services().queries()?.get_my_work(call).await?.into_inner())
    };
    let petitions = async {
        let call = ctx.call(PetitionWorkRequest::default());
        Ok::<_, ConsoleError>(ctx.services().petitions()?.get_my_work(call).await?.into_inner())
    };
    let reports = async {
        let call = ctx.call(ReportWorkRequest::default());
        Ok::<_, ConsoleError>(ctx.services().reports()?.get_my_work(call).await?.into_inner())
    };
    let (documents, petitions, reports, offices) =
        tokio::join!(documents, petitions, reports, offices_below(&ctx, &me));
    let mut sections = [
        section("Văn bản", "/documents?view=all", documents, |w| {
            document_cards(&me, w)
        })?,
        section("Đơn thư, tiếp công dân", "/petitions", petitions, |w| {
            petition_cards(&me, w)
        })?,
        section("Báo cáo", "/reports", reports, |w| report_cards(&me, w))?,
    ];
    // A petition officer's first work is the petitions.
    if me.has(Role::PetitionOfficer) && !me.works_on_documents() {
        sections.swap(0, 1);
    }
    let sections = sections.into_iter().flatten().collect();
    let page = HomePage {
        layout: me.layout("Việc của tôi", "/"),
        full_name: me.principal.full_name.clone(),
        office_name: me.principal.office_name.clone(),
        can_register: me.has(Role::Clerk),
        can_draft: me.drafts(),
        sections,
        offices: offices?,
        is_admin: me.has(Role::Admin),
        reads_registers: me.reads_registers(),
    };
    Ok(Html(page.render()?))
}
