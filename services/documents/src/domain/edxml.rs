//! edXML packages (QCVN 102:2016/BTTTT): what a document package and a
//! status package carry, writing them with quick-xml's writer and reading
//! them with its namespace-aware reader. No I/O.
//!
//! Layout written (prefix `edXML` bound to [`NAMESPACE`]):
//! `edXMLEnvelope/edXMLHeader/MessageHeader` with `From`, `To`*,
//! `DocumentId`, `Code {CodeNumber, CodeNotation}`, `PromulgationInfo
//! {Place, PromulgationDate}`, `DocumentType {Type, TypeName}`, `Subject`,
//! `SignerInfo {Competence, Position, FullName}`, `DueDate`, `ToPlaces
//! {Place*}`, `OtherInfo {Priority, PageAmount, …}`; then
//! `edXMLHeader/TraceHeaderList/TraceHeader*` and
//! `edXMLEnvelope/AttachmentEncoded/Attachment* {ContentId, ContentType,
//! Description, AttachmentName, ContentTransferEncoded}` with the content
//! in base64. What the standard has no element for (the secrecy level and
//! the issuer's code) goes in `OtherInfo` under Vanphong's own namespace
//! [`EXTENSION_NAMESPACE`], which other systems ignore. `DocumentType/Type`
//! carries the catalogue's type code (e.g. `NQ`). Dates are written
//! `yyyy/MM/dd`, times `yyyy/MM/dd HH:mm:ss` in Vietnam's time.
//!
//! A status package is `edXMLEnvelope/edXMLHeader/Status` with
//! `ResponseFor {OrganId, Code, PromulgationDate, DocumentId}`, `From`,
//! `StatusCode`, `Description`, `Timestamp` and `StaffInfo`.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use quick_xml::Writer;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use vanphong_platform::clock::local_zone;
use vanphong_platform::identity::Clearance;
use vanphong_platform::text::fold;

use super::kinds::{Status, Urgency};

/// The edXML namespace of QCVN 102:2016.
pub const NAMESPACE: &str = "http://www.mic.gov.vn/TBT/QCVN_102_2016";

/// Vanphong's own elements, for what edXML has no place for.
pub const EXTENSION_NAMESPACE: &str = "urn:vanphong:edxml:1";

/// Deepest nesting and most elements a package may have.
const MAX_DEPTH: usize = 32;
const MAX_ELEMENTS: usize = 20_000;

/// A body sending or receiving (From, To).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Organ {
    /// Mã định danh of the body (may be empty).
    pub id: String,
    pub name: String,
}

/// A hop the package made (TraceHeader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    pub organ_id: String,
    pub at: DateTime<Utc>,
}

/// A file carried in a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedFile {
    pub name: String,
    pub content_type: String,
    pub description: String,
    pub content: Vec<u8>,
}

/// What a document package carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentPackage {
    /// The document's electronic id (DocumentId).
    pub document_id: String,
    pub from: Organ,
    pub to: Vec<Organ>,
    /// CodeNumber.
    pub number: i64,
    /// CodeNotation: the symbol without the number, e.g. "NQ/TU".
    pub symbol: String,
    pub place: String,
    pub issued_on: NaiveDate,
    /// The catalogue's code (Type) and name (TypeName).
    pub type_code: String,
    pub type_name: String,
    pub subject: String,
    /// SignerInfo: the signing prefix (T/M, KT. …), position and name.
    pub signing_prefix: String,
    pub signer_position: String,
    pub signer_name: String,
    pub due_on: Option<NaiveDate>,
    pub to_places: Vec<String>,
    pub urgency: Urgency,
    pub pages: i64,
    pub secrecy: Clearance,
    pub issuer_code: String,
    pub traces: Vec<Trace>,
    pub files: Vec<PackedFile>,
}

/// What a status package carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPackage {
    /// The document the status is about: its sender, number and symbol as
    /// written, date and electronic id.
    pub sender_organ_id: String,
    pub number_symbol: String,
    pub issued_on: Option<NaiveDate>,
    pub document_id: String,
    /// Who reports.
    pub from: Organ,
    pub status_code: String,
    pub description: String,
    pub at: DateTime<Utc>,
    pub staff: String,
}

