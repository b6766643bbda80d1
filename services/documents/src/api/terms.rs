//! `TermService`: committee terms and congresses, which Party numbering
//! counts within.

use std::sync::Arc;

use tonic::Request;

use vanphong_platform::audit::{self, Change};
use vanphong_platform::clock::format_date;
use vanphong_platform::idempotency::commit_answer;
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::documents::v1 as wire;
use vanphong_proto::documents::v1::term_service_server::TermService;

use super::Shared;
use crate::domain::term::Term;
use crate::store;

pub struct TermApi(pub(crate) Arc<Shared>);

impl TermApi {
    async fn create(&self, request: Request<wire::CreateTermRequest>) -> Result<wire::Term, Error> {
        let s = &self.0;
        let (caller, req) = Caller::split(request)?;
        let mut c = Checker::new();
        let request_id = c.request_id(&req.request_id);
        let office = c.office_or_own("office_id", &req.office_id, &caller);
        let name = c.text("name", &req.name, 200);
        let starts = c.date("starts_on", &req.starts_on);
        let ends = (!req.ends_on.is_empty()).then(|| c.date("ends_on", &req.ends_on));
        if ends.is_some_and(|e| e < starts) {
            c.violation("ends_on", "BEFORE_START", "Ngày kết thúc không được trước ngày bắt đầu");
        }
        c.finish()?;
        caller.ensure_administer(&s.snapshot().tree, office, s.today())?;
        let now = s.ctx.clock.now();
        let (key, mut tx) =
            vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "CreateTerm", request_id, &req, now);
        let overlapping = store::terms::list(&mut tx, office)
            .await?
            .into_iter()
            .find(|t| t.overlaps(req.congress, starts, ends));
        if let Some(t) = overlapping {
            return Err(Error::FailedPrecondition(format!(
                "Trùng thời gian với «{}» ({} – {})",
                t.name,
                format_date(t.starts_on),
                t.ends_on.map(format_date).unwrap_or_else(|| "nay".into())
            )));
        }
        let term = Term {
            id: ids::new_id(),
            office_id: office,
            name,
            starts_on: starts,
            ends_on: ends,
            congress: req.congress,
        };
        store::terms::insert(&mut tx, &term, now).await?;
        audit::record(
            &mut tx,
            &caller,
            now,
            Change::new(office, "term", term.id, "create").after(serde_json::json!({
                "name": term.name,
                "starts_on": format_date(term.starts_on),
                "ends_on": term.ends_on.map(format_date).unwrap_or_default(),
                "congress": term.congress,
            })),
        )
        .await?;
        let term = wire::Term::from(term);
        commit_answer(&key, tx, term).await
    }

    async fn list(&self, request: Request<wire::ListTermsRequest>) -> Result<wire::ListTermsResponse, Error> {
        let s = &self.0;
        let caller = Caller::of(&request)?;
        let mut c = Checker::new();
        let office = c
            .optional_id("office_id", &request.get_ref().office_id)
            .unwrap_or(caller.office_id);
        c.finish()?;
        caller.ensure_read(&s.snapshot().tree, office, s.today())?;
        let terms = s.ctx.db.read(async |tx| store::terms::list(tx, office).await).await?;
        Ok(wire::ListTermsResponse {
            terms: terms.into_iter().map(wire::Term::from).collect(),
        })
    }
}

vanphong_platform::grpc_delegate! {
    impl TermService for TermApi {
        create_term(wire::CreateTermRequest) -> wire::Term = Self::create;
        list_terms(wire::ListTermsRequest) -> wire::ListTermsResponse = Self::list;
    }
}
