//! The dossier state machine walked through every path, with a fixture organisation
//! and catalog. One test binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fixture;
mod lifecycle;
mod matrix;
mod process;
mod rules;
