//! The HTTP layer of Một Cửa: the JSON API under `/api/v1` (described by
//! `/api/openapi.json`), `/healthz` and `/metrics`. Handlers are thin: the rules live
//! in `motcua-domain`, persistence in `motcua-store`.

pub mod api;
pub mod auth;
pub mod catalog_file;
pub mod clock;
pub mod error;
pub mod oidc;
pub mod payments;
pub mod paysim;
pub mod portal_sync;
pub mod state;
pub mod stats;
pub mod ui;
pub mod view;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

pub use auth::hash_password;
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::ApiError;
pub use state::{AppState, WebConfig};

/// Makes ring the process's TLS provider (reqwest is built without one, so the tree
/// needs neither aws-lc nor cmake). Call before building any HTTP client; calling
/// again is harmless.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Every route of the API, with its middleware.
pub fn router(state: AppState) -> Router {
    // Behind a TLS-terminating proxy the public address says whether browsers reach us
    // over HTTPS; only then may they be told to never use plain HTTP again.
    let hsts = state.config().public_url.starts_with("https://");
    let upload_limit = usize::try_from(state.config().max_attachment_bytes)
        .unwrap_or(usize::MAX)
        .saturating_mul(4)
        .saturating_add(1024 * 1024);
    let api = Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/logout-all", post(auth::logout_all))
        .route("/me", get(auth::me))
        .route("/me/export", get(api::export::my_data))
        .route("/me/totp", post(api::totp::start))
        .route("/me/totp/confirm", post(api::totp::confirm))
        .route("/me/totp/disable", post(api::totp::disable))
        .route("/tokens", post(api::tokens::create).get(api::tokens::list))
        .route("/tokens/{id}", axum::routing::delete(api::tokens::revoke))
        .route("/procedures", get(api::procedures::search))
        .route("/procedures/{code}", get(api::procedures::get))
        .route(
            "/procedures/{code}/process",
            get(api::processes::get).post(api::processes::post),
        )
        .route(
            "/procedures/{code}/process.svg",
            get(api::processes::get_svg),
        )
        .route(
            "/dossiers",
            post(api::dossiers::create).get(api::dossiers::list),
        )
        .route("/dossiers/{code}", get(api::dossiers::get))
        .route(
            "/dossiers/{code}/actions/{action}",
            post(api::dossiers::action),
        )
        .route("/dossiers/{code}/rating", post(api::dossiers::rating))
        .route("/dossiers/{code}/steps", get(api::processes::steps))
        .route("/dossiers/{code}/payments", get(api::payments::list))
        .route("/dossiers/{code}/fees", post(api::payments::charge))
        .route(
            "/dossiers/{code}/payments/{reference}/checkout",
            post(api::payments::checkout),
        )
        .route(
            "/dossiers/{code}/payments/{reference}/credits",
            post(api::payments::credit),
        )
        .route(
            "/dossiers/{code}/payments/{reference}/cancel",
            post(api::payments::cancel),
        )
        .route(
            "/dossiers/{code}/payments/{reference}/refund",
            post(api::payments::refund),
        )
        .route(
            "/dossiers/{code}/payments/{reference}/receipt.pdf",
            get(api::payments::receipt),
        )
        .route("/payments/gateways", get(api::payments::gateways))
        .route("/fees", get(api::fees::get).put(api::fees::put))
        .route("/statements", post(api::fees::import))
        .route("/reconciliation", get(api::fees::report))
        .route("/payments/expire", post(api::payments::expire))
        .route("/payments/summary", get(api::payments::summary))
        .route("/payments/{gateway}/ipn", get(api::payments::ipn))
        .route(
            "/dossiers/{code}/attachments",
            post(api::attachments::upload)
                .get(api::attachments::list)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/dossiers/{code}/attachments/{id}",
            get(api::attachments::download),
        )
        .route(
            "/dossiers/{code}/documents/{file}",
            get(api::documents::dossier_form),
        )
        .route("/agencies/{agency}/register", get(api::documents::register))
        .route("/applicants/find", post(api::applicants::find))
        .route("/audit", get(api::audit::search))
        .route("/stats", get(api::stats::stats))
        .route("/stats/report", get(api::stats::report))
        .route("/index766", get(api::stats::index766))
        .route("/lookup/{code}", get(api::dossiers::lookup))
        .fallback(not_found);
    Router::new()
        .merge(ui::routes())
        .merge(paysim::routes(&state))
        .route("/healthz", get(api::system::healthz))
        .route("/metrics", get(api::system::metrics))
        .route("/api/openapi.json", get(api::system::openapi))
        .nest("/api/v1", api)
        .fallback(not_found)
        .layer(middleware::from_fn(record_metrics))
        .layer(middleware::map_response(
            move |mut resp: Response| async move {
                if hsts {
                    resp.headers_mut().insert(
                        axum::http::header::STRICT_TRANSPORT_SECURITY,
                        axum::http::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
                    );
                }
                resp
            },
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(120),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(ApiError::internal("handler panicked"))
        }))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        "Không có địa chỉ này",
        "no such route",
    )
}

async fn record_metrics(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    #[allow(clippy::disallowed_methods)] // request duration for the metrics
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("motcua_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("motcua_http_request_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Serves the API on `listener` until `shutdown` resolves, then drains requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    api::system::prometheus();
    // Unpaid orders past their time are closed every five minutes.
    let expiring = state.clone();
    let expiry = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tick.tick().await;
            match payments::expire_due(&expiring).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(expired = n, "payment orders expired"),
                Err(e) => tracing::warn!(error = %e, "payment expiry failed"),
            }
        }
    });
    let served = axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    expiry.abort();
    served
}
