//! The process editor (`/quan-tri/quy-trinh/{code}`): a table of steps as form rows
//! (with blank rows to add steps), or a YAML/JSON text to paste; saved as a new
//! version through the same check as the API, every problem shown by its step.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use motcua_domain::process::{AssignRule, ProcessDef, StepDef, StepKind};
use motcua_domain::{ActionKind, Role};

use crate::api::Meta;
use crate::api::processes::{parse_body, save};
use crate::state::AppState;
use crate::ui::admin::admin;
use crate::ui::{Ui, UiError, UiResult, forms, render, see_other};

/// Blank rows offered under the steps.
const BLANK_ROWS: usize = 3;

/// One row of the table, as shown (and as posted back after an error).
#[derive(Debug, Clone, Default)]
pub struct Row {
    id: String,
    name: String,
    kind: String,
    agency: String,
    unit: String,
    role: String,
    share: String,
    after: String,
    assign: String,
    officer: String,
    outcomes: String,
    /// Problems of this step.
    errors: Vec<String>,
}

impl Row {
    fn of(s: &StepDef) -> Row {
        Row {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: s.kind.as_str().to_owned(),
            agency: String::from(s.agency.clone()),
            unit: s.unit.clone().unwrap_or_default(),
            role: s.role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            share: s.share.clone(),
            after: s.after.join(", "),
            assign: assign_str(s.assign).to_owned(),
            officer: s.officer.clone().unwrap_or_default(),
            outcomes: s
                .outcomes
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            errors: Vec::new(),
        }
    }

    fn is_blank(&self) -> bool {
        self.id.trim().is_empty() && self.name.trim().is_empty()
    }
}

fn assign_str(a: AssignRule) -> &'static str {
    match a {
        AssignRule::Unit => "unit",
        AssignRule::LeastLoaded => "least_loaded",
        AssignRule::RoundRobin => "round_robin",
    }
}

#[derive(Template)]
#[template(path = "process_editor.html")]
struct EditorPage<'a> {
    ui: &'a Ui,
    code: String,
    name: String,
    limit: String,
    valid_from: String,
    rows: Vec<Row>,
    /// Problems of the whole process.
    errors: Vec<String>,
    /// Any problem at all (of the whole or of a row).
    invalid: bool,
    yaml: String,
    has_version: bool,
    /// Every saved version, newest first, in words.
    versions: Vec<String>,
    kinds: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    assigns: Vec<(&'static str, &'static str)>,
    /// Agency codes with names, and unit codes with names, for the lists.
    agencies: Vec<(String, String)>,
    units: Vec<(String, String)>,
}

/// What the editor shows in its fields (as saved, or as posted back after an error).
struct Draft {
    valid_from: String,
    rows: Vec<Row>,
    /// Problems of the whole process.
    errors: Vec<String>,
    yaml: String,
}

