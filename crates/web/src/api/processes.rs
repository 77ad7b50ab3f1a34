//! Internal processes over the API: the version in force as JSON or YAML, drawn as
//! SVG, saved by an administrator (checked, every problem named by step), and a
//! dossier walked through the version it follows.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use motcua_domain::process::{
    Acting, AgencyShare, Process, ProcessDef, ProcessIssue, SavedProcess, StepDef, StepRun, Walk,
};
use motcua_domain::{Directory, DomainError, FieldIssue};
use motcua_render::diagram::{DiagramLabels, DiagramMode, process_svg, share_label};
use serde::{Deserialize, Serialize};

use crate::api::{Meta, QueryParams};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// One step as shown.
#[derive(Debug, Serialize)]
pub struct StepView {
    id: String,
    name: String,
    kind: &'static str,
    kind_label: &'static str,
    /// `receiving`, `handling` or an agency code.
    agency: String,
    unit: Option<String>,
    /// Who acts, in words (unit or agency).
    lane: String,
    role: Option<motcua_domain::Role>,
    role_label: Option<&'static str>,
    /// As written (`4h`, `2d`).
    share: String,
    /// In working minutes.
    minutes: u64,
    share_label: String,
    after: Vec<String>,
    assign: motcua_domain::process::AssignRule,
    assign_label: &'static str,
    officer: Option<String>,
    outcomes: Vec<motcua_domain::ActionKind>,
}

/// A saved process version as shown.
#[derive(Debug, Serialize)]
pub struct ProcessView {
    id: i64,
    procedure: String,
    valid_from: NaiveDate,
    saved_at: DateTime<Utc>,
    saved_by: String,
    /// Sum of the shares along the longest path, in working minutes.
    total_minutes: u64,
    total_label: String,
    steps: Vec<StepView>,
}

/// Who acts at a step, in words: the unit (relative ones as "…, cấp xã"), else the
/// agency.
pub fn lane(step: &StepDef, directory: &Directory) -> String {
    if let Some(unit) = &step.unit {
        if unit.starts_with('.') {
            let name = directory
                .relative_unit(unit)
                .map_or_else(|| unit.clone(), |u| u.name.clone());
            return match step.agency {
                Acting::Receiving => format!("{name} (cơ quan tiếp nhận)"),
                _ => format!("{name} (cơ quan giải quyết)"),
            };
        }
        if let Some(u) = directory.unit(unit) {
            let agency = directory
                .agency(&u.agency)
                .map_or(u.agency.as_str(), |a| a.name.as_str());
            return format!("{} — {agency}", u.name);
        }
        return unit.clone();
    }
    match &step.agency {
        Acting::Receiving => "Bộ phận Một cửa (nơi tiếp nhận)".to_owned(),
        Acting::Handling => "Lãnh đạo cơ quan giải quyết".to_owned(),
        Acting::Agency(code) => directory
            .agency(code)
            .map_or_else(|| code.clone(), |a| a.name.clone()),
    }
}

impl ProcessView {
    /// The view of a saved version.
    pub fn of(saved: &SavedProcess, directory: &Directory, minutes_per_day: u32) -> ProcessView {
        let p = &saved.process;
        ProcessView {
            id: saved.id,
            procedure: p.def.procedure.clone(),
            valid_from: p.def.valid_from,
            saved_at: saved.saved_at,
            saved_by: saved.saved_by.clone(),
            total_minutes: p.total,
            total_label: share_label(p.total, minutes_per_day),
            steps: p
                .def
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let minutes = p.minutes.get(i).copied().unwrap_or(0);
                    StepView {
                        id: s.id.clone(),
                        name: s.name.clone(),
                        kind: s.kind.as_str(),
                        kind_label: s.kind.label_vi(),
                        agency: String::from(s.agency.clone()),
                        unit: s.unit.clone(),
                        lane: lane(s, directory),
                        role: s.role,
                        role_label: s.role.map(motcua_domain::Role::label_vi),
                        share: s.share.clone(),
                        minutes,
                        share_label: share_label(minutes, minutes_per_day),
                        after: s.after.clone(),
                        assign: s.assign,
                        assign_label: s.assign.label_vi(),
                        officer: s.officer.clone(),
                        outcomes: s.allowed_outcomes().to_vec(),
                    }
                })
                .collect(),
        }
    }
}

