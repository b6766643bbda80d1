//! The README's curl walk-throughs, run as a reader would: against
//! `vanphong serve --demo`, twice on the same demo. Every REST answer is
//! counted by route and status in the gateway's metrics; the second run
//! must get the same answers as the first (a fixed request id that replays,
//! or a record the first run left behind, changes them), and the first run
//! gets no server error and no client error the README does not announce.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::test_options;

/// The moment the README's walk-throughs are told at (their dates and
/// figures assume a demo loaded then).
const README_TIME: &str = "2026-11-29T09:00:00+07:00";

/// Calls the README makes on purpose to show a refusal: (method, route
/// template, status).
const ANNOUNCED_REFUSALS: &[(&str, &str, &str)] = &[
    // Allocating more than the province holds; a voucher over the line;
    // remitting more dues than owed.
    ("POST", "/api/v1/finance/allocations", "400"),
    ("POST", "/api/v1/finance/vouchers", "400"),
    ("POST", "/api/v1/finance/dues/remittances", "400"),
    // A sibling district's accountant asks for Việt Yên's execution report.
    ("GET", "/api/v1/finance/exports/budget-execution", "403"),
    // A clerk of a merged commune signs in and is told where it went.
    ("POST", "/api/v1/auth/sign-in", "400"),
];

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// The shell of every README block that calls the REST API with curl, in
/// order, pointed at `base`.
fn walkthroughs(readme: &str, base: &str) -> String {
    let mut script = String::from("set -euo pipefail\n");
    let mut block: Option<String> = None;
    for line in readme.lines() {
        match (&mut block, line.trim_end()) {
            (None, "```sh") => block = Some(String::new()),
            (Some(text), "```") => {
                if text.contains("curl ") && text.contains("/api/v1/") && !text.contains("grpcurl") {
                    script.push_str(text);
                }
                block = None;
            }
            (Some(text), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    script.replace("http://127.0.0.1:8080", base)
}

/// The gateway's REST answers so far: (method, route, status) → count.
fn answers(base: &str) -> BTreeMap<(String, String, String), u64> {
    let text = http_get(&format!("{base}/metrics")).1;
    let mut counts = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("http_server_requests_total{")) {
        let Some((labels, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let label = |name: &str| {
            labels
                .split(&format!("{name}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .to_string()
        };
        let key = (
            label("http_request_method"),
            label("http_route"),
            label("http_response_status_code"),
        );
        *counts.entry(key).or_default() += value.parse::<f64>().unwrap_or(0.0) as u64;
    }
    counts
}

fn delta(
    after: &BTreeMap<(String, String, String), u64>,
    before: &BTreeMap<(String, String, String), u64>,
) -> BTreeMap<(String, String, String), u64> {
    after
        .iter()
        .filter(|(key, _)| !matches!(key.1.as_str(), "/metrics" | "/readyz"))
        .map(|(key, n)| (key.clone(), n - before.get(key).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// A plain HTTP GET with curl (the walk-throughs need it anyway): status
/// and body.
fn http_get(url: &str) -> (u16, String) {
    let output = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}", url])
        .output()
        .expect("curl runs (the README's walk-throughs need curl)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

fn run_script(script: &str, dir: &Path) {
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let tail = stdout
        .char_indices()
        .nth_back(2000)
        .map_or(&stdout[..], |(i, _)| &stdout[i..]);
    assert!(
        output.status.success(),
        "a walk-through failed:\n…{tail}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn the_readme_walkthroughs_run_twice_on_one_demo() {
    let data = tempfile::tempdir().expect("tempdir");
    let options = test_options(&data);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut command = Command::new(env!("CARGO_BIN_EXE_vanphong"));
    command
        .args(["serve", "--demo", "--clock-start", README_TIME])
        .arg("--data-dir")
        .arg(data.path())
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--password-hash-memory-kib",
            "64",
            // Both runs sign in from one address within a minute or two,
            // far more often than a person would.
            "--sign-in-attempts-per-minute",
            "1000",
        ])
        .args(["--log", "error"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let (Some(url), Some(prefix)) = (&options.database_url, &options.database_schema_prefix) {
        command.args(["--database-url", url, "--database-schema-prefix", prefix]);
    }
    let _server = Server(command.spawn().expect("vanphong serve --demo starts"));
    let started = Instant::now();
    while http_get(&format!("{base}/readyz")).0 != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "the demo did not get ready"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let script = walkthroughs(&readme, &base);
    assert!(script.matches("curl ").count() > 50, "the walk-throughs were not found");
    let work = tempfile::tempdir().expect("tempdir");

    let at_start = answers(&base);
    run_script(&script, work.path());
    let after_first = answers(&base);
    run_script(&script, work.path());
    let after_second = answers(&base);

    let first = delta(&after_first, &at_start);
    let second = delta(&after_second, &after_first);
    let unexpected: Vec<_> = first
        .keys()
        .filter(|(method, route, status)| {
            !status.starts_with('2')
                && !ANNOUNCED_REFUSALS
                    .iter()
                    .any(|(m, r, s)| m == method && r == route && s == status)
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "answers the README does not announce: {unexpected:?}"
    );
    let differences: Vec<_> = first
        .keys()
        .chain(second.keys())
        .filter(|key| first.get(*key) != second.get(*key))
        .map(|key| format!("{key:?}: first {:?}, second {:?}", first.get(key), second.get(key)))
        .collect();
    assert!(
        differences.is_empty(),
        "the second run got other answers:\n{}",
        differences.join("\n")
    );
}