fn page(
    state: &AppState,
    ui: &Ui,
    code: &str,
    draft: Draft,
    status: StatusCode,
) -> UiResult<Response> {
    let Draft {
        valid_from,
        rows,
        errors,
        yaml,
    } = draft;
    let catalog = state.catalog();
    let p = catalog.get(code).ok_or_else(|| UiError::not_found(ui))?;
    let today = motcua_domain::dossier::local_day(state.now());
    let limit = p
        .version_at(today)
        .map(|v| ui.tr.limit(&v.time_limit))
        .unwrap_or_default();
    let directory = state.directory();
    let mut rows = rows;
    rows.extend(std::iter::repeat_with(Row::default).take(BLANK_ROWS));
    let mut units: Vec<(String, String)> = directory
        .units
        .values()
        .map(|u| (u.code.clone(), u.name.clone()))
        .collect();
    // Relative units (`.TP`) serve every agency that has one.
    let mut relative: Vec<(String, String)> = directory
        .units
        .values()
        .filter_map(|u| {
            u.code
                .strip_prefix(u.agency.as_str())
                .filter(|rest| rest.starts_with('.'))
                .map(|rest| (rest.to_owned(), format!("{} (mọi cơ quan)", u.name)))
        })
        .collect();
    relative.sort();
    relative.dedup_by(|a, b| a.0 == b.0);
    units.extend(relative);
    let view = EditorPage {
        ui,
        code: p.code.clone(),
        name: p.name.clone(),
        limit,
        has_version: state.processes().in_force(code, today).is_some(),
        versions: state
            .processes()
            .versions(code)
            .iter()
            .rev()
            .map(|v| {
                format!(
                    "#{} — áp dụng từ {}, lưu bởi {} lúc {}",
                    v.id,
                    v.process.def.valid_from.format("%d/%m/%Y"),
                    v.saved_by,
                    crate::ui::when(v.saved_at)
                )
            })
            .collect(),
        valid_from,
        invalid: !errors.is_empty() || rows.iter().any(|r| !r.errors.is_empty()),
        rows,
        errors,
        yaml,
        kinds: StepKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_vi()))
            .collect(),
        roles: Role::ALL
            .iter()
            .filter(|r| **r != Role::Admin)
            .map(|r| (r.as_str(), r.label_vi()))
            .collect(),
        assigns: [
            AssignRule::Unit,
            AssignRule::LeastLoaded,
            AssignRule::RoundRobin,
        ]
        .iter()
        .map(|a| (assign_str(*a), a.label_vi()))
        .collect(),
        agencies: directory
            .agencies
            .values()
            .map(|a| (a.code.clone(), a.name.clone()))
            .collect(),
        units,
    };
    let mut resp = render(ui, &view)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// `GET /quan-tri/quy-trinh/{code}`.
pub async fn show(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
) -> UiResult<Response> {
    admin(&ui)?;
    let today = motcua_domain::dossier::local_day(state.now());
    let current = state.processes().in_force(&code, today).cloned();
    let (valid_from, rows, yaml) = match &current {
        // A save is a new version; by default it applies from today.
        Some(saved) => (
            today.to_string(),
            saved.process.def.steps.iter().map(Row::of).collect(),
            serde_yaml_ng::to_string(&saved.process.def).unwrap_or_default(),
        ),
        None => (today.to_string(), Vec::new(), String::new()),
    };
    page(
        &state,
        &ui,
        &code,
        Draft {
            valid_from,
            rows,
            errors: Vec::new(),
            yaml,
        },
        StatusCode::OK,
    )
}

/// The rows posted: fields `id_0`, `name_0`, … for each row number.
fn posted_rows(p: &[(String, String)]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for (k, v) in p {
        let Some((field, n)) = k.rsplit_once('_') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        if n > 500 {
            continue;
        }
        if rows.len() <= n {
            rows.resize_with(n + 1, Row::default);
        }
        let Some(row) = rows.get_mut(n) else { continue };
        let v = v.trim().to_owned();
        match field {
            "id" => row.id = v,
            "name" => row.name = v,
            "kind" => row.kind = v,
            "agency" => row.agency = v,
            "unit" => row.unit = v,
            "role" => row.role = v,
            "share" => row.share = v,
            "after" => row.after = v,
            "assign" => row.assign = v,
            "officer" => row.officer = v,
            "outcomes" => row.outcomes = v,
            _ => {}
        }
    }
    rows.retain(|r| !r.is_blank());
    rows
}

