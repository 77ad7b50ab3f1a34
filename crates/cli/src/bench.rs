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
}

pub async fn run(command: BenchCommand) -> Result<(), CliError> {
    match command {
        BenchCommand::Calendar { seconds } => calendar(Duration::from_secs_f64(seconds.max(0.1))),
        BenchCommand::Submit(args) => crate::bench_submit::run(args).await,
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
