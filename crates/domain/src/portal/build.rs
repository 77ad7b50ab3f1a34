//! Building the portal's records from our dossier: pure, from the dossier and what it
//! does not hold itself (the [`RecordContext`]: names, catalogue codes, attachment
//! and result URLs, fees, payment, identity verification).
//!
//! Channel: our `Online` and `Assisted` are both `KenhThucHien` 2 (the portal has no
//! "assisted" channel: a community helper files online on the citizen's behalf),
//! `Counter` 1, `Post` 3 ([`Channel::portal_code`]). Who actually filed stays with us
//! (`Dossier::channel`, `Dossier::helper`) for the honest online rate of issue 11.

use std::collections::BTreeMap;

use motcua_calendar::{DeadlineRules, WorkCalendar};
use serde_json::Value;

use super::date;
use super::record::{
    DossierRecord, FeeItem, OwnerId, ProcessStep, ResultDocument, SUMMARY_MAX_CHARS, SubmittedFile,
    SupplementEntry, truncate_chars,
};
use super::status::{InternalState, portal_status_of};
use crate::applicant::ApplicantKind;
use crate::catalog::Channel;
use crate::command::{PauseKind, ReturnMethod};
use crate::dossier::{Dossier, DossierEvent};
use crate::fee::{Charge, Credit, FeeKind, PayMethod};
use crate::status::{ActionKind, Status};

/// How the fees were paid, for `DuocThanhToanTrucTuyen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OnlinePayment {
    /// 1: through the national portal's payment platform (PayGov).
    NationalPlatform,
    /// 2: through the province's (or ministry's) own gateway (one-stop.md §8).
    ProvinceGateway,
    /// 3: not paid online (or nothing paid yet) — what [TD] sends when unpaid.
    #[default]
    NotOnline,
}

impl OnlinePayment {
    /// The wire code.
    pub fn code(self) -> u8 {
        match self {
            Self::NationalPlatform => 1,
            Self::ProvinceGateway => 2,
            Self::NotOnline => 3,
        }
    }

    /// From the money received on the dossier's orders: a gateway payment through
    /// `paygov` is the national platform, any other gateway the province's.
    pub fn from_credits(credits: &[Credit]) -> Self {
        let online = credits.iter().filter(|c| c.method == PayMethod::Gateway);
        let mut out = Self::NotOnline;
        for c in online {
            if c.provider == "paygov" {
                return Self::NationalPlatform;
            }
            out = Self::ProvinceGateway;
        }
        out
    }
}

/// A stored attachment as the portal should see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttachmentRef {
    /// Our attachment id.
    pub id: String,
    /// File name.
    pub name: String,
    /// The required document it answers (MaThanhPhanHoSo), if known.
    pub component_code: Option<String>,
    /// A URL the portal can download it from.
    pub url: Option<String>,
    /// Scanned and signed at the counter (số hóa).
    pub digitised: bool,
    /// Reused from an earlier dossier or the citizen's store.
    pub reused: bool,
    /// Taken from the national data store.
    pub from_national_store: bool,
    /// Removed from the dossier (kept for the record).
    pub deleted: bool,
}

/// A result document issued to the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResultRef {
    /// Our document id.
    pub id: String,
    /// Name, e.g. `Giấy khai sinh`.
    pub name: String,
    /// Its number or code (số, ký hiệu).
    pub number: Option<String>,
    /// A URL the portal can download it from.
    pub url: Option<String>,
}

/// The calendar and rules that recompute past appointments (for the supplement list).
#[derive(Debug, Clone, Copy)]
pub struct DeadlineBasis<'a> {
    /// Working calendar.
    pub calendar: &'a WorkCalendar,
    /// The province's deadline rules.
    pub rules: &'a DeadlineRules,
}

/// What the record needs that the dossier does not hold.
#[derive(Debug, Clone, Default)]
pub struct RecordContext<'a> {
    /// The national procedure code (MaTTHC), when our code differs; default: ours.
    pub national_procedure_code: Option<String>,
    /// The national procedure name; default: the name the dossier kept.
    pub procedure_name: Option<String>,
    /// Sector code (MaLinhVuc).
    pub sector_code: Option<String>,
    /// Sector name (TenLinhVuc).
    pub sector_name: Option<String>,
    /// The handling agency's name (DonViXuLy).
    pub handling_agency_name: Option<String>,
    /// A summary; default: the procedure name and the applicant's name.
    pub summary: Option<String>,
    /// Receipt number (SoBienNhan), if the province numbers receipts apart.
    pub receipt_number: Option<String>,
    /// The owner's portal account (TechID), for online dossiers.
    pub portal_account: Option<String>,
    /// Whether the filing account was verified with VNeID.
    pub vneid_verified: bool,
    /// The dossier's files.
    pub attachments: Vec<AttachmentRef>,
    /// Result documents issued.
    pub results: Vec<ResultRef>,
    /// Fees charged.
    pub fees: Vec<Charge>,
    /// How fees are collected (HinhThucThu), passed through.
    pub fee_method: Option<String>,
    /// How the fees were paid.
    pub online_payment: OnlinePayment,
    /// How the applicant asked to receive the result, before it is returned.
    pub return_method: Option<ReturnMethod>,
    /// To fill the appointments before and after each supplement; without it they
    /// are left out.
    pub deadline: Option<DeadlineBasis<'a>>,
}

