//! The OpenAPI 3 document of the REST surface, generated from the same
//! descriptors and route table the gateway serves, with the proto comments as
//! descriptions.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};
use serde_json::{Value, json};
use vanphong_proto::contract::{Rules, rules_of};

use super::routes::RestRoute;

/// The whole document.
pub fn document(routes: &[RestRoute], version: &str) -> Value {
    let mut paths: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    let mut schemas: BTreeMap<String, Value> = BTreeMap::new();
    let mut pending: Vec<MessageDescriptor> = Vec::new();
    let limited = Limited::new(routes);

    for route in routes {
        let input = route.method.input();
        let output = route.method.output();
        let path_params: BTreeSet<&str> = route.path_params().into_iter().collect();
        let mut parameters: Vec<Value> = path_params
            .iter()
            .filter_map(|name| input.get_field_by_name(name))
            .map(|field| {
                json!({
                    "name": field.name(),
                    "in": "path",
                    "required": true,
                    "description": comment_of_field(&field),
                    "schema": field_schema(&field, &limited, &mut pending),
                })
            })
            .collect();
        let mut operation = serde_json::Map::new();
        if route.body {
            pending.push(input.clone());
            operation.insert(
                "requestBody".into(),
                json!({
                    "required": true,
                    "content": {"application/json": {"schema": {"$ref": schema_ref(&input)}}},
                }),
            );
        } else {
            for field in input.fields() {
                if path_params.contains(field.name()) || matches!(field.kind(), Kind::Message(_) | Kind::Bytes) {
                    continue;
                }
                parameters.push(json!({
                    "name": field.json_name(),
                    "in": "query",
                    "required": rules_of(&field).required,
                    "description": comment_of_field(&field),
                    "schema": field_schema(&field, &limited, &mut pending),
                }));
            }
        }
        pending.push(output.clone());
        let service = route.method.parent_service();
        // Service names repeat across packages (every service has its
        // AuditService), so the id carries the package too.
        operation.insert(
            "operationId".into(),
            json!(format!("{}.{}", service.full_name(), route.method.name())),
        );
        operation.insert("tags".into(), json!([service.name()]));
        operation.insert("summary".into(), json!(first_line(&comment_of_method(route))));
        operation.insert(
            "description".into(),
            json!(format!("{}\n\ngRPC: `{}`", comment_of_method(route), route.grpc_path())),
        );
        operation.insert("parameters".into(), Value::Array(parameters));
        operation.insert(
            "responses".into(),
            json!({
                "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": schema_ref(&output)}}}},
                "default": {"description": "Lỗi", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            }),
        );
        if route.public {
            operation.insert("security".into(), json!([]));
        }
        paths
            .entry(route.template.clone())
            .or_default()
            .insert(route.http_method.as_str().to_lowercase(), Value::Object(operation));
    }

    while let Some(message) = pending.pop() {
        let name = message.full_name().to_string();
        if schemas.contains_key(&name) || is_well_known(&message) {
            continue;
        }
        schemas.insert(name.clone(), Value::Null);
        let schema = message_schema(&message, &limited, &mut pending);
        schemas.insert(name, schema);
    }
    schemas.insert("Error".into(), error_schema());

    let mut path_items: serde_json::Map<String, Value> =
        paths.into_iter().map(|(k, v)| (k, Value::Object(v))).collect();
    for (path, summary) in [
        ("/healthz", "Tiến trình đang chạy"),
        (
            "/readyz",
            "Cổng sẵn sàng phục vụ; trạng thái từng dịch vụ phía sau (degraded khi có dịch vụ không trả lời)",
        ),
        ("/openapi.json", "Tài liệu OpenAPI này"),
    ] {
        path_items.insert(
            path.into(),
            json!({"get": {
                "operationId": path.trim_start_matches('/').replace('.', "_"),
                "tags": ["Operations"],
                "summary": summary,
                "security": [],
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "503": {"description": "Chưa sẵn sàng", "content": {"application/json": {"schema": {"type": "object"}}}},
                },
            }}),
        );
    }

    file_paths(&mut path_items);
    // The HTTP server itself refuses an over-long address (hyper's limit)
    // before any route runs, with no body.
    for item in path_items.values_mut() {
        for operation in item.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
            operation["responses"]["414"] = json!({"description": "Địa chỉ yêu cầu quá dài (không có nội dung)"});
        }
    }

    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Vanphong API",
            "version": version,
            "description": "Văn phòng số dùng chung cho văn phòng cấp ủy. Mỗi tuyến REST gọi một RPC gRPC cùng tên; \
                            dữ liệu JSON theo quy ước proto3 (tên trường lowerCamelCase, enum theo tên, số 64 bit là chuỗi).",
        },
        "paths": path_items,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            },
        },
        "security": [{"bearerAuth": []}],
    })
}

