//! Taking in a petition: validation, its number of the year, the anonymous
//! rule, and the earlier petitions it may repeat.

use chrono::{Datelike, NaiveDate};
use tonic::Request;

use vanphong_platform::audit::{self, Change};
use vanphong_platform::idempotency::commit_answer;
use vanphong_platform::identity::{Caller, Role};
use vanphong_platform::number_series;
use vanphong_platform::validate::Checker;
use vanphong_platform::{Error, ids};
use vanphong_proto::petitions::v1 as wire;

use super::Shared;
use super::duplicates::candidates;
use super::steps::event;
use crate::domain::deadline::add_days;
use crate::domain::duplicates::PersonKey;
use crate::domain::kinds::{AnonymousRule, Channel, Kind, PriorStage};
use crate::domain::petition::{Intake, Petition, Petitioner, Receipt, petition_series};
use crate::store;

/// Longest content, names and notes, in characters.
pub(crate) const MAX_CONTENT: usize = 10_000;
/// Longest name, body or reference.
pub(crate) const MAX_NAME: usize = 300;
/// Longest note or reason.
pub(crate) const MAX_NOTE: usize = 4000;
/// Most petitioners on one petition.
const MAX_PETITIONERS: usize = 500;

/// Who takes petitions in.
const INTAKE_ROLES: &[Role] = &[Role::Clerk, Role::PetitionOfficer, Role::Leader];

/// A person's identity fields, checked; `field` is e.g. `petitioners[0]`.
/// A name is required: "a petitioner with neither name nor the anonymous
/// flag is refused".
pub(crate) fn check_person(
    c: &mut Checker,
    field: &str,
    full_name: &str,
    id_number: &str,
    address: &str,
    phone: &str,
) -> Petitioner {
    let full_name = if full_name.trim().is_empty() {
        c.violation(
            &format!("{field}.full_name"),
            "REQUIRED",
            "Người đứng tên đơn phải có họ tên; đơn không có tên người gửi phải đánh dấu nặc danh",
        );
        String::new()
    } else {
        c.text(&format!("{field}.full_name"), full_name, MAX_NAME)
    };
    let id_number = c
        .optional_text(&format!("{field}.id_number"), id_number, 30)
        .unwrap_or_default();
    if !id_number.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == ' ') {
        c.violation(
            &format!("{field}.id_number"),
            "INVALID_FORMAT",
            "Số giấy tờ tùy thân chỉ gồm chữ số và chữ cái",
        );
    }
    let address = c
        .optional_text(&format!("{field}.address"), address, 500)
        .unwrap_or_default();
    let phone = c
        .optional_text(&format!("{field}.phone"), phone, 30)
        .unwrap_or_default();
    if !phone
        .chars()
        .all(|ch| ch.is_ascii_digit() || matches!(ch, '+' | ' ' | '.' | '-' | '(' | ')'))
    {
        c.violation(
            &format!("{field}.phone"),
            "INVALID_FORMAT",
            "Số điện thoại chỉ gồm chữ số và các ký tự + . - ( )",
        );
    }
    Petitioner {
        full_name,
        id_number,
        address,
        phone,
    }
}

/// A date that is not after today.
pub(crate) fn past_date(c: &mut Checker, field: &str, value: &str, today: NaiveDate) -> NaiveDate {
    let date = c.date(field, value);
    if date != NaiveDate::MIN && date > today {
        c.violation(field, "IN_FUTURE", "Ngày không được sau hôm nay");
    }
    date
}

/// A day of a step that defaults to today when left empty and may not be
/// in the future (see [`past_date`]).
pub(crate) fn past_date_or_today(c: &mut Checker, field: &str, value: &str, today: NaiveDate) -> NaiveDate {
    if value.trim().is_empty() {
        today
    } else {
        past_date(c, field, value, today)
    }
}

