//! A JSON body to a request message, with every failure named by its
//! field and said in Vietnamese.
//!
//! The parsers' own words ("invalid type: string, expected i64 at line 1
//! column 40", "key must be a string") are for programmers and name no
//! field; a REST client instead learns which field (`lines[0].amount`, by
//! its proto path like every other violation) and what it must hold.

use bytes::Bytes;
use prost_reflect::{DeserializeOptions, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor};
use serde_json::error::Category;
use serde_path_to_error::{Path, Segment, Track};

use vanphong_platform::Error;

/// The request message `descriptor` from a JSON object.
pub fn parse(descriptor: &MessageDescriptor, body: &Bytes) -> Result<DynamicMessage, Error> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let mut track = Track::new();
    let parsed = DynamicMessage::deserialize_with_options(
        descriptor.clone(),
        serde_path_to_error::Deserializer::new(&mut json, &mut track),
        &DeserializeOptions::new(),
    );
    match parsed {
        Ok(message) => {
            json.end().map_err(|e| syntax(&e))?;
            Ok(message)
        }
        Err(e) if e.classify() == Category::Data => Err(data(descriptor, &track.path(), &e.to_string())),
        Err(e) => Err(syntax(&e)),
    }
}

/// Not JSON at all, or cut short.
fn syntax(e: &serde_json::Error) -> Error {
    let description = if e.classify() == Category::Eof {
        "Nội dung JSON bị cắt ngang, chưa đóng hết ngoặc".to_string()
    } else {
        format!(
            "Nội dung không phải JSON hợp lệ (dòng {}, cột {}): tên trường phải là chuỗi trong dấu ngoặc kép, \
             các phần tử cách nhau bằng dấu phẩy",
            e.line(),
            e.column()
        )
    };
    Error::invalid("body", "INVALID_JSON", description)
}

/// Valid JSON whose value at `path` does not fit the message; `said` is the
/// parser's text, read only for the name of a field that does not exist
/// (the parser fails on the object holding it, so `path` ends before it).
fn data(descriptor: &MessageDescriptor, path: &Path, said: &str) -> Error {
    let mut message = descriptor.clone();
    let mut field: Option<FieldDescriptor> = None;
    // Whether the last segment picked an entry of a list or map.
    let mut entry = false;
    let mut named = String::new();
    for segment in path {
        match segment {
            Segment::Map { key } if field.as_ref().is_some_and(|f| f.is_map()) && !entry => {
                named.push_str(&format!("[{key}]"));
                entry = true;
            }
            Segment::Seq { index } if field.as_ref().is_some_and(|f| f.is_list()) && !entry => {
                named.push_str(&format!("[{index}]"));
                entry = true;
            }
            Segment::Map { key } => {
                if let Some(inner) = field.as_ref().and_then(value_message) {
                    message = inner;
                }
                let Some(found) = message
                    .get_field_by_json_name(key)
                    .or_else(|| message.get_field_by_name(key))
                else {
                    if !named.is_empty() {
                        named.push('.');
                    }
                    named.push_str(key);
                    return Error::invalid(named, "UNKNOWN_FIELD", "Trường này không có trong yêu cầu");
                };
                if !named.is_empty() {
                    named.push('.');
                }
                named.push_str(found.name());
                field = Some(found);
                entry = false;
            }
            Segment::Seq { .. } | Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    if let Some(unknown) = quoted_after(said, "unrecognized field name '") {
        if !named.is_empty() {
            named.push('.');
        }
        named.push_str(unknown);
        return Error::invalid(named, "UNKNOWN_FIELD", "Trường này không có trong yêu cầu");
    }
    if let Some(oneof) = quoted_after(said, "multiple fields provided for oneof '") {
        if !named.is_empty() {
            named.push('.');
        }
        named.push_str(oneof);
        return Error::invalid(named, "ONE_OF", "Chỉ được ghi một trong các trường của nhóm này");
    }
    match field {
        None => Error::invalid("body", "INVALID_JSON", "Nội dung phải là một đối tượng JSON ({ … })"),
        Some(f) => Error::invalid(named, "INVALID_TYPE", expected(&f, entry)),
    }
}

/// The text between `prefix` and the next `'` in `said`.
fn quoted_after<'a>(said: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &said[said.find(prefix)? + prefix.len()..];
    rest.split('\'').next()
}

/// The message held by a field (a map's values), if any.
fn value_message(field: &FieldDescriptor) -> Option<MessageDescriptor> {
    match field.kind() {
        Kind::Message(entry) if field.is_map() => match entry.map_entry_value_field().kind() {
            Kind::Message(m) => Some(m),
            _ => None,
        },
        Kind::Message(m) => Some(m),
        _ => None,
    }
}

/// What the field (or one of its entries) must hold, for people.
fn expected(field: &FieldDescriptor, entry: bool) -> String {
    if field.is_list() && !entry {
        return "Phải là một mảng JSON ([ … ])".into();
    }
    if field.is_map() && !entry {
        return "Phải là một đối tượng JSON ({ … })".into();
    }
    let kind = if field.is_map() {
        field
            .kind()
            .as_message()
            .map(|e| e.map_entry_value_field().kind())
            .unwrap_or(field.kind())
    } else {
        field.kind()
    };
    match kind {
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => "Phải là số nguyên".into(),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            "Phải là số nguyên (số hoặc chuỗi chữ số, ví dụ \"1500000\")".into()
        }
        Kind::Uint32 | Kind::Fixed32 | Kind::Uint64 | Kind::Fixed64 => "Phải là số nguyên không âm".into(),
        Kind::Double | Kind::Float => "Phải là số".into(),
        Kind::Bool => "Phải là true hoặc false".into(),
        Kind::String => "Phải là chuỗi ký tự trong dấu ngoặc kép".into(),
        Kind::Bytes => "Phải là chuỗi base64".into(),
        Kind::Enum(e) => {
            let names: Vec<String> = e.values().skip(1).map(|v| v.name().to_string()).take(12).collect();
            format!("Phải là một trong các giá trị: {}", names.join(", "))
        }
        Kind::Message(m) => match m.full_name() {
            "google.protobuf.Timestamp" => "Phải là thời điểm RFC 3339, ví dụ \"2026-01-31T08:00:00Z\"".into(),
            "google.protobuf.Duration" => "Phải là khoảng thời gian, ví dụ \"1.5s\"".into(),
            _ => "Phải là một đối tượng JSON ({ … })".into(),
        },
    }
}