/// Something wrong with a package, for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, e.g. "MessageHeader/Code/CodeNumber".
    pub path: String,
    pub reason: &'static str,
    pub description: String,
}

impl Problem {
    fn new(path: impl Into<String>, reason: &'static str, description: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            reason,
            description: description.into(),
        }
    }
}

/// The edXML priority (0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa
/// tốc hẹn giờ) of an urgency.
pub fn priority(urgency: Urgency) -> i64 {
    urgency.level()
}

/// The urgency of an edXML priority; "hỏa tốc hẹn giờ" counts as hỏa tốc.
pub fn urgency_of_priority(priority: i64) -> Option<Urgency> {
    match priority {
        4 => Some(Urgency::Flash),
        p => Urgency::from_level(p),
    }
}

/// The secrecy level written in a package: its Vietnamese name.
fn secrecy_label(level: Clearance) -> Option<&'static str> {
    (level != Clearance::None).then(|| level.label())
}

/// The secrecy level of a package: a name ("Mật", "toi mat" …) or a level
/// number 0–3.
fn secrecy_of(text: &str) -> Option<Clearance> {
    if let Ok(level) = text.trim().parse::<i64>() {
        return Clearance::from_level(level);
    }
    let folded = fold(text);
    [
        Clearance::None,
        Clearance::Confidential,
        Clearance::Secret,
        Clearance::TopSecret,
    ]
    .into_iter()
    .find(|c| fold(c.label()) == folded)
}

/// The edXML status a receiving office reports for an incoming document in
/// this state (QCVN 102:2016; docs/domain.md §2.5).
pub fn status_code_for(status: Status) -> Option<&'static str> {
    match status {
        Status::Recalled => Some("15"),
        other => other.exchange_code(),
    }
}

/// Statuses an outside recipient may report: 01 arrived, 02 refused,
/// 03 registered, 04 assigned, 05 in progress, 06 done, 15/16 recall
/// accepted/refused.
pub const RECIPIENT_STATUS_CODES: [&str; 8] = ["01", "02", "03", "04", "05", "06", "15", "16"];

fn format_day(date: NaiveDate) -> String {
    date.format("%Y/%m/%d").to_string()
}

fn format_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&local_zone()).format("%Y/%m/%d %H:%M:%S").to_string()
}

fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y/%m/%d", "%Y-%m-%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    ["%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .and_then(|local| local.and_local_timezone(local_zone()).single())
        .map(|at| at.with_timezone(&Utc))
}

// ---------------------------------------------------------------- writing

type Out = Writer<Vec<u8>>;

fn open(w: &mut Out, name: &str) -> std::io::Result<()> {
    w.write_event(Event::Start(BytesStart::new(name)))
}

fn close(w: &mut Out, name: &str) -> std::io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
}

/// An element with text content, escaped by the writer.
fn leaf(w: &mut Out, name: &str, text: &str) -> std::io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(text))?;
    Ok(())
}

fn envelope(w: &mut Out) -> std::io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut root = BytesStart::new("edXML:edXMLEnvelope");
    root.push_attribute(("xmlns:edXML", NAMESPACE));
    root.push_attribute(("xmlns:vp", EXTENSION_NAMESPACE));
    w.write_event(Event::Start(root))
}

fn organ(w: &mut Out, name: &str, o: &Organ) -> std::io::Result<()> {
    open(w, name)?;
    leaf(w, "edXML:OrganId", &o.id)?;
    leaf(w, "edXML:OrganName", &o.name)?;
    close(w, name)
}

