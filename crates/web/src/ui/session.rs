//! Who is looking at a page: the session cookie (the same sessions as the API's
//! bearer tokens), the language, the CSRF token for forms, the officer's counts.

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::Duration;
use motcua_domain::{Account, AccountKind, Role, Status, Subject};
use serde::Deserialize;

use crate::api::Meta;
use crate::state::AppState;
use crate::ui::i18n::{Lang, Tr};
use crate::ui::{UiError, UiResult, render};

const SESSION: &str = "mc_session";
const LANG: &str = "mc_lang";

/// What the officer's navigation shows.
#[derive(Debug, Clone, Default)]
pub struct NavCounts {
    /// Open dossiers in my agencies ("10000+" past the store's count cap).
    pub open: String,
    /// Of those, due by the end of today.
    pub due_today: String,
    /// Of those, already late.
    pub late: String,
}

/// The page context.
#[derive(Debug, Clone)]
pub struct Ui {
    /// Translations in the page's language.
    pub tr: Tr,
    /// The logged-in account.
    pub account: Option<Account>,
    /// As a subject of the rules.
    pub subject: Option<Subject>,
    /// CSRF token for this session's forms (empty when logged out).
    pub csrf: String,
    /// The requested path (for "back here after login").
    pub path: String,
    /// Officer counts.
    pub nav: Option<NavCounts>,
    /// A message after a successful action (`?ok=…`).
    pub flash: Option<String>,
    token: Option<String>,
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl Ui {
    /// A context for nobody (error pages rendered outside a request).
    pub fn anonymous() -> Self {
        Ui {
            tr: Tr { lang: Lang::Vi },
            account: None,
            subject: None,
            csrf: String::new(),
            path: "/".to_owned(),
            nav: None,
            flash: None,
            token: None,
        }
    }

    /// Whether an officer is logged in.
    pub fn is_officer(&self) -> bool {
        self.account
            .as_ref()
            .is_some_and(|a| a.kind == AccountKind::Officer)
    }

    /// Whether a citizen is logged in.
    pub fn is_citizen(&self) -> bool {
        self.account
            .as_ref()
            .is_some_and(|a| a.kind == AccountKind::Citizen)
    }

    /// Whether the officer holds `role` anywhere.
    pub fn has_role(&self, role: &str) -> bool {
        self.account
            .as_ref()
            .is_some_and(|a| a.roles.iter().any(|r| r.role.as_str() == role))
    }

    /// Whether the officer leads a unit or an agency.
    pub fn is_leader(&self) -> bool {
        self.has_role("unit_leader") || self.has_role("agency_leader")
    }

    /// Display name.
    pub fn name(&self) -> &str {
        self.account.as_ref().map_or("", |a| a.full_name.as_str())
    }

    /// `lang` attribute.
    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    /// The subject, or a redirect to the login page (and back here after it).
    pub fn require_login(&self) -> UiResult<&Subject> {
        self.subject
            .as_ref()
            .ok_or_else(|| UiError::redirect(format!("/dang-nhap?next={}", urlencode(&self.path))))
    }

    /// Checks the CSRF token of a posted form.
    pub fn check_csrf(&self, token: &str) -> UiResult<()> {
        if !self.csrf.is_empty() && constant_eq(token.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(UiError::new(
                self,
                StatusCode::FORBIDDEN,
                "csrf_invalid",
                self.tr.t("error-csrf"),
            ))
        }
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Percent-encodes a path or value for a query string.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn nav_counts(state: &AppState, subject: &Subject) -> Option<NavCounts> {
    let Subject::Officer { roles, .. } = subject else {
        return None;
    };
    let admin = roles.iter().any(|r| r.role == Role::Admin);
    let scope = (!admin).then(|| {
        subject
            .agencies()
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    let now = state.now();
    let tomorrow = motcua_domain::time::from_local(
        (motcua_domain::time::to_local(now).date() + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let count = |due_after, due_before| {
        let filter = motcua_store::DossierFilter {
            scope_agencies: scope.clone(),
            open_only: true,
            due_after,
            due_before,
            per_page: 1,
            ..Default::default()
        };
        async move {
            state.store().list_dossiers(&filter).await.map_or_else(
                |_| "?".to_owned(),
                |p| {
                    if p.total_capped {
                        format!("{}+", p.total)
                    } else {
                        p.total.to_string()
                    }
                },
            )
        }
    };
    Some(NavCounts {
        open: count(None, None).await,
        due_today: count(Some(now), Some(tomorrow)).await,
        late: count(None, Some(now)).await,
    })
}

impl FromRequestParts<AppState> for Ui {
    type Rejection = UiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = cookie(&parts.headers, LANG)
            .and_then(Lang::parse)
            .unwrap_or(Lang::Vi);
        let tr = Tr { lang };
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        let token = cookie(&parts.headers, SESSION).map(str::to_owned);
        let account = match &token {
            Some(t) => crate::auth::account_for_token(state, t)
                .await
                .ok()
                .flatten(),
            None => None,
        };
        let subject = account.as_ref().map(Subject::from_account);
        let nav = match &subject {
            Some(s) => nav_counts(state, s).await,
            None => None,
        };
        let flash = parts
            .uri
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("ok=")))
            .filter(|k| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            .map(|k| tr.t(&format!("flash-{k}")));
        Ok(Ui {
            tr,
            csrf: token
                .as_deref()
                .map(crate::auth::csrf_token)
                .unwrap_or_default(),
            account: account.filter(|_| token.is_some()),
            subject,
            path,
            nav,
            flash,
            token,
        })
    }
}

/// `?lang=en&next=/…`
#[derive(Debug, Deserialize)]
pub struct LangQuery {
    lang: String,
    #[serde(default)]
    next: Option<String>,
}

fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") => n,
        _ => "/",
    }
}

/// Switches the page language (cookie), then goes back.
pub async fn language(Query(q): Query<LangQuery>) -> Response {
    let lang = Lang::parse(&q.lang).unwrap_or(Lang::Vi);
    let mut resp = crate::ui::see_other(local_path(q.next.as_deref()));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LANG}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    )) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    ui: &'a Ui,
    next: &'a str,
    username: &'a str,
    error: Option<String>,
    providers: &'a [crate::oidc::OidcProvider],
    /// Ask for the second factor's code.
    need_otp: bool,
}

