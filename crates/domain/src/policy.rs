//! Who may see and do what (the first cut; issue #7 extends it to a full, generated
//! matrix). Officers act inside the agencies where they hold a role; citizens see and
//! act on their own dossiers only.

use chrono::NaiveDate;

use crate::consent::ConsentScope;
use crate::dossier::Dossier;
use crate::error::DomainError;
use crate::org::{Role, Subject};

/// Whether `subject` may see `dossier` at all. Callers answer "not found" otherwise,
/// so a dossier's existence does not leak.
pub fn can_view(subject: &Subject, dossier: &Dossier) -> bool {
    match subject {
        Subject::Citizen { username } => dossier.owner.as_deref() == Some(username.as_str()),
        Subject::Officer { username, roles } => {
            dossier.helper.as_deref() == Some(username.as_str())
                || roles.iter().any(|r| {
                    r.role == Role::Admin
                        || r.agency == dossier.receiving_agency
                        || r.agency == dossier.handling_agency
                        || dossier.agencies_involved().any(|a| a == r.agency)
                })
        }
    }
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
    match subject {
        Subject::Citizen { username } => dossier.owner.as_deref() == Some(username.as_str()),
        Subject::Officer { username, .. } => {
            dossier.helper.as_deref() == Some(username.as_str())
                && dossier
                    .consent
                    .as_ref()
                    .is_some_and(|c| c.covers(scope, today))
        }
    }
}

/// The first of `roles` that `subject` holds in `agency`, or a "not allowed" error
/// that says which roles would do.
pub fn require_role(subject: &Subject, roles: &[Role], agency: &str) -> Result<Role, DomainError> {
    roles
        .iter()
        .copied()
        .find(|&r| subject.has_role_in(r, agency))
        .ok_or_else(|| {
            let names: Vec<&str> = roles.iter().map(|r| r.label_vi()).collect();
            let names_en: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            DomainError::not_allowed(
                format!("cần vai trò {} tại cơ quan {agency}", names.join(" hoặc ")),
                format!("needs role {} in agency {agency}", names_en.join(" or ")),
            )
        })
}