/// The package of a document, as UTF-8 XML.
pub fn write_document(p: &DocumentPackage) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    envelope(&mut w)?;
    open(&mut w, "edXML:edXMLHeader")?;
    open(&mut w, "edXML:MessageHeader")?;
    organ(&mut w, "edXML:From", &p.from)?;
    for to in &p.to {
        organ(&mut w, "edXML:To", to)?;
    }
    leaf(&mut w, "edXML:DocumentId", &p.document_id)?;
    open(&mut w, "edXML:Code")?;
    leaf(&mut w, "edXML:CodeNumber", &format!("{:02}", p.number))?;
    leaf(&mut w, "edXML:CodeNotation", &p.symbol)?;
    close(&mut w, "edXML:Code")?;
    open(&mut w, "edXML:PromulgationInfo")?;
    leaf(&mut w, "edXML:Place", &p.place)?;
    leaf(&mut w, "edXML:PromulgationDate", &format_day(p.issued_on))?;
    close(&mut w, "edXML:PromulgationInfo")?;
    open(&mut w, "edXML:DocumentType")?;
    leaf(&mut w, "edXML:Type", &p.type_code)?;
    leaf(&mut w, "edXML:TypeName", &p.type_name)?;
    close(&mut w, "edXML:DocumentType")?;
    leaf(&mut w, "edXML:Subject", &p.subject)?;
    open(&mut w, "edXML:SignerInfo")?;
    leaf(&mut w, "edXML:Competence", &p.signing_prefix)?;
    leaf(&mut w, "edXML:Position", &p.signer_position)?;
    leaf(&mut w, "edXML:FullName", &p.signer_name)?;
    close(&mut w, "edXML:SignerInfo")?;
    if let Some(due) = p.due_on {
        leaf(&mut w, "edXML:DueDate", &format_day(due))?;
    }
    open(&mut w, "edXML:ToPlaces")?;
    for place in &p.to_places {
        leaf(&mut w, "edXML:Place", place)?;
    }
    close(&mut w, "edXML:ToPlaces")?;
    open(&mut w, "edXML:OtherInfo")?;
    leaf(&mut w, "edXML:Priority", &priority(p.urgency).to_string())?;
    leaf(&mut w, "edXML:PageAmount", &p.pages.to_string())?;
    if let Some(label) = secrecy_label(p.secrecy) {
        leaf(&mut w, "vp:Secrecy", label)?;
    }
    leaf(&mut w, "vp:IssuerCode", &p.issuer_code)?;
    close(&mut w, "edXML:OtherInfo")?;
    close(&mut w, "edXML:MessageHeader")?;
    open(&mut w, "edXML:TraceHeaderList")?;
    for trace in &p.traces {
        open(&mut w, "edXML:TraceHeader")?;
        leaf(&mut w, "edXML:OrganId", &trace.organ_id)?;
        leaf(&mut w, "edXML:Timestamp", &format_time(trace.at))?;
        close(&mut w, "edXML:TraceHeader")?;
    }
    close(&mut w, "edXML:TraceHeaderList")?;
    close(&mut w, "edXML:edXMLHeader")?;
    open(&mut w, "edXML:AttachmentEncoded")?;
    for (i, file) in p.files.iter().enumerate() {
        open(&mut w, "edXML:Attachment")?;
        leaf(&mut w, "edXML:ContentId", &format!("cid:{}", i + 1))?;
        leaf(&mut w, "edXML:ContentType", &file.content_type)?;
        leaf(&mut w, "edXML:Description", &file.description)?;
        leaf(&mut w, "edXML:AttachmentName", &file.name)?;
        leaf(&mut w, "edXML:ContentTransferEncoded", &BASE64.encode(&file.content))?;
        close(&mut w, "edXML:Attachment")?;
    }
    close(&mut w, "edXML:AttachmentEncoded")?;
    close(&mut w, "edXML:edXMLEnvelope")?;
    Ok(w.into_inner())
}

/// A status package, as UTF-8 XML.
pub fn write_status(p: &StatusPackage) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    envelope(&mut w)?;
    open(&mut w, "edXML:edXMLHeader")?;
    open(&mut w, "edXML:Status")?;
    open(&mut w, "edXML:ResponseFor")?;
    leaf(&mut w, "edXML:OrganId", &p.sender_organ_id)?;
    leaf(&mut w, "edXML:Code", &p.number_symbol)?;
    leaf(
        &mut w,
        "edXML:PromulgationDate",
        &p.issued_on.map(format_day).unwrap_or_default(),
    )?;
    leaf(&mut w, "edXML:DocumentId", &p.document_id)?;
    close(&mut w, "edXML:ResponseFor")?;
    organ(&mut w, "edXML:From", &p.from)?;
    open(&mut w, "edXML:StaffInfo")?;
    leaf(&mut w, "edXML:Staff", &p.staff)?;
    close(&mut w, "edXML:StaffInfo")?;
    leaf(&mut w, "edXML:StatusCode", &p.status_code)?;
    leaf(&mut w, "edXML:Description", &p.description)?;
    leaf(&mut w, "edXML:Timestamp", &format_time(p.at))?;
    close(&mut w, "edXML:Status")?;
    close(&mut w, "edXML:edXMLHeader")?;
    close(&mut w, "edXML:edXMLEnvelope")?;
    Ok(w.into_inner())
}

