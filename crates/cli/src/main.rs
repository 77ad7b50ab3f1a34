//! `motcua`: the one binary of Một Cửa.

mod bench;
mod calendar_cmd;
mod error;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

#[derive(Debug, Parser)]
#[command(name = "motcua", version, about = "Một Cửa — hệ thống một cửa điện tử")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lịch âm, ngày nghỉ và ngày làm việc (Vietnamese calendar and working days).
    Calendar(calendar_cmd::CalendarArgs),
    /// Đo hiệu năng (benchmarks that print figures).
    Bench {
        #[command(subcommand)]
        what: bench::BenchCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calendar(args) => calendar_cmd::run(args),
        Command::Bench { what } => bench::run(what),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            report(&err);
            ExitCode::FAILURE
        }
    }
}

/// Prints an error for people: stable code, Vietnamese message, English second.
pub(crate) fn report(err: &CliError) {
    eprintln!("lỗi [{}]: {}", err.code(), err.message_vi());
    eprintln!("  ({err})");
}
