//! What every request shares: the store, the organisation and catalog held in
//! memory, the working calendar, the province's deadline rules and the clock.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};
use motcua_calendar::{DeadlineRules, WorkCalendar};
use motcua_domain::process::{ProcessBook, SavedProcess};
use motcua_domain::{Catalog, Ctx, Directory, Subject};
use motcua_store::{Store, StoreError};

use crate::clock::Clock;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Largest attachment accepted, in bytes.
    pub max_attachment_bytes: u64,
    /// How long a login lasts.
    pub session_ttl: Duration,
    /// Public base URL (for links in responses).
    pub public_url: String,
    /// An administrator's form texts (TOML, shape of `crates/render/data/wording.toml`)
    /// laid over the built-in ones.
    pub form_wording: Option<String>,
    /// Identity providers citizens (and, where allowed, officers) log in through.
    pub oidc: Vec<crate::oidc::OidcProvider>,
    /// Payment gateways and the terms of payment orders.
    pub payments: crate::payments::PaymentsConfig,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            max_attachment_bytes: 20 * 1024 * 1024,
            session_ttl: Duration::hours(8),
            public_url: "http://127.0.0.1:8080".to_owned(),
            form_wording: None,
            oidc: Vec::new(),
            payments: crate::payments::PaymentsConfig::default(),
        }
    }
}

/// The organisation, catalog and calendar as one request sees them.
#[derive(Debug, Clone)]
pub struct Parts {
    /// Organisation.
    pub directory: Arc<Directory>,
    /// Catalog.
    pub catalog: Arc<Catalog>,
    /// Working calendar.
    pub calendar: Arc<WorkCalendar>,
    /// Internal processes, every saved version.
    pub processes: Arc<ProcessBook>,
}

/// Statutory rules used only if the calendar lock is poisoned (a panic elsewhere).
fn fallback_rules() -> motcua_calendar::StatutoryRules {
    motcua_calendar::CalendarData::builtin()
        .map(|d| d.rules().clone())
        .unwrap_or_else(|_| {
            motcua_calendar::StatutoryRules::from_toml(
                "weekly_rest = [\"sat\", \"sun\"]\ncompensate_rest_day_holidays = true",
                "fallback",
            )
            .unwrap_or_else(|_| unreachable_rules())
        })
}

#[allow(clippy::panic)] // the literal above parses; this cannot run
fn unreachable_rules() -> motcua_calendar::StatutoryRules {
    panic!("fallback rules do not parse")
}

/// A list and when it was computed.
type Counted = (DateTime<Utc>, Arc<Vec<String>>);

#[derive(Debug)]
struct Inner {
    store: Store,
    directory: RwLock<Arc<Directory>>,
    catalog: RwLock<Arc<Catalog>>,
    calendar: RwLock<Arc<WorkCalendar>>,
    processes: RwLock<Arc<ProcessBook>>,
    rules: DeadlineRules,
    clock: Arc<dyn Clock>,
    config: WebConfig,
    /// The PDF engine (templates and fonts loaded once: its caches make renders fast).
    engine: Arc<motcua_render::Engine>,
    /// The form texts.
    wording: Arc<motcua_render::Wording>,
    /// The calendar before the administrators' amendments stored in the database.
    calendar_base: WorkCalendar,
    /// Most used procedure codes and when they were counted.
    popular: std::sync::Mutex<Option<Counted>>,
    /// Failed logins per account and per client address (in this process: behind a
    /// load balancer each instance counts its own).
    logins: std::sync::Mutex<LoginThrottle>,
    /// Identity providers' metadata and the HTTP client that reads it.
    oidc: crate::oidc::OidcClients,
    /// Fee schedules and collection accounts.
    fees: RwLock<Arc<motcua_domain::fee::FeeBook>>,
    /// The payment gateways citizens pay through, and their simulators.
    gateways: crate::payments::Gateways,
}

/// Failed logins per account and per client address.
#[derive(Debug)]
pub struct LoginThrottle {
    /// Per account (lower-cased username).
    pub account: motcua_domain::throttle::Throttle,
    /// Per client address.
    pub address: motcua_domain::throttle::Throttle,
}

