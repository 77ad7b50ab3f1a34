//! The national public-service portal (Cổng dịch vụ công quốc gia, DVCQG) for Một
//! Cửa: the client adapter behind the [`NationalPortal`] trait ([`HttpPortal`]), and
//! a simulator ([`sim`]) that speaks the same protocol on localhost, with fault
//! injection, for tests, benchmarks and the demo. The rules — date format, status
//! mapping, records, validation — live in `motcua_domain::portal`; this crate only
//! moves them over HTTP.

pub mod client;
pub mod config;
pub mod error;
pub mod protocol;
pub mod sim;
mod token;

pub use client::{HttpPortal, NationalPortal, UpsertOutcome};
pub use config::{CredentialStyle, PortalConfig};
pub use error::PortalError;
pub use sim::{Faults, SimConfig, SimHandle, Simulator};
