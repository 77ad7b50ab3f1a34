//! Who may see and do what: one function, [`authorize`], taking the subject, the
//! action and the resource. Data-scoped: role × agency (and unit, where the rules
//! name one) × the dossier's state × ownership and the helper's consent. Every
//! handler and the dossier state machine ask it; the generated matrix test
//! (`crates/domain/tests/domain/matrix.rs`) pins its answers for every cell.
//!
//! Lists are scoped the same way in SQL (by the subject's agencies, or its own
//! dossiers), so nothing is loaded to be filtered afterwards.

use chrono::NaiveDate;

use crate::consent::ConsentScope;
use crate::dossier::Dossier;
use crate::error::DomainError;
use crate::org::{Role, Subject};
use crate::status::{ActionKind, Status};

/// What is being done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read a dossier, its files and papers.
    View,
    /// Change a dossier through the state machine.
    Act(ActionKind),
    /// Read an agency's dossier register.
    ReadRegister,
    /// Find an applicant's earlier details (at the counter).
    FindApplicant,
    /// Search the audit log.
    SearchAudit,
    /// Manage agencies, units, officers, the catalog and the calendar.
    Administer,
    /// Export one's own dossiers and files.
    ExportOwnData,
    /// Collect an agency's fees: record a payment at the counter (POS, transfer, cash),
    /// set a variable fee, cancel an unpaid order.
    CollectFees,
    /// Refund a payment of an agency.
    RefundFees,
    /// See what an agency's accounts received and its unpaid orders; import its
    /// statements and reconcile them.
    ReadTakings,
}

/// What it is done to.
#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    /// A dossier.
    Dossier(&'a Dossier),
    /// An agency (by code).
    Agency(&'a str),
    /// The whole system.
    System,
}

/// On what grounds an action is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// A role held where the rule asks for it.
    Role(Role),
    /// The applicant themselves (the owning citizen).
    Applicant,
    /// The helper who filed it, within the applicant's consent.
    Helper,
    /// An officer of an agency that took part (reading).
    Involved,
}

/// Decides whether `subject` may do `action` to `resource` on `today` (local date;
/// consents end on a day). The error is "not found" for a dossier the subject may
/// not see at all, so that its existence does not leak; "not allowed", naming the
/// roles that would do, otherwise.
pub fn authorize(
    subject: &Subject,
    action: Action,
    resource: Resource<'_>,
    today: NaiveDate,
) -> Result<Grant, DomainError> {
    match (action, resource) {
        (Action::View, Resource::Dossier(d)) => {
            view(subject, d).ok_or_else(|| DomainError::DossierNotFound {
                code: d.code.to_string(),
            })
        }
        (Action::Act(kind), Resource::Dossier(d)) => act(subject, kind, d, today),
        (Action::ReadRegister, Resource::Agency(agency)) => {
            if subject.has_role_anywhere(Role::Admin) {
                Ok(Grant::Role(Role::Admin))
            } else if subject.agencies().contains(&agency) {
                Ok(Grant::Involved)
            } else {
                Err(DomainError::not_allowed(
                    format!("chỉ cán bộ của cơ quan {agency} xem được sổ theo dõi của cơ quan"),
                    format!("only officers of {agency} read its register"),
                ))
            }
        }
        (Action::FindApplicant, _) => {
            if subject.has_role_anywhere(Role::ReceivingOfficer) {
                Ok(Grant::Role(Role::ReceivingOfficer))
            } else {
                Err(DomainError::not_allowed(
                    "chỉ cán bộ tiếp nhận tra cứu người nộp",
                    "only receiving officers look up applicants",
                ))
            }
        }
        (Action::SearchAudit | Action::Administer, _) => {
            if subject.has_role_anywhere(Role::Admin) {
                Ok(Grant::Role(Role::Admin))
            } else {
                Err(DomainError::not_allowed(
                    "chỉ quản trị viên",
                    "administrators only",
                ))
            }
        }
        (Action::CollectFees, Resource::Agency(agency)) => require_role(
            subject,
            &[Role::ReceivingOfficer, Role::AgencyLeader],
            agency,
        )
        .map(Grant::Role),
        (Action::RefundFees, Resource::Agency(agency)) => {
            require_role(subject, &[Role::AgencyLeader], agency).map(Grant::Role)
        }
        (Action::ReadTakings, Resource::Agency(agency)) => {
            if subject.has_role_anywhere(Role::Admin) {
                Ok(Grant::Role(Role::Admin))
            } else {
                require_role(
                    subject,
                    &[Role::ReceivingOfficer, Role::UnitLeader, Role::AgencyLeader],
                    agency,
                )
                .map(Grant::Role)
            }
        }
        (Action::ExportOwnData, _) => match subject {
            Subject::Citizen { .. } => Ok(Grant::Applicant),
            Subject::Officer { .. } => Err(DomainError::not_allowed(
                "cán bộ không có hồ sơ riêng để tải về",
                "officers have no dossiers of their own",
            )),
        },
        (a, r) => Err(DomainError::not_allowed(
            "thao tác không áp dụng cho đối tượng này",
            format!("{a:?} does not apply to {}", resource_kind(r)),
        )),
    }
}

