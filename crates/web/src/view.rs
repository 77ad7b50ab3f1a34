//! What the API returns: views of domain data, times in Vietnam local time with their
//! offset (`2026-10-08T10:00:00+07:00`), labels in Vietnamese next to codes.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use motcua_calendar::{DeadlineReport, TimeLimit, Timeliness};
use motcua_domain::catalog::{Fee, RequiredDocument};
use motcua_domain::form::FormSchema;
use motcua_domain::{
    Account, Applicant, Dossier, DossierEvent, OnlineMode, Procedure, RoleAssignment,
};
use motcua_store::{AttachmentMeta, DossierSummary};
use serde::Serialize;
use serde_json::Value;

/// UTC instant as Vietnam local time with offset.
pub fn vn(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    match FixedOffset::east_opt(7 * 3600) {
        Some(offset) => t.with_timezone(&offset),
        None => t.fixed_offset(),
    }
}

fn vn_opt(t: Option<DateTime<Utc>>) -> Option<DateTime<FixedOffset>> {
    t.map(vn)
}

/// An account, without secrets.
#[derive(Debug, Serialize)]
pub struct AccountView {
    username: String,
    full_name: String,
    kind: motcua_domain::AccountKind,
    roles: Vec<RoleAssignment>,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        AccountView {
            username: a.username.clone(),
            full_name: a.full_name.clone(),
            kind: a.kind,
            roles: a.roles.clone(),
        }
    }
}

/// A procedure in search results.
#[derive(Debug, Serialize)]
pub struct ProcedureSummary {
    code: String,
    name: String,
    sector: String,
    level: motcua_domain::ProcedureLevel,
    time_limit: TimeLimit,
    time_limit_label: String,
    online_mode: OnlineMode,
}

/// The current rules of a procedure.
#[derive(Debug, Serialize)]
pub struct ProcedureView {
    code: String,
    name: String,
    sector: String,
    level: motcua_domain::ProcedureLevel,
    valid_from: NaiveDate,
    time_limit: TimeLimit,
    time_limit_label: String,
    cutoff: Option<chrono::NaiveTime>,
    online_mode: OnlineMode,
    channels: Vec<motcua_domain::Channel>,
    fees: Vec<Fee>,
    required_documents: Vec<RequiredDocument>,
    form: FormSchema,
    result: String,
    legal_basis: Vec<String>,
    handling_agency: Option<String>,
    versions: Vec<NaiveDate>,
}

impl ProcedureSummary {
    /// From the version in force on `day`; `None` if none is.
    pub fn of(p: &Procedure, day: NaiveDate) -> Option<Self> {
        let v = p.version_at(day).ok()?;
        Some(ProcedureSummary {
            code: p.code.clone(),
            name: p.name.clone(),
            sector: p.sector.clone(),
            level: p.level,
            time_limit: v.time_limit,
            time_limit_label: v.time_limit.to_string(),
            online_mode: v.online_mode,
        })
    }
}

impl ProcedureView {
    /// From the version in force on `day`; `None` if none is.
    pub fn of(p: &Procedure, day: NaiveDate) -> Option<Self> {
        let v = p.version_at(day).ok()?;
        Some(ProcedureView {
            code: p.code.clone(),
            name: p.name.clone(),
            sector: p.sector.clone(),
            level: p.level,
            valid_from: v.valid_from,
            time_limit: v.time_limit,
            time_limit_label: v.time_limit.to_string(),
            cutoff: v.cutoff,
            online_mode: v.online_mode,
            channels: v.channels.clone(),
            fees: v.fees.clone(),
            required_documents: v.required_documents.clone(),
            form: v.form.clone(),
            result: v.result.clone(),
            legal_basis: v.legal_basis.clone(),
            handling_agency: v.handling_agency.clone(),
            versions: p.versions.iter().map(|x| x.valid_from).collect(),
        })
    }
}

/// One step of the history.
#[derive(Debug, Serialize)]
pub struct EventView {
    seq: i32,
    at: DateTime<FixedOffset>,
    actor: String,
    action: &'static str,
    action_label: &'static str,
    from: Option<&'static str>,
    to: &'static str,
    to_label: &'static str,
    data: Value,
}

impl From<&DossierEvent> for EventView {
    fn from(e: &DossierEvent) -> Self {
        EventView {
            seq: e.seq,
            at: vn(e.at),
            actor: e.actor.clone(),
            action: e.action.as_str(),
            action_label: e.action.label_vi(),
            from: e.from.map(|s| s.as_str()),
            to: e.to.as_str(),
            to_label: e.to.label_vi(),
            data: e.data.clone(),
        }
    }
}

/// The deadline as of now.
#[derive(Debug, Serialize)]
pub struct DeadlineView {
    legal_due: DateTime<FixedOffset>,
    appointment: DateTime<FixedOffset>,
    remaining_working_days: i64,
    remaining_working_minutes: i64,
    overdue: bool,
    paused: bool,
    timeliness: Option<Timeliness>,
    timeliness_label: Option<&'static str>,
    appointment_kept: Option<bool>,
}

impl From<&DeadlineReport> for DeadlineView {
    fn from(r: &DeadlineReport) -> Self {
        let utc = |t| vn(motcua_domain::time::from_local(t));
        DeadlineView {
            legal_due: utc(r.legal_due),
            appointment: utc(r.appointment),
            remaining_working_days: r.remaining.working_days,
            remaining_working_minutes: r.remaining.working_minutes,
            overdue: r.overdue,
            paused: r.paused_since.is_some(),
            timeliness: r.timeliness,
            timeliness_label: r.timeliness.map(Timeliness::label_vi),
            appointment_kept: r.appointment_kept,
        }
    }
}

