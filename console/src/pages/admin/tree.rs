//! The office tree as it stood on a date (`GET /admin/tree?as_of=…`, the
//! date typed dd/mm/yyyy), and the reorganisations the directory records
//! from an effective date without rewriting history: an office moved under
//! another parent, several merged into one, one dissolved (its offices,
//! records and open cases passing to a successor). Offices are picked by
//! name; the directory says who may and what is refused. Under the tree,
//! admins see where each ended office's handover stands in each service.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;
use serde::Deserialize;

use vanphong_proto::directory::v1::{DissolveOfficeRequest, MergeOfficesRequest, MoveOfficeRequest, Role};

use super::handover::{self, Ended};
use super::{Placed, Tab, office_choices, placed, tabs};
use crate::errors::ConsoleError;
use crate::format;
use crate::pages::choices::Choice;
use crate::pages::form::{FormData, Refusal, Refused, shown_status};
use crate::pages::{Ctx, Layout, Me};

#[derive(Template)]
#[template(path = "admin_tree.html")]
struct TreePage {
    layout: Layout,
    tabs: Vec<Tab>,
    /// The date shown, dd/mm/yyyy as typed.
    as_of: String,
    as_of_error: String,
    offices: Vec<Placed>,
    /// Whether the reorganisation forms are offered (admins; the
    /// directory decides over which offices).
    reorganises: bool,
    /// Offices that ended with a successor, and where their handover
    /// stands (for admins).
    ended: Vec<Ended>,
    move_offices: Vec<Choice>,
    move_parents: Vec<Choice>,
    merge_offices: Vec<Choice>,
    merge_into: Vec<Choice>,
    dissolve_offices: Vec<Choice>,
    dissolve_successors: Vec<Choice>,
    today: String,
    /// Sent with a merge or dissolution, so a double submission applies it
    /// once.
    request_id: String,
    notice: Option<&'static str>,
    /// The form refused (`move`, `merge` or `dissolve`), what was typed in
    /// it and the directory's words.
    refused: Refused,
}

impl TreePage {
    /// The effective date as typed, or today.
    fn date_or_today(&self, form: &str) -> String {
        let kept = self.refused.kept(form, "effective_date");
        if kept.is_empty() { self.today.clone() } else { kept }
    }

    /// The indentation class of an office at `depth`.
    fn depth_class(&self, depth: &usize) -> String {
        format!("depth-{}", (*depth).min(6))
    }
}

fn notice(m: Option<&str>) -> Option<&'static str> {
    match m? {
        "move" => Some("Đã chuyển đơn vị sang đơn vị cấp trên mới; cây dưới đây là cây vào ngày có hiệu lực."),
        "merge" => Some("Đã hợp nhất các đơn vị; cây dưới đây là cây vào ngày có hiệu lực."),
        "dissolve" => Some("Đã giải thể đơn vị; cây dưới đây là cây vào ngày có hiệu lực."),
        _ => None,
    }
}

#[derive(Deserialize, Default)]
pub struct TreeQuery {
    #[serde(default)]
    as_of: String,
    m: Option<String>,
}

/// `GET /admin/tree`: the tree on the date asked (today by default).
pub async fn page(ctx: Ctx, Query(query): Query<TreeQuery>) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let page = tree_page(&ctx, &me, &query, Refused::none()).await?;
    let code = if page.as_of_error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((code, Html(page.render()?)).into_response())
}

