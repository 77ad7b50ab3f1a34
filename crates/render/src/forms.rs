//! What each form says about a dossier: pure functions from the dossier, its events and
//! the organisation to the data a template lays out. Each form is dated the day of the
//! step it records (a receipt the day of receipt…), so printing it again gives the same
//! paper.

use chrono::{DateTime, NaiveDate, Utc};
use motcua_calendar::{DeadlineRules, WorkCalendar};
use motcua_domain::time::to_local;
use motcua_domain::{ActionKind, Directory, Dossier, DossierEvent, Status};
use serde_json::{Value, json};

use crate::RenderError;
use crate::wording::{Texts, Wording};

/// The forms of one dossier (the register, which covers many, is in `register`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// Mẫu 01: receipt and appointment slip.
    Receipt,
    /// Mẫu 02: request to supplement the dossier.
    SupplementRequest,
    /// Mẫu 03: refusal.
    Refusal,
    /// Mẫu 06: process control slip.
    ControlSlip,
    /// Mẫu 04: apology with a new appointment.
    Apology,
    /// Mẫu 05: notice that handling stops.
    StopNotice,
}

impl Form {
    /// Every form, in the order of the Circular's annex as officers know them.
    pub const ALL: [Form; 6] = [
        Form::Receipt,
        Form::SupplementRequest,
        Form::Refusal,
        Form::ControlSlip,
        Form::Apology,
        Form::StopNotice,
    ];

    /// The name in URLs and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Receipt => "receipt",
            Self::SupplementRequest => "supplement-request",
            Self::Refusal => "refusal",
            Self::ControlSlip => "control-slip",
            Self::Apology => "apology",
            Self::StopNotice => "stop-notice",
        }
    }

    /// From a name.
    pub fn parse(name: &str) -> Result<Self, RenderError> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| RenderError::UnknownForm(name.to_owned()))
    }

    /// Vietnamese label (buttons, file names).
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Receipt => "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            Self::SupplementRequest => "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            Self::Refusal => "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            Self::ControlSlip => "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            Self::Apology => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            Self::StopNotice => "Thông báo dừng giải quyết hồ sơ",
        }
    }

    /// Whether the form exists for the dossier now (for buttons).
    pub fn applies(self, d: &Dossier) -> bool {
        anchor(self, d).is_ok()
    }
}

/// What the forms need besides the dossier.
#[derive(Debug, Clone, Copy)]
pub struct FormContext<'a> {
    /// Agencies, units, officers.
    pub directory: &'a Directory,
    /// Working days (appointments as they stood at each step).
    pub calendar: &'a WorkCalendar,
    /// Deadline rules.
    pub rules: &'a DeadlineRules,
    /// Start of the public lookup address; the code is appended (`https://…/tra-cuu/`).
    pub lookup_base: &'a str,
    /// The form texts.
    pub wording: &'a Wording,
    /// Internal processes: the control slip lists a dossier's steps when it follows one.
    pub processes: &'a motcua_domain::process::ProcessBook,
    /// Payment orders of the dossier, printed on the receipt slip ("Phí, lệ phí phải
    /// nộp", each with its VietQR code); empty: the slip has no such section.
    pub payments: &'a [crate::payment::SlipPayment],
}

fn not_applicable(form: Form, vi: String, en: &str) -> RenderError {
    RenderError::NotApplicable {
        form: form.as_str(),
        reason_vi: vi,
        reason_en: en.to_owned(),
    }
}

fn last_event(d: &Dossier, action: ActionKind) -> Option<&DossierEvent> {
    d.events.iter().rev().find(|e| e.action == action)
}

