//! The officer desk: the queue, the dossier page with exactly the actions the officer
//! may take now, counter reception with its receipt, assisted filing, and the
//! leader's approvals with the unit's on-time figures.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Duration, NaiveDate};
use futures::TryStreamExt;
use motcua_domain::{
    ActionKind, Applicant, Channel, Command, DomainError, Dossier, ErrorKind, Role, Status,
    Subject, SubmitRequest,
};
use motcua_store::{AttachmentOwner, DossierFilter};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Meta;
use crate::state::AppState;
use crate::ui::forms::{self, FieldView};
use crate::ui::{Ui, UiError, UiResult, day, render, see_other, when};

fn api_err(ui: &Ui, e: impl Into<crate::error::ApiError>) -> UiError {
    UiError::from_api(ui, e.into())
}

/// Records the officer's read of personal data (see `api::audit_read`).
async fn read(state: &AppState, ui: &Ui, action: &str, target: &str, meta: &Meta) -> UiResult<()> {
    let subject = ui.require_login()?;
    crate::api::audit_read(state, subject, action, target, meta)
        .await
        .map_err(|e| api_err(ui, e))
}

fn officer(ui: &Ui) -> UiResult<Subject> {
    let s = ui.require_login()?;
    if s.is_officer() {
        Ok(s.clone())
    } else {
        Err(UiError::forbidden(ui))
    }
}

/// A queue line.
#[derive(Debug)]
pub struct QueueRow {
    code: String,
    procedure: String,
    applicant: String,
    status: String,
    channel: String,
    due: String,
    late: bool,
    today: bool,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage<'a> {
    ui: &'a Ui,
    rows: Vec<QueueRow>,
    total: i64,
    total_capped: bool,
    who: String,
    page: u32,
    pages: u32,
    status: String,
    procedure: String,
    channel: String,
    due: String,
    statuses: Vec<(String, String)>,
    procedures: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    prev: Option<String>,
    next: Option<String>,
}

/// Queue filters.
#[derive(Debug, Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    channel: String,
    /// `today`, `late` or empty.
    #[serde(default)]
    due: String,
    /// `me`: only dossiers assigned to me.
    #[serde(default)]
    who: String,
    #[serde(default)]
    page: Option<u32>,
}

fn end_of_today(state: &AppState) -> chrono::DateTime<chrono::Utc> {
    let today = motcua_domain::time::to_local(state.now()).date();
    motcua_domain::time::from_local(
        (today + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    )
}

/// The queue: my agencies' open dossiers, most urgent first, with filters.
pub async fn queue(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<QueueQuery>,
) -> UiResult<Response> {
    let subject = officer(&ui)?;
    let admin = subject.has_role_anywhere(Role::Admin);
    let now = state.now();
    let tomorrow = end_of_today(&state);
    let mut filter = DossierFilter {
        scope_agencies: (!admin)
            .then(|| subject.agencies().into_iter().map(str::to_owned).collect()),
        open_only: q.status.is_empty(),
        status: Status::parse(&q.status),
        procedure: Some(q.procedure.clone()).filter(|s| !s.is_empty()),
        channel: Some(q.channel.clone()).filter(|s| Channel::parse(s).is_some()),
        assignee: (q.who == "me").then(|| subject.username().to_owned()),
        page: q.page.unwrap_or(1).max(1),
        per_page: 50,
        ..Default::default()
    };
    (filter.due_after, filter.due_before) = match q.due.as_str() {
        "today" => (Some(now), Some(tomorrow)),
        "late" => (None, Some(now)),
        _ => (None, None),
    };
    let result = state
        .store()
        .list_dossiers(&filter)
        .await
        .map_err(|e| api_err(&ui, e))?;
    let catalog = state.catalog();
    let rows = result
        .items
        .into_iter()
        .map(|s| {
            let late = s.due_at.is_some_and(|d| d < now)
                && !s.status.is_terminal()
                && !matches!(s.status, Status::Approved | Status::ResultReady);
            QueueRow {
                procedure: catalog
                    .get(&s.procedure_code)
                    .map_or_else(|| s.procedure_code.clone(), |p| p.name.clone()),
                applicant: s.applicant_name,
                status: ui.tr.status(s.status.as_str()),
                channel: ui.tr.channel(&s.channel),
                due: s.due_at.map_or_else(|| "—".to_owned(), when),
                today: s.due_at.is_some_and(|d| d >= now && d < tomorrow),
                late,
                code: s.code,
            }
        })
        .collect();
    let pages = u32::try_from((result.total + 49) / 50).unwrap_or(1).max(1);
    let link = |page: u32| {
        format!(
            "/can-bo?status={}&procedure={}&channel={}&due={}&who={}&page={page}",
            crate::ui::session::urlencode(&q.status),
            crate::ui::session::urlencode(&q.procedure),
            crate::ui::session::urlencode(&q.channel),
            crate::ui::session::urlencode(&q.due),
            crate::ui::session::urlencode(&q.who)
        )
    };
    let page = QueuePage {
        ui: &ui,
        rows,
        total: result.total,
        total_capped: result.total_capped,
        page: result.page,
        pages,
        statuses: Status::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), ui.tr.status(s.as_str())))
            .collect(),
        procedures: catalog
            .procedures
            .values()
            .map(|p| (p.code.clone(), p.name.clone()))
            .collect(),
        channels: ["counter", "online", "post", "assisted"]
            .iter()
            .map(|c| ((*c).to_owned(), ui.tr.channel(c)))
            .collect(),
        prev: (result.page > 1).then(|| link(result.page - 1)),
        next: (result.page < pages).then(|| link(result.page + 1)),
        status: q.status,
        procedure: q.procedure,
        channel: q.channel,
        due: q.due,
        who: q.who,
    };
    render(&ui, &page)
}

