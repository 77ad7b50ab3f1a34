//! `motcua bench dashboard`: a province's worth of dossiers (ten million by default
//! for the target; fewer for a quick look) loaded into a fresh database with their
//! statistics, then the dashboard's queries through the real server. Prints the load
//! time, each query's p50/p99 and the process's memory.
//!
//! The dossiers are made up (spread over several years and a hundred-odd agencies,
//! with realistic shares of channels, verdicts, ratings and payments) and loaded with
//! their facts and counters in bulk; their documents are empty, so the database is
//! for this benchmark only.

use std::io::Write as _;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use motcua_calendar::{DeadlineRules, Timeliness, WorkCalendar};
use motcua_domain::catalog::Channel;
use motcua_domain::command::Satisfaction;
use motcua_domain::org::{AccountKind, Role, RoleAssignment};
use motcua_domain::stats::facts::FileFlags;
use motcua_domain::stats::{EndKind, StatFacts, StatKey};
use motcua_domain::{Account, Agency, OrgUnit, Status};
use motcua_store::{Store, StoreOptions, SyntheticDossier};
use motcua_web::{AppState, SystemClock, WebConfig};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::bench_submit::percentile;
use crate::error::CliError;

/// Options of `motcua bench dashboard`.
#[derive(Debug, Clone, clap::Args)]
pub struct DashboardArgs {
    /// Database (default: a fresh SQLite file in a temporary directory). A PostgreSQL
    /// URL gets a fresh schema, dropped at the end.
    #[arg(skip)]
    pub database: Option<String>,
    /// Dossiers to generate.
    #[arg(long, default_value_t = 1_000_000)]
    pub dossiers: usize,
    /// Agencies (communes and departments) they are spread over.
    #[arg(long, default_value_t = 120)]
    pub agencies: usize,
    /// Years of history, ending today.
    #[arg(long, default_value_t = 5)]
    pub years: u32,
    /// Requests per measured query.
    #[arg(long, default_value_t = 50)]
    pub queries: usize,
    /// Keep the generated database (its path or schema is printed) to query it again
    /// with `--reuse`.
    #[arg(long)]
    pub keep: bool,
    /// Skip the load: `--database` already holds a database this benchmark generated
    /// (with the same `--agencies`) and kept.
    #[arg(long, requires = "keep")]
    pub reuse: bool,
}

fn bench_err(e: impl std::fmt::Display) -> CliError {
    CliError::Bench(e.to_string())
}

/// Resident and peak memory of this process, from /proc (Linux).
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or_else(|| "?".to_owned(), |kb| format!("{} MiB", kb / 1024))
    };
    format!("RSS {}, peak {}", field("VmRSS:"), field("VmHWM:"))
}

/// A text progress bar on standard error, redrawn at most every 200 ms.
struct Progress {
    total: usize,
    started: Instant,
    drawn: Instant,
}

impl Progress {
    #[allow(clippy::disallowed_methods)] // a progress bar shows elapsed time
    fn new(total: usize) -> Self {
        let now = Instant::now();
        Progress {
            total,
            started: now,
            drawn: now,
        }
    }

