//! The SQLite backend: one file in WAL mode with `synchronous=FULL`, the batching writer on
//! the only write connection, and a few query-only reader connections.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use rusqlite::{types::ValueRef, Connection};
use tokio::sync::Semaphore;

use super::{
    migrate,
    sql::{Backend, Param, Row, Sql, Value},
    writer::Writer,
    Conn, DbError,
};

/// Read connections kept open.
const READERS: usize = 4;
/// How long a connection waits for a lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Sql for Connection {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        let mut stmt = self.prepare_cached(sql)?;
        let changed = stmt.execute(rusqlite::params_from_iter(params.iter().map(to_sqlite)))?;
        Ok(changed as u64)
    }

    fn query(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, DbError> {
        let mut stmt = self.prepare_cached(sql)?;
        let width = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter().map(to_sqlite)))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(match row.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                    ValueRef::Real(_) => return Err(DbError::Column { index: i, expected: "no floating point" }),
                });
            }
            out.push(Row::new(values));
        }
        Ok(out)
    }

    fn batch(&self, sql: &str) -> Result<(), DbError> {
        Ok(self.execute_batch(sql)?)
    }
}

fn to_sqlite<'a>(param: &'a Param<'a>) -> rusqlite::types::ToSqlOutput<'a> {
    use rusqlite::types::{ToSqlOutput, Value as V};
    match *param {
        Param::Null => ToSqlOutput::Owned(V::Null),
        Param::Int(v) => ToSqlOutput::Owned(V::Integer(v)),
        Param::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        Param::Blob(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
    }
}

/// The open SQLite database.
pub(super) struct Sqlite {
    path: PathBuf,
    pub(super) writer: Writer,
    readers: Arc<Mutex<Vec<Connection>>>,
    permits: Semaphore,
}

impl Sqlite {
    /// Creates the parent folder, opens the file, sets durable pragmas, runs pending
    /// migrations and starts the writer thread.
    pub(super) fn open(path: &Path) -> Result<Sqlite, DbError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| DbError::CreateDir { path: parent.to_path_buf(), source })?;
        }
        let open_err = |source| DbError::Open { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))
            .map_err(open_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(DbError::NotWal { path: path.to_path_buf(), mode });
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(open_err)?;
        migrate::run(&conn, migrate::SQLITE)?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(open_reader(path).map_err(open_err)?);
        }
        Ok(Sqlite {
            path: path.to_path_buf(),
            writer: Writer::start(Box::new(conn), "BEGIN IMMEDIATE"),
            readers: Arc::new(Mutex::new(readers)),
            permits: Semaphore::new(READERS),
        })
    }

    /// Runs `query` on a pooled read-only connection on the blocking thread pool.
    pub(super) async fn read<R, F>(&self, query: F) -> Result<R, DbError>
    where
        F: FnOnce(&Conn) -> Result<R, DbError> + Send + 'static,
        R: Send + 'static,
    {
        let _permit = self.permits.acquire().await.map_err(|_| DbError::Closed)?;
        let conn = match self.readers.lock().ok().and_then(|mut pool| pool.pop()) {
            Some(conn) => conn,
            None => open_reader(&self.path)?,
        };
        let pool = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let result = query(&conn);
            if let Ok(mut pool) = pool.lock() {
                pool.push(conn);
            }
            result
        })
        .await
        .map_err(|_| DbError::Closed)?
    }

    /// The file, for logs.
    pub(super) fn describe(&self) -> String {
        self.path.display().to_string()
    }
}

fn open_reader(path: &Path) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA foreign_keys=ON; PRAGMA query_only=ON;")?;
    Ok(conn)
}