async fn tree_page(ctx: &Ctx, me: &Me, query: &TreeQuery, refused: Refused) -> Result<TreePage, ConsoleError> {
    let typed = if query.as_of.trim().is_empty() {
        ctx.today_typed()
    } else {
        query.as_of.trim().to_string()
    };
    let (as_of, as_of_error) = match FormData(vec![("as_of".into(), typed.clone())]).date("as_of") {
        Ok(date) => (date, String::new()),
        Err(refusal) => (String::new(), refusal.about("as_of")),
    };
    let reorganises = me.has(Role::Admin);
    let (shown, today, ended) = tokio::join!(
        placed(ctx, &as_of),
        async {
            if reorganises {
                placed(ctx, "").await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if reorganises {
                handover::ended(ctx).await
            } else {
                Ok(Vec::new())
            }
        }
    );
    let (shown, today, ended) = (shown?, today?, ended?);
    let kept = |form: &str, field: &str| refused.kept_all(form, field);
    Ok(TreePage {
        layout: me.layout("Cơ cấu tổ chức", "/admin"),
        tabs: tabs("/admin/tree"),
        as_of: typed,
        as_of_error,
        offices: shown,
        reorganises,
        ended,
        move_offices: office_choices(&today, &kept("move", "office_id"), Some("— Chọn đơn vị —")),
        move_parents: office_choices(&today, &kept("move", "new_parent_id"), Some("— Chọn đơn vị cấp trên —")),
        merge_offices: office_choices(&today, &kept("merge", "office_ids"), None),
        merge_into: office_choices(
            &today,
            &kept("merge", "into_office_id"),
            Some("— Chọn đơn vị tiếp nhận —"),
        ),
        dissolve_offices: office_choices(&today, &kept("dissolve", "office_id"), Some("— Chọn đơn vị —")),
        dissolve_successors: office_choices(
            &today,
            &kept("dissolve", "successor_id"),
            Some("— Không có (đơn vị không còn đơn vị cấp dưới) —"),
        ),
        today: ctx.today_typed(),
        request_id: uuid::Uuid::new_v4().to_string(),
        notice: notice(query.m.as_deref()),
        refused,
    })
}

/// `POST /admin/tree/{action}`: `move`, `merge` or `dissolve`, from the
/// effective date typed; then the tree on that date.
pub async fn reorganise(ctx: Ctx, Path(action): Path<String>, form: FormData) -> Result<Response, ConsoleError> {
    ctx.session()?;
    if !matches!(action.as_str(), "move" | "merge" | "dissolve") {
        return Err(ConsoleError::NotFound);
    }
    let effective_date = match form.date("effective_date") {
        Ok(date) => date,
        Err(refusal) => return refused(&ctx, &action, form, refusal, StatusCode::BAD_REQUEST).await,
    };
    let offices = ctx.services().offices();
    let result = match action.as_str() {
        "move" => {
            let request = MoveOfficeRequest {
                office_id: form.get("office_id"),
                new_parent_id: form.get("new_parent_id"),
                effective_date,
                reason: form.get("reason"),
            };
            offices.clone().move_office(ctx.call(request)).await.map(|_| ())
        }
        "merge" => {
            let request = MergeOfficesRequest {
                office_ids: form.all("office_ids"),
                into_office_id: form.get("into_office_id"),
                effective_date,
                reason: form.get("reason"),
                move_people: form.get("move_people") == "on",
                request_id: form.get("request_id"),
            };
            offices.clone().merge_offices(ctx.call(request)).await.map(|_| ())
        }
        _ => {
            let request = DissolveOfficeRequest {
                office_id: form.get("office_id"),
                effective_date,
                successor_id: form.get("successor_id"),
                reason: form.get("reason"),
                move_people: form.get("move_people") == "on",
                request_id: form.get("request_id"),
            };
            offices.clone().dissolve_office(ctx.call(request)).await.map(|_| ())
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/tree?as_of={}&m={action}",
            format::url_encode(&form.get("effective_date"))
        ))
        .into_response()),
        Err(status) => match shown_status(&status) {
            Some(code) => refused(&ctx, &action, form, Refusal::of(&status), code).await,
            None => Err(status.into()),
        },
    }
}

/// The tree page again with the refusal beside the form `acted`, what was
/// typed kept.
async fn refused(
    ctx: &Ctx,
    acted: &str,
    form: FormData,
    refusal: Refusal,
    code: StatusCode,
) -> Result<Response, ConsoleError> {
    let me = ctx.me().await?;
    let refused = Refused::new(acted, refusal, form);
    let page = tree_page(ctx, &me, &TreeQuery::default(), refused).await?;
    Ok((code, Html(page.render()?)).into_response())
}
