//! What to check in each request message type, computed once from the
//! descriptors, and the check.
//!
//! `required` is published but left to the services, which check it after
//! authentication. Only request types (the input of some RPC) are roots: the codec also
//! decodes answers on the client side, which are never checked. A root
//! whose rules cannot be broken by a message of its size (no required field
//! or format anywhere inside, and the message shorter than its smallest
//! limit: a string of n bytes has at most n characters, a list of n entries
//! takes at least n bytes) is decoded without a second look.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use prost_reflect::{
    DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, ReflectMessage, Value,
};

use super::format;
use super::rules::{Format, Rules, rules_of};
use super::status::Violation;

/// Most violations kept from one request (the total is still counted).
const KEPT: usize = 100;

/// The contract of every request type.
pub struct Contract {
    /// Request types by package, then by name within the package.
    roots: HashMap<String, HashMap<String, Root>>,
    /// The fields to look at, by message full name.
    messages: HashMap<String, Vec<FieldPlan>>,
}

/// A request type and when it needs checking.
pub struct Root {
    pub descriptor: MessageDescriptor,
    /// A format somewhere inside.
    strict: bool,
    /// The smallest length or count limit inside.
    smallest_limit: usize,
}

impl Root {
    /// Whether an encoded message of `len` bytes could break a rule.
    pub fn needs_check(&self, len: usize) -> bool {
        self.strict || len > self.smallest_limit
    }
}

struct FieldPlan {
    field: FieldDescriptor,
    rules: Rules,
    /// The message type to descend into, for message fields (and map
    /// values) that have something to check.
    nested: Option<String>,
}

/// The contract of the suite's own descriptors.
pub fn contract() -> Option<&'static Contract> {
    static CONTRACT: LazyLock<Option<Contract>> = LazyLock::new(|| {
        DescriptorPool::decode(crate::FILE_DESCRIPTOR_SET)
            .ok()
            .map(|pool| Contract::new(&pool))
    });
    CONTRACT.as_ref()
}

impl Contract {
    /// The contract of every RPC input in `pool`.
    pub fn new(pool: &DescriptorPool) -> Contract {
        let mut messages = HashMap::new();
        for message in pool.all_messages() {
            let fields = message
                .fields()
                .filter_map(|field| {
                    let rules = rules_of(&field);
                    let nested = nested_message(&field).map(|m| m.full_name().to_string());
                    let worth =
                        rules.format != Format::Free || rules.max_length > 0 || rules.max_items > 0 || nested.is_some();
                    worth.then_some(FieldPlan { field, rules, nested })
                })
                .collect();
            messages.insert(message.full_name().to_string(), fields);
        }
        let mut contract = Contract {
            roots: HashMap::new(),
            messages,
        };
        for service in pool.services() {
            for method in service.methods() {
                let input = method.input();
                let (strict, smallest_limit) = contract.reach(&input);
                let package = input.package_name().to_string();
                let name = relative_name(&input);
                contract.roots.entry(package).or_default().insert(
                    name,
                    Root {
                        descriptor: input,
                        strict,
                        smallest_limit,
                    },
                );
            }
        }
        contract
    }

    /// The request type `package`.`name` (as `prost::Name` spells them).
    pub fn root(&self, package: &str, name: &str) -> Option<&Root> {
        self.roots.get(package)?.get(name)
    }

    /// Every request type, for the tests.
    pub fn roots(&self) -> impl Iterator<Item = &Root> {
        self.roots.values().flat_map(|m| m.values())
    }

