//! The PostgreSQL backend: the same batching writer on one connection (each batch takes a
//! transaction-level advisory lock, so writers in several processes take turns as SQLite's
//! do), a pool of read-only connections, `synchronous_commit=on` on every connection.
//!
//! The queries are synchronous [`Sql`] calls like SQLite's: each is a `block_on` on a runtime
//! of this backend's own (one worker that drives the connections), made from the writer
//! thread or from a blocking task, never from inside an async task.

use std::{cell::RefCell, collections::HashMap, error::Error as StdError, sync::Arc, time::Duration};

use bytes::BytesMut;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio::runtime::Handle;
use tokio_postgres::{
    types::{to_sql_checked, IsNull, ToSql, Type},
    Config, NoTls, Statement,
};

use super::{
    migrate,
    sql::{dollar_placeholders, Backend, Param, Row, Sql, Value},
    writer::{WriteConn, Writer},
    Conn, DbError,
};

/// Read connections at most.
const READERS: usize = 8;
/// How long to wait for a connection (new or from the pool).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Opens each write batch: serialises writers across processes like SQLite's write lock.
const BEGIN: &str = "BEGIN; SELECT pg_advisory_xact_lock(hashtext(current_schema()))";

/// Whether `--db` names a PostgreSQL database rather than a SQLite file.
pub fn is_url(target: &str) -> bool {
    target.starts_with("postgres://") || target.starts_with("postgresql://")
}

/// The open PostgreSQL database.
pub(super) struct Postgres {
    pub(super) writer: Writer,
    readers: Pool,
    handle: Handle,
    describe: String,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl Postgres {
    /// Connects, creates the schema named first in `search_path` if it is missing, runs
    /// pending migrations and starts the writer.
    pub(super) async fn open(url: &str) -> Result<Postgres, DbError> {
        let mut config: Config = url.parse().map_err(|e| DbError::Url(format!("{e}")))?;
        config.connect_timeout(CONNECT_TIMEOUT);
        let describe = redacted(url);
        let options = config.get_options().unwrap_or_default().to_owned();
        config.options(format!("{options} -c synchronous_commit=on").trim_start());
        let mut read_config = config.clone();
        read_config.options(format!("{options} -c synchronous_commit=on -c default_transaction_read_only=on").trim_start());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("db-postgres")
            .enable_all()
            .build()
            .map_err(|e| DbError::Url(format!("cannot start the database runtime: {e}")))?;
        let handle = runtime.handle().clone();
        let readers = pool(read_config, READERS)?;
        // The writer's connection lives on a runtime of its own, built and first used on a
        // thread outside any runtime (block_on may not be called from inside one).
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let writer_describe = describe.clone();
        std::thread::spawn(move || {
            let setup = || -> Result<PgWriter, DbError> {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| DbError::Url(format!("cannot start the database runtime: {e}")))?;
                let mut writer = PgWriter { config, rt: Arc::new(rt), conn: None, describe: writer_describe };
                let conn = writer.ready_conn()?;
                create_schema(conn)?;
                migrate::run(conn, migrate::POSTGRES)?;
                let fsync: String = conn.query_one("SELECT current_setting('fsync')", &[])?.get(0)?;
                if fsync != "on" {
                    tracing::warn!("PostgreSQL runs with fsync off: acknowledged writes may be lost in a crash");
                }
                Ok(writer)
            };
            let _ = ready_tx.send(setup());
        });
        let writer = ready_rx.await.map_err(|_| DbError::Closed)??;
        Ok(Postgres {
            writer: Writer::start(Box::new(writer), BEGIN),
            readers,
            handle,
            describe,
            runtime: Some(runtime),
        })
    }

    /// Runs `query` on a pooled read-only connection, on this backend's blocking threads.
    pub(super) async fn read<R, F>(&self, query: F) -> Result<R, DbError>
    where
        F: FnOnce(&Conn) -> Result<R, DbError> + Send + 'static,
        R: Send + 'static,
    {
        let pool = self.readers.clone();
        let handle = self.handle.clone();
        self.handle
            .spawn_blocking(move || {
                let client = handle.block_on(pool.get()).map_err(|e| DbError::Pool(e.to_string()))?;
                query(&PgConn { client: Client::Pooled(client), driver: Driver::Shared(handle) })
            })
            .await
            .map_err(|_| DbError::Closed)?
    }

    /// The URL without its password, for logs.
    pub(super) fn describe(&self) -> String {
        self.describe.clone()
    }
}

fn pool(config: Config, size: usize) -> Result<Pool, DbError> {
    let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(CONNECT_TIMEOUT))
        .create_timeout(Some(CONNECT_TIMEOUT))
        .build()
        .map_err(|e| DbError::Pool(e.to_string()))
}

/// `CREATE SCHEMA` for the first schema of `search_path` when it does not exist yet
/// (so `?options=-csearch_path%3Dname` gives each test or tenant a schema of its own).
fn create_schema(conn: &Conn) -> Result<(), DbError> {
    let current: Option<String> = conn.query_one("SELECT current_schema()", &[])?.get(0)?;
    if current.is_some() {
        return Ok(());
    }
    let path: String = conn.query_one("SELECT current_setting('search_path')", &[])?.get(0)?;
    let first = path.split(',').next().unwrap_or_default().trim().trim_matches('"');
    if first.is_empty() || first.starts_with('$') {
        return Ok(());
    }
    conn.batch(&format!("CREATE SCHEMA IF NOT EXISTS \"{}\"", first.replace('"', "\"\"")))
}

