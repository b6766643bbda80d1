//! The command line.

use std::io::Write;
use std::sync::Arc;

use clap::builder::PossibleValue;
use clap::{Parser, Subcommand, ValueEnum};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use vanphong_platform::audit;
use vanphong_platform::audit_anchor::{Anchoring, AuditKey};
use vanphong_platform::audit_export;
use vanphong_platform::audit_state::StoredState;
use vanphong_platform::audit_view::Sight;
use vanphong_platform::clock::{SharedClock, ShiftedClock, SystemClock};
use vanphong_platform::config::{Options, Settings};
use vanphong_platform::db::Migrations;
use vanphong_platform::identity::Role;
use vanphong_platform::server::{on_signals, serve_metrics};
use vanphong_platform::telemetry;

use crate::demo::DEMO_PASSWORD;
use crate::error::CommandError;
use crate::services::{SERVICES, Service};
use crate::suite;

/// Vanphong — văn phòng số dùng chung cho văn phòng cấp ủy: the shared
/// digital office of a provincial Party committee office and the offices
/// under it.
#[derive(Debug, Parser)]
#[command(name = "vanphong", version, propagate_version = true)]
#[command(
    after_help = "Every option can also be set by its VANPHONG_… environment variable or in a TOML file \
    given with --config (same names, kebab-case). Flags win over the environment, which wins over the file."
)]
pub struct Cli {
    #[command(flatten)]
    pub options: Options,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the suite: the gateway (REST and gRPC on one port, the office
    /// directory, sign-in) and every service, in one process on a data
    /// folder; or one server alone.
    Serve {
        /// What to run.
        #[arg(value_enum, default_value_t = Target::All)]
        target: Target,
        /// Fill an empty data folder with the demo: Tỉnh ủy Bắc Giang, three
        /// district and two commune committees, a user for each role.
        #[arg(long)]
        demo: bool,
        /// Start the suite's clock at this moment (RFC 3339, e.g.
        /// 2026-11-29T09:00:00+07:00) instead of now; it runs on from there.
        /// For demonstrations and the README's walk-throughs, never in
        /// production: every date the suite records follows it.
        #[arg(long, value_name = "TIME")]
        clock_start: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
    /// Apply database migrations and exit (run once per release, e.g. as a
    /// Kubernetes Job, rather than by every replica).
    Migrate {
        #[arg(value_enum, default_value_t = Target::All)]
        target: Target,
    },
    /// Operate on the tamper-evident audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manage the signing keys of people and offices, with which the
    /// documents they issue are signed.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Import a key delivered as PKCS#12 (.p12/.pfx) for a person (by
    /// sign-in name) or an office (by code): it is kept in
    /// --document-keys-dir, encrypted with --document-keys-passphrase.
    Import {
        /// The PKCS#12 file.
        file: std::path::PathBuf,
        /// The person whose signature it is (sign-in name).
        #[arg(long, required_unless_present = "office", conflicts_with = "office")]
        person: Option<String>,
        /// The office whose seal it is (office code).
        #[arg(long)]
        office: Option<String>,
        /// The PKCS#12 file's password.
        #[arg(long, env = "VANPHONG_P12_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Keep the picture a signature shows: a person's handwritten
    /// signature or an office's seal, as PNG with a transparent
    /// background.
    Image {
        /// The PNG file.
        file: std::path::PathBuf,
        /// The person whose signature it is (sign-in name).
        #[arg(long, required_unless_present = "office", conflicts_with = "office")]
        person: Option<String>,
        /// The office whose seal it is (office code).
        #[arg(long)]
        office: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute every hash chain, hold it against its checkpoints signed
    /// with the audit key (--audit-key-file: the private key, or only its
    /// public half `audit-key.pub.pem`), and report where each breaks.
    /// Exits with status 3 if any chain is broken.
    Verify {
        #[arg(value_enum, default_value_t = Target::All)]
        target: Target,
        /// Only this office's chain.
        #[arg(long)]
        office: Option<Uuid>,
    },
    /// Write an auditor's export: one office's audit records of a period
    /// (local dates, both included) from one service's database, with a
    /// signed checkpoint of the last one and the audit public key, the file
    /// signed with the audit key (its private half is needed). Refused if
    /// the chain does not verify.
    Export {
        /// The service whose trail to export.
        #[arg(value_enum)]
        target: Target,
        #[arg(long)]
        office: Uuid,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: chrono::NaiveDate,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: chrono::NaiveDate,
        /// Where to write the file (default: its own name, in the current
        /// folder).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Check an auditor's export offline: the file's signature, the chain
    /// links and hashes of its records, and its signed checkpoint. Exits
    /// with status 3 if anything does not hold.
    VerifyExport {
        file: std::path::PathBuf,
        /// The audit public key (PEM) the file must be signed with; without
        /// it, the key in the file is used and its id printed to compare.
        #[arg(long, value_name = "PEM")]
        public_key: Option<std::path::PathBuf>,
    },
}

/// A server of the suite: everything, the gateway, or one backend service
/// of the one list ([`crate::services`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Everything in one process.
    All,
    /// The gateway with the office directory.
    Gateway,
    /// One backend service.
    Service(&'static Service),
}

/// Every target, for the command line's choices.
static TARGETS: std::sync::LazyLock<Vec<Target>> = std::sync::LazyLock::new(|| {
    [Target::All, Target::Gateway]
        .into_iter()
        .chain(SERVICES.iter().map(Target::Service))
        .collect()
});

impl ValueEnum for Target {
    fn value_variants<'a>() -> &'a [Self] {
        &TARGETS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let help = match self {
            Target::All => "Everything in one process".to_string(),
            Target::Gateway => "The gateway with the office directory".to_string(),
            Target::Service(s) => format!("The {} service", s.name),
        };
        Some(PossibleValue::new(self.name()).help(help))
    }
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::All => "all",
            Target::Gateway => "gateway",
            Target::Service(s) => s.name,
        }
    }

    /// The databases of the target: (service, migrations, its entities as
    /// its audit records describe them).
    fn databases(self) -> Vec<(&'static str, &'static Migrations, &'static dyn StoredState)> {
        let directory: (_, _, &'static dyn StoredState) = (
            "directory",
            &vanphong_gateway::directory::store::MIGRATIONS,
            &vanphong_gateway::directory::api::audit::States,
        );
        let service = |s: &Service| (s.name, (s.migrations)(), (s.audit_states)());
        match self {
            Target::All => std::iter::once(directory).chain(SERVICES.iter().map(service)).collect(),
            Target::Gateway => vec![directory],
            Target::Service(s) => vec![service(s)],
        }
    }
}

/// Runs a parsed command.
pub async fn run(command: Command, settings: Settings) -> Result<(), CommandError> {
    match command {
        Command::Serve {
            target,
            demo,
            clock_start,
        } => serve(target, demo, clock_start, settings).await,
        Command::Migrate { target } => migrate(target, &settings).await,
        Command::Audit { command } => match command {
            AuditCommand::Verify { target, office } => verify_audit(target, office, &settings).await,
            AuditCommand::Export {
                target,
                office,
                from,
                to,
                out,
            } => export_audit(target, office, (from, to), out, &settings).await,
            AuditCommand::VerifyExport { file, public_key } => verify_export(&file, public_key.as_deref()),
        },
        Command::Keys {
            command:
                KeysCommand::Import {
                    file,
                    person,
                    office,
                    password,
                },
        } => crate::keys::import(&file, crate::keys::Holder::of(person, office)?, &password, &settings).await,
        Command::Keys {
            command: KeysCommand::Image { file, person, office },
        } => crate::keys::image(&file, crate::keys::Holder::of(person, office)?, &settings).await,
    }
}

async fn serve(
    target: Target,
    demo: bool,
    clock_start: Option<chrono::DateTime<chrono::FixedOffset>>,
    settings: Settings,
) -> Result<(), CommandError> {
    let clock: SharedClock = match clock_start {
        Some(start) => Arc::new(ShiftedClock::starting_at(start.with_timezone(&chrono::Utc))),
        None => Arc::new(SystemClock),
    };
    let _telemetry = telemetry::init(target.name(), &settings.log, settings.log_format)?;
    let shutdown = CancellationToken::new();
    on_signals(shutdown.clone());
    if let Some(addr) = settings.metrics_listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| CommandError::Listen { addr, source })?;
        tracing::info!(addr = ?listener.local_addr().ok(), "metrics listening (/metrics)");
        tokio::spawn(serve_metrics(listener, shutdown.clone()));
    }
    let running = match target {
        Target::All => {
            let demo = if demo { suite::Demo::Full } else { suite::Demo::Off };
            suite::start(&settings, clock, demo, shutdown).await?
        }
        other => suite::start_one(other.name(), &settings, clock, shutdown).await?,
    };
    print_welcome(&running, demo);
    running.wait().await
}

/// One line per office: its name and its demo accounts with their roles.
fn write_accounts(out: &mut impl Write, offices: &[crate::demo::DemoOffice]) {
    for office in offices {
        let names: Vec<String> = office
            .users
            .iter()
            .map(|u| format!("{} ({})", u.username, u.role.label()))
            .collect();
        let _ = writeln!(out, "  {}: {}", office.name, names.join(", "));
    }
}

fn print_welcome(running: &suite::RunningSuite, demo: bool) {
    let base = format!("http://{}", running.addr);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "\nVanphong đang chạy tại {base} (REST và gRPC cùng cổng).");
    let _ = writeln!(out, "  Tài liệu API: {base}/openapi.json   Sẵn sàng: {base}/readyz");
    if let Some(password) = &running.generated_admin_password {
        let _ = writeln!(out, "\nĐã tạo tài khoản quản trị đầu tiên (chỉ hiện một lần):");
        let _ = writeln!(out, "  tên đăng nhập: admin   mật khẩu: {password}");
    }
    if let Some(report) = &running.demo {
        let _ = writeln!(
            out,
            "\nĐã nạp dữ liệu mẫu. Mọi tài khoản mẫu dùng mật khẩu: {DEMO_PASSWORD}"
        );
        write_accounts(&mut out, &report.offices);
        if !report.reorganised.is_empty() {
            let _ = writeln!(
                out,
                "\nSắp xếp tổ chức ngày 01/07/2025 (xem cây tổ chức \"tại ngày 30/06/2025\" và hôm nay):"
            );
            write_accounts(&mut out, &report.reorganised);
            let _ = writeln!(
                out,
                "  (Người của đơn vị đã kết thúc đăng nhập sẽ được báo đơn vị đã chuyển về đâu, từ ngày nào.)"
            );
        }
        let clerk = report.username("hiephoa", Role::Clerk).unwrap_or("hiephoa.vanthu");
        let _ = writeln!(out, "\nĐăng nhập thử:");
        let _ = writeln!(
            out,
            "  curl -s {base}/api/v1/auth/sign-in -H 'content-type: application/json' \\\n    -d '{{\"username\":\"{clerk}\",\"password\":\"{DEMO_PASSWORD}\"}}'"
        );
    } else if demo {
        let _ = writeln!(out, "\nThư mục dữ liệu đã có dữ liệu; không nạp lại dữ liệu mẫu.");
    }
    let _ = writeln!(out, "\nNhấn Ctrl-C để dừng.");
}