    /// Whether anything inside `message` is required or formatted, and its
    /// smallest limit.
    fn reach(&self, message: &MessageDescriptor) -> (bool, usize) {
        let mut seen = HashSet::new();
        let mut stack = vec![message.full_name().to_string()];
        let (mut strict, mut smallest) = (false, usize::MAX);
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            for plan in self.messages.get(&name).into_iter().flatten() {
                strict |= plan.rules.format != Format::Free;
                for limit in [plan.rules.max_length, plan.rules.max_items] {
                    if limit > 0 {
                        smallest = smallest.min(limit as usize);
                    }
                }
                stack.extend(plan.nested.clone());
            }
        }
        (strict, smallest)
    }

    /// Every rule `message` breaks: the first ones found and the total.
    pub fn check(&self, message: &DynamicMessage) -> (Vec<Violation>, usize) {
        let mut found = Found::default();
        self.check_message(message, message.descriptor().full_name(), "", &mut found);
        (found.kept, found.total)
    }

    fn check_message(&self, message: &DynamicMessage, name: &str, path: &str, found: &mut Found) {
        for plan in self.messages.get(name).into_iter().flatten() {
            let field = &plan.field;
            let here = if path.is_empty() {
                field.name().to_string()
            } else {
                format!("{path}.{}", field.name())
            };
            // `required` is published, not checked here: the service checks
            // it after authentication, so that a caller without a token
            // learns UNAUTHENTICATED and nothing about the request.
            if !message.has_field(field) {
                continue;
            }
            match &*message.get_field(field) {
                Value::List(items) => {
                    self.check_count(items.len(), plan, &here, found);
                    for (i, item) in items.iter().enumerate() {
                        self.check_value(item, plan, &format!("{here}[{i}]"), found);
                    }
                }
                Value::Map(entries) => {
                    self.check_count(entries.len(), plan, &here, found);
                    for (key, value) in entries {
                        self.check_value(value, plan, &format!("{here}[{}]", key_text(key)), found);
                    }
                }
                value => self.check_value(value, plan, &here, found),
            }
        }
    }

    fn check_count(&self, count: usize, plan: &FieldPlan, path: &str, found: &mut Found) {
        let max = plan.rules.max_items as usize;
        if count > max {
            found.push(path, "TOO_MANY", || format!("Tối đa {max} mục ({count} mục)"));
        }
    }

    fn check_value(&self, value: &Value, plan: &FieldPlan, path: &str, found: &mut Found) {
        let max = plan.rules.max_length as usize;
        match value {
            Value::String(text) => {
                if text.len() > max {
                    let chars = text.chars().count();
                    if chars > max {
                        found.push(path, "TOO_LONG", || format!("Dài quá {max} ký tự ({chars} ký tự)"));
                    }
                }
                if !text.is_empty() {
                    check_format(text, plan.rules.format, path, found);
                }
            }
            Value::Bytes(bytes) if bytes.len() > max => {
                let len = bytes.len();
                found.push(path, "TOO_LONG", || format!("Lớn quá {max} byte ({len} byte)"));
            }
            Value::Message(inner) => {
                if let Some(name) = &plan.nested {
                    self.check_message(inner, name, path, found);
                }
            }
            _ => {}
        }
    }
}

fn check_format(text: &str, format: Format, path: &str, found: &mut Found) {
    let (ok, reason, description) = match format {
        Format::Free => return,
        Format::Uuid => (
            format::is_uuid(text),
            "INVALID_ID",
            "Không phải mã định danh hợp lệ (UUID dạng xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
        ),
        Format::Date => (
            format::is_date(text),
            "INVALID_DATE",
            "Ngày phải có dạng YYYY-MM-DD và có thật",
        ),
        Format::DateTime => (
            format::is_date_time(text),
            "INVALID_DATE_TIME",
            "Thời điểm phải theo RFC 3339, ví dụ 2026-01-31T08:00:00+07:00",
        ),
    };
    if !ok {
        found.push(path, reason, || description.into());
    }
}

/// The message a field holds (for a map, its values' message), if any.
fn nested_message(field: &FieldDescriptor) -> Option<MessageDescriptor> {
    match field.kind() {
        Kind::Message(entry) if field.is_map() => match entry.map_entry_value_field().kind() {
            Kind::Message(value) => Some(value),
            _ => None,
        },
        Kind::Message(message) => Some(message),
        _ => None,
    }
}