/// `url` with the password replaced by `***`.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            let masked = if userinfo.contains(':') { format!("{user}:***") } else { user.to_owned() };
            format!("{scheme}://{masked}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

/// The writer's connection on the writer's own single-threaded runtime: the writer thread
/// drives the connection itself while it waits for an answer, so a statement costs no hand-over
/// between threads. Connected again when the server closed it.
struct PgWriter {
    config: Config,
    rt: Arc<tokio::runtime::Runtime>,
    conn: Option<PgConn>,
    describe: String,
}

impl PgWriter {
    fn ready_conn(&mut self) -> Result<&PgConn, DbError> {
        if self.conn.as_ref().is_some_and(|c| c.client.get().is_closed()) {
            tracing::warn!(db = %self.describe, "write connection lost; reconnecting");
            self.conn = None;
        }
        if self.conn.is_none() {
            let (client, connection) = self.rt.block_on(self.config.connect(NoTls))?;
            self.rt.spawn(async move {
                if let Err(e) = connection.await {
                    tracing::warn!(error = %e, "write connection ended");
                }
            });
            let client = Client::Own { client, statements: RefCell::new(HashMap::new()) };
            self.conn = Some(PgConn { client, driver: Driver::Own(Arc::clone(&self.rt)) });
        }
        self.conn.as_ref().ok_or(DbError::Closed)
    }
}

impl WriteConn for PgWriter {
    fn ready(&mut self) -> Result<&Conn, DbError> {
        Ok(self.ready_conn()?)
    }
}

/// Who polls a connection's futures.
enum Driver {
    /// The backend's shared runtime (pooled readers, from its blocking threads).
    Shared(Handle),
    /// The writer's own single-threaded runtime, run by the writer thread for each statement
    /// (`Runtime::block_on`: only it drives the IO of a current-thread runtime).
    Own(Arc<tokio::runtime::Runtime>),
}

/// A pooled reader, or the writer's own connection with its prepared statements.
enum Client {
    Pooled(Object),
    Own { client: tokio_postgres::Client, statements: RefCell<HashMap<String, Statement>> },
}

impl Client {
    fn get(&self) -> &tokio_postgres::Client {
        match self {
            Client::Pooled(object) => object,
            Client::Own { client, .. } => client,
        }
    }

    async fn prepare(&self, sql: &str) -> Result<Statement, tokio_postgres::Error> {
        match self {
            Client::Pooled(object) => object.prepare_cached(sql).await,
            Client::Own { client, statements } => {
                let cached = statements.borrow().get(sql).cloned();
                if let Some(statement) = cached {
                    return Ok(statement);
                }
                let statement = client.prepare(sql).await?;
                statements.borrow_mut().insert(sql.to_owned(), statement.clone());
                Ok(statement)
            }
        }
    }
}

/// A connection used synchronously.
struct PgConn {
    client: Client,
    driver: Driver,
}

impl PgConn {
    fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        match &self.driver {
            Driver::Shared(handle) => handle.block_on(future),
            Driver::Own(runtime) => runtime.block_on(future),
        }
    }
}

impl Sql for PgConn {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64, DbError> {
        let sql = dollar_placeholders(sql);
        let params: Vec<PgParam<'_>> = params.iter().map(|p| PgParam(*p)).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        self.block_on(async {
            let stmt = self.client.prepare(&sql).await?;
            Ok(self.client.get().execute(&stmt, &refs).await?)
        })
    }

    fn query(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>, DbError> {
        let sql = dollar_placeholders(sql);
        let params: Vec<PgParam<'_>> = params.iter().map(|p| PgParam(*p)).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let rows = self.block_on(async {
            let stmt = self.client.prepare(&sql).await?;
            self.client.get().query(&stmt, &refs).await
        })?;
        rows.iter().map(to_row).collect()
    }

    fn batch(&self, sql: &str) -> Result<(), DbError> {
        Ok(self.block_on(self.client.get().batch_execute(sql))?)
    }
}

fn to_row(row: &tokio_postgres::Row) -> Result<Row, DbError> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let value = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(i)?.map(Value::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(i)?.map(|v| Value::Int(v.into()))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(i)?.map(|v| Value::Int(v.into()))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(i)?.map(|v| Value::Int(v.into()))
        } else if *ty == Type::BYTEA {
            row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Blob)
        } else if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(ty) {
            row.try_get::<_, Option<String>>(i)?.map(Value::Text)
        } else {
            return Err(DbError::Column { index: i, expected: "integer, boolean, text or bytes" });
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row::new(values))
}

/// A [`Param`] bound to whatever integer, boolean, text or bytes type the statement expects.
#[derive(Debug)]
struct PgParam<'a>(Param<'a>);

impl ToSql for PgParam<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self.0 {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(v) if *ty == Type::INT8 => v.to_sql(ty, out),
            Param::Int(v) if *ty == Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
            Param::Int(v) if *ty == Type::INT2 => i16::try_from(v)?.to_sql(ty, out),
            Param::Int(v) if *ty == Type::BOOL => (v != 0).to_sql(ty, out),
            Param::Int(_) => Err(format!("an integer cannot be bound to {ty}").into()),
            Param::Text(t) => t.to_sql(ty, out),
            Param::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// The server's message (and SQLSTATE) of a PostgreSQL error, for [`DbError`]'s text.
pub(super) fn message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => match e.source() {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_logs() {
        assert_eq!(redacted("postgres://pw:secret@db:5432/x?options=a"), "postgres://pw:***@db:5432/x?options=a");
        assert_eq!(redacted("postgresql://pw@db/x"), "postgresql://pw@db/x");
        assert_eq!(redacted("postgres://db/x"), "postgres://db/x");
    }

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("postgres://localhost/pw"));
        assert!(is_url("postgresql://localhost/pw"));
        assert!(!is_url("data/pw.sqlite3"));
    }
}
