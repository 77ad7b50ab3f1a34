//! A simulator with a small catalogue, an adapter pointed at it, records built by
//! hand for each portal status, and a world in which our real state machine runs.

use std::time::Duration;

use motcua_calendar::{DeadlineRules, TimeLimit, WorkCalendar};
use motcua_domain::catalog::{Channel, OnlineMode, Procedure, ProcedureLevel, ProcedureVersion};
use motcua_domain::form::FormSchema;
use motcua_domain::org::{AccountKind, AdminLevel, AdminUnit};
use motcua_domain::portal::{
    AgencyEntry, DossierRecord, OwnerId, ProcedureEntry, RecordContext, SectorEntry,
};
use motcua_domain::{
    Account, Agency, Catalog, Command, Ctx, Directory, Dossier, Role, RoleAssignment, Subject,
    SubmitRequest, decide, submit,
};
use motcua_portal::sim::{Faults, SimConfig, SimHandle, Simulator};
use motcua_portal::{HttpPortal, PortalConfig};
use serde_json::{Value, json};

pub const AGENCY: &str = "H79.50.01";
pub const BIRTH: &str = "1.001193";

pub fn sim_config() -> SimConfig {
    SimConfig {
        procedures: vec![
            ProcedureEntry {
                code: BIRTH.into(),
                name: "Thủ tục đăng ký khai sinh".into(),
                sector_code: Some("HT".into()),
                sector_name: Some("Hộ tịch".into()),
            },
            ProcedureEntry {
                code: "2.000001".into(),
                name: "Chứng thực chữ ký".into(),
                sector_code: Some("CT".into()),
                sector_name: Some("Chứng thực".into()),
            },
        ],
        agencies: vec![AgencyEntry {
            code: AGENCY.into(),
            name: "UBND xã A".into(),
            level: Some("3".into()),
        }],
        sectors: vec![
            SectorEntry {
                code: "HT".into(),
                name: "Hộ tịch".into(),
                branch_code: Some("TP".into()),
            },
            SectorEntry {
                code: "CT".into(),
                name: "Chứng thực".into(),
                branch_code: Some("TP".into()),
            },
        ],
        ..SimConfig::default()
    }
}

pub fn client_config(sim: &SimHandle) -> PortalConfig {
    let mut c = PortalConfig::new(&sim.base_url, "motcua", "motcua-secret", AGENCY);
    c.timeout = Duration::from_millis(800);
    c
}

pub async fn start_with(config: SimConfig) -> (SimHandle, HttpPortal) {
    let sim = Simulator::start(config).await.unwrap();
    let portal = HttpPortal::new(client_config(&sim)).unwrap();
    (sim, portal)
}

pub async fn start() -> (SimHandle, HttpPortal) {
    start_with(sim_config()).await
}

/// Faults that make every request hang briefly (longer than the client waits).
pub fn hang(kind: &str) -> Faults {
    let mut f = Faults {
        hang_ms: 1500,
        ..Faults::default()
    };
    match kind {
        "timeout" => f.timeout = 1.0,
        "lost_reply" => f.lost_reply = 1.0,
        _ => {}
    }
    f
}

/// A record at status 1 (filed online), valid for the simulator.
pub fn record(code: &str) -> DossierRecord {
    DossierRecord {
        code: code.into(),
        procedure_code: BIRTH.into(),
        procedure_name: "Thủ tục đăng ký khai sinh".into(),
        owner_name: "Nguyễn Văn An".into(),
        owner_id_number: Some("079090000001".into()),
        owner_kind: 1,
        summary: "Đăng ký khai sinh cho con".into(),
        submitted_at: Some("20261008080000".into()),
        status: 1,
        channel: 2,
        online_payment: 3,
        owner_ids: vec![OwnerId {
            kind: 1,
            number: "079090000001".into(),
        }],
        ..DossierRecord::default()
    }
}

/// The record moved to portal `status`, with the dates that status implies.
pub fn at_status(mut r: DossierRecord, status: u8) -> DossierRecord {
    r.status = status;
    if [2, 4, 5, 6, 8, 9, 10].contains(&status) && r.received_at.is_none() {
        r.received_at = Some("20261008090000".into());
        r.due_at = Some("20261013170000".into());
    }
    if [8, 9, 10].contains(&status) && r.finished_at.is_none() {
        r.finished_at = Some("20261012140000".into());
    }
    if status == 10 {
        r.returned_at = Some("20261013090000".into());
    }
    if status == 3 {
        r.refused_at = Some("20261008100000".into());
        r.finished_at = Some("20261008100000".into());
    }
    r
}