/// A dossier as its handlers and its applicant see it.
#[derive(Debug, Serialize)]
pub struct DossierView {
    code: String,
    procedure_code: String,
    procedure_name: String,
    procedure_version: NaiveDate,
    time_limit: TimeLimit,
    status: &'static str,
    status_label: &'static str,
    portal_status: u8,
    channel: &'static str,
    receiving_agency: String,
    handling_agency: String,
    handling_unit: Option<String>,
    assignee: Option<String>,
    applicant: Applicant,
    owner: Option<String>,
    created_by: String,
    helper: Option<String>,
    /// The applicant's consent to the helper acting for them.
    consent: Option<motcua_domain::consent::Consent>,
    form_data: Value,
    submitted_at: DateTime<FixedOffset>,
    received_at: Option<DateTime<FixedOffset>>,
    completed_at: Option<DateTime<FixedOffset>>,
    returned_at: Option<DateTime<FixedOffset>>,
    due_at: Option<DateTime<FixedOffset>>,
    extended: bool,
    deadline: Option<DeadlineView>,
    rating: Option<motcua_domain::dossier::Rating>,
    version: i64,
    history: Vec<EventView>,
    attachments: Vec<AttachmentMeta>,
}

impl DossierView {
    /// Builds the view.
    pub fn new(
        d: &Dossier,
        deadline: Option<&DeadlineReport>,
        attachments: Vec<AttachmentMeta>,
    ) -> Self {
        DossierView {
            code: d.code.to_string(),
            procedure_code: d.procedure_code.clone(),
            procedure_name: d.procedure_name.clone(),
            procedure_version: d.procedure_version,
            time_limit: d.time_limit,
            status: d.status.as_str(),
            status_label: d.status.label_vi(),
            portal_status: d.portal_status(),
            channel: d.channel.as_str(),
            receiving_agency: d.receiving_agency.clone(),
            handling_agency: d.handling_agency.clone(),
            handling_unit: d.handling_unit.clone(),
            assignee: d.assignee.clone(),
            applicant: d.applicant.clone(),
            owner: d.owner.clone(),
            created_by: d.created_by.clone(),
            helper: d.helper.clone(),
            consent: d.consent.clone(),
            form_data: d.form_data.clone(),
            submitted_at: vn(d.submitted_at),
            received_at: vn_opt(d.received_at),
            completed_at: vn_opt(d.completed_at),
            returned_at: vn_opt(d.returned_at),
            due_at: vn_opt(d.due_at),
            extended: d.extended,
            deadline: deadline.map(DeadlineView::from),
            rating: d.rating.clone(),
            version: d.version,
            history: d.events.iter().map(EventView::from).collect(),
            attachments,
        }
    }
}

/// A line of the queue.
#[derive(Debug, Serialize)]
pub struct SummaryView {
    code: String,
    procedure_code: String,
    procedure_name: Option<String>,
    status: &'static str,
    status_label: &'static str,
    channel: String,
    receiving_agency: String,
    handling_agency: String,
    handling_unit: Option<String>,
    assignee: Option<String>,
    applicant_name: String,
    submitted_at: DateTime<FixedOffset>,
    received_at: Option<DateTime<FixedOffset>>,
    due_at: Option<DateTime<FixedOffset>>,
    extended: bool,
}

impl SummaryView {
    /// Builds the view; the name comes from the catalog.
    pub fn new(s: DossierSummary, name: Option<String>) -> Self {
        SummaryView {
            code: s.code,
            procedure_code: s.procedure_code,
            procedure_name: name,
            status: s.status.as_str(),
            status_label: s.status.label_vi(),
            channel: s.channel,
            receiving_agency: s.receiving_agency,
            handling_agency: s.handling_agency,
            handling_unit: s.handling_unit,
            assignee: s.assignee,
            applicant_name: s.applicant_name,
            submitted_at: vn(s.submitted_at),
            received_at: vn_opt(s.received_at),
            due_at: vn_opt(s.due_at),
            extended: s.extended,
        }
    }
}

/// A public step: what happened and when, nothing about who.
#[derive(Debug, Serialize)]
pub struct PublicStep {
    at: DateTime<FixedOffset>,
    status: &'static str,
    status_label: &'static str,
}

/// `GET /api/v1/lookup/{code}`: status and appointment without personal data.
#[derive(Debug, Serialize)]
pub struct LookupView {
    code: String,
    procedure_code: String,
    procedure_name: String,
    status: &'static str,
    status_label: &'static str,
    received_at: Option<DateTime<FixedOffset>>,
    due_at: Option<DateTime<FixedOffset>>,
    returned_at: Option<DateTime<FixedOffset>>,
    extended: bool,
    /// The applicant, masked (`Nguyễn V. A.`), so its owner recognises the dossier.
    applicant: String,
    /// The applicant's phone, masked to its last three digits.
    phone: Option<String>,
    steps: Vec<PublicStep>,
}

impl LookupView {
    /// Builds the public view.
    pub fn new(d: &Dossier) -> Self {
        LookupView {
            code: d.code.to_string(),
            procedure_code: d.procedure_code.clone(),
            procedure_name: d.procedure_name.clone(),
            status: d.status.as_str(),
            status_label: d.status.label_vi(),
            received_at: vn_opt(d.received_at),
            due_at: vn_opt(d.due_at),
            returned_at: vn_opt(d.returned_at),
            extended: d.extended,
            applicant: motcua_domain::mask::mask_name(&d.applicant.name),
            phone: d
                .applicant
                .phone
                .as_deref()
                .map(motcua_domain::mask::mask_phone),
            steps: d
                .events
                .iter()
                .filter(|e| e.from != Some(e.to))
                .map(|e| PublicStep {
                    at: vn(e.at),
                    status: e.to.as_str(),
                    status_label: e.to.label_vi(),
                })
                .collect(),
        }
    }
}
