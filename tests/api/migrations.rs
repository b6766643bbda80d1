//! The two migration folders of every service describe one schema: each
//! service's SQLite and PostgreSQL migrations are applied to fresh
//! databases and the resulting tables and columns (name, kind of value,
//! whether it may be empty, primary key) and indexes (table, columns,
//! unique or not) compared. The only differences allowed are the declared
//! ones below: the full-text index, which each backend builds its own way. Needs PostgreSQL, so it runs in
//! the PostgreSQL pass (`VANPHONG_TEST_DATABASE_URL`).

use std::collections::BTreeMap;
use std::time::Duration;

use tempfile::TempDir;

use vanphong_platform::db::{DatabaseSettings, Db, Migrations};

/// Tables only one backend has, on purpose: SQLite keeps its full-text
/// index of documents in an FTS5 table and its shadow tables (PostgreSQL
/// uses a GIN index on the documents table instead).
const SQLITE_ONLY: &[&str] = &[
    "documents_fts",
    "documents_fts_config",
    "documents_fts_data",
    "documents_fts_docsize",
    "documents_fts_idx",
];

/// Indexes only PostgreSQL has, on purpose: its full-text index of
/// documents (an expression index, listed by table and no columns).
const POSTGRES_ONLY_INDEXES: &[&str] = &["documents () index"];

/// A column as both backends can describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    /// `integer`, `text`, `bytes`, `boolean` or the declared type itself.
    kind: String,
    nullable: bool,
    primary_key: bool,
}

type Schema = BTreeMap<String, BTreeMap<String, Column>>;

/// Indexes as `table (columns) unique index` or `table (columns) index`.
type Indexes = std::collections::BTreeSet<String>;

fn index(table: &str, columns: &str, unique: bool) -> String {
    format!("{table} ({columns}) {}index", if unique { "unique " } else { "" })
}

async fn sqlite_indexes(db: &Db) -> Indexes {
    let Db::Sqlite(pools) = db else {
        panic!("a SQLite database")
    };
    let pool = pools.read.pool();
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT m.name, (SELECT group_concat(name, ', ') FROM (SELECT ii.name FROM pragma_index_info(il.name) ii \
         ORDER BY ii.seqno)), il.\"unique\" FROM sqlite_master m, pragma_index_list(m.name) il \
         WHERE m.type = 'table' AND il.origin <> 'pk' AND m.name NOT LIKE '\\_%' ESCAPE '\\'",
    )
    .fetch_all(pool)
    .await
    .expect("SQLite indexes");
    rows.iter()
        .filter(|(table, ..)| !SQLITE_ONLY.contains(&table.as_str()))
        .map(|(table, columns, unique)| index(table, columns, *unique == 1))
        .collect()
}

async fn postgres_indexes(db: &Db) -> Indexes {
    let Db::Postgres(pool) = db else {
        panic!("a PostgreSQL database")
    };
    let rows: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT t.relname::text, COALESCE((SELECT string_agg(a.attname::text, ', ' ORDER BY k.ord) \
         FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord) \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum), ''), i.indisunique \
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND NOT i.indisprimary AND t.relname NOT LIKE '\\_%'",
    )
    .fetch_all(pool.pool())
    .await
    .expect("PostgreSQL indexes");
    rows.iter()
        .map(|(table, columns, unique)| index(table, columns, *unique))
        .filter(|i| !POSTGRES_ONLY_INDEXES.contains(&i.as_str()))
        .collect()
}

fn kind(declared: &str) -> String {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "int" | "int8" | "int4" => "integer".into(),
        "text" | "character varying" | "varchar" => "text".into(),
        "blob" | "bytea" => "bytes".into(),
        "boolean" | "bool" => "boolean".into(),
        other => other.into(),
    }
}

async fn sqlite_schema(db: &Db) -> Schema {
    let Db::Sqlite(pools) = db else {
        panic!("a SQLite database")
    };
    let pool = pools.read.pool();
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\\_%' ESCAPE '\\'",
    )
    .fetch_all(pool)
    .await
    .expect("SQLite schema");
    let mut schema = Schema::new();
    for (table, column, declared, not_null, pk) in rows {
        if SQLITE_ONLY.contains(&table.as_str()) {
            continue;
        }
        schema.entry(table).or_default().insert(
            column,
            Column {
                kind: kind(&declared),
                nullable: not_null == 0 && pk == 0,
                primary_key: pk > 0,
            },
        );
    }
    schema
}

