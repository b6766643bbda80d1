//! Applying due handovers in the background: at start, whenever the
//! directory changes, and every minute (so a handover dated in the future
//! is applied on its day, and a failed one is tried again).

use std::sync::Arc;
use std::time::Duration;

use super::{Handover, Job, TakesPart, store};
use crate::Error;
use crate::host::ServiceContext;

const RETRY_EVERY: Duration = Duration::from_secs(60);

/// Keeps applying `part` to every due handover until shutdown.
pub fn spawn<P: TakesPart>(context: ServiceContext, part: Arc<P>) {
    tokio::spawn(async move {
        let mut directory = context.directory.clone();
        loop {
            apply_due(&context, part.as_ref()).await;
            tokio::select! {
                _ = context.shutdown.cancelled() => return,
                changed = directory.changed() => if !changed { return },
                _ = tokio::time::sleep(RETRY_EVERY) => {}
            }
        }
    });
}

/// One pass: every handover due today and not yet applied here. Returns
/// how many were applied in this pass.
pub async fn apply_due<P: TakesPart>(context: &ServiceContext, part: &P) -> usize {
    let snapshot = context.snapshot();
    let mut applied = 0;
    for handover in Handover::due(&snapshot, context.today()) {
        match store::get(&context.db, handover.office_id).await {
            Ok(Some(row)) if row.state == store::State::Applied => continue,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "cannot read handovers");
                return applied;
            }
        }
        match apply_one(context, part, &handover).await {
            Ok(true) => {
                applied += 1;
                tracing::info!(office = %handover.office_id, successor = %handover.successor_id, "handover applied");
            }
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(office = %handover.office_id, error = %e, "handover failed; will retry");
                let reason = format!("Chưa chuyển giao được: {e}");
                if let Err(e) = store::record_failure(&context.db, &handover, &reason, context.now()).await {
                    tracing::warn!(error = %e, "cannot record a failed handover");
                }
            }
        }
    }
    applied
}

/// Hands over and marks it applied in one transaction; `false` when another
/// replica had already applied it.
async fn apply_one<P: TakesPart>(context: &ServiceContext, part: &P, handover: &Handover) -> Result<bool, Error> {
    let snapshot = context.snapshot();
    let at = context.now();
    let mut tx = context.db.begin_write().await?;
    let job = Job {
        handover,
        snapshot: &snapshot,
        at,
    };
    let counts = part.hand_over(&mut tx, job).await?;
    if !store::claim(&mut tx, handover, &counts, at).await? {
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}
