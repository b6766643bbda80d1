//! The home page's counts against the lists they lead to, for every person
//! of the whole demo: a card's count is the number of rows of the list its
//! link opens (cards sharing one list, e.g. "I lead" and "I coordinate",
//! count its rows together), and so is each count of a leader's table of
//! the offices below. The counts come from `GetMyWork` / `GetOfficeWork`,
//! the lists from `ListDocuments` / `ListBacklog` / `ListReports`: this is
//! where the two definitions of "overdue", "due soon" and "whose" meet.

use std::collections::BTreeMap;

use http::StatusCode;

use vanphong::demo::DEMO_PASSWORD;

use vanphong_platform::identity::Role;
use vanphong_platform::my_work::DUE_SOON_DAYS;
use vanphong_proto::documents::v1::RegisterIncomingRequest;

use crate::console::WebClient;
use crate::documents_incoming::{paper, register};
use crate::helpers::{spawn_app, spawn_full_demo};

/// `text` with the HTML escapes askama writes in attributes undone.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text between `start` and the next `end` after `from`, and where it
/// ends.
fn between<'a>(text: &'a str, from: usize, start: &str, end: &str) -> Option<(&'a str, usize)> {
    let s = text[from..].find(start)? + from + start.len();
    let e = text[s..].find(end)? + s;
    Some((&text[s..e], e + end.len()))
}

/// The home page's cards: (title, count, link).
fn cards(home: &str) -> Vec<(String, i64, String)> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(i) = home[at..].find("<li class=\"card") {
        let from = at + i;
        let (href, next) = between(home, from, "<a href=\"", "\"").expect("a card's link");
        let (count, next) = between(home, next, "<span class=\"count\">", "</span>").expect("a card's count");
        let (title, next) = between(home, next, "<span class=\"title\">", "</span>").expect("a card's title");
        found.push((
            title.to_string(),
            count.trim().parse().expect("a number"),
            unescape(href),
        ));
        at = next;
    }
    found
}

/// The counts of a leader's table of offices: (column, count, link).
fn office_cells(home: &str) -> Vec<(String, i64, String)> {
    let Some(start) = home.find("<table class=\"list offices\"") else {
        return Vec::new();
    };
    let (body, _) = between(home, start, "<tbody>", "</tbody>").expect("the table's body");
    let mut found = Vec::new();
    let mut at = 0;
    while let Some((cell, next)) = between(body, at, "<td", "</td>") {
        at = next;
        let column = between(cell, 0, "data-label=\"", "\"")
            .map(|(c, _)| unescape(c))
            .unwrap_or_default();
        if let Some((href, after)) = between(cell, 0, "<a href=\"", "\"") {
            let (count, _) = between(cell, after, ">", "</a>").expect("a count");
            found.push((column, count.trim().parse().expect("a number"), unescape(href)));
        }
    }
    found
}

/// The rows of a list page (none when it says the list is empty).
fn rows(page: &str) -> i64 {
    let Some(start) = page.find("<table class=\"list") else {
        return 0;
    };
    let (body, _) = between(page, start, "<tbody>", "</tbody>").expect("the list's body");
    i64::try_from(body.matches("<tr").count()).expect("a count")
}

/// Where the home page of the person signed in on `web` disagrees with
/// the lists its counts lead to, and how many counts it has.
async fn disagreements(web: &mut WebClient, who: &str) -> (usize, Vec<String>) {
    let home = web.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{who}: {}", home.body);
    // Cards leading to one list count its rows together.
    let mut by_list: BTreeMap<String, (i64, Vec<String>)> = BTreeMap::new();
    for (title, count, href) in cards(&home.body) {
        let entry = by_list.entry(href).or_default();
        entry.0 += count;
        entry.1.push(title);
    }
    for (column, count, href) in office_cells(&home.body) {
        by_list.insert(href, (count, vec![column]));
    }
    let mut failures = Vec::new();
    let checked = by_list.len();
    for (href, (count, titles)) in by_list {
        let list = web.get(&href).await;
        assert_eq!(list.status, StatusCode::OK, "{who} {href}: {}", list.body);
        assert!(
            !list.body.contains("rel=\"next\""),
            "{who} {href}: the list has more than one page"
        );
        let shown = rows(&list.body);
        if shown != count {
            failures.push(format!(
                "{who}: {titles:?} count {count}, the list {href} shows {shown}"
            ));
        }
    }
    (checked, failures)
}