/// The event a form records; a form with none does not apply.
fn anchor(form: Form, d: &Dossier) -> Result<&DossierEvent, RenderError> {
    let found = match form {
        Form::Receipt | Form::ControlSlip => receipt_event(d),
        Form::SupplementRequest => last_event(d, ActionKind::RequestSupplement),
        Form::Refusal => last_event(d, ActionKind::Refuse).filter(|_| d.status == Status::Refused),
        Form::Apology => last_event(d, ActionKind::Extend),
        Form::StopNotice => last_event(d, ActionKind::Stop).filter(|_| d.status == Status::Stopped),
    };
    found.ok_or_else(|| {
        let (vi, en) = match form {
            Form::Receipt | Form::ControlSlip => (
                "Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận, phiếu kiểm soát",
                "the dossier has not been received",
            ),
            Form::SupplementRequest => (
                "Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện",
                "no supplement was requested",
            ),
            Form::Refusal => ("Hồ sơ không bị từ chối", "the dossier was not refused"),
            Form::Apology => (
                "Hồ sơ chưa được gia hạn nên không có phiếu xin lỗi",
                "the dossier was not extended with an apology",
            ),
            Form::StopNotice => (
                "Hồ sơ không bị dừng giải quyết",
                "handling of the dossier was not stopped",
            ),
        };
        not_applicable(
            form,
            format!("{vi} (hồ sơ {}: {})", d.code, d.status.label_vi()),
            en,
        )
    })
}

/// The step at which the dossier was received (at the counter: its creation).
fn receipt_event(d: &Dossier) -> Option<&DossierEvent> {
    d.received_at?;
    d.events.iter().find(|e| e.to == Status::Received)
}

fn two(n: u32) -> String {
    format!("{n:02}")
}

