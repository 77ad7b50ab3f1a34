//! `motcua bench …`: benchmarks that print figures. Targets are checked by reading
//! these figures, never by timed tests.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use clap::Subcommand;
use motcua_calendar::{LunarDate, WorkCalendar};

use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Lunar conversions and working-day additions per second, on one core.
    Calendar {
        /// Seconds to run each measurement.
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
    },
    /// Filing over HTTP against the real server, then public lookups at a fixed rate.
    Submit(crate::bench_submit::SubmitArgs),
    /// Payment gateway notifications (IPN) per second, signatures checked, through the
    /// real server; duplicates answered once; then checks every order was paid once.
    Pay(crate::bench_pay::PayArgs),
    /// A province's dossiers (10 M for the target) with their statistics, then the
    /// dashboard's queries through the real server: load time, p50/p99, memory.
    Dashboard(crate::bench_dashboard::DashboardArgs),
    /// PDF receipts per second on one core, and the first render after start.
    Render {
        /// Seconds to run the measurement.
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
    },
}

/// Runs a benchmark; `database` is the global `--database` (benchmarks on
/// PostgreSQL work in a fresh schema; without it, in a temporary SQLite file).
pub async fn run(command: BenchCommand, database: Option<String>) -> Result<(), CliError> {
    match command {
        BenchCommand::Calendar { seconds } => calendar(Duration::from_secs_f64(seconds.max(0.1))),
        BenchCommand::Submit(mut args) => {
            args.database = database;
            crate::bench_submit::run(args).await
        }
        BenchCommand::Pay(mut args) => {
            args.database = database;
            crate::bench_pay::run(args).await
        }
        BenchCommand::Dashboard(mut args) => {
            args.database = database;
            crate::bench_dashboard::run(args).await
        }
        BenchCommand::Render { seconds } => render(Duration::from_secs_f64(seconds.max(0.5))).await,
    }
}

/// Runs `batch` repeatedly for about `budget`; returns operations per second.
#[allow(clippy::disallowed_methods)] // measuring elapsed time is the point of a benchmark
fn measure(
    budget: Duration,
    ops_per_batch: u64,
    mut batch: impl FnMut() -> Result<(), CliError>,
) -> Result<f64, CliError> {
    batch()?; // warm-up: builds the lazy tables
    let start = Instant::now();
    let mut ops = 0u64;
    while start.elapsed() < budget {
        batch()?;
        ops += ops_per_batch;
    }
    Ok(ops as f64 / start.elapsed().as_secs_f64())
}

/// Time of one call, for the lazily built tables' first-use cost.
#[allow(clippy::disallowed_methods)] // measuring elapsed time is the point of a benchmark
fn once<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

fn calendar(budget: Duration) -> Result<(), CliError> {
    let first = motcua_calendar::lunar::FIRST_DAY;
    let (built, lunar_build) = once(|| LunarDate::from_solar(first));
    built?;
    let (cal, cal_build) = once(|| {
        let cal = WorkCalendar::vietnam()?;
        cal.is_working_day(first)?;
        Ok::<_, CliError>(cal)
    });
    let cal = cal?;
    // 4,096 solar dates spread over the whole supported range.
    let dates: Vec<NaiveDate> = (0..4096)
        .map(|i| first + chrono::Duration::days(i * 26))
        .collect();
    let lunars: Vec<LunarDate> = dates
        .iter()
        .map(|&d| LunarDate::from_solar(d))
        .collect::<Result<_, _>>()?;
    // Starts over 2020–2031 and limits of 1–60 working days, as dossiers have.
    let base = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or(first);
    let starts: Vec<(NaiveDate, u32)> = (0..4096u32)
        .map(|i| {
            (
                base + chrono::Duration::days(i64::from(i * 37 % 4380)),
                1 + i * 7 % 60,
            )
        })
        .collect();

    let batch = dates.len() as u64;
    let to_lunar = measure(budget, batch, || {
        for &d in &dates {
            black_box(LunarDate::from_solar(black_box(d))?);
        }
        Ok(())
    })?;
    let to_solar = measure(budget, batch, || {
        for l in &lunars {
            black_box(black_box(l).to_solar()?);
        }
        Ok(())
    })?;
    let add = measure(budget, starts.len() as u64, || {
        for &(d, n) in &starts {
            black_box(cal.add_working_days(black_box(d), black_box(n))?);
        }
        Ok(())
    })?;
    let between = measure(budget, starts.len() as u64, || {
        for w in starts.windows(2) {
            if let [(a, _), (b, _)] = w {
                black_box(cal.working_days_between(black_box(*a), black_box(*b))?);
            }
        }
        Ok(())
    })?;
    println!(
        "calendar benchmark (one thread, {:.1} s per figure)",
        budget.as_secs_f64()
    );
    println!(
        "first use: lunar month table {:.1} ms; calendar data + one year table {:.1} ms",
        lunar_build.as_secs_f64() * 1e3,
        cal_build.as_secs_f64() * 1e3
    );
    println!(
        "lunar conversions solar→lunar: {:>8.2} M/s (target ≥ 5)",
        to_lunar / 1e6
    );
    println!(
        "lunar conversions lunar→solar: {:>8.2} M/s (target ≥ 5)",
        to_solar / 1e6
    );
    println!(
        "add_working_days:              {:>8.2} M/s (target ≥ 10)",
        add / 1e6
    );
    println!("working_days_between:          {:>8.2} M/s", between / 1e6);
    Ok(())
}

