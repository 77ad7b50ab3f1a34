//! Public pages: home with search, procedure pages, the printable form, the lookup.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use motcua_domain::{Channel, DossierCode, OnlineMode, Procedure, ProcedureLevel};
use serde::Deserialize;

use crate::state::AppState;
use crate::ui::i18n::Tr;
use crate::ui::{Ui, UiError, UiResult, day, render, see_other, when};

/// A procedure in a list.
#[derive(Debug)]
pub struct ProcItem {
    code: String,
    name: String,
    sector: String,
    limit: String,
    online: bool,
}

fn item(p: &Procedure, today: chrono::NaiveDate, tr: &Tr) -> Option<ProcItem> {
    let v = p.version_at(today).ok()?;
    Some(ProcItem {
        code: p.code.clone(),
        name: p.name.clone(),
        sector: p.sector.clone(),
        limit: tr.limit(&v.time_limit),
        online: online_allowed(v),
    })
}

fn online_allowed(v: &motcua_domain::ProcedureVersion) -> bool {
    v.online_mode != OnlineMode::None && v.channels.contains(&Channel::Online)
}

fn today(state: &AppState) -> chrono::NaiveDate {
    motcua_domain::dossier::local_day(state.now())
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    ui: &'a Ui,
    popular: Vec<ProcItem>,
    sectors: Vec<(String, i64)>,
}

/// The home page.
pub async fn home(State(state): State<AppState>, ui: Ui) -> UiResult<Response> {
    let catalog = state.catalog();
    let today = today(&state);
    let usage = state.popular_procedures().await;
    let mut popular: Vec<ProcItem> = usage
        .iter()
        .filter_map(|code| catalog.get(code))
        .filter_map(|p| item(p, today, &ui.tr))
        .take(8)
        .collect();
    if popular.is_empty() {
        popular = catalog
            .procedures
            .values()
            .filter_map(|p| item(p, today, &ui.tr))
            .take(8)
            .collect();
    }
    let mut sectors: BTreeMap<String, i64> = BTreeMap::new();
    for p in catalog.procedures.values() {
        *sectors.entry(p.sector.clone()).or_default() += 1;
    }
    render(
        &ui,
        &HomePage {
            ui: &ui,
            popular,
            sectors: sectors.into_iter().collect(),
        },
    )
}

/// Search parameters.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    level: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    ui: &'a Ui,
    q: &'a str,
    sector: &'a str,
    level: &'a str,
    results: Vec<ProcItem>,
    count: i64,
}

/// Search results (accent-insensitive, typo-tolerant).
pub async fn search(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<SearchQuery>,
) -> UiResult<Response> {
    let catalog = state.catalog();
    let today = today(&state);
    let level = match q.level.as_str() {
        "commune" => Some(ProcedureLevel::Commune),
        "province" => Some(ProcedureLevel::Province),
        _ => None,
    };
    let results: Vec<ProcItem> = catalog
        .search(&q.q, 500)
        .into_iter()
        .filter(|p| q.sector.is_empty() || p.sector == q.sector)
        .filter(|p| level.is_none_or(|l| p.level == l))
        .filter_map(|p| item(p, today, &ui.tr))
        .collect();
    let count = i64::try_from(results.len()).unwrap_or(i64::MAX);
    render(
        &ui,
        &SearchPage {
            ui: &ui,
            q: &q.q,
            sector: &q.sector,
            level: &q.level,
            results,
            count,
        },
    )
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedurePage<'a> {
    ui: &'a Ui,
    p: &'a Procedure,
    online: bool,
    level: String,
    limit: String,
    cutoff: Option<String>,
    where_to_file: String,
    online_mode: String,
    channels: String,
    result: String,
    fees: Vec<String>,
    documents: Vec<String>,
    legal_basis: Vec<String>,
    process: Option<ProcessSection>,
}

/// The internal process on the procedure page: the drawing and the steps in words.
#[derive(Debug)]
pub struct ProcessSection {
    /// The diagram's address (the citizen's version for the public).
    svg: String,
    /// Officers see the lanes, roles and the definition's files.
    officer: bool,
    /// Administrators get the editor's link.
    admin: bool,
    valid_from: String,
    total: String,
    /// Step, who acts, time.
    steps: Vec<(String, String, String)>,
}

