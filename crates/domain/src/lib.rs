//! The pure rules of Một Cửa's one-stop system (hệ thống một cửa điện tử): the
//! organisation, the procedure catalog, dossiers and their state machine, dossier
//! codes, deadlines, who may do what, and the audit chain. No I/O, no clock, no SQL:
//! the caller passes time and data in and stores what comes out.

pub mod applicant;
pub mod attachment;
pub mod audit;
pub mod catalog;
pub mod code;
pub mod command;
pub mod consent;
pub mod deadline;
pub mod dossier;
pub mod error;
pub mod fee;
pub mod form;
pub mod mask;
pub mod oidc;
pub mod org;
pub mod password;
pub mod policy;
pub mod portal;
pub mod process;
pub mod retention;
pub mod stats;
pub mod status;
pub mod text;
pub mod throttle;
pub mod time;
pub mod token;
pub mod totp;

pub use applicant::{Applicant, ApplicantKind, id_number_query};
pub use catalog::{Catalog, Channel, OnlineMode, Procedure, ProcedureLevel, ProcedureVersion};
pub use code::DossierCode;
pub use command::{Command, PauseKind, ReturnMethod, Satisfaction};
pub use dossier::{Ctx, Decision, Dossier, DossierEvent, SubmitRequest, decide, submit};
pub use error::{DomainError, ErrorKind, FieldIssue};
pub use org::{Account, AccountKind, Agency, Directory, OrgUnit, Role, RoleAssignment, Subject};
pub use status::{ActionKind, Status};
