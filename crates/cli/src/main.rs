//! `motcua`: the one binary of Một Cửa.

mod bench;
mod bench_dashboard;
mod bench_pay;
mod bench_submit;
mod calendar_cmd;
mod config;
mod demo;
mod error;
mod import;
mod logging;
mod pay_cmd;
mod portal;
mod process_cmd;
mod render_cmd;
mod serve;
mod token_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

#[derive(Debug, Parser)]
#[command(name = "motcua", version, about = "Một Cửa — hệ thống một cửa điện tử")]
struct Cli {
    #[command(flatten)]
    db: serve::DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Chạy máy chủ (serve the API).
    Serve(serve::ServeArgs),
    /// Tạo/cập nhật cấu trúc cơ sở dữ liệu (run migrations).
    Migrate,
    /// Nhập dữ liệu (import data).
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Quy trình nội bộ giải quyết thủ tục (internal processes: import, export).
    Process {
        #[command(subcommand)]
        what: process_cmd::ProcessCommand,
    },
    /// Nhật ký kiểm tra (audit log).
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// Lịch âm, ngày nghỉ và ngày làm việc (Vietnamese calendar and working days).
    Calendar(calendar_cmd::CalendarArgs),
    /// In giấy tờ ra PDF/Excel (render a dossier's form or an agency's register).
    Render(render_cmd::RenderArgs),
    /// Xóa dữ liệu hết thời hạn lưu (drafts, sessions, dead tokens; never dossiers).
    Retention {
        /// Only count what would go.
        #[arg(long)]
        dry_run: bool,
        /// The demo database.
        #[arg(long)]
        demo: bool,
    },
    /// Mã truy cập cho hệ thống tích hợp (API tokens).
    Token {
        #[command(subcommand)]
        what: token_cmd::TokenCommand,
    },
    /// Thanh toán không dùng tiền mặt (VietQR payloads).
    Pay {
        #[command(subcommand)]
        what: pay_cmd::PayCommand,
    },
    /// Biểu phí, lệ phí và tài khoản thu (fee book: import, export).
    Fees {
        #[command(subcommand)]
        what: pay_cmd::FeesCommand,
    },
    /// Đo hiệu năng (benchmarks that print figures).
    Bench {
        #[command(subcommand)]
        what: bench::BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Danh mục thủ tục từ tệp YAML/JSON (procedure catalog).
    Catalog {
        /// The catalog file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Kiểm tra chuỗi băm của nhật ký (verify the hash chain).
    Verify {
        /// The demo database (as `serve --demo` uses).
        #[arg(long)]
        demo: bool,
        /// Only this agency's chain (code); by default the global chain and every
        /// agency's.
        #[arg(long)]
        agency: Option<String>,
    },
}

fn main() -> ExitCode {
    motcua_web::install_tls_provider();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calendar(args) => calendar_cmd::run(args),
        Command::Pay { what } => pay_cmd::run_pay(what).map(|()| ExitCode::SUCCESS),
        other => run_async(cli.db, other),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            report(&err);
            ExitCode::FAILURE
        }
    }
}

fn run_async(db: serve::DbArgs, command: Command) -> Result<ExitCode, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match command {
            Command::Serve(args) => serve::serve(db, args).await,
            Command::Migrate => serve::migrate(db).await,
            Command::Import {
                what: ImportCommand::Catalog { file },
            } => serve::import_catalog(db, file).await,
            Command::Audit {
                what: AuditCommand::Verify { demo, agency },
            } => serve::audit_verify(db, demo, agency).await,
            Command::Bench { what } => bench::run(what, db.database).await,
            Command::Process { what } => process_cmd::run(db, what).await,
            Command::Render(args) => render_cmd::run(db, args).await,
            Command::Token { what } => token_cmd::run(db, what).await,
            Command::Retention { dry_run, demo } => serve::retention(db, demo, dry_run).await,
            Command::Fees { what } => pay_cmd::run_fees(db, what).await,
            Command::Calendar(_) | Command::Pay { .. } => Ok(()),
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Prints an error for people: stable code, Vietnamese message, English second.
pub(crate) fn report(err: &CliError) {
    eprintln!("lỗi [{}]: {}", err.code(), err.message_vi());
    eprintln!("  ({err})");
}
