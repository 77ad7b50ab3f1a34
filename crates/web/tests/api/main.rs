//! The HTTP API against a real server on a random port, over SQLite and PostgreSQL.
//! One test binary; `spawn_app` gives each test its own database and clock.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod applicants;
mod attack;
mod audit;
mod authz;
mod bad_input;
mod documents;
mod export;
mod i18n;
mod lifecycle;
mod oidc;
mod openapi;
mod payments;
mod portal_sync;
mod processes;
mod stats;
mod throttle;
mod tokens;
mod totp;

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use motcua_calendar::{DeadlineRules, WorkCalendar};
use motcua_domain::catalog::Procedure;
use motcua_domain::org::{AccountKind, AdminLevel, AdminUnit};
use motcua_domain::{Account, Agency, OrgUnit, Role, RoleAssignment};
use motcua_store::{OrgImport, Store, StoreOptions};
use motcua_web::{AppState, ManualClock, WebConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub const A: &str = "H79.50.01";
pub const B: &str = "H79.50.02";
pub const DEPT: &str = "H79.10";

#[derive(Debug)]
pub struct Scratch(pub std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| motcua_web::hash_password("demo").unwrap())
        .clone()
}

fn org() -> OrgImport {
    let agency = |code: &str, name: &str| Agency {
        code: code.into(),
        name: name.into(),
        admin_unit: "79".into(),
        parent: None,
    };
    let role = |role, agency: &str, unit: Option<&str>| RoleAssignment {
        role,
        agency: agency.into(),
        unit: unit.map(Into::into),
    };
    let account = |username: &str, kind, roles| {
        (
            Account {
                username: username.into(),
                full_name: format!("Người dùng {username}"),
                kind,
                roles,
                // The leader's identity number matches a person of the test OIDC provider.
                id_number: (username == "leader").then(|| "079085004321".into()),
                phone: None,
                email: None,
            },
            Some(password_hash()),
        )
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
            agency(DEPT, "Sở Nông nghiệp và Môi trường"),
        ],
        units: vec![
            OrgUnit {
                code: "H79.50.01.TP".into(),
                agency: A.into(),
                name: "Tư pháp - Hộ tịch".into(),
            },
            OrgUnit {
                code: "H79.10.DD".into(),
                agency: DEPT.into(),
                name: "Phòng Đất đai".into(),
            },
        ],
        accounts: vec![
            account(
                "officer",
                AccountKind::Officer,
                vec![role(Role::ReceivingOfficer, A, None)],
            ),
            account(
                "specialist",
                AccountKind::Officer,
                vec![role(Role::Specialist, A, Some("H79.50.01.TP"))],
            ),
            account(
                "leader",
                AccountKind::Officer,
                vec![
                    role(Role::UnitLeader, A, Some("H79.50.01.TP")),
                    role(Role::AgencyLeader, A, None),
                ],
            ),
            account(
                "officer_b",
                AccountKind::Officer,
                vec![
                    role(Role::ReceivingOfficer, B, None),
                    role(Role::Specialist, B, None),
                ],
            ),
            account(
                "dept",
                AccountKind::Officer,
                vec![
                    role(Role::Specialist, DEPT, Some("H79.10.DD")),
                    role(Role::UnitLeader, DEPT, Some("H79.10.DD")),
                ],
            ),
            account(
                "admin",
                AccountKind::Officer,
                vec![role(Role::Admin, A, None)],
            ),
            account("citizen", AccountKind::Citizen, vec![]),
            account("citizen2", AccountKind::Citizen, vec![]),
        ],
    }
}

fn catalog() -> Vec<Procedure> {
    serde_json::from_value(json!([
        {
            "code": "1.001193", "name": "Đăng ký khai sinh", "sector": "Hộ tịch", "level": "commune",
            "versions": [{
                "valid_from": "2025-07-01",
                "time_limit": {"unit": "working_days", "value": 3},
                "online_mode": "partial",
                "channels": ["counter", "online", "post"],
                "form": {"type": "object", "required": ["tre_ho_ten", "tre_ngay_sinh"], "properties": {
                    "tre_ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên người được khai sinh"},
                    "tre_ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"}
                }},
                "result": "Giấy khai sinh"
            }]
        },
        {
            "code": "2.000815", "name": "Chứng thực bản sao từ bản chính", "sector": "Chứng thực", "level": "commune",
            "versions": [{"valid_from": "2025-07-01", "time_limit": {"unit": "immediately"}, "cutoff": "15:00:00",
                          "channels": ["counter"], "result": "Bản sao được chứng thực"}]
        },
        {
            "code": "1.012345", "name": "Cấp giấy phép môi trường", "sector": "Môi trường", "level": "province",
            "versions": [{"valid_from": "2025-07-01", "time_limit": {"unit": "working_days", "value": 10},
                          "online_mode": "full", "channels": ["counter", "online"], "result": "Giấy phép", "handling_agency": "H79.10"}]
        }
    ]))
    .unwrap()
}

pub fn at(local: &str) -> DateTime<Utc> {
    motcua_domain::time::from_local(
        chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap(),
    )
}

/// A running server.
#[derive(Debug)]
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub store: Store,
    pub state: AppState,
    pub backend: &'static str,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pg_schema: Option<String>,
    _dir: Scratch,
}

