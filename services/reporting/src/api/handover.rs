//! The reporting service's part in a reorganisation (docs/domain.md §1): an
//! ended office's reports not yet sent stay its reports for its periods,
//! held by the successor, which finishes and sends them; each gets a line
//! in its history. Periods after the ending expect the successor only
//! (completeness follows the tree of each period).

use std::sync::Arc;

use vanphong_platform::Error;
use vanphong_platform::db::Tx;
use vanphong_platform::handover::{Count, Job, TakesPart};

use super::Shared;
use crate::domain::report::Status;
use crate::store;

/// Reports not yet sent to the parent.
const UNSENT: &[Status] = &[Status::Draft, Status::Submitted, Status::Approved, Status::Returned];

/// Hands over reports.
pub struct Reports(pub Arc<Shared>);

impl TakesPart for Reports {
    async fn hand_over(&self, tx: &mut Tx, job: Job<'_>) -> Result<Vec<Count>, Error> {
        let Job { handover, at, .. } = job;
        let actor = handover.actor();
        let mut unsent = 0;
        for before in store::reports::of_office_in(tx, handover.office_id, UNSENT).await? {
            let mut after = before.clone();
            after.updated_at = at;
            let note = format!(
                "{}; {} hoàn thiện và gửi báo cáo",
                handover.note(),
                handover.successor_name
            );
            self.0
                .save(tx, &actor, Some(&before), &after, "handover", &note)
                .await?;
            unsent += 1;
        }
        Ok(vec![Count::new("unsent", "Báo cáo chưa gửi cấp trên", unsent)])
    }
}
