//! The request contract every server enforces when it decodes a request
//! (the `vanphong.api.v1.field` rules and the suite's defaults), and what
//! third-party clients meet at the edges: too many bad fields, oversized
//! lists and texts, bytes that are not protobuf, JSON that does not parse,
//! dates not written `YYYY-MM-DD`, and the published OpenAPI document.

use bytes::{Buf, BufMut};
use http::{Method, StatusCode};
use tonic::Code;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic_types::StatusExt;

use vanphong_platform::identity::Role;
use vanphong_proto::documents::v1::{
    CreateDraftRequest, ListDocumentsRequest, RecipientInput, RegisterIncomingRequest,
};
use vanphong_proto::finance::v1::budget_service_client::BudgetServiceClient;
use vanphong_proto::finance::v1::{CreateEstimateRequest, EstimateLine};

use crate::helpers::{TestApp, authed, spawn_app, violated_fields};

/// The fields named in a REST error body.
fn rest_fields(body: &serde_json::Value) -> Vec<String> {
    body["error"]["details"][0]["fieldViolations"]
        .as_array()
        .map(|v| v.iter().filter_map(|v| v["field"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// Whether a text reads as English parser output rather than Vietnamese.
fn looks_english(text: &str) -> bool {
    [
        "expected",
        "invalid type",
        "key must",
        "at line",
        "unknown field",
        "missing field",
    ]
    .iter()
    .any(|w| text.contains(w))
}

#[tokio::test]
async fn a_request_with_hundreds_of_bad_fields_is_a_bounded_400_naming_them() {
    let app = spawn_app().await;
    let accountant = app.token("tu", Role::Accountant).await;
    let lines: Vec<EstimateLine> = (0..300)
        .map(|i| EstimateLine {
            line_code: format!("99{i:02}"),
            amount: -1,
            ..Default::default()
        })
        .collect();

    let e = BudgetServiceClient::new(app.channel.clone())
        .create_estimate(authed(
            CreateEstimateRequest {
                year: 2026,
                lines: lines.clone(),
                ..Default::default()
            },
            &accountant,
        ))
        .await
        .expect_err("every line is wrong");
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    let fields = violated_fields(&e);
    assert!(fields.len() <= 21, "bounded details, got {}", fields.len());
    assert_eq!(fields[0], "lines[0].line_code");
    let details = e.get_error_details();
    let summary = details
        .bad_request()
        .and_then(|b| b.field_violations.last().cloned())
        .expect("a closing count");
    assert_eq!(summary.reason, "MORE_VIOLATIONS");
    assert!(summary.description.contains("600"), "{}", summary.description);
    assert!(e.message().chars().count() <= 1000, "bounded message: {}", e.message());
    assert!(e.message().contains("lines[0].line_code"));

    let body = serde_json::json!({
        "year": 2026,
        "lines": lines.iter().map(|l| serde_json::json!({"lineCode": l.line_code, "amount": "-1"})).collect::<Vec<_>>(),
    });
    let (status, body, _) = app
        .rest(Method::POST, "/api/v1/finance/estimates", Some(&accountant), Some(body))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let fields = rest_fields(&body);
    assert!(
        fields.len() <= 21 && fields.contains(&"lines[0].amount".to_string()),
        "{fields:?}"
    );
}

async fn outgoing_count(app: &TestApp, token: &str) -> usize {
    app.queries()
        .list_documents(authed(
            ListDocumentsRequest {
                page_size: 500,
                ..Default::default()
            },
            token,
        ))
        .await
        .expect("list")
        .into_inner()
        .documents
        .len()
}

#[tokio::test]
async fn oversized_lists_and_texts_are_refused_before_anything_is_written() {
    let app = spawn_app().await;
    let drafter = app.token("hiephoa", Role::Specialist).await;
    let before = outgoing_count(&app, &drafter).await;

    // The probe's draft: 100,000 recipients in under 2 MB of JSON.
    let recipients: Vec<serde_json::Value> = (0..100_000)
        .map(|i| serde_json::json!({"name": format!("N{i}")}))
        .collect();
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/documents/outgoing",
            Some(&drafter),
            Some(serde_json::json!({"typeCode": "CV", "subject": "Nhiều nơi nhận", "recipients": recipients})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(rest_fields(&body), vec!["recipients"]);
    assert_eq!(body["error"]["details"][0]["fieldViolations"][0]["reason"], "TOO_MANY");

    // The same over gRPC, and an over-long subject and recipient name.
    let e = app
        .outgoing()
        .create_draft(authed(
            CreateDraftRequest {
                type_code: "CV".into(),
                subject: "Trích yếu ".repeat(20_000),
                recipients: (0..5_000)
                    .map(|i| RecipientInput {
                        name: format!("Nơi nhận {i}"),
                        ..Default::default()
                    })
                    .chain([RecipientInput {
                        name: "Tên ".repeat(10_000),
                        ..Default::default()
                    }])
                    .collect(),
                ..Default::default()
            },
            &drafter,
        ))
        .await
        .expect_err("too large");
    let mut fields = violated_fields(&e);
    fields.sort();
    assert_eq!(fields, vec!["recipients", "recipients[5000].name", "subject"]);

    // A draft at the published limits is stored and reads back whole.
    let draft = app
        .outgoing()
        .create_draft(authed(
            CreateDraftRequest {
                type_code: "CV".into(),
                subject: "Đ".repeat(2_000),
                pages: 1,
                recipients: (0..500)
                    .map(|i| RecipientInput {
                        name: format!("{i:03} {}", "Ư".repeat(296)),
                        organ_id: "0".repeat(100),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            },
            &drafter,
        ))
        .await
        .expect("at the limits")
        .into_inner();
    let (status, body, _) = app
        .rest(
            Method::GET,
            &format!("/api/v1/documents/{}", draft.id),
            Some(&drafter),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recipients"].as_array().map(Vec::len), Some(500));
    assert_eq!(
        outgoing_count(&app, &drafter).await,
        before + 1,
        "only the draft at the limits was written"
    );
}

/// Sends raw bytes as the request message of any RPC.
#[derive(Default)]
struct RawCodec;

struct RawCoder;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCoder;
    type Decoder = RawCoder;
    fn encoder(&mut self) -> RawCoder {
        RawCoder
    }
    fn decoder(&mut self) -> RawCoder {
        RawCoder
    }
}

impl Encoder for RawCoder {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), tonic::Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCoder {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, tonic::Status> {
        let bytes = src.copy_to_bytes(src.remaining());
        Ok(Some(bytes.to_vec()))
    }
}

async fn raw_call(app: &TestApp, path: &str, bytes: Vec<u8>, token: &str) -> tonic::Status {
    let mut grpc = tonic::client::Grpc::new(app.channel.clone());
    grpc.ready().await.expect("ready");
    grpc.unary(
        authed(bytes, token),
        http::uri::PathAndQuery::try_from(path).expect("path"),
        RawCodec,
    )
    .await
    .expect_err("not protobuf")
}

#[tokio::test]
async fn bad_bytes_bad_json_and_loose_dates_are_invalid_arguments_in_vietnamese() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let accountant = app.token("tu", Role::Accountant).await;

    // Bytes that are not protobuf, to the gateway's own directory and to a
    // backend behind it.
    let garbage = vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0a, 0xff];
    for path in [
        "/vanphong.directory.v1.OfficeService/ListOffices",
        "/vanphong.documents.v1.OutgoingService/CreateDraft",
        "/vanphong.finance.v1.BudgetService/CreateEstimate",
    ] {
        let e = raw_call(&app, path, garbage.clone(), &clerk).await;
        assert_eq!(e.code(), Code::InvalidArgument, "{path}: {e:?}");
        assert!(!looks_english(e.message()), "{path}: {}", e.message());
    }

    // An amount that is not a number names the amount.
    let (status, body, _) = app
        .rest(
            Method::POST,
            "/api/v1/finance/estimates",
            Some(&accountant),
            Some(serde_json::json!({"year": 2026, "lines": [{"lineCode": "6001", "amount": "một triệu"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(rest_fields(&body), vec!["lines[0].amount"]);
    let said = body["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(!looks_english(&said) && said.contains("số nguyên"), "{said}");

    // JSON that does not parse at all says so in Vietnamese.
    for raw in [r#"{1: 2}"#, r#"{"year": 2026,"#, r#"[1, 2]"#, r#"{"colour": "red"}"#] {
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http::<http_body_util::Full<bytes::Bytes>>();
        let request = http::Request::builder()
            .method(Method::POST)
            .uri(format!("http://{}/api/v1/finance/estimates", app.addr))
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {accountant}"))
            .body(http_body_util::Full::new(bytes::Bytes::from(raw)))
            .expect("request");
        let response = client.request(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{raw}");
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .expect("body")
            .to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        let descriptions: Vec<&str> = body["error"]["details"][0]["fieldViolations"]
            .as_array()
            .map(|v| v.iter().filter_map(|v| v["description"].as_str()).collect())
            .unwrap_or_default();
        assert!(!looks_english(message), "{raw}: {message}");
        assert!(
            descriptions.iter().all(|d| !looks_english(d)),
            "{raw}: {descriptions:?}"
        );
        if raw.contains("colour") {
            assert_eq!(rest_fields(&body), vec!["colour"], "{raw}");
        }
    }

    // Dates are YYYY-MM-DD exactly, on gRPC and REST.
    let e = app
        .incoming()
        .register_incoming(authed(
            RegisterIncomingRequest {
                type_code: "CV".into(),
                subject: "Ngày viết tắt".into(),
                number: 7,
                symbol: "UBND-VP".into(),
                issued_on: "2026-1-1".into(),
                issuer_name: "UBND huyện".into(),
                pages: 1,
                ..Default::default()
            },
            &clerk,
        ))
        .await
        .expect_err("loose date");
    assert_eq!(violated_fields(&e), vec!["issued_on"]);
    let (status, body, _) = app
        .rest(Method::GET, "/api/v1/documents?from=2026-01-1", Some(&clerk), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(rest_fields(&body), vec!["from"]);
}

#[tokio::test]
async fn openapi_publishes_the_contract_with_unique_operation_ids() {
    let app = spawn_app().await;
    let (status, doc, _) = app.rest(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);

    let mut ids = std::collections::BTreeMap::<String, usize>::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("item").values() {
            *ids.entry(operation["operationId"].as_str().expect("id").to_string())
                .or_default() += 1;
        }
    }
    let reused: Vec<_> = ids.iter().filter(|(_, n)| **n > 1).collect();
    assert!(reused.is_empty(), "operation ids used twice: {reused:?}");

    let draft = &doc["components"]["schemas"]["vanphong.documents.v1.CreateDraftRequest"];
    assert_eq!(draft["properties"]["recipients"]["maxItems"], 500, "{draft}");
    assert_eq!(draft["properties"]["subject"]["maxLength"], 2000, "{draft}");
    assert_eq!(draft["properties"]["officeId"]["format"], "uuid", "{draft}");
    assert_eq!(draft["properties"]["dueOn"]["format"], "date", "{draft}");
    let required: Vec<&str> = draft["required"]
        .as_array()
        .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    assert!(
        required.contains(&"subject") && required.contains(&"typeCode"),
        "{draft}"
    );

    let download = &doc["paths"]["/api/v1/documents/{document_id}/attachments/{attachment_id}/file"]["get"];
    assert!(download["responses"]["200"]["content"]["*/*"].is_object(), "{download}");
}
