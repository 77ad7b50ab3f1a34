//! `motcua bench submit`: the real server, in process, over a fresh database; clients
//! file dossiers over HTTP (each answered 201 only after its commit), then look
//! dossiers up at a fixed rate. Prints throughput and latency percentiles.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use motcua_calendar::{DeadlineRules, WorkCalendar};
use motcua_domain::{Catalog, Ctx, Directory, DossierCode, Subject, SubmitRequest};
use motcua_store::{Store, StoreOptions};
use motcua_web::{AppState, SystemClock, WebConfig};
use serde_json::{Value, json};

use crate::error::CliError;

/// Options of `motcua bench submit`.
#[derive(Debug, Clone, clap::Args)]
pub struct SubmitArgs {
    /// Database to benchmark (default: a fresh SQLite file in a temporary directory).
    /// A PostgreSQL URL gets a fresh schema, dropped at the end.
    #[arg(skip)]
    pub database: Option<String>,
    /// Dossiers to file.
    #[arg(long, default_value_t = 20_000)]
    pub dossiers: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Dossiers to load directly before the run (e.g. 1000000 for the lookup target).
    #[arg(long, default_value_t = 0)]
    pub preload: usize,
    /// Lookups per second in the lookup phase (0: skip).
    #[arg(long, default_value_t = 1000)]
    pub lookup_rate: u32,
    /// Seconds of the lookup phase.
    #[arg(long, default_value_t = 5)]
    pub lookup_seconds: u64,
    /// Requests per page in the page phase (0: skip): the main pages, one at a time.
    #[arg(long, default_value_t = 100)]
    pub page_requests: usize,
}

fn bench_err(e: impl std::fmt::Display) -> CliError {
    CliError::Bench(e.to_string())
}

/// The `p` quantile of sorted microseconds, in milliseconds.
pub(crate) fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(idx).copied().unwrap_or(0) as f64 / 1000.0
}

/// Loads `n` received dossiers with codes on past days, straight into the store.
async fn preload(
    store: &Store,
    n: usize,
    now: DateTime<Utc>,
    calendar: &WorkCalendar,
) -> Result<Vec<String>, CliError> {
    let directory: Directory = store.load_directory().await?;
    let catalog = Catalog::new(store.load_procedures().await?);
    let officer = Subject::from_account(
        directory
            .officer("officer")
            .ok_or_else(|| bench_err("no officer"))?,
    );
    let rules = DeadlineRules::default();
    let procedure = catalog
        .get("2.000815")
        .ok_or_else(|| bench_err("procedure 2.000815 missing"))?;
    let form = &procedure
        .version_at(motcua_domain::dossier::local_day(now))?
        .form;
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1);
    let req: SubmitRequest = serde_json::from_value(json!({
        "procedure": "2.000815",
        "applicant": {"name": "Nguyễn Văn An", "id_number": "079099012345"},
        "form_data": crate::demo::sample_form_data(form, &mut rng)
    }))
    .map_err(bench_err)?;
    let template = motcua_domain::submit(
        req.clone(),
        &Ctx {
            subject: &officer,
            directory: &directory,
            catalog: &catalog,
            calendar,
            rules: &rules,
            processes: &motcua_domain::process::NO_PROCESSES,
            now,
        },
    )
    .map_err(|e| bench_err(e.message_vi()))?;
    let mut codes = Vec::with_capacity(n);
    let agencies = [crate::demo::COMMUNE_A, crate::demo::COMMUNE_B];
    let mut batch = Vec::with_capacity(2000);
    #[allow(clippy::disallowed_methods)]
    let started = Instant::now();
    for i in 0..n {
        let day_back = (i / 4000) as i64 + 400;
        let at = now - chrono::Duration::days(day_back);
        let agency = agencies
            .get(i % 2)
            .copied()
            .unwrap_or(crate::demo::COMMUNE_A);
        let mut d = template.clone();
        d.code = DossierCode::new(
            agency,
            motcua_domain::dossier::local_day(at),
            u32::try_from(i % 4000 / 2 + 1).unwrap_or(1),
        );
        d.receiving_agency = agency.to_owned();
        d.handling_agency = agency.to_owned();
        d.submitted_at = at;
        d.received_at = Some(at);
        for e in &mut d.events {
            e.at = at;
        }
        codes.push(d.code.to_string());
        batch.push(d);
        if batch.len() == 2000 || i + 1 == n {
            store
                .import_dossiers(std::mem::take(&mut batch), "bench", now)
                .await?;
        }
    }
    println!(
        "preloaded {n} dossiers in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(codes)
}