// ---------------------------------------------------------------- reading

/// Which namespace an element is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Edxml,
    Vanphong,
    Other,
}

/// An element read from a package: its name, its text and its children.
#[derive(Debug)]
struct Node {
    ns: Ns,
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.ns == Ns::Edxml && c.name == name)
    }

    fn extension(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.ns == Ns::Vanphong && c.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children
            .iter()
            .filter(move |c| c.ns == Ns::Edxml && c.name == name)
    }

    fn value(&self) -> &str {
        self.text.trim()
    }

    /// The trimmed text at a path of edXML children, empty when absent.
    fn at(&self, path: &[&str]) -> &str {
        let mut node = self;
        for name in path {
            match node.child(name) {
                Some(next) => node = next,
                None => return "",
            }
        }
        node.value()
    }
}

fn xml_problem(e: impl std::fmt::Display) -> Problem {
    Problem::new("", "MALFORMED_XML", format!("Gói tin không phải XML hợp lệ: {e}"))
}

/// Reads XML into a tree of elements, refusing DTDs, unknown entities,
/// undeclared prefixes and absurd nesting.
fn parse_tree(xml: &[u8]) -> Result<Node, Problem> {
    let text = std::str::from_utf8(xml).map_err(|_| Problem::new("", "NOT_UTF8", "Gói tin phải được mã hóa UTF-8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut count = 0usize;
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(xml_problem)?;
        let ns = match &resolved {
            ResolveResult::Bound(n) if n.0 == NAMESPACE => Ns::Edxml,
            ResolveResult::Bound(n) if n.0 == EXTENSION_NAMESPACE => Ns::Vanphong,
            ResolveResult::Unknown(prefix) => {
                return Err(Problem::new(
                    "",
                    "MALFORMED_XML",
                    format!("Tiền tố «{prefix}» chưa được khai báo không gian tên"),
                ));
            }
            _ => Ns::Other,
        };
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let _ = start;
                return Err(xml_problem("có nội dung sau phần tử gốc"));
            }
            Event::Start(start) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(Problem::new(
                        "",
                        "TOO_COMPLEX",
                        "Gói tin lồng quá sâu hoặc quá nhiều phần tử",
                    ));
                }
                stack.push(Node {
                    ns,
                    name: start.local_name().as_ref().to_string(),
                    text: String::new(),
                    children: Vec::new(),
                });
            }
            Event::Empty(start) => {
                count += 1;
                let node = Node {
                    ns,
                    name: start.local_name().as_ref().to_string(),
                    text: String::new(),
                    children: Vec::new(),
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::End(_) => {
                let Some(node) = stack.pop() else {
                    return Err(xml_problem("thẻ đóng thừa"));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(node) => node.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(xml_problem("có văn bản ngoài phần tử gốc")),
                }
            }
            Event::CData(c) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&c.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved: Cow<'_, str> = match r.resolve_char_ref().map_err(xml_problem)? {
                    Some(c) => Cow::Owned(c.to_string()),
                    None => match resolve_predefined_entity(&r) {
                        Some(s) => Cow::Borrowed(s),
                        None => {
                            return Err(xml_problem(format!("thực thể «&{};» không được hỗ trợ", &*r)));
                        }
                    },
                };
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&resolved);
                }
            }
            Event::DocType(_) => {
                return Err(Problem::new("", "DTD_NOT_ALLOWED", "Gói tin không được chứa DOCTYPE"));
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(xml_problem("thiếu thẻ đóng"));
    }
    let root = root.ok_or_else(|| xml_problem("gói tin rỗng"))?;
    if root.ns != Ns::Edxml || root.name != "edXMLEnvelope" {
        return Err(Problem::new(
            "",
            "NOT_EDXML",
            format!("Phần tử gốc phải là edXMLEnvelope thuộc không gian tên {NAMESPACE}"),
        ));
    }
    Ok(root)
}

