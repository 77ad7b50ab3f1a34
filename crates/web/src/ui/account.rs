//! `/tai-khoan`: an officer's own security settings — the second factor (TOTP) and
//! API tokens for integrations they run.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_domain::Subject;
use motcua_store::ApiToken;

use crate::api::Meta;
use crate::state::AppState;
use crate::ui::forms;
use crate::ui::{Ui, UiError, UiResult, render, see_other, when};

fn officer(ui: &Ui) -> UiResult<Subject> {
    let s = ui.require_login()?;
    match s {
        Subject::Officer { .. } => Ok(s.clone()),
        Subject::Citizen { .. } => Err(UiError::forbidden(ui)),
    }
}

fn api_err(ui: &Ui, e: impl Into<crate::error::ApiError>) -> UiError {
    UiError::from_api(ui, e.into())
}

/// A token line.
#[derive(Debug)]
pub struct TokenRow {
    id: String,
    name: String,
    scopes: String,
    expires: String,
    state: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    ui: &'a Ui,
    totp_on: bool,
    /// During enrolment: the QR code (SVG) and the secret to type by hand.
    enrol: Option<(String, String)>,
    tokens: Vec<TokenRow>,
    scopes: Vec<(&'static str, &'static str)>,
    /// A token just made, shown once.
    new_token: Option<String>,
    error: Option<String>,
}

struct Extra {
    enrol: Option<(String, String)>,
    new_token: Option<String>,
    error: Option<String>,
    status: StatusCode,
}

async fn page(state: &AppState, ui: &Ui, extra: Extra) -> UiResult<Response> {
    let s = officer(ui)?;
    let username = s.username();
    let totp_on = state
        .store()
        .totp(username)
        .await
        .map_err(|e| api_err(ui, e))?
        .is_some_and(|t| t.confirmed);
    let now = state.now();
    let tokens = state
        .store()
        .api_tokens_of(username)
        .await
        .map_err(|e| api_err(ui, e))?
        .into_iter()
        .map(|t: ApiToken| TokenRow {
            state: if t.revoked_at.is_some() {
                ui.tr.t("account-token-revoked")
            } else if t.expires_at <= now {
                ui.tr.t("account-token-expired")
            } else {
                ui.tr.t("account-token-active")
            },
            id: t.id,
            name: t.name,
            scopes: t.scopes.join(", "),
            expires: when(t.expires_at),
        })
        .collect();
    let mut resp = render(
        ui,
        &AccountPage {
            ui,
            totp_on,
            enrol: extra.enrol,
            tokens,
            scopes: motcua_domain::token::Scope::ALL
                .iter()
                .map(|s| (s.as_str(), s.label_vi()))
                .collect(),
            new_token: extra.new_token,
            error: extra.error,
        },
    )?;
    *resp.status_mut() = extra.status;
    Ok(resp)
}

/// The page again, with what was wrong with the form.
async fn with_error(state: &AppState, ui: &Ui, e: &crate::error::ApiError) -> UiResult<Response> {
    page(
        state,
        ui,
        Extra {
            error: Some(e.message().to_owned()),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            ..plain()
        },
    )
    .await
}

fn plain() -> Extra {
    Extra {
        enrol: None,
        new_token: None,
        error: None,
        status: StatusCode::OK,
    }
}

/// `GET /tai-khoan`
pub async fn index(State(state): State<AppState>, ui: Ui) -> UiResult<Response> {
    page(&state, &ui, plain()).await
}

/// `POST /tai-khoan/hai-buoc/bat-dau`: a new secret, shown as a QR code.
pub async fn totp_start(State(state): State<AppState>, ui: Ui, body: Bytes) -> UiResult<Response> {
    let p = forms::pairs(&body);
    ui.check_csrf(forms::get(&p, "_csrf"))?;
    let s = officer(&ui)?;
    let e = crate::api::totp::begin(&state, &s)
        .await
        .map_err(|e| api_err(&ui, e))?;
    let qr = crate::ui::citizen::qr_svg(&e.otpauth_uri);
    page(
        &state,
        &ui,
        Extra {
            enrol: Some((qr, e.secret)),
            ..plain()
        },
    )
    .await
}

/// `POST /tai-khoan/hai-buoc/xac-nhan` (first code) and `/tat` (turn off).
pub async fn totp_code(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(what): Path<String>,
    body: Bytes,
) -> UiResult<Response> {
    let p = forms::pairs(&body);
    ui.check_csrf(forms::get(&p, "_csrf"))?;
    let s = officer(&ui)?;
    let username = s.username();
    match crate::api::totp::accept(&state, username, forms::get(&p, "code"), &meta).await {
        Ok(()) if what == "tat" => {
            state
                .store()
                .totp_disable(username, username, state.now(), meta.request())
                .await
                .map_err(|e| api_err(&ui, e))?;
            Ok(see_other("/tai-khoan?ok=totp-off"))
        }
        Ok(()) => Ok(see_other("/tai-khoan?ok=totp-on")),
        Err(e) if e.status().is_client_error() => with_error(&state, &ui, &e).await,
        Err(e) => Err(api_err(&ui, e)),
    }
}

/// `POST /tai-khoan/ma-truy-cap`: a new API token, shown once.
pub async fn token_create(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    body: Bytes,
) -> UiResult<Response> {
    let p = forms::pairs(&body);
    ui.check_csrf(forms::get(&p, "_csrf"))?;
    let s = officer(&ui)?;
    let scopes: Vec<String> = p
        .iter()
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v.clone())
        .collect();
    let days = forms::get(&p, "days").trim().parse::<i64>().unwrap_or(90);
    let now = state.now();
    match crate::api::tokens::prepare(s.username(), forms::get(&p, "name"), &scopes, days, now) {
        Ok((new, token)) => {
            state
                .store()
                .create_api_token(new, s.username(), now, meta.request())
                .await
                .map_err(|e| api_err(&ui, e))?;
            page(
                &state,
                &ui,
                Extra {
                    new_token: Some(token),
                    ..plain()
                },
            )
            .await
        }
        Err(e) => {
            let e = crate::error::ApiError::from(e);
            with_error(&state, &ui, &e).await
        }
    }
}

/// `POST /tai-khoan/ma-truy-cap/{id}/thu-hoi`
pub async fn token_revoke(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(id): Path<String>,
    body: Bytes,
) -> UiResult<Response> {
    let p = forms::pairs(&body);
    ui.check_csrf(forms::get(&p, "_csrf"))?;
    let s = officer(&ui)?;
    state
        .store()
        .revoke_api_token(&id, s.username(), state.now(), meta.request())
        .await
        .map_err(|e| api_err(&ui, e))?;
    Ok(see_other("/tai-khoan?ok=token-revoked"))
}
