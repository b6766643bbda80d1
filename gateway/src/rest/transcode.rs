//! JSON and query strings to request messages, response messages to JSON,
//! following the proto3 JSON mapping (lowerCamelCase names, enums by name,
//! 64-bit integers as strings, timestamps as RFC 3339).

use bytes::Bytes;
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, SerializeOptions, Value};

use vanphong_platform::Error;

use super::json_body;
use super::routes::RestRoute;

/// The request message from the path, the query string and the body.
pub fn request_message(
    route: &RestRoute,
    path_params: &[(String, String)],
    query: Option<&str>,
    body: &Bytes,
) -> Result<DynamicMessage, Error> {
    let descriptor = route.method.input();
    let mut message = if route.body && !body.iter().all(u8::is_ascii_whitespace) {
        json_body::parse(&descriptor, body)?
    } else {
        DynamicMessage::new(descriptor.clone())
    };
    for (name, value) in path_params {
        let field = descriptor
            .get_field_by_name(name)
            .ok_or_else(|| Error::invalid(name.clone(), "UNKNOWN_FIELD", "Tham số đường dẫn không tồn tại"))?;
        set_from_text(&mut message, &field, value)?;
    }
    if let Some(query) = query {
        for (key, value) in form_pairs(query) {
            let field = find_field(&descriptor, &key)
                .ok_or_else(|| Error::invalid(key.clone(), "UNKNOWN_FIELD", "Tham số truy vấn không được hỗ trợ"))?;
            set_from_text(&mut message, &field, &value)?;
        }
    }
    Ok(message)
}

/// A response message as JSON, with every field present.
pub fn response_json(message: &DynamicMessage) -> Result<serde_json::Value, Error> {
    message
        .serialize_with_options(
            serde_json::value::Serializer,
            &SerializeOptions::new().skip_default_fields(false),
        )
        .map_err(Error::internal)
}

fn find_field(descriptor: &MessageDescriptor, key: &str) -> Option<FieldDescriptor> {
    descriptor
        .get_field_by_name(key)
        .or_else(|| descriptor.get_field_by_json_name(key))
}

pub(super) fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

fn decode_component(s: &str) -> String {
    let replaced = s.replace('+', " ");
    let bytes = replaced.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = replaced.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Sets a scalar (or appends to a repeated scalar) field from text.
fn set_from_text(message: &mut DynamicMessage, field: &FieldDescriptor, text: &str) -> Result<(), Error> {
    let name = field.name().to_string();
    let bad = |what: &str| {
        Error::invalid(
            name.clone(),
            "INVALID_FORMAT",
            format!("Giá trị «{text}» không phải {what}"),
        )
    };
    let value = match field.kind() {
        Kind::String => Value::String(text.to_string()),
        Kind::Bool => match text {
            "true" | "1" => Value::Bool(true),
            "false" | "0" | "" => Value::Bool(false),
            _ => return Err(bad("true/false")),
        },
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(text.parse().map_err(|_| bad("số nguyên"))?),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(text.parse().map_err(|_| bad("số nguyên"))?),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(text.parse().map_err(|_| bad("số nguyên không âm"))?),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(text.parse().map_err(|_| bad("số nguyên không âm"))?),
        Kind::Double => Value::F64(text.parse().map_err(|_| bad("số"))?),
        Kind::Float => Value::F32(text.parse().map_err(|_| bad("số"))?),
        Kind::Enum(e) => {
            let number = e
                .get_value_by_name(text)
                .map(|v| v.number())
                .or_else(|| text.parse::<i32>().ok())
                .ok_or_else(|| bad("giá trị hợp lệ"))?;
            Value::EnumNumber(number)
        }
        Kind::Bytes | Kind::Message(_) => {
            return Err(Error::invalid(
                name,
                "UNSUPPORTED",
                "Trường này chỉ nhận qua nội dung JSON, không qua đường dẫn hay truy vấn",
            ));
        }
    };
    if field.is_list() {
        if let Value::List(list) = message.get_field_mut(field) {
            list.push(value);
        }
    } else {
        message.set_field(field, value);
    }
    Ok(())
}
