//! `vanphong-bench`: this machine's floors and the suite, measured side by
//! side in one run, printed as a table of figure, floor, ratio and goal
//! (issue #16). Run it against a release build (see the README):
//!
//! - floors ([`floors`]): a bare tonic server, one-row SQLite commits with
//!   `synchronous=FULL`, PostgreSQL's counter pattern;
//! - the suite ([`suite`]), started in this process as `vanphong serve`
//!   starts it: incoming documents registered at 1 and 6 offices by 8
//!   clients per backend, GetDocument through the gateway, directly and
//!   over REST at 64 in flight, the register book's export against the same
//!   rows by hand-written SQL, and the process's memory;
//! - issuing ([`signing`]): rendering a document in its legal format and
//!   signing it twice (signer and seal), per document;
//! - history ([`history`]): registration in an office holding 100, 100,000
//!   and 1,000,000 documents, each in rounds alternated with an office that
//!   stays small, with the year's figures and a filtered list's first page
//!   against hand-written SQL at each size.
//!
//! Figures are ratios to floors of the same run because the machine is
//! shared and noisy.

mod error;
mod floors;
mod history;
mod load;
mod signing;
mod suite;
mod table;

use std::time::Duration;

use clap::Parser;

use error::BenchError;
use suite::{OFFICES, Suite};
use table::{Goal, Line, rate};

/// Clients registering documents at once, as in the measurements.
const WRITERS: usize = 8;
/// Reads in flight at once.
const IN_FLIGHT: usize = 64;

/// Measures this machine's floors and the suite in one run and prints the table.
#[derive(Debug, Parser)]
#[command(name = "vanphong-bench")]
struct Args {
    /// Seconds each load figure runs.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// A PostgreSQL database to measure too (schemas are made and dropped).
    #[arg(long, env = "VANPHONG_BENCH_DATABASE_URL")]
    postgres: Option<String>,
    /// History sizes (documents of one office) registration is measured at
    /// on SQLite, smallest first; figures and lists at all but the first.
    #[arg(long, value_delimiter = ',', default_value = "100,100000,1000000")]
    history: Vec<u64>,
    /// The same on PostgreSQL.
    #[arg(long, value_delimiter = ',', default_value = "100,100000")]
    postgres_history: Vec<u64>,
    /// The suite's log filter (its logs go to standard error).
    #[arg(long, default_value = "info")]
    log: String,
    /// Only these parts (all when not given), to look at one figure or
    /// profile it; floors are measured with the parts that need them.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Part>,
}

/// The parts of a run, which `--only` chooses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Part {
    /// Rendering and signing a document.
    Signing,
    /// Registration at 1 and 6 offices on SQLite, with the start and memory.
    SqliteWrites,
    /// GetDocument through the gateway, directly and over REST, and the echo floor.
    Reads,
    /// The register book's export against hand-written SQL (of the rows
    /// the SQLite writes made, when they run too).
    Export,
    /// Registration, figures and lists as an office's history grows, SQLite.
    SqliteHistory,
    /// Registration at 1 and 6 offices on PostgreSQL.
    PostgresWrites,
    /// The history runs on PostgreSQL.
    PostgresHistory,
}

impl Args {
    fn runs(&self, part: Part) -> bool {
        self.only.is_empty() || self.only.contains(&part)
    }
}