/// Shared application state (cheap to clone).
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    /// Builds the state and loads the organisation and catalog from the store.
    pub async fn load(
        store: Store,
        calendar: Arc<WorkCalendar>,
        rules: DeadlineRules,
        clock: Arc<dyn Clock>,
        config: WebConfig,
    ) -> Result<Self, StoreError> {
        let directory = store.load_directory().await?;
        let catalog = Catalog::new(store.load_procedures().await?);
        let wording = motcua_render::Wording::built_in()
            .and_then(|w| match &config.form_wording {
                Some(text) => w.with_overrides(text),
                None => Ok(w),
            })
            .map_err(|e| StoreError::Config {
                detail: e.to_string(),
            })?;
        let fees = store.load_fee_book().await?;
        let gateways = crate::payments::Gateways::from_config(&config.payments, &config.public_url);
        let state = AppState {
            inner: Arc::new(Inner {
                store,
                directory: RwLock::new(Arc::new(directory)),
                catalog: RwLock::new(Arc::new(catalog)),
                calendar_base: (*calendar).clone(),
                calendar: RwLock::new(calendar),
                processes: RwLock::new(Arc::new(ProcessBook::default())),
                rules,
                clock,
                config,
                engine: Arc::new(motcua_render::Engine::new()),
                wording: Arc::new(wording),
                popular: std::sync::Mutex::new(None),
                oidc: crate::oidc::OidcClients::new(),
                fees: RwLock::new(Arc::new(fees)),
                gateways,
                logins: std::sync::Mutex::new(LoginThrottle {
                    account: motcua_domain::throttle::Throttle::new(
                        motcua_domain::throttle::ThrottleRule::ACCOUNT,
                    ),
                    address: motcua_domain::throttle::Throttle::new(
                        motcua_domain::throttle::ThrottleRule::ADDRESS,
                    ),
                }),
            }),
        };
        state.reload_calendar().await?;
        state.reload_processes().await?;
        Ok(state)
    }

    /// Rebuilds the process book from every saved version. A version that no longer
    /// reads is skipped and logged (dossiers under it then follow the state machine
    /// alone), never fatal.
    pub async fn reload_processes(&self) -> Result<(), StoreError> {
        let per_day = self.minutes_per_day();
        let mut saved = Vec::new();
        for row in self.inner.store.load_processes().await? {
            match row.def.compile(per_day) {
                Ok(process) => saved.push(SavedProcess {
                    id: row.id,
                    process: Arc::new(process),
                    saved_at: row.saved_at,
                    saved_by: row.saved_by,
                }),
                Err(issues) => tracing::error!(
                    id = row.id,
                    problems = ?issues.iter().map(|i| &i.message).collect::<Vec<_>>(),
                    "saved process skipped"
                ),
            }
        }
        if let Ok(mut p) = self.inner.processes.write() {
            *p = Arc::new(ProcessBook::new(saved));
        }
        Ok(())
    }

    /// The fee book.
    pub fn fees(&self) -> Arc<motcua_domain::fee::FeeBook> {
        self.inner
            .fees
            .read()
            .map(|f| Arc::clone(&f))
            .unwrap_or_default()
    }

    /// Reloads the fee book after a save.
    pub async fn reload_fees(&self) -> Result<(), StoreError> {
        let book = Arc::new(self.inner.store.load_fee_book().await?);
        if let Ok(mut f) = self.inner.fees.write() {
            *f = book;
        }
        Ok(())
    }

    /// The payment gateways.
    pub fn gateways(&self) -> &crate::payments::Gateways {
        &self.inner.gateways
    }

    /// Working minutes in an office day (for shares written in days).
    pub fn minutes_per_day(&self) -> u32 {
        self.calendar().office_hours().minutes_per_day()
    }

    /// The process book.
    pub fn processes(&self) -> Arc<ProcessBook> {
        self.inner
            .processes
            .read()
            .map(|p| Arc::clone(&p))
            .unwrap_or_default()
    }

    /// Runs `f` on the login throttle (a poisoned lock is taken over: the counts are
    /// plain data and stay usable).
    pub fn logins<T>(&self, f: impl FnOnce(&mut LoginThrottle) -> T) -> T {
        let mut guard = self
            .inner
            .logins
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// The PDF engine.
    pub fn engine(&self) -> Arc<motcua_render::Engine> {
        Arc::clone(&self.inner.engine)
    }

    /// The form texts.
    pub fn wording(&self) -> Arc<motcua_render::Wording> {
        Arc::clone(&self.inner.wording)
    }

    /// Rebuilds the working calendar: the shipped data and the settings file's
    /// amendments, then every amendment an administrator stored, in order. A stored
    /// amendment that no longer applies is skipped and logged, never fatal.
    pub async fn reload_calendar(&self) -> Result<(), StoreError> {
        let base = &self.inner.calendar_base;
        let mut data = base.data().clone();
        for (origin, body) in self.inner.store.calendar_amendments().await? {
            match motcua_calendar::Amendments::from_toml(&body, &origin)
                .and_then(|a| data.apply(a, &origin))
            {
                Ok(()) => {}
                Err(e) => {
                    tracing::error!(origin = %origin, error = %e, "stored holiday amendment skipped")
                }
            }
        }
        self.set_calendar(WorkCalendar::new(data, base.office_hours().clone()));
        Ok(())
    }

    /// Reloads the organisation and catalog after an import.
    pub async fn reload(&self) -> Result<(), StoreError> {
        let directory = Arc::new(self.inner.store.load_directory().await?);
        let catalog = Arc::new(Catalog::new(self.inner.store.load_procedures().await?));
        if let Ok(mut d) = self.inner.directory.write() {
            *d = directory;
        }
        if let Ok(mut c) = self.inner.catalog.write() {
            *c = catalog;
        }
        Ok(())
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The organisation.
    pub fn directory(&self) -> Arc<Directory> {
        self.inner
            .directory
            .read()
            .map(|d| Arc::clone(&d))
            .unwrap_or_default()
    }

    /// The catalog.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.inner
            .catalog
            .read()
            .map(|c| Arc::clone(&c))
            .unwrap_or_default()
    }

    /// The working calendar.
    pub fn calendar(&self) -> Arc<WorkCalendar> {
        self.inner
            .calendar
            .read()
            .map(|c| Arc::clone(&c))
            .unwrap_or_else(|_| {
                Arc::new(WorkCalendar::new(
                    motcua_calendar::CalendarData::new(fallback_rules()),
                    motcua_calendar::OfficeHours::default(),
                ))
            })
    }

    /// Replaces the working calendar (after an administrator's holiday amendment).
    pub fn set_calendar(&self, calendar: WorkCalendar) {
        if let Ok(mut c) = self.inner.calendar.write() {
            *c = Arc::new(calendar);
        }
    }

    /// Everything the rules read, held for one request.
    pub fn parts(&self) -> Parts {
        Parts {
            directory: self.directory(),
            catalog: self.catalog(),
            calendar: self.calendar(),
            processes: self.processes(),
        }
    }

    /// Asks the policy whether `subject` may do `action` to `resource` today.
    pub fn authorize(
        &self,
        subject: &Subject,
        action: motcua_domain::policy::Action,
        resource: motcua_domain::policy::Resource<'_>,
    ) -> Result<motcua_domain::policy::Grant, motcua_domain::DomainError> {
        let today = motcua_domain::time::to_local(self.now()).date();
        motcua_domain::policy::authorize(subject, action, resource, today)
    }

    /// The rules' context for `subject`, now.
    pub fn ctx<'a>(&'a self, subject: &'a Subject, parts: &'a Parts) -> Ctx<'a> {
        Ctx {
            subject,
            directory: &parts.directory,
            catalog: &parts.catalog,
            calendar: &parts.calendar,
            rules: self.rules(),
            processes: &parts.processes,
            now: self.now(),
        }
    }

    /// Deadline rules.
    pub fn rules(&self) -> &DeadlineRules {
        &self.inner.rules
    }

    /// Settings.
    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// The identity providers' client.
    pub fn oidc(&self) -> &crate::oidc::OidcClients {
        &self.inner.oidc
    }

    /// The most used procedures (codes), counted at most every ten minutes: the count
    /// scans the dossiers, the home page must stay fast.
    pub async fn popular_procedures(&self) -> Arc<Vec<String>> {
        let now = self.now();
        if let Ok(guard) = self.inner.popular.lock()
            && let Some((at, list)) = guard.as_ref()
            && now - *at < Duration::minutes(10)
        {
            return Arc::clone(list);
        }
        let list = Arc::new(
            self.inner
                .store
                .procedure_usage(12)
                .await
                .map(|v| v.into_iter().map(|(code, _)| code).collect())
                .unwrap_or_default(),
        );
        if let Ok(mut guard) = self.inner.popular.lock() {
            *guard = Some((now, Arc::clone(&list)));
        }
        list
    }

    /// Now, in whole microseconds.
    pub fn now(&self) -> DateTime<Utc> {
        motcua_domain::time::micros(self.inner.clock.now())
    }
}
