//! `motcua serve`, `migrate`, `import`, `audit verify`: opening the database and
//! running the server.

use std::path::PathBuf;
use std::sync::Arc;

use motcua_calendar::{Amendments, CalendarData, DeadlineRules, OfficeHours, WorkCalendar};
use motcua_store::{Store, StoreOptions};
use motcua_web::{AppState, SystemClock, WebConfig};

use crate::config::{FileConfig, data_dir, default_files_dir};
use crate::error::CliError;

/// Settings shared by the commands that open the database.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// Database: sqlite://PATH (embedded) or postgres://USER@HOST/DB.
    #[arg(long, env = "MOTCUA_DATABASE", global = true)]
    pub database: Option<String>,
    /// Directory for attachment files (default: next to the SQLite file).
    #[arg(long, env = "MOTCUA_FILES", global = true)]
    pub files: Option<PathBuf>,
    /// Settings file (default: ./motcua.toml when present).
    #[arg(long, env = "MOTCUA_CONFIG", global = true)]
    pub config: Option<PathBuf>,
}

/// `motcua serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Demo mode: an SQLite database in the data directory, filled with demo data on
    /// first start (accounts citizen, officer, specialist, leader, admin; password demo).
    #[arg(long)]
    pub demo: bool,
    /// Address to listen on.
    #[arg(long, env = "MOTCUA_ADDR")]
    pub addr: Option<String>,
    /// Demo dossiers to create on first start.
    #[arg(long, env = "MOTCUA_DEMO_DOSSIERS", default_value_t = 1000)]
    pub demo_dossiers: usize,
    /// Log format: text or json.
    #[arg(long, env = "MOTCUA_LOG_FORMAT")]
    pub log_format: Option<String>,
}

/// The database URL and attachment directory after settings are combined.
pub fn resolve(db: &DbArgs, file: &FileConfig, demo: bool) -> (String, PathBuf) {
    let database = db
        .database
        .clone()
        .or_else(|| file.database.clone())
        .unwrap_or_else(|| {
            let name = if demo {
                "motcua-demo.sqlite"
            } else {
                "motcua.sqlite"
            };
            format!("sqlite://{}", data_dir().join(name).display())
        });
    let files = db
        .files
        .clone()
        .or_else(|| file.files.clone())
        .unwrap_or_else(|| default_files_dir(&database));
    (database, files)
}

/// Opens (and migrates) the database.
pub async fn open(database: &str, files: PathBuf) -> Result<Store, CliError> {
    if let Some(path) = database.strip_prefix("sqlite://")
        && let Some(parent) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    Ok(Store::open(database, StoreOptions::new(files)).await?)
}

/// Opens the database named by the arguments and the settings file (the demo one
/// with `demo`).
pub async fn open_for(db: &DbArgs, demo: bool) -> Result<Store, CliError> {
    let file = FileConfig::load(db.config.as_deref())?;
    let (database, files) = resolve(db, &file, demo);
    open(&database, files).await
}

/// The working calendar from the settings file the arguments name.
pub fn calendar_for(db: &DbArgs) -> Result<WorkCalendar, CliError> {
    calendar(&FileConfig::load(db.config.as_deref())?)
}

/// The working calendar with the administrator's amendments and office hours.
pub fn calendar(file: &FileConfig) -> Result<WorkCalendar, CliError> {
    let mut data = CalendarData::builtin()?;
    for path in &file.holiday_amendments {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
            path: origin.clone(),
            source,
        })?;
        data.apply(Amendments::from_toml(&text, &origin)?, &origin)?;
    }
    let office = match &file.office_hours {
        Some(t) => OfficeHours::parse(t)?,
        None => OfficeHours::default(),
    };
    Ok(WorkCalendar::new(data, office))
}

fn init_logging(format: Option<&str>) {
    crate::logging::init(format);
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}