/// `?format=yaml|json`, `?at=YYYY-MM-DD` (the version in force that day), `?view=citizen`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessQuery {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    at: Option<NaiveDate>,
    #[serde(default)]
    view: Option<String>,
}

/// The version of `code`'s process in force on `day`, or a 404 that says which.
pub fn in_force(state: &AppState, code: &str, day: NaiveDate) -> ApiResult<SavedProcess> {
    if state.catalog().get(code).is_none() {
        return Err(DomainError::UnknownProcedure {
            code: code.to_owned(),
        }
        .into());
    }
    state
        .processes()
        .in_force(code, day)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "process_not_found",
                format!(
                    "Thủ tục {code} chưa có quy trình nội bộ áp dụng ngày {}",
                    day.format("%d/%m/%Y")
                ),
                format!("procedure {code} has no process in force on {day}"),
            )
        })
}

fn day_of(state: &AppState, q: &ProcessQuery) -> NaiveDate {
    q.at.unwrap_or_else(|| motcua_domain::dossier::local_day(state.now()))
}

/// `GET /api/v1/procedures/{code}/process`: JSON by default, the definition as YAML
/// or JSON (for editing elsewhere) with `?format=`.
pub async fn get(
    State(state): State<AppState>,
    Path(code): Path<String>,
    QueryParams(q): QueryParams<ProcessQuery>,
) -> ApiResult<Response> {
    let saved = in_force(&state, &code, day_of(&state, &q))?;
    let def = &saved.process.def;
    let file = |ext: &str| {
        format!(
            "attachment; filename=\"quy-trinh-{}-{}.{ext}\"",
            def.procedure, def.valid_from
        )
    };
    match q.format.as_deref() {
        None => {
            let per_day = state.minutes_per_day();
            Ok(Json(ProcessView::of(&saved, &state.directory(), per_day)).into_response())
        }
        Some("yaml") => {
            let text = serde_yaml_ng::to_string(def).map_err(ApiError::internal)?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/yaml; charset=utf-8".to_owned(),
                    ),
                    (header::CONTENT_DISPOSITION, file("yaml")),
                ],
                text,
            )
                .into_response())
        }
        Some("json") => {
            let text = serde_json::to_string_pretty(def).map_err(ApiError::internal)?;
            Ok((
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (header::CONTENT_DISPOSITION, file("json")),
                ],
                text,
            )
                .into_response())
        }
        Some(other) => Err(ApiError::invalid_query(format!(
            "format “{other}” (yaml, json)"
        ))),
    }
}

/// The diagram of a process for `procedure` (its code and name in the title).
pub fn svg(state: &AppState, process: &Process, mode: DiagramMode) -> String {
    let directory = state.directory();
    let catalog = state.catalog();
    let title = match catalog.get(&process.def.procedure) {
        Some(p) => format!("{} — {}", p.code, p.name),
        None => process.def.procedure.clone(),
    };
    let lane = |s: &StepDef| lane(s, &directory);
    process_svg(
        process,
        &DiagramLabels {
            title: &title,
            lane: &lane,
            minutes_per_day: state.minutes_per_day(),
        },
        mode,
    )
}

