//! Persistence for Một Cửa over SQLite (embedded, the default) or PostgreSQL (scale
//! out), behind one [`Store`]. Every state change is one transaction with its audit
//! entry (hash-chained) and its outbox event; writes are group-committed.
//!
//! Per-backend SQL lives where the dialects differ (migrations, row locks); the rest
//! is shared through [`sql`]. One conformance suite (`tests/conformance`) runs
//! unchanged on both backends.

mod attachments;
mod audit;
mod dossiers;
mod drafts;
pub mod error;
mod identity;
mod org;
mod outbox;
mod payments;
mod processes;
mod retention;
mod sql;
mod statements;
mod stats;
mod writer;

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Executor, PgPool, Postgres, Sqlite, SqlitePool};

pub use attachments::{AttachmentMeta, AttachmentOwner, NewAttachment, PutError};
pub use audit::AuditQuery;
pub use dossiers::{COUNT_CAP, DossierFilter, DossierSummary, Page};
pub use drafts::Draft;
pub use error::StoreError;
pub use identity::{ApiToken, NewApiToken, PENDING_TTL_MINUTES, PendingLogin, TotpState};
pub use org::OrgImport;
pub use outbox::{OutboxBacklog, OutboxMessage};
pub use payments::{
    AccountTakings, CashlessCount, CreditRow, OrderUpdate, PayEvent, PayEventRow, vietnam_day,
};
pub use processes::{AssigneeLoad, ProcessRow};
pub use retention::PurgeReport;
pub use statements::StatementImport;
pub use stats::{CellMap, Part, StatGroup, StatParts, SyntheticDossier};

use crate::sql::Conn;
use crate::writer::Writer;

/// Who asked, for the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    /// Client address.
    pub ip: Option<String>,
}

/// How to open a store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// PostgreSQL schema to use (created if missing); tests use one each.
    pub pg_schema: Option<String>,
    /// Where attachment files go (local filesystem).
    pub files_dir: PathBuf,
    /// Most write jobs in one transaction.
    pub max_batch: usize,
    /// PostgreSQL writer tasks.
    pub pg_writers: usize,
    /// Read connections.
    pub read_connections: u32,
}

impl StoreOptions {
    /// Defaults, with attachment files under `files_dir`.
    pub fn new(files_dir: impl Into<PathBuf>) -> Self {
        StoreOptions {
            pg_schema: None,
            files_dir: files_dir.into(),
            max_batch: 256,
            pg_writers: 4,
            read_connections: 8,
        }
    }
}

#[derive(Debug)]
enum ReadPool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug)]
struct Inner {
    reads: ReadPool,
    writer: Writer,
    blobs: attachments::Blobs,
}

/// The store: cheap to clone, shared by every request.
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

/// A pooled read connection.
pub(crate) enum ReadConn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl ReadConn {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            ReadConn::Sqlite(c) => Conn::Sqlite(c),
            ReadConn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

fn valid_schema_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`:
    /// `sqlite://PATH` or `postgres://…`.
    pub async fn open(url: &str, opts: StoreOptions) -> Result<Store, StoreError> {
        let blobs = attachments::Blobs::local(&opts.files_dir)?;
        let store = if url.starts_with("sqlite:") {
            Self::open_sqlite(url, opts, blobs).await?
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Self::open_postgres(url, opts, blobs).await?
        } else {
            return Err(StoreError::Config {
                detail: format!(
                    "unsupported database URL {url:?} (use sqlite://PATH or postgres://…)"
                ),
            });
        };
        // Dossiers from before statistics existed are counted once, on the first start
        // of the version that keeps the counters.
        if store.stat_backfill_needed().await? {
            store.stat_rebuild().await?;
        }
        Ok(store)
    }

    async fn open_sqlite(
        url: &str,
        opts: StoreOptions,
        blobs: attachments::Blobs,
    ) -> Result<Store, StoreError> {
        // WAL with synchronous=FULL: a committed transaction survives a power cut.
        let connect = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config {
                detail: e.to_string(),
            })?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true)
            .pragma("cache_size", "-32000")
            .pragma("temp_store", "memory")
            .disable_statement_logging();
        let mut writer_conn = connect.connect().await?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&mut writer_conn)
            .await?;
        let reads = SqlitePoolOptions::new()
            .max_connections(opts.read_connections.max(1))
            .connect_with(connect)
            .await?;
        Ok(Store {
            inner: Arc::new(Inner {
                reads: ReadPool::Sqlite(reads),
                writer: Writer::sqlite(writer_conn, opts.max_batch),
                blobs,
            }),
        })
    }

    async fn open_postgres(
        url: &str,
        opts: StoreOptions,
        blobs: attachments::Blobs,
    ) -> Result<Store, StoreError> {
        let connect = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Config {
                detail: e.to_string(),
            })?
            .disable_statement_logging();
        let schema = opts.pg_schema.clone();
        if let Some(s) = &schema {
            if !valid_schema_name(s) {
                return Err(StoreError::Config {
                    detail: format!("invalid schema name {s:?}"),
                });
            }
            let mut c = connect.connect().await?;
            c.execute(format!("CREATE SCHEMA IF NOT EXISTS {s}").as_str())
                .await?;
            c.close().await?;
        }
        let pool = PgPoolOptions::new()
            .max_connections(
                opts.read_connections.max(1) + u32::try_from(opts.pg_writers).unwrap_or(4),
            )
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                let schema = schema.clone();
                Box::pin(async move {
                    if let Some(s) = schema {
                        conn.execute(format!("SET search_path TO {s}").as_str())
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(connect)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Store {
            inner: Arc::new(Inner {
                reads: ReadPool::Postgres(pool.clone()),
                writer: Writer::postgres(pool, opts.pg_writers, opts.max_batch),
                blobs,
            }),
        })
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.inner.reads {
            ReadPool::Sqlite(_) => "sqlite",
            ReadPool::Postgres(_) => "postgres",
        }
    }

    pub(crate) async fn read(&self) -> Result<ReadConn, StoreError> {
        Ok(match &self.inner.reads {
            ReadPool::Sqlite(p) => ReadConn::Sqlite(p.acquire().await?),
            ReadPool::Postgres(p) => ReadConn::Postgres(p.acquire().await?),
        })
    }

    pub(crate) fn writer(&self) -> &Writer {
        &self.inner.writer
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut c = self.read().await?;
        c.conn().one("SELECT 1 AS one", &[]).await.map(|_| ())
    }

    /// Drops a PostgreSQL schema and everything in it (test clean-up).
    pub async fn drop_pg_schema(url: &str, schema: &str) -> Result<(), StoreError> {
        if !valid_schema_name(schema) {
            return Err(StoreError::Config {
                detail: format!("invalid schema name {schema:?}"),
            });
        }
        let connect = PgConnectOptions::from_str(url).map_err(|e| StoreError::Config {
            detail: e.to_string(),
        })?;
        let mut c = connect.connect().await?;
        c.execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE").as_str())
            .await?;
        c.close().await?;
        Ok(())
    }
}