async fn visible(state: &AppState, ui: &Ui, code: &str) -> UiResult<Dossier> {
    let subject = officer(ui)?;
    // The API's rule (the policy); any refusal or bad code is a plain "not found" page.
    crate::api::dossiers::visible(state, &subject, code)
        .await
        .map_err(|e| {
            if e.status().is_client_error() {
                UiError::not_found(ui)
            } else {
                api_err(ui, e)
            }
        })
}

/// An action the officer may take, with what its form needs.
#[derive(Debug)]
pub struct ActionView {
    name: &'static str,
    label: String,
    blocked: Option<String>,
    error: Option<String>,
}

/// Tries every action with a stand-in body: those refused for role or status are not
/// offered; those only refused for their body are (the form will collect it).
fn available_actions(
    state: &AppState,
    subject: &Subject,
    d: &Dossier,
) -> Vec<(ActionKind, Option<String>)> {
    let parts = state.parts();
    let far = motcua_domain::time::to_local(state.now()).date() + Duration::days(30);
    let mut out = Vec::new();
    for action in ActionKind::ALL {
        if matches!(action, ActionKind::Submit | ActionKind::Rate) {
            continue;
        }
        let body = match action {
            ActionKind::RequestSupplement => json!({"items": ["x"], "reason": "x"}),
            ActionKind::Refuse
            | ActionKind::SendBack
            | ActionKind::Withdraw
            | ActionKind::Stop
            | ActionKind::Pause => {
                json!({"reason": "x"})
            }
            ActionKind::Assign => json!({"assignee": subject.username()}),
            ActionKind::Consult => json!({"target": "x", "question": "x"}),
            ActionKind::ConsultReply => json!({"answer": "x"}),
            ActionKind::Transfer => json!({"agency": "x"}),
            ActionKind::Extend => json!({"new_due": far.to_string(), "reason": "x"}),
            _ => json!({}),
        };
        let Ok(cmd) = Command::parse(action, &body) else {
            continue;
        };
        match motcua_domain::decide(d, cmd, &state.ctx(subject, &parts)) {
            Ok(_) => out.push((action, None)),
            Err(DomainError::ApologyRequired) => {
                out.push((action, Some(DomainError::ApologyRequired.message_vi())))
            }
            Err(e) if e.kind() == ErrorKind::Invalid => out.push((action, None)),
            Err(_) => {}
        }
    }
    out
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage<'a> {
    ui: &'a Ui,
    d: &'a Dossier,
    status: String,
    channel: String,
    receiving: String,
    handling: String,
    assignee: String,
    deadline: Vec<(String, String)>,
    late: bool,
    applicant: Vec<(String, String)>,
    form: Vec<(String, String)>,
    files: Vec<FileView>,
    history: Vec<HistoryView>,
    actions: Vec<ActionView>,
    assignees: Vec<(String, String)>,
    units: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    documents: Vec<String>,
    papers: Vec<(String, String)>,
    steps: Option<StepsSection>,
}

/// Where the dossier stands in its process: each step, and each agency's share.
#[derive(Debug)]
pub struct StepsSection {
    procedure: String,
    rows: Vec<StepRow>,
    /// Agency, planned, used, verdict, late.
    agencies: Vec<(String, String, String, String, bool)>,
}

/// One step of the walk.
#[derive(Debug)]
pub struct StepRow {
    name: String,
    who: String,
    state: &'static str,
    current: bool,
    due: String,
    ended: String,
    verdict: String,
    late: bool,
}

fn timeliness_key(t: motcua_calendar::Timeliness) -> &'static str {
    match t {
        motcua_calendar::Timeliness::Early => "timeliness-early",
        motcua_calendar::Timeliness::OnTime => "timeliness-on-time",
        motcua_calendar::Timeliness::Late => "timeliness-late",
    }
}

fn steps_section(state: &AppState, ui: &Ui, d: &Dossier) -> Option<StepsSection> {
    let (_, walk) = crate::api::processes::walk_of(state, d).ok()??;
    let directory = state.directory();
    let per_day = state.minutes_per_day();
    let agency_name = |code: &str| {
        directory
            .agency(code)
            .map_or_else(|| code.to_owned(), |a| a.name.clone())
    };
    let person = |u: &str| {
        directory
            .officer(u)
            .map_or_else(|| u.to_owned(), |o| o.full_name.clone())
    };
    let share =
        |m: i64| motcua_render::diagram::share_label(u64::try_from(m).unwrap_or(0), per_day);
    let rows = walk
        .steps
        .iter()
        .map(|r| {
            let unit = r
                .unit
                .as_deref()
                .and_then(|u| directory.unit(u))
                .map(|u| format!(" — {}", u.name))
                .unwrap_or_default();
            let officer = r
                .officer
                .as_deref()
                .map(|o| format!(" ({})", person(o)))
                .unwrap_or_default();
            StepRow {
                name: r.name.clone(),
                who: format!("{}{unit}{officer}", agency_name(&r.agency)),
                state: r.state.label_vi(),
                current: r.state == motcua_domain::process::StepState::Active,
                due: r.due_at.map(when).unwrap_or_default(),
                ended: r.ended_at.map(when).unwrap_or_default(),
                verdict: match r.timeliness {
                    Some(t) if r.late_minutes > 0 => {
                        format!("{} ({})", ui.tr.t(timeliness_key(t)), share(r.late_minutes))
                    }
                    Some(t) => ui.tr.t(timeliness_key(t)),
                    None => String::new(),
                },
                late: r.is_late(),
            }
        })
        .collect();
    let agencies = walk
        .agencies
        .iter()
        .map(|a| {
            (
                agency_name(&a.agency),
                share(i64::try_from(a.planned_minutes).unwrap_or(0)),
                share(a.used_minutes),
                if a.on_time {
                    ui.tr.t("steps-agency-on-time")
                } else {
                    ui.tr.t1("steps-agency-late", "late", share(a.late_minutes))
                },
                !a.on_time,
            )
        })
        .collect();
    Some(StepsSection {
        procedure: d.procedure_code.clone(),
        rows,
        agencies,
    })
}