/// `GET /api/v1/procedures/{code}/process.svg` (`?view=citizen` for the simple one).
pub async fn get_svg(
    State(state): State<AppState>,
    Path(code): Path<String>,
    QueryParams(q): QueryParams<ProcessQuery>,
) -> ApiResult<Response> {
    let saved = in_force(&state, &code, day_of(&state, &q))?;
    let mode = match q.view.as_deref() {
        None | Some("officer") => DiagramMode::Officer,
        Some("citizen") => DiagramMode::Citizen,
        Some(other) => {
            return Err(ApiError::invalid_query(format!(
                "view “{other}” (officer, citizen)"
            )));
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        svg(&state, &saved.process, mode),
    )
        .into_response())
}

/// The problems of a definition in the API's error shape: one issue per problem, its
/// field the step (`steps.tham-dinh`) or `process`.
pub fn invalid(issues: Vec<ProcessIssue>) -> ApiError {
    let first = issues
        .first()
        .map_or_else(String::new, |i| i.message.clone());
    let n = issues.len();
    let mut e = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "process_invalid",
        if n == 1 {
            format!("Quy trình chưa đúng: {first}")
        } else {
            format!("Quy trình có {n} chỗ chưa đúng; đầu tiên: {first}")
        },
        format!("the process has {n} problem(s)"),
    );
    for i in issues {
        e = e.with_issue(FieldIssue {
            field: i
                .step
                .map_or_else(|| "process".to_owned(), |s| format!("steps.{s}")),
            message: i.message,
            message_en: i.code.to_owned(),
        });
    }
    e
}

/// Reads a definition from a request body: YAML, or JSON (which YAML reads too).
pub fn parse_body(headers: &HeaderMap, body: &[u8]) -> ApiResult<ProcessDef> {
    let text = std::str::from_utf8(body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "process_unreadable",
            "Nội dung quy trình không phải văn bản UTF-8",
            "body is not UTF-8",
        )
    })?;
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let parsed = if json {
        serde_json::from_str::<ProcessDef>(text).map_err(|e| ProcessIssue {
            step: None,
            code: "process_unreadable",
            message: format!("Không đọc được quy trình: {e}"),
        })
    } else {
        ProcessDef::from_yaml(text)
    };
    parsed.map_err(|issue| invalid(vec![issue]))
}

/// Checks `def` and saves it as a new version by `actor`, whom the caller (the API
/// route, the editor page) has found to be an administrator before reading the body;
/// answers the saved view.
pub async fn save(
    state: &AppState,
    actor: &motcua_domain::Subject,
    def: ProcessDef,
    meta: &Meta,
) -> ApiResult<ProcessView> {
    let per_day = state.minutes_per_day();
    let directory = state.directory();
    let process = def
        .check_in(&state.catalog(), &directory, per_day)
        .map_err(invalid)?;
    let id = state
        .store()
        .save_process(&process.def, actor.username(), state.now(), meta.request())
        .await?;
    state.reload_processes().await?;
    let saved = state
        .processes()
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::internal(format!("process {id} saved but not loaded")))?;
    Ok(ProcessView::of(&saved, &directory, per_day))
}

/// `POST /api/v1/procedures/{code}/process` (administrators): a new version, YAML or
/// JSON. The procedure in the body, when written, must be the one in the path.
pub async fn post(
    State(state): State<AppState>,
    auth: Auth,
    meta: Meta,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<ProcessView>)> {
    state.authorize(
        &auth.subject,
        motcua_domain::policy::Action::Administer,
        motcua_domain::policy::Resource::System,
    )?;
    let def = parse_body(&headers, &body)?;
    if def.procedure != code {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "process_procedure_mismatch",
            format!(
                "Quy trình ghi thủ tục {}, địa chỉ là thủ tục {code}",
                def.procedure
            ),
            "the body's procedure differs from the path's",
        )
        .on_field("procedure"));
    }
    let view = save(&state, &auth.subject, def, &meta).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A dossier's walk as shown.
#[derive(Debug, Serialize)]
pub struct StepsView {
    /// The version it follows.
    process_id: i64,
    valid_from: NaiveDate,
    steps: Vec<StepRun>,
    /// IDs of the current steps.
    current: Vec<String>,
    agencies: Vec<AgencyShare>,
}

