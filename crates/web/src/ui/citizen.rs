//! The citizen's side: the online filing wizard (drafts saved at every step, files with
//! progress, a review page, a receipt with a QR code), "my dossiers" with what each
//! waits for, supplements, withdrawal and rating. Community digital helpers use the
//! same wizard to file for a citizen.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use motcua_domain::{
    Applicant, Channel, Command, DomainError, Dossier, OnlineMode, Procedure, Status, SubmitRequest,
};
use motcua_store::{AttachmentOwner, Draft, NewAttachment};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Meta;
use crate::state::AppState;
use crate::ui::forms::{self, FieldView};
use crate::ui::{Ui, UiError, UiResult, day, render, see_other, when};

/// Questions per wizard page.
const PER_PAGE: usize = 5;

fn api_err(ui: &Ui, e: impl Into<crate::error::ApiError>) -> UiError {
    UiError::from_api(ui, e.into())
}

fn domain_err(ui: &Ui, e: DomainError) -> UiError {
    api_err(ui, e)
}

/// Whether citizens can file this procedure online today.
fn online(p: &Procedure, today: chrono::NaiveDate) -> bool {
    p.version_at(today)
        .is_ok_and(|v| v.online_mode != OnlineMode::None && v.channels.contains(&Channel::Online))
}

/// `?ho=1` when a helper files for a citizen.
#[derive(Debug, Deserialize)]
pub struct StartQuery {
    #[serde(default)]
    ho: Option<String>,
}

/// Starts (or resumes) a filing for a procedure.
pub async fn start(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
    Query(q): Query<StartQuery>,
) -> UiResult<Response> {
    let subject = ui.require_login()?.clone();
    let catalog = state.catalog();
    let p = catalog.get(&code).ok_or_else(|| UiError::not_found(&ui))?;
    let today = motcua_domain::dossier::local_day(state.now());
    if !online(p, today) {
        return Err(domain_err(
            &ui,
            DomainError::ChannelNotOffered {
                code: code.clone(),
                channel: "online",
            },
        ));
    }
    let assisted = subject.is_officer();
    if !assisted && q.ho.is_some() {
        return Err(UiError::forbidden(&ui));
    }
    // A citizen returning to the same procedure continues the draft they left.
    if !assisted {
        let drafts = state
            .store()
            .drafts_of(subject.username())
            .await
            .map_err(|e| api_err(&ui, e))?;
        if let Some(d) = drafts.iter().find(|d| d.procedure_code == code) {
            return Ok(see_other(&format!("/ho-so-nhap/{}", d.id)));
        }
    }
    let now = state.now();
    let account = ui.account.clone();
    let applicant = if assisted {
        json!({})
    } else {
        json!({
            "name": account.as_ref().map(|a| a.full_name.clone()),
            "id_number": account.as_ref().and_then(|a| a.id_number.clone()),
            "phone": account.as_ref().and_then(|a| a.phone.clone()),
            "email": account.as_ref().and_then(|a| a.email.clone()),
        })
    };
    let draft = Draft {
        id: uuid::Uuid::new_v4().simple().to_string(),
        owner: subject.username().to_owned(),
        procedure_code: code,
        data: json!({
            "applicant": applicant,
            "form_data": {},
            "channel": if assisted { "assisted" } else { "online" },
        }),
        created_at: now,
        updated_at: now,
    };
    let id = draft.id.clone();
    state
        .store()
        .save_draft(draft)
        .await
        .map_err(|e| api_err(&ui, e))?;
    Ok(see_other(&format!("/ho-so-nhap/{id}/buoc/0")))
}

async fn my_draft(state: &AppState, ui: &Ui, id: &str) -> UiResult<Draft> {
    let subject = ui.require_login()?;
    match state.store().draft(id).await.map_err(|e| api_err(ui, e))? {
        Some(d) if d.owner == subject.username() => Ok(d),
        _ => Err(UiError::not_found(ui)),
    }
}

/// Back to the step where the draft was left.
pub async fn resume(
    State(state): State<AppState>,
    ui: Ui,
    Path(id): Path<String>,
) -> UiResult<Response> {
    let draft = my_draft(&state, &ui, &id).await?;
    let step = draft.data.get("step").and_then(Value::as_u64).unwrap_or(0);
    Ok(see_other(&format!("/ho-so-nhap/{id}/buoc/{step}")))
}

#[derive(Template)]
#[template(path = "wizard.html")]
struct WizardPage<'a> {
    ui: &'a Ui,
    draft_id: &'a str,
    procedure_name: &'a str,
    steps: Vec<String>,
    step: usize,
    step_title: String,
    kind: &'static str,
    fields: Vec<FieldView>,
    errors: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    agency: String,
    agency_error: Option<String>,
    assisted: bool,
    owner: String,
    /// The applicant's consent to the helper (assisted filing): method, paper
    /// reference, scopes chosen, days.
    consent: ConsentForm,
    documents: Vec<String>,
    files: Vec<(String, String, String)>,
    review_applicant: Vec<(String, String)>,
    review_form: Vec<(String, String)>,
}