/// The raw-bytes routes (attachments, edXML packages), which no RPC
/// annotation describes.
fn file_paths(path_items: &mut serde_json::Map<String, Value>) {
    let error = json!({"description": "Lỗi", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let param = |name: &str, place: &str, required: bool, description: &str| {
        let mut schema = json!({"type": "string", "maxLength": 255});
        if name.ends_with("_id") || name.ends_with("Id") && name != "requestId" {
            schema = json!({"type": "string", "format": "uuid"});
        }
        json!({"name": name, "in": place, "required": required, "description": description, "schema": schema})
    };
    path_items.insert(
        "/api/v1/documents/{document_id}/attachments/file".into(),
        json!({"put": {
            "operationId": "UploadAttachmentFile",
            "tags": ["AttachmentService"],
            "summary": "Tải tệp đính kèm lên dưới dạng byte thô (tệp lớn), trả về tệp đã lưu",
            "parameters": [
                param("document_id", "path", true, "Văn bản nhận tệp"),
                param("fileName", "query", true, "Tên tệp"),
                param("sha256", "query", true, "SHA-256 của nội dung (64 chữ số hệ 16)"),
                param("requestId", "query", false, "Khóa chống trùng khi gửi lại"),
            ],
            "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/vanphong.documents.v1.Attachment"}}}},
                "default": error,
            },
        }}),
    );
    path_items.insert(
        "/api/v1/documents/{document_id}/attachments/{attachment_id}/file".into(),
        json!({"get": {
            "operationId": "DownloadAttachmentFile",
            "tags": ["AttachmentService"],
            "summary": "Tải tệp đính kèm về dưới dạng byte thô (ETag là SHA-256)",
            "parameters": [
                param("document_id", "path", true, "Văn bản"),
                param("attachment_id", "path", true, "Tệp đính kèm"),
            ],
            "responses": {
                // Served with the content type given at upload.
                "200": {"description": "Nội dung tệp, với kiểu nội dung đã khai khi tải lên", "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
                "default": error,
            },
        }}),
    );
    path_items.insert(
        "/api/v1/documents/{document_id}/edxml/file".into(),
        json!({"get": {
            "operationId": "ExportEdxmlFile",
            "tags": ["EdxmlService"],
            "summary": "Gói tin edXML của văn bản đi dưới dạng tệp XML, để gửi cơ quan ngoài hệ thống",
            "parameters": [param("document_id", "path", true, "Văn bản đi đã cấp số")],
            "responses": {
                "200": {"description": "Gói tin edXML", "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}}},
                "default": error,
            },
        }}),
    );
    path_items.insert(
        "/api/v1/documents/edxml/import/file".into(),
        json!({"post": {
            "operationId": "ImportEdxmlFile",
            "tags": ["EdxmlService"],
            "summary": "Tiếp nhận gói tin edXML nhận được (tệp XML) thành văn bản đến",
            "parameters": [
                param("requestId", "query", false, "Khóa chống trùng khi gửi lại"),
                param("officeId", "query", false, "Đơn vị nhận; mặc định đơn vị của người gọi"),
            ],
            "requestBody": {"required": true, "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/vanphong.documents.v1.Document"}}}},
                "default": error,
            },
        }}),
    );
}

fn schema_ref(message: &MessageDescriptor) -> String {
    format!("#/components/schemas/{}", message.full_name())
}

fn is_well_known(message: &MessageDescriptor) -> bool {
    message.full_name().starts_with("google.protobuf.")
}

/// The messages that requests hold (at any depth): their fields publish the
/// contract's limits. Messages only ever answered do not: what the
/// service writes there (an export's bytes, a long history) is not bound by
/// what a request may send.
struct Limited(HashSet<String>);

impl Limited {
    fn new(routes: &[RestRoute]) -> Limited {
        let mut seen = HashSet::new();
        let mut stack: Vec<MessageDescriptor> = Vec::new();
        if let Some(pool) = routes.first().map(|r| r.method.parent_pool().clone()) {
            for service in pool.services() {
                stack.extend(service.methods().map(|m| m.input()));
            }
        }
        while let Some(message) = stack.pop() {
            if !seen.insert(message.full_name().to_string()) {
                continue;
            }
            for field in message.fields() {
                if let Kind::Message(inner) = field.kind() {
                    stack.push(inner);
                }
            }
        }
        Limited(seen)
    }

    fn rules(&self, field: &FieldDescriptor) -> Option<Rules> {
        let parent = field.parent_message();
        let owner = if parent.is_map_entry() {
            parent
                .parent_message()
                .map(|m| m.full_name().to_string())
                .unwrap_or_default()
        } else {
            parent.full_name().to_string()
        };
        self.0.contains(&owner).then(|| rules_of(field))
    }
}