#[tokio::test]
async fn every_count_on_home_is_the_number_of_rows_of_the_list_it_leads_to() {
    let app = spawn_full_demo().await;
    let mut checked = 0;
    let mut failures = Vec::new();
    let users: Vec<String> = app
        .demo
        .offices
        .iter()
        .flat_map(|o| o.users.iter().map(|u| u.username.clone()))
        .collect();
    for username in users {
        let mut web = WebClient::new(&app);
        let signed = web.sign_in(&username, DEMO_PASSWORD).await;
        if signed.status != StatusCode::SEE_OTHER || signed.location() != "/" {
            continue; // e.g. the people of an office that ended
        }
        let (n, mut wrong) = disagreements(&mut web, &username).await;
        checked += n;
        failures.append(&mut wrong);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 50, "only {checked} counts checked");
}

/// Deadlines on the edges of the due-soon window (today, the last day of
/// the window, the day after), one overdue, and a secret document waiting
/// for direction that the province's leader may not read: the handler's cards, the district
/// leader's and the province leader's table of the offices below agree
/// with their lists, before and after the deadlines pass.
#[tokio::test]
async fn counts_and_lists_agree_on_the_due_soon_window_and_on_secret_documents() {
    let app = spawn_app().await;
    let clerk = app.token("hiephoa", Role::Clerk).await;
    let handler = app.user_id("hiephoa", Role::Specialist).await;
    // Today is 2 March 2026; the window's last day is DUE_SOON_DAYS after.
    let last = (chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("date")
        + chrono::Days::new(u64::from(DUE_SOON_DAYS)))
    .format("%Y-%m-%d")
    .to_string();
    let after = (chrono::NaiveDate::from_ymd_opt(2026, 3, 3).expect("date")
        + chrono::Days::new(u64::from(DUE_SOON_DAYS)))
    .format("%Y-%m-%d")
    .to_string();
    let due = [
        ("2026-02-27", 0),
        ("2026-03-02", 0),
        ("2026-03-03", 1),
        (last.as_str(), 0),
        (after.as_str(), 0),
    ];
    for (n, (due_on, secrecy)) in (31..).zip(due) {
        let document = register(
            &app,
            &clerk,
            RegisterIncomingRequest {
                due_on: due_on.into(),
                secrecy,
                ..paper(n, &format!("Công văn hạn {due_on}"))
            },
        )
        .await;
        if secrecy == 0 {
            app.submit_and_direct("hiephoa", &document.id, &handler).await;
        } else {
            // Nobody below the leader is cleared: it waits for direction.
            app.submit_to_leader("hiephoa", &document.id).await;
        }
    }
    let people = [
        ("hiephoa", Role::Specialist),
        ("hiephoa", Role::Leader),
        ("tu", Role::Leader),
    ];
    let mut failures = Vec::new();
    for day in 0..2 {
        for (slug, role) in people {
            let username = app.username(slug, role);
            let mut web = WebClient::new(&app);
            let signed = web.sign_in(&username, DEMO_PASSWORD).await;
            assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
            let (checked, mut wrong) = disagreements(&mut web, &format!("{username} (day {day})")).await;
            assert!(checked > 3, "{username}: {checked} counts");
            failures.append(&mut wrong);
        }
        // Five days on, every deadline has passed, the secret one too.
        app.clock.advance(chrono::Duration::days(5));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