fn resource_kind(r: Resource<'_>) -> &'static str {
    match r {
        Resource::Dossier(_) => "a dossier",
        Resource::Agency(_) => "an agency",
        Resource::System => "the system",
    }
}

fn view(subject: &Subject, d: &Dossier) -> Option<Grant> {
    match subject {
        Subject::Citizen { username } => {
            (d.owner.as_deref() == Some(username.as_str())).then_some(Grant::Applicant)
        }
        Subject::Officer { username, roles } => {
            if d.helper.as_deref() == Some(username.as_str()) {
                return Some(Grant::Helper);
            }
            roles
                .iter()
                .find(|r| r.role == Role::Admin)
                .map(|r| Grant::Role(r.role))
                .or_else(|| {
                    roles
                        .iter()
                        .any(|r| {
                            r.agency == d.receiving_agency
                                || r.agency == d.handling_agency
                                || d.agencies_involved().any(|a| a == r.agency)
                        })
                        .then_some(Grant::Involved)
                })
        }
    }
}

/// Whether `subject` may see `dossier` at all. Callers answer "not found" otherwise,
/// so a dossier's existence does not leak.
pub fn can_view(subject: &Subject, dossier: &Dossier) -> bool {
    view(subject, dossier).is_some()
}

/// Whether `subject` acts for the applicant in doing `scope` on `today`: the owning
/// citizen always; the helper who filed it only within the applicant's recorded
/// consent (its scopes, until its last day).
pub fn acts_for_applicant(
    subject: &Subject,
    dossier: &Dossier,
    scope: ConsentScope,
    today: NaiveDate,
) -> bool {
    applicant_grant(subject, dossier, scope, today).is_some()
}

fn applicant_grant(
    subject: &Subject,
    dossier: &Dossier,
    scope: ConsentScope,
    today: NaiveDate,
) -> Option<Grant> {
    match subject {
        Subject::Citizen { username } => {
            (dossier.owner.as_deref() == Some(username.as_str())).then_some(Grant::Applicant)
        }
        Subject::Officer { username, .. } => (dossier.helper.as_deref() == Some(username.as_str())
            && dossier
                .consent
                .as_ref()
                .is_some_and(|c| c.covers(scope, today)))
        .then_some(Grant::Helper),
    }
}

const HANDLERS: [Role; 3] = [Role::Specialist, Role::UnitLeader, Role::AgencyLeader];
const LEADERS: [Role; 2] = [Role::UnitLeader, Role::AgencyLeader];

/// Who the rules name for an action on a dossier in its current state.
enum Who<'a> {
    /// One of these roles, each at its agency.
    Roles(Vec<(Role, &'a str)>),
    /// The applicant (or their helper, within `scope`), else one of these roles.
    ApplicantOr(ConsentScope, Vec<(Role, &'a str)>),
    /// The applicant (or their helper, within `scope`) only.
    ApplicantOnly(ConsentScope),
}

fn at<'a>(roles: &[Role], agency: &'a str) -> Vec<(Role, &'a str)> {
    roles.iter().map(|&r| (r, agency)).collect()
}

/// The rule table: for each action, who may take it, by the dossier's state.
fn who_may(kind: ActionKind, d: &Dossier) -> Who<'_> {
    use Role::{AgencyLeader as AL, ReceivingOfficer as RO, Specialist as SP, UnitLeader as UL};
    let rec = d.receiving_agency.as_str();
    let h = d.handling_agency.as_str();
    let received = d.received_at.is_some();
    let fresh = d.status == Status::Received;
    match kind {
        ActionKind::Receive => Who::Roles(vec![(RO, rec)]),
        ActionKind::RequestSupplement if !received => Who::Roles(vec![(RO, rec)]),
        ActionKind::RequestSupplement if fresh => Who::Roles(vec![(RO, rec), (SP, h)]),
        ActionKind::RequestSupplement => Who::Roles(at(&HANDLERS, h)),
        ActionKind::Supplement => Who::ApplicantOr(ConsentScope::Supplement, vec![(RO, rec)]),
        ActionKind::Refuse if !received => Who::Roles(vec![(RO, rec)]),
        ActionKind::Refuse if fresh => Who::Roles(vec![(RO, rec), (SP, h), (UL, h), (AL, h)]),
        ActionKind::Refuse => Who::Roles(at(&HANDLERS, h)),
        ActionKind::Assign if fresh => Who::Roles(vec![(RO, rec), (UL, h), (AL, h)]),
        // Taking a dossier from one officer to give it to another is the leader's call.
        ActionKind::Assign if d.assignee.is_some() => Who::Roles(at(&LEADERS, h)),
        ActionKind::Assign => Who::Roles(vec![(RO, h), (UL, h), (AL, h)]),
        ActionKind::Process | ActionKind::Consult => Who::Roles(at(&HANDLERS, h)),
        ActionKind::ConsultReply => {
            // The handling agency records an answer received outside the system; each
            // consulted agency answers itself.
            let mut who = at(&HANDLERS, h);
            for c in consulted_agencies(d) {
                who.extend(at(&HANDLERS, c));
            }
            Who::Roles(who)
        }
        ActionKind::Transfer if fresh => Who::Roles(vec![(RO, rec), (UL, h), (AL, h), (SP, h)]),
        ActionKind::Transfer => Who::Roles(at(&HANDLERS, h)),
        ActionKind::SubmitForApproval => Who::Roles(vec![(SP, h), (UL, h)]),
        ActionKind::Approve | ActionKind::SendBack | ActionKind::Extend => {
            Who::Roles(at(&LEADERS, h))
        }
        ActionKind::IssueResult => Who::Roles(vec![(SP, h), (RO, h), (RO, rec), (UL, h)]),
        ActionKind::ReturnResult => Who::Roles(vec![(RO, rec), (RO, h)]),
        ActionKind::Withdraw => Who::ApplicantOr(ConsentScope::Withdraw, vec![(RO, rec)]),
        ActionKind::Pause | ActionKind::Resume => {
            Who::Roles(vec![(RO, rec), (SP, h), (UL, h), (AL, h)])
        }
        ActionKind::Stop => Who::Roles(vec![(RO, rec), (AL, h)]),
        ActionKind::Rate => Who::ApplicantOnly(ConsentScope::Rate),
        ActionKind::Submit => Who::Roles(Vec::new()),
    }
}

/// Agencies asked for an opinion that have not answered yet.
fn consulted_agencies(d: &Dossier) -> Vec<&str> {
    d.open_consult_events()
        .into_iter()
        .filter_map(|e| e.data.get("target_agency").and_then(|v| v.as_str()))
        .collect()
}

/// Whether `subject` may record the answer of the consultation of `consulted`: a
/// handler of the dossier's agency, or of the agency asked.
pub fn authorize_reply(
    subject: &Subject,
    d: &Dossier,
    consulted: &str,
) -> Result<Role, DomainError> {
    let mut who = at(&HANDLERS, d.handling_agency.as_str());
    who.extend(at(&HANDLERS, consulted));
    require_any(subject, &who)
}

fn act(
    subject: &Subject,
    kind: ActionKind,
    d: &Dossier,
    today: NaiveDate,
) -> Result<Grant, DomainError> {
    match who_may(kind, d) {
        Who::Roles(options) => require_any(subject, &options).map(Grant::Role),
        Who::ApplicantOr(scope, options) => match applicant_grant(subject, d, scope, today) {
            Some(g) => Ok(g),
            None => require_any(subject, &options).map(Grant::Role),
        },
        Who::ApplicantOnly(scope) => applicant_grant(subject, d, scope, today).ok_or_else(|| {
            DomainError::not_allowed(
                "chỉ người nộp hồ sơ được đánh giá",
                "only the applicant may rate",
            )
        }),
    }
}

/// The first of `(role, agency)` pairs the subject holds.
fn require_any(subject: &Subject, options: &[(Role, &str)]) -> Result<Role, DomainError> {
    for &(role, agency) in options {
        if subject.has_role_in(role, agency) {
            return Ok(role);
        }
    }
    // Only the error is built here: re-checking the roles at one agency would let a role
    // held at the receiving agency pass where the rule names the handling one.
    if let Some(&(_, agency)) = options.first()
        && options.iter().all(|&(_, a)| a == agency)
    {
        let names: Vec<&str> = options.iter().map(|(r, _)| r.label_vi()).collect();
        let names_en: Vec<&str> = options.iter().map(|(r, _)| r.as_str()).collect();
        return Err(DomainError::not_allowed(
            format!("cần vai trò {} tại cơ quan {agency}", names.join(" hoặc ")),
            format!("needs role {} in agency {agency}", names_en.join(" or ")),
        ));
    }
    let names: Vec<String> = options
        .iter()
        .map(|(role, agency)| format!("{} tại cơ quan {agency}", role.label_vi()))
        .collect();
    let names_en: Vec<String> = options
        .iter()
        .map(|(role, agency)| format!("{} in agency {agency}", role.as_str()))
        .collect();
    Err(DomainError::not_allowed(
        format!("cần vai trò {}", names.join(" hoặc ")),
        format!("needs role {}", names_en.join(" or ")),
    ))
}

/// The first of `roles` that `subject` holds in `agency`, or a "not allowed" error
/// that says which roles would do.
pub fn require_role(subject: &Subject, roles: &[Role], agency: &str) -> Result<Role, DomainError> {
    require_any(subject, &at(roles, agency))
}