async fn migrate(target: Target, settings: &Settings) -> Result<(), CommandError> {
    let _telemetry = telemetry::init("migrate", &settings.log, settings.log_format)?;
    for (service, migrations, _) in target.databases() {
        let db = suite::open_database(settings, service, migrations).await?;
        db.close().await;
        println!("{service}: migrations applied");
    }
    Ok(())
}

async fn verify_audit(target: Target, office: Option<Uuid>, settings: &Settings) -> Result<(), CommandError> {
    let _telemetry = telemetry::init("audit", &settings.log, settings.log_format)?;
    let key = Arc::new(AuditKey::load_for_verifying(&settings.audit_key_file)?);
    let mut broken = 0;
    for (service, migrations, states) in target.databases() {
        let db = suite::open_database(settings, service, migrations).await?;
        let offices = match office {
            Some(o) => vec![o],
            None => audit::chained_offices(&db).await?,
        };
        let anchoring = Anchoring {
            chain: service,
            key: key.clone(),
        };
        let report = audit::verify(&db, &anchoring, states, &offices, chrono::Utc::now()).await?;
        println!(
            "{service}: {} chuỗi, {} bản ghi đã kiểm tra — {}",
            report.chains_checked,
            report.records_checked,
            if report.is_intact() {
                "nguyên vẹn"
            } else {
                "CÓ SAI LỆCH"
            }
        );
        for link in &report.broken {
            println!("  đơn vị {}: bản ghi số {} — {}", link.office_id, link.seq, link.reason);
        }
        broken += report.broken.len();
        db.close().await;
    }
    if broken > 0 {
        return Err(CommandError::AuditBroken(broken));
    }
    Ok(())
}

