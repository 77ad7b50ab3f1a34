//! Organisation, catalog and a dossier factory shared by the suite.

use chrono::{DateTime, Utc};
use motcua_calendar::{DeadlineRules, TimeLimit, WorkCalendar};
use motcua_domain::catalog::{Channel, OnlineMode, Procedure, ProcedureLevel, ProcedureVersion};
use motcua_domain::org::{AccountKind, AdminLevel, AdminUnit};
use motcua_domain::{
    Account, Agency, Catalog, Command, Ctx, Decision, Directory, Dossier, OrgUnit, Role,
    RoleAssignment, Subject, SubmitRequest, decide, submit,
};
use motcua_store::{OrgImport, Store};
use serde_json::{Value, json};

pub const A: &str = "H79.50.01";
pub const B: &str = "H79.50.02";

pub fn org() -> OrgImport {
    let agency = |code: &str, name: &str| Agency {
        code: code.into(),
        name: name.into(),
        admin_unit: "79".into(),
        parent: None,
    };
    let officer = |u: &str, roles: Vec<RoleAssignment>| {
        (
            Account {
                username: u.into(),
                full_name: format!("Cán bộ {u}"),
                kind: AccountKind::Officer,
                roles,
                id_number: None,
                phone: None,
                email: None,
            },
            Some("$argon2id$fake".to_owned()),
        )
    };
    let role = |role, agency: &str| RoleAssignment {
        role,
        agency: agency.into(),
        unit: None,
    };
    OrgImport {
        admin_units: vec![AdminUnit {
            code: "79".into(),
            name: "Thành phố Hồ Chí Minh".into(),
            level: AdminLevel::Province,
            parent: None,
        }],
        agencies: vec![
            agency(A, "UBND xã Bình Giã"),
            agency(B, "UBND phường Lái Thiêu"),
        ],
        units: vec![OrgUnit {
            code: "H79.50.01.TP".into(),
            agency: A.into(),
            name: "Tư pháp - Hộ tịch".into(),
        }],
        accounts: vec![
            officer("officer", vec![role(Role::ReceivingOfficer, A)]),
            officer("specialist", vec![role(Role::Specialist, A)]),
            officer("officer_b", vec![role(Role::ReceivingOfficer, B)]),
            (
                Account {
                    username: "citizen".into(),
                    full_name: "Nguyễn Văn An".into(),
                    kind: AccountKind::Citizen,
                    roles: vec![],
                    id_number: Some("001099012345".into()),
                    phone: None,
                    email: None,
                },
                Some("$argon2id$fake".to_owned()),
            ),
        ],
    }
}

pub fn procedures() -> Vec<Procedure> {
    vec![Procedure {
        code: "1.001193".into(),
        name: "Đăng ký khai sinh".into(),
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
            form: serde_json::from_value(
                json!({"properties": {"tre_ho_ten": {"type": "string", "title": "Họ tên trẻ"}}}),
            )
            .unwrap(),
            result: "Giấy khai sinh".into(),
            legal_basis: vec![],
            handling_agency: None,
            note: None,
        }],
        source: None,
    }]
}

/// Everything the rules need, built from the fixture.
pub struct Rules {
    pub directory: Directory,
    pub catalog: Catalog,
    pub calendar: WorkCalendar,
    pub rules: DeadlineRules,
}

impl Rules {
    pub fn new() -> Self {
        let org = org();
        let mut directory = Directory::default();
        for a in org.agencies {
            directory.agencies.insert(a.code.clone(), a);
        }
        for u in org.units {
            directory.units.insert(u.code.clone(), u);
        }
        for (a, _) in org.accounts {
            if a.kind == AccountKind::Officer {
                directory.officers.insert(a.username.clone(), a);
            }
        }
        Rules {
            directory,
            catalog: Catalog::new(procedures()),
            calendar: WorkCalendar::vietnam().unwrap(),
            rules: DeadlineRules::default(),
        }
    }

    fn subject(&self, who: &str) -> Subject {
        self.directory
            .officer(who)
            .map(Subject::from_account)
            .unwrap_or(Subject::Citizen {
                username: who.into(),
            })
    }

    pub fn new_dossier(&self, who: &str, now: DateTime<Utc>, agency: &str) -> Dossier {
        let subject = self.subject(who);
        let ctx = Ctx {
            subject: &subject,
            directory: &self.directory,
            catalog: &self.catalog,
            calendar: &self.calendar,
            rules: &self.rules,
            processes: &motcua_domain::process::NO_PROCESSES,
            now,
        };
        let req: SubmitRequest = serde_json::from_value(json!({
            "procedure": "1.001193",
            "agency": agency,
            "applicant": {"name": "Nguyễn Văn An", "id_number": "001099012345"},
            "form_data": {"tre_ho_ten": "Nguyễn Thị Bình"}
        }))
        .unwrap();
        submit(req, &ctx).unwrap()
    }

    pub fn decide(
        &self,
        d: &Dossier,
        who: &str,
        now: DateTime<Utc>,
        action: &str,
        body: Value,
    ) -> Decision {
        let subject = self.subject(who);
        let ctx = Ctx {
            subject: &subject,
            directory: &self.directory,
            catalog: &self.catalog,
            calendar: &self.calendar,
            rules: &self.rules,
            processes: &motcua_domain::process::NO_PROCESSES,
            now,
        };
        let kind = motcua_domain::dossier::parse_action(action).unwrap();
        decide(d, Command::parse(kind, &body).unwrap(), &ctx).unwrap()
    }
}

/// Local Vietnam time as UTC.
pub fn at(local: &str) -> DateTime<Utc> {
    motcua_domain::time::from_local(
        chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap(),
    )
}

pub async fn seed(store: &Store) {
    store
        .save_org(org(), "test", at("2026-10-01 08:00"))
        .await
        .unwrap();
    store
        .save_procedures(procedures(), "test", at("2026-10-01 08:00"))
        .await
        .unwrap();
}