/// What the wizard needs to know about the procedure.
struct Plan {
    procedure: Procedure,
    pages: Vec<Vec<String>>,
    agencies: Vec<(String, String)>,
}

impl Plan {
    fn load(state: &AppState, ui: &Ui, code: &str) -> UiResult<Plan> {
        let catalog = state.catalog();
        let procedure = catalog
            .get(code)
            .ok_or_else(|| UiError::not_found(ui))?
            .clone();
        let today = motcua_domain::dossier::local_day(state.now());
        let version = procedure.version_at(today).map_err(|e| domain_err(ui, e))?;
        let pages = forms::pages(&version.form, PER_PAGE);
        let directory = state.directory();
        // Without a fixed agency, the applicant picks a commune (any commune of the
        // province receives any procedure: receipt regardless of boundary).
        let agencies = if version.handling_agency.is_some() {
            Vec::new()
        } else {
            directory
                .agencies
                .values()
                .filter(|a| {
                    directory
                        .admin_units
                        .get(&a.admin_unit)
                        .is_some_and(|u| u.level == motcua_domain::org::AdminLevel::Commune)
                })
                .map(|a| (a.code.clone(), a.name.clone()))
                .collect()
        };
        Ok(Plan {
            procedure,
            pages,
            agencies,
        })
    }

    fn steps(&self, ui: &Ui) -> Vec<String> {
        let mut s = vec![ui.tr.t("wizard-step-applicant")];
        for i in 0..self.pages.len() {
            s.push(ui.tr.t1("wizard-step-form", "n", i + 1));
        }
        s.push(ui.tr.t("wizard-step-files"));
        s.push(ui.tr.t("wizard-step-review"));
        s
    }

    fn files_step(&self) -> usize {
        self.pages.len() + 1
    }

    fn review_step(&self) -> usize {
        self.pages.len() + 2
    }

    fn form(&self, state: &AppState) -> motcua_domain::form::FormSchema {
        let today = motcua_domain::dossier::local_day(state.now());
        self.procedure
            .version_at(today)
            .map(|v| v.form.clone())
            .unwrap_or_default()
    }
}

fn applicant_fields(ui: &Ui, data: &Value, errors: &BTreeMap<String, String>) -> Vec<FieldView> {
    let a = data.get("applicant").cloned().unwrap_or_default();
    [
        ("name", "applicant-name", "text", true),
        ("id_number", "applicant-id-number", "text", false),
        ("phone", "applicant-phone", "tel", false),
        ("email", "applicant-email", "email", false),
        ("address", "applicant-address", "text", false),
    ]
    .into_iter()
    .map(|(key, label, kind, required)| FieldView {
        name: format!("a.{key}"),
        id: format!("applicant.{key}"),
        label: ui.tr.t(label),
        hint: ui.tr.t(&format!("{label}-hint")),
        kind,
        required,
        value: a
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        choices: Vec::new(),
        error: errors.get(&format!("applicant.{key}")).cloned(),
    })
    .collect()
}