/// A file on the dossier page.
#[derive(Debug)]
pub struct FileView {
    id: String,
    name: String,
    size: String,
    kind: String,
    pdf: bool,
    image: bool,
    sha256: String,
}

/// A history line.
#[derive(Debug)]
pub struct HistoryView {
    at: String,
    who: String,
    action: String,
    status: String,
    details: Vec<String>,
}

fn detail_lines(ui: &Ui, data: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(map) = data.as_object() else {
        return out;
    };
    for (k, v) in map {
        let text = match (k.as_str(), v) {
            ("channel", Value::String(s)) => ui.tr.channel(s),
            ("method", Value::String(s)) => ui.tr.t(&format!("method-{s}")),
            ("kind", Value::String(s)) => ui.tr.t(if s == "fee_payment" {
                "pause-fee"
            } else {
                "pause-other"
            }),
            ("level", Value::String(s)) => ui.tr.t(&format!("rating-{}", s.replace('_', "-"))),
            (_, Value::String(s)) => s.clone(),
            (_, Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .or_else(|| i.get("name").and_then(Value::as_str).map(str::to_owned))
                        .unwrap_or_else(|| i.to_string())
                })
                .collect::<Vec<_>>()
                .join("; "),
            (_, Value::Object(_)) => continue,
            (_, other) => other.to_string(),
        };
        if !text.is_empty() {
            out.push(format!(
                "{}: {text}",
                ui.tr.t(&format!("field-{}", k.replace('_', "-")))
            ));
        }
    }
    out
}

