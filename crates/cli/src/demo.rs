//! Demo data: one province (Thành phố Hồ Chí Minh) with two communes and a department,
//! officers for every role, the sample catalog, and dossiers spread over every status
//! that were walked through the real rules (not written straight into tables).
//!
//! Agency codes (H79…) and unit names are illustrative, not the official e-IDs.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use motcua_calendar::{DeadlineRules, WorkCalendar};
use motcua_domain::consent::{ConsentMethod, ConsentRequest, ConsentScope};
use motcua_domain::org::{AccountKind, AdminLevel, AdminUnit};
use motcua_domain::process::{ProcessBook, SavedProcess};
use motcua_domain::{
    Account, Agency, Catalog, Channel, Command, Ctx, Directory, DomainError, Dossier, OrgUnit,
    Procedure, Role, RoleAssignment, Subject, SubmitRequest, decide, submit,
};
use motcua_store::{OrgImport, RequestMeta, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::error::CliError;

/// The province.
pub const PROVINCE: &str = "H79";
/// The province's public-service centre.
pub const CENTRE: &str = "H79.01";
/// The department of agriculture and environment.
pub const DEPT: &str = "H79.10";
/// The department of construction (consulted on building permits).
pub const DEPT_XD: &str = "H79.11";
/// Xã Bình Giã.
pub const COMMUNE_A: &str = "H79.50.01";
/// Phường Lái Thiêu.
pub const COMMUNE_B: &str = "H79.50.02";

/// The demo accounts and what they are, for the start-up banner.
pub const ACCOUNTS: [(&str, &str); 9] = [
    (
        "citizen",
        "Công dân Nguyễn Văn An (nộp và theo dõi hồ sơ của mình)",
    ),
    ("officer", "Cán bộ tiếp nhận, Bộ phận Một cửa xã Bình Giã"),
    ("specialist", "Công chức Tư pháp - Hộ tịch xã Bình Giã"),
    (
        "leader",
        "Phó Chủ tịch UBND xã Bình Giã (lãnh đạo cơ quan và phòng)",
    ),
    ("admin", "Quản trị hệ thống"),
    ("officer2", "Cán bộ tiếp nhận phường Lái Thiêu"),
    (
        "specialist_so",
        "Chuyên viên Phòng Đất đai, Sở Nông nghiệp và Môi trường",
    ),
    (
        "leader_so",
        "Trưởng phòng Đất đai, Sở Nông nghiệp và Môi trường",
    ),
    (
        "helper",
        "Tổ công nghệ số cộng đồng xã Bình Giã (nộp hộ công dân)",
    ),
];

fn role(role: Role, agency: &str, unit: Option<&str>) -> RoleAssignment {
    RoleAssignment {
        role,
        agency: agency.to_owned(),
        unit: unit.map(str::to_owned),
    }
}

fn person(
    username: &str,
    full_name: &str,
    kind: AccountKind,
    roles: Vec<RoleAssignment>,
) -> Account {
    Account {
        username: username.to_owned(),
        full_name: full_name.to_owned(),
        kind,
        roles,
        id_number: None,
        phone: None,
        email: None,
    }
}

/// Citizens who own demo dossiers (besides `citizen`).
const CITIZENS: [(&str, &str); 8] = [
    ("cd01", "Trần Thị Bích"),
    ("cd02", "Lê Văn Cường"),
    ("cd03", "Phạm Thị Dung"),
    ("cd04", "Hoàng Văn Em"),
    ("cd05", "Võ Thị Giang"),
    ("cd06", "Đặng Văn Hải"),
    ("cd07", "Bùi Thị Lan"),
    ("cd08", "Đỗ Minh Khoa"),
];

/// The organisation and accounts; every account's password is `password_hash`'s.
pub fn org(password_hash: &str) -> OrgImport {
    let agency = |code: &str, name: &str, admin_unit: &str, parent: Option<&str>| Agency {
        code: code.to_owned(),
        name: name.to_owned(),
        admin_unit: admin_unit.to_owned(),
        parent: parent.map(str::to_owned),
    };
    let unit = |code: &str, agency: &str, name: &str| OrgUnit {
        code: code.to_owned(),
        agency: agency.to_owned(),
        name: name.to_owned(),
    };
    use AccountKind::{Citizen, Officer};
    use Role::*;
    let mut accounts = vec![
        person("citizen", "Nguyễn Văn An", Citizen, vec![]),
        person(
            "officer",
            "Trần Thị Thu",
            Officer,
            vec![role(ReceivingOfficer, COMMUNE_A, Some("H79.50.01.MC"))],
        ),
        person(
            "specialist",
            "Lê Văn Hùng",
            Officer,
            vec![role(Specialist, COMMUNE_A, Some("H79.50.01.TP"))],
        ),
        person(
            "leader",
            "Phạm Minh Đức",
            Officer,
            vec![
                role(UnitLeader, COMMUNE_A, Some("H79.50.01.TP")),
                role(AgencyLeader, COMMUNE_A, None),
            ],
        ),
        person(
            "admin",
            "Quản trị hệ thống",
            Officer,
            vec![role(Admin, PROVINCE, None)],
        ),
        person(
            "officer2",
            "Ngô Thị Hạnh",
            Officer,
            vec![role(ReceivingOfficer, COMMUNE_B, Some("H79.50.02.MC"))],
        ),
        person(
            "specialist2",
            "Trịnh Văn Nam",
            Officer,
            vec![role(Specialist, COMMUNE_B, Some("H79.50.02.TP"))],
        ),
        person(
            "leader2",
            "Mai Thị Hoa",
            Officer,
            vec![
                role(UnitLeader, COMMUNE_B, Some("H79.50.02.TP")),
                role(AgencyLeader, COMMUNE_B, None),
            ],
        ),
        person(
            "officer_so",
            "Đinh Văn Tâm",
            Officer,
            vec![
                role(ReceivingOfficer, DEPT, None),
                role(ReceivingOfficer, CENTRE, None),
            ],
        ),
        person(
            "specialist_so",
            "Vũ Thị Ngọc",
            Officer,
            vec![role(Specialist, DEPT, Some("H79.10.DD"))],
        ),
        person(
            "leader_so",
            "Lý Quốc Bảo",
            Officer,
            vec![
                role(UnitLeader, DEPT, Some("H79.10.DD")),
                role(AgencyLeader, DEPT, None),
            ],
        ),
        person(
            "specialist_xd",
            "Hà Minh Khoa",
            Officer,
            vec![role(Specialist, DEPT_XD, Some("H79.11.QH"))],
        ),
        person(
            "helper",
            "Tổ công nghệ số cộng đồng xã Bình Giã",
            Officer,
            vec![],
        ),
    ];
    for (u, name) in CITIZENS {
        accounts.push(person(u, name, Citizen, vec![]));
    }
    OrgImport {
        admin_units: vec![
            AdminUnit {
                code: "79".into(),
                name: "Thành phố Hồ Chí Minh".into(),
                level: AdminLevel::Province,
                parent: None,
            },
            AdminUnit {
                code: "79.BG".into(),
                name: "Xã Bình Giã".into(),
                level: AdminLevel::Commune,
                parent: Some("79".into()),
            },
            AdminUnit {
                code: "79.LT".into(),
                name: "Phường Lái Thiêu".into(),
                level: AdminLevel::Commune,
                parent: Some("79".into()),
            },
        ],
        agencies: vec![
            agency(
                PROVINCE,
                "Ủy ban nhân dân Thành phố Hồ Chí Minh",
                "79",
                None,
            ),
            agency(
                CENTRE,
                "Trung tâm Phục vụ hành chính công Thành phố",
                "79",
                Some(PROVINCE),
            ),
            agency(DEPT, "Sở Nông nghiệp và Môi trường", "79", Some(PROVINCE)),
            agency(DEPT_XD, "Sở Xây dựng", "79", Some(PROVINCE)),
            agency(COMMUNE_A, "Ủy ban nhân dân xã Bình Giã", "79.BG", None),
            agency(COMMUNE_B, "Ủy ban nhân dân phường Lái Thiêu", "79.LT", None),
        ],
        units: vec![
            unit(
                "H79.50.01.MC",
                COMMUNE_A,
                "Trung tâm Phục vụ hành chính công xã Bình Giã",
            ),
            unit("H79.50.01.TP", COMMUNE_A, "Tư pháp - Hộ tịch"),
            unit(
                "H79.50.02.MC",
                COMMUNE_B,
                "Trung tâm Phục vụ hành chính công phường Lái Thiêu",
            ),
            unit("H79.50.02.TP", COMMUNE_B, "Tư pháp - Hộ tịch"),
            unit("H79.10.DD", DEPT, "Phòng Đất đai"),
            unit("H79.11.QH", DEPT_XD, "Phòng Quy hoạch - Kiến trúc"),
        ],
        accounts: accounts
            .into_iter()
            .map(|a| (a, Some(password_hash.to_owned())))
            .collect(),
    }
}

/// Who acts for an agency in the simulation.
struct Staff {
    officer: &'static str,
    specialist: &'static str,
    leader: &'static str,
}

fn staff(agency: &str) -> Staff {
    match agency {
        COMMUNE_B => Staff {
            officer: "officer2",
            specialist: "specialist2",
            leader: "leader2",
        },
        DEPT_XD => Staff {
            officer: "specialist_xd",
            specialist: "specialist_xd",
            leader: "specialist_xd",
        },
        DEPT => Staff {
            officer: "officer_so",
            specialist: "specialist_so",
            leader: "leader_so",
        },
        _ => Staff {
            officer: "officer",
            specialist: "specialist",
            leader: "leader",
        },
    }
}

/// One of `items`, at random.
fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items
        .get(rng.random_range(0..items.len().max(1)))
        .copied()
        .unwrap_or_default()
}

