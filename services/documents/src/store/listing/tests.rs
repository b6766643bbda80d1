//! The lists' SQL and the domain's secrecy rule agree on every document for
//! every reader: each kind of document is stored, and each kind of reader
//! lists them; what comes back is exactly what `Reader::may_read` admits.
//! Runs on SQLite, and on PostgreSQL too when `VANPHONG_TEST_DATABASE_URL`
//! names one.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use vanphong_platform::db::{DatabaseSettings, Db};
use vanphong_platform::identity::{Clearance, Role};

use super::{Filter, list};
use crate::domain::access::{DUTIES, Reader};
use crate::domain::document::Document;
use crate::domain::kinds::{Direction, Status};
use crate::store;

async fn database(folder: &tempfile::TempDir) -> Db {
    let settings = match std::env::var("VANPHONG_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => DatabaseSettings {
            url,
            schema: Some(format!("t{}_documents", &Uuid::now_v7().simple().to_string()[20..])),
            max_connections: 2,
            acquire_timeout: Duration::from_secs(10),
        },
        _ => DatabaseSettings {
            url: format!("sqlite://{}?mode=rwc", folder.path().join("documents.db").display()),
            schema: None,
            max_connections: 2,
            acquire_timeout: Duration::from_secs(10),
        },
    };
    let db = Db::connect(&settings).await.expect("database");
    db.migrate(&store::MIGRATIONS).await.expect("schema");
    db
}

#[tokio::test]
async fn the_lists_sql_admits_exactly_what_the_rule_admits() {
    let folder = tempfile::tempdir().expect("folder");
    let db = database(&folder).await;
    let (held, other) = (Uuid::now_v7(), Uuid::now_v7());
    let named = Uuid::now_v7();
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).single().expect("time");

    // Every office, direction, state and level; half of them naming `named`.
    let mut stored: Vec<(Document, Vec<Uuid>)> = Vec::new();
    let mut tx = db.begin_write().await.expect("tx");
    for office in [held, other] {
        for direction in [Direction::Incoming, Direction::Outgoing] {
            for &status in Status::ALL {
                for level in 0..=3 {
                    for on_distribution in [false, true] {
                        let mut d = Document::blank(Uuid::now_v7(), office, direction, status, Uuid::nil(), at);
                        d.type_code = "CV".into();
                        d.subject = "Về việc thử".into();
                        d.secrecy = Clearance::from_level(level).expect("level");
                        store::documents::insert(&mut tx, &d).await.expect("insert");
                        let names = if on_distribution { vec![named] } else { Vec::new() };
                        store::people::add_distribution(&mut tx, d.id, &names)
                            .await
                            .expect("named");
                        stored.push((d, names));
                    }
                }
            }
        }
    }
    tx.commit().await.expect("commit");

    let role_sets: [&[Role]; 4] = [
        &[Role::Specialist],
        &[Role::Clerk],
        &[Role::Leader],
        &[Role::Clerk, Role::Leader],
    ];
    for clearance in [
        Clearance::None,
        Clearance::Confidential,
        Clearance::Secret,
        Clearance::TopSecret,
    ] {
        for roles in role_sets {
            for holds in [vec![], vec![held]] {
                for user in [named, Uuid::now_v7()] {
                    let reader = Reader {
                        user,
                        clearance,
                        holds: holds.clone(),
                        duties: DUTIES.iter().filter(|d| roles.contains(&d.role)).collect(),
                    };
                    let filter = Filter {
                        offices: vec![held, other],
                        reader: reader.clone(),
                        limit: 10_000,
                        ..Filter::default()
                    };
                    let (listed, next) = list(&db, &filter).await.expect("list");
                    assert!(next.is_none());
                    let listed: BTreeSet<Uuid> = listed.iter().map(|d| d.id).collect();
                    let admitted: BTreeSet<Uuid> = stored
                        .iter()
                        .filter(|(d, names)| reader.may_read(d, names))
                        .map(|(d, _)| d.id)
                        .collect();
                    assert_eq!(listed, admitted, "{reader:?}");
                }
            }
        }
    }
}
