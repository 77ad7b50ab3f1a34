//! The dossier (hồ sơ) and its state machine: filing, and every action after it.
//! [`submit`] and [`decide`] are pure: given the dossier, the command, who acts and
//! when, they return the new state and the event to record, or an error with a code.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use motcua_calendar::{DeadlineRules, TimeLimit, WorkCalendar};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::applicant::Applicant;
use crate::catalog::{Catalog, Channel, OnlineMode};
use crate::code::DossierCode;
use crate::command::{Command, PauseKind, ReceivedDocument, Satisfaction};
use crate::error::DomainError;
use crate::org::{Directory, Role, Subject};
use crate::policy::{Action, Grant, Resource, require_role};
use crate::status::{ActionKind, Status};
use crate::time::{micros, to_local};

/// One recorded step of a dossier's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierEvent {
    /// 1, 2, 3… within the dossier.
    pub seq: i32,
    /// When.
    pub at: DateTime<Utc>,
    /// Username of who did it.
    pub actor: String,
    /// What.
    pub action: ActionKind,
    /// Status before (none for the creation event).
    pub from: Option<Status>,
    /// Status after.
    pub to: Status,
    /// Details: reasons, items, targets, new dates…
    pub data: Value,
}

impl DossierEvent {
    /// The list of texts under `key` in the details (e.g. the items of a supplement
    /// request); empty if there is none.
    pub fn texts(&self, key: &str) -> Vec<String> {
        string_list(self.data.get(key))
    }
}

/// The strings of a JSON array (others skipped); empty when it is not an array.
pub fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A consultation asked and not yet answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consultation {
    /// The unit or agency asked (as written).
    pub target: String,
    /// Its agency.
    pub target_agency: String,
    /// When.
    pub asked_at: DateTime<Utc>,
    /// By when an answer is expected.
    pub answer_by: Option<NaiveDate>,
}

/// The applicant's rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// Level.
    pub level: Satisfaction,
    /// Comment.
    pub comment: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A dossier with its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    /// Code.
    pub code: DossierCode,
    /// Procedure code.
    pub procedure_code: String,
    /// Procedure name, as when filed.
    pub procedure_name: String,
    /// Validity date of the procedure version it follows.
    pub procedure_version: NaiveDate,
    /// Time limit of that version.
    pub time_limit: TimeLimit,
    /// Receipt cut-off of that version.
    pub cutoff: Option<NaiveTime>,
    /// Agency that received it (its code starts the dossier code).
    pub receiving_agency: String,
    /// Agency that handles it now.
    pub handling_agency: String,
    /// Unit that handles it now.
    pub handling_unit: Option<String>,
    /// Officer that handles it now.
    pub assignee: Option<String>,
    /// The applicant.
    pub applicant: Applicant,
    /// Citizen account that owns it, if any.
    pub owner: Option<String>,
    /// Who created it (citizen, receiving officer or helper).
    pub created_by: String,
    /// Community digital helper or officer who filed on the applicant's behalf.
    pub helper: Option<String>,
    /// The applicant's consent to the helper acting for them.
    #[serde(default)]
    pub consent: Option<crate::consent::Consent>,
    /// Channel.
    pub channel: Channel,
    /// Status.
    pub status: Status,
    /// Status to go back to after a pause, a supplement or a consultation.
    pub resume_status: Option<Status>,
    /// Why the clock is paused, while `Paused`.
    pub pause_kind: Option<PauseKind>,
    /// The declaration form's data.
    pub form_data: Value,
    /// When it was filed.
    pub submitted_at: DateTime<Utc>,
    /// When it was received (the time limit runs from here).
    pub received_at: Option<DateTime<Utc>>,
    /// When processing ended (decided, refused, stopped, withdrawn).
    pub completed_at: Option<DateTime<Utc>>,
    /// When the result was handed over.
    pub returned_at: Option<DateTime<Utc>>,
    /// The current appointment (ngày hẹn trả), derived from the events.
    pub due_at: Option<DateTime<Utc>>,
    /// Whether an apology with a new date was issued.
    pub extended: bool,
    /// Verdict against the legal due time, fixed when processing ended (a cache of the
    /// deadline report, for counting; recomputed at every change).
    #[serde(default)]
    pub timeliness: Option<motcua_calendar::Timeliness>,
    /// The rating, after return.
    pub rating: Option<Rating>,
    /// The process version (its saved ID) the dossier follows, fixed at receipt.
    #[serde(default)]
    pub process_id: Option<i64>,
    /// Optimistic-concurrency version (1 after filing).
    pub version: i64,
    /// History, oldest first (stored apart from the dossier's row).
    #[serde(default)]
    pub events: Vec<DossierEvent>,
}