/// A receipt of a demo counter dossier, rendered on this thread: the first render (engine
/// built from nothing: fonts parsed, templates compiled) and then the warm rate.
#[allow(clippy::disallowed_methods)] // a benchmark reads the clock
async fn render(budget: Duration) -> Result<(), CliError> {
    use motcua_domain::{Catalog, Ctx, Directory, Subject, SubmitRequest};
    // typst lays out on rayon's global pool; one worker makes the figure a one-core one.
    // An error means a pool already exists, which only happens if something ran before.
    if rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .is_err()
    {
        tracing::warn!("rayon pool already built: the render rate may use more than one core");
    }
    let store = motcua_store::Store::open(
        "sqlite::memory:",
        motcua_store::StoreOptions::new(std::env::temp_dir().join("motcua-bench-render")),
    )
    .await?;
    let now = motcua_domain::time::micros(chrono::Utc::now());
    let hash = motcua_web::hash_password("demo").map_err(CliError::Bench)?;
    store
        .save_org(crate::demo::org(&hash), "bench", now)
        .await?;
    let directory: Directory = store.load_directory().await?;
    let catalog = Catalog::new(crate::import::demo_catalog()?);
    let calendar = WorkCalendar::vietnam()?;
    let rules = motcua_calendar::DeadlineRules::default();
    let officer = Subject::from_account(
        directory
            .officer("officer")
            .ok_or_else(|| CliError::Bench("no demo officer".into()))?,
    );
    let form = &catalog
        .get("1.001193")
        .ok_or_else(|| CliError::Bench("procedure 1.001193 missing".into()))?
        .version_at(motcua_domain::dossier::local_day(now))?
        .form;
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1);
    let req: SubmitRequest = serde_json::from_value(serde_json::json!({
        "procedure": "1.001193",
        "form_data": crate::demo::sample_form_data(form, &mut rng),
        "agency": crate::demo::COMMUNE_A,
        "applicant": {"name": "Nguyễn Thị Ngọc Ánh", "id_number": "079199012345",
                      "address": "Ấp Láng Cát, xã Bình Giã", "phone": "0912345678"},
        "documents": [
            {"name": "Tờ khai đăng ký khai sinh", "quantity": 1, "original": true},
            {"name": "Giấy chứng sinh", "quantity": 1, "original": true}
        ]
    }))
    .map_err(|e| CliError::Bench(e.to_string()))?;
    let ctx = Ctx {
        subject: &officer,
        directory: &directory,
        catalog: &catalog,
        calendar: &calendar,
        rules: &rules,
        processes: &motcua_domain::process::NO_PROCESSES,
        now,
    };
    let mut d = motcua_domain::submit(req, &ctx)?;
    d.code = motcua_domain::DossierCode::new(
        crate::demo::COMMUNE_A,
        motcua_domain::dossier::local_day(now),
        12,
    );
    let wording = motcua_render::Wording::built_in()?;
    let form_ctx = motcua_render::FormContext {
        directory: &directory,
        calendar: &calendar,
        rules: &rules,
        lookup_base: "https://motcua.example.gov.vn/tra-cuu/",
        wording: &wording,
        processes: &motcua_domain::process::NO_PROCESSES,
        payments: &[],
    };
    let start = Instant::now();
    let engine = motcua_render::Engine::new();
    let first = motcua_render::render_form(&engine, motcua_render::Form::Receipt, &d, &form_ctx)?;
    let first_time = start.elapsed();
    let rate = measure(budget, 1, || {
        let r = motcua_render::render_form(&engine, motcua_render::Form::Receipt, &d, &form_ctx)?;
        black_box(r.pdf.len());
        Ok(())
    })?;
    println!(
        "render: first receipt after start {:.0} ms ({} bytes); warm {rate:.1} receipts/s on one core",
        first_time.as_secs_f64() * 1000.0,
        first.pdf.len()
    );
    Ok(())
}
