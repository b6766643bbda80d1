//! Petitions (đơn thư, docs/domain.md §3): the list (search by the
//! petition's number or by words without diacritics, the backlogs due
//! soon, overdue and long-running), intake with several petitioners or
//! none (anonymous), the duplicate candidates beside the new petition
//! before it is classified, and the petition's page with its deadlines,
//! history and every step to closing. The petitions service decides who
//! may take each step and what the petitioners' identity shows; the page
//! offers the forms the flow allows and shows the service's refusals.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;

use vanphong_proto::directory::v1::Role;
use vanphong_proto::petitions::v1::{
    AcceptPetitionRequest, AddNoteRequest, ClassifyPetitionRequest, ClosePetitionRequest, CreatePetitionRequest,
    DeadlineRule, DuplicateCandidate, ExtendDeadlineRequest, GetPetitionRequest, LinkRepeatRequest,
    ListDeadlineRulesRequest, ListDuplicateCandidatesRequest, ListSubjectAreasRequest, NotifyPetitionerRequest,
    Petition, PetitionState, Petitioner, RecordResultRequest, RejectPetitionRequest, WithdrawPetitionRequest,
};

use super::choices::{self, Choice};
use super::form::{Done, Filled, FormData, Refusal, shown_again, shown_again_to, shown_status};
use super::input;
use super::people::{self, Person, Picker};
use super::{Ctx, Layout, Me};
use crate::errors::ConsoleError;
use crate::format;

/// Petitioner rows the intake form starts with, and adds each time.
const PETITIONER_ROWS: usize = 2;

/// A petition's kind, in Vietnamese.
pub(super) fn kind(kind: i32) -> &'static str {
    match kind {
        1 => "Khiếu nại",
        2 => "Tố cáo",
        3 => "Kiến nghị, phản ánh",
        _ => "",
    }
}

/// How it reached the office.
fn channel(channel: i32) -> &'static str {
    match channel {
        1 => "Trực tiếp tại buổi tiếp công dân",
        2 => "Qua bưu điện",
        3 => "Cơ quan khác chuyển đến",
        4 => "Gửi điện tử",
        _ => "",
    }
}

/// A step of a petition's history.
fn event(kind: &str) -> String {
    match kind {
        "intake" => "Tiếp nhận đơn".into(),
        "classify" => "Phân loại xử lý".into(),
        "accept" => "Thụ lý giải quyết".into(),
        "reject" => "Không đủ điều kiện thụ lý".into(),
        "extend" => "Gia hạn giải quyết".into(),
        "note" => "Ghi kết quả xác minh".into(),
        "result" => "Ra kết quả giải quyết".into(),
        "notify" => "Thông báo kết quả cho người gửi đơn".into(),
        "close" => "Kết thúc vụ việc".into(),
        "withdraw" => "Rút đơn".into(),
        "link_repeat" => "Gộp là đơn trùng của vụ việc trước".into(),
        "repeat_linked" => "Nhận thêm đơn trùng (nhiều lần)".into(),
        other => other.to_string(),
    }
}

/// Whether a petition is one a person may still work on.
pub(super) fn open(p: &Petition) -> bool {
    p.closed_on.is_empty()
        && matches!(
            PetitionState::try_from(p.state).unwrap_or(PetitionState::Unspecified),
            PetitionState::Classifying | PetitionState::Considering | PetitionState::Accepted | PetitionState::Resolved
        )
}

/// Whether `person` handles the petition.
pub(super) fn handled_by(p: &Petition, person: &str) -> bool {
    p.resolving
        .as_ref()
        .is_some_and(|r| !person.is_empty() && r.handler_id == person)
}