impl Dossier {
    /// Other agencies that took part: those it was transferred from, and those
    /// consulted (they must see the dossier to answer).
    pub fn agencies_involved(&self) -> impl Iterator<Item = &str> {
        self.events.iter().filter_map(|e| {
            let key = match e.action {
                ActionKind::Transfer => "from_agency",
                ActionKind::Consult => "target_agency",
                _ => return None,
            };
            e.data.get(key).and_then(Value::as_str)
        })
    }

    /// The events that asked consultations not yet answered, oldest first.
    pub fn open_consult_events(&self) -> Vec<&DossierEvent> {
        let mut open: Vec<&DossierEvent> = Vec::new();
        for e in &self.events {
            match e.action {
                ActionKind::Consult => open.push(e),
                ActionKind::ConsultReply => {
                    let t = e.data.get("target").and_then(Value::as_str);
                    // Answers recorded before replies named their target close the oldest.
                    let at = match t {
                        None => (!open.is_empty()).then_some(0),
                        Some(t) => open
                            .iter()
                            .position(|c| c.data.get("target").and_then(Value::as_str) == Some(t)),
                    };
                    if let Some(i) = at {
                        open.remove(i);
                    }
                }
                _ => {}
            }
        }
        open
    }

    /// Consultations asked and not yet answered, oldest first.
    pub fn open_consultations(&self) -> Vec<Consultation> {
        let text = |e: &DossierEvent, k: &str| {
            e.data
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        self.open_consult_events()
            .into_iter()
            .map(|e| Consultation {
                target: text(e, "target"),
                target_agency: text(e, "target_agency"),
                asked_at: e.at,
                answer_by: e
                    .data
                    .get("answer_by")
                    .and_then(Value::as_str)
                    .and_then(|d| d.parse().ok()),
            })
            .collect()
    }

    /// The national portal's status code (TrangThaiHoSo, 1–10) right now, from the
    /// one mapping table (`portal::status::STATUS_MAP`).
    pub fn portal_status(&self) -> u8 {
        crate::portal::status::portal_status_of(self).code()
    }

    fn last_seq(&self) -> i32 {
        self.events.last().map_or(0, |e| e.seq)
    }
}

/// What the rules need besides the dossier.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// Who acts.
    pub subject: &'a Subject,
    /// Agencies, units, officers.
    pub directory: &'a Directory,
    /// Procedures.
    pub catalog: &'a Catalog,
    /// Working calendar.
    pub calendar: &'a WorkCalendar,
    /// Deadline parameters of the province.
    pub rules: &'a DeadlineRules,
    /// Internal processes, every saved version.
    pub processes: &'a crate::process::ProcessBook,
    /// Now (UTC, whole microseconds).
    pub now: DateTime<Utc>,
}

/// A state change to record: the new state (with the event appended) and the event.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The dossier after the action.
    pub dossier: Dossier,
    /// The event to append.
    pub event: DossierEvent,
}

/// `POST /api/v1/dossiers`: a new dossier, online or at the counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// Procedure code.
    pub procedure: String,
    /// Receiving agency (for an online dossier: where to file it).
    #[serde(default)]
    pub agency: Option<String>,
    /// Channel (default: online for citizens, counter for officers).
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Who the dossier is for.
    pub applicant: Applicant,
    /// The declaration form.
    #[serde(default)]
    pub form_data: Value,
    /// Citizen account the dossier belongs to, when an officer files for them.
    #[serde(default)]
    pub owner: Option<String>,
    /// Papers received at the counter.
    #[serde(default)]
    pub documents: Vec<ReceivedDocument>,
    /// Note.
    #[serde(default)]
    pub note: Option<String>,
    /// For assisted filing: the applicant's consent to the helper acting for them.
    #[serde(default)]
    pub consent: Option<crate::consent::ConsentRequest>,
}