fn main() -> std::process::ExitCode {
    // As `vanphong` does, before any thread starts: the memory figures are
    // the all-in-one process's.
    vanphong::memory::bound_allocator();
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("vanphong-bench: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&args)) {
        Ok(lines) => {
            print!("{}", table::render(&lines));
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("vanphong-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

pub(crate) fn note(what: &str) {
    eprintln!("vanphong-bench: {what}");
}

async fn run(args: &Args) -> Result<Vec<Line>, BenchError> {
    let length = Duration::from_secs_f64(args.seconds.max(0.1));
    let mut lines = Vec::new();

    if args.runs(Part::Signing) {
        note("render and sign");
        let (median, p95) = signing::render_and_sign(20).await?;
        lines.push(Line {
            figure: "render + sign one document (signer and seal)".into(),
            value: format!(
                "{:.1} ms (p95 {:.1} ms)",
                median.as_secs_f64() * 1000.0,
                p95.as_secs_f64() * 1000.0
            ),
            floor: "—".into(),
            ratio: None,
            goal: Goal::None,
            also: None,
        });
    }
    if [Part::SqliteWrites, Part::Reads, Part::Export]
        .iter()
        .any(|p| args.runs(*p))
    {
        sqlite_suite_lines(args, length, &mut lines).await?;
    }
    if args.runs(Part::SqliteHistory) {
        history_lines(None, "SQLite", &args.history, &args.log, length, &mut lines).await?;
    }
    let postgres_parts = args.runs(Part::PostgresWrites) || args.runs(Part::PostgresHistory);
    match &args.postgres {
        Some(url) if postgres_parts => {
            if args.runs(Part::PostgresWrites) {
                note("floor: PostgreSQL counter, one hot row");
                let hot = floors::postgres_counter(url, WRITERS, 1, length).await?;
                note("floor: PostgreSQL counter over 10 rows");
                let spread = floors::postgres_counter(url, WRITERS, 10, length).await?;
                note("suite on PostgreSQL");
                let suite = Suite::start(Some(url), &args.log).await?;
                write_lines(&suite, "PostgreSQL", length, &hot, &spread, 0.5, &mut lines).await?;
                let checked = suite.check_numbering().await?;
                note(&format!(
                    "PostgreSQL: {checked} acknowledged registrations stored, numbered without gaps"
                ));
                suite.stop().await?;
            }
            if args.runs(Part::PostgresHistory) {
                history_lines(
                    Some(url),
                    "PostgreSQL",
                    &args.postgres_history,
                    &args.log,
                    length,
                    &mut lines,
                )
                .await?;
            }
        }
        None if postgres_parts => note("no --postgres URL: PostgreSQL not measured"),
        _ => {}
    }
    Ok(lines)
}

/// The figures of one suite on SQLite: its start, registration, memory,
/// reads and the register book's export, as `args` chooses.
async fn sqlite_suite_lines(args: &Args, length: Duration, lines: &mut Vec<Line>) -> Result<(), BenchError> {
    let writes = args.runs(Part::SqliteWrites);
    let sqlite_floor = if writes {
        note("floor: SQLite one-row commits");
        Some(floors::sqlite_commits(WRITERS, length).await?)
    } else {
        None
    };
    note("suite on SQLite");
    let began = std::time::Instant::now();
    let suite = Suite::start(None, &args.log).await?;
    let started = began.elapsed();
    let rss_demo = rss_mib();
    if let Some(floor) = &sqlite_floor {
        lines.push(Line {
            figure: "start with the demo's offices and people, SQLite".into(),
            value: table::millis(started),
            floor: "goal 2 s".into(),
            ratio: Some(started.as_secs_f64() / 2.0),
            goal: Goal::AtMost(1.0),
            also: None,
        });
        write_lines(&suite, "SQLite", length, floor, floor, 0.25, lines).await?;
    }
    let rss_written = rss_mib();
    if args.runs(Part::Reads) {
        read_lines(&suite, length, lines).await?;
    }
    if args.runs(Part::Export) {
        note("register book");
        let times = suite.export_register(OFFICES[0], EXPORT_ROUNDS).await?;
        lines.push(Line {
            figure: format!("register book XLSX, this month ({} rows)", times.base_result),
            value: table::millis(times.measured),
            floor: format!("hand-written SQL {}", table::millis(times.base)),
            ratio: Some(times.ratio),
            goal: Goal::AtMost(3.0),
            also: None,
        });
    }
    if writes {
        for (figure, rss) in [
            ("RSS after the demo's people", rss_demo),
            ("RSS after the write runs", rss_written),
        ] {
            lines.push(Line {
                figure: format!("{figure}, all-in-one on SQLite (with the bench's clients)"),
                value: rss.map_or("?".into(), |m| format!("{m:.0} MiB")),
                floor: "goal 150 MiB".into(),
                ratio: rss.map(|m| m / 150.0),
                goal: Goal::AtMost(1.0),
                also: None,
            });
        }
        let checked = suite.check_numbering().await?;
        note(&format!(
            "SQLite: {checked} acknowledged registrations stored, numbered without gaps"
        ));
    }
    suite.stop().await
}

/// Rounds of GetDocument through the gateway and directly.
const READ_ROUNDS: usize = 3;

/// Rounds of the register book's export, alternated with its floor: one
/// timing of each read 1.9× in one run and 2.9× in the next.
const EXPORT_ROUNDS: usize = 5;

/// GetDocument through the gateway, directly and over REST, against the
/// bare echo floor.
async fn read_lines(suite: &Suite, length: Duration, lines: &mut Vec<Line>) -> Result<(), BenchError> {
    note("reads");
    let (document, token) = suite.some_document(OFFICES[0]).await?;
    // The gateway and the service directly, in alternate rounds: each is
    // shown by its median round, and the gateway's cost is the median of
    // the rounds' ratios.
    let (service, gateway) = (suite.documents_service()?, suite.gateway()?);
    let rounds = load::alternated(
        READ_ROUNDS,
        || suite.get_document_grpc(service, &document.id, &token, IN_FLIGHT, length),
        || suite.get_document_grpc(gateway, &document.id, &token, IN_FLIGHT, length),
    )
    .await?;
    let (direct, through_gateway, gateway_cost) = (rounds.base, rounds.measured, rounds.ratio);
    let rest = suite.get_document_rest(&document.id, &token, IN_FLIGHT, length).await?;
    note("floor: bare tonic echo");
    let echo = floors::echo(document, IN_FLIGHT, length).await?;
    let echo_text = format!("bare tonic echo {}", rate(&echo));
    lines.push(Line {
        figure: format!("GetDocument, gateway gRPC, {IN_FLIGHT} in flight"),
        value: rate(&through_gateway),
        floor: echo_text.clone(),
        ratio: ratio(through_gateway.rate(), echo.rate()),
        goal: Goal::AtLeast(0.40),
        also: None,
    });
    lines.push(Line {
        figure: format!("GetDocument, documents service directly, {IN_FLIGHT} in flight"),
        value: rate(&direct),
        floor: echo_text.clone(),
        ratio: ratio(direct.rate(), echo.rate()),
        goal: Goal::None,
        also: None,
    });
    lines.push(Line {
        figure: "GetDocument, the gateway's cost over direct".into(),
        value: format!("{:.0}/s", through_gateway.rate()),
        floor: format!("direct {:.0}/s", direct.rate()),
        // Adding at most 30 % per call: gateway ≥ direct / 1.3.
        ratio: gateway_cost,
        goal: Goal::AtLeast(1.0 / 1.3),
        also: None,
    });
    lines.push(Line {
        figure: format!("GetDocument, REST, {IN_FLIGHT} in flight"),
        value: rate(&rest),
        floor: echo_text,
        ratio: ratio(rest.rate(), echo.rate()),
        goal: Goal::None,
        also: None,
    });
    Ok(())
}

/// Registration, figures and lists as an office's history grows, in a
/// suite of their own (the write runs' suite has documents everywhere).
async fn history_lines(
    postgres: Option<&str>,
    backend: &str,
    sizes: &[u64],
    log: &str,
    length: Duration,
    lines: &mut Vec<Line>,
) -> Result<(), BenchError> {
    let mut sizes = sizes.to_vec();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.len() < 2 {
        note(&format!(
            "{backend}: fewer than two history sizes, history not measured"
        ));
        return Ok(());
    }
    note(&format!("{backend}: a suite for the history runs"));
    let suite = Suite::start(postgres, log).await?;
    history::lines(&suite, backend, OFFICES[0], OFFICES[1], &sizes, WRITERS, length, lines).await?;
    let checked = suite.check_numbering().await?;
    note(&format!(
        "{backend} (history): {checked} acknowledged registrations stored, numbered without gaps"
    ));
    suite.stop().await
}

/// Registration at 1 and 6 offices against the backend's floors.
async fn write_lines(
    suite: &Suite,
    backend: &str,
    length: Duration,
    one_floor: &load::Stats,
    six_floor: &load::Stats,
    goal: f64,
    lines: &mut Vec<Line>,
) -> Result<(), BenchError> {
    for (offices, floor) in [(&OFFICES[..1], one_floor), (&OFFICES[..], six_floor)] {
        note(&format!("{backend}: register incoming at {} office(s)", offices.len()));
        let stats = suite.register_incoming(offices, WRITERS, length).await?;
        let floor_name = match (backend, offices.len()) {
            ("SQLite", _) => "SQLite FULL commits",
            (_, 1) => "counter+insert, 1 hot row",
            _ => "counter+insert over 10 rows",
        };
        lines.push(Line {
            figure: format!(
                "register incoming, {backend}, {} office{}, {WRITERS} clients",
                offices.len(),
                if offices.len() == 1 { "" } else { "s" }
            ),
            value: rate(&stats),
            floor: format!("{floor_name} {:.0}/s", floor.rate()),
            ratio: ratio(stats.rate(), floor.rate()),
            goal: Goal::AtLeast(goal),
            also: Some(table::tail_within(&stats, 10)),
        });
    }
    Ok(())
}

fn ratio(value: f64, floor: f64) -> Option<f64> {
    (floor > 0.0).then(|| value / floor)
}

/// This process's resident memory (Linux), in MiB.
fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