/// Fills a form with plausible values that satisfy its schema.
pub fn sample_form_data(form: &motcua_domain::form::FormSchema, rng: &mut StdRng) -> Value {
    use motcua_domain::form::FieldType;
    let mut out = serde_json::Map::new();
    for (key, f) in &form.properties.0 {
        let v = match f.kind {
            FieldType::Boolean => json!(true),
            FieldType::Integer | FieldType::Number => {
                json!(f.minimum.map_or(1, |m| m.ceil().max(1.0) as i64))
            }
            FieldType::String => {
                if let Some(first) = f.choices.first() {
                    json!(
                        f.choices
                            .get(rng.random_range(0..f.choices.len()))
                            .unwrap_or(first)
                    )
                } else if f.format.as_deref() == Some("date") {
                    json!(format!(
                        "20{:02}-{:02}-{:02}",
                        rng.random_range(0..26),
                        rng.random_range(1..13),
                        rng.random_range(1..29)
                    ))
                } else if f.format.as_deref() == Some("email") {
                    json!("nguoidan@example.vn")
                } else if f.pattern.as_deref() == Some("^[0-9]{12}$") {
                    json!(format!("0790{:08}", rng.random_range(0..100_000_000u32)))
                } else if key.contains("ho_ten") || key.contains("ten_") {
                    json!(pick(
                        rng,
                        &[
                            "Nguyễn Thị Mai",
                            "Trần Văn Bình",
                            "Lê Hoàng Long",
                            "Phạm Thu Trang"
                        ]
                    ))
                } else {
                    json!("Nội dung kê khai mẫu")
                }
            }
        };
        out.insert(key.clone(), v);
    }
    Value::Object(out)
}

