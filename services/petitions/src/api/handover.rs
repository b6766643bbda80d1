//! The petitions service's part in a reorganisation: an ended office's open
//! petitions pass to its successor as `domain::handover` says, each with a
//! line in its history and a record in the audit trail.

use std::collections::HashMap;

use vanphong_platform::Error;
use vanphong_platform::audit::{self, Change};
use vanphong_platform::db::Tx;
use vanphong_platform::handover::{Count, Job, Receiver, TakesPart};
use vanphong_platform::history::Event;

use crate::domain::handover::{Passed, pass};
use crate::store;

/// Hands over petitions.
pub struct Petitions;

impl TakesPart for Petitions {
    async fn hand_over(&self, tx: &mut Tx, job: Job<'_>) -> Result<Vec<Count>, Error> {
        let Job { handover, snapshot, at } = job;
        let actor = handover.actor();
        let receiver = |person| handover.receiver_of(snapshot, person);
        let (mut kept, mut to_reassign) = (0, 0);
        let mut to_parts: HashMap<_, i64> = HashMap::new();
        for before in store::petitions::open_of(tx, handover.office_id).await? {
            let mut after = before.clone();
            let Some(passed) = pass(&mut after, &receiver) else {
                continue;
            };
            let note = match passed {
                Passed::Kept => {
                    kept += 1;
                    handover.note()
                }
                Passed::ToPart(office) => {
                    *to_parts.entry(office).or_default() += 1;
                    format!(
                        "{}; theo người giải quyết; thời hạn giữ nguyên",
                        handover.note_to(Receiver::Part(office))
                    )
                }
                Passed::ToReassign => {
                    to_reassign += 1;
                    format!(
                        "{}; người giải quyết không chuyển sang đơn vị mới, chờ lãnh đạo giao người giải quyết; thời hạn giữ nguyên",
                        handover.note()
                    )
                }
            };
            after.updated_at = at;
            store::petitions::update(tx, &after).await?;
            store::history::add(tx, after.id, &Event::by(&actor, at, "handover", &note)).await?;
            audit::record(
                tx,
                &actor,
                at,
                Change::new(after.office_id, "petition", after.id, "handover")
                    .before(before.audit_json())
                    .after(after.audit_json()),
            )
            .await?;
        }
        let mut counts = vec![
            Count::new("kept", "Đơn đang giải quyết chuyển nguyên trạng", kept),
            Count::new("to_reassign", "Đơn chờ giao lại người giải quyết", to_reassign),
        ];
        counts.extend(handover.part_counts("to_part", "Đơn chuyển theo người giải quyết", &to_parts));
        Ok(counts)
    }
}