/// Applicant kind → `LoaiDoiTuong` (organisations as 2, enterprise: we do not tell
/// enterprises from other organisations yet).
fn owner_kind(kind: ApplicantKind) -> u8 {
    match kind {
        ApplicantKind::Citizen => 1,
        ApplicantKind::Organisation => 2,
    }
}

/// `HinhThuc`: 0 at the desk, 1 by post, 2 electronically (ours).
fn return_code(method: ReturnMethod) -> u8 {
    match method {
        ReturnMethod::Counter => 0,
        ReturnMethod::Post => 1,
        ReturnMethod::Online => 2,
    }
}

fn text(e: &DossierEvent, key: &str) -> Option<String> {
    e.data.get(key).and_then(Value::as_str).map(str::to_owned)
}

impl DossierRecord {
    /// The portal record of `dossier` now.
    pub fn from_dossier(dossier: &Dossier, ctx: &RecordContext<'_>) -> Self {
        let a = &dossier.applicant;
        let channel = dossier.channel.portal_code();
        let status = portal_status_of(dossier);
        let procedure_name = ctx
            .procedure_name
            .clone()
            .unwrap_or_else(|| dossier.procedure_name.clone());
        let summary = ctx
            .summary
            .clone()
            .unwrap_or_else(|| format!("{procedure_name} — {}", a.name));
        let returned_by = dossier
            .events
            .iter()
            .rev()
            .find(|e| e.action == ActionKind::ReturnResult)
            .and_then(|e| e.data.get("method").cloned())
            .and_then(|m| serde_json::from_value::<ReturnMethod>(m).ok());
        let owner_ids = match (a.kind, a.id_number.as_deref()) {
            (ApplicantKind::Citizen, Some(id)) if id.bytes().all(|b| b.is_ascii_digit()) => {
                match id.len() {
                    12 => vec![OwnerId {
                        kind: 1,
                        number: id.to_owned(),
                    }],
                    9 => vec![OwnerId {
                        kind: 2,
                        number: id.to_owned(),
                    }],
                    _ => Vec::new(),
                }
            }
            _ => Vec::new(),
        };
        DossierRecord {
            code: dossier.code.as_str().to_owned(),
            procedure_code: ctx
                .national_procedure_code
                .clone()
                .unwrap_or_else(|| dossier.procedure_code.clone()),
            procedure_name,
            sector_code: ctx.sector_code.clone(),
            sector_name: ctx.sector_name.clone(),
            receipt_number: ctx.receipt_number.clone(),
            owner_name: a.name.clone(),
            owner_id_number: a.id_number.clone(),
            owner_kind: owner_kind(a.kind),
            // [TD] sends the account only for online dossiers.
            owner_account: (channel == Channel::Online.portal_code())
                .then(|| ctx.portal_account.clone())
                .flatten(),
            email: a.email.clone(),
            phone: a.phone.clone(),
            summary: truncate_chars(&summary, SUMMARY_MAX_CHARS),
            note: None,
            handling_agency: ctx.handling_agency_name.clone(),
            submitted_at: Some(date::format(dossier.submitted_at)),
            received_at: date::format_opt(dossier.received_at),
            due_at: date::format_opt(dossier.due_at),
            finished_at: date::format_opt(dossier.completed_at),
            returned_at: date::format_opt(dossier.returned_at),
            refused_at: (dossier.status == Status::Refused)
                .then(|| date::format_opt(dossier.completed_at))
                .flatten(),
            status: status.code(),
            channel,
            return_method: returned_by.or(ctx.return_method).map(return_code),
            files: ctx.attachments.iter().map(submitted_file).collect(),
            fees: ctx
                .fees
                .iter()
                .map(|c| fee_item(c, ctx.fee_method.as_deref()))
                .collect(),
            results: ctx.results.iter().map(result_document).collect(),
            supplements: supplements(dossier, ctx.deadline),
            has_digitised_parts: ctx.attachments.iter().any(|f| f.digitised && !f.deleted),
            vneid_verified: ctx.vneid_verified,
            online_payment: ctx.online_payment.code(),
            owner_ids,
        }
    }
}

fn submitted_file(f: &AttachmentRef) -> SubmittedFile {
    SubmittedFile {
        file_id: f.id.clone(),
        name: f.name.clone(),
        deleted: f.deleted,
        component_code: f.component_code.clone(),
        url: f.url.clone(),
        digitised: f.digitised,
        reused: f.reused,
        from_national_store: f.from_national_store,
        replaces_result: None,
        content_base64: None,
    }
}

fn fee_item(c: &Charge, method: Option<&str>) -> FeeItem {
    FeeItem {
        name: c.name.clone(),
        code: Some(c.line.clone()),
        method: method.map(str::to_owned),
        amount: c.amount,
        kind: match c.kind {
            FeeKind::Charge => 1,
            FeeKind::Fee => 2,
        },
    }
}