fn check(c: &mut Checker, req: &wire::CreatePetitionRequest, caller: &Caller, today: NaiveDate) -> Intake {
    let office = c.office_or_own("office_id", &req.office_id, caller);
    let channel = c.wire("channel", req.channel, Channel::Mail);
    let received_on = past_date(c, "received_on", &req.received_on, today);
    let kind = c.wire("kind", req.kind, Kind::Recommendation);
    let area = c.text("subject_area_code", &req.subject_area_code, 20);
    let content = c.text("content", &req.content, MAX_CONTENT);
    let accused = c.optional_text("accused", &req.accused, 500).unwrap_or_default();
    let petitioners: Vec<Petitioner> = req
        .petitioners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            check_person(
                c,
                &format!("petitioners[{i}]"),
                &p.full_name,
                &p.id_number,
                &p.address,
                &p.phone,
            )
        })
        .collect();
    if req.anonymous && !req.petitioners.is_empty() {
        c.violation(
            "petitioners",
            "ANONYMOUS_WITH_NAMES",
            "Đơn nặc danh không được có người đứng tên",
        );
    }
    if !req.anonymous && req.petitioners.is_empty() {
        c.violation(
            "petitioners",
            "REQUIRED",
            "Phải có ít nhất một người đứng tên đơn, hoặc đánh dấu đơn nặc danh",
        );
    }
    if req.petitioners.len() > MAX_PETITIONERS {
        c.violation(
            "petitioners",
            "TOO_MANY",
            format!("Tối đa {MAX_PETITIONERS} người đứng tên"),
        );
    }
    let prior_stage = PriorStage::from_wire_or(req.prior_stage, PriorStage::NotYetResolved).unwrap_or_else(|_| {
        c.violation("prior_stage", "UNKNOWN_VALUE", "Tình trạng giải quyết không hợp lệ");
        PriorStage::NotYetResolved
    });
    let reception = c.optional_id("reception_id", &req.reception_id);
    let source_body = c
        .optional_text("source_body", &req.source_body, MAX_NAME)
        .unwrap_or_default();
    if channel == Channel::Transferred && source_body.is_empty() {
        c.violation(
            "source_body",
            "REQUIRED",
            "Đơn do cơ quan khác chuyển đến phải ghi cơ quan chuyển",
        );
    }
    Intake {
        office,
        channel,
        received_on,
        kind,
        area,
        content,
        accused,
        anonymous: req.anonymous,
        petitioners,
        prior_stage,
        reception,
        source_body,
    }
}

/// `CreatePetition`.
pub(crate) async fn create(
    s: &Shared,
    request: Request<wire::CreatePetitionRequest>,
) -> Result<wire::CreatePetitionResponse, Error> {
    let (caller, req) = Caller::split(request)?;
    let now = s.now();
    let today = s.today();
    let mut c = Checker::new();
    let request_id = c.request_id(&req.request_id);
    let new = check(&mut c, &req, &caller, today);
    c.finish()?;

    caller.ensure_act(&s.snapshot().tree, new.office, today)?;
    caller.require_any_role(INTAKE_ROLES)?;

    let (key, mut tx) =
        vanphong_platform::begin_idempotent!(s.ctx.db, &caller, "CreatePetition", request_id, &req, now);
    if !store::catalog::area(&mut tx, &new.area)
        .await?
        .is_some_and(|a| a.active)
    {
        return Err(Error::invalid(
            "subject_area_code",
            "UNKNOWN_AREA",
            "Lĩnh vực không có trong danh mục",
        ));
    }
    if let Some(reception) = new.reception {
        let found = store::receptions::get(&mut tx, reception).await?;
        if found.is_none_or(|r| r.office_id != new.office) {
            return Err(Error::invalid(
                "reception_id",
                "NOT_FOUND",
                "Không tìm thấy buổi tiếp công dân này của đơn vị",
            ));
        }
    }
    let policy = store::policy::get(&mut tx).await?;
    let year = today.year();
    let number = number_series::next_number(&mut tx, new.office, &petition_series(year)).await?;
    let receipt = Receipt {
        id: ids::new_id(),
        year,
        number,
        classification_due_on: add_days(
            s.calendar(),
            new.received_on,
            policy.classification_days,
            policy.classification_counting(),
        ),
        by: caller.subject_id,
        at: now,
    };
    let mut petition = Petition::received(&new, receipt);
    let anonymous_filed = petition.anonymous && policy.anonymous_rule() == AnonymousRule::File;
    if anonymous_filed {
        petition.file_as_anonymous(today, caller.subject_id, &policy.anonymous_reason);
    }
    store::petitions::insert(&mut tx, &petition).await?;
    store::petitioners::insert(&mut tx, petition.id, &new.petitioners).await?;
    if let Some(reception) = petition.reception_id {
        store::receptions::link_petition(&mut tx, reception, petition.id).await?;
    }
    store::history::add(&mut tx, petition.id, &event(&caller, now, "intake", "")).await?;
    if anonymous_filed {
        store::history::add(
            &mut tx,
            petition.id,
            &event(&caller, now, "classify", &policy.anonymous_reason),
        )
        .await?;
    }
    let change = Change::new(petition.office_id, "petition", petition.id, "create").after(petition.audit_json());
    audit::record(&mut tx, &caller, now, change).await?;
    let people: Vec<PersonKey> = new
        .petitioners
        .iter()
        .map(|p| PersonKey::new(&p.full_name, &p.id_number))
        .collect();
    let duplicate_candidates = candidates(&mut tx, &petition, &people).await?;
    let answer = wire::CreatePetitionResponse {
        petition: Some(s.answer(&mut tx, &caller, &petition).await?),
        duplicate_candidates,
    };
    commit_answer(&key, tx, answer).await
}
