//! The pages (server-rendered, Vietnamese first, usable without JavaScript): the
//! citizen portal and the officer desk. Handlers are thin; texts come from the
//! translation catalogues ([`i18n`]).

pub mod account;
pub mod admin;
pub mod citizen;
pub mod dashboard;
pub mod desk;
pub mod forms;
pub mod i18n;
pub mod payments;
pub mod process_editor;
pub mod public;
pub mod session;

use askama::Template;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};

pub use session::Ui;

use crate::state::AppState;

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/thu-tuc", get(public::search))
        .route("/thu-tuc/{code}", get(public::procedure))
        .route("/thu-tuc/{code}/mau-in", get(public::printable_form))
        .route("/tra-cuu", get(public::lookup_form))
        .route("/tra-cuu/{code}", get(public::lookup))
        .route("/ngon-ngu", get(session::language))
        .route("/dang-nhap", get(session::login_page).post(session::login))
        .route("/dang-nhap/oidc/callback", get(session::oidc_callback))
        .route("/dang-nhap/oidc/{provider}", get(session::oidc_start))
        .route("/dang-xuat", post(session::logout))
        .route("/nop-ho-so/{code}", get(citizen::start))
        .route("/ho-so-nhap/{id}", get(citizen::resume))
        .route(
            "/ho-so-nhap/{id}/buoc/{step}",
            get(citizen::step).post(citizen::save_step),
        )
        .route("/ho-so-nhap/{id}/tep", post(citizen::upload))
        .route(
            "/ho-so-nhap/{id}/tep/{file}/xoa",
            post(citizen::delete_file),
        )
        .route("/ho-so-nhap/{id}/nop", post(citizen::file))
        .route("/ho-so-cua-toi", get(citizen::mine))
        .route("/ho-so-cua-toi/du-lieu.zip", get(citizen::export))
        .route("/ho-so-cua-toi/{code}", get(citizen::detail))
        .route("/ho-so-cua-toi/{code}/bien-nhan", get(citizen::receipt))
        .route("/ho-so-cua-toi/{code}/giay-to/{file}", get(citizen::paper))
        .route("/ho-so-cua-toi/{code}/bo-sung", post(citizen::supplement))
        .route("/ho-so-cua-toi/{code}/danh-gia", post(citizen::rate))
        .route("/ho-so-cua-toi/{code}/rut", post(citizen::withdraw))
        .route("/ho-so-cua-toi/{code}/thanh-toan", get(payments::page))
        .route(
            "/ho-so-cua-toi/{code}/thanh-toan/{reference}",
            post(payments::checkout),
        )
        .route(
            "/ho-so-cua-toi/{code}/bien-lai/{file}",
            get(payments::receipt_pdf),
        )
        .route("/thanh-toan/ket-qua/{gateway}", get(payments::back))
        .route("/thong-ke", get(dashboard::public))
        .route("/can-bo/thong-ke", get(dashboard::overview))
        .route("/can-bo/thong-ke/tre-han", get(dashboard::late))
        .route("/can-bo/thong-ke/bao-cao.xlsx", get(dashboard::report_xlsx))
        .route("/can-bo/thong-ke/bao-cao.pdf", get(dashboard::report_pdf))
        .route("/can-bo/chi-so-766", get(dashboard::index766))
        .route("/can-bo/thu-phi", get(payments::takings))
        .route("/can-bo/thu-phi/sao-ke", post(payments::import))
        .route(
            "/can-bo/ho-so/{code}/thu-phi/{reference}",
            post(payments::record),
        )
        .route("/can-bo/ho-so/{code}/tinh-phi", post(payments::charge))
        .route("/can-bo", get(desk::queue))
        .route("/can-bo/tiep-nhan", get(desk::counter_pick))
        .route(
            "/can-bo/tiep-nhan/{code}",
            get(desk::counter_form).post(desk::counter_receive),
        )
        .route(
            "/can-bo/tiep-nhan/{code}/tim-nguoi-nop",
            post(desk::counter_find),
        )
        .route("/can-bo/nop-ho", get(desk::assisted_pick))
        .route("/can-bo/ho-so/{code}", get(desk::dossier))
        .route("/can-bo/ho-so/{code}/phieu-tiep-nhan", get(desk::receipt))
        .route("/can-bo/ho-so/{code}/giay-to/{file}", get(desk::paper))
        .route("/can-bo/so-theo-doi", get(desk::register))
        .route("/can-bo/ho-so/{code}/thao-tac/{action}", post(desk::act))
        .route("/can-bo/ho-so/{code}/tep", post(desk::upload))
        .route("/can-bo/ho-so/{code}/tep/{id}", get(desk::file))
        .route("/can-bo/phe-duyet", get(desk::approvals).post(desk::bulk))
        .route("/tai-khoan", get(account::index))
        .route("/tai-khoan/hai-buoc/bat-dau", post(account::totp_start))
        .route("/tai-khoan/hai-buoc/{what}", post(account::totp_code))
        .route("/tai-khoan/ma-truy-cap", post(account::token_create))
        .route(
            "/tai-khoan/ma-truy-cap/{id}/thu-hoi",
            post(account::token_revoke),
        )
        .route("/quan-tri", get(admin::index))
        .route("/quan-tri/nhat-ky", get(admin::audit_log))
        .route("/quan-tri/co-quan", post(admin::save_agency))
        .route("/quan-tri/don-vi", post(admin::save_unit))
        .route("/quan-tri/can-bo", post(admin::save_officer))
        .route("/quan-tri/thu-tuc", post(admin::import_catalog))
        .route(
            "/quan-tri/quy-trinh/{code}",
            get(process_editor::show).post(process_editor::post),
        )
        .route(
            "/quan-tri/ngay-nghi",
            get(admin::holidays).post(admin::save_holiday),
        )
        .route("/static/{file}", get(asset))
        .layer(middleware::from_fn(page_headers))
}

