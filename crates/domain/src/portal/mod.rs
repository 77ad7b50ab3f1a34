//! The national public-service portal (Cổng dịch vụ công quốc gia, DVCQG) as pure
//! rules: its date format, its dossier status codes and THE mapping to and from our
//! state machine, its wire records, and the validation both the simulator and our
//! inbox apply. No I/O: `motcua-portal` speaks HTTP with these types.
//!
//! Sources and what is unconfirmed: spec/national-portal.md. Field names follow the
//! public integrator code cited there; the simulator contract (§9) is our design.

pub mod build;
pub mod date;
pub mod record;
pub mod status;
pub mod validate;
mod wire;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod machine_tests;

pub use build::{
    AttachmentRef, DeadlineBasis, OnlinePayment, Person, RecordContext, ResultRef, process_steps,
};
pub use date::PortalDateError;
pub use record::{
    AgencyEntry, DossierRecord, FeeItem, OwnerId, ProcedureEntry, ProcessStep, Reply,
    ResultDocument, SectorEntry, SubmittedFile, SupplementEntry,
};
pub use status::{
    InboundMeaning, InternalState, Phase, PortalStatus, STATUS_MAP, TransitionCheck,
    check_transition, inbound_meaning, portal_status_of, transition_allowed,
};
pub use validate::{
    KnownProcedures, MAX_STEPS_PER_CALL, Problem, validate_inbound, validate_record, validate_step,
    validate_steps,
};
