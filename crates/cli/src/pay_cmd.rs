//! `motcua pay vietqr` (a VietQR payload on the command line) and `motcua fees
//! import|export` (the fee book: schedules and collection accounts).

use std::path::PathBuf;

use chrono::Utc;
use clap::Subcommand;
use motcua_domain::fee::FeeBook;
use motcua_pay::vietqr::Payload;
use motcua_store::{RequestMeta, Store};

use crate::error::CliError;
use crate::serve::DbArgs;

/// `motcua pay …`.
#[derive(Debug, Subcommand)]
pub enum PayCommand {
    /// In chuỗi VietQR (NAPAS 247) cho một tài khoản hoặc thẻ (print a VietQR payload).
    Vietqr {
        /// The bank's BIN (6 digits, e.g. 970436 Vietcombank).
        #[arg(long)]
        bin: String,
        /// Account number (or card number with --card).
        #[arg(long)]
        account: String,
        /// Amount in đồng (a one-off code; none: the payer types it).
        #[arg(long)]
        amount: Option<i64>,
        /// Transfer note; Vietnamese tones are removed, punctuation becomes spaces.
        #[arg(long)]
        purpose: Option<String>,
        /// The number is a domestic card (QRIBFTTC), not an account (QRIBFTTA).
        #[arg(long)]
        card: bool,
        /// Read a payload back instead (`--bin` and `--account` are then ignored).
        #[arg(long)]
        parse: Option<String>,
    },
}

/// `motcua fees …`.
#[derive(Debug, Subcommand)]
pub enum FeesCommand {
    /// Nhập biểu phí và tài khoản thu từ tệp YAML/JSON (replaces the fee book; checked first).
    Import {
        /// The file.
        file: PathBuf,
        /// Into the demo database.
        #[arg(long)]
        demo: bool,
    },
    /// In biểu phí đang dùng ra YAML (print the fee book).
    Export {
        /// From the demo database.
        #[arg(long)]
        demo: bool,
    },
}

/// The fee book shipped for the demo.
pub fn demo_fees() -> Result<FeeBook, CliError> {
    FeeBook::from_yaml(include_str!("../demo/fees.yaml")).map_err(|e| CliError::Config {
        detail: format!("demo/fees.yaml: {}", e.message_vi()),
    })
}

/// Checks the book against the organisation and saves it.
pub async fn save_book(
    store: &Store,
    book: &FeeBook,
    actor: &str,
    now: chrono::DateTime<Utc>,
) -> Result<i64, CliError> {
    let directory = store.load_directory().await?;
    let agencies: Vec<&str> = directory.agencies.keys().map(String::as_str).collect();
    let problems = book.check(&agencies);
    if !problems.is_empty() {
        return Err(CliError::Process {
            origin: actor.to_owned(),
            issues: problems
                .into_iter()
                .map(|(at, why)| format!("{at}: {why}"))
                .collect(),
        });
    }
    Ok(store
        .save_fee_book(book, actor, now, RequestMeta::default())
        .await?)
}

fn vietqr_err(e: &motcua_pay::vietqr::VietQrError) -> CliError {
    CliError::Web {
        code: e.code(),
        message: e.message_vi(),
    }
}

/// Runs `motcua pay …`.
pub fn run_pay(what: PayCommand) -> Result<(), CliError> {
    let PayCommand::Vietqr {
        bin,
        account,
        amount,
        purpose,
        card,
        parse,
    } = what;
    if let Some(text) = parse {
        let p = Payload::parse(text.trim()).map_err(|e| vietqr_err(&e))?;
        println!("bin: {}", p.bin);
        println!(
            "{}: {}",
            if card { "card" } else { "account" },
            p.consumer_id
        );
        println!("service: {}", p.service);
        println!("initiation: {}", p.initiation);
        if let Some(a) = p.amount {
            println!("amount: {a}");
        }
        if let Some(t) = &p.purpose {
            println!("purpose: {t}");
        }
        return Ok(());
    }
    let mut p = if card {
        Payload::for_card(bin, account)
    } else {
        Payload::for_account(bin, account)
    };
    if let Some(a) = amount {
        p = p.with_amount(a);
    }
    if let Some(text) = purpose {
        p = p.with_purpose(motcua_pay::vietqr::purpose_ascii(&text).map_err(|e| vietqr_err(&e))?);
    }
    let payload = p.encode().map_err(|e| vietqr_err(&e))?;
    for w in p.warnings() {
        eprintln!("Lưu ý: {}", w.message_vi());
    }
    println!("{payload}");
    Ok(())
}

/// Runs `motcua fees …`.
pub async fn run_fees(db: DbArgs, what: FeesCommand) -> Result<(), CliError> {
    #[allow(clippy::disallowed_methods)] // the command's own timestamp
    let now = Utc::now();
    match what {
        FeesCommand::Import { file, demo } => {
            let store = crate::serve::open_for(&db, demo).await?;
            let text = std::fs::read_to_string(&file).map_err(|source| CliError::Read {
                path: file.display().to_string(),
                source,
            })?;
            let book = FeeBook::from_yaml(&text).map_err(|e| CliError::Config {
                detail: format!("{}: {}", file.display(), e.message_vi()),
            })?;
            let id = save_book(&store, &book, &format!("import:{}", file.display()), now).await?;
            println!(
                "Đã lưu biểu phí (phiên bản {id}): {} tài khoản thu, {} biểu phí",
                book.accounts.len(),
                book.schedules.len()
            );
        }
        FeesCommand::Export { demo } => {
            let store = crate::serve::open_for(&db, demo).await?;
            let book = store.load_fee_book().await?;
            let text = serde_yaml_ng::to_string(&book).map_err(|e| CliError::Config {
                detail: e.to_string(),
            })?;
            print!("{text}");
        }
    }
    Ok(())
}
