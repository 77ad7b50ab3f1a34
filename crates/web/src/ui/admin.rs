//! Administration: agencies, units, officers and their roles, the procedure catalog
//! and its versions, and holiday overrides for a year.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_domain::org::AccountKind;
use motcua_domain::{Account, Agency, OrgUnit, Role, RoleAssignment, Subject};
use motcua_store::OrgImport;
use serde::Deserialize;

use crate::api::Meta;
use crate::state::AppState;
use crate::ui::forms;
use crate::ui::{Ui, UiError, UiResult, render, see_other};

pub(crate) fn admin(ui: &Ui) -> UiResult<Subject> {
    let s = ui.require_login()?;
    // No date matters to this rule: the policy's own clock-free answer.
    let any_day = chrono::NaiveDate::MIN;
    match motcua_domain::policy::authorize(
        s,
        motcua_domain::policy::Action::Administer,
        motcua_domain::policy::Resource::System,
        any_day,
    ) {
        Ok(_) => Ok(s.clone()),
        Err(_) => Err(UiError::forbidden(ui)),
    }
}

fn api_err(ui: &Ui, e: impl Into<crate::error::ApiError>) -> UiError {
    UiError::from_api(ui, e.into())
}

/// Shortest password an administrator may set (characters).
const PASSWORD_MIN: usize = 10;

fn password_message(ui: &Ui, problem: motcua_domain::password::PasswordProblem) -> String {
    use motcua_domain::password::PasswordProblem as P;
    match problem {
        P::TooShort(n) => ui.tr.t1("admin-password-short", "n", n),
        P::ContainsUsername => ui.tr.t("admin-password-username"),
        P::TooCommon => ui.tr.t("admin-password-common"),
    }
}

/// An officer line.
#[derive(Debug)]
pub struct OfficerRow {
    username: String,
    name: String,
    roles: Vec<String>,
}

/// A procedure line.
#[derive(Debug)]
pub struct ProcedureRow {
    code: String,
    name: String,
    versions: Vec<String>,
    /// The process in force, in words ("" when none).
    process: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage<'a> {
    ui: &'a Ui,
    agencies: Vec<(String, String, String)>,
    units: Vec<(String, String, String)>,
    officers: Vec<OfficerRow>,
    procedures: Vec<ProcedureRow>,
    admin_units: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    error: Option<String>,
}

