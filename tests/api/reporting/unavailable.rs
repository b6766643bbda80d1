//! A service that cannot answer gives `UNAVAILABLE` naming it, never a
//! silent zero. The suite cannot stop one of its services inside a test,
//! so the reporting service's figure sources are pointed here at the real
//! documents and petitions services (through the gateway) and at an
//! address where nothing listens for finance.

use chrono::NaiveDate;
use tonic::Code;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::grpc_client::{Addresses, channel};
use vanphong_platform::identity::Role;
use vanphong_platform::people::OnBehalf;
use vanphong_reporting::sources::Sources;

use super::support::receive_documents;
use crate::helpers::spawn_app;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

#[tokio::test]
async fn a_silent_finance_service_is_named_and_no_figures_are_made_up() {
    let app = spawn_app().await;
    receive_documents(&app, "hiephoa", 2, "2026-02-25").await;
    let gateway = channel("gateway", &Addresses::from(app.addr));
    let nowhere = channel("finance", &"http://127.0.0.1:9".parse().expect("address"));
    let token = app.token("hiephoa", Role::Leader).await;
    let on_behalf = OnBehalf::bearer(&token);
    let office = Uuid::parse_str(&app.office_id("hiephoa")).expect("id");
    let children: Vec<Uuid> = ["bacly", "hoangvan"]
        .iter()
        .map(|s| Uuid::parse_str(&app.office_id(s)).expect("id"))
        .collect();

    // All three answering: the figures come through.
    let working = Sources::new(Some(gateway.clone()), Some(gateway.clone()), Some(gateway.clone()));
    let gathered = working
        .gather(&on_behalf, office, &children, d("2026-02-15"), d("2026-03-14"))
        .await
        .expect("every service answers");
    let own = gathered
        .documents
        .iter()
        .find(|o| o.office_id == office)
        .expect("own documents");
    assert_eq!(own.values.get("documents.received"), Some(&2));
    assert_eq!(gathered.finance_children.len(), 2);

    // Finance does not answer: UNAVAILABLE naming it, and only it.
    let broken = Sources::new(Some(gateway.clone()), Some(gateway), Some(nowhere));
    let e = broken
        .gather(&on_behalf, office, &children, d("2026-02-15"), d("2026-03-14"))
        .await
        .expect_err("finance is silent");
    let Error::Unavailable(message) = &e else {
        panic!("expected UNAVAILABLE, got {e:?}")
    };
    assert!(message.contains("dịch vụ tài chính không trả lời"), "{message}");
    assert!(!message.contains("văn bản"), "{message}");
    let status = e.into_status();
    assert_eq!(status.code(), Code::Unavailable);
}
