//! The catalogue of subject areas and the deadline table.

use vanphong_platform::db::{CorruptRow, Db, RowDecoder, StoreError, Tx, query};

use crate::domain::catalog::DEFAULT_AREAS;
use crate::domain::deadline::{DeadlineRule, RuleKey, default_rules};

/// A subject area.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Area {
    pub code: String,
    pub name: String,
    pub active: bool,
}

/// Inserts the default areas and deadline rules that are missing (never
/// changes edited ones).
pub async fn ensure_defaults(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    for (order, (code, name)) in DEFAULT_AREAS.iter().enumerate() {
        tx.execute(
            query(
                "INSERT INTO subject_areas (code, name, active, sort_order) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(*code)
            .bind(*name)
            .bind(true)
            .bind(order as i64),
        )
        .await?;
    }
    for rule in default_rules() {
        insert_rule(&mut tx, &rule, false).await?;
    }
    tx.commit().await
}

/// The subject areas in catalogue order.
pub async fn areas(db: &Db, include_inactive: bool) -> Result<Vec<Area>, StoreError> {
    db.fetch_all(
        query("SELECT code, name, active FROM subject_areas WHERE active OR $1 ORDER BY sort_order, code")
            .bind(include_inactive),
    )
    .await
}

/// One subject area by code.
pub async fn area(tx: &mut Tx, code: &str) -> Result<Option<Area>, StoreError> {
    tx.fetch_optional(query("SELECT code, name, active FROM subject_areas WHERE code = $1").bind(code))
        .await
}

/// Adds an area at the end of the list, or changes an existing one.
pub async fn upsert_area(tx: &mut Tx, a: &Area) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO subject_areas (code, name, active, sort_order) \
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM subject_areas)) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, active = excluded.active",
        )
        .bind(&a.code)
        .bind(&a.name)
        .bind(a.active),
    )
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    kind: String,
    resolution: String,
    complexity: String,
    remote: bool,
    days: i64,
    counting: String,
    max_extensions: i64,
    max_extension_days: i64,
    source: String,
}

impl RuleRow {
    /// The rule; one that does not read fails the table (a dropped rule
    /// would leave its petitions on another rule's legal deadline).
    fn into_rule(self) -> Result<DeadlineRule, CorruptRow> {
        let key = format!("{}/{}/{}/{}", self.kind, self.resolution, self.complexity, self.remote);
        let d = RowDecoder::new("deadline_rules", &key);
        Ok(DeadlineRule {
            key: RuleKey::new(
                d.coded("kind", &self.kind)?,
                d.coded("resolution", &self.resolution)?,
                d.coded("complexity", &self.complexity)?,
                self.remote,
            ),
            days: d.int("days", self.days)?,
            counting: d.coded("counting", &self.counting)?,
            max_extensions: d.int("max_extensions", self.max_extensions)?,
            max_extension_days: d.int("max_extension_days", self.max_extension_days)?,
            source: self.source,
        })
    }
}

const RULE_COLUMNS: &str =
    "kind, resolution, complexity, remote, days, counting, max_extensions, max_extension_days, source";

/// The whole table, in a stable order.
pub async fn rules(tx: &mut Tx) -> Result<Vec<DeadlineRule>, StoreError> {
    let rows: Vec<RuleRow> = tx
        .fetch_all(query(
            "SELECT kind, resolution, complexity, remote, days, counting, max_extensions, max_extension_days, \
             source FROM deadline_rules ORDER BY kind, resolution, remote, complexity",
        ))
        .await?;
    Ok(rows.into_iter().map(RuleRow::into_rule).collect::<Result<_, _>>()?)
}

/// The row of the deadline table with exactly this key.
pub async fn rule(tx: &mut Tx, key: RuleKey) -> Result<Option<DeadlineRule>, StoreError> {
    let row: Option<RuleRow> = tx
        .fetch_optional(
            query(
                "SELECT kind, resolution, complexity, remote, days, counting, max_extensions, max_extension_days, \
                 source FROM deadline_rules WHERE kind = $1 AND resolution = $2 AND complexity = $3 AND remote = $4",
            )
            .bind(key.kind.code())
            .bind(key.resolution.code())
            .bind(key.complexity.code())
            .bind(key.remote),
        )
        .await?;
    Ok(row.map(RuleRow::into_rule).transpose()?)
}

/// Inserts a rule; with `replace`, changes an existing one too.
pub async fn insert_rule(tx: &mut Tx, r: &DeadlineRule, replace: bool) -> Result<(), StoreError> {
    let conflict = if replace {
        "DO UPDATE SET days = excluded.days, counting = excluded.counting, \
         max_extensions = excluded.max_extensions, max_extension_days = excluded.max_extension_days, \
         source = excluded.source"
    } else {
        "DO NOTHING"
    };
    let sql = format!(
        "INSERT INTO deadline_rules ({RULE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (kind, resolution, complexity, remote) {conflict}"
    );
    tx.execute(vanphong_platform::binds!(vanphong_platform::db::query_built(sql)
            => r.key.kind.code(), r.key.resolution.code(), r.key.complexity.code(), r.key.remote, i64::from(r.days),
               r.counting.code(), i64::from(r.max_extensions), i64::from(r.max_extension_days), &r.source))
        .await?;
    Ok(())
}