/// Collects what is missing or malformed in a package.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn required<'a>(&mut self, node: &'a Node, path: &[&str]) -> &'a str {
        let value = node.at(path);
        if value.is_empty() {
            self.0
                .push(Problem::new(path.join("/"), "REQUIRED", "Thiếu hoặc để trống"));
        }
        value
    }

    fn day(&mut self, path: &str, text: &str) -> Option<NaiveDate> {
        let day = parse_day(text);
        if day.is_none() {
            self.0.push(Problem::new(
                path,
                "INVALID_DATE",
                format!("«{text}» không phải ngày dạng yyyy/MM/dd"),
            ));
        }
        day
    }

    fn time(&mut self, path: &str, text: &str) -> Option<DateTime<Utc>> {
        let at = parse_time(text);
        if at.is_none() {
            self.0.push(Problem::new(
                path,
                "INVALID_TIME",
                format!("«{text}» không phải thời điểm dạng yyyy/MM/dd HH:mm:ss"),
            ));
        }
        at
    }

    fn number(&mut self, path: &str, text: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
        match text.trim().parse::<i64>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                self.0.push(Problem::new(
                    path,
                    "OUT_OF_RANGE",
                    format!("«{text}» phải là số từ {} đến {}", range.start(), range.end()),
                ));
                None
            }
        }
    }

    fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<Problem>> {
        if self.0.is_empty() { Ok(value()) } else { Err(self.0) }
    }
}

fn read_organ(node: Option<&Node>) -> Organ {
    Organ {
        id: node.map(|n| n.at(&["OrganId"])).unwrap_or_default().to_string(),
        name: node.map(|n| n.at(&["OrganName"])).unwrap_or_default().to_string(),
    }
}

