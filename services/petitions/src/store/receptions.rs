//! Receptions of citizens, their visitors (protected identity) and the
//! petitions that came of them.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::db::{Clauses, CorruptRow, Db, RowDecoder, StoreError, Tx, query};

use crate::domain::figures::ReceptionFact;
use crate::domain::reception::{Reception, Visitor};

const COLUMNS: &str =
    "id, office_id, received_on, receiver_id, receiver_name, by_leader, visitor_count, content, created_by, created_at";

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    office_id: String,
    received_on: String,
    receiver_id: String,
    receiver_name: String,
    by_leader: bool,
    visitor_count: i64,
    content: String,
    created_by: String,
    created_at: i64,
}

impl Row {
    fn into_reception(self) -> Result<Reception, CorruptRow> {
        let d = RowDecoder::new("receptions", &self.id);
        Ok(Reception {
            id: d.id("id", &self.id)?,
            office_id: d.id("office_id", &self.office_id)?,
            received_on: d.date("received_on", &self.received_on)?,
            receiver_id: d.id("receiver_id", &self.receiver_id)?,
            receiver_name: self.receiver_name,
            by_leader: self.by_leader,
            visitor_count: self.visitor_count,
            content: self.content,
            created_by: d.id("created_by", &self.created_by)?,
            created_at: d.timestamp("created_at", self.created_at)?,
        })
    }
}

/// Stores a reception with its visitors.
pub async fn insert(tx: &mut Tx, r: &Reception, visitors: &[Visitor]) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO receptions (id, office_id, received_on, receiver_id, receiver_name, by_leader, \
             visitor_count, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        => r.id, r.office_id, r.received_on, r.receiver_id, &r.receiver_name, r.by_leader, r.visitor_count,
           &r.content, r.created_by, r.created_at))
        .await?;
    for (i, v) in visitors.iter().enumerate() {
        tx.execute(vanphong_platform::binds!(query(
                "INSERT INTO reception_visitors (reception_id, position, full_name, id_number, address, phone) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            => r.id, i as i64, &v.full_name, &v.id_number, &v.address, &v.phone))
            .await?;
    }
    Ok(())
}

/// The reception, if it exists.
pub async fn get(tx: &mut Tx, reception: Uuid) -> Result<Option<Reception>, StoreError> {
    let row: Option<Row> = tx.fetch_by_id("receptions", COLUMNS, reception, false).await?;
    Ok(row.map(Row::into_reception).transpose()?)
}

/// The visitors of a reception, in order (protected identity).
pub async fn visitors(tx: &mut Tx, reception: Uuid) -> Result<Vec<Visitor>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct V {
        full_name: String,
        id_number: String,
        address: String,
        phone: String,
    }
    let rows: Vec<V> = tx
        .fetch_all(
            query(
                "SELECT full_name, id_number, address, phone FROM reception_visitors WHERE reception_id = $1 \
                 ORDER BY position",
            )
            .bind(reception),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|v| Visitor {
            full_name: v.full_name,
            id_number: v.id_number,
            address: v.address,
            phone: v.phone,
        })
        .collect())
}

/// Links a petition to the reception it came of.
pub async fn link_petition(tx: &mut Tx, reception: Uuid, petition: Uuid) -> Result<(), StoreError> {
    tx.execute(
        query(
            "INSERT INTO reception_petitions (reception_id, petition_id) VALUES ($1, $2) \
             ON CONFLICT (reception_id, petition_id) DO NOTHING",
        )
        .bind(reception)
        .bind(petition),
    )
    .await?;
    Ok(())
}

/// The petitions that came of a reception.
pub async fn petitions(tx: &mut Tx, reception: Uuid) -> Result<Vec<Uuid>, StoreError> {
    let rows: Vec<(String,)> = tx
        .fetch_all(
            query("SELECT petition_id FROM reception_petitions WHERE reception_id = $1 ORDER BY petition_id")
                .bind(reception),
        )
        .await?;
    let key = reception.to_string();
    let d = RowDecoder::new("reception_petitions", &key);
    Ok(rows
        .into_iter()
        .map(|(p,)| d.id("petition_id", &p))
        .collect::<Result<_, _>>()?)
}

