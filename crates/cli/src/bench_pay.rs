//! `motcua bench pay`: the real server, in process, over a fresh database holding `N`
//! pending payment orders; clients deliver one signed VNPAY notification (IPN) per
//! order over HTTP, then deliver a share of them again, as a gateway retrying would.
//! Every notification goes the whole way: signature check, order lookup, duplicate
//! check, amount check, credit written in a group commit. Prints throughput, latency
//! percentiles and the reply codes, then checks from the store that every order was
//! paid exactly once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use motcua_calendar::{DeadlineRules, WorkCalendar};
use motcua_domain::fee::{Charge, FeeBook, FeeKind, Order, OrderDraft, OrderStatus, PayAccount};
use motcua_domain::{Catalog, Ctx, Directory, DossierCode, Subject, SubmitRequest};
use motcua_pay::gateway::PayRequest;
use motcua_pay::sim::{SimGateway, SimOutcome};
use motcua_pay::vnpay::VnPay;
use motcua_store::{RequestMeta, Store, StoreOptions};
use motcua_web::payments::{GatewayKind, PaymentsConfig};
use motcua_web::{AppState, SystemClock, WebConfig};
use serde_json::{Value, json};

use crate::bench_submit::percentile;
use crate::error::CliError;

/// The agency whose account collects every order of the run.
const AGENCY: &str = crate::demo::COMMUNE_A;

