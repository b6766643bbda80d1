//! Where the handover of each ended office stands, shown under the tree to
//! admins: for an office merged or dissolved into a successor, each
//! service's part (`ReorganisationService.GetHandoverStatus`): applied with
//! what it passed over, pending or failed with the service's reason.

use futures_util::future::join_all;

use vanphong_proto::common::v1::{Handover, HandoverState};
use vanphong_proto::directory::v1::{GetHandoverStatusRequest, ListOfficesRequest, Office};

use crate::errors::ConsoleError;
use crate::format;
use crate::pages::Ctx;

/// Ended offices shown at most, the most recent first.
const SHOWN: usize = 20;

/// One service's part in a handover.
pub struct ServiceLine {
    pub service: String,
    pub state: &'static str,
    /// `bad` for a failure, so it stands out.
    pub class: &'static str,
    /// What passed over, or why it has not.
    pub detail: String,
}

/// An ended office and its handover.
pub struct Ended {
    pub name: String,
    pub successor: String,
    pub date: String,
    pub complete: bool,
    pub services: Vec<ServiceLine>,
    /// The directory's words when this admin may not see the status.
    pub refused: Option<String>,
}

/// A service by the name its users know.
fn service_name(service: &str) -> String {
    match service {
        "documents" => "Văn bản".into(),
        "petitions" => "Đơn thư".into(),
        "finance" => "Tài chính".into(),
        "reporting" => "Báo cáo".into(),
        other => other.into(),
    }
}

fn line(service: &str, handover: Option<&Handover>) -> ServiceLine {
    let service = service_name(service);
    let Some(h) = handover else {
        return ServiceLine {
            service,
            state: "Đang chờ",
            class: "",
            detail: String::new(),
        };
    };
    let counts = h
        .counts
        .iter()
        .map(|c| format!("{}: {}", c.label, c.count))
        .collect::<Vec<_>>()
        .join("; ");
    match HandoverState::try_from(h.state).unwrap_or(HandoverState::Unspecified) {
        HandoverState::Applied => ServiceLine {
            service,
            state: "Đã bàn giao",
            class: "",
            detail: if counts.is_empty() {
                "Không có việc đang mở cần chuyển".into()
            } else {
                counts
            },
        },
        HandoverState::Failed => ServiceLine {
            service,
            state: "Lỗi, đang thử lại",
            class: "bad",
            detail: format!("{} (đã thử {} lần)", h.reason, h.attempts),
        },
        HandoverState::Pending | HandoverState::Unspecified => ServiceLine {
            service,
            state: "Đang chờ",
            class: "",
            detail: h.reason.clone(),
        },
    }
}

/// The handover of one ended office, or the directory's refusal.
async fn status(ctx: &Ctx, office: &Office) -> Result<Ended, ConsoleError> {
    let request = GetHandoverStatusRequest {
        office_id: office.id.clone(),
    };
    let mut ended = Ended {
        name: office.name.clone(),
        successor: String::new(),
        date: format::date(&office.dissolved_on),
        complete: false,
        services: Vec::new(),
        refused: None,
    };
    match ctx
        .services()
        .reorganisation()
        .get_handover_status(ctx.call(request))
        .await
    {
        Ok(answer) => {
            let s = answer.into_inner();
            ended.successor = s.successor_name;
            ended.complete = s.complete;
            ended.services = s
                .services
                .iter()
                .map(|x| line(&x.service, x.handover.as_ref()))
                .collect();
        }
        Err(status) if status.code() == tonic::Code::Unauthenticated => return Err(status.into()),
        Err(status) => ended.refused = Some(status.message().to_string()),
    }
    Ok(ended)
}

/// The offices that ended with a successor (the most recent first) and
/// where each one's handover stands.
pub async fn ended(ctx: &Ctx) -> Result<Vec<Ended>, ConsoleError> {
    let request = ListOfficesRequest {
        as_of: String::new(),
        include_dissolved: true,
    };
    let mut offices: Vec<Office> = ctx
        .services()
        .offices()
        .list_offices(ctx.call(request))
        .await?
        .into_inner()
        .offices
        .into_iter()
        .filter(|o| !o.dissolved_on.is_empty() && !o.successor_id.is_empty())
        .collect();
    offices.sort_by(|a, b| b.dissolved_on.cmp(&a.dissolved_on).then(a.name.cmp(&b.name)));
    offices.truncate(SHOWN);
    join_all(offices.iter().map(|o| status(ctx, o)))
        .await
        .into_iter()
        .collect()
}
