//! `ExportRegister` and `ExportFigures`: spreadsheets of the register and
//! of the statistics. Petitioners' names appear in the register only for
//! the office's leaders, and such an export is audited.

use chrono::NaiveDate;
use tonic::Request;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_proto::petitions::v1 as wire;

use super::Shared;
use super::figures::{check_period, compute};
use crate::domain::access::may_see_identity;
use crate::domain::petition::Petition;
use crate::export::{RegisterLine, figures, register};
use crate::store;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn dmy(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

fn period_label(from: NaiveDate, to: NaiveDate) -> String {
    format!("Từ ngày {} đến ngày {}", dmy(Some(from)), dmy(Some(to)))
}

fn internal(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal(e)
}

/// A line of the register; `names` are the petitioners' names and
/// addresses when the caller may see them.
fn line(p: &Petition, area: String, names: Option<(String, String)>) -> RegisterLine {
    let (petitioners, addresses) = if p.anonymous {
        ("Nặc danh".to_string(), String::new())
    } else {
        names.unwrap_or_else(|| (format!("(đã ẩn — {} người)", p.petitioner_count), String::new()))
    };
    let classification = match p.outcome {
        Some(o) if p.classification_note.is_empty() => o.label().to_string(),
        Some(o) => format!("{}: {}", o.label(), p.classification_note),
        None => String::new(),
    };
    let result = if p.decision_reference.is_empty() {
        String::new()
    } else {
        format!("{} — {}", p.decision_reference, p.result_summary)
    };
    RegisterLine {
        number: p.number_label(),
        received_on: dmy(Some(p.received_on)),
        channel: p.channel.label().to_string(),
        petitioners,
        addresses,
        kind: p.kind.label().to_string(),
        area,
        content: p.content.clone(),
        accused: p.accused.clone(),
        classification,
        accepted_on: dmy(p.accepted_on),
        due_on: dmy(p.due_on),
        result,
        state: format!("{} ({})", p.state.label(), p.state.code()),
        note: p.closing_note.clone(),
    }
}

/// `ExportRegister`.
pub(crate) async fn export_register(
    s: &Shared,
    request: Request<wire::ExportRegisterRequest>,
) -> Result<wire::ExportFile, Error> {
    let (caller, req) = Caller::split(request)?;
    let today = s.today();
    let mut c = Checker::new();
    let office = c.office_or_own("office_id", &req.office_id, &caller);
    let (from, to) = c.date_range(&req.from, &req.to);
    c.finish()?;
    s.offices(&caller, office, false, today)?;
    let reveal = may_see_identity(&caller, &s.snapshot().tree, today, office, None);
    let mut tx = if reveal {
        s.ctx.db.begin_write().await?
    } else {
        s.ctx.db.begin_read().await?
    };
    let petitions = store::listing::register(&mut tx, office, from, to).await?;
    let areas: std::collections::HashMap<String, String> = store::catalog::areas(&s.ctx.db, true)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let mut people: std::collections::HashMap<uuid::Uuid, Vec<crate::domain::petition::Petitioner>> =
        std::collections::HashMap::new();
    if reveal {
        let ids: Vec<uuid::Uuid> = petitions.iter().map(|p| p.id).collect();
        for (id, person) in store::petitioners::of_many(&mut tx, &ids).await? {
            people.entry(id).or_default().push(person);
        }
        audit::record(
            &mut tx,
            &caller,
            s.now(),
            Change::new(office, "petition_register", office, "export_identity").after(serde_json::json!({
                "from": from,
                "to": to,
                "petitions": petitions.iter().map(|p| p.id.to_string()).collect::<Vec<_>>(),
            })),
        )
        .await?;
    }
    tx.commit().await?;
    let lines: Vec<RegisterLine> = petitions
        .iter()
        .map(|p| {
            let names = people.get(&p.id).map(|list| {
                (
                    list.iter().map(|x| x.full_name.as_str()).collect::<Vec<_>>().join("; "),
                    list.iter().map(|x| x.address.as_str()).collect::<Vec<_>>().join("; "),
                )
            });
            line(p, areas.get(&p.subject_area_code).cloned().unwrap_or_default(), names)
        })
        .collect();
    let content = register(&s.office_name(office), &period_label(from, to), &lines).map_err(internal)?;
    Ok(wire::ExportFile {
        file_name: format!("so-theo-doi-don-{}-{}.xlsx", from.format("%Y%m%d"), to.format("%Y%m%d")),
        content_type: XLSX.into(),
        content,
    })
}

/// `ExportFigures`.
pub(crate) async fn export_figures(
    s: &Shared,
    request: Request<wire::ExportFiguresRequest>,
) -> Result<wire::ExportFile, Error> {
    let (caller, req) = Caller::split(request)?;
    let period = check_period(&caller, &req.office_id, req.include_descendants, &req.from, &req.to)?;
    let (rows, total) = compute(s, &caller, &period).await?;
    let named: Vec<(String, crate::domain::figures::Figures)> =
        rows.iter().map(|(office, f)| (s.office_name(*office), *f)).collect();
    let content = figures(
        &s.office_name(period.office),
        &period_label(period.from, period.to),
        &named,
        &total,
    )
    .map_err(internal)?;
    Ok(wire::ExportFile {
        file_name: format!(
            "thong-ke-don-thu-{}-{}.xlsx",
            period.from.format("%Y%m%d"),
            period.to.format("%Y%m%d")
        ),
        content_type: XLSX.into(),
        content,
    })
}
