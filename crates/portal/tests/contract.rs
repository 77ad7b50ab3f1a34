//! Contract tests of the portal adapter (`HttpPortal`) against the simulator: every
//! service, every status path, tokens, faults and inbound delivery. They assert
//! what the simulator stored or answered, never constants. One test binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "contract/faults.rs"]
mod faults;
#[path = "contract/fixture.rs"]
mod fixture;
#[path = "contract/inbound.rs"]
mod inbound;
#[path = "contract/lifecycle.rs"]
mod lifecycle;