/// `?next=`
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

/// The login form.
pub async fn login_page(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<NextQuery>,
) -> UiResult<Response> {
    render(
        &ui,
        &LoginPage {
            ui: &ui,
            next: local_path(q.next.as_deref()),
            username: "",
            error: None,
            providers: &state.config().oidc,
            need_otp: false,
        },
    )
}

/// Login form fields.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    otp: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

/// Checks the password, sets the session cookie, goes on.
pub async fn login(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    axum::Form(form): axum::Form<LoginForm>,
) -> UiResult<Response> {
    let account = match crate::auth::check_credentials(
        &state,
        &form.username,
        &form.password,
        form.otp.as_deref(),
        &meta,
    )
    .await
    {
        Ok(a) => a,
        Err(e) if e.status().is_client_error() => {
            let page = LoginPage {
                ui: &ui,
                next: local_path(form.next.as_deref()),
                username: &form.username,
                error: Some(e.message().to_owned()),
                providers: &state.config().oidc,
                need_otp: matches!(e.code(), crate::auth::OTP_REQUIRED | "otp_invalid"),
            };
            let mut resp = render(&ui, &page)?;
            *resp.status_mut() = StatusCode::UNAUTHORIZED;
            return Ok(resp);
        }
        Err(e) => return Err(UiError::from_api(&ui, e)),
    };
    logged_in(&state, &ui, &meta, &account, form.next.as_deref()).await
}

fn secure_flag(state: &AppState) -> &'static str {
    if state.config().public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    }
}

/// Opens a session for `account`, sets its cookie and goes on to `next` (or the
/// account's home page).
async fn logged_in(
    state: &AppState,
    ui: &Ui,
    meta: &Meta,
    account: &Account,
    next: Option<&str>,
) -> UiResult<Response> {
    let (token, _) = crate::auth::open_session(state, account, meta)
        .await
        .map_err(|e| UiError::from_api(ui, e))?;
    let default = if account.kind == AccountKind::Officer {
        "/can-bo"
    } else {
        "/ho-so-cua-toi"
    };
    let next = match next {
        Some(n) if n != "/" => local_path(Some(n)),
        _ => default,
    };
    let secure = secure_flag(state);
    let max_age = state.config().session_ttl.num_seconds();
    let mut resp = crate::ui::see_other(next);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{SESSION}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    )) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// The cookie that binds an identity-provider login to the browser that started it.
/// SameSite=Lax: the provider's redirect back is a top-level GET, which carries it.
const OIDC_STATE: &str = "mc_oidc";

/// `GET /dang-nhap/oidc/{provider}?next=…`: off to the identity provider.
pub async fn oidc_start(
    State(state): State<AppState>,
    ui: Ui,
    axum::extract::Path(provider): axum::extract::Path<String>,
    Query(q): Query<NextQuery>,
) -> UiResult<Response> {
    let next = local_path(q.next.as_deref());
    let (url, st) = crate::oidc::begin(&state, &provider, next)
        .await
        .map_err(|e| UiError::from_api(&ui, e))?;
    let mut resp = crate::ui::see_other(&url);
    let secure = secure_flag(&state);
    let max_age = motcua_store::PENDING_TTL_MINUTES * 60;
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{OIDC_STATE}={st}; Path=/dang-nhap/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    )) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// `GET /dang-nhap/oidc/callback?code=…&state=…`: the provider's answer.
pub async fn oidc_callback(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    headers: HeaderMap,
    Query(cb): Query<crate::oidc::Callback>,
) -> UiResult<Response> {
    let bound = cookie(&headers, OIDC_STATE);
    let (account, next) = crate::oidc::finish(&state, &cb, bound, &meta)
        .await
        .map_err(|e| UiError::from_api(&ui, e))?;
    let mut resp = logged_in(&state, &ui, &meta, &account, Some(&next)).await?;
    resp.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "mc_oidc=; Path=/dang-nhap/oidc; HttpOnly; SameSite=Lax; Max-Age=0",
        ),
    );
    Ok(resp)
}

/// Logout form.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    /// Present when every session of the account is to end.
    #[serde(default)]
    all: Option<String>,
}

/// Ends the session everywhere it is used.
pub async fn logout(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    axum::Form(form): axum::Form<CsrfForm>,
) -> UiResult<Response> {
    ui.check_csrf(&form.csrf)?;
    if let (Some(_), Some(account)) = (&form.all, &ui.account) {
        state
            .store()
            .delete_sessions_of(&account.username, state.now(), meta.request())
            .await
            .map_err(|e| UiError::from_api(&ui, e.into()))?;
    } else if let Some(token) = &ui.token {
        crate::auth::close_session(&state, token)
            .await
            .map_err(|e| UiError::from_api(&ui, e))?;
    }
    let mut resp = crate::ui::see_other("/");
    resp.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("mc_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    Ok(resp)
}

/// Statuses that wait for the applicant.
pub fn waits_for_applicant(status: Status) -> bool {
    status == Status::SupplementRequested
}