/// Receptions of an office in [from, to], oldest first.
pub async fn list(db: &Db, office: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Vec<Reception>, StoreError> {
    let rows: Vec<Row> = db
        .fetch_all(
            vanphong_platform::db::query_built(format!(
                "SELECT {COLUMNS} FROM receptions WHERE office_id = $1 AND received_on >= $2 AND received_on <= $3 \
                 ORDER BY received_on, created_at, id"
            ))
            .bind(office)
            .bind(from)
            .bind(to),
        )
        .await?;
    Ok(rows.into_iter().map(Row::into_reception).collect::<Result<_, _>>()?)
}

/// Where a page of receptions ends: the last one's day, recording time
/// and id, and the order the page was read in (the next page holds those
/// after it in that order).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    pub on: NaiveDate,
    pub at: i64,
    pub id: String,
    #[serde(default)]
    pub oldest_first: bool,
}

impl Cursor {
    /// The cursor of a page that ends with `last`.
    pub fn after(last: &Reception, oldest_first: bool) -> Cursor {
        Cursor {
            on: last.received_on,
            at: last.created_at.timestamp_micros(),
            id: last.id.to_string(),
            oldest_first,
        }
    }

    pub fn encode(&self) -> String {
        vanphong_platform::paging::page_token(self)
    }

    /// The cursor of a page token issued for a list in the same order;
    /// `None` for anything else (another order's, or one this service did
    /// not issue: the id must be a UUID).
    pub fn decode(token: &str, oldest_first: bool) -> Option<Cursor> {
        let cursor: Cursor = vanphong_platform::paging::from_page_token(token)?;
        (cursor.oldest_first == oldest_first && Uuid::parse_str(&cursor.id).is_ok()).then_some(cursor)
    }
}

/// One page of an office's receptions in [from, to], newest first (oldest
/// first when asked), after `after`; up to `limit`, with one more read to
/// tell whether more follow.
pub async fn page(
    db: &Db,
    office: Uuid,
    (from, to): (NaiveDate, NaiveDate),
    oldest_first: bool,
    after: Option<&Cursor>,
    limit: u32,
) -> Result<Vec<Reception>, StoreError> {
    let (op, direction) = if oldest_first { (">", "ASC") } else { ("<", "DESC") };
    let mut b = Clauses::new(format!("SELECT {COLUMNS} FROM receptions WHERE 1 = 1"));
    b.compare("office_id", "=", Some(office));
    b.compare("received_on", ">=", Some(from));
    b.compare("received_on", "<=", Some(to));
    if let Some(c) = after {
        let (on, at, id) = (b.arg(c.on), b.arg(c.at), b.arg(c.id.as_str()));
        b.and(&format!(
            "(received_on {op} {on} OR (received_on = {on} AND (created_at {op} {at} OR (created_at = {at} AND id {op} {id}))))"
        ));
    }
    let fetch = b.arg(i64::from(limit) + 1);
    b.push(&format!(
        " ORDER BY received_on {direction}, created_at {direction}, id {direction} LIMIT {fetch}"
    ));
    let rows: Vec<Row> = db.fetch_all(b.into_query()).await?;
    Ok(rows.into_iter().map(Row::into_reception).collect::<Result<_, _>>()?)
}

/// What the figures need of the receptions of an office in [from, to].
pub async fn facts(
    tx: &mut Tx,
    office: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ReceptionFact>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct F {
        received_on: String,
        by_leader: bool,
        visitor_count: i64,
    }
    let rows: Vec<F> = tx
        .fetch_all(
            query(
                "SELECT received_on, by_leader, visitor_count FROM receptions WHERE office_id = $1 \
                 AND received_on >= $2 AND received_on <= $3",
            )
            .bind(office)
            .bind(from)
            .bind(to),
        )
        .await?;
    let key = office.to_string();
    let d = RowDecoder::new("receptions", &key);
    let mut facts = Vec::with_capacity(rows.len());
    for r in rows {
        facts.push(ReceptionFact {
            on: d.date("received_on", &r.received_on)?,
            by_leader: r.by_leader,
            visitors: r.visitor_count,
        });
    }
    Ok(facts)
}