/// Who a petition is from, as the service shows it to the reader.
pub(super) fn from_whom(p: &Petition) -> String {
    if p.anonymous {
        "Nặc danh".into()
    } else if p.identity_redacted {
        format!("{} người đứng tên (danh tính được bảo vệ)", p.petitioner_count.max(1))
    } else if p.petitioners.is_empty() {
        format!("{} người đứng tên", p.petitioner_count.max(1))
    } else {
        p.petitioners
            .iter()
            .map(|x| x.full_name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn numbered(labels: &[(i32, &str)]) -> Vec<(String, String)> {
    labels.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect()
}

/// A person's row of a form (a petitioner, a citizen received), drawn by
/// `person_row.html`: its fields `{prefix}{index}_name`, `…_id_number`,
/// `…_address` and `…_phone` as typed, and what the service said of it.
pub(super) struct PersonRow {
    pub prefix: &'static str,
    pub index: usize,
    pub full_name: String,
    pub id_number: String,
    pub address: String,
    pub phone: String,
    pub error: String,
}

impl PersonRow {
    /// The row `index` as typed, `get` reading a field of the form.
    pub fn typed(prefix: &'static str, index: usize, get: impl Fn(&str) -> String) -> Self {
        PersonRow {
            prefix,
            index,
            full_name: get(&format!("{prefix}{index}_name")),
            id_number: get(&format!("{prefix}{index}_id_number")),
            address: get(&format!("{prefix}{index}_address")),
            phone: get(&format!("{prefix}{index}_phone")),
            error: String::new(),
        }
    }

    /// Whether nothing was typed in the row (it is not sent).
    pub fn is_blank(&self) -> bool {
        [&self.full_name, &self.id_number, &self.address, &self.phone]
            .iter()
            .all(|s| s.is_empty())
    }
}

#[derive(Template)]
#[template(path = "petition_new.html")]
struct IntakePage {
    layout: Layout,
    values: HashMap<String, String>,
    petitioners: Vec<PersonRow>,
    kinds: Vec<Choice>,
    channels: Vec<Choice>,
    areas: Vec<Choice>,
    stages: Vec<Choice>,
    refusal: Option<Refusal>,
}

impl IntakePage {
    fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    fn error(&self, field: &str) -> String {
        self.refusal.as_ref().map(|r| r.about(field)).unwrap_or_default()
    }

    /// What the service said about the petitioners (any of them).
    fn petitioners_error(&self) -> String {
        self.refusal
            .as_ref()
            .map(|r| r.about_all("petitioners"))
            .unwrap_or_default()
    }
}

async fn intake_page(
    ctx: &Ctx,
    me: &Me,
    values: HashMap<String, String>,
    rows: usize,
    refusal: Option<Refusal>,
) -> Result<IntakePage, ConsoleError> {
    let areas = ctx
        .services()
        .petition_catalog()?
        .list_subject_areas(ctx.call(ListSubjectAreasRequest::default()))
        .await?
        .into_inner()
        .areas;
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut area_options = vec![(String::new(), "— Chọn lĩnh vực —".to_string())];
    area_options.extend(areas.iter().map(|a| (a.code.clone(), a.name.clone())));
    let petitioners = (0..rows).map(|i| PersonRow::typed("p", i, get)).collect();
    Ok(IntakePage {
        layout: me.layout("Tiếp nhận đơn", "/petitions"),
        kinds: choices::of(
            numbered(&[(1, "Khiếu nại"), (2, "Tố cáo"), (3, "Kiến nghị, phản ánh")]),
            &[get("kind")],
        ),
        channels: choices::of(
            numbered(&[
                (1, "Trực tiếp tại buổi tiếp công dân"),
                (2, "Qua bưu điện"),
                (3, "Cơ quan khác chuyển đến"),
                (4, "Gửi điện tử"),
            ]),
            &[get("channel")],
        ),
        areas: choices::of(area_options, &[get("subject_area_code")]),
        stages: choices::of(
            numbered(&[
                (1, "Chưa được giải quyết"),
                (2, "Đã được giải quyết lần đầu"),
                (3, "Đã được giải quyết nhiều lần"),
            ]),
            &[get("prior_stage")],
        ),
        values,
        petitioners,
        refusal,
    })
}

/// `GET /petitions/new`: an empty intake form with the request id that
/// makes its submission safe to repeat.
pub async fn new(ctx: Ctx) -> Result<Html<String>, ConsoleError> {
    let me = ctx.me().await?;
    let mut values = HashMap::new();
    values.insert("request_id".to_string(), uuid::Uuid::new_v4().to_string());
    values.insert("received_on".to_string(), ctx.today_typed());
    values.insert("channel".to_string(), "1".to_string());
    Ok(Html(
        intake_page(&ctx, &me, values, PETITIONER_ROWS, None).await?.render()?,
    ))
}

/// `POST /petitions`: takes the petition in; with earlier petitions that
/// may be the same case, to them side by side before classifying.
pub async fn create(ctx: Ctx, form: FormData) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let values: HashMap<String, String> = form
        .0
        .iter()
        .filter(|(k, _)| k != crate::csrf::FIELD)
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let rows = get("rows").parse::<usize>().unwrap_or(PETITIONER_ROWS).clamp(1, 50);
    if !get("add").is_empty() {
        // "Thêm người đứng tên": the same form with one more row.
        let page = intake_page(&ctx, &me, values, rows + 1, None).await?;
        return Ok(Html(page.render()?).into_response());
    }
    let anonymous = !get("anonymous").is_empty();
    let petitioners: Vec<Petitioner> = if anonymous {
        Vec::new()
    } else {
        (0..rows)
            .map(|i| PersonRow::typed("p", i, get))
            .filter(|row| !row.is_blank())
            .map(|row| Petitioner {
                full_name: row.full_name,
                id_number: row.id_number,
                address: row.address,
                phone: row.phone,
                redacted: false,
            })
            .collect()
    };
    let number = |k: &str| get(k).parse::<i32>().unwrap_or(0);
    let received_on = match input::date(&get("received_on")) {
        Ok(date) => date,
        Err(message) => {
            let refusal = Refusal::field("received_on", message);
            let page = intake_page(&ctx, &me, values, rows, Some(refusal)).await?;
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    let request = CreatePetitionRequest {
        request_id: get("request_id"),
        channel: number("channel"),
        received_on,
        kind: number("kind"),
        subject_area_code: get("subject_area_code"),
        content: get("content"),
        accused: get("accused"),
        anonymous,
        petitioners,
        prior_stage: number("prior_stage"),
        source_body: get("source_body"),
        ..Default::default()
    };
    match ctx.services().petitions()?.create_petition(ctx.call(request)).await {
        Ok(answer) => {
            let answer = answer.into_inner();
            let id = answer.petition.map(|p| p.id).unwrap_or_default();
            if answer.duplicate_candidates.is_empty() {
                Ok(Redirect::to(&format!("/petitions/{id}?m=created")).into_response())
            } else {
                Ok(Redirect::to(&format!("/petitions/{id}/duplicates")).into_response())
            }
        }
        Err(status) => {
            shown_again_to(&me, status, Refusal::of, async |me, refusal| {
                intake_page(&ctx, me, values, rows, Some(refusal)).await
            })
            .await
        }
    }
}

/// A petition by id; a malformed id, or another office's, is not found.
async fn get(ctx: &Ctx, id: &str) -> Result<Petition, ConsoleError> {
    ConsoleError::check_id(id)?;
    let request = GetPetitionRequest {
        petition_id: id.to_string(),
    };
    let answer = ctx.services().petitions()?.get_petition(ctx.call(request)).await;
    Ok(answer.map_err(ConsoleError::unseen)?.into_inner())
}

/// A duplicate candidate as shown beside the new petition.
struct Candidate {
    id: String,
    number: String,
    received: String,
    state: String,
    excerpt: String,
    score: String,
    petitioner_score: String,
    content_score: String,
}

fn percent(score: f64) -> String {
    format!("{:.0}%", (score * 100.0).clamp(0.0, 100.0))
}

impl Candidate {
    fn of(c: &DuplicateCandidate) -> Self {
        let state = PetitionState::try_from(c.state).unwrap_or(PetitionState::Unspecified);
        Candidate {
            id: c.petition_id.clone(),
            number: c.number_label.clone(),
            received: format::date(&c.received_on),
            state: state_label(state).to_string(),
            excerpt: c.content_excerpt.clone(),
            score: percent(c.score),
            petitioner_score: percent(c.petitioner_score),
            content_score: percent(c.content_score),
        }
    }
}

/// A classification's outcome in words ("" for none), as the form offers it.
fn outcome_label(outcome: i32) -> &'static str {
    match outcome {
        1 => "Thụ lý giải quyết",
        2 => "Xem xét thụ lý",
        3 => "Chuyển đơn đến cơ quan có thẩm quyền",
        4 => "Hướng dẫn người gửi đơn",
        5 => "Đôn đốc cơ quan đang giải quyết",
        6 => "Lưu đơn",
        _ => "",
    }
}

/// A state's name, where only the state is known (the petition itself
/// carries the service's name).
fn state_label(state: PetitionState) -> &'static str {
    match state {
        PetitionState::Classifying => "Phân loại xử lý (02)",
        PetitionState::Guided => "Hướng dẫn (03)",
        PetitionState::Transferred => "Chuyển đơn (04)",
        PetitionState::Urged => "Đôn đốc (05)",
        PetitionState::Filed => "Lưu đơn (06)",
        PetitionState::Considering => "Xem xét thụ lý (07)",
        PetitionState::Accepted => "Thụ lý giải quyết (08)",
        PetitionState::NotEligible => "Không đủ điều kiện thụ lý (09)",
        PetitionState::Resolved => "Ra kết quả (10)",
        PetitionState::Withdrawn => "Rút đơn, đình chỉ (11)",
        PetitionState::Unspecified => "",
    }
}

#[derive(Template)]
#[template(path = "petition_duplicates.html")]
struct DuplicatesPage {
    layout: Layout,
    petition: Summary,
    candidates: Vec<Candidate>,
    can_link: bool,
    refusal: Option<Refusal>,
}

/// What the duplicates page shows of the new petition.
struct Summary {
    id: String,
    number: String,
    received: String,
    kind: &'static str,
    from: String,
    content: String,
}

/// `GET /petitions/{id}/duplicates`: the new petition beside the earlier
/// ones that may be the same case, to link it as a repeat or go on.
pub async fn duplicates(ctx: Ctx, Path(id): Path<String>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = duplicates_page(&ctx, &me, &id, None).await?;
    Ok(Html(page.render()?).into_response())
}

async fn duplicates_page(
    ctx: &Ctx,
    me: &Me,
    id: &str,
    refusal: Option<Refusal>,
) -> Result<DuplicatesPage, ConsoleError> {
    let petition = get(ctx, id).await?;
    let candidates = ctx
        .services()
        .petitions()?
        .list_duplicate_candidates(ctx.call(ListDuplicateCandidatesRequest {
            petition_id: petition.id.clone(),
        }))
        .await?
        .into_inner()
        .candidates;
    Ok(DuplicatesPage {
        layout: me.layout(format!("Đơn trùng? · Đơn số {}", petition.number_label), "/petitions"),
        can_link: petition.state == PetitionState::Classifying as i32 && petition.closed_on.is_empty(),
        petition: Summary {
            id: petition.id.clone(),
            number: petition.number_label.clone(),
            received: format::date(&petition.received_on),
            kind: kind(petition.kind),
            from: from_whom(&petition),
            content: petition.content.clone(),
        },
        candidates: candidates.iter().map(Candidate::of).collect(),
        refusal,
    })
}

/// A line of the petition's history.
struct EventLine {
    at: String,
    what: String,
    who: String,
    note: String,
}

/// A rule of the deadline table, for the petition's kind.
struct RuleLine {
    what: String,
    days: String,
    source: String,
}

fn rule_line(rule: &DeadlineRule) -> RuleLine {
    let resolution = match rule.resolution {
        2 => "Giải quyết lần hai",
        _ => "Giải quyết lần đầu",
    };
    let complexity = match rule.complexity {
        2 => ", vụ việc phức tạp",
        3 => ", vụ việc đặc biệt phức tạp",
        _ => "",
    };
    let remote = if rule.remote { ", vùng sâu, vùng xa" } else { "" };
    let counting = if rule.counting == 2 {
        "ngày làm việc"
    } else {
        "ngày"
    };
    let extensions = if rule.max_extensions > 0 {
        format!(
            "; gia hạn tối đa {} lần, mỗi lần không quá {} ngày",
            rule.max_extensions, rule.max_extension_days
        )
    } else {
        String::new()
    };
    RuleLine {
        what: format!("{resolution}{complexity}{remote}"),
        days: format!("{} {counting}{extensions}", rule.days),
        source: rule.source.clone(),
    }
}

/// Which forms the page offers, by the petition's state and the person's
/// roles or handling (the flow of docs/domain.md §3; the service decides).
#[derive(Default)]
struct Actions {
    classify: bool,
    consider: bool,
    resolve: bool,
    note: bool,
    finish: bool,
    withdraw: bool,
}

#[derive(Template)]
#[template(path = "petition.html")]
struct PetitionPage {
    layout: Layout,
    p: Petition,
    kind: &'static str,
    channel: &'static str,
    received: String,
    classification_due: String,
    current_due: String,
    base_due: String,
    accepted_on: String,
    handler: String,
    classification: String,
    classified_by: String,
    notified: String,
    closed: String,
    petitioners: Vec<Petitioner>,
    events: Vec<EventLine>,
    rules: Vec<RuleLine>,
    extensions: Vec<String>,
    actions: Actions,
    people: Vec<Person>,
    notice: Option<&'static str>,
    filled: Filled,
    today: String,
}

impl PetitionPage {
    /// Whether the kept outcome (or the default, accept) is `value`.
    fn outcome_is(&self, value: &str) -> bool {
        let kept = self.filled.kept("outcome");
        if kept.is_empty() { value == "1" } else { kept == value }
    }

    /// The handler of thụ lý, picked by name among the office's people.
    fn handler_picker(&self) -> Picker {
        Picker::new(
            "handler",
            "handler_id",
            "Người giải quyết",
            &self.p.office_id,
            "specialist",
            self.people.clone(),
        )
        .when("khi thụ lý hoặc xem xét thụ lý")
        .error(self.filled.error("handler_id"))
    }

    /// A date field as typed in the refused form, or today (dd/mm/yyyy).
    fn date_or_today(&self, field: &str) -> String {
        let kept = self.filled.kept(field);
        if kept.is_empty() { self.today.clone() } else { kept }
    }
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "created" => Some("Đã tiếp nhận đơn và cấp số đơn."),
        "not-repeat" => Some("Đơn được xử lý như một vụ việc mới."),
        "link-repeat" => Some("Đã gộp đơn vào vụ việc trước (đơn trùng)."),
        "classify" => Some("Đã phân loại đơn."),
        "accept" => Some("Đã thụ lý giải quyết."),
        "reject" => Some("Đã kết luận đơn không đủ điều kiện thụ lý."),
        "extend" => Some("Đã gia hạn giải quyết."),
        "note" => Some("Đã ghi kết quả xác minh."),
        "result" => Some("Đã ghi kết quả giải quyết."),
        "notify" => Some("Đã ghi nhận việc thông báo kết quả cho người gửi đơn."),
        "close" => Some("Đã kết thúc vụ việc."),
        "withdraw" => Some("Đã ghi nhận việc rút đơn."),
        _ => None,
    }
}

/// `GET /petitions/{id}`.
pub async fn page(ctx: Ctx, Path(id): Path<String>, Query(query): Query<Done>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = petition_page(&ctx, &me, &id, notice(query.m.as_deref()), Filled::empty()).await?;
    Ok(Html(page.render()?).into_response())
}

async fn petition_page(
    ctx: &Ctx,
    me: &Me,
    id: &str,
    notice: Option<&'static str>,
    filled: Filled,
) -> Result<PetitionPage, ConsoleError> {
    let p = get(ctx, id).await?;
    let state = PetitionState::try_from(p.state).unwrap_or(PetitionState::Unspecified);
    let resolving = p.resolving.clone().unwrap_or_default();
    let classification = p.classification.clone().unwrap_or_default();
    let handles = handled_by(&p, &me.principal.subject_id);
    let officer = me.has(Role::PetitionOfficer) || me.has(Role::Leader);
    let is_open = p.closed_on.is_empty();
    let actions = Actions {
        classify: is_open && state == PetitionState::Classifying && officer,
        consider: is_open && state == PetitionState::Considering && officer,
        resolve: is_open && state == PetitionState::Accepted && (me.has(Role::Leader) || handles),
        note: is_open
            && matches!(state, PetitionState::Considering | PetitionState::Accepted)
            && (me.has(Role::Leader) || handles),
        finish: is_open && state == PetitionState::Resolved && (officer || handles),
        withdraw: open(&p) && (officer || me.has(Role::Clerk) || handles),
    };
    let rules = if actions.classify || actions.consider {
        let mut rules: Vec<DeadlineRule> = ctx
            .services()
            .petition_catalog()?
            .list_deadline_rules(ctx.call(ListDeadlineRulesRequest {}))
            .await?
            .into_inner()
            .rules
            .into_iter()
            .filter(|r| r.kind == p.kind)
            .collect();
        rules.sort_by_key(|r| (r.resolution, r.remote, r.complexity));
        rules.iter().map(rule_line).collect()
    } else {
        Vec::new()
    };
    let users = people::actor_names(ctx, &p.office_id, &me.principal.office_id).await?;
    let people = if actions.classify || actions.consider {
        people::choices(&users, Some(Role::Specialist), true, &filled.kept.all("handler_id"))
    } else {
        Vec::new()
    };
    Ok(PetitionPage {
        layout: me.layout(format!("Đơn số {}", p.number_label), "/petitions"),
        kind: kind(p.kind),
        channel: channel(p.channel),
        received: format::date(&p.received_on),
        classification_due: format::date(&p.classification_due_on),
        current_due: format::date(&p.current_due_on),
        base_due: format::date(&resolving.base_due_on),
        accepted_on: format::date(&resolving.accepted_on),
        handler: resolving.handler_name.clone(),
        classification: outcome_label(classification.outcome).to_string(),
        classified_by: classification.classified_by_name.clone(),
        notified: format::date(&p.notified_on),
        closed: format::date(&p.closed_on),
        petitioners: p.petitioners.clone(),
        events: p
            .events
            .iter()
            .rev()
            .map(|e| EventLine {
                at: format::timestamp(e.at.as_ref()),
                what: event(&e.kind),
                who: people::actor(&users, &e.actor_id, &e.actor_name),
                note: e.note.clone(),
            })
            .collect(),
        rules,
        extensions: resolving
            .extensions
            .iter()
            .map(|x| {
                format!(
                    "Lần {}: {} ngày theo quyết định {} ngày {}, hạn từ {} thành {}",
                    x.seq,
                    x.days,
                    x.decision_number,
                    format::date(&x.decided_on),
                    format::date(&x.previous_due_on),
                    format::date(&x.due_on)
                )
            })
            .collect(),
        actions,
        people,
        notice,
        filled,
        today: ctx.today_typed(),
        p,
    })
}

/// The request an action's form makes, by the action's name in the path.
fn request_of(ctx: &Ctx, id: &str, action: &str, f: &FormData) -> Option<StepCall> {
    let petition_id = id.to_string();
    let number = |k: &str| f.get(k).parse::<i32>().unwrap_or(0);
    Some(match action {
        "link-repeat" => StepCall::LinkRepeat(ctx.call(LinkRepeatRequest {
            petition_id,
            case_id: f.get("case_id"),
            note: f.get("note"),
        })),
        "classify" => StepCall::Classify(ctx.call(ClassifyPetitionRequest {
            petition_id,
            outcome: number("outcome"),
            note: f.get("note"),
            competent_authority: number("competent_authority"),
            handler_id: f.get("handler_id"),
            transfer_to: f.get("transfer_to"),
            accepted_on: f.get("accepted_on"),
            resolution: number("resolution"),
            complexity: number("complexity"),
            remote: !f.get("remote").is_empty(),
            validate_only: previewed(f),
        })),
        "accept" => StepCall::Accept(ctx.call(AcceptPetitionRequest {
            petition_id,
            handler_id: f.get("handler_id"),
            accepted_on: f.get("accepted_on"),
            resolution: number("resolution"),
            complexity: number("complexity"),
            remote: !f.get("remote").is_empty(),
            note: f.get("note"),
            validate_only: previewed(f),
        })),
        "reject" => StepCall::Reject(ctx.call(RejectPetitionRequest {
            petition_id,
            reason: f.get("reason"),
        })),
        "extend" => StepCall::Extend(ctx.call(ExtendDeadlineRequest {
            petition_id,
            decision_number: f.get("decision_number"),
            decided_on: f.get("decided_on"),
            days: number("days"),
            reason: f.get("reason"),
            validate_only: previewed(f),
        })),
        "note" => StepCall::Note(ctx.call(AddNoteRequest {
            petition_id,
            note: f.get("note"),
        })),
        "result" => StepCall::Result(ctx.call(RecordResultRequest {
            petition_id,
            summary: f.get("summary"),
            decision_reference: f.get("decision_reference"),
            decided_on: f.get("decided_on"),
            ..Default::default()
        })),
        "notify" => StepCall::Notify(ctx.call(NotifyPetitionerRequest {
            petition_id,
            notified_on: f.get("notified_on"),
            note: f.get("note"),
        })),
        "close" => StepCall::Close(ctx.call(ClosePetitionRequest {
            petition_id,
            note: f.get("note"),
        })),
        "withdraw" => StepCall::Withdraw(ctx.call(WithdrawPetitionRequest {
            petition_id,
            note: f.get("note"),
            withdrawn_on: f.get("withdrawn_on"),
        })),
        _ => return None,
    })
}

/// Whether the form asks only to see the step's due date ("Xem hạn giải
/// quyết"): the service computes it and saves nothing (`validate_only`).
fn previewed(f: &FormData) -> bool {
    !f.get("preview").is_empty()
}

/// The steps whose due date is shown before they are confirmed.
const PREVIEWED: [&str; 3] = ["classify", "accept", "extend"];

/// The steps' date fields, typed dd/mm/yyyy.
const DATE_FIELDS: [&str; 4] = ["accepted_on", "decided_on", "notified_on", "withdrawn_on"];

/// One step's call to the petitions service.
enum StepCall {
    LinkRepeat(tonic::Request<LinkRepeatRequest>),
    Classify(tonic::Request<ClassifyPetitionRequest>),
    Accept(tonic::Request<AcceptPetitionRequest>),
    Reject(tonic::Request<RejectPetitionRequest>),
    Extend(tonic::Request<ExtendDeadlineRequest>),
    Note(tonic::Request<AddNoteRequest>),
    Result(tonic::Request<RecordResultRequest>),
    Notify(tonic::Request<NotifyPetitionerRequest>),
    Close(tonic::Request<ClosePetitionRequest>),
    Withdraw(tonic::Request<WithdrawPetitionRequest>),
}

/// `POST /petitions/{id}/{action}`: one step of the flow; back to the
/// petition, or its page with the service's refusal and what was typed.
pub async fn step(
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    if PREVIEWED.contains(&action.as_str()) {
        if previewed(&form) {
            return confirm(&ctx, &id, &action, form).await;
        }
        if !form.get("edit").is_empty() {
            // "Sửa lại" on the confirmation: the form again, as typed.
            let me = ctx.me().await?;
            let page = petition_page(&ctx, &me, &id, None, Filled::new(None, form)).await?;
            return Ok(Html(page.render()?).into_response());
        }
    }
    if action == "not-repeat" {
        return Ok(Redirect::to(&format!("/petitions/{id}?m=not-repeat")).into_response());
    }
    let sent = match form.with_dates(&DATE_FIELDS) {
        Ok(sent) => sent,
        Err(refusal) => {
            let me = ctx.me().await?;
            let page = petition_page(&ctx, &me, &id, None, Filled::new(Some(refusal), form)).await?;
            return Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response());
        }
    };
    let call = request_of(&ctx, &id, &action, &sent).ok_or(ConsoleError::NotFound)?;
    let mut client = ctx.services().petitions()?;
    let result = match call {
        StepCall::LinkRepeat(r) => client.link_repeat(r).await,
        StepCall::Classify(r) => client.classify_petition(r).await,
        StepCall::Accept(r) => client.accept_petition(r).await,
        StepCall::Reject(r) => client.reject_petition(r).await,
        StepCall::Extend(r) => client.extend_deadline(r).await,
        StepCall::Note(r) => client.add_note(r).await,
        StepCall::Result(r) => client.record_result(r).await,
        StepCall::Notify(r) => client.notify_petitioner(r).await,
        StepCall::Close(r) => client.close_petition(r).await,
        StepCall::Withdraw(r) => client.withdraw_petition(r).await,
    };
    let status = match result {
        Ok(_) => return Ok(Redirect::to(&format!("/petitions/{id}?m={action}")).into_response()),
        Err(status) => status,
    };
    if action == "link-repeat" {
        shown_again(&ctx, status, async |me, refusal| {
            duplicates_page(&ctx, me, &id, Some(refusal)).await
        })
        .await
    } else {
        shown_again(&ctx, status, async |me, refusal| {
            petition_page(&ctx, me, &id, None, Filled::new(Some(refusal), form)).await
        })
        .await
    }
}