    #[allow(clippy::cast_precision_loss, clippy::disallowed_methods)] // elapsed time
    fn show(&mut self, done: usize, force: bool) {
        if !force && self.drawn.elapsed() < Duration::from_millis(200) {
            return;
        }
        self.drawn = Instant::now();
        let frac = done as f64 / self.total.max(1) as f64;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let filled = (frac * 30.0).round() as usize;
        let secs = self.started.elapsed().as_secs_f64();
        let rate = done as f64 / secs.max(0.001);
        let eta = if rate > 0.0 {
            (self.total.saturating_sub(done)) as f64 / rate
        } else {
            0.0
        };
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r[{}{}] {:>5.1} % {done}/{} dossiers, {rate:.0}/s, {secs:.0} s, còn ~{eta:.0} s   ",
            "#".repeat(filled),
            "-".repeat(30 - filled.min(30)),
            frac * 100.0,
            self.total
        );
        if force {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

/// The made-up province: the demo's agencies and accounts, plus `n` communes, each
/// with a one-stop unit and two officers.
fn org(n: usize, hash: &str) -> (motcua_store::OrgImport, Vec<(String, String, [String; 2])>) {
    let mut org = crate::demo::org(hash);
    let mut keys = Vec::new();
    for i in 0..n {
        let code = format!("H79.60.{i:03}");
        let unit = format!("{code}.MC");
        org.agencies.push(Agency {
            code: code.clone(),
            name: format!("UBND xã Số {}", i + 1),
            admin_unit: "79".into(),
            parent: None,
        });
        org.units.push(OrgUnit {
            code: unit.clone(),
            agency: code.clone(),
            name: "Bộ phận Một cửa".into(),
        });
        let officers = [format!("cb{i:03}a"), format!("cb{i:03}b")];
        for o in &officers {
            org.accounts.push((
                Account {
                    username: o.clone(),
                    full_name: format!("Cán bộ {o}"),
                    kind: AccountKind::Officer,
                    roles: vec![RoleAssignment {
                        role: Role::Specialist,
                        agency: code.clone(),
                        unit: Some(unit.clone()),
                    }],
                    id_number: None,
                    phone: None,
                    email: None,
                },
                Some(hash.to_owned()),
            ));
        }
        keys.push((code, unit, officers));
    }
    (org, keys)
}

fn day(t: DateTime<Utc>) -> NaiveDate {
    motcua_domain::time::to_local(t).date()
}

/// One made-up dossier filed at `at`.
fn dossier(
    rng: &mut StdRng,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    code: String,
    key: StatKey,
) -> SyntheticDossier {
    let channel = match rng.random_range(0..100) {
        0..35 => Channel::Online,
        35..45 => Channel::Assisted,
        45..95 => Channel::Counter,
        _ => Channel::Post,
    };
    let received = at + chrono::Duration::minutes(rng.random_range(0..120));
    let allowed_days = rng.random_range(1..=21_i64);
    let due = received + chrono::Duration::days(allowed_days);
    // Most finish well before the due day; a few are late; the recent ones still run.
    let roll = rng.random_range(0..1000);
    let spent = if roll < 30 {
        chrono::Duration::days(allowed_days + rng.random_range(1..6))
    } else {
        chrono::Duration::minutes(rng.random_range(60..(allowed_days * 1440).max(61)))
    };
    let end_at = received + spent;
    let open = end_at > now;
    let kind = match rng.random_range(0..1000) {
        0..30 => EndKind::Refused,
        30..40 => EndKind::Withdrawn,
        40..45 => EndKind::Stopped,
        _ => EndKind::Decided,
    };
    let (end, completed_at) = if open {
        (None, None)
    } else {
        (Some((day(end_at), kind)), Some(end_at))
    };
    let timeliness = end.map(|(e, _)| {
        let d = day(due);
        if e < d {
            Timeliness::Early
        } else if e == d {
            Timeliness::OnTime
        } else {
            Timeliness::Late
        }
    });
    let late = timeliness == Some(Timeliness::Late);
    let returned_at = (kind == EndKind::Decided)
        .then(|| completed_at.map(|c| c + chrono::Duration::hours(rng.random_range(1..72))))
        .flatten()
        .filter(|r| *r <= now);
    let rating = returned_at
        .filter(|_| rng.random_range(0..10) < 3)
        .map(|r| {
            let level = match rng.random_range(0..100) {
                0..60 => Satisfaction::VerySatisfied,
                60..95 => Satisfaction::Satisfied,
                _ => Satisfaction::Dissatisfied,
            };
            (day(r), level)
        });
    let status = match (open, kind, returned_at) {
        (true, ..) => Status::InProcess,
        (false, EndKind::Refused, _) => Status::Refused,
        (false, EndKind::Withdrawn, _) => Status::Withdrawn,
        (false, EndKind::Stopped, _) => Status::Stopped,
        (false, EndKind::Decided, Some(_)) => Status::Returned,
        (false, EndKind::Decided, None) => Status::ResultReady,
    };
    let minutes = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_minutes().max(0);
    SyntheticDossier {
        code,
        status,
        submitted_at: at,
        received_at: Some(received),
        due_at: Some(due),
        completed_at,
        returned_at,
        facts: StatFacts {
            key,
            channel,
            received: Some(day(received)),
            due: Some(day(due)),
            end,
            timeliness,
            extended: late && rng.random_range(0..10) < 4,
            returned: returned_at.map(day),
            rating,
            spent_minutes: completed_at.map_or(0, |c| minutes(received, c)),
            allowed_minutes: completed_at.map_or(0, |_| minutes(received, due)),
            files: FileFlags {
                digitised: rng.random_range(0..100) < 90,
                e_result: rng.random_range(0..100) < 60,
            },
        },
    }
}

#[allow(clippy::disallowed_methods)] // a benchmark measures elapsed time
pub async fn run(args: DashboardArgs) -> Result<(), CliError> {
    let scratch =
        std::env::temp_dir().join(format!("motcua-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&scratch)?;
    let mut opts = StoreOptions::new(scratch.join("files"));
    let sqlite_file = scratch.join("bench.sqlite");
    let database = args
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", sqlite_file.display()));
    let pg_schema = (!database.starts_with("sqlite"))
        .then(|| format!("bench_{}", uuid::Uuid::new_v4().simple()));
    if args.reuse {
        // The kept database: a SQLite file, or the schema named after `#` in the URL.
        let (url, schema) = match database.split_once('#') {
            Some((u, s)) => (u.to_owned(), Some(s.to_owned())),
            None => (database.clone(), None),
        };
        opts.pg_schema = schema;
        let result = run_on(&args, &url, opts, &sqlite_file).await;
        let _ = std::fs::remove_dir_all(&scratch);
        return result;
    }
    opts.pg_schema.clone_from(&pg_schema);
    let result = run_on(&args, &database, opts, &sqlite_file).await;
    if args.keep {
        match &pg_schema {
            Some(schema) => println!("kept: --database '{database}#{schema}'"),
            None => println!("kept: --database 'sqlite://{}'", sqlite_file.display()),
        }
        return result;
    }
    if let Some(schema) = &pg_schema {
        Store::drop_pg_schema(&database, schema).await?;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

#[allow(clippy::disallowed_methods)] // a benchmark measures elapsed time
async fn run_on(
    args: &DashboardArgs,
    database: &str,
    opts: StoreOptions,
    sqlite_file: &std::path::Path,
) -> Result<(), CliError> {
    let store = Store::open(database, opts).await?;
    let now = motcua_domain::time::micros(Utc::now());
    let hash = motcua_web::hash_password("demo").map_err(bench_err)?;
    let (org, keys) = org(args.agencies.max(1), &hash);
    if !args.reuse {
        load(args, &store, org, &keys, now, sqlite_file).await?;
    } else {
        println!("database: {} ({database}), as kept", store.backend());
    }
    // The server, in process, and the dashboard's requests.
    let state = AppState::load(
        store.clone(),
        std::sync::Arc::new(WorkCalendar::vietnam()?),
        DeadlineRules::default(),
        std::sync::Arc::new(SystemClock),
        WebConfig::default(),
    )
    .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(motcua_web::serve(listener, state, async move {
        let _ = stop_rx.await;
    }));
    let client = reqwest::Client::new();
    let v: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": "demo"}))
        .send()
        .await
        .map_err(bench_err)?
        .json()
        .await
        .map_err(bench_err)?;
    let token = v
        .get("token")
        .and_then(Value::as_str)
        .ok_or_else(|| bench_err(format!("login: {v}")))?
        .to_owned();
    let today = day(now);
    let year = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let month = today.with_day(1).unwrap_or(today);
    let last_year = (
        NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today),
        NaiveDate::from_ymd_opt(today.year() - 1, 12, 31).unwrap_or(today),
    );
    let odd_from = today - chrono::Duration::days(100);
    let busiest = keys.first().map(|k| k.0.clone()).unwrap_or_default();
    let queries: Vec<(&str, String, bool)> = vec![
        (
            "province, year to date",
            format!("/api/v1/stats?from={year}&to={today}"),
            true,
        ),
        (
            "by agency, this month",
            format!("/api/v1/stats?from={month}&to={today}&group=agency"),
            true,
        ),
        (
            "by sector, last year",
            format!(
                "/api/v1/stats?from={}&to={}&group=sector",
                last_year.0, last_year.1
            ),
            true,
        ),
        (
            "one agency by officer",
            format!("/api/v1/stats?from={year}&to={today}&agency={busiest}&group=officer"),
            true,
        ),
        (
            "100 days, mid-month",
            format!("/api/v1/stats?from={odd_from}&to={today}"),
            true,
        ),
        (
            "index 766, this year",
            format!("/api/v1/index766?year={}", today.year()),
            true,
        ),
        ("public page /thong-ke", "/thong-ke".to_owned(), false),
    ];
    println!(
        "queries ({} each, after 3 to warm up), through HTTP:",
        args.queries
    );
    for (name, path, auth) in queries {
        let mut lat = Vec::with_capacity(args.queries);
        let mut failed = None;
        for i in 0..args.queries + 3 {
            let t0 = Instant::now();
            let mut req = client.get(format!("{base}{path}"));
            if auth {
                req = req.bearer_auth(&token);
            }
            let resp = req.send().await.map_err(bench_err)?;
            let status = resp.status();
            let body = resp.bytes().await.map_err(bench_err)?;
            if !status.is_success() {
                failed = Some(format!("{status}: {}", String::from_utf8_lossy(&body)));
                break;
            }
            if i >= 3 {
                lat.push(u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX));
            }
        }
        lat.sort_unstable();
        match failed {
            Some(e) => println!("  {name:<24} {path}\n    failed: {e}"),
            None => println!(
                "  {name:<24} p50 {:>7.2} ms  p99 {:>7.2} ms   {path}",
                percentile(&lat, 0.50),
                percentile(&lat, 0.99)
            ),
        }
    }
    println!("memory after queries: {}", memory());
    let _ = stop_tx.send(());
    let _ = server.await;
    Ok(())
}

/// Generates the dossiers and loads them, with a progress bar.
#[allow(clippy::disallowed_methods)] // a benchmark measures elapsed time
async fn load(
    args: &DashboardArgs,
    store: &Store,
    org: motcua_store::OrgImport,
    keys: &[(String, String, [String; 2])],
    now: DateTime<Utc>,
    sqlite_file: &std::path::Path,
) -> Result<(), CliError> {
    store.save_org(org, "bench", now).await?;
    let catalog = crate::import::demo_catalog()?;
    let procedures: Vec<String> = catalog.iter().map(|p| p.code.clone()).collect();
    store.save_procedures(catalog, "bench", now).await?;
    println!(
        "database: {}; {} dossiers over {} agencies and {} procedures, {} years",
        store.backend(),
        args.dossiers,
        keys.len(),
        procedures.len(),
        args.years
    );

    // Load, in time order, in batches of one transaction each.
    let mut rng = StdRng::seed_from_u64(766);
    let start = now - chrono::Duration::days(i64::from(args.years.max(1)) * 365);
    let span = (now - start).num_seconds();
    let mut seq: std::collections::HashMap<(usize, NaiveDate), u32> =
        std::collections::HashMap::new();
    // Agencies differ in size: a few busy wards, many quiet communes.
    let weights: Vec<f64> = (0..keys.len())
        .map(|i| 1.0 / ((i + 1) as f64).sqrt())
        .collect();
    let total_w: f64 = weights.iter().sum();
    let mut progress = Progress::new(args.dossiers);
    let started = Instant::now();
    let mut batch = Vec::with_capacity(5_000);
    for i in 0..args.dossiers {
        #[allow(clippy::cast_possible_wrap, clippy::cast_possible_truncation)]
        let offset = (i as i64).saturating_mul(span) / (args.dossiers.max(1) as i64);
        let at = start + chrono::Duration::seconds(offset);
        let mut pick = rng.random_range(0.0..total_w);
        let mut a = 0;
        for (k, w) in weights.iter().enumerate() {
            if pick < *w {
                a = k;
                break;
            }
            pick -= w;
        }
        let (agency, unit, officers) = keys.get(a).ok_or_else(|| bench_err("no agency"))?;
        let d = day(at);
        let n = seq.entry((a, d)).or_insert(0);
        *n += 1;
        let code = format!("{agency}-{}-{:04}", d.format("%y%m%d"), n);
        let procedure = procedures
            .get(rng.random_range(0..procedures.len().max(1)))
            .cloned()
            .unwrap_or_default();
        let key = StatKey {
            agency: agency.clone(),
            unit: unit.clone(),
            procedure,
            officer: officers
                .get(rng.random_range(0..2))
                .cloned()
                .unwrap_or_default(),
        };
        batch.push(dossier(&mut rng, at, now, code, key));
        if batch.len() == 5_000 || i + 1 == args.dossiers {
            store.load_synthetic(std::mem::take(&mut batch)).await?;
            seq.retain(|(_, day), _| *day >= d);
            progress.show(i + 1, false);
        }
    }
    progress.show(args.dossiers, true);
    let load = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = args.dossiers as f64 / load.max(0.001);
    println!(
        "load: {} dossiers in {load:.1} s ({rate:.0}/s)",
        args.dossiers
    );
    if let Ok(m) = std::fs::metadata(sqlite_file) {
        println!("database file: {} MiB", m.len() / (1024 * 1024));
    }
    println!("memory after load: {}", memory());
    Ok(())
}