fn list(text: &str) -> Vec<String> {
    text.split([',', ';', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads the rows into a definition; a field that does not read is a problem of its
/// row.
fn definition(code: &str, valid_from: &str, rows: &mut [Row]) -> Result<ProcessDef, Vec<String>> {
    let mut whole = Vec::new();
    let valid_from = match chrono::NaiveDate::parse_from_str(valid_from.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            whole.push(format!(
                "Ngày áp dụng “{valid_from}” không đúng dạng năm-tháng-ngày"
            ));
            None
        }
    };
    let mut steps = Vec::with_capacity(rows.len());
    for r in rows.iter_mut() {
        let kind = StepKind::parse(&r.kind);
        if kind.is_none() {
            r.errors.push("chưa chọn loại bước".to_owned());
        }
        let role = if r.role.is_empty() {
            None
        } else {
            let parsed = Role::ALL.iter().copied().find(|x| x.as_str() == r.role);
            if parsed.is_none() {
                r.errors.push(format!("vai trò “{}” không có", r.role));
            }
            parsed
        };
        let assign = match r.assign.as_str() {
            "" | "unit" => AssignRule::Unit,
            "least_loaded" => AssignRule::LeastLoaded,
            "round_robin" => AssignRule::RoundRobin,
            other => {
                r.errors.push(format!("cách phân công “{other}” không có"));
                AssignRule::Unit
            }
        };
        let mut outcomes = Vec::new();
        for o in list(&r.outcomes) {
            match motcua_domain::dossier::parse_action(&o) {
                Ok(a) => outcomes.push(a),
                Err(_) => r.errors.push(format!("thao tác “{o}” không có")),
            }
        }
        if let Some(kind) = kind {
            steps.push(StepDef {
                id: r.id.clone(),
                name: r.name.clone(),
                kind,
                agency: if r.agency.is_empty() {
                    motcua_domain::process::Acting::Handling
                } else {
                    r.agency.clone().into()
                },
                unit: (!r.unit.is_empty()).then(|| r.unit.clone()),
                role,
                share: r.share.clone(),
                after: list(&r.after),
                assign,
                officer: (!r.officer.is_empty()).then(|| r.officer.clone()),
                outcomes: outcomes.into_iter().collect::<Vec<ActionKind>>(),
            });
        }
    }
    match valid_from {
        Some(valid_from) if whole.is_empty() && rows.iter().all(|r| r.errors.is_empty()) => {
            Ok(ProcessDef {
                procedure: code.to_owned(),
                valid_from,
                steps,
            })
        }
        _ => Err(whole),
    }
}

/// `POST /quan-tri/quy-trinh/{code}`: the table (`save=form`) or the text
/// (`save=yaml`).
pub async fn post(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(code): Path<String>,
    body: Bytes,
) -> UiResult<Response> {
    let p = forms::pairs(&body);
    ui.check_csrf(forms::get(&p, "_csrf"))?;
    let who = admin(&ui)?;
    let yaml = forms::get(&p, "yaml").to_owned();
    let valid_from = forms::get(&p, "valid_from").to_owned();
    let mut rows = posted_rows(&p);
    let parsed = if forms::get(&p, "save") == "yaml" {
        parse_body(&axum::http::HeaderMap::new(), yaml.as_bytes()).map_err(|e| {
            let mut all = vec![e.message().to_owned()];
            all.extend(e.issues().iter().skip(1).map(|i| i.message.clone()));
            all
        })
    } else {
        definition(&code, &valid_from, &mut rows)
    };
    let def = match parsed {
        Ok(d) if d.procedure == code => d,
        Ok(d) => {
            let msg = format!(
                "Quy trình ghi thủ tục {}, trang này là thủ tục {code}",
                d.procedure
            );
            return page(
                &state,
                &ui,
                &code,
                Draft {
                    valid_from,
                    rows,
                    errors: vec![msg],
                    yaml,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(errors) => {
            return page(
                &state,
                &ui,
                &code,
                Draft {
                    valid_from,
                    rows,
                    errors,
                    yaml,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match save(&state, &who, def, &meta).await {
        Ok(_) => Ok(see_other(&format!("/quan-tri/quy-trinh/{code}?ok=saved"))),
        Err(e) if e.code() == "process_invalid" => {
            // Each problem beside its step; the others above the table.
            let mut whole = Vec::new();
            for issue in e.issues() {
                match issue.field.strip_prefix("steps.") {
                    Some(id) => match rows.iter_mut().find(|r| r.id == id) {
                        Some(r) => r.errors.push(issue.message.clone()),
                        None => whole.push(issue.message.clone()),
                    },
                    None => whole.push(issue.message.clone()),
                }
            }
            page(
                &state,
                &ui,
                &code,
                Draft {
                    valid_from,
                    rows,
                    errors: whole,
                    yaml,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(UiError::new(
            &ui,
            e.status(),
            e.code(),
            e.message().to_owned(),
        )),
    }
}