#[allow(clippy::disallowed_methods)] // a benchmark measures elapsed time
pub async fn run(args: SubmitArgs) -> Result<(), CliError> {
    let scratch =
        std::env::temp_dir().join(format!("motcua-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&scratch)?;
    let mut opts = StoreOptions::new(scratch.join("files"));
    let database = args
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", scratch.join("bench.sqlite").display()));
    let pg_schema = (!database.starts_with("sqlite"))
        .then(|| format!("bench_{}", uuid::Uuid::new_v4().simple()));
    opts.pg_schema.clone_from(&pg_schema);
    let result = run_on(&args, &database, opts).await;
    if let Some(schema) = &pg_schema {
        Store::drop_pg_schema(&database, schema).await?;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

#[allow(clippy::disallowed_methods)] // a benchmark measures elapsed time
async fn run_on(args: &SubmitArgs, database: &str, opts: StoreOptions) -> Result<(), CliError> {
    let store = Store::open(database, opts).await?;
    let now = motcua_domain::time::micros(Utc::now());
    let hash = motcua_web::hash_password("demo").map_err(bench_err)?;
    store
        .save_org(crate::demo::org(&hash), "bench", now)
        .await?;
    store
        .save_procedures(crate::import::demo_catalog()?, "bench", now)
        .await?;
    let calendar = Arc::new(WorkCalendar::vietnam()?);
    let mut lookup_codes = if args.preload > 0 {
        preload(&store, args.preload, now, &calendar).await?
    } else {
        Vec::new()
    };

    let state = AppState::load(
        store.clone(),
        calendar,
        DeadlineRules::default(),
        Arc::new(SystemClock),
        WebConfig::default(),
    )
    .await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(motcua_web::serve(listener, state, async move {
        let _ = stop_rx.await;
    }));

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency.max(1))
        .build()
        .map_err(bench_err)?;
    let login = |user: &'static str| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let v: Value = client
                .post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"username": user, "password": "demo"}))
                .send()
                .await
                .map_err(bench_err)?
                .json()
                .await
                .map_err(bench_err)?;
            v.get("token")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| bench_err(format!("login {user}: {v}")))
        }
    };
    let citizen = login("citizen").await?;
    let officer = login("officer").await?;

    // Filing: half online by a citizen, half at the counter (received at once).
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for w in 0..args.concurrency.max(1) {
        let (client, base, next) = (client.clone(), base.clone(), Arc::clone(&next));
        let (citizen, officer) = (citizen.clone(), officer.clone());
        let total = args.dossiers;
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut codes = Vec::new();
            let mut errors = 0usize;
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let counter = w % 2 == 1;
                let body = json!({
                    "procedure": "1.001193",
                    "agency": if counter { crate::demo::COMMUNE_A } else { crate::demo::COMMUNE_B },
                    "applicant": {"name": "Nguyễn Văn An", "id_number": "079099012345", "phone": "0912345678"},
                    "form_data": {
                        "nguoi_yeu_cau_ho_ten": "Nguyễn Văn An",
                        "nguoi_yeu_cau_so_dinh_danh": "079099012345",
                        "quan_he_voi_nguoi_duoc_khai_sinh": "Cha",
                        "tre_ho_ten": "Nguyễn Thị Bình",
                        "tre_ngay_sinh": "2026-10-01",
                        "tre_gioi_tinh": "Nữ",
                        "tre_dan_toc": "Kinh",
                        "tre_noi_sinh": "Bệnh viện Hùng Vương"
                    }
                });
                let token = if counter { &officer } else { &citizen };
                let t0 = Instant::now();
                let resp = client.post(format!("{base}/api/v1/dossiers")).bearer_auth(token).json(&body).send().await;
                match resp {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                        let v: Value = r.json().await.unwrap_or_default();
                        latencies.push(u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX));
                        if let Some(c) = v.get("code").and_then(Value::as_str) {
                            codes.push(c.to_owned());
                        }
                    }
                    Ok(r) => {
                        errors += 1;
                        if errors <= 3 {
                            eprintln!("submit failed: {} {}", r.status(), r.text().await.unwrap_or_default());
                        }
                    }
                    Err(e) => {
                        errors += 1;
                        if errors <= 3 {
                            eprintln!("submit failed: {e}");
                        }
                    }
                }
            }
            (latencies, codes, errors)
        }));
    }
    let mut latencies = Vec::with_capacity(args.dossiers);
    let mut errors = 0;
    for w in workers {
        let (l, c, e) = w.await.map_err(bench_err)?;
        latencies.extend(l);
        lookup_codes.extend(c);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    println!("database: {} ({database})", store.backend());
    #[allow(clippy::cast_precision_loss)]
    let rate = latencies.len() as f64 / elapsed;
    println!(
        "submit: {} dossiers, concurrency {}: {rate:.0} /s, p50 {:.1} ms, p99 {:.1} ms, errors {errors}",
        latencies.len(),
        args.concurrency,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99)
    );

    // A dossier the officer (of commune A) may open, for the page phase.
    let sample = lookup_codes
        .iter()
        .find(|c| c.starts_with(&format!("{}-", crate::demo::COMMUNE_A)))
        .cloned();
    if args.lookup_rate > 0 && !lookup_codes.is_empty() {
        let total = u64::from(args.lookup_rate) * args.lookup_seconds;
        let interval = Duration::from_secs_f64(1.0 / f64::from(args.lookup_rate));
        let codes = Arc::new(lookup_codes);
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let mut tasks = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
        let started = Instant::now();
        for i in 0..total {
            ticker.tick().await;
            let (client, base, codes) = (client.clone(), base.clone(), Arc::clone(&codes));
            tasks.push(tokio::spawn(async move {
                let idx = usize::try_from(i.wrapping_mul(2_654_435_761) % codes.len() as u64)
                    .unwrap_or(0);
                let code = codes.get(idx).cloned().unwrap_or_default();
                let t0 = Instant::now();
                let ok = client
                    .get(format!("{base}/api/v1/lookup/{code}"))
                    .send()
                    .await
                    .map(|r| r.status() == reqwest::StatusCode::OK)
                    .unwrap_or(false);
                (
                    u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX),
                    ok,
                )
            }));
        }
        let mut lat = Vec::with_capacity(tasks.len());
        let mut failed = 0;
        for t in tasks {
            let (l, ok) = t.await.map_err(bench_err)?;
            lat.push(l);
            if !ok {
                failed += 1;
            }
        }
        let elapsed = started.elapsed().as_secs_f64();
        lat.sort_unstable();
        #[allow(clippy::cast_precision_loss)]
        let achieved = lat.len() as f64 / elapsed;
        println!(
            "lookup: {} requests at {achieved:.0}/s over {} dossiers: p50 {:.2} ms, p99 {:.2} ms, errors {failed}",
            lat.len(),
            codes.len(),
            percentile(&lat, 0.50),
            percentile(&lat, 0.99)
        );
    }
    if args.page_requests > 0
        && let Some(code) = &sample
    {
        pages(&client, &base, &officer, code, args.page_requests).await?;
    }
    let _ = stop_tx.send(());
    let _ = server.await;
    Ok(())
}

