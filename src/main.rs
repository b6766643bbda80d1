//! `vanphong`: see `vanphong --help`.

use std::process::ExitCode;

use clap::Parser;

use vanphong::cli::{Cli, run};
use vanphong::error::CommandError;
use vanphong_platform::error::display_chain;

fn main() -> ExitCode {
    vanphong::memory::bound_allocator();
    let cli = Cli::parse();
    let settings = match cli.options.clone().resolve() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("vanphong: {}", display_chain(&e));
            return ExitCode::from(2);
        }
    };
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if let Some(threads) = settings.worker_threads {
        runtime.worker_threads(threads);
    }
    let runtime = match runtime.build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("vanphong: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CommandError::AuditBroken(n)) => {
            eprintln!("vanphong: the audit trail is broken in {n} chain(s)");
            ExitCode::from(3)
        }
        Err(e @ CommandError::ExportBroken(_)) => {
            eprintln!("vanphong: {e}");
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("vanphong: {}", display_chain(&e));
            ExitCode::FAILURE
        }
    }
}
