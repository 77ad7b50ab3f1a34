//! The national portal in the demo: its simulator, run inside `motcua serve --demo`
//! with the demo's procedures as its catalogue, so that every change of a demo
//! dossier is synced the way a province's would be.

use motcua_domain::portal::ProcedureEntry;
use motcua_portal::{SimConfig, SimHandle, Simulator};
use motcua_web::AppState;

use crate::error::CliError;

/// The demo's client credentials at the simulated portal.
pub const DEMO_CLIENT: (&str, &str) = ("motcua-demo", "motcua-demo-secret");

/// Starts the simulator on a free local port.
pub async fn start_demo_simulator(state: &AppState) -> Result<SimHandle, CliError> {
    let procedures = state
        .catalog()
        .procedures
        .values()
        .map(|p| ProcedureEntry {
            code: p.code.clone(),
            name: p.name.clone(),
            sector_code: None,
            sector_name: Some(p.sector.clone()),
        })
        .collect();
    Ok(Simulator::start(SimConfig {
        client_id: DEMO_CLIENT.0.into(),
        client_secret: DEMO_CLIENT.1.into(),
        procedures,
        ..SimConfig::default()
    })
    .await?)
}