/// The version `d` follows and its walk now, when it follows one.
pub fn walk_of(
    state: &AppState,
    d: &motcua_domain::Dossier,
) -> ApiResult<Option<(SavedProcess, Walk)>> {
    let Some(saved) = d
        .process_id
        .and_then(|id| state.processes().get(id).cloned())
    else {
        return Ok(None);
    };
    let walk = motcua_domain::process::walk(&saved.process, d, &state.calendar(), state.now())?;
    Ok(Some((saved, walk)))
}

/// `GET /api/v1/dossiers/{code}/steps`: where the dossier stands in its process.
pub async fn steps(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> ApiResult<Json<StepsView>> {
    let d = crate::api::dossiers::visible(&state, &auth.subject, &code).await?;
    let (saved, walk) = walk_of(&state, &d)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "process_not_found",
            "Hồ sơ không theo quy trình nội bộ nào (nhận trước khi có quy trình)",
            "the dossier follows no process",
        )
    })?;
    Ok(Json(StepsView {
        process_id: saved.id,
        valid_from: saved.process.def.valid_from,
        current: walk.current_steps().map(|s| s.id.clone()).collect(),
        steps: walk.steps,
        agencies: walk.agencies,
    }))
}

/// After an action: when the dossier was just received and its process has the
/// system assign the examination, assign it (as the officer who received it, one
/// more state change with its own audit entry). A failure here leaves the dossier
/// received, as it was acknowledged, and is logged.
pub async fn auto_assign(
    state: &AppState,
    subject: &motcua_domain::Subject,
    meta: &Meta,
    d: motcua_domain::Dossier,
) -> motcua_domain::Dossier {
    match try_auto_assign(state, subject, meta, &d).await {
        Ok(Some(assigned)) => assigned,
        Ok(None) => d,
        Err(e) => {
            tracing::warn!(dossier = %d.code, code = e.code(), "automatic assignment skipped");
            d
        }
    }
}

async fn try_auto_assign(
    state: &AppState,
    subject: &motcua_domain::Subject,
    meta: &Meta,
    d: &motcua_domain::Dossier,
) -> ApiResult<Option<motcua_domain::Dossier>> {
    use motcua_domain::process::assign::{choose, pending, specialists};
    let Some((saved, walk)) = walk_of(state, d)? else {
        return Ok(None);
    };
    let Some(due) = pending(&saved.process, &walk, d) else {
        return Ok(None);
    };
    let directory = state.directory();
    let people = specialists(&directory, &due.agency, due.unit.as_deref());
    let chosen = match &due.officer {
        Some(named) if directory.officer(named).is_some() => Some(named.clone()),
        _ => {
            let loads = state.store().assignee_loads(&due.agency).await?;
            let candidates: Vec<motcua_domain::process::Candidate> = people
                .iter()
                .map(|u| {
                    let load = loads.iter().find(|l| l.username == *u);
                    motcua_domain::process::Candidate {
                        username: (*u).to_owned(),
                        open: load.map_or(0, |l| u64::try_from(l.open).unwrap_or(0)),
                        last_assigned: load.and_then(|l| l.last_assigned),
                    }
                })
                .collect();
            choose(due.rule, &candidates).map(str::to_owned)
        }
    };
    let Some(assignee) = chosen else {
        return Ok(None);
    };
    let cmd = motcua_domain::Command::parse(
        motcua_domain::ActionKind::Assign,
        &serde_json::json!({
            "assignee": assignee,
            "note": format!("Phân công tự động theo quy trình (bước “{}”: {})", due.step, due.rule.label_vi()),
        }),
    )?;
    let parts = state.parts();
    let decision = motcua_domain::decide(d, cmd, &state.ctx(subject, &parts))?;
    Ok(Some(state.store().apply(decision, meta.request()).await?))
}