/// A message's name within its package ("Outer.Inner" for nested types), as
/// `prost::Name::NAME` has it.
fn relative_name(message: &MessageDescriptor) -> String {
    let full = message.full_name();
    let package = message.package_name();
    if package.is_empty() {
        full.to_string()
    } else {
        full.strip_prefix(package)
            .and_then(|n| n.strip_prefix('.'))
            .unwrap_or(full)
            .to_string()
    }
}

fn key_text(key: &MapKey) -> String {
    match key {
        MapKey::String(s) => s.clone(),
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
    }
}

/// Violations found so far.
#[derive(Default)]
struct Found {
    kept: Vec<Violation>,
    total: usize,
}

impl Found {
    fn push(&mut self, field: &str, reason: &'static str, description: impl FnOnce() -> String) {
        self.total += 1;
        if self.kept.len() < KEPT {
            self.kept.push(Violation {
                field: field.to_string(),
                reason,
                description: description(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;
    use crate::contract::rules::declared;
    use crate::documents::v1::{CreateDraftRequest, RecipientInput};

    fn pool() -> DescriptorPool {
        DescriptorPool::decode(crate::FILE_DESCRIPTOR_SET).expect("descriptors")
    }

    #[test]
    fn every_declared_format_is_one_the_servers_check() {
        for message in pool().all_messages() {
            for field in message.fields() {
                if let Some(rules) = declared(&field) {
                    assert!(Format::parse(&rules.format).is_some(), "{}", field.full_name());
                    assert!(
                        rules.format.is_empty() || field.kind() == Kind::String,
                        "{}: formats are for text",
                        field.full_name()
                    );
                }
            }
        }
    }

    #[test]
    fn every_request_is_a_root_and_no_answer_is_checked_by_clients() {
        let pool = pool();
        let contract = contract().expect("contract");
        let outputs: HashSet<String> = pool
            .services()
            .flat_map(|s| {
                s.methods()
                    .map(|m| m.output().full_name().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        for service in pool.services() {
            for method in service.methods() {
                let input = method.input();
                assert!(contract.root(input.package_name(), &relative_name(&input)).is_some());
                assert!(
                    !outputs.contains(input.full_name()),
                    "{} is both a request and an answer: clients would check answers",
                    input.full_name()
                );
            }
        }
    }

    #[test]
    fn finds_every_broken_rule_by_its_path() {
        let contract = contract().expect("contract");
        let request = CreateDraftRequest {
            office_id: "HU-HH".into(),
            subject: String::new(),
            type_code: "CV".into(),
            due_on: "2026-1-1".into(),
            recipients: (0..501)
                .map(|i| RecipientInput {
                    name: if i == 7 { "Đ".repeat(301) } else { "UBND".into() },
                    ..Default::default()
                })
                .collect(),
            distribution: vec!["0192f6c4-7a1e-7c3b-9d2e-4f5a6b7c8d9e".into(), "x".into()],
            ..Default::default()
        };
        let root = contract
            .root("vanphong.documents.v1", "CreateDraftRequest")
            .expect("root");
        let message =
            DynamicMessage::decode(root.descriptor.clone(), request.encode_to_vec().as_slice()).expect("decode");
        let (found, total) = contract.check(&message);
        let fields: Vec<(&str, &str)> = found.iter().map(|v| (v.field.as_str(), v.reason)).collect();
        assert_eq!(
            fields,
            vec![
                ("office_id", "INVALID_ID"),
                ("due_on", "INVALID_DATE"),
                ("recipients", "TOO_MANY"),
                ("recipients[7].name", "TOO_LONG"),
                ("distribution[1]", "INVALID_ID"),
            ]
        );
        assert_eq!(total, 5);
    }

    #[test]
    fn small_unconstrained_requests_are_not_checked_twice() {
        let contract = contract().expect("contract");
        let root = contract
            .root("vanphong.documents.v1", "ListDocumentTypesRequest")
            .expect("root");
        assert!(!root.needs_check(64));
        let strict = contract
            .root("vanphong.documents.v1", "GetDocumentRequest")
            .expect("root");
        assert!(strict.needs_check(0));
    }
}