/// Reads a document package; every problem found, when it is not one.
pub fn read_document(xml: &[u8]) -> Result<DocumentPackage, Vec<Problem>> {
    let root = parse_tree(xml).map_err(|p| vec![p])?;
    let mut p = Problems::default();
    let Some(header) = root.child("edXMLHeader").and_then(|h| h.child("MessageHeader")) else {
        return Err(vec![Problem::new(
            "edXMLHeader/MessageHeader",
            "REQUIRED",
            "Gói tin không có phần đầu văn bản (MessageHeader)",
        )]);
    };
    let document_id = p.required(header, &["DocumentId"]).to_string();
    if document_id.chars().count() > 200 {
        p.0.push(Problem::new(
            "MessageHeader/DocumentId",
            "TOO_LONG",
            "Dài quá 200 ký tự",
        ));
    }
    p.required(header, &["From", "OrganName"]);
    let from = read_organ(header.child("From"));
    let to = header.all("To").map(|n| read_organ(Some(n))).collect();
    let number_text = p.required(header, &["Code", "CodeNumber"]);
    let number = if number_text.is_empty() {
        None
    } else {
        p.number("MessageHeader/Code/CodeNumber", number_text, 1..=9_999_999)
    };
    let date_text = p.required(header, &["PromulgationInfo", "PromulgationDate"]);
    let issued_on = if date_text.is_empty() {
        None
    } else {
        p.day("MessageHeader/PromulgationInfo/PromulgationDate", date_text)
    };
    let type_code = header.at(&["DocumentType", "Type"]).to_string();
    let type_name = header.at(&["DocumentType", "TypeName"]).to_string();
    if type_code.is_empty() && type_name.is_empty() {
        p.0.push(Problem::new(
            "MessageHeader/DocumentType",
            "REQUIRED",
            "Thiếu loại văn bản (Type hoặc TypeName)",
        ));
    }
    let subject = p.required(header, &["Subject"]).to_string();
    let due_text = header.at(&["DueDate"]);
    let due_on = if due_text.is_empty() {
        None
    } else {
        p.day("MessageHeader/DueDate", due_text)
    };
    if let (Some(due), Some(issued)) = (due_on, issued_on)
        && due < issued
    {
        p.0.push(Problem::new(
            "MessageHeader/DueDate",
            "BEFORE_DOCUMENT_DATE",
            "Hạn xử lý không được trước ngày văn bản",
        ));
    }
    let other = header.child("OtherInfo");
    let priority_text = header.at(&["OtherInfo", "Priority"]);
    let urgency = if priority_text.is_empty() {
        Some(Urgency::Normal)
    } else {
        p.number("MessageHeader/OtherInfo/Priority", priority_text, 0..=4)
            .and_then(urgency_of_priority)
    };
    let pages_text = header.at(&["OtherInfo", "PageAmount"]);
    let pages = if pages_text.is_empty() {
        Some(0)
    } else {
        p.number("MessageHeader/OtherInfo/PageAmount", pages_text, 0..=100_000)
    };
    let secrecy_text = other
        .and_then(|o| o.extension("Secrecy"))
        .map(Node::value)
        .unwrap_or("");
    let secrecy = if secrecy_text.is_empty() {
        Some(Clearance::None)
    } else {
        let level = secrecy_of(secrecy_text);
        if level.is_none() {
            p.0.push(Problem::new(
                "MessageHeader/OtherInfo/Secrecy",
                "UNKNOWN_VALUE",
                format!("Độ mật «{secrecy_text}» không hợp lệ"),
            ));
        }
        level
    };
    let issuer_code = other
        .and_then(|o| o.extension("IssuerCode"))
        .map(Node::value)
        .unwrap_or("")
        .to_string();
    let mut traces = Vec::new();
    if let Some(list) = root.child("edXMLHeader").and_then(|h| h.child("TraceHeaderList")) {
        for (i, trace) in list.all("TraceHeader").enumerate() {
            let path = format!("TraceHeaderList/TraceHeader[{i}]/Timestamp");
            let at = trace.at(&["Timestamp"]);
            if let Some(at) = p.time(&path, at) {
                traces.push(Trace {
                    organ_id: trace.at(&["OrganId"]).to_string(),
                    at,
                });
            }
        }
    }
    let mut files = Vec::new();
    if let Some(encoded) = root.child("AttachmentEncoded") {
        for (i, a) in encoded.all("Attachment").enumerate() {
            let name = a.at(&["AttachmentName"]);
            if name.is_empty() {
                p.0.push(Problem::new(
                    format!("AttachmentEncoded/Attachment[{i}]/AttachmentName"),
                    "REQUIRED",
                    "Thiếu tên tệp đính kèm",
                ));
            }
            let data: String = a
                .child("ContentTransferEncoded")
                .map(|n| n.text.chars().filter(|c| !c.is_ascii_whitespace()).collect())
                .unwrap_or_default();
            match BASE64.decode(data.as_bytes()) {
                Ok(content) if !content.is_empty() => files.push(PackedFile {
                    name: name.to_string(),
                    content_type: match a.at(&["ContentType"]) {
                        "" => "application/octet-stream".to_string(),
                        t => t.to_string(),
                    },
                    description: a.at(&["Description"]).to_string(),
                    content,
                }),
                Ok(_) => p.0.push(Problem::new(
                    format!("AttachmentEncoded/Attachment[{i}]/ContentTransferEncoded"),
                    "EMPTY",
                    "Tệp đính kèm không có nội dung",
                )),
                Err(_) => p.0.push(Problem::new(
                    format!("AttachmentEncoded/Attachment[{i}]/ContentTransferEncoded"),
                    "INVALID_BASE64",
                    "Nội dung tệp đính kèm không phải base64 hợp lệ",
                )),
            }
        }
    }
    let to_places = header
        .child("ToPlaces")
        .map(|t| t.all("Place").map(|n| n.value().to_string()).collect())
        .unwrap_or_default();
    let package = DocumentPackage {
        document_id,
        from,
        to,
        number: number.unwrap_or_default(),
        symbol: header.at(&["Code", "CodeNotation"]).to_string(),
        place: header.at(&["PromulgationInfo", "Place"]).to_string(),
        issued_on: issued_on.unwrap_or(NaiveDate::MIN),
        type_code,
        type_name,
        subject,
        signing_prefix: header.at(&["SignerInfo", "Competence"]).to_string(),
        signer_position: header.at(&["SignerInfo", "Position"]).to_string(),
        signer_name: header.at(&["SignerInfo", "FullName"]).to_string(),
        due_on,
        to_places,
        urgency: urgency.unwrap_or_default(),
        pages: pages.unwrap_or_default(),
        secrecy: secrecy.unwrap_or_default(),
        issuer_code,
        traces,
        files,
    };
    p.finish(|| package)
}

