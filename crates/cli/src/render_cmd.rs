//! `motcua render`: a dossier's paper (receipt, supplement request, refusal, control
//! slip, apology, stop notice) as PDF, or an agency's register as PDF or Excel — the same
//! code the web pages use, run against a database.

use std::path::PathBuf;
use std::sync::Arc;

use motcua_calendar::DeadlineRules;
use motcua_web::api::documents::{self, RegisterQuery};
use motcua_web::{AppState, SystemClock, WebConfig};

use crate::config::FileConfig;
use crate::error::CliError;
use crate::serve::{DbArgs, calendar, form_wording, open, resolve};

/// Options of `motcua render`.
#[derive(Debug, Clone, clap::Args)]
pub struct RenderArgs {
    /// `receipt`, `supplement-request`, `refusal`, `control-slip`, `apology`,
    /// `stop-notice`, or `register`.
    pub form: String,
    /// The dossier (for a dossier's paper).
    #[arg(long)]
    pub dossier: Option<String>,
    /// The agency (for `register`).
    #[arg(long)]
    pub agency: Option<String>,
    /// First day of the register, YYYY-MM-DD.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day of the register, YYYY-MM-DD.
    #[arg(long)]
    pub to: Option<String>,
    /// Output file (`.pdf`; `.xlsx` for an Excel register).
    #[arg(short, long)]
    pub output: PathBuf,
    /// The demo database (as `serve --demo` uses).
    #[arg(long)]
    pub demo: bool,
    /// Public address printed in the QR code (default: settings file's `public_url`).
    #[arg(long)]
    pub public_url: Option<String>,
}

fn api(e: motcua_web::error::ApiError) -> CliError {
    CliError::Web {
        code: e.code(),
        message: e.message().to_owned(),
    }
}

/// Runs `motcua render`.
pub async fn run(db: DbArgs, args: RenderArgs) -> Result<(), CliError> {
    let file = FileConfig::load(db.config.as_deref())?;
    let (database, files) = resolve(&db, &file, args.demo);
    let store = open(&database, files).await?;
    let config = WebConfig {
        public_url: args
            .public_url
            .clone()
            .or_else(|| file.public_url.clone())
            .unwrap_or_else(|| WebConfig::default().public_url),
        form_wording: form_wording(&file)?,
        ..WebConfig::default()
    };
    let state = AppState::load(
        store,
        Arc::new(calendar(&file)?),
        DeadlineRules::default(),
        Arc::new(SystemClock),
        config,
    )
    .await?;
    let bytes = if args.form == "register" {
        let agency = args.agency.as_deref().ok_or_else(|| CliError::Config {
            detail: "sổ theo dõi cần --agency, --from và --to".into(),
        })?;
        let xlsx = args.output.extension().is_some_and(|e| e == "xlsx");
        let q = RegisterQuery {
            from: args.from.clone().unwrap_or_default(),
            to: args.to.clone().unwrap_or_default(),
            format: Some(if xlsx { "xlsx" } else { "pdf" }.to_owned()),
        };
        documents::register_file(&state, agency, &q)
            .await
            .map_err(api)?
            .0
    } else {
        let form = motcua_render::Form::parse(&args.form)?;
        let code = args.dossier.as_deref().ok_or_else(|| CliError::Config {
            detail: format!("biểu mẫu {} cần --dossier MÃ_HỒ_SƠ", args.form),
        })?;
        let code = motcua_domain::DossierCode::parse(code)?;
        let d = state.store().dossier(code.as_str()).await?.ok_or_else(|| {
            motcua_domain::DomainError::DossierNotFound {
                code: code.to_string(),
            }
        })?;
        documents::form_pdf(&state, d, form).await.map_err(api)?
    };
    std::fs::write(&args.output, &bytes)?;
    println!("{} ({} bytes)", args.output.display(), bytes.len());
    Ok(())
}