/// Runs the server until SIGTERM or Ctrl-C.
pub async fn serve(db: DbArgs, args: ServeArgs) -> Result<(), CliError> {
    let file = FileConfig::load(db.config.as_deref())?;
    init_logging(args.log_format.as_deref().or(file.log_format.as_deref()));
    let (database, files) = resolve(&db, &file, args.demo);
    let store = open(&database, files).await?;
    let calendar = Arc::new(calendar(&file)?);
    let clock = Arc::new(SystemClock);
    if args.demo && store.load_procedures().await?.is_empty() {
        eprintln!("Đang tạo dữ liệu demo ({} hồ sơ)…", args.demo_dossiers);
        let hash =
            motcua_web::hash_password("demo").map_err(|detail| CliError::Config { detail })?;
        #[allow(clippy::disallowed_methods)] // the demo's history ends now
        let now = motcua_domain::time::micros(chrono::Utc::now());
        crate::demo::seed(
            &store,
            &hash,
            args.demo_dossiers,
            Arc::clone(&calendar),
            now,
        )
        .await?;
    }
    let mut config = WebConfig {
        form_wording: form_wording(&file)?,
        oidc: file.oidc.clone(),
        // The demo pays through the gateways' simulators unless real ones are set.
        payments: match (&file.payments, args.demo) {
            (Some(p), _) => p.clone(),
            (None, true) => motcua_web::payments::PaymentsConfig::demo(),
            (None, false) => motcua_web::payments::PaymentsConfig::default(),
        },
        ..WebConfig::default()
    };
    if let Some(mb) = file.max_attachment_mb {
        config.max_attachment_bytes = mb.saturating_mul(1024 * 1024);
    }
    let addr = args
        .addr
        .or(file.addr)
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| CliError::Config {
            detail: format!("không mở được địa chỉ {addr}: {e}"),
        })?;
    let local = listener.local_addr()?;
    config.public_url = file
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));
    let state = AppState::load(
        store.clone(),
        calendar,
        DeadlineRules::default(),
        clock,
        config,
    )
    .await?;
    let counts = store.count_by_status().await?;
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    println!("Một Cửa đang chạy tại http://{local}");
    println!(
        "  Cơ sở dữ liệu: {database} ({} thủ tục, {total} hồ sơ)",
        state.catalog().len()
    );
    println!("  API: http://{local}/api/v1 — mô tả OpenAPI: http://{local}/api/openapi.json");
    if args.demo {
        println!("  Tài khoản demo (mật khẩu: demo):");
        for (user, what) in crate::demo::ACCOUNTS {
            println!("    {user:<14} {what}");
        }
    }
    println!("  Tra cứu công khai, ví dụ: curl http://{local}/api/v1/procedures?q=khai%20sinh");
    // Retention runs at start and then daily, in the background.
    let retention = file.retention.validated()?;
    let purger = store.clone();
    let purge_clock = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
        loop {
            tick.tick().await;
            match purger
                .purge(retention, purge_clock.now(), false, Default::default())
                .await
            {
                Ok(r) => tracing::info!(?r, "retention purge"),
                Err(e) => tracing::warn!(error = %e, "retention purge failed"),
            }
        }
    });
    // Every change goes to the national portal: the configured one, or in the demo
    // the simulator, started here on its own port.
    let mut _simulator = None;
    let portal = match (&file.portal, args.demo) {
        (Some(p), _) => Some((
            motcua_portal::PortalConfig::new(
                p.base_url.clone(),
                p.client_id.clone(),
                p.client_secret.clone(),
                p.agency_code.clone(),
            ),
            p.interval_seconds,
        )),
        (None, true) => {
            let sim = crate::portal::start_demo_simulator(&state).await?;
            println!("  Cổng DVC quốc gia (mô phỏng): {}", sim.base_url);
            let config = motcua_portal::PortalConfig::new(
                sim.base_url.clone(),
                crate::portal::DEMO_CLIENT.0,
                crate::portal::DEMO_CLIENT.1,
                "H79",
            );
            _simulator = Some(sim);
            Some((config, 2))
        }
        (None, false) => None,
    };
    if let Some((config, every)) = portal {
        let client = motcua_portal::HttpPortal::new(config).map_err(|e| CliError::Config {
            detail: e.to_string(),
        })?;
        tokio::spawn(motcua_web::portal_sync::run_forever(
            state.clone(),
            Arc::new(client),
            std::time::Duration::from_secs(every.max(1)),
        ));
    }
    motcua_web::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// The administrator's form texts named by the settings file, if any.