fn process_section(state: &AppState, ui: &Ui, code: &str) -> Option<ProcessSection> {
    let saved = state.processes().in_force(code, today(state))?.clone();
    let per_day = state.minutes_per_day();
    let officer = ui
        .subject
        .as_ref()
        .is_some_and(motcua_domain::Subject::is_officer);
    let admin = ui
        .subject
        .as_ref()
        .is_some_and(|s| s.has_role_anywhere(motcua_domain::Role::Admin));
    let directory = state.directory();
    let p = &saved.process;
    let steps = p
        .order
        .iter()
        .filter_map(|&i| p.def.steps.get(i).map(|s| (i, s)))
        .map(|(i, s)| {
            let who = if officer {
                let role = s
                    .role
                    .map(motcua_domain::Role::label_vi)
                    .unwrap_or_default();
                format!("{} — {role}", crate::api::processes::lane(s, &directory))
            } else {
                s.kind.label_vi().to_owned()
            };
            let minutes = p.minutes.get(i).copied().unwrap_or(0);
            (
                s.name.clone(),
                who,
                motcua_render::diagram::share_label(minutes, per_day),
            )
        })
        .collect();
    Some(ProcessSection {
        svg: format!(
            "/api/v1/procedures/{code}/process.svg{}",
            if officer { "" } else { "?view=citizen" }
        ),
        officer,
        admin,
        valid_from: p.def.valid_from.format("%d/%m/%Y").to_string(),
        total: motcua_render::diagram::share_label(p.total, per_day),
        steps,
    })
}

fn money(vnd: i64) -> String {
    let digits = vnd.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} đ", if vnd < 0 { "-" } else { "" })
}

/// A procedure: who, what to bring, how long, how much, where.
pub async fn procedure(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
) -> UiResult<Response> {
    let catalog = state.catalog();
    let p = catalog.get(&code).ok_or_else(|| UiError::not_found(&ui))?;
    let v = p
        .version_at(today(&state))
        .map_err(|_| UiError::not_found(&ui))?;
    let tr = ui.tr;
    let directory = state.directory();
    let where_to_file = match &v.handling_agency {
        Some(a) => directory
            .agency(a)
            .map_or_else(|| a.clone(), |x| x.name.clone()),
        None => tr.t("procedure-where-any-commune"),
    };
    let fees = v
        .fees
        .iter()
        .map(|f| {
            let channel = f
                .channel
                .map(|c| format!(" ({})", tr.channel(c.as_str())))
                .unwrap_or_default();
            let amount = if f.amount_vnd == 0 {
                tr.t("procedure-free")
            } else {
                money(f.amount_vnd)
            };
            let note = f
                .note
                .as_ref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default();
            format!("{}{channel}: {amount}{note}", f.name)
        })
        .collect();
    let documents = v
        .required_documents
        .iter()
        .map(|d| {
            let form = tr.t(&format!(
                "doc-form-{}",
                serde_json::to_value(d.form)
                    .ok()
                    .and_then(|x| x.as_str().map(str::to_owned))
                    .unwrap_or_default()
                    .replace('_', "-")
            ));
            let when = if d.mandatory {
                String::new()
            } else {
                format!(" ({})", tr.t("doc-conditional"))
            };
            format!("{} — {} × {}{when}", d.name, d.quantity, form)
        })
        .collect();
    let page = ProcedurePage {
        ui: &ui,
        p,
        online: online_allowed(v),
        level: tr.t(match p.level {
            ProcedureLevel::Commune => "level-commune",
            ProcedureLevel::Province => "level-province",
            ProcedureLevel::Central => "level-central",
        }),
        limit: tr.limit(&v.time_limit),
        cutoff: v.cutoff.map(|c| c.format("%H:%M").to_string()),
        where_to_file,
        online_mode: tr.t(match v.online_mode {
            OnlineMode::Full => "online-mode-full",
            OnlineMode::Partial => "online-mode-partial",
            OnlineMode::None => "online-mode-none",
        }),
        channels: v
            .channels
            .iter()
            .map(|c| tr.channel(c.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        result: v.result.clone(),
        fees,
        documents,
        legal_basis: v.legal_basis.clone(),
        process: process_section(&state, &ui, &p.code),
    };
    render(&ui, &page)
}

/// One question of a printable form.
#[derive(Debug)]
pub struct PrintField {
    label: String,
    hint: String,
    required: bool,
}

#[derive(Template)]
#[template(path = "printable.html")]
struct PrintablePage<'a> {
    ui: &'a Ui,
    title: String,
    procedure: String,
    fields: Vec<PrintField>,
}

/// The declaration form as a page to print and fill by hand.
pub async fn printable_form(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
) -> UiResult<Response> {
    let catalog = state.catalog();
    let p = catalog.get(&code).ok_or_else(|| UiError::not_found(&ui))?;
    let v = p
        .version_at(today(&state))
        .map_err(|_| UiError::not_found(&ui))?;
    let fields = v
        .form
        .properties
        .0
        .iter()
        .map(|(k, f)| PrintField {
            label: f.title.clone().unwrap_or_else(|| k.clone()),
            hint: f.description.clone().unwrap_or_else(|| {
                if f.choices.is_empty() {
                    String::new()
                } else {
                    f.choices.join(" / ")
                }
            }),
            required: v.form.required.iter().any(|r| r == k),
        })
        .collect();
    render(
        &ui,
        &PrintablePage {
            ui: &ui,
            title: v
                .form
                .title
                .clone()
                .unwrap_or_else(|| ui.tr.t1("form-default-title", "name", &p.name)),
            procedure: p.name.clone(),
            fields,
        },
    )
}

/// What the public lookup shows.
#[derive(Debug)]
pub struct LookupResult {
    code: String,
    procedure: String,
    applicant: String,
    status: String,
    received: String,
    due: String,
    returned: String,
    extended: bool,
    steps: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "lookup.html")]
