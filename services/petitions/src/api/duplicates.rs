//! Proposing earlier petitions that a petition may repeat (đơn trùng), and
//! `ListDuplicateCandidates`.

use std::collections::HashMap;

use tonic::Request;
use uuid::Uuid;

use vanphong_platform::Error;
use vanphong_platform::clock::format_date;
use vanphong_platform::db::Tx;
use vanphong_platform::identity::Caller;
use vanphong_platform::validate::Checker;
use vanphong_proto::petitions::v1 as wire;

use super::Shared;
use crate::domain::duplicates::{MAX_CANDIDATES, PersonKey, content_words, rounded, score};
use crate::domain::petition::Petition;
use crate::store;

/// The start of a text, for a glance.
fn excerpt(text: &str) -> String {
    const LENGTH: usize = 160;
    if text.chars().count() <= LENGTH {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(LENGTH).collect();
        out.push('…');
        out
    }
}

/// Earlier petitions of the same office from the same petitioner(s) with
/// similar content, best first. "Earlier" is by number: numbers follow the
/// order of intake.
pub(crate) async fn candidates(
    tx: &mut Tx,
    petition: &Petition,
    people: &[PersonKey],
) -> Result<Vec<wire::DuplicateCandidate>, Error> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let ids = store::petitioners::petitions_of_people(tx, petition.office_id, petition.id, people).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let earlier: Vec<Petition> = store::listing::by_ids(tx, &ids)
        .await?
        .into_iter()
        .filter(|p| (p.year, p.number) < (petition.year, petition.number))
        .collect();
    let earlier_ids: Vec<Uuid> = earlier.iter().map(|p| p.id).collect();
    let mut signers: HashMap<Uuid, Vec<PersonKey>> = HashMap::new();
    for (id, person) in store::petitioners::of_many(tx, &earlier_ids).await? {
        signers
            .entry(id)
            .or_default()
            .push(PersonKey::new(&person.full_name, &person.id_number));
    }
    let words = content_words(&petition.content);
    let mut found: Vec<(f64, wire::DuplicateCandidate)> = earlier
        .iter()
        .filter_map(|old| {
            let old_people = signers.get(&old.id).map(Vec::as_slice).unwrap_or_default();
            let s = score(people, &words, old_people, &content_words(&old.content))?;
            Some((
                s.overall,
                wire::DuplicateCandidate {
                    petition_id: old.id.to_string(),
                    number_label: old.number_label(),
                    received_on: format_date(old.received_on),
                    state: old.state.to_wire(),
                    content_excerpt: excerpt(&old.content),
                    petitioner_score: rounded(s.petitioners),
                    content_score: rounded(s.content),
                    score: rounded(s.overall),
                },
            ))
        })
        .collect();
    found.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.number_label.cmp(&b.1.number_label))
    });
    Ok(found.into_iter().take(MAX_CANDIDATES).map(|(_, c)| c).collect())
}

/// `ListDuplicateCandidates`: for the people of the office who handle
/// intake and classification.
pub(crate) async fn list(
    s: &Shared,
    request: Request<wire::ListDuplicateCandidatesRequest>,
) -> Result<wire::ListDuplicateCandidatesResponse, Error> {
    let caller = Caller::of(&request)?;
    let id = Checker::only_id("petition_id", &request.get_ref().petition_id)?;
    let mut tx = s.ctx.db.begin_read().await?;
    let petition = s.visible(&mut tx, &caller, id, false).await?;
    caller.ensure_act(&s.snapshot().tree, petition.office_id, s.today())?;
    let people: Vec<PersonKey> = store::petitioners::of(&mut tx, id)
        .await?
        .iter()
        .map(|p| PersonKey::new(&p.full_name, &p.id_number))
        .collect();
    let candidates = candidates(&mut tx, &petition, &people).await?;
    tx.commit().await?;
    Ok(wire::ListDuplicateCandidatesResponse { candidates })
}
