//! Committee terms and congresses.

use chrono::NaiveDate;
use uuid::Uuid;

use vanphong_platform::clock::format_date;
use vanphong_platform::db::{CorruptRow, RowDecoder, StoreError, Tx, query};

use crate::domain::term::Term;

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    office_id: String,
    name: String,
    starts_on: String,
    ends_on: Option<String>,
    congress: bool,
}

impl Row {
    /// The term, its ids and days checked.
    fn into_term(self) -> Result<Term, CorruptRow> {
        let d = RowDecoder::new("terms", &self.id);
        Ok(Term {
            id: d.id("id", &self.id)?,
            office_id: d.id("office_id", &self.office_id)?,
            starts_on: d.date("starts_on", &self.starts_on)?,
            ends_on: d.opt_date("ends_on", self.ends_on.as_deref())?,
            name: self.name,
            congress: self.congress,
        })
    }
}

pub async fn list(tx: &mut Tx, office: Uuid) -> Result<Vec<Term>, StoreError> {
    let rows: Vec<Row> = tx
        .fetch_all(
            query(
                "SELECT id, office_id, name, starts_on, ends_on, congress FROM terms WHERE office_id = $1 \
                 ORDER BY starts_on, congress",
            )
            .bind(office),
        )
        .await?;
    Ok(rows.into_iter().map(Row::into_term).collect::<Result<_, _>>()?)
}

/// The term (or congress) of the office in force on `day`.
pub async fn in_force(tx: &mut Tx, office: Uuid, day: NaiveDate, congress: bool) -> Result<Option<Term>, StoreError> {
    let day = format_date(day);
    let row: Option<Row> = tx
        .fetch_optional(
            query(
                "SELECT id, office_id, name, starts_on, ends_on, congress FROM terms \
                 WHERE office_id = $1 AND congress = $2 AND starts_on <= $3 AND (ends_on IS NULL OR ends_on >= $3) \
                 ORDER BY starts_on DESC LIMIT 1",
            )
            .bind(office)
            .bind(congress)
            .bind(day),
        )
        .await?;
    Ok(row.map(Row::into_term).transpose()?)
}

pub async fn insert(tx: &mut Tx, term: &Term, created_at: chrono::DateTime<chrono::Utc>) -> Result<(), StoreError> {
    tx.execute(vanphong_platform::binds!(query(
            "INSERT INTO terms (id, office_id, name, starts_on, ends_on, congress, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        => term.id, term.office_id, &term.name, term.starts_on, term.ends_on, term.congress, created_at))
        .await?;
    Ok(())
}
