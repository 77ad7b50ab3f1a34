use chrono::{DateTime, Utc};
use motcua_calendar::{DeadlineRules, TimeLimit, WorkCalendar};
use motcua_domain::catalog::{Channel, OnlineMode, Procedure, ProcedureLevel, ProcedureVersion};
use motcua_domain::form::FormSchema;
use motcua_domain::org::{AccountKind, AdminLevel, AdminUnit};
use motcua_domain::{
    Account, Agency, Catalog, Command, Ctx, Directory, Dossier, OrgUnit, Role, RoleAssignment,
    Subject, SubmitRequest, decide, submit,
};
use serde_json::{Value, json};

pub const A: &str = "H79.50.01";
pub const B: &str = "H79.50.02";
pub const DEPT: &str = "H79.10";

fn role(role: Role, agency: &str, unit: Option<&str>) -> RoleAssignment {
    RoleAssignment {
        role,
        agency: agency.into(),
        unit: unit.map(Into::into),
    }
}

fn officer(username: &str, roles: Vec<RoleAssignment>) -> Account {
    Account {
        username: username.into(),
        full_name: username.into(),
        kind: AccountKind::Officer,
        roles,
        id_number: None,
        phone: None,
        email: None,
    }
}

pub fn directory() -> Directory {
    let mut d = Directory::default();
    d.admin_units.insert(
        "79".into(),
        AdminUnit {
            code: "79".into(),
            name: "Thành phố Hồ Chí Minh".into(),
            level: AdminLevel::Province,
            parent: None,
        },
    );
    for (code, name) in [
        (A, "UBND xã A"),
        (B, "UBND phường B"),
        (DEPT, "Sở Nông nghiệp và Môi trường"),
    ] {
        d.agencies.insert(
            code.into(),
            Agency {
                code: code.into(),
                name: name.into(),
                admin_unit: "79".into(),
                parent: None,
            },
        );
    }
    for (code, agency) in [
        ("H79.50.01.TP", A),
        ("H79.50.02.TP", B),
        ("H79.10.DD", DEPT),
    ] {
        d.units.insert(
            code.into(),
            OrgUnit {
                code: code.into(),
                agency: agency.into(),
                name: code.into(),
            },
        );
    }
    let accounts = [
        officer("officer", vec![role(Role::ReceivingOfficer, A, None)]),
        officer(
            "specialist",
            vec![role(Role::Specialist, A, Some("H79.50.01.TP"))],
        ),
        officer(
            "specialist2",
            vec![role(Role::Specialist, A, Some("H79.50.01.TP"))],
        ),
        officer(
            "leader",
            vec![
                role(Role::UnitLeader, A, Some("H79.50.01.TP")),
                role(Role::AgencyLeader, A, None),
            ],
        ),
        officer("officer_b", vec![role(Role::ReceivingOfficer, B, None)]),
        officer(
            "specialist_b",
            vec![role(Role::Specialist, B, Some("H79.50.02.TP"))],
        ),
        officer(
            "dept",
            vec![
                role(Role::Specialist, DEPT, Some("H79.10.DD")),
                role(Role::UnitLeader, DEPT, Some("H79.10.DD")),
            ],
        ),
        officer("helper", vec![role(Role::ReceivingOfficer, B, None)]),
        officer("admin", vec![role(Role::Admin, A, None)]),
    ];
    for a in accounts {
        d.officers.insert(a.username.clone(), a);
    }
    d
}