fn result_document(r: &ResultRef) -> ResultDocument {
    ResultDocument {
        name: r.name.clone(),
        component_code: None,
        document_id: Some(r.id.clone()),
        url: r.url.clone(),
        result_code: r.number.clone(),
    }
}

/// The appointment as of the first `upto` events, if the dossier was received then.
fn appointment_upto(dossier: &Dossier, upto: usize, basis: DeadlineBasis<'_>) -> Option<String> {
    let mut d = dossier.clone();
    d.events.truncate(upto);
    let received = d.events.iter().any(|e| e.to == Status::Received);
    if !received {
        return None;
    }
    crate::deadline::appointment(&d, basis.calendar, basis.rules)
        .ok()
        .flatten()
        .map(date::format)
}

/// Each supplement request with its completion, from the history.
fn supplements(dossier: &Dossier, basis: Option<DeadlineBasis<'_>>) -> Vec<SupplementEntry> {
    let mut out: Vec<SupplementEntry> = Vec::new();
    let mut open: Option<usize> = None;
    for (i, e) in dossier.events.iter().enumerate() {
        match e.action {
            ActionKind::RequestSupplement => {
                let items = e.texts("items").join("; ");
                let reason = text(e, "reason").unwrap_or_default();
                let content = [reason, items]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(": ");
                out.push(SupplementEntry {
                    id: e.seq.to_string(),
                    requested_by: Some(e.actor.clone()),
                    content: (!content.is_empty()).then_some(content),
                    requested_at: Some(date::format(e.at)),
                    state: Some(0),
                    due_before: basis.and_then(|b| appointment_upto(dossier, i, b)),
                    ..SupplementEntry::default()
                });
                open = Some(out.len().saturating_sub(1));
            }
            ActionKind::Supplement => {
                if let Some(entry) = open.take().and_then(|k| out.get_mut(k)) {
                    entry.completed_at = Some(date::format(e.at));
                    entry.state = Some(1);
                    entry.due_after = basis.and_then(|b| appointment_upto(dossier, i + 1, b));
                }
            }
            _ => {}
        }
    }
    out
}

/// Who an officer is, for the process steps.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// Title (chức danh).
    pub title: Option<String>,
    /// Unit (phòng ban).
    pub unit: Option<String>,
}

/// The portal state after each event: status, receipt so far, pause kind.
fn state_after(events: &[DossierEvent], i: usize) -> Option<InternalState> {
    let e = events.get(i)?;
    let received = events
        .get(..=i)
        .is_some_and(|s| s.iter().any(|x| x.to == Status::Received));
    // While paused, the kind is that of the pause that began it (an extension taken
    // during the pause carries none).
    let pause_kind = (e.to == Status::Paused).then(|| {
        let pause = events
            .get(..=i)
            .and_then(|s| s.iter().rev().find(|x| x.action == ActionKind::Pause));
        match pause
            .and_then(|p| p.data.get("kind"))
            .and_then(Value::as_str)
        {
            Some("fee_payment") => PauseKind::FeePayment,
            _ => PauseKind::Other,
        }
    });
    Some(InternalState::new(e.to, received, pause_kind))
}

/// The process steps (tiến độ) of the dossier's events after `after_seq`, in order,
/// for `CapNhatTienDoHoSoMC`. Ratings are not steps. `people` names the officers by
/// username; unknown actors (citizens) are shown by username.
pub fn process_steps(
    dossier: &Dossier,
    people: &BTreeMap<String, Person>,
    after_seq: i32,
) -> Vec<ProcessStep> {
    let events = &dossier.events;
    let mut out = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if e.seq <= after_seq || e.action == ActionKind::Rate {
            continue;
        }
        let Some(state) = state_after(events, i) else {
            continue;
        };
        let who = people.get(&e.actor);
        let detail = ["reason", "note", "items"]
            .iter()
            .filter_map(|k| match e.data.get(*k) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Array(_)) => Some(e.texts(k).join("; ")),
                _ => None,
            })
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" — ");
        let label = e.action.label_vi();
        let mut content = label
            .chars()
            .take(1)
            .flat_map(char::to_uppercase)
            .chain(label.chars().skip(1))
            .collect::<String>();
        if !detail.is_empty() {
            content = format!("{content}: {detail}");
        }
        let started = i
            .checked_sub(1)
            .and_then(|p| events.get(p))
            .map_or(e.at, |p| p.at);
        out.push(ProcessStep {
            code: dossier.code.as_str().to_owned(),
            handler: who.map_or_else(|| e.actor.clone(), |p| p.name.clone()),
            title: who.and_then(|p| p.title.clone()),
            at: date::format(e.at),
            department: who.and_then(|p| p.unit.clone()),
            content: truncate_chars(&content, SUMMARY_MAX_CHARS),
            status: state.portal().code(),
            started_at: Some(date::format(started)),
            step_due_at: None,
        });
    }
    out
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