/// Reads a status package; every problem found, when it is not one.
pub fn read_status(xml: &[u8]) -> Result<StatusPackage, Vec<Problem>> {
    let root = parse_tree(xml).map_err(|p| vec![p])?;
    let Some(status) = root.child("edXMLHeader").and_then(|h| h.child("Status")) else {
        return Err(vec![Problem::new(
            "edXMLHeader/Status",
            "REQUIRED",
            "Gói tin không phải gói trạng thái (thiếu Status)",
        )]);
    };
    let mut p = Problems::default();
    let document_id = p.required(status, &["ResponseFor", "DocumentId"]).to_string();
    let date_text = status.at(&["ResponseFor", "PromulgationDate"]);
    let issued_on = if date_text.is_empty() {
        None
    } else {
        p.day("Status/ResponseFor/PromulgationDate", date_text)
    };
    p.required(status, &["From", "OrganName"]);
    let code = p.required(status, &["StatusCode"]).to_string();
    if !code.is_empty() && !RECIPIENT_STATUS_CODES.contains(&code.as_str()) {
        p.0.push(Problem::new(
            "Status/StatusCode",
            "UNKNOWN_VALUE",
            format!(
                "Mã trạng thái «{code}» không hợp lệ; nơi nhận báo một trong: {}",
                RECIPIENT_STATUS_CODES.join(", ")
            ),
        ));
    }
    let at_text = p.required(status, &["Timestamp"]);
    let at = if at_text.is_empty() {
        None
    } else {
        p.time("Status/Timestamp", at_text)
    };
    let package = StatusPackage {
        sender_organ_id: status.at(&["ResponseFor", "OrganId"]).to_string(),
        number_symbol: status.at(&["ResponseFor", "Code"]).to_string(),
        issued_on,
        document_id,
        from: read_organ(status.child("From")),
        status_code: code,
        description: status.at(&["Description"]).to_string(),
        at: at.unwrap_or_default(),
        staff: status.at(&["StaffInfo", "Staff"]).to_string(),
    };
    p.finish(|| package)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn sample() -> DocumentPackage {
        DocumentPackage {
            document_id: "vanphong:0190-abc".into(),
            from: Organ {
                id: "TU".into(),
                name: "Tỉnh ủy Bắc Giang".into(),
            },
            to: vec![Organ {
                id: "000.00.00.H04".into(),
                name: "Báo Bắc Giang & <Đài>".into(),
            }],
            number: 7,
            symbol: "CT/TU".into(),
            place: "Bắc Giang".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"),
            type_code: "CT".into(),
            type_name: "Chỉ thị".into(),
            subject: "Về tăng cường \"kỷ luật\" hành chính <năm 2026>".into(),
            signing_prefix: "T/M".into(),
            signer_position: "Bí thư".into(),
            signer_name: "Nguyễn Văn Bí".into(),
            due_on: NaiveDate::from_ymd_opt(2026, 3, 20),
            to_places: vec!["Như trên".into(), "Lưu VT".into()],
            urgency: Urgency::VeryUrgent,
            pages: 4,
            secrecy: Clearance::Confidential,
            issuer_code: "TU".into(),
            traces: vec![Trace {
                organ_id: "TU".into(),
                at: Utc.with_ymd_and_hms(2026, 3, 2, 2, 30, 0).single().expect("time"),
            }],
            files: vec![PackedFile {
                name: "chi-thi.pdf".into(),
                content_type: "application/pdf".into(),
                description: "Bản ký số".into(),
                content: (0..=255u8).collect(),
            }],
        }
    }

    #[test]
    fn a_document_package_reads_back_as_written() {
        let package = sample();
        let xml = write_document(&package).expect("written");
        let text = String::from_utf8(xml.clone()).expect("utf-8");
        assert!(text.contains(NAMESPACE));
        assert!(text.contains("<edXML:CodeNumber>07</edXML:CodeNumber>"), "{text}");
        assert!(text.contains("&lt;năm 2026&gt;"), "text is escaped");
        assert_eq!(read_document(&xml), Ok(package));
    }

    #[test]
    fn a_status_package_reads_back_as_written() {
        let package = StatusPackage {
            sender_organ_id: "TU".into(),
            number_symbol: "07-CT/TU".into(),
            issued_on: NaiveDate::from_ymd_opt(2026, 3, 2),
            document_id: "vanphong:1".into(),
            from: Organ {
                id: "BBG".into(),
                name: "Báo Bắc Giang".into(),
            },
            status_code: "03".into(),
            description: "Đã vào sổ".into(),
            at: Utc.with_ymd_and_hms(2026, 3, 3, 1, 0, 0).single().expect("time"),
            staff: "Lê Thị Văn".into(),
        };
        let xml = write_status(&package).expect("written");
        assert_eq!(read_status(&xml), Ok(package));
    }

    fn problems(xml: &str) -> Vec<Problem> {
        read_document(xml.as_bytes()).expect_err("refused")
    }

    #[test]
    fn malformed_packages_are_refused_with_reasons() {
        assert_eq!(problems("<a><b></a>")[0].reason, "MALFORMED_XML");
        assert_eq!(problems("<edXMLEnvelope/>")[0].reason, "NOT_EDXML");
        let dtd = format!(
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><edXML:edXMLEnvelope xmlns:edXML=\"{NAMESPACE}\"/>"
        );
        assert_eq!(problems(&dtd)[0].reason, "DTD_NOT_ALLOWED");
        let entity = format!("<edXML:edXMLEnvelope xmlns:edXML=\"{NAMESPACE}\">&e;</edXML:edXMLEnvelope>");
        assert_eq!(problems(&entity)[0].reason, "MALFORMED_XML");
        let empty = format!(
            "<edXML:edXMLEnvelope xmlns:edXML=\"{NAMESPACE}\"><edXML:edXMLHeader><edXML:MessageHeader>\
             <edXML:Code><edXML:CodeNumber>abc</edXML:CodeNumber></edXML:Code>\
             <edXML:OtherInfo><edXML:Priority>9</edXML:Priority></edXML:OtherInfo>\
             </edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope>"
        );
        let paths: Vec<String> = problems(&empty).into_iter().map(|p| p.path).collect();
        for expected in [
            "DocumentId",
            "From/OrganName",
            "MessageHeader/Code/CodeNumber",
            "PromulgationInfo/PromulgationDate",
            "MessageHeader/DocumentType",
            "Subject",
            "MessageHeader/OtherInfo/Priority",
        ] {
            assert!(paths.iter().any(|p| p == expected), "{expected} in {paths:?}");
        }
        let mut bad_file = String::from_utf8(write_document(&sample()).expect("xml")).expect("utf-8");
        bad_file = bad_file.replace("AAECAwQF", "!!!!");
        assert_eq!(
            read_document(bad_file.as_bytes()).expect_err("bad base64")[0].reason,
            "INVALID_BASE64"
        );
    }

    #[test]
    fn priorities_and_secrecy_map_both_ways() {
        for u in [Urgency::Normal, Urgency::Urgent, Urgency::VeryUrgent, Urgency::Flash] {
            assert_eq!(urgency_of_priority(priority(u)), Some(u));
        }
        assert_eq!(urgency_of_priority(4), Some(Urgency::Flash));
        assert_eq!(secrecy_of("toi mat"), Some(Clearance::Secret));
        assert_eq!(secrecy_of("Tuyệt mật"), Some(Clearance::TopSecret));
        assert_eq!(secrecy_of("1"), Some(Clearance::Confidential));
        assert_eq!(secrecy_of("bí mật quốc gia"), None);
        assert_eq!(status_code_for(Status::Recalled), Some("15"));
        assert_eq!(status_code_for(Status::Assigned), Some("04"));
        assert_eq!(status_code_for(Status::Draft), None);
    }
}
