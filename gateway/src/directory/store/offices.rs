//! Offices and their parent links.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use vanphong_platform::db::{RowDecoder, StoreError, Tx, query};
use vanphong_platform::tree::{Numbering, OfficeEntry, OfficeKind, ParentLink};

#[derive(sqlx::FromRow)]
struct OfficeRow {
    id: String,
    code: String,
    name: String,
    kind: String,
    issuer_code: String,
    numbering: String,
    established_on: String,
    dissolved_on: Option<String>,
    successor_id: Option<String>,
    created_at: i64,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    office_id: String,
    parent_id: Option<String>,
    effective_from: String,
    effective_to: Option<String>,
    reason: String,
}

/// Every office with its history, in code order.
pub async fn load_all(tx: &mut Tx) -> Result<Vec<OfficeEntry>, StoreError> {
    let rows: Vec<OfficeRow> = tx
        .fetch_all(query(
            "SELECT id, code, name, kind, issuer_code, numbering, established_on, dissolved_on, successor_id, \
             created_at, updated_at FROM offices ORDER BY code",
        ))
        .await?;
    let links: Vec<LinkRow> = tx
        .fetch_all(query(
            "SELECT office_id, parent_id, effective_from, effective_to, reason FROM office_links \
             ORDER BY office_id, effective_from",
        ))
        .await?;
    let parts: Vec<(String, String)> = tx
        .fetch_all(query(
            "SELECT office_id, part_id FROM office_split_parts ORDER BY office_id, part_id",
        ))
        .await?;
    let mut parts_of: HashMap<String, Vec<Uuid>> = HashMap::new();
    for (office, part) in parts {
        let id = RowDecoder::new("office_split_parts", &office).id("part_id", &part)?;
        parts_of.entry(office).or_default().push(id);
    }
    let mut by_office: HashMap<String, Vec<ParentLink>> = HashMap::new();
    for link in links {
        let d = RowDecoder::new("office_links", &link.office_id);
        let parent = ParentLink {
            parent_id: d.opt_id("parent_id", link.parent_id.as_deref())?,
            from: d.date("effective_from", &link.effective_from)?,
            to: d.opt_date("effective_to", link.effective_to.as_deref())?,
            reason: link.reason,
        };
        by_office.entry(link.office_id).or_default().push(parent);
    }
    let mut offices = Vec::with_capacity(rows.len());
    for row in rows {
        let d = RowDecoder::new("offices", &row.id);
        offices.push(OfficeEntry {
            id: d.id("id", &row.id)?,
            links: by_office.remove(&row.id).unwrap_or_default(),
            kind: d.code("kind", row.kind.as_str(), OfficeKind::from_code)?,
            numbering: d.code("numbering", row.numbering.as_str(), Numbering::from_code)?,
            established_on: d.date("established_on", &row.established_on)?,
            dissolved_on: d.opt_date("dissolved_on", row.dissolved_on.as_deref())?,
            successor_id: d.opt_id("successor_id", row.successor_id.as_deref())?,
            split_into: parts_of.remove(&row.id).unwrap_or_default(),
            created_at: d.timestamp("created_at", row.created_at)?,
            updated_at: d.timestamp("updated_at", row.updated_at)?,
            code: row.code,
            name: row.name,
            issuer_code: row.issuer_code,
        });
    }
    Ok(offices)
}

/// The id and name of the office with this code, if there is one.
pub async fn by_code(tx: &mut Tx, code: &str) -> Result<Option<(String, String)>, StoreError> {
    let id: Option<String> = tx
        .scalar(query("SELECT id FROM offices WHERE code = $1").bind(code))
        .await?;
    let Some(id) = id else { return Ok(None) };
    let name: Option<String> = tx
        .scalar(query("SELECT name FROM offices WHERE id = $1").bind(id.as_str()))
        .await?;
    Ok(Some((id, name.unwrap_or_default())))
}

/// Whether an office already uses this code (codes are unique for ever).
pub async fn code_taken(tx: &mut Tx, code: &str) -> Result<bool, StoreError> {
    Ok(tx
        .scalar::<String>(query("SELECT id FROM offices WHERE code = $1").bind(code))
        .await?
        .is_some())
}

/// Inserts a new office with its first link.
pub async fn insert(tx: &mut Tx, office: &OfficeEntry) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO offices (id, code, name, kind, issuer_code, numbering, established_on, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(office.id)
        .bind(&office.code)
        .bind(&office.name)
        .bind(office.kind.code())
        .bind(&office.issuer_code)
        .bind(office.numbering.code())
        .bind(office.established_on)
        .bind(office.created_at)
        .bind(office.updated_at),
    )
    .await?;
    for link in &office.links {
        insert_link(tx, office.id, link).await?;
    }
    Ok(())
}

pub async fn insert_link(tx: &mut Tx, office: Uuid, link: &ParentLink) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO office_links (office_id, parent_id, effective_from, effective_to, reason) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(office)
        .bind(link.parent_id)
        .bind(link.from)
        .bind(link.to)
        .bind(&link.reason),
    )
    .await?;
    Ok(())
}

/// Ends the office's open link on `to`.
pub async fn close_open_link(tx: &mut Tx, office: Uuid, to: NaiveDate) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE office_links SET effective_to = $1 WHERE office_id = $2 AND effective_to IS NULL")
            .bind(to)
            .bind(office),
    )
    .await?;
    Ok(())
}

/// Records that an office ceased to exist.
pub async fn mark_dissolved(
    tx: &mut Tx,
    office: Uuid,
    on: NaiveDate,
    successor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE offices SET dissolved_on = $1, successor_id = $2, updated_at = $3 WHERE id = $4")
            .bind(on)
            .bind(successor)
            .bind(now)
            .bind(office),
    )
    .await?;
    Ok(())
}

/// Records the receiving offices of a split besides the successor.
pub async fn add_split_parts(tx: &mut Tx, office: Uuid, parts: &[Uuid]) -> Result<(), StoreError> {
    for part in parts {
        tx.execute(
            query("INSERT INTO office_split_parts (office_id, part_id) VALUES ($1, $2)")
                .bind(office)
                .bind(*part),
        )
        .await?;
    }
    Ok(())
}

/// Renames an office or changes its issuer code or numbering.
pub async fn update_fields(tx: &mut Tx, office: &OfficeEntry) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE offices SET name = $1, issuer_code = $2, numbering = $3, updated_at = $4 WHERE id = $5")
            .bind(&office.name)
            .bind(&office.issuer_code)
            .bind(office.numbering.code())
            .bind(office.updated_at)
            .bind(office.id),
    )
    .await?;
    Ok(())
}

/// Touches `updated_at` (after a link change).
pub async fn touch(tx: &mut Tx, office: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        query("UPDATE offices SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(office),
    )
    .await?;
    Ok(())
}
