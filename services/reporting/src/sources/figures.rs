//! Gathering a report's figures: one call to the documents service and one
//! to the petitions service for the office and everything below it, and
//! calls to the finance service for the office's subtree and each child's
//! — all at once, each with its deadline.

use chrono::NaiveDate;
use tokio::task::JoinSet;
use tracing::Instrument;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::clock::format_date;
use vanphong_platform::people::OnBehalf;
use vanphong_proto::documents::v1 as documents;
use vanphong_proto::documents::v1::register_service_client::RegisterServiceClient;
use vanphong_proto::finance::v1 as finance;
use vanphong_proto::finance::v1::figures_service_client::FiguresServiceClient;
use vanphong_proto::petitions::v1 as petitions;
use vanphong_proto::petitions::v1::petition_service_client::PetitionServiceClient;

use super::{Outbound, Service, Sources, ask, failure, unavailable};
use crate::domain::figures::{Gathered, ISSUED_BY_TYPE, OfficeValues, Values};

fn office_id(service: Service, text: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(text).map_err(|_| {
        tracing::warn!(
            service = service.name(),
            office_id = text,
            "unreadable office id in figures"
        );
        Error::Unavailable(unavailable(&[service]))
    })
}

fn values(pairs: &[(&str, i64)]) -> Values {
    pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
}

/// The columns of one office's document figures.
fn document_values(f: &documents::DocumentFigures, types: &mut std::collections::BTreeMap<String, String>) -> Values {
    let mut v = values(&[
        ("documents.received", f.received),
        ("documents.issued", f.issued),
        ("documents.handled_on_time", f.handled_on_time),
        ("documents.handled_late", f.handled_late),
        ("documents.pending", f.pending),
        ("documents.overdue", f.overdue),
    ]);
    for t in &f.issued_by_type {
        let code = format!("{ISSUED_BY_TYPE}{}", t.type_code);
        let slot = v.entry(code).or_default();
        *slot = slot.saturating_add(t.count);
        types
            .entry(t.type_code.clone())
            .and_modify(|name| {
                if name.is_empty() {
                    name.clone_from(&t.type_name);
                }
            })
            .or_insert_with(|| t.type_name.clone());
    }
    v
}

/// The columns of one office's petition figures.
fn petition_values(r: &petitions::FigureRow) -> Values {
    values(&[
        ("petitions.carried_over_single", r.carried_over_single),
        ("petitions.carried_over_multi", r.carried_over_multi),
        ("petitions.received_single", r.received_single),
        ("petitions.received_multi", r.received_multi),
        ("petitions.repeats_received", r.repeats_received),
        ("petitions.eligible", r.eligible),
        ("petitions.authority_administrative", r.authority_administrative),
        ("petitions.authority_judicial", r.authority_judicial),
        ("petitions.authority_party", r.authority_party),
        ("petitions.authority_unspecified", r.authority_unspecified),
        ("petitions.stage_not_yet_resolved", r.stage_not_yet_resolved),
        ("petitions.stage_first_time", r.stage_first_time),
        ("petitions.stage_repeated", r.stage_repeated),
        ("petitions.outcome_guided", r.outcome_guided),
        ("petitions.outcome_transferred", r.outcome_transferred),
        ("petitions.outcome_urged", r.outcome_urged),
        ("petitions.outcome_filed", r.outcome_filed),
        ("petitions.outcome_accepted", r.outcome_accepted),
        ("petitions.resolved", r.resolved),
        ("petitions.withdrawn", r.withdrawn),
        ("petitions.overdue_at_end", r.overdue_at_end),
        ("petitions.reception_days_held", r.reception_days_held),
        ("petitions.reception_sessions", r.reception_sessions),
        ("petitions.reception_visitors", r.reception_visitors),
    ])
}

/// The columns of finance figures (of an office with everything below it).
fn finance_values(f: &finance::FinanceFigures) -> Values {
    values(&[
        ("finance.allocated", f.allocated),
        ("finance.spent", f.spent),
        ("finance.spent_year_to_date", f.spent_year_to_date),
        ("finance.dues_collected", f.dues_collected),
        ("finance.dues_remitted", f.dues_remitted),
    ])
}