pub fn catalog() -> Catalog {
    let form: FormSchema = serde_json::from_value(json!({
        "type": "object",
        "required": ["tre_ho_ten", "tre_ngay_sinh"],
        "properties": {
            "tre_ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên người được khai sinh"},
            "tre_ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"}
        }
    }))
    .unwrap();
    let version = |limit: TimeLimit,
                   channels: Vec<Channel>,
                   online: OnlineMode,
                   handling: Option<&str>,
                   form: FormSchema| ProcedureVersion {
        valid_from: chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        time_limit: limit,
        cutoff: Some(chrono::NaiveTime::from_hms_opt(15, 0, 0).unwrap()),
        online_mode: online,
        channels,
        fees: vec![],
        required_documents: vec![],
        form,
        result: "Kết quả".into(),
        legal_basis: vec![],
        handling_agency: handling.map(Into::into),
        note: None,
    };
    Catalog::new([
        Procedure {
            code: "1.001193".into(),
            name: "Thủ tục đăng ký khai sinh".into(),
            sector: "Hộ tịch".into(),
            level: ProcedureLevel::Commune,
            versions: vec![version(
                TimeLimit::WorkingDays(3),
                vec![Channel::Counter, Channel::Online, Channel::Post],
                OnlineMode::Partial,
                None,
                form,
            )],
            source: None,
        }
        .validated()
        .unwrap(),
        Procedure {
            code: "2.000001".into(),
            name: "Chứng thực chữ ký".into(),
            sector: "Chứng thực".into(),
            level: ProcedureLevel::Commune,
            versions: vec![version(
                TimeLimit::Immediately,
                vec![Channel::Counter],
                OnlineMode::None,
                None,
                FormSchema::default(),
            )],
            source: None,
        },
        Procedure {
            code: "1.012345".into(),
            name: "Cấp giấy phép môi trường".into(),
            sector: "Môi trường".into(),
            level: ProcedureLevel::Province,
            versions: vec![version(
                TimeLimit::WorkingDays(10),
                vec![Channel::Counter, Channel::Online],
                OnlineMode::Full,
                Some(DEPT),
                FormSchema::default(),
            )],
            source: None,
        },
    ])
}

pub struct World {
    pub directory: Directory,
    pub catalog: Catalog,
    pub calendar: WorkCalendar,
    pub rules: DeadlineRules,
    pub processes: motcua_domain::process::ProcessBook,
}

impl World {
    pub fn new() -> Self {
        World {
            directory: directory(),
            catalog: catalog(),
            calendar: WorkCalendar::vietnam().unwrap(),
            rules: DeadlineRules::default(),
            processes: Default::default(),
        }
    }

    pub fn subject(&self, username: &str) -> Subject {
        match self.directory.officer(username) {
            Some(a) => Subject::from_account(a),
            None => Subject::Citizen {
                username: username.into(),
            },
        }
    }

    fn ctx<'a>(&'a self, subject: &'a Subject, now: &str) -> Ctx<'a> {
        Ctx {
            subject,
            directory: &self.directory,
            catalog: &self.catalog,
            calendar: &self.calendar,
            rules: &self.rules,
            processes: &self.processes,
            now: at(now),
        }
    }

    pub fn submit(
        &self,
        who: &str,
        now: &str,
        req: Value,
    ) -> Result<Dossier, motcua_domain::DomainError> {
        let subject = self.subject(who);
        let req: SubmitRequest = serde_json::from_value(req).unwrap();
        submit(req, &self.ctx(&subject, now))
    }

    pub fn act(
        &self,
        d: &Dossier,
        who: &str,
        now: &str,
        action: &str,
        body: Value,
    ) -> Result<Dossier, motcua_domain::DomainError> {
        let subject = self.subject(who);
        let kind = motcua_domain::dossier::parse_action(action)?;
        let cmd = Command::parse(kind, &body)?;
        decide(d, cmd, &self.ctx(&subject, now)).map(|dec| dec.dossier)
    }

    /// Acts and panics with the error if it fails.
    pub fn ok(&self, d: &Dossier, who: &str, now: &str, action: &str, body: Value) -> Dossier {
        self.act(d, who, now, action, body)
            .unwrap_or_else(|e| panic!("{action} by {who}: {} {}", e.code(), e.message_vi()))
    }
}

/// Local Vietnam time "YYYY-MM-DD HH:MM" as UTC.
pub fn at(local: &str) -> DateTime<Utc> {
    motcua_domain::time::from_local(
        chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap(),
    )
}

pub fn birth_request(agency: &str) -> Value {
    json!({
        "procedure": "1.001193",
        "agency": agency,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "001099012345", "phone": "0912345678"},
        "form_data": {"tre_ho_ten": "Nguyễn Thị Bình", "tre_ngay_sinh": "2026-09-30"}
    })
}
