//! The rules of one request field: what its `vanphong.api.v1.field` option
//! declares, with the suite's defaults where it declares nothing.

use prost_reflect::{FieldDescriptor, Kind, Value};

use crate::api::v1::FieldRules;

/// Longest text, in characters, of a string field that declares no
/// `max_length`.
pub const DEFAULT_MAX_TEXT: u32 = 4000;
/// Largest value, in bytes, of a bytes field that declares no `max_length`.
pub const DEFAULT_MAX_BYTES: u32 = 64 * 1024;
/// Most entries of a repeated or map field that declares no `max_items`.
pub const DEFAULT_MAX_ITEMS: u32 = 1000;

/// The full name of the field option.
const OPTION: &str = "vanphong.api.v1.field";

/// A text field's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Any text.
    Free,
    /// A canonical UUID.
    Uuid,
    /// `YYYY-MM-DD` exactly.
    Date,
    /// RFC 3339.
    DateTime,
}

impl Format {
    /// The format named in an option; `None` for a name no server knows.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "" => Some(Format::Free),
            "uuid" => Some(Format::Uuid),
            "date" => Some(Format::Date),
            "date-time" => Some(Format::DateTime),
            _ => None,
        }
    }

    /// Its OpenAPI name, if any.
    pub fn openapi(self) -> Option<&'static str> {
        match self {
            Format::Free => None,
            Format::Uuid => Some("uuid"),
            Format::Date => Some("date"),
            Format::DateTime => Some("date-time"),
        }
    }
}

/// What a field must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Must be set: non-empty text, bytes or list, a non-zero number or
    /// enum, a present message.
    pub required: bool,
    /// Longest string (characters) or bytes value (bytes); 0 when the field
    /// holds neither.
    pub max_length: u32,
    /// Most entries of a repeated or map field; 0 for a single value.
    pub max_items: u32,
    /// The format of a string (each entry, for a repeated string).
    pub format: Format,
}

/// The rules of `field`: declared, with the defaults for its type filled in.
/// An unknown format name counts as free text (the proto crate's tests
/// refuse such a name).
pub fn rules_of(field: &FieldDescriptor) -> Rules {
    let declared = declared(field).unwrap_or_default();
    let max_length = match field.kind() {
        Kind::String => nonzero_or(declared.max_length, DEFAULT_MAX_TEXT),
        Kind::Bytes => nonzero_or(declared.max_length, DEFAULT_MAX_BYTES),
        _ => 0,
    };
    let max_items = if field.is_list() || field.is_map() {
        nonzero_or(declared.max_items, DEFAULT_MAX_ITEMS)
    } else {
        0
    };
    Rules {
        required: declared.required,
        max_length,
        max_items,
        format: Format::parse(&declared.format).unwrap_or(Format::Free),
    }
}

/// The option as written on the field, if it has one.
pub fn declared(field: &FieldDescriptor) -> Option<FieldRules> {
    let extension = field.parent_pool().get_extension_by_name(OPTION)?;
    let options = field.options();
    if !options.has_extension(&extension) {
        return None;
    }
    match options.get_extension(&extension).into_owned() {
        Value::Message(m) => m.transcode_to().ok(),
        _ => None,
    }
}

fn nonzero_or(value: u32, default: u32) -> u32 {
    if value == 0 { default } else { value }
}
