//! Render and sign time per document: `cargo bench -p vanphong-pdf`.
//! Renders a two-page Party resolution, signs it as the signer and as the
//! issuing body (demo CA keys), and verifies it; reports the median and
//! 95th percentile of each step over the runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant, SystemTime};

use vanphong_pdf::sign::ca::{DemoCa, Holder};
use vanphong_pdf::sign::pades::{self, Issuers};
use vanphong_pdf::{Block, Convention, OfficialDocument, render, verify};

fn document() -> OfficialDocument {
    let mut doc = OfficialDocument::example(Convention::Party);
    doc.body = (1..=30)
        .map(|i| Block::Paragraph(format!("{i}. Các cấp ủy, tổ chức đảng quán triệt và tổ chức thực hiện nghiêm túc, hiệu quả nội dung nghị quyết này trong phạm vi được giao.")))
        .collect();
    doc
}

fn report(step: &str, mut times: Vec<Duration>) {
    times.sort();
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize].as_secs_f64() * 1000.0;
    println!("{step:<24} median {:>7.2} ms   p95 {:>7.2} ms", p(0.5), p(0.95));
}

fn main() {
    let runs: usize = std::env::var("RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(50);
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let now = SystemTime::now() - Duration::from_secs(3600);
    let ca = DemoCa::new("Vanphong Demo Root CA", now, 10).unwrap();
    let person = ca
        .signer("Nguyễn Văn An", "Tỉnh ủy Bắc Giang", Holder::Person, now)
        .unwrap();
    let office = ca
        .signer("Tỉnh ủy Bắc Giang", "Tỉnh ủy Bắc Giang", Holder::Office, now)
        .unwrap();
    let doc = document();
    let issuers = Issuers {
        person: &person,
        person_name: "Nguyễn Văn An",
        body: &office,
        body_name: "Tỉnh ủy Bắc Giang",
        location: "Bắc Giang",
        person_image: None,
        body_image: None,
    };
    let (mut render_t, mut sign_t, mut verify_t, mut total_t) = (vec![], vec![], vec![], vec![]);
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let rendered = render(&doc).unwrap();
        let rendered_at = Instant::now();
        let time = chrono::Utc::now().fixed_offset();
        let signed = runtime.block_on(pades::issue(&rendered.bytes, &issuers, time)).unwrap();
        let signed_at = Instant::now();
        let result = verify::verify(&signed, std::slice::from_ref(&ca.root));
        assert_eq!(result.verdict, verify::Verdict::Valid);
        let verified_at = Instant::now();
        size = signed.len();
        render_t.push(rendered_at - start);
        sign_t.push(signed_at - rendered_at);
        verify_t.push(verified_at - signed_at);
        total_t.push(signed_at - start);
    }
    println!(
        "{runs} documents of {} pages, {} KiB signed",
        render(&doc).unwrap().pages,
        size / 1024
    );
    report("render", render_t);
    report("sign (signer + seal)", sign_t);
    report("render + sign", total_t);
    report("verify", verify_t);
}