/// A page's errors: an HTML page with the message, never a stack trace.
#[derive(Debug)]
pub struct UiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    ui: Option<Box<Ui>>,
    /// Instead of an error page, go there (e.g. the login page).
    redirect: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ui: &'a Ui,
    status: u16,
    code: &'a str,
    message: &'a str,
}

impl UiError {
    /// An error shown with the page's language and navigation.
    pub fn new(ui: &Ui, status: StatusCode, code: &'static str, message: String) -> Self {
        UiError {
            status,
            code,
            message,
            ui: Some(Box::new(ui.clone())),
            redirect: None,
        }
    }

    /// Not an error after all: send the browser to `to` (login first, then back).
    pub fn redirect(to: String) -> Self {
        UiError {
            status: StatusCode::SEE_OTHER,
            code: "redirect",
            message: String::new(),
            ui: None,
            redirect: Some(to),
        }
    }

    /// From an API error (same code and message).
    pub fn from_api(ui: &Ui, e: crate::error::ApiError) -> Self {
        let message = e.message().to_owned();
        UiError::new(ui, e.status(), e.code(), message)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message shown.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Not found.
    pub fn not_found(ui: &Ui) -> Self {
        UiError::new(
            ui,
            StatusCode::NOT_FOUND,
            "page_not_found",
            ui.tr.t("error-not-found"),
        )
    }

    /// Needs another role.
    pub fn forbidden(ui: &Ui) -> Self {
        UiError::new(
            ui,
            StatusCode::FORBIDDEN,
            "forbidden",
            ui.tr.t("error-forbidden"),
        )
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        if let Some(to) = self.redirect {
            return see_other(&to);
        }
        let ui = self.ui.map_or_else(Ui::anonymous, |b| *b);
        let page = ErrorPage {
            ui: &ui,
            status: self.status.as_u16(),
            code: self.code,
            message: &self.message,
        };
        match page.render() {
            Ok(html) => (self.status, axum::response::Html(html)).into_response(),
            Err(e) => (self.status, format!("{} ({e})", self.message)).into_response(),
        }
    }
}

/// Result of a page handler.
pub type UiResult<T> = Result<T, UiError>;

/// Renders a template, or an error page when rendering fails.
pub fn render<T: Template>(ui: &Ui, page: &T) -> UiResult<Response> {
    page.render()
        .map(|html| axum::response::Html(html).into_response())
        .map_err(|e| {
            tracing::error!(error = %e, "template failed");
            UiError::new(
                ui,
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                ui.tr.t("error-internal"),
            )
        })
}

/// Redirect after a successful form post (303: the browser follows with GET).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Vietnam local time for display: `16:40 09/10/2026`.
pub fn when(t: DateTime<Utc>) -> String {
    motcua_domain::time::to_local(t)
        .format("%H:%M %d/%m/%Y")
        .to_string()
}

/// Vietnam local date for display: `09/10/2026`.
pub fn day(t: DateTime<Utc>) -> String {
    motcua_domain::time::to_local(t)
        .format("%d/%m/%Y")
        .to_string()
}

const HTMX: &[u8] = include_bytes!("../../static/htmx-2.0.11.min.js");
const CSS: &[u8] = include_bytes!("../../static/app.css");
const JS: &[u8] = include_bytes!("../../static/app.js");

/// Static files, embedded in the binary (no CDN, nothing to install).
async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, mime) = match file.as_str() {
        "htmx-2.0.11.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// Security headers on every page, and a same-origin check on every form post (with
/// SameSite cookies, a cross-site form cannot act as the user).
async fn page_headers(req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::POST && !same_origin(&req) {
        return (StatusCode::FORBIDDEN, "cross-site form post refused").into_response();
    }
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

fn same_origin(req: &Request) -> bool {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    let source = req
        .headers()
        .get(header::ORIGIN)
        .or_else(|| req.headers().get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match (host, source) {
        (Some(host), Some(src)) => {
            let rest = src.split_once("://").map_or(src, |(_, r)| r);
            rest.split('/').next() == Some(host)
        }
        // Without Origin or Referer (old browsers, tools), the SameSite cookie and the
        // CSRF token still protect logged-in forms.
        _ => true,
    }
}

/// `{form}.pdf` of a dossier the caller may see, shown in the browser.
pub async fn paper_file(
    state: &AppState,
    ui: &Ui,
    d: motcua_domain::Dossier,
    file: &str,
) -> UiResult<Response> {
    use crate::api::documents::{file_response, form_of_file, form_pdf};
    let form = form_of_file(file).map_err(|e| UiError::from_api(ui, e))?;
    let name = format!("{}-{}.pdf", d.code, form.as_str());
    let pdf = form_pdf(state, d, form)
        .await
        .map_err(|e| UiError::from_api(ui, e))?;
    Ok(file_response(pdf, "application/pdf", &name, true))
}

/// The papers a dossier has now, as (label, link) under `base` (`/can-bo/ho-so/CODE`).
pub fn papers(d: &motcua_domain::Dossier, tr: &i18n::Tr, base: &str) -> Vec<(String, String)> {
    motcua_render::Form::ALL
        .into_iter()
        .filter(|f| f.applies(d))
        .map(|f| {
            (
                tr.t(&format!("paper-{}", f.as_str())),
                format!("{base}/giay-to/{}.pdf", f.as_str()),
            )
        })
        .collect()
}