fn message_schema(message: &MessageDescriptor, limited: &Limited, pending: &mut Vec<MessageDescriptor>) -> Value {
    let properties: serde_json::Map<String, Value> = message
        .fields()
        .map(|field| {
            let mut schema = field_schema(&field, limited, pending);
            let description = comment_of_field(&field);
            if !description.is_empty()
                && let Value::Object(map) = &mut schema
            {
                map.insert("description".into(), json!(description));
            }
            (field.json_name().to_string(), schema)
        })
        .collect();
    let required: Vec<String> = message
        .fields()
        .filter(|f| limited.rules(f).is_some_and(|r| r.required))
        .map(|f| f.json_name().to_string())
        .collect();
    let mut schema = json!({
        "type": "object",
        "description": comment_at(message.parent_file().file_descriptor_proto(), message.path()),
        "properties": properties,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

fn field_schema(field: &FieldDescriptor, limited: &Limited, pending: &mut Vec<MessageDescriptor>) -> Value {
    let rules = limited.rules(field);
    if field.is_map() {
        let mut schema = json!({"type": "object"});
        if let Kind::Message(entry) = field.kind() {
            let value = entry.map_entry_value_field();
            schema["additionalProperties"] = with_rules(kind_schema(&value, pending), &value, limited.rules(&value));
        }
        if let Some(rules) = rules {
            schema["maxProperties"] = json!(rules.max_items);
        }
        return schema;
    }
    let single = with_rules(kind_schema(field, pending), field, rules);
    if field.is_list() {
        let mut schema = json!({"type": "array", "items": single});
        if let Some(rules) = rules {
            schema["maxItems"] = json!(rules.max_items);
        }
        schema
    } else {
        single
    }
}

/// A single value's schema with the contract's length and format.
fn with_rules(mut schema: Value, field: &FieldDescriptor, rules: Option<Rules>) -> Value {
    let Some(rules) = rules else {
        return schema;
    };
    match field.kind() {
        Kind::String => {
            schema["maxLength"] = json!(rules.max_length);
            if let Some(format) = rules.format.openapi() {
                schema["format"] = json!(format);
            }
        }
        // Base64: four characters for every three bytes.
        Kind::Bytes => schema["maxLength"] = json!(u64::from(rules.max_length).div_ceil(3) * 4),
        _ => {}
    }
    schema
}

fn kind_schema(field: &FieldDescriptor, pending: &mut Vec<MessageDescriptor>) -> Value {
    match field.kind() {
        Kind::Double => json!({"type": "number", "format": "double"}),
        Kind::Float => json!({"type": "number", "format": "float"}),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => json!({"type": "integer", "format": "int32"}),
        Kind::Uint32 | Kind::Fixed32 => json!({"type": "integer", "format": "int64", "minimum": 0}),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => json!({"type": "string", "format": "int64"}),
        Kind::Uint64 | Kind::Fixed64 => json!({"type": "string", "format": "uint64"}),
        Kind::Bool => json!({"type": "boolean"}),
        Kind::String => json!({"type": "string"}),
        Kind::Bytes => json!({"type": "string", "format": "byte"}),
        Kind::Enum(e) => json!({
            "type": "string",
            "enum": e.values().map(|v| v.name().to_string()).collect::<Vec<_>>(),
        }),
        Kind::Message(m) => match m.full_name() {
            "google.protobuf.Timestamp" => json!({"type": "string", "format": "date-time"}),
            "google.protobuf.Duration" => json!({"type": "string", "example": "1.5s"}),
            _ => {
                pending.push(m.clone());
                json!({"$ref": schema_ref(&m)})
            }
        },
    }
}

fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "Lỗi, theo khuôn dạng lỗi JSON của Google API.",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "integer", "description": "Mã trạng thái HTTP"},
                    "status": {"type": "string", "description": "Mã lỗi gRPC, ví dụ INVALID_ARGUMENT"},
                    "message": {"type": "string", "description": "Mô tả lỗi cho người dùng"},
                    "details": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "@type": {"type": "string"},
                                "fieldViolations": {"type": "array", "items": {"type": "object", "properties": {
                                    "field": {"type": "string"},
                                    "description": {"type": "string"},
                                    "reason": {"type": "string"},
                                }}},
                                "retryDelay": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
    })
}

fn comment_of_method(route: &RestRoute) -> String {
    comment_at(route.method.parent_file().file_descriptor_proto(), route.method.path())
}

fn comment_of_field(field: &FieldDescriptor) -> String {
    comment_at(field.parent_file().file_descriptor_proto(), field.path())
}

/// The leading comment of the element at `path` in a file's source info.
fn comment_at(file: &prost_types::FileDescriptorProto, path: &[i32]) -> String {
    file.source_code_info
        .as_ref()
        .and_then(|info| info.location.iter().find(|l| l.path == path))
        .and_then(|l| l.leading_comments.as_deref())
        .map(|c| {
            c.lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string()
        })
        .unwrap_or_default()
}

fn first_line(text: &str) -> String {
    text.split_terminator(['.', '\n'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}