/// The directory, catalogue and calendar our state machine needs.
pub struct World {
    pub directory: Directory,
    pub catalog: Catalog,
    pub calendar: WorkCalendar,
    pub rules: DeadlineRules,
    pub processes: motcua_domain::process::ProcessBook,
}

impl World {
    pub fn new() -> Self {
        let mut directory = Directory::default();
        directory.admin_units.insert(
            "79".into(),
            AdminUnit {
                code: "79".into(),
                name: "Thành phố Hồ Chí Minh".into(),
                level: AdminLevel::Province,
                parent: None,
            },
        );
        directory.agencies.insert(
            AGENCY.into(),
            Agency {
                code: AGENCY.into(),
                name: "UBND xã A".into(),
                admin_unit: "79".into(),
                parent: None,
            },
        );
        let role = |role| RoleAssignment {
            role,
            agency: AGENCY.into(),
            unit: None,
        };
        for (username, roles) in [
            ("officer", vec![role(Role::ReceivingOfficer)]),
            ("specialist", vec![role(Role::Specialist)]),
            ("leader", vec![role(Role::AgencyLeader)]),
        ] {
            directory.officers.insert(
                username.into(),
                Account {
                    username: username.into(),
                    full_name: format!("Cán bộ {username}"),
                    kind: AccountKind::Officer,
                    roles,
                    id_number: None,
                    phone: None,
                    email: None,
                },
            );
        }
        let catalog = Catalog::new([Procedure {
            code: BIRTH.into(),
            name: "Thủ tục đăng ký khai sinh".into(),
            sector: "Hộ tịch".into(),
            level: ProcedureLevel::Commune,
            versions: vec![ProcedureVersion {
                valid_from: chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
                time_limit: TimeLimit::WorkingDays(3),
                cutoff: None,
                online_mode: OnlineMode::Partial,
                channels: vec![Channel::Counter, Channel::Online],
                fees: vec![],
                required_documents: vec![],
                form: FormSchema::default(),
                result: "Giấy khai sinh".into(),
                legal_basis: vec![],
                handling_agency: None,
                note: None,
            }],
            source: None,
        }]);
        World {
            directory,
            catalog,
            calendar: WorkCalendar::vietnam().unwrap(),
            rules: DeadlineRules::default(),
            processes: Default::default(),
        }
    }

    fn subject(&self, who: &str) -> Subject {
        match self.directory.officer(who) {
            Some(a) => Subject::from_account(a),
            None => Subject::Citizen {
                username: who.into(),
            },
        }
    }

    fn ctx<'a>(&'a self, subject: &'a Subject, local: &str) -> Ctx<'a> {
        Ctx {
            subject,
            directory: &self.directory,
            catalog: &self.catalog,
            calendar: &self.calendar,
            rules: &self.rules,
            processes: &self.processes,
            now: motcua_domain::time::from_local(
                chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap(),
            ),
        }
    }

    /// A birth registration filed online by `citizen`.
    pub fn file_online(&self, local: &str) -> Dossier {
        let req: SubmitRequest = serde_json::from_value(json!({
            "procedure": BIRTH,
            "agency": AGENCY,
            "applicant": {"name": "Nguyễn Văn An", "id_number": "079090000001"},
        }))
        .unwrap();
        let subject = self.subject("citizen");
        let mut d = submit(req, &self.ctx(&subject, local)).unwrap();
        // The store numbers dossiers; here the first of the day.
        d.code = motcua_domain::DossierCode::new(
            AGENCY,
            motcua_domain::dossier::local_day(d.submitted_at),
            1,
        );
        d
    }

    /// Applies an action, panicking with the domain's code if refused.
    pub fn act(&self, d: &Dossier, who: &str, local: &str, action: &str, body: Value) -> Dossier {
        let subject = self.subject(who);
        let kind = motcua_domain::dossier::parse_action(action).unwrap();
        let cmd = Command::parse(kind, &body).unwrap();
        decide(d, cmd, &self.ctx(&subject, local))
            .unwrap_or_else(|e| panic!("{action}: {}", e.code()))
            .dossier
    }

    /// The portal record of a dossier, with the calendar for supplement dates.
    pub fn record(&self, d: &Dossier) -> DossierRecord {
        let ctx = RecordContext {
            handling_agency_name: Some("UBND xã A".into()),
            deadline: Some(motcua_domain::portal::DeadlineBasis {
                calendar: &self.calendar,
                rules: &self.rules,
            }),
            ..RecordContext::default()
        };
        DossierRecord::from_dossier(d, &ctx)
    }
}