/// Options of `motcua bench pay`.
#[derive(Debug, Clone, clap::Args)]
pub struct PayArgs {
    /// Database to benchmark (default: a fresh SQLite file in a temporary directory).
    /// A PostgreSQL URL gets a fresh schema, dropped at the end.
    #[arg(skip)]
    pub database: Option<String>,
    /// Payment orders to create and pay (one notification each).
    #[arg(long, default_value_t = 20_000)]
    pub orders: usize,
    /// Concurrent clients (the gateway's notification senders).
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Percent of the notifications sent a second time (each must be answered `02`
    /// and credit nothing).
    #[arg(long, default_value_t = 10)]
    pub duplicates: u32,
}

fn bench_err(e: impl std::fmt::Display) -> CliError {
    CliError::Bench(e.to_string())
}

/// The fee book of the run: one treasury account for the agency, and a fixed fee on
/// the procedure the dossiers are filed under.
const FEE_BOOK: &str = r#"
accounts:
  - agency: H79.50.01
    kind: treasury
    bin: "970405"
    number: "7111000111"
    holder: KBNN KHU VUC XVII - UBND XA BINH GIA
    awaiting_budget: true
    valid_from: 2020-01-01
schedules:
  - procedure: "2.000815"
    valid_from: 2020-01-01
    lines:
      - id: phi
        name: Phí chứng thực bản sao từ bản chính
        kind: charge
        rate: {type: fixed, amount: 2000}
        payee: receiving
"#;

#[allow(clippy::disallowed_methods)] // a benchmark measures elapsed time
pub async fn run(args: PayArgs) -> Result<(), CliError> {
    let scratch = std::env::temp_dir().join(format!(
        "motcua-bench-pay-{}",
        uuid::Uuid::new_v4().simple()
    ));
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

/// Loads `n` received dossiers of the agency with codes on past days, straight into
/// the store; returns their codes.
async fn dossiers(
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
        "agency": AGENCY,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "079099012345"},
        "form_data": crate::demo::sample_form_data(form, &mut rng)
    }))
    .map_err(bench_err)?;
    let template = motcua_domain::submit(
        req,
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
    let mut batch = Vec::with_capacity(2000);
    for i in 0..n {
        let day_back = i64::try_from(i / 4000).unwrap_or(0) + 400;
        let at = now - chrono::Duration::days(day_back);
        let mut d = template.clone();
        d.code = DossierCode::new(
            AGENCY,
            motcua_domain::dossier::local_day(at),
            u32::try_from(i % 4000 + 1).unwrap_or(1),
        );
        d.receiving_agency = AGENCY.to_owned();
        d.handling_agency = AGENCY.to_owned();
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
    Ok(codes)
}

/// One pending order per dossier (amounts varied so the sums mean something),
/// created `concurrency` at a time so the writer batches them.
async fn orders(
    store: &Store,
    book: &FeeBook,
    codes: &[String],
    now: DateTime<Utc>,
    concurrency: usize,
) -> Result<Vec<Order>, CliError> {
    let account: PayAccount = book
        .account(AGENCY, motcua_store::vietnam_day(now))
        .cloned()
        .ok_or_else(|| bench_err("the fee book has no account for the agency"))?;
    let expires = now + chrono::Duration::days(30);
    let results: Vec<Result<Vec<Order>, CliError>> =
        futures::stream::iter(codes.iter().enumerate().map(|(i, code)| {
            let amount = 2_000 + i64::try_from(i % 97).unwrap_or(0) * 1_000;
            let draft = OrderDraft {
                agency: AGENCY.to_owned(),
                account: Some(account.clone()),
                lines: vec![Charge {
                    line: "phi".to_owned(),
                    name: "Phí chứng thực bản sao từ bản chính".to_owned(),
                    kind: FeeKind::Charge,
                    agency: AGENCY.to_owned(),
                    quantity: None,
                    gross: amount,
                    exemption: None,
                    amount,
                    legal_basis: None,
                }],
                amount_due: amount,
            };
            async move {
                store
                    .create_orders(
                        code,
                        vec![draft],
                        now,
                        expires,
                        "officer",
                        RequestMeta::default(),
                    )
                    .await
                    .map_err(CliError::from)
            }
        }))
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut out = Vec::with_capacity(codes.len());
    for r in results {
        out.extend(r?);
    }
    out.sort_by_key(|o| o.id);
    Ok(out)
}

/// The IPN address of each order, with the signed parameters the simulated VNPAY
/// sends once the citizen paid (checkout built and checked as the real flow does).
fn notifications(
    orders: &[Order],
    base: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, CliError> {
    let config = PaymentsConfig::demo();
    let vnpay = config
        .gateways
        .iter()
        .find(|g| g.kind == GatewayKind::Vnpay)
        .ok_or_else(|| bench_err("the demo payments have no VNPAY gateway"))?;
    let gateway = VnPay::new(
        &vnpay.merchant,
        &vnpay.secret,
        format!(
            "{base}{}",
            motcua_web::payments::sim_path(GatewayKind::Vnpay)
        ),
    );
    let sim = SimGateway::VnPay(gateway.clone());
    let ipn = format!("{base}/api/v1/payments/vnpay/ipn");
    let local = motcua_domain::time::to_local(now);
    let mut out = Vec::with_capacity(orders.len());
    for (i, order) in orders.iter().enumerate() {
        let request = PayRequest {
            reference: order.reference.clone(),
            amount_vnd: order.balance(),
            order_info: format!("Thanh toan phi le phi ho so {}", order.dossier_code),
            return_url: format!("{base}/thanh-toan/ket-qua/vnpay"),
            client_ip: "127.0.0.1".to_owned(),
            created_at: local,
            expires_at: local + chrono::Duration::minutes(15),
            locale: "vn".to_owned(),
        };
        let params = gateway.checkout_params(&request).map_err(bench_err)?;
        let checkout = sim
            .open_checkout_params(&params, local)
            .map_err(bench_err)?;
        let txn_no = 14_000_000 + u64::try_from(i).unwrap_or(0);
        let settled = sim
            .settle(&checkout, SimOutcome::Pay, txn_no, local)
            .map_err(bench_err)?;
        out.push(motcua_pay::sim::callback_url(&ipn, &settled));
    }
    Ok(out)
}

/// What delivering a set of notifications measured.
struct Delivery {
    latencies: Vec<u64>,
    codes: BTreeMap<String, usize>,
    errors: usize,
    seconds: f64,
}

/// Sends every address in `urls` with `concurrency` clients, each on its own kept-alive
/// connection, one request at a time.
#[allow(clippy::disallowed_methods)] // a benchmark measures elapsed time
async fn deliver(
    client: &reqwest::Client,
    urls: Arc<Vec<String>>,
    concurrency: usize,
) -> Result<Delivery, CliError> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (client, urls, next) = (client.clone(), Arc::clone(&urls), Arc::clone(&next));
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut codes: HashMap<String, usize> = HashMap::new();
            let mut errors = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let t0 = Instant::now();
                let resp = client.get(url).send().await;
                let body = match resp {
                    Ok(r) if r.status() == reqwest::StatusCode::OK => r.bytes().await.ok(),
                    Ok(r) => {
                        if errors < 3 {
                            eprintln!(
                                "notification failed: {} {}",
                                r.status(),
                                r.text().await.unwrap_or_default()
                            );
                        }
                        None
                    }
                    Err(e) => {
                        if errors < 3 {
                            eprintln!("notification failed: {e}");
                        }
                        None
                    }
                };
                let code = body
                    .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                    .and_then(|v| v.get("RspCode").and_then(Value::as_str).map(str::to_owned));
                match code {
                    Some(c) => {
                        latencies.push(u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX));
                        *codes.entry(c).or_default() += 1;
                    }
                    None => errors += 1,
                }
            }
            (latencies, codes, errors)
        }));
    }
    let mut out = Delivery {
        latencies: Vec::with_capacity(urls.len()),
        codes: BTreeMap::new(),
        errors: 0,
        seconds: 0.0,
    };
    for w in workers {
        let (l, c, e) = w.await.map_err(bench_err)?;
        out.latencies.extend(l);
        for (code, n) in c {
            *out.codes.entry(code).or_default() += n;
        }
        out.errors += e;
    }
    out.seconds = started.elapsed().as_secs_f64();
    out.latencies.sort_unstable();
    Ok(out)
}

