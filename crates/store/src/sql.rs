//! A thin portable layer over the two backends: one SQL text (with `$1`-style
//! placeholders, which both accept), arguments as a small enum, rows read by column
//! name. Where the dialects differ the caller branches on [`Conn::is_postgres`].
//!
//! Timestamps are INTEGER microseconds in SQLite and TIMESTAMPTZ in PostgreSQL; the
//! conversion happens here and nowhere else.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{PgConnection, Postgres, Row as _, Sqlite, SqliteConnection};

use crate::error::StoreError;

/// One bound value.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    Time(Option<DateTime<Utc>>),
    Bool(bool),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_owned))
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<DateTime<Utc>> for Arg {
    fn from(v: DateTime<Utc>) -> Self {
        Arg::Time(Some(v))
    }
}
impl From<Option<DateTime<Utc>>> for Arg {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Arg::Time(v)
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(v)
    }
}

/// Builds an argument array: `args![a, b, c]`.
macro_rules! args {
    ($($x:expr),* $(,)?) => { [$($crate::sql::Arg::from($x)),*] };
}
pub(crate) use args;

fn bind_sqlite<'q>(
    mut q: Query<'q, Sqlite, SqliteArguments<'q>>,
    args: &'q [Arg],
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    for a in args {
        q = match a {
            Arg::Text(v) => q.bind(v.as_deref()),
            Arg::Int(v) => q.bind(*v),
            Arg::Time(v) => q.bind(v.map(|t| t.timestamp_micros())),
            Arg::Bool(v) => q.bind(*v),
        };
    }
    q
}

fn bind_pg<'q>(
    mut q: Query<'q, Postgres, PgArguments>,
    args: &'q [Arg],
) -> Query<'q, Postgres, PgArguments> {
    for a in args {
        q = match a {
            Arg::Text(v) => q.bind(v.as_deref()),
            Arg::Int(v) => q.bind(*v),
            Arg::Time(v) => q.bind(*v),
            Arg::Bool(v) => q.bind(*v),
        };
    }
    q
}

/// A borrowed connection of either backend.
pub(crate) enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

impl<'a> Conn<'a> {
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }

    // The methods return boxed futures: sqlx's executor impls are higher-ranked, and
    // without the box the compiler cannot prove the callers' futures `Send`.

    /// Runs a statement; returns the number of rows it changed.
    pub(crate) fn exec<'s>(
        &'s mut self,
        sql: &'s str,
        args: &'s [Arg],
    ) -> BoxFuture<'s, Result<u64, StoreError>> {
        Box::pin(async move {
            Ok(match self {
                Conn::Sqlite(c) => bind_sqlite(sqlx::query(sql), args)
                    .execute(&mut **c)
                    .await?
                    .rows_affected(),
                Conn::Postgres(c) => bind_pg(sqlx::query(sql), args)
                    .execute(&mut **c)
                    .await?
                    .rows_affected(),
            })
        })
    }

    /// Runs one statement without arguments (transaction control).
    pub(crate) fn raw<'s>(&'s mut self, sql: &'s str) -> BoxFuture<'s, Result<(), StoreError>> {
        Box::pin(async move { self.exec(sql, &[]).await.map(|_| ()) })
    }

    /// All rows of a query.
    pub(crate) fn all<'s>(
        &'s mut self,
        sql: &'s str,
        args: &'s [Arg],
    ) -> BoxFuture<'s, Result<Vec<Row>, StoreError>> {
        Box::pin(async move {
            Ok(match self {
                Conn::Sqlite(c) => bind_sqlite(sqlx::query(sql), args)
                    .fetch_all(&mut **c)
                    .await?
                    .into_iter()
                    .map(Row::Sqlite)
                    .collect(),
                Conn::Postgres(c) => bind_pg(sqlx::query(sql), args)
                    .fetch_all(&mut **c)
                    .await?
                    .into_iter()
                    .map(Row::Postgres)
                    .collect(),
            })
        })
    }

    /// The first row of a query, if any.
    pub(crate) fn opt<'s>(
        &'s mut self,
        sql: &'s str,
        args: &'s [Arg],
    ) -> BoxFuture<'s, Result<Option<Row>, StoreError>> {
        Box::pin(async move {
            Ok(match self {
                Conn::Sqlite(c) => bind_sqlite(sqlx::query(sql), args)
                    .fetch_optional(&mut **c)
                    .await?
                    .map(Row::Sqlite),
                Conn::Postgres(c) => bind_pg(sqlx::query(sql), args)
                    .fetch_optional(&mut **c)
                    .await?
                    .map(Row::Postgres),
            })
        })
    }

    /// The single row a query must return.
    pub(crate) async fn one(&mut self, sql: &str, args: &[Arg]) -> Result<Row, StoreError> {
        self.opt(sql, args).await?.ok_or(StoreError::NotFound {
            what: "row".to_owned(),
        })
    }
}

/// A row of either backend, read by column name.
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

impl Row {
    pub(crate) fn text(&self, col: &str) -> Result<String, StoreError> {
        self.opt_text(col)?
            .ok_or_else(|| StoreError::corrupt(format!("{col} is null")))
    }

    pub(crate) fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Postgres(r) => r.try_get(col)?,
        })
    }

    pub(crate) fn int(&self, col: &str) -> Result<i64, StoreError> {
        self.opt_int(col)?
            .ok_or_else(|| StoreError::corrupt(format!("{col} is null")))
    }

    pub(crate) fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Postgres(r) => r.try_get(col)?,
        })
    }

    pub(crate) fn time(&self, col: &str) -> Result<DateTime<Utc>, StoreError> {
        self.opt_time(col)?
            .ok_or_else(|| StoreError::corrupt(format!("{col} is null")))
    }

    pub(crate) fn opt_time(&self, col: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => {
                let micros: Option<i64> = r.try_get(col)?;
                match micros {
                    Some(m) => Some(
                        DateTime::from_timestamp_micros(m)
                            .ok_or_else(|| StoreError::corrupt(format!("{col} out of range")))?,
                    ),
                    None => None,
                }
            }
            Row::Postgres(r) => r.try_get(col)?,
        })
    }

    pub(crate) fn boolean(&self, col: &str) -> Result<bool, StoreError> {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(col)?,
            Row::Postgres(r) => r.try_get(col)?,
        })
    }
}

/// The placeholders of row `row` of a multi-row statement whose rows have `width`
/// parameters each, bound in order. SQLite gets anonymous `?`: sqlx looks every `$N`
/// up by name through SQLite's linear list, which makes a statement with thousands of
/// numbered parameters cost their square; anonymous ones are bound by position.
pub(crate) fn row_marks(pg: bool, row: usize, width: usize) -> String {
    let marks: Vec<String> = (1..=width)
        .map(|k| {
            if pg {
                format!("${}", row * width + k)
            } else {
                "?".to_owned()
            }
        })
        .collect();
    format!("({})", marks.join(","))
}