pub fn form_wording(file: &FileConfig) -> Result<Option<String>, CliError> {
    file.form_wording
        .as_ref()
        .map(|p| {
            std::fs::read_to_string(p).map_err(|source| CliError::Read {
                path: p.display().to_string(),
                source,
            })
        })
        .transpose()
}

/// `motcua migrate`.
pub async fn migrate(db: DbArgs) -> Result<(), CliError> {
    let file = FileConfig::load(db.config.as_deref())?;
    let (database, files) = resolve(&db, &file, false);
    let store = open(&database, files).await?;
    println!(
        "Đã cập nhật cấu trúc cơ sở dữ liệu {} ({database})",
        store.backend()
    );
    Ok(())
}

/// `motcua import catalog FILE`.
pub async fn import_catalog(db: DbArgs, path: PathBuf) -> Result<(), CliError> {
    let file = FileConfig::load(db.config.as_deref())?;
    let (database, files) = resolve(&db, &file, false);
    let store = open(&database, files).await?;
    let n = crate::import::catalog(&store, &path).await?;
    println!("Đã nhập {n} thủ tục từ {}", path.display());
    Ok(())
}

/// `motcua audit verify`.
pub async fn audit_verify(db: DbArgs, demo: bool, agency: Option<String>) -> Result<(), CliError> {
    let file = FileConfig::load(db.config.as_deref())?;
    let (database, files) = resolve(&db, &file, demo);
    let store = open(&database, files).await?;
    let mut problems: Vec<String> = Vec::new();
    let mut first: Option<i64> = None;
    let mut note = |label: &str, report: &motcua_domain::audit::VerifyReport| {
        if let Some(seq) = report.broken_at() {
            first.get_or_insert(seq);
            problems.extend(
                report
                    .problems
                    .iter()
                    .map(|p| format!("  - {label}: {}", p.describe_vi())),
            );
        }
    };
    if agency.is_none() {
        let report = store.verify_audit().await?;
        note("chuỗi chung", &report);
        if report.broken_at().is_none() {
            println!(
                "audit chain OK: {} entries, head {}",
                report.checked, report.head
            );
        }
    }
    let chains = match agency {
        Some(a) => vec![a],
        None => store.audit_chains().await?,
    };
    for chain in chains {
        let report = store.verify_audit_chain(&chain).await?;
        let label = if chain.is_empty() {
            "chuỗi hệ thống".to_owned()
        } else {
            format!("chuỗi {chain}")
        };
        note(&label, &report);
        if report.broken_at().is_none() {
            println!(
                "  agency chain {}: {} entries OK",
                if chain.is_empty() { "(system)" } else { &chain },
                report.checked
            );
        }
    }
    if let Some(seq) = first {
        return Err(CliError::AuditBroken {
            seq,
            count: problems.len(),
            problems: problems.join("\n"),
        });
    }
    Ok(())
}

/// `motcua retention [--dry-run]`: removes (or counts) what the retention settings
/// say has been kept long enough.
pub async fn retention(db: DbArgs, demo: bool, dry_run: bool) -> Result<(), CliError> {
    let file = FileConfig::load(db.config.as_deref())?;
    let r = file.retention.validated()?;
    let (database, files) = resolve(&db, &file, demo);
    let store = open(&database, files).await?;
    #[allow(clippy::disallowed_methods)] // an operator's command runs at the real time
    let now = chrono::Utc::now();
    let report = store.purge(r, now, dry_run, Default::default()).await?;
    let verb = if dry_run { "Sẽ xóa" } else { "Đã xóa" };
    println!(
        "{verb}: {} hồ sơ nháp quá {} ngày ({} tệp), {} phiên đăng nhập hết hạn, {} lượt đăng nhập định danh bỏ dở, {} mã truy cập hết hạn/thu hồi quá {} ngày",
        report.drafts,
        r.drafts_days,
        report.draft_files,
        report.sessions,
        report.pending_logins,
        report.tokens,
        r.tokens_days
    );
    Ok(())
}
