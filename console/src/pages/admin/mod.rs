//! Directory administration for admins: the office tree as of a date and
//! its reorganisation, the people of an office and their roles, the
//! service accounts of other offices' systems. Everything goes through
//! the directory's own API with the admin's token; which office an admin
//! may administer is the directory's rule (their own and those below),
//! so a page or a step they may not take comes back as its refusal.
//!
//! - [`office`]: an office's people and service accounts, created,
//!   changed, locked;
//! - [`tree`]: the tree as it stood on a date, moves, merges, dissolutions.

pub mod handover;
pub mod office;
pub mod tree;

use vanphong_platform::identity::Role;
use vanphong_proto::common::v1::SecrecyLevel;
use vanphong_proto::directory::v1::{GetOfficeTreeRequest, OfficeKind, OfficeNode};

use super::Ctx;
use super::choices::{self, Choice};
use crate::format;

/// The administration pages, as tabs: link, title.
const TABS: [(&str, &str); 2] = [
    ("/admin", "Người dùng, tài khoản hệ thống"),
    ("/admin/tree", "Cơ cấu tổ chức"),
];

/// A tab of the administration pages.
pub struct Tab {
    pub href: &'static str,
    pub title: &'static str,
    pub current: bool,
}

fn tabs(active: &str) -> Vec<Tab> {
    TABS.iter()
        .map(|(href, title)| Tab {
            href,
            title,
            current: *href == active,
        })
        .collect()
}

/// An office of the tree on a date, at its depth below the roots.
pub struct Placed {
    pub id: String,
    pub name: String,
    pub code: String,
    pub kind: &'static str,
    pub established_on: String,
    pub depth: usize,
}

/// The tree on `as_of` (`YYYY-MM-DD`, empty for today), roots first, each
/// office followed by those under it.
async fn placed(ctx: &Ctx, as_of: &str) -> Result<Vec<Placed>, tonic::Status> {
    let request = GetOfficeTreeRequest {
        as_of: as_of.to_string(),
        ..Default::default()
    };
    let roots = ctx
        .services()
        .offices()
        .get_office_tree(ctx.call(request))
        .await?
        .into_inner()
        .roots;
    let mut out = Vec::new();
    flatten(&roots, 0, &mut out);
    Ok(out)
}

fn flatten(nodes: &[OfficeNode], depth: usize, out: &mut Vec<Placed>) {
    for node in nodes {
        if let Some(o) = &node.office {
            out.push(Placed {
                id: o.id.clone(),
                name: o.name.clone(),
                code: o.code.clone(),
                kind: kind(o.kind),
                established_on: format::date(&o.established_on),
                depth,
            });
        }
        flatten(&node.children, depth + 1, out);
    }
}

/// The level of an office, in Vietnamese.
pub(super) fn kind(kind: i32) -> &'static str {
    match OfficeKind::try_from(kind).unwrap_or(OfficeKind::Unspecified) {
        OfficeKind::Central => "Trung ương",
        OfficeKind::Province => "Cấp tỉnh",
        OfficeKind::District => "Cấp huyện",
        OfficeKind::Commune => "Cấp xã",
        OfficeKind::Other => "Khác",
        OfficeKind::Unspecified => "",
    }
}

/// Offices to pick, indented under their parents, those in `current`
/// selected; `none` first when the pick may be left empty.
fn office_choices(offices: &[Placed], current: &[String], none: Option<&str>) -> Vec<Choice> {
    let mut options: Vec<(String, String)> = none.map(|n| (String::new(), n.to_string())).into_iter().collect();
    options.extend(
        offices
            .iter()
            .map(|o| (o.id.clone(), format!("{}{}", "— ".repeat(o.depth), o.name))),
    );
    choices::of(options, current)
}

/// Every role, as checkboxes, those in `current` (numbers) ticked.
fn role_choices(current: &[String]) -> Vec<Choice> {
    choices::of(
        Role::ALL
            .iter()
            .map(|r| (r.to_wire().to_string(), format::role(r.to_wire()).to_string()))
            .collect(),
        current,
    )
}

/// The secrecy levels a person or an account may be cleared to read.
fn clearance_choices(current: &str) -> Vec<Choice> {
    let levels = [
        SecrecyLevel::Unspecified,
        SecrecyLevel::Confidential,
        SecrecyLevel::Secret,
        SecrecyLevel::TopSecret,
    ];
    choices::of(
        levels
            .iter()
            .map(|l| ((*l as i32).to_string(), clearance(*l as i32).to_string()))
            .collect(),
        &[current.to_string()],
    )
}

/// What a clearance lets one read.
fn clearance(level: i32) -> &'static str {
    match SecrecyLevel::try_from(level).unwrap_or(SecrecyLevel::Unspecified) {
        SecrecyLevel::Unspecified => "Chỉ văn bản thường",
        SecrecyLevel::Confidential => "Đến Mật",
        SecrecyLevel::Secret => "Đến Tối mật",
        SecrecyLevel::TopSecret => "Đến Tuyệt mật",
    }
}

/// Roles as numbers from checkboxes; unknown text is passed on as 0, for
/// the directory to name.
fn roles_of(values: &[String]) -> Vec<i32> {
    values.iter().map(|v| v.parse().unwrap_or(0)).collect()
}
