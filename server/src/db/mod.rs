//! The SQLite storage layer: opening with durable settings, migrations, one batching writer, a few readers.
//!
//! Writes go through [`Db::write`]: one writer thread owns the only write connection and
//! commits whatever jobs are queued together in one transaction (each job inside its own
//! savepoint, so one failing job does not undo the others). A job's caller is answered only
//! after the commit, so an acknowledged write is on disk (`synchronous=FULL` in WAL mode:
//! the WAL is fsynced at every commit; batching amortises that fsync over many writes).
//! Reads go through [`Db::read`] on a small pool of query-only connections.

mod migrate;
mod writer;

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use rusqlite::Connection;
use tokio::sync::Semaphore;

pub use migrate::MIGRATIONS;
use writer::Writer;

/// Read connections kept open.
const READERS: usize = 4;
/// How long a connection waits for a lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Everything that can go wrong in the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The database's folder could not be created.
    #[error("cannot create directory {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    /// The database file could not be opened or set up for writing.
    #[error("cannot open database {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    /// The file opened but refused write-ahead logging (read-only file system, ...).
    #[error("cannot open database {path}: journal mode is {mode}, WAL needed")]
    NotWal { path: PathBuf, mode: String },
    /// A migration failed.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration { version: i64, name: &'static str, source: rusqlite::Error },
    /// A query failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
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
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Writer,
    readers: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl Db {
    /// Creates the parent folder, opens the file, sets durable pragmas, runs pending
    /// migrations and starts the writer thread.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| DbError::CreateDir { path: parent.to_path_buf(), source })?;
        }
        let open_err = |source| DbError::Open { path: path.to_path_buf(), source };
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))
            .map_err(open_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(DbError::NotWal { path: path.to_path_buf(), mode });
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(open_err)?;
        migrate::run(&mut conn)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(open_reader(path).map_err(open_err)?);
        }
        let writer = Writer::start(conn);
        Ok(Db {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer,
                readers: Mutex::new(readers),
                permits: Semaphore::new(READERS),
            }),
        })
    }

    /// Runs `job` on the writer inside a transaction (all or nothing) and answers after commit.
    pub async fn write<R, F>(&self, job: F) -> Result<R, DbError>
    where
        F: FnOnce(&Connection) -> Result<R, DbError> + Send + 'static,
        R: Send + 'static,
    {
        self.inner.writer.submit(job).await
    }

    /// Runs `query` on a pooled read-only connection on the blocking thread pool.
    pub async fn read<R, F>(&self, query: F) -> Result<R, DbError>
    where
        F: FnOnce(&Connection) -> Result<R, DbError> + Send + 'static,
        R: Send + 'static,
    {
        let _permit = self.inner.permits.acquire().await.map_err(|_| DbError::Closed)?;
        let conn = match self.inner.readers.lock().ok().and_then(|mut pool| pool.pop()) {
            Some(conn) => conn,
            None => open_reader(&self.inner.path)?,
        };
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let result = query(&conn);
            if let Ok(mut pool) = inner.readers.lock() {
                pool.push(conn);
            }
            result
        })
        .await
        .map_err(|_| DbError::Closed)?
    }

    /// Commits what is queued and stops the writer; later writes fail with [`DbError::Closed`].
    pub async fn close(&self) {
        self.inner.writer.stop().await;
    }
}

fn open_reader(path: &Path) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA foreign_keys=ON; PRAGMA query_only=ON;")?;
    Ok(conn)
}
