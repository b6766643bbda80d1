//! Petitioners of a petition (protected identity), and finding earlier
//! petitions from the same people.

use uuid::Uuid;

use vanphong_platform::db::{RowDecoder, StoreError, Tx, query, query_built};

use crate::domain::duplicates::PersonKey;
use crate::domain::petition::Petitioner;

/// Stores the petitioners of a new petition, in order.
pub async fn insert(tx: &mut Tx, petition: Uuid, people: &[Petitioner]) -> Result<(), StoreError> {
    for (i, p) in people.iter().enumerate() {
        let key = PersonKey::new(&p.full_name, &p.id_number);
        tx.execute(vanphong_platform::binds!(query(
                "INSERT INTO petitioners (petition_id, position, full_name, id_number, address, phone, folded_name, \
                 folded_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            => petition, i as i64, &p.full_name, &p.id_number, &p.address, &p.phone, key.folded_name(),
               key.id_number.unwrap_or_default()))
            .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    petition_id: String,
    full_name: String,
    id_number: String,
    address: String,
    phone: String,
}

impl Row {
    fn into_petitioner(self) -> Petitioner {
        Petitioner {
            full_name: self.full_name,
            id_number: self.id_number,
            address: self.address,
            phone: self.phone,
        }
    }
}

/// The petitioners of a petition, in order.
pub async fn of(tx: &mut Tx, petition: Uuid) -> Result<Vec<Petitioner>, StoreError> {
    let rows: Vec<Row> = tx
        .fetch_all(
            query(
                "SELECT petition_id, full_name, id_number, address, phone FROM petitioners WHERE petition_id = $1 \
                 ORDER BY position",
            )
            .bind(petition),
        )
        .await?;
    Ok(rows.into_iter().map(Row::into_petitioner).collect())
}

/// The petitioners of several petitions, by petition.
pub async fn of_many(tx: &mut Tx, petitions: &[Uuid]) -> Result<Vec<(Uuid, Petitioner)>, StoreError> {
    let mut out = Vec::new();
    for chunk in petitions.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT petition_id, full_name, id_number, address, phone FROM petitioners \
             WHERE petition_id IN ({}) ORDER BY petition_id, position",
            placeholders.join(", ")
        );
        let q = chunk.iter().fold(query_built(sql), |q, id| q.bind(*id));
        let rows: Vec<Row> = tx.fetch_all(q).await?;
        for r in rows {
            let petition = RowDecoder::new("petitioners", &r.petition_id).id("petition_id", &r.petition_id)?;
            out.push((petition, r.into_petitioner()));
        }
    }
    Ok(out)
}

/// Petitions of `office` (other than `except`, and not themselves linked as
/// repeats) signed by someone with one of these folded names or ID numbers.
pub async fn petitions_of_people(
    tx: &mut Tx,
    office: Uuid,
    except: Uuid,
    people: &[PersonKey],
) -> Result<Vec<Uuid>, StoreError> {
    let names: Vec<String> = people
        .iter()
        .map(PersonKey::folded_name)
        .filter(|n| !n.is_empty())
        .collect();
    let ids: Vec<String> = people.iter().filter_map(|p| p.id_number.clone()).collect();
    if names.is_empty() && ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<String> = vec![office.to_string(), except.to_string()];
    let mut alternatives = Vec::new();
    for (column, values) in [("pp.folded_name", &names), ("pp.folded_id", &ids)] {
        if !values.is_empty() {
            let ps: Vec<String> = values
                .iter()
                .map(|n| {
                    args.push(n.clone());
                    format!("${}", args.len())
                })
                .collect();
            alternatives.push(format!("{column} IN ({})", ps.join(", ")));
        }
    }
    let sql = format!(
        "SELECT DISTINCT p.id FROM petitions p JOIN petitioners pp ON pp.petition_id = p.id \
         WHERE p.office_id = $1 AND p.id <> $2 AND p.repeat_of IS NULL AND ({}) ORDER BY p.id LIMIT 500",
        alternatives.join(" OR ")
    );
    let q = args.into_iter().fold(query_built(sql), |q, a| q.bind(a));
    let rows: Vec<(String,)> = tx.fetch_all(q).await?;
    Ok(rows
        .into_iter()
        .map(|(id,)| RowDecoder::new("petitions", &id).id("id", &id))
        .collect::<Result<_, _>>()?)
}
