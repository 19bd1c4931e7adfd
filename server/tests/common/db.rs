//! The database a test runs against: a SQLite file, or, when `PW_TEST_DATABASE_URL` is set
//! (scripts/with-postgres.sh sets it), a schema of its own on that PostgreSQL server. And
//! [`Checks`]: blocking look-ups and changes beside the server, the same on both backends.
#![allow(dead_code)]

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU32, Ordering},
};

use privacy_widget_server::db::{is_url, Backend, Conn, Db, DbError, FromValue, Param, Row, Value};

/// `sqlite_file`, or a URL that names a new schema on `PW_TEST_DATABASE_URL`'s server
/// (the server creates it on start).
pub fn target(sqlite_file: PathBuf) -> PathBuf {
    match std::env::var("PW_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => PathBuf::from(schema_url(url.trim())),
        _ => sqlite_file,
    }
}

/// Whether the tests run against PostgreSQL.
pub fn is_postgres(target: &Path) -> bool {
    target.to_str().is_some_and(is_url)
}

fn schema_url(url: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let schema = format!("t{}_{}_{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// Blocking access to a test's database, through the server's own storage layer on a
/// thread of its own (so it may be called from async tests too). Panics on errors, but
/// [`Checks::execute`], which returns them.
pub struct Checks {
    target: PathBuf,
}

impl Checks {
    pub fn new(target: &Path) -> Checks {
        Checks { target: target.to_path_buf() }
    }

    fn run<R: Send + 'static>(&self, write: bool, job: impl FnOnce(&Conn) -> Result<R, DbError> + Send + 'static) -> Result<R, DbError> {
        let target = self.target.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                let db = Db::open(&target).await?;
                let result = if write { db.write(job).await } else { db.read(job).await };
                db.close().await;
                result
            })
        })
        .join()
        .expect("checks thread")
    }

    /// Every row.
    pub fn rows(&self, sql: &str, params: &[Param<'_>]) -> Vec<Row> {
        let (text, values) = (sql.to_owned(), owned(params));
        self.run(false, move |c| c.query(&text, &borrowed(&values))).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The first row.
    pub fn row(&self, sql: &str, params: &[Param<'_>]) -> Row {
        self.rows(sql, params).into_iter().next().unwrap_or_else(|| panic!("{sql}: no row"))
    }

    /// The first column of the first row.
    pub fn one<T: FromValue>(&self, sql: &str, params: &[Param<'_>]) -> T {
        self.row(sql, params).get(0).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The first column of every row.
    pub fn column<T: FromValue>(&self, sql: &str, params: &[Param<'_>]) -> Vec<T> {
        self.rows(sql, params).iter().map(|r| r.get(0).unwrap_or_else(|e| panic!("{sql}: {e}"))).collect()
    }

    /// The first column of every row, as a set of text.
    pub fn text_set(&self, sql: &str) -> HashSet<String> {
        self.column::<String>(sql, &[]).into_iter().collect()
    }

    /// Runs a change through the writer; the error as the server would see it.
    pub fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        let (text, values) = (sql.to_owned(), owned(params));
        self.run(true, move |c| c.execute(&text, &borrowed(&values)))
    }

    /// A table's column names, in order.
    pub fn columns(&self, table: &str) -> Vec<String> {
        let table = table.to_owned();
        self.run(false, move |c| {
            let sql = match c.backend() {
                Backend::Sqlite => "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
                Backend::Postgres => {
                    "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position"
                }
            };
            c.query(sql, &[Param::Text(&table)])?.iter().map(|r| r.get(0)).collect()
        })
        .expect("columns")
    }
}

fn owned(params: &[Param<'_>]) -> Vec<Value> {
    params.iter().map(|p| Value::from(*p)).collect()
}

fn borrowed(values: &[Value]) -> Vec<Param<'_>> {
    values.iter().map(Param::from).collect()
}