/// Files a new dossier. The returned dossier's code carries sequence 0: the store
/// assigns the day's next number in the same transaction that saves it.
pub fn submit(req: SubmitRequest, ctx: &Ctx<'_>) -> Result<Dossier, DomainError> {
    let procedure =
        ctx.catalog
            .get(req.procedure.trim())
            .ok_or_else(|| DomainError::UnknownProcedure {
                code: req.procedure.trim().to_owned(),
            })?;
    let now = micros(ctx.now);
    let today = to_local(now).date();
    let version = procedure.version_at(today)?;
    let applicant = req.applicant.validated()?;
    let form_data = version.form.validate(&req.form_data)?;

    let mut consent = None;
    let (channel, receiving_agency, helper, owner, received) = match ctx.subject {
        Subject::Citizen { username } => {
            if req.channel.is_some_and(|c| c != Channel::Online) {
                return Err(DomainError::not_allowed(
                    "công dân chỉ nộp hồ sơ trực tuyến",
                    "citizens file online only",
                ));
            }
            let agency = pick_agency(
                req.agency.as_deref(),
                version.handling_agency.as_deref(),
                None,
            )?;
            (Channel::Online, agency, None, Some(username.clone()), false)
        }
        Subject::Officer { username, roles } => match req.channel.unwrap_or(Channel::Counter) {
            Channel::Counter | Channel::Post => {
                let own: Vec<&str> = roles
                    .iter()
                    .filter(|r| r.role == Role::ReceivingOfficer)
                    .map(|r| r.agency.as_str())
                    .collect();
                let agency = pick_agency(req.agency.as_deref(), None, Some(&own))?;
                require_role(ctx.subject, &[Role::ReceivingOfficer], &agency)?;
                let channel = req.channel.unwrap_or(Channel::Counter);
                (channel, agency, None, req.owner.clone(), true)
            }
            Channel::Assisted => {
                let Some(request) = req.consent.clone() else {
                    return Err(DomainError::required(
                        "consent",
                        "Sự đồng ý của người nộp cho người hỗ trợ nộp thay",
                    ));
                };
                consent = Some(crate::consent::Consent::record(
                    request,
                    applicant.id_number.as_deref(),
                    now,
                    today,
                )?);
                let agency = pick_agency(
                    req.agency.as_deref(),
                    version.handling_agency.as_deref(),
                    None,
                )?;
                (
                    Channel::Assisted,
                    agency,
                    Some(username.clone()),
                    req.owner.clone(),
                    false,
                )
            }
            Channel::Online => {
                return Err(DomainError::invalid(
                    "channel",
                    "Cán bộ nộp thay công dân dùng kênh “assisted” (hỗ trợ nộp trực tuyến)",
                    "officers filing for a citizen use the \"assisted\" channel",
                ));
            }
        },
    };
    let needed = match channel {
        Channel::Assisted => Channel::Online,
        c => c,
    };
    let online_refused = needed == Channel::Online && version.online_mode == OnlineMode::None;
    if online_refused || !version.channels.contains(&needed) {
        return Err(DomainError::ChannelNotOffered {
            code: procedure.code.clone(),
            channel: channel.as_str(),
        });
    }
    if ctx.directory.agency(&receiving_agency).is_none() {
        return Err(DomainError::invalid(
            "agency",
            format!("Không có cơ quan mã {receiving_agency}"),
            format!("unknown agency {receiving_agency}"),
        ));
    }
    let handling_agency = version
        .handling_agency
        .clone()
        .unwrap_or_else(|| receiving_agency.clone());
    if ctx.directory.agency(&handling_agency).is_none() {
        return Err(DomainError::UnknownAgency {
            code: handling_agency,
        });
    }

    let status = if received {
        Status::Received
    } else {
        Status::Submitted
    };
    let mut data = serde_json::Map::new();
    data.insert("channel".into(), json!(channel.as_str()));
    if !req.documents.is_empty() {
        data.insert(
            "documents".into(),
            serde_json::to_value(&req.documents).unwrap_or_default(),
        );
    }
    if let Some(note) = req.note.as_deref().and_then(crate::text::clean) {
        data.insert("note".into(), Value::String(note));
    }
    let data = Value::Object(data);
    let event = DossierEvent {
        seq: 1,
        at: now,
        actor: ctx.subject.username().to_owned(),
        action: if received {
            ActionKind::Receive
        } else {
            ActionKind::Submit
        },
        from: None,
        to: status,
        data,
    };
    let mut dossier = Dossier {
        code: DossierCode::new(&receiving_agency, today, 0),
        procedure_code: procedure.code.clone(),
        procedure_name: procedure.name.clone(),
        procedure_version: version.valid_from,
        time_limit: version.time_limit,
        cutoff: version.cutoff,
        receiving_agency,
        handling_agency,
        handling_unit: None,
        assignee: None,
        applicant,
        owner,
        created_by: ctx.subject.username().to_owned(),
        helper,
        consent,
        channel,
        status,
        resume_status: None,
        pause_kind: None,
        form_data,
        submitted_at: now,
        received_at: received.then_some(now),
        process_id: received
            .then(|| ctx.processes.in_force(&procedure.code, today).map(|p| p.id))
            .flatten(),
        completed_at: None,
        returned_at: None,
        due_at: None,
        extended: false,
        timeliness: None,
        rating: None,
        version: 1,
        events: vec![event],
    };
    dossier.due_at = crate::deadline::appointment(&dossier, ctx.calendar, ctx.rules)?;
    Ok(dossier)
}