/// What the service computed for a step not yet saved: the due date and
/// how it came, in the words shown before confirming.
fn due_line(action: &str, p: &Petition) -> String {
    if action == "classify" && p.state != PetitionState::Accepted as i32 {
        return "Phân loại này không đặt hạn giải quyết; hạn chỉ tính khi thụ lý giải quyết.".into();
    }
    let resolving = p.resolving.clone().unwrap_or_default();
    let due = format::date(&resolving.due_on);
    if due.is_empty() {
        return "Loại đơn này không có thời hạn giải quyết theo luật.".into();
    }
    let counting = if resolving.counting == 2 {
        "ngày làm việc"
    } else {
        "ngày"
    };
    if action == "extend" {
        let added = resolving.extensions.last().map(|x| x.days).unwrap_or_default();
        let before = resolving
            .extensions
            .last()
            .map(|x| format::date(&x.previous_due_on))
            .unwrap_or_default();
        format!("Hạn giải quyết sẽ là: {due} (thêm {added} {counting} từ hạn hiện tại {before})")
    } else {
        format!(
            "Hạn giải quyết sẽ là: {due} ({} {counting} kể từ ngày thụ lý {})",
            resolving.legal_days,
            format::date(&resolving.accepted_on)
        )
    }
}

/// The due date a step would give, or why it would be refused.
async fn computed(
    ctx: &Ctx,
    id: &str,
    action: &str,
    form: &FormData,
) -> Result<Result<Petition, Refusal>, ConsoleError> {
    let sent = match form.with_dates(&DATE_FIELDS) {
        Ok(sent) => sent,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let mut client = ctx.services().petitions()?;
    let result = match request_of(ctx, id, action, &sent) {
        Some(StepCall::Classify(r)) => client.classify_petition(r).await,
        Some(StepCall::Accept(r)) => client.accept_petition(r).await,
        Some(StepCall::Extend(r)) => client.extend_deadline(r).await,
        _ => return Err(ConsoleError::NotFound),
    };
    match result {
        Ok(answer) => Ok(Ok(answer.into_inner())),
        Err(status) if shown_status(&status).is_some() => Ok(Err(Refusal::of(&status))),
        Err(status) => Err(ConsoleError::unseen(status)),
    }
}

/// A value chosen on the step's form, shown again before confirming.
struct Chosen {
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "petition_confirm.html")]
struct ConfirmPage {
    layout: Layout,
    id: String,
    number: String,
    action: String,
    heading: &'static str,
    button: &'static str,
    due: String,
    chosen: Vec<Chosen>,
    /// The form as typed, sent again by the button.
    fields: Vec<(String, String)>,
}

