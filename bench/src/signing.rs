//! Issuing a signed document, without the suite around it: the document
//! rendered in its legal format and signed twice (the signer's signature
//! with its picture, then the body's seal), as numbering does
//! (docs/domain.md §2.7), with the demo CA's keys.

use std::time::{Duration, Instant, SystemTime};

use vanphong_pdf::sign::ca::{DemoCa, Holder};
use vanphong_pdf::sign::pades::{self, Issuers};
use vanphong_pdf::{Block, Convention, OfficialDocument, render};

use crate::error::BenchError;

fn failed(e: impl std::fmt::Display) -> BenchError {
    BenchError::Setup {
        what: "render and sign",
        message: e.to_string(),
    }
}

/// A two-page Party resolution.
fn document() -> OfficialDocument {
    let mut doc = OfficialDocument::example(Convention::Party);
    doc.body = (1..=30)
        .map(|i| {
            Block::Paragraph(format!(
                "{i}. Các cấp ủy, tổ chức đảng quán triệt và tổ chức thực hiện nghiêm túc nội dung nghị quyết này."
            ))
        })
        .collect();
    doc
}

/// The median and 95th percentile of rendering and signing one document
/// (both signatures), over `runs` documents one after another.
pub async fn render_and_sign(runs: usize) -> Result<(Duration, Duration), BenchError> {
    let now = SystemTime::now() - Duration::from_secs(3600);
    let ca = DemoCa::new("Vanphong Bench Root CA", now, 10).map_err(failed)?;
    let person = ca
        .signer("Nguyễn Văn An", "Tỉnh ủy Bắc Giang", Holder::Person, now)
        .map_err(failed)?;
    let office = ca
        .signer("Tỉnh ủy Bắc Giang", "Tỉnh ủy Bắc Giang", Holder::Office, now)
        .map_err(failed)?;
    let issuers = Issuers {
        person: &person,
        person_name: "Nguyễn Văn An",
        body: &office,
        body_name: "Tỉnh ủy Bắc Giang",
        location: "Bắc Giang",
        person_image: None,
        body_image: None,
    };
    let doc = document();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let began = Instant::now();
        let rendered = render(&doc).map_err(failed)?;
        pades::issue(&rendered.bytes, &issuers, chrono::Utc::now().fixed_offset())
            .await
            .map_err(failed)?;
        times.push(began.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    Ok((at(0.5), at(0.95)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn times_a_document_rendered_and_signed_twice() {
        let (median, p95) = render_and_sign(3).await.expect("measured");
        assert!(median > Duration::ZERO && median <= p95);
    }
}