/// The statuses the simulation aims for, in turn (so every one is present).
const TARGETS: [&str; 16] = [
    "returned",
    "submitted",
    "received",
    "supplement_requested",
    "supplemented",
    "refused",
    "assigned",
    "in_process",
    "consulting",
    "transferred",
    "awaiting_approval",
    "approved",
    "result_ready",
    "withdrawn",
    "paused",
    "stopped",
];

/// The actions that lead to `target` for a dossier of `agency` (after filing).
/// What a dossier's process asks of the script: whom to consult, where to transfer.
#[derive(Debug, Default)]
struct Plan {
    consult_to: Vec<String>,
    transfer_to: Option<String>,
}

impl Plan {
    fn of(process: Option<&motcua_domain::process::Process>) -> Plan {
        use motcua_domain::process::{Acting, StepKind};
        let named = |kind: StepKind| -> Vec<String> {
            process
                .map(|p| {
                    p.def
                        .steps
                        .iter()
                        .filter_map(|s| match (&s.kind, &s.agency) {
                            (k, Acting::Agency(a)) if *k == kind => Some(a.clone()),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        Plan {
            consult_to: named(StepKind::Consult),
            transfer_to: named(StepKind::Transfer).into_iter().next(),
        }
    }
}

fn script(
    target: &str,
    online: bool,
    agency: &str,
    owner: &str,
    plan: &Plan,
) -> Vec<(String, &'static str, Value)> {
    let s = staff(agency);
    // Whom to consult: the agencies the process names, else the other commune.
    let asked: Vec<String> = if plan.consult_to.is_empty() {
        vec![
            if agency == COMMUNE_A {
                COMMUNE_B
            } else {
                COMMUNE_A
            }
            .to_owned(),
        ]
    } else {
        plan.consult_to.clone()
    };
    // After an inter-level transfer the other agency's staff examine and sign.
    let handler = plan
        .transfer_to
        .as_deref()
        .map_or_else(|| staff(agency), staff);
    let a = |who: &str, action: &'static str, body: Value| (who.to_owned(), action, body);
    let mut steps = Vec::new();
    let receive = |steps: &mut Vec<(String, &'static str, Value)>| {
        if online {
            steps.push(a(s.officer, "receive", json!({})));
        }
    };
    let to_process = |steps: &mut Vec<(String, &'static str, Value)>| {
        steps.push(a(s.officer, "assign", json!({"assignee": s.specialist})));
        steps.push(a(s.specialist, "process", json!({})));
    };
    match target {
        "submitted" => {}
        "refused" => steps.push(a(
            s.officer,
            "refuse",
            json!({"reason": "Hồ sơ không thuộc thẩm quyền giải quyết"}),
        )),
        "withdrawn" => steps.push(a(
            owner,
            "withdraw",
            json!({"reason": "Người nộp không còn nhu cầu"}),
        )),
        "received" => receive(&mut steps),
        "paused" => {
            receive(&mut steps);
            steps.push(a(s.officer, "pause", json!({"reason": "Chờ người nộp thực hiện nghĩa vụ tài chính", "kind": "fee_payment"})));
        }
        "stopped" => {
            receive(&mut steps);
            steps.push(a(
                s.officer,
                "stop",
                json!({"reason": "Theo đề nghị dừng giải quyết của người nộp"}),
            ));
        }
        "assigned" => {
            receive(&mut steps);
            steps.push(a(s.officer, "assign", json!({"assignee": s.specialist})));
        }
        "transferred" => {
            receive(&mut steps);
            let to = plan.transfer_to.as_deref().unwrap_or(if agency == DEPT {
                COMMUNE_A
            } else {
                DEPT
            });
            steps.push(a(
                s.officer,
                "transfer",
                json!({"agency": to, "reason": "Chuyển liên thông theo quy trình"}),
            ));
        }
        _ => {
            receive(&mut steps);
            to_process(&mut steps);
            if let Some(to) = &plan.transfer_to
                && !matches!(
                    target,
                    "in_process" | "supplement_requested" | "supplemented"
                )
            {
                // Liên thông: the commune checks, then hands over to the other agency.
                steps.push(a(
                    s.specialist,
                    "transfer",
                    json!({"agency": to, "reason": "Chuyển liên thông theo quy trình nội bộ"}),
                ));
                steps.push(a(
                    handler.leader,
                    "assign",
                    json!({"assignee": handler.specialist}),
                ));
                steps.push(a(handler.specialist, "process", json!({})));
            }
            let rest: &[(&str, &str)] = match target {
                "in_process" => &[],
                "supplement_requested" => &[("specialist", "request-supplement")],
                "supplemented" => &[
                    ("specialist", "request-supplement"),
                    ("owner", "supplement"),
                ],
                "consulting" => &[("specialist", "consult")],
                "awaiting_approval" => &[("specialist", "submit-for-approval")],
                "approved" => &[("specialist", "submit-for-approval"), ("leader", "approve")],
                "result_ready" => &[
                    ("specialist", "submit-for-approval"),
                    ("leader", "approve"),
                    ("specialist", "issue-result"),
                ],
                _ => &[
                    ("specialist", "consult"),
                    ("other", "consult-reply"),
                    ("specialist", "submit-for-approval"),
                    ("leader", "approve"),
                    ("specialist", "issue-result"),
                    ("officer", "return-result"),
                ],
            };
            // A process that consults before the draft: the consultations come first.
            let mut rest = rest.to_vec();
            if !plan.consult_to.is_empty()
                && rest.first() == Some(&("specialist", "submit-for-approval"))
            {
                rest.splice(
                    0..0,
                    [("specialist", "consult"), ("other", "consult-reply")],
                );
            }
            for &(who, action) in &rest {
                // Every consultation is asked, then every one answered (in parallel).
                if action == "consult" || action == "consult-reply" {
                    let only_first = target == "consulting";
                    for to in asked.iter().take(if only_first { 1 } else { asked.len() }) {
                        steps.push(if action == "consult" {
                            a(
                                handler.specialist,
                                action,
                                json!({"target": to, "question": "Đề nghị cho ý kiến về hồ sơ theo quy trình"}),
                            )
                        } else {
                            a(
                                staff(to).specialist,
                                action,
                                json!({"target": to, "answer": "Thống nhất với nội dung hồ sơ"}),
                            )
                        });
                    }
                    continue;
                }
                let actor = match who {
                    "specialist" => handler.specialist,
                    "leader" => handler.leader,
                    "officer" => s.officer,
                    _ => owner,
                };
                let body = match action {
                    "request-supplement" => {
                        json!({"items": ["Bản sao giấy tờ chứng minh nơi cư trú"], "reason": "Hồ sơ còn thiếu giấy tờ"})
                    }
                    "supplement" => json!({"note": "Đã bổ sung giấy tờ"}),
                    "issue-result" => json!({"result_number": "Số kết quả mẫu"}),
                    "return-result" => json!({"method": if online { "online" } else { "counter" }}),
                    _ => json!({}),
                };
                steps.push((actor.to_owned(), action, body));
            }
        }
    }
    steps
}

struct World {
    directory: Directory,
    catalog: Catalog,
    calendar: Arc<WorkCalendar>,
    rules: DeadlineRules,
    processes: ProcessBook,
    fees: motcua_domain::fee::FeeBook,
}

impl World {
    fn subject(&self, who: &str) -> Subject {
        self.directory
            .officer(who)
            .map(Subject::from_account)
            .unwrap_or(Subject::Citizen {
                username: who.to_owned(),
            })
    }

    fn ctx<'a>(&'a self, subject: &'a Subject, now: DateTime<Utc>) -> Ctx<'a> {
        Ctx {
            subject,
            directory: &self.directory,
            catalog: &self.catalog,
            calendar: &self.calendar,
            rules: &self.rules,
            processes: &self.processes,
            now,
        }
    }
}

/// The first office-hours moment at or after `t` (officers act during office hours).
fn office_moment(
    calendar: &WorkCalendar,
    t: DateTime<Utc>,
    rng: &mut StdRng,
) -> Result<DateTime<Utc>, CliError> {
    let local = motcua_domain::time::to_local(t);
    let (open, close) = (
        calendar.office_hours().opening(),
        calendar.office_hours().closing(),
    );
    let day = local.date();
    let moved = if calendar.is_working_day(day)? && local.time() >= open && local.time() < close {
        return Ok(t);
    } else if calendar.is_working_day(day)? && local.time() < open {
        day
    } else {
        calendar.next_working_day(day)?
    };
    let at = moved.and_time(open) + Duration::minutes(rng.random_range(5..90));
    Ok(motcua_domain::time::from_local(at))
}

/// Walks one dossier through the rules up to its target status (or until `now`).
async fn simulate(
    store: Store,
    world: Arc<World>,
    i: usize,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let mut rng = StdRng::seed_from_u64(i as u64 * 7919 + 17);
    let procedures: Vec<&Procedure> = world.catalog.procedures.values().collect();
    let target = TARGETS
        .get(i % TARGETS.len())
        .copied()
        .unwrap_or("returned");
    // Half the dossiers end returned: that is what a real register looks like.
    let target = if i >= 2 * TARGETS.len() && rng.random_bool(0.5) {
        "returned"
    } else {
        target
    };
    let p = procedures
        .get(rng.random_range(0..procedures.len()))
        .copied()
        .ok_or_else(|| CliError::Config {
            detail: "empty demo catalog".into(),
        })?;
    let day = motcua_domain::dossier::local_day(now);
    let version = p.version_at(day)?;
    let online_ok = version.channels.contains(&Channel::Online)
        && version.online_mode != motcua_domain::OnlineMode::None;
    let online = online_ok
        && (target == "submitted"
            || target == "withdrawn"
            || target == "refused"
            || rng.random_bool(0.6));
    let fixed = version.handling_agency.clone();
    let agency = fixed.clone().unwrap_or_else(|| {
        if rng.random_bool(0.65) {
            COMMUNE_A
        } else {
            COMMUNE_B
        }
        .to_owned()
    });
    // The citizen account behind an online or assisted dossier; counter dossiers have
    // none, and the receiving officer acts for the applicant.
    let owner: Option<String> = online.then(|| {
        if rng.random_bool(0.3) {
            "citizen".to_owned()
        } else {
            CITIZENS
                .get(rng.random_range(0..CITIZENS.len()))
                .map_or("citizen", |c| c.0)
                .to_owned()
        }
    });
    let applicant_actor = owner
        .clone()
        .unwrap_or_else(|| staff(&agency).officer.to_owned());
    let (filer, channel) = if !online {
        (staff(&agency).officer.to_owned(), Channel::Counter)
    } else if agency == COMMUNE_A && rng.random_bool(0.15) {
        ("helper".to_owned(), Channel::Assisted)
    } else {
        (applicant_actor.clone(), Channel::Online)
    };
    // Filed in the last 10 weeks, during office hours (the forced late one early enough
    // to have reached its result by now).
    let forced_late = target == "result_ready" && i / TARGETS.len() == 1;
    // Dossiers still open were filed in the last days (a real queue is mostly within
    // its time limits); finished ones spread over ten weeks.
    let open_target = !matches!(target, "returned" | "refused" | "withdrawn" | "stopped");
    let back = if forced_late {
        40
    } else if open_target && !rng.random_bool(0.15) {
        rng.random_range(0..3)
    } else {
        rng.random_range(1..70)
    };
    let mut t = now - Duration::days(back) - Duration::hours(rng.random_range(0..8));
    t = motcua_domain::time::from_local(
        motcua_domain::time::to_local(t)
            .date()
            .and_hms_opt(rng.random_range(7..16), rng.random_range(0..60), 0)
            .unwrap_or_default(),
    );
    if t > now {
        t = now - Duration::hours(1);
    }
    let names = [
        "Nguyễn Văn An",
        "Trần Thị Bích",
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Hoàng Văn Em",
        "Công ty TNHH Minh Phát",
    ];
    let name = names
        .get(rng.random_range(0..names.len()))
        .copied()
        .unwrap_or("Nguyễn Văn An");
    let req = SubmitRequest {
        procedure: p.code.clone(),
        agency: Some(agency.clone()),
        channel: Some(channel),
        applicant: serde_json::from_value(json!({
            "name": name,
            "id_number": format!("0790{:08}", rng.random_range(0..100_000_000u32)),
            "phone": format!("09{:08}", rng.random_range(0..100_000_000u32)),
            "address": if agency == COMMUNE_B { "Khu phố 3, phường Lái Thiêu" } else { "Ấp Bình An, xã Bình Giã" },
        }))
        .map_err(|e| CliError::Config { detail: e.to_string() })?,
        form_data: sample_form_data(&version.form, &mut rng),
        owner: if channel == Channel::Assisted { owner.clone() } else { None },
        documents: vec![],
        note: None,
        // A helper files with the applicant present, and may send supplements for them.
        consent: (channel == Channel::Assisted).then(|| ConsentRequest {
            method: ConsentMethod::InPerson,
            scopes: vec![ConsentScope::Supplement],
            days: Some(90),
            reference: None,
        }),
    };
    let subject = world.subject(&filer);
    let dossier = submit(req, &world.ctx(&subject, t))?;
    let mut d: Dossier = store
        .create_dossier(dossier, RequestMeta::default())
        .await?;
    if d.received_at.is_some() {
        charge_and_pay(&store, &world, &d, t, now, &mut rng).await?;
    }
    // About one dossier in twelve is decided late; and the second round of "result
    // ready" dossiers always is, so the demo always has a late result waiting for an
    // apology before it can be returned.
    let slow = rng.random_bool(0.08) || forced_late;
    // The process it will follow once received (an online dossier has none before).
    let plan = Plan::of(
        world
            .processes
            .in_force(&p.code, motcua_domain::dossier::local_day(t))
            .map(|saved| saved.process.as_ref()),
    );
    for (who, action, body) in script(target, online, &agency, &applicant_actor, &plan) {
        let step = if slow && action == "approve" {
            rng.random_range(100..200)
        } else {
            rng.random_range(1..6)
        };
        t = office_moment(&world.calendar, t + Duration::hours(step), &mut rng)?;
        if t > now {
            break;
        }
        let who = if who == staff(&agency).officer
            && d.handling_agency != agency
            && action != "return-result"
        {
            staff(&d.handling_agency).officer.to_owned()
        } else {
            who
        };
        let subject = world.subject(&who);
        let kind = motcua_domain::dossier::parse_action(action)?;
        let cmd = Command::parse(kind, &body)?;
        let decision = match decide(&d, cmd.clone(), &world.ctx(&subject, t)) {
            Ok(dec) => dec,
            Err(DomainError::ApologyRequired) => {
                // Late: the leader apologises with a new date, then the result goes out.
                let leader = world.subject(staff(&d.handling_agency).leader);
                let new_due = world
                    .calendar
                    .add_working_days(motcua_domain::time::to_local(t).date(), 2)?;
                let extend = Command::parse(
                    motcua_domain::ActionKind::Extend,
                    &json!({"new_due": new_due.to_string(), "reason": "Cần thêm thời gian xác minh", "apology": "Cơ quan chân thành xin lỗi ông/bà vì sự chậm trễ."}),
                )?;
                let dec = decide(&d, extend, &world.ctx(&leader, t))?;
                d = store.apply(dec, RequestMeta::default()).await?;
                t += Duration::minutes(30);
                decide(&d, cmd, &world.ctx(&subject, t))?
            }
            Err(e) => return Err(e.into()),
        };
        let received = decision.event.action == motcua_domain::ActionKind::Receive;
        d = store.apply(decision, RequestMeta::default()).await?;
        if received {
            charge_and_pay(&store, &world, &d, t, now, &mut rng).await?;
        }
    }
    if d.status == motcua_domain::Status::Returned && d.owner.is_some() && rng.random_bool(0.7) {
        t += Duration::hours(rng.random_range(1..48));
        if t <= now {
            let level = pick(
                &mut rng,
                &["very_satisfied", "satisfied", "satisfied", "dissatisfied"],
            );
            let owner_subject = world.subject(d.owner.as_deref().unwrap_or("citizen"));
            let cmd = Command::parse(motcua_domain::ActionKind::Rate, &json!({"level": level}))?;
            let dec = decide(&d, cmd, &world.ctx(&owner_subject, t))?;
            store.apply(dec, RequestMeta::default()).await?;
        }
    }
    Ok(())
}

/// Charges a dossier just received by the shipped fee book and, most of the time,
/// pays it a few hours later the way people do: online dossiers through a gateway or
/// a VietQR transfer, counter dossiers by card, transfer or (less and less) cash.
async fn charge_and_pay(
    store: &Store,
    world: &World,
    d: &Dossier,
    t: DateTime<Utc>,
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> Result<(), CliError> {
    use motcua_domain::fee::{Credit, PayMethod};
    let mut input = motcua_domain::command::FeeInput::default();
    for (unit, n) in [
        ("trang", rng.random_range(1..12)),
        ("bản", rng.random_range(1..4)),
        ("trường hợp", 1),
    ] {
        input.quantities.insert(unit.to_owned(), n);
    }
    let day = motcua_domain::dossier::local_day(t);
    let Some(schedule) = world.fees.schedule(&d.procedure_code, day) else {
        return Ok(());
    };
    if rng.random_bool(0.05) {
        input.exemption = schedule.exemptions.first().map(|e| e.id.clone());
    }
    let amounts: std::collections::BTreeMap<String, i64> = schedule
        .lines
        .iter()
        .filter_map(|l| match l.rate {
            motcua_domain::fee::Rate::Variable { min, .. } => Some((l.id.clone(), min)),
            _ => None,
        })
        .collect();
    let officer = staff(&d.receiving_agency).officer;
    let Some(charging) =
        motcua_domain::fee::charge_dossier(&world.fees, d, &input, &amounts, &[], officer, day)?
    else {
        return Ok(());
    };
    let orders = store
        .create_orders(
            d.code.as_str(),
            charging.orders,
            t,
            t + Duration::days(30),
            officer,
            RequestMeta::default(),
        )
        .await?;
    let online = matches!(d.channel, Channel::Online | Channel::Assisted);
    for order in orders.into_iter().filter(|o| o.status.payable()) {
        let at = t + Duration::minutes(rng.random_range(5..600));
        if at > now || !rng.random_bool(0.85) {
            continue;
        }
        let roll = rng.random_range(0..100);
        let (method, provider) = match (online, roll) {
            (true, 0..45) => (PayMethod::Gateway, "vnpay"),
            (true, 45..70) => (PayMethod::Gateway, "paygov"),
            (true, _) => (PayMethod::Transfer, "bank"),
            (false, 0..50) => (PayMethod::Pos, "pos"),
            (false, 50..80) => (PayMethod::Transfer, "bank"),
            (false, _) => (PayMethod::Cash, "counter:cash"),
        };
        let credit = Credit {
            method,
            provider: provider.to_owned(),
            provider_txn: format!("DEMO{}", order.id),
            amount: order.balance(),
            at,
            recorded_by: if method == PayMethod::Gateway {
                format!("gateway:{provider}")
            } else {
                officer.to_owned()
            },
        };
        let change = order.credit(&credit)?;
        store
            .update_order(
                motcua_store::OrderUpdate {
                    order: change.order,
                    credit: Some(credit),
                    event: motcua_store::PayEvent {
                        at,
                        actor: "demo".to_owned(),
                        source: if method == PayMethod::Gateway {
                            "gateway"
                        } else {
                            "officer"
                        }
                        .to_owned(),
                        action: "credit".to_owned(),
                        payload_hash: None,
                        detail: json!({ "method": method.as_str() }),
                    },
                },
                RequestMeta::default(),
            )
            .await?;
    }
    Ok(())
}

/// Saves the shipped processes and returns them as the engine reads them.
async fn seed_processes(
    store: &Store,
    catalog: &Catalog,
    directory: &Directory,
    calendar: &WorkCalendar,
    now: DateTime<Utc>,
) -> Result<ProcessBook, CliError> {
    let minutes = calendar.office_hours().minutes_per_day();
    let defs = crate::process_cmd::demo_processes()?;
    let ids = crate::process_cmd::save_all(
        store,
        defs.clone(),
        catalog,
        directory,
        minutes,
        "demo",
        now,
    )
    .await?;
    let mut saved = Vec::with_capacity(ids.len());
    for (id, def) in ids.into_iter().zip(defs) {
        let process = def.compile(minutes).map_err(|issues| CliError::Process {
            origin: "demo/processes.yaml".into(),
            issues: issues.into_iter().map(|i| i.message).collect(),
        })?;
        saved.push(SavedProcess {
            id,
            process: Arc::new(process),
            saved_at: now,
            saved_by: "demo".into(),
        });
    }
    Ok(ProcessBook::new(saved))
}

/// Seeds an empty database: organisation, catalog, and `dossiers` simulated dossiers.
pub async fn seed(
    store: &Store,
    password_hash: &str,
    dossiers: usize,
    calendar: Arc<WorkCalendar>,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    store.save_org(org(password_hash), "demo", now).await?;
    let procedures = crate::import::demo_catalog()?;
    store
        .save_procedures(procedures.clone(), "demo", now)
        .await?;
    let directory = store.load_directory().await?;
    let catalog = Catalog::new(procedures);
    let processes = seed_processes(store, &catalog, &directory, &calendar, now).await?;
    let fees = crate::pay_cmd::demo_fees()?;
    crate::pay_cmd::save_book(store, &fees, "demo", now).await?;
    let world = Arc::new(World {
        fees,
        directory,
        catalog,
        calendar,
        rules: DeadlineRules::default(),
        processes,
    });
    let limit = Arc::new(tokio::sync::Semaphore::new(64));
    let mut tasks = Vec::with_capacity(dossiers);
    for i in 0..dossiers {
        let store = store.clone();
        let world = Arc::clone(&world);
        let permit = Arc::clone(&limit)
            .acquire_owned()
            .await
            .map_err(|e| CliError::Config {
                detail: e.to_string(),
            })?;
        tasks.push(tokio::spawn(async move {
            let result = simulate(store, world, i, now).await;
            drop(permit);
            result
        }));
    }
    for t in tasks {
        t.await.map_err(|e| CliError::Config {
            detail: e.to_string(),
        })??;
    }
    Ok(())
}