/// What the person chose, in words (the handler by name).
async fn chosen(ctx: &Ctx, p: &Petition, action: &str, form: &FormData) -> Result<Vec<Chosen>, ConsoleError> {
    let mut out = Vec::new();
    let mut add = |label: &'static str, value: String| {
        if !value.is_empty() {
            out.push(Chosen { label, value });
        }
    };
    if action == "classify" {
        add(
            "Kết quả phân loại",
            outcome_label(p.classification.as_ref().map(|c| c.outcome).unwrap_or_default()).into(),
        );
        add("Chuyển đến cơ quan", form.get("transfer_to"));
    }
    if action == "accept" || p.state == PetitionState::Accepted as i32 {
        let handler = p.resolving.as_ref().map(|r| r.handler_id.clone()).unwrap_or_default();
        let people = people::of_office(ctx, &p.office_id, "").await?;
        add("Người giải quyết", people::name_of(&people, &handler));
        add("Ngày thụ lý", form.get("accepted_on"));
        add(
            "Lần giải quyết",
            if form.get("resolution") == "2" {
                "Lần hai"
            } else {
                "Lần đầu"
            }
            .into(),
        );
        let complexity = match form.get("complexity").as_str() {
            "2" => "Phức tạp",
            "3" => "Đặc biệt phức tạp",
            _ => "Không phức tạp",
        };
        add("Tính chất vụ việc", complexity.into());
        if !form.get("remote").is_empty() {
            add("Địa bàn", "Vùng sâu, vùng xa, đi lại khó khăn".into());
        }
        add("Ghi chú", form.get("note"));
    } else if action == "classify" {
        add("Lý do, hướng dẫn", form.get("note"));
    } else {
        add("Số quyết định gia hạn", form.get("decision_number"));
        add("Ngày quyết định", form.get("decided_on"));
        add("Số ngày gia hạn", form.get("days"));
        add("Lý do", form.get("reason"));
    }
    Ok(out)
}