/// The receiving agency: as asked, else the procedure's fixed agency, else the
/// officer's only receiving agency.
fn pick_agency(
    asked: Option<&str>,
    fixed: Option<&str>,
    own: Option<&[&str]>,
) -> Result<String, DomainError> {
    if let Some(a) = asked.map(str::trim).filter(|a| !a.is_empty()) {
        return Ok(a.to_owned());
    }
    if let Some(f) = fixed {
        return Ok(f.to_owned());
    }
    match own {
        Some([only]) => Ok((*only).to_owned()),
        Some([]) => Err(DomainError::not_allowed(
            "cần vai trò Cán bộ tiếp nhận",
            "needs the receiving officer role",
        )),
        _ => Err(DomainError::required("agency", "cơ quan tiếp nhận hồ sơ")),
    }
}

/// Statuses before a decision: the applicant may still withdraw, the unit may still stop.
const BEFORE_DECISION: [Status; 10] = [
    Status::Submitted,
    Status::Received,
    Status::SupplementRequested,
    Status::Supplemented,
    Status::Assigned,
    Status::InProcess,
    Status::Consulting,
    Status::Transferred,
    Status::AwaitingApproval,
    Status::Paused,
];

/// Applies `cmd` to `dossier` if the rules allow it.
pub fn decide(dossier: &Dossier, cmd: Command, ctx: &Ctx<'_>) -> Result<Decision, DomainError> {
    let action = cmd.kind();
    let from = dossier.status;
    let now = micros(ctx.now);
    let today = to_local(now).date();
    let received = dossier.received_at.is_some();
    // Who may: one rule table, in the policy (after the state checks below, so that
    // an impossible step says so whoever asks).
    let may = || {
        crate::policy::authorize(
            ctx.subject,
            Action::Act(action),
            Resource::Dossier(dossier),
            today,
        )
    };
    let illegal = || DomainError::IllegalTransition {
        action: action.as_str(),
        status: from.as_str(),
    };
    let allowed = |statuses: &[Status]| -> Result<(), DomainError> {
        if statuses.contains(&from) {
            Ok(())
        } else {
            Err(illegal())
        }
    };
    let subject = ctx.subject;
    let handling = dossier.handling_agency.as_str();
    let mut next = dossier.clone();
    let mut data = serde_json::Map::new();
    let mut put = |k: &str, v: Value| {
        data.insert(k.to_owned(), v);
    };

    follows_process(dossier, &cmd, ctx, now)?;

    match cmd {
        Command::Receive {
            documents,
            note,
            fees,
        } => {
            allowed(&[Status::Submitted, Status::Supplemented])?;
            if received {
                return Err(illegal());
            }
            may()?;
            next.status = Status::Received;
            next.received_at = Some(now);
            next.process_id = ctx
                .processes
                .in_force(&dossier.procedure_code, today)
                .map(|p| p.id);
            if !documents.is_empty() {
                put(
                    "documents",
                    serde_json::to_value(documents).unwrap_or_default(),
                );
            }
            put_opt(&mut put, "note", note);
            if !fees.is_empty() {
                put("fees", serde_json::to_value(fees).unwrap_or_default());
            }
        }
        Command::RequestSupplement { items, reason } => {
            if received {
                allowed(&[
                    Status::Received,
                    Status::Assigned,
                    Status::InProcess,
                    Status::Supplemented,
                ])?;
                may()?;
            } else {
                // Before receipt only the receiving officer checks the dossier.
                allowed(&[Status::Submitted, Status::Supplemented])?;
                may()?;
            }
            next.status = Status::SupplementRequested;
            next.resume_status = Some(if from == Status::Supplemented {
                Status::InProcess
            } else {
                from
            });
            put("items", json!(items));
            put("reason", json!(reason));
        }
        Command::Supplement { note, form_data } => {
            allowed(&[Status::SupplementRequested])?;
            may()?;
            if let Some(update) = form_data {
                let merged = merge(&dossier.form_data, &update)?;
                let procedure = ctx.catalog.get(&dossier.procedure_code).ok_or_else(|| {
                    DomainError::UnknownProcedure {
                        code: dossier.procedure_code.clone(),
                    }
                })?;
                let version = procedure.version_at(dossier.procedure_version)?;
                next.form_data = version.form.validate(&merged)?;
                put("form_data", update);
            }
            next.status = Status::Supplemented;
            put_opt(&mut put, "note", note);
        }
        Command::Refuse { reason } => {
            if received {
                allowed(&[
                    Status::Received,
                    Status::Assigned,
                    Status::InProcess,
                    Status::Supplemented,
                    Status::Transferred,
                ])?;
                may()?;
            } else {
                // Before receipt only the receiving officer checks the dossier.
                allowed(&[Status::Submitted, Status::Supplemented])?;
                may()?;
            }
            next.status = Status::Refused;
            next.completed_at = Some(now);
            put("reason", json!(reason));
        }
        Command::Assign {
            unit,
            assignee,
            note,
        } => {
            allowed(&[
                Status::Received,
                Status::Assigned,
                Status::InProcess,
                Status::Transferred,
                Status::Supplemented,
            ])?;
            if from == Status::Supplemented && !received {
                return Err(illegal());
            }
            may()?;
            let (unit, assignee) = resolve_assignment(ctx.directory, handling, unit, assignee)?;
            // Taking a dossier from one officer for another needs a reason on record.
            let reassigning = dossier.assignee.is_some() && assignee != dossier.assignee;
            if reassigning && note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                return Err(DomainError::required(
                    "note",
                    "lý do giao lại cho cán bộ khác",
                ));
            }
            if reassigning {
                put_opt(&mut put, "previous_assignee", dossier.assignee.clone());
            }
            next.status = Status::Assigned;
            next.handling_unit = unit.clone();
            next.assignee = assignee.clone();
            put_opt(&mut put, "unit", unit);
            put_opt(&mut put, "assignee", assignee);
            put_opt(&mut put, "note", note);
        }
        Command::Process { note } => {
            allowed(&[Status::Assigned, Status::Supplemented, Status::Transferred])?;
            if from == Status::Supplemented && !received {
                return Err(illegal());
            }
            let grant = may()?;
            if grant == Grant::Role(Role::Specialist)
                && let Some(a) = &dossier.assignee
                && a != subject.username()
            {
                return Err(DomainError::not_allowed(
                    format!("hồ sơ đã phân công cho cán bộ {a}"),
                    format!("the dossier is assigned to {a}"),
                ));
            }
            if next.assignee.is_none() {
                next.assignee = Some(subject.username().to_owned());
            }
            next.status = Status::InProcess;
            next.resume_status = None;
            put_opt(&mut put, "note", note);
        }
        Command::Consult {
            target,
            question,
            answer_by,
        } => {
            // Several units may be asked at once; each answers on its own.
            allowed(&[Status::InProcess, Status::Consulting])?;
            may()?;
            let target_agency = if let Some(u) = ctx.directory.unit(&target) {
                u.agency.clone()
            } else if ctx.directory.agency(&target).is_some() {
                target.clone()
            } else {
                return Err(DomainError::invalid(
                    "target",
                    format!("Không có đơn vị hoặc cơ quan mã {target}"),
                    format!("unknown unit or agency {target}"),
                ));
            };
            if dossier
                .open_consultations()
                .iter()
                .any(|c| c.target == target)
            {
                return Err(DomainError::invalid(
                    "target",
                    format!("Đang chờ ý kiến của {target}"),
                    format!("{target} has already been asked and has not answered"),
                ));
            }
            next.status = Status::Consulting;
            next.resume_status = Some(Status::InProcess);
            put("target", json!(target));
            put("target_agency", json!(target_agency));
            put("question", json!(question));
            if let Some(d) = answer_by {
                put("answer_by", json!(d));
            }
        }
        Command::ConsultReply { answer, target } => {
            allowed(&[Status::Consulting])?;
            may()?;
            let open = dossier.open_consultations();
            let asked = match target {
                Some(t) => open.iter().find(|c| c.target == t || c.target_agency == t),
                None if open.len() == 1 => open.first(),
                // Several open: the consulted officer answers for their own agency.
                None => {
                    let mine: Vec<&Consultation> = open
                        .iter()
                        .filter(|c| subject.agencies().contains(&c.target_agency.as_str()))
                        .collect();
                    match mine.as_slice() {
                        [only] => Some(*only),
                        _ => None,
                    }
                }
            }
            .ok_or_else(|| {
                DomainError::required(
                    "target",
                    "đơn vị được xin ý kiến mà câu trả lời này trả lời",
                )
            })?;
            crate::policy::authorize_reply(subject, dossier, &asked.target_agency)?;
            if open.len() <= 1 {
                next.status = Status::InProcess;
                next.resume_status = None;
            }
            put("target", json!(asked.target));
            put("target_agency", json!(asked.target_agency));
            put("answer", json!(answer));
        }
        Command::Transfer { agency, reason } => {
            allowed(&[Status::Received, Status::Assigned, Status::InProcess])?;
            may()?;
            if ctx.directory.agency(&agency).is_none() {
                return Err(DomainError::invalid(
                    "agency",
                    format!("Không có cơ quan mã {agency}"),
                    format!("unknown agency {agency}"),
                ));
            }
            if agency == handling {
                return Err(DomainError::invalid(
                    "agency",
                    "Hồ sơ đang ở chính cơ quan này",
                    "the dossier is already with that agency",
                ));
            }
            put("from_agency", json!(handling));
            put("to_agency", json!(agency));
            put_opt(&mut put, "reason", reason);
            next.status = Status::Transferred;
            next.handling_agency = agency;
            next.handling_unit = None;
            next.assignee = None;
        }
        Command::SubmitForApproval { note } => {
            allowed(&[Status::InProcess])?;
            may()?;
            next.status = Status::AwaitingApproval;
            put_opt(&mut put, "note", note);
        }
        Command::Approve { note } => {
            allowed(&[Status::AwaitingApproval])?;
            may()?;
            next.status = Status::Approved;
            next.completed_at = Some(now);
            put_opt(&mut put, "note", note);
        }
        Command::SendBack { reason } => {
            allowed(&[Status::AwaitingApproval])?;
            may()?;
            next.status = Status::InProcess;
            put("reason", json!(reason));
        }
        Command::IssueResult {
            result_number,
            note,
        } => {
            allowed(&[Status::Approved])?;
            may()?;
            next.status = Status::ResultReady;
            put_opt(&mut put, "result_number", result_number);
            put_opt(&mut put, "note", note);
        }
        Command::ReturnResult { method, note } => {
            allowed(&[Status::ResultReady])?;
            may()?;
            let report = crate::deadline::report(dossier, ctx.calendar, ctx.rules, now)?;
            let late = report
                .as_ref()
                .is_some_and(|r| r.timeliness == Some(motcua_calendar::Timeliness::Late));
            if late && !dossier.extended {
                return Err(DomainError::ApologyRequired);
            }
            next.status = Status::Returned;
            next.returned_at = Some(now);
            put("method", json!(method));
            put_opt(&mut put, "note", note);
        }
        Command::Withdraw { reason } => {
            allowed(&BEFORE_DECISION)?;
            may()?;
            next.status = Status::Withdrawn;
            next.completed_at = Some(now);
            next.resume_status = None;
            next.pause_kind = None;
            put("reason", json!(reason));
        }
        Command::Pause { reason, kind } => {
            allowed(&[
                Status::Received,
                Status::Assigned,
                Status::InProcess,
                Status::Transferred,
            ])?;
            may()?;
            next.status = Status::Paused;
            next.resume_status = Some(from);
            next.pause_kind = Some(kind);
            put("reason", json!(reason));
            put("kind", json!(kind));
        }
        Command::Resume { note } => {
            allowed(&[Status::Paused])?;
            may()?;
            next.status = dossier.resume_status.unwrap_or(Status::InProcess);
            next.resume_status = None;
            next.pause_kind = None;
            put_opt(&mut put, "note", note);
        }
        Command::Extend {
            new_due,
            reason,
            apology,
        } => {
            allowed(&[
                Status::Received,
                Status::SupplementRequested,
                Status::Supplemented,
                Status::Assigned,
                Status::InProcess,
                Status::Consulting,
                Status::Transferred,
                Status::AwaitingApproval,
                Status::Paused,
                Status::Approved,
                Status::ResultReady,
            ])?;
            if !received {
                return Err(illegal());
            }
            may()?;
            if !ctx.calendar.is_working_day(new_due)? {
                return Err(DomainError::invalid(
                    "new_due",
                    format!(
                        "Ngày hẹn trả mới {} không phải ngày làm việc",
                        new_due.format("%d/%m/%Y")
                    ),
                    "the new appointment must be a working day",
                ));
            }
            next.extended = true;
            put("new_due", json!(new_due));
            put("reason", json!(reason));
            put_opt(&mut put, "apology", apology);
        }
        Command::Stop { reason } => {
            allowed(&BEFORE_DECISION)?;
            may()?;
            next.status = Status::Stopped;
            next.completed_at = Some(now);
            next.resume_status = None;
            next.pause_kind = None;
            put("reason", json!(reason));
        }
        Command::Rate { level, comment } => {
            allowed(&[Status::Returned])?;
            may()?;
            if dossier.rating.is_some() {
                return Err(DomainError::AlreadyRated);
            }
            next.rating = Some(Rating {
                level,
                comment: comment.clone(),
                at: now,
            });
            put("level", json!(level));
            put_opt(&mut put, "comment", comment);
        }
    }

    let event = DossierEvent {
        seq: dossier.last_seq() + 1,
        at: now,
        actor: subject.username().to_owned(),
        action,
        from: Some(from),
        to: next.status,
        data: Value::Object(data),
    };
    next.events.push(event.clone());
    next.version = dossier.version + 1;
    next.due_at = crate::deadline::appointment(&next, ctx.calendar, ctx.rules)?;
    if next.completed_at.is_some() {
        next.timeliness = crate::deadline::report(&next, ctx.calendar, ctx.rules, now)?
            .and_then(|r| r.timeliness);
    }
    Ok(Decision {
        dossier: next,
        event,
    })
}

