//! The storage layer: one interface, [`Db`], over SQLite (a file) or PostgreSQL (a `postgres://` URL).
//!
//! Writes go through [`Db::write`]: one writer thread owns the only write connection and
//! commits whatever jobs are queued together in one transaction (each job inside its own
//! savepoint, so one failing job does not undo the others). A job's caller is answered only
//! after the commit, so an acknowledged write is durable: on SQLite `synchronous=FULL` in WAL
//! mode (the WAL is fsynced at every commit), on PostgreSQL `synchronous_commit=on`; batching
//! amortises that flush over many writes. Reads go through [`Db::read`] on a small pool of
//! read-only connections. Jobs and reads are closures over [`Sql`], the portable connection
//! every query in the server is written against, so both backends run the very same SQL.

mod migrate;
mod postgres;
mod sql;
mod sqlite;
mod writer;

use std::{path::{Path, PathBuf}, sync::Arc};

pub use migrate::{Migration, MIGRATIONS, PG_MIGRATIONS};
pub use postgres::is_url;
pub use sql::{dollar_placeholders, Backend, FromValue, Param, Row, Sql, Value};

/// The SQLite file used when no database is named.
pub const DEFAULT_SQLITE: &str = "data/privacy-widget.sqlite3";

/// The database when none is given on the command line or in `PW_DB`: `PW_DATABASE_URL` if
/// set (the usual name for a PostgreSQL URL), else [`DEFAULT_SQLITE`].
pub fn default_target() -> PathBuf {
    std::env::var("PW_DATABASE_URL").ok().filter(|v| !v.trim().is_empty()).map_or_else(|| PathBuf::from(DEFAULT_SQLITE), PathBuf::from)
}

/// The connection type queries take: `fn insert(conn: &Conn, ...)`.
pub type Conn = dyn Sql;

/// Everything that can go wrong in the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database's folder could not be created.
    #[error("cannot create directory {path}: {source}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The database file could not be opened or set up for writing.
    #[error("cannot open database {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// Why SQLite refused it.
        source: rusqlite::Error,
    },
    /// The file opened but refused write-ahead logging (read-only file system, ...).
    #[error("cannot open database {path}: journal mode is {mode}, WAL needed")]
    NotWal {
        /// The database file.
        path: PathBuf,
        /// The journal mode it kept.
        mode: String,
    },
    /// The PostgreSQL URL is not valid.
    #[error("invalid database URL: {0}")]
    Url(String),
    /// No PostgreSQL connection could be had.
    #[error("cannot connect to the database: {0}")]
    Pool(String),
    /// A migration failed.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        /// The migration's number.
        version: i64,
        /// The migration's name.
        name: &'static str,
        /// What failed.
        source: Box<DbError>,
    },
    /// A SQLite query failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A PostgreSQL query failed.
    #[error("database error: {}", postgres::message(.0))]
    Postgres(#[from] tokio_postgres::Error),
    /// A column did not hold the type asked for.
    #[error("database error: column {index} is not {expected}")]
    Column {
        /// The column's position.
        index: usize,
        /// The type expected there.
        expected: &'static str,
    },
    /// A query that must return a row returned none.
    #[error("database error: no row")]
    NoRow,
    /// The batch's commit failed, so the job's write is not on disk.
    #[error("commit failed: {0}")]
    Commit(String),
    /// The writer or a reader is gone (shutting down).
    #[error("database is closed")]
    Closed,
}

/// A handle to the database; cheap to clone and shared through the application state.
#[derive(Clone)]
pub struct Db {
    inner: Arc<Engine>,
}

enum Engine {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

impl Db {
    /// Opens `target`: a `postgres://` (or `postgresql://`) URL, or else a SQLite file path
    /// (its folder is created). Runs pending migrations and starts the writer.
    pub async fn open(target: &Path) -> Result<Db, DbError> {
        let engine = match target.to_str().filter(|t| is_url(t)) {
            Some(url) => Engine::Postgres(postgres::Postgres::open(url).await?),
            None => Engine::Sqlite(sqlite::Sqlite::open(target)?),
        };
        Ok(Db { inner: Arc::new(engine) })
    }

    /// Which engine this is.
    pub fn backend(&self) -> Backend {
        match &*self.inner {
            Engine::Sqlite(_) => Backend::Sqlite,
            Engine::Postgres(_) => Backend::Postgres,
        }
    }

    /// The file or the URL (without password), for logs.
    pub fn describe(&self) -> String {
        match &*self.inner {
            Engine::Sqlite(db) => db.describe(),
            Engine::Postgres(db) => db.describe(),
        }
    }

    /// Runs `job` on the writer inside a transaction (all or nothing) and answers after commit.
    pub async fn write<R, F>(&self, job: F) -> Result<R, DbError>
    where
        F: FnOnce(&Conn) -> Result<R, DbError> + Send + 'static,
        R: Send + 'static,
    {
        match &*self.inner {
            Engine::Sqlite(db) => db.writer.submit(job).await,
            Engine::Postgres(db) => db.writer.submit(job).await,
        }
    }

    /// Runs `query` on a pooled read-only connection on a blocking thread.
    pub async fn read<R, F>(&self, query: F) -> Result<R, DbError>
    where
        F: FnOnce(&Conn) -> Result<R, DbError> + Send + 'static,
        R: Send + 'static,
    {
        match &*self.inner {
            Engine::Sqlite(db) => db.read(query).await,
            Engine::Postgres(db) => db.read(query).await,
        }
    }

    /// Commits what is queued and stops the writer; later writes fail with [`DbError::Closed`].
    pub async fn close(&self) {
        match &*self.inner {
            Engine::Sqlite(db) => db.writer.stop().await,
            Engine::Postgres(db) => db.writer.stop().await,
        }
    }
}