/// Renders the main pages one request at a time (so the figure is the server's
/// time plus a loopback round trip) and prints p50/p99 per page.
#[allow(clippy::disallowed_methods)] // a benchmark measures elapsed time
async fn pages(
    client: &reqwest::Client,
    base: &str,
    officer: &str,
    code: &str,
    n: usize,
) -> Result<(), CliError> {
    let cookie = format!("mc_session={officer}");
    let list: [(&str, String, bool); 7] = [
        ("home", "/".to_owned(), false),
        ("search", "/thu-tuc?q=dang+ky+khai+sinh".to_owned(), false),
        ("procedure", "/thu-tuc/1.001193".to_owned(), false),
        ("lookup", format!("/tra-cuu/{code}"), false),
        ("queue", "/can-bo".to_owned(), true),
        ("queue late", "/can-bo?due=late".to_owned(), true),
        ("dossier", format!("/can-bo/ho-so/{code}"), true),
    ];
    println!("pages ({n} requests each, one at a time):");
    for (name, path, signed_in) in list {
        let mut lat = Vec::with_capacity(n);
        for i in 0..n + 5 {
            let mut req = client.get(format!("{base}{path}"));
            if signed_in {
                req = req.header(reqwest::header::COOKIE, &cookie);
            }
            let t0 = Instant::now();
            let resp = req.send().await.map_err(bench_err)?;
            let status = resp.status();
            let body = resp.bytes().await.map_err(bench_err)?;
            if status != reqwest::StatusCode::OK {
                return Err(bench_err(format!("{name} {path}: {status}")));
            }
            // The first few warm caches and connections.
            if i >= 5 {
                lat.push(u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX));
            }
            drop(body);
        }
        lat.sort_unstable();
        println!(
            "  {name:<11} {path:<40} p50 {:>6.2} ms  p99 {:>6.2} ms",
            percentile(&lat, 0.50),
            percentile(&lat, 0.99)
        );
    }
    Ok(())
}
