//! The store conformance suite: every test runs unchanged on SQLite and on
//! PostgreSQL (each test in its own schema, so they run in parallel).
//!
//! PostgreSQL: `MOTCUA_TEST_PG` or `postgres://postgres@127.0.0.1:5432/test`. When
//! `CI=true` an unreachable server fails the tests; otherwise they run on SQLite only
//! and say so.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fixture;
mod outbox;
mod stats;
mod suite;

use std::future::Future;
use std::path::PathBuf;

use motcua_store::{Store, StoreOptions};

pub fn pg_url() -> String {
    std::env::var("MOTCUA_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A scratch directory removed on drop.
#[derive(Debug)]
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("motcua-{tag}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A store under test and how to reach its database directly (for tampering).
#[derive(Debug)]
pub struct Backend {
    pub store: Store,
    pub name: &'static str,
    pub raw_url: String,
    pub schema: Option<String>,
    pub _dir: Scratch,
}

async fn sqlite_backend() -> Backend {
    let dir = Scratch::new("sqlite");
    let url = format!("sqlite://{}", dir.0.join("test.sqlite").display());
    let store = Store::open(&url, StoreOptions::new(dir.0.join("files")))
        .await
        .unwrap();
    Backend {
        store,
        name: "sqlite",
        raw_url: url,
        schema: None,
        _dir: dir,
    }
}

async fn pg_backend() -> Option<Backend> {
    let url = pg_url();
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let dir = Scratch::new("pg");
    let mut opts = StoreOptions::new(dir.0.join("files"));
    opts.pg_schema = Some(schema.clone());
    match Store::open(&url, opts).await {
        Ok(store) => Some(Backend {
            store,
            name: "postgres",
            raw_url: url,
            schema: Some(schema),
            _dir: dir,
        }),
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but PostgreSQL at {url} is unreachable: {e}");
            }
            eprintln!("PostgreSQL unreachable ({e}); this test ran on SQLite only");
            None
        }
    }
}

/// Runs `test` on each backend.
pub async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(Backend) -> Fut,
    Fut: Future<Output = Backend>,
{
    let b = test(sqlite_backend().await).await;
    drop(b);
    if let Some(pg) = pg_backend().await {
        let b = test(pg).await;
        if let Some(schema) = &b.schema {
            Store::drop_pg_schema(&b.raw_url, schema).await.unwrap();
        }
    }
}