/// The request, in a service's own message, for the figures of an office
/// and every office below it from `from` to `to`: each service names the
/// same four fields alike.
macro_rules! subtree_figures {
    ($($message:ident)::+, $office:expr, $from:expr, $to:expr) => {
        $($message)::+ {
            office_id: $office.to_string(),
            include_descendants: true,
            from: format_date($from),
            to: format_date($to),
        }
    };
}

/// Document figures of the office and each office below it.
type DocumentRows = (Vec<OfficeValues>, std::collections::BTreeMap<String, String>);

impl Sources {
    /// The figures of `office` for `from`–`to`: every source at once.
    /// `children` are the office's children on `to`.
    pub async fn gather(
        &self,
        on_behalf: &OnBehalf,
        office: Uuid,
        children: &[Uuid],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Gathered, Error> {
        let (documents, petitions, finance) = tokio::join!(
            self.document_figures(on_behalf, office, from, to),
            self.petition_figures(on_behalf, office, from, to),
            self.finance_figures(on_behalf, office, children, from, to),
        );
        let (documents, petitions, finance) = combine(documents, petitions, finance)?;
        let (finance_subtree, finance_children) = finance;
        Ok(Gathered {
            documents: documents.0,
            document_types: documents.1,
            petitions,
            finance_subtree,
            finance_children,
        })
    }

    /// Document figures of the office and each office below it.
    pub async fn document_figures(
        &self,
        on_behalf: &OnBehalf,
        office: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<DocumentRows, Error> {
        let service = Service::Documents;
        let mut client = RegisterServiceClient::new(self.channel(service)?);
        let request = subtree_figures!(documents::GetDocumentFiguresRequest, office, from, to);
        let answer = ask(service, client.get_document_figures(on_behalf.outbound(request))).await?;
        let mut types = std::collections::BTreeMap::new();
        let mut rows = Vec::with_capacity(answer.offices.len());
        for f in &answer.offices {
            rows.push(OfficeValues {
                office_id: office_id(service, &f.office_id)?,
                values: document_values(f, &mut types),
            });
        }
        Ok((rows, types))
    }

    /// Petition figures of the office and each office below it.
    pub async fn petition_figures(
        &self,
        on_behalf: &OnBehalf,
        office: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<OfficeValues>, Error> {
        let service = Service::Petitions;
        let mut client = PetitionServiceClient::new(self.channel(service)?);
        let request = subtree_figures!(petitions::GetFiguresRequest, office, from, to);
        let answer = ask(service, client.get_figures(on_behalf.outbound(request))).await?;
        answer
            .rows
            .iter()
            .map(|r| {
                Ok(OfficeValues {
                    office_id: office_id(service, &r.office_id)?,
                    values: petition_values(r),
                })
            })
            .collect()
    }

    /// Finance figures of the office's whole subtree and of each child's.
    pub async fn finance_figures(
        &self,
        on_behalf: &OnBehalf,
        office: Uuid,
        children: &[Uuid],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(Values, Vec<OfficeValues>), Error> {
        let service = Service::Finance;
        let client = FiguresServiceClient::new(self.channel(service)?);
        let mut calls = JoinSet::new();
        for (index, subtree) in std::iter::once(office).chain(children.iter().copied()).enumerate() {
            let mut client = client.clone();
            let request = on_behalf.outbound(subtree_figures!(finance::FinanceFiguresRequest, subtree, from, to));
            calls.spawn(
                async move {
                    let answer = client.get_finance_figures(request).await;
                    (index, subtree, answer)
                }
                .in_current_span(),
            );
        }
        let mut answers: Vec<Option<Values>> = vec![None; children.len() + 1];
        while let Some(joined) = calls.join_next().await {
            let (index, _subtree, answer) = joined.map_err(|e| {
                tracing::warn!(error = %e, "finance call task failed");
                Error::Unavailable(unavailable(&[service]))
            })?;
            let figures = answer.map_err(|s| failure(service, &s))?.into_inner();
            if let Some(slot) = answers.get_mut(index) {
                *slot = Some(finance_values(&figures));
            }
        }
        let mut answers = answers.into_iter();
        let subtree = answers.next().flatten().unwrap_or_default();
        let per_child = children
            .iter()
            .zip(answers)
            .map(|(child, values)| OfficeValues {
                office_id: *child,
                values: values.unwrap_or_default(),
            })
            .collect();
        Ok((subtree, per_child))
    }
}

/// The three answers, or one error: every service that did not answer is
/// named together; otherwise the first refusal.
pub fn combine<A, B, C>(a: Result<A, Error>, b: Result<B, Error>, c: Result<C, Error>) -> Result<(A, B, C), Error> {
    let silent = [
        (Service::Documents, a.as_ref().err()),
        (Service::Petitions, b.as_ref().err()),
        (Service::Finance, c.as_ref().err()),
    ];
    let down: Vec<Service> = silent
        .iter()
        .filter(|(_, e)| matches!(e, Some(Error::Unavailable(_))))
        .map(|(s, _)| *s)
        .collect();
    if !down.is_empty() {
        return Err(Error::Unavailable(unavailable(&down)));
    }
    Ok((a?, b?, c?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::d;

    fn nowhere() -> Option<vanphong_platform::grpc_client::ServiceChannel> {
        // Nothing listens on the discard port.
        let discard = std::net::SocketAddr::from(([127, 0, 0, 1], 9));
        Some(vanphong_platform::grpc_client::channel("finance", &discard.into()))
    }

    #[tokio::test]
    async fn a_finance_service_that_does_not_listen_is_named() {
        let sources = Sources::new(None, None, nowhere());
        let e = sources
            .finance_figures(
                &OnBehalf::default(),
                Uuid::new_v4(),
                &[Uuid::new_v4()],
                d("2026-02-15"),
                d("2026-03-14"),
            )
            .await
            .expect_err("nothing answers");
        assert!(
            matches!(&e, Error::Unavailable(m) if m.contains("dịch vụ tài chính không trả lời")),
            "{e:?}"
        );
    }

    #[tokio::test]
    async fn every_silent_service_is_named_and_they_are_asked_at_once() {
        let sources = Sources::new(nowhere(), nowhere(), nowhere());
        let e = sources
            .gather(
                &OnBehalf::default(),
                Uuid::new_v4(),
                &[],
                d("2026-02-15"),
                d("2026-03-14"),
            )
            .await
            .expect_err("nothing answers");
        let Error::Unavailable(message) = e else {
            panic!("expected UNAVAILABLE, got {e:?}")
        };
        for name in [
            "dịch vụ văn bản",
            "dịch vụ tiếp công dân, xử lý đơn thư",
            "dịch vụ tài chính",
        ] {
            assert!(message.contains(&format!("{name} không trả lời")), "{message}");
        }
    }

    #[test]
    fn one_silent_service_among_answers_is_named_alone() {
        let e = combine::<(), (), ()>(Ok(()), Ok(()), Err(Error::Unavailable(String::new()))).expect_err("down");
        assert!(
            matches!(&e, Error::Unavailable(m) if m.contains("tài chính") && !m.contains("văn bản")),
            "{e:?}"
        );
        let e = combine::<(), (), ()>(Err(Error::PermissionDenied("x".into())), Ok(()), Ok(())).expect_err("refused");
        assert!(matches!(e, Error::PermissionDenied(_)));
    }

    #[test]
    fn document_types_become_columns() {
        let mut types = std::collections::BTreeMap::new();
        let f = documents::DocumentFigures {
            received: 4,
            issued: 3,
            issued_by_type: vec![
                documents::TypeCount {
                    type_code: "BC".into(),
                    type_name: "Báo cáo".into(),
                    count: 2,
                },
                documents::TypeCount {
                    type_code: "CV".into(),
                    type_name: "Công văn".into(),
                    count: 1,
                },
            ],
            ..Default::default()
        };
        let v = document_values(&f, &mut types);
        assert_eq!(v.get("documents.issued.BC"), Some(&2));
        assert_eq!(types.get("CV").map(String::as_str), Some("Công văn"));
    }
}
