//! Signing through a remote signing service (docs/domain.md §2.7): the
//! suite's client (`vanphong_pdf::sign::remote`) against the suite's own
//! implementation of the service (`vanphong::signing_service`) on a real
//! port, as a deployment reaches the national PKI's.

use std::time::{Duration, SystemTime};

use tokio_util::sync::CancellationToken;
use vanphong_pdf::sign::ca::Enrolment;
use vanphong_pdf::sign::keys::{KeyOwner, KeyStore};
use vanphong_pdf::verify::{Verdict, verify};
use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::{IssueNumberRequest, SignatureVerdict};

use crate::documents_issuing::{BODY, Pki, attachments, pki, with_body};
use crate::documents_outgoing::{desk, draft, signed, term};
use crate::helpers::{TestApp, authed, spawn_app_with};

const PASSPHRASE: &str = "mật khẩu kho khóa thử nghiệm";
const TOKEN: &str = "ma-truy-cap-dich-vu-ky-so-7f3a";

/// The signing service on `addr` over the keys in `dir`.
async fn service(addr: std::net::SocketAddr, dir: &std::path::Path) -> CancellationToken {
    let listener = tokio::net::TcpListener::bind(addr).await.expect("bound");
    let stop = CancellationToken::new();
    vanphong::signing_service::spawn(
        listener,
        KeyStore::new(dir, Some(PASSPHRASE.into())),
        Some(TOKEN.into()),
        stop.clone(),
    );
    stop
}

/// The suite trusting the CA, told where the signing service is.
async fn spawn(pki: &Pki, url: String, token: &str) -> TestApp {
    let anchors = pki.anchors_path.clone();
    let token = token.to_string();
    spawn_app_with(move |o| {
        o.trust_anchors_file = Some(anchors);
        o.document_keys_passphrase = Some(PASSPHRASE.into());
        o.signing_service_url = Some(url);
        o.signing_service_token = Some(token);
        o.signing_service_timeout_secs = Some(5);
    })
    .await
}

/// The office's seal key in the suite's folder; the leader's key held by
/// the service, the suite knowing only its id.
fn enrol_remote(app: &TestApp, pki: &Pki, remote_dir: &std::path::Path) -> &'static str {
    let suite = KeyStore::new(app.settings.document_keys_dir.clone(), Some(PASSPHRASE.into()));
    let remote = KeyStore::new(remote_dir, Some(PASSPHRASE.into()));
    let office = app.demo.office("tu").expect("office");
    let from = SystemTime::from(crate::helpers::start_time()) - Duration::from_secs(86_400 * 30);
    let seal = Enrolment {
        owner: KeyOwner::Office,
        id: &office.id,
        common_name: office.name,
        organization: office.name,
    };
    pki.ca.enrol(&suite, &seal, from, 1_000).expect("office key");
    let leader = app
        .demo
        .offices
        .iter()
        .flat_map(|o| &o.users)
        .find(|u| u.role == Role::Leader && u.username.starts_with("tu."))
        .expect("leader");
    let person = Enrolment {
        owner: KeyOwner::Person,
        id: &leader.id,
        common_name: leader.full_name,
        organization: office.name,
    };
    pki.ca.enrol(&remote, &person, from, 1_000).expect("leader key");
    suite
        .store_remote_key(KeyOwner::Person, &leader.id, &format!("person-{}", leader.id))
        .expect("remote key id");
    leader.full_name
}

#[tokio::test]
async fn a_leader_whose_key_the_signing_service_holds_signs_through_it() {
    let pki = pki();
    let remote_dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr");
    let stop = service(port, remote_dir.path()).await;
    let app = spawn(&pki, format!("http://{port}"), TOKEN).await;
    let leader = enrol_remote(&app, &pki, remote_dir.path());
    let d = desk(&app, "tu").await;
    term(&app, "tu", "Nhiệm kỳ 2025–2030", "2025-10-16", "", false).await;

    let doc = signed(
        &app,
        &d,
        with_body(draft("TB", "Thông báo ký từ xa", vec![]), BODY),
        "T/M",
    )
    .await;
    let number = |id: String| {
        let clerk = d.clerk.clone();
        let app = &app;
        async move {
            app.outgoing()
                .issue_number(authed(IssueNumberRequest { document_id: id }, &clerk))
                .await
                .expect("numbered")
                .into_inner()
        }
    };
    let first = number(doc.id.clone()).await;
    let files = attachments(&app, &d.clerk, &doc.id).await;
    let issued = files
        .iter()
        .find(|a| a.issued)
        .unwrap_or_else(|| panic!("issued: {:?}", first.events));
    let check = issued.signature_check.as_ref().expect("checked");
    assert_eq!(check.verdict(), SignatureVerdict::Valid, "{check:?}");
    let signers: Vec<&str> = check.signatures.iter().map(|s| s.signer.as_str()).collect();
    assert_eq!(signers, [leader, "Tỉnh ủy Bắc Giang"]);
    let (_, pdf) = crate::documents_attachments::download(&app, &d.clerk, &doc.id, &issued.id)
        .await
        .expect("downloaded");
    assert_eq!(verify(&pdf, std::slice::from_ref(&pki.ca.root)).verdict, Verdict::Valid);

    // The service down: the number stands, the history says why, and
    // asking again once it is back issues the signed PDF.
    stop.cancel();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let second = signed(
        &app,
        &d,
        with_body(draft("TB", "Thông báo thứ hai", vec![]), BODY),
        "T/M",
    )
    .await;
    let numbered = number(second.id.clone()).await;
    assert!(!numbered.number_symbol.is_empty());
    let failed = numbered
        .events
        .iter()
        .find(|e| e.kind == "issue_failed")
        .expect("the failure in the history");
    assert!(failed.note.contains("ký số từ xa"), "{}", failed.note);
    assert!(!attachments(&app, &d.clerk, &second.id).await.iter().any(|a| a.issued));
    let _back = service(port, remote_dir.path()).await;
    number(second.id.clone()).await;
    let files = attachments(&app, &d.clerk, &second.id).await;
    let check = files
        .iter()
        .find(|a| a.issued)
        .and_then(|a| a.signature_check.clone())
        .expect("issued and checked");
    assert_eq!(check.verdict(), SignatureVerdict::Valid, "{check:?}");
}

#[tokio::test]
async fn a_wrong_token_is_refused_by_the_service_and_nothing_is_signed_with_it() {
    let pki = pki();
    let remote_dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr");
    let _stop = service(port, remote_dir.path()).await;
    let app = spawn(&pki, format!("http://{port}"), "ma-sai").await;
    enrol_remote(&app, &pki, remote_dir.path());
    let d = desk(&app, "tu").await;
    term(&app, "tu", "Nhiệm kỳ 2025–2030", "2025-10-16", "", false).await;
    let doc = signed(&app, &d, with_body(draft("TB", "Thông báo", vec![]), BODY), "T/M").await;
    let numbered = app
        .outgoing()
        .issue_number(authed(
            IssueNumberRequest {
                document_id: doc.id.clone(),
            },
            &d.clerk,
        ))
        .await
        .expect("numbered")
        .into_inner();
    let failed = numbered
        .events
        .iter()
        .find(|e| e.kind == "issue_failed")
        .expect("failed");
    assert!(failed.note.contains("401"), "{}", failed.note);
}