fn print_delivery(name: &str, d: &Delivery, concurrency: usize) {
    #[allow(clippy::cast_precision_loss)]
    let rate = d.latencies.len() as f64 / d.seconds.max(1e-9);
    let codes = d
        .codes
        .iter()
        .map(|(c, n)| format!("\"{c}\" × {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    println!(
        "{name}: {} notifications, concurrency {concurrency}, in {:.2} s: {rate:.0} /s \
         (signature checked), p50 {:.2} ms, p99 {:.2} ms; replies {codes}; errors {}",
        d.latencies.len(),
        d.seconds,
        percentile(&d.latencies, 0.50),
        percentile(&d.latencies, 0.99),
        d.errors
    );
}

/// What the store holds after the run, checked against the orders made.
async fn verify(
    store: &Store,
    orders: &[Order],
    now: DateTime<Utc>,
) -> Result<(bool, String), CliError> {
    let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let due: i64 = orders.iter().map(|o| o.amount_due).sum();
    let mut paid = 0usize;
    let mut paid_amount = 0i64;
    let mut credits_per_order: HashMap<i64, usize> = HashMap::new();
    for chunk in ids.chunks(500) {
        for o in store.orders_by_id(chunk).await? {
            if o.status == OrderStatus::Paid && o.amount_paid == o.amount_due {
                paid += 1;
            }
            paid_amount += o.amount_paid;
        }
        for (id, _) in store.gateway_txns(chunk).await? {
            *credits_per_order.entry(id).or_default() += 1;
        }
    }
    let twice = credits_per_order.values().filter(|n| **n > 1).count();
    let credited = credits_per_order.len();
    let day = chrono::Duration::days(2);
    let takings = store
        .takings(&[AGENCY.to_owned()], now - day, now + day)
        .await?;
    let credit_count: i64 = takings.iter().map(|t| t.count).sum();
    let credit_sum: i64 = takings.iter().map(|t| t.amount).sum();
    let n = orders.len();
    let consistent = paid == n
        && credited == n
        && twice == 0
        && credit_sum == due
        && paid_amount == due
        && usize::try_from(credit_count).ok() == Some(n);
    let summary = format!(
        "orders {n}, paid in full {paid}, orders credited {credited}, credited twice {twice}, \
         credits {credit_count} summing {credit_sum} đ, amounts due {due} đ, paid on orders {paid_amount} đ"
    );
    Ok((consistent, summary))
}

#[allow(clippy::disallowed_methods)] // a benchmark measures elapsed time
async fn run_on(args: &PayArgs, database: &str, opts: StoreOptions) -> Result<(), CliError> {
    let setup = Instant::now();
    let store = Store::open(database, opts).await?;
    let now = motcua_domain::time::micros(Utc::now());
    let hash = motcua_web::hash_password("demo").map_err(bench_err)?;
    store
        .save_org(crate::demo::org(&hash), "bench", now)
        .await?;
    store
        .save_procedures(crate::import::demo_catalog()?, "bench", now)
        .await?;
    let book = FeeBook::from_yaml(FEE_BOOK).map_err(bench_err)?;
    store
        .save_fee_book(&book, "bench", now, RequestMeta::default())
        .await?;
    let calendar = Arc::new(WorkCalendar::vietnam()?);
    let t = Instant::now();
    let codes = dossiers(&store, args.orders, now, &calendar).await?;
    let dossier_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let orders = orders(&store, &book, &codes, now, 256).await?;
    let order_secs = t.elapsed().as_secs_f64();
    if orders.len() != args.orders {
        return Err(bench_err(format!(
            "{} orders made for {} dossiers",
            orders.len(),
            args.orders
        )));
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let config = WebConfig {
        public_url: base.clone(),
        payments: PaymentsConfig::demo(),
        ..WebConfig::default()
    };
    let state = AppState::load(
        store.clone(),
        calendar,
        DeadlineRules::default(),
        Arc::new(SystemClock),
        config,
    )
    .await?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(motcua_web::serve(listener, state, async move {
        let _ = stop_rx.await;
    }));

    let t = Instant::now();
    let urls = notifications(&orders, &base, now)?;
    let sign_secs = t.elapsed().as_secs_f64();
    // An evenly spread share of the notifications, delivered again.
    let n = urls.len();
    let repeats = n * usize::try_from(args.duplicates.min(100)).unwrap_or(0) / 100;
    let again: Vec<String> = (0..repeats)
        .filter_map(|k| urls.get(k * n / repeats.max(1)).cloned())
        .collect();
    #[allow(clippy::cast_precision_loss)]
    let order_rate = n as f64 / order_secs.max(1e-9);
    println!("database: {} ({database})", store.backend());
    println!(
        "setup {:.1} s: {n} dossiers loaded in {dossier_secs:.1} s, {n} pending orders \
         created in {order_secs:.1} s ({order_rate:.0} /s), {n} notifications signed in {sign_secs:.2} s",
        setup.elapsed().as_secs_f64(),
    );

    let result = async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(args.concurrency.max(1))
            .build()
            .map_err(bench_err)?;
        let first = deliver(&client, Arc::new(urls), args.concurrency).await?;
        print_delivery("first delivery", &first, args.concurrency);
        let second = deliver(&client, Arc::new(again), args.concurrency).await?;
        print_delivery("duplicates", &second, args.concurrency);
        let confirmed = first.codes.get("00").copied().unwrap_or(0);
        let already = second.codes.get("02").copied().unwrap_or(0);
        println!(
            "replies: \"00\" {confirmed} (expected {n}), duplicates \"02\" {already} (expected {repeats})"
        );
        let (consistent, summary) = verify(&store, &orders, now).await?;
        let replies_ok = confirmed == n
            && first.errors == 0
            && already == repeats
            && second.errors == 0
            && second.latencies.len() == repeats;
        println!("store: {summary}");
        let ok = consistent && replies_ok;
        println!("consistent: {}", if ok { "yes" } else { "no" });
        if ok {
            Ok(())
        } else {
            Err(bench_err(
                "the payments do not add up: see the figures above",
            ))
        }
    }
    .await;
    let _ = stop_tx.send(());
    let _ = server.await;
    result
}