/// `POST /petitions/{id}/accept|extend` with `preview`: the page that
/// shows the due date the step would give, with the button that takes it
/// with the same values; refused, the petition's page with the service's
/// words beside the fields, as the step itself would show them.
async fn confirm(ctx: &Ctx, id: &str, action: &str, form: FormData) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    match computed(ctx, id, action, &form).await? {
        Ok(p) => {
            let (heading, button) = match action {
                "extend" => ("Xác nhận gia hạn giải quyết", "Xác nhận gia hạn"),
                "classify" => ("Xác nhận phân loại xử lý", "Xác nhận phân loại"),
                _ => ("Xác nhận thụ lý giải quyết", "Xác nhận thụ lý"),
            };
            let page = ConfirmPage {
                layout: me.layout(format!("{heading} · Đơn số {}", p.number_label), "/petitions"),
                id: id.to_string(),
                number: p.number_label.clone(),
                action: action.to_string(),
                heading,
                button,
                due: due_line(action, &p),
                chosen: chosen(ctx, &p, action, &form).await?,
                fields: form
                    .0
                    .iter()
                    .filter(|(k, _)| k != crate::csrf::FIELD && k != "preview" && k != "q")
                    .cloned()
                    .collect(),
            };
            Ok(Html(page.render()?).into_response())
        }
        Err(refusal) => {
            let page = petition_page(ctx, &me, id, None, Filled::new(Some(refusal), form)).await?;
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "petition_due_preview.html")]
struct DuePreview {
    due: String,
    refusal: Option<Refusal>,
}

/// `POST /petitions/{id}/{action}/preview` (htmx, as the form changes):
/// the due date the step would give, or the service's words why not.
/// Answered 200 either way, so the words replace the last ones.
pub async fn preview(
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    form: FormData,
) -> Result<Html<String>, ConsoleError> {
    ctx.session()?;
    ConsoleError::check_id(&id)?;
    if !PREVIEWED.contains(&action.as_str()) {
        return Err(ConsoleError::NotFound);
    }
    if action == "classify" && form.get("outcome") != "1" {
        // Only thụ lý sets a due date; the other outcomes are checked when
        // the classification is sent.
        let page = DuePreview {
            due: "Hạn giải quyết chỉ tính khi chọn «Thụ lý giải quyết».".into(),
            refusal: None,
        };
        return Ok(Html(page.render()?));
    }
    let mut asked = form.0.clone();
    asked.push(("preview".into(), "1".into()));
    let page = match computed(&ctx, &id, &action, &FormData(asked)).await? {
        Ok(p) => DuePreview {
            due: due_line(&action, &p),
            refusal: None,
        },
        Err(refusal) => DuePreview {
            due: String::new(),
            refusal: Some(refusal),
        },
    };
    Ok(Html(page.render()?))
}