struct LookupPage<'a> {
    ui: &'a Ui,
    code: &'a str,
    error: Option<String>,
    result: Option<LookupResult>,
}

/// `?code=`
#[derive(Debug, Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    code: String,
}

/// The lookup form; with `?code=` it goes to that dossier's page (scanned QR codes
/// land on `/tra-cuu/{code}` directly).
pub async fn lookup_form(ui: Ui, Query(q): Query<CodeQuery>) -> UiResult<Response> {
    let code = q.code.trim();
    if !code.is_empty() {
        return Ok(see_other(&format!(
            "/tra-cuu/{}",
            crate::ui::session::urlencode(code)
        )));
    }
    render(
        &ui,
        &LookupPage {
            ui: &ui,
            code: "",
            error: None,
            result: None,
        },
    )
}

/// A dossier's public status: no names, no numbers, no addresses.
pub async fn lookup(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
) -> UiResult<Response> {
    let tr = ui.tr;
    let dash = || "—".to_owned();
    let (error, result, status) = match DossierCode::parse(&code) {
        Err(_) => (
            Some(tr.t("lookup-bad-code")),
            None,
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Ok(c) => match state.store().dossier(c.as_str()).await {
            Ok(Some(d)) => (
                None,
                Some(LookupResult {
                    code: d.code.to_string(),
                    procedure: d.procedure_name.clone(),
                    applicant: motcua_domain::mask::mask_name(&d.applicant.name),
                    status: tr.status(d.status.as_str()),
                    received: d.received_at.map_or_else(dash, when),
                    due: d.due_at.map_or_else(dash, day),
                    returned: d.returned_at.map_or_else(dash, when),
                    extended: d.extended,
                    steps: d
                        .events
                        .iter()
                        .filter(|e| e.from != Some(e.to))
                        .map(|e| (when(e.at), tr.status(e.to.as_str())))
                        .collect(),
                }),
                axum::http::StatusCode::OK,
            ),
            Ok(None) => (
                Some(tr.t("lookup-not-found")),
                None,
                axum::http::StatusCode::NOT_FOUND,
            ),
            Err(e) => return Err(UiError::from_api(&ui, e.into())),
        },
    };
    let mut resp = render(
        &ui,
        &LookupPage {
            ui: &ui,
            code: &code,
            error,
            result,
        },
    )?;
    *resp.status_mut() = status;
    Ok(resp)
}