async fn export_audit(
    target: Target,
    office: Uuid,
    (from, to): (chrono::NaiveDate, chrono::NaiveDate),
    out: Option<std::path::PathBuf>,
    settings: &Settings,
) -> Result<(), CommandError> {
    let _telemetry = telemetry::init("audit", &settings.log, settings.log_format)?;
    let [(service, migrations, states)] = target.databases()[..] else {
        return Err(CommandError::Usage(format!(
            "audit export reads one service: gateway, {} or {}",
            SERVICES[..SERVICES.len().saturating_sub(1)]
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", "),
            SERVICES.last().map_or("", |s| s.name)
        )));
    };
    if from > to {
        return Err(CommandError::Usage("--to must not be before --from".into()));
    }
    let anchoring = Anchoring {
        chain: service,
        key: Arc::new(AuditKey::load(&settings.audit_key_file)?),
    };
    let db = suite::open_database(settings, service, migrations).await?;
    let now = chrono::Utc::now();
    let sealed = async {
        let gathered = audit_export::gather(&db, &anchoring, states, office, from, to, now).await?;
        // The command runs on the database itself: nothing is hidden.
        let sights = vec![Sight::Whole; gathered.records.len()];
        let sealed = audit_export::seal(&gathered, &sights, &anchoring, "cli", now)?;
        Ok::<_, vanphong_platform::Error>((sealed, gathered.records.len()))
    }
    .await;
    db.close().await;
    let (sealed, count) = sealed?;
    let path = out.unwrap_or_else(|| std::path::PathBuf::from(&sealed.file_name));
    std::fs::write(&path, &sealed.content).map_err(|source| CommandError::File {
        path: path.clone(),
        source,
    })?;
    println!(
        "Đã xuất {count} bản ghi nhật ký ({service}) vào {} — exported, signed with audit key {}",
        path.display(),
        anchoring.key.id()
    );
    Ok(())
}

