//! `RegisterService`: register books and figures for reports.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::clock::{local_date, start_of_local_day};
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::people::OnBehalf;
use vanphong_platform::validate::Checker;
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::register_service_server::RegisterService;

use super::Shared;
use crate::domain::access;
use crate::domain::document::Document;
use crate::domain::register::{Book, Register};
use crate::store;

pub struct RegisterApi(pub(crate) Arc<Shared>);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn day(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

fn instant_day(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    day(at.map(local_date))
}

/// The period's checked bounds: both days, and the instants it spans.
fn period(c: &mut Checker, from: &str, to: &str) -> (NaiveDate, NaiveDate) {
    let (from, to) = c.date_range(from, to);
    if from != NaiveDate::MIN && to >= from && (to - from).num_days() > 3660 {
        c.violation("to", "OUT_OF_RANGE", "Khoảng thời gian tối đa 10 năm");
    }
    (from, to)
}

impl RegisterApi {
    /// "Tên loại và trích yếu": the type's name, then the subject — or a
    /// placeholder for a secret document the reader may not see.
    fn summary(&self, caller: &Caller, d: &Document, named: &[Uuid]) -> String {
        if !access::cleared_for(caller, &self.0.snapshot().tree, self.0.today(), d, named) {
            return format!(
                "{} (văn bản {})",
                self.0.type_name(&d.type_code),
                d.secrecy.label().to_lowercase()
            );
        }
        let name = self.0.type_name(&d.type_code);
        if name.is_empty() {
            d.subject.clone()
        } else {
            format!("{name} {}", d.subject)
        }
    }

    async fn names(
        &self,
        on_behalf: &OnBehalf,
        ids: impl Iterator<Item = Uuid>,
    ) -> Result<HashMap<Uuid, String>, Error> {
        let mut names = HashMap::new();
        for id in ids {
            if names.contains_key(&id) {
                continue;
            }
            let name = self
                .0
                .people
                .get(on_behalf, id)
                .await?
                .map(|u| u.full_name)
                .unwrap_or_default();
            names.insert(id, name);
        }
        Ok(names)
    }

    async fn export(&self, request: Request<wire::ExportRegisterRequest>) -> Result<wire::ExportFile, Error> {
        let s = &self.0;
        let (caller, on_behalf, req) = OnBehalf::split(request)?;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let book = match wire::RegisterBook::try_from(req.book) {
            Ok(wire::RegisterBook::Incoming) => Book::Incoming,
            Ok(wire::RegisterBook::Outgoing) => Book::Outgoing,
            Ok(wire::RegisterBook::Handling) => Book::Handling,
            _ => {
                c.violation(
                    "book",
                    "REQUIRED",
                    "Phải chọn sổ: văn bản đến, văn bản đi hoặc theo dõi giải quyết",
                );
                Book::Incoming
            }
        };
        let csv = match wire::FileFormat::try_from(req.format) {
            Ok(wire::FileFormat::Unspecified) => false,
            Ok(wire::FileFormat::Csv) => true,
            Err(_) => {
                c.violation("format", "UNKNOWN_VALUE", "Định dạng không hợp lệ");
                false
            }
        };
        let (from, to) = period(&mut c, &req.from, &req.to);
        c.finish()?;
        let snapshot = s.snapshot();
        let office_name = snapshot
            .tree
            .get(office)
            .map(|o| o.name.clone())
            .ok_or_else(|| Error::NotFound(format!("Không tìm thấy đơn vị {office}")))?;
        caller.ensure_read(&snapshot.tree, office, s.today())?;
        caller.require_any_role(&[Role::Clerk, Role::Leader, Role::Inspector])?;

        let start = start_of_local_day(from);
        let end = start_of_local_day(to.succ_opt().unwrap_or(to));
        let documents = store::reports::in_window(&s.ctx.db, book.direction(), office, start, end).await?;
        let ids: Vec<Uuid> = documents.iter().map(|d| d.id).collect();
        let mut tx = s.ctx.db.begin_read().await?;
        let named = store::people::distributions(&mut tx, &ids).await?;
        let recipients = if book == Book::Outgoing {
            store::recipients::of_documents(&mut tx, &ids).await?
        } else {
            HashMap::new()
        };
        tx.commit().await?;
        let people = self
            .names(
                &on_behalf,
                documents
                    .iter()
                    .flat_map(|d| d.lead_handler_id.into_iter().chain(d.drafter_id)),
            )
            .await?;
        let replies: HashMap<Uuid, String> = store::reports::number_symbols(
            &s.ctx.db,
            &documents.iter().filter_map(|d| d.reply_document_id).collect::<Vec<_>>(),
        )
        .await?
        .into_iter()
        .collect();
        let person = |id: Option<Uuid>| id.and_then(|i| people.get(&i).cloned()).unwrap_or_default();
        let today = s.today();
        let rows = documents
            .iter()
            .map(|d| {
                let summary = self.summary(&caller, d, named.get(&d.id).map(Vec::as_slice).unwrap_or_default());
                match book {
                    Book::Incoming => vec![
                        instant_day(d.registered_at),
                        d.arrival_number.map(|n| n.to_string()).unwrap_or_default(),
                        d.issuer_name.clone(),
                        d.number_symbol.clone(),
                        day(d.issued_on),
                        summary,
                        person(d.lead_handler_id),
                        instant_day(d.assigned_at),
                        String::new(),
                        note(d),
                    ],
                    Book::Outgoing => {
                        let to: Vec<String> = recipients
                            .get(&d.id)
                            .map(|r| r.iter().map(|r| r.name.clone()).collect())
                            .unwrap_or_default();
                        vec![
                            d.number_symbol.clone(),
                            day(d.issued_on),
                            summary,
                            d.signer_name.clone(),
                            to.join("; "),
                            format!("Văn thư; {}", person(d.drafter_id)),
                            (to.len() + 1).to_string(),
                            instant_day(d.dispatched_at),
                            String::new(),
                            note(d),
                        ]
                    }
                    Book::Handling => vec![
                        d.arrival_number.map(|n| n.to_string()).unwrap_or_default(),
                        format!("{}, {}, {}", d.number_symbol, day(d.issued_on), summary),
                        person(d.lead_handler_id),
                        day(d.deadline()),
                        progress(d),
                        d.reply_document_id
                            .and_then(|r| replies.get(&r).cloned())
                            .unwrap_or_default(),
                        if d.is_overdue(today) {
                            "Quá hạn".into()
                        } else {
                            String::new()
                        },
                    ],
                }
            })
            .collect();
        let register = Register {
            book,
            office_name,
            period: format!("Từ ngày {} đến ngày {}", day(Some(from)), day(Some(to))),
            rows,
        };
        let stem = format!("{}-{}-{}", book.file_stem(), from.format("%Y%m%d"), to.format("%Y%m%d"));
        Ok(if csv {
            wire::ExportFile {
                file_name: format!("{stem}.csv"),
                content_type: "text/csv; charset=utf-8".into(),
                content: register.to_csv(),
            }
        } else {
            wire::ExportFile {
                file_name: format!("{stem}.xlsx"),
                content_type: XLSX.into(),
                content: register.to_xlsx().map_err(Error::internal)?,
            }
        })
    }

    async fn figures(
        &self,
        request: Request<wire::GetDocumentFiguresRequest>,
    ) -> Result<wire::DocumentFiguresResponse, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let (from, to) = period(&mut c, &req.from, &req.to);
        c.finish()?;
        let snapshot = s.snapshot();
        let tree = &snapshot.tree;
        if tree.get(office).is_none() {
            return Err(Error::NotFound(format!("Không tìm thấy đơn vị {office}")));
        }
        let today = s.today();
        caller.ensure_read(tree, office, today)?;
        if req.include_descendants {
            for below in tree.descendants_during(office, from, to) {
                caller.ensure_read_period(tree, below, to, today)?;
            }
        }
        // Documents of offices that ended into one counted count with it,
        // for what was done on them in the period (docs/domain.md §1).
        let offices = tree.counted_in(office, req.include_descendants, from, to);
        let start = start_of_local_day(from);
        let end = start_of_local_day(to.succ_opt().unwrap_or(to));
        let mut rows = Vec::new();
        let mut total = wire::DocumentFigures {
            office_id: office.to_string(),
            office_name: "Tổng cộng".into(),
            ..Default::default()
        };
        let mut total_types: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
        for o in offices {
            let counts = store::reports::counts(&s.ctx.db, o, start, end, to).await?;
            for (code, n) in &counts.issued_by_type {
                *total_types.entry(code.clone()).or_default() += n;
            }
            let row = wire::DocumentFigures {
                office_id: o.to_string(),
                office_name: tree.get(o).map(|e| e.name.clone()).unwrap_or_default(),
                received: counts.received,
                issued: counts.issued_by_type.iter().map(|(_, n)| n).sum(),
                issued_by_type: counts
                    .issued_by_type
                    .iter()
                    .map(|(code, n)| wire::TypeCount {
                        type_code: code.clone(),
                        type_name: s.type_name(code),
                        count: *n,
                    })
                    .collect(),
                handled_on_time: counts.handled_on_time,
                handled_late: counts.handled_late,
                pending: counts.pending,
                overdue: counts.overdue,
            };
            total.received += row.received;
            total.issued += row.issued;
            total.handled_on_time += row.handled_on_time;
            total.handled_late += row.handled_late;
            total.pending += row.pending;
            total.overdue += row.overdue;
            rows.push(row);
        }
        total.issued_by_type = total_types
            .into_iter()
            .map(|(code, count)| wire::TypeCount {
                type_name: s.type_name(&code),
                type_code: code,
                count,
            })
            .collect();
        Ok(wire::DocumentFiguresResponse {
            from: from.format("%Y-%m-%d").to_string(),
            to: to.format("%Y-%m-%d").to_string(),
            offices: rows,
            total: Some(total),
        })
    }
}

/// "Ghi chú": what a reader of the book needs to know.
fn note(d: &Document) -> String {
    match d.status {
        crate::domain::kinds::Status::Cancelled => format!("Đã hủy: {}", d.cancel_reason),
        crate::domain::kinds::Status::Refused => format!("Từ chối: {}", d.refusal_reason),
        crate::domain::kinds::Status::Recalled => "Đã thu hồi".into(),
        _ if d.secrecy > vanphong_platform::identity::Clearance::None => d.secrecy.label().into(),
        _ => String::new(),
    }
}

/// "Tiến độ giải quyết".
fn progress(d: &Document) -> String {
    match d.completed_at {
        Some(at) => format!("{} ngày {}", d.status.label(), local_date(at).format("%d/%m/%Y")),
        None => d.status.label().to_string(),
    }
}

vanphong_platform::grpc_delegate! {
    impl RegisterService for RegisterApi {
        export_register(wire::ExportRegisterRequest) -> wire::ExportFile = Self::export;
        get_document_figures(wire::GetDocumentFiguresRequest) -> wire::DocumentFiguresResponse = Self::figures;
    }
}