pub fn pg_url() -> String {
    std::env::var("MOTCUA_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Starts a server on a random port over a fresh database of `backend`; `None` when
/// PostgreSQL is asked for, unreachable, and CI is not set.
pub async fn spawn_app(backend: &'static str) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// As [`spawn_app`], with the settings changed by `adjust`.
pub async fn spawn_app_with(
    backend: &'static str,
    adjust: impl FnOnce(&mut WebConfig),
) -> Option<TestApp> {
    let dir =
        Scratch(std::env::temp_dir().join(format!("motcua-web-{}", uuid::Uuid::new_v4().simple())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let mut opts = StoreOptions::new(dir.0.join("files"));
    let (url, schema) = if backend == "sqlite" {
        (
            format!("sqlite://{}", dir.0.join("api.sqlite").display()),
            None,
        )
    } else {
        let schema = format!("w_{}", uuid::Uuid::new_v4().simple());
        opts.pg_schema = Some(schema.clone());
        (pg_url(), Some(schema))
    };
    let store = match Store::open(&url, opts).await {
        Ok(s) => s,
        Err(e) if backend == "postgres" && !std::env::var("CI").is_ok_and(|v| v == "true") => {
            eprintln!("PostgreSQL unreachable ({e}); skipped outside CI");
            return None;
        }
        Err(e) => panic!("{backend}: {e}"),
    };
    let clock = Arc::new(ManualClock::new(at("2025-12-01 08:00")));
    store
        .save_org(org(), "test", clock_now(&clock))
        .await
        .unwrap();
    store
        .save_procedures(catalog(), "test", clock_now(&clock))
        .await
        .unwrap();
    // Tests move the clock across weeks; sessions must outlive that.
    let mut config = WebConfig {
        max_attachment_bytes: 200_000,
        session_ttl: chrono::Duration::days(3650),
        ..WebConfig::default()
    };
    adjust(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    if config.payments.simulator {
        // The simulators call back to this server: they need its real address.
        config.public_url = format!("http://{addr}");
    }
    let state = AppState::load(
        store.clone(),
        Arc::new(WorkCalendar::vietnam().unwrap()),
        DeadlineRules::default(),
        clock.clone(),
        config,
    )
    .await
    .unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let kept = state.clone();
    tokio::spawn(motcua_web::serve(listener, state, async move {
        let _ = rx.await;
    }));
    Some(TestApp {
        base: format!("http://{addr}"),
        client: {
            motcua_web::install_tls_provider();
            reqwest::Client::new()
        },
        clock,
        store,
        state: kept,
        backend,
        shutdown: Some(tx),
        pg_schema: schema,
        _dir: dir,
    })
}

fn clock_now(c: &ManualClock) -> DateTime<Utc> {
    use motcua_web::Clock;
    c.now()
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(schema) = self.pg_schema.take() {
            let url = pg_url();
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(Store::drop_pg_schema(&url, &schema)).unwrap();
            })
            .join()
            .unwrap();
        }
    }
}

impl TestApp {
    pub fn set_time(&self, local: &str) {
        self.clock.set(at(local));
    }

    pub async fn login(&self, username: &str) -> String {
        let (status, body) = self
            .post(
                None,
                "/api/v1/auth/login",
                json!({"username": username, "password": "demo"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn send(
        &self,
        req: reqwest::RequestBuilder,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    pub async fn post(&self, token: Option<&str>, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            self.client.post(format!("{}{path}", self.base)).json(&body),
            token,
        )
        .await
    }

    pub async fn get(&self, token: Option<&str>, path: &str) -> (StatusCode, Value) {
        self.send(self.client.get(format!("{}{path}", self.base)), token)
            .await
    }

    /// Runs an action and insists it succeeds.
    pub async fn act(&self, token: &str, code: &str, action: &str, body: Value) -> Value {
        let (status, v) = self
            .post(
                Some(token),
                &format!("/api/v1/dossiers/{code}/actions/{action}"),
                body,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{action}: {v}");
        v
    }

    /// Runs an action that must fail with `code`; checks nothing changed.
    pub async fn refused(
        &self,
        token: &str,
        code: &str,
        action: &str,
        body: Value,
        expected: (StatusCode, &str),
    ) {
        let before = self.store.dossier(code).await.unwrap();
        let (status, v) = self
            .post(
                Some(token),
                &format!("/api/v1/dossiers/{code}/actions/{action}"),
                body,
            )
            .await;
        assert_eq!(
            (status, v["code"].as_str().unwrap_or("")),
            expected,
            "{action}: {v}"
        );
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(
            self.store.dossier(code).await.unwrap(),
            before,
            "{action} changed the dossier"
        );
    }

    /// Uploads `bytes` as a PDF named `name` to a dossier's submission files.
    pub async fn upload_pdf(
        &self,
        token: &str,
        code: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        let form = reqwest::multipart::Form::new()
            .text("kind", "submission")
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes)
                    .file_name(name.to_owned())
                    .mime_str("application/pdf")
                    .unwrap(),
            );
        let req = self
            .client
            .post(format!("{}/api/v1/dossiers/{code}/attachments", self.base))
            .bearer_auth(token)
            .multipart(form);
        self.send(req, None).await
    }

    pub async fn file(&self, token: &str, body: Value) -> Value {
        let (status, v) = self.post(Some(token), "/api/v1/dossiers", body).await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        v
    }
}

pub fn birth(agency: &str) -> Value {
    json!({
        "procedure": "1.001193",
        "agency": agency,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "001099012345", "phone": "0912345678", "address": "Ấp 1, xã Bình Giã"},
        "form_data": {"tre_ho_ten": "Nguyễn Thị Bình", "tre_ngay_sinh": "2026-09-30"}
    })
}

/// A client that shows redirects instead of following them.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