async fn index_page(
    state: &AppState,
    ui: &Ui,
    error: Option<String>,
    status: StatusCode,
) -> UiResult<Response> {
    admin(ui)?;
    let directory = state.directory();
    let catalog = state.catalog();
    let processes = state.processes();
    let today = motcua_domain::dossier::local_day(state.now());
    let agency_name = |c: &str| {
        directory
            .agency(c)
            .map_or_else(|| c.to_owned(), |a| a.name.clone())
    };
    let page = AdminPage {
        ui,
        agencies: directory
            .agencies
            .values()
            .map(|a| {
                (
                    a.code.clone(),
                    a.name.clone(),
                    directory
                        .admin_units
                        .get(&a.admin_unit)
                        .map_or_else(|| a.admin_unit.clone(), |u| u.name.clone()),
                )
            })
            .collect(),
        units: directory
            .units
            .values()
            .map(|u| (u.code.clone(), u.name.clone(), agency_name(&u.agency)))
            .collect(),
        officers: directory
            .officers
            .values()
            .map(|o| OfficerRow {
                username: o.username.clone(),
                name: o.full_name.clone(),
                roles: o
                    .roles
                    .iter()
                    .map(|r| {
                        let unit = r
                            .unit
                            .as_ref()
                            .and_then(|u| directory.unit(u))
                            .map(|u| format!(", {}", u.name))
                            .unwrap_or_default();
                        format!(
                            "{} — {}{unit}",
                            ui.tr.role(r.role.as_str()),
                            agency_name(&r.agency)
                        )
                    })
                    .collect(),
            })
            .collect(),
        procedures: catalog
            .procedures
            .values()
            .map(|p| ProcedureRow {
                code: p.code.clone(),
                name: p.name.clone(),
                versions: p
                    .versions
                    .iter()
                    .map(|v| format!("{} ({})", v.valid_from.format("%d/%m/%Y"), v.time_limit))
                    .collect(),
                process: processes
                    .in_force(&p.code, today)
                    .map(|s| {
                        ui.tr.t1(
                            "process-valid-from",
                            "date",
                            s.process.def.valid_from.format("%d/%m/%Y"),
                        )
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        admin_units: directory
            .admin_units
            .values()
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect(),
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str().to_owned(), ui.tr.role(r.as_str())))
            .collect(),
        error,
    };
    let mut resp = render(ui, &page)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// The administration page.
pub async fn index(State(state): State<AppState>, ui: Ui) -> UiResult<Response> {
    index_page(&state, &ui, None, StatusCode::OK).await
}

async fn save(state: &AppState, ui: &Ui, org: OrgImport, actor: &str) -> UiResult<()> {
    state
        .store()
        .save_org(org, actor, state.now())
        .await
        .map_err(|e| api_err(ui, e))?;
    state.reload().await.map_err(|e| api_err(ui, e))
}

fn required(ui: &Ui, v: &str, label: &str) -> Result<String, String> {
    let v = motcua_domain::text::clean(v).unwrap_or_default();
    if v.is_empty() {
        Err(ui.tr.t1("admin-required", "field", ui.tr.t(label)))
    } else {
        Ok(v)
    }
}

/// Adds or renames an agency.
pub async fn save_agency(State(state): State<AppState>, ui: Ui, body: Bytes) -> UiResult<Response> {
    let p = forms::pairs(&body);
    ui.check_csrf(forms::get(&p, "_csrf"))?;
    let who = admin(&ui)?;
    let fields = (
        required(&ui, forms::get(&p, "code"), "admin-code"),
        required(&ui, forms::get(&p, "name"), "admin-name"),
        required(&ui, forms::get(&p, "admin_unit"), "admin-admin-unit"),
    );
    let (code, name, admin_unit) = match fields {
        (Ok(c), Ok(n), Ok(u)) => (c, n, u),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return index_page(&state, &ui, Some(e), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    if !code
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '.')
    {
        return index_page(
            &state,
            &ui,
            Some(ui.tr.t("admin-agency-code-format")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let parent = Some(forms::get(&p, "parent").trim().to_owned()).filter(|x| !x.is_empty());
    save(
        &state,
        &ui,
        OrgImport {
            agencies: vec![Agency {
                code,
                name,
                admin_unit,
                parent,
            }],
            ..Default::default()
        },
        who.username(),
    )
    .await?;
    Ok(see_other("/quan-tri?ok=saved"))
}

/// Adds or renames a unit.
pub async fn save_unit(State(state): State<AppState>, ui: Ui, body: Bytes) -> UiResult<Response> {
    let p = forms::pairs(&body);
    ui.check_csrf(forms::get(&p, "_csrf"))?;
    let who = admin(&ui)?;
    let fields = (
        required(&ui, forms::get(&p, "code"), "admin-code"),
        required(&ui, forms::get(&p, "name"), "admin-name"),
        required(&ui, forms::get(&p, "agency"), "admin-agency"),
    );
    let (code, name, agency) = match fields {
        (Ok(c), Ok(n), Ok(a)) => (c, n, a),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return index_page(&state, &ui, Some(e), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    if state.directory().agency(&agency).is_none() {
        return index_page(
            &state,
            &ui,
            Some(ui.tr.t("admin-unknown-agency")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    save(
        &state,
        &ui,
        OrgImport {
            units: vec![OrgUnit { code, agency, name }],
            ..Default::default()
        },
        who.username(),
    )
    .await?;
    Ok(see_other("/quan-tri?ok=saved"))
}

/// Creates an officer or adds a role; sets a password when one is given.
pub async fn save_officer(
    State(state): State<AppState>,
    ui: Ui,
    body: Bytes,
) -> UiResult<Response> {
    let p = forms::pairs(&body);
    ui.check_csrf(forms::get(&p, "_csrf"))?;
    let who = admin(&ui)?;
    let username = match required(&ui, forms::get(&p, "username"), "admin-username") {
        Ok(u) => u,
        Err(e) => return index_page(&state, &ui, Some(e), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let directory = state.directory();
    let existing = directory.officer(&username).cloned();
    let full_name = motcua_domain::text::clean(forms::get(&p, "full_name"))
        .or_else(|| existing.as_ref().map(|o| o.full_name.clone()));
    let Some(full_name) = full_name else {
        return index_page(
            &state,
            &ui,
            Some(ui.tr.t1("admin-required", "field", ui.tr.t("admin-name"))),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let password = forms::get(&p, "password");
    // A new account needs a password; an existing one keeps its own unless given one.
    let refused = if existing.is_none() || !password.is_empty() {
        motcua_domain::password::check_password(password, &username, PASSWORD_MIN).err()
    } else {
        None
    };
    if let Some(problem) = refused {
        return index_page(
            &state,
            &ui,
            Some(password_message(&ui, problem)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let mut roles = existing
        .as_ref()
        .map(|o| o.roles.clone())
        .unwrap_or_default();
    let role = serde_json::from_value::<Role>(serde_json::Value::String(
        forms::get(&p, "role").to_owned(),
    ))
    .ok();
    let agency = forms::get(&p, "agency").trim().to_owned();
    if let Some(role) = role {
        if directory.agency(&agency).is_none() {
            return index_page(
                &state,
                &ui,
                Some(ui.tr.t("admin-unknown-agency")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        let unit = Some(forms::get(&p, "unit").trim().to_owned()).filter(|u| !u.is_empty());
        if unit
            .as_ref()
            .is_some_and(|u| directory.unit(u).is_none_or(|x| x.agency != agency))
        {
            return index_page(
                &state,
                &ui,
                Some(ui.tr.t("admin-unit-not-in-agency")),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        let r = RoleAssignment { role, agency, unit };
        if !roles.contains(&r) {
            roles.push(r);
        }
    }
    for i in forms::all(&p, "remove_role") {
        if let Ok(i) = i.parse::<usize>()
            && i < roles.len()
        {
            roles.remove(i);
        }
    }
    let hash = if password.is_empty() {
        None
    } else {
        let pw = password.to_owned();
        Some(
            tokio::task::spawn_blocking(move || crate::auth::hash_password(&pw))
                .await
                .map_err(|e| api_err(&ui, crate::error::ApiError::internal(e)))?
                .map_err(|e| api_err(&ui, crate::error::ApiError::internal(e)))?,
        )
    };
    let account = Account {
        username,
        full_name,
        kind: AccountKind::Officer,
        roles,
        id_number: None,
        phone: None,
        email: None,
    };
    save(
        &state,
        &ui,
        OrgImport {
            accounts: vec![(account, hash)],
            ..Default::default()
        },
        who.username(),
    )
    .await?;
    Ok(see_other("/quan-tri?ok=saved"))
}

/// Imports a catalog file (YAML or JSON, the `motcua import catalog` format).
pub async fn import_catalog(
    State(state): State<AppState>,
    ui: Ui,
    mut multipart: Multipart,
) -> UiResult<Response> {
    let who = admin(&ui)?;
    let bad = |ui: &Ui| {
        UiError::new(
            ui,
            StatusCode::BAD_REQUEST,
            "invalid_multipart",
            ui.tr.t("error-upload"),
        )
    };
    let mut checked = false;
    let mut text = None;
    let mut name = String::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| bad(&ui))? {
        match field.name() {
            Some("_csrf") => {
                ui.check_csrf(&field.text().await.map_err(|_| bad(&ui))?)?;
                checked = true;
            }
            Some("file") if checked => {
                name = field.file_name().unwrap_or("catalog.yaml").to_owned();
                text = Some(field.text().await.map_err(|_| bad(&ui))?);
            }
            _ => {}
        }
    }
    let Some(text) = text else {
        return index_page(
            &state,
            &ui,
            Some(ui.tr.t("admin-catalog-missing")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let procedures = match crate::catalog_file::parse(&text, &name) {
        Ok(p) => p,
        Err(message) => {
            return index_page(&state, &ui, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    state
        .store()
        .save_procedures(procedures, who.username(), state.now())
        .await
        .map_err(|e| api_err(&ui, e))?;
    state.reload().await.map_err(|e| api_err(&ui, e))?;
    Ok(see_other("/quan-tri?ok=catalog-imported"))
}

#[derive(Template)]
#[template(path = "holidays.html")]
struct HolidaysPage<'a> {
    ui: &'a Ui,
    year: i32,
    basis: String,
    days: Vec<(String, String, String, bool)>,
    culture_confirmed: bool,
    error: Option<String>,
}

/// `?year=`
#[derive(Debug, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

async fn holidays_page(
    state: &AppState,
    ui: &Ui,
    year: i32,
    error: Option<String>,
    status: StatusCode,
) -> UiResult<Response> {
    admin(ui)?;
    let cal = state.calendar();
    let days = cal
        .exceptions(year)
        .map_err(|e| api_err(ui, motcua_domain::DomainError::from(e)))?
        .into_iter()
        .map(|d| {
            let kind = ui.tr.t(if d.is_working() {
                "holiday-work"
            } else {
                "holiday-off"
            });
            (
                d.date.format("%d/%m/%Y").to_string(),
                kind,
                d.label.unwrap_or_default(),
                d.confirmed,
            )
        })
        .collect();
    let page = HolidaysPage {
        ui,
        year,
        basis: cal.basis(year).describe_vi(year),
        days,
        culture_confirmed: cal.data().confirmed().contains("culture_day"),
        error,
    };
    let mut resp = render(ui, &page)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// A year's days off and make-up days, with the form to change one.
pub async fn holidays(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<YearQuery>,
) -> UiResult<Response> {
    let year = q
        .year
        .unwrap_or_else(|| chrono::Datelike::year(&motcua_domain::time::to_local(state.now())));
    holidays_page(&state, &ui, year, None, StatusCode::OK).await
}

/// Saves an override (a patch of one date) or a confirmation, as an amendment that
/// is checked, stored, audited and applied at once.
pub async fn save_holiday(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    body: Bytes,
) -> UiResult<Response> {
    let p = forms::pairs(&body);
    ui.check_csrf(forms::get(&p, "_csrf"))?;
    let who = admin(&ui)?;
    let year: i32 = forms::get(&p, "year").parse().unwrap_or(0);
    let toml = if forms::get(&p, "confirm") == "culture_day" {
        "confirm = [\"culture_day\"]\n".to_owned()
    } else {
        let date = forms::get(&p, "date").trim();
        let kind = forms::get(&p, "kind").trim();
        let label = forms::get(&p, "label")
            .trim()
            .replace(['"', '\\', '\n'], " ");
        let day_year = date
            .get(0..4)
            .and_then(|y| y.parse::<i32>().ok())
            .unwrap_or(year);
        format!(
            "[[year]]\nyear = {day_year}\nmode = \"patch\"\nstatus = \"official\"\n[[year.days]]\ndate = \"{date}\"\nkind = \"{kind}\"\nlabel = \"{label}\"\nsource = \"Quản trị viên {}\"\n",
            who.username()
        )
    };
    let origin = format!(
        "admin:{}:{}",
        who.username(),
        state.now().format("%Y%m%dT%H%M%S")
    );
    // Check it applies before storing it.
    let check = motcua_calendar::Amendments::from_toml(&toml, &origin).and_then(|a| {
        let mut data = state.calendar().data().clone();
        data.apply(a, &origin)
    });
    if let Err(e) = check {
        return holidays_page(
            &state,
            &ui,
            year,
            Some(e.message_vi()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    state
        .store()
        .add_calendar_amendment(&origin, &toml, who.username(), state.now(), meta.request())
        .await
        .map_err(|e| api_err(&ui, e))?;
    state.reload_calendar().await.map_err(|e| api_err(&ui, e))?;
    Ok(see_other(&format!(
        "/quan-tri/ngay-nghi?year={year}&ok=holiday-saved"
    )))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditLogPage<'a> {
    ui: &'a Ui,
    actor: String,
    target: String,
    action: String,
    from: String,
    to: String,
    /// (seq, when, actor, action, target, address)
    items: Vec<(i64, String, String, String, String, String)>,
    next: Option<String>,
    error: Option<String>,
}

/// The audit log, searched.
pub async fn audit_log(
    State(state): State<AppState>,
    ui: Ui,
    meta: crate::api::Meta,
    Query(p): Query<crate::api::audit::AuditParams>,
) -> UiResult<Response> {
    let subject = admin(&ui)?;
    let (items, next, error) = match crate::api::audit::search_audit(&state, &subject, &p, &meta)
        .await
    {
        Ok(page) => {
            let next = page.next_before.map(|b| {
                let mut q: Vec<(&str, &str)> = Vec::new();
                for (k, v) in [
                    ("actor", &p.actor),
                    ("target", &p.target),
                    ("action", &p.action),
                    ("from", &p.from),
                    ("to", &p.to),
                ] {
                    if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                        q.push((k, v));
                    }
                }
                let mut url = format!("/quan-tri/nhat-ky?before={b}");
                for (k, v) in q {
                    url.push_str(&format!("&{k}={}", crate::ui::session::urlencode(v)));
                }
                url
            });
            let items = page
                .items
                .into_iter()
                .map(|i| {
                    (
                        i.seq,
                        i.at.format("%H:%M:%S %d/%m/%Y").to_string(),
                        i.actor,
                        i.action,
                        i.target,
                        i.ip.unwrap_or_default(),
                    )
                })
                .collect();
            (items, next, None)
        }
        Err(e) if e.status().is_client_error() => (Vec::new(), None, Some(e.message().to_owned())),
        Err(e) => return Err(api_err(&ui, e)),
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    render(
        &ui,
        &AuditLogPage {
            ui: &ui,
            actor: text(&p.actor),
            target: text(&p.target),
            action: text(&p.action),
            from: text(&p.from),
            to: text(&p.to),
            items,
            next,
            error,
        },
    )
}