#[allow(clippy::too_many_arguments)]
async fn show_step(
    state: &AppState,
    ui: &Ui,
    draft: &Draft,
    plan: &Plan,
    step: usize,
    errors: &BTreeMap<String, String>,
    agency_error: Option<String>,
    status: StatusCode,
) -> UiResult<Response> {
    let steps = plan.steps(ui);
    let step = step.min(plan.review_step());
    let form = plan.form(state);
    let data = &draft.data;
    let form_data = data.get("form_data").cloned().unwrap_or_default();
    let mut page = WizardPage {
        ui,
        draft_id: &draft.id,
        procedure_name: &plan.procedure.name,
        step_title: steps.get(step).cloned().unwrap_or_default(),
        steps: steps.clone(),
        step,
        kind: "form",
        fields: Vec::new(),
        errors: Vec::new(),
        agencies: Vec::new(),
        agency: data
            .get("agency")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        agency_error: agency_error.clone(),
        assisted: data.get("channel").and_then(Value::as_str) == Some("assisted"),
        owner: data
            .get("owner")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        consent: ConsentForm::from_draft(data.get("consent")),
        documents: Vec::new(),
        files: Vec::new(),
        review_applicant: Vec::new(),
        review_form: Vec::new(),
    };
    if step == 0 {
        page.kind = "applicant";
        page.agencies = plan.agencies.clone();
        page.fields = applicant_fields(ui, data, errors);
    } else if step <= plan.pages.len() {
        let keys = plan.pages.get(step - 1).cloned().unwrap_or_default();
        page.fields = forms::schema_fields(&form, &keys, &form_data, errors);
    } else {
        let files = state
            .store()
            .draft_attachments(&draft.id)
            .await
            .map_err(|e| api_err(ui, e))?;
        page.files = files
            .iter()
            .map(|f| {
                (
                    f.name.clone(),
                    format!("{} KB", (f.size + 1023) / 1024),
                    f.id.clone(),
                )
            })
            .collect();
        let today = motcua_domain::dossier::local_day(state.now());
        if let Ok(v) = plan.procedure.version_at(today) {
            page.documents = v
                .required_documents
                .iter()
                .map(|d| d.name.clone())
                .collect();
        }
        if step == plan.files_step() {
            page.kind = "files";
        } else {
            page.kind = "review";
            page.review_applicant = applicant_fields(ui, data, &BTreeMap::new())
                .into_iter()
                .filter(|f| !f.value.is_empty())
                .map(|f| (f.label, f.value))
                .collect();
            if let Some((_, name)) = plan.agencies.iter().find(|(c, _)| *c == page.agency) {
                page.review_applicant
                    .push((ui.tr.t("wizard-agency"), name.clone()));
            }
            let all: Vec<String> = form.properties.0.iter().map(|(k, _)| k.clone()).collect();
            page.review_form = forms::schema_fields(&form, &all, &form_data, &BTreeMap::new())
                .into_iter()
                .map(|f| {
                    (
                        f.label,
                        if f.value.is_empty() {
                            "—".to_owned()
                        } else {
                            f.value
                        },
                    )
                })
                .collect();
        }
    }
    let mut list: Vec<(String, String)> = page
        .fields
        .iter()
        .filter_map(|f| f.error.clone().map(|e| (f.id.clone(), e)))
        .collect();
    if let Some(e) = agency_error {
        list.insert(0, ("agency".to_owned(), e));
    }
    // The consent's fields are not form fields: their problems are listed by id.
    list.extend(
        errors
            .iter()
            .filter(|(k, _)| k.starts_with("consent"))
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    page.errors = list;
    let mut resp = render(ui, &page)?;
    *resp.status_mut() = status;
    Ok(resp)
}

/// A wizard step.
pub async fn step(
    State(state): State<AppState>,
    ui: Ui,
    Path((id, step)): Path<(String, usize)>,
) -> UiResult<Response> {
    let draft = my_draft(&state, &ui, &id).await?;
    let plan = Plan::load(&state, &ui, &draft.procedure_code)?;
    show_step(
        &state,
        &ui,
        &draft,
        &plan,
        step,
        &BTreeMap::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// Saves a step; goes on only when this page's answers are valid.
pub async fn save_step(
    State(state): State<AppState>,
    ui: Ui,
    Path((id, step)): Path<(String, usize)>,
    body: Bytes,
) -> UiResult<Response> {
    let posted = forms::pairs(&body);
    ui.check_csrf(forms::get(&posted, "_csrf"))?;
    let mut draft = my_draft(&state, &ui, &id).await?;
    let plan = Plan::load(&state, &ui, &draft.procedure_code)?;
    let back = forms::get(&posted, "go") == "back";
    let mut errors = BTreeMap::new();
    let mut agency_error = None;
    let form = plan.form(&state);
    if step == 0 {
        let mut a = serde_json::Map::new();
        for key in ["name", "id_number", "phone", "email", "address"] {
            let v = forms::get(&posted, &format!("a.{key}")).trim().to_owned();
            if !v.is_empty() {
                a.insert(key.to_owned(), Value::String(v));
            }
        }
        let applicant = Value::Object(a);
        if let Some(obj) = draft.data.as_object_mut() {
            obj.insert("applicant".into(), applicant.clone());
            if !plan.agencies.is_empty() {
                obj.insert(
                    "agency".into(),
                    Value::String(forms::get(&posted, "agency").to_owned()),
                );
            }
            if obj.get("channel").and_then(Value::as_str) == Some("assisted") {
                obj.insert(
                    "owner".into(),
                    Value::String(forms::get(&posted, "owner").trim().to_owned()),
                );
                obj.insert("consent".into(), ConsentForm::posted(&posted));
            }
        }
        let consent_check = draft
            .data
            .get("consent")
            .filter(|_| !back)
            .map(|c| check_consent(c, &applicant, state.now()));
        if let Some(Err(issues)) = consent_check {
            errors.extend(issues);
        }
        if !back {
            let mut with_name = applicant.clone();
            if with_name.get("name").is_none()
                && let Some(o) = with_name.as_object_mut()
            {
                o.insert("name".into(), Value::String(String::new()));
            }
            match serde_json::from_value::<Applicant>(with_name)
                .map_err(|e| DomainError::invalid("applicant", e.to_string(), e.to_string()))
                .and_then(Applicant::validated)
            {
                Ok(_) => {}
                Err(e) => errors = forms::issues_by_key(&e.issues()),
            }
            let agency = forms::get(&posted, "agency");
            if !plan.agencies.is_empty() && !plan.agencies.iter().any(|(c, _)| c == agency) {
                agency_error = Some(ui.tr.t("wizard-agency-required"));
            }
        }
    } else if step <= plan.pages.len() {
        let keys = plan.pages.get(step - 1).cloned().unwrap_or_default();
        let current = draft.data.get("form_data").cloned().unwrap_or_default();
        let merged = forms::merge_fields(&form, &keys, &posted, &current);
        if !back {
            let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            errors = forms::issues_by_key(&form.check_fields(&merged, &refs));
        }
        if let Some(obj) = draft.data.as_object_mut() {
            obj.insert("form_data".into(), merged);
        }
    }
    let next = if back {
        step.saturating_sub(1)
    } else {
        step + 1
    };
    let stay = !errors.is_empty() || agency_error.is_some();
    if let Some(obj) = draft.data.as_object_mut() {
        obj.insert("step".into(), json!(if stay { step } else { next }));
    }
    draft.updated_at = state.now();
    state
        .store()
        .save_draft(draft.clone())
        .await
        .map_err(|e| api_err(&ui, e))?;
    if stay {
        return show_step(
            &state,
            &ui,
            &draft,
            &plan,
            step,
            &errors,
            agency_error,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    Ok(see_other(&format!("/ho-so-nhap/{id}/buoc/{next}")))
}

/// Streams the `file` fields of a multipart form (after its `_csrf` field) to `owner`.
/// Each file is stored whole or not at all; the first refused file stops the rest.
pub async fn upload_files(
    state: &AppState,
    ui: &Ui,
    meta: &Meta,
    mut multipart: Multipart,
    owner: AttachmentOwner,
    kind: &str,
    user: &str,
) -> UiResult<usize> {
    let bad = |ui: &Ui| {
        UiError::new(
            ui,
            StatusCode::BAD_REQUEST,
            "invalid_multipart",
            ui.tr.t("error-upload"),
        )
    };
    let mut checked = false;
    let mut count = 0;
    while let Some(field) = multipart.next_field().await.map_err(|_| bad(ui))? {
        match field.name() {
            Some("_csrf") => {
                ui.check_csrf(&field.text().await.map_err(|_| bad(ui))?)?;
                checked = true;
            }
            Some("file") => {
                if !checked {
                    ui.check_csrf("")?;
                }
                let name = motcua_domain::attachment::clean_name(field.file_name());
                if name.is_empty() {
                    continue;
                }
                let new = NewAttachment {
                    owner: owner.clone(),
                    kind: kind.to_owned(),
                    name,
                    declared_type: field.content_type().map(str::to_owned),
                    uploaded_by: user.to_owned(),
                    at: state.now(),
                    max_bytes: state.config().max_attachment_bytes,
                };
                let stream = field.map_err(|e| e.body_text());
                state
                    .store()
                    .put_attachment(new, Box::pin(stream), meta.request())
                    .await
                    .map_err(|e| api_err(ui, e))?;
                count += 1;
            }
            _ => {}
        }
    }
    Ok(count)
}

fn upload_answer(ui: &Ui, xhr: bool, to: String, result: UiResult<usize>) -> UiResult<Response> {
    match (result, xhr) {
        (Ok(_), true) => Ok((StatusCode::OK, [("x-location", to)], "").into_response()),
        (Ok(_), false) => Ok(see_other(&to)),
        (Err(e), true) => Ok((e.status(), e.message().to_owned()).into_response()),
        (Err(e), false) => {
            let _ = ui;
            Err(e)
        }
    }
}

/// Uploads files to a draft.
pub async fn upload(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    multipart: Multipart,
) -> UiResult<Response> {
    let draft = my_draft(&state, &ui, &id).await?;
    let plan = Plan::load(&state, &ui, &draft.procedure_code)?;
    let xhr = headers.get("x-requested-with").is_some();
    let user = ui.require_login()?.username().to_owned();
    let result = upload_files(
        &state,
        &ui,
        &meta,
        multipart,
        AttachmentOwner::Draft(id.clone()),
        "submission",
        &user,
    )
    .await;
    upload_answer(
        &ui,
        xhr,
        format!("/ho-so-nhap/{}/buoc/{}", draft.id, plan.files_step()),
        result,
    )
}

/// The CSRF field of small forms.
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// Removes a file from a draft.
pub async fn delete_file(
    State(state): State<AppState>,
    ui: Ui,
    Path((id, file)): Path<(String, String)>,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> UiResult<Response> {
    ui.check_csrf(&f.csrf)?;
    let draft = my_draft(&state, &ui, &id).await?;
    let plan = Plan::load(&state, &ui, &draft.procedure_code)?;
    state
        .store()
        .delete_draft_attachment(&id, &file)
        .await
        .map_err(|e| api_err(&ui, e))?;
    Ok(see_other(&format!(
        "/ho-so-nhap/{id}/buoc/{}",
        plan.files_step()
    )))
}

/// Files the dossier: the whole form is checked once more by the rules.
pub async fn file(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<CsrfOnly>,
) -> UiResult<Response> {
    ui.check_csrf(&f.csrf)?;
    let draft = my_draft(&state, &ui, &id).await?;
    let plan = Plan::load(&state, &ui, &draft.procedure_code)?;
    let subject = ui.require_login()?.clone();
    let data = &draft.data;
    let assisted = data.get("channel").and_then(Value::as_str) == Some("assisted");
    let owner = data
        .get("owner")
        .and_then(Value::as_str)
        .filter(|o| !o.is_empty())
        .map(str::to_owned);
    let applicant: Applicant =
        match serde_json::from_value(data.get("applicant").cloned().unwrap_or_default()) {
            Ok(a) => a,
            Err(_) => {
                return show_step(
                    &state,
                    &ui,
                    &draft,
                    &plan,
                    0,
                    &BTreeMap::from([(
                        "applicant.name".to_owned(),
                        ui.tr.t("wizard-applicant-missing"),
                    )]),
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        };
    let req = SubmitRequest {
        procedure: draft.procedure_code.clone(),
        agency: data
            .get("agency")
            .and_then(Value::as_str)
            .filter(|a| !a.is_empty())
            .map(str::to_owned),
        channel: Some(if assisted {
            Channel::Assisted
        } else {
            Channel::Online
        }),
        applicant,
        form_data: data.get("form_data").cloned().unwrap_or_default(),
        owner,
        documents: Vec::new(),
        note: None,
        consent: data
            .get("consent")
            .filter(|_| assisted)
            .and_then(|c| serde_json::from_value(c.clone()).ok()),
    };
    let parts = state.parts();
    let dossier = match motcua_domain::submit(req, &state.ctx(&subject, &parts)) {
        Ok(d) => d,
        Err(e) => {
            // Back to the page of the first problem, with every problem shown there.
            let errors = forms::issues_by_key(&e.issues());
            if errors.is_empty() {
                return Err(domain_err(&ui, e));
            }
            let first = e.field().unwrap_or_default();
            let step = if first.starts_with("applicant")
                || first == "agency"
                || first.starts_with("consent")
            {
                0
            } else {
                let key = first.strip_prefix("form_data.").unwrap_or(first);
                plan.pages
                    .iter()
                    .position(|p| p.iter().any(|k| k == key))
                    .map_or(0, |i| i + 1)
            };
            return show_step(
                &state,
                &ui,
                &draft,
                &plan,
                step,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let saved = state
        .store()
        .file_dossier(dossier, Some(draft.id.clone()), meta.request())
        .await
        .map_err(|e| api_err(&ui, e))?;
    Ok(see_other(&format!(
        "/ho-so-cua-toi/{}/bien-nhan",
        saved.code
    )))
}

pub(crate) async fn visible(state: &AppState, ui: &Ui, code: &str) -> UiResult<Dossier> {
    let subject = ui.require_login()?;
    // The API's rule (the policy); any refusal or bad code is a plain "not found" page.
    crate::api::dossiers::visible(state, subject, code)
        .await
        .map_err(|e| {
            if e.status().is_client_error() {
                UiError::not_found(ui)
            } else {
                api_err(ui, e)
            }
        })
}

/// The QR code of a URL, as inline SVG.
pub fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(192, 192)
                .quiet_zone(true)
                .build();
            // Inline in HTML: drop the XML prolog, keep the <svg> element.
            svg.find("<svg")
                .map_or(svg.clone(), |i| svg.get(i..).unwrap_or_default().to_owned())
        }
        Err(_) => String::new(),
    }
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage<'a> {
    ui: &'a Ui,
    code: String,
    procedure: String,
    applicant: String,
    agency: String,
    submitted: String,
    status: String,
    limit: String,
    due: String,
    documents: Vec<String>,
    helper: Option<String>,
    qr_svg: String,
    lookup_url: String,
    back: String,
}

/// The receipt: code, appointment, and a QR code to the public lookup.
pub async fn receipt_page(
    state: &AppState,
    ui: &Ui,
    d: &Dossier,
    back: &str,
) -> UiResult<Response> {
    let directory = state.directory();
    let lookup_url = format!(
        "{}/tra-cuu/{}",
        state.config().public_url.trim_end_matches('/'),
        d.code
    );
    let documents = d
        .events
        .first()
        .and_then(|e| e.data.get("documents"))
        .and_then(Value::as_array)
        .map(|docs| {
            docs.iter()
                .map(|x| {
                    let name = x.get("name").and_then(Value::as_str).unwrap_or_default();
                    let qty = x.get("quantity").and_then(Value::as_u64).unwrap_or(1);
                    let original = x.get("original").and_then(Value::as_bool).unwrap_or(false);
                    let form = ui.tr.t(if original {
                        "doc-form-original"
                    } else {
                        "doc-form-copy"
                    });
                    format!("{name} — {qty} × {form}")
                })
                .collect()
        })
        .unwrap_or_default();
    let page = ReceiptPage {
        ui,
        code: d.code.to_string(),
        procedure: d.procedure_name.clone(),
        applicant: d.applicant.name.clone(),
        agency: directory
            .agency(&d.receiving_agency)
            .map_or_else(|| d.receiving_agency.clone(), |a| a.name.clone()),
        submitted: when(d.submitted_at),
        status: ui.tr.status(d.status.as_str()),
        limit: ui.tr.limit(&d.time_limit),
        due: d
            .due_at
            .map_or_else(|| ui.tr.t("receipt-due-after-receipt"), day),
        documents,
        helper: d.helper.as_ref().map(|h| {
            directory
                .officer(h)
                .map_or_else(|| h.clone(), |o| o.full_name.clone())
        }),
        qr_svg: qr_svg(&lookup_url),
        lookup_url,
        back: back.to_owned(),
    };
    render(ui, &page)
}

/// The receipt after online filing.
pub async fn receipt(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
) -> UiResult<Response> {
    let d = visible(&state, &ui, &code).await?;
    let back = if ui.is_officer() {
        format!("/can-bo/ho-so/{}", d.code)
    } else {
        format!("/ho-so-cua-toi/{}", d.code)
    };
    receipt_page(&state, &ui, &d, &back).await
}

/// A line of "my dossiers".
#[derive(Debug)]
pub struct MineItem {
    code: String,
    procedure: String,
    status: String,
    due: String,
    waiting: Option<String>,
    rate: bool,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage<'a> {
    ui: &'a Ui,
    items: Vec<MineItem>,
    drafts: Vec<(String, String, String)>,
}

fn supplement_items(d: &Dossier) -> Vec<String> {
    d.events
        .iter()
        .rev()
        .find(|e| e.action == motcua_domain::ActionKind::RequestSupplement)
        .map(|e| e.texts("items"))
        .unwrap_or_default()
}

/// The citizen's dossiers and unfinished filings.
pub async fn mine(State(state): State<AppState>, ui: Ui) -> UiResult<Response> {
    let subject = ui.require_login()?.clone();
    let page = state
        .store()
        .list_dossiers(&motcua_store::DossierFilter {
            owner: Some(subject.username().to_owned()),
            per_page: 200,
            ..Default::default()
        })
        .await
        .map_err(|e| api_err(&ui, e))?;
    let catalog = state.catalog();
    let mut items = Vec::new();
    for s in page.items {
        // Only the dossiers that wait for the applicant need their history here.
        let (waiting, rate) = match s.status {
            Status::SupplementRequested => {
                let d = state
                    .store()
                    .dossier(&s.code)
                    .await
                    .map_err(|e| api_err(&ui, e))?;
                let what = d
                    .as_ref()
                    .map(supplement_items)
                    .unwrap_or_default()
                    .join("; ");
                (
                    Some(ui.tr.t1("mine-waiting-supplement", "items", what)),
                    false,
                )
            }
            Status::Returned => {
                let d = state
                    .store()
                    .dossier(&s.code)
                    .await
                    .map_err(|e| api_err(&ui, e))?;
                (None, d.is_some_and(|d| d.rating.is_none()))
            }
            _ => (None, false),
        };
        items.push(MineItem {
            procedure: catalog
                .get(&s.procedure_code)
                .map_or_else(|| s.procedure_code.clone(), |p| p.name.clone()),
            status: ui.tr.status(s.status.as_str()),
            due: s.due_at.map_or_else(|| "—".to_owned(), day),
            code: s.code,
            waiting,
            rate,
        });
    }
    let drafts = state
        .store()
        .drafts_of(subject.username())
        .await
        .map_err(|e| api_err(&ui, e))?
        .into_iter()
        .map(|d| {
            let name = catalog
                .get(&d.procedure_code)
                .map_or_else(|| d.procedure_code.clone(), |p| p.name.clone());
            (d.id, name, when(d.updated_at))
        })
        .collect();
    render(
        &ui,
        &MinePage {
            ui: &ui,
            items,
            drafts,
        },
    )
}

#[derive(Template)]
#[template(path = "my_dossier.html")]
struct MyDossierPage<'a> {
    ui: &'a Ui,
    code: String,
    procedure: String,
    status: String,
    due: String,
    late: bool,
    history: Vec<(String, String, String)>,
    files: Vec<(String, String)>,
    supplement_items: Vec<String>,
    can_supplement: bool,
    can_rate: bool,
    can_withdraw: bool,
    rating: Option<String>,
    papers: Vec<(String, String)>,
}

/// The citizen's data as a zip.
pub async fn export(State(state): State<AppState>, ui: Ui, meta: Meta) -> UiResult<Response> {
    let subject = ui.require_login()?.clone();
    let account = ui.account.clone().ok_or_else(|| UiError::not_found(&ui))?;
    let (zip, name) = crate::api::export::export_zip(&state, &subject, &account, &meta)
        .await
        .map_err(|e| api_err(&ui, e))?;
    Ok(crate::api::documents::file_response(
        zip,
        "application/zip",
        &name,
        false,
    ))
}

/// A paper of the citizen's dossier as PDF.
pub async fn paper(
    State(state): State<AppState>,
    ui: Ui,
    Path((code, file)): Path<(String, String)>,
) -> UiResult<Response> {
    let d = visible(&state, &ui, &code).await?;
    crate::ui::paper_file(&state, &ui, d, &file).await
}

/// One of the citizen's dossiers, with what they can do now.
pub async fn detail(
    State(state): State<AppState>,
    ui: Ui,
    Path(code): Path<String>,
) -> UiResult<Response> {
    let d = visible(&state, &ui, &code).await?;
    let report = motcua_domain::deadline::report(&d, &state.calendar(), state.rules(), state.now())
        .map_err(|e| domain_err(&ui, e))?;
    let files = state
        .store()
        .attachments(d.code.as_str())
        .await
        .map_err(|e| api_err(&ui, e))?
        .into_iter()
        .map(|f| (f.name, format!("{} KB", (f.size + 1023) / 1024)))
        .collect();
    let open =
        !d.status.is_terminal() && !matches!(d.status, Status::Approved | Status::ResultReady);
    let page = MyDossierPage {
        ui: &ui,
        code: d.code.to_string(),
        procedure: d.procedure_name.clone(),
        status: ui.tr.status(d.status.as_str()),
        due: d
            .due_at
            .map_or_else(|| ui.tr.t("receipt-due-after-receipt"), day),
        late: report.as_ref().is_some_and(|r| r.overdue),
        history: d
            .events
            .iter()
            .map(|e| {
                let reason = e
                    .data
                    .get("reason")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                (when(e.at), ui.tr.action(e.action.as_str()), reason)
            })
            .collect(),
        files,
        supplement_items: supplement_items(&d),
        can_supplement: d.status == Status::SupplementRequested,
        can_rate: d.status == Status::Returned && d.rating.is_none(),
        can_withdraw: open,
        rating: d.rating.as_ref().map(|r| {
            ui.tr.t(&format!(
                "rating-{}",
                serde_json::to_value(r.level)
                    .ok()
                    .and_then(|v| v.as_str().map(|s| s.replace('_', "-")))
                    .unwrap_or_default()
            ))
        }),
        papers: crate::ui::papers(&d, &ui.tr, &format!("/ho-so-cua-toi/{}", d.code)),
    };
    render(&ui, &page)
}

async fn act(
    state: &AppState,
    ui: &Ui,
    meta: &Meta,
    d: &Dossier,
    cmd: Command,
) -> UiResult<Dossier> {
    let subject = ui.require_login()?.clone();
    let parts = state.parts();
    let decision = motcua_domain::decide(d, cmd, &state.ctx(&subject, &parts))
        .map_err(|e| domain_err(ui, e))?;
    state
        .store()
        .apply(decision, meta.request())
        .await
        .map_err(|e| api_err(ui, e))
}

/// Adds the requested papers (files and a note) and sends the dossier back.
pub async fn supplement(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(code): Path<String>,
    mut multipart: Multipart,
) -> UiResult<Response> {
    let d = visible(&state, &ui, &code).await?;
    let user = ui.require_login()?.username().to_owned();
    let bad = |ui: &Ui| {
        UiError::new(
            ui,
            StatusCode::BAD_REQUEST,
            "invalid_multipart",
            ui.tr.t("error-upload"),
        )
    };
    let mut note = String::new();
    let mut checked = false;
    while let Some(field) = multipart.next_field().await.map_err(|_| bad(&ui))? {
        match field.name() {
            Some("_csrf") => {
                ui.check_csrf(&field.text().await.map_err(|_| bad(&ui))?)?;
                checked = true;
            }
            Some("note") => note = field.text().await.map_err(|_| bad(&ui))?,
            Some("file") if checked => {
                let name = motcua_domain::attachment::clean_name(field.file_name());
                if name.is_empty() {
                    continue;
                }
                let new = NewAttachment {
                    owner: AttachmentOwner::Dossier(d.code.to_string()),
                    kind: "supplement".to_owned(),
                    name,
                    declared_type: field.content_type().map(str::to_owned),
                    uploaded_by: user.clone(),
                    at: state.now(),
                    max_bytes: state.config().max_attachment_bytes,
                };
                let stream = field.map_err(|e| e.body_text());
                state
                    .store()
                    .put_attachment(new, Box::pin(stream), meta.request())
                    .await
                    .map_err(|e| api_err(&ui, e))?;
            }
            _ => {}
        }
    }
    if !checked {
        ui.check_csrf("")?;
    }
    let cmd = Command::parse(
        motcua_domain::ActionKind::Supplement,
        &json!({ "note": note }),
    )
    .map_err(|e| domain_err(&ui, e))?;
    act(&state, &ui, &meta, &d, cmd).await?;
    Ok(see_other(&format!(
        "/ho-so-cua-toi/{}?ok=supplemented",
        d.code
    )))
}

/// Rating form.
#[derive(Debug, Deserialize)]
pub struct RateForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    comment: String,
}

/// Rates the service after return.
pub async fn rate(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(code): Path<String>,
    axum::Form(f): axum::Form<RateForm>,
) -> UiResult<Response> {
    ui.check_csrf(&f.csrf)?;
    let d = visible(&state, &ui, &code).await?;
    let cmd = Command::parse(
        motcua_domain::ActionKind::Rate,
        &json!({"level": f.level, "comment": f.comment}),
    )
    .map_err(|e| domain_err(&ui, e))?;
    act(&state, &ui, &meta, &d, cmd).await?;
    Ok(see_other(&format!("/ho-so-cua-toi/{}?ok=rated", d.code)))
}

/// Withdrawal form.
#[derive(Debug, Deserialize)]
pub struct ReasonForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// Withdraws the dossier.
pub async fn withdraw(
    State(state): State<AppState>,
    ui: Ui,
    meta: Meta,
    Path(code): Path<String>,
    axum::Form(f): axum::Form<ReasonForm>,
) -> UiResult<Response> {
    ui.check_csrf(&f.csrf)?;
    let d = visible(&state, &ui, &code).await?;
    let cmd = Command::parse(
        motcua_domain::ActionKind::Withdraw,
        &json!({"reason": f.reason}),
    )
    .map_err(|e| domain_err(&ui, e))?;
    act(&state, &ui, &meta, &d, cmd).await?;
    Ok(see_other(&format!(
        "/ho-so-cua-toi/{}?ok=withdrawn",
        d.code
    )))
}

/// The consent fields of the applicant step, as posted or saved in the draft.
#[derive(Debug, Default)]
pub struct ConsentForm {
    method: String,
    reference: String,
    scopes: Vec<String>,
    days: String,
}

impl ConsentForm {
    fn from_draft(v: Option<&Value>) -> Self {
        let Some(v) = v else {
            return ConsentForm {
                days: "60".to_owned(),
                ..ConsentForm::default()
            };
        };
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        ConsentForm {
            method: text("method"),
            reference: text("reference"),
            scopes: motcua_domain::dossier::string_list(v.get("scopes")),
            days: v
                .get("days")
                .and_then(Value::as_i64)
                .map_or_else(|| "60".to_owned(), |d| d.to_string()),
        }
    }

    fn posted(posted: &[(String, String)]) -> Value {
        let mut c = serde_json::Map::new();
        let method = forms::get(posted, "consent.method");
        if !method.is_empty() {
            c.insert("method".into(), json!(method));
        }
        let reference = forms::get(posted, "consent.reference").trim();
        if !reference.is_empty() {
            c.insert("reference".into(), json!(reference));
        }
        let scopes: Vec<&str> = posted
            .iter()
            .filter(|(k, _)| k == "consent.scope")
            .map(|(_, v)| v.as_str())
            .collect();
        c.insert("scopes".into(), json!(scopes));
        if let Ok(d) = forms::get(posted, "consent.days").trim().parse::<i64>() {
            c.insert("days".into(), json!(d));
        }
        Value::Object(c)
    }

    /// Whether `scope` is ticked.
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// The consent's problems, keyed by field, checked as the domain will at filing.
fn check_consent(
    c: &Value,
    applicant: &Value,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), BTreeMap<String, String>> {
    let issue = |k: &str, m: &str| BTreeMap::from([(k.to_owned(), m.to_owned())]);
    if c.get("method").is_none() {
        return Err(issue(
            "consent.method",
            "Chọn cách người nộp đồng ý cho người hỗ trợ nộp thay",
        ));
    }
    let req: motcua_domain::consent::ConsentRequest = serde_json::from_value(c.clone())
        .map_err(|_| issue("consent.method", "Cách đồng ý không hợp lệ"))?;
    let id = applicant.get("id_number").and_then(Value::as_str);
    motcua_domain::consent::Consent::record(req, id, now, motcua_domain::time::to_local(now).date())
        .map(|_| ())
        .map_err(|e| forms::issues_by_key(&e.issues()))
}
