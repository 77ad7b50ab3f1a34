//! What every request shares: the store, the organisation and catalog held in
//! memory, the working calendar, the province's deadline rules and the clock.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};
use motcua_calendar::{DeadlineRules, WorkCalendar};
use motcua_domain::{Catalog, Directory};
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
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            max_attachment_bytes: 20 * 1024 * 1024,
            session_ttl: Duration::hours(8),
            public_url: "http://127.0.0.1:8080".to_owned(),
        }
    }
}

/// A list and when it was computed.
type Counted = (DateTime<Utc>, Arc<Vec<String>>);

#[derive(Debug)]
struct Inner {
    store: Store,
    directory: RwLock<Arc<Directory>>,
    catalog: RwLock<Arc<Catalog>>,
    calendar: Arc<WorkCalendar>,
    rules: DeadlineRules,
    clock: Arc<dyn Clock>,
    config: WebConfig,
    /// Most used procedure codes and when they were counted.
    popular: std::sync::Mutex<Option<Counted>>,
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
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                directory: RwLock::new(Arc::new(directory)),
                catalog: RwLock::new(Arc::new(catalog)),
                calendar,
                rules,
                clock,
                config,
                popular: std::sync::Mutex::new(None),
            }),
        })
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
    pub fn calendar(&self) -> &WorkCalendar {
        &self.inner.calendar
    }

    /// Deadline rules.
    pub fn rules(&self) -> &DeadlineRules {
        &self.inner.rules
    }

    /// Settings.
    pub fn config(&self) -> &WebConfig {
        &self.inner.config
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
