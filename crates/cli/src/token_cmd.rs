//! `motcua token …`: API tokens for integrations, made by the operator for an
//! integration's service account (an officer account with the roles it needs).

use motcua_domain::DomainError;

use crate::config::FileConfig;
use crate::error::CliError;
use crate::serve::{DbArgs, open, resolve};

/// What to do with tokens.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Cấp mã truy cập (create a token; it is printed once).
    Create {
        /// Account the token acts as.
        #[arg(long)]
        user: String,
        /// What it is for, e.g. "Cổng DVC quốc gia".
        #[arg(long)]
        name: String,
        /// Scopes, comma-separated: dossiers:read, dossiers:write, applicants:read, audit:read.
        #[arg(long, value_delimiter = ',', required = true)]
        scopes: Vec<String>,
        /// Life in days (1–365).
        #[arg(long, default_value_t = 90)]
        days: i64,
        /// The demo database.
        #[arg(long)]
        demo: bool,
    },
    /// Liệt kê mã truy cập của một tài khoản (list).
    List {
        /// Account.
        #[arg(long)]
        user: String,
        /// The demo database.
        #[arg(long)]
        demo: bool,
    },
    /// Thu hồi mã truy cập (revoke).
    Revoke {
        /// Account.
        #[arg(long)]
        user: String,
        /// Token ID (as listed).
        id: String,
        /// The demo database.
        #[arg(long)]
        demo: bool,
    },
}

/// Runs a token command.
pub async fn run(db: DbArgs, cmd: TokenCommand) -> Result<(), CliError> {
    let demo = match &cmd {
        TokenCommand::Create { demo, .. }
        | TokenCommand::List { demo, .. }
        | TokenCommand::Revoke { demo, .. } => *demo,
    };
    let file = FileConfig::load(db.config.as_deref())?;
    let (database, files) = resolve(&db, &file, demo);
    let store = open(&database, files).await?;
    #[allow(clippy::disallowed_methods)] // an operator's command runs at the real time
    let now = chrono::Utc::now();
    let meta = motcua_store::RequestMeta::default();
    match cmd {
        TokenCommand::Create {
            user,
            name,
            scopes,
            days,
            ..
        } => {
            if store.account_for_login(&user).await?.is_none() {
                return Err(DomainError::invalid(
                    "user",
                    format!("không có tài khoản đang hoạt động {user}"),
                    format!("no active account {user}"),
                )
                .into());
            }
            let (new, token) = motcua_web::api::tokens::prepare(&user, &name, &scopes, days, now)?;
            let saved = store.create_api_token(new, "cli", now, meta).await?;
            println!("{token}");
            eprintln!(
                "mã {} cho {} ({}), hết hạn {} — chỉ hiện một lần",
                saved.id,
                saved.username,
                saved.scopes.join(" "),
                motcua_domain::time::to_local(saved.expires_at).format("%d/%m/%Y")
            );
        }
        TokenCommand::List { user, .. } => {
            for t in store.api_tokens_of(&user).await? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expires_at <= now {
                    "expired"
                } else {
                    "active"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    t.id,
                    state,
                    t.expires_at.format("%Y-%m-%d"),
                    t.scopes.join(","),
                    t.name
                );
            }
        }
        TokenCommand::Revoke { user, id, .. } => {
            if !store.revoke_api_token(&id, &user, now, meta).await? {
                return Err(DomainError::invalid(
                    "id",
                    format!("không có mã truy cập đang hiệu lực {id} của {user}"),
                    format!("no live token {id} of {user}"),
                )
                .into());
            }
            println!("revoked {id}");
        }
    }
    Ok(())
}