/// `24/11/2026`.
pub fn date_vi(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// `09 giờ 30 phút, ngày 24/11/2026` (Vietnam time).
fn time_vi(t: &Texts, at: DateTime<Utc>) -> String {
    use chrono::Timelike;
    let local = to_local(at);
    t.fill(
        "time",
        &[
            ("h", &two(local.hour())),
            ("min", &two(local.minute())),
            ("date", &date_vi(local.date())),
        ],
    )
}

/// The place name of the date line: the administrative unit without its level word.
fn place_of(directory: &Directory, agency: &str) -> String {
    let name = directory
        .agency(agency)
        .and_then(|a| directory.admin_units.get(&a.admin_unit))
        .map_or("", |u| u.name.as_str());
    for prefix in [
        "Thành phố ",
        "Tỉnh ",
        "Phường ",
        "Xã ",
        "Đặc khu ",
        "Thị trấn ",
        "Huyện ",
        "Quận ",
        "Thị xã ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    name.to_owned()
}

fn agency_name(directory: &Directory, code: &str) -> String {
    directory
        .agency(code)
        .map_or_else(|| code.to_owned(), |a| a.name.clone())
}

fn officer_name(directory: &Directory, username: &str) -> Option<String> {
    directory.officer(username).map(|a| a.full_name.clone())
}

/// The dossier's daily number: the last part of its code.
fn line_number(d: &Dossier) -> String {
    d.code
        .as_str()
        .rsplit('-')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn header(
    ctx: &FormContext<'_>,
    t: &Texts,
    agency: &str,
    day: NaiveDate,
    number: Option<String>,
) -> Value {
    let a = ctx.directory.agency(agency);
    let parent = a
        .and_then(|a| a.parent.as_deref())
        .and_then(|p| ctx.directory.agency(p))
        .map(|p| p.name.clone());
    json!({
        "parent": parent,
        "agency": agency_name(ctx.directory, agency),
        "number": number,
        "motto": t.get("motto"),
        "motto2": t.get("motto2"),
        "place_date": t.fill("place_date", &[
            ("place", &place_of(ctx.directory, agency)),
            ("d", &day.format("%d").to_string()),
            ("m", &day.format("%m").to_string()),
            ("y", &day.format("%Y").to_string()),
        ]),
    })
}

fn applicant(d: &Dossier) -> Value {
    let a = &d.applicant;
    json!({
        "name": a.name,
        "id_number": a.id_number,
        "address": a.address,
        "phone": a.phone,
        "email": a.email,
    })
}

fn qr(ctx: &FormContext<'_>, d: &Dossier) -> Result<(String, Value), RenderError> {
    let url = format!("{}{}", ctx.lookup_base, d.code);
    let svg = crate::qr::svg(&url)?;
    Ok((
        url.clone(),
        json!({ "svg": svg, "caption": d.code.as_str() }),
    ))
}

fn signature(role: String, hint: String, name: Option<String>) -> Value {
    json!({ "role": role, "hint": hint, "name": name })
}

/// The appointment as it stood right after `upto` (events after it ignored).
fn appointment_after(
    ctx: &FormContext<'_>,
    d: &Dossier,
    upto: &DossierEvent,
) -> Result<Option<DateTime<Utc>>, RenderError> {
    let mut past = d.clone();
    past.events.retain(|e| e.seq <= upto.seq);
    motcua_domain::deadline::appointment(&past, ctx.calendar, ctx.rules)
        .map_err(|e| RenderError::Wording(e.to_string()))
}

/// The data of `form` for `d`, ready for its template.
pub fn form_data(form: Form, d: &Dossier, ctx: &FormContext<'_>) -> Result<Value, RenderError> {
    let event = anchor(form, d)?;
    let day = to_local(event.at).date();
    let t = ctx.wording.texts(form.as_str(), day)?;
    let (url, qr) = qr(ctx, d)?;
    // The paper comes from the agency that held the dossier at that step: the receiving
    // one at reception (and for a supplement or refusal decided there), else the handling one.
    let at_reception = matches!(
        event.from,
        None | Some(Status::Submitted | Status::Received | Status::Supplemented)
    );
    let issuing = match form {
        Form::Receipt | Form::ControlSlip => d.receiving_agency.as_str(),
        Form::SupplementRequest | Form::Refusal if at_reception => d.receiving_agency.as_str(),
        _ => d.handling_agency.as_str(),
    };
    let number = format!("{}/{}", line_number(d), t.get("number_suffix"));
    let agency = agency_name(ctx.directory, issuing);
    let actor = officer_name(ctx.directory, &event.actor);
    let reason = event
        .data
        .get("reason")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut v = json!({
        "title": t.get("title"),
        "subtitle": t.opt("subtitle"),
        "header": header(ctx, &t, issuing, day, Some(number)),
        "footer": t.fill("footer", &[("url", &url)]),
        "code": d.code.as_str(),
        "procedure": d.procedure_name,
        "applicant": applicant(d),
        "qr": qr,
        "lookup_url": url,
        "reason": reason,
        "source": t.source,
        "wording_from": t.from.to_string(),
    });
    let extra = match form {
        Form::Receipt => receipt(ctx, d, event, &t, &agency, actor)?,
        Form::SupplementRequest => {
            let items = event.texts("items");
            json!({
                "t": with(&t, &[("intro", t.fill("intro", &[("agency", &agency)]))]),
                "items": items,
                "help": t.fill("help", &[("officer", actor.as_deref().unwrap_or(&event.actor)), ("agency", &agency)]),
                "signatures": [signature(t.get("guide"), t.get("sign_hint"), actor)],
            })
        }
        Form::Refusal => json!({
            "t": with(&t, &[("intro", t.fill("intro", &[("agency", &agency)]))]),
            "signatures": [
                signature(t.get("submitter"), t.get("sign_hint"), Some(d.applicant.name.clone())),
                signature(t.get("receiver"), t.get("sign_hint"), actor),
            ],
        }),
        Form::Apology => {
            let received = d
                .received_at
                .map(|r| date_vi(to_local(r).date()))
                .unwrap_or_default();
            let new_due = event
                .data
                .get("new_due")
                .and_then(Value::as_str)
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                .map(date_vi)
                .unwrap_or_default();
            // The appointment before the extension: as it stood just before this event.
            let before = d.events.iter().rev().find(|e| e.seq < event.seq);
            let original = match before {
                Some(b) => appointment_after(ctx, d, b)?,
                None => None,
            };
            json!({
                "t": t.to_value(),
                "opening": t.fill("opening", &[("received", &received), ("agency", &agency), ("procedure", &d.procedure_name)]),
                "original_due": original.map(|o| date_vi(to_local(o).date())),
                "delay": t.get("delay"),
                "apology": event.data.get("apology").and_then(Value::as_str),
                "promise": t.fill("promise", &[("agency", &agency), ("new_due", &new_due)]),
                "signatures": [signature(t.get("head"), t.get("head_hint"), actor)],
            })
        }
        Form::StopNotice => {
            let received = d
                .received_at
                .map(|r| date_vi(to_local(r).date()))
                .unwrap_or_default();
            json!({
                "t": t.to_value(),
                "opening": t.fill("opening", &[("agency", &agency), ("received", &received)]),
                "closing": t.get("closing"),
                "signatures": [signature(t.get("head"), t.get("head_hint"), actor)],
            })
        }
        Form::ControlSlip => control_slip(ctx, d, &t)?,
    };
    if let (Value::Object(base), Value::Object(extra)) = (&mut v, extra) {
        base.extend(extra);
    }
    Ok(v)
}

/// The texts with some keys replaced (filled sentences).
fn with(t: &Texts, replace: &[(&str, String)]) -> Value {
    let mut v = t.to_value();
    if let Value::Object(m) = &mut v {
        for (k, s) in replace {
            m.insert((*k).to_owned(), Value::String(s.clone()));
        }
    }
    v
}

fn receipt(
    ctx: &FormContext<'_>,
    d: &Dossier,
    event: &DossierEvent,
    t: &Texts,
    agency: &str,
    actor: Option<String>,
) -> Result<Value, RenderError> {
    // Papers: those ticked at the counter (on the receipt or creation event), else the
    // files uploaded online, one line each.
    let papers = d
        .events
        .iter()
        .filter(|e| e.seq <= event.seq)
        .filter_map(|e| e.data.get("documents").and_then(Value::as_array))
        .next_back()
        .cloned()
        .unwrap_or_default();
    let documents: Vec<Value> = papers
        .iter()
        .map(|p| {
            let original = p.get("original").and_then(Value::as_bool).unwrap_or(false);
            json!({
                "name": p.get("name").and_then(Value::as_str).unwrap_or_default(),
                "form": if original { t.get("original") } else { t.get("copy") },
                "quantity": format!("{:02}", p.get("quantity").and_then(Value::as_u64).unwrap_or(1)),
            })
        })
        .collect();
    let due = appointment_after(ctx, d, event)?;
    let received = d.received_at.unwrap_or(event.at);
    let year = to_local(received).date().format("%Y").to_string();
    let online = d.channel == motcua_domain::Channel::Online;
    let helper = d
        .helper
        .as_deref()
        .map(|h| officer_name(ctx.directory, h).unwrap_or_else(|| h.to_owned()));
    Ok(json!({
        "t": with(t, &[("intro", t.fill("intro", &[("agency", agency)]))]),
        "helper": helper,
        "documents": documents,
        "sets": t.fill("sets_value", &[("n", "01")]),
        "limit": d.time_limit.to_string(),
        "received": time_vi(t, received),
        "due": due.map(|u| time_vi(t, u)),
        "collect_at": if online { t.get("collect_online") } else { agency.to_owned() },
        "register": t.fill("register_value", &[("book", &year), ("line", &line_number(d))]),
        "payments": crate::payment::slip_data(ctx.payments)?,
        "signatures": [
            signature(t.get("submitter"), t.get("sign_hint"), Some(d.applicant.name.clone())),
            signature(t.get("receiver"), t.get("sign_hint"), actor),
        ],
    }))
}

/// One line per hand-over: who gave the dossier to whom, when, and where that stood
/// against the appointment in force then.
fn control_slip(ctx: &FormContext<'_>, d: &Dossier, t: &Texts) -> Result<Value, RenderError> {
    let who = |e: &DossierEvent| {
        let name = officer_name(ctx.directory, &e.actor).unwrap_or_else(|| e.actor.clone());
        let agency = ctx
            .directory
            .officer(&e.actor)
            .and_then(|a| a.roles.first())
            .map(|r| agency_name(ctx.directory, &r.agency));
        match agency {
            Some(a) => format!("{name} ({a})"),
            None => format!("{name} ({})", t.get("applicant_side")),
        }
    };
    let mut rows = Vec::new();
    if let Some(saved) = d.process_id.and_then(|id| ctx.processes.get(id)) {
        rows = process_rows(ctx, d, &saved.process, t);
    }
    let mut prev: Option<&DossierEvent> = None;
    // Without a process, the handovers are read from the events.
    let from_events = rows.is_empty();
    for e in d.events.iter().filter(|_| from_events) {
        if let Some(p) = prev {
            let due = appointment_after(ctx, d, p)?;
            let verdict = match due {
                Some(due) if e.at > due => t.get("late"),
                Some(due)
                    if motcua_domain::dossier::local_day(e.at)
                        == motcua_domain::dossier::local_day(due) =>
                {
                    t.get("on_time")
                }
                Some(_) => t.get("early"),
                None => String::new(),
            };
            let mut note = capitalise(e.action.label_vi());
            if let Some(r) = e.data.get("reason").and_then(Value::as_str) {
                note = format!("{note}: {r}");
            }
            rows.push(json!({
                "from": who(p),
                "to": who(e),
                "at": time_vi_short(e.at),
                "verdict": verdict,
                "note": note,
            }));
        }
        prev = Some(e);
    }
    let cooperating: Vec<String> = d
        .agencies_involved()
        .filter(|a| *a != d.handling_agency)
        .map(|a| agency_name(ctx.directory, a))
        .collect();
    let receipt = receipt_event(d);
    let due = match receipt {
        Some(r) => appointment_after(ctx, d, r)?,
        None => None,
    };
    Ok(json!({
        "t": t.to_value(),
        "deciding": agency_name(ctx.directory, &d.handling_agency),
        "cooperating": if cooperating.is_empty() { Value::Null } else { json!(cooperating.join("; ")) },
        "received": d.received_at.map(time_vi_short),
        "due": d.due_at.or(due).map(time_vi_short),
        "rows": rows,
    }))
}

/// The control slip's rows from the process engine: one per step that began, handed
/// from the officer who ended the step before to the one who acts, with the step's
/// own due time and verdict (so a late step shows where the delay was).
fn process_rows(
    ctx: &FormContext<'_>,
    d: &Dossier,
    process: &motcua_domain::process::Process,
    t: &Texts,
) -> Vec<Value> {
    use motcua_domain::process::StepState;
    // As of the last thing that happened: the slip records what is done.
    let as_of = d.events.last().map_or(d.submitted_at, |e| e.at);
    // A walk that fails (a calendar without the year) leaves the slip to the events.
    let Ok(walk) = motcua_domain::process::walk(process, d, ctx.calendar, as_of) else {
        return Vec::new();
    };
    let person = |u: &str| officer_name(ctx.directory, u).unwrap_or_else(|| u.to_owned());
    let mut rows = Vec::new();
    for (n, r) in walk.steps.iter().enumerate() {
        if !matches!(r.state, StepState::Active | StepState::Done) {
            continue;
        }
        let place = match r.unit.as_deref().and_then(|u| ctx.directory.unit(u)) {
            Some(u) => format!("{}, {}", u.name, agency_name(ctx.directory, &r.agency)),
            None => agency_name(ctx.directory, &r.agency),
        };
        let to = match &r.officer {
            Some(o) => format!("{} ({place})", person(o)),
            None => place,
        };
        let verdict = match r.timeliness {
            Some(motcua_calendar::Timeliness::Late) => t.get("late"),
            Some(motcua_calendar::Timeliness::OnTime) => t.get("on_time"),
            Some(motcua_calendar::Timeliness::Early) => t.get("early"),
            None => String::new(),
        };
        let mut note = format!("B{}. {}", n + 1, r.name);
        if let Some(due) = r.due_at {
            note = format!("{note}; hạn {}", time_vi_short(due));
        }
        if r.late_minutes > 0 {
            note = format!(
                "{note}; trễ {} giờ {} phút",
                r.late_minutes / 60,
                r.late_minutes % 60
            );
        }
        rows.push(json!({
            "from": r.handed_by.as_deref().map(person).unwrap_or_default(),
            "to": to,
            "at": r.started_at.map(time_vi_short).unwrap_or_default(),
            "verdict": verdict,
            "note": note,
        }));
    }
    rows
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `09:30 24/11/2026`.
fn time_vi_short(at: DateTime<Utc>) -> String {
    to_local(at).format("%H:%M %d/%m/%Y").to_string()
}
