//! The documents service's part in a reorganisation: an ended office's open
//! documents pass to its successor as `domain::handover` says, each with a
//! line in its history and a record in the audit trail.

use std::collections::HashMap;

use uuid::Uuid;
use vanphong_platform::Error;
use vanphong_platform::audit;
use vanphong_platform::db::Tx;
use vanphong_platform::handover::{Count, Job, Receiver, TakesPart};

use super::flow::{change, event};
use crate::domain::handover::{Passed, Receiving, pass};
use crate::domain::kinds::Status;
use crate::store;

/// Every state in which a document is still open work.
const OPEN: &[Status] = &[
    Status::Arrived,
    Status::Registered,
    Status::Submitted,
    Status::Assigned,
    Status::InProgress,
    Status::Draft,
    Status::InReview,
    Status::Approved,
    Status::Signed,
    Status::Numbered,
];

/// Hands over documents.
pub struct Documents;

impl TakesPart for Documents {
    async fn hand_over(&self, tx: &mut Tx, job: Job<'_>) -> Result<Vec<Count>, Error> {
        let Job { handover, snapshot, at } = job;
        let actor = handover.actor();
        let office = |receiver: Receiver| {
            let id = match receiver {
                Receiver::Successor => handover.successor_id,
                Receiver::Part(id) => id,
            };
            Receiving {
                id,
                name: handover.receiver_name(receiver),
                issuer_code: snapshot.tree.get(id).map_or("", |o| o.issuer_code.as_str()),
            }
        };
        let receiver = |person| handover.receiver_of(snapshot, person);
        let (mut kept, mut to_reassign, mut redrafted) = (0, 0, 0);
        let mut to_parts: HashMap<Uuid, i64> = HashMap::new();
        let mut drafts_to_parts: HashMap<Uuid, i64> = HashMap::new();
        for before in store::documents::in_states(tx, handover.office_id, OPEN).await? {
            let mut after = before.clone();
            let Some(passed) = pass(&mut after, &office, &receiver) else {
                continue;
            };
            let note = match passed {
                Passed::Kept => {
                    kept += 1;
                    handover.note()
                }
                Passed::ToReassign => {
                    to_reassign += 1;
                    store::people::clear_handlers(tx, after.id).await?;
                    format!(
                        "{}; người xử lý không chuyển sang đơn vị mới, văn bản trở lại văn thư để trình và phân công lại",
                        handover.note()
                    )
                }
                Passed::ToPart(part) => {
                    *to_parts.entry(part).or_default() += 1;
                    format!(
                        "{}; theo người xử lý, giữ số đến và thời hạn",
                        handover.note_to(Receiver::Part(part))
                    )
                }
                Passed::Redrafted(receiver) => {
                    match receiver {
                        Receiver::Successor => redrafted += 1,
                        Receiver::Part(part) => *drafts_to_parts.entry(part).or_default() += 1,
                    }
                    format!(
                        "{}; trở thành dự thảo của {}, cần trình duyệt và ký lại",
                        handover.note_to(receiver),
                        handover.receiver_name(receiver)
                    )
                }
            };
            after.updated_at = at;
            store::documents::update(tx, &after).await?;
            store::people::add_event(tx, after.id, &event(&actor, at, "handover", &note)).await?;
            audit::record(tx, &actor, at, change(Some(&before), &after, "handover")).await?;
        }
        let mut counts = vec![
            Count::new("kept", "Văn bản đang xử lý chuyển nguyên trạng", kept),
            Count::new("to_reassign", "Văn bản trở lại văn thư để phân công lại", to_reassign),
            Count::new("redrafted", "Dự thảo chuyển thành dự thảo của đơn vị mới", redrafted),
        ];
        counts.extend(handover.part_counts("to_part", "Văn bản chuyển theo người xử lý", &to_parts));
        counts.extend(handover.part_counts(
            "drafts_to_part",
            "Dự thảo chuyển theo người soạn thảo",
            &drafts_to_parts,
        ));
        Ok(counts)
    }
}