async fn postgres_schema(db: &Db) -> Schema {
    let Db::Postgres(pool) = db else {
        panic!("a PostgreSQL database")
    };
    let rows: Vec<(String, String, String, String, bool)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text, \
         EXISTS (SELECT 1 FROM information_schema.table_constraints t \
                 JOIN information_schema.key_column_usage k \
                   ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema \
                 WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema \
                   AND t.table_name = c.table_name AND k.column_name = c.column_name) \
         FROM information_schema.columns c \
         WHERE c.table_schema = current_schema() AND c.table_name NOT LIKE '\\_%'",
    )
    .fetch_all(pool.pool())
    .await
    .expect("PostgreSQL schema");
    let mut schema = Schema::new();
    for (table, column, declared, nullable, pk) in rows {
        schema.entry(table).or_default().insert(
            column,
            Column {
                kind: kind(&declared),
                nullable: nullable == "YES" && !pk,
                primary_key: pk,
            },
        );
    }
    schema
}

async fn migrated(url: String, schema: Option<String>, migrations: &Migrations) -> Db {
    let db = Db::connect(&DatabaseSettings {
        url,
        schema,
        max_connections: 2,
        acquire_timeout: Duration::from_secs(30),
    })
    .await
    .expect("connected");
    db.migrate(migrations).await.expect("migrated");
    db
}

/// Every difference between the two schemas, in words.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut found = Vec::new();
    for table in sqlite.keys().chain(postgres.keys()) {
        match (sqlite.get(table), postgres.get(table)) {
            (Some(_), None) => found.push(format!("table {table} only on SQLite")),
            (None, Some(_)) => found.push(format!("table {table} only on PostgreSQL")),
            (Some(s), Some(p)) => {
                for column in s.keys().chain(p.keys()) {
                    match (s.get(column), p.get(column)) {
                        (Some(a), Some(b)) if a != b => {
                            found.push(format!("{table}.{column}: SQLite {a:?}, PostgreSQL {b:?}"))
                        }
                        (Some(_), None) => found.push(format!("{table}.{column} only on SQLite")),
                        (None, Some(_)) => found.push(format!("{table}.{column} only on PostgreSQL")),
                        _ => {}
                    }
                }
            }
            (None, None) => {}
        }
    }
    found.sort();
    found.dedup();
    found
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    let Ok(url) = std::env::var("VANPHONG_TEST_DATABASE_URL") else {
        eprintln!("needs PostgreSQL (VANPHONG_TEST_DATABASE_URL): compared in the PostgreSQL pass");
        return;
    };
    // The directory, then every backend service of the one list.
    let services: Vec<(&str, &Migrations)> =
        std::iter::once(("directory", &vanphong_gateway::directory::store::MIGRATIONS))
            .chain(vanphong::services::SERVICES.iter().map(|s| (s.name, (s.migrations)())))
            .collect();
    let folder = TempDir::new().expect("temp dir");
    let unique = uuid::Uuid::now_v7().simple().to_string();
    let mut drift = Vec::new();
    for (name, migrations) in services {
        let sqlite_url = format!(
            "sqlite://{}?mode=rwc",
            folder.path().join(format!("{name}.db")).display()
        );
        let sqlite = migrated(sqlite_url, None, migrations).await;
        let schema = format!("m{}_{name}", &unique[unique.len() - 12..]);
        let postgres = migrated(url.clone(), Some(schema), migrations).await;
        let (s, p) = (sqlite_schema(&sqlite).await, postgres_schema(&postgres).await);
        assert!(s.len() > 2, "{name}: the SQLite schema was read ({} tables)", s.len());
        drift.extend(differences(&s, &p).into_iter().map(|d| format!("{name}: {d}")));
        let (si, pi) = (sqlite_indexes(&sqlite).await, postgres_indexes(&postgres).await);
        assert!(!si.is_empty(), "{name}: the SQLite indexes were read");
        drift.extend(si.difference(&pi).map(|i| format!("{name}: {i} only on SQLite")));
        drift.extend(pi.difference(&si).map(|i| format!("{name}: {i} only on PostgreSQL")));
    }
    assert!(
        drift.is_empty(),
        "the migration folders drifted apart:\n{}",
        drift.join("\n")
    );
}