/// Actions open at any step: waits, extensions, stops, the applicant's own actions,
/// assignment, and consultations outside the drawn path (always lawful).
const OPEN_AT_ANY_STEP: [ActionKind; 12] = [
    ActionKind::Submit,
    ActionKind::Receive,
    ActionKind::RequestSupplement,
    ActionKind::Supplement,
    ActionKind::Refuse,
    ActionKind::Assign,
    ActionKind::Consult,
    ActionKind::ConsultReply,
    ActionKind::Withdraw,
    ActionKind::Pause,
    ActionKind::Resume,
    ActionKind::Extend,
];

/// The dossier's process (the version it was received under) allows `cmd` at its
/// current steps, and a transfer goes where the process sends it.
fn follows_process(
    dossier: &Dossier,
    cmd: &Command,
    ctx: &Ctx<'_>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let action = cmd.kind();
    let Some(saved) = dossier.process_id.and_then(|id| ctx.processes.get(id)) else {
        return Ok(());
    };
    // Open at any step: no need to walk the dossier (a transfer is not among them).
    if matches!(action, ActionKind::Stop | ActionKind::Rate) || OPEN_AT_ANY_STEP.contains(&action) {
        return Ok(());
    }
    let walk = crate::process::walk(&saved.process, dossier, ctx.calendar, now)?;
    if let Command::Transfer { agency, .. } = cmd {
        let named: Vec<&str> = saved
            .process
            .def
            .steps
            .iter()
            .zip(&walk.steps)
            .filter(|(_, run)| {
                matches!(
                    run.state,
                    crate::process::StepState::Waiting | crate::process::StepState::Active
                )
            })
            .filter_map(|(s, _)| match (&s.kind, &s.agency) {
                (crate::process::StepKind::Transfer, crate::process::Acting::Agency(a)) => {
                    Some(a.as_str())
                }
                _ => None,
            })
            .collect();
        if !named.is_empty() && !named.contains(&agency.as_str()) {
            return Err(DomainError::invalid(
                "agency",
                format!(
                    "Quy trình chuyển liên thông đến cơ quan {}",
                    named.join(", ")
                ),
                format!("the process transfers to {}", named.join(", ")),
            ));
        }
    }
    if walk.current.is_empty() {
        return Ok(());
    }
    let steps = &saved.process.def.steps;
    let current: Vec<&crate::process::StepDef> =
        walk.current.iter().filter_map(|&i| steps.get(i)).collect();
    if current
        .iter()
        .any(|s| s.allowed_outcomes().contains(&action))
    {
        return Ok(());
    }
    Err(DomainError::StepDoesNotAllow {
        action: action.as_str(),
        steps: current
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

fn put_opt(put: &mut impl FnMut(&str, Value), key: &str, value: Option<String>) {
    if let Some(v) = value {
        put(key, Value::String(v));
    }
}

/// Checks a unit and/or assignee against the handling agency; the unit defaults to
/// the assignee's unit when the assignee has exactly one there.
fn resolve_assignment(
    directory: &Directory,
    agency: &str,
    unit: Option<String>,
    assignee: Option<String>,
) -> Result<(Option<String>, Option<String>), DomainError> {
    if let Some(u) = &unit {
        match directory.unit(u) {
            Some(found) if found.agency == agency => {}
            Some(_) => {
                return Err(DomainError::invalid(
                    "unit",
                    format!("Đơn vị {u} không thuộc cơ quan đang xử lý hồ sơ"),
                    format!("unit {u} does not belong to the handling agency"),
                ));
            }
            None => {
                return Err(DomainError::invalid(
                    "unit",
                    format!("Không có đơn vị mã {u}"),
                    format!("unknown unit {u}"),
                ));
            }
        }
    }
    let mut unit = unit;
    if let Some(a) = &assignee {
        let officer = directory.officer(a).ok_or_else(|| {
            DomainError::invalid(
                "assignee",
                format!("Không có cán bộ {a}"),
                format!("unknown officer {a}"),
            )
        })?;
        let here: Vec<&crate::org::RoleAssignment> = officer
            .roles
            .iter()
            .filter(|r| {
                r.agency == agency
                    && matches!(
                        r.role,
                        Role::Specialist | Role::UnitLeader | Role::AgencyLeader
                    )
            })
            .collect();
        if here.is_empty() {
            return Err(DomainError::invalid(
                "assignee",
                format!("Cán bộ {a} không có vai trò xử lý tại cơ quan đang giải quyết hồ sơ"),
                format!("officer {a} holds no processing role in the handling agency"),
            ));
        }
        if unit.is_none() {
            let units: Vec<&String> = here.iter().filter_map(|r| r.unit.as_ref()).collect();
            if let [only] = units.as_slice() {
                unit = Some((*only).clone());
            }
        }
    }
    Ok((unit, assignee))
}

/// Shallow merge of form corrections into the form data.
fn merge(base: &Value, update: &Value) -> Result<Value, DomainError> {
    let mut out = match base {
        Value::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    match update {
        Value::Object(m) => {
            for (k, v) in m {
                out.insert(k.clone(), v.clone());
            }
            Ok(Value::Object(out))
        }
        _ => Err(DomainError::invalid(
            "form_data",
            "Dữ liệu tờ khai phải là một đối tượng JSON",
            "form_data must be a JSON object",
        )),
    }
}

/// Parses an action name.
pub fn parse_action(name: &str) -> Result<ActionKind, DomainError> {
    match ActionKind::parse(name) {
        Some(ActionKind::Submit) | None => Err(DomainError::UnknownAction {
            action: name.to_owned(),
        }),
        Some(a) => Ok(a),
    }
}

/// Local date of an instant (helper for callers that group by day).
pub fn local_day(t: DateTime<Utc>) -> NaiveDate {
    to_local(t).date()
}