fn verify_export(file: &std::path::Path, public_key: Option<&std::path::Path>) -> Result<(), CommandError> {
    let content = std::fs::read(file).map_err(|source| CommandError::File {
        path: file.to_path_buf(),
        source,
    })?;
    let trusted = public_key.map(AuditKey::load_for_verifying).transpose()?;
    let verified = audit_export::verify_file(&content, trusted.as_ref().map(AuditKey::verifying_key))
        .map_err(CommandError::ExportBroken)?;
    let export = &verified.export;
    println!(
        "Tệp xuất nhật ký nguyên vẹn — the audit export is intact.\n  \
         Dịch vụ (service): {}\n  Đơn vị (office): {}\n  Thời kỳ (period): {} – {}\n  \
         Bản ghi (records): {} (số {} đến {}, {} bản ghi đã ẩn bớt nội dung / redacted)\n  \
         Điểm neo đã ký (signed checkpoint): bản ghi số {}",
        export.service,
        export.office_id,
        export.from,
        export.to,
        export.records.len(),
        export.previous.seq + 1,
        export.previous.seq + export.records.len() as i64,
        verified.redacted,
        export.checkpoint.as_ref().map_or(0, |c| c.seq),
    );
    match trusted {
        Some(_) => println!(
            "  Ký bằng khóa được chỉ định (signed by the given key): {}",
            verified.key_id
        ),
        None => println!(
            "  Ký bằng khóa trong tệp (signed by the key it carries): {} — \
             đối chiếu với khóa nhật ký của đơn vị / compare with the deployment's audit key",
            verified.key_id
        ),
    }
    Ok(())
}