async fn dossier_page(
    state: &AppState,
    ui: &Ui,
    d: &Dossier,
    failed: Option<(&str, String)>,
    status: StatusCode,
) -> UiResult<Response> {
    let subject = officer(ui)?;
    let directory = state.directory();
    let name_of_agency = |c: &str| {
        directory
            .agency(c)
            .map_or_else(|| c.to_owned(), |a| a.name.clone())
    };
    let name_of = |u: &str| {
        directory
            .officer(u)
            .map_or_else(|| u.to_owned(), |a| a.full_name.clone())
    };
    let report = motcua_domain::deadline::report(d, &state.calendar(), state.rules(), state.now())
        .map_err(|e| api_err(ui, e))?;
    let mut deadline = Vec::new();
    if let Some(r) = &report {
        let t = |x| crate::ui::when(motcua_domain::time::from_local(x));
        deadline.push((ui.tr.t("deadline-legal"), t(r.legal_due)));
        deadline.push((ui.tr.t("deadline-appointment"), t(r.appointment)));
        if r.completed_at.is_none() {
            let hours = r.remaining.working_minutes / 60;
            let key = if r.remaining.working_minutes < 0 {
                "deadline-overdue-by"
            } else {
                "deadline-left"
            };
            deadline.push((
                ui.tr.t("deadline-remaining"),
                ui.tr.t2(
                    key,
                    "days",
                    r.remaining.working_days.abs(),
                    "hours",
                    hours.abs(),
                ),
            ));
        }
        if let Some(t) = r.timeliness {
            deadline.push((ui.tr.t("deadline-verdict"), ui.tr.t(timeliness_key(t))));
        }
        if r.paused_since.is_some() {
            deadline.push((ui.tr.t("deadline-paused"), ui.tr.t("yes")));
        }
    }
    let a = &d.applicant;
    let mut applicant = vec![(ui.tr.t("applicant-name"), a.name.clone())];
    for (label, v) in [
        ("applicant-id-number", &a.id_number),
        ("applicant-phone", &a.phone),
        ("applicant-email", &a.email),
        ("applicant-address", &a.address),
    ] {
        if let Some(v) = v {
            applicant.push((ui.tr.t(label), v.clone()));
        }
    }
    if let Some(h) = &d.helper {
        applicant.push((ui.tr.t("receipt-helper"), name_of(h)));
    }
    if let Some(c) = &d.consent {
        let reference = c
            .reference
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let scopes: Vec<&str> = c.scopes.iter().map(|s| s.label_vi()).collect();
        let scopes = if scopes.is_empty() {
            String::new()
        } else {
            format!(
                "; {} {}",
                ui.tr.t("dossier-consent-also"),
                scopes.join(", ")
            )
        };
        applicant.push((
            ui.tr.t("dossier-consent"),
            format!(
                "{}{reference}{scopes} — {} {}",
                c.method.label_vi(),
                ui.tr.t("dossier-consent-until"),
                c.valid_until.format("%d/%m/%Y")
            ),
        ));
    }
    let catalog = state.catalog();
    let schema = catalog
        .get(&d.procedure_code)
        .and_then(|p| p.version_at(d.procedure_version).ok())
        .map(|v| v.form.clone())
        .unwrap_or_default();
    let form = d
        .form_data
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let label = schema
                        .field(k)
                        .and_then(|f| f.title.clone())
                        .unwrap_or_else(|| k.clone());
                    (
                        label,
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let files = state
        .store()
        .attachments(d.code.as_str())
        .await
        .map_err(|e| api_err(ui, e))?
        .into_iter()
        .map(|f| FileView {
            pdf: f.content_type == "application/pdf",
            image: f.content_type.starts_with("image/") && f.content_type != "image/tiff",
            size: format!("{} KB", (f.size + 1023) / 1024),
            kind: ui.tr.t(&format!("file-kind-{}", f.kind)),
            sha256: f.sha256,
            id: f.id,
            name: f.name,
        })
        .collect();
    let history = d
        .events
        .iter()
        .rev()
        .map(|e| HistoryView {
            at: when(e.at),
            who: name_of(&e.actor),
            action: ui.tr.action(e.action.as_str()),
            status: ui.tr.status(e.to.as_str()),
            details: detail_lines(ui, &e.data),
        })
        .collect();
    let actions = available_actions(state, &subject, d)
        .into_iter()
        .map(|(a, blocked)| ActionView {
            name: a.as_str(),
            label: ui.tr.action(a.as_str()),
            blocked,
            error: failed
                .as_ref()
                .filter(|(n, _)| *n == a.as_str())
                .map(|(_, m)| m.clone()),
        })
        .collect();
    let assignees = directory
        .officers
        .values()
        .filter(|o| {
            o.roles.iter().any(|r| {
                r.agency == d.handling_agency
                    && matches!(r.role, Role::Specialist | Role::UnitLeader)
            })
        })
        .map(|o| (o.username.clone(), o.full_name.clone()))
        .collect();
    let units = directory
        .units
        .values()
        .filter(|u| u.agency == d.handling_agency)
        .map(|u| (u.code.clone(), u.name.clone()))
        .collect();
    let agencies = directory
        .agencies
        .values()
        .filter(|a| a.code != d.handling_agency)
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    let documents = catalog
        .get(&d.procedure_code)
        .and_then(|p| p.version_at(d.procedure_version).ok())
        .map(|v| {
            v.required_documents
                .iter()
                .map(|x| x.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let page = DossierPage {
        ui,
        d,
        status: ui.tr.status(d.status.as_str()),
        channel: ui.tr.channel(d.channel.as_str()),
        receiving: name_of_agency(&d.receiving_agency),
        handling: name_of_agency(&d.handling_agency),
        assignee: d.assignee.as_deref().map(name_of).unwrap_or_default(),
        late: report.as_ref().is_some_and(|r| r.overdue),
        deadline,
        applicant,
        form,
        files,
        history,
        actions,
        assignees,
        units,
        agencies,
        documents,
        papers: crate::ui::papers(d, &ui.tr, &format!("/can-bo/ho-so/{}", d.code)),
        steps: steps_section(state, ui, d),
    };
    let mut resp = render(ui, &page)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// The dossier page.
pub async fn dossier(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(code): Path<String>,
) -> UiResult<Response> {
    let d = visible(&state, &ui, &code).await?;
    read(&state, &ui, "dossier.read", d.code.as_str(), &meta).await?;
    dossier_page(&state, &ui, &d, None, StatusCode::OK).await
}

/// Turns an action's form post into the API's JSON body.
/// The fee fields of a receipt form: `so_luong.{unit}` counts and `mien_giam`.
fn fee_fields(posted: &[(String, String)]) -> Value {
    let mut quantities = serde_json::Map::new();
    for (k, v) in posted {
        if let Some(unit) = k.strip_prefix("so_luong.")
            && let Ok(n) = v.trim().parse::<u32>()
        {
            quantities.insert(unit.to_owned(), json!(n));
        }
    }
    let exemption = forms::get(posted, "mien_giam").trim();
    json!({
        "quantities": quantities,
        "exemption": (!exemption.is_empty()).then_some(exemption),
    })
}

fn action_body(action: ActionKind, posted: &[(String, String)]) -> Value {
    let mut m = serde_json::Map::new();
    for key in [
        "reason",
        "note",
        "assignee",
        "unit",
        "target",
        "question",
        "answer",
        "agency",
        "result_number",
        "method",
        "kind",
        "new_due",
        "apology",
        "answer_by",
    ] {
        let v = forms::get(posted, key).trim();
        if !v.is_empty() {
            m.insert(key.to_owned(), Value::String(v.to_owned()));
        }
    }
    if action == ActionKind::RequestSupplement {
        let items: Vec<Value> = forms::get(posted, "items")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Value::String(l.to_owned()))
            .collect();
        m.insert("items".into(), Value::Array(items));
    }
    if action == ActionKind::Receive {
        let docs: Vec<Value> = forms::all(posted, "doc")
            .into_iter()
            .map(|d| json!({"name": d, "original": true}))
            .collect();
        if !docs.is_empty() {
            m.insert("documents".into(), Value::Array(docs));
        }
        m.insert("fees".into(), fee_fields(posted));
    }
    Value::Object(m)
}

/// Runs an action from its form; on refusal the page shows why, next to that form.
pub async fn act(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path((code, action)): Path<(String, String)>,
    body: Bytes,
) -> UiResult<Response> {
    let posted = forms::pairs(&body);
    ui.check_csrf(forms::get(&posted, "_csrf"))?;
    let subject = officer(&ui)?;
    let d = visible(&state, &ui, &code).await?;
    let kind = motcua_domain::dossier::parse_action(&action).map_err(|e| api_err(&ui, e))?;
    let result = Command::parse(kind, &action_body(kind, &posted)).and_then(|cmd| {
        let parts = state.parts();
        motcua_domain::decide(&d, cmd, &state.ctx(&subject, &parts))
    });
    match result {
        Ok(decision) => {
            let saved = crate::payments::apply_decision(&state, decision, &meta)
                .await
                .map_err(|e| api_err(&ui, e))?;
            crate::api::processes::auto_assign(&state, &subject, &meta, saved).await;
            Ok(see_other(&format!(
                "/can-bo/ho-so/{}?ok={}",
                d.code,
                kind.as_str()
            )))
        }
        Err(e) => {
            let status = crate::error::ApiError::from(e.clone()).status();
            dossier_page(
                &state,
                &ui,
                &d,
                Some((kind.as_str(), e.message_vi())),
                status,
            )
            .await
        }
    }
}

/// Attaches scans (or the result) to a dossier.
pub async fn upload(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
    multipart: Multipart,
) -> UiResult<Response> {
    let subject = officer(&ui)?;
    let d = visible(&state, &ui, &code).await?;
    let xhr = headers.get("x-requested-with").is_some();
    let kind = if matches!(d.status, Status::Approved | Status::ResultReady) {
        "result"
    } else {
        "submission"
    };
    let result = crate::ui::citizen::upload_files(
        &state,
        &ui,
        &meta,
        multipart,
        AttachmentOwner::Dossier(d.code.to_string()),
        kind,
        subject.username(),
    )
    .await;
    let to = format!("/can-bo/ho-so/{}?ok=uploaded", d.code);
    match (result, xhr) {
        (Ok(_), true) => Ok((StatusCode::OK, [("x-location", to)], "").into_response()),
        (Ok(_), false) => Ok(see_other(&to)),
        (Err(e), true) => Ok((e.status(), e.message().to_owned()).into_response()),
        (Err(e), false) => Err(e),
    }
}

/// A file, inline (the dossier page previews PDFs and images in a frame).
pub async fn file(
    State(state): State<AppState>,
    ui: Ui,
    request: Meta,
    Path((code, id)): Path<(String, String)>,
) -> UiResult<Response> {
    let d = visible(&state, &ui, &code).await?;
    let meta = state
        .store()
        .attachment(d.code.as_str(), &id)
        .await
        .map_err(|e| api_err(&ui, e))?
        .ok_or_else(|| UiError::not_found(&ui))?;
    let target = format!("{}/{}", d.code, meta.id);
    read(&state, &ui, "attachment.read", &target, &request).await?;
    let stream = state
        .store()
        .attachment_stream(&meta)
        .await
        .map_err(|e| api_err(&ui, e))?;
    let mut resp = axum::body::Body::from_stream(stream).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&meta.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    // Our own pages may frame it; nothing in it may run.
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"));
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    Ok(resp)
}

/// The receipt and appointment slip (form 01) as a page to print.
pub async fn receipt(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
) -> UiResult<Response> {
    let d = visible(&state, &ui, &code).await?;
    crate::ui::citizen::receipt_page(&state, &ui, &d, &format!("/can-bo/ho-so/{}", d.code)).await
}

#[derive(Template)]
#[template(path = "pick.html")]
struct PickPage<'a> {
    ui: &'a Ui,
    title: String,
    action: &'a str,
    q: String,
    items: Vec<(String, String, String)>,
}

/// A paper of the dossier as PDF.
pub async fn paper(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path((code, file)): Path<(String, String)>,
) -> UiResult<Response> {
    let d = visible(&state, &ui, &code).await?;
    let target = format!("{}/{}", d.code, file.trim_end_matches(".pdf"));
    read(&state, &ui, "paper.read", &target, &meta).await?;
    crate::ui::paper_file(&state, &ui, d, &file).await
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage<'a> {
    ui: &'a Ui,
    agencies: Vec<(String, String)>,
    agency: String,
    from: String,
    to: String,
}

/// Period and format of the register page.
#[derive(Debug, Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    agency: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    format: String,
}

/// The dossier register: a form for the agency and period, and the file once chosen.
pub async fn register(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Query(q): Query<RegisterForm>,
) -> UiResult<Response> {
    let subject = officer(&ui)?;
    let directory = state.directory();
    let agencies: Vec<(String, String)> = directory
        .agencies
        .values()
        .filter(|a| crate::api::documents::may_see_register(&state, &subject, &a.code))
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    if !q.agency.is_empty() {
        if !crate::api::documents::may_see_register(&state, &subject, &q.agency) {
            return Err(UiError::forbidden(&ui));
        }
        let query = crate::api::documents::RegisterQuery {
            from: q.from.clone(),
            to: q.to.clone(),
            format: Some(q.format.clone()),
        };
        let (bytes, content_type, name) =
            crate::api::documents::register_file(&state, &q.agency, &query)
                .await
                .map_err(|e| api_err(&ui, e))?;
        let target = format!("{}/{}..{}", q.agency, q.from, q.to);
        read(&state, &ui, "register.read", &target, &meta).await?;
        return Ok(crate::api::documents::file_response(
            bytes,
            content_type,
            &name,
            content_type == "application/pdf",
        ));
    }
    let today = motcua_domain::dossier::local_day(state.now());
    let first = today.with_day(1).unwrap_or(today);
    let page = RegisterPage {
        ui: &ui,
        agency: agencies.first().map(|a| a.0.clone()).unwrap_or_default(),
        agencies,
        from: first.to_string(),
        to: today.to_string(),
    };
    render(&ui, &page)
}

/// Search parameter.
#[derive(Debug, Deserialize, Default)]
pub struct PickQuery {
    #[serde(default)]
    q: String,
}

fn pick(
    state: &AppState,
    tr: &super::i18n::Tr,
    q: &str,
    channel: Channel,
    link: impl Fn(&str) -> String,
) -> Vec<(String, String, String)> {
    let catalog = state.catalog();
    let today = motcua_domain::dossier::local_day(state.now());
    catalog
        .search(q, 200)
        .into_iter()
        .filter(|p| {
            p.version_at(today).is_ok_and(|v| {
                v.channels.contains(&channel)
                    && (channel != Channel::Online
                        || v.online_mode != motcua_domain::OnlineMode::None)
            })
        })
        .map(|p| {
            (
                link(&p.code),
                p.name.clone(),
                p.version_at(today)
                    .map(|v| tr.limit(&v.time_limit))
                    .unwrap_or_default(),
            )
        })
        .take(if q.is_empty() { 50 } else { 200 })
        .collect()
}

/// Counter reception, step 1: the procedure.
pub async fn counter_pick(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<PickQuery>,
) -> UiResult<Response> {
    officer(&ui)?;
    let items = pick(&state, &ui.tr, &q.q, Channel::Counter, |c| {
        format!("/can-bo/tiep-nhan/{c}")
    });
    render(
        &ui,
        &PickPage {
            ui: &ui,
            title: ui.tr.t("counter-title"),
            action: "/can-bo/tiep-nhan",
            q: q.q,
            items,
        },
    )
}

/// Assisted filing, step 1: the procedure (then the citizen's wizard).
pub async fn assisted_pick(
    State(state): State<AppState>,
    ui: Ui,
    Query(q): Query<PickQuery>,
) -> UiResult<Response> {
    officer(&ui)?;
    let items = pick(&state, &ui.tr, &q.q, Channel::Online, |c| {
        format!("/nop-ho-so/{c}?ho=1")
    });
    render(
        &ui,
        &PickPage {
            ui: &ui,
            title: ui.tr.t("assisted-title"),
            action: "/can-bo/nop-ho",
            q: q.q,
            items,
        },
    )
}

#[derive(Template)]
#[template(path = "counter.html")]
struct CounterPage<'a> {
    ui: &'a Ui,
    code: &'a str,
    name: &'a str,
    agencies: Vec<(String, String)>,
    agency: String,
    applicant: Vec<FieldView>,
    declaration: Vec<FieldView>,
    documents: Vec<(String, bool)>,
    errors: Vec<(String, String)>,
    /// What finding the applicant gave: (found, message).
    found: Option<(bool, String)>,
}

fn counter_agencies(state: &AppState, subject: &Subject) -> Vec<(String, String)> {
    let directory = state.directory();
    subject
        .agencies_with(Role::ReceivingOfficer)
        .into_iter()
        .map(|code| {
            let name = directory
                .agency(code)
                .map_or_else(|| code.to_owned(), |a| a.name.clone());
            (code.to_owned(), name)
        })
        .collect()
}

fn counter_page(
    state: &AppState,
    ui: &Ui,
    subject: &Subject,
    code: &str,
    posted: &[(String, String)],
    errors: &BTreeMap<String, String>,
    found: Option<(bool, String)>,
) -> UiResult<Response> {
    let catalog = state.catalog();
    let p = catalog.get(code).ok_or_else(|| UiError::not_found(ui))?;
    let today = motcua_domain::dossier::local_day(state.now());
    let v = p.version_at(today).map_err(|e| api_err(ui, e))?;
    let keys: Vec<String> = v.form.properties.0.iter().map(|(k, _)| k.clone()).collect();
    let data = forms::merge_fields(&v.form, &keys, posted, &Value::Null);
    let applicant = ["name", "id_number", "phone", "email", "address"]
        .iter()
        .map(|key| FieldView {
            name: format!("a.{key}"),
            id: format!("applicant.{key}"),
            label: ui.tr.t(&format!("applicant-{}", key.replace('_', "-"))),
            hint: String::new(),
            kind: "text",
            required: *key == "name",
            value: forms::get(posted, &format!("a.{key}")).to_owned(),
            choices: Vec::new(),
            error: errors.get(&format!("applicant.{key}")).cloned(),
        })
        .collect();
    let ticked = forms::all(posted, "doc");
    let page = CounterPage {
        ui,
        code,
        name: &p.name,
        agencies: counter_agencies(state, subject),
        agency: forms::get(posted, "agency").to_owned(),
        applicant,
        declaration: forms::schema_fields(&v.form, &keys, &data, errors),
        documents: v
            .required_documents
            .iter()
            .map(|d| (d.name.clone(), ticked.contains(&d.name.as_str())))
            .collect(),
        errors: errors
            .iter()
            .map(|(k, m)| {
                (
                    if k.starts_with("applicant.") {
                        k.clone()
                    } else {
                        format!("f-{k}")
                    },
                    m.clone(),
                )
            })
            .collect(),
        found,
    };
    render(ui, &page)
}

/// Counter reception: finds a returning applicant by identity number and fills the
/// page with the details last recorded at the officer's agencies (a post, so the number
/// stays out of URLs and history).
pub async fn counter_find(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
    body: Bytes,
) -> UiResult<Response> {
    let posted = forms::pairs(&body);
    ui.check_csrf(forms::get(&posted, "_csrf"))?;
    let subject = officer(&ui)?;
    let typed = forms::get(&posted, "id_number");
    let (prefill, found) =
        match crate::api::applicants::find_applicant(&state, &subject, typed).await {
            Ok(f) => {
                let a = f.applicant;
                let prefill: Vec<(String, String)> = [
                    ("a.name", Some(a.name)),
                    ("a.id_number", a.id_number),
                    ("a.phone", a.phone),
                    ("a.email", a.email),
                    ("a.address", a.address),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
                .collect();
                let text = ui.tr.t1("counter-found", "code", &f.dossier);
                (prefill, (true, text))
            }
            Err(e) if e.status() == StatusCode::FORBIDDEN => return Err(api_err(&ui, e)),
            Err(e) if e.code() == "applicant_not_found" => {
                let id = motcua_domain::id_number_query(typed).unwrap_or_default();
                (
                    vec![("a.id_number".to_owned(), id)],
                    (false, ui.tr.t("counter-not-found")),
                )
            }
            Err(e) if e.status().is_client_error() => {
                (Vec::new(), (false, ui.tr.t("counter-find-invalid")))
            }
            Err(e) => return Err(api_err(&ui, e)),
        };
    counter_page(
        &state,
        &ui,
        &subject,
        &code,
        &prefill,
        &BTreeMap::new(),
        Some(found),
    )
}

/// Counter reception, step 2: applicant, declaration, papers received, scans.
pub async fn counter_form(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
) -> UiResult<Response> {
    let subject = officer(&ui)?;
    counter_page(&state, &ui, &subject, &code, &[], &BTreeMap::new(), None)
}

/// Receives at the counter: the dossier is received at once (the clock starts), the
/// scans follow, then the receipt to print and sign.
pub async fn counter_receive(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(code): Path<String>,
    mut multipart: Multipart,
) -> UiResult<Response> {
    let subject = officer(&ui)?;
    let bad = |ui: &Ui| {
        UiError::new(
            ui,
            StatusCode::BAD_REQUEST,
            "invalid_multipart",
            ui.tr.t("error-upload"),
        )
    };
    let mut posted: Vec<(String, String)> = Vec::new();
    let mut saved: Option<Dossier> = None;
    let mut upload_failed = false;
    // Text fields come first in the form, files last: the dossier is created at the
    // first file (or at the end), so the scans go to a dossier that has its code.
    while let Some(field) = multipart.next_field().await.map_err(|_| bad(&ui))? {
        if field.name() != Some("file") {
            let name = field.name().unwrap_or_default().to_owned();
            let value = field.text().await.map_err(|_| bad(&ui))?;
            posted.push((name, motcua_domain::text::nfc(&value)));
            continue;
        }
        let d = match saved.take() {
            Some(d) => d,
            None => match counter_create(&state, &ui, &subject, &meta, &code, &posted).await? {
                Ok(d) => d,
                Err(page) => return Ok(page),
            },
        };
        let name = motcua_domain::attachment::clean_name(field.file_name());
        if !name.is_empty() && !upload_failed {
            let new = motcua_store::NewAttachment {
                owner: AttachmentOwner::Dossier(d.code.to_string()),
                kind: "submission".to_owned(),
                name,
                declared_type: field.content_type().map(str::to_owned),
                uploaded_by: subject.username().to_owned(),
                at: state.now(),
                max_bytes: state.config().max_attachment_bytes,
            };
            let stream = field.map_err(|e| e.body_text());
            // The dossier is received; a refused scan does not undo that, it is reported.
            upload_failed = state
                .store()
                .put_attachment(new, Box::pin(stream), meta.request())
                .await
                .is_err();
        }
        saved = Some(d);
    }
    let d = match saved {
        Some(d) => d,
        None => match counter_create(&state, &ui, &subject, &meta, &code, &posted).await? {
            Ok(d) => d,
            Err(page) => return Ok(page),
        },
    };
    let ok = if upload_failed {
        "received-file-failed"
    } else {
        "received"
    };
    Ok(see_other(&format!(
        "/can-bo/ho-so/{}/phieu-tiep-nhan?ok={ok}",
        d.code
    )))
}

/// Creates the counter dossier from the posted fields, or the form again with errors.
async fn counter_create(
    state: &AppState,
    ui: &Ui,
    subject: &Subject,
    meta: &Meta,
    code: &str,
    posted: &[(String, String)],
) -> UiResult<Result<Dossier, Response>> {
    ui.check_csrf(forms::get(posted, "_csrf"))?;
    let catalog = state.catalog();
    let p = catalog.get(code).ok_or_else(|| UiError::not_found(ui))?;
    let today = motcua_domain::dossier::local_day(state.now());
    let v = p.version_at(today).map_err(|e| api_err(ui, e))?;
    let keys: Vec<String> = v.form.properties.0.iter().map(|(k, _)| k.clone()).collect();
    let mut a = serde_json::Map::new();
    for key in ["name", "id_number", "phone", "email", "address"] {
        let val = forms::get(posted, &format!("a.{key}")).trim();
        if !val.is_empty() {
            a.insert(key.to_owned(), Value::String(val.to_owned()));
        }
    }
    a.entry("name").or_insert(Value::String(String::new()));
    let applicant: Applicant = serde_json::from_value(Value::Object(a)).map_err(|e| {
        api_err(
            ui,
            DomainError::invalid("applicant", e.to_string(), e.to_string()),
        )
    })?;
    let documents: Vec<Value> = forms::all(posted, "doc")
        .into_iter()
        .map(|d| json!({"name": d, "quantity": 1, "original": true}))
        .collect();
    let req = SubmitRequest {
        procedure: code.to_owned(),
        agency: Some(forms::get(posted, "agency").to_owned()).filter(|x| !x.is_empty()),
        channel: Some(Channel::Counter),
        applicant,
        form_data: forms::merge_fields(&v.form, &keys, posted, &Value::Null),
        owner: None,
        documents: serde_json::from_value(Value::Array(documents)).unwrap_or_default(),
        note: Some(forms::get(posted, "note").to_owned()).filter(|n| !n.trim().is_empty()),
        consent: None,
    };
    let parts = state.parts();
    match motcua_domain::submit(req, &state.ctx(subject, &parts)) {
        Ok(dossier) => {
            let saved = state
                .store()
                .create_dossier(dossier, meta.request())
                .await
                .map_err(|e| api_err(ui, e))?;
            let fees: motcua_domain::command::FeeInput =
                serde_json::from_value(fee_fields(posted)).unwrap_or_default();
            if let Err(e) = crate::payments::charge_filed(state, &saved, &fees, meta).await {
                // The dossier is received and acknowledged; the fees wait for the officer
                // to count them on the dossier page.
                tracing::warn!(dossier = %saved.code, code = e.code(), "fees not charged at the counter");
            }
            Ok(Ok(crate::api::processes::auto_assign(
                state, subject, meta, saved,
            )
            .await))
        }
        Err(e) if !e.issues().is_empty() => {
            let errors = forms::issues_by_key(&e.issues());
            let mut resp = counter_page(state, ui, subject, code, posted, &errors, None)?;
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(Err(resp))
        }
        Err(e) => Err(api_err(ui, e)),
    }
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct ApprovalsPage<'a> {
    ui: &'a Ui,
    rows: Vec<QueueRow>,
    figures: Vec<(String, i64, i64, i64, i64, String)>,
    month: String,
    results: Vec<(String, String)>,
}

fn leader_agencies(subject: &Subject) -> Vec<String> {
    let Subject::Officer { roles, .. } = subject else {
        return Vec::new();
    };
    let mut v: Vec<String> = roles
        .iter()
        .filter(|r| matches!(r.role, Role::UnitLeader | Role::AgencyLeader))
        .map(|r| r.agency.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

async fn approvals_page(
    state: &AppState,
    ui: &Ui,
    results: Vec<(String, String)>,
) -> UiResult<Response> {
    let subject = officer(ui)?;
    let agencies = leader_agencies(&subject);
    if agencies.is_empty() {
        return Err(UiError::forbidden(ui));
    }
    let list = state
        .store()
        .list_dossiers(&DossierFilter {
            scope_agencies: Some(agencies.clone()),
            status: Some(Status::AwaitingApproval),
            per_page: 200,
            ..Default::default()
        })
        .await
        .map_err(|e| api_err(ui, e))?;
    let catalog = state.catalog();
    let now = state.now();
    let rows = list
        .items
        .into_iter()
        .filter(|s| agencies.contains(&s.handling_agency))
        .map(|s| QueueRow {
            procedure: catalog
                .get(&s.procedure_code)
                .map_or_else(|| s.procedure_code.clone(), |p| p.name.clone()),
            applicant: s.applicant_name,
            status: ui.tr.status(s.status.as_str()),
            channel: ui.tr.channel(&s.channel),
            due: s.due_at.map_or_else(|| "—".to_owned(), when),
            late: s.due_at.is_some_and(|d| d < now),
            today: false,
            code: s.code,
        })
        .collect();
    // This month's verdicts, per agency led.
    let today = motcua_domain::time::to_local(now).date();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(today);
    let from = motcua_domain::time::from_local(first.and_hms_opt(0, 0, 0).unwrap_or_default());
    let to = motcua_domain::time::from_local(next.and_hms_opt(0, 0, 0).unwrap_or_default());
    let directory = state.directory();
    let mut figures = Vec::new();
    for a in &agencies {
        let counts = state
            .store()
            .timeliness_counts(a, from, to)
            .await
            .map_err(|e| api_err(ui, e))?;
        let get = |k: &str| {
            counts
                .iter()
                .find(|(t, _)| t.as_deref() == Some(k))
                .map_or(0, |(_, n)| *n)
        };
        let (early, on_time, late) = (get("early"), get("on_time"), get("late"));
        let total = early + on_time + late;
        #[allow(clippy::cast_precision_loss)]
        let rate = if total == 0 {
            "—".to_owned()
        } else {
            format!("{:.1} %", (early + on_time) as f64 * 100.0 / total as f64)
        };
        figures.push((
            directory
                .agency(a)
                .map_or_else(|| a.clone(), |x| x.name.clone()),
            early,
            on_time,
            late,
            total,
            rate,
        ));
    }
    render(
        ui,
        &ApprovalsPage {
            ui,
            rows,
            figures,
            month: first.format("%m/%Y").to_string(),
            results,
        },
    )
}

/// The leader's approvals and the month's figures.
pub async fn approvals(State(state): State<AppState>, ui: Ui) -> UiResult<Response> {
    approvals_page(&state, &ui, Vec::new()).await
}

/// Approves (or sends back) the ticked dossiers; each is its own transaction, and the
/// page says what happened to each.
pub async fn bulk(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    body: Bytes,
) -> UiResult<Response> {
    let posted = forms::pairs(&body);
    ui.check_csrf(forms::get(&posted, "_csrf"))?;
    let subject = officer(&ui)?;
    let action = if forms::get(&posted, "do") == "send-back" {
        ActionKind::SendBack
    } else {
        ActionKind::Approve
    };
    let reason = forms::get(&posted, "reason").trim().to_owned();
    let mut results = Vec::new();
    for code in forms::all(&posted, "code") {
        let outcome = async {
            let d = visible(&state, &ui, code)
                .await
                .map_err(|e| e.message().to_owned())?;
            let body = if action == ActionKind::SendBack {
                json!({"reason": reason})
            } else {
                json!({})
            };
            let cmd = Command::parse(action, &body).map_err(|e| e.message_vi())?;
            let parts = state.parts();
            let decision = motcua_domain::decide(&d, cmd, &state.ctx(&subject, &parts))
                .map_err(|e| e.message_vi())?;
            state
                .store()
                .apply(decision, meta.request())
                .await
                .map_err(|e| e.message_vi())?;
            Ok::<_, String>(ui.tr.action(action.as_str()))
        }
        .await;
        results.push((code.to_owned(), outcome.unwrap_or_else(|e| e)));
    }
    approvals_page(&state, &ui, results).await
}

/// Day helper for templates.
pub fn short_day(t: chrono::DateTime<chrono::Utc>) -> String {
    day(t)
}
